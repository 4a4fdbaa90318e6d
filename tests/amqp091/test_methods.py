"""Method classes (AMQP 0-9-1 §4.2.4, argument types §4.2.5): construction, validation,
``replace``, ``expects_reply``, ``RESPONSES``, pickling, ``to_dict``, bit packing
(§4.2.5.2), and hostile method payloads with their error class and offset."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

from amqpcodec.amqp091._specmodel import REQUIRED
from amqpcodec.amqp091.constants import ExchangeType, ReplyCode
from amqpcodec.amqp091.methods import (
    METHODS,
    AccessRequest,
    BasicCancel,
    BasicConsume,
    BasicDeliver,
    BasicGet,
    BasicGetEmpty,
    BasicGetOk,
    BasicNack,
    BasicPublish,
    BasicQos,
    ConfirmSelect,
    ConnectionStart,
    ConnectionStartOk,
    ExchangeDeclare,
    QueueDeclare,
    TxCommit,
    TxCommitOk,
    TxSelectOk,
)
from amqpcodec.amqp091.payloads import decode_method, method_payload
from amqpcodec.errors import DecodeError, EncodeError, IncompleteError, UnsupportedTypeError
from tests.helpers.amqp091_methods import h

DELIVER = BasicDeliver(consumer_tag="ct", delivery_tag=7, redelivered=True, exchange="ex", routing_key="rk")


# -- construction and validation -------------------------------------------------------------


def test_keyword_names_and_defaults() -> None:
    qos = BasicQos(global_=True)
    assert (qos.prefetch_size, qos.prefetch_count, qos.global_) == (0, 0, True)
    assert ConnectionStart(server_properties={}).mechanisms == b"PLAIN"
    assert ExchangeDeclare(exchange="x").type == "direct"
    assert QueueDeclare().arguments == {} and type(QueueDeclare().arguments) is dict


def test_required_arguments_are_required() -> None:
    with pytest.raises(TypeError):
        BasicCancel()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        BasicQos(1, 2, True)  # type: ignore[misc]


@pytest.mark.parametrize("cls", list(METHODS.values()), ids=lambda c: c.NAME)
def test_every_class_is_immutable_and_slotted(cls: Any) -> None:
    required = {f.name: _sample(f.type) for f in cls.FIELDS if f.default is REQUIRED}
    method = cls(**required)
    assert not hasattr(method, "__dict__")
    for field in cls.FIELDS:
        with pytest.raises(AttributeError):
            setattr(method, field.name, getattr(method, field.name))
    with pytest.raises(AttributeError):
        method.other = 1


def _sample(kind: str) -> Any:
    return {"bit": False, "shortstr": "s", "longstr": b"l", "table": {}}.get(kind, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"routing_key": "x" * 256}, EncodeError, "basic.publish.routing_key"),
        ({"routing_key": "é" * 128}, EncodeError, "basic.publish.routing_key"),
        ({"routing_key": "\ud800"}, EncodeError, "basic.publish.routing_key"),
        ({"routing_key": b"rk"}, UnsupportedTypeError, "basic.publish.routing_key"),
        ({"ticket": 65536}, EncodeError, "basic.publish.ticket"),
        ({"ticket": -1}, EncodeError, "basic.publish.ticket"),
        ({"ticket": 1.0}, UnsupportedTypeError, "basic.publish.ticket"),
        ({"ticket": True}, UnsupportedTypeError, "basic.publish.ticket"),
        ({"mandatory": 1}, UnsupportedTypeError, "basic.publish.mandatory"),
        ({"mandatory": None}, UnsupportedTypeError, "basic.publish.mandatory"),
    ],
)
def test_invalid_arguments_name_their_path(kwargs: dict[str, Any], error: type, path: str) -> None:
    with pytest.raises(error) as caught:
        BasicPublish(**kwargs)
    assert caught.value.path == path  # type: ignore[attr-defined]


def test_integer_bounds_per_type() -> None:
    assert (
        BasicDeliver(consumer_tag="", delivery_tag=2**64 - 1, exchange="", routing_key="").delivery_tag
        == 2**64 - 1
    )
    with pytest.raises(EncodeError, match="longlong"):
        BasicDeliver(consumer_tag="", delivery_tag=2**64, exchange="", routing_key="")
    assert BasicQos(prefetch_size=2**32 - 1).prefetch_size == 2**32 - 1
    with pytest.raises(EncodeError):
        BasicQos(prefetch_size=2**32)
    with pytest.raises(EncodeError):
        ConnectionStart(version_major=256, server_properties={})


def test_shortstr_of_exactly_255_utf8_bytes() -> None:
    assert len(method_payload(BasicPublish(routing_key="é" * 127 + "x"))) == 4 + 2 + 1 + 1 + 255 + 1


def test_conversions() -> None:
    start_ok = ConnectionStartOk(client_properties={}, response="\x00guest\x00guest")
    assert start_ok.response == b"\x00guest\x00guest"
    assert ConnectionStartOk(client_properties={}, response=bytearray(b"ab")).response == b"ab"
    declare = ExchangeDeclare(exchange="x", type=ExchangeType.TOPIC)
    assert type(declare.type) is str and declare.type == "topic"
    close = BasicPublish(ticket=ReplyCode.NOT_FOUND)
    assert type(close.ticket) is int
    with pytest.raises(UnsupportedTypeError, match="mapping"):
        QueueDeclare(arguments=[("a", 1)])  # type: ignore[arg-type]


def test_table_contents_are_checked_when_written() -> None:
    method = QueueDeclare(arguments={"bad": object()})
    with pytest.raises(UnsupportedTypeError) as caught:
        method_payload(method)
    assert "queue.declare.arguments" in caught.value.path


# -- behaviour ----------------------------------------------------------------------------


def test_replace() -> None:
    changed = DELIVER.replace(delivery_tag=8)
    assert changed.delivery_tag == 8 and DELIVER.delivery_tag == 7
    assert changed.replace(delivery_tag=7) == DELIVER
    with pytest.raises(TypeError, match="no argument"):
        DELIVER.replace(nope=1)
    with pytest.raises(EncodeError):
        DELIVER.replace(delivery_tag=-1)


def test_equality_and_hash() -> None:
    assert (
        BasicDeliver(consumer_tag="ct", delivery_tag=7, redelivered=True, exchange="ex", routing_key="rk")
        == DELIVER
    )
    assert DELIVER.replace(redelivered=False) != DELIVER
    assert TxSelectOk() != TxCommitOk() and TxCommit() == TxCommit()
    assert hash(DELIVER) == hash(DELIVER.replace())
    with pytest.raises(TypeError):
        hash(QueueDeclare())


def test_repr() -> None:
    assert repr(BasicQos(global_=True)) == "BasicQos(prefetch_size=0, prefetch_count=0, global_=True)"
    assert repr(TxCommit()) == "TxCommit()"


def test_expects_reply() -> None:
    assert BasicQos().expects_reply
    assert not BasicConsume(nowait=True).expects_reply
    assert BasicConsume().expects_reply
    assert not ConfirmSelect(nowait=True).expects_reply
    assert not DELIVER.expects_reply and not BasicPublish().expects_reply
    assert not BasicGetOk(delivery_tag=1, exchange="", routing_key="", message_count=0).expects_reply


def test_responses() -> None:
    assert (BasicGetOk, BasicGetEmpty) == BasicGet.RESPONSES
    assert (TxCommitOk,) == TxCommit.RESPONSES
    assert BasicNack.RESPONSES == () and BasicDeliver.RESPONSES == ()


@pytest.mark.parametrize(
    "method", [DELIVER, TxCommit(), QueueDeclare(arguments={"x": [1, "a"]}), BasicQos(global_=True)]
)
def test_pickle_and_copy(method: Any) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(method, protocol)) == method
    assert copy.copy(method) == method and copy.deepcopy(method) == method


def test_to_dict() -> None:
    assert DELIVER.to_dict() == {
        "type": "basic.deliver",
        "class_id": 60,
        "method_id": 60,
        "fields": {
            "consumer_tag": "ct",
            "delivery_tag": "7",
            "redelivered": True,
            "exchange": "ex",
            "routing_key": "rk",
        },
    }
    start = ConnectionStart(server_properties={"product": "RabbitMQ"}).to_dict()
    assert start["fields"]["mechanisms"] == b"PLAIN".hex()
    assert start["fields"]["server_properties"] == [["product", {"type": "S", "value": "RabbitMQ"}]]
    json.dumps(start)


# -- bit packing (§4.2.5.2) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "octet"),
    [
        ({}, 0x00),
        ({"passive": True}, 0x01),
        ({"durable": True}, 0x02),
        ({"auto_delete": True}, 0x04),
        ({"internal": True}, 0x08),
        ({"nowait": True}, 0x10),
        ({"passive": True, "durable": True, "auto_delete": True, "internal": True, "nowait": True}, 0x1F),
    ],
)
def test_bits_pack_least_significant_first(kwargs: dict[str, bool], octet: int) -> None:
    payload = method_payload(ExchangeDeclare(exchange="", type="", **kwargs))
    assert payload == h("0028 000a 0000 00 00") + bytes([octet]) + h("00000000")


def test_a_non_bit_argument_closes_the_octet() -> None:
    # basic.nack: delivery-tag, then two bits in one octet; basic.deliver: a bit between shortstrs.
    assert method_payload(BasicNack(multiple=True, requeue=True))[-1:] == b"\x03"
    assert method_payload(DELIVER) == h("003c 003c 02 6374 0000000000000007 01 02 6578 02 726b")


def test_five_bits_of_access_request_share_one_octet() -> None:
    payload = method_payload(
        AccessRequest(realm="", exclusive=False, passive=False, active=False, write=False, read=True)
    )
    assert payload == h("001e 000a 00 10")


# -- hostile payloads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "offset", "class_id", "method_id", "match"),
    [
        ("", 0, None, None, "shorter"),
        ("003c", 0, None, None, "shorter"),
        ("003c 00", 0, None, None, "shorter"),
        ("0063 000a", 0, 0x63, 10, "unknown class"),
        ("003c 0063", 2, 60, 0x63, "unknown method"),
        ("003c 003c 05 6374", 4, 60, 60, "shortstr"),  # size past the end
        ("003c 003c", 4, 60, 60, "shortstr"),
        ("003c 003c 02 6374 000000", 7, 60, 60, "past the end"),  # longlong cut short
        ("003c 003c 02 ff74 0000000000000001 00 00 00", 5, 60, 60, "UTF-8"),
        ("003c 003c 02 6374 0000000000000001 02 00 00", 15, 60, 60, "spare"),  # one bit, bit 1 set
        ("003c 0078 0000000000000001 04", 12, 60, 120, "spare"),  # nack: two bits, bit 2 set
        ("003c 003c 02 6374 0000000000000001 00 00 00 ff", 18, 60, 60, "after the last"),
        ("005a 000a 00", 4, 90, 10, "after the last"),
        ("000a 0014 00000005 6162", 4, 10, 20, "longstr"),
        ("000a 0014 ffffffff", 4, 10, 20, "longstr"),
        ("0032 000a 0000 00 00 0000", 8, 50, 10, None),  # table size cut short
        ("0032 000a 0000 00 00 00000010 00", 8, 50, 10, None),  # table size past the payload
    ],
)
def test_hostile_method_payloads(
    payload: str, offset: int, class_id: int | None, method_id: int | None, match: str | None
) -> None:
    with pytest.raises(DecodeError, match=match) as caught:
        decode_method(h(payload))
    error = caught.value
    assert type(error) is not IncompleteError
    assert error.offset == offset
    assert (error.class_id, error.method_id) == (class_id, method_id)
    assert error.reply_code == ReplyCode.FRAME_ERROR
    assert pickle.loads(pickle.dumps(error)).offset == offset


def test_offsets_index_the_buffer_given() -> None:
    from amqpcodec.amqp091.payloads import read_method
    from amqpcodec.limits import DEFAULT_LIMITS

    data = b"junk" + h("003c 003c 02 6374 0000000000000001 02 00 00") + b"more"
    with pytest.raises(DecodeError) as caught:
        read_method(data, 4, len(data) - 4, DEFAULT_LIMITS)
    assert caught.value.offset == 4 + 15
    good = b"junk" + method_payload(DELIVER) + b"more"
    assert read_method(memoryview(good), 4, len(good) - 4, DEFAULT_LIMITS) == DELIVER


def test_encode_refuses_what_is_not_a_method() -> None:
    with pytest.raises(EncodeError):
        method_payload("basic.ack")  # type: ignore[arg-type]
