"""Interoperability with a live broker over AMQP 0-9-1: RabbitMQ 3.10 (AMQP 0-9-1 spec, RabbitMQ
errata and extensions).

The client is ``examples/amqp091_client.py`` (a sans-IO connection and a blocking socket loop,
written only on ``amqpcodec.amqp091``).  ``.ci/broker-tests`` starts RabbitMQ on 127.0.0.1 and
sets ``AMQPCODEC_BROKER=host:port``; without it every test here skips.  Under CI, a broker that
cannot be reached, or that is not RabbitMQ 3.10, is a failure.

Every test synchronises on the broker's own answers (synchronous replies, publisher confirms,
``basic.get``), never on sleeps; each uses fresh queue and exchange names and removes them.

What comes back equals what was sent, field for field and type for type; a message the broker
passes through unchanged comes back with the very content-header bytes we wrote.  What RabbitMQ
3.10 changes (asserted in the tests named):

- a message it must rewrite (dead-lettering, ``test_dead_lettering_re_encodes_the_headers``)
  has its headers table decoded and written again by the broker: an ``L`` value comes back as
  ``l``, a ``t`` octet other than 0 or 1 comes back as 1, the top-level keys come back sorted,
  every other letter keeps its type and value; it adds ``x-death``, ``x-first-death-*`` and
  drops ``expiration``;
- a publisher nack comes with ``multiple`` and ``requeue`` set
  (``test_publisher_confirms_ack_and_nack``);
- the body frames it sends are split at the negotiated ``frame_max`` (``test_bodies_split_at_frame_max``);
- a server-side consumer cancel and a 403 on bad credentials come only to a client that
  announces ``consumer_cancel_notify`` and ``authentication_failure_close``.
"""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from amqpcodec.amqp091 import (
    BasicAck,
    BasicCancel,
    BasicCancelOk,
    BasicConsume,
    BasicConsumeOk,
    BasicDeliver,
    BasicGetOk,
    BasicNack,
    BasicProperties,
    BasicQos,
    BasicQosOk,
    BasicRecover,
    BasicRecoverOk,
    BasicReject,
    BasicReturn,
    BodyFrame,
    ConfirmSelect,
    ConfirmSelectOk,
    ConnectionTune,
    ExchangeBind,
    ExchangeBindOk,
    ExchangeDeclare,
    ExchangeDeclareOk,
    ExchangeDelete,
    ExchangeDeleteOk,
    ExchangeUnbind,
    ExchangeUnbindOk,
    FieldValue,
    HeaderFrame,
    HeartbeatFrame,
    Message,
    MethodFrame,
    QueueBind,
    QueueBindOk,
    QueueDeclare,
    QueueDeclareOk,
    QueueDelete,
    QueueDeleteOk,
    QueuePurge,
    QueuePurgeOk,
    QueueUnbind,
    QueueUnbindOk,
    ReplyCode,
    Timestamp,
    TxCommit,
    TxCommitOk,
    TxRollback,
    TxRollbackOk,
    TxSelect,
    TxSelectOk,
    encode_content_header,
)
from amqpcodec.testing import same_value
from amqpcodec.types import Byte, Float, Int, Short, UByte, UInt, UShort
from tests.helpers.broker import BROKER_MARKS, broker_address, fail_or_skip, load_example, unique_name

pytestmark = BROKER_MARKS

client = load_example("amqp091_client.py")
BlockingClient = client.BlockingClient
ChannelClosed = client.ChannelClosed
ConnectionClosed = client.ConnectionClosed

#: The negotiated frame size that makes bodies split (RabbitMQ's and the spec's minimum).
SMALL_FRAME_MAX = 8192
MIB = 1 << 20


@dataclasses.dataclass(frozen=True)
class Broker:
    host: str
    port: int
    server_properties: dict[str, Any]


@pytest.fixture(scope="module")
def broker() -> Broker:
    """The broker AMQPCODEC_BROKER names, checked to be reachable and RabbitMQ 3.10."""
    host, port = broker_address()
    try:
        with BlockingClient(host, port, timeout=10) as probe:
            probe.connect()
            start = probe.connection.server_start
            probe.close()
    except (OSError, ValueError) as error:
        fail_or_skip(f"{host}:{port}: no AMQP 0-9-1 broker there ({error!r})")
    properties = dict(start.server_properties)
    product, version = properties.get("product"), str(properties.get("version", ""))
    if product != "RabbitMQ" or not version.startswith("3.10."):
        fail_or_skip(f"these tests record RabbitMQ 3.10's behaviour; {host}:{port} is {product} {version}")
    return Broker(host, port, properties)


@pytest.fixture
def connect(broker: Broker) -> Iterator[Callable[..., Any]]:
    """``connect(**options)``: a connected client, its socket closed after the test."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("timeout", 10)
        made.append(BlockingClient(broker.host, broker.port, **options))
        made[-1].connect()
        return made[-1]

    yield make
    for each in made:
        each.sock.close()


def temporary_queue(connection: Any, channel: int, **arguments: Any) -> str:
    """A fresh auto-deleted, exclusive queue (removed with the connection)."""
    name = unique_name("queue")
    connection.call(QueueDeclare(queue=name, exclusive=True, arguments=arguments), channel=channel)
    return name


def confirmed_channel(connection: Any) -> int:
    """A channel in publisher-confirm mode (RabbitMQ's confirm.select)."""
    channel = connection.channel()
    assert isinstance(connection.call(ConfirmSelect(), channel=channel), ConfirmSelectOk)
    return channel


def confirm(connection: Any, channel: int, tag: int) -> BasicAck | BasicNack:
    """Wait for the confirm covering delivery tag ``tag`` (an ack or nack, maybe ``multiple``)."""

    def covers(event: Any) -> bool:
        if not (isinstance(event, MethodFrame) and event.channel == channel):
            return False
        method = event.method
        if not isinstance(method, (BasicAck, BasicNack)):
            return False
        return method.delivery_tag == tag or (method.multiple and method.delivery_tag >= tag)

    event = connection.wait_for(covers, channel=channel)
    return event.method


def publish_confirmed(connection: Any, channel: int, tag: int, body: bytes, **options: Any) -> None:
    """Publish on a confirm channel and wait for the broker's ack of delivery tag ``tag``."""
    connection.publish(channel, body, **options)
    assert isinstance(confirm(connection, channel, tag), BasicAck)


def deliveries(connection: Any, channel: int, consumer_tag: str) -> Callable[[], Message]:
    """A function returning the next delivery to ``consumer_tag``."""

    def next_delivery() -> Message:
        return connection.message(
            lambda message: (
                isinstance(message.method, BasicDeliver) and message.method.consumer_tag == consumer_tag
            ),
            channel=channel,
        )

    return next_delivery


# --------------------------------------------------------------------------- connection


@pytest.mark.parametrize("mechanism", ["PLAIN", "AMQPLAIN"])
def test_handshake(connect: Callable[..., Any], mechanism: str) -> None:
    """§2.2.4: start/start-ok, tune/tune-ok, open/open-ok, with either mechanism."""
    connection = connect(mechanism=mechanism, frame_max=SMALL_FRAME_MAX)
    state = connection.connection
    start = state.server_start
    assert (start.version_major, start.version_minor) == (0, 9)
    assert set(start.mechanisms.split()) >= {b"PLAIN", b"AMQPLAIN"}
    assert start.locales == b"en_US"
    capabilities = start.server_properties["capabilities"]
    for name in (
        "publisher_confirms",
        "basic.nack",
        "consumer_cancel_notify",
        "authentication_failure_close",
    ):
        assert capabilities[name] is True
    tune = next(
        e.method
        for e in connection.log
        if isinstance(e, MethodFrame) and isinstance(e.method, ConnectionTune)
    )
    assert state.tune.frame_max == SMALL_FRAME_MAX < tune.frame_max
    assert state.tune.channel_max == min(tune.channel_max, 2047)
    assert state.opened
    connection.close()
    assert state.remote_close is None


def test_bad_credentials_are_refused_with_403(connect: Callable[..., Any]) -> None:
    """RabbitMQ extension ``authentication_failure_close``: a failed login is a connection.close
    with 403 ACCESS_REFUSED (without the capability it drops the socket)."""
    with pytest.raises(ConnectionClosed) as caught:
        connect(password="not-the-password")
    method = caught.value.method
    assert method.reply_code == ReplyCode.ACCESS_REFUSED
    assert b"PLAIN" in method.reply_text.encode()


def test_missing_virtual_host_is_refused_with_530(connect: Callable[..., Any]) -> None:
    """§2.2.4: connection.open of a vhost that does not exist is closed with 530 NOT_ALLOWED,
    naming connection.open (class 10, method 40)."""
    with pytest.raises(ConnectionClosed) as caught:
        connect(virtual_host="/" + unique_name("vhost"))
    method = caught.value.method
    assert (method.reply_code, method.class_id, method.method_id) == (ReplyCode.NOT_ALLOWED, 10, 40)


def test_channel_error_on_a_passive_declare(connect: Callable[..., Any]) -> None:
    """§1.7.2.1 queue.declare passive of a missing queue: channel.close 404 naming queue.declare;
    the connection and its other channels go on."""
    connection = connect()
    other = connection.channel()
    channel = connection.channel()
    with pytest.raises(ChannelClosed) as caught:
        connection.call(QueueDeclare(queue=unique_name("missing"), passive=True), channel=channel)
    method = caught.value.method
    assert (method.reply_code, method.class_id, method.method_id) == (ReplyCode.NOT_FOUND, 50, 10)
    assert caught.value.channel == channel
    queue = temporary_queue(connection, other)
    reopened = connection.channel()
    assert reopened == channel  # the closed channel's number is free again
    ok = connection.call(QueueDeclare(queue=queue, passive=True), channel=reopened)
    assert isinstance(ok, QueueDeclareOk) and ok.queue == queue


def test_heartbeats_both_ways(connect: Callable[..., Any]) -> None:
    """§4.2.7: with a 1 s interval the broker sends heartbeat frames and accepts ours; after
    three of its heartbeats (more than the two intervals it waits before giving up on a silent
    peer) the connection still answers."""
    connection = connect(heartbeat=1)
    assert connection.connection.tune.heartbeat == 1
    channel = connection.channel()
    for _ in range(3):
        connection.wait_for(lambda event: isinstance(event, HeartbeatFrame), timeout=5)
    assert connection.heartbeats_sent >= 2
    assert isinstance(connection.call(BasicQos(prefetch_count=5), channel=channel), BasicQosOk)
    connection.close()


# --------------------------------------------------------------------------- topology


def test_exchange_and_queue_lifecycle(connect: Callable[..., Any]) -> None:
    """§1.6-§1.7 with arguments: exchange declare/bind/unbind/delete, queue declare/bind/unbind/
    purge/delete; routing checked with confirms and gets."""
    connection = connect()
    channel = confirmed_channel(connection)
    source, target, alternate = (unique_name("exchange") for _ in range(3))
    queue = unique_name("queue")
    call = connection.call
    declare = ExchangeDeclare(
        exchange=alternate, type="fanout", auto_delete=True, arguments={"x-note": "alt"}
    )
    assert isinstance(call(declare, channel=channel), ExchangeDeclareOk)
    args = {"alternate-exchange": alternate}
    assert isinstance(
        call(ExchangeDeclare(exchange=source, type="topic", arguments=args), channel=channel),
        ExchangeDeclareOk,
    )
    assert isinstance(
        call(ExchangeDeclare(exchange=target, type="headers"), channel=channel), ExchangeDeclareOk
    )
    passive = call(ExchangeDeclare(exchange=source, type="topic", passive=True), channel=channel)
    assert isinstance(passive, ExchangeDeclareOk)
    queue_args = {"x-message-ttl": 60_000, "x-max-length": 100, "x-queue-mode": "default"}
    ok = call(QueueDeclare(queue=queue, arguments=queue_args), channel=channel)
    assert ok == QueueDeclareOk(queue=queue, message_count=0, consumer_count=0)
    header_match = {"x-match": "all", "kind": "order"}
    binding = ExchangeBind(destination=target, source=source, routing_key="orders.#")
    assert isinstance(call(binding, channel=channel), ExchangeBindOk)
    queue_binding = QueueBind(queue=queue, exchange=target, arguments=header_match)
    assert isinstance(call(queue_binding, channel=channel), QueueBindOk)
    order = BasicProperties(headers={"kind": "order"})
    for tag in (1, 2):
        publish_confirmed(
            connection, channel, tag, b"routed", exchange=source, routing_key="orders.new", properties=order
        )
    assert call(QueueDeclare(queue=queue, passive=True), channel=channel).message_count == 2
    assert call(QueuePurge(queue=queue), channel=channel) == QueuePurgeOk(message_count=2)
    assert isinstance(
        call(ExchangeUnbind(destination=target, source=source, routing_key="orders.#"), channel=channel),
        ExchangeUnbindOk,
    )
    assert isinstance(
        call(QueueUnbind(queue=queue, exchange=target, arguments=header_match), channel=channel),
        QueueUnbindOk,
    )
    publish_confirmed(
        connection, channel, 3, b"unrouted", exchange=source, routing_key="orders.new", properties=order
    )
    assert call(QueueDeclare(queue=queue, passive=True), channel=channel).message_count == 0
    publish_confirmed(connection, channel, 4, b"kept", routing_key=queue)
    assert call(QueueDelete(queue=queue), channel=channel) == QueueDeleteOk(message_count=1)
    for name in (source, target, alternate):
        assert isinstance(call(ExchangeDelete(exchange=name), channel=channel), ExchangeDeleteOk)
    connection.close()


def test_several_channels(connect: Callable[..., Any]) -> None:
    """§2.2.5: channels are independent; contents on different channels may interleave (we
    publish on three before reading any), and closing one leaves the others working."""
    connection = connect(frame_max=SMALL_FRAME_MAX)
    channels = [confirmed_channel(connection) for _ in range(3)]
    queues = {channel: temporary_queue(connection, channel) for channel in channels}
    bodies = {channel: bytes([channel]) * (3 * SMALL_FRAME_MAX) for channel in channels}
    for channel in channels:
        connection.publish(channel, bodies[channel], routing_key=queues[channel])
    for channel in channels:
        assert isinstance(confirm(connection, channel, 1), BasicAck)
    connection.close_channel(channels[0])
    for channel in channels[1:]:
        message = connection.get(channel, queues[channel])
        assert message.body == bodies[channel] and message.channel == channel
    connection.close()


# --------------------------------------------------------------------------- messages


#: Every field letter RabbitMQ accepts in a headers table (all but ``U``), one entry each,
#: plus the non-canonical values a pass-through must keep.
EVERY_LETTER: dict[str, Any] = {
    "t": True,
    "b": Byte(-128),
    "B": UByte(255),
    "s": Short(-32768),
    "u": UShort(65535),
    "I": Int(-(2**31)),
    "i": UInt(2**32 - 1),
    "l": -(2**63),
    "L": FieldValue("L", 2**62 + 1),
    "f": Float(1.5),
    "d": 0.1,
    "D": decimal.Decimal("-123.4500"),
    "S": "snow ☃ man",
    "x": b"\x00\xffbytes",
    "A": [Byte(1), "two", [True, None], {"k": UShort(3)}],
    "T": Timestamp(1_700_000_000),
    "F": {"z-inner": {"deep": UInt(7), "a-empty": {}}, "list": []},
    "V": None,
    "t-other-octet": FieldValue("t", 2),
    "S-not-utf8": FieldValue("S", b"\xff\xfe"),
}

ALL_PROPERTIES = BasicProperties(
    content_type="application/x-amqpcodec",
    content_encoding="identity",
    headers=EVERY_LETTER,
    delivery_mode=2,
    priority=7,
    correlation_id="correlation-☃",
    reply_to="amq.rabbitmq.reply-to.nowhere",
    expiration="60000",
    message_id="",
    timestamp=Timestamp(2**33),
    type="test.type",
    user_id="guest",
    app_id="amqpcodec",
    cluster_id="cluster",
)


def header_payload(connection: Any, message_channel: int) -> bytes:
    """The last content-header frame the broker sent on a channel, re-framed as sent."""
    frame = [e for e in connection.log if isinstance(e, HeaderFrame) and e.channel == message_channel][-1]
    return encode_content_header(frame.properties, frame.body_size, channel=frame.channel)


@pytest.mark.parametrize("path", ["get", "deliver"])
def test_every_property_and_header_letter_comes_back(connect: Callable[..., Any], path: str) -> None:
    """§4.2.6.1, RabbitMQ errata §3: every basic property and a header of every letter pass
    through the broker unchanged, field for field, type for type and byte for byte."""
    connection = connect()
    channel = confirmed_channel(connection)
    queue = temporary_queue(connection, channel)
    body = b"every property"
    publish_confirmed(connection, channel, 1, body, routing_key=queue, properties=ALL_PROPERTIES)
    if path == "get":
        message = connection.get(channel, queue)
        assert message.method.message_count == 0 and message.method.routing_key == queue
    else:
        tag = connection.call(BasicConsume(queue=queue, no_ack=True), channel=channel).consumer_tag
        message = deliveries(connection, channel, tag)()
        assert message.method.exchange == "" and not message.method.redelivered
    assert message.body == body
    assert same_value(message.properties, ALL_PROPERTIES), message.properties
    sent = encode_content_header(ALL_PROPERTIES, len(body), channel=channel)
    assert header_payload(connection, channel) == sent
    connection.close()


def test_dead_lettering_re_encodes_the_headers(connect: Callable[..., Any]) -> None:
    """A dead-lettered message (rejected without requeue) is rewritten by RabbitMQ: it decodes
    the headers and writes them again.  Recorded: ``L`` comes back ``l`` (same value), the
    ``t`` octet 2 comes back ``True``, the top-level keys come back sorted (bytewise; nested
    tables keep their order); it adds x-death (with the ``original-expiration``) and
    x-first-death-*, and drops ``expiration``; everything else keeps its type and value."""
    connection = connect()
    channel = confirmed_channel(connection)
    dead = temporary_queue(connection, channel)
    queue = temporary_queue(
        connection, channel, **{"x-dead-letter-exchange": "", "x-dead-letter-routing-key": dead}
    )
    publish_confirmed(connection, channel, 1, b"doomed", routing_key=queue, properties=ALL_PROPERTIES)
    first = connection.get(channel, queue, no_ack=False)
    connection.connection.send(
        BasicReject(delivery_tag=first.method.delivery_tag, requeue=False), channel=channel
    )
    message = None
    while message is None:  # dead-lettering is asynchronous: poll with get until it lands
        message = connection.get(channel, dead)
    headers = dict(message.properties.headers)
    death = headers.pop("x-death")
    assert [entry["reason"] for entry in death] == ["rejected"]
    assert death[0]["queue"] == queue and death[0]["count"] == 1
    assert death[0]["routing-keys"] == [queue] and death[0]["original-expiration"] == "60000"
    assert headers.pop("x-first-death-reason") == "rejected"
    assert headers.pop("x-first-death-queue") == queue
    assert headers.pop("x-first-death-exchange") == ""
    expected = dict(EVERY_LETTER, **{"L": 2**62 + 1, "t-other-octet": True})
    assert list(headers) == sorted(expected, key=str.encode)  # recorded: top-level keys sorted
    assert same_value(headers, {key: expected[key] for key in headers}), headers
    assert same_value(
        message.properties, ALL_PROPERTIES.replace(headers=message.properties.headers, expiration=None)
    )
    connection.close()


@pytest.mark.parametrize("size", [0, 1, SMALL_FRAME_MAX - 8, SMALL_FRAME_MAX - 7, MIB])
def test_bodies_split_at_frame_max(connect: Callable[..., Any], size: int) -> None:
    """§4.2.6: a body is split into frames of at most frame_max bytes (8 of which are framing);
    an empty body has no body frame; both directions at a negotiated frame_max of 8192."""
    connection = connect(frame_max=SMALL_FRAME_MAX)
    channel = confirmed_channel(connection)
    queue = temporary_queue(connection, channel)
    body = bytes(range(256)) * (size // 256) + bytes(size % 256)
    publish_confirmed(connection, channel, 1, body, routing_key=queue)
    seen = len(connection.log)
    message = connection.get(channel, queue)
    assert message.body == body
    frames = [e for e in connection.log[seen:] if isinstance(e, BodyFrame)]
    per_frame = SMALL_FRAME_MAX - 8
    assert [len(frame.payload) for frame in frames] == [
        min(per_frame, size - at) for at in range(0, size, per_frame)
    ]
    connection.close()


def test_one_mebibyte_with_the_default_frame_max(connect: Callable[..., Any]) -> None:
    """A ~1 MiB body at RabbitMQ's default frame_max (131072) comes back whole."""
    connection = connect()
    channel = confirmed_channel(connection)
    queue = temporary_queue(connection, channel)
    body = b"0123456789abcdef" * (MIB // 16) + b"tail"
    publish_confirmed(connection, channel, 1, body, routing_key=queue)
    assert connection.get(channel, queue).body == body
    connection.close()


# --------------------------------------------------------------------------- basic class


def test_get_and_get_empty(connect: Callable[..., Any]) -> None:
    """§1.8.3.10: get-ok carries the message and the count left; an empty queue is get-empty."""
    connection = connect()
    channel = confirmed_channel(connection)
    queue = temporary_queue(connection, channel)
    assert connection.get(channel, queue) is None
    for tag, body in enumerate([b"one", b"two"], start=1):
        publish_confirmed(connection, channel, tag, body, routing_key=queue)
    first = connection.get(channel, queue)
    assert (first.body, first.method.message_count, first.method.delivery_tag) == (b"one", 1, 1)
    assert isinstance(first.method, BasicGetOk)
    assert connection.get(channel, queue).body == b"two"
    assert connection.get(channel, queue) is None
    connection.close()


def test_consume_ack_nack_reject_recover(connect: Callable[..., Any]) -> None:
    """§1.8.3: deliveries with acknowledgements: ack; nack and reject with requeue come back
    redelivered; reject without requeue drops; recover(requeue) redelivers what is unacked."""
    connection = connect()
    channel = confirmed_channel(connection)
    queue = temporary_queue(connection, channel)
    for tag in (1, 2, 3, 4):
        publish_confirmed(connection, channel, tag, b"m%d" % tag, routing_key=queue)
    consumer = connection.call(BasicConsume(queue=queue, consumer_tag="ours"), channel=channel)
    assert consumer == BasicConsumeOk(consumer_tag="ours")
    receive = deliveries(connection, channel, "ours")
    first = [receive() for _ in range(4)]
    assert [m.body for m in first] == [b"m1", b"m2", b"m3", b"m4"]
    assert [m.method.delivery_tag for m in first] == [1, 2, 3, 4]
    assert not any(m.method.redelivered for m in first)
    send = connection.connection.send
    send(BasicAck(delivery_tag=1), channel=channel)
    send(BasicNack(delivery_tag=2, requeue=True), channel=channel)
    again = receive()
    assert (again.body, again.method.redelivered) == (b"m2", True)
    send(BasicReject(delivery_tag=3, requeue=True), channel=channel)
    again3 = receive()
    assert (again3.body, again3.method.redelivered) == (b"m3", True)
    send(BasicReject(delivery_tag=again3.method.delivery_tag, requeue=False), channel=channel)
    assert isinstance(connection.call(BasicRecover(requeue=True), channel=channel), BasicRecoverOk)
    recovered = sorted(receive().body for _ in range(2))
    assert recovered == [b"m2", b"m4"]  # m1 acked, m3 rejected without requeue
    send(BasicAck(delivery_tag=0, multiple=True), channel=channel)
    assert connection.call(BasicCancel(consumer_tag="ours"), channel=channel) == BasicCancelOk(
        consumer_tag="ours"
    )
    assert connection.call(QueueDeclare(queue=queue, passive=True), channel=channel).message_count == 0
    connection.close()


def test_qos_limits_unacknowledged_deliveries(connect: Callable[..., Any]) -> None:
    """§1.8.3.1 basic.qos prefetch_count=1: one delivery at a time; the next one only after the ack
    (the broker's ready count says the second is still waiting)."""
    connection = connect()
    channel = confirmed_channel(connection)
    queue = temporary_queue(connection, channel)
    for tag in (1, 2):
        publish_confirmed(connection, channel, tag, b"q%d" % tag, routing_key=queue)
    assert isinstance(connection.call(BasicQos(prefetch_count=1), channel=channel), BasicQosOk)
    tag = connection.call(BasicConsume(queue=queue), channel=channel).consumer_tag
    receive = deliveries(connection, channel, tag)
    assert receive().body == b"q1"
    assert connection.call(QueueDeclare(queue=queue, passive=True), channel=channel).message_count == 1
    connection.connection.send(BasicAck(delivery_tag=1), channel=channel)
    assert receive().body == b"q2"
    connection.close()


def test_publisher_confirms_ack_and_nack(connect: Callable[..., Any]) -> None:
    """RabbitMQ's confirm.select: each publish is acked; a queue that refuses it (x-max-length=1,
    x-overflow=reject-publish) makes the broker nack it.  Recorded: that nack has ``multiple``
    set (RabbitMQ coalesces nacks up to the lowest unconfirmed tag; tag 1 is already acked) and
    ``requeue`` set (meaningless for a publisher nack; the spec table's default)."""
    connection = connect()
    channel = confirmed_channel(connection)
    queue = temporary_queue(connection, channel, **{"x-max-length": 1, "x-overflow": "reject-publish"})
    connection.publish(channel, b"fits", routing_key=queue)
    assert confirm(connection, channel, 1) == BasicAck(delivery_tag=1, multiple=False)
    connection.publish(channel, b"overflows", routing_key=queue)
    assert confirm(connection, channel, 2) == BasicNack(delivery_tag=2, multiple=True, requeue=True)
    assert connection.get(channel, queue).body == b"fits"
    connection.close()


def test_transactions_commit_and_rollback(connect: Callable[..., Any]) -> None:
    """§1.9: publishes in a transaction reach the queue on commit only."""
    connection = connect()
    channel = connection.channel()
    queue = temporary_queue(connection, channel)
    assert isinstance(connection.call(TxSelect(), channel=channel), TxSelectOk)
    connection.publish(channel, b"rolled back", routing_key=queue)
    assert isinstance(connection.call(TxRollback(), channel=channel), TxRollbackOk)
    assert connection.get(channel, queue) is None
    connection.publish(channel, b"committed", routing_key=queue)
    assert isinstance(connection.call(TxCommit(), channel=channel), TxCommitOk)
    assert connection.get(channel, queue).body == b"committed"
    connection.close()


def test_mandatory_unroutable_publish_is_returned(connect: Callable[..., Any]) -> None:
    """§1.8.3.14 basic.return: a mandatory publish no queue takes comes back with 312 NO_ROUTE,
    its properties and body intact, before the confirm."""
    connection = connect(frame_max=SMALL_FRAME_MAX)
    channel = confirmed_channel(connection)
    key = unique_name("nowhere")
    properties = BasicProperties(message_id="lost", headers={"n": Int(1)})
    body = b"r" * (2 * SMALL_FRAME_MAX)
    connection.publish(channel, body, routing_key=key, properties=properties, mandatory=True)
    ack = confirm(connection, channel, 1)
    assert isinstance(ack, BasicAck)
    returned = connection.message(lambda message: isinstance(message.method, BasicReturn), channel=channel)
    assert returned.method == BasicReturn(reply_code=312, reply_text="NO_ROUTE", exchange="", routing_key=key)
    assert same_value(returned.properties, properties) and returned.body == body
    order = [e for e in connection.log if isinstance(e, (Message, MethodFrame)) and e.channel == channel]
    assert order.index(returned) < next(
        i for i, e in enumerate(order) if isinstance(e, MethodFrame) and e.method == ack
    )
    connection.close()


def test_consumer_cancel_from_both_sides(connect: Callable[..., Any]) -> None:
    """basic.cancel from the client (§1.8.3.5) and from the server when the queue goes away
    (RabbitMQ's consumer_cancel_notify)."""
    connection = connect()
    channel = connection.channel()
    ours, theirs = temporary_queue(connection, channel), unique_name("queue")
    connection.call(QueueDeclare(queue=theirs), channel=channel)
    mine = connection.call(BasicConsume(queue=ours), channel=channel).consumer_tag
    assert mine.startswith("amq.ctag-")
    assert connection.call(BasicCancel(consumer_tag=mine), channel=channel) == BasicCancelOk(
        consumer_tag=mine
    )
    consumer_channel = connection.channel()
    server = connection.call(
        BasicConsume(queue=theirs, consumer_tag="to-be-cancelled"), channel=consumer_channel
    )
    connection.call(QueueDelete(queue=theirs), channel=channel)
    cancel = connection.method(BasicCancel, channel=consumer_channel)
    assert cancel == BasicCancel(consumer_tag=server.consumer_tag, nowait=True)
    connection.close()
