"""Values that changed or broke when a message crossed two 0-9-1 client libraries.

The spec and RabbitMQ's errata give some type letters different meanings (errata §3), and
user reports against clients are mostly values written by one library and read by another
with the other meaning: ``x-delay: -1000`` read back as 2**64 - 1000 (``l`` taken as
unsigned), ``128`` read as a short string (``s`` taken as the spec's short string), ``-1``
read as 255 (``b`` taken as unsigned).  Each test reads bytes written by hand from the
errata's table (the reading RabbitMQ and every current client share) on both backends, and
writes the value back to the same bytes (the suite runs once per backend).
"""

from __future__ import annotations

import pytest

from amqpcodec.amqp091 import decode_table, encode_table
from amqpcodec.testing import same_value
from amqpcodec.types import Byte, Short, UByte

from ..helpers.amqp091_tables import entry, table

CROSSINGS = [
    pytest.param(
        table(entry(b"x-delay", b"l" + bytes.fromhex("fffffffffffffc18"))),
        {"x-delay": -1000},
        id="l-is-signed-not-2**64-1000",
    ),
    pytest.param(
        table(entry(b"n", b"s" + bytes.fromhex("0080"))), {"n": Short(128)}, id="s-is-int16-not-a-string"
    ),
    pytest.param(table(entry(b"n", b"b" + bytes.fromhex("ff"))), {"n": Byte(-1)}, id="b-is-signed-not-255"),
    pytest.param(table(entry(b"n", b"B" + bytes.fromhex("ff"))), {"n": UByte(255)}, id="B-is-unsigned"),
]


@pytest.mark.parametrize(("data", "expected"), CROSSINGS)
def test_errata_reading_and_same_bytes_back(data: bytes, expected: dict[str, object]) -> None:
    found = decode_table(data)
    assert same_value(found, expected)
    assert encode_table(found) == data


def test_a_plain_negative_int_is_written_signed() -> None:
    """What a user writes as ``-1000`` goes out as ``l`` and comes back as ``-1000``."""
    data = encode_table({"x-delay": -1000})
    assert data == table(entry(b"x-delay", b"l" + bytes.fromhex("fffffffffffffc18")))
    assert decode_table(data) == {"x-delay": -1000}
