"""Regression tests for what fuzzing and the hostile-input review found (README "Security").

Each test pins one finding with its reproducer, built by hand (never by our encoder).
A finding not yet fixed is pinned as a strict xfail whose reason names the bug (none
today).  Work is counted (comparisons, traced lines, traced
memory), never timed.

- Keys that share a hash (Part 1 §1.6.23 maps): ``uuid`` keys whose integers agree
  modulo ``sys.hash_info.modulus`` (2**61-1), ``decimal128`` keys likewise, and
  described keys wrapping them, nested up to ``max_depth``, made building the dict
  quadratic, with a cost per comparison that grows with the nesting.  Fixed: at most
  ``MAX_KEYS_PER_HASH`` keys of a map may share a hash.
- Zero-width array elements (§1.6.24, constructors 0x40-0x45): ``max_container_items``
  bounded each array, not their sum, so a few dozen bytes made millions of items.
  Fixed: one budget of ``max_container_items`` such elements per decode.
  (More on both fixes: ``test_hostile_decode_budgets.py``.)
- ``TransferAssembler`` (Part 2 §2.7.5-2.7.8): every detach or end walked every partial
  delivery, and ``max_message_size`` bounded each delivery, not their sum.  Fixed:
  partial deliveries indexed by channel and handle; their sum bounded too, each
  counting ``PARTIAL_DELIVERY_OVERHEAD`` besides its payload (a partial delivery without
  payload was free, so their number was unbounded).

Other findings live with their topic: ``test_hostile_encode.py`` (an encode that never
ends on shared structure; hook chains losing the path).
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
    Accepted,
    Decimal128,
    Described,
    Detach,
    End,
    Limits,
    Modified,
    Symbol,
    Transfer,
    UInt,
)
from amqpcodec._backend import Backend
from amqpcodec.errors import AMQPCodecError, LimitExceededError
from amqpcodec.frames import PARTIAL_DELIVERY_OVERHEAD, Frame, TransferAssembler
from amqpcodec.frames import assembler as frames_module
from amqpcodec.limits import MAX_KEYS_PER_HASH
from amqpcodec.testing import same_value
from tests.helpers.tracing import lines_run

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
    assert same_value(decoded, any_backend.decode_prefix(colliding_map(kind, MAX_KEYS_PER_HASH), 0, DEFAULT_LIMITS)[0])
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


# --------------------------------------------------------------------------- the transfer assembler


def _partial_deliveries(assembler: TransferAssembler, count: int) -> None:
    for handle in range(count):
        transfer = Transfer(handle=handle, delivery_id=handle, delivery_tag=b"t", more=True)
        assembler.feed(Frame(handle, 0, 0, b"", transfer, b"x"))


PARTIALS = 300


@pytest.mark.parametrize("performative", [Detach(handle=UInt(0)), End()], ids=["detach", "end"])
def test_detach_and_end_cost_does_not_grow_with_partial_deliveries(performative: Any) -> None:
    """Each detach or end of an unrelated link or channel costs the same however many
    deliveries are partial (counted in lines of frames/assembler.py run; the assembler is pure Python)."""
    assembler = TransferAssembler()
    _partial_deliveries(assembler, PARTIALS)
    frame = Frame(0, 0, 1, b"", performative, b"")
    lines = lines_run(frames_module.__file__, lambda: [assembler.feed(frame) for _ in range(PARTIALS)])
    assert lines <= 100 * PARTIALS


def test_interleaved_endless_deliveries_are_bounded() -> None:
    """Eight links sending ``more=True`` frames of 64 KiB forever, interleaved: the
    assembler holds no more than max_message_size (1 MiB here) in all partial
    deliveries together before it raises LimitExceededError (TransferAssembler)."""
    limits = Limits(max_message_size=1 << 20)
    assembler = TransferAssembler(limits=limits)
    size, links, fed = 1 << 16, 8, 0
    with pytest.raises(LimitExceededError, match="held in 8 partial deliveries"):
        while fed < 8 * links * limits.max_message_size:
            for handle in range(links):
                fields = {"delivery_id": handle, "delivery_tag": b"t"} if fed < links * size else {}
                transfer = Transfer(handle=handle, more=True, **fields)
                assembler.feed(Frame(fed, 0, 0, b"", transfer, bytes(size)))
                fed += size
    assert fed <= limits.max_message_size


def test_partial_deliveries_without_payload_are_bounded() -> None:
    """A first transfer with ``more=True`` and no payload cost no counted bytes but about
    half a KiB of objects, and a peer may open one on every handle (2**32 per channel, 2**16
    channels): ever new handles grew memory without bound.  Each partial delivery now counts
    PARTIAL_DELIVERY_OVERHEAD: LimitExceededError comes after at most max_message_size //
    PARTIAL_DELIVERY_OVERHEAD of them, and the traced peak stays within max_message_size."""
    limits = Limits(max_message_size=1 << 20)
    most = limits.max_message_size // PARTIAL_DELIVERY_OVERHEAD
    assembler = TransferAssembler(limits=limits)
    opened = 0
    tracemalloc.start()
    try:
        with pytest.raises(LimitExceededError) as caught:
            while opened < 64 * most:  # ever new handles, the first 64 on new channels too
                transfer = Transfer(handle=UInt(opened), delivery_id=UInt(opened), delivery_tag=b"t", more=True)
                assembler.feed(Frame(opened, 0, opened % 64, b"", transfer, b""))
                opened += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert opened <= most and caught.value.limit == "max_message_size"
    assert f"held in {opened + 1} partial deliveries" in str(caught.value)
    assert peak <= limits.max_message_size


@pytest.mark.parametrize("field", ["state", "delivery_tag"])
def test_partial_deliveries_with_large_fields_are_bounded(field: str) -> None:
    """A first transfer's ``state`` (a modified outcome with 300 annotations here, some
    60 KiB of objects from 7 KiB of wire) or an over-long delivery-tag (§2.8.7 allows 32
    octets; 16 KiB here) is held with its partial delivery, and only the overhead was
    counted: 1024 such deliveries fit in 1 MiB and held 58 or 16.5 MiB.  What they hold
    now counts too, so the traced peak stays within max_message_size."""
    limits = Limits(max_message_size=1 << 20)
    assembler = TransferAssembler(limits=limits)
    opened, refused, annotations = 0, None, None
    tracemalloc.start()
    try:
        while opened < 4096:  # ever new handles
            if field == "state":
                annotations = {Symbol(f"x-opt-{opened}-{n}"): f"{opened} {n}" for n in range(300)}
                fields: dict[str, Any] = {"delivery_tag": b"t", "state": Modified(message_annotations=annotations)}
            else:
                fields = {"delivery_tag": opened.to_bytes(4, "big") * 4096}
            transfer = Transfer(handle=UInt(opened), delivery_id=UInt(opened), more=True, **fields)
            try:
                assembler.feed(Frame(opened, 0, 0, b"", transfer, b""))
            except LimitExceededError as error:
                refused = error
                break
            opened += 1
        # The refused frame's objects are the caller's: what the assembler holds is within
        # the limit, and the peak exceeds it by at most that one frame.
        frame_objects = frames_module._held_size(transfer)
        del transfer, fields, annotations
        assert refused is not None
        refused.__traceback__ = None  # its frames hold the refused transfer
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.limit == "max_message_size" and opened < 100
    assert f"held in {opened + 1} partial deliveries" in str(refused)
    assert held <= limits.max_message_size
    assert peak <= limits.max_message_size + frame_objects


def test_replaced_states_are_not_held() -> None:
    """A continuation's state replaces the delivery's, and the sum counts the new one
    only; the partial delivery kept its first transfer, and with it the first state:
    937 partial deliveries whose 300-annotation state was replaced by ``accepted`` held
    55.6 MB under a 1 MiB limit.  Now it keeps only the first transfer's fields."""
    limits = Limits(max_message_size=1 << 20)
    assembler = TransferAssembler(limits=limits)
    opened, refused = 0, None
    tracemalloc.start()
    try:
        while opened < 2048:
            annotations = {Symbol(f"x-opt-{opened}-{n}"): f"{opened} {n}" for n in range(300)}
            first = Transfer(
                handle=UInt(opened),
                delivery_id=UInt(opened),
                delivery_tag=b"t",
                more=True,
                state=Modified(message_annotations=annotations),
            )
            try:
                assembler.feed(Frame(2 * opened, 0, 0, b"", first, b""))
                replace = Transfer(handle=UInt(opened), more=True, state=Accepted())
                assembler.feed(Frame(2 * opened + 1, 0, 0, b"", replace, b""))
            except LimitExceededError as error:
                refused = error
                break
            opened += 1
        del first, annotations
        assert refused is not None
        refused.__traceback__ = None  # its frames hold the refused transfer
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert refused.limit == "max_message_size" and opened > 900  # each counts 1 KiB and an accepted
    assert held <= limits.max_message_size


def test_refused_deliveries_on_new_handles_are_bounded() -> None:
    """With the partial deliveries at their bound, every new delivery is refused and its
    remaining frames dropped by (channel, handle); a peer opening deliveries on ever new
    handles grew that index without bound (20,000 refusals: 2.7 MB).  At most
    max_message_size // DROPPED_DELIVERY_OVERHEAD are remembered now."""
    limits = Limits(max_message_size=1 << 16)
    assembler = TransferAssembler(limits=limits)
    full = limits.max_message_size // PARTIAL_DELIVERY_OVERHEAD
    for handle in range(full):
        transfer = Transfer(handle=UInt(handle), delivery_id=UInt(handle), delivery_tag=b"t", more=True)
        assert assembler.feed(Frame(handle, 0, 0, b"", transfer, b"")) is None
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        refused = 0
        for handle in range(full, full + 20_000):
            transfer = Transfer(handle=UInt(handle), delivery_id=UInt(handle), delivery_tag=b"t", more=True)
            try:
                assembler.feed(Frame(handle, 0, handle % 64, b"", transfer, b""))
            except LimitExceededError as error:
                error.__traceback__ = None
                refused += 1
        del transfer
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert refused == 20_000
    assert assembler._budget.dropped == limits.max_message_size // frames_module.DROPPED_DELIVERY_OVERHEAD
    assert grown <= limits.max_message_size


def test_colliding_decimal_keys_are_distinct_values() -> None:
    """The decimal128 reproducer really is a set of distinct decimals sharing one hash."""
    values = [Decimal(12345 + k * MODULUS) for k in range(4)]
    assert len(set(values)) == 4 and len({hash(v) for v in values}) == 1
