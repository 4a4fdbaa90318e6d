"""AMQP 0-9-1 work for every codec: the payloads, and each codec's way of doing the work.

Five pieces of work, the ones a RabbitMQ client spends its time on:

- ``publish-encode``: basic.publish, a content header with all 14 basic properties (10
  headers) and a 539-byte body, written as frames; the method and properties objects are
  built inside the timing, as a client does per publish.
- ``deliver-decode``: the same content as basic.deliver frames read back into objects,
  with every field, property, header and the body read.
- ``table100-encode`` / ``table100-decode``: the 100-entry mixed table of the 1.0
  benchmarks (``payloads.mixed_map_100_plain``) as a field table; msgpack on the same dict
  is the reference.
- ``frames10k``: a stream of 10,000 frames (3,333 deliveries of a 200-byte body, method,
  header and body frames, then a heartbeat) split and decoded into each codec's frame
  objects; the time is reported per frame.

Each codec gets a *maker* per piece of work: ``make() -> Work(run, check)``, where ``run``
is timed and ``check(run())`` proves the codec did the work (raising ``AssertionError``
when it did not).  A codec that cannot do a piece of work has no maker; :data:`CANNOT`
says why.  Peers are imported only by their makers, so a missing peer skips only itself.
:data:`PEER_FAULTS` lists what each peer reads or writes wrongly (the reports print it
beside the peer's speed), each fault with the test of ours that pins it.
"""

from __future__ import annotations

import contextlib
import datetime
import operator
import struct
from collections.abc import Callable
from typing import Any, NamedTuple

from .payloads import mixed_map_100_plain

__all__ = ["on_backend", "CANNOT", "CODECS", "MAKERS", "PEER_FAULTS", "WORKLOADS", "PeerFault", "Work"]

#: (workload, title, unit) in report order.
WORKLOADS = (
    ("deliver-decode", "basic.deliver + header + body, decoded, every field read", "message"),
    ("publish-encode", "basic.publish + header (14 properties, 10 headers) + 539 B body, encoded", "message"),
    ("table100-decode", "a 100-entry field table, decoded", "table"),
    ("table100-encode", "a 100-entry field table, encoded", "table"),
    ("frames10k", "10,000 frames (deliveries and a heartbeat) read into frame objects", "frame"),
)
CODECS = ("amqpcodec-cython", "amqpcodec-python", "pika", "pamqp", "py-amqp", "msgpack")


class Work(NamedTuple):
    """What one codec times (``run``) and how its result is checked (``check``)."""

    run: Callable[[], Any]
    check: Callable[[Any], None]
    #: How many units (frames) one ``run`` does; the report divides by it.
    units: int = 1
    note: str = ""
    #: Ours only: the backend ``run`` and ``check`` must run on; the caller enters it
    #: once around its timing loop (:func:`on_backend`), never inside ``run``.
    backend: str | None = None


def on_backend(work: Work) -> contextlib.AbstractContextManager[Any]:
    """The context ``work`` runs in: its backend switched on for ours, nothing for peers."""
    if work.backend is None:
        return contextlib.nullcontext()
    from amqpcodec._backend import use_backend

    return use_backend(work.backend)  # type: ignore[arg-type]


class PeerFault(NamedTuple):
    """One wrong result of a peer codec, and the test of ours that pins it."""

    codec: str
    #: What it gets wrong, as the reports print it.
    wrong: str
    #: ``path::test`` from the repository root.
    pinned_by: str


_TABLES = "tests/amqp091/test_tables_peers.py::"
_METHODS = "tests/amqp091/test_methods_peers.py::"
_BENCH = "benchmarks/test_bench_amqp091.py::"

#: The peers' wrong results, the one list every report prints (a peer's faults in order).
PEER_FAULTS = (
    PeerFault("pika", "reads `f`/`d` floats as integers", _TABLES + "test_pika_reads_floats_as_integers"),
    PeerFault("pika", "cannot write floats", _TABLES + "test_pika_cannot_write_floats_or_wide_ints"),
    PeerFault(
        "pamqp",
        "writes floats as 32-bit (0.1 reads back 0.10000000149)",
        _TABLES + "test_pamqp_writes_floats_as_float32",
    ),
    PeerFault("pamqp", "sorts a table's keys", _TABLES + "test_pamqp_sorts_keys_and_narrows_widths"),
    PeerFault("pamqp", "narrows integer widths", _TABLES + "test_pamqp_sorts_keys_and_narrows_widths"),
    PeerFault(
        "pamqp",
        "divides large timestamps by 1000",
        _TABLES + "test_pamqp_reads_large_timestamps_as_milliseconds",
    ),
    PeerFault("pamqp", "rejects the spec's `U`", _TABLES + "test_pamqp_rejects_the_spec_letter_u"),
    PeerFault(
        "pamqp",
        'treats `""` properties as absent',
        _METHODS + "test_pamqp_bug_empty_string_properties_are_dropped",
    ),
    PeerFault("pamqp", "refuses a cluster-id", _BENCH + "test_pamqp_refuses_a_cluster_id"),
    PeerFault(
        "py-amqp", "writes bytes as long strings (`S`)", _TABLES + "test_pyamqp_writes_bytes_as_a_long_string"
    ),
    PeerFault(
        "py-amqp", "widens `l` to the spec-only `L`", _TABLES + "test_pyamqp_widens_to_the_spec_only_letter"
    ),
    PeerFault(
        "py-amqp", "drops a decimal's exponent", _TABLES + "test_pyamqp_loses_a_decimals_scale_when_reading"
    ),
    PeerFault(
        "py-amqp",
        "reads timestamps as naive datetimes",
        _TABLES + "test_pyamqp_reads_timestamps_as_naive_datetimes",
    ),
    PeerFault(
        "py-amqp",
        "leaks `struct.error` on lying sizes",
        _TABLES + "test_pyamqp_leaks_struct_error_on_lying_sizes",
    ),
)


# --------------------------------------------------------------------------- the content

CHANNEL = 1
FRAME_MAX = 131072
BODY = bytes(range(256)) * 2 + bytes(27)
assert len(BODY) == 539
EXCHANGE = "orders.exchange"
ROUTING_KEY = "orders.created.eu"
CONSUMER_TAG = "amq.ctag-Q1a2b3c4d5e6f7g8h9"
DELIVERY_TAG = 123456
#: Ten headers every peer can write and read (pika has no float in its table codec).
HEADERS: dict[str, Any] = {
    "tenant": "acme",
    "region": "eu-west-1",
    "source": "web",
    "trace_id": "4bf92f3577b34da6",
    "retries": 3,
    "size": 1024,
    "offset": 1099511627776,
    "express": True,
    "gift": False,
    "app": "checkout",
}
TIMESTAMP = 1700000000
#: The 14 basic properties (timestamp apart, whose type is each codec's own).
PROPERTIES: dict[str, Any] = {
    "content_type": "application/json",
    "content_encoding": "utf-8",
    "delivery_mode": 2,
    "priority": 4,
    "correlation_id": "corr-42",
    "reply_to": "amq.rabbitmq.reply-to",
    "expiration": "60000",
    "message_id": "msg-0001",
    "type": "order.created",
    "user_id": "guest",
    "app_id": "shop",
    "cluster_id": "c1",
}
STREAM_DELIVERIES = 3333
STREAM_BODY = bytes(range(200))
FRAMES = 3 * STREAM_DELIVERIES + 1


def table100() -> dict[str, Any]:
    """The 100-entry table: the 1.0 benchmarks' mixed map as plain Python values."""
    return mixed_map_100_plain()


def _frame(frame_type: int, channel: int, payload: bytes) -> bytes:
    """One frame by the spec's layout (§4.2.3), written here by hand for the inputs."""
    return struct.pack(">BHI", frame_type, channel, len(payload)) + payload + b"\xce"


def _shortstr(text: str) -> bytes:
    raw = text.encode()
    return bytes([len(raw)]) + raw


def _deliver_payload(delivery_tag: int) -> bytes:
    """basic.deliver (60, 60): consumer-tag, delivery-tag, redelivered, exchange, routing-key."""
    return (
        struct.pack(">HH", 60, 60)
        + _shortstr(CONSUMER_TAG)
        + struct.pack(">QB", delivery_tag, 0)
        + _shortstr(EXCHANGE)
        + _shortstr(ROUTING_KEY)
    )


def _headers_table() -> bytes:
    """HEADERS as a field table with RabbitMQ's letters (S, l, t), written by hand."""
    out = b""
    for key, value in HEADERS.items():
        out += _shortstr(key)
        if isinstance(value, bool):
            out += b"t" + bytes([value])
        elif isinstance(value, int):
            out += b"l" + struct.pack(">q", value)
        else:
            raw = value.encode()
            out += b"S" + struct.pack(">I", len(raw)) + raw
    return struct.pack(">I", len(out)) + out


def _header_payload(body_size: int) -> bytes:
    """A class-60 content header with all 14 properties (flags 0xfffc)."""
    p = PROPERTIES
    return (
        struct.pack(">HHQH", 60, 0, body_size, 0xFFFC)
        + _shortstr(p["content_type"])
        + _shortstr(p["content_encoding"])
        + _headers_table()
        + bytes([p["delivery_mode"], p["priority"]])
        + _shortstr(p["correlation_id"])
        + _shortstr(p["reply_to"])
        + _shortstr(p["expiration"])
        + _shortstr(p["message_id"])
        + struct.pack(">Q", TIMESTAMP)
        + _shortstr(p["type"])
        + _shortstr(p["user_id"])
        + _shortstr(p["app_id"])
        + _shortstr(p["cluster_id"])
    )


def deliver_frames() -> bytes:
    """The deliver-decode input: method, header and one body frame on channel 1."""
    return (
        _frame(1, CHANNEL, _deliver_payload(DELIVERY_TAG))
        + _frame(2, CHANNEL, _header_payload(len(BODY)))
        + _frame(3, CHANNEL, BODY)
    )


def frame_stream() -> bytes:
    """The frames10k input: 3,333 deliveries (3 frames each) and a heartbeat."""
    header = _frame(2, CHANNEL, _header_payload(len(STREAM_BODY)))
    body = _frame(3, CHANNEL, STREAM_BODY)
    parts = []
    for tag in range(1, STREAM_DELIVERIES + 1):
        parts += [_frame(1, CHANNEL, _deliver_payload(tag)), header, body]
    parts.append(b"\x08\x00\x00\x00\x00\x00\x00\xce")
    return b"".join(parts)


#: What one decoded delivery must read as, for every codec's check.
EXPECTED_DELIVERY = {
    "consumer_tag": CONSUMER_TAG,
    "delivery_tag": DELIVERY_TAG,
    "redelivered": False,
    "exchange": EXCHANGE,
    "routing_key": ROUTING_KEY,
    "properties": {**PROPERTIES, "timestamp": TIMESTAMP, "headers": HEADERS},
    "body": BODY,
}


#: What a deliver decode reads, in order: the method's arguments, then the properties
#: (spec names; each codec reads them with its own names).  Every codec reads them with
#: one C-level ``attrgetter``/``itemgetter`` call into a tuple, so the reading costs all
#: codecs alike and little; ``check`` turns the tuples into the comparable dict.
METHOD_FIELDS = ("consumer_tag", "delivery_tag", "redelivered", "exchange", "routing_key")
PROPERTY_FIELDS = (*PROPERTIES, "timestamp", "headers")
_read_method = operator.attrgetter(*METHOD_FIELDS)
_read_properties = operator.attrgetter(*PROPERTY_FIELDS)


def _delivery(
    method: tuple[Any, ...], properties: tuple[Any, ...], body: Any, stamp: Callable[[Any], int] = int
) -> dict[str, Any]:
    """The dict :data:`EXPECTED_DELIVERY` is compared with, from what a decode read."""
    found = dict(zip(PROPERTY_FIELDS, properties))
    found["timestamp"] = stamp(found["timestamp"])
    found["headers"] = dict(found["headers"])
    return {**dict(zip(METHOD_FIELDS, method)), "properties": found, "body": bytes(body)}


def _same_delivery(found: dict[str, Any]) -> None:
    assert found == EXPECTED_DELIVERY, found


def _same_read(read: tuple[Any, Any, Any]) -> None:
    _same_delivery(_delivery(*read))


def _is_deliver_frames(encoded: list[bytes] | bytes) -> None:
    """A publish encoding carries the same header and body bytes as our hand-written input
    (the method differs: publish, not deliver); peers' header tables may use other letters,
    so only the frame layout and body are compared."""
    data = b"".join(encoded) if isinstance(encoded, list) else bytes(encoded)
    assert data[0] == 1 and data.endswith(_frame(3, CHANNEL, BODY)), data[:40]


# --------------------------------------------------------------------------- amqpcodec


def _ours(backend: str) -> dict[str, Callable[[], Work]]:
    def on(make: Callable[[], Work]) -> Callable[[], Work]:
        return lambda: make()._replace(backend=backend)

    return {name: on(make) for name, make in _OUR_MAKERS.items()}


def _ours_deliver() -> Work:
    from amqpcodec import amqp091

    data = deliver_frames()
    # One reader and one assembler for the connection, as a client holds them: each run
    # is one more delivery arriving on it (pika's and pamqp's decoders keep no state).
    reader = amqp091.FrameReader(expect_header=False)
    assembler = amqp091.ContentAssembler()

    def run() -> tuple[Any, Any, Any]:
        reader.feed(data)
        message = None
        for event in reader:
            message = assembler.feed(event) or message
        assert message is not None
        return _read_method(message.method), _read_properties(message.properties), message.body

    return Work(run, _same_read)


def _ours_publish() -> Work:
    from amqpcodec import amqp091

    def run() -> list[bytes]:
        properties = amqp091.BasicProperties(
            headers=HEADERS, timestamp=amqp091.Timestamp(TIMESTAMP), **PROPERTIES
        )
        method = amqp091.BasicPublish(exchange=EXCHANGE, routing_key=ROUTING_KEY)
        return amqp091.encode_message(method, properties, BODY, channel=CHANNEL, frame_max=FRAME_MAX)

    return Work(run, _is_deliver_frames)


def _ours_table_decode() -> Work:
    from amqpcodec.amqp091 import decode_table, encode_table

    data = encode_table(table100())
    return Work(lambda: decode_table(data), _same_table)


def _ours_table_encode() -> Work:
    from amqpcodec.amqp091 import decode_table, encode_table

    table = table100()
    return Work(lambda: encode_table(table), lambda data: _same_table(decode_table(data)))


def _same_table(found: Any) -> None:
    """Our decoded values are typed (int, float, bytes, list, dict; wrappers never appear
    for plain input): compare as plain Python."""
    assert found == table100()


def _ours_frames() -> Work:
    from amqpcodec import amqp091

    data = frame_stream()

    def run() -> list[Any]:
        reader = amqp091.FrameReader(expect_header=False)
        reader.feed(data)
        return list(reader)

    return Work(run, _frame_count, units=FRAMES)


def _frame_count(frames: list[Any]) -> None:
    assert len(frames) == FRAMES, len(frames)


_OUR_MAKERS: dict[str, Callable[[], Work]] = {
    "deliver-decode": _ours_deliver,
    "publish-encode": _ours_publish,
    "table100-decode": _ours_table_decode,
    "table100-encode": _ours_table_encode,
    "frames10k": _ours_frames,
}


# --------------------------------------------------------------------------- pika


def _pika_deliver() -> Work:
    from pika.frame import decode_frame

    data = deliver_frames()

    def run() -> tuple[Any, Any, Any]:
        consumed, method_frame = decode_frame(data)
        rest = data[consumed:]
        used, header = decode_frame(rest)
        _, body = decode_frame(rest[used:])
        return _read_method(method_frame.method), _read_properties(header.properties), body.fragment

    return Work(run, _same_read)


def _pika_publish() -> Work:
    from pika import frame, spec

    def run() -> list[bytes]:
        properties = spec.BasicProperties(headers=HEADERS, timestamp=TIMESTAMP, **PROPERTIES)
        method = spec.Basic.Publish(exchange=EXCHANGE, routing_key=ROUTING_KEY)
        return [
            frame.Method(CHANNEL, method).marshal(),
            frame.Header(CHANNEL, len(BODY), properties).marshal(),
            frame.Body(CHANNEL, BODY).marshal(),
        ]

    return Work(run, _is_deliver_frames)


def _pika_table() -> dict[str, Any]:
    """pika has no float in its table codec: its table replaces the 10 floats by ints."""
    return {k: int(v) if isinstance(v, float) else v for k, v in table100().items()}


_PIKA_NOTE = "the 10 floats given as ints"


def _pika_table_decode() -> Work:
    from pika import data as pika_data

    table = _pika_table()
    pieces: list[bytes] = []
    pika_data.encode_table(pieces, table)
    encoded = b"".join(pieces)

    def check(found: Any) -> None:
        assert found[0] == table, found

    return Work(lambda: pika_data.decode_table(encoded, 0), check, note=_PIKA_NOTE)


def _pika_table_encode() -> Work:
    from pika import data as pika_data

    table = _pika_table()

    def run() -> bytes:
        pieces: list[bytes] = []
        pika_data.encode_table(pieces, table)
        return b"".join(pieces)

    def check(found: bytes) -> None:
        assert pika_data.decode_table(found, 0)[0] == table

    return Work(run, check, note=_PIKA_NOTE)


def _pika_frames() -> Work:
    from pika.frame import decode_frame

    data = frame_stream()

    def run() -> list[Any]:
        # pika reads bytes only (not memoryviews); each frame is handed over as its own
        # slice, cheaper than the buffer trimming its connection does after each frame.
        view = memoryview(data)
        frames = []
        pos, end = 0, len(data)
        while pos < end:
            size = int.from_bytes(view[pos + 3 : pos + 7], "big") + 8
            consumed, found = decode_frame(data[pos : pos + size])
            frames.append(found)
            pos += consumed
        return frames

    return Work(run, _frame_count, units=FRAMES)


# --------------------------------------------------------------------------- pamqp


def _pamqp_deliver() -> Work:
    from pamqp.frame import unmarshal

    data = deliver_frames()

    read_properties = operator.attrgetter(*(_PAMQP_NAMES.get(name, name) for name in PROPERTY_FIELDS))

    def run() -> tuple[Any, Any, Any]:
        consumed, _, method = unmarshal(data)
        rest = data[consumed:]
        used, _, header = unmarshal(rest)
        _, _, body = unmarshal(rest[used:])
        return _read_method(method), read_properties(header.properties), body.value

    def check(read: tuple[Any, Any, Any]) -> None:
        # pamqp reads a timestamp as a datetime (guessing its unit); back to seconds.
        _same_delivery(_delivery(*read, stamp=lambda when: int(when.timestamp())))

    return Work(run, check)


#: pamqp's names for the basic properties where they differ from the spec's.
_PAMQP_NAMES = {"type": "message_type"}
#: pamqp refuses a cluster-id (see PEER_FAULTS): it writes the other 13.
_PAMQP_PROPERTIES = {
    _PAMQP_NAMES.get(name, name): value for name, value in PROPERTIES.items() if name != "cluster_id"
}


def _pamqp_publish() -> Work:
    from pamqp import body, commands, frame, header

    stamp = datetime.datetime.fromtimestamp(TIMESTAMP, datetime.timezone.utc)

    def run() -> list[bytes]:
        properties = commands.Basic.Properties(headers=HEADERS, timestamp=stamp, **_PAMQP_PROPERTIES)
        method = commands.Basic.Publish(exchange=EXCHANGE, routing_key=ROUTING_KEY)
        return [
            frame.marshal(method, CHANNEL),
            frame.marshal(header.ContentHeader(0, len(BODY), properties), CHANNEL),
            frame.marshal(body.ContentBody(BODY), CHANNEL),
        ]

    return Work(run, _is_deliver_frames, note="13 properties: cluster-id left out")


def _pamqp_table() -> dict[str, Any]:
    """pamqp writes a byte array ('x') only from ``bytearray`` (``bytes`` become 'S')."""

    def form(value: Any) -> Any:
        if isinstance(value, bytes):
            return bytearray(value)
        if isinstance(value, dict):
            return {k: form(v) for k, v in value.items()}
        if isinstance(value, list):
            return [form(v) for v in value]
        return value

    return form(table100())  # type: ignore[no-any-return]


_PAMQP_NOTE = "bytes given as bytearray (pamqp writes 'x' only from bytearray)"


def _pamqp_table_decode() -> Work:
    import pamqp.decode
    import pamqp.encode

    data = pamqp.encode.field_table(_pamqp_table())

    def check(found: Any) -> None:
        assert found[0] == len(data)
        _same_table(found[1])

    return Work(lambda: pamqp.decode.field_table(data), check, note=_PAMQP_NOTE)


def _pamqp_table_encode() -> Work:
    import pamqp.decode
    import pamqp.encode

    table = _pamqp_table()

    def check(found: bytes) -> None:
        _same_table(pamqp.decode.field_table(found)[1])

    return Work(lambda: pamqp.encode.field_table(table), check, note=_PAMQP_NOTE)


def _pamqp_frames() -> Work:
    from pamqp.frame import unmarshal

    data = frame_stream()

    def run() -> list[Any]:
        view = memoryview(data)
        frames = []
        pos, end = 0, len(data)
        while pos < end:
            # pamqp reads bytes only; each frame is handed over as its own slice.
            size = int.from_bytes(view[pos + 3 : pos + 7], "big") + 8
            consumed, _, found = unmarshal(data[pos : pos + size])
            frames.append(found)
            pos += consumed
        return frames

    return Work(run, _frame_count, units=FRAMES)


# --------------------------------------------------------------------------- py-amqp


def _amqp_reader(data: bytes) -> Any:
    """py-amqp's own frame splitter (``Transport.read_frame``) reading from memory."""
    from amqp.transport import _AbstractTransport

    class MemoryTransport(_AbstractTransport):  # type: ignore[misc]
        def __init__(self, data: bytes) -> None:
            self._data = memoryview(data)
            self._pos = 0

        def _read(self, n: int, initial: bool = False) -> bytes:
            chunk = self._data[self._pos : self._pos + n].tobytes()
            self._pos += n
            return chunk

    return MemoryTransport(data)


class _AmqpReceiver:
    """py-amqp's receiving side of one connection: its frame handler (built once, as its
    connection builds it) fed by its ``Transport.read_frame``; each delivery's method
    arguments decoded as its channel does."""

    def __init__(self) -> None:
        from amqp.method_framing import frame_handler
        from amqp.serialization import loads

        class Connection:
            bytes_recv = 0

        self.delivered: list[Any] = []

        def callback(channel: int, method_sig: Any, buf: Any, content: Any) -> None:
            args, _ = loads("sLbss", buf, 4)  # basic.deliver's argument signature in py-amqp
            self.delivered.append((args, content))

        self.on_frame = frame_handler(Connection(), callback)

    def frames(self, data: bytes, count: int) -> list[Any]:
        """Read ``count`` frames of ``data`` through the handler; the frames read."""
        transport, on_frame, frames = _amqp_reader(data), self.on_frame, []
        for _ in range(count):
            frame = transport.read_frame()
            on_frame(frame)
            frames.append(frame)
        return frames


def _amqp_deliver() -> Work:
    data = deliver_frames()
    receiver = _AmqpReceiver()

    # py-amqp keeps properties in a dict (headers as "application_headers") and hands the
    # method's arguments over as a list; a timestamp stays the integer on the wire.
    read_properties = operator.itemgetter(
        *("application_headers" if name == "headers" else name for name in PROPERTY_FIELDS)
    )

    def run() -> tuple[Any, Any, Any]:
        receiver.frames(data, 3)
        args, message = receiver.delivered.pop()
        return tuple(args), read_properties(message.properties), message.body

    return Work(run, _same_read)


def _amqp_publish() -> Work:
    from amqp import spec
    from amqp.basic_message import Message
    from amqp.method_framing import frame_writer
    from amqp.serialization import dumps

    class Connection:
        frame_max = FRAME_MAX
        bytes_sent = 0

    class Transport:
        def __init__(self) -> None:
            self.written: list[bytes] = []

        def write(self, data: Any) -> None:
            self.written.append(bytes(data))

    transport = Transport()
    write_frame = frame_writer(Connection(), transport)

    def run() -> list[bytes]:
        transport.written = []
        message = Message(BODY, application_headers=HEADERS, timestamp=TIMESTAMP, **PROPERTIES)
        args = dumps("Bssbb", (0, EXCHANGE, ROUTING_KEY, False, False))
        write_frame(1, CHANNEL, spec.Basic.Publish, args, message)
        return transport.written

    return Work(run, _is_deliver_frames)


def _amqp_table_decode() -> Work:
    from amqp.serialization import dumps, loads

    data = dumps("F", [table100()])

    return Work(lambda: loads("F", data, 0), lambda found: _same_amqp_table(found[0][0]))


def _amqp_table_encode() -> Work:
    from amqp.serialization import dumps, loads

    table = table100()

    return Work(lambda: dumps("F", [table]), lambda found: _same_amqp_table(loads("F", found, 0)[0][0]))


def _same_amqp_table(found: Any) -> None:
    """py-amqp's table holds the content, but its bytes come back as the strings it wrote
    (see PEER_FAULTS) when they happen to be UTF-8."""

    def as_read(value: Any) -> Any:
        if isinstance(value, bytes):
            try:
                return value.decode()
            except UnicodeDecodeError:
                return value
        if isinstance(value, dict):
            return {k: as_read(v) for k, v in value.items()}
        if isinstance(value, list):
            return [as_read(v) for v in value]
        return value

    assert found == as_read(table100()), found


def _amqp_frames() -> Work:
    data = frame_stream()
    return Work(
        lambda: _AmqpReceiver().frames(data, FRAMES),
        _frame_count,
        units=FRAMES,
        note="split by its Transport.read_frame and fed to its frame handler",
    )


# --------------------------------------------------------------------------- msgpack


def _msgpack_decode() -> Work:
    import msgpack

    data = msgpack.packb(table100())
    return Work(lambda: msgpack.unpackb(data), _same_table)


def _msgpack_encode() -> Work:
    import msgpack

    table = table100()
    return Work(lambda: msgpack.packb(table), lambda data: _same_table(msgpack.unpackb(data)))


#: MAKERS[codec][workload] -> a maker of its Work.
MAKERS: dict[str, dict[str, Callable[[], Work]]] = {
    "amqpcodec-cython": _ours("cython"),
    "amqpcodec-python": _ours("python"),
    "pika": {
        "deliver-decode": _pika_deliver,
        "publish-encode": _pika_publish,
        "table100-decode": _pika_table_decode,
        "table100-encode": _pika_table_encode,
        "frames10k": _pika_frames,
    },
    "pamqp": {
        "deliver-decode": _pamqp_deliver,
        "publish-encode": _pamqp_publish,
        "table100-decode": _pamqp_table_decode,
        "table100-encode": _pamqp_table_encode,
        "frames10k": _pamqp_frames,
    },
    "py-amqp": {
        "deliver-decode": _amqp_deliver,
        "publish-encode": _amqp_publish,
        "table100-decode": _amqp_table_decode,
        "table100-encode": _amqp_table_encode,
        "frames10k": _amqp_frames,
    },
    "msgpack": {"table100-decode": _msgpack_decode, "table100-encode": _msgpack_encode},
}

#: Work a codec cannot do, and why (the report prints it).
CANNOT: dict[str, dict[str, str]] = {
    "msgpack": {
        w: "not an AMQP codec: the reference for tables only" for w, _, _ in WORKLOADS[:2] + WORKLOADS[4:]
    },
}
