"""Finding the next AMQP 0-9-1 frame in damaged bytes (0-9-1 §4.2.3).

Strategy: :func:`find_frame_boundary` tries each offset from ``start`` whose octet is a
frame type and keeps the first where a whole plausible frame stands: a 7-byte header
whose payload size is within ``limits.max_frame_size - 8``, the frame-end octet 0xCE
right after the payload, and a payload that fits its type's shape (checked on fixed
bytes only: a heartbeat is empty on channel 0; a method frame opens with a known class
and method id; a content header has room for its 14 fixed bytes and a zero weight).
Nothing is decoded or built, so a scan is linear in the bytes it looks at times the
frames it tries.  It is for a capture tool resynchronising on a damaged stream; a
reader never does this by itself.

Decisions where the contract is silent: only offsets whose whole frame (its frame-end
octet included) is in ``buf`` are proposed, since 0xCE after the payload is the one
strong sign 0-9-1 framing gives; protocol headers are never proposed.
"""

from __future__ import annotations

from typing import Any, Final

from ..limits import DEFAULT_LIMITS, Limits
from .constants import FRAME_END, FRAME_HEADER, FRAME_HEARTBEAT, FRAME_METHOD
from .frames import _FRAME_HEADER, FRAME_HEADER_SIZE, FRAME_OVERHEAD, FRAME_TYPES
from .methods import METHODS

__all__ = ["find_frame_boundary"]

#: A content header's fixed part (§4.2.6.1): class id, weight, body size, one flag word.
_CONTENT_HEADER_FIXED: Final = 14
_CONTENT_CLASSES: Final = frozenset(cls.CLASS_ID for cls in METHODS.values() if cls.HAS_CONTENT)


def _plausible_payload(view: Any, frame_type: int, channel: int, start: int, size: int) -> bool:
    """Whether the ``size``-byte payload at ``start`` fits a ``frame_type`` frame's shape."""
    if frame_type == FRAME_HEARTBEAT:
        return size == 0 and channel == 0
    if frame_type == FRAME_METHOD:
        if size < 4:
            return False
        ids = (view[start] << 8 | view[start + 1], view[start + 2] << 8 | view[start + 3])
        return ids in METHODS
    if frame_type == FRAME_HEADER:
        return (
            size >= _CONTENT_HEADER_FIXED
            and (view[start] << 8 | view[start + 1]) in _CONTENT_CLASSES
            and view[start + 2] == 0
            and view[start + 3] == 0
        )
    return True  # a body frame: any payload


def find_frame_boundary(
    buf: bytes | bytearray | memoryview, start: int, *, limits: Limits = DEFAULT_LIMITS
) -> int | None:
    """The first offset ≥ ``start`` in ``buf`` where a plausible 0-9-1 frame begins, or None.

    Plausible (§4.2.3): type 1, 2, 3 or 8, a payload size within
    ``limits.max_frame_size - 8``, 0xCE right after the payload (all in ``buf``), and a
    payload of its type's shape (see the module's docstring).  For resynchronising a
    damaged capture (a CLI); a reader never does this by itself.
    """
    view: Any = buf if type(buf) in (bytes, bytearray) else memoryview(buf).cast("B")
    n = len(view)
    limit = limits.max_frame_size - FRAME_OVERHEAD
    unpack = _FRAME_HEADER.unpack_from
    for at in range(max(start, 0), n - FRAME_OVERHEAD + 1):
        if view[at] not in FRAME_TYPES:
            continue
        frame_type, channel, size = unpack(view, at)
        end = at + FRAME_HEADER_SIZE + size
        if size > limit or end >= n or view[end] != FRAME_END:
            continue
        if _plausible_payload(view, frame_type, channel, at + FRAME_HEADER_SIZE, size):
            return at
    return None
