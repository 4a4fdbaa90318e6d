"""The AMQP 0-9-1 field-table codec across the backend seam (§4.2.5.5, RabbitMQ errata §3).

The table codec exists twice, as the 1.0 value codec does: ``amqp091._tables`` (the
reference) and its compiled twin in ``_speedups``, both filling ``_seam.TableCodec091``.
Here: each backend hands out its own (``current().table091``), the public entry points
(``encode_table``, ``decode_table``) run on the live backend's and give the same outcome
on both (class, ``offset``, ``limit``, ``path`` and message), the compiled stub takes the
reference's parameters, and ``import amqpcodec`` still never loads the 0-9-1 package.
Skipped when the compiled backend is not built (``both_backends``).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import subprocess
import sys
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amqpcodec import _backend
from amqpcodec._backend import Backend, get_backend, use_backend
from amqpcodec.amqp091 import _tables
from amqpcodec.amqp091.strategies import field_tables, table_wire_bytes
from amqpcodec.amqp091.tables import decode_table, encode_table
from amqpcodec.limits import DEFAULT_LIMITS, Limits
from tests.helpers.outcomes import outcome, same_outcome

Backends = list[tuple[str, Backend]]

fixture_settings = settings(
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ]
)
TIGHT = Limits(max_depth=3, max_container_items=4, max_map_entries=2, max_message_size=64)


def agree(backends: Backends, call: Callable[[], Any]) -> tuple[Any, ...]:
    """The outcomes of ``call()`` on each backend, asserted the same; the pure one returned."""
    found = []
    for _, backend in backends:
        with use_backend(backend):
            found.append(outcome(call))
    expected, other = found
    assert same_outcome(expected, other), (expected, other)
    return expected


def test_each_backend_has_its_own_table_codec(both_backends: Backends) -> None:
    from amqpcodec import _speedups

    pure, compiled = (backend for _, backend in both_backends)
    assert pure.table091 is _tables
    assert compiled.table091 is _speedups
    with use_backend("python"):
        assert _backend.current().table091 is _tables
    with use_backend("cython"):
        assert _backend.current().table091 is _speedups


def test_the_compiled_stub_takes_the_references_parameters(both_backends: Backends) -> None:
    from amqpcodec import _speedups

    for name in ("read_table", "write_table"):
        expected = list(inspect.signature(getattr(_tables, name)).parameters)
        assert list(inspect.signature(getattr(_speedups, name)).parameters) == expected, name
        assert name in _speedups.__all__


class Counting:
    """A table codec that counts the calls it passes on to the pure one."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def read_table(self, data: Any, offset: int, end: int, limits: Limits) -> _tables.TableRead:
        self.calls.append("read")
        return _tables.read_table(data, offset, end, limits)

    def write_table(self, out: bytearray, table: Mapping[str, Any], limits: Limits, path: str) -> None:
        self.calls.append("write")
        _tables.write_table(out, table, limits, path)


def test_the_public_functions_run_on_the_live_backend() -> None:
    counting = Counting()
    with use_backend(dataclasses.replace(get_backend("python"), tables091=counting)):
        assert decode_table(encode_table({"k": [1, "v"]})) == {"k": [1, "v"]}
    assert counting.calls == ["write", "read"]
    assert encode_table({"a": 1}) == b"\x00\x00\x00\x0b\x01al\x00\x00\x00\x00\x00\x00\x00\x01"
    assert counting.calls == ["write", "read"]


@fixture_settings
@given(value=field_tables(max_depth=3), limits=st.sampled_from([DEFAULT_LIMITS, TIGHT]))
def test_encode_table_is_the_same_on_both_backends(
    both_backends: Backends, value: Any, limits: Limits
) -> None:
    found = agree(both_backends, lambda: encode_table(value, limits=limits))
    if found[0] == "value":
        agree(both_backends, lambda: decode_table(found[1], limits=limits))


@fixture_settings
@given(wire=table_wire_bytes(max_depth=3), data=st.data())
def test_decode_table_is_the_same_on_both_backends(
    both_backends: Backends, wire: bytes, data: st.DataObject
) -> None:
    agree(both_backends, lambda: decode_table(wire))
    cut = data.draw(st.integers(0, len(wire)))
    extra = data.draw(st.binary(max_size=3))
    changed = bytearray(wire[:cut] + extra + wire[cut:])
    if changed and data.draw(st.booleans()):
        changed[data.draw(st.integers(0, len(changed) - 1))] = data.draw(st.integers(0, 255))
    for candidate in (wire[:cut], bytes(changed), memoryview(bytes(changed)), bytearray(wire) + extra):
        agree(both_backends, functools.partial(decode_table, candidate, limits=TIGHT))


def test_refusals_are_the_same_on_both_backends(both_backends: Backends) -> None:
    refused: list[Any] = [{"k": object()}, {"k": [1, {"x": 2**64}]}, {1: 2}, "not a table", {"k" * 300: 1}]
    for value in refused:
        assert agree(both_backends, functools.partial(encode_table, value))[0] != "value"
    assert agree(both_backends, lambda: decode_table(b"\x00\x00\x00\x00\x00"))[0] != "value"
    not_bytes: Any = 12
    assert agree(both_backends, lambda: decode_table(not_bytes))[0] != "value"


def test_import_amqpcodec_does_not_load_amqp091() -> None:
    code = (
        "import sys, amqpcodec; amqpcodec.decode(b'\\x40'); "
        "from amqpcodec._backend import current; current(); "
        "sys.exit(any(name.startswith('amqpcodec.amqp091') for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --------------------------------------------------------------------------- method, header and frame paths

_COMPILED091 = (
    "read_method091",
    "read_content_header091",
    "next_frame091",
    "method_payload091",
    "encode_method091",
    "content_header_payload091",
    "encode_content_header091",
    "encode_message091",
    "init_method091",
    "new_properties091",
    "frames091",
    "feed091",
)


def test_the_compiled_091_paths_are_exported(both_backends: Backends) -> None:
    from amqpcodec import _speedups

    for name in _COMPILED091:
        assert name in _speedups.__all__ and callable(getattr(_speedups, name)), name


def _forbid_the_references(monkeypatch: Any) -> None:
    """Make every Python reference path of the method, header and frame codecs fail."""
    from amqpcodec.amqp091 import payloads, reader, writer

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the reference ran where the compiled path should have")

    for module, name in (
        (payloads, "_read_method"),
        (payloads, "_read_content_header"),
        (payloads, "_method_payload"),
        (payloads, "_content_header_payload"),
        (reader, "read_method"),
        (reader, "read_content_header"),
        (reader, "_new_body_frame"),
        (reader, "HeartbeatFrame"),
        (writer, "_frame"),
        (writer, "method_payload"),
        (writer, "content_header_payload"),
    ):
        monkeypatch.setattr(module, name, refused)


def test_the_compiled_091_paths_run_by_default(both_backends: Backends, monkeypatch: Any) -> None:
    """No silent fallback: with the compiled backend (the default when it is built), the
    usual methods, headers, frames and messages never reach the Python references."""
    from amqpcodec.amqp091 import BasicDeliver, BasicProperties, BasicPublish, FrameReader, Timestamp
    from amqpcodec.amqp091.payloads import (
        content_header_payload,
        decode_content_header,
        decode_method,
        method_payload,
    )
    from amqpcodec.amqp091.writer import (
        encode_content_header,
        encode_heartbeat,
        encode_message,
        encode_method,
    )

    deliver = BasicDeliver(consumer_tag="c", delivery_tag=5, redelivered=True, exchange="x", routing_key="r")
    properties = BasicProperties(
        content_type="t", headers={"a": [1, "b"]}, timestamp=Timestamp(9), priority=3
    )
    wire_method = method_payload(deliver)
    wire_header = content_header_payload(properties, 11)
    stream = b"".join(
        [
            *encode_message(BasicPublish(exchange="x"), properties, b"body" * 30, channel=2, frame_max=64),
            encode_method(deliver, channel=2),
            encode_content_header(properties, 4, channel=2),
            encode_heartbeat(),
        ]
    )
    with use_backend(_backend.get_backend("python")):
        expected = list(_read(stream, FrameReader))
    _forbid_the_references(monkeypatch)
    with use_backend(_backend.get_backend("cython")):
        assert _backend.current() is _backend.get_backend("cython")
        assert method_payload(deliver) == wire_method
        assert content_header_payload(properties, 11) == wire_header
        assert decode_method(wire_method) == deliver
        assert decode_content_header(wire_header).properties == properties
        assert encode_message(BasicPublish(exchange="x"), properties, b"b", channel=2, frame_max=0)
        assert list(_read(stream, FrameReader)) == expected


def test_the_compiled_constructor_checks_run_by_default(both_backends: Backends, monkeypatch: Any) -> None:
    """No silent fallback: arguments and properties in their usual form (ASCII text,
    in-range ints, bools, dicts, a Timestamp) never reach the reference checks."""
    from amqpcodec.amqp091 import BasicDeliver, BasicProperties, BasicPublish, QueueDeclare, Timestamp

    def refused(value: Any, path: str) -> Any:
        raise AssertionError(f"the reference check of {path} ran where the compiled one should have")

    for cls in (BasicProperties, BasicPublish, BasicDeliver, QueueDeclare):
        monkeypatch.setattr(cls, "_CHECKS", tuple(refused for _ in cls._CHECKS))
    with use_backend(_backend.get_backend("cython")):
        properties = BasicProperties(
            content_type="t",
            headers={"a": 1},
            delivery_mode=2,
            priority=9,
            timestamp=Timestamp(9),
            app_id=b"\xff",
        )
        assert properties.headers == {"a": 1} and properties.app_id == b"\xff"
        assert BasicPublish(exchange="x", routing_key="r", mandatory=True).mandatory is True
        assert (
            BasicDeliver(consumer_tag="c", delivery_tag=2**64 - 1, exchange="", routing_key="r").delivery_tag
            == 2**64 - 1
        )
        assert QueueDeclare(queue="q", arguments={"x-max-length": 5}).arguments == {"x-max-length": 5}
    with use_backend(_backend.get_backend("python")), pytest.raises(AssertionError):
        BasicPublish(exchange="x")


def test_the_compiled_iterator_and_assembler_run_by_default(
    both_backends: Backends, monkeypatch: Any
) -> None:
    """No silent fallback: iterating a reader over the usual frames (from its opening to
    its last byte) never calls ``next_event``, and feeding the usual sequence to an
    assembler (interleaved channels, heartbeats, a body in pieces, an empty body, bodies
    of a discarded channel) never reaches its Python steps."""
    from amqpcodec.amqp091 import BasicAck, BasicDeliver, BasicProperties, ContentAssembler, FrameReader
    from amqpcodec.amqp091 import assembler as assembler_module
    from amqpcodec.amqp091.writer import (
        encode_body,
        encode_content_header,
        encode_heartbeat,
        encode_message,
        encode_method,
    )

    properties = BasicProperties(content_type="t", headers={"a": 1})
    deliver = BasicDeliver(consumer_tag="c", delivery_tag=5, exchange="x", routing_key="r")
    first = [
        encode_method(deliver, channel=1),
        encode_content_header(properties, 8, channel=1),
        encode_body(b"abc", channel=1),
        encode_body(b"defgh", channel=1),
    ]
    second = encode_message(deliver, properties, b"xy", channel=2, frame_max=0)
    stream = b"".join(
        [
            *first[:3],
            encode_heartbeat(),
            *second,
            *first[3:],
            *encode_message(deliver, properties, b"", channel=1, frame_max=0),
            encode_method(BasicAck(delivery_tag=5), channel=1),
            *encode_message(deliver, properties, b"dropped", channel=3, frame_max=0)[:2],
        ]
    )
    dropped = encode_body(b"dropped", channel=3)
    with use_backend(_backend.get_backend("python")):
        expected_events = list(_read(stream + dropped, FrameReader))
        expected = ContentAssembler()
        expected_messages = [expected.feed(event) for event in expected_events[:-1]]
        expected.discard(3)
        expected_messages.append(expected.feed(expected_events[-1]))

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the reference ran where the compiled path should have")

    for name in ("_method", "_header", "_body"):
        monkeypatch.setattr(ContentAssembler, name, refused)
    monkeypatch.setattr(assembler_module, "_new_message", refused)
    monkeypatch.setattr(FrameReader, "next_event", refused)
    with use_backend(_backend.get_backend("cython")):
        events = list(_read(stream + dropped, FrameReader))
        assembler = ContentAssembler()
        messages = [assembler.feed(event) for event in events[:-1]]
        assembler.discard(3)
        messages.append(assembler.feed(events[-1]))
    assert events == expected_events
    assert messages == expected_messages and sum(message is not None for message in messages) == 3
    assert assembler == expected


def _read(stream: bytes, reader_class: Any) -> Any:
    reader = reader_class(expect_header=False)
    reader.frame_max = 64
    reader.feed(stream)
    return reader


def test_the_default_backend_is_the_compiled_one_when_built(both_backends: Backends) -> None:
    if _backend.pure_requested():
        return
    assert _backend.current().compiled is not None
