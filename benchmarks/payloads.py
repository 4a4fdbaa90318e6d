"""The exact payloads every benchmark and every codec uses.

Each payload exists as our typed value and, where a peer needs one, as the equivalent
plain structure (msgpack has no uuid, symbol or timestamp types: they become bytes,
str and int there).  The benchmarks issue adds the message and frame payloads.
"""

from __future__ import annotations

import uuid
from typing import Any

from amqpcodec.types import Int, Timestamp

__all__ = ["mixed_map_100", "mixed_map_100_plain"]


def _entry(i: int) -> tuple[str, Any]:
    """Entry ``i`` of the 100-entry map: a fixed cycle over ten kinds of value."""
    kind = i % 10
    key = f"key-{i:03d}"
    if kind == 0:
        return key, Int(i)
    if kind == 1:
        return key, 1099511627776 + i  # long
    if kind == 2:
        return key, i + 0.25  # double
    if kind == 3:
        return key, i % 4 == 3  # boolean
    if kind == 4:
        return key, f"value number {i}"  # string
    if kind == 5:
        return key, bytes(range(i % 32, i % 32 + 16))  # binary
    if kind == 6:
        return key, Timestamp(1700000000000 + i)
    if kind == 7:
        return key, uuid.UUID(int=0x0123456789ABCDEF0123456789ABCDEF + i)
    if kind == 8:
        return key, [1, 2, 3, 4, i]  # 5-int list (longs)
    return key, {"a": i, "b": "nested", "c": True}  # nested 3-entry map


def mixed_map_100() -> dict[str, Any]:
    """Payload 4's value: 100 string keys over a fixed mix of AMQP types."""
    return dict(_entry(i) for i in range(100))


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.bytes
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    return value


def mixed_map_100_plain() -> dict[str, Any]:
    """The same content as plain msgpack-able Python (uuid → 16 bytes, wrappers → int)."""
    return _plain(mixed_map_100())  # type: ignore[no-any-return]
