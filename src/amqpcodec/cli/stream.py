"""Decoding one direction of a connection into events, resynchronising on bad bytes.

Strategy: :class:`DirectionDecoder` holds the whole direction in memory and runs a
:class:`~amqpcodec.frames.FrameReader` over it (fed in chunks, so ``max_buffered_bytes``
holds for any input size); every frame also goes to a
:class:`~amqpcodec.frames.TransferAssembler`, and each completed delivery of message
format 0 is decoded with :meth:`~amqpcodec.message.Message.decode`.  What it yields are
the events of the CLI's output (``HeaderEvent`` ... ``ResyncEvent``), with offsets in the
capture's terms (the stream's ``base`` added).

How bad input is handled (Part 2 §2.3.1 framing; the reader's own rules are in the
docstring of ``amqpcodec.frames``):

- The start.  ``AMQP`` opens a connection with its protocol header; a TLS record or
  an AMQP 0-9-1 ``connection.start`` frame (the server's side of 0-9-1) is named and
  not decoded; anything else is a capture that starts mid-connection:
  :func:`~amqpcodec.frames.find_frame_boundary` finds the first frame and a ``resync``
  event says so (with ``skipped: 0`` when the stream starts on a frame).  Input with
  neither a header nor any frame is one ``error``.
- A fault in a frame body (``DecodeError``) costs that frame: an ``error`` event, and
  the reader goes on with the next frame, which SIZE locates.  So does a body that is
  a described value of an unknown descriptor (the reader yields it; §2.7 knows no such
  performative): the frame is shown, then an ``error``.  A framing fault
  (``FramingError``: SIZE, DOFF, TYPE) or a bad protocol header inside the stream is
  an ``error`` event, then a ``resync`` from the next byte on.  An unsupported protocol
  header at the very start (AMQP 0-9-1, 0-10 ...) is a ``header`` event naming it, and
  the rest of the direction is skipped, as it is after the AMQP TLS header (encrypted),
  unless the decrypted stream follows it.
- Payload after a performative other than ``transfer`` (§2.3.2: a performative
  defines its payload, and only transfer, §2.7.5, has one) means the frame's SIZE is
  probably corrupt: the frame is shown, then an ``error``, then a ``resync`` from where
  the payload begins.
- After any resync or lost frame, partial deliveries are dropped (a lost frame may
  belong to any of them), and a transfer continuing a delivery whose first frame was
  not seen is shown with a note instead of an assembler error.
- A stream that ends inside a frame is an ``error`` (``IncompleteError``), followed by
  a ``resync`` when a frame starts inside those last bytes (a SIZE made larger).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Generator, Iterator
from typing import Any

from ..errors import (
    DECODE_ERROR,
    AMQPCodecError,
    DecodeError,
    FramingError,
    IncompleteError,
    UnsupportedProtocolError,
)
from ..frames import (
    _OTHER_AMQP,
    NEED_DATA,
    Delivery,
    Frame,
    FrameReader,
    ProtocolHeader,
    TransferAssembler,
    find_frame_boundary,
)
from ..limits import DEFAULT_LIMITS, Limits
from ..message import Message
from ..performatives import Close, Detach, End, SaslBody, Transfer
from ..types import Described

__all__ = [
    "HeaderEvent",
    "FrameEvent",
    "MessageEvent",
    "ErrorEvent",
    "ResyncEvent",
    "Event",
    "DirectionDecoder",
    "performative_name",
]

_MAGIC = b"AMQP"
_HEADER_SIZE = 8
_FEED_CHUNK = 1 << 16


@dataclasses.dataclass(frozen=True, slots=True)
class HeaderEvent:
    """A protocol header (§2.2), or the start of a stream that is not AMQP 1.0.

    ``protocol`` is ``AMQP``, ``SASL``, ``TLS`` or a name such as ``AMQP 0-9-1``;
    ``skipped`` counts the bytes after it left undecoded (encrypted or unsupported).
    """

    direction: str
    offset: int
    protocol: str
    version: str | None
    supported: bool
    skipped: int | None = None
    note: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class FrameEvent:
    """One frame (§2.3): ``name`` is the performative's spec name, ``heartbeat`` for an
    empty frame, ``described`` for an unknown descriptor."""

    direction: str
    offset: int
    size: int
    frame_type: int
    channel: int
    name: str
    performative: Any
    payload_size: int
    note: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class MessageEvent:
    """A completed delivery (§2.6.12) and its message (``None`` unless message-format 0).

    ``offset`` is its first transfer frame's; ``last_offset`` its last one's."""

    direction: str
    offset: int
    last_offset: int
    frames: int
    delivery: Delivery
    message: Message | None


@dataclasses.dataclass(frozen=True, slots=True)
class ErrorEvent:
    """Bytes that could not be decoded: ``error`` names the exception class."""

    direction: str
    offset: int
    error: str
    condition: str | None
    message: str
    frame_offset: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ResyncEvent:
    """Bytes skipped from ``offset`` to ``to`` (``None``: to the end) to find a frame."""

    direction: str
    offset: int
    to: int | None
    skipped: int
    reason: str


Event = HeaderEvent | FrameEvent | MessageEvent | ErrorEvent | ResyncEvent


def performative_name(performative: Any) -> str:
    """The spec name of a frame body: ``open`` ... ``sasl-outcome``, ``heartbeat``, ``described``."""
    if performative is None:
        return "heartbeat"
    if type(performative) is Described:
        return "described"
    return str(performative.SPEC.name)


def _is_tls_record(data: bytes) -> bool:
    """A TLS handshake record (RFC 8446 §5.1: type 22, legacy version 3.x)."""
    return len(data) >= 3 and data[0] == 0x16 and data[1] == 0x03 and data[2] <= 0x04


#: AMQP 0-9-1 §4.2.3: a method frame on channel 0 whose method is connection.start
#: (class 10, method 10) offering version 0-9: what a 0-9-1 server sends first.
_CONNECTION_START = re.compile(rb"\x01\x00\x00....\x00\x0a\x00\x0a\x00\x09", re.DOTALL)


def frame_body_offset(data: bytes, at: int) -> int:
    """Where the body of the frame at ``at`` starts, from its start (DOFF, §2.3.1)."""
    return data[at + 4] * 4


def _descriptor_text(descriptor: Any) -> str:
    if isinstance(descriptor, int):
        return f"0x{int(descriptor):x}"
    return repr(str(descriptor)) if isinstance(descriptor, str) else repr(descriptor)


def _protocol_name(raw: bytes) -> str:
    known = _OTHER_AMQP.get(raw[4:8])
    if known is not None:
        return known
    return f"AMQP {raw[4]} {raw[5]}.{raw[6]}.{raw[7]}"


class _Pending:
    """A delivery in progress: its first frame and where its payload bytes lie."""

    __slots__ = ("first_offset", "frames", "spans")

    def __init__(self, first_offset: int) -> None:
        self.first_offset = first_offset
        self.frames = 0
        self.spans: list[tuple[int, int]] = []

    def locate(self, position: int) -> int:
        """The stream offset of byte ``position`` of the assembled payload."""
        for start, size in self.spans:
            if position < size:
                return start + position
            position -= size
        start, size = self.spans[-1] if self.spans else (self.first_offset, 0)
        return start + size


class DirectionDecoder:
    """The events of one direction's bytes (module docstring); ``events()`` runs once."""

    def __init__(
        self, direction: str, data: bytes, *, base: int = 0, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        self.direction = direction
        self.data = data
        self.base = base
        self.limits = limits
        self._assembler = TransferAssembler(limits=limits)
        self._pending: dict[tuple[int, int], _Pending] = {}
        self._unseen: set[tuple[int, int]] = set()
        self._lossy = False

    # --- events ---------------------------------------------------------------------

    def _header(self, at: int, protocol: str, version: str | None, **extra: Any) -> HeaderEvent:
        return HeaderEvent(self.direction, self.base + at, protocol, version, **extra)

    def _error(self, at: int, error: AMQPCodecError | str, frame_at: int | None = None) -> ErrorEvent:
        condition: str | None
        if isinstance(error, str):
            name, condition, text = "DecodeError", DECODE_ERROR, error
        else:
            name, condition, text = (
                type(error).__name__,
                error.condition,
                str(error.args[0]) if error.args else "",
            )
        return ErrorEvent(
            self.direction,
            self.base + at,
            name,
            condition,
            text,
            None if frame_at is None else self.base + frame_at,
        )

    def _resync(self, start: int, reason: str) -> Generator[Event, None, int | None]:
        """Skip to the next plausible frame at or after ``start``; None at the end."""
        self._drop_partials()
        size = len(self.data)
        found = find_frame_boundary(self.data, start, limits=self.limits)
        if found is None:
            if start < size:
                yield ResyncEvent(
                    self.direction, self.base + start, None, size - start, reason + "; no frame follows"
                )
            return None
        yield ResyncEvent(self.direction, self.base + start, self.base + found, found - start, reason)
        return found

    def _drop_partials(self) -> None:
        self._assembler = TransferAssembler(limits=self.limits)
        self._pending.clear()
        self._unseen.clear()
        self._lossy = True

    # --- the loop -------------------------------------------------------------------

    def events(self) -> Iterator[Event]:
        """Every event of this direction, in stream order."""
        data = self.data
        if not data:
            return
        position: int | None = 0
        expect_header = True
        if not (data.startswith(_MAGIC) or _MAGIC.startswith(data[:4])):
            if _is_tls_record(data):
                yield self._header(
                    0,
                    "TLS",
                    None,
                    supported=False,
                    skipped=len(data),
                    note="a TLS record with no AMQP TLS header before it (amqps), encrypted",
                )
                return
            if _CONNECTION_START.match(data):
                yield self._header(
                    0,
                    "AMQP 0-9-1",
                    None,
                    supported=False,
                    skipped=len(data),
                    note="a connection.start frame (the server side of AMQP 0-9-1), not AMQP 1.0",
                )
                return
            if find_frame_boundary(data, 0, limits=self.limits) is None:
                yield self._error(0, f"no AMQP protocol header and no frame in {len(data)} bytes")
                return
            position = yield from self._resync(0, "no protocol header: the stream starts mid-connection")
            expect_header = False
        while position is not None:
            position = yield from self._read(position, expect_header)
            expect_header = False

    def _read(self, start: int, expect_header: bool) -> Generator[Event, None, int | None]:
        """Run a reader from ``start``; return where to resynchronise, or None when done."""
        data = self.data
        size = len(data)
        reader = FrameReader(limits=self.limits, expect_header=expect_header)
        fed = start
        while True:
            try:
                event = reader.next_event()
            except (FramingError, UnsupportedProtocolError) as error:
                at = start + (error.offset or 0)
                if isinstance(error, UnsupportedProtocolError) and at == 0 and data.startswith(_MAGIC):
                    yield self._header(
                        0,
                        _protocol_name(data[:_HEADER_SIZE]),
                        None,
                        supported=False,
                        skipped=size - _HEADER_SIZE,
                        note="not AMQP 1.0",
                    )
                    return None
                yield self._error(at, self._reword(error, start), at)
                return (yield from self._resync(at + 1, f"after the error at offset {self.base + at}"))
            except DecodeError as error:
                frame_at = getattr(error, "frame_offset", None)
                yield self._error(
                    start + (error.offset or 0),
                    self._reword(error, start),
                    None if frame_at is None else start + frame_at,
                )
                self._drop_partials()
                continue
            if event is NEED_DATA:
                if fed < size:
                    stop = min(size, fed + _FEED_CHUNK)
                    reader.feed(data[fed:stop])
                    fed = stop
                    continue
                try:
                    reader.feed_eof()
                except IncompleteError as error:
                    at = start + (error.offset or 0)
                    yield self._error(at, error, at)
                    if find_frame_boundary(data, at + 1, limits=self.limits) is not None:
                        return (
                            yield from self._resync(at + 1, f"after the error at offset {self.base + at}")
                        )
                return None
            if isinstance(event, ProtocolHeader):
                at = start + event.offset
                version = f"{event.major}.{event.minor}.{event.revision}"
                after = at + _HEADER_SIZE
                if event.protocol_id == 2 and not data.startswith(_MAGIC, after):
                    yield self._header(
                        at,
                        event.layer,
                        version,
                        supported=True,
                        skipped=size - after,
                        note="encrypted from here on",
                    )
                    return None
                yield self._header(at, event.layer, version, supported=True)
                continue
            resume = yield from self._frame(event, start)
            if resume is not None:
                return (
                    yield from self._resync(
                        resume, f"after the frame at offset {self.base + start + event.offset}"
                    )
                )

    def _reword(self, error: AMQPCodecError, start: int) -> AMQPCodecError:
        """Drop the reader's "in the frame at offset N" (the event carries ``frame_offset``)
        and make its other offsets the stream's: a reader counts from where it started."""
        frame_at = getattr(error, "frame_offset", None)
        if frame_at is not None and error.args:
            text = re.sub(rf" in the frame at offset {frame_at}\b", "", str(error.args[0]))
            text = re.sub(rf"\bat offset {frame_at}\b", f"at offset {self.base + start + frame_at}", text)
            error.args = (text, *error.args[1:])
        return error

    def _frame(self, frame: Frame, start: int) -> Generator[Event, None, int | None]:
        """Events for one frame; returns where to resync if its SIZE looks corrupt."""
        at = start + frame.offset
        size = int.from_bytes(self.data[at : at + 4], "big")
        performative = frame.performative
        payload_at = at + size - len(frame.payload)
        name = performative_name(performative)
        note = self._note(frame) if type(performative) is Transfer else None
        yield FrameEvent(
            self.direction,
            self.base + at,
            size,
            frame.type,
            frame.channel,
            name,
            performative,
            len(frame.payload),
            note,
        )
        if type(performative) is Described:
            yield self._error(
                at + frame_body_offset(self.data, at),
                f"the frame body is a described value with descriptor {_descriptor_text(performative.descriptor)}, "
                "not a performative (§2.7)",
                at,
            )
            return None
        if frame.payload and type(performative) is not Transfer:
            yield self._error(
                payload_at,
                f"{len(frame.payload)} bytes after the {name} performative, which defines no payload "
                "(§2.3.2; only transfer does): the frame's SIZE is probably corrupt",
                at,
            )
            return payload_at
        if note is None and performative is not None and not isinstance(performative, SaslBody):
            yield from self._assemble(frame, at, payload_at)
        return None

    def _note(self, frame: Frame) -> str | None:
        """For a transfer continuing a delivery whose start was lost: why it is not assembled."""
        transfer: Any = frame.performative
        handle = transfer.handle
        if not self._lossy or type(handle) is bool or not isinstance(handle, int):
            return None
        key = (frame.channel, int(handle))
        if key in self._unseen:
            if not transfer.more or transfer.aborted:
                self._unseen.discard(key)
            return "continues a delivery whose first frame was not read"
        if key not in self._pending and transfer.delivery_id is None:
            if transfer.more and not transfer.aborted:
                self._unseen.add(key)
            return "continues a delivery whose first frame was not read"
        return None

    def _assemble(self, frame: Frame, at: int, payload_at: int) -> Iterator[Event]:
        performative: Any = frame.performative
        try:
            result = self._assembler.feed(frame)
        except DecodeError as error:
            if type(performative) is Transfer and isinstance(performative.handle, int):
                self._pending.pop((frame.channel, int(performative.handle)), None)
            yield self._error(at, error, at)
            return
        kind = type(performative)
        if kind is Transfer:
            key = (frame.channel, int(performative.handle))
            pending = self._pending.get(key)
            if pending is None:
                pending = self._pending[key] = _Pending(at)
            pending.frames += 1
            if frame.payload:
                pending.spans.append((payload_at, len(frame.payload)))
            if result is not None or not performative.more or performative.aborted:
                del self._pending[key]
            if isinstance(result, Delivery):
                yield from self._message(result, pending, at)
        elif kind is Detach and isinstance(performative.handle, int):
            self._pending.pop((frame.channel, int(performative.handle)), None)
        elif kind is End:
            self._pending = {key: value for key, value in self._pending.items() if key[0] != frame.channel}
        elif kind is Close:
            self._pending.clear()

    def _message(self, delivery: Delivery, pending: _Pending, last_at: int) -> Iterator[Event]:
        message = None
        if delivery.message_format == 0:
            try:
                message = Message.decode(delivery.payload, limits=self.limits)
            except DecodeError as error:
                at = pending.locate(error.offset or 0)
                text = str(error.args[0]) if error.args else ""
                error.args = (f"the message of delivery {delivery.delivery_id}: {text}", *error.args[1:])
                yield self._error(at, error, pending.first_offset)
                return
        yield MessageEvent(
            self.direction,
            self.base + pending.first_offset,
            self.base + last_at,
            pending.frames,
            delivery,
            message,
        )
