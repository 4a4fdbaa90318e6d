"""The JSON form of values, composites and messages (docs: messages, "The JSON form").

Every AMQP type's form is asserted exactly, and every result is checked to be made
of plain JSON types only (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``,
``None``: never a subclass), so ``json.dumps`` needs no ``default=``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amqpcodec import (
    Array,
    Attach,
    Byte,
    Char,
    Decimal32,
    Decimal64,
    Decimal128,
    Described,
    EncodeError,
    ErrorCondition,
    Float,
    Int,
    Long,
    Rejected,
    Role,
    SenderSettleMode,
    Short,
    Source,
    Symbol,
    TerminusDurability,
    TerminusExpiryPolicy,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UnsupportedTypeError,
    UShort,
)
from amqpcodec._jsonform import composite_to_json, value_to_json
from amqpcodec._spec import TYPE_NAMES
from amqpcodec.message import (
    AMQPSequence,
    AMQPValue,
    ApplicationProperties,
    Data,
    DeliveryAnnotations,
    Footer,
    Header,
    Message,
    MessageAnnotations,
    Properties,
)
from tests.helpers.messages import W1

UTC = dt.timezone.utc
U = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")


def plain_json(value: Any) -> bool:
    """Whether ``value`` is built from exact JSON types only, with no NaN or infinity."""
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is list:
        return all(plain_json(item) for item in value)
    if type(value) is dict:
        return all(type(key) is str and plain_json(item) for key, item in value.items())
    return False


def t(type_name: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {"type": type_name, "value": value, **extra}


ULONG_112 = t("ulong", "112")

# (value, its exact JSON form)
CASES: list[tuple[Any, Any]] = [
    (None, t("null", None)),
    (True, t("boolean", True)),
    (False, t("boolean", False)),
    (UByte(255), t("ubyte", 255)),
    (UShort(65535), t("ushort", 65535)),
    (UInt(4294967295), t("uint", 4294967295)),
    (ULong(2**64 - 1), t("ulong", "18446744073709551615")),
    (ULong(0), t("ulong", "0")),
    (Byte(-128), t("byte", -128)),
    (Short(-32768), t("short", -32768)),
    (Int(-(2**31)), t("int", -2147483648)),
    (5, t("long", "5")),
    (-(2**63), t("long", "-9223372036854775808")),
    (Long(7), t("long", "7")),
    (2**63, t("ulong", "9223372036854775808")),
    (Float(1.5), t("float", 1.5)),
    (Float(0.1), t("float", 0.10000000149011612)),
    (Float(math.nan), t("float", "NaN")),
    (Float(math.inf), t("float", "Infinity")),
    (Float(-math.inf), t("float", "-Infinity")),
    (2.5, t("double", 2.5)),
    (-0.0, t("double", -0.0)),
    (math.nan, t("double", "NaN")),
    (-math.inf, t("double", "-Infinity")),
    (Decimal32("1.5"), t("decimal32", "1.5")),
    (Decimal64("-0"), t("decimal64", "-0")),
    (Decimal128("1.00"), t("decimal128", "1.00")),
    (Decimal128("sNaN"), t("decimal128", "sNaN")),
    (Decimal128("-Infinity"), t("decimal128", "-Infinity")),
    (Decimal128("1E+10"), t("decimal128", "1E+10")),
    (Decimal("0.50"), t("decimal128", "0.50")),
    (Char("é"), t("char", "é")),
    (Timestamp(1700000000123), t("timestamp", "1700000000123", iso="2023-11-14T22:13:20.123Z")),
    (Timestamp(-1), t("timestamp", "-1", iso="1969-12-31T23:59:59.999Z")),
    (Timestamp(2**63 - 1), t("timestamp", "9223372036854775807")),
    (
        dt.datetime(2023, 11, 14, 22, 13, 20, 123999, tzinfo=UTC),
        t("timestamp", "1700000000123", iso="2023-11-14T22:13:20.123Z"),
    ),
    (U, t("uuid", "00112233-4455-6677-8899-aabbccddeeff")),
    (b"\x00\xff", t("binary", "00ff")),
    (bytearray(b"\x01"), t("binary", "01")),
    (memoryview(b"\x02"), t("binary", "02")),
    (b"", t("binary", "")),
    ("text", t("string", "text")),
    (Symbol("sym"), t("symbol", "sym")),
    ([], t("list", [])),
    ([1, "a"], t("list", [t("long", "1"), t("string", "a")])),
    ((UInt(1),), t("list", [t("uint", 1)])),
    (
        {Symbol("k"): None, 1: True},
        t("map", [[t("symbol", "k"), t("null", None)], [t("long", "1"), t("boolean", True)]]),
    ),
    (Array("uint", [1, 2]), {"type": "array", "element_type": "uint", "value": [t("uint", 1), t("uint", 2)]}),
    (Array("string", []), {"type": "array", "element_type": "string", "value": []}),
    (
        Array("symbol", ["a"], descriptor=5),
        {
            "type": "array",
            "element_type": "symbol",
            "descriptor": t("ulong", "5"),
            "value": [t("symbol", "a")],
        },
    ),
    (
        Described(ULong(5), "x"),
        {"type": "described", "descriptor": t("ulong", "5"), "value": t("string", "x")},
    ),
    (
        Described(Symbol("com.example:d"), [None]),
        {
            "type": "described",
            "descriptor": t("symbol", "com.example:d"),
            "value": t("list", [t("null", None)]),
        },
    ),
    (Role.RECEIVER, t("boolean", True)),
    (SenderSettleMode.MIXED, t("ubyte", 2)),
    (TerminusExpiryPolicy.NEVER, t("symbol", "never")),
    (TerminusDurability.UNSETTLED_STATE, t("uint", 2)),
    (
        Header(durable=True, priority=4),
        {
            "type": "header",
            "descriptor": ULONG_112,
            "fields": {"durable": t("boolean", True), "priority": t("ubyte", 4)},
        },
    ),
    (Header(), {"type": "header", "descriptor": ULONG_112, "fields": {}}),
    (
        Data(b"\x01"),
        {"type": "described", "descriptor": t("ulong", "117"), "value": t("binary", "01")},
    ),
]


@pytest.mark.parametrize(("value", "expected"), CASES, ids=[repr(c[0])[:40] for c in CASES])
def test_value_to_json(value: Any, expected: Any) -> None:
    result = value_to_json(value)
    assert result == expected
    assert plain_json(json.loads(json.dumps(result)))
    assert json.loads(json.dumps(result)) == expected


def test_value_forms_are_exact_json_types() -> None:
    for value, _ in CASES:
        result = value_to_json(value)
        assert plain_json(result)
        assert json.dumps(result, allow_nan=False)


def test_every_amqp_type_has_a_case() -> None:
    covered = {value_to_json(value)["type"] for value, _ in CASES}
    assert set(TYPE_NAMES) | {"described"} <= covered


def test_negative_zero_double_keeps_its_sign() -> None:
    assert json.dumps(value_to_json(-0.0)) == '{"type": "double", "value": -0.0}'


def test_composites() -> None:
    attach = Attach(
        name="l",
        handle=0,
        role=Role.SENDER,
        snd_settle_mode=SenderSettleMode.SETTLED,
        source=Source(address="q", expiry_policy=TerminusExpiryPolicy.NEVER),
    )
    assert composite_to_json(attach) == {
        "type": "attach",
        "descriptor": t("ulong", "18"),
        "fields": {
            "name": t("string", "l"),
            "handle": t("uint", 0),
            "role": t("boolean", False),
            "snd_settle_mode": t("ubyte", 1),
            "source": {
                "type": "source",
                "descriptor": t("ulong", "40"),
                "fields": {"address": t("string", "q"), "expiry_policy": t("symbol", "never")},
            },
        },
    }
    rejected = Rejected(error=ErrorCondition(condition="amqp:not-found", info={"k": 1}))
    assert composite_to_json(rejected)["fields"]["error"] == {
        "type": "error",
        "descriptor": t("ulong", "29"),
        "fields": {
            "condition": t("symbol", "amqp:not-found"),
            "info": t("map", [[t("symbol", "k"), t("long", "1")]]),
        },
    }
    assert value_to_json(rejected) == composite_to_json(rejected)


@pytest.mark.parametrize(
    ("value", "cls", "path"),
    [
        (object(), UnsupportedTypeError, ""),
        ([1, object()], UnsupportedTypeError, "[1]"),
        ({"k": [object()]}, UnsupportedTypeError, "['k'][0]"),
        (Described(ULong(1), object()), UnsupportedTypeError, ".value"),
        (Described(object(), 1), UnsupportedTypeError, ".descriptor"),
        (2**64, EncodeError, ""),
        (-(2**63) - 1, EncodeError, ""),
        (dt.datetime(2024, 1, 1), EncodeError, ""),
        (Decimal("1E+9999"), EncodeError, ""),
        (Properties(to=object()), UnsupportedTypeError, ".to"),
        ([Properties(reply_to=[object()])], UnsupportedTypeError, "[0].reply_to[0]"),
    ],
)
def test_errors_have_paths(value: Any, cls: type[EncodeError], path: str) -> None:
    with pytest.raises(cls) as info:
        value_to_json(value)
    assert info.value.path == path


def test_self_containing_value_is_an_encode_error() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(EncodeError):
        value_to_json(loop)


def test_deep_values_convert() -> None:
    value: Any = None
    for _ in range(500):
        value = [value]
    result = value_to_json(value)
    for _ in range(500):
        assert result["type"] == "list"
        result = result["value"][0]
    assert result == t("null", None)


# --------------------------------------------------------------------------- messages


def test_section_forms() -> None:
    assert MessageAnnotations({"x": 1}).to_dict() == {
        "type": "message-annotations",
        "descriptor": t("ulong", "114"),
        "value": t("map", [[t("symbol", "x"), t("long", "1")]]),
    }
    assert DeliveryAnnotations().to_dict()["descriptor"] == t("ulong", "113")
    assert ApplicationProperties({"k": "v"}).to_dict() == {
        "type": "application-properties",
        "descriptor": t("ulong", "116"),
        "value": t("map", [[t("string", "k"), t("string", "v")]]),
    }
    assert Footer({1: b"\x01"}).to_dict()["value"] == t("map", [[t("ulong", "1"), t("binary", "01")]])
    assert Data(b"\xab").to_dict() == {
        "type": "data",
        "descriptor": t("ulong", "117"),
        "value": t("binary", "ab"),
    }
    assert AMQPSequence([1]).to_dict() == {
        "type": "amqp-sequence",
        "descriptor": t("ulong", "118"),
        "value": t("list", [t("long", "1")]),
    }
    assert AMQPValue(None).to_dict() == {
        "type": "amqp-value",
        "descriptor": t("ulong", "119"),
        "value": t("null", None),
    }


def test_message_form() -> None:
    message = Message(
        header=Header(durable=True),
        properties=Properties(message_id=7),
        body=[Data(b"a"), Data(b"b")],
        footer={"f": None},
    )
    assert message.to_dict() == {
        "header": {"type": "header", "descriptor": ULONG_112, "fields": {"durable": t("boolean", True)}},
        "properties": {
            "type": "properties",
            "descriptor": t("ulong", "115"),
            "fields": {"message_id": t("ulong", "7")},
        },
        "body": [
            {"type": "data", "descriptor": t("ulong", "117"), "value": t("binary", "61")},
            {"type": "data", "descriptor": t("ulong", "117"), "value": t("binary", "62")},
        ],
        "footer": {
            "type": "footer",
            "descriptor": t("ulong", "120"),
            "value": t("map", [[t("symbol", "f"), t("null", None)]]),
        },
    }
    assert Message().to_dict() == {}
    assert Message(body="x").to_dict() == {
        "body": {"type": "amqp-value", "descriptor": t("ulong", "119"), "value": t("string", "x")}
    }


@pytest.mark.parametrize(
    ("message", "path"),
    [
        (Message(application_properties={"k": object()}), "application_properties['k']"),
        (Message(message_annotations={"k": object()}), "message_annotations[Symbol('k')]"),
        (Message(properties=Properties(to=object())), "properties.to"),
        (Message(body=AMQPValue([object()])), "body.value[0]"),
        (Message(body=[AMQPSequence([]), AMQPSequence([object()])]), "body[1].value[0]"),
    ],
)
def test_message_form_errors_have_paths(message: Message, path: str) -> None:
    with pytest.raises(UnsupportedTypeError) as info:
        message.to_dict()
    assert info.value.path == path


def test_w1_form() -> None:
    form = Message.decode(W1, lazy=True).to_dict()
    assert plain_json(form)
    assert json.loads(json.dumps(form)) == form
    assert form == Message.decode(W1).to_dict()
    assert form["properties"]["fields"]["creation_time"] == t(
        "timestamp", "1700000000123", iso="2023-11-14T22:13:20.123Z"
    )
    assert form["application_properties"]["value"]["value"][4] == [t("string", "retries"), t("int", 3)]
    assert form["body"][0]["value"]["value"] == bytes(range(256)).hex()


try:
    from amqpcodec import strategies as _amqp_st
except ImportError:  # the strategies module is another issue's
    _amqp_st = None  # type: ignore[assignment]


@pytest.mark.skipif(_amqp_st is None, reason="amqpcodec.strategies is not there yet")
@given(st.data())
def test_any_value_has_a_plain_json_form(data: st.DataObject) -> None:
    value = data.draw(_amqp_st.values())
    result = value_to_json(value)
    assert plain_json(result)
    assert json.loads(json.dumps(result, allow_nan=False)) == result
