"""Semantics of the value wrappers, ``Described``, ``Array``, ``Limits`` and the errors
(docs: types; limits-and-security), and of ``testing.same_value``.

Wrappers are thin subclasses of a builtin that keep an AMQP type (Part 1 §1.6): equal
and hash-equal to their base value, typed only in ``repr``, range-checked when built,
and plain builtins again after arithmetic.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import math
import pickle
import struct
import uuid
from decimal import Decimal
from typing import Any

import pytest

from amqpcodec import (
    DEFAULT_LIMITS,
    AMQPCodecError,
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
    FramingError,
    IncompleteError,
    Int,
    LimitExceededError,
    Limits,
    Long,
    Short,
    Symbol,
    Timestamp,
    TrailingBytesError,
    UByte,
    UInt,
    ULong,
    UnsupportedProtocolError,
    UnsupportedTypeError,
    UShort,
    as_tuple,
)
from amqpcodec.limits import MAX_DEPTH_CEILING
from amqpcodec.testing import same_value

INTEGERS: list[tuple[type, int, int]] = [
    (UByte, 0, 2**8 - 1),
    (UShort, 0, 2**16 - 1),
    (UInt, 0, 2**32 - 1),
    (ULong, 0, 2**64 - 1),
    (Byte, -(2**7), 2**7 - 1),
    (Short, -(2**15), 2**15 - 1),
    (Int, -(2**31), 2**31 - 1),
    (Long, -(2**63), 2**63 - 1),
    (Timestamp, -(2**63), 2**63 - 1),
]

# One example of every public value type, built the public way.
EXAMPLES: list[Any] = [
    UByte(7),
    UShort(7),
    UInt(7),
    ULong(2**64 - 1),
    Byte(-7),
    Short(-7),
    Int(-7),
    Long(-(2**63)),
    Float(1.5),
    Float(math.nan),
    Float(-0.0),
    Decimal32("1.50"),
    Decimal64("-0"),
    Decimal128("-sNaN12"),
    Char("\U0010ffff"),
    Timestamp(-1),
    Symbol("amqp:accepted:list"),
    Described(0x24, []),
    Described(Symbol("x"), Described(1, {"k": UInt(1)})),
    Array("uint", [1, 2]),
    Array("list", [[1], []], descriptor=Symbol("d")),
    Array("array", [Array("null", [None])]),
    DEFAULT_LIMITS,
    Limits(max_depth=3, max_container_items=0),
]


# --- equality, hashing, text --------------------------------------------------------------


@pytest.mark.parametrize(
    ("wrapped", "plain"),
    [
        (UByte(3), 3),
        (UShort(3), 3),
        (UInt(3), 3),
        (ULong(3), 3),
        (Byte(-3), -3),
        (Short(-3), -3),
        (Int(-3), -3),
        (Long(-3), -3),
        (Timestamp(3), 3),
        (Float(1.5), 1.5),
        (Decimal32("1.5"), Decimal("1.5")),
        (Decimal64("1.5"), Decimal("1.5")),
        (Decimal128("1.5"), Decimal("1.5")),
        (Char("x"), "x"),
        (Symbol("a"), "a"),
    ],
)
def test_wrappers_equal_and_hash_like_their_base_value(wrapped: Any, plain: Any) -> None:
    assert wrapped == plain and plain == wrapped
    assert (wrapped != plain) is False
    assert hash(wrapped) == hash(plain)
    assert {plain: "found"}[wrapped] == "found"
    assert {wrapped: "found"}[plain] == "found"


def test_wrapper_examples_from_the_api() -> None:
    assert Symbol("a") == "a"
    assert hash(UInt(3)) == hash(3)
    assert {Symbol("x-opt-partition"): 1}["x-opt-partition"] == 1


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (UByte(3), "UByte(3)"),
        (UShort(3), "UShort(3)"),
        (UInt(3), "UInt(3)"),
        (ULong(3), "ULong(3)"),
        (Byte(-3), "Byte(-3)"),
        (Short(-3), "Short(-3)"),
        (Int(-3), "Int(-3)"),
        (Long(-3), "Long(-3)"),
        (Timestamp(5), "Timestamp(5)"),
        (Float(1.5), "Float(1.5)"),
        (Float(math.inf), "Float(inf)"),
        (Decimal32("1.5"), "Decimal32('1.5')"),
        (Decimal64("-0.00"), "Decimal64('-0.00')"),
        (Decimal128("NaN"), "Decimal128('NaN')"),
        (Char("x"), "Char('x')"),
        (Symbol("a"), "Symbol('a')"),
        (Described(1, "v"), "Described(ULong(1), 'v')"),
        (Array("uint", [1]), "Array('uint', [UInt(1)])"),
        (Array("null", [], descriptor="d"), "Array('null', [], descriptor=Symbol('d'))"),
    ],
)
def test_repr_shows_the_type(value: Any, text: str) -> None:
    assert repr(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (UByte(3), "3"),
        (UInt(3), "3"),
        (ULong(2**64 - 1), str(2**64 - 1)),
        (Int(-3), "-3"),
        (Long(-3), "-3"),
        (Timestamp(5), "5"),
        (Float(1.5), "1.5"),
        (Decimal32("1.50"), "1.50"),
        (Char("x"), "x"),
        (Symbol("a"), "a"),
    ],
)
def test_str_and_format_give_the_base_text(value: Any, text: str) -> None:
    assert str(value) == text
    assert f"{value}" == text
    assert format(value, "") == text
    assert "%s" % (value,) == text  # noqa: UP031 (the %-protocol is what is tested)


def test_format_specs_work_like_the_base_type() -> None:
    assert f"{UInt(3)}" == "3"
    assert f"{UInt(3):04d}" == "0003"
    assert f"{ULong(255):#x}" == "0xff"
    assert f"{Float(1.5):.2f}" == "1.50"
    assert f"{Symbol('a'):>3}" == "  a"
    assert f"{Decimal32('1.5'):.3f}" == "1.500"
    assert f"{Timestamp(5):,}" == "5"


@pytest.mark.parametrize(
    ("result", "base"),
    [
        (UInt(3) + 1, int),
        (UInt(3) - 5, int),
        (UInt(3) * UInt(2), int),
        (UByte(255) + UByte(1), int),
        (UByte(1) << 9, int),
        (-UInt(3), int),
        (abs(Int(-3)), int),
        (UInt(7) // 2, int),
        (UInt(7) % 2, int),
        (ULong(2**64 - 1) + 1, int),
        (Timestamp(5) + 1, int),
        (Long(1) + 1, int),
        (Float(1.5) + 1, float),
        (Float(1.5) * 2, float),
        (-Float(1.5), float),
        (Decimal32("1.5") + 1, Decimal),
        (Decimal128("1.5") * 2, Decimal),
        (Symbol("a") + "b", str),
        (Symbol("a").upper(), str),
        (Symbol("ab")[0], str),
        (Char("x") * 2, str),
    ],
)
def test_arithmetic_returns_the_base_type(result: Any, base: type) -> None:
    assert type(result) is base


def test_arithmetic_values() -> None:
    assert UByte(255) + UByte(1) == 256
    assert UInt(3) - 5 == -2
    assert Float(1.5) + 1 == 2.5


# --- range checks -----------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "low", "high"), INTEGERS, ids=[c.__name__ for c, _, _ in INTEGERS])
def test_integer_ranges_at_n_and_n_plus_1(cls: type, low: int, high: int) -> None:
    assert cls(low) == low and type(cls(low)) is cls
    assert cls(high) == high
    with pytest.raises(EncodeError):
        cls(low - 1)
    with pytest.raises(EncodeError):
        cls(high + 1)


@pytest.mark.parametrize(("cls", "low", "high"), INTEGERS, ids=[c.__name__ for c, _, _ in INTEGERS])
def test_integers_refuse_other_types(cls: type, low: int, high: int) -> None:
    for value in (True, 1.0, "1", Decimal(1), None):
        with pytest.raises(EncodeError):
            cls(value)
    assert type(cls(UByte(1))) is cls


def test_float_rounds_to_float32() -> None:
    assert Float(0.1) == struct.unpack(">f", struct.pack(">f", 0.1))[0]
    assert Float(0.1) != 0.1
    assert Float(3) == 3.0 and type(Float(3)) is Float
    assert Float(1e-50) == 0.0
    assert math.copysign(1.0, Float(-1e-50)) == -1.0
    largest = struct.unpack(">f", b"\x7f\x7f\xff\xff")[0]
    assert Float(largest) == largest
    assert Float(-largest) == -largest


@pytest.mark.parametrize("value", [3.5e38, -3.5e38, 1e300, 2.0**128])
def test_float_overflow_is_an_encode_error(value: float) -> None:
    with pytest.raises(EncodeError):
        Float(value)


def test_float_keeps_infinities_and_nans() -> None:
    assert Float(math.inf) == math.inf
    assert Float(-math.inf) == -math.inf
    assert math.isnan(Float(math.nan))
    negative_nan = struct.unpack(">d", bytes.fromhex("fff8000000000001"))[0]
    assert math.copysign(1.0, Float(negative_nan)) == -1.0
    for bad in (True, "1.5", None, Decimal("1.5")):
        with pytest.raises(EncodeError):
            Float(bad)


@pytest.mark.parametrize(
    ("cls", "digits", "low_exponent", "high_exponent"),
    [(Decimal32, 7, -101, 90), (Decimal64, 16, -398, 369), (Decimal128, 34, -6176, 6111)],
)
def test_decimal_ranges_at_n_and_n_plus_1(
    cls: type, digits: int, low_exponent: int, high_exponent: int
) -> None:
    """IEEE 754-2008 decimal{32,64,128}: p digits, exponent of the integer coefficient
    in [emin - p + 1, emax - p + 1] (§1.6.13-15); nothing is rounded."""
    assert cls(Decimal((0, (9,) * digits, 0))).as_tuple().digits == (9,) * digits
    with pytest.raises(EncodeError):
        cls(Decimal((0, (9,) * (digits + 1), 0)))
    assert cls(Decimal((1, (1,), low_exponent))).as_tuple().exponent == low_exponent
    assert cls(Decimal((1, (1,), high_exponent))).as_tuple().exponent == high_exponent
    with pytest.raises(EncodeError):
        cls(Decimal((1, (1,), low_exponent - 1)))
    with pytest.raises(EncodeError):
        cls(Decimal((1, (1,), high_exponent + 1)))
    assert cls(Decimal("sNaN" + "9" * (digits - 1))).is_snan()
    with pytest.raises(EncodeError):
        cls(Decimal("NaN" + "9" * digits))
    for bad in (1.5, True, "one", None):
        with pytest.raises(EncodeError):
            cls(bad)


def test_decimals_keep_their_exponent() -> None:
    assert Decimal32("1.0").as_tuple() != Decimal32("1.00").as_tuple()
    assert Decimal32("1.0") == Decimal32("1.00")
    assert str(Decimal64("-0")) == "-0"


def test_char_and_symbol_checks() -> None:
    assert Char("\U0010ffff") == "\U0010ffff"
    for bad in ("", "ab", "\ud800", "\udfff", 65, None):
        with pytest.raises(EncodeError):
            Char(bad)  # type: ignore[arg-type]
    assert Symbol("\x00\x7f") == "\x00\x7f"
    assert Symbol() == ""
    for bad in ("é", "\u2603", 1, None):
        with pytest.raises(EncodeError):
            Symbol(bad)  # type: ignore[arg-type]


# --- Timestamp ---------------------------------------------------------------------------

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("moment", "milliseconds"),
    [
        (dt.datetime(1970, 1, 1, tzinfo=UTC), 0),
        (dt.datetime(1970, 1, 1, 0, 0, 0, 999, tzinfo=UTC), 0),
        (dt.datetime(1970, 1, 1, 0, 0, 0, 1000, tzinfo=UTC), 1),
        (dt.datetime(1969, 12, 31, 23, 59, 59, 999_500, tzinfo=UTC), -1),
        (dt.datetime(1969, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC), -1),
        (dt.datetime(1969, 12, 31, 23, 59, 59, 998_999, tzinfo=UTC), -2),
        (dt.datetime(2023, 11, 14, 22, 13, 20, 123_456, tzinfo=UTC), 1_700_000_000_123),
        (
            dt.datetime(2023, 11, 14, 23, 13, 20, 123_999, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            1_700_000_000_123,
        ),
        (dt.datetime(1, 1, 1, tzinfo=UTC), -62_135_596_800_000),
        (dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), 253_402_300_799_999),
    ],
)
def test_timestamp_from_datetime_floors_to_milliseconds(moment: dt.datetime, milliseconds: int) -> None:
    stamp = Timestamp.from_datetime(moment)
    assert type(stamp) is Timestamp and stamp == milliseconds


def test_timestamp_to_datetime_is_aware_utc() -> None:
    moment = Timestamp(-1).to_datetime()
    assert moment == dt.datetime(1969, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC)
    assert moment.utcoffset() == dt.timedelta(0)
    assert Timestamp(1_700_000_000_123).to_datetime().isoformat() == "2023-11-14T22:13:20.123000+00:00"
    assert Timestamp.from_datetime(Timestamp(253_402_300_799_999).to_datetime()) == 253_402_300_799_999


@pytest.mark.parametrize("milliseconds", [2**63 - 1, -(2**63), 253_402_300_800_000, -62_135_596_800_001])
def test_timestamp_outside_datetime_range_is_an_overflow_error(milliseconds: int) -> None:
    with pytest.raises(OverflowError):
        Timestamp(milliseconds).to_datetime()


def test_naive_datetime_is_an_encode_error() -> None:
    with pytest.raises(EncodeError):
        Timestamp.from_datetime(dt.datetime(2024, 1, 1))
    with pytest.raises(EncodeError):
        Timestamp.from_datetime(dt.date(2024, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        Array("timestamp", [dt.datetime(2024, 1, 1)])


# --- Described and Array -------------------------------------------------------------------


def test_described_normalises_its_descriptor() -> None:
    assert type(Described(5, None).descriptor) is ULong
    assert type(Described("name", None).descriptor) is Symbol
    assert type(Described(UInt(5), None).descriptor) is UInt
    with pytest.raises(EncodeError):
        Described(-1, None)
    with pytest.raises(EncodeError):
        Described("é", None)


def test_described_is_immutable_and_compares_by_value() -> None:
    value = Described(1, "v")
    with pytest.raises(AttributeError):
        value.value = "w"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        value.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        del value.descriptor
    assert value == Described(ULong(1), "v")
    assert hash(value) == hash(Described(1, "v"))
    assert value != Described(1, "w")
    assert value != Described(2, "v")
    assert value != (1, "v")
    assert {value: 1}[Described(1, "v")] == 1
    with pytest.raises(TypeError):
        hash(Described(1, []))


def test_array_is_immutable_and_compares_by_value() -> None:
    value = Array("uint", [1, 2])
    with pytest.raises(AttributeError):
        value.items = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del value.element_type
    assert type(value.items) is tuple
    assert value == Array("uint", [UInt(1), UInt(2)])
    assert value != Array("ulong", [1, 2])
    assert value != Array("uint", [1, 2], descriptor=1)
    assert value != Array("uint", [2, 1])
    assert value != [1, 2]
    assert len(value) == 2 and list(value) == [1, 2] and value[1] == 2
    with pytest.raises(TypeError):
        hash(value)


@pytest.mark.parametrize(
    ("element_type", "given_items", "expected"),
    [
        ("uint", [1, 2], (UInt(1), UInt(2))),
        ("ulong", [0, 2**64 - 1], (ULong(0), ULong(2**64 - 1))),
        ("long", [Long(5), -1], (5, -1)),
        ("int", [Int(1), -(2**31)], (Int(1), Int(-(2**31)))),
        ("double", [1, 1.5], (1.0, 1.5)),
        ("float", [0.1], (Float(0.1),)),
        ("decimal32", ["1.50", Decimal("2")], (Decimal32("1.50"), Decimal32("2"))),
        ("decimal128", [Decimal("1.0")], (Decimal128("1.0"),)),
        ("timestamp", [5, dt.datetime(1970, 1, 1, 0, 0, 0, 1999, tzinfo=UTC)], (Timestamp(5), Timestamp(1))),
        ("binary", [bytearray(b"a"), memoryview(b"b")], (b"a", b"b")),
        ("string", ["x"], ("x",)),
        ("symbol", ["x", Symbol("y")], (Symbol("x"), Symbol("y"))),
        ("char", ["x"], (Char("x"),)),
        ("list", [(1, 2), []], ([1, 2], [])),
        ("map", [{"k": 1}], ({"k": 1},)),
        ("boolean", [True, False], (True, False)),
        ("null", [None], (None,)),
        ("uuid", [uuid.UUID(int=1)], (uuid.UUID(int=1),)),
    ],
)
def test_array_coerces_its_items(
    element_type: str, given_items: list[Any], expected: tuple[Any, ...]
) -> None:
    assert same_value(Array(element_type, given_items).items, expected)


@pytest.mark.parametrize(
    ("element_type", "given_items", "path"),
    [
        ("uint", [-1], "[0]"),
        ("uint", [1, 2**32], "[1]"),
        ("ubyte", [True], "[0]"),
        ("long", [2**63], "[0]"),
        ("boolean", [1], "[0]"),
        ("null", [0], "[0]"),
        ("string", [Symbol("s")], "[0]"),
        ("string", [b"s"], "[0]"),
        ("binary", ["s"], "[0]"),
        ("symbol", ["ok", "é"], "[1]"),
        ("list", [{}], "[0]"),
        ("map", [[]], "[0]"),
        ("array", [[]], "[0]"),
        ("uuid", ["0" * 32], "[0]"),
        ("float", [1e300], "[0]"),
        ("double", ["1"], "[0]"),
    ],
)
def test_array_refuses_items_of_other_types(element_type: str, given_items: list[Any], path: str) -> None:
    with pytest.raises(EncodeError) as caught:
        Array(element_type, given_items)
    assert caught.value.path == path


def test_array_element_type_must_be_an_amqp_type() -> None:
    for bad in ("described", "str", "UInt", ""):
        with pytest.raises(EncodeError):
            Array(bad, [])


def test_array_descriptor_is_normalised() -> None:
    assert type(Array("null", [], descriptor=5).descriptor) is ULong
    assert type(Array("null", [], descriptor="d").descriptor) is Symbol
    assert Array("null", []).descriptor is None


def test_as_tuple() -> None:
    assert as_tuple(None) == ()
    assert as_tuple(Symbol("a")) == (Symbol("a"),)
    assert as_tuple(Array("symbol", ["a", "b"])) == (Symbol("a"), Symbol("b"))
    assert as_tuple(Array("symbol", [])) == ()
    assert as_tuple([1, 2]) == ([1, 2],)
    assert as_tuple(0) == (0,)


# --- pickling and copying -------------------------------------------------------------------


@pytest.mark.parametrize("value", EXAMPLES, ids=[type(v).__name__ for v in EXAMPLES])
def test_values_pickle_and_copy(value: Any) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert same_value(pickle.loads(pickle.dumps(value, protocol)), value)
    assert same_value(copy.copy(value), value)
    assert same_value(copy.deepcopy(value), value)


def test_deep_copies_are_deep() -> None:
    inner: list[Any] = [1]
    value = Described(1, inner)
    copied = copy.deepcopy(value)
    assert copied.value is not inner
    inner.append(2)
    assert copied.value == [1]


ERRORS: list[AMQPCodecError] = [
    AMQPCodecError("base", condition="x:y"),
    DecodeError("bad", offset=3, constructor=0x71, field="handle"),
    IncompleteError("short", offset=9),
    TrailingBytesError("trailing", value=[UInt(1)], offset=4),
    LimitExceededError("deep", offset=7, limit="max_depth", constructor=0xC0),
    FramingError("framing", offset=0),
    UnsupportedProtocolError("tls", offset=0),
    EncodeError("range", path="[2]['key'].value"),
    UnsupportedTypeError("set", path="[0]"),
]


def _attributes(error: BaseException) -> dict[str, Any]:
    return {
        "type": type(error),
        "args": error.args,
        "str": str(error),
        "condition": getattr(error, "condition", None),
        **{name: getattr(error, name) for name in vars(error)},
    }


@pytest.mark.parametrize("error", ERRORS, ids=[type(e).__name__ for e in ERRORS])
def test_errors_pickle_and_copy_with_their_attributes(error: AMQPCodecError) -> None:
    expected = _attributes(error)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert _attributes(pickle.loads(pickle.dumps(error, protocol))) == expected
    assert _attributes(copy.copy(error)) == expected
    assert _attributes(copy.deepcopy(error)) == expected


def test_error_attributes() -> None:
    limit = pickle.loads(pickle.dumps(LimitExceededError("deep", offset=7, limit="max_depth")))
    assert (limit.offset, limit.limit, limit.condition) == (7, "max_depth", "amqp:resource-limit-exceeded")
    trailing = pickle.loads(pickle.dumps(TrailingBytesError("t", value=Symbol("v"), offset=4)))
    assert same_value(trailing.value, Symbol("v")) and trailing.offset == 4
    assert pickle.loads(pickle.dumps(EncodeError("e", path="[1]"))).path == "[1]"
    assert DecodeError("d").condition == "amqp:decode-error"
    assert FramingError("f").condition == "amqp:connection:framing-error"


def test_error_hierarchy() -> None:
    assert issubclass(DecodeError, AMQPCodecError) and issubclass(DecodeError, ValueError)
    for cls in (
        IncompleteError,
        TrailingBytesError,
        LimitExceededError,
        FramingError,
        UnsupportedProtocolError,
    ):
        assert issubclass(cls, DecodeError)
    assert issubclass(EncodeError, AMQPCodecError) and issubclass(EncodeError, ValueError)
    assert issubclass(UnsupportedTypeError, EncodeError) and issubclass(UnsupportedTypeError, TypeError)


# --- Limits -------------------------------------------------------------------------------


def test_limits_are_frozen() -> None:
    limits = Limits()
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_depth = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        Limits(4096)  # type: ignore[misc]
    assert Limits() == DEFAULT_LIMITS
    assert hash(Limits()) == hash(DEFAULT_LIMITS)
    assert dataclasses.replace(DEFAULT_LIMITS, max_depth=5).max_depth == 5


@pytest.mark.parametrize(
    "changes",
    [
        {"max_depth": 0},
        {"max_depth": MAX_DEPTH_CEILING + 1},
        {"max_depth": True},
        {"max_depth": 5.0},
        {"max_frame_size": 511},
        {"max_container_items": -1},
        {"max_map_entries": -1},
        {"max_message_size": "1"},
        {"max_buffered_bytes": None},
    ],
    ids=repr,
)
def test_limits_validate_their_fields(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Limits(**changes)


def test_limits_accept_their_bounds() -> None:
    assert Limits(max_depth=1).max_depth == 1
    assert Limits(max_depth=MAX_DEPTH_CEILING).max_depth == MAX_DEPTH_CEILING
    assert Limits(max_frame_size=512).max_frame_size == 512
    assert Limits(max_container_items=0, max_map_entries=0).max_map_entries == 0


# --- same_value ---------------------------------------------------------------------------

NAN = float("nan")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (UInt(1), 1),
        (UInt(1), ULong(1)),
        (True, 1),
        (Symbol("a"), "a"),
        (Char("a"), "a"),
        (0.0, -0.0),
        (Float(0.0), Float(-0.0)),
        (Float(1.5), 1.5),
        (NAN, struct.unpack(">d", bytes.fromhex("7ff8000000000001"))[0]),
        (Float(NAN), Float(-NAN)),
        (Decimal32("1.0"), Decimal32("1.00")),
        (Decimal32("0"), Decimal32("-0")),
        (Decimal32("NaN1"), Decimal32("NaN2")),
        (Decimal32("NaN"), Decimal32("sNaN")),
        (Decimal32("1"), Decimal64("1")),
        (Decimal128("1"), Decimal("1")),
        ([1], (1,)),
        ([1], [1, 2]),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
        ({"a": 1}, {Symbol("a"): 1}),
        ({"a": UInt(1)}, {"a": 1}),
        (Described(1, "x"), Described(UInt(1), "x")),
        (Described(1, "x"), Described(1, Symbol("x"))),
        (Array("uint", [1]), Array("ulong", [1])),
        (Array("uint", [1]), Array("uint", [1], descriptor=1)),
        (Array("uint", [1], descriptor=1), Array("uint", [1], descriptor=UInt(1))),
        (Array("double", [0.0]), Array("double", [-0.0])),
        ([[[Float(0.0)]]], [[[Float(-0.0)]]]),
        (None, []),
        (b"a", bytearray(b"a")),
    ],
)
def test_same_value_tells_apart(a: Any, b: Any) -> None:
    assert not same_value(a, b)
    assert not same_value(b, a)


@pytest.mark.parametrize(
    "value",
    [
        NAN,
        Float(NAN),
        Decimal128("-sNaN12"),
        Decimal32("NaN"),
        [NAN, {"k": Decimal64("sNaN")}],
        Described(Decimal32("sNaN"), Array("decimal32", ["sNaN1"])),
        {UInt(1): [Described(1, None)], "a": ()},
        *EXAMPLES,
    ],
    ids=repr,
)
def test_same_value_holds_for_copies(value: Any) -> None:
    assert same_value(value, value)
    assert same_value(value, copy.deepcopy(value))
    assert same_value(value, pickle.loads(pickle.dumps(value)))


def test_same_value_compares_nan_bits() -> None:
    quiet = struct.unpack(">d", bytes.fromhex("7ff8000000000000"))[0]
    payload = struct.unpack(">d", bytes.fromhex("7ff8000000000001"))[0]
    assert same_value(quiet, struct.unpack(">d", bytes.fromhex("7ff8000000000000"))[0])
    assert not same_value(quiet, payload)
    assert not same_value(Float(quiet), Float(struct.unpack(">d", bytes.fromhex("7ff8000020000000"))[0]))


def test_same_value_compares_dataclasses_field_by_field() -> None:
    @dataclasses.dataclass(frozen=True)
    class Pair:
        first: Any
        second: Any = dataclasses.field(default=None, compare=False)

    assert same_value(Pair(UInt(1), "x"), Pair(UInt(1), "y"))
    assert not same_value(Pair(UInt(1)), Pair(1))
    assert not same_value(Pair(0.0), Pair(-0.0))
    assert same_value(Pair([Float(math.nan)]), Pair([Float(math.nan)]))
    assert same_value(Limits(max_depth=5), Limits(max_depth=5))
    assert not same_value(Limits(max_depth=5), DEFAULT_LIMITS)


def test_same_value_never_raises() -> None:
    loop: list[Any] = []
    loop.append(loop)
    other: list[Any] = []
    other.append(other)
    assert same_value(loop, loop)
    assert not same_value(loop, other)
    deep_a: list[Any] = []
    deep_b: list[Any] = []
    for _ in range(100_000):
        deep_a, deep_b = [deep_a], [deep_b]
    assert not same_value(deep_a, deep_b)
    shallow_a: list[Any] = []
    shallow_b: list[Any] = []
    for _ in range(1000):
        shallow_a, shallow_b = [shallow_a], [shallow_b]
    assert same_value(shallow_a, shallow_b)

    class Hostile:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("no comparing")

        __hash__ = object.__hash__

    assert not same_value(Hostile(), Hostile())
    assert not same_value(Decimal("sNaN"), Decimal("NaN"))
    assert same_value(Decimal("sNaN"), Decimal("sNaN"))
