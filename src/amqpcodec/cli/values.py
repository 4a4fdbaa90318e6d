"""``amqpcodec decode --values``: a sequence of AMQP 1.0 values (Part 1), one after another.

Each value at ``@offset``, as a tree of AMQP type names in the frame view's style
(:func:`~amqpcodec.cli.text_values.tree`, the form a message's sections take: ``boolean
true``, strings quoted, binaries in hex, timestamps in ISO 8601), then ``N values, M
bytes, E errors`` (singular for one); decoding stops at the first error.  Strings are
read as the rest of the CLI reads them (``events.UNICODE_ERRORS``): one that is not
UTF-8 is shown as the other views show it (``text_values.string_text``: its bad bytes as
``\\xNN``, flagged ``(not UTF-8)``), not as an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from .. import decode_prefix
from ..errors import AMQPCodecError
from .encodings import trace
from .encodings_view import traced_tree
from .events import UNICODE_ERRORS
from .text_values import plural, tree

__all__ = ["render", "run_values", "is_value_sequence"]


def render(value: Any, indent: str = "", full: bool = False) -> Iterator[str]:
    """Lines showing ``value`` as a tree of AMQP-typed values (children indented by two)."""
    for line in tree(value, full):
        yield indent + line


def is_value_sequence(data: bytes) -> bool:
    """Whether ``data`` is one or more whole AMQP values and nothing else."""
    offset = 0
    try:
        while offset < len(data):
            offset = decode_prefix(data, offset, unicode_errors=UNICODE_ERRORS)[1]
    except AMQPCodecError:
        return False
    return offset > 0


def run_values(data: bytes, out: TextIO, *, full: bool, encodings: bool = False) -> int:
    """Print each value in ``data`` (``encodings``: with each part's encoding, as
    ``--encodings`` shows them); 1 if an error stopped decoding, else 0."""
    offset, count, errors = 0, 0, 0
    while offset < len(data):
        try:
            value, end = decode_prefix(data, offset, unicode_errors=UNICODE_ERRORS)
        except AMQPCodecError as error:
            print(f"@{offset}: error: {error}", file=out)
            errors += 1
            break
        lines = traced_tree(value, trace(data, offset), full) if encodings else tree(value, full)
        print(f"@{offset}: {lines[0]}", file=out)
        for line in lines[1:]:
            print(f"  {line}", file=out)
        offset, count = end, count + 1
    print(f"{plural(count, 'value')}, {plural(len(data), 'byte')}, {plural(errors, 'error')}", file=out)
    return 1 if errors else 0
