"""Lazy message decoding (``Message.decode(data, lazy=True)``, OASIS AMQP 1.0 Part 3 §3.2).

A lazy decode checks section order, descriptors and sizes at once, decodes each
section on first access (a fault raising ``DecodeError`` with its offset from the
payload start), re-encodes every section that was not reassigned from its original
bytes, equals the eager decode of the same bytes, and keeps its own copy of them.
Hex literals are written by hand from the spec.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amqpcodec import DecodeError, IncompleteError, LimitExceededError, Limits, Symbol, UInt
from amqpcodec._backend import current, use_backend
from amqpcodec.message import (
    AMQPValue,
    ApplicationProperties,
    Header,
    Message,
    Properties,
)
from amqpcodec.testing import same_value
from tests.helpers.messages import ATTRS, W1


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


@pytest.fixture
def decode_calls() -> Iterator[list[int]]:
    """Counts the value decoder's calls made by the message layer (the live backend,
    its value decoder wrapped)."""
    calls: list[int] = []
    live = current()

    def counting(data: Any, offset: int, limits: Any, budget: list[int] | None = None) -> Any:
        calls.append(offset)
        return live.decode_prefix(data, offset, limits, budget)

    with use_backend(dataclasses.replace(live, decode_prefix=counting)):
        yield calls


def test_nothing_is_decoded_until_accessed(decode_calls: list[int]) -> None:
    message = Message.decode(W1, lazy=True)
    assert decode_calls == []
    properties = message.properties
    assert properties is not None and properties.message_id == "msg-0001"
    assert len(decode_calls) == 1
    assert message.properties is properties
    assert len(decode_calls) == 1
    assert message.encode() == W1
    assert len(decode_calls) == 1


def test_untouched_sections_keep_their_bytes() -> None:
    """Non-canonical sections (trailing nulls, vbin32, map32) re-encode as they came."""
    data = h(
        "00 53 70 c0 04 03 41 40 40"  # header, trailing nulls
        " 00 53 74 d1 00000008 00000002 a1 01 6b 41"  # map32 application-properties
        " 00 53 75 b0 00000001 61"  # vbin32 data
    )
    message = Message.decode(data, lazy=True)
    assert message.encode() == data
    for attr in ATTRS:
        getattr(message, attr)
    assert message.encode() == data
    assert Message.decode(data).encode() == h(
        "00 53 70 c0 02 01 41  00 53 74 c1 05 02 a1 01 6b 41  00 53 75 a0 01 61"
    )


def test_reassigned_sections_encode_canonically() -> None:
    data = h("00 53 70 c0 04 03 41 40 40  00 53 75 b0 00000001 61")
    message = Message.decode(data, lazy=True)
    message.body = b"b"
    assert message.encode() == h("00 53 70 c0 04 03 41 40 40  00 53 75 a0 01 62")
    message.header = message.header  # reassigned, even to itself: canonical from now on
    assert message.encode() == h("00 53 70 c0 02 01 41  00 53 75 a0 01 62")
    message.header = None
    message.properties = Properties(subject="s")
    assert message.encode() == h("00 53 73 c0 07 04 40 40 40 a1 01 73  00 53 75 a0 01 62")


def test_added_and_removed_sections() -> None:
    message = Message.decode(W1, lazy=True)
    assert message.encode() is message.encode()  # nothing changed: the kept bytes themselves
    message.footer = {"sig": b"\x01"}
    assert message.encode() == W1 + h("00 53 78 c1 09 02 a3 03 736967 a0 01 01")
    message.footer = None
    assert message.encode() == W1
    message.header = None
    assert message.encode() == W1[W1.index(h("00 53 73")) :]


def test_w1_reassigning_application_properties() -> None:
    message = Message.decode(W1, lazy=True)
    message.application_properties = {"k": UInt(1)}
    start = W1.index(h("00 53 74 d1"))
    end = W1.index(h("00 53 75 b0"))
    assert message.encode() == W1[:start] + h("00 53 74 c1 06 02 a1 01 6b 52 01") + W1[end:]


# Faults inside a section's value: the structure (descriptors, sizes) is valid, so a
# lazy decode succeeds and the fault surfaces at first access, at the same offset as
# an eager decode reports.  (hex, attribute, offset)
FAULTS = [
    ("00 53 70 c0 03 01 56 02  00 53 77 40", "header", 7),  # boolean byte 0x02
    ("00 53 73 c0 04 01 a1 01 ff  00 53 77 40", "properties", 7),  # invalid UTF-8
    ("00 53 74 c1 07 04 a1 00 41 a1 00 42  00 53 77 40", "application_properties", 9),  # duplicate key
    ("00 53 72 c1 05 02 c0 01 00 41  00 53 77 40", "message_annotations", 6),  # unhashable key
    ("00 53 77 73 0000d800", "body", 4),  # a surrogate is not a char
    ("00 53 76 45  00 53 76 c0 03 05 41 41", "body", 8),  # list count larger than its bytes
    ("00 53 77 40  00 53 78 c1 02 01 41", "footer", 8),  # odd map count
    ("00 53 70 c0 07 06 40 40 40 40 40 40", "header", 3),  # more fields than the spec's
]


@pytest.mark.parametrize(("hexdata", "attr", "offset"), FAULTS, ids=[f[1] + "-" + str(f[2]) for f in FAULTS])
def test_faults_surface_at_access(hexdata: str, attr: str, offset: int) -> None:
    data = h(hexdata)
    with pytest.raises(DecodeError) as eager:
        Message.decode(data)
    message = Message.decode(data, lazy=True)
    for _ in range(2):  # not cached: every access raises
        with pytest.raises(DecodeError) as lazy:
            getattr(message, attr)
        assert (type(lazy.value), lazy.value.offset) == (type(eager.value), offset)
        assert eager.value.offset == offset
    assert lazy.value.field is not None
    for other in ATTRS:
        if other != attr:
            getattr(message, other)
    assert message.encode() == data  # untouched: the original bytes, fault and all
    assert "<undecodable" in repr(message)


def test_scan_needs_every_size() -> None:
    """An unknown constructor inside an amqp-value leaves its size unknown: an error at once."""
    with pytest.raises(DecodeError) as info:
        Message.decode(h("00 53 77 ff"), lazy=True)
    assert info.value.offset == 3
    with pytest.raises(DecodeError) as info:
        Message.decode(h("00 53 77 00 53 01 ff"), lazy=True)
    assert info.value.offset == 6


def test_scan_skips_described_values() -> None:
    """§1.2: a described value whose descriptor and value are described in turn."""
    data = h("00 53 77 00 00 53 01 a1 01 78 00 53 02 c0 02 01 41  00 53 78 c1 01 00")
    message = Message.decode(data, lazy=True)
    assert message.encode() == data
    assert same_value(message, Message.decode(data))
    with pytest.raises(IncompleteError):
        Message.decode(data[:10], lazy=True)


def test_lazy_keeps_its_own_copy() -> None:
    buffer = bytearray(W1)
    message = Message.decode(buffer, lazy=True)
    buffer[:] = bytes(len(buffer))
    assert message.encode() == W1
    assert message.properties is not None and message.properties.message_id == "msg-0001"
    view = memoryview(bytearray(b"\x00" + W1))[1:]
    assert Message.decode(view, lazy=True).encode() == W1


def test_lazy_message_lets_its_bytes_go_when_every_section_is_replaced() -> None:
    message = Message.decode(h("00 53 70 45 00 53 77 40"), lazy=True)
    message.header = Header(durable=True)
    assert message._raw is not None
    message.body = "x"
    assert message._raw is None and message._spans is None
    assert message.encode() == h("00 53 70 c0 02 01 41 00 53 77 a1 01 78")


def test_lazy_keeps_its_limits_through_pickle() -> None:
    data = Message(body=AMQPValue([[None]])).encode()
    message = pickle.loads(pickle.dumps(Message.decode(data, lazy=True, limits=Limits(max_depth=2))))
    with pytest.raises(LimitExceededError):
        _ = message.body


def test_lazy_pickles_without_decoding(decode_calls: list[int]) -> None:
    message = Message.decode(W1, lazy=True)
    clone = pickle.loads(pickle.dumps(message))
    assert decode_calls == []
    assert clone.encode() == W1
    assert same_value(clone, Message.decode(W1))


def test_lazy_equals_eager_on_w1() -> None:
    lazy, eager = Message.decode(W1, lazy=True), Message.decode(W1)
    assert lazy == eager and same_value(lazy, eager)
    application_properties = lazy.application_properties
    assert type(application_properties) is ApplicationProperties
    assert application_properties["retries"] == 3
    assert lazy.header == Header(durable=True, ttl=60000)


# Hand-written sections for each slot before the body (§3.2.1-§3.2.5), in several
# encodings, and bodies (§3.2.6-§3.2.8).
HEADS = [
    ["00 53 70 c0 04 03 41 40 40", "00 80 0000000000000070 45"],
    ["00 53 71 c1 04 02 53 01 40"],
    ["00 53 72 d1 00000008 00000002 a3 01 61 41"],
    ["00 53 73 c0 03 01 a1 00"],
    ["00 a3 1f 616d71703a6170706c69636174696f6e2d70726f706572746965733a6d6170 c1 01 00"],
]
BODIES = [
    "",
    "00 53 75 a0 00 00 53 75 b0 00000001 61",
    "00 53 76 45",
    "00 53 77 00 53 05 40",
    "00 53 77 e0 02 00 52",
]


@given(
    st.tuples(*[st.sampled_from(["", *options]) for options in HEADS]),
    st.sampled_from(BODIES),
    st.booleans(),
)
def test_lazy_equals_eager(head: tuple[str, ...], body: str, footer: bool) -> None:
    data = h(" ".join([*head, body, "00 53 78 c1 01 00" if footer else ""]))
    lazy, eager = Message.decode(data, lazy=True), Message.decode(data)
    assert same_value(lazy, eager) and lazy == eager
    assert lazy.encode() == data
    assert Message.decode(data, lazy=True).encode() == data


def test_symbol_keys_of_lazy_sections() -> None:
    message = Message.decode(h("00 53 72 c1 05 02 a3 01 61 41"), lazy=True)
    annotations = message.message_annotations
    assert annotations is not None and type(next(iter(annotations))) is Symbol
