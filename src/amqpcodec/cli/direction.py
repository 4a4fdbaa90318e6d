"""Decoding one direction of a connection into events, resynchronising on bad bytes.

Strategy: :class:`DirectionDecoder` runs a :class:`~amqpcodec.frames.FrameReader` over a
direction's bytes (fed in chunks, so ``max_buffered_bytes`` holds for any input size);
every frame also goes to the direction's :class:`~amqpcodec.cli.deliveries.Deliveries`,
which assembles transfers and decodes each completed delivery of message format 0.
What it yields are the events of the CLI's output (:mod:`amqpcodec.cli.events`:
``HeaderEvent`` ... ``ResyncEvent``, ``GapEvent``), with offsets in the capture's terms
(the stream's ``base`` added).  The decoder is a generator that asks for more bytes
when it needs them (``_MORE``), so the same code reads a whole stream (a file: all its
bytes are there) or a stream fed piece by piece (a capture: bytes as TCP reassembly
delivers them, then ``gap()`` or ``end()``), keeping only the bytes not yet decoded:
the frame in progress, or while resynchronising the bytes whose verdict awaits more
(:func:`~amqpcodec.frames.resync.scan_for_frame` with ``final=False`` finds exactly the
frame :func:`find_frame_boundary` would find in the whole stream, deciding nothing that
later bytes could change).  A streamed direction gives
the events of the whole, except that the bytes left undecoded after a TLS or foreign
protocol header are counted only if the stream had ended by then.
:class:`~amqpcodec.cli.capture.CaptureDecoder` drives one such decoder per direction of
each AMQP connection of a capture.

How bad input is handled (Part 2 §2.3.1 framing; the reader's own rules are in the
docstring of ``amqpcodec.frames``):

- The start.  ``AMQP`` opens a connection with its protocol header; an AMQP 0-9-1
  header (0-9-1 §4.2.2) or a 0-9-1 ``connection.start`` frame (the server's side) makes
  the direction, and through its :class:`~amqpcodec.cli.amqp091_direction.Peer` the
  other one, AMQP 0-9-1, read by the 0-9-1 reader with
  :class:`~amqpcodec.cli.amqp091_direction.Contents091` assembling contents; a TLS
  record is named and not decoded; anything else is a capture that starts
  mid-connection: the first frame of the protocol the peer told, else the earlier of
  the first AMQP 1.0 frame (:func:`~amqpcodec.frames.find_frame_boundary`) and the first
  0-9-1 frame (:func:`~amqpcodec.amqp091.find_frame_boundary`), and a ``resync`` event
  says so (with ``skipped: 0`` when the stream starts on a frame).  Input with
  neither a header nor any frame is one ``error``.  An AMQP 0-9-1 stream's faults,
  resyncs, gaps and ends are handled as 1.0's below, with 0-9-1's frame scan.
- A string that is not UTF-8 (Part 1 §1.6.20 says it is; some peers write bytes as
  strings) is no fault here: frames and messages are read with ``unicode_errors=
  "surrogateescape"`` (``events.UNICODE_ERRORS``), and the renderers mark such strings.
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
- A gap (bytes a capture lost) is a ``gap`` event naming the undecoded bytes before it
  (a frame it cut short), then a ``resync`` from its end: partial deliveries are
  dropped as after any lost frame.  It is not an error: the bytes that are there are
  not wrong.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Generator, Iterator
from typing import Any

from .. import amqp091
from ..amqp091.frames import FRAME_OVERHEAD as _FRAME_OVERHEAD_091
from ..errors import AMQPCodecError, DecodeError, FramingError, IncompleteError, UnsupportedProtocolError
from ..frames import NEED_DATA, Frame, FrameReader, ProtocolHeader
from ..frames.records import describe_other_protocol
from ..frames.resync import NeedMore, scan_for_frame
from ..limits import DEFAULT_LIMITS, Limits
from ..performatives import Open, SaslBody, Transfer
from ..types import Described
from .amqp091_direction import (
    AMQP10,
    NEGOTIATED_CEILING,
    Contents091,
    Peer,
    header_version,
    opens_091,
    scan_091,
)
from .deliveries import Deliveries
from .events import (
    AMQP091,
    UNICODE_ERRORS,
    ErrorEvent,
    Event,
    FrameEvent,
    GapEvent,
    HeaderEvent,
    ResyncEvent,
    error_event,
    performative_name,
)
from .peer_errors import peer_error_10

__all__ = ["DirectionDecoder", "MAGIC"]

#: The first bytes of every AMQP protocol header (§2.2).
MAGIC = b"AMQP"
_HEADER_SIZE = 8
_FEED_CHUNK = 1 << 16


def _is_tls_record(data: bytes) -> bool:
    """A TLS handshake record (RFC 8446 §5.1: type 22, legacy version 3.x)."""
    return len(data) >= 3 and data[0] == 0x16 and data[1] == 0x03 and data[2] <= 0x04


#: AMQP 0-9-1 §4.2.3: a method frame on channel 0 whose method is connection.start
#: (class 10, method 10) offering version 0-9: what a 0-9-1 server sends first.
_CONNECTION_START = (0x01, 0x00, 0x00, None, None, None, None, 0x00, 0x0A, 0x00, 0x0A, 0x00, 0x09)


def _connection_start(data: bytes | bytearray, *, partial: bool = False) -> bool:
    """Whether ``data`` opens with :data:`_CONNECTION_START` (``partial``: or with a
    start of it, when shorter)."""
    if len(data) < len(_CONNECTION_START) and not partial:
        return False
    return all(byte is None or byte == found for byte, found in zip(_CONNECTION_START, data))


def _descriptor_text(descriptor: Any) -> str:
    if isinstance(descriptor, int):
        return f"0x{int(descriptor):x}"
    return repr(str(descriptor)) if isinstance(descriptor, str) else repr(descriptor)


def _protocol_name(raw: bytes) -> str:
    return describe_other_protocol(raw) or f"AMQP {raw[4]} {raw[5]}.{raw[6]}.{raw[7]}"


class _More:
    """What the decoder's generator yields when it needs more bytes (streaming only)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MORE"


_MORE = _More()
_Step = Event | _More


@dataclasses.dataclass(frozen=True, slots=True)
class _Resync:
    """Look for the next frame from ``start`` (``first``: nothing was found before it)."""

    start: int
    reason: str
    first: bool = False


_Next = int | _Resync | None


class _Again:
    """What a step of ``DirectionDecoder._read`` returns when the reader is to go on."""

    __slots__ = ()


_AGAIN = _Again()

#: The bytes that tell how a stream opens (the longest test: a 0-9-1 connection.start).
_CLASSIFY = len(_CONNECTION_START)


def _opening_known(data: bytes | bytearray) -> bool:
    """Whether more bytes could change how ``DirectionDecoder._start`` reads the opening
    ``data`` (an AMQP header, a TLS record, a 0-9-1 connection.start, or mid-connection)."""
    n = len(data)
    if n >= _CLASSIFY:
        return True
    if not n or MAGIC.startswith(bytes(data[:4])):
        return n >= _HEADER_SIZE  # a whole header tells AMQP 1.0 from 0-9-1
    if data[0] == 0x16:  # a TLS record? (three bytes tell)
        return n >= 3
    return not _connection_start(data, partial=True)


class DirectionDecoder:
    """The events of one direction's bytes (module docstring).

    Whole: ``DirectionDecoder(direction, data).events()``.  Streaming (``final=False``):
    ``feed(data)``, ``gap(size)`` and ``end()`` return the events the bytes so far
    complete, the same events ``events()`` would give for the whole stream, except that
    the bytes left undecoded after a TLS or foreign protocol header are not counted
    (``skipped`` is None) unless the stream has ended.  Memory is bounded by
    ``limits.max_frame_size`` and the feed sizes, whatever the stream's length.
    """

    def __init__(
        self,
        direction: str,
        data: bytes = b"",
        *,
        base: int = 0,
        limits: Limits = DEFAULT_LIMITS,
        final: bool = True,
        peer: Peer | None = None,
        encodings: bool = False,
    ) -> None:
        self.direction = direction
        #: Keep each frame body's bytes in its event (``FrameEvent.body``: ``--encodings``).
        self.encodings = encodings
        self.base = base
        #: The limits in force (its ``max_frame_size`` raised to what the connection
        #: negotiates, when a larger frame comes: ``_grow``).
        self.limits = limits
        self._given_frame_size = limits.max_frame_size
        #: What this direction and the other of its connection know of its protocol.
        self.peer = Peer() if peer is None else peer
        #: The protocol being read: ``events.AMQP091``, else AMQP 1.0 (None).
        self.protocol: str | None = None
        self._contents = Contents091(direction, limits)
        self._buf: bytes | bytearray = data if final else bytearray(data)
        self._first = 0  # the stream offset of _buf[0]
        self._eof = final
        self._gap: int | None = None  # a gap ends the bytes in _buf
        self._gap_reason = ""
        self._deliveries = Deliveries(direction, base, limits)
        self._steps = self._run()

    # --- driving ----------------------------------------------------------------------

    def events(self) -> Iterator[Event]:
        """Every event of a whole stream, in stream order (runs once)."""
        for step in self._steps:
            if type(step) is _More:  # pragma: no cover - a whole stream never waits
                raise RuntimeError("DirectionDecoder.events() on a streaming decoder")
            yield step  # type: ignore[misc]

    def _drain(self) -> list[Event]:
        found: list[Event] = []
        for step in self._steps:
            if type(step) is _More:
                break
            found.append(step)  # type: ignore[arg-type]
        return found

    def feed(self, data: bytes | bytearray | memoryview) -> list[Event]:
        """Take the next bytes of a streaming decoder; the events they complete."""
        if self._eof:
            raise RuntimeError("DirectionDecoder.feed() after the end")
        self._buf += data
        return self._drain()

    def gap(self, size: int, reason: str = "") -> list[Event]:
        """``size`` bytes are missing from the stream here (lost from a capture); ``reason``
        says how that is known."""
        self._gap = size
        self._gap_reason = reason
        return self._drain()

    def end(self) -> list[Event]:
        """The stream is over; its last events."""
        self._eof = True
        return self._drain()

    @property
    def ended(self) -> bool:
        return self._eof

    @property
    def length(self) -> int:
        """The stream offset after the last byte received (gaps included)."""
        return self._first + len(self._buf)

    @property
    def retained_from(self) -> int:
        """The earliest stream offset (``base`` added) that an event still to come may
        name: the bytes kept, or the first frame of a delivery or content in progress."""
        found = [self.base + self._first]
        oldest = self._deliveries.oldest
        if oldest is not None:
            found.append(self.base + oldest)
        oldest = self._contents.oldest
        if oldest is not None:
            found.append(oldest)
        return min(found)

    # --- the window ---------------------------------------------------------------

    @property
    def _waiting(self) -> bool:
        """Whether more bytes may still come before the end of the stream or a gap."""
        return not self._eof and self._gap is None

    def _trim(self, upto: int) -> None:
        """Forget the bytes before stream offset ``upto`` (streaming only)."""
        if upto > self._first:
            del self._buf[: upto - self._first]  # type: ignore[union-attr]
            self._first = upto

    def _byte(self, at: int) -> int:
        return self._buf[at - self._first]

    def _slice(self, start: int, stop: int) -> bytes:
        return bytes(self._buf[start - self._first : stop - self._first])

    def _startswith(self, at: int, prefix: bytes) -> bool:
        return self._buf.startswith(prefix, at - self._first)

    def _rest(self, at: int) -> int | None:
        """The bytes from ``at`` to the end, when the end is known."""
        return self.length - at if self._eof else None

    def _skip_rest(self) -> Generator[_Step, None, None]:
        """Consume the rest of the stream, gaps and all, without decoding it."""
        while not self._eof:
            self._trim(self.length)
            if self._gap is not None:
                self._first += self._gap
                self._gap = None
            yield _MORE

    # --- events ---------------------------------------------------------------------

    def _header(self, at: int, protocol: str, version: str | None, **extra: Any) -> HeaderEvent:
        return HeaderEvent(self.direction, self.base + at, protocol, version, **extra)

    def _error(self, at: int, error: AMQPCodecError | str, frame_at: int | None = None) -> ErrorEvent:
        return error_event(
            self.direction,
            self.base + at,
            error,
            None if frame_at is None else self.base + frame_at,
            protocol=self.protocol,
        )

    def _scan(self, start: int, protocol: str | None) -> int | NeedMore | None:
        """The frame scan of ``protocol`` from stream offset ``start``, in buffer terms."""
        final = not self._waiting
        if protocol == AMQP091:
            return scan_091(self._buf, start - self._first, limits=self.limits, final=final)
        return scan_for_frame(self._buf, start - self._first, limits=self.limits, final=final)

    def _boundary(self, start: int) -> Generator[_Step, None, int | None]:
        """The frame ``find_frame_boundary`` finds from ``start`` in the whole run of
        bytes (to the end of the stream or to a gap); None when there is none."""
        while True:
            found = self._scan(start, self.protocol)
            if not isinstance(found, NeedMore):
                return None if found is None else found + self._first
            start = found.at + self._first
            self._trim(start)
            yield _MORE

    def _resync(self, resync: _Resync) -> Generator[_Step, None, _Next]:
        """Skip to the next plausible frame at or after ``resync.start``."""
        self._deliveries.drop()
        self._contents.drop()
        start = resync.start
        if resync.first:
            found = yield from self._first_frame(start)
        else:
            found = yield from self._boundary(start)
        if found is None:
            if self._gap is not None:
                return (yield from self._after_gap(start if start < self.length else None))
            if resync.first:
                yield self._error(0, f"no AMQP protocol header and no frame in {self.length} bytes")
            elif start < self.length:
                yield ResyncEvent(
                    self.direction,
                    self.base + start,
                    None,
                    self.length - start,
                    resync.reason + "; no frame follows",
                    self.protocol,
                )
            return None
        yield ResyncEvent(
            self.direction, self.base + start, self.base + found, found - start, resync.reason, self.protocol
        )
        return found

    def _first_frame(self, start: int) -> Generator[_Step, None, int | None]:
        """The first frame of a stream that starts mid-connection, in the protocol its peer
        told (``self.peer``), else the earlier of an AMQP 1.0 and an AMQP 0-9-1 frame (the
        port cannot tell: RabbitMQ serves both on 5672); sets ``self.protocol``."""
        known = self.peer.protocol
        protocols = (known,) if known is not None else (AMQP10, AMQP091)
        while True:
            found = {protocol: self._scan(start, protocol) for protocol in protocols}
            frames = {protocol: at for protocol, at in found.items() if isinstance(at, int)}
            waits = [at.at for at in found.values() if isinstance(at, NeedMore)]
            first = min(frames.items(), key=lambda item: item[1], default=None)
            if first is not None and all(wait > first[1] for wait in waits):
                self.protocol = AMQP091 if first[0] == AMQP091 else None
                return first[1] + self._first
            if not waits:
                return None
            start = min(waits) + self._first
            self._trim(start)
            yield _MORE

    def _after_gap(self, lost_from: int | None) -> Generator[_Step, None, _Next]:
        """The bytes so far end in a gap: report it, then look for a frame after it."""
        assert self._gap is not None
        at, size = self.length, self._gap
        yield GapEvent(
            self.direction,
            self.base + at,
            size,
            self._gap_reason,
            None if lost_from is None else self.base + lost_from,
        )
        self._deliveries.drop()
        self._contents.drop()
        self._trim(at)
        self._first = at + size
        self._gap = None
        return _Resync(at + size, "after a gap in the capture")

    # --- the loop -------------------------------------------------------------------

    def _run(self) -> Generator[_Step, None, None]:
        while self._waiting and not _opening_known(self._buf[:_CLASSIFY]):
            yield _MORE
        if not self._buf:
            if self._gap is None:
                return
            step: _Next = yield from self._after_gap(None)
        else:
            step = yield from self._start()
        expect_header = True
        while step is not None:
            if isinstance(step, _Resync):
                expect_header = False
                step = yield from self._resync(step)
            elif self.protocol == AMQP091:
                step = yield from self._read_091(step, expect_header)
                expect_header = False
            else:
                step = yield from self._read(step, expect_header)
                expect_header = False

    def _start(self) -> Generator[_Step, None, _Next]:
        """How the stream opens: a protocol header, TLS, AMQP 0-9-1, or mid-connection."""
        data = bytes(self._buf[:_CLASSIFY])
        if opens_091(data) or (_connection_start(data) and self.peer.protocol != AMQP10):
            self.protocol = self.peer.protocol = AMQP091
            return 0
        if data.startswith(MAGIC) or MAGIC.startswith(data[:4]):
            if self.peer.protocol is None and data.startswith(MAGIC):
                self.peer.protocol = AMQP10
            return 0
        if _is_tls_record(data):
            yield self._header(
                0,
                "TLS",
                None,
                supported=False,
                skipped=self._rest(0),
                note="a TLS record with no AMQP TLS header before it (amqps), encrypted",
            )
        else:
            return _Resync(0, "no protocol header: the stream starts mid-connection", first=True)
        yield from self._skip_rest()
        return None

    def _read(self, start: int, expect_header: bool) -> Generator[_Step, None, _Next]:
        """Run a reader from ``start``; return where to resynchronise, or None when done."""
        reader = FrameReader(limits=self.limits, expect_header=expect_header, unicode_errors=UNICODE_ERRORS)
        fed = start
        while True:
            try:
                event = reader.next_event()
            except (FramingError, UnsupportedProtocolError) as error:
                if isinstance(error, FramingError) and self._grow(start + reader.offset):
                    return start + reader.offset  # read that frame again, with the larger limit
                return (yield from self._framing_fault(error, start))
            except DecodeError as error:
                frame_at = getattr(error, "frame_offset", None)
                yield self._error(
                    start + (error.offset or 0),
                    self._reword(error, start),
                    None if frame_at is None else start + frame_at,
                )
                self._deliveries.drop()
                continue
            if event is NEED_DATA:
                if fed < self.length:
                    stop = min(self.length, fed + _FEED_CHUNK)
                    reader.feed(self._slice(fed, stop))
                    fed = stop
                    continue
                outcome = yield from self._starved(reader, start)
                if isinstance(outcome, _Again):
                    continue
                return outcome
            if isinstance(event, ProtocolHeader):
                if (yield from self._protocol_header(event, start)):
                    return None
                continue
            resume = yield from self._frame(event, start)
            if resume is not None:
                return _Resync(resume, f"after the frame at offset {self.base + start + event.offset}")

    def _framing_fault(
        self, error: FramingError | UnsupportedProtocolError, start: int
    ) -> Generator[_Step, None, _Next]:
        """A framing fault or a bad protocol header in a reader started at ``start``: an
        unsupported protocol at the very start names it and skips the rest; anything else
        is an ``error``, then a resync from the next byte."""
        at = start + (error.offset or 0)
        if isinstance(error, UnsupportedProtocolError) and at == 0 and self._startswith(0, MAGIC):
            yield self._header(
                0,
                _protocol_name(self._slice(0, _HEADER_SIZE)),
                None,
                supported=False,
                skipped=self._rest(_HEADER_SIZE),
                note="not AMQP 1.0",
            )
            yield from self._skip_rest()
            return None
        yield self._error(at, self._reword(error, start), at)
        return _Resync(at + 1, f"after the error at offset {self.base + at}")

    def _starved(
        self, reader: FrameReader | amqp091.FrameReader, start: int
    ) -> Generator[_Step, None, _Next | _Again]:
        """The reader needs more bytes than are here: wait for them (``_AGAIN``: read on),
        or report the gap or the end of the stream that the bytes stop at."""
        if self._waiting:
            self._trim(start + reader.offset)
            yield _MORE
            return _AGAIN
        if self._gap is not None:
            return (yield from self._after_gap(start + reader.offset if reader.buffered else None))
        try:
            reader.feed_eof()
        except IncompleteError as error:
            at = start + (error.offset or 0)
            yield self._error(at, error, at)
            if self._scan(at + 1, self.protocol) is not None:
                return _Resync(at + 1, f"after the error at offset {self.base + at}")
        return None

    def _protocol_header(self, event: ProtocolHeader, start: int) -> Generator[_Step, None, bool]:
        """A protocol header's event; True when the rest of the stream is skipped (the
        AMQP TLS header not followed by a decrypted stream)."""
        at = start + event.offset
        version = f"{event.major}.{event.minor}.{event.revision}"
        after = at + _HEADER_SIZE
        if event.protocol_id == 2:
            while self._waiting and self.length < after + len(MAGIC):
                self._trim(at)
                yield _MORE
            if not self._startswith(after, MAGIC):
                yield self._header(
                    at,
                    event.layer,
                    version,
                    supported=True,
                    skipped=self._rest(after),
                    note="encrypted from here on",
                )
                yield from self._skip_rest()
                return True
        yield self._header(at, event.layer, version, supported=True)
        return False

    @property
    def _ceiling(self) -> int:
        """The largest negotiated frame size honoured: :data:`NEGOTIATED_CEILING`, or the
        limit the decoder was given when that is larger (``--max-frame-size``)."""
        return max(NEGOTIATED_CEILING, self._given_frame_size)

    def _grow(self, frame_at: int) -> bool:
        """Whether the frame at ``frame_at``, over the frame size limit in force, is within
        what the connection negotiated (``self.peer.frame_size``): then the limit is
        raised to that, and the frame is to be read again."""
        allowed = self.peer.frame_size
        if allowed is None or allowed <= self.limits.max_frame_size or self.length < frame_at + 7:
            return False
        if self.protocol == AMQP091:  # type, channel, size: the payload's (0-9-1 §4.2.3)
            size = int.from_bytes(self._slice(frame_at + 3, frame_at + 7), "big") + _FRAME_OVERHEAD_091
        else:  # SIZE: the whole frame's (Part 2 §2.3.1)
            size = int.from_bytes(self._slice(frame_at, frame_at + 4), "big")
        if not self.limits.max_frame_size < size <= allowed:
            return False
        self.limits = dataclasses.replace(
            self.limits,
            max_frame_size=allowed,
            max_buffered_bytes=max(self.limits.max_buffered_bytes, allowed + _FEED_CHUNK),
        )
        return True

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
        size = int.from_bytes(self._slice(at, at + 4), "big")
        performative = frame.performative
        if type(performative) is Open and isinstance(performative.max_frame_size, int):
            self.peer.negotiated(int(performative.max_frame_size), self._ceiling)
        payload_at = at + size - len(frame.payload)
        name = performative_name(performative)
        note = self._deliveries.note(frame) if type(performative) is Transfer else None
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
            peer_error_10(performative),
            self._slice(at + self._byte(at + 4) * 4, payload_at) if self.encodings else None,
        )
        if type(performative) is Described:
            yield self._error(
                at + self._byte(at + 4) * 4,
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
            yield from self._deliveries.assemble(frame, at, payload_at)
        return None

    # --- AMQP 0-9-1 -------------------------------------------------------------------

    def _read_091(self, start: int, expect_header: bool) -> Generator[_Step, None, _Next]:
        """Run a 0-9-1 reader from ``start`` (0-9-1 §4.2.3); return where to resynchronise,
        or None when done.  A fault in one frame's payload costs that frame (and its
        channel's content); a framing fault is an ``error``, then a resync."""
        # A server's side opens with its connection.start frame, not a header (§4.2.2).
        expect_header = expect_header and self._startswith(start, MAGIC)
        reader = amqp091.FrameReader(limits=self.limits, expect_header=expect_header)
        fed = start
        while True:
            try:
                event = reader.next_event()
            except (FramingError, UnsupportedProtocolError) as error:
                if isinstance(error, FramingError) and self._grow(start + reader.offset):
                    return start + reader.offset  # read that frame again, with the larger limit
                at = start + (error.offset or 0)
                frame_at = getattr(error, "frame_offset", None)
                yield self._error(
                    at, self._reword_091(error, start), at if frame_at is None else start + frame_at
                )
                return _Resync(at + 1, f"after the error at offset {self.base + at}")
            except DecodeError as error:
                frame_at = getattr(error, "frame_offset", None)
                yield self._error(
                    start + (error.offset or 0),
                    self._reword_091(error, start),
                    None if frame_at is None else start + frame_at,
                )
                self._contents.lost(getattr(error, "channel", None))
                continue
            if event is NEED_DATA:
                if fed < self.length:
                    stop = min(self.length, fed + _FEED_CHUNK)
                    reader.feed(self._slice(fed, stop))
                    fed = stop
                    continue
                outcome = yield from self._starved(reader, start)
                if isinstance(outcome, _Again):
                    continue
                return outcome
            at = start + event.offset
            if isinstance(event, ProtocolHeader):
                version, note = header_version(event.major, event.minor, event.revision)
                yield self._header(at, "AMQP", version, supported=True, note=note)
                continue
            size = int.from_bytes(self._slice(at + 3, at + 7), "big") + _FRAME_OVERHEAD_091
            method = event.method if type(event) is amqp091.MethodFrame else None
            if type(method) is amqp091.ConnectionTuneOk and method.frame_max:  # 0: no limit asked (§1.4.2.6)
                self.peer.negotiated(method.frame_max, self._ceiling)
            yield from self._contents.frame(event, self.base + at, size)

    def _reword_091(self, error: AMQPCodecError, start: int) -> AMQPCodecError:
        """A 0-9-1 reader's error in the stream's terms: its "(in the method frame at offset
        N on channel C)" keeps the frame's kind and channel (the event carries
        ``frame_offset``), and any other offset counts from the stream's start."""
        if error.args:
            text = re.sub(
                r" \(in the ([a-z ]+) frame at offset \d+ on channel (\d+)\)",
                r" (in the \1 frame on channel \2)",
                str(error.args[0]),
            )
            error.args = (text, *error.args[1:])
        return self._reword(error, start)
