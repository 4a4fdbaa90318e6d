"""Every spec fact the package uses, checked against the vendored spec table (RabbitMQ's
machine-readable AMQP 0-9-1 specification): classes, method ids, argument names, types,
defaults and order, the synchronous and content flags, the 14 basic properties and their
flag bits, the constants and the reply codes with their soft/hard class."""

from __future__ import annotations

import json
import keyword
from typing import Any

import pytest

from amqpcodec.amqp091 import _spec, constants
from amqpcodec.amqp091._specmodel import REQUIRED
from amqpcodec.amqp091.methods import METHODS, BasicGet, BasicGetEmpty, BasicGetOk
from amqpcodec.amqp091.properties import BasicProperties
from tests.helpers.paths import ROOT

TABLE: dict[str, Any] = json.loads(
    (ROOT / "src" / "amqpcodec" / "amqp091" / "amqp-rabbitmq-0.9.1.json").read_text(encoding="utf-8")
)
DOMAINS = dict(TABLE["domains"])
SPEC_METHODS = [(cls, method) for cls in TABLE["classes"] for method in cls["methods"]]


def _python_name(spec_name: str) -> str:
    name = spec_name.replace("-", "_")
    return name + "_" if keyword.iskeyword(name) else name


def _type(argument: dict[str, Any]) -> str:
    return argument.get("type") or DOMAINS[argument["domain"]]


def test_every_method_of_the_table_has_a_class_and_no_other() -> None:
    assert set(METHODS) == {(cls["id"], method["id"]) for cls, method in SPEC_METHODS}
    assert len(METHODS) == 66


@pytest.mark.parametrize(
    ("cls", "method"), SPEC_METHODS, ids=lambda x: x["name"] if isinstance(x, dict) else ""
)
def test_method_facts(cls: dict[str, Any], method: dict[str, Any]) -> None:
    python_cls = METHODS[(cls["id"], method["id"])]
    assert f"{cls['name']}.{method['name']}" == python_cls.NAME
    assert python_cls.__name__ == "".join(
        p.capitalize() for p in f"{cls['name']}-{method['name']}".split("-")
    )
    assert (cls["id"], method["id"]) == (python_cls.CLASS_ID, python_cls.METHOD_ID)
    assert python_cls.SYNCHRONOUS is bool(method.get("synchronous", False))
    assert python_cls.HAS_CONTENT is bool(method.get("content", False))
    assert len(python_cls.FIELDS) == len(method["arguments"])
    for field, argument in zip(python_cls.FIELDS, method["arguments"]):
        assert field.spec_name == argument["name"]
        assert field.name == _python_name(argument["name"])
        assert field.type == _type(argument)
        if "default-value" not in argument:
            assert field.default is REQUIRED
        elif field.type == "longstr":
            assert field.default == argument["default-value"].encode()
        else:
            assert field.default == argument["default-value"]
            assert type(field.default) is type(argument["default-value"]) or field.type == "table"


@pytest.mark.parametrize("python_cls", list(METHODS.values()), ids=lambda c: c.NAME)
def test_responses_follow_the_ok_rule(python_cls: Any) -> None:
    if not python_cls.SYNCHRONOUS:
        assert python_cls.RESPONSES == ()
    elif python_cls is BasicGet:  # the spec text: get-ok when a message is there, else get-empty
        assert (BasicGetOk, BasicGetEmpty) == python_cls.RESPONSES
    else:
        assert [r.NAME for r in python_cls.RESPONSES] == [python_cls.NAME + "-ok"]


def test_basic_properties_in_table_order_with_flag_bits() -> None:
    basic = next(cls for cls in TABLE["classes"] if cls["name"] == "basic")
    assert _spec.BASIC_CLASS_ID == basic["id"] == 60
    assert [(p.spec_name, p.type) for p in _spec.BASIC_PROPERTIES] == [
        (p["name"], p["type"]) for p in basic["properties"]
    ]
    assert [p.flag_bit for p in _spec.BASIC_PROPERTIES] == list(range(15, 1, -1))
    assert tuple(_python_name(p["name"]) for p in basic["properties"]) == BasicProperties._NAMES


def test_constants() -> None:
    values = {c["name"]: c["value"] for c in TABLE["constants"]}
    assert constants.FRAME_METHOD == values["FRAME-METHOD"] == 1
    assert constants.FRAME_HEADER == values["FRAME-HEADER"] == 2
    assert constants.FRAME_BODY == values["FRAME-BODY"] == 3
    assert constants.FRAME_HEARTBEAT == values["FRAME-HEARTBEAT"] == 8
    assert constants.FRAME_END == values["FRAME-END"] == 0xCE
    assert constants.FRAME_MIN_SIZE == values["FRAME-MIN-SIZE"] == 8192
    assert [(c.name, c.value, c.error_class) for c in _spec.CONSTANTS] == [
        (c["name"], c["value"], c.get("class")) for c in TABLE["constants"]
    ]
    assert constants.PROTOCOL_HEADER == b"AMQP\x00\x00\x09\x01"
    assert (TABLE["major-version"], TABLE["minor-version"], TABLE["revision"]) == _spec.VERSION


def test_reply_codes_and_their_class() -> None:
    codes = [c for c in TABLE["constants"] if "class" in c or c["name"] == "REPLY-SUCCESS"]
    assert {m.name: m.value for m in constants.ReplyCode} == {
        c["name"].replace("-", "_"): c["value"] for c in codes
    }
    for c in codes:
        member = constants.ReplyCode(c["value"])
        assert member.is_hard_error is (c.get("class") == "hard-error")
    assert constants.ReplyCode.FRAME_ERROR == 501 and constants.ReplyCode.FRAME_ERROR.is_hard_error
    assert not constants.ReplyCode.NOT_FOUND.is_hard_error
    assert not constants.ReplyCode.REPLY_SUCCESS.is_hard_error


def test_hand_written_enums() -> None:
    assert [e.value for e in constants.ExchangeType] == ["direct", "fanout", "topic", "headers"]
    assert constants.ExchangeType.TOPIC == "topic"
    assert str(constants.ExchangeType.TOPIC) == f"{constants.ExchangeType.TOPIC}" == "topic"
    assert constants.DeliveryMode.TRANSIENT == 1 and constants.DeliveryMode.PERSISTENT == 2
