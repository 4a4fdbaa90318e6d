"""The ``amqpcodec`` command: ``amqpcodec decode`` shows what captured AMQP 1.0 bytes hold.

Layout: ``inputs`` reads files and hex text, ``pcap`` reads pcap and pcapng captures
down to TCP segments, ``tcp`` reassembles their connections, ``stream`` turns one
direction's bytes into events (resynchronising on bad bytes) and a capture's packets
into the events of its connections, ``render`` writes them as text or JSON Lines,
``values`` is the plain value dump (``--values``).  The codec never imports this
package; ``amqpcodec.__main__`` only parses the arguments and calls :func:`run`.

Decisions where the issue is silent:

- One input is the client's side (``c2s``) unless given with ``--s2c``; two inputs are
  client then server.  Without timing, two files are shown one direction after the
  other; a Wireshark Follow TCP Stream dump, which keeps the order, is shown
  interleaved as captured.
- An input with neither a protocol header nor any plausible frame, that decodes as a
  whole sequence of AMQP values, is shown as ``--values`` would (with a note on stderr).
- Filters (``--channel``, ``--performative``, ``--messages-only``) choose what is shown;
  ``error`` and ``resync`` events are always shown, and the summary and the exit status
  count everything decoded.  Headers are hidden when any filter is given.
- ``NO_COLOR`` (set and not empty, no-color.org) turns colour off even with ``--color``;
  JSON is never coloured.
- TLS and AMQP 0-9-1/0-10 streams are reported and skipped without counting as errors
  (the bytes are not wrong, only not decodable here): exit status 0.  So are gaps in a
  capture (bytes it lost): they are shown and counted in the summary.
- A capture (pcap or pcapng, told by its magic unless ``--hex``/``--raw``/``--values``)
  is given alone.  Its events are shown in the order of the packets that completed
  them, each led by that packet's time of day (UTC) and ``#N``, its connection's
  number; a ``connection`` line opens and closes each connection.  ``--connection``
  chooses the connections decoded (by number, or by either endpoint ``ADDR:PORT``):
  the summary and the exit status count those only; connections keep the numbers
  they have without it.  Connection lines hide, like headers, when a frame filter is
  given.  A progress bar is drawn on stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import heapq
import ipaddress
import json
import os
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TextIO

from ..frames import find_frame_boundary
from .inputs import C2S, S2C, HexText, InputError, Source, Stream, open_source, read_source
from .pcap import LINK_NAMES, CaptureError, CaptureReader, Packet, is_capture
from .render import (
    PERFORMATIVE_NAMES,
    Progress,
    Style,
    Summary,
    TextRenderer,
    capture_stats,
    capture_text,
    json_line,
    json_stamped,
)
from .stream import (
    CaptureDecoder,
    ConnectionEndEvent,
    ConnectionEvent,
    DirectionDecoder,
    ErrorEvent,
    Event,
    FrameEvent,
    GapEvent,
    HeaderEvent,
    MessageEvent,
    ResyncEvent,
    Stamped,
)
from .tcp import Connection
from .values import is_value_sequence, run_values

__all__ = ["build_parser", "run", "main"]

_CONNECTION = 1
_USAGE_ERROR, _IO_ERROR = 2, 2


def build_parser() -> argparse.ArgumentParser:
    """The ``amqpcodec`` argument parser (standard library ``argparse``)."""
    parser = argparse.ArgumentParser(prog="amqpcodec", description="Show what AMQP 1.0 bytes hold.")
    commands = parser.add_subparsers(dest="command", required=True)
    decode = commands.add_parser(
        "decode",
        help="decode captured AMQP 1.0 connections (raw bytes, a hex dump, or a pcap/pcapng capture)",
        description=(
            "Decode captured AMQP 1.0 bytes: a raw stream (from its protocol header or from "
            "mid-connection) or a hex dump (plain hex, xxd, hexdump -C, Wireshark), one file per "
            "direction of a connection; or a pcap or pcapng capture (tcpdump, Wireshark), every "
            "AMQP connection in it. Exit status: 0 clean, 1 errors seen, 2 usage or I/O error."
        ),
    )
    decode.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="input; '-' reads stdin. Two files: client-to-server, then server-to-client",
    )
    decode.add_argument("--c2s", metavar="FILE", help="the client-to-server direction")
    decode.add_argument("--s2c", metavar="FILE", help="the server-to-client direction")
    kind = decode.add_mutually_exclusive_group()
    kind.add_argument("--hex", dest="force", action="store_const", const="hex", help="inputs are hex text")
    kind.add_argument("--raw", dest="force", action="store_const", const="raw", help="inputs are raw bytes")
    decode.add_argument(
        "--values", action="store_true", help="the input is a sequence of AMQP values, not a connection"
    )
    decode.add_argument("--json", action="store_true", help="JSON Lines, one object per event")
    decode.add_argument(
        "--channel", type=_channel, action="append", metavar="N", help="only frames and messages on channel N"
    )
    decode.add_argument(
        "--performative",
        type=_performatives,
        action="append",
        metavar="NAME",
        help=f"only these frames (comma-separated; {', '.join(PERFORMATIVE_NAMES)})",
    )
    decode.add_argument("--messages-only", action="store_true", help="only messages (and errors)")
    decode.add_argument(
        "--port",
        type=_port,
        action="append",
        metavar="PORT",
        help="captures: decode the TCP connections on PORT (the server's) even without a protocol "
        "header, such as those already open when the capture started",
    )
    decode.add_argument(
        "--connection",
        type=_connection,
        action="append",
        metavar="N|ADDR:PORT",
        help="captures: only connection N, or the connections with endpoint ADDR:PORT",
    )
    decode.add_argument("--full", action="store_true", help="do not truncate long binaries and texts")
    decode.add_argument("-v", "--verbose", action="store_true", help="every field of each performative")
    colour = decode.add_mutually_exclusive_group()
    colour.add_argument(
        "--color", dest="color", action="store_const", const=True, help="colour even when piped"
    )
    colour.add_argument("--no-color", dest="color", action="store_const", const=False, help="no colour")
    return parser


def _channel(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a channel number: {text!r}") from None
    if not 0 <= value <= 0xFFFF:
        raise argparse.ArgumentTypeError(f"a channel is 0 to 65535, not {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= value <= 0xFFFF:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, not {value}")
    return value


def _connection(text: str) -> int | str:
    """A connection number, or an endpoint ``ADDR:PORT`` (``[ADDR]:PORT`` for IPv6),
    normalised as the output writes it."""
    if text.isdigit():
        number = int(text)
        if number < 1:
            raise argparse.ArgumentTypeError("connections are numbered from 1")
        return number
    address, _, port = text.rpartition(":")
    try:
        parsed = ipaddress.ip_address(address[1:-1] if address.startswith("[") else address)
        port_number = _port(port)
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(f"not a connection number or ADDR:PORT: {text!r}") from None
    return f"[{parsed}]:{port_number}" if parsed.version == 6 else f"{parsed}:{port_number}"


def _performatives(text: str) -> list[str]:
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in PERFORMATIVE_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown performative {', '.join(map(repr, unknown)) or repr(text)}; "
            f"one of: {', '.join(PERFORMATIVE_NAMES)}"
        )
    return names


def _fail(message: str, status: int) -> int:
    print(f"amqpcodec: error: {message}", file=sys.stderr)
    return status


def _assign(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """(path, direction) for each input; direction None: one input, directions to be found."""
    given = {direction: path for direction, path in ((C2S, args.c2s), (S2C, args.s2c)) if path is not None}
    free = [direction for direction in (C2S, S2C) if direction not in given]
    if len(args.files) > len(free):
        raise InputError("at most two inputs: one per direction of a connection")
    if not args.files and not given:
        raise InputError("no input given (a FILE, or '-' for stdin)")
    if len(args.files) == 1 and not given:
        return [(args.files[0], None)]
    pairs = dict(given)
    pairs.update(zip(free, args.files))
    inputs: list[tuple[str, str | None]] = [(pairs[d], d) for d in (C2S, S2C) if d in pairs]
    if [path for path, _ in inputs].count("-") > 1:
        raise InputError("stdin ('-') can be read once only")
    return inputs


def _colour(args: argparse.Namespace, out: TextIO) -> bool:
    if args.json or os.environ.get("NO_COLOR"):
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
        at = event.last_offset if isinstance(event, MessageEvent) else event.offset
        found = bisect_right(starts[event.direction], at - bases[event.direction]) - 1
        rank = ranks[event.direction][max(found, 0)] if ranks[event.direction] else 0
        highest[event.direction] = max(highest[event.direction], rank)  # monotonic per direction
        return highest[event.direction]

    return key


def _filter(args: argparse.Namespace) -> Callable[[Event], bool]:
    channels = set(args.channel or ())
    performatives = {name for names in args.performative or () for name in names}
    messages_only = args.messages_only

    def shown(event: Event) -> bool:
        if isinstance(event, (ErrorEvent, ResyncEvent, GapEvent)):
            return True
        if isinstance(event, HeaderEvent):
            return not (channels or performatives or messages_only)
        if isinstance(event, FrameEvent):
            return (
                not messages_only
                and (not channels or event.channel in channels)
                and (not performatives or event.name in performatives)
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
    if args.values and (
        args.c2s
        or args.s2c
        or len(args.files) != 1
        or args.json
        or args.channel
        or args.performative
        or args.messages_only
    ):
        return _fail("--values takes one FILE and none of --c2s, --s2c, --json or the filters", _USAGE_ERROR)
    capture: Source | None = None
    try:
        inputs = _assign(args)
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


def _run_decode(
    args: argparse.Namespace, streams: list[Stream], hex_texts: list[HexText], out: TextIO
) -> int:
    if args.values:
        return run_values(streams[0].data, out, full=args.full)
    if len(streams) == 1 and _only_values(streams[0].data):
        print(
            f"amqpcodec: {streams[0].label} holds no AMQP frames but a sequence of AMQP values: "
            "shown as with --values",
            file=sys.stderr,
        )
        return run_values(streams[0].data, out, full=args.full)
    return _decode(args, streams, hex_texts, out)


def _only_values(data: bytes) -> bool:
    if data[:4] == b"AMQP"[: len(data[:4])] or find_frame_boundary(data, 0) is not None:
        return False
    return is_value_sequence(data)


def _decode(args: argparse.Namespace, streams: list[Stream], hex_texts: list[HexText], out: TextIO) -> int:
    decoders = [DirectionDecoder(stream.direction, stream.data, base=stream.base) for stream in streams]
    key = _order(streams, hex_texts)
    events: Iterator[Event] = heapq.merge(*(decoder.events() for decoder in decoders), key=key)
    shown = _filter(args)
    summary = Summary()
    write = out.write
    if args.json:
        for event in events:
            summary.add(event)
            if shown(event):
                write(json_line(event, _CONNECTION) + "\n")
        return 1 if summary.errors else 0
    style = Style(_colour(args, out))
    width = max(4, *(len(str(stream.base + len(stream.data))) for stream in streams))
    renderer = TextRenderer(style, full=args.full, verbose=args.verbose, offset_width=width)
    for stream in streams:
        origin = f", from offset {stream.base}" if stream.base else ""
        write(f"{stream.direction}: {stream.label} ({stream.kind}, {len(stream.data)} bytes{origin})\n")
    for event in events:
        summary.add(event)
        if shown(event):
            for line in renderer.lines(event):
                write(line + "\n")
    write(style("summary", summary.text()) + "\n")
    return 1 if summary.errors else 0


# --------------------------------------------------------------------------- captures


def _run_capture(args: argparse.Namespace, source: Source, out: TextIO) -> int:
    """Decode every AMQP connection of a pcap or pcapng capture, streaming."""
    progress = Progress(sys.stderr, source.size) if sys.stderr.isatty() else None
    try:
        reader = CaptureReader(source.stream, source.head)
        decoder = CaptureDecoder(
            _read_packets(reader, progress), ports=args.port or (), select=_selector(args.connection)
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
    return 1 if summary.errors else 0


def _write_capture(
    args: argparse.Namespace,
    source: Source,
    reader: CaptureReader,
    decoder: CaptureDecoder,
    out: TextIO,
    progress: Progress | None,
) -> Summary:
    shown = _filter(args)
    connection_lines = not (args.channel or args.performative or args.messages_only)
    summary = Summary()
    write = out.write
    erase = progress is not None and out.isatty()
    style = Style(_colour(args, out))
    if args.json:
        render: Callable[[Stamped], Iterable[str]] = lambda item: (json_stamped(item),)  # noqa: E731
    else:
        renderer = TextRenderer(style, full=args.full, verbose=args.verbose, offset_width=6)
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
    if args.json:
        write(json.dumps({"event": "capture", **stats}, separators=(", ", ": ")) + "\n")
    else:
        write(capture_text(stats) + "\n")
        write(style("summary", summary.text()) + "\n")
    return summary


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


def _selector(chosen: list[int | str] | None) -> Callable[[Connection], bool] | None:
    if not chosen:
        return None
    numbers = {item for item in chosen if isinstance(item, int)}
    endpoints = {item for item in chosen if isinstance(item, str)}
    return lambda connection: (
        connection.number in numbers
        or connection.client_text in endpoints
        or connection.server_text in endpoints
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``amqpcodec ...``: parse ``argv`` (default ``sys.argv[1:]``) and run; the exit status."""
    return run(build_parser().parse_args(argv))
