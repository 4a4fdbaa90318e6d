"""``amqpcodec decode`` on pcap and pcapng captures: file formats, link layers, TCP
reassembly, connection finding, and a capture of a real client and broker.

The captures are written here, byte by byte, from known frames (``encode_frame`` and
the inputs of ``tests/cli/test_cli.py``, built in ``tests/helpers/cli.py``) by a writer
that shares no code with the reader under test: :class:`Talk` plays a TCP conversation
(handshake, data, FIN) and yields its segments, which the tests reorder, repeat, drop
or cut before ``pcap()`` and ``pcapng()`` frame them in a link layer and a file.
``tests/data/rabbitmq.pcap`` is ``tcpdump -i lo`` recording python-qpid-proton sending
three messages to RabbitMQ 3.10 and reading them back (how it was made:
``test_real_broker_capture``).  Every expected output is compared exactly with a file
written out in full under ``tests/data/cli/test_cli_pcap/`` (a snapshot, named after
its test; ``tests/helpers/cli.py`` says how to refresh them).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from amqpcodec import (
    Close,
    Open,
    SaslCode,
    SaslMechanisms,
    SaslOutcome,
    Transfer,
    encode_frame,
    encode_transfer,
)
from amqpcodec import amqp091 as v091
from amqpcodec.cli import build_parser, run
from amqpcodec.cli.direction import DirectionDecoder
from amqpcodec.cli.events import HeaderEvent
from amqpcodec.cli.pcap import CaptureReader, tcp_segment
from amqpcodec.cli.terminal import Progress
from amqpcodec.frames import ProtocolHeader
from amqpcodec.message import Data, Message, Properties
from tests.helpers.cli import (
    AMQP_HEADER,
    EXAMPLES,
    INPUTS,
    ROOT,
    SASL_HEADER,
    Run,
    check,
    check_snapshot,
    cli_env,
    read_snapshot,
    sasl_c2s,
    small_c2s,
    small_s2c,
)
from tests.helpers.cli import decode as subprocess_decode

DATA = ROOT / "tests" / "data"

#: 2024-03-01T12:00:00Z, in nanoseconds: the first packet of every written capture.
EPOCH = 1_709_294_400 * 1_000_000_000
MS = 1_000_000

# --------------------------------------------------------------------------- TCP/IP


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


@dataclasses.dataclass(frozen=True)
class Seg:
    """A TCP segment to write: endpoints (address text, port), header fields, payload;
    ``cut`` payload bytes are left out of the captured packet (a snapshot length)."""

    src: tuple[str, int]
    dst: tuple[str, int]
    seq: int
    ack: int
    flags: int
    payload: bytes = b""
    cut: int = 0


def _address(text: str) -> bytes:
    import ipaddress

    return ipaddress.ip_address(text).packed


def tcp_bytes(seg: Seg) -> bytes:
    """The TCP header (RFC 9293 §3.1, 20 bytes, no options) and payload."""
    return (
        struct.pack(
            "!HHIIBBHHH",
            seg.src[1],
            seg.dst[1],
            seg.seq & 0xFFFFFFFF,
            seg.ack & 0xFFFFFFFF,
            5 << 4,
            seg.flags,
            65535,
            0,
            0,
        )
        + seg.payload
    )


def ipv4(
    seg: Seg, *, ident: int = 1, fragment: int = 0x4000, protocol: int = 6, body: bytes | None = None
) -> bytes:
    """An IPv4 packet (RFC 791) carrying ``seg``, DF set, with its header checksum."""
    payload = tcp_bytes(seg) if body is None else body
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(payload),
        ident,
        fragment,
        64,
        protocol,
        0,
        _address(seg.src[0]),
        _address(seg.dst[0]),
    )
    header = header[:10] + struct.pack("!H", _checksum(header)) + header[12:]
    return header + payload


def ipv6(seg: Seg, *, extensions: bytes = b"", first_next: int = 6) -> bytes:
    """An IPv6 packet (RFC 8200) carrying ``seg`` after ``extensions`` (whose first
    header's type is ``first_next``)."""
    payload = extensions + tcp_bytes(seg)
    return (
        struct.pack("!IHBB", 6 << 28, len(payload), first_next, 64)
        + _address(seg.src[0])
        + _address(seg.dst[0])
        + payload
    )


def ip(seg: Seg) -> bytes:
    return ipv6(seg) if ":" in seg.src[0] else ipv4(seg)


# --------------------------------------------------------------------------- link layers

LINKTYPE = {
    "NULL": 0,
    "EN10MB": 1,
    "RAW": 101,
    "LOOP": 108,
    "LINUX_SLL": 113,
    "IPV4": 228,
    "IPV6": 229,
    "LINUX_SLL2": 276,
}


def ethernet(packet: bytes, *, vlans: Iterable[int] = (), tpid: int = 0x8100) -> bytes:
    """Ethernet II (IEEE 802.3) with 802.1Q tags (the outer one ``tpid``), padded to 60 bytes."""
    ethertype = 0x86DD if packet[0] >> 4 == 6 else 0x0800
    tags = b"".join(
        struct.pack("!HH", tpid if index == 0 else 0x8100, vlan) for index, vlan in enumerate(vlans)
    )
    frame = (
        bytes.fromhex("020000000002")
        + bytes.fromhex("020000000001")
        + tags
        + struct.pack("!H", ethertype)
        + packet
    )
    return frame.ljust(60, b"\x00")


def bsd_null(packet: bytes, *, order: str = "<", family6: int = 30) -> bytes:
    """BSD loopback: the address family in the writer's byte order (AF_INET6 30: macOS)."""
    return struct.pack(order + "I", family6 if packet[0] >> 4 == 6 else 2) + packet


def bsd_loop(packet: bytes) -> bytes:
    """OpenBSD loopback: the address family (AF_INET6 24) in network byte order."""
    return struct.pack("!I", 24 if packet[0] >> 4 == 6 else 2) + packet


def linux_sll(packet: bytes, *, outgoing: bool = False) -> bytes:
    """Linux cooked capture v1: packet type, ARPHRD, address length and 8 bytes, protocol."""
    protocol = 0x86DD if packet[0] >> 4 == 6 else 0x0800
    return struct.pack("!HHH8sH", 4 if outgoing else 0, 772, 6, b"\x00" * 8, protocol) + packet


def linux_sll2(packet: bytes, *, interface: int = 1) -> bytes:
    """Linux cooked capture v2 (``tcpdump -i any``): protocol, reserved, interface index,
    ARPHRD, packet type, address length and 8 bytes."""
    protocol = 0x86DD if packet[0] >> 4 == 6 else 0x0800
    return struct.pack("!HHIHBB8s", protocol, 0, interface, 772, 0, 6, b"\x00" * 8) + packet


def framed(link: str, packet: bytes) -> bytes:
    if link == "EN10MB":
        return ethernet(packet)
    if link == "NULL":
        return bsd_null(packet)
    if link == "LOOP":
        return bsd_loop(packet)
    if link == "LINUX_SLL":
        return linux_sll(packet)
    if link == "LINUX_SLL2":
        return linux_sll2(packet)
    return packet  # RAW, IPV4, IPV6


# --------------------------------------------------------------------------- files


@dataclasses.dataclass(frozen=True)
class Pkt:
    """A packet to write: its time (ns since the epoch) and link-layer bytes; ``length``
    on the wire when the capture cut it short."""

    time: int
    data: bytes
    length: int | None = None


def pcap(packets: Iterable[Pkt], link: int, *, nano: bool = False, order: str = "<") -> bytes:
    """A pcap file (draft-ietf-opsawg-pcap): file header, then one record per packet."""
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 262144, link)]
    for packet in packets:
        seconds, fraction = divmod(packet.time, 1_000_000_000)
        fraction = fraction if nano else fraction // 1000
        length = len(packet.data) if packet.length is None else packet.length
        out.append(struct.pack(order + "IIII", seconds, fraction, len(packet.data), length) + packet.data)
    return b"".join(out)


def _block(kind: int, body: bytes, order: str) -> bytes:
    body = body + b"\x00" * (-len(body) % 4)
    size = len(body) + 12
    return struct.pack(order + "II", kind, size) + body + struct.pack(order + "I", size)


def _option(code: int, value: bytes, order: str) -> bytes:
    return struct.pack(order + "HH", code, len(value)) + value + b"\x00" * (-len(value) % 4)


def shb(order: str = "<") -> bytes:
    """A Section Header Block (draft-ietf-opsawg-pcapng §4.1), section length unknown."""
    body = struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1) + _option(0, b"", order)
    return _block(0x0A0D0D0A, body, order)


def idb(link: int, order: str = "<", *, tsresol: int | None = None, tsoffset: int | None = None) -> bytes:
    """An Interface Description Block (§4.2) with ``if_tsresol`` and ``if_tsoffset``."""
    options = b""
    if tsresol is not None:
        options += _option(9, bytes([tsresol]), order)
    if tsoffset is not None:
        options += _option(14, struct.pack(order + "q", tsoffset), order)
    options += _option(1, b"a comment", order) + _option(0, b"", order)
    return _block(1, struct.pack(order + "HHI", link, 0, 0) + options, order)


def epb(interface: int, units: int, data: bytes, order: str = "<", length: int | None = None) -> bytes:
    """An Enhanced Packet Block (§4.3): ``units`` of its interface's resolution."""
    body = struct.pack(
        order + "IIIII",
        interface,
        units >> 32,
        units & 0xFFFFFFFF,
        len(data),
        len(data) if length is None else length,
    )
    return _block(6, body + data + b"\x00" * (-len(data) % 4) + _option(0, b"", order), order)


def spb(data: bytes, order: str = "<") -> bytes:
    """A Simple Packet Block (§4.4): interface 0, no timestamp."""
    return _block(3, struct.pack(order + "I", len(data)) + data, order)


def obsolete_pb(interface: int, units: int, data: bytes, order: str = "<") -> bytes:
    """A Packet Block (obsolete, Appendix A)."""
    body = struct.pack(order + "HHIIII", interface, 0, units >> 32, units & 0xFFFFFFFF, len(data), len(data))
    return _block(2, body + data, order)


def other_blocks(order: str = "<") -> bytes:
    """A Name Resolution Block, an Interface Statistics Block and a custom block: skipped."""
    nrb = _block(
        4,
        struct.pack(order + "HH", 1, 8)
        + bytes([127, 0, 0, 1])
        + b"lo\x00\x00"
        + struct.pack(order + "HH", 0, 0),
        order,
    )
    isb = _block(5, struct.pack(order + "III", 0, 0, 0) + _option(0, b"", order), order)
    custom = _block(0x00000BAD, struct.pack(order + "I", 32473) + b"anything", order)
    return nrb + isb + custom


# --------------------------------------------------------------------------- conversations


class Talk:
    """A TCP conversation between a client and a server, as segments in sending order.

    ``open()`` is the three-way handshake; ``send(side, data, size)`` sends ``data`` in
    segments of at most ``size`` bytes, each acknowledged by the other side; ``close()``
    is a FIN from each side and the last ACK.  Sequence numbers start at the ISNs given.
    """

    def __init__(
        self,
        client: tuple[str, int] = ("10.0.0.1", 40001),
        server: tuple[str, int] = ("10.0.0.2", 5672),
        *,
        isn: tuple[int, int] = (1000, 5000),
    ) -> None:
        self.ends = {"c": client, "s": server}
        self.next = {"c": isn[0], "s": isn[1]}
        self.segments: list[Seg] = []

    def _seg(self, side: str, flags: int, payload: bytes = b"", *, seq: int | None = None) -> Seg:
        other = "s" if side == "c" else "c"
        seg = Seg(
            self.ends[side],
            self.ends[other],
            self.next[side] if seq is None else seq,
            self.next[other] if flags & ACK else 0,
            flags,
            payload,
        )
        self.segments.append(seg)
        return seg

    def open(self) -> Talk:
        self._seg("c", SYN)
        self.next["c"] += 1
        self._seg("s", SYN | ACK)
        self.next["s"] += 1
        self._seg("c", ACK)
        return self

    def send(self, side: str, data: bytes, size: int = 1448, *, acked: bool = True) -> Talk:
        other = "s" if side == "c" else "c"
        for at in range(0, len(data), size):
            piece = data[at : at + size]
            self._seg(side, PSH | ACK, piece)
            self.next[side] += len(piece)
        if acked:
            self._seg(other, ACK)
        return self

    def close(self) -> Talk:
        self._seg("c", FIN | ACK)
        self.next["c"] += 1
        self._seg("s", FIN | ACK)
        self.next["s"] += 1
        self._seg("c", ACK)
        return self


def packets(
    segments: Iterable[Seg], link: str = "EN10MB", *, start: int = EPOCH, step: int = MS
) -> list[Pkt]:
    """Each segment framed for ``link``, at ``start``, ``start + step`` ..."""
    out = []
    for index, seg in enumerate(segments):
        data = framed(link, ip(seg))
        length = None
        if seg.cut:
            length, data = len(data), data[: len(data) - seg.cut]
        out.append(Pkt(start + index * step, data, length))
    return out


def small_talk(
    client: tuple[str, int] = ("10.0.0.1", 40001), server: tuple[str, int] = ("10.0.0.2", 5672)
) -> Talk:
    """``test_cli``'s small connection over TCP: the client's side, the server's side, FIN."""
    talk = Talk(client, server).open()
    talk.send("c", AMQP_HEADER)
    talk.send("s", small_s2c()[:-12])
    talk.send("c", small_c2s()[8:])
    talk.send("s", small_s2c()[-12:])
    return talk.close()


def sasl_talk(
    client: tuple[str, int] = ("10.0.0.1", 40002), server: tuple[str, int] = ("10.0.0.2", 5672)
) -> Talk:
    """A SASL handshake, then AMQP (the client pipelines its AMQP header after sasl-init)."""
    talk = Talk(client, server, isn=(70000, 90000)).open()
    talk.send("c", SASL_HEADER)
    talk.send("s", SASL_HEADER + encode_frame(SaslMechanisms(sasl_server_mechanisms=["PLAIN", "ANONYMOUS"])))
    talk.send("c", sasl_c2s()[8:])
    talk.send(
        "s",
        encode_frame(SaslOutcome(code=SaslCode.OK)) + AMQP_HEADER + encode_frame(Open(container_id="broker")),
    )
    talk.send("c", encode_frame(Open(container_id="sasl-client")) + encode_frame(Close()))
    talk.send("s", encode_frame(Close()))
    return talk.close()


# --------------------------------------------------------------------------- the captures

V6_CLIENT, V6_SERVER = ("2001:db8::1", 40001), ("2001:db8::2", 5672)


def basic(link: str = "EN10MB", *, v6: bool = False) -> bytes:
    talk = small_talk(V6_CLIENT, V6_SERVER) if v6 else small_talk()
    return pcap(packets(talk.segments, link), LINKTYPE[link])


def with_vlans() -> bytes:
    """802.1Q on the client's packets, 802.1ad (QinQ: 0x88a8 then 0x8100) on the server's."""
    out = []
    for index, seg in enumerate(small_talk().segments):
        if seg.src[1] == 40001:
            data = ethernet(ip(seg), vlans=[100])
        else:
            data = ethernet(ip(seg), vlans=[200, 300], tpid=0x88A8)
        out.append(Pkt(EPOCH + index * MS, data))
    return pcap(out, LINKTYPE["EN10MB"])


def with_extension_headers() -> bytes:
    """IPv6 with a hop-by-hop and a destination options header before TCP (RFC 8200 §4)."""
    hop_by_hop = bytes([60, 0]) + bytes([1, 4, 0, 0, 0, 0])  # next: destination options; PadN
    destination = bytes([6, 0]) + bytes([1, 4, 0, 0, 0, 0])  # next: TCP
    out = [
        Pkt(EPOCH + index * MS, ethernet(ipv6(seg, extensions=hop_by_hop + destination, first_next=0)))
        for index, seg in enumerate(small_talk(V6_CLIENT, V6_SERVER).segments)
    ]
    return pcap(out, LINKTYPE["EN10MB"])


def reordered() -> bytes:
    """The small connection with the client's stream in 16-byte segments whose sequence
    numbers wrap past 2**32, sent out of order, some twice, one overlapping two others,
    and the server's in 10-byte segments with one repeated."""
    talk = Talk(isn=(0xFFFFFFC0, 0x7FFFFFF0)).open()
    talk.send("c", AMQP_HEADER)
    talk.send("s", small_s2c()[:-12], size=10, acked=False)
    talk.send("c", small_c2s()[8:], size=16, acked=False)
    talk.send("s", small_s2c()[-12:])
    talk.close()
    segments = talk.segments
    client = [index for index, seg in enumerate(segments) if seg.src[1] == 40001 and len(seg.payload) == 16]
    server = [index for index, seg in enumerate(segments) if seg.src[1] == 5672 and len(seg.payload) == 10]
    order = list(range(len(segments)))
    a, b, c, d = client[0], client[1], client[2], client[3]
    order[a], order[b], order[c], order[d] = c, a, d, b  # third, first, fourth, second
    first, second = segments[client[4]], segments[client[5]]
    overlap = dataclasses.replace(first, seq=first.seq + 8, payload=first.payload[8:] + second.payload[:8])
    out = [segments[index] for index in order]
    out.insert(out.index(first), overlap)  # the overlapping one first: it covers half of each
    out.insert(out.index(segments[client[1]]) + 1, segments[client[1]])  # a retransmission
    out.insert(out.index(segments[server[2]]) + 1, segments[server[0]])  # an old one again
    return pcap(packets(out), LINKTYPE["EN10MB"])


def interleaved() -> bytes:
    """Two connections, their packets alternating: the small one and a SASL handshake."""
    first, second = small_talk().segments, sasl_talk().segments
    merged = [seg for pair in zip(first, second) for seg in pair]
    merged += first[len(second) :] + second[len(first) :]
    return pcap(packets(merged), LINKTYPE["EN10MB"])


TLS_CLIENT_HELLO = bytes.fromhex("160301007a0100007603035a") + bytes(20)
TLS_SERVER_HELLO = bytes.fromhex("1603030058020000540303") + bytes(20)
TLS_HEADER = bytes(ProtocolHeader(0, 2))


def tls() -> bytes:
    """amqps on port 5671 (TLS from the first byte), then the AMQP TLS header on 5672."""
    amqps = Talk(("10.0.0.1", 40003), ("10.0.0.2", 5671)).open()
    amqps.send("c", TLS_CLIENT_HELLO).send("s", TLS_SERVER_HELLO).close()
    upgraded = Talk(("10.0.0.1", 40004), ("10.0.0.2", 5672)).open()
    upgraded.send("c", TLS_HEADER).send("s", TLS_HEADER + TLS_SERVER_HELLO).send(
        "c", TLS_CLIENT_HELLO
    ).close()
    return pcap(packets(amqps.segments + upgraded.segments), LINKTYPE["EN10MB"])


#: AMQP 0-9-1 §4.2.3: connection.start on channel 0, version 0-9, no properties, PLAIN, en_US.
CONNECTION_START = bytes.fromhex("0100000000001c000a000a00090000000000000005504c41494e00000005656e5f5553ce")


def amqp091() -> bytes:
    talk = Talk(("10.0.0.1", 40005), ("10.0.0.2", 5672)).open()
    talk.send("c", b"AMQP\x00\x00\x09\x01").send("s", CONNECTION_START).close()
    return pcap(packets(talk.segments), LINKTYPE["EN10MB"])


#: The AMQP 0-9-1 sample connection's two sides (``examples/make_samples.py``).
AMQP091_C2S = (EXAMPLES / "amqp091-session.bin").read_bytes()
AMQP091_S2C = (EXAMPLES / "amqp091-session-s2c.bin").read_bytes()


def mixed() -> bytes:
    """Side by side, packets alternating: the small AMQP 1.0 connection, the 0-9-1
    sample connection (client header first, then the server's connection.start, each
    side in 512-byte segments) and a 0-9-1 connection the capture joined
    mid-connection (after the sample's first 154 client and 118 server bytes: found
    with ``--port 5672`` only)."""
    amqp10 = small_talk().segments
    talk = Talk(("10.0.0.3", 40010), ("10.0.0.2", 5672)).open()
    talk.send("c", AMQP091_C2S[:8]).send("s", AMQP091_S2C[:300], size=512)
    talk.send("c", AMQP091_C2S[8:], size=512).send("s", AMQP091_S2C[300:]).close()
    late = Talk(("10.0.0.4", 40011), ("10.0.0.2", 5672), isn=(7000, 9000))
    late.send("c", AMQP091_C2S[154:4936], size=512).send("s", AMQP091_S2C[118:]).close()
    streams = [amqp10, talk.segments, late.segments]
    merged = [
        seg for index in range(max(map(len, streams))) for segs in streams for seg in segs[index : index + 1]
    ]
    return pcap(packets(merged), LINKTYPE["EN10MB"])


def lossy() -> bytes:
    """The small connection with the client's stream in 32-byte segments: the one
    holding the attach frame's end is lost, and the server acknowledges past it."""
    talk = Talk().open()
    talk.send("c", AMQP_HEADER)
    talk.send("s", small_s2c()[:-12])
    talk.send("c", small_c2s()[8:], size=32)
    talk.send("s", small_s2c()[-12:])
    talk.close()
    segments = [seg for seg in talk.segments if not (seg.src[1] == 40001 and seg.seq == 1001 + 8 + 64)]
    return pcap(packets(segments), LINKTYPE["EN10MB"])


def lossy_at_the_end() -> bytes:
    """A segment lost, and the capture stops before anything acknowledges it."""
    talk = Talk().open()
    talk.send("c", AMQP_HEADER)
    talk.send("c", small_c2s()[8:], size=32, acked=False)
    segments = [seg for seg in talk.segments if seg.seq != 1001 + 8 + 32]
    return pcap(packets(segments), LINKTYPE["EN10MB"])


def snapped() -> bytes:
    """A snapshot length that cut 20 bytes off the packet holding the client's frames."""
    segments = small_talk().segments
    index = next(index for index, seg in enumerate(segments) if len(seg.payload) == 122)
    segments[index] = dataclasses.replace(segments[index], cut=20)
    return pcap(packets(segments), LINKTYPE["EN10MB"])


def mid_connection() -> bytes:
    """A capture that starts after the protocol headers and inside the client's open frame."""
    talk = Talk().open()
    talk.send("c", AMQP_HEADER)
    talk.send("s", small_s2c()[:-12])
    talk.send("c", small_c2s()[8:], size=16)
    talk.send("s", small_s2c()[-12:])
    talk.close()
    start = next(index for index, seg in enumerate(talk.segments) if seg.seq == 1001 + 8 + 16)
    return pcap(packets(talk.segments[start:]), LINKTYPE["EN10MB"])


def not_tcp() -> bytes:
    """Around the small connection: UDP, ARP, an IPv4 fragment, ICMPv6, a short frame."""
    talk = small_talk()
    udp = ethernet(ipv4(Seg(("10.0.0.9", 53), ("10.0.0.1", 53), 0, 0, 0), protocol=17, body=bytes(12)))
    arp = bytes.fromhex("ffffffffffff020000000001") + b"\x08\x06" + bytes(28) + bytes(18)
    fragment = ethernet(ipv4(talk.segments[3], fragment=0x2000))  # MF set: the first fragment
    icmp6 = ethernet(ipv6(Seg(V6_CLIENT, V6_SERVER, 0, 0, 0), first_next=58))
    extra = [
        Pkt(EPOCH - 4 * MS, udp),
        Pkt(EPOCH - 3 * MS, arp),
        Pkt(EPOCH - 2 * MS, fragment),
        Pkt(EPOCH - MS, icmp6),
    ]
    short = Pkt(EPOCH + 100 * MS, b"\x02\x00")
    return pcap([*extra, *packets(talk.segments), short], LINKTYPE["EN10MB"])


def pcapng_file() -> bytes:
    """Two sections, little- then big-endian, each with two interfaces of their own link
    types and timestamp units (microseconds; nanoseconds; 2**-20 s; microseconds after
    an offset), the packets of the small connection spread over them in enhanced, simple
    (no timestamp) and obsolete packet blocks, with other blocks between them."""
    segments = small_talk().segments
    out = [shb("<"), idb(1, "<"), other_blocks("<"), idb(276, "<", tsresol=9)]
    for index, seg in enumerate(segments[:7]):
        if seg.src[1] == 40001:
            out.append(epb(0, EPOCH // 1000 + index * 1000, ethernet(ip(seg)), "<"))
        else:
            out.append(epb(1, EPOCH + index * MS + 123, linux_sll2(ip(seg)), "<"))
    out += [
        shb(">"),
        idb(113, ">", tsresol=0x80 | 20),
        idb(101, ">", tsoffset=1_709_294_400),
        other_blocks(">"),
    ]
    for index, seg in enumerate(segments[7:], 7):
        if index == 7:
            out.append(spb(linux_sll(ip(seg)), ">"))  # interface 0, no timestamp
        elif seg.src[1] == 40001:
            out.append(epb(1, index * 1000, ip(seg), ">"))  # microseconds after the offset
        else:
            units = (1_709_294_400 << 20) + ((index * MS) << 20) // 1_000_000_000
            out.append(obsolete_pb(0, units, linux_sll(ip(seg)), ">"))
    return b"".join(out)


CAPTURES = {
    "basic.pcap": basic,
    "reordered.pcap": reordered,
    "interleaved.pcap": interleaved,
    "tls.pcap": tls,
    "amqp091.pcap": amqp091,
    "mixed.pcap": mixed,
    "lossy.pcap": lossy,
    "lossy-end.pcap": lossy_at_the_end,
    "snapped.pcap": snapped,
    "mid.pcap": mid_connection,
    "not-tcp.pcap": not_tcp,
    "multi.pcapng": pcapng_file,
    "vlan.pcap": with_vlans,
    "ipv6-extensions.pcap": with_extension_headers,
}


# --------------------------------------------------------------------------- running


Decode = Callable[..., Run]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding every capture above, as files."""
    path = tmp_path_factory.mktemp("pcap")
    for name, make in CAPTURES.items():
        (path / name).write_bytes(make())
    return path


@pytest.fixture
def decode(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Decode]:
    """``decode(*args)``: ``amqpcodec decode ARGS`` in this process, in ``folder``."""
    monkeypatch.chdir(folder)

    def call(*args: str) -> Run:
        out = io.StringIO()
        status = run(build_parser().parse_args(["decode", *args]), out)
        return Run(out.getvalue(), capsys.readouterr().err, status)

    yield call


# --------------------------------------------------------------------------- formats and link layers


def test_basic(folder: Path) -> None:
    """Through the entry point: one connection over Ethernet and IPv4, in a pcap file."""
    check_snapshot(subprocess_decode("basic.pcap", cwd=folder), "test_cli_pcap/basic.txt")


def test_basic_json(decode: Decode) -> None:
    run = decode("--json", "basic.pcap")
    check_snapshot(run, "test_cli_pcap/basic_json.jsonl")
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert {event["connection"] for event in events[:-2]} == {1}
    assert [event["event"] for event in events[-2:]] == ["capture", "summary"]


def _as_basic(text: str, name: str, link: str, v6: bool) -> str:
    """``test_basic``'s output as it reads for another file name, link type, and IPv6 endpoints."""
    text = text.replace("basic.pcap (pcap, EN10MB)", f"{name} (pcap, {link})")
    if v6:
        text = text.replace("10.0.0.1:40001", "[2001:db8::1]:40001").replace(
            "10.0.0.2:5672", "[2001:db8::2]:5672"
        )
    return text


LINKS = [
    (link, v6)
    for link in ("EN10MB", "NULL", "LOOP", "LINUX_SLL", "LINUX_SLL2", "RAW", "IPV4", "IPV6")
    for v6 in (False, True)
    if (link, v6) not in (("IPV4", True), ("IPV6", False))
]


@pytest.mark.parametrize(("link", "v6"), LINKS, ids=[f"{link}-ipv{6 if v6 else 4}" for link, v6 in LINKS])
def test_link_types(decode: Decode, folder: Path, link: str, v6: bool) -> None:
    """Every link type read, over IPv4 and IPv6: the same connection, the same events."""
    name = f"{link}-{'v6' if v6 else 'v4'}.pcap"
    (folder / name).write_bytes(basic(link, v6=v6))
    check(decode(name), _as_basic(read_snapshot("test_cli_pcap/basic.txt"), name, link, v6))


def test_vlan_tags(decode: Decode) -> None:
    """802.1Q, and 802.1ad with two tags, before the IP header."""
    basic = read_snapshot("test_cli_pcap/basic.txt")
    check(decode("vlan.pcap"), _as_basic(basic, "vlan.pcap", "EN10MB", False))


def test_ipv6_extension_headers(decode: Decode) -> None:
    run = decode("ipv6-extensions.pcap")
    check(run, _as_basic(read_snapshot("test_cli_pcap/basic.txt"), "ipv6-extensions.pcap", "EN10MB", True))


def test_pcapng_sections_and_interfaces(decode: Decode) -> None:
    """Two sections of opposite byte orders, four interfaces, three kinds of packet block:
    nanosecond and 2**-20 s timestamps show nine digits; a simple packet block, none."""
    check_snapshot(decode("multi.pcapng"), "test_cli_pcap/pcapng_sections_and_interfaces.txt")


def test_reader_timestamps() -> None:
    """Each packet's interface link type, time and digits, from every unit and offset;
    numbers as tshark gives them, counting the custom block of each section too."""
    reader = CaptureReader(io.BytesIO(pcapng_file()))
    found = [(packet.number, packet.link_type, packet.time, packet.digits) for packet in reader]
    second = 1_709_294_400 * 1_000_000_000
    assert found == [
        (2, 1, EPOCH, 6),
        (3, 276, EPOCH + MS + 123, 9),
        (4, 1, EPOCH + 2 * MS, 6),
        (5, 1, EPOCH + 3 * MS, 6),
        (6, 276, EPOCH + 4 * MS + 123, 9),
        (7, 276, EPOCH + 5 * MS + 123, 9),
        (8, 1, EPOCH + 6 * MS, 6),
        (10, 113, None, 6),
        (11, 113, second + 7_999_420, 9),
        (12, 113, second + 8_999_824, 9),
        (13, 101, EPOCH + 10 * MS, 6),
        (14, 101, EPOCH + 11 * MS, 6),
        (15, 113, second + 11_999_130, 9),
        (16, 101, EPOCH + 13 * MS, 6),
    ]
    assert reader.kind == "pcapng" and reader.link_types == {1, 276, 113, 101} and not reader.truncated


@pytest.mark.parametrize(("nano", "order"), [(False, ">"), (True, "<"), (True, ">")])
def test_pcap_byte_orders_and_units(nano: bool, order: str) -> None:
    """Big- and little-endian files, microsecond and nanosecond timestamps."""
    stamps = [EPOCH + 1, EPOCH + 1_234_567_891]
    data = pcap([Pkt(stamp, b"x" * 20) for stamp in stamps], 101, nano=nano, order=order)
    found = [(packet.time, packet.digits, bytes(packet.data)) for packet in CaptureReader(io.BytesIO(data))]
    expected = stamps if nano else [stamp // 1000 * 1000 for stamp in stamps]
    assert found == [(stamp, 9 if nano else 6, b"x" * 20) for stamp in expected]


def test_modified_pcap() -> None:
    """Kuznetzov's modified pcap (magic a1b2cd34): 8 more bytes in each record header."""
    header = struct.pack("<IHHiIII", 0xA1B2CD34, 2, 4, 0, 0, 65535, 101)
    record = struct.pack("<IIII", 1_709_294_400, 5, 20, 20) + bytes(8) + b"y" * 20
    packet = next(iter(CaptureReader(io.BytesIO(header + record))))
    assert (packet.time, packet.link_type, bytes(packet.data)) == (EPOCH + 5000, 101, b"y" * 20)


def test_segment_fields() -> None:
    """``tcp_segment`` drops Ethernet padding (the IP length rules), counts the payload
    bytes a snapshot length cut off, and names what a packet lacks."""
    seg = Seg(("10.0.0.1", 40001), ("10.0.0.2", 5672), 7, 9, PSH | ACK, b"abc")
    padded = ethernet(ipv4(seg))
    assert len(padded) == 14 + 20 + 20 + 3 + 3
    data = pcap([Pkt(EPOCH, padded), Pkt(EPOCH, padded[:-4], 60), Pkt(EPOCH, padded[:-8], 60)], 1)
    whole, cut, short = (tcp_segment(packet) for packet in CaptureReader(io.BytesIO(data)))
    assert not isinstance(whole, str) and not isinstance(cut, str)
    assert (whole.source, whole.destination, whole.seq, whole.ack, whole.flags) == (
        (bytes([10, 0, 0, 1]), 40001),
        (bytes([10, 0, 0, 2]), 5672),
        7,
        9,
        PSH | ACK,
    )
    assert (bytes(whole.payload), whole.missing) == (b"abc", 0)
    assert (bytes(cut.payload), cut.missing) == (b"ab", 1)
    assert short == "short TCP header"


def test_packets_without_tcp(decode: Decode) -> None:
    """UDP, ARP, an IP fragment, ICMPv6 and a short frame are counted, not decoded."""
    check_snapshot(decode("not-tcp.pcap"), "test_cli_pcap/packets_without_tcp.txt")


# --------------------------------------------------------------------------- reassembly


def test_out_of_order_and_retransmitted(decode: Decode) -> None:
    """Sequence numbers wrapping past 2**32, segments out of order, repeated, overlapping:
    the same frames, each at the time of the packet that completed it."""
    check_snapshot(decode("reordered.pcap"), "test_cli_pcap/out_of_order_and_retransmitted.txt")


def test_interleaved_connections(decode: Decode) -> None:
    """Two connections (one with a SASL handshake), their packets alternating."""
    check_snapshot(decode("interleaved.pcap"), "test_cli_pcap/interleaved_connections.txt")


def test_gap_acknowledged(decode: Decode) -> None:
    """A segment the server acknowledged but the capture lacks: a gap, then a resync."""
    check_snapshot(decode("lossy.pcap"), "test_cli_pcap/gap_acknowledged.txt")


def test_gap_at_the_end(decode: Decode) -> None:
    """A hole still open when the capture ends: the data behind it is decoded after it."""
    check_snapshot(decode("lossy-end.pcap"), "test_cli_pcap/gap_at_the_end.txt")


def test_gap_json(decode: Decode) -> None:
    lines = decode("--json", "lossy.pcap").stdout.splitlines()
    assert [json.loads(line) for line in lines if '"gap"' in line] == [
        {
            "event": "gap",
            "connection": 1,
            "direction": "c2s",
            "offset": 72,
            "time": "2024-03-01T12:00:00.010000Z",
            "packet": 11,
            "size": 32,
            "reason": "acknowledged but never captured",
            "lost_from": 46,
        }
    ]


# --------------------------------------------------------------------------- packet numbers


def _tshark_segments(path: Path) -> list[tuple[int, str, int, int]]:
    """Each TCP segment with data, as tshark reads it: its frame number, sender and
    receiver (``address:port -> address:port``), the stream offset of its first byte (tshark's relative sequence
    number, which counts the byte after the SYN as 1, less one: ours counts it 0) and
    payload length."""
    fields = ("frame.number", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport")
    fields += ("tcp.seq", "tcp.len")
    command = ["tshark", "-r", str(path), "-Y", "tcp.len > 0", "-T", "fields"]
    for field in fields:
        command += ["-e", field]
    found = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout
    segments = []
    for line in found.splitlines():
        number, v4, v6, port, to_v4, to_v6, to_port, seq, size = line.split("\t")
        sender = f"{v4}:{port}" if v4 else f"[{v6}]:{port}"
        sender += f" -> {to_v4}:{to_port}" if to_v4 else f" -> [{to_v6}]:{to_port}"
        segments.append((int(number), sender, int(seq) - 1, int(size)))  # tshark's first byte is 1
    return segments


def _tshark_packet(segments: list[tuple[int, str, int, int]], sender: str, offset: int) -> int:
    """The first packet of ``sender`` that tshark says holds the byte at ``offset``."""
    return min(number for number, by, seq, size in segments if by == sender and seq <= offset < seq + size)


_TSHARK_CAPTURES = ["basic.pcap", "reordered.pcap", "interleaved.pcap", "mixed.pcap", "multi.pcapng"]


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
@pytest.mark.parametrize("name", [*_TSHARK_CAPTURES, "rabbitmq.pcap"])
def test_packet_numbers_agree_with_tshark(decode: Decode, name: str) -> None:
    """The packets that carried each frame's, header's and message's first and last bytes
    are those tshark numbers, for captures in order, reordered and retransmitted,
    interleaved, and of several pcapng sections."""
    path = DATA / name if name == "rabbitmq.pcap" else Path(name)
    events = [json.loads(line) for line in decode("--json", "--port", "5672", str(path)).stdout.splitlines()]
    segments = _tshark_segments(path.resolve())
    clients = {event["connection"]: event["client"] for event in events if event["event"] == "connection"}
    servers = {event["connection"]: event["server"] for event in events if event["event"] == "connection"}
    checked = 0
    for event in events:
        if event["event"] not in ("frame", "header", "message") or event.get("size") is None:
            continue
        client, server = clients[event["connection"]], servers[event["connection"]]
        sender = f"{client} -> {server}" if event["direction"] == "c2s" else f"{server} -> {client}"
        first = _tshark_packet(segments, sender, event["offset"])
        assert event["packet"] == first, event
        if event["event"] == "frame":
            last = _tshark_packet(segments, sender, event["offset"] + event["size"] - 1)
            assert event.get("packets", [first, first]) == [first, last], event
        checked += 1
    assert checked > 5


def test_packet_numbers_in_text(decode: Decode) -> None:
    """A capture's text lines lead with the packet that carried the event's first byte:
    a connection's line and a gap's, the packet that showed them."""
    lines = decode("lossy.pcap").stdout.splitlines()
    assert lines[1].startswith("     4  12:00:00.003000  #1 ")
    assert [line.split()[0] for line in lines if "  gap  " in line] == ["11"]
    streamed = decode("basic.pcap").stdout.splitlines()[1:-2]
    assert all(line[:6].strip().isdigit() or not line[:6].strip() for line in streamed)


def test_snapshot_length(decode: Decode) -> None:
    """A packet cut short by the snapshot length: its missing bytes are a gap."""
    check_snapshot(decode("snapped.pcap"), "test_cli_pcap/snapshot_length.txt")


@pytest.mark.parametrize("chunk", [1, 3, 7, 64])
def test_streamed_directions_match_whole_ones(chunk: int) -> None:
    """A direction fed in pieces gives the events of the whole: every input of
    ``test_cli`` (corrupt ones included) and the sample session, in pieces of 1 to 64
    bytes.  Only the bytes counted after a TLS or foreign header may be unknown then."""
    inputs = [*INPUTS.values(), (ROOT / "examples" / "session.bin").read_bytes()]
    for data in inputs:
        whole = [_uncounted(event) for event in DirectionDecoder("c2s", data).events()]
        decoder = DirectionDecoder("c2s", final=False)
        streamed = []
        for at in range(0, len(data), chunk):
            streamed += decoder.feed(data[at : at + chunk])
        streamed += decoder.end()
        assert [repr(_uncounted(event)) for event in streamed] == [repr(event) for event in whole]


def _uncounted(event: object) -> object:
    return dataclasses.replace(event, skipped=None) if isinstance(event, HeaderEvent) else event


# --------------------------------------------------------------------------- finding connections


def test_tls(decode: Decode) -> None:
    """The AMQP TLS header is found by sniffing; amqps (TLS from its first byte) only
    with ``--port``."""
    check_snapshot(decode("tls.pcap"), "test_cli_pcap/tls.txt")
    check_snapshot(decode("--port", "5671", "tls.pcap"), "test_cli_pcap/tls-port.txt")


def test_amqp_0_9_1(decode: Decode) -> None:
    check_snapshot(decode("amqp091.pcap"), "test_cli_pcap/amqp_0_9_1.txt")


def test_mixed_protocols(decode: Decode) -> None:
    """An AMQP 1.0 and an AMQP 0-9-1 connection side by side, each decoded in its own
    protocol (the 0-9-1 one told by its client's header, for both directions); with
    ``--port`` a 0-9-1 connection joined mid-connection is told by its frame layout."""
    check_snapshot(decode("mixed.pcap"), "test_cli_pcap/mixed.txt")
    check_snapshot(decode("--port", "5672", "--json", "mixed.pcap"), "test_cli_pcap/mixed-port.jsonl")


def test_peer_errors_in_a_capture(decode: Decode, tmp_path: Path) -> None:
    """In a capture the server's side is known: the broker's basic.nack (RabbitMQ's
    publisher confirms) is a peer error, the client's the same bytes are not; with
    ``--errors-only`` only the broker's frames are shown, connection lines hidden."""
    nack = v091.encode_method(v091.BasicNack(delivery_tag=4), channel=1)
    close = v091.encode_method(
        v091.ConnectionClose(reply_code=541, reply_text="INTERNAL_ERROR", class_id=0, method_id=0)
    )
    talk = Talk(("10.0.0.1", 40007), ("10.0.0.2", 5672)).open()
    talk.send("c", v091.PROTOCOL_HEADER).send("s", CONNECTION_START + nack)
    talk.send("c", nack).send("s", close).close()
    (tmp_path / "nack.pcap").write_bytes(pcap(packets(talk.segments), LINKTYPE["EN10MB"]))
    run = decode("--errors-only", "--fail-on-peer-error", str(tmp_path / "nack.pcap"))
    lines = run.stdout.splitlines()
    assert run.status == 3 and len(lines) == 5, run.stdout
    assert "  s2c    1  basic.nack  delivery-tag=4 [peer error: basic.nack]" in lines[1]
    assert "[peer error: connection.close 541 internal-error]" in lines[2]
    assert lines[-1].endswith("0 errors, 2 peer errors")
    events = [json.loads(line) for line in decode("--json", str(tmp_path / "nack.pcap")).stdout.splitlines()]
    nacks = [event for event in events if event.get("method") == "basic.nack"]
    assert [(event["direction"], "peer_error" in event) for event in nacks] == [("s2c", True), ("c2s", False)]


def test_mid_connection(decode: Decode) -> None:
    """Without a protocol header a connection on AMQP's own port (5672; 5671 for amqps)
    is found by its port; ``--port`` finds it as well (at its first packet)."""
    check_snapshot(decode("mid.pcap"), "test_cli_pcap/mid_connection.txt")
    check_snapshot(decode("--port", "5672", "mid.pcap"), "test_cli_pcap/mid_connection-port.txt")


def test_mid_connection_on_another_port(decode: Decode, tmp_path: Path) -> None:
    """On another port a connection without a protocol header is found only by
    ``--port``; without it, a hint on stderr names ``--port`` (exit status 0)."""
    talk = Talk(("10.0.0.1", 40001), ("10.0.0.2", 15672)).open()
    talk.send("s", small_s2c()[8:]).send("c", small_c2s()[8:]).close()
    path = tmp_path / "elsewhere.pcap"
    path.write_bytes(pcap(packets(talk.segments[3:]), LINKTYPE["EN10MB"]))
    run = decode(str(path))
    assert run.status == 0
    assert run.stdout.splitlines()[-2:] == [
        "capture: 7 packets, 0 AMQP connections, 1 other TCP connection",
        "summary: 0 headers, 0 frames, 0 messages, 0 errors, 0 peer errors",
    ]
    assert run.stderr == (
        f"amqpcodec: {path}: none of its 1 TCP connection was recognised as AMQP (no AMQP protocol "
        "header, no server port 5672 or 5671); if the capture started after they opened, or they use "
        "another port, name the server's port: --port PORT\n"
    )
    found = decode("--port", "15672", str(path))
    assert found.stderr == "" and "found by --port" in found.stdout
    assert found.stdout.splitlines()[-1].startswith("summary: 0 headers, 8 frames")


def test_connection_filter(decode: Decode) -> None:
    """``--connection`` by number or by endpoint; the other connection keeps its number."""
    check_snapshot(decode("--connection", "2", "interleaved.pcap"), "test_cli_pcap/connection_filter.txt")
    check(
        decode("--connection", "10.0.0.1:40002", "interleaved.pcap"),
        read_snapshot("test_cli_pcap/connection_filter.txt"),
    )
    run = decode("--connection", "1", "--messages-only", "interleaved.pcap")
    check_snapshot(run, "test_cli_pcap/connection_filter-messages.txt")


def test_connection_filter_matching_nothing(decode: Decode) -> None:
    """A ``--connection`` that matches no connection is a usage error (status 2) named on
    stderr, after the output of those that matched."""
    run = decode("--connection", "7", "--connection", "1", "--connection", "10.9.9.9:1", "interleaved.pcap")
    assert run.status == 2
    assert run.stderr == (
        "amqpcodec: error: interleaved.pcap: --connection 7, --connection 10.9.9.9:1 matches none of "
        "its 2 AMQP connections (numbered 1 to 2)\n"
    )
    assert "capture: " in run.stdout and "#1 " in run.stdout
    run = decode("--json", "--connection", "3", "interleaved.pcap")
    assert run.status == 2 and run.stderr.endswith(
        "--connection 3 matches none of its 2 AMQP connections (numbered 1 to 2)\n"
    )


# --------------------------------------------------------------------------- a real broker


def test_real_broker_capture() -> None:
    """``tcpdump -i lo -w tests/data/rabbitmq.pcap port 5672`` while python-qpid-proton
    (``proton.utils.BlockingConnection``, container "capture-client") sent three
    messages to ``/queue/amqpcodec-capture`` on RabbitMQ 3.10.8 (``rabbitmq_amqp1_0``,
    started as ``.ci/broker-tests`` starts it, on 127.0.0.1), received them back with
    credit 10, accepted them and closed the connection; the broker answers the client's
    FIN with a reset.  The capture is committed; CI does not record it again."""
    check_snapshot(
        subprocess_decode("tests/data/rabbitmq.pcap", cwd=ROOT), "test_cli_pcap/real_broker_capture.txt"
    )


def test_real_broker_capture_json(decode: Decode) -> None:
    """The JSON of the same capture: the messages are what proton sent, the broker's
    copies carry its header."""
    run = decode("--json", "--messages-only", str(DATA / "rabbitmq.pcap"))
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(e["event"], e.get("direction"), e.get("delivery_id")) for e in events] == [
        ("message", "c2s", 0),
        ("message", "c2s", 1),
        ("message", "c2s", 2),
        ("message", "s2c", 0),
        ("message", "s2c", 1),
        ("message", "s2c", 2),
        ("capture", None, None),
        ("summary", None, None),
    ]
    bodies = [e["message"]["body"]["value"] for e in events[:6]]
    assert bodies[:3] == bodies[3:]
    assert bodies[0] == {"type": "string", "value": "hello, broker"}


# --------------------------------------------------------------------------- errors


def test_truncated_file(decode: Decode, folder: Path) -> None:
    """A file cut inside a record (tcpdump killed): what is there is decoded, and said."""
    data = (folder / "basic.pcap").read_bytes()
    (folder / "cut.pcap").write_bytes(data[: len(data) - 200])
    run = decode("cut.pcap")
    check_snapshot(
        run,
        "test_cli_pcap/truncated_file.txt",
        stderr="amqpcodec: cut.pcap: the capture ends inside a packet record (cut short?)\n",
    )


@pytest.mark.parametrize(
    ("args", "stdout", "stderr"),
    [
        (
            ["--c2s", "basic.pcap"],
            "",
            "amqpcodec: error: basic.pcap: a capture holds both directions of its connections; "
            "give it alone, without --c2s/--s2c\n",
        ),
        (
            ["basic.pcap", "basic.pcap"],
            "",
            "amqpcodec: error: basic.pcap: a capture holds both directions of its connections; "
            "give it alone, without --c2s/--s2c\n",
        ),
        (
            ["--port", "5672", "plain.bin"],
            "",
            "amqpcodec: error: --port and --connection apply to capture files (pcap, pcapng) only\n",
        ),
        (
            ["bad-block.pcapng"],
            "capture: bad-block.pcapng (pcapng)\n",
            "amqpcodec: error: bad-block.pcapng: pcapng block at byte 32: bad length 13\n",
        ),
        (["version.pcap"], "", "amqpcodec: error: version.pcap: pcap version 3 is not 2\n"),
        (
            ["huge.pcap"],
            "capture: huge.pcap (pcap, EN10MB)\n",
            "amqpcodec: error: huge.pcap: pcap record 1: a length of 2147483648 bytes (corrupt file?)\n",
        ),
    ],
)
def test_capture_errors(decode: Decode, folder: Path, args: list[str], stdout: str, stderr: str) -> None:
    """Misuse and corrupt files: exit status 2, a message on stderr."""
    (folder / "plain.bin").write_bytes(small_c2s())
    (folder / "bad-block.pcapng").write_bytes(shb() + struct.pack("<II", 1, 13) + bytes(8))
    (folder / "version.pcap").write_bytes(struct.pack("<IHHiIII", 0xA1B2C3D4, 3, 0, 0, 0, 0, 1))
    (folder / "huge.pcap").write_bytes(pcap([], 1) + struct.pack("<IIII", 0, 0, 2**31, 2**31))
    check(decode(*args), stdout, 2, stderr)


def test_forced_raw(decode: Decode) -> None:
    """``--raw`` reads a capture as the bytes it is: no AMQP there."""
    run = decode("--raw", "basic.pcap")
    assert run.status == 1 and run.stdout.startswith("c2s: basic.pcap (raw, ")


# --------------------------------------------------------------------------- streaming


def big_capture(path: Path, size: int) -> int:
    """Write a capture of at least ``size`` bytes: one connection whose client sends
    messages of up to 64 KiB (each its own delivery, split over 16 KiB frames and
    1448-byte segments, every tenth segment sent twice); return the message count."""
    bodies = [bytes([index % 251]) * (1 << (10 + index % 7)) for index in range(7)]  # 1 KiB ... 64 KiB
    talk = Talk().open()
    talk.send("c", AMQP_HEADER + encode_frame(Open(container_id="big", max_frame_size=16384)))
    talk.send("s", AMQP_HEADER + encode_frame(Open(container_id="broker")))
    written = count = 0
    with path.open("wb") as out:
        out.write(pcap([], 1))

        def flush() -> int:
            data = pcap(packets(talk.segments, start=EPOCH + count * MS, step=1000), 1)[24:]
            out.write(data)
            talk.segments.clear()
            return len(data)

        written += flush()
        while written < size:
            body = bodies[count % len(bodies)]
            message = Message(properties=Properties(message_id=count), body=Data(body)).encode()
            transfer = Transfer(
                handle=0, delivery_id=count, delivery_tag=count.to_bytes(4, "big"), settled=True
            )
            stream = b"".join(encode_transfer(transfer, message, max_frame_size=16384))
            talk.send("c", stream)
            talk.segments += talk.segments[::10][:2]
            count += 1
            written += flush()
        talk.close()
        flush()
    return count


def test_bounded_memory(tmp_path: Path) -> None:
    """A 20 MiB capture is decoded in under 4 MiB of traced memory: the file is read in
    chunks, frames and deliveries are dropped once shown, nothing grows with the size."""
    path = tmp_path / "big.pcap"
    count = big_capture(path, 20 << 20)
    assert path.stat().st_size >= 20 << 20
    sink = open(os.devnull, "w")  # noqa: SIM115
    tracemalloc.start()
    try:
        status = run(build_parser().parse_args(["decode", "--json", str(path)]), sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        sink.close()
    assert status == 0
    assert peak < 4 << 20, f"traced peak {peak} bytes"
    assert count > 300


def test_progress_bar() -> None:
    """Drawn at the first update, then at most every 0.2 s, with the share read and the
    rate; erased by clear()."""
    now = [100.0]
    screen = io.StringIO()
    bar = Progress(screen, 4 << 20, clock=lambda: now[0], width=10)
    bar.update(0)
    now[0] = 100.1
    bar.update(1 << 20)  # too soon
    now[0] = 100.5
    bar.update(1 << 20)
    now[0] = 100.6
    bar.update(2 << 20)  # too soon
    now[0] = 101.0
    bar.update(4 << 20)
    bar.clear()
    bar.clear()
    assert screen.getvalue() == (
        "\r[----------]   0%  0.0 of 4.0 MiB\x1b[K"
        "\r[##--------]  25%  1.0 of 4.0 MiB  2.0 MiB/s\x1b[K"
        "\r[##########] 100%  4.0 of 4.0 MiB  4.0 MiB/s\x1b[K"
        "\r\x1b[K"
    )
    unknown = io.StringIO()
    bar = Progress(unknown, None, clock=lambda: now[0])
    now[0] = 102.0
    bar.update(3 << 20)
    now[0] = 103.0
    bar.update(6 << 20)
    assert unknown.getvalue() == "\r3.0 MiB  3.0 MiB/s\x1b[K\r6.0 MiB  3.0 MiB/s\x1b[K"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """stderr a terminal, stdout a pipe: the bar is drawn on stderr and erased at the end;
    stdout holds the events alone."""
    import pty

    path = tmp_path / "medium.pcap"
    big_capture(path, 3 << 20)
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "amqpcodec", "decode", "--messages-only", str(path)],
            stdout=subprocess.PIPE,
            stderr=terminal,
            env=cli_env(),
            timeout=120,
        )
        os.close(terminal)
        terminal = -1
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    assert proc.returncode == 0
    assert b"\x1b[K" not in proc.stdout and proc.stdout.endswith(b" 0 errors, 0 peer errors\n")
    text = shown.decode()
    assert text.startswith("\r[") and " MiB" in text and "%" in text
    assert text.endswith("\r\x1b[K")
