"""Finding the next frame in damaged bytes (OASIS AMQP 1.0 Part 2 §2.3.1, Part 5 §5.3.1).

Strategy: one scanner, :func:`scan_for_frame`, tries each offset in turn and keeps the
first where a plausible frame begins: a well-formed header, a body opening with a
performative descriptor of its frame type, and after the frame the end of the bytes or
another plausible header or frame.  Every test looks at fixed bytes after the offset, so
the scan is linear and builds nothing.  The same scan serves bytes that are complete
(``final=True``: :func:`~amqpcodec.frames.find_frame_boundary`, for a whole capture) and a stream that may
still grow (``final=False``), where it stops at the first offset whose verdict later
bytes could change and says so (:class:`NeedMore`) instead of guessing: fed the rest of
the stream and scanned again from there, it finds exactly the frame the whole stream
gives.  A reader never resynchronises by itself; this is for a damaged capture (the CLI).

Decisions where the contract is silent:

- ``find_frame_boundary`` only proposes offsets whose header and performative
  descriptor (matching the frame type) are wholly in ``buf``; protocol headers are not
  proposed, though one may be the frame's follower.
- On a stream that may grow, an offset is left undecided (``NeedMore``) while its
  frame's descriptor could still be cut short (the frame not wholly in and fewer than
  10 of its body bytes), while no byte after the frame is in, and while what follows
  the frame is too short to tell (fewer than 4 bytes, or a plausible frame header whose
  descriptor may still be cut short); offsets in the last 7 bytes are always undecided.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, overload

from .._composite import REGISTRY
from ..limits import DEFAULT_LIMITS, Limits
from .records import _BODY_CLASS, _FRAME_HEADER, _FRAME_HEADER_SIZE, _MAGIC, _MIN_DOFF

__all__ = ["NeedMore", "find_frame_boundary", "scan_for_frame"]

#: Numeric descriptors of the bodies each frame type may carry (§2.7, Part 5 §5.3.3).
_BODY_CODES: dict[int, frozenset[int]] = {
    frame_type: frozenset(int(cls.DESCRIPTOR) for cls in set(REGISTRY.values()) if issubclass(cls, base))
    for frame_type, base in _BODY_CLASS.items()
}

#: The most body bytes a performative descriptor takes (``00 80`` and a full-width ulong).
_LONGEST_DESCRIPTOR = 10


@dataclasses.dataclass(frozen=True, slots=True)
class NeedMore:
    """What :func:`scan_for_frame` returns on a stream that may grow when its bytes so far
    do not decide: no frame begins before ``at``, and whether one begins at ``at`` (or
    after it) awaits more bytes.  Keep the bytes from ``at`` on and scan again from it."""

    at: int


def _known_descriptor(data: Any, at: int, stop: int, frame_type: int) -> bool:
    """Whether ``data[at:stop]`` opens with a described performative of ``frame_type``."""
    if at + 3 > stop or data[at] != 0x00:
        return False
    if data[at + 1] == 0x53:  # smallulong
        code = data[at + 2]
    elif data[at + 1] == 0x80 and at + 10 <= stop:  # ulong
        code = int.from_bytes(data[at + 2 : at + 10], "big")
    else:
        return False
    return code in _BODY_CODES[frame_type]


def _plausible_header(data: Any, at: int, n: int, limits: Limits) -> tuple[int, int, int] | None:
    """SIZE, DOFF and TYPE if the 8 bytes at ``at`` make a well-formed frame header."""
    size, doff, frame_type, _ = _FRAME_HEADER.unpack_from(data, at)
    if frame_type not in _BODY_CLASS or doff < _MIN_DOFF or doff * 4 > size or size > limits.max_frame_size:
        return None
    return size, doff, frame_type


def _plausible_follower(data: Any, at: int, n: int, limits: Limits) -> bool:
    """Whether what starts at ``at`` (possibly cut short by the end of ``data``) may be a
    protocol header or a frame."""
    head = bytes(data[at : at + 4])
    if _MAGIC.startswith(head):
        return True
    if n - at < _FRAME_HEADER_SIZE:
        rest = bytes(data[at:n]) + b"\x00" * (_FRAME_HEADER_SIZE - (n - at))
        size, doff, frame_type, _ = _FRAME_HEADER.unpack(rest)
        available = n - at
        return (
            (available < 4 or _FRAME_HEADER_SIZE <= size <= limits.max_frame_size)
            and (available < 5 or doff >= _MIN_DOFF)
            and (available < 6 or frame_type in _BODY_CLASS)
        )
    header = _plausible_header(data, at, n, limits)
    if header is None:
        return False
    size, doff, frame_type = header
    body_at = at + doff * 4
    if size == doff * 4 or body_at + 3 > n:
        return True
    return _known_descriptor(data, body_at, min(at + size, n), frame_type)


def _follower_decided(data: Any, at: int, n: int, limits: Limits) -> bool:
    """Whether ``_plausible_follower(data, at, n, limits)`` would say the same with more bytes."""
    if n - at < len(_MAGIC):
        return False
    if bytes(data[at : at + 4]) == _MAGIC:
        return True
    if n - at < _FRAME_HEADER_SIZE:
        return False
    header = _plausible_header(data, at, n, limits)
    if header is None:
        return True
    size, doff, _ = header
    body, end = at + doff * 4, at + size
    return size == doff * 4 or (n >= body + 3 and n >= end) or n >= body + _LONGEST_DESCRIPTOR


def _frame_at(data: Any, at: int, n: int, limits: Limits, final: bool) -> bool | None:
    """Whether a plausible frame begins at ``at`` (its header's quick tests passed); None
    when ``final`` is false and more bytes could change the answer."""
    header = _plausible_header(data, at, n, limits)
    if header is None:
        return False
    size, doff, frame_type = header
    body, end = at + doff * 4, at + size
    if not final and end > n and n < body + _LONGEST_DESCRIPTOR:
        return None
    if not _known_descriptor(data, body, min(end, n), frame_type):
        return False
    if end >= n:
        return True if final else None
    if not final and not _follower_decided(data, end, n, limits):
        return None
    return _plausible_follower(data, end, n, limits)


@overload
def scan_for_frame(
    data: bytes | bytearray | memoryview, start: int, *, limits: Limits = ..., final: Literal[True] = ...
) -> int | None: ...
@overload
def scan_for_frame(
    data: bytes | bytearray | memoryview, start: int, *, limits: Limits = ..., final: bool
) -> int | NeedMore | None: ...
def scan_for_frame(
    data: bytes | bytearray | memoryview, start: int, *, limits: Limits = DEFAULT_LIMITS, final: bool = True
) -> int | NeedMore | None:
    """The first offset ≥ ``start`` in ``data`` where a plausible frame begins.

    ``final``: ``data`` is all there is (or all before a gap), and the answer is an
    offset or None (:func:`~amqpcodec.frames.find_frame_boundary`).  Not ``final``: ``data`` is a stream's
    bytes so far, and the answer is the offset only when more bytes could not change
    it, else :class:`NeedMore` (never None: a frame may begin in bytes still to come).
    """
    view: Any = data if type(data) in (bytes, bytearray) else memoryview(data).cast("B")
    n = len(view)
    start = max(start, 0)
    last = n - _FRAME_HEADER_SIZE + 1
    for at in range(start, last):
        if view[at + 5] not in _BODY_CLASS or view[at + 4] < _MIN_DOFF:
            continue
        found = _frame_at(view, at, n, limits, final)
        if found:
            return at
        if found is None:
            return NeedMore(at)
    return None if final else NeedMore(max(start, last))


def find_frame_boundary(
    buf: bytes | bytearray | memoryview, start: int, *, limits: Limits = DEFAULT_LIMITS
) -> int | None:
    """The first offset ≥ ``start`` in ``buf`` where a plausible frame begins, or None.

    Plausible (§2.3.1): SIZE within ``limits.max_frame_size``, DOFF ≥ 2, DOFF*4 ≤ SIZE,
    TYPE 0x00 or 0x01, a body opening with a performative descriptor of that frame type
    (``00 53 xx`` or ``00 80 <8 bytes>``), and, when the whole frame is in ``buf``, the
    end of ``buf`` or another plausible header or frame right after it.  For resyncing a
    damaged capture (the CLI); a reader never does this by itself.
    """
    return scan_for_frame(buf, start, limits=limits)
