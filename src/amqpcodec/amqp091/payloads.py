"""Single-payload codecs: a method frame's payload and a content-header frame's payload.

Method payloads (AMQP 0-9-1 §4.2.4): class id and method id (two shorts), then the
arguments in the spec table's order.  Integers are big-endian (§4.2.5.1); bits pack
least-significant first, up to 8 per octet, and a non-bit argument closes the octet
(§4.2.5.2); a spare bit that is set is a ``DecodeError``; shortstr is an octet size and
UTF-8 text (§4.2.5.3; text that is not UTF-8 is refused, as RabbitMQ refuses it), longstr
a 32-bit size and bytes, tables as ``_tables`` reads them (§4.2.5.5).  Bytes after the last
argument are a ``DecodeError``.

Content-header payloads (§4.2.6.1): class id, weight, body size (longlong), ONE flag word
(bit 15 is the first property, bit 2 the fourteenth; RabbitMQ reads no second word, so bit
0, the continuation bit, or the spare bit 1 set is a ``DecodeError`` at the flags), then
the present properties in order.  0-9-1 has one content class, basic: the properties are
read with its layout whatever the class id, and the frame layer judges the class.

Offsets in errors index ``data`` (callers re-base them); a payload is complete, so
running past ``end`` is a plain ``DecodeError``, never an ``IncompleteError``.  Decode
errors carry ``.reply_code`` 501 (frame error) and ``.class_id``/``.method_id`` when read.

Each method class gets a precomputed read plan and write plan (runs of fixed-width
arguments read with one ``struct`` call), so decoding basic.deliver is a handful of steps.

With the compiled backend, each entry point first tries its compiled twin
(``read_method091``, ``read_content_header091``, ``method_payload091``,
``content_header_payload091``), handed the plans of ``_plans`` built here from the same
classes and the spec table.  A twin is a shortcut, never a second opinion: it returns
``None`` for anything it does not take as it is, and the code below then runs on the same
input, so every value and every error comes from this module.
"""

from __future__ import annotations

import struct
from typing import Any, NamedTuple

from .._backend import current
from ..errors import DecodeError, EncodeError, IncompleteError
from ..limits import DEFAULT_LIMITS, Limits
from ._method import Method
from ._plans import header_plan, method_plans
from ._spec import BASIC_PROPERTIES, ReplyCode
from ._specmodel import INTEGER_FORMATS, INTEGER_MAX, Field
from ._tables import TableRead
from .methods import METHODS
from .properties import BasicProperties
from .values import Timestamp

__all__ = [
    "METHOD_PLANS",
    "HEADER_PLAN",
    "Buffer",
    "ContentHeader",
    "read_method",
    "method_payload",
    "read_content_header",
    "content_header_payload",
    "decode_method",
    "decode_content_header",
]

Buffer = bytes | bytearray | memoryview

_IDS = struct.Struct(">HH")
_HEADER = struct.Struct(">HHQH")
_LONG = struct.Struct(">I")
_TIMESTAMP = struct.Struct(">Q")
#: Flag-word bits no property uses: bit 1 (spare) and bit 0 (continuation), §4.2.6.1.
_RESERVED_FLAGS = 0x0003


class ContentHeader(NamedTuple):
    """A content-header frame's payload (AMQP 0-9-1 §4.2.6.1)."""

    class_id: int
    weight: int
    body_size: int
    properties: BasicProperties


# -- plans ---------------------------------------------------------------------------------

# Step kinds of a plan.  FIXED: a run of integer arguments and bit octets read or written
# with one struct; the step's ``bits`` holds, per struct item, 0 for an integer or the
# number of bits packed in that octet.
_FIXED, _SHORTSTR, _LONGSTR, _TABLE = range(4)


class Step(NamedTuple):
    """One step of a method's read/write plan."""

    kind: int
    codec: struct.Struct | None  # FIXED only
    bits: tuple[int, ...] | None  # FIXED only; None when the run holds no bits
    names: tuple[str, ...]  # the arguments this step reads, in order
    offsets: tuple[int, ...] = ()  # FIXED only: each struct item's offset in the run


class Plan(NamedTuple):
    """How to read and write one method class's arguments."""

    cls: type[Method]
    steps: tuple[Step, ...]


def _fixed_step(run: list[list[Field]]) -> Step:
    letters = "".join("B" if item[0].type == "bit" else INTEGER_FORMATS[item[0].type] for item in run)
    bits = tuple(len(item) if item[0].type == "bit" else 0 for item in run)
    names = tuple(field.name for item in run for field in item)
    offsets = tuple(struct.calcsize(">" + letters[:index]) for index in range(len(letters)))
    return Step(_FIXED, struct.Struct(">" + letters), bits if any(bits) else None, names, offsets)


_VARIABLE = {"shortstr": _SHORTSTR, "longstr": _LONGSTR, "table": _TABLE}


def _plan(cls: type[Method]) -> Plan:
    """Group ``cls.FIELDS``: consecutive integers and bits into FIXED steps (§4.2.5.2)."""
    steps: list[Step] = []
    run: list[list[Field]] = []  # each item: one integer, or the bits of one octet
    for field in cls.FIELDS:
        if field.type in _VARIABLE:
            if run:
                steps.append(_fixed_step(run))
                run = []
            steps.append(Step(_VARIABLE[field.type], None, None, (field.name,)))
        elif field.type == "bit":
            if run and run[-1][0].type == "bit" and len(run[-1]) < 8:
                run[-1].append(field)
            else:
                run.append([field])
        else:
            run.append([field])
    if run:
        steps.append(_fixed_step(run))
    return Plan(cls, tuple(steps))


_PLANS: dict[int, Plan] = {
    (class_id << 16) | method_id: _plan(cls) for (class_id, method_id), cls in METHODS.items()
}
#: What the compiled method codec is handed (``_seam.MethodPlans091``).
METHOD_PLANS = method_plans(METHODS.values())


# -- errors --------------------------------------------------------------------------------


def _error(
    message: str, offset: int, class_id: int | None = None, method_id: int | None = None
) -> DecodeError:
    error = DecodeError(message, offset=offset)
    return _tag(error, class_id, method_id)


def _tag(error: DecodeError, class_id: int | None, method_id: int | None) -> DecodeError:
    if error.reply_code is None:
        error.reply_code = ReplyCode.FRAME_ERROR
    if error.class_id is None and class_id is not None:
        error.class_id = class_id
    if error.method_id is None and method_id is not None:
        error.method_id = method_id
    return error


def _table(data: Buffer, pos: int, end: int, limits: Limits) -> TableRead:
    """A table inside a complete payload: running past ``end`` is a plain DecodeError."""
    try:
        return current().table091.read_table(data, pos, end, limits)
    except IncompleteError as error:
        raise DecodeError(
            f"field table runs past the end of the payload: {error.args[0] if error.args else ''}",
            offset=error.offset,
        ) from None


# -- method payloads -----------------------------------------------------------------------


def read_method(data: Buffer, start: int, end: int, limits: Limits) -> Method:
    """Decode the method payload ``data[start:end]`` (class id, method id, arguments; §4.2.4)."""
    compiled = current().compiled
    if compiled is not None:
        found: Method | None = compiled.read_method091(data, start, end, limits, METHOD_PLANS)
        if found is not None:
            return found
    return _read_method(data, start, end, limits)


def _read_method(data: Buffer, start: int, end: int, limits: Limits) -> Method:
    if end - start < 4:
        raise _error("method payload shorter than its class and method ids", start)
    class_id, method_id = _IDS.unpack_from(data, start)
    plan = _PLANS.get((class_id << 16) | method_id)
    if plan is None:
        known = any(key >> 16 == class_id for key in _PLANS)
        what = f"method id {method_id} of class {class_id}" if known else f"class id {class_id}"
        raise _error(f"unknown {what}", start + 2 if known else start, class_id, method_id)
    try:
        values, pos = _read_arguments(plan.steps, data, start + 4, end, limits)
    except DecodeError as error:
        raise _tag(error, class_id, method_id) from None
    if pos != end:
        raise _error(
            f"{end - pos} bytes after the last argument of {plan.cls.NAME}", pos, class_id, method_id
        )
    return plan.cls._unchecked(values)


def _read_arguments(
    steps: tuple[Step, ...], data: Buffer, pos: int, end: int, limits: Limits
) -> tuple[list[Any], int]:
    values: list[Any] = []
    for kind, codec, bits, _names, offsets in steps:
        if kind == _SHORTSTR:
            value, pos = _read_shortstr(data, pos, end)
            values.append(value)
        elif kind == _FIXED:
            assert codec is not None
            if pos + codec.size > end:
                raise DecodeError("method arguments run past the end of the payload", offset=pos)
            items = codec.unpack_from(data, pos)
            if bits is None:
                values.extend(items)
            else:
                _expand_bits(items, bits, offsets, pos, values)
            pos += codec.size
        elif kind == _LONGSTR:
            raw, pos = _read_longstr(data, pos, end)
            values.append(raw)
        else:
            table, pos = _table(data, pos, end, limits)
            values.append(table)
    return values, pos


def _expand_bits(
    items: tuple[int, ...], bits: tuple[int, ...], offsets: tuple[int, ...], pos: int, values: list[Any]
) -> None:
    """Append the integers, and each bit octet's bits least-significant first (§4.2.5.2)."""
    for item, count, offset in zip(items, bits, offsets):
        if not count:
            values.append(item)
        elif item >> count:
            raise DecodeError(f"spare bits set in a bit octet (0x{item:02x})", offset=pos + offset)
        else:
            values.extend([bool(item >> index & 1) for index in range(count)])


def _read_shortstr(data: Buffer, pos: int, end: int) -> tuple[str, int]:
    if pos >= end:
        raise DecodeError("shortstr runs past the end of the payload", offset=pos)
    stop = pos + 1 + data[pos]
    if stop > end:
        raise DecodeError(f"shortstr of {data[pos]} bytes runs past the end of the payload", offset=pos)
    try:
        return str(data[pos + 1 : stop], "utf-8"), stop
    except UnicodeDecodeError as error:
        raise DecodeError(f"shortstr is not UTF-8: {error.reason}", offset=pos + 1 + error.start) from None


def _read_longstr(data: Buffer, pos: int, end: int) -> tuple[bytes, int]:
    if pos + 4 > end:
        raise DecodeError("longstr size runs past the end of the payload", offset=pos)
    (size,) = _LONG.unpack_from(data, pos)
    stop = pos + 4 + size
    if stop > end:
        raise DecodeError(f"longstr of {size} bytes runs past the end of the payload", offset=pos)
    return bytes(data[pos + 4 : stop]), stop


def method_payload(method: Method) -> bytes:
    """Encode ``method`` as a method frame's payload (§4.2.4)."""
    compiled = current().compiled
    if compiled is not None:
        found = compiled.method_payload091(method, METHOD_PLANS)
        if found is not None:
            return found
    return _method_payload(method)


def _method_payload(method: Method) -> bytes:
    cls = type(method)
    plan = _PLANS.get((cls.CLASS_ID << 16) | cls.METHOD_ID) if isinstance(method, Method) else None
    if plan is None or plan.cls is not cls:
        raise EncodeError(f"not an AMQP 0-9-1 method: {cls.__name__}")
    out = bytearray(_IDS.pack(cls.CLASS_ID, cls.METHOD_ID))
    for kind, codec, bits, names, _offsets in plan.steps:
        if kind == _SHORTSTR:
            encoded = getattr(method, names[0]).encode("utf-8")
            out.append(len(encoded))
            out += encoded
        elif kind == _FIXED:
            assert codec is not None
            values = [getattr(method, name) for name in names]
            out += codec.pack(*(values if bits is None else _pack_bits(values, bits)))
        elif kind == _LONGSTR:
            raw: bytes = getattr(method, names[0])
            out += _LONG.pack(len(raw))
            out += raw
        else:
            current().table091.write_table(
                out, getattr(method, names[0]), DEFAULT_LIMITS, f"{cls.NAME}.{names[0]}"
            )
    return bytes(out)


def _pack_bits(values: list[Any], bits: tuple[int, ...]) -> list[int]:
    """Integers as they are; each bit group folded into an octet, least-significant first."""
    items: list[int] = []
    index = 0
    for count in bits:
        if count:
            octet = 0
            for shift in range(count):
                if values[index + shift]:
                    octet |= 1 << shift
            items.append(octet)
            index += count
        else:
            items.append(values[index])
            index += 1
    return items


# -- content-header payloads ---------------------------------------------------------------

_PROPERTY_READERS: tuple[tuple[int, str], ...] = tuple(
    (1 << prop.flag_bit, prop.type) for prop in BASIC_PROPERTIES
)
_NO_PROPERTIES: tuple[None, ...] = (None,) * len(BASIC_PROPERTIES)
# Unchecked: the constructor's compiled check reads HEADER_PLAN, which is not built yet.
_EMPTY_PROPERTIES = BasicProperties._unchecked(_NO_PROPERTIES)
#: What the compiled content-header codec is handed (``_seam.HeaderPlan091``).
HEADER_PLAN = header_plan(ContentHeader, BasicProperties, BASIC_PROPERTIES, _RESERVED_FLAGS, Timestamp)


def read_content_header(data: Buffer, start: int, end: int, limits: Limits) -> ContentHeader:
    """Decode the content-header payload ``data[start:end]`` (§4.2.6.1)."""
    compiled = current().compiled
    if compiled is not None:
        found: ContentHeader | None = compiled.read_content_header091(data, start, end, limits, HEADER_PLAN)
        if found is not None:
            return found
    return _read_content_header(data, start, end, limits)


def _read_content_header(data: Buffer, start: int, end: int, limits: Limits) -> ContentHeader:
    if end - start < _HEADER.size:
        raise _error("content header shorter than its 14 fixed bytes", start)
    class_id, weight, body_size, flags = _HEADER.unpack_from(data, start)
    if flags & _RESERVED_FLAGS:
        raise _error(
            f"content header flags 0x{flags:04x} set bit 1 or the continuation bit 0 (RabbitMQ reads one flag word)",
            start + 12,
            class_id,
        )
    pos = start + _HEADER.size
    if flags:
        try:
            properties, pos = _read_properties(data, pos, end, flags, limits)
        except DecodeError as error:
            raise _tag(error, class_id, None) from None
    else:
        properties = _EMPTY_PROPERTIES
    if pos != end:
        raise _error(f"{end - pos} bytes after the last property", pos, class_id)
    return ContentHeader(class_id, weight, body_size, properties)


def _read_properties(
    data: Buffer, pos: int, end: int, flags: int, limits: Limits
) -> tuple[BasicProperties, int]:
    values: list[Any] = list(_NO_PROPERTIES)
    for index, (mask, kind) in enumerate(_PROPERTY_READERS):
        if not flags & mask:
            continue
        if kind == "shortstr":
            values[index], pos = _read_property_shortstr(data, pos, end)
        elif kind == "octet":
            if pos >= end:
                raise DecodeError("octet property runs past the end of the payload", offset=pos)
            values[index] = data[pos]
            pos += 1
        elif kind == "timestamp":
            if pos + 8 > end:
                raise DecodeError("timestamp property runs past the end of the payload", offset=pos)
            values[index] = Timestamp(_TIMESTAMP.unpack_from(data, pos)[0])
            pos += 8
        else:
            values[index], pos = _table(data, pos, end, limits)
    return BasicProperties._unchecked(values), pos


def _read_property_shortstr(data: Buffer, pos: int, end: int) -> tuple[str | bytes, int]:
    """A property shortstr: text when UTF-8, else the bytes (RabbitMQ passes them through)."""
    if pos >= end:
        raise DecodeError("shortstr property runs past the end of the payload", offset=pos)
    stop = pos + 1 + data[pos]
    if stop > end:
        raise DecodeError(f"shortstr of {data[pos]} bytes runs past the end of the payload", offset=pos)
    raw = bytes(data[pos + 1 : stop])
    try:
        return raw.decode("utf-8"), stop
    except UnicodeDecodeError:
        return raw, stop


def content_header_payload(
    properties: BasicProperties | None, body_size: int, class_id: int = 60, weight: int = 0
) -> bytes:
    """Encode a content-header frame's payload (§4.2.6.1); ``None`` writes an empty flag word.

    The weight is 0 unless given (the spec requires 0; a header read from the wire with
    another weight is written back as it was); bits 1 and 0 of the flags stay clear.
    """
    compiled = current().compiled
    if compiled is not None:
        found = compiled.content_header_payload091(properties, body_size, class_id, weight, HEADER_PLAN)
        if found is not None:
            return found
    return _content_header_payload(properties, body_size, class_id, weight)


def _content_header_payload(
    properties: BasicProperties | None, body_size: int, class_id: int, weight: int
) -> bytes:
    _check_int(class_id, "short", "content_header.class_id")
    _check_int(body_size, "longlong", "content_header.body_size")
    if weight:
        _check_int(weight, "short", "content_header.weight")
    if properties is None:
        return _HEADER.pack(class_id, weight, body_size, 0)
    if not isinstance(properties, BasicProperties):
        raise EncodeError(
            f"expected BasicProperties, got {type(properties).__name__}", path="content_header.properties"
        )
    body = bytearray()
    flags = 0
    for (mask, kind), name, value in zip(_PROPERTY_READERS, BasicProperties._NAMES, properties.values()):
        if value is None:
            continue
        flags |= mask
        _write_property(body, kind, name, value)
    return _HEADER.pack(class_id, weight, body_size, flags) + body


def _write_property(out: bytearray, kind: str, name: str, value: Any) -> None:
    if kind == "shortstr":
        encoded = value.encode("utf-8") if isinstance(value, str) else value
        out.append(len(encoded))
        out += encoded
    elif kind == "octet":
        out.append(value)
    elif kind == "timestamp":
        out += _TIMESTAMP.pack(value)
    else:
        current().table091.write_table(out, value, DEFAULT_LIMITS, f"basic.properties.{name}")


def _check_int(value: object, kind: str, path: str) -> None:
    if type(value) is not int and (not isinstance(value, int) or isinstance(value, bool)):
        raise EncodeError(f"expected int ({kind}), got {type(value).__name__}", path=path)
    if not 0 <= value <= INTEGER_MAX[kind]:
        raise EncodeError(f"{value} is out of range for {kind}", path=path)


# -- public single-payload decoders --------------------------------------------------------


def decode_method(payload: Buffer, *, limits: Limits = DEFAULT_LIMITS) -> Method:
    """Decode one method frame's payload (all of ``payload``)."""
    return read_method(payload, 0, len(payload), limits)


def decode_content_header(payload: Buffer, *, limits: Limits = DEFAULT_LIMITS) -> ContentHeader:
    """Decode one content-header frame's payload (all of ``payload``)."""
    return read_content_header(payload, 0, len(payload), limits)
