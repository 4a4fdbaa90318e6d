"""Message speed on W1 (tests/data/w1_proton.hex: 539 bytes as Proton writes them; content
in /work/shared/bench/README.md) against the peers of /work/shared/PEERS.md.

Run: ``python -m pytest benchmarks/test_bench_message.py --benchmark-group-by=group``.
CI runs it with ``--benchmark-disable`` as a smoke test; timings are never asserted.

Groups: ``W1-decode`` (decode and read every field: header, properties, the ten
application properties and the body bytes; ours also lazily, reading only
``properties.message_id``), ``W1-encode``.  Each peer is checked to accept or produce
the same content before it is timed, and skipped when not installed.  Proton's
decoded body is a view into memory its next decode reuses, so reading it means
copying it (``bytes(body)``), as an application must.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import amqpcodec.message as message_module
from amqpcodec import Int, Symbol, Timestamp, UInt
from amqpcodec.message import Header, Message, Properties

W1 = bytes.fromhex((Path(__file__).parent.parent / "tests" / "data" / "w1_proton.hex").read_text().strip())
BODY = bytes(range(256))
APP = {
    "tenant": "acme",
    "region": "eu-west-1",
    "source": "web",
    "trace_id": "4bf92f3577b34da6",
    "retries": 3,
    "size": 1024,
    "offset": 1099511627776,
    "express": True,
    "gift": False,
    "weight": 2.5,
}
#: (message-id, to, subject, reply-to, correlation-id, content-type, creation-time ms)
PROPS = ("msg-0001", "/queues/orders", "order.created", "/queues/replies", "corr-42", "application/json", 1700000000123)


def w1_message() -> Message:
    return Message(
        header=Header(durable=True, ttl=UInt(60000)),
        properties=Properties(
            message_id="msg-0001",
            to="/queues/orders",
            subject="order.created",
            reply_to="/queues/replies",
            correlation_id="corr-42",
            content_type=Symbol("application/json"),
            creation_time=Timestamp(1700000000123),
        ),
        application_properties={**APP, "retries": Int(3), "size": Int(1024)},
        body=BODY,
    )


@pytest.fixture
def ours(backend: ModuleType, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The message layer running on ``backend``'s value codec."""
    monkeypatch.setattr(message_module, "_decode_prefix", backend.decode_prefix)
    monkeypatch.setattr(message_module, "_encode", backend.encode)
    return backend


def _read_ours(message: Message) -> tuple[Any, ...]:
    h, p = message.header, message.properties
    assert h is not None and p is not None and message.application_properties is not None
    return (
        (h.durable, h.priority, h.ttl, h.first_acquirer, h.delivery_count),
        (p.message_id, p.user_id, p.to, p.subject, p.reply_to, p.correlation_id, p.content_type),
        (p.content_encoding, p.absolute_expiry_time, p.creation_time, p.group_id, p.group_sequence),
        p.reply_to_group_id,
        dict(message.application_properties.items()),
        message.body[0].value,  # type: ignore[index]
    )


def _check(header: tuple[Any, ...], properties: tuple[Any, ...], app: dict[Any, Any], body: bytes) -> None:
    assert header == (True, 60000), header
    assert properties == PROPS, properties
    assert app == APP, app
    assert bytes(body) == BODY


def _check_ours(read: tuple[Any, ...]) -> None:
    (durable, _, ttl, _, _), (mid, _, to, subject, reply_to, cid, ctype), (_, _, created, *_), _, app, body = read
    _check((durable, ttl), (mid, to, subject, reply_to, cid, ctype, created), app, body)


# --------------------------------------------------------------------------- decode


@pytest.mark.benchmark(group="W1-decode")
def test_decode_eager_amqpcodec(benchmark: Any, ours: ModuleType) -> None:
    _check_ours(benchmark(lambda: _read_ours(Message.decode(W1))))


@pytest.mark.benchmark(group="W1-decode")
def test_decode_lazy_read_message_id_amqpcodec(benchmark: Any, ours: ModuleType) -> None:
    _check_ours(_read_ours(Message.decode(W1, lazy=True)))

    def decode() -> Any:
        return Message.decode(W1, lazy=True).properties.message_id  # type: ignore[union-attr]

    assert benchmark(decode) == "msg-0001"


@pytest.mark.benchmark(group="W1-decode")
def test_decode_proton(benchmark: Any) -> None:
    proton = pytest.importorskip("proton")

    def decode() -> tuple[Any, ...]:
        m = proton.Message()
        m.decode(W1)
        return (
            (m.durable, m.priority, m.ttl, m.first_acquirer, m.delivery_count),
            (m.id, m.user_id, m.address, m.subject, m.reply_to, m.correlation_id, m.content_type),
            (m.content_encoding, m.expiry_time, m.creation_time, m.group_id, m.group_sequence),
            m.reply_to_group_id,
            m.properties,
            bytes(m.body),
        )

    (durable, _, ttl, _, _), (mid, _, to, subject, reply_to, cid, ctype), (_, _, created, *_), _, app, body = (
        benchmark(decode)
    )
    _check((durable, round(ttl * 1000)), (mid, to, subject, reply_to, cid, ctype, round(created * 1000)), app, body)


@pytest.mark.benchmark(group="W1-decode")
def test_decode_azure_pyamqp(benchmark: Any) -> None:
    decode_mod = pytest.importorskip("azure.servicebus._pyamqp._decode")

    def decode() -> tuple[Any, ...]:
        m = decode_mod.decode_payload(memoryview(W1))
        h, p = m.header, m.properties
        return (
            (h.durable, h.priority, h.ttl, h.first_acquirer, h.delivery_count),
            (p.message_id, p.user_id, p.to, p.subject, p.reply_to, p.correlation_id, p.content_type),
            (p.content_encoding, p.absolute_expiry_time, p.creation_time, p.group_id, p.group_sequence),
            p.reply_to_group_id,
            m.application_properties,
            m.data[0],
        )

    (durable, _, ttl, _, _), props, (_, _, created, *_), _, app, body = benchmark(decode)
    # _pyamqp decodes strings, symbols and keys to bytes (PEERS.md): compare decoded.
    text = tuple(v.decode() for v in props if v is not None)
    plain = {k.decode(): v.decode() if isinstance(v, bytes) else v for k, v in app.items()}
    _check((durable, ttl), (*text, created), plain, body)


@pytest.mark.benchmark(group="W1-decode")
def test_decode_rbfly(benchmark: Any) -> None:
    rbfly = pytest.importorskip("rbfly.amqp._message")

    def decode() -> tuple[Any, ...]:
        m = rbfly.decode_amqp(W1)
        h, p = m.header, m.properties
        return (
            (h.durable, h.priority, h.ttl, h.first_acquirer, h.delivery_count),
            (p.message_id, p.user_id, p.to, p.subject, p.reply_to, p.correlation_id, p.content_type),
            (p.content_encoding, p.absolute_expiry_time, p.creation_time, p.group_id, p.group_sequence),
            p.reply_to_group_id,
            m.app_properties,
            m.body,
        )

    (durable, _, ttl, _, _), (mid, _, to, subject, reply_to, cid, ctype), (_, _, created, *_), _, app, body = (
        benchmark(decode)
    )
    created_ms = round(created.timestamp() * 1000)
    _check((durable, ttl), (mid, to, subject, reply_to, cid, ctype.name, created_ms), app, body)


@pytest.mark.benchmark(group="W1-decode")
def test_decode_msgpack(benchmark: Any) -> None:
    """msgpack on the same content as one plain dict (no AMQP types): a speed reference."""
    msgpack = pytest.importorskip("msgpack")
    content = {"header": [True, None, 60000], "properties": list(PROPS), "application_properties": APP, "body": BODY}
    data = msgpack.packb(content)
    assert benchmark(msgpack.unpackb, data) == content


# --------------------------------------------------------------------------- encode


@pytest.mark.benchmark(group="W1-encode")
def test_encode_amqpcodec(benchmark: Any, ours: ModuleType) -> None:
    message = w1_message()
    data = benchmark(message.encode)
    assert Message.decode(data) == Message.decode(W1) and len(data) == 533


@pytest.mark.benchmark(group="W1-encode")
def test_encode_proton(benchmark: Any) -> None:
    proton = pytest.importorskip("proton")
    m = proton.Message()
    m.durable, m.ttl = True, 60.0
    m.id, m.address, m.subject, m.reply_to, m.correlation_id = PROPS[:5]
    m.content_type, m.creation_time = proton.symbol(PROPS[5]), PROPS[6] / 1000
    m.properties = {**APP, "retries": proton.int32(3), "size": proton.int32(1024)}
    m.body, m.inferred = BODY, True
    assert benchmark(m.encode) == W1


@pytest.mark.benchmark(group="W1-encode")
def test_encode_azure_pyamqp(benchmark: Any) -> None:
    encode_mod = pytest.importorskip("azure.servicebus._pyamqp._encode")
    from azure.servicebus._pyamqp.message import Header as AzureHeader
    from azure.servicebus._pyamqp.message import Message as AzureMessage
    from azure.servicebus._pyamqp.message import Properties as AzureProperties
    from azure.servicebus._pyamqp.types import TYPE, VALUE, AMQPTypes

    # _pyamqp writes a Python int as a 32-bit int (PEERS.md): the long needs its type.
    app = {**APP, "offset": {TYPE: AMQPTypes.long, VALUE: APP["offset"]}}
    message = AzureMessage(
        header=AzureHeader(durable=True, ttl=60000),
        properties=AzureProperties(
            message_id=PROPS[0],
            to=PROPS[1],
            subject=PROPS[2],
            reply_to=PROPS[3],
            correlation_id=PROPS[4],
            content_type=PROPS[5],
            creation_time=PROPS[6],
        ),
        application_properties=app,
        data=[BODY],
    )
    data = benchmark(lambda: encode_mod.encode_payload(bytearray(), message))
    assert Message.decode(data) == Message.decode(W1)


@pytest.mark.benchmark(group="W1-encode")
def test_encode_msgpack(benchmark: Any) -> None:
    msgpack = pytest.importorskip("msgpack")
    content = {"header": [True, None, 60000], "properties": list(PROPS), "application_properties": APP, "body": BODY}
    assert msgpack.unpackb(benchmark(msgpack.packb, content)) == content
