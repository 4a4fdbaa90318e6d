"""``amqpcodec decode`` on AMQP 0-9-1 streams: the sample connection, a stream that starts
mid-connection, damaged streams and resynchronisation, hex dumps, and streamed decoding.

The sample is ``examples/amqp091-session.bin`` and its server side (written by
``examples/make_samples.py`` with amqpcodec's own 0-9-1 encoder); the damaged inputs
are the sample with bytes changed at offsets worked out from the 0-9-1 frame layout
(0-9-1 §4.2.3: type octet, channel short, size long, payload, 0xCE); the hex dump is
written by hand.  Expected outputs are snapshots under ``tests/data/cli/test_cli_amqp091/``
(``tests/helpers/cli.py`` says how to refresh them).  Captures holding 0-9-1 connections
are in ``test_cli_pcap.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amqpcodec import amqp091
from amqpcodec.cli.amqp091_direction import scan_091
from amqpcodec.cli.direction import DirectionDecoder
from amqpcodec.cli.events import ErrorEvent, Frame091Event, Message091Event, ResyncEvent
from amqpcodec.frames.resync import NeedMore
from tests.helpers.cli import EXAMPLES, check_snapshot, decode

C2S = (EXAMPLES / "amqp091-session.bin").read_bytes()
S2C = (EXAMPLES / "amqp091-session-s2c.bin").read_bytes()


def _frames(data: bytes, start: int) -> list[int]:
    """The offsets of the frames of a well-formed 0-9-1 stream from ``start`` (§4.2.3)."""
    offsets = []
    while start < len(data):
        offsets.append(start)
        start += 8 + int.from_bytes(data[start + 3 : start + 7], "big")
    return offsets


FRAMES = _frames(C2S, 8)


def _damaged() -> bytes:
    """The sample's client side, damaged four ways: the frame-end octet of channel.open
    (frame 4) is 0x00; garbage stands before queue.declare; confirm.select's method id is
    unknown (a payload fault: that frame only); the first body frame of the large
    publish is lost, so its content cannot complete."""
    data = bytearray(C2S)
    channel_open, declare, confirm, _, _, first_body, *_ = FRAMES[3:]
    data[declare - 1] = 0x00  # channel.open's frame-end octet
    data[confirm + 9 : confirm + 11] = (0x7F).to_bytes(2, "big")  # confirm.select's method id
    second_body = FRAMES[FRAMES.index(first_body) + 1]
    data[first_body:second_body] = b""
    data[declare:declare] = b"\x01\x02garbage"
    assert channel_open < declare
    return bytes(data)


DAMAGED = _damaged()
#: A hand-written xxd dump: the 0-9-1 header, channel.open on channel 1 (class 20, method
#: 10, an empty shortstr), a heartbeat, and basic.qos (60/10: prefetch-size 0, count 10, global off).
XXD_091 = """\
00000000: 414d 5150 0000 0901 0100 0100 0000 0500  AMQP............
00000010: 1400 0a00 ce08 0000 0000 0000 ce01 0001  ................
00000020: 0000 000b 003c 000a 0000 0000 000a 00ce  .....<..........
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli091")
    inputs = {
        "c2s.bin": C2S,
        "s2c.bin": S2C,
        "mid.bin": C2S[FRAMES[2] + 5 :],
        "mid-s2c.bin": S2C[100:],
        "damaged.bin": DAMAGED,
    }
    for name, data in inputs.items():
        (path / name).write_bytes(data)
    (path / "small.xxd").write_text(XXD_091, encoding="ascii")
    return path


# --------------------------------------------------------------------------- snapshots


def test_session(folder: Path) -> None:
    """Both sides of the sample: header, methods with their key arguments, content
    headers, bodies, three assembled messages, a heartbeat, the summary."""
    check_snapshot(decode("c2s.bin", "s2c.bin", cwd=folder), "test_cli_amqp091/session.txt")


def test_session_json(folder: Path) -> None:
    run = decode("--json", "c2s.bin", "s2c.bin", cwd=folder)
    check_snapshot(run, "test_cli_amqp091/session_json.jsonl")
    events = [json.loads(line) for line in run.stdout.splitlines()]
    frames = [event for event in events if event["event"] == "frame"]
    assert all(event["protocol"] == "0-9-1" for event in frames)
    assert [event["method"] for event in events if event["event"] == "message"] == [
        "basic.publish",
        "basic.publish",
        "basic.deliver",
    ]


def test_session_verbose_full(folder: Path) -> None:
    """``-v`` shows every argument (defaults, peer property tables); ``--full`` whole bodies."""
    run = decode("-v", "--full", "--s2c", "s2c.bin", cwd=folder)
    check_snapshot(run, "test_cli_amqp091/session_verbose_full.txt")


def test_filters(folder: Path) -> None:
    """``--performative`` takes 0-9-1 frame names; a message passes as its method."""
    run = decode("--performative", "basic.deliver,content-header", "c2s.bin", "s2c.bin", cwd=folder)
    check_snapshot(run, "test_cli_amqp091/filter_performative.txt")
    run = decode("--messages-only", "--channel", "1", "c2s.bin", cwd=folder)
    check_snapshot(run, "test_cli_amqp091/filter_messages_only.txt")


def test_mid_connection(folder: Path) -> None:
    """A client side cut inside connection.open and a server side cut inside
    connection.tune: no header, the first 0-9-1 frame is found by its layout."""
    check_snapshot(decode("mid.bin", "mid-s2c.bin", cwd=folder), "test_cli_amqp091/mid_connection.txt")
    run = decode("--json", "mid.bin", cwd=folder)
    check_snapshot(run, "test_cli_amqp091/mid_connection_json.jsonl")


def test_damaged_stream_resyncs(folder: Path) -> None:
    """A bad frame-end octet is an error and a resync over the garbage; an unknown
    method costs its frame; a lost body frame leaves its content unfinished, and the
    next publish on the channel reports it (reply code 505, §4.2.6)."""
    check_snapshot(decode("damaged.bin", cwd=folder), "test_cli_amqp091/damaged.txt", status=1)
    run = decode("--json", "damaged.bin", cwd=folder)
    check_snapshot(run, "test_cli_amqp091/damaged_json.jsonl", status=1)


def test_hex_dump(folder: Path) -> None:
    check_snapshot(decode("small.xxd", cwd=folder), "test_cli_amqp091/hex_dump.txt")


def test_plain_hex_on_stdin(folder: Path) -> None:
    """Plain hex from mid-connection: a basic.ack (60/80) found by its layout."""
    hex_text = b"0100010000000d003c00500000000000000007 00ce\n"
    check_snapshot(decode("--hex", "-", cwd=folder, stdin=hex_text), "test_cli_amqp091/plain_hex.txt")


# --------------------------------------------------------------------------- in-process


def _events(data: bytes, chunks: list[int] | None = None) -> list[object]:
    """The events of ``data``, whole (``chunks`` None) or streamed in pieces of these sizes."""
    if chunks is None:
        return list(DirectionDecoder("c2s", data).events())
    decoder = DirectionDecoder("c2s", final=False)
    found: list[object] = []
    at = 0
    for size in chunks:
        found += decoder.feed(data[at : at + size])
        at += size
    found += decoder.feed(data[at:]) if at < len(data) else []
    return found + decoder.end()


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.sampled_from(["c2s", "mid", "damaged", "s2c"]),
    chunks=st.lists(st.integers(1, 700), max_size=12),
)
def test_streamed_equals_whole(which: str, chunks: list[int]) -> None:
    """Fed in any pieces (a capture), a 0-9-1 direction gives the events of the whole."""
    data = {"c2s": C2S, "mid": C2S[FRAMES[2] + 5 :], "damaged": DAMAGED, "s2c": S2C}[which]
    assert _events(data, chunks) == _events(data)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    prefix=st.sampled_from([b"", b"AMQP\x00\x00\x09\x01", C2S[:300]]),
    noise=st.binary(max_size=200),
)
def test_any_bytes_give_events(prefix: bytes, noise: bytes) -> None:
    """The fuzz contract at the CLI's level: any bytes after a 0-9-1 opening give events,
    never an exception, and every error carries an offset inside the stream."""
    data = prefix + noise
    for event in _events(data):
        if isinstance(event, ErrorEvent):
            assert 0 <= event.offset <= len(data)


def test_scan_091_decides_only_what_more_bytes_cannot_change() -> None:
    """On a stream that may grow, a frame whose frame-end octet is still to come is
    undecided (§4.2.3: 0xCE after the payload is the frame's one strong sign)."""
    heartbeat = amqp091.encode_heartbeat()
    method = amqp091.encode_method(amqp091.ChannelOpen(), channel=1)
    limits = amqp091.FrameReader().limits
    assert scan_091(b"xx" + method[:-1], 0, limits=limits, final=False) == NeedMore(2)
    assert scan_091(b"xx" + method[:-1], 0, limits=limits, final=True) is None
    assert scan_091(b"xx" + method, 0, limits=limits, final=False) == 2
    assert scan_091(b"xyz", 0, limits=limits, final=False) == NeedMore(3)
    assert scan_091(b"x" + heartbeat + b"\x01", 0, limits=limits, final=False) == 1


def test_content_after_a_resync_is_noted_not_an_error() -> None:
    """A stream that starts between a publish and its header: the header and body are
    shown with a note (their method was not seen), not as sequence errors; the next
    publish assembles normally."""
    frames = amqp091.encode_message(
        amqp091.BasicPublish(exchange="x"), amqp091.BasicProperties(), b"hi", channel=2, frame_max=0
    )
    data = b"".join(frames[1:] + frames)
    events = _events(data)
    assert isinstance(events[0], ResyncEvent) and events[0].protocol == "0-9-1"
    notes = [event.note for event in events if isinstance(event, Frame091Event)]
    assert notes == ["continues a content whose method was not seen"] * 2 + [None] * 3
    messages = [event for event in events if isinstance(event, Message091Event)]
    assert len(messages) == 1 and messages[0].message.body == b"hi" and messages[0].frames == 3
    assert not [event for event in events if isinstance(event, ErrorEvent)]
