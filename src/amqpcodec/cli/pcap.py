"""Reading packet captures: pcap and pcapng files, their link layers, IPv4/IPv6 and TCP.

Strategy: :class:`CaptureReader` reads a file in chunks of :data:`CHUNK` bytes and yields
one :class:`Packet` per packet record, so a capture of any size is read in bounded
memory; :func:`tcp_segment` peels a packet's link layer, IP header (and IPv6 extension
headers) and TCP header off and returns the :class:`Segment` inside, or why there is
none.  Nothing here reassembles (that is :mod:`amqpcodec.cli.tcp`).  Only the standard
library is used: both formats are a few fixed headers, and the libraries that read them
either read one pcapng interface only (dpkt), one of the two formats only
(python-pcapng) or dissect every packet at a hundred times the cost (scapy).

File formats (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng):

- pcap: a 24-byte file header whose magic gives the byte order and the timestamp unit
  (``a1b2c3d4`` microseconds, ``a1b23c4d`` nanoseconds; ``a1b2cd34``, Kuznetzov's
  modified pcap, has 8 more bytes per record header), then records of a 16-byte header
  and the captured bytes.  The link type is the low 16 bits of the header's last field.
- pcapng: blocks (type, length, body, length).  Each Section Header Block starts a
  section with its own byte order and its own interfaces; Interface Description Blocks
  give each interface its link type and timestamp unit (``if_tsresol``, a power of 10
  or 2; ``if_tsoffset``, seconds to add); packets come in Enhanced, Simple and
  (obsolete) Packet Blocks.  Every other block is skipped.

Link layers (the LINKTYPE_ registry): Ethernet (1) with any number of 802.1Q/802.1ad
VLAN tags; BSD loopback NULL (0, the address family in the writer's byte order) and
LOOP (108, network byte order); Linux cooked capture v1 (113) and v2 (276), what
``tcpdump -i any`` writes; raw IP (101, 228 IPv4, 229 IPv6).  Checksums are not
verified (a capture on the sending host sees them before the NIC fills them in).

Decisions where the formats are silent:

- Timestamps are integer nanoseconds since the Unix epoch (``Packet.time``), whatever
  the file's unit; ``Packet.digits`` is how many fractional digits the unit warrants
  (6 for microseconds or coarser, 9 for finer).
- A packet's IP payload is cut to the IP header's length (dropping Ethernet padding and
  any FCS); a zero IPv4 total length (segmentation offload seen on the sending host)
  means "the rest of the packet".  Bytes of the TCP payload beyond the snapshot length
  are counted in ``Segment.missing``: the reassembler treats them as lost.
- IP fragments are not reassembled (TCP avoids them with path MTU discovery): each is
  skipped and counted.
- A file that ends inside a record ends the capture (``CaptureReader.truncated`` says
  so); a structural fault (an unknown magic, a bad block length) is a
  :class:`CaptureError`.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Iterator
from typing import BinaryIO

__all__ = [
    "CAPTURE_MAGICS",
    "CHUNK",
    "CaptureError",
    "CaptureReader",
    "Packet",
    "Segment",
    "is_capture",
    "tcp_segment",
    "LINK_NAMES",
]

#: Bytes read from the file at a time.
CHUNK = 1 << 18
#: The largest record or block accepted: a larger length is a corrupt file, not a packet.
MAX_RECORD = 1 << 26

_PCAP_MAGICS: dict[bytes, tuple[str, int, int]] = {
    # magic as stored: (struct byte order, ns per timestamp fraction unit, extra record header bytes)
    b"\xd4\xc3\xb2\xa1": ("<", 1000, 0),
    b"\xa1\xb2\xc3\xd4": (">", 1000, 0),
    b"\x4d\x3c\xb2\xa1": ("<", 1, 0),
    b"\xa1\xb2\x3c\x4d": (">", 1, 0),
    b"\x34\xcd\xb2\xa1": ("<", 1000, 8),
    b"\xa1\xb2\xcd\x34": (">", 1000, 8),
}
_PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"
#: pcapng blocks that hold no packet but that Wireshark and tshark show as records, each
#: taking a frame number as a packet does: the custom blocks (draft-ietf-opsawg-pcapng
#: §4.8, copyable 0x00000BAD and not 0x40000BAD) and the systemd Journal Export Block
#: (0x00000009).  Packet numbers count them too, so that they are tshark's.
_NUMBERED_BLOCKS = frozenset((0x00000BAD, 0x40000BAD, 0x00000009))
#: The first four bytes of every capture file this module reads.
CAPTURE_MAGICS = frozenset((*_PCAP_MAGICS, _PCAPNG_SHB))

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

#: The link types read, by their LINKTYPE_ names.
LINK_NAMES: dict[int, str] = {
    LINKTYPE_NULL: "NULL",
    LINKTYPE_ETHERNET: "EN10MB",
    LINKTYPE_RAW: "RAW",
    LINKTYPE_LOOP: "LOOP",
    LINKTYPE_LINUX_SLL: "LINUX_SLL",
    LINKTYPE_IPV4: "IPV4",
    LINKTYPE_IPV6: "IPV6",
    LINKTYPE_LINUX_SLL2: "LINUX_SLL2",
}

_ETHERTYPE_IPV4 = 0x0800
_ETHERTYPE_IPV6 = 0x86DD
_VLAN_TAGS = frozenset((0x8100, 0x88A8, 0x9100))
#: BSD address families: AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD,
#: OpenBSD), 28 (FreeBSD), 30 (macOS).
_AF_INET6 = frozenset((10, 24, 28, 30))

_IPPROTO_TCP = 6
#: IPv6 extension headers skipped on the way to TCP (RFC 8200 §4): hop-by-hop, routing,
#: destination options (length in 8-octet units, not counting the first) and AH (RFC 4302:
#: 4-octet units, not counting the first two).
_IPV6_EXTENSIONS = frozenset((0, 43, 60))
_IPV6_AH = 51
_IPV6_FRAGMENT = 44

TCP_FIN, TCP_SYN, TCP_RST, TCP_ACK = 0x01, 0x02, 0x04, 0x10


class CaptureError(Exception):
    """A capture file that cannot be read (unknown magic, a corrupt block)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Packet:
    """One packet record: its number in the file (from 1, as tshark numbers its frames:
    a pcapng custom or systemd journal block takes a number too), time (ns since the epoch;
    None in a pcapng simple packet block, which has none), link type, captured bytes
    and original length on the wire."""

    number: int
    time: int | None
    digits: int
    link_type: int
    data: bytes | memoryview
    length: int


@dataclasses.dataclass(frozen=True, slots=True)
class Segment:
    """A TCP segment (RFC 9293 §3.1): endpoints as (address bytes, port), the header
    fields the reassembler reads, the captured payload, and ``missing`` payload bytes
    that the snapshot length cut off."""

    source: tuple[bytes, int]
    destination: tuple[bytes, int]
    seq: int
    ack: int
    flags: int
    payload: bytes | memoryview
    missing: int


def is_capture(head: bytes) -> bool:
    """Whether ``head`` (a file's first four bytes) opens a pcap or pcapng file."""
    return head[:4] in CAPTURE_MAGICS


# --------------------------------------------------------------------------- files


class CaptureReader:
    """The packets of a pcap or pcapng file (module docstring), read in chunks.

    ``head`` is what was already read from ``stream`` (at least the four magic bytes).
    ``bytes_read`` counts the file's bytes consumed so far (for a progress bar);
    ``kind`` is ``pcap`` or ``pcapng``.  Packet data is a view into the chunk being
    read: valid until the next packet is asked for (copy what you keep).
    """

    def __init__(self, stream: BinaryIO, head: bytes = b"") -> None:
        self._stream = stream
        self._buf = bytes(head)
        self._pos = 0
        self._eof = False
        self.bytes_read = 0
        self.truncated = False
        self.packets = 0
        self.link_types: set[int] = set()
        self._fill(4)
        magic = self._buf[:4]
        if magic == _PCAPNG_SHB:
            self.kind = "pcapng"
        elif magic in _PCAP_MAGICS:
            self.kind = "pcap"
            self._header = self._pcap_header()
        else:
            raise CaptureError("not a pcap or pcapng file")

    # --- the byte source ----------------------------------------------------------

    def _fill(self, need: int) -> bool:
        """Make ``need`` bytes available from ``_pos``; False at the end of the file."""
        while len(self._buf) - self._pos < need:
            if self._eof:
                return False
            chunk = self._stream.read(max(CHUNK, need))
            if not chunk:
                self._eof = True
                return False
            self._buf = self._buf[self._pos :] + chunk
            self._pos = 0
        return True

    def _take(self, size: int) -> memoryview:
        """The next ``size`` bytes (which ``_fill`` made available), consumed."""
        start = self._pos
        self._pos = start + size
        self.bytes_read += size
        return memoryview(self._buf)[start : start + size]

    def __iter__(self) -> Iterator[Packet]:
        return self._pcap() if self.kind == "pcap" else self._pcapng()

    # --- pcap ---------------------------------------------------------------------

    def _pcap_header(self) -> tuple[str, int, int, int]:
        """The file header: byte order, ns per fraction unit, extra record bytes, link type."""
        if not self._fill(24):
            raise CaptureError("the pcap file header is cut short")
        header = self._take(24)
        order, unit, extra = _PCAP_MAGICS[bytes(header[:4])]
        major, _minor, _zone, _sigfigs, _snaplen, link = struct.unpack_from(order + "HHiIII", header, 4)
        if major != 2:
            raise CaptureError(f"pcap version {major} is not 2")
        self.link_types.add(link & 0xFFFF)
        return order, unit, extra, link & 0xFFFF

    def _pcap(self) -> Iterator[Packet]:
        order, unit, extra, link_type = self._header
        digits = 6 if unit == 1000 else 9
        record = struct.Struct(order + "IIII")
        record_size = 16 + extra
        number = 0
        while self._fill(record_size):
            seconds, fraction, captured, length = record.unpack_from(self._take(record_size))
            if captured > MAX_RECORD:
                raise CaptureError(f"pcap record {number + 1}: a length of {captured} bytes (corrupt file?)")
            if not self._fill(captured):
                self.truncated = True
                return
            number += 1
            self.packets = number
            data = self._take(captured)
            yield Packet(number, seconds * 1_000_000_000 + fraction * unit, digits, link_type, data, length)
        if self._pos < len(self._buf):
            self.truncated = True

    # --- pcapng -------------------------------------------------------------------

    def _pcapng(self) -> Iterator[Packet]:
        order = "<"
        interfaces: list[_Interface] = []
        number = 0
        while self._fill(12):
            head = self._buf[self._pos : self._pos + 12]
            if head[:4] == _PCAPNG_SHB:
                magic = head[8:12]
                if magic == b"\x4d\x3c\x2b\x1a":
                    order = "<"
                elif magic == b"\x1a\x2b\x3c\x4d":
                    order = ">"
                else:
                    raise CaptureError(f"pcapng section at byte {self.bytes_read}: bad byte-order magic")
            block_type, size = struct.unpack_from(order + "II", head)
            if size < 12 or size % 4 or size > MAX_RECORD:
                raise CaptureError(f"pcapng block at byte {self.bytes_read}: bad length {size}")
            if not self._fill(size):
                self.truncated = True
                return
            block = self._take(size)
            if struct.unpack_from(order + "I", block, size - 4)[0] != size:
                raise CaptureError(f"pcapng block at byte {self.bytes_read - size}: its two lengths differ")
            body = block[8 : size - 4]
            if block_type == 0x0A0D0D0A:
                major = struct.unpack_from(order + "H", body, 4)[0]
                if major != 1:
                    raise CaptureError(f"pcapng version {major} is not 1")
                interfaces = []
            elif block_type == 1:
                interfaces.append(_interface(body, order))
                self.link_types.add(interfaces[-1][0])
            elif block_type in (6, 2, 3):
                number += 1
                self.packets = number
                yield _pcapng_packet(block_type, body, order, interfaces, number)
            elif block_type in _NUMBERED_BLOCKS:
                number += 1  # a record that holds no packet, but takes a number

    def __repr__(self) -> str:
        return f"<CaptureReader {self.kind} packets={self.packets} bytes_read={self.bytes_read}>"


#: An interface of a pcapng section: link type, snaplen, ``if_tsresol``, ``if_tsoffset``
#: in ns, and the fractional digits its timestamps warrant.
_Interface = tuple[int, int, int, int, int]


def _interface(body: memoryview, order: str) -> _Interface:
    """An Interface Description Block's body (draft-ietf-opsawg-pcapng §4.2)."""
    if len(body) < 8:
        raise CaptureError("pcapng interface description block too short")
    link_type, _reserved, snaplen = struct.unpack_from(order + "HHI", body)
    resolution = 6
    offset = 0
    at = 8
    while at + 4 <= len(body):
        code, size = struct.unpack_from(order + "HH", body, at)
        value = body[at + 4 : at + 4 + size]
        if code == 0:
            break
        if code == 9 and size >= 1:  # if_tsresol
            resolution = value[0]
        elif code == 14 and size >= 8:  # if_tsoffset, seconds
            offset = struct.unpack_from(order + "q", value)[0] * 1_000_000_000
        at += 4 + (size + 3) // 4 * 4
    return link_type, snaplen, resolution, offset, _digits(resolution)


def _digits(resolution: int) -> int:
    if resolution & 0x80:
        return 9 if (resolution & 0x7F) > 19 else 6  # 2**-20 is finer than a microsecond
    return 9 if resolution > 6 else 6


_POWERS_OF_TEN: list[int] = [10**power for power in range(128)]


def _to_ns(units: int, resolution: int) -> int:
    if resolution & 0x80:
        return (units * 1_000_000_000) >> (resolution & 0x7F)
    if resolution <= 9:
        return units * _POWERS_OF_TEN[9 - resolution]
    return units // _POWERS_OF_TEN[min(resolution - 9, 127)]


def _pcapng_packet(
    block_type: int,
    body: memoryview,
    order: str,
    interfaces: list[_Interface],
    number: int,
) -> Packet:
    if block_type == 3:  # Simple Packet Block: interface 0, no timestamp
        if not interfaces or len(body) < 4:
            raise CaptureError(f"pcapng packet {number}: a simple packet block without an interface")
        length = struct.unpack_from(order + "I", body)[0]
        link_type, snaplen = interfaces[0][0], interfaces[0][1]
        captured = min(length, snaplen or length, len(body) - 4)
        return Packet(number, None, 6, link_type, body[4 : 4 + captured], length)
    if block_type == 6:
        if len(body) < 20:
            raise CaptureError(f"pcapng packet {number}: enhanced packet block too short")
        interface, high, low, captured, length = struct.unpack_from(order + "IIIII", body)
        at = 20
    else:
        if len(body) < 20:
            raise CaptureError(f"pcapng packet {number}: packet block too short")
        interface, _drops, high, low, captured, length = struct.unpack_from(order + "HHIIII", body)
        at = 20
    if interface >= len(interfaces):
        raise CaptureError(f"pcapng packet {number}: interface {interface} was not described")
    if at + captured > len(body):
        raise CaptureError(f"pcapng packet {number}: {captured} captured bytes overrun the block")
    link_type, _snaplen, resolution, offset, digits = interfaces[interface]
    time = _to_ns((high << 32) | low, resolution) + offset
    return Packet(number, time, digits, link_type, body[at : at + captured], length)


# --------------------------------------------------------------------------- layers

_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_IPV4 = struct.Struct(">BBHHHBBH4s4s")
_IPV6 = struct.Struct(">IHBB16s16s")
_TCP = struct.Struct(">HHIIBB")


def _link(packet: Packet) -> tuple[int, int] | str:
    """The network protocol (an EtherType, or 4/6 for a bare IP version) and where its
    header starts, or why the packet carries no IP."""
    data = packet.data
    link_type = packet.link_type
    size = len(data)
    if link_type == LINKTYPE_ETHERNET:
        at = 12
        if size < 14:
            return "short link header"
        ethertype = _U16.unpack_from(data, at)[0]
        at += 2
        while ethertype in _VLAN_TAGS:
            if size < at + 4:
                return "short link header"
            ethertype = _U16.unpack_from(data, at + 2)[0]
            at += 4
        return ethertype, at
    if link_type == LINKTYPE_LINUX_SLL:
        if size < 16:
            return "short link header"
        return _vlan(data, _U16.unpack_from(data, 14)[0], 16)
    if link_type == LINKTYPE_LINUX_SLL2:
        if size < 20:
            return "short link header"
        return _vlan(data, _U16.unpack_from(data, 0)[0], 20)
    if link_type in (LINKTYPE_NULL, LINKTYPE_LOOP):
        if size < 4:
            return "short link header"
        if link_type == LINKTYPE_LOOP:
            family = _U32.unpack_from(data)[0]
        else:
            family = int.from_bytes(data[:4], "little")
            if family > 0xFFFF:  # written by a big-endian host
                family = int.from_bytes(data[:4], "big")
        if family == 2:
            return _ETHERTYPE_IPV4, 4
        if family in _AF_INET6:
            return _ETHERTYPE_IPV6, 4
        return "not IP"
    if link_type == LINKTYPE_RAW:
        return (_ETHERTYPE_IPV4, 0) if size and data[0] >> 4 == 4 else (_ETHERTYPE_IPV6, 0)
    if link_type == LINKTYPE_IPV4:
        return _ETHERTYPE_IPV4, 0
    if link_type == LINKTYPE_IPV6:
        return _ETHERTYPE_IPV6, 0
    return f"link type {link_type} not supported"


def _vlan(data: bytes | memoryview, ethertype: int, at: int) -> tuple[int, int] | str:
    while ethertype in _VLAN_TAGS:
        if len(data) < at + 4:
            return "short link header"
        ethertype = _U16.unpack_from(data, at + 2)[0]
        at += 4
    return ethertype, at


def tcp_segment(packet: Packet) -> Segment | str:
    """The TCP segment in ``packet``, or why there is none (``"not IP"``, ``"not TCP"``,
    ``"IP fragment"``, a short or malformed header ...)."""
    found = _link(packet)
    if isinstance(found, str):
        return found
    ethertype, at = found
    data = packet.data
    size = len(data)
    if ethertype == _ETHERTYPE_IPV4:
        if size < at + 20:
            return "short IP header"
        version_ihl, _tos, total, _ident, fragment, _ttl, protocol, _sum, source, destination = (
            _IPV4.unpack_from(data, at)
        )
        header = (version_ihl & 0x0F) * 4
        if version_ihl >> 4 != 4 or header < 20:
            return "malformed IP header"
        if protocol != _IPPROTO_TCP:
            return "not TCP"
        if fragment & 0x3FFF:
            return "IP fragment"
        if total and total < header:
            return "malformed IP header"
        end = min(at + total, packet.length) if total else packet.length
        at += header
    elif ethertype == _ETHERTYPE_IPV6:
        if size < at + 40:
            return "short IP header"
        first, payload_length, protocol, _hops, source, destination = _IPV6.unpack_from(data, at)
        if first >> 28 != 6:
            return "malformed IP header"
        end = min(at + 40 + payload_length, packet.length) if payload_length else packet.length
        at += 40
        while protocol != _IPPROTO_TCP:
            if size < at + 8:
                return "not TCP" if protocol not in _IPV6_EXTENSIONS else "short IP header"
            if protocol in _IPV6_EXTENSIONS:
                protocol, length = data[at], (data[at + 1] + 1) * 8
            elif protocol == _IPV6_AH:
                protocol, length = data[at], (data[at + 1] + 2) * 4
            elif protocol == _IPV6_FRAGMENT:
                if _U16.unpack_from(data, at + 2)[0] != 0:  # offset 0, M clear: an atomic fragment
                    return "IP fragment"
                protocol, length = data[at], 8
            else:
                return "not TCP"
            at += length
    else:
        return "not IP"
    if size < at + 20:
        return "short TCP header"
    source_port, destination_port, seq, ack, offset_byte, flags = _TCP.unpack_from(data, at)
    header = (offset_byte >> 4) * 4
    if header < 20 or at + header > end:
        return "malformed TCP header"
    payload_at = at + header
    stop = min(end, size)
    if payload_at > stop:
        return "short TCP header"
    return Segment(
        (bytes(source), source_port),
        (bytes(destination), destination_port),
        seq,
        ack,
        flags,
        data[payload_at:stop],
        end - stop if end > stop else 0,
    )
