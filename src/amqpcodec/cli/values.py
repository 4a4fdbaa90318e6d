"""``amqpcodec decode --values``: a sequence of AMQP 1.0 values (Part 1), one after another.

The first command the package had, kept as it was: each value at ``@offset``, as a tree
of AMQP type names, then ``N values, M bytes, E errors``; decoding stops at the first
error.  Strings are read as the rest of the CLI reads them (``events.UNICODE_ERRORS``):
one that is not UTF-8 is shown as the other views show it (``text_values.string_text``:
its bad bytes as ``\\xNN``, flagged ``(not UTF-8)``), not as an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from .. import decode_prefix
from ..errors import AMQPCodecError
from ..types import Array, Described
from .events import UNICODE_ERRORS
from .text_values import not_utf8, string_text, type_name

__all__ = ["render", "run_values", "is_value_sequence"]


def _scalar(value: Any, full: bool) -> str:
    if isinstance(value, bytes):
        text = value.hex()
        if not full and len(value) > 32:
            text = f"{value[:32].hex()}... ({len(value)} bytes)"
        return text
    if type_name(value) == "timestamp":
        try:
            return f"{int(value)} ({value.to_datetime().isoformat()})"
        except OverflowError:
            return str(int(value))
    if isinstance(value, str):
        text = str.__str__(value)
        return string_text(text) if not_utf8(text) else repr(text)
    return str(value)


def render(value: Any, indent: str = "", full: bool = False) -> Iterator[str]:
    """Lines showing ``value`` as a tree of AMQP-typed values."""
    name = type_name(value)
    if isinstance(value, list):
        yield f"{indent}list ({len(value)} items)"
        for item in value:
            yield from render(item, indent + "  ", full)
    elif isinstance(value, dict):
        yield f"{indent}map ({len(value)} entries)"
        for key, item in value.items():
            key_lines = list(render(key, "", full))
            if len(key_lines) == 1:
                item_lines = list(render(item, "", full))
                if len(item_lines) == 1:
                    yield f"{indent}  {key_lines[0]}: {item_lines[0]}"
                    continue
            yield f"{indent}  key:"
            yield from render(key, indent + "    ", full)
            yield f"{indent}  value:"
            yield from render(item, indent + "    ", full)
    elif isinstance(value, Array):
        described = "" if value.descriptor is None else f" described by {value.descriptor!r}"
        yield f"{indent}array of {value.element_type}{described} ({len(value)} items)"
        for item in value.items:
            yield from render(item, indent + "  ", full)
    elif isinstance(value, Described):
        yield f"{indent}described {type_name(value.descriptor)} {_scalar(value.descriptor, full)}"
        yield from render(value.value, indent + "  ", full)
    else:
        yield f"{indent}{name} {_scalar(value, full)}".rstrip()


def is_value_sequence(data: bytes) -> bool:
    """Whether ``data`` is one or more whole AMQP values and nothing else."""
    offset = 0
    try:
        while offset < len(data):
            offset = decode_prefix(data, offset, unicode_errors=UNICODE_ERRORS)[1]
    except AMQPCodecError:
        return False
    return offset > 0


def run_values(data: bytes, out: TextIO, *, full: bool) -> int:
    """Print each value in ``data``; 1 if an error stopped decoding, else 0."""
    offset, count, errors = 0, 0, 0
    while offset < len(data):
        try:
            value, end = decode_prefix(data, offset, unicode_errors=UNICODE_ERRORS)
        except AMQPCodecError as error:
            print(f"@{offset}: error: {error}", file=out)
            errors += 1
            break
        lines = list(render(value, full=full))
        print(f"@{offset}: {lines[0]}", file=out)
        for line in lines[1:]:
            print(f"  {line}", file=out)
        offset, count = end, count + 1
    print(f"{count} values, {len(data)} bytes, {errors} errors", file=out)
    return 1 if errors else 0
