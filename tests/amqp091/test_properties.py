"""Basic properties and content-header payloads (AMQP 0-9-1 §4.2.6.1): golden payloads with
0, 1 and 14 properties hand-written from the spec, the reserved and continuation flag bits,
``""`` versus ``None``, non-UTF-8 shortstrs, and hostile headers."""

from __future__ import annotations

import datetime
import json
import pickle

import pytest

from amqpcodec.amqp091.constants import DeliveryMode, ReplyCode
from amqpcodec.amqp091.payloads import ContentHeader, content_header_payload, decode_content_header
from amqpcodec.amqp091.properties import BasicProperties
from amqpcodec.amqp091.values import Timestamp
from amqpcodec.errors import DecodeError, EncodeError, UnsupportedTypeError
from tests.helpers.amqp091_methods import h

#: class 60, weight 0, body size 5; then the flag word and the properties.
PREFIX = "003c 0000 0000000000000005"

ALL = BasicProperties(
    content_type="ct",
    content_encoding="ce",
    headers={"k": "v"},
    delivery_mode=2,
    priority=9,
    correlation_id="ci",
    reply_to="rt",
    expiration="60",
    message_id="mi",
    timestamp=1700000000,
    type="ty",
    user_id="ui",
    app_id="ai",
    cluster_id="cl",
)
ALL_HEX = (
    PREFIX + " fffc  02 6374  02 6365  00000008 016b 53 00000001 76  02  09  02 6369  02 7274  02 3630"
    "  02 6d69  000000006553f100  02 7479  02 7569  02 6169  02 636c"
)

GOLDEN = [
    (None, PREFIX + " 0000"),
    (BasicProperties(), PREFIX + " 0000"),
    (BasicProperties(content_type="text/plain"), PREFIX + " 8000 0a 746578742f706c61696e"),
    (BasicProperties(delivery_mode=DeliveryMode.PERSISTENT), PREFIX + " 1000 02"),
    (BasicProperties(cluster_id="c"), PREFIX + " 0004 01 63"),
    (BasicProperties(timestamp=Timestamp(1)), PREFIX + " 0040 0000000000000001"),
    (BasicProperties(content_type=""), PREFIX + " 8000 00"),
    (BasicProperties(headers={}), PREFIX + " 2000 00000000"),
    (ALL, ALL_HEX),
]


@pytest.mark.parametrize(("properties", "payload"), GOLDEN)
def test_golden_content_headers(properties: BasicProperties | None, payload: str) -> None:
    assert content_header_payload(properties, 5) == h(payload)
    decoded = decode_content_header(h(payload))
    assert decoded == ContentHeader(60, 0, 5, properties or BasicProperties())


def test_empty_string_is_present_and_none_is_absent() -> None:
    empty = decode_content_header(h(PREFIX + " 8000 00")).properties
    assert empty.content_type == "" and empty != BasicProperties()
    assert decode_content_header(h(PREFIX + " 0000")).properties.content_type is None
    assert empty.to_dict() == {"content_type": ""}


@pytest.mark.parametrize("flags", ["0001", "0002", "0003", "8001", "fffe", "ffff"])
def test_reserved_and_continuation_bits_are_refused(flags: str) -> None:
    with pytest.raises(DecodeError, match="flags") as caught:
        decode_content_header(h(PREFIX + " " + flags + " 00" * 40))
    assert caught.value.offset == 12
    assert caught.value.class_id == 60
    assert caught.value.reply_code == ReplyCode.FRAME_ERROR


def test_property_shortstr_that_is_not_utf8_is_bytes_and_round_trips() -> None:
    payload = h(PREFIX + " 0010 02 ff00")
    properties = decode_content_header(payload).properties
    assert properties.user_id == b"\xff\x00"
    assert content_header_payload(properties, 5) == payload
    assert properties.to_dict() == {"user_id": {"value": "\ufffd\x00", "utf8": False, "hex": "ff00"}}


@pytest.mark.parametrize(
    ("payload", "offset"),
    [
        ("", 0),
        ("003c 0000 00000000000000", 0),
        (PREFIX + " 8000", 14),  # shortstr missing
        (PREFIX + " 8000 05 6162", 14),  # shortstr past the end
        (PREFIX + " 1000", 14),  # octet missing
        (PREFIX + " 0040 000000", 14),  # timestamp cut short
        (PREFIX + " 2000 000000", 14),  # table size cut short
        (PREFIX + " 2000 00000009 00", 14),  # table past the payload
        (PREFIX + " 0000 00", 14),  # a byte after the last property
        (PREFIX + " 1000 02 00", 15),
    ],
)
def test_hostile_content_headers(payload: str, offset: int) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_content_header(h(payload))
    assert caught.value.offset == offset
    assert caught.value.reply_code == ReplyCode.FRAME_ERROR


def test_other_classes_and_weights_decode_for_the_frame_layer_to_judge() -> None:
    assert decode_content_header(h("0014 0007 0000000000000000 0000")) == ContentHeader(
        20, 7, 0, BasicProperties()
    )
    assert content_header_payload(None, 0, class_id=20) == h("0014 0000 0000000000000000 0000")


def test_header_writer_checks_its_numbers() -> None:
    with pytest.raises(EncodeError):
        content_header_payload(None, 2**64)
    with pytest.raises(EncodeError):
        content_header_payload(None, -1)
    with pytest.raises(EncodeError):
        content_header_payload(None, 0, class_id=65536)
    with pytest.raises(EncodeError):
        content_header_payload({"content_type": "x"}, 0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"content_type": "x" * 256}, EncodeError, "basic.properties.content_type"),
        ({"app_id": b"x" * 256}, EncodeError, "basic.properties.app_id"),
        ({"delivery_mode": 256}, EncodeError, "basic.properties.delivery_mode"),
        ({"priority": "1"}, UnsupportedTypeError, "basic.properties.priority"),
        ({"headers": [("a", 1)]}, UnsupportedTypeError, "basic.properties.headers"),
        ({"timestamp": -1}, EncodeError, "basic.properties.timestamp"),
        ({"timestamp": 1.5}, UnsupportedTypeError, "basic.properties.timestamp"),
    ],
)
def test_invalid_properties_name_their_path(kwargs: dict[str, object], error: type, path: str) -> None:
    with pytest.raises(error) as caught:
        BasicProperties(**kwargs)  # type: ignore[arg-type]
    assert caught.value.path == path  # type: ignore[attr-defined]


def test_timestamp_conversions() -> None:
    assert type(BasicProperties(timestamp=5).timestamp) is Timestamp
    moment = datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)
    assert BasicProperties(timestamp=moment).timestamp == 1700000000


def test_properties_behaviour() -> None:
    assert BasicProperties(priority=1) == BasicProperties(priority=1)
    assert BasicProperties() != (None,) * 14 and BasicProperties() != (None,) * 14
    assert hash(BasicProperties(priority=1)) == hash(BasicProperties(priority=1))
    with pytest.raises(AttributeError):
        ALL.priority = 1  # type: ignore[misc]
    assert ALL.replace(priority=None).priority is None and ALL.priority == 9
    with pytest.raises(TypeError):
        ALL.replace(colour="red")
    assert repr(BasicProperties(priority=1)) == "BasicProperties(priority=1)"
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(ALL, protocol)) == ALL
    assert list(BasicProperties(app_id="a").present()) == ["app_id"]


def test_to_dict_lists_only_present_properties() -> None:
    form = ALL.to_dict()
    assert list(form) == list(BasicProperties._NAMES)
    assert form["timestamp"] == {"type": "T", "value": "1700000000", "iso": "2023-11-14T22:13:20Z"}
    assert form["headers"] == [["k", {"type": "S", "value": "v"}]]
    json.dumps(form)
    assert BasicProperties().to_dict() == {}
