"""A capture's packets into the events of all its AMQP connections.

Strategy: :class:`CaptureDecoder` gives each packet's TCP segment
(:func:`~amqpcodec.cli.pcap.tcp_segment`) to a :class:`~amqpcodec.cli.tcp.Tracker`,
which finds the AMQP connections and rebuilds their byte streams; each direction of a
connection chosen by ``select`` is a streaming
:class:`~amqpcodec.cli.direction.DirectionDecoder`, fed the bytes, gaps and ends that
the tracker reports.  Every event comes out :class:`~amqpcodec.cli.events.Stamped` with
its connection's number and the time of the packet whose bytes completed it, framed by
a ``ConnectionEvent`` when the connection is found and a ``ConnectionEndEvent`` when it
is over.  The counts of what the capture held (packets, those skipped and why,
connections decoded) are kept for the summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

from ..limits import DEFAULT_LIMITS, Limits
from .amqp091_direction import Peer
from .direction import MAGIC, DirectionDecoder
from .events import ConnectionEndEvent, ConnectionEvent, Event, Stamped
from .flow import Bytes, Hole
from .pcap import Packet, tcp_segment
from .tcp import C2S, S2C, Closed, Connection, Found, Item, Part, Tracker

__all__ = ["CaptureDecoder", "AMQP_PORTS"]

#: The ports IANA assigns to AMQP (5672, ``amqp``) and to AMQP over TLS (5671, ``amqps``):
#: a connection on them is decoded even without a protocol header (one already open when
#: the capture started), as ``--port`` would.
AMQP_PORTS = (5672, 5671)

#: The decoders of a connection's two directions: client to server, server to client.
_Pair = tuple[DirectionDecoder, DirectionDecoder]


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
    ) -> None:
        self._packets = packets
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
        for packet in self._packets:
            self.packets += 1
            time, digits = packet.time, packet.digits
            segment = tcp_segment(packet)
            if isinstance(segment, str):
                self.skipped[segment] += 1
                continue
            items = tracker.segment(segment, time)
            if items:
                yield from self._items(items, decoders, time, digits)
        yield from self._items(tracker.finish(), decoders, time, digits)

    def _items(
        self,
        items: list[Item],
        decoders: dict[int, _Pair],
        time: int | None,
        digits: int,
    ) -> Iterator[Stamped]:
        for item in items:
            events: Sequence[Event | ConnectionEvent | ConnectionEndEvent]
            if isinstance(item, Part):
                events = self._part(item, decoders)
            elif isinstance(item, Found):
                events = self._found(item, decoders)
            else:
                events = self._closed(item, decoders)
            number = item.connection.number
            for event in events:
                yield Stamped(number, time, digits, event)

    @staticmethod
    def _part(item: Part, decoders: dict[int, _Pair]) -> list[Event]:
        """The events that a piece of one direction completes (none for a connection not
        chosen)."""
        pair = decoders.get(item.connection.number)
        if pair is None:
            return []
        decoder = pair[0] if item.direction == C2S else pair[1]
        piece = item.piece
        if type(piece) is Bytes:
            return decoder.feed(piece.data)
        if type(piece) is Hole:
            return decoder.gap(piece.size, piece.reason)
        return decoder.end()

    def _found(self, item: Found, decoders: dict[int, _Pair]) -> list[ConnectionEvent]:
        """A connection found: its decoders and its event, if ``select`` chooses it."""
        connection = item.connection
        if self._select is not None and not self._select(connection):
            return []
        self.selected += 1
        number = connection.number
        peer = Peer()  # what the client's protocol header tells of both directions
        decoders[number] = (
            DirectionDecoder(C2S, base=0, limits=self.limits, final=False, peer=peer),
            DirectionDecoder(S2C, base=0, limits=self.limits, final=False, peer=peer),
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
    def _closed(item: Closed, decoders: dict[int, _Pair]) -> list[Event | ConnectionEndEvent]:
        """A connection is over: the last events of a direction that saw no end (a reused
        connection), then its end."""
        connection = item.connection
        pair = decoders.pop(connection.number, None)
        if pair is None:
            return []
        events: list[Event | ConnectionEndEvent] = []
        for decoder in pair:
            if not decoder.ended:
                events += decoder.end()
        events.append(
            ConnectionEndEvent(connection.number, item.reason, connection.length(C2S), connection.length(S2C))
        )
        return events
