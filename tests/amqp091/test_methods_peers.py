"""Cross-checks of method and property payloads (AMQP 0-9-1 §4.2.4, §4.2.6.1) with the
codecs users pick today: pika, pamqp and py-amqp, both ways; and the peers' known
property/method bugs pinned against RabbitMQ's reading.

Without the peers (the ``interop`` extra) these tests skip, except under CI, where a
missing peer fails.
"""

from __future__ import annotations

import os

import pytest

from amqpcodec.amqp091.methods import (
    BasicDeliver,
    BasicNack,
    BasicPublish,
    BasicQos,
    ExchangeDeclare,
    QueueDeclare,
)
from amqpcodec.amqp091.payloads import (
    content_header_payload,
    decode_content_header,
    decode_method,
    method_payload,
)
from amqpcodec.amqp091.properties import BasicProperties

if os.environ.get("CI"):
    import amqp.serialization as amqp_serialization  # CI installs the interop extra
    import pamqp.commands as pamqp_commands
    import pamqp.header as pamqp_header
    import pika.spec as pika_spec
else:
    pika_spec = pytest.importorskip("pika.spec")
    pamqp_commands = pytest.importorskip("pamqp.commands")
    pamqp_header = pytest.importorskip("pamqp.header")
    amqp_serialization = pytest.importorskip("amqp.serialization")

pytestmark = pytest.mark.interop

DELIVER = BasicDeliver(
    consumer_tag="ctag", delivery_tag=2**40 + 3, redelivered=True, exchange="ex", routing_key="a.b"
)
PUBLISH = BasicPublish(exchange="ex", routing_key="rk", mandatory=True)
QOS = BasicQos(prefetch_count=10, global_=True)
NACK = BasicNack(delivery_tag=9, multiple=True, requeue=False)
DECLARE = ExchangeDeclare(exchange="logs", type="topic", durable=True, auto_delete=True)
QUEUE = QueueDeclare(queue="q", durable=True, arguments={"x-queue-type": "quorum"})
OURS = [DELIVER, PUBLISH, QOS, NACK, DECLARE, QUEUE]

PROPERTIES = BasicProperties(
    content_type="application/json",
    content_encoding="utf-8",
    headers={"h": "v"},
    delivery_mode=2,
    priority=4,
    correlation_id="c1",
    reply_to="r",
    expiration="1000",
    message_id="m1",
    timestamp=1700000000,
    type="t",
    user_id="guest",
    app_id="app",
    cluster_id="cl",
)


def _pika_method(method: object) -> object:
    cls_name, method_name = type(method).NAME.split(".")  # type: ignore[attr-defined]
    pika_cls = getattr(
        getattr(pika_spec, cls_name.capitalize()), "".join(p.capitalize() for p in method_name.split("-"))
    )
    names = {f.name: getattr(method, f.name) for f in type(method).FIELDS}  # type: ignore[attr-defined]
    names = {_PIKA_NAMES.get(k, k): (v.decode() if isinstance(v, bytes) else v) for k, v in names.items()}
    return pika_cls(**names)


#: pika's own names for two arguments whose spec names clash with Python.
_PIKA_NAMES = {"global_": "global_qos"}


# -- pika ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", OURS, ids=lambda m: m.NAME)
def test_pika_encodes_what_we_encode(method: object) -> None:
    theirs = _pika_method(method)
    ids = method_payload(method)[:4]  # type: ignore[arg-type]
    assert ids + b"".join(theirs.encode()) == method_payload(method)  # type: ignore[attr-defined, arg-type]


@pytest.mark.parametrize("method", OURS, ids=lambda m: m.NAME)
def test_pika_decodes_what_we_encode(method: object) -> None:
    payload = method_payload(method)  # type: ignore[arg-type]
    theirs = type(_pika_method(method))()
    theirs.decode(payload[4:], 0)
    assert decode_method(payload[:4] + b"".join(theirs.encode())) == method


def test_pika_properties_both_ways() -> None:
    payload = content_header_payload(PROPERTIES, 5)
    theirs = pika_spec.BasicProperties()
    theirs.decode(payload[12:], 0)
    assert theirs.app_id == "app" and theirs.timestamp == 1700000000 and theirs.headers == {"h": "v"}
    assert payload[:12] + b"".join(theirs.encode()) == payload


# -- pamqp ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", [DELIVER, PUBLISH, QOS, NACK, DECLARE], ids=lambda m: m.NAME)
def test_pamqp_both_ways(method: object) -> None:
    payload = method_payload(method)  # type: ignore[arg-type]
    cls_name, method_name = type(method).NAME.split(".")  # type: ignore[attr-defined]
    pamqp_cls = getattr(
        getattr(pamqp_commands, cls_name.capitalize()),
        "".join(p.capitalize() for p in method_name.split("-")),
    )
    theirs = pamqp_cls()
    theirs.unmarshal(payload[4:])
    assert payload[:4] + theirs.marshal() == payload


def test_pamqp_properties_both_ways() -> None:
    payload = content_header_payload(PROPERTIES, 5)
    theirs = pamqp_header.ContentHeader()
    theirs.unmarshal(payload)
    assert theirs.body_size == 5 and theirs.properties.app_id == "app"
    assert decode_content_header(theirs.marshal()).properties.replace(timestamp=None) == PROPERTIES.replace(
        timestamp=None
    )


def test_pamqp_bug_empty_string_properties_are_dropped() -> None:
    """pamqp treats a present, empty property ("") as absent and clears its flag; RabbitMQ
    keeps the flag set, and so do we: content_type="" is flag bit 15 with a zero-length shortstr."""
    theirs = pamqp_header.ContentHeader(0, 5, pamqp_commands.Basic.Properties(content_type=""))
    assert theirs.marshal()[12:14] == b"\x00\x00"  # pamqp's bug: the flag is gone
    ours = content_header_payload(BasicProperties(content_type=""), 5)
    assert ours[12:] == b"\x80\x00\x00"
    assert decode_content_header(ours).properties.content_type == ""


# -- py-amqp -------------------------------------------------------------------------------


def test_py_amqp_reads_and_writes_basic_deliver() -> None:
    payload = method_payload(DELIVER)
    values, _ = amqp_serialization.loads("sLbss", payload, 4)
    assert values == ["ctag", 2**40 + 3, True, "ex", "a.b"]
    assert payload[:4] + amqp_serialization.dumps("sLbss", values) == payload


def test_py_amqp_reads_and_writes_bits() -> None:
    payload = method_payload(DECLARE)
    values, _ = amqp_serialization.loads("BssbbbbbF", payload, 4)
    assert values[:8] == [0, "logs", "topic", False, True, True, False, False]
    assert payload[:4] + amqp_serialization.dumps("BssbbbbbF", values) == payload


def test_py_amqp_properties_both_ways() -> None:
    from amqp.basic_message import Message

    payload = content_header_payload(PROPERTIES.replace(headers=None), 5)
    theirs = Message()
    theirs._load_properties(60, payload, 12)
    assert theirs.properties["app_id"] == "app" and theirs.properties["priority"] == 4
    assert payload[:12] + theirs._serialize_properties() == payload
