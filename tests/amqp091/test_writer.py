"""Writing 0-9-1 frames (0-9-1 §4.2.3-4.2.7): golden bytes hand-written from the spec, the
splitting of a content into frames, the writers' refusals, and round trips through the
reader (hypothesis: any event the reader yields re-encodes to the bytes it came from)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec import EncodeError, UnsupportedTypeError
from amqpcodec.amqp091.frames import BodyFrame, HeaderFrame, HeartbeatFrame, MethodFrame, ProtocolHeader
from amqpcodec.amqp091.methods import BasicAck, BasicDeliver, BasicPublish, ConnectionTune, QueueDeclare
from amqpcodec.amqp091.properties import BasicProperties
from amqpcodec.amqp091.writer import (
    encode_body,
    encode_content_header,
    encode_frame,
    encode_heartbeat,
    encode_message,
    encode_method,
)
from tests.helpers.amqp091_streams import PROTOCOL_HEADER, h, read_all_ways

PUBLISH = BasicPublish(exchange="", routing_key="q")
#: basic.publish (60, 40) on channel 1: ticket 0, exchange "", routing-key "q", no flags.
PUBLISH_FRAME = h("01 0001 0000000a  003c 0028  0000 00 01 71 00  ce")


def test_golden_frames() -> None:
    assert encode_heartbeat() == h("08 0000 00000000 ce")
    assert encode_body(b"hello", channel=1) == h("03 0001 00000005 68656c6c6f ce")
    assert encode_body(b"", channel=65535) == h("03 ffff 00000000 ce")
    assert encode_method(ConnectionTune(channel_max=2047, frame_max=131072, heartbeat=60)) == h(
        "01 0000 0000000c  000a 001e  07ff 00020000 003c  ce"
    )
    assert encode_method(BasicAck(delivery_tag=5, multiple=True), channel=1) == h(
        "01 0001 0000000d  003c 0050  0000000000000005 01  ce"
    )
    assert encode_method(PUBLISH, channel=1) == PUBLISH_FRAME
    assert encode_content_header(
        BasicProperties(content_type="text/plain", delivery_mode=2), 11, channel=1
    ) == h("02 0001 0000001a  003c 0000 000000000000000b 9000  0a 746578742f706c61696e  02  ce")
    assert encode_content_header(None, 0, channel=3) == h(
        "02 0003 0000000e  003c 0000 0000000000000000 0000  ce"
    )


def test_body_accepts_buffers() -> None:
    expected = h("03 0002 00000003 010203 ce")
    assert encode_body(bytearray(b"\x01\x02\x03"), channel=2) == expected
    assert encode_body(memoryview(b"\x01\x02\x03"), channel=2) == expected
    assert encode_body(memoryview(b"\x00\x01\x02\x03\x04")[1:4], channel=2) == expected
    assert encode_body(memoryview(b"\x01\x02\x03\x04").cast("H"), channel=2) == h(
        "03 0002 00000004 01020304 ce"
    )


def test_encode_message_splits_bodies() -> None:
    body = bytes(range(250))
    frames = encode_message(PUBLISH, None, body, channel=1, frame_max=108)
    assert frames[0] == PUBLISH_FRAME
    assert frames[1] == encode_content_header(None, 250, channel=1)
    assert frames[2:] == [
        encode_body(body[0:100], channel=1),
        encode_body(body[100:200], channel=1),
        encode_body(body[200:], channel=1),
    ]
    assert all(len(frame) <= 108 for frame in frames)


def test_encode_message_edges() -> None:
    one = encode_message(PUBLISH, None, b"x" * 100_000, channel=1, frame_max=0)
    assert len(one) == 3 and len(one[2]) == 100_008
    assert encode_message(PUBLISH, None, b"", channel=1, frame_max=4096) == [
        *one[:1],
        encode_content_header(None, 0, channel=1),
    ]
    exact = encode_message(PUBLISH, None, b"x" * 200, channel=1, frame_max=108)
    assert [len(frame) for frame in exact[2:]] == [108, 108]
    tiny = encode_message(PUBLISH, None, b"abc", channel=1, frame_max=30)
    assert tiny[2:] == [encode_body(b"abc", channel=1)]
    # The header frame takes 22 bytes: the smallest frame_max this content allows.
    small = encode_message(PUBLISH, None, b"abc" * 10, channel=1, frame_max=22)
    assert small[2:] == [
        encode_body(part, channel=1) for part in (b"abcabcabcabcab", b"cabcabcabcabca", b"bc")
    ]


@pytest.mark.parametrize("frame_max", [1, 8, -1, True, 1.5, 2**32])
def test_encode_message_bad_frame_max(frame_max: Any) -> None:
    with pytest.raises(EncodeError) as info:
        encode_message(PUBLISH, None, b"abc", channel=1, frame_max=frame_max)
    assert info.value.path == "frame_max"


def test_encode_message_method_or_header_over_frame_max() -> None:
    with pytest.raises(EncodeError) as info:
        encode_message(PUBLISH.replace(routing_key="r" * 100), None, b"abc", channel=1, frame_max=60)
    assert info.value.path == "method"
    with pytest.raises(EncodeError) as info:
        encode_message(PUBLISH, BasicProperties(message_id="m" * 100), b"abc", channel=1, frame_max=60)
    assert info.value.path == "header"


def test_non_contiguous_body_refused() -> None:
    strided = memoryview(b"abcdef")[::2]
    for write in (
        lambda: encode_body(strided, channel=1),
        lambda: encode_message(PUBLISH, None, strided, channel=1, frame_max=0),
    ):
        with pytest.raises(EncodeError) as info:
            write()
        assert info.value.path == "payload" and "non-contiguous" in str(info.value)


def test_encode_message_refusals() -> None:
    with pytest.raises(EncodeError) as info:
        encode_message(QueueDeclare(queue="q"), None, b"", channel=1, frame_max=0)  # type: ignore[arg-type]
    assert info.value.path == "method" and "queue.declare" in str(info.value)
    with pytest.raises(UnsupportedTypeError):
        encode_message(PUBLISH, None, "text", channel=1, frame_max=0)  # type: ignore[arg-type]
    with pytest.raises(UnsupportedTypeError):
        encode_message("basic.publish", None, b"", channel=1, frame_max=0)  # type: ignore[arg-type]


@pytest.mark.parametrize("channel", [-1, 65536, True, 1.0, "1", None])
def test_bad_channels(channel: Any) -> None:
    for write in (
        lambda: encode_method(PUBLISH, channel=channel),
        lambda: encode_body(b"", channel=channel),
        lambda: encode_content_header(None, 0, channel=channel),
        lambda: encode_message(PUBLISH, None, b"", channel=channel, frame_max=0),
    ):
        with pytest.raises(EncodeError) as info:
            write()
        assert info.value.path == "channel"


def test_encode_frame_every_event() -> None:
    header = ProtocolHeader(0, 0, major=0, minor=9, revision=1)
    assert encode_frame(header) == PROTOCOL_HEADER
    assert encode_frame(HeartbeatFrame(123)) == encode_heartbeat()
    assert encode_frame(BodyFrame(5, 1, b"hello")) == encode_body(b"hello", channel=1)
    assert encode_frame(MethodFrame(9, 1, PUBLISH)) == PUBLISH_FRAME
    props = BasicProperties(content_type="text/plain", delivery_mode=2)
    assert encode_frame(HeaderFrame(0, 1, 60, 0, 11, props)) == encode_content_header(props, 11, channel=1)
    with pytest.raises(UnsupportedTypeError):
        encode_frame(b"\x08\x00\x00\x00\x00\x00\x00\xce")  # type: ignore[arg-type]


def test_header_frame_weight_is_kept() -> None:
    # A non-zero weight breaks §4.2.6.1, but a frame read from the wire re-encodes to its bytes.
    raw = h("02 0001 0000000e  003c 0007 0000000000000000 0000  ce")
    (event,) = read_all_ways(raw, expect_header=False, bytewise=False)
    assert event.weight == 7
    assert encode_frame(event) == raw
    with pytest.raises(EncodeError):
        encode_frame(HeaderFrame(0, 1, 60, 70000, 0, BasicProperties()))


# --------------------------------------------------------------------------- properties

channels = st.integers(0, 65535)
short_text = st.text(max_size=20)
properties = st.builds(
    BasicProperties,
    content_type=st.none() | short_text,
    delivery_mode=st.none() | st.integers(0, 255),
    correlation_id=st.none() | short_text,
    message_id=st.none() | short_text,
    headers=st.none()
    | st.dictionaries(st.text(max_size=8), st.none() | st.booleans() | st.text(max_size=8), max_size=4),
)
methods = st.one_of(
    st.builds(BasicPublish, exchange=short_text, routing_key=short_text, mandatory=st.booleans()),
    st.builds(
        BasicDeliver,
        consumer_tag=short_text,
        delivery_tag=st.integers(0, 2**64 - 1),
        redelivered=st.booleans(),
        exchange=short_text,
        routing_key=short_text,
    ),
    st.builds(BasicAck, delivery_tag=st.integers(0, 2**64 - 1), multiple=st.booleans()),
    st.builds(
        ConnectionTune,
        channel_max=st.integers(0, 65535),
        frame_max=st.integers(0, 2**32 - 1),
        heartbeat=st.integers(0, 65535),
    ),
)
events = st.one_of(
    st.builds(MethodFrame, st.just(0), channels, methods),
    st.builds(
        HeaderFrame, st.just(0), channels, st.just(60), st.just(0), st.integers(0, 2**64 - 1), properties
    ),
    st.builds(BodyFrame, st.just(0), channels, st.binary(max_size=64)),
    st.builds(HeartbeatFrame, st.just(0)),
)


@settings(max_examples=150)
@given(st.lists(events, max_size=8), st.integers(0, 1000))
def test_encode_frame_round_trips(written: list[Any], seed: int) -> None:
    frames = [encode_frame(event) for event in written]
    data = b"".join(frames)
    read = read_all_ways(data, expect_header=False, seed=seed, bytewise=False)
    at = 0
    expected = []
    for event, frame in zip(written, frames):
        expected.append(dataclasses.replace(event, offset=at))
        at += len(frame)
    assert read == expected
    assert b"".join(encode_frame(event) for event in read) == data


@settings(max_examples=100)
@given(
    methods.filter(lambda m: m.HAS_CONTENT),
    st.none() | properties,
    st.binary(max_size=600),
    st.sampled_from([0, 9, 20, 64, 4096]),
)
def test_encode_message_reads_back(method: Any, props: Any, body: bytes, frame_max: int) -> None:
    try:
        frames = encode_message(method, props, body, channel=7, frame_max=frame_max)
    except EncodeError:
        assert frame_max and frame_max < 100
        return
    read = read_all_ways(b"".join(frames), expect_header=False, frame_max=frame_max, bytewise=False)
    assert read[0].method == method
    assert read[1].properties == (props or BasicProperties()) and read[1].body_size == len(body)
    assert b"".join(event.payload for event in read[2:]) == body
    assert all(len(frame) <= frame_max for frame in frames[2:]) if frame_max else len(frames) <= 3
