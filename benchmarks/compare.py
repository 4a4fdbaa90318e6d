"""Run the benchmark suite and write the comparison report into ``benchmarks/results/``.

Usage::

    python -m benchmarks.compare            # full run: about 25 minutes
    python -m benchmarks.compare --quick    # short rounds, into benchmarks/results/quick/
    python -m benchmarks.compare --json benchmarks/results/benchmarks.json   # re-render
    python -m benchmarks.compare --no-interleaved   # 0-9-1 targets on the suite's blocks

Steps: pytest-benchmark runs ``benchmarks/`` (``--benchmark-json``); when the AMQP 0-9-1
groups ran, ``benchmarks.amqp091`` times the same 0-9-1 work again interleaved, right
after the suite (every codec in turn in each round, so a slow spell of a shared machine
cannot fall on one codec's block alone), and the 0-9-1 targets are judged on that
(``amqp091.json``; a re-render with ``--json`` reuses the one in the output directory,
or ``--amqp091-json``, and measures nothing); ``memory.py`` measures memory per decoded
message; then this module writes ``results.md`` (the Markdown tables: median µs, ops/s,
time relative to amqpcodec-cython, every row where a peer is faster marked, a summary,
memory, scaling; then the AMQP 0-9-1 comparison with pika, pamqp and py-amqp, their
wrong results beside their speed and the 0-9-1 targets), ``benchmarks.json``,
``memory.json`` and the PNG charts (one bar chart per payload and per 0-9-1 workload,
log scale; the scaling curves).  Everything is stamped with Python, CPU, peer versions
and the command.  Timings drift between runs on a shared machine; compare ratios within
one.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import shlex
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BASELINE = "amqpcodec-cython"
#: Report order of codecs; unknown labels go last.
CODECS = (
    "amqpcodec-cython",
    "amqpcodec-python",
    "proton",
    "azure-pyamqp",
    "rbfly",
    "msgpack",
    "pamqp",
    "pika",
    "py-amqp",
)
#: Codecs written in Python only: a fair match for our pure-Python backend.
PURE_PYTHON = frozenset(("amqpcodec-python", "azure-pyamqp", "pamqp"))
#: (payload, title) in report order; each has a ``-decode`` and an ``-encode`` group.
PAYLOADS = (
    ("W1", "1. W1: 539-byte message as Proton writes it"),
    ("W1-transfer", "2. W1 inside a transfer frame"),
    ("data-1MiB", "3. A 1 MiB data body"),
    ("map100", "4. amqp-value body: the 100-entry mixed map"),
    ("frames-transfers", "5. 10,000 transfer frames (200-byte payloads) in one buffer"),
    ("frames-control", "6. 10,000 flow and disposition frames"),
    ("annotated", "7. 20 message annotations (symbol keys), 64-byte body"),
)
#: (scale, what grows, unit, per-unit label); per unit is time / size in ns (= µs per 1,000).
SCALES = (("data", "data body", "bytes", "ns per byte"), ("map", "map", "entries", "µs per 1,000 entries"))
TIMES = "\u00d7"  # the multiplication sign of "2.5x"
NONE = "\u2013"  # an en dash: no result in this cell
QUICK = ["--benchmark-min-rounds=3", "--benchmark-max-time=0.05", "--benchmark-warmup=off"]
FULL = ["--benchmark-min-rounds=7", "--benchmark-max-time=1.0", "--benchmark-warmup=on"]


@dataclass(frozen=True)
class Row:
    group: str
    codec: str
    variant: str | None
    median: float  # seconds
    iqr: float
    rounds: int
    info: dict[str, Any]

    @property
    def label(self) -> str:
        return self.codec if self.variant is None else f"{self.codec} ({self.variant})"

    @property
    def main(self) -> bool:
        """The codec's own row (not a lazy or value-API variant of ours)."""
        return self.variant is None or not self.codec.startswith("amqpcodec")


def _order(codec: str) -> int:
    return CODECS.index(codec) if codec in CODECS else len(CODECS)


def load_rows(data: dict[str, Any]) -> list[Row]:
    rows = []
    for bench in data["benchmarks"]:
        info = dict(bench.get("extra_info") or {})
        codec = info.pop("codec", None)
        if codec is None or bench.get("group") is None:
            continue
        stats = bench["stats"]
        rows.append(
            Row(
                bench["group"],
                codec,
                info.pop("variant", None),
                stats["median"],
                stats["iqr"],
                stats["rounds"],
                info,
            )
        )
    return rows


# --------------------------------------------------------------------------- running


def _command(json_path: Path, quick: bool, select: str | None) -> list[str]:
    command = [sys.executable, "-m", "pytest", "benchmarks", "-q", "-p", "no:cacheprovider"]
    command += [
        f"--benchmark-json={json_path}",
        "--benchmark-group-by=group",
        "--benchmark-columns=median,ops,rounds",
    ]
    command += QUICK if quick else FULL
    if select:
        command += ["-k", select]
    return command


def _environment() -> dict[str, str]:
    """The child's environment: ``src/`` on the path when amqpcodec is not installed."""
    env = dict(os.environ)
    if importlib.util.find_spec("amqpcodec") is None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def run_suite(json_path: Path, *, quick: bool, select: str | None) -> list[str]:
    command = _command(json_path, quick, select)
    print("$", shlex.join(command), flush=True)
    subprocess.run(command, cwd=ROOT, env=_environment(), check=True)
    return command


def run_amqp091(json_path: Path, *, quick: bool) -> dict[str, Any]:
    """The interleaved 0-9-1 measurement (``benchmarks.amqp091 --json-out``), its record,
    with the commit it timed; written to ``json_path``."""
    json_path = json_path.resolve()
    git = _git()
    command = [sys.executable, "-m", "benchmarks.amqp091", *(["--quick"] if quick else [])]
    command += ["--json-out", str(json_path)]
    print("$", shlex.join(_relative(command)), flush=True)
    subprocess.run(command, cwd=ROOT, env=_environment(), check=True, stdout=subprocess.DEVNULL)
    found: dict[str, Any] = json.loads(json_path.read_text())
    found["git"] = git
    json_path.write_text(json.dumps(found, indent=1))
    return found


def run_memory(*, quick: bool) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "benchmarks.memory", *(["--quick"] if quick else [])]
    print("$", shlex.join(command), flush=True)
    output = subprocess.run(command, cwd=ROOT, env=_environment(), check=True, capture_output=True, text=True)
    return json.loads(output.stdout)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- stamp


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(  # the results this module writes do not count
            ["git", "status", "--porcelain", "--", ".", ":!benchmarks/results"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return commit + (" with uncommitted changes" if dirty.strip() else "")


def _versions() -> dict[str, str]:
    code = "import json; from benchmarks.adapters import codec_versions; print(json.dumps(codec_versions()))"
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_environment(), capture_output=True, text=True
    )
    return json.loads(output.stdout) if output.returncode == 0 else {}


def stamp(data: dict[str, Any], commands: list[list[str]], quick: bool) -> list[str]:
    machine = data.get("machine_info", {})
    when = data.get("datetime") or datetime.datetime.now(datetime.timezone.utc).isoformat()
    versions = _versions()
    implementation = subprocess.run(
        [sys.executable, "-c", "import amqpcodec; print(amqpcodec.IMPLEMENTATION)"],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
    ).stdout.strip()
    load = data.get("load_average", {})
    peers = [v for k, v in versions.items() if k != "amqpcodec"]
    lines = [
        f"- Run: {when[:19].replace('T', ' ')} UTC, {'quick (short rounds: indicative only)' if quick else 'full'}; "
        f"1-minute load average {load.get('before', 'n/a')} before the suite, {load.get('after', 'n/a')} after "
        "(a shared machine: compare ratios within this run)",
        f"- Python {machine.get('python_version', platform.python_version())} "
        f"({machine.get('python_implementation', platform.python_implementation())}), "
        f"{platform.system()} {platform.release()} {platform.machine()}",
        f"- CPU: {_cpu()}, {os.cpu_count()} logical CPUs",
        f"- amqpcodec {versions.get('amqpcodec', '?')} at {data.get('git') or _git()}; "
        f"default backend `{implementation}`",
        f"- Peers: {'; '.join(peers) or 'none found'}",
        f"- pytest-benchmark {importlib.metadata.version('pytest-benchmark')}",
    ]
    lines += [f"- Command: `{shlex.join(_relative(c))}`" for c in commands]
    return lines


def _load() -> float | None:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def _plain_params(bench: dict[str, Any]) -> None:
    """pytest-benchmark writes a parameter it cannot serialise as its repr (a ``Backend``'s
    names its module's path on this machine): keep the name the test recorded in
    ``extra_info`` instead."""
    params = bench.get("params") or {}
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("UNSERIALIZABLE["):
            params[key] = bench.get("extra_info", {}).get(key, "unserializable")


def _relative(command: list[str]) -> list[str]:
    """``command`` as a reader would type it: ``python``, paths from the repository root."""
    root = f"{ROOT}{os.sep}"
    return ["python" if part == sys.executable else part.replace(root, "") for part in command]


# --------------------------------------------------------------------------- tables


def _us(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:,.0f}" if us >= 1000 else f"{us:,.1f}" if us >= 10 else f"{us:,.2f}"


def _ops(seconds: float) -> str:
    ops = 1 / seconds
    return f"{ops:,.0f}" if ops < 1e5 else f"{ops / 1000:,.0f}k"


def _ratio(value: float) -> str:
    return (
        f"{value:.2f}{TIMES}"
        if value < 10
        else f"{value:.1f}{TIMES}"
        if value < 100
        else f"{value:.0f}{TIMES}"
    )


def _baseline(rows: Iterable[Row]) -> Row | None:
    return next((r for r in rows if r.codec == BASELINE and r.variant is None), None)


def _notes(row: Row, base: Row | None) -> list[str]:
    notes = []
    if base is not None and not row.codec.startswith("amqpcodec") and row.median < base.median:
        notes.append(f"**faster than {BASELINE}**")
    if row.info.get("same_types") is False:
        notes.append("≈ same values, other AMQP types (see notes)")
    if "frames" in row.info:
        notes.append(f"{row.info['frames'] / row.median:,.0f} frames/s")
    return notes


def group_table(rows: list[Row]) -> list[str]:
    base = _baseline(rows)
    lines = [
        f"| codec | median µs | ops/s | time vs {BASELINE} | |",
        "|---|---:|---:|---:|---|",
    ]
    for row in sorted(rows, key=lambda r: r.median):
        ratio = _ratio(row.median / base.median) if base else NONE
        label = f"**{row.label}**" if row.codec.startswith("amqpcodec") else row.label
        lines.append(
            f"| {label} | {_us(row.median)} | {_ops(row.median)} | {ratio} | {'; '.join(_notes(row, base))} |"
        )
    return lines


def _cannot(group: str, present: set[str]) -> list[str]:
    from .adapters import CANNOT

    return [
        f"- {codec}: not run — {reason}."
        for codec, reason in CANNOT.get(group, {}).items()
        if codec not in present
    ]


def median_table(groups: dict[str, list[Row]]) -> list[str]:
    """Median µs of each codec's own row per group (the README's table), fastest in bold."""
    codecs = sorted({r.codec for rows in groups.values() for r in rows}, key=_order)
    lines = [
        "| payload, direction | " + " | ".join(codecs) + " |",
        "|---|" + "---:|" * len(codecs),
    ]
    for group, rows in groups.items():
        mains = {r.codec: r for r in rows if r.main}
        fastest = min(r.median for r in mains.values())
        cells = []
        for codec in codecs:
            row = mains.get(codec)
            cell = NONE if row is None else _us(row.median)
            cells.append(f"**{cell}**" if row is not None and row.median == fastest else cell)
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    return lines


def summary_table(groups: dict[str, list[Row]]) -> list[str]:
    codecs = sorted({r.codec for rows in groups.values() for r in rows}, key=_order)
    lines = [
        "| payload, direction | " + " | ".join(codecs) + " |",
        "|---|" + "---:|" * len(codecs),
    ]
    for group, rows in groups.items():
        base = _baseline(rows)
        cells = []
        for codec in codecs:
            row = next((r for r in rows if r.codec == codec and r.main), None)
            if row is None or base is None:
                cells.append(NONE)
            elif row.median < base.median and not codec.startswith("amqpcodec"):
                cells.append(f"**{_ratio(row.median / base.median)}** ⚠")
            else:
                cells.append(_ratio(row.median / base.median))
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    return lines


def capture_table(groups: dict[str, list[Row]], data: dict[str, Any]) -> list[str]:
    """Throughput of ``amqpcodec decode`` on the generated captures (README "Decode
    captured bytes"): events only, and the text a person reads; then the 1 GiB run."""
    lines = [
        "| capture | backend | output | size MB | messages | median s | MB/s |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for group, rows in groups.items():
        for row in sorted(rows, key=lambda r: (_order(r.codec), r.variant or "")):
            info = row.info
            lines.append(
                f"| {group.removeprefix('capture-')} | {row.codec} | {row.variant or ''} "
                f"| {info.get('size', 0) / 1e6:,.1f} | {info.get('messages', 0):,} "
                f"| {row.median:.2f} | {info.get('MB_per_s', 0):,.1f} |"
            )
    for bench in data["benchmarks"]:
        info = bench.get("extra_info") or {}
        if bench.get("group") == "capture-rss" and "rss_kib_1gib" in info:
            lines += [
                "",
                f"A {info['size'] / 2**30:.2f} GiB pcap decoded in {info['seconds']} s "
                f"({info['MB_per_s']} MB/s, events only) with a peak RSS of "
                f"{info['rss_kib_1gib'] / 1024:.0f} MiB, the same as for 1 MiB "
                f"({info['rss_kib_1mib'] / 1024:.0f} MiB): memory does not grow with the capture.",
            ]
    return lines


def faster_peers(groups: dict[str, list[Row]]) -> list[str]:
    """Every group where a peer beats our compiled backend, or a pure-Python peer our
    pure-Python one."""
    lines = []
    for group, rows in groups.items():
        ours = {r.codec: r for r in rows if r.codec.startswith("amqpcodec") and r.variant is None}
        for row in sorted(rows, key=lambda r: r.median):
            if row.codec.startswith("amqpcodec"):
                continue
            compiled = ours.get(BASELINE)
            pure = ours.get("amqpcodec-python")
            if compiled is not None and row.median < compiled.median:
                lines.append(
                    f"- {group}: **{row.label}** {_us(row.median)} µs vs {BASELINE} {_us(compiled.median)} µs "
                    f"({compiled.median / row.median:.2f}{TIMES} faster)"
                )
            elif row.codec in PURE_PYTHON and pure is not None and row.median < pure.median:
                lines.append(
                    f"- {group}: **{row.label}** (pure Python) {_us(row.median)} µs vs amqpcodec-python "
                    f"{_us(pure.median)} µs ({pure.median / row.median:.2f}{TIMES} faster)"
                )
    return lines or ["- none: every peer is slower than amqpcodec-cython in every group."]


def _exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) against log(size) over the larger half of the points."""
    points = sorted(points)[len(points) // 2 :]
    if len(points) < 2:
        return None
    xs = [math.log(size) for size, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else None


def scaling_tables(rows: list[Row]) -> list[str]:
    lines: list[str] = []
    for kind, name, unit, per in SCALES:
        curve = [r for r in rows if r.info.get("scale") == kind and r.main]
        if not curve:
            continue
        codecs = sorted({r.codec for r in curve}, key=_order)
        sizes = sorted({int(r.info["size"]) for r in curve})
        lookup = {(r.codec, int(r.info["size"])): r for r in curve}
        lines += [
            f"#### Decode time against {name} size: median µs ({per} in brackets)",
            "",
            f"| {unit} | " + " | ".join(codecs) + " |",
            "|---:|" + "---:|" * len(codecs),
        ]
        for size in sizes:
            cells = []
            for codec in codecs:
                row = lookup.get((codec, size))
                cells.append(NONE if row is None else f"{_us(row.median)} ({row.median / size * 1e9:.2f})")
            lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
        exponents = []
        for codec in codecs:
            slope = _exponent([(s, lookup[(codec, s)].median) for s in sizes if (codec, s) in lookup])
            exponents.append(NONE if slope is None else f"{slope:.2f}")
        lines += ["| growth exponent (larger half) | " + " | ".join(exponents) + " |", ""]
    if lines:
        lines.append(
            "The growth exponent is the slope of log(time) against log(size) over the larger "
            "half of the sizes: 1.0 is linear cost."
        )
    return lines


def _bytes(value: int | None) -> str:
    return NONE if value is None else f"{value:,}"


def memory_table(memory: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| payload | codec | traced peak per decode (B) | traced kept per message (B) | RSS growth per kept message (B) |",
        "|---|---|---:|---:|---:|",
    ]
    for row in memory:
        label = row["codec"] + (f" ({row['variant']})" if row.get("variant") else "")
        traced = row["tracemalloc"]
        blind = "" if row["tracemalloc_sees_all"] else " (Python objects only)"
        rss = row.get("rss") or {}
        lines.append(
            f"| {row['payload']} | {label} | {_bytes(traced['peak'])}{blind} | {_bytes(traced['kept'])}{blind} "
            f"| {_bytes(rss.get('per_message'))} |"
        )
    return lines


# --------------------------------------------------------------------------- charts


#: Line colours per codec (bars: ours blue, peers grey).
COLORS = {
    "amqpcodec-cython": "#1f5fa8",
    "amqpcodec-python": "#6ea0d8",
    "proton": "#d62728",
    "azure-pyamqp": "#ff7f0e",
    "rbfly": "#2ca02c",
    "msgpack": "#7f7f7f",
    "pamqp": "#9467bd",
    "pika": "#8c564b",
    "py-amqp": "#e377c2",
}


def _color(codec: str, *, line: bool = False) -> str:
    if line or codec.startswith("amqpcodec"):
        return COLORS.get(codec, "#000000")
    return "#9a9a9a"


def _bars(ax: Any, labels: list[str], medians: list[float], codecs: list[str], base: float | None) -> None:
    """Horizontal bars of median µs, slowest on top, log scale, each labelled with its
    time relative to ``base``."""
    ax.barh(labels, medians, color=[_color(codec) for codec in codecs])
    ax.set_xscale("log")
    ax.set_xlabel("median µs (log scale; shorter is faster)")
    if base is not None:
        for i, median in enumerate(medians):
            ax.text(median, i, f" {median / base:.2f}{TIMES}", va="center", fontsize=8)
    ax.margins(x=0.25)


def amqp091_results(rows: list[Row]) -> dict[tuple[str, str], float | str]:
    """The 0-9-1 groups' medians as ``benchmarks.amqp091`` reports them: µs per unit of
    work, by (workload, codec)."""
    from .amqp091 import GROUP

    return {
        (row.group.removeprefix(GROUP), row.codec): row.median / row.info.get("units", 1) * 1e6
        for row in rows
        if row.group.startswith(GROUP) and row.main
    }


def amqp091_charts(results: dict[tuple[str, str], float | str], out: Path) -> list[str]:
    """One PNG per 0-9-1 workload: every codec's µs per unit, log scale."""
    from .amqp091 import GROUP
    from .amqp091_work import WORKLOADS

    plt = _pyplot()
    if plt is None:
        return []
    written = []
    for workload, title, unit in WORKLOADS:
        found = sorted(
            (
                (codec, value)
                for (w, codec), value in results.items()
                if w == workload and isinstance(value, float)
            ),
            key=lambda item: item[1],
            reverse=True,
        )
        if not found:
            continue
        fig, ax = plt.subplots(figsize=(7.5, len(found) * 0.42 + 1.4))
        base = results.get((workload, BASELINE))
        _bars(
            ax,
            [codec for codec, _ in found],
            [value for _, value in found],
            [codec for codec, _ in found],
            base if isinstance(base, float) else None,
        )
        ax.set_xlabel(f"median µs per {unit} (log scale; shorter is faster)")
        ax.set_title(f"AMQP 0-9-1: {title}", fontsize=10)
        fig.tight_layout()
        path = out / f"{GROUP}{workload}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path.name)
    return written


def _pyplot() -> Any:
    """matplotlib's pyplot drawing to files, or None (and a warning) when it is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no charts", file=sys.stderr)
        return None
    return plt


def charts(groups: dict[str, list[Row]], rows: list[Row], out: Path) -> list[str]:
    """One PNG per payload (decode and encode bars, log scale) and ``scaling.png``."""
    plt = _pyplot()
    if plt is None:
        return []
    written = []
    for payload, title in PAYLOADS:
        panels = [(d, groups.get(f"{payload}-{d}", [])) for d in ("decode", "encode")]
        panels = [(d, r) for d, r in panels if r]
        if not panels:
            continue
        height = max(len(r) for _, r in panels) * 0.42 + 1.4
        fig, axes = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), height), squeeze=False)
        for ax, (direction, group_rows) in zip(axes[0], panels):
            ordered = sorted(group_rows, key=lambda r: r.median, reverse=True)
            base = _baseline(group_rows)
            _bars(
                ax,
                [r.label for r in ordered],
                [r.median * 1e6 for r in ordered],
                [r.codec for r in ordered],
                None if base is None else base.median * 1e6,
            )
            ax.set_title(direction)
        fig.suptitle(title)
        fig.tight_layout()
        path = out / f"{payload}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path.name)
    curves = [scale for scale in SCALES if any(r.info.get("scale") == scale[0] for r in rows)]
    if curves:
        fig, axes = plt.subplots(2, len(curves), figsize=(6.5 * len(curves), 9), squeeze=False)
        for column, (kind, name, unit, per) in enumerate(curves):
            curve = [r for r in rows if r.info.get("scale") == kind and r.main]
            for codec in sorted({r.codec for r in curve}, key=_order):
                points = sorted((int(r.info["size"]), r.median) for r in curve if r.codec == codec)
                sizes = [s for s, _ in points]
                ours = codec.startswith("amqpcodec")
                style = {"color": _color(codec, line=True), "linewidth": 2.5 if ours else 1.2}
                axes[0][column].plot(sizes, [t * 1e6 for _, t in points], marker="o", label=codec, **style)
                axes[1][column].plot(
                    sizes, [t / s * 1e9 for s, t in points], marker="o", label=codec, **style
                )
            axes[0][column].set(
                xscale="log", yscale="log", xlabel=unit, ylabel="median µs", title=f"{name}: decode time"
            )
            axes[1][column].set(
                xscale="log",
                yscale="log",
                xlabel=unit,
                ylabel=per,
                title=f"{name}: time per unit (flat = linear once fixed costs are amortised)",
            )
            axes[0][column].legend(fontsize=8)
        fig.tight_layout()
        path = out / "scaling.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path.name)
    return written


# --------------------------------------------------------------------------- report


def render(
    data: dict[str, Any],
    memory: list[dict[str, Any]] | None,
    commands: list[list[str]],
    quick: bool,
    out: Path,
    interleaved: dict[str, Any] | None = None,
) -> str:
    """The Markdown report; ``interleaved``: the 0-9-1 record its targets are judged on."""
    rows = load_rows(data)
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if not row.group.startswith("scale-"):
            groups[row.group].append(row)
    ordered = {
        group: groups[group]
        for payload, _ in PAYLOADS
        for group in (f"{payload}-decode", f"{payload}-encode")
        if group in groups
    }
    captures = {g: r for g, r in groups.items() if g.startswith("capture-")}
    images = charts(ordered, rows, out)
    lines = ["# amqpcodec benchmarks", "", *stamp(data, commands, quick), ""]
    lines += [
        "Every codec does the same work on the same content, checked before it is timed "
        "(a decode reads every field). Median of all rounds; ops/s = 1 / median; "
        f'"time vs {BASELINE}" is the codec\'s median over ours: below 1.00{TIMES} the codec '
        "is faster than ours, and the row says so (differences of a few percent are within "
        "this machine's run-to-run noise). msgpack and pamqp (an AMQP 0-9-1 field "
        "table) hold the same content as plain Python: speed references, not AMQP codecs.",
        "",
        "## Where peers are faster",
        "",
        *faster_peers(ordered),
        "",
        f"## Summary: median µs per operation (fastest in bold; {NONE} not run)",
        "",
        *median_table(ordered),
        "",
        "## Summary: time relative to amqpcodec-cython (lower is faster; ⚠ a peer beats it)",
        "",
        *summary_table(ordered),
        "",
    ]
    for payload, title in PAYLOADS:
        present = [g for g in (f"{payload}-decode", f"{payload}-encode") if g in ordered]
        if not present:
            continue
        lines += [f"## {title}", ""]
        if f"{payload}.png" in images:
            lines += [f"![{payload}]({payload}.png)", ""]
        for group in present:
            lines += [f"### {group}", "", *group_table(ordered[group]), ""]
            cannot = _cannot(group, {r.codec for r in ordered[group]})
            lines += [*cannot, ""] if cannot else []
    scaling = scaling_tables(rows)
    if scaling:
        lines += ["## Scaling: decode time against payload size", ""]
        if "scaling.png" in images:
            lines += ["![scaling](scaling.png)", ""]
        lines += scaling
        skipped = sorted(
            {
                f"- {codec} at {group.rsplit('-', 1)[1]}: {reason}."
                for group, found in _scale_cannot()
                for codec, reason in found
            }
        )
        lines += ["", *skipped, ""]
    if captures:
        lines += ["## The capture decoder (`amqpcodec decode`)", "", *capture_table(captures, data), ""]
    lines += amqp091_section(rows, out, interleaved)
    if memory:
        lines += [
            "## Memory per decoded message",
            "",
            "Traced: the Python allocator (tracemalloc) while one message is decoded and read "
            "(peak), and per message while 200 results are kept (16 for 1 MiB). RSS: in a fresh "
            "interpreter, resident-set growth per further kept message, which also sees C "
            "allocations (Proton's decoded message lives in C memory, so only RSS counts it).",
            "",
            *memory_table(memory),
            "",
        ]
    lines += [
        "## Notes",
        "",
        "- ≈ rows: our decoder reads the same values from that codec's bytes, but some AMQP "
        "types differ: RbFly writes Python ints that fit 32 bits as AMQP int, where the "
        "content has long.",
        "- Proton's decoded binaries are views into the decoded message's memory; the benchmark "
        "keeps the message instead of copying them (which favours Proton). In frame reading it "
        "copies the binary fields out, because its reused `Data` overwrites them.",
        "- Azure `_pyamqp` and Proton return transfer payloads as views into the input; ours "
        "copies each into the frame's own `bytes`.",
        "",
    ]
    return "\n".join(lines)


def amqp091_section(rows: list[Row], out: Path, interleaved: dict[str, Any] | None = None) -> list[str]:
    """The AMQP 0-9-1 comparison (groups ``amqp091-*``): speeds with the peers' wrong
    results, one chart per workload, the 0-9-1 targets; nothing when none ran.  With
    ``interleaved`` (a ``benchmarks.amqp091`` record), its medians follow the groups' and
    the targets are judged on them, not on the blocks pytest-benchmark timed."""
    from .amqp091 import (
        GROUP,
        TARGETS_TITLE,
        from_record,
        section,
        speed_table,
        speeds,
        targets_table,
        versions,
    )
    from .amqp091_work import CODECS as CODECS_091
    from .amqp091_work import WORKLOADS

    results = amqp091_results(rows)
    if not results:
        return []
    codecs = tuple(c for c in CODECS_091 if any(codec == c for _, codec in results))
    images = amqp091_charts(results, out)
    lines = [
        "## AMQP 0-9-1: amqpcodec against pika, pamqp and py-amqp",
        "",
        f"The `{GROUP}*` groups of this run ({versions()}); the same work, timed interleaved, "
        "is `python -m benchmarks.amqp091`.",
        "",
    ]
    if interleaved is None:
        lines += [*section(results, codecs, level=3), ""]
    else:
        # Only the codecs the suite ran: a target against another would cite a median
        # shown nowhere (the interleaved step times every codec, whatever ``-k`` chose).
        judged = {key: value for key, value in from_record(interleaved).items() if key[1] in codecs}
        load = interleaved.get("load")
        busy = "" if not load else f", 1-minute load average {load[0]:.2f} before, {load[1]:.2f} after"
        tree = f" at {interleaved['git']}" if interleaved.get("git") else ""
        lines += [
            *speeds(results, codecs),
            "### The same work, interleaved",
            "",
            "pytest-benchmark times each codec in a block of its own, so a slow spell of a "
            "shared machine can fall on one codec alone; the same work timed again with every "
            f"codec in turn in each round (`{interleaved['command']}`, {interleaved['utc']} UTC"
            f"{tree}{busy}) gives these medians, on which the targets are judged:",
            "",
            *speed_table(judged, codecs, legend=False),
            "",
            f"### {TARGETS_TITLE}",
            "",
            "Judged on the interleaved medians.",
            "",
            *targets_table(judged),
            "",
        ]
    for workload, _, _ in WORKLOADS:
        if f"{GROUP}{workload}.png" in images:
            lines += [f"![{workload}]({GROUP}{workload}.png)", ""]
    return lines


def _scale_cannot() -> list[tuple[str, list[tuple[str, str]]]]:
    from .adapters import CANNOT

    return [(group, list(found.items())) for group, found in CANNOT.items() if group.startswith("scale-")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the benchmarks and write benchmarks/results/.")
    parser.add_argument(
        "--quick", action="store_true", help="short rounds; writes to benchmarks/results/quick/"
    )
    parser.add_argument(
        "--json", type=Path, help="render this pytest-benchmark JSON instead of running the suite"
    )
    parser.add_argument("--memory-json", type=Path, help="render this memory.json instead of measuring")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measures")
    judged = parser.add_mutually_exclusive_group()
    judged.add_argument(
        "--amqp091-json",
        type=Path,
        help="render this amqp091.json instead of timing the 0-9-1 work interleaved",
    )
    judged.add_argument(
        "--no-interleaved", action="store_true", help="judge the 0-9-1 targets on the suite's blocks"
    )
    parser.add_argument("-k", dest="select", help="pytest -k expression (a partial run)")
    parser.add_argument("--out", type=Path, help="output directory (default benchmarks/results/)")
    args = parser.parse_args(argv)
    out = args.out or (RESULTS / "quick" if args.quick else RESULTS)
    out.mkdir(parents=True, exist_ok=True)
    if args.quick and args.out is None:
        (out / ".gitignore").write_text("*\n")
    argv_used = ["python", "-m", "benchmarks.compare", *(argv if argv is not None else sys.argv[1:])]
    commands = [argv_used]
    json_path = out / "benchmarks.json"
    if args.json is not None:
        data = json.loads(args.json.read_text())
        if args.json.resolve() != json_path.resolve():
            json_path.write_text(json.dumps(data, indent=1))
    else:
        load_before, git = _load(), _git()  # the tree as the suite runs it
        commands.append(run_suite(json_path, quick=args.quick, select=args.select))
        data = json.loads(json_path.read_text())
        data["commands"] = [_relative(c) for c in commands]
        data["load_average"] = {"before": load_before, "after": _load()}
        data["git"] = git
        data.get("machine_info", {}).pop("node", None)  # the host name
        for bench in data["benchmarks"]:
            bench["stats"].pop("data", None)  # every round's time: megabytes, not needed
            _plain_params(bench)
        json_path.write_text(json.dumps(data, indent=1))
    commands = data.get("commands", commands)
    interleaved = _interleaved(args, data, out)
    memory = None
    if args.memory_json is not None:
        memory = json.loads(args.memory_json.read_text())
    elif not args.no_memory:
        memory = run_memory(quick=args.quick)
    if memory is not None:
        (out / "memory.json").write_text(json.dumps(memory, indent=1))
    report = render(data, memory, commands, args.quick, out, interleaved)
    (out / "results.md").write_text(report)
    print(f"wrote {out / 'results.md'}")


def _interleaved(args: argparse.Namespace, data: dict[str, Any], out: Path) -> dict[str, Any] | None:
    """The 0-9-1 record the targets are judged on: ``--amqp091-json``; none with
    ``--no-interleaved`` or when no 0-9-1 group ran; on a re-render (``--json``) the
    output directory's ``amqp091.json`` if there is one (nothing is measured); else a
    new measurement, written there."""
    saved = out / "amqp091.json"
    if args.amqp091_json is not None:
        found: dict[str, Any] = json.loads(args.amqp091_json.read_text())
        if args.amqp091_json.resolve() != saved.resolve():
            saved.write_text(json.dumps(found, indent=1))
        return found
    if args.no_interleaved or not amqp091_results(load_rows(data)):
        return None
    if args.json is not None:
        return json.loads(saved.read_text()) if saved.exists() else None
    return run_amqp091(saved, quick=args.quick)


if __name__ == "__main__":
    main()
