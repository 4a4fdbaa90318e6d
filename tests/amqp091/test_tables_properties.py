"""Field tables, round-trip properties (AMQP 0-9-1 §4.2.5.5): values of the decoded types
come back as the same types, and every table the decoder accepts re-encodes to its bytes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given

from amqpcodec.amqp091._tables_json import table_to_json
from amqpcodec.amqp091.strategies import field_tables, table_wire_bytes
from amqpcodec.amqp091.tables import decode_table, encode_table
from amqpcodec.testing import same_value


@given(field_tables())
def test_values_round_trip_with_their_types(table: dict[str, Any]) -> None:
    assert same_value(decode_table(encode_table(table)), table)


@given(table_wire_bytes())
def test_accepted_wire_bytes_re_encode_unchanged(wire: bytes) -> None:
    decoded = decode_table(wire)
    assert encode_table(decoded) == wire
    assert same_value(decode_table(bytearray(wire)), decoded)


@given(table_wire_bytes(max_depth=1))
def test_json_form_needs_no_default(wire: bytes) -> None:
    form = table_to_json(decode_table(wire))
    assert json.loads(json.dumps(form, allow_nan=False)) == form
