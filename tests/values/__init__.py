"""Tests of the values layer."""
