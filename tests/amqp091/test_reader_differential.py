"""The AMQP 0-9-1 frame reader on both backends (§4.2.3): with the compiled backend each
``next_event()`` first tries the compiled ``next_frame091``; its events (offsets, channels,
methods, headers, bodies, heartbeats) and its errors (class, message, ``offset``,
``frame_offset``, ``reply_code``, ``channel``, ``frame_type``, ids) must be the pure
reader's, for realistic streams, generated frames, and those streams cut and mutated,
fed whole, byte by byte and in random chunks, under tight limits and a frame_max.  The
writers (``encode_method``, ``encode_content_header``, ``encode_message``) too.  Skipped
when the compiled backend is not built.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec._backend import use_backend
from amqpcodec.amqp091 import methods as m
from amqpcodec.amqp091._method_strategies import basic_properties, methods
from amqpcodec.amqp091.frames import NEED_DATA, BodyFrame, HeaderFrame, HeartbeatFrame, MethodFrame
from amqpcodec.amqp091.methods import Method
from amqpcodec.amqp091.properties import BasicProperties
from amqpcodec.amqp091.writer import (
    encode_body,
    encode_content_header,
    encode_frame,
    encode_heartbeat,
    encode_message,
    encode_method,
)
from amqpcodec.errors import AMQPCodecError
from amqpcodec.limits import DEFAULT_LIMITS, Limits
from tests.helpers.amqp091_backends import BACKENDS, both, outcome091, same091
from tests.helpers.amqp091_streams import chunks_of, connection_streams, new_reader, read_all_ways

pytestmark = pytest.mark.skipif(len(BACKENDS) < 2, reason="the compiled backend is not built")

TIGHT = Limits(max_frame_size=512, max_depth=2, max_container_items=3, max_map_entries=2)


def trace(
    pieces: list[bytes], limits: Limits = DEFAULT_LIMITS, expect_header: bool = False, frame_max: int = 0
) -> list[Any]:
    """Every event read from ``pieces`` fed one after another, then what ends the reading
    (NEED_DATA, or the error's outcome, after which the reader is asked once more)."""
    reader = new_reader(limits, expect_header, frame_max)
    found: list[Any] = []
    for piece in pieces:
        try:
            reader.feed(piece)
        except AMQPCodecError:
            found.append(outcome091(functools.partial(reader.feed, piece)))
            break
        while True:
            step = outcome091(reader.next_event)
            if step[0] != "value":
                found.append(step)
                found.append(outcome091(reader.next_event))  # faults in one frame are not fatal
                break
            if step[1] is NEED_DATA:
                break
            found.append(step[1])
    found.append((reader.offset, reader.buffered))
    found.append(outcome091(reader.feed_eof))
    return found


def trace_both(data: bytes, seed: int = 0, **options: Any) -> list[Any]:
    """``trace`` on each backend, whole, byte by byte and in random chunks: all the same."""
    results = []
    for pieces in ([data], [data[i : i + 1] for i in range(len(data))], chunks_of(data, seed)):
        pure, compiled = BACKENDS
        with use_backend(pure):
            expected = trace(pieces, **options)
        with use_backend(compiled):
            found = trace(pieces, **options)
        assert len(expected) == len(found), (expected, found)
        for one, other in zip(expected, found):
            if isinstance(one, tuple) and one and (one[0] == "value" or isinstance(one[0], type)):
                assert same091(one, other), (one, other)
            else:
                assert one == other and repr(one) == repr(other), (one, other)
        results.append(expected)
    return results[0]


def frames_of(parts: list[tuple[str, Any]], channel: int) -> bytes:
    out = []
    for kind, value in parts:
        if kind == "method":
            out.append(encode_method(value, channel=channel))
        elif kind == "header":
            out.append(encode_content_header(value, 5, channel=channel))
        elif kind == "body":
            out.append(encode_body(value, channel=channel))
        else:
            out.append(encode_heartbeat())
    return b"".join(out)


_PARTS = st.lists(
    st.one_of(
        st.tuples(st.just("method"), methods()),
        st.tuples(st.just("header"), basic_properties()),
        st.tuples(st.just("body"), st.binary(max_size=40)),
        st.tuples(st.just("heartbeat"), st.none()),
    ),
    max_size=5,
)


# --------------------------------------------------------------------------- streams


@pytest.mark.parametrize("frame_max", [4096, 131072])
def test_a_connections_streams_read_alike(frame_max: int) -> None:
    streams = connection_streams(frame_max)
    for data, expect_header in ((streams.client, True), (streams.server, False)):
        events = []
        for backend in BACKENDS:
            with use_backend(backend):
                events.append(
                    read_all_ways(data, expect_header=expect_header, frame_max=frame_max, bytewise=False)
                )
        assert events[0] == events[1] and repr(events[0]) == repr(events[1])


@settings(max_examples=100)
@given(_PARTS, st.integers(0, 65535))
def test_generated_frames_read_alike(parts: list[tuple[str, Any]], channel: int) -> None:
    trace_both(frames_of(parts, channel))


@settings(max_examples=150)
@given(_PARTS, st.data())
def test_cut_and_mutated_streams_read_alike(parts: list[tuple[str, Any]], data: st.DataObject) -> None:
    wire = bytearray(frames_of(parts, 1) + encode_heartbeat())
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(wire) - 1))
        wire[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(wire)))
    options = data.draw(st.sampled_from([{}, {"limits": TIGHT}, {"frame_max": 20}, {"expect_header": True}]))
    trace_both(bytes(wire[:cut]), **options)
    trace_both(bytes(wire), **options)


@pytest.mark.parametrize(
    "hexed",
    [
        "08 0000 00000000 ce",  # heartbeat
        "08 0001 00000000 ce",  # heartbeat on a channel
        "08 0000 00000001 00 ce",  # heartbeat with a payload
        "03 0001 00000002 6869 cf",  # bad frame end
        "03 0001 00000002 6869",  # frame end missing
        "09 0001 00000000 ce",  # unknown type
        "41 4d5150 00000901",  # a protocol header after the opening
        "01 0001 00000004 003c 00ff ce 08 0000 00000000 ce",  # unknown method, then a heartbeat
        "02 0001 0000000e 003c 0000 0000000000000000 0001 ce",  # continuation bit
        "03 0001 00000011 " + "00" * 17 + " ce",  # a body over frame_max 24
        "01 0001 00000011 " + "00" * 17 + " ce",  # a method frame over frame_max 24 (allowed)
        "03 0001 7fffffff",  # a body over max_frame_size
        "01 0001 7fffffff",  # a method over max_frame_size
    ],
)
def test_hand_picked_frames_read_alike(hexed: str) -> None:
    data = bytes.fromhex(hexed.replace(" ", ""))
    trace_both(data)
    trace_both(data, frame_max=24)
    trace_both(data, limits=TIGHT)


def test_events_are_the_classes_of_the_frame_layer() -> None:
    data = frames_of(
        [
            ("method", m.BasicDeliver(consumer_tag="c", delivery_tag=1, exchange="", routing_key="r")),
            ("header", BasicProperties(content_type="t")),
            ("body", b"hello"),
            ("heartbeat", None),
        ],
        3,
    )
    with use_backend(BACKENDS[1]):
        events = trace([data])
    assert [type(event) for event in events[:4]] == [MethodFrame, HeaderFrame, BodyFrame, HeartbeatFrame]
    assert [event.offset for event in events[:4]] == [0, 26, 26 + 24, 50 + 13]


# --------------------------------------------------------------------------- writers


@settings(max_examples=100)
@given(methods(), st.integers(0, 65535))
def test_method_frames_encode_alike(method: Method, channel: int) -> None:
    frame = both(lambda: encode_method(method, channel=channel))
    assert frame[0] == "value"
    both(lambda: encode_frame(MethodFrame(0, channel, method)))


@settings(max_examples=100)
@given(basic_properties(), st.integers(0, 2**64 - 1), st.integers(0, 65535))
def test_header_frames_encode_alike(properties: BasicProperties, body_size: int, channel: int) -> None:
    assert both(lambda: encode_content_header(properties, body_size, channel=channel))[0] == "value"
    both(lambda: encode_content_header(None, body_size, channel=channel, class_id=10))


@settings(max_examples=100)
@given(
    methods(m.BasicPublish) | methods(m.BasicDeliver) | methods(m.BasicReturn) | methods(m.BasicGetOk),
    st.none() | basic_properties(),
    st.binary(max_size=600),
    st.sampled_from([0, 9, 10, 64, 131072]),
    st.sampled_from([bytes, bytearray, memoryview]),
)
def test_messages_encode_alike(
    method: Method, properties: BasicProperties | None, body: bytes, frame_max: int, kind: type
) -> None:
    payload = kind(body)
    frames = both(lambda: encode_message(method, properties, payload, channel=1, frame_max=frame_max))
    if frames[0] == "value":
        with use_backend(BACKENDS[1]):
            events = trace([b"".join(frames[1])], frame_max=frame_max)
        assert b"".join(event.payload for event in events if isinstance(event, BodyFrame)) == body


@pytest.mark.parametrize(
    "arguments",
    [
        (m.BasicAck(delivery_tag=1), None, b"x", 1, 0),  # no content
        (m.BasicPublish(), None, b"x", -1, 0),  # channel
        (m.BasicPublish(), None, b"x", 65536, 0),
        (m.BasicPublish(), None, b"x", True, 0),
        (m.BasicPublish(), None, b"x", 1, 8),  # frame_max too small
        (m.BasicPublish(), None, b"x", 1, -1),
        (m.BasicPublish(), None, b"x", 1, True),
        (m.BasicPublish(), None, b"x", 1, 2**32),
        (m.BasicPublish(), None, "text", 1, 0),  # body type
        (m.BasicPublish(exchange="e" * 200), None, b"x", 1, 100),  # method frame over frame_max
        (m.BasicPublish(), BasicProperties(content_type="t" * 200), b"x", 1, 100),  # header over it
        (m.BasicPublish(), BasicProperties(), b"", 1, 0),  # no body frame
        (m.BasicPublish(), "not properties", b"x", 1, 0),
        ("not a method", None, b"x", 1, 0),
    ],
    ids=repr,
)
def test_message_refusals_and_corners_are_alike(arguments: tuple[Any, ...]) -> None:
    method, properties, body, channel, frame_max = arguments
    both(lambda: encode_message(method, properties, body, channel=channel, frame_max=frame_max))


@pytest.mark.parametrize("channel", [-1, 65536, True, "1", None])
def test_channel_refusals_are_alike(channel: Any) -> None:
    both(lambda: encode_method(m.BasicAck(delivery_tag=1), channel=channel))
    both(lambda: encode_content_header(None, 1, channel=channel))
