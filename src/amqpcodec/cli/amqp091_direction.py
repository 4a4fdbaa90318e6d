"""The AMQP 0-9-1 side of decoding one direction: telling a 0-9-1 stream, finding its
frames in damaged bytes, and turning its frames into events with assembled contents.

Strategy: :class:`~amqpcodec.cli.direction.DirectionDecoder` owns the window of bytes,
the reader loop, gaps and resynchronisation for both protocols; what is 0-9-1's lives
here, as plain functions and one small state class, so the loop stays one:

- :func:`opens_091` says whether a stream opens with a 0-9-1 protocol header (0-9-1
  §4.2.2: ``AMQP 0 0 9 1``, or ``AMQP 1 1 0 9`` that RabbitMQ serves as 0-9-1), and
  :class:`Peer` carries what one direction learnt from its opening to the other: only
  a client sends a protocol header, and it tells the protocol of both directions.
- :func:`scan_091` is :func:`amqpcodec.amqp091.find_frame_boundary` for a stream that
  may still grow: with ``final=False`` it answers only what more bytes cannot change
  (else :class:`~amqpcodec.frames.resync.NeedMore`), so a streamed capture finds the
  frame the whole stream would give, as the 1.0 scan does.  0-9-1 proposes an offset only
  when its whole frame, frame-end octet included, is in; an offset whose frame is not
  yet whole is undecided.
- :class:`Contents091` follows each channel's content (0-9-1 §4.2.6: a content method,
  one header frame, body frames) with an :class:`~amqpcodec.amqp091.ContentAssembler`
  and turns each frame into its events: the frame, a ``Message091Event`` when it
  completes a content, an ``error`` for a sequence fault.  After bytes were lost (a
  resync, a gap, a stream that starts mid-connection) a channel's header and body
  frames are shown with a note until its next method, instead of as sequence errors:
  their method was not seen, the bytes are not wrong.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Final

from ..amqp091 import BodyFrame, ContentAssembler, HeaderFrame, MethodFrame, find_frame_boundary
from ..amqp091.frames import ACCEPTED_HEADERS, FRAME_HEADER_SIZE, FRAME_OVERHEAD, FRAME_TYPES
from ..errors import DecodeError
from ..frames.resync import NeedMore
from ..limits import Limits
from .events import (
    AMQP091,
    ErrorEvent,
    Event,
    Frame091,
    Frame091Event,
    Message091Event,
    error_event,
    frame_name_091,
)
from .peer_errors import peer_error_091

__all__ = ["AMQP10", "NEGOTIATED_CEILING", "Peer", "opens_091", "header_version", "scan_091", "Contents091"]

#: The protocol a :class:`Peer` names for AMQP 1.0 (0-9-1's is ``events.AMQP091``).
AMQP10: Final = "1.0"
_HEADER_SIZE: Final = 8
#: The note on a content frame whose method was not seen (bytes before it were lost).
_UNSEEN: Final = "continues a content whose method was not seen"


#: The largest negotiated frame size honoured (a peer may state up to 4 GiB, Part 2
#: §2.7.1, meaning "no limit"): a larger one counts as this, unless ``--max-frame-size``
#: asks for more.
NEGOTIATED_CEILING: Final = 256 * 1024 * 1024


@dataclasses.dataclass(slots=True)
class Peer:
    """What the two directions of one connection share: its ``protocol``, once either
    direction's opening told it (``AMQP10``, ``events.AMQP091``, or None: not known), and
    the largest ``frame_size`` the connection negotiated (None: none seen yet)."""

    protocol: str | None = None
    frame_size: int | None = None

    def negotiated(self, size: int, ceiling: int = NEGOTIATED_CEILING) -> None:
        """A peer stated a frame size (an AMQP 1.0 ``open``'s max-frame-size, Part 2
        §2.7.1; an AMQP 0-9-1 ``connection.tune-ok``'s frame-max, §1.4.2.6): frames up
        to it are read in either direction (the larger of those stated, up to
        ``ceiling``)."""
        size = min(size, ceiling)
        if self.frame_size is None or size > self.frame_size:
            self.frame_size = size


def opens_091(data: bytes | bytearray) -> bool:
    """Whether ``data`` opens with a protocol header read as AMQP 0-9-1 (§4.2.2)."""
    return bytes(data[:_HEADER_SIZE]) in ACCEPTED_HEADERS


def header_version(major: int, minor: int, revision: int) -> tuple[str, str | None]:
    """The version shown for a 0-9-1 protocol header, and a note for the 0-9 era's
    (protocol id 1, version 0-9), which RabbitMQ serves as 0-9-1."""
    if (major, minor, revision) == (0, 9, 1):
        return "0-9-1", None
    return "0-9-1", f"the AMQP 0-9 header (AMQP {major} {minor} {revision}), served as 0-9-1"


def scan_091(data: bytes | bytearray, start: int, *, limits: Limits, final: bool) -> int | NeedMore | None:
    """The first offset ≥ ``start`` where a plausible 0-9-1 frame begins (``final``: the
    bytes are all there are, and the answer is an offset or None); on a stream that may
    grow, the offset only when more bytes could not change it, else ``NeedMore``."""
    start = max(start, 0)
    found = find_frame_boundary(data, start, limits=limits)
    if final:
        return found
    n = len(data)
    limit = limits.max_frame_size - FRAME_OVERHEAD
    for at in range(start, n if found is None else found):
        if data[at] not in FRAME_TYPES:
            continue
        if n - at < FRAME_HEADER_SIZE:
            return NeedMore(at)
        size = int.from_bytes(data[at + 3 : at + FRAME_HEADER_SIZE], "big")
        if size <= limit and at + FRAME_HEADER_SIZE + size >= n:
            return NeedMore(at)  # its frame-end octet is still to come
    return found if found is not None else NeedMore(n)


@dataclasses.dataclass(slots=True)
class _Open:
    """A content begun on a channel: its method frame's offset, and its frames so far."""

    offset: int
    frames: int


class Contents091:
    """One direction's 0-9-1 contents, channel by channel (module docstring)."""

    def __init__(self, direction: str, limits: Limits) -> None:
        self.direction = direction
        self._limits = limits
        self._assembler = ContentAssembler(limits=limits)
        self._open: dict[int, _Open] = {}
        #: Channels whose content state is known: None, all of them.
        self._known: set[int] | None = None

    def drop(self) -> None:
        """Bytes were lost: every channel's content state is unknown until its next method."""
        self._assembler = ContentAssembler(limits=self._limits)
        self._open.clear()
        self._known = set()

    @property
    def oldest(self) -> int | None:
        """The stream offset of the earliest method frame of a content in progress (a
        later ``message`` event names it), if any."""
        return min((begun.offset for begun in self._open.values()), default=None)

    def lost(self, channel: int | None) -> None:
        """A frame of ``channel`` (None: unknown) could not be decoded: its content is lost."""
        if channel is None:
            self.drop()
            return
        self._open.pop(channel, None)
        self._assembler.discard(channel)
        if self._known is not None:
            self._known.discard(channel)

    def _error(self, error: DecodeError, at: int) -> ErrorEvent:
        return error_event(self.direction, at, error, at, protocol=AMQP091)

    def frame(self, frame: Frame091, at: int, size: int) -> list[Event]:
        """The events of one frame at stream offset ``at`` (``size``: the whole frame's)."""
        channel: int = getattr(frame, "channel", 0)  # a heartbeat is on channel 0 (§4.2.7)
        name = frame_name_091(frame)
        payload = size - FRAME_OVERHEAD
        peer_error = None
        if type(frame) is MethodFrame:
            peer_error = peer_error_091(frame.method, self.direction)
            if self._known is not None:
                self._known.add(channel)
        elif (
            type(frame) in (HeaderFrame, BodyFrame) and self._known is not None and channel not in self._known
        ):
            return [Frame091Event(self.direction, at, size, channel, name, frame, payload, _UNSEEN)]
        events: list[Event] = [
            Frame091Event(self.direction, at, size, channel, name, frame, payload, peer_error=peer_error)
        ]
        rebased: Any = dataclasses.replace(frame, offset=at)  # the assembler's messages cite it
        try:
            message = self._assembler.feed(rebased)
        except DecodeError as error:
            self._open.pop(channel, None)
            events.append(self._error(error, at))
            message = None
            if type(frame) is not MethodFrame:
                return events
        if type(frame) is MethodFrame:
            if frame.method.HAS_CONTENT:
                self._open[channel] = _Open(at, 1)
            return events
        begun = self._open.get(channel)
        if begun is not None:
            begun.frames += 1
        if message is not None:
            begun = self._open.pop(channel, None) or _Open(at, 1)
            events.append(Message091Event(self.direction, begun.offset, at, begun.frames, message, at + size))
        return events
