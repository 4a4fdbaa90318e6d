"""A realistic 0-9-1 connection (0-9-1 §2.2.4 connection, §2.3 framing, §4.2.6 content):
its two directions, built with the encoder, read back whole, byte by byte and in random
chunks, re-encoded byte for byte, and assembled into the messages that were sent."""

from __future__ import annotations

from typing import Any

import pytest

from amqpcodec.amqp091.assembler import ContentAssembler, Message
from amqpcodec.amqp091.frames import BodyFrame, HeaderFrame, HeartbeatFrame, MethodFrame, ProtocolHeader
from amqpcodec.amqp091.writer import encode_frame
from tests.helpers.amqp091_streams import connection_streams, read_all_ways

STREAMS = connection_streams()


def assemble(events: list[Any]) -> list[Message]:
    assembler = ContentAssembler()
    messages = [message for message in map(assembler.feed, events) if message is not None]
    assert assembler.pending_channels == frozenset()
    return messages


def names(events: list[Any]) -> list[str]:
    return [event.method.NAME for event in events if isinstance(event, MethodFrame)]


@pytest.mark.parametrize("seed", [0, 1])
def test_client_to_server(seed: int) -> None:
    events = read_all_ways(STREAMS.client, frame_max=STREAMS.frame_max, seed=seed, bytewise=seed == 0)
    assert events[0] == ProtocolHeader(0, 0, major=0, minor=9, revision=1)
    assert names(events)[:8] == [
        "connection.start-ok",
        "connection.tune-ok",
        "connection.open",
        "channel.open",
        "exchange.declare",
        "queue.declare",
        "queue.bind",
        "confirm.select",
    ]
    assert names(events)[-2:] == ["channel.close", "connection.close"]
    assert sum(isinstance(event, HeartbeatFrame) for event in events) == 2
    assert b"".join(map(encode_frame, events)) == STREAMS.client
    messages = assemble(events)
    assert messages == STREAMS.client_messages


@pytest.mark.parametrize("seed", [0, 1])
def test_server_to_client(seed: int) -> None:
    events = read_all_ways(
        STREAMS.server, expect_header=False, frame_max=STREAMS.frame_max, seed=seed, bytewise=seed == 0
    )
    assert names(events)[:3] == ["connection.start", "connection.tune", "connection.open-ok"]
    assert names(events)[-2:] == ["channel.close-ok", "connection.close-ok"]
    bodies = [event for event in events if isinstance(event, BodyFrame)]
    assert {event.channel for event in bodies} == {1, 2}
    assert all(len(event.payload) <= STREAMS.frame_max - 8 for event in bodies)
    assert any(isinstance(event, HeaderFrame) for event in events)
    assert b"".join(map(encode_frame, events)) == STREAMS.server
    messages = assemble(events)

    def key(message: Message) -> tuple[int, int]:
        return message.channel, message.method.delivery_tag  # type: ignore[attr-defined]

    assert sorted(messages, key=key) == sorted(STREAMS.server_messages, key=key)


def test_frames_fit_the_negotiated_frame_max() -> None:
    for data, expect_header in ((STREAMS.client, True), (STREAMS.server, False)):
        events = read_all_ways(data, expect_header=expect_header, frame_max=STREAMS.frame_max, bytewise=False)
        frames = [encode_frame(event) for event in events if not isinstance(event, ProtocolHeader)]
        assert max(map(len, frames)) <= STREAMS.frame_max
