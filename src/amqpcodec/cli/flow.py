"""TCP stream reassembly for captures: one direction of a connection, by sequence number.

Strategy: a :class:`Flow` rebuilds one direction of a connection (RFC 9293 §3.4
sequence numbers).  It keeps the offset of the next byte it expects and hands on every
byte once, in order: a segment that starts there is delivered at once (with any
out-of-order segments it makes contiguous); an older one (a retransmission) or the old
part of an overlapping one is dropped; a later one waits, copied, among the pending
segments.  Sequence numbers are compared modulo 2**32 against the next expected one
(RFC 9293 §3.4: a segment is never more than 2**31 away), so they may wrap; offsets are
unbounded ints counted from the first byte of the stream.  What it hands on are
pieces: :class:`Bytes`, :class:`Hole` (a gap) and, last, :class:`Stop`.
:class:`~amqpcodec.cli.tcp.Tracker` keeps two flows for each connection.

Bytes that never arrive are a *gap*, declared when the loss is certain or waiting for
them would cost too much: when the other side acknowledges bytes past the hole (it
received them; the capture missed them: no retransmission will come), when the segments
waiting behind a hole exceed ``max_pending`` bytes or ``max_segments`` segments, when a
segment's payload was cut by the snapshot length, and when the connection is reset or
the capture ends.  The gap is reported with its offset and size, and the stream goes on
from the segment after it.  Memory is the pending segments (bounded).

Decisions where RFC 9293 and the capture formats are silent:

- Offset 0 is the byte after the SYN when the handshake was captured; otherwise the
  first byte of the first segment seen with data (a capture that starts
  mid-connection).  Data older than that (reordered before the first segment seen) is
  dropped as a retransmission.
- Overlapping data is taken from the segment that arrived first: what was delivered
  stays delivered, and of pending segments that overlap, the earlier arrival wins.
"""

from __future__ import annotations

import dataclasses
from bisect import insort
from typing import NamedTuple

from .pcap import TCP_FIN, TCP_RST, TCP_SYN

__all__ = ["Bytes", "Hole", "Stop", "Piece", "Flow", "SEQ_MASK"]

#: Sequence numbers are 32-bit, compared modulo 2**32 (RFC 9293 §3.4).
SEQ_MASK = 0xFFFFFFFF
_HALF = 1 << 31


# --------------------------------------------------------------------------- pieces


@dataclasses.dataclass(frozen=True, slots=True)
class Bytes:
    """Bytes of a stream, from ``offset`` on."""

    offset: int
    data: bytes | memoryview
    #: The number of the capture's packet that carried them (from 1), if known.
    packet: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Hole:
    """``size`` bytes from ``offset`` that the capture does not hold; ``reason`` says how
    the loss was established."""

    offset: int
    size: int
    reason: str
    #: The number of the packet whose arrival (or the capture's end) showed the loss.
    packet: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Stop:
    """The end of a stream: ``fin``, ``rst`` or ``capture`` (it was open when the
    capture ended); ``length``: the stream's bytes, gaps included."""

    reason: str
    length: int


Piece = Bytes | Hole | Stop


class _Pending(NamedTuple):
    """A segment's payload from stream offset ``offset``: ``missing`` bytes after it cut
    off by the snapshot length; ``packet``: the number of the packet that carried it."""

    offset: int
    payload: bytes | memoryview
    missing: int
    packet: int | None


# --------------------------------------------------------------------------- one direction


class Flow:
    """The reassembly of one direction (module docstring).  ``segment()``,
    ``acknowledged()`` and ``finish()`` append the stream's pieces to ``out``."""

    __slots__ = (
        "_fin_at",
        "_pending",
        "acked",
        "base",
        "ended",
        "from_syn",
        "max_pending",
        "max_segments",
        "offset",
        "out_of_order",
        "pending_bytes",
        "retransmitted",
    )

    def __init__(self, *, max_pending: int = 1 << 22, max_segments: int = 4096) -> None:
        self.max_pending = max_pending
        self.max_segments = max_segments
        self.base: int | None = None  # the sequence number of stream offset 0
        self.from_syn = False
        self.offset = 0  # the next stream offset expected
        self.acked = 0  # the highest offset the peer acknowledged
        self._fin_at: int | None = None
        self._pending: list[_Pending] = []  # by offset
        self.pending_bytes = 0
        self.ended: str | None = None
        self.retransmitted = 0
        self.out_of_order = 0

    def __repr__(self) -> str:
        return (
            f"<Flow base={self.base} offset={self.offset} pending={len(self._pending)} "
            f"({self.pending_bytes} bytes) ended={self.ended}>"
        )

    def _offset_of(self, seq: int, base: int) -> int:
        delta = (seq - base - self.offset) & SEQ_MASK
        return self.offset + (delta - (1 << 32) if delta >= _HALF else delta)

    def segment(
        self,
        seq: int,
        payload: bytes | memoryview,
        missing: int,
        flags: int,
        out: list[Piece],
        packet: int | None = None,
    ) -> None:
        """Take one segment of this direction: its sequence number, payload, the payload
        bytes the snapshot length cut off, and its TCP flags (RFC 9293 §3.1); ``packet``:
        the number of the packet that carried it, passed on with its bytes."""
        if self.ended is not None:
            return
        if flags & TCP_SYN:
            if self.base is None:
                self.base = (seq + 1) & SEQ_MASK
                self.from_syn = True
            seq = (seq + 1) & SEQ_MASK  # the SYN takes one sequence number; data may follow it
        size = len(payload) + missing
        base = self.base
        if base is None:
            if not size:
                return
            self.base = base = seq
        start = self._offset_of(seq, base)
        if flags & TCP_FIN and self._fin_at is None:
            self._fin_at = start + size
        if size:
            self._place(_Pending(start, payload, missing, packet), out, packet)
        if flags & TCP_RST:
            self.finish("rst", out, packet)
        else:
            self._check_end(out)

    def acknowledged(self, ack: int, out: list[Piece], packet: int | None = None) -> None:
        """The other direction acknowledged ``ack`` (in packet number ``packet``): the bytes
        before it reached the peer."""
        if self.base is None or self.ended is not None:
            return
        at = self._offset_of(ack, self.base)
        if at > self.acked:
            self.acked = at
            self._check_acked(out, packet)

    def finish(self, reason: str, out: list[Piece], packet: int | None = None) -> None:
        """End the stream (a reset in packet number ``packet``, or the end of the capture,
        after it): the segments waiting behind holes are delivered, after a gap for each hole."""
        if self.ended is not None:
            return
        while self._pending:
            self._skip_to(self._pending[0].offset, "never captured", out, packet)
        if self._fin_at is not None:
            self._skip_to(self._fin_at, "never captured", out, packet)
            if reason == "capture":
                reason = "fin"
        self.ended = reason
        out.append(Stop(reason, self.offset))

    # --- internals ------------------------------------------------------------------

    def _place(self, segment: _Pending, out: list[Piece], packet: int | None) -> None:
        start, payload, missing = segment.offset, segment.payload, segment.missing
        if start + len(payload) + missing <= self.offset:
            self.retransmitted += 1
            return
        if start > self.offset:
            self.out_of_order += 1
            insort(self._pending, segment._replace(payload=bytes(payload)), key=_first)
            self.pending_bytes += len(payload)
            if self.pending_bytes > self.max_pending or len(self._pending) > self.max_segments:
                self._skip_to(self._pending[0].offset, "too much data waiting behind it", out, packet)
            else:
                self._check_acked(out, packet)
            return
        self._deliver(segment, out)
        self._drain(out)

    def _deliver(self, segment: _Pending, out: list[Piece]) -> None:
        payload, missing = segment.payload, segment.missing
        skip = self.offset - segment.offset
        if skip < len(payload):
            piece = payload[skip:] if skip else payload
            out.append(Bytes(self.offset, piece, segment.packet))
            self.offset += len(piece)
            skip = 0
        else:
            skip -= len(payload)
        if missing > skip:
            out.append(Hole(self.offset, missing - skip, "cut off by the snapshot length", segment.packet))
            self.offset += missing - skip

    def _drain(self, out: list[Piece]) -> None:
        pending = self._pending
        while pending and pending[0].offset <= self.offset:
            segment = pending.pop(0)
            self.pending_bytes -= len(segment.payload)
            if segment.offset + len(segment.payload) + segment.missing > self.offset:
                self._deliver(segment, out)

    def _skip_to(self, offset: int, reason: str, out: list[Piece], packet: int | None) -> None:
        if offset > self.offset:
            out.append(Hole(self.offset, offset - self.offset, reason, packet))
            self.offset = offset
        self._drain(out)

    def _check_acked(self, out: list[Piece], packet: int | None) -> None:
        pending = self._pending
        while pending and self.acked >= pending[0].offset > self.offset:
            self._skip_to(pending[0].offset, "acknowledged but never captured", out, packet)
        self._check_end(out)

    def _check_end(self, out: list[Piece]) -> None:
        if self._fin_at is not None and self.offset >= self._fin_at and self.ended is None:
            self.ended = "fin"
            out.append(Stop("fin", self.offset))


def _first(item: _Pending) -> int:
    return item.offset
