"""The CLI's output: text for a person, JSON Lines for a program.

Text: one line per event, ``offset  direction  channel  name  details``; a completed
delivery's message follows its last transfer as an indented tree in which every
section and value is named as the spec names it (Part 3 §3.2 sections, Part 1 §1.6
types: ``symbol "x"``, ``ulong 7``, timestamps as ISO 8601 UTC).  Frame lines show a
performative's key fields in a compact form (``-v``: every field); binaries are cut at
32 bytes (16 in frame lines) unless ``--full``.  Strings are quoted with every
non-printable character escaped, so a capture cannot drive the terminal.  Colour is
ANSI SGR codes (ECMA-48), only when asked for.

JSON: one object per event (API.md "JSON form"): ``event``, ``connection``,
``direction``, ``offset``, then per kind: ``channel``, ``performative`` (``null`` for a
heartbeat or an unknown body), ``fields`` (the composite's ``fields`` in the JSON form)
for frames; the delivery and ``message`` (``Message.to_dict()``) for messages;
``error``, ``condition``, ``message`` for errors; ``to``, ``skipped``, ``reason`` for
resyncs.  Output is ASCII (``json.dumps`` escapes the rest).
"""

from __future__ import annotations

import datetime
import enum
import json
import math
import time as _time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar, TextIO

from .. import performatives as _performatives
from .._composite import Composite
from .._jsonform import composite_to_json, value_to_json
from ..definitions import ErrorCondition, Source, Target
from ..message import AMQPSequence, AMQPValue, Data, Message
from ..performatives import Performative, SaslBody
from ..types import Array, Described, Float, Symbol, Timestamp
from .stream import (
    ConnectionEndEvent,
    ConnectionEvent,
    ErrorEvent,
    Event,
    FrameEvent,
    GapEvent,
    HeaderEvent,
    MessageEvent,
    ResyncEvent,
    Stamped,
)
from .tcp import TrackerStats

__all__ = [
    "Style",
    "TextRenderer",
    "Summary",
    "Progress",
    "json_event",
    "json_line",
    "json_stamped",
    "capture_time",
    "capture_stats",
    "capture_text",
    "PERFORMATIVE_NAMES",
]

#: Every frame body name, in spec order (§2.7, Part 5 §5.3.3), and the CLI's two extras.
_BODIES = [getattr(_performatives, name) for name in _performatives.__all__]
PERFORMATIVE_NAMES: tuple[str, ...] = (
    *(cls.SPEC.name for cls in _BODIES if issubclass(cls, SaslBody) and hasattr(cls, "SPEC")),
    *(cls.SPEC.name for cls in _BODIES if issubclass(cls, Performative) and hasattr(cls, "SPEC")),
    "heartbeat",
    "described",
)

# --------------------------------------------------------------------------- colour


class Style:
    """ANSI SGR colouring (ECMA-48 §8.3.117), or none."""

    CODES: ClassVar[dict[str, str]] = {
        "offset": "2",
        "c2s": "36",
        "s2c": "35",
        "name": "1",
        "header": "1;34",
        "message": "1;32",
        "section": "32",
        "error": "1;31",
        "resync": "33",
        "gap": "33",
        "connection": "1;34",
        "time": "2",
        "note": "33",
        "summary": "1",
    }

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, role: str, text: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{self.CODES[role]}m{text}\x1b[0m"


# --------------------------------------------------------------------------- scalars

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote(text: str) -> str:
    """``text`` in double quotes, every non-printable character escaped (terminal-safe)."""
    out = []
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


_PLAIN_TYPES: dict[type, str] = {
    type(None): "null",
    bool: "boolean",
    float: "double",
    Decimal: "decimal128",
    uuid.UUID: "uuid",
    bytes: "binary",
    str: "string",
    list: "list",
    dict: "map",
    Array: "array",
    Described: "described",
}


def type_name(value: Any) -> str:
    """The AMQP type a decoded value stands for (Part 1 §1.6): ``uint``, ``symbol``, ..."""
    if isinstance(value, enum.Enum):
        value = value.__amqp__() if hasattr(value, "__amqp__") else value.value
    if isinstance(value, Composite):
        return str(value.SPEC.name)
    for cls in type(value).__mro__:
        name = getattr(cls, "TYPE_NAME", None) or _PLAIN_TYPES.get(cls)
        if name:
            return str(name)
    if isinstance(value, int):
        return "long" if value < 2**63 else "ulong"
    if isinstance(value, Mapping):
        return "map"
    return type(value).__name__


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))


def timestamp_text(value: int) -> str:
    """ISO 8601 UTC with milliseconds (§1.6.20: ms since the Unix epoch), or the raw number."""
    try:
        moment = Timestamp.to_datetime(Timestamp(value))
    except (OverflowError, ValueError):
        return f"{int(value)} (ms since the Unix epoch, outside years 1-9999)"
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _hex(data: bytes, limit: int | None) -> str:
    if limit is not None and len(data) > limit:
        return f"{data[:limit].hex()}... ({len(data)} bytes)"
    return data.hex()


def scalar_text(value: Any, limit: int | None) -> str:
    """A scalar's value as shown after its type name (``binary`` cut at ``limit`` bytes)."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        value = value.__amqp__() if hasattr(value, "__amqp__") else value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Timestamp):
        return timestamp_text(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, Float):
        return _number(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, Decimal):
        return Decimal.__str__(value)
    if isinstance(value, str):
        return quote(str.__str__(value))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _hex(bytes(value), limit)
    return str(value)


# --------------------------------------------------------------------------- frame lines

#: Fields left out of a frame line unless ``--verbose`` (rarely telling, often long).
_MINOR_FIELDS = frozenset(
    (
        "outgoing-locales",
        "incoming-locales",
        "offered-capabilities",
        "desired-capabilities",
        "properties",
        "unsettled",
        "incomplete-unsettled",
        "batchable",
    )
)
_FRAME_BINARY = 16


def _enum_text(member: enum.Enum) -> str:
    return member.name.lower().replace("_", "-")


def compact(value: Any, *, full: bool, verbose: bool) -> str:
    """A value on one line, for frame lines: numbers bare, symbols bare, strings quoted,
    binaries as ``<hex>``, enum members by name, composites by spec name and fields."""
    if isinstance(value, enum.Enum):
        return _enum_text(value)
    if value is None or isinstance(value, (bool, int, float, Decimal, uuid.UUID)):
        return scalar_text(value, None) or "null"
    if isinstance(value, Symbol):
        text = str.__str__(value)
        return (
            text if text and all(char.isprintable() and not char.isspace() for char in text) else quote(text)
        )
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, bytes):
        return f"<{_hex(value, None if full else _FRAME_BINARY)}>"
    if isinstance(value, Array):
        return "[" + ", ".join(compact(item, full=full, verbose=verbose) for item in value.items) + "]"
    if isinstance(value, list):
        return "[" + ", ".join(compact(item, full=full, verbose=verbose) for item in value) + "]"
    if isinstance(value, Mapping):
        pairs = (
            f"{compact(key, full=full, verbose=verbose)}: {compact(item, full=full, verbose=verbose)}"
            for key, item in value.items()
        )
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, ErrorCondition):
        text = compact(value.condition, full=full, verbose=verbose)
        if value.description is not None:
            text += " " + quote(str(value.description))
        if verbose and value.info is not None:
            text += " " + compact(value.info, full=full, verbose=verbose)
        return text
    if isinstance(value, (Source, Target)) and not verbose:
        if value.dynamic:
            return "dynamic"
        return "null" if value.address is None else compact(value.address, full=full, verbose=verbose)
    if isinstance(value, Composite):
        fields = composite_fields(value, full=full, verbose=verbose)
        return f"{value.SPEC.name}({fields})" if fields else str(value.SPEC.name)
    if isinstance(value, Described):
        return f"described({_described_fields(value, full=full, verbose=verbose)})"
    return quote(repr(value))


def _described_fields(value: Described, *, full: bool, verbose: bool) -> str:
    descriptor = value.descriptor
    if isinstance(descriptor, int) and not isinstance(descriptor, bool):
        shown = f"0x{int(descriptor):x}"
    else:
        shown = compact(descriptor, full=full, verbose=verbose)
    return f"descriptor={shown} value={compact(value.value, full=full, verbose=verbose)}"


def composite_fields(value: Composite, *, full: bool, verbose: bool) -> str:
    """``name=value`` for each field present, spec names, spec order."""
    parts = []
    for field, name in zip(value.FIELDS, value._NAMES):
        item = getattr(value, name)
        if item is None or (not verbose and field.name in _MINOR_FIELDS):
            continue
        parts.append(f"{field.name}={compact(item, full=full, verbose=verbose)}")
    return " ".join(parts)


# --------------------------------------------------------------------------- value trees

_TREE_BINARY = 32
_TEXT_PREVIEW = 64


def _binary_lines(data: bytes, full: bool) -> list[str]:
    if full and len(data) > _TREE_BINARY:
        lines = [f"binary ({len(data)} bytes)"]
        lines += [f"  {data[at : at + _TREE_BINARY].hex()}" for at in range(0, len(data), _TREE_BINARY)]
        return lines
    return [f"binary {_hex(data, None if full else _TREE_BINARY)}"]


def tree(value: Any, full: bool) -> list[str]:
    """``value`` as lines (children indented by two): ``type value`` for scalars,
    ``list (n items)``, ``map (n entries)``, ``array of T (n items)``, ``described by ...``."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _binary_lines(bytes(value), full)
    if isinstance(value, list):
        lines = [f"list ({_count(len(value), 'item')})"]
        for item in value:
            lines += _indent(tree(item, full))
        return lines
    if isinstance(value, Array):
        described = "" if value.descriptor is None else f" described by {_inline(value.descriptor, full)}"
        lines = [f"array of {value.element_type}{described} ({_count(len(value), 'item')})"]
        for item in value.items:
            lines += _indent(tree(item, full))
        return lines
    if isinstance(value, Mapping):
        return [f"map ({_count(len(value), 'entry')})", *_indent(_entries(value, full))]
    if isinstance(value, Composite):
        return [str(value.SPEC.name), *_indent(_fields(value, full))]
    if isinstance(value, Described):
        return [f"described by {_inline(value.descriptor, full)}", *_indent(tree(value.value, full))]
    text = scalar_text(value, None if full else _TREE_BINARY)
    return [f"{type_name(value)} {text}".rstrip()]


def _inline(value: Any, full: bool) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and type_name(value) == "ulong":
        return f"ulong 0x{int(value):x}"
    return " / ".join(tree(value, full))


def _count(number: int, noun: str) -> str:
    if number == 1:
        return f"1 {noun}"
    return f"{number} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def _indent(lines: list[str], by: str = "  ") -> list[str]:
    return [by + line for line in lines]


def _labelled(label: str, lines: list[str]) -> list[str]:
    """``label: first line`` when the value is one line, else the label above it."""
    if len(lines) == 1:
        return [f"{label}: {lines[0]}"]
    return [f"{label}: {lines[0]}", *lines[1:]]


def _entries(mapping: Mapping[Any, Any], full: bool) -> list[str]:
    lines: list[str] = []
    for key, item in mapping.items():
        key_lines = tree(key, full)
        if len(key_lines) == 1:
            lines += _labelled(key_lines[0], tree(item, full))
        else:
            lines += ["key:", *_indent(key_lines), *_labelled("value", tree(item, full))]
    return lines


def _fields(value: Composite, full: bool) -> list[str]:
    lines: list[str] = []
    for field, name in zip(value.FIELDS, value._NAMES):
        item = getattr(value, name)
        if item is not None:
            lines += _labelled(field.name, tree(item, full))
    return lines


def _utf8_preview(data: bytes, full: bool) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or not all(char.isprintable() or char in "\n\r\t" for char in text):
        return None
    if not full and len(text) > _TEXT_PREVIEW:
        return f"{quote(text[:_TEXT_PREVIEW])}... ({len(text)} characters)"
    return quote(text)


def message_lines(message: Message, full: bool) -> list[str]:
    """Each section of ``message`` (§3.2) under its spec name, its content indented."""
    lines: list[str] = []
    for name, section in (
        ("header", message.header),
        ("delivery-annotations", message.delivery_annotations),
        ("message-annotations", message.message_annotations),
        ("properties", message.properties),
        ("application-properties", message.application_properties),
    ):
        if section is None:
            continue
        if isinstance(section, Composite):
            lines += [name, *_indent(_fields(section, full))]
        else:
            lines += [f"{name} ({_count(len(section), 'entry')})", *_indent(_entries(section, full))]
    body = message.body
    for part in body if isinstance(body, tuple) else () if body is None else (body,):
        lines += _section_lines(part, full)
    if message.footer is not None:
        lines += [
            f"footer ({_count(len(message.footer), 'entry')})",
            *_indent(_entries(message.footer, full)),
        ]
    return lines


def _section_lines(section: Data | AMQPSequence | AMQPValue, full: bool) -> list[str]:
    if isinstance(section, Data):
        data = section.value
        lines = _binary_lines(data, full)
        preview = _utf8_preview(data, full)
        if preview is not None:
            lines.append(f"utf-8 {preview}")
        return [f"data ({_count(len(data), 'byte')})", *_indent(lines)]
    if isinstance(section, AMQPSequence):
        items: list[str] = []
        for item in section.value:
            items += tree(item, full)
        return [f"amqp-sequence ({_count(len(section.value), 'item')})", *_indent(items)]
    return ["amqp-value", *_indent(tree(section.value, full))]


# --------------------------------------------------------------------------- text


class TextRenderer:
    """Lines of text for events: ``offset  dir  channel  name  details``; for a capture,
    led by the packet's time of day (UTC) and ``#N``, the connection's number."""

    def __init__(self, style: Style, *, full: bool, verbose: bool, offset_width: int) -> None:
        self.style = style
        self.full = full
        self.verbose = verbose
        self.width = offset_width
        self._lead = ""
        self._lead_width = 0

    def _prefix(self, offset: int | None, direction: str, channel: int | None) -> str:
        style = self.style
        shown = "" if offset is None else str(offset)
        channel_text = "" if channel is None else str(channel)
        shown_direction = style(direction, direction) if direction.strip() else direction
        return (
            f"{self._lead}{style('offset', shown.rjust(self.width))}  {shown_direction}  {channel_text:>3}  "
        )

    @property
    def indent(self) -> str:
        return " " * (self._lead_width + self.width + 2 + 3 + 2 + 3 + 2 + 2)

    def _line(
        self, offset: int | None, direction: str, channel: int | None, role: str, name: str, rest: str
    ) -> str:
        text = self._prefix(offset, direction, channel) + self.style(role, name) + " " * (11 - len(name))
        return (text + " " + rest).rstrip() if rest else text.rstrip()

    def stamped(self, item: Stamped) -> Iterator[str]:
        """The lines showing one event of a capture."""
        shown = capture_time(item.time, item.digits, date=False).ljust(9 + item.digits)
        lead = f"{shown}  #{item.connection:<3}"
        self._lead = f"{self.style('time', shown)}  #{item.connection:<3}"
        self._lead_width = len(lead)
        try:
            event = item.event
            if isinstance(event, ConnectionEvent):
                how = "found by its protocol header" if event.found == "header" else "found by --port"
                if event.handshake and event.start is not None:
                    start = f"TCP handshake at {capture_time(event.start, item.digits, date=False)}"
                elif event.handshake:
                    start = "TCP handshake captured"
                else:
                    start = "the capture joined it mid-connection"
                rest = f"{event.client} -> {event.server} ({how}; {start})"
                yield self._line(None, "   ", None, "connection", "connection", rest)
            elif isinstance(event, ConnectionEndEvent):
                rest = (
                    f"{_END_REASONS.get(event.reason, event.reason)}: "
                    f"c2s {_count(event.c2s, 'byte')}, s2c {_count(event.s2c, 'byte')}"
                )
                yield self._line(None, "   ", None, "connection", "connection", rest)
            else:
                yield from self.lines(event)
        finally:
            self._lead = ""
            self._lead_width = 0

    def lines(self, event: Event) -> Iterator[str]:
        """The lines showing one event."""
        if isinstance(event, FrameEvent):
            yield self._frame(event)
        elif isinstance(event, MessageEvent):
            yield from self._message(event)
        elif isinstance(event, HeaderEvent):
            yield self._header(event)
        elif isinstance(event, ErrorEvent):
            rest = f"{event.error}: {event.message}"
            if event.frame_offset is not None and event.frame_offset != event.offset:
                rest += f" (frame at offset {event.frame_offset})"
            yield self._line(event.offset, event.direction, None, "error", "error", self.style("error", rest))
        elif isinstance(event, GapEvent):
            rest = f"{_count(event.size, 'byte')} missing from the capture"
            if event.reason:
                rest += f" ({event.reason})"
            if event.lost_from is not None:
                rest += (
                    f"; {_count(event.offset - event.lost_from, 'byte')} before it, "
                    f"from offset {event.lost_from}, not decoded"
                )
            yield self._line(event.offset, event.direction, None, "gap", "gap", rest)
        elif isinstance(event, ResyncEvent):
            if event.to is None:
                what = f"skipped {event.skipped} bytes to the end"
            elif event.skipped:
                what = f"skipped {event.skipped} bytes, next frame at offset {event.to}"
            else:
                what = f"frame at offset {event.to}"
            yield self._line(
                event.offset, event.direction, None, "resync", "resync", f"{what} ({event.reason})"
            )

    def _header(self, event: HeaderEvent) -> str:
        rest = event.protocol + ("" if event.version is None else f" {event.version}")
        details = [] if event.note is None else [event.note]
        if event.skipped:
            details.append(f"{_count(event.skipped, 'byte')} not decoded")
        if details:
            rest += ": " + ", ".join(details)
        return self._line(event.offset, event.direction, None, "header", "header", rest)

    def _frame(self, event: FrameEvent) -> str:
        performative = event.performative
        if isinstance(performative, Composite):
            rest = composite_fields(performative, full=self.full, verbose=self.verbose)
        elif performative is None:
            rest = ""
        else:
            rest = _described_fields(performative, full=self.full, verbose=self.verbose)
        if event.payload_size:
            rest += f" (payload {_count(event.payload_size, 'byte')})"
        if event.note:
            rest += " " + self.style("note", f"[{event.note}]")
        return self._line(event.offset, event.direction, event.channel, "name", event.name, rest.strip())

    def _message(self, event: MessageEvent) -> Iterator[str]:
        delivery = event.delivery
        parts = [
            f"delivery-id={compact(delivery.delivery_id, full=self.full, verbose=False)}",
            f"handle={compact(delivery.handle, full=self.full, verbose=False)}",
            f"delivery-tag={compact(delivery.delivery_tag, full=self.full, verbose=False)}",
        ]
        if delivery.settled:
            parts.append("settled")
        if delivery.state is not None:
            parts.append(f"state={compact(delivery.state, full=self.full, verbose=False)}")
        frames = "" if event.frames == 1 else f" in {event.frames} frames"
        parts.append(f"({_count(len(delivery.payload), 'byte')}{frames})")
        if event.message is None:
            parts.append(
                f"message-format=0x{int(delivery.message_format):08x}: not an AMQP message, not decoded"
            )
        yield self._line(
            event.offset, event.direction, delivery.channel, "message", "message", " ".join(parts)
        )
        if event.message is not None:
            indent = self.indent
            style = self.style
            for line in message_lines(event.message, self.full):
                yield indent + (line if line.startswith(" ") else style("section", line))


_END_REASONS = {
    "fin": "closed by both sides",
    "rst": "reset",
    "capture": "still open when the capture ended",
    "reused": "its ports were taken by a new connection",
}


def capture_time(time: int | None, digits: int, *, date: bool) -> str:
    """A packet's time (ns since the epoch) in UTC: ``HH:MM:SS.ffffff`` or, with
    ``date``, ISO 8601 ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; ``digits`` fractional digits."""
    if time is None:
        return ""
    seconds, fraction = divmod(time, 1_000_000_000)
    key = (seconds, date)
    whole = _SECONDS.get(key)
    if whole is None:
        try:
            moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return f"{time} ns"
        whole = moment.strftime("%Y-%m-%dT%H:%M:%S" if date else "%H:%M:%S")
        if len(_SECONDS) > 64:
            _SECONDS.clear()
        _SECONDS[key] = whole
    text = f"{whole}.{fraction:09d}"[: len(whole) + 1 + digits]
    return text + "Z" if date else text


#: The formatted whole seconds of recent packets: a capture's times come in order.
_SECONDS: dict[tuple[int, bool], str] = {}


# --------------------------------------------------------------------------- summary


class Summary:
    """Counts of what was decoded (all of it: filters only change what is shown)."""

    def __init__(self) -> None:
        self.frames: Counter[str] = Counter()
        self.headers = 0
        self.messages = 0
        self.errors = 0
        self.resyncs = 0
        self.gaps = 0

    def add(self, event: Event) -> None:
        if isinstance(event, FrameEvent):
            self.frames[event.name] += 1
        elif isinstance(event, MessageEvent):
            self.messages += 1
        elif isinstance(event, HeaderEvent):
            self.headers += 1
        elif isinstance(event, ErrorEvent):
            self.errors += 1
        elif isinstance(event, GapEvent):
            self.gaps += 1
        else:
            self.resyncs += 1

    def text(self) -> str:
        total = sum(self.frames.values())
        per = ", ".join(f"{name} {self.frames[name]}" for name in PERFORMATIVE_NAMES if self.frames[name])
        frames = _count(total, "frame") + (f" ({per})" if per else "")
        parts = [_count(self.headers, "header"), frames, _count(self.messages, "message")]
        if self.resyncs:
            parts.append(_count(self.resyncs, "resync"))
        if self.gaps:
            parts.append(_count(self.gaps, "gap"))
        parts.append(_count(self.errors, "error"))
        return "summary: " + ", ".join(parts)


def capture_stats(
    packets: int, skipped: Mapping[str, int], stats: TrackerStats, decoded: int
) -> dict[str, Any]:
    """What a capture held (the ``capture`` JSON object): packets, those without a TCP
    segment by reason, connections found, decoded (``--connection``) and ignored, and
    the reassembler's counts."""
    return {
        "packets": packets,
        "skipped": dict(sorted(skipped.items())),
        "segments": stats.segments,
        "connections": stats.found,
        "decoded": decoded,
        "ignored": stats.ignored,
        "retransmitted": stats.retransmitted,
        "out_of_order": stats.out_of_order,
        "gaps": stats.gaps,
        "gap_bytes": stats.gap_bytes,
    }


def capture_text(stats: Mapping[str, Any]) -> str:
    """The line after a capture's events: ``capture: 24 packets (2 not TCP), 1 AMQP
    connection, ...`` (counts that are zero left out)."""
    packets = _count(stats["packets"], "packet")
    if stats["skipped"]:
        packets += " (" + ", ".join(f"{count} {reason}" for reason, count in stats["skipped"].items()) + ")"
    connections = _count(stats["connections"], "AMQP connection")
    if stats["decoded"] != stats["connections"]:
        connections += f" ({stats['decoded']} decoded)"
    parts = [packets, connections]
    if stats["ignored"]:
        parts.append(_count(stats["ignored"], "other TCP connection"))
    if stats["retransmitted"]:
        parts.append(f"{_count(stats['retransmitted'], 'segment')} retransmitted")
    if stats["out_of_order"]:
        parts.append(f"{stats['out_of_order']} out of order")
    if stats["gaps"]:
        parts.append(f"{_count(stats['gaps'], 'gap')} ({_count(stats['gap_bytes'], 'byte')} missing)")
    return "capture: " + ", ".join(parts)


# --------------------------------------------------------------------------- JSON


def _performative_json(performative: Any) -> dict[str, Any]:
    if isinstance(performative, Composite):
        return {"performative": performative.SPEC.name, "fields": composite_to_json(performative)["fields"]}
    if performative is None:
        return {"performative": None, "fields": {}}
    return {"performative": None, "fields": {}, "body": value_to_json(performative)}


def json_event(event: Event, connection: int) -> dict[str, Any]:
    """The JSON object of one event (module docstring)."""
    head: dict[str, Any] = {"connection": connection, "direction": event.direction, "offset": event.offset}
    if isinstance(event, FrameEvent):
        result = {
            "event": "frame",
            **head,
            "channel": event.channel,
            **_performative_json(event.performative),
        }
        result["frame_type"] = "sasl" if event.frame_type == SaslBody.FRAME_TYPE else "amqp"
        result["size"] = event.size
        result["payload_size"] = event.payload_size
        if event.note:
            result["note"] = event.note
        return result
    if isinstance(event, MessageEvent):
        delivery = event.delivery
        result = {
            "event": "message",
            **head,
            "channel": delivery.channel,
            "handle": int(delivery.handle),
            "delivery_id": int(delivery.delivery_id),
            "delivery_tag": bytes(delivery.delivery_tag).hex(),
            "message_format": int(delivery.message_format),
            "settled": bool(delivery.settled),
        }
        if delivery.state is not None:
            state = delivery.state
            result["state"] = (
                composite_to_json(state) if isinstance(state, Composite) else value_to_json(state)
            )
        result["frames"] = event.frames
        result["size"] = len(delivery.payload)
        result["message"] = None if event.message is None else event.message.to_dict()
        return result
    if isinstance(event, HeaderEvent):
        result = {"event": "header", **head, "protocol": event.protocol}
        if event.version is not None:
            result["version"] = event.version
        result["supported"] = event.supported
        if event.skipped is not None:
            result["skipped"] = event.skipped
        if event.note:
            result["note"] = event.note
        return result
    if isinstance(event, ErrorEvent):
        result = {
            "event": "error",
            **head,
            "error": event.error,
            "condition": event.condition,
            "message": event.message,
        }
        if event.frame_offset is not None:
            result["frame_offset"] = event.frame_offset
        return result
    if isinstance(event, GapEvent):
        result = {"event": "gap", **head, "size": event.size, "reason": event.reason}
        if event.lost_from is not None:
            result["lost_from"] = event.lost_from
        return result
    return {"event": "resync", **head, "to": event.to, "skipped": event.skipped, "reason": event.reason}


def json_line(event: Event, connection: int) -> str:
    """One line of JSON Lines: the event's object, ASCII."""
    return json.dumps(json_event(event, connection), separators=(", ", ": "))


def json_stamped(item: Stamped) -> str:
    """One line of JSON Lines for an event of a capture: ``time`` (ISO 8601, UTC, or
    null) follows ``offset``; ``connection`` and ``connection-end`` events report a
    connection's endpoints and its end."""
    time = capture_time(item.time, item.digits, date=True) if item.time is not None else None
    event = item.event
    result: dict[str, Any]
    if isinstance(event, ConnectionEvent):
        result = {
            "event": "connection",
            "connection": item.connection,
            "time": time,
            "client": event.client,
            "server": event.server,
            "found": event.found,
            "handshake": event.handshake,
            "first_packet": None
            if event.start is None
            else capture_time(event.start, item.digits, date=True),
        }
    elif isinstance(event, ConnectionEndEvent):
        result = {
            "event": "connection-end",
            "connection": item.connection,
            "time": time,
            "reason": event.reason,
            "c2s_bytes": event.c2s,
            "s2c_bytes": event.s2c,
        }
    else:
        result = {}
        for key, value in json_event(event, item.connection).items():
            result[key] = value
            if key == "offset":
                result["time"] = time
    return json.dumps(result, separators=(", ", ": "))


# --------------------------------------------------------------------------- progress


class Progress:
    """A progress bar on one terminal line (stderr): the share of ``total`` bytes read,
    and the rate; drawn at the first update, then at most every ``interval`` seconds,
    erased by ``clear()``."""

    def __init__(
        self,
        stream: TextIO,
        total: int | None,
        *,
        clock: Callable[[], float] = _time.monotonic,
        interval: float = 0.2,
        width: int = 30,
    ) -> None:
        self.stream = stream
        self.total = total if total else None
        self.clock = clock
        self.interval = interval
        self.width = width
        self.started = clock()
        self._drawn: float | None = None
        self.visible = False

    def update(self, done: int) -> None:
        """``done`` bytes are read: redraw if ``interval`` has passed since the last time."""
        now = self.clock()
        if self._drawn is not None and now - self._drawn < self.interval:
            return
        self._drawn = now
        elapsed = now - self.started
        rate = f"  {done / elapsed / 2**20:.1f} MiB/s" if elapsed > 0 else ""
        if self.total is None:
            text = f"{done / 2**20:.1f} MiB{rate}"
        else:
            share = min(done / self.total, 1.0)
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            text = f"[{bar}] {share * 100:3.0f}%  {done / 2**20:.1f} of {self.total / 2**20:.1f} MiB{rate}"
        self.stream.write(f"\r{text}\x1b[K")
        self.stream.flush()
        self.visible = True

    def clear(self) -> None:
        """Erase the bar (before other output to the terminal, and at the end)."""
        if self.visible:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.visible = False
