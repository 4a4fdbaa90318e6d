"""Helpers for testing code that uses amqpcodec.

:func:`same_value` is the equality that proves a round trip lossless: ``==`` cannot,
because wrappers compare equal to their base values (``UInt(1) == 1 == True``),
``0.0 == -0.0``, ``NaN != NaN`` and ``Decimal('1.0') == Decimal('1.00')``.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ._backend import Backend, available_backends
from .amqp091.values import FieldValue
from .message import SECTION_ATTRIBUTES, Message
from .types import Array, Described, Float, double_to_float32_bits

__all__ = ["same_value", "value_backends"]

#: Nesting deeper than this compares unequal: far beyond ``Limits.max_depth``, and it
#: ends the walk through a structure that contains itself.
_MAX_DEPTH = 4096

_DOUBLE = struct.Struct(">d")


def same_value(a: object, b: object) -> bool:
    """Whether ``a`` and ``b`` are the same AMQP value (Part 1 §1.6), type for type.

    Types must match exactly at every depth, through :class:`~amqpcodec.types.Described`
    (descriptor and value), an AMQP 0-9-1 :class:`~amqpcodec.amqp091.values.FieldValue`
    (letter and value; an ``amqp091.Timestamp`` is an ``int`` of its own type),
    :class:`~amqpcodec.types.Array` (element type, descriptor, items), dataclasses
    such as the composite types (field by field), a :class:`~amqpcodec.message.Message`
    (section by section), lists, tuples and mappings (keys and values compared in
    order).  Floats are compared bit for bit (a ``Float`` by its float32 bits), so a
    NaN equals itself and ``0.0`` differs from ``-0.0``; decimals by ``as_tuple()``, so
    ``1.0`` differs from ``1.00`` and NaN payloads count.  Other objects of the same
    type compare with ``==``.

    Never raises: structures nested deeper than a few thousand levels (or containing
    themselves) and objects whose comparison fails are reported as different.
    """
    try:
        return _same(a, b)
    except Exception:
        return False


def _same(a: object, b: object) -> bool:
    stack: list[tuple[Any, Any, int]] = [(a, b, 0)]
    push = stack.append
    while stack:
        x, y, depth = stack.pop()
        if type(x) is not type(y) or depth > _MAX_DEPTH:
            return False
        if x is y:
            continue
        inner = depth + 1
        if isinstance(x, float):
            if isinstance(x, Float):
                if double_to_float32_bits(x) != double_to_float32_bits(y):
                    return False
            elif _DOUBLE.pack(x) != _DOUBLE.pack(y):
                return False
        elif isinstance(x, Decimal):
            if x.as_tuple() != y.as_tuple():
                return False
        elif isinstance(x, (str, bytes, int)) or x is None:
            if x != y:
                return False
        elif isinstance(x, FieldValue):
            if x.letter != y.letter:
                return False
            push((x.value, y.value, inner))
        elif isinstance(x, Described):
            push((x.value, y.value, inner))
            push((x.descriptor, y.descriptor, inner))
        elif isinstance(x, Array):
            if x.element_type != y.element_type:
                return False
            push((x.items, y.items, inner))
            push((x.descriptor, y.descriptor, inner))
        elif isinstance(x, Message):
            for name in reversed(SECTION_ATTRIBUTES):
                push((getattr(x, name), getattr(y, name), inner))
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            for field in reversed(dataclasses.fields(x)):
                if field.compare:
                    push((getattr(x, field.name), getattr(y, field.name), inner))
        elif isinstance(x, (list, tuple)):
            if len(x) != len(y):
                return False
            stack.extend(zip(reversed(x), reversed(y), [inner] * len(x), strict=True))
        elif isinstance(x, Mapping):
            x_items = list(x.items())
            y_items = list(y.items())
            if len(x_items) != len(y_items):
                return False
            for (x_key, x_value), (y_key, y_value) in zip(reversed(x_items), reversed(y_items), strict=True):
                push((x_value, y_value, inner))
                push((x_key, y_key, inner))
        elif x != y:
            return False
    return True


def value_backends(*, require_compiled: bool = False) -> list[tuple[str, Backend]]:
    """The backends importable here, as ``(name, backend)``: ``("python", ...)`` always,
    then ``("cython", ...)`` when the compiled module is built, for tests and fuzzers
    that run both side by side (each :class:`~amqpcodec._backend.Backend` has the value
    codec's ``encode`` and ``decode_prefix``; run a layer on one with
    :func:`~amqpcodec._backend.use_backend`).  With ``require_compiled``, a compiled
    module that cannot be imported raises its ``ImportError``."""
    return [(backend.name, backend) for backend in available_backends(require_compiled=require_compiled)]
