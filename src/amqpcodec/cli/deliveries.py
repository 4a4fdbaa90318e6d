"""The deliveries in progress in one direction of a connection, for the CLI's decoder.

Strategy: each performative of the connection (not SASL frames, heartbeats or unknown
bodies) goes to a :class:`~amqpcodec.frames.TransferAssembler`, which joins a
delivery's transfers; :class:`Deliveries` also keeps, for each delivery in progress,
its first frame and where its payload bytes lie in the stream (``_Pending``), so that a
fault in a completed message is reported at the stream offset of the byte it names.  A
completed delivery of message format 0 is decoded with
:meth:`~amqpcodec.message.Message.decode`, strictly first (the compiled backend's fast
path) and, when that fails, again with ``unicode_errors="surrogateescape"``
(``events.UNICODE_ERRORS``), so that a string that is not UTF-8 is shown, marked, instead
of costing the message; a ``detach``, ``end`` or ``close`` forgets
the deliveries it ends.  After any lost frame (:meth:`Deliveries.drop`: a resync, a
gap, a frame that could not be decoded) every partial delivery is dropped, since the
lost frame may belong to any of them, and a transfer that continues a delivery whose
first frame was not seen is noted (:meth:`Deliveries.note`) instead of assembled (the
assembler would reject it).  Offsets given to it are the direction's own; its events
carry them with the stream's ``base`` added.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import DecodeError
from ..frames import Delivery, Frame, TransferAssembler
from ..limits import Limits
from ..message import Message
from ..performatives import Close, Detach, End, Transfer
from .events import UNICODE_ERRORS, Event, MessageEvent, error_event

__all__ = ["Deliveries"]

#: The note on a transfer continuing a delivery whose start was lost.
_UNSEEN_START = "continues a delivery whose first frame was not read"


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


def _decode_message(payload: bytes, limits: Limits) -> Message:
    """The message of a delivery: strictly, then, only if that fails, with
    ``events.UNICODE_ERRORS`` (whose error, if any, is the one reported)."""
    try:
        return Message.decode(payload, limits=limits)
    except DecodeError:
        pass
    return Message.decode(payload, limits=limits, unicode_errors=UNICODE_ERRORS)


class Deliveries:
    """The deliveries in progress of one direction (module docstring); ``direction``
    and ``base`` go into the events it makes."""

    def __init__(self, direction: str, base: int, limits: Limits) -> None:
        self.direction = direction
        self.base = base
        self.limits = limits
        self._assembler = TransferAssembler(limits=limits)
        self._pending: dict[tuple[int, int], _Pending] = {}
        self._unseen: set[tuple[int, int]] = set()
        self._lossy = False

    def drop(self) -> None:
        """A frame was lost: forget every partial delivery."""
        self._assembler = TransferAssembler(limits=self.limits)
        self._pending.clear()
        self._unseen.clear()
        self._lossy = True

    @property
    def oldest(self) -> int | None:
        """The offset of the earliest first frame of a delivery in progress (a later
        ``message`` event names it), if any."""
        return min((pending.first_offset for pending in self._pending.values()), default=None)

    def note(self, frame: Frame) -> str | None:
        """For a transfer continuing a delivery whose start was lost: why it is not assembled."""
        transfer: Any = frame.performative
        handle = transfer.handle
        if not self._lossy or type(handle) is bool or not isinstance(handle, int):
            return None
        key = (frame.channel, int(handle))
        if key in self._unseen:
            if not transfer.more or transfer.aborted:
                self._unseen.discard(key)
            return _UNSEEN_START
        if key not in self._pending and transfer.delivery_id is None:
            if transfer.more and not transfer.aborted:
                self._unseen.add(key)
            return _UNSEEN_START
        return None

    def assemble(self, frame: Frame, at: int, payload_at: int) -> Iterator[Event]:
        """Feed a frame (at ``at``, its payload at ``payload_at``) to the assembler: the
        ``message`` event of the delivery it completes, or the ``error`` it causes."""
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
                yield from self._message(result, pending, at, payload_at + len(frame.payload))
        elif kind is Detach and isinstance(performative.handle, int):
            self._pending.pop((frame.channel, int(performative.handle)), None)
        elif kind is End:
            self._pending = {key: value for key, value in self._pending.items() if key[0] != frame.channel}
        elif kind is Close:
            self._pending.clear()

    def _message(self, delivery: Delivery, pending: _Pending, last_at: int, end: int) -> Iterator[Event]:
        message = None
        if delivery.message_format == 0:
            try:
                message = _decode_message(delivery.payload, self.limits)
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
            self.base + end,
        )

    def _error(self, at: int, error: DecodeError, frame_at: int) -> Event:
        return error_event(self.direction, self.base + at, error, self.base + frame_at)
