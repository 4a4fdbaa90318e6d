"""``TransferAssembler``: transfer frames to deliveries (OASIS AMQP 1.0 Part 2 §2.6.12-2.6.14
transfers and deliveries, §2.7.5 transfer: ``more``, ``aborted``, ``settled``, ``state``,
delivery-id/tag only required on the first frame; §2.7.7 detach and §2.7.8 end end the
link or session, and with them any partial delivery).  The memory bound: each delivery's
payload, and all partial deliveries' payload plus ``PARTIAL_DELIVERY_OVERHEAD`` apiece
(when there are two or more), within ``max_message_size``.
"""

from __future__ import annotations

import copy
import pickle
import random
import sys
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amqpcodec import (
    Accepted,
    Array,
    Close,
    DecodeError,
    Described,
    Detach,
    End,
    Flow,
    LimitExceededError,
    Limits,
    Modified,
    Open,
    Received,
    SaslOutcome,
    Symbol,
    Transfer,
    UInt,
)
from amqpcodec.frames import (
    DROPPED_DELIVERY_OVERHEAD,
    PARTIAL_DELIVERY_OVERHEAD,
    AbortedDelivery,
    Delivery,
    Frame,
    FrameReader,
    TransferAssembler,
    encode_frame,
    encode_transfer,
)
from amqpcodec.frames import assembler as frames_module
from tests.helpers.streams import read_all_ways
from tests.helpers.tracing import lines_run

OVERHEAD = PARTIAL_DELIVERY_OVERHEAD
DROPPED = DROPPED_DELIVERY_OVERHEAD


def frames(*encoded: bytes) -> list[Frame]:
    """The frames in these encoded frames, read back (all three ways)."""
    return read_all_ways(b"".join(encoded), expect_header=False)


def t(channel: int = 0, payload: bytes = b"", **fields: Any) -> bytes:
    return encode_frame(Transfer(**fields), channel, payload)


def feed_all(assembler: TransferAssembler, events: list[Frame]) -> list[Any]:
    return [assembler.feed(event) for event in events]


def test_single_frame_delivery() -> None:
    (frame,) = frames(
        t(
            3,
            b"body",
            handle=2,
            delivery_id=9,
            delivery_tag=b"tag",
            message_format=0x80013700,
            settled=True,
            state=Accepted(),
        )
    )
    delivery = TransferAssembler().feed(frame)
    assert delivery == Delivery(3, 2, 9, b"tag", 0x80013700, True, Accepted(), b"body")
    assert type(delivery.handle) is UInt and type(delivery.message_format) is UInt


def test_more_continuations() -> None:
    events = frames(
        t(payload=b"one,", handle=0, delivery_id=1, delivery_tag=b"a", more=True),
        t(payload=b"", handle=0, more=True),  # an empty continuation is legal
        t(payload=b"two,", handle=0, delivery_id=1, delivery_tag=b"a", more=True),  # repeating id/tag is fine
        t(payload=b"three", handle=0),
    )
    assert feed_all(TransferAssembler(), events) == [
        None,
        None,
        None,
        Delivery(0, 0, 1, b"a", 0, False, None, b"one,two,three"),
    ]


def test_interleaved_links_and_channels() -> None:
    # Deliveries on (channel 0, handle 0), (channel 0, handle 1) and (channel 1, handle 0) interleave.
    events = frames(
        t(0, b"A1", handle=0, delivery_id=10, delivery_tag=b"A", more=True),
        t(0, b"B1", handle=1, delivery_id=11, delivery_tag=b"B", more=True),
        t(1, b"C1", handle=0, delivery_id=0, delivery_tag=b"C", more=True),
        t(0, b"A2", handle=0),
        t(1, b"C2", handle=0, more=True),
        t(0, b"B2", handle=1, settled=True),
        t(1, b"C3", handle=0),
    )
    results = feed_all(TransferAssembler(), events)
    assert results == [
        None,
        None,
        None,
        Delivery(0, 0, 10, b"A", 0, False, None, b"A1A2"),
        None,
        Delivery(0, 1, 11, b"B", 0, True, None, b"B1B2"),
        Delivery(1, 0, 0, b"C", 0, False, None, b"C1C2C3"),
    ]


def test_aborted() -> None:
    assembler = TransferAssembler()
    events = frames(
        t(payload=b"part", handle=0, delivery_id=1, delivery_tag=b"x", more=True),
        t(handle=0, aborted=True, more=True),  # §2.7.5: with aborted set, more is ignored
        t(payload=b"next", handle=0, delivery_id=2, delivery_tag=b"y"),
        t(payload=b"ignored", handle=5, delivery_id=3, delivery_tag=b"z", aborted=True),
    )
    assert feed_all(assembler, events) == [
        None,
        AbortedDelivery(0, 0, 1, b"x"),
        Delivery(0, 0, 2, b"y", 0, False, None, b"next"),
        AbortedDelivery(0, 5, 3, b"z"),
    ]
    assert repr(assembler) == "<TransferAssembler partial=[] dropping=[]>"


def test_settled_once_any_frame_set_it_and_last_state_wins() -> None:
    received = Received(section_number=0, section_offset=4)
    events = frames(
        t(payload=b"a", handle=0, delivery_id=1, delivery_tag=b"x", settled=False, state=received, more=True),
        t(payload=b"b", handle=0, settled=True, more=True),
        t(payload=b"c", handle=0, settled=False, state=Accepted(), more=True),
        t(payload=b"d", handle=0),
    )
    delivery = feed_all(TransferAssembler(), events)[-1]
    assert delivery.settled is True and delivery.state == Accepted()
    (only_first,) = [d for d in feed_all(TransferAssembler(), events[:1] + events[3:]) if d]
    assert only_first.settled is False and only_first.state == received


def test_detach_end_and_close_discard_partial_deliveries() -> None:
    partials = [
        t(0, b"old", handle=0, delivery_id=1, delivery_tag=b"x", more=True),
        t(0, b"old", handle=1, delivery_id=2, delivery_tag=b"y", more=True),
        t(1, b"old", handle=0, delivery_id=3, delivery_tag=b"z", more=True),
    ]
    detach = encode_frame(Detach(handle=0, closed=True), 0)
    end = encode_frame(End(), 1)
    close = encode_frame(Close())
    new = [
        t(0, b"new", handle=0, delivery_id=4, delivery_tag=b"p"),
        t(0, b"tail", handle=1),
        t(1, b"new", handle=0, delivery_id=5, delivery_tag=b"q"),
    ]
    results = feed_all(TransferAssembler(), frames(*partials, detach, end, *new))
    assert results[3:] == [
        None,
        None,
        Delivery(0, 0, 4, b"p", 0, False, None, b"new"),  # the detached link's old bytes are gone
        Delivery(0, 1, 2, b"y", 0, False, None, b"oldtail"),  # another handle: kept
        Delivery(1, 0, 5, b"q", 0, False, None, b"new"),  # the ended channel's old bytes are gone
    ]
    assembler = TransferAssembler()
    feed_all(assembler, frames(*partials))
    assert repr(assembler) == "<TransferAssembler partial=[(0, 0), (0, 1), (1, 0)] dropping=[]>"
    assert assembler.feed(frames(close)[0]) is None
    assert repr(assembler) == "<TransferAssembler partial=[] dropping=[]>"


def test_detach_on_another_channel_keeps_the_delivery() -> None:
    assembler = TransferAssembler()
    events = frames(
        t(0, b"a", handle=0, delivery_id=1, delivery_tag=b"x", more=True),
        encode_frame(Detach(handle=0), 1),
        encode_frame(End(), 2),
        t(0, b"b", handle=0),
    )
    assert feed_all(assembler, events)[-1] == Delivery(0, 0, 1, b"x", 0, False, None, b"ab")


def test_max_message_size() -> None:
    assembler = TransferAssembler(limits=Limits(max_message_size=10))
    events = frames(
        t(payload=b"123456", handle=0, delivery_id=1, delivery_tag=b"x", more=True),
        t(payload=b"7890", handle=0, more=True),  # exactly 10: fine
        t(payload=b"!", handle=0, more=True),  # 11: over
        t(payload=b"dropped", handle=0, more=True),
        t(payload=b"dropped", handle=0),
        t(payload=b"0123456789", handle=0, delivery_id=2, delivery_tag=b"y"),
    )
    assert feed_all(assembler, events[:2]) == [None, None]
    with pytest.raises(LimitExceededError) as info:
        assembler.feed(events[2])
    assert info.value.limit == "max_message_size" and info.value.offset == events[2].offset
    assert info.value.frame_offset == events[2].offset
    assert "reaches 11 bytes" in str(info.value)
    assert repr(assembler) == "<TransferAssembler partial=[] dropping=[(0, 0)]>"
    assert feed_all(assembler, events[3:]) == [
        None,
        None,
        Delivery(0, 0, 2, b"y", 0, False, None, b"0123456789"),
    ]
    # Over the limit on its last frame: nothing left to drop.
    assembler = TransferAssembler(limits=Limits(max_message_size=3))
    with pytest.raises(LimitExceededError):
        assembler.feed(frames(t(payload=b"1234", handle=0, delivery_id=1, delivery_tag=b"x"))[0])
    assert repr(assembler) == "<TransferAssembler partial=[] dropping=[]>"


def test_frames_that_are_not_transfers_are_ignored() -> None:
    assembler = TransferAssembler()
    others = [
        Frame(0, 0, 0, b"", Open(container_id="c"), b""),
        Frame(0, 0, 0, b"", Flow(incoming_window=1, next_outgoing_id=0, outgoing_window=1), b""),
        Frame(0, 0, 0, b"", None, b""),
        Frame(0, 1, 0, b"", SaslOutcome(code=0), b""),
        Frame(0, 0, 0, b"", Described(0x99, []), b"payload"),
    ]
    assert feed_all(assembler, others) == [None] * len(others)


@pytest.mark.parametrize(
    ("continuation", "field"),
    [
        ({"delivery_id": 2}, "transfer.delivery_id"),
        ({"delivery_tag": b"other"}, "transfer.delivery_tag"),
        ({"message_format": 1}, "transfer.message_format"),
    ],
)
def test_continuation_must_match_the_first_frame(continuation: dict[str, Any], field: str) -> None:
    assembler = TransferAssembler()
    events = frames(
        t(payload=b"a", handle=0, delivery_id=1, delivery_tag=b"tag", message_format=0, more=True),
        t(payload=b"b", handle=0, **continuation),
    )
    assert assembler.feed(events[0]) is None
    with pytest.raises(DecodeError) as info:
        assembler.feed(events[1])
    assert type(info.value) is DecodeError and info.value.field == field
    assert info.value.offset == events[1].offset and "§2.7.5" in str(info.value)
    assert repr(assembler) == "<TransferAssembler partial=[] dropping=[]>"


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"delivery_tag": b"t"}, "transfer.delivery_id"), ({"delivery_id": 1}, "transfer.delivery_tag")],
)
def test_first_frame_needs_id_and_tag(fields: dict[str, Any], field: str) -> None:
    (event,) = frames(t(payload=b"x", handle=0, **fields))
    with pytest.raises(DecodeError) as info:
        TransferAssembler().feed(event)
    assert info.value.field == field and info.value.offset == event.offset


def test_repr_equality_pickle_and_copy() -> None:
    delivery = Delivery(0, 1, 2, b"tag", 0, False, Accepted(), b"p" * 40)
    assert repr(delivery) == (
        "Delivery(channel=0, handle=1, delivery_id=2, delivery_tag=b'tag', message_format=0, settled=False, "
        "state=Accepted(), payload=<40 bytes: " + "70" * 20 + "...>)"
    )
    aborted = AbortedDelivery(0, 1, 2, b"tag")
    assert repr(aborted) == "AbortedDelivery(channel=0, handle=1, delivery_id=2, delivery_tag=b'tag')"
    for value in (delivery, aborted):
        assert pickle.loads(pickle.dumps(value)) == value == copy.deepcopy(value)
    assert delivery != delivery.__class__(0, 1, 2, b"tag", 0, True, Accepted(), b"p" * 40)
    # An assembler mid-delivery pickles and carries on.
    events = frames(
        t(payload=b"a", handle=0, delivery_id=1, delivery_tag=b"x", more=True),
        t(payload=b"b", handle=0),
    )
    assembler = TransferAssembler()
    assembler.feed(events[0])
    clone = pickle.loads(pickle.dumps(assembler))
    assert clone == assembler == copy.deepcopy(assembler) and clone != TransferAssembler()
    assert (
        clone.feed(events[1]) == assembler.feed(events[1]) == Delivery(0, 0, 1, b"x", 0, False, None, b"ab")
    )


@given(
    payloads=st.lists(st.binary(max_size=600), min_size=1, max_size=6),
    max_frame_size=st.integers(48, 300),
    seed=st.integers(0, 2**32),
)
def test_random_interleavings_reassemble(payloads: list[bytes], max_frame_size: int, seed: int) -> None:
    # One delivery per link (channel = index % 2, handle = index); frames interleaved at random,
    # each link's frames kept in order (§2.6.14: a link's transfers are ordered).
    queues = [
        encode_transfer(
            Transfer(handle=index, delivery_id=index, delivery_tag=bytes([index]), message_format=0),
            payload,
            channel=index % 2,
            max_frame_size=max_frame_size,
        )
        for index, payload in enumerate(payloads)
    ]
    rng = random.Random(seed)
    stream = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        stream.append(queue.pop(0))
    reader = FrameReader(expect_header=False)
    reader.feed(b"".join(stream))
    reader_frames = list(reader)
    assembler = TransferAssembler()
    deliveries = [d for d in feed_all(assembler, reader_frames) if d is not None]
    assert sorted(deliveries, key=lambda d: d.handle) == [
        Delivery(index % 2, index, index, bytes([index]), 0, False, None, payload)
        for index, payload in enumerate(payloads)
    ]
    assert repr(assembler) == "<TransferAssembler partial=[] dropping=[]>"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # transfer (§2.7.5) with handle sent as a string, delivery-tag as a string, more as a uint
        ("00 53 14 c0 04 01 a1 01 78", "transfer.handle"),
        ("00 53 14 c0 06 03 43 43 a1 01 78", "transfer.delivery_tag"),
        ("00 53 14 c0 09 06 43 43 a0 01 74 40 40 43", "transfer.more"),
        ("00 53 14 c0 05 02 43 a0 01 74", "transfer.delivery_id"),
        # detach (§2.7.7) with a list as handle
        ("00 53 16 c0 02 01 45", "detach.handle"),
    ],
)
def test_peer_sent_field_types_are_checked(body: str, field: str) -> None:
    # Decoded composites keep what the peer sent; the assembler checks what it relies on.
    data = bytes.fromhex(body.replace(" ", ""))
    (event,) = frames((8 + len(data)).to_bytes(4, "big") + b"\x02\x00\x00\x00" + data)
    with pytest.raises(DecodeError) as info:
        TransferAssembler().feed(event)
    assert info.value.field == field and info.value.offset == 0


# --------------------------------------------------------------------------- the bound on all deliveries


def test_max_message_size_bounds_all_partial_deliveries_together() -> None:
    # §2.6.14 more / §2.7.5: every link's partial delivery is held until its last frame, so
    # max_message_size bounds their sum too, each counting its payload plus OVERHEAD.  At N
    # (10 bytes and two overheads held) fine; at N+1 the frame that would cross it raises,
    # its delivery is discarded and dropped, the others are kept.
    limit = 2 * OVERHEAD + 10
    assembler = TransferAssembler(limits=Limits(max_message_size=limit))
    events = frames(
        t(0, b"123456", handle=0, delivery_id=1, delivery_tag=b"a", more=True),
        t(1, b"7890", handle=0, delivery_id=2, delivery_tag=b"b", more=True),  # N held: fine
        t(1, b"!", handle=0, more=True),  # N+1 held: over
        t(1, b"dropped", handle=0, more=True),
        t(1, b"dropped", handle=0),
        t(0, b"tail", handle=0),  # the other delivery is intact (and its last frame is not counted)
        t(1, b"0123456789", handle=0, delivery_id=3, delivery_tag=b"c", more=True),  # the link is free again
    )
    assert feed_all(assembler, events[:2]) == [None, None]
    with pytest.raises(LimitExceededError) as info:
        assembler.feed(events[2])
    assert info.value.limit == "max_message_size" and info.value.offset == events[2].offset
    assert info.value.frame_offset == events[2].offset
    assert (
        f"delivery 2 would bring what is held in 2 partial deliveries to {limit + 1} bytes "
        f"(11 of payload and {OVERHEAD} for each delivery)"
    ) in str(info.value)
    assert f"max_message_size={limit}" in str(info.value)
    assert repr(assembler) == "<TransferAssembler partial=[(0, 0)] dropping=[(1, 0)]>"
    tail = Delivery(0, 0, 1, b"a", 0, False, None, b"123456tail")
    assert feed_all(assembler, events[3:]) == [None, None, tail, None]
    assert repr(assembler) == "<TransferAssembler partial=[(1, 0)] dropping=[]>"


def test_the_first_frame_of_a_delivery_counts_towards_the_sum() -> None:
    assembler = TransferAssembler(limits=Limits(max_message_size=3 * OVERHEAD + 10))
    events = frames(
        t(0, b"12345678", handle=0, delivery_id=1, delivery_tag=b"a", more=True),
        t(0, b"", handle=1, delivery_id=2, delivery_tag=b"b", more=True),  # no payload: its overhead
        t(0, b"abc", handle=2, delivery_id=3, delivery_tag=b"c", more=True),  # 3 overheads + 11: over
        t(0, b"0123456789", handle=3, delivery_id=4, delivery_tag=b"d"),  # one frame: its own bound only
        t(0, b"dropped", handle=2, aborted=True),
    )
    assert feed_all(assembler, events[:2]) == [None, None]
    with pytest.raises(LimitExceededError) as info:
        assembler.feed(events[2])
    assert f"held in 3 partial deliveries to {3 * OVERHEAD + 11} bytes (11 of payload" in str(info.value)
    assert repr(assembler) == "<TransferAssembler partial=[(0, 0), (0, 1)] dropping=[(0, 2)]>"
    assert feed_all(assembler, events[3:]) == [Delivery(0, 3, 4, b"d", 0, False, None, b"0123456789"), None]
    assert repr(assembler) == "<TransferAssembler partial=[(0, 0), (0, 1)] dropping=[]>"


def test_partial_deliveries_without_payload_count_their_overhead() -> None:
    # A first frame with more=true and no payload holds a delivery's objects: it counts
    # OVERHEAD, so max_message_size // OVERHEAD such deliveries fit (N) and one more does
    # not (N+1), on a new handle or a new channel alike; nor does one payload byte more.
    assembler = TransferAssembler(limits=Limits(max_message_size=3 * OVERHEAD))
    empty = [t(n % 2, b"", handle=n, delivery_id=n, delivery_tag=b"t", more=True) for n in range(5)]
    events = frames(*empty, t(0, b"x", handle=0, more=True), t(1, b"", handle=3), t(0, b"", handle=4))
    assert feed_all(assembler, events[:3]) == [None, None, None]  # exactly 3 overheads held
    for event in events[3:6]:  # a fourth delivery, on either channel, or one payload byte
        with pytest.raises(LimitExceededError) as info:
            assembler.feed(event)
        assert info.value.limit == "max_message_size" and info.value.offset == event.offset
    assert f"to {3 * OVERHEAD + 1} bytes (1 of payload and {OVERHEAD} for each delivery)" in str(info.value)
    # The state the docstring gives: the refused deliveries are dropped up to their last frame.
    assert repr(assembler) == "<TransferAssembler partial=[(0, 2), (1, 1)] dropping=[(0, 0), (0, 4), (1, 3)]>"
    assert feed_all(assembler, events[6:]) == [None, None]
    assert repr(assembler) == "<TransferAssembler partial=[(0, 2), (1, 1)] dropping=[(0, 0)]>"
    # An empty continuation adds nothing, and a delivery that leaves frees its whole overhead.
    (more, last) = frames(t(0, b"", handle=2, more=True), t(0, b"", handle=2))
    assert assembler.feed(more) is None
    assert assembler.feed(last) == Delivery(0, 2, 2, b"t", 0, False, None, b"")
    *again, over = frames(
        t(1, b"", handle=8, delivery_id=8, delivery_tag=b"u", more=True),
        t(1, b"", handle=9, delivery_id=9, delivery_tag=b"v", more=True),
        t(1, b"!", handle=9, more=True),
    )
    assert feed_all(assembler, again) == [None, None]
    with pytest.raises(LimitExceededError):
        assembler.feed(over)


@pytest.mark.parametrize("make_copy", [copy.copy, copy.deepcopy, lambda a: pickle.loads(pickle.dumps(a))])
def test_a_copy_is_independent(make_copy: Callable[[TransferAssembler], TransferAssembler]) -> None:
    # Any copy of an assembler holds its own partial and dropped deliveries: feeding
    # the copy leaves the original as it was.
    assembler = TransferAssembler(limits=Limits(max_message_size=10))
    events = frames(
        t(0, b"abc", handle=0, delivery_id=1, delivery_tag=b"a", more=True),
        t(0, bytes(11), handle=1, delivery_id=2, delivery_tag=b"b", more=True),
    )
    assembler.feed(events[0])
    with pytest.raises(LimitExceededError):
        assembler.feed(events[1])
    before = pickle.dumps(assembler)
    duplicate = make_copy(assembler)
    assert duplicate == assembler
    for ending in frames(t(0, b"de", handle=0), encode_frame(Detach(handle=1), 0)):
        duplicate.feed(ending)
    assert repr(duplicate) == "<TransferAssembler partial=[] dropping=[]>"
    assert pickle.dumps(assembler) == before
    assert repr(assembler) == "<TransferAssembler partial=[(0, 0)] dropping=[(0, 1)]>"


# --------------------------------------------------------------------------- deliveries being dropped


@pytest.mark.parametrize("limit", [10, 2 * OVERHEAD + 3])
def test_refused_deliveries_are_remembered_up_to_their_bound(limit: int) -> None:
    # A refused delivery's remaining frames are dropped by (channel, handle), for at most
    # max(1, max_message_size // DROPPED) deliveries at once (N); the next one (N+1) is
    # refused all the same but not remembered, and the error says so: its continuation
    # is then read as it comes (here a DecodeError, having no delivery-id).
    most = max(1, limit // DROPPED)
    assembler = TransferAssembler(limits=Limits(max_message_size=limit))
    over = frames(
        *(
            t(0, bytes(limit + 1), handle=n, delivery_id=n, delivery_tag=b"t", more=True)
            for n in range(most + 1)
        )
    )
    for n, event in enumerate(over):
        with pytest.raises(LimitExceededError) as info:
            assembler.feed(event)
        assert ("not recognised" in str(info.value)) == (n == most)
    refused = "delivery is" if most == 1 else "deliveries are"
    assert f"; {most} refused {refused} already being dropped, the most remembered at once" in str(info.value)
    assert assembler._budget.dropped == most
    assert repr(assembler).endswith(f"dropping={[(0, n) for n in range(most)]}>")
    (continuation,) = frames(t(0, b"rest", handle=most, more=True))
    with pytest.raises(DecodeError, match="no delivery-id"):
        assembler.feed(continuation)
    # Finishing a dropped delivery makes room for the next refused one.
    last, again = frames(
        t(0, b"", handle=0), t(0, bytes(limit + 1), handle=99, delivery_id=99, delivery_tag=b"u", more=True)
    )
    assert assembler.feed(last) is None and assembler._budget.dropped == most - 1
    with pytest.raises(LimitExceededError) as info:
        assembler.feed(again)
    assert "not recognised" not in str(info.value) and assembler._budget.dropped == most


@pytest.mark.parametrize("ending", ["detach", "end", "close"])
def test_ending_a_link_forgets_its_dropped_delivery(ending: str) -> None:
    endings = {
        "detach": encode_frame(Detach(handle=1), 2),
        "end": encode_frame(End(), 2),
        "close": encode_frame(Close()),
    }
    assembler = TransferAssembler(limits=Limits(max_message_size=10))
    over, end = frames(
        t(2, bytes(11), handle=1, delivery_id=1, delivery_tag=b"t", more=True), endings[ending]
    )
    with pytest.raises(LimitExceededError):
        assembler.feed(over)
    assert assembler._budget.dropped == 1
    assembler.feed(end)
    assert assembler._budget.dropped == 0 and repr(assembler) == "<TransferAssembler partial=[] dropping=[]>"


# --------------------------------------------------------------------------- what fields hold


@pytest.mark.parametrize("excess", [0, 1])
def test_delivery_tag_octets_past_32_count_towards_the_sum(excess: int) -> None:
    # §2.8.7 allows delivery-tags of up to 32 octets, which OVERHEAD covers; a longer tag
    # is kept as sent, and its octets past 32 count (N fits, N+1 does not).
    assembler = TransferAssembler(limits=Limits(max_message_size=2 * OVERHEAD + 100))
    first, second = frames(
        t(0, b"", handle=0, delivery_id=1, delivery_tag=bytes(32), more=True),  # covered
        t(0, b"", handle=1, delivery_id=2, delivery_tag=bytes(132 + excess), more=True),
    )
    assert assembler.feed(first) is None
    if not excess:
        assert assembler.feed(second) is None
        return
    with pytest.raises(LimitExceededError) as info:
        assembler.feed(second)
    assert f"to {2 * OVERHEAD + 101} bytes (0 of payload, 101 in states and long delivery-tags, and" in str(
        info.value
    )


def _state_annotations(entries: int) -> Modified:
    return Modified(message_annotations={Symbol(f"x-opt-{n}"): f"value {n}" for n in range(entries)})


def _held_state_size(state: Any) -> int:
    """What the assembler counts for this state as the frame reader decodes it."""
    (frame,) = frames(t(0, b"", handle=0, delivery_id=0, delivery_tag=b"t", more=True, state=state))
    size: int = frames_module._held_size(frame.performative.state)
    return size


@pytest.mark.parametrize("short", [0, 1])
def test_a_partial_deliverys_state_counts_towards_the_sum(short: int) -> None:
    # The state a first transfer carries (§2.7.5, here a modified outcome with 50
    # annotations) is held with the delivery: its objects count, so a peer cannot hide
    # memory in it.  At N (two overheads, 3 payload bytes and the state) fine; N-1 over.
    state = _state_annotations(50)
    size = _held_state_size(state)
    assert size > 50 * 100  # symbol and string objects, and the map
    assembler = TransferAssembler(limits=Limits(max_message_size=2 * OVERHEAD + 3 + size - short))
    events = frames(
        t(0, b"abc", handle=0, delivery_id=1, delivery_tag=b"a", more=True),
        t(0, b"", handle=1, delivery_id=2, delivery_tag=b"b", more=True, state=state),
        t(0, b"", handle=1, delivery_tag=b"b", state=Accepted()),
    )
    assert assembler.feed(events[0]) is None
    if short:
        with pytest.raises(LimitExceededError) as info:
            assembler.feed(events[1])
        assert f"(3 of payload, {size} in states and long delivery-tags, and" in str(info.value)
        return
    assert assembler.feed(events[1]) is None
    assert assembler._budget.extra == size
    assert assembler.feed(events[2]) == Delivery(0, 1, 2, b"b", 0, False, Accepted(), b"")
    assert assembler._budget.extra == 0 and assembler._budget.held == 3


def test_a_continuations_state_replaces_the_counted_one() -> None:
    # A later transfer's state replaces the delivery's (§2.7.5): the sum moves by the
    # difference, up when it grows (and raises when that is over), down when it shrinks.
    small, large = _state_annotations(2), _state_annotations(40)
    small_size, large_size = _held_state_size(small), _held_state_size(large)
    limit = 2 * OVERHEAD + large_size
    assembler = TransferAssembler(limits=Limits(max_message_size=limit))
    events = frames(
        t(0, b"", handle=0, delivery_id=1, delivery_tag=b"a", more=True, state=small),
        t(0, b"", handle=1, delivery_id=2, delivery_tag=b"b", more=True),
        t(0, b"", handle=0, more=True, state=large),  # large replaces small: exactly N
        t(0, b"", handle=0, more=True, state=small),  # back down
        t(0, b"!", handle=1, more=True),  # fits again after the shrink
        t(0, b"", handle=0, more=True, state=large),  # small -> large with 1 byte more held: over
    )
    assert feed_all(assembler, events[:2]) == [None, None]
    assert assembler._budget.extra == small_size
    assert assembler.feed(events[2]) is None
    assert assembler._budget.extra == large_size
    assert assembler.feed(events[3]) is None and assembler._budget.extra == small_size
    assert assembler.feed(events[4]) is None
    with pytest.raises(LimitExceededError) as info:
        assembler.feed(events[5])
    assert f"to {limit + 1} bytes (1 of payload, {large_size} in states and long delivery-tags, and" in str(
        info.value
    )
    assert (assembler._budget.count, assembler._budget.held, assembler._budget.extra) == (1, 1, 0)
    assert repr(assembler) == "<TransferAssembler partial=[(0, 1)] dropping=[(0, 0)]>"


@pytest.mark.parametrize("ending", ["detach", "end", "close", "last frame", "aborted"])
def test_a_released_delivery_frees_its_counted_state(ending: str) -> None:
    endings = {
        "detach": encode_frame(Detach(handle=0), 0),
        "end": encode_frame(End(), 0),
        "close": encode_frame(Close()),
        "last frame": t(0, b"", handle=0),
        "aborted": t(0, b"", handle=0, aborted=True),
    }
    state = _state_annotations(10)
    assembler = TransferAssembler()
    events = frames(
        t(0, b"x", handle=0, delivery_id=1, delivery_tag=bytes(40), more=True, state=state), endings[ending]
    )
    assembler.feed(events[0])
    assert assembler._budget.extra == 8 + _held_state_size(state)
    assembler.feed(events[1])
    assert (assembler._budget.count, assembler._budget.held, assembler._budget.extra) == (0, 0, 0)


def test_one_frame_deliveries_are_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only a delivery that stays partial is held, so only then is its state walked.
    def fail(value: Any) -> int:
        raise AssertionError("measured")

    monkeypatch.setattr(frames_module, "_held_size", fail)
    (single,) = frames(
        t(0, b"x", handle=0, delivery_id=1, delivery_tag=bytes(40), state=_state_annotations(3))
    )
    assert TransferAssembler().feed(single) is not None


def test_held_size_walks_every_part() -> None:
    array = Array("uint", [UInt(1), UInt(2)])
    value = Described(Symbol("d"), [{Symbol("k"): array}, (b"x" * 100,)])
    parts = [value, value.descriptor, value.value, value.value[0], Symbol("k"), array, array.items]
    parts += [array.descriptor, UInt(1), UInt(2), value.value[1], b"x" * 100]
    assert frames_module._held_size(value) == sum(sys.getsizeof(part) for part in parts)
    assert frames_module._held_size(Accepted()) == sys.getsizeof(Accepted())
    value_uuid = uuid.UUID(int=1 << 100)  # its int is an object of its own
    assert frames_module._held_size(value_uuid) == sys.getsizeof(value_uuid) + sys.getsizeof(value_uuid.int)


@pytest.mark.parametrize("limit", [0, 10, OVERHEAD - 1, OVERHEAD, 2 * OVERHEAD + 9])
def test_a_lone_delivery_of_max_message_size_assembles_however_split(limit: int) -> None:
    # The overhead counts only against the sum of two or more partial deliveries: one
    # delivery of exactly max_message_size bytes assembles, in one frame or in several
    # (its last empty), even when max_message_size is below the overhead.
    body = bytes(range(256)) * (limit // 256) + bytes(limit % 256)
    split = frames(
        t(0, body[: limit // 2], handle=0, delivery_id=1, delivery_tag=b"a", more=True),
        t(0, body[limit // 2 :], handle=0, more=True),
        t(0, b"", handle=0),
    )
    assert feed_all(TransferAssembler(limits=Limits(max_message_size=limit)), split)[-1] == Delivery(
        0, 0, 1, b"a", 0, False, None, body
    )
    # While it is partial, another delivery's first frame (more=true) is over: two overheads
    # do not fit in these limits; a one-frame delivery does, by its own bound.
    assembler = TransferAssembler(limits=Limits(max_message_size=limit))
    other, single = frames(
        t(0, b"", handle=1, delivery_id=2, delivery_tag=b"b", more=True),
        t(1, body, handle=1, delivery_id=3, delivery_tag=b"c"),
    )
    feed_all(assembler, split[:2])
    with pytest.raises(LimitExceededError):
        assembler.feed(other)
    assert assembler.feed(single) == Delivery(1, 1, 3, b"c", 0, False, None, body)
    assert feed_all(assembler, split[2:]) == [Delivery(0, 0, 1, b"a", 0, False, None, body)]


_FILL = t(0, b"0123456789", handle=0, delivery_id=1, delivery_tag=b"a", more=True)

#: Ways of ending the 10-byte partial delivery on (channel 0, handle 0), and whether feeding
#: them raises.
RELEASES: dict[str, tuple[list[bytes], type[Exception] | None]] = {
    "last frame": ([t(0, b"", handle=0)], None),
    "aborted": ([t(0, b"", handle=0, aborted=True)], None),
    "detach": ([encode_frame(Detach(handle=0), 0)], None),
    "end": ([encode_frame(End(), 0)], None),
    "close": ([encode_frame(Close())], None),
    "continuation mismatch": ([t(0, b"", handle=0, delivery_id=7, more=True)], DecodeError),
    "over its own bound": ([t(0, b"!", handle=0, more=True), t(0, b"", handle=0)], LimitExceededError),
}


@pytest.mark.parametrize("release", RELEASES)
def test_every_way_a_partial_delivery_ends_releases_its_bytes(release: str) -> None:
    # max_message_size=10 is below OVERHEAD: the refill fits only as the lone partial
    # delivery, so it checks that both the bytes and the count are released.
    assembler = TransferAssembler(limits=Limits(max_message_size=10))
    encoded, error = RELEASES[release]
    refill = t(2, b"9876543210", handle=5, delivery_id=2, delivery_tag=b"b", more=True)
    events = frames(_FILL, *encoded, refill)
    assembler.feed(events[0])
    for event in events[1:-1]:
        if error is not None and event is events[1]:
            with pytest.raises(error):
                assembler.feed(event)
        else:
            assembler.feed(event)
    assert assembler.feed(events[-1]) is None  # all 10 bytes are available again
    assert repr(assembler) == "<TransferAssembler partial=[(2, 5)] dropping=[]>"


def _model_feed(state: dict[str, Any], frame: Frame, limit: int) -> Any:
    """The documented rules, written plainly over a flat {(channel, handle): (id, payload)} dict."""
    partial, dropping, performative = state["partial"], state["dropping"], frame.performative
    if isinstance(performative, (Detach, End, Close)):

        def keep(key: tuple[int, int]) -> bool:
            if isinstance(performative, Detach):
                return key != (frame.channel, int(performative.handle))
            return isinstance(performative, End) and key[0] != frame.channel

        state["partial"] = {key: value for key, value in partial.items() if keep(key)}
        state["dropping"] = {key for key in dropping if keep(key)}
        return None
    key = (frame.channel, int(performative.handle))
    if key in dropping:
        if performative.aborted or not performative.more:
            dropping.discard(key)
        return None
    new = key not in partial
    ident, payload = partial.pop(key, (performative.delivery_id, b""))
    if performative.aborted:
        return AbortedDelivery(frame.channel, performative.handle, ident, b"t")
    payload += frame.payload
    # What all partial deliveries would hold if this one stays partial: payload plus an
    # overhead apiece, checked when there would be two or more and this frame adds to it.
    count = len(partial) + 1
    held = sum(len(value) for _, value in partial.values()) + len(payload) + OVERHEAD * count
    adds = bool(frame.payload) or new
    if len(payload) > limit or (performative.more and adds and count > 1 and held > limit):
        if performative.more and len(dropping) < max(1, limit // DROPPED):
            dropping.add(key)  # its remaining frames are dropped, while there is room to remember it
        return LimitExceededError
    if performative.more:
        partial[key] = (ident, payload)
        return None
    return Delivery(frame.channel, performative.handle, ident, b"t", 0, False, None, payload)


_OPS = st.tuples(st.integers(0, 9), st.integers(0, 2), st.integers(0, 2), st.integers(0, 7))


#: Limits that leave room for zero to three partial deliveries' overheads and a few bytes.
_LIMITS = st.builds(
    lambda overheads, extra: overheads * OVERHEAD + extra, st.integers(0, 3), st.integers(0, 16)
)


@given(ops=st.lists(_OPS, max_size=60), limit=_LIMITS)
def test_assembler_follows_the_documented_rules(ops: list[tuple[int, int, int, int]], limit: int) -> None:
    # Random transfers, detaches, ends and closes over three channels and three handles,
    # against a plain model of the rules (TransferAssembler's docstring); the assembler's
    # index and byte count must agree with it after every frame, and survive pickling.
    assembler = TransferAssembler(limits=Limits(max_message_size=limit))
    state: dict[str, Any] = {"partial": {}, "dropping": set()}
    for index, (kind, channel, handle, size) in enumerate(ops):
        performative: Any
        if kind == 0:
            performative = Detach(handle=UInt(handle))
        elif kind == 1:
            performative = End()
        elif kind == 2 and size == 0:
            performative = Close()
        else:
            ident = UInt(3 * channel + handle)  # one per link: continuations may repeat it (§2.7.5)
            performative = Transfer(
                handle=UInt(handle), delivery_id=ident, delivery_tag=b"t", more=kind > 3, aborted=kind == 3
            )
        frame = Frame(index, 0, channel, b"", performative, bytes(size))
        expected = _model_feed(state, frame, limit)
        try:
            result: Any = assembler.feed(frame)
        except LimitExceededError:
            result = LimitExceededError
        assert result == expected
        keys = sorted(state["partial"])
        assert repr(assembler) == f"<TransferAssembler partial={keys} dropping={sorted(state['dropping'])}>"
        assert pickle.loads(pickle.dumps(assembler)) == assembler
    # What is still held: exactly the model's partial deliveries, so the budget left for a
    # new partial delivery (on a new channel) is exact: N bytes fit, N+1 do not.
    count = len(state["partial"])
    held = sum(len(payload) for _, payload in state["partial"].values())
    assert held + OVERHEAD * count <= limit if count > 1 else held <= limit
    budget = limit - held - OVERHEAD * (count + 1) if count else limit
    transfer = Transfer(handle=UInt(0), delivery_id=UInt(0), delivery_tag=b"t", more=True)
    with pytest.raises(LimitExceededError):
        copy.deepcopy(assembler).feed(Frame(0, 0, 9, b"", transfer, bytes(max(budget + 1, 0))))
    if budget >= 0:
        assert assembler.feed(Frame(0, 0, 9, b"", transfer, bytes(budget))) is None


@pytest.mark.parametrize("how", ["detach", "end"])
def test_discarding_each_partial_delivery_in_turn_costs_linear_work(how: str) -> None:
    # Partial deliveries are indexed channel -> handle: P detaches (or ends) of P partial
    # deliveries cost O(P) in all, not O(P**2) (Part 2 §2.7.7 detach, §2.7.8 end).
    def run(count: int) -> int:
        assembler = TransferAssembler()
        for n in range(count):
            channel, handle = (0, n) if how == "detach" else (n, 0)
            transfer = Transfer(handle=UInt(handle), delivery_id=UInt(n), delivery_tag=b"t", more=True)
            assembler.feed(Frame(n, 0, channel, b"", transfer, b"x"))
        ends = [
            Frame(n, 0, 0, b"", Detach(handle=UInt(n)), b"")
            if how == "detach"
            else Frame(n, 0, n, b"", End(), b"")
            for n in range(count)
        ]
        lines = lines_run(frames_module.__file__, lambda: [assembler.feed(frame) for frame in ends])
        assert repr(assembler) == "<TransferAssembler partial=[] dropping=[]>"
        return lines

    assert run(400) <= 2 * run(200) + 20
