"""Benchmarks put both backends side by side in one process."""

from __future__ import annotations

import contextlib
import importlib
from types import ModuleType

import pytest


def backends() -> list[tuple[str, ModuleType]]:
    found = [("python", importlib.import_module("amqpcodec._pure"))]
    with contextlib.suppress(ImportError):
        found.append(("cython", importlib.import_module("amqpcodec._speedups")))
    return found


@pytest.fixture(params=[name for name, _ in backends()])
def backend(request: pytest.FixtureRequest) -> ModuleType:
    return dict(backends())[request.param]
