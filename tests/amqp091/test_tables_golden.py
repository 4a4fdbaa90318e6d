"""Field tables against hand-written bytes, one vector per type letter (AMQP 0-9-1 §4.2.5.5,
RabbitMQ errata §3 "Field types"): each decodes to the listed value and type, and that value
encodes back to the very bytes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from amqpcodec.amqp091.tables import decode_table, encode_table
from amqpcodec.amqp091.values import FieldValue, Timestamp
from amqpcodec.testing import same_value
from amqpcodec.types import Byte, Float, Int, Long, Short, UByte, UInt, UShort

# (table bytes, decoded value); each table holds one entry under key "k" (b"\x01k").
VECTORS: list[tuple[str, bytes, Any]] = [
    ("t true", b"\x00\x00\x00\x04\x01kt\x01", True),
    ("t false", b"\x00\x00\x00\x04\x01kt\x00", False),
    ("t other octet", b"\x00\x00\x00\x04\x01kt\x02", FieldValue("t", 2)),
    ("b int8", b"\x00\x00\x00\x04\x01kb\xff", Byte(-1)),
    ("B uint8", b"\x00\x00\x00\x04\x01kB\xff", UByte(255)),
    ("U int16 (spec only)", b"\x00\x00\x00\x05\x01kU\xff\xfe", FieldValue("U", -2)),
    ("s int16 (errata)", b"\x00\x00\x00\x05\x01ks\x80\x00", Short(-32768)),
    ("s 128 is a number", b"\x00\x00\x00\x05\x01ks\x00\x80", Short(128)),
    ("u uint16", b"\x00\x00\x00\x05\x01ku\xff\xff", UShort(65535)),
    ("I int32", b"\x00\x00\x00\x07\x01kI\xff\xff\xff\xfe", Int(-2)),
    ("i uint32", b"\x00\x00\x00\x07\x01ki\xff\xff\xff\xff", UInt(4294967295)),
    ("L int64 (spec only)", b"\x00\x00\x00\x0b\x01kL\xff\xff\xff\xff\xff\xff\xff\xff", FieldValue("L", -1)),
    ("l signed int64", b"\x00\x00\x00\x0b\x01kl\xff\xff\xff\xff\xff\xff\xfc\x18", -1000),
    ("l max", b"\x00\x00\x00\x0b\x01kl\x7f\xff\xff\xff\xff\xff\xff\xff", 2**63 - 1),
    ("f float32", b"\x00\x00\x00\x07\x01kf\x3f\xc0\x00\x00", Float(1.5)),
    ("d float64", b"\x00\x00\x00\x0b\x01kd\x3f\xb9\x99\x99\x99\x99\x99\x9a", 0.1),
    ("d -0.0", b"\x00\x00\x00\x0b\x01kd\x80\x00\x00\x00\x00\x00\x00\x00", -0.0),
    ("D keeps its scale", b"\x00\x00\x00\x08\x01kD\x02\x00\x00\x00\x64", Decimal("1.00")),
    ("D negative", b"\x00\x00\x00\x08\x01kD\x01\xff\xff\xff\xf6", Decimal("-1.0")),
    ("D scale 0", b"\x00\x00\x00\x08\x01kD\x00\x00\x00\x00\x07", Decimal("7")),
    ("S UTF-8", b"\x00\x00\x00\x0a\x01kS\x00\x00\x00\x03h\xc3\xa9", "h\u00e9"),
    ("S empty", b"\x00\x00\x00\x07\x01kS\x00\x00\x00\x00", ""),
    ("S not UTF-8", b"\x00\x00\x00\x08\x01kS\x00\x00\x00\x01\xff", FieldValue("S", b"\xff")),
    ("x bytes", b"\x00\x00\x00\x09\x01kx\x00\x00\x00\x02\x00\xff", b"\x00\xff"),
    ("A sized in bytes", b"\x00\x00\x00\x0c\x01kA\x00\x00\x00\x05t\x01b\x05V", [True, Byte(5), None]),
    ("A empty", b"\x00\x00\x00\x07\x01kA\x00\x00\x00\x00", []),
    ("T seconds", b"\x00\x00\x00\x0b\x01kT\x00\x00\x00\x00\x65\x53\xf1\x00", Timestamp(1700000000)),
    ("T max", b"\x00\x00\x00\x0b\x01kT\xff\xff\xff\xff\xff\xff\xff\xff", Timestamp(2**64 - 1)),
    ("F nested", b"\x00\x00\x00\x0b\x01kF\x00\x00\x00\x04\x01at\x01", {"a": True}),
    ("V void", b"\x00\x00\x00\x03\x01kV", None),
]


@pytest.mark.parametrize(("wire", "value"), [v[1:] for v in VECTORS], ids=[v[0] for v in VECTORS])
def test_letter_decodes_and_encodes(wire: bytes, value: Any) -> None:
    decoded = decode_table(wire)
    assert same_value(decoded, {"k": value})
    assert encode_table({"k": value}) == wire
    assert encode_table(decoded) == wire


def test_float32_nan_payload_is_kept() -> None:
    wire = b"\x00\x00\x00\x07\x01kf\x7f\x80\x00\x01"  # a signalling NaN
    decoded = decode_table(wire)
    assert type(decoded["k"]) is Float
    assert encode_table(decoded) == wire


def test_empty_table_and_key_order() -> None:
    assert decode_table(b"\x00\x00\x00\x00") == {}
    assert encode_table({}) == b"\x00\x00\x00\x00"
    decoded = decode_table(b"\x00\x00\x00\x06\x01bV\x01aV")
    assert list(decoded) == ["b", "a"]
    assert encode_table(decoded) == b"\x00\x00\x00\x06\x01bV\x01aV"


def test_empty_and_long_keys() -> None:
    assert decode_table(b"\x00\x00\x00\x02\x00V") == {"": None}
    key = "\u00e9" * 127  # 254 bytes of UTF-8
    wire = b"\x00\x00\x01\x00\xfe" + key.encode() + b"V"
    assert decode_table(wire) == {key: None}
    assert encode_table({key: None}) == wire


PLAIN: list[tuple[str, Any, bytes]] = [
    ("int as l", 1, b"\x00\x00\x00\x0b\x01kl\x00\x00\x00\x00\x00\x00\x00\x01"),
    ("negative int as l", -1, b"\x00\x00\x00\x0b\x01kl\xff\xff\xff\xff\xff\xff\xff\xff"),
    ("Long as l", Long(5), b"\x00\x00\x00\x0b\x01kl\x00\x00\x00\x00\x00\x00\x00\x05"),
    ("float as d", 1.5, b"\x00\x00\x00\x0b\x01kd\x3f\xf8\x00\x00\x00\x00\x00\x00"),
    ("str as S", "ab", b"\x00\x00\x00\x09\x01kS\x00\x00\x00\x02ab"),
    ("bytearray as x", bytearray(b"\x01"), b"\x00\x00\x00\x08\x01kx\x00\x00\x00\x01\x01"),
    ("memoryview as x", memoryview(b"\x01"), b"\x00\x00\x00\x08\x01kx\x00\x00\x00\x01\x01"),
    ("tuple as A", (True,), b"\x00\x00\x00\x09\x01kA\x00\x00\x00\x02t\x01"),
    (
        "aware datetime as T, floored",
        dt.datetime(2023, 11, 14, 22, 13, 20, 999999, tzinfo=dt.timezone.utc),
        b"\x00\x00\x00\x0b\x01kT\x00\x00\x00\x00\x65\x53\xf1\x00",
    ),
    (
        "datetime in another zone",
        dt.datetime(2023, 11, 15, 0, 13, 20, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        b"\x00\x00\x00\x0b\x01kT\x00\x00\x00\x00\x65\x53\xf1\x00",
    ),
    ("positive exponent folded", Decimal("1E+2"), b"\x00\x00\x00\x08\x01kD\x00\x00\x00\x00\x64"),
    ("FieldValue S from str", FieldValue("S", "a"), b"\x00\x00\x00\x08\x01kS\x00\x00\x00\x01a"),
    ("FieldValue b", FieldValue("b", -1), b"\x00\x00\x00\x04\x01kb\xff"),
    ("FieldValue V", FieldValue("V", None), b"\x00\x00\x00\x03\x01kV"),
    ("FieldValue F", FieldValue("F", {}), b"\x00\x00\x00\x07\x01kF\x00\x00\x00\x00"),
]


@pytest.mark.parametrize(("value", "wire"), [p[1:] for p in PLAIN], ids=[p[0] for p in PLAIN])
def test_plain_values_encode_with_rabbitmq_safe_letters(value: Any, wire: bytes) -> None:
    assert encode_table({"k": value}) == wire


def test_mapping_other_than_dict() -> None:
    from collections import OrderedDict
    from types import MappingProxyType

    wire = b"\x00\x00\x00\x0b\x01kF\x00\x00\x00\x04\x01at\x01"
    assert encode_table(MappingProxyType({"k": OrderedDict(a=True)})) == wire
