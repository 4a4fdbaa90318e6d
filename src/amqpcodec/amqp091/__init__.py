"""AMQP 0-9-1, RabbitMQ's protocol: field tables, methods, content and frames.

Its names are not re-exported from :mod:`amqpcodec` (both protocols have a
``FrameReader``): import them from here.
"""

from __future__ import annotations

from . import methods as _methods
from .assembler import ContentAssembler, Message
from .constants import (
    FRAME_BODY,
    FRAME_END,
    FRAME_HEADER,
    FRAME_HEARTBEAT,
    FRAME_METHOD,
    FRAME_MIN_SIZE,
    PROTOCOL_HEADER,
    DeliveryMode,
    ExchangeType,
    ReplyCode,
)
from .frames import NEED_DATA, BodyFrame, Event, HeaderFrame, HeartbeatFrame, MethodFrame, ProtocolHeader
from .methods import *  # noqa: F403
from .payloads import ContentHeader, decode_content_header, decode_method
from .properties import BasicProperties
from .reader import FrameReader
from .resync import find_frame_boundary
from .tables import decode_table, encode_table
from .values import FieldValue, Timestamp
from .writer import (
    encode_body,
    encode_content_header,
    encode_frame,
    encode_heartbeat,
    encode_message,
    encode_method,
)

__all__ = [
    "FRAME_BODY",
    "FRAME_END",
    "FRAME_HEADER",
    "FRAME_HEARTBEAT",
    "FRAME_METHOD",
    "FRAME_MIN_SIZE",
    "PROTOCOL_HEADER",
    "DeliveryMode",
    "ExchangeType",
    "ReplyCode",
    "BasicProperties",
    "ContentHeader",
    "decode_content_header",
    "decode_method",
    "FieldValue",
    "Timestamp",
    "decode_table",
    "encode_table",
    "NEED_DATA",
    "Event",
    "ProtocolHeader",
    "MethodFrame",
    "HeaderFrame",
    "BodyFrame",
    "HeartbeatFrame",
    "FrameReader",
    "ContentAssembler",
    "Message",
    "encode_method",
    "encode_content_header",
    "encode_body",
    "encode_heartbeat",
    "encode_frame",
    "encode_message",
    "find_frame_boundary",
    *_methods.__all__,
]
