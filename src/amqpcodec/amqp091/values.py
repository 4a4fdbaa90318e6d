"""AMQP 0-9-1 value types that Python has no exact builtin for.

- :class:`Timestamp`: the 0-9-1 ``timestamp`` (spec §4.2.5.4, "Timestamps"; field-table
  letter ``T``): an unsigned 64-bit count of *seconds* since the Unix epoch, POSIX time
  (no leap seconds).  It is not the AMQP 1.0 :class:`amqpcodec.types.Timestamp`, which
  counts signed milliseconds; the two never convert into each other silently.
- :class:`FieldValue`: a field-table value pinned to one type letter (spec §4.2.5.5,
  "Field Tables", and RabbitMQ errata §3).  Decoders return one for what has no lossless
  plain Python form (the spec-only letters ``U`` and ``L``, ``t`` with an octet other
  than 0 or 1, ``S`` whose bytes are not UTF-8); encoders write one with exactly its
  letter, so a decoded table re-encodes to the same bytes.

Decisions: a :class:`FieldValue` checks its value against its letter when it is built
(``EncodeError`` for a value out of the letter's range, ``UnsupportedTypeError`` for a
value of the wrong type); integer values are stored as plain ``int``, ``f`` values as
:class:`amqpcodec.types.Float`, ``x`` and non-text ``S`` values as ``bytes``.  Array
(``A``) and table (``F``) values are checked for their container type only; their
contents are checked when the value is encoded.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import EncodeError, UnsupportedTypeError
from ..types import Float

__all__ = ["Timestamp", "FieldValue"]

# The letter table (``_letters``) names these classes as what letters decode to, so it
# imports this module; this module reads the table only when a FieldValue is built, by
# then both are loaded.  (Bound at the end of the module.)

_U64_MAX = 0xFFFFFFFFFFFFFFFF
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


class Timestamp(int):
    """Seconds since the Unix epoch, UTC: the 0-9-1 ``timestamp`` (§4.2.5.4), 0 .. 2**64-1.

    An ``int`` subclass: it compares and hashes as its number and does arithmetic as
    ``int``.  No unit is guessed: a value that a peer meant as milliseconds stays that
    number of "seconds".  ``to_datetime()`` of a value past ``datetime``'s range raises
    ``OverflowError`` (only when called, never while decoding).
    """

    #: No AMQP 1.0 encoding: the 1.0 encoders refuse it (``amqpcodec._seam.AMQP091_ONLY``).
    _AMQP091_ONLY = True

    __slots__ = ()

    def __new__(cls, value: int = 0) -> Timestamp:
        if type(value) is bool or not isinstance(value, int):
            raise UnsupportedTypeError(
                f"amqp091.Timestamp needs an int of seconds, not {type(value).__name__} "
                "(for a datetime use Timestamp.from_datetime)"
            )
        number = int(value)
        if not 0 <= number <= _U64_MAX:
            raise EncodeError(
                f"{number} is out of range for an AMQP 0-9-1 timestamp (unsigned 64-bit seconds, "
                f"0 .. {_U64_MAX})"
            )
        return int.__new__(cls, number)

    def to_datetime(self) -> _dt.datetime:
        """This instant as an aware UTC ``datetime``; ``OverflowError`` past its range."""
        try:
            return _EPOCH + _dt.timedelta(seconds=int(self))
        except OverflowError:
            raise OverflowError(f"{self!r} is outside datetime's range (year 1 .. 9999)") from None

    @classmethod
    def from_datetime(cls, value: _dt.datetime) -> Timestamp:
        """The timestamp of an aware ``datetime``, floored to whole seconds.

        A naive ``datetime`` is an :class:`~amqpcodec.errors.EncodeError` (its zone would
        be a guess); an instant before the epoch is one too (the type is unsigned).
        """
        if not isinstance(value, _dt.datetime):
            raise UnsupportedTypeError(
                f"Timestamp.from_datetime needs a datetime, not {type(value).__name__}"
            )
        if value.tzinfo is None or value.utcoffset() is None:
            raise EncodeError("a naive datetime has no zone; give it a tzinfo (e.g. timezone.utc)")
        delta = value - _EPOCH
        # timedelta keeps seconds and microseconds non-negative: days carry the sign,
        # so this floors for instants before the epoch too (and those are refused).
        seconds = delta.days * 86400 + delta.seconds
        if seconds < 0:
            raise EncodeError(
                f"{value.isoformat()} is before 1970-01-01T00:00:00Z; an AMQP 0-9-1 timestamp is unsigned"
            )
        return cls(seconds)

    def __repr__(self) -> str:
        return f"amqp091.Timestamp({int.__repr__(self)})"

    __str__ = int.__repr__

    def __reduce__(self) -> tuple[Any, ...]:
        return (Timestamp, (int(self),))


def _check_int(letter: str, value: Any) -> int:
    spec = _letters.LETTER_SPECS[letter]
    if not isinstance(value, int):
        raise UnsupportedTypeError(f"FieldValue({letter!r}, ...) needs an int, not {type(value).__name__}")
    number = int(value)
    low, high = spec.minimum, spec.maximum
    if not low <= number <= high:
        raise EncodeError(
            f"{number} is out of range for field type {letter!r} ({spec.meaning}, {low} .. {high})"
        )
    return number


def _check_value(letter: str, value: Any) -> Any:
    """``value`` as a :class:`FieldValue` of ``letter`` stores it; raises if it cannot be."""
    Kind = _letters.Kind
    kind = _letters.LETTER_SPECS[letter].kind
    if kind is Kind.INTEGER or kind is Kind.TIMESTAMP or kind is Kind.BOOLEAN:
        return _check_int(letter, value)
    if kind is Kind.FLOAT32:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UnsupportedTypeError(f"FieldValue('f', ...) needs a float, not {type(value).__name__}")
        return value if type(value) is Float else Float(value)
    if kind is Kind.FLOAT64:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UnsupportedTypeError(f"FieldValue('d', ...) needs a float, not {type(value).__name__}")
        return float(value)
    if kind is Kind.DECIMAL:
        if not isinstance(value, Decimal):
            raise UnsupportedTypeError(f"FieldValue('D', ...) needs a Decimal, not {type(value).__name__}")
        _letters.decimal_wire_parts(value)  # raises EncodeError when it does not fit
        return value
    if kind is Kind.LONG_STRING or kind is Kind.BYTES:
        if letter == "S" and isinstance(value, str):
            return str(value)
        if isinstance(value, (bytes, bytearray, memoryview)):
            return bytes(value)
        wanted = "str or bytes" if letter == "S" else "bytes"
        raise UnsupportedTypeError(f"FieldValue({letter!r}, ...) needs {wanted}, not {type(value).__name__}")
    if kind is Kind.ARRAY:
        if type(value) not in (list, tuple):
            raise UnsupportedTypeError(
                f"FieldValue('A', ...) needs a list or tuple, not {type(value).__name__}"
            )
        return value
    if kind is Kind.TABLE:
        if not isinstance(value, Mapping):
            raise UnsupportedTypeError(f"FieldValue('F', ...) needs a Mapping, not {type(value).__name__}")
        return value
    if value is not None:
        raise UnsupportedTypeError(f"FieldValue('V', ...) needs None, not {type(value).__name__}")
    return None


class FieldValue:
    """A field-table value written with exactly ``letter`` (§4.2.5.5; RabbitMQ errata §3).

    Frozen and slotted; equal only to a ``FieldValue`` of the same letter and an equal
    value; hashable when its value is.  ``letter`` is any letter the decoder reads
    (``t b B U s u I i L l f d D S x A T F V``); the value is checked against it now.
    """

    #: No AMQP 1.0 encoding: the 1.0 encoders refuse it (``amqpcodec._seam.AMQP091_ONLY``).
    _AMQP091_ONLY = True

    __slots__ = ("letter", "value")
    letter: str
    value: Any

    def __init__(self, letter: str, value: Any) -> None:
        if type(letter) is not str or letter not in _letters.LETTER_SPECS:
            known = " ".join(_letters.LETTER_SPECS)
            raise EncodeError(f"{letter!r} is not an AMQP 0-9-1 field type letter (one of {known})")
        _set_letter(self, letter)
        _set_value(self, _check_value(letter, value))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FieldValue is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("FieldValue is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldValue):
            return NotImplemented
        return (
            self.letter == other.letter
            and type(self.value) is type(other.value)
            and bool(self.value == other.value)
        )

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash((FieldValue, self.letter, self.value))

    def __repr__(self) -> str:
        return f"FieldValue({self.letter!r}, {self.value!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_new_field_value, (self.letter, self.value))


_set_letter = FieldValue.__dict__["letter"].__set__
_set_value = FieldValue.__dict__["value"].__set__


def _new_field_value(letter: str, value: Any) -> FieldValue:
    """Build a :class:`FieldValue` from parts already checked (decoders, unpickling)."""
    obj = object.__new__(FieldValue)
    _set_letter(obj, letter)
    _set_value(obj, value)
    return obj


from . import _letters  # noqa: E402  (see the note under __all__)
