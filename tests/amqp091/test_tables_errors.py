"""Field tables: hostile and malformed input, limits, keys, and what the encoder refuses
(AMQP 0-9-1 §4.2.5.5, RabbitMQ errata §3)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amqpcodec import types as t10
from amqpcodec.amqp091._tables import read_table, write_table
from amqpcodec.amqp091.strategies import table_wire_bytes
from amqpcodec.amqp091.tables import decode_table, encode_table
from amqpcodec.errors import (
    DecodeError,
    EncodeError,
    IncompleteError,
    LimitExceededError,
    TrailingBytesError,
    UnsupportedTypeError,
)
from amqpcodec.limits import DEFAULT_LIMITS, MAX_DEPTH_CEILING, Limits
from tests.helpers.amqp091_tables import entry, nested_tables, sized, table

# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    "wire", [b"", b"\x00", b"\x00\x00\x00", b"\x00\x00\x00\x05\x01k", b"\x00\x00\x00\x04\x01kt\x01"[:-1]]
)
def test_input_ending_early_is_incomplete(wire: bytes) -> None:
    with pytest.raises(IncompleteError) as caught:
        decode_table(wire)
    assert caught.value.offset == 0


def test_bytes_after_the_table() -> None:
    with pytest.raises(TrailingBytesError) as caught:
        decode_table(b"\x00\x00\x00\x03\x01kV\xce")
    assert caught.value.value == {"k": None}
    assert caught.value.offset == 7


@pytest.mark.parametrize(
    ("wire", "offset", "words"),
    [
        (b"\x00\x00\x00\x03\x01kZ", 6, "unknown field type 'Z'"),
        (b"\x00\x00\x00\x03\x01k\x00", 6, "unknown field type 0x00"),
        (b"\x00\x00\x00\x08\x01kA\x00\x00\x00\x01Q", 11, "unknown field type 'Q'"),
        (b"\x00\x00\x00\x06\x01aV\x01aV", 7, "duplicate field table key 'a'"),
        (b"\x00\x00\x00\x03\x01\xffV", 4, "key is not valid UTF-8"),
        (b"\x00\x00\x00\x04\x01kI\x00\x00\x00\x00", 6, "needs 4 bytes, 1 remain"),
        (b"\x00\x00\x00\x02\x05a", 4, "needs a key and a type letter"),
        (b"\x00\x00\x00\x02\x01k", 4, "needs a key and a type letter"),
        (b"\x00\x00\x00\x0a\x01kS\xff\xff\xff\xff\x00\x00\x00", 6, "declares 4294967295 bytes"),
        (b"\x00\x00\x00\x07\x01kF\x00\x00\x00\x01", 6, "declares 1 bytes, 0 remain"),
        (b"\x00\x00\x00\x05\x01kA\x00\x00", 6, "needs 4 bytes, 2 remain"),
        (b"\x00\x00\x00\x07\x01kD\x00\x00\x00\x00", 6, "'D' needs 5 bytes, 4 remain"),
        (b"\x00\x00\x00\x0b\x01kF\x00\x00\x00\x04\x01\xffV\x00", 11, "key is not valid UTF-8"),
    ],
)
def test_corrupt_tables(wire: bytes, offset: int, words: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_table(wire)
    assert type(caught.value) is DecodeError  # never "incomplete": the size lied
    assert caught.value.offset == offset
    assert words in str(caught.value)


def test_offsets_index_the_callers_buffer() -> None:
    data = bytearray(b"HEAD" + b"\x00\x00\x00\x03\x01kZ" + b"TAIL")
    with pytest.raises(DecodeError) as caught:
        read_table(data, 4, len(data), DEFAULT_LIMITS)
    assert caught.value.offset == 10
    got = read_table(memoryview(b"HEAD\x00\x00\x00\x03\x01kVTAIL"), 4, 15, DEFAULT_LIMITS)
    assert got == ({"k": None}, 11)
    with pytest.raises(IncompleteError):
        read_table(b"HEAD\x00\x00\x00\x03\x01kV", 4, 10, DEFAULT_LIMITS)
    assert read_table(b"HEAD\x00\x00\x00\x03\x01kVTAIL", 4, 15, DEFAULT_LIMITS) == ({"k": None}, 11)


def test_bytes_like_inputs() -> None:
    wire = b"\x00\x00\x00\x09\x01kx\x00\x00\x00\x02ab"
    for data in (bytearray(wire), memoryview(wire)):
        decoded = decode_table(data)
        assert decoded == {"k": b"ab"} and type(decoded["k"]) is bytes
    with pytest.raises(UnsupportedTypeError):
        decode_table("not bytes")  # type: ignore[arg-type]


def test_depth_limit() -> None:
    limits = Limits(max_depth=3)
    assert decode_table(nested_tables(3), limits=limits)
    with pytest.raises(LimitExceededError) as caught:
        decode_table(nested_tables(4), limits=limits)
    assert caught.value.limit == "max_depth"
    arrays = table(entry(b"k", b"A" + sized(b"A" + sized(b"A" + sized(b"")))))
    with pytest.raises(LimitExceededError):
        decode_table(arrays, limits=limits)


def test_deepest_nesting_allowed_needs_no_more_stack() -> None:
    limits = Limits(max_depth=MAX_DEPTH_CEILING)
    wire = nested_tables(MAX_DEPTH_CEILING)
    value = decode_table(wire, limits=limits)
    assert encode_table(value, limits=limits) == wire
    items: list[Any] = []
    deep: list[Any] = items
    for _ in range(MAX_DEPTH_CEILING - 2):
        deep.append([])
        deep = deep[0]
    assert decode_table(encode_table({"k": items}, limits=limits), limits=limits) == {"k": items}


def test_entry_and_item_limits() -> None:
    three = table(entry(b"a", b"V"), entry(b"b", b"V"), entry(b"c", b"V"))
    with pytest.raises(LimitExceededError) as caught:
        decode_table(three, limits=Limits(max_map_entries=2))
    assert (caught.value.limit, caught.value.offset) == ("max_map_entries", 10)
    assert len(decode_table(three, limits=Limits(max_map_entries=3))) == 3
    array = table(entry(b"k", b"A" + sized(b"VVV")))
    with pytest.raises(LimitExceededError) as caught:
        decode_table(array, limits=Limits(max_container_items=2))
    assert (caught.value.limit, caught.value.offset) == ("max_container_items", 13)
    assert decode_table(array, limits=Limits(max_container_items=3)) == {"k": [None] * 3}


@given(table_wire_bytes(max_depth=2, max_entries=4), st.data())
def test_mutated_tables_decode_or_raise_decode_errors(wire: bytes, data: st.DataObject) -> None:
    mutated = bytearray(wire)
    for _ in range(data.draw(st.integers(1, 3))):
        if mutated:
            index = data.draw(st.integers(0, len(mutated) - 1))
            mutated[index] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(mutated)))
    for candidate in (bytes(mutated), bytes(mutated[:cut])):
        try:
            value = decode_table(candidate)
        except DecodeError as error:
            assert error.offset is not None
        else:
            assert encode_table(value) == candidate


@given(st.binary(max_size=64))
def test_any_bytes_decode_or_raise_decode_errors(wire: bytes) -> None:
    try:
        decode_table(wire)
    except DecodeError as error:
        assert error.offset is not None


# --------------------------------------------------------------------------- encoding


class Colour(enum.IntEnum):
    RED = 1


class Name(str, enum.Enum):
    KEY = "key"


class MyInt(int):
    pass


REFUSED: list[Any] = [
    Colour.RED,
    MyInt(1),
    t10.Timestamp(0),
    t10.Symbol("a"),
    t10.Char("a"),
    t10.ULong(1),
    t10.Decimal32("1"),
    t10.Decimal64("1"),
    t10.Decimal128("1"),
    uuid.UUID(int=0),
    t10.Array("uint", [1]),
    t10.Described(1, "x"),
    dt.date(2020, 1, 1),
    {1, 2},
    object(),
    1j,
]


@pytest.mark.parametrize("value", REFUSED, ids=lambda v: type(v).__name__)
def test_types_without_a_field_type_are_refused_with_their_path(value: Any) -> None:
    with pytest.raises(UnsupportedTypeError) as caught:
        encode_table({"headers": {"x-retry": [1, 2, value]}})
    assert caught.value.path == "['headers']['x-retry'][2]"


def test_write_table_prefixes_the_callers_path() -> None:
    with pytest.raises(UnsupportedTypeError) as caught:
        write_table(bytearray(), {"a": object()}, DEFAULT_LIMITS, "basic.publish.arguments")
    assert caught.value.path == "basic.publish.arguments['a']"
    with pytest.raises(UnsupportedTypeError) as caught:
        write_table(bytearray(), [1], DEFAULT_LIMITS, "queue.declare.arguments")  # type: ignore[arg-type]
    assert caught.value.path == "queue.declare.arguments"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (2**63, "out of range for field type 'l'"),
        (-(2**63) - 1, "out of range for field type 'l'"),
        (dt.datetime(2020, 1, 1), "naive datetime"),
        (dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc), "unsigned"),
        (Decimal("NaN"), "finite only"),
        (Decimal("Infinity"), "finite only"),
        (Decimal("2147483648"), "signed 32-bit"),
        (Decimal("12345678901"), "11 digits"),
        (Decimal("1E-256"), "scale 256"),
        (Decimal("1E+10"), "signed 32-bit"),
        ("\ud800", "not encodable as UTF-8"),
        ([1, "\udfff"], "not encodable as UTF-8"),
    ],
)
def test_values_out_of_range(value: Any, words: str) -> None:
    with pytest.raises(EncodeError) as caught:
        encode_table({"k": value})
    assert words in str(caught.value)
    assert caught.value.path.startswith("['k']")


def test_keys() -> None:
    with pytest.raises(EncodeError) as caught:
        encode_table({"k" * 256: None})
    assert "255" in str(caught.value) and "kkkk" in str(caught.value)
    with pytest.raises(EncodeError, match="key"):
        encode_table({"\u00e9" * 128: None})  # 256 bytes
    with pytest.raises(UnsupportedTypeError) as caught:
        encode_table({1: None})  # type: ignore[dict-item]
    assert "1" in str(caught.value)
    with pytest.raises(EncodeError, match="key"):
        encode_table({"\ud800": None})
    assert encode_table({Name.KEY: None}) == b"\x00\x00\x00\x05\x03keyV"


def test_encoder_limits() -> None:
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(EncodeError, match="max_depth"):
        encode_table({"k": looped})
    with pytest.raises(EncodeError, match="max_depth"):
        encode_table({"a": {"b": {}}}, limits=Limits(max_depth=2))
    assert encode_table({"a": {}}, limits=Limits(max_depth=2))
    with pytest.raises(EncodeError, match="max_map_entries"):
        encode_table({"a": 1, "b": 2}, limits=Limits(max_map_entries=1))
    with pytest.raises(EncodeError, match="max_container_items"):
        encode_table({"a": [1, 2]}, limits=Limits(max_container_items=1))
    with pytest.raises(EncodeError, match="max_message_size"):
        encode_table({"a": "x" * 100}, limits=Limits(max_message_size=50))


def test_wrappers_built_around_their_checks_are_refused() -> None:
    rogue = int.__new__(t10.Byte, 1000)
    with pytest.raises(EncodeError, match="out of range for field type 'b'"):
        encode_table({"k": rogue})
