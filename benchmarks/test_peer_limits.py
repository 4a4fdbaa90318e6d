"""Each reason in ``adapters.CANNOT`` that is about a peer's behaviour, shown to hold.

The report prints these reasons where a peer is not timed; if a new release of the
peer lifts a limit, its test here fails and the peer can join that group.
"""

from __future__ import annotations

from typing import Any

import pytest

from amqpcodec import Symbol
from amqpcodec.message import Message

from .adapters import rbfly_value
from .payloads import W1_APPLICATION_PROPERTIES, W1_BODY, map_message, mixed_map_100_plain


def test_rbfly_encoder_drops_header_properties_and_annotations(peer: Any) -> None:
    rbfly = peer("rbfly")
    header = rbfly.AMQPHeader([True, None, 60000])
    properties = rbfly.AMQPProperties(["msg-0001"])
    annotations = {rbfly_value(Symbol("x-opt-key")): 1}
    app = rbfly_value(dict(W1_APPLICATION_PROPERTIES))
    ctx = rbfly.MessageCtx(W1_BODY, header, None, annotations, properties, app, None)
    buffer = bytearray(4096)
    decoded = Message.decode(bytes(buffer[: rbfly.encode_amqp(buffer, ctx)]))
    assert decoded.header is None and decoded.properties is None and decoded.message_annotations is None
    assert decoded.application_properties is not None and decoded.body is not None


def test_proton_truncates_a_30000_entry_map_silently(peer: Any) -> None:
    proton = peer("proton")
    message = proton.Message()
    message.decode(map_message(30_000))
    assert len(message.body) == 21_140


def test_azure_refuses_a_100000_entry_map(peer: Any) -> None:
    peer("azure-pyamqp")
    from azure.servicebus._pyamqp._decode import decode_payload

    with pytest.raises(ValueError, match="exceeds maximum 65536"):
        decode_payload(memoryview(map_message(100_000)))


def test_pika_tables_have_no_float(peer: Any) -> None:
    data = peer("pika")
    with pytest.raises(Exception) as raised:
        data.encode_table([], mixed_map_100_plain())
    assert "float" in repr(raised.value)
