"""AMQP 0-9-1 frames: the events a frame reader yields and the frame layout (0-9-1 §2.3.5, §4.2.3).

Strategy: the facts the reader, the writer, the assembler and the boundary finder share
are written here once: the 7-byte frame header (type octet, channel short, payload size
long, §4.2.3), the frame-end octet after the payload, the frame types the reader knows,
and the protocol headers a 0-9-1 peer is served with (§4.2.2).  The frame type codes and
the frame-end value themselves come from :mod:`.constants` (the spec table's).

The events are frozen, slotted dataclasses that pickle on every supported Python (the
1.0 side's ``_Record`` base): :class:`MethodFrame`, :class:`HeaderFrame`,
:class:`BodyFrame` and :class:`HeartbeatFrame`, each with its stream ``offset`` and a
``to_dict()`` built from JSON types only.  Protocol headers are the 1.0 side's
:class:`~amqpcodec.frames.ProtocolHeader` and "more bytes needed" its
:data:`~amqpcodec.frames.NEED_DATA` (the same objects, so one sans-IO loop serves both).
"""

from __future__ import annotations

import dataclasses
import struct
from typing import Any, ClassVar, Final

from ..errors import DecodeError
from ..frames.records import NEED_DATA, NeedData, ProtocolHeader, _hex, _new_object, _Record
from .constants import FRAME_BODY, FRAME_END, FRAME_HEADER, FRAME_HEARTBEAT, FRAME_METHOD, ReplyCode
from .methods import Method
from .payloads import ContentHeader
from .properties import BasicProperties

__all__ = [
    "ACCEPTED_HEADERS",
    "FRAME_HEADER_SIZE",
    "FRAME_OVERHEAD",
    "FRAME_TYPES",
    "NEED_DATA",
    "BodyFrame",
    "Event",
    "HeaderFrame",
    "HeartbeatFrame",
    "MethodFrame",
    "NeedData",
    "ProtocolHeader",
]

# §4.2.3: every frame is a 7-byte header (type octet, channel short, payload size long),
# the payload, then the frame-end octet.
_FRAME_HEADER: Final = struct.Struct(">BHI")
#: Bytes of a frame's header (type, channel, payload size).
FRAME_HEADER_SIZE: Final = _FRAME_HEADER.size
#: What a frame adds to its payload: the header and the frame-end octet (RabbitMQ's
#: "empty frame size"; frame_max counts the whole frame, §4.2.3).
FRAME_OVERHEAD: Final = FRAME_HEADER_SIZE + 1
_FRAME_END_BYTE: Final = bytes((FRAME_END,))
_MAX_CHANNEL: Final = 0xFFFF
_MAX_PAYLOAD: Final = 0xFFFFFFFF
#: The frame types a 0-9-1 stream carries (§4.2.3; 8 is RabbitMQ's heartbeat, errata).
FRAME_TYPES: Final = frozenset((FRAME_METHOD, FRAME_HEADER, FRAME_BODY, FRAME_HEARTBEAT))
_FRAME_TYPE_NAMES: Final = {
    FRAME_METHOD: "method",
    FRAME_HEADER: "content header",
    FRAME_BODY: "content body",
    FRAME_HEARTBEAT: "heartbeat",
}

_MAGIC: Final = b"AMQP"
_PROTOCOL_HEADER_SIZE: Final = 8
#: The protocol headers read as 0-9-1 (§4.2.2): the spec's, and the one of the 0-9 era
#: (protocol id 1, version 0-9) that RabbitMQ still serves as 0-9-1.
ACCEPTED_HEADERS: Final = frozenset((b"AMQP\x00\x00\x09\x01", b"AMQP\x01\x01\x00\x09"))


@dataclasses.dataclass(frozen=True, slots=True)
class MethodFrame(_Record):
    """A method frame (§2.3.5.1, §4.2.4): one method on ``channel``."""

    FRAME_TYPE: ClassVar[int] = FRAME_METHOD

    offset: int
    channel: int
    method: Method

    def to_dict(self) -> dict[str, Any]:
        """``{"type": "method", "offset", "channel", "method": method.to_dict()}``."""
        return {
            "type": "method",
            "offset": self.offset,
            "channel": self.channel,
            "method": self.method.to_dict(),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class HeaderFrame(_Record):
    """A content-header frame (§2.3.5.2, §4.2.6.1): the class, weight (always 0 from a
    conforming peer), body size and properties of the content that follows."""

    FRAME_TYPE: ClassVar[int] = FRAME_HEADER

    offset: int
    channel: int
    class_id: int
    weight: int
    body_size: int
    properties: BasicProperties

    def to_dict(self) -> dict[str, Any]:
        """The frame's fields; ``body_size`` (a longlong) as a decimal string."""
        return {
            "type": "header",
            "offset": self.offset,
            "channel": self.channel,
            "class_id": self.class_id,
            "weight": self.weight,
            "body_size": str(self.body_size),
            "properties": self.properties.to_dict(),
        }


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class BodyFrame(_Record):
    """A content-body frame (§2.3.5.2, §4.2.6.2): one piece of a content's body."""

    FRAME_TYPE: ClassVar[int] = FRAME_BODY

    offset: int
    channel: int
    payload: bytes

    def __repr__(self) -> str:
        return f"BodyFrame(offset={self.offset}, channel={self.channel}, payload={_hex(self.payload)})"

    def to_dict(self) -> dict[str, Any]:
        """The frame's fields; ``payload`` as lowercase hex."""
        return {"type": "body", "offset": self.offset, "channel": self.channel, "payload": self.payload.hex()}


@dataclasses.dataclass(frozen=True, slots=True)
class HeartbeatFrame(_Record):
    """A heartbeat frame (§4.2.7): type 8, channel 0, an empty payload."""

    FRAME_TYPE: ClassVar[int] = FRAME_HEARTBEAT

    offset: int

    def to_dict(self) -> dict[str, Any]:
        """``{"type": "heartbeat", "offset"}``."""
        return {"type": "heartbeat", "offset": self.offset}


#: What a 0-9-1 reader yields.
Event = ProtocolHeader | MethodFrame | HeaderFrame | BodyFrame | HeartbeatFrame

# Slot setters for the reader's fast path (a frozen dataclass's __init__ costs a third more).
_METHOD_SLOTS: Final = tuple(MethodFrame.__dict__[f.name].__set__ for f in dataclasses.fields(MethodFrame))
_BODY_SLOTS: Final = tuple(BodyFrame.__dict__[f.name].__set__ for f in dataclasses.fields(BodyFrame))
_HEADER_SLOTS: Final = tuple(HeaderFrame.__dict__[f.name].__set__ for f in dataclasses.fields(HeaderFrame))


def _new_method_frame(offset: int, channel: int, method: Method) -> MethodFrame:
    """``MethodFrame(offset, channel, method)`` without the frozen dataclass's ``__init__``."""
    frame: MethodFrame = _new_object(MethodFrame)
    set_offset, set_channel, set_method = _METHOD_SLOTS
    set_offset(frame, offset)
    set_channel(frame, channel)
    set_method(frame, method)
    return frame


def _new_body_frame(offset: int, channel: int, payload: bytes) -> BodyFrame:
    """``BodyFrame(offset, channel, payload)`` without the frozen dataclass's ``__init__``."""
    frame: BodyFrame = _new_object(BodyFrame)
    set_offset, set_channel, set_payload = _BODY_SLOTS
    set_offset(frame, offset)
    set_channel(frame, channel)
    set_payload(frame, payload)
    return frame


def _new_header_frame(offset: int, channel: int, header: ContentHeader) -> HeaderFrame:
    """``HeaderFrame(offset, channel, *header)`` without the frozen dataclass's ``__init__``."""
    frame: HeaderFrame = _new_object(HeaderFrame)
    set_offset, set_channel, set_class_id, set_weight, set_body_size, set_properties = _HEADER_SLOTS
    set_offset(frame, offset)
    set_channel(frame, channel)
    set_class_id(frame, header.class_id)
    set_weight(frame, header.weight)
    set_body_size(frame, header.body_size)
    set_properties(frame, header.properties)
    return frame


def _mark(
    error: DecodeError,
    *,
    frame_offset: int | None,
    reply_code: ReplyCode,
    channel: int | None,
    frame_type: int | None,
) -> DecodeError:
    """``error`` with the 0-9-1 attributes a session answers with, in its ``__dict__``
    (so they pickle): ``frame_offset``, ``reply_code`` (unless already set), ``channel``
    and ``frame_type``."""
    state = error.__dict__
    if frame_offset is not None:
        state["frame_offset"] = frame_offset
    if state.get("reply_code") is None:
        state["reply_code"] = reply_code
    if channel is not None:
        state["channel"] = channel
    if frame_type is not None:
        state["frame_type"] = frame_type
    return error
