"""Shared test setup.

The suite runs once per backend (README's test command runs pytest twice, the second
time with ``AMQPCODEC_PUREPYTHON=1``); differential tests use ``both_backends`` to put
the two side by side in one process.

Hypothesis: the ``ci`` profile (default) is derandomized so CI is repeatable; set
``HYPOTHESIS_PROFILE=dev`` for fresh random examples, ``long`` for a deep run.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=150,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=150, deadline=None)
settings.register_profile("long", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _available_backends() -> list[tuple[str, ModuleType]]:
    found = [("python", importlib.import_module("amqpcodec._pure"))]
    try:
        found.append(("cython", importlib.import_module("amqpcodec._speedups")))
    except ImportError:
        if os.environ.get("CI"):
            raise
    return found


BACKENDS = _available_backends()


@pytest.fixture(params=[name for name, _ in BACKENDS])
def any_backend(request: pytest.FixtureRequest) -> ModuleType:
    """Each importable backend module in turn (both, in CI)."""
    return dict(BACKENDS)[request.param]


@pytest.fixture
def both_backends() -> list[tuple[str, ModuleType]]:
    """All importable backends at once, for side-by-side comparisons."""
    if len(BACKENDS) < 2:
        pytest.skip("the compiled backend is not built")
    return BACKENDS
