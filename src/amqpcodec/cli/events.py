"""The events of the CLI's output: what decoding a direction, or a capture, yields.

Strategy: plain frozen dataclasses, one per kind of line (or JSON object) the output
shows, made by :mod:`amqpcodec.cli.direction` (one direction's bytes:
``HeaderEvent`` ... ``ResyncEvent``, ``GapEvent``) and :mod:`amqpcodec.cli.capture` (a
capture's connections: ``ConnectionEvent``, ``ConnectionEndEvent``, and ``Stamped``,
an event with its connection and packet time), read by the renderers and the summary.
Offsets are in the capture's terms (a stream's ``base`` added).  This module also names
frame bodies (:func:`performative_name`, :data:`PERFORMATIVE_NAMES`) and builds an
``ErrorEvent`` from an exception (:func:`error_event`), and says how the decoders
read strings (:data:`UNICODE_ERRORS`), so that the decoders and the renderers agree on
all three.
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

from .. import performatives as _performatives
from ..amqp091 import BodyFrame, HeaderFrame, HeartbeatFrame, MethodFrame
from ..amqp091 import Message as Message091
from ..amqp091.methods import METHODS
from ..errors import DECODE_ERROR, AMQPCodecError
from ..frames import Delivery
from ..message import Message
from ..performatives import Performative, SaslBody
from ..types import Described
from .peer_errors import PeerError

__all__ = [
    "HeaderEvent",
    "FrameEvent",
    "MessageEvent",
    "ErrorEvent",
    "ResyncEvent",
    "GapEvent",
    "Frame091Event",
    "Message091Event",
    "Event",
    "ConnectionEvent",
    "ConnectionEndEvent",
    "Stamped",
    "PacketSpan",
    "performative_name",
    "PERFORMATIVE_NAMES",
    "AMQP091",
    "FRAME_NAMES_091",
    "FRAME_NAMES",
    "frame_name_091",
    "error_event",
    "UNICODE_ERRORS",
]

#: How the CLI decodes strings (the codec's ``unicode_errors``): a string that is not
#: UTF-8 (Part 1 §1.6.20 requires it; some peers write bytes as strings) keeps each bad
#: byte as a surrogate U+DC80..U+DCFF instead of failing its frame or message, and the
#: renderers show those as the bytes, marked (``text_values.string_text``, and the JSON
#: form's ``"utf8": false``).
UNICODE_ERRORS = "surrogateescape"


@dataclasses.dataclass(frozen=True, slots=True)
class HeaderEvent:
    """A protocol header (§2.2), or the start of a stream that is not AMQP 1.0.

    ``protocol`` is ``AMQP``, ``SASL``, ``TLS`` or a name such as ``AMQP 0-9-1``;
    ``skipped`` counts the bytes after it left undecoded (encrypted or unsupported).
    """

    direction: str
    offset: int
    protocol: str
    version: str | None
    supported: bool
    skipped: int | None = None
    note: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class FrameEvent:
    """One frame (§2.3): ``name`` is the performative's spec name, ``heartbeat`` for an
    empty frame, ``described`` for an unknown descriptor; ``peer_error``: what the peer
    complains of in it, if anything (:mod:`amqpcodec.cli.peer_errors`); ``body``: the
    frame body's bytes (its performative), kept only for ``--encodings``."""

    direction: str
    offset: int
    size: int
    frame_type: int
    channel: int
    name: str
    performative: Any
    payload_size: int
    note: str | None = None
    peer_error: PeerError | None = None
    body: bytes | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class MessageEvent:
    """A completed delivery (§2.6.12) and its message (``None`` unless message-format 0).

    ``offset`` is its first transfer frame's; ``last_offset`` its last one's; ``end`` the
    offset after its last frame's last byte (None: not known)."""

    direction: str
    offset: int
    last_offset: int
    frames: int
    delivery: Delivery
    message: Message | None
    end: int | None = None


#: The ``protocol`` of the events of an AMQP 0-9-1 stream (JSON ``"protocol": "0-9-1"``).
AMQP091 = "0-9-1"

#: An AMQP 0-9-1 frame as the reader yields it (its ``offset`` the reader's; the event's is the stream's).
Frame091 = MethodFrame | HeaderFrame | BodyFrame | HeartbeatFrame


@dataclasses.dataclass(frozen=True, slots=True)
class Frame091Event:
    """One AMQP 0-9-1 frame (0-9-1 §2.3.5, §4.2.3): ``name`` is its method's spec name
    (``basic.deliver``), ``content-header``, ``content-body`` or ``heartbeat``; ``size``
    the whole frame's bytes, ``payload_size`` its payload's; ``peer_error``: what the
    peer complains of in it, if anything (:mod:`amqpcodec.cli.peer_errors`)."""

    direction: str
    offset: int
    size: int
    channel: int
    name: str
    frame: Frame091
    payload_size: int
    note: str | None = None
    peer_error: PeerError | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Message091Event:
    """An assembled AMQP 0-9-1 content (0-9-1 §2.3.5.2, §4.2.6): its method, properties
    and body.  ``offset`` is its method frame's; ``last_offset`` its last frame's; ``end``
    the offset after its last frame's last byte (None: not known)."""

    direction: str
    offset: int
    last_offset: int
    frames: int
    message: Message091
    end: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ErrorEvent:
    """Bytes that could not be decoded: ``error`` names the exception class.  In an
    AMQP 0-9-1 stream ``protocol`` is :data:`AMQP091` and ``reply_code`` the code a peer
    would close with (0-9-1 §1.2.2 reply codes), if the error has one."""

    direction: str
    offset: int
    error: str
    condition: str | None
    message: str
    frame_offset: int | None = None
    protocol: str | None = None
    reply_code: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ResyncEvent:
    """Bytes skipped from ``offset`` to ``to`` (``None``: to the end) to find a frame;
    ``protocol`` is :data:`AMQP091` in an AMQP 0-9-1 stream."""

    direction: str
    offset: int
    to: int | None
    skipped: int
    reason: str
    protocol: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class GapEvent:
    """``size`` bytes from ``offset`` are missing from a capture (packets it lost);
    ``lost_from``: where the bytes before the gap that could not be decoded start (a
    frame the gap cut short), if any."""

    direction: str
    offset: int
    size: int
    reason: str
    lost_from: int | None = None


Event = (
    HeaderEvent
    | FrameEvent
    | MessageEvent
    | ErrorEvent
    | ResyncEvent
    | GapEvent
    | Frame091Event
    | Message091Event
)


# --------------------------------------------------------------------------- captures


@dataclasses.dataclass(frozen=True, slots=True)
class ConnectionEvent:
    """A connection found in a capture: its endpoints (``address:port``), how it was
    found (``header``: a stream opened with ``AMQP``; ``port``: ``--port``;
    ``default-port``: on 5672 or 5671 without a protocol header), whether its
    TCP handshake was captured (else offsets count from the first byte seen), and the
    time of its first packet."""

    connection: int
    client: str
    server: str
    found: str
    handshake: bool
    start: int | None


@dataclasses.dataclass(frozen=True, slots=True)
class ConnectionEndEvent:
    """A connection is over: ``fin`` (closed by both sides), ``rst`` (reset), ``capture``
    (still open when the capture ended) or ``reused`` (a new connection took its ports);
    the bytes of each direction, gaps included."""

    connection: int
    reason: str
    c2s: int
    s2c: int


@dataclasses.dataclass(frozen=True, slots=True)
class Stamped:
    """An event of a capture: its connection's number, and the time (ns since the epoch;
    None for a packet block without one) of the packet that completed it, shown with
    ``digits`` fractional digits.  ``packets``: the numbers of the capture's packets
    (from 1, as tshark counts them) that carried its first and last bytes
    (:mod:`amqpcodec.cli.packets`); for an event that holds no bytes of the stream (a
    connection found or ended, a gap), the packet that completed it, twice."""

    connection: int
    time: int | None
    digits: int
    event: Event | ConnectionEvent | ConnectionEndEvent
    packets: PacketSpan | None = None


class PacketSpan(NamedTuple):
    """The numbers of the first and last packets that carried an event's bytes (equal
    when one packet carried them all); None where the packet is not known."""

    first: int | None
    last: int | None


# --------------------------------------------------------------------------- names


def performative_name(performative: Any) -> str:
    """The spec name of a frame body: ``open`` ... ``sasl-outcome``, ``heartbeat``, ``described``."""
    if performative is None:
        return "heartbeat"
    if type(performative) is Described:
        return "described"
    return str(performative.SPEC.name)


#: Every frame body name, in spec order (§2.7, Part 5 §5.3.3), and the CLI's two extras.
_BODIES = [getattr(_performatives, name) for name in _performatives.__all__]
PERFORMATIVE_NAMES: tuple[str, ...] = (
    *(cls.SPEC.name for cls in _BODIES if issubclass(cls, SaslBody) and hasattr(cls, "SPEC")),
    *(cls.SPEC.name for cls in _BODIES if issubclass(cls, Performative) and hasattr(cls, "SPEC")),
    "heartbeat",
    "described",
)


#: The names of AMQP 0-9-1 frames that carry no method (0-9-1 §2.3.5.2, §4.2.6-4.2.7).
_CONTENT_HEADER, _CONTENT_BODY = "content-header", "content-body"

#: Every AMQP 0-9-1 frame name, in spec order: the methods (class by class), then the
#: content frames (heartbeats share the 1.0 name ``heartbeat``).
FRAME_NAMES_091: tuple[str, ...] = (
    *(cls.NAME for _, cls in sorted(METHODS.items())),
    _CONTENT_HEADER,
    _CONTENT_BODY,
)

#: Every frame name the CLI shows, counts and filters on: AMQP 1.0's performatives,
#: 0-9-1's frames, then the two extras (``heartbeat``, both protocols', and ``described``).
FRAME_NAMES: tuple[str, ...] = (*PERFORMATIVE_NAMES[:-2], *FRAME_NAMES_091, *PERFORMATIVE_NAMES[-2:])


def frame_name_091(frame: Frame091) -> str:
    """The name of an AMQP 0-9-1 frame: its method's (``basic.deliver``), ``content-header``,
    ``content-body`` or ``heartbeat``."""
    if type(frame) is MethodFrame:
        return frame.method.NAME
    if type(frame) is HeaderFrame:
        return _CONTENT_HEADER
    if type(frame) is BodyFrame:
        return _CONTENT_BODY
    return "heartbeat"


def error_event(
    direction: str,
    offset: int,
    error: AMQPCodecError | str,
    frame_offset: int | None,
    *,
    protocol: str | None = None,
) -> ErrorEvent:
    """The ``error`` event for ``error`` at stream offset ``offset`` (a string: a
    ``DecodeError`` of this text); ``frame_offset``: where its frame starts, if known;
    ``protocol``: :data:`AMQP091` for an AMQP 0-9-1 stream (the event then carries the
    error's ``reply_code``)."""
    condition: str | None
    if isinstance(error, str):
        name, condition, text = "DecodeError", DECODE_ERROR, error
    else:
        name, condition, text = (
            type(error).__name__,
            error.condition,
            str(error.args[0]) if error.args else "",
        )
    reply_code = None
    if protocol is not None and not isinstance(error, str):
        code = getattr(error, "reply_code", None)
        reply_code = None if code is None else int(code)
    return ErrorEvent(direction, offset, name, condition, text, frame_offset, protocol, reply_code)
