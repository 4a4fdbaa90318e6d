"""Regression tests for what fuzzing found in the value decoder (the security page).

Each test pins one finding with its reproducer, built by hand (never by our encoder).
A finding not yet fixed is pinned as a strict xfail whose reason names the bug (none
today).  Work is counted (comparisons, traced memory), never timed.

- Keys that share a hash (Part 1 §1.6.23 maps): ``uuid`` keys whose integers agree
  modulo ``sys.hash_info.modulus`` (2**61-1), ``decimal128`` keys likewise, and
  described keys wrapping them, nested up to ``max_depth``, made building the dict
  quadratic, with a cost per comparison that grows with the nesting.  Fixed: at most
  ``MAX_KEYS_PER_HASH`` keys of a map may share a hash.
- Zero-width array elements (§1.6.24, constructors 0x40-0x45): ``max_container_items``
  bounded each array, not their sum, so a few dozen bytes made millions of items.
  Fixed: one budget of ``max_container_items`` such elements per decode.
  (More on both fixes: ``test_decode_budgets.py``.)

Other findings live with their topic: ``test_encode_bounds.py`` (an encode that never
ends on shared structure; hook chains losing the path) and, for the transfer assembler,
``tests/frames/test_assembler_regressions.py``.
"""

from __future__ import annotations

import contextlib
import struct
import sys
import tracemalloc
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from amqpcodec import (
    DEFAULT_LIMITS,
    Decimal128,
    Described,
    Limits,
)
from amqpcodec._backend import Backend
from amqpcodec.errors import AMQPCodecError, LimitExceededError
from amqpcodec.limits import MAX_KEYS_PER_HASH
from amqpcodec.testing import same_value

MODULUS = sys.hash_info.modulus
_MAP32 = struct.Struct(">BII")


def map32(entries: list[bytes]) -> bytes:
    body = b"".join(entries)
    return _MAP32.pack(0xD1, len(body) + 4, 2 * len(entries)) + body


def _uuid(k: int) -> bytes:
    return b"\x98" + (12345 + k * MODULUS).to_bytes(16, "big")


def _decimal128(k: int) -> bytes:
    """Coefficient 12345 + k*modulus, exponent 0 (BID: biased exponent 6176 in bits 126-113)."""
    return b"\x94" + ((6176 << 113) | (12345 + k * MODULUS)).to_bytes(16, "big")


def _described(k: int) -> bytes:
    """A uuid key inside described values (null descriptors) nested as deep as a map's key may."""
    return b"\x00\x40" * (DEFAULT_LIMITS.max_depth - 2) + _uuid(k)


#: Each kind of colliding key: its bytes, and the class whose ``__eq__`` the dict calls.
COLLIDING: dict[str, tuple[Callable[[int], bytes], type]] = {
    "uuid": (_uuid, uuid.UUID),
    "decimal128": (_decimal128, Decimal128),
    "described": (_described, Described),
}


def colliding_map(kind: str, entries: int) -> bytes:
    """A map32 of ``entries`` distinct keys of ``kind``, all with the same hash, to null."""
    key = COLLIDING[kind][0]
    return map32([key(k) + b"\x40" for k in range(entries)])


class _TooMuchWork(Exception):
    """Raised from a counting ``__eq__`` once the budget is spent (ends a quadratic run early)."""


def count_comparisons(monkeypatch: pytest.MonkeyPatch, cls: type, budget: int) -> list[int]:
    calls = [0]
    original = cls.__eq__

    def counting(self: Any, other: Any) -> Any:
        calls[0] += 1
        if calls[0] > budget:
            raise _TooMuchWork(f"over {budget} comparisons of {cls.__name__}")
        return original(self, other)

    monkeypatch.setattr(cls, "__eq__", counting)
    return calls


@pytest.mark.parametrize("kind", COLLIDING)
def test_keys_sharing_a_hash_decode(any_backend: Backend, kind: str) -> None:
    """The reproducer's keys do share a hash; MAX_KEYS_PER_HASH of them decode, one more
    is refused at that key's constructor."""
    for k in (0, 1):
        assert hash(any_backend.decode_prefix(COLLIDING[kind][0](k), 0, DEFAULT_LIMITS)[0]) == hash(
            any_backend.decode_prefix(COLLIDING[kind][0](2), 0, DEFAULT_LIMITS)[0]
        )
    decoded, _ = any_backend.decode_prefix(colliding_map(kind, MAX_KEYS_PER_HASH), 0, DEFAULT_LIMITS)
    assert len(decoded) == MAX_KEYS_PER_HASH
    assert same_value(
        decoded, any_backend.decode_prefix(colliding_map(kind, MAX_KEYS_PER_HASH), 0, DEFAULT_LIMITS)[0]
    )
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(colliding_map(kind, MAX_KEYS_PER_HASH + 1), 0, DEFAULT_LIMITS)
    entry = len(COLLIDING[kind][0](0)) + 1
    assert (caught.value.offset, caught.value.limit, caught.value.constructor) == (
        _MAP32.size + MAX_KEYS_PER_HASH * entry,
        "max_map_entries",
        0xD1,
    )
    assert f"MAX_KEYS_PER_HASH={MAX_KEYS_PER_HASH}" in str(caught.value)


@pytest.mark.parametrize("kind", COLLIDING)
def test_keys_sharing_a_hash_cost_linear_comparisons(
    any_backend: Backend, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the default max_map_entries, building the map compares keys O(N) times: the
    map is refused at its first key over MAX_KEYS_PER_HASH sharing a hash."""
    entries = DEFAULT_LIMITS.max_map_entries
    data = colliding_map(kind, entries)
    calls = count_comparisons(monkeypatch, COLLIDING[kind][1], budget=16 * entries)
    with contextlib.suppress(AMQPCodecError):
        any_backend.decode_prefix(data, 0, DEFAULT_LIMITS)
    assert calls[0] <= 16 * entries


# --------------------------------------------------------------------------- zero-width arrays


def zero_width_arrays(
    arrays: int, constructor: int = 0x40, count: int = DEFAULT_LIMITS.max_container_items
) -> bytes:
    """A list32 of ``arrays`` array32s, each of ``count`` zero-width elements: 10 bytes apiece."""
    array = _MAP32.pack(0xF0, 5, count) + bytes([constructor])
    return _MAP32.pack(0xD0, 4 + len(array) * arrays, arrays) + array * arrays


def _peak_bytes(action: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        with contextlib.suppress(AMQPCodecError):
            action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_one_zero_width_array_at_max_container_items(any_backend: Backend) -> None:
    """The documented decision: an array of zero-width elements is bounded by
    max_container_items alone (8 MiB of item pointers from 10 bytes)."""
    (array,), _ = any_backend.decode_prefix(zero_width_arrays(1), 0, DEFAULT_LIMITS)
    assert len(array.items) == DEFAULT_LIMITS.max_container_items
    with pytest.raises(LimitExceededError):
        any_backend.decode_prefix(
            zero_width_arrays(1, count=DEFAULT_LIMITS.max_container_items + 1), 0, DEFAULT_LIMITS
        )


def test_many_zero_width_arrays_stay_bounded(any_backend: Backend) -> None:
    """Four such arrays (49 bytes) may not cost four times one array's memory: their
    elements share one budget of max_container_items per decode."""
    limits = Limits(max_container_items=1 << 17)
    wire = [zero_width_arrays(n, count=limits.max_container_items) for n in (1, 4)]
    one, four = (_peak_bytes(lambda data=data: any_backend.decode_prefix(data, 0, limits)) for data in wire)
    assert four < 2 * one


def test_colliding_decimal_keys_are_distinct_values() -> None:
    """The decimal128 reproducer really is a set of distinct decimals sharing one hash."""
    values = [Decimal(12345 + k * MODULUS) for k in range(4)]
    assert len(set(values)) == 4 and len({hash(v) for v in values}) == 1
