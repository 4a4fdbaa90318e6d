"""Writing AMQP 0-9-1 frames (0-9-1 §2.3.5, §4.2.3-4.2.7).

Strategy: a frame is the 7-byte header (type, channel, payload size), the payload and
the frame-end octet, joined once (``b"".join``: a body's bytes are copied once).  Method
and content-header payloads come from :mod:`.payloads` (``method_payload``,
``content_header_payload``); the layout comes from :mod:`.frames`.  The single-frame
writers return ``bytes``; :func:`encode_message` returns one ``bytes`` per frame, so a
caller can interleave other channels' frames between them or write them with one
``writelines``.

Decisions where the contract is silent:

- A channel is an int from 0 to 65535 (``EncodeError`` at ``channel`` otherwise); a body
  payload is ``bytes``, ``bytearray`` or a contiguous ``memoryview`` (``UnsupportedTypeError``
  otherwise, ``EncodeError`` for a non-contiguous view); a payload over 4 GiB - 1 bytes
  cannot be framed (``EncodeError``).
- ``encode_frame(HeaderFrame(...))`` writes ``weight``, which conforming peers keep 0
  (§4.2.6.1), as the event holds it, so a header frame read from the wire re-encodes to
  its bytes; ``encode_frame(HeartbeatFrame(...))`` ignores its offset, as every writer
  ignores an event's.
- ``encode_message``: ``frame_max`` is the negotiated frame-max (0: no limit); body
  frames carry at most ``frame_max - 8`` bytes (so a frame never exceeds it, §4.2.3);
  the content header's class is the method's, and a method without content
  (``HAS_CONTENT`` false) is an ``EncodeError``, as is a bool or negative
  ``frame_max``.

With the compiled backend, ``encode_method``, ``encode_content_header`` and
``encode_message`` first try their compiled twins (handed ``reader.FRAME_PLAN``); a twin
returns ``None`` for anything outside the usual form and the code below, the reference,
then runs on the same arguments, so the bytes and errors are its own.
"""

from __future__ import annotations

from typing import Any

from .._backend import current
from .._buffers import payload_bytes
from ..errors import EncodeError, UnsupportedTypeError
from ..frames.records import ProtocolHeader
from .constants import FRAME_BODY, FRAME_HEADER, FRAME_HEARTBEAT, FRAME_METHOD
from .frames import (
    _FRAME_END_BYTE,
    _FRAME_HEADER,
    _MAX_CHANNEL,
    _MAX_PAYLOAD,
    FRAME_OVERHEAD,
    BodyFrame,
    Event,
    HeaderFrame,
    HeartbeatFrame,
    MethodFrame,
)
from .methods import Method
from .payloads import content_header_payload, method_payload
from .properties import BasicProperties
from .reader import FRAME_PLAN

__all__ = [
    "encode_body",
    "encode_content_header",
    "encode_frame",
    "encode_heartbeat",
    "encode_message",
    "encode_method",
]

_pack_header = _FRAME_HEADER.pack
_join = b"".join
_HEARTBEAT = _pack_header(FRAME_HEARTBEAT, 0, 0) + _FRAME_END_BYTE

Buffer = bytes | bytearray | memoryview


def _check_channel(channel: Any) -> None:
    if type(channel) is not int or not 0 <= channel <= _MAX_CHANNEL:
        raise EncodeError(f"a channel is a short from 0 to 65535, not {channel!r}", path="channel")


def _frame(frame_type: int, channel: int, payload: Buffer) -> bytes:
    """One frame (§4.2.3): header, ``payload``, frame-end octet."""
    size = len(payload) if type(payload) is not memoryview else payload.nbytes
    if size > _MAX_PAYLOAD:
        raise EncodeError(
            f"a {size}-byte payload does not fit a frame (at most {_MAX_PAYLOAD} bytes)", path="payload"
        )
    return _join((_pack_header(frame_type, channel, size), payload, _FRAME_END_BYTE))


def _check_method(method: Any) -> Method:
    if not isinstance(method, Method):
        raise UnsupportedTypeError(
            f"a method frame holds a Method, not {type(method).__name__}", path="method"
        )
    return method


def encode_method(method: Method, *, channel: int = 0) -> bytes:
    """A method frame (§2.3.5.1, §4.2.4) carrying ``method`` on ``channel``."""
    compiled = current().compiled
    if compiled is not None:
        found = compiled.encode_method091(method, channel, FRAME_PLAN)
        if found is not None:
            return found
    _check_channel(channel)
    return _frame(FRAME_METHOD, channel, method_payload(_check_method(method)))


def encode_content_header(
    properties: BasicProperties | None, body_size: int, *, channel: int, class_id: int = 60
) -> bytes:
    """A content-header frame (§2.3.5.2, §4.2.6.1): ``properties`` (None: no flag set)
    and the size of the body that follows, for content of ``class_id`` (basic: 60)."""
    compiled = current().compiled
    if compiled is not None:
        found = compiled.encode_content_header091(properties, body_size, class_id, 0, channel, FRAME_PLAN)
        if found is not None:
            return found
    _check_channel(channel)
    return _frame(FRAME_HEADER, channel, content_header_payload(properties, body_size, class_id))


def encode_body(payload: Buffer, *, channel: int) -> bytes:
    """A content-body frame (§2.3.5.2, §4.2.6.2) carrying ``payload``."""
    _check_channel(channel)
    return _frame(FRAME_BODY, channel, payload_bytes(payload, "a content body"))


def encode_heartbeat() -> bytes:
    """A heartbeat frame (§4.2.7): type 8, channel 0, no payload."""
    return _HEARTBEAT


def _header_frame(event: HeaderFrame) -> bytes:
    payload = content_header_payload(event.properties, event.body_size, event.class_id, event.weight)
    _check_channel(event.channel)
    return _frame(FRAME_HEADER, event.channel, payload)


def encode_frame(event: Event) -> bytes:
    """The bytes of any event a :class:`~amqpcodec.amqp091.FrameReader` yields (a
    ``ProtocolHeader`` included): what the reader reads back as that event."""
    if isinstance(event, MethodFrame):
        return encode_method(event.method, channel=event.channel)
    if isinstance(event, BodyFrame):
        return encode_body(event.payload, channel=event.channel)
    if isinstance(event, HeaderFrame):
        return _header_frame(event)
    if isinstance(event, HeartbeatFrame):
        return _HEARTBEAT
    if isinstance(event, ProtocolHeader):
        return bytes(event)
    raise UnsupportedTypeError(f"encode_frame takes a reader event, not {type(event).__name__}", path="event")


def _check_frame_max(frame_max: Any) -> int:
    if type(frame_max) is not int or not 0 <= frame_max <= _MAX_PAYLOAD:
        raise EncodeError(
            f"frame_max is an int from 0 (no limit) to 4294967295, not {frame_max!r}", path="frame_max"
        )
    if 0 < frame_max <= FRAME_OVERHEAD:
        raise EncodeError(
            f"frame_max {frame_max} leaves no room for a body byte (a frame takes 8 bytes besides its payload)",
            path="frame_max",
        )
    return frame_max


def _fits(frame: bytes, frame_max: int, what: str) -> bytes:
    if frame_max and len(frame) > frame_max:
        raise EncodeError(
            f"the {what} frame takes {len(frame)} bytes, more than frame_max {frame_max} "
            "(method and header frames cannot be split, §4.2.6)",
            path=what,
        )
    return frame


def encode_message(
    method: Method, properties: BasicProperties | None, body: Buffer, *, channel: int, frame_max: int
) -> list[bytes]:
    """A content's frames (§4.2.6): the method, the content header, then the body split
    into frames of at most ``frame_max`` bytes (0: one body frame; an empty body: none)."""
    compiled = current().compiled
    if compiled is not None:
        found = compiled.encode_message091(method, properties, body, channel, frame_max, FRAME_PLAN)
        if found is not None:
            return found
    _check_channel(channel)
    _check_method(method)
    if not method.HAS_CONTENT:
        raise EncodeError(f"{method.NAME} carries no content (§2.3.5.2)", path="method")
    limit = _check_frame_max(frame_max)
    data = payload_bytes(body, "a content body")
    size = len(data) if type(data) is not memoryview else data.nbytes
    frames = [
        _fits(_frame(FRAME_METHOD, channel, method_payload(method)), limit, "method"),
        _fits(
            _frame(FRAME_HEADER, channel, content_header_payload(properties, size, method.CLASS_ID)),
            limit,
            "header",
        ),
    ]
    step = limit - FRAME_OVERHEAD if limit else max(size, 1)
    frames.extend(_frame(FRAME_BODY, channel, data[at : at + step]) for at in range(0, size, step))
    return frames
