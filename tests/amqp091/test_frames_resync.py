"""Finding a 0-9-1 frame boundary in damaged bytes (0-9-1 §4.2.3), and the events' records:
pickling, copying, ``to_dict`` and ``repr``."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec import Limits
from amqpcodec.amqp091.frames import BodyFrame, HeaderFrame, HeartbeatFrame, MethodFrame
from amqpcodec.amqp091.methods import BasicAck
from amqpcodec.amqp091.properties import BasicProperties
from amqpcodec.amqp091.resync import find_frame_boundary
from tests.helpers.amqp091_streams import HEARTBEAT, connection_streams, h, new_reader

ACK = h("01 0001 0000000d  003c 0050  0000000000000005 01  ce")
HELLO = h("03 0001 00000005 68656c6c6f ce")


def test_finds_each_kind_of_frame() -> None:
    for frame in (HEARTBEAT, ACK, HELLO, h("02 0003 0000000e  003c 0000 0000000000000000 0000  ce")):
        assert find_frame_boundary(b"\xff\x00garbage" + frame, 0) == 9
        assert find_frame_boundary(frame, 0) == 0
        assert find_frame_boundary(memoryview(b"xx" + frame), 1) == 2
        assert find_frame_boundary(frame[:-1], 0) is None  # the frame end must be in


def test_implausible_frames_are_skipped() -> None:
    assert find_frame_boundary(h("08 0001 00000000 ce"), 0) is None  # heartbeat on a channel
    assert find_frame_boundary(h("08 0000 00000001 00 ce"), 0) is None  # heartbeat with a payload
    assert find_frame_boundary(h("01 0000 00000004 0063 0001 ce"), 0) is None  # unknown method
    assert find_frame_boundary(h("02 0000 00000004 003c 0000 ce"), 0) is None  # header too short
    assert find_frame_boundary(h("03 0001 00000005 68656c6c6f cf"), 0) is None  # bad frame end
    assert find_frame_boundary(b"", 0) is None
    big = b"\x03\x00\x01" + (600).to_bytes(4, "big") + bytes(600) + b"\xce"
    assert find_frame_boundary(big, 0) == 0
    assert find_frame_boundary(big, 0, limits=Limits(max_frame_size=512)) is None


def test_start_and_resync_in_a_stream() -> None:
    data = connection_streams().server
    damaged = data[:100] + b"\x01\x02\x03" + data[100:]
    reader = new_reader(expect_header=False)
    found = find_frame_boundary(damaged, 101)
    assert found is not None and found > 100
    reader.feed(damaged[found:])
    assert all(type(event) in (MethodFrame, HeaderFrame, BodyFrame, HeartbeatFrame) for event in reader)


@settings(max_examples=100)
@given(st.binary(max_size=200), st.integers(0, 210))
def test_any_bytes_give_an_offset_or_none(data: bytes, start: int) -> None:
    found = find_frame_boundary(data, start)
    assert found is None or start <= found <= len(data) - 8


# --------------------------------------------------------------------------- event records


def events() -> list[object]:
    return [
        MethodFrame(0, 1, BasicAck(delivery_tag=5, multiple=True)),
        HeaderFrame(20, 1, 60, 0, 2**64 - 1, BasicProperties()),
        BodyFrame(42, 1, b"\x00\xff"),
        HeartbeatFrame(53),
    ]


def test_events_pickle_copy_and_are_frozen() -> None:
    for event in events():
        assert pickle.loads(pickle.dumps(event)) == event
        assert copy.deepcopy(event) == copy.copy(event) == event
        with pytest.raises(AttributeError):
            event.offset = 9  # type: ignore[attr-defined]
    assert repr(BodyFrame(42, 1, b"\x00\xff")) == "BodyFrame(offset=42, channel=1, payload=<2 bytes: 00ff>)"


def test_events_to_dict() -> None:
    method, header, body, heartbeat = events()
    assert body.to_dict() == {"type": "body", "offset": 42, "channel": 1, "payload": "00ff"}  # type: ignore[attr-defined]
    assert heartbeat.to_dict() == {"type": "heartbeat", "offset": 53}  # type: ignore[attr-defined]
    form = method.to_dict()  # type: ignore[attr-defined]
    assert form["type"] == "method" and form["method"]["type"] == "basic.ack"
    form = header.to_dict()  # type: ignore[attr-defined]
    assert form["body_size"] == str(2**64 - 1) and form["properties"] == {}
    json.dumps([event.to_dict() for event in events()])  # type: ignore[attr-defined]
