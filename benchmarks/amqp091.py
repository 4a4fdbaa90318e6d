"""AMQP 0-9-1: amqpcodec against pika, pamqp and py-amqp, in one process, and our targets.

Usage::

    python -m benchmarks.amqp091                      # ~1 minute; prints the Markdown report
    python -m benchmarks.amqp091 --quick              # a few seconds (noisy)
    python -m benchmarks.amqp091 --out benchmarks/results/amqp091.md

Every codec's work (``amqp091_work``) is checked once, then timed in rounds: each round
runs every codec on every workload once (interleaved, so a slow spell of this shared
machine hurts all alike); the report gives the median of the rounds per unit of work and
each target of the 0-9-1 codec with the ratio measured.  Timings drift between runs;
compare ratios within one run.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.metadata
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .amqp091_work import CANNOT, CODECS, MAKERS, WORKLOADS, Work

__all__ = ["TARGETS", "main", "measure", "render"]


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


def _loops(work: Work, budget: float) -> int:
    """How many runs fill about ``budget`` seconds (at least one)."""
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


def _cell(value: float | str | None) -> str:
    if value is None:
        return "\u2013"
    return f"{value:.2f}" if isinstance(value, float) else f"\u2013 ({value})"


def render(results: dict[tuple[str, str], float | str], codecs: tuple[str, ...], command: str) -> str:
    """The Markdown report: µs per unit, then the targets with the ratios measured."""
    versions = []
    for codec, dist in VERSIONS.items():
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions.append(f"{codec} {importlib.metadata.version(dist)}")
    lines = [
        "# AMQP 0-9-1: amqpcodec against pika, pamqp and py-amqp",
        "",
        f"`{command}` on Python {platform.python_version()}, {platform.machine()}; {', '.join(versions)}.",
        "Median µs per unit of work (a message, a table, a frame); lower is better.",
        "",
        "| work | unit | " + " | ".join(codecs) + " |",
        "|---|---|" + "---|" * len(codecs),
    ]
    for workload, title, unit in WORKLOADS:
        cells = [_cell(results.get((workload, codec))) for codec in codecs]
        lines.append(f"| {title} | {unit} | " + " | ".join(cells) + " |")
    notes = sorted(
        {
            f"- {codec}, {workload}: {make().note}"
            for codec, makers in MAKERS.items()
            if codec in codecs
            for workload, make in makers.items()
            if _note_of(make)
        }
    )
    lines += [
        "",
        "Notes:",
        *notes,
        "",
        "## Targets",
        "",
        "| work | ours | against | target | measured | met |",
        "|---|---|---|---|---|---|",
    ]
    for target in TARGETS:
        ours, other = (
            results.get((target.workload, target.ours)),
            results.get((target.workload, target.other)),
        )
        if not isinstance(ours, float) or not isinstance(other, float):
            lines.append(
                f"| {target.workload} | {target.ours} | {target.other} | {_want(target.factor)} | \u2013 | \u2013 |"
            )
            continue
        ratio = other / ours
        met = "yes" if ratio >= target.factor else "**no**"
        lines.append(
            f"| {target.workload} | {target.ours} | {target.other} | {_want(target.factor)} | {_have(ratio)} | {met} |"
        )
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
    args = parser.parse_args(argv)
    codecs = tuple(c for c in CODECS if args.only is None or args.only in c)
    rounds, budget = (3, 0.005) if args.quick else (15, 0.02)
    results = measure(codecs, rounds, budget)
    command = "python -m benchmarks.amqp091" + (" --quick" if args.quick else "")
    report = render(results, codecs, command)
    sys.stdout.write(report)
    if args.out is not None:
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
