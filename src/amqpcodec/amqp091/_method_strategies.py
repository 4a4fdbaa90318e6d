"""Hypothesis strategies for AMQP 0-9-1 methods and basic properties, for property tests.

Every strategy yields values of exactly the types the payload decoders return, so
``decode_method(method_payload(m)) == m`` holds for each of them.  Table-typed arguments
come from the field-table strategies of ``amqpcodec.amqp091.strategies`` when that module
provides them, else they are empty.  Sizes are small so property tests stay fast.

Needs hypothesis (the ``test`` extra); import this module explicitly.
"""

from __future__ import annotations

import functools
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover (the test extra installs it)
    raise ImportError(
        "amqpcodec.amqp091._method_strategies needs hypothesis: install the test extra, "
        "pip install 'amqpcodec[test]'",
        name=error.name,
    ) from error

from ._method import Method
from ._spec import BASIC_PROPERTIES
from ._specmodel import INTEGER_MAX, Field
from .methods import METHODS
from .properties import BasicProperties
from .values import Timestamp

__all__ = [
    "shortstrs",
    "longstrs",
    "tables",
    "argument_values",
    "methods",
    "method_classes",
    "property_shortstrs",
    "basic_properties",
]


def shortstrs() -> st.SearchStrategy[str]:
    """Text of at most 255 UTF-8 bytes: mostly short, sometimes exactly at the bound."""
    return st.one_of(
        st.text(max_size=20),
        st.text(max_size=63),
        st.integers(0, 255).map(lambda n: "k" * n),
    ).filter(lambda text: len(text.encode("utf-8")) <= 255)


def longstrs() -> st.SearchStrategy[bytes]:
    return st.binary(max_size=64)


@functools.cache
def tables() -> st.SearchStrategy[dict[str, Any]]:
    """Field tables from ``amqpcodec.amqp091.strategies`` when it provides them, else ``{}``."""
    try:
        from .strategies import field_tables
    except ImportError:  # pragma: no cover (the field-table strategies ship beside this module)
        return st.just({})
    return field_tables()


def _integers(kind: str) -> st.SearchStrategy[int]:
    top = INTEGER_MAX[kind]
    return st.one_of(st.integers(0, top), st.sampled_from((0, 1, top)))


def argument_values(field: Field) -> st.SearchStrategy[Any]:
    """Valid values, as decoded, for one argument of spec type ``field.type``."""
    kind = field.type
    if kind == "bit":
        return st.booleans()
    if kind in INTEGER_MAX and kind != "timestamp":
        return _integers(kind)
    if kind == "shortstr":
        return shortstrs()
    if kind == "longstr":
        return longstrs()
    if kind == "table":
        return tables()
    if kind == "timestamp":
        return _integers("timestamp").map(Timestamp)
    raise ValueError(f"no strategy for {kind}")  # pragma: no cover


def method_classes() -> st.SearchStrategy[type[Method]]:
    """Every method class of the spec table."""
    return st.sampled_from(list(METHODS.values()))


def _build(cls: type[Method]) -> st.SearchStrategy[Method]:
    arguments = {field.name: argument_values(field) for field in cls.FIELDS}
    return st.fixed_dictionaries(arguments).map(lambda kwargs: cls(**kwargs))


@functools.cache
def _by_class() -> dict[type[Method], st.SearchStrategy[Method]]:
    return {cls: _build(cls) for cls in METHODS.values()}


def _methods_of(cls: type[Method]) -> st.SearchStrategy[Method]:
    return _by_class()[cls]


def methods(cls: type[Method] | None = None) -> st.SearchStrategy[Method]:
    """Instances of ``cls``, or of any method class, with every argument drawn."""
    if cls is not None:
        return _methods_of(cls)
    return method_classes().flatmap(_methods_of)


def property_shortstrs() -> st.SearchStrategy[str | bytes]:
    """Property shortstrs: text, or bytes that are not UTF-8 (decoded as bytes)."""
    not_utf8 = st.binary(min_size=1, max_size=32).map(lambda raw: b"\xff" + raw[:254])
    return st.one_of(shortstrs(), not_utf8)


def _property_values(kind: str) -> st.SearchStrategy[Any]:
    if kind == "shortstr":
        return property_shortstrs()
    return argument_values(Field("", kind, None, ""))


@functools.cache
def basic_properties() -> st.SearchStrategy[BasicProperties]:
    """BasicProperties with each property absent or drawn (``""`` included)."""
    each = {prop.name: st.none() | _property_values(prop.type) for prop in BASIC_PROPERTIES}
    return st.fixed_dictionaries(each).map(lambda kwargs: BasicProperties(**kwargs))
