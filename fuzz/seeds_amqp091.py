"""Seed inputs of the AMQP 0-9-1 harnesses (:mod:`fuzz.targets_amqp091`).

Sources, read as text (nothing under ``tests/`` is imported): the hand-written golden
method payloads of ``tests/data/amqp091/methods_golden.txt``; every bytes literal of the
field-table tests (``test_tables_golden.py``, ``test_tables_errors.py``,
``test_tables_peers.py``: one entry per letter, RabbitMQ errata §3, and the malformed
tables the error tests pin); every hex literal of the reader and properties tests; a
realistic connection's two directions built here with the encoder (handshake, declares,
publishes and deliveries split over body frames on two channels, heartbeats, close);
and hand-written assembler programs (:func:`fuzz.targets_amqp091.assembler_steps`).

``python -m fuzz.seeds_amqp091`` writes them into ``fuzz/corpus/amqp091_*`` (the 1.0
corpora are left alone); ``python -m fuzz.seeds`` writes every harness's seeds.
"""

from __future__ import annotations

import ast
import hashlib
import struct
from pathlib import Path

from amqpcodec.amqp091 import BasicProperties, encode_heartbeat, encode_message, encode_method, encode_table
from amqpcodec.amqp091 import methods as m
from amqpcodec.amqp091.constants import FRAME_END, FRAME_HEADER, FRAME_METHOD, PROTOCOL_HEADER

from .seeds import hex_literals

__all__ = ["ASSEMBLER_PROGRAMS", "connection_stream", "seeds_amqp091"]

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
TESTS = ROOT / "tests"
TABLE_TESTS = ("test_tables_golden.py", "test_tables_errors.py", "test_tables_peers.py")
HEX_TESTS = ("test_reader_framing.py", "test_reader_hostile.py", "test_reader_payloads.py")
#: Golden method frames per seed stream (a handful of frames each, so the corpus stays
#: at tens of files).
FRAMES_PER_STREAM = 8
#: The frame_max the connection streams are built with: index 1 of the frames
#: harness's frame_max choices (flags bits 2-3 = 01).
FRAME_MAX = 512
_FRAME_HEADER = struct.Struct(">BHI")

#: Assembler programs, hex (opcode: bits 0-2 kind, bits 3-4 channel, bits 5-7 variant):
#: a one-frame publish; a deliver over three bodies; two channels interleaved with a
#: heartbeat; an empty body; a header over max_message_size; a method mid-content; a
#: discard mid-content; bodies that complete exactly (kind 7), one of exactly
#: max_message_size; partial contents that pass the limit together; a header of another
#: class and one with a weight; frames with no content method; get-ok and return on
#: channel 3.
ASSEMBLER_PROGRAMS = (
    "08 0a0a 0b0a",
    "28 0a1e 0b0a 0b0a 0b0a",
    "08 10 0a14 1214 0b0a 04 130a 0b0a 130a",
    "08 4a00",
    "08 8a00 0b05",
    "08 0a14 0b05 09 0b05",
    "08 0a14 0b05 0d 0b05 08 0a05 4f",
    "08 0aff 4f  08 6a00 4f",
    "08 0ac8 0b3f 0b3f 10 12c8 133f 133f 0b3f 133f",
    "08 ea05 08 ca05 2c",
    "0b05 0a05 0e 09",
    "78 1a04 1b04  58 1a00  b8 1a10 5f",
)


def _frame(frame_type: int, channel: int, payload: bytes) -> bytes:
    """A frame around ``payload``, by hand (§4.2.3), whatever the payload holds."""
    return _FRAME_HEADER.pack(frame_type, channel, len(payload)) + payload + bytes((FRAME_END,))


def golden_payloads() -> list[bytes]:
    """The method payloads of ``methods_golden.txt`` (its ``hex =`` lines)."""
    text = (TESTS / "data" / "amqp091" / "methods_golden.txt").read_text(encoding="utf-8")
    return [
        bytes.fromhex(line.split("=", 1)[1].replace(" ", ""))
        for line in text.splitlines()
        if line.startswith("hex =")
    ]


def bytes_literals(path: Path) -> list[bytes]:
    """Every bytes literal of ``path`` at least 4 bytes long (a table's size and more)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes) and len(node.value) >= 4
    ]


def _tables_of(payloads: list[bytes]) -> set[bytes]:
    """The golden table ``{"k": "v"}`` (size 8) wherever the method payloads carry it."""
    table = bytes.fromhex("00000008 016b 53 00000001 76")
    return {table for payload in payloads if table in payload}


def _realistic_tables() -> set[bytes]:
    """Tables as brokers and clients send them (connection properties, queue arguments,
    message headers), written with the encoder."""
    return {
        encode_table(table)
        for table in (
            {
                "product": "RabbitMQ",
                "version": "3.13.0",
                "capabilities": {"publisher_confirms": True, "consumer_cancel_notify": True},
                "cluster_name": "rabbit@node",
            },
            {"x-queue-type": "quorum", "x-max-length": 1000, "x-dead-letter-exchange": "dlx"},
            {"x-death": [{"count": 2, "reason": "expired", "queue": "q", "routing-keys": ["a", "b"]}]},
            {"attempt": 3, "ratio": 0.5, "raw": b"\x00\xff", "none": None, "list": [1, "two", [3.0]]},
        )
    }


def connection_stream(server: bool) -> bytes:
    """One direction of a small connection (§2.2.4, §4.2.6), ``frame_max`` 512: the client's
    opens with the protocol header and publishes; the server's delivers on two channels,
    their frames interleaved."""
    header = BasicProperties(content_type="text/plain", delivery_mode=2, headers={"attempt": 1})
    if not server:
        frames = [
            PROTOCOL_HEADER,
            encode_method(m.ConnectionStartOk(client_properties={"product": "fuzz"}, response=b"\x00g\x00g")),
            encode_method(m.ConnectionTuneOk(channel_max=8, frame_max=FRAME_MAX, heartbeat=60)),
            encode_method(m.ConnectionOpen(virtual_host="/")),
            encode_method(m.ChannelOpen(), channel=1),
            encode_method(
                m.QueueDeclare(queue="jobs", durable=True, arguments={"x-queue-type": "quorum"}), channel=1
            ),
        ]
        for tag, size in ((1, 1200), (2, 0), (3, FRAME_MAX - 8)):
            method = m.BasicPublish(exchange="", routing_key="jobs", mandatory=tag == 3)
            frames += encode_message(method, header, bytes([tag]) * size, channel=1, frame_max=FRAME_MAX)
        frames += [encode_heartbeat(), encode_method(m.BasicAck(delivery_tag=1), channel=1)]
        frames.append(
            encode_method(m.ConnectionClose(reply_code=200, reply_text="bye", class_id=0, method_id=0))
        )
        return b"".join(frames)
    frames = [
        encode_method(
            m.ConnectionStart(
                server_properties={"product": "RabbitMQ"}, mechanisms=b"PLAIN", locales=b"en_US"
            )
        ),
        encode_method(m.ConnectionTune(channel_max=8, frame_max=FRAME_MAX, heartbeat=60)),
        encode_method(m.ConnectionOpenOk()),
        encode_method(m.ChannelOpenOk(), channel=1),
    ]
    per_channel: list[list[bytes]] = []
    for channel, size in ((1, 1100), (2, 700)):
        method = m.BasicDeliver(
            consumer_tag=f"c{channel}", delivery_tag=channel, exchange="", routing_key="jobs"
        )
        per_channel.append(
            encode_message(method, header, bytes([channel]) * size, channel=channel, frame_max=FRAME_MAX)
        )
    for index in range(max(len(frames) for frames in per_channel)):
        frames += [channel_frames[index] for channel_frames in per_channel if index < len(channel_frames)]
    frames += [encode_heartbeat(), encode_method(m.ConnectionCloseOk())]
    return b"".join(frames)


def _frames_seeds(payloads: list[bytes]) -> set[bytes]:
    """Inputs of ``amqp091_frames``: flags byte, chunking seed, stream."""
    method_frames = [_frame(FRAME_METHOD, index % 3, payload) for index, payload in enumerate(payloads)]
    streams = {
        bytes([0x01, index]) + b"".join(method_frames[index : index + FRAMES_PER_STREAM])
        for index in range(0, len(method_frames), FRAMES_PER_STREAM)
    }
    streams.add(b"\x00\x03" + PROTOCOL_HEADER + b"".join(method_frames[:4]))
    header_payloads = [
        data for data in hex_literals(TESTS / "amqp091" / "test_properties.py") if len(data) >= 14
    ]
    streams.add(b"\x01\x05" + b"".join(_frame(FRAME_HEADER, 1, payload) for payload in header_payloads))
    for name in HEX_TESTS:
        for data in hex_literals(TESTS / "amqp091" / name):
            streams.add(bytes([0x00 if data.startswith(b"AMQP") else 0x01, len(data) & 0xFF]) + data)
    client, server = connection_stream(server=False), connection_stream(server=True)
    # frame_max 512 (bits 2-3 = 01); tight limits; max_depth 1; chunk seeds vary.
    streams |= {b"\x04\x07" + client, b"\x06\x11" + client, b"\x05\x2a" + server, b"\x15\x63" + server}
    return streams


def seeds_amqp091() -> dict[str, set[bytes]]:
    """The seed inputs of each 0-9-1 harness."""
    payloads = golden_payloads()
    tables = _tables_of(payloads) | _realistic_tables()
    for name in TABLE_TESTS:
        tables.update(bytes_literals(TESTS / "amqp091" / name))
    return {
        "amqp091_tables": tables,
        "amqp091_frames": _frames_seeds(payloads),
        "amqp091_assembler": {bytes.fromhex(program) for program in ASSEMBLER_PROGRAMS},
    }


def main() -> None:
    for harness, found in seeds_amqp091().items():
        directory = CORPUS / harness
        directory.mkdir(parents=True, exist_ok=True)
        for data in found:
            (directory / f"seed-{hashlib.sha1(data).hexdigest()}").write_bytes(data)
        sizes = sorted(len(data) for data in found)
        print(f"{harness}: {len(found)} seeds, {sizes[0]} to {sizes[-1]} bytes")


if __name__ == "__main__":
    main()
