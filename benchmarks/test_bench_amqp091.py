"""The AMQP 0-9-1 benchmark's work, checked once per codec (CI runs this untimed; the
timed comparison is ``python -m benchmarks.amqp091``)."""

from __future__ import annotations

import pytest

from .amqp091 import TARGETS, render
from .amqp091_work import CODECS, MAKERS, WORKLOADS

CASES = [(codec, workload) for codec in CODECS for workload, _, _ in WORKLOADS if workload in MAKERS[codec]]


@pytest.mark.parametrize(("codec", "workload"), CASES)
def test_work_is_done(codec: str, workload: str) -> None:
    try:
        work = MAKERS[codec][workload]()
    except ImportError as error:
        pytest.skip(f"{codec} is not installed ({error.name})")
    work.check(work.run())


def test_report_renders_every_target() -> None:
    results: dict[tuple[str, str], float | str] = {
        (workload, codec): 1.0 for codec in CODECS for workload, _, _ in WORKLOADS
    }
    report = render(results, CODECS, "test")
    assert report.count("| yes |") + report.count("| **no** |") == len(TARGETS)
