"""The ``amqpcodec decode`` application: parsed arguments in, output and an exit status out.

Strategy: :func:`run` checks what the parser could not (:mod:`amqpcodec.cli.arguments`),
opens the inputs (:mod:`amqpcodec.cli.inputs`) and takes one of three paths: a value
dump (:mod:`amqpcodec.cli.values`, for ``--values`` or an input that holds only AMQP
values); one connection from one or two inputs, each direction decoded whole
(:class:`~amqpcodec.cli.direction.DirectionDecoder`) and the two merged in capture
order when a Wireshark follow-stream dump gives it, else one after the other; or a
pcap/pcapng capture, streamed packet by packet
(:class:`~amqpcodec.cli.capture.CaptureDecoder`) so that memory does not grow with
its size.  Every event decoded is counted (:class:`~amqpcodec.cli.summary.Summary`);
the filters only choose what is written, as text
(:class:`~amqpcodec.cli.render_text.TextRenderer`) or JSON Lines
(:mod:`amqpcodec.cli.render_json`).  Exit status: 0 clean, 1 errors seen, 2 usage or
I/O error (a reader that went away included: ``| head``), 3 peer errors seen with
``--fail-on-peer-error`` and no decode errors (:meth:`~amqpcodec.cli.summary.Summary.status`).
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

from ..amqp091 import find_frame_boundary as find_frame_boundary_091
from ..frames import find_frame_boundary
from .amqp091_direction import Peer
from .arguments import assign_inputs, build_parser, limits_of, values_misuse
from .capture import AMQP_PORTS, CaptureDecoder
from .direction import DirectionDecoder
from .events import (
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
from .inputs import C2S, S2C, HexText, InputError, Source, Stream, open_source, read_source
from .pcap import LINK_NAMES, CaptureError, CaptureReader, Packet, is_capture
from .render_json import json_line, json_stamped
from .render_text import TextRenderer
from .summary import Summary, capture_stats, capture_text
from .tcp import Connection
from .terminal import Progress, Style
from .text_values import plural
from .values import is_value_sequence, run_values

__all__ = ["run", "main"]

#: The connection number of the events of one or two input files, in JSON.
_CONNECTION = 1
#: Exit statuses: a usage error, an input or output error (both 2, as argparse's).
_USAGE_ERROR, _IO_ERROR = 2, 2


def _fail(message: str, status: int) -> int:
    print(f"amqpcodec: error: {message}", file=sys.stderr)
    return status


def _colour(args: argparse.Namespace, out: TextIO) -> bool:
    if args.json or args.plain_json or os.environ.get("NO_COLOR"):
        return False
    if args.color is not None:
        return bool(args.color)
    return out.isatty() and os.environ.get("TERM") != "dumb"


def _order(streams: list[Stream], hex_texts: list[HexText]) -> Callable[[Event], int]:
    """Sort key of an event across directions: its chunk in capture order when the input
    kept one (a Wireshark follow-stream dump), else its direction (one after the other)."""
    timeline = next((text for text in hex_texts if len(text.data) == 2), None)
    if timeline is None:
        rank = {stream.direction: index for index, stream in enumerate(streams)}
        return lambda event: rank[event.direction]
    bases = {stream.direction: stream.base for stream in streams}
    starts: dict[str, list[int]] = {C2S: [], S2C: []}
    ranks: dict[str, list[int]] = {C2S: [], S2C: []}
    for index, chunk in enumerate(timeline.chunks):
        starts[chunk.direction].append(chunk.start)
        ranks[chunk.direction].append(index)
    highest: dict[str, int] = {C2S: 0, S2C: 0}

    def key(event: Event) -> int:
        at = event.last_offset if isinstance(event, (MessageEvent, Message091Event)) else event.offset
        found = bisect_right(starts[event.direction], at - bases[event.direction]) - 1
        rank = ranks[event.direction][max(found, 0)] if ranks[event.direction] else 0
        highest[event.direction] = max(highest[event.direction], rank)  # monotonic per direction
        return highest[event.direction]

    return key


def _filter(args: argparse.Namespace) -> Callable[[Event], bool]:
    channels = set(args.channel or ())
    performatives = {name for names in args.performative or () for name in names}
    messages_only = args.messages_only
    errors_only = args.errors_only

    def shown(event: Event) -> bool:
        if isinstance(event, ErrorEvent):
            return True
        if isinstance(event, (ResyncEvent, GapEvent)):
            return not errors_only
        if isinstance(event, HeaderEvent):
            return not (channels or performatives or messages_only or errors_only)
        if errors_only and (not isinstance(event, (FrameEvent, Frame091Event)) or event.peer_error is None):
            return False
        if isinstance(event, (FrameEvent, Frame091Event)):
            return (
                not messages_only
                and (not channels or event.channel in channels)
                and (not performatives or event.name in performatives)
            )
        if isinstance(event, Message091Event):
            message = event.message
            return (not channels or message.channel in channels) and (
                not performatives or message.method.NAME in performatives
            )
        return (not channels or event.delivery.channel in channels) and (
            not performatives or "transfer" in performatives
        )

    return shown


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run a parsed ``amqpcodec`` command line; the exit status."""
    out = sys.stdout if out is None else out
    reconfigure = getattr(out, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    misuse = values_misuse(args)
    if misuse is not None:
        return _fail(misuse, _USAGE_ERROR)
    try:
        capture, streams, hex_texts = _open_inputs(args)
    except InputError as error:
        return _fail(str(error), _IO_ERROR)
    try:
        if capture is not None:
            status = _run_capture(args, capture, out)
        else:
            status = _run_decode(args, streams, hex_texts, out)
        out.flush()
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        return _IO_ERROR
    return status


def _open_inputs(args: argparse.Namespace) -> tuple[Source | None, list[Stream], list[HexText]]:
    """The inputs: an open capture (given alone), or the streams the other inputs hold and
    the hex dumps they were read from."""
    capture: Source | None = None
    inputs = assign_inputs(args)
    streams: list[Stream] = []
    hex_texts: list[HexText] = []
    for path, direction in inputs:
        source = open_source(path)
        if args.force is None and not args.values and is_capture(source.head):
            if len(inputs) > 1 or direction is not None:
                source.close()
                raise InputError(
                    f"{source.label}: a capture holds both directions of its connections; "
                    "give it alone, without --c2s/--s2c"
                )
            capture = source
            break
        try:
            data = source.read_all()
        finally:
            source.close()
        found, parsed = read_source(path, direction, force=args.force, data=data)
        streams += found
        if parsed is not None:
            hex_texts.append(parsed)
    if capture is None and (args.port or args.connection):
        raise InputError("--port and --connection apply to capture files (pcap, pcapng) only")
    return capture, streams, hex_texts


def _run_decode(
    args: argparse.Namespace, streams: list[Stream], hex_texts: list[HexText], out: TextIO
) -> int:
    if args.values:
        return run_values(streams[0].data, out, full=args.full, encodings=args.encodings)
    if len(streams) == 1 and _only_values(streams[0].data):
        print(
            f"amqpcodec: {streams[0].label} holds no AMQP frames but a sequence of AMQP values: "
            "shown as with --values",
            file=sys.stderr,
        )
        return run_values(streams[0].data, out, full=args.full, encodings=args.encodings)
    return _decode(args, streams, hex_texts, out)


def _only_values(data: bytes) -> bool:
    if data[:4] == b"AMQP"[: len(data[:4])] or find_frame_boundary(data, 0) is not None:
        return False
    if find_frame_boundary_091(data, 0) is not None:
        return False
    return is_value_sequence(data)


def _decode(args: argparse.Namespace, streams: list[Stream], hex_texts: list[HexText], out: TextIO) -> int:
    peer = Peer()  # the two directions of one connection: one protocol
    limits = limits_of(args)
    decoders = [
        DirectionDecoder(
            stream.direction,
            stream.data,
            base=stream.base,
            peer=peer,
            limits=limits,
            encodings=args.encodings,
        )
        for stream in streams
    ]
    key = _order(streams, hex_texts)
    events: Iterator[Event] = heapq.merge(*(decoder.events() for decoder in decoders), key=key)
    shown = _filter(args)
    summary = Summary()
    write = out.write
    if args.json or args.plain_json:
        plain = args.plain_json
        for event in events:
            summary.add(event)
            if shown(event):
                write(json_line(event, _CONNECTION, plain=plain, encodings=args.encodings) + "\n")
        write(_json_object(summary.to_json()) + "\n")
        return summary.status(fail_on_peer_error=args.fail_on_peer_error)
    style = Style(_colour(args, out))
    width = max(4, *(len(str(stream.base + len(stream.data))) for stream in streams))
    renderer = TextRenderer(
        style, full=args.full, verbose=args.verbose, offset_width=width, encodings=args.encodings
    )
    for stream in streams:
        origin = f", from offset {stream.base}" if stream.base else ""
        write(f"{stream.direction}: {stream.label} ({stream.kind}, {len(stream.data)} bytes{origin})\n")
    for event in events:
        summary.add(event)
        if shown(event):
            for line in renderer.lines(event):
                write(line + "\n")
    write(style("summary", summary.text()) + "\n")
    return summary.status(fail_on_peer_error=args.fail_on_peer_error)


# --------------------------------------------------------------------------- captures


def _run_capture(args: argparse.Namespace, source: Source, out: TextIO) -> int:
    """Decode every AMQP connection of a pcap or pcapng capture, streaming."""
    progress = Progress(sys.stderr, source.size) if sys.stderr.isatty() else None
    chooser = _Chooser(args.connection) if args.connection else None
    try:
        reader = CaptureReader(source.stream, source.head)
        decoder = CaptureDecoder(
            _read_packets(reader, progress),
            ports=args.port or (),
            select=chooser,
            limits=limits_of(args),
            encodings=args.encodings,
        )
        summary = _write_capture(args, source, reader, decoder, out, progress)
    except (CaptureError, OSError) as error:
        if isinstance(error, BrokenPipeError):
            raise
        if progress is not None:
            progress.clear()
        out.flush()
        text = str(error) if isinstance(error, CaptureError) else (error.strerror or str(error))
        return _fail(f"{source.label}: {text}", _IO_ERROR)
    finally:
        if progress is not None:
            progress.clear()
        source.close()
    if reader.truncated:
        print(
            f"amqpcodec: {source.label}: the capture ends inside a packet record (cut short?)",
            file=sys.stderr,
        )
    noted = _capture_notes(source, decoder, chooser)
    if noted is not None:
        return noted
    return summary.status(fail_on_peer_error=args.fail_on_peer_error)


def _write_capture(
    args: argparse.Namespace,
    source: Source,
    reader: CaptureReader,
    decoder: CaptureDecoder,
    out: TextIO,
    progress: Progress | None,
) -> Summary:
    shown = _filter(args)
    connection_lines = not (args.channel or args.performative or args.messages_only or args.errors_only)
    summary = Summary()
    write = out.write
    erase = progress is not None and out.isatty()
    style = Style(_colour(args, out))
    as_json = args.json or args.plain_json
    if as_json:
        plain, encodings = args.plain_json, args.encodings
        render: Callable[[Stamped], Iterable[str]] = lambda item: (  # noqa: E731
            json_stamped(item, plain=plain, encodings=encodings),
        )
    else:
        renderer = TextRenderer(
            style, full=args.full, verbose=args.verbose, offset_width=6, encodings=args.encodings
        )
        render = renderer.stamped
        write(f"capture: {source.label} ({_capture_kind(reader)})\n")
    for item in decoder.events():
        event = item.event
        if isinstance(event, (ConnectionEvent, ConnectionEndEvent)):
            if not connection_lines:
                continue
        else:
            summary.add(event)
            if not shown(event):
                continue
        if erase and progress is not None and progress.visible:
            progress.clear()
        for line in render(item):
            write(line + "\n")
    stats = capture_stats(decoder.packets, decoder.skipped, decoder.tracker.stats, decoder.selected)
    if as_json:
        write(_json_object({"event": "capture", **stats}) + "\n")
        write(_json_object(summary.to_json()) + "\n")
    else:
        write(capture_text(stats) + "\n")
        write(style("summary", summary.text()) + "\n")
    return summary


def _json_object(value: dict[str, Any]) -> str:
    """One line of the JSON output, in the form of the event lines."""
    return json.dumps(value, separators=(", ", ": "))


def _capture_kind(reader: CaptureReader) -> str:
    if reader.kind == "pcapng":
        return "pcapng"
    (link,) = reader.link_types
    return f"pcap, {LINK_NAMES.get(link, f'link type {link}')}"


def _read_packets(reader: CaptureReader, progress: Progress | None) -> Iterator[Packet]:
    if progress is None:
        yield from reader
        return
    for count, packet in enumerate(reader):
        if not count % 64:
            progress.update(reader.bytes_read)
        yield packet


class _Chooser:
    """``--connection``: whether a connection is chosen (by number, or by either endpoint
    ``ADDR:PORT``), and which of the choices matched one."""

    def __init__(self, chosen: list[int | str]) -> None:
        self.chosen = chosen
        self.matched: set[int | str] = set()

    def __call__(self, connection: Connection) -> bool:
        hits = {
            item
            for item in self.chosen
            if item in (connection.number, connection.client_text, connection.server_text)
        }
        self.matched |= hits
        return bool(hits)

    def unmatched(self) -> list[int | str]:
        """The choices that matched no connection, in the order given."""
        return [item for item in dict.fromkeys(self.chosen) if item not in self.matched]


def _capture_notes(source: Source, decoder: CaptureDecoder, chooser: _Chooser | None) -> int | None:
    """After a capture: on stderr, the ``--connection`` choices that matched nothing
    (then a usage error's status), or a hint naming ``--port`` when the capture holds
    TCP connections but none was recognised as AMQP."""
    stats = decoder.tracker.stats
    unmatched = chooser.unmatched() if chooser is not None else []
    if unmatched:
        shown = ", ".join(f"--connection {item}" for item in unmatched)
        numbers = f" (numbered 1 to {stats.found})" if stats.found > 1 else ""
        found = plural(stats.found, "AMQP connection")
        return _fail(f"{source.label}: {shown} matches none of its {found}{numbers}", _USAGE_ERROR)
    if not stats.found and stats.ignored:
        ports = " or ".join(map(str, AMQP_PORTS))
        print(
            f"amqpcodec: {source.label}: none of its {plural(stats.ignored, 'TCP connection')} was "
            f"recognised as AMQP (no AMQP protocol header, no server port {ports}); if the capture "
            "started after they opened, or they use another port, name the server's port: --port PORT",
            file=sys.stderr,
        )
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """``amqpcodec ...``: parse ``argv`` (default ``sys.argv[1:]``) and run; the exit status."""
    return run(build_parser().parse_args(argv))
