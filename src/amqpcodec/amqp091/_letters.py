"""The field-table type letters: the one table both table codecs read.

AMQP 0-9-1 §4.2.5.5 ("Field Tables") gives each field value a one-octet type letter; the
RabbitMQ errata (§3, "Field types") changed some of them, and every current client and
broker reads them the errata's way.  The decoder accepts the union of both lists, with
the meaning RabbitMQ gives each letter:

====== ====================== =========================== ==============================
letter wire                   decodes to                  encoded from
====== ====================== =========================== ==============================
``t``  octet 0/1              ``bool``                    ``bool``
``b``  int8                   ``types.Byte``              that
``B``  uint8                  ``types.UByte``             that
``U``  int16 (spec only)      ``FieldValue('U', int)``    that
``s``  int16 (errata)         ``types.Short``             that
``u``  uint16                 ``types.UShort``            that
``I``  int32                  ``types.Int``               that
``i``  uint32                 ``types.UInt``              that
``L``  int64 (spec only)      ``FieldValue('L', int)``    that
``l``  int64, signed (errata) ``int``                     ``int`` (64-bit), ``types.Long``
``f``  float32                ``types.Float``             that
``d``  float64                ``float``                   ``float``
``D``  scale octet + int32    ``Decimal`` (exp -scale)    ``Decimal``
``S``  uint32 size + bytes    ``str`` (UTF-8)             ``str``
``x``  uint32 size + bytes    ``bytes``                   ``bytes``/``bytearray``/``memoryview``
``A``  uint32 size + values   ``list``                    ``list``, ``tuple``
``T``  uint64 seconds         ``amqp091.Timestamp``       that, an aware ``datetime``
``F``  uint32 size + table    ``dict``                    any ``Mapping`` (``str`` keys)
``V``  nothing                ``None``                    ``None``
====== ====================== =========================== ==============================

``A`` and ``F`` sizes count bytes, not items (errata §3).  ``t`` with an octet other
than 0 or 1 decodes to ``FieldValue('t', octet)`` and ``S`` that is not UTF-8 to
``FieldValue('S', bytes)``, so those re-encode unchanged too.

The table is plain data (letters, kinds, struct formats, widths, ranges, types) so a
compiled codec can be generated from or checked against it; the pure codec
(:mod:`amqpcodec.amqp091._tables`) builds its dispatch dictionaries from it at import.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from ..errors import EncodeError
from ..types import Byte, Float, Int, Long, Short, UByte, UInt, UShort
from .values import FieldValue, Timestamp

__all__ = [
    "Kind",
    "LetterSpec",
    "LETTERS",
    "LETTER_SPECS",
    "ENCODED_FROM",
    "INT32_MIN",
    "INT32_MAX",
    "MAX_SCALE",
    "MAX_KEY_BYTES",
    "DATETIME",
    "decimal_wire_parts",
]


class Kind(enum.Enum):
    """How a letter's value is laid out after the letter (§4.2.5.5, errata §3)."""

    BOOLEAN = "boolean"  # one octet, 0 false, 1 true
    INTEGER = "integer"  # a fixed-width big-endian integer
    FLOAT32 = "float32"  # IEEE 754 binary32
    FLOAT64 = "float64"  # IEEE 754 binary64
    DECIMAL = "decimal"  # scale octet, then a signed int32 of digits
    LONG_STRING = "long-string"  # uint32 size, then UTF-8 text
    BYTES = "bytes"  # uint32 size, then bytes
    ARRAY = "array"  # uint32 size in bytes, then letter-prefixed values
    TIMESTAMP = "timestamp"  # uint64 seconds since the epoch
    TABLE = "table"  # uint32 size in bytes, then (shortstr key, letter, value) entries
    VOID = "void"  # no bytes


class LetterSpec(NamedTuple):
    """One row of the letter table."""

    letter: str
    kind: Kind
    #: ``struct`` format of the fixed part after the letter (a size field for
    #: ``S x A F``); ``""`` for ``V``.
    fmt: str
    #: Bytes of that fixed part.
    width: int
    #: Integer kinds (and ``t``, ``T``): the range a ``FieldValue`` of this letter takes.
    minimum: int
    maximum: int
    #: What a decoded value is (for ``U`` and ``L``: ``FieldValue``).
    decodes_to: type
    #: Python types written with this letter (exact types; ``T`` also takes an aware
    #: ``datetime`` and ``F`` any ``Mapping``, which the encoder tests by ``isinstance``).
    encoded_from: tuple[type, ...]
    #: The errata's (RabbitMQ's) name of the type, for messages.
    meaning: str


def _row(
    letter: str,
    kind: Kind,
    fmt: str,
    width: int,
    bounds: tuple[int, int],
    decodes_to: type,
    encoded_from: tuple[type, ...],
    meaning: str,
) -> LetterSpec:
    return LetterSpec(letter, kind, fmt, width, bounds[0], bounds[1], decodes_to, encoded_from, meaning)


_NO_RANGE = (0, 0)
_I8 = (-(1 << 7), (1 << 7) - 1)
_I16 = (-(1 << 15), (1 << 15) - 1)
_I32 = (-(1 << 31), (1 << 31) - 1)
_I64 = (-(1 << 63), (1 << 63) - 1)

#: Every letter the decoder reads, in the order of the errata's table.
LETTERS: tuple[LetterSpec, ...] = (
    _row("t", Kind.BOOLEAN, ">B", 1, (0, 0xFF), bool, (bool,), "boolean"),
    _row("b", Kind.INTEGER, ">b", 1, _I8, Byte, (Byte,), "signed 8-bit"),
    _row("B", Kind.INTEGER, ">B", 1, (0, 0xFF), UByte, (UByte,), "unsigned 8-bit"),
    _row("U", Kind.INTEGER, ">h", 2, _I16, FieldValue, (), "signed 16-bit (spec only)"),
    _row("s", Kind.INTEGER, ">h", 2, _I16, Short, (Short,), "signed 16-bit"),
    _row("u", Kind.INTEGER, ">H", 2, (0, 0xFFFF), UShort, (UShort,), "unsigned 16-bit"),
    _row("I", Kind.INTEGER, ">i", 4, _I32, Int, (Int,), "signed 32-bit"),
    _row("i", Kind.INTEGER, ">I", 4, (0, 0xFFFFFFFF), UInt, (UInt,), "unsigned 32-bit"),
    _row("L", Kind.INTEGER, ">q", 8, _I64, FieldValue, (), "signed 64-bit (spec only)"),
    _row("l", Kind.INTEGER, ">q", 8, _I64, int, (int, Long), "signed 64-bit"),
    _row("f", Kind.FLOAT32, ">f", 4, _NO_RANGE, Float, (Float,), "32-bit float"),
    _row("d", Kind.FLOAT64, ">d", 8, _NO_RANGE, float, (float,), "64-bit float"),
    _row("D", Kind.DECIMAL, ">Bi", 5, _NO_RANGE, Decimal, (Decimal,), "decimal"),
    _row("S", Kind.LONG_STRING, ">I", 4, _NO_RANGE, str, (str,), "long string"),
    _row("x", Kind.BYTES, ">I", 4, _NO_RANGE, bytes, (bytes, bytearray, memoryview), "byte array"),
    _row("A", Kind.ARRAY, ">I", 4, _NO_RANGE, list, (list, tuple), "field array"),
    _row("T", Kind.TIMESTAMP, ">Q", 8, (0, (1 << 64) - 1), Timestamp, (Timestamp,), "timestamp"),
    _row("F", Kind.TABLE, ">I", 4, _NO_RANGE, dict, (dict,), "field table"),
    _row("V", Kind.VOID, "", 0, _NO_RANGE, type(None), (type(None),), "void"),
)

#: The rows by letter.
LETTER_SPECS: Mapping[str, LetterSpec] = {spec.letter: spec for spec in LETTERS}

#: The letter each Python type is written with: the "encoded from" column.  Only these
#: exact types (plus ``FieldValue``, an aware ``datetime`` for ``T`` and any other
#: ``Mapping`` for ``F``) encode; a subclass not listed (an ``IntEnum``, the 1.0
#: ``Symbol`` or ``Timestamp``) is refused, so nothing is written with a letter its
#: reader would misread.
ENCODED_FROM: Mapping[type, str] = {kind: spec.letter for spec in LETTERS for kind in spec.encoded_from}

INT32_MIN, INT32_MAX = _I32
#: The largest ``D`` scale: the scale is one unsigned octet (§4.2.5.5).
MAX_SCALE = 0xFF
#: A key is a short string (§4.2.5.3): at most 255 bytes of UTF-8.
MAX_KEY_BYTES = 0xFF

#: The ``datetime`` type ``T`` also encodes from (tested by ``isinstance``).
DATETIME = _dt.datetime


def decimal_wire_parts(value: Decimal) -> tuple[int, int]:
    """The ``D`` encoding of ``value``: ``(scale, digits)`` with ``value == digits * 10**-scale``.

    The exponent is kept (``1.00`` is scale 2, digits 100); a positive exponent is
    folded into the digits at scale 0 (``1E+2`` is written as 100; it decodes as
    ``Decimal('100')``).  ``EncodeError`` for NaN, infinities, a scale above 255 and
    digits outside the signed 32-bit range; ``-0`` is written as 0.
    """
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise EncodeError(f"Decimal('{value}') has no AMQP 0-9-1 encoding: field type 'D' is finite only")
    if len(digits) > 10:  # int32 has at most 10 digits; as_tuple() has no leading zeros
        raise EncodeError(
            f"Decimal('{value}') has {len(digits)} digits; field type 'D' holds a signed 32-bit "
            "number of digits (round it, e.g. with .quantize())"
        )
    number = 0
    for digit in digits:
        number = number * 10 + digit
    if exponent > 0:
        number *= 10**exponent if exponent <= 10 else 10**11
        exponent = 0
    if sign:
        number = -number
    scale = -exponent
    if scale > MAX_SCALE:
        raise EncodeError(
            f"Decimal('{value}') needs scale {scale}; field type 'D' holds a scale of 0 .. {MAX_SCALE}"
        )
    if not INT32_MIN <= number <= INT32_MAX:
        raise EncodeError(
            f"Decimal('{value}') has digits {number} at scale {scale}, outside field type 'D''s "
            f"signed 32-bit range (round it, e.g. with .quantize())"
        )
    return scale, number
