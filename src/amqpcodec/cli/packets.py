"""Which packet of a capture carried each event: packet numbers as tshark counts them.

Strategy: every piece of a stream that TCP reassembly hands on carries the number of
the packet it came from (:class:`~amqpcodec.cli.flow.Bytes`, and for a
:class:`~amqpcodec.cli.flow.Hole` the packet whose arrival showed the loss); numbers
count every packet record of the file from 1, whatever it holds (not TCP, not IP), as
tshark's frame numbers do.  A :class:`PacketIndex` per direction records where each
packet's bytes begin in the stream, so an event's first and last byte offsets
(:func:`byte_span`) give the packets that carried them (:meth:`PacketIndex.span`).
Bytes arrive in stream order, so the index is a sorted run searched by bisection, and
:meth:`PacketIndex.forget` drops what no later event can name (before
:attr:`~amqpcodec.cli.direction.DirectionDecoder.retained_from`): memory follows the
bytes the decoder keeps, not the capture's size.  The stream's first packet is kept
always (an event about the stream as a whole, such as "no frame in N bytes", names
offset 0).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from .events import (
    Event,
    Frame091Event,
    FrameEvent,
    HeaderEvent,
    Message091Event,
    MessageEvent,
    PacketSpan,
)

__all__ = ["ByteSpan", "PacketIndex", "byte_span"]

#: The size of a protocol header (AMQP 1.0 Part 2 §2.2; AMQP 0-9-1 §4.2.2).
_HEADER_SIZE = 8
#: Forgotten entries are removed from the lists once there are this many (and they are
#: at least half of them), so that forgetting costs O(1) amortised.
_COMPACT = 1024


class ByteSpan(NamedTuple):
    """The stream offsets of an event's first and last bytes."""

    first: int
    last: int


def byte_span(event: Event) -> ByteSpan:
    """The bytes an event stands for: a frame's, a protocol header's, a message's (from
    its first frame's first byte to its last frame's last); an error, a resync or a gap
    is one point, its offset."""
    offset = event.offset
    if isinstance(event, (FrameEvent, Frame091Event)):
        return ByteSpan(offset, offset + max(event.size, 1) - 1)
    if isinstance(event, (MessageEvent, Message091Event)):
        last = event.last_offset if event.end is None else event.end - 1
        return ByteSpan(offset, max(last, offset))
    if isinstance(event, HeaderEvent) and event.supported:
        return ByteSpan(offset, offset + _HEADER_SIZE - 1)
    return ByteSpan(offset, offset)


class _Head(NamedTuple):
    """The stream's first packet, kept when the entries after it are forgotten: it
    carried the bytes from ``start`` to ``stop``."""

    start: int
    stop: int
    packet: int | None


class PacketIndex:
    """Where each packet's bytes begin in one direction's stream (module docstring)."""

    __slots__ = ("_head", "_kept", "_packets", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._packets: list[int | None] = []
        self._kept = 0  # entries before this one are forgotten
        self._head: _Head | None = None

    def __len__(self) -> int:
        """The entries held (forgotten ones not yet removed included)."""
        return len(self._starts)

    def add(self, offset: int, packet: int | None) -> None:
        """The bytes from stream ``offset`` on came in packet number ``packet`` (offsets
        given in increasing order)."""
        packets = self._packets
        if packets and packets[-1] == packet:
            return  # the same packet goes on
        self._starts.append(offset)
        packets.append(packet)

    def packet(self, offset: int) -> int | None:
        """The number of the packet that carried the byte at ``offset`` (None: not known
        or forgotten)."""
        starts = self._starts
        found = bisect_right(starts, offset, self._kept) - 1
        if found >= self._kept:
            return self._packets[found]
        head = self._head
        if head is not None and head.start <= offset < head.stop:
            return head.packet
        return None

    def span(self, span: ByteSpan) -> PacketSpan:
        """The packets that carried the first and the last byte of ``span``."""
        first = self.packet(span.first)
        return PacketSpan(first, first if span.last == span.first else self.packet(span.last))

    def forget(self, before: int) -> None:
        """No event will name an offset before ``before`` any more: drop the entries of
        the packets whose bytes all lie before it (the stream's first excepted)."""
        starts = self._starts
        found = bisect_right(starts, before, self._kept) - 1
        if found <= self._kept:
            return
        if self._head is None:
            self._head = _Head(starts[0], starts[1], self._packets[0])
        self._kept = found
        if found >= _COMPACT and found * 2 >= len(starts):
            del starts[:found]
            del self._packets[:found]
            self._kept = 0
