"""Tests of the messages layer."""
