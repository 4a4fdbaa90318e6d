"""AMQP 0-9-1 constants: frame types, frame end, minimum frame size, reply codes and the
values the spec text names but the spec table lacks (exchange types, delivery modes).

The numbers come from the generated spec table (``_spec``); only ``ExchangeType`` and
``DeliveryMode`` are written here, from the spec text.
"""

from __future__ import annotations

import enum

from ._spec import (
    FRAME_BODY,
    FRAME_END,
    FRAME_HEADER,
    FRAME_HEARTBEAT,
    FRAME_METHOD,
    FRAME_MIN_SIZE,
    VERSION,
    ReplyCode,
)

__all__ = [
    "FRAME_METHOD",
    "FRAME_HEADER",
    "FRAME_BODY",
    "FRAME_HEARTBEAT",
    "FRAME_END",
    "FRAME_MIN_SIZE",
    "ReplyCode",
    "ExchangeType",
    "DeliveryMode",
    "PROTOCOL_HEADER",
]

#: The protocol header a client opens with, AMQP 0-9-1 §4.2.2: "AMQP", 0, then the version.
PROTOCOL_HEADER = b"AMQP\x00" + bytes(VERSION)


class ExchangeType(str, enum.Enum):
    """The exchange types every broker provides (AMQP 0-9-1 §3.1.3, exchange types).

    A ``str`` enum that works on Python 3.10 (``enum.StrEnum`` is 3.11+): members are the
    strings ``exchange.declare``'s ``type`` takes, and format as them.
    """

    DIRECT = "direct"
    FANOUT = "fanout"
    TOPIC = "topic"
    HEADERS = "headers"

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, format_spec: str) -> str:
        return str.__format__(str.__str__(self), format_spec)


class DeliveryMode(enum.IntEnum):
    """The basic class's ``delivery-mode`` property (AMQP 0-9-1 class basic, property delivery-mode)."""

    TRANSIENT = 1
    PERSISTENT = 2
