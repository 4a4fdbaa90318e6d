"""The frame layer (OASIS AMQP 1.0 Part 2 §2.2 protocol header, §2.3 framing; Part 5 §5.2.1
TLS and §5.3 SASL layers): ``FrameReader``, ``encode_frame``, ``encode_transfer``,
``find_frame_boundary`` and the events.

Every stream is read three ways by :func:`read_all_ways` (h11's habit): whole, one byte at
a time, and followed by a partial frame; the three must give the same events.  Frame
layout used in the hand-written hex (§2.3.1)::

    SIZE (4 bytes, whole frame) | DOFF (1, in 4-byte words) | TYPE (1) | channel (2) | body
"""

from __future__ import annotations

import copy
import pickle
import struct
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import amqpcodec
from amqpcodec import (
    DEFAULT_LIMITS,
    Attach,
    Close,
    DecodeError,
    Described,
    EncodeError,
    Flow,
    FramingError,
    IncompleteError,
    LimitExceededError,
    Limits,
    Open,
    Role,
    SaslInit,
    SaslMechanisms,
    SaslOutcome,
    SaslResponse,
    TransactionalState,
    Transfer,
    UnsupportedProtocolError,
    UnsupportedTypeError,
)
from amqpcodec.frames import (
    NEED_DATA,
    Delivery,
    Frame,
    FrameReader,
    ProtocolHeader,
    TransferAssembler,
    encode_frame,
    encode_transfer,
    find_frame_boundary,
)
from tests.helpers.composites import forced
from tests.helpers.streams import CLOSE, HEARTBEAT, h, new_reader, read_all_ways

FRAMING = "amqp:connection:framing-error"
AMQP_HEADER = b"AMQP\x00\x01\x00\x00"
SASL_HEADER = b"AMQP\x03\x01\x00\x00"
TLS_HEADER = b"AMQP\x02\x01\x00\x00"


def error_all_ways(data: bytes, error_class: type[Exception], **kwargs: Any) -> Any:
    """The error reading ``data`` raises, whole and byte by byte (same class, offset, text).

    Returns the error and how many events came before it.
    """
    found = []
    for bytewise in (False, True):
        reader = new_reader(kwargs.get("limits", DEFAULT_LIMITS), kwargs.get("expect_header", True), None)
        events: list[Any] = []
        with pytest.raises(error_class) as info:
            chunks = [data[i : i + 1] for i in range(len(data))] if bytewise else [data]
            for chunk in chunks:
                reader.feed(chunk)
                events.extend(reader)
            reader.feed_eof()
        assert type(info.value) is error_class
        found.append((info.value, len(events), str(info.value)))
    (first, count, text), (second, count2, text2) = found
    assert (first.offset, count, text) == (second.offset, count2, text2)
    return first, count


# --------------------------------------------------------------------------- headers


def test_protocol_header_bytes_and_fields() -> None:
    header = ProtocolHeader(0, 3)
    assert bytes(header) == SASL_HEADER
    assert bytes(ProtocolHeader(8, 0, major=1, minor=0, revision=0)) == AMQP_HEADER
    assert (header.layer, ProtocolHeader(0, 2).layer, ProtocolHeader(0, 0).layer) == ("SASL", "TLS", "AMQP")
    assert repr(header) == "ProtocolHeader(offset=0, protocol_id=3, major=1, minor=0, revision=0)"
    assert header == ProtocolHeader(0, 3, major=1, minor=0, revision=0) and header != ProtocolHeader(8, 3)
    assert pickle.loads(pickle.dumps(header)) == header
    with pytest.raises(AttributeError):
        header.offset = 1  # type: ignore[misc]


def test_protocol_header_constants_and_keywords() -> None:
    """The 1.0 headers are public bytes (§2.2, §5.2.1, §5.3.2), written out here by hand;
    the version is keyword-only, so the four bytes after ``AMQP`` given positionally
    cannot be taken for an offset and an id."""
    assert amqpcodec.AMQP_HEADER == bytes.fromhex("414d5150 00 01 00 00") == bytes(ProtocolHeader(0, 0))
    assert amqpcodec.TLS_HEADER == bytes.fromhex("414d5150 02 01 00 00") == bytes(ProtocolHeader(0, 2))
    assert amqpcodec.SASL_HEADER == bytes.fromhex("414d5150 03 01 00 00") == bytes(ProtocolHeader(0, 3))
    with pytest.raises(TypeError):
        ProtocolHeader(0, 1, 0, 0)  # type: ignore[misc]


def test_amqp_header_then_frames() -> None:
    events = read_all_ways(AMQP_HEADER + HEARTBEAT + CLOSE)
    assert events == [
        ProtocolHeader(0, 0, major=1, minor=0, revision=0),
        Frame(8, 0, 0, b"", None, b""),
        Frame(16, 0, 0, b"", Close(), b""),
    ]


def test_tls_header_is_followed_by_the_next_header() -> None:
    # Part 5 §5.2.1: after the TLS handshake the (decrypted) stream opens with a header again.
    events = read_all_ways(TLS_HEADER + SASL_HEADER)
    assert [e.protocol_id for e in events] == [2, 3]
    error, count = error_all_ways(TLS_HEADER + HEARTBEAT, UnsupportedProtocolError)
    assert (error.offset, count) == (8, 1)


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (b"AMQP\x00\x00\x09\x01", "AMQP 0-9-1"),
        (b"AMQP\x01\x01\x00\x0a", "AMQP 0-10"),
        (b"AMQP\x01\x01\x00\x09", "AMQP 0-9"),
        (b"AMQP\x01\x01\x08\x00", "AMQP 0-8"),
        (b"AMQP\x01\x01\x09\x01", "AMQP 0-8"),
        (bytes.fromhex("16030100f8010000f40303"), "TLS ClientHello (TLS without the AMQP TLS header)"),
        (bytes.fromhex("16030300f8010000f40303"), "TLS ClientHello"),
        (b"GET / HTTP/1.1\r\n", "HTTP request"),
        (b"AMQP\x00\x01\x00\x01", "AMQP header for version 1.0.1"),
        (b"AMQP\x03\x02\x00\x00", "SASL header for version 2.0.0"),
        (b"AMQP\x04\x01\x00\x00", "unknown protocol id 4"),
        (b"\x00\x00\x00\x08\x02\x00\x00\x00", "not a protocol header"),
    ],
)
def test_unsupported_protocol_headers_are_named_and_fatal(raw: bytes, named: str) -> None:
    error, count = error_all_ways(raw, UnsupportedProtocolError)
    assert (error.offset, count, error.condition) == (0, 0, FRAMING)
    assert named in str(error)
    reader = FrameReader()
    reader.feed(raw)
    with pytest.raises(UnsupportedProtocolError) as info:
        reader.next_event()
    for call in (reader.next_event, lambda: reader.feed(AMQP_HEADER), reader.feed_eof, lambda: list(reader)):
        with pytest.raises(UnsupportedProtocolError) as again:
            call()
        assert again.value is info.value


def test_unsupported_header_after_sasl_outcome() -> None:
    outcome = encode_frame(SaslOutcome(code=0))
    error, count = error_all_ways(SASL_HEADER + outcome + b"AMQP\x00\x00\x09\x01", UnsupportedProtocolError)
    assert (error.offset, count) == (8 + len(outcome), 2)
    assert "AMQP 0-9-1" in str(error)


# --------------------------------------------------------------------------- SASL phase


MECHANISMS = encode_frame(SaslMechanisms(sasl_server_mechanisms=["PLAIN", "ANONYMOUS"]))
INIT = encode_frame(SaslInit(mechanism="PLAIN", initial_response=b"\x00user\x00pass"))
RESPONSE = encode_frame(SaslResponse(response=b"more"))
OUTCOME = encode_frame(SaslOutcome(code=0))
OPEN = encode_frame(Open(container_id="client"))


@pytest.mark.parametrize(
    "sasl_frames",
    [[], [INIT], [INIT, RESPONSE], [MECHANISMS], [MECHANISMS, OUTCOME]],
    ids=["right-after-sasl-header", "after-init", "after-response", "after-mechanisms", "after-outcome"],
)
def test_amqp_header_may_follow_any_sasl_frame(sasl_frames: list[bytes]) -> None:
    data = SASL_HEADER + b"".join(sasl_frames) + AMQP_HEADER + OPEN + HEARTBEAT
    events = read_all_ways(data)
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["ProtocolHeader", *["Frame"] * len(sasl_frames), "ProtocolHeader", "Frame", "Frame"]
    assert [e.type for e in events if isinstance(e, Frame)] == [1] * len(sasl_frames) + [0, 0]
    assert events[len(sasl_frames) + 1].offset == 8 + sum(map(len, sasl_frames))
    assert events[-2].performative == Open(container_id="client")


def test_sasl_frames_keep_their_channel_bytes() -> None:
    # Part 5 §5.3.1: bytes 6 and 7 of a SASL frame header are ignored; we report them.
    frame = encode_frame(SaslOutcome(code=1), channel=7)
    assert frame[:8] == bytes.fromhex("00000010 02 01 0007")
    events = read_all_ways(SASL_HEADER + frame)
    assert events[1].channel == 7 and events[1].performative == SaslOutcome(code=1)


def test_expect_header_false_starts_mid_connection() -> None:
    assert read_all_ways(CLOSE + HEARTBEAT, expect_header=False) == [
        Frame(0, 0, 0, b"", Close(), b""),
        Frame(12, 0, 0, b"", None, b""),
    ]
    # The first frame's type fixes the phase; in SASL a header may still follow.
    events = read_all_ways(INIT + AMQP_HEADER + OPEN, expect_header=False)
    assert [type(e).__name__ for e in events] == ["Frame", "ProtocolHeader", "Frame"]
    events = read_all_ways(AMQP_HEADER + OPEN, expect_header=False)
    assert events[0] == ProtocolHeader(0, 0)


# --------------------------------------------------------------------------- framing faults


@pytest.mark.parametrize(
    ("prefix", "frame", "message"),
    [
        (AMQP_HEADER, h("00000007 02 00 0000"), "SIZE 7 is less than the 8-byte frame header"),
        (AMQP_HEADER, h("00000000 02 00 0000"), "SIZE 0 is less than"),
        (AMQP_HEADER, h("00000008 01 00 0000"), "DOFF 1 is less than 2"),
        (AMQP_HEADER, h("00000008 00 00 0000"), "DOFF 0 is less than 2"),
        (
            AMQP_HEADER,
            h("0000000c 04 00 0000 00000000"),
            "DOFF 4 puts the body at byte 16, past the frame's SIZE 12",
        ),
        (AMQP_HEADER, h("00000201 02 00 0000"), "SIZE 513 exceeds the maximum frame size 512"),
        (AMQP_HEADER, h("ffffffff 02 00 0000"), "SIZE 4294967295 exceeds"),
        (AMQP_HEADER, h("00000008 02 02 0000"), "unknown frame type 0x02"),
        (AMQP_HEADER, h("00000008 02 ff 0000"), "unknown frame type 0xff"),
        (AMQP_HEADER, b"HELLO, WORLD! HELLO, WORLD!", "SIZE 1212501068 exceeds"),
        (AMQP_HEADER, INIT, "a SASL frame (type 0x01) after the AMQP protocol header"),
        (
            AMQP_HEADER,
            AMQP_HEADER,
            "a protocol header (b'AMQP\\x00\\x01\\x00\\x00') where a frame was expected",
        ),
        (SASL_HEADER, OPEN, "an AMQP frame (type 0x00) during the SASL exchange"),
        (SASL_HEADER, h("00000008 02 05 0000"), "unknown frame type 0x05"),
    ],
)
def test_framing_faults_are_fatal(prefix: bytes, frame: bytes, message: str) -> None:
    limits = Limits(max_frame_size=512)
    data = prefix + HEARTBEAT * (prefix == AMQP_HEADER) + frame
    error, count = error_all_ways(data, FramingError, limits=limits)
    at = len(data) - len(frame)
    assert (error.offset, error.frame_offset, error.condition, count) == (
        at,
        at,
        FRAMING,
        1 + (prefix == AMQP_HEADER),
    )
    assert message in str(error) and str(error).endswith(f"(at offset {at})")
    reader = FrameReader(limits=limits)
    reader.feed(data)
    with pytest.raises(FramingError) as info:
        list(reader)
    for call in (reader.next_event, lambda: reader.feed(CLOSE), reader.feed_eof):
        with pytest.raises(FramingError) as again:
            call()
        assert again.value is info.value
    assert pickle.loads(pickle.dumps(info.value)).__dict__ == info.value.__dict__


def test_oversized_frame_is_rejected_after_its_eight_header_bytes() -> None:
    # h2 buffers a whole oversized frame first; we refuse on the header alone.
    reader = FrameReader(limits=Limits(max_frame_size=512))
    reader.feed(AMQP_HEADER)
    assert list(reader) == [ProtocolHeader(0, 0)]
    header = h("00100000 02 00 0000")  # SIZE 1 MiB
    for byte in header[:7]:
        reader.feed(bytes([byte]))
        assert reader.next_event() is NEED_DATA
    reader.feed(header[7:])
    with pytest.raises(FramingError) as info:
        reader.next_event()
    assert info.value.offset == 8 and "SIZE 1048576 exceeds the maximum frame size 512" in str(info.value)


def test_max_frame_size_is_settable_within_limits() -> None:
    reader = FrameReader(limits=Limits(max_frame_size=1024))
    assert reader.max_frame_size == 1024
    for bad in (511, 1025, 600.0, "600", True):
        with pytest.raises(ValueError, match="max_frame_size"):
            reader.max_frame_size = bad  # type: ignore[assignment]
    reader.max_frame_size = 512
    exact = encode_frame(Transfer(handle=0), payload=b"x" * (512 - 15))
    assert len(exact) == 512
    assert [type(e).__name__ for e in read_all_ways(AMQP_HEADER + exact, max_frame_size=512)] == [
        "ProtocolHeader",
        "Frame",
    ]
    reader.feed(AMQP_HEADER + exact + encode_frame(Transfer(handle=0), payload=b"x" * (513 - 15)))
    with pytest.raises(FramingError, match="SIZE 513 exceeds the maximum frame size 512"):
        list(reader)


# --------------------------------------------------------------------------- body faults

BODY_FAULTS = [
    # (name, prefix, frame, class, message, fault offset within the frame)
    (
        "unknown-constructor",
        AMQP_HEADER,
        h("0000000f 02 00 0000  00 53 18 c0 02 01 ff"),
        DecodeError,
        "unknown constructor 0xff",
        14,
    ),
    (
        "body-ends-inside-value",
        AMQP_HEADER,
        h("0000000c 02 00 0000  00 53 10 a1"),
        DecodeError,
        "past the end of the frame body",
        12,
    ),
    (
        "list-past-body",
        AMQP_HEADER,
        h("0000000f 02 00 0000  00 53 10 c0 05 01 a1"),
        DecodeError,
        "list8 needs 6 bytes",
        12,
    ),
    (
        "missing-mandatory",
        AMQP_HEADER,
        h("0000000c 02 00 0000  00 53 10 45"),
        DecodeError,
        "open.container_id is mandatory",
        8,
    ),
    (
        "not-a-list",
        AMQP_HEADER,
        h("0000000e 02 00 0000  00 53 18 a1 01 78"),
        DecodeError,
        "close must be a described list",
        8,
    ),
    (
        "not-described",
        AMQP_HEADER,
        h("0000000b 02 00 0000  a1 01 78"),
        DecodeError,
        "must open with a described performative",
        8,
    ),
    (
        "sasl-body-in-amqp-frame",
        AMQP_HEADER,
        h("00000010 02 00 0000  00 53 44 c0 03 01 50 00"),
        DecodeError,
        "sasl-outcome is not an AMQP performative",
        8,
    ),
    (
        "definition-in-amqp-frame",
        AMQP_HEADER,
        h("0000000c 02 00 0000  00 53 28 45"),
        DecodeError,
        "source is not an AMQP performative",
        8,
    ),
    (
        "performative-in-sasl-frame",
        SASL_HEADER,
        h("0000000c 02 01 0000  00 53 18 45"),
        DecodeError,
        "close is not a SASL body",
        8,
    ),
    (
        "unknown-in-sasl-frame",
        SASL_HEADER,
        h("0000000c 02 01 0000  00 53 99 45"),
        DecodeError,
        "an unknown descriptor is not a SASL body",
        8,
    ),
    ("empty-sasl-frame", SASL_HEADER, h("00000008 02 01 0000"), DecodeError, "empty SASL frame", 0),
    (
        "bytes-after-sasl-body",
        SASL_HEADER,
        h("00000011 02 01 0000  00 53 44 c0 03 01 50 00 ff"),
        DecodeError,
        "1 bytes after the SASL body",
        16,
    ),
    (
        "too-many-fields",
        AMQP_HEADER,
        h("00000010 02 00 0000  00 53 18 c0 03 02 40 40"),
        DecodeError,
        "close has 2 fields",
        8,
    ),
    (
        "nested-too-deep",
        AMQP_HEADER,
        h("00000012 02 00 0000  00 53 18 c0 05 01 c0 02 01 40"),
        LimitExceededError,
        "max_depth=2",
        15,
    ),
]


@pytest.mark.parametrize(
    ("prefix", "frame", "error_class", "message", "at"),
    [f[1:] for f in BODY_FAULTS],
    ids=[f[0] for f in BODY_FAULTS],
)
def test_body_fault_consumes_only_its_frame(
    prefix: bytes, frame: bytes, error_class: type[DecodeError], message: str, at: int
) -> None:
    limits = Limits(max_depth=2)
    good = CLOSE if prefix == AMQP_HEADER else OUTCOME
    frame_offset = 8
    for bytewise in (False, True):
        reader = FrameReader(limits=limits)
        data = prefix + frame + good
        events: list[Any] = []
        raised = []
        for chunk in [data[i : i + 1] for i in range(len(data))] if bytewise else [data]:
            reader.feed(chunk)
            while True:
                try:
                    event = reader.next_event()
                except DecodeError as error:
                    raised.append(error)
                    continue
                if event is NEED_DATA:
                    break
                events.append(event)
        reader.feed_eof()
        (error,) = raised
        assert type(error) is error_class
        assert error.offset == frame_offset + at and error.frame_offset == frame_offset
        assert message in str(error) and "frame at offset 8" in str(error)
        assert error.condition == (
            "amqp:resource-limit-exceeded" if error_class is LimitExceededError else "amqp:decode-error"
        )
        assert [type(e).__name__ for e in events] == ["ProtocolHeader", "Frame"]
        assert events[1].offset == frame_offset + len(frame)
        assert pickle.loads(pickle.dumps(error)).__dict__ == error.__dict__


def test_missing_mandatory_field_is_named() -> None:
    reader = FrameReader(expect_header=False)
    reader.feed(h("0000000c 02 00 0000  00 53 14 45"))
    with pytest.raises(DecodeError) as info:
        reader.next_event()
    assert info.value.field == "transfer.handle"


# --------------------------------------------------------------------------- frame contents


def test_unknown_descriptor_gives_described_and_keeps_payload() -> None:
    frame = h("00000012 02 00 0003  00 53 99 c0 02 01 41  abcdef")
    (event,) = read_all_ways(frame, expect_header=False)
    assert event == Frame(0, 0, 3, b"", Described(0x99, [True]), b"\xab\xcd\xef")
    assert type(event.performative) is Described
    assert encode_frame(event.performative, 3, event.payload) == frame


def test_extended_header_is_kept() -> None:
    # §2.3.1: DOFF 3 leaves 4 bytes of extended header between the header and the body.
    frame = h("00000010 03 00 0001  01020304  00 53 18 45")
    (event,) = read_all_ways(frame, expect_header=False)
    assert event == Frame(0, 0, 1, b"\x01\x02\x03\x04", Close(), b"")
    assert "extended_header=<4 bytes: 01020304>" in repr(event)
    (empty,) = read_all_ways(h("0000000c 03 00 0000 ffffffff"), expect_header=False)
    assert empty == Frame(0, 0, 0, b"\xff\xff\xff\xff", None, b"")


def test_heartbeat_on_any_channel() -> None:
    assert encode_frame(None) == HEARTBEAT
    assert encode_frame(None, 9) == h("00000008 02 00 0009")
    (event,) = read_all_ways(h("00000008 02 00 0009"), expect_header=False)
    assert event == Frame(0, 0, 9, b"", None, b"")


def test_payload_is_owned_bytes() -> None:
    data = bytearray(AMQP_HEADER + encode_frame(Transfer(handle=0), payload=b"abc"))
    reader = FrameReader()
    reader.feed(data)
    events = list(reader)
    data[-1] = 0
    reader.feed(b"x")  # compacts the buffer
    assert type(events[1].payload) is bytes and events[1].payload == b"abc"


def test_offsets_are_absolute_across_many_feeds() -> None:
    frames = [
        encode_frame(Transfer(handle=0, delivery_id=i, delivery_tag=b"t"), payload=b"p" * i)
        for i in range(40)
    ]
    data = AMQP_HEADER + b"".join(frames)
    expected = [8 + sum(map(len, frames[:i])) for i in range(40)]
    reader = FrameReader()
    offsets = []
    for start in range(0, len(data), 37):
        reader.feed(memoryview(data)[start : start + 37])
        offsets.extend(e.offset for e in reader if isinstance(e, Frame))
    assert offsets == expected


def test_frame_repr_equality_pickle_and_copy() -> None:
    (event,) = read_all_ways(
        encode_frame(Transfer(handle=1, delivery_id=2, delivery_tag=b"t"), 4, b"x" * 30), expect_header=False
    )
    text = repr(event)
    assert text.startswith("Frame(offset=0, type=0, channel=4, performative=Transfer(handle=UInt(1), ")
    assert text.endswith("payload=<30 bytes: " + "78" * 20 + "...>)")
    assert (
        repr(Frame(0, 0, 0, b"", None, b""))
        == "Frame(offset=0, type=0, channel=0, performative=None, payload=b'')"
    )
    assert event == copy.deepcopy(event) == pickle.loads(pickle.dumps(event))
    assert event != Frame(1, 0, 4, b"", event.performative, event.payload)
    with pytest.raises(AttributeError):
        event.channel = 3  # type: ignore[misc]


def test_need_data_sentinel() -> None:
    assert repr(NEED_DATA) == "NEED_DATA"
    assert pickle.loads(pickle.dumps(NEED_DATA)) is NEED_DATA and copy.deepcopy(NEED_DATA) is NEED_DATA
    assert len(type(NEED_DATA)) == 1


# --------------------------------------------------------------------------- reader API


def test_iter_returns_a_new_generator_each_time() -> None:
    reader = FrameReader()
    reader.feed(AMQP_HEADER + CLOSE[:5])
    first = iter(reader)
    assert first is not iter(reader)
    assert list(first) == [ProtocolHeader(0, 0)]
    assert list(reader) == []
    reader.feed(CLOSE[5:])
    assert [e.performative for e in reader] == [Close()]


def test_feed_eof() -> None:
    reader = FrameReader()
    reader.feed_eof()  # nothing buffered: a clean end
    for data, at, what, complete in [
        (b"AMQ", 0, "protocol header: 3 of 8 bytes", 0),
        (AMQP_HEADER + CLOSE[:3], 8, "frame: 3 of at least 8 bytes", 1),
        (AMQP_HEADER + CLOSE[:9], 8, "frame: 9 of 12 bytes", 1),
        (AMQP_HEADER + CLOSE + CLOSE[:11], 20, "frame: 11 of 12 bytes", 2),
        (SASL_HEADER + INIT + b"AM", 8 + len(INIT), "protocol header: 2 of 8 bytes", 2),
    ]:
        reader = FrameReader()
        reader.feed(data)
        with pytest.raises(IncompleteError, match=what) as info:
            reader.feed_eof()
        assert info.value.offset == at
        # The complete events can still be taken; then NEED_DATA, never a hang.
        assert len(list(reader)) == complete
        assert reader.next_event() is NEED_DATA
    reader = FrameReader()
    reader.feed(AMQP_HEADER + CLOSE)
    reader.feed_eof()
    reader.feed(b"")
    with pytest.raises(RuntimeError, match="after feed_eof"):
        reader.feed(b"x")
    assert [type(e).__name__ for e in reader] == ["ProtocolHeader", "Frame"]


def test_feed_eof_leaves_framing_faults_to_next_event() -> None:
    reader = FrameReader()
    reader.feed(AMQP_HEADER + h("00000004 02 00 0000 00"))
    reader.feed_eof()
    with pytest.raises(FramingError):
        list(reader)


def test_max_buffered_bytes() -> None:
    reader = FrameReader(limits=Limits(max_buffered_bytes=20))
    reader.feed(AMQP_HEADER + CLOSE[:4])
    with pytest.raises(LimitExceededError) as info:
        reader.feed(CLOSE[4:] + b"x" * 8)  # 12 + 16 > 20: refused, nothing taken
    assert (info.value.limit, info.value.offset, info.value.condition) == (
        "max_buffered_bytes",
        12,
        "amqp:resource-limit-exceeded",
    )
    assert reader.buffered == 12
    assert list(reader) == [ProtocolHeader(0, 0)]
    reader.feed(CLOSE[4:] + b"x" * 8)  # the header was consumed: 4 + 16 fit
    assert reader.next_event().performative == Close()  # type: ignore[union-attr]
    assert reader.buffered == 8


def test_reader_repr_pickle_and_resume() -> None:
    data = AMQP_HEADER + OPEN + CLOSE
    reader = FrameReader(limits=Limits(max_frame_size=1024))
    reader.feed(data[:20])
    assert list(reader) == [ProtocolHeader(0, 0)]
    assert repr(reader) == "<FrameReader offset=8 buffered=12 phase=amqp max_frame_size=1024>"
    for clone in (pickle.loads(pickle.dumps(reader)), copy.deepcopy(reader)):
        clone.feed(data[20:])
        assert [e.offset for e in clone] == [8, 8 + len(OPEN)]
    reader.feed(data[20:] + h("00000000 02 00 0000"))
    with pytest.raises(FramingError):
        list(reader)
    assert "phase=failed" in repr(reader)


# --------------------------------------------------------------------------- encode_frame


def test_encode_frame_layout() -> None:
    frame = encode_frame(Transfer(handle=0), channel=0x0102, payload=b"hi")
    assert frame == h("00000011 02 00 0102  00 53 14 c0 02 01 43  6869")
    assert encode_frame(SaslOutcome(code=0)) == h("00000010 02 01 0000  00 53 44 c0 03 01 50 00")
    assert encode_frame(Described(0x99, []), payload=bytearray(b"!")) == h(
        "0000000d 02 00 0000 00 53 99 45 21"
    )
    assert (
        encode_frame(Close(), payload=memoryview(b"\x00\x01").cast("H"))
        == CLOSE[:3] + b"\x0e" + CLOSE[4:] + b"\x00\x01"
    )


def test_encode_frame_size_limits() -> None:
    close = Close()
    assert encode_frame(close, max_frame_size=12) == CLOSE
    with pytest.raises(EncodeError) as info:
        encode_frame(close, max_frame_size=11)
    assert info.value.condition == "amqp:frame-size-too-small"
    assert (
        encode_frame(close, payload=b"x" * 500, max_frame_size=512)
        == CLOSE[:2] + b"\x02\x00" + CLOSE[4:] + b"x" * 500
    )
    with pytest.raises(EncodeError) as info:
        encode_frame(close, payload=b"x" * 501, max_frame_size=512)
    assert info.value.condition is None and "encode_transfer" in str(info.value)


@pytest.mark.parametrize(
    ("call", "error_class", "path"),
    [
        (lambda: encode_frame(SaslInit(mechanism="PLAIN"), payload=b"x"), EncodeError, "payload"),
        (lambda: encode_frame(None, payload=b"x"), EncodeError, "payload"),
        (lambda: encode_frame(Close(), channel=65536), EncodeError, "channel"),
        (lambda: encode_frame(Close(), channel=-1), EncodeError, "channel"),
        (lambda: encode_frame({"not": "a performative"}), UnsupportedTypeError, "performative"),  # type: ignore[arg-type]
        (lambda: encode_frame(Close(), payload="text"), UnsupportedTypeError, "payload"),  # type: ignore[arg-type]
        (lambda: encode_frame(Close(), payload=memoryview(b"abcdef")[::2]), EncodeError, "payload"),
        (lambda: encode_frame(Close(), max_frame_size=-1), EncodeError, "max_frame_size"),
        (lambda: encode_frame(Close(), max_frame_size="512"), EncodeError, "max_frame_size"),  # type: ignore[arg-type]
        (
            lambda: encode_transfer(Transfer(handle=0), b"x", max_frame_size=True),
            EncodeError,
            "max_frame_size",
        ),
        (
            lambda: encode_transfer(Transfer(handle=0), memoryview(b"abcdef")[::2], max_frame_size=512),
            EncodeError,
            "payload",
        ),
        (
            lambda: encode_frame(forced(Transfer(handle=0), state=object())),
            UnsupportedTypeError,
            "transfer.state",
        ),
        (
            lambda: encode_frame(
                Transfer(handle=0, state=forced(TransactionalState(txn_id=b"t"), txn_id=object()))
            ),
            UnsupportedTypeError,
            "transfer.state.txn_id",
        ),
        (
            lambda: encode_frame(Attach(name="l", handle=0, role=Role.SENDER, properties={"k": [object()]})),
            UnsupportedTypeError,
            "attach.properties[Symbol('k')][0]",
        ),
    ],
)
def test_encode_frame_errors(call: Callable[[], Any], error_class: type[Exception], path: str) -> None:
    with pytest.raises(error_class) as info:
        call()
    assert info.value.path == path  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- encode_transfer


def test_encode_transfer_splits_a_delivery() -> None:
    transfer = Transfer(handle=1, delivery_id=7, delivery_tag=b"tag", message_format=0, settled=True)
    payload = bytes(range(256)) * 4
    frames = encode_transfer(transfer, payload, channel=2, max_frame_size=512)
    assert len(frames) == 3 and all(len(f) <= 512 for f in frames) and len(frames[0]) == len(frames[1]) == 512
    events = read_all_ways(b"".join(frames), expect_header=False)
    first, middle, last = (e.performative for e in events)
    assert first == transfer.replace(more=True)
    assert middle == Transfer(handle=1, settled=True, more=True)
    assert last == Transfer(handle=1, settled=True)
    assert b"".join(e.payload for e in events) == payload
    assert {e.channel for e in events} == {2}
    (delivery,) = [d for d in map(TransferAssembler().feed, events) if d is not None]
    assert delivery == Delivery(2, 1, 7, b"tag", 0, True, None, payload)


def test_encode_transfer_single_frame_is_as_given() -> None:
    transfer = Transfer(handle=0, delivery_id=1, delivery_tag=b"t")
    assert encode_transfer(transfer, b"abc", max_frame_size=512) == [encode_frame(transfer, 0, b"abc")]
    assert encode_transfer(transfer, b"", max_frame_size=512) == [encode_frame(transfer)]
    streaming = transfer.replace(more=True)  # the caller's more stays on the last frame
    frames = encode_transfer(streaming, b"x" * 1000, max_frame_size=512)
    assert all(e.performative.more for e in read_all_ways(b"".join(frames), expect_header=False))


def test_encode_transfer_too_small() -> None:
    transfer = Transfer(handle=0, delivery_id=1, delivery_tag=b"t" * 200)
    with pytest.raises(EncodeError) as info:
        encode_transfer(transfer, b"x" * 1000, max_frame_size=200)
    assert info.value.condition == "amqp:frame-size-too-small"
    with pytest.raises(UnsupportedTypeError):
        encode_transfer(Close(), b"", max_frame_size=512)  # type: ignore[arg-type]


@given(
    payload=st.binary(max_size=3000),
    max_frame_size=st.integers(40, 700),
    settled=st.sampled_from([None, False, True]),
    handle=st.integers(0, 2**32 - 1),
)
def test_encode_transfer_reassembles(
    payload: bytes, max_frame_size: int, settled: bool | None, handle: int
) -> None:
    transfer = Transfer(
        handle=handle, delivery_id=2**32 - 1, delivery_tag=b"tag", message_format=0, settled=settled
    )
    frames = encode_transfer(transfer, payload, max_frame_size=max_frame_size)
    assert all(len(frame) <= max_frame_size for frame in frames)
    reader = FrameReader(expect_header=False)
    reader.feed(b"".join(frames))
    assembler = TransferAssembler()
    results = [assembler.feed(event) for event in reader]
    assert results[:-1] == [None] * (len(frames) - 1)
    assert results[-1] == Delivery(0, handle, 2**32 - 1, b"tag", 0, bool(settled), None, payload)


# --------------------------------------------------------------------------- find_frame_boundary


def test_find_frame_boundary_in_junk() -> None:
    junk = b"\x00\x00\x00\x08\x02\x00garbage\x00\x53\x10 more junk \x00\x00"
    frames = [OPEN, encode_frame(Flow(incoming_window=1, next_outgoing_id=0, outgoing_window=1), 3), CLOSE]
    data = junk + b"".join(frames)
    assert find_frame_boundary(data, 0) == len(junk)
    assert find_frame_boundary(data, len(junk) + 1) == len(junk) + len(OPEN)
    assert find_frame_boundary(bytearray(data), len(junk) + len(OPEN) + 1) == len(data) - len(CLOSE)
    assert find_frame_boundary(memoryview(data), len(data) - len(CLOSE) + 1) is None
    assert find_frame_boundary(junk, 0) is None
    assert find_frame_boundary(b"", 0) is None
    # A heartbeat alone is not a resync point (no performative to check), but may follow one.
    assert find_frame_boundary(HEARTBEAT + CLOSE + HEARTBEAT, 0) == 8


def test_find_frame_boundary_checks() -> None:
    sasl = INIT
    assert find_frame_boundary(b"xx" + sasl, 0) == 2
    # A SASL descriptor in an AMQP frame (and vice versa) is not plausible.
    assert find_frame_boundary(h("00000010 02 00 0000 00 53 44 c0 03 01 50 00"), 0) is None
    assert find_frame_boundary(h("0000000c 02 01 0000 00 53 18 45"), 0) is None
    # The ulong descriptor form (§1.2) is recognised.
    ulong_form = h("00000013 02 00 0000 00 80 0000000000000018 45")
    assert find_frame_boundary(b"x" + ulong_form, 0) == 1
    # A frame larger than the limits is not plausible.
    big = encode_frame(Transfer(handle=0), payload=b"x" * 600)
    assert find_frame_boundary(big, 0, limits=Limits(max_frame_size=512)) is None
    assert find_frame_boundary(big, 0) == 0
    # What follows a whole frame must be a frame, a protocol header or the end.
    assert find_frame_boundary(CLOSE + b"\xff" * 12, 0) is None
    assert find_frame_boundary(CLOSE + AMQP_HEADER, 0) == 0
    assert find_frame_boundary(CLOSE + CLOSE[:6], 0) == 0
    assert find_frame_boundary(CLOSE + h("ff 000000"), 0) is None
    assert find_frame_boundary(CLOSE + h("0000000c 02 00 0000 ffffffff"), 0) is None
    # A frame cut short by the end of the buffer is proposed once its descriptor is in.
    assert find_frame_boundary(b"z" + OPEN[:11], 0) == 1
    assert find_frame_boundary(b"z" + OPEN[:10], 0) is None


@given(junk=st.binary(max_size=64), start=st.integers(0, 80))
def test_find_frame_boundary_finds_a_frame_after_junk(junk: bytes, start: int) -> None:
    data = junk + CLOSE + OPEN
    found = find_frame_boundary(data, start)
    if start <= len(junk):
        assert found is not None and found <= len(junk)
        reader = FrameReader(expect_header=False)
        reader.feed(data[found:])
        if found == len(junk):
            assert [e.performative for e in reader] == [Close(), Open(container_id="client")]
    assert found is None or found >= start


# --------------------------------------------------------------------------- hostile input


def _frame(frame_type: int, doff: int, body: bytes) -> bytes:
    return struct.pack(">IBBH", 4 * doff + len(body), doff, frame_type, 0) + b"\x00" * (4 * doff - 8) + body


_PIECES = st.one_of(
    st.sampled_from([CLOSE, OPEN, HEARTBEAT, INIT, OUTCOME, AMQP_HEADER, SASL_HEADER]),
    st.builds(_frame, st.sampled_from([0, 0, 1, 7]), st.sampled_from([2, 2, 3]), st.binary(max_size=40)),
    # A known descriptor (transfer, detach, end, sasl-outcome ...) over a random list: typed with odd field types.
    st.builds(
        lambda frame_type, code, items: _frame(frame_type, 2, b"\x00\x53" + bytes([code]) + items),
        st.sampled_from([0, 1]),
        st.sampled_from([0x14, 0x16, 0x17, 0x18, 0x10, 0x44, 0x28]),
        st.builds(
            lambda count, raw: bytes([0xC0, len(raw) + 1, count]) + raw,
            st.integers(0, 12),
            st.binary(max_size=30),
        ),
    ),
    st.binary(min_size=1, max_size=12),
)


@given(
    pieces=st.lists(_PIECES, max_size=10),
    first=st.sampled_from([AMQP_HEADER, SASL_HEADER, b""]),
    bytewise=st.booleans(),
)
def test_hostile_streams_raise_only_codec_errors(pieces: list[bytes], first: bytes, bytewise: bool) -> None:
    # The error contract: nothing but an AMQPCodecError escapes FrameReader or TransferAssembler.
    data = first + b"".join(pieces)
    reader = FrameReader(limits=Limits(max_frame_size=512, max_depth=8), expect_header=bool(first))
    assembler = TransferAssembler(limits=Limits(max_message_size=64))
    chunks = [data[i : i + 1] for i in range(len(data))] if bytewise else [data]
    fatal = None
    try:
        for chunk in chunks:
            reader.feed(chunk)
            while True:
                try:
                    event = reader.next_event()
                except (FramingError, UnsupportedProtocolError):
                    raise
                except DecodeError as error:
                    assert error.offset is not None and error.frame_offset <= error.offset <= len(data)
                    continue
                if event is NEED_DATA:
                    break
                if isinstance(event, Frame):
                    try:
                        assembler.feed(event)
                    except DecodeError as error:
                        assert error.offset == event.offset
        reader.feed_eof()
    except (FramingError, UnsupportedProtocolError) as error:
        fatal = error
    except IncompleteError as error:
        assert error.offset is not None and error.offset < len(data)
    if fatal is not None:
        assert fatal.offset is not None and fatal.offset < len(data)
        with pytest.raises(type(fatal)):
            reader.next_event()
