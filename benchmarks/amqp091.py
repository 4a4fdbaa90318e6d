"""AMQP 0-9-1: amqpcodec against pika, pamqp and py-amqp, in one process, and our targets.

Usage::

    python -m benchmarks.amqp091                      # ~1 minute; prints the Markdown report
    python -m benchmarks.amqp091 --quick              # a few seconds (noisy)
    python -m benchmarks.amqp091 --out benchmarks/results/amqp091.md
    python -m benchmarks.amqp091 --json-out FILE      # also the medians as JSON (compare)

Every codec's work (``amqp091_work``) is checked once, then timed in rounds: each round
runs every codec on every workload once (interleaved, so a slow spell of this shared
machine hurts all alike); the report gives the median of the rounds per unit of work and
each target of the 0-9-1 codec with the ratio measured.  Timings drift between runs;
compare ratios within one run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import importlib.metadata
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from .amqp091_work import CANNOT, CODECS, MAKERS, PEER_FAULTS, WORKLOADS, Work, on_backend

__all__ = [
    "GROUP",
    "TARGETS",
    "TARGETS_TITLE",
    "Target",
    "faults",
    "from_record",
    "main",
    "measure",
    "record",
    "render",
    "section",
    "speed_table",
    "speeds",
    "targets_table",
    "versions",
]


class Target(NamedTuple):
    """``ours`` must be at least ``factor`` times as fast as ``other`` on ``workload``
    (a factor under 1 is "within 1/factor times the other's time")."""

    workload: str
    ours: str
    other: str
    factor: float


#: The speed targets of the 0-9-1 codec (docs "Performance").
TARGETS = (
    Target("deliver-decode", "amqpcodec-cython", "pika", 5.0),
    Target("deliver-decode", "amqpcodec-cython", "pamqp", 8.0),
    Target("publish-encode", "amqpcodec-cython", "pika", 4.0),
    Target("table100-decode", "amqpcodec-cython", "msgpack", 1 / 2.5),
    Target("table100-encode", "amqpcodec-cython", "msgpack", 1 / 3.0),
    Target("frames10k", "amqpcodec-cython", "py-amqp", 4.0),
    *(Target(w, "amqpcodec-python", "pamqp", 1.0) for w, _, _ in WORKLOADS if w != "frames10k"),
    Target("frames10k", "amqpcodec-python", "pamqp", 1.0),
)

VERSIONS = {"pika": "pika", "pamqp": "pamqp", "py-amqp": "amqp", "msgpack": "msgpack"}
#: The pytest-benchmark group of a workload is ``GROUP + workload`` (``benchmarks.compare``).
GROUP = "amqp091-"


def _loops(work: Work, budget: float) -> int:
    """How many runs fill about ``budget`` seconds (at least one)."""
    with on_backend(work):
        start = time.perf_counter()
        work.run()
        once = time.perf_counter() - start
    return max(1, int(budget / max(once, 1e-7)))


def _prepare(codecs: tuple[str, ...]) -> dict[tuple[str, str], Work | str]:
    """Every (workload, codec)'s checked Work, or why it has none."""
    prepared: dict[tuple[str, str], Work | str] = {}
    for workload, _, _ in WORKLOADS:
        for codec in codecs:
            make = MAKERS.get(codec, {}).get(workload)
            if make is None:
                prepared[workload, codec] = CANNOT.get(codec, {}).get(workload, "no adapter")
                continue
            try:
                work = make()
                with on_backend(work):
                    work.check(work.run())
            except ImportError as error:
                prepared[workload, codec] = f"not installed ({error.name})"
                continue
            prepared[workload, codec] = work
    return prepared


def measure(
    codecs: tuple[str, ...] = CODECS, rounds: int = 15, budget: float = 0.02
) -> dict[tuple[str, str], float | str]:
    """Median µs per unit for every (workload, codec), or the reason it was not measured."""
    prepared = _prepare(codecs)
    works = {key: value for key, value in prepared.items() if isinstance(value, Work)}
    loops = {key: _loops(work, budget) for key, work in works.items()}
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in works}
    gc.collect()
    gc.freeze()
    try:
        for _ in range(rounds):
            for key, work in works.items():
                run, n = work.run, loops[key]
                with on_backend(work):
                    start = time.perf_counter()
                    for _ in range(n):
                        run()
                    samples[key].append((time.perf_counter() - start) / n / work.units * 1e6)
    finally:
        gc.unfreeze()
    results: dict[tuple[str, str], float | str] = {
        key: value for key, value in prepared.items() if not isinstance(value, Work)
    }
    results.update({key: statistics.median(found) for key, found in samples.items()})
    return results


def record(
    results: dict[tuple[str, str], float | str], command: str, load: tuple[float, float] | None
) -> dict[str, object]:
    """One measurement as JSON-ready data (``--json-out``; ``benchmarks.compare`` keeps it
    as ``amqp091.json`` and judges the 0-9-1 targets on it): when, how, and every median
    or reason, as ``[workload, codec, value]`` rows."""
    return {
        "utc": f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M}",
        "command": command,
        "load": None if load is None else list(load),
        "results": [[workload, codec, value] for (workload, codec), value in results.items()],
    }


def from_record(data: dict[str, Any]) -> dict[tuple[str, str], float | str]:
    """The results :func:`record` wrote."""
    return {(str(w), str(c)): (v if isinstance(v, str) else float(v)) for w, c, v in data["results"]}


def _cell(value: float | str | None) -> str:
    return f"{value:.2f}" if isinstance(value, float) else "\u2013"


def versions() -> str:
    """The installed peers' versions, for the reports' stamp."""
    found = []
    for codec, dist in VERSIONS.items():
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found.append(f"{codec} {importlib.metadata.version(dist)}")
    return ", ".join(found)


def faults(codec: str) -> str:
    """What ``codec`` reads or writes wrongly (:data:`PEER_FAULTS`), one cell's text."""
    return "; ".join(fault.wrong for fault in PEER_FAULTS if fault.codec == codec)


def speed_table(
    results: dict[tuple[str, str], float | str], codecs: tuple[str, ...], legend: bool = True
) -> list[str]:
    """Median µs per unit, a row per codec, its wrong results beside its speed; after
    what each workload is, unless ``legend`` is false."""
    lines = [
        *(f"- `{workload}`: {title}; µs per {unit}" for workload, title, unit in WORKLOADS),
        "",
    ]
    lines = lines if legend else []
    lines += [
        "| codec | " + " | ".join(f"`{w}`" for w, _, _ in WORKLOADS) + " | what it gets wrong |",
        "|---|" + "---:|" * len(WORKLOADS) + "---|",
    ]
    for codec in codecs:
        cells = [_cell(results.get((workload, codec))) for workload, _, _ in WORKLOADS]
        name = f"**{codec}**" if codec.startswith("amqpcodec") else codec
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {faults(codec)} |")
    return lines


def notes(results: dict[tuple[str, str], float | str], codecs: tuple[str, ...]) -> list[str]:
    """How a peer's work was adapted, and why a cell is empty."""
    found = {
        f"- {codec}, `{workload}`: {note}"
        for codec, makers in MAKERS.items()
        if codec in codecs
        for workload, make in makers.items()
        if (note := _note_of(make))
    }
    found |= {
        f"- {codec}: {reason}"
        for (_, codec), reason in results.items()
        if isinstance(reason, str) and codec in codecs
    }
    found |= {
        f"- {codec}: {reason}"
        for codec, reasons in CANNOT.items()
        if codec in codecs
        for reason in reasons.values()
    }
    return sorted(found)


def targets_table(results: dict[tuple[str, str], float | str]) -> list[str]:
    """Each target of :data:`TARGETS`, the ratio measured and whether it is met."""
    lines = ["| work | ours | against | target | measured | met |", "|---|---|---|---|---|---|"]
    for target in TARGETS:
        ours, other = (
            results.get((target.workload, target.ours)),
            results.get((target.workload, target.other)),
        )
        row = f"| {target.workload} | {target.ours} | {target.other} | {_want(target.factor)} |"
        if not isinstance(ours, float) or not isinstance(other, float):
            lines.append(f"{row} \u2013 | \u2013 |")
            continue
        ratio = other / ours
        lines.append(f"{row} {_have(ratio)} | {'yes' if ratio >= target.factor else '**no**'} |")
    return lines


#: The heading of the targets (:func:`section`; ``benchmarks.compare``).
TARGETS_TITLE = "Targets of the 0-9-1 codec"


def speeds(results: dict[tuple[str, str], float | str], codecs: tuple[str, ...]) -> list[str]:
    """The comparison's speeds: what they are, the table with the peers' wrong results,
    then the notes."""
    found = notes(results, codecs)
    return [
        "Median µs per unit of work (a message, a table, a frame); lower is better. "
        "Every codec's result is checked for the same content before it is timed; "
        "a peer's wrong results are those our tests pin.",
        "",
        *speed_table(results, codecs),
        "",
        *(["Notes:", "", *found, ""] if found else []),
    ]


def section(
    results: dict[tuple[str, str], float | str], codecs: tuple[str, ...], level: int = 2
) -> list[str]:
    """The comparison's body: :func:`speeds`, then the targets, under a heading of
    ``level``."""
    return [*speeds(results, codecs), f"{'#' * level} {TARGETS_TITLE}", "", *targets_table(results)]


def render(
    results: dict[tuple[str, str], float | str],
    codecs: tuple[str, ...],
    command: str,
    load: tuple[float, float] | None = None,
) -> str:
    """The standalone Markdown report; ``load`` is the 1-minute load average before and
    after the measurement."""
    busy = "" if load is None else f" 1-minute load average {load[0]:.2f} before, {load[1]:.2f} after."
    lines = [
        "# AMQP 0-9-1: amqpcodec against pika, pamqp and py-amqp",
        "",
        f"`{command}` on Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} logical CPUs, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"{versions()}.{busy}",
        "",
        *section(results, codecs),
    ]
    return "\n".join(lines) + "\n"


def _note_of(make: Callable[[], Work]) -> str:
    try:
        return make().note
    except ImportError:
        return ""


def _want(factor: float) -> str:
    return f"\u2265 {factor:g}\u00d7 as fast" if factor >= 1 else f"within {1 / factor:g}\u00d7 its time"


def _have(ratio: float) -> str:
    return f"{ratio:.2f}\u00d7 as fast" if ratio >= 1 else f"{1 / ratio:.2f}\u00d7 its time"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.amqp091", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few, short rounds (noisy)")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    parser.add_argument("-k", dest="only", help="only codecs whose name contains this")
    parser.add_argument("--json-out", type=Path, help="also write the medians as JSON to this file")
    args = parser.parse_args(argv)
    codecs = tuple(c for c in CODECS if args.only is None or args.only in c)
    rounds, budget = (3, 0.005) if args.quick else (15, 0.02)
    before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    results = measure(codecs, rounds, budget)
    load = None if before is None else (before, os.getloadavg()[0])
    command = "python -m benchmarks.amqp091" + (" --quick" if args.quick else "")
    report = render(results, codecs, command, load)
    sys.stdout.write(report)
    if args.out is not None:
        args.out.write_text(report, encoding="utf-8")
    if args.json_out is not None:
        args.json_out.write_text(json.dumps(record(results, command, load), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
