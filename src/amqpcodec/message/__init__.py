"""Messages (OASIS AMQP 1.0 Part 3 §3.2): the seven sections and the :class:`Message` holding them.

Strategy: a message is a sequence of described values, one per section, in the order
of §3.2 (header, delivery-annotations, message-annotations, properties,
application-properties, body, footer).  Decoding reads each section's descriptor
itself (every form: smallulong, full-width ulong, symbolic; the usual ``00 53 xx``
inline), checks the section order and the constructor of its value before decoding
anything, then decodes the value with the value backend's ``decode_prefix`` on the
whole payload, so offsets are from the payload start, with ``max_depth`` one less
(the section's described value is one nesting level, Part 1 §1.2; errors still
state the caller's limit).  Header and properties are built by the backend's
``build_composite``.  ``lazy=True`` walks only constructors and size fields
(:func:`_skip`), keeps one copy of the bytes, and decodes each section on first
access; a section that was not reassigned re-encodes from its original bytes (an
unchanged lazy message encodes to the very bytes object it holds).  Encoding writes
each section canonically through the value backend, and a data body as a hand-built
header plus the body, joined once: a body is copied once, never more.

This module's walks are the reference implementation, and the only one the pure
backend runs.  With the compiled backend, the usual message (``00 53 xx``
descriptors, sections in order, small data bodies) takes its hot path: the compiled
``decode_message``, ``scan_message`` (lazy) and ``encode_message`` do the whole walk,
given :data:`_PLAN` (a ``_seam.MessagePlan``: this module's classes, slot setters and
tables).  They return ``None`` for anything else, and on any error this module's walk
runs again to report it with the section named; so every rule and message lives here
once.  The backend is read at call time (``_backend.current()``).

A :class:`Message` keeps its sections in real slots, so reading one costs what an
attribute does.  In a lazy message, exactly the sections still to decode (those with
a span) have their slot unset: the first read lands in ``__getattr__``, which decodes.

Decisions where the contract is silent:

- ``Message.decode(b"")`` is an empty message (every section ``None``); a payload of
  only a header or properties decodes with ``body=None`` (§3.2 asks for a body, real
  peers send none).  ``Message().encode()`` is ``b""``.
- A section's value must have its section's AMQP type on the wire: header,
  properties and amqp-sequence a list; the annotations, application-properties and
  footer a map; data a binary.  Anything else (including null) is a ``DecodeError``
  at the value's constructor.  A header or properties list longer than the spec's
  field list is a ``DecodeError``.
- Errors inside a section carry the section's spec name in ``DecodeError.field``
  (unless the value layer set one); ``offset`` is always from the payload start.
- A payload longer than ``limits.max_message_size`` raises ``LimitExceededError``
  with ``offset=limits.max_message_size``; ``encode`` raises ``EncodeError`` for a
  message that would be longer, as soon as the sections encoded so far pass it (each
  section's encoding is itself bounded by it, ``Limits``).
- Arrays of zero-width elements share one budget of ``limits.max_container_items``
  elements per ``Message.decode`` (all sections) and per lazy section access (all
  the body's sections), as within one value (``Limits``).
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
- A lazy message's raw bytes are used only for sections not reassigned since the
  decode, so ``Message.decode(p, lazy=True).encode() == p`` for every valid ``p``,
  while an eager decode re-encodes canonically.  ``==`` compares sections with
  ``==`` (forcing lazy sections); use ``same_value`` for losslessness.
- A lazy section that fails to decode raises on every access (nothing is cached);
  the first access of a lazy section is not thread-safe.
- ``to_dict()`` of a message: ``{"header": ..., ..., "body": ..., "footer": ...}``
  with absent sections omitted; header and properties in the composite JSON form; the
  other sections as ``{"type": <spec name>, "descriptor": ..., "value": ...}``; the
  body a list of sections (data, amqp-sequence) or one section (amqp-value).
"""

from __future__ import annotations

import dataclasses
import operator
import struct
import uuid as _uuid
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

from . import _jsonform
from . import definitions as _definitions  # noqa: F401 (registers the restricted-type enums)
from ._backend import current
from ._composite import REGISTRY, Composite, build_composite, composite
from ._seam import MessagePlan
from ._spec import DESCRIPTOR_BY_CODE, DESCRIPTORS, ENCODING_BY_CODE, Category, Code
from .errors import DecodeError, EncodeError, IncompleteError, LimitExceededError
from .limits import DEFAULT_LIMITS, Limits
from .types import Array, Described, Symbol, ULong, _new_described

__all__ = [
    "Message",
    "Header",
    "DeliveryAnnotations",
    "MessageAnnotations",
    "Properties",
    "ApplicationProperties",
    "Data",
    "AMQPSequence",
    "AMQPValue",
    "Footer",
    "SECTION_ATTRIBUTES",
]

_u32 = struct.Struct(">I")
_u64 = struct.Struct(">Q")

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
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Header(Composite):
    """§3.2.1 ``header``: transport headers (durability, priority, time to live, ...)."""

    durable: bool | None = None
    priority: int | None = None
    ttl: int | None = None
    first_acquirer: bool | None = None
    delivery_count: int | None = None


MessageId = int | str | bytes | _uuid.UUID


def _message_id(value: Any) -> Any:
    """A message-id or correlation-id (§3.2.11-§3.2.14): ulong, uuid, binary or string."""
    cls = type(value)
    if cls is ULong or cls is str or cls is bytes or cls is _uuid.UUID:
        return value
    if cls is int:
        if value < 0:
            raise EncodeError(f"a message-id cannot be a negative int ({value})")
        return ULong(value)
    if cls is bytearray or cls is memoryview:
        return bytes(value)
    raise EncodeError(f"a message-id is a ulong, uuid, binary or string, not {cls.__name__}")


@composite("properties")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
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

    def __post_init__(self) -> None:
        Composite.__post_init__(self)
        for name in ("message_id", "correlation_id"):
            value = getattr(self, name)
            if value is not None:
                try:
                    converted = _message_id(value)
                except EncodeError as error:
                    raise error._at(f"properties.{name}") from None
                if converted is not value:
                    object.__setattr__(self, name, converted)


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
    """The body normalisation of the contract (API.md "Messages")."""
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

# --------------------------------------------------------------------------- the message

_T = TypeVar("_T")


class _Pending:
    """Marks a lazy section not decoded yet (in pickles); pickles as the module singleton."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<pending>"

    def __reduce__(self) -> str:
        return "_PENDING"


_PENDING: Any = _Pending()


class _Slot(Generic[_T]):
    """How type checkers see a :class:`Message` attribute: read as ``_T``, set from any
    value (normalised by ``Message.__setattr__``).  At run time each is a real slot."""

    __slots__ = ()

    @overload
    def __get__(self, obj: None, owner: Any) -> _Slot[_T]: ...
    @overload
    def __get__(self, obj: Message, owner: Any) -> _T: ...
    def __get__(self, obj: Message | None, owner: Any) -> Any:
        raise NotImplementedError  # pragma: no cover (never instantiated)

    def __set__(self, obj: Message, value: Any) -> None:
        raise NotImplementedError  # pragma: no cover


#: A lazy slot's bytes: (start, end, ((kind, section_start, value_start), ...)).
_Span = tuple[int, int, tuple[tuple[int, int, int], ...]]

#: Message slots: the seven sections (in ``_ATTRS`` order), then the lazy state.
_MESSAGE_SLOTS = (*_ATTRS, "_limits", "_raw", "_spans")
_INDEX = {attr: index for index, attr in enumerate(_ATTRS)}


class Message:
    """An AMQP message (§3.2): up to seven sections, each optional.

    Attributes may be reassigned (values are normalised as in the constructor);
    sections themselves are immutable.  ``body`` is ``None``, an :class:`AMQPValue`, or
    a tuple of :class:`Data` or of :class:`AMQPSequence` sections; the constructor also
    takes ``bytes`` (one data section), a single section, a list of sections, or any
    other value (an amqp-value).
    """

    __slots__ = _MESSAGE_SLOTS
    _raw: bytes | None
    _spans: list[_Span | None] | None
    _limits: Limits

    if TYPE_CHECKING:
        header: _Slot[Header | None] = _Slot()
        delivery_annotations: _Slot[DeliveryAnnotations | None] = _Slot()
        message_annotations: _Slot[MessageAnnotations | None] = _Slot()
        properties: _Slot[Properties | None] = _Slot()
        application_properties: _Slot[ApplicationProperties | None] = _Slot()
        body: _Slot[Body] = _Slot()
        footer: _Slot[Footer | None] = _Slot()

    def __init__(
        self,
        header: Header | None = None,
        delivery_annotations: Mapping[Any, Any] | None = None,
        message_annotations: Mapping[Any, Any] | None = None,
        properties: Properties | None = None,
        application_properties: Mapping[Any, Any] | None = None,
        body: Any = None,
        footer: Mapping[Any, Any] | None = None,
    ) -> None:
        given = (header, delivery_annotations, message_annotations, properties, application_properties, body, footer)
        for set_slot, convert, value in zip(_SECTION_SETTERS, _CONVERTERS, given):
            set_slot(self, convert(value))
        _set_limits(self, DEFAULT_LIMITS)
        _set_raw(self, None)
        _set_spans(self, None)

    def __setattr__(self, name: str, value: Any) -> None:
        index = _INDEX.get(name)
        if index is None:
            object.__setattr__(self, name, value)
            return
        _SECTION_SETTERS[index](self, _CONVERTERS[index](value))
        spans = self._spans
        if spans is not None:
            spans[index] = None
            if not any(spans):  # nothing left to decode or keep: let the bytes go
                _set_raw(self, None)
                _set_spans(self, None)

    def __delattr__(self, name: str) -> None:
        if name in _INDEX:
            raise AttributeError(f"cannot delete {name!r}; set it to None")
        object.__delattr__(self, name)

    if not TYPE_CHECKING:  # (type checkers would take every attribute for a section)

        def __getattr__(self, name: str) -> Any:
            """Called only for an unset slot: a lazy message's section read for the first time."""
            index = _INDEX.get(name)
            if index is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            return self._load(index)

    # --- decoding -------------------------------------------------------------------

    @classmethod
    def decode(cls, data: Any, *, lazy: bool = False, limits: Limits = DEFAULT_LIMITS) -> Message:
        """Decode one message from ``data`` (any contiguous bytes-like object), §3.2.

        Raises :class:`~amqpcodec.errors.IncompleteError` when the input ends inside a
        section, :class:`~amqpcodec.errors.DecodeError` (naming the section, with the
        offset) for sections out of order, repeated, of mixed body kinds, not sections
        at all or after the footer, and :class:`~amqpcodec.errors.LimitExceededError`
        for a payload over ``limits.max_message_size``.  With ``lazy=True`` only the
        section structure is checked now; each section is decoded on first access.
        """
        if lazy:
            if type(data) is bytes:
                raw = data
            else:
                view = memoryview(data)
                _check_size(view.nbytes, limits)  # before copying
                raw = bytes(view)
            _check_size(len(raw), limits)
            compiled = current().compiled
            if compiled is not None:
                lazy_message: Message | None = compiled.scan_message(cls, raw, limits, _PLAN)
                if lazy_message is not None:
                    return lazy_message
            return _scan(cls, raw, limits)
        buf = data if type(data) is bytes else _as_view(data)
        if len(buf) > limits.max_message_size:
            _check_size(len(buf), limits)
        compiled = current().compiled
        if compiled is not None:
            try:
                message: Message | None = compiled.decode_message(cls, buf, limits, _PLAN)
            except DecodeError:
                message = None  # the walk below reports it in full
            if message is not None:
                return message
        return _decode_eager(cls, buf, limits)

    def _load(self, index: int) -> Any:
        """Decode lazy slot ``index`` from the raw bytes, or ``None`` for a section the
        message does not have (not thread-safe: first access)."""
        spans = self._spans
        span = None if spans is None else spans[index]
        if span is None:
            value = None
        else:
            raw, limits = self._raw, self._limits
            parts = span[2]
            budget = [limits.max_container_items] if len(parts) > 1 else None  # one for the whole body
            sections = [
                _read_section(kind, raw, start, value_start, limits, budget)[0] for kind, start, value_start in parts
            ]
            if index != _BODY:
                value = sections[0]
            else:
                value = sections[0] if parts[0][0] == AMQP_VALUE else tuple(sections)
        _SECTION_SETTERS[index](self, value)
        return value

    # --- encoding -------------------------------------------------------------------

    def encode(self, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
        """The message's bytes: each section in §3.2 order, canonically encoded, except
        lazy sections not reassigned since decoding, which keep their original bytes.

        Raises :class:`~amqpcodec.errors.EncodeError` with a path such as
        ``application_properties['k']`` or ``properties.to``.
        """
        spans = self._spans
        compiled = current().compiled
        if spans is None and compiled is not None:
            try:
                data: bytes | None = compiled.encode_message(self, limits, _PLAN)
            except EncodeError:
                data = None  # the walk below reports it with the section's path
            if data is not None:
                if len(data) > limits.max_message_size:
                    _too_long(len(data), limits)
                return data
        parts: list[Any] = []
        raw = self._raw
        kept = size = 0
        for index in range(7):
            span = spans[index] if spans is not None else None
            if span is not None:
                parts.append(memoryview(raw)[span[0] : span[1]])  # type: ignore[arg-type]
                kept += span[1] - span[0]
                size += span[1] - span[0]
                continue
            value = getattr(self, _ATTRS[index])
            if value is None:
                continue
            if index == _BODY:
                if type(value) is tuple:
                    for position, section in enumerate(value):
                        size = _encode_section(parts, section, limits, f"body[{position}]", size)
                else:
                    size = _encode_section(parts, value, limits, "body", size)
            else:
                size = _encode_section(parts, value, limits, _ATTRS[index], size)
        if size > limits.max_message_size:
            _too_long(size, limits)
        if raw is not None and kept == size == len(raw):
            return raw  # a lazy message with every section as decoded: its own bytes, uncopied
        return parts[0] if len(parts) == 1 and type(parts[0]) is bytes else b"".join(parts)

    # --- conveniences ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (API.md "JSON form"): sections by attribute name, absent ones omitted."""
        result: dict[str, Any] = {}
        for index, attr in enumerate(_ATTRS):
            value = getattr(self, attr)
            if value is None:
                continue
            if isinstance(value, Composite):
                try:
                    result[attr] = _jsonform.composite_to_json(value)
                except EncodeError as error:
                    raise error._at(attr) from None
            elif type(value) is tuple:
                sections = []
                for position, section in enumerate(value):
                    try:
                        sections.append(section.to_dict())
                    except EncodeError as error:
                        raise error._at(f"body[{position}]") from None
                result[attr] = sections
            elif index == _BODY:
                try:
                    result[attr] = value.to_dict()
                except EncodeError as error:
                    raise error._at("body") from None
            else:
                result[attr] = value.to_dict()
        return result

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return all(getattr(self, attr) == getattr(other, attr) for attr in _ATTRS)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        for attr in _ATTRS:
            try:
                value = getattr(self, attr)
            except DecodeError as error:
                parts.append(f"{attr}=<undecodable: {error}>")
                continue
            if value is not None:
                parts.append(f"{attr}={value!r}")
        return f"Message({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        spans = None if self._spans is None else list(self._spans)
        limits = None if self._limits is DEFAULT_LIMITS else self._limits
        return (_restore, (type(self), self._sections(), self._raw, spans, limits))

    def _sections(self) -> list[Any]:
        """The seven sections as they are held, ``_PENDING`` for lazy ones not decoded."""
        sections = []
        spans = self._spans
        for index, get_slot in enumerate(_SECTION_GETTERS):
            try:
                sections.append(get_slot(self, None))
            except AttributeError:
                sections.append(_PENDING if spans is not None and spans[index] is not None else None)
        return sections


def _too_long(size: int, limits: Limits, path: str = "", at_least: str = "") -> None:
    raise EncodeError(
        f"the message takes {at_least}{size} bytes, over max_message_size={limits.max_message_size}", path=path
    )


_SLOT_DESCRIPTORS = [Message.__dict__[name] for name in _MESSAGE_SLOTS]
_SECTION_SETTERS: tuple[Callable[[Message, Any], None], ...] = tuple(d.__set__ for d in _SLOT_DESCRIPTORS[:7])
_SECTION_GETTERS: tuple[Callable[[Message, Any], Any], ...] = tuple(d.__get__ for d in _SLOT_DESCRIPTORS[:7])
_set_limits, _set_raw, _set_spans = (d.__set__ for d in _SLOT_DESCRIPTORS[7:])


def _new_message(cls: type[Message], values: Any, raw: bytes | None, spans: Any, limits: Limits) -> Message:
    """A message holding ``values`` as they are (decoded, or restored); ``_PENDING``
    slots stay unset until read (``__getattr__`` decodes them from the spans)."""
    message = object.__new__(cls)
    for set_slot, value in zip(_SECTION_SETTERS, values):
        if value is not _PENDING:
            set_slot(message, value)
    _set_limits(message, limits)
    _set_raw(message, raw)
    _set_spans(message, spans)
    return message


def _restore(
    cls: type[Message], values: list[Any], raw: bytes | None, spans: list[_Span | None] | None, limits: Limits | None
) -> Message:
    return _new_message(
        cls, values, raw, None if spans is None else list(spans), DEFAULT_LIMITS if limits is None else limits
    )


# --------------------------------------------------------------------------- decoding


def _as_view(data: Any) -> memoryview:
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"cannot decode from {type(data).__name__}: a bytes-like object is required") from None
    if not view.c_contiguous:
        raise ValueError("cannot decode from a non-contiguous buffer")
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.max_message_size:
        raise LimitExceededError(
            f"the message has {size} bytes, over max_message_size={limits.max_message_size}",
            offset=limits.max_message_size,
            limit="max_message_size",
        )


def _descriptor_text(number: int) -> str:
    entry = DESCRIPTOR_BY_CODE.get(number)
    return f"0x{number:x}" + (f" ({entry.name})" if entry else "")


def _section_head(buf: Any, pos: int, end: int) -> tuple[int, int]:
    """Read a section's ``0x00`` and descriptor at ``pos``: (kind, offset of its value).

    Every descriptor form of §1.2 that a section may use: ulong (smallulong, ulong0,
    full-width) and symbol (sym8, sym32).
    """
    code = buf[pos]
    if code != Code.DESCRIBED:
        name = ENCODING_BY_CODE[code].name if code in ENCODING_BY_CODE else f"0x{code:02x}"
        raise DecodeError(
            f"expected a message section (a described value), found a {name} constructor",
            offset=pos,
            constructor=code,
        )
    at = pos + 1
    if at >= end:
        raise IncompleteError("the section descriptor is missing", offset=at)
    code = buf[at]
    kind: int | None
    if code == Code.SMALLULONG:
        if at + 2 > end:
            raise IncompleteError("smallulong descriptor needs 1 byte, 0 remain", offset=at + 1)
        number, value_at = buf[at + 1], at + 2
        kind = _KIND_BY_CODE.get(number)
    elif code == Code.ULONG:
        if at + 9 > end:
            raise IncompleteError(f"ulong descriptor needs 8 bytes, {end - at - 1} remain", offset=at + 1)
        number, value_at = _u64.unpack_from(buf, at + 1)[0], at + 9
        kind = _KIND_BY_CODE.get(number)
    elif code == Code.ULONG0:
        number, value_at, kind = 0, at + 1, None
    elif code == Code.SYM8 or code == Code.SYM32:
        width = 1 if code == Code.SYM8 else 4
        if at + 1 + width > end:
            raise IncompleteError(f"symbol descriptor size needs {width} bytes", offset=at + 1)
        size = buf[at + 1] if width == 1 else _u32.unpack_from(buf, at + 1)[0]
        value_at = at + 1 + width + size
        if value_at > end:
            raise IncompleteError(f"symbol descriptor needs {size} bytes, {end - at - 1 - width} remain", offset=at + 1)
        symbol = bytes(buf[at + 1 + width : value_at])
        kind = _KIND_BY_SYMBOL.get(symbol)
        if kind is None:
            raise DecodeError(
                f"descriptor {symbol.decode('ascii', 'replace')!r} is not a message section (§3.2)",
                offset=pos,
                constructor=code,
            )
        return kind, value_at
    else:
        name = ENCODING_BY_CODE[code].name if code in ENCODING_BY_CODE else f"0x{code:02x}"
        raise DecodeError(
            f"a section descriptor is a ulong or a symbol, not a {name}", offset=at, constructor=code
        )
    if kind is None:
        raise DecodeError(
            f"descriptor {_descriptor_text(number)} is not a message section (§3.2)", offset=pos, constructor=code
        )
    return kind, value_at


def _check_value_code(kind: int, buf: Any, at: int, end: int) -> None:
    """The value's constructor must suit its section (module docstring)."""
    if at >= end:
        raise IncompleteError(f"the {_KIND_NAMES[kind]} section's value is missing", offset=at)
    allowed, what = _VALUE_CODES[kind]
    if allowed is not None and buf[at] not in allowed:
        code = buf[at]
        name = ENCODING_BY_CODE[code].name if code in ENCODING_BY_CODE else f"0x{code:02x}"
        raise DecodeError(
            f"the {_KIND_NAMES[kind]} section holds a {what}, not {name}",
            offset=at,
            constructor=code,
            field=_KIND_NAMES[kind],
        )


def _check_order(kind: int, last: int, pos: int) -> None:
    """§3.2: sections in order, each at most once; data or amqp-sequence may repeat.

    (Bytes after a footer are rejected before they are read as a section.)
    """
    if last < 0:
        return
    name, last_name = _KIND_NAMES[kind], _KIND_NAMES[last]
    slot, last_slot = _SLOT_OF_KIND[kind], _SLOT_OF_KIND[last]
    if slot > last_slot:
        return
    if slot < last_slot:
        message = f"{name} section after the {last_name} section (§3.2 fixes the order)"
    elif slot != _BODY:
        message = f"second {name} section"
    elif kind != last:
        message = f"mixed body kinds: {name} section after {last_name} section"
    elif kind == AMQP_VALUE:
        message = "second amqp-value section"
    else:
        return
    raise DecodeError(message, offset=pos, field=name)


def _inner_limits(limits: Limits) -> Limits | None:
    """The limits for a section's value decoded on its own: one nesting level less, as
    the section's described value is one (Part 1 §1.2).  None when ``max_depth`` is 1."""
    if limits is DEFAULT_LIMITS:
        return _DEFAULT_INNER
    if limits.max_depth == 1:
        return None
    inner = _INNER.get(limits)
    if inner is None:
        if len(_INNER) > 64:
            _INNER.clear()
        inner = _INNER[limits] = dataclasses.replace(limits, max_depth=limits.max_depth - 1)
    return inner


_DEFAULT_INNER = dataclasses.replace(DEFAULT_LIMITS, max_depth=DEFAULT_LIMITS.max_depth - 1)
_INNER: dict[Limits, Limits] = {}


def _decode_value(buf: Any, offset: int, limits: Limits, budget: list[int] | None) -> tuple[Any, int]:
    """The live backend's ``decode_prefix``, sharing ``budget`` (the zero-width array
    elements left, ``Limits``) with the other calls of one decode; ``None``: a call of
    its own."""
    return current().decode_prefix(buf, offset, limits, budget)


def _read_value(
    buf: Any, start: int, value_start: int, inner: Limits | None, limits: Limits, budget: list[int] | None = None
) -> tuple[Any, int]:
    """Decode a section's value: alone with ``inner`` limits, or inside its described value."""
    if inner is None:
        described, stop = _decode_value(buf, start, limits, budget)
        return described.value, stop
    return _decode_value(buf, value_start, inner, budget)


def _annotate(error: DecodeError, kind: int, value_start: int, inner: Limits | None, limits: Limits) -> None:
    """Name the section in an error from its value, and state the caller's depth limit."""
    if error.field is None:
        error.field = _KIND_NAMES[kind]
    if error.offset is None:
        error.offset = value_start
    if inner is not None and isinstance(error, LimitExceededError) and error.limit == "max_depth" and error.args:
        error.args = (str(error.args[0]).replace(f"={inner.max_depth}", f"={limits.max_depth}"),)


def _read_section(
    kind: int, buf: Any, start: int, value_start: int, limits: Limits, budget: list[int] | None = None
) -> tuple[Any, int]:
    """Decode the section at ``start`` (checked by ``_section_head``): (section, end)."""
    inner = _inner_limits(limits)
    try:
        value, stop = _read_value(buf, start, value_start, inner, limits, budget)
        return _BUILDERS[kind](value), stop
    except DecodeError as error:
        _annotate(error, kind, value_start, inner, limits)
        raise


def _composite_builder(cls: type[Composite]) -> Callable[[list[Any]], Any]:
    """``cls._from_fields`` (on the live backend)."""

    def build(values: list[Any]) -> Any:
        return build_composite(cls, values, REGISTRY)

    return build


#: How each kind of section is built from its decoded value, keeping what was sent.
_BUILDERS: tuple[Callable[[Any], Any], ...] = (
    _composite_builder(Header),
    DeliveryAnnotations._trusted,
    MessageAnnotations._trusted,
    _composite_builder(Properties),
    ApplicationProperties._trusted,
    Data._trusted,
    AMQPSequence._trusted,
    AMQPValue._trusted,
    Footer._trusted,
)
_SMALL_KINDS: tuple[int, ...] = tuple(_KIND_BY_CODE.get(code, -1) for code in range(256))


def _decode_eager(cls: type[Message], buf: Any, limits: Limits) -> Message:
    end = len(buf)
    values: list[Any] = [None] * 7
    body: list[Any] = []
    pos, last, last_slot = 0, -1, -1
    inner = _inner_limits(limits)
    budget = [limits.max_container_items]  # one zero-width budget for every section
    decode_prefix = current().decode_prefix
    while pos < end:
        if last == FOOTER:
            raise DecodeError(f"{end - pos} bytes after the footer", offset=pos, field="footer")
        # The usual form, 00 53 <code> <value constructor>, is recognised inline.
        if pos + 3 < end and buf[pos] == 0 and buf[pos + 1] == Code.SMALLULONG and _SMALL_KINDS[buf[pos + 2]] >= 0:
            kind, value_start = _SMALL_KINDS[buf[pos + 2]], pos + 3
        else:
            kind, value_start = _section_head(buf, pos, end)
        _check_value_code(kind, buf, value_start, end)
        slot = _SLOT_OF_KIND[kind]
        if slot <= last_slot:
            _check_order(kind, last, pos)
        try:
            if inner is not None:
                value, stop = decode_prefix(buf, value_start, inner, budget)
            else:
                value, stop = _read_value(buf, pos, value_start, inner, limits, budget)
            section = _BUILDERS[kind](value)
        except DecodeError as error:
            _annotate(error, kind, value_start, inner, limits)
            raise
        if slot == _BODY:
            body.append(section)
        else:
            values[slot] = section
        pos, last, last_slot = stop, kind, slot
    if body:
        values[_BODY] = body[0] if last == AMQP_VALUE or (last == FOOTER and type(body[0]) is AMQPValue) else tuple(body)
    return _new_message(cls, values, None, None, limits)


#: For each constructor: (category, width) as in §1.6; used to skip values unread.
_SKIP: dict[int, tuple[Category, int]] = {code: (e.category, e.width) for code, e in ENCODING_BY_CODE.items()}


def _skip(buf: bytes, pos: int, end: int) -> int:
    """The offset after the value at ``pos``, found from constructors and size fields only.

    A described value (§1.2) is a descriptor and a value, so each ``0x00`` adds one
    more value to skip; nothing recurses and nothing is built.
    """
    pending = 1
    while pending:
        if pos >= end:
            raise IncompleteError("the input ends where a constructor should be", offset=pos)
        code = buf[pos]
        pos += 1
        if code == Code.DESCRIBED:
            pending += 1
            continue
        entry = _SKIP.get(code)
        if entry is None:
            raise DecodeError(f"unknown constructor 0x{code:02x}", offset=pos - 1, constructor=code)
        category, width = entry
        if category is Category.FIXED:
            stop = pos + width
        else:
            if pos + width > end:
                raise IncompleteError(f"a size field needs {width} bytes, {end - pos} remain", offset=pos)
            size = buf[pos] if width == 1 else _u32.unpack_from(buf, pos)[0]
            stop = pos + width + size
        if stop > end:
            name = ENCODING_BY_CODE[code].name
            raise IncompleteError(f"{name} needs {stop - pos} bytes, {end - pos} remain", offset=pos)
        pos = stop
        pending -= 1
    return pos


def _scan(cls: type[Message], raw: bytes, limits: Limits) -> Message:
    """A lazy message: section order, descriptors and sizes checked, nothing decoded."""
    end = len(raw)
    spans: list[_Span | None] = [None] * 7
    body: list[tuple[int, int, int]] = []
    pos, last, last_slot, body_stop = 0, -1, -1, 0
    while pos < end:
        if last == FOOTER:
            raise DecodeError(f"{end - pos} bytes after the footer", offset=pos, field="footer")
        if pos + 3 < end and raw[pos] == 0 and raw[pos + 1] == Code.SMALLULONG and _SMALL_KINDS[raw[pos + 2]] >= 0:
            kind, value_start = _SMALL_KINDS[raw[pos + 2]], pos + 3
        else:
            kind, value_start = _section_head(raw, pos, end)
        _check_value_code(kind, raw, value_start, end)
        slot = _SLOT_OF_KIND[kind]
        if slot <= last_slot:
            _check_order(kind, last, pos)
        # A section's value is usually one compound or binary: its size field gives its end.
        entry = _SKIP.get(raw[value_start])
        if entry is not None and entry[0] is not Category.FIXED and value_start + 1 + entry[1] <= end:
            width = entry[1]
            size = raw[value_start + 1] if width == 1 else _u32.unpack_from(raw, value_start + 1)[0]
            stop = value_start + 1 + width + size
            if stop > end:
                stop = _skip(raw, value_start, end)  # raises, with the usual message
        else:
            stop = _skip(raw, value_start, end)
        if slot == _BODY:
            body.append((kind, pos, value_start))
            body_stop = stop
        else:
            spans[slot] = (pos, stop, ((kind, pos, value_start),))
        pos, last, last_slot = stop, kind, slot
    if body:
        spans[_BODY] = (body[0][1], body_stop, tuple(body))
    return _new_message(cls, [None if span is None else _PENDING for span in spans], raw, spans, limits)


# --------------------------------------------------------------------------- encoding


def _encode_section(parts: list[Any], section: Any, limits: Limits, path: str, total: int) -> int:
    """Append the canonical bytes of one section to ``parts``, which hold ``total`` bytes;
    return their new total.  Encode errors get a section path, and so does passing
    ``max_message_size`` (each section's own encoding stops there, ``Limits``)."""
    if type(section) is Data:
        value = section.value
        size = len(value)
        if size <= 0xFF:
            parts.append(_DATA8 + bytes((size,)))
        elif size <= 0xFFFFFFFF:
            parts.append(_DATA32 + _u32.pack(size))
        else:
            raise EncodeError(f"{size} bytes do not fit a data section", path=path)
        parts.append(value)
        total += len(parts[-2]) + size
    else:
        try:
            data = current().encode(section, limits)
        except EncodeError as error:
            raise _section_error(error, section, path) from None
        parts.append(data)
        total += len(data)
    if total > limits.max_message_size:
        _too_long(total, limits, path, "at least ")
    return total


def _section_error(error: EncodeError, section: Any, path: str) -> EncodeError:
    """Rewrite ``.value[2]...`` (the described list or map) as ``properties.to...`` etc."""
    rest = error.path
    if rest.startswith(".value"):
        rest = rest[len(".value") :]
        if isinstance(section, Composite) and rest.startswith("["):
            index, _, after = rest[1:].partition("]")
            if index.isdigit() and int(index) < len(section._NAMES):
                rest = f".{section._NAMES[int(index)]}{after}"
        elif isinstance(section, _BodySection):
            rest = ".value" + rest
    error.path = path + rest
    return error


_DATA8 = bytes((Code.DESCRIBED, Code.SMALLULONG, _DESCRIPTOR_OF_KIND[DATA], Code.VBIN8))
_DATA32 = bytes((Code.DESCRIBED, Code.SMALLULONG, _DESCRIPTOR_OF_KIND[DATA], Code.VBIN32))


# --------------------------------------------------------------------------- the hot path's plan


def _hot_plan() -> MessagePlan:
    """What the compiled ``decode_message``/``scan_message``/``encode_message`` need of
    this module: the rules above as tables, the section classes and their slots, the
    message's slots (``_seam.MessagePlan`` says what each field holds)."""
    kinds = bytearray(b"\xff" * 256)
    for code, kind in _KIND_BY_CODE.items():
        if code <= 0xFF:
            kinds[code] = kind
    allowed = bytearray(len(_KIND_NAMES) << 8)
    for kind, (codes, _) in enumerate(_VALUE_CODES):
        for code in range(256) if codes is None else codes:
            allowed[kind << 8 | code] = 1
    repeatable = bytes(kind in (DATA, AMQP_SEQUENCE) for kind in range(len(_KIND_NAMES)))
    slot_names = ["_map" if issubclass(cls, _MapSection) else "value" for cls in _SECTION_CLASSES]
    composite = [issubclass(cls, Composite) for cls in _SECTION_CLASSES]
    setters = tuple(
        None if whole else cls.__dict__[name].__set__ if name in cls.__dict__ else _set_map
        for cls, name, whole in zip(_SECTION_CLASSES, slot_names, composite)
    )
    getters = tuple(
        None if whole else operator.attrgetter(name) for name, whole in zip(slot_names, composite)
    )
    widths = bytes(
        0xFF if e is None or e[1] > 0x7F else e[1] if e[0] is Category.FIXED else 0x80 | e[1]
        for e in map(_SKIP.get, range(256))
    )
    return MessagePlan(
        kinds=bytes(kinds),
        allowed=bytes(allowed),
        slots=bytes(_SLOT_OF_KIND),
        repeatable=repeatable,
        body_slot=_BODY,
        classes=_SECTION_CLASSES,
        setters=setters,
        getters=getters,
        descriptors=_DESCRIPTOR_OF_KIND,
        message_setters=(*_SECTION_SETTERS, _set_raw, _set_spans, _set_limits),
        sections_of=operator.attrgetter(*_ATTRS),
        registry=REGISTRY,
        inline_limit=_INLINE_DATA,
        widths=widths,
    )


#: Data sections larger than this are joined by ``Message.encode`` itself (copied once).
_INLINE_DATA = 8192
_PLAN = _hot_plan()
