"""Hypothesis strategies for AMQP 0-9-1 field values and tables (§4.2.5.5, errata §3).

Two kinds, for the two round trips the table codec promises:

- values: :func:`field_values` and :func:`field_tables` yield exactly the types the
  decoder returns (the "decodes to" column of :mod:`amqpcodec.amqp091._letters`), so
  ``same_value(decode_table(encode_table(t)), t)`` holds for each;
- wire bytes: :func:`table_wire_bytes` yields encoded tables built byte by byte from
  the letter table (every letter, any octets where any are valid: odd ``t`` octets,
  NaN payloads, non-UTF-8 ``S``), so ``encode_table(decode_table(b)) == b`` can be
  checked on bytes no encoder chose.

Methods of every class (:func:`methods`, :func:`method_classes`) and basic properties
(:func:`basic_properties`) come from the method classes' own module and are offered here
too.  Sizes are small by default so property tests stay fast.  Needs hypothesis (the ``test``
extra); import this module explicitly.
"""

from __future__ import annotations

import struct
from decimal import Decimal
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover (the test extra installs it)
    raise ImportError(
        "amqpcodec.amqp091.strategies needs hypothesis: install the test extra, pip install 'amqpcodec[test]'",
        name=error.name,
    ) from error

from ..types import Float, float32_bits_to_double
from ._letters import INT32_MAX, INT32_MIN, LETTER_SPECS, LETTERS, MAX_SCALE, Kind
from ._method_strategies import basic_properties, method_classes, methods
from .values import FieldValue, Timestamp, _new_field_value

__all__ = [
    "field_keys",
    "scalar_values",
    "field_values",
    "field_tables",
    "table_wire_bytes",
    "value_wire_bytes",
    "methods",
    "method_classes",
    "basic_properties",
]

_SIZE = struct.Struct(">I")


_TEXT = st.characters(exclude_categories=["Cs"])  # any code point UTF-8 can carry


def field_keys(max_size: int = 12) -> st.SearchStrategy[str]:
    """Table keys: text of at most 255 UTF-8 bytes (at most ``max_size`` characters)."""
    keys = st.text(_TEXT, max_size=max_size)
    if max_size > 63:  # 63 characters take at most 252 bytes
        keys = keys.filter(lambda key: len(key.encode()) <= 255)
    return keys


def _integer(letter: str) -> st.SearchStrategy[Any]:
    spec = LETTER_SPECS[letter]
    numbers = st.integers(spec.minimum, spec.maximum)
    if spec.decodes_to is FieldValue:
        return numbers.map(lambda n: _new_field_value(letter, n))
    if spec.decodes_to is int:
        return numbers
    kind = spec.decodes_to
    return numbers.map(lambda n: int.__new__(kind, n))


def _decimals() -> st.SearchStrategy[Decimal]:
    return st.builds(
        lambda digits, scale: Decimal(f"{digits}E-{scale}"),
        st.integers(INT32_MIN, INT32_MAX),
        st.integers(0, MAX_SCALE),
    )


def _float32s() -> st.SearchStrategy[Float]:
    return st.integers(0, 0xFFFFFFFF).map(lambda bits: float.__new__(Float, float32_bits_to_double(bits)))


def _odd_booleans() -> st.SearchStrategy[FieldValue]:
    return st.integers(2, 255).map(lambda octet: _new_field_value("t", octet))


def _not_utf8() -> st.SearchStrategy[FieldValue]:
    def valid(raw: bytes) -> bool:
        try:
            raw.decode()
        except UnicodeDecodeError:
            return True
        return False

    return st.binary(min_size=1, max_size=8).filter(valid).map(lambda raw: _new_field_value("S", raw))


def scalar_values() -> st.SearchStrategy[Any]:
    """Every scalar type a field table decodes to, one strategy per letter."""
    return st.one_of(
        st.booleans(),
        _odd_booleans(),
        *(_integer(spec.letter) for spec in LETTERS if spec.kind is Kind.INTEGER),
        _float32s(),
        st.floats(),
        _decimals(),
        st.text(_TEXT, max_size=16),
        _not_utf8(),
        st.binary(max_size=16),
        st.integers(0, (1 << 64) - 1).map(lambda n: int.__new__(Timestamp, n)),
        st.none(),
    )


def field_values(max_depth: int = 2, max_items: int = 4) -> st.SearchStrategy[Any]:
    """Field values of the decoded types, arrays and tables nested up to ``max_depth``."""
    if max_depth <= 0:
        return scalar_values()
    inner = field_values(max_depth - 1, max_items)
    return st.one_of(
        scalar_values(),
        st.lists(inner, max_size=max_items),
        st.dictionaries(field_keys(), inner, max_size=max_items),
    )


def field_tables(max_depth: int = 2, max_entries: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    """Tables (``dict``) of decoded-type values, nested up to ``max_depth`` levels in all."""
    return st.dictionaries(field_keys(), field_values(max_depth - 1, max_entries), max_size=max_entries)


# --------------------------------------------------------------------------- wire bytes


def _sized(content: bytes) -> bytes:
    return _SIZE.pack(len(content)) + content


def _scalar_wire(letter: str) -> st.SearchStrategy[bytes]:
    """The bytes after ``letter`` for a scalar letter: any octets that are valid."""
    spec = LETTER_SPECS[letter]
    if spec.kind is Kind.VOID:
        return st.just(b"")
    if spec.kind is Kind.LONG_STRING:
        text = st.text(_TEXT, max_size=12).map(str.encode)
        return st.one_of(text, st.binary(max_size=12)).map(_sized)
    if spec.kind is Kind.BYTES:
        return st.binary(max_size=12).map(_sized)
    return st.binary(min_size=spec.width, max_size=spec.width)


_SCALAR_LETTERS = [spec.letter for spec in LETTERS if spec.kind not in (Kind.ARRAY, Kind.TABLE)]


def value_wire_bytes(max_depth: int = 2, max_items: int = 4) -> st.SearchStrategy[bytes]:
    """One field value as it is written: its letter, then its bytes (``A``/``F`` nested)."""
    scalars = st.sampled_from(_SCALAR_LETTERS).flatmap(
        lambda letter: _scalar_wire(letter).map(lambda body: letter.encode() + body)
    )
    if max_depth <= 0:
        return scalars
    inner = value_wire_bytes(max_depth - 1, max_items)
    arrays = st.lists(inner, max_size=max_items).map(lambda items: b"A" + _sized(b"".join(items)))
    tables = table_wire_bytes(max_depth - 1, max_items).map(lambda table: b"F" + table)
    return st.one_of(scalars, arrays, tables)


def table_wire_bytes(max_depth: int = 2, max_entries: int = 5) -> st.SearchStrategy[bytes]:
    """An encoded field table (4-byte size first) with distinct UTF-8 keys, any letters;
    values nest up to ``max_depth`` levels below it."""
    entries = st.lists(
        st.tuples(field_keys(), value_wire_bytes(max_depth, max_entries)),
        max_size=max_entries,
        unique_by=lambda entry: entry[0],
    )
    return entries.map(
        lambda pairs: _sized(
            b"".join(bytes([len(key.encode())]) + key.encode() + value for key, value in pairs)
        )
    )
