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


def _blocks(codecs: tuple[str, ...] = CODECS) -> list[Any]:
    """The suite's 0-9-1 rows as ``benchmarks.compare`` reads them: every median 9 µs."""
    from .compare import Row

    return [Row(GROUP + w, c, None, 9e-6, 0.0, 1, {}) for c in codecs for w, _, _ in WORKLOADS]


def _ours_fast() -> dict[tuple[str, str], float | str]:
    return {(w, c): (0.01 if c.startswith("amqpcodec") else 1.0) for c in CODECS for w, _, _ in WORKLOADS}


def test_an_interleaved_record_round_trips_through_json() -> None:
    results = {**_ours_fast(), ("frames10k", "msgpack"): "not an AMQP codec"}
    written = json.loads(json.dumps(record(results, "test", (0.5, 0.25))))
    assert from_record(written) == results
    assert written["command"] == "test" and written["load"] == [0.5, 0.25]


def test_compare_judges_the_targets_on_the_interleaved_record(tmp_path: Path) -> None:
    """``benchmarks.compare``: the blocks pytest-benchmark timed give the first table; the
    targets come from the interleaved record (``amqp091.json``) when there is one."""
    from .compare import amqp091_section

    judged = "\n".join(amqp091_section(_blocks(), tmp_path, record(_ours_fast(), "test", (0.5, 0.25))))
    assert judged.count("| yes |") == len(TARGETS), judged
    assert judged.count("| codec |") == 2 and "### The same work, interleaved" in judged
    assert "| **amqpcodec-cython** | 9.00 |" in judged and "| **amqpcodec-cython** | 0.01 |" in judged
    assert "load average 0.50 before, 0.25 after" in judged
    blocks = "\n".join(amqp091_section(_blocks(), tmp_path))
    assert "### The same work, interleaved" not in blocks and "Judged on" not in blocks
    # Every median equal: the five "at least N times" targets of the compiled backend fail.
    assert blocks.count("| **no** |") == 4 and blocks.count("| yes |") == len(TARGETS) - 4


def test_compare_judges_only_the_codecs_the_suite_ran(tmp_path: Path) -> None:
    """``-k`` ran our codecs alone: the interleaved record's peers are neither shown nor
    cited by a target."""
    from .compare import amqp091_section

    ours = tuple(c for c in CODECS if c.startswith("amqpcodec"))
    lines = amqp091_section(_blocks(ours), tmp_path, record(_ours_fast(), "test", None))
    assert not [line for line in lines if line.startswith("| pika |")]
    assert sum(line.endswith("| \u2013 | \u2013 |") for line in lines) == len(
        [t for t in TARGETS if t.other not in ours]
    )


def test_compare_re_renders_without_measuring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--json``: the output directory's ``amqp091.json`` if there is one, else the blocks;
    ``--no-interleaved``: the blocks; nothing is timed again."""
    from . import compare

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a re-render measured")

    monkeypatch.setattr(compare, "run_amqp091", refuse)
    suite = tmp_path / "suite.json"
    suite.write_text(
        json.dumps(
            {
                "benchmarks": [
                    {
                        "group": row.group,
                        "extra_info": {"codec": row.codec},
                        "stats": {"median": 9e-6, "iqr": 0.0, "rounds": 1},
                    }
                    for row in _blocks()
                ]
            }
        )
    )
    out = tmp_path / "out"

    def report(*extra: str) -> str:
        compare.main(["--json", str(suite), "--no-memory", "--out", str(out), *extra])
        return (out / "results.md").read_text()

    assert "### The same work, interleaved" not in report()
    (out / "amqp091.json").write_text(json.dumps(record(_ours_fast(), "test", None)))
    assert "### The same work, interleaved" in report()
    assert "### The same work, interleaved" not in report("--no-interleaved")
    with pytest.raises(SystemExit):
        report("--no-interleaved", "--amqp091-json", str(out / "amqp091.json"))


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
