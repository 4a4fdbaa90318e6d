"""AMQP 0-9-1, RabbitMQ's protocol: field tables, methods, content and frames.

Its names are not re-exported from :mod:`amqpcodec` (both protocols have a
``FrameReader``): import them from here.
"""

from __future__ import annotations

from . import methods as _methods
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
from .methods import *  # noqa: F403
from .payloads import ContentHeader, decode_content_header, decode_method
from .properties import BasicProperties
from .tables import decode_table, encode_table
from .values import FieldValue, Timestamp

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
    *_methods.__all__,
]
