"""Benchmarks put both backends and every installed peer side by side in one process.

Fixtures: ``backend`` (each backend's value codec), ``ours`` (each backend's label, with the
message and frame layers running on it), ``timed`` (check a codec's result, then time
it in a group) and ``peer`` (import a peer or skip).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from amqpcodec._backend import Backend
from amqpcodec.testing import value_backends

from .adapters import CANNOT, OURS, PEERS, use_backend


def backends() -> list[tuple[str, Backend]]:
    return value_backends()


@pytest.fixture(params=[name for name, _ in backends()])
def backend(request: pytest.FixtureRequest) -> Backend:
    return dict(backends())[request.param]


@pytest.fixture(params=[f"amqpcodec-{name}" for name, _ in backends()])
def ours(request: pytest.FixtureRequest) -> Iterator[str]:
    """Our codec's label; message and frame layers run on that backend meanwhile."""
    label: str = request.param
    with use_backend(OURS[label]):
        yield label


@pytest.fixture
def peer() -> Callable[[str], Any]:
    """``peer(label)``: the peer's module, or skip the test when it is not installed."""

    def load(label: str) -> Any:
        return pytest.importorskip(PEERS[label][0], reason=f"{PEERS[label][1]} is not installed")

    return load


@pytest.fixture
def timed(benchmark: Any) -> Callable[..., Any]:
    """``timed(group, codec, fn, check, **info)``: skip if ``codec`` cannot do ``group``'s
    work (``adapters.CANNOT``); else ``check(fn())`` first, so no codec is timed on work
    it skipped (a dict it returns joins ``info``), then time ``fn`` in ``group``,
    labelled for the report by ``extra_info``.

    Objects alive before timing (payloads, caches, earlier tests' leftovers) are frozen
    out of the cyclic garbage collector meanwhile (``gc.freeze``): a collection during a
    round then scans what the codec allocated, not whatever this process happens to
    hold, which made rounds of large decodes bimodal."""

    def run(
        group: str, codec: str, fn: Callable[[], Any], check: Callable[[Any], Any] | None, **info: Any
    ) -> Any:
        reason = CANNOT.get(group, {}).get(codec)
        if reason is not None:
            pytest.skip(f"{codec}: {reason}")
        if check is not None:
            found = check(fn())
            if isinstance(found, dict):
                info.update(found)
        benchmark.group = group
        benchmark.extra_info.update(codec=codec, **info)
        gc.collect()
        gc.freeze()
        try:
            return benchmark(fn)
        finally:
            gc.unfreeze()

    return run
