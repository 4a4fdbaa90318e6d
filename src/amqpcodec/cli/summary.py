"""The counts after the events: what was decoded, and what a capture held.

Strategy: :class:`Summary` counts every event decoded, AMQP 1.0's and 0-9-1's alike
(frames by name: performatives, then 0-9-1 methods and content frames) (filters change only what is
shown, never what is counted); its ``errors`` make the exit status, its ``text()`` the
last line of the text output.  For a capture, :func:`capture_stats` gathers the
counts of the packets, the reassembler and the connections into the ``capture`` JSON
object, and :func:`capture_text` writes the same as the text line before the summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from .events import (
    FRAME_NAMES,
    ErrorEvent,
    Event,
    Frame091Event,
    FrameEvent,
    GapEvent,
    HeaderEvent,
    Message091Event,
    MessageEvent,
)
from .tcp import TrackerStats
from .text_values import plural

__all__ = ["Summary", "capture_stats", "capture_text"]


class Summary:
    """Counts of what was decoded (all of it: filters only change what is shown)."""

    def __init__(self) -> None:
        self.frames: Counter[str] = Counter()
        self.headers = 0
        self.messages = 0
        self.errors = 0
        self.resyncs = 0
        self.gaps = 0

    def add(self, event: Event) -> None:
        if isinstance(event, (FrameEvent, Frame091Event)):
            self.frames[event.name] += 1
        elif isinstance(event, (MessageEvent, Message091Event)):
            self.messages += 1
        elif isinstance(event, HeaderEvent):
            self.headers += 1
        elif isinstance(event, ErrorEvent):
            self.errors += 1
        elif isinstance(event, GapEvent):
            self.gaps += 1
        else:
            self.resyncs += 1

    def text(self) -> str:
        total = sum(self.frames.values())
        per = ", ".join(f"{name} {self.frames[name]}" for name in FRAME_NAMES if self.frames[name])
        frames = plural(total, "frame") + (f" ({per})" if per else "")
        parts = [plural(self.headers, "header"), frames, plural(self.messages, "message")]
        if self.resyncs:
            parts.append(plural(self.resyncs, "resync"))
        if self.gaps:
            parts.append(plural(self.gaps, "gap"))
        parts.append(plural(self.errors, "error"))
        return "summary: " + ", ".join(parts)


def capture_stats(
    packets: int, skipped: Mapping[str, int], stats: TrackerStats, decoded: int
) -> dict[str, Any]:
    """What a capture held (the ``capture`` JSON object): packets, those without a TCP
    segment by reason, connections found, decoded (``--connection``) and ignored, and
    the reassembler's counts."""
    return {
        "packets": packets,
        "skipped": dict(sorted(skipped.items())),
        "segments": stats.segments,
        "connections": stats.found,
        "decoded": decoded,
        "ignored": stats.ignored,
        "retransmitted": stats.retransmitted,
        "out_of_order": stats.out_of_order,
        "gaps": stats.gaps,
        "gap_bytes": stats.gap_bytes,
    }


def capture_text(stats: Mapping[str, Any]) -> str:
    """The line after a capture's events: ``capture: 24 packets (2 not TCP), 1 AMQP
    connection, ...`` (counts that are zero left out)."""
    packets = plural(stats["packets"], "packet")
    if stats["skipped"]:
        packets += " (" + ", ".join(f"{count} {reason}" for reason, count in stats["skipped"].items()) + ")"
    connections = plural(stats["connections"], "AMQP connection")
    if stats["decoded"] != stats["connections"]:
        connections += f" ({stats['decoded']} decoded)"
    parts = [packets, connections]
    if stats["ignored"]:
        parts.append(plural(stats["ignored"], "other TCP connection"))
    if stats["retransmitted"]:
        parts.append(f"{plural(stats['retransmitted'], 'segment')} retransmitted")
    if stats["out_of_order"]:
        parts.append(f"{stats['out_of_order']} out of order")
    if stats["gaps"]:
        parts.append(f"{plural(stats['gaps'], 'gap')} ({plural(stats['gap_bytes'], 'byte')} missing)")
    return "capture: " + ", ".join(parts)
