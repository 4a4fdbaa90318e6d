"""Field tables and field arrays: the pure-Python reference codec.

AMQP 0-9-1 §4.2.5.5 ("Field Tables") and RabbitMQ errata §3 ("Field types"): a table is
a 4-byte size (in bytes) and entries of a short-string key (§4.2.5.3), a type letter and
a value; an array (``A``) is a 4-byte size and letter-prefixed values.  Which letter
means what, and which Python types each is written from, is the one table in
:mod:`amqpcodec.amqp091._letters`; the dispatch dictionaries below are built from it.

Decoding (``read_table``): every letter of the spec and the errata, read as RabbitMQ
reads it.  Each value is checked against what is left of its table or array before
anything is sliced or allocated; a value running past its table is a
:class:`~amqpcodec.errors.DecodeError` (the size lied), and only the outermost table's
size running past ``end`` is an :class:`~amqpcodec.errors.IncompleteError`.  Unknown
letters, non-UTF-8 keys and duplicate keys are ``DecodeError`` at their offset (a key's
offset is that of its length octet).  ``max_depth`` counts tables and arrays nested in
each other (the outermost table is level 1), ``max_map_entries`` the entries of one
table, ``max_container_items`` the items of one array: passing one is a
:class:`~amqpcodec.errors.LimitExceededError` (``.limit`` names it) at the value or
entry that passes it.

Encoding (``write_table``): the exact types of ``_letters.ENCODED_FROM``, an aware
``datetime`` (``T``), any ``Mapping`` (``F``) and :class:`~amqpcodec.amqp091.FieldValue`
(its own letter).  Anything else is an :class:`~amqpcodec.errors.UnsupportedTypeError`
whose ``.path`` names it (``['headers']['x-retry'][2]``).  Keys must be ``str`` (a
``str`` subclass such as a ``StrEnum`` member is written as its text) of at most 255
UTF-8 bytes.  The encoder obeys the same ``max_depth``, ``max_map_entries`` and
``max_container_items``, and checks ``max_message_size`` when each table or array ends.

Lossless: every table the decoder accepts is re-encoded byte for byte (keys in wire
order, every letter and width kept: ``U``, ``L``, odd ``t`` octets and non-UTF-8 ``S``
come back as ``FieldValue``; ``f`` as ``Float`` with its exact bits, NaN payloads
included; ``D`` with its scale as the ``Decimal`` exponent).

Speed: one Python frame per nesting level in both directions (so ``max_depth`` up to
``MAX_DEPTH_CEILING`` never meets the interpreter's recursion limit); the common letters
are handled inline with precomputed ``struct`` objects.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from ..errors import DecodeError, EncodeError, IncompleteError, LimitExceededError, UnsupportedTypeError
from ..limits import Limits
from ..types import Float, double_to_float32_bits, float32_bits_to_double
from . import _tables_text as _text
from ._letters import DATETIME, ENCODED_FROM, LETTER_SPECS, LETTERS, MAX_KEY_BYTES, Kind, decimal_wire_parts
from .values import FieldValue, Timestamp, _new_field_value

__all__ = ["TableRead", "read_table", "write_table"]

Buffer = bytes | bytearray | memoryview

_SIZE = struct.Struct(">I")
_unpack_size = _SIZE.unpack_from
_pack_size_into = _SIZE.pack_into
_DECIMAL = struct.Struct(">Bi")
_U32 = struct.Struct(">I")
_MAX_SIZE = 0xFFFFFFFF

_T, _S, _A, _F, _V, _D, _X = (ord(letter) for letter in "tSAFVDx")


class TableRead(NamedTuple):
    """A decoded field table and the offset just past it (its 4-byte size included)."""

    value: dict[str, Any]
    end: int


class _Fixed(NamedTuple):
    """How the decoder reads one fixed-width letter: unpack, width, then ``wrap`` (or not)."""

    unpack: Callable[[Buffer, int], tuple[Any, ...]]
    width: int
    wrap: Callable[[Any], Any] | None


def _octet_table(wrap: Callable[[int], Any], signed: bool) -> Callable[[int], Any]:
    """A lookup from an octet (read unsigned) to its decoded value, built once."""
    values = tuple(wrap(octet - 256 if signed and octet > 127 else octet) for octet in range(256))
    return values.__getitem__


def _boolean(octet: int) -> Any:
    if octet <= 1:
        return octet == 1
    return _new_field_value("t", octet)


def _float32(bits: int) -> Float:
    # Read through the bits so a signalling NaN keeps its payload (a C float-to-double
    # conversion would quieten it) and re-encodes to the same four bytes.
    return float.__new__(Float, float32_bits_to_double(bits))


def _fixed_reader(letter: str) -> _Fixed | None:
    """The fixed-width reader of ``letter``, from its row of the letter table."""
    spec = LETTER_SPECS[letter]
    kind = spec.kind
    if kind is Kind.BOOLEAN:
        return _Fixed(struct.Struct(">B").unpack_from, 1, _octet_table(_boolean, signed=False))
    if kind is Kind.FLOAT32:
        return _Fixed(_U32.unpack_from, 4, _float32)
    if kind is Kind.FLOAT64:
        return _Fixed(struct.Struct(spec.fmt).unpack_from, spec.width, None)
    if kind is Kind.TIMESTAMP:
        return _Fixed(
            struct.Struct(spec.fmt).unpack_from, spec.width, functools.partial(int.__new__, Timestamp)
        )
    if kind is not Kind.INTEGER:
        return None
    wrap: Callable[[Any], Any] | None
    if spec.decodes_to is FieldValue:
        wrap = functools.partial(_new_field_value, letter)
    elif spec.decodes_to is int:
        wrap = None
    else:
        wrap = functools.partial(int.__new__, spec.decodes_to)
    if spec.width == 1 and wrap is not None:  # 256 possible values: look them up
        return _Fixed(struct.Struct(">B").unpack_from, 1, _octet_table(wrap, signed=spec.minimum < 0))
    return _Fixed(struct.Struct(spec.fmt).unpack_from, spec.width, wrap)


#: Fixed-width letters by octet: ``t b B U s u I i L l f d T``.
_FIXED: dict[int, _Fixed] = {
    ord(spec.letter): reader for spec in LETTERS if (reader := _fixed_reader(spec.letter)) is not None
}
_COMPOUNDS = frozenset((_F, _A))


# --------------------------------------------------------------------------- decoding


def read_table(data: Buffer, offset: int, end: int, limits: Limits) -> TableRead:
    """Decode the field table whose 4-byte size is at ``data[offset]``; it must end by ``end``.

    ``IncompleteError`` only when ``end`` comes before the table's declared end (or
    inside its size); every other fault is a ``DecodeError`` whose offset indexes ``data``.
    """
    if type(data) is bytes:
        return _read_table(data, offset, end, limits)
    # Work on one bytes copy of the table's span (slices of it are what values hold).
    buf = bytes(memoryview(data)[offset:end])
    try:
        value, stop = _read_table(buf, 0, len(buf), limits)
    except DecodeError as error:
        if error.offset is not None:
            error.offset += offset
        raise
    return TableRead(value, stop + offset)


def _read_table(buf: bytes, offset: int, end: int, limits: Limits) -> TableRead:
    if end - offset < 4:
        raise IncompleteError(_text.truncated_size(max(end - offset, 0)), offset=offset)
    size = _unpack_size(buf, offset)[0]
    start = offset + 4
    stop = start + size
    if stop > end:
        raise IncompleteError(_text.size_past_input(size, end - start), offset=offset)
    return TableRead(_read_fields(buf, start, stop, 1, limits), stop)


def _past(letter_offset: int, buf: bytes, need: int, remain: int, in_array: bool) -> DecodeError:
    return DecodeError(
        _text.past_compound(chr(buf[letter_offset]), need, remain, in_array), offset=letter_offset
    )


def _sized(buf: bytes, pos: int, stop: int, at: int, in_array: bool) -> int:
    """The end of the sized value (``S x A F``) whose letter is at ``at``; checks it fits."""
    if pos + 4 > stop:
        raise _past(at, buf, 4, stop - pos, in_array)
    end: int = pos + 4 + _unpack_size(buf, pos)[0]
    if end > stop:
        raise _sized_error(buf, at, pos, stop, in_array)
    return end


def _sized_error(buf: bytes, at: int, pos: int, stop: int, in_array: bool) -> DecodeError:
    """A sized value (letter at ``at``, size at ``pos``) whose size passes ``stop``."""
    size = _unpack_size(buf, pos)[0]
    return DecodeError(_text.size_past_enclosing(chr(buf[at]), size, stop - pos - 4, in_array), offset=at)


def _read_scalar(buf: bytes, code: int, pos: int, stop: int, in_array: bool) -> tuple[Any, int]:
    """Read a value of a variable-width letter (``S x D V``); ``pos`` is just past the letter."""
    at = pos - 1
    if code == _S:
        end = _sized(buf, pos, stop, at, in_array)
        raw = buf[pos + 4 : end]
        try:
            return raw.decode(), end
        except UnicodeDecodeError:
            return _new_field_value("S", raw), end
    if code == _X:
        end = _sized(buf, pos, stop, at, in_array)
        return buf[pos + 4 : end], end
    if code == _V:
        return None, pos
    if code == _D:
        if pos + 5 > stop:
            raise _past(at, buf, 5, stop - pos, in_array)
        scale, digits = _DECIMAL.unpack_from(buf, pos)
        # The string form is exact whatever the thread's decimal context says.
        return Decimal(f"{digits}E-{scale}"), pos + 5
    raise DecodeError(_text.unknown_letter(code), offset=at)


def _too_deep(limits: Limits, at: int) -> LimitExceededError:
    return LimitExceededError(_text.too_deep(limits.max_depth), offset=at, limit="max_depth")


def _read_fields(buf: bytes, pos: int, stop: int, depth: int, limits: Limits) -> dict[str, Any]:
    """The entries of a table spanning ``buf[pos:stop]`` (nested ``depth`` levels deep)."""
    table: dict[str, Any] = {}
    # The smallest entry (an empty key and ``V``) takes 2 bytes: count only when the
    # table's size leaves room for more entries than the limit.
    counting = (stop - pos) // 2 > limits.max_map_entries
    fixed_readers = _FIXED
    while pos < stop:
        at = pos
        pos += 1 + buf[at]
        if pos >= stop:
            raise DecodeError(_text.empty_entry(stop - at), offset=at)
        try:
            key = buf[at + 1 : pos].decode()
        except UnicodeDecodeError as error:
            raise DecodeError(_text.bad_utf8_key(error), offset=at) from None
        if key in table:
            raise DecodeError(_text.duplicate_key(key), offset=at)
        if counting and len(table) >= limits.max_map_entries:
            raise LimitExceededError(
                _text.too_many_entries(limits.max_map_entries), offset=at, limit="max_map_entries"
            )
        code = buf[pos]
        letter_at = pos
        pos += 1
        if code == _S:  # the commonest letter, inline
            if pos + 4 > stop:
                raise _past(letter_at, buf, 4, stop - pos, False)
            end = pos + 4 + _unpack_size(buf, pos)[0]
            if end > stop:
                raise _sized_error(buf, letter_at, pos, stop, False)
            raw = buf[pos + 4 : end]
            try:
                table[key] = raw.decode()
            except UnicodeDecodeError:
                table[key] = _new_field_value("S", raw)
            pos = end
            continue
        fixed = fixed_readers.get(code)
        if fixed is not None:
            unpack, width, wrap = fixed
            end = pos + width
            if end > stop:
                raise _past(letter_at, buf, width, stop - pos, False)
            table[key] = unpack(buf, pos)[0] if wrap is None else wrap(unpack(buf, pos)[0])
            pos = end
        elif code in _COMPOUNDS:
            end = _sized(buf, pos, stop, letter_at, False)
            if depth >= limits.max_depth:
                raise _too_deep(limits, letter_at)
            if code == _F:
                table[key] = _read_fields(buf, pos + 4, end, depth + 1, limits)
            else:
                table[key] = _read_items(buf, pos + 4, end, depth + 1, limits)
            pos = end
        else:
            table[key], pos = _read_scalar(buf, code, pos, stop, False)
    return table


def _read_items(buf: bytes, pos: int, stop: int, depth: int, limits: Limits) -> list[Any]:
    """The values of an array spanning ``buf[pos:stop]`` (nested ``depth`` levels deep)."""
    items: list[Any] = []
    append = items.append
    counting = stop - pos > limits.max_container_items  # the smallest item (``V``) is 1 byte
    fixed_readers = _FIXED
    while pos < stop:
        letter_at = pos
        if counting and len(items) >= limits.max_container_items:
            raise LimitExceededError(
                _text.too_many_items(limits.max_container_items),
                offset=letter_at,
                limit="max_container_items",
            )
        code = buf[pos]
        pos += 1
        if code == _S:  # the commonest letter, inline
            if pos + 4 > stop:
                raise _past(letter_at, buf, 4, stop - pos, True)
            end = pos + 4 + _unpack_size(buf, pos)[0]
            if end > stop:
                raise _sized_error(buf, letter_at, pos, stop, True)
            raw = buf[pos + 4 : end]
            try:
                append(raw.decode())
            except UnicodeDecodeError:
                append(_new_field_value("S", raw))
            pos = end
            continue
        fixed = fixed_readers.get(code)
        if fixed is not None:
            unpack, width, wrap = fixed
            end = pos + width
            if end > stop:
                raise _past(letter_at, buf, width, stop - pos, True)
            append(unpack(buf, pos)[0] if wrap is None else wrap(unpack(buf, pos)[0]))
            pos = end
        elif code in _COMPOUNDS:
            end = _sized(buf, pos, stop, letter_at, True)
            if depth >= limits.max_depth:
                raise _too_deep(limits, letter_at)
            if code == _F:
                append(_read_fields(buf, pos + 4, end, depth + 1, limits))
            else:
                append(_read_items(buf, pos + 4, end, depth + 1, limits))
            pos = end
        else:
            value, pos = _read_scalar(buf, code, pos, stop, True)
            append(value)
    return items


# --------------------------------------------------------------------------- encoding

_PACK_BOOL = struct.Struct(">BB").pack
_PACK_LONG = struct.Struct(">Bq").pack
_PACK_FLOAT32 = struct.Struct(">Bf").pack
_PACK_FLOAT32_BITS = struct.Struct(">BI").pack
_PACK_DECIMAL = struct.Struct(">BBi").pack
_PACK_SIZED = struct.Struct(">BI").pack
_L = ord("l")

#: Letter -> ``struct`` packer of the letter octet and the value, for fixed-width letters.
_PACKERS: dict[str, Callable[..., bytes]] = {
    spec.letter: struct.Struct(">B" + spec.fmt[1:]).pack
    for spec in LETTERS
    if spec.kind in (Kind.INTEGER, Kind.FLOAT64, Kind.TIMESTAMP)
}


def _write_packed(out: bytearray, letter: str, value: Any) -> None:
    try:
        out += _PACKERS[letter](ord(letter), value)
    except (struct.error, OverflowError, TypeError) as error:
        raise EncodeError(_text.wrapper_out_of_range(letter, error)) from None


def _write_boolean(out: bytearray, letter: str, value: Any) -> None:
    out += _PACK_BOOL(_T, value)  # a bool, or a FieldValue's octet (checked when built)


def _write_float32(out: bytearray, letter: str, value: Any) -> None:
    try:
        if value == value:
            out += _PACK_FLOAT32(ord(letter), value)
        else:  # a NaN: keep its sign and payload
            out += _PACK_FLOAT32_BITS(ord(letter), double_to_float32_bits(value))
    except (struct.error, OverflowError) as error:
        raise EncodeError(_text.wrapper_out_of_range(letter, error)) from None


def _write_decimal(out: bytearray, letter: str, value: Any) -> None:
    scale, digits = decimal_wire_parts(value)
    out += _PACK_DECIMAL(_D, scale, digits)


def _write_string(out: bytearray, letter: str, value: Any) -> None:
    if isinstance(value, str):
        try:
            raw = value.encode()
        except UnicodeEncodeError as error:
            raise EncodeError(
                f"str is not encodable as UTF-8: {error.reason} at index {error.start}"
            ) from None
    else:  # bytes-like (``x``, or a FieldValue('S', bytes) that is not UTF-8)
        raw = value if type(value) is bytes else bytes(value)
    if len(raw) > _MAX_SIZE:
        raise EncodeError(f"field value {letter!r} of {len(raw)} bytes passes its 32-bit size")
    out += _PACK_SIZED(ord(letter), len(raw))
    out += raw


def _write_void(out: bytearray, letter: str, value: Any) -> None:
    out.append(_V)


_Writer = Callable[[bytearray, str, Any], None]
_KIND_WRITERS: dict[Kind, _Writer] = {
    Kind.BOOLEAN: _write_boolean,
    Kind.INTEGER: _write_packed,
    Kind.FLOAT32: _write_float32,
    Kind.FLOAT64: _write_packed,
    Kind.DECIMAL: _write_decimal,
    Kind.LONG_STRING: _write_string,
    Kind.BYTES: _write_string,
    Kind.TIMESTAMP: _write_packed,
    Kind.VOID: _write_void,
}
#: Letter -> its writer (all but ``A`` and ``F``, which the compound loops write).
_WRITERS: dict[str, _Writer] = {
    spec.letter: _KIND_WRITERS[spec.kind] for spec in LETTERS if spec.kind in _KIND_WRITERS
}


def _letter_of(value: Any) -> tuple[str, Any]:
    """The letter ``value`` is written with, and what to write (``FieldValue`` unwrapped)."""
    kind = type(value)
    letter = ENCODED_FROM.get(kind)
    if letter is not None:
        return letter, value
    if kind is FieldValue:
        return value.letter, value.value
    if isinstance(value, DATETIME):
        if value.tzinfo is None or value.utcoffset() is None:
            raise EncodeError(_text.naive_datetime())
        return "T", Timestamp.from_datetime(value)
    if isinstance(value, Mapping):
        return "F", value
    raise UnsupportedTypeError(_text.unsupported_type(value))


def write_table(out: bytearray, table: Mapping[str, Any], limits: Limits, path: str) -> None:
    """Append ``table`` (4-byte size first) to ``out``; errors name ``path``."""
    try:
        if not isinstance(table, Mapping):
            raise UnsupportedTypeError(_text.not_a_table(table))
        _write_fields(out, table, 1, limits)
    except EncodeError as error:
        raise error._at(path) from None


def _key_bytes(key: Any) -> bytes:
    if not isinstance(key, str):
        raise UnsupportedTypeError(_text.key_not_str(key))
    try:
        raw = str.encode(key)
    except UnicodeEncodeError as error:
        raise EncodeError(f"field table key {key!r} is not encodable as UTF-8: {error.reason}") from None
    if len(raw) > MAX_KEY_BYTES:
        raise EncodeError(_text.key_too_long(key, len(raw)))
    return raw


def _close(out: bytearray, start: int, limits: Limits, in_array: bool) -> None:
    """Write the size of the table or array whose size field is at ``start``."""
    size = len(out) - start - 4
    if size > _MAX_SIZE:
        raise EncodeError(_text.compound_too_large(in_array))
    _pack_size_into(out, start, size)
    if len(out) > limits.max_message_size:
        raise EncodeError(_text.too_large(len(out), limits.max_message_size))


def _write_fields(out: bytearray, table: Mapping[str, Any], depth: int, limits: Limits) -> None:
    """Append a table (size, then entries) nested ``depth`` levels deep."""
    if depth > limits.max_depth:
        raise EncodeError(_text.too_deep_to_encode(limits.max_depth))
    if len(table) > limits.max_map_entries:
        raise EncodeError(_text.too_many_entries_to_encode(len(table), limits.max_map_entries))
    start = len(out)
    out += b"\x00\x00\x00\x00"
    for key, value in table.items():
        try:
            raw = _key_bytes(key) if type(key) is not str or len(key) > 63 else key.encode()
            out.append(len(raw))
            out += raw
            kind = type(value)
            if kind is str:
                raw = value.encode()
                out += _PACK_SIZED(_S, len(raw))
                out += raw
            elif kind is int:
                out += _PACK_LONG(_L, value)
            elif kind is bool:
                out += b"t\x01" if value else b"t\x00"
            elif kind is dict:
                out.append(_F)
                _write_fields(out, value, depth + 1, limits)
            elif kind is list or kind is tuple:
                out.append(_A)
                _write_items(out, value, depth + 1, limits)
            else:
                # Written out here, not in a helper, in both loops: a helper would add a
                # Python frame per nesting level, and tables nested max_depth deep must
                # not reach the recursion limit (the compiled twin has no such limit).
                letter, value = _letter_of(value)
                if letter == "F":
                    out.append(_F)
                    _write_fields(out, value, depth + 1, limits)
                elif letter == "A":
                    out.append(_A)
                    _write_items(out, value, depth + 1, limits)
                else:
                    _WRITERS[letter](out, letter, value)
        except EncodeError as error:
            raise error._at(f"[{key!r}]") from None
        except (UnicodeEncodeError, struct.error) as error:
            raise _inline_error(key, value, error)._at(f"[{key!r}]") from None
    _close(out, start, limits, in_array=False)


def _inline_error(key: Any, value: Any, error: Exception) -> EncodeError:
    """The error for a fault in the loops' inline fast paths (a key or a str, or an int)."""
    if isinstance(error, UnicodeEncodeError):
        if error.object is key:
            return EncodeError(f"field table key {key!r} is not encodable as UTF-8: {error.reason}")
        return EncodeError(f"str is not encodable as UTF-8: {error.reason} at index {error.start}")
    return EncodeError(_text.int_out_of_range(value))


def _write_items(out: bytearray, items: Any, depth: int, limits: Limits) -> None:
    """Append an array (size, then values) nested ``depth`` levels deep."""
    if depth > limits.max_depth:
        raise EncodeError(_text.too_deep_to_encode(limits.max_depth))
    if len(items) > limits.max_container_items:
        raise EncodeError(_text.too_many_items_to_encode(len(items), limits.max_container_items))
    start = len(out)
    out += b"\x00\x00\x00\x00"
    for index, value in enumerate(items):
        try:
            kind = type(value)
            if kind is str:
                raw = value.encode()
                out += _PACK_SIZED(_S, len(raw))
                out += raw
            elif kind is int:
                out += _PACK_LONG(_L, value)
            else:
                letter, value = _letter_of(value)
                if letter == "F":
                    out.append(_F)
                    _write_fields(out, value, depth + 1, limits)
                elif letter == "A":
                    out.append(_A)
                    _write_items(out, value, depth + 1, limits)
                else:
                    _WRITERS[letter](out, letter, value)
        except EncodeError as error:
            raise error._at(f"[{index}]") from None
        except (UnicodeEncodeError, struct.error) as error:
            raise _inline_error(None, value, error)._at(f"[{index}]") from None
    _close(out, start, limits, in_array=True)
