"""Interoperability with a live broker: RabbitMQ 3.10 and its AMQP 1.0 plugin (OASIS AMQP 1.0
Parts 2, 3 and 5).

The client is ``examples/client.py`` (a sans-IO connection and a blocking socket loop, written
only on amqpcodec).  ``.ci/broker-tests`` starts RabbitMQ on 127.0.0.1 and sets
``AMQPCODEC_BROKER=host:port``; without that variable every test here skips.  Under CI, a broker
that variable names but that cannot be reached, or that is not RabbitMQ 3.10, is a failure:
what is asserted below is RabbitMQ 3.10.8's recorded behaviour (Debian bookworm's package).

Each message case goes through a queue and back: the bare message (properties,
application-properties, body; §3.2) must come back byte-identical; the header and the
annotations are compared field by field with what the broker is recorded to change; every
received payload decodes eagerly and lazily, and the lazy message re-encodes to the very bytes.

What RabbitMQ 3.10 changes (asserted in the tests named):
- header (``expected_header``): rewritten from its 0-9-1 properties, as a five-field list with a
  trailing null: ``durable`` always written (false when absent), ``priority`` and ``ttl`` kept,
  ``first-acquirer`` replaced by "not redelivered", ``delivery-count`` dropped;
- message-annotations and footer: kept byte for byte;
- properties: when the message has none, the broker writes one with ``subject`` = the queue name;
  a message without a body gets an empty data section (``test_missing_sections_are_added``);
- a body of several data or amqp-sequence sections comes back in reverse order
  (``test_multi_section_bodies_come_back_reversed``);
- its ``detach`` answering our ``detach(closed=true)`` leaves ``closed`` out; its ``attach`` for our
  receiver has no target.

What it refuses (``REFUSED``): its parser cannot read arrays of most element types (including
the narrow 0x52-0x55 constructors of canonical small-integer arrays; ``wide_arrays=True``
avoids those, ``test_wide_arrays_are_accepted``), an amqp-value list of two
or more elements, a described value in application-properties, annotations, the footer or an
amqp-sequence, and any delivery-annotations section.  It answers with no close frame: it resets
the TCP connection about 3 s later.  Link and session faults end the session with an ``end``
carrying an ``ErrorCondition`` (never a ``detach`` with one); connection faults send ``close``
with one (``ERROR_FRAMES``).  The ``modified`` outcome and ``drain`` both end the session.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any, NoReturn

import pytest

import amqpcodec
from amqpcodec import (
    Accepted,
    AMQPSequence,
    AMQPValue,
    ApplicationProperties,
    Array,
    Attach,
    Begin,
    Byte,
    Char,
    Close,
    Data,
    Decimal32,
    Decimal64,
    Decimal128,
    Delivery,
    DeliveryAnnotations,
    Described,
    Detach,
    Disposition,
    End,
    ErrorCondition,
    Float,
    Flow,
    Footer,
    Frame,
    Header,
    Int,
    Message,
    MessageAnnotations,
    Modified,
    Open,
    Properties,
    ProtocolHeader,
    Rejected,
    Released,
    Role,
    SaslCode,
    SaslMechanisms,
    SaslOutcome,
    SenderSettleMode,
    Short,
    Source,
    Symbol,
    Target,
    Timestamp,
    Transfer,
    UByte,
    UInt,
    ULong,
    UShort,
    encode_frame,
)
from amqpcodec.testing import same_value
from tests.helpers.broker import BROKER_MARKS
from tests.helpers.paths import EXAMPLES

pytestmark = BROKER_MARKS


def _load_client() -> ModuleType:
    """``examples/client.py``, which is not a package module."""
    path = EXAMPLES / "client.py"
    spec = importlib.util.spec_from_file_location("amqpcodec_example_client", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


client = _load_client()
BlockingClient = client.BlockingClient
PeerClosed = client.PeerClosed
SaslFailed = client.SaslFailed

PLAIN = ("PLAIN", b"\0guest\0guest")
ANONYMOUS = ("ANONYMOUS", None)
U = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
#: A properties section sent with each case, so the broker keeps the sender's bytes.
ID = Properties(message_id="amqpcodec-interop")


# --------------------------------------------------------------------------- the broker


@dataclasses.dataclass(frozen=True)
class Broker:
    host: str
    port: int
    open: Open


def _fail_or_skip(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def broker() -> Broker:
    """The broker AMQPCODEC_BROKER names, checked to be reachable and RabbitMQ 3.10."""
    where = os.environ["AMQPCODEC_BROKER"]
    host, _, port = where.rpartition(":")
    try:
        with BlockingClient(host, int(port), sasl=PLAIN, timeout=10) as probe:
            remote = probe.connect()
            probe.close()
    except (OSError, ValueError) as error:
        _fail_or_skip(f"AMQPCODEC_BROKER={where}: no AMQP 1.0 broker there ({error!r})")
    properties = remote.properties or {}
    product, version = properties.get("product"), str(properties.get("version", ""))
    if product != "RabbitMQ" or not version.startswith("3.10."):
        _fail_or_skip(
            f"these tests record RabbitMQ 3.10's behaviour; AMQPCODEC_BROKER={where} is {product} {version}"
        )
    return Broker(host, int(port), remote)


def open_client(broker: Broker, **options: Any) -> Any:
    """A BlockingClient connected to the broker (SASL PLAIN guest/guest unless ``sasl`` given)."""
    options.setdefault("sasl", PLAIN)
    options.setdefault("timeout", 10)
    connection = BlockingClient(broker.host, broker.port, **options)
    try:
        connection.connect()
    except BaseException:
        connection.sock.close()
        raise
    return connection


@pytest.fixture
def connect(broker: Broker) -> Iterator[Callable[..., Any]]:
    """``connect(**options)``: a connected client, its socket closed after the test."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        made.append(open_client(broker, **options))
        return made[-1]

    yield make
    for each in made:
        each.sock.close()


def new_queue() -> str:
    """A fresh address: RabbitMQ declares the queue on the first attach to ``/queue/<name>``."""
    return f"/queue/amqpcodec-interop-{uuid.uuid4().hex[:12]}"


def frames_of(connection: Any, cls: type) -> list[Any]:
    """The performatives of class ``cls`` the client has received, in order."""
    return [
        event.performative
        for event in connection.log
        if isinstance(event, Frame) and isinstance(event.performative, cls)
    ]


# --------------------------------------------------------------------------- sections

#: Descriptor code → section attribute, from the section classes (§3.2).
SECTION_NAMES = {
    int(cls.DESCRIPTOR): name
    for cls, name in (
        (Header, "header"),
        (DeliveryAnnotations, "delivery_annotations"),
        (MessageAnnotations, "message_annotations"),
        (Properties, "properties"),
        (ApplicationProperties, "application_properties"),
        (Data, "body"),
        (AMQPSequence, "body"),
        (AMQPValue, "body"),
        (Footer, "footer"),
    )
}
BARE = ("properties", "application_properties", "body")


def sections(payload: bytes) -> dict[str, bytes]:
    """A message payload's bytes per section (the body's sections joined), via ``decode_prefix``."""
    parts: dict[str, bytes] = {}
    offset = 0
    while offset < len(payload):
        value, end = amqpcodec.decode_prefix(payload, offset)
        name = SECTION_NAMES[int(value.descriptor)]
        parts[name] = parts.get(name, b"") + payload[offset:end]
        offset = end
    return parts


def bare(payload: bytes) -> bytes:
    """The bare message (§3.2): properties, application-properties and body, as sent."""
    parts = sections(payload)
    return b"".join(parts.get(name, b"") for name in BARE)


def changes(sent: Mapping[Any, Any] | None, received: Mapping[Any, Any] | None) -> dict[Any, tuple[Any, Any]]:
    """``{key: (sent, received)}`` for each field or key whose value or exact type differs
    (an absent one counts as ``None``)."""
    sent, received = sent or {}, received or {}
    keys = [*sent, *(key for key in received if key not in sent)]
    return {
        key: (sent.get(key), received.get(key))
        for key in keys
        if not same_value(sent.get(key), received.get(key))
    }


def header_fields(header: Header | None) -> dict[str, Any]:
    """A header's fields by name (§3.2.1), ``None`` for absent ones."""
    names = (field.name.replace("-", "_") for field in Header.FIELDS)
    return {name: None if header is None else getattr(header, name) for name in names}


def expected_header(sent: Header | None, *, redelivered: bool = False) -> Header:
    """The header RabbitMQ 3.10 delivers for one sent as ``sent`` (rebuilt from 0-9-1 properties)."""
    return Header(
        durable=bool(sent is not None and sent.durable),
        priority=None if sent is None else sent.priority,
        ttl=None if sent is None else sent.ttl,
        first_acquirer=not redelivered,
    )


# --------------------------------------------------------------------------- one trip


@dataclasses.dataclass
class Trip:
    outcome: Any  # the broker's delivery state for our transfer
    delivery: Delivery
    message: Message  # the received message, eagerly decoded


def round_trip(connection: Any, message: Message | bytes, address: str | None = None) -> Trip:
    """Send ``message`` (or a message's bytes) to a fresh queue, take it back, accept it."""
    address = address or new_queue()
    session = connection.begin()
    sender = connection.attach(session, Role.SENDER, address)
    receiver = connection.attach(session, Role.RECEIVER, address)
    outcome = connection.send(sender, message)
    delivery = connection.receive(receiver)
    connection.settle(receiver, delivery, Accepted())
    return Trip(outcome, delivery, Message.decode(delivery.payload))


def check_lossless_decoding(payload: bytes) -> Message:
    """The broker's bytes decode eagerly and lazily to equal messages; lazy re-encodes them as is."""
    eager = Message.decode(payload)
    lazy = Message.decode(payload, lazy=True)
    assert lazy.encode() == payload
    assert same_value(lazy, eager)
    return eager


# --------------------------------------------------------------------------- connection


@pytest.mark.parametrize("sasl", [PLAIN, ANONYMOUS, None], ids=["PLAIN", "ANONYMOUS", "no-SASL"])
def test_connection_handshake(connect: Callable[..., Any], sasl: Any) -> None:
    """Protocol headers (§2.2, Part 5 §5.3.2), SASL, open/begin/end/close (§2.4-§2.5)."""
    connection = connect(sasl=sasl, max_frame_size=4096)
    headers = [event for event in connection.log if isinstance(event, ProtocolHeader)]
    assert [header.protocol_id for header in headers] == ([3, 0] if sasl else [0])
    if sasl:
        (mechanisms,) = frames_of(connection, SaslMechanisms)
        assert same_value(
            mechanisms.sasl_server_mechanisms,
            Array("symbol", [Symbol("ANONYMOUS"), Symbol("AMQPLAIN"), Symbol("PLAIN")]),
        )
        (outcome,) = frames_of(connection, SaslOutcome)
        assert outcome.code is SaslCode.OK and outcome.additional_data is None
    remote = connection.connection.remote_open
    assert type(remote.container_id) is str
    assert same_value(remote.max_frame_size, UInt(4096))  # ours: the smaller of the two
    assert same_value(remote.idle_time_out, UInt(60000))
    assert remote.properties[Symbol("product")] == "RabbitMQ"
    assert all(type(key) is Symbol and type(value) is str for key, value in remote.properties.items())
    session = connection.begin()
    assert same_value(
        session.remote,
        Begin(
            remote_channel=UShort(session.channel),
            next_outgoing_id=UInt(0),
            incoming_window=UInt(65535),
            outgoing_window=UInt(65535),
            handle_max=UInt(2**32 - 1),
        ),
    )
    assert same_value(connection.end(session), End())
    assert same_value(connection.close(), Close())


def test_wrong_password_fails_sasl(broker: Broker) -> None:
    """Part 5 §5.3.3.5: a failed PLAIN login is a ``sasl-outcome`` with code ``auth``."""
    with pytest.raises(SaslFailed) as failed:
        open_client(broker, sasl=("PLAIN", b"\0guest\0not-the-password"))
    assert failed.value.outcome.code is SaslCode.AUTH


def test_link_attach_and_detach(connect: Callable[..., Any]) -> None:
    """§2.6.3 attach and §2.6.6 detach as RabbitMQ answers them."""
    connection = connect()
    address = new_queue()
    session = connection.begin()
    sender = connection.attach(session, Role.SENDER, address)
    receiver = connection.attach(session, Role.RECEIVER, address)
    assert sender.remote.role is Role.RECEIVER and receiver.remote.role is Role.SENDER
    assert same_value(sender.remote.target, Target(address=address))
    assert same_value(
        receiver.remote.source,
        Source(
            address=address,
            default_outcome=Released(),
            outcomes=Array(
                "symbol", [Symbol(f"amqp:{name}:list") for name in ("accepted", "rejected", "released")]
            ),
        ),
    )
    assert receiver.remote.target is None  # recorded: no target in its attach for our receiver
    assert same_value(receiver.remote.initial_delivery_count, UInt(0))
    sender_flow = frames_of(connection, Flow)[0]
    assert same_value(sender_flow.link_credit, UInt(65536)) and sender_flow.handle == sender.remote_handle
    # Recorded: the answer to detach(closed=true) leaves `closed` out.
    assert same_value(connection.detach(sender), Detach(handle=sender.remote.handle))
    assert same_value(connection.detach(receiver), Detach(handle=receiver.remote.handle))
    connection.end(session)
    connection.close()


# --------------------------------------------------------------------------- messages

APPLICATION_PROPERTIES = {
    "null": None,
    "true": True,
    "false": False,
    "ubyte": UByte(255),
    "ushort": UShort(65535),
    "uint0": UInt(0),
    "smalluint": UInt(7),
    "uint": UInt(2**32 - 1),
    "ulong0": ULong(0),
    "ulong": ULong(2**64 - 1),
    "byte": Byte(-128),
    "short": Short(-32768),
    "smallint": Int(-1),
    "int": Int(-(2**31)),
    "smalllong": -5,
    "long": -(2**63),
    "float": Float(1.5),
    "double": -2.25,
    "decimal32": Decimal32("1.5"),
    "decimal64": Decimal64("-2.5E-10"),
    "decimal128": Decimal128("3.141592653589793238462643383279502"),
    "char": Char("€"),
    "timestamp": Timestamp(1700000000123),
    "negative-timestamp": Timestamp(-1),
    "uuid": U,
    "binary": b"\x00\xff",
    "vbin32": b"b" * 300,
    "string": "ünïcödé",
    "str32": "s" * 300,
    "empty": "",
    "symbol": Symbol("sym"),
}

ALL_PROPERTIES = Properties(
    message_id="m-1",
    user_id=b"guest",  # RabbitMQ checks it against the authenticated user
    to="/queue/elsewhere",
    subject="a subject",
    reply_to="/queue/reply",
    correlation_id="c-1",
    content_type=Symbol("application/octet-stream"),
    content_encoding=Symbol("identity"),
    absolute_expiry_time=Timestamp(4102444800000),
    creation_time=Timestamp(1700000000123),
    group_id="group",
    group_sequence=UInt(7),
    reply_to_group_id="reply-group",
)

#: amqp-value bodies the broker accepts, one per AMQP type (and the array forms it can parse).
VALUES = {
    "null": None,
    "boolean": True,
    "ubyte": UByte(1),
    "ushort": UShort(2),
    "uint0": UInt(0),
    "smalluint": UInt(3),
    "uint": UInt(70000),
    "ulong0": ULong(0),
    "smallulong": ULong(4),
    "ulong": ULong(2**63 + 1),
    "byte": Byte(-7),
    "short": Short(-7),
    "smallint": Int(-7),
    "int": Int(-70000),
    "smalllong": 5,
    "long": -(2**40),
    "float": Float(1.5),
    "double": 2.25,
    "decimal32": Decimal32("1.5"),
    "decimal64": Decimal64("-1.5E-300"),
    "decimal128": Decimal128("1.5E+6000"),
    "char": Char("x"),
    "timestamp": Timestamp(1700000000123),
    "uuid": U,
    "vbin8": b"\x00\x01",
    "vbin32": b"\xab" * 300,
    "str8": "héllo",
    "str32": "x" * 300,
    "sym8": Symbol("sym"),
    "sym32": Symbol("y" * 300),
    "list0": [],
    "list-of-one": [[1, "two", None]],
    "map": {"a": 1, Symbol("b"): [1, 2], UInt(3): {"nested": True}, None: Described(Symbol("d"), "v")},
    "map32": {f"key-{n}": n for n in range(100)},
    "described-symbolic": Described(Symbol("com.example:x"), "v"),
    "described-numeric": Described(0x1234, [1, 2, 3]),
    "array-ubyte": Array("ubyte", [1, 2]),
    "array-short": Array("short", [-1, 2]),
    "array-int-wide": Array("int", [1000, -1000]),
    "array-long-wide": Array("long", [2**40]),
    "array-uint-wide": Array("uint", [300, 70000]),
    "array-ulong-wide": Array("ulong", [300]),
    "array-boolean": Array("boolean", [True, False]),
    "array-string": Array("string", ["a", "b"]),
    "array-symbol": Array("symbol", ["a", "b"]),
    "array-symbol-empty": Array("symbol", []),
    "array-described": Array("string", ["a"], descriptor=Symbol("com.example:d")),
}

#: Messages whose bare part must come back byte-identical.
MESSAGES = {
    "data": Message(properties=ID, body=b"hello"),
    "data-empty": Message(properties=ID, body=b""),
    "data-vbin32": Message(properties=ID, body=bytes(range(256)) * 4),
    "amqp-sequence": Message(
        properties=ID, body=AMQPSequence([1, "two", [3, 4], {"five": 5}, Array("symbol", ["6"])])
    ),
    "amqp-sequence-empty": Message(properties=ID, body=AMQPSequence([])),
    **{f"amqp-value-{name}": Message(properties=ID, body=AMQPValue(value)) for name, value in VALUES.items()},
    "all-properties": Message(properties=ALL_PROPERTIES, body=b"x"),
    "empty-properties": Message(properties=Properties(), body=b"x"),
    **{
        f"ids-{name}": Message(properties=Properties(message_id=value, correlation_id=value), body=b"x")
        for name, value in (
            ("ulong", ULong(2**64 - 1)),
            ("uuid", U),
            ("binary", b"\x00\xff"),
            ("string", "s" * 300),
        )
    },
    "application-properties": Message(
        properties=ID, application_properties=APPLICATION_PROPERTIES, body=b"x"
    ),
    "header-all-fields": Message(
        header=Header(durable=True, priority=9, ttl=60000, first_acquirer=False, delivery_count=3),
        properties=ID,
        body=b"x",
    ),
    "header-defaults": Message(
        header=Header(durable=False, priority=4, first_acquirer=True, delivery_count=0),
        properties=ID,
        body=b"x",
    ),
    "message-annotations": Message(
        message_annotations={
            "x-opt-string": "v",
            "x-opt-symbol": Symbol("s"),
            "x-opt-timestamp": Timestamp(1700000000123),
            "x-opt-list": [1, 2],
            "x-opt-map": {"k": UInt(1)},
            ULong(5): "ulong key",
        },
        properties=ID,
        body=b"x",
    ),
    "footer": Message(properties=ID, body=b"x", footer={"x-opt-hash": b"\x01\x02", "x-opt-n": 7}),
    "everything": Message(
        header=Header(durable=True, priority=1, ttl=30000),
        message_annotations={"x-opt-a": 1},
        properties=ALL_PROPERTIES,
        application_properties={"k": "v", "n": Int(1)},
        body=AMQPValue({"a": [1, 2, 3]}),
        footer={"x-opt-f": True},
    ),
}


@pytest.mark.parametrize("message", MESSAGES.values(), ids=MESSAGES.keys())
def test_bare_message_comes_back_byte_identical(connect: Callable[..., Any], message: Message) -> None:
    """§3.2: the bare message is immutable in transit; header and annotations change as recorded."""
    trip = round_trip(connect(), message)
    assert isinstance(trip.outcome, Accepted)
    sent, received = message.encode(), trip.delivery.payload
    assert bare(received) == bare(sent)
    got = check_lossless_decoding(received)
    for name in BARE:
        assert same_value(getattr(got, name), getattr(message, name)), name
    assert changes(header_fields(expected_header(message.header)), header_fields(got.header)) == {}
    for name in ("message_annotations", "footer"):
        assert changes(getattr(message, name), getattr(got, name)) == {}, name
        assert sections(received).get(name) == sections(sent).get(name), name
    assert got.delivery_annotations is None


def test_header_changes_are_the_recorded_ones(connect: Callable[..., Any]) -> None:
    """§3.2.1 field by field: what RabbitMQ 3.10 changes in a header, and its encoding of it."""
    connection = connect()
    full = Header(durable=True, priority=9, ttl=60000, first_acquirer=False, delivery_count=3)
    trip = round_trip(connection, Message(header=full, properties=ID, body=b"x"))
    assert changes(header_fields(full), header_fields(trip.message.header)) == {
        "first_acquirer": (False, True),
        "delivery_count": (UInt(3), None),
    }
    trip = round_trip(connection, Message(properties=ID, body=b"x"))
    assert changes(header_fields(None), header_fields(trip.message.header)) == {
        "durable": (None, False),
        "first_acquirer": (None, True),
    }
    # Its encoding keeps the trailing null field (not canonical): durable=false, -, -, true, null.
    assert sections(trip.delivery.payload)["header"] == bytes.fromhex("005370c006054240404140")
    assert trip.message.encode() != trip.delivery.payload  # ours drops the trailing null


def test_missing_sections_are_added(connect: Callable[..., Any]) -> None:
    """Recorded: a message without properties comes back with ``subject`` = the queue name, one
    without a body with an empty data section (§3.2 asks for a body; we send none when there is none)."""
    connection = connect()
    address = new_queue()
    trip = round_trip(connection, Message(application_properties={"k": "v"}, body=b"x"), address)
    assert same_value(trip.message.properties, Properties(subject=address.removeprefix("/queue/")))
    assert same_value(trip.message.application_properties, ApplicationProperties({"k": "v"}))
    trip = round_trip(connection, Message(properties=ID))
    assert same_value(trip.message.properties, ID)
    assert same_value(trip.message.body, (Data(b""),))
    check_lossless_decoding(trip.delivery.payload)


@pytest.mark.parametrize(
    "body",
    [
        (Data(b"one"), Data(b"two"), Data(b"three")),
        (AMQPSequence([1]), AMQPSequence(["two"]), AMQPSequence([[3]])),
    ],
    ids=["data", "amqp-sequence"],
)
def test_multi_section_bodies_come_back_reversed(connect: Callable[..., Any], body: tuple[Any, ...]) -> None:
    """Recorded broker bug: §3.2 body sections come back in reverse order, each intact."""
    sent = Message(properties=ID, body=body)
    trip = round_trip(connect(), sent)
    assert same_value(trip.message.body, tuple(reversed(body)))
    check_lossless_decoding(trip.delivery.payload)
    sent_reversed = Message(properties=ID, body=tuple(reversed(body))).encode()
    assert bare(trip.delivery.payload) == bare(sent_reversed)


@pytest.mark.parametrize("max_frame_size", [512, 1024])
def test_message_larger_than_the_frame_size(connect: Callable[..., Any], max_frame_size: int) -> None:
    """§2.7.5, §2.6.14: a delivery spans transfer frames both ways, with ``more`` on all but the last."""
    connection = connect(max_frame_size=max_frame_size)
    assert connection.connection.remote_max_frame_size == max_frame_size
    message = Message(properties=ID, application_properties={"k": "v" * 200}, body=bytes(range(256)) * 20)
    address = new_queue()
    session = connection.begin()
    sender = connection.attach(session, Role.SENDER, address)
    receiver = connection.attach(session, Role.RECEIVER, address)
    first_id = session.next_outgoing_id
    assert isinstance(connection.send(sender, message), Accepted)
    sent_frames = session.next_outgoing_id - first_id  # one transfer-id per frame (§2.5.6)
    assert sent_frames > len(message.encode()) // max_frame_size
    delivery = connection.receive(receiver)
    transfers = [t for t in frames_of(connection, Transfer) if t.handle == receiver.remote_handle]
    assert len(transfers) > len(message.encode()) // max_frame_size
    assert [bool(t.more) for t in transfers] == [True] * (len(transfers) - 1) + [False]
    # Recorded: RabbitMQ repeats delivery-id and delivery-tag on every continuation frame.
    assert {(int(t.delivery_id), bytes(t.delivery_tag)) for t in transfers} == {
        (int(delivery.delivery_id), delivery.delivery_tag)
    }
    assert delivery.payload.endswith(bare(message.encode()))
    assert same_value(check_lossless_decoding(delivery.payload).body, message.body)
    connection.settle(receiver, delivery)
    connection.close()


def test_settlement_outcomes(connect: Callable[..., Any]) -> None:
    """§3.4: accepted and rejected messages are gone, a released one comes back, not first-acquired."""
    connection = connect()
    address = new_queue()
    session = connection.begin()
    sender = connection.attach(session, Role.SENDER, address)
    receiver = connection.attach(session, Role.RECEIVER, address)
    for number in range(3):
        assert isinstance(
            connection.send(sender, Message(properties=Properties(message_id=number), body=b"x")), Accepted
        )
    deliveries = [connection.receive(receiver, credit=3) for _ in range(3)]
    assert [Message.decode(d.payload).properties for d in deliveries] == [
        Properties(message_id=n) for n in range(3)
    ]
    assert not any(d.settled for d in deliveries)
    rejected = Rejected(error=ErrorCondition(condition="amqp:precondition-failed", description="test"))
    for delivery, outcome in zip(deliveries, (Accepted(), rejected, Released())):
        connection.settle(receiver, delivery, outcome)
    connection.detach(receiver)
    again = connection.attach(session, Role.RECEIVER, address)
    redelivered = connection.receive(again, credit=3)
    message = check_lossless_decoding(redelivered.payload)
    assert same_value(message.properties, Properties(message_id=ULong(2)))
    assert same_value(message.header, expected_header(None, redelivered=True))
    with pytest.raises(TimeoutError):  # nothing else is left in the queue
        connection.receive(again, timeout=0.5)
    connection.settle(again, redelivered)
    connection.close()


def test_pre_settled_both_ways(connect: Callable[..., Any]) -> None:
    """§2.8.2 snd-settle-mode settled: no disposition for what we send; deliveries come settled."""
    connection = connect()
    address = new_queue()
    session = connection.begin()
    sender = connection.attach(session, Role.SENDER, address, settle_mode=SenderSettleMode.SETTLED)
    receiver = connection.attach(session, Role.RECEIVER, address, settle_mode=SenderSettleMode.SETTLED)
    assert sender.remote.snd_settle_mode is SenderSettleMode.SETTLED
    message = Message(properties=ID, body=AMQPValue("pre-settled"))
    assert connection.send(sender, message, settled=True) is None
    delivery = connection.receive(receiver)
    assert delivery.settled
    assert bare(delivery.payload) == bare(message.encode())
    assert frames_of(connection, Disposition) == []
    connection.close()


#: Integer arrays whose canonical form the broker refuses (``REFUSED``: the narrow element
#: constructors 0x52-0x55), sent again with ``wide_arrays=True`` (0x70, 0x80, 0x71, 0x81).
WIDE_ARRAYS = {
    **{
        f"array-{kind}": Message(properties=ID, body=AMQPValue(Array(kind, [1, 2])))
        for kind in ("uint", "ulong", "int", "long")
    },
    "array-in-message-annotations": Message(
        message_annotations={"x-opt-a": Array("uint", [1])}, properties=ID, body=b"x"
    ),
}


@pytest.mark.parametrize("message", WIDE_ARRAYS.values(), ids=WIDE_ARRAYS.keys())
def test_wide_arrays_are_accepted(connect: Callable[..., Any], message: Message) -> None:
    """Recorded: with ``wide_arrays=True`` the arrays that reset the connection go through intact."""
    sent = message.encode(wide_arrays=True)
    assert sent != message.encode()  # the canonical form is the refused one
    trip = round_trip(connect(), sent)
    assert isinstance(trip.outcome, Accepted)
    assert bare(trip.delivery.payload) == bare(sent)
    got = check_lossless_decoding(trip.delivery.payload)
    assert same_value(got.body, message.body)
    assert changes(message.message_annotations, got.message_annotations) == {}


# --------------------------------------------------------------------------- refusals

#: What RabbitMQ 3.10's AMQP 1.0 parser refuses (the connection is reset, no close frame).
REFUSED = {
    "delivery-annotations": Message(delivery_annotations={"x-opt-a": 1}, properties=ID, body=b"x"),
    "amqp-value-list-of-two": Message(properties=ID, body=AMQPValue([1, "a"])),
    **{
        f"array-{kind}": Message(properties=ID, body=AMQPValue(array))
        for kind, array in (
            ("uint-0x52", Array("uint", [1])),
            ("ulong-0x53", Array("ulong", [1])),
            ("int-0x54", Array("int", [1])),
            ("long-0x55", Array("long", [1])),
            ("uint-empty", Array("uint", [])),
            ("float", Array("float", [Float(1.0)])),
            ("double", Array("double", [1.0])),
            ("decimal32", Array("decimal32", [Decimal32("1")])),
            ("char", Array("char", [Char("a")])),
            ("timestamp", Array("timestamp", [Timestamp(1)])),
            ("uuid", Array("uuid", [U])),
            ("binary", Array("binary", [b"a"])),
            ("null", Array("null", [None, None])),
            ("list", Array("list", [[1]])),
            ("map", Array("map", [{}])),
        )
    },
    "array-in-message-annotations": Message(
        message_annotations={"x-opt-a": Array("uint", [1])}, properties=ID, body=b"x"
    ),
    "described-in-application-properties": Message(
        properties=ID, application_properties={"k": Described(Symbol("com.example:x"), "v")}, body=b"x"
    ),
    "described-in-message-annotations": Message(
        message_annotations={"x-opt-a": Described(Symbol("d"), 1)}, properties=ID, body=b"x"
    ),
    "described-in-footer": Message(properties=ID, body=b"x", footer={"x-opt-a": Described(5, 1)}),
    "described-in-amqp-sequence": Message(properties=ID, body=AMQPSequence([Described(Symbol("d"), 1)])),
}


@dataclasses.dataclass
class Refusal:
    error: BaseException | None
    outcome: Any
    frames: list[Any]


def _attempt(broker: Broker, message: Message) -> Refusal:
    connection = open_client(broker, timeout=15)
    with connection:
        session = connection.begin()
        sender = connection.attach(session, Role.SENDER, new_queue())
        try:
            outcome = connection.send(sender, message)
        except (PeerClosed, OSError) as error:
            return Refusal(error, None, [e.performative for e in connection.log if isinstance(e, Frame)])
        return Refusal(None, outcome, [])


@pytest.fixture(scope="module")
def refusals(broker: Broker) -> dict[str, Refusal]:
    """Every REFUSED case, sent at once (each costs the broker's 3 s before it resets)."""
    with ThreadPoolExecutor(len(REFUSED)) as pool:
        results = pool.map(lambda message: _attempt(broker, message), REFUSED.values())
        return dict(zip(REFUSED, results))


@pytest.mark.parametrize("case", REFUSED)
def test_refused_messages_reset_the_connection(refusals: dict[str, Refusal], case: str) -> None:
    """Recorded: the broker drops the TCP connection with no close frame and no disposition."""
    refusal = refusals[case]
    assert refusal.outcome is None, f"accepted now ({refusal.outcome!r}): move {case!r} to MESSAGES"
    assert isinstance(refusal.error, ConnectionError) and not isinstance(refusal.error, PeerClosed)
    assert not any(isinstance(frame, (Close, End, Detach, Disposition)) for frame in refusal.frames)


# --------------------------------------------------------------------------- error frames


def _bad_vhost(connect: Callable[..., Any]) -> None:
    # Recorded: the broker answers open with open, and the next frame (begin) with close.
    connect(hostname="vhost:amqpcodec-no-such-vhost").begin()


def _send_raw(connection: Any, performative: Any) -> None:
    """Write a frame the client's state would not send, on a new session; wait for the answer."""
    session = connection.begin()
    connection.sock.sendall(encode_frame(performative, session.channel))
    connection.wait_for(lambda event: False)


def _unknown_performative(connect: Callable[..., Any]) -> None:
    _send_raw(connect(), Described(0x1234, [1]))


def _raw_attach(**fields: Any) -> Callable[[Callable[..., Any]], None]:
    return lambda connect: _send_raw(connect(), Attach(name="raw", handle=0, **fields))


def _attach(role: Role, address: str) -> Callable[[Callable[..., Any]], None]:
    def attach(connect: Callable[..., Any]) -> None:
        connection = connect()
        connection.attach(connection.begin(), role, address)

    return attach


def _send_as(user_id: bytes) -> Callable[[Callable[..., Any]], None]:
    def send(connect: Callable[..., Any]) -> None:
        connection = connect()
        sender = connection.attach(connection.begin(), Role.SENDER, new_queue())
        connection.send(sender, Message(properties=Properties(user_id=user_id), body=b"x"))

    return send


def _settle_modified(connect: Callable[..., Any]) -> None:
    connection = connect()
    address = new_queue()
    session = connection.begin()
    sender = connection.attach(session, Role.SENDER, address)
    receiver = connection.attach(session, Role.RECEIVER, address)
    connection.send(sender, Message(properties=ID, body=b"x"))
    connection.settle(receiver, connection.receive(receiver), Modified(delivery_failed=True))
    connection.wait_for(lambda event: False)


def _drain(connect: Callable[..., Any]) -> None:
    connection = connect()
    receiver = connection.attach(connection.begin(), Role.RECEIVER, new_queue())
    connection.connection.flow(receiver, 3, drain=True)
    connection.wait_for(lambda event: False)


#: (scenario, the performative the broker answers with, its error condition)
ERROR_FRAMES = {
    "unknown-vhost": (_bad_vhost, Close, "amqp:unauthorized-access"),
    "unknown-performative": (_unknown_performative, Close, "amqp:internal-error"),
    "unknown-address-prefix": (_attach(Role.SENDER, "/no-such-prefix/x"), End, "amqp:invalid-field"),
    "missing-exchange": (
        _attach(Role.SENDER, "/exchange/amqpcodec-no-such-exchange/key"),
        End,
        "amqp:not-found",
    ),
    "missing-queue": (_attach(Role.RECEIVER, "/amq/queue/amqpcodec-no-such-queue"), End, "amqp:not-found"),
    "dynamic-source": (
        _raw_attach(role=Role.RECEIVER, source=Source(dynamic=True), target=Target()),
        End,
        "amqp:not-implemented",
    ),
    "rcv-settle-mode-second": (
        _raw_attach(
            role=Role.RECEIVER, rcv_settle_mode=1, source=Source(address="/queue/x"), target=Target()
        ),
        End,
        "amqp:not-implemented",
    ),
    "user-id-mismatch": (_send_as(b"mallory"), End, "amqp:precondition-failed"),
    "modified-outcome": (_settle_modified, End, "amqp:invalid-field"),
    "drain": (_drain, End, "amqp:internal-error"),
}


@pytest.mark.parametrize("case", ERROR_FRAMES)
def test_broker_error_frames_decode(connect: Callable[..., Any], case: str) -> None:
    """§2.7.8/§2.7.9 with §2.8.14 ``error``: the broker's end or close carries an ErrorCondition."""
    scenario, cls, condition = ERROR_FRAMES[case]
    with pytest.raises(PeerClosed) as closed:
        scenario(connect)
    performative, error = closed.value.performative, closed.value.error
    assert type(performative) is cls
    assert type(error) is ErrorCondition
    assert type(error.condition) is Symbol and error.condition == condition
    assert type(error.description) is str and error.description
    assert error.info is None
    assert same_value(ErrorCondition(condition=condition, description=error.description), error)
    roundtrip = amqpcodec.decode(amqpcodec.encode(performative))
    assert same_value(amqpcodec.to_typed(roundtrip), performative)


def test_connection_outlives_a_session_error(connect: Callable[..., Any]) -> None:
    """§2.5.5: after the broker ends a session with an error, we answer ``end`` and go on."""
    connection = connect()
    with pytest.raises(PeerClosed) as closed:
        connection.attach(connection.begin(), Role.SENDER, "/no-such-prefix/x")
    assert type(closed.value.performative) is End
    trip = round_trip(connection, Message(properties=ID, body=b"after"))
    assert same_value(trip.message.body, (Data(b"after"),))
    assert same_value(connection.close(), Close())
