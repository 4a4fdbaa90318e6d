"""Scaling: message decode time against payload size, to show the cost is linear.

Two curves, each point its own group (``scale-data-decode-<bytes>``,
``scale-map-decode-<entries>``; ``extra_info["size"]``):

- a message whose only section is a data body of 64 B … 16 MiB (4 times apart);
- a message whose amqp-value body is :func:`payloads.mixed_map` of 10 … 100,000
  entries (ours with ``Limits(max_map_entries=...)`` raised to let it through).

Every codec decodes and reads the whole message, after a check that it read the
content sent; ``compare.py`` draws time per byte (per entry) against size, flat
when the cost is linear.

Run: ``python -m pytest benchmarks/test_bench_scaling.py --benchmark-group-by=group``.
"""

from __future__ import annotations

from typing import Any

import pytest

from amqpcodec.message import AMQPValue, Message

from .adapters import check_decoded, message_decoder, msgpack_content
from .payloads import DATA_SIZES, MAP_SIZES, data_message, map_limits, map_message, mixed_map

PEERS = ("proton", "azure-pyamqp", "rbfly")
CURVES = [("data", size) for size in DATA_SIZES] + [("map", size) for size in MAP_SIZES]


def _typed(kind: str, size: int) -> Message:
    if kind == "data":
        return Message(body=(bytes(range(256)) * (size // 256 + 1))[:size])
    return Message(body=AMQPValue(mixed_map(size)))


def _data(kind: str, size: int) -> bytes:
    return data_message(size) if kind == "data" else map_message(size)


def _ids(curve: tuple[str, int]) -> str:
    return f"{curve[0]}-{curve[1]}"


@pytest.mark.parametrize("curve", CURVES, ids=_ids)
def test_scale_amqpcodec(timed: Any, ours: str, curve: tuple[str, int]) -> None:
    kind, size = curve
    decode = message_decoder(ours, _data(kind, size), limits=map_limits(size))

    def check(read: Any) -> None:
        check_decoded(ours, read, _typed(kind, size))

    timed(f"scale-{kind}-decode-{size}", ours, decode, check, size=size, scale=kind)


@pytest.mark.parametrize("curve", CURVES, ids=_ids)
@pytest.mark.parametrize("codec", PEERS)
def test_scale_peer(timed: Any, peer: Any, codec: str, curve: tuple[str, int]) -> None:
    peer(codec)
    kind, size = curve

    def check(read: Any) -> None:
        check_decoded(codec, read, _typed(kind, size))

    timed(
        f"scale-{kind}-decode-{size}",
        codec,
        message_decoder(codec, _data(kind, size)),
        check,
        size=size,
        scale=kind,
    )


@pytest.mark.parametrize("curve", CURVES, ids=_ids)
def test_scale_msgpack(timed: Any, peer: Any, curve: tuple[str, int]) -> None:
    msgpack = peer("msgpack")
    kind, size = curve
    expected = msgpack_content(_typed(kind, size))
    data = msgpack.packb(expected)

    def check(found: Any) -> None:
        assert found == expected

    timed(
        f"scale-{kind}-decode-{size}", "msgpack", lambda: msgpack.unpackb(data), check, size=size, scale=kind
    )
