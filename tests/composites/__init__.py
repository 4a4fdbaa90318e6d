"""Tests of the composites layer."""
