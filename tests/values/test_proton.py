"""Cross-check of the value codec with Apache Qpid Proton's ``proton.Data``.

For every value Proton can represent (OASIS AMQP 1.0 Part 1 §1.6 primitives, §1.2
described values and arrays): (a) the bytes Proton encodes decode with our decoder to
the expected value, exactly typed; (b) our canonical bytes decoded by Proton give the
equal Proton value, exactly typed.  Proton writes wide forms (list32, map32, array32,
str32 elements, ...); we decode every encoding, so that is fine.  Where Proton and the
specification disagree, the specification wins and a comment says so.

Proton's decimals are raw IEEE 754-2008 BID bits, not numbers: ``proton.decimal32`` and
``decimal64`` are ``int`` subclasses holding the 32 or 64 bits, which Proton writes in
network order; ``decimal128`` is a ``bytes`` subclass holding the 16 bytes in wire order
(proton/_data.py, cproton.py ``py2decimal128``).  The BID values below are the
hand-worked ones of ``test_golden.py``.

Without python-qpid-proton (the ``interop`` extra) these tests skip, except under CI,
where a missing Proton is a failure.
"""

from __future__ import annotations

import os
import struct
import uuid
from typing import Any, NamedTuple

import pytest

from amqpcodec import (
    Array,
    Byte,
    Char,
    Decimal32,
    Decimal64,
    Decimal128,
    Described,
    Float,
    Int,
    Short,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UShort,
    decode,
    encode,
)
from amqpcodec.testing import same_value

if os.environ.get("CI"):
    import proton  # CI installs the interop extra: a missing Proton must fail there
else:
    proton = pytest.importorskip("proton")

pytestmark = pytest.mark.interop

P = proton
NONE = P.UNDESCRIBED
UUID = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
D128_ONE = bytes.fromhex("30400000000000000000000000000001")
D128_MAX = bytes.fromhex("3041ed09bead87c0378d8e63ffffffff")


def f64(bits: str) -> float:
    """The double with these 64 bits."""
    return struct.unpack(">d", bytes.fromhex(bits))[0]  # type: ignore[no-any-return]


class Row(NamedTuple):
    id: str
    proton: Any
    ours: Any


def parray(element_type: int, *elements: Any, descriptor: Any = NONE) -> Any:
    return P.Array(descriptor, element_type, *elements)


ROWS = [
    # §1.6.1-1.6.10 null, boolean, integers
    Row("null", None, None),
    Row("true", True, True),
    Row("false", False, False),
    Row("ubyte 0", P.ubyte(0), UByte(0)),
    Row("ubyte 255", P.ubyte(255), UByte(255)),
    Row("ushort 65535", P.ushort(65535), UShort(65535)),
    Row("uint 0", P.uint(0), UInt(0)),
    Row("uint 255", P.uint(255), UInt(255)),
    Row("uint 256", P.uint(256), UInt(256)),
    Row("uint 2**31-1", P.uint(2**31 - 1), UInt(2**31 - 1)),
    Row("uint 2**32-1", P.uint(2**32 - 1), UInt(2**32 - 1)),
    Row("ulong 0", P.ulong(0), ULong(0)),
    Row("ulong 255", P.ulong(255), ULong(255)),
    Row("ulong 256", P.ulong(256), ULong(256)),
    Row("ulong 2**63-1", P.ulong(2**63 - 1), ULong(2**63 - 1)),
    Row("ulong 2**64-1", P.ulong(2**64 - 1), ULong(2**64 - 1)),
    Row("byte -128", P.byte(-128), Byte(-128)),
    Row("byte 127", P.byte(127), Byte(127)),
    Row("short -32768", P.short(-32768), Short(-32768)),
    Row("int 0", P.int32(0), Int(0)),
    Row("int -128", P.int32(-128), Int(-128)),
    Row("int 128", P.int32(128), Int(128)),
    Row("int -2**31", P.int32(-(2**31)), Int(-(2**31))),
    Row("int 2**31-1", P.int32(2**31 - 1), Int(2**31 - 1)),
    Row("long 0", 0, 0),
    Row("long -129", -129, -129),
    Row("long 2**31", 2**31, 2**31),
    Row("long 2**63-1", 2**63 - 1, 2**63 - 1),
    Row("long -2**63", -(2**63), -(2**63)),
    # §1.6.11-12 float, double.  (Proton passes floats through C, which would quieten a
    # signalling NaN; the spec keeps every bit, and so do we: see the golden vectors.)
    Row("float 1.5", P.float32(1.5), Float(1.5)),
    Row("float -0.0", P.float32(-0.0), Float(-0.0)),
    Row("float 0.1", P.float32(Float(0.1)), Float(0.1)),
    Row("float inf", P.float32(float("inf")), Float(float("inf"))),
    Row("float NaN", P.float32(f64("7ff8000000000000")), Float(f64("7ff8000000000000"))),
    Row("double 0.1", 0.1, 0.1),
    Row("double -0.0", -0.0, -0.0),
    Row("double max", 1.7976931348623157e308, 1.7976931348623157e308),
    Row("double -inf", float("-inf"), float("-inf")),
    Row("double NaN", f64("7ff8000000000000"), f64("7ff8000000000000")),
    # §1.6.13-15 decimals (raw BID bits on Proton's side)
    Row("decimal32 1.5", P.decimal32(0x3200000F), Decimal32("1.5")),
    Row("decimal32 -0", P.decimal32(0xB2800000), Decimal32("-0")),
    Row("decimal32 9999999", P.decimal32(0x6CB8967F), Decimal32("9999999")),
    Row("decimal32 1E-101", P.decimal32(0x00000001), Decimal32("1E-101")),
    Row("decimal32 9.999999E+96", P.decimal32(0x77F8967F), Decimal32("9.999999E+96")),
    Row("decimal32 -Infinity", P.decimal32(0xF8000000), Decimal32("-Infinity")),
    Row("decimal32 NaN", P.decimal32(0x7C000000), Decimal32("NaN")),
    Row("decimal32 sNaN", P.decimal32(0x7E000000), Decimal32("sNaN")),
    Row("decimal64 1", P.decimal64(0x31C0000000000001), Decimal64("1")),
    Row("decimal64 9999999999999999", P.decimal64(0x6C7386F26FC0FFFF), Decimal64("9999999999999999")),
    Row("decimal64 1E+369", P.decimal64(0x5FE0000000000001), Decimal64("1E+369")),
    Row("decimal64 Infinity", P.decimal64(0x7800000000000000), Decimal64("Infinity")),
    Row("decimal128 1", P.decimal128(D128_ONE), Decimal128("1")),
    Row("decimal128 10**34-1", P.decimal128(D128_MAX), Decimal128("9" * 34)),
    Row("decimal128 NaN", P.decimal128(bytes.fromhex("7c" + "00" * 15)), Decimal128("NaN")),
    # §1.6.16-21 char, timestamp, uuid, binary, string, symbol
    Row("char A", P.char("A"), Char("A")),
    Row("char U+1F600", P.char("\U0001f600"), Char("\U0001f600")),
    Row("timestamp 1311704463521", P.timestamp(1311704463521), Timestamp(1311704463521)),
    Row("timestamp -1", P.timestamp(-1), Timestamp(-1)),
    Row("timestamp -2**63", P.timestamp(-(2**63)), Timestamp(-(2**63))),
    Row("timestamp 2**63-1", P.timestamp(2**63 - 1), Timestamp(2**63 - 1)),
    Row("uuid", UUID, UUID),
    Row("binary empty", b"", b""),
    Row("binary 255", b"\xab" * 255, b"\xab" * 255),
    Row("binary 256", b"\xab" * 256, b"\xab" * 256),
    Row("string empty", "", ""),
    Row("string 255", "a" * 255, "a" * 255),
    Row("string 256", "a" * 256, "a" * 256),
    Row("string non-ASCII", "\u00e9\u20ac\U0001f600", "\u00e9\u20ac\U0001f600"),
    Row("symbol empty", P.symbol(""), Symbol("")),
    Row("symbol 255", P.symbol("s" * 255), Symbol("s" * 255)),
    Row("symbol 256", P.symbol("s" * 256), Symbol("s" * 256)),
    # §1.6.22-23 list, map
    Row("list empty", [], []),
    Row(
        "list of every scalar",
        [
            None,
            True,
            P.ubyte(1),
            P.ushort(2),
            P.uint(3),
            P.ulong(4),
            P.byte(-5),
            P.short(-6),
            P.int32(-7),
            8,
            P.float32(1.5),
            2.5,
            P.char("x"),
            P.timestamp(9),
            UUID,
            b"b",
            "s",
            P.symbol("y"),
        ],
        [
            None,
            True,
            UByte(1),
            UShort(2),
            UInt(3),
            ULong(4),
            Byte(-5),
            Short(-6),
            Int(-7),
            8,
            Float(1.5),
            2.5,
            Char("x"),
            Timestamp(9),
            UUID,
            b"b",
            "s",
            Symbol("y"),
        ],
    ),
    Row("list of 254 nulls", [None] * 254, [None] * 254),
    Row("list of 255 nulls", [None] * 255, [None] * 255),
    Row("list 254 content bytes", ["a" * 252], ["a" * 252]),
    Row("list 255 content bytes", ["a" * 253], ["a" * 253]),
    Row("nested lists", [[], [[None]], {}], [[], [[None]], {}]),
    Row("map empty", {}, {}),
    Row(
        "map mixed keys",
        {P.symbol("a"): 1, "k": "v", P.ulong(7): None, P.uint(1): [P.int32(2)]},
        {Symbol("a"): 1, "k": "v", ULong(7): None, UInt(1): [Int(2)]},
    ),
    Row("map 254 content bytes", {P.symbol("k"): "a" * 249}, {Symbol("k"): "a" * 249}),
    Row("map 255 content bytes", {P.symbol("k"): "a" * 250}, {Symbol("k"): "a" * 250}),
    # §1.6.24 arrays
    Row("array uint narrow", parray(P.Data.UINT, P.uint(1), P.uint(255)), Array("uint", [1, 255])),
    Row("array uint wide", parray(P.Data.UINT, P.uint(1), P.uint(256)), Array("uint", [1, 256])),
    Row("array uint empty", parray(P.Data.UINT), Array("uint", [])),
    Row("array ulong", parray(P.Data.ULONG, P.ulong(0), P.ulong(2**64 - 1)), Array("ulong", [0, 2**64 - 1])),
    Row("array int", parray(P.Data.INT, P.int32(-1), P.int32(-129)), Array("int", [-1, -129])),
    Row("array long", parray(P.Data.LONG, -1, 2**63 - 1), Array("long", [-1, 2**63 - 1])),
    Row("array ubyte", parray(P.Data.UBYTE, P.ubyte(0), P.ubyte(255)), Array("ubyte", [0, 255])),
    Row("array short", parray(P.Data.SHORT, P.short(-2)), Array("short", [-2])),
    Row("array double", parray(P.Data.DOUBLE, 1.5, -0.0), Array("double", [1.5, -0.0])),
    Row("array float", parray(P.Data.FLOAT, P.float32(1.5)), Array("float", [1.5])),
    Row("array decimal32", parray(P.Data.DECIMAL32, P.decimal32(0x3200000F)), Array("decimal32", ["1.5"])),
    Row(
        "array decimal64",
        parray(P.Data.DECIMAL64, P.decimal64(0x31C0000000000001)),
        Array("decimal64", ["1"]),
    ),
    Row("array decimal128", parray(P.Data.DECIMAL128, P.decimal128(D128_ONE)), Array("decimal128", ["1"])),
    Row("array char", parray(P.Data.CHAR, P.char("A")), Array("char", ["A"])),
    Row("array timestamp", parray(P.Data.TIMESTAMP, P.timestamp(-1)), Array("timestamp", [-1])),
    Row("array uuid", parray(P.Data.UUID, UUID), Array("uuid", [UUID])),
    Row("array boolean", parray(P.Data.BOOL, True, False, True), Array("boolean", [True, False, True])),
    Row("array boolean empty", parray(P.Data.BOOL), Array("boolean", [])),
    Row("array null x3", parray(P.Data.NULL, None, None, None), Array("null", [None] * 3)),
    Row("array string", parray(P.Data.STRING, "a", "bc"), Array("string", ["a", "bc"])),
    Row("array string 256", parray(P.Data.STRING, "a" * 256), Array("string", ["a" * 256])),
    Row("array string empty", parray(P.Data.STRING), Array("string", [])),
    Row("array binary", parray(P.Data.BINARY, b"", b"\x01"), Array("binary", [b"", b"\x01"])),
    Row("array symbol", parray(P.Data.SYMBOL, P.symbol("a")), Array("symbol", ["a"])),
    Row("array list", parray(P.Data.LIST, [], [1]), Array("list", [[], [1]])),
    Row("array map", parray(P.Data.MAP, {}, {P.symbol("a"): None}), Array("map", [{}, {Symbol("a"): None}])),
    Row(
        "array array",
        parray(P.Data.ARRAY, parray(P.Data.UINT, P.uint(1)), parray(P.Data.UINT)),
        Array("array", [Array("uint", [1]), Array("uint", [])]),
    ),
    Row(
        "array described ulong",
        parray(P.Data.STRING, "a", "b", descriptor=P.ulong(0x77)),
        Array("string", ["a", "b"], descriptor=0x77),
    ),
    Row(
        "array described symbol",
        parray(P.Data.UINT, P.uint(7), descriptor=P.symbol("d:x")),
        Array("uint", [7], descriptor="d:x"),
    ),
    Row(
        "array described empty",
        parray(P.Data.LIST, descriptor=P.ulong(0x28)),
        Array("list", [], descriptor=0x28),
    ),
    # §1.2 described values
    Row("described smallulong", P.Described(P.ulong(0x10), []), Described(0x10, [])),
    Row("described ulong0", P.Described(P.ulong(0), None), Described(0, None)),
    Row("described ulong 0x100", P.Described(P.ulong(0x100), "v"), Described(0x100, "v")),
    Row(
        "described full-width ulong",
        P.Described(P.ulong(0x0000013700000001), [P.uint(1)]),
        Described(0x0000013700000001, [UInt(1)]),
    ),
    Row(
        "described symbol",
        P.Described(P.symbol("amqp:open:list"), ["c"]),
        Described(Symbol("amqp:open:list"), ["c"]),
    ),
    Row(
        "described nested",
        P.Described(P.ulong(1), P.Described(P.ulong(2), {P.symbol("k"): None})),
        Described(1, Described(2, {Symbol("k"): None})),
    ),
    Row(
        "list of described",
        [P.Described(P.ulong(0x24), []), P.Described(P.symbol("x"), P.uint(0))],
        [Described(0x24, []), Described("x", UInt(0))],
    ),
]


def proton_same(a: Any, b: Any) -> bool:
    """Exact-type equality of Proton values at every depth; floats bitwise."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack(">d", a) == struct.pack(">d", b)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(proton_same, a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            proton_same(ka, kb) and proton_same(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, P.Described):
        return proton_same(a.descriptor, b.descriptor) and proton_same(a.value, b.value)
    if isinstance(a, P.Array):
        return (
            a.type == b.type
            and (a.descriptor is b.descriptor or proton_same(a.descriptor, b.descriptor))
            and len(a.elements) == len(b.elements)
            and all(map(proton_same, a.elements, b.elements))
        )
    return bool(a == b)


def proton_encode(value: Any) -> bytes:
    data = P.Data()
    data.put_object(value)
    return data.encode()  # type: ignore[no-any-return]


def proton_decode(raw: bytes) -> Any:
    data = P.Data()
    consumed = data.decode(raw)
    assert consumed == len(raw)
    data.rewind()
    assert data.next() is not None
    value = owned(data.get_object())
    assert data.next() is None
    return value


def owned(value: Any) -> Any:
    """``value`` with each binary copied to ``bytes``.

    Proton 0.40 returns a binary as a ``memoryview`` of the ``Data`` object's own
    buffer (cproton ``bytes2py``), which dangles once that ``Data`` is freed.
    """
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, list):
        return [owned(v) for v in value]
    if isinstance(value, dict):
        return {owned(k): owned(v) for k, v in value.items()}
    if isinstance(value, P.Described):
        return P.Described(owned(value.descriptor), owned(value.value))
    if isinstance(value, P.Array):
        return P.Array(owned(value.descriptor), value.type, *map(owned, value.elements))
    return value


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_proton_bytes_decode_to_our_value(row: Row) -> None:
    raw = proton_encode(row.proton)
    got = decode(raw)
    assert same_value(got, row.ours), f"{raw.hex()}: {got!r} != {row.ours!r}"


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_our_bytes_decode_in_proton(row: Row) -> None:
    raw = encode(row.ours)
    got = proton_decode(raw)
    assert proton_same(got, row.proton), f"{raw.hex()}: {got!r} != {row.proton!r}"


def test_proton_round_trips_our_values_through_its_own_encoding() -> None:
    """Our bytes -> Proton -> Proton's bytes -> our decoder: nothing lost on the way."""
    for row in ROWS:
        data = P.Data()
        data.decode(encode(row.ours))
        assert same_value(decode(data.encode()), row.ours), row.id
