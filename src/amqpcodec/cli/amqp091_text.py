"""How the CLI writes AMQP 0-9-1 values as text: method arguments, properties, field tables.

Strategy: the same three places as AMQP 1.0's values (:mod:`amqpcodec.cli.text_values`),
the same conventions.  In a frame line a method shows its arguments as ``spec-name=value``
(0-9-1 §1, the spec's argument names), leaving out those that hold the spec's default
unless ``--verbose`` (a required argument is always shown), and the peer property tables
(``client-properties``, ``server-properties``) unless ``--verbose``; shortstrs are quoted,
longstrs (binary, §4.2.5.3) quoted when they are printable ASCII (``mechanisms="PLAIN"``)
and else ``<hex>`` cut at 16 bytes, bits ``true``/``false``, tables ``{key: value}``;
strings of every kind (shortstr, longstr, a table's ``S``) are cut as 1.0's are
(:data:`~amqpcodec.cli.text_values.TEXT_PREVIEW` characters) unless ``--full``.
Under an assembled content, its properties (0-9-1 §4.2.6.1, basic class) and body are a
tree of lines: each property as ``name: domain value`` (``shortstr "text/plain"``,
``octet 2``, ``timestamp`` in ISO 8601 UTC, seconds), a ``headers`` table entry by entry,
each value led by its field-table type letter (§4.2.5.5, RabbitMQ errata: ``S`` long
string, ``l`` signed 64-bit, ``F`` table, ...), then the body as 1.0's data sections are
(binary cut at 32 bytes, and a UTF-8 preview).  Table values are walked in their JSON
form (:mod:`amqpcodec.amqp091._tables_json`), which knows every value's letter, so the
letters are not restated here.  A string that is not UTF-8 shows its bytes as ``\\xNN``
and is flagged, as in 1.0 (:func:`~amqpcodec.cli.text_values.string_text`).
"""

from __future__ import annotations

from typing import Any

from ..amqp091 import BasicProperties, Message
from ..amqp091._spec import BASIC_PROPERTIES
from ..amqp091._specmodel import REQUIRED
from ..amqp091._tables_json import table_to_json, value_to_json
from ..amqp091.methods import Method
from .text_values import (
    _TREE_BINARY,
    TEXT_PREVIEW,
    _binary_lines,
    _indent,
    _utf8_preview,
    plural,
    quote,
    string_text,
)

__all__ = ["method_fields", "method_argument_lines", "properties_fields", "table_compact", "message091_lines"]

#: Method arguments left out of a frame line unless ``--verbose``: the peers' property
#: tables, long and rarely telling (0-9-1 §1.4.2.1, §1.4.2.2).
_MINOR_ARGUMENTS = frozenset(("client_properties", "server_properties"))
_FRAME_BINARY = 16
#: Property spec names (``content-type``), in flag-bit order.
_PROPERTY_NAMES = {prop.name: prop.spec_name for prop in BASIC_PROPERTIES}


def _hex(data: bytes, limit: int | None) -> str:
    if limit is not None and len(data) > limit:
        return f"{data[:limit].hex()}... ({len(data)} bytes)"
    return data.hex()


def _text_limit(full: bool) -> int | None:
    return None if full else TEXT_PREVIEW


def _not_utf8(typed: dict[str, Any], full: bool) -> str:
    """The text of a JSON-form string flagged ``"utf8": false``: its bytes, escaped."""
    return string_text(bytes.fromhex(typed["hex"]).decode("utf-8", "surrogateescape"), _text_limit(full))


def _typed_compact(typed: dict[str, Any], full: bool) -> str:
    """A field value's JSON form (``{"type": letter, "value": ...}``) on one line."""
    letter, value = typed["type"], typed["value"]
    if typed.get("utf8") is False:
        return _not_utf8(typed, full)
    if letter == "F":
        return "{" + ", ".join(f"{quote(key)}: {_typed_compact(item, full)}" for key, item in value) + "}"
    if letter == "A":
        return "[" + ", ".join(_typed_compact(item, full) for item in value) + "]"
    if letter == "S":
        return string_text(value, _text_limit(full))
    if letter == "x":
        return f"<{_hex(bytes.fromhex(value), None if full else _FRAME_BINARY)}>"
    if letter == "T":
        return str(typed.get("iso", f"{value} (seconds since the Unix epoch)"))
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def table_compact(table: Any, *, full: bool) -> str:
    """A field table on one line: ``{"key": value, ...}``."""
    return _typed_compact({"type": "F", "value": table_to_json(table)}, full)


def _argument(kind: str, value: Any, full: bool) -> str:
    """One method argument or property value of spec domain ``kind``, on one line."""
    if kind == "table":
        return table_compact(value, full=full)
    if kind == "bit":
        return "true" if value else "false"
    if kind == "longstr":
        data = bytes(value)
        if data.isascii() and data.decode("ascii").isprintable():
            # text such as mechanisms="PLAIN AMQPLAIN"
            return string_text(data.decode("ascii"), _text_limit(full))
        return f"<{_hex(data, None if full else _FRAME_BINARY)}>"
    if kind == "shortstr":
        return string_text(value, _text_limit(full))
    if kind == "timestamp":
        return str(value_to_json(value).get("iso", f"{int(value)} (seconds since the Unix epoch)"))
    return str(int(value))


def method_fields(method: Method, *, full: bool, verbose: bool) -> str:
    """``spec-name=value`` for the arguments of a method frame's line (module docstring)."""
    parts = []
    for field in method.FIELDS:
        value = getattr(method, field.name)
        if not verbose and (
            field.name in _MINOR_ARGUMENTS or (field.default is not REQUIRED and value == field.default)
        ):
            continue
        parts.append(f"{field.spec_name}={_argument(field.type, value, full)}")
    return " ".join(parts)


def method_argument_lines(method: Method, *, full: bool) -> list[str]:
    """``--encodings``: every argument of a method (all are on the wire, 0-9-1 §4.2.5), as
    ``spec-name: domain value`` (``delivery-tag: longlong 7``), a table entry by entry
    with each value's field-table type letter."""
    lines: list[str] = []
    for field in method.FIELDS:
        value = getattr(method, field.name)
        if field.type == "table":
            entries = table_to_json(value)
            lines += [
                f"{field.spec_name}: table ({plural(len(entries), 'entry')})",
                *_indent(_entries(entries, full)),
            ]
        else:
            lines.append(f"{field.spec_name}: {field.type} {_argument(field.type, value, full)}")
    return lines


def properties_fields(properties: BasicProperties, *, full: bool) -> str:
    """``spec-name=value`` for each property present (a content header's line)."""
    return " ".join(
        f"{_PROPERTY_NAMES[name]}={_argument(kind, value, full)}"
        for name, kind, value in zip(properties._NAMES, properties._TYPES, properties.values())
        if value is not None
    )


# --------------------------------------------------------------------------- trees


def _typed_tree(typed: dict[str, Any], full: bool) -> list[str]:
    """A field value's JSON form as lines: ``letter value``; tables and arrays nested."""
    letter, value = typed["type"], typed["value"]
    if letter == "F":
        return [f"F ({plural(len(value), 'entry')})", *_indent(_entries(value, full))]
    if letter == "A":
        lines = [f"A ({plural(len(value), 'item')})"]
        for item in value:
            lines += _indent(_typed_tree(item, full))
        return lines
    if letter == "x":
        return [f"x {_hex(bytes.fromhex(value), None if full else _TREE_BINARY)}"]
    return [f"{letter} {_typed_compact(typed, full)}"]


def _entries(entries: list[list[Any]], full: bool) -> list[str]:
    lines: list[str] = []
    for key, typed in entries:
        first, *rest = _typed_tree(typed, full)
        lines += [f"{quote(key)}: {first}", *rest]
    return lines


def _property_lines(properties: BasicProperties, full: bool) -> list[str]:
    lines: list[str] = []
    for name, kind, value in zip(properties._NAMES, properties._TYPES, properties.values()):
        if value is None:
            continue
        label = _PROPERTY_NAMES[name]
        if kind == "table":
            entries = table_to_json(value)
            lines += [f"{label}: table ({plural(len(entries), 'entry')})", *_indent(_entries(entries, full))]
        else:
            lines.append(f"{label}: {kind} {_argument(kind, value, full)}")
    return lines


def message091_lines(message: Message, full: bool) -> list[str]:
    """An assembled content under its message line: ``properties`` (if any), then
    ``body (n bytes)`` as binary and, when it is printable UTF-8, as text."""
    lines: list[str] = []
    shown = _property_lines(message.properties, full)
    if shown:
        lines += ["properties", *_indent(shown)]
    body = message.body
    data = _binary_lines(body, full) if body else []
    preview = _utf8_preview(body, full)
    if preview is not None:
        data.append(f"utf-8 {preview}")
    lines += [f"body ({plural(len(body), 'byte')})", *_indent(data)]
    return lines
