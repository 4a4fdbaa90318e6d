"""Checks and conversions of 0-9-1 argument and property values, one per spec type.

Each converter takes the value and the path errors name (``basic.publish.routing_key``)
and returns what is stored: ``bool`` for bit, ``int`` for the integers (range-checked,
AMQP 0-9-1 §4.2.5.1), ``str`` of at most 255 UTF-8 bytes for shortstr (§4.2.5.3),
``bytes`` for longstr (``str`` is encoded as UTF-8), a ``dict`` copy of a mapping for
table (its contents are checked when it is written), ``Timestamp`` for timestamp
(§4.2.5.4).  A value of the wrong Python type is an ``UnsupportedTypeError``; a value
out of range an ``EncodeError``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import EncodeError, UnsupportedTypeError
from ._specmodel import INTEGER_MAX
from .values import Timestamp

__all__ = ["CHECKS", "PROPERTY_CHECKS", "SHORTSTR_MAX", "LONGSTR_MAX"]

#: The longest shortstr: its size is one octet (§4.2.5.3).
SHORTSTR_MAX = 255
#: The longest longstr: its size is a 32-bit unsigned integer (§4.2.5.3).
LONGSTR_MAX = INTEGER_MAX["long"]

Check = Callable[[Any, str], Any]


def _wrong_type(value: Any, path: str, expected: str) -> UnsupportedTypeError:
    return UnsupportedTypeError(f"expected {expected}, got {type(value).__name__}", path=path)


def check_bit(value: Any, path: str) -> bool:
    if value is True or value is False:
        return bool(value)
    raise _wrong_type(value, path, "bool")


def _integer(kind: str) -> Check:
    top = INTEGER_MAX[kind]

    def check(value: Any, path: str) -> int:
        if type(value) is not int and (not isinstance(value, int) or isinstance(value, bool)):
            raise _wrong_type(value, path, f"int ({kind})")
        number = int(value)
        if not 0 <= number <= top:
            raise EncodeError(f"{number} is out of range for {kind} (0 to {top})", path=path)
        return number

    check.__name__ = f"check_{kind}"
    return check


def check_shortstr(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(value, path, "str (shortstr)")
    text = value if type(value) is str else str.__str__(value)
    if len(text) > SHORTSTR_MAX // 4:  # may exceed 255 UTF-8 bytes: measure
        _check_short_bytes(_utf8(text, path), path)
    elif not text.isascii():
        _utf8(text, path)
    return text


def _utf8(value: str, path: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise EncodeError(f"not encodable as UTF-8: {error.reason}", path=path) from None


def _check_short_bytes(data: bytes, path: str) -> None:
    if len(data) > SHORTSTR_MAX:
        raise EncodeError(f"a shortstr holds at most {SHORTSTR_MAX} bytes, got {len(data)}", path=path)


def check_property_shortstr(value: Any, path: str) -> str | bytes:
    """A property shortstr: ``str``, or ``bytes`` for one that is not UTF-8 (RabbitMQ passes those)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        _check_short_bytes(data, path)
        return data
    return check_shortstr(value, path)


def check_longstr(value: Any, path: str) -> bytes:
    if type(value) is bytes:
        data = value
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    elif isinstance(value, str):
        data = _utf8(value, path)
    else:
        raise _wrong_type(value, path, "bytes or str (longstr)")
    if len(data) > LONGSTR_MAX:
        raise EncodeError(f"a longstr holds at most {LONGSTR_MAX} bytes", path=path)
    return data


def check_table(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _wrong_type(value, path, "a mapping (table)")
    return dict(value)


_check_longlong = _integer("timestamp")


def check_timestamp(value: Any, path: str) -> Timestamp:
    if type(value) is Timestamp:
        return value
    if isinstance(value, datetime.datetime):
        from_datetime = getattr(Timestamp, "from_datetime", None)
        if from_datetime is None:  # pragma: no cover (values.Timestamp provides it)
            raise _wrong_type(value, path, "Timestamp or int")
        try:
            stamp: Timestamp = from_datetime(value)
        except EncodeError as error:
            raise error._at(path) if not error.path else error from None
        return stamp
    return Timestamp(_check_longlong(value, path))


CHECKS: dict[str, Check] = {
    "bit": check_bit,
    "octet": _integer("octet"),
    "short": _integer("short"),
    "long": _integer("long"),
    "longlong": _integer("longlong"),
    "shortstr": check_shortstr,
    "longstr": check_longstr,
    "table": check_table,
    "timestamp": check_timestamp,
}

#: The same for content-header properties, whose shortstr may also be ``bytes``.
PROPERTY_CHECKS: dict[str, Check] = {**CHECKS, "shortstr": check_property_shortstr}
