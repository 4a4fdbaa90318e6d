"""The compiled backend against the pure one, side by side (the value codec is the one rule written twice).

``_speedups`` must give the same bytes, the same values and the same errors as
``_pure``: class, ``offset``, ``constructor``, ``limit``, ``path`` and message.  The
properties run on the hypothesis strategies of :mod:`amqpcodec.strategies`, on
arbitrary bytes and on mutated valid encodings; the deterministic cases pin the
corners (nesting at N and N+1, hostile counts, input types, offsets).

A ``_pure`` bug that the compiled backend copies (to stay identical) is a strict
xfail here naming the bug, so it fails loudly once both are fixed.

Skipped when the compiled backend is not built (``both_backends``), except in CI.
"""

from __future__ import annotations

import ast as python_ast
import datetime as dt
import re
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amqpcodec import _errortext, _pure
from amqpcodec import strategies as ast
from amqpcodec._backend import Backend
from amqpcodec._spec import Code
from amqpcodec.errors import EncodeError, LimitExceededError
from amqpcodec.limits import DEFAULT_LIMITS, MAX_DEPTH_CEILING, Limits
from amqpcodec.testing import same_value
from amqpcodec.types import (
    Array,
    Byte,
    Char,
    Decimal32,
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
    _new_array,
)
from tests.helpers.outcomes import outcome, same_outcome
from tests.helpers.paths import ROOT

Backends = list[tuple[str, Backend]]

fixture_settings = settings(
    suppress_health_check=[*settings.default.suppress_health_check, HealthCheck.function_scoped_fixture]
)

TIGHT = Limits(max_depth=3, max_container_items=4, max_map_entries=2)
LIMITS = [DEFAULT_LIMITS, TIGHT]


def compiled_backend(backends: Backends) -> ModuleType:
    return dict(backends)["cython"]


def case_id(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int beyond str()'s digit limit
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 40 else text[:37] + "..."


# --------------------------------------------------------------------------- outcomes


def decode_outcomes(backends: Backends, data: Any, offset: int, limits: Limits) -> list[tuple[Any, ...]]:
    return [outcome(lambda b=backend: b.decode_prefix(data, offset, limits)) for _, backend in backends]


def encode_outcomes(backends: Backends, value: Any, limits: Limits) -> list[tuple[Any, ...]]:
    return [outcome(lambda b=backend: b.encode(value, limits)) for _, backend in backends]


def assert_decoders_agree(
    backends: Backends, data: Any, offset: int = 0, limits: Limits = DEFAULT_LIMITS
) -> None:
    pure, compiled = decode_outcomes(backends, data, offset, limits)
    assert same_outcome(pure, compiled), (bytes(data).hex(), offset, pure, compiled)


def assert_encoders_agree(backends: Backends, value: Any, limits: Limits = DEFAULT_LIMITS) -> None:
    pure, compiled = encode_outcomes(backends, value, limits)
    assert pure == compiled, (value, pure, compiled)


# --------------------------------------------------------------------------- properties


@fixture_settings
@given(value=ast.values())
def test_encoders_give_the_same_bytes(both_backends: Backends, value: Any) -> None:
    (_, pure), (_, compiled) = both_backends
    assert pure.encode(value, DEFAULT_LIMITS) == compiled.encode(value, DEFAULT_LIMITS)


@fixture_settings
@given(value=ast.values())
def test_every_encoder_decoder_pair_round_trips(both_backends: Backends, value: Any) -> None:
    for _, encoder in both_backends:
        data = encoder.encode(value, DEFAULT_LIMITS)
        for _, decoder in both_backends:
            decoded, end = decoder.decode_prefix(data, 0, DEFAULT_LIMITS)
            assert end == len(data)
            assert same_value(decoded, value), (encoder.__name__, decoder.__name__, value, decoded)


@fixture_settings
@given(value=ast.values(), prefix=st.binary(max_size=5), suffix=st.binary(max_size=5))
def test_decoders_agree_at_an_offset_inside_other_bytes(
    both_backends: Backends, value: Any, prefix: bytes, suffix: bytes
) -> None:
    data = prefix + pure_encode(value) + suffix
    for wrap in (bytes, bytearray, memoryview):
        assert_decoders_agree(both_backends, wrap(data), len(prefix))


@fixture_settings
@given(data=st.binary(max_size=64), limits=st.sampled_from(LIMITS))
def test_decoders_agree_on_arbitrary_bytes(both_backends: Backends, data: bytes, limits: Limits) -> None:
    assert_decoders_agree(both_backends, data, 0, limits)


_CONSTRUCTORS = st.sampled_from([int(code) for code in Code] + [0xFF])


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid encoding with a few bytes changed, dropped, inserted or cut off."""
    data = bytearray(pure_encode(draw(ast.values())))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["set", "constructor", "delete", "insert", "truncate", "count"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "set" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "constructor" and data:
            data[at] = draw(_CONSTRUCTORS)
        elif kind == "delete" and data:
            del data[at]
        elif kind == "insert":
            data.insert(at, draw(st.integers(0, 255)))
        elif kind == "truncate":
            del data[at:]
        elif kind == "count" and data:
            data[at] = draw(st.sampled_from([0, 1, 2, 0x7F, 0xFE, 0xFF]))
    return bytes(data)


def pure_encode(value: Any, limits: Limits = DEFAULT_LIMITS) -> bytes:
    return _pure.encode(value, limits)


@fixture_settings
@given(data=mutated(), limits=st.sampled_from(LIMITS))
def test_decoders_agree_on_mutated_encodings(both_backends: Backends, data: bytes, limits: Limits) -> None:
    assert_decoders_agree(both_backends, data, 0, limits)


_bad_leaves = st.one_of(
    ast.primitives(),
    st.integers(),
    st.floats(),
    st.text(max_size=3),
    st.decimals(),
    st.sampled_from(
        [object(), {1}, 1j, frozenset(), type, "a\udfffb", dt.datetime(2024, 1, 1), memoryview(b"abcd")[::2]]
    ),
)


@fixture_settings
@given(
    value=st.recursive(
        _bad_leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.lists(children, max_size=3).map(tuple),
            st.dictionaries(st.one_of(ast.map_keys(), st.integers()), children, max_size=3),
            st.builds(Described, ast.descriptors(), children),
        ),
        max_leaves=8,
    ),
    limits=st.sampled_from(LIMITS),
)
def test_encoders_agree_on_any_value_or_error(both_backends: Backends, value: Any, limits: Limits) -> None:
    assert_encoders_agree(both_backends, value, limits)


# --------------------------------------------------------------------------- nesting


def nested(kind: str, levels: int) -> Any:
    value: Any = [] if kind == "list0" else None
    for _ in range(levels - (kind == "list0")):
        if kind == "map":
            value = {Symbol("k"): value}
        elif kind == "described":
            value = Described(ULong(1), value)
        else:
            value = [value]
    return value


def nested_wire(kind: str, levels: int) -> bytes:
    """The same nesting built by hand in the 32-bit forms (no encoder involved, and
    beyond what Limits lets an encoder write)."""
    data = b"\x45" if kind == "list0" else b"\x40"
    for _ in range(levels - (kind == "list0")):
        if kind == "map":
            data = b"\xd1" + _u32(len(data) + 7) + _u32(2) + b"\xa3\x01k" + data
        elif kind == "described":
            data = b"\x00\x53\x01" + data
        else:
            data = b"\xd0" + _u32(len(data) + 4) + _u32(1) + data
    return data


@pytest.mark.parametrize("kind", ["list", "map", "described", "list0"])
@pytest.mark.parametrize("depth", [1, 2, 3, 50, MAX_DEPTH_CEILING])
def test_nesting_at_max_depth_and_one_more(both_backends: Backends, kind: str, depth: int) -> None:
    limits = Limits(max_depth=depth)
    for levels in (depth, depth + 1):
        assert_encoders_agree(both_backends, nested(kind, levels), limits)
        assert_decoders_agree(both_backends, nested_wire(kind, levels), 0, limits)
    compiled = compiled_backend(both_backends)
    value, _ = compiled.decode_prefix(nested_wire(kind, depth), 0, limits)
    assert same_value(value, nested(kind, depth))
    with pytest.raises(LimitExceededError) as caught:
        compiled.decode_prefix(nested_wire(kind, depth + 1), 0, limits)
    assert caught.value.limit == "max_depth"
    with pytest.raises(EncodeError):
        compiled.encode(nested(kind, depth + 1), limits)


def nested_arrays(levels: int) -> Array:
    value = Array("uint", [])
    for _ in range(levels - 1):
        value = Array("array", [value])
    return value


@pytest.mark.parametrize("depth", [1, 2, 7, 100])
def test_arrays_nested_at_max_depth_and_one_more(both_backends: Backends, depth: int) -> None:
    limits = Limits(max_depth=depth)
    for levels in (depth, depth + 1):
        assert_encoders_agree(both_backends, nested_arrays(levels), limits)
        data = pure_encode(nested_arrays(levels), Limits(max_depth=MAX_DEPTH_CEILING))
        assert_decoders_agree(both_backends, data, 0, limits)


def test_arrays_nested_to_the_ceiling(both_backends: Backends) -> None:
    limits = Limits(max_depth=MAX_DEPTH_CEILING)
    for levels in (MAX_DEPTH_CEILING, MAX_DEPTH_CEILING + 1):
        assert_encoders_agree(both_backends, nested_arrays(levels), limits)
    compiled = compiled_backend(both_backends)
    data = compiled.encode(nested_arrays(MAX_DEPTH_CEILING), limits)
    assert same_value(compiled.decode_prefix(data, 0, limits)[0], nested_arrays(MAX_DEPTH_CEILING))
    assert_decoders_agree(both_backends, data, 0, limits)
    assert_decoders_agree(
        both_backends, b"\xf0" + _u32(len(data) + 5) + _u32(1) + b"\xe0" + data[1:], 0, limits
    )
    with pytest.raises(EncodeError):
        compiled.encode(Array("array", [nested_arrays(MAX_DEPTH_CEILING)]), limits)


# --------------------------------------------------------------------------- counts


def _u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


HOSTILE = [
    ("list32 claims 2**32-1", b"\xd0" + _u32(8) + _u32(0xFFFFFFFF) + b"\x40\x40\x40\x40"),
    ("map32 claims 2**32-2", b"\xd1" + _u32(8) + _u32(0xFFFFFFFE) + b"\x40\x40\x40\x40"),
    ("map32 odd count", b"\xd1" + _u32(6) + _u32(3) + b"\x40\x40"),
    ("array32 of ulong claims 2**32-1", b"\xf0" + _u32(6) + _u32(0xFFFFFFFF) + b"\x80\x00"),
    ("list8 over its size", b"\xc0\x02\x05\x40"),
    ("list32 size past the end", b"\xd0" + _u32(0xFFFFFFFF) + _u32(1)),
    ("str32 size past the end", b"\xb1" + _u32(0xFFFFFFFF) + b"abc"),
    ("vbin32 size past the end", b"\xb0" + _u32(0x80000000)),
    ("list8 size under its count field", b"\xc0\x00\x00"),
    ("list32 size under its count field", b"\xd0" + _u32(3) + _u32(0)),
    ("list elements short of the size", b"\xc0\x04\x01\x40"),
    ("array element past the size", b"\xe0\x03\x02\x52\x01\x02"),
    ("array of two descriptors", b"\xe0\x06\x01\x00\x53\x01\x00\x40"),
    ("array with an unknown element", b"\xe0\x03\x01\xff\x00"),
    ("array with no element constructor", b"\xe0\x01\x00"),
    ("array descriptor cut", b"\xe0\x02\x00\x00"),
    ("map with a duplicate key", b"\xc1\x07\x04\xa1\x01a\x40\xa3\x01a\x41"),
    ("map with True and 1 as keys", b"\xc1\x05\x04\x41\x40\x52\x01\x40"),
    ("map with an unhashable key", b"\xc1\x04\x02\x45\x40"),
    ("map with an sNaN decimal key", b"\xc1\x07\x02\x74\x7e\x00\x00\x00\x40"),
    ("map duplicate, then a bad value", b"\xc1\x09\x06\x40\x40\x40\x40\x40\x56\x07"),
    ("bad utf-8 in a str8", b"\xa1\x02\xc3\x28"),
    ("bad utf-8 in a str32", b"\xb1" + _u32(1) + b"\xff"),
    ("non-ASCII sym8", b"\xa3\x01\xe9"),
    ("surrogate char", b"\x73\x00\x00\xd8\x00"),
    ("char beyond Unicode", b"\x73\x00\x11\x00\x00"),
    ("boolean byte 2", b"\x56\x02"),
    ("unknown constructor", b"\xc0\x02\x01\xff"),
    ("described cut after the descriptor", b"\x00\x53\x01"),
    ("NaN float with a payload", b"\x72\x7f\x80\x00\x01"),
    ("decimal128 NaN", b"\x94\x7c" + bytes(15)),
]


@pytest.mark.parametrize("data", [d for _, d in HOSTILE], ids=[n for n, _ in HOSTILE])
@pytest.mark.parametrize("limits", LIMITS, ids=["default", "tight"])
def test_hostile_bytes_give_the_same_error(both_backends: Backends, data: bytes, limits: Limits) -> None:
    assert_decoders_agree(both_backends, data, 0, limits)
    for cut in range(len(data)):
        # Cut short at the top level (IncompleteError), and inside a list8 whose size
        # ends where the cut is (a plain DecodeError naming the list).
        assert_decoders_agree(both_backends, data[:cut], 0, limits)
        assert_decoders_agree(both_backends, b"\xc0" + bytes([cut + 1, 1]) + data[:cut], 0, limits)


@pytest.mark.parametrize("element", [0x40, 0x41, 0x42, 0x43, 0x44, 0x45])
def test_zero_width_arrays_up_to_max_container_items(both_backends: Backends, element: int) -> None:
    limits = Limits(max_container_items=5)
    assert_decoders_agree(both_backends, bytes([0xE0, 2, 5, element]), 0, limits)
    assert_decoders_agree(both_backends, b"\xf0" + _u32(5) + _u32(5) + bytes([element]), 0, limits)


ZERO_WIDTH_OVER_LIMIT = [bytes([0xE0, 2, 6, 0x40]), b"\xf0" + _u32(5) + _u32(0xFFFFFFFF) + b"\x45"]


@pytest.mark.parametrize("data", ZERO_WIDTH_OVER_LIMIT, ids=["array8", "array32"])
def test_zero_width_arrays_over_max_container_items(both_backends: Backends, data: bytes) -> None:
    with pytest.raises(LimitExceededError) as caught:
        compiled_backend(both_backends).decode_prefix(data, 0, Limits(max_container_items=5))
    assert (caught.value.offset, caught.value.constructor, caught.value.limit) == (
        1,
        data[0],
        "max_container_items",
    )


@pytest.mark.parametrize("data", ZERO_WIDTH_OVER_LIMIT, ids=["array8", "array32"])
def test_zero_width_arrays_over_max_container_items_agree(both_backends: Backends, data: bytes) -> None:
    pure, compiled = decode_outcomes(both_backends, data, 0, Limits(max_container_items=5))
    assert pure == compiled


def test_counts_at_the_limits(both_backends: Backends) -> None:
    limits = Limits(max_container_items=3, max_map_entries=2)
    for n in (2, 3, 4):
        assert_decoders_agree(both_backends, bytes([0xC0, n + 1, n]) + b"\x40" * n, 0, limits)
        assert_decoders_agree(both_backends, bytes([0xE0, n + 2, n, 0x50]) + b"\x07" * n, 0, limits)
        keys = b"".join(bytes([0x52, i, 0x40]) for i in range(1, n + 1))
        assert_decoders_agree(both_backends, bytes([0xC1, len(keys) + 1, 2 * n]) + keys, 0, limits)
        assert_encoders_agree(both_backends, [None] * n, limits)
        assert_encoders_agree(both_backends, Array("ubyte", [UByte(7)] * n), limits)
        assert_encoders_agree(both_backends, {UInt(i): None for i in range(n)}, limits)


# --------------------------------------------------------------------------- inputs


def test_bytes_like_inputs_and_offsets(both_backends: Backends) -> None:
    data = pure_encode([Symbol("a"), {"k": UInt(300)}, Array("int", [Int(1), Int(-70000)])])
    padded = b"\x40\xff" + data + b"\x45"
    for wrap in (bytes, bytearray, memoryview, lambda d: memoryview(bytearray(d))):
        assert_decoders_agree(both_backends, wrap(padded), 2)
        for offset in range(len(padded) + 1):
            assert_decoders_agree(both_backends, wrap(padded), offset)
    assert_decoders_agree(both_backends, memoryview(padded).cast("B", (1, len(padded))), 2)
    assert_decoders_agree(both_backends, memoryview(b"\x40" * 8).cast("I"), 1)
    assert_decoders_agree(both_backends, memoryview(b"\x40" * 8).cast("B", (2, 4)), 1)


@pytest.mark.parametrize("offset", [-1, -100, 5, 6, 2**70, -(2**70)])
def test_offsets_out_of_range(both_backends: Backends, offset: int) -> None:
    pure, compiled = decode_outcomes(both_backends, b"\x40\x40\x40\x40\x40", offset, DEFAULT_LIMITS)
    assert pure == compiled
    if offset != 5:
        assert pure[0] is ValueError


@pytest.mark.parametrize(
    "data",
    [
        b"",
        bytearray(),
        memoryview(b""),
        memoryview(b"\x40\x41\x42\x43")[::2],
        memoryview(b"\x40\x41\x42\x43")[::-1],
        "not bytes",
        12,
        None,
        [0x40],
    ],
    ids=["bytes", "bytearray", "memoryview", "strided", "reversed", "str", "int", "None", "list"],
)
def test_odd_inputs(both_backends: Backends, data: Any) -> None:
    for offset in (0, 1):
        pure, compiled = decode_outcomes(both_backends, data, offset, DEFAULT_LIMITS)
        assert pure == compiled, (pure, compiled)


def test_values_decoded_from_a_bytearray_do_not_share_it(both_backends: Backends) -> None:
    for _, backend in both_backends:
        data = bytearray(pure_encode([b"abc", "def", Symbol("g")]))
        value, _ = backend.decode_prefix(data, 0, DEFAULT_LIMITS)
        data[:] = bytes(len(data))
        assert value == [b"abc", "def", "g"]


# --------------------------------------------------------------------------- encoding


@pytest.mark.parametrize(
    "value",
    [
        0,
        -128,
        127,
        128,
        -129,
        2**63 - 1,
        -(2**63),
        2**63,
        2**64 - 1,
        2**64,
        -(2**63) - 1,
        -(2**70),
        10**5000,
        Long(-(2**63)),
        Long(2**63 - 1),
        int.__new__(Long, 2**63),
        True,
        False,
        None,
        UInt(0),
        UInt(255),
        UInt(256),
        UInt(2**32 - 1),
        ULong(0),
        ULong(255),
        ULong(256),
        ULong(2**64 - 1),
        UByte(255),
        UShort(65535),
        Byte(-128),
        Short(-32768),
        Int(-129),
        Int(2**31 - 1),
        Float(3.5),
        Float(float("nan")),
        Float(float("-inf")),
        float.__new__(Float, 1e300),
        float.__new__(Float, 3.4028235677973366e38),
        float("nan"),
        -0.0,
        Decimal32("1.5"),
        Decimal128("-0"),
        Decimal("1E+7000"),
        Decimal("sNaN123"),
        Char("\U0010ffff"),
        Timestamp(-1),
        dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone.utc),
        dt.datetime(2024, 1, 1),
        uuid.UUID(int=2**128 - 1),
        "",
        "a" * 255,
        "a" * 256,
        "é" * 200,
        "\ud800",
        "x\udfff",
        Symbol(""),
        Symbol("s" * 256),
        b"",
        bytearray(300),
        memoryview(b"abc"),
        memoryview(b"abcd")[::2],
        memoryview(b"\x00" * 8).cast("I"),
        [],
        (),
        [None] * 255,
        [None] * 256,
        list(range(100)),
        {},
        {Symbol(str(i)): i for i in range(130)},
        {1: [2, {3: "\ud800"}]},
        Described(0x70, []),
        Described("amqp:x", {"a": 1}),
        Described(object(), 1),
        Array("null", [None] * 3),
        Array("boolean", [True, False]),
        Array("uint", []),
        Array("uint", [1, 255]),
        Array("uint", [1, 256]),
        Array("ulong", [2**64 - 1]),
        Array("int", [-128, 127]),
        Array("int", [-129]),
        Array("long", [-(2**63)]),
        Array("float", [1.5, float("nan")]),
        Array("double", [0.1]),
        Array("decimal64", [Decimal("1.1")]),
        Array("char", ["a", "\U0001f600"]),
        Array("timestamp", [0]),
        Array("uuid", [uuid.UUID(int=1)]),
        Array("binary", [b"x" * 255]),
        Array("binary", [b"x" * 256]),
        Array("string", ["a", "é" * 200]),
        Array("symbol", ["a", "b"]),
        Array("list", [[], [1, 2]]),
        Array("list", [[None] * 300]),
        Array("map", [{}, {"a": 1}]),
        Array("array", [Array("uint", [1]), Array("string", [])]),
        Array("ulong", [1], descriptor=0x10),
        Array("string", ["x\ud800"]),
        Array("string", ["ok", "x\ud800"]),
        Array("uint", [1], descriptor=object()),
    ],
    ids=case_id,
)
@pytest.mark.parametrize("limits", LIMITS, ids=["default", "tight"])
def test_encoders_agree(both_backends: Backends, value: Any, limits: Limits) -> None:
    assert_encoders_agree(both_backends, value, limits)


ARRAY_PATH_CASES = [
    (Array("list", [[None, 1j]], descriptor="d"), "[0][1]"),
    (Array("list", [[], [None, 1j]]), "[1][1]"),
    ({"a": [Array("map", [{"x": 1j}])]}, "['a'][0][0]['x']"),
    (Array("array", [Array("uint", []), Array("list", [[1j]])]), "[1][0][0]"),
]


@pytest.mark.parametrize(("value", "path"), ARRAY_PATH_CASES, ids=case_id)
def test_encode_errors_in_arrays_of_compounds_name_each_index_once(
    both_backends: Backends, value: Any, path: str
) -> None:
    with pytest.raises(EncodeError) as caught:
        compiled_backend(both_backends).encode(value, DEFAULT_LIMITS)
    assert caught.value.path == path


@pytest.mark.parametrize(("value", "path"), ARRAY_PATH_CASES, ids=case_id)
def test_encode_errors_in_arrays_of_compounds_agree(both_backends: Backends, value: Any, path: str) -> None:
    pure, compiled = encode_outcomes(both_backends, value, DEFAULT_LIMITS)
    assert pure == compiled


class _Sub(int):
    pass


class _Hooked:
    def __amqp__(self) -> Any:
        return Described(ULong(0x77), [1, Symbol("x")])


class _Forever:
    def __amqp__(self) -> Any:
        return self


class _Mapping(dict):  # type: ignore[type-arg]
    def items(self) -> Any:
        return [("k", UInt(1))]


class _Seq(list):  # type: ignore[type-arg]
    pass


@pytest.mark.parametrize(
    "value",
    [
        _Sub(5),
        _Sub(2**64 - 1),
        [_Hooked(), _Hooked()],
        [_Forever()],
        _Mapping(a=1),
        _Seq([1, 2]),
        Array("uint", [_Sub(3)]),
    ],
    ids=case_id,
)
def test_subclasses_and_hooks(both_backends: Backends, value: Any) -> None:
    assert_encoders_agree(both_backends, value, DEFAULT_LIMITS)


def test_the_compiled_encoder_knows_the_types_pure_does(both_backends: Backends) -> None:
    """Its exact-type table matches ``_pure._ENCODERS`` as imported (before caching)."""
    script = (
        "from amqpcodec import _speedups\nfrom amqpcodec._pure import encoder as _pure\n"
        "print(sorted(map(repr, _pure._ENCODERS)) == sorted(map(repr, _speedups._ENCODED_TYPES)))\n"
        "print(len(set(_speedups._ENCODED_TYPES)) == len(_speedups._ENCODED_TYPES))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["True", "True"]


# Wrappers built around their constructor's checks (int.__new__, str.__new__), and
# arrays built around Array's: each low-level fault is an EncodeError with the path.
BYPASSED = [
    int.__new__(UByte, 300),
    int.__new__(UShort, -1),
    int.__new__(UInt, -1),
    int.__new__(UInt, 2**32),
    int.__new__(ULong, 2**64),
    int.__new__(ULong, -5),
    int.__new__(Byte, 300),
    int.__new__(Byte, -(2**70)),
    int.__new__(Short, 2**15),
    int.__new__(Int, 2**40),
    int.__new__(Long, -(2**63) - 1),
    int.__new__(Timestamp, 2**64),
    float.__new__(Float, 1e39),
    str.__new__(Symbol, "é"),
    str.__new__(Char, "ab"),
    str.__new__(Char, ""),
    _new_array("uint", (int.__new__(UInt, -1),), None),
    _new_array("uint", (UInt(1), int.__new__(UInt, 2**32)), None),
    _new_array("int", (Int(1), "x"), None),
    _new_array("float", (Float(1), float.__new__(Float, 1e39)), None),
    _new_array("char", (Char("a"), 5), None),
    _new_array("double", (1.0, 2, "x"), None),
    _new_array("binary", (b"", 1.5), None),
    _new_array("symbol", (str.__new__(Symbol, "é"),), None),
    _new_array("decimal32", (Decimal32("1"), Decimal("1E+1000")), None),
    _new_array("list", ([], 5), None),
    _new_array("nonsense", (), None),
]


@pytest.mark.parametrize("value", BYPASSED, ids=case_id)
def test_values_built_around_their_checks(both_backends: Backends, value: Any) -> None:
    assert_encoders_agree(both_backends, [value])
    assert_encoders_agree(both_backends, value)
    pure, _ = encode_outcomes(both_backends, [value], DEFAULT_LIMITS)
    assert pure[0] is EncodeError or pure[0] is KeyError


def test_a_surrogate_char_is_an_encode_error(both_backends: Backends) -> None:
    value = str.__new__(Char, "\ud800")
    assert_encoders_agree(both_backends, value)
    for _, backend in both_backends:
        with pytest.raises(EncodeError):
            backend.encode(value, DEFAULT_LIMITS)


def test_repeated_short_text_keeps_its_type_and_content(both_backends: Backends) -> None:
    """Short strings and symbols decoded again and again (the compiled backend caches
    them), including colliding cache slots, equal str and Symbol text, and non-ASCII."""
    texts = [f"k{i}" for i in range(3000)] + ["", "é", "a" * 64, "a" * 65, "x\x00y"]
    value = [Symbol(t) if t.isascii() and i % 2 else t for i, t in enumerate(texts)]
    value += [Symbol(t) for t in texts if t.isascii()] + texts
    data = pure_encode(value, Limits(max_container_items=10**5))
    for _ in range(3):
        assert_decoders_agree(both_backends, data, 0, Limits(max_container_items=10**5))
        decoded, _ = compiled_backend(both_backends).decode_prefix(data, 0, Limits(max_container_items=10**5))
        assert same_value(decoded, value)


# --------------------------------------------------------------------------- error texts


class _LooseLimits:
    """A ``limits`` that is not a ``Limits``: its fields unchecked, read as they are."""

    def __init__(self, **fields: int) -> None:
        self.max_depth = 10
        self.max_container_items = 10
        self.max_map_entries = 10
        self.max_message_size = 1000
        self.__dict__.update(fields)


@pytest.mark.parametrize("items", [-(2**63), -(2**62) - 1, 2**70])
def test_count_errors_show_the_limit_as_given(both_backends: Backends, items: int) -> None:
    """The compiled backend holds limits as C integers, clamped; its messages show the
    limit as given, as ``_pure``'s do."""
    limits: Any = _LooseLimits(max_container_items=items)
    for data in (b"\xc0\x02\x01\x40", b"\xe0\x02\x01\x40", b"\xe0\x03\x02\x50\x01\x02"):
        assert_decoders_agree(both_backends, data, 0, limits)


@pytest.mark.parametrize("left", [-(2**70), -(2**63), -1, 0])
def test_a_spent_zero_width_budget_is_shown_as_given(both_backends: Backends, left: int) -> None:
    outcomes = [
        outcome(lambda b=backend: b.decode_prefix(b"\xe0\x02\x01\x40", 0, DEFAULT_LIMITS, [left]))
        for _, backend in both_backends
    ]
    assert outcomes[0] == outcomes[1]
    assert f"only {left} of" in outcomes[0][-1]


#: The package's sources (an installed wheel has no .pyx or .pxi: read the source tree).
_PACKAGE = ROOT / "src" / "amqpcodec"


def _template(node: python_ast.expr) -> str | None:
    """A string literal's text, an f-string's with ``{}`` for each field; else None."""
    if isinstance(node, python_ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, python_ast.JoinedStr):
        return "".join(part.value if isinstance(part, python_ast.Constant) else "{}" for part in node.values)
    return None


def _python_texts(path: Path) -> set[str]:
    """The string literals and f-string templates of a module, docstrings left out."""
    tree = python_ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value)
        for node in python_ast.walk(tree)
        if isinstance(node, python_ast.Expr) and isinstance(node.value, python_ast.Constant)
    }
    inner = {
        id(part)
        for node in python_ast.walk(tree)
        if isinstance(node, python_ast.JoinedStr)
        for part in node.values
    }
    texts = set()
    for node in python_ast.walk(tree):
        if id(node) in docstrings or id(node) in inner or not isinstance(node, python_ast.expr):
            continue
        text = _template(node)
        if text is not None:
            texts.add(text)
    return texts


def _cython_texts(path: Path) -> set[str]:
    """The one-line string literals of a Cython source, f-strings as templates."""
    source = re.sub(r'"""[\s\S]*?"""', "", path.read_text(encoding="utf-8"))
    source = re.sub(r"(?m)(^|\s)#.*$", "", source)
    texts = set()
    for match in re.finditer(r'(?<![\w"])([fF]?)"((?:[^"\\\n]|\\.)*)"', source):
        text = match.group(2)
        texts.add(re.sub(r"\{[^{}]*\}", "{}", text) if match.group(1) else text)
    return texts


def _prose(text: str) -> bool:
    """Message text worth spelling once: at least 12 characters besides its fields, and
    not a name (``"max_container_items"`` is a limit's name, not a message)."""
    return len(text.replace("{}", "")) >= 12 and not text.isidentifier()


def test_shared_error_texts_are_spelled_only_in_errortext() -> None:
    """No text of ``_errortext`` is spelled again in either backend: neither a part of
    one, nor one with some of its fields written out (``"list has {} items, ..."``)."""
    shared = {text for text in _python_texts(_PACKAGE / "_errortext.py") if _prose(text)}
    assert len(shared) > 40
    patterns = [re.compile(".*".join(re.escape(part) for part in text.split("{}")), re.S) for text in shared]
    sources = sorted((_PACKAGE / "_pure").glob("*.py"))
    sources += sorted((_PACKAGE / "_cython").glob("*.pxi")) + sorted(_PACKAGE.glob("_speedups.pyx"))
    respelled = []
    for path in sources:
        texts = _cython_texts(path) if path.suffix in (".pyx", ".pxi") else _python_texts(path)
        for text in texts:
            if not _prose(text):
                continue
            if any(text in known for known in shared) or any(pattern.search(text) for pattern in patterns):
                respelled.append((path.name, text))
    assert not respelled


def test_every_error_text_is_used() -> None:
    sources = [*_PACKAGE.rglob("*.py"), *(_PACKAGE / "_cython").glob("*.pxi"), _PACKAGE / "_speedups.pyx"]
    used = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    assert [name for name in _errortext.__all__ if f"_text.{name}" not in used] == []
