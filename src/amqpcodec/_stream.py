"""The received bytes a sans-IO frame reader holds: one piece for both protocols.

Strategy: the AMQP 1.0 reader (:class:`amqpcodec.frames.FrameReader`) and the AMQP 0-9-1
one (:class:`amqpcodec.amqp091.FrameReader`) differ in what a frame is, not in how they
buffer: both keep one ``bytearray`` (``_buf``) with a read position (``_pos``) and the
stream offset of its first byte (``_base``), drop the bytes already read only when more
arrive (so a frame's bytes stay put while it is decoded), bound what they hold by
``limits.max_buffered_bytes``, and remember a fatal error (``_fatal``) to raise again on
every later call.  :class:`StreamBuffer` is that part; a reader adds how it reads
(``next_event``) and answers :meth:`StreamBuffer._partial_unit` (which unit the buffered
bytes end inside) and :meth:`StreamBuffer._in_frame` (how it marks an error of a frame).
"""

from __future__ import annotations

from typing import NoReturn

from .errors import DecodeError, IncompleteError, LimitExceededError
from .limits import Limits

__all__ = ["PartialUnit", "StreamBuffer"]

#: The unit a stream ends inside: (its start in the buffer, the bytes of it there, the
#: bytes it needs (or a phrase such as "at least 8"), what it is: "frame", "protocol header").
PartialUnit = tuple[int, int, "int | str", str]


class StreamBuffer:
    """Received bytes not yet read, their stream offsets, and the reader's fatal error."""

    __slots__ = ("_base", "_buf", "_eof", "_fatal", "_pos", "limits")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._buf = bytearray()
        self._pos = 0
        self._base = 0
        self._fatal: DecodeError | None = None
        self._eof = False

    @property
    def offset(self) -> int:
        """The stream offset of the next unread byte (where the next event starts)."""
        return self._base + self._pos

    @property
    def buffered(self) -> int:
        """How many bytes are fed but not yet returned as events."""
        return len(self._buf) - self._pos

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
        if partial is None:
            return
        start, have, need, what = partial
        offset = self._base + start
        error = IncompleteError(f"the stream ended inside a {what}: {have} of {need} bytes", offset=offset)
        raise self._in_frame(error, offset) if what == "frame" else error

    def _partial_unit(self) -> PartialUnit | None:
        """The unread unit (protocol header or frame) the buffered bytes end inside, if any."""
        raise NotImplementedError

    def _in_frame(self, error: DecodeError, frame_offset: int) -> DecodeError:
        """``error``, marked as an error of the frame at ``frame_offset``."""
        raise NotImplementedError
