"""The AMQP 0-9-1 frame reader, sans-IO (0-9-1 §4.2.2 protocol header, §4.2.3 frames).

Strategy: :class:`FrameReader` owns one ``bytearray`` of unread bytes, an index into it
and the stream offset of its first byte, as the 1.0 reader does.  ``next_event()``
looks at the next unit: the protocol header where one may stand (offset 0), else a
frame, whose 7-byte header is checked as soon as it is in (type, and payload size
against the limits), before any of the payload is buffered.  A complete frame (its
frame-end octet in and checked) is consumed *before* its payload is decoded, so a
payload fault costs that frame only.  Method and content-header payloads are decoded
in place from the buffer by :mod:`.payloads` (``read_method``, ``read_content_header``),
whose error offsets index the buffer and are re-based here to stream offsets; a body
frame's payload is copied out as ``bytes``.  Nothing in this module does I/O.

Decisions where the contract is silent:

- Error offsets.  An unknown frame type is reported at the frame's first byte; a payload
  size over the limits at the size field (frame + 3); a bad frame-end octet at that
  octet; a heartbeat on a non-zero channel at the channel field, one with a payload at
  the payload; a payload fault where :mod:`.payloads` found it.  Every error raised for a
  frame carries ``frame_offset`` (its first byte), ``channel`` and ``frame_type`` as far
  as the header was read, and ``reply_code`` 501 (FRAME_ERROR) unless the payload decoder
  set another.  An unsupported protocol header is reported at its first byte.
- The opening (§4.2.2).  With ``expect_header=True`` the first 8 bytes must be an
  accepted header, else :class:`~amqpcodec.errors.UnsupportedProtocolError` naming what
  they are (AMQP 0-8, 0-10, AMQP 1.0 and its TLS and SASL headers, a TLS record, an HTTP
  request, or none of these).  With ``expect_header=False`` a first byte that is a frame
  type starts the frames at once; any other first byte is judged as a protocol header
  when 8 bytes are in (an accepted one is a ``ProtocolHeader`` event, a server's
  refusal; anything else the same ``UnsupportedProtocolError``).  After the opening, a
  header is a framing error like any unknown frame type (its text says it is one).
- ``frame_max`` (default 0, no limit; set it after connection.tune/tune-ok) limits body
  frames only, with RabbitMQ's tolerance of 8 bytes: a body payload may be ``frame_max``
  bytes (RabbitMQ's reader refuses ``payload > frame_max - 8 + 8``).  Every frame's
  payload is limited by ``limits.max_frame_size - 8``.  Both are checked from the header.
- ``feed()`` refuses (``LimitExceededError``, ``limit="max_buffered_bytes"``, not fatal)
  data that would make the unread bytes exceed ``limits.max_buffered_bytes``; nothing is
  taken, so the caller may drain events and feed again.  ``feed()`` after ``feed_eof()``
  is a caller error (``RuntimeError``); ``next_event()`` after the end returns the events
  still complete, then ``NEED_DATA``.  ``feed_eof()`` raises ``IncompleteError`` at the
  unit the stream ends inside (a header fault there is left for ``next_event()``).

With the compiled backend, once the opening is past, each ``next_event()`` first hands
the buffer to the compiled ``next_frame091`` (through :data:`FRAME_PLAN`), which takes
one complete, well-formed frame and builds its event in one call.  For anything else (a
frame not all in, a fault of any kind) it returns ``None`` and the Python path below,
the reference, reads the same bytes, so buffering, offsets and errors are its own.
Iterating a reader is the same with one call less per event: the compiled
``frames091`` iterator (through :data:`READER_PLAN`, where the reader keeps its state)
takes such frames straight from the reader's slots and calls ``next_event`` for
anything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, Literal, NoReturn

from .._backend import current
from .._seam import ReaderPlan091
from .._stream import PartialUnit, StreamBuffer
from ..errors import DecodeError, FramingError, IncompleteError, UnsupportedProtocolError
from ..frames.records import AMQP_HEADER, SASL_HEADER, TLS_HEADER, describe_non_amqp, describe_other_protocol
from ..limits import DEFAULT_LIMITS, Limits
from ._plans import frame_plan
from .constants import FRAME_BODY, FRAME_END, FRAME_HEADER, FRAME_HEARTBEAT, FRAME_METHOD, ReplyCode
from .frames import (
    _FRAME_HEADER,
    _FRAME_TYPE_NAMES,
    _MAGIC,
    _MAX_PAYLOAD,
    _PROTOCOL_HEADER_SIZE,
    ACCEPTED_HEADERS,
    FRAME_HEADER_SIZE,
    FRAME_OVERHEAD,
    FRAME_TYPES,
    NEED_DATA,
    BodyFrame,
    Event,
    HeaderFrame,
    HeartbeatFrame,
    MethodFrame,
    NeedData,
    ProtocolHeader,
    _mark,
    _new_body_frame,
    _new_header_frame,
    _new_method_frame,
)
from .payloads import HEADER_PLAN, METHOD_PLANS, read_content_header, read_method

__all__ = ["FrameReader", "FRAME_PLAN", "READER_PLAN"]

# Reader phases: the stream must open with a protocol header; a header may stand at
# offset 0; frames only.
_HEADER: Final = "header"
_START: Final = "start"
_FRAMES: Final = "frames"

_AMQP_10_HEADERS: Final = {
    AMQP_HEADER: "AMQP 1.0",
    TLS_HEADER: "AMQP 1.0's TLS layer",
    SASL_HEADER: "AMQP 1.0's SASL layer",
}

_unpack_header = _FRAME_HEADER.unpack_from

#: What the compiled frame paths (the reader's ``next_frame091``, the writer's encoders)
#: are handed: the frame types, the frame-end octet and the events of ``frames``, and
#: the payload plans of ``payloads``.
FRAME_PLAN: Final = frame_plan(
    (FRAME_METHOD, FRAME_HEADER, FRAME_BODY, FRAME_HEARTBEAT),
    FRAME_END,
    (MethodFrame, HeaderFrame, BodyFrame, HeartbeatFrame),
    METHOD_PLANS,
    HEADER_PLAN,
)


def _describe_opening(raw: bytes) -> str:
    """What 8 bytes that are not a 0-9-1 protocol header are (§4.2.2 asks a server to name
    the protocol it supports; we name the one we were offered)."""
    if raw in _AMQP_10_HEADERS:
        return f"{_AMQP_10_HEADERS[raw]} (header {raw!r})"
    known = describe_other_protocol(raw)
    if known is not None:
        return f"{known} (header {raw!r})"
    if raw[:4] == _MAGIC:
        return f"an AMQP header of an unknown version ({raw!r})"
    return describe_non_amqp(raw)


def _framing_error(
    message: str, *, offset: int, frame_offset: int, channel: int | None, frame_type: int
) -> DecodeError:
    return _mark(
        FramingError(message, offset=offset),
        frame_offset=frame_offset,
        reply_code=ReplyCode.FRAME_ERROR,
        channel=channel,
        frame_type=frame_type,
    )


class FrameReader(StreamBuffer):
    """Turns received 0-9-1 bytes into :class:`~amqpcodec.frames.ProtocolHeader`, :class:`MethodFrame`,
    :class:`HeaderFrame`, :class:`BodyFrame` and :class:`HeartbeatFrame` events (sans-IO).

    ``feed()`` bytes as they arrive; call ``next_event()`` (or iterate) until it returns
    :data:`NEED_DATA`.  Offsets count from the first byte fed.  A framing fault or an
    unsupported protocol header is fatal (raised again on every later call); a fault
    inside one frame raises :class:`~amqpcodec.errors.DecodeError` and consumes only that
    frame.  Not thread-safe: one reader per direction of a connection.
    """

    __slots__ = ("_body_limit", "_frame_max", "_phase")

    def __init__(self, *, limits: Limits = DEFAULT_LIMITS, expect_header: bool = True) -> None:
        super().__init__(limits)
        self._frame_max = 0
        self._body_limit = limits.max_frame_size - FRAME_OVERHEAD  # _payload_limit
        self._phase: str = _HEADER if expect_header else _START

    @property
    def _payload_limit(self) -> int:
        """The largest payload of any frame: ``limits.max_frame_size`` less the 8 framing bytes."""
        return self.limits.max_frame_size - FRAME_OVERHEAD

    @property
    def frame_max(self) -> int:
        """The negotiated frame-max (connection.tune-ok, §1.4.2.6), 0 for none: the largest
        whole frame accepted for content bodies, with RabbitMQ's 8-byte tolerance."""
        return self._frame_max

    @frame_max.setter
    def frame_max(self, value: int) -> None:
        if type(value) is not int or not 0 <= value <= _MAX_PAYLOAD:
            raise ValueError(f"frame_max is an int from 0 (no limit) to 4294967295, not {value!r}")
        self._frame_max = value
        self._body_limit = min(value, self._payload_limit) if value else self._payload_limit

    def __repr__(self) -> str:
        state = "failed" if self._fatal is not None else self._phase
        return (
            f"<amqp091.FrameReader offset={self.offset} buffered={self.buffered} phase={state} "
            f"frame_max={self._frame_max}{' eof' if self._eof else ''}>"
        )

    def _in_frame(self, error: DecodeError, frame_offset: int) -> DecodeError:
        return _mark(
            error,
            frame_offset=frame_offset,
            reply_code=ReplyCode.FRAME_ERROR,
            channel=None,
            frame_type=None,
        )

    def _partial_unit(self) -> PartialUnit | None:
        """The unread unit (protocol header or frame) the buffered bytes end inside, if any."""
        buf, pos, end = self._buf, self._pos, len(self._buf)
        phase = self._phase
        while pos < end:
            avail = end - pos
            if phase == _HEADER or (phase == _START and buf[pos] not in FRAME_TYPES):
                if avail < _PROTOCOL_HEADER_SIZE:
                    return pos, avail, _PROTOCOL_HEADER_SIZE, "protocol header"
                need = _PROTOCOL_HEADER_SIZE
            elif avail < FRAME_HEADER_SIZE:
                return pos, avail, "at least 8", "frame"
            else:
                frame_type, _, size = _unpack_header(buf, pos)
                if frame_type not in FRAME_TYPES or size > self._body_limit_for(frame_type):
                    return None  # a framing fault: next_event() reports it
                need = size + FRAME_OVERHEAD
                if avail < need:
                    return pos, avail, need, "frame"
            phase = _FRAMES
            pos += need
        return None

    def _body_limit_for(self, frame_type: int) -> int:
        return self._body_limit if frame_type == FRAME_BODY else self._payload_limit

    def __iter__(self) -> Iterator[Event]:
        """A new iterator of the events now complete (it stops at ``NEED_DATA``, for good).

        The reference is :meth:`_events`, a generator over :meth:`next_event`; with the
        compiled backend the iterator of ``frames091`` (through :data:`READER_PLAN`)
        reads each frame it takes straight from this reader's slots, as ``next_event``'s
        compiled path would, and calls ``next_event`` for anything else."""
        compiled = current().compiled
        if compiled is not None:
            return compiled.frames091(self, READER_PLAN)
        return self._events()

    def _events(self) -> Iterator[Event]:
        next_event = self.next_event
        while True:
            event = next_event()
            if event is NEED_DATA:
                return
            yield event

    def next_event(self) -> Event | Literal[NeedData.NEED_DATA]:
        """The next event, or :data:`NEED_DATA`."""
        if self._fatal is not None:
            raise self._fatal.with_traceback(None)
        if self._phase != _FRAMES:
            opening = self._opening()
            if opening is not None:
                return opening
        compiled = current().compiled
        if compiled is not None:
            found = compiled.next_frame091(
                self._buf, self._pos, self._base, self._body_limit, self.limits, FRAME_PLAN
            )
            if found is not None:
                event: Event = found[0]
                self._pos = found[1]
                return event
        buf = self._buf
        pos = self._pos
        if len(buf) - pos < FRAME_HEADER_SIZE:
            return NEED_DATA
        frame_type, channel, size = _unpack_header(buf, pos)
        if size > self._body_limit or frame_type not in FRAME_TYPES:
            self._check_header(frame_type, channel, size, pos)
        start = pos + FRAME_HEADER_SIZE
        end = start + size
        if len(buf) <= end:
            return NEED_DATA
        if buf[end] != FRAME_END:
            self._bad_frame_end(frame_type, channel, pos, end)
        self._pos = end + 1
        offset = self._base + pos
        if frame_type == FRAME_BODY:
            return _new_body_frame(offset, channel, bytes(buf[start:end]))
        if frame_type == FRAME_METHOD:
            try:
                method = read_method(buf, start, end, self.limits)
            except DecodeError as error:
                raise self._payload_fault(error, offset, channel, FRAME_METHOD, start) from None
            return _new_method_frame(offset, channel, method)
        if frame_type == FRAME_HEADER:
            try:
                header = read_content_header(buf, start, end, self.limits)
            except DecodeError as error:
                raise self._payload_fault(error, offset, channel, FRAME_HEADER, start) from None
            return _new_header_frame(offset, channel, header)
        return self._heartbeat(offset, channel, size)

    # ----------------------------------------------------------------- the opening

    def _opening(self) -> ProtocolHeader | Literal[NeedData.NEED_DATA] | None:
        """The protocol header at offset 0 (§4.2.2), ``NEED_DATA``, or None when the stream
        opens with a frame (``expect_header=False``)."""
        buf, pos = self._buf, self._pos
        avail = len(buf) - pos
        if self._phase == _START:
            if not avail:
                return NEED_DATA
            if buf[pos] in FRAME_TYPES:
                self._phase = _FRAMES
                return None
        if avail < _PROTOCOL_HEADER_SIZE:
            return NEED_DATA
        raw = bytes(buf[pos : pos + _PROTOCOL_HEADER_SIZE])
        offset = self._base + pos
        if raw not in ACCEPTED_HEADERS:
            self._raise_fatal(
                UnsupportedProtocolError(
                    f"unsupported protocol: {_describe_opening(raw)}; expected the AMQP 0-9-1 "
                    "protocol header b'AMQP\\x00\\x00\\t\\x01' (§4.2.2)",
                    offset=offset,
                )
            )
        self._pos = pos + _PROTOCOL_HEADER_SIZE
        self._phase = _FRAMES
        return ProtocolHeader(offset, raw[4], major=raw[5], minor=raw[6], revision=raw[7])

    # ----------------------------------------------------------------- framing faults

    def _check_header(self, frame_type: int, channel: int, size: int, pos: int) -> None:
        """Raise the framing fault of a frame header that failed the fast test, if it has
        one (a method or header frame may exceed ``frame_max``, errata §11)."""
        frame_offset = self._base + pos
        if frame_type not in FRAME_TYPES:
            if self._buf[pos : pos + 4] == _MAGIC:
                message = (
                    "a protocol header where a frame was expected (only the stream's first bytes may be one)"
                )
            else:
                message = f"unknown frame type {frame_type} (§4.2.3: 1 method, 2 header, 3 body, 8 heartbeat)"
            self._raise_fatal(
                _framing_error(
                    message,
                    offset=frame_offset,
                    frame_offset=frame_offset,
                    channel=None,
                    frame_type=frame_type,
                )
            )
        payload_limit = self._payload_limit
        if size > payload_limit:
            message = (
                f"a {_FRAME_TYPE_NAMES[frame_type]} frame's payload of {size} bytes exceeds "
                f"limits.max_frame_size - 8 = {payload_limit}"
            )
        elif frame_type == FRAME_BODY:
            message = (
                f"a content body frame's payload of {size} bytes exceeds the negotiated "
                f"frame_max {self._frame_max} (RabbitMQ's tolerance included, §4.2.3)"
            )
        else:
            return
        self._raise_fatal(
            _framing_error(
                message,
                offset=frame_offset + 3,
                frame_offset=frame_offset,
                channel=channel,
                frame_type=frame_type,
            )
        )

    def _bad_frame_end(self, frame_type: int, channel: int, pos: int, end: int) -> NoReturn:
        frame_offset = self._base + pos
        self._raise_fatal(
            _framing_error(
                f"frame-end octet 0x{self._buf[end]:02x}, not 0x{FRAME_END:02x}, after a "
                f"{_FRAME_TYPE_NAMES[frame_type]} frame's payload (§4.2.3)",
                offset=self._base + end,
                frame_offset=frame_offset,
                channel=channel,
                frame_type=frame_type,
            )
        )

    # ----------------------------------------------------------------- payloads

    def _payload_fault(
        self, error: DecodeError, offset: int, channel: int, frame_type: int, start: int
    ) -> DecodeError:
        """``error`` from a payload decoder, re-based to stream offsets and marked with its frame.

        A payload is complete, so an ``IncompleteError`` from inside it is a plain
        ``DecodeError`` (the payload ended before what it declared)."""
        if isinstance(error, IncompleteError):
            replacement = DecodeError(
                str(error.args[0]) if error.args else "", offset=error.offset, field=error.field
            )
            replacement.__dict__.update(
                (key, value) for key, value in error.__dict__.items() if key not in ("offset", "field")
            )
            error = replacement
        error.offset = self._base + (start if error.offset is None else error.offset)
        where = f"in the {_FRAME_TYPE_NAMES[frame_type]} frame at offset {offset} on channel {channel}"
        error.args = (f"{error.args[0]} ({where})" if error.args else where, *error.args[1:])
        return _mark(
            error,
            frame_offset=offset,
            reply_code=ReplyCode.FRAME_ERROR,
            channel=channel,
            frame_type=frame_type,
        )

    def _heartbeat(self, offset: int, channel: int, size: int) -> HeartbeatFrame:
        """A heartbeat (§4.2.7): channel 0 and no payload, else a fault of this frame only."""
        if channel or size:
            fault_at, what = (
                (offset + 1, f"on channel {channel}")
                if channel
                else (offset + 7, f"with a {size}-byte payload")
            )
            error = DecodeError(f"a heartbeat frame {what} (§4.2.7: channel 0, no payload)", offset=fault_at)
            raise _mark(
                error,
                frame_offset=offset,
                reply_code=ReplyCode.FRAME_ERROR,
                channel=channel,
                frame_type=FRAME_HEARTBEAT,
            )
        return HeartbeatFrame(offset)


#: What the compiled reader iterator (``frames091``) is handed: where a reader keeps
#: its state, its phase values and :data:`FRAME_PLAN`.
READER_PLAN: Final = ReaderPlan091(
    reader_class=FrameReader,
    reader_slots=tuple(
        getattr(FrameReader, name).__set__  # slot descriptors, some on StreamBuffer
        for name in ("_buf", "_pos", "_base", "_body_limit", "limits", "_fatal", "_phase")
    ),
    frames_phase=_FRAMES,
    start_phase=_START,
    need_data=NEED_DATA,
    frames=FRAME_PLAN,
)
