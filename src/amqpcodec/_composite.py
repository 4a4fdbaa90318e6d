"""The machinery shared by every composite type (Part 1 §1.4: described lists).

A composite class is a frozen, slotted, keyword-only dataclass whose field names,
order, types, mandatory flags and defaults come from the one spec table
(``_spec.COMPOSITES``); the class body only declares them for type checkers, and
``__init_subclass__`` checks the declaration against the table so the two cannot drift.

Decisions:
- Constructors convert each argument to its field's AMQP type (``int`` → ``UInt``
  for a uint field, ``str`` → ``Symbol`` for a symbol field, a list in a ``multiple``
  field → ``Array``, wire values → enum members) and raise ``EncodeError`` with a
  path such as ``open.max_frame_size`` otherwise; ``*`` fields keep what is given.
- A field absent on the wire is ``None``; an explicit value equal to the default is
  kept, so both round-trip.  ``effective(name)`` and the ``effective_<field>``
  properties give the spec default for ``None``.
- Decoding keeps what the peer sent (no conversion beyond enum members and nested
  known composites), so a decoded composite re-encodes to the same bytes.
- Encoding drops trailing null fields (§1.4: "trailing nulls may be omitted").

The hot halves live in the backends (``_pure`` and its compiled twin): building a
composite from decoded fields through the class's ``_PLAN`` (``build_composite``,
``to_typed``), and encoding one straight from its slots, which both backends do for
any class whose ``__amqp__`` is the one defined here (``_AMQP_COMPOSITE``).
"""

from __future__ import annotations

import dataclasses
import enum
import re
import reprlib
import uuid as _uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from . import _errortext as _text
from ._backend import current
from ._seam import CompositeStep
from ._spec import COMPOSITES, RESTRICTED, CompositeSpec, Field
from .errors import DecodeError, EncodeError
from .types import Array, Described, Symbol, UByte, UInt, ULong, _new_described, coerce

__all__ = ["Composite", "composite", "to_typed", "build_composite", "register_enum", "field_path", "REGISTRY"]

_Self = TypeVar("_Self", bound="Composite")

#: Known composite classes by numeric descriptor and by symbolic descriptor.
REGISTRY: dict[Any, type[Composite]] = {}

#: Enums of restricted types by spec type name (``role``, ``sasl-code``, ...).
_ENUMS: dict[str, type[enum.Enum]] = {}


def register_enum(type_name: str) -> Callable[[type[Any]], type[Any]]:
    """Class decorator: the enum that stands for restricted type ``type_name``."""

    def register(cls: type[Any]) -> type[Any]:
        _ENUMS[type_name] = cls
        return cls

    return register


def _snake(name: str) -> str:
    return name.replace("-", "_")


def _primitive(type_name: str) -> str | None:
    """The primitive a field type is carried as, or None for ``*`` and composites."""
    type_name = RESTRICTED.get(type_name, type_name)
    return type_name if type_name in _PRIMITIVES else None


_PRIMITIVES = frozenset(
    [
        "null",
        "boolean",
        "ubyte",
        "ushort",
        "uint",
        "ulong",
        "byte",
        "short",
        "int",
        "long",
        "float",
        "double",
        "decimal32",
        "decimal64",
        "decimal128",
        "char",
        "timestamp",
        "uuid",
        "binary",
        "string",
        "symbol",
        "list",
        "map",
        "array",
    ]
)
_SYMBOL_KEYED = frozenset(("fields", "node-properties", "filter-set", "annotations"))


def _symbol_keys(value: Any) -> dict[Any, Any]:
    if not isinstance(value, Mapping):
        raise EncodeError(f"needs a mapping, not {type(value).__name__}")
    result = {}
    for key, item in value.items():
        if type(key) is str:
            key = Symbol(key)
        elif type(key) is int and key >= 0:
            key = ULong(key)
        result[key] = item
    return result


def _enum_member(enum_cls: type[enum.Enum], wire: str) -> Callable[[Any], Any]:
    convert_wire = _converter_for_primitive(wire)

    members = " or ".join(f"{enum_cls.__name__}.{member.name}" for member in enum_cls)

    def convert(value: Any) -> Any:
        if isinstance(value, enum_cls):
            return value
        try:
            raw = convert_wire(value)
        except EncodeError:
            named = str(value).upper().replace("-", "_") if isinstance(value, str) else None
            hint = f"; did you mean {enum_cls.__name__}.{named}?" if named in enum_cls.__members__ else ""
            raise EncodeError(
                f"needs a {enum_cls.__name__} ({members}) or its {wire} value, not {type(value).__name__} {reprlib.repr(value)}{hint}"
            ) from None
        try:
            return enum_cls(raw)
        except ValueError:
            return raw  # a value the spec does not name: kept as its wire type

    return convert


def _converter_for_primitive(type_name: str) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return coerce(type_name, value)

    return convert


#: The archetypes composite types provide (Part 1 §1.4 "provides"), and what an error
#: suggests for a value that provides none.
_ARCHETYPES = frozenset(archetype for spec in COMPOSITES.values() for archetype in spec.provides)
_ARCHETYPE_HINTS = {
    "source": "Source(address={value!r})",
    "target": "Target(address={value!r})",
    "delivery-state": "a delivery state such as Accepted(), Received(...) or TransactionalState(...)",
    "outcome": "an outcome such as Accepted(), Rejected(...), Released() or Modified(...)",
    "lifetime-policy": "a lifetime policy such as DeleteOnClose()",
}


def _archetype(requires: str) -> Callable[[Any], Any]:
    """A ``*`` field that requires archetype ``requires`` (§1.4) holds a composite that
    provides it, or a ``Described`` whose descriptor is such a composite's or one not
    known here (an extension: kept as given)."""
    providers = frozenset(name for name, spec in COMPOSITES.items() if requires in spec.provides)
    names = "" if providers == {requires} else f" ({' or '.join(sorted(providers))})"

    def convert(value: Any) -> Any:
        if isinstance(value, Composite):
            if value.SPEC.name in providers:
                return value
            shown = value.SPEC.name
        elif isinstance(value, Described):
            cls = _known_class(value.descriptor, REGISTRY)
            if cls is None or cls.SPEC.name in providers:
                return value
            shown = f"a described {cls.SPEC.name}"
        else:
            shown = type(value).__name__
        hint = _ARCHETYPE_HINTS[requires].format(value=value if isinstance(value, str) else "...")
        raise EncodeError(f"needs a {requires}{names}, not {shown}; give {hint}")

    return convert


def _transaction_id(value: Any) -> Any:
    """A txn-id (Part 4 §4.5.6 ``transaction-id``, a restricted binary): bytes, or a
    ``Described`` (an extension, kept as given)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, Described):
        return value
    raise EncodeError(f"needs a transaction-id (binary), not {type(value).__name__}")


def _message_id(value: Any) -> Any:
    """A message-id or correlation-id (Part 3 §3.2.11-§3.2.14): ulong, uuid, binary or
    string; a non-negative ``int`` becomes ``ULong``, other binaries ``bytes``."""
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


def _field_converter(field: Field) -> Callable[[Any], Any]:
    """How a constructor argument for ``field`` becomes the stored value."""
    enum_cls = _ENUMS.get(field.type)
    primitive = _primitive(field.type)
    if enum_cls is not None:
        single = _enum_member(enum_cls, RESTRICTED[field.type])
    elif field.type in _SYMBOL_KEYED:
        single = _symbol_keys
    elif primitive is not None:
        single = _converter_for_primitive(primitive)
    elif field.type in COMPOSITES:
        expected = field.type

        def single(value: Any) -> Any:
            if isinstance(value, Composite) and value.SPEC.name == expected:
                return value
            raise EncodeError(f"needs a {expected}, not {type(value).__name__}")

    elif field.requires in _ARCHETYPES:
        return _archetype(field.requires)
    elif field.requires == "txn-id":
        return _transaction_id
    elif field.requires == "message-id":
        return _message_id
    else:  # "*": any value, as given
        return lambda value: value

    if not field.multiple:
        return single
    assert primitive is not None

    def multiple(value: Any) -> Any:
        if isinstance(value, Array):
            return value
        if isinstance(value, (list, tuple)):
            return Array(primitive, [single(item) for item in value])
        return single(value)

    return multiple


def _default_value(field: Field) -> Any:
    """The spec default of ``field`` as a typed value (None where there is none)."""
    if field.default is None:
        return None
    text = field.default
    enum_cls = _ENUMS.get(field.type)
    if enum_cls is not None:
        return enum_cls[text.upper().replace("-", "_")]
    primitive = _primitive(field.type)
    if primitive == "boolean":
        return text == "true"
    return coerce(primitive or "string", int(text))


class Composite:
    """Base of every composite class (performatives, definitions, message sections)."""

    __slots__ = ()
    SPEC: ClassVar[CompositeSpec]
    FIELDS: ClassVar[tuple[Field, ...]]
    DESCRIPTOR: ClassVar[ULong]
    SYMBOL: ClassVar[Symbol]
    _NAMES: ClassVar[tuple[str, ...]]
    _CONVERTERS: ClassVar[tuple[Callable[[Any], Any], ...]]
    _DEFAULTS: ClassVar[dict[str, Any]]
    _PLAN: ClassVar[tuple[CompositeStep, ...]]

    @classmethod
    def _prepare(cls) -> None:
        """Build converters, defaults and the decode plan once every enum is registered
        (on first use, since enums and classes register as their modules import)."""
        if "_CONVERTERS" not in cls.__dict__:
            cls._CONVERTERS = tuple(_field_converter(f) for f in cls.FIELDS)
            cls._DEFAULTS = {_snake(f.name): _default_value(f) for f in cls.FIELDS}
            cls._PLAN = tuple(_decode_step(cls, f, name) for f, name in zip(cls.FIELDS, cls._NAMES))

    def __post_init__(self) -> None:
        cls = type(self)
        cls._prepare()
        for field, name, convert in zip(cls.FIELDS, cls._NAMES, cls._CONVERTERS):
            value = getattr(self, name)
            if value is None:
                if field.mandatory:
                    raise EncodeError(f"{field.name} is mandatory", path=f"{cls.SPEC.name}.{name}")
                continue
            try:
                converted = convert(value)
            except EncodeError as error:
                raise error._at(f"{cls.SPEC.name}.{name}") from None
            if converted is not value:
                object.__setattr__(self, name, converted)

    # --- wire form -------------------------------------------------------------------

    def __amqp__(self) -> Described:
        """The described list this composite encodes as, trailing nulls dropped (§1.4)."""
        values = [getattr(self, name) for name in self._NAMES]
        while values and values[-1] is None:
            values.pop()
        return _new_described(self.DESCRIPTOR, values)

    #: Declares that the ``__amqp__`` above is the composite one, so the backends may
    #: encode straight from the slots (same bytes, same errors); a subclass overriding
    #: ``__amqp__`` is encoded through its own method.
    _AMQP_COMPOSITE: ClassVar[bool] = True

    @classmethod
    def _from_fields(cls, values: list[Any]) -> Any:
        """Build from decoded field values (a described list's items), as sent.

        Only two things are made typed: a restricted-type value of exactly its wire type
        becomes the enum member (so it re-encodes to the same bytes), and a described
        value with a known descriptor becomes its class.  Everything else is kept.
        Raises ``DecodeError`` for more values than fields, or a mandatory field absent.
        """
        return build_composite(cls, values)

    # --- conveniences ------------------------------------------------------------------

    def effective(self, name: str) -> Any:
        """The field's value, or its spec default when absent."""
        value = getattr(self, name)
        if value is None:
            type(self)._prepare()
            return self._DEFAULTS[name]
        return value

    def replace(self: _Self, **changes: Any) -> _Self:
        """A copy with ``changes`` applied (converted and checked like the constructor)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def __repr__(self) -> str:
        parts = []
        for name in self._NAMES:
            value = getattr(self, name)
            if value is None:
                continue
            text = repr(value)
            if isinstance(value, bytes) and len(value) > 32:
                text = f"{value[:32]!r}...({len(value)} bytes)"
            parts.append(f"{name}={text}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), [getattr(self, name) for name in self._NAMES]))

    # Equality and hashing as a frozen dataclass's generated ones would be (the same
    # class, then the fields in order), written once here: the classes are declared
    # ``eq=False`` so that ``dataclass`` compiles two functions fewer per class at import.
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._NAMES])

    def __copy__(self) -> Any:
        return self


def _rebuild(cls: type[Composite], values: list[Any]) -> Any:
    obj = object.__new__(cls)
    for name, value in zip(cls._NAMES, values):
        object.__setattr__(obj, name, value)
    return obj


#: The Python class a primitive decodes to, for the primitives restricted types use.
_DECODED_CLASS: dict[str, type] = {"boolean": bool, "ubyte": UByte, "uint": UInt, "symbol": Symbol}


def _decode_step(cls: type[Composite], field: Field, name: str) -> CompositeStep:
    """How ``field`` is filled when a ``cls`` is decoded (:func:`build_composite`, and the
    compiled twin, which sets the slot through the setter's descriptor)."""
    enum_cls = _ENUMS.get(field.type)
    wire_type: type | None = None
    members: dict[Any, Any] = {}
    if enum_cls is not None:
        wire_type = _DECODED_CLASS[RESTRICTED[field.type]]
        members = {member.value: member for member in enum_cls}
    slot = next(klass.__dict__[name] for klass in cls.__mro__ if name in klass.__dict__)
    return CompositeStep(slot.__set__, field.mandatory, wire_type, members, f"{cls.SPEC.name}.{name}")


def to_typed(value: Any, registry: Mapping[Any, Any] = REGISTRY) -> Any:
    """``value`` as its composite class when it is a ``Described`` whose descriptor is a
    key of ``registry`` (numeric or symbolic; by default every known class), else
    ``value`` unchanged.

    Raises ``DecodeError`` when a known descriptor describes something that is not a
    list, or a mandatory field is absent.
    """
    compiled = current().compiled
    if compiled is not None:
        return compiled.to_typed(value, registry)
    return _to_typed(value, registry)


def build_composite(cls: Any, values: list[Any], registry: Mapping[Any, Any] = REGISTRY) -> Any:
    """A ``cls`` composite from a described list's decoded items, as sent (Part 1 §1.4):
    see :func:`_build_composite`, the reference the compiled twin is tested against."""
    compiled = current().compiled
    if compiled is not None:
        return compiled.build_composite(cls, values, registry)
    return _build_composite(cls, values, registry)


def _known_class(descriptor: Any, registry: Mapping[Any, Any]) -> Any:
    """The composite class ``descriptor`` names in ``registry``, else ``None``."""
    try:
        return registry.get(descriptor)
    except TypeError:  # an unhashable descriptor names no class
        return None


def _to_typed(value: Any, registry: Mapping[Any, Any]) -> Any:
    if type(value) is not Described:
        return value
    cls = _known_class(value.descriptor, registry)
    if cls is None:
        return value
    body = value.value
    if type(body) is not list:
        raise DecodeError(_text.not_described_list(cls.SPEC.name, body))
    return _build_composite(cls, body, registry)


def _build_composite(cls: Any, values: list[Any], registry: Mapping[Any, Any]) -> Any:
    """Each slot is set through ``cls._PLAN``: an absent field is ``None`` (a
    ``DecodeError`` naming it if mandatory), a restricted-type value of exactly its wire
    type becomes its enum member, a ``Described`` goes through :func:`_to_typed`;
    everything else is kept.  More items than fields is a ``DecodeError``."""
    plan, setters = _build_plan(cls)
    count = len(values)
    if count > len(plan):
        raise DecodeError(
            _text.too_many_fields(cls.SPEC.name, count, len(plan)),
            field=cls.SPEC.name,
        )
    obj = _new_object(cls)
    if setters:  # no mandatory or restricted-type field: only described values to look at
        for set_slot, value in zip(setters, values):
            if type(value) is Described:
                value = _to_typed(value, registry)
            set_slot(obj, value)
        for set_slot in setters[count:]:
            set_slot(obj, None)
        return obj
    for step, value in zip(plan, values):
        if value is None:
            if step.mandatory:
                raise DecodeError(_text.mandatory_absent(step.path), field=step.path)
        elif type(value) is step.wire_type:
            value = step.members.get(value, value)
        elif type(value) is Described:
            value = _to_typed(value, registry)
        step.setter(obj, value)
    for step in plan[count:]:  # the fields not sent
        if step.mandatory:
            raise DecodeError(_text.mandatory_absent(step.path), field=step.path)
        step.setter(obj, None)
    return obj


_new_object = object.__new__


def _build_plan(cls: Any) -> tuple[tuple[CompositeStep, ...], tuple[Callable[[Any, Any], None], ...]]:
    """``cls._PLAN`` (prepared on first use), and its slot setters alone when no field
    is mandatory or of a restricted type (else ``()``)."""
    known = _BUILD_PLANS.get(cls)
    if known is None:
        plan = cls.__dict__.get("_PLAN")
        if plan is None:
            cls._prepare()
            plan = cls._PLAN
        plain = not any(step.mandatory or step.wire_type is not None for step in plan)
        known = _BUILD_PLANS[cls] = (plan, tuple(step.setter for step in plan) if plain else ())
    return known


#: ``_build_plan`` of each composite class seen.
_BUILD_PLANS: dict[type, tuple[tuple[CompositeStep, ...], tuple[Callable[[Any, Any], None], ...]]] = {}


_C = TypeVar("_C", bound="type[Composite]")


def _effective_property(name: str) -> property:
    def get(self: Composite) -> Any:
        return self.effective(name)

    get.__doc__ = f"``{name}``, or its spec default when absent."
    return property(get)


def composite(spec: str) -> Callable[[_C], _C]:
    """Class decorator (put above ``@dataclass(frozen=True, slots=True, kw_only=True, repr=False,
    eq=False)``; ``Composite`` gives equality and hashing):
    ties a composite class to its entry in the spec table and registers its descriptors.

    The class's annotated fields must be the table's fields in the table's order.
    """
    entry = COMPOSITES[spec]

    def register(cls: _C) -> _C:
        names = tuple(_snake(f.name) for f in entry.fields)
        declared = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
        if declared != names:
            raise TypeError(f"{cls.__name__} declares {declared}; the spec table says {names}")
        cls.SPEC = entry
        cls.FIELDS = entry.fields
        cls.DESCRIPTOR = ULong(entry.code)
        cls.SYMBOL = Symbol(entry.symbol)
        cls._NAMES = names
        for field, name in zip(entry.fields, names):
            if field.default is not None:
                setattr(cls, f"effective_{name}", _effective_property(name))
        REGISTRY[cls.DESCRIPTOR] = cls
        REGISTRY[cls.SYMBOL] = cls
        return cls

    return register


_STEP = re.compile(r"\.value\[(\d+)\]")


def field_path(value: Any, path: str) -> str:
    """An encoder error path through composites (``.value[7].value[0]``) in field names
    (``transfer.state.txn_id``); other paths unchanged."""
    if not isinstance(value, Composite):
        return path
    named = value.SPEC.name
    while isinstance(value, Composite):
        match = _STEP.match(path)
        if match is None or int(match.group(1)) >= len(value.FIELDS):
            break
        name = value.FIELDS[int(match.group(1))].name.replace("-", "_")
        named += "." + name
        value = getattr(value, name)
        path = path[match.end() :]
    return named + path
