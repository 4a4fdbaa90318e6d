"""Message interop with Apache Qpid Proton (``proton.Message.encode()``/``decode()``),
OASIS AMQP 1.0 Part 3 §3.2.

For a matrix of body kinds (data, amqp-sequence, amqp-value of every type Proton can
hold) and of header, properties and annotation field types: (a) the bytes Proton
encodes decode with ``Message.decode`` to the expected message, exactly typed; (b) our
bytes decoded by Proton give the expected Proton values, exactly typed.

Proton's own choices, normalised before comparing: it always writes a header and a
properties section (empty ones when nothing is set), and may write header fields
equal to their defaults, so headers are compared by their effective values (§3.2.1
defaults).  Where Proton departs from the specification it drops the footer and keeps
only the last data section; those cases are tested against the spec instead (hand-
written bytes below and in tests/messages/test_golden.py).

Without python-qpid-proton (the ``interop`` extra) these tests skip, except under CI,
where a missing Proton is a failure.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, NamedTuple

import pytest

from amqpcodec import (
    Array,
    Byte,
    Char,
    Described,
    Float,
    Int,
    Short,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UShort,
)
from amqpcodec.message import AMQPSequence, AMQPValue, Data, Header, Message, Properties
from amqpcodec.testing import same_value
from tests.helpers.messages import W1
from tests.helpers.proton import same_proton

if os.environ.get("CI"):
    import proton  # CI installs the interop extra: a missing Proton must fail there
else:
    proton = pytest.importorskip("proton")

pytestmark = pytest.mark.interop

P = proton
U = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")


class Case(NamedTuple):
    name: str
    proton: dict[str, Any]  # proton.Message attributes, as Proton's getters return them
    message: Message


# (name, our value, the Proton value) for amqp-value bodies (§3.2.8).
VALUES: list[tuple[str, Any, Any]] = [
    ("string", "text", "text"),
    ("long", 2**40, 2**40),
    ("negative-long", -5, -5),
    ("ubyte", UByte(1), P.ubyte(1)),
    ("ushort", UShort(2), P.ushort(2)),
    ("uint", UInt(7), P.uint(7)),
    ("ulong", ULong(2**64 - 1), P.ulong(2**64 - 1)),
    ("byte", Byte(-1), P.byte(-1)),
    ("short", Short(-2), P.short(-2)),
    ("int", Int(-3), P.int32(-3)),
    ("float", Float(1.5), P.float32(1.5)),
    ("double", 2.5, 2.5),
    ("true", True, True),
    ("symbol", Symbol("s"), P.symbol("s")),
    ("binary", b"bin", b"bin"),
    ("uuid", U, U),
    ("timestamp", Timestamp(1700000000123), P.timestamp(1700000000123)),
    ("char", Char("é"), P.char("é")),
    ("list", [1, "a", None], [1, "a", None]),
    ("empty-list", [], []),
    ("map", {Symbol("k"): UInt(1), "s": None}, {P.symbol("k"): P.uint(1), "s": None}),
    ("described", Described(Symbol("x"), 1), P.Described(P.symbol("x"), 1)),
    ("array", Array("int", [1, 2]), P.Array(P.UNDESCRIBED, P.Data.INT, P.int32(1), P.int32(2))),
]

APP_PROPERTIES_OURS = {
    "s": "x",
    "i": Int(1),
    "l": 2**40,
    "u": ULong(2**64 - 1),
    "b": True,
    "d": 2.5,
    "f": Float(1.5),
    "t": Timestamp(5),
    "c": Char("x"),
    "y": Symbol("s"),
    "bin": b"b",
    "n": None,
    "uuid": U,
}
APP_PROPERTIES_PROTON = {
    "s": "x",
    "i": P.int32(1),
    "l": 2**40,
    "u": P.ulong(2**64 - 1),
    "b": True,
    "d": 2.5,
    "f": P.float32(1.5),
    "t": P.timestamp(5),
    "c": P.char("x"),
    "y": P.symbol("s"),
    "bin": b"b",
    "n": None,
    "uuid": U,
}

CASES = [
    Case("no-body", {}, Message()),
    Case("data", {"body": b"abc", "inferred": True}, Message(body=b"abc")),
    Case("data-empty", {"body": b"", "inferred": True}, Message(body=b"")),
    Case(
        "data-vbin32", {"body": bytes(range(256)) * 2, "inferred": True}, Message(body=bytes(range(256)) * 2)
    ),
    Case(
        "amqp-sequence",
        {"body": [1, "a", P.symbol("s"), P.uint(7)], "inferred": True},
        Message(body=AMQPSequence([1, "a", Symbol("s"), UInt(7)])),
    ),
    *[
        Case(f"amqp-value-{name}", {"body": theirs, "inferred": False}, Message(body=AMQPValue(ours)))
        for name, ours, theirs in VALUES
    ],
    Case("header-durable", {"durable": True}, Message(header=Header(durable=True))),
    Case("header-priority", {"priority": 7}, Message(header=Header(priority=7))),
    Case("header-ttl", {"ttl": 2.5}, Message(header=Header(ttl=2500))),
    Case("header-first-acquirer", {"first_acquirer": True}, Message(header=Header(first_acquirer=True))),
    Case("header-delivery-count", {"delivery_count": 3}, Message(header=Header(delivery_count=3))),
    Case(
        "header-all",
        {"durable": True, "priority": 9, "ttl": 60.0, "first_acquirer": True, "delivery_count": 1},
        Message(header=Header(durable=True, priority=9, ttl=60000, first_acquirer=True, delivery_count=1)),
    ),
    Case("message-id-ulong", {"id": 5}, Message(properties=Properties(message_id=ULong(5)))),
    Case("message-id-uuid", {"id": U}, Message(properties=Properties(message_id=U))),
    Case("message-id-binary", {"id": b"\x00id"}, Message(properties=Properties(message_id=b"\x00id"))),
    Case("message-id-string", {"id": "id-1"}, Message(properties=Properties(message_id="id-1"))),
    Case(
        "correlation-id-ulong",
        {"correlation_id": 2**64 - 1},
        Message(properties=Properties(correlation_id=2**64 - 1)),
    ),
    Case("correlation-id-uuid", {"correlation_id": U}, Message(properties=Properties(correlation_id=U))),
    Case(
        "correlation-id-binary", {"correlation_id": b"c"}, Message(properties=Properties(correlation_id=b"c"))
    ),
    Case(
        "correlation-id-string", {"correlation_id": "c"}, Message(properties=Properties(correlation_id="c"))
    ),
    Case(
        "properties-all",
        {
            "id": "m",
            "user_id": b"user",
            "address": "/q",
            "subject": "subj",
            "reply_to": "/r",
            "correlation_id": "c",
            "content_type": P.symbol("application/json"),
            "content_encoding": P.symbol("gzip"),
            "expiry_time": 1.5,
            "creation_time": 1700000000.123,
            "group_id": "g",
            "group_sequence": 3,
            "reply_to_group_id": "rg",
        },
        Message(
            properties=Properties(
                message_id="m",
                user_id=b"user",
                to="/q",
                subject="subj",
                reply_to="/r",
                correlation_id="c",
                content_type=Symbol("application/json"),
                content_encoding=Symbol("gzip"),
                absolute_expiry_time=Timestamp(1500),
                creation_time=Timestamp(1700000000123),
                group_id="g",
                group_sequence=UInt(3),
                reply_to_group_id="rg",
            )
        ),
    ),
    Case(
        "message-annotations",
        {"annotations": {P.symbol("x-opt"): P.uint(1), P.ulong(5): "v", P.symbol("t"): P.timestamp(7)}},
        Message(message_annotations={Symbol("x-opt"): UInt(1), ULong(5): "v", Symbol("t"): Timestamp(7)}),
    ),
    Case(
        "delivery-annotations",
        {"instructions": {P.symbol("d"): True}},
        Message(delivery_annotations={Symbol("d"): True}),
    ),
    Case(
        "application-properties",
        {"properties": APP_PROPERTIES_PROTON},
        Message(application_properties=APP_PROPERTIES_OURS),
    ),
    Case(
        "everything",
        {
            "durable": True,
            "ttl": 1.0,
            "id": 1,
            "subject": "s",
            "annotations": {P.symbol("a"): 1},
            "instructions": {P.symbol("i"): 2},
            "properties": {"k": "v"},
            "body": [P.symbol("x")],
            "inferred": True,
        },
        Message(
            header=Header(durable=True, ttl=1000),
            delivery_annotations={"i": 2},
            message_annotations={"a": 1},
            properties=Properties(message_id=1, subject="s"),
            application_properties={"k": "v"},
            body=AMQPSequence([Symbol("x")]),
        ),
    ),
]


def proton_message(attributes: dict[str, Any]) -> Any:
    message = P.Message()
    for name, value in attributes.items():
        setattr(message, name, value)
    return message


def effective_header(header: Header | None) -> list[Any]:
    header = Header() if header is None else header
    return [header.effective(name) for name in Header._NAMES]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_proton_to_ours(case: Case) -> None:
    data = proton_message(case.proton).encode()
    for lazy in (False, True):
        ours = Message.decode(data, lazy=lazy)
        assert same_value(effective_header(ours.header), effective_header(case.message.header))
        ours.header = case.message.header
        if ours.properties == Properties() and case.message.properties is None:
            ours.properties = None  # Proton writes an empty properties section
        assert same_value(ours, case.message)
        if not lazy:  # a lazy message keeps Proton's wide forms for untouched sections
            assert ours.encode() == case.message.encode()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_ours_to_proton(case: Case) -> None:
    theirs = P.Message()
    theirs.decode(case.message.encode())
    for name, value in case.proton.items():
        assert same_proton(getattr(theirs, name), value), name
    if "body" not in case.proton:
        assert theirs.body is None


def test_proton_w1_matches_the_shared_bytes() -> None:
    """The shared W1 payload is what this Proton writes for W1's content."""
    w1 = W1
    message = proton_message(
        {
            "durable": True,
            "ttl": 60.0,
            "id": "msg-0001",
            "address": "/queues/orders",
            "subject": "order.created",
            "reply_to": "/queues/replies",
            "correlation_id": "corr-42",
            "content_type": P.symbol("application/json"),
            "creation_time": 1700000000.123,
            "properties": {
                "tenant": "acme",
                "region": "eu-west-1",
                "source": "web",
                "trace_id": "4bf92f3577b34da6",
                "retries": P.int32(3),
                "size": P.int32(1024),
                "offset": 1099511627776,
                "express": True,
                "gift": False,
                "weight": 2.5,
            },
            "body": bytes(range(256)),
            "inferred": True,
        }
    )
    assert message.encode() == w1
    ours = Message.decode(w1)
    theirs = P.Message()
    theirs.decode(ours.encode())
    assert theirs.properties == message.properties and bytes(theirs.body) == bytes(range(256))


def test_footer_and_data_sections_against_the_spec() -> None:
    """Proton drops footers and keeps only the last of several data sections; we keep
    both (§3.2.6: the body "consists of one or more data sections"; §3.2.9 footer).
    Proton still reads our bytes: it takes the last data section's content."""
    message = Message(body=[Data(b"one"), Data(b"two")], footer={"sig": b"\x01"})
    data = message.encode()
    assert data == bytes.fromhex("005375a0036f6e65005375a00374776f005378c10902a303736967a00101")
    assert same_value(Message.decode(data), message)
    theirs = P.Message()
    theirs.decode(data)
    assert bytes(theirs.body) in (b"one", b"two")
