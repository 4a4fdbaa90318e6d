"""TCP connections in a capture: each connection's two byte streams, by sequence number.

Strategy: a :class:`Tracker` finds the connections in a capture's segments, gives each
a number once it is found to carry the protocol wanted, tells client from server, and
turns segments into items: :class:`Found`, then :class:`Part` (a
:class:`~amqpcodec.cli.flow.Bytes`, :class:`~amqpcodec.cli.flow.Hole` or
:class:`~amqpcodec.cli.flow.Stop` of one direction), then :class:`Closed`.  Each
direction of a connection is a :class:`~amqpcodec.cli.flow.Flow`, which rebuilds it
(:mod:`amqpcodec.cli.flow`: sequence numbers, retransmissions, reordering, gaps); a
reset or the end of the capture ends both.  Memory is the pending segments of each
direction (bounded) plus a fixed record per connection.

Decisions where RFC 9293 and the capture formats are silent (and those of
:mod:`amqpcodec.cli.flow` for one direction):

- A connection is *found* when one direction's stream opens with ``magic`` (the first
  bytes of its protocol header), or at once when one endpoint's port is in ``ports``.
  A connection on a port in ``default_ports`` (AMQP's own) that would be ignored, its
  streams opening otherwise (a connection already open when the capture started), is
  found too (``found``: ``default-port``).  The server is the endpoint on such a port;
  else the client is the sender of a SYN without ACK (the receiver of a SYN-ACK); else
  the first to send the magic.  Up to
  ``max_held`` bytes of a connection (``max_held_total`` of all) are held while it is
  undecided; a connection whose directions both open otherwise, or that would hold
  more, is ignored.
- Bare ACKs, FINs and RSTs of connections never seen open no connection.  A SYN on a
  connection whose streams ended, or whose sequence numbers it contradicts, starts a
  new connection (port reuse).  Up to ``max_ignored`` ignored or undecided connections
  are remembered (least recently used first out), so a capture with many connections
  of other protocols is read in bounded memory too.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections import OrderedDict
from collections.abc import Iterable

from .flow import SEQ_MASK, Bytes, Flow, Hole, Piece, Stop
from .pcap import TCP_ACK, TCP_RST, TCP_SYN, Segment

__all__ = [
    "C2S",
    "S2C",
    "Bytes",
    "Closed",
    "Connection",
    "Flow",
    "Found",
    "Hole",
    "Item",
    "Part",
    "Piece",
    "Stop",
    "Tracker",
    "TrackerStats",
    "endpoint_text",
]

C2S, S2C = "c2s", "s2c"

Endpoint = tuple[bytes, int]


def endpoint_text(endpoint: Endpoint) -> str:
    """``192.0.2.1:5672`` or ``[2001:db8::1]:5672``."""
    address, port = endpoint
    text = str(ipaddress.ip_address(address))
    return f"[{text}]:{port}" if len(address) == 16 else f"{text}:{port}"


# --------------------------------------------------------------------------- items


@dataclasses.dataclass(frozen=True, slots=True)
class Found:
    """A connection carrying the protocol wanted: numbered, its roles known."""

    connection: Connection


@dataclasses.dataclass(frozen=True, slots=True)
class Part:
    """A piece of one direction (``c2s`` or ``s2c``) of a found connection."""

    connection: Connection
    direction: str
    piece: Piece


@dataclasses.dataclass(frozen=True, slots=True)
class Closed:
    """A found connection is over: ``fin`` (both sides closed), ``rst``, ``capture`` (the
    capture ended first) or ``reused`` (a new connection took its ports)."""

    connection: Connection
    reason: str


Item = Found | Part | Closed
# --------------------------------------------------------------------------- connections


_UNDECIDED, _FOUND, _IGNORED = "undecided", "found", "ignored"

Key = tuple[Endpoint, Endpoint]


class Connection:
    """One TCP connection: its endpoints, roles, number (once found) and two flows.

    ``endpoints[0]`` sent the first segment seen and ``flows[i]`` is what
    ``endpoints[i]`` sent; ``client`` is the index of the client; ``found`` says how the
    connection was found (``header`` or ``port``); ``first_time`` is its first packet's.
    """

    __slots__ = (
        "client",
        "endpoints",
        "first_time",
        "flows",
        "found",
        "heads",
        "held",
        "held_bytes",
        "number",
        "roles_known",
        "state",
        "verdicts",
    )

    def __init__(self, first: Endpoint, second: Endpoint, time: int | None, flows: tuple[Flow, Flow]) -> None:
        self.endpoints = (first, second)
        self.flows = flows
        self.client = 0
        self.roles_known = False
        self.state = _UNDECIDED
        self.number = 0
        self.found = ""
        self.first_time = time
        self.heads = [b"", b""]
        self.verdicts: list[bool | None] = [None, None]
        self.held: list[tuple[int, Piece]] = []
        self.held_bytes = 0

    def __repr__(self) -> str:
        return f"<Connection {self.number or '?'} {self.client_text} -> {self.server_text} {self.state}>"

    @property
    def key(self) -> Key:
        first, second = self.endpoints
        return (first, second) if first <= second else (second, first)

    @property
    def client_text(self) -> str:
        return endpoint_text(self.endpoints[self.client])

    @property
    def server_text(self) -> str:
        return endpoint_text(self.endpoints[1 - self.client])

    @property
    def from_handshake(self) -> bool:
        """Whether the capture holds the client's SYN (offsets count from the stream start)."""
        return self.flows[self.client].from_syn

    def direction(self, index: int) -> str:
        """``c2s`` or ``s2c``: the direction ``endpoints[index]`` sends."""
        return C2S if index == self.client else S2C

    def length(self, direction: str) -> int:
        """The bytes read of ``direction``'s stream so far (gaps included)."""
        return self.flows[self.client if direction == C2S else 1 - self.client].offset


@dataclasses.dataclass(slots=True)
class TrackerStats:
    """What a :class:`Tracker` saw."""

    segments: int = 0
    found: int = 0
    ignored: int = 0
    retransmitted: int = 0
    out_of_order: int = 0
    gaps: int = 0
    gap_bytes: int = 0


class Tracker:
    """Segments in, items out (module docstring): ``segment()`` for each TCP segment of a
    capture in capture order, then ``finish()`` once."""

    def __init__(
        self,
        *,
        magic: bytes,
        ports: Iterable[int] = (),
        default_ports: Iterable[int] = (),
        max_held: int = 1 << 16,
        max_held_total: int = 1 << 24,
        max_ignored: int = 1 << 14,
        max_pending: int = 1 << 22,
        max_segments: int = 4096,
    ) -> None:
        self.magic = magic
        self.ports = frozenset(ports)
        self.default_ports = frozenset(default_ports)
        self.max_held = max_held
        self.max_held_total = max_held_total
        self._held_total = 0
        self.max_ignored = max_ignored
        self.max_pending = max_pending
        self.max_segments = max_segments
        self._table: dict[Key, Connection] = {}
        self._idle: OrderedDict[Key, None] = OrderedDict()
        self._numbers = 0
        self.stats = TrackerStats()

    def segment(self, segment: Segment, time: int | None = None, packet: int | None = None) -> list[Item]:
        """The items one segment completes (``time``: its packet's, kept as a new
        connection's ``first_time``; ``packet``: its packet's number, which the pieces
        carry)."""
        self.stats.segments += 1
        source, destination = segment.source, segment.destination
        key = (source, destination) if source <= destination else (destination, source)
        connection = self._table.get(key)
        flags = segment.flags
        out: list[Item] = []
        if (
            connection is not None
            and flags & (TCP_SYN | TCP_ACK) == TCP_SYN
            and self._reused(connection, segment)
        ):
            self._close(connection, "reused", out, packet)
            connection = None
        if connection is None:
            if not (flags & TCP_SYN or segment.payload or segment.missing):
                return out
            connection = self._open(key, segment, time, out)
        elif connection.state != _FOUND:
            self._idle.move_to_end(key)
            if connection.state == _IGNORED:
                if flags & TCP_RST:
                    self._forget(key)
                return out
        index = 0 if source == connection.endpoints[0] else 1
        if flags & TCP_SYN and not connection.roles_known:
            connection.client = 1 - index if flags & TCP_ACK else index
            connection.roles_known = True
        flow = connection.flows[index]
        pieces: list[Piece] = []
        retransmitted, out_of_order = flow.retransmitted, flow.out_of_order
        flow.segment(segment.seq, segment.payload, segment.missing, flags, pieces, packet)
        self.stats.retransmitted += flow.retransmitted - retransmitted
        self.stats.out_of_order += flow.out_of_order - out_of_order
        self._route(connection, index, pieces, out)
        other = connection.flows[1 - index]
        if flags & TCP_RST:
            pieces = []
            other.finish("rst", pieces, packet)
            self._route(connection, 1 - index, pieces, out)
        elif flags & TCP_ACK:
            pieces = []
            other.acknowledged(segment.ack, pieces, packet)
            self._route(connection, 1 - index, pieces, out)
        self._settle(connection, out)
        return out

    def finish(self, packet: int | None = None) -> list[Item]:
        """End every connection still open: the capture is over (``packet``: the number of
        its last packet, which the gaps this declares carry)."""
        out: list[Item] = []
        for connection in list(self._table.values()):
            self._end(connection, out, packet)
            if connection.state == _UNDECIDED:
                self._decide(connection, out, final=True)
            self._settle(connection, out)
        self._table.clear()
        self._idle.clear()
        return out

    # --- internals ------------------------------------------------------------------

    def _reused(self, connection: Connection, segment: Segment) -> bool:
        """Whether a SYN opens a new connection on a known connection's ports."""
        flows = connection.flows
        if flows[0].ended and flows[1].ended:
            return True
        flow = flows[0 if segment.source == connection.endpoints[0] else 1]
        return flow.base is not None and (segment.seq + 1) & SEQ_MASK != flow.base

    def _open(self, key: Key, segment: Segment, time: int | None, out: list[Item]) -> Connection:
        flows = (
            Flow(max_pending=self.max_pending, max_segments=self.max_segments),
            Flow(max_pending=self.max_pending, max_segments=self.max_segments),
        )
        connection = Connection(segment.source, segment.destination, time, flows)
        self._table[key] = connection
        if segment.destination[1] in self.ports or segment.source[1] in self.ports:
            connection.client = 0 if segment.destination[1] in self.ports else 1
            connection.roles_known = True
            self._found(connection, "port", out)
        else:
            self._idle[key] = None
            while len(self._idle) > self.max_ignored:
                old, _ = self._idle.popitem(last=False)
                dropped = self._table.pop(old)
                if dropped.state == _UNDECIDED:
                    self._release(dropped)
                    self.stats.ignored += 1
        return connection

    def _forget(self, key: Key) -> None:
        self._table.pop(key, None)
        self._idle.pop(key, None)

    def _found(self, connection: Connection, how: str, out: list[Item]) -> None:
        self._numbers += 1
        self.stats.found += 1
        connection.number = self._numbers
        connection.found = how
        connection.state = _FOUND
        self._idle.pop(connection.key, None)
        out.append(Found(connection))
        for index, piece in connection.held:
            out.append(Part(connection, connection.direction(index), piece))
        self._release(connection)

    def _release(self, connection: Connection) -> None:
        """Let go of what an undecided connection held."""
        self._held_total -= connection.held_bytes
        connection.held = []
        connection.held_bytes = 0

    def _route(self, connection: Connection, index: int, pieces: list[Piece], out: list[Item]) -> None:
        stats = self.stats
        for piece in pieces:
            if type(piece) is Hole:
                stats.gaps += 1
                stats.gap_bytes += piece.size
        state = connection.state
        if state == _FOUND:
            direction = connection.direction(index)
            out.extend(Part(connection, direction, piece) for piece in pieces)
            return
        if state == _IGNORED or not pieces:
            return
        for piece in pieces:
            self._sniff(connection, index, piece)
            if type(piece) is Bytes:
                piece = Bytes(piece.offset, bytes(piece.data), piece.packet)
                connection.held_bytes += len(piece.data)
                self._held_total += len(piece.data)
            connection.held.append((index, piece))
        self._decide(connection, out, final=False)

    def _sniff(self, connection: Connection, index: int, piece: Piece) -> None:
        """Compare the start of what ``endpoints[index]`` sends with the magic."""
        if connection.verdicts[index] is not None:
            return
        magic = self.magic
        head = connection.heads[index]
        if type(piece) is Bytes and piece.offset == len(head):
            head += bytes(piece.data[: len(magic) - len(head)])
            connection.heads[index] = head
            if not magic.startswith(head):
                connection.verdicts[index] = False
            elif len(head) == len(magic):
                connection.verdicts[index] = True
        else:
            connection.verdicts[index] = False

    def _decide(self, connection: Connection, out: list[Item], *, final: bool) -> None:
        verdicts = connection.verdicts
        if True in verdicts:
            if not connection.roles_known:
                connection.client = next(index for index, _ in connection.held if verdicts[index])
            self._found(connection, "header", out)
        elif (
            verdicts == [False, False]
            or final
            or connection.held_bytes > self.max_held
            or self._held_total > self.max_held_total
        ):
            server = self._default_port(connection)
            if server is not None:
                if not connection.roles_known:
                    connection.client = 1 - server
                self._found(connection, "default-port", out)
                return
            connection.state = _IGNORED
            self._release(connection)
            self.stats.ignored += 1

    def _default_port(self, connection: Connection) -> int | None:
        """The index of the endpoint on a port of ``default_ports`` (the server), if any."""
        for index, (_, port) in enumerate(connection.endpoints):
            if port in self.default_ports:
                return index
        return None

    def _end(self, connection: Connection, out: list[Item], packet: int | None) -> None:
        for index in (connection.client, 1 - connection.client):
            pieces: list[Piece] = []
            connection.flows[index].finish("capture", pieces, packet)
            self._route(connection, index, pieces, out)

    def _settle(self, connection: Connection, out: list[Item]) -> None:
        """Close a found connection whose two directions ended; forget any other."""
        first, second = connection.flows
        if first.ended is None or second.ended is None:
            return
        if connection.state == _FOUND:
            reasons = {first.ended, second.ended}
            reason = "rst" if "rst" in reasons else "fin" if reasons == {"fin"} else "capture"
            out.append(Closed(connection, reason))
        self._forget(connection.key)

    def _close(self, connection: Connection, reason: str, out: list[Item], packet: int | None) -> None:
        self._end(connection, out, packet)
        if connection.state == _FOUND:
            out.append(Closed(connection, reason))
        self._forget(connection.key)
