"""The compiled content assembler and reader iterator against their references (0-9-1
§4.2.6, §4.2.3).

``ContentAssembler.feed`` takes the usual sequence through the compiled ``feed091``
and everything else through its own Python code; ``iter(FrameReader)`` is the compiled
``frames091`` iterator, the reference a generator over ``next_event()``.  Here generated
programs of events (content methods, headers, bodies, interleaved channels,
heartbeats, protocol headers, sequence faults, limits reached, ``discard``, odd field
values and non-events) run on both backends: the same messages or the same errors
with the same attributes, and the same assembler state after every step (equal,
pickled and copied alike).  Streams of frames, whole and in chunks, mutated, give the
same events and errors through iteration on both.
"""

from __future__ import annotations

import copy
import functools
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec._backend import use_backend
from amqpcodec.amqp091.assembler import ContentAssembler
from amqpcodec.amqp091.frames import (
    NEED_DATA,
    BodyFrame,
    HeaderFrame,
    HeartbeatFrame,
    MethodFrame,
    ProtocolHeader,
)
from amqpcodec.amqp091.methods import BasicAck, BasicDeliver, BasicGetOk, BasicPublish, BasicQos, ChannelClose
from amqpcodec.amqp091.properties import BasicProperties
from amqpcodec.amqp091.reader import FrameReader
from amqpcodec.amqp091.writer import encode_body, encode_content_header, encode_heartbeat, encode_method
from amqpcodec.limits import DEFAULT_LIMITS, Limits
from tests.helpers.amqp091_backends import BACKENDS, outcome091, same091
from tests.helpers.amqp091_streams import chunks_of

pytestmark = pytest.mark.skipif(len(BACKENDS) < 2, reason="the compiled backend is not built")

SMALL = Limits(max_message_size=16)
_METHODS = (
    BasicDeliver(consumer_tag="c", delivery_tag=7, exchange="x", routing_key="r"),
    BasicPublish(exchange="x", routing_key="r"),
    BasicGetOk(delivery_tag=1, exchange="", routing_key="q", message_count=0),
    BasicAck(delivery_tag=1),
    BasicQos(prefetch_count=5),
    ChannelClose(reply_code=200, reply_text="", class_id=0, method_id=0),
)
_PROPERTIES = (BasicProperties(), BasicProperties(content_type="text/plain", headers={"a": 1}))
_CHANNELS = st.integers(0, 2)

# One step of a program: an event to feed, a channel to discard, or a value that is no event.
_STEPS = st.one_of(
    st.tuples(st.just("method"), _CHANNELS, st.sampled_from(_METHODS)),
    st.tuples(
        st.just("header"),
        _CHANNELS,
        st.sampled_from([60, 60, 60, 50, True, 60.0]),
        st.sampled_from([0, 0, 0, 1, False]),
        st.sampled_from([0, 1, 5, 12, 40, 2**63, 2**64 - 1, -1]),
        st.sampled_from((*_PROPERTIES, None)),
    ),
    st.tuples(st.just("body"), _CHANNELS, st.sampled_from([b"", b"a", b"abcd", b"x" * 12, bytearray(b"ab")])),
    st.tuples(st.just("heartbeat")),
    st.tuples(st.just("protocol header")),
    st.tuples(st.just("discard"), _CHANNELS),
    st.tuples(st.just("no event")),
)


def _event(step: tuple[Any, ...], offset: int) -> Any:
    kind = step[0]
    if kind == "method":
        return MethodFrame(offset, step[1], step[2])
    if kind == "header":
        return HeaderFrame(offset, *step[1:])
    if kind == "body":
        return BodyFrame(offset, step[1], step[2])
    if kind == "heartbeat":
        return HeartbeatFrame(offset)
    if kind == "protocol header":
        return ProtocolHeader(offset, 0, major=0, minor=9, revision=1)
    return ("not", "an event")


def _state(assembler: ContentAssembler) -> tuple[Any, ...]:
    """What the assembler holds, as the reference's own equality, repr and pickle see it."""
    return (
        repr(assembler),
        sorted(assembler.pending_channels),
        pickle.loads(pickle.dumps(assembler)) == assembler,
        copy.copy(assembler) == assembler,
    )


def _run(program: list[tuple[Any, ...]], limits: Limits) -> list[Any]:
    assembler = ContentAssembler(limits=limits)
    found: list[Any] = []
    for offset, step in enumerate(program):
        if step[0] == "discard":
            found.append(outcome091(functools.partial(assembler.discard, step[1])))
        else:
            found.append(outcome091(functools.partial(assembler.feed, _event(step, offset))))
        found.append(_state(assembler))
    found.append(pickle.loads(pickle.dumps(assembler)))
    return found


def _agree(program: list[tuple[Any, ...]], limits: Limits) -> list[Any]:
    pure, compiled = BACKENDS
    with use_backend(pure):
        expected = _run(program, limits)
    with use_backend(compiled):
        found = _run(program, limits)
    assert len(expected) == len(found)
    for one, other in zip(expected[:-1], found[:-1]):
        if one[0] == "value" or isinstance(one[0], type):
            assert same091(one, other), (program, one, other)
        else:
            assert one == other, (program, one, other)
    assert expected[-1] == found[-1]
    return expected


@settings(max_examples=200, deadline=None)
@given(program=st.lists(_STEPS, max_size=14), limits=st.sampled_from([DEFAULT_LIMITS, SMALL]))
def test_generated_programs_assemble_alike(program: list[tuple[Any, ...]], limits: Limits) -> None:
    _agree(program, limits)


def _content(channel: int, body: bytes, *pieces: int) -> list[tuple[Any, ...]]:
    steps: list[tuple[Any, ...]] = [
        ("method", channel, _METHODS[0]),
        ("header", channel, 60, 0, len(body), _PROPERTIES[1]),
    ]
    at = 0
    for size in pieces:
        steps.append(("body", channel, body[at : at + size]))
        at += size
    return steps


@pytest.mark.parametrize(
    "program",
    [
        _content(1, b"hello", 5),
        _content(1, b"hello world", 3, 0, 8),
        [*_content(1, b"abcdef", 2)[:3], ("heartbeat",), *_content(2, b"xyz", 3), ("body", 1, b"cdef")],
        [*_content(1, b"abcdef", 2), ("method", 1, _METHODS[3]), ("body", 1, b"cd")],  # a method mid-content
        [*_content(1, b"abcdef", 2), ("discard", 1), ("body", 1, b"cdef"), ("method", 1, _METHODS[4])],
        [*_content(1, b"abc", 2), ("body", 1, b"cd")],  # past the body size
        [("header", 1, 60, 0, 3, _PROPERTIES[0]), ("body", 1, b"abc")],  # no method
        [*_content(1, b"", 0), ("header", 1, 60, 0, 0, _PROPERTIES[0])],
        [*_content(1, b"a" * 20, 10)],  # over max_message_size=16 at the header
        [*_content(1, b"a" * 14, 7), *_content(2, b"b" * 14, 7), ("body", 1, b"a" * 7)],  # held past 16
    ],
)
def test_hand_picked_programs_assemble_alike(program: list[tuple[Any, ...]]) -> None:
    for limits in (DEFAULT_LIMITS, SMALL):
        _agree(program, limits)


# --------------------------------------------------------------------------- iteration


def _frames(parts: list[tuple[Any, ...]]) -> bytes:
    out = []
    for part in parts:
        if part[0] == "method":
            out.append(encode_method(part[2], channel=part[1]))
        elif part[0] == "header":
            out.append(encode_content_header(part[5] or _PROPERTIES[0], 3, channel=part[1]))
        elif part[0] == "body":
            out.append(encode_body(bytes(part[2]), channel=part[1]))
        else:
            out.append(encode_heartbeat())
    return b"".join(out)


def _iterate(pieces: list[bytes], expect_header: bool, limits: Limits) -> list[Any]:
    """Every event iteration gives, piece after piece, with faults and the reader's end state."""
    reader = FrameReader(expect_header=expect_header, limits=limits)
    found: list[Any] = []
    for piece in pieces:
        step = outcome091(functools.partial(reader.feed, piece))
        if step[0] != "value":
            found.append(step)
            break
        iterator = iter(reader)
        while True:
            step = outcome091(functools.partial(next, iterator, NEED_DATA))
            found.append(step)
            if step[0] != "value" or step[1] is NEED_DATA:
                break
        found.append(outcome091(functools.partial(list, iterator)))  # an iterator at its end stays there
    found.append((reader.offset, reader.buffered, repr(reader)))
    found.append(outcome091(reader.feed_eof))
    return found


def _iterate_alike(
    data: bytes, seed: int, expect_header: bool = False, limits: Limits = DEFAULT_LIMITS
) -> None:
    for pieces in ([data], chunks_of(data, seed, most=9)):
        pure, compiled = BACKENDS
        with use_backend(pure):
            expected = _iterate(pieces, expect_header, limits)
        with use_backend(compiled):
            found = _iterate(pieces, expect_header, limits)
        assert len(expected) == len(found), (expected, found)
        for one, other in zip(expected, found):
            assert same091(one, other) if one and one[0] == "value" else one == other, (one, other)


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(_STEPS, max_size=6), seed=st.integers(0, 1000), data=st.data())
def test_iterated_streams_read_alike(parts: list[tuple[Any, ...]], seed: int, data: st.DataObject) -> None:
    stream = _frames([part for part in parts if part[0] in ("method", "header", "body", "heartbeat")])
    _iterate_alike(stream, seed)
    if stream:
        at = data.draw(st.integers(0, len(stream) - 1))
        mutated = bytearray(stream)
        mutated[at] = data.draw(st.integers(0, 255))
        _iterate_alike(bytes(mutated), seed, limits=Limits(max_frame_size=512))


@pytest.mark.parametrize(
    ("stream", "expect_header"),
    [
        (b"AMQP\x00\x00\x09\x01" + encode_heartbeat(), True),
        (b"AMQP\x00\x00\x09\x01" + encode_heartbeat(), False),  # a server's refusal
        (encode_heartbeat() + b"AMQP\x00\x00\x09\x01", False),  # a header after the opening
        (b"HTTP/1.1 200 OK\r\n", False),
        (b"\x08\x00\x01\x00\x00\x00\x00\xce", False),  # a heartbeat on channel 1: one frame's fault
        (b"\x03\x00\x01\x00\x00\x00\x02ab\x00", False),  # a bad frame-end octet
        (b"", False),
    ],
)
def test_openings_and_faults_iterate_alike(stream: bytes, expect_header: bool) -> None:
    _iterate_alike(stream, 0, expect_header=expect_header)


def test_a_subclass_is_iterated_through_its_next_event() -> None:
    """As the reference's generator calls ``next_event``, so does the compiled iterator for
    a reader class that overrides it."""

    class Counting(FrameReader):
        calls = 0

        def next_event(self) -> Any:
            Counting.calls += 1
            return super().next_event()

    for backend in BACKENDS:
        Counting.calls = 0
        with use_backend(backend):
            reader = Counting(expect_header=False)
            reader.feed(encode_heartbeat() * 3)
            assert len(list(reader)) == 3
        assert Counting.calls == 4, backend.name


def test_a_subclass_of_the_assembler_takes_its_own_steps() -> None:
    """The compiled step takes a ``ContentAssembler`` itself only: a subclass's steps run."""

    class Counting(ContentAssembler):
        __slots__ = ()
        calls = 0

        def _method(self, event: MethodFrame) -> None:
            Counting.calls += 1
            super()._method(event)

    for backend in BACKENDS:
        Counting.calls = 0
        with use_backend(backend):
            assert Counting().feed(MethodFrame(0, 1, _METHODS[0])) is None
        assert Counting.calls == 1, backend.name
