"""A minimal AMQP 1.0 client written only on amqpcodec (OASIS AMQP 1.0 Parts 2, 3 and 5).

Strategy: two layers, so the protocol can be read apart from the I/O.

- :class:`Connection` is sans-IO (h11's pattern).  Calls such as ``open()``,
  ``attach()``, ``send()`` or ``settle()`` queue frames; ``data_to_send()`` hands out
  the bytes; ``receive_data()`` takes bytes and ``next_event()`` returns amqpcodec's
  ``ProtocolHeader`` and ``Frame`` events as they arrive, plus a ``Delivery`` after the
  last transfer frame of each incoming message, or ``NEED_DATA``.  It keeps only the
  state the protocol asks for: the SASL exchange (Part 5 §5.3.2), the peer's
  max-frame-size (§2.7.1), session transfer ids and windows (§2.5.6), delivery ids,
  link credit and delivery counts (§2.6.7), and answers a detach, end or close the
  peer starts (§2.6.6, §2.5.5, §2.4.3).
- :class:`BlockingClient` owns a socket: it writes what the connection queued, reads
  until an event it waits for arrives, and sends an empty frame when the peer's
  idle-time-out asks for one (§2.4.5).  A close, end or detach the peer starts
  raises :class:`PeerClosed`, carrying the peer's ``ErrorCondition``.

One session per channel, links by name; no transactions, no resumption, no TLS.

Run by hand against a local broker (RabbitMQ with the ``rabbitmq_amqp1_0`` plugin,
whose ``/queue/<name>`` addresses declare the queue)::

    python examples/client.py --host 127.0.0.1 --port 5672

It sends a few messages of different body kinds, receives them back and prints them.
RabbitMQ 3.10 shows in the output what it changes: it adds a header and (where the
message had none) a properties section with the queue name as subject, and returns a
body of several sections in reverse order (tests/interop/test_broker.py records all of it).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from amqpcodec import (
    DEFAULT_LIMITS,
    NEED_DATA,
    AbortedDelivery,
    Accepted,
    AMQPSequence,
    Attach,
    Begin,
    Close,
    Data,
    Delivery,
    Detach,
    Disposition,
    End,
    ErrorCondition,
    Flow,
    Frame,
    FrameReader,
    Limits,
    Message,
    Open,
    Properties,
    ProtocolHeader,
    Role,
    SaslCode,
    SaslInit,
    SaslMechanisms,
    SaslOutcome,
    SenderSettleMode,
    Source,
    Symbol,
    Target,
    Transfer,
    TransferAssembler,
    UInt,
    encode_frame,
    encode_transfer,
)
from amqpcodec.frames import NeedData

__all__ = ["BlockingClient", "Connection", "Event", "Link", "PeerClosed", "SaslFailed", "Session"]

#: §2.2 and Part 5 §5.3.2: "AMQP", protocol id, major, minor, revision.
AMQP_HEADER = b"AMQP\x00\x01\x00\x00"
SASL_HEADER = b"AMQP\x03\x01\x00\x00"

#: Serial numbers (delivery counts, transfer and delivery ids) wrap at 2**32 (§2.5.6, RFC 1982).
_SERIAL = 2**32
#: The incoming window we grant each session (§2.5.6); renewed when half is used.
_WINDOW = 2048

Event = ProtocolHeader | Frame | Delivery | AbortedDelivery


class SaslFailed(ConnectionError):
    """The peer's ``sasl-outcome`` (Part 5 §5.3.3.5) was not ``ok``."""

    def __init__(self, outcome: SaslOutcome) -> None:
        super().__init__(f"SASL authentication failed: {outcome.code!r}")
        self.outcome = outcome


class PeerClosed(ConnectionError):
    """The peer closed the connection, ended a session or detached a link (§2.7.7-§2.7.9).

    ``performative`` is the peer's ``Close``, ``End`` or ``Detach``; ``error`` its
    ``ErrorCondition`` (``None`` for a clean one).
    """

    def __init__(self, performative: Close | End | Detach) -> None:
        error = performative.error
        text = "without error" if error is None else f"{error.condition}: {error.description}"
        super().__init__(f"peer sent {type(performative).__name__.lower()} {text}")
        self.performative = performative
        self.error: ErrorCondition | None = error


@dataclasses.dataclass(eq=False)
class Link:
    """One end of a link (§2.6): ours is ``handle``; the peer's attach gives ``remote``."""

    session: Session
    name: str
    handle: int
    role: Role
    delivery_count: int = 0
    credit: int = 0
    remote: Attach | None = None
    remote_detach: Detach | None = None
    detaching: bool = False

    @property
    def remote_handle(self) -> int | None:
        """The handle the peer uses for this link in its frames."""
        return None if self.remote is None else int(self.remote.handle)


@dataclasses.dataclass(eq=False)
class Session:
    """A session (§2.5): ``channel`` is ours, ``remote_channel`` the peer's."""

    channel: int
    next_outgoing_id: int = 0
    next_delivery_id: int = 0
    next_incoming_id: int = 0
    incoming_window: int = _WINDOW
    remote_incoming_window: int = 0
    remote: Begin | None = None
    remote_end: End | None = None
    ending: bool = False
    remote_channel: int | None = None
    links: dict[str, Link] = dataclasses.field(default_factory=dict)
    next_handle: int = 0


class Connection:
    """Sans-IO AMQP 1.0 client connection: calls queue frames, received bytes become events.

    ``sasl`` is ``(mechanism, initial_response)``, e.g. ``("PLAIN", b"\\0guest\\0guest")``
    or ``("ANONYMOUS", None)``; ``None`` skips the SASL layer.  ``max_frame_size`` is
    what we announce in ``open`` and accept from the peer.
    """

    def __init__(
        self,
        *,
        container_id: str | None = None,
        hostname: str | None = None,
        sasl: tuple[str, bytes | None] | None = ("ANONYMOUS", None),
        max_frame_size: int = 65536,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.container_id = container_id or f"amqpcodec-{uuid.uuid4()}"
        self.hostname = hostname
        self.sasl = sasl
        self.max_frame_size = max_frame_size
        self.reader = FrameReader(limits=limits)
        self.reader.max_frame_size = max_frame_size  # §2.7.1: the most we accept is what we announce
        self.assembler = TransferAssembler(limits=limits)
        self.sasl_mechanisms: SaslMechanisms | None = None
        self.sasl_outcome: SaslOutcome | None = None
        self.remote_open: Open | None = None
        self.remote_close: Close | None = None
        self.closing = False
        self.sessions: dict[int, Session] = {}
        self._by_remote_channel: dict[int, Session] = {}
        self._out = bytearray()
        self._pending: collections.deque[Event] = collections.deque()
        self._started = False

    # --- outgoing ----------------------------------------------------------------------

    def data_to_send(self) -> bytes:
        """The bytes queued since the last call (send them all, in order)."""
        data = bytes(self._out)
        self._out.clear()
        return data

    def _frame(self, performative: Any, channel: int = 0, payload: bytes = b"") -> None:
        self._out += encode_frame(performative, channel, payload, max_frame_size=self.remote_max_frame_size)

    @property
    def remote_max_frame_size(self) -> int:
        """The largest frame the peer accepts: 512 until its ``open`` says more (§2.4.1, §2.7.1)."""
        if self.remote_open is None:
            return 512
        return int(self.remote_open.effective("max_frame_size"))

    def open(self) -> None:
        """Start the connection: the SASL header (the exchange then runs by itself, Part 5
        §5.3.2), or the AMQP header and ``open`` straight away."""
        if self._started:
            raise RuntimeError("open() was already called")
        self._started = True
        if self.sasl is None:
            self._send_open()
        else:
            self._out += SASL_HEADER

    def _send_open(self) -> None:
        self._out += AMQP_HEADER
        self._frame(
            Open(container_id=self.container_id, hostname=self.hostname, max_frame_size=self.max_frame_size)
        )

    def begin(self) -> Session:
        """Begin a session (§2.5.5, §2.7.2) on the lowest free channel."""
        channel = next(number for number in range(len(self.sessions) + 1) if number not in self.sessions)
        session = Session(channel)
        self.sessions[channel] = session
        self._frame(
            Begin(next_outgoing_id=0, incoming_window=session.incoming_window, outgoing_window=_WINDOW),
            channel,
        )
        return session

    def attach(
        self,
        session: Session,
        role: Role,
        address: str | None,
        *,
        name: str | None = None,
        settle_mode: SenderSettleMode = SenderSettleMode.UNSETTLED,
    ) -> Link:
        """Attach a link (§2.6.3, §2.7.3): a sender to target ``address``, or a receiver
        from source ``address``.  ``settle_mode`` is the sender's settlement mode (§2.8.2)."""
        name = name or f"{self.container_id}-{role.name.lower()}-{session.next_handle}"
        link = Link(session, name, session.next_handle, role)
        session.next_handle += 1
        session.links[name] = link
        if role is Role.SENDER:
            source, target = Source(), Target(address=address)
        else:
            source, target = Source(address=address), Target()
        attach = Attach(
            name=name,
            handle=link.handle,
            role=role,
            snd_settle_mode=settle_mode,
            source=source,
            target=target,
            initial_delivery_count=0 if role is Role.SENDER else None,
        )
        self._frame(attach, session.channel)
        return link

    def _session_flow(self, session: Session) -> dict[str, Any]:
        """The session fields every ``flow`` carries (§2.7.4)."""
        return {
            "next_incoming_id": session.next_incoming_id if session.remote is not None else None,
            "incoming_window": session.incoming_window,
            "next_outgoing_id": session.next_outgoing_id,
            "outgoing_window": _WINDOW,
        }

    def flow(self, link: Link, credit: int, *, drain: bool = False) -> None:
        """Grant a receiving link ``credit`` (§2.6.7); ``drain`` asks the sender to use it
        up or give it back at once."""
        link.credit = credit
        self._link_flow(link, drain=drain)

    def _link_flow(self, link: Link, *, drain: bool = False) -> None:
        flow = Flow(
            **self._session_flow(link.session),
            handle=link.handle,
            delivery_count=link.delivery_count,
            link_credit=link.credit,
            drain=drain or None,
        )
        self._frame(flow, link.session.channel)

    def send(
        self,
        link: Link,
        payload: bytes,
        *,
        tag: bytes | None = None,
        settled: bool = False,
        message_format: int = 0,
    ) -> int:
        """Send one delivery (§2.6.12) on a sending link, split into transfer frames that
        fit the peer's max-frame-size (§2.7.5); return its delivery-id."""
        if link.role is not Role.SENDER:
            raise ValueError("send() needs a sending link")
        if link.credit <= 0:
            raise RuntimeError(f"link {link.name!r} has no credit (§2.6.7): wait for the peer's flow")
        session = link.session
        delivery_id = session.next_delivery_id
        transfer = Transfer(
            handle=link.handle,
            delivery_id=delivery_id,
            delivery_tag=tag if tag is not None else delivery_id.to_bytes(4, "big"),
            message_format=message_format,
            settled=settled,
        )
        frames = encode_transfer(
            transfer, payload, channel=session.channel, max_frame_size=self.remote_max_frame_size
        )
        for frame in frames:
            self._out += frame
        session.next_delivery_id = (delivery_id + 1) % _SERIAL
        session.next_outgoing_id = (session.next_outgoing_id + len(frames)) % _SERIAL
        session.remote_incoming_window -= len(frames)
        link.delivery_count = (link.delivery_count + 1) % _SERIAL
        link.credit -= 1
        return delivery_id

    def settle(self, session: Session, first: int, state: Any, *, last: int | None = None) -> None:
        """Settle received deliveries ``first``..``last`` with outcome ``state`` (§2.7.6, §3.4)."""
        self._frame(
            Disposition(role=Role.RECEIVER, first=first, last=last, settled=True, state=state),
            session.channel,
        )

    def detach(self, link: Link, *, error: ErrorCondition | None = None) -> None:
        """Close a link (§2.6.6): ``detach`` with ``closed=True``."""
        link.detaching = True
        self._frame(Detach(handle=link.handle, closed=True, error=error), link.session.channel)

    def end(self, session: Session, *, error: ErrorCondition | None = None) -> None:
        """End a session (§2.5.5)."""
        session.ending = True
        self._frame(End(error=error), session.channel)

    def close(self, *, error: ErrorCondition | None = None) -> None:
        """Close the connection (§2.4.3)."""
        self.closing = True
        self._frame(Close(error=error))

    def heartbeat(self) -> None:
        """Queue an empty frame, which keeps an idle connection open (§2.4.5)."""
        self._out += encode_frame(None)

    # --- incoming ----------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Bytes from the peer; ``next_event()`` returns what they complete."""
        self.reader.feed(data)

    def next_event(self) -> Event | NeedData:
        """The next event, or ``NEED_DATA``.  Raises amqpcodec's ``DecodeError`` for bytes
        that are not AMQP (a framing fault is fatal)."""
        if self._pending:
            return self._pending.popleft()
        event = self.reader.next_event()
        if isinstance(event, Frame):
            self._handle(event)
        elif isinstance(event, ProtocolHeader) and event.protocol_id == 3 and self.sasl is None:
            raise ConnectionError("the peer asks for SASL; pass sasl=(mechanism, response)")
        return event

    def events(self) -> Iterator[Event]:
        """The events now complete."""
        while True:
            event = self.next_event()
            if event is NEED_DATA:
                return
            assert not isinstance(event, NeedData)
            yield event

    def _session_of(self, frame: Frame) -> Session:
        try:
            return self._by_remote_channel[frame.channel]
        except KeyError:
            raise ConnectionError(f"a frame on channel {frame.channel}, where no session began") from None

    def _link_of(self, session: Session, handle: Any) -> Link:
        for link in session.links.values():
            if link.remote_handle == handle:
                return link
        raise ConnectionError(f"a frame for handle {handle}, which the peer did not attach")

    def _handle(self, frame: Frame) -> None:
        """Keep the state §2.4-§2.6 ask for, answer what the peer starts."""
        body = frame.performative
        if isinstance(body, SaslMechanisms):
            assert self.sasl is not None
            self.sasl_mechanisms = body
            mechanism, response = self.sasl
            self._frame(SaslInit(mechanism=mechanism, initial_response=response, hostname=self.hostname))
        elif isinstance(body, SaslOutcome):
            self.sasl_outcome = body
            if body.code == SaslCode.OK:
                self._send_open()
        elif isinstance(body, Open):
            self.remote_open = body
        elif isinstance(body, Begin):
            if body.remote_channel is None:
                raise ConnectionError("the peer began a session we did not ask for")
            session = self.sessions[int(body.remote_channel)]
            session.remote = body
            session.remote_channel = frame.channel
            session.next_incoming_id = int(body.next_outgoing_id)
            session.remote_incoming_window = int(body.incoming_window)
            self._by_remote_channel[frame.channel] = session
        elif isinstance(body, Attach):
            session = self._session_of(frame)
            if body.name not in session.links:
                raise ConnectionError(f"the peer attached link {body.name!r}, which we did not ask for")
            link = session.links[body.name]
            link.remote = body
            if link.role is Role.RECEIVER and body.initial_delivery_count is not None:
                link.delivery_count = int(body.initial_delivery_count)
        elif isinstance(body, Flow):
            self._on_flow(frame, body)
        elif isinstance(body, Transfer):
            session = self._session_of(frame)
            session.next_incoming_id = (session.next_incoming_id + 1) % _SERIAL
            session.incoming_window -= 1
            delivery = self.assembler.feed(frame)
            if delivery is not None:
                link = self._link_of(session, body.handle)
                link.delivery_count = (link.delivery_count + 1) % _SERIAL
                link.credit -= 1
                self._pending.append(delivery)
            if session.incoming_window <= _WINDOW // 2:
                session.incoming_window = _WINDOW
                self._frame(Flow(**self._session_flow(session)), session.channel)
        elif isinstance(body, Detach):
            self.assembler.feed(frame)
            session = self._session_of(frame)
            link = self._link_of(session, body.handle)
            link.remote_detach = body
            if not link.detaching:
                link.detaching = True
                self._frame(Detach(handle=link.handle, closed=body.closed), session.channel)
        elif isinstance(body, End):
            self.assembler.feed(frame)
            session = self._session_of(frame)
            session.remote_end = body
            if not session.ending:
                session.ending = True
                self._frame(End(), session.channel)
            del self.sessions[session.channel]  # both ends have ended: the channels are free again
            del self._by_remote_channel[frame.channel]
        elif isinstance(body, Close):
            self.assembler.feed(frame)
            self.remote_close = body
            if not self.closing:
                self.closing = True
                self._frame(Close())

    def _on_flow(self, frame: Frame, flow: Flow) -> None:
        """§2.5.6 session window and §2.6.7 link credit from the peer's ``flow``."""
        session = self._session_of(frame)
        next_incoming = 0 if flow.next_incoming_id is None else int(flow.next_incoming_id)
        session.remote_incoming_window = next_incoming + int(flow.incoming_window) - session.next_outgoing_id
        if flow.handle is None:
            return
        link = self._link_of(session, flow.handle)
        if link.role is Role.SENDER and flow.link_credit is not None:
            # §2.6.7: link-credit(snd) := delivery-count(rcv) + link-credit(rcv) - delivery-count(snd)
            count = link.delivery_count if flow.delivery_count is None else int(flow.delivery_count)
            link.credit = (count + int(flow.link_credit) - link.delivery_count) % _SERIAL
        elif link.role is Role.RECEIVER:
            if flow.delivery_count is not None:
                link.delivery_count = int(flow.delivery_count)
            if flow.link_credit is not None:
                link.credit = int(flow.link_credit)
        if flow.echo:
            self._link_flow(link)


class BlockingClient:
    """A :class:`Connection` over a blocking TCP socket.

    ``wait_for(predicate)`` reads until an event satisfies ``predicate``; every event
    read is also appended to ``log``.  The helpers (``connect``, ``begin``, ``attach``,
    ``send``, ``receive``, ...) each wait for the peer's answer.
    """

    def __init__(self, host: str, port: int, *, timeout: float = 10.0, **options: Any) -> None:
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.connection = Connection(hostname=options.pop("hostname", host), **options)
        self.log: list[Event] = []
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
        """Seconds until the peer's idle-time-out needs a frame from us (half of it, §2.4.5)."""
        remote = self.connection.remote_open
        if remote is None or not remote.idle_time_out:
            return self.timeout
        return self._last_sent + int(remote.idle_time_out) / 2000 - time.monotonic()

    def wait_for(self, predicate: Callable[[Event], bool], *, timeout: float | None = None) -> Event:
        """Read events until one satisfies ``predicate`` and return it.

        Raises :class:`PeerClosed` when the peer closes, or starts a detach or end, before
        that; :class:`SaslFailed` on a failed SASL outcome; ``TimeoutError``; and
        ``ConnectionError`` when the socket closes.
        """
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        connection = self.connection
        while True:
            self.flush()
            for event in connection.events():
                self.log.append(event)
                if predicate(event):
                    self.flush()
                    return event
                self._raise_for(event)
            self.flush()
            if self.eof:
                raise ConnectionError("the peer closed the socket")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching event from the peer in time")
            due = self._heartbeat_due()
            if due <= 0:
                connection.heartbeat()
                continue
            self.sock.settimeout(min(left, due))
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            if not data:
                self.eof = True
                connection.reader.feed_eof()
            else:
                connection.receive_data(data)

    def _raise_for(self, event: Event) -> None:
        if not isinstance(event, Frame):
            return
        body = event.performative
        if isinstance(body, SaslOutcome) and body.code != SaslCode.OK:
            raise SaslFailed(body)
        if isinstance(body, Close):
            raise PeerClosed(body)
        if isinstance(body, (End, Detach)) and body.error is not None:
            raise PeerClosed(body)

    # --- helpers that wait for the peer ------------------------------------------------

    def connect(self) -> Open:
        """SASL (if configured), then ``open``; return the peer's ``open``."""
        self.connection.open()
        frame = self.wait_for(_performative(Open))
        assert isinstance(frame, Frame) and isinstance(frame.performative, Open)
        return frame.performative

    def begin(self) -> Session:
        """Begin a session and wait for the peer's ``begin``."""
        session = self.connection.begin()
        self.wait_for(lambda event: session.remote is not None)
        return session

    def attach(self, session: Session, role: Role, address: str | None, **options: Any) -> Link:
        """Attach a link and wait for the peer's ``attach`` (and, for a sender, its credit).

        A peer refusing the link answers with an attach without terminus and a detach
        with an error: that raises :class:`PeerClosed`.
        """
        link = self.connection.attach(session, role, address, **options)
        self.wait_for(lambda event: link.remote is not None)
        if role is Role.SENDER:
            self.wait_for(lambda event: link.credit > 0 or link.remote_detach is not None)
        if link.remote_detach is not None:
            raise PeerClosed(link.remote_detach)
        return link

    def send(self, link: Link, message: Message | bytes, *, settled: bool = False) -> Any:
        """Send a message; unless ``settled``, wait for the peer's outcome and return it."""
        if link.credit <= 0:
            self.wait_for(lambda event: link.credit > 0)
        payload = message.encode() if isinstance(message, Message) else message
        delivery_id = self.connection.send(link, payload, settled=settled)
        if settled:
            self.flush()
            return None
        frame = self.wait_for(lambda event: _disposes(event, delivery_id))
        assert isinstance(frame, Frame) and isinstance(frame.performative, Disposition)
        return frame.performative.state

    def receive(self, link: Link, *, credit: int = 1, timeout: float | None = None) -> Delivery:
        """Grant credit if the link has none and wait for the next delivery on it."""
        if link.credit <= 0:
            self.connection.flow(link, credit)
        event = self.wait_for(
            lambda event: isinstance(event, Delivery) and event.handle == link.remote_handle, timeout=timeout
        )
        assert isinstance(event, Delivery)
        return event

    def settle(self, link: Link, delivery: Delivery, state: Any = None) -> None:
        """Settle a received delivery with an outcome (``Accepted()`` by default)."""
        self.connection.settle(
            link.session, int(delivery.delivery_id), Accepted() if state is None else state
        )
        self.flush()

    def detach(self, link: Link) -> Detach:
        """Detach a link and wait for the peer's detach."""
        self.connection.detach(link)
        self.wait_for(lambda event: link.remote_detach is not None)
        assert link.remote_detach is not None
        return link.remote_detach

    def end(self, session: Session) -> End:
        """End a session and wait for the peer's end."""
        self.connection.end(session)
        self.wait_for(lambda event: session.remote_end is not None)
        assert session.remote_end is not None
        return session.remote_end

    def close(self) -> Close:
        """Close the connection and wait for the peer's close."""
        self.connection.close()
        self.wait_for(_performative(Close))
        assert self.connection.remote_close is not None
        return self.connection.remote_close


def _performative(cls: type) -> Callable[[Event], bool]:
    return lambda event: isinstance(event, Frame) and isinstance(event.performative, cls)


def _disposes(event: Event, delivery_id: int) -> bool:
    """Whether ``event`` is the peer's disposition covering our delivery ``delivery_id``."""
    if not isinstance(event, Frame) or not isinstance(event.performative, Disposition):
        return False
    disposition = event.performative
    last = disposition.first if disposition.last is None else disposition.last
    return disposition.role == Role.RECEIVER and int(disposition.first) <= delivery_id <= int(last)


def _demo_messages() -> list[Message]:
    return [
        Message(
            body=b"hello, data section",
            properties=Properties(message_id=1, content_type=Symbol("text/plain")),
        ),
        Message(
            body={"n": UInt(7), Symbol("k"): [1.5, "two", None]}, application_properties={"color": "blue"}
        ),
        Message(body=AMQPSequence([1, 2, 3])),
        Message(body=[Data(b"part one, "), Data(b"part two")]),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5672)
    parser.add_argument(
        "--address", default="/queue/amqpcodec-example", help="node to send to and receive from"
    )
    parser.add_argument("--mechanism", choices=("PLAIN", "ANONYMOUS"), default="PLAIN")
    parser.add_argument("--user", default="guest")
    parser.add_argument("--password", default="guest")
    args = parser.parse_args(argv)
    response = f"\0{args.user}\0{args.password}".encode() if args.mechanism == "PLAIN" else None
    sasl: tuple[str, bytes | None] = (args.mechanism, response)
    with BlockingClient(args.host, args.port, sasl=sasl) as client:
        remote = client.connect()
        product = (remote.properties or {}).get("product", "?")
        print(f"connected to {remote.container_id} ({product}), max frame size {remote.max_frame_size}")
        session = client.begin()
        sender = client.attach(session, Role.SENDER, args.address)
        receiver = client.attach(session, Role.RECEIVER, args.address)
        messages = _demo_messages()
        for message in messages:
            outcome = client.send(sender, message)
            print(f"sent     {message!r}\n  outcome {outcome!r}")
        for _ in messages:
            delivery = client.receive(receiver, credit=len(messages))
            print(f"received {Message.decode(delivery.payload)!r}")
            client.settle(receiver, delivery)
        client.detach(sender)
        client.detach(receiver)
        client.end(session)
        client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
