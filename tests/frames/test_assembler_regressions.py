"""Regression tests for what fuzzing found in the transfer assembler (the security page).

Each test pins one finding with its reproducer, built by hand.  Work is counted
(traced lines, traced memory), never timed.

- ``TransferAssembler`` (Part 2 §2.7.5-2.7.8): every detach or end walked every partial
  delivery, and ``max_message_size`` bounded each delivery, not their sum.  Fixed:
  partial deliveries indexed by channel and handle; their sum bounded too, each
  counting ``PARTIAL_DELIVERY_OVERHEAD`` besides its payload (a partial delivery without
  payload was free, so their number was unbounded).
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest

from amqpcodec import (
    Accepted,
    Detach,
    End,
    Limits,
    Modified,
    Symbol,
    Transfer,
    UInt,
)
from amqpcodec.errors import LimitExceededError
from amqpcodec.frames import PARTIAL_DELIVERY_OVERHEAD, Frame, TransferAssembler
from amqpcodec.frames import assembler as frames_module
from tests.helpers.tracing import lines_run

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
                transfer = Transfer(
                    handle=UInt(opened), delivery_id=UInt(opened), delivery_tag=b"t", more=True
                )
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
                fields: dict[str, Any] = {
                    "delivery_tag": b"t",
                    "state": Modified(message_annotations=annotations),
                }
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
