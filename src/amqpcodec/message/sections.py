"""The message sections (OASIS AMQP 1.0 Part 3 §3.2.1-3.2.9) and their per-kind tables.

Strategy: the nine section descriptors of §3.2 are numbered in the order sections must
appear (a section's *kind*), and every rule about a kind is a table indexed by it,
written once here and read by the decoding and encoding walks and by the compiled hot
paths' plan: its spec name, its descriptor, the message slot it fills, the AMQP type its
value must have on the wire, its class, how it is built from a decoded value
(:data:`_BUILDERS`, keeping what the peer sent) and how a user's value becomes one
(:data:`_CONVERTERS`).  Header and properties are composites (Part 1 §1.4); the map
sections are read-only mappings keeping one ``dict``; the body sections are frozen,
slotted dataclasses with one field, ``value``.  A section is immutable, so copying one
returns it.

Decisions where the contract is silent:

- Annotation and footer values, and application-properties values, are kept as
  given (validated when encoded or converted by ``to_dict()``, with paths such as
  ``application_properties['k']``), except that application-properties reject map,
  list, tuple, ``Array`` and composite values, and ``Described`` ones holding them
  (§3.2.5: simple types only).  Decoded sections keep whatever a peer sent.
- ``Properties`` message-id and correlation-id: a non-negative plain ``int`` becomes
  ``ULong``; ``bytearray``/``memoryview`` become ``bytes``; ``ULong``, ``uuid.UUID``,
  ``bytes`` and plain ``str`` are kept; anything else (``Symbol``, ``UInt``, a negative
  int, ...) is an ``EncodeError`` (§3.2.11-§3.2.14 name only those four types).
- The body: an empty ``list`` or ``tuple`` is an ``AMQPValue`` holding it; a list or
  tuple holding any section must be all ``Data`` or all ``AMQPSequence``.
- ``to_dict()`` of a section other than header and properties (which take the
  composite JSON form) is ``{"type": <spec name>, "descriptor": ..., "value": ...}``.
"""

from __future__ import annotations

import uuid as _uuid
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from .. import _jsonform
from .. import definitions as _definitions  # noqa: F401 (registers the restricted-type enums)
from .._composite import Composite, composite
from .._spec import DESCRIPTORS, Code
from ..errors import EncodeError
from ..types import Array, Described, Symbol, ULong, _new_described

__all__ = [
    "AMQPSequence",
    "AMQPValue",
    "ApplicationProperties",
    "Body",
    "Data",
    "DeliveryAnnotations",
    "Footer",
    "Header",
    "MessageAnnotations",
    "MessageId",
    "Properties",
    "SECTION_ATTRIBUTES",
    "HEADER",
    "DELIVERY_ANNOTATIONS",
    "MESSAGE_ANNOTATIONS",
    "PROPERTIES",
    "APPLICATION_PROPERTIES",
    "DATA",
    "AMQP_SEQUENCE",
    "AMQP_VALUE",
    "FOOTER",
]

# --------------------------------------------------------------------------- section kinds

#: The nine section descriptors of §3.2, in the order sections must appear.
_KIND_NAMES = (
    "header",
    "delivery-annotations",
    "message-annotations",
    "properties",
    "application-properties",
    "data",
    "amqp-sequence",
    "amqp-value",
    "footer",
)
HEADER, DELIVERY_ANNOTATIONS, MESSAGE_ANNOTATIONS, PROPERTIES, APPLICATION_PROPERTIES = range(5)
DATA, AMQP_SEQUENCE, AMQP_VALUE, FOOTER = range(5, 9)

_ENTRIES = {entry.name: entry for entry in DESCRIPTORS}
_KIND_BY_CODE: dict[int, int] = {_ENTRIES[name].code: kind for kind, name in enumerate(_KIND_NAMES)}
_KIND_BY_SYMBOL: dict[bytes, int] = {
    _ENTRIES[name].symbol.encode("ascii"): kind for kind, name in enumerate(_KIND_NAMES)
}

#: The attribute names of a message's sections, in the spec's section order (§3.2);
#: the three body kinds share ``body``.
SECTION_ATTRIBUTES: tuple[str, ...] = (
    "header",
    "delivery_annotations",
    "message_annotations",
    "properties",
    "application_properties",
    "body",
    "footer",
)
_ATTRS = SECTION_ATTRIBUTES
_BODY = 5
_SLOT_OF_KIND = (0, 1, 2, 3, 4, _BODY, _BODY, _BODY, 6)

_LISTS = frozenset((Code.LIST0, Code.LIST8, Code.LIST32))
_MAPS = frozenset((Code.MAP8, Code.MAP32))
_BINARIES = frozenset((Code.VBIN8, Code.VBIN32))
#: What each section's value must be on the wire (None: any value, §3.2.8).
_VALUE_CODES: tuple[tuple[frozenset[int] | None, str], ...] = (
    (_LISTS, "list"),
    (_MAPS, "map"),
    (_MAPS, "map"),
    (_LISTS, "list"),
    (_MAPS, "map"),
    (_BINARIES, "binary"),
    (_LISTS, "list"),
    (None, "value"),
    (_MAPS, "map"),
)

# --------------------------------------------------------------------------- header, properties


@composite("header")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Header(Composite):
    """§3.2.1 ``header``: transport headers (durability, priority, time to live, ...)."""

    durable: bool | None = None
    priority: int | None = None
    ttl: int | None = None
    first_acquirer: bool | None = None
    delivery_count: int | None = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_durable(self) -> bool: ...

        @property
        def effective_priority(self) -> int: ...

        @property
        def effective_first_acquirer(self) -> bool: ...

        @property
        def effective_delivery_count(self) -> int: ...


MessageId = int | str | bytes | _uuid.UUID


@composite("properties")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Properties(Composite):
    """§3.2.4 ``properties``: the immutable properties of the message (ids, addresses, ...)."""

    message_id: MessageId | None = None
    user_id: bytes | None = None
    to: Any = None
    subject: str | None = None
    reply_to: Any = None
    correlation_id: MessageId | None = None
    content_type: str | None = None
    content_encoding: str | None = None
    absolute_expiry_time: Any = None
    creation_time: Any = None
    group_id: str | None = None
    group_sequence: int | None = None
    reply_to_group_id: str | None = None


# --------------------------------------------------------------------------- map sections


def _annotation_key(key: Any, attr: str) -> Any:
    """§3.2.10 annotations: keys are symbols or ulongs."""
    if isinstance(key, (Symbol, ULong)):
        return key
    try:
        if type(key) is str:
            return Symbol(key)
        if type(key) is int and key >= 0:
            return ULong(key)
    except EncodeError as error:
        raise error._at(f"{attr}[{key!r}]") from None
    raise EncodeError(
        f"{attr} keys are symbols or ulongs (str or non-negative int), not {type(key).__name__}",
        path=f"{attr}[{key!r}]",
    )


def _is_simple(value: Any) -> bool:
    """§3.2.5: application-properties values exclude map, list and array."""
    while isinstance(value, Described):
        value = value.value
    return not isinstance(value, (Mapping, list, tuple, Array, Composite))


class _MapSection(Mapping[Any, Any]):
    """A read-only map section.  ``cls(mapping)`` converts user values; decoded sections
    are built by ``_trusted`` and keep what the peer sent."""

    __slots__ = ("_map",)
    _map: dict[Any, Any]
    KIND: ClassVar[int]
    ATTR: ClassVar[str]
    DESCRIPTOR: ClassVar[ULong]

    def __init__(self, mapping: Mapping[Any, Any] | None = None, /) -> None:
        if mapping is None:
            mapping = {}
        elif not isinstance(mapping, Mapping):
            raise EncodeError(f"{self.ATTR} needs a mapping, not {type(mapping).__name__}", path=self.ATTR)
        _set_map(self, self._convert(mapping))

    def _convert(self, mapping: Mapping[Any, Any]) -> dict[Any, Any]:
        attr = self.ATTR
        converted = {}
        for key, value in mapping.items():
            converted[_annotation_key(key, attr)] = value
        if len(converted) != len(mapping):
            raise EncodeError(f"{attr} has keys that are equal once converted", path=attr)
        return converted

    @classmethod
    def _trusted(cls: type[_M], mapping: dict[Any, Any]) -> _M:
        """A section holding ``mapping`` as is (decoded from the wire; no conversion)."""
        section = object.__new__(cls)
        _set_map(section, mapping)
        return section

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __getitem__(self, key: Any) -> Any:
        return self._map[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def __contains__(self, key: object) -> bool:
        return key in self._map

    def get(self, key: Any, default: Any = None) -> Any:
        return self._map.get(key, default)

    def keys(self) -> KeysView[Any]:
        return self._map.keys()

    def items(self) -> ItemsView[Any, Any]:
        return self._map.items()

    def values(self) -> ValuesView[Any]:
        return self._map.values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _MapSection):
            return type(other) is type(self) and self._map == other._map
        if isinstance(other, Mapping):
            return self._map == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._map!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_map, (type(self), self._map))

    def __copy__(self) -> Any:
        return self

    def __amqp__(self) -> Described:
        return _new_described(self.DESCRIPTOR, self._map)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"type": <spec name>, "descriptor": ..., "value": <map>}``."""
        return _section_json(self.KIND, self._map, self.ATTR)


_M = TypeVar("_M", bound=_MapSection)
_set_map: Callable[[_MapSection, dict[Any, Any]], None] = _MapSection.__dict__["_map"].__set__


def _rebuild_map(cls: type[_MapSection], mapping: dict[Any, Any]) -> _MapSection:
    return cls._trusted(mapping)


def _section_json(kind: int, value: Any, path: str) -> dict[str, Any]:
    try:
        content = _jsonform.value_to_json(value)
    except EncodeError as error:
        raise error._at(path) from None
    return {
        "type": _KIND_NAMES[kind],
        "descriptor": _jsonform.value_to_json(_DESCRIPTOR_OF_KIND[kind]),
        "value": content,
    }


class DeliveryAnnotations(_MapSection):
    """§3.2.2 ``delivery-annotations``: annotations for the next hop; keys symbol or ulong."""

    __slots__ = ()
    KIND, ATTR = DELIVERY_ANNOTATIONS, "delivery_annotations"


class MessageAnnotations(_MapSection):
    """§3.2.3 ``message-annotations``: annotations for the intermediaries; keys symbol or ulong."""

    __slots__ = ()
    KIND, ATTR = MESSAGE_ANNOTATIONS, "message_annotations"


class ApplicationProperties(_MapSection):
    """§3.2.5 ``application-properties``: string keys, simple values (no map, list or array)."""

    __slots__ = ()
    KIND, ATTR = APPLICATION_PROPERTIES, "application_properties"

    def _convert(self, mapping: Mapping[Any, Any]) -> dict[Any, Any]:
        converted = {}
        for key, value in mapping.items():
            if type(key) is not str:
                if type(key) is not Symbol:
                    raise EncodeError(
                        f"application_properties keys are strings, not {type(key).__name__}",
                        path=f"application_properties[{key!r}]",
                    )
                key = str.__str__(key)
            if not _is_simple(value):
                raise EncodeError(
                    f"application_properties values are simple types (§3.2.5), not {type(value).__name__}",
                    path=f"application_properties[{key!r}]",
                )
            converted[key] = value
        if len(converted) != len(mapping):
            raise EncodeError("application_properties has keys that are equal once converted", path=self.ATTR)
        return converted


class Footer(_MapSection):
    """§3.2.9 ``footer``: transport footers (hashes, signatures); keys symbol or ulong."""

    __slots__ = ()
    KIND, ATTR = FOOTER, "footer"


# --------------------------------------------------------------------------- body sections


class _BodySection:
    """Behaviour shared by the body sections: frozen, slotted dataclasses with one field,
    ``value`` (so ``testing.same_value`` compares them field by field, exactly typed)."""

    __slots__ = ()
    value: Any
    KIND: ClassVar[int]
    DESCRIPTOR: ClassVar[ULong]

    @classmethod
    def _trusted(cls: type[_B], value: Any) -> _B:
        """A section holding ``value`` as is (decoded from the wire; no conversion)."""
        section = object.__new__(cls)
        _setattr(section, "value", value)
        return section

    def __repr__(self) -> str:
        value = self.value
        if isinstance(value, bytes) and len(value) > 32:
            return f"{type(self).__name__}({value[:32]!r}...({len(value)} bytes))"
        return f"{type(self).__name__}({value!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_body, (type(self), self.value))

    def __copy__(self) -> Any:
        return self

    def __amqp__(self) -> Described:
        return _new_described(self.DESCRIPTOR, self.value)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"type": <spec name>, "descriptor": ..., "value": ...}``."""
        return _section_json(self.KIND, self.value, ".value")


_B = TypeVar("_B", bound=_BodySection)
_setattr = object.__setattr__


def _rebuild_body(cls: type[_BodySection], value: Any) -> _BodySection:
    return cls._trusted(value)


@dataclass(frozen=True, slots=True, repr=False)
class Data(_BodySection):
    """§3.2.6 ``data``: opaque binary application data (``value`` is ``bytes``; a
    ``bytearray`` or ``memoryview`` is copied to ``bytes``)."""

    value: bytes
    KIND: ClassVar[int] = DATA

    def __post_init__(self) -> None:
        value: Any = self.value
        if type(value) is not bytes:
            if not isinstance(value, (bytes, bytearray, memoryview)):
                raise EncodeError(f"data needs bytes, not {type(value).__name__}", path="data")
            _setattr(self, "value", bytes(value))


@dataclass(frozen=True, slots=True, repr=False)
class AMQPSequence(_BodySection):
    """§3.2.7 ``amqp-sequence``: a list of AMQP values (``value`` is a ``list``; a tuple
    is copied to a list)."""

    value: list[Any]
    KIND: ClassVar[int] = AMQP_SEQUENCE

    def __post_init__(self) -> None:
        value: Any = self.value
        if not isinstance(value, (list, tuple)):
            raise EncodeError(f"amqp-sequence needs a list, not {type(value).__name__}", path="amqp_sequence")
        _setattr(self, "value", list(value))


@dataclass(frozen=True, slots=True, repr=False)
class AMQPValue(_BodySection):
    """§3.2.8 ``amqp-value``: one AMQP value of any type."""

    value: Any
    KIND: ClassVar[int] = AMQP_VALUE


_SECTION_CLASSES: tuple[Any, ...] = (
    Header,
    DeliveryAnnotations,
    MessageAnnotations,
    Properties,
    ApplicationProperties,
    Data,
    AMQPSequence,
    AMQPValue,
    Footer,
)
_DESCRIPTOR_OF_KIND = tuple(ULong(_ENTRIES[name].code) for name in _KIND_NAMES)
for _cls in _SECTION_CLASSES:
    if not issubclass(_cls, Composite):
        _cls.DESCRIPTOR = _DESCRIPTOR_OF_KIND[_cls.KIND]
del _cls

Body = AMQPValue | tuple[Data, ...] | tuple[AMQPSequence, ...] | None

# --------------------------------------------------------------------------- conversions


def _to_header(value: Any) -> Header | None:
    if value is None or isinstance(value, Header):
        return value
    raise EncodeError(f"header needs a Header, not {type(value).__name__}", path="header")


def _to_properties(value: Any) -> Properties | None:
    if value is None or isinstance(value, Properties):
        return value
    raise EncodeError(f"properties needs a Properties, not {type(value).__name__}", path="properties")


def _map_converter(cls: type[_M]) -> Callable[[Any], _M | None]:
    def convert(value: Any) -> _M | None:
        if value is None or type(value) is cls:
            return value
        return cls(value)

    return convert


def _to_body(value: Any) -> Body:
    """The body normalisation of the contract (docs: messages, "Building a message")."""
    if value is None or type(value) is AMQPValue:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return (Data(value if type(value) is bytes else bytes(value)),)
    if isinstance(value, Data):
        return (value,)
    if isinstance(value, AMQPSequence):
        return (value,)
    if isinstance(value, AMQPValue):
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(item, _BodySection) for item in value):
        first = type(value[0])
        if first in (Data, AMQPSequence) and all(type(item) is first for item in value):
            return tuple(value)
        kinds = sorted({type(item).__name__ for item in value})
        raise EncodeError(
            f"a body of several sections is all Data or all AMQPSequence, not {', '.join(kinds)}", path="body"
        )
    return AMQPValue(value)


_CONVERTERS: tuple[Callable[[Any], Any], ...] = (
    _to_header,
    _map_converter(DeliveryAnnotations),
    _map_converter(MessageAnnotations),
    _to_properties,
    _map_converter(ApplicationProperties),
    _to_body,
    _map_converter(Footer),
)


# --------------------------------------------------------------------------- from the wire


#: How each kind of section is built from its decoded value, keeping what was sent.
_BUILDERS: tuple[Callable[[Any], Any], ...] = (
    Header._from_fields,
    DeliveryAnnotations._trusted,
    MessageAnnotations._trusted,
    Properties._from_fields,
    ApplicationProperties._trusted,
    Data._trusted,
    AMQPSequence._trusted,
    AMQPValue._trusted,
    Footer._trusted,
)
