"""``amqpcodec decode --plain-json``: the events with plain JSON values, for jq.

Maps with distinct string keys become objects, integers numbers while a double holds
them exactly (2**53), timestamps their ISO 8601 text, binaries hex, composites their
fields; other maps stay ``[key, value]`` pairs.  The lossless form (``--json``) is the
input of :func:`~amqpcodec.cli.render_plain.plain`, so each case here is a value's JSON
form, as :mod:`amqpcodec._jsonform` and the 0-9-1 ``to_dict()`` write it.
"""

from __future__ import annotations

import io
import json

import pytest

from amqpcodec._jsonform import value_to_json
from amqpcodec.amqp091._tables_json import table_to_json
from amqpcodec.cli import build_parser, run
from amqpcodec.cli.render_plain import EXACT_INTEGER, plain
from amqpcodec.types import Symbol, Timestamp, ULong
from tests.helpers.cli import ROOT


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"tenant": "acme", "n": 1}, {"tenant": "acme", "n": 1}),
        ({Symbol("x-opt"): ULong(7)}, {"x-opt": 7}),
        ({1: "a"}, [[1, "a"]]),
        (ULong(EXACT_INTEGER), EXACT_INTEGER),
        (ULong(EXACT_INTEGER + 1), str(EXACT_INTEGER + 1)),
        (b"\x00\xff", "00ff"),
        (Timestamp(1709296215250), "2024-03-01T12:30:15.250Z"),
        ([1, "two", None], [1, "two", None]),
    ],
)
def test_plain_amqp10(value: object, expected: object) -> None:
    assert plain(value_to_json(value)) == expected


def test_plain_field_table() -> None:
    """A 0-9-1 table (0-9-1 §4.2.5.5): as an object, nested tables and arrays too."""
    table = {"tenant": "acme", "retries": 0, "tags": ["a", 2], "trace": {"hop": 1}, "raw": b"\x01"}
    assert plain(table_to_json(table)) == {
        "tenant": "acme",
        "retries": 0,
        "tags": ["a", 2],
        "trace": {"hop": 1},
        "raw": "01",
    }


def test_plain_json_command() -> None:
    out = io.StringIO()
    args = build_parser().parse_args(["decode", "--plain-json", str(ROOT / "examples/session.bin")])
    assert run(args, out) == 0
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    first = next(event for event in events if event["event"] == "message")
    assert first["message"]["application_properties"] == {"tenant": "acme", "retries": 0, "express": True}
    assert first["message"]["properties"]["creation_time"] == "2024-03-01T12:30:15.250Z"
    assert events[-1]["event"] == "summary"
