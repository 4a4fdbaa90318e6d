"""Tests of the frames layer."""
