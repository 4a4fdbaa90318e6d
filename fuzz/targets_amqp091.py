"""The AMQP 0-9-1 fuzz targets: field tables, the frame reader and the content assembler,
each run on both backends side by side (the helpers and the contract are
:mod:`fuzz.targets`').

Strategy: every ``check_amqp091_<harness>(data)`` runs its layer once per backend (the
field-table codec exists twice, pure and compiled, reached through
:func:`~fuzz.targets.using`; the other layers are shared) and raises
:class:`~fuzz.targets.ContractBreach` when

- anything but an :class:`~amqpcodec.errors.AMQPCodecError` escapes, or an error's
  ``offset`` lies outside the input (its ``frame_offset`` after its ``offset``);
- accepted bytes do not re-encode to the very same bytes (the 0-9-1 codec is lossless:
  ``encode_table(decode_table(b)) == b``, every frame event re-encodes with
  ``encode_frame`` to the bytes it was read from, AMQP 0-9-1 §4.2.3-4.2.6);
- two readings that must agree do not: whole and chunked streams, a table alone and
  inside a method or content header, an assembler and its pickled or copied twin, or the
  two backends (value, or error class, offset, limit and 0-9-1 attributes).

Harness inputs (so a seed corpus can be written by hand):

- ``amqp091_tables``: one field table (§4.2.5.5, RabbitMQ errata §3), its 4-byte size
  first; decoded under default and tight limits, as ``bytes`` and as a ``bytearray``,
  and as queue.declare's ``arguments`` and a content header's ``headers``.
- ``amqp091_frames``: byte 0 holds flags (bit 0: no protocol header expected, a server's
  stream; bit 1: tight limits; bits 2-3: ``frame_max`` 0, 512, 4096 or 9; bit 4:
  ``max_depth`` 1 + bits 5-6), byte 1 seeds the chunking, the rest is the stream (§4.2.2,
  §4.2.3), read whole and in random chunks; the whole reading also feeds a
  :class:`~amqpcodec.amqp091.ContentAssembler`.
- ``amqp091_assembler``: a program of frames for a
  :class:`~amqpcodec.amqp091.ContentAssembler` (:func:`assembler_steps`).
"""

from __future__ import annotations

import copy
import json
import pickle
import random
import struct
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from amqpcodec import DEFAULT_LIMITS, Limits
from amqpcodec.amqp091 import (
    NEED_DATA,
    BasicProperties,
    BodyFrame,
    ContentAssembler,
    FrameReader,
    HeaderFrame,
    HeartbeatFrame,
    Message,
    MethodFrame,
    ProtocolHeader,
    decode_content_header,
    decode_method,
    decode_table,
    encode_content_header,
    encode_frame,
    encode_table,
)
from amqpcodec.amqp091 import methods as m
from amqpcodec.amqp091.methods import Method
from amqpcodec.errors import (
    AMQPCodecError,
    FramingError,
    IncompleteError,
    LimitExceededError,
    TrailingBytesError,
    UnsupportedProtocolError,
)
from amqpcodec.testing import same_value

from .targets import BACKENDS, Outcome, _agree, _breach, _check_copies, _decode_error, _show, using

__all__ = [
    "ASSEMBLER_LIMITS",
    "HARNESSES",
    "Step",
    "assembler_steps",
    "check_amqp091_assembler",
    "check_amqp091_frames",
    "check_amqp091_tables",
    "plain",
]

#: The 0-9-1 attributes an error carries besides the 1.0 ones (reply code, where).
_ERROR_ATTRIBUTES = ("reply_code", "channel", "frame_type", "class_id", "method_id")


def plain(value: Any) -> Any:
    """``value`` with every method, event and message made a tuple of its type and fields,
    so :func:`~amqpcodec.testing.same_value` compares them type for type (``==`` on a
    method compares its tables with ``==``, where a NaN differs from itself)."""
    if isinstance(value, Method):
        return (type(value), tuple(plain(item) for item in value.values()))
    if isinstance(value, MethodFrame):
        return ("method", value.offset, value.channel, plain(value.method))
    if isinstance(value, Message):
        return ("message", value.channel, plain(value.method), value.properties, value.body)
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(plain(item) for item in value)
    return value


def _error_outcome(
    harness: str,
    data: bytes,
    who: str,
    error: BaseException,
    start: int,
    end: int,
    *,
    check_pickle: bool = True,
) -> Outcome:
    """:func:`~fuzz.targets._decode_error`, plus the error's 0-9-1 attributes."""
    outcome = _decode_error(harness, data, who, error, start, end, check_pickle=check_pickle)
    return (*outcome, *(getattr(error, name, None) for name in _ERROR_ATTRIBUTES))


# --------------------------------------------------------------------------- tables

TIGHT_TABLES = Limits(max_depth=3, max_container_items=4, max_map_entries=4)
TABLE_LIMITS = (DEFAULT_LIMITS, TIGHT_TABLES)
#: queue.declare (§1.7.2.1, class 50 method 10): ticket 0, queue "q", no bits set; the
#: table under test is its ``arguments``.
_QUEUE_DECLARE = bytes.fromhex("0032 000a 0000 0171 00")
#: A basic content header (§4.2.6.1): class 60, weight 0, body size 0, only the
#: ``headers`` flag (bit 13); the table under test is its ``headers``.
_HEADERS_ONLY = bytes.fromhex("003c 0000 0000000000000000 2000")


def _table(who: str, data: bytes, limits: Limits) -> Outcome:
    """One table, decoded and re-encoded: the bytes must come back exactly."""
    try:
        value = decode_table(data, limits=limits)
    except Exception as error:
        outcome = _error_outcome("amqp091_tables", data, who, error, 0, len(data))
        if isinstance(error, TrailingBytesError):
            _lossless(who, data, data[: error.offset], error.value, limits)
        return outcome
    _lossless(who, data, data, value, limits)
    _check_copies("amqp091_tables", data, who, value)
    return ("table", value)


def _lossless(who: str, data: bytes, wire: bytes, value: Any, limits: Limits) -> None:
    try:
        encoded = encode_table(value, limits=limits)
        again = decode_table(encoded, limits=limits)
    except Exception as error:
        _breach("amqp091_tables", data, f"{who}: the decoded {_show(value)} does not round-trip: {error!r}")
    if encoded != wire:
        _breach(
            "amqp091_tables", data, f"{who}: {_show(value)} re-encodes to {encoded.hex()}, not {wire.hex()}"
        )
    if not same_value(again, value):
        _breach("amqp091_tables", data, f"{who}: {_show(value)} reads back as {_show(again)}")


def _embedded(
    who: str, data: bytes, table: Outcome, prefix: bytes, limits: Limits, what: str
) -> Callable[[Any], Any] | None:
    """Check that the payload ``prefix + data`` decodes as the table alone did (a table at
    the end of a complete payload: running short or trailing bytes are plain
    DecodeErrors at the same offset); returns a getter of the decoded payload."""
    payload = prefix + data
    try:
        decoded = (decode_method if what == "method" else decode_content_header)(payload, limits=limits)
    except Exception as error:
        outcome = _error_outcome("amqp091_tables", data, f"{who} in a {what}", error, 0, len(payload))
        if table[0] == "table":
            _breach("amqp091_tables", data, f"{who}: the table decodes alone, in a {what} {_show(outcome)}")
        name, offset = table[1], table[2]
        expected = "DecodeError" if name in ("IncompleteError", "TrailingBytesError") else name
        if (outcome[1], outcome[2]) != (expected, offset + len(prefix)):
            _breach(
                "amqp091_tables",
                data,
                f"{who}: alone the table gives {name} at {offset}; in a {what} {outcome[1]} at {outcome[2]}",
            )
        return None
    if table[0] != "table":
        _breach(
            "amqp091_tables", data, f"{who}: the table alone gives {_show(table)}, in a {what} it decodes"
        )
    return lambda check: check(decoded, payload)


def _in_method(who: str, data: bytes, table: Outcome, limits: Limits) -> None:
    def check(method: Any, payload: bytes) -> None:
        if not isinstance(method, m.QueueDeclare) or not same_value(method.arguments, table[1]):
            _breach("amqp091_tables", data, f"{who}: queue.declare decodes as {_show(method)}")
        frame = encode_frame(MethodFrame(0, 1, method))
        if frame[7:-1] != payload:
            _breach("amqp091_tables", data, f"{who}: queue.declare re-encodes as {frame[7:-1].hex()}")
        json.dumps(method.to_dict())

    checker = _embedded(who, data, table, _QUEUE_DECLARE, limits, "method")
    if checker is not None:
        checker(check)


def _in_header(who: str, data: bytes, table: Outcome, limits: Limits) -> None:
    def check(header: Any, payload: bytes) -> None:
        if not same_value(header.properties.headers, table[1]):
            _breach("amqp091_tables", data, f"{who}: a content header decodes as {_show(header)}")
        frame = encode_content_header(header.properties, 0, channel=1)
        if frame[7:-1] != payload:
            _breach("amqp091_tables", data, f"{who}: the content header re-encodes as {frame[7:-1].hex()}")

    checker = _embedded(who, data, table, _HEADERS_ONLY, limits, "content header")
    if checker is not None:
        checker(check)


def check_amqp091_tables(data: bytes) -> None:
    """One field table (§4.2.5.5), under default and tight limits: lossless when accepted;
    a ``bytearray`` reads as the ``bytes`` do; inside queue.declare's ``arguments`` and a
    content header's ``headers`` it reads as alone; the backends agree."""
    for limits in TABLE_LIMITS:
        outcomes = []
        for name, backend in BACKENDS:
            with using(backend):
                table = _table(name, data, limits)
                if limits is DEFAULT_LIMITS:
                    other = _table(f"{name} (bytearray)", bytearray(data), limits)  # type: ignore[arg-type]
                    if not same_value(other, table):
                        _breach("amqp091_tables", data, f"{name}: a bytearray gives {_show(other)}")
                _in_method(name, data, table, limits)
                _in_header(name, data, table, limits)
            outcomes.append((name, table))
        _agree("amqp091_tables", data, f"decode_table with {limits}", outcomes)


# --------------------------------------------------------------------------- frames

TIGHT_FRAMES = Limits(max_frame_size=512, max_depth=4, max_container_items=16, max_map_entries=8)
_FRAME_MAX = (0, 512, 4096, 9)
_CHUNK_SIZES = (1, 1, 2, 3, 4, 7, 8, 9, 13, 64, 4096)
_FRAME_HEADER = struct.Struct(">BH")


class FrameOptions(NamedTuple):
    """How ``check_amqp091_frames`` reads its stream (from the flags byte)."""

    expect_header: bool
    limits: Limits
    frame_max: int


def _options(flags: int) -> FrameOptions:
    limits = TIGHT_FRAMES if flags & 2 else DEFAULT_LIMITS
    if flags & 0x10:
        limits = Limits(max_depth=1 + (flags >> 5 & 3))
    return FrameOptions(not flags & 1, limits, _FRAME_MAX[flags >> 2 & 3])


def _check_frame_error(who: str, data: bytes, stream: bytes, error: BaseException) -> None:
    """A frame's error names the frame's type and channel as its header does (§4.2.3)."""
    frame_offset = error.__dict__.get("frame_offset")
    if frame_offset is None or isinstance(error, UnsupportedProtocolError):
        return
    if getattr(error, "reply_code", None) is None:
        _breach("amqp091_frames", data, f"{who}: {type(error).__name__} without a reply code: {error}")
    if frame_offset + 3 <= len(stream) and getattr(error, "frame_type", None) is not None:
        frame_type, channel = _FRAME_HEADER.unpack_from(stream, frame_offset)
        if error.frame_type != frame_type or getattr(error, "channel", None) not in (None, channel):
            _breach(
                "amqp091_frames",
                data,
                f"{who}: {type(error).__name__} names frame type {error.frame_type} channel "
                f"{getattr(error, 'channel', None)}; the header says {frame_type} {channel}: {error}",
            )


def _fatal(who: str, data: bytes, stream: bytes, reader: FrameReader, fatal: AMQPCodecError) -> Outcome:
    """A framing error or refused protocol header: raised again by every later call."""
    outcome = _error_outcome("amqp091_frames", data, who, fatal, 0, len(stream))
    _check_frame_error(who, data, stream, fatal)
    for again in (reader.next_event, lambda: reader.feed(b"\x08"), reader.feed_eof):
        try:
            again()
        except type(fatal) as repeated:
            if repeated.offset != fatal.offset:
                _breach("amqp091_frames", data, f"{who}: a fatal error came back at another offset")
        except Exception as error:
            _breach("amqp091_frames", data, f"{who}: after {fatal!r}, {error!r}")
        else:
            _breach("amqp091_frames", data, f"{who}: {type(fatal).__name__} was not raised again")
    return ("fatal", *outcome)


def _drain(who: str, data: bytes, stream: bytes, reader: FrameReader, log: list[Any]) -> bool:
    """Take the events now complete into ``log``; False once a fatal error ended the stream."""
    while True:
        try:
            event = reader.next_event()
        except (FramingError, UnsupportedProtocolError) as fatal:
            log.append(_fatal(who, data, stream, reader, fatal))
            return False
        except Exception as error:
            log.append(_error_outcome("amqp091_frames", data, who, error, 0, len(stream)))
            _check_frame_error(who, data, stream, error)
            continue
        if event is NEED_DATA:
            return True
        if not isinstance(event, (ProtocolHeader, MethodFrame, HeaderFrame, BodyFrame, HeartbeatFrame)):
            _breach("amqp091_frames", data, f"{who}: next_event() gave {_show(event)}")
        if not 0 <= event.offset < len(stream):
            _breach("amqp091_frames", data, f"{who}: {_show(event)} outside the stream")
        log.append(event)


def _read(
    who: str, data: bytes, stream: bytes, sizes: Iterator[int] | None, options: FrameOptions
) -> list[Any]:
    """What a reader makes of ``stream`` fed whole (``sizes`` None) or in chunks."""
    reader = FrameReader(limits=options.limits, expect_header=options.expect_header)
    reader.frame_max = options.frame_max
    log: list[Any] = []
    fed = 0
    while _drain(who, data, stream, reader, log):
        if fed >= len(stream):
            try:
                reader.feed_eof()
            except IncompleteError as error:
                log.append(("eof", *_error_outcome("amqp091_frames", data, who, error, 0, len(stream))))
            except Exception as error:
                _breach("amqp091_frames", data, f"{who}: feed_eof() raised {error!r}")
            break
        step = len(stream) if sizes is None else next(sizes)
        try:
            reader.feed(stream[fed : fed + step])
        except Exception as error:
            _breach("amqp091_frames", data, f"{who}: feed() raised {error!r}")
        fed += step
    return log


def _reencode(who: str, data: bytes, stream: bytes, log: list[Any]) -> None:
    """Every event re-encodes to exactly the bytes it was read from, and no two overlap."""
    end = 0
    for event in log:
        if type(event) is tuple:
            continue
        try:
            raw = encode_frame(event)
        except Exception as error:
            _breach("amqp091_frames", data, f"{who}: encode_frame({_show(event)}) raised {error!r}")
        read = stream[event.offset : event.offset + len(raw)]
        if raw != read:
            _breach(
                "amqp091_frames",
                data,
                f"{who}: {_show(event)} re-encodes to {raw.hex()}, read from {read.hex()}",
            )
        if event.offset < end:
            _breach("amqp091_frames", data, f"{who}: {_show(event)} overlaps the event before it")
        end = event.offset + len(raw)


def _chunk_sizes(rng: random.Random) -> Iterator[int]:
    while True:
        yield rng.choice(_CHUNK_SIZES)


def check_amqp091_frames(data: bytes) -> None:
    """A 0-9-1 stream (§4.2.2-4.2.7) read whole and in random chunks: the readings agree,
    every event re-encodes to its bytes, errors are codec errors inside the stream that
    name their frame, framing errors are fatal; the events then feed an assembler."""
    flags = data[0] if data else 0
    seed = data[1] if len(data) > 1 else 0
    stream = data[2:]
    options = _options(flags)
    logs = []
    for name, backend in BACKENDS:
        with using(backend):
            whole = _read(name, data, stream, None, options)
            chunked = _read(name, data, stream, _chunk_sizes(random.Random(seed)), options)
            if not same_value(plain(whole), plain(chunked)):
                _breach(
                    "amqp091_frames", data, f"{name}: read whole {_show(whole)}; in chunks {_show(chunked)}"
                )
            _reencode(name, data, stream, whole)
            events = [event for event in whole if type(event) is not tuple]
            assembled = _assemble(
                "amqp091_frames", name, data, [Step(event, None) for event in events], options.limits
            )
        logs.append((name, plain([whole, assembled])))
    _agree("amqp091_frames", data, "FrameReader events and assembled messages", logs)


# --------------------------------------------------------------------------- assembler

#: Small enough that one content, or several partial ones together, pass it.
ASSEMBLER_LIMITS = Limits(max_message_size=300)
_CONTENT_METHODS: tuple[Callable[[int], Method], ...] = (
    lambda tag: m.BasicPublish(exchange="x", routing_key=f"r{tag}"),
    lambda tag: m.BasicDeliver(consumer_tag="c", delivery_tag=tag, exchange="x", routing_key="r"),
    lambda tag: m.BasicReturn(reply_code=312, reply_text="NO_ROUTE", exchange="x", routing_key=f"r{tag}"),
    lambda tag: m.BasicGetOk(delivery_tag=tag, message_count=1, exchange="x", routing_key="r"),
)
_OTHER_METHODS: tuple[Callable[[int], Method], ...] = (
    lambda tag: m.BasicAck(delivery_tag=tag),
    lambda tag: m.ChannelClose(reply_code=200, reply_text="bye", class_id=0, method_id=0),
    lambda tag: m.ChannelCloseOk(),
    lambda tag: m.BasicGetEmpty(),
    lambda tag: m.ChannelFlow(active=bool(tag & 1)),
    lambda tag: m.TxCommit(),
    lambda tag: m.BasicQos(prefetch_count=tag & 0xFFFF),
    lambda tag: m.ChannelOpen(),
)
_STEP_BYTES = 64
#: Steps read from one program: longer inputs are cut (each step clones the assembler).
MAX_STEPS = 96


class Step(NamedTuple):
    """One step of an assembler program: an event to feed, or ``discard(channel)``."""

    event: Any
    discard: int | None


def _header_fields(variant: int, size: int) -> tuple[int, int, int]:
    """(class id, weight, body size) of a header step: variant 0 ``size``, 1 ``8 * size``,
    2 none, 3 exactly ``max_message_size``, 4 one more, 5 2**64 - 1, 6 weight 1, 7 class 50."""
    limit = ASSEMBLER_LIMITS.max_message_size
    body_size = (size, 8 * size, 0, limit, limit + 1, 2**64 - 1, size, size)[variant]
    return (50 if variant == 7 else 60), (1 if variant == 6 else 0), body_size


def assembler_steps(data: bytes) -> list[Step]:
    """The steps an assembler program describes: per step, one opcode byte (bits 0-2: 0 a
    content method, 1 another method, 2 a content header, 3 a body, 4 a heartbeat, 5
    ``discard``, 6 a protocol header, 7 a body that completes the channel's content, give
    or take; bits 3-4 the channel; bits 5-7 a variant), then for a header its size byte
    (:func:`_header_fields`), for a body its length byte (mod 64).  Event offsets are 64
    apart; a body's bytes are its step number, so misplaced chunks show.  At most
    :data:`MAX_STEPS` steps are read."""
    steps: list[Step] = []
    at = 0
    # What each channel's content still awaits, for kind 7 (a guess, not an oracle).
    remaining: dict[int, int] = {}

    def take() -> int:
        nonlocal at
        byte = data[at] if at < len(data) else 0
        at += 1
        return byte

    while at < len(data) and len(steps) < MAX_STEPS:
        op = take()
        kind, channel, variant = op & 7, (op >> 3) & 3, op >> 5
        offset = _STEP_BYTES * len(steps)
        event: Any = None
        if kind == 0:
            event = MethodFrame(offset, channel, _CONTENT_METHODS[variant & 3](len(steps)))
        elif kind == 1:
            event = MethodFrame(offset, channel, _OTHER_METHODS[variant](len(steps)))
        elif kind == 2:
            class_id, weight, body_size = _header_fields(variant, take())
            properties = BasicProperties(message_id=str(len(steps)), priority=variant)
            event = HeaderFrame(offset, channel, class_id, weight, body_size, properties)
            remaining[channel] = body_size
        elif kind in (3, 7):
            size = take() % 64 if kind == 3 else max(0, min(remaining.get(channel, 0), 4096) + variant - 2)
            event = BodyFrame(offset, channel, bytes([len(steps) & 0xFF]) * size)
            remaining[channel] = remaining.get(channel, 0) - size
        elif kind == 4:
            event = HeartbeatFrame(offset)
        elif kind == 6:
            event = ProtocolHeader(offset, 0, major=0, minor=9, revision=1)
        steps.append(Step(event, channel if kind == 5 else None))
    return steps


class _Expected:
    """What each channel's next message must be, from the frames alone (§4.2.6): the last
    content method on the channel, the last header after it, the bodies after that."""

    def __init__(self) -> None:
        self.method: dict[int, Method | None] = {}
        self.header: dict[int, HeaderFrame | None] = {}
        self.bodies: dict[int, list[bytes]] = {}

    def see(self, event: Any) -> None:
        if isinstance(event, MethodFrame):
            self.method[event.channel] = event.method if event.method.HAS_CONTENT else None
            self.header[event.channel] = None
            self.bodies[event.channel] = []
        elif isinstance(event, HeaderFrame):
            self.header[event.channel] = event
            self.bodies[event.channel] = []
        elif isinstance(event, BodyFrame):
            self.bodies.setdefault(event.channel, []).append(event.payload)

    def check(self, harness: str, data: bytes, who: str, event: Any, message: Message, limit: int) -> None:
        channel = getattr(event, "channel", None)
        method, header = self.method.get(channel), self.header.get(channel)
        body = b"".join(self.bodies.get(channel, []))
        if (
            header is None
            or method is None
            or message.channel != channel
            or not same_value(plain(message.method), plain(method))
            or not same_value(message.properties, header.properties)
            or message.body != body
            or len(body) != header.body_size
            or len(body) > limit
        ):
            _breach(harness, data, f"{who}: {_show(event)} completed {_show(message)}")
        self.method[channel] = None
        self.header[channel] = None
        self.bodies[channel] = []


def _feed(
    harness: str, data: bytes, who: str, assembler: ContentAssembler, step: Step, *, twin: bool = False
) -> Outcome:
    """One step: its result, or its error (at the frame, naming its channel).  A twin's
    error is compared with the original's, not pickled again."""
    event = step.event
    try:
        if step.discard is not None:
            assembler.discard(step.discard)
            return ("discarded",)
        result = assembler.feed(event)
    except Exception as error:
        if event is None:
            _breach(harness, data, f"{who}: discard({step.discard}) raised {error!r}")
        outcome = _error_outcome(harness, data, who, error, event.offset, event.offset, check_pickle=not twin)
        if outcome[4] != 0 or getattr(error, "channel", None) != event.channel:
            _breach(harness, data, f"{who}: {_show(error)} for {_show(event)} names another frame")
        if isinstance(error, LimitExceededError) != (getattr(error, "limit", None) == "max_message_size"):
            _breach(harness, data, f"{who}: {_show(error)} names limit {getattr(error, 'limit', None)!r}")
        return outcome
    if result is not None and not isinstance(result, Message):
        _breach(harness, data, f"{who}: feed() returned {_show(result)}")
    return ("result", result)


_CLONES: tuple[Callable[[ContentAssembler], ContentAssembler], ...] = (
    lambda assembler: pickle.loads(pickle.dumps(assembler)),
    copy.copy,
    copy.deepcopy,
)


#: A new twin is taken every TWIN_EVERY steps and fed every step until the next (cloning at
#: every step, as this harness first did, took most of its time as programs grew).
TWIN_EVERY = 4


def _assemble(harness: str, who: str, data: bytes, steps: list[Step], limits: Limits) -> list[Outcome]:
    """Feed ``steps`` to an assembler and to a twin of it, pickled or copied from it every
    :data:`TWIN_EVERY` steps: the two must give the same results and stay equal; the bytes
    held by partial contents never pass ``max_message_size``."""
    assembler = ContentAssembler(limits=limits)
    expected = _Expected()
    results: list[Outcome] = []
    twin = assembler
    for index, step in enumerate(steps):
        if index % TWIN_EVERY == 0:
            twin = _CLONES[(index // TWIN_EVERY) % len(_CLONES)](assembler)
        outcome = _feed(harness, data, who, assembler, step)
        again = _feed(harness, data, f"{who} (a copy)", twin, step, twin=True)
        # Outcomes without a message are tuples of str, int and None: ``==`` is exact there.
        exact = outcome[0] != "result" or outcome[1] is None
        same = again == outcome if exact else same_value(plain(again), plain(outcome))
        if not same or twin != assembler:
            _breach(harness, data, f"{who}: step {index}: {_show(outcome)}; its copy {_show(again)}")
        if step.discard is None:
            expected.see(step.event)
        if outcome[0] == "result" and outcome[1] is not None:
            expected.check(harness, data, who, step.event, outcome[1], limits.max_message_size)
        state = assembler.__getstate__()
        held = sum(getattr(pending, "received", 0) for pending in state["states"].values())
        if held != state["held"] or held > limits.max_message_size:
            _breach(
                harness, data, f"{who}: after step {index} partial contents hold {held} ({state['held']})"
            )
        results.append(outcome)
    return results


def check_amqp091_assembler(data: bytes) -> None:
    """A :class:`~amqpcodec.amqp091.ContentAssembler` (§4.2.6) fed an assembler program
    (:func:`assembler_steps`): only codec errors, each at its frame; every message is its
    channel's last content method, header and the bodies since; partial contents stay
    within ``max_message_size``; pickled and copied assemblers carry on alike."""
    steps = assembler_steps(data)
    outcomes = []
    for name, backend in BACKENDS:
        with using(backend):
            outcomes.append(
                (name, plain(_assemble("amqp091_assembler", name, data, steps, ASSEMBLER_LIMITS)))
            )
    _agree("amqp091_assembler", data, "ContentAssembler results", outcomes)


HARNESSES: dict[str, Callable[[bytes], None]] = {
    "amqp091_tables": check_amqp091_tables,
    "amqp091_frames": check_amqp091_frames,
    "amqp091_assembler": check_amqp091_assembler,
}
