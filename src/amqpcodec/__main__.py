"""``amqpcodec`` / ``python -m amqpcodec``: show what AMQP bytes hold.

For now it decodes a sequence of AMQP 1.0 *values* (Part 1) from a binary file or hex
text and prints each with its AMQP type names; frames and messages come with the
frame and message layers.
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from . import decode_prefix
from .errors import AMQPCodecError
from .types import Array, Described

__all__ = ["main", "type_name", "render"]

_NAMES: dict[type, str] = {
    type(None): "null",
    bool: "boolean",
    int: "long",
    float: "double",
    Decimal: "decimal128",
    uuid.UUID: "uuid",
    bytes: "binary",
    str: "string",
    list: "list",
    dict: "map",
    Array: "array",
    Described: "described",
}


def type_name(value: Any) -> str:
    """The AMQP type name a decoded value stands for (``uint``, ``symbol``, ...)."""
    for cls in type(value).__mro__:
        name = getattr(cls, "TYPE_NAME", None) or _NAMES.get(cls)
        if name:
            return str(name)
    return type(value).__name__


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
    return repr(str(value)) if isinstance(value, str) else str(value)


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


_HEX_LINE = re.compile(r"^\s*(?:[0-9a-fA-F]+[:\s]\s*)?((?:[0-9a-fA-F]{2}\s?)+)")


def _read_hex(text: str) -> bytes:
    """Bytes from plain hex, or from ``xxd`` / ``hexdump -C`` lines (offset column and ASCII dropped)."""
    compact = "".join(text.split())
    if re.fullmatch(r"(?:[0-9a-fA-F]{2})*", compact):
        return bytes.fromhex(compact)
    data = bytearray()
    for line in text.splitlines():
        line = line.split("|")[0]
        parts = line.split()
        if (parts and parts[0].endswith(":")) or (parts and len(parts[0]) >= 6):
            parts = parts[1:]
        for part in parts:
            if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", part):
                data += bytes.fromhex(part)
            else:
                break
    return bytes(data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="amqpcodec", description="Show what AMQP 1.0 bytes hold.")
    commands = parser.add_subparsers(dest="command", required=True)
    decode = commands.add_parser("decode", help="decode a sequence of AMQP values from a file ('-' for stdin)")
    decode.add_argument("file")
    decode.add_argument("--hex", action="store_true", help="the input is hex text (also detected by a .hex suffix)")
    decode.add_argument("--full", action="store_true", help="do not truncate long binaries")
    args = parser.parse_args(argv)

    if args.file == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(args.file, "rb") as handle:
            raw = handle.read()
    data = _read_hex(raw.decode("ascii", "replace")) if args.hex or args.file.endswith(".hex") else raw

    offset, count, errors = 0, 0, 0
    while offset < len(data):
        try:
            value, end = decode_prefix(data, offset)
        except AMQPCodecError as error:
            print(f"@{offset}: error: {error}")
            errors += 1
            break
        lines = list(render(value, full=args.full))
        print(f"@{offset}: {lines[0]}")
        for line in lines[1:]:
            print(f"  {line}")
        offset, count = end, count + 1
    print(f"{count} values, {len(data)} bytes, {errors} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
