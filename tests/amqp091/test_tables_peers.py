"""Field tables against the Python 0-9-1 clients' table codecs: pika, pamqp (under aiormq and
aio-pika) and py-amqp (under kombu and celery).  AMQP 0-9-1 §4.2.5.5, RabbitMQ errata §3.

Both ways: each peer decodes what we write, and we decode what each peer writes, for values
all of them handle; and every table a peer writes, we decode and re-encode byte for byte.
Where a peer's reading departs from RabbitMQ's, a test below pins the peer's behaviour (so a
fix upstream shows up here) and checks ours against RabbitMQ's reading.

The peers are test-only dependencies (the ``interop`` extra): a missing one skips its tests
locally and fails them in CI (``CI`` set).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import struct
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from amqpcodec.amqp091.tables import decode_table, encode_table
from amqpcodec.amqp091.values import FieldValue, Timestamp
from amqpcodec.errors import DecodeError
from amqpcodec.testing import same_value
from amqpcodec.types import Byte, Float, Short

pytestmark = pytest.mark.interop

UTC = dt.timezone.utc


def _peer(module: str) -> ModuleType:
    if os.environ.get("CI"):  # CI installs the interop extra: a missing peer must fail there
        return importlib.import_module(module)
    return pytest.importorskip(module)


def pika_encode(table: dict[str, Any]) -> bytes:
    pieces: list[bytes] = []
    _peer("pika.data").encode_table(pieces, table)
    return b"".join(pieces)


def pika_decode(wire: bytes) -> Any:
    return _peer("pika.data").decode_table(wire, 0)[0]


def pamqp_encode(table: dict[str, Any]) -> bytes:
    return _peer("pamqp.encode").field_table(table)  # type: ignore[no-any-return]


def pamqp_decode(wire: bytes) -> Any:
    return _peer("pamqp.decode").field_table(wire)[1]


def pyamqp_encode(table: dict[str, Any]) -> bytes:
    return _peer("amqp.serialization").dumps("F", [table])  # type: ignore[no-any-return]


def pyamqp_decode(wire: bytes) -> Any:
    return _peer("amqp.serialization").loads("F", wire, 0)[0][0]


CODECS: dict[str, tuple[Callable[[dict[str, Any]], bytes], Callable[[bytes], Any]]] = {
    "pika": (pika_encode, pika_decode),
    "pamqp": (pamqp_encode, pamqp_decode),
    "py-amqp": (pyamqp_encode, pyamqp_decode),
}

#: Values every peer writes and reads the way RabbitMQ does.
COMMON: dict[str, Any] = {
    "text": "h\u00e9llo",
    "empty": "",
    "small": 5,
    "x-delay": -1000,
    "flag": True,
    "off": False,
    "none": None,
    "nested": {"a": "b", "n": {"deep": 1}},
    "list": [1, "x", [True]],
    "price": Decimal("1.5"),
}


@pytest.mark.parametrize("peer", CODECS)
def test_peer_reads_what_we_write(peer: str) -> None:
    _, decode = CODECS[peer]
    assert decode(encode_table(COMMON)) == COMMON


@pytest.mark.parametrize("peer", CODECS)
def test_we_read_what_the_peer_writes_and_keep_its_bytes(peer: str) -> None:
    encode, _ = CODECS[peer]
    wire = encode(COMMON)
    decoded = decode_table(wire)
    assert decoded == COMMON
    assert encode_table(decoded) == wire  # whatever letters and widths the peer chose


# --------------------------------------------------------------------------- pika


def test_pika_reads_floats_as_integers() -> None:
    # pika decodes 'd' and 'f' through int(): 0.1 arrives as 0, 1.5 as 1.
    wire = b"\x00\x00\x00\x0b\x01kd\x3f\xb9\x99\x99\x99\x99\x99\x9a"
    assert pika_decode(wire) == {"k": 0}
    assert pika_decode(b"\x00\x00\x00\x07\x01kf\x3f\xc0\x00\x00") == {"k": 1}
    assert decode_table(wire) == {"k": 0.1}
    assert same_value(decode_table(b"\x00\x00\x00\x07\x01kf\x3f\xc0\x00\x00"), {"k": Float(1.5)})


def test_pika_cannot_write_floats_or_wide_ints() -> None:
    with pytest.raises(Exception, match=r"0\.5"):
        pika_encode({"k": 0.5})
    with pytest.raises(struct.error):
        pika_encode({"k": 2**63 - 1 + 1})
    assert decode_table(encode_table({"k": 0.5})) == {"k": 0.5}


def test_pika_raises_inside_its_decoder_on_a_far_timestamp() -> None:
    # A timestamp past datetime's range makes pika's table decoder raise OverflowError, which
    # drops the whole frame; ours decodes it, and only .to_datetime() refuses.
    wire = b"\x00\x00\x00\x0b\x01kT\xff\xff\xff\xff\xff\xff\xff\xff"
    with pytest.raises(OverflowError):
        pika_decode(wire)
    assert decode_table(wire) == {"k": Timestamp(2**64 - 1)}


def test_pika_loses_a_decimals_scale() -> None:
    # pika normalises before writing: Decimal('1.00') goes out as scale 0, digits 1.
    assert pika_encode({"k": Decimal("1.00")}) == b"\x00\x00\x00\x08\x01kD\x00\x00\x00\x00\x01"
    assert encode_table({"k": Decimal("1.00")}) == b"\x00\x00\x00\x08\x01kD\x02\x00\x00\x00\x64"


def test_pika_accepts_lying_sizes_and_duplicate_keys() -> None:
    lying = b"\x00\x00\x00\x0b\x01kS\x00\x00\x00\x09ab"  # the string claims 9 bytes, 2 follow
    assert pika_decode(lying) == {"k": "ab"}
    with pytest.raises(DecodeError):
        decode_table(lying)
    twice = b"\x00\x00\x00\x06\x01aV\x01aV"
    assert pika_decode(twice) == {"a": None}
    with pytest.raises(DecodeError, match="duplicate"):
        decode_table(twice)
    with pytest.raises(struct.error):  # leaks struct.error where the input is short
        pika_decode(b"\x00\x00\x00\x03\x01kI")


# --------------------------------------------------------------------------- pamqp


def test_pamqp_writes_floats_as_float32() -> None:
    wire = pamqp_encode({"k": 0.1})
    assert wire[6:7] == b"f"
    assert decode_table(wire)["k"] != 0.1  # 0.10000000149...
    assert encode_table({"k": 0.1})[6:7] == b"d"


def test_pamqp_sorts_keys_and_narrows_widths() -> None:
    wire = pamqp_encode({"b": 1, "a": 300})
    assert wire == b"\x00\x00\x00\x09\x01as\x01\x2c\x01bb\x01"
    assert same_value(decode_table(wire), {"a": Short(300), "b": Byte(1)})
    assert list(decode_table(encode_table({"b": 1, "a": 300}))) == ["b", "a"]


def test_pamqp_reads_large_timestamps_as_milliseconds() -> None:
    # 1_700_000_000_000 seconds is year ~55,800; pamqp guesses milliseconds and divides.
    wire = b"\x00\x00\x00\x0b\x01kT\x00\x00\x01\x8b\xcf\xe5\x68\x00"
    assert pamqp_decode(wire) == {"k": dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)}
    assert decode_table(wire) == {"k": Timestamp(1_700_000_000_000)}


def test_pamqp_rejects_the_spec_letter_u() -> None:
    wire = b"\x00\x00\x00\x05\x01kU\x00\x05"
    with pytest.raises(ValueError, match="U"):
        pamqp_decode(wire)
    assert decode_table(wire) == {"k": FieldValue("U", 5)}


# --------------------------------------------------------------------------- py-amqp


def test_pyamqp_writes_bytes_as_a_long_string() -> None:
    wire = pyamqp_encode({"k": b"\xff"})
    assert wire == b"\x00\x00\x00\x08\x01kS\x00\x00\x00\x01\xff"
    assert decode_table(wire) == {"k": FieldValue("S", b"\xff")}  # kept, not mangled
    assert encode_table({"k": b"\xff"}) == b"\x00\x00\x00\x08\x01kx\x00\x00\x00\x01\xff"


def test_pyamqp_widens_to_the_spec_only_letter() -> None:
    # Integers past 32 bits go out as 'L' (spec only); RabbitMQ's letter is 'l'.
    wire = pyamqp_encode({"k": 2**40})
    assert wire[6:7] == b"L"
    assert decode_table(wire) == {"k": FieldValue("L", 2**40)}
    assert encode_table({"k": 2**40})[6:7] == b"l"


def test_pyamqp_loses_a_decimals_scale_when_reading() -> None:
    wire = b"\x00\x00\x00\x08\x01kD\x02\x00\x00\x00\x64"
    assert pyamqp_decode(wire)["k"].as_tuple() == Decimal("1").as_tuple()
    assert same_value(decode_table(wire), {"k": Decimal("1.00")})


def test_pyamqp_reads_timestamps_as_naive_datetimes() -> None:
    wire = b"\x00\x00\x00\x0b\x01kT\x00\x00\x00\x00\x65\x53\xf1\x00"
    assert pyamqp_decode(wire)["k"].tzinfo is None
    assert decode_table(wire)["k"].to_datetime().tzinfo is not None


def test_pyamqp_leaks_struct_error_on_lying_sizes() -> None:
    with pytest.raises(struct.error):
        pyamqp_decode(b"\x00\x00\x00\x03\x01kI")
    with pytest.raises(DecodeError):
        decode_table(b"\x00\x00\x00\x03\x01kI")
