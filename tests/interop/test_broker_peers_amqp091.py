"""Cross-client agreement through a live RabbitMQ 3.10 over AMQP 0-9-1: pika (BlockingConnection),
aiormq (asyncio, pamqp's codec) and py-amqp publish messages that our client
(``examples/amqp091_client.py``) reads back, and the reverse.

Each peer writes a headers table of every Python type it can write and several properties;
we read the message through the broker and compare it with what the peer's user meant, and
check that our decoding re-encodes to the very content-header bytes the broker delivered.
Then we publish every basic property and a header of every letter, and each peer reads it.

Every difference found is a peer's bug (in the peer's writer or reader, never in the broker,
which passes these contents through), pinned below in a test that names the peer and the bug:

- pika: writes a ``Decimal`` normalised (``-12.340`` arrives as ``-12.34``); reads ``f`` and
  ``d`` as integers (1.5 becomes 1, 0.1 becomes 0).
- py-amqp: writes ``bytes`` as a long string ``S``; writes integers outside
  -2**31+1 .. 2**31-1 with the spec-only letter ``L`` (so -2**31 too, one past the int32 it
  fits); reads a timestamp as a naive ``datetime``; reads a decimal without its exponent
  (``-123.4500`` becomes ``-123.45``).
- pamqp (under aiormq): writes a Python ``float`` as a 32-bit ``f`` (0.1 arrives as
  0.10000000149...); sorts the keys; narrows each integer to the smallest letter that holds
  it; treats an empty ``message_id`` as absent (aiormq then invents one); reads a timestamp
  above 2**32 as milliseconds.

Like ``test_broker_amqp091.py``, every test skips without ``AMQPCODEC_BROKER``, and under CI a
broker that cannot be reached is a failure.  Each trip runs once per module (fixtures), and
every check reads its result.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import importlib
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from amqpcodec.amqp091 import (
    BasicAck,
    BasicProperties,
    ConfirmSelect,
    FieldValue,
    HeaderFrame,
    QueueDeclare,
    QueueDelete,
    Timestamp,
    encode_content_header,
)
from amqpcodec.testing import same_value
from amqpcodec.types import Byte, Float, Int, Short, UByte, UInt, UShort
from tests.helpers.broker import BROKER_MARKS, broker_address, fail_or_skip, load_example, unique_name

pytestmark = BROKER_MARKS

client = load_example("amqp091_client.py")
PEERS = ("pika", "py-amqp", "aiormq")
WHEN = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
#: A property timestamp past 2**32 seconds (year 2242): some readers guess milliseconds.
LATE = 2**33


def peer_module(name: str) -> ModuleType:
    """A peer library (the ``interop`` extra); missing is a failure under CI, else a skip."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        fail_or_skip(f"peer {name} is not installed ({error}); install the interop extra")


# --------------------------------------------------------------------------- the broker


@pytest.fixture(scope="module")
def ours() -> Iterator[Any]:
    """Our client, connected (keeping the bytes it receives), with a confirm channel."""
    host, port = broker_address()
    try:
        connection = client.BlockingClient(host, port, timeout=10, keep_received=True)
        connection.connect()
    except (OSError, ValueError) as error:
        fail_or_skip(f"{host}:{port}: no AMQP 0-9-1 broker there ({error!r})")
    channel = connection.channel()
    connection.call(ConfirmSelect(), channel=channel)
    connection.test_channel = channel
    yield connection
    connection.close()
    connection.sock.close()


@pytest.fixture(scope="module")
def new_queue(ours: Any) -> Iterator[Callable[[], str]]:
    """``new_queue()``: a fresh durable-less queue any connection can use, deleted afterwards."""
    made: list[str] = []

    def make() -> str:
        name = unique_name("peer")
        ours.call(QueueDeclare(queue=name), channel=ours.test_channel)
        made.append(name)
        return name

    yield make
    for name in made:
        ours.call(QueueDelete(queue=name), channel=ours.test_channel)


# --------------------------------------------------------------------------- peers writing

#: What every peer's user writes (Python values each of them accepts).
COMMON: dict[str, Any] = {
    "str": "snow ☃",
    "true": True,
    "small": 5,
    "neg": -1000,
    "min32": -(2**31),
    "big": 2**40,
    "dec": decimal.Decimal("-12.340"),
    "when": WHEN,
    "table": {"z": 1, "a": "x"},
    "list": [1, "a", None],
    "none": None,
}
WRITES: dict[str, dict[str, Any]] = {
    "pika": {**COMMON, "bytes": b"\x00\xff"},
    "py-amqp": {**COMMON, "bytes": b"\x00\xff", "float": 0.1},
    "aiormq": {**COMMON, "bytes": bytearray(b"\x00\xff"), "float": 0.1, "u": 60000, "i": 3_000_000_000},
}
PEER_PROPERTIES = {"content_type": "text/plain", "message_id": "", "correlation_id": "c-1"}


def _pika_publish(host: str, port: int, queue: str, body: bytes) -> None:
    pika = peer_module("pika")
    connection = pika.BlockingConnection(pika.ConnectionParameters(host, port))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        properties = pika.BasicProperties(headers=WRITES["pika"], timestamp=LATE, **PEER_PROPERTIES)
        channel.basic_publish("", queue, body, properties)
    finally:
        connection.close()


def _py_amqp_publish(host: str, port: int, queue: str, body: bytes) -> None:
    amqp = peer_module("amqp")
    with amqp.Connection(host=f"{host}:{port}") as connection:
        channel = connection.channel()
        channel.confirm_select()  # basic_publish then waits for the broker's ack
        message = amqp.Message(body, application_headers=WRITES["py-amqp"], timestamp=LATE, **PEER_PROPERTIES)
        channel.basic_publish(message, exchange="", routing_key=queue)


def _aiormq_publish(host: str, port: int, queue: str, body: bytes) -> None:
    aiormq = peer_module("aiormq")

    async def run() -> None:
        connection = await aiormq.connect(f"amqp://guest:guest@{host}:{port}/")
        try:
            channel = await connection.channel()  # publisher confirms by default
            properties = aiormq.spec.Basic.Properties(
                headers=WRITES["aiormq"],
                timestamp=datetime.datetime.fromtimestamp(LATE, datetime.timezone.utc),
                **PEER_PROPERTIES,
            )
            await channel.basic_publish(body, routing_key=queue, properties=properties)
        finally:
            await connection.close()

    asyncio.run(run())


PUBLISHERS: dict[str, Callable[[str, int, str, bytes], None]] = {
    "pika": _pika_publish,
    "py-amqp": _py_amqp_publish,
    "aiormq": _aiormq_publish,
}


class Received:
    """What our client read of a peer's message, and the content-header frame's wire bytes."""

    def __init__(self, message: Any, wire_header: bytes) -> None:
        self.message = message
        self.properties: BasicProperties = message.properties
        self.headers: dict[str, Any] = dict(message.properties.headers or {})
        self.wire_header = wire_header


@pytest.fixture(scope="module")
def from_peer(ours: Any, new_queue: Callable[[], str]) -> dict[str, Received]:
    """Each peer publishes once; our client gets each message."""
    host, port = broker_address()
    results = {}
    for peer, publish in PUBLISHERS.items():
        queue = new_queue()
        publish(host, port, queue, f"from {peer}".encode())
        message = ours.get(ours.test_channel, queue)
        assert message is not None, f"{peer}'s message did not arrive"
        frame = [e for e in ours.log if isinstance(e, HeaderFrame)][-1]
        size = int.from_bytes(ours.received[frame.offset + 3 : frame.offset + 7], "big")
        results[peer] = Received(message, bytes(ours.received[frame.offset : frame.offset + 8 + size]))
    return results


#: What each peer's user wrote, as we read it: the value it meant, in our types (the wire
#: letter each peer chose picks the wrapper).  Keys listed in ``PEER_WRITER_BUGS`` differ.
MEANT: dict[str, dict[str, Any]] = {
    "pika": {
        "str": "snow ☃",
        "true": True,
        "small": Int(5),
        "neg": Int(-1000),
        "min32": Int(-(2**31)),
        "big": 2**40,
        "when": Timestamp(int(WHEN.timestamp())),
        "table": {"z": Int(1), "a": "x"},
        "list": [Int(1), "a", None],
        "none": None,
        "bytes": b"\x00\xff",
    },
    "py-amqp": {
        "str": "snow ☃",
        "true": True,
        "small": Int(5),
        "neg": Int(-1000),
        "dec": decimal.Decimal("-12.340"),
        "when": Timestamp(int(WHEN.timestamp())),
        "table": {"z": Int(1), "a": "x"},
        "list": [Int(1), "a", None],
        "none": None,
        "float": 0.1,
    },
    "aiormq": {
        "str": "snow ☃",
        "true": True,
        "small": Byte(5),
        "neg": Short(-1000),
        "min32": Int(-(2**31)),
        "big": 2**40,
        "dec": decimal.Decimal("-12.340"),
        "when": Timestamp(int(WHEN.timestamp())),
        "table": {"a": "x", "z": Byte(1)},
        "list": [Byte(1), "a", None],
        "none": None,
        "bytes": b"\x00\xff",
        "u": UShort(60000),
        "i": UInt(3_000_000_000),
    },
}


@pytest.mark.parametrize("peer", PEERS)
def test_peer_headers_read_as_meant(from_peer: dict[str, Received], peer: str) -> None:
    """Every header a peer writes correctly reads back as the value its user meant."""
    received = from_peer[peer]
    for key, meant in MEANT[peer].items():
        assert same_value(received.headers[key], meant), (key, received.headers[key], meant)
    assert set(received.headers) == set(WRITES[peer])


@pytest.mark.parametrize("peer", PEERS)
def test_peer_content_headers_re_encode_byte_for_byte(from_peer: dict[str, Received], peer: str) -> None:
    """Lossless decoding of real peers' bytes: what we read of each peer's content header
    re-encodes to the frame the broker delivered, byte for byte (letters, widths, order)."""
    received = from_peer[peer]
    rebuilt = encode_content_header(
        received.properties, len(received.message.body), channel=received.message.channel
    )
    assert rebuilt == received.wire_header


@pytest.mark.parametrize("peer", PEERS)
def test_peer_properties_read_as_meant(from_peer: dict[str, Received], peer: str) -> None:
    """The properties each peer writes come back as written (but see the aiormq pin)."""
    properties = from_peer[peer].properties
    assert properties.content_type == "text/plain" and properties.correlation_id == "c-1"
    assert properties.timestamp == Timestamp(LATE) and type(properties.timestamp) is Timestamp
    assert from_peer[peer].message.body == f"from {peer}".encode()
    if peer != "aiormq":
        assert properties.message_id == ""


def test_pika_writes_decimals_normalised(from_peer: dict[str, Received]) -> None:
    """pika bug: it normalises a Decimal before writing it, so Decimal('-12.340') arrives at
    scale 2 (-12.34): the value survives, the exponent its user chose does not."""
    value = from_peer["pika"].headers["dec"]
    assert value == decimal.Decimal("-12.340") and value.as_tuple().exponent == -2


def test_py_amqp_writes_bytes_as_long_strings(from_peer: dict[str, Received]) -> None:
    """py-amqp bug: ``bytes`` are written as a long string ``S``, not the byte array ``x``; bytes
    that are not UTF-8 then reach other clients as a broken string (we keep them, flagged)."""
    assert same_value(from_peer["py-amqp"].headers["bytes"], FieldValue("S", b"\x00\xff"))


def test_py_amqp_writes_wide_integers_with_the_spec_only_letter(from_peer: dict[str, Received]) -> None:
    """py-amqp bug: integers outside -2**31+1 .. 2**31-1 are written with ``L`` (the spec's
    letter RabbitMQ dropped) instead of ``l``; its bound is off by one, so -2**31, which fits
    ``I``, is written as ``L`` too."""
    headers = from_peer["py-amqp"].headers
    assert same_value(headers["big"], FieldValue("L", 2**40))
    assert same_value(headers["min32"], FieldValue("L", -(2**31)))


def test_pamqp_writes_floats_as_32_bit(from_peer: dict[str, Received]) -> None:
    """pamqp bug (aiormq): a Python float (64-bit) is written as ``f``, so 0.1 arrives as the
    nearest 32-bit float."""
    value = from_peer["aiormq"].headers["float"]
    assert type(value) is Float and float(value) != 0.1 and abs(float(value) - 0.1) < 1e-8


def test_pamqp_sorts_keys_and_narrows_integers(from_peer: dict[str, Received]) -> None:
    """pamqp (aiormq): the keys are written sorted, not in the user's order, and each int takes
    the narrowest letter holding it (5 is ``b``, -1000 ``s``): the values survive, the types
    a reader sees depend on the value."""
    headers = from_peer["aiormq"].headers
    assert list(headers) == sorted(WRITES["aiormq"])
    assert [type(headers[key]) for key in ("small", "neg", "u", "min32", "i")] == [
        Byte,
        Short,
        UShort,
        Int,
        UInt,
    ]


def test_aiormq_replaces_an_empty_message_id(from_peer: dict[str, Received]) -> None:
    """aiormq bug (pamqp treats ``""`` properties as absent): a message_id of ``""`` is not sent;
    aiormq fills in a random one instead."""
    message_id = from_peer["aiormq"].properties.message_id
    assert isinstance(message_id, str) and len(message_id) == 32 and message_id != ""


# --------------------------------------------------------------------------- peers reading

OUR_HEADERS: dict[str, Any] = {
    "t": True,
    "b": Byte(-128),
    "B": UByte(255),
    "s": Short(-32768),
    "u": UShort(65535),
    "I": Int(-(2**31)),
    "i": UInt(2**32 - 1),
    "l": -1000,
    "f": Float(1.5),
    "d": 0.1,
    "D": decimal.Decimal("-123.4500"),
    "S": "snow ☃",
    "x": b"\x00\xff",
    "A": [Byte(1), "two", [True, None]],
    "T": Timestamp(1_700_000_000),
    "F": {"z": UInt(7), "a": {}},
    "V": None,
}
OUR_PROPERTIES = BasicProperties(
    content_type="text/plain",
    content_encoding="identity",
    headers=OUR_HEADERS,
    delivery_mode=2,
    priority=7,
    correlation_id="c",
    reply_to="r",
    expiration="60000",
    message_id="",
    timestamp=Timestamp(LATE),
    type="ty",
    user_id="guest",
    app_id="app",
    cluster_id="cl",
)
#: The headers as a correct peer reads them (plain Python values).
PLAIN_HEADERS: dict[str, Any] = {
    "t": True,
    "b": -128,
    "B": 255,
    "s": -32768,
    "u": 65535,
    "I": -(2**31),
    "i": 2**32 - 1,
    "l": -1000,
    "f": 1.5,
    "d": 0.1,
    "D": decimal.Decimal("-123.4500"),
    "S": "snow ☃",
    "x": b"\x00\xff",
    "A": [1, "two", [True, None]],
    "T": datetime.datetime.fromtimestamp(1_700_000_000, datetime.timezone.utc),
    "F": {"z": 7, "a": {}},
    "V": None,
}
PLAIN_PROPERTIES = {
    "content_type": "text/plain",
    "content_encoding": "identity",
    "delivery_mode": 2,
    "priority": 7,
    "correlation_id": "c",
    "reply_to": "r",
    "expiration": "60000",
    "message_id": "",
    "user_id": "guest",
    "app_id": "app",
    "cluster_id": "cl",
}


def _pika_get(host: str, port: int, queue: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    pika = peer_module("pika")
    connection = pika.BlockingConnection(pika.ConnectionParameters(host, port))
    try:
        _, properties, body = connection.channel().basic_get(queue, auto_ack=True)
    finally:
        connection.close()
    fields = {name: getattr(properties, name) for name in (*PLAIN_PROPERTIES, "timestamp", "type")}
    return properties.headers, fields, body


def _py_amqp_get(host: str, port: int, queue: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    amqp = peer_module("amqp")
    with amqp.Connection(host=f"{host}:{port}") as connection:
        message = connection.channel().basic_get(queue, no_ack=True)
    fields = dict(message.properties)
    return fields.pop("application_headers"), fields, bytes(message.body)


def _aiormq_get(host: str, port: int, queue: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    aiormq = peer_module("aiormq")

    async def run() -> Any:
        connection = await aiormq.connect(f"amqp://guest:guest@{host}:{port}/")
        try:
            channel = await connection.channel()
            return await channel.basic_get(queue, no_ack=True)
        finally:
            await connection.close()

    message = asyncio.run(run())
    properties = message.header.properties
    fields = {name: getattr(properties, name) for name in (*PLAIN_PROPERTIES, "timestamp")}
    fields["type"] = properties.message_type
    return properties.headers, fields, bytes(message.body)


READERS: dict[str, Callable[[str, int, str], tuple[dict[str, Any], dict[str, Any], bytes]]] = {
    "pika": _pika_get,
    "py-amqp": _py_amqp_get,
    "aiormq": _aiormq_get,
}


@pytest.fixture(scope="module")
def by_peer(
    ours: Any, new_queue: Callable[[], str]
) -> dict[str, tuple[dict[str, Any], dict[str, Any], bytes]]:
    """We publish once per peer (confirmed); each peer gets its message."""
    host, port = broker_address()
    results = {}
    for tag, (peer, read) in enumerate(READERS.items(), start=1):
        queue = new_queue()
        ours.publish(ours.test_channel, f"to {peer}".encode(), routing_key=queue, properties=OUR_PROPERTIES)
        confirm = ours.method(BasicAck, channel=ours.test_channel)
        assert confirm.delivery_tag == tag
        results[peer] = read(host, port, queue)
    return results


#: Per peer, the header keys its reader gets wrong (each pinned below).
PEER_READER_BUGS = {"pika": {"f", "d"}, "py-amqp": {"T", "D"}, "aiormq": set()}


def same_plain(read: Any, meant: Any) -> bool:
    """A peer's plain value equals ``meant`` with a fitting type: an int subclass (pika's
    ``long``) for an int, bytes or bytearray for bytes, the same type otherwise; recursively."""
    if isinstance(meant, dict):
        return (
            isinstance(read, dict)
            and list(read) == list(meant)
            and all(same_plain(read[k], meant[k]) for k in meant)
        )
    if isinstance(meant, list):
        return isinstance(read, list) and len(read) == len(meant) and all(map(same_plain, read, meant))
    if type(meant) is int:
        return isinstance(read, int) and not isinstance(read, bool) and read == meant
    if isinstance(meant, bytes):
        return isinstance(read, (bytes, bytearray)) and bytes(read) == meant
    return type(read) is type(meant) and bool(read == meant)


@pytest.mark.parametrize("peer", PEERS)
def test_peers_read_our_headers(by_peer: dict[str, Any], peer: str) -> None:
    """Every letter we write reads back as the value we meant in each peer (except its pins)."""
    headers, _, body = by_peer[peer]
    assert list(headers) == list(PLAIN_HEADERS) and body == f"to {peer}".encode()
    for key, value in PLAIN_HEADERS.items():
        if key not in PEER_READER_BUGS[peer]:
            assert same_plain(headers[key], value), (key, headers[key])


@pytest.mark.parametrize("peer", PEERS)
def test_peers_read_our_properties(by_peer: dict[str, Any], peer: str) -> None:
    """Every basic property we write reads back in each peer (timestamps: see the pamqp pin)."""
    _, fields, _ = by_peer[peer]
    for name, value in PLAIN_PROPERTIES.items():
        assert fields[name] == value, (name, fields[name])
    assert fields["type"] == "ty"
    if peer != "aiormq":
        assert fields["timestamp"] == LATE


def test_pika_reads_floats_as_integers(by_peer: dict[str, Any]) -> None:
    """pika bug: ``f`` and ``d`` values are truncated to integers on decode (1.5 reads 1, 0.1 reads 0)."""
    headers = by_peer["pika"][0]
    assert same_plain([headers["f"], headers["d"]], [1, 0])


def test_py_amqp_reads_timestamps_naive_and_decimals_without_exponent(by_peer: dict[str, Any]) -> None:
    """py-amqp bugs: a ``T`` value becomes a naive datetime (UTC dropped), and a ``D`` value is
    divided out, losing its exponent (-123.4500 reads -123.45)."""
    headers = by_peer["py-amqp"][0]
    assert headers["T"] == PLAIN_HEADERS["T"].replace(tzinfo=None) and headers["T"].tzinfo is None
    assert headers["D"] == PLAIN_HEADERS["D"] and headers["D"].as_tuple().exponent == -2


def test_pamqp_reads_late_timestamps_as_milliseconds(by_peer: dict[str, Any]) -> None:
    """pamqp bug (aiormq): a timestamp above 2**32 seconds is guessed to be milliseconds and
    divided by 1000, so 2**33 s (year 2242) reads as a day in 1970."""
    timestamp = by_peer["aiormq"][1]["timestamp"]
    assert timestamp == datetime.datetime.fromtimestamp(LATE / 1000, datetime.timezone.utc)
