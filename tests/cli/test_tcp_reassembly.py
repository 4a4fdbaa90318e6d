"""TCP reassembly for captures (``amqpcodec.cli.tcp``, RFC 9293 §3.4 sequence numbers).

A :class:`Flow` rebuilds one direction: tested segment by segment for order,
retransmission, overlap, wrap-around, a start mid-connection, FIN and RST, and each way
a gap is declared; and with hypothesis, any order, repetition and overlap of a stream's
segments gives back the stream, and lost segments become exactly the gaps they leave.
A :class:`Tracker` finds connections: by their protocol header or a port, with the
client told by SYN, port or first header, and forgets what it must to stay bounded.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amqpcodec.cli.events import PacketSpan
from amqpcodec.cli.packets import ByteSpan, PacketIndex
from amqpcodec.cli.pcap import Segment
from amqpcodec.cli.tcp import Bytes, Closed, Flow, Found, Hole, Part, Piece, Stop, Tracker

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
MASK = 0xFFFFFFFF


def feed(flow: Flow, *segments: tuple[Any, ...]) -> list[Any]:
    """Each segment as ``(seq, payload[, flags[, missing]])`` (flags PSH|ACK unless
    given); the pieces it gives, as tuples."""
    out: list[Piece] = []
    for seq, payload, *rest in segments:
        flags = rest[0] if rest else PSH | ACK
        missing = rest[1] if len(rest) > 1 else 0
        flow.segment(seq & MASK, payload, missing, flags, out)
    return shown(out)


def shown(pieces: Iterable[Piece]) -> list[Any]:
    found: list[Any] = []
    for piece in pieces:
        if isinstance(piece, Bytes):
            found.append(("data", piece.offset, bytes(piece.data)))
        elif isinstance(piece, Hole):
            found.append(("gap", piece.offset, piece.size, piece.reason))
        else:
            found.append(("end", piece.reason, piece.length))
    return found


def acked(flow: Flow, ack: int) -> list[Any]:
    out: list[Piece] = []
    flow.acknowledged(ack & MASK, out)
    return shown(out)


def finished(flow: Flow, reason: str = "capture") -> list[Any]:
    out: list[Piece] = []
    flow.finish(reason, out)
    return shown(out)


# --------------------------------------------------------------------------- one direction


def test_in_order() -> None:
    flow = Flow()
    assert feed(flow, (99, b"", SYN)) == []
    assert feed(flow, (100, b"abc"), (103, b"de")) == [("data", 0, b"abc"), ("data", 3, b"de")]
    assert feed(flow, (105, b"", FIN | ACK)) == [("end", "fin", 5)]
    assert feed(flow, (105, b"", FIN | ACK)) == []  # a repeated FIN, after the end
    assert flow.from_syn and flow.ended == "fin"


def test_out_of_order_waits() -> None:
    flow = Flow()
    feed(flow, (0, b"", SYN))
    assert feed(flow, (4, b"def")) == []
    assert feed(flow, (7, b"gh")) == []
    assert feed(flow, (1, b"abc")) == [("data", 0, b"abc"), ("data", 3, b"def"), ("data", 6, b"gh")]
    assert (flow.out_of_order, flow.pending_bytes) == (2, 0)


def test_retransmission_and_overlap() -> None:
    """A repeated segment is dropped; of an overlapping one only the new bytes pass."""
    flow = Flow()
    feed(flow, (0, b"", SYN), (1, b"abcd"))
    assert feed(flow, (1, b"abcd")) == []
    assert feed(flow, (3, b"cdEF")) == [("data", 4, b"EF")]
    assert flow.retransmitted == 1


def test_overlapping_pending_segments() -> None:
    """Of waiting segments that overlap, what arrived first is kept."""
    flow = Flow()
    feed(flow, (0, b"", SYN))
    assert feed(flow, (5, b"efgh"), (3, b"cdXY"), (7, b"ghij")) == []
    assert feed(flow, (1, b"ab")) == [
        ("data", 0, b"ab"),
        ("data", 2, b"cdXY"),
        ("data", 6, b"gh"),
        ("data", 8, b"ij"),
    ]


def test_sequence_numbers_wrap() -> None:
    flow = Flow()
    feed(flow, (MASK - 2, b"", SYN))  # offset 0 is sequence number MASK - 1
    assert feed(flow, (4, b"world"), (MASK - 1, b"hell"), (2, b"o ")) == [
        ("data", 0, b"hell"),
        ("data", 4, b"o "),
        ("data", 6, b"world"),
    ]
    assert feed(flow, (MASK, b"ello")) == []  # from before the wrap: old
    assert feed(flow, (9, b"", FIN | ACK)) == [("end", "fin", 11)]


def test_start_mid_connection() -> None:
    """Offset 0 is the first byte seen; bare ACKs before it set nothing; older data is old."""
    flow = Flow()
    assert feed(flow, (5000, b"", ACK)) == []
    assert feed(flow, (7000, b"mid")) == [("data", 0, b"mid")]
    assert feed(flow, (6990, b"0123456789")) == []
    assert not flow.from_syn and flow.retransmitted == 1


def test_data_on_the_syn() -> None:
    """TCP Fast Open: the SYN's payload follows its sequence number."""
    flow = Flow()
    assert feed(flow, (41, b"fast", SYN)) == [("data", 0, b"fast")]
    assert feed(flow, (41, b"fast", SYN)) == []


def test_fin_before_the_last_data() -> None:
    flow = Flow()
    feed(flow, (0, b"", SYN))
    assert feed(flow, (4, b"def", FIN | ACK)) == []
    assert feed(flow, (1, b"abc")) == [("data", 0, b"abc"), ("data", 3, b"def"), ("end", "fin", 6)]


def test_gap_when_acknowledged() -> None:
    """The peer acknowledged bytes the capture lacks: they are lost, not late."""
    flow = Flow()
    feed(flow, (0, b"", SYN), (1, b"ab"))
    assert feed(flow, (6, b"fgh")) == []
    assert acked(flow, 4) == []  # inside the hole: the rest may still come
    assert acked(flow, 9) == [("gap", 2, 3, "acknowledged but never captured"), ("data", 5, b"fgh")]


def test_gap_when_acknowledged_first() -> None:
    """The acknowledgement came before the data behind the hole."""
    flow = Flow()
    feed(flow, (0, b"", SYN), (1, b"ab"))
    assert acked(flow, 9) == []
    assert feed(flow, (6, b"fgh")) == [("gap", 2, 3, "acknowledged but never captured"), ("data", 5, b"fgh")]


def test_gap_when_too_much_waits() -> None:
    flow = Flow(max_pending=4)
    feed(flow, (0, b"", SYN), (1, b"a"))
    assert feed(flow, (4, b"de")) == []
    assert feed(flow, (6, b"fgh")) == [
        ("gap", 1, 2, "too much data waiting behind it"),
        ("data", 3, b"de"),
        ("data", 5, b"fgh"),
    ]
    flow = Flow(max_segments=2)
    feed(flow, (0, b"", SYN))
    assert feed(flow, (3, b"c"), (5, b"e")) == []
    assert feed(flow, (7, b"g")) == [
        ("gap", 0, 2, "too much data waiting behind it"),
        ("data", 2, b"c"),
    ]


def test_snapshot_length() -> None:
    """Payload bytes cut off by the capture are lost at once, even if sent again."""
    flow = Flow()
    feed(flow, (0, b"", SYN))
    assert feed(flow, (1, b"abc", PSH | ACK, 5)) == [
        ("data", 0, b"abc"),
        ("gap", 3, 5, "cut off by the snapshot length"),
    ]
    assert feed(flow, (1, b"abcdefgh")) == []
    assert feed(flow, (9, b"i")) == [("data", 8, b"i")]


def test_finish_with_holes() -> None:
    """At the end of the capture every hole is a gap and what waited behind it is read."""
    flow = Flow()
    feed(flow, (0, b"", SYN), (1, b"a"))
    feed(flow, (4, b"d"), (7, b"g"))
    assert finished(flow) == [
        ("gap", 1, 2, "never captured"),
        ("data", 3, b"d"),
        ("gap", 4, 2, "never captured"),
        ("data", 6, b"g"),
        ("end", "capture", 7),
    ]
    assert finished(flow) == []


def test_finish_after_a_fin() -> None:
    """A FIN seen beyond a hole: the stream did end; the hole is a gap."""
    flow = Flow()
    feed(flow, (0, b"", SYN), (1, b"a"), (5, b"", FIN | ACK))
    assert finished(flow) == [("gap", 1, 3, "never captured"), ("end", "fin", 4)]


def test_reset() -> None:
    flow = Flow()
    feed(flow, (0, b"", SYN), (1, b"a"), (3, b"c"))
    assert feed(flow, (2, b"", RST)) == [
        ("gap", 1, 1, "never captured"),
        ("data", 2, b"c"),
        ("end", "rst", 3),
    ]


def _segments(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, bytes]]]:
    data = draw(st.binary(min_size=1, max_size=300))
    cuts = sorted(draw(st.sets(st.integers(1, len(data) - 1), max_size=20)) if len(data) > 1 else set())
    bounds = [0, *cuts, len(data)]
    return data, [(start, data[start:stop]) for start, stop in itertools.pairwise(bounds)]


@st.composite
def shuffled_streams(draw: st.DrawFn) -> tuple[int, bytes, list[tuple[int, bytes]]]:
    """A stream's segments in any order, some repeated, some merged into overlapping
    larger ones; the ISN anywhere (so the sequence numbers may wrap)."""
    data, segments = _segments(draw)
    extra = [
        (start, data[start : start + size])
        for start, size in draw(
            st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(1, 40)), max_size=8)
        )
    ]
    repeated = draw(st.lists(st.sampled_from(segments), max_size=5))
    order = draw(st.permutations(segments + extra + repeated))
    return draw(st.integers(0, MASK)), data, order


@given(shuffled_streams())
def test_any_order_gives_the_stream(case: tuple[int, bytes, list[tuple[int, bytes]]]) -> None:
    isn, data, segments = case
    flow = Flow()
    pieces = feed(flow, (isn, b"", SYN), *((isn + 1 + start, payload) for start, payload in segments))
    pieces += feed(flow, (isn + 1 + len(data), b"", FIN | ACK))
    assert pieces[-1] == ("end", "fin", len(data))
    assert b"".join(piece[2] for piece in pieces[:-1]) == data
    assert [piece[1] for piece in pieces[:-1]] == sorted({piece[1] for piece in pieces[:-1]})


@st.composite
def lossy_streams(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, bytes]], set[int]]:
    data, segments = _segments(draw)
    lost = (
        draw(st.sets(st.integers(0, len(segments) - 2), max_size=len(segments) - 1))
        if len(segments) > 1
        else set()
    )
    order = draw(st.permutations([segment for index, segment in enumerate(segments) if index not in lost]))
    return data, order, {segments[index][0] for index in lost}


@given(lossy_streams())
def test_lost_segments_become_gaps(case: tuple[bytes, list[tuple[int, bytes]], set[int]]) -> None:
    """Whatever is lost, in whatever order the rest comes, the stream is tiled by the
    segments that came (each as sent) and one gap per run of lost ones, up to the FIN."""
    data, segments, lost = case
    flow = Flow()
    feed(flow, (0, b"", SYN))
    pieces = feed(flow, *((1 + start, payload) for start, payload in segments))
    pieces += feed(flow, (1 + len(data), b"", FIN | ACK)) + finished(flow)
    expected: list[Any] = []
    came = dict(segments)
    bounds = sorted({*came, *lost})
    for start, stop in zip(bounds, [*bounds[1:], len(data)]):
        if start in came:
            expected.append(("data", start, data[start:stop]))
        elif expected and expected[-1][0] == "gap":
            expected[-1] = ("gap", expected[-1][1], stop - expected[-1][1], "never captured")
        else:
            expected.append(("gap", start, stop - start, "never captured"))
    assert pieces == [*expected, ("end", "fin", len(data))]


# --------------------------------------------------------------------------- connections

CLIENT = (bytes([10, 0, 0, 1]), 40001)
SERVER = (bytes([10, 0, 0, 2]), 5672)


def seg(
    src: tuple[bytes, int], dst: tuple[bytes, int], seq: int, ack: int, flags: int, payload: bytes = b""
) -> Segment:
    return Segment(src, dst, seq & MASK, ack & MASK, flags, payload, 0)


def items(tracker: Tracker, *segments: Segment) -> list[Any]:
    """The tracker's items, as tuples naming connection numbers and directions."""
    out: list[Any] = []
    for segment in segments:
        out += described(tracker.segment(segment))
    return out


def described(found: Iterable[object]) -> list[Any]:
    out: list[Any] = []
    for item in found:
        if isinstance(item, Found):
            connection = item.connection
            out.append(
                ("found", connection.number, connection.client_text, connection.server_text, connection.found)
            )
        elif isinstance(item, Part):
            out.append((item.connection.number, item.direction, *shown([item.piece])[0]))
        elif isinstance(item, Closed):
            out.append(("closed", item.connection.number, item.reason))
    return out


def handshake(
    client: tuple[bytes, int] = CLIENT, server: tuple[bytes, int] = SERVER, isn: int = 100
) -> list[Segment]:
    return [
        seg(client, server, isn, 0, SYN),
        seg(server, client, 900, isn + 1, SYN | ACK),
        seg(client, server, isn + 1, 901, ACK),
    ]


def test_found_by_its_header() -> None:
    """Nothing is shown until a stream opens with the magic; then what was held."""
    tracker = Tracker(magic=b"AMQP")
    assert items(tracker, *handshake()) == []
    assert items(tracker, seg(CLIENT, SERVER, 101, 901, PSH | ACK, b"AM")) == []
    assert items(tracker, seg(CLIENT, SERVER, 103, 901, PSH | ACK, b"QP\x00\x01")) == [
        ("found", 1, "10.0.0.1:40001", "10.0.0.2:5672", "header"),
        (1, "c2s", "data", 0, b"AM"),
        (1, "c2s", "data", 2, b"QP\x00\x01"),
    ]
    assert items(tracker, seg(SERVER, CLIENT, 901, 107, PSH | ACK, b"AMQP")) == [
        (1, "s2c", "data", 0, b"AMQP")
    ]
    assert items(
        tracker,
        seg(CLIENT, SERVER, 107, 905, FIN | ACK),
        seg(SERVER, CLIENT, 905, 108, FIN | ACK),
    ) == [(1, "c2s", "end", "fin", 6), (1, "s2c", "end", "fin", 4), ("closed", 1, "fin")]
    assert tracker.stats.found == 1


def test_the_client_is_the_syn_sender() -> None:
    """Even when the server speaks first, and when the capture starts at the SYN-ACK."""
    tracker = Tracker(magic=b"AMQP")
    found = items(tracker, *handshake(), seg(SERVER, CLIENT, 901, 101, PSH | ACK, b"AMQP"))
    assert found[0] == ("found", 1, "10.0.0.1:40001", "10.0.0.2:5672", "header")
    tracker = Tracker(magic=b"AMQP")
    found = items(tracker, *handshake()[1:], seg(CLIENT, SERVER, 101, 901, PSH | ACK, b"AMQP"))
    assert found[:2] == [
        ("found", 1, "10.0.0.1:40001", "10.0.0.2:5672", "header"),
        (1, "c2s", "data", 0, b"AMQP"),
    ]


def test_without_a_handshake_the_client_sends_the_header_first() -> None:
    tracker = Tracker(magic=b"AMQP")
    found = items(tracker, seg(SERVER, CLIENT, 5, 9, ACK, b"xx"), seg(CLIENT, SERVER, 9, 7, ACK, b"AMQP"))
    assert found[0] == ("found", 1, "10.0.0.1:40001", "10.0.0.2:5672", "header")
    assert found[1:] == [(1, "s2c", "data", 0, b"xx"), (1, "c2s", "data", 0, b"AMQP")]


def test_found_by_port() -> None:
    """A port in ``ports``: found at its first packet, whatever it holds; that end serves."""
    tracker = Tracker(magic=b"AMQP", ports=[5672])
    assert items(tracker, seg(SERVER, CLIENT, 5000, 7000, ACK, b"mid-stream")) == [
        ("found", 1, "10.0.0.1:40001", "10.0.0.2:5672", "port"),
        (1, "s2c", "data", 0, b"mid-stream"),
    ]


def test_other_protocols_are_ignored() -> None:
    tracker = Tracker(magic=b"AMQP")
    assert items(tracker, *handshake(), seg(CLIENT, SERVER, 101, 901, PSH | ACK, b"GET / HTTP/1.1\r\n")) == []
    assert items(tracker, seg(SERVER, CLIENT, 901, 117, PSH | ACK, b"HTTP/1.1 200 OK\r\n")) == []
    assert tracker.stats.ignored == 1
    assert items(tracker, seg(CLIENT, SERVER, 117, 918, PSH | ACK, b"AMQP")) == []  # too late: ignored
    tracker = Tracker(magic=b"AMQP", max_held=10)
    assert items(tracker, *handshake(), seg(CLIENT, SERVER, 101, 901, PSH | ACK, b"x" * 11)) == []
    assert tracker.stats.ignored == 1  # one side silent, the other not AMQP: given up after max_held
    tracker = Tracker(magic=b"AMQP", max_held_total=15)
    for port in (40001, 40002):
        client = (CLIENT[0], port)
        items(tracker, *handshake(client), seg(client, SERVER, 101, 901, PSH | ACK, b"x" * 8))
    assert tracker.stats.ignored == 1  # the second would make 16 held bytes in all
    assert items(tracker, seg(SERVER, CLIENT, 901, 109, PSH | ACK, b"AMQP"))[0][:2] == ("found", 1)


def test_bare_acks_open_nothing() -> None:
    tracker = Tracker(magic=b"AMQP", max_ignored=1)
    assert items(tracker, seg(CLIENT, SERVER, 1, 1, ACK), seg(CLIENT, SERVER, 1, 1, FIN | ACK)) == []
    assert items(tracker, seg(CLIENT, SERVER, 1, 1, RST)) == []
    assert tracker.stats == type(tracker.stats)(segments=3)


def test_undecided_connections_are_bounded() -> None:
    """Past ``max_ignored`` undecided connections the least recently used is dropped."""
    tracker = Tracker(magic=b"AMQP", max_ignored=2)
    for port in range(40001, 40006):
        items(tracker, seg((CLIENT[0], port), SERVER, 100, 0, SYN))
    assert tracker.stats.ignored == 3
    assert items(tracker, seg((CLIENT[0], 40005), SERVER, 101, 0, ACK, b"AMQP"))[0][:2] == ("found", 1)


def test_reset_and_reuse() -> None:
    """A reset closes; a new SYN on the same ports opens connection 2; a SYN with
    another ISN on a live connection replaces it."""
    tracker = Tracker(magic=b"AMQP")
    items(tracker, *handshake(), seg(CLIENT, SERVER, 101, 901, PSH | ACK, b"AMQP"))
    assert items(tracker, seg(SERVER, CLIENT, 901, 105, RST | ACK)) == [
        (1, "s2c", "end", "rst", 0),
        (1, "c2s", "end", "rst", 4),
        ("closed", 1, "rst"),
    ]
    found = items(tracker, *handshake(isn=5000), seg(CLIENT, SERVER, 5001, 901, PSH | ACK, b"AMQP"))
    assert found[0] == ("found", 2, "10.0.0.1:40001", "10.0.0.2:5672", "header")
    assert items(tracker, seg(CLIENT, SERVER, 777, 0, SYN)) == [
        (2, "c2s", "end", "capture", 4),
        (2, "s2c", "end", "capture", 0),
        ("closed", 2, "reused"),
    ]
    assert items(tracker, seg(CLIENT, SERVER, 777, 0, SYN)) == []  # the SYN again: the same connection


def test_finish() -> None:
    tracker = Tracker(magic=b"AMQP")
    items(
        tracker,
        *handshake(),
        seg(CLIENT, SERVER, 101, 901, PSH | ACK, b"AMQP"),
        seg(CLIENT, SERVER, 109, 901, ACK, b"x"),
    )
    assert described(tracker.finish()) == [
        (1, "c2s", "gap", 4, 4, "never captured"),
        (1, "c2s", "data", 8, b"x"),
        (1, "c2s", "end", "capture", 9),
        (1, "s2c", "end", "capture", 0),
        ("closed", 1, "capture"),
    ]
    assert tracker.stats.gaps == 1 and tracker.stats.gap_bytes == 4


@pytest.mark.parametrize("magic", [b"AMQP", b"AM"])
def test_a_stream_shorter_than_the_magic(magic: bytes) -> None:
    """A stream of two bytes that match: found only if it spells the whole magic."""
    tracker = Tracker(magic=magic)
    found = items(tracker, *handshake(), seg(CLIENT, SERVER, 101, 901, PSH | ACK | FIN, b"AM"))
    found += items(tracker, seg(SERVER, CLIENT, 901, 104, FIN | ACK))
    assert (tracker.stats.found, tracker.stats.ignored) == ((1, 0) if magic == b"AM" else (0, 1))
    assert bool(found) == (magic == b"AM")


# --------------------------------------------------------------------------- packet numbers


def test_pieces_carry_their_packets() -> None:
    """Each piece names the packet its bytes came in, also when an out-of-order segment
    waited behind a hole; a gap names the packet whose arrival showed it."""
    flow = Flow()
    out: list[Piece] = []
    flow.segment(99, b"", 0, SYN, out, packet=1)
    flow.segment(105, b"world", 0, ACK, out, packet=2)  # waits behind bytes 0..4
    flow.segment(100, b"hell", 0, ACK, out, packet=3)  # leaves a one-byte hole
    flow.acknowledged(110, out, packet=4)  # the peer had the lost byte: a gap
    assert [
        (type(piece).__name__, piece.offset, piece.packet) for piece in out if not isinstance(piece, Stop)
    ] == [
        ("Bytes", 0, 3),
        ("Hole", 4, 4),
        ("Bytes", 5, 2),
    ]


def test_packet_index() -> None:
    """Offsets to packets by bisection; forgetting keeps the stream's first packet."""
    index = PacketIndex()
    for offset, packet in [(0, 4), (8, 4), (20, 7), (50, 9), (90, 12)]:
        index.add(offset, packet)
    assert len(index) == 4  # packet 4 went on
    assert [index.packet(at) for at in (0, 19, 20, 49, 50, 1000)] == [4, 4, 7, 7, 9, 12]
    assert index.span(ByteSpan(25, 60)) == PacketSpan(7, 9)
    index.forget(60)
    assert [index.packet(at) for at in (0, 19, 20, 55, 95)] == [4, 4, None, 9, 12]
    assert PacketIndex().packet(0) is None
