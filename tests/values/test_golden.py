"""Golden vectors for the value codec (OASIS AMQP 1.0 Part 1 §1.2, §1.6).

Every hex literal below was worked out by hand from the specification, never produced
by our encoder.  Each vector is ``V(code, hex, value, canonical)``: ``code`` names the
outer constructor in :class:`amqpcodec._spec.Code` (so the hand-written bytes also check
the spec table), ``value`` is the exact expected Python value, and ``canonical`` is
``None`` when ``hex`` is what ``encode`` must write, else the hand-written canonical form
of the same value.  The module-level ``encode``/``decode`` are used, so the suite checks
whichever backend is live (the README runs it once per backend).
"""

from __future__ import annotations

import datetime as dt
import struct
import uuid
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from amqpcodec import (
    Array,
    Byte,
    Char,
    Decimal32,
    Decimal64,
    Decimal128,
    DecodeError,
    Described,
    EncodeError,
    Float,
    IncompleteError,
    Int,
    Long,
    Short,
    Symbol,
    Timestamp,
    TrailingBytesError,
    UByte,
    UInt,
    ULong,
    UShort,
    decode,
    encode,
)
from amqpcodec._spec import ENCODINGS, Code
from amqpcodec.testing import same_value


class V(NamedTuple):
    code: str
    hex: str
    value: Any
    canonical: str | None = None

    @property
    def data(self) -> bytes:
        return bytes.fromhex(self.hex)


def f64(bits: str) -> float:
    """The double with these 64 bits (to spell NaN payloads and signed zeros)."""
    return struct.unpack(">d", bytes.fromhex(bits))[0]  # type: ignore[no-any-return]


def h(*parts: str) -> str:
    return "".join(parts).replace(" ", "")


# §1.6.1 null
NULL = [V("NULL", "40", None)]

# §1.6.2 boolean: 0x41/0x42 canonical; 0x56 (one byte, 0x00 or 0x01) only in arrays.
BOOLEAN = [
    V("TRUE", "41", True),
    V("FALSE", "42", False),
    V("BOOLEAN", "56 01", True, canonical="41"),
    V("BOOLEAN", "56 00", False, canonical="42"),
]

# §1.6.3 ubyte, §1.6.4 ushort: one encoding each, network byte order.
UBYTE_USHORT = [
    V("UBYTE", "50 00", UByte(0)),
    V("UBYTE", "50 80", UByte(128)),
    V("UBYTE", "50 ff", UByte(255)),
    V("USHORT", "60 0000", UShort(0)),
    V("USHORT", "60 00ff", UShort(255)),
    V("USHORT", "60 0100", UShort(256)),
    V("USHORT", "60 ffff", UShort(65535)),
]

# §1.6.5 uint: uint0 0x43, smalluint 0x52 (0..255), uint 0x70.
UINT = [
    V("UINT0", "43", UInt(0)),
    V("SMALLUINT", "52 01", UInt(1)),
    V("SMALLUINT", "52 ff", UInt(255)),
    V("UINT", "70 00000100", UInt(256)),
    V("UINT", "70 7fffffff", UInt(2**31 - 1)),
    V("UINT", "70 80000000", UInt(2**31)),
    V("UINT", "70 ffffffff", UInt(2**32 - 1)),
    V("UINT", "70 00000000", UInt(0), canonical="43"),
    V("UINT", "70 00000001", UInt(1), canonical="52 01"),
    V("UINT", "70 000000ff", UInt(255), canonical="52 ff"),
    V("SMALLUINT", "52 00", UInt(0), canonical="43"),
]

# §1.6.6 ulong: ulong0 0x44, smallulong 0x53, ulong 0x80.
ULONG = [
    V("ULONG0", "44", ULong(0)),
    V("SMALLULONG", "53 01", ULong(1)),
    V("SMALLULONG", "53 ff", ULong(255)),
    V("ULONG", "80 0000000000000100", ULong(256)),
    V("ULONG", "80 00000000ffffffff", ULong(2**32 - 1)),
    V("ULONG", "80 7fffffffffffffff", ULong(2**63 - 1)),
    V("ULONG", "80 8000000000000000", ULong(2**63)),
    V("ULONG", "80 ffffffffffffffff", ULong(2**64 - 1)),
    V("ULONG", "80 0000000000000000", ULong(0), canonical="44"),
    V("ULONG", "80 0000000000000001", ULong(1), canonical="53 01"),
    V("SMALLULONG", "53 00", ULong(0), canonical="44"),
]

# §1.6.7 byte, §1.6.8 short: two's complement.
BYTE_SHORT = [
    V("BYTE", "51 00", Byte(0)),
    V("BYTE", "51 7f", Byte(127)),
    V("BYTE", "51 80", Byte(-128)),
    V("BYTE", "51 ff", Byte(-1)),
    V("SHORT", "61 0000", Short(0)),
    V("SHORT", "61 7fff", Short(32767)),
    V("SHORT", "61 8000", Short(-32768)),
    V("SHORT", "61 ffff", Short(-1)),
]

# §1.6.9 int: smallint 0x54 (-128..127), int 0x71.
INT = [
    V("SMALLINT", "54 00", Int(0)),
    V("SMALLINT", "54 7f", Int(127)),
    V("SMALLINT", "54 80", Int(-128)),
    V("SMALLINT", "54 ff", Int(-1)),
    V("INT", "71 00000080", Int(128)),
    V("INT", "71 ffffff7f", Int(-129)),
    V("INT", "71 000000ff", Int(255)),
    V("INT", "71 00000100", Int(256)),
    V("INT", "71 7fffffff", Int(2**31 - 1)),
    V("INT", "71 80000000", Int(-(2**31))),
    V("INT", "71 00000000", Int(0), canonical="54 00"),
    V("INT", "71 ffffffff", Int(-1), canonical="54 ff"),
]

# §1.6.10 long: smalllong 0x55, long 0x81; decodes to plain int.
LONG = [
    V("SMALLLONG", "55 00", 0),
    V("SMALLLONG", "55 7f", 127),
    V("SMALLLONG", "55 80", -128),
    V("SMALLLONG", "55 ff", -1),
    V("LONG", "81 0000000000000080", 128),
    V("LONG", "81 ffffffffffffff7f", -129),
    V("LONG", "81 00000000000000ff", 255),
    V("LONG", "81 0000000000000100", 256),
    V("LONG", "81 000000007fffffff", 2**31 - 1),
    V("LONG", "81 ffffffff80000000", -(2**31)),
    V("LONG", "81 00000000ffffffff", 2**32 - 1),
    V("LONG", "81 7fffffffffffffff", 2**63 - 1),
    V("LONG", "81 8000000000000000", -(2**63)),
    V("LONG", "81 0000000000000000", 0, canonical="55 00"),
    V("LONG", "81 ffffffffffffffff", -1, canonical="55 ff"),
]

# §1.6.11 float (IEEE 754 binary32), §1.6.12 double (binary64).  A float32 NaN widens to
# the double with the same sign and its 23 payload bits shifted up 29:
# 0x7fa00000 (signalling, payload 0x200000) -> 0x7ff4000000000000.
FLOATS = [
    V("FLOAT", "72 00000000", Float(0.0)),
    V("FLOAT", "72 80000000", Float(-0.0)),
    V("FLOAT", "72 3f800000", Float(1.0)),
    V("FLOAT", "72 3fc00000", Float(1.5)),
    V("FLOAT", "72 c0000000", Float(-2.0)),
    V("FLOAT", "72 3dcccccd", Float(0.1)),
    V("FLOAT", "72 7f7fffff", Float(3.4028234663852886e38)),
    V("FLOAT", "72 00000001", Float(1.401298464324817e-45)),
    V("FLOAT", "72 7f800000", Float(float("inf"))),
    V("FLOAT", "72 ff800000", Float(float("-inf"))),
    V("FLOAT", "72 7fc00000", Float(f64("7ff8000000000000"))),
    V("FLOAT", "72 ffc00001", Float(f64("fff8000020000000"))),
    V("FLOAT", "72 7fa00000", Float(f64("7ff4000000000000"))),
    V("DOUBLE", "82 0000000000000000", 0.0),
    V("DOUBLE", "82 8000000000000000", -0.0),
    V("DOUBLE", "82 3ff8000000000000", 1.5),
    V("DOUBLE", "82 3fb999999999999a", 0.1),
    V("DOUBLE", "82 7fefffffffffffff", 1.7976931348623157e308),
    V("DOUBLE", "82 0000000000000001", 5e-324),
    V("DOUBLE", "82 7ff0000000000000", float("inf")),
    V("DOUBLE", "82 fff0000000000000", float("-inf")),
    V("DOUBLE", "82 7ff8000000000000", f64("7ff8000000000000")),
    V("DOUBLE", "82 7ff4000000000001", f64("7ff4000000000001")),
    V("DOUBLE", "82 fff8000000000123", f64("fff8000000000123")),
]

# §1.6.13-15 decimal32/64/128, IEEE 754-2008 BID.  With k bits, p digits, bias b and
# t trailing bits: if the two bits after the sign are not 11, the next w+2 bits are the
# biased exponent and the low t+3 bits the coefficient; otherwise the biased exponent
# sits two bits lower and the coefficient is 0b100 followed by the low t+1 bits.
# Specials: 11110 after the sign is infinity, 11111 NaN (next bit set: signalling).
#
# decimal32 (p=7, bias=101, t=20):
#   1.5     = 15 x 10^-1, biased 100 = 0x64: 0x64 << 23 | 15 = 0x3200000F
#   0       = 0 x 10^0,   biased 101 = 0x65: 0x65 << 23      = 0x32800000
#   1.00    = 100 x 10^-2, biased 99 = 0x63: 0x31800000 | 0x64 = 0x31800064
#   9999999 = 0x98967F > 2^23-1, so the 11 form: 0b100 | 0x18967F (low 21 bits);
#             0b11 << 29 | 0x65 << 21 | 0x18967F = 0x60000000 | 0x0CA00000 | 0x18967F = 0x6CB8967F
#   8388607 = 2^23-1, the largest small-form coefficient: 0x32800000 | 0x7FFFFF = 0x32FFFFFF
#   8388608 = 0b100 << 21 exactly: 0x60000000 | 0x0CA00000 = 0x6CA00000
#   1E-101  : biased 0 -> 0x00000001;  1E+90: biased 191 = 0xBF -> 0xBF << 23 | 1 = 0x5F800001
#   9999999E+90: 0x60000000 | 0xBF << 21 (0x17E00000) | 0x18967F = 0x77F8967F
# decimal64 (p=16, bias=398 = 0x18E, t=50):
#   1 = 0x18E << 53 | 1 = 0x31C0000000000001
#   9999999999999999 = 0x2386F26FC0FFFF: 0b100 | low 51 bits 0x386F26FC0FFFF;
#     0b11 << 61 | 0x18E << 51 | 0x386F26FC0FFFF = 0x6C7386F26FC0FFFF
#   1E+369: biased 767 = 0x2FF -> 0x2FF << 53 | 1 = 0x5FE0000000000001
# decimal128 (p=34, bias=6176 = 0x1820, t=110): 10^34-1 < 2^113, so never the 11 form.
#   1 = 0x1820 << 113 | 1 = 0x3040 << 112 | 1;  1E+6111: biased 12287 = 0x2FFF -> 0x5FFE << 112 | 1
#   10^34-1 = 0x1ED09BEAD87C0378D8E63FFFFFFFF -> 0x3041ED09BEAD87C0378D8E63FFFFFFFF
D128_MAX = "ed09bead87c0378d8e63ffffffff"
DECIMALS = [
    V("DECIMAL32", "74 3200000f", Decimal32("1.5")),
    V("DECIMAL32", "74 b200000f", Decimal32("-1.5")),
    V("DECIMAL32", "74 32800000", Decimal32("0")),
    V("DECIMAL32", "74 b2800000", Decimal32("-0")),
    V("DECIMAL32", "74 32800001", Decimal32("1")),
    V("DECIMAL32", "74 31800064", Decimal32("1.00")),
    V("DECIMAL32", "74 32ffffff", Decimal32("8388607")),
    V("DECIMAL32", "74 6ca00000", Decimal32("8388608")),
    V("DECIMAL32", "74 6cb8967f", Decimal32("9999999")),
    V("DECIMAL32", "74 ecb8967f", Decimal32("-9999999")),
    V("DECIMAL32", "74 00000001", Decimal32("1E-101")),
    V("DECIMAL32", "74 00000000", Decimal32("0E-101")),
    V("DECIMAL32", "74 5f800001", Decimal32("1E+90")),
    V("DECIMAL32", "74 77f8967f", Decimal32("9.999999E+96")),
    V("DECIMAL32", "74 78000000", Decimal32("Infinity")),
    V("DECIMAL32", "74 f8000000", Decimal32("-Infinity")),
    V("DECIMAL32", "74 7c000000", Decimal32("NaN")),
    V("DECIMAL32", "74 fc000000", Decimal32("-NaN")),
    V("DECIMAL32", "74 7c00007b", Decimal32("NaN123")),
    V("DECIMAL32", "74 7e000000", Decimal32("sNaN")),
    # IEEE 754 §3.5.2: a coefficient above 10^p-1 is non-canonical and reads as zero
    # (0x6CBFFFFF: 0b100 | 0x1FFFFF = 10485759), a NaN payload >= 10^(p-1) as no
    # payload, and an infinity's trailing bits are ignored.
    V("DECIMAL32", "74 6cbfffff", Decimal32("0"), canonical="74 32800000"),
    V("DECIMAL32", "74 7c0f4240", Decimal32("NaN"), canonical="74 7c000000"),
    V("DECIMAL32", "74 78000001", Decimal32("Infinity"), canonical="74 78000000"),
    V("DECIMAL64", "84 31c0000000000001", Decimal64("1")),
    V("DECIMAL64", "84 31c0000000000000", Decimal64("0")),
    V("DECIMAL64", "84 b1c0000000000000", Decimal64("-0")),
    V("DECIMAL64", "84 31a000000000000f", Decimal64("1.5")),
    V("DECIMAL64", "84 6c7386f26fc0ffff", Decimal64("9999999999999999")),
    V("DECIMAL64", "84 0000000000000001", Decimal64("1E-398")),
    V("DECIMAL64", "84 5fe0000000000001", Decimal64("1E+369")),
    V("DECIMAL64", "84 7800000000000000", Decimal64("Infinity")),
    V("DECIMAL64", "84 f800000000000000", Decimal64("-Infinity")),
    V("DECIMAL64", "84 7c00000000000000", Decimal64("NaN")),
    V("DECIMAL64", "84 7e00000000000000", Decimal64("sNaN")),
    V("DECIMAL128", "94 30400000000000000000000000000001", Decimal128("1")),
    V("DECIMAL128", "94 30400000000000000000000000000000", Decimal128("0")),
    V("DECIMAL128", "94 b0400000000000000000000000000000", Decimal128("-0")),
    V("DECIMAL128", "94 303e000000000000000000000000000f", Decimal128("1.5")),
    V("DECIMAL128", h("94 3041", D128_MAX), Decimal128("9" * 34)),
    V("DECIMAL128", h("94 b041", D128_MAX), Decimal128("-" + "9" * 34)),
    V("DECIMAL128", "94 00000000000000000000000000000001", Decimal128("1E-6176")),
    V("DECIMAL128", "94 5ffe0000000000000000000000000001", Decimal128("1E+6111")),
    V("DECIMAL128", h("94 5fff", D128_MAX), Decimal128("9" * 34 + "E+6111")),
    V("DECIMAL128", "94 78000000000000000000000000000000", Decimal128("Infinity")),
    V("DECIMAL128", "94 f8000000000000000000000000000000", Decimal128("-Infinity")),
    V("DECIMAL128", "94 7c000000000000000000000000000000", Decimal128("NaN")),
    V("DECIMAL128", "94 7e000000000000000000000000000000", Decimal128("sNaN")),
]

# §1.6.16 char (UTF-32BE), §1.6.17 timestamp (signed ms since the epoch), §1.6.18 uuid.
CHAR_TIMESTAMP_UUID = [
    V("CHAR", "73 00000041", Char("A")),
    V("CHAR", "73 00000000", Char("\x00")),
    V("CHAR", "73 000000e9", Char("\u00e9")),
    V("CHAR", "73 0001f600", Char("\U0001f600")),
    V("CHAR", "73 0010ffff", Char("\U0010ffff")),
    V("TIMESTAMP", "83 0000000000000000", Timestamp(0)),
    # 2011-07-26T18:21:03.521Z = 1311704463521 ms = 0x13167ADB8A1 (the spec's example)
    V("TIMESTAMP", "83 0000013167adb8a1", Timestamp(1311704463521)),
    V("TIMESTAMP", "83 ffffffffffffffff", Timestamp(-1)),
    # 1969-12-31T00:00:00Z = -86400000 ms = -0x5265C00; 2^64 - 0x5265C00 = 0xFFFFFFFFFAD9A400
    V("TIMESTAMP", "83 fffffffffad9a400", Timestamp(-86400000)),
    V("TIMESTAMP", "83 7fffffffffffffff", Timestamp(2**63 - 1)),
    V("TIMESTAMP", "83 8000000000000000", Timestamp(-(2**63))),
    V("UUID", "98 00112233445566778899aabbccddeeff", uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")),
    V("UUID", "98 00000000000000000000000000000000", uuid.UUID(int=0)),
]

# §1.6.19 binary, §1.6.20 string (UTF-8), §1.6.21 symbol (ASCII): the 8-bit size form
# when the content is at most 255 bytes, else the 32-bit one.
VARIABLE = [
    V("VBIN8", "a0 00", b""),
    V("VBIN8", "a0 01 00", b"\x00"),
    V("VBIN8", "a0 03 ff0102", b"\xff\x01\x02"),
    V("VBIN8", h("a0 ff", "ab" * 255), b"\xab" * 255),
    V("VBIN32", h("b0 00000100", "ab" * 256), b"\xab" * 256),
    V("VBIN32", "b0 00000000", b"", canonical="a0 00"),
    V("VBIN32", "b0 00000001 00", b"\x00", canonical="a0 01 00"),
    V("VBIN32", h("b0 000000ff", "ab" * 255), b"\xab" * 255, canonical=h("a0 ff", "ab" * 255)),
    V("STR8", "a1 00", ""),
    V("STR8", "a1 01 61", "a"),
    V("STR8", "a1 02 c3a9", "\u00e9"),
    V("STR8", "a1 04 f09f9880", "\U0001f600"),
    V("STR8", h("a1 ff", "61" * 255), "a" * 255),
    # 85 x U+20AC (E2 82 AC) is 255 bytes; 86 is 258: the size counts bytes, not characters.
    V("STR8", h("a1 ff", "e282ac" * 85), "\u20ac" * 85),
    V("STR32", h("b1 00000102", "e282ac" * 86), "\u20ac" * 86),
    V("STR32", h("b1 00000100", "61" * 256), "a" * 256),
    V("STR32", "b1 00000000", "", canonical="a1 00"),
    V("STR32", "b1 00000001 61", "a", canonical="a1 01 61"),
    V("SYM8", "a3 00", Symbol("")),
    V("SYM8", "a3 01 61", Symbol("a")),
    V("SYM8", h("a3 ff", "73" * 255), Symbol("s" * 255)),
    V("SYM32", h("b3 00000100", "73" * 256), Symbol("s" * 256)),
    V("SYM32", "b3 00000000", Symbol(""), canonical="a3 00"),
    V("SYM32", "b3 00000001 61", Symbol("a"), canonical="a3 01 61"),
]

# §1.6.22 list, §1.2 compound encoding: constructor, size (counting the count field and
# the elements), count, elements.  list8 while size <= 255, so 254 bytes of elements is
# the last list8 and 255 the first list32.
LISTS = [
    V("LIST0", "45", []),
    V("LIST8", "c0 02 01 40", [None]),
    V("LIST8", "c0 03 01 55 01", [1]),
    V("LIST8", "c0 03 02 41 42", [True, False]),
    V("LIST8", "c0 04 03 45 43 44", [[], UInt(0), ULong(0)]),
    V("LIST8", "c0 0e 03 c0 02 01 40 c1 01 00 e0 04 02 52 01 02", [[None], {}, Array("uint", [1, 2])]),
    V("LIST8", h("c0 ff fe", "40" * 254), [None] * 254),
    V("LIST8", h("c0 ff 01 a1 fc", "61" * 252), ["a" * 252]),
    V("LIST32", h("d0 00000103 00000001 a1 fd", "61" * 253), ["a" * 253]),
    V("LIST32", h("d0 00000104 00000001 a1 fe", "61" * 254), ["a" * 254]),
    V("LIST32", h("d0 00000103 000000ff", "40" * 255), [None] * 255),
    V("LIST32", h("d0 00000104 00000100", "40" * 256), [None] * 256),
    V("LIST8", "c0 01 00", [], canonical="45"),
    V("LIST32", "d0 00000004 00000000", [], canonical="45"),
    V("LIST32", "d0 00000006 00000001 55 01", [1], canonical="c0 03 01 55 01"),
    V("LIST8", "c0 03 01 56 01", [True], canonical="c0 02 01 41"),
    V("LIST8", "c0 06 01 70 00000001", [UInt(1)], canonical="c0 03 01 52 01"),
]

# §1.6.23 map: a compound whose count is twice the number of pairs; order kept.
MAPS = [
    V("MAP8", "c1 01 00", {}),
    V("MAP8", "c1 06 02 a3 01 61 55 01", {Symbol("a"): 1}),
    V("MAP8", "c1 07 02 a1 01 6b a1 01 76", {"k": "v"}),
    V("MAP8", "c1 08 04 52 01 40 a1 01 61 41", {UInt(1): None, "a": True}),
    V(
        "MAP8",
        "c1 12 04 a3 01 75 70 00000100 a1 01 64 00 53 01 a3 01 78",
        {Symbol("u"): UInt(256), "d": Described(ULong(1), Symbol("x"))},
    ),
    V("MAP8", h("c1 ff 02 a3 01 6b a1 f9", "61" * 249), {Symbol("k"): "a" * 249}),
    V("MAP32", h("d1 00000103 00000002 a3 01 6b a1 fa", "61" * 250), {Symbol("k"): "a" * 250}),
    V("MAP32", h("d1 00000104 00000002 a3 01 6b a1 fb", "61" * 251), {Symbol("k"): "a" * 251}),
    V("MAP32", "d1 00000004 00000000", {}, canonical="c1 01 00"),
    V("MAP32", "d1 00000009 00000002 a3 01 61 55 01", {Symbol("a"): 1}, canonical="c1 06 02 a3 01 61 55 01"),
]

# §1.6.24 array, §1.2 array encoding: constructor, size, count, [0x00 descriptor],
# element constructor, then each element without its constructor.
ARRAYS = [
    V("ARRAY8", "e0 04 02 52 01 02", Array("uint", [1, 2])),
    V("ARRAY8", "e0 0a 02 70 00000001 00000100", Array("uint", [1, 256])),
    V("ARRAY8", "e0 02 00 52", Array("uint", [])),
    V("ARRAY8", "e0 04 02 53 00 ff", Array("ulong", [0, 255])),
    V("ARRAY8", "e0 0a 01 80 0000000000000100", Array("ulong", [256])),
    V("ARRAY8", "e0 04 02 54 ff 7f", Array("int", [-1, 127])),
    V("ARRAY8", "e0 06 01 71 00000080", Array("int", [128])),
    V("ARRAY8", "e0 03 01 55 80", Array("long", [-128])),
    V("ARRAY8", "e0 0a 01 81 7fffffffffffffff", Array("long", [2**63 - 1])),
    V("ARRAY8", "e0 04 02 50 00 ff", Array("ubyte", [0, 255])),
    V("ARRAY8", "e0 04 01 60 0001", Array("ushort", [1])),
    V("ARRAY8", "e0 03 01 51 ff", Array("byte", [-1])),
    V("ARRAY8", "e0 04 01 61 fffe", Array("short", [-2])),
    V("ARRAY8", "e0 06 01 72 3fc00000", Array("float", [1.5])),
    V("ARRAY8", "e0 0a 01 82 3ff8000000000000", Array("double", [1.5])),
    V("ARRAY8", "e0 06 01 74 3200000f", Array("decimal32", ["1.5"])),
    V("ARRAY8", "e0 0a 01 84 31c0000000000001", Array("decimal64", ["1"])),
    V("ARRAY8", "e0 12 01 94 30400000000000000000000000000001", Array("decimal128", ["1"])),
    V("ARRAY8", "e0 06 01 73 00000041", Array("char", ["A"])),
    V("ARRAY8", "e0 0a 01 83 ffffffffffffffff", Array("timestamp", [-1])),
    V(
        "ARRAY8",
        "e0 12 01 98 00112233445566778899aabbccddeeff",
        Array("uuid", [uuid.UUID(int=0x00112233445566778899AABBCCDDEEFF)]),
    ),
    V("ARRAY8", "e0 05 03 56 01 00 01", Array("boolean", [True, False, True])),
    V("ARRAY8", "e0 07 02 a1 01 61 02 62 63", Array("string", ["a", "bc"])),
    V("ARRAY8", "e0 05 02 a0 00 01 01", Array("binary", [b"", b"\x01"])),
    V("ARRAY8", "e0 05 02 a3 00 01 61", Array("symbol", ["", "a"])),
    V("ARRAY32", h("f0 00000109 00000001 b3 00000100", "61" * 256), Array("symbol", ["a" * 256])),
    V("ARRAY8", "e0 08 02 c0 01 00 03 01 55 01", Array("list", [[], [1]])),
    V("ARRAY8", "e0 0a 02 c1 01 00 05 02 a3 01 61 40", Array("map", [{}, {Symbol("a"): None}])),
    V("ARRAY8", "e0 09 02 e0 03 01 52 01 02 00 52", Array("array", [Array("uint", [1]), Array("uint", [])])),
    V("ARRAY8", "e0 07 01 00 53 77 a1 01 61", Array("string", ["a"], descriptor=0x77)),
    V("ARRAY8", "e0 09 01 00 a3 03 643a78 52 07", Array("uint", [7], descriptor="d:x")),
    V("ARRAY8", "e0 05 00 00 53 01 52", Array("uint", [], descriptor=1)),
    V("ARRAY8", "e0 09 02 00 53 28 c0 01 00 01 00", Array("list", [[], []], descriptor=0x28)),
    V("ARRAY8", "e0 02 00 a1", Array("string", [])),
    V("ARRAY8", "e0 02 00 c0", Array("list", [])),
    V("ARRAY8", "e0 02 00 56", Array("boolean", [])),
    V("ARRAY8", "e0 02 00 82", Array("double", [])),
    V("ARRAY8", "e0 02 03 40", Array("null", [None] * 3)),
    V("ARRAY8", "e0 02 ff 40", Array("null", [None] * 255)),
    V("ARRAY32", "f0 00000005 00000100 40", Array("null", [None] * 256)),
    V("ARRAY32", "f0 00000005 00010000 40", Array("null", [None] * 65536)),
    # 253 ubytes: size 1 + 1 + 253 = 255, the last array8; 254 ubytes: size 4 + 1 + 254 = 259.
    V("ARRAY8", h("e0 ff fd 50", "00" * 253), Array("ubyte", [0] * 253)),
    V("ARRAY32", h("f0 00000103 000000fe 50", "00" * 254), Array("ubyte", [0] * 254)),
    V("ARRAY32", h("f0 00000104 000000ff 56", "01" * 255), Array("boolean", [True] * 255)),
    # Zero-width element constructors (§1.2: an array's constructor may be any one):
    # nothing per element, so the count alone says how many.
    V("ARRAY8", "e0 02 03 41", Array("boolean", [True] * 3), canonical="e0 05 03 56 01 01 01"),
    V("ARRAY8", "e0 02 02 42", Array("boolean", [False] * 2), canonical="e0 04 02 56 00 00"),
    V("ARRAY8", "e0 02 02 43", Array("uint", [0, 0]), canonical="e0 04 02 52 00 00"),
    V("ARRAY8", "e0 02 02 44", Array("ulong", [0, 0]), canonical="e0 04 02 53 00 00"),
    V("ARRAY8", "e0 02 03 45", Array("list", [[], [], []]), canonical="e0 08 03 c0 01 00 01 00 01 00"),
    V(
        "ARRAY8",
        "e0 02 ff 41",
        Array("boolean", [True] * 255),
        canonical=h("f0 00000104 000000ff 56", "01" * 255),
    ),
    V("ARRAY8", "e0 0a 02 70 00000001 00000002", Array("uint", [1, 2]), canonical="e0 04 02 52 01 02"),
    V("ARRAY32", "f0 00000007 00000002 52 01 02", Array("uint", [1, 2]), canonical="e0 04 02 52 01 02"),
    V("ARRAY8", "e0 07 01 b3 00000001 61", Array("symbol", ["a"]), canonical="e0 04 01 a3 01 61"),
    V(
        "ARRAY8",
        "e0 0c 01 d0 00000006 00000001 55 01",
        Array("list", [[1]]),
        canonical="e0 06 01 c0 03 01 55 01",
    ),
    V(
        "ARRAY8",
        "e0 0e 01 00 80 0000000000000077 a1 01 61",
        Array("string", ["a"], descriptor=0x77),
        canonical="e0 07 01 00 53 77 a1 01 61",
    ),
]

# §1.2 described types: 0x00, a descriptor (any value; normally ulong or symbol), a value.
DESCRIBED = [
    V("DESCRIBED", "00 53 10 45", Described(ULong(0x10), [])),
    V("DESCRIBED", "00 44 40", Described(ULong(0), None)),
    V("DESCRIBED", "00 53 70 c0 03 01 52 01", Described(ULong(0x70), [UInt(1)])),
    V("DESCRIBED", "00 80 0000000000000100 40", Described(ULong(0x100), None)),
    # §1.4: a full-width descriptor is domain-id << 32 | descriptor-id.
    V("DESCRIBED", "00 80 0000013700000001 a1 00", Described(ULong(0x13700000001), "")),
    V("DESCRIBED", "00 a3 0e 616d71703a6f70656e3a6c697374 45", Described(Symbol("amqp:open:list"), [])),
    V("DESCRIBED", "00 53 01 00 53 02 40", Described(ULong(1), Described(ULong(2), None))),
    V("DESCRIBED", "00 52 10 45", Described(UInt(0x10), [])),
    V("DESCRIBED", "00 80 0000000000000010 45", Described(ULong(0x10), []), canonical="00 53 10 45"),
    V("DESCRIBED", "00 80 0000000000000000 40", Described(ULong(0), None), canonical="00 44 40"),
    V(
        "DESCRIBED",
        "00 b3 00000003 613a62 40",
        Described(Symbol("a:b"), None),
        canonical="00 a3 03 613a62 40",
    ),
]

GROUPS = {
    "null": NULL,
    "boolean": BOOLEAN,
    "ubyte-ushort": UBYTE_USHORT,
    "uint": UINT,
    "ulong": ULONG,
    "byte-short": BYTE_SHORT,
    "int": INT,
    "long": LONG,
    "float-double": FLOATS,
    "decimal": DECIMALS,
    "char-timestamp-uuid": CHAR_TIMESTAMP_UUID,
    "variable": VARIABLE,
    "list": LISTS,
    "map": MAPS,
    "array": ARRAYS,
    "described": DESCRIBED,
}
ALL = [v for group in GROUPS.values() for v in group]
CANONICAL = [v for v in ALL if v.canonical is None]
NON_CANONICAL = [v for v in ALL if v.canonical is not None]


def _id(v: V) -> str:
    text = v.hex.replace(" ", "")
    return text if len(text) <= 40 else f"{text[:32]}...{len(text) // 2}B"


@pytest.mark.parametrize("v", ALL, ids=_id)
def test_constructor_matches_spec_table(v: V) -> None:
    assert v.data[0] == Code[v.code]


@pytest.mark.parametrize("v", ALL, ids=_id)
def test_decode(v: V) -> None:
    got = decode(v.data)
    assert same_value(got, v.value), f"{got!r} != {v.value!r}"


@pytest.mark.parametrize("v", CANONICAL, ids=_id)
def test_encode_canonical(v: V) -> None:
    assert encode(v.value).hex() == v.data.hex()


@pytest.mark.parametrize("v", NON_CANONICAL, ids=_id)
def test_non_canonical_decodes_like_canonical(v: V) -> None:
    assert v.canonical is not None
    canonical = bytes.fromhex(v.canonical)
    assert canonical != v.data
    assert same_value(decode(v.data), decode(canonical))
    assert encode(v.value).hex() == canonical.hex()


def test_every_constructor_has_vectors() -> None:
    codes = {e.code for e in ENCODINGS} | {Code.DESCRIBED}
    decoded = {Code[v.code] for v in ALL}
    encoded = {Code[v.code] for v in CANONICAL}
    assert codes - decoded == set()
    assert codes - encoded == {Code.BOOLEAN}  # 0x56 is written only as an array element


# Accepted inputs that are not the decoded types (README value table, "encodes from"):
# they encode canonically and decode as their canonical type.
ENCODE_ONLY = [
    (0, "55 00"),
    (-128, "55 80"),
    (128, "81 0000000000000080"),
    (2**63 - 1, "81 7fffffffffffffff"),
    (-(2**63), "81 8000000000000000"),
    (2**63, "80 8000000000000000"),
    (2**64 - 1, "80 ffffffffffffffff"),
    (Long(5), "55 05"),
    (Long(-(2**63)), "81 8000000000000000"),
    ((1, "a"), "c0 06 02 55 01 a1 01 61"),
    ((), "45"),
    (bytearray(b"ab"), "a0 02 6162"),
    (memoryview(b"ab"), "a0 02 6162"),
    (Decimal("1.5"), "94 303e000000000000000000000000000f"),
    (Decimal("-0"), "94 b0400000000000000000000000000000"),
    (dt.datetime(2011, 7, 26, 18, 21, 3, 521999, tzinfo=dt.timezone.utc), "83 0000013167adb8a1"),
    (dt.datetime(1969, 12, 31, 23, 59, 59, 999500, tzinfo=dt.timezone.utc), "83 ffffffffffffffff"),
    (dt.datetime(1970, 1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))), "83 0000000000000000"),
    (Described(0x70, None), "00 53 70 40"),
    (Described(0x100, None), "00 80 0000000000000100 40"),
    (Described("a:b", None), "00 a3 03 613a62 40"),
    (Array("uint", [UInt(1)]), "e0 03 01 52 01"),
]


@pytest.mark.parametrize(
    ("value", "hexdata"), ENCODE_ONLY, ids=[f"{type(v).__name__}-{x}" for v, x in ENCODE_ONLY]
)
def test_encode_accepted_inputs(value: Any, hexdata: str) -> None:
    assert encode(value).hex() == bytes.fromhex(hexdata).hex()


def test_timestamp_extremes_decode_without_clamping() -> None:
    low = decode(bytes.fromhex("83 8000000000000000"))
    assert type(low) is Timestamp and int(low) == -(2**63)
    with pytest.raises(OverflowError):
        low.to_datetime()
    stamp = decode(bytes.fromhex("83 0000013167adb8a1"))
    assert stamp.to_datetime() == dt.datetime(2011, 7, 26, 18, 21, 3, 521000, tzinfo=dt.timezone.utc)


# Values that must not encode: no rounding, no clamping, no guessing (§1.6.13-15 ranges
# are p digits and exponents -bias .. emax-p+1; §1.6.6/§1.6.10 integer ranges).
ENCODE_ERRORS = [
    pytest.param(lambda: Decimal32("12345678"), id="decimal32 8 digits"),
    pytest.param(lambda: Decimal32("10000000"), id="decimal32 8 digits, exactly 1E+7"),
    pytest.param(lambda: Decimal32("1.2345678"), id="decimal32 8 digits after the point"),
    pytest.param(lambda: Decimal32("1E+91"), id="decimal32 exponent 91"),
    pytest.param(lambda: Decimal32("1E-102"), id="decimal32 exponent -102"),
    pytest.param(lambda: Decimal32("0E-102"), id="decimal32 zero exponent -102"),
    pytest.param(lambda: Decimal32("NaN1234567"), id="decimal32 NaN payload of 7 digits"),
    pytest.param(lambda: Decimal64("12345678901234567"), id="decimal64 17 digits"),
    pytest.param(lambda: Decimal64("1E+370"), id="decimal64 exponent 370"),
    pytest.param(lambda: Decimal64("1E-399"), id="decimal64 exponent -399"),
    pytest.param(lambda: Decimal128("1" * 35), id="decimal128 35 digits"),
    pytest.param(lambda: encode(Decimal("1" * 35)), id="plain Decimal 35 digits"),
    pytest.param(lambda: encode(Decimal("1E+6112")), id="plain Decimal exponent 6112"),
    pytest.param(lambda: encode(Decimal("1E-6177")), id="plain Decimal exponent -6177"),
    pytest.param(lambda: encode(2**64), id="int 2**64"),
    pytest.param(lambda: encode(-(2**63) - 1), id="int -2**63-1"),
    pytest.param(lambda: Long(2**63), id="Long 2**63"),
    pytest.param(lambda: Float(1e39), id="Float beyond float32"),
    pytest.param(lambda: encode(dt.datetime(2020, 1, 1)), id="naive datetime"),
    pytest.param(lambda: encode("\ud800"), id="lone surrogate"),
]


@pytest.mark.parametrize("make", ENCODE_ERRORS)
def test_encode_error(make: Any) -> None:
    with pytest.raises(EncodeError):
        make()


def test_encode_error_path() -> None:
    with pytest.raises(EncodeError) as info:
        encode([None, {"k": Described(1, 2**64)}])
    assert info.value.path == "[1]['k'].value"


# (hex, exact exception class, offset).  Offsets (context decisions): a fault in a
# value's bytes at the first byte after its constructor (an array element: its first
# byte); an unknown or missing constructor at its position; a duplicate or unhashable
# map key at the key's constructor.
DECODE_ERRORS = [
    pytest.param("", IncompleteError, 0, id="empty input"),
    pytest.param("70 000000", IncompleteError, 1, id="truncated uint"),
    pytest.param("a1 05 61", IncompleteError, 1, id="truncated str8"),
    pytest.param("c0 05 01 a1 03 61", IncompleteError, 1, id="truncated list8"),
    pytest.param("00 53", IncompleteError, 2, id="described value missing"),
    pytest.param("ff", DecodeError, 0, id="unknown constructor 0xff"),
    pytest.param("c0 02 01 ff", DecodeError, 3, id="unknown constructor in list"),
    pytest.param("c0 03 01 70 00 00 00 00", DecodeError, 4, id="element overruns list8 size"),
    pytest.param("c0 02 01", IncompleteError, 1, id="list8 size past input end"),
    pytest.param("c0 02 05 40", DecodeError, 1, id="list count above its bytes"),
    pytest.param("c1 02 01 40", DecodeError, 1, id="odd map count"),
    pytest.param("c1 0b 04 a3 01 61 55 01 a1 01 61 55 02", DecodeError, 8, id="duplicate key Symbol a / a"),
    pytest.param("c1 06 04 41 40 55 01 40", DecodeError, 5, id="duplicate key true / 1"),
    pytest.param("c1 03 02 45 40", DecodeError, 3, id="unhashable list key"),
    pytest.param("a1 01 ff", DecodeError, 1, id="invalid UTF-8 in str8"),
    pytest.param("a1 03 eda080", DecodeError, 1, id="UTF-8 surrogate in str8"),
    pytest.param("a3 01 80", DecodeError, 1, id="non-ASCII sym8"),
    pytest.param("e0 05 02 a1 00 01 ff", DecodeError, 5, id="invalid UTF-8 in array element"),
    pytest.param("56 02", DecodeError, 1, id="boolean 0x56 0x02"),
    pytest.param("e0 04 02 56 01 02", DecodeError, 5, id="boolean array element 0x02"),
    pytest.param("73 0000d800", DecodeError, 1, id="char surrogate"),
    pytest.param("73 00110000", DecodeError, 1, id="char above U+10FFFF"),
    pytest.param("e0 06 01 73 0000d800", DecodeError, 4, id="char array element surrogate"),
    pytest.param("e0 02 01 ff", DecodeError, 3, id="unknown array element constructor"),
]


@pytest.mark.parametrize(("hexdata", "cls", "offset"), DECODE_ERRORS)
def test_decode_error(hexdata: str, cls: type[DecodeError], offset: int) -> None:
    with pytest.raises(DecodeError) as info:
        decode(bytes.fromhex(hexdata))
    assert type(info.value) is cls
    assert info.value.offset == offset


def test_array_with_two_descriptors_is_rejected() -> None:
    with pytest.raises(DecodeError) as info:
        decode(bytes.fromhex("e0 08 01 00 53 01 00 53 02 40"))
    assert type(info.value) is DecodeError


@pytest.mark.parametrize(
    ("hexdata", "value", "offset"),
    [("40 40", None, 1), ("52 01 ff", UInt(1), 2), ("c0 02 01 40 45", [None], 4)],
)
def test_trailing_bytes(hexdata: str, value: Any, offset: int) -> None:
    with pytest.raises(TrailingBytesError) as info:
        decode(bytes.fromhex(hexdata))
    assert info.value.offset == offset
    assert same_value(info.value.value, value)
