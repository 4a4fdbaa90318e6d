"""The spec table itself, checked against codes written out by hand from the spec.

The tables in ``_spec.py`` are the one source every layer reads, so a typo there would
be a typo everywhere; these literals (Part 1 §1.6, Part 2 §2.7-2.8, Part 3 §3.2-3.5,
Part 4 §4.5, Part 5 §5.3.3, and the descriptor list of docs: types) are the independent check.
"""

from __future__ import annotations

import dataclasses

import pytest

import amqpcodec
from amqpcodec._composite import REGISTRY, Composite
from amqpcodec._spec import COMPOSITES, DESCRIPTOR_BY_CODE, ENCODING_BY_CODE, TYPE_NAMES, Code

CONSTRUCTORS = {
    0x40: "null", 0x56: "boolean", 0x41: "boolean", 0x42: "boolean", 0x50: "ubyte", 0x60: "ushort",
    0x70: "uint", 0x52: "uint", 0x43: "uint", 0x80: "ulong", 0x53: "ulong", 0x44: "ulong", 0x51: "byte",
    0x61: "short", 0x71: "int", 0x54: "int", 0x81: "long", 0x55: "long", 0x72: "float", 0x82: "double",
    0x74: "decimal32", 0x84: "decimal64", 0x94: "decimal128", 0x73: "char", 0x83: "timestamp",
    0x98: "uuid", 0xA0: "binary", 0xB0: "binary", 0xA1: "string", 0xB1: "string", 0xA3: "symbol",
    0xB3: "symbol", 0x45: "list", 0xC0: "list", 0xD0: "list", 0xC1: "map", 0xD1: "map", 0xE0: "array",
    0xF0: "array",
}  # fmt: skip

DESCRIPTORS = {
    0x10: "open", 0x11: "begin", 0x12: "attach", 0x13: "flow", 0x14: "transfer", 0x15: "disposition",
    0x16: "detach", 0x17: "end", 0x18: "close", 0x1D: "error", 0x23: "received", 0x24: "accepted",
    0x25: "rejected", 0x26: "released", 0x27: "modified", 0x28: "source", 0x29: "target",
    0x2B: "delete-on-close", 0x2C: "delete-on-no-links", 0x2D: "delete-on-no-messages",
    0x2E: "delete-on-no-links-or-messages", 0x30: "coordinator", 0x31: "declare", 0x32: "discharge",
    0x33: "declared", 0x34: "transactional-state", 0x40: "sasl-mechanisms", 0x41: "sasl-init",
    0x42: "sasl-challenge", 0x43: "sasl-response", 0x44: "sasl-outcome", 0x70: "header",
    0x71: "delivery-annotations", 0x72: "message-annotations", 0x73: "properties",
    0x74: "application-properties", 0x75: "data", 0x76: "amqp-sequence", 0x77: "amqp-value", 0x78: "footer",
}  # fmt: skip

MAP_SECTIONS = {"delivery-annotations", "message-annotations", "application-properties", "footer"}


def test_constructor_table_matches_the_spec() -> None:
    assert {code: e.type_name for code, e in ENCODING_BY_CODE.items()} == CONSTRUCTORS
    assert {int(c) for c in Code} == set(CONSTRUCTORS) | {0x00}
    assert len(TYPE_NAMES) == 24


def test_descriptor_table_matches_the_spec() -> None:
    assert {code: d.name for code, d in DESCRIPTOR_BY_CODE.items()} == DESCRIPTORS
    for code, entry in DESCRIPTOR_BY_CODE.items():
        suffix = {"data": "binary", "amqp-value": "*"}.get(
            entry.name, "map" if entry.name in MAP_SECTIONS else "list"
        )
        assert entry.symbol == f"amqp:{entry.name}:{suffix}", hex(code)


# Field counts per composite, counted by hand from the spec's field tables.
FIELD_COUNTS = {
    "open": 10, "begin": 8, "attach": 14, "flow": 11, "transfer": 11, "disposition": 6, "detach": 3,
    "end": 1, "close": 1, "error": 3, "received": 2, "accepted": 0, "rejected": 1, "released": 0,
    "modified": 3, "source": 11, "target": 7, "delete-on-close": 0, "delete-on-no-links": 0,
    "delete-on-no-messages": 0, "delete-on-no-links-or-messages": 0, "coordinator": 1, "declare": 1,
    "discharge": 2, "declared": 1, "transactional-state": 2, "sasl-mechanisms": 1, "sasl-init": 3,
    "sasl-challenge": 1, "sasl-response": 1, "sasl-outcome": 2, "header": 5, "properties": 13,
}  # fmt: skip


def test_composite_field_counts() -> None:
    assert {name: len(spec.fields) for name, spec in COMPOSITES.items()} == FIELD_COUNTS


@pytest.mark.parametrize("name", sorted(set(COMPOSITES) - {"header", "properties"}))
def test_every_list_composite_has_a_registered_class(name: str) -> None:
    spec = COMPOSITES[name]
    cls = REGISTRY[amqpcodec.ULong(spec.code)]
    assert REGISTRY[amqpcodec.Symbol(spec.symbol)] is cls
    assert issubclass(cls, Composite) and cls.SPEC is spec
    assert tuple(f.name for f in dataclasses.fields(cls)) == tuple(
        f.name.replace("-", "_") for f in spec.fields
    )
    assert cls.__name__ in amqpcodec.__all__
