"""AMQP 0-9-1, RabbitMQ's protocol: field tables, methods, content and frames.

Its names are not re-exported from :mod:`amqpcodec` (both protocols have a
``FrameReader``): import them from here.
"""

from __future__ import annotations

from .tables import decode_table, encode_table
from .values import FieldValue, Timestamp

__all__ = ["FieldValue", "Timestamp", "decode_table", "encode_table"]
