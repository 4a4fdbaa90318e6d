"""Shared test setup.

The suite runs once per backend (README's test command runs pytest twice, the second
time with ``AMQPCODEC_PUREPYTHON=1``); differential tests use ``both_backends`` to put
the two side by side in one process.

Hypothesis: the ``ci`` profile (default) is derandomized so CI is repeatable; set
``HYPOTHESIS_PROFILE=dev`` for fresh random examples, ``long`` for a deep run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from amqpcodec._backend import Backend
from amqpcodec.testing import value_backends
from tests.helpers.environment import UNDER_ASAN

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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "address_space_cap: runs a child process under RLIMIT_AS (skipped under AddressSanitizer)",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    if UNDER_ASAN and item.get_closest_marker("address_space_cap") is not None:
        pytest.skip(
            "AddressSanitizer (LD_PRELOAD/ASAN_OPTIONS) reserves more address space than the "
            "child's RLIMIT_AS cap of 1 GiB allows, so the child cannot start; run without ASan"
        )


#: Both backends; in CI (``CI`` set) a compiled backend that fails to import fails the run.
BACKENDS = value_backends(require_compiled=bool(os.environ.get("CI")))


@pytest.fixture(params=[name for name, _ in BACKENDS])
def any_backend(request: pytest.FixtureRequest) -> Backend:
    """Each importable backend in turn (both, in CI)."""
    return dict(BACKENDS)[request.param]


@pytest.fixture
def both_backends() -> list[tuple[str, Backend]]:
    """All importable backends at once, for side-by-side comparisons."""
    if len(BACKENDS) < 2:
        pytest.skip("the compiled backend is not built")
    return BACKENDS
