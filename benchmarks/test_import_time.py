"""``benchmarks/import_time.py`` runs (one fresh interpreter per case): no timing is
asserted, only that each case runs and reports figures."""

from __future__ import annotations

from .import_time import CASES, import_cost, measure, table


def test_every_case_runs_once() -> None:
    timings = measure(runs=1)
    labels = [t.label for t in timings]
    assert labels[:3] == [case.label for case in CASES[:3]]
    assert all(t.runs == 1 and t.imports_ms >= 0 for t in timings)
    assert len(table(timings)) == len(timings) + 3


def test_import_cost_counts_top_level_imports_after_the_mark() -> None:
    stderr = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:       100 |        900 | site",
            "-- amqpcodec import_time: case starts --",
            "import time:       300 |        300 |   typing",
            "import time:       500 |       1500 | amqpcodec",
            "import time:       200 |        250 | amqpcodec._backend",
        ]
    )
    assert import_cost(stderr) == 1.75
