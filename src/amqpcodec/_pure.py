"""The pure-Python backend: the hot value encoder and decoder (Part 1 §1.2, §1.6).

Strategy: decoding walks the input (``bytes``, or a ``memoryview`` of anything else)
with an integer offset and never slices the remainder.  A 256-entry table maps each
constructor byte to a handler ``(buf, off, end, depth, limits) -> (value, off)``;
``off`` is the first byte after the constructor and ``end`` the bound the value must
stay within.  Compound handlers call the table directly, so each nesting level costs
one Python frame, and ``Limits.max_depth`` (at most 500) bounds recursion in this
backend exactly as in the compiled one.  The ``limits`` a handler gets is a
:class:`_Bounds`, made once per decode call: the ``Limits`` fields it reads, and the
call's budget of zero-width array elements (``Limits`` docstring).

Maps count the hashes of their keys as they are decoded, except ``str``, ``Symbol``
and ``bytes`` keys (SipHash, keyed per process); a map with more than
``limits.MAX_KEYS_PER_HASH`` keys sharing one hash is refused at the first key over
it, before any dict is built, so hash flooding costs linear time.

Running past ``end`` at the top level means the input is cut short
(:class:`IncompleteError`); inside a list, map or array it means the compound's
declared size is wrong, so compound handlers turn :class:`IncompleteError` raised
by their elements into a plain :class:`DecodeError`.

Error offsets: a fault in a value's bytes is reported at the first byte after its
constructor (for an array element, at the element's first byte); an unknown or
missing constructor, and a duplicate or unhashable map key, at the constructor.

Encoding appends to one ``bytearray``.  Compounds write the short header
(list8/map8/array8) first and widen it in place if the content turns out too large,
so canonical (smallest) encodings cost no second pass.  The output is held to
``Limits.max_message_size`` at a few cheap points (``_too_large``: after each
compound, each ``__amqp__`` hook and each variable-width or compound array element,
before each string or binary of over 255 bytes, and at the end), never per byte;
chains of hooks are unrolled in a loop and bounded by ``max_depth``.  As in decoding,
each nesting level costs one Python frame and no more: a compound applies the hooks of
its elements (and descriptor) in its own frame (``_unhook``), so hooks add neither
nesting depth nor frames, and ``MAX_DEPTH_CEILING`` levels through hooks encode as in
the compiled backend instead of exhausting the Python stack first.

This module is the value codec only.  The layers above (``_composite``, ``message``,
``frames``) are written once, in Python, and run as they are on this backend; the
compiled backend adds hot paths for them (``_seam.CompiledPaths``) with no twin here.

The compiled twin, ``_speedups.pyx``, mirrors every function here with the same
results and errors; ``tests/backends/test_value_codecs.py`` and
``tests/backends/test_hot_paths.py`` hold them to it.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import operator
import struct
import uuid as _uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from ._buffers import flat_view
from ._decimal import bid_to_decimal, decimal_to_bid
from ._spec import ARRAY_ELEMENT_CODES, ENCODING_BY_CODE, ZERO_WIDTH_CODES, Code
from .errors import DecodeError, EncodeError, IncompleteError, LimitExceededError, UnsupportedTypeError
from .limits import MAX_KEYS_PER_HASH, Limits
from .types import (
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
    _new_array,
    _new_described,
    double_to_float32_bits,
    float32_bits_to_double,
)

__all__ = ["encode", "decode_prefix"]

_u8 = struct.Struct(">B")
_u16 = struct.Struct(">H")
_u32 = struct.Struct(">I")
_u64 = struct.Struct(">Q")
_i8 = struct.Struct(">b")
_i16 = struct.Struct(">h")
_i32 = struct.Struct(">i")
_i64 = struct.Struct(">q")
_f64 = struct.Struct(">d")
_hdr32 = struct.Struct(">BII")  # constructor, size, count of a 32-bit compound

_new_int = int.__new__
_new_float = float.__new__
_new_str = str.__new__


class _Bounds:
    """What one decode call is bounded by: the ``Limits`` fields the handlers read, and
    ``zero_width``, a one-item list holding how many more zero-width array elements
    the call may decode (``Limits.max_container_items``; a caller may pass one list to
    several calls so they share it, as the message layer does for one message)."""

    __slots__ = ("max_container_items", "max_depth", "max_map_entries", "zero_width")

    def __init__(self, limits: Limits, budget: list[int] | None) -> None:
        self.max_depth = limits.max_depth
        self.max_container_items = limits.max_container_items
        self.max_map_entries = limits.max_map_entries
        self.zero_width = [limits.max_container_items] if budget is None else budget

    def afresh(self) -> _Bounds:
        """The same bounds with a full zero-width budget (to walk decoded bytes again)."""
        again = _new_object(_Bounds)
        again.max_depth, again.max_container_items = self.max_depth, self.max_container_items
        again.max_map_entries, again.zero_width = self.max_map_entries, [self.max_container_items]
        return again


Handler = Callable[[Any, int, int, int, _Bounds], tuple[Any, int]]

# --------------------------------------------------------------------------- errors


def _truncated(what: str, off: int, need: int, end: int) -> IncompleteError:
    return IncompleteError(f"{what} needs {need} bytes, {max(end - off, 0)} remain", offset=off)


def _check_depth(depth: int, limits: _Bounds, off: int, code: int) -> None:
    if depth >= limits.max_depth:
        raise LimitExceededError(
            f"nesting deeper than max_depth={limits.max_depth}",
            offset=off,
            limit="max_depth",
            constructor=code,
        )


def _inside_compound(error: IncompleteError, code: int) -> DecodeError:
    name = ENCODING_BY_CODE[code].name
    return DecodeError(
        f"{error.args[0]}, past the end of the enclosing {name}",
        offset=error.offset,
        constructor=code,
    )


# --------------------------------------------------------------------------- decoding


def _d_unknown(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    raise DecodeError(f"unknown constructor 0x{buf[off - 1]:02x}", offset=off - 1, constructor=buf[off - 1])


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
        raise DecodeError(
            f"boolean byte must be 0x00 or 0x01, not 0x{byte:02x}", offset=off, constructor=0x56
        )
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
        raise DecodeError(f"char U+{point:X} is not a Unicode scalar value", offset=off, constructor=0x73)
    return _new_str(Char, chr(point))


def _d_decimal(width: int, cls: type[Decimal]) -> Callable[[Any, int], Any]:
    size = width // 8

    def convert(buf: Any, off: int) -> Any:
        return cls(bid_to_decimal(bytes(buf[off : off + size]), width))

    return convert


def _variable(width: int, what: str, code: int, convert: Callable[[Any, int, int, int], Any]) -> Handler:
    size_field = _u8 if width == 1 else _u32

    def handler(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        if off + width > end:
            raise _truncated(what, off, width, end)
        size = size_field.unpack_from(buf, off)[0]
        start = off + width
        stop = start + size
        if stop > end:
            raise _truncated(what, off, width + size, end)
        return convert(buf, start, stop, off), stop

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
        raise DecodeError(
            f"string is not valid UTF-8: {error.reason}", offset=off, constructor=0xA1
        ) from None


def _d_sym8(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    if off >= end:
        raise _truncated("sym8", off, 1, end)
    stop = off + 1 + buf[off]
    if stop > end:
        raise _truncated("sym8", off, stop - off, end)
    try:
        return _new_str(Symbol, str(buf[off + 1 : stop], "ascii")), stop
    except UnicodeDecodeError:
        raise DecodeError("symbol is not ASCII", offset=off, constructor=0xA3) from None


def _c_binary(buf: Any, start: int, stop: int, off: int) -> bytes:
    return bytes(buf[start:stop])


def _string_converter(code: int) -> Callable[[Any, int, int, int], str]:
    def convert(buf: Any, start: int, stop: int, off: int) -> str:
        try:
            return str(buf[start:stop], "utf-8")
        except UnicodeDecodeError as error:
            raise DecodeError(
                f"string is not valid UTF-8: {error.reason}", offset=off, constructor=code
            ) from None

    return convert


def _symbol_converter(code: int) -> Callable[[Any, int, int, int], Symbol]:
    def convert(buf: Any, start: int, stop: int, off: int) -> Symbol:
        try:
            return _new_str(Symbol, str(buf[start:stop], "ascii"))
        except UnicodeDecodeError:
            raise DecodeError("symbol is not ASCII", offset=off, constructor=code) from None

    return convert


def _compound_header(buf: Any, off: int, end: int, code: int, width: int) -> tuple[int, int, int]:
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
        raise DecodeError(f"{name} size {size} cannot hold its count", offset=off, constructor=code)
    return count, off + 2 * width, stop


def _check_count(count: int, room: int, limit: int, limit_name: str, off: int, code: int) -> None:
    if count <= room and count <= limit:
        return
    name = ENCODING_BY_CODE[code].name
    if count > room:
        raise DecodeError(f"{name} claims {count} elements in {room} bytes", offset=off, constructor=code)
    if count > limit:
        raise LimitExceededError(
            f"{name} has {count} elements, over {limit_name}={limit}",
            offset=off,
            limit=limit_name,
            constructor=code,
        )


def _check_filled(pos: int, stop: int, off: int, code: int) -> None:
    if pos != stop:
        name = ENCODING_BY_CODE[code].name
        raise DecodeError(
            f"{name} elements end at offset {pos}, its size says {stop}", offset=off, constructor=code
        )


def _list(code: int, width: int) -> Handler:
    def handler(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        if depth >= limits.max_depth:
            _check_depth(depth, limits, off, code)
        count, pos, stop = _compound_header(buf, off, end, code, width)
        if count > stop - pos or count > limits.max_container_items:
            _check_count(count, stop - pos, limits.max_container_items, "max_container_items", off, code)
        items: list[Any] = []
        append = items.append
        decoders = _DECODERS
        inline = _INLINE_SCALARS
        text = _bytes_decode if type(buf) is bytes else str
        depth += 1
        try:
            for _ in range(count):
                if pos >= stop:
                    raise _truncated("list element", pos, 1, stop)
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
        count, pos, stop = _compound_header(buf, off, end, code, width)
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
                    raise _truncated("map key", pos, 1, stop)
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
                    raise _truncated("map value", pos, 1, stop)
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
    name = ENCODING_BY_CODE[code].name
    return LimitExceededError(
        f"{name} has {seen} keys sharing one hash, over MAX_KEYS_PER_HASH={MAX_KEYS_PER_HASH}",
        offset=key_at,
        limit="max_map_entries",
        constructor=code,
    )


def _check_map_count(count: int, room: int, limits: _Bounds, off: int, code: int) -> None:
    if not count & 1 and count <= room and count >> 1 <= limits.max_map_entries:
        return
    name = ENCODING_BY_CODE[code].name
    if count & 1:
        raise DecodeError(f"{name} has an odd count {count}", offset=off, constructor=code)
    if count > room:
        raise DecodeError(f"{name} claims {count} elements in {room} bytes", offset=off, constructor=code)
    if count >> 1 > limits.max_map_entries:
        raise LimitExceededError(
            f"{name} has {count >> 1} entries, over max_map_entries={limits.max_map_entries}",
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
            return DecodeError(
                f"map key of type {type(key).__name__} is unhashable in Python",
                offset=key_at,
                constructor=code,
            )
        if len(seen) == size:
            return DecodeError(f"duplicate map key {key!r}", offset=key_at, constructor=code)
    raise AssertionError("no bad key found")  # pragma: no cover


def _array(code: int, width: int) -> Handler:
    def handler(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
        _check_depth(depth, limits, off, code)
        count, pos, stop = _compound_header(buf, off, end, code, width)
        depth += 1
        try:
            if pos >= stop:
                raise _truncated("array element constructor", pos, 1, stop)
            element = buf[pos]
            descriptor = None
            if element == 0x00:
                if pos + 1 >= stop:
                    raise _truncated("array descriptor", pos + 1, 1, stop)
                descriptor, pos = _DECODERS[buf[pos + 1]](buf, pos + 2, stop, depth, limits)
                if pos >= stop:
                    raise _truncated("array element constructor", pos, 1, stop)
                element = buf[pos]
                if element == 0x00:
                    raise DecodeError(
                        "arrays of multiply-described elements are not supported",
                        offset=pos,
                        constructor=code,
                    )
            encoding = ENCODING_BY_CODE.get(element)
            if encoding is None:
                raise DecodeError(
                    f"unknown array element constructor 0x{element:02x}", offset=pos, constructor=element
                )
            pos += 1
            if element in ZERO_WIDTH_CODES:
                _check_count(count, count, limits.max_container_items, "max_container_items", off, code)
                _take_zero_width(limits, count, off, code)
            else:
                _check_count(count, stop - pos, limits.max_container_items, "max_container_items", off, code)
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
        name = ENCODING_BY_CODE[code].name
        raise LimitExceededError(
            f"{name} has {count} zero-width elements, but only {left} of "
            f"max_container_items={limits.max_container_items} are left in this decode",
            offset=off,
            limit="max_container_items",
            constructor=code,
        )
    budget[0] = left - count


def _d_described(buf: Any, off: int, end: int, depth: int, limits: _Bounds) -> tuple[Any, int]:
    _check_depth(depth, limits, off, 0x00)
    depth += 1
    if off >= end:
        raise _truncated("descriptor", off, 1, end)
    descriptor, off = _DECODERS[buf[off]](buf, off + 1, end, depth, limits)
    if off >= end:
        raise _truncated("described value", off, 1, end)
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


def decode_prefix(data: Any, offset: int, limits: Limits, budget: list[int] | None = None) -> tuple[Any, int]:
    """Decode the one value starting at ``offset``; return it and the offset after it.

    An ``offset`` outside ``0 .. len(data)`` is a caller's mistake (``ValueError``), and
    a ``data`` that is not a contiguous bytes-like object a ``TypeError``; every fault
    *in the bytes* is an :class:`~amqpcodec.errors.AMQPCodecError`.  ``budget``: a
    one-item list of the zero-width array elements this call may still decode, shared
    with other calls and updated in place; by default the call has its own, of
    ``limits.max_container_items`` (``Limits`` docstring).
    """
    buf = data if type(data) is bytes else flat_view(data)
    end = len(buf)
    if offset < 0 or offset > end:
        raise ValueError(f"offset {offset} is outside the {end}-byte input")
    if offset >= end:
        raise IncompleteError("no bytes to decode", offset=offset)
    try:
        return _DECODERS[buf[offset]](buf, offset + 1, end, 0, _Bounds(limits, budget))
    except RecursionError:
        raise LimitExceededError(
            "nesting exhausted the Python stack before max_depth", offset=offset, limit="max_depth"
        ) from None


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


class _Shifted:
    """The limits for encoding into scratch space whose bytes will come out ``shift``
    bytes further along (arrays of compound elements, ``_e_array``): its
    ``max_message_size`` is less by ``shift``, so the output checks stay what they are
    on the real output; ``limits`` is the caller's, for the error message."""

    __slots__ = ("limits", "max_container_items", "max_depth", "max_map_entries", "max_message_size", "shift")

    def __init__(self, limits: _EncodeLimits, shift: int) -> None:
        outer = limits if type(limits) is _Shifted else None
        self.limits: _EncodeLimits = limits if outer is None else outer.limits
        self.shift: int = shift if outer is None else outer.shift + shift
        self.max_depth = limits.max_depth
        self.max_container_items = limits.max_container_items
        self.max_map_entries = limits.max_map_entries
        self.max_message_size = limits.max_message_size - shift


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
        raise EncodeError(f"an int of {value.bit_length()} bits does not fit long")


_SMALLLONG = [bytes((0x55, b)) for b in range(256)]


def _e_int(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    """A plain Python int: long when it fits, else ulong (API: "ints >= 2**63 that fit")."""
    if -0x8000000000000000 <= value <= 0x7FFFFFFFFFFFFFFF:
        _e_long(out, value, depth, limits)
    elif 0 < value <= 0xFFFFFFFFFFFFFFFF:
        out.append(0x80)
        out += _u64.pack(value)
    else:
        raise EncodeError(f"an int of {value.bit_length()} bits does not fit any AMQP integer type")


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
        raise EncodeError(f"{int(value)} is out of range for byte")
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
        raise EncodeError(f"{value!r} is beyond float32's range") from None


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
        raise EncodeError(f"Char cannot hold the surrogate U+{point:04X}")
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
        raise EncodeError(f"{size} bytes do not fit a 32-bit size")
    out += data


def _e_binary(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    if type(value) is memoryview:
        if not value.c_contiguous:
            raise EncodeError("cannot encode a non-contiguous memoryview")
        _write_variable(out, 0xA0, 0xB0, value, value.nbytes, limits)
    else:
        _write_variable(out, 0xA0, 0xB0, value, len(value), limits)


def _e_string(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise EncodeError(f"string holds a lone surrogate at index {error.start}") from None
    _write_variable(out, 0xA1, 0xB1, data, len(data), limits)


def _e_symbol(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    data = str.encode(value, "ascii")
    _write_variable(out, 0xA3, 0xB3, data, len(data), limits)


def _encoder_for(value: Any) -> Encoder:
    """The encoder for a type not in ``_ENCODERS`` by exact type (then cached there).

    Subclasses use their nearest base's encoder (enum members of ``UByte``, ``Symbol``
    ...); a class with an ``__amqp__()`` method (composites, ``Role``) is encoded as the
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
            raise UnsupportedTypeError(f"{cls.__name__} has no AMQP encoding")
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
            raise EncodeError(
                f"more than max_depth={limits.max_depth} __amqp__ hooks in a row "
                "(a hook returning hooked values forever?)"
            )
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
        raise EncodeError("compound larger than 4 GiB")


#: What a value that bypassed its wrapper's constructor (``int.__new__(UInt, -1)``) makes
#: the low-level writers raise; turned into EncodeError where it happens, so the path is
#: right, exactly as the compiled backend's range checks do.
_ENCODE_FAULTS = (EncodeError, struct.error, OverflowError, ValueError, TypeError)


def _encode_error(error: Exception) -> EncodeError:
    if isinstance(error, EncodeError):
        return error
    return EncodeError(f"value out of range for its AMQP type: {error}")


def _too_large(size: int, limits: _EncodeLimits) -> EncodeError:
    """The error for output that passes ``max_message_size`` (``size``: the bytes written,
    or about to be, when a check found it; counted in the real output)."""
    if type(limits) is _Shifted:
        size, limits = size + limits.shift, limits.limits
    return EncodeError(
        f"the encoding needs at least {size} bytes, over max_message_size={limits.max_message_size}"
    )


def _check_encode_depth(depth: int, limits: _EncodeLimits) -> None:
    if depth >= limits.max_depth:
        raise EncodeError(f"nesting deeper than max_depth={limits.max_depth} (a container holding itself?)")


def _e_list(out: bytearray, value: Any, depth: int, limits: _EncodeLimits) -> None:
    _check_encode_depth(depth, limits)
    count = len(value)
    if count == 0:
        out.append(0x45)
        return
    if count > limits.max_container_items:
        raise EncodeError(f"list has {count} items, over max_container_items={limits.max_container_items}")
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
        raise EncodeError(f"map has {pairs} entries, over max_map_entries={limits.max_map_entries}")
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
        raise EncodeError(
            f"array has {len(items)} items, over max_container_items={limits.max_container_items}"
        )
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
            code = narrow if _narrow_fits(element_type, items) else wide
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
        raise EncodeError(f"string holds a lone surrogate at index {error.start}") from None


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
    """A plain ``Decimal`` is a decimal128 (API.md value table)."""
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


def encode(value: Any, limits: Limits) -> bytes:
    """The canonical AMQP encoding of ``value`` (see README, "Canonical encoding"), at
    most ``limits.max_message_size`` bytes (module docstring)."""
    out = bytearray()
    try:
        (_ENCODERS.get(type(value)) or _encoder_for(value))(out, value, 0, limits)
        if len(out) > limits.max_message_size:
            raise _too_large(len(out), limits)
    except RecursionError:
        raise EncodeError("nesting exhausted the Python stack before max_depth") from None
    except _ENCODE_FAULTS as error:
        raise _encode_error(error) from None
    return bytes(out)
