"""Write the sample files in this folder with amqpcodec's own encoder.

``values.bin`` holds a few AMQP 1.0 values one after another: the application
properties of the reference message W1, an annotation map keyed by symbols, an
array of described values and a timestamp (``amqpcodec decode --values``).

The session samples are one AMQP 1.0 connection (OASIS AMQP 1.0 Part 2 §2.4-2.7,
Part 5 §5.3), built with ``encode_frame``, ``encode_transfer`` and ``Message.encode``:

- ``session-c2s.bin``, the client's bytes: SASL header, sasl-init PLAIN, the AMQP
  header pipelined after it, open (max-frame-size 512), begin, attach of a sender
  link to ``orders`` and a receiver link from ``replies``, flow (credit for the
  receiver), three transfers with real messages (properties, application-properties,
  a data body; header, message-annotations, an amqp-value body; a CSV data body of
  about 1 KiB split over three frames), a disposition accepting the server's message, detaches,
  end, close;
- ``session-s2c.bin``, the server's bytes: SASL header, sasl-mechanisms, sasl-outcome,
  AMQP header, open, begin, both attaches, flow (credit for the sender), one transfer
  to the client's receiver, a disposition accepting the client's three deliveries,
  detaches, end, close;
- ``session.bin``, the client's bytes again (the one-file demo of the README);
- ``session.hex``, an ``xxd`` dump of ``session.bin``.

The AMQP 0-9-1 samples are one RabbitMQ-style connection (AMQP 0-9-1 §2.2.4 connection
class, §4.2 framing), built with ``amqpcodec.amqp091``'s ``encode_method`` and
``encode_message``, frame-max 4096 (so the larger content is split over body frames):

- ``amqp091-session.bin``, the client's bytes: the 0-9-1 protocol header,
  connection.start-ok (PLAIN), tune-ok, open, channel.open, queue.declare, confirm.select,
  a basic.publish with properties and a headers table whose 5 KiB CSV body takes two
  body frames, a small JSON publish, basic.consume, a heartbeat, basic.ack of the
  delivery the server sends, channel.close and connection.close;
- ``amqp091-session-s2c.bin``, the server's bytes: connection.start, tune, open-ok,
  channel.open-ok, queue.declare-ok, confirm.select-ok, two basic.ack (publisher
  confirms), basic.consume-ok, a basic.deliver of one message, channel.close-ok and
  connection.close-ok.

Run from the repository root: ``python examples/make_samples.py``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

import amqpcodec
from amqpcodec import (
    Accepted,
    Attach,
    Begin,
    Close,
    Detach,
    Disposition,
    End,
    Flow,
    Open,
    Role,
    SaslCode,
    SaslInit,
    SaslMechanisms,
    SaslOutcome,
    SenderSettleMode,
    Source,
    Target,
    Transfer,
    amqp091,
    encode_frame,
    encode_transfer,
)
from amqpcodec.frames import ProtocolHeader
from amqpcodec.message import Header, Message, Properties
from amqpcodec.types import Array, Described, Float, Int, Symbol, Timestamp, UInt, ULong

HERE = Path(__file__).resolve().parent

VALUES = [
    {
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
    },
    {
        Symbol("x-opt-partition-key"): "orders",
        Symbol("x-opt-sequence-number"): 42,
        Symbol("x-opt-enqueued-time"): Timestamp(1700000000123),
        Symbol("x-opt-offset"): ULong(2**63 + 5),
    },
    Array("uint", [1, 255, 65536], descriptor=Symbol("com.example:ports")),
    Described(0x7265707B, [Symbol("reading"), Float(21.5), uuid.UUID(int=0x1234)]),
    UInt(7),
]


MAX_FRAME_SIZE = 512
SASL, AMQP = bytes(ProtocolHeader(0, 3)), bytes(ProtocolHeader(0, 0))
CREATED = datetime(2024, 3, 1, 12, 30, 15, 250000, tzinfo=timezone.utc)

MESSAGES = [
    Message(
        properties=Properties(
            message_id="order-1001",
            to="orders",
            subject="order.created",
            content_type=Symbol("application/json"),
            creation_time=CREATED,
        ),
        application_properties={"tenant": "acme", "retries": Int(0), "express": True},
        body=b'{"order": 1001, "sku": "A-10", "quantity": 2}',
    ),
    Message(
        header=Header(durable=True, priority=7, ttl=60000),
        message_annotations={"x-opt-partition-key": "acme", "x-opt-sequence-number": 42},
        properties=Properties(
            message_id=uuid.UUID(int=0x1234), to="orders", group_id="acme", group_sequence=1
        ),
        body={"status": "shipped", "tracking": ["DE123", "DE124"], "weight": 2.5},
    ),
    Message(
        properties=Properties(message_id=1003, to="orders", content_type=Symbol("text/csv")),
        body=(
            "sku,quantity,price\n" + "".join(f"A-{n:02},{n % 7 + 1},{n * 3 + 0.99:.2f}\n" for n in range(75))
        ).encode(),
    ),
]
REPLY = Message(properties=Properties(message_id="r-1", correlation_id="order-1001"), body="received")


def client_to_server() -> bytes:
    frames = [
        SASL,
        encode_frame(
            SaslInit(mechanism="PLAIN", initial_response=b"\x00app\x00secret", hostname="broker.example")
        ),
        AMQP,
        encode_frame(
            Open(
                container_id="shop-client",
                hostname="broker.example",
                max_frame_size=MAX_FRAME_SIZE,
                idle_time_out=30000,
            )
        ),
        encode_frame(Begin(next_outgoing_id=0, incoming_window=100, outgoing_window=100), channel=1),
        encode_frame(
            Attach(
                name="orders-sender",
                handle=0,
                role=Role.SENDER,
                snd_settle_mode=SenderSettleMode.UNSETTLED,
                source=Source(address="shop-client"),
                target=Target(address="orders"),
                initial_delivery_count=0,
            ),
            channel=1,
        ),
        encode_frame(
            Attach(
                name="replies-receiver",
                handle=1,
                role=Role.RECEIVER,
                source=Source(address="replies"),
                target=Target(address="shop-client"),
            ),
            channel=1,
        ),
        encode_frame(
            Flow(
                next_incoming_id=0,
                incoming_window=100,
                next_outgoing_id=0,
                outgoing_window=100,
                handle=1,
                delivery_count=0,
                link_credit=10,
            ),
            channel=1,
        ),
    ]
    for delivery_id, message in enumerate(MESSAGES):
        transfer = Transfer(
            handle=0, delivery_id=delivery_id, delivery_tag=bytes([delivery_id]), message_format=0
        )
        frames += encode_transfer(transfer, message.encode(), channel=1, max_frame_size=MAX_FRAME_SIZE)
    frames += [
        encode_frame(Disposition(role=Role.RECEIVER, first=0, settled=True, state=Accepted()), channel=1),
        encode_frame(Detach(handle=0, closed=True), channel=1),
        encode_frame(Detach(handle=1, closed=True), channel=1),
        encode_frame(End(), channel=1),
        encode_frame(Close()),
    ]
    return b"".join(frames)


def server_to_client() -> bytes:
    reply = Transfer(handle=1, delivery_id=0, delivery_tag=b"r1", message_format=0, settled=False)
    frames = [
        SASL,
        encode_frame(SaslMechanisms(sasl_server_mechanisms=["PLAIN", "ANONYMOUS"])),
        encode_frame(SaslOutcome(code=SaslCode.OK)),
        AMQP,
        encode_frame(Open(container_id="broker", max_frame_size=MAX_FRAME_SIZE, channel_max=255)),
        encode_frame(
            Begin(remote_channel=1, next_outgoing_id=0, incoming_window=100, outgoing_window=100), channel=1
        ),
        encode_frame(
            Attach(name="orders-sender", handle=0, role=Role.RECEIVER, target=Target(address="orders")),
            channel=1,
        ),
        encode_frame(
            Attach(
                name="replies-receiver",
                handle=1,
                role=Role.SENDER,
                source=Source(address="replies"),
                initial_delivery_count=0,
            ),
            channel=1,
        ),
        encode_frame(
            Flow(
                next_incoming_id=0,
                incoming_window=100,
                next_outgoing_id=0,
                outgoing_window=100,
                handle=0,
                delivery_count=0,
                link_credit=50,
            ),
            channel=1,
        ),
        *encode_transfer(reply, REPLY.encode(), channel=1, max_frame_size=MAX_FRAME_SIZE),
        encode_frame(
            Disposition(role=Role.RECEIVER, first=0, last=2, settled=True, state=Accepted()), channel=1
        ),
        encode_frame(Detach(handle=0, closed=True), channel=1),
        encode_frame(Detach(handle=1, closed=True), channel=1),
        encode_frame(End(), channel=1),
        encode_frame(Close()),
    ]
    return b"".join(frames)


# --------------------------------------------------------------------------- AMQP 0-9-1

#: The negotiated frame-max of the 0-9-1 samples (connection.tune, §1.4.2.5).
FRAME_MAX_091 = 4096
ORDER_091 = amqp091.BasicProperties(
    content_type="text/csv",
    delivery_mode=amqp091.DeliveryMode.PERSISTENT,
    priority=5,
    message_id="order-2001",
    timestamp=amqp091.Timestamp(1709296215),
    headers={"tenant": "acme", "retries": 0, "tags": ["new", "express"], "trace": {"hop": 1}},
)
ORDER_BODY = b"sku,quantity\n" + b"".join(b"A-%04d,%d\n" % (n, n % 7) for n in range(500))
NOTE_091 = amqp091.BasicProperties(content_type="application/json", app_id="shop-client")
NOTE_BODY = b'{"order": 2001, "status": "paid"}'
REPLY_091 = amqp091.BasicProperties(content_type="text/plain", correlation_id="order-2001")


def amqp091_client_to_server() -> bytes:
    """The client's side of the 0-9-1 connection (module docstring)."""
    m = amqp091
    frames = [
        m.PROTOCOL_HEADER,
        m.encode_method(
            m.ConnectionStartOk(
                client_properties={"product": "shop-client", "capabilities": {"publisher_confirms": True}},
                mechanism="PLAIN",
                response=b"\x00app\x00secret",
            )
        ),
        m.encode_method(m.ConnectionTuneOk(channel_max=2047, frame_max=FRAME_MAX_091, heartbeat=60)),
        m.encode_method(m.ConnectionOpen(virtual_host="/shop")),
        m.encode_method(m.ChannelOpen(), channel=1),
        m.encode_method(
            m.QueueDeclare(queue="orders", durable=True, arguments={"x-queue-type": "quorum"}), channel=1
        ),
        m.encode_method(m.ConfirmSelect(), channel=1),
        *m.encode_message(
            m.BasicPublish(exchange="shop", routing_key="order.created", mandatory=True),
            ORDER_091,
            ORDER_BODY,
            channel=1,
            frame_max=FRAME_MAX_091,
        ),
        *m.encode_message(
            m.BasicPublish(exchange="shop", routing_key="order.paid"),
            NOTE_091,
            NOTE_BODY,
            channel=1,
            frame_max=FRAME_MAX_091,
        ),
        m.encode_method(m.BasicConsume(queue="replies", consumer_tag="shop-1"), channel=1),
        m.encode_heartbeat(),
        m.encode_method(m.BasicAck(delivery_tag=1), channel=1),
        m.encode_method(m.ChannelClose(reply_code=200, reply_text="bye", class_id=0, method_id=0), channel=1),
        m.encode_method(m.ConnectionClose(reply_code=200, reply_text="bye", class_id=0, method_id=0)),
    ]
    return b"".join(frames)


def amqp091_server_to_client() -> bytes:
    """The server's side of the 0-9-1 connection (module docstring)."""
    m = amqp091
    frames = [
        m.encode_method(
            m.ConnectionStart(
                server_properties={"product": "RabbitMQ", "version": "3.13.0"},
                mechanisms=b"PLAIN AMQPLAIN",
                locales=b"en_US",
            )
        ),
        m.encode_method(m.ConnectionTune(channel_max=2047, frame_max=FRAME_MAX_091, heartbeat=60)),
        m.encode_method(m.ConnectionOpenOk()),
        m.encode_method(m.ChannelOpenOk(), channel=1),
        m.encode_method(m.QueueDeclareOk(queue="orders", message_count=0, consumer_count=0), channel=1),
        m.encode_method(m.ConfirmSelectOk(), channel=1),
        m.encode_method(m.BasicAck(delivery_tag=1), channel=1),
        m.encode_method(m.BasicAck(delivery_tag=2), channel=1),
        m.encode_method(m.BasicConsumeOk(consumer_tag="shop-1"), channel=1),
        *m.encode_message(
            m.BasicDeliver(consumer_tag="shop-1", delivery_tag=1, exchange="", routing_key="replies"),
            REPLY_091,
            b"order 2001 shipped",
            channel=1,
            frame_max=FRAME_MAX_091,
        ),
        m.encode_method(m.ChannelCloseOk(), channel=1),
        m.encode_method(m.ConnectionCloseOk()),
    ]
    return b"".join(frames)


def xxd(data: bytes) -> str:
    """``xxd``'s default dump: offset, eight 2-byte groups, two spaces, ASCII."""
    lines = []
    for at in range(0, len(data), 16):
        row = data[at : at + 16]
        groups = " ".join(row[i : i + 2].hex() for i in range(0, len(row), 2))
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in row)
        lines.append(f"{at:08x}: {groups:<39}  {text}\n")
    return "".join(lines)


def write(name: str, data: bytes | str) -> None:
    path = HERE / name
    if isinstance(data, str):
        path.write_text(data, encoding="ascii")
    else:
        path.write_bytes(data)
    print(f"wrote {len(data)} {'characters' if isinstance(data, str) else 'bytes'} to {path}")


def main() -> None:
    write("values.bin", b"".join(amqpcodec.encode(value) for value in VALUES))
    c2s, s2c = client_to_server(), server_to_client()
    write("session.bin", c2s)
    write("session-c2s.bin", c2s)
    write("session-s2c.bin", s2c)
    write("session.hex", xxd(c2s))
    write("amqp091-session.bin", amqp091_client_to_server())
    write("amqp091-session-s2c.bin", amqp091_server_to_client())


if __name__ == "__main__":
    main()
