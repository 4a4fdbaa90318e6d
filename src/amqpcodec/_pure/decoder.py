"""The pure-Python value decoder (Part 1 §1.2, §1.6); the package docstring has the strategy."""

from __future__ import annotations

import struct
import uuid as _uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .. import _errortext as _text
from .._buffers import flat_view
from .._decimal import bid_to_decimal
from .._seam import check_unicode_errors
from .._spec import ENCODING_BY_CODE, ZERO_WIDTH_CODES, Code
from ..errors import DecodeError, IncompleteError, LimitExceededError
from ..limits import MAX_KEYS_PER_HASH, Limits
from ..types import (
    Byte,
    Char,
    Decimal32,
    Decimal64,
    Decimal128,
    Float,
    Int,
    Short,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UShort,
    _new_array,
    _new_described,
    float32_bits_to_double,
)
from ._common import _f64, _i8, _i16, _i32, _i64, _new_float, _new_int, _new_str, _u8, _u16, _u32, _u64

__all__ = ["compound_header", "decode_prefix"]


class _Bounds:
    """What one decode call is bounded by: the ``Limits`` fields the handlers read, and
    ``zero_width``, a one-item list holding how many more zero-width array elements
    the call may decode (``Limits.max_container_items``; a caller may pass one list to
    several calls so they share it, as the message layer does for one message)."""

    __slots__ = ("max_container_items", "max_depth", "max_map_entries", "surrogates", "zero_width")

    def __init__(self, limits: Limits, budget: list[int] | None, surrogates: bool = False) -> None:
        self.max_depth = limits.max_depth
        self.max_container_items = limits.max_container_items
        self.max_map_entries = limits.max_map_entries
        self.zero_width = [limits.max_container_items] if budget is None else budget
        #: ``unicode_errors="surrogateescape"``: read only once a string failed as UTF-8.
        self.surrogates = surrogates

    def afresh(self) -> _Bounds:
        """The same bounds with a full zero-width budget (to walk decoded bytes again)."""
        again = _new_object(_Bounds)
        again.max_depth, again.max_container_items = self.max_depth, self.max_container_items
        again.max_map_entries, again.zero_width = self.max_map_entries, [self.max_container_items]
        again.surrogates = self.surrogates
        return again


Handler = Callable[[Any, int, int, int, _Bounds], tuple[Any, int]]


# --------------------------------------------------------------------------- errors


def _truncated(what: str, off: int, need: int, end: int) -> IncompleteError:
    return IncompleteError(_text.truncated(what, need, max(end - off, 0)), offset=off)


def _check_depth(depth: int, limits: _Bounds, off: int, code: int) -> None:
    if depth >= limits.max_depth:
        raise LimitExceededError(
            _text.too_deep(limits.max_depth),
            offset=off,
            limit="max_depth",
            constructor=code,
        )


def _inside_compound(error: IncompleteError, code: int) -> DecodeError:
    return DecodeError(
        _text.past_enclosing(error.args[0], ENCODING_BY_CODE[code].name),
        offset=error.offset,
        constructor=code,
    )


# --------------------------------------------------------------------------- decoding


def _d_unknown(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    raise DecodeError(_text.unknown_constructor(buf[off - 1]), offset=off - 1, constructor=buf[off - 1])


def _fixed(width: int, what: str, convert: Callable[[Any, int], Any]) -> Handler:
    """A handler for a fixed-width value converted by ``convert(buf, off)`` (cold types)."""

    def handler(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        stop = off + width
        if stop > end:
            raise _truncated(what, off, width, end)
        return convert(buf, off), stop

    return handler


def _unpacked(what: str, fmt: struct.Struct, cls: type | None = None) -> Handler:
    """A handler for a fixed-width number read with ``fmt``, wrapped in ``cls`` if given.

    One Python call per value: these are the hot scalar types.
    """
    width = fmt.size
    unpack_from = fmt.unpack_from
    if cls is None:

        def plain(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
            stop = off + width
            if stop > end:
                raise _truncated(what, off, width, end)
            return unpack_from(buf, off)[0], stop

        return plain

    def wrapped(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        stop = off + width
        if stop > end:
            raise _truncated(what, off, width, end)
        return _new_int(cls, unpack_from(buf, off)[0]), stop

    return wrapped


def _unsigned8(what: str, cls: type) -> Handler:
    def handler(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        if off >= end:
            raise _truncated(what, off, 1, end)
        return _new_int(cls, buf[off]), off + 1

    return handler


def _signed8(what: str, cls: type | None) -> Handler:
    if cls is None:

        def plain(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
            if off >= end:
                raise _truncated(what, off, 1, end)
            byte = buf[off]
            return (byte - 256 if byte > 127 else byte), off + 1

        return plain

    def wrapped(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        if off >= end:
            raise _truncated(what, off, 1, end)
        byte = buf[off]
        return _new_int(cls, byte - 256 if byte > 127 else byte), off + 1

    return wrapped


def _d_null(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    return None, off


def _d_true(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    return True, off


def _d_false(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    return False, off


def _d_boolean(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    if off >= end:
        raise _truncated("boolean", off, 1, end)
    byte = buf[off]
    if byte > 1:
        raise DecodeError(_text.bad_boolean(byte), offset=off, constructor=0x56)
    return byte == 1, off + 1


def _d_uint0(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    return _UINT_ZERO, off


def _d_ulong0(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    return _ULONG_ZERO, off


def _d_list0(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    _check_depth(depth, limits, off, 0x45)
    return [], off


_UINT_ZERO = UInt(0)
_ULONG_ZERO = ULong(0)


def _d_float(buf: Any, off: int) -> Float:
    bits = _u32.unpack_from(buf, off)[0]
    return _new_float(Float, float32_bits_to_double(bits))


def _d_char(buf: Any, off: int) -> Char:
    point = _u32.unpack_from(buf, off)[0]
    if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
        raise DecodeError(_text.char_not_scalar(point), offset=off, constructor=0x73)
    return _new_str(Char, chr(point))


def _d_decimal(width: int, cls: type[Decimal]) -> Callable[[Any, int], Any]:
    size = width // 8

    def convert(buf: Any, off: int) -> Any:
        return cls(bid_to_decimal(bytes(buf[off : off + size]), width))

    return convert


def _variable(
    width: int, what: str, code: int, convert: Callable[[Any, int, int, int, _Bounds], Any]
) -> Handler:
    size_field = _u8 if width == 1 else _u32

    def handler(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        if off + width > end:
            raise _truncated(what, off, width, end)
        size = size_field.unpack_from(buf, off)[0]
        start = off + width
        stop = start + size
        if stop > end:
            raise _truncated(what, off, width + size, end)
        return convert(buf, start, stop, off, limits), stop

    return handler


def _d_vbin8(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    if off >= end:
        raise _truncated("vbin8", off, 1, end)
    stop = off + 1 + buf[off]
    if stop > end:
        raise _truncated("vbin8", off, stop - off, end)
    return bytes(buf[off + 1 : stop]), stop


def _d_str8(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    if off >= end:
        raise _truncated("str8-utf8", off, 1, end)
    stop = off + 1 + buf[off]
    if stop > end:
        raise _truncated("str8-utf8", off, stop - off, end)
    try:
        return str(buf[off + 1 : stop], "utf-8"), stop
    except UnicodeDecodeError as error:
        return _not_utf8(buf, off + 1, stop, off, 0xA1, error, limits), stop


def _not_utf8(
    buf: Any, start: int, stop: int, off: int, code: int, error: UnicodeDecodeError, limits: _Bounds
) -> str:
    """A string whose bytes are not UTF-8: with ``unicode_errors="surrogateescape"``, the
    str with each bad byte as U+DC80..U+DCFF (``_seam.UNICODE_ERRORS``), else the
    ``DecodeError`` at the size field (``off``)."""
    if limits.surrogates:
        return str(buf[start:stop], "utf-8", "surrogateescape")
    raise DecodeError(_text.invalid_utf8(error), offset=off, constructor=code) from None


def _d_sym8(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    if off >= end:
        raise _truncated("sym8", off, 1, end)
    stop = off + 1 + buf[off]
    if stop > end:
        raise _truncated("sym8", off, stop - off, end)
    try:
        return _new_str(Symbol, str(buf[off + 1 : stop], "ascii")), stop
    except UnicodeDecodeError:
        raise DecodeError(_text.SYMBOL_NOT_ASCII, offset=off, constructor=0xA3) from None


def _c_binary(buf: Any, start: int, stop: int, off: int, limits: _Bounds) -> bytes:
    return bytes(buf[start:stop])


def _string_converter(code: int) -> Callable[[Any, int, int, int, _Bounds], str]:
    def convert(buf: Any, start: int, stop: int, off: int, limits: _Bounds) -> str:
        try:
            return str(buf[start:stop], "utf-8")
        except UnicodeDecodeError as error:
            return _not_utf8(buf, start, stop, off, code, error, limits)

    return convert


def _symbol_converter(code: int) -> Callable[[Any, int, int, int, _Bounds], Symbol]:
    def convert(buf: Any, start: int, stop: int, off: int, limits: _Bounds) -> Symbol:
        try:
            return _new_str(Symbol, str(buf[start:stop], "ascii"))
        except UnicodeDecodeError:
            raise DecodeError(_text.SYMBOL_NOT_ASCII, offset=off, constructor=code) from None

    return convert


def compound_header(buf: Any, off: int, end: int, code: int, width: int) -> tuple[int, int, int]:
    """Read ``size`` and ``count`` of a compound or array; return (count, body_start, stop).

    The size and count fields must both be present before either is judged.
    """
    if off + 2 * width > end:
        raise _truncated(ENCODING_BY_CODE[code].name, off, 2 * width, end)
    if width == 1:
        size = buf[off]
        count = buf[off + 1]
    else:
        size = _u32.unpack_from(buf, off)[0]
        count = _u32.unpack_from(buf, off + 4)[0]
    stop = off + width + size
    if stop > end:
        raise _truncated(ENCODING_BY_CODE[code].name, off, width + size, end)
    if size < width:
        name = ENCODING_BY_CODE[code].name
        raise DecodeError(_text.size_without_count(name, size), offset=off, constructor=code)
    return count, off + 2 * width, stop


def _check_count(count: int, room: int, limit: int, off: int, code: int) -> None:
    """A list's or array's ``count`` against the ``room`` its size leaves and ``limit``
    (``max_container_items``)."""
    if count <= room and count <= limit:
        return
    name = ENCODING_BY_CODE[code].name
    if count > room:
        raise DecodeError(_text.count_exceeds_room(name, count, room), offset=off, constructor=code)
    if count > limit:
        raise LimitExceededError(
            _text.too_many_elements(name, count, limit),
            offset=off,
            limit="max_container_items",
            constructor=code,
        )


def _check_filled(pos: int, stop: int, off: int, code: int) -> None:
    if pos != stop:
        name = ENCODING_BY_CODE[code].name
        raise DecodeError(_text.elements_misfit_size(name, pos, stop), offset=off, constructor=code)


def _list(code: int, width: int) -> Handler:
    def handler(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        if depth >= limits.max_depth:
            _check_depth(depth, limits, off, code)
        count, pos, stop = compound_header(buf, off, end, code, width)
        if count > stop - pos or count > limits.max_container_items:
            _check_count(count, stop - pos, limits.max_container_items, off, code)
        items: list[Any] = []
        append = items.append
        decoders = _DECODERS
        inline = _INLINE_SCALARS
        text = _bytes_decode if type(buf) is bytes else str
        depth += 1
        try:
            for _ in range(count):
                if pos >= stop:
                    raise _truncated(_text.LIST_ELEMENT, pos, 1, stop)
                code_ = buf[pos]
                # Inline fast paths (_INLINE_SCALARS, str8, sym8) for the values composite
                # fields mostly hold; every other case, faults included, takes the
                # handler, which raises the exact error.
                scalar = inline[code_]
                if scalar is not None:
                    scalar_width, unpack, wrap = scalar
                    if not scalar_width:
                        append(wrap)
                        pos += 1
                        continue
                    at = pos + 1
                    if at + scalar_width <= stop:
                        value = unpack(buf, at)[0]
                        append(value if wrap is None else _new_int(wrap, value))
                        pos = at + scalar_width
                        continue
                elif code_ == 0xA1 and pos + 1 < stop and (text_stop := pos + 2 + buf[pos + 1]) <= stop:
                    try:
                        append(text(buf[pos + 2 : text_stop], "utf-8"))
                        pos = text_stop
                        continue
                    except UnicodeDecodeError:
                        pass
                elif code_ == 0xA3 and pos + 1 < stop and (text_stop := pos + 2 + buf[pos + 1]) <= stop:
                    try:
                        append(_new_str(Symbol, text(buf[pos + 2 : text_stop], "ascii")))
                        pos = text_stop
                        continue
                    except UnicodeDecodeError:
                        pass
                value, pos = decoders[code_](buf, pos + 1, stop, depth, limits)
                append(value)
        except IncompleteError as error:
            raise _inside_compound(error, code) from None
        if pos != stop:
            _check_filled(pos, stop, off, code)
        return items, stop

    return handler


def _map(code: int, width: int) -> Handler:
    """Maps (§1.6.23) insert each entry as it is decoded; a duplicate or unhashable key
    is only noted, so that a fault later in the map is reported first (as if every
    entry were decoded before the dict is built), and then the map is walked again to
    say where."""

    def handler(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        if depth >= limits.max_depth:
            _check_depth(depth, limits, off, code)
        count, pos, stop = compound_header(buf, off, end, code, width)
        _check_map_count(count, stop - pos, limits, off, code)
        first = pos
        pairs = count >> 1
        decoders = _DECODERS
        inline = _INLINE_SCALARS
        text = _bytes_decode if type(buf) is bytes else str
        result: dict[Any, Any] = {}
        unhashable = False
        hashes: dict[int, int] | None = None  # keys per hash, of keys a peer can collide
        depth += 1
        try:
            for _ in range(pairs):
                if pos >= stop:
                    raise _truncated(_text.MAP_KEY, pos, 1, stop)
                key_code = buf[pos]
                # Inline fast paths for the usual str8 and sym8 keys (hashed with
                # SipHash, so not counted); anything unusual (including every fault)
                # goes through the handler, which raises the exact error.
                if key_code == 0xA1 and pos + 1 < stop and (key_stop := pos + 2 + buf[pos + 1]) <= stop:
                    try:
                        key = text(buf[pos + 2 : key_stop], "utf-8")
                    except UnicodeDecodeError:
                        key, key_stop = decoders[key_code](buf, pos + 1, stop, depth, limits)
                    pos = key_stop
                elif key_code == 0xA3 and pos + 1 < stop and (key_stop := pos + 2 + buf[pos + 1]) <= stop:
                    try:
                        key = _new_str(Symbol, text(buf[pos + 2 : key_stop], "ascii"))
                    except UnicodeDecodeError:
                        key, key_stop = decoders[key_code](buf, pos + 1, stop, depth, limits)
                    pos = key_stop
                else:
                    key_at = pos
                    key, pos = decoders[key_code](buf, pos + 1, stop, depth, limits)
                    if type(key) not in _SIPHASHED:
                        # Count the key under its hash; an unhashable key is noted
                        # and reported once the whole map is read.
                        try:
                            hashed = hash(key)
                        except TypeError:
                            unhashable = True
                        else:
                            if hashes is None:
                                hashes = {}
                            seen = hashes.get(hashed, 0) + 1
                            if seen > MAX_KEYS_PER_HASH:
                                raise _hash_flood(seen, key_at, code)
                            hashes[hashed] = seen
                if pos >= stop:
                    raise _truncated(_text.MAP_VALUE, pos, 1, stop)
                value_code = buf[pos]
                scalar = inline[value_code]
                if scalar is not None:
                    scalar_width, unpack, wrap = scalar
                    if not scalar_width:
                        value = wrap
                        pos += 1
                    elif (at := pos + 1) + scalar_width <= stop:
                        value = unpack(buf, at)[0]
                        if wrap is not None:
                            value = _new_int(wrap, value)
                        pos = at + scalar_width
                    else:
                        value, pos = decoders[value_code](buf, pos + 1, stop, depth, limits)
                elif value_code == 0xA1 and pos + 1 < stop and (value_stop := pos + 2 + buf[pos + 1]) <= stop:
                    try:
                        value = text(buf[pos + 2 : value_stop], "utf-8")
                    except UnicodeDecodeError:
                        value, value_stop = decoders[value_code](buf, pos + 1, stop, depth, limits)
                    pos = value_stop
                else:
                    value, pos = decoders[value_code](buf, pos + 1, stop, depth, limits)
                if not unhashable:
                    result[key] = value
        except IncompleteError as error:
            raise _inside_compound(error, code) from None
        if pos != stop:
            _check_filled(pos, stop, off, code)
        if unhashable or len(result) != pairs:
            raise _first_bad_key(buf, first, pairs, stop, depth, limits, code)
        return result, stop

    return handler


#: ``bytes.decode``, unbound: the list and map loops decode text with it (faster than
#: ``str(b, encoding)``) when the input is ``bytes``, and with ``str`` for a view.
_bytes_decode = bytes.decode


#: Key types CPython hashes with SipHash under a per-process key: a peer cannot aim
#: their hashes, so maps do not count them (``MAX_KEYS_PER_HASH``).
_SIPHASHED = frozenset((str, Symbol, bytes))


def _hash_flood(seen: int, key_at: int, code: int) -> LimitExceededError:
    """The error for the key that makes ``seen`` > ``MAX_KEYS_PER_HASH`` keys of one map
    share a hash (README "Security"), at that key's constructor."""
    return LimitExceededError(
        _text.hash_flood(ENCODING_BY_CODE[code].name, seen),
        offset=key_at,
        limit="max_map_entries",
        constructor=code,
    )


def _check_map_count(count: int, room: int, limits: _Bounds, off: int, code: int) -> None:
    if not count & 1 and count <= room and count >> 1 <= limits.max_map_entries:
        return
    name = ENCODING_BY_CODE[code].name
    if count & 1:
        raise DecodeError(_text.odd_map_count(name, count), offset=off, constructor=code)
    if count > room:
        raise DecodeError(_text.count_exceeds_room(name, count, room), offset=off, constructor=code)
    if count >> 1 > limits.max_map_entries:
        raise LimitExceededError(
            _text.too_many_entries(name, count >> 1, limits.max_map_entries),
            offset=off,
            limit="max_map_entries",
            constructor=code,
        )


def _first_bad_key(
    buf: Any, pos: int, pairs: int, stop: int, depth: int, limits: _Bounds, code: int
) -> DecodeError:
    """The error for the first key a dict cannot hold, found by decoding the entries again
    (with a full zero-width budget: these bytes decoded within it once already)."""
    limits = limits.afresh()
    seen: dict[Any, None] = {}
    for _ in range(pairs):
        key_at = pos
        key, pos = _DECODERS[buf[pos]](buf, pos + 1, stop, depth, limits)
        _, pos = _DECODERS[buf[pos]](buf, pos + 1, stop, depth, limits)
        size = len(seen)
        try:
            seen[key] = None
        except TypeError:
            return DecodeError(_text.unhashable_key(key), offset=key_at, constructor=code)
        if len(seen) == size:
            return DecodeError(_text.duplicate_key(key), offset=key_at, constructor=code)
    raise AssertionError("no bad key found")  # pragma: no cover


def _array(code: int, width: int) -> Handler:
    def handler(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        _check_depth(depth, limits, off, code)
        count, pos, stop = compound_header(buf, off, end, code, width)
        depth += 1
        try:
            if pos >= stop:
                raise _truncated(_text.ARRAY_CONSTRUCTOR, pos, 1, stop)
            element = buf[pos]
            descriptor = None
            if element == 0x00:
                if pos + 1 >= stop:
                    raise _truncated(_text.ARRAY_DESCRIPTOR, pos + 1, 1, stop)
                descriptor, pos = _DECODERS[buf[pos + 1]](buf, pos + 2, stop, depth, limits)
                if pos >= stop:
                    raise _truncated(_text.ARRAY_CONSTRUCTOR, pos, 1, stop)
                element = buf[pos]
                if element == 0x00:
                    raise DecodeError(_text.MULTIPLY_DESCRIBED, offset=pos, constructor=code)
            encoding = ENCODING_BY_CODE.get(element)
            if encoding is None:
                raise DecodeError(_text.unknown_element_constructor(element), offset=pos, constructor=element)
            pos += 1
            if element in ZERO_WIDTH_CODES:
                _check_count(count, count, limits.max_container_items, off, code)
                _take_zero_width(limits, count, off, code)
            else:
                _check_count(count, stop - pos, limits.max_container_items, off, code)
            decode_element = _DECODERS[element]
            items: list[Any] = []
            append = items.append
            for _ in range(count):
                value, pos = decode_element(buf, pos, stop, depth, limits)
                append(value)
        except IncompleteError as error:
            raise _inside_compound(error, code) from None
        _check_filled(pos, stop, off, code)
        return _new_array(encoding.type_name, tuple(items), descriptor), stop

    return handler


def _take_zero_width(limits: _Bounds, count: int, off: int, code: int) -> None:
    """Take an array's ``count`` zero-width elements (0x40-0x45: no bytes each, so the
    input does not bound them) from the call's budget (``Limits`` docstring)."""
    budget = limits.zero_width
    left = budget[0]
    if count > left:
        raise LimitExceededError(
            _text.zero_width_exhausted(ENCODING_BY_CODE[code].name, count, left, limits.max_container_items),
            offset=off,
            limit="max_container_items",
            constructor=code,
        )
    budget[0] = left - count


def _d_described(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    _check_depth(depth, limits, off, 0x00)
    depth += 1
    if off >= end:
        raise _truncated(_text.DESCRIPTOR, off, 1, end)
    descriptor, off = _DECODERS[buf[off]](buf, off + 1, end, depth, limits)
    if off >= end:
        raise _truncated(_text.DESCRIBED_VALUE, off, 1, end)
    value, off = _DECODERS[buf[off]](buf, off + 1, end, depth, limits)
    return _new_described(descriptor, value), off


_new_object = object.__new__
_setattr = object.__setattr__
_UUID = _uuid.UUID
_UUID_SAFETY = _uuid.SafeUUID.unknown
_from_bytes = int.from_bytes


def _d_uuid(buf: Any, off: int) -> _uuid.UUID:
    """What ``UUID(bytes=...)`` builds, without its argument checks (the width is known)."""
    value = _new_object(_UUID)
    _setattr(value, "int", _from_bytes(buf[off : off + 16], "big"))
    _setattr(value, "is_safe", _UUID_SAFETY)
    return value


#: The fixed-width numbers: constructor, the name its errors use, its ``struct`` format
#: and the class it decodes to (``None``: a plain ``int`` or ``float``).  Both the
#: handlers (``_build_decoders``) and the list and map loops (``_INLINE_SCALARS``) read it.
_NUMBERS: tuple[tuple[int, str, struct.Struct, type | None], ...] = (
    (Code.UBYTE, "ubyte", _u8, UByte),
    (Code.USHORT, "ushort", _u16, UShort),
    (Code.UINT, "uint", _u32, UInt),
    (Code.SMALLUINT, "smalluint", _u8, UInt),
    (Code.ULONG, "ulong", _u64, ULong),
    (Code.SMALLULONG, "smallulong", _u8, ULong),
    (Code.BYTE, "byte", _i8, Byte),
    (Code.SHORT, "short", _i16, Short),
    (Code.INT, "int", _i32, Int),
    (Code.SMALLINT, "smallint", _i8, Int),
    (Code.LONG, "long", _i64, None),
    (Code.SMALLLONG, "smalllong", _i8, None),
    (Code.DOUBLE, "double", _f64, None),
    (Code.TIMESTAMP, "timestamp", _i64, Timestamp),
)


def _build_decoders() -> list[Handler]:
    table: list[Handler] = [_d_unknown] * 256
    C = Code
    for number_code, name, fmt, cls in _NUMBERS:
        if fmt is _u8:
            table[number_code] = _unsigned8(name, cls)  # type: ignore[arg-type]
        elif fmt is _i8:
            table[number_code] = _signed8(name, cls)
        else:
            table[number_code] = _unpacked(name, fmt, cls)
    table[C.DESCRIBED] = _d_described
    table[C.NULL] = _d_null
    table[C.BOOLEAN] = _d_boolean
    table[C.TRUE] = _d_true
    table[C.FALSE] = _d_false
    table[C.UINT0] = _d_uint0
    table[C.ULONG0] = _d_ulong0
    table[C.FLOAT] = _fixed(4, "float", _d_float)
    table[C.DECIMAL32] = _fixed(4, "decimal32", _d_decimal(32, Decimal32))
    table[C.DECIMAL64] = _fixed(8, "decimal64", _d_decimal(64, Decimal64))
    table[C.DECIMAL128] = _fixed(16, "decimal128", _d_decimal(128, Decimal128))
    table[C.CHAR] = _fixed(4, "char", _d_char)
    table[C.UUID] = _fixed(16, "uuid", _d_uuid)
    table[C.VBIN8] = _d_vbin8
    table[C.VBIN32] = _variable(4, "vbin32", C.VBIN32, _c_binary)
    table[C.STR8] = _d_str8
    table[C.STR32] = _variable(4, "str32-utf8", C.STR32, _string_converter(C.STR32))
    table[C.SYM8] = _d_sym8
    table[C.SYM32] = _variable(4, "sym32", C.SYM32, _symbol_converter(C.SYM32))
    table[C.LIST0] = _d_list0
    table[C.LIST8] = _list(C.LIST8, 1)
    table[C.LIST32] = _list(C.LIST32, 4)
    table[C.MAP8] = _map(C.MAP8, 1)
    table[C.MAP32] = _map(C.MAP32, 4)
    table[C.ARRAY8] = _array(C.ARRAY8, 1)
    table[C.ARRAY32] = _array(C.ARRAY32, 4)
    return table


_DECODERS = _build_decoders()


def _build_inline_scalars() -> list[tuple[int, Any, Any] | None]:
    """What the list and map loops decode in place rather than through ``_DECODERS``
    (one Python call less per value): per constructor, ``(width, unpack_from, wrap)``
    for a fixed-width number (``unpack_from(buf, at)[0]``, made a ``wrap`` unless that
    is ``None``), ``(0, None, value)`` for a constant, ``None`` for the rest.  The same
    values the handlers return; a truncated number still goes to its handler, which
    raises."""
    table: list[tuple[int, Any, Any] | None] = [None] * 256
    C = Code
    for constant_code, handler in ((C.NULL, _d_null), (C.TRUE, _d_true), (C.FALSE, _d_false)):
        table[constant_code] = (0, None, handler(b"", 0, 0, 0, None)[0])  # type: ignore[arg-type]
    table[C.UINT0] = (0, None, _UINT_ZERO)
    table[C.ULONG0] = (0, None, _ULONG_ZERO)
    for number_code, _, fmt, wrap in _NUMBERS:
        table[number_code] = (fmt.size, fmt.unpack_from, wrap)
    return table


_INLINE_SCALARS = _build_inline_scalars()


def decode_prefix(
    data: Any, offset: int, limits: Limits, budget: list[int] | None = None, unicode_errors: str = "strict"
) -> tuple[Any, int]:
    """Decode the one value starting at ``offset``; return it and the offset after it.

    An ``offset`` outside ``0 .. len(data)`` is a caller's mistake (``ValueError``), and
    a ``data`` that is not a contiguous bytes-like object a ``TypeError``; every fault
    *in the bytes* is an :class:`~amqpcodec.errors.AMQPCodecError`.  ``budget``: a
    one-item list of the zero-width array elements this call may still decode, shared
    with other calls and updated in place; by default the call has its own, of
    ``limits.max_container_items`` (``Limits`` docstring).  ``unicode_errors``: one of
    ``_seam.UNICODE_ERRORS`` (``ValueError`` for any other).
    """
    surrogates = unicode_errors != "strict" and check_unicode_errors(unicode_errors) != "strict"
    buf = data if type(data) is bytes else flat_view(data)
    end = len(buf)
    if offset < 0 or offset > end:
        raise ValueError(_text.offset_outside(offset, end))
    if offset >= end:
        raise IncompleteError(_text.NO_BYTES, offset=offset)
    try:
        return _DECODERS[buf[offset]](buf, offset + 1, end, 0, _Bounds(limits, budget, surrogates))
    except RecursionError:
        raise LimitExceededError(_text.STACK_EXHAUSTED, offset=offset, limit="max_depth") from None
