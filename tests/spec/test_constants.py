"""The compiled backend's constructor codes are the spec table's (one source of truth for spec facts).

``setup.py`` generates ``_constants.pxi`` (``cdef enum Code`` and ``GENERATED_CODES``)
from ``_spec.Code``; this checks what was compiled in against the table as it is now,
so an extension built from an older table fails here.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

from amqpcodec import _spec


@pytest.fixture
def speedups() -> ModuleType:
    try:
        return importlib.import_module("amqpcodec._speedups")
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("the compiled backend is not built")


def test_generated_codes_are_the_spec_codes(speedups: ModuleType) -> None:
    assert {code.name: int(code) for code in _spec.Code} == speedups.GENERATED_CODES


def test_generated_codes_are_distinct_bytes(speedups: ModuleType) -> None:
    codes = list(speedups.GENERATED_CODES.values())
    assert len(set(codes)) == len(codes)
    assert all(0 <= code <= 0xFF for code in codes)
