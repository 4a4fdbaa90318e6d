"""The names ``amqpcodec.cli.stream`` held before the decoding was split by its seams.

Strategy: re-exports only, so that code importing them from here keeps working; new
code imports from where they live: :mod:`amqpcodec.cli.events` (the events and
:func:`performative_name`), :mod:`amqpcodec.cli.direction` (one direction's bytes,
resynchronising on bad bytes) and :mod:`amqpcodec.cli.capture` (a capture's packets).
"""

from __future__ import annotations

from .capture import CaptureDecoder
from .direction import DirectionDecoder
from .events import (
    ConnectionEndEvent,
    ConnectionEvent,
    ErrorEvent,
    Event,
    FrameEvent,
    GapEvent,
    HeaderEvent,
    MessageEvent,
    ResyncEvent,
    Stamped,
    performative_name,
)

__all__ = [
    "HeaderEvent",
    "FrameEvent",
    "MessageEvent",
    "ErrorEvent",
    "ResyncEvent",
    "GapEvent",
    "Event",
    "DirectionDecoder",
    "ConnectionEvent",
    "ConnectionEndEvent",
    "Stamped",
    "CaptureDecoder",
    "performative_name",
]
