"""What a frame stream is made of: protocol headers, frames, and the layout of both
(OASIS AMQP 1.0 Part 2 §2.2-2.3.1, Part 5 §5.2.1, §5.3.1-5.3.2).

Strategy: the facts the reader, the writer and the resynchronising scanner share are
written here once: the 8-byte frame header's ``struct`` and bounds, the frame types by
the base class of their bodies, the protocol header's magic, ids and version, and the
names of the headers of earlier AMQP versions.  The events are frozen, slotted
dataclasses (:class:`ProtocolHeader`, :class:`Frame`) that pickle on every supported
Python; :data:`NEED_DATA` is h11's one-member-enum sentinel.  An error raised for a
frame carries ``frame_offset`` (the frame's first byte) in its ``__dict__``, so it
pickles with it (:func:`_in_frame`).
"""

from __future__ import annotations

import dataclasses
import enum
import struct
from typing import Any, Final, TypeVar

from .._composite import Composite
from ..errors import DecodeError
from ..performatives import Performative, SaslBody
from ..types import Described

__all__ = [
    "AMQP_HEADER",
    "SASL_HEADER",
    "TLS_HEADER",
    "Event",
    "Frame",
    "NEED_DATA",
    "NeedData",
    "ProtocolHeader",
    "describe_other_protocol",
]

# §2.3.1: SIZE (uint, the whole frame), DOFF (ubyte, 4-byte words up to the body),
# TYPE (ubyte), then two type-specific bytes: the channel of an AMQP frame.
_FRAME_HEADER = struct.Struct(">IBBH")
_FRAME_HEADER_SIZE = _FRAME_HEADER.size
_MIN_DOFF = 2
_MAX_SIZE = 0xFFFFFFFF
_MAX_CHANNEL = 0xFFFF

#: Frame types (§2.3.1, Part 5 §5.3.1) by the base class of their bodies; each code is
#: written once, as the class's FRAME_TYPE.
_BODY_CLASS: dict[int, type[Composite]] = {cls.FRAME_TYPE: cls for cls in (Performative, SaslBody)}
_AMQP_FRAME: Final = Performative.FRAME_TYPE
_SASL_FRAME: Final = SaslBody.FRAME_TYPE

# §2.2 (id 0), Part 5 §5.2.1 (id 2, TLS) and §5.3.2 (id 3, SASL): "AMQP" id major minor revision.
_MAGIC = b"AMQP"

#: The AMQP 1.0 protocol headers (Part 2 §2.2, Part 5 §5.2.1 and §5.3.2): what a client
#: sends first, and a server answers with, for the AMQP, TLS and SASL layers.
AMQP_HEADER: Final = b"AMQP\x00\x01\x00\x00"
TLS_HEADER: Final = b"AMQP\x02\x01\x00\x00"
SASL_HEADER: Final = b"AMQP\x03\x01\x00\x00"
_PROTOCOL_HEADER_SIZE = 8
_VERSION = b"\x01\x00\x00"
_PROTOCOL_NAMES = {0: "AMQP", 2: "TLS", 3: "SASL"}

#: Headers of earlier AMQP versions (as RabbitMQ's reader knows them).
_OTHER_AMQP = {
    b"\x00\x00\x09\x01": "AMQP 0-9-1",
    b"\x01\x01\x00\x09": "AMQP 0-9",
    b"\x01\x01\x08\x00": "AMQP 0-8",
    b"\x01\x01\x09\x01": "AMQP 0-8",  # the header printed in the 0-8 specification
    b"\x01\x01\x00\x0a": "AMQP 0-10",
}


def describe_other_protocol(raw: bytes) -> str | None:
    """The earlier AMQP version (``"AMQP 0-9-1"``, ...) whose protocol header the 8 bytes
    ``raw`` are, or None when they are not one of those headers (§2.2 asks a peer to
    name the protocol it was offered)."""
    if raw[:4] != _MAGIC:
        return None
    return _OTHER_AMQP.get(bytes(raw[4:8]))


#: How an HTTP request starts (a WebSocket upgrade, or a browser at the AMQP port).
_HTTP_STARTS = (b"GET ", b"POST", b"PUT ", b"HEAD", b"HTTP", b"OPTI", b"DELE", b"PATC", b"CONN")


def describe_non_amqp(raw: bytes) -> str:
    """What the first 8 bytes of a stream that are not ``AMQP`` are: a TLS record, an
    HTTP request, or unknown bytes (shared by the AMQP 1.0 and 0-9-1 readers)."""
    if raw[0] == 0x16 and raw[1] == 0x03 and raw[2] <= 0x04:
        return "a TLS record (TLS must be unwrapped before the AMQP stream is read)"
    if raw.startswith(_HTTP_STARTS):
        return f"an HTTP request ({raw!r}; AMQP over WebSocket must be unwrapped first)"
    return f"not a protocol header ({raw!r})"


def _hex(data: bytes) -> str:
    """hyperframe's style: payloads shown as truncated hex."""
    if not data:
        return "b''"
    more = "..." if len(data) > 20 else ""
    return f"<{len(data)} bytes: {data[:20].hex()}{more}>"


_R = TypeVar("_R", bound="_Record")


class _Record:
    """Pickling for frozen slotted dataclasses on every supported Python (3.10 included)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        return (_rebuild_record, (type(self), fields))


def _rebuild_record(cls: type[_R], fields: dict[str, Any]) -> _R:
    return cls(**fields)


# --------------------------------------------------------------------------- events


@dataclasses.dataclass(frozen=True, slots=True)
class ProtocolHeader(_Record):
    """A protocol header (§2.2; TLS Part 5 §5.2.1; SASL §5.3.2): ``b"AMQP"`` id major minor revision.

    ``protocol_id`` is 0 for AMQP, 2 for TLS, 3 for SASL; ``bytes(header)`` gives the
    8 bytes.  ``offset`` is where it starts in the stream read.  The version is given by
    keyword (``ProtocolHeader(0, 3, major=1)``), so that a call meaning the four bytes
    after ``AMQP`` (``ProtocolHeader(0, 1, 0, 0)``) is a ``TypeError``, not a header at
    another offset.  :data:`AMQP_HEADER`, :data:`SASL_HEADER` and :data:`TLS_HEADER` are
    the 1.0 headers' bytes.
    """

    offset: int
    protocol_id: int
    _: dataclasses.KW_ONLY
    major: int = 1
    minor: int = 0
    revision: int = 0

    def __bytes__(self) -> bytes:
        return _MAGIC + bytes((self.protocol_id, self.major, self.minor, self.revision))

    @property
    def layer(self) -> str:
        """``"AMQP"``, ``"TLS"`` or ``"SASL"`` (``"unknown"`` for any other id)."""
        return _PROTOCOL_NAMES.get(self.protocol_id, "unknown")


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Frame(_Record):
    """One frame (§2.3.1): its stream offset, TYPE, channel, extended header and body.

    ``performative`` is the typed body (a :class:`~amqpcodec.performatives.Performative`
    or :class:`~amqpcodec.performatives.SaslBody`), the generic ``Described`` for an AMQP
    frame with an unknown descriptor, or ``None`` for an empty (heartbeat) frame;
    ``payload`` holds the body bytes after the performative (§2.3.2), ``b""`` if none.
    """

    offset: int
    type: int
    channel: int
    extended_header: bytes
    performative: Performative | SaslBody | Described | None
    payload: bytes

    def __repr__(self) -> str:
        extended = f", extended_header={_hex(self.extended_header)}" if self.extended_header else ""
        return (
            f"Frame(offset={self.offset}, type={self.type}, channel={self.channel}{extended}, "
            f"performative={self.performative!r}, payload={_hex(self.payload)})"
        )


_new_object = object.__new__
_FRAME_SLOTS = tuple(Frame.__dict__[f.name].__set__ for f in dataclasses.fields(Frame))


def _new_frame(
    offset: int, frame_type: int, channel: int, extended: bytes, performative: Any, payload: bytes
) -> Frame:
    """``Frame(...)`` without the frozen dataclass's ``__init__`` (a third of its cost): the reader's fast path."""
    frame: Frame = _new_object(Frame)
    set_offset, set_type, set_channel, set_extended, set_performative, set_payload = _FRAME_SLOTS
    set_offset(frame, offset)
    set_type(frame, frame_type)
    set_channel(frame, channel)
    set_extended(frame, extended)
    set_performative(frame, performative)
    set_payload(frame, payload)
    return frame


class NeedData(enum.Enum):
    """The type of :data:`NEED_DATA` (h11's sentinel pattern: a one-member enum)."""

    NEED_DATA = "NEED_DATA"

    def __repr__(self) -> str:
        return "NEED_DATA"


#: Returned by :meth:`FrameReader.next_event` when more bytes are needed.
NEED_DATA: Final = NeedData.NEED_DATA

Event = ProtocolHeader | Frame


def _in_frame(error: DecodeError, frame_offset: int) -> DecodeError:
    """``error``, marked as raised for the frame at ``frame_offset`` (``error.frame_offset``)."""
    error.__dict__["frame_offset"] = frame_offset
    return error
