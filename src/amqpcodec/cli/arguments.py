"""The ``amqpcodec`` command line: the argument parser, and the checks it cannot make.

Strategy: standard library :mod:`argparse`, one sub-command (``decode``).  Each option
value is checked where argparse reads it (a ``type=`` function: channel and port
numbers, performative names, a connection as a number or ``ADDR:PORT`` normalised as
the output writes it), so a bad value is a usage error naming the option.  What
depends on several options together is checked after parsing:
:func:`values_misuse` (``--values`` with options that do not apply) and
:func:`assign_inputs` (which input is which direction of the connection).
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress

from .. import __version__
from ..limits import DEFAULT_LIMITS, Limits
from .amqp091_direction import NEGOTIATED_CEILING
from .events import FRAME_NAMES, PERFORMATIVE_NAMES
from .inputs import C2S, S2C, InputError

__all__ = ["build_parser", "values_misuse", "assign_inputs", "limits_of"]


def build_parser() -> argparse.ArgumentParser:
    """The ``amqpcodec`` argument parser (standard library ``argparse``)."""
    parser = argparse.ArgumentParser(prog="amqpcodec", description="Show what AMQP 1.0 and 0-9-1 bytes hold.")
    version = f"amqpcodec {__version__}"
    parser.add_argument("--version", action="version", version=version, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True)
    decode = commands.add_parser(
        "decode",
        help="decode captured AMQP 1.0 and 0-9-1 connections (raw bytes, a hex dump, or a pcap/pcapng capture)",
        description=(
            "Decode captured AMQP 1.0 and 0-9-1 bytes: a raw stream (from its protocol header or from "
            "mid-connection) or a hex dump (plain hex, xxd, hexdump -C, Wireshark), one file per "
            "direction of a connection; or a pcap or pcapng capture (tcpdump, Wireshark), every "
            "AMQP connection in it. Exit status: 0 clean, 1 decode errors seen, 2 usage or I/O error, "
            "3 peer errors seen with --fail-on-peer-error."
        ),
    )
    decode.add_argument("--version", action="version", version=version, help="show the version and exit")
    _add_inputs(decode)
    decode.add_argument("--json", action="store_true", help="JSON Lines, one object per event")
    decode.add_argument(
        "--plain-json",
        action="store_true",
        help="JSON Lines with values in plain JSON, for jq: maps with string keys as objects, "
        "integers as numbers when exact, binaries as hex (the types are not kept; --json keeps them)",
    )
    _add_filters(decode)
    _add_display(decode)
    return parser


def limits_of(args: argparse.Namespace) -> Limits:
    """The limits to decode with: the defaults, but frames up to ``--max-frame-size`` (and
    buffers to match)."""
    size = args.max_frame_size
    if size is None:
        return DEFAULT_LIMITS
    return dataclasses.replace(
        DEFAULT_LIMITS,
        max_frame_size=size,
        max_buffered_bytes=max(DEFAULT_LIMITS.max_buffered_bytes, size + 2**16),
    )


def _add_inputs(decode: argparse.ArgumentParser) -> None:
    """The inputs, and what they hold."""
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
    decode.add_argument(
        "--max-frame-size",
        type=_frame_size,
        metavar="N",
        help=f"read frames up to N bytes (default {DEFAULT_LIMITS.max_frame_size}, 4 MiB); a larger size "
        "the connection negotiates (an AMQP 1.0 open's max-frame-size, an AMQP 0-9-1 tune-ok's "
        f"frame-max) is honoured up to {NEGOTIATED_CEILING // 2**20} MiB, or N when larger",
    )


def _add_filters(decode: argparse.ArgumentParser) -> None:
    """What is decoded (captures) and shown (frames)."""
    decode.add_argument(
        "--channel", type=_channel, action="append", metavar="N", help="only frames and messages on channel N"
    )
    decode.add_argument(
        "--performative",
        type=_performatives,
        action="append",
        metavar="NAME",
        help=f"only these frames (comma-separated; {', '.join(PERFORMATIVE_NAMES)}; "
        "AMQP 0-9-1 methods such as basic.publish, content-header, content-body)",
    )
    only = decode.add_mutually_exclusive_group()
    only.add_argument("--messages-only", action="store_true", help="only messages (and errors)")
    only.add_argument(
        "--errors-only",
        action="store_true",
        help="only decode errors and the frames that carry a peer's error (a close with an error, "
        "a rejected delivery, a 0-9-1 close with a reply code other than 200, the broker's nack or return)",
    )
    decode.add_argument(
        "--fail-on-peer-error",
        action="store_true",
        help="exit with status 3 when a peer error was seen (and no decode error, which gives 1)",
    )
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


def _add_display(decode: argparse.ArgumentParser) -> None:
    """How the text output shows what it shows."""
    decode.add_argument("--full", action="store_true", help="do not truncate long binaries and texts")
    decode.add_argument("-v", "--verbose", action="store_true", help="every field of each performative")
    decode.add_argument(
        "--encodings",
        action="store_true",
        help="each AMQP 1.0 value's wire encoding (smalluint 0x52, str8-utf8 0xa1, list8 0xc0 ...) "
        "under its frame and in its message, and in --json; each AMQP 0-9-1 method argument's domain",
    )
    colour = decode.add_mutually_exclusive_group()
    colour.add_argument(
        "--color", dest="color", action="store_const", const=True, help="colour even when piped"
    )
    colour.add_argument("--no-color", dest="color", action="store_const", const=False, help="no colour")


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


def _frame_size(text: str) -> int:
    """A frame size: 512 (the smallest AMQP 1.0 allows, Part 2 §2.7.1) to 2**32 - 1 (the
    largest SIZE), with an optional ``K``, ``M`` or ``G`` suffix (binary units)."""
    scale = {"k": 2**10, "m": 2**20, "g": 2**30}.get(text[-1:].lower(), 1)
    try:
        value = int(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a frame size: {text!r}") from None
    if not 512 <= value <= 0xFFFFFFFF:
        raise argparse.ArgumentTypeError(f"a frame size is 512 to 4294967295 bytes, not {value}")
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
    unknown = [name for name in names if name not in FRAME_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown performative {', '.join(map(repr, unknown)) or repr(text)}; "
            f"one of: {', '.join(PERFORMATIVE_NAMES)}, or an AMQP 0-9-1 frame: "
            "a method (basic.publish ...), content-header, content-body"
        )
    return names


def values_misuse(args: argparse.Namespace) -> str | None:
    """The usage error of ``--values`` given with what does not apply to a value dump, if any."""
    if args.values and (
        args.c2s
        or args.s2c
        or len(args.files) != 1
        or args.json
        or args.plain_json
        or args.channel
        or args.performative
        or args.messages_only
        or args.errors_only
        or args.fail_on_peer_error
    ):
        return "--values takes one FILE and none of --c2s, --s2c, --json, --fail-on-peer-error or the filters"
    if args.encodings and args.plain_json:
        return "--encodings shows what --json's typed values were written with; --plain-json has no types"
    return None


def assign_inputs(args: argparse.Namespace) -> list[tuple[str, str | None]]:
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
