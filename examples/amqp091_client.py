"""A small AMQP 0-9-1 client written only on ``amqpcodec.amqp091`` (AMQP 0-9-1 spec §2.2-§2.3).

Strategy: two layers, so the protocol can be read apart from the I/O.

- :class:`Connection` is sans-IO (h11's pattern).  Calls such as ``start()``,
  ``open_channel()``, ``send()`` or ``publish()`` queue frames; ``data_to_send()`` hands out
  the bytes; ``receive_data()`` takes bytes and ``next_event()`` returns the reader's
  frame events (``MethodFrame``, ``HeaderFrame``, ``BodyFrame``, ``HeartbeatFrame``, or a
  ``ProtocolHeader`` when the server refuses our version), plus a ``Message`` after the
  last frame of each content (§4.2.6), or ``NEED_DATA``.  It runs the connection
  handshake by itself (§2.2.4: start/start-ok, tune/tune-ok, open/open-ok, with the
  PLAIN or AMQPLAIN mechanism), keeps the negotiated ``frame_max`` (our body frames are
  split to it and the server's are checked against it) and answers a ``channel.close``
  or ``connection.close`` the server starts (§2.2.5, §2.2.6).
- :class:`BlockingClient` owns a socket.  ``wait_for(predicate)`` reads until an event
  satisfies the predicate; events nobody asked for yet (deliveries, confirms, returns,
  the server's cancels) wait in an inbox until a later ``wait_for`` takes them, so no
  arrival order is assumed.  ``call()`` sends a synchronous method and returns the
  server's reply (the method's ``RESPONSES``); a ``channel.close`` on that channel raises
  :class:`ChannelClosed`, a ``connection.close`` :class:`ConnectionClosed`.  It sends a
  heartbeat frame whenever it has written nothing for half the negotiated interval
  (§4.2.7).

No TLS, no flow control (``channel.flow``), no reconnection: an example, not a product.

Run by hand against a local RabbitMQ::

    python examples/amqp091_client.py --host 127.0.0.1 --port 5672

It declares a queue, publishes a few messages with confirms, gets them back and prints them.
"""

from __future__ import annotations

import argparse
import collections
import socket
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeGuard

from amqpcodec import DEFAULT_LIMITS, Limits
from amqpcodec.amqp091 import (
    NEED_DATA,
    PROTOCOL_HEADER,
    BasicAck,
    BasicGet,
    BasicGetEmpty,
    BasicProperties,
    BasicPublish,
    ChannelClose,
    ChannelCloseOk,
    ChannelOpen,
    ChannelOpenOk,
    ConfirmSelect,
    ConnectionClose,
    ConnectionCloseOk,
    ConnectionOpen,
    ConnectionOpenOk,
    ConnectionStart,
    ConnectionStartOk,
    ConnectionTune,
    ConnectionTuneOk,
    ContentAssembler,
    Event,
    FrameReader,
    HeartbeatFrame,
    Message,
    Method,
    MethodFrame,
    ProtocolHeader,
    QueueDeclare,
    QueueDelete,
    encode_heartbeat,
    encode_message,
    encode_method,
    encode_table,
)
from amqpcodec.frames import NeedData

__all__ = [
    "CLIENT_CAPABILITIES",
    "BlockingClient",
    "ChannelClosed",
    "ClientEvent",
    "Connection",
    "ConnectionClosed",
    "amqplain_response",
    "plain_response",
]

#: What a reader event or an assembled content can be.
ClientEvent = Event | Message

#: The RabbitMQ extensions we announce in client-properties (RabbitMQ's "capabilities"
#: table): the server then cancels consumers it removes (basic.cancel from the server) and
#: closes with 403 on failed authentication instead of dropping the socket.
CLIENT_CAPABILITIES: Mapping[str, bool] = {
    "publisher_confirms": True,
    "exchange_exchange_bindings": True,
    "basic.nack": True,
    "consumer_cancel_notify": True,
    "connection.blocked": True,
    "authentication_failure_close": True,
    "per_consumer_qos": True,
}


def plain_response(username: str, password: str) -> bytes:
    """The PLAIN response (RFC 4616): an empty authorisation id, the user, the password."""
    return f"\0{username}\0{password}".encode()


def amqplain_response(username: str, password: str) -> bytes:
    """The AMQPLAIN response: a field table's entries without its 4-byte size (§4.2.5.5),
    ``LOGIN`` and ``PASSWORD`` as long strings."""
    return encode_table({"LOGIN": username, "PASSWORD": password})[4:]


_RESPONSES: Mapping[str, Callable[[str, str], bytes]] = {
    "PLAIN": plain_response,
    "AMQPLAIN": amqplain_response,
}


class ConnectionClosed(ConnectionError):
    """The server closed the connection (§2.2.6); ``method`` is its ``connection.close``."""

    def __init__(self, method: ConnectionClose) -> None:
        super().__init__(f"server closed the connection: {method.reply_code} {method.reply_text}")
        self.method = method


class ChannelClosed(ConnectionError):
    """The server closed a channel (§2.2.5); ``method`` is its ``channel.close``."""

    def __init__(self, channel: int, method: ChannelClose) -> None:
        super().__init__(f"server closed channel {channel}: {method.reply_code} {method.reply_text}")
        self.channel = channel
        self.method = method


class Connection:
    """Sans-IO AMQP 0-9-1 client connection: calls queue frames, received bytes become events.

    ``mechanism`` is ``"PLAIN"`` or ``"AMQPLAIN"``; ``frame_max``, ``channel_max`` and
    ``heartbeat`` are what we ask for in ``tune-ok`` (the server's proposal wins where it is
    smaller and not 0, §2.2.4 / §4.2.7); ``client_properties`` are merged over ours.
    """

    def __init__(
        self,
        *,
        username: str = "guest",
        password: str = "guest",
        mechanism: str = "PLAIN",
        virtual_host: str = "/",
        frame_max: int = 131072,
        channel_max: int = 2047,
        heartbeat: int = 0,
        client_properties: Mapping[str, Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        if mechanism not in _RESPONSES:
            raise ValueError(f"unsupported mechanism {mechanism!r}; use one of {sorted(_RESPONSES)}")
        self.mechanism = mechanism
        self.response = _RESPONSES[mechanism](username, password)
        self.virtual_host = virtual_host
        self.wanted = ConnectionTuneOk(channel_max=channel_max, frame_max=frame_max, heartbeat=heartbeat)
        self.client_properties: dict[str, Any] = {
            "product": "amqpcodec example client",
            "platform": "Python",
            "capabilities": dict(CLIENT_CAPABILITIES),
            **(client_properties or {}),
        }
        self.reader = FrameReader(limits=limits, expect_header=False)
        self.assembler = ContentAssembler(limits=limits)
        self.server_start: ConnectionStart | None = None
        self.tune: ConnectionTuneOk | None = None
        self.opened = False
        self.remote_close: ConnectionClose | None = None
        self.closing = False
        self.channels: set[int] = set()
        self.channel_closes: dict[int, ChannelClose] = {}
        self.heartbeats_received = 0
        self._out = bytearray()
        self._pending: collections.deque[ClientEvent] = collections.deque()

    # --- outgoing ----------------------------------------------------------------------

    def data_to_send(self) -> bytes:
        """The bytes queued since the last call (send them all, in order)."""
        data = bytes(self._out)
        self._out.clear()
        return data

    @property
    def frame_max(self) -> int:
        """The negotiated largest frame (0: no limit), or the spec's minimum before tune."""
        return 4096 if self.tune is None else self.tune.frame_max

    def start(self) -> None:
        """Send the protocol header (§4.2.2); the handshake then runs by itself."""
        self._out += PROTOCOL_HEADER

    def send(self, method: Method, *, channel: int = 0) -> None:
        """Queue one method frame (a method with content goes through :meth:`publish`)."""
        self._out += encode_method(method, channel=channel)

    def publish(
        self, method: Method, properties: BasicProperties | None, body: bytes, *, channel: int
    ) -> None:
        """Queue a content (§4.2.6): the method, its header, the body split to ``frame_max``."""
        for frame in encode_message(method, properties, body, channel=channel, frame_max=self.frame_max):
            self._out += frame

    def heartbeat(self) -> None:
        """Queue a heartbeat frame (§4.2.7)."""
        self._out += encode_heartbeat()

    def open_channel(self) -> int:
        """Open the lowest free channel (§2.2.5); the server answers ``channel.open-ok``."""
        limit = self.tune.channel_max if self.tune is not None and self.tune.channel_max else 0xFFFF
        channel = next(number for number in range(1, limit + 1) if number not in self.channels)
        self.channels.add(channel)
        self.channel_closes.pop(channel, None)
        self.send(ChannelOpen(), channel=channel)
        return channel

    def close_channel(self, channel: int) -> None:
        """Start closing a channel; it is free again when ``channel.close-ok`` arrives."""
        self.send(ChannelClose(reply_code=200, reply_text="bye", class_id=0, method_id=0), channel=channel)

    def close(self, reply_code: int = 200, reply_text: str = "bye") -> None:
        """Start closing the connection (§2.2.6)."""
        self.closing = True
        self.send(ConnectionClose(reply_code=reply_code, reply_text=reply_text, class_id=0, method_id=0))

    # --- incoming ----------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Bytes from the server; ``next_event()`` returns what they complete."""
        self.reader.feed(data)

    def next_event(self) -> ClientEvent | NeedData:
        """The next event, or ``NEED_DATA``.  Raises amqpcodec's ``DecodeError`` for bytes
        that are not AMQP 0-9-1 (a framing fault is fatal)."""
        if self._pending:
            return self._pending.popleft()
        event = self.reader.next_event()
        if event is NEED_DATA:
            return event
        assert not isinstance(event, NeedData)
        if isinstance(event, HeartbeatFrame):
            self.heartbeats_received += 1
        elif isinstance(event, MethodFrame):
            self._handle(event.channel, event.method)
        if not isinstance(event, ProtocolHeader):
            message = self.assembler.feed(event)
            if message is not None:
                self._pending.append(message)
        return event

    def events(self) -> Iterator[ClientEvent]:
        """The events now complete."""
        while True:
            event = self.next_event()
            if isinstance(event, NeedData):
                return
            yield event

    def _handle(self, channel: int, method: Method) -> None:
        """Run the handshake and answer the closes the server starts."""
        if isinstance(method, ConnectionStart):
            self._on_start(method)
        elif isinstance(method, ConnectionTune):
            self._on_tune(method)
        elif isinstance(method, ConnectionOpenOk):
            self.opened = True
        elif isinstance(method, ConnectionClose):
            self.remote_close = method
            self.send(ConnectionCloseOk())
        elif isinstance(method, ChannelClose):
            self.channel_closes[channel] = method
            self.channels.discard(channel)
            self.assembler.discard(channel)
            self.send(ChannelCloseOk(), channel=channel)
        elif isinstance(method, ChannelCloseOk):
            self.channels.discard(channel)

    def _on_start(self, start: ConnectionStart) -> None:
        """§2.2.4: pick our mechanism from the server's list and answer ``start-ok``."""
        self.server_start = start
        offered = start.mechanisms.split()
        if self.mechanism.encode() not in offered:
            raise ConnectionError(f"the server offers {offered!r}, not {self.mechanism}")
        self.send(
            ConnectionStartOk(
                client_properties=self.client_properties,
                mechanism=self.mechanism,
                response=self.response,
                locale="en_US",
            )
        )

    def _on_tune(self, tune: ConnectionTune) -> None:
        """§2.2.4 / §4.2.7: take the smaller of each limit (0 means none), answer, then open."""
        chosen = ConnectionTuneOk(
            channel_max=_smaller(tune.channel_max, self.wanted.channel_max),
            frame_max=_smaller(tune.frame_max, self.wanted.frame_max),
            heartbeat=_heartbeat(tune.heartbeat, self.wanted.heartbeat),
        )
        self.tune = chosen
        self.reader.frame_max = chosen.frame_max
        self.send(chosen)
        self.send(ConnectionOpen(virtual_host=self.virtual_host))


def _smaller(server: int, client: int) -> int:
    """The tighter of two limits where 0 means "no limit" (channel-max, frame-max, §4.2.7)."""
    if server == 0 or client == 0:
        return max(server, client)
    return min(server, client)


def _heartbeat(server: int, client: int) -> int:
    """The heartbeat interval (§4.2.7): 0 from the client turns heartbeats off, otherwise
    the tighter of the two."""
    return 0 if client == 0 else _smaller(server, client)


class BlockingClient:
    """A :class:`Connection` over a blocking TCP socket.

    Every event read goes to ``log``; those no ``wait_for`` has taken yet stay in ``inbox``.
    With ``keep_received``, ``received`` holds every byte the server sent (event offsets
    index it), to compare frames with what was on the wire.
    """

    def __init__(
        self, host: str, port: int, *, timeout: float = 10.0, keep_received: bool = False, **options: Any
    ) -> None:
        self.timeout = timeout
        self.received: bytearray | None = bytearray() if keep_received else None
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.connection = Connection(**options)
        self.log: list[ClientEvent] = []
        self.inbox: list[ClientEvent] = []
        self.heartbeats_sent = 0
        self._last_sent = time.monotonic()
        self.eof = False

    def __enter__(self) -> BlockingClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.sock.close()

    def flush(self) -> None:
        """Write everything the connection queued."""
        data = self.connection.data_to_send()
        if data:
            self.sock.sendall(data)
            self._last_sent = time.monotonic()

    def _heartbeat_due(self) -> float:
        """Seconds until we must write something: half the negotiated interval (§4.2.7)."""
        tune = self.connection.tune
        if tune is None or not tune.heartbeat:
            return self.timeout
        return self._last_sent + tune.heartbeat / 2 - time.monotonic()

    def _take(self, predicate: Callable[[ClientEvent], bool], channel: int | None) -> ClientEvent | None:
        """The first inbox event that satisfies ``predicate``, removed; raise for a close."""
        for index, event in enumerate(self.inbox):
            if predicate(event):
                return self.inbox.pop(index)
        remote = self.connection.remote_close
        if remote is not None:
            raise ConnectionClosed(remote)
        if channel is not None and channel in self.connection.channel_closes:
            raise ChannelClosed(channel, self.connection.channel_closes[channel])
        return None

    def wait_for(
        self,
        predicate: Callable[[ClientEvent], bool],
        *,
        channel: int | None = None,
        timeout: float | None = None,
    ) -> ClientEvent:
        """Return the first event (kept or new) that satisfies ``predicate``.

        Raises :class:`ConnectionClosed` when the server closed the connection,
        :class:`ChannelClosed` when it closed ``channel``, ``TimeoutError``, and
        ``ConnectionError`` when the socket closes first.
        """
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            self.flush()
            for event in self.connection.events():
                self.log.append(event)
                self.inbox.append(event)
            self.flush()
            found = self._take(predicate, channel)
            if found is not None:
                return found
            if self.eof:
                raise ConnectionError("the server closed the socket")
            self._receive(deadline)

    def _receive(self, deadline: float) -> None:
        """Read once (or send a heartbeat when one is due); ``TimeoutError`` past ``deadline``."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no matching event from the server in time")
        due = self._heartbeat_due()
        if due <= 0:
            self.connection.heartbeat()
            self.heartbeats_sent += 1
            self.flush()
            return
        self.sock.settimeout(min(left, due))
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            return
        if data:
            if self.received is not None:
                self.received += data
            self.connection.receive_data(data)
        else:
            self.eof = True
            self.connection.reader.feed_eof()

    # --- helpers that wait for the server ----------------------------------------------

    def connect(self) -> ConnectionOpenOk:
        """Run the handshake (§2.2.4); return the server's ``connection.open-ok``."""
        self.connection.start()
        event = self.wait_for(_method(ConnectionOpenOk), channel=0)
        assert isinstance(event, MethodFrame) and isinstance(event.method, ConnectionOpenOk)
        return event.method

    def call(self, method: Method, *, channel: int) -> Method:
        """Send a synchronous method and return the server's reply (§2.3.6)."""
        self.connection.send(method, channel=channel)
        replies = type(method).RESPONSES
        event = self.wait_for(
            lambda event: _on(event, channel) and isinstance(event.method, replies), channel=channel
        )
        assert isinstance(event, MethodFrame)
        return event.method

    def channel(self) -> int:
        """Open a channel and wait until it is open."""
        channel = self.connection.open_channel()
        self.wait_for(lambda event: _on(event, channel) and isinstance(event.method, ChannelOpenOk))
        return channel

    def close_channel(self, channel: int) -> None:
        """Close a channel and wait for ``channel.close-ok``."""
        self.connection.close_channel(channel)
        self.wait_for(lambda event: _on(event, channel) and isinstance(event.method, ChannelCloseOk))

    def publish(
        self,
        channel: int,
        body: bytes,
        *,
        routing_key: str,
        exchange: str = "",
        properties: BasicProperties | None = None,
        mandatory: bool = False,
    ) -> None:
        """Publish one message (no wait: use confirms or a get to synchronise)."""
        method = BasicPublish(exchange=exchange, routing_key=routing_key, mandatory=mandatory)
        self.connection.publish(method, properties, body, channel=channel)
        self.flush()

    def message(self, predicate: Callable[[Message], bool], *, channel: int) -> Message:
        """Wait for an assembled content on ``channel`` that satisfies ``predicate``."""
        event = self.wait_for(
            lambda event: isinstance(event, Message) and event.channel == channel and predicate(event),
            channel=channel,
        )
        assert isinstance(event, Message)
        return event

    def get(self, channel: int, queue: str, *, no_ack: bool = True) -> Message | None:
        """``basic.get``: the message, or None for ``get-empty`` (§1.8.3.10)."""
        reply = self.call(BasicGet(queue=queue, no_ack=no_ack), channel=channel)
        if isinstance(reply, BasicGetEmpty):
            return None
        return self.message(lambda message: message.method is reply, channel=channel)

    def method(self, cls: type[Method], *, channel: int) -> Method:
        """Wait for an asynchronous method of ``cls`` on ``channel`` (a confirm, a cancel...)."""
        event = self.wait_for(
            lambda event: _on(event, channel) and isinstance(event.method, cls), channel=channel
        )
        assert isinstance(event, MethodFrame)
        return event.method

    def close(self) -> None:
        """Close the connection and wait for ``connection.close-ok``."""
        self.connection.close()
        self.wait_for(_method(ConnectionCloseOk))


def _on(event: ClientEvent, channel: int) -> TypeGuard[MethodFrame]:
    return isinstance(event, MethodFrame) and event.channel == channel


def _method(cls: type[Method]) -> Callable[[ClientEvent], bool]:
    return lambda event: isinstance(event, MethodFrame) and isinstance(event.method, cls)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5672)
    parser.add_argument("--mechanism", choices=sorted(_RESPONSES), default="PLAIN")
    parser.add_argument("--user", default="guest")
    parser.add_argument("--password", default="guest")
    args = parser.parse_args(argv)
    options = {"username": args.user, "password": args.password, "mechanism": args.mechanism}
    with BlockingClient(args.host, args.port, **options) as client:
        client.connect()
        start = client.connection.server_start
        assert start is not None and client.connection.tune is not None
        product = start.server_properties.get("product", "?")
        print(f"connected to {product}, frame_max {client.connection.tune.frame_max}")
        channel = client.channel()
        client.call(ConfirmSelect(), channel=channel)
        queue = f"amqpcodec-example-{uuid.uuid4()}"
        client.call(QueueDeclare(queue=queue, exclusive=True), channel=channel)
        bodies = [b"hello", b"", b"x" * 300_000]
        for tag, body in enumerate(bodies, start=1):
            properties = BasicProperties(content_type="text/plain", headers={"n": tag})
            client.publish(channel, body, routing_key=queue, properties=properties)
            print(f"published {len(body)} bytes, confirm: {client.method(BasicAck, channel=channel)!r}")
        for _ in bodies:
            message = client.get(channel, queue)
            assert message is not None
            print(f"got {len(message.body)} bytes with {message.properties!r}")
        client.call(QueueDelete(queue=queue), channel=channel)
        client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
