"""Python value types for the AMQP 1.0 type system (Part 1 §1.6).

AMQP has more types than Python; where a Python builtin would lose the AMQP type
(``uint`` vs ``long``, ``symbol`` vs ``string``), a thin subclass of the builtin keeps
it.  Wrappers compare and hash equal to their base value, show their type only in
``repr``, range-check on construction (raising :class:`~amqpcodec.errors.EncodeError`)
and return the base type from arithmetic.

Also here: :class:`Described` (§1.2 described types), :class:`Array` (§1.6.24) and
:func:`as_tuple` for ``multiple`` fields.
"""

from __future__ import annotations

import datetime as _dt
import struct
import uuid as _uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from . import _decimal
from ._spec import ARRAY_ELEMENT_CODES
from .errors import EncodeError

__all__ = [
    "UByte",
    "UShort",
    "UInt",
    "ULong",
    "Byte",
    "Short",
    "Int",
    "Long",
    "Float",
    "Decimal32",
    "Decimal64",
    "Decimal128",
    "Char",
    "Timestamp",
    "Symbol",
    "Described",
    "Array",
    "as_tuple",
    "coerce",
]


# --- integers -----------------------------------------------------------------

_I = TypeVar("_I", bound="_BoundedInt")
_D = TypeVar("_D", bound="_BoundedDecimal")


class _BoundedInt(int):
    """An int subclass restricted to ``[_MIN, _MAX]``."""

    __slots__ = ()
    _MIN: ClassVar[int]
    _MAX: ClassVar[int]
    TYPE_NAME: ClassVar[str]

    def __new__(cls: type[_I], value: int = 0) -> _I:
        if type(value) is bool or not isinstance(value, int):
            raise EncodeError(f"{cls.__name__} needs an int, not {type(value).__name__}")
        number = int(value)
        if not cls._MIN <= number <= cls._MAX:
            shown = number if number.bit_length() <= 128 else f"an int of {number.bit_length()} bits"
            raise EncodeError(f"{shown} is out of range for {cls.TYPE_NAME} [{cls._MIN}, {cls._MAX}]")
        return int.__new__(cls, number)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({int.__repr__(self)})"

    __str__ = int.__repr__

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (int(self),))


class UByte(_BoundedInt):
    """AMQP ``ubyte`` (§1.6.3): 0 .. 2**8-1."""

    __slots__ = ()
    _MIN, _MAX, TYPE_NAME = 0, 0xFF, "ubyte"


class UShort(_BoundedInt):
    """AMQP ``ushort`` (§1.6.4): 0 .. 2**16-1."""

    __slots__ = ()
    _MIN, _MAX, TYPE_NAME = 0, 0xFFFF, "ushort"


class UInt(_BoundedInt):
    """AMQP ``uint`` (§1.6.5): 0 .. 2**32-1."""

    __slots__ = ()
    _MIN, _MAX, TYPE_NAME = 0, 0xFFFFFFFF, "uint"


class ULong(_BoundedInt):
    """AMQP ``ulong`` (§1.6.6): 0 .. 2**64-1."""

    __slots__ = ()
    _MIN, _MAX, TYPE_NAME = 0, 0xFFFFFFFFFFFFFFFF, "ulong"


class Byte(_BoundedInt):
    """AMQP ``byte`` (§1.6.7): -2**7 .. 2**7-1."""

    __slots__ = ()
    _MIN, _MAX, TYPE_NAME = -0x80, 0x7F, "byte"


class Short(_BoundedInt):
    """AMQP ``short`` (§1.6.8): -2**15 .. 2**15-1."""

    __slots__ = ()
    _MIN, _MAX, TYPE_NAME = -0x8000, 0x7FFF, "short"


class Int(_BoundedInt):
    """AMQP ``int`` (§1.6.9): -2**31 .. 2**31-1."""

    __slots__ = ()
    _MIN, _MAX, TYPE_NAME = -0x80000000, 0x7FFFFFFF, "int"


class Long(_BoundedInt):
    """AMQP ``long`` (§1.6.10): -2**63 .. 2**63-1.  Decodes as plain ``int``."""

    __slots__ = ()
    _MIN, _MAX, TYPE_NAME = -0x8000000000000000, 0x7FFFFFFFFFFFFFFF, "long"


class Timestamp(_BoundedInt):
    """AMQP ``timestamp`` (§1.6.17): signed milliseconds since the Unix epoch, UTC."""

    __slots__ = ()
    _MIN, _MAX, TYPE_NAME = -0x8000000000000000, 0x7FFFFFFFFFFFFFFF, "timestamp"

    def to_datetime(self) -> _dt.datetime:
        """This instant as an aware UTC ``datetime``; ``OverflowError`` outside its range."""
        try:
            return _EPOCH + _dt.timedelta(milliseconds=int(self))
        except OverflowError:
            raise OverflowError(f"{self!r} is outside datetime's range") from None

    @classmethod
    def from_datetime(cls, value: _dt.datetime) -> Timestamp:
        """The timestamp of an aware ``datetime``, floored to whole milliseconds.

        A naive ``datetime`` raises :class:`EncodeError`: its zone would be a guess.
        """
        if not isinstance(value, _dt.datetime):
            raise EncodeError(f"Timestamp.from_datetime needs a datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise EncodeError("a naive datetime has no zone; give it a tzinfo (e.g. timezone.utc)")
        delta = value - _EPOCH
        # timedelta keeps microseconds in [0, 1e6), so // floors for negative instants too.
        return cls((delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000)


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


# --- floating point ------------------------------------------------------------

_F32 = struct.Struct(">f")
_U32 = struct.Struct(">I")
_D64 = struct.Struct(">d")
_U64 = struct.Struct(">Q")


def float32_bits_to_double(bits: int) -> float:
    """The double for 32 float bits, keeping NaN sign, payload and signalling bit.

    (A C ``float`` to ``double`` conversion would quieten a signalling NaN.)
    """
    if bits & 0x7F800000 == 0x7F800000 and bits & 0x007FFFFF:
        return _D64.unpack(_U64.pack((bits >> 31) << 63 | 0x7FF << 52 | (bits & 0x007FFFFF) << 29))[0]  # type: ignore[no-any-return]
    return _F32.unpack(_U32.pack(bits))[0]  # type: ignore[no-any-return]


def double_to_float32_bits(value: float) -> int:
    """The float32 bits of ``value`` (rounded to nearest); ``OverflowError`` if too large.

    NaNs keep their sign and the top 23 payload bits (a payload that would vanish
    becomes the quiet NaN, never an infinity).
    """
    if value != value:
        bits = _U64.unpack(_D64.pack(value))[0]
        mantissa = (bits >> 29) & 0x007FFFFF or 0x00400000
        return int((bits >> 63) << 31 | 0x7F800000 | mantissa)
    return int(_U32.unpack(_F32.pack(value))[0])


class Float(float):
    """AMQP ``float`` (§1.6.11): IEEE 754 binary32, rounded to float32 when constructed.

    Finite values beyond float32's range raise :class:`EncodeError`; infinities and
    NaNs (with their payloads) are kept.
    """

    __slots__ = ()
    TYPE_NAME: ClassVar[str] = "float"

    def __new__(cls, value: float | int = 0.0) -> Float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise EncodeError(f"Float needs a float, not {type(value).__name__}")
        try:
            bits = double_to_float32_bits(float(value))
        except OverflowError:
            raise EncodeError(f"{value!r} is beyond float32's range") from None
        return float.__new__(cls, float32_bits_to_double(bits))

    def __repr__(self) -> str:
        return f"Float({float.__repr__(self)})"

    __str__ = float.__repr__

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (float(self),))


# --- decimals ------------------------------------------------------------------


class _BoundedDecimal(Decimal):
    __slots__ = ()
    _WIDTH: ClassVar[int]
    TYPE_NAME: ClassVar[str]

    def __new__(cls: type[_D], value: Any = "0") -> _D:
        if isinstance(value, (bool, float)):
            raise EncodeError(f"{cls.__name__} needs a Decimal, int or str, not {type(value).__name__}")
        try:
            number = value if isinstance(value, Decimal) else Decimal(value)
        except (ArithmeticError, TypeError, ValueError):
            raise EncodeError(f"{value!r} is not a decimal number") from None
        _decimal.check_decimal_fits(number, cls._WIDTH)
        return Decimal.__new__(cls, number)

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{Decimal.__str__(self)}')"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (Decimal.__str__(self),))


class Decimal32(_BoundedDecimal):
    """AMQP ``decimal32`` (§1.6.13): 7 digits, exponent -101 .. 90, BID on the wire."""

    __slots__ = ()
    _WIDTH, TYPE_NAME = 32, "decimal32"


class Decimal64(_BoundedDecimal):
    """AMQP ``decimal64`` (§1.6.14): 16 digits, exponent -398 .. 369, BID on the wire."""

    __slots__ = ()
    _WIDTH, TYPE_NAME = 64, "decimal64"


class Decimal128(_BoundedDecimal):
    """AMQP ``decimal128`` (§1.6.15): 34 digits, exponent -6176 .. 6111, BID on the wire."""

    __slots__ = ()
    _WIDTH, TYPE_NAME = 128, "decimal128"


# --- text ------------------------------------------------------------------------


class Char(str):
    """AMQP ``char`` (§1.6.16): one Unicode scalar value, UTF-32BE on the wire."""

    __slots__ = ()
    TYPE_NAME: ClassVar[str] = "char"

    def __new__(cls, value: str) -> Char:
        if not isinstance(value, str) or len(value) != 1:
            raise EncodeError(f"Char needs a 1-character str, not {value!r}")
        if 0xD800 <= ord(value) <= 0xDFFF:
            raise EncodeError(f"Char cannot hold the surrogate U+{ord(value):04X}")
        return str.__new__(cls, value)

    def __repr__(self) -> str:
        return f"Char({str.__repr__(self)})"

    __str__ = str.__str__

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self),))


class Symbol(str):
    """AMQP ``symbol`` (§1.6.21): an ASCII string naming something, distinct from ``string``."""

    __slots__ = ()
    TYPE_NAME: ClassVar[str] = "symbol"

    def __new__(cls, value: str = "") -> Symbol:
        if not isinstance(value, str):
            raise EncodeError(f"Symbol needs a str, not {type(value).__name__}")
        if not value.isascii():
            raise EncodeError(f"a symbol must be ASCII: {value!r}")
        return str.__new__(cls, value)

    def __repr__(self) -> str:
        return f"Symbol({str.__repr__(self)})"

    def __str__(self) -> str:
        return str.__str__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str.__str__(self),))


# --- described values and arrays ---------------------------------------------------


def _normalise_descriptor(descriptor: Any) -> Any:
    if type(descriptor) is int:
        return ULong(descriptor)
    if type(descriptor) is str:
        return Symbol(descriptor)
    return descriptor


class Described:
    """A described value (§1.2): a ``descriptor`` (normally ulong or symbol) and a ``value``.

    A plain ``int`` descriptor is stored as :class:`ULong`, a plain ``str`` as
    :class:`Symbol`.  Immutable; hashable when both parts are.
    """

    __slots__ = ("descriptor", "value")
    descriptor: Any
    value: Any

    def __init__(self, descriptor: Any, value: Any) -> None:
        _set_descriptor(self, _normalise_descriptor(descriptor))
        _set_value(self, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Described is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Described is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Described):
            return NotImplemented
        return bool(self.descriptor == other.descriptor and self.value == other.value)

    def __hash__(self) -> int:
        return hash((Described, self.descriptor, self.value))

    def __repr__(self) -> str:
        return f"Described({self.descriptor!r}, {self.value!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_new_described, (self.descriptor, self.value))


_set_descriptor: Callable[[Described, Any], None] = Described.__dict__["descriptor"].__set__
_set_value: Callable[[Described, Any], None] = Described.__dict__["value"].__set__


def _new_described(descriptor: Any, value: Any) -> Described:
    """Build a :class:`Described` from already-typed parts (the decoders' fast path)."""
    obj = object.__new__(Described)
    _set_descriptor(obj, descriptor)
    _set_value(obj, value)
    return obj


def _coerce_bool(value: Any) -> bool:
    if type(value) is not bool:
        raise EncodeError(f"boolean needs a bool, not {type(value).__name__}")
    return value


def _coerce_null(value: Any) -> None:
    if value is not None:
        raise EncodeError(f"null needs None, not {type(value).__name__}")


def _coerce_long(value: Any) -> int:
    if isinstance(value, Long):
        return int(value)
    return int(Long(value))


def _coerce_double(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EncodeError(f"double needs a float, not {type(value).__name__}")
    return float(value)


def _coerce_decimal(cls: type[_BoundedDecimal]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return value if type(value) is cls else cls(value)

    return convert


def _coerce_timestamp(value: Any) -> Timestamp:
    if isinstance(value, _dt.datetime):
        return Timestamp.from_datetime(value)
    return value if type(value) is Timestamp else Timestamp(value)


def _coerce_uuid(value: Any) -> _uuid.UUID:
    if not isinstance(value, _uuid.UUID):
        raise EncodeError(f"uuid needs a uuid.UUID, not {type(value).__name__}")
    return value


def _coerce_binary(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise EncodeError(f"binary needs bytes, not {type(value).__name__}")


def _coerce_string(value: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, str) and not isinstance(value, (Symbol, Char)):
        return str(value)
    raise EncodeError(f"string needs a str, not {type(value).__name__}")


def _coerce_wrapper(cls: type) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return value if isinstance(value, cls) else cls(value)

    return convert


def _coerce_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise EncodeError(f"list needs a list or tuple, not {type(value).__name__}")


def _coerce_map(value: Any) -> dict[Any, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise EncodeError(f"map needs a mapping, not {type(value).__name__}")


def _coerce_array(value: Any) -> Array:
    if isinstance(value, Array):
        return value
    raise EncodeError(f"array needs an Array, not {type(value).__name__}")


#: How a value is converted to each AMQP type, by type name (used by Array and by the
#: composite classes' constructors).  Every converter raises EncodeError on mismatch.
_COERCERS: dict[str, Callable[[Any], Any]] = {
    "null": _coerce_null,
    "boolean": _coerce_bool,
    "ubyte": _coerce_wrapper(UByte),
    "ushort": _coerce_wrapper(UShort),
    "uint": _coerce_wrapper(UInt),
    "ulong": _coerce_wrapper(ULong),
    "byte": _coerce_wrapper(Byte),
    "short": _coerce_wrapper(Short),
    "int": _coerce_wrapper(Int),
    "long": _coerce_long,
    "float": _coerce_wrapper(Float),
    "double": _coerce_double,
    "decimal32": _coerce_decimal(Decimal32),
    "decimal64": _coerce_decimal(Decimal64),
    "decimal128": _coerce_decimal(Decimal128),
    "char": _coerce_wrapper(Char),
    "timestamp": _coerce_timestamp,
    "uuid": _coerce_uuid,
    "binary": _coerce_binary,
    "string": _coerce_string,
    "symbol": _coerce_wrapper(Symbol),
    "list": _coerce_list,
    "map": _coerce_map,
    "array": _coerce_array,
}
assert _COERCERS.keys() == ARRAY_ELEMENT_CODES.keys()


def coerce(type_name: str, value: Any) -> Any:
    """``value`` converted to the Python type that AMQP ``type_name`` decodes to.

    Raises :class:`EncodeError` when it cannot be converted without loss (a plain
    ``int`` out of range, a ``str`` for a binary, a naive datetime, ...).
    """
    try:
        convert = _COERCERS[type_name]
    except KeyError:
        raise EncodeError(f"unknown AMQP type {type_name!r}") from None
    return convert(value)


class Array:
    """AMQP ``array`` (§1.6.24): elements of one type sharing one constructor.

    ``element_type`` is the AMQP type name (``"uint"``, ``"symbol"``, ``"list"``, ...);
    ``items`` are converted to that type's Python type on construction; a
    ``descriptor`` makes it an array of described values, written once.
    Unhashable, like ``list``.
    """

    __slots__ = ("descriptor", "element_type", "items")
    element_type: str
    items: tuple[Any, ...]
    descriptor: Any

    def __init__(self, element_type: str, items: Iterable[Any] = (), descriptor: Any = None) -> None:
        if element_type not in _COERCERS:
            raise EncodeError(f"unknown array element type {element_type!r}")
        convert = _COERCERS[element_type]
        converted = []
        for index, item in enumerate(items):
            try:
                converted.append(convert(item))
            except EncodeError as error:
                raise error._at(f"[{index}]") from None
        _set_element_type(self, element_type)
        _set_items(self, tuple(converted))
        _set_array_descriptor(self, _normalise_descriptor(descriptor))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Array is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Array is immutable")

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __getitem__(self, index: int) -> Any:
        return self.items[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Array):
            return NotImplemented
        return bool(
            self.element_type == other.element_type
            and self.descriptor == other.descriptor
            and self.items == other.items
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        described = "" if self.descriptor is None else f", descriptor={self.descriptor!r}"
        return f"Array({self.element_type!r}, {list(self.items)!r}{described})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_new_array, (self.element_type, self.items, self.descriptor))


_set_element_type: Callable[[Array, str], None] = Array.__dict__["element_type"].__set__
_set_items: Callable[[Array, tuple[Any, ...]], None] = Array.__dict__["items"].__set__
_set_array_descriptor: Callable[[Array, Any], None] = Array.__dict__["descriptor"].__set__


def _new_array(element_type: str, items: tuple[Any, ...], descriptor: Any) -> Array:
    """Build an :class:`Array` from already-typed parts (the decoders' fast path)."""
    obj = object.__new__(Array)
    _set_element_type(obj, element_type)
    _set_items(obj, items)
    _set_array_descriptor(obj, descriptor)
    return obj


def as_tuple(value: Any) -> tuple[Any, ...]:
    """A ``multiple`` field's values (Part 1 §1.4): ``()`` for None, an array's items, else ``(value,)``."""
    if value is None:
        return ()
    if isinstance(value, Array):
        return value.items
    return (value,)
