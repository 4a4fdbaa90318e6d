"""The two AMQP 0-9-1 field-table codecs side by side: the pure reference
(``amqp091._tables``) and its compiled twin (``_speedups``), §4.2.5.5 and RabbitMQ
errata §3.

For any bytes, both decoders give the same value (type for type, float bits, decimal
exponents, FieldValue letters) and the same end, or the same error (class, message,
``.offset``, ``.limit``); for any value, both encoders give the same bytes, or the same
error (class, message, ``.path``).  Skipped when the compiled backend is not built.
"""

from __future__ import annotations

import datetime as dt
import enum
import struct
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amqpcodec._backend import available_backends
from amqpcodec._seam import TableCodec091
from amqpcodec.amqp091._tables import TableRead
from amqpcodec.amqp091.strategies import field_tables, table_wire_bytes
from amqpcodec.amqp091.values import FieldValue, Timestamp
from amqpcodec.limits import DEFAULT_LIMITS, MAX_DEPTH_CEILING, Limits
from amqpcodec.types import Byte, Float, Int, Long, Short, Symbol, UByte, UInt, UShort
from tests.helpers.amqp091_tables import entry, nested_tables, sized, table
from tests.helpers.outcomes import outcome, same_outcome

_BACKENDS = available_backends()
pytestmark = pytest.mark.skipif(len(_BACKENDS) < 2, reason="the compiled backend is not built")

TIGHT = Limits(max_depth=3, max_container_items=4, max_map_entries=2, max_message_size=64)
LIMITS = [DEFAULT_LIMITS, TIGHT]


def codecs() -> tuple[TableCodec091, TableCodec091]:
    """(pure, compiled)."""
    return _BACKENDS[0].table091, _BACKENDS[1].table091


def agree(call: Callable[[TableCodec091], Any]) -> tuple[Any, ...]:
    """``call`` on both codecs: the same outcome asserted, the pure one returned."""
    pure, compiled = codecs()
    expected, found = outcome(lambda: call(pure)), outcome(lambda: call(compiled))
    assert same_outcome(expected, found), (expected, found)
    if expected[0] == "value" and isinstance(expected[1], TableRead):
        assert type(found[1]) is TableRead and expected[1].end == found[1].end
    return expected


def decode_both(
    data: Any, offset: int = 0, end: int | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[Any, ...]:
    stop = len(data) if end is None else end
    return agree(lambda codec: codec.read_table(data, offset, stop, limits))


def encode_both(
    value: Any, limits: Limits = DEFAULT_LIMITS, prefix: bytes = b"", path: str = ""
) -> tuple[Any, ...]:
    def write(codec: TableCodec091) -> bytes:
        out = bytearray(prefix)
        codec.write_table(out, value, limits, path)
        return bytes(out)

    return agree(write)


# --------------------------------------------------------------------------- generated


@given(table_wire_bytes(max_depth=3))
def test_generated_wire_bytes_decode_alike_and_reencode(wire: bytes) -> None:
    found = decode_both(wire)
    assert found[0] == "value"
    assert encode_both(found[1].value) == ("value", wire)


@given(field_tables(max_depth=3), st.sampled_from(LIMITS))
def test_generated_tables_encode_alike(value: dict[str, Any], limits: Limits) -> None:
    found = encode_both(value, limits)
    if found[0] == "value":
        decode_both(found[1], limits=limits)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """Generated table bytes with a few bytes changed, dropped, inserted or cut off."""
    out = bytearray(draw(table_wire_bytes(max_depth=3)))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["set", "delete", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "set" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "delete" and out:
            del out[at]
        elif kind == "insert":
            out.insert(at, draw(st.integers(0, 255)))
        else:
            del out[at:]
    return bytes(out)


@given(mutated(), st.sampled_from(LIMITS))
def test_mutated_bytes_give_the_same_outcome(wire: bytes, limits: Limits) -> None:
    decode_both(wire, limits=limits)


@given(st.binary(max_size=64), st.integers(0, 8), st.integers(0, 80))
def test_random_bytes_and_spans_give_the_same_outcome(data: bytes, offset: int, end: int) -> None:
    decode_both(data)
    decode_both(data, offset, min(end, len(data)))  # the contract: ``end`` within ``data``


@given(table_wire_bytes(), st.data())
def test_truncated_input_is_the_same_incomplete_error(wire: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(wire)))
    decode_both(wire, 0, cut)
    decode_both(wire[:cut])


@given(table_wire_bytes(), st.binary(max_size=8), st.binary(max_size=8))
def test_other_buffers_and_offsets(wire: bytes, before: bytes, after: bytes) -> None:
    framed = before + wire + after
    start, stop = len(before), len(before) + len(wire)
    found = decode_both(framed, start, stop)
    assert found[0] == "value" and found[1].end == stop
    decode_both(bytearray(framed), start, stop)
    decode_both(memoryview(framed), start, len(framed))
    decode_both(memoryview(framed)[1:], max(start - 1, 0), stop - 1)


def test_non_contiguous_and_wide_buffers() -> None:
    wire = table(entry(b"k", b"S" + sized(b"v")))
    decode_both(memoryview(wire + wire)[::2])
    decode_both(memoryview(bytes(16)).cast("I"), 0, 4)


# --------------------------------------------------------------------------- hand-written

#: One entry of every letter, written from §4.2.5.5 and the errata's table.
LETTER_VECTORS = [
    b"t\x00",
    b"t\x01",
    b"t\x07",  # octet other than 0/1: FieldValue('t', 7)
    b"b\x80",
    b"B\xff",
    b"U\x80\x00",
    b"s\xff\xfe",
    b"s\x01\x00",
    b"u\xff\xff",
    b"I\x80\x00\x00\x00",
    b"I\x00\x00\x01\x00",
    b"i\xff\xff\xff\xff",
    b"L\x80\x00\x00\x00\x00\x00\x00\x00",
    b"l\x7f\xff\xff\xff\xff\xff\xff\xff",
    b"l\xff\xff\xff\xff\xff\xff\xff\xff",
    b"f\x3f\xc0\x00\x00",
    b"f\x7f\x80\x00\x01",  # signalling NaN: payload kept
    b"f\xff\xc0\x12\x34",
    b"d\x40\x09\x21\xfb\x54\x44\x2d\x18",
    b"d\x7f\xf0\x00\x00\x00\x00\x00\x01",
    b"D\x02\x00\x00\x00\x64",  # 1.00
    b"D\x00\xff\xff\xff\xff",  # -1
    b"D\xff\x7f\xff\xff\xff",
    b"S\x00\x00\x00\x00",
    b"S\x00\x00\x00\x03abc",
    b"S\x00\x00\x00\x02\xc3\xa9",
    b"S\x00\x00\x00\x02\xff\xfe",  # not UTF-8: FieldValue('S', bytes)
    b"x\x00\x00\x00\x03\x00\x01\x02",
    b"A\x00\x00\x00\x00",
    b"A\x00\x00\x00\x07V" + b"S\x00\x00\x00\x01z",
    b"T\x00\x00\x00\x00\x65\x53\xf1\x00",
    b"T\xff\xff\xff\xff\xff\xff\xff\xff",
    b"F\x00\x00\x00\x00",
    b"F\x00\x00\x00\x03\x01kV",
    b"V",
]


@pytest.mark.parametrize("value_bytes", LETTER_VECTORS, ids=lambda v: repr(v[:1]))
def test_every_letter_decodes_alike_and_reencodes(value_bytes: bytes) -> None:
    wire = table(entry(b"key", value_bytes), entry(b"", value_bytes))
    found = decode_both(wire)
    assert found[0] == "value"
    assert encode_both(found[1].value) == ("value", wire)
    array = table(entry(b"a", b"A" + sized(value_bytes * 3)))
    found = decode_both(array)
    assert encode_both(found[1].value) == ("value", array)


@pytest.mark.parametrize(
    "wire",
    [
        b"",
        b"\x00\x00\x00",
        b"\x00\x00\x00\x09",  # size past the input
        table(b"\x05ab"),  # key past the table
        table(b"\x01k"),  # no room for the letter
        table(entry(b"k", b"Z")),  # unknown letter
        table(entry(b"k", b"\x00")),
        table(entry(b"\xff\xfe", b"V")),  # key not UTF-8
        table(entry(b"k", b"V"), entry(b"k", b"V")),  # duplicate key
        table(entry(b"k", b"I\x00\x00")),  # fixed value past the table
        table(entry(b"k", b"S\x00\x00")),  # size field past the table
        table(entry(b"k", b"S\x00\x00\x00\x05ab")),  # size past the table
        table(entry(b"k", b"A" + sized(b"I\x00"))),  # past the array
        table(entry(b"k", b"A" + sized(b"S\x00\x00\x00\x09"))),
        table(entry(b"k", b"A" + sized(b"Q"))),
        table(entry(b"k", b"F" + sized(b"\x01"))),
        table(entry(b"k", b"D\x01\x00")),
        table(entry(b"k", b"F\xff\xff\xff\xff")),
    ],
)
def test_malformed_tables_fail_alike(wire: bytes) -> None:
    for limits in LIMITS:
        assert decode_both(wire, limits=limits)[0] != "value"


def test_limits_on_decoding() -> None:
    three = table(entry(b"a", b"V"), entry(b"b", b"V"), entry(b"c", b"V"))
    assert decode_both(three, limits=TIGHT)[3] == "max_map_entries"
    five = table(entry(b"a", b"A" + sized(b"V" * 5)))
    assert decode_both(five, limits=TIGHT)[3] == "max_container_items"
    assert decode_both(nested_tables(4), limits=TIGHT)[3] == "max_depth"
    assert decode_both(nested_tables(3), limits=TIGHT)[0] == "value"
    # A duplicate key is reported before the entry count passes the limit.
    decode_both(table(entry(b"a", b"V"), entry(b"b", b"V"), entry(b"b", b"V")), limits=TIGHT)


def test_nesting_up_to_the_ceiling() -> None:
    deepest = Limits(max_depth=MAX_DEPTH_CEILING)
    assert decode_both(nested_tables(MAX_DEPTH_CEILING), limits=deepest)[0] == "value"
    assert decode_both(nested_tables(MAX_DEPTH_CEILING + 1), limits=deepest)[3] == "max_depth"
    arrays = b"V"
    for _ in range(MAX_DEPTH_CEILING):
        arrays = b"A" + sized(arrays)
    assert decode_both(table(entry(b"", arrays)), limits=deepest)[3] == "max_depth"
    value: dict[str, Any] = {}
    for _ in range(MAX_DEPTH_CEILING - 1):
        value = {"": value}
    assert encode_both(value, deepest)[0] == "value"
    assert encode_both({"": value}, deepest)[0] != "value"
    loop: list[Any] = []
    loop.append(loop)
    assert "deeper" in encode_both({"loop": loop}, deepest)[-1]


# --------------------------------------------------------------------------- encoding


class Color(enum.IntEnum):
    RED = 1


class Key(str, enum.Enum):
    NAME = "name"


class Headers(Mapping[str, Any]):
    def __init__(self, **items: Any) -> None:
        self._items = items

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


BAD_FLOAT = float.__new__(Float, 1e300)


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"k": True, "n": None, "s": "é" * 70, "b": b"\x00", "ba": bytearray(b"ab"), "mv": memoryview(b"cd")},
        {"ints": [0, -1, 2**63 - 1, -(2**63), Long(5), Byte(-1), UByte(255), Short(-300), UShort(300)]},
        {
            "more": (
                Int(-(2**31)),
                UInt(2**32 - 1),
                Timestamp(2**64 - 1),
                1.5,
                Float(0.1),
                Float(float("nan")),
            )
        },
        {"decimals": [Decimal("1.00"), Decimal("-0"), Decimal("1E+2"), Decimal("-2147483648")]},
        {"when": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)},
        {"fv": [FieldValue("U", -5), FieldValue("L", 2**40), FieldValue("t", 9), FieldValue("S", b"\xff")]},
        {
            "fv2": [
                FieldValue("f", 1.25),
                FieldValue("d", 2),
                FieldValue("A", (1,)),
                FieldValue("F", {"a": 1}),
            ]
        },
        {
            "fv3": [
                FieldValue("V", None),
                FieldValue("x", b"x"),
                FieldValue("T", 5),
                FieldValue("D", Decimal(1)),
            ]
        },
        OrderedDict([("b", 1), ("a", 2)]),
        MappingProxyType({"m": Headers(x=1)}),
        {Key.NAME: "key subclass", "k" * 255: 1, "é" * 127: 2},
        {"nested": {"a": [{"b": [1, "x", {"c": None}]}]}},
        # Refused, with the same path and message:
        {"big": 2**63},
        {"small": [1, -(2**63) - 1]},
        {"enum": Color.RED},
        {"symbol": Symbol("s")},
        {"naive": dt.datetime(2024, 1, 1)},
        {"early": dt.datetime(1969, 1, 1, tzinfo=dt.timezone.utc)},
        {"nan-decimal": Decimal("NaN")},
        {"wide-decimal": Decimal("12345678901")},
        {"surrogate": "\ud800"},
        {"\udc00": 1},
        {"k" * 256: 1},
        {"é" * 128: 1},
        {1: 1},
        {"set": {1}},
        {"bad-byte": int.__new__(Byte, 300)},
        {"bad-ushort": int.__new__(UShort, -1)},
        {"bad-uint": [int.__new__(UInt, 2**32)]},
        {"bad-timestamp": int.__new__(Timestamp, -1)},
        {"bad-float": BAD_FLOAT},
        {"deep": {"er": [0, {"x": object()}]}},
        [("not", "a mapping")],
        "text",
    ],
)
def test_values_encode_alike(value: Any) -> None:
    for limits in LIMITS:
        for path in ("", "headers"):
            encode_both(value, limits, path=path)


def test_the_output_bound_counts_what_out_held() -> None:
    value = {"k": "v" * 20}
    assert encode_both(value, TIGHT, prefix=b"p" * 30)[0] == "value"
    assert encode_both(value, TIGHT, prefix=b"p" * 40)[3] is None  # an EncodeError, no .limit
    assert encode_both({"a": [1, 2, 3, 4, 5]}, TIGHT)[0] != "value"
    assert encode_both({"a": 1, "b": 2, "c": 3}, TIGHT)[0] != "value"
    assert encode_both({"a": {"b": {"c": {}}}}, TIGHT)[0] != "value"


def test_float32_nan_payloads_encode_alike() -> None:
    for bits in (0x7F800001, 0xFFC01234, 0x7FFFFFFF):
        wire = table(entry(b"f", b"f" + struct.pack(">I", bits)))
        found = decode_both(wire)
        assert encode_both(found[1].value) == ("value", wire)
