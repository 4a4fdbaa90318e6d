"""The CLI's JSON Lines output: one object per event, for a program.

Strategy: each event is one JSON object on one line (docs: cli, the JSON event kinds): ``event``,
``connection``, ``direction``, ``offset``, then per kind: ``channel``,
``performative`` (``null`` for a heartbeat or an unknown body), ``fields`` (the
composite's ``fields`` in the JSON form) for frames; the delivery and ``message``
(``Message.to_dict()``) for messages; ``error``, ``condition``, ``message`` for
errors; ``to``, ``skipped``, ``reason`` for resyncs.  The events of an AMQP 0-9-1
stream add ``"protocol": "0-9-1"`` after ``offset`` (and a frame its ``method``, a
message its method's name; errors their ``reply_code``), their payloads in the 0-9-1
objects' ``to_dict()`` forms.  An event of a capture also has
``time`` (ISO 8601, UTC) and ``packet`` (``packets`` too when several packets
carried it) after ``offset``, and ``connection`` and ``connection-end``
objects report its connections.  Output is ASCII (``json.dumps`` escapes the rest);
keys come in a fixed order, so equal events give equal lines.
"""

from __future__ import annotations

import json
from typing import Any

from .._composite import Composite
from .._jsonform import composite_to_json, value_to_json
from ..amqp091 import BodyFrame, HeaderFrame, MethodFrame
from ..errors import AMQPCodecError
from ..performatives import SaslBody
from .encodings import trace, trace_sequence
from .encodings_view import traced_json, traced_message_json
from .events import (
    AMQP091,
    ConnectionEndEvent,
    ConnectionEvent,
    ErrorEvent,
    Event,
    Frame091Event,
    FrameEvent,
    GapEvent,
    HeaderEvent,
    Message091Event,
    MessageEvent,
    Stamped,
)
from .render_plain import plain as plain_form
from .text_values import capture_time

__all__ = ["json_event", "json_line", "json_stamped"]


def _performative_json(performative: Any) -> dict[str, Any]:
    if isinstance(performative, Composite):
        return {"performative": performative.SPEC.name, "fields": composite_to_json(performative)["fields"]}
    if performative is None:
        return {"performative": None, "fields": {}}
    return {"performative": None, "fields": {}, "body": value_to_json(performative)}


def json_event(event: Event, connection: int, *, encodings: bool = False) -> dict[str, Any]:
    """The JSON object of one event (module docstring); ``encodings``: with each value's
    encoding (``--encodings``, :mod:`amqpcodec.cli.encodings_view`)."""
    head: dict[str, Any] = {"connection": connection, "direction": event.direction, "offset": event.offset}
    if isinstance(event, FrameEvent):
        return (
            _with_frame_encodings(_frame_json(event, head), event) if encodings else _frame_json(event, head)
        )
    if isinstance(event, MessageEvent):
        return (
            _with_message_encodings(_message_json(event, head), event)
            if encodings
            else _message_json(event, head)
        )
    if isinstance(event, Frame091Event):
        result = _frame_091_json(event, head)
        if encodings and type(event.frame) is MethodFrame:
            result = _with_domains(result, event.frame)
        return result
    if isinstance(event, Message091Event):
        return _message_091_json(event, head)
    if isinstance(event, HeaderEvent):
        return _header_json(event, head)
    if isinstance(event, ErrorEvent):
        return _error_json(event, head)
    if isinstance(event, GapEvent):
        return _gap_json(event, head)
    result = {"event": "resync", **head}
    if event.protocol is not None:
        result["protocol"] = event.protocol
    return {**result, "to": event.to, "skipped": event.skipped, "reason": event.reason}


def _frame_json(event: FrameEvent, head: dict[str, Any]) -> dict[str, Any]:
    result = {
        "event": "frame",
        **head,
        "channel": event.channel,
        **_performative_json(event.performative),
    }
    result["frame_type"] = "sasl" if event.frame_type == SaslBody.FRAME_TYPE else "amqp"
    result["size"] = event.size
    result["payload_size"] = event.payload_size
    if event.note:
        result["note"] = event.note
    if event.peer_error is not None:
        result["peer_error"] = event.peer_error.to_json()
    return result


def _message_json(event: MessageEvent, head: dict[str, Any]) -> dict[str, Any]:
    delivery = event.delivery
    result = {
        "event": "message",
        **head,
        "channel": delivery.channel,
        "handle": int(delivery.handle),
        "delivery_id": int(delivery.delivery_id),
        "delivery_tag": bytes(delivery.delivery_tag).hex(),
        "message_format": int(delivery.message_format),
        "settled": bool(delivery.settled),
    }
    if delivery.state is not None:
        state = delivery.state
        result["state"] = composite_to_json(state) if isinstance(state, Composite) else value_to_json(state)
    result["frames"] = event.frames
    result["size"] = len(delivery.payload)
    result["message"] = None if event.message is None else event.message.to_dict()
    return result


def _insert_after(result: dict[str, Any], after: str, extra: dict[str, Any]) -> dict[str, Any]:
    """``result`` with the members of ``extra`` right after its member ``after``."""
    merged: dict[str, Any] = {}
    for key, value in result.items():
        merged[key] = value
        if key == after:
            merged.update(extra)
    return merged


def _with_frame_encodings(result: dict[str, Any], event: FrameEvent) -> dict[str, Any]:
    """``--encodings``: the fields' values with their encodings, and after them
    ``encoding`` (the fields' list's) and ``descriptor_encoding``."""
    performative = event.performative
    if event.body is None or not isinstance(performative, Composite):
        return result
    try:
        traced = trace(event.body)
    except AMQPCodecError:
        return result
    form = traced_json(performative, composite_to_json(performative), traced)
    result["fields"] = form["fields"]
    extra = {"encoding": form.get("encoding"), "descriptor_encoding": form["descriptor"].get("encoding")}
    return _insert_after(result, "fields", extra)


def _with_message_encodings(result: dict[str, Any], event: MessageEvent) -> dict[str, Any]:
    """``--encodings``: each value of the message's sections with its encoding."""
    if event.message is None or result.get("message") is None:
        return result
    try:
        traces = trace_sequence(event.delivery.payload)
    except AMQPCodecError:
        return result
    result["message"] = traced_message_json(event.message, result["message"], traces)
    return result


def _with_domains(result: dict[str, Any], frame: MethodFrame) -> dict[str, Any]:
    """``--encodings`` for a 0-9-1 method: ``domains``, each argument's spec domain (its
    wire encoding, 0-9-1 §4.2.5), after ``fields``."""
    domains = {field.name: field.type for field in frame.method.FIELDS}
    return _insert_after(result, "fields", {"domains": domains})


def _header_json(event: HeaderEvent, head: dict[str, Any]) -> dict[str, Any]:
    result = {"event": "header", **head, "protocol": event.protocol}
    if event.version is not None:
        result["version"] = event.version
    result["supported"] = event.supported
    if event.skipped is not None:
        result["skipped"] = event.skipped
    if event.note:
        result["note"] = event.note
    return result


def _error_json(event: ErrorEvent, head: dict[str, Any]) -> dict[str, Any]:
    result = {"event": "error", **head}
    if event.protocol is not None:
        result["protocol"] = event.protocol
    result.update(error=event.error, condition=event.condition, message=event.message)
    if event.frame_offset is not None:
        result["frame_offset"] = event.frame_offset
    if event.reply_code is not None:
        result["reply_code"] = event.reply_code
    return result


#: The JSON ``frame_type`` of each AMQP 0-9-1 frame class (0-9-1 §4.2.3).
_FRAME_TYPES_091 = {MethodFrame: "method", HeaderFrame: "header", BodyFrame: "body"}


def _frame_091_json(event: Frame091Event, head: dict[str, Any]) -> dict[str, Any]:
    """An AMQP 0-9-1 frame: a method's ``method`` name, ids and ``fields``
    (``Method.to_dict()``); a content header's class, weight, body size and
    ``properties`` (``BasicProperties.to_dict()``); a body's size only (its bytes are in
    the ``message`` event)."""
    frame = event.frame
    result: dict[str, Any] = {
        "event": "frame",
        **head,
        "protocol": AMQP091,
        "channel": event.channel,
        "frame_type": _FRAME_TYPES_091.get(type(frame), "heartbeat"),
    }
    if type(frame) is MethodFrame:
        method = frame.method.to_dict()
        result.update(
            method=method["type"],
            class_id=method["class_id"],
            method_id=method["method_id"],
            fields=method["fields"],
        )
    elif type(frame) is HeaderFrame:
        header = frame.to_dict()
        for key in ("class_id", "weight", "body_size", "properties"):
            result[key] = header[key]
    result["size"] = event.size
    result["payload_size"] = event.payload_size
    if event.note:
        result["note"] = event.note
    if event.peer_error is not None:
        result["peer_error"] = event.peer_error.to_json()
    return result


def _message_091_json(event: Message091Event, head: dict[str, Any]) -> dict[str, Any]:
    """An assembled AMQP 0-9-1 content: ``method`` (its name), ``frames``, ``size`` (the
    body's bytes) and ``message``, ``Message.to_dict()`` (method, properties, body in hex)."""
    message = event.message
    return {
        "event": "message",
        **head,
        "protocol": AMQP091,
        "channel": message.channel,
        "method": message.method.NAME,
        "frames": event.frames,
        "size": len(message.body),
        "message": message.to_dict(),
    }


def _gap_json(event: GapEvent, head: dict[str, Any]) -> dict[str, Any]:
    result = {"event": "gap", **head, "size": event.size, "reason": event.reason}
    if event.lost_from is not None:
        result["lost_from"] = event.lost_from
    return result


def json_line(event: Event, connection: int, *, plain: bool = False, encodings: bool = False) -> str:
    """One line of JSON Lines: the event's object, ASCII; its values in plain JSON
    (:func:`~amqpcodec.cli.render_plain.plain`) when ``plain``; with their encodings
    when ``encodings``."""
    result = json_event(event, connection, encodings=encodings)
    return json.dumps(plain_form(result) if plain else result, separators=(", ", ": "))


def _packets_json(item: Stamped) -> dict[str, Any]:
    """``packet``: the number of the packet that carried the event's first byte (as
    tshark numbers them; null when not known), and ``packets``, the first and the last,
    when several carried it."""
    packets = item.packets
    if packets is None:
        return {"packet": None}
    if packets.last is None or packets.last == packets.first:
        return {"packet": packets.first}
    return {"packet": packets.first, "packets": [packets.first, packets.last]}


def json_stamped(item: Stamped, *, plain: bool = False, encodings: bool = False) -> str:
    """One line of JSON Lines for an event of a capture: ``time`` (ISO 8601, UTC, or
    null) follows ``offset``; ``connection`` and ``connection-end`` events report a
    connection's endpoints and its end.  ``plain``: values in plain JSON, as
    :func:`json_line`; ``encodings``: values with their encodings."""
    time = capture_time(item.time, item.digits, date=True) if item.time is not None else None
    event = item.event
    result: dict[str, Any]
    if isinstance(event, ConnectionEvent):
        result = {
            "event": "connection",
            "connection": item.connection,
            "time": time,
            **_packets_json(item),
            "client": event.client,
            "server": event.server,
            "found": event.found,
            "handshake": event.handshake,
            "first_packet": None
            if event.start is None
            else capture_time(event.start, item.digits, date=True),
        }
    elif isinstance(event, ConnectionEndEvent):
        result = {
            "event": "connection-end",
            "connection": item.connection,
            "time": time,
            **_packets_json(item),
            "reason": event.reason,
            "c2s_bytes": event.c2s,
            "s2c_bytes": event.s2c,
        }
    else:
        result = {}
        for key, value in json_event(event, item.connection, encodings=encodings).items():
            result[key] = value
            if key == "offset":
                result["time"] = time
                result.update(_packets_json(item))
        if plain:
            result = plain_form(result)
    return json.dumps(result, separators=(", ", ": "))
