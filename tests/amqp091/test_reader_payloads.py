"""The 0-9-1 frame reader's method and content-header frames (0-9-1 §4.2.4 method payloads,
§4.2.6.1 content headers): golden frames hand-written from the spec, and faults inside one
frame, which consume that frame only and are reported at stream offsets.

Hex layout (§4.2.3): ``type | channel (2) | size (4) | payload | ce``.
"""

from __future__ import annotations

from typing import Any

import pytest

from amqpcodec import DecodeError, FramingError, IncompleteError, UnsupportedProtocolError
from amqpcodec.amqp091.constants import ReplyCode
from amqpcodec.amqp091.frames import (
    NEED_DATA,
    BodyFrame,
    HeaderFrame,
    HeartbeatFrame,
    MethodFrame,
    ProtocolHeader,
)
from amqpcodec.amqp091.methods import (
    BasicAck,
    BasicDeliver,
    BasicQos,
    ChannelOpen,
    ConnectionClose,
    ConnectionTune,
    TxSelect,
)
from amqpcodec.amqp091.properties import BasicProperties
from tests.helpers.amqp091_streams import HEARTBEAT, PROTOCOL_HEADER, h, new_reader, read_all_ways

#: connection.tune (10, 30): channel-max 2047, frame-max 131072, heartbeat 60.
TUNE = h("01 0000 0000000c  000a 001e  07ff 00020000 003c  ce")
#: channel.open (20, 10) on channel 1: the reserved shortstr, empty.
CHANNEL_OPEN = h("01 0001 00000005  0014 000a  00  ce")
#: basic.qos (60, 10): prefetch-size 0, prefetch-count 10, global set (bit 0 of its octet).
QOS = h("01 0001 0000000b  003c 000a  00000000 000a 01  ce")
#: basic.deliver (60, 60): consumer-tag "ctag", delivery-tag 1, redelivered, exchange "", routing-key "q".
DELIVER = h("01 0001 00000015  003c 003c  04 63746167  0000000000000001  01  00  01 71  ce")
#: basic.ack (60, 80): delivery-tag 5, multiple.
ACK = h("01 0001 0000000d  003c 0050  0000000000000005 01  ce")
#: connection.close (10, 50): 200 "OK", class 0, method 0.
CLOSE = h("01 0000 0000000d  000a 0032  00c8 02 4f4b 0000 0000  ce")
#: tx.select (90, 10): no arguments.
TX_SELECT = h("01 0002 00000004  005a 000a  ce")
#: A content header (§4.2.6.1) on channel 1: class 60, weight 0, body size 11, flags
#: content-type (bit 15) and delivery-mode (bit 12), "text/plain", 2.
HEADER = h("02 0001 0000001a  003c 0000 000000000000000b 9000  0a 746578742f706c61696e  02  ce")
#: A content header with no property: the flag word 0.
BARE_HEADER = h("02 0003 0000000e  003c 0000 0000000000000000 0000  ce")
#: The body the HEADER announces.
BODY = h("03 0001 0000000b  68656c6c6f20776f726c64  ce")


def offsets(*frames: bytes, start: int = 0) -> list[int]:
    found = []
    for frame in frames:
        found.append(start)
        start += len(frame)
    return found


def test_golden_method_frames() -> None:
    frames = (PROTOCOL_HEADER, TUNE, CHANNEL_OPEN, QOS, DELIVER, ACK, CLOSE, TX_SELECT)
    at = offsets(*frames)
    events = read_all_ways(b"".join(frames))
    assert events == [
        ProtocolHeader(0, 0, major=0, minor=9, revision=1),
        MethodFrame(at[1], 0, ConnectionTune(channel_max=2047, frame_max=131072, heartbeat=60)),
        MethodFrame(at[2], 1, ChannelOpen()),
        MethodFrame(at[3], 1, BasicQos(prefetch_count=10, global_=True)),
        MethodFrame(
            at[4],
            1,
            BasicDeliver(consumer_tag="ctag", delivery_tag=1, redelivered=True, exchange="", routing_key="q"),
        ),
        MethodFrame(at[5], 1, BasicAck(delivery_tag=5, multiple=True)),
        MethodFrame(at[6], 0, ConnectionClose(reply_code=200, reply_text="OK", class_id=0, method_id=0)),
        MethodFrame(at[7], 2, TxSelect()),
    ]


def test_golden_content_frames() -> None:
    at = offsets(HEADER, BODY, BARE_HEADER)
    events = read_all_ways(HEADER + BODY + BARE_HEADER, expect_header=False)
    assert events == [
        HeaderFrame(at[0], 1, 60, 0, 11, BasicProperties(content_type="text/plain", delivery_mode=2)),
        BodyFrame(at[1], 1, b"hello world"),
        HeaderFrame(at[2], 3, 60, 0, 0, BasicProperties()),
    ]


# --------------------------------------------------------------------------- faults inside a frame


def read_with_faults(data: bytes, **kwargs: Any) -> tuple[list[Any], list[DecodeError]]:
    """Events and frame faults reading ``data`` whole and byte by byte (both must agree)."""
    results = []
    for pieces in ([data], [data[i : i + 1] for i in range(len(data))]):
        reader = new_reader(**kwargs)
        events: list[Any] = []
        errors: list[DecodeError] = []
        for piece in pieces:
            reader.feed(piece)
            while True:
                try:
                    event = reader.next_event()
                except (FramingError, UnsupportedProtocolError):
                    raise  # fatal: raised again on every call
                except DecodeError as error:
                    errors.append(error)
                    continue
                if event is NEED_DATA:
                    break
                events.append(event)
        reader.feed_eof()
        results.append((events, [(type(e), e.offset, str(e)) for e in errors], errors))
    (events, summary, errors), (events2, summary2, _) = results
    assert (events, summary) == (events2, summary2)
    return events, errors


def check_fault(
    error: DecodeError, *, offset: int, frame_offset: int, frame_type: int = 1, channel: int = 0
) -> None:
    assert type(error) is DecodeError, type(error)
    assert not isinstance(error, IncompleteError)
    assert (error.offset, error.frame_offset, error.frame_type, error.channel) == (
        offset,
        frame_offset,
        frame_type,
        channel,
    )
    assert error.reply_code == ReplyCode.FRAME_ERROR


@pytest.mark.parametrize(
    ("frame", "fault_at", "class_id", "method_id"),
    [
        # An unknown class id: reported at the class id.
        (h("01 0000 00000004  0063 0001  ce"), 0, 99, 1),
        # A known class, an unknown method id: reported at the method id.
        (h("01 0000 00000004  003c 00ff  ce"), 2, 60, 255),
        # A payload shorter than the two ids.
        (h("01 0000 00000002  000a  ce"), 0, None, None),
        # connection.tune one byte short (reported at its run of fixed-width arguments).
        (h("01 0000 0000000b  000a 001e  07ff 00020000 00  ce"), 4, 10, 30),
        # connection.tune with a byte after its last argument.
        (h("01 0000 0000000d  000a 001e  07ff 00020000 003c ff  ce"), 12, 10, 30),
        # connection.secure whose challenge (longstr) claims 255 bytes of the 1 there.
        (h("01 0000 00000009  000a 0014  000000ff 41  ce"), 4, 10, 20),
        # basic.deliver whose consumer tag is not UTF-8 (the fault at the bad byte).
        (h("01 0000 00000015  003c 003c  04 6374ff67  0000000000000001  01  00  01 71  ce"), 7, 60, 60),
        # basic.qos with a spare bit set in its bit octet.
        (h("01 0000 0000000b  003c 000a  00000000 000a 03  ce"), 10, 60, 10),
    ],
)
def test_method_payload_faults(
    frame: bytes, fault_at: int, class_id: int | None, method_id: int | None
) -> None:
    data = PROTOCOL_HEADER + frame + HEARTBEAT
    events, errors = read_with_faults(data)
    assert events == [ProtocolHeader(0, 0, major=0, minor=9, revision=1), HeartbeatFrame(8 + len(frame))]
    (error,) = errors
    check_fault(error, offset=8 + 7 + fault_at, frame_offset=8)
    assert (error.class_id, error.method_id) == (class_id, method_id)
    assert "method frame at offset 8" in str(error)


@pytest.mark.parametrize(
    ("frame", "fault_at"),
    [
        # Shorter than the 14 fixed bytes.
        (h("02 0001 0000000a  003c 0000 000000000000  ce"), 0),
        # The continuation bit (bit 0) set: RabbitMQ reads one flag word.
        (h("02 0001 0000000e  003c 0000 0000000000000000 0001  ce"), 12),
        # The spare bit 1 set.
        (h("02 0001 0000000e  003c 0000 0000000000000000 0002  ce"), 12),
        # content-type announced, its shortstr claims 10 bytes of the 2 there.
        (h("02 0001 00000011  003c 0000 0000000000000000 8000  0a 6162  ce"), 14),
        # A byte after the last property.
        (h("02 0001 0000000f  003c 0000 0000000000000000 0000 ff  ce"), 14),
    ],
)
def test_content_header_faults(frame: bytes, fault_at: int) -> None:
    events, errors = read_with_faults(frame + BODY, expect_header=False)
    assert events == [BodyFrame(len(frame), 1, b"hello world")]
    (error,) = errors
    check_fault(error, offset=7 + fault_at, frame_offset=0, frame_type=2, channel=1)


def test_frame_faults_do_not_stop_the_reader() -> None:
    bad = h("01 0000 00000004  0063 0001  ce")
    data = PROTOCOL_HEADER + bad + TUNE + bad + bad + CLOSE
    events, errors = read_with_faults(data)
    assert [type(event) for event in events] == [ProtocolHeader, MethodFrame, MethodFrame]
    assert [error.frame_offset for error in errors] == [8, 8 + 12 + 20, 8 + 12 + 20 + 12]  # type: ignore[attr-defined]


def test_method_frames_may_exceed_frame_max() -> None:
    # Errata §11: a server sends method and header frames unsplit, even over frame_max.
    (event,) = read_all_ways(TUNE, expect_header=False, frame_max=9)
    assert isinstance(event, MethodFrame)
    (event,) = read_all_ways(HEADER, expect_header=False, frame_max=9)
    assert isinstance(event, HeaderFrame)
