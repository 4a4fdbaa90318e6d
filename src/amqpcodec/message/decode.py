"""Decoding a message's sections (OASIS AMQP 1.0 Part 3 §3.2), eagerly or lazily.

Strategy: a message is a sequence of described values, one per section, in the order
of §3.2 (header, delivery-annotations, message-annotations, properties,
application-properties, body, footer).  Decoding reads each section's descriptor
itself (every form: smallulong, full-width ulong, symbolic; the usual ``00 53 xx``
inline), checks the section order and the constructor of its value before decoding
anything, then decodes the value with the value backend's ``decode_prefix`` on the
whole payload, so offsets are from the payload start, with ``max_depth`` one less
(the section's described value is one nesting level, Part 1 §1.2; errors still
state the caller's limit).  Header and properties are built by the backend's
``build_composite`` (``sections._BUILDERS``).  The lazy walk (:func:`_scan_sections`)
reads only constructors and size fields (:func:`_skip`) and records each section's
span, so one copy of the bytes is kept and each section is decoded on first access
(:func:`_decode_span`).  These walks are the reference the compiled
``decode_message`` and ``scan_message`` are held to; the backend is read at call time.

Decisions where the contract is silent:

- A section's value must have its section's AMQP type on the wire: header,
  properties and amqp-sequence a list; the annotations, application-properties and
  footer a map; data a binary.  Anything else (including null) is a ``DecodeError``
  at the value's constructor.  A header or properties list longer than the spec's
  field list is a ``DecodeError``.
- Errors inside a section carry the section's spec name in ``DecodeError.field``
  (unless the value layer set one); ``offset`` is always from the payload start.
- A payload longer than ``limits.max_message_size`` raises ``LimitExceededError``
  with ``offset=limits.max_message_size``.
- Arrays of zero-width elements share one budget of ``limits.max_container_items``
  elements per ``Message.decode`` (all sections) and per lazy section access (all
  the body's sections), as within one value (``Limits``).
"""

from __future__ import annotations

import dataclasses
import functools
import struct
from typing import Any

from .._backend import current
from .._spec import DESCRIPTOR_BY_CODE, ENCODING_BY_CODE, Category, Code
from ..errors import DecodeError, IncompleteError, LimitExceededError
from ..limits import DEFAULT_LIMITS, Limits
from .sections import (
    _BODY,
    _BUILDERS,
    _KIND_BY_CODE,
    _KIND_BY_SYMBOL,
    _KIND_NAMES,
    _SLOT_OF_KIND,
    _VALUE_CODES,
    AMQP_VALUE,
    FOOTER,
    AMQPValue,
)

__all__: list[str] = []

_u32 = struct.Struct(">I")
_u64 = struct.Struct(">Q")

#: A lazy slot's bytes: (start, end, ((kind, section_start, value_start), ...)).
_Span = tuple[int, int, tuple[tuple[int, int, int], ...]]


# --------------------------------------------------------------------------- checks


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
            raise IncompleteError(
                f"symbol descriptor needs {size} bytes, {end - at - 1 - width} remain", offset=at + 1
            )
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
            f"descriptor {_descriptor_text(number)} is not a message section (§3.2)",
            offset=pos,
            constructor=code,
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


def _decode_value(
    buf: Any, offset: int, limits: Limits, budget: list[int] | None, unicode_errors: str = "strict"
) -> tuple[Any, int]:
    """The live backend's ``decode_prefix``, sharing ``budget`` (the zero-width array
    elements left, ``Limits``) with the other calls of one decode; ``None``: a call of
    its own.  ``unicode_errors`` is passed on only when it is not the default."""
    if unicode_errors == "strict":
        return current().decode_prefix(buf, offset, limits, budget)
    return current().decode_prefix(buf, offset, limits, budget, unicode_errors)


# --------------------------------------------------------------------------- sections


def _read_value(
    buf: Any,
    start: int,
    value_start: int,
    inner: Limits | None,
    limits: Limits,
    budget: list[int] | None = None,
    unicode_errors: str = "strict",
) -> tuple[Any, int]:
    """Decode a section's value: alone with ``inner`` limits, or inside its described value."""
    if inner is None:
        described, stop = _decode_value(buf, start, limits, budget, unicode_errors)
        return described.value, stop
    return _decode_value(buf, value_start, inner, budget, unicode_errors)


def _annotate(error: DecodeError, kind: int, value_start: int, inner: Limits | None, limits: Limits) -> None:
    """Name the section in an error from its value, and state the caller's depth limit."""
    if error.field is None:
        error.field = _KIND_NAMES[kind]
    if error.offset is None:
        error.offset = value_start
    if (
        inner is not None
        and isinstance(error, LimitExceededError)
        and error.limit == "max_depth"
        and error.args
    ):
        error.args = (str(error.args[0]).replace(f"={inner.max_depth}", f"={limits.max_depth}"),)


def _read_section(
    kind: int,
    buf: Any,
    start: int,
    value_start: int,
    limits: Limits,
    budget: list[int] | None = None,
    unicode_errors: str = "strict",
) -> tuple[Any, int]:
    """Decode the section at ``start`` (checked by ``_section_head``): (section, end)."""
    inner = _inner_limits(limits)
    try:
        value, stop = _read_value(buf, start, value_start, inner, limits, budget, unicode_errors)
        return _BUILDERS[kind](value), stop
    except DecodeError as error:
        _annotate(error, kind, value_start, inner, limits)
        raise


# --------------------------------------------------------------------------- the walks


#: The section kind of each smallulong descriptor code (-1: none).
_SMALL_KINDS: tuple[int, ...] = tuple(_KIND_BY_CODE.get(code, -1) for code in range(256))


def _next_section(buf: Any, pos: int, end: int, last: int, last_slot: int) -> tuple[int, int, int]:
    """The kind, value offset and message slot of the section at ``pos``, after a
    section of kind ``last`` in slot ``last_slot`` (-1 for none): its descriptor read,
    its value's constructor and its place in the §3.2 order checked."""
    if last == FOOTER:
        raise DecodeError(f"{end - pos} bytes after the footer", offset=pos, field="footer")
    # The usual form, 00 53 <code> <value constructor>, is recognised inline.
    if (
        pos + 3 < end
        and buf[pos] == 0
        and buf[pos + 1] == Code.SMALLULONG
        and _SMALL_KINDS[buf[pos + 2]] >= 0
    ):
        kind, value_start = _SMALL_KINDS[buf[pos + 2]], pos + 3
    else:
        kind, value_start = _section_head(buf, pos, end)
    _check_value_code(kind, buf, value_start, end)
    slot = _SLOT_OF_KIND[kind]
    if slot <= last_slot:
        _check_order(kind, last, pos)
    return kind, value_start, slot


def _decode_sections(buf: Any, limits: Limits, unicode_errors: str = "strict") -> list[Any]:
    """The seven sections (``None`` where absent) of the message that is all of ``buf``
    (§3.2), each decoded and checked: the eager walk.  ``unicode_errors``: for the
    strings in them (``_seam.UNICODE_ERRORS``)."""
    end = len(buf)
    values: list[Any] = [None] * 7
    body: list[Any] = []
    pos, last, last_slot = 0, -1, -1
    inner = _inner_limits(limits)
    budget = [limits.max_container_items]  # one zero-width budget for every section
    decode_prefix = current().decode_prefix
    if unicode_errors != "strict":
        decode_prefix = functools.partial(decode_prefix, unicode_errors=unicode_errors)
    while pos < end:
        kind, value_start, slot = _next_section(buf, pos, end, last, last_slot)
        try:
            if inner is not None:
                value, stop = decode_prefix(buf, value_start, inner, budget)
            else:
                value, stop = _read_value(buf, pos, value_start, inner, limits, budget, unicode_errors)
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
        values[_BODY] = (
            body[0] if last == AMQP_VALUE or (last == FOOTER and type(body[0]) is AMQPValue) else tuple(body)
        )
    return values


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


def _scan_sections(raw: bytes, limits: Limits) -> list[_Span | None]:
    """The spans of the seven sections (``None`` where absent) of the message that is all
    of ``raw``: section order, descriptors and sizes checked, nothing decoded (the lazy
    walk; :func:`_decode_span` decodes a span when its section is read)."""
    end = len(raw)
    spans: list[_Span | None] = [None] * 7
    body: list[tuple[int, int, int]] = []
    pos, last, last_slot, body_stop = 0, -1, -1, 0
    while pos < end:
        kind, value_start, slot = _next_section(raw, pos, end, last, last_slot)
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
    return spans


def _decode_span(buf: Any, span: _Span, limits: Limits, index: int, unicode_errors: str = "strict") -> Any:
    """The value of message slot ``index`` decoded from its ``span`` of ``buf``: a lazy
    section's first read."""
    parts = span[2]
    budget = [limits.max_container_items] if len(parts) > 1 else None  # one for the whole body
    sections = [
        _read_section(kind, buf, start, value_start, limits, budget, unicode_errors)[0]
        for kind, start, value_start in parts
    ]
    if index != _BODY:
        return sections[0]
    return sections[0] if parts[0][0] == AMQP_VALUE else tuple(sections)
