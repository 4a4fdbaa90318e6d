"""Assembling transfer frames into deliveries (OASIS AMQP 1.0 Part 2 §2.6.12-14, §2.7.5).

Strategy: :class:`TransferAssembler` keeps each partial delivery (a :class:`_Partial`:
what its first transfer set, and its payload chunks) indexed channel -> handle, so a
transfer or a detach costs O(1) however many deliveries are partial, and joins the
chunks once, when the last frame arrives.  What the partial deliveries hold is counted
by a :class:`_Budget` of its own: their payload, :data:`PARTIAL_DELIVERY_OVERHEAD` each
for their Python objects, what their ``state`` and long delivery-tags hold
(:func:`_held_size`, :func:`_extra_size`), and the refused deliveries it remembers
dropping.  ``feed`` runs one frame through named steps: a detach, end or close discards
(``_forget``); a transfer opens a delivery (``_first_frame``) or continues one
(``_continue``), is checked against ``max_message_size`` (``_check_limits``), and is
then taken (``_take``).  The assembler is pure Python on both backends.

Decisions where the contract is silent:

- The first transfer of a delivery must carry delivery-id and delivery-tag (§2.7.5),
  else ``DecodeError``; an absent message-format is 0; a continuation's delivery-id,
  delivery-tag or message-format differing from the first's is a ``DecodeError`` that
  also drops the partial delivery.  Decoded composites keep the types a peer sent, so
  the transfer fields the assembler reads (and a detach's handle) are checked: a wrong
  type is a ``DecodeError`` naming the field.
- ``max_message_size`` bounds each delivery's payload and all partial deliveries
  together, each counted as its payload plus ``PARTIAL_DELIVERY_OVERHEAD`` plus what
  its ``state`` and its delivery-tag's octets past 32 hold (unless it is the only one);
  after either is exceeded (``LimitExceededError``) the rest of that frame's delivery
  is dropped silently and the other deliveries are kept.  ``close`` discards every
  partial delivery, as ``end`` does its channel's and ``detach`` its link's.
"""

from __future__ import annotations

import copy
import dataclasses
import sys
import uuid
from typing import Any, Final

from .._composite import Composite
from ..errors import DecodeError, LimitExceededError
from ..limits import DEFAULT_LIMITS, Limits
from ..performatives import Close, Detach, End, Transfer
from ..types import Array, Described, UInt
from .records import Frame, _hex, _in_frame, _new_object, _Record

__all__ = [
    "AbortedDelivery",
    "DROPPED_DELIVERY_OVERHEAD",
    "Delivery",
    "PARTIAL_DELIVERY_OVERHEAD",
    "TransferAssembler",
]


# --------------------------------------------------------------------------- deliveries


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Delivery(_Record):
    """A whole delivery (§2.6.12) assembled from its transfer frames.

    ``settled`` is true if any of its frames set it; ``state`` is the last one sent;
    ``message_format`` is 0 when the first frame left it out.
    """

    channel: int
    handle: int
    delivery_id: int
    delivery_tag: bytes
    message_format: int
    settled: bool
    state: Any
    payload: bytes

    def __repr__(self) -> str:
        state = "" if self.state is None else f", state={self.state!r}"
        return (
            f"Delivery(channel={self.channel}, handle={self.handle!r}, delivery_id={self.delivery_id!r}, "
            f"delivery_tag={self.delivery_tag!r}, message_format={self.message_format!r}, "
            f"settled={self.settled}{state}, payload={_hex(self.payload)})"
        )


@dataclasses.dataclass(frozen=True, slots=True)
class AbortedDelivery(_Record):
    """A delivery its sender aborted (§2.7.5 ``aborted``); its payload is discarded."""

    channel: int
    handle: int
    delivery_id: int
    delivery_tag: bytes


class _Partial:
    """A delivery whose last frame has not come yet: what its first transfer set
    (not the transfer itself, so a replaced ``state`` is not kept through it)."""

    __slots__ = (
        "chunks",
        "delivery_id",
        "delivery_tag",
        "extra",
        "handle",
        "message_format",
        "settled",
        "size",
        "state",
    )

    def __init__(self, first: Transfer, delivery_id: int, delivery_tag: bytes) -> None:
        self.handle = first.handle
        self.delivery_id = delivery_id
        self.delivery_tag = delivery_tag
        self.message_format = first.message_format
        self.chunks: list[bytes] = []
        self.size = 0
        self.settled = bool(first.settled)
        self.state = first.state
        #: :func:`_extra_size` of the tag and the state, as counted in the assembler's sum
        #: (0 until the delivery is held: a one-frame delivery is never measured).
        self.extra = 0

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_partial, tuple(getattr(self, name) for name in _Partial.__slots__))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Partial) and self.__reduce__() == other.__reduce__()

    __hash__ = None  # type: ignore[assignment]


def _rebuild_partial(*values: Any) -> _Partial:
    partial: _Partial = _new_object(_Partial)
    for name, value in zip(_Partial.__slots__, values):
        setattr(partial, name, value)
    return partial


_ZERO = UInt(0)


# --------------------------------------------------------------------------- the memory budget


#: Bytes a :class:`TransferAssembler` counts for each partial delivery besides its payload
#: (Part 2 §2.7.5): the delivery's Python objects (its first ``Transfer`` and the fields
#: decoded into it, the ``_Partial``, its index entries).  Measured with tracemalloc
#: (CPython 3.11, both backends, frames read by ``FrameReader``): an empty partial
#: delivery held 438-472 bytes on a new handle of one channel, 605-635 on a new channel
#: each, 666-670 with a 32-octet delivery-tag (§2.8.7) on a new channel each; rounded up.
#: What a partial delivery's ``state`` holds, and its delivery-tag's octets beyond 32, are
#: counted on top (see :func:`_held_size`).
PARTIAL_DELIVERY_OVERHEAD: Final = 1024

#: Bytes a :class:`TransferAssembler` counts for each refused delivery whose remaining
#: frames it drops (a (channel, handle) pair in its index).  Measured with tracemalloc
#: (CPython 3.11): 137 bytes each on new handles of one channel, 309 on new channels
#: each; rounded up.
DROPPED_DELIVERY_OVERHEAD: Final = 512

#: Delivery-tag octets that :data:`PARTIAL_DELIVERY_OVERHEAD` already covers (§2.8.7
#: allows at most 32; longer ones are kept, and their excess counted).
_COVERED_TAG_OCTETS: Final = 32

_getsizeof = sys.getsizeof
_UUID = uuid.UUID


def _held_size(value: Any) -> int:
    """Bytes a decoded value holds in Python objects: ``sys.getsizeof`` of it and of every
    part (items, keys and values, fields, descriptors, a uuid's int), shared objects
    counted each time they occur; within allocator rounding (measured: at most 14 %)
    of what tracemalloc sees, or above it.  Iterative, so any nesting the decoder let
    through is fine; linear in the value's parts, which its decode already cost."""
    total = 0
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        total += _getsizeof(item)
        if isinstance(item, (list, tuple)):
            extend(item)
        elif isinstance(item, dict):
            extend(item.keys())
            extend(item.values())
        elif isinstance(item, Composite):
            extend([getattr(item, name) for name in item._NAMES])
        elif isinstance(item, Described):
            push(item.descriptor)
            push(item.value)
        elif isinstance(item, Array):
            push(item.descriptor)
            push(item.items)
        elif isinstance(item, _UUID):
            push(item.int)  # its 128-bit int is a separate object
    return total


def _extra_size(delivery_tag: bytes, state: Any) -> int:
    """What a partial delivery holds beyond its payload and :data:`PARTIAL_DELIVERY_OVERHEAD`:
    its delivery-tag's octets past 32 and its ``state``."""
    extra = max(0, len(delivery_tag) - _COVERED_TAG_OCTETS)
    return extra if state is None else extra + _held_size(state)


@dataclasses.dataclass(slots=True)
class _Budget:
    """What a :class:`TransferAssembler` holds, as it counts it (its docstring, "Memory"):
    its partial deliveries, their payload bytes and their ``_Partial.extra`` (bounded
    together by ``max_message_size``, with :data:`PARTIAL_DELIVERY_OVERHEAD` for each,
    whenever there are two or more), and how many refused deliveries it remembers
    dropping (at most ``max(1, max_message_size // DROPPED_DELIVERY_OVERHEAD)``)."""

    #: How many partial deliveries, their payload bytes and their ``_Partial.extra``.
    count: int = 0
    held: int = 0
    extra: int = 0
    #: How many (channel, handle) pairs are remembered as being dropped.
    dropped: int = 0

    def overdrawn(self, payload: int, extra: int, new: bool, limit: int) -> str | None:
        """Why holding ``payload`` more bytes and ``extra`` more (with one more partial
        delivery if ``new``) would take the sum over ``limit``, in the words of the error;
        None when it would not, or when that delivery would be the only partial one."""
        count = self.count + new
        payload_held = self.held + payload
        extra_held = self.extra + extra
        total = payload_held + extra_held + PARTIAL_DELIVERY_OVERHEAD * count
        if count <= 1 or total <= limit:
            return None
        fields = f", {extra_held} in states and long delivery-tags," if extra_held else ""
        return (
            f"would bring what is held in {count} partial "
            f"deliveries to {total} bytes ({payload_held} of payload{fields} and "
            f"{PARTIAL_DELIVERY_OVERHEAD} for each delivery), over max_message_size={limit} "
            f"(which bounds their sum as well as each delivery's payload)"
        )

    def charge(self, payload: int, extra: int, new: bool) -> None:
        """Count what a frame that leaves its delivery partial adds: ``payload`` bytes, the
        change ``extra`` in its ``_Partial.extra``, and the delivery itself if ``new``."""
        self.held += payload
        self.extra += extra
        self.count += new

    def release(self, partial: _Partial) -> None:
        """Stop counting ``partial`` (delivered, aborted, refused or discarded)."""
        self.count -= 1
        self.held -= partial.size
        self.extra -= partial.extra

    def start_dropping(self, limit: int) -> str:
        """Count one more refused delivery whose later frames are to be dropped, if the
        bound allows: then ``""``, else what the error adds (they will not be recognised)."""
        most = max(1, limit // DROPPED_DELIVERY_OVERHEAD)
        if self.dropped >= most:
            deliveries = "delivery is" if most == 1 else "deliveries are"
            return (
                f"; {most} refused {deliveries} already being dropped, the most remembered at once "
                f"(max(1, max_message_size // {DROPPED_DELIVERY_OVERHEAD})), so the rest of this "
                f"one is not recognised"
            )
        self.dropped += 1
        return ""

    def stop_dropping(self, count: int = 1) -> None:
        """Forget ``count`` refused deliveries (ended, or their link, channel or connection)."""
        self.dropped -= count

    def clear(self) -> None:
        """Nothing is held any more (``close``)."""
        self.count = self.held = self.extra = self.dropped = 0


# --------------------------------------------------------------------------- the assembler


#: The transfer fields the assembler reads, and the Python types their AMQP types decode to
#: (§2.7.5).  Decoded composites keep what the peer sent, so these are checked here.
_TRANSFER_FIELD_TYPES: tuple[tuple[str, type, str], ...] = (
    ("handle", int, "a uint"),
    ("delivery_id", int, "a uint"),
    ("delivery_tag", bytes, "a binary"),
    ("message_format", int, "a uint"),
    ("settled", bool, "a boolean"),
    ("more", bool, "a boolean"),
    ("aborted", bool, "a boolean"),
)


def _wrong_field(performative: Any, name: str, expected: str, frame: Frame) -> DecodeError:
    value = getattr(performative, name)
    spec = performative.SPEC.name
    return _in_frame(
        DecodeError(
            f"{spec}.{name} must be {expected}, not {type(value).__name__} {value!r}",
            offset=frame.offset,
            field=f"{spec}.{name}",
        ),
        frame.offset,
    )


def _check_transfer(transfer: Transfer, frame: Frame) -> None:
    for name, expected_type, expected in _TRANSFER_FIELD_TYPES:
        value = getattr(transfer, name)
        if value is not None and (
            not isinstance(value, expected_type) or (expected_type is int and isinstance(value, bool))
        ):
            raise _wrong_field(transfer, name, expected, frame)


class TransferAssembler:
    """Assembles transfer frames into deliveries (§2.6.12-14, §2.7.5), per (channel, handle).

    ``feed(frame)`` returns a :class:`Delivery` when a delivery's last frame arrives, an
    :class:`AbortedDelivery` when it is aborted, else ``None``.  Deliveries of several
    links and channels may interleave; a ``detach`` drops its link's partial delivery,
    an ``end`` its channel's, a ``close`` all.  Not thread-safe.

    Memory (Part 2 §2.7.5 transfer, §2.6.14 ``more``): a delivery is held until its frame
    with ``more`` false, and a peer may keep a partial delivery on every handle of every
    channel at once, so ``limits.max_message_size`` bounds both each delivery's payload
    and what all partial deliveries hold together, each counted as its payload plus
    :data:`PARTIAL_DELIVERY_OVERHEAD` bytes for its Python objects (so a delivery without
    payload is not free) plus what its ``state`` holds and its delivery-tag's octets past
    the 32 of §2.8.7 (so neither can hide memory in a field).  The sum is checked only
    when a frame would leave more than one delivery partial: a lone partial delivery is
    bounded by its payload alone, so one delivery of ``max_message_size`` bytes
    assembles however it is split.  The frame that
    would take either over raises :class:`~amqpcodec.errors.LimitExceededError`
    (``limit="max_message_size"``; the message gives the bytes and, for the sum, the
    number of partial deliveries and their payload).  After it, that frame's delivery
    is discarded (its bytes released and, if the frame had ``more``, its remaining frames
    dropped silently up to its last or aborted frame, or a detach, end or close); every
    other partial delivery is kept, and the error is not fatal to the assembler.  A
    delivery's last frame counts against the per-delivery bound only, since it takes the
    delivery out.  So between frames, what the assembler holds, counted so, is at most
    ``max_message_size`` (one overhead more while a single delivery is partial): at most
    ``max_message_size // PARTIAL_DELIVERY_OVERHEAD`` partial deliveries when there are
    several.  While joining a delivery it holds at most twice that.

    Deliveries being dropped are remembered by (channel, handle) alone, at most
    ``max(1, max_message_size // DROPPED_DELIVERY_OVERHEAD)`` of them at once: a budget
    of its own, so with it the assembler holds about twice ``max_message_size`` at most
    (that many bytes, counted so, of each).  A refused
    delivery beyond that is not remembered (the error says so): its later frames are
    then taken as they come, a DecodeError for a continuation without delivery-id, or a
    new delivery for one that repeats it.  Only a peer that leaves that many refused
    deliveries unfinished meets this.

    Cost: partial deliveries are indexed channel -> handle, so a transfer or a detach
    costs O(1) and an ``end`` or ``close`` O(1) plus the deliveries it discards,
    however many other deliveries are partial.
    """

    __slots__ = ("_budget", "_dropping", "_partial", "limits")

    def __init__(self, *, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        #: channel -> handle -> partial delivery; a channel with none has no entry.
        self._partial: dict[int, dict[int, _Partial]] = {}
        #: channel -> handles whose current delivery broke a limit and is being dropped.
        self._dropping: dict[int, set[int]] = {}
        #: What the two indexes above hold, as counted against ``limits.max_message_size``.
        self._budget = _Budget()

    def __repr__(self) -> str:
        partial = sorted((channel, handle) for channel, links in self._partial.items() for handle in links)
        dropping = sorted((channel, handle) for channel, links in self._dropping.items() for handle in links)
        return f"<TransferAssembler partial={partial} dropping={dropping}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TransferAssembler):
            return NotImplemented
        return (self.limits, self._partial, self._dropping, self._budget) == (
            other.limits,
            other._partial,
            other._dropping,
            other._budget,
        )

    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> TransferAssembler:
        """An independent assembler in the same state (as ``copy.deepcopy`` makes): a
        shallow copy would share the partial deliveries with this one, and feeding
        either would then corrupt the other's counts."""
        return copy.deepcopy(self)

    def _release(self, channel: int, handle: int) -> None:
        """Forget the partial delivery of (channel, handle), if any."""
        links = self._partial.get(channel)
        if links is not None:
            partial = links.pop(handle, None)
            if partial is not None:
                self._budget.release(partial)
                if not links:
                    del self._partial[channel]

    def _stop_dropping(self, channel: int, handle: int) -> None:
        handles = self._dropping.get(channel)
        if handles is not None and handle in handles:
            handles.remove(handle)
            self._budget.stop_dropping()
            if not handles:
                del self._dropping[channel]

    def _drop(self, channel: int, handle: int) -> str:
        """Remember to drop the rest of the refused delivery on (channel, handle), if the
        bound on such deliveries allows; else say so (for the error message)."""
        refusal = self._budget.start_dropping(self.limits.max_message_size)
        if not refusal:
            self._dropping.setdefault(channel, set()).add(handle)
        return refusal

    def _over(self, message: str, frame: Frame) -> DecodeError:
        error = LimitExceededError(message, offset=frame.offset, limit="max_message_size")
        return _in_frame(error, frame.offset)

    def feed(self, frame: Frame) -> Delivery | AbortedDelivery | None:
        """Take one frame; return the delivery it completes or aborts, if any."""
        transfer = frame.performative
        if type(transfer) is not Transfer:
            self._forget(frame)
            return None
        _check_transfer(transfer, frame)
        channel = frame.channel
        handle = int(transfer.handle)
        dropping = self._dropping.get(channel)
        if dropping is not None and handle in dropping:
            if transfer.aborted or not transfer.more:
                self._stop_dropping(channel, handle)
            return None
        links = self._partial.get(channel)
        partial = None if links is None else links.get(handle)
        held = partial is not None
        more = bool(transfer.more) and not transfer.aborted
        if partial is None:
            partial = _first_frame(transfer, frame)
            # What this frame adds to the sum besides payload and overhead, if it is held.
            extra = _extra_size(partial.delivery_tag, transfer.state) if more else 0
        else:
            extra = self._continue(partial, transfer, frame, handle, more)
            if not more:
                self._release(channel, handle)  # the delivery leaves the assembler with this frame
        if transfer.aborted:
            return AbortedDelivery(channel, partial.handle, partial.delivery_id, partial.delivery_tag)
        size = self._check_limits(partial, frame, handle, more, held, extra)
        return self._take(partial, frame, handle, more, held, extra, size)

    def _forget(self, frame: Frame) -> None:
        """A frame other than a transfer: a detach, end or close discards the partial
        deliveries of its link, channel or connection, and the refused deliveries being
        dropped there (§2.7.7-2.7.9); any other performative is not the assembler's."""
        performative = frame.performative
        channel = frame.channel
        if type(performative) is Detach:
            if type(performative.handle) is bool or not isinstance(performative.handle, int):
                raise _wrong_field(performative, "handle", "a uint", frame)
            self._release(channel, int(performative.handle))
            self._stop_dropping(channel, int(performative.handle))
        elif type(performative) is End:
            links = self._partial.pop(channel, None)
            if links is not None:
                for partial in links.values():
                    self._budget.release(partial)
            handles = self._dropping.pop(channel, None)
            if handles is not None:
                self._budget.stop_dropping(len(handles))
        elif type(performative) is Close:
            self._partial, self._dropping = {}, {}
            self._budget.clear()

    def _continue(self, partial: _Partial, transfer: Transfer, frame: Frame, handle: int, more: bool) -> int:
        """Check a continuation against its delivery's first transfer (§2.7.5) and take its
        ``settled`` and ``state``; return how much the delivery's counted extra moves."""
        for name in ("delivery_id", "delivery_tag", "message_format"):
            value = getattr(transfer, name)
            if value is not None and value != getattr(partial, name):
                self._release(frame.channel, handle)
                raise _in_frame(
                    DecodeError(
                        f"continuation transfer has {name.replace('_', '-')} {value!r}; "
                        f"the delivery's first transfer had {getattr(partial, name)!r} (§2.7.5)",
                        offset=frame.offset,
                        field=f"transfer.{name}",
                    ),
                    frame.offset,
                )
        if transfer.settled:
            partial.settled = True
        extra = 0
        if transfer.state is not None:
            if more:
                # The new state replaces the old: the sum moves by the difference, applied
                # once the frame is accepted (a release before that takes the old).
                extra = _extra_size(partial.delivery_tag, transfer.state) - partial.extra
            partial.state = transfer.state
        return extra

    def _check_limits(
        self, partial: _Partial, frame: Frame, handle: int, more: bool, held: bool, extra: int
    ) -> int:
        """The delivery's payload size with this frame's.  Over ``max_message_size``, or
        taking the sum over it, raises ``LimitExceededError`` and drops the delivery."""
        channel = frame.channel
        payload = frame.payload
        limit = self.limits.max_message_size
        size = partial.size + len(payload)
        if size > limit:
            self._release(channel, handle)
            unrecognised = self._drop(channel, handle) if more else ""
            raise self._over(
                f"delivery {partial.delivery_id} reaches {size} bytes, over max_message_size={limit}{unrecognised}",
                frame,
            )
        # The sum: checked when this frame leaves the delivery partial and adds to what is
        # held (payload, or the overhead of a new delivery), unless the delivery is alone.
        if more and (payload or not held or extra > 0):
            overdrawn = self._budget.overdrawn(len(payload), extra, not held, limit)
            if overdrawn is not None:
                self._release(channel, handle)
                unrecognised = self._drop(channel, handle)
                raise self._over(f"delivery {partial.delivery_id} {overdrawn}{unrecognised}", frame)
        return size

    def _take(
        self, partial: _Partial, frame: Frame, handle: int, more: bool, held: bool, extra: int, size: int
    ) -> Delivery | None:
        """Add the frame's payload: hold the delivery while ``more``, else deliver it."""
        payload = frame.payload
        if payload:
            partial.chunks.append(payload)
            partial.size = size
        if more:
            self._budget.charge(len(payload), extra, not held)
            partial.extra += extra
            if not held:
                links = self._partial.get(frame.channel)
                if links is None:
                    links = self._partial[frame.channel] = {}
                links[handle] = partial
            return None
        chunks = partial.chunks
        return Delivery(
            frame.channel,
            partial.handle,
            partial.delivery_id,
            partial.delivery_tag,
            _ZERO if partial.message_format is None else partial.message_format,
            partial.settled,
            partial.state,
            chunks[0] if len(chunks) == 1 else b"".join(chunks),
        )


def _first_frame(transfer: Transfer, frame: Frame) -> _Partial:
    """A new delivery from its first transfer, which must carry delivery-id and
    delivery-tag (§2.7.5)."""
    delivery_id, delivery_tag = transfer.delivery_id, transfer.delivery_tag
    if delivery_id is None or delivery_tag is None:
        name = "delivery-id" if delivery_id is None else "delivery-tag"
        raise _in_frame(
            DecodeError(
                f"the first transfer of a delivery has no {name} (§2.7.5)",
                offset=frame.offset,
                field=f"transfer.{name.replace('-', '_')}",
            ),
            frame.offset,
        )
    return _Partial(transfer, delivery_id, delivery_tag)
