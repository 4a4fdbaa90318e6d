"""Frame speed (Part 2 §2.3 frames, §2.7 performatives) against Azure ``_pyamqp`` and Proton.

Three payloads, each decoded and encoded (groups ``<payload>-decode``/``-encode``):

- ``W1-transfer``: W1 as the payload of one transfer frame; a decode reads the frame,
  the transfer and every field of the message, an encode writes the message and its frame;
- ``frames-transfers``: 10,000 transfer frames (delivery-id, 8-byte tag,
  message-format, settled) each with a 200-byte payload (a data section), one buffer;
- ``frames-control``: 10,000 alternating flow and disposition frames, no payload.

Ours: a :class:`~amqpcodec.frames.FrameReader` fed the whole buffer and iterated;
``encode_frame`` per frame.  Azure ``_pyamqp``'s ``decode_frame`` takes one frame body
(after the 8-byte header) and its transport splits frames off the socket, so the split
is done here, inside the timed function, with the same ``struct`` header read; its
``encode_frame`` returns header and body, joined with the channel as its transport
does.  Proton has no frame codec outside its engine: its ``Data`` decodes and encodes
the performative (a described list) and the split is done as for Azure; its binary
fields are views into that ``Data``, overwritten by the next decode (a known Proton behaviour), so
they are copied out (a delivery tag is kept).  Azure and Proton hand back payloads as
views into the buffer; ours copies each payload into the frame's own ``bytes``
(the frame contract).  Every frame is checked before timing; the decoded frames are kept in a
list (``extra_info["frames_per_second"]`` = 10,000 / mean).

Run: ``python -m pytest benchmarks/test_bench_frames.py --benchmark-group-by=group``.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Callable
from typing import Any

import pytest

from amqpcodec import Accepted
from amqpcodec.frames import FrameReader, encode_frame
from amqpcodec.message import Message

from .adapters import (
    check_decoded,
    check_encoded,
    message_encoder,
    proton_value,
    read_azure,
    read_ours,
    read_proton,
)
from .payloads import (
    FRAME_COUNT,
    TRANSFER_PAYLOAD,
    W1_FRAME,
    W1_TRANSFER,
    control_performatives,
    control_stream,
    plain,
    transfer_performatives,
    transfer_stream,
    w1_message,
)

STREAMS: dict[str, tuple[Callable[[], bytes], Callable[[], list[Any]], bytes]] = {
    "transfers": (transfer_stream, transfer_performatives, TRANSFER_PAYLOAD),
    "control": (control_stream, control_performatives, b""),
}
_HEADER = struct.Struct(">IBBH")
ACCEPTED = "accepted"


def record(benchmark: Any) -> None:
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        benchmark.extra_info["frames_per_second"] = round(FRAME_COUNT / stats.stats.mean)


# --------------------------------------------------------------------------- one form for every codec's frame


def _field(value: Any) -> Any:
    if isinstance(value, Accepted) or (isinstance(value, dict) and "accepted" in value):
        return ACCEPTED
    if type(value).__name__ == "Described" and int(value.descriptor) == int(Accepted.DESCRIPTOR):
        return ACCEPTED  # Proton's
    if isinstance(value, enum.Enum):
        value = value.value
    return plain(value)


def _frame_form(code: int, fields: list[Any], payload: Any) -> tuple[int, list[Any], bytes]:
    """(descriptor code, fields without trailing nulls, payload bytes)."""
    found = [_field(value) for value in fields]
    while found and found[-1] is None:
        found.pop()
    return code, found, bytes(payload)


def _ours_form(performative: Any, payload: bytes) -> tuple[int, list[Any], bytes]:
    return _frame_form(
        int(performative.DESCRIPTOR), [getattr(performative, n) for n in performative._NAMES], payload
    )


def _check_frames(
    found: list[tuple[int, list[Any], bytes]], expected: list[tuple[int, list[Any], bytes]]
) -> None:
    """Each frame holds the expected fields; fields after them may only be defaults
    (Azure pads every performative with its spec defaults)."""
    assert len(found) == len(expected)
    for (code, fields, payload), (want_code, want_fields, want_payload) in zip(found, expected):
        assert (code, fields[: len(want_fields)], payload) == (want_code, want_fields, want_payload)
        assert all(extra in (None, False, 0) for extra in fields[len(want_fields) :]), fields


def _expected(stream: str) -> list[tuple[int, list[Any], bytes]]:
    _, performatives, payload = STREAMS[stream]
    return [_ours_form(p, payload) for p in performatives()]


def _read_ours(data: bytes) -> list[Any]:
    reader = FrameReader(expect_header=False)
    reader.feed(data)
    return list(reader)


def _azure_reader(decode_frame: Callable[[memoryview], Any]) -> Callable[[bytes], list[Any]]:
    header = _HEADER.unpack_from

    def read(data: bytes) -> list[Any]:
        view = memoryview(data)
        end = len(view)
        pos = 0
        frames = []
        while pos < end:
            size, doff, _, _ = header(view, pos)
            frames.append(decode_frame(view[pos + doff * 4 : pos + size]))
            pos += size
        return frames

    return read


def _proton_reader(proton: Any) -> Callable[[bytes], list[Any]]:
    header = _HEADER.unpack_from
    d = proton.Data()

    def read(data: bytes) -> list[Any]:
        view = memoryview(data)
        end = len(view)
        pos = 0
        frames = []
        while pos < end:
            size, doff, _, _ = header(view, pos)
            body = pos + doff * 4
            d.clear()
            used = d.decode(view[body : pos + size])
            d.rewind()
            d.next()
            described = d.get_object()
            fields = described.value
            fields[:] = [bytes(v) if type(v) is memoryview else v for v in fields]
            frames.append((described, view[body + used : pos + size]))
            pos += size
        return frames

    return read


def _azure_form(frame: tuple[int, list[Any]]) -> tuple[int, list[Any], bytes]:
    code, fields = frame
    payload = fields.pop() if code == 0x14 else b""
    return _frame_form(code, fields, payload)


def _proton_form(frame: tuple[Any, Any]) -> tuple[int, list[Any], bytes]:
    described, payload = frame
    return _frame_form(int(described.descriptor), list(described.value), payload)


# --------------------------------------------------------------------------- frame streams: decode


@pytest.mark.parametrize("stream", list(STREAMS))
def test_read_amqpcodec(timed: Any, benchmark: Any, ours: str, stream: str) -> None:
    expected = _expected(stream)

    def check(frames: list[Any]) -> None:
        _check_frames([_ours_form(f.performative, f.payload) for f in frames], expected)

    data = STREAMS[stream][0]()
    timed(f"frames-{stream}-decode", ours, lambda: _read_ours(data), check, frames=FRAME_COUNT)
    record(benchmark)


@pytest.mark.parametrize("stream", list(STREAMS))
def test_read_azure_pyamqp(timed: Any, benchmark: Any, peer: Any, stream: str) -> None:
    peer("azure-pyamqp")
    from azure.servicebus._pyamqp._decode import decode_frame

    expected = _expected(stream)
    read = _azure_reader(decode_frame)
    data = STREAMS[stream][0]()

    def check(frames: list[Any]) -> None:
        _check_frames([_azure_form(f) for f in frames], expected)

    timed(f"frames-{stream}-decode", "azure-pyamqp", lambda: read(data), check, frames=FRAME_COUNT)
    record(benchmark)


@pytest.mark.parametrize("stream", list(STREAMS))
def test_read_proton(timed: Any, benchmark: Any, peer: Any, stream: str) -> None:
    read = _proton_reader(peer("proton"))
    expected = _expected(stream)
    data = STREAMS[stream][0]()

    def check(frames: list[Any]) -> None:
        _check_frames([_proton_form(f) for f in frames], expected)

    timed(f"frames-{stream}-decode", "proton", lambda: read(data), check, frames=FRAME_COUNT)
    record(benchmark)


# --------------------------------------------------------------------------- frame streams: encode


def _check_stream(stream: str) -> Callable[[bytes], None]:
    expected = _expected(stream)

    def check(data: bytes) -> None:
        _check_frames([_ours_form(f.performative, f.payload) for f in _read_ours(data)], expected)

    return check


@pytest.mark.parametrize("stream", list(STREAMS))
def test_write_amqpcodec(timed: Any, benchmark: Any, ours: str, stream: str) -> None:
    _, performatives, payload = STREAMS[stream]
    items = performatives()

    def write() -> bytes:
        return b"".join([encode_frame(p, 1, payload) for p in items])

    timed(f"frames-{stream}-encode", ours, write, _check_stream(stream), frames=FRAME_COUNT)
    record(benchmark)


def _azure_performative(performative: Any, payload: bytes) -> Any:
    """Our performative as the Azure namedtuple of the same fields."""
    import azure.servicebus._pyamqp.outcomes as outcomes
    import azure.servicebus._pyamqp.performatives as frames

    cls: Any = {0x13: frames.FlowFrame, 0x14: frames.TransferFrame, 0x15: frames.DispositionFrame}[
        int(performative.DESCRIPTOR)
    ]
    fields = {}
    for name in performative._NAMES:
        value = getattr(performative, name)
        if isinstance(value, Accepted):
            value = outcomes.Accepted()
        elif isinstance(value, enum.Enum):
            value = value.value
        elif value is not None:
            value = plain(value)
        fields[name] = value
    if cls is frames.TransferFrame:
        fields["payload"] = payload
    return cls(**{name: fields.get(name) for name in cls._fields})


@pytest.mark.parametrize("stream", list(STREAMS))
def test_write_azure_pyamqp(timed: Any, benchmark: Any, peer: Any, stream: str) -> None:
    peer("azure-pyamqp")
    from azure.servicebus._pyamqp._encode import encode_frame as azure_encode_frame

    _, performatives, payload = STREAMS[stream]
    items = [_azure_performative(p, payload) for p in performatives()]
    channel = struct.pack(">H", 1)

    def write() -> bytes:
        parts = []
        for frame in items:
            header, body = azure_encode_frame(frame)
            parts.append(header + channel + body)  # type: ignore[operator]
        return b"".join(parts)

    timed(f"frames-{stream}-encode", "azure-pyamqp", write, _check_stream(stream), frames=FRAME_COUNT)
    record(benchmark)


def _proton_performative(proton: Any, performative: Any) -> Any:
    """Our performative as a Proton ``Described`` list of Proton-typed fields."""
    fields = []
    for name in performative._NAMES:
        value = getattr(performative, name)
        if isinstance(value, Accepted):
            value = proton.Described(proton.ulong(int(Accepted.DESCRIPTOR)), [])
        elif isinstance(value, enum.Enum):
            value = value.value
        else:
            value = proton_value(value)
        fields.append(value)
    while fields and fields[-1] is None:
        fields.pop()
    return proton.Described(proton.ulong(int(performative.DESCRIPTOR)), fields)


def _proton_writer(proton: Any) -> Callable[[Any, bytes], bytes]:
    d = proton.Data()
    pack = _HEADER.pack

    def write(described: Any, payload: bytes) -> Any:
        d.clear()
        d.put_object(described)
        body = d.encode()
        return pack(8 + len(body) + len(payload), 2, 0, 1) + body + payload

    return write


@pytest.mark.parametrize("stream", list(STREAMS))
def test_write_proton(timed: Any, benchmark: Any, peer: Any, stream: str) -> None:
    proton = peer("proton")
    _, performatives, payload = STREAMS[stream]
    items = [_proton_performative(proton, p) for p in performatives()]
    write_one = _proton_writer(proton)

    def write() -> bytes:
        return b"".join([write_one(described, payload) for described in items])

    timed(f"frames-{stream}-encode", "proton", write, _check_stream(stream), frames=FRAME_COUNT)
    record(benchmark)


# --------------------------------------------------------------------------- W1 in a transfer frame

_W1_TRANSFER_FIELDS = _ours_form(W1_TRANSFER, b"")


def _check_w1_frame(codec: str, transfer: tuple[int, list[Any], bytes], read: Any) -> None:
    """The transfer's fields, and every field of the message it carries."""
    _check_frames([transfer], [_W1_TRANSFER_FIELDS])
    check_decoded(codec, read, w1_message())


def test_w1_transfer_decode_amqpcodec(timed: Any, ours: str) -> None:
    reader = FrameReader(expect_header=False)
    decode = Message.decode

    def decode_frame() -> tuple[Any, Any]:
        reader.feed(W1_FRAME)
        frame = reader.next_event()
        return frame, read_ours(decode(frame.payload))  # type: ignore[union-attr]

    def check(found: tuple[Any, Any]) -> None:
        frame, read = found
        _check_w1_frame(ours, _ours_form(frame.performative, b""), read)

    timed("W1-transfer-decode", ours, decode_frame, check)


def test_w1_transfer_decode_azure_pyamqp(timed: Any, peer: Any) -> None:
    peer("azure-pyamqp")
    from azure.servicebus._pyamqp._decode import decode_frame, decode_payload

    header = _HEADER.unpack_from

    def decode() -> tuple[Any, Any]:
        view = memoryview(W1_FRAME)
        size, doff, _, _ = header(view, 0)
        code, fields = decode_frame(view[doff * 4 : size])
        return (code, fields), read_azure(decode_payload(fields[-1]))

    def check(found: tuple[Any, Any]) -> None:
        (code, fields), read = found
        _check_w1_frame("azure-pyamqp", _frame_form(code, fields[:-1], b""), read)

    timed("W1-transfer-decode", "azure-pyamqp", decode, check)


def test_w1_transfer_decode_proton(timed: Any, peer: Any) -> None:
    proton = peer("proton")
    header = _HEADER.unpack_from
    d = proton.Data()

    def decode() -> tuple[Any, Any]:
        view = memoryview(W1_FRAME)
        size, doff, _, _ = header(view, 0)
        d.clear()
        used = d.decode(view[doff * 4 : size])
        d.rewind()
        d.next()
        transfer = d.get_object()
        fields = transfer.value
        fields[:] = [bytes(v) if type(v) is memoryview else v for v in fields]
        m = proton.Message()
        m.decode(view[doff * 4 + used : size])
        return transfer, read_proton(m)

    def check(found: tuple[Any, Any]) -> None:
        transfer, read = found
        _check_w1_frame("proton", _frame_form(int(transfer.descriptor), list(transfer.value), b""), read)

    timed("W1-transfer-decode", "proton", decode, check)


def _check_w1_written(codec: str) -> Callable[[bytes], dict[str, bool]]:
    def check(data: bytes) -> dict[str, bool]:
        (frame,) = _read_ours(bytes(data))
        _check_frames([_ours_form(frame.performative, b"")], [_W1_TRANSFER_FIELDS])
        return {"same_types": check_encoded(codec, frame.payload, w1_message())}

    return check


def test_w1_transfer_encode_amqpcodec(timed: Any, ours: str) -> None:
    message = w1_message()

    def encode() -> bytes:
        return encode_frame(W1_TRANSFER, 1, message.encode())

    timed("W1-transfer-encode", ours, encode, _check_w1_written(ours))


def test_w1_transfer_encode_azure_pyamqp(timed: Any, peer: Any) -> None:
    peer("azure-pyamqp")
    from azure.servicebus._pyamqp._encode import encode_frame as azure_encode_frame
    from azure.servicebus._pyamqp.performatives import TransferFrame

    encode_message = message_encoder("azure-pyamqp", w1_message())
    channel = struct.pack(">H", 1)

    def encode() -> bytes:
        frame = TransferFrame(
            handle=0,
            delivery_id=1,
            delivery_tag=b"tag-0001",
            message_format=0,
            settled=False,
            payload=encode_message(),
        )
        header, body = azure_encode_frame(frame)
        return header + channel + body  # type: ignore[operator]

    timed("W1-transfer-encode", "azure-pyamqp", encode, _check_w1_written("azure-pyamqp"))


def test_w1_transfer_encode_proton(timed: Any, peer: Any) -> None:
    proton = peer("proton")
    encode_message = message_encoder("proton", w1_message())
    described = _proton_performative(proton, W1_TRANSFER)
    write = _proton_writer(proton)

    def encode() -> bytes:
        return write(described, encode_message())

    timed("W1-transfer-encode", "proton", encode, _check_w1_written("proton"))
