"""Write the seed corpora, ``fuzz/corpus/<harness>/seed-<sha1>``, from the golden vectors.

AMQP 1.0 sources: every hex literal in ``tests/values/test_golden.py``, ``tests/messages/test_golden.py``,
``tests/composites/test_performatives.py`` and ``tests/frames/test_frames.py`` (hand-written from the spec),
``tests/data/w1_proton.hex``, ``examples/*.bin``, ``examples/session.hex`` and the pcap
capture ``tests/data/rabbitmq.pcap``; the message payloads carried by the
example session; and a few assembler programs (``fuzz.targets.assembler_frames``).
AMQP 0-9-1 sources: :mod:`fuzz.seeds_amqp091`.
Campaign finds are merged into the same directories by libFuzzer (``-merge=1``).

Run from the repository root: ``python -m fuzz.seeds``.
"""

from __future__ import annotations

import ast
import hashlib
import re
import struct
from pathlib import Path

from amqpcodec import DEFAULT_LIMITS
from amqpcodec.frames import Frame, FrameReader, TransferAssembler
from amqpcodec.message import Message

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
GOLDEN_FILES = (
    "values/test_golden.py",
    "messages/test_golden.py",
    "composites/test_performatives.py",
    "frames/test_frames.py",
    "helpers/streams.py",
)
MAX_SEED = 8192
_HEX = re.compile(r"[0-9a-fA-F]+")

#: Assembler programs (``fuzz.targets.assembler_frames``), hex: a one-frame delivery; one
#: over three frames; aborted; detached, ended and closed mid-delivery; over
#: max_message_size; odd field types; interleaved links and channels.
ASSEMBLER_PROGRAMS = (
    "00 18 00 00 05",
    "00 19 01 00 05  00 01 05  00 00 05",
    "10 19 01 00 10  10 03 00 05",
    "20 19 02 00 05  24  20 19 02 00 05",
    "08 19 00 00 05  05  0e",
    "00 19 01 00 13  00 01 13  00 01 13  00 00 13",
    "00 58 00 00 00 05  00 58 00 01 08 05",
    "00 19 00 00 04  18 19 01 01 04  00 01 04  18 00 04  03 b8 00 01 00 04",
)


def hex_literals(path: Path) -> list[bytes]:
    """The bytes of every string literal in ``path`` made of hex digits (spaces and ``#``
    comments allowed), at least one byte long."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = "".join(line.split("#")[0] for line in node.value.splitlines()).replace(" ", "")
            if len(text) >= 2 and len(text) % 2 == 0 and _HEX.fullmatch(text):
                found.append(bytes.fromhex(text))
    return found


def _is_frame(data: bytes) -> bool:
    return len(data) >= 8 and struct.unpack_from(">I", data)[0] == len(data) and data[4] >= 2


def _stream_payloads(stream: bytes) -> list[bytes]:
    """The message payloads of the deliveries in a captured direction."""
    reader = FrameReader()
    reader.feed(stream)
    assembler = TransferAssembler()
    payloads = []
    for event in reader:
        if isinstance(event, Frame):
            delivery = assembler.feed(event)
            if delivery is not None and hasattr(delivery, "payload"):
                payloads.append(delivery.payload)
    return payloads


def seeds() -> dict[str, set[bytes]]:
    """The seed inputs of each harness."""
    literals = [data for name in GOLDEN_FILES for data in hex_literals(ROOT / "tests" / name)]
    literals.append(bytes.fromhex((ROOT / "tests" / "data" / "w1_proton.hex").read_text().strip()))
    examples = {path.name: path.read_bytes() for path in sorted((ROOT / "examples").glob("*.bin"))}
    frames = [data for data in literals if _is_frame(data)]
    messages = [
        data for data in literals if len(data) > 2 and data[:2] == b"\x00\x53" and 0x70 <= data[2] <= 0x78
    ]
    for name in ("session-c2s.bin", "session-s2c.bin"):
        messages += _stream_payloads(examples[name])
    for data in literals:
        try:
            Message.decode(data, limits=DEFAULT_LIMITS)
        except ValueError:
            continue
        messages.append(data)
    capture = (ROOT / "tests" / "data" / "rabbitmq.pcap").read_bytes()
    hexdump = (ROOT / "examples" / "session.hex").read_bytes()
    streams = [
        *examples.values(),
        *frames,
        b"AMQP\x00\x01\x00\x00" + b"".join(frames[:8]),
        capture,
        hexdump[:4096],
    ]
    result: dict[str, set[bytes]] = {
        "value": {data for data in literals if not _is_frame(data)},
        "message": set(messages),
        "frames": {b"\x00\x00" + data for data in examples.values() if data.startswith(b"AMQP")}
        | {bytes([flags, 7]) + data for data in frames for flags in (1, 3, 5, 0x19)},
        "assembler": {bytes.fromhex(program) for program in ASSEMBLER_PROGRAMS},
        "stream": set(streams),
    }
    from .seeds_amqp091 import seeds_amqp091  # it reads hex_literals from here

    result.update(seeds_amqp091())
    return {name: {data for data in found if 0 < len(data) <= MAX_SEED} for name, found in result.items()}


def main() -> None:
    for harness, found in seeds().items():
        directory = CORPUS / harness
        directory.mkdir(parents=True, exist_ok=True)
        for data in found:
            (directory / f"seed-{hashlib.sha1(data).hexdigest()}").write_bytes(data)
        print(f"{harness}: {len(found)} seeds")


if __name__ == "__main__":
    main()
