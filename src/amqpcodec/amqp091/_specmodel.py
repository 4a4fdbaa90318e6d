"""The record types of the 0-9-1 spec table (``_spec``) and the wire widths of its domains.

``_spec`` is generated from RabbitMQ's machine-readable AMQP 0-9-1 specification by
``tools/generate_amqp091.py`` and holds only instances of the records below; the method
classes, the properties and both payload codecs read every id, argument order and
default from it.
"""

from __future__ import annotations

import enum
import struct
import types
from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = [
    "Required",
    "REQUIRED",
    "EMPTY_TABLE",
    "Field",
    "MethodSpec",
    "ClassSpec",
    "PropertySpec",
    "ConstantSpec",
    "INTEGER_FORMATS",
    "INTEGER_MAX",
    "ARGUMENT_TYPES",
    "ReplyCodeBase",
]


class Required(enum.Enum):
    """The default of an argument the spec gives no default: the caller must pass it."""

    REQUIRED = "required"

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = Required.REQUIRED

#: The default of table arguments (``{}`` in the spec table), read-only so it can be shared.
EMPTY_TABLE: Mapping[str, Any] = types.MappingProxyType({})

#: Big-endian ``struct`` letters of the fixed-width domains, AMQP 0-9-1 §4.2.5.1
#: (integers: octet, short, long, longlong) and §4.2.5.4 (timestamp: 64-bit seconds).
INTEGER_FORMATS: Mapping[str, str] = types.MappingProxyType(
    {"octet": "B", "short": "H", "long": "I", "longlong": "Q", "timestamp": "Q"}
)

#: The largest value of each fixed-width domain (all are unsigned, §4.2.5.1).
INTEGER_MAX: Mapping[str, int] = types.MappingProxyType(
    {name: 2 ** (8 * struct.calcsize(">" + letter)) - 1 for name, letter in INTEGER_FORMATS.items()}
)

#: Every argument and property type of AMQP 0-9-1 (§4.2.5): the integers, bit,
#: shortstr, longstr, table and timestamp.
ARGUMENT_TYPES = frozenset({"bit", "shortstr", "longstr", "table", *INTEGER_FORMATS})


class Field(NamedTuple):
    """One method argument: its Python name, its spec type and its default.

    ``name`` is the spec's name in snake_case, with a trailing underscore when that is a
    Python keyword (``global_``); ``spec_name`` is the table's own (``global``).
    ``default`` is :data:`REQUIRED` when the spec gives none.
    """

    name: str
    type: str
    default: Any
    spec_name: str


class MethodSpec(NamedTuple):
    """One method of the spec table (AMQP 0-9-1 §4.2.4 method payloads)."""

    class_id: int
    method_id: int
    name: str  # "basic.get-ok"
    synchronous: bool
    content: bool
    fields: tuple[Field, ...]
    responses: tuple[str, ...]  # names of the methods that answer it


class ClassSpec(NamedTuple):
    """One class of the spec table."""

    class_id: int
    name: str


class PropertySpec(NamedTuple):
    """One content-header property: its Python name, spec type and flag bit (15 = first)."""

    name: str
    type: str
    flag_bit: int
    spec_name: str


class ConstantSpec(NamedTuple):
    """One constant of the spec table; ``error_class`` is "soft-error", "hard-error" or None."""

    name: str
    value: int
    error_class: str | None


class ReplyCodeBase(enum.IntEnum):
    """Base of the generated ``ReplyCode`` enum: what the table's members mean."""

    @property
    def is_hard_error(self) -> bool:
        """True for the codes the spec table classes "hard-error" (they close the connection)."""
        from ._spec import HARD_ERROR_CODES

        return self in HARD_ERROR_CODES
