"""What ``import amqpcodec`` costs a fresh interpreter, and what its first use adds.

Each case runs in ``runs`` fresh interpreters (``python -X importtime -c CODE``) and
reports two medians:

- ``imports_ms``: the time ``-X importtime`` charges to the imports the case's code
  makes (the cumulative figures of its top-level imports, the interpreter's own start-up
  imports left out): the import's own cost, the least noisy figure;
- ``wall_ms``: the child's wall-clock time minus that of a bare interpreter
  (``python -c pass``) started just before it (the median of these differences): what
  a command-line tool notices, start-up of the interpreter excluded, plus the case's
  own work (a decode).

Cases: ``import amqpcodec``; the same and a first ``decode``; the same and a first
``Message.decode`` of W1 (the 539-byte message of ``tests/data/w1_proton.hex``); and
``import amqpcodec.amqp091`` (left out when that subpackage does not import).

Bytecode: the children inherit the environment, so with ``PYTHONDONTWRITEBYTECODE``
set (or a read-only tree) each one compiles the package's sources again, and that
compile time is measured too.  ``--cached-bytecode`` measures what an installed
package costs instead: the children read and write bytecode under a private
temporary ``PYTHONPYCACHEPREFIX`` (the source tree is left alone), filled by one
untimed run of each case first.

Run: ``python -m benchmarks.import_time`` prints a Markdown table (``--runs N``,
``--quick`` for 5 runs, ``--cached-bytecode``, ``--json`` for JSON); ``compare.py``
calls :func:`measure`.
Timings are never asserted anywhere: a shared machine drifts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

__all__ = ["CASES", "Case", "Timing", "import_cost", "run_case", "measure", "table", "main"]

ROOT = Path(__file__).resolve().parent.parent
_W1 = (ROOT / "tests" / "data" / "w1_proton.hex").read_text().strip()
#: Written to stderr just before a case's code, so the start-up imports are told apart.
_MARK = "-- amqpcodec import_time: case starts --"


class Case(NamedTuple):
    """One measured statement: its label and the code a fresh interpreter runs."""

    label: str
    code: str


class Timing(NamedTuple):
    """The medians of one case over ``runs`` interpreters (milliseconds)."""

    label: str
    code: str
    imports_ms: float
    wall_ms: float
    runs: int


CASES = (
    Case("import amqpcodec", "import amqpcodec"),
    Case("import amqpcodec; decode(b'\\x40')", "import amqpcodec; amqpcodec.decode(b'\\x40')"),
    Case(
        "import amqpcodec; Message.decode(W1)",
        f"import amqpcodec; amqpcodec.Message.decode(bytes.fromhex('{_W1}'))",
    ),
    Case("import amqpcodec.amqp091", "import amqpcodec.amqp091"),
)


def _child_code(code: str) -> str:
    return f"import sys; sys.stderr.write({_MARK!r} + '\\n'); sys.stderr.flush()\n{code}"


def import_cost(stderr: str) -> float:
    """Milliseconds ``-X importtime`` charged to top-level imports after the mark."""
    total_us = 0
    started = False
    for line in stderr.splitlines():
        if line == _MARK:
            started = True
            continue
        if not started or not line.startswith("import time:"):
            continue
        fields = line[len("import time:") :].split("|")
        if len(fields) != 3 or not fields[1].strip().isdigit():
            continue  # the header line
        name = fields[2]
        if name.startswith(" ") and not name.startswith("  "):  # one space: top level
            total_us += int(fields[1])
    return total_us / 1000


def _environment(pycache: str | None = None) -> dict[str, str]:
    """The children's environment; with ``pycache``, bytecode is read from and written
    to that directory (``PYTHONPYCACHEPREFIX``) whatever the parent's settings."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _once(code: str, env: dict[str, str]) -> tuple[float, float] | None:
    """(wall ms, import ms) of one fresh interpreter each (the wall clock is taken
    without ``-X importtime``, which slows imports down), or None when the code fails."""
    start = time.perf_counter()
    plain = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
    wall = (time.perf_counter() - start) * 1000
    command = [sys.executable, "-X", "importtime", "-c", _child_code(code)]
    traced = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if plain.returncode != 0 or traced.returncode != 0:
        return None
    return wall, import_cost(traced.stderr)


def run_case(case: Case, runs: int, env: dict[str, str]) -> Timing | None:
    """The case's medians, or None when its code does not run (a missing subpackage).

    Each sample is paired with a bare interpreter started just before it, so the
    machine's drift during the run cancels out of the wall-clock difference."""
    walls, imports = [], []
    for _ in range(runs):
        bare = _once("pass", env)
        sample = _once(case.code, env)
        if sample is None:
            return None
        assert bare is not None
        walls.append(sample[0] - bare[0])
        imports.append(sample[1])
    label = case.label
    return Timing(label, case.code, statistics.median(imports), statistics.median(walls), runs)


def measure(runs: int = 20, *, cached_bytecode: bool = False) -> list[Timing]:
    """Every case that runs here (keep the machine otherwise quiet); with
    ``cached_bytecode``, from bytecode cached in a temporary directory (module docstring)."""
    if not cached_bytecode:
        return _measure(runs, _environment())
    with tempfile.TemporaryDirectory(prefix="amqpcodec-pycache-") as pycache:
        env = _environment(pycache)
        for case in (Case("bare", "pass"), *CASES):
            subprocess.run([sys.executable, "-c", case.code], cwd=ROOT, env=env, capture_output=True)
        return _measure(runs, env)


def _measure(runs: int, env: dict[str, str]) -> list[Timing]:
    found = []
    for case in CASES:
        timing = run_case(case, runs, env)
        if timing is None:
            print(f"skipped (does not run here): {case.label}", file=sys.stderr)
            continue
        found.append(timing)
    return found


def table(timings: list[Timing]) -> list[str]:
    """The Markdown table of :func:`measure`'s result."""
    lines = [
        "| case | imports (ms, `-X importtime`) | wall (ms, minus bare interpreter) |",
        "|---|---:|---:|",
    ]
    lines += [f"| `{t.label}` | {t.imports_ms:.1f} | {t.wall_ms:.1f} |" for t in timings]
    if timings:
        lines.append(
            f"\nMedians of {timings[0].runs} fresh interpreters each; Python {sys.version.split()[0]}."
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.import_time", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=20, help="fresh interpreters per case (default 20)")
    parser.add_argument("--quick", action="store_true", help="5 runs per case")
    parser.add_argument(
        "--cached-bytecode",
        action="store_true",
        help="import from bytecode cached in a temporary directory (as an installed package does)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    args = parser.parse_args(argv)
    timings = measure(5 if args.quick else args.runs, cached_bytecode=args.cached_bytecode)
    if args.json:
        print(json.dumps([t._asdict() for t in timings], indent=1))
    else:
        print("\n".join(table(timings)))


if __name__ == "__main__":
    main()
