"""The basic class's content-header properties (AMQP 0-9-1 §4.2.6.1, class basic).

Their names, order, types and flag bits come from the spec table
(``_spec.BASIC_PROPERTIES``): bit 15 of the one flag word is ``content_type`` and bit 2
``cluster_id``.  ``None`` means the flag is clear; ``""`` is a present, empty value; both
round-trip.  A shortstr property that is not UTF-8 decodes to ``bytes`` (RabbitMQ passes
such values through unchanged) and is written back byte for byte.
"""

from __future__ import annotations

import builtins
import datetime
import functools
import operator
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from .._backend import current
from ._method import field_json
from ._spec import BASIC_PROPERTIES
from ._validate import PROPERTY_CHECKS
from .values import Timestamp

__all__ = ["BasicProperties"]

if TYPE_CHECKING:
    from .._seam import HeaderPlan091

_P = TypeVar("_P", bound="BasicProperties")
_new = tuple.__new__

try:  # namedtuple's C accessor; a property elsewhere
    from collections import _tuplegetter as _getter  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover (CPython has it)

    def _getter(index: int, doc: str) -> Any:
        return property(operator.itemgetter(index), doc=doc)


class BasicProperties(tuple):  # type: ignore[type-arg]
    """The 14 basic properties; every argument defaults to ``None`` (flag clear).

    Immutable (``replace`` copies), equal only to ``BasicProperties`` with equal values,
    pickles.  Values are checked as method arguments are: shortstr ``str`` of at most 255
    UTF-8 bytes (or ``bytes``), ``headers`` a mapping of field-table values,
    ``delivery_mode`` and ``priority`` octets, ``timestamp`` a
    :class:`~amqpcodec.amqp091.Timestamp` (an ``int`` of seconds or an aware ``datetime``
    is converted).

    Built on a tuple of the 14 values in flag order (so a decoder builds one in a single
    step); equality, hashing and ``repr`` are the record's, not the tuple's.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        content_type: str | bytes | None
        content_encoding: str | bytes | None
        headers: dict[str, Any] | None
        delivery_mode: int | None
        priority: int | None
        correlation_id: str | bytes | None
        reply_to: str | bytes | None
        expiration: str | bytes | None
        message_id: str | bytes | None
        timestamp: Timestamp | None
        type: str | bytes | None
        user_id: str | bytes | None
        app_id: str | bytes | None
        cluster_id: str | bytes | None

    _NAMES: ClassVar[tuple[str, ...]] = tuple(prop.name for prop in BASIC_PROPERTIES)
    _TYPES: ClassVar[tuple[str, ...]] = tuple(prop.type for prop in BASIC_PROPERTIES)
    _CHECKS = tuple(PROPERTY_CHECKS[prop.type] for prop in BASIC_PROPERTIES)
    _PATHS: ClassVar[tuple[str, ...]] = tuple(f"basic.properties.{prop.name}" for prop in BASIC_PROPERTIES)

    def __new__(
        cls,
        *,
        content_type: str | bytes | None = None,
        content_encoding: str | bytes | None = None,
        headers: Mapping[str, Any] | None = None,
        delivery_mode: int | None = None,
        priority: int | None = None,
        correlation_id: str | bytes | None = None,
        reply_to: str | bytes | None = None,
        expiration: str | bytes | None = None,
        message_id: str | bytes | None = None,
        timestamp: Timestamp | int | datetime.datetime | None = None,
        type: str | bytes | None = None,
        user_id: str | bytes | None = None,
        app_id: str | bytes | None = None,
        cluster_id: str | bytes | None = None,
    ) -> BasicProperties:
        values = (
            content_type,
            content_encoding,
            headers,
            delivery_mode,
            priority,
            correlation_id,
            reply_to,
            expiration,
            message_id,
            timestamp,
            type,
            user_id,
            app_id,
            cluster_id,
        )
        compiled = current().compiled
        if compiled is not None:
            made: BasicProperties | None = compiled.new_properties091(cls, values, _header_plan())
            if made is not None:
                return made
        checked = [
            None if value is None else check(value, path)
            for check, path, value in zip(cls._CHECKS, cls._PATHS, values)
        ]
        return _new(cls, checked)

    @classmethod
    def _unchecked(cls: builtins.type[_P], values: tuple[Any, ...] | list[Any]) -> _P:
        """An instance from 14 already valid values in spec order (decoders, pickling)."""
        return _new(cls, values)

    def values(self) -> tuple[Any, ...]:
        """The 14 properties in spec (flag) order, ``None`` where absent."""
        return tuple(self)

    def present(self) -> dict[str, Any]:
        """The properties whose flag is set, by name, in spec order."""
        return {name: value for name, value in zip(self._NAMES, self.values()) if value is not None}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            # A plain tuple would otherwise compare equal through tuple's reflected __eq__.
            return False if isinstance(other, tuple) else NotImplemented
        return tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        # Raises TypeError when headers are set, as a dict would.
        return hash((BasicProperties, tuple(self)))

    def __repr__(self) -> str:
        return "BasicProperties({})".format(", ".join(f"{k}={v!r}" for k, v in self.present().items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self.values(),))

    def replace(self: _P, **changes: Any) -> _P:
        """A copy with ``changes`` applied (``None`` clears a property)."""
        unknown = set(changes).difference(self._NAMES)
        if unknown:
            raise TypeError(f"BasicProperties has no property {', '.join(sorted(unknown))}")
        arguments = dict(zip(self._NAMES, self.values()))
        arguments.update(changes)
        return type(self)(**arguments)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form listing only the present properties.

        ``headers`` in the field-table JSON form, ``timestamp`` as a table's ``T`` value
        (``{"type": "T", "value": "<decimal seconds>", "iso": ...}``), a shortstr that is
        not UTF-8 as ``{"value": <with U+FFFD>, "utf8": false, "hex": ...}``.
        """
        return {
            name: field_json(kind, value)
            for name, kind, value in zip(self._NAMES, self._TYPES, self.values())
            if value is not None
        }


@functools.cache
def _header_plan() -> HeaderPlan091:
    """The content-header plan the compiled check reads the properties' kinds from: the
    decoder's own (``payloads`` builds it from this class, so it is looked up on first use)."""
    from .payloads import HEADER_PLAN

    return HEADER_PLAN


def _restore(values: tuple[Any, ...]) -> BasicProperties:
    return BasicProperties._unchecked(values)


def _attach_accessors() -> None:
    """One read-only accessor per property, reading the tuple (the spec table's order)."""
    for index, prop in enumerate(BASIC_PROPERTIES):
        setattr(
            BasicProperties,
            prop.name,
            _getter(index, f"The {prop.spec_name} property ({prop.type}), or None."),
        )


_attach_accessors()
