"""The hand-written behaviour of the generated method classes (``methods``).

Every method class is a frozen ``__slots__`` class whose argument list comes from the
spec table (``_spec.METHOD_SPECS``); :func:`bind_methods` attaches each class's facts
(``NAME``, ids, flags, ``FIELDS``, ``RESPONSES``) from that table, so none is typed twice.
Argument types follow AMQP 0-9-1 §4.2.5 (integers, bits, strings, field tables).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from .._backend import current
from ._specmodel import Field, MethodSpec
from ._validate import CHECKS

if TYPE_CHECKING:
    from .._seam import MethodPlans091

__all__ = ["Method", "bind_methods", "field_json"]

_M = TypeVar("_M", bound="Method")
_set = object.__setattr__


class Method:
    """Base of every AMQP 0-9-1 method class (AMQP 0-9-1 §4.2.4, method payloads).

    Instances are immutable (``replace`` copies), compare equal when of the same class
    with equal arguments, and pickle.  Class attributes: ``NAME`` (``"basic.get-ok"``),
    ``CLASS_ID``, ``METHOD_ID``, ``SYNCHRONOUS``, ``HAS_CONTENT``, ``FIELDS`` (one
    :class:`~amqpcodec.amqp091._specmodel.Field` per argument, in wire order) and
    ``RESPONSES`` (the classes that answer it; empty unless synchronous).
    """

    __slots__ = ()

    NAME: ClassVar[str]
    CLASS_ID: ClassVar[int]
    METHOD_ID: ClassVar[int]
    SYNCHRONOUS: ClassVar[bool]
    HAS_CONTENT: ClassVar[bool]
    FIELDS: ClassVar[tuple[Field, ...]]
    RESPONSES: ClassVar[tuple[type[Method], ...]]
    #: One converter per field and the paths errors name (``basic.publish.routing_key``).
    _CHECKS: ClassVar[tuple[Callable[[Any, str], Any], ...]]
    _PATHS: ClassVar[tuple[str, ...]]
    _NAMES: ClassVar[tuple[str, ...]]

    def _init(self, values: tuple[Any, ...]) -> None:
        """Check ``values`` (``FIELDS`` order) and set them.  With the compiled backend,
        arguments all in their usual form are set in one call; any other goes through the
        reference checks below (so their errors are always these)."""
        compiled = current().compiled
        if compiled is not None and compiled.init_method091(self, values, _method_plans()):
            return
        for name, check, path, value in zip(self._NAMES, self._CHECKS, self._PATHS, values):
            _set(self, name, check(value, path))

    @classmethod
    def _unchecked(cls: type[_M], values: Iterable[Any]) -> _M:
        """An instance from already valid values, in ``FIELDS`` order (decoders, pickling)."""
        method = cls.__new__(cls)
        for name, value in zip(cls._NAMES, values):
            _set(method, name, value)
        return method

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; use replace()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def values(self) -> tuple[Any, ...]:
        """The arguments in wire order."""
        return tuple([getattr(self, name) for name in self._NAMES])

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Method)
        return self.values() == other.values()

    def __hash__(self) -> int:
        # Raises TypeError for a method holding a table, as a dict would.
        return hash((type(self), self.values()))

    def __repr__(self) -> str:
        arguments = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._NAMES)
        return f"{type(self).__name__}({arguments})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.values()))

    def replace(self: _M, **changes: Any) -> _M:
        """A copy with ``changes`` applied (checked as the constructor checks them)."""
        unknown = set(changes).difference(self._NAMES)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no argument {', '.join(sorted(unknown))}")
        arguments = {name: getattr(self, name) for name in self._NAMES}
        arguments.update(changes)
        return type(self)(**arguments)

    @property
    def expects_reply(self) -> bool:
        """True when the peer must answer: the method is synchronous and ``nowait`` is not set."""
        return self.SYNCHRONOUS and not getattr(self, "nowait", False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``{"type": "basic.deliver", "class_id", "method_id", "fields"}``.

        longlong values are decimal strings, longstr values hex, tables in the field-table
        JSON form; ``json.dumps`` needs no ``default=``.
        """
        return {
            "type": self.NAME,
            "class_id": self.CLASS_ID,
            "method_id": self.METHOD_ID,
            "fields": {
                field.name: field_json(field.type, getattr(self, field.name)) for field in self.FIELDS
            },
        }


@functools.cache
def _method_plans() -> MethodPlans091:
    """The method plans the compiled check reads the arguments' kinds from: the
    decoder's own (``payloads`` builds them from the generated classes, so they are
    looked up on first use)."""
    from .payloads import METHOD_PLANS

    return METHOD_PLANS


def _restore(cls: type[Method], values: tuple[Any, ...]) -> Method:
    return cls._unchecked(values)


def field_json(kind: str, value: Any) -> Any:
    """The JSON form of one argument or property value of spec type ``kind``."""
    if kind == "longlong":
        return str(value)
    if kind == "longstr":
        return bytes(value).hex()
    if kind == "table":
        from ._tables_json import table_to_json

        return table_to_json(value)
    if kind == "timestamp":  # as a table's "T": decimal seconds and "iso"
        from ._tables_json import value_to_json

        return value_to_json(value)
    if kind == "shortstr" and not isinstance(value, str):
        from ._tables_json import not_utf8_json

        return not_utf8_json(bytes(value))
    return value


def bind_methods(
    specs: Iterable[MethodSpec], classes: Iterable[type[Method]]
) -> dict[tuple[int, int], type[Method]]:
    """Attach each spec's facts to its generated class; returns ``METHODS``."""
    by_name: dict[str, type[Method]] = {}
    pairs = list(zip(specs, classes, strict=True))
    for spec, cls in pairs:
        names = tuple(field.name for field in spec.fields)
        if tuple(cls.__slots__) != names:
            raise RuntimeError(f"{cls.__name__} does not match {spec.name} (regenerate methods.py)")
        cls.NAME = spec.name
        cls.CLASS_ID = spec.class_id
        cls.METHOD_ID = spec.method_id
        cls.SYNCHRONOUS = spec.synchronous
        cls.HAS_CONTENT = spec.content
        cls.FIELDS = spec.fields
        cls._NAMES = names
        cls._CHECKS = tuple(CHECKS[field.type] for field in spec.fields)
        cls._PATHS = tuple(f"{spec.name}.{field.name}" for field in spec.fields)
        by_name[spec.name] = cls
    for spec, cls in pairs:
        cls.RESPONSES = tuple(by_name[name] for name in spec.responses)
    return {(spec.class_id, spec.method_id): cls for spec, cls in pairs}
