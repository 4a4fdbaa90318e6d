"""How the CLI writes AMQP values as text: scalars, frame-line values, value trees, times.

Strategy: three forms, one per place a value is shown.  In a frame line a value is
:func:`compact`, on one line: numbers and symbols bare, strings quoted, binaries as
``<hex>`` cut at 16 bytes, enum members by name, composites by spec name and fields
(``--verbose`` adds the rarely telling ones).  Under a message each section and value
is a :func:`tree` of lines, every value named as the spec names it (Part 3 §3.2
sections, Part 1 §1.6 types: ``symbol "x"``, ``ulong 7``, timestamps as ISO 8601 UTC),
binaries cut at 32 bytes unless ``--full``.  Strings (and symbols) are cut at
:data:`TEXT_PREVIEW` characters unless ``--full``, wherever shown, so that a long string
is not one long line; they are quoted with every non-printable character escaped
(:func:`quote`, whole strings at a time), so a capture cannot drive the terminal; a string that is not UTF-8 (the CLI decodes with ``unicode_errors=
"surrogateescape"``, so each bad byte is a surrogate U+DC80..U+DCFF) shows each bad
byte as ``\\xNN`` and is flagged ``(not UTF-8)`` (:func:`string_text`).
:func:`capture_time` writes a packet's time, :func:`plural` a count and its noun, for
every other part of the output.
"""

from __future__ import annotations

import datetime
import enum
import math
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .._composite import Composite
from ..definitions import ErrorCondition, Source, Target
from ..message import AMQPSequence, AMQPValue, Data, Message
from ..types import Array, Described, Float, Symbol, Timestamp

__all__ = [
    "quote",
    "NOT_UTF8",
    "TEXT_PREVIEW",
    "not_utf8",
    "string_text",
    "type_name",
    "timestamp_text",
    "scalar_text",
    "compact",
    "described_fields",
    "composite_fields",
    "tree",
    "message_lines",
    "plural",
    "capture_time",
]

# --------------------------------------------------------------------------- scalars

#: How :func:`quote` writes each ASCII character that needs it (a ``str.translate``
#: table): the quote and the backslash, ``\\n``, ``\\r``, ``\\t``, and the other
#: control characters as ``\\u00NN``.
_ASCII_ESCAPES: dict[int, str] = {code: f"\\u{code:04x}" for code in (*range(0x20), 0x7F)}
_ASCII_ESCAPES.update(
    {ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
)
#: Runs of characters outside ASCII: the only ones that can still be non-printable once
#: the ASCII ones are translated.
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")

#: The surrogates ``surrogateescape`` decodes a byte that is not UTF-8 to: U+DC00 + byte
#: (PEP 383; only 0x80-0xff can be bad).
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")

#: The flag after a string that is not UTF-8 (docs: cli, "Strings that are not UTF-8").
NOT_UTF8 = "(not UTF-8)"

#: Characters of a string shown before it is cut short (unless ``--full``), in frame
#: lines and value trees alike; a body's UTF-8 preview is cut at the same length.
TEXT_PREVIEW = 64


def _escape_char(char: str) -> str:
    if char.isprintable():
        return char
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape_run(match: re.Match[str]) -> str:
    run = match.group()
    if run.isprintable():
        return run
    return "".join(map(_escape_char, run))


def quote(text: str) -> str:
    """``text`` in double quotes, every non-printable character escaped (terminal-safe);
    a byte ``surrogateescape`` kept (U+DC80..U+DCFF) as ``\\xNN``, the byte itself (no
    character is ever escaped so: non-printable ones are ``\\uNNNN``).

    Whole strings at a time (``str.isprintable``, ``str.translate``, a regular
    expression over the runs of non-ASCII characters), never character by character
    in Python, so that a long string costs little."""
    if text.isprintable():
        if '"' in text or "\\" in text:
            text = text.translate(_ASCII_ESCAPES)
        return '"' + text + '"'
    text = text.translate(_ASCII_ESCAPES)
    if not text.isascii():
        text = _NON_ASCII_RUN.sub(_escape_run, text)
    return '"' + text + '"'


def not_utf8(text: str) -> bool:
    """Whether ``text`` holds bytes that were not UTF-8 (decoded with ``surrogateescape``)."""
    return not text.isascii() and _ESCAPED_BYTES.search(text) is not None


def string_text(text: str, limit: int | None = None) -> str:
    """A string as shown: :func:`quote`, cut after ``limit`` characters when longer
    (``"abc"... (300000 characters)``), then :data:`NOT_UTF8` when it is not UTF-8
    (judged on the whole string)."""
    flag = f" {NOT_UTF8}" if not_utf8(text) else ""
    if limit is not None and len(text) > limit:
        return f"{quote(text[:limit])}... ({len(text)} characters){flag}"
    return quote(text) + flag


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


def scalar_text(value: Any, limit: int | None, text_limit: int | None = None) -> str:
    """A scalar's value as shown after its type name (``binary`` cut at ``limit`` bytes,
    a ``string`` at ``text_limit`` characters)."""
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
        return string_text(str.__str__(value), text_limit)
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
#: Any whitespace: a symbol holding some is quoted in a frame line.
_SPACE = re.compile(r"\s")


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
        if not (text and text.isprintable() and _SPACE.search(text) is None):
            return string_text(text, None if full else TEXT_PREVIEW)
        if full or len(text) <= TEXT_PREVIEW:
            return text
        return f"{text[:TEXT_PREVIEW]}... ({len(text)} characters)"
    if isinstance(value, str):
        return string_text(value, None if full else TEXT_PREVIEW)
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
            text += " " + string_text(str(value.description), None if full else TEXT_PREVIEW)
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
        return f"described({described_fields(value, full=full, verbose=verbose)})"
    return quote(repr(value))


def described_fields(value: Described, *, full: bool, verbose: bool) -> str:
    """A described value that is not a composite, on one line: its descriptor (a number
    in hex) and its value."""
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
        lines = [f"list ({plural(len(value), 'item')})"]
        for item in value:
            lines += _indent(tree(item, full))
        return lines
    if isinstance(value, Array):
        described = "" if value.descriptor is None else f" described by {_inline(value.descriptor, full)}"
        lines = [f"array of {value.element_type}{described} ({plural(len(value), 'item')})"]
        for item in value.items:
            lines += _indent(tree(item, full))
        return lines
    if isinstance(value, Mapping):
        return [f"map ({plural(len(value), 'entry')})", *_indent(_entries(value, full))]
    if isinstance(value, Composite):
        return [str(value.SPEC.name), *_indent(_fields(value, full))]
    if isinstance(value, Described):
        return [f"described by {_inline(value.descriptor, full)}", *_indent(tree(value.value, full))]
    text = scalar_text(value, None if full else _TREE_BINARY, None if full else TEXT_PREVIEW)
    return [f"{type_name(value)} {text}".rstrip()]


def _inline(value: Any, full: bool) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and type_name(value) == "ulong":
        return f"ulong 0x{int(value):x}"
    return " / ".join(tree(value, full))


def plural(number: int, noun: str) -> str:
    """``number`` and ``noun``, in the plural unless it is 1: ``1 byte``, ``2 entries``."""
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


#: The bytes of printable ASCII text, line ends and tabs included: a body made of these
#: alone is shown as text (checked with ``bytes.translate``, a C loop).
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n\r\t"


def _utf8_preview(data: bytes, full: bool) -> str | None:
    """A body as text, when it is printable UTF-8 (line ends and tabs allowed), cut at
    :data:`TEXT_PREVIEW` characters unless ``full``; else None.  ASCII (the common case)
    is checked on the bytes and only the part shown is decoded."""
    if not data:
        return None
    if data.isascii():
        if data.translate(None, _PRINTABLE_ASCII):
            return None
        if full or len(data) <= TEXT_PREVIEW:
            return quote(data.decode("ascii"))
        return f"{quote(data[:TEXT_PREVIEW].decode('ascii'))}... ({len(data)} characters)"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not (text.isprintable() or _printable_lines(text)):
        return None
    return string_text(text, None if full else TEXT_PREVIEW)


def _printable_lines(text: str) -> bool:
    """Whether ``text`` is printable but for its line ends and tabs (whole-string calls)."""
    return text.replace("\n", "").replace("\r", "").replace("\t", "").isprintable()


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
            lines += [f"{name} ({plural(len(section), 'entry')})", *_indent(_entries(section, full))]
    body = message.body
    for part in body if isinstance(body, tuple) else () if body is None else (body,):
        lines += _section_lines(part, full)
    if message.footer is not None:
        lines += [
            f"footer ({plural(len(message.footer), 'entry')})",
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
        return [f"data ({plural(len(data), 'byte')})", *_indent(lines)]
    if isinstance(section, AMQPSequence):
        items: list[str] = []
        for item in section.value:
            items += tree(item, full)
        return [f"amqp-sequence ({plural(len(section.value), 'item')})", *_indent(items)]
    return ["amqp-value", *_indent(tree(section.value, full))]


# --------------------------------------------------------------------------- times


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
