"""Round-trip properties of the value codec (Part 1 §1.2, §1.6; README "Values").

- ``decode(encode(v))`` is ``v`` with the same types at every depth, for every value
  built from the "decodes to" column, and ``encode`` is canonical: decoding and
  re-encoding its output gives the same bytes.
- Other accepted inputs (tuple, bytearray, memoryview, plain ``Decimal``, ``Long``,
  aware ``datetime``, plain ``int`` >= 2**63) come back as their canonical type.
- ``decode_prefix`` reports where a value ends; every contiguous buffer type decodes
  like ``bytes``, also as a slice of a larger buffer, and decoded values never share
  memory with the input.

The module-level ``encode``/``decode`` test the live backend (the suite runs once per
backend); the ``any_backend`` tests call each importable backend's functions directly.
"""

from __future__ import annotations

import array
import datetime as dt
import struct
import uuid
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amqpcodec import (
    DEFAULT_LIMITS,
    Array,
    Byte,
    Char,
    Decimal128,
    Described,
    Float,
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
    decode_prefix,
    encode,
)
from amqpcodec import strategies as ast
from amqpcodec._backend import Backend
from amqpcodec._spec import TYPE_NAMES, Code
from amqpcodec.testing import same_value
from amqpcodec.types import float32_bits_to_double

#: The ``any_backend`` fixture only hands out a module, so sharing it across examples is safe.
with_fixture = settings(
    suppress_health_check=[*settings.default.suppress_health_check, HealthCheck.function_scoped_fixture]
)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


# --- the value mapping ------------------------------------------------------------------


@given(ast.values())
def test_values_round_trip_with_their_types(value: Any) -> None:
    assert same_value(decode(encode(value)), value)


@given(ast.values())
def test_encoding_is_canonical(value: Any) -> None:
    data = encode(value)
    assert encode(decode(data)) == data


@pytest.mark.parametrize("type_name", TYPE_NAMES)
@settings(max_examples=40)
@given(data=st.data())
def test_each_type_round_trips(type_name: str, data: st.DataObject) -> None:
    value = data.draw(ast.of_type(type_name), label=type_name)
    encoded = encode(value)
    assert same_value(decode(encoded), value)
    assert encode(decode(encoded)) == encoded
    as_array = Array(type_name, [value, value])
    assert same_value(decode(encode(as_array)), as_array)


@with_fixture
@given(value=ast.values())
def test_each_backend_round_trips(any_backend: Backend, value: Any) -> None:
    data = any_backend.encode(value, DEFAULT_LIMITS)
    assert data == encode(value)
    decoded, end = any_backend.decode_prefix(data, 0, DEFAULT_LIMITS)
    assert end == len(data)
    assert same_value(decoded, value)


def _nulls(count: int) -> list[None]:
    return [None] * count


# (value, the constructor ``encode`` must choose, and for an array its element
# constructor): each sits on one side of an 8-bit/32-bit boundary (README
# "Canonical encoding"; array elements share the constructor the largest one needs).
BOUNDARIES: list[tuple[Any, int, int | None]] = [
    ("x" * 255, Code.STR8, None),
    ("x" * 256, Code.STR32, None),
    ("é" * 128, Code.STR32, None),
    (b"\x00" * 255, Code.VBIN8, None),
    (b"\x00" * 256, Code.VBIN32, None),
    (Symbol("s" * 255), Code.SYM8, None),
    (Symbol("s" * 256), Code.SYM32, None),
    ([], Code.LIST0, None),
    (_nulls(254), Code.LIST8, None),
    (_nulls(255), Code.LIST32, None),
    ({}, Code.MAP8, None),
    ({UInt(i): None for i in range(1, 85)}, Code.MAP8, None),  # count field + 84 * 3 bytes = 253
    ({UInt(i): None for i in range(1, 86)}, Code.MAP32, None),  # 256
    ({UInt(i): None for i in range(128)}, Code.MAP32, None),  # count 256
    (Array("null", _nulls(255)), Code.ARRAY8, Code.NULL),
    (Array("null", _nulls(256)), Code.ARRAY32, Code.NULL),
    (Array("ubyte", [UByte(1)] * 253), Code.ARRAY8, Code.UBYTE),
    (Array("ubyte", [UByte(1)] * 254), Code.ARRAY32, Code.UBYTE),
    (Array("uint", [UInt(255)] * 3), Code.ARRAY8, Code.SMALLUINT),
    (Array("uint", [UInt(255), UInt(256)]), Code.ARRAY8, Code.UINT),
    (Array("string", ["x" * 255, ""]), Code.ARRAY32, Code.STR8),
    (Array("string", ["x" * 256]), Code.ARRAY32, Code.STR32),
    (Array("list", [_nulls(254)]), Code.ARRAY32, Code.LIST8),
    (Array("list", [_nulls(255)]), Code.ARRAY32, Code.LIST32),
    (Array("map", [{}, {Symbol("k"): "v" * 300}]), Code.ARRAY32, Code.MAP32),
    (Array("array", [Array("null", _nulls(300)), Array("uint", [])]), Code.ARRAY8, Code.ARRAY32),
    ([_nulls(300), "y" * 300, Array("string", ["z" * 300])], Code.LIST32, None),
    (Described(Symbol("d" * 300), b"\x01" * 300), Code.DESCRIBED, None),
]


@pytest.mark.parametrize(
    ("value", "code", "element_code"), BOUNDARIES, ids=[f"{i}-{e[1].name}" for i, e in enumerate(BOUNDARIES)]
)
def test_size_boundaries_round_trip(value: Any, code: Code, element_code: Code | None) -> None:
    data = encode(value)
    assert data[0] == code
    if element_code is not None:
        assert data[3 if code == Code.ARRAY8 else 9] == element_code
    assert same_value(decode(data), value)
    assert encode(decode(data)) == data


# --- other accepted inputs ------------------------------------------------------------------


def _floor_ms(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(milliseconds=1)


_zones = st.one_of(
    st.just(dt.timezone.utc),
    st.integers(-23 * 60 + 1, 23 * 60 - 1).map(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))),
)

#: (input, what it decodes back to): every input that is not already canonical.
_noncanonical_leaves = st.one_of(
    ast.primitives().map(lambda v: (v, v)),
    st.binary(max_size=8).map(lambda b: (bytearray(b), b)),
    st.binary(max_size=8).map(lambda b: (memoryview(b), b)),
    ast.amqp_decimal128().map(lambda d: (Decimal(d), d)),
    ast.amqp_long().map(lambda i: (Long(i), i)),
    st.integers(2**63, 2**64 - 1).map(lambda i: (i, ULong(i))),
    st.datetimes(timezones=_zones).map(lambda moment: (moment, Timestamp(_floor_ms(moment)))),
)


def _unzip(pairs: list[tuple[Any, Any]]) -> tuple[list[Any], list[Any]]:
    return [given for given, _ in pairs], [expected for _, expected in pairs]


def _noncanonical_containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    pair_lists = st.lists(children, max_size=4).map(_unzip)
    return st.one_of(
        pair_lists,
        pair_lists.map(lambda pair: (tuple(pair[0]), pair[1])),
        st.dictionaries(ast.map_keys(), children, max_size=4).map(
            lambda d: ({k: v[0] for k, v in d.items()}, {k: v[1] for k, v in d.items()})
        ),
        st.builds(
            lambda d, pair: (Described(d, pair[0]), Described(d, pair[1])), ast.descriptors(), children
        ),
    )


noncanonical = st.recursive(_noncanonical_leaves, _noncanonical_containers, max_leaves=8)


@given(noncanonical)
def test_other_inputs_come_back_canonical(pair: tuple[Any, Any]) -> None:
    given_value, expected = pair
    data = encode(given_value)
    assert data == encode(expected)
    assert same_value(decode(data), expected)


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        ((), []),
        ((1, (2,)), [1, [2]]),
        (bytearray(b"ab"), b"ab"),
        (memoryview(b"abcd")[1:3], b"bc"),
        (memoryview(array.array("H", [1, 2])), array.array("H", [1, 2]).tobytes()),
        (Decimal("1.0"), Decimal128("1.0")),
        (Decimal("-0"), Decimal128("-0")),
        (Long(-5), -5),
        (2**63, ULong(2**63)),
        (2**64 - 1, ULong(2**64 - 1)),
        (dt.datetime(1970, 1, 1, 0, 0, 0, 999, tzinfo=dt.timezone.utc), Timestamp(0)),
        (dt.datetime(1969, 12, 31, 23, 59, 59, 999_500, tzinfo=dt.timezone.utc), Timestamp(-1)),
        (dt.datetime(1970, 1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))), Timestamp(0)),
        (Described(5, "x"), Described(ULong(5), "x")),
        (Described("name", None), Described(Symbol("name"), None)),
    ],
)
def test_examples_of_other_inputs(given_value: Any, expected: Any) -> None:
    assert same_value(decode(encode(given_value)), expected)


# --- every valid encoding decodes -------------------------------------------------------------
#
# A second, hand-written encoder that picks any valid form the spec allows (wide and
# narrow constructors, 0x56 booleans, list8/list32 for small lists, zero-width array
# element constructors, ...), written from §1.2 and §1.6 without our encoder.

Wire = tuple[bytes, Any]  # (bytes, the value they decode to)


def _sized(draw: st.DrawFn, code8: int, code32: int, body: bytes, count: int | None = None) -> bytes:
    """``body`` behind a size (and count) field, in the 8-bit form when it fits and the
    caller's draw picks it, else the 32-bit one (§1.2: size counts the count field)."""
    head = b"" if count is None else b"c"
    fits = len(body) + len(head) <= 0xFF and (count is None or count <= 0xFF)
    if fits and draw(st.booleans()):
        return bytes([code8, len(body) + len(head)]) + (b"" if count is None else bytes([count])) + body
    if count is None:
        return bytes([code32]) + _U32.pack(len(body)) + body
    return bytes([code32]) + _U32.pack(len(body) + 4) + _U32.pack(count) + body


_U8, _U16, _U32, _U64 = (struct.Struct(f">{c}") for c in "BHIQ")
_I8, _I16, _I32, _I64 = (struct.Struct(f">{c}") for c in "bhiq")


def _choose(draw: st.DrawFn, value: int, forms: list[tuple[int, struct.Struct | None, bool]]) -> bytes:
    """One of ``forms`` (constructor, packing, allowed) for ``value``; ``None`` packs nothing."""
    code, fmt, _ = draw(st.sampled_from([form for form in forms if form[2]]))
    return bytes([code]) + (b"" if fmt is None else fmt.pack(value))


@st.composite
def wire_scalars(draw: st.DrawFn, kinds: tuple[str, ...] | None = None) -> Wire:
    kind = draw(st.sampled_from(kinds or _SCALAR_KINDS))
    if kind == "null":
        return b"\x40", None
    if kind == "boolean":
        flag = draw(st.booleans())
        return draw(st.sampled_from([b"\x41" if flag else b"\x42", b"\x56" + bytes([flag])])), flag
    if kind in _FIXED_INTEGERS:
        cls, forms = _FIXED_INTEGERS[kind]
        low, high = forms[0][1]
        number = draw(st.integers(low, high))
        allowed = [(code, fmt, lo <= number <= hi) for code, (lo, hi), fmt in forms]
        return _choose(draw, number, allowed), cls(number) if cls is not None else number
    if kind == "float":
        bits = draw(st.integers(0, 2**32 - 1))
        return b"\x72" + _U32.pack(bits), Float(float32_bits_to_double(bits))
    if kind == "double":
        raw = draw(st.binary(min_size=8, max_size=8))
        return b"\x82" + raw, struct.unpack(">d", raw)[0]
    if kind == "char":
        char = draw(st.characters(codec="utf-8"))
        return b"\x73" + _U32.pack(ord(char)), Char(char)
    if kind == "uuid":
        raw = draw(st.binary(min_size=16, max_size=16))
        return b"\x98" + raw, uuid.UUID(bytes=raw)
    if kind == "binary":
        raw = draw(st.binary(max_size=300 if draw(st.integers(0, 9)) == 0 else 8))
        return _sized(draw, 0xA0, 0xB0, raw), raw
    if kind == "string":
        text = draw(ast.amqp_string(max_size=8))
        return _sized(draw, 0xA1, 0xB1, text.encode()), text
    assert kind == "symbol"
    symbol = draw(ast.amqp_symbol(max_size=8))
    return _sized(draw, 0xA3, 0xB3, symbol.encode()), symbol


# (class, [(constructor, (low, high) the form holds, packing)]): the first form holds
# the whole range of the type.
_FIXED_INTEGERS: dict[str, tuple[Any, list[tuple[int, tuple[int, int], struct.Struct | None]]]] = {
    "ubyte": (UByte, [(0x50, (0, 2**8 - 1), _U8)]),
    "ushort": (UShort, [(0x60, (0, 2**16 - 1), _U16)]),
    "uint": (UInt, [(0x70, (0, 2**32 - 1), _U32), (0x52, (0, 255), _U8), (0x43, (0, 0), None)]),
    "ulong": (ULong, [(0x80, (0, 2**64 - 1), _U64), (0x53, (0, 255), _U8), (0x44, (0, 0), None)]),
    "byte": (Byte, [(0x51, (-(2**7), 2**7 - 1), _I8)]),
    "short": (Short, [(0x61, (-(2**15), 2**15 - 1), _I16)]),
    "int": (Int, [(0x71, (-(2**31), 2**31 - 1), _I32), (0x54, (-128, 127), _I8)]),
    "long": (None, [(0x81, (-(2**63), 2**63 - 1), _I64), (0x55, (-128, 127), _I8)]),
    "timestamp": (Timestamp, [(0x83, (-(2**63), 2**63 - 1), _I64)]),
}
_SCALAR_KINDS = (
    "null",
    "boolean",
    *_FIXED_INTEGERS,
    "float",
    "double",
    "char",
    "uuid",
    "binary",
    "string",
    "symbol",
)
_KEY_KINDS = tuple(kind for kind in _SCALAR_KINDS if kind not in ("float", "double"))


@st.composite
def wire_descriptors(draw: st.DrawFn) -> Wire:
    return draw(wire_scalars(("ulong", "symbol")))


@st.composite
def wire_arrays(draw: st.DrawFn, children: st.SearchStrategy[Wire]) -> Wire:
    """An array (§1.6.24) in any valid form, of scalars or of lists of ``children``."""
    kind = draw(st.sampled_from((*_SCALAR_KINDS, "list")))
    if kind == "list":
        lists = draw(st.lists(st.lists(children, max_size=3), max_size=3))
        items = tuple([value for _, value in elements] for elements in lists)
        bodies = [(len(elements), b"".join(data for data, _ in elements)) for elements in lists]
        forms = [(0xD0, True), (0xC0, all(n <= 0xFF and len(b) + 1 <= 0xFF for n, b in bodies))]
        forms.append((0x45, all(n == 0 for n, _ in bodies)))
        code = draw(st.sampled_from([c for c, ok in forms if ok]))
        if code == 0x45:
            elements_bytes = b""
        elif code == 0xC0:
            elements_bytes = b"".join(bytes([len(b) + 1, n]) + b for n, b in bodies)
        else:
            elements_bytes = b"".join(_U32.pack(len(b) + 4) + _U32.pack(n) + b for n, b in bodies)
        element_type = "list"
    else:
        encoded = draw(st.lists(wire_scalars((kind,)), max_size=4))
        items = tuple(value for _, value in encoded)
        code, elements_bytes = _array_elements(draw, kind, [data for data, _ in encoded], items)
        element_type = kind
    descriptor = draw(st.none() | wire_descriptors())
    content = (b"" if descriptor is None else b"\x00" + descriptor[0]) + bytes([code]) + elements_bytes
    value = Array(element_type, items, None if descriptor is None else descriptor[1])
    return _sized(draw, 0xE0, 0xF0, content, len(items)), value


def _array_elements(
    draw: st.DrawFn, kind: str, encoded: list[bytes], items: tuple[Any, ...]
) -> tuple[int, bytes]:
    """(element constructor, element bytes) for scalars already encoded one by one:
    any constructor valid for every element, each element's bytes re-cut to it."""
    if kind == "null":
        return 0x40, b""
    if kind == "boolean":
        forms = [(0x56, b"".join(bytes([flag]) for flag in items))]
        forms += [(0x41, b"")] if all(items) else []
        forms += [(0x42, b"")] if not any(items) else []
        return draw(st.sampled_from(forms))
    if kind in _FIXED_INTEGERS:
        forms = _FIXED_INTEGERS[kind][1]
        usable = [
            (code, fmt) for code, (low, high), fmt in forms if all(low <= number <= high for number in items)
        ]
        code, fmt = draw(st.sampled_from(usable))
        return code, b"".join(b"" if fmt is None else fmt.pack(number) for number in items)
    if kind in ("binary", "string", "symbol"):
        raws = [(value if kind == "binary" else value.encode()) for value in items]
        narrow, wide = {"binary": (0xA0, 0xB0), "string": (0xA1, 0xB1), "symbol": (0xA3, 0xB3)}[kind]
        if all(len(raw) <= 0xFF for raw in raws) and draw(st.booleans()):
            return narrow, b"".join(bytes([len(raw)]) + raw for raw in raws)
        return wide, b"".join(_U32.pack(len(raw)) + raw for raw in raws)
    return encoded[0][0] if encoded else {"float": 0x72, "double": 0x82, "char": 0x73, "uuid": 0x98}[
        kind
    ], b"".join(data[1:] for data in encoded)


def _wire_compounds(children: st.SearchStrategy[Wire]) -> st.SearchStrategy[Wire]:
    @st.composite
    def wire_lists(draw: st.DrawFn) -> Wire:
        elements = draw(st.lists(children, max_size=4))
        body = b"".join(data for data, _ in elements)
        value = [v for _, v in elements]
        if not elements and draw(st.booleans()):
            return b"\x45", value
        return _sized(draw, 0xC0, 0xD0, body, len(elements)), value

    @st.composite
    def wire_maps(draw: st.DrawFn) -> Wire:
        entries = draw(
            st.lists(st.tuples(wire_scalars(_KEY_KINDS), children), max_size=4, unique_by=lambda e: e[0][1])
        )
        body = b"".join(key[0] + value[0] for key, value in entries)
        return _sized(draw, 0xC1, 0xD1, body, 2 * len(entries)), {key[1]: value[1] for key, value in entries}

    @st.composite
    def wire_described(draw: st.DrawFn) -> Wire:
        descriptor, (data, value) = draw(wire_descriptors()), draw(children)
        return b"\x00" + descriptor[0] + data, Described(descriptor[1], value)

    return st.one_of(wire_lists(), wire_maps(), wire_described(), wire_arrays(children))


wire_values = st.recursive(wire_scalars(), _wire_compounds, max_leaves=10)


@given(wire_values)
def test_every_valid_encoding_decodes(wire: Wire) -> None:
    data, value = wire
    decoded, end = decode_prefix(data + b"\x40")
    assert end == len(data)
    assert same_value(decoded, value)
    assert encode(decoded) == encode(value)
    assert same_value(decode(encode(decoded)), value)


# --- decode_prefix and buffers ----------------------------------------------------------------


@given(st.binary(max_size=6), ast.values(max_leaves=6), st.binary(max_size=6))
def test_decode_prefix_reports_the_end(prefix: bytes, value: Any, trailing: bytes) -> None:
    encoded = encode(value)
    data = prefix + encoded + trailing
    decoded, end = decode_prefix(data, len(prefix))
    assert end == len(prefix) + len(encoded)
    assert same_value(decoded, value)


@given(ast.values(max_leaves=6), st.binary(min_size=1, max_size=6))
def test_decode_rejects_trailing_bytes(value: Any, trailing: bytes) -> None:
    encoded = encode(value)
    with pytest.raises(TrailingBytesError) as caught:
        decode(encoded + trailing)
    assert caught.value.offset == len(encoded)
    assert same_value(caught.value.value, value)


@given(st.lists(ast.values(max_leaves=4), max_size=5))
def test_decode_prefix_walks_a_stream(items: list[Any]) -> None:
    data = b"".join(encode(item) for item in items)
    offset = 0
    for item in items:
        decoded, offset = decode_prefix(data, offset)
        assert same_value(decoded, item)
    assert offset == len(data)


@given(ast.values(max_leaves=6))
def test_every_buffer_type_decodes_like_bytes(value: Any) -> None:
    data = encode(value)
    expected = decode(data)
    assert same_value(expected, value)
    for buffer in (bytearray(data), memoryview(data), memoryview(bytearray(data)), array.array("B", data)):
        assert same_value(decode(buffer), expected)


@with_fixture
@given(value=ast.values(max_leaves=6), before=st.binary(max_size=5), after=st.binary(max_size=5))
def test_a_slice_of_a_larger_buffer_decodes_alone(
    any_backend: Backend, value: Any, before: bytes, after: bytes
) -> None:
    encoded = encode(value)
    whole = bytearray(before + encoded + after)
    view = memoryview(whole)[len(before) : len(before) + len(encoded)]
    assert same_value(decode(view), value)
    decoded, end = any_backend.decode_prefix(view, 0, DEFAULT_LIMITS)
    assert (end, same_value(decoded, value)) == (len(encoded), True)
    decoded, end = any_backend.decode_prefix(memoryview(whole), len(before), DEFAULT_LIMITS)
    assert (end, same_value(decoded, value)) == (len(before) + len(encoded), True)


@with_fixture
@given(value=ast.values(max_leaves=6))
def test_decoded_values_do_not_share_the_input_buffer(any_backend: Backend, value: Any) -> None:
    buffer = bytearray(encode(value))
    decoded, _ = any_backend.decode_prefix(buffer, 0, DEFAULT_LIMITS)
    buffer[:] = b"\xff" * len(buffer)
    buffer.extend(b"resizable: no view of it is left alive")
    assert same_value(decoded, value)
