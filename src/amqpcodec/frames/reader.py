"""The frame reader, sans-IO (OASIS AMQP 1.0 Part 2 §2.2-2.3, Part 5 §5.2-5.3).

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
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from .._backend import current
from .._composite import REGISTRY, Composite, to_typed
from .._seam import FramePlan, check_unicode_errors
from .._stream import PartialUnit, StreamBuffer
from ..errors import DecodeError, FramingError, IncompleteError, UnsupportedProtocolError
from ..limits import DEFAULT_LIMITS, Limits
from ..performatives import SaslOutcome
from ..types import Described
from .records import (
    _AMQP_FRAME,
    _BODY_CLASS,
    _FRAME_HEADER,
    _FRAME_HEADER_SIZE,
    _FRAME_SLOTS,
    _MAGIC,
    _MIN_DOFF,
    _PROTOCOL_HEADER_SIZE,
    _PROTOCOL_NAMES,
    _SASL_FRAME,
    _VERSION,
    NEED_DATA,
    Event,
    Frame,
    NeedData,
    ProtocolHeader,
    _in_frame,
    _new_frame,
    describe_non_amqp,
    describe_other_protocol,
)

__all__ = ["FrameReader"]

# Reader phases.
_HEADER, _AMQP, _SASL, _ANY = "header", "amqp", "sasl", "unknown"
_PHASE_AFTER_HEADER = {0: _AMQP, 2: _HEADER, 3: _SASL}
_PHASE_OF_FRAME_TYPE = {_AMQP_FRAME: _AMQP, _SASL_FRAME: _SASL}

# --------------------------------------------------------------------------- errors


def _framing_error(message: str, frame_offset: int) -> FramingError:
    return _in_frame(FramingError(message, offset=frame_offset), frame_offset)  # type: ignore[return-value]


def _describe_header(raw: bytes) -> str:
    """What 8 bytes that are not an AMQP 1.0 header are (§2.2 asks to name the mismatch)."""
    if raw[:4] == _MAGIC:
        known = describe_other_protocol(raw)
        if known is not None:
            return f"{known} (header {raw!r})"
        name = _PROTOCOL_NAMES.get(raw[4])
        if name is None:
            return f"an AMQP header with unknown protocol id {raw[4]} ({raw!r})"
        return f"{name} header for version {raw[5]}.{raw[6]}.{raw[7]} ({raw!r})"
    if raw[0] == 0x16 and raw[1] == 0x03 and raw[2] <= 0x04:
        return "TLS ClientHello (TLS without the AMQP TLS header)"
    return describe_non_amqp(raw)


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


class FrameReader(StreamBuffer):
    """Turns received bytes into :class:`ProtocolHeader` and :class:`Frame` events (sans-IO).

    ``feed()`` bytes as they arrive; call ``next_event()`` (or iterate) until it returns
    :data:`NEED_DATA`.  Offsets count from the first byte fed.  A framing fault or an
    unsupported protocol header is fatal (raised again on every later call); a body
    fault raises :class:`DecodeError` and consumes only its frame.  Not thread-safe:
    one reader per connection direction.
    """

    __slots__ = ("_max_frame_size", "_phase", "unicode_errors")

    def __init__(
        self, *, limits: Limits = DEFAULT_LIMITS, expect_header: bool = True, unicode_errors: str = "strict"
    ) -> None:
        super().__init__(limits)
        #: For the strings in performatives (``_seam.UNICODE_ERRORS``): with
        #: ``"surrogateescape"`` a string that is not UTF-8 decodes instead of failing
        #: its frame (the compiled path reads strictly; such a frame is read again by
        #: this module's own code, with the option).
        self.unicode_errors = check_unicode_errors(unicode_errors)
        self._max_frame_size = limits.max_frame_size
        self._phase = _HEADER if expect_header else _ANY

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

    def __repr__(self) -> str:
        state = "failed" if self._fatal is not None else self._phase
        return (
            f"<FrameReader offset={self.offset} buffered={self.buffered} phase={state} "
            f"max_frame_size={self._max_frame_size}{' eof' if self._eof else ''}>"
        )

    def _in_frame(self, error: DecodeError, frame_offset: int) -> DecodeError:
        return _in_frame(error, frame_offset)

    def _partial_unit(self) -> PartialUnit | None:
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
                found = compiled.decode_frame(
                    buf, pos, self._base, self._max_frame_size, self.limits, _FRAME_PLAN
                )
            except DecodeError:
                found = None  # read again below, to report it in full
            if found is not None:
                frame: Frame = found[0]
                self._pos = found[1]
                return frame
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
            fault = _header_fault(
                size, doff, frame_type, self._max_frame_size, phase, bytes(buf[pos : pos + 8])
            )
            if fault is not None:
                self._raise_fatal(_framing_error(fault, self._base + pos))
            self._phase = phase = _PHASE_OF_FRAME_TYPE[frame_type]
        if avail < size:
            return NEED_DATA
        return self._take_frame(pos, size, doff, frame_type, channel)

    def _take_frame(self, pos: int, size: int, doff: int, frame_type: int, channel: int) -> Frame:
        """Consume the complete frame at ``pos`` (its header checked), then decode its body
        (§2.3.2): a body fault raises with the frame already consumed."""
        buf = self._buf
        offset = self._base + pos
        end = pos + size
        self._pos = end
        body_at = pos + doff * 4
        extended = bytes(buf[pos + _FRAME_HEADER_SIZE : body_at]) if doff != _MIN_DOFF else b""
        if body_at == end:
            if frame_type != _AMQP_FRAME:
                raise _in_frame(
                    DecodeError(
                        f"an empty SASL frame at offset {offset}: only AMQP frames may be empty",
                        offset=offset,
                    ),
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
        return ProtocolHeader(offset, protocol_id, major=raw[5], minor=raw[6], revision=raw[7])

    def _performative(self, body: bytes, frame_type: int, offset: int, body_offset: int) -> tuple[Any, int]:
        """Decode the described performative opening a frame body (§2.3.2); return it and its end."""
        where = f" in the frame at offset {offset}"
        try:
            if self.unicode_errors == "strict":
                value, used = current().decode_prefix(body, 0, self.limits)
            else:
                value, used = current().decode_prefix(body, 0, self.limits, None, self.unicode_errors)
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
                DecodeError(
                    f"a frame body must open with a described performative{where}", offset=body_offset
                ),
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
                DecodeError(
                    f"{name} is not {kind} (frame type 0x{frame_type:02x}){where}", offset=body_offset
                ),
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
