"""A real-looking connection, both directions, built with ``encode_frame``/``encode_transfer``
and read back with ``FrameReader`` and ``TransferAssembler``.

Client to server: SASL header (Part 5 §5.3.2), sasl-init PLAIN, the AMQP header pipelined
right after it (the client does not wait for the outcome), open, begin, two attaches,
flow, 50 transfers on one link (one split over three frames, one aborted, heartbeats in
between), a disposition, detaches, end, close.  Server to client: SASL header,
sasl-mechanisms, sasl-outcome, AMQP header, open, begin, two attaches, flow, three
transfers to the client's receiving link, dispositions settling the client's
deliveries, detaches, end, close (Part 2 §2.4-2.7).
"""

from __future__ import annotations

from typing import Any

from amqpcodec import (
    Accepted,
    Attach,
    Begin,
    Close,
    Detach,
    Disposition,
    End,
    ErrorCondition,
    Flow,
    Open,
    Rejected,
    Role,
    SaslCode,
    SaslInit,
    SaslMechanisms,
    SaslOutcome,
    SenderSettleMode,
    Source,
    Target,
    Transfer,
)
from amqpcodec.frames import (
    AbortedDelivery,
    Delivery,
    Frame,
    ProtocolHeader,
    TransferAssembler,
    encode_frame,
    encode_transfer,
)
from tests.helpers.streams import read_all_ways

MAX_FRAME_SIZE = 512
SPLIT, ABORTED = 20, 30


def payload_of(delivery_id: int) -> bytes:
    if delivery_id == SPLIT:
        return bytes(range(256)) * 5  # 1280 bytes: three frames of at most 512
    return f"message {delivery_id} ".encode() * (1 + delivery_id % 7)


class Stream:
    """Encoded pieces (a header or a frame each) and what reading each must give."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.expected: list[tuple[str, Any]] = []

    def header(self, protocol_id: int) -> None:
        header = ProtocolHeader(0, protocol_id)
        self.pieces.append(bytes(header))
        self.expected.append(("header", protocol_id))

    def frame(self, performative: Any, channel: int = 0, payload: bytes = b"") -> None:
        self.pieces.append(encode_frame(performative, channel, payload, max_frame_size=MAX_FRAME_SIZE))
        self.expected.append(("frame", (channel, performative, payload)))

    def transfer(self, transfer: Transfer, payload: bytes, channel: int = 0) -> int:
        frames = encode_transfer(transfer, payload, channel=channel, max_frame_size=MAX_FRAME_SIZE)
        for encoded in frames:
            self.pieces.append(encoded)
            self.expected.append(("transfer", channel))
        return len(frames)

    @property
    def data(self) -> bytes:
        return b"".join(self.pieces)

    def offsets(self) -> list[int]:
        offsets, at = [], 0
        for piece in self.pieces:
            offsets.append(at)
            at += len(piece)
        return offsets


def client_to_server() -> tuple[Stream, int]:
    s = Stream()
    s.header(3)
    s.frame(SaslInit(mechanism="PLAIN", initial_response=b"\x00user\x00secret", hostname="broker.example"))
    s.header(0)  # pipelined: sent before the server's sasl-outcome arrives
    s.frame(
        Open(
            container_id="client-1",
            hostname="broker.example",
            max_frame_size=MAX_FRAME_SIZE,
            channel_max=7,
            idle_time_out=60000,
        )
    )
    s.frame(Begin(next_outgoing_id=0, incoming_window=1000, outgoing_window=1000))
    s.frame(
        Attach(
            name="client-1->queue-a",
            handle=0,
            role=Role.SENDER,
            snd_settle_mode=SenderSettleMode.MIXED,
            source=Source(address="client-1"),
            target=Target(address="queue-a"),
            initial_delivery_count=0,
        )
    )
    s.frame(
        Attach(
            name="queue-b->client-1",
            handle=1,
            role=Role.RECEIVER,
            source=Source(address="queue-b"),
            target=Target(),
        )
    )
    s.frame(
        Flow(
            next_incoming_id=0,
            incoming_window=1000,
            next_outgoing_id=0,
            outgoing_window=1000,
            handle=1,
            delivery_count=0,
            link_credit=10,
        )
    )
    split_frames = 0
    for delivery_id in range(50):
        transfer = Transfer(
            handle=0,
            delivery_id=delivery_id,
            delivery_tag=delivery_id.to_bytes(4, "big"),
            message_format=0,
            settled=delivery_id % 5 == 0,
        )
        if delivery_id == ABORTED:
            s.transfer(transfer.replace(more=True), payload_of(delivery_id)[:10])
            s.frame(Transfer(handle=0, aborted=True))
            continue
        count = s.transfer(transfer, payload_of(delivery_id))
        if delivery_id == SPLIT:
            split_frames = count
        if delivery_id % 10 == 9:
            s.frame(None)  # heartbeat
    s.frame(Disposition(role=Role.RECEIVER, first=0, last=2, settled=True, state=Accepted()))
    s.frame(Detach(handle=0, closed=True))
    s.frame(Detach(handle=1, closed=True))
    s.frame(End())
    s.frame(Close())
    return s, split_frames


def server_to_client() -> Stream:
    s = Stream()
    s.header(3)
    s.frame(SaslMechanisms(sasl_server_mechanisms=["PLAIN", "ANONYMOUS"]))
    s.frame(SaslOutcome(code=SaslCode.OK))
    s.header(0)
    s.frame(Open(container_id="broker", max_frame_size=MAX_FRAME_SIZE, channel_max=255))
    s.frame(
        Begin(remote_channel=0, next_outgoing_id=0, incoming_window=1000, outgoing_window=1000), channel=1
    )
    s.frame(
        Attach(name="client-1->queue-a", handle=0, role=Role.RECEIVER, target=Target(address="queue-a")),
        channel=1,
    )
    s.frame(
        Attach(name="queue-b->client-1", handle=1, role=Role.SENDER, source=Source(address="queue-b")),
        channel=1,
    )
    s.frame(
        Flow(
            next_incoming_id=0,
            incoming_window=1000,
            next_outgoing_id=0,
            outgoing_window=1000,
            handle=0,
            delivery_count=0,
            link_credit=50,
        ),
        channel=1,
    )
    for delivery_id in range(3):
        transfer = Transfer(
            handle=1, delivery_id=delivery_id, delivery_tag=bytes([delivery_id]), message_format=0
        )
        s.transfer(transfer, b"from the broker " * (40 if delivery_id == 1 else 1), channel=1)
    error = ErrorCondition(condition="amqp:precondition-failed", description="no")
    s.frame(Disposition(role=Role.RECEIVER, first=0, last=6, settled=True, state=Accepted()), channel=1)
    s.frame(Disposition(role=Role.RECEIVER, first=7, settled=True, state=Rejected(error=error)), channel=1)
    s.frame(Disposition(role=Role.RECEIVER, first=8, last=49, settled=True, state=Accepted()), channel=1)
    s.frame(Detach(handle=0, closed=True), channel=1)
    s.frame(Detach(handle=1, closed=True), channel=1)
    s.frame(End(), channel=1)
    s.frame(Close())
    return s


def check_events(stream: Stream, events: list[Any]) -> list[Frame]:
    assert len(events) == len(stream.expected)
    assert [e.offset for e in events] == stream.offsets()
    for event, (kind, expected) in zip(events, stream.expected):
        if kind == "header":
            assert event == ProtocolHeader(event.offset, expected)
        elif kind == "frame":
            channel, performative, payload = expected
            assert (event.channel, event.performative, event.payload) == (channel, performative, payload)
            assert event.type == (1 if type(performative).__name__.startswith("Sasl") else 0)
        else:
            assert type(event.performative) is Transfer and event.channel == expected
    return [e for e in events if isinstance(e, Frame)]


def test_client_to_server() -> None:
    stream, split_frames = client_to_server()
    events = read_all_ways(stream.data, max_frame_size=MAX_FRAME_SIZE)
    frames = check_events(stream, events)
    assert [type(e).__name__ for e in events[:4]] == ["ProtocolHeader", "Frame", "ProtocolHeader", "Frame"]
    assert split_frames == 3
    assembler = TransferAssembler()
    results = [r for r in map(assembler.feed, frames) if r is not None]
    deliveries = [r for r in results if isinstance(r, Delivery)]
    assert [r for r in results if isinstance(r, AbortedDelivery)] == [
        AbortedDelivery(0, 0, ABORTED, ABORTED.to_bytes(4, "big"))
    ]
    assert [d.delivery_id for d in deliveries] == [i for i in range(50) if i != ABORTED]
    for delivery in deliveries:
        i = delivery.delivery_id
        assert delivery == Delivery(0, 0, i, i.to_bytes(4, "big"), 0, i % 5 == 0, None, payload_of(i))
    assert len(deliveries[SPLIT].payload) == 1280
    assert repr(assembler) == "<TransferAssembler partial=[] dropping=[]>"


def test_server_to_client() -> None:
    stream = server_to_client()
    events = read_all_ways(stream.data, max_frame_size=MAX_FRAME_SIZE)
    frames = check_events(stream, events)
    assert [type(e).__name__ for e in events[:5]] == [
        "ProtocolHeader",
        "Frame",
        "Frame",
        "ProtocolHeader",
        "Frame",
    ]
    assembler = TransferAssembler()
    deliveries = [r for r in map(assembler.feed, frames) if r is not None]
    assert [(d.channel, d.handle, d.delivery_id, len(d.payload)) for d in deliveries] == [
        (1, 1, 0, 16),
        (1, 1, 1, 640),
        (1, 1, 2, 16),
    ]
    states = [f.performative.state for f in frames if isinstance(f.performative, Disposition)]
    assert states[1].error.condition == "amqp:precondition-failed"


def test_both_directions_fit_the_negotiated_frame_size() -> None:
    stream, _ = client_to_server()
    assert max(map(len, stream.pieces + server_to_client().pieces)) <= MAX_FRAME_SIZE
