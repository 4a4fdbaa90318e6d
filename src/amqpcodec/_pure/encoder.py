"""The pure-Python value encoder (Part 1 §1.6); the package docstring has the strategy."""

from __future__ import annotations

import datetime as _dt
import itertools
import operator
import struct
import uuid as _uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from .. import _errortext as _text
from .._decimal import decimal_to_bid
from .._seam import AMQP091_ONLY, check_unicode_errors
from .._spec import ARRAY_ELEMENT_CODES, Code
from ..errors import EncodeError, UnsupportedTypeError
from ..limits import Limits
from ..types import (
    Array,
    Byte,
    Char,
    Decimal32,
    Decimal64,
    Decimal128,
    Described,
    Float,
    Int,
    Long,
    Short,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UShort,
    double_to_float32_bits,
)
from ._common import (
    _f64,
    _hdr32,
    _i8,
    _i16,
    _i32,
    _i64,
    _u8,
    _u16,
    _u32,
    _u64,
)

__all__ = ["encode"]


# --------------------------------------------------------------------------- encoding


class _EncodeLimits(Protocol):
    """What the encoders read of their ``limits``: a ``Limits``, or a :class:`_Shifted`."""

    @property
    def max_depth(self) -> int: ...
    @property
    def max_container_items(self) -> int: ...
    @property
    def max_map_entries(self) -> int: ...
    @property
    def max_message_size(self) -> int: ...


class _Options:
    """A call's ``Limits`` with its encode options (``encode``'s ``wide_arrays`` and
    ``unicode_errors``), made only when an option is not the default: the encoders read
    an option with ``getattr(limits, name, False)``, on their rare paths only (an
    array's constructor, a string that is not valid UTF-8), so a call with the defaults
    passes the ``Limits`` itself and costs nothing more."""

    __slots__ = (
        "max_container_items",
        "max_depth",
        "max_map_entries",
        "max_message_size",
        "surrogates",
        "wide_arrays",
    )

    def __init__(self, limits: _EncodeLimits, wide_arrays: bool, surrogates: bool) -> None:
        self.max_depth = limits.max_depth
        self.max_container_items = limits.max_container_items
        self.max_map_entries = limits.max_map_entries
        self.max_message_size = limits.max_message_size
        self.wide_arrays = wide_arrays
        self.surrogates = surrogates


class _Shifted:
    """The limits for encoding into scratch space whose bytes will come out ``shift``
    bytes further along (arrays of compound elements, ``_e_array``): its
    ``max_message_size`` is less by ``shift``, so the output checks stay what they are
    on the real output; ``limits`` is the caller's, for the error message.  The
    caller's options (``_Options``) carry over."""

    __slots__ = (
        "limits",
        "max_container_items",
        "max_depth",
        "max_map_entries",
        "max_message_size",
        "shift",
        "surrogates",
        "wide_arrays",
    )

    def __init__(self, limits: _EncodeLimits, shift: int) -> None:
        outer = limits if type(limits) is _Shifted else None
        self.limits: _EncodeLimits = limits if outer is None else outer.limits
        self.shift: int = shift if outer is None else outer.shift + shift
        self.max_depth = limits.max_depth
        self.max_container_items = limits.max_container_items
        self.max_map_entries = limits.max_map_entries
        self.max_message_size = limits.max_message_size - shift
        self.wide_arrays: bool = getattr(limits, "wide_arrays", False)
        self.surrogates: bool = getattr(limits, "surrogates", False)


Encoder = Callable[[bytearray, Any, int, _EncodeLimits], None]


def _e_null(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x40)


def _e_bool(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x41 if value else 0x42)


def _e_long(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    if -128 <= value <= 127:
        out += _SMALLLONG[value & 0xFF]
    elif -0x8000000000000000 <= value <= 0x7FFFFFFFFFFFFFFF:
        out.append(0x81)
        out += _i64.pack(value)
    else:
        raise EncodeError(_text.too_wide_for_long(value))


_SMALLLONG = [bytes((0x55, b)) for b in range(256)]


def _e_int(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    """A plain Python int: long when it fits, else ulong (API: "ints >= 2**63 that fit")."""
    if -0x8000000000000000 <= value <= 0x7FFFFFFFFFFFFFFF:
        _e_long(out, value, depth, limits)
    elif 0 < value <= 0xFFFFFFFFFFFFFFFF:
        out.append(0x80)
        out += _u64.pack(value)
    else:
        raise EncodeError(_text.too_wide_for_any_integer(value))


def _e_ubyte(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x50)
    out.append(value)


def _e_ushort(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x60)
    out += _u16.pack(value)


def _e_uint(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    if value == 0:
        out.append(0x43)
    elif value <= 0xFF:
        out.append(0x52)
        out.append(value)
    else:
        out.append(0x70)
        out += _u32.pack(value)


def _e_ulong(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    if value == 0:
        out.append(0x44)
    elif value <= 0xFF:
        out.append(0x53)
        out.append(value)
    else:
        out.append(0x80)
        out += _u64.pack(value)


def _e_byte(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    if not -128 <= value <= 127:
        raise EncodeError(_text.byte_out_of_range(value))
    out.append(0x51)
    out.append(value & 0xFF)


def _e_short(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x61)
    out += _i16.pack(value)


def _e_int32(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    if -128 <= value <= 127:
        out.append(0x54)
        out.append(value & 0xFF)
    else:
        out.append(0x71)
        out += _i32.pack(value)


def _e_float(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x72)
    try:
        out += _u32.pack(double_to_float32_bits(value))
    except OverflowError:
        raise EncodeError(_text.beyond_float32(value)) from None


def _e_double(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x82)
    out += _f64.pack(value)


def _e_decimal(code: int, width: int) -> Encoder:
    def encoder(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
        out.append(code)
        out += decimal_to_bid(value, width)

    return encoder


def _char_point(value: Any) -> int:
    """``ord(value)`` of a ``Char``: a Unicode scalar value (§1.6.16), never a surrogate."""
    point = ord(value)
    if 0xD800 <= point <= 0xDFFF:
        raise EncodeError(_text.surrogate_char(point))
    return point


def _e_char(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x73)
    out += _u32.pack(_char_point(value))


def _e_timestamp(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x83)
    out += _i64.pack(value)


def _e_datetime(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    _e_timestamp(out, Timestamp.from_datetime(value), depth, limits)


def _e_uuid(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    out.append(0x98)
    out += value.bytes


def _write_variable(
    out: bytearray, code8: int, code32: int, data: Any, size: int, limits: _EncodeLimits
) -> None:
    if size <= 0xFF:
        out.append(code8)
        out.append(size)
    elif size <= 0xFFFFFFFF:
        if len(out) + 5 + size > limits.max_message_size:  # checked before the copy
            raise _too_large(len(out) + 5 + size, limits)
        out.append(code32)
        out += _u32.pack(size)
    else:
        raise EncodeError(_text.too_long_for_size32(size))
    out += data


def _e_binary(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    if type(value) is memoryview:
        if not value.c_contiguous:
            raise EncodeError(_text.NON_CONTIGUOUS_MEMORYVIEW)
        _write_variable(out, 0xA0, 0xB0, value, value.nbytes, limits)
    else:
        _write_variable(out, 0xA0, 0xB0, value, len(value), limits)


def _e_string(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError as error:
        data = _escaped_utf8(value, error, limits)
    _write_variable(out, 0xA1, 0xB1, data, len(data), limits)


def _escaped_utf8(value: Any, error: UnicodeEncodeError, limits: _EncodeLimits) -> bytes:
    """A str that is not valid Unicode (lone surrogates): with ``unicode_errors=
    "surrogateescape"`` the bytes the decoder escaped as U+DC80..U+DCFF, written back as
    they were; any other surrogate, or the strict default, is an ``EncodeError``."""
    if getattr(limits, "surrogates", False):
        try:
            return str.encode(value, "utf-8", "surrogateescape")
        except UnicodeEncodeError as again:
            error = again
    raise EncodeError(_text.lone_surrogate(error)) from None


def _e_symbol(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    data = str.encode(value, "ascii")
    _write_variable(out, 0xA3, 0xB3, data, len(data), limits)


def _encoder_for(value: Any) -> Encoder:
    """The encoder for a type not in ``_ENCODERS`` by exact type (then cached there).

    Subclasses use their nearest base's encoder (enum members of ``UByte``, ``Symbol``
    ...); a class marked 0-9-1-only (``_seam.AMQP091_ONLY``) is refused first, before
    its bases are looked at; a class with an ``__amqp__()`` method (composites, ``Role``) is encoded as the
    value that method returns; any other ``Mapping`` as a map.  A hooked class gets
    :func:`_e_amqp_hook` and is cached in ``_HOOKED``, never in ``_ENCODERS``, so the
    compound encoders meet its values on their slow path (:func:`_unhook`).
    """
    cls = type(value)
    encoder = _ENCODERS.get(cls)
    if encoder is not None:
        return encoder
    if cls in _HOOKED:
        return _e_amqp_hook
    if getattr(cls, AMQP091_ONLY, False):
        raise UnsupportedTypeError(_text.amqp091_only(cls))
    for base in cls.__mro__[1:]:
        encoder = _ENCODERS.get(base)
        if encoder is _e_composite and not _encodes_as_composite(cls):
            encoder = _e_amqp_hook  # it overrides the composite __amqp__ of its base
        if encoder is not None:
            break
    else:
        if hasattr(cls, "__amqp__"):
            encoder = _e_composite if _encodes_as_composite(cls) else _e_amqp_hook
        elif isinstance(value, Mapping):
            encoder = _e_map
        else:
            raise UnsupportedTypeError(_text.no_encoding(cls))
    if encoder is _e_amqp_hook:
        _HOOKED.add(cls)
    else:
        _ENCODERS[cls] = encoder
    return encoder


#: The classes encoded through their own ``__amqp__`` hook (``_encoder_for``).
_HOOKED: set[type] = set()


def _unhook(value: Any, limits: _EncodeLimits) -> tuple[Any, Encoder, bool]:
    """What to write for a ``value`` whose exact type is not in ``_ENCODERS``:
    ``(value, its encoder, False)``, or, when its class has an ``__amqp__`` hook,
    ``(what the hooks return, that one's encoder, True)``.  A hook's result that is
    hooked again is converted in turn, at most ``max_depth`` hooks in a row, so a hook
    returning new hooked values forever is an ``EncodeError`` at ``value``'s path.

    The caller writes the result itself and, when it was hooked, then holds the output
    to ``max_message_size``.  The compound encoders do so in their own frame, so a hook
    costs no Python frame while its result is encoded (module docstring).  Hooked
    classes are kept out of ``_ENCODERS`` (in ``_HOOKED``), so a compound's fast path
    stays one dict lookup and a test against ``None`` per element.
    """
    if type(value) not in _HOOKED:
        encoder = _encoder_for(value)
        if encoder is not _e_amqp_hook:
            return value, encoder, False
    value = value.__amqp__()
    hooks = 1
    while True:
        cls = type(value)
        found = _ENCODERS.get(cls)
        if found is not None:
            return value, found, True
        if cls not in _HOOKED:
            encoder = _encoder_for(value)
            if encoder is not _e_amqp_hook:
                return value, encoder, True
        if hooks >= limits.max_depth:
            raise EncodeError(_text.too_many_hooks(limits.max_depth))
        value = value.__amqp__()
        hooks += 1


def _e_amqp_hook(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    """``value`` encoded as what its ``__amqp__()`` returns (:func:`_unhook`), then the
    output bound; for the callers that encode one value (``encode``, a message
    section), where a frame more is no deeper nesting."""
    value, encoder, _ = _unhook(value, limits)
    encoder(out, value, depth, limits)
    if len(out) > limits.max_message_size:
        raise _too_large(len(out), limits)


def _encodes_as_composite(cls: type) -> bool:
    """Whether ``cls.__amqp__`` is the composite one: the class that defines it says so
    with ``_AMQP_COMPOSITE = True`` (``_composite.Composite``), so a subclass that
    overrides ``__amqp__`` is encoded through its own method."""
    for base in cls.__mro__:
        if "__amqp__" in base.__dict__:
            return base.__dict__.get("_AMQP_COMPOSITE") is True
    return False


def _field_reader(cls: Any) -> Callable[[Any], tuple[Any, ...]]:
    """A function returning a composite's fields, in ``cls._NAMES`` order, as a tuple."""
    names = cls._NAMES
    if not names:
        return lambda value: ()
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda value: (get(value),)
    return get


_FIELD_READERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _e_composite(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    """A composite (Part 1 §1.4) exactly as its ``__amqp__`` describes it (its descriptor,
    then its fields as a list without the trailing nulls), without building that
    ``Described`` and list first; errors carry the same ``.descriptor``/``.value`` paths."""
    cls = type(value)
    read = _FIELD_READERS.get(cls)
    if read is None:
        read = _FIELD_READERS[cls] = _field_reader(cls)
    fields = read(value)
    descriptor = value.DESCRIPTOR
    count = len(fields)
    while count and fields[count - 1] is None:
        count -= 1
    _check_encode_depth(depth, limits)
    out.append(0x00)
    depth += 1
    try:
        encoder = _ENCODERS.get(type(descriptor))
        if encoder is not None:
            encoder(out, descriptor, depth, limits)
        else:  # a new class, or a hook: applied in this frame (_unhook)
            converted, encoder, hooked = _unhook(descriptor, limits)
            encoder(out, converted, depth, limits)
            if hooked and len(out) > limits.max_message_size:
                raise _too_large(len(out), limits)
    except _ENCODE_FAULTS as error:
        raise _encode_error(error)._at(".descriptor") from None
    try:
        _e_list(out, fields[:count], depth, limits)
    except _ENCODE_FAULTS as error:
        raise _encode_error(error)._at(".value") from None


def _finish_compound(out: bytearray, start: int, count: int, code32: int, limits: _EncodeLimits) -> None:
    """Fill in the short header reserved at ``start``, or widen it to the 32-bit form.

    Layout reserved: constructor, size (1 byte), count (1 byte).  ``size`` counts the
    count field and the elements (§1.2, compound and array encodings).  First, the
    output so far must be within ``max_message_size`` (module docstring).
    """
    end = len(out)
    if end > limits.max_message_size:
        raise _too_large(end, limits)
    content = end - start - 3
    if content + 1 <= 0xFF and count <= 0xFF:
        out[start + 1] = content + 1
        out[start + 2] = count
    elif content + 4 <= 0xFFFFFFFF:
        out[start : start + 3] = _hdr32.pack(code32, content + 4, count)
    else:
        raise EncodeError(_text.COMPOUND_TOO_LARGE)


#: What a value that bypassed its wrapper's constructor (``int.__new__(UInt, -1)``) makes
#: the low-level writers raise; turned into EncodeError where it happens, so the path is
#: right, exactly as the compiled backend's range checks do.
_ENCODE_FAULTS = (EncodeError, struct.error, OverflowError, ValueError, TypeError)


def _encode_error(error: Exception) -> EncodeError:
    if isinstance(error, EncodeError):
        return error
    return EncodeError(_text.out_of_range(error))


def _too_large(size: int, limits: _EncodeLimits) -> EncodeError:
    """The error for output that passes ``max_message_size`` (``size``: the bytes written,
    or about to be, when a check found it; counted in the real output)."""
    if type(limits) is _Shifted:
        size, limits = size + limits.shift, limits.limits
    return EncodeError(_text.too_large(size, limits.max_message_size))


def _check_encode_depth(depth: int, limits: _EncodeLimits) -> None:
    if depth >= limits.max_depth:
        raise EncodeError(_text.too_deep_to_encode(limits.max_depth))


def _e_list(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    _check_encode_depth(depth, limits)
    count = len(value)
    if count == 0:
        out.append(0x45)
        return
    if count > limits.max_container_items:
        raise EncodeError(_text.too_many_items("list", count, limits.max_container_items))
    start = len(out)
    out += b"\xc0\x00\x00"
    depth += 1
    index = 0
    try:
        for index, item in enumerate(value):  # noqa: B007 (index names the path on error)
            encoder = _ENCODERS.get(type(item))
            if encoder is not None:
                encoder(out, item, depth, limits)
            else:  # a new class, or a hook: applied in this frame (_unhook)
                converted, encoder, hooked = _unhook(item, limits)
                encoder(out, converted, depth, limits)
                if hooked and len(out) > limits.max_message_size:
                    raise _too_large(len(out), limits)
    except _ENCODE_FAULTS as error:
        raise _encode_error(error)._at(f"[{index}]") from None
    _finish_compound(out, start, count, 0xD0, limits)


def _e_map(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    _check_encode_depth(depth, limits)
    pairs = len(value)
    if pairs > limits.max_map_entries:
        raise EncodeError(_text.too_many_entries("map", pairs, limits.max_map_entries))
    start = len(out)
    out += b"\xc1\x00\x00"
    depth += 1
    key = None
    try:
        for key, item in value.items():
            encoder = _ENCODERS.get(type(key))
            if encoder is not None:
                encoder(out, key, depth, limits)
            else:  # a new class, or a hook: applied in this frame (_unhook)
                converted, encoder, hooked = _unhook(key, limits)
                encoder(out, converted, depth, limits)
                if hooked and len(out) > limits.max_message_size:
                    raise _too_large(len(out), limits)
            encoder = _ENCODERS.get(type(item))
            if encoder is not None:
                encoder(out, item, depth, limits)
            else:
                converted, encoder, hooked = _unhook(item, limits)
                encoder(out, converted, depth, limits)
                if hooked and len(out) > limits.max_message_size:
                    raise _too_large(len(out), limits)
    except _ENCODE_FAULTS as error:
        raise _encode_error(error)._at(f"[{key!r}]") from None
    _finish_compound(out, start, 2 * pairs, 0xD1, limits)


def _e_described(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    _check_encode_depth(depth, limits)
    out.append(0x00)
    depth += 1
    descriptor = value.descriptor
    try:
        encoder = _ENCODERS.get(type(descriptor))
        if encoder is not None:
            encoder(out, descriptor, depth, limits)
        else:  # a new class, or a hook: applied in this frame (_unhook)
            converted, encoder, hooked = _unhook(descriptor, limits)
            encoder(out, converted, depth, limits)
            if hooked and len(out) > limits.max_message_size:
                raise _too_large(len(out), limits)
    except _ENCODE_FAULTS as error:
        raise _encode_error(error)._at(".descriptor") from None
    item = value.value
    try:
        encoder = _ENCODERS.get(type(item))
        if encoder is not None:
            encoder(out, item, depth, limits)
        else:
            converted, encoder, hooked = _unhook(item, limits)
            encoder(out, converted, depth, limits)
            if hooked and len(out) > limits.max_message_size:
                raise _too_large(len(out), limits)
    except _ENCODE_FAULTS as error:
        raise _encode_error(error)._at(".value") from None


# Array elements (§1.6.24): one constructor for all, so each element type has a
# function writing one element's bytes *without* a constructor, given the chosen one.


def _narrow_fits(element_type: str, items: tuple[Any, ...]) -> bool:
    """Whether every element fits the narrow constructor of ARRAY_ELEMENT_CODES."""
    if element_type in ("uint", "ulong"):
        return all(v <= 0xFF for v in items)
    if element_type in ("int", "long"):
        return all(-128 <= v <= 127 for v in items)
    return True


def _e_array(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    """An array (§1.6.24): header, descriptor (if any), one element constructor, elements.

    Written as one function so that nested arrays cost one Python frame per level.
    """
    _check_encode_depth(depth, limits)
    items = value.items
    if len(items) > limits.max_container_items:
        raise EncodeError(_text.too_many_items("array", len(items), limits.max_container_items))
    start = len(out)
    out += b"\xe0\x00\x00"
    depth += 1
    if value.descriptor is not None:
        out.append(0x00)
        descriptor = value.descriptor
        try:
            encoder = _ENCODERS.get(type(descriptor))
            if encoder is not None:
                encoder(out, descriptor, depth, limits)
            else:  # a new class, or a hook: applied in this frame (_unhook)
                converted, encoder, hooked = _unhook(descriptor, limits)
                encoder(out, converted, depth, limits)
                if hooked and len(out) > limits.max_message_size:
                    raise _too_large(len(out), limits)
        except _ENCODE_FAULTS as error:
            raise _encode_error(error)._at(".descriptor") from None
    element_type = value.element_type
    narrow, wide = ARRAY_ELEMENT_CODES[element_type]
    index = 0
    try:
        if element_type in _COMPOUND_ELEMENT:
            # Each element is encoded whole into scratch space; the largest decides
            # the shared constructor, then the element headers are rewritten for it.
            # Scratch bytes are checked as the least they can come to in ``out``: the
            # constructor byte, then each element with a 2-byte header for its own
            # (1, 3 or 9 bytes in scratch), so ``shift`` (``_Shifted``) is ``len(out)``
            # less 1 per element so far with a 3-byte header, and so on.
            encode_whole = _ENCODERS[_COMPOUND_ELEMENT[element_type]]
            scratch = bytearray()
            starts: list[int] = []
            shift = len(out)
            for index, item in enumerate(items):  # noqa: B007 (index names the path on error)
                at = len(scratch)
                starts.append(at)
                encode_whole(scratch, item, depth, _Shifted(limits, shift))
                shift -= _HEADER_EXTRA[scratch[at]]
                if len(scratch) + shift + 1 > limits.max_message_size:
                    raise _too_large(len(scratch) + shift + 1, limits)
            starts.append(len(scratch))
            bodies = [_split_compound(scratch, at, stop) for at, stop in itertools.pairwise(starts)]
            if all(len(body) + 1 <= 0xFF and count <= 0xFF for count, body in bodies):
                out.append(narrow)
                for count, body in bodies:
                    out.append(len(body) + 1)
                    out.append(count)
                    out += body
            else:
                out.append(wide)
                for count, body in bodies:
                    out += _u32.pack(len(body) + 4)
                    out += _u32.pack(count)
                    out += body
        elif element_type in _VARIABLE_ELEMENT:
            encode_item = _VARIABLE_ELEMENT[element_type]
            if encode_item is _string_bytes and getattr(limits, "surrogates", False):
                encode_item = _escaped_string_bytes
            chunks = []
            total = len(out)
            for index, item in enumerate(items):  # noqa: B007 (index names the path on error)
                chunk = encode_item(item)
                chunks.append(chunk)
                total += len(chunk)
                if total > limits.max_message_size:
                    raise _too_large(total, limits)
            if all(len(c) <= 0xFF for c in chunks):
                out.append(narrow)
                for chunk in chunks:
                    out.append(len(chunk))
                    out += chunk
            else:
                out.append(wide)
                for chunk in chunks:
                    out += _u32.pack(len(chunk))
                    out += chunk
        else:
            wide_arrays = getattr(limits, "wide_arrays", False)
            code = narrow if not wide_arrays and _narrow_fits(element_type, items) else wide
            out.append(code)
            write = _FIXED_ELEMENT[code]
            for index, item in enumerate(items):  # noqa: B007 (index names the path on error)
                write(out, item)
    except _ENCODE_FAULTS as error:
        raise _encode_error(error)._at(f"[{index}]") from None
    _finish_compound(out, start, len(items), 0xF0, limits)


def _string_bytes(value: Any) -> bytes:
    try:
        return str.encode(value, "utf-8")
    except UnicodeEncodeError as error:
        raise EncodeError(_text.lone_surrogate(error)) from None


def _escaped_string_bytes(value: Any) -> bytes:
    """``_string_bytes`` for a call with ``unicode_errors="surrogateescape"``."""
    try:
        return str.encode(value, "utf-8", "surrogateescape")
    except UnicodeEncodeError as error:
        raise EncodeError(_text.lone_surrogate(error)) from None


_VARIABLE_ELEMENT: dict[str, Callable[[Any], bytes]] = {
    "binary": bytes,
    "string": _string_bytes,
    "symbol": lambda value: str.encode(value, "ascii"),
}


def _split_compound(encoded: bytearray, start: int, stop: int) -> tuple[int, bytes]:
    """(count, elements) of the canonically encoded list, map or array in ``encoded[start:stop]``."""
    code = encoded[start]
    if code == 0x45:
        return 0, b""
    if code in (0xC0, 0xC1, 0xE0):
        return encoded[start + 2], bytes(encoded[start + 3 : stop])
    return _u32.unpack_from(encoded, start + 5)[0], bytes(encoded[start + 9 : stop])


_COMPOUND_ELEMENT: dict[str, type] = {"list": list, "map": dict, "array": Array}

#: Per constructor of a compound encoded on its own: its header's bytes less the 2 of an
#: array element's narrow header (size, count), which ``_e_array`` writes instead.
_HEADER_EXTRA: dict[int, int] = {0x45: -1, 0xC0: 1, 0xC1: 1, 0xE0: 1, 0xD0: 7, 0xD1: 7, 0xF0: 7}


def _fixed_element(fmt: struct.Struct) -> Callable[[bytearray, Any], None]:
    pack = fmt.pack

    def write(out: bytearray, value: Any) -> None:
        out += pack(value)

    return write


def _float_element(out: bytearray, value: Any) -> None:
    out += _u32.pack(double_to_float32_bits(value))


def _char_element(out: bytearray, value: Any) -> None:
    out += _u32.pack(_char_point(value))


def _uuid_element(out: bytearray, value: Any) -> None:
    out += value.bytes


def _null_element(out: bytearray, value: Any) -> None:
    pass


def _decimal_element(width: int) -> Callable[[bytearray, Any], None]:
    def write(out: bytearray, value: Any) -> None:
        out += decimal_to_bid(value, width)

    return write


_FIXED_ELEMENT: dict[int, Callable[[bytearray, Any], None]] = {
    Code.NULL: _null_element,
    Code.BOOLEAN: lambda out, value: out.append(1 if value else 0),
    Code.UBYTE: _fixed_element(_u8),
    Code.USHORT: _fixed_element(_u16),
    Code.SMALLUINT: _fixed_element(_u8),
    Code.UINT: _fixed_element(_u32),
    Code.SMALLULONG: _fixed_element(_u8),
    Code.ULONG: _fixed_element(_u64),
    Code.BYTE: _fixed_element(_i8),
    Code.SHORT: _fixed_element(_i16),
    Code.SMALLINT: _fixed_element(_i8),
    Code.INT: _fixed_element(_i32),
    Code.SMALLLONG: _fixed_element(_i8),
    Code.LONG: _fixed_element(_i64),
    Code.FLOAT: _float_element,
    Code.DOUBLE: _fixed_element(_f64),
    Code.DECIMAL32: _decimal_element(32),
    Code.DECIMAL64: _decimal_element(64),
    Code.DECIMAL128: _decimal_element(128),
    Code.CHAR: _char_element,
    Code.TIMESTAMP: _fixed_element(_i64),
    Code.UUID: _uuid_element,
}


def _e_decimal_plain(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    """A plain ``Decimal`` is a decimal128 (docs: types, the value table)."""
    out.append(0x94)
    out += decimal_to_bid(value, 128)


_ENCODERS: dict[type, Encoder] = {
    type(None): _e_null,
    bool: _e_bool,
    int: _e_int,
    Long: _e_long,
    UByte: _e_ubyte,
    UShort: _e_ushort,
    UInt: _e_uint,
    ULong: _e_ulong,
    Byte: _e_byte,
    Short: _e_short,
    Int: _e_int32,
    Float: _e_float,
    float: _e_double,
    Decimal32: _e_decimal(0x74, 32),
    Decimal64: _e_decimal(0x84, 64),
    Decimal128: _e_decimal(0x94, 128),
    Decimal: _e_decimal_plain,
    Char: _e_char,
    Timestamp: _e_timestamp,
    _dt.datetime: _e_datetime,
    _uuid.UUID: _e_uuid,
    bytes: _e_binary,
    bytearray: _e_binary,
    memoryview: _e_binary,
    str: _e_string,
    Symbol: _e_symbol,
    list: _e_list,
    tuple: _e_list,
    dict: _e_map,
    Described: _e_described,
    Array: _e_array,
}


def encode(value: Any, limits: Limits, wide_arrays: bool = False, unicode_errors: str = "strict") -> bytes:
    """The canonical AMQP encoding of ``value`` (see README, "Canonical encoding"), at
    most ``limits.max_message_size`` bytes (module docstring).

    ``wide_arrays``: arrays of uint, ulong, int and long always take the 4- or 8-byte
    element constructor, never the 1-byte 0x52-0x55 (``_seam.EncodeOptions``);
    ``unicode_errors="surrogateescape"``: a str holding U+DC80..U+DCFF (what the
    decoder makes of bytes that are not UTF-8) is written as those bytes.
    """
    out = bytearray()
    bound: _EncodeLimits = limits
    if wide_arrays or unicode_errors != "strict":
        bound = _Options(limits, wide_arrays, check_unicode_errors(unicode_errors) != "strict")
    try:
        (_ENCODERS.get(type(value)) or _encoder_for(value))(out, value, 0, bound)
        if len(out) > limits.max_message_size:
            raise _too_large(len(out), limits)
    except RecursionError:
        raise EncodeError(_text.STACK_EXHAUSTED) from None
    except _ENCODE_FAULTS as error:
        raise _encode_error(error) from None
    return bytes(out)
