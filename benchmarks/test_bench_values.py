"""Value codec speed: the 100-entry mixed map (payload 4) against the peers.

Run: ``python -m pytest benchmarks/test_bench_values.py --benchmark-group-by=group``.
CI runs it with ``--benchmark-disable`` as a smoke test; timings are never asserted.
Each peer is checked to produce or accept the same content before it is timed.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from amqpcodec import DEFAULT_LIMITS
from amqpcodec.testing import same_value

from .payloads import mixed_map_100, mixed_map_100_plain

VALUE = mixed_map_100()


@pytest.mark.benchmark(group="map100-decode")
def test_decode_amqpcodec(benchmark: Any, backend: ModuleType) -> None:
    data = backend.encode(VALUE, DEFAULT_LIMITS)
    result, _ = benchmark(backend.decode_prefix, data, 0, DEFAULT_LIMITS)
    assert same_value(result, VALUE)


@pytest.mark.benchmark(group="map100-encode")
def test_encode_amqpcodec(benchmark: Any, backend: ModuleType) -> None:
    data = benchmark(backend.encode, VALUE, DEFAULT_LIMITS)
    assert same_value(backend.decode_prefix(data, 0, DEFAULT_LIMITS)[0], VALUE)


@pytest.mark.benchmark(group="map100-decode")
def test_decode_msgpack(benchmark: Any) -> None:
    msgpack = pytest.importorskip("msgpack")
    plain = mixed_map_100_plain()
    data = msgpack.packb(plain)
    assert benchmark(msgpack.unpackb, data) == plain


@pytest.mark.benchmark(group="map100-encode")
def test_encode_msgpack(benchmark: Any) -> None:
    msgpack = pytest.importorskip("msgpack")
    plain = mixed_map_100_plain()
    assert msgpack.unpackb(benchmark(msgpack.packb, plain)) == plain


@pytest.mark.benchmark(group="map100-decode")
def test_decode_proton(benchmark: Any) -> None:
    proton = pytest.importorskip("proton")
    from amqpcodec import _pure

    data = _pure.encode(VALUE, DEFAULT_LIMITS)

    def decode() -> Any:
        d = proton.Data()
        d.decode(data)
        d.next()
        return d.get_object()

    result = benchmark(decode)
    assert len(result) == 100 and result["key-004"] == "value number 4"


@pytest.mark.benchmark(group="map100-decode")
def test_decode_azure_pyamqp(benchmark: Any) -> None:
    decode_mod = pytest.importorskip("azure.servicebus._pyamqp._decode")
    from amqpcodec import _pure

    data = _pure.encode(VALUE, DEFAULT_LIMITS)
    decode_value = decode_mod._DECODE_BY_CONSTRUCTOR

    def decode() -> Any:
        view = memoryview(data)
        return decode_value[view[0]](view[1:])[1]

    result = benchmark(decode)
    assert len(result) == 100  # keys come back as bytes: _pyamqp's known loss
