"""Value codec speed: payload 4, an amqp-value body holding the 100-entry mixed map.

Groups ``map100-decode`` and ``map100-encode``: every AMQP codec decodes (and reads)
or encodes the same message (``payloads.MAP100``: ``00 53 77`` and the map); ours
also through the value API alone (``decode_prefix``/``encode`` on the map, variant
``value API``), which shows what the message layer costs.  msgpack and pamqp (an AMQP
0-9-1 field table) hold the same content as plain Python: references, not AMQP.
Each codec is checked to accept or produce the same content before it is timed.

Run: ``python -m pytest benchmarks/test_bench_values.py --benchmark-group-by=group``.
CI runs it with ``--benchmark-disable`` as a smoke test; timings are never asserted.
"""

from __future__ import annotations

from typing import Any

import pytest

from amqpcodec import DEFAULT_LIMITS
from amqpcodec._backend import Backend
from amqpcodec.testing import same_value

from .adapters import check_decoded, check_encoded, message_decoder, message_encoder
from .payloads import MAP100, map100_message, mixed_map_100, mixed_map_100_plain

VALUE = mixed_map_100()
AMQP_PEERS = ("proton", "azure-pyamqp", "rbfly")


def _backend_label(backend: Backend) -> str:
    return f"amqpcodec-{backend.name}"


def _pamqp_form(value: Any) -> Any:
    """pamqp writes a byte array (0-9-1 'x') only from ``bytearray``."""
    if isinstance(value, bytes):
        return bytearray(value)
    if isinstance(value, dict):
        return {k: _pamqp_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pamqp_form(v) for v in value]
    return value


# --------------------------------------------------------------------------- decode


def test_decode_amqpcodec(timed: Any, ours: str) -> None:
    timed(
        "map100-decode",
        ours,
        message_decoder(ours, MAP100),
        lambda read: check_decoded(ours, read, map100_message()),
    )


def test_decode_value_api_amqpcodec(timed: Any, backend: Backend) -> None:
    data = backend.encode(VALUE, DEFAULT_LIMITS)

    def check(result: tuple[Any, int]) -> None:
        assert same_value(result[0], VALUE) and result[1] == len(data)

    decode_prefix = backend.decode_prefix
    timed(
        "map100-decode",
        _backend_label(backend),
        lambda: decode_prefix(data, 0, DEFAULT_LIMITS),
        check,
        variant="value API",
    )


@pytest.mark.parametrize("codec", AMQP_PEERS)
def test_decode_peer(timed: Any, peer: Any, codec: str) -> None:
    peer(codec)
    timed(
        "map100-decode",
        codec,
        message_decoder(codec, MAP100),
        lambda read: check_decoded(codec, read, map100_message()),
    )


def test_decode_msgpack(timed: Any, peer: Any) -> None:
    msgpack = peer("msgpack")
    plain = mixed_map_100_plain()
    data = msgpack.packb(plain)

    def check(found: Any) -> None:
        assert found == plain

    timed("map100-decode", "msgpack", lambda: msgpack.unpackb(data), check)


def test_decode_pamqp(timed: Any, peer: Any) -> None:
    peer("pamqp")
    import pamqp.decode
    import pamqp.encode

    table = _pamqp_form(mixed_map_100_plain())
    data = pamqp.encode.field_table(table)

    def check(found: tuple[int, Any]) -> None:
        assert found == (len(data), table)

    timed("map100-decode", "pamqp", lambda: pamqp.decode.field_table(data), check, variant="0-9-1 table")


# --------------------------------------------------------------------------- encode


def test_encode_amqpcodec(timed: Any, ours: str) -> None:
    message = map100_message()
    timed(
        "map100-encode",
        ours,
        message_encoder(ours, message),
        lambda data: {"same_types": check_encoded(ours, data, message)},
    )


def test_encode_value_api_amqpcodec(timed: Any, backend: Backend) -> None:
    def check(data: bytes) -> None:
        assert same_value(backend.decode_prefix(data, 0, DEFAULT_LIMITS)[0], VALUE)

    encode = backend.encode
    timed(
        "map100-encode",
        _backend_label(backend),
        lambda: encode(VALUE, DEFAULT_LIMITS),
        check,
        variant="value API",
    )


@pytest.mark.parametrize("codec", AMQP_PEERS)
def test_encode_peer(timed: Any, peer: Any, codec: str) -> None:
    peer(codec)
    message = map100_message()
    timed(
        "map100-encode",
        codec,
        message_encoder(codec, message),
        lambda data: {"same_types": check_encoded(codec, data, message)},
    )


def test_encode_msgpack(timed: Any, peer: Any) -> None:
    msgpack = peer("msgpack")
    plain = mixed_map_100_plain()

    def check(data: bytes) -> None:
        assert msgpack.unpackb(data) == plain

    timed("map100-encode", "msgpack", lambda: msgpack.packb(plain), check)


def test_encode_pamqp(timed: Any, peer: Any) -> None:
    peer("pamqp")
    import pamqp.decode
    import pamqp.encode

    table = _pamqp_form(mixed_map_100_plain())

    def check(data: bytes) -> None:
        assert pamqp.decode.field_table(data)[1] == table

    timed("map100-encode", "pamqp", lambda: pamqp.encode.field_table(table), check, variant="0-9-1 table")
