"""Tests of the backends layer."""
