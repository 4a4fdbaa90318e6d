"""Reading a stream every way a socket may deliver it: whole, byte by byte, and with a
trailing partial frame (every streaming test feeds its bytes all three ways)."""

from __future__ import annotations

from typing import Any

import pytest

from amqpcodec import DEFAULT_LIMITS, IncompleteError, Limits
from amqpcodec.frames import NEED_DATA, FrameReader

__all__ = ["CLOSE", "HEARTBEAT", "PARTIAL", "h", "new_reader", "read_all_ways"]

HEARTBEAT = bytes.fromhex("00000008 02 00 0000")
#: A close frame with no error: SIZE 12, DOFF 2, type 0, channel 0, 00 53 18 45.
CLOSE = bytes.fromhex("0000000c 02 00 0000 00531845")
#: What read_all_ways appends for its third reading: a heartbeat short of its last byte.
PARTIAL = HEARTBEAT[:-1]


def h(text: str) -> bytes:
    """Hex with spaces and ``#`` comments allowed."""
    return bytes.fromhex(" ".join(line.split("#")[0] for line in text.splitlines()))


def new_reader(limits: Limits, expect_header: bool, max_frame_size: int | None) -> FrameReader:
    reader = FrameReader(limits=limits, expect_header=expect_header)
    if max_frame_size is not None:
        reader.max_frame_size = max_frame_size
    return reader


def read_all_ways(
    data: bytes,
    *,
    limits: Limits = DEFAULT_LIMITS,
    expect_header: bool = True,
    max_frame_size: int | None = None,
) -> list[Any]:
    """The events in ``data``, read whole, byte by byte, and with a trailing partial frame.

    All three readings must agree; the third must end in ``NEED_DATA`` and make
    ``feed_eof()`` raise ``IncompleteError`` at the partial frame's offset.
    """
    reader = new_reader(limits, expect_header, max_frame_size)
    reader.feed(data)
    whole = list(reader)
    assert reader.next_event() is NEED_DATA
    assert reader.offset == len(data) and reader.buffered == 0
    reader.feed_eof()

    reader = new_reader(limits, expect_header, max_frame_size)
    bytewise: list[Any] = []
    for index in range(len(data)):
        reader.feed(data[index : index + 1])
        bytewise.extend(reader)
    reader.feed_eof()
    assert bytewise == whole

    reader = new_reader(limits, expect_header, max_frame_size)
    reader.feed(data + PARTIAL)
    assert list(reader) == whole
    assert reader.next_event() is NEED_DATA
    with pytest.raises(IncompleteError) as info:
        reader.feed_eof()
    assert info.value.offset == len(data)
    return whole
