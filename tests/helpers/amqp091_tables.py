"""Building field-table bytes by hand in tests (AMQP 0-9-1 §4.2.5.5).

Only framing arithmetic lives here (a size in front of hand-written entries); every
value's bytes are written out literally by the tests that use it.
"""

from __future__ import annotations

import struct

__all__ = ["sized", "entry", "table", "nested_tables"]


def sized(content: bytes) -> bytes:
    """``content`` after its 4-byte big-endian size (a table's or an ``A``/``S``/``x`` value's)."""
    return struct.pack(">I", len(content)) + content


def entry(key: bytes, letter_and_value: bytes) -> bytes:
    """One table entry: the key as a short string, then the letter and the value bytes."""
    return bytes([len(key)]) + key + letter_and_value


def table(*entries: bytes) -> bytes:
    """A whole field table of ``entries``, its size first."""
    return sized(b"".join(entries))


def nested_tables(levels: int) -> bytes:
    """A table holding a table under key ``""``, ``levels`` tables in all."""
    wire = table()
    for _ in range(levels - 1):
        wire = table(entry(b"", b"F" + wire))
    return wire
