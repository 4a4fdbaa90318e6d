"""Frame reading speed: 10,000 frames in one buffer, against Azure's ``_pyamqp``.

Two streams (Part 2 §2.3 frames, §2.7 performatives):

- ``transfers``: 10,000 transfer frames (delivery-id, 8-byte tag, message-format,
  settled) each with a 200-byte payload (a data section);
- ``control``: 10,000 alternating flow and disposition frames, no payload.

Ours: one :class:`~amqpcodec.frames.FrameReader` is fed the whole buffer and iterated,
each backend in turn.  Azure ``_pyamqp``'s ``decode_frame`` takes one frame body (after
the 8-byte header) as a memoryview; its transport splits frames off the socket, so the
split is done here, inside the timed function, with the same ``struct`` header read.

Run: ``python -m pytest benchmarks/test_bench_frames.py --benchmark-group-by=group``;
``extra_info["frames_per_second"]`` holds 10,000 / mean.  Timings are never asserted.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from amqpcodec import Accepted, Disposition, Flow, Role, Transfer
from amqpcodec import frames as frames_module
from amqpcodec.frames import FrameReader, encode_frame

COUNT = 10_000
#: A data section (Part 3 §3.2.6: 00 53 75 vbin8) making exactly 200 payload bytes.
PAYLOAD = b"\x00\x53\x75\xa0\xc3" + bytes(range(195))
assert len(PAYLOAD) == 200


def transfer_stream() -> bytes:
    return b"".join(
        encode_frame(
            Transfer(handle=0, delivery_id=i, delivery_tag=i.to_bytes(8, "big"), message_format=0, settled=False),
            1,
            PAYLOAD,
        )
        for i in range(COUNT)
    )


def control_stream() -> bytes:
    flow = Flow(next_incoming_id=0, incoming_window=2048, next_outgoing_id=0, outgoing_window=2048, handle=0, delivery_count=0, link_credit=100)
    return b"".join(
        encode_frame(
            flow.replace(next_incoming_id=i, delivery_count=i)
            if i % 2
            else Disposition(role=Role.RECEIVER, first=i, last=i + 1, settled=True, state=Accepted()),
            1,
        )
        for i in range(COUNT)
    )


STREAMS = {"transfers": transfer_stream(), "control": control_stream()}


def record(benchmark: Any) -> None:
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        benchmark.extra_info["frames_per_second"] = round(COUNT / stats.stats.mean)


def read_amqpcodec(data: bytes) -> int:
    reader = FrameReader(expect_header=False)
    reader.feed(data)
    count = 0
    for _ in reader:
        count += 1
    return count


def azure_reader(decode_frame: Callable[[memoryview], Any]) -> Callable[[bytes], int]:
    header = struct.Struct(">IBBH").unpack_from

    def read(data: bytes) -> int:
        view = memoryview(data)
        end = len(view)
        pos = count = 0
        while pos < end:
            size, doff, _, _ = header(view, pos)
            decode_frame(view[pos + doff * 4 : pos + size])
            pos += size
            count += 1
        return count

    return read


@pytest.mark.parametrize("stream", list(STREAMS))
def test_read_amqpcodec(benchmark: Any, backend: ModuleType, monkeypatch: pytest.MonkeyPatch, stream: str) -> None:
    benchmark.group = f"frames-{stream}"
    monkeypatch.setattr(frames_module, "_decode_prefix", backend.decode_prefix)
    assert benchmark(read_amqpcodec, STREAMS[stream]) == COUNT
    record(benchmark)


@pytest.mark.parametrize("stream", list(STREAMS))
def test_read_azure_pyamqp(benchmark: Any, stream: str) -> None:
    benchmark.group = f"frames-{stream}"
    decode = pytest.importorskip("azure.servicebus._pyamqp._decode")
    read = azure_reader(decode.decode_frame)
    # Same content: the first frame's performative code and (for transfers) payload.
    data = STREAMS[stream]
    size = struct.unpack_from(">I", data)[0]
    code, fields = decode.decode_frame(memoryview(data)[8:size])
    assert code == (0x14 if stream == "transfers" else 0x15)
    if stream == "transfers":
        assert bytes(fields[-1]) == PAYLOAD
    assert benchmark(read, data) == COUNT
    record(benchmark)
