"""The counts after the events: what was decoded, and what a capture held.

Strategy: :class:`Summary` counts every event decoded, AMQP 1.0's and 0-9-1's alike
(frames by name: performatives, then 0-9-1 methods and content frames) (filters change only what is
shown, never what is counted); its ``errors`` (and, with ``--fail-on-peer-error``, its
``peer_errors``) make the exit status (:meth:`Summary.status`), its ``text()`` the
last line of the text output (``N errors, M peer errors`` always, zeros too) and its
``to_json()`` the last object of the JSON output.  For a capture, :func:`capture_stats` gathers the
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

__all__ = ["Summary", "capture_stats", "capture_text", "ERRORS_SEEN", "PEER_ERRORS_SEEN"]

#: The exit status when bytes could not be decoded (an ``error`` event).
ERRORS_SEEN = 1
#: The exit status when, with ``--fail-on-peer-error``, a peer complained and every byte
#: decoded (2 is a usage or I/O error).
PEER_ERRORS_SEEN = 3


class Summary:
    """Counts of what was decoded (all of it: filters only change what is shown)."""

    def __init__(self) -> None:
        self.frames: Counter[str] = Counter()
        self.headers = 0
        self.messages = 0
        self.errors = 0
        #: Frames carrying a peer's complaint (:mod:`amqpcodec.cli.peer_errors`).
        self.peer_errors = 0
        self.resyncs = 0
        self.gaps = 0

    def add(self, event: Event) -> None:
        if isinstance(event, (FrameEvent, Frame091Event)):
            self.frames[event.name] += 1
            if event.peer_error is not None:
                self.peer_errors += 1
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

    def status(self, *, fail_on_peer_error: bool) -> int:
        """The exit status: :data:`ERRORS_SEEN` when a decode fault was seen, else
        :data:`PEER_ERRORS_SEEN` when peer errors were seen and ``fail_on_peer_error``,
        else 0."""
        if self.errors:
            return ERRORS_SEEN
        if self.peer_errors and fail_on_peer_error:
            return PEER_ERRORS_SEEN
        return 0

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
        parts.append(plural(self.peer_errors, "peer error"))  # always, beside the errors
        return "summary: " + ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The closing ``summary`` JSON event: the counts of :meth:`text`, every one
        present (zeros too), frames also by name in the text's order."""
        return {
            "event": "summary",
            "headers": self.headers,
            "frames": sum(self.frames.values()),
            "frames_by_name": {name: self.frames[name] for name in FRAME_NAMES if self.frames[name]},
            "messages": self.messages,
            "resyncs": self.resyncs,
            "gaps": self.gaps,
            "errors": self.errors,
            "peer_errors": self.peer_errors,
        }


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
