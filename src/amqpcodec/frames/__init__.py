"""Frames and protocol headers, sans-IO (OASIS AMQP 1.0 Part 2 §2.2-2.3, Part 5 §5.2-5.3).

Strategy: :class:`FrameReader` owns one ``bytearray`` of unread bytes, an index into it
and the absolute stream offset of its first byte.  ``next_event()`` looks at the next
unit: a protocol header (8 bytes, §2.2) where one may stand, else a frame whose 8-byte
header (§2.3.1) is checked as soon as it is in, before any of the body is buffered.
A complete frame is consumed *before* its body is decoded, so a body fault costs that
frame only.  The body is copied out (``bytes``) and decoded with the value backend's
``decode_prefix``, bounded by the frame's SIZE; its typed performative comes from
``to_typed``.  Nothing in this module does I/O.

The general path below is the reference implementation, and the only one the pure
backend runs.  With the compiled backend, once the phase is ``amqp``, each frame first
takes the hot path: the compiled ``decode_frame`` reads a complete, well-formed AMQP
frame in one call (the performative decoded in place, straight into its class) given
:data:`_FRAME_PLAN` (a ``_seam.FramePlan``); for anything else (too few bytes, a
fault, an unusual body) it returns ``None`` or raises, and the general path reads the
frame again and reports it.  The backend is read at call time (``_backend.current()``).

The connection phases the reader tracks (§2.2, Part 5 §5.3.2, §5.2.1)::

    header --AMQP 0 1.0.0--> amqp      (frames of type 0x00 only)
    header --AMQP 3 1.0.0--> sasl      (frames of type 0x01; a header may follow ANY
                                        frame, since clients pipeline the AMQP header)
    sasl   --sasl-outcome--> header
    header --AMQP 2 1.0.0--> header    (feed the decrypted stream, which opens with a header)

With ``expect_header=False`` the phase is unknown until the first frame: its type
picks ``amqp`` or ``sasl``, and a header may stand at any frame boundary until then.

Decisions where the contract is silent:

- Error offsets.  A framing fault (SIZE, DOFF, TYPE) and an unsupported protocol header
  are reported at the first byte of the header or frame.  A body fault's ``.offset`` is
  the absolute stream offset of the fault inside the body (the value layer's
  convention), or of the performative's first byte for a missing mandatory field or a
  non-list body; the message names the frame, and every error raised for a frame also
  carries ``frame_offset`` (the frame's first byte) in its ``__dict__`` (so it pickles).
- A SASL frame in the ``amqp`` phase, an AMQP frame in the ``sasl`` phase and a protocol
  header after the AMQP header are framing errors (fatal), like an unknown frame type.
- Only version 1.0.0 is accepted for protocol ids 0, 2 and 3; any other version or id is
  an :class:`~amqpcodec.errors.UnsupportedProtocolError` naming it.
- An empty SASL frame, a SASL frame holding anything but one SASL body (an unknown
  descriptor included), and an AMQP frame holding a known composite that is not a
  performative (a ``source``, a SASL body) are body faults (``DecodeError``).  An AMQP
  frame with an *unknown* descriptor yields the generic ``Described``.  Any AMQP
  performative may carry payload bytes (§2.3.2 leaves their meaning to the performative).
- The reader does not lower its limit to 512 bytes before ``open`` (§2.4.1); set
  ``reader.max_frame_size`` for that.  SASL frames' channel bytes (ignored by
  Part 5 §5.3.1) are reported as ``channel`` as they are.
- ``feed()`` refuses (``LimitExceededError``, ``limit="max_buffered_bytes"``, not fatal)
  data that would make the unread bytes exceed ``limits.max_buffered_bytes``; nothing is
  taken, so the caller may drain events and feed again.  ``feed()`` after ``feed_eof()``
  is a caller error (``RuntimeError``); ``next_event()`` after the end returns the events
  still complete, then ``NEED_DATA``.
- ``encode_frame``: SASL bodies carry no payload and a heartbeat none (``EncodeError``);
  SASL frames are written with the channel given (0 by default); an ``EncodeError`` from
  inside a composite gets a field path such as ``transfer.state.txn_id``.
- ``encode_transfer``: when the delivery fits one frame the transfer is written as
  given; otherwise every frame but the last has ``more=True`` and the last keeps the
  caller's ``more`` (so a delivery can be streamed over several calls); continuation
  frames drop delivery-id, delivery-tag and message-format and keep every other field.
  Each frame must carry at least one payload byte, else ``amqp:frame-size-too-small``.
- ``TransferAssembler``: the first transfer of a delivery must carry delivery-id and
  delivery-tag (§2.7.5), else ``DecodeError``; an absent message-format is 0; a
  continuation's delivery-id, delivery-tag or message-format differing from the
  first's is a ``DecodeError`` that also drops the partial delivery.  Decoded composites
  keep the types a peer sent, so the transfer fields the assembler reads (and a detach's
  handle) are checked: a wrong type is a ``DecodeError`` naming the field.
  ``max_message_size`` bounds each delivery's payload and all partial deliveries
  together, each counted as its payload plus ``PARTIAL_DELIVERY_OVERHEAD`` plus what
  its ``state`` and its delivery-tag's octets past 32 hold (unless it is the only one); after either is exceeded (``LimitExceededError``) the rest of that
  frame's delivery is dropped silently and the other deliveries are kept.  ``close``
  discards every partial delivery, as ``end`` does its channel's and ``detach`` its link's.
- ``find_frame_boundary`` only proposes offsets whose header and performative
  descriptor (matching the frame type) are wholly in ``buf``; protocol headers are not
  proposed, though one may be the frame's follower.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import struct
import sys
import uuid
from collections.abc import Iterator
from typing import Any, Final, Literal, NoReturn

from ._backend import current
from ._composite import REGISTRY, Composite, field_path, to_typed
from ._seam import FramePlan
from .errors import (
    FRAME_SIZE_TOO_SMALL,
    DecodeError,
    EncodeError,
    FramingError,
    IncompleteError,
    LimitExceededError,
    UnsupportedProtocolError,
    UnsupportedTypeError,
)
from .limits import DEFAULT_LIMITS, Limits
from .performatives import Close, Detach, End, Performative, SaslBody, SaslOutcome, Transfer
from .types import Array, Described, UInt

__all__ = [
    "FrameReader",
    "Frame",
    "ProtocolHeader",
    "NEED_DATA",
    "encode_frame",
    "encode_transfer",
    "TransferAssembler",
    "PARTIAL_DELIVERY_OVERHEAD",
    "DROPPED_DELIVERY_OVERHEAD",
    "Delivery",
    "AbortedDelivery",
    "find_frame_boundary",
]

# §2.3.1: SIZE (uint, the whole frame), DOFF (ubyte, 4-byte words up to the body),
# TYPE (ubyte), then two type-specific bytes: the channel of an AMQP frame.
_FRAME_HEADER = struct.Struct(">IBBH")
_FRAME_HEADER_SIZE = _FRAME_HEADER.size
_MIN_DOFF = 2
_MAX_SIZE = 0xFFFFFFFF
_MAX_CHANNEL = 0xFFFF

#: Frame types (§2.3.1, Part 5 §5.3.1) by the base class of their bodies; each code is
#: written once, as the class's FRAME_TYPE.
_BODY_CLASS: dict[int, type[Composite]] = {cls.FRAME_TYPE: cls for cls in (Performative, SaslBody)}
_AMQP_FRAME: Final = Performative.FRAME_TYPE
_SASL_FRAME: Final = SaslBody.FRAME_TYPE

#: Numeric descriptors of the bodies each frame type may carry (§2.7, Part 5 §5.3.3).
_BODY_CODES: dict[int, frozenset[int]] = {
    frame_type: frozenset(int(cls.DESCRIPTOR) for cls in set(REGISTRY.values()) if issubclass(cls, base))
    for frame_type, base in _BODY_CLASS.items()
}

# §2.2 (id 0), Part 5 §5.2.1 (id 2, TLS) and §5.3.2 (id 3, SASL): "AMQP" id major minor revision.
_MAGIC = b"AMQP"
_PROTOCOL_HEADER_SIZE = 8
_VERSION = b"\x01\x00\x00"
_PROTOCOL_NAMES = {0: "AMQP", 2: "TLS", 3: "SASL"}

# Reader phases.
_HEADER, _AMQP, _SASL, _ANY = "header", "amqp", "sasl", "unknown"
_PHASE_AFTER_HEADER = {0: _AMQP, 2: _HEADER, 3: _SASL}
_PHASE_OF_FRAME_TYPE = {_AMQP_FRAME: _AMQP, _SASL_FRAME: _SASL}

#: Headers of earlier AMQP versions (as RabbitMQ's reader knows them).
_OTHER_AMQP = {
    b"\x00\x00\x09\x01": "AMQP 0-9-1",
    b"\x01\x01\x00\x09": "AMQP 0-9",
    b"\x01\x01\x08\x00": "AMQP 0-8",
    b"\x01\x01\x09\x01": "AMQP 0-8",  # the header printed in the 0-8 specification
    b"\x01\x01\x00\x0a": "AMQP 0-10",
}
_HTTP_STARTS = (b"GET ", b"POST", b"PUT ", b"HEAD", b"HTTP", b"OPTI", b"DELE", b"PATC", b"CONN")


def _hex(data: bytes) -> str:
    """hyperframe's style: payloads shown as truncated hex."""
    if not data:
        return "b''"
    more = "..." if len(data) > 20 else ""
    return f"<{len(data)} bytes: {data[:20].hex()}{more}>"


class _Record:
    """Pickling for frozen slotted dataclasses on every supported Python (3.10 included)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), tuple(getattr(self, f.name) for f in dataclasses.fields(self)))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- events


@dataclasses.dataclass(frozen=True, slots=True)
class ProtocolHeader(_Record):
    """A protocol header (§2.2; TLS Part 5 §5.2.1; SASL §5.3.2): ``b"AMQP"`` id major minor revision.

    ``protocol_id`` is 0 for AMQP, 2 for TLS, 3 for SASL; ``bytes(header)`` gives the
    8 bytes.  ``offset`` is where it starts in the stream read.
    """

    offset: int
    protocol_id: int
    major: int = 1
    minor: int = 0
    revision: int = 0

    def __bytes__(self) -> bytes:
        return _MAGIC + bytes((self.protocol_id, self.major, self.minor, self.revision))

    @property
    def layer(self) -> str:
        """``"AMQP"``, ``"TLS"`` or ``"SASL"`` (``"unknown"`` for any other id)."""
        return _PROTOCOL_NAMES.get(self.protocol_id, "unknown")


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Frame(_Record):
    """One frame (§2.3.1): its stream offset, TYPE, channel, extended header and body.

    ``performative`` is the typed body (a :class:`~amqpcodec.performatives.Performative`
    or :class:`~amqpcodec.performatives.SaslBody`), the generic ``Described`` for an AMQP
    frame with an unknown descriptor, or ``None`` for an empty (heartbeat) frame;
    ``payload`` holds the body bytes after the performative (§2.3.2), ``b""`` if none.
    """

    offset: int
    type: int
    channel: int
    extended_header: bytes
    performative: Performative | SaslBody | Described | None
    payload: bytes

    def __repr__(self) -> str:
        extended = f", extended_header={_hex(self.extended_header)}" if self.extended_header else ""
        return (
            f"Frame(offset={self.offset}, type={self.type}, channel={self.channel}{extended}, "
            f"performative={self.performative!r}, payload={_hex(self.payload)})"
        )


_new_object = object.__new__
_FRAME_SLOTS = tuple(Frame.__dict__[f.name].__set__ for f in dataclasses.fields(Frame))


def _new_frame(
    offset: int, frame_type: int, channel: int, extended: bytes, performative: Any, payload: bytes
) -> Frame:
    """``Frame(...)`` without the frozen dataclass's ``__init__`` (a third of its cost): the reader's fast path."""
    frame: Frame = _new_object(Frame)
    set_offset, set_type, set_channel, set_extended, set_performative, set_payload = _FRAME_SLOTS
    set_offset(frame, offset)
    set_type(frame, frame_type)
    set_channel(frame, channel)
    set_extended(frame, extended)
    set_performative(frame, performative)
    set_payload(frame, payload)
    return frame


class NeedData(enum.Enum):
    """The type of :data:`NEED_DATA` (h11's sentinel pattern: a one-member enum)."""

    NEED_DATA = "NEED_DATA"

    def __repr__(self) -> str:
        return "NEED_DATA"


#: Returned by :meth:`FrameReader.next_event` when more bytes are needed.
NEED_DATA: Final = NeedData.NEED_DATA

Event = ProtocolHeader | Frame


# --------------------------------------------------------------------------- errors


def _in_frame(error: DecodeError, frame_offset: int) -> DecodeError:
    error.__dict__["frame_offset"] = frame_offset
    return error


def _framing_error(message: str, frame_offset: int) -> FramingError:
    return _in_frame(FramingError(message, offset=frame_offset), frame_offset)  # type: ignore[return-value]


def _describe_header(raw: bytes) -> str:
    """What 8 bytes that are not an AMQP 1.0 header are (§2.2 asks to name the mismatch)."""
    if raw[:4] == _MAGIC:
        known = _OTHER_AMQP.get(raw[4:])
        if known is not None:
            return f"{known} (header {raw!r})"
        name = _PROTOCOL_NAMES.get(raw[4])
        if name is None:
            return f"an AMQP header with unknown protocol id {raw[4]} ({raw!r})"
        return f"{name} header for version {raw[5]}.{raw[6]}.{raw[7]} ({raw!r})"
    if raw[0] == 0x16 and raw[1] == 0x03 and raw[2] <= 0x04:
        return "TLS ClientHello (TLS without the AMQP TLS header)"
    if raw.startswith(_HTTP_STARTS):
        return f"an HTTP request ({raw!r}; AMQP over WebSocket must be unwrapped first)"
    return f"not a protocol header ({raw!r})"


def _header_fault(size: int, doff: int, frame_type: int, limit: int, phase: str, raw: bytes) -> str | None:
    """Why a frame header is malformed or out of place (§2.3.1), or None if it is fine."""
    if raw[:4] == _MAGIC:
        return f"a protocol header ({raw!r}) where a frame was expected"
    if size < _FRAME_HEADER_SIZE:
        return f"frame SIZE {size} is less than the 8-byte frame header"
    if doff < _MIN_DOFF:
        return f"frame DOFF {doff} is less than 2"
    if doff * 4 > size:
        return f"frame DOFF {doff} puts the body at byte {doff * 4}, past the frame's SIZE {size}"
    if size > limit:
        return f"frame SIZE {size} exceeds the maximum frame size {limit}"
    if frame_type not in _BODY_CLASS:
        return f"unknown frame type 0x{frame_type:02x}"
    if phase == _AMQP and frame_type == _SASL_FRAME:
        return "a SASL frame (type 0x01) after the AMQP protocol header"
    if phase == _SASL and frame_type == _AMQP_FRAME:
        return "an AMQP frame (type 0x00) during the SASL exchange, with no AMQP header before it"
    return None


# --------------------------------------------------------------------------- reader


class FrameReader:
    """Turns received bytes into :class:`ProtocolHeader` and :class:`Frame` events (sans-IO).

    ``feed()`` bytes as they arrive; call ``next_event()`` (or iterate) until it returns
    :data:`NEED_DATA`.  Offsets count from the first byte fed.  A framing fault or an
    unsupported protocol header is fatal (raised again on every later call); a body
    fault raises :class:`DecodeError` and consumes only its frame.  Not thread-safe:
    one reader per connection direction.
    """

    __slots__ = ("_base", "_buf", "_eof", "_fatal", "_max_frame_size", "_phase", "_pos", "limits")

    def __init__(self, *, limits: Limits = DEFAULT_LIMITS, expect_header: bool = True) -> None:
        self.limits = limits
        self._max_frame_size = limits.max_frame_size
        self._buf = bytearray()
        self._pos = 0
        self._base = 0
        self._phase = _HEADER if expect_header else _ANY
        self._fatal: DecodeError | None = None
        self._eof = False

    @property
    def max_frame_size(self) -> int:
        """The largest frame SIZE accepted: the max-frame-size we sent in ``open`` (§2.7.1)."""
        return self._max_frame_size

    @max_frame_size.setter
    def max_frame_size(self, value: int) -> None:
        if type(value) is not int or not 512 <= value <= self.limits.max_frame_size:
            raise ValueError(
                f"max_frame_size must be an int from 512 to limits.max_frame_size "
                f"({self.limits.max_frame_size}), not {value!r}"
            )
        self._max_frame_size = value

    @property
    def offset(self) -> int:
        """The stream offset of the next unread byte (where the next event starts)."""
        return self._base + self._pos

    @property
    def buffered(self) -> int:
        """How many bytes are fed but not yet returned as events."""
        return len(self._buf) - self._pos

    def __repr__(self) -> str:
        state = "failed" if self._fatal is not None else self._phase
        return (
            f"<FrameReader offset={self.offset} buffered={self.buffered} phase={state} "
            f"max_frame_size={self._max_frame_size}{' eof' if self._eof else ''}>"
        )

    def _raise_fatal(self, error: DecodeError) -> NoReturn:
        self._fatal = error
        raise error

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Add received bytes.  Raises ``LimitExceededError`` (taking none of them) if the
        unread bytes would exceed ``limits.max_buffered_bytes``."""
        if self._fatal is not None:
            raise self._fatal.with_traceback(None)
        size = len(data) if type(data) is not memoryview else data.nbytes
        if not size:
            return
        if self._eof:
            raise RuntimeError("FrameReader.feed() after feed_eof()")
        buf = self._buf
        if self._pos:
            del buf[: self._pos]
            self._base += self._pos
            self._pos = 0
        if len(buf) + size > self.limits.max_buffered_bytes:
            raise LimitExceededError(
                f"{len(buf) + size} unread bytes would exceed max_buffered_bytes={self.limits.max_buffered_bytes}",
                offset=self._base + len(buf),
                limit="max_buffered_bytes",
            )
        buf += data

    def feed_eof(self) -> None:
        """Mark the end of the stream; ``IncompleteError`` if it ends inside a header or frame."""
        if self._fatal is not None:
            raise self._fatal.with_traceback(None)
        self._eof = True
        partial = self._partial_unit()
        if partial is not None:
            start, have, need, what = partial
            error = IncompleteError(
                f"the stream ended inside a {what}: {have} of {need} bytes",
                offset=self._base + start,
            )
            raise _in_frame(error, self._base + start) if what == "frame" else error

    def _partial_unit(self) -> tuple[int, int, int | str, str] | None:
        """The unread unit (header or frame) the buffered bytes end inside, if any."""
        buf, pos, end, phase = self._buf, self._pos, len(self._buf), self._phase
        while pos < end:
            avail = end - pos
            head = bytes(buf[pos : pos + 4])
            if phase == _HEADER or (phase != _AMQP and _MAGIC.startswith(head)):
                need, what = _PROTOCOL_HEADER_SIZE, "protocol header"
                phase = _ANY
            elif avail < 4:
                return pos, avail, "at least 8", "frame"
            else:
                need, what = int.from_bytes(head, "big"), "frame"
                if not _FRAME_HEADER_SIZE <= need <= self._max_frame_size:
                    return None  # a framing fault: next_event() reports it
            if avail < need:
                return pos, avail, need, what
            pos += need
        return None

    def __iter__(self) -> Iterator[Event]:
        """A new generator of the events now complete (it stops at ``NEED_DATA``)."""
        return self._events()

    def _events(self) -> Iterator[Event]:
        next_event = self.next_event
        while True:
            event = next_event()
            if event is NEED_DATA:
                return
            yield event

    def next_event(self) -> ProtocolHeader | Frame | Literal[NeedData.NEED_DATA]:
        """The next :class:`ProtocolHeader` or :class:`Frame`, or :data:`NEED_DATA`."""
        if self._fatal is not None:
            raise self._fatal.with_traceback(None)
        buf = self._buf
        pos = self._pos
        compiled = current().compiled
        if self._phase == _AMQP and compiled is not None:
            try:
                found = compiled.decode_frame(buf, pos, self._base, self._max_frame_size, self.limits, _FRAME_PLAN)
            except DecodeError:
                found = None  # read again below, to report it in full
            if found is not None:
                self._pos = found[1]
                return found[0]  # type: ignore[no-any-return]
        avail = len(buf) - pos
        phase = self._phase
        if phase == _HEADER:
            return self._protocol_header() if avail >= _PROTOCOL_HEADER_SIZE else NEED_DATA
        if phase != _AMQP:
            # SASL (or unknown): a protocol header may stand at any frame boundary.
            head = buf[pos : pos + 4]
            if _MAGIC.startswith(head):
                if avail >= _PROTOCOL_HEADER_SIZE:
                    return self._protocol_header()
                return NEED_DATA
        if avail < _FRAME_HEADER_SIZE:
            return NEED_DATA
        size, doff, frame_type, channel = _FRAME_HEADER.unpack_from(buf, pos)
        if (
            size > self._max_frame_size
            or doff < _MIN_DOFF
            or doff * 4 > size
            or _PHASE_OF_FRAME_TYPE.get(frame_type, _HEADER) != phase
        ):
            fault = _header_fault(size, doff, frame_type, self._max_frame_size, phase, bytes(buf[pos : pos + 8]))
            if fault is not None:
                self._raise_fatal(_framing_error(fault, self._base + pos))
            self._phase = phase = _PHASE_OF_FRAME_TYPE[frame_type]
        if avail < size:
            return NEED_DATA
        offset = self._base + pos
        end = pos + size
        self._pos = end
        body_at = pos + doff * 4
        extended = bytes(buf[pos + _FRAME_HEADER_SIZE : body_at]) if doff != _MIN_DOFF else b""
        if body_at == end:
            if frame_type != _AMQP_FRAME:
                raise _in_frame(
                    DecodeError(f"an empty SASL frame at offset {offset}: only AMQP frames may be empty", offset=offset),
                    offset,
                )
            return _new_frame(offset, frame_type, channel, extended, None, b"")
        body = bytes(buf[body_at:end])
        body_offset = self._base + body_at
        performative, used = self._performative(body, frame_type, offset, body_offset)
        if frame_type == _AMQP_FRAME:
            payload = body[used:] if used < len(body) else b""
        else:
            if used != len(body):
                raise _in_frame(
                    DecodeError(
                        f"{len(body) - used} bytes after the SASL body in the frame at offset {offset}",
                        offset=body_offset + used,
                    ),
                    offset,
                )
            payload = b""
            if type(performative) is SaslOutcome:
                self._phase = _HEADER  # Part 5 §5.3.2: a new protocol header follows the outcome
        return _new_frame(offset, frame_type, channel, extended, performative, payload)

    def _protocol_header(self) -> ProtocolHeader:
        pos = self._pos
        raw = bytes(self._buf[pos : pos + _PROTOCOL_HEADER_SIZE])
        offset = self._base + pos
        protocol_id = raw[4]
        if raw[:4] != _MAGIC or protocol_id not in _PROTOCOL_NAMES or raw[5:] != _VERSION:
            self._raise_fatal(
                UnsupportedProtocolError(
                    f"unsupported protocol: {_describe_header(raw)}; expected an AMQP 1.0.0 header (§2.2)",
                    offset=offset,
                )
            )
        self._pos = pos + _PROTOCOL_HEADER_SIZE
        self._phase = _PHASE_AFTER_HEADER[protocol_id]
        return ProtocolHeader(offset, protocol_id, raw[5], raw[6], raw[7])

    def _performative(self, body: bytes, frame_type: int, offset: int, body_offset: int) -> tuple[Any, int]:
        """Decode the described performative opening a frame body (§2.3.2); return it and its end."""
        where = f" in the frame at offset {offset}"
        try:
            value, used = current().decode_prefix(body, 0, self.limits)
        except IncompleteError as error:
            raise _in_frame(
                DecodeError(
                    f"{error.args[0]}, past the end of the frame body{where}",
                    offset=body_offset + (error.offset or 0),
                    constructor=error.constructor,
                ),
                offset,
            ) from None
        except DecodeError as error:
            error.args = (f"{error.args[0]}{where}", *error.args[1:])
            error.offset = body_offset + (error.offset or 0)
            raise _in_frame(error, offset) from None
        if type(value) is not Described:
            raise _in_frame(
                DecodeError(f"a frame body must open with a described performative{where}", offset=body_offset),
                offset,
            )
        try:
            performative = to_typed(value)
        except DecodeError as error:
            error.args = (f"{error.args[0]}{where}", *error.args[1:])
            if error.offset is None:
                error.offset = body_offset
            else:
                error.offset += body_offset
            raise _in_frame(error, offset) from None
        if not isinstance(performative, _BODY_CLASS[frame_type]) and (
            frame_type != _AMQP_FRAME or type(performative) is not Described
        ):
            name = performative.SPEC.name if isinstance(performative, Composite) else "an unknown descriptor"
            kind = "an AMQP performative" if frame_type == _AMQP_FRAME else "a SASL body"
            raise _in_frame(
                DecodeError(f"{name} is not {kind} (frame type 0x{frame_type:02x}){where}", offset=body_offset),
                offset,
            )
        return performative, used


#: What the compiled ``decode_frame`` needs of this module.
_FRAME_PLAN = FramePlan(
    frame_slots=_FRAME_SLOTS,
    frame_class=Frame,
    body_class=_BODY_CLASS[_AMQP_FRAME],
    registry=REGISTRY,
    amqp_type=_AMQP_FRAME,
    min_doff=_MIN_DOFF,
    header=_FRAME_HEADER,
)


# --------------------------------------------------------------------------- resynchronising


def _known_descriptor(data: Any, at: int, stop: int, frame_type: int) -> bool:
    """Whether ``data[at:stop]`` opens with a described performative of ``frame_type``."""
    if at + 3 > stop or data[at] != 0x00:
        return False
    if data[at + 1] == 0x53:  # smallulong
        code = data[at + 2]
    elif data[at + 1] == 0x80 and at + 10 <= stop:  # ulong
        code = int.from_bytes(data[at + 2 : at + 10], "big")
    else:
        return False
    return code in _BODY_CODES[frame_type]


def _plausible_header(data: Any, at: int, n: int, limits: Limits) -> tuple[int, int, int] | None:
    """SIZE, DOFF and TYPE if the 8 bytes at ``at`` make a well-formed frame header."""
    size, doff, frame_type, _ = _FRAME_HEADER.unpack_from(data, at)
    if frame_type not in _BODY_CLASS or doff < _MIN_DOFF or doff * 4 > size or size > limits.max_frame_size:
        return None
    return size, doff, frame_type


def _plausible_follower(data: Any, at: int, n: int, limits: Limits) -> bool:
    """Whether what starts at ``at`` (possibly cut short by the end of ``data``) may be a
    protocol header or a frame."""
    head = bytes(data[at : at + 4])
    if _MAGIC.startswith(head):
        return True
    if n - at < _FRAME_HEADER_SIZE:
        rest = bytes(data[at:n]) + b"\x00" * (_FRAME_HEADER_SIZE - (n - at))
        size, doff, frame_type, _ = _FRAME_HEADER.unpack(rest)
        available = n - at
        return (
            (available < 4 or _FRAME_HEADER_SIZE <= size <= limits.max_frame_size)
            and (available < 5 or doff >= _MIN_DOFF)
            and (available < 6 or frame_type in _BODY_CLASS)
        )
    header = _plausible_header(data, at, n, limits)
    if header is None:
        return False
    size, doff, frame_type = header
    body_at = at + doff * 4
    if size == doff * 4 or body_at + 3 > n:
        return True
    return _known_descriptor(data, body_at, min(at + size, n), frame_type)


def find_frame_boundary(
    buf: bytes | bytearray | memoryview, start: int, *, limits: Limits = DEFAULT_LIMITS
) -> int | None:
    """The first offset ≥ ``start`` in ``buf`` where a plausible frame begins, or None.

    Plausible (§2.3.1): SIZE within ``limits.max_frame_size``, DOFF ≥ 2, DOFF*4 ≤ SIZE,
    TYPE 0x00 or 0x01, a body opening with a performative descriptor of that frame type
    (``00 53 xx`` or ``00 80 <8 bytes>``), and, when the whole frame is in ``buf``, the
    end of ``buf`` or another plausible header or frame right after it.  For resyncing a
    damaged capture (the CLI); a reader never does this by itself.
    """
    data: Any = buf if type(buf) in (bytes, bytearray) else memoryview(buf).cast("B")
    n = len(data)
    for at in range(max(start, 0), n - _FRAME_HEADER_SIZE + 1):
        if data[at + 5] not in _BODY_CLASS or data[at + 4] < _MIN_DOFF:
            continue
        header = _plausible_header(data, at, n, limits)
        if header is None:
            continue
        size, doff, frame_type = header
        end = at + size
        if not _known_descriptor(data, at + doff * 4, min(end, n), frame_type):
            continue
        if end >= n or _plausible_follower(data, end, n, limits):
            return at
    return None


# --------------------------------------------------------------------------- encoding



def _encode_body(performative: Any) -> tuple[int, bytes]:
    """The frame type and encoded bytes of a frame body's performative."""
    if isinstance(performative, Performative):
        frame_type = _AMQP_FRAME
    elif isinstance(performative, SaslBody):
        frame_type = _SASL_FRAME
    elif type(performative) is Described:
        frame_type = _AMQP_FRAME
    else:
        raise UnsupportedTypeError(
            f"a frame body is a performative, a SASL body or a Described, not {type(performative).__name__}",
            path="performative",
        )
    try:
        return frame_type, current().encode(performative, DEFAULT_LIMITS)
    except EncodeError as error:
        error.path = field_path(performative, error.path)
        raise


def _frame(frame_type: int, channel: int, body: bytes, payload: Any, limit: int) -> bytes:
    size = _FRAME_HEADER_SIZE + len(body) + len(payload)
    if size > limit:
        if _FRAME_HEADER_SIZE + len(body) > limit:
            raise EncodeError(
                f"the performative needs a {_FRAME_HEADER_SIZE + len(body)}-byte frame; the maximum frame size is {limit}",
                condition=FRAME_SIZE_TOO_SMALL,
            )
        raise EncodeError(
            f"performative and payload need a {size}-byte frame; the maximum frame size is {limit} "
            "(split transfers with encode_transfer)"
        )
    out = bytearray(_FRAME_HEADER_SIZE)
    out += body
    out += payload
    _FRAME_HEADER.pack_into(out, 0, size, _MIN_DOFF, frame_type, channel)
    return bytes(out)


def _check_channel(channel: int) -> None:
    if type(channel) is not int or not 0 <= channel <= _MAX_CHANNEL:
        raise EncodeError(f"a channel is a ushort (0 to 65535), not {channel!r}", path="channel")


def _payload_bytes(payload: Any) -> bytes | bytearray | memoryview:
    if isinstance(payload, memoryview):
        return payload.cast("B") if payload.format != "B" or payload.ndim != 1 else payload
    if isinstance(payload, (bytes, bytearray)):
        return payload
    raise UnsupportedTypeError(f"a payload is bytes, not {type(payload).__name__}", path="payload")


def _limit(max_frame_size: int | None) -> int:
    return _MAX_SIZE if max_frame_size is None else min(max_frame_size, _MAX_SIZE)


def encode_frame(
    performative: Performative | SaslBody | Described | None,
    channel: int = 0,
    payload: bytes | bytearray | memoryview = b"",
    *,
    max_frame_size: int | None = None,
) -> bytes:
    """One frame (§2.3.1): header (DOFF 2), the performative's canonical encoding, payload.

    The frame type comes from the body's class (``SaslBody`` → 0x01, else 0x00);
    ``None`` makes an empty (heartbeat) frame.  A performative that cannot fit
    ``max_frame_size`` raises ``EncodeError`` with condition ``amqp:frame-size-too-small``;
    performative plus payload over it is an ``EncodeError`` too.
    """
    _check_channel(channel)
    data = _payload_bytes(payload)
    if performative is None:
        if len(data):
            raise EncodeError("an empty (heartbeat) frame carries no payload", path="payload")
        return _frame(_AMQP_FRAME, channel, b"", b"", _limit(max_frame_size))
    frame_type, body = _encode_body(performative)
    if frame_type == _SASL_FRAME and len(data):
        raise EncodeError("a SASL frame holds exactly one SASL body and no payload", path="payload")
    return _frame(frame_type, channel, body, data, _limit(max_frame_size))


def encode_transfer(
    transfer: Transfer,
    payload: bytes | bytearray | memoryview,
    *,
    channel: int = 0,
    max_frame_size: int,
) -> list[bytes]:
    """A delivery's transfer frames (§2.6.14, §2.7.5), split to fit ``max_frame_size``.

    ``more=True`` on every frame but the last; delivery-id, delivery-tag and
    message-format only on the first.
    """
    if not isinstance(transfer, Transfer):
        raise UnsupportedTypeError(f"encode_transfer needs a Transfer, not {type(transfer).__name__}", path="transfer")
    _check_channel(channel)
    data = _payload_bytes(payload)
    limit = _limit(max_frame_size)
    _, single = _encode_body(transfer)
    if _FRAME_HEADER_SIZE + len(single) + len(data) <= limit:
        return [_frame(_AMQP_FRAME, channel, single, data, limit)]
    continuation = transfer.replace(delivery_id=None, delivery_tag=None, message_format=None)
    bodies = [
        _encode_body(transfer.replace(more=True))[1],
        _encode_body(continuation.replace(more=True))[1],
        _encode_body(continuation)[1],
    ]
    first, middle, last = (limit - _FRAME_HEADER_SIZE - len(body) for body in bodies)
    if min(first, middle, last) < 1:
        raise EncodeError(
            f"a transfer frame of at most {limit} bytes has no room for payload",
            condition=FRAME_SIZE_TOO_SMALL,
        )
    frames = [_frame(_AMQP_FRAME, channel, bodies[0], data[:first], limit)]
    at, total = first, len(data)
    while total - at > last:
        frames.append(_frame(_AMQP_FRAME, channel, bodies[1], data[at : at + middle], limit))
        at += middle
    frames.append(_frame(_AMQP_FRAME, channel, bodies[2], data[at:], limit))
    return frames


# --------------------------------------------------------------------------- deliveries


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Delivery(_Record):
    """A whole delivery (§2.6.12) assembled from its transfer frames.

    ``settled`` is true if any of its frames set it; ``state`` is the last one sent;
    ``message_format`` is 0 when the first frame left it out.
    """

    channel: int
    handle: int
    delivery_id: int
    delivery_tag: bytes
    message_format: int
    settled: bool
    state: Any
    payload: bytes

    def __repr__(self) -> str:
        state = "" if self.state is None else f", state={self.state!r}"
        return (
            f"Delivery(channel={self.channel}, handle={self.handle!r}, delivery_id={self.delivery_id!r}, "
            f"delivery_tag={self.delivery_tag!r}, message_format={self.message_format!r}, "
            f"settled={self.settled}{state}, payload={_hex(self.payload)})"
        )


@dataclasses.dataclass(frozen=True, slots=True)
class AbortedDelivery(_Record):
    """A delivery its sender aborted (§2.7.5 ``aborted``); its payload is discarded."""

    channel: int
    handle: int
    delivery_id: int
    delivery_tag: bytes


class _Partial:
    """A delivery whose last frame has not come yet: what its first transfer set
    (not the transfer itself, so a replaced ``state`` is not kept through it)."""

    __slots__ = (
        "chunks",
        "delivery_id",
        "delivery_tag",
        "extra",
        "handle",
        "message_format",
        "settled",
        "size",
        "state",
    )

    def __init__(self, first: Transfer, delivery_id: int, delivery_tag: bytes) -> None:
        self.handle = first.handle
        self.delivery_id = delivery_id
        self.delivery_tag = delivery_tag
        self.message_format = first.message_format
        self.chunks: list[bytes] = []
        self.size = 0
        self.settled = bool(first.settled)
        self.state = first.state
        #: :func:`_extra_size` of the tag and the state, as counted in the assembler's sum
        #: (0 until the delivery is held: a one-frame delivery is never measured).
        self.extra = 0

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_partial, tuple(getattr(self, name) for name in _Partial.__slots__))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Partial) and self.__reduce__() == other.__reduce__()

    __hash__ = None  # type: ignore[assignment]


def _rebuild_partial(*values: Any) -> _Partial:
    partial: _Partial = _new_object(_Partial)
    for name, value in zip(_Partial.__slots__, values):
        setattr(partial, name, value)
    return partial


_ZERO = UInt(0)

#: Bytes a :class:`TransferAssembler` counts for each partial delivery besides its payload
#: (Part 2 §2.7.5): the delivery's Python objects (its first ``Transfer`` and the fields
#: decoded into it, the ``_Partial``, its index entries).  Measured with tracemalloc
#: (CPython 3.11, both backends, frames read by ``FrameReader``): an empty partial
#: delivery held 438-472 bytes on a new handle of one channel, 605-635 on a new channel
#: each, 666-670 with a 32-octet delivery-tag (§2.8.7) on a new channel each; rounded up.
#: What a partial delivery's ``state`` holds, and its delivery-tag's octets beyond 32, are
#: counted on top (see :func:`_held_size`).
PARTIAL_DELIVERY_OVERHEAD: Final = 1024

#: Bytes a :class:`TransferAssembler` counts for each refused delivery whose remaining
#: frames it drops (a (channel, handle) pair in its index).  Measured with tracemalloc
#: (CPython 3.11): 137 bytes each on new handles of one channel, 309 on new channels
#: each; rounded up.
DROPPED_DELIVERY_OVERHEAD: Final = 512

#: Delivery-tag octets that :data:`PARTIAL_DELIVERY_OVERHEAD` already covers (§2.8.7
#: allows at most 32; longer ones are kept, and their excess counted).
_COVERED_TAG_OCTETS: Final = 32

_getsizeof = sys.getsizeof
_UUID = uuid.UUID


def _held_size(value: Any) -> int:
    """Bytes a decoded value holds in Python objects: ``sys.getsizeof`` of it and of every
    part (items, keys and values, fields, descriptors, a uuid's int), shared objects
    counted each time they occur; within allocator rounding (measured: at most 14 %)
    of what tracemalloc sees, or above it.  Iterative, so any nesting the decoder let
    through is fine; linear in the value's parts, which its decode already cost."""
    total = 0
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        total += _getsizeof(item)
        if isinstance(item, (list, tuple)):
            extend(item)
        elif isinstance(item, dict):
            extend(item.keys())
            extend(item.values())
        elif isinstance(item, Composite):
            extend([getattr(item, name) for name in item._NAMES])
        elif isinstance(item, Described):
            push(item.descriptor)
            push(item.value)
        elif isinstance(item, Array):
            push(item.descriptor)
            push(item.items)
        elif isinstance(item, _UUID):
            push(item.int)  # its 128-bit int is a separate object
    return total


def _extra_size(delivery_tag: bytes, state: Any) -> int:
    """What a partial delivery holds beyond its payload and :data:`PARTIAL_DELIVERY_OVERHEAD`:
    its delivery-tag's octets past 32 and its ``state``."""
    extra = max(0, len(delivery_tag) - _COVERED_TAG_OCTETS)
    return extra if state is None else extra + _held_size(state)

#: The transfer fields the assembler reads, and the Python types their AMQP types decode to
#: (§2.7.5).  Decoded composites keep what the peer sent, so these are checked here.
_TRANSFER_FIELD_TYPES: tuple[tuple[str, type, str], ...] = (
    ("handle", int, "a uint"),
    ("delivery_id", int, "a uint"),
    ("delivery_tag", bytes, "a binary"),
    ("message_format", int, "a uint"),
    ("settled", bool, "a boolean"),
    ("more", bool, "a boolean"),
    ("aborted", bool, "a boolean"),
)


def _wrong_field(performative: Any, name: str, expected: str, frame: Frame) -> DecodeError:
    value = getattr(performative, name)
    spec = performative.SPEC.name
    return _in_frame(
        DecodeError(
            f"{spec}.{name} must be {expected}, not {type(value).__name__} {value!r}",
            offset=frame.offset,
            field=f"{spec}.{name}",
        ),
        frame.offset,
    )


def _check_transfer(transfer: Transfer, frame: Frame) -> None:
    for name, expected_type, expected in _TRANSFER_FIELD_TYPES:
        value = getattr(transfer, name)
        if value is not None and (
            not isinstance(value, expected_type) or (expected_type is int and isinstance(value, bool))
        ):
            raise _wrong_field(transfer, name, expected, frame)


class TransferAssembler:
    """Assembles transfer frames into deliveries (§2.6.12-14, §2.7.5), per (channel, handle).

    ``feed(frame)`` returns a :class:`Delivery` when a delivery's last frame arrives, an
    :class:`AbortedDelivery` when it is aborted, else ``None``.  Deliveries of several
    links and channels may interleave; a ``detach`` drops its link's partial delivery,
    an ``end`` its channel's, a ``close`` all.  Not thread-safe.

    Memory (Part 2 §2.7.5 transfer, §2.6.14 ``more``): a delivery is held until its frame
    with ``more`` false, and a peer may keep a partial delivery on every handle of every
    channel at once, so ``limits.max_message_size`` bounds both each delivery's payload
    and what all partial deliveries hold together, each counted as its payload plus
    :data:`PARTIAL_DELIVERY_OVERHEAD` bytes for its Python objects (so a delivery without
    payload is not free) plus what its ``state`` holds and its delivery-tag's octets past
    the 32 of §2.8.7 (so neither can hide memory in a field).  The sum is checked only
    when a frame would leave more than one delivery partial: a lone partial delivery is
    bounded by its payload alone, so one delivery of ``max_message_size`` bytes
    assembles however it is split.  The frame that
    would take either over raises :class:`~amqpcodec.errors.LimitExceededError`
    (``limit="max_message_size"``; the message gives the bytes and, for the sum, the
    number of partial deliveries and their payload).  After it, that frame's delivery
    is discarded (its bytes released and, if the frame had ``more``, its remaining frames
    dropped silently up to its last or aborted frame, or a detach, end or close); every
    other partial delivery is kept, and the error is not fatal to the assembler.  A
    delivery's last frame counts against the per-delivery bound only, since it takes the
    delivery out.  So between frames, what the assembler holds, counted so, is at most
    ``max_message_size`` (one overhead more while a single delivery is partial): at most
    ``max_message_size // PARTIAL_DELIVERY_OVERHEAD`` partial deliveries when there are
    several.  While joining a delivery it holds at most twice that.

    Deliveries being dropped are remembered by (channel, handle) alone, at most
    ``max(1, max_message_size // DROPPED_DELIVERY_OVERHEAD)`` of them at once: a budget
    of its own, so with it the assembler holds about twice ``max_message_size`` at most
    (that many bytes, counted so, of each).  A refused
    delivery beyond that is not remembered (the error says so): its later frames are
    then taken as they come, a DecodeError for a continuation without delivery-id, or a
    new delivery for one that repeats it.  Only a peer that leaves that many refused
    deliveries unfinished meets this.

    Cost: partial deliveries are indexed channel -> handle, so a transfer or a detach
    costs O(1) and an ``end`` or ``close`` O(1) plus the deliveries it discards,
    however many other deliveries are partial.
    """

    __slots__ = ("_count", "_dropped", "_dropping", "_extra", "_held", "_partial", "limits")

    def __init__(self, *, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        #: channel -> handle -> partial delivery; a channel with none has no entry.
        self._partial: dict[int, dict[int, _Partial]] = {}
        #: channel -> handles whose current delivery broke a limit and is being dropped.
        self._dropping: dict[int, set[int]] = {}
        #: How many (channel, handle) pairs ``_dropping`` holds.
        self._dropped = 0
        #: How many partial deliveries, and their payload bytes: with PARTIAL_DELIVERY_OVERHEAD
        #: for each, bounded by max_message_size whenever there are two or more.
        self._count = 0
        self._held = 0
        #: The partial deliveries' ``_Partial.extra`` (state, long tags), counted in the sum.
        self._extra = 0

    def __repr__(self) -> str:
        partial = sorted((channel, handle) for channel, links in self._partial.items() for handle in links)
        dropping = sorted((channel, handle) for channel, links in self._dropping.items() for handle in links)
        return f"<TransferAssembler partial={partial} dropping={dropping}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TransferAssembler):
            return NotImplemented
        return (self.limits, self._partial, self._dropping, self._count, self._held, self._extra, self._dropped) == (
            other.limits,
            other._partial,
            other._dropping,
            other._count,
            other._held,
            other._extra,
            other._dropped,
        )

    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> TransferAssembler:
        """An independent assembler in the same state (as ``copy.deepcopy`` makes): a
        shallow copy would share the partial deliveries with this one, and feeding
        either would then corrupt the other's counts."""
        return copy.deepcopy(self)

    def _release(self, channel: int, handle: int) -> None:
        """Forget the partial delivery of (channel, handle), if any."""
        links = self._partial.get(channel)
        if links is not None:
            partial = links.pop(handle, None)
            if partial is not None:
                self._count -= 1
                self._held -= partial.size
                self._extra -= partial.extra
                if not links:
                    del self._partial[channel]

    def _stop_dropping(self, channel: int, handle: int) -> None:
        handles = self._dropping.get(channel)
        if handles is not None and handle in handles:
            handles.remove(handle)
            self._dropped -= 1
            if not handles:
                del self._dropping[channel]

    def _drop(self, channel: int, handle: int) -> str:
        """Remember to drop the rest of the refused delivery on (channel, handle), if the
        bound on such deliveries allows; else say so (for the error message)."""
        most = max(1, self.limits.max_message_size // DROPPED_DELIVERY_OVERHEAD)
        if self._dropped >= most:
            deliveries = "delivery is" if most == 1 else "deliveries are"
            return (
                f"; {most} refused {deliveries} already being dropped, the most remembered at once "
                f"(max(1, max_message_size // {DROPPED_DELIVERY_OVERHEAD})), so the rest of this "
                f"one is not recognised"
            )
        self._dropping.setdefault(channel, set()).add(handle)
        self._dropped += 1
        return ""

    def _over(self, message: str, frame: Frame) -> DecodeError:
        error = LimitExceededError(message, offset=frame.offset, limit="max_message_size")
        return _in_frame(error, frame.offset)

    def feed(self, frame: Frame) -> Delivery | AbortedDelivery | None:
        """Take one frame; return the delivery it completes or aborts, if any."""
        transfer = frame.performative
        channel = frame.channel
        if type(transfer) is not Transfer:
            if type(transfer) is Detach:
                if type(transfer.handle) is bool or not isinstance(transfer.handle, int):
                    raise _wrong_field(transfer, "handle", "a uint", frame)
                self._release(channel, int(transfer.handle))
                self._stop_dropping(channel, int(transfer.handle))
            elif type(transfer) is End:
                links = self._partial.pop(channel, None)
                if links is not None:
                    self._count -= len(links)
                    self._held -= sum(partial.size for partial in links.values())
                    self._extra -= sum(partial.extra for partial in links.values())
                handles = self._dropping.pop(channel, None)
                if handles is not None:
                    self._dropped -= len(handles)
            elif type(transfer) is Close:
                self._partial, self._dropping, self._count, self._held, self._extra = {}, {}, 0, 0, 0
                self._dropped = 0
            return None
        _check_transfer(transfer, frame)
        handle = int(transfer.handle)
        dropping = self._dropping.get(channel)
        if dropping is not None and handle in dropping:
            if transfer.aborted or not transfer.more:
                self._stop_dropping(channel, handle)
            return None
        links = self._partial.get(channel)
        partial = None if links is None else links.get(handle)
        held = partial is not None
        more = bool(transfer.more) and not transfer.aborted
        if partial is None:
            delivery_id, delivery_tag = transfer.delivery_id, transfer.delivery_tag
            if delivery_id is None or delivery_tag is None:
                name = "delivery-id" if delivery_id is None else "delivery-tag"
                raise _in_frame(
                    DecodeError(
                        f"the first transfer of a delivery has no {name} (§2.7.5)",
                        offset=frame.offset,
                        field=f"transfer.{name.replace('-', '_')}",
                    ),
                    frame.offset,
                )
            partial = _Partial(transfer, delivery_id, delivery_tag)
            # What this frame adds to the sum besides payload and overhead, if it is held.
            extra = _extra_size(delivery_tag, transfer.state) if more else 0
        else:
            for name in ("delivery_id", "delivery_tag", "message_format"):
                value = getattr(transfer, name)
                if value is not None and value != getattr(partial, name):
                    self._release(channel, handle)
                    raise _in_frame(
                        DecodeError(
                            f"continuation transfer has {name.replace('_', '-')} {value!r}; "
                            f"the delivery's first transfer had {getattr(partial, name)!r} (§2.7.5)",
                            offset=frame.offset,
                            field=f"transfer.{name}",
                        ),
                        frame.offset,
                    )
            if transfer.settled:
                partial.settled = True
            extra = 0
            if transfer.state is not None:
                if more:
                    # The new state replaces the old: the sum moves by the difference, applied
                    # below once the frame is accepted (a release before that takes the old).
                    extra = _extra_size(partial.delivery_tag, transfer.state) - partial.extra
                partial.state = transfer.state
        if not more and held:
            self._release(channel, handle)  # the delivery leaves the assembler with this frame
        if transfer.aborted:
            return AbortedDelivery(channel, partial.handle, partial.delivery_id, partial.delivery_tag)
        payload = frame.payload
        limit = self.limits.max_message_size
        size = partial.size + len(payload)
        if size > limit:
            self._release(channel, handle)
            unrecognised = self._drop(channel, handle) if more else ""
            raise self._over(
                f"delivery {partial.delivery_id} reaches {size} bytes, over max_message_size={limit}{unrecognised}",
                frame,
            )
        # The sum: checked when this frame leaves the delivery partial and adds to what is
        # held (payload, or the overhead of a new delivery), unless the delivery is alone.
        if more and (payload or not held or extra > 0):
            count = self._count + (not held)
            payload_held = self._held + len(payload)
            extra_held = self._extra + extra
            total = payload_held + extra_held + PARTIAL_DELIVERY_OVERHEAD * count
            if count > 1 and total > limit:
                self._release(channel, handle)
                unrecognised = self._drop(channel, handle)
                fields = f", {extra_held} in states and long delivery-tags," if extra_held else ""
                raise self._over(
                    f"delivery {partial.delivery_id} would bring what is held in {count} partial "
                    f"deliveries to {total} bytes ({payload_held} of payload{fields} and "
                    f"{PARTIAL_DELIVERY_OVERHEAD} for each delivery), over max_message_size={limit} "
                    f"(which bounds their sum as well as each delivery's payload){unrecognised}",
                    frame,
                )
        if payload:
            partial.chunks.append(payload)
            partial.size = size
            if more:
                self._held += len(payload)
        if more:
            self._extra += extra
            partial.extra += extra
            if not held:
                if links is None:
                    links = self._partial[channel] = {}
                links[handle] = partial
                self._count += 1
            return None
        chunks = partial.chunks
        return Delivery(
            channel,
            partial.handle,
            partial.delivery_id,
            partial.delivery_tag,
            _ZERO if partial.message_format is None else partial.message_format,
            partial.settled,
            partial.state,
            chunks[0] if len(chunks) == 1 else b"".join(chunks),
        )

