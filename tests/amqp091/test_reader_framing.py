"""The 0-9-1 frame reader's framing (0-9-1 §4.2.2 protocol header, §4.2.3 frames, §4.2.7
heartbeats): golden frames written by hand, every frame-header fault, hostile sizes,
the opening of both directions, buffering and the end of the stream.

Hex layout (§4.2.3): ``type | channel (2) | size (4) | payload | ce``.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from amqpcodec import NEED_DATA as TOP_NEED_DATA
from amqpcodec import (
    DecodeError,
    FramingError,
    IncompleteError,
    LimitExceededError,
    Limits,
    UnsupportedProtocolError,
)
from amqpcodec.amqp091.constants import ReplyCode
from amqpcodec.amqp091.frames import NEED_DATA, BodyFrame, HeartbeatFrame, ProtocolHeader
from amqpcodec.amqp091.reader import FrameReader
from amqpcodec.frames import NEED_DATA as FRAMES_NEED_DATA
from amqpcodec.frames import ProtocolHeader as FramesProtocolHeader
from tests.helpers.amqp091_streams import (
    HEARTBEAT,
    PROTOCOL_HEADER,
    error_all_ways,
    h,
    new_reader,
    read_all_ways,
)

#: A body frame on channel 1 with "hello" (§4.2.6.2).
HELLO = h("03 0001 00000005 68656c6c6f ce")
#: An empty body frame on channel 2.
EMPTY_BODY = h("03 0002 00000000 ce")


def test_shared_objects_with_the_1_0_side() -> None:
    assert NEED_DATA is TOP_NEED_DATA is FRAMES_NEED_DATA
    assert ProtocolHeader is FramesProtocolHeader


# --------------------------------------------------------------------------- golden frames


def test_heartbeat_and_bodies_after_the_header() -> None:
    events = read_all_ways(PROTOCOL_HEADER + HEARTBEAT + HELLO + EMPTY_BODY)
    assert events == [
        ProtocolHeader(0, 0, major=0, minor=9, revision=1),
        HeartbeatFrame(8),
        BodyFrame(16, 1, b"hello"),
        BodyFrame(29, 2, b""),
    ]
    assert bytes(events[0]) == PROTOCOL_HEADER
    assert type(events[2].payload) is bytes


def test_rabbitmq_0_9_header_is_read_as_0_9_1() -> None:
    # "AMQP" 1 1 0 9: the 0-9 era's header, which RabbitMQ serves as 0-9-1.
    raw = h("414d5150 01 01 00 09")
    events = read_all_ways(raw + HEARTBEAT)
    assert events == [ProtocolHeader(0, 1, major=1, minor=0, revision=9), HeartbeatFrame(8)]
    assert bytes(events[0]) == raw


def test_server_stream_opens_with_a_frame() -> None:
    assert read_all_ways(HEARTBEAT + HELLO, expect_header=False) == [
        HeartbeatFrame(0),
        BodyFrame(8, 1, b"hello"),
    ]


def test_server_refusal_header_is_an_event() -> None:
    # §4.2.2: a server that refuses the version writes the header it supports, then closes.
    events = read_all_ways(PROTOCOL_HEADER, expect_header=False)
    assert events == [ProtocolHeader(0, 0, major=0, minor=9, revision=1)]


def test_empty_streams() -> None:
    for expect_header in (True, False):
        reader = new_reader(expect_header=expect_header)
        assert reader.next_event() is NEED_DATA
        reader.feed(b"")
        reader.feed_eof()
        assert reader.next_event() is NEED_DATA


def test_large_body_within_the_limits() -> None:
    payload = bytes(range(256)) * 40
    frame = b"\x03\x00\x07" + len(payload).to_bytes(4, "big") + payload + b"\xce"
    (event,) = read_all_ways(frame, expect_header=False, bytewise=False)
    assert event == BodyFrame(0, 7, payload)


# --------------------------------------------------------------------------- the opening


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (h("414d5150 01 01 08 00"), "AMQP 0-8"),
        (h("414d5150 01 01 09 01"), "AMQP 0-8"),
        (h("414d5150 01 01 00 0a"), "AMQP 0-10"),
        (h("414d5150 00 01 00 00"), "AMQP 1.0"),
        (h("414d5150 03 01 00 00"), "AMQP 1.0's SASL"),
        (h("414d5150 02 01 00 00"), "AMQP 1.0's TLS"),
        (h("414d5150 00 00 09 02"), "unknown version"),
        (h("16 03 01 02 00 01 00 01"), "TLS record"),
        (b"GET / HTTP/1.1\r\n", "HTTP request"),
        (b"\x00" * 8, "not a protocol header"),
    ],
)
def test_other_protocols_are_refused(raw: bytes, named: str) -> None:
    for expect_header in (True, False):
        error, events = error_all_ways(raw, UnsupportedProtocolError, expect_header=expect_header)
        assert (error.offset, events) == (0, [])
        assert named in str(error)


def test_garbage_first_byte_without_header_expected() -> None:
    error, _ = error_all_ways(b"\x00" * 8, UnsupportedProtocolError, expect_header=False)
    assert error.offset == 0


def test_short_opening_is_incomplete_only_at_eof() -> None:
    reader = new_reader()
    reader.feed(PROTOCOL_HEADER[:5])
    assert reader.next_event() is NEED_DATA
    with pytest.raises(IncompleteError) as info:
        reader.feed_eof()
    assert info.value.offset == 0
    assert "protocol header" in str(info.value)


def test_header_after_the_opening_is_a_framing_error() -> None:
    error, events = error_all_ways(PROTOCOL_HEADER + PROTOCOL_HEADER, FramingError)
    assert error.offset == 8 and len(events) == 1
    assert "protocol header" in str(error)
    error, events = error_all_ways(HEARTBEAT + PROTOCOL_HEADER, FramingError, expect_header=False)
    assert (error.offset, events) == (8, [HeartbeatFrame(0)])


def test_header_expected_but_a_frame_came() -> None:
    error, _ = error_all_ways(HEARTBEAT, UnsupportedProtocolError)
    assert error.offset == 0


# --------------------------------------------------------------------------- frame-header faults


def check_framing(
    error: Any, *, offset: int, frame_offset: int, frame_type: int, channel: int | None
) -> None:
    assert error.offset == offset
    assert error.frame_offset == frame_offset
    assert error.frame_type == frame_type
    assert error.channel == channel
    assert error.reply_code == ReplyCode.FRAME_ERROR == 501
    assert error.condition == "amqp:connection:framing-error"
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.offset, clone.frame_offset, clone.reply_code, clone.channel) == (
        error.offset,
        error.frame_offset,
        error.reply_code,
        error.channel,
    )


@pytest.mark.parametrize("frame_type", [0, 4, 5, 7, 9, 0x41, 0xCE, 0xFF])
def test_unknown_frame_type_at_its_header(frame_type: int) -> None:
    # The fault is seen as soon as 7 header bytes are in: no payload is waited for.
    frame = bytes([frame_type]) + h("0000 00000010")
    error, events = error_all_ways(HEARTBEAT + frame, FramingError, expect_header=False)
    check_framing(error, offset=8, frame_offset=8, frame_type=frame_type, channel=None)
    assert events == [HeartbeatFrame(0)]


def test_bad_frame_end() -> None:
    for end in (b"\x00", b"\xcf", b"\xff"):
        error, events = error_all_ways(PROTOCOL_HEADER + HELLO[:-1] + end, FramingError)
        check_framing(error, offset=8 + 12, frame_offset=8, frame_type=3, channel=1)
        assert "frame-end" in str(error) and len(events) == 1


def test_heartbeat_with_a_bad_frame_end_is_refused() -> None:
    # pamqp accepts a heartbeat whose frame end is not 0xCE; a framing error here.
    error, _ = error_all_ways(h("08 0000 00000000 00"), FramingError, expect_header=False)
    check_framing(error, offset=7, frame_offset=0, frame_type=8, channel=0)


def test_lying_huge_size_refused_at_the_header() -> None:
    # 4 GiB - 1 claimed: refused as soon as the header is in, nothing allocated.
    frame = h("03 0001 ffffffff")
    error, _ = error_all_ways(frame, FramingError, expect_header=False)
    check_framing(error, offset=3, frame_offset=0, frame_type=3, channel=1)
    assert "max_frame_size" in str(error)


def test_payload_limit_is_max_frame_size_less_8() -> None:
    limits = Limits(max_frame_size=1024)
    fits = b"\x03\x00\x01" + (1016).to_bytes(4, "big") + bytes(1016) + b"\xce"
    assert read_all_ways(fits, limits=limits, expect_header=False, bytewise=False) == [
        BodyFrame(0, 1, bytes(1016))
    ]
    over = b"\x01\x00\x01" + (1017).to_bytes(4, "big")
    error, _ = error_all_ways(over, FramingError, limits=limits, expect_header=False)
    check_framing(error, offset=3, frame_offset=0, frame_type=1, channel=1)


def test_frame_max_limits_bodies_with_rabbitmq_tolerance() -> None:
    # frame_max 4096: RabbitMQ accepts a body payload of up to 4096 bytes (4088 + 8).
    fits = b"\x03\x00\x01" + (4096).to_bytes(4, "big") + bytes(4096) + b"\xce"
    events = read_all_ways(fits, expect_header=False, frame_max=4096, bytewise=False)
    assert events == [BodyFrame(0, 1, bytes(4096))]
    over = b"\x03\x00\x01" + (4097).to_bytes(4, "big")
    error, _ = error_all_ways(over, FramingError, expect_header=False, frame_max=4096)
    check_framing(error, offset=3, frame_offset=0, frame_type=3, channel=1)
    assert "frame_max 4096" in str(error)


def test_frame_max_does_not_limit_method_or_header_frames() -> None:
    # Errata §11: servers send method and header frames unsplit; only the size is read here
    # (the reader then waits for the payload), so no payload decoder is involved.
    for frame_type in (1, 2):
        reader = new_reader(expect_header=False, frame_max=4096)
        reader.feed(bytes([frame_type]) + h("0001") + (5000).to_bytes(4, "big") + bytes(100))
        assert reader.next_event() is NEED_DATA


def test_frame_max_setter() -> None:
    reader = FrameReader()
    assert reader.frame_max == 0
    reader.frame_max = 131072
    assert reader.frame_max == 131072
    for bad in (-1, 2**32, 1.5, "8192", None):
        with pytest.raises(ValueError):
            reader.frame_max = bad  # type: ignore[assignment]
    reader.frame_max = 0
    assert reader.frame_max == 0


def test_framing_errors_are_fatal() -> None:
    reader = new_reader(expect_header=False)
    reader.feed(HEARTBEAT + h("05 0000 00000000 ce") + HEARTBEAT)
    assert reader.next_event() == HeartbeatFrame(0)
    with pytest.raises(FramingError) as first:
        reader.next_event()
    for again in (reader.next_event, lambda: reader.feed(HEARTBEAT), reader.feed_eof, lambda: list(reader)):
        with pytest.raises(FramingError) as info:
            again()
        assert info.value is first.value
    assert "failed" in repr(reader)


def test_unsupported_protocol_is_fatal() -> None:
    reader = new_reader()
    reader.feed(h("414d5150 00 01 00 00") + HEARTBEAT)
    with pytest.raises(UnsupportedProtocolError):
        reader.next_event()
    with pytest.raises(UnsupportedProtocolError):
        reader.next_event()


# --------------------------------------------------------------------------- frame faults


def check_frame_fault(error: Any, *, offset: int, frame_offset: int, frame_type: int, channel: int) -> None:
    assert type(error) is DecodeError
    assert (error.offset, error.frame_offset, error.frame_type, error.channel) == (
        offset,
        frame_offset,
        frame_type,
        channel,
    )
    assert error.reply_code == ReplyCode.FRAME_ERROR


def read_until_error(data: bytes, **kwargs: Any) -> tuple[list[Any], list[DecodeError]]:
    """Read ``data`` whole, collecting events and the frame faults in between."""
    reader = new_reader(**kwargs)
    reader.feed(data)
    events: list[Any] = []
    errors: list[DecodeError] = []
    while True:
        try:
            event = reader.next_event()
        except FramingError:
            raise  # fatal: raised again on every call
        except DecodeError as error:
            errors.append(error)
            continue
        if event is NEED_DATA:
            break
        events.append(event)
    reader.feed_eof()
    return events, errors


def test_heartbeat_with_a_payload_consumes_only_that_frame() -> None:
    data = HEARTBEAT + h("08 0000 00000002 abcd ce") + HELLO
    events, errors = read_until_error(data, expect_header=False)
    assert events == [HeartbeatFrame(0), BodyFrame(18, 1, b"hello")]
    (error,) = errors
    check_frame_fault(error, offset=15, frame_offset=8, frame_type=8, channel=0)
    assert "payload" in str(error)


def test_heartbeat_on_a_channel_consumes_only_that_frame() -> None:
    data = h("08 0005 00000000 ce") + HEARTBEAT
    events, errors = read_until_error(data, expect_header=False)
    assert events == [HeartbeatFrame(8)]
    (error,) = errors
    check_frame_fault(error, offset=1, frame_offset=0, frame_type=8, channel=5)


# --------------------------------------------------------------------------- buffering and the end


def test_incomplete_frame_is_an_error_only_at_eof() -> None:
    for cut in range(1, len(HELLO)):
        reader = new_reader(expect_header=False)
        reader.feed(HEARTBEAT + HELLO[:cut])
        assert list(reader) == [HeartbeatFrame(0)]
        assert reader.next_event() is NEED_DATA
        with pytest.raises(IncompleteError) as info:
            reader.feed_eof()
        assert info.value.offset == 8
        assert info.value.frame_offset == 8  # type: ignore[attr-defined]


def test_eof_leaves_a_header_fault_to_next_event() -> None:
    reader = new_reader(expect_header=False)
    reader.feed(HEARTBEAT + h("09 0000 00000000"))
    reader.feed_eof()
    assert reader.next_event() == HeartbeatFrame(0)
    with pytest.raises(FramingError):
        reader.next_event()


def test_feed_after_eof_is_a_caller_error() -> None:
    reader = new_reader(expect_header=False)
    reader.feed(HEARTBEAT)
    reader.feed_eof()
    assert reader.next_event() == HeartbeatFrame(0)
    assert reader.next_event() is NEED_DATA
    with pytest.raises(RuntimeError):
        reader.feed(HEARTBEAT)


def test_offset_and_buffered() -> None:
    reader = new_reader()
    reader.feed(PROTOCOL_HEADER + HEARTBEAT[:3])
    assert (reader.offset, reader.buffered) == (0, 11)
    assert reader.next_event() == ProtocolHeader(0, 0, major=0, minor=9, revision=1)
    assert (reader.offset, reader.buffered) == (8, 3)
    reader.feed(HEARTBEAT[3:] + HELLO)
    assert list(reader) == [HeartbeatFrame(8), BodyFrame(16, 1, b"hello")]
    assert (reader.offset, reader.buffered) == (29, 0)
    assert "offset=29" in repr(reader)


def test_buffer_is_bounded() -> None:
    limits = Limits(max_buffered_bytes=1000)
    reader = new_reader(limits=limits, expect_header=False)
    reader.feed(bytes(990))
    with pytest.raises(LimitExceededError) as info:
        reader.feed(bytes(11))
    assert (info.value.limit, info.value.offset) == ("max_buffered_bytes", 990)
    assert reader.buffered == 990  # nothing taken: not fatal


def test_buffer_compacts_after_events() -> None:
    limits = Limits(max_buffered_bytes=64)
    reader = new_reader(limits=limits, expect_header=False)
    for _ in range(100):
        reader.feed(HEARTBEAT * 4)
        assert len(list(reader)) == 4
    assert reader.offset == 3200


def test_memoryview_and_bytearray_input() -> None:
    reader = new_reader(expect_header=False)
    reader.feed(memoryview(HEARTBEAT))
    reader.feed(bytearray(HELLO))
    reader.feed(memoryview(bytearray(HEARTBEAT)).cast("B"))
    assert list(reader) == [HeartbeatFrame(0), BodyFrame(8, 1, b"hello"), HeartbeatFrame(21)]


def test_errors_and_events_pickle_and_copy() -> None:
    events = read_all_ways(PROTOCOL_HEADER + HEARTBEAT + HELLO)
    for event in events:
        assert pickle.loads(pickle.dumps(event)) == event
        assert copy.deepcopy(event) == event
