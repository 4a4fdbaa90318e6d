"""The AMQP 0-9-1 comparison as pytest-benchmark groups (``amqp091-<workload>``), which
``python -m benchmarks.compare`` reports; every codec's work is checked before it is timed
(CI runs it once, untimed).  The standalone, interleaved comparison of the same work is
``python -m benchmarks.amqp091``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .amqp091 import GROUP, TARGETS, from_record, record, render
from .amqp091_work import CODECS, MAKERS, PEER_FAULTS, WORKLOADS, on_backend

ROOT = Path(__file__).resolve().parent.parent
CASES = [(codec, workload) for codec in CODECS for workload, _, _ in WORKLOADS if workload in MAKERS[codec]]


@pytest.mark.parametrize(("codec", "workload"), CASES)
def test_amqp091(codec: str, workload: str, timed: Callable[..., Any]) -> None:
    try:
        work = MAKERS[codec][workload]()
    except ImportError as error:
        pytest.skip(f"{codec} is not installed ({error.name})")
    with on_backend(work):
        timed(GROUP + workload, codec, work.run, work.check, units=work.units)


def test_report_renders_every_target_and_fault() -> None:
    results: dict[tuple[str, str], float | str] = {
        (workload, codec): 1.0 for codec in CODECS for workload, _, _ in WORKLOADS
    }
    report = render(results, CODECS, "test")
    assert report.count("| yes |") + report.count("| **no** |") == len(TARGETS)
    for fault in PEER_FAULTS:
        assert report.count(fault.wrong) == 1, fault


def test_compare_judges_the_targets_on_the_interleaved_record(tmp_path: Path) -> None:
    """``benchmarks.compare``: the blocks pytest-benchmark timed give the first table; the
    targets come from the interleaved record (``amqp091.json``) when there is one."""
    from .compare import Row, amqp091_section

    slow = [Row(GROUP + w, c, None, 9e-6, 0.0, 1, {}) for c in CODECS for w, _, _ in WORKLOADS]
    interleaved = record({(w, c): 1.0 for c in CODECS for w, _, _ in WORKLOADS}, "test", (0.5, 0.25))
    assert from_record(json.loads(json.dumps(interleaved))) == from_record(interleaved)
    fast_ours = {
        (w, c): (0.01 if c.startswith("amqpcodec") else 1.0) for c in CODECS for w, _, _ in WORKLOADS
    }
    judged = "\n".join(amqp091_section(slow, tmp_path, record(fast_ours, "test", None)))
    assert judged.count("| yes |") == len(TARGETS), judged
    assert "### The same work, interleaved" in judged and "| 9.00 |" in judged
    unjudged = "\n".join(amqp091_section(slow, tmp_path, interleaved))
    assert "load average 0.50 before, 0.25 after" in unjudged
    blocks = "\n".join(amqp091_section(slow, tmp_path))
    assert "Interleaved" not in blocks and blocks.count("| yes |") + blocks.count("| **no** |") == len(
        TARGETS
    )


@pytest.mark.parametrize("fault", PEER_FAULTS, ids=lambda f: f.pinned_by.rsplit("::", 1)[1])
def test_every_fault_is_pinned_by_a_test(fault: Any) -> None:
    path, name = fault.pinned_by.split("::")
    assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8")


def test_pamqp_refuses_a_cluster_id() -> None:
    """pamqp will not build basic properties holding a cluster-id, the last of the basic
    class's 14 properties in the 0-9-1 spec's class table (deprecated there, but still
    flagged on the wire, and passed on by RabbitMQ), so its publish work leaves it out."""
    commands = pytest.importorskip("pamqp.commands", reason="pamqp is not installed")
    with pytest.raises(ValueError, match="cluster_id"):
        commands.Basic.Properties(cluster_id="c1")
