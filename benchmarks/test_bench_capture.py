"""Capture decoding speed: ``amqpcodec decode`` on pcap files, in MB of capture per second.

Two captures of one connection (Ethernet, IPv4, TCP handshake, every frame after its
protocol header), 16 MiB each (1 MiB in CI's smoke run), in groups ``capture-<workload>``
with ``extra_info["MB_per_s"]``:

- ``messages``: deliveries of 1 KiB to 64 KiB (data sections), in 16 KiB transfer
  frames, in 64 KiB segments as on a loopback interface (one message per segment or
  two): the cost of reassembly and of assembling big deliveries;
- ``small``: 200-byte messages, one transfer and one disposition each, in 1448-byte
  segments as on Ethernet: the cost per packet and per frame.

Each is decoded from its file twice: to events only (``CaptureDecoder``: the file
read, TCP reassembled, frames and messages decoded; variant ``events``) and to text
written to ``os.devnull``, as the command does (variant ``text``).  ``test_capture_rss_1gib`` writes a 1 GiB capture of the ``messages`` kind and
decodes it in a fresh interpreter (``--messages-only``, so the output stays small),
reporting its time and peak resident set beside that of a 1 MiB one: memory does not
grow with the capture.  It is skipped with ``--benchmark-disable`` (CI's smoke run).

``test_cli_vs_tshark_smoke`` runs ``benchmarks/cli_vs_tshark.py`` (``amqpcodec decode``
beside tshark on large messages) in small, without tshark: its capture decodes, every
message found, and the command skips tshark cleanly.

Run: ``python -m pytest benchmarks/test_bench_capture.py --benchmark-group-by=group``.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from amqpcodec import Disposition, Open, Role, Transfer, encode_frame, encode_transfer
from amqpcodec.cli import build_parser, run
from amqpcodec.cli.capture import CaptureDecoder
from amqpcodec.cli.pcap import CaptureReader
from amqpcodec.frames import ProtocolHeader
from amqpcodec.message import Data, Message, Properties

CLIENT, SERVER = (bytes([10, 0, 0, 1]), 40001), (bytes([10, 0, 0, 2]), 5672)
_ETHERNET = bytes.fromhex("020000000002020000000001") + b"\x08\x00"


class _Writer:
    """A pcap file of one TCP connection (client and server streams, ACKs omitted)."""

    def __init__(self, path: Path) -> None:
        self.out = path.open("wb")
        self.out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.seq = {CLIENT: 1000, SERVER: 5000}
        self.clock = 1_709_294_400 * 1_000_000
        self.size = 24

    def packet(self, source: tuple[bytes, int], flags: int, payload: bytes = b"") -> None:
        destination = SERVER if source == CLIENT else CLIENT
        tcp = struct.pack(
            "!HHIIBBHHH", source[1], destination[1], self.seq[source], 0, 0x50, flags, 65535, 0, 0
        )
        ip = struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0, source[0], destination[0]
        )
        frame = _ETHERNET + ip + tcp + payload
        seconds, micros = divmod(self.clock, 1_000_000)
        self.out.write(struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame)
        self.size += 16 + len(frame)
        self.clock += 10
        self.seq[source] = (self.seq[source] + len(payload) + (flags & 0x03 != 0)) & 0xFFFFFFFF

    def send(self, source: tuple[bytes, int], data: bytes, segment: int) -> None:
        for at in range(0, len(data), segment):
            self.packet(source, 0x18, data[at : at + segment])

    def close(self) -> None:
        self.packet(CLIENT, 0x11)
        self.packet(SERVER, 0x11)
        self.out.close()


def _messages(kind: str) -> Iterator[tuple[bytes, bytes]]:
    """(client bytes, server bytes) per delivery, forever."""
    count = 0
    while True:
        size = 200 if kind == "small" else 1 << (10 + count % 7)
        message = Message(
            properties=Properties(message_id=count), body=Data(bytes([count % 251]) * size)
        ).encode()
        transfer = Transfer(handle=0, delivery_id=count & 0xFFFFFFFF, delivery_tag=count.to_bytes(8, "big"))
        client = b"".join(encode_transfer(transfer, message, max_frame_size=16384))
        server = encode_frame(Disposition(role=Role.RECEIVER, first=count & 0xFFFFFFFF, settled=True))
        yield client, server
        count += 1


def write_capture(path: Path, size: int, kind: str) -> int:
    """A capture of at least ``size`` bytes (``messages`` or ``small``); its message count."""
    writer = _Writer(path)
    segment = 1448 if kind == "small" else 65483
    writer.packet(CLIENT, 0x02)
    writer.packet(SERVER, 0x12)
    header = bytes(ProtocolHeader(0, 0))
    writer.send(CLIENT, header + encode_frame(Open(container_id="bench", max_frame_size=16384)), segment)
    writer.send(SERVER, header + encode_frame(Open(container_id="broker", max_frame_size=16384)), segment)
    count = 0
    pending_client: list[bytes] = []
    pending_server: list[bytes] = []
    for client, server in _messages(kind):
        pending_client.append(client)
        pending_server.append(server)
        count += 1
        if sum(map(len, pending_client)) >= segment or kind != "small":
            writer.send(CLIENT, b"".join(pending_client), segment)
            writer.send(SERVER, b"".join(pending_server), segment)
            pending_client.clear()
            pending_server.clear()
        if writer.size >= size:
            break
    writer.send(CLIENT, b"".join(pending_client), segment)
    writer.send(SERVER, b"".join(pending_server), segment)
    writer.close()
    return count


@pytest.fixture(scope="module")
def captures(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, int]]:
    """The two captures: 16 MiB each, 1 MiB in the smoke run (``--benchmark-disable``)."""
    size = 1 << 20 if request.config.getoption("benchmark_disable", False) else 16 << 20
    folder = tmp_path_factory.mktemp("captures")
    found = {}
    for kind in ("messages", "small"):
        path = folder / f"{kind}.pcap"
        found[kind] = (path, write_capture(path, size, kind))
    return found


def _decode(path: Path, *args: str) -> int:
    with open(os.devnull, "w") as sink:
        return run(build_parser().parse_args(["decode", *args, str(path)]), sink)


def _events(path: Path) -> int:
    with path.open("rb") as stream:
        decoder = CaptureDecoder(CaptureReader(stream))
        return sum(1 for _ in decoder.events())


class _Counter:
    """A text output that counts message events (``--json``) and keeps nothing."""

    def __init__(self) -> None:
        self.messages = 0

    def write(self, text: str) -> int:
        self.messages += text.startswith('{"event": "message"')
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize("variant", ["events", "text"])
@pytest.mark.parametrize("kind", ["messages", "small"])
def test_capture_throughput(
    benchmark: Any, ours: str, captures: dict[str, tuple[Path, int]], kind: str, variant: str
) -> None:
    """Every delivery is decoded (checked once, in JSON), then the variant is timed."""
    path, count = captures[kind]
    counter = _Counter()
    assert run(build_parser().parse_args(["decode", "--json", "--messages-only", str(path)]), counter) == 0  # type: ignore[arg-type]
    assert counter.messages == count
    size = path.stat().st_size
    benchmark.group = f"capture-{kind}"
    benchmark.extra_info.update(codec=ours, variant=variant, size=size, messages=count)
    benchmark(_events if variant == "events" else _decode, path)
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        benchmark.extra_info["MB_per_s"] = round(size / stats.stats.mean / 1e6, 1)


def _measure(path: Path) -> tuple[float, int]:
    """Decode ``path`` in a fresh interpreter: seconds, and its peak RSS in KiB."""
    code = (
        "import resource, sys, time\n"
        "from amqpcodec.__main__ import main\n"
        "start = time.perf_counter()\n"
        "status = main(['decode', '--messages-only', sys.argv[1]])\n"
        "took = time.perf_counter() - start\n"
        "print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, status, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True
    )
    took, rss, status = proc.stderr.decode().split()[-3:]
    assert status == "0"
    return float(took), int(rss)


@pytest.mark.skipif(sys.platform == "win32", reason="resource.getrusage is Unix-only")
def test_capture_rss_1gib(request: pytest.FixtureRequest, tmp_path: Path, benchmark: Any) -> None:
    """Peak RSS decoding 1 MiB and 1 GiB captures: the same, give or take a chunk."""
    if request.config.getoption("benchmark_disable", False):
        pytest.skip("writes and decodes a 1 GiB capture: not in the smoke run")
    small, big = tmp_path / "1mib.pcap", tmp_path / "1gib.pcap"
    write_capture(small, 1 << 20, "messages")
    started = time.perf_counter()
    write_capture(big, 1 << 30, "messages")
    written = time.perf_counter() - started
    try:
        small_took, small_rss = _measure(small)
        big_took, big_rss = _measure(big)
    finally:
        size = big.stat().st_size
        big.unlink()
    benchmark.group = "capture-rss"
    benchmark.extra_info.update(
        size=size,
        seconds=round(big_took, 1),
        MB_per_s=round(size / big_took / 1e6, 1),
        rss_kib_1gib=big_rss,
        rss_kib_1mib=small_rss,
        write_seconds=round(written, 1),
    )
    benchmark.pedantic(lambda: None, rounds=1)
    print(
        f"\n1 GiB capture: {big_took:.1f} s ({size / big_took / 1e6:.1f} MB/s), peak RSS {big_rss / 1024:.1f} MiB; "
        f"1 MiB capture: {small_took:.2f} s, peak RSS {small_rss / 1024:.1f} MiB"
    )
    assert big_rss < small_rss + 32 * 1024


def test_cli_vs_tshark_smoke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m benchmarks.cli_vs_tshark`` in small: its capture decodes cleanly, every
    message found (1.0 and 0-9-1), and the command runs without tshark (skipping it)."""
    from benchmarks import cli_vs_tshark

    shape = cli_vs_tshark.CaptureShape(2, 1, (100, 3000))
    path = tmp_path / "tiny.pcap"
    count = cli_vs_tshark.write_capture(path, 64 << 10, shape)
    counter = _Counter()
    assert run(build_parser().parse_args(["decode", "--json", "--messages-only", str(path)]), counter) == 0  # type: ignore[arg-type]
    assert counter.messages == count
    monkeypatch.setattr(cli_vs_tshark.shutil, "which", lambda name: None)
    assert cli_vs_tshark.main(["--size", "1", "--repeat", "1"]) == 0
    shown = capsys.readouterr()
    assert "tshark is not installed" in shown.err
    assert [line.split()[0] for line in shown.out.splitlines()] == ["capture:", "text", "json"]
