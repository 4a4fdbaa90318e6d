"""The AMQP 0-9-1 method and content-header payload codecs on both backends (§4.2.4,
§4.2.6.1): the pure reference (``amqp091.payloads``) and its compiled hot paths
(``read_method091``, ``read_content_header091``, ``method_payload091``,
``content_header_payload091``) give the same values and bytes, or the same error (class,
message, ``offset``, ``reply_code``, ``class_id``, ``method_id``, ``path``), for the
hand-written golden vectors, generated methods and properties, generated wire payloads,
and those payloads truncated and mutated.  Skipped when the compiled backend is not built.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec.amqp091 import methods as m
from amqpcodec.amqp091._method_strategies import basic_properties, methods
from amqpcodec.amqp091._specmodel import REQUIRED
from amqpcodec.amqp091.methods import Method
from amqpcodec.amqp091.payloads import (
    content_header_payload,
    decode_content_header,
    decode_method,
    method_payload,
    read_content_header,
    read_method,
)
from amqpcodec.amqp091.properties import BasicProperties
from amqpcodec.amqp091.values import Timestamp
from amqpcodec.limits import DEFAULT_LIMITS, Limits
from amqpcodec.testing import same_value
from tests.helpers.amqp091_backends import BACKENDS, both
from tests.helpers.amqp091_methods import golden_vectors, wire_content_headers, wire_method_payloads

pytestmark = pytest.mark.skipif(len(BACKENDS) < 2, reason="the compiled backend is not built")

TIGHT = Limits(max_depth=2, max_container_items=3, max_map_entries=2)


def decode_both(payload: Any, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, ...]:
    return both(functools.partial(decode_method, payload, limits=limits))


def header_both(payload: Any, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, ...]:
    return both(functools.partial(decode_content_header, payload, limits=limits))


def mutations(wire: bytes, data: st.DataObject) -> list[Any]:
    """``wire`` cut short, with bytes inserted, with one byte changed, in each buffer type."""
    cut = data.draw(st.integers(0, len(wire)))
    extra = data.draw(st.binary(max_size=3))
    changed = bytearray(wire[:cut] + extra + wire[cut:])
    if changed and data.draw(st.booleans()):
        changed[data.draw(st.integers(0, len(changed) - 1))] = data.draw(st.integers(0, 255))
    flipped = bytearray(wire)
    if flipped:
        at = data.draw(st.integers(0, len(flipped) - 1))
        flipped[at] ^= 1 << data.draw(st.integers(0, 7))
    return [wire[:cut], bytes(changed), memoryview(bytes(changed)), bytearray(flipped), wire + extra]


# --------------------------------------------------------------------------- golden


@pytest.mark.parametrize("vector", golden_vectors(), ids=lambda v: f"{v.name}-{v.label}")
def test_golden_vectors_decode_and_encode_alike(vector: Any) -> None:
    found = decode_both(vector.payload)
    assert found[0] == "value"
    assert both(lambda: method_payload(found[1])) == ("value", vector.payload)
    for cut in (0, 3, len(vector.payload) - 1):
        decode_both(vector.payload[:cut])
    decode_both(vector.payload + b"\x00")


# --------------------------------------------------------------------------- generated


@settings(max_examples=150)
@given(methods())
def test_generated_methods_encode_and_decode_alike(method: Method) -> None:
    payload = both(lambda: method_payload(method))
    assert payload[0] == "value"
    assert decode_both(payload[1]) == ("value", method)


@settings(max_examples=150)
@given(wire_method_payloads(), st.data())
def test_wire_method_payloads_and_their_mutations_decode_alike(wire: bytes, data: st.DataObject) -> None:
    found = decode_both(wire)
    assert found[0] == "value"
    assert both(lambda: method_payload(found[1])) == ("value", wire)
    for candidate in mutations(wire, data):
        decode_both(candidate)
        decode_both(candidate, TIGHT)


@settings(max_examples=150)
@given(basic_properties(), st.integers(0, 2**64 - 1), st.sampled_from([60, 0, 65535]))
def test_generated_properties_encode_and_decode_alike(
    properties: BasicProperties, body_size: int, class_id: int
) -> None:
    payload = both(lambda: content_header_payload(properties, body_size, class_id))
    assert payload[0] == "value"
    found = header_both(payload[1])
    # same_value: a NaN in the headers (a Float or a float) equals itself
    assert found[0] == "value" and same_value(found[1].properties, properties)


@settings(max_examples=150)
@given(wire_content_headers(), st.data())
def test_wire_content_headers_and_their_mutations_decode_alike(wire: bytes, data: st.DataObject) -> None:
    found = header_both(wire)
    assert found[0] == "value"
    header = found[1]
    assert both(
        lambda: content_header_payload(header.properties, header.body_size, header.class_id, header.weight)
    ) == ("value", wire)
    for candidate in mutations(wire, data):
        header_both(candidate)
        header_both(candidate, TIGHT)


@settings(max_examples=100)
@given(st.binary(max_size=40), st.sampled_from([b"", b"\x00\x3c\x00\x3c", b"\x00\x0a\x00\x0a", b"\x00\x3c"]))
def test_any_bytes_decode_alike(tail: bytes, prefix: bytes) -> None:
    decode_both(prefix + tail)
    header_both(prefix + tail)


def test_offsets_inside_a_larger_buffer_are_the_same() -> None:
    wire = method_payload(m.BasicDeliver(consumer_tag="c", delivery_tag=7, exchange="x", routing_key="r"))
    buffer = bytearray(b"\xff" * 5 + wire + b"\xee" * 3)
    both(lambda: read_method(buffer, 5, 5 + len(wire), DEFAULT_LIMITS))
    both(lambda: read_method(buffer, 5, 5 + len(wire) + 1, DEFAULT_LIMITS))
    both(lambda: read_method(buffer, 5, 5 + len(wire) - 1, DEFAULT_LIMITS))
    header = content_header_payload(BasicProperties(content_type="t", timestamp=Timestamp(5)), 9)
    buffer = bytearray(b"\xff" * 2 + header + b"\xee")
    assert both(lambda: read_content_header(buffer, 2, 2 + len(header), DEFAULT_LIMITS))[0] == "value"
    both(lambda: read_content_header(buffer, 2, 3 + len(header), DEFAULT_LIMITS))


# --------------------------------------------------------------------------- hand-picked faults


@pytest.mark.parametrize(
    "payload",
    [
        "",  # nothing
        "003c",  # class id only
        "ffff 0001",  # unknown class
        "003c 00ff",  # unknown method of a known class
        "003c 003c 04 6374 6167",  # basic.deliver: consumer tag short
        "003c 003c 01 ff 0000000000000001 00 00 00",  # a consumer tag that is not UTF-8
        "003c 003c 00 0000000000000001 02 00 00",  # redelivered octet with a spare bit set
        "003c 003c 00 0000000000000001 00 00 00 00",  # a byte after the last argument
        "0032 000a 0000 00 00 3e 00000002 0000",  # queue.declare: arguments table size past the end
        "0032 000a 0000 00 00 00 00000003 016b 58",  # a table entry with an unknown letter
        "000a 000b 00000000 05 504c41494e 00000003 6162",  # start-ok: longstr short
    ],
)
def test_hand_picked_method_faults_are_the_same(payload: str) -> None:
    assert decode_both(bytes.fromhex(payload.replace(" ", "")))[0] != "value"


@pytest.mark.parametrize(
    "payload",
    [
        "003c 0000 0000000000000000",  # 12 bytes
        "003c 0000 0000000000000000 0001",  # continuation bit
        "003c 0000 0000000000000000 0002",  # spare bit 1
        "003c 0000 0000000000000000 8000 05 6162",  # content type short
        "003c 0000 0000000000000000 0000 00",  # a byte after the flags
        "003c 0000 0000000000000000 0040",  # timestamp missing
        "003c 0000 0000000000000000 1000",  # delivery mode missing
        "003c 0000 0000000000000000 2000 00000005 0000",  # headers short
    ],
)
def test_hand_picked_header_faults_are_the_same(payload: str) -> None:
    assert header_both(bytes.fromhex(payload.replace(" ", "")))[0] != "value"


def test_a_property_that_is_not_utf8_is_bytes_on_both() -> None:
    wire = bytes.fromhex("003c 0000 0000000000000001 8000 02 ff fe".replace(" ", ""))
    found = header_both(wire)
    assert found[1].properties.content_type == b"\xff\xfe"


# --------------------------------------------------------------------------- encoder refusals


_PLAIN: dict[str, Any] = {"shortstr": "", "longstr": b"", "table": {}, "bit": False}


def _unchecked(cls: type[Method], **changes: Any) -> Method:
    """An instance holding values its constructor would refuse (what a careless subclass
    or pickle could make): both encoders must treat it alike."""
    values = [
        changes.get(field.name, _PLAIN.get(field.type, 0) if field.default is REQUIRED else field.default)
        for field in cls.FIELDS
    ]
    return cls._unchecked(values)


@pytest.mark.parametrize(
    "method",
    [
        _unchecked(m.BasicPublish, routing_key="x" * 300),
        _unchecked(m.BasicPublish, routing_key=b"bytes"),
        _unchecked(m.BasicPublish, routing_key="\udc80"),
        _unchecked(m.BasicPublish, mandatory=1),
        _unchecked(m.BasicAck, delivery_tag=2**64),
        _unchecked(m.BasicAck, delivery_tag=-1),
        _unchecked(m.BasicAck, delivery_tag=True),
        _unchecked(m.BasicQos, prefetch_count=2**16),
        _unchecked(m.QueueDeclare, queue="q", arguments=MappingProxyType({"a": 1})),
        _unchecked(m.QueueDeclare, queue="q", arguments={"a": object()}),
        _unchecked(m.QueueDeclare, queue="q", arguments=[]),
        _unchecked(m.ConnectionStartOk, client_properties={}, response=bytearray(b"r")),
        _unchecked(m.ConnectionStartOk, client_properties={}, response="text"),
    ],
    ids=repr,
)
def test_methods_outside_the_usual_form_encode_alike(method: Method) -> None:
    both(lambda: method_payload(method))


class _NotAMethod(m.BasicAck):
    __slots__ = ()


@pytest.mark.parametrize(
    "arguments",
    [
        (None, 0, 60, 0),
        (BasicProperties(), 2**64, 60, 0),
        (BasicProperties(), -1, 60, 0),
        (BasicProperties(), 1, 2**16, 0),
        (BasicProperties(), 1, True, 0),
        (BasicProperties(), 1, 60, 7),
        (BasicProperties(), 1, 60, 2**16),
        (BasicProperties(), 1.0, 60, 0),
        ((None,) * 14, 1, 60, 0),
        (BasicProperties._unchecked([None, None, {"k": object()}, *[None] * 11]), 1, 60, 0),
        (BasicProperties._unchecked(["x" * 256, *[None] * 13]), 1, 60, 0),
        (BasicProperties._unchecked([None, None, None, 256, *[None] * 10]), 1, 60, 0),
        (BasicProperties._unchecked([*[None] * 9, 2**64, *[None] * 4]), 1, 60, 0),
        (BasicProperties._unchecked([*[None] * 9, 5, *[None] * 4]), 1, 60, 0),
        (BasicProperties(headers=MappingProxyType({"a": 1})), 1, 60, 0),
    ],
    ids=repr,
)
def test_headers_outside_the_usual_form_encode_alike(arguments: tuple[Any, ...]) -> None:
    properties, body_size, class_id, weight = arguments
    both(lambda: content_header_payload(properties, body_size, class_id, weight))


def test_a_subclass_of_a_method_class_encodes_alike() -> None:
    both(lambda: method_payload(_NotAMethod(delivery_tag=1)))


def test_tables_past_the_default_limits_are_refused_alike() -> None:
    entries = DEFAULT_LIMITS.max_map_entries
    for count in (entries, entries + 1):
        table = {f"k{index}": index for index in range(count)}
        method = m.QueueDeclare(queue="q", arguments=table)
        properties = BasicProperties(content_type="ab", headers=table)
        both(functools.partial(method_payload, method))
        both(functools.partial(content_header_payload, properties, 1))
