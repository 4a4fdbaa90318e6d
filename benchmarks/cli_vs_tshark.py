"""``amqpcodec decode`` side by side with tshark on a capture of large messages.

Run::

    python -m benchmarks.cli_vs_tshark                 # ~100 MiB capture, best of 3
    python -m benchmarks.cli_vs_tshark --size 20 --repeat 5 --keep big.pcap

The capture is written here, by our encoders and a small pcap writer (Ethernet, IPv4,
TCP with its handshake, 64 KiB segments as on a loopback interface, the connections'
packets interleaved): several AMQP 1.0 connections sending transfers of large
amqp-value strings (Part 3 §3.2.8) and data bodies (§3.2.6), and AMQP 0-9-1 connections
publishing large bodies (0-9-1 §4.2.6), every server on port 5672, where tshark's AMQP
dissector also looks.  Then, wall clock, best of ``--repeat``, output to ``/dev/null``,
each command in a fresh process:

- text: ``amqpcodec decode FILE`` against ``tshark -V -r FILE`` (every packet, every
  field); target: amqpcodec at least as fast;
- JSON: ``amqpcodec decode --json FILE`` against ``tshark -T json -r FILE``; target:
  amqpcodec at least 5x faster.

The ratios printed are tshark's time over ours (above 1: we are faster).  Without
tshark on the ``PATH`` the comparison is skipped (exit status 0, a note on stderr);
``amqpcodec`` alone is still timed.  :func:`write_capture` is also what the smoke test
in ``benchmarks/test_bench_capture.py`` uses, on a tiny capture.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

from amqpcodec import Attach, Begin, Open, Role, Transfer, amqp091, encode_frame, encode_transfer
from amqpcodec.amqp091.constants import PROTOCOL_HEADER
from amqpcodec.amqp091.writer import encode_message, encode_method
from amqpcodec.frames import ProtocolHeader
from amqpcodec.message import AMQPValue, Data, Message, Properties

__all__ = ["CaptureShape", "write_capture", "Timing", "time_command", "main"]

_ETHERNET_TYPE_IPV4 = b"\x08\x00"
_SERVER_PORT = 5672
#: A TCP segment's payload: 64 KiB less the IPv4 and TCP headers (as on loopback).
_SEGMENT = 65483
_FRAME_SIZE = 1 << 20


class CaptureShape(NamedTuple):
    """What :func:`write_capture` writes: connections of each protocol and the sizes
    of the messages each sends, round robin (bytes; a 1.0 connection alternates an
    amqp-value string and a data body)."""

    connections_10: int
    connections_091: int
    message_sizes: tuple[int, ...]


#: The default capture: 4 AMQP 1.0 and 2 AMQP 0-9-1 connections, messages of 1 KiB to 1 MiB.
DEFAULT_SHAPE = CaptureShape(4, 2, (1 << 10, 64 << 10, 256 << 10, 1 << 20))


class _Endpoint(NamedTuple):
    address: bytes
    port: int


class _Tcp:
    """One TCP connection's sequence numbers (ACKs are not written: data only)."""

    def __init__(self, number: int) -> None:
        self.client = _Endpoint(bytes([10, 0, number // 250, number % 250 + 1]), 40000 + number)
        self.server = _Endpoint(bytes([10, 0, 255, 1]), _SERVER_PORT)
        self.seq = {self.client: 1000, self.server: 5000}


class _PcapWriter:
    """A pcap file (Ethernet link type) of TCP segments."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.clock = 1_709_294_400 * 1_000_000
        self.size = 24

    def packet(self, tcp: _Tcp, source: _Endpoint, flags: int, payload: bytes = b"") -> None:
        target = tcp.server if source == tcp.client else tcp.client
        header = struct.pack(
            "!HHIIBBHHH", source.port, target.port, tcp.seq[source], 0, 0x50, flags, 65535, 0, 0
        )
        ip = struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0, source.address, target.address
        )
        mac = bytes(5) + source.address[-1:]
        frame = bytes(5) + target.address[-1:] + mac + _ETHERNET_TYPE_IPV4 + ip + header + payload
        seconds, micros = divmod(self.clock, 1_000_000)
        self.out.write(struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame)
        self.size += 16 + len(frame)
        self.clock += 10
        tcp.seq[source] = (tcp.seq[source] + len(payload) + (flags & 0x03 != 0)) & 0xFFFFFFFF

    def send(self, tcp: _Tcp, source: _Endpoint, data: bytes) -> None:
        for at in range(0, len(data), _SEGMENT):
            self.packet(tcp, source, 0x18, data[at : at + _SEGMENT])

    def handshake(self, tcp: _Tcp) -> None:
        self.packet(tcp, tcp.client, 0x02)
        self.packet(tcp, tcp.server, 0x12)

    def close(self, tcp: _Tcp) -> None:
        self.packet(tcp, tcp.client, 0x11)
        self.packet(tcp, tcp.server, 0x11)


def _text(size: int) -> str:
    line = "order,sku,quantity,note: a long amqp-value string\n"
    return (line * (size // len(line) + 1))[:size]


def _messages_10(sizes: Sequence[int]) -> Iterator[bytes]:
    """The encoded payloads of a 1.0 connection, forever: a string, then a data body."""
    cache: dict[tuple[int, bool], bytes] = {}
    count = 0
    while True:
        size = sizes[count // 2 % len(sizes)]
        key = (size, count % 2 == 0)
        if key not in cache:
            body = AMQPValue(_text(size)) if key[1] else Data(_text(size).encode())
            cache[key] = Message(properties=Properties(message_id=count, subject="bench"), body=body).encode()
        yield cache[key]
        count += 1


def _open_10(number: int) -> tuple[bytes, bytes]:
    header = bytes(ProtocolHeader(0, 0))
    client = header + b"".join(
        encode_frame(frame, channel=channel)
        for frame, channel in (
            (Open(container_id=f"client-{number}", max_frame_size=_FRAME_SIZE), 0),
            (Begin(next_outgoing_id=0, incoming_window=1 << 20, outgoing_window=1 << 20), 1),
            (Attach(name="bench", handle=0, role=Role.SENDER), 1),
        )
    )
    server = header + encode_frame(Open(container_id="broker", max_frame_size=_FRAME_SIZE))
    return client, server


def _transfer_10(payload: bytes, number: int) -> bytes:
    transfer = Transfer(handle=0, delivery_id=number, delivery_tag=number.to_bytes(4, "big"))
    return b"".join(encode_transfer(transfer, payload, channel=1, max_frame_size=_FRAME_SIZE))


def _open_091() -> tuple[bytes, bytes]:
    start = amqp091.ConnectionStart(
        version_major=0,
        version_minor=9,
        server_properties={"product": "bench"},
        mechanisms=b"PLAIN",
        locales=b"en_US",
    )
    tune = amqp091.ConnectionTune(channel_max=2047, frame_max=131072, heartbeat=60)
    server = b"".join(encode_method(method) for method in (start, tune))
    client = PROTOCOL_HEADER + b"".join(
        encode_method(method, channel=channel)
        for method, channel in (
            (
                amqp091.ConnectionStartOk(client_properties={"product": "bench"}, response=b"\0guest\0guest"),
                0,
            ),
            (amqp091.ConnectionTuneOk(channel_max=2047, frame_max=131072, heartbeat=60), 0),
            (amqp091.ConnectionOpen(virtual_host="/"), 0),
            (amqp091.ChannelOpen(), 1),
        )
    )
    return client, server


def _publish_091(size: int, number: int) -> bytes:
    properties = amqp091.BasicProperties(
        content_type="text/csv", headers={"tenant": "acme", "number": number}, message_id=f"m-{number}"
    )
    method = amqp091.BasicPublish(exchange="shop", routing_key="orders")
    return b"".join(encode_message(method, properties, _text(size).encode(), channel=1, frame_max=131072))


def write_capture(path: Path, size: int, shape: CaptureShape = DEFAULT_SHAPE) -> int:
    """Write a capture of at least ``size`` bytes to ``path`` (connections interleaved,
    one message each in turn); the number of messages sent."""
    connections = [_Tcp(number) for number in range(shape.connections_10 + shape.connections_091)]
    streams_10 = [_messages_10(shape.message_sizes) for _ in range(shape.connections_10)]
    bodies_091: dict[int, bytes] = {}
    with path.open("wb") as out:
        writer = _PcapWriter(out)
        for index, tcp in enumerate(connections):
            writer.handshake(tcp)
            client, server = _open_10(index) if index < shape.connections_10 else _open_091()
            writer.send(tcp, tcp.client, client)
            writer.send(tcp, tcp.server, server)
        count = 0
        while writer.size < size:
            for index, tcp in enumerate(connections):
                if index < shape.connections_10:
                    data = _transfer_10(next(streams_10[index]), count)
                else:
                    body = shape.message_sizes[count % len(shape.message_sizes)]
                    if body not in bodies_091:
                        bodies_091[body] = _publish_091(body, count)
                    data = bodies_091[body]
                writer.send(tcp, tcp.client, data)
                count += 1
        for tcp in connections:
            writer.close(tcp)
    return count


# --------------------------------------------------------------------------- timing


class Timing(NamedTuple):
    """A command's best wall-clock time over its runs (seconds), and all of them."""

    command: tuple[str, ...]
    best: float
    runs: tuple[float, ...]


def time_command(command: Sequence[str], repeat: int, env: dict[str, str] | None = None) -> Timing:
    """Run ``command`` ``repeat`` times, output to ``/dev/null``; its best time."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
        runs.append(time.perf_counter() - started)
    return Timing(tuple(command), min(runs), tuple(runs))


def installed_environment(cache: Path) -> dict[str, str]:
    """The environment our command runs in: Python bytecode cached (in ``cache``), as an
    installed package has it (pip compiles it at install), whatever this shell says
    (``PYTHONDONTWRITEBYTECODE`` would recompile the package in every run)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


#: (label, our arguments, tshark's arguments, the target ratio tshark / ours).
_PAIRS = (
    ("text", (), ("-V",), 1.0),
    ("json", ("--json",), ("-T", "json"), 5.0),
)


def _report(label: str, ours: Timing, theirs: Timing | None, target: float) -> str:
    line = f"{label:5} amqpcodec {ours.best:7.2f} s"
    if theirs is None:
        return line
    ratio = theirs.best / ours.best
    verdict = "met" if ratio >= target else "MISSED"
    return f"{line}   tshark {theirs.best:7.2f} s   tshark/amqpcodec {ratio:5.2f}x (target >= {target:g}x: {verdict})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.cli_vs_tshark", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--size", type=int, default=100, help="capture size in MiB (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; the best counts (default 3)")
    parser.add_argument("--keep", type=Path, help="write the capture here and keep it")
    args = parser.parse_args(argv)
    tshark = shutil.which("tshark")
    if tshark is None:
        print("tshark is not installed: only amqpcodec is timed", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "large-messages.pcap"
        started = time.perf_counter()
        count = write_capture(path, args.size << 20)
        size = path.stat().st_size
        print(
            f"capture: {size / 2**20:.1f} MiB, {count} messages, written in {time.perf_counter() - started:.1f} s"
        )
        ours_command = (sys.executable, "-m", "amqpcodec", "decode")
        env = installed_environment(Path(folder) / "pycache")
        time_command((*ours_command, str(path)), 1, env)  # an untimed run writes the bytecode cache
        for label, ours_args, tshark_args, target in _PAIRS:
            ours = time_command((*ours_command, *ours_args, str(path)), args.repeat, env)
            theirs = (
                None if tshark is None else time_command((tshark, *tshark_args, "-r", str(path)), args.repeat)
            )
            print(_report(label, ours, theirs, target), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
