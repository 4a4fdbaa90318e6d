"""``amqpcodec``'s usability: ``--version``; frames larger than the 4 MiB default read when
the connection negotiated them (an AMQP 1.0 open's max-frame-size, an AMQP 0-9-1
tune-ok's frame-max) or with ``--max-frame-size``; the same in a stream fed in pieces
(a capture).  Inputs are built here with the encoders.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import amqpcodec
from amqpcodec import Open, Transfer, amqp091, encode_frame
from amqpcodec.cli.amqp091_direction import NEGOTIATED_CEILING, Peer
from amqpcodec.cli.direction import DirectionDecoder
from amqpcodec.cli.events import ErrorEvent, Message091Event, MessageEvent
from amqpcodec.message import Message
from tests.helpers.cli import AMQP_HEADER, cli_env, decode
from tests.helpers.paths import DATA

#: A body over the 4 MiB default frame size.
BODY = b"x" * (5 << 20)


def _amqp10(max_frame_size: int | None) -> bytes:
    """A 1.0 client: header, open (stating ``max_frame_size``), one 5 MiB transfer frame."""
    transfer = Transfer(handle=0, delivery_id=0, delivery_tag=b"t", message_format=0, settled=True)
    return b"".join(
        [
            AMQP_HEADER,
            encode_frame(Open(container_id="c", max_frame_size=max_frame_size)),
            encode_frame(transfer, payload=Message(body=BODY).encode()),
        ]
    )


def _amqp091(frame_max: int) -> bytes:
    """A 0-9-1 client: header, tune-ok (``frame_max``), a publish with one 5 MiB body frame."""
    tune_ok = amqp091.ConnectionTuneOk(channel_max=0, frame_max=frame_max, heartbeat=0)
    publish = amqp091.encode_message(amqp091.BasicPublish(exchange="x"), None, BODY, channel=1, frame_max=0)
    return amqp091.PROTOCOL_HEADER + amqp091.encode_method(tune_ok) + b"".join(publish)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("usability")
    inputs = {
        "plain.bin": _amqp10(None),
        "negotiated.bin": _amqp10(8 << 20),
        "plain-091.bin": _amqp091(0),
        "negotiated-091.bin": _amqp091(8 << 20),
    }
    for name, data in inputs.items():
        (path / name).write_bytes(data)
    return path


@pytest.mark.parametrize("args", [["--version"], ["decode", "--version"]])
def test_version(folder: Path, args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "amqpcodec", *args], capture_output=True, cwd=folder, env=cli_env(), timeout=60
    )
    assert proc.returncode == 0
    assert proc.stdout.decode() == f"amqpcodec {amqpcodec.__version__}\n"


@pytest.mark.parametrize(
    ("args", "status", "last"),
    [
        (
            ["plain.bin"],
            1,
            "summary: 1 header, 1 frame (open 1), 0 messages, 1 resync, 1 error, 0 peer errors",
        ),
        (
            ["negotiated.bin"],
            0,
            "summary: 1 header, 2 frames (open 1, transfer 1), 1 message, 0 errors, 0 peer errors",
        ),
        (
            ["--max-frame-size", "6M", "plain.bin"],
            0,
            "(open 1, transfer 1), 1 message, 0 errors, 0 peer errors",
        ),
        (["plain-091.bin"], 1, "0 messages, 1 resync, 1 error, 0 peer errors"),
        (["negotiated-091.bin"], 0, "content-body 1), 1 message, 0 errors, 0 peer errors"),
        (
            ["--max-frame-size", "8388608", "plain-091.bin"],
            0,
            "content-body 1), 1 message, 0 errors, 0 peer errors",
        ),
    ],
)
def test_frame_size(folder: Path, args: list[str], status: int, last: str) -> None:
    """Over 4 MiB: an error unless the peers agreed to it or ``--max-frame-size`` allows it."""
    run = decode(*args, cwd=folder)
    assert run.status == status
    assert run.stdout.splitlines()[-1].endswith(last)


@pytest.mark.parametrize("value", ["100", "5G", "x", "12Q"])
def test_max_frame_size_refused(folder: Path, value: str) -> None:
    run = decode("--max-frame-size", value, "plain.bin", cwd=folder)
    assert run.status == 2 and "--max-frame-size" in run.stderr


@pytest.mark.parametrize("which", ["1.0", "0-9-1"])
def test_frame_size_streamed(which: str) -> None:
    """Fed in pieces (a capture), the negotiated size is honoured the same way."""
    data = _amqp10(8 << 20) if which == "1.0" else _amqp091(8 << 20)
    decoder = DirectionDecoder("c2s", final=False)
    events = []
    for at in range(0, len(data), 70_000):
        events += decoder.feed(data[at : at + 70_000])
    events += decoder.end()
    assert not [event for event in events if isinstance(event, ErrorEvent)]
    assert len([event for event in events if isinstance(event, (MessageEvent, Message091Event))]) == 1


def test_negotiated_sizes_are_capped() -> None:
    """The larger stated size wins, up to the ceiling (a 1.0 peer may state 4 GiB)."""
    peer = Peer()
    peer.negotiated(1 << 20)
    peer.negotiated(512)
    assert peer.frame_size == 1 << 20
    peer.negotiated(0xFFFFFFFF)
    assert peer.frame_size == NEGOTIATED_CEILING


# --------------------------------------------------------------------------- tshark follow


def _tshark_lines(data: bytes, offset: int, indent: str) -> list[str]:
    """tshark's follow hex layout for one segment: an 8-digit offset, two spaces, 16 bytes
    with an extra space after the eighth, two spaces, the ASCII column (a space after
    its eighth character); the second node's lines led by a tab."""
    lines = []
    for at in range(0, len(data), 16):
        row = data[at : at + 16]
        hexes = " ".join(f"{byte:02x}" for byte in row[:8])
        if len(row) > 8:
            hexes += "  " + " ".join(f"{byte:02x}" for byte in row[8:])
        text = "".join(chr(byte) if 0x20 <= byte < 0x7F else "." for byte in row)
        text = text[:8] + (" " + text[8:] if len(row) > 8 else "")
        lines.append(f"{indent}{offset + at:08x}  {hexes:<49}  {text}")
    return lines


def _tshark_follow(segments: list[tuple[int, bytes]], node0: str, node1: str) -> str:
    """``tshark -q -z follow,tcp,hex,0`` output: banner, segments (node 1's indented), rule."""
    rule = "=" * 67
    lines = ["", rule, "Follow: tcp,hex", "Filter: tcp.stream eq 0", f"Node 0: {node0}", f"Node 1: {node1}"]
    offsets = [0, 0]
    for node, data in segments:
        lines += _tshark_lines(data, offsets[node], "\t" if node else "")
        offsets[node] += len(data)
    return "\n".join([*lines, rule, ""])


@pytest.mark.parametrize("server_first", [False, True])
def test_tshark_follow_hex(tmp_path: Path, server_first: bool) -> None:
    """tshark's follow output is read as it is: its banner skipped, node 1's tab-indented
    lines the other direction, shown interleaved in capture order; when node 0 is on an
    AMQP port (the server spoke first: a capture joined late) its lines are the server's."""
    client = amqp091.PROTOCOL_HEADER + amqp091.encode_method(amqp091.ChannelOpen(), channel=1)
    server = amqp091.encode_method(amqp091.ChannelOpenOk(), channel=1)
    ends = ("10.0.0.1:40001", "10.0.0.2:5672")
    if server_first:
        text = _tshark_follow([(0, server), (1, client)], ends[1], ends[0])
    else:
        text = _tshark_follow([(0, client[:8]), (1, server), (0, client[8:])], *ends)
    (tmp_path / "follow.txt").write_text(text, encoding="ascii")
    run = decode("follow.txt", cwd=tmp_path)
    assert run.status == 0 and run.stderr == ""
    lines = run.stdout.splitlines()
    assert lines[0] == "c2s: follow.txt (tshark follow-stream dump, 21 bytes)"
    assert lines[1] == "s2c: follow.txt (tshark follow-stream dump, 16 bytes)"
    shown = [" ".join(line.split()[1:4]) for line in lines[2:-1]]
    expected = ["c2s header AMQP", "c2s 1 channel.open", "s2c 1 channel.open-ok"]
    if server_first:
        expected = [expected[2], *expected[:2]]
    else:
        expected = [expected[0], expected[2], expected[1]]
    assert [item for item in shown if "resync" not in item] == expected


def test_real_tshark_follow_output(tmp_path: Path) -> None:
    """What tshark itself writes: ``tests/data/tshark-follow-rabbitmq.txt`` is TShark
    4.0.17's ``tshark -r tests/data/rabbitmq.pcap -q -z follow,tcp,hex,0`` (stderr
    dropped).  Read as a follow dump, it holds the same two byte streams as the capture
    (as many bytes each way) and gives the same summary: frames of each kind, messages,
    no error."""
    follow = decode(str(DATA / "tshark-follow-rabbitmq.txt"), cwd=tmp_path)
    capture = decode(str(DATA / "rabbitmq.pcap"), cwd=tmp_path)
    assert follow.status == capture.status == 0 and follow.stderr == ""
    lines = follow.stdout.splitlines()
    assert lines[0].endswith("(tshark follow-stream dump, 736 bytes)")
    assert lines[1].endswith("(tshark follow-stream dump, 1250 bytes)")
    assert "reset: c2s 736 bytes, s2c 1250 bytes" in capture.stdout
    summary = [line for line in capture.stdout.splitlines() if line.startswith("summary:")]
    assert lines[-1] == summary[0]
    assert "0 errors" in lines[-1] and "6 messages" in lines[-1]
