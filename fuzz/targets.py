"""The fuzz targets: one check per layer, each run on both value backends side by side.

Strategy: every ``check_<harness>(data)`` runs its layer on ``data`` once per value
backend (pure and, when built, compiled; the message, frame and CLI layers run on a
backend through :func:`using`) and raises :class:`ContractBreach` when

- anything but an :class:`~amqpcodec.errors.AMQPCodecError` escapes a public entry
  point (docs: limits-and-security, "Errors"), or anything at all escapes the CLI's decoder;
- an error's ``offset`` lies outside the input, or a frame error's ``frame_offset``
  after its ``offset``;
- what decodes does not re-encode to bytes that decode to the same value
  (:func:`~amqpcodec.testing.same_value`), or a lazy message differs from the eager one;
- the backends disagree: on the value, or on the error's class, offset and limit.

Harness inputs (so a seed corpus can be written by hand):

- ``value``: one AMQP value (Part 1 §1.6) at offset 0, under default and tight limits.
- ``message``: a message payload (Part 3 §3.2), decoded eagerly and lazily, under
  default and tight limits and ``max_depth=1``.
- ``frames``: byte 0 holds flags (bit 0: start mid-connection; bit 1: tight limits;
  bit 2: ``max_frame_size`` 512; bit 3: ``max_depth`` 1 + bits 4-5), byte 1 seeds the
  chunking, the rest is the stream
  (Part 2 §2.2-2.3), read whole and in random chunks (the two readings must agree).
- ``assembler``: a program of transfer/detach/end/close/flow frames for a
  :class:`~amqpcodec.frames.TransferAssembler` (:func:`assembler_frames`).
- ``stream``: one direction of a capture, through the CLI's ``DirectionDecoder``, its
  text and JSON renderers, and ``--values``; then the whole ``amqpcodec decode`` command
  (text and ``--json``) on it as a file: raw bytes, hex dump or pcap/pcapng capture.

Only the standard library and amqpcodec are needed: CI replays the corpora without atheris.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import copy
import functools
import io
import json
import os
import pickle
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import amqpcodec
import amqpcodec.cli
import amqpcodec.cli.values
from amqpcodec import DEFAULT_LIMITS, Limits
from amqpcodec._backend import Backend, use_backend
from amqpcodec.cli.direction import DirectionDecoder
from amqpcodec.cli.events import (
    ErrorEvent,
    Frame091Event,
    FrameEvent,
    HeaderEvent,
    Message091Event,
    MessageEvent,
    ResyncEvent,
)
from amqpcodec.cli.render_json import json_line
from amqpcodec.cli.render_text import TextRenderer
from amqpcodec.cli.terminal import Style
from amqpcodec.definitions import Accepted
from amqpcodec.errors import AMQPCodecError, FramingError, IncompleteError, UnsupportedProtocolError
from amqpcodec.frames import (
    NEED_DATA,
    PARTIAL_DELIVERY_OVERHEAD,
    AbortedDelivery,
    Delivery,
    Frame,
    FrameReader,
    ProtocolHeader,
    TransferAssembler,
    encode_frame,
)
from amqpcodec.message import SECTION_ATTRIBUTES, Message
from amqpcodec.performatives import Transfer
from amqpcodec.testing import same_value, value_backends
from amqpcodec.types import Described, Symbol, UInt, ULong

__all__ = [
    "BACKENDS",
    "HARNESSES",
    "ContractBreach",
    "assembler_frames",
    "check_assembler",
    "check_frames",
    "check_message",
    "check_stream",
    "check_value",
    "using",
]


class ContractBreach(AssertionError):
    """Input on which the codec breaks its hostile-input contract (module docstring)."""


# --------------------------------------------------------------------------- backends


#: Both backends; in CI (``CI`` set) a compiled backend that fails to import is an error.
BACKENDS = value_backends(require_compiled=bool(os.environ.get("CI")))


def using(backend: Backend) -> contextlib.AbstractContextManager[Backend]:
    """Run the message, frame and CLI layers on ``backend`` (only the value codec exists
    twice; every class and layer is shared): the one backend switch, ``use_backend``."""
    return use_backend(backend)


# --------------------------------------------------------------------------- outcomes

Outcome = tuple[Any, ...]


def _show(value: Any, limit: int = 400) -> str:
    try:
        text = repr(value)
    except Exception as error:  # a repr that fails is shown by its failure
        text = f"<repr failed: {error!r}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _breach(harness: str, data: bytes, what: str) -> NoReturn:
    shown = data.hex() if len(data) <= 512 else data[:512].hex() + "..."
    raise ContractBreach(f"{harness}: {what}\n  input ({len(data)} bytes): {shown}")


def _decode_error(
    harness: str,
    data: bytes,
    who: str,
    error: BaseException,
    start: int,
    end: int,
    *,
    check_pickle: bool = True,
) -> Outcome:
    """An error from a decoder: it must be a codec error with an offset in ``start..end``,
    and (unless ``check_pickle`` is false) pickle to an equal error.

    Offsets are returned relative to ``start``.
    """
    if not isinstance(error, AMQPCodecError):
        _breach(harness, data, f"{who}: {type(error).__name__} escaped: {_show(error)}")
    offset = getattr(error, "offset", None)
    if type(offset) is not int or not start <= offset <= end:
        _breach(
            harness, data, f"{who}: {type(error).__name__} offset {offset!r} outside {start}..{end}: {error}"
        )
    frame_offset = error.__dict__.get("frame_offset")
    if frame_offset is not None and not start <= frame_offset <= offset:
        _breach(harness, data, f"{who}: frame_offset {frame_offset} after offset {offset}: {error}")
    if check_pickle:
        _check_pickles(harness, data, who, error)
    return (
        "error",
        type(error).__name__,
        offset - start,
        getattr(error, "limit", None),
        None if frame_offset is None else frame_offset - start,
    )


def _check_pickles(harness: str, data: bytes, who: str, error: BaseException) -> None:
    try:
        clone = pickle.loads(pickle.dumps(error))
    except Exception as failure:
        _breach(harness, data, f"{who}: {type(error).__name__} does not pickle: {failure!r}")
    if (
        type(clone) is not type(error)
        or clone.args != error.args
        or not same_value(clone.__dict__, error.__dict__)
    ):
        _breach(
            harness, data, f"{who}: {type(error).__name__} pickles as {_show(clone)} {_show(clone.__dict__)}"
        )


def _agree(harness: str, data: bytes, what: str, outcomes: list[tuple[str, Any]]) -> None:
    (first_name, first), *others = outcomes
    for name, other in others:
        if not same_value(first, other):
            _breach(harness, data, f"{what}: {first_name} gave {_show(first)}; {name} gave {_show(other)}")


# --------------------------------------------------------------------------- value

TIGHT_VALUES = Limits(max_depth=3, max_container_items=4, max_map_entries=2)
VALUE_LIMITS = (DEFAULT_LIMITS, TIGHT_VALUES)


def _value(who: str, backend: Backend, data: bytes, buffer: Any, start: int, limits: Limits) -> Outcome:
    try:
        value, end = backend.decode_prefix(buffer, start, limits)
    except Exception as error:
        return _decode_error("value", data, who, error, start, len(buffer))
    if type(end) is not int or not start < end <= len(buffer):
        _breach("value", data, f"{who}: decode_prefix ended at {end!r}, outside {start + 1}..{len(buffer)}")
    try:
        encoded = backend.encode(value, limits)
        again, stop = backend.decode_prefix(encoded, 0, limits)
    except Exception as error:
        _breach("value", data, f"{who}: the decoded {_show(value)} does not round-trip: {error!r}")
    if stop != len(encoded) or not same_value(again, value):
        _breach(
            "value",
            data,
            f"{who}: {_show(value)} re-encodes to {encoded.hex()}, which decodes to {_show(again)}",
        )
    _check_copies("value", data, who, value)
    return ("value", value, end - start, encoded)


def _check_copies(harness: str, data: bytes, who: str, value: Any) -> None:
    """Every public object pickles and deep-copies (to the same value): a promise of the API."""
    try:
        copies = [pickle.loads(pickle.dumps(value)), copy.deepcopy(value)]
    except Exception as error:
        _breach(harness, data, f"{who}: {_show(value)} does not pickle or deep-copy: {error!r}")
    for duplicate in copies:
        if not same_value(duplicate, value):
            _breach(harness, data, f"{who}: {_show(value)} copies as {_show(duplicate)}")


def check_value(data: bytes) -> None:
    """One value at offset 0 (Part 1 §1.6), default and tight limits, and the same bytes
    behind one byte of a ``bytearray`` (offsets shift, nothing else may change)."""
    for limits in VALUE_LIMITS:
        outcomes = [(name, _value(name, backend, data, data, 0, limits)) for name, backend in BACKENDS]
        _agree("value", data, f"decode_prefix with {limits}", outcomes)
    shifted = bytearray(b"\x40" + data)
    for name, backend in BACKENDS:
        moved = _value(name, backend, data, shifted, 1, DEFAULT_LIMITS)
        base = _value(name, backend, data, data, 0, DEFAULT_LIMITS)
        if not same_value(moved, base):
            _breach("value", data, f"{name}: at offset 1 of a bytearray {_show(moved)}, at 0 {_show(base)}")


# --------------------------------------------------------------------------- message

TIGHT_MESSAGES = Limits(max_depth=4, max_container_items=8, max_map_entries=4)
#: max_depth 1 takes the path where a section's value cannot be decoded alone.
MESSAGE_LIMITS = (DEFAULT_LIMITS, TIGHT_MESSAGES, Limits(max_depth=1))
_SECTIONS = SECTION_ATTRIBUTES


def _eager(who: str, data: bytes, limits: Limits) -> Outcome:
    try:
        message = Message.decode(data, limits=limits)
    except Exception as error:
        return _decode_error("message", data, who, error, 0, len(data))
    try:
        encoded = message.encode(limits=limits)
        again = Message.decode(encoded, limits=limits)
    except Exception as error:
        _breach("message", data, f"{who}: the decoded message does not round-trip: {error!r}")
    if not same_value(again, message):
        _breach("message", data, f"{who}: re-encoded as {encoded.hex()}, which decodes differently")
    _check_copies("message", data, who, message)
    try:
        json.dumps(message.to_dict())
    except AMQPCodecError:
        pass
    except Exception as error:
        _breach("message", data, f"{who}: to_dict() of the decoded message: {error!r}")
    return ("message", message, encoded)


def _lazy(who: str, data: bytes, limits: Limits) -> Outcome:
    try:
        message = Message.decode(data, lazy=True, limits=limits)
    except Exception as error:
        return _decode_error("message", data, who, error, 0, len(data))
    sections: list[Outcome] = []
    for attr in _SECTIONS:
        try:
            sections.append(("section", getattr(message, attr)))
        except Exception as error:
            sections.append(_decode_error("message", data, f"{who} lazy .{attr}", error, 0, len(data)))
    try:
        kept = message.encode(limits=limits)
    except Exception as error:
        _breach("message", data, f"{who}: a lazy message does not re-encode: {error!r}")
    if kept != data:
        _breach("message", data, f"{who}: a lazy message re-encodes to {kept.hex()}, not its own bytes")
    return ("lazy", tuple(sections))


def check_message(data: bytes) -> None:
    """A message payload (Part 3 §3.2): eager and lazy decoding, default and tight limits.

    Lazy and eager must agree on valid bytes; on invalid ones each may fail first at a
    different section, so only "both fail" is required of them.
    """
    for limits in MESSAGE_LIMITS:
        eagers: list[tuple[str, Outcome]] = []
        lazies: list[tuple[str, Outcome]] = []
        for name, backend in BACKENDS:
            with using(backend):
                eager = _eager(name, data, limits)
                lazy = _lazy(name, data, limits)
            lazy_ok = lazy[0] == "lazy" and all(section[0] == "section" for section in lazy[1])
            if eager[0] == "message":
                if not lazy_ok:
                    _breach("message", data, f"{name}: eager decodes, lazy gives {_show(lazy)}")
                for attr, (_, section) in zip(_SECTIONS, lazy[1], strict=True):
                    if not same_value(section, getattr(eager[1], attr)):
                        _breach("message", data, f"{name}: lazy .{attr} {_show(section)} differs from eager")
            elif lazy_ok:
                _breach("message", data, f"{name}: lazy decodes every section, eager gives {_show(eager)}")
            eagers.append((name, eager))
            lazies.append((name, lazy))
        _agree("message", data, f"eager Message.decode with {limits}", eagers)
        _agree("message", data, f"lazy Message.decode with {limits}", lazies)


# --------------------------------------------------------------------------- frames

TIGHT_FRAMES = Limits(max_frame_size=512, max_depth=8, max_container_items=64, max_map_entries=16)
_CHUNK_SIZES = (1, 1, 2, 3, 4, 7, 8, 9, 13, 64, 4096)


def _roundtrip_frame(who: str, data: bytes, frame: Frame) -> Any:
    """A decoded frame's performative re-encodes (or is refused with an EncodeError) and
    reads back the same; what ``encode_frame`` gave (bytes, or the error's class, path
    and message), for the backends to agree on."""
    if frame.performative is None:
        return None
    try:
        raw = encode_frame(frame.performative, frame.channel, frame.payload)
    except AMQPCodecError as refused:
        return (type(refused).__name__, getattr(refused, "path", None), str(refused))
    except Exception as error:
        _breach("frames", data, f"{who}: encode_frame of {_show(frame)} raised {error!r}")
    reader = FrameReader(expect_header=False)
    reader.feed(raw)
    try:
        again = reader.next_event()
    except Exception as error:
        _breach("frames", data, f"{who}: {_show(frame)} re-encodes to {raw.hex()}, which reads as {error!r}")
    if not (
        isinstance(again, Frame)
        and again.channel == frame.channel
        and same_value(again.performative, frame.performative)
        and again.payload == frame.payload
    ):
        _breach(
            "frames", data, f"{who}: {_show(frame)} re-encodes to {raw.hex()}, read back as {_show(again)}"
        )
    return raw


def _read_frames(
    who: str,
    data: bytes,
    stream: bytes,
    sizes: Iterator[int] | None,
    expect_header: bool,
    limits: Limits,
    small: bool,
) -> list[Any]:
    """What a reader makes of ``stream`` fed whole (``sizes`` None) or in chunks."""
    reader = FrameReader(limits=limits, expect_header=expect_header)
    if small:
        reader.max_frame_size = 512
    log: list[Any] = []
    fed = 0
    end = len(stream)
    while True:
        while True:
            try:
                event = reader.next_event()
            except (FramingError, UnsupportedProtocolError) as fatal:
                log.append(("fatal", *_decode_error("frames", data, who, fatal, 0, end)))
                for again in (reader.next_event, reader.feed_eof):
                    try:
                        again()
                    except type(fatal) as repeated:
                        if repeated.offset != fatal.offset:
                            _breach("frames", data, f"{who}: a fatal error came back at another offset")
                    else:
                        _breach("frames", data, f"{who}: {type(fatal).__name__} was not raised again")
                return log
            except Exception as error:
                log.append(_decode_error("frames", data, who, error, 0, end))
                continue
            if event is NEED_DATA:
                break
            if not isinstance(event, (Frame, ProtocolHeader)) or not 0 <= event.offset < end:
                _breach("frames", data, f"{who}: next_event() gave {_show(event)}")
            log.append(event)
        if fed >= end:
            break
        step = end if sizes is None else next(sizes)
        try:
            reader.feed(stream[fed : fed + step])
        except Exception as error:
            _breach("frames", data, f"{who}: feed() raised {error!r}")
        fed += step
    try:
        reader.feed_eof()
    except IncompleteError as error:
        log.append(("eof", *_decode_error("frames", data, who, error, 0, end)))
    except Exception as error:
        _breach("frames", data, f"{who}: feed_eof() raised {error!r}")
    return log


def _chunk_sizes(rng: random.Random) -> Iterator[int]:
    while True:
        yield rng.choice(_CHUNK_SIZES)


def check_frames(data: bytes) -> None:
    """A stream of protocol headers and frames (Part 2 §2.2-2.3, Part 5 §5.3), read whole
    and in random chunks (h11's habit: the readings must agree); decoded performatives
    re-encode."""
    flags = data[0] if data else 0
    seed = data[1] if len(data) > 1 else 0
    stream = data[2:]
    expect_header = not flags & 1
    limits = TIGHT_FRAMES if flags & 2 else DEFAULT_LIMITS
    if flags & 8:
        limits = Limits(max_depth=1 + (flags >> 4 & 3))
    small = bool(flags & 4)
    logs: list[tuple[str, list[Any]]] = []
    written: list[tuple[str, list[Any]]] = []
    for name, backend in BACKENDS:
        with using(backend):
            whole = _read_frames(name, data, stream, None, expect_header, limits, small)
            sizes = _chunk_sizes(random.Random(seed))
            chunked = _read_frames(name, data, stream, sizes, expect_header, limits, small)
            if not same_value(whole, chunked):
                _breach("frames", data, f"{name}: read whole {_show(whole)}; in chunks {_show(chunked)}")
            frames = [event for event in whole if isinstance(event, Frame)]
            written.append((name, [_roundtrip_frame(name, data, frame) for frame in frames]))
        logs.append((name, whole))
    _agree("frames", data, "FrameReader events", logs)
    _agree("frames", data, "encode_frame of the frames read", written)


# --------------------------------------------------------------------------- assembler

#: The assembler is pickled after every PICKLE_EVERY-th frame and after the last one: a
#: round trip per frame took 40 % of the harness's time, and mutations move the state
#: that is pickled.
PICKLE_EVERY = 3
#: Two partial deliveries may hold 48 payload bytes together; a lone one up to 2,096
#: (``PARTIAL_DELIVERY_OVERHEAD``), so both of the assembler's bounds are reachable.
ASSEMBLER_LIMITS = Limits(max_message_size=2 * PARTIAL_DELIVERY_OVERHEAD + 48)
#: Field values of the wrong type, as a peer may send them (decoded composites keep them).
_ODD_VALUES: tuple[Any, ...] = (Symbol("x"), -1, True, ULong(2**40), "s", b"t", [1], UInt(7), 0)
#: Transfer fields (§2.7.5) an odd value may replace: handle ... aborted.
_ODD_FIELDS = (0, 1, 2, 3, 4, 5, 9)


def assembler_frames(data: bytes) -> list[Frame]:
    """The frames an assembler program describes: per frame, one opcode byte
    (bits 0-2: 0-3 transfer, 4 detach, 5 end, 6 close, 7 flow; bit 3 channel; bits 4-5
    handle; bit 6 on a detach: an odd handle, chosen by the next byte), then for a
    transfer a flags byte (bit 0 more, bit 1 aborted, bit 2
    settled, bit 3 delivery-id, bit 4 delivery-tag, bit 5 message-format, bit 6 an odd
    field, bit 7 settled present) followed by the bytes those flags ask for and the
    payload length; opcode 3 adds an ``accepted`` state.  Performatives are built as a
    peer's decoded ones are (``to_typed``), so odd field types reach the assembler."""
    frames: list[Frame] = []
    at = 0

    def take() -> int:
        nonlocal at
        byte = data[at] if at < len(data) else 0
        at += 1
        return byte

    while at < len(data):
        op = take()
        kind, channel, handle = op & 7, (op >> 3) & 1, UInt((op >> 4) & 3)
        payload = b""
        fields: list[Any]
        if kind < 4:
            flags = take()
            fields = [handle, None, None, None, None, bool(flags & 1), None, None, None, None, None]
            if flags & 0x08:
                fields[1] = UInt(take() & 3)
            if flags & 0x10:
                fields[2] = bytes([take() & 3])
            if flags & 0x20:
                fields[3] = UInt(take() & 1)
            if flags & 0x80:
                fields[4] = bool(flags & 4)
            if flags & 2:
                fields[9] = take() & 3 == 0
            if flags & 0x40:
                odd = take()
                fields[_ODD_FIELDS[odd % len(_ODD_FIELDS)]] = _ODD_VALUES[(odd >> 3) % len(_ODD_VALUES)]
            if kind == 3:
                fields[7] = Accepted()
            payload = bytes([op]) * (take() % 20)
            descriptor = 0x14
        elif kind == 4:
            fields, descriptor = [_ODD_VALUES[take() % len(_ODD_VALUES)] if op & 0x40 else handle], 0x16
        else:
            fields, descriptor = (
                ([], 0x17) if kind == 5 else ([], 0x18) if kind == 6 else ([None, 1, 1, 1], 0x13)
            )
        try:
            performative = amqpcodec.to_typed(Described(ULong(descriptor), fields))
        except AMQPCodecError:
            continue  # a peer's frame the reader would already have refused
        frames.append(Frame(64 * len(frames), 0, channel, b"", performative, payload))
    return frames


def _assemble(who: str, data: bytes, frames: list[Frame]) -> list[Outcome]:
    assembler = TransferAssembler(limits=ASSEMBLER_LIMITS)
    history: dict[tuple[int, int], list[bytes]] = {}
    results: list[Outcome] = []
    for index, frame in enumerate(frames):
        performative: Any = frame.performative
        handle = getattr(performative, "handle", None)
        key = (frame.channel, int(handle)) if isinstance(handle, int) and type(handle) is not bool else None
        try:
            result = assembler.feed(frame)
        except Exception as error:
            outcome = _decode_error("assembler", data, who, error, frame.offset, frame.offset)
            if outcome[4] != 0:
                _breach(
                    "assembler",
                    data,
                    f"{who}: error for the frame at {frame.offset} has frame_offset {outcome[4]}",
                )
            results.append(outcome)
            continue
        if key is not None and isinstance(performative, Transfer):
            history.setdefault(key, []).append(frame.payload)
            del history[key][:-64]
        if isinstance(result, Delivery):
            chunks = history.pop(key, []) if key is not None else []
            suffixes = {b"".join(chunks[index:]) for index in range(len(chunks))}
            if (
                type(result.payload) is not bytes
                or len(result.payload) > ASSEMBLER_LIMITS.max_message_size
                or result.channel != frame.channel
                or result.handle != handle
                or result.payload not in suffixes
            ):
                _breach("assembler", data, f"{who}: frame {frame.offset} completed {_show(result)}")
        elif isinstance(result, AbortedDelivery):
            if key is not None:
                history.pop(key, None)
        elif result is not None:
            _breach("assembler", data, f"{who}: feed() returned {_show(result)}")
        results.append(("result", result))
        if index % PICKLE_EVERY != PICKLE_EVERY - 1 and index != len(frames) - 1:
            continue
        if pickle.loads(pickle.dumps(assembler)) != assembler:
            _breach("assembler", data, f"{who}: the assembler does not pickle after frame {frame.offset}")
    return results


def check_assembler(data: bytes) -> None:
    """A :class:`TransferAssembler` (Part 2 §2.6.12-14, §2.7.5) fed the frames of an
    assembler program (:func:`assembler_frames`): only codec errors, each at its frame;
    every delivery is the payloads of its frames, within ``max_message_size``."""
    outcomes = []
    for name, backend in BACKENDS:
        with using(backend):
            outcomes.append((name, _assemble(name, data, assembler_frames(data))))
    _agree("assembler", data, "TransferAssembler results", outcomes)


# --------------------------------------------------------------------------- CLI stream

TIGHT_STREAM = Limits(
    max_frame_size=512,
    max_depth=8,
    max_container_items=64,
    max_map_entries=16,
    max_message_size=2 * PARTIAL_DELIVERY_OVERHEAD + 256,
)
STREAM_LIMITS = (DEFAULT_LIMITS, TIGHT_STREAM)


#: What a direction decoder yields: AMQP 1.0 and AMQP 0-9-1 events alike (a stream
#: becomes 0-9-1 from its header, or from the frame layout mid-connection).
_DIRECTION_EVENTS = (
    HeaderEvent,
    FrameEvent,
    MessageEvent,
    Frame091Event,
    Message091Event,
    ErrorEvent,
    ResyncEvent,
)


def _check_event(who: str, data: bytes, event: Any) -> None:
    end = len(data)
    if (
        not isinstance(event, _DIRECTION_EVENTS)
        or type(event.offset) is not int
        or not 0 <= event.offset <= end
    ):
        _breach("stream", data, f"{who}: event {_show(event)}")
    if isinstance(event, ResyncEvent):
        to = end if event.to is None else event.to
        if not event.offset <= to <= end or event.skipped != to - event.offset:
            _breach("stream", data, f"{who}: resync {_show(event)}")
    elif isinstance(event, (FrameEvent, Frame091Event)):
        if event.offset + event.size > end:
            _breach("stream", data, f"{who}: frame {_show(event)} ends past the input")
        if isinstance(event, Frame091Event) and event.payload_size != event.size - 8:
            _breach("stream", data, f"{who}: 0-9-1 frame {_show(event)}: payload and size disagree")
    elif isinstance(event, (MessageEvent, Message091Event)):
        if not event.offset <= event.last_offset < end or (event.end is not None and event.end > end):
            _breach("stream", data, f"{who}: message {_show(event)}")
    elif (
        isinstance(event, ErrorEvent)
        and event.frame_offset is not None
        and not 0 <= event.frame_offset <= end
    ):
        _breach("stream", data, f"{who}: error {_show(event)}")


def _decode_stream(who: str, data: bytes, direction: str, limits: Limits) -> list[Any]:
    renderer = TextRenderer(Style(False), full=False, verbose=True, offset_width=6)
    try:
        events = list(DirectionDecoder(direction, data, limits=limits).events())
        for event in events:
            _check_event(who, data, event)
            for line in renderer.lines(event):
                if type(line) is not str:
                    _breach("stream", data, f"{who}: text line {_show(line)}")
            json.loads(json_line(event, 0))
    except ContractBreach:
        raise
    except Exception as error:
        _breach("stream", data, f"{who}: the CLI's decoder raised {type(error).__name__}: {_show(error)}")
    return events


#: Where the stream harness writes each input for the CLI: memory where the system has it
#: (rewriting a file on a disk file system cost about 0.5 ms an open here, a tenth of
#: the harness's time).
_SCRATCH = tempfile.mkdtemp(
    prefix="amqpcodec-fuzz-",
    dir="/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None,
)
atexit.register(shutil.rmtree, _SCRATCH, True)


@functools.cache
def _cli_arguments(path: str, flags: tuple[str, ...]) -> argparse.Namespace:
    """The parsed ``amqpcodec decode [flags] FILE``, parsed once (building the parser took
    a third of this harness's time); each run gets a shallow copy, so nothing one run
    sets on it reaches the next."""
    return amqpcodec.cli.build_parser().parse_args(["decode", *flags, path])


def _run_cli(who: str, data: bytes, path: str, *flags: str) -> tuple[int, str]:
    """``amqpcodec decode [flags] FILE``: its exit status and output (stderr dropped)."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            status = amqpcodec.cli.run(copy.copy(_cli_arguments(path, flags)), out)
    except Exception as error:
        _breach(
            "stream",
            data,
            f"{who}: amqpcodec decode {' '.join(flags)} raised {type(error).__name__}: {_show(error)}",
        )
    if status not in (0, 1, 2):
        _breach("stream", data, f"{who}: amqpcodec decode {' '.join(flags)} exited {status!r}")
    return status, out.getvalue()


def check_stream(data: bytes) -> None:
    """One direction of a capture through the CLI (``DirectionDecoder`` and both
    renderers, then ``--values``): it reports bad bytes as events and never raises.
    Then the whole command on ``data`` as a file (raw bytes, a hex dump or a pcap/pcapng
    capture, as the CLI finds): the same output on both backends; ``amqpcodec decode``
    when the last byte is even, ``--json`` when it is odd (both renderers already saw
    every event above; running the command once per input, not twice, keeps this
    harness fast enough for long campaigns)."""
    for direction, limits in zip(("c2s", "s2c"), STREAM_LIMITS, strict=True):
        outcomes = []
        for name, backend in BACKENDS:
            with using(backend):
                outcomes.append((name, _decode_stream(name, data, direction, limits)))
        _agree("stream", data, f"DirectionDecoder events with {limits}", outcomes)
    if data:
        for name, backend in BACKENDS:
            with using(backend):
                try:
                    amqpcodec.cli.values.run_values(data, io.StringIO(), full=False)
                except Exception as error:
                    _breach("stream", data, f"{name}: --values raised {type(error).__name__}: {_show(error)}")
    path = os.path.join(_SCRATCH, "input")
    with open(path, "wb") as file:
        file.write(data)
    flags = ("--json",) if data and data[-1] & 1 else ()
    outputs = []
    for name, backend in BACKENDS:
        with using(backend):
            outputs.append((name, _run_cli(name, data, path, *flags)))
    _agree("stream", data, f"amqpcodec decode {' '.join(flags)}", outputs)


HARNESSES: dict[str, Callable[[bytes], None]] = {
    "value": check_value,
    "message": check_message,
    "frames": check_frames,
    "assembler": check_assembler,
    "stream": check_stream,
}
