"""Bounded resources on hostile input, beyond the value layer's (README "Security";
docs: limits-and-security; OASIS AMQP 1.0 Part 1 §1.6, Part 2 §2.3.1 frame SIZE,
§2.7.5 transfer ``more``, Part 3 §3.2 message sections).

Nesting a million levels deep raises the depth error in both backends, at the value,
message and frame layers.  Length claims of 4 GiB (a frame SIZE right after the 8
header bytes, a section's size field, a frame body's value) and a delivery whose
``more=True`` frames never end are refused by the limit that covers them, in a child
process whose address space is capped at 1 GiB, so a layer that allocated what the
input claims fails with ``MemoryError`` there instead of taking the machine down.
(ASan reserves terabytes of address space, so those tests skip under it.)
"""

from __future__ import annotations

import functools
import json
import os
import struct
import subprocess
import sys
from typing import Any

import pytest

from amqpcodec import (
    DEFAULT_LIMITS,
    Close,
    DecodeError,
    LimitExceededError,
    Limits,
    Transfer,
    decode,
)
from amqpcodec._backend import Backend, get_backend
from amqpcodec.errors import AMQPCodecError, FramingError
from amqpcodec.frames import NEED_DATA, Frame, FrameReader, ProtocolHeader, TransferAssembler, encode_frame
from amqpcodec.message import Message
from tests.helpers.environment import UNDER_ASAN

AMQP_HEADER = b"AMQP\x00\x01\x00\x00"
_HEADER = struct.Struct(">BII")  # constructor, size, count of a 32-bit compound
_FRAME = struct.Struct(">IBBH")  # SIZE, DOFF, TYPE, channel (§2.3.1)

#: The address-space cap of the child process.
CAP = 1 << 30


def nested_list32(levels: int) -> bytes:
    """``levels`` list32 headers, each list the one element of the one around it (§1.6.22);
    the innermost is empty.  Every size field is exact, so only the depth is wrong."""
    total = 9 * levels
    return b"".join(_HEADER.pack(0xD0, total - 9 * i - 5, 1 if i < levels - 1 else 0) for i in range(levels))


def frame(body: bytes, channel: int = 0) -> bytes:
    return _FRAME.pack(8 + len(body), 2, 0, channel) + body


CLOSE = encode_frame(Close())

# --------------------------------------------------------------------------- a million levels


@functools.cache
def million() -> bytes:
    return nested_list32(1_000_000)


#: The first byte after the constructor of the list one level deeper than max_depth.
DEPTH_FAULT = 9 * DEFAULT_LIMITS.max_depth + 1


def test_a_million_nested_list32_headers_hit_max_depth(any_backend: Backend) -> None:
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(million(), 0, DEFAULT_LIMITS)
    assert caught.value.limit == "max_depth"
    assert caught.value.offset == DEPTH_FAULT
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(bytearray(million()), 0, Limits(max_depth=1))
    assert (caught.value.limit, caught.value.offset) == ("max_depth", 10)


def test_a_million_nested_list32_headers_in_a_message_body() -> None:
    """The amqp-value section is one level (Part 1 §1.2), so its value may nest one less."""
    payload = b"\x00\x53\x77" + million()
    with pytest.raises(LimitExceededError) as eager:
        Message.decode(payload)
    lazy = Message.decode(payload, lazy=True)  # sizes are consistent: the scan accepts it
    with pytest.raises(LimitExceededError) as access:
        lazy.body  # noqa: B018 (the access decodes the section)
    for error in (eager.value, access.value):
        assert error.limit == "max_depth" and error.field == "amqp-value"
        assert error.offset == 3 + DEPTH_FAULT - 9
        assert f"max_depth={DEFAULT_LIMITS.max_depth}" in str(error)
    with pytest.raises(LimitExceededError):
        decode(million())


def test_deep_nesting_in_a_frame_costs_that_frame_only() -> None:
    """400,000 levels fill a frame of under 4 MiB (the default max_frame_size)."""
    deep = nested_list32(400_000)
    body = b"\x00\x53\x14" + _HEADER.pack(0xD0, len(deep) + 4, 1) + deep  # transfer whose handle is the nest
    stream = AMQP_HEADER + frame(body) + CLOSE
    assert len(stream) - len(CLOSE) - 8 <= DEFAULT_LIMITS.max_frame_size
    reader = FrameReader()
    reader.feed(stream)
    assert isinstance(reader.next_event(), ProtocolHeader)
    with pytest.raises(LimitExceededError) as caught:
        reader.next_event()
    assert caught.value.limit == "max_depth" and caught.value.frame_offset == 8
    assert caught.value.offset == 8 + 8 + 3 + 9 + DEPTH_FAULT - 9 - 9
    event = reader.next_event()
    assert isinstance(event, Frame) and type(event.performative) is Close


# --------------------------------------------------------------------------- in 1 GiB of address space
# Each scenario runs in the child and returns what happened, as JSON.


def _outcome(error: AMQPCodecError) -> list[Any]:
    return [type(error).__name__, getattr(error, "limit", None), getattr(error, "offset", None)]


def scenario_frame_size_4gib() -> list[Any]:
    """SIZE 2**32-1 (§2.3.1): refused once its 8 header bytes are in, before any body."""
    reader = FrameReader()
    reader.feed(AMQP_HEADER)
    assert isinstance(reader.next_event(), ProtocolHeader)
    header = _FRAME.pack(0xFFFFFFFF, 2, 0, 0)
    waited = []
    for byte in header[:-1]:
        reader.feed(bytes([byte]))
        waited.append(reader.next_event() is NEED_DATA)
    reader.feed(header[-1:])
    try:
        reader.next_event()
    except FramingError as error:
        return [*_outcome(error), all(waited), reader.buffered]
    return ["no error"]


def scenario_frame_size_4gib_allowed() -> list[Any]:
    """A reader that allows 4 GiB frames still buffers at most max_buffered_bytes."""
    limits = Limits(max_frame_size=0xFFFFFFFF)
    reader = FrameReader(limits=limits, expect_header=False)
    reader.feed(_FRAME.pack(0xFFFFFFFF, 2, 0, 0))
    chunk = bytes(1 << 16)
    fed = 8
    try:
        while fed < 2 * limits.max_buffered_bytes:
            if reader.next_event() is not NEED_DATA:
                return ["an event"]
            reader.feed(chunk)
            fed += len(chunk)
    except LimitExceededError as error:
        return [*_outcome(error), fed <= limits.max_buffered_bytes, reader.buffered]
    return ["no error"]


def scenario_frame_body_claims_4gib() -> list[Any]:
    """A transfer whose delivery-tag claims 4 GiB inside a 24-byte frame: a body fault."""
    body = b"\x00\x53\x14\xc0\x0b\x03\x43\x43" + b"\xb0\xff\xff\xff\xff" + b"\x00\x00"
    reader = FrameReader(expect_header=False)
    reader.feed(frame(body) + CLOSE)
    try:
        reader.next_event()
    except DecodeError as error:
        after = reader.next_event()
        return [
            *_outcome(error),
            type(after.performative).__name__ if isinstance(after, Frame) else repr(after),
        ]
    return ["no error"]


def scenario_endless_delivery() -> list[Any]:
    """Transfer frames with ``more=True`` forever (§2.7.5): LimitExceededError once the
    delivery passes max_message_size; the rest of it is dropped, and the link goes on."""
    assembler = TransferAssembler()
    first = Transfer(handle=0, delivery_id=1, delivery_tag=b"t", more=True)
    more = Transfer(handle=0, more=True)
    size = 1 << 16
    count = 0
    try:
        while count * size <= 2 * DEFAULT_LIMITS.max_message_size:
            payload = bytes([count & 0xFF]) * size  # a fresh payload per frame, as a reader makes
            if assembler.feed(Frame(count, 0, 0, b"", more if count else first, payload)) is not None:
                return ["a delivery"]
            count += 1
    except LimitExceededError as error:
        dropped = [assembler.feed(Frame(count + n, 0, 0, b"", more, bytes(size))) for n in range(1, 17)]
        last = assembler.feed(Frame(count + 17, 0, 0, b"", Transfer(handle=0), b"end"))
        after = assembler.feed(
            Frame(count + 18, 0, 0, b"", Transfer(handle=0, delivery_id=2, delivery_tag=b"u"), b"x")
        )
        return [
            *_outcome(error),
            count,
            error.offset == count,
            dropped == [None] * 16 and last is None,
            getattr(after, "payload", None) == b"x",
        ]
    return ["no error"]


#: Message payloads (Part 3 §3.2) whose sections claim 4 GiB (or 2**32-1 elements), with the
#: error each raises and its offset.  Size fields past the input are IncompleteError
#: (found by the lazy scan); counts are checked when a section is decoded.
HUGE_SECTIONS: dict[str, tuple[str, str, str | None, int]] = {
    "data vbin32": ("00 53 75 b0 ffffffff 00", "IncompleteError", None, 4),
    "amqp-value str32": ("00 53 77 b1 ffffffff 61", "IncompleteError", None, 4),
    "amqp-value list32 size": ("00 53 77 d0 ffffffff 00000001 40", "IncompleteError", None, 4),
    "amqp-value list32 count": ("00 53 77 d0 00000005 ffffffff 40", "DecodeError", None, 4),
    "amqp-value map32 count": ("00 53 77 d1 00000008 fffffffe 40 40 40 40", "DecodeError", None, 4),
    "amqp-value array32 of nulls": (
        "00 53 77 f0 00000005 ffffffff 40",
        "LimitExceededError",
        "max_container_items",
        4,
    ),
    "amqp-sequence list32 count": ("00 53 76 d0 00000005 ffffffff 40", "DecodeError", None, 4),
    "application-properties map32 size": ("00 53 74 d1 ffffffff 00000002", "IncompleteError", None, 4),
    "header list32 count": ("00 53 70 d0 00000005 ffffffff 40", "DecodeError", None, 4),
    "footer map32 size": ("00 53 77 40 00 53 78 d1 ffffffff 00000000", "IncompleteError", None, 8),
    "symbolic descriptor sym32": ("00 b3 ffffffff 61", "IncompleteError", None, 2),
}


def scenario_sections_claim_4gib() -> dict[str, list[Any]]:
    """Each payload decoded eagerly, and lazily with every section then read."""
    results: dict[str, list[Any]] = {}
    for name, (text, *_) in HUGE_SECTIONS.items():
        data = bytes.fromhex(text)
        found: list[Any] = []
        try:
            Message.decode(data)
            found.append("decoded")
        except AMQPCodecError as error:
            found.append(_outcome(error))
        try:
            message = Message.decode(data, lazy=True)
            found.append("scanned")
            for attr in ("header", "application_properties", "body", "footer"):
                getattr(message, attr)
            found.append("decoded")
        except AMQPCodecError as error:
            found.append(_outcome(error))
        results[name] = found
    return results


SCENARIOS = sorted(name for name in globals() if name.startswith("scenario_"))

_CHILD = f"""
import importlib.util, json, resource, sys
spec = importlib.util.spec_from_file_location("hostile_resources_child", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
import amqpcodec
resource.setrlimit(resource.RLIMIT_AS, ({CAP}, {CAP}))
results = {{"implementation": amqpcodec.IMPLEMENTATION}}
for name in sys.argv[2:]:
    try:
        results[name] = getattr(module, name)()
    except BaseException as error:
        results[name] = ["raised", type(error).__name__, str(error)[:300]]
print(json.dumps(results))
"""


def run_capped(backend: Backend, child: str, path: str, *args: str) -> dict[str, Any]:
    """Run ``child`` (a script that sets RLIMIT_AS to ``CAP``) with ``path`` and ``args``
    on ``backend`` (chosen the official way, by ``AMQPCODEC_PUREPYTHON``); its JSON output."""
    pytest.importorskip("resource", reason="no address-space limit on this platform")
    if UNDER_ASAN:
        pytest.skip("ASan cannot run in a capped address space")
    pure = backend.name == "python"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), AMQPCODEC_PUREPYTHON="1" if pure else "0")
    completed = subprocess.run(
        [sys.executable, "-c", child, path, *args], capture_output=True, text=True, timeout=300, env=env
    )
    assert completed.returncode == 0, completed.stderr
    results: dict[str, Any] = json.loads(completed.stdout)
    assert results.pop("implementation") == ("python" if pure else "cython")
    return results


@functools.cache
def _capped_results(backend_name: str) -> dict[str, Any]:
    return run_capped(get_backend(backend_name), _CHILD, __file__, *SCENARIOS)  # type: ignore[arg-type]


def test_frame_size_of_4gib_is_refused_after_its_header(any_backend: Backend) -> None:
    result = _capped_results(any_backend.name)["scenario_frame_size_4gib"]
    assert result == ["FramingError", None, 8, True, 8]


def test_frame_size_of_4gib_allowed_buffers_at_most_max_buffered_bytes(any_backend: Backend) -> None:
    result = _capped_results(any_backend.name)["scenario_frame_size_4gib_allowed"]
    assert result[:2] == ["LimitExceededError", "max_buffered_bytes"]
    assert result[3:] == [True, DEFAULT_LIMITS.max_buffered_bytes - (1 << 16) + 8]


def test_frame_body_claiming_4gib_costs_that_frame(any_backend: Backend) -> None:
    # The tag's size field (at 12) points past the end of the transfer's list8.
    result = _capped_results(any_backend.name)["scenario_frame_body_claims_4gib"]
    assert result == ["DecodeError", None, 12, "Close"]


def test_endless_delivery_stops_at_max_message_size(any_backend: Backend) -> None:
    result = _capped_results(any_backend.name)["scenario_endless_delivery"]
    frames_in_limit = DEFAULT_LIMITS.max_message_size >> 16
    assert result == [
        "LimitExceededError",
        "max_message_size",
        frames_in_limit,
        frames_in_limit,
        True,
        True,
        True,
    ]


@pytest.mark.parametrize("name", HUGE_SECTIONS)
def test_sections_claiming_4gib_are_refused(any_backend: Backend, name: str) -> None:
    _, error, limit, offset = HUGE_SECTIONS[name]
    expected = [error, limit, offset]
    found = _capped_results(any_backend.name)["scenario_sections_claim_4gib"][name]
    if error == "IncompleteError":
        assert found == [expected, expected]
    else:
        assert found == [expected, "scanned", expected]
