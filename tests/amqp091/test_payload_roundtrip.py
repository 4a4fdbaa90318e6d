"""Round trips of method and content-header payloads (AMQP 0-9-1 §4.2.4, §4.2.6.1):
``decode(encode(v)) == v`` for generated methods and properties, and ``encode(decode(b)) == b``
for generated WIRE payloads, built from the spec's layout rather than by our encoder."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec.amqp091._method_strategies import basic_properties, methods
from amqpcodec.amqp091.methods import Method
from amqpcodec.amqp091.payloads import (
    content_header_payload,
    decode_content_header,
    decode_method,
    method_payload,
)
from amqpcodec.amqp091.properties import BasicProperties
from tests.helpers.amqp091_methods import wire_content_headers, wire_method_payloads


@settings(max_examples=200)
@given(methods())
def test_method_round_trip(method: Method) -> None:
    assert decode_method(method_payload(method)) == method


@settings(max_examples=200)
@given(wire_method_payloads())
def test_wire_method_payloads_re_encode_identically(payload: bytes) -> None:
    assert method_payload(decode_method(payload)) == payload


@settings(max_examples=150)
@given(basic_properties())
def test_properties_round_trip(properties: BasicProperties) -> None:
    header = decode_content_header(content_header_payload(properties, 42))
    assert (header.class_id, header.weight, header.body_size) == (60, 0, 42)
    assert header.properties == properties


@settings(max_examples=150)
@given(wire_content_headers())
def test_wire_content_headers_re_encode_identically(payload: bytes) -> None:
    header = decode_content_header(payload)
    assert content_header_payload(header.properties, header.body_size, header.class_id) == payload


@settings(max_examples=150)
@given(wire_method_payloads())
def test_every_truncation_is_a_decode_error(payload: bytes) -> None:
    from amqpcodec.errors import DecodeError, IncompleteError

    for cut in range(len(payload)):
        try:
            decode_method(payload[:cut])
        except DecodeError as error:
            assert not isinstance(error, IncompleteError)
            assert error.offset is not None and 0 <= error.offset <= cut
        else:
            raise AssertionError(f"prefix {cut} of {payload.hex()} decoded")


@settings(max_examples=200)
@given(
    st.sampled_from([b"\x00\x3c\x00\x3c", b"\x00\x0a\x00\x0a", b"\x00\x32\x00\x0a", b""]),
    st.binary(max_size=40),
)
def test_any_bytes_give_a_value_or_a_decode_error(prefix: bytes, tail: bytes) -> None:
    from amqpcodec.errors import DecodeError

    for decode in (decode_method, decode_content_header):
        try:
            decode(prefix + tail)
        except DecodeError as error:
            assert error.offset is not None
