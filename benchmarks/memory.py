"""Memory per decoded message, for every codec, on the message payloads.

Two measures (issue "Benchmarks"):

- ``tracemalloc``: bytes the Python allocator traces while one message is decoded and
  read (``peak``, the median of a few runs after a warm-up decode), and per result
  while a batch of results is kept (``kept``).  Exact for codecs that build Python objects (ours,
  Azure ``_pyamqp``, RbFly, msgpack); blind to Proton, whose decoded message lives in
  C memory.
- ``rss``: in a fresh interpreter per codec and payload, the growth of the resident set
  while ``n`` more decoded messages (with their reads) are kept, divided by ``n``,
  after a first ``n`` used up the memory the interpreter held free; it sees every
  allocator, Proton's included, at page granularity.

Run: ``python -m benchmarks.memory`` prints both as JSON (``--quick`` keeps fewer
messages); ``compare.py`` calls :func:`measure`.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

from .adapters import OURS, PEERS, backend_module, message_decoder, msgpack_content, use_backend
from .payloads import ANNOTATED, DATA_1MIB, W1, annotated_message, data_1mib_message, w1_message

__all__ = ["PAYLOADS", "CODECS", "decoder", "traced", "rss_per_message", "measure"]

PAYLOADS = {
    "W1": (W1, w1_message),
    "annotated": (ANNOTATED, annotated_message),
    "data-1MiB": (DATA_1MIB, data_1mib_message),
}
#: The one section a lazy reader looks at, per payload (as in the timing benchmarks).
LAZY_SECTION = {"W1": "properties", "annotated": "message_annotations"}
#: (codec, variant): ours eager and lazy (every field, or one section), then the peers.
CODECS: tuple[tuple[str, str | None], ...] = (
    *((label, variant) for label in OURS for variant in (None, "lazy: all", "lazy: section")),
    ("proton", None),
    ("azure-pyamqp", None),
    ("rbfly", None),
    ("msgpack", None),
)
#: Codecs whose decoded messages live outside the Python allocator.
C_HEAP = frozenset(("proton",))
#: Messages kept for the RSS measure (twice this many are decoded), per payload.
RSS_COUNT = {"W1": 20_000, "annotated": 20_000, "data-1MiB": 64}


@contextlib.contextmanager
def _running(codec: str) -> Iterator[None]:
    if codec in OURS:
        with use_backend(backend_module(codec)):
            yield
    else:
        __import__(PEERS[codec][0])
        yield


def decoder(codec: str, variant: str | None, payload: str) -> Callable[[], Any]:
    """Decode and read one message of ``payload`` (as the timing benchmarks do)."""
    data, message = PAYLOADS[payload]
    if codec == "msgpack":
        import msgpack

        packed = msgpack.packb(msgpack_content(message()))
        return lambda: msgpack.unpackb(packed)
    lazy = None if variant is None else variant.removeprefix("lazy: ")
    return message_decoder(codec, data, lazy=lazy)


def traced(decode: Callable[[], Any], *, runs: int = 5, batch: int = 200) -> dict[str, int]:
    """Bytes the Python allocator traces: ``peak`` while ``decode()`` runs once (median of
    ``runs``), ``kept`` per result while ``batch`` results are kept (the growth divided
    by ``batch``, which leaves out free lists and caches a single run would count)."""
    decode()
    peaks = []
    for _ in range(runs):
        gc.collect()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            result = decode()
            peaks.append(tracemalloc.get_traced_memory()[1] - base)
        finally:
            tracemalloc.stop()
        del result
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        results = [decode() for _ in range(batch)]
        kept = (tracemalloc.get_traced_memory()[0] - base) // batch
    finally:
        tracemalloc.stop()
    del results
    return {"peak": int(statistics.median(peaks)), "kept": kept}


def _resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _rss_child(codec: str, variant: str | None, payload: str, count: int) -> dict[str, int]:
    with _running(codec):
        decode = decoder(codec, variant, payload)
        for _ in range(50):
            decode()
        gc.collect()
        # The first batch soaks up memory the interpreter already holds free; the
        # second one's growth is what each further message costs.
        first = [decode() for _ in range(count)]
        before = _resident()
        second = [decode() for _ in range(count)]
        after = _resident()
        del first, second
    return {"per_message": (after - before) // count, "count": count}


def rss_per_message(codec: str, variant: str | None, payload: str, count: int) -> dict[str, int] | None:
    """RSS growth per kept decoded message, measured in a fresh interpreter (None on Windows
    and macOS, which have no ``/proc``)."""
    if not os.path.exists("/proc/self/statm"):
        return None
    command = [sys.executable, "-m", "benchmarks.memory", "--rss", codec, variant or "", payload, str(count)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output)  # type: ignore[no-any-return]


def _available(codec: str) -> bool:
    try:
        with _running(codec):
            return True
    except ImportError:
        return False


def measure(*, quick: bool = False, log: Callable[[str], None] = lambda _: None) -> list[dict[str, Any]]:
    """Both measures for every installed codec and every payload, one row each."""
    rows = []
    for payload in PAYLOADS:
        for codec, variant in CODECS:
            if variant == "lazy: section":
                if payload not in LAZY_SECTION:
                    continue
                variant = f"lazy: {LAZY_SECTION[payload]}"
            if not _available(codec):
                continue
            log(f"memory: {payload} {codec} {variant or ''}")
            with _running(codec):
                row: dict[str, Any] = {"payload": payload, "codec": codec, "variant": variant}
                batch = 16 if payload == "data-1MiB" else 200
                row["tracemalloc"] = traced(decoder(codec, variant, payload), batch=batch)
                row["tracemalloc_sees_all"] = codec not in C_HEAP
            count = RSS_COUNT[payload] // (10 if quick else 1)
            row["rss"] = rss_per_message(codec, variant, payload, max(count, 16))
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="keep fewer messages for the RSS measure")
    parser.add_argument(
        "--rss", nargs=4, metavar=("CODEC", "VARIANT", "PAYLOAD", "N"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.rss:
        codec, variant, payload, count = args.rss
        print(json.dumps(_rss_child(codec, variant or None, payload, int(count))))
        return
    print(json.dumps(measure(quick=args.quick, log=lambda line: print(line, file=sys.stderr)), indent=1))


if __name__ == "__main__":
    main()
