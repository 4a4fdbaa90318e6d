"""The JSON form of AMQP values and composites (docs: messages, "The JSON form"), for ``to_dict()``
and the CLI's ``--json``.

Every value becomes ``{"type": <AMQP type name>, "value": ...}`` built from JSON types
only, so ``json.dumps`` needs no ``default=``:

- ubyte, ushort, uint, byte, short, int: a JSON number; long, ulong and timestamp:
  a decimal string (JSON numbers lose precision beyond 2**53), a timestamp also with
  ``"iso"`` (RFC 3339, UTC, milliseconds) when it is within ``datetime``'s range;
- float, double: a JSON number, or ``"NaN"``, ``"Infinity"``, ``"-Infinity"`` (NaN
  payloads are not kept); decimals: their string (``"1.00"``, ``"-0"``, ``"sNaN"``);
- char, string, symbol: the string; uuid: its canonical string; binary: lowercase hex;
- a string that is not UTF-8 (decoded with ``unicode_errors="surrogateescape"``, which
  keeps each bad byte as a surrogate U+DC80..U+DCFF) also has ``"utf8": false`` and
  ``"hex"``, its exact bytes in lowercase hex, and its ``"value"`` is those bytes
  decoded with U+FFFD for each bad sequence: valid Unicode that any JSON reader can
  show, while ``"hex"`` keeps the form lossless;
- list: a list of typed values; map: ``[[key, value], ...]`` in order, both typed;
  array: ``"element_type"``, ``"descriptor"`` if any, and typed items;
  described: ``"descriptor"`` and ``"value"``, both typed;
- a composite (header, properties, performatives, ...):
  ``{"type": <spec name>, "descriptor": <ulong>, "fields": {snake_case: typed}}``
  with absent fields omitted.

Each value is shown as the type it encodes as (docs: types, "Canonical encoding"): a plain
``int`` is a long (a ulong from 2**63), a plain ``Decimal`` a decimal128, an aware
``datetime`` a timestamp, a ``tuple`` a list, any ``Mapping`` a map, a value with
``__amqp__()`` (enum members such as ``Role``, message sections) what that returns.
A value with no encoding raises :class:`~amqpcodec.errors.EncodeError` with ``.path``.
One Python frame per nesting level, so values ``Limits.max_depth`` deep convert.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import uuid as _uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ._composite import Composite
from .errors import EncodeError, UnsupportedTypeError
from .types import (
    Array,
    Byte,
    Char,
    Decimal32,
    Decimal64,
    Decimal128,
    Described,
    Float,
    Int,
    Long,
    Short,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UShort,
)

__all__ = ["value_to_json", "composite_to_json"]

JSON = dict[str, Any]

_LONG_MIN, _LONG_MAX, _ULONG_MAX = -(2**63), 2**63 - 1, 2**64 - 1


def value_to_json(value: Any) -> JSON:
    """The JSON form of one AMQP value (module docstring)."""
    try:
        return _json(value)
    except RecursionError:
        raise EncodeError("nesting too deep for the JSON form (a container holding itself?)") from None


def composite_to_json(value: Composite) -> JSON:
    """The JSON form of a composite: ``{"type", "descriptor", "fields"}``, absent fields omitted."""
    try:
        return _composite(value)
    except RecursionError:
        raise EncodeError("nesting too deep for the JSON form (a container holding itself?)") from None


def _composite(value: Composite) -> JSON:
    fields: JSON = {}
    for name in value._NAMES:
        item = getattr(value, name)
        if item is not None:
            try:
                fields[name] = _json(item)
            except EncodeError as error:
                raise error._at(f".{name}") from None
    return {"type": value.SPEC.name, "descriptor": _json(value.DESCRIPTOR), "fields": fields}


def _typed(type_name: str) -> Callable[[Any], JSON]:
    def convert(value: Any) -> JSON:
        return {"type": type_name, "value": int(value)}

    return convert


def _text(type_name: str) -> Callable[[Any], JSON]:
    def convert(value: Any) -> JSON:
        return {"type": type_name, "value": str.__str__(value)}

    return convert


def _decimal(type_name: str) -> Callable[[Any], JSON]:
    def convert(value: Any) -> JSON:
        return {"type": type_name, "value": Decimal.__str__(value)}

    return convert


def _number(value: float) -> float | str:
    if math.isfinite(value):
        return float(value)
    if value != value:
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _null(value: Any) -> JSON:
    return {"type": "null", "value": None}


def _boolean(value: Any) -> JSON:
    return {"type": "boolean", "value": bool(value)}


def _ulong(value: Any) -> JSON:
    return {"type": "ulong", "value": str(int(value))}


def _long(value: Any) -> JSON:
    return {"type": "long", "value": str(int(value))}


def _plain_int(value: int) -> JSON:
    """A plain ``int`` encodes as a long, or as a ulong from 2**63 (docs: types, the value table)."""
    if _LONG_MIN <= value <= _LONG_MAX:
        return {"type": "long", "value": str(value)}
    if 0 < value <= _ULONG_MAX:
        return {"type": "ulong", "value": str(value)}
    raise EncodeError(f"{value} does not fit any AMQP integer type")


def _timestamp(value: Any) -> JSON:
    result: JSON = {"type": "timestamp", "value": str(int(value))}
    try:
        moment = Timestamp.to_datetime(value)
    except OverflowError:
        return result
    result["iso"] = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return result


def _datetime(value: _dt.datetime) -> JSON:
    return _timestamp(Timestamp.from_datetime(value))


def _float(value: Any) -> JSON:
    return {"type": "float", "value": _number(value)}


def _double(value: Any) -> JSON:
    return {"type": "double", "value": _number(value)}


def _plain_decimal(value: Decimal) -> JSON:
    return {"type": "decimal128", "value": Decimal.__str__(Decimal128(value))}


def _uuid_json(value: _uuid.UUID) -> JSON:
    return {"type": "uuid", "value": str(value)}


def _binary(value: Any) -> JSON:
    if type(value) is memoryview:
        return {"type": "binary", "value": value.tobytes().hex()}
    return {"type": "binary", "value": value.hex()}


#: The surrogates: a str holding one is not UTF-8 text (U+DC80..U+DCFF are the bytes
#: ``surrogateescape`` kept, PEP 383).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _string(value: str) -> JSON:
    if type(value) is not str:
        value = str.__str__(value)
    if not value.isascii() and _SURROGATE.search(value) is not None:
        return _not_utf8(value)
    return {"type": "string", "value": value}


def _not_utf8(value: str) -> JSON:
    """A string holding bytes that are not UTF-8 (module docstring): ``"utf8": false``
    and ``"hex"``.  Escaped bytes that do spell UTF-8 (a str built so, never one
    decoded) show as the text they encode; a str with surrogates outside U+DC80..U+DCFF,
    which has no encoding even with ``surrogateescape``, keeps the plain form."""
    try:
        raw = value.encode("utf-8", "surrogateescape")
        return {"type": "string", "value": raw.decode("utf-8")}  # escaped bytes that are UTF-8
    except UnicodeEncodeError:
        return {"type": "string", "value": value}
    except UnicodeDecodeError:
        return {"type": "string", "value": raw.decode("utf-8", "replace"), "utf8": False, "hex": raw.hex()}


#: Scalars by exact type; subclasses (enum members of ``UByte``, ``Symbol`` ...) use
#: their nearest base's entry, found once and cached.
_SCALARS: dict[type, Callable[[Any], JSON]] = {
    type(None): _null,
    bool: _boolean,
    UByte: _typed("ubyte"),
    UShort: _typed("ushort"),
    UInt: _typed("uint"),
    ULong: _ulong,
    Byte: _typed("byte"),
    Short: _typed("short"),
    Int: _typed("int"),
    Long: _long,
    int: _plain_int,
    Timestamp: _timestamp,
    _dt.datetime: _datetime,
    Float: _float,
    float: _double,
    Decimal32: _decimal("decimal32"),
    Decimal64: _decimal("decimal64"),
    Decimal128: _decimal("decimal128"),
    Decimal: _plain_decimal,
    Char: _text("char"),
    Symbol: _text("symbol"),
    str: _string,
    _uuid.UUID: _uuid_json,
    bytes: _binary,
    bytearray: _binary,
    memoryview: _binary,
}

_COMPOUND = (list, tuple, Array, Described, Composite)


def _scalar_for(cls: type) -> Callable[[Any], JSON] | None:
    for base in cls.__mro__[1:]:
        if base in _COMPOUND:
            return None
        convert = _SCALARS.get(base)
        if convert is not None:
            _SCALARS[cls] = convert
            return convert
    return None


def _json(value: Any) -> JSON:
    """One Python frame per nesting level: containers are walked inline, and the step
    that failed (``[index]``, ``[key]``, ``.descriptor``, ``.value``) is added to the
    error's path as it unwinds."""
    cls = type(value)
    convert = _SCALARS.get(cls) or _scalar_for(cls)
    if convert is not None:
        return convert(value)
    step = ""
    try:
        if isinstance(value, (list, tuple, Array)):
            items = []
            for index, item in enumerate(value):
                step = f"[{index}]"
                items.append(_json(item))
            if type(value) is not Array:
                return {"type": "list", "value": items}
            result: JSON = {"type": "array", "element_type": value.element_type}
            if value.descriptor is not None:
                step = ".descriptor"
                result["descriptor"] = _json(value.descriptor)
            result["value"] = items
            return result
        if isinstance(value, Described):
            step = ".descriptor"
            descriptor = _json(value.descriptor)
            step = ".value"
            return {"type": "described", "descriptor": descriptor, "value": _json(value.value)}
        if isinstance(value, Composite):
            return _composite(value)
        if hasattr(cls, "__amqp__"):
            return _json(value.__amqp__())
        if isinstance(value, Mapping):
            pairs = []
            for key, item in value.items():
                step = f"[{key!r}]"
                pairs.append([_json(key), _json(item)])
            return {"type": "map", "value": pairs}
    except EncodeError as error:
        raise error._at(step) from None
    raise UnsupportedTypeError(f"{cls.__name__} has no AMQP encoding")
