"""Hypothesis strategies for AMQP 1.0 values (Part 1 §1.6), for property tests.

Every strategy yields values of exactly the types :func:`amqpcodec.decode` returns
(the "decodes to" column of the README), so ``same_value(decode(encode(v)), v)``
holds for each of them.  One strategy per AMQP type, named ``amqp_<type>()``
(``amqp_ubyte()``, ``amqp_decimal32()``, ...); :func:`of_type` looks one up by AMQP
type name.  Sizes are small by default so property tests stay fast, and the big
composite strategies are built once per argument set (hypothesis validates a strategy
the first time it draws from it, which for :func:`arrays` is not cheap).

AMQP 0-9-1 has its own strategies in :mod:`amqpcodec.amqp091.strategies`: field values
and tables (and valid wire bytes of them), methods of every class, basic properties.

Needs hypothesis (the ``test`` extra); import this module explicitly.
"""

from __future__ import annotations

import functools
import struct
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover (the test extra installs it)
    raise ImportError(
        "amqpcodec.strategies needs hypothesis: install the test extra, pip install 'amqpcodec[test]'",
        name=error.name,
    ) from error

from ._decimal import FORMATS
from ._spec import TYPE_NAMES
from .types import (
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
    float32_bits_to_double,
)

__all__ = [
    "amqp_null",
    "amqp_boolean",
    "amqp_ubyte",
    "amqp_ushort",
    "amqp_uint",
    "amqp_ulong",
    "amqp_byte",
    "amqp_short",
    "amqp_int",
    "amqp_long",
    "amqp_float",
    "amqp_double",
    "amqp_decimal32",
    "amqp_decimal64",
    "amqp_decimal128",
    "amqp_char",
    "amqp_timestamp",
    "amqp_uuid",
    "amqp_binary",
    "amqp_string",
    "amqp_symbol",
    "of_type",
    "primitives",
    "map_keys",
    "descriptors",
    "lists",
    "maps",
    "arrays",
    "described",
    "values",
    "composites",
    "arrays_of",
]

Strategy = st.SearchStrategy

#: Default most elements in one generated list, map, array, binary or string.
MAX_SIZE = 4
MAX_TEXT = 16

_D64 = struct.Struct(">d")
_U64 = struct.Struct(">Q")

_INT64 = (-(1 << 63), (1 << 63) - 1)


# --- fixed-width types -----------------------------------------------------------------


def amqp_null() -> Strategy[None]:
    """AMQP ``null`` (§1.6.1): ``None``."""
    return st.none()


def amqp_boolean() -> Strategy[bool]:
    """AMQP ``boolean`` (§1.6.2): ``bool``."""
    return st.booleans()


def _bounded(cls: Callable[[int], Any], low: int, high: int) -> Strategy[Any]:
    return st.integers(low, high).map(cls)


def amqp_ubyte() -> Strategy[UByte]:
    """AMQP ``ubyte`` (§1.6.3): ``UByte`` over its whole range."""
    return _bounded(UByte, 0, 0xFF)


def amqp_ushort() -> Strategy[UShort]:
    """AMQP ``ushort`` (§1.6.4): ``UShort`` over its whole range."""
    return _bounded(UShort, 0, 0xFFFF)


def amqp_uint() -> Strategy[UInt]:
    """AMQP ``uint`` (§1.6.5): ``UInt`` over its whole range."""
    return _bounded(UInt, 0, 0xFFFFFFFF)


def amqp_ulong() -> Strategy[ULong]:
    """AMQP ``ulong`` (§1.6.6): ``ULong`` over its whole range."""
    return _bounded(ULong, 0, 0xFFFFFFFFFFFFFFFF)


def amqp_byte() -> Strategy[Byte]:
    """AMQP ``byte`` (§1.6.7): ``Byte`` over its whole range."""
    return _bounded(Byte, -0x80, 0x7F)


def amqp_short() -> Strategy[Short]:
    """AMQP ``short`` (§1.6.8): ``Short`` over its whole range."""
    return _bounded(Short, -0x8000, 0x7FFF)


def amqp_int() -> Strategy[Int]:
    """AMQP ``int`` (§1.6.9): ``Int`` over its whole range."""
    return _bounded(Int, -0x80000000, 0x7FFFFFFF)


def amqp_long() -> Strategy[int]:
    """AMQP ``long`` (§1.6.10): a plain ``int`` in the signed 64-bit range."""
    return st.integers(*_INT64)


def amqp_float() -> Strategy[Float]:
    """AMQP ``float`` (§1.6.11): ``Float``, including infinities, -0.0 and every NaN bit pattern."""
    return st.one_of(
        st.floats(width=32).map(Float),
        st.integers(0, 0xFFFFFFFF).map(lambda bits: Float(float32_bits_to_double(bits))),
    )


def _double_from_bits(bits: int) -> float:
    return float(_D64.unpack(_U64.pack(bits))[0])


def amqp_double() -> Strategy[float]:
    """AMQP ``double`` (§1.6.12): ``float``, including infinities, -0.0 and every NaN bit pattern."""
    return st.one_of(st.floats(), st.integers(0, 0xFFFFFFFFFFFFFFFF).map(_double_from_bits))


def _digits(number: int) -> tuple[int, ...]:
    return tuple(int(c) for c in str(number))


def _decimals(cls: Callable[[Decimal], Any], width: int) -> Strategy[Any]:
    """Every kind of value a BID decimal of ``width`` bits holds, built from valid
    (sign, coefficient, exponent) triples: any coefficient of up to p digits with any
    exponent in range, infinities, and quiet and signalling NaNs with payloads."""
    fmt = FORMATS[width]
    signs = st.integers(0, 1)
    finite = st.builds(
        lambda sign, coefficient, exponent: Decimal((sign, _digits(coefficient), exponent)),
        signs,
        st.integers(0, 10**fmt.digits - 1),
        st.integers(fmt.min_exponent, fmt.max_exponent),
    )
    nans = st.builds(
        lambda sign, kind, payload: Decimal(f"{'-' * sign}{kind}NaN{payload or ''}"),
        signs,
        st.sampled_from(("", "s")),
        st.integers(0, 10 ** (fmt.digits - 1) - 1),
    )
    infinities = signs.map(lambda sign: Decimal(f"{'-' * sign}Infinity"))
    return st.one_of(finite, nans, infinities).map(cls)


def amqp_decimal32() -> Strategy[Decimal32]:
    """AMQP ``decimal32`` (§1.6.13): ``Decimal32``, finite, infinite and NaN."""
    return _decimals(Decimal32, 32)


def amqp_decimal64() -> Strategy[Decimal64]:
    """AMQP ``decimal64`` (§1.6.14): ``Decimal64``, finite, infinite and NaN."""
    return _decimals(Decimal64, 64)


def amqp_decimal128() -> Strategy[Decimal128]:
    """AMQP ``decimal128`` (§1.6.15): ``Decimal128``, finite, infinite and NaN."""
    return _decimals(Decimal128, 128)


def amqp_char() -> Strategy[Char]:
    """AMQP ``char`` (§1.6.16): ``Char`` of any Unicode scalar value (no surrogates)."""
    return st.characters(codec="utf-8").map(Char)


def amqp_timestamp() -> Strategy[Timestamp]:
    """AMQP ``timestamp`` (§1.6.17): ``Timestamp`` over the whole signed 64-bit range."""
    return _bounded(Timestamp, *_INT64)


def amqp_uuid() -> Strategy[uuid.UUID]:
    """AMQP ``uuid`` (§1.6.18): any 128 bits as a ``uuid.UUID``."""
    return st.integers(0, (1 << 128) - 1).map(lambda number: uuid.UUID(int=number))


# --- variable-width types --------------------------------------------------------------


def amqp_binary(max_size: int = MAX_TEXT) -> Strategy[bytes]:
    """AMQP ``binary`` (§1.6.19): ``bytes``."""
    return st.binary(max_size=max_size)


def amqp_string(max_size: int = MAX_TEXT) -> Strategy[str]:
    """AMQP ``string`` (§1.6.20): ``str`` of Unicode scalar values (never a lone surrogate)."""
    return st.text(st.characters(codec="utf-8"), max_size=max_size)


def amqp_symbol(max_size: int = MAX_TEXT) -> Strategy[Symbol]:
    """AMQP ``symbol`` (§1.6.21): ``Symbol`` of ASCII text."""
    return st.text(st.characters(codec="ascii"), max_size=max_size).map(Symbol)


_SCALARS: dict[str, Callable[[], Strategy[Any]]] = {
    "null": amqp_null,
    "boolean": amqp_boolean,
    "ubyte": amqp_ubyte,
    "ushort": amqp_ushort,
    "uint": amqp_uint,
    "ulong": amqp_ulong,
    "byte": amqp_byte,
    "short": amqp_short,
    "int": amqp_int,
    "long": amqp_long,
    "float": amqp_float,
    "double": amqp_double,
    "decimal32": amqp_decimal32,
    "decimal64": amqp_decimal64,
    "decimal128": amqp_decimal128,
    "char": amqp_char,
    "timestamp": amqp_timestamp,
    "uuid": amqp_uuid,
    "binary": amqp_binary,
    "string": amqp_string,
    "symbol": amqp_symbol,
}
_COMPOUNDS = ("list", "map", "array")
assert set(_SCALARS) | set(_COMPOUNDS) == set(TYPE_NAMES)


def of_type(type_name: str) -> Strategy[Any]:
    """Values of the AMQP type ``type_name`` (a name ``Array.element_type`` takes).

    Lists, maps and arrays hold :func:`primitives`.
    """
    if type_name in _SCALARS:
        return _SCALARS[type_name]()
    if type_name == "list":
        return lists()
    if type_name == "map":
        return maps()
    if type_name == "array":
        return arrays()
    raise ValueError(f"unknown AMQP type {type_name!r}")


@functools.cache
def primitives() -> Strategy[Any]:
    """Any scalar AMQP value: every type but list, map, array and described."""
    return st.one_of([make() for make in _SCALARS.values()])


@functools.cache
def map_keys() -> Strategy[Any]:
    """Hashable scalars usable as map keys.

    Floats and decimals are left out (``NaN != NaN``; ``0.0 == -0.0``; a signalling NaN
    cannot be hashed).  Python-equal keys of different types (``1``, ``UInt(1)``,
    ``True``; ``'a'``, ``Symbol('a')``, ``Char('a')``) are valid AMQP but decode as a
    duplicate key, so :func:`maps` keeps at most one of them per map.
    """
    excluded = {"float", "double", "decimal32", "decimal64", "decimal128"}
    return st.one_of([make() for name, make in _SCALARS.items() if name not in excluded])


@functools.cache
def descriptors() -> Strategy[Any]:
    """Descriptors (§1.2): mostly ulong codes and symbols, sometimes any other scalar.

    Never ``None``, a plain ``int`` or a plain ``str``: ``Array`` and ``Described``
    store those as no descriptor, ``ULong`` and ``Symbol``.
    """
    others = [make() for name, make in _SCALARS.items() if name not in ("null", "long", "string")]
    return st.one_of(amqp_ulong(), amqp_symbol(), st.one_of(others))


def lists(children: Strategy[Any] | None = None, *, max_size: int = MAX_SIZE) -> Strategy[list[Any]]:
    """AMQP ``list`` (§1.6.22): a ``list`` of ``children`` (default :func:`primitives`)."""
    return st.lists(primitives() if children is None else children, max_size=max_size)


def maps(children: Strategy[Any] | None = None, *, max_size: int = MAX_SIZE) -> Strategy[dict[Any, Any]]:
    """AMQP ``map`` (§1.6.23): a ``dict`` from :func:`map_keys` to ``children``.

    Keys are pairwise distinct under Python equality (see :func:`map_keys`).
    """
    return st.dictionaries(map_keys(), primitives() if children is None else children, max_size=max_size)


def described(children: Strategy[Any] | None = None) -> Strategy[Described]:
    """A described value (§1.2): a :func:`descriptors` descriptor and a ``children`` value."""
    return st.builds(Described, descriptors(), primitives() if children is None else children)


def _make_array(element_type: str) -> Callable[[list[Any], Any], Array]:
    def make(items: list[Any], descriptor: Any) -> Array:
        return Array(element_type, items, descriptor)

    return make


@functools.cache
def arrays(
    children: Strategy[Any] | None = None, *, max_size: int = MAX_SIZE, nesting: int = 2
) -> Strategy[Array]:
    """AMQP ``array`` (§1.6.24) of every element type, empty or not, with or without a descriptor.

    Arrays of lists and maps hold ``children`` (default :func:`primitives`); arrays of
    arrays nest up to ``nesting`` levels, each inner array of its own element type.
    """
    content = primitives() if children is None else children
    elements: dict[str, Strategy[Any]] = {name: make() for name, make in _SCALARS.items()}
    elements["list"] = lists(content, max_size=max_size)
    elements["map"] = maps(content, max_size=max_size)
    if nesting > 0:
        elements["array"] = arrays(children, max_size=max_size, nesting=nesting - 1)
    descriptor = st.none() | descriptors()
    return st.one_of(
        [
            st.builds(_make_array(name), st.lists(strategy, max_size=max_size), descriptor)
            for name, strategy in elements.items()
        ]
        + [st.builds(_make_array("array"), st.just([]), descriptor)]
    )


@functools.cache
def values(max_leaves: int = 12) -> Strategy[Any]:
    """Any AMQP value: scalars, and lists, maps, arrays and described values nested in
    each other, with about ``max_leaves`` scalars in all.

    Strings, symbols, ulongs and longs, the types most messages carry, are drawn more
    often than the other scalars.
    """
    leaves = st.one_of(primitives(), amqp_string(), amqp_symbol(), amqp_ulong(), amqp_long())
    return st.recursive(
        leaves,
        lambda children: st.one_of(lists(children), maps(children), described(children), arrays(children)),
        max_leaves=max_leaves,
    )


# --- composites ------------------------------------------------------------------------


def composites(cls: type[Any] | None = None) -> Strategy[Any]:
    """Instances of a composite class (a performative, definition, transaction type or
    message section with a field list), or of any of them when ``cls`` is None.

    Each field gets a value of its declared type (``*`` fields any value; restricted
    types their enum members; ``multiple`` fields one value or an array), or None when
    it is not mandatory; the constructor's conversions apply.
    """
    from . import message  # noqa: F401  (registers header and properties)
    from ._composite import REGISTRY

    if cls is None:
        classes = sorted({c for c in REGISTRY.values()}, key=lambda c: c.SPEC.code)
        return st.one_of([_composite(c) for c in classes])
    return _composite(cls)


_COMPOSITE_STRATEGIES: dict[type[Any], Strategy[Any]] = {}


def _composite(cls: type[Any]) -> Strategy[Any]:
    cached = _COMPOSITE_STRATEGIES.get(cls)
    if cached is None:
        cached = _COMPOSITE_STRATEGIES[cls] = _build_composite(cls)
    return cached


def _nested_composite(spec_name: str) -> Strategy[Any]:
    return st.deferred(lambda: composites(_class_named(spec_name)))


def _build_composite(cls: type[Any]) -> Strategy[Any]:
    from ._composite import _ENUMS, _SYMBOL_KEYED, _primitive

    fields: dict[str, Strategy[Any]] = {}
    for field, name in zip(cls.FIELDS, cls._NAMES):
        enum_cls = _ENUMS.get(field.type)
        primitive = _primitive(field.type)
        strategy: Strategy[Any]
        if enum_cls is not None:
            strategy = st.sampled_from(list(enum_cls))
        elif field.type in _COMPOSITE_FIELD_CLASSES:
            strategy = _nested_composite(field.type)
        elif field.type in _SYMBOL_KEYED:
            strategy = st.dictionaries(amqp_symbol(), primitives(), max_size=MAX_SIZE)
        elif primitive is not None:
            strategy = of_type(primitive)
            if field.multiple:
                strategy = st.one_of(strategy, arrays_of(primitive))
        elif field.requires == "message-id":
            strategy = st.one_of(amqp_ulong(), amqp_uuid(), amqp_binary(), amqp_string())
        elif field.requires == "address":
            strategy = amqp_string()
        elif field.requires == "txn-id":
            strategy = amqp_binary()
        elif _providers(field.requires):
            strategy = st.one_of([_nested_composite(name) for name in _providers(field.requires)])
        else:
            # Any value but a described one (whose descriptor could be a known one,
            # which decodes to its class) or null (absent).
            strategy = st.one_of(primitives(), lists(), maps()).filter(lambda v: v is not None)
        if not field.mandatory:
            strategy = st.none() | strategy
        fields[name] = strategy
    return st.builds(cls, **fields)


_COMPOSITE_FIELD_CLASSES = frozenset(("error",))


def _providers(archetype: str | None) -> list[str]:
    """The composites that provide ``archetype`` (the spec table's ``provides``): what a
    ``*`` field requiring it admits (Part 1 §1.4)."""
    from ._spec import COMPOSITES

    return sorted(name for name, spec in COMPOSITES.items() if archetype in spec.provides)


def _class_named(spec_name: str) -> type[Any]:
    from ._composite import REGISTRY
    from ._spec import COMPOSITES

    return REGISTRY[ULong(COMPOSITES[spec_name].code)]


def arrays_of(element_type: str) -> Strategy[Array]:
    """Arrays (without descriptor) of one element type, empty ones included."""
    return st.lists(of_type(element_type), max_size=MAX_SIZE).map(lambda items: Array(element_type, items))
