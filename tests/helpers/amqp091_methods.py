"""Shared helpers for the 0-9-1 method and property tests: the hand-written golden vectors
and hypothesis strategies that build method and content-header payloads as WIRE BYTES,
straight from the spec's layout (AMQP 0-9-1 §4.2.4, §4.2.5, §4.2.6.1), without our encoder.
"""

from __future__ import annotations

import ast
import struct
from typing import Any, NamedTuple

from hypothesis import strategies as st

from amqpcodec.amqp091._spec import BASIC_PROPERTIES, METHOD_SPECS
from amqpcodec.amqp091._specmodel import MethodSpec
from tests.helpers.paths import DATA

__all__ = [
    "GoldenVector",
    "GOLDEN_TABLE",
    "golden_vectors",
    "h",
    "wire_method_payloads",
    "wire_content_headers",
]

#: The table {"k": "v"} on the wire (size 8; key "k"; letter S; longstr "v").
GOLDEN_TABLE = {"k": "v"}


def h(text: str) -> bytes:
    """Bytes from spaced hex."""
    return bytes.fromhex("".join(text.split()))


class GoldenVector(NamedTuple):
    """One hand-written method payload and the constructor arguments it encodes."""

    name: str  # "basic.get-ok"
    label: str  # "all" or "defaults"
    args: dict[str, Any]
    payload: bytes


def golden_vectors() -> list[GoldenVector]:
    """The vectors of tests/data/amqp091/methods_golden.txt, in file order."""
    vectors: list[GoldenVector] = []
    header: list[str] = []
    fields: dict[str, str] = {}
    for raw in (DATA / "amqp091" / "methods_golden.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            header = line.strip("[]").split()
            fields = {}
            continue
        key, _, value = line.partition("=")
        fields[key.strip()] = value.strip()
        if "args" in fields and "hex" in fields:
            args = ast.literal_eval(fields["args"].replace("TABLE", repr(GOLDEN_TABLE)))
            vectors.append(GoldenVector(header[0], header[1], args, h(fields["hex"])))
            fields = {}
    return vectors


# -- wire payloads built from the layout -----------------------------------------------------

_WIDTHS = {"octet": 1, "short": 2, "long": 4, "longlong": 8, "timestamp": 8}
_EMPTY_TABLE = b"\x00\x00\x00\x00"


def _table_wire() -> st.SearchStrategy[bytes]:
    """Valid table bytes: a few fixed ones and the field-table strategies' wire tables."""
    from amqpcodec.amqp091.strategies import table_wire_bytes

    one = h("00000008 016b 53 00000001 76")  # {"k": "v"}
    return st.one_of(st.sampled_from([_EMPTY_TABLE, one]), table_wire_bytes(max_depth=1, max_entries=3))


def _shortstr_wire(utf8_only: bool) -> st.SearchStrategy[bytes]:
    text = st.text(max_size=30).map(lambda s: s.encode("utf-8")).filter(lambda b: len(b) <= 255)
    raw = text if utf8_only else st.one_of(text, st.binary(max_size=40))
    return raw.map(lambda b: bytes([len(b)]) + b)


def _longstr_wire() -> st.SearchStrategy[bytes]:
    return st.binary(max_size=40).map(lambda b: struct.pack(">I", len(b)) + b)


def _fixed_wire(kind: str) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=_WIDTHS[kind], max_size=_WIDTHS[kind])


def _arguments_wire(spec: MethodSpec) -> st.SearchStrategy[bytes]:
    parts: list[st.SearchStrategy[bytes]] = []
    bits = 0
    for field in (*spec.fields, None):
        if field is not None and field.type == "bit" and bits < 8:
            bits += 1
            continue
        if bits:  # close the octet: only the used low bits may be set (§4.2.5.2)
            parts.append(st.integers(0, (1 << bits) - 1).map(lambda n: bytes([n])))
            bits = 0
        if field is None:
            break
        if field.type == "bit":
            bits = 1
        elif field.type == "shortstr":
            parts.append(_shortstr_wire(utf8_only=True))
        elif field.type == "longstr":
            parts.append(_longstr_wire())
        elif field.type == "table":
            parts.append(_table_wire())
        else:
            parts.append(_fixed_wire(field.type))
    ids = struct.pack(">HH", spec.class_id, spec.method_id)
    return st.tuples(*parts).map(lambda chunks: ids + b"".join(chunks))


def wire_method_payloads() -> st.SearchStrategy[bytes]:
    """Valid method payloads of every method of the spec table, as bytes."""
    return st.sampled_from(METHOD_SPECS).flatmap(_arguments_wire)


def _property_wire(kind: str) -> st.SearchStrategy[bytes]:
    if kind == "shortstr":
        return _shortstr_wire(utf8_only=False)
    if kind == "table":
        return _table_wire()
    return _fixed_wire(kind)


def wire_content_headers() -> st.SearchStrategy[bytes]:
    """Valid class-60 content-header payloads (weight 0, one flag word, bits 1-0 clear)."""
    present = st.lists(st.booleans(), min_size=len(BASIC_PROPERTIES), max_size=len(BASIC_PROPERTIES))

    def build(flags: list[bool]) -> st.SearchStrategy[bytes]:
        word = sum(1 << prop.flag_bit for prop, on in zip(BASIC_PROPERTIES, flags) if on)
        parts = [_property_wire(prop.type) for prop, on in zip(BASIC_PROPERTIES, flags) if on]
        size = st.integers(0, 2**64 - 1)
        return st.tuples(size, *parts).map(
            lambda chunks: struct.pack(">HHQH", 60, 0, chunks[0], word) + b"".join(chunks[1:])
        )

    return present.flatmap(build)
