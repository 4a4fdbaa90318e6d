"""The error contract of the value codec on hostile input (README "Security", docs: limits-and-security
"Limits and errors").

Decoding arbitrary or corrupted bytes gives a value or an
:class:`~amqpcodec.errors.AMQPCodecError`, never ``IndexError``, ``struct.error``,
``RecursionError``, ``MemoryError``, ``UnicodeDecodeError``... ; every bound of
:class:`~amqpcodec.limits.Limits` holds at N and fails at N+1, checked before anything
is allocated; encoding reports what it cannot encode as an ``EncodeError`` with the
path to the offending part.  Besides fuzzed and mutated input, the deterministic
hostile byte strings are built by hand, never by our encoder, so an encoder bug cannot
hide a decoder one.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amqpcodec import (
    DEFAULT_LIMITS,
    AMQPCodecError,
    Array,
    Char,
    DecodeError,
    Described,
    EncodeError,
    Float,
    IncompleteError,
    LimitExceededError,
    Limits,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UnsupportedTypeError,
    decode,
    decode_prefix,
    encode,
)
from amqpcodec import strategies as ast
from amqpcodec._backend import Backend, get_backend
from amqpcodec._spec import ENCODINGS
from amqpcodec.limits import MAX_DEPTH_CEILING
from amqpcodec.testing import same_value

with_fixture = settings(
    suppress_health_check=[*settings.default.suppress_health_check, HealthCheck.function_scoped_fixture]
)
#: Decoding garbage is cheap, so the fuzz tests look at more examples than the profile's default.
fuzz = settings(with_fixture, max_examples=max(settings.default.max_examples, 1000))

TIGHT = Limits(max_depth=3, max_container_items=4, max_map_entries=2)
_u32 = struct.Struct(">I")


def _decodes_or_fails_cleanly(backend: Backend, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Decode ``data``: a value (which must re-encode losslessly) or an AMQPCodecError.

    Anything else escaping fails the test with its own traceback.
    """
    try:
        value, end = backend.decode_prefix(data, 0, limits)
    except AMQPCodecError as error:
        assert isinstance(error, DecodeError)
        assert isinstance(error.offset, int) and 0 <= error.offset <= len(data), error.offset
        return error
    assert 0 < end <= len(data)
    assert same_value(decode(encode(value, limits=limits), limits=limits), value)
    return value


# Constructor bytes, size and count bytes that steer random input into the
# interesting paths: every constructor of §1.6 plus a few sizes.
_bytes_of_interest = st.one_of(
    st.sampled_from(sorted({e.code for e in ENCODINGS})),
    st.sampled_from([0x00, 0x01, 0x02, 0x04, 0x7F, 0x80, 0xFE, 0xFF]),
    st.integers(0, 255),
)
structured_bytes = st.lists(_bytes_of_interest, max_size=48).map(bytes)


@fuzz
@given(data=st.binary(max_size=64))
def test_arbitrary_bytes(any_backend: Backend, data: bytes) -> None:
    _decodes_or_fails_cleanly(any_backend, data)


@fuzz
@given(data=structured_bytes)
def test_bytes_made_of_constructors(any_backend: Backend, data: bytes) -> None:
    _decodes_or_fails_cleanly(any_backend, data)
    _decodes_or_fails_cleanly(any_backend, data, TIGHT)


@st.composite
def mutated_encodings(draw: st.DrawFn) -> bytes:
    """The encoding of a value with a few bytes flipped, overwritten, inserted or deleted,
    or cut short."""
    data = bytearray(encode(draw(ast.values(max_leaves=8))))
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if operation == "insert":
            data.insert(at, draw(_bytes_of_interest))
        elif operation == "truncate":
            del data[at:]
        elif at < len(data):
            if operation == "flip":
                data[at] ^= draw(st.integers(1, 255))
            elif operation == "set":
                data[at] = draw(_bytes_of_interest)
            else:
                del data[at]
    return bytes(data)


@fuzz
@given(data=mutated_encodings())
def test_mutated_encodings(any_backend: Backend, data: bytes) -> None:
    _decodes_or_fails_cleanly(any_backend, data)
    _decodes_or_fails_cleanly(any_backend, data, TIGHT)


@given(ast.values())
def test_every_cut_of_an_encoding_is_incomplete(value: Any) -> None:
    data = encode(value)
    for cut in range(len(data)):
        with pytest.raises(IncompleteError) as caught:
            decode_prefix(data[:cut])
        assert caught.value.offset is not None and caught.value.offset <= cut


@given(st.one_of(mutated_encodings(), structured_bytes), st.binary(min_size=1, max_size=8))
def test_more_bytes_change_nothing_but_incompleteness(data: bytes, extra: bytes) -> None:
    """What ``decode_prefix`` says about ``data`` holds for ``data + extra`` unless it
    said "incomplete": the stream readers rely on this."""
    try:
        value, end = decode_prefix(data)
    except IncompleteError:
        return
    except DecodeError as error:
        with pytest.raises(type(error)) as caught:
            decode_prefix(data + extra)
        assert caught.value.offset == error.offset
        return
    extended, extended_end = decode_prefix(data + extra)
    assert extended_end == end
    assert same_value(extended, value)


def test_incomplete_only_at_the_top_level() -> None:
    """Running past the end of an enclosing compound is corruption, not a short read."""
    # list8 of size 3, count 1, whose one element (str8 of 5 bytes) overruns the list.
    data = bytes([0xC0, 0x03, 0x01, 0xA1, 0x05]) + b"hello"
    with pytest.raises(DecodeError) as caught:
        decode_prefix(data)
    assert type(caught.value) is DecodeError
    with pytest.raises(IncompleteError):
        decode_prefix(bytes([0xA1, 0x05]) + b"hel")


# --- map keys Python cannot hold ------------------------------------------------------------


def _map_with_keys(*keys: str) -> tuple[bytes, int]:
    """A map8 of ``keys`` (hex) each mapped to null, and the offset of the last key."""
    body = b""
    for key in keys:
        last = 3 + len(body)
        body += bytes.fromhex(key) + b"\x40"
    return bytes([0xC1, len(body) + 1, 2 * len(keys)]) + body, last


@pytest.mark.parametrize(
    "keys",
    [
        ("a1 01 61", "a3 01 61"),  # 'a' / Symbol('a')
        ("73 00000061", "a1 01 61"),  # Char('a') / 'a'
        ("41", "55 01"),  # True / 1
        ("52 01", "80 0000000000000001"),  # UInt(1) / ULong(1)
        ("50 01", "51 01"),  # UByte(1) / Byte(1)
        ("42", "43"),  # False / UInt(0)
        ("44", "43"),  # ULong(0) / UInt(0)
        ("82 0000000000000000", "82 8000000000000000"),  # 0.0 / -0.0
        ("72 3f800000", "82 3ff0000000000000"),  # Float(1.0) / 1.0
        ("83 0000000000000005", "55 05"),  # Timestamp(5) / 5
        ("74 3200000a", "74 31800064"),  # Decimal32('1.0') / Decimal32('1.00')
        ("a1 01 62", "a1 01 61", "a3 01 62"),  # the duplicate is the third key
        ("45",),  # []
        ("c0 01 00",),  # list8 []
        ("c1 01 00",),  # {}
        ("e0 02 00 40",),  # Array('null', [])
        ("74 7e000000",),  # Decimal32('sNaN')
        ("00 53 01 45",),  # Described(1, [])
    ],
)
def test_map_keys_python_cannot_hold(any_backend: Backend, keys: tuple[str, ...]) -> None:
    data, offset = _map_with_keys(*keys)
    with pytest.raises(DecodeError) as caught:
        any_backend.decode_prefix(data, 0, DEFAULT_LIMITS)
    assert type(caught.value) is DecodeError
    assert caught.value.offset == offset


def test_nan_keys_are_distinct(any_backend: Backend) -> None:
    data, _ = _map_with_keys("82 7ff8000000000000", "82 7ff8000000000000")
    decoded, _ = any_backend.decode_prefix(data, 0, DEFAULT_LIMITS)
    assert len(decoded) == 2


# --- nesting ---------------------------------------------------------------------------------


def _chain(headers: Iterable[tuple[bytes, bytes]], innermost: bytes) -> bytes:
    """Join nested headers, outermost first, around ``innermost``; each header is
    ``(before, after)`` around a 32-bit size that must cover everything after it."""
    parts = [innermost]
    length = len(innermost)
    for before, after in reversed(list(headers)):
        size = _u32.pack(len(after) + length)
        parts += (after, size, before)
        length += len(before) + 4 + len(after)
    return b"".join(reversed(parts))


def nested_lists(levels: int) -> bytes:
    """``levels`` list32s, each the one element of the one around it; the innermost empty."""
    return _chain([(b"\xd0", b"\x00\x00\x00\x01")] * (levels - 1), b"\xd0\x00\x00\x00\x04\x00\x00\x00\x00")


def nested_arrays_of_lists(levels: int) -> bytes:
    """An array32 of one list32, holding an array32 of one list32, ... ``levels`` deep."""
    headers = []
    for level in range(levels - 1):
        if level % 2 == 0:  # array32 whose element constructor is list32
            headers.append((b"\xf0", b"\x00\x00\x00\x01\xd0"))
        else:  # that list32 element (no constructor), holding one value
            headers.append((b"", b"\x00\x00\x00\x01"))
    if levels % 2:  # the innermost is an empty array (of nulls)
        innermost = b"\xf0\x00\x00\x00\x05\x00\x00\x00\x00\x40"
    else:  # an empty list element
        innermost = b"\x00\x00\x00\x04\x00\x00\x00\x00"
    return _chain(headers, innermost)


def nested_described(levels: int) -> bytes:
    """``levels`` described values, each the descriptor of the one around it."""
    return b"\x00" * levels + b"\x40" * (levels + 1)


NESTINGS = {
    "list32": (nested_lists, lambda level: 9 * level + 1),
    "array32-of-list32": (nested_arrays_of_lists, None),
    "described": (nested_described, lambda level: level + 1),
}


@pytest.mark.parametrize("kind", NESTINGS)
def test_100000_nested_levels_hit_max_depth(any_backend: Backend, kind: str) -> None:
    build, offset_of = NESTINGS[kind]
    data = build(100_000)
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(data, 0, DEFAULT_LIMITS)
    assert caught.value.limit == "max_depth"
    if offset_of is not None:
        assert caught.value.offset == offset_of(DEFAULT_LIMITS.max_depth)
    with pytest.raises(LimitExceededError):
        decode(data)


@pytest.mark.parametrize("kind", NESTINGS)
@pytest.mark.parametrize("depth", [1, 2, 7, 100, MAX_DEPTH_CEILING])
def test_max_depth_decode_at_n_and_n_plus_1(any_backend: Backend, kind: str, depth: int) -> None:
    build, offset_of = NESTINGS[kind]
    limits = Limits(max_depth=depth)
    data = build(depth)
    _, end = any_backend.decode_prefix(data, 0, limits)
    assert end == len(data)
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(build(depth + 1), 0, limits)
    assert caught.value.limit == "max_depth"
    if offset_of is not None:
        assert caught.value.offset == offset_of(depth)


def _nest(kind: str, levels: int) -> Any:
    """A value ``levels`` compound levels deep (README: list, map, array, described each count)."""
    value: Any = {
        "list": [],
        "map": {},
        "array": Array("null", []),
        "described": Described(1, None),
        "mixed": [],
    }[kind]
    for level in range(levels - 1):
        if kind == "list" or (kind == "mixed" and level % 4 == 0):
            value = [value]
        elif kind == "map" or (kind == "mixed" and level % 4 == 1):
            value = {Symbol("k"): value}
        elif kind == "array" or (kind == "mixed" and level % 4 == 2):
            element_type = (
                "array" if isinstance(value, Array) else "map" if isinstance(value, dict) else "list"
            )
            value = Array(element_type, [value])
        else:
            value = Described(1, value)
    return value


@pytest.mark.parametrize("kind", ["list", "map", "array", "described", "mixed"])
@pytest.mark.parametrize("depth", [1, 2, 7, 100, MAX_DEPTH_CEILING])
def test_max_depth_encode_at_n_and_n_plus_1(
    request: pytest.FixtureRequest, any_backend: Backend, kind: str, depth: int
) -> None:
    limits = Limits(max_depth=depth)
    if kind == "mixed" and depth == 1:
        pytest.skip("one level is not mixed")
    data = any_backend.encode(_nest(kind, depth), limits)
    decoded, _ = any_backend.decode_prefix(data, 0, limits)
    assert same_value(decoded, _nest(kind, depth))
    with pytest.raises(EncodeError) as caught:
        any_backend.encode(_nest(kind, depth + 1), limits)
    assert not isinstance(caught.value, UnsupportedTypeError)
    if depth < MAX_DEPTH_CEILING:
        deeper = any_backend.encode(_nest(kind, depth + 1), Limits(max_depth=depth + 1))
        with pytest.raises(LimitExceededError):
            any_backend.decode_prefix(deeper, 0, limits)


# --- counts checked before allocation ----------------------------------------------------------

_BOUNDED_RUN = """
import importlib, json, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
except (ImportError, ValueError, OSError):
    pass  # no address-space limit here (Windows): the timeout still bounds a runaway decoder
from amqpcodec._backend import get_backend
backend = get_backend(sys.argv[1])
from amqpcodec.limits import DEFAULT_LIMITS
results = []
for data in sys.argv[2:]:
    try:
        backend.decode_prefix(bytes.fromhex(data), 0, DEFAULT_LIMITS)
        results.append(["value", None])
    except BaseException as error:
        results.append([type(error).__name__, getattr(error, "limit", None)])
print(json.dumps(results))
"""


def _decode_in_a_small_address_space(backend: Backend, inputs: list[bytes]) -> list[list[Any]]:
    """Decode each input in a child process limited to 1 GiB of address space, so a
    decoder that allocated what a count claims fails with MemoryError instead of taking
    the machine down; a decoder that looped over the count would hit the timeout."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    completed = subprocess.run(
        [sys.executable, "-c", _BOUNDED_RUN, backend.name, *(data.hex() for data in inputs)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


HOSTILE_COUNTS: list[tuple[str, bytes, str, str | None]] = [
    (
        "list32 of 2**32-1 in 10 bytes",
        b"\xd0" + struct.pack(">II", 5, 2**32 - 1) + b"\x40",
        "DecodeError",
        None,
    ),
    ("map32 of 2**31-1 pairs", b"\xd1" + struct.pack(">II", 5, 2**32 - 2) + b"\x40", "DecodeError", None),
    ("array32 of 2**32-1 ulongs", b"\xf0" + struct.pack(">II", 5, 2**32 - 1) + b"\x80", "DecodeError", None),
    (
        "vbin32 of 2**32-1 bytes",
        b"\xb0" + struct.pack(">I", 2**32 - 1) + b"\x00" * 5,
        "IncompleteError",
        None,
    ),
    ("str32 of 2**32-1 bytes", b"\xb1" + struct.pack(">I", 2**32 - 1) + b"\x00" * 5, "IncompleteError", None),
    ("list32 of size 2**32-1", b"\xd0" + struct.pack(">II", 2**32 - 1, 1) + b"\x40", "IncompleteError", None),
    *(
        (
            f"array32 of 2**32-1 zero-width 0x{code:02x}",
            b"\xf0" + struct.pack(">II", 5, 2**32 - 1) + bytes([code]),
            "LimitExceededError",
            "max_container_items",
        )
        for code in (0x40, 0x41, 0x42, 0x43, 0x44, 0x45)
    ),
]

_CODEC_ERRORS = {"DecodeError", "IncompleteError", "LimitExceededError"}


@functools.cache
def _hostile_results(backend_name: str) -> dict[str, list[Any]]:
    backend = get_backend(backend_name)  # type: ignore[arg-type]
    results = _decode_in_a_small_address_space(backend, [data for _, data, _, _ in HOSTILE_COUNTS])
    return dict(zip([name for name, *_ in HOSTILE_COUNTS], results, strict=True))


@pytest.mark.address_space_cap
def test_hostile_counts_fail_fast_without_allocating(any_backend: Backend) -> None:
    results = _hostile_results(any_backend.name)
    assert {name: error for name, (error, _) in results.items() if error not in _CODEC_ERRORS} == {}


@pytest.mark.address_space_cap
@pytest.mark.parametrize(
    ("name", "error", "limit"),
    [(n, e, lim) for n, _, e, lim in HOSTILE_COUNTS],
    ids=[n for n, *_ in HOSTILE_COUNTS],
)
def test_hostile_counts_raise_the_right_error(
    request: pytest.FixtureRequest, any_backend: Backend, name: str, error: str, limit: str | None
) -> None:
    assert _hostile_results(any_backend.name)[name] == [error, limit]


def _list8(items: bytes, count: int) -> bytes:
    return bytes([0xC0, len(items) + 1, count]) + items


def _map8(items: bytes, count: int) -> bytes:
    return bytes([0xC1, len(items) + 1, count]) + items


def _array8(constructor: int, items: bytes, count: int) -> bytes:
    return bytes([0xE0, len(items) + 2, count, constructor]) + items


N = 5

COUNT_LIMITS: list[tuple[str, Limits, Any, Any, str]] = [
    (
        "list",
        Limits(max_container_items=N),
        lambda n: _list8(b"\x40" * n, n),
        lambda n: [None] * n,
        "max_container_items",
    ),
    (
        "array of nulls (zero-width)",
        Limits(max_container_items=N),
        lambda n: _array8(0x40, b"", n),
        lambda n: Array("null", [None] * n),
        "max_container_items",
    ),
    (
        "array of true (zero-width)",
        Limits(max_container_items=N),
        lambda n: _array8(0x41, b"", n),
        lambda n: Array("boolean", [True] * n),
        "max_container_items",
    ),
    (
        "array of ubytes",
        Limits(max_container_items=N),
        lambda n: _array8(0x50, b"\x07" * n, n),
        lambda n: Array("ubyte", [UByte(7)] * n),
        "max_container_items",
    ),
    (
        "map",
        Limits(max_map_entries=N),
        lambda n: _map8(b"".join(bytes([0x52, i, 0x40]) for i in range(1, n + 1)), 2 * n),
        lambda n: {UInt(i): None for i in range(1, n + 1)},
        "max_map_entries",
    ),
]


@pytest.mark.parametrize(
    ("name", "limits", "wire", "value", "limit"), COUNT_LIMITS, ids=[c[0] for c in COUNT_LIMITS]
)
def test_count_limits_at_n_and_n_plus_1(
    request: pytest.FixtureRequest,
    any_backend: Backend,
    name: str,
    limits: Limits,
    wire: Any,
    value: Any,
    limit: str,
) -> None:
    decoded, _ = any_backend.decode_prefix(wire(N), 0, limits)
    assert same_value(decoded, value(N))
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(wire(N + 1), 0, limits)
    assert caught.value.limit == limit
    assert caught.value.offset == 1
    any_backend.encode(value(N), limits)
    with pytest.raises(EncodeError):
        any_backend.encode(value(N + 1), limits)


def test_zero_width_array_elements_decode() -> None:
    for constructor, expected in [
        (0x40, Array("null", [None] * 3)),
        (0x41, Array("boolean", [True] * 3)),
        (0x42, Array("boolean", [False] * 3)),
        (0x43, Array("uint", [0] * 3)),
        (0x44, Array("ulong", [0] * 3)),
        (0x45, Array("list", [[]] * 3)),
    ]:
        assert same_value(decode(_array8(constructor, b"", 3)), expected)


# --- the encoder's errors --------------------------------------------------------------------


def test_a_list_containing_itself(any_backend: Backend) -> None:
    loop: list[Any] = []
    loop.append(loop)
    for limits in (DEFAULT_LIMITS, Limits(max_depth=MAX_DEPTH_CEILING)):
        with pytest.raises(EncodeError) as caught:
            any_backend.encode(loop, limits)
        assert re.fullmatch(r"(\[0\])+", caught.value.path)
        assert caught.value.path.count("[0]") == limits.max_depth


def test_other_self_containing_values(any_backend: Backend) -> None:
    mapping: dict[str, Any] = {}
    mapping["a"] = mapping
    with pytest.raises(EncodeError) as caught:
        any_backend.encode(mapping, DEFAULT_LIMITS)
    assert re.fullmatch(r"(\['a'\])+", caught.value.path)
    inner: list[Any] = []
    described = Described(1, inner)
    inner.append(described)
    with pytest.raises(EncodeError) as caught:
        any_backend.encode([described], DEFAULT_LIMITS)
    assert re.fullmatch(r"\[0\](\.value\[0\])+(\.value)?", caught.value.path)


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (object(), ""),
        ({1, 2}, ""),
        (frozenset(), ""),
        (complex(1, 2), ""),
        (type, ""),
        ([1, {"k": object()}], "[1]['k']"),
        (Described(1, [None, {1j}]), ".value[1]"),
        (Described(object(), None), ".descriptor"),
        (Array("list", [[None, 1j]]), "[0][1]"),
        (Array("list", [[], [1j]]), "[1][0]"),
        ({"a": [Array("map", [{"x": set()}])]}, "['a'][0][0]['x']"),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else repr(v),
)
def test_unsupported_types(
    request: pytest.FixtureRequest, any_backend: Backend, value: Any, path: str
) -> None:
    with pytest.raises(UnsupportedTypeError) as caught:
        any_backend.encode(value, DEFAULT_LIMITS)
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, EncodeError)
    assert caught.value.path == path


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("\ud800", ""),
        (["ok", "a\udfffb"], "[1]"),
        ({"k": "\udbff"}, "['k']"),
        (Array("string", ["fine", "\ud800"]), "[1]"),
        (Described(1, "\udc00"), ".value"),
    ],
)
def test_lone_surrogates_are_encode_errors(any_backend: Backend, value: Any, path: str) -> None:
    with pytest.raises(EncodeError) as caught:
        any_backend.encode(value, DEFAULT_LIMITS)
    assert caught.value.path == path


@pytest.mark.parametrize(
    "make",
    [
        lambda: Symbol("é"),
        lambda: Array("symbol", ["ok", "naïve"]),
        lambda: Char("ab"),
        lambda: Char("\ud800"),
        lambda: UInt(-1),
        lambda: UInt(2**32),
        lambda: ULong(2**64),
        lambda: UByte(256),
        lambda: Timestamp(2**63),
        lambda: Float(3.5e38),
        lambda: Array("uint", [1, 2**32]),
        lambda: Described(-1, None),
    ],
)
def test_wrappers_refuse_what_they_cannot_hold(make: Any) -> None:
    with pytest.raises(EncodeError):
        make()


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (2**64, ""),
        (-(2**63) - 1, ""),
        ([0, 2**70], "[1]"),
        (Decimal("1E+7000"), ""),
        (Decimal("1" * 35), ""),
        (Decimal("sNaN" + "1" * 34), ""),
        ({"k": [Decimal("-1E-6200")]}, "['k'][0]"),
        (memoryview(b"abcd")[::2], ""),
    ],
)
def test_out_of_range_values_are_encode_errors(any_backend: Backend, value: Any, path: str) -> None:
    with pytest.raises(EncodeError) as caught:
        any_backend.encode(value, DEFAULT_LIMITS)
    assert not isinstance(caught.value, UnsupportedTypeError)
    assert caught.value.path == path


def test_naive_datetimes_are_encode_errors(any_backend: Backend) -> None:
    with pytest.raises(EncodeError) as caught:
        any_backend.encode([dt.datetime(2024, 1, 1)], DEFAULT_LIMITS)
    assert caught.value.path == "[0]"


# Wrappers can only be out of range if their constructor was bypassed; the contract
# (nothing but an AMQPCodecError escapes encode) still holds for them.
BYPASSED = [
    pytest.param(int.__new__(UInt, -1), id="UInt(-1)"),
    pytest.param(int.__new__(UByte, 300), id="UByte(300)"),
    pytest.param(int.__new__(ULong, 2**64), id="ULong(2**64)"),
    pytest.param(int.__new__(Timestamp, 2**64), id="Timestamp(2**64)"),
    pytest.param(str.__new__(Symbol, "é"), id="Symbol('é')"),
    pytest.param(str.__new__(Char, "ab"), id="Char('ab')"),
]


@pytest.mark.parametrize("value", BYPASSED)
def test_wrappers_built_around_their_checks_are_encode_errors(
    request: pytest.FixtureRequest, any_backend: Backend, value: Any
) -> None:
    with pytest.raises(EncodeError) as caught:
        any_backend.encode([value], DEFAULT_LIMITS)
    assert caught.value.path == "[0]"


_junk_leaves = st.one_of(
    ast.primitives(),
    st.integers(),
    st.sampled_from([object(), {1}, 1j, frozenset(), type, Ellipsis, NotImplemented]),
    st.text(max_size=4),
    st.decimals(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.timezone.utc)),
    st.floats(),
)


@given(
    st.recursive(
        _junk_leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.lists(children, max_size=3).map(tuple),
            st.dictionaries(
                st.one_of(ast.map_keys(), st.integers(), st.text(max_size=2)), children, max_size=3
            ),
            st.builds(Described, ast.descriptors(), children),
        ),
        max_leaves=8,
    )
)
def test_encode_gives_bytes_or_an_encode_error(value: Any) -> None:
    try:
        data = encode(value)
    except EncodeError:
        return
    decode(data)
