"""Hostile input for the 0-9-1 frame reader and assembler: any bytes give events or an
amqpcodec error (never IndexError, struct.error, a hang ...), damaged real streams, and
regressions for wire-behaviour bugs of other 0-9-1 codecs (each named with its peer)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec import AMQPCodecError, DecodeError, FramingError, IncompleteError, UnsupportedProtocolError
from amqpcodec.amqp091.assembler import ContentAssembler
from amqpcodec.amqp091.frames import NEED_DATA, HeaderFrame, HeartbeatFrame
from amqpcodec.amqp091.values import Timestamp
from tests.helpers.amqp091_streams import HEARTBEAT, connection_streams, error_all_ways, h, new_reader

STREAMS = connection_streams()


def drain(data: bytes, pieces: list[bytes], expect_header: bool) -> list[Any]:
    """Feed ``pieces``, collecting events and errors; stop at a fatal error."""
    reader = new_reader(expect_header=expect_header)
    assembler = ContentAssembler()
    seen: list[Any] = []
    for piece in pieces:
        try:
            reader.feed(piece)
        except (FramingError, UnsupportedProtocolError) as error:
            seen.append(error)
            return seen
        for _ in range(len(data) + 2):  # a bound: each call consumes bytes or stops
            try:
                event = reader.next_event()
            except (FramingError, UnsupportedProtocolError) as error:
                seen.append(error)
                return seen
            except DecodeError as error:
                assert not isinstance(error, IncompleteError)
                assert error.offset is not None and error.frame_offset is not None  # type: ignore[attr-defined]
                seen.append(error)
                continue
            if event is NEED_DATA:
                break
            seen.append(event)
            try:
                assembler.feed(event)
            except DecodeError as error:
                seen.append(error)
        else:
            pytest.fail("the reader neither consumed bytes nor asked for more")
    try:
        reader.feed_eof()
    except AMQPCodecError as error:
        seen.append(error)
    return seen


@settings(max_examples=150)
@given(st.binary(max_size=120), st.booleans())
def test_any_bytes(data: bytes, expect_header: bool) -> None:
    drain(data, [data], expect_header)


@settings(max_examples=100)
@given(
    st.sampled_from([(STREAMS.client, True), (STREAMS.server, False)]),
    st.lists(st.tuples(st.integers(0, 30_000), st.integers(0, 255)), min_size=1, max_size=4),
    st.integers(1, 3000),
)
def test_damaged_real_streams(stream: tuple[bytes, bool], damage: list[tuple[int, int]], cut: int) -> None:
    data, expect_header = stream
    damaged = bytearray(data)
    for at, value in damage:
        damaged[at % len(damaged)] = value
    raw = bytes(damaged)
    whole = drain(raw, [raw], expect_header)
    chunked = drain(raw, [raw[i : i + cut] for i in range(0, len(raw), cut)], expect_header)
    assert [type(item) for item in whole] == [type(item) for item in chunked]
    assert [getattr(item, "offset", None) for item in whole] == [
        getattr(item, "offset", None) for item in chunked
    ]


# --------------------------------------------------------------------------- peers' bugs


def test_incomplete_and_corrupt_are_told_apart() -> None:
    # pika, pamqp and py-amqp raise the same exception for a frame cut short and a corrupt
    # one; here a cut frame is NEED_DATA (IncompleteError only at the end of the stream)
    # and a corrupt one a DecodeError that is not an IncompleteError.
    cut = h("01 0000 0000000c  000a 001e  07ff")
    reader = new_reader(expect_header=False)
    reader.feed(cut)
    assert reader.next_event() is NEED_DATA
    corrupt = h("01 0000 00000004  0063 0001  ce")
    reader = new_reader(expect_header=False)
    reader.feed(corrupt)
    with pytest.raises(DecodeError) as info:
        reader.next_event()
    assert not isinstance(info.value, IncompleteError)


def test_lying_sizes_inside_payloads_are_decode_errors() -> None:
    # py-amqp leaks struct.error on sizes that point past the payload.
    for frame in (
        h("01 0000 00000009  000a 0014  7fffffff 41  ce"),  # connection.secure: a longstr size
        h("02 0001 00000012  003c 0000 0000000000000000 2000  ffffffff  ce"),  # headers: a table size
    ):
        reader = new_reader(expect_header=False)
        reader.feed(frame + HEARTBEAT)
        with pytest.raises(DecodeError) as info:
            reader.next_event()
        assert not isinstance(info.value, IncompleteError)
        assert reader.next_event() == HeartbeatFrame(len(frame))


def test_amqp_1_0_header_from_a_server_is_not_read_as_0_9_1() -> None:
    # pika reads an AMQP 1.0 header sent back by the server as a 0-9-1 one.
    error, events = error_all_ways(h("414d5150 00 01 00 00"), UnsupportedProtocolError, expect_header=False)
    assert events == [] and "AMQP 1.0" in str(error)


def test_out_of_range_timestamp_does_not_break_the_frame() -> None:
    # pika raises inside its frame decoder on a timestamp datetime cannot hold, dropping the
    # connection; here the header frame decodes (the value stays an integer).
    frame = h("02 0001 00000016  003c 0000 0000000000000000 0040  ffffffffffffffff  ce")
    reader = new_reader(expect_header=False)
    reader.feed(frame)
    event = reader.next_event()
    assert isinstance(event, HeaderFrame)
    assert event.properties.timestamp == Timestamp(2**64 - 1)
