"""Reading the CLI's inputs: raw byte streams and hex text, told apart automatically.

Strategy: a file (or stdin) is *hex text* when it is all printable ASCII (a raw AMQP
stream never is: a protocol header holds ``0x00`` bytes and so does every frame SIZE
under 16 MiB), else *raw*; ``--hex`` and ``--raw`` force either.  Hex text is read as
one of two shapes:

- plain hex: hex digits and whitespace only (``xxd -p``, Wireshark "copy as hex
  stream", ``echo 0000001702...``);
- a dump: one line per run of bytes, each opening with an offset column (``xxd``,
  ``hexdump -C``, Wireshark's "copy as hex dump", its plain-text export and its
  "Follow TCP Stream" hex dump), the ASCII column dropped.

A dump line's bytes are the hex tokens after its offset, up to the ASCII column, which
every one of those tools sets off by a ``|``, by a gap of three or more spaces, or by two
spaces after anything but the eighth byte (a two-space gap after eight bytes is the
middle gap of ``hexdump -C`` and Wireshark).  The offset of the next line in the same
direction must then agree with the bytes read (an ASCII column of hex digits after a
middle gap, ``xxd -c 8``, is cut off by it); ``hexdump -C``'s ``*`` (repeat the
previous line up to the next offset) and its closing offset-only line are understood.
A dump may start at any offset (``xxd -s``): offsets shown are the dump's.  Wireshark's Follow TCP Stream dump indents the server's lines: a dump
mixing indented and unindented lines is read as two directions, unindented lines
client to server, each with its own offsets, and the order of its runs of lines is kept
(``Chunk``) so the two directions can be shown interleaved as they were captured.
``hexdump`` without ``-C`` prints 16-bit words in host byte order and is refused.

A pcap or pcapng capture is told by its first four bytes (:func:`open_source` reads
only those, so a capture is then read as a stream, never whole): the CLI hands it to
:mod:`amqpcodec.cli.pcap`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import sys
from collections.abc import Callable
from typing import BinaryIO

__all__ = [
    "InputError",
    "Chunk",
    "Stream",
    "Source",
    "open_source",
    "read_source",
    "parse_hex",
    "looks_like_text",
]

C2S, S2C = "c2s", "s2c"


class InputError(Exception):
    """An input that cannot be read (missing file, unreadable hex); exit status 2."""


@dataclasses.dataclass(frozen=True, slots=True)
class Chunk:
    """A run of bytes of one direction, in capture order: ``data[start:end]`` of that
    direction's stream (offsets from the stream's first byte)."""

    direction: str
    start: int
    end: int


@dataclasses.dataclass(frozen=True, slots=True)
class Stream:
    """The bytes of one direction of a connection, as read from one input.

    ``base`` is the offset of the first byte in the original capture (a dump that starts
    at a later offset, ``xxd -s``), added to every offset shown.  ``kind`` says how the
    input was read (``raw``, ``plain hex``, ``xxd dump`` ...).
    """

    direction: str
    data: bytes
    label: str
    kind: str
    base: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class HexText:
    """What :func:`parse_hex` found: the bytes of each direction (``""`` when the text
    does not tell directions apart), their base offsets, and the capture order."""

    kind: str
    data: dict[str, bytes]
    bases: dict[str, int]
    chunks: tuple[Chunk, ...]


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_HEX_TOKEN = re.compile(r"(?:[0-9A-Fa-f]{2}){1,8}")
_TOKEN = re.compile(r"\S+")
_DUMP_LINE = re.compile(r"(?P<indent>[ \t]*)(?P<offset>[0-9A-Fa-f]{4,16})(?P<colon>:?)(?=\s|$)")
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v")
#: ``hexdump`` (and ``od -x``) without ``-C``: a 7-digit offset, then 16-bit words.
_HEXDUMP_WORDS = re.compile(r"\s*[0-9a-fA-F]{7}(?:\s+[0-9a-fA-F]{4})*\s*")


def looks_like_text(data: bytes) -> bool:
    """Whether ``data`` is printable ASCII text holding hex digits (module docstring)."""
    if not data:
        return False
    for byte in data:
        if not (0x20 <= byte < 0x7F or byte in _TEXT_CONTROLS):
            return False
    return any(chr(byte) in _HEX_DIGITS for byte in data)


@dataclasses.dataclass(slots=True)
class Source:
    """An opened input: its first bytes (``head``, up to four) are read, the rest is
    ``stream``; ``size`` is the file's size when it is a regular file."""

    path: str
    label: str
    head: bytes
    stream: BinaryIO
    size: int | None

    def read_all(self) -> bytes:
        """The whole input."""
        try:
            return self.head + self.stream.read()
        except OSError as error:
            raise InputError(f"{self.label}: {error.strerror or error}") from None

    def close(self) -> None:
        if self.path != "-":
            self.stream.close()


def open_source(path: str) -> Source:
    """Open ``path`` (``-``: stdin) and read its first four bytes."""
    try:
        if path == "-":
            stream: BinaryIO = sys.stdin.buffer
            label = "<stdin>"
        else:
            stream = open(path, "rb")  # noqa: SIM115 - the Source owns it
            label = path
        head = stream.read(4)
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from None
    try:
        info = os.fstat(stream.fileno())
        size = info.st_size if stat.S_ISREG(info.st_mode) else None
    except (OSError, ValueError):
        size = None
    return Source(path, label, head, stream, size)


def read_source(
    path: str, direction: str | None, *, force: str | None, data: bytes | None = None
) -> tuple[list[Stream], HexText | None]:
    """The streams in one input, and the parsed hex text if it was hex.

    ``direction`` is the one the command line gave it (``None``: a dump that tells the
    directions apart may give both); ``force`` is ``"hex"``, ``"raw"`` or ``None``;
    ``data`` is the input's bytes when they are read already (else ``path`` is read).
    """
    label = "<stdin>" if path == "-" else path
    if data is None:
        source = open_source(path)
        try:
            data = source.read_all()
        finally:
            source.close()
    raw = data
    if force == "raw" or (force is None and not looks_like_text(raw)):
        return [Stream(direction or C2S, raw, label, "raw")], None
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise InputError(f"{label}: --hex given, but the input is not ASCII text") from None
    try:
        parsed = parse_hex(text)
    except InputError as error:
        raise InputError(f"{label}: {error}") from None
    if "" in parsed.data:
        data = parsed.data[""]
        return [Stream(direction or C2S, data, label, parsed.kind, parsed.bases[""])], parsed
    if direction is not None:
        raise InputError(f"{label}: this dump holds both directions; give it alone, without --c2s/--s2c")
    streams = [Stream(key, parsed.data[key], label, parsed.kind, parsed.bases[key]) for key in (C2S, S2C)]
    return streams, parsed


# --------------------------------------------------------------------------- hex text


@dataclasses.dataclass(slots=True)
class _Line:
    number: int
    indent: str
    offset: int | None  # None: a hexdump "*" line
    data: bytes
    middle: int | None  # bytes before the middle gap, when the ASCII column may follow it
    text: str


#: The banner of tshark's ``-z follow,tcp,hex,N`` output: its ``=`` rules and its
#: ``Follow:``, ``Filter:``, ``Node 0:`` and ``Node 1:`` lines.
_TSHARK_BANNER = re.compile(r"={20,}|(?:Follow|Filter): .*|Node [01]: .*")
_TSHARK_NODE = re.compile(r"Node ([01]): .*:(\d+)")
#: The ports of an AMQP server (IANA: amqp, amqps), which tell tshark's nodes apart.
_SERVER_PORTS = frozenset((5672, 5671))


def _tshark_server_first(banner: list[str]) -> bool:
    """Whether tshark's banner names the server (an AMQP port) as node 0: its lines are the
    unindented ones (node 0 sent first: the capture joined the connection late)."""
    ports = {}
    for line in banner:
        match = _TSHARK_NODE.fullmatch(line)
        if match:
            ports[match.group(1)] = int(match.group(2))
    return ports.get("0") in _SERVER_PORTS and ports.get("1") not in _SERVER_PORTS


def _swapped(parsed: HexText) -> HexText:
    """``parsed`` with its two directions exchanged."""
    other = {C2S: S2C, S2C: C2S}
    return HexText(
        parsed.kind,
        {other[key]: value for key, value in parsed.data.items()},
        {other[key]: value for key, value in parsed.bases.items()},
        tuple(Chunk(other[chunk.direction], chunk.start, chunk.end) for chunk in parsed.chunks),
    )


def parse_hex(text: str) -> HexText:
    """Bytes from hex text: plain hex or a dump (module docstring); ``#`` lines are comments,
    and the banner of tshark's follow output is skipped."""
    lines: list[tuple[int, str]] = []
    banner: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if _TSHARK_BANNER.fullmatch(line.strip()):
            banner.append(line.strip())
            continue
        lines.append((number, line.rstrip()))
    parsed = _parse_hex_lines(lines)
    if banner and len(parsed.data) == 2:
        parsed = dataclasses.replace(parsed, kind="tshark follow-stream dump")
        if _tshark_server_first(banner):
            parsed = _swapped(parsed)
    return parsed


def _parse_hex_lines(lines: list[tuple[int, str]]) -> HexText:
    if not lines:
        raise InputError("no hex digits found")
    if all(_HEXDUMP_WORDS.fullmatch(line) for _, line in lines):
        raise InputError(
            "this looks like `hexdump` output (16-bit words in host byte order); use `hexdump -C`"
        )
    if all(_is_plain_line(line) for _, line in lines) and not _is_offset_dump(lines):
        digits = "".join("".join(line.split()) for _, line in lines)
        if len(digits) % 2:
            raise InputError(f"an odd number of hex digits ({len(digits)})")
        data = bytes.fromhex(digits)
        return HexText("plain hex", {"": data}, {"": 0}, (Chunk("", 0, len(data)),))
    return _parse_dump(lines)


def _is_plain_line(line: str) -> bool:
    return all(char in _HEX_DIGITS or char.isspace() for char in line)


def _is_offset_dump(lines: list[tuple[int, str]]) -> bool:
    """Hex-only text that is still a dump: every line an offset then single bytes, the
    offsets consecutive (Wireshark's "copy as hex dump" without the ASCII column)."""
    expected = None
    for _, line in lines:
        tokens = line.split()
        if len(tokens[0]) < 4 or any(len(token) != 2 for token in tokens[1:]):
            return False
        offset = int(tokens[0], 16)
        if expected is not None and offset != expected:
            return False
        if expected is None and len(lines) == 1 and offset != 0:
            return False
        expected = offset + len(tokens) - 1
    return True


def _line_bytes(rest: str) -> tuple[bytes, int | None]:
    """The hex tokens at the start of ``rest`` (a dump line after its offset), up to the
    ASCII column (module docstring), and how many came before a middle gap crossed."""
    if "|" in rest:
        rest = rest.split("|", 1)[0]
    out = bytearray()
    previous_end = 0
    middle = None
    for match in _TOKEN.finditer(rest):
        gap = match.start() - previous_end
        if out and (gap >= 3 or (gap == 2 and len(out) != 8)):
            break
        token = match.group()
        if not _HEX_TOKEN.fullmatch(token):
            break
        if out and gap == 2:
            middle = len(out)
        out += bytes.fromhex(token)
        previous_end = match.end()
    return bytes(out), middle


def _dump_kind(lines: list[_Line], two_way: bool) -> str:
    if two_way:
        return "Wireshark follow-stream dump"
    texts = [line.text for line in lines if line.offset is not None]
    if any("|" in text for text in texts):
        return "hexdump -C dump"
    if all(_DUMP_LINE.match(text) and ":" in text.split()[0] for text in texts):
        return "xxd dump"
    return "hex dump"


def _parse_dump(numbered: list[tuple[int, str]]) -> HexText:
    lines: list[_Line] = []
    for number, text in numbered:
        if text.strip() == "*":
            lines.append(_Line(number, "", None, b"", None, text))
            continue
        match = _DUMP_LINE.match(text)
        if match is None:
            shown = text.strip()[:40]
            raise InputError(f"line {number} is neither plain hex nor a hex dump line: {shown!r}")
        rest = text[match.end() :]
        lines.append(
            _Line(number, match.group("indent"), int(match.group("offset"), 16), *_line_bytes(rest), text)
        )
    indented = {bool(line.indent) for line in lines if line.offset is not None}
    two_way = len(indented) == 2
    kind = _dump_kind(lines, two_way)

    def direction_of(line: _Line) -> str:
        return (S2C if line.indent else C2S) if two_way else ""

    keys = (C2S, S2C) if two_way else ("",)
    out: dict[str, bytearray] = {key: bytearray() for key in keys}
    bases: dict[str, int] = {key: 0 for key in keys}
    started: set[str] = set()
    chunks: list[Chunk] = []
    last_direction = ""
    for index, line in enumerate(lines):
        if line.offset is None:
            continue
        key = direction_of(line)
        buf = out[key]
        if key not in started:
            started.add(key)
            bases[key] = line.offset
        data = line.data
        follower, star = _next_line(lines, index, key, direction_of)
        if follower is not None and follower.offset is not None:
            expected = follower.offset - line.offset
            if star:  # hexdump: the line repeats up to the next offset
                if not data or expected < len(data) or expected % len(data):
                    raise InputError(
                        f"line {line.number}: '*' cannot repeat this line up to offset {follower.offset:#x}"
                    )
                data = data * (expected // len(data))
            elif len(data) > expected and expected == line.middle:
                data = data[:expected]  # `xxd -c 8`: an ASCII column of hex digits after the gap
            elif expected < 1:
                raise InputError(
                    f"line {follower.number}: offset {follower.offset:#x} does not follow offset {line.offset:#x}"
                )
            elif len(data) != expected:
                raise InputError(
                    f"line {line.number}: the next offset ({follower.offset:#x}) says {expected} "
                    f"byte{'s' if expected != 1 else ''}, but the line holds {len(data)}"
                )
        if data:
            start = len(buf)
            buf += data
            if chunks and last_direction == key:
                chunks[-1] = Chunk(key, chunks[-1].start, len(buf))
            else:
                chunks.append(Chunk(key, start, len(buf)))
            last_direction = key
    if not any(out.values()):
        raise InputError("the hex dump holds no bytes")
    return HexText(kind, {key: bytes(value) for key, value in out.items()}, bases, tuple(chunks))


def _next_line(
    lines: list[_Line], index: int, key: str, direction_of: Callable[[_Line], str]
) -> tuple[_Line | None, bool]:
    """The next offset line of the same direction after ``lines[index]``, and whether a
    ``*`` stands between them."""
    star = False
    for line in lines[index + 1 :]:
        if line.offset is None:
            star = True
            continue
        if direction_of(line) == key:
            return line, star
    return None, star
