"""The 0-9-1 value types (amqp091.Timestamp, FieldValue), the JSON form of table values, and
``testing.same_value`` on them (AMQP 0-9-1 §4.2.5.4 timestamps, §4.2.5.5 field tables)."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from decimal import Decimal
from typing import Any

import pytest

from amqpcodec import types as t10
from amqpcodec.amqp091._tables_json import table_to_json, value_to_json
from amqpcodec.amqp091.values import FieldValue, Timestamp
from amqpcodec.errors import EncodeError, UnsupportedTypeError
from amqpcodec.testing import same_value
from amqpcodec.types import Float

UTC = dt.timezone.utc


def test_timestamp() -> None:
    stamp = Timestamp(1700000000)
    assert stamp == 1700000000 and isinstance(stamp, int)
    assert repr(stamp) == "amqp091.Timestamp(1700000000)" and str(stamp) == "1700000000"
    assert stamp.to_datetime() == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert stamp.to_datetime().tzinfo is not None
    assert pickle.loads(pickle.dumps(stamp)) == stamp and type(pickle.loads(pickle.dumps(stamp))) is Timestamp
    assert Timestamp(2**64 - 1) == 2**64 - 1
    with pytest.raises(OverflowError):
        Timestamp(2**64 - 1).to_datetime()
    for bad in (-1, 2**64):
        with pytest.raises(EncodeError):
            Timestamp(bad)
    for wrong in (1.0, "1", True):
        with pytest.raises(UnsupportedTypeError):
            Timestamp(wrong)  # type: ignore[arg-type]


def test_timestamp_from_datetime() -> None:
    moment = dt.datetime(2023, 11, 14, 22, 13, 20, 999999, tzinfo=UTC)
    assert Timestamp.from_datetime(moment) == 1700000000
    assert type(Timestamp.from_datetime(moment)) is Timestamp
    with pytest.raises(EncodeError, match="naive"):
        Timestamp.from_datetime(dt.datetime(2020, 1, 1))
    with pytest.raises(EncodeError, match="unsigned"):
        Timestamp.from_datetime(dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    assert Timestamp.from_datetime(dt.datetime(1970, 1, 1, tzinfo=UTC)) == 0


def test_field_value_basics() -> None:
    value = FieldValue("U", 5)
    assert (value.letter, value.value) == ("U", 5)
    assert value == FieldValue("U", 5) and value != FieldValue("s", 5) and value != 5
    assert FieldValue("S", b"a") != FieldValue("S", "a")
    assert hash(value) == hash(FieldValue("U", 5))
    assert repr(value) == "FieldValue('U', 5)"
    assert pickle.loads(pickle.dumps(value)) == value
    with pytest.raises(AttributeError):
        value.value = 6  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(FieldValue("A", [1]))


@pytest.mark.parametrize(
    ("letter", "value", "error"),
    [
        ("U", 2**15, EncodeError),
        ("L", 2**63, EncodeError),
        ("t", 256, EncodeError),
        ("B", -1, EncodeError),
        ("T", -1, EncodeError),
        ("U", 1.0, UnsupportedTypeError),
        ("f", 1e300, EncodeError),
        ("f", "1", UnsupportedTypeError),
        ("D", Decimal("1E-256"), EncodeError),
        ("D", 1, UnsupportedTypeError),
        ("S", 1, UnsupportedTypeError),
        ("x", "text", UnsupportedTypeError),
        ("A", {1}, UnsupportedTypeError),
        ("F", [], UnsupportedTypeError),
        ("V", 0, UnsupportedTypeError),
        ("Z", 0, EncodeError),
        ("", 0, EncodeError),
    ],
)
def test_field_value_checks_its_value(letter: str, value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        FieldValue(letter, value)


def test_field_value_normalises() -> None:
    assert type(FieldValue("f", 0.1).value) is Float
    assert type(FieldValue("x", bytearray(b"a")).value) is bytes
    assert type(FieldValue("L", t10.Long(3)).value) is int


def test_same_value_on_091_types() -> None:
    nan = float("nan")
    assert same_value(FieldValue("d", nan), FieldValue("d", nan))
    assert not same_value(FieldValue("d", 0.0), FieldValue("d", -0.0))
    assert not same_value(FieldValue("U", 1), FieldValue("L", 1))
    assert not same_value(Timestamp(1), 1)
    assert not same_value(Timestamp(1), t10.Timestamp(1))
    assert not same_value(Decimal("1.0"), Decimal("1.00"))
    assert not same_value(Float(1.0), 1.0)
    assert not same_value(t10.Short(1), t10.UShort(1))


def test_json_form() -> None:
    table = {
        "l": -1,
        "L": FieldValue("L", 2**63 - 1),
        "t": True,
        "t2": FieldValue("t", 7),
        "b": t10.Byte(-1),
        "f": Float(float("inf")),
        "d": float("nan"),
        "D": Decimal("1.00"),
        "S": "text",
        "S2": FieldValue("S", b"\xff"),
        "x": b"\x00\xff",
        "T": Timestamp(1700000000),
        "T2": Timestamp(2**64 - 1),
        "A": (1, None),
        "F": {"a": dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)},
    }
    form = dict(table_to_json(table))
    assert form["l"] == {"type": "l", "value": "-1"}
    assert form["L"] == {"type": "L", "value": str(2**63 - 1)}
    assert form["t"] == {"type": "t", "value": True}
    assert form["t2"] == {"type": "t", "value": 7}
    assert form["b"] == {"type": "b", "value": -1}
    assert form["f"] == {"type": "f", "value": "Infinity"}
    assert form["d"] == {"type": "d", "value": "NaN"}
    assert form["D"] == {"type": "D", "value": "1.00"}
    assert form["S"] == {"type": "S", "value": "text"}
    assert form["S2"] == {"type": "S", "value": "\ufffd", "utf8": False, "hex": "ff"}
    assert form["x"] == {"type": "x", "value": "00ff"}
    assert form["T"] == {"type": "T", "value": "1700000000", "iso": "2023-11-14T22:13:20Z"}
    assert form["T2"] == {"type": "T", "value": str(2**64 - 1)}
    assert form["A"] == {"type": "A", "value": [{"type": "l", "value": "1"}, {"type": "V", "value": None}]}
    assert form["F"] == {
        "type": "F",
        "value": [["a", {"type": "T", "value": "1700000000", "iso": "2023-11-14T22:13:20Z"}]],
    }
    json.dumps(form, allow_nan=False)
    assert value_to_json(FieldValue("U", 3)) == {"type": "U", "value": 3}
    with pytest.raises(UnsupportedTypeError) as caught:
        table_to_json({"a": [t10.Symbol("s")]})
    assert caught.value.path == "['a'][0]"
