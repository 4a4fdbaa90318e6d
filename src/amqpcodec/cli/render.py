"""The names ``amqpcodec.cli.render`` held before the output was split by its seams.

Strategy: re-exports only, so that code importing them from here keeps working; new
code imports from where they live: :mod:`amqpcodec.cli.render_text` (text),
:mod:`amqpcodec.cli.render_json` (JSON Lines), :mod:`amqpcodec.cli.text_values` (values
and times as text), :mod:`amqpcodec.cli.terminal` (colour, the progress bar),
:mod:`amqpcodec.cli.summary` (the counts) and :mod:`amqpcodec.cli.events`
(:data:`PERFORMATIVE_NAMES`).
"""

from __future__ import annotations

from .events import PERFORMATIVE_NAMES
from .render_json import json_event, json_line, json_stamped
from .render_text import TextRenderer
from .summary import Summary, capture_stats, capture_text
from .terminal import Progress, Style
from .text_values import capture_time

__all__ = [
    "Style",
    "TextRenderer",
    "Summary",
    "Progress",
    "json_event",
    "json_line",
    "json_stamped",
    "capture_time",
    "capture_stats",
    "capture_text",
    "PERFORMATIVE_NAMES",
]
