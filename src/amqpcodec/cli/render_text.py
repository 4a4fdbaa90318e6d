"""The CLI's text output: the lines that show each event, for a person.

Strategy: one line per event, ``offset  direction  channel  name  details``, in
columns (the offset right-aligned to the widest offset of the input, the name padded
to eleven characters); a completed delivery's message follows its last transfer as an
indented tree (:func:`~amqpcodec.cli.text_values.message_lines`).  Frame lines show a
performative's key fields in the compact form of
:func:`~amqpcodec.cli.text_values.compact` (``-v``: every field).  For a capture each
line is led by the time of day (UTC) of the packet that completed the event and
``#N``, its connection's number, after the number of the packet that carried its first
byte (:mod:`amqpcodec.cli.packets`), and ``connection`` lines open and close each
connection.  Colour, when on, comes from the :class:`~amqpcodec.cli.terminal.Style`
given.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._composite import Composite
from ..amqp091 import BasicPublish, BodyFrame, HeaderFrame, MethodFrame
from ..errors import AMQPCodecError
from .amqp091_text import message091_lines, method_argument_lines, method_fields, properties_fields
from .encodings import trace, trace_sequence
from .encodings_view import traced_message_lines, traced_tree
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
    ResyncEvent,
    Stamped,
)
from .terminal import Style
from .text_values import capture_time, compact, composite_fields, described_fields, message_lines, plural

__all__ = ["TextRenderer"]

_END_REASONS = {
    "fin": "closed by both sides",
    "rst": "reset",
    "capture": "still open when the capture ended",
    "reused": "its ports were taken by a new connection",
}


#: How a capture's connection was found (``ConnectionEvent.found``), as the text says it.
_FOUND = {
    "header": "found by its protocol header",
    "port": "found by --port",
    "default-port": "found by its port, AMQP's own, without a protocol header",
}


#: The width of a capture line's packet number column (wider numbers widen their line).
_PACKET_WIDTH = 6


class TextRenderer:
    """Lines of text for events: ``offset  dir  channel  name  details``; for a capture,
    led by the packet's time of day (UTC) and ``#N``, the connection's number."""

    def __init__(
        self, style: Style, *, full: bool, verbose: bool, offset_width: int, encodings: bool = False
    ) -> None:
        self.style = style
        self.full = full
        self.verbose = verbose
        #: ``--encodings``: under each frame, its fields with their encodings (1.0) or
        #: spec domains (0-9-1); a message's values with their encodings.
        self.encodings = encodings
        self.width = offset_width
        self._lead = ""
        self._lead_width = 0

    def _prefix(self, offset: int | None, direction: str, channel: int | None) -> str:
        style = self.style
        shown = "" if offset is None else str(offset)
        channel_text = "" if channel is None else str(channel)
        shown_direction = style(direction, direction) if direction.strip() else direction
        return (
            f"{self._lead}{style('offset', shown.rjust(self.width))}  {shown_direction}  {channel_text:>3}  "
        )

    @property
    def indent(self) -> str:
        return " " * (self._lead_width + self.width + 2 + 3 + 2 + 3 + 2 + 2)

    def _line(
        self, offset: int | None, direction: str, channel: int | None, role: str, name: str, rest: str
    ) -> str:
        text = self._prefix(offset, direction, channel) + self.style(role, name) + " " * (11 - len(name))
        return (text + " " + rest).rstrip() if rest else text.rstrip()

    def stamped(self, item: Stamped) -> Iterator[str]:
        """The lines showing one event of a capture: led by the number of the packet that
        carried its first byte (as tshark numbers them, right-aligned as tshark's
        column), the time of the packet that completed it, and its connection's number."""
        first = None if item.packets is None else item.packets.first
        number = ("" if first is None else str(first)).rjust(_PACKET_WIDTH)
        shown = capture_time(item.time, item.digits, date=False).ljust(9 + item.digits)
        lead = f"{number}  {shown}  #{item.connection:<3}"
        self._lead = f"{number}  {self.style('time', shown)}  #{item.connection:<3}"
        self._lead_width = len(lead)
        try:
            event = item.event
            if isinstance(event, ConnectionEvent):
                how = _FOUND.get(event.found, event.found)
                if event.handshake and event.start is not None:
                    start = f"TCP handshake at {capture_time(event.start, item.digits, date=False)}"
                elif event.handshake:
                    start = "TCP handshake captured"
                else:
                    start = "the capture joined it mid-connection"
                rest = f"{event.client} -> {event.server} ({how}; {start})"
                yield self._line(None, "   ", None, "connection", "connection", rest)
            elif isinstance(event, ConnectionEndEvent):
                rest = (
                    f"{_END_REASONS.get(event.reason, event.reason)}: "
                    f"c2s {plural(event.c2s, 'byte')}, s2c {plural(event.s2c, 'byte')}"
                )
                yield self._line(None, "   ", None, "connection", "connection", rest)
            else:
                yield from self.lines(event)
        finally:
            self._lead = ""
            self._lead_width = 0

    def lines(self, event: Event) -> Iterator[str]:
        """The lines showing one event."""
        if isinstance(event, FrameEvent):
            yield self._frame(event)
            if self.encodings:
                yield from self._frame_encodings(event)
        elif isinstance(event, MessageEvent):
            yield from self._message(event)
        elif isinstance(event, Frame091Event):
            yield self._frame_091(event)
            if self.encodings and type(event.frame) is MethodFrame:
                yield from self._tree(method_argument_lines(event.frame.method, full=self.full))
        elif isinstance(event, Message091Event):
            yield from self._message_091(event)
        elif isinstance(event, HeaderEvent):
            yield self._header(event)
        elif isinstance(event, ErrorEvent):
            rest = f"{event.error}: {event.message}"
            if event.frame_offset is not None and event.frame_offset != event.offset:
                rest += f" (frame at offset {event.frame_offset})"
            if event.reply_code is not None:
                rest += f" [reply code {event.reply_code}]"
            yield self._line(event.offset, event.direction, None, "error", "error", self.style("error", rest))
        elif isinstance(event, GapEvent):
            rest = f"{plural(event.size, 'byte')} missing from the capture"
            if event.reason:
                rest += f" ({event.reason})"
            if event.lost_from is not None:
                rest += (
                    f"; {plural(event.offset - event.lost_from, 'byte')} before it, "
                    f"from offset {event.lost_from}, not decoded"
                )
            yield self._line(event.offset, event.direction, None, "gap", "gap", rest)
        elif isinstance(event, ResyncEvent):
            if event.to is None:
                what = f"skipped {event.skipped} bytes to the end"
            elif event.skipped:
                what = f"skipped {event.skipped} bytes, next frame at offset {event.to}"
            else:
                what = f"frame at offset {event.to}"
            if event.protocol == AMQP091:
                what = what.replace("frame", "AMQP 0-9-1 frame", 1)
            yield self._line(
                event.offset, event.direction, None, "resync", "resync", f"{what} ({event.reason})"
            )

    def _header(self, event: HeaderEvent) -> str:
        rest = event.protocol + ("" if event.version is None else f" {event.version}")
        details = [] if event.note is None else [event.note]
        if event.skipped:
            details.append(f"{plural(event.skipped, 'byte')} not decoded")
        if details:
            rest += ": " + ", ".join(details)
        return self._line(event.offset, event.direction, None, "header", "header", rest)

    def _frame(self, event: FrameEvent) -> str:
        performative = event.performative
        if isinstance(performative, Composite):
            rest = composite_fields(performative, full=self.full, verbose=self.verbose)
        elif performative is None:
            rest = ""
        else:
            rest = described_fields(performative, full=self.full, verbose=self.verbose)
        if event.payload_size:
            rest += f" (payload {plural(event.payload_size, 'byte')})"
        return self._frame_line(event, rest)

    def _frame_line(self, event: FrameEvent | Frame091Event, rest: str) -> str:
        """A frame's line: its note, and a peer error's mark (its name in the ``peer``
        colour, and ``[peer error: ...]``)."""
        if event.note:
            rest += " " + self.style("note", f"[{event.note}]")
        role = "name"
        if event.peer_error is not None:
            role = "peer"
            rest += " " + self.style("peer", f"[peer error: {event.peer_error.text()}]")
        return self._line(event.offset, event.direction, event.channel, role, event.name, rest.strip())

    def _message(self, event: MessageEvent) -> Iterator[str]:
        delivery = event.delivery
        parts = [
            f"delivery-id={compact(delivery.delivery_id, full=self.full, verbose=False)}",
            f"handle={compact(delivery.handle, full=self.full, verbose=False)}",
            f"delivery-tag={compact(delivery.delivery_tag, full=self.full, verbose=False)}",
        ]
        if delivery.settled:
            parts.append("settled")
        if delivery.state is not None:
            parts.append(f"state={compact(delivery.state, full=self.full, verbose=False)}")
        frames = "" if event.frames == 1 else f" in {event.frames} frames"
        parts.append(f"({plural(len(delivery.payload), 'byte')}{frames})")
        if event.message is None:
            parts.append(
                f"message-format=0x{int(delivery.message_format):08x}: not an AMQP message, not decoded"
            )
        yield self._line(
            event.offset, event.direction, delivery.channel, "message", "message", " ".join(parts)
        )
        if event.message is not None:
            lines = self._message_encodings(event) if self.encodings else None
            yield from self._tree(message_lines(event.message, self.full) if lines is None else lines)

    def _tree(self, lines: list[str]) -> Iterator[str]:
        """Lines under an event's line, indented; top-level ones in the ``section`` style."""
        indent = self.indent
        style = self.style
        for line in lines:
            yield indent + (line if line.startswith(" ") else style("section", line))

    def _frame_encodings(self, event: FrameEvent) -> Iterator[str]:
        """``--encodings``: the frame body's value, each part with its encoding."""
        if event.body is None or event.performative is None:
            return
        try:
            traced = trace(event.body)
        except AMQPCodecError as error:
            yield from self._tree([f"encodings not traced: {error}"])
            return
        yield from self._tree(traced_tree(event.performative, traced, self.full))

    def _message_encodings(self, event: MessageEvent) -> list[str] | None:
        """``--encodings``: the message's sections, each value with its encoding."""
        assert event.message is not None
        try:
            traces = trace_sequence(event.delivery.payload)
        except AMQPCodecError as error:
            return [f"encodings not traced: {error}", *message_lines(event.message, self.full)]
        return traced_message_lines(event.message, traces, self.full)

    # --- AMQP 0-9-1 -------------------------------------------------------------------

    def _frame_091(self, event: Frame091Event) -> str:
        """A 0-9-1 frame: a method and its arguments (0-9-1 §1, spec names); a content
        header's class, body size and properties (§4.2.6.1); a body's size."""
        frame = event.frame
        if type(frame) is MethodFrame:
            rest = method_fields(frame.method, full=self.full, verbose=self.verbose)
        elif type(frame) is HeaderFrame:
            parts = [f"body-size={frame.body_size}"]
            if frame.class_id != BasicPublish.CLASS_ID or frame.weight or self.verbose:
                parts[:0] = [f"class-id={frame.class_id}", f"weight={frame.weight}"]
            shown = properties_fields(frame.properties, full=self.full)
            rest = " ".join(parts + ([shown] if shown else []))
        elif type(frame) is BodyFrame:
            rest = f"(payload {plural(event.payload_size, 'byte')})"
        else:
            rest = ""
        return self._frame_line(event, rest)

    def _message_091(self, event: Message091Event) -> Iterator[str]:
        """An assembled 0-9-1 content: its method and arguments, its size and frames,
        then its properties and body as a tree."""
        message = event.message
        method = message.method
        fields = method_fields(method, full=self.full, verbose=False)
        frames = "" if event.frames == 1 else f" in {event.frames} frames"
        size = f"({plural(len(message.body), 'byte')}{frames})"
        rest = " ".join(part for part in (method.NAME, fields, size) if part)
        yield self._line(event.offset, event.direction, message.channel, "message", "message", rest)
        yield from self._tree(message091_lines(message, self.full))
