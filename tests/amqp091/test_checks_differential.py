"""The AMQP 0-9-1 constructor checks on both backends (§4.2.5, §4.2.6.1): a method's
arguments and the basic properties are checked by ``amqp091._validate`` (the reference)
and, with the compiled backend, first by ``init_method091`` / ``new_properties091``,
which take only values the reference stores unchanged.  Every argument and property of
every class, given values of every kind (in range, out of range, of a subclass, of the
wrong type), builds the same object or raises the same error (class, message, ``path``)
on both.  Skipped when the compiled backend is not built.
"""

from __future__ import annotations

import datetime
import enum
import functools
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec.amqp091.methods import METHODS, BasicPublish, Method
from amqpcodec.amqp091.properties import BasicProperties
from amqpcodec.amqp091.values import Timestamp
from tests.helpers.amqp091_backends import BACKENDS, both

pytestmark = pytest.mark.skipif(len(BACKENDS) < 2, reason="the compiled backend is not built")


class _Int(int):
    pass


class _Str(str):
    __slots__ = ()


class _Stamp(Timestamp):
    pass


class _Color(enum.IntEnum):
    RED = 1


#: Values around every check's edges: the integer widths, the 255-byte shortstr (in
#: characters and in UTF-8 bytes), surrogates, subclasses, buffers, mappings.
CANDIDATES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    1,
    -1,
    255,
    256,
    65535,
    65536,
    2**32 - 1,
    2**32,
    2**63,
    2**64 - 1,
    2**64,
    -(2**70),
    _Int(7),
    _Color.RED,
    1.5,
    "",
    "a",
    "é",
    "x" * 63,
    "x" * 64,
    "x" * 255,
    "x" * 256,
    "é" * 127,
    "é" * 128,
    "\ud800",
    _Str("sub"),
    b"",
    b"ab",
    b"\xff" * 255,
    b"x" * 256,
    bytearray(b"ab"),
    memoryview(b"ab"),
    {},
    {"a": 1, "b": [1, "x"]},
    MappingProxyType({"a": 1}),
    [],
    (),
    Timestamp(5),
    _Stamp(6),
    datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc),
    datetime.datetime(2024, 1, 2),
    object(),
)

_CLASSES = sorted(METHODS.values(), key=lambda cls: (cls.CLASS_ID, cls.METHOD_ID))
_ARGUMENTS = [(cls, field.name) for cls in _CLASSES for field in cls.FIELDS]


def _defaults(cls: type[Method]) -> dict[str, Any]:
    """Valid arguments for every field of ``cls`` (the required ones given a value of their type)."""
    usual = {"bit": False, "shortstr": "s", "longstr": b"l", "table": {}}
    return {field.name: usual.get(field.type, 0) for field in cls.FIELDS}


def _built(cls: type[Any], arguments: dict[str, Any]) -> tuple[Any, ...]:
    made = cls(**arguments)
    return (made, [type(value) for value in made.values()])


@pytest.mark.parametrize(("cls", "name"), _ARGUMENTS, ids=[f"{c.NAME}.{n}" for c, n in _ARGUMENTS])
def test_every_argument_is_checked_alike(cls: type[Method], name: str) -> None:
    for value in CANDIDATES:
        both(functools.partial(_built, cls, {**_defaults(cls), name: value}))


@pytest.mark.parametrize("name", BasicProperties._NAMES)
def test_every_property_is_checked_alike(name: str) -> None:
    for value in CANDIDATES:
        both(functools.partial(_built, BasicProperties, {name: value}))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(range(len(CANDIDATES))), min_size=14, max_size=14))
def test_mixed_properties_are_checked_alike(picks: list[int]) -> None:
    """Several properties at once: the first fault (in flag order) is the one reported."""
    arguments = {name: CANDIDATES[pick] for name, pick in zip(BasicProperties._NAMES, picks)}
    both(functools.partial(_built, BasicProperties, arguments))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_CLASSES), st.data())
def test_mixed_arguments_are_checked_alike(cls: type[Method], data: st.DataObject) -> None:
    arguments = {
        field.name: data.draw(st.sampled_from(CANDIDATES)) if data.draw(st.booleans()) else value
        for field, value in zip(cls.FIELDS, _defaults(cls).values())
    }
    both(functools.partial(_built, cls, arguments))


def test_a_table_is_copied_on_both() -> None:
    headers = {"a": 1}
    arguments = {"x-match": "all"}
    for backend in BACKENDS:
        from amqpcodec._backend import use_backend

        with use_backend(backend):
            assert BasicProperties(headers=headers).headers is not headers
            from amqpcodec.amqp091.methods import QueueBind

            assert QueueBind(queue="q", exchange="e", arguments=arguments).arguments is not arguments


def test_a_subclass_of_a_method_class_is_checked_by_the_reference() -> None:
    class Publish(BasicPublish):
        __slots__ = ()

    both(functools.partial(_built, Publish, {"exchange": "x", "routing_key": "r"}))
    both(functools.partial(_built, Publish, {"exchange": 5}))
