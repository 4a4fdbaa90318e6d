"""``--encodings``: which constructor each AMQP 1.0 value was written with (Part 1 §1.2, §1.6).

Strategy: decoded values do not remember their encoding (a ``uint`` written as
``smalluint`` 0x52 and as ``uint`` 0x70 decode alike), so, only when ``--encodings`` is
given, the bytes of a performative or of a message are walked again by :func:`trace`, a
small reader that builds no values: it follows each constructor (Part 1 §1.2: a code,
or 0x00, a descriptor and a constructor) through the one table of wire facts,
``amqpcodec._spec.ENCODINGS`` (each code's category and width), and reads compound and
array headers with the pure decoder's own ``compound_header``, checking every size
and count against the bytes there.  The result is a :class:`Traced` tree, the shape of
the value, which the renderers (:mod:`amqpcodec.cli.encodings_view`) walk beside the
decoded value.  The default path never calls it.  Any bytes give a tree or an
``amqpcodec`` error (``DecodeError`` and subclasses, with ``.offset``).
"""

from __future__ import annotations

from typing import NamedTuple

from .._pure.decoder import compound_header
from .._spec import ENCODING_BY_CODE, ZERO_WIDTH_CODES, Category, Code, Encoding
from ..errors import DecodeError, IncompleteError, LimitExceededError
from ..limits import DEFAULT_LIMITS, Limits

__all__ = ["Traced", "trace", "trace_sequence"]


class Traced(NamedTuple):
    """One value as written: its constructor ``code`` (0x00 for a described value), where
    its constructor starts (an array element's: where its value starts, since the array's
    one constructor serves every element) and where it ends; ``items``: a list's items, a
    map's keys and values in turn, an array's elements, a described value's value;
    ``descriptor``: a described value's (or a described array's elements') descriptor."""

    code: int
    offset: int
    end: int
    items: tuple[Traced, ...] = ()
    descriptor: Traced | None = None

    @property
    def name(self) -> str:
        """The spec's name of the encoding (``smalluint``, ``str8-utf8``, ``list8``,
        ``described``)."""
        if self.code == Code.DESCRIBED:
            return "described"
        return ENCODING_BY_CODE[self.code].name

    @property
    def type_name(self) -> str:
        """The AMQP type the encoding writes (``uint``), ``described`` for 0x00."""
        if self.code == Code.DESCRIBED:
            return "described"
        return ENCODING_BY_CODE[self.code].type_name

    @property
    def label(self) -> str:
        """The encoding's name and code: ``smalluint 0x52``."""
        return f"{self.name} 0x{self.code:02x}"


class _Walk(NamedTuple):
    """One trace's input and bounds."""

    data: bytes
    limits: Limits


def trace(data: bytes, offset: int = 0, *, limits: Limits = DEFAULT_LIMITS) -> Traced:
    """The encodings of the value at ``offset`` of ``data`` (module docstring)."""
    return _value(_Walk(bytes(data), limits), offset, len(data), 0)


def trace_sequence(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Traced, ...]:
    """The encodings of each value of ``data``, one after the other (a message's sections,
    Part 3 §3.2)."""
    walk = _Walk(bytes(data), limits)
    found: list[Traced] = []
    offset = 0
    while offset < len(data):
        if len(found) >= limits.max_container_items:
            raise LimitExceededError("too many values to trace", offset=offset, limit="max_container_items")
        traced = _value(walk, offset, len(data), 0)
        found.append(traced)
        offset = traced.end
    return tuple(found)


def _value(walk: _Walk, at: int, end: int, depth: int) -> Traced:
    """The value whose constructor is at ``at`` (Part 1 §1.2)."""
    if at >= end:
        raise IncompleteError("a constructor is missing", offset=at)
    code = walk.data[at]
    if code == Code.DESCRIBED:
        _check_depth(walk, depth, at)
        descriptor = _value(walk, at + 1, end, depth + 1)
        value = _value(walk, descriptor.end, end, depth + 1)
        return Traced(code, at, value.end, (value,), descriptor)
    return _body(walk, _encoding(code, at), at, at + 1, end, depth)


def _encoding(code: int, at: int) -> Encoding:
    encoding = ENCODING_BY_CODE.get(code)
    if encoding is None:
        raise DecodeError(f"unknown constructor 0x{code:02x}", offset=at)
    return encoding


def _check_depth(walk: _Walk, depth: int, at: int) -> None:
    if depth >= walk.limits.max_depth:
        raise LimitExceededError("values nested too deep to trace", offset=at, limit="max_depth")


def _body(walk: _Walk, encoding: Encoding, at: int, pos: int, end: int, depth: int) -> Traced:
    """The value of ``encoding`` whose bytes start at ``pos`` (its constructor at ``at``)."""
    code, width, data = int(encoding.code), encoding.width, walk.data
    if encoding.category is Category.FIXED:
        stop = pos + width
    elif encoding.category is Category.VARIABLE:
        if pos + width > end:
            raise IncompleteError(f"the size of a {encoding.name} is missing", offset=pos)
        stop = pos + width + int.from_bytes(data[pos : pos + width], "big")
    elif encoding.category is Category.COMPOUND:
        return _compound(walk, code, width, at, pos, end, depth)
    else:
        return _array(walk, code, width, at, pos, end, depth)
    if stop > end:
        raise IncompleteError(f"a {encoding.name} runs past the end", offset=at)
    return Traced(code, at, stop)


def _compound(walk: _Walk, code: int, width: int, at: int, pos: int, end: int, depth: int) -> Traced:
    """A list or map (Part 1 §1.6.22-§1.6.23): ``count`` values within its size."""
    _check_depth(walk, depth, at)
    count, pos, stop = compound_header(walk.data, pos, end, code, width)
    if count > stop - pos:
        raise DecodeError(f"{count} values cannot fit in {stop - pos} bytes", offset=at)
    items: list[Traced] = []
    for _ in range(count):
        item = _value(walk, pos, stop, depth + 1)
        items.append(item)
        pos = item.end
    if pos != stop:
        raise DecodeError("the values do not fill the compound's size", offset=at)
    return Traced(code, at, stop, tuple(items))


def _array(walk: _Walk, code: int, width: int, at: int, pos: int, end: int, depth: int) -> Traced:
    """An array (Part 1 §1.6.24): one constructor, optionally described, then ``count``
    values of it."""
    _check_depth(walk, depth, at)
    count, pos, stop = compound_header(walk.data, pos, end, code, width)
    descriptor = None
    if pos < stop and walk.data[pos] == Code.DESCRIBED:
        descriptor = _value(walk, pos + 1, stop, depth + 1)
        pos = descriptor.end
    if pos >= stop:
        raise IncompleteError("an array's element constructor is missing", offset=pos)
    element = _encoding(walk.data[pos], pos)
    pos += 1
    room = walk.limits.max_container_items if element.code in ZERO_WIDTH_CODES else stop - pos
    if count > room:
        raise DecodeError(f"{count} elements cannot fit in the array", offset=at)
    items: list[Traced] = []
    for _ in range(count):
        item = _body(walk, element, pos, pos, stop, depth + 1)
        items.append(item)
        pos = item.end
    if pos != stop:
        raise DecodeError("the elements do not fill the array's size", offset=at)
    return Traced(code, at, stop, tuple(items), descriptor)
