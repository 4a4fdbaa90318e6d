"""A capture's packets into the events of all its AMQP connections.

Strategy: :class:`CaptureDecoder` gives each packet's TCP segment
(:func:`~amqpcodec.cli.pcap.tcp_segment`) to a :class:`~amqpcodec.cli.tcp.Tracker`,
which finds the AMQP connections and rebuilds their byte streams; each direction of a
connection chosen by ``select`` is a streaming
:class:`~amqpcodec.cli.direction.DirectionDecoder`, fed the bytes, gaps and ends that
the tracker reports.  Every event comes out :class:`~amqpcodec.cli.events.Stamped` with
its connection's number, the time of the packet whose bytes completed it and the
numbers of the packets that carried its first and last bytes
(:mod:`amqpcodec.cli.packets`: each piece of a stream carries its packet's number), framed by
a ``ConnectionEvent`` when the connection is found and a ``ConnectionEndEvent`` when it
is over.  The counts of what the capture held (packets, those skipped and why,
connections decoded) are kept for the summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from ..limits import DEFAULT_LIMITS, Limits
from .amqp091_direction import Peer
from .direction import MAGIC, DirectionDecoder
from .events import ConnectionEndEvent, ConnectionEvent, Event, PacketSpan, Stamped
from .flow import Bytes, Hole
from .packets import PacketIndex, byte_span
from .pcap import Packet, tcp_segment
from .tcp import C2S, S2C, Closed, Connection, Found, Item, Part, Tracker

__all__ = ["CaptureDecoder", "AMQP_PORTS"]

#: The ports IANA assigns to AMQP (5672, ``amqp``) and to AMQP over TLS (5671, ``amqps``):
#: a connection on them is decoded even without a protocol header (one already open when
#: the capture started), as ``--port`` would.
AMQP_PORTS = (5672, 5671)


class _Side:
    """One direction of a connection: its decoder, and which packets carried its bytes."""

    __slots__ = ("decoder", "packets")

    def __init__(self, decoder: DirectionDecoder) -> None:
        self.decoder = decoder
        self.packets = PacketIndex()


#: The two directions of a connection: client to server, server to client.
_Pair = tuple[_Side, _Side]


class CaptureDecoder:
    """The events of every AMQP connection in a capture's packets, in capture order.

    Strategy: each packet's TCP segment goes to a :class:`~amqpcodec.cli.tcp.Tracker`,
    which finds the connections (``AMQP`` at the start of a stream, or a port in
    ``ports``) and rebuilds their byte streams; each direction of a connection chosen
    by ``select`` (all by default) is a streaming :class:`DirectionDecoder`.  An event
    carries the time of the packet whose bytes completed it.  Memory: one frame and one
    delivery in progress per direction, the reassembler's bounded buffers, and a chunk
    of the file, whatever the capture's size.
    """

    def __init__(
        self,
        packets: Iterable[Packet],
        *,
        ports: Iterable[int] = (),
        select: Callable[[Connection], bool] | None = None,
        limits: Limits = DEFAULT_LIMITS,
        encodings: bool = False,
    ) -> None:
        self._packets = packets
        self.encodings = encodings
        self._select = select
        self.limits = limits
        self.tracker = Tracker(magic=MAGIC, ports=ports, default_ports=AMQP_PORTS)
        self.packets = 0
        self.skipped: Counter[str] = Counter()
        self.selected = 0

    def events(self) -> Iterator[Stamped]:
        """Every event, in the order of the packets that completed them (runs once)."""
        decoders: dict[int, _Pair] = {}
        tracker = self.tracker
        time: int | None = None
        digits = 6
        number: int | None = None
        for packet in self._packets:
            self.packets += 1
            time, digits, number = packet.time, packet.digits, packet.number
            segment = tcp_segment(packet)
            if isinstance(segment, str):
                self.skipped[segment] += 1
                continue
            items = tracker.segment(segment, time, number)
            if items:
                yield from self._items(items, decoders, _Now(time, digits, number))
        yield from self._items(tracker.finish(number), decoders, _Now(time, digits, number))

    def _items(self, items: list[Item], decoders: dict[int, _Pair], now: _Now) -> Iterator[Stamped]:
        here = PacketSpan(now.packet, now.packet)
        for item in items:
            connection = item.connection.number
            if isinstance(item, Part):
                yield from self._part(item, decoders, now)
            elif isinstance(item, Found):
                for found in self._found(item, decoders):
                    yield Stamped(connection, now.time, now.digits, found, here)
            else:
                pair = decoders.pop(connection, None)
                for event in self._closed(item, pair):
                    if isinstance(event, ConnectionEndEvent) or pair is None:
                        yield Stamped(connection, now.time, now.digits, event, here)
                    else:
                        yield _stamp(connection, now, event, pair[0] if event.direction == C2S else pair[1])

    @staticmethod
    def _part(item: Part, decoders: dict[int, _Pair], now: _Now) -> Iterator[Stamped]:
        """The events that a piece of one direction completes (none for a connection not
        chosen), stamped with the packets that carried them."""
        pair = decoders.get(item.connection.number)
        if pair is None:
            return
        side = pair[0] if item.direction == C2S else pair[1]
        decoder = side.decoder
        piece = item.piece
        if isinstance(piece, Bytes):
            side.packets.add(piece.offset, piece.packet)
            events = decoder.feed(piece.data)
        elif isinstance(piece, Hole):
            side.packets.add(piece.offset, piece.packet)
            events = decoder.gap(piece.size, piece.reason)
        else:
            events = decoder.end()
        connection = item.connection.number
        for event in events:
            yield _stamp(connection, now, event, side)
        side.packets.forget(decoder.retained_from)

    def _decoder(self, direction: str, peer: Peer) -> DirectionDecoder:
        """A streaming decoder for one direction of a connection found."""
        return DirectionDecoder(
            direction, base=0, limits=self.limits, final=False, peer=peer, encodings=self.encodings
        )

    def _found(self, item: Found, decoders: dict[int, _Pair]) -> list[ConnectionEvent]:
        """A connection found: its decoders and its event, if ``select`` chooses it."""
        connection = item.connection
        if self._select is not None and not self._select(connection):
            return []
        self.selected += 1
        number = connection.number
        peer = Peer()  # what the client's protocol header tells of both directions
        decoders[number] = (
            _Side(self._decoder(C2S, peer)),
            _Side(self._decoder(S2C, peer)),
        )
        return [
            ConnectionEvent(
                number,
                connection.client_text,
                connection.server_text,
                connection.found,
                connection.from_handshake,
                connection.first_time,
            )
        ]

    @staticmethod
    def _closed(item: Closed, pair: _Pair | None) -> list[Event | ConnectionEndEvent]:
        """A connection is over (``pair``: its directions, None for a connection not
        chosen): the last events of a direction that saw no end (a reused connection),
        then its end."""
        if pair is None:
            return []
        connection = item.connection
        events: list[Event | ConnectionEndEvent] = []
        for side in pair:
            if not side.decoder.ended:
                events += side.decoder.end()
        events.append(
            ConnectionEndEvent(connection.number, item.reason, connection.length(C2S), connection.length(S2C))
        )
        return events


class _Now(NamedTuple):
    """The packet being read: its time, the fractional digits its unit warrants, its number."""

    time: int | None
    digits: int
    packet: int | None


def _stamp(connection: int, now: _Now, event: Event, side: _Side) -> Stamped:
    """An event of one direction, stamped: the time of the packet that completed it, and
    the packets that carried its first and last bytes."""
    return Stamped(connection, now.time, now.digits, event, side.packets.span(byte_span(event)))
