"""``amqpcodec decode --encodings``: each AMQP 1.0 value's wire encoding.

The tracing reader is checked on golden bytes written by hand from Part 1 §1.6 (one of
each constructor family: fixed, zero-width, variable, compound, array, described), on
any bytes (a tree or an ``amqpcodec`` error) and beside the decoder (wherever the
decoder accepts bytes, the trace ends where it ends); the views on the example
captures, as snapshots (text and JSON, a frame and messages, 0-9-1's domains), under
whichever backend runs the tests (the child inherits ``AMQPCODEC_PUREPYTHON``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec import Open, decode_prefix, encode
from amqpcodec.cli.encodings import Traced, trace, trace_sequence
from amqpcodec.cli.encodings_view import traced_tree
from amqpcodec.cli.text_values import tree
from amqpcodec.errors import AMQPCodecError
from amqpcodec.strategies import values
from tests.helpers.cli import ROOT, check, check_snapshot, decode


def _names(traced: Traced) -> list[str]:
    """The encodings of a trace, depth first (descriptors before their values)."""
    found = [traced.name]
    if traced.descriptor is not None:
        found += _names(traced.descriptor)
    for item in traced.items:
        found += _names(item)
    return found


# --------------------------------------------------------------------------- golden bytes

GOLDEN = [
    # fixed width: smalluint 7 (§1.6.5), uint 0x70 four bytes, ieee-754 double
    ("5207", ["smalluint"], 2),
    ("7000000100", ["uint"], 5),
    ("824004000000000000", ["ieee-754"], 9),
    # zero width: uint0, boolean.true, null, list0
    ("43", ["uint0"], 1),
    ("41", ["boolean.true"], 1),
    ("40", ["null"], 1),
    ("45", ["list0"], 1),
    # variable width: str8-utf8 "hi", sym32 "a", vbin8 of two bytes
    ("a1026869", ["str8-utf8"], 4),
    ("b30000000161", ["sym32"], 6),
    ("a0020001", ["vbin8"], 4),
    # compound: list8 [smalluint 1, null]; list32 [true]; map8 {sym8 "k": smallint -1}
    ("c00402520140", ["list8", "smalluint", "null"], 6),
    ("d0000000050000000141", ["list32", "boolean.true"], 10),
    ("c10602a3016b54ff", ["map8", "sym8", "smallint"], 8),
    ("d10000000900000002a3016b54ff", ["map32", "sym8", "smallint"], 14),
    # array8 of two ubytes (one constructor 0x50 for both); array32 of one uint0
    ("e00402500708", ["array8", "ubyte", "ubyte"], 6),
    ("f0000000050000000143", ["array32", "uint0"], 10),
    # an array of described values: 0x00, descriptor smallulong 0x29, then sym8 elements
    ("e00701005329a3016b", ["array8", "smallulong", "sym8"], 9),
    # described: descriptor smallulong 0x10 (open), value list8 [str8 "c1"]
    ("005310c00501a1026331", ["described", "smallulong", "list8", "str8-utf8"], 10),
]


@pytest.mark.parametrize(("wire", "names", "end"), GOLDEN, ids=[g[1][0] for g in GOLDEN])
def test_golden_constructors(wire: str, names: list[str], end: int) -> None:
    data = bytes.fromhex(wire.replace(" ", ""))
    traced = trace(data)
    assert _names(traced) == names
    assert traced.end == end == len(data)
    assert traced.code == data[0]


def test_array_elements_share_one_constructor() -> None:
    """Part 1 §1.6.24: the elements have no constructor of their own; each one's offset is
    where its value starts."""
    traced = trace(bytes.fromhex("e00402500708"))
    assert [(item.code, item.offset, item.end) for item in traced.items] == [(0x50, 4, 5), (0x50, 5, 6)]
    assert traced.label == "array8 0xe0"


def test_sections_one_after_another() -> None:
    """A message's sections (Part 3 §3.2): properties (0x73, list8), then data (0x75, vbin8)."""
    data = bytes.fromhex("005373c00401a10161005375a0026869")
    header, body = trace_sequence(data)
    assert (header.offset, header.end, body.offset, body.end) == (0, 9, 9, 16)
    assert _names(body) == ["described", "smallulong", "vbin8"]


@pytest.mark.parametrize(
    ("wire", "offset"),
    [
        ("ff", 0),  # unknown constructor
        ("a105", 0),  # a str8 longer than the bytes
        ("c00502", 1),  # a list8 whose size runs past the end
        ("c0020241", 3),  # two items declared, one fits
        ("e0030250", 4),  # an array without room for its elements
        ("00", 1),  # a described value without its descriptor
    ],
)
def test_bad_bytes_are_amqpcodec_errors(wire: str, offset: int) -> None:
    with pytest.raises(AMQPCodecError) as caught:
        trace(bytes.fromhex(wire))
    assert caught.value.offset is not None
    assert caught.value.offset <= len(bytes.fromhex(wire))


def test_the_text_marks() -> None:
    """A composite shows its descriptor's and its list's encodings, then every field its
    list holds (the null ones too)."""
    body = bytes.fromhex("005310c00602a102633140")
    value = Open(container_id="c1")  # what the frame reader makes of ``body``
    assert traced_tree(value, trace(body), False) == [
        "open [described 0x00, descriptor smallulong 0x53, list8 0xc0]",
        '  container-id: string "c1" [str8-utf8 0xa1]',
        "  hostname: null [null 0x40]",
    ]


# --------------------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_give_a_trace_or_an_amqpcodec_error(data: bytes) -> None:
    try:
        traced = trace(data)
    except AMQPCodecError as error:
        assert error.offset is not None
        return
    assert 0 < traced.end <= len(data)


@settings(max_examples=150, deadline=None)
@given(values(), st.data())
def test_wire_bytes_trace_as_the_decoder_reads_them(value: Any, data: st.DataObject) -> None:
    """Encoded values, some with a byte changed: wherever the decoder accepts the bytes,
    the trace ends where the decoder does, and has the value's shape (a mark per line)."""
    wire = bytearray(encode(value))
    if data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(wire) - 1))
        wire[at] = data.draw(st.integers(0, 255))
    try:
        decoded, end = decode_prefix(bytes(wire))
    except AMQPCodecError:
        return
    traced = trace(bytes(wire))
    assert traced.end == end
    assert traced.code == wire[0]
    plain = tree(decoded, True)
    marked = traced_tree(decoded, traced, True)
    if not _has_composite(decoded):
        # Without its marks (a map key's mark stands before the colon), each line is the
        # plain view's line.
        assert [_MARK.sub("", line) for line in marked] == plain


#: One encoding mark as encodings_view writes it: `` [name 0xNN]`` or a described value's
#: ``[described 0x00, descriptor smallulong 0x53, ...]``.
_MARK = re.compile(
    r" \[(?:described 0x00|[a-z0-9-]+ 0x[0-9a-f]{2})(?:, (?:descriptor )?[a-z0-9-]+ 0x[0-9a-f]{2})*\]"
)


def _has_composite(value: Any) -> bool:
    from amqpcodec._composite import Composite
    from amqpcodec.types import Array, Described

    if isinstance(value, Composite):
        return True
    if isinstance(value, Described):
        return _has_composite(value.descriptor) or _has_composite(value.value)
    if isinstance(value, Array):
        return any(_has_composite(item) for item in value.items)
    if isinstance(value, list):
        return any(_has_composite(item) for item in value)
    if isinstance(value, dict):
        return any(_has_composite(k) or _has_composite(v) for k, v in value.items())
    return False


# --------------------------------------------------------------------------- the command


def test_session_text_with_encodings() -> None:
    """A frame's fields and each message's sections with their encodings."""
    run = decode("--encodings", "--performative", "open,transfer", "examples/session.bin", cwd=ROOT)
    check_snapshot(run, "test_cli_encodings/session_text.txt")


def test_session_json_with_encodings() -> None:
    run = decode("--encodings", "--json", "--performative", "open,transfer", "examples/session.bin", cwd=ROOT)
    check_snapshot(run, "test_cli_encodings/session_json.jsonl")
    # the encodings are added, nothing else changes
    plain = decode("--json", "--performative", "open,transfer", "examples/session.bin", cwd=ROOT)
    lines = [_without_encodings(json.loads(line)) for line in run.stdout.splitlines()]
    assert lines == [json.loads(line) for line in plain.stdout.splitlines()]


def _without_encodings(form: Any) -> Any:
    if isinstance(form, dict):
        return {
            key: _without_encodings(item)
            for key, item in form.items()
            if key not in ("encoding", "descriptor_encoding")
        }
    if isinstance(form, list):
        return [_without_encodings(item) for item in form]
    return form


def test_amqp091_method_domains() -> None:
    run = decode(
        "--encodings", "--performative", "queue.declare,basic.ack", "examples/amqp091-session.bin", cwd=ROOT
    )
    check_snapshot(run, "test_cli_encodings/amqp091_text.txt")
    run = decode(
        "--encodings", "--json", "--performative", "basic.ack", "examples/amqp091-session.bin", cwd=ROOT
    )
    check_snapshot(run, "test_cli_encodings/amqp091_json.jsonl")


def test_values_with_encodings() -> None:
    check_snapshot(
        decode("--encodings", "--values", "examples/values.bin", cwd=ROOT), "test_cli_encodings/values.txt"
    )


def test_plain_json_has_no_encodings() -> None:
    run = decode("--encodings", "--plain-json", "examples/session.bin", cwd=ROOT)
    check(
        run,
        "",
        2,
        "amqpcodec: error: --encodings shows what --json's typed values were written with; "
        "--plain-json has no types\n",
    )
