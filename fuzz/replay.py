"""Replay the fuzz corpora in CI, without atheris: ``python -m fuzz.replay``.

Every file under ``fuzz/corpus/`` goes through every harness of its protocol
(:mod:`fuzz.harnesses`: the 1.0 ones of :mod:`fuzz.targets`, the 0-9-1 ones of
:mod:`fuzz.targets_amqp091` on ``fuzz/corpus/amqp091_*``; each runs both backends), then
each harness gets a fixed number of inputs made by a fixed-seed mutator from its
protocol's corpus (bit flips, interesting bytes and lengths, inserts,
deletes, cuts, duplicated chunks, splices), so the run is the same every time.  Prints
one line per harness (inputs replayed, mutations, breaches, seconds, slowest input)
and exits 1 if any input breaks the contract, printing each breach with its input
in hex; ``--save DIR`` also writes those inputs there.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from amqpcodec._spec import ENCODINGS
from amqpcodec.amqp091._letters import LETTERS
from amqpcodec.amqp091.constants import FRAME_BODY, FRAME_END, FRAME_HEADER, FRAME_HEARTBEAT, FRAME_METHOD

from .harnesses import HARNESSES, family
from .targets import BACKENDS, ContractBreach

CORPUS = Path(__file__).resolve().parent / "corpus"
MAX_LENGTH = 8192
#: Mutated inputs per harness by default (``--mutations`` overrides it): the 0-9-1
#: table and frame harnesses are cheap (well under 1 ms an input), the assembler's
#: programs clone the assembler at every step; together they take about 20 s.
MUTATIONS = {"amqp091_tables": 15000, "amqp091_frames": 15000, "amqp091_assembler": 1500}
DEFAULT_MUTATIONS = 4000
PROTOCOLS = ("1.0", "0-9-1")
#: Every constructor of Part 1 §1.6, plus size and count bytes that steer into edge cases.
INTERESTING_BYTES = (*sorted({encoding.code for encoding in ENCODINGS}), 0x01, 0x02, 0x7F, 0xFE, 0xFF)
#: For 0-9-1 inputs: every field-table letter (§4.2.5.5, RabbitMQ errata §3), the frame
#: types and the frame-end octet (§4.2.3), and the same edge bytes.
INTERESTING_BYTES_091 = (
    *sorted({ord(spec.letter) for spec in LETTERS}),
    *(FRAME_METHOD, FRAME_HEADER, FRAME_BODY, FRAME_HEARTBEAT, FRAME_END),
    *(0x00, 0x7F, 0x80, 0xFE, 0xFF),
)
INTERESTING_SIZES = (0, 1, 2, 7, 8, 255, 256, 511, 512, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF)


def corpus_files(root: Path = CORPUS, protocol: str | None = None) -> list[Path]:
    """The corpus files under ``root`` (of one protocol's directories, when given)."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and not path.name.startswith(".")
        and (protocol is None or family(path.relative_to(root).parts[0]) == protocol)
    )


def mutate(
    rng: random.Random, data: bytes, pool: Sequence[bytes], interesting: Sequence[int] = INTERESTING_BYTES
) -> bytes:
    """``data`` after one to four random edits (libFuzzer's usual mutations, simplified);
    ``interesting`` are the bytes it plants."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(buf))
        operation = rng.randrange(9)
        if operation == 0 and at < len(buf):
            buf[at] ^= 1 << rng.randrange(8)
        elif operation == 1 and at < len(buf):
            buf[at] = rng.choice(interesting)
        elif operation == 2:
            buf[at:at] = bytes(rng.choice(interesting) for _ in range(rng.randint(1, 4)))
        elif operation == 3:
            del buf[at : at + rng.randint(1, 8)]
        elif operation == 4:
            del buf[at:]
        elif operation == 5 and at + 4 <= len(buf):
            size = rng.choice((*INTERESTING_SIZES, len(buf) - at, len(buf) - at - 4, len(buf) - at + 1))
            width = rng.choice((1, 4))
            buf[at : at + width] = (size & (0xFF if width == 1 else 0xFFFFFFFF)).to_bytes(width, "big")
        elif operation == 6 and buf:
            start = rng.randrange(len(buf))
            buf[at:at] = buf[start : start + rng.randint(1, 32)]
        elif operation == 7 and pool:
            other = rng.choice(pool)
            cut = rng.randint(0, len(other))
            buf[at:] = other[cut:]
        elif operation == 8:
            buf[at:at] = rng.randbytes(rng.randint(1, 8))
    return bytes(buf[:MAX_LENGTH])


class Tally:
    """What one harness did: inputs run, breaches found, time taken and the slowest input."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.corpus = 0
        self.mutations = 0
        self.breaches: list[tuple[bytes, str]] = []
        self.seconds = 0.0
        self.slowest = 0.0

    def run(self, check: Callable[[bytes], None], data: bytes) -> None:
        start = time.perf_counter()
        try:
            check(data)
        except ContractBreach as breach:
            self.breaches.append((data, str(breach)))
        except Exception as error:  # a harness bug is reported like a breach
            self.breaches.append((data, f"{self.name}: the harness raised {error!r}"))
        took = time.perf_counter() - start
        self.seconds += took
        self.slowest = max(self.slowest, took)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.replay", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mutations",
        type=int,
        help="mutated inputs per harness (default 4000; 15000 for amqp091_tables and amqp091_frames, 1500 for amqp091_assembler)",
    )
    parser.add_argument("--seed", type=int, default=2024, help="seed of the mutator (default 2024)")
    parser.add_argument("--harness", action="append", choices=sorted(HARNESSES), help="only these harnesses")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus root (default fuzz/corpus)")
    parser.add_argument("--save", type=Path, help="write inputs that breach the contract into this directory")
    args = parser.parse_args(argv)

    files = corpus_files(args.corpus)
    pools = {
        protocol: [path.read_bytes() for path in corpus_files(args.corpus, protocol)]
        for protocol in PROTOCOLS
    }
    names = args.harness or list(HARNESSES)
    print(f"fuzz replay: {len(files)} corpus files, backends: {', '.join(name for name, _ in BACKENDS)}")
    if len(BACKENDS) < 2:
        print("warning: the compiled backend is not built; replaying the pure backend alone", file=sys.stderr)
    started = time.perf_counter()
    tallies = []
    for name in names:
        check = HARNESSES[name]
        pool = pools[family(name)]
        interesting = INTERESTING_BYTES_091 if family(name) == "0-9-1" else INTERESTING_BYTES
        mutations = MUTATIONS.get(name, DEFAULT_MUTATIONS) if args.mutations is None else args.mutations
        tally = Tally(name)
        for data in pool:
            tally.run(check, data)
            tally.corpus += 1
        rng = random.Random(f"{args.seed}:{name}")
        for _ in range(mutations if pool else 0):
            tally.run(check, mutate(rng, rng.choice(pool), pool, interesting))
            tally.mutations += 1
        tallies.append(tally)
        print(
            f"{name:<17} corpus {tally.corpus:>5}  mutations {tally.mutations:>6}  breaches {len(tally.breaches):>3}"
            f"  {tally.seconds:6.1f} s  slowest {tally.slowest * 1000:7.1f} ms",
            flush=True,
        )
    breaches = [breach for tally in tallies for breach in tally.breaches]
    print(
        f"total: {sum(t.corpus + t.mutations for t in tallies)} inputs, {len(breaches)} breaches, "
        f"{time.perf_counter() - started:.1f} s"
    )
    for index, (data, text) in enumerate(breaches):
        print(f"\n--- breach {index + 1}\n{text}")
        if args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"breach-{index + 1}").write_bytes(data)
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
