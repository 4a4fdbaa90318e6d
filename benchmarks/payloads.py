"""The exact payloads every benchmark and every codec uses.

Seven payloads (issue "Benchmarks"), each as the bytes every decoder reads and as our
typed content, from which each peer's own input is built (``adapters.py``):

1. ``W1``: the 539-byte message of ``tests/data/w1_proton.hex`` exactly as Proton
   writes it (its content: tests/messages/test_golden.py), and :func:`w1_message`, the
   same content as our typed :class:`~amqpcodec.message.Message`;
2. ``W1_FRAME``: W1 as the payload of one transfer frame (Part 2 §2.7.5);
3. ``DATA_1MIB``: a message whose only section is a 1 MiB data body (Part 3 §3.2.6);
4. ``MAP100``: an amqp-value body (§3.2.8) holding :func:`mixed_map_100`;
5. :func:`transfer_stream`: 10,000 transfer frames with 200-byte payloads, one buffer;
6. :func:`control_stream`: 10,000 alternating flow and disposition frames (§2.7.4, §2.7.6);
7. ``ANNOTATED``: a message with 20 message annotations (§3.2.3, symbol keys) and a
   64-byte data body.

:func:`plain` turns any codec's decoded value into one comparable form (str for
strings and symbols, int for integers and millisecond timestamps, bytes for binaries),
and :func:`msgpack_form` that form into what msgpack can hold (a uuid as its 16 bytes).
The scaling payloads (:func:`data_message`, :func:`map_message`) close the module.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from amqpcodec import Accepted, Disposition, Flow, Int, Limits, Role, Symbol, Timestamp, Transfer, UInt
from amqpcodec.frames import encode_frame
from amqpcodec.message import AMQPValue, Header, Message, Properties

__all__ = [
    "W1",
    "W1_BODY",
    "W1_APPLICATION_PROPERTIES",
    "W1_PROPERTIES",
    "W1_TRANSFER",
    "W1_FRAME",
    "DATA_1MIB_BODY",
    "DATA_1MIB",
    "MAP100",
    "ANNOTATIONS",
    "ANNOTATED_BODY",
    "ANNOTATED",
    "FRAME_COUNT",
    "TRANSFER_PAYLOAD",
    "DATA_SIZES",
    "MAP_SIZES",
    "w1_message",
    "data_1mib_message",
    "map100_message",
    "annotated_message",
    "mixed_map_100",
    "mixed_map_100_plain",
    "mixed_map",
    "transfer_performatives",
    "control_performatives",
    "transfer_stream",
    "control_stream",
    "data_message",
    "map_message",
    "map_limits",
    "plain",
    "msgpack_form",
    "content",
]

# --------------------------------------------------------------------------- 1. W1

W1 = bytes.fromhex((Path(__file__).parent.parent / "tests" / "data" / "w1_proton.hex").read_text().strip())
W1_BODY = bytes(range(256))
#: The ten application properties; ``retries`` and ``size`` are AMQP ints on the wire.
W1_APPLICATION_PROPERTIES: dict[str, Any] = {
    "tenant": "acme",
    "region": "eu-west-1",
    "source": "web",
    "trace_id": "4bf92f3577b34da6",
    "retries": Int(3),
    "size": Int(1024),
    "offset": 1099511627776,
    "express": True,
    "gift": False,
    "weight": 2.5,
}
#: The seven properties W1 sets (§3.2.4), by field name.
W1_PROPERTIES: dict[str, Any] = {
    "message_id": "msg-0001",
    "to": "/queues/orders",
    "subject": "order.created",
    "reply_to": "/queues/replies",
    "correlation_id": "corr-42",
    "content_type": Symbol("application/json"),
    "creation_time": Timestamp(1700000000123),
}


def w1_message() -> Message:
    """W1's content as our typed message (header: durable, ttl 60000 ms)."""
    return Message(
        header=Header(durable=True, ttl=UInt(60000)),
        properties=Properties(**W1_PROPERTIES),
        application_properties=W1_APPLICATION_PROPERTIES,
        body=W1_BODY,
    )


# --------------------------------------------------------------------------- 2. W1 in a transfer frame

W1_TRANSFER = Transfer(handle=0, delivery_id=1, delivery_tag=b"tag-0001", message_format=0, settled=False)
W1_FRAME = encode_frame(W1_TRANSFER, 1, W1)

# --------------------------------------------------------------------------- 3. 1 MiB data body

DATA_1MIB_BODY = bytes(range(256)) * 4096


def data_1mib_message() -> Message:
    return Message(body=DATA_1MIB_BODY)


DATA_1MIB = data_1mib_message().encode()

# --------------------------------------------------------------------------- 4. 100-entry map


def _entry(i: int) -> tuple[str, Any]:
    """Entry ``i`` of the mixed map: a fixed cycle over ten kinds of value."""
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


def mixed_map(entries: int) -> dict[str, Any]:
    """``entries`` string keys over a fixed mix of ten AMQP types (nested list and map included)."""
    return dict(_entry(i) for i in range(entries))


def mixed_map_100() -> dict[str, Any]:
    """Payload 4's value: 100 string keys over a fixed mix of AMQP types."""
    return mixed_map(100)


def mixed_map_100_plain() -> dict[str, Any]:
    """The same content as plain msgpack-able Python (uuid → 16 bytes, wrappers → int)."""
    return msgpack_form(plain(mixed_map_100()))  # type: ignore[no-any-return]


def map100_message() -> Message:
    return Message(body=AMQPValue(mixed_map_100()))


MAP100 = map100_message().encode()

# --------------------------------------------------------------------------- 5, 6. frame streams

FRAME_COUNT = 10_000
#: A data section (Part 3 §3.2.6: 00 53 75 vbin8) making exactly 200 payload bytes.
TRANSFER_PAYLOAD = b"\x00\x53\x75\xa0\xc3" + bytes(range(195))
assert len(TRANSFER_PAYLOAD) == 200


def transfer_performatives() -> list[Transfer]:
    """Payload 5's performatives (each frame: channel 1, then :data:`TRANSFER_PAYLOAD`)."""
    return [
        Transfer(handle=0, delivery_id=i, delivery_tag=i.to_bytes(8, "big"), message_format=0, settled=False)
        for i in range(FRAME_COUNT)
    ]


def control_performatives() -> list[Flow | Disposition]:
    """Payload 6: alternating disposition (even) and flow (odd) performatives, channel 1."""
    flow = Flow(
        next_incoming_id=0,
        incoming_window=2048,
        next_outgoing_id=0,
        outgoing_window=2048,
        handle=0,
        delivery_count=0,
        link_credit=100,
    )
    return [
        flow.replace(next_incoming_id=i, delivery_count=i)
        if i % 2
        else Disposition(role=Role.RECEIVER, first=i, last=i + 1, settled=True, state=Accepted())
        for i in range(FRAME_COUNT)
    ]


@functools.cache
def transfer_stream() -> bytes:
    return b"".join(encode_frame(t, 1, TRANSFER_PAYLOAD) for t in transfer_performatives())


@functools.cache
def control_stream() -> bytes:
    return b"".join(encode_frame(p, 1) for p in control_performatives())


# --------------------------------------------------------------------------- 7. annotation-heavy message

_T0 = 1700000000123
#: Twenty message annotations (symbol keys, as Event Hubs and Service Bus send them).
ANNOTATIONS: dict[str, Any] = {
    "x-opt-sequence-number": 1234567890123,
    "x-opt-offset": "4294967296",
    "x-opt-enqueued-time": Timestamp(_T0),
    "x-opt-partition-key": "device-0042",
    "x-opt-partition-id": Int(3),
    "x-opt-publisher": "publisher-7",
    "x-opt-locked-until": Timestamp(_T0 + 60_000),
    "x-opt-lock-token": uuid.UUID("6f1c2a4e-93b0-4d5e-8a7f-0123456789ab"),
    "x-opt-scheduled-enqueue-time": Timestamp(_T0 + 30_000),
    "x-opt-deadletter-source": "orders/subscriptions/audit",
    "x-opt-enqueue-sequence-number": 987654321,
    "x-opt-message-state": Int(0),
    "x-opt-via-partition-key": "device-0042",
    "x-opt-delivery-attempts": UInt(2),
    "x-opt-trace-sampled": True,
    "x-opt-priority-score": 0.75,
    "x-opt-content-kind": Symbol("telemetry"),
    "x-opt-region": Symbol("eu-west-1"),
    "x-opt-retry-after-ms": 30000,
    "x-opt-compressed": False,
}
assert len(ANNOTATIONS) == 20
ANNOTATED_BODY = bytes(range(64))


def annotated_message() -> Message:
    return Message(message_annotations=ANNOTATIONS, body=ANNOTATED_BODY)


ANNOTATED = annotated_message().encode()

# --------------------------------------------------------------------------- scaling

#: Data body sizes for the scaling curve: 64 B … 16 MiB, 4 times apart.
DATA_SIZES = tuple(64 * 4**k for k in range(10))
#: Map sizes for the scaling curve: 10 … 100,000 entries.
MAP_SIZES = (10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000)


@functools.cache
def data_message(size: int) -> bytes:
    """A message holding one data section of ``size`` bytes."""
    return Message(body=(bytes(range(256)) * (size // 256 + 1))[:size]).encode()


@functools.cache
def map_message(entries: int) -> bytes:
    """A message holding an amqp-value body: :func:`mixed_map` of ``entries`` entries."""
    return Message(body=AMQPValue(mixed_map(entries))).encode(limits=map_limits(entries))


def map_limits(entries: int) -> Limits:
    """Limits that let a map of ``entries`` entries (and a 16 MiB message) through."""
    return Limits(max_map_entries=max(entries, 2048), max_message_size=64 * 1024 * 1024)


# --------------------------------------------------------------------------- plain form

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def plain(value: Any) -> Any:
    """``value`` in codec-neutral types: int, float, bool, str, bytes, UUID, None, list, dict.

    Strings and symbols (ours, Proton's, RbFly's) become ``str``, every integer and
    timestamp wrapper ``int`` (timestamps in ms; an aware ``datetime`` too), binaries
    and memoryviews ``bytes``.
    """
    if value is None or type(value) in (bool, str, bytes, float, int, uuid.UUID):
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, datetime.datetime):
        delta = value - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if isinstance(value, Mapping):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if type(value).__name__ == "Symbol" and hasattr(value, "name"):  # RbFly's symbol
        return str(value.name)
    return value


def msgpack_form(value: Any) -> Any:
    """A plain value as msgpack holds it: a uuid as its 16 bytes."""
    if isinstance(value, uuid.UUID):
        return value.bytes
    if isinstance(value, dict):
        return {k: msgpack_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [msgpack_form(v) for v in value]
    return value


def content(message: Message) -> dict[str, Any]:
    """The plain content of one of our messages: each present section, header and
    properties as ``{field: value}`` of the fields set (absent when none is: Proton
    always writes both), the body as bytes or a value."""
    found: dict[str, Any] = {}
    for name in ("header", "properties"):
        section = getattr(message, name)
        fields = {} if section is None else {f: getattr(section, f) for f in section._NAMES}
        if any(value is not None for value in fields.values()):
            found[name] = {f: plain(value) for f, value in fields.items() if value is not None}
    for name in ("delivery_annotations", "message_annotations", "application_properties", "footer"):
        section = getattr(message, name)
        if section is not None:
            found[name] = plain(dict(section.items()))
    body = message.body
    if isinstance(body, tuple):
        found["body"] = b"".join(bytes(section.value) for section in body)
    elif body is not None:
        found["body"] = plain(body.value)
    return found
