"""AMQP 0-9-1 streams for tests: reading a stream every way a socket may deliver it
(whole, byte by byte, in random chunks, and with a trailing partial frame), reading up to
an error every way, and a realistic connection's two streams built with the encoder.

Frame layout used in hand-written hex (0-9-1 §4.2.3)::

    type (1 octet) | channel (2) | payload size (4) | payload | frame-end 0xCE
"""

from __future__ import annotations

import random
from typing import Any, NamedTuple

import pytest

from amqpcodec import DEFAULT_LIMITS, IncompleteError, Limits
from amqpcodec.amqp091.frames import NEED_DATA
from amqpcodec.amqp091.reader import FrameReader

__all__ = [
    "HEARTBEAT",
    "PARTIAL",
    "PROTOCOL_HEADER",
    "ConnectionStreams",
    "chunks_of",
    "connection_streams",
    "error_all_ways",
    "h",
    "new_reader",
    "read_all_ways",
]

#: The 0-9-1 protocol header (§4.2.2), by hand: "AMQP", id 0, version 0-9-1.
PROTOCOL_HEADER = bytes.fromhex("414d5150 00 00 09 01")
#: A heartbeat (§4.2.7): type 8, channel 0, size 0, frame end.
HEARTBEAT = bytes.fromhex("08 0000 00000000 ce")
#: What read_all_ways appends for its last reading: a heartbeat short of its frame end.
PARTIAL = HEARTBEAT[:-1]


def h(text: str) -> bytes:
    """Hex with spaces, newlines and ``#`` comments allowed."""
    return bytes.fromhex(" ".join(line.split("#")[0] for line in text.splitlines()))


def new_reader(
    limits: Limits = DEFAULT_LIMITS, expect_header: bool = True, frame_max: int = 0
) -> FrameReader:
    reader = FrameReader(limits=limits, expect_header=expect_header)
    reader.frame_max = frame_max
    return reader


def chunks_of(data: bytes, seed: int, most: int = 37) -> list[bytes]:
    """``data`` cut at random places (1 to ``most`` bytes a piece), repeatably for ``seed``."""
    rng = random.Random(seed)
    pieces = []
    at = 0
    while at < len(data):
        step = rng.randint(1, most)
        pieces.append(data[at : at + step])
        at += step
    return pieces


def _read_chunks(pieces: list[bytes], limits: Limits, expect_header: bool, frame_max: int) -> list[Any]:
    reader = new_reader(limits, expect_header, frame_max)
    events: list[Any] = []
    for piece in pieces:
        reader.feed(piece)
        events.extend(reader)
    assert reader.next_event() is NEED_DATA
    reader.feed_eof()
    return events


def read_all_ways(
    data: bytes,
    *,
    limits: Limits = DEFAULT_LIMITS,
    expect_header: bool = True,
    frame_max: int = 0,
    seed: int = 0,
    bytewise: bool = True,
) -> list[Any]:
    """The events in ``data``, read whole, byte by byte (unless ``bytewise`` is false, for
    long streams), in random chunks, and followed by a partial frame: all must agree, and
    the last must end in ``NEED_DATA`` with ``feed_eof()`` raising ``IncompleteError`` at
    the partial frame."""
    reader = new_reader(limits, expect_header, frame_max)
    reader.feed(data)
    whole = list(reader)
    assert reader.next_event() is NEED_DATA
    assert reader.offset == len(data) and reader.buffered == 0
    reader.feed_eof()

    if bytewise:
        assert (
            _read_chunks([data[i : i + 1] for i in range(len(data))], limits, expect_header, frame_max)
            == whole
        )
    assert _read_chunks(chunks_of(data, seed), limits, expect_header, frame_max) == whole
    assert _read_chunks(chunks_of(data, seed + 1, most=4096), limits, expect_header, frame_max) == whole

    if data or not expect_header:
        reader = new_reader(limits, expect_header, frame_max)
        reader.feed(data + PARTIAL)
        assert list(reader) == whole
        assert reader.next_event() is NEED_DATA
        with pytest.raises(IncompleteError) as info:
            reader.feed_eof()
        assert info.value.offset == len(data)
    return whole


def error_all_ways(
    data: bytes,
    error_class: type[Exception],
    *,
    limits: Limits = DEFAULT_LIMITS,
    expect_header: bool = True,
    frame_max: int = 0,
) -> tuple[Any, list[Any]]:
    """The error reading ``data`` raises, whole, byte by byte and in random chunks (the
    same class, offset and text each way); returns it and the events before it.  The
    error must be exactly ``error_class``."""
    found = []
    for pieces in ([data], [data[i : i + 1] for i in range(len(data))], chunks_of(data, 7)):
        reader = new_reader(limits, expect_header, frame_max)
        events: list[Any] = []
        with pytest.raises(error_class) as info:
            for piece in pieces:
                reader.feed(piece)
                events.extend(reader)
            reader.feed_eof()
        assert type(info.value) is error_class
        found.append((info.value, events))
    (first, events), *others = found
    for error, other_events in others:
        assert (error.offset, str(error), other_events) == (first.offset, str(first), events)  # type: ignore[attr-defined]
    return first, events


class ConnectionStreams(NamedTuple):
    """The two directions of one connection, and what reading them must give."""

    client: bytes
    server: bytes
    #: frame_max negotiated by tune/tune-ok; both readers set it after the tune.
    frame_max: int
    #: The messages each direction assembles into (publishes; deliveries and returns).
    client_messages: list[Any]
    server_messages: list[Any]


def _body_of(tag: int, size: int) -> bytes:
    """A recognisable body: ``size`` bytes that differ from message to message."""
    return (f"message {tag}:".encode() + bytes(range(256)) * (size // 256 + 1))[:size]


def _interleave(*frame_lists: list[bytes]) -> list[bytes]:
    """Frames taken in turn from each list (as a server interleaves channels)."""
    out: list[bytes] = []
    longest = max(len(frames) for frames in frame_lists)
    for index in range(longest):
        out.extend(frames[index] for frames in frame_lists if index < len(frames))
    return out


def _client_stream(frame_max: int) -> tuple[bytes, list[Any]]:
    from amqpcodec.amqp091 import methods as m
    from amqpcodec.amqp091.assembler import Message
    from amqpcodec.amqp091.properties import BasicProperties
    from amqpcodec.amqp091.writer import encode_heartbeat, encode_message, encode_method

    frames = [
        PROTOCOL_HEADER,
        encode_method(
            m.ConnectionStartOk(
                client_properties={
                    "product": "amqpcodec tests",
                    "capabilities": {"publisher_confirms": True},
                },
                mechanism="PLAIN",
                response=b"\x00guest\x00guest",
            )
        ),
        encode_method(m.ConnectionTuneOk(channel_max=2047, frame_max=frame_max, heartbeat=60)),
        encode_method(m.ConnectionOpen(virtual_host="/")),
        encode_method(m.ChannelOpen(), channel=1),
        encode_method(m.ExchangeDeclare(exchange="logs", type="topic", durable=True), channel=1),
        encode_method(
            m.QueueDeclare(queue="jobs", durable=True, arguments={"x-queue-type": "quorum"}), channel=1
        ),
        encode_method(m.QueueBind(queue="jobs", exchange="logs", routing_key="jobs.#"), channel=1),
        encode_method(m.ConfirmSelect(), channel=1),
    ]
    messages = []
    for tag, size in ((1, 10_000), (2, 0), (3, frame_max - 8), (4, 300)):
        method = m.BasicPublish(exchange="logs", routing_key=f"jobs.{tag}", mandatory=tag == 4)
        properties = BasicProperties(
            content_type="application/octet-stream", delivery_mode=2, message_id=str(tag)
        )
        body = _body_of(tag, size)
        frames.extend(encode_message(method, properties, body, channel=1, frame_max=frame_max))
        messages.append(Message(1, method, properties, body))
        if tag == 2:
            frames.append(encode_heartbeat())
    audit = m.BasicPublish(exchange="", routing_key="audit")
    messages.append(Message(2, audit, BasicProperties(), b""))
    frames += [
        encode_method(m.BasicConsume(queue="jobs", consumer_tag="ctag-1"), channel=1),
        encode_method(m.BasicAck(delivery_tag=1), channel=1),
        encode_method(m.BasicAck(delivery_tag=3, multiple=True), channel=1),
        encode_method(m.ChannelOpen(), channel=2),
        encode_method(m.TxSelect(), channel=2),
        *encode_message(audit, None, b"", channel=2, frame_max=frame_max),
        encode_method(m.TxCommit(), channel=2),
        encode_heartbeat(),
        encode_method(m.ChannelClose(reply_code=200, reply_text="bye", class_id=0, method_id=0), channel=1),
        encode_method(m.ConnectionClose(reply_code=200, reply_text="bye", class_id=0, method_id=0)),
    ]
    return b"".join(frames), messages


def _server_stream(frame_max: int) -> tuple[bytes, list[Any]]:
    from amqpcodec.amqp091 import methods as m
    from amqpcodec.amqp091.assembler import Message
    from amqpcodec.amqp091.properties import BasicProperties
    from amqpcodec.amqp091.writer import encode_heartbeat, encode_message, encode_method

    frames = [
        encode_method(
            m.ConnectionStart(
                server_properties={"product": "RabbitMQ", "capabilities": {"publisher_confirms": True}},
                mechanisms=b"PLAIN AMQPLAIN",
                locales=b"en_US",
            )
        ),
        encode_method(m.ConnectionTune(channel_max=2047, frame_max=frame_max, heartbeat=60)),
        encode_method(m.ConnectionOpenOk()),
        encode_method(m.ChannelOpenOk(), channel=1),
        encode_method(m.ExchangeDeclareOk(), channel=1),
        encode_method(m.QueueDeclareOk(queue="jobs", message_count=0, consumer_count=0), channel=1),
        encode_method(m.QueueBindOk(), channel=1),
        encode_method(m.ConfirmSelectOk(), channel=1),
        encode_method(m.BasicAck(delivery_tag=1), channel=1),
        encode_method(m.BasicAck(delivery_tag=4, multiple=True), channel=1),
        encode_method(m.BasicConsumeOk(consumer_tag="ctag-1"), channel=1),
        encode_method(m.ChannelOpenOk(), channel=2),
        encode_method(m.BasicConsumeOk(consumer_tag="ctag-2"), channel=2),
    ]
    messages = []
    per_channel: dict[int, list[bytes]] = {1: [], 2: []}
    for tag, channel, size in ((1, 1, 9_000), (1, 2, 12_000), (2, 1, 5), (2, 2, 0), (3, 1, 4_100)):
        method = m.BasicDeliver(
            consumer_tag=f"ctag-{channel}",
            delivery_tag=tag,
            redelivered=tag == 3,
            exchange="logs",
            routing_key="jobs.x",
        )
        properties = BasicProperties(headers={"attempt": tag, "origin": "test"}, priority=channel)
        body = _body_of(tag * 10 + channel, size)
        per_channel[channel].extend(
            encode_message(method, properties, body, channel=channel, frame_max=frame_max)
        )
        messages.append(Message(channel, method, properties, body))
    frames += _interleave(per_channel[1], [encode_heartbeat()], per_channel[2])
    frames += [
        encode_method(m.TxSelectOk(), channel=2),
        encode_method(m.TxCommitOk(), channel=2),
        encode_heartbeat(),
        encode_method(m.ChannelCloseOk(), channel=1),
        encode_method(m.ConnectionCloseOk()),
    ]
    return b"".join(frames), messages


def connection_streams(frame_max: int = 4096) -> ConnectionStreams:
    """A realistic 0-9-1 connection's two streams, built with the encoder: the client's
    (protocol header, handshake, channel, exchange and queue declare/bind, confirms,
    publishes split over body frames, consume, acks, tx, heartbeats, close) and the
    server's (no header: start, tune, open-ok, declare-ok, consume-ok, deliveries split
    over frames and interleaved on two channels, confirms, heartbeats, close-ok)."""
    client, client_messages = _client_stream(frame_max)
    server, server_messages = _server_stream(frame_max)
    return ConnectionStreams(client, server, frame_max, client_messages, server_messages)
