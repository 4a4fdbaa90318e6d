"""The compiled hot paths of the composite, message and frame layers, against the
layers' own Python code (the reference, and all the pure backend runs).

The compiled module adds ``to_typed``, ``build_composite``, ``decode_message``,
``scan_message``, ``encode_message``, ``decode_frame`` (``_seam.CompiledPaths``) and an
encoder fast path for composites.  A hot path is a shortcut, never a second opinion:
whatever it returns must be what the layer's Python code gives for the same input (a
composite's ``__amqp__`` encoding, ``_decode_eager``, ``_scan``, the sections encoded
one by one, ``FrameReader`` on the pure backend), and where it declines (``None``) or
raises, the public entry point must still give, on the compiled backend, exactly the
outcome it gives on the pure one (class, ``offset``, ``constructor``, ``limit``,
``path``, ``field`` and message), on valid input and on mutated bytes.

Skipped when the compiled backend is not built (``compiled``), except in CI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import amqpcodec
import amqpcodec.frames.reader as frames_module
import amqpcodec.frames.writer as frames_writer
import amqpcodec.message.model as message_module
from amqpcodec import strategies as ast
from amqpcodec._backend import Backend, current, get_backend, use_backend
from amqpcodec._composite import REGISTRY, _build_composite, _to_typed
from amqpcodec._seam import CompiledPaths
from amqpcodec.errors import DecodeError, EncodeError, UnsupportedTypeError
from amqpcodec.frames import FrameReader, encode_frame, encode_transfer
from amqpcodec.limits import DEFAULT_LIMITS, Limits
from amqpcodec.message import (
    AMQPSequence,
    AMQPValue,
    ApplicationProperties,
    Data,
    Header,
    Message,
    MessageAnnotations,
    Properties,
)
from amqpcodec.performatives import (
    Attach,
    Disposition,
    Flow,
    Open,
    Performative,
    SaslBody,
    SaslInit,
    Transfer,
)
from amqpcodec.testing import same_value
from amqpcodec.types import Described, Symbol, UByte, UInt, ULong
from tests.helpers.composites import forced
from tests.helpers.outcomes import outcome, same_outcome

Backends = list[tuple[str, Backend]]

fixture_settings = settings(
    suppress_health_check=[*settings.default.suppress_health_check, HealthCheck.function_scoped_fixture]
)

TIGHT = Limits(max_depth=3, max_container_items=4, max_map_entries=2)
LIMITS = [DEFAULT_LIMITS, TIGHT]
COMPOSITE_CLASSES = sorted(set(REGISTRY.values()), key=lambda cls: cls.SPEC.code)
PERFORMATIVES = [cls for cls in COMPOSITE_CLASSES if issubclass(cls, Performative)]
MESSAGE_PLAN = message_module._PLAN
FRAME_PLAN = frames_module._FRAME_PLAN
PURE = get_backend("python")


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


@pytest.fixture
def compiled(both_backends: Backends) -> CompiledPaths:
    """The compiled module's hot paths (``both_backends`` skips when it is not built)."""
    return paths(both_backends)


# --------------------------------------------------------------------------- outcomes


def agree(backends: Backends, call: Callable[[], Any]) -> tuple[Any, ...]:
    """The outcomes of ``call()`` on each backend, asserted the same; the pure one returned."""
    found = []
    for _, backend in backends:
        with use_backend(backend):
            found.append(outcome(call))
    expected, other = found
    assert same_outcome(expected, other), (expected, other)
    return expected


def same(hot: Callable[..., Any], reference: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    """The outcomes of a compiled hot path and of its Python reference, asserted the same."""
    expected, found = on_pure(lambda: reference(*args)), outcome(lambda: hot(*args))
    assert same_outcome(expected, found), (expected, found)
    return expected


def paths(backends: Backends) -> CompiledPaths:
    found = backends[1][1].compiled
    assert found is not None
    return found


def on_pure(call: Callable[[], Any]) -> tuple[Any, ...]:
    """The outcome of ``call()`` on the pure backend: the layers' Python code alone."""
    with use_backend(PURE):
        return outcome(call)


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes changed, dropped, inserted or cut off."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["set", "delete", "insert", "truncate", "count"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "set" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "delete" and out:
            del out[at]
        elif kind == "insert":
            out.insert(at, draw(st.integers(0, 255)))
        elif kind == "truncate":
            del out[at:]
        elif kind == "count" and out:
            out[at] = draw(st.sampled_from([0, 1, 2, 0x40, 0x45, 0x53, 0x7F, 0xFF]))
    return bytes(out)


# --------------------------------------------------------------------------- composites: encoding

DESCRIPTORS = st.sampled_from(
    [cls.DESCRIPTOR for cls in COMPOSITE_CLASSES] + [cls.SYMBOL for cls in COMPOSITE_CLASSES]
)
ENUM_WIRE_VALUES = st.sampled_from(
    [True, False, UByte(0), UByte(1), UByte(7), UInt(0), UInt(2), Symbol("never")]
)
ACCEPTED = Described(ULong(0x24), [])


def _as_sent(cls: Any, fields: list[Any], filler: Any) -> Any:
    """A ``cls`` composite holding ``fields`` as a peer might send them (mandatory
    fields filled in), or None when they cannot make one."""
    fields = fields[: len(cls.FIELDS)]
    for index, field in enumerate(cls.FIELDS):
        if field.mandatory:
            fields += [None] * (index + 1 - len(fields))
            if fields[index] is None:
                fields[index] = filler
    try:
        return _build_composite(cls, fields, REGISTRY)
    except DecodeError:
        return None


def composites(classes: list[Any] = COMPOSITE_CLASSES) -> st.SearchStrategy[Any]:
    """Composites of ``classes`` built from decoded-looking fields: any value, enum wire
    values, nested known composites; the encoder writes whatever they hold."""
    fields = st.lists(ast.values(max_leaves=3) | ENUM_WIRE_VALUES | st.just(ACCEPTED), max_size=16)
    filler = ast.primitives().filter(lambda value: value is not None)
    return st.builds(_as_sent, st.sampled_from(classes), fields, filler).filter(
        lambda value: value is not None
    )


@fixture_settings
@given(composite=composites(), limits=st.sampled_from(LIMITS))
def test_composites_encode_as_their_described_form(
    both_backends: Backends, composite: Any, limits: Limits
) -> None:
    """The fast path writes what ``__amqp__`` describes, byte for byte, error for error."""
    for _, backend in both_backends:
        assert same_outcome(
            outcome(lambda b=backend: b.encode(composite, limits)),
            outcome(lambda b=backend: b.encode(composite.__amqp__(), limits)),
        )
    agree(both_backends, lambda: current().encode([composite, {Symbol("k"): composite}], limits))


BAD_FIELDS = [
    {"handle": int.__new__(UInt, -1)},
    {"delivery_tag": object()},
    {"state": dt.datetime(2024, 1, 1)},
    {"more": None, "rcv_settle_mode": int.__new__(UByte, 300)},
    {"delivery_id": [[[[1]]]]},
    {"message_format": [1, 2, 3, 4, 5]},
]


@pytest.mark.parametrize("fields", BAD_FIELDS, ids=lambda fields: ",".join(fields))
@pytest.mark.parametrize("limits", LIMITS, ids=["default", "tight"])
def test_composite_encode_errors_agree(
    both_backends: Backends, fields: dict[str, Any], limits: Limits
) -> None:
    transfer = forced(Transfer(handle=1, delivery_id=2, delivery_tag=b"t"), **fields)
    expected = agree(both_backends, lambda: current().encode(transfer, limits))
    for _, backend in both_backends:
        assert outcome(lambda b=backend: b.encode(transfer.__amqp__(), limits)) == expected


def test_an_overridden_amqp_hook_is_used(both_backends: Backends) -> None:
    """A subclass with its own ``__amqp__`` is encoded through it, not from its slots."""

    class Wrapped(Header):
        __slots__ = ()

        def __amqp__(self) -> Described:
            return Described(ULong(0x70), ["overridden"])

    value = object.__new__(Wrapped)
    for name in Header._NAMES:
        object.__setattr__(value, name, True)
    for _, backend in both_backends:
        assert backend.encode(value, DEFAULT_LIMITS) == backend.encode(
            Described(ULong(0x70), ["overridden"]), DEFAULT_LIMITS
        )


# --------------------------------------------------------------------------- composites: building

FIELD_VALUES = st.one_of(
    ast.values(max_leaves=4),
    st.none() | ENUM_WIRE_VALUES,
    st.builds(Described, DESCRIPTORS, st.lists(ast.primitives(), max_size=3) | ast.primitives()),
    st.builds(Described, st.lists(ast.primitives(), max_size=2), st.just([])),
)


@fixture_settings
@given(descriptor=DESCRIPTORS, fields=st.lists(FIELD_VALUES, max_size=16))
def test_to_typed_agrees(compiled: CompiledPaths, descriptor: Any, fields: list[Any]) -> None:
    """Typed or not, mandatory fields, enum members, nested composites, too many fields."""
    value = Described(descriptor, fields)
    same(compiled.to_typed, _to_typed, value, REGISTRY)
    same(compiled.build_composite, _build_composite, REGISTRY[descriptor], fields, REGISTRY)


@fixture_settings
@given(composite=composites())
def test_to_typed_rebuilds_what_was_encoded(both_backends: Backends, composite: Any) -> None:
    data = PURE.encode(composite, DEFAULT_LIMITS)
    for _, backend in both_backends:
        with use_backend(backend):
            described = amqpcodec.decode(data)
            assert amqpcodec.encode(amqpcodec.to_typed(described)) == data


@pytest.mark.parametrize(
    "value",
    [
        Described([1], []),  # unhashable descriptor: not typed
        Described(ULong(0x14), b"not a list"),
        Described(Symbol("amqp:transfer:list"), {}),
        Described(ULong(0x14), [None]),  # handle is mandatory
        Described(ULong(0x15), [True, UInt(1), None, None, Described(ULong(0x24), UInt(3))]),
        Described(ULong(0x70), [None] * 6),
        Described(ULong(0xFFFF), [1]),
        "not described",
    ],
    ids=repr,
)
def test_to_typed_corners(compiled: CompiledPaths, value: Any) -> None:
    same(compiled.to_typed, _to_typed, value, REGISTRY)


# --------------------------------------------------------------------------- messages

VALUES = ast.values(max_leaves=6)
SIMPLE = ast.primitives()
BODIES = st.one_of(
    st.none(),
    st.lists(st.binary(max_size=40).map(Data), min_size=1, max_size=3).map(tuple),
    st.lists(st.lists(VALUES, max_size=3).map(AMQPSequence), min_size=1, max_size=2).map(tuple),
    VALUES.map(AMQPValue),
)
ANNOTATIONS = st.dictionaries(ast.amqp_symbol() | ast.amqp_ulong(), VALUES, max_size=3)
MESSAGES = st.builds(
    Message,
    header=st.none() | composites([Header]),
    delivery_annotations=st.none() | ANNOTATIONS,
    message_annotations=st.none() | ANNOTATIONS,
    properties=st.none() | composites([Properties]),
    application_properties=st.none() | st.dictionaries(ast.amqp_string(), SIMPLE, max_size=4),
    body=BODIES,
    footer=st.none() | ANNOTATIONS,
)


def general_encoding(message: Message) -> bytes:
    """The message layer's own encoding: each section encoded alone, in slot order."""
    parts = []
    for attr in message_module._ATTRS:
        section = getattr(message, attr)
        for part in section if type(section) is tuple else () if section is None else (section,):
            parts.append(PURE.encode(part, DEFAULT_LIMITS))
    return b"".join(parts)


def check_decode_message(backends: Backends, data: bytes, limits: Limits) -> None:
    """A message the hot path returns is the general walk's; an error, one of its; and
    ``Message.decode`` gives the same outcome on both backends."""
    result = outcome(lambda: paths(backends).decode_message(Message, data, limits, MESSAGE_PLAN))
    general = on_pure(lambda: message_module._decode_eager(Message, data, limits))
    agree(backends, lambda: Message.decode(data, limits=limits))
    if result[0] == "value" and result[1] is not None:
        assert general[0] == "value" and same_value(result[1], general[1]), (data.hex(), result, general)
    elif result[0] != "value":
        assert issubclass(result[0], DecodeError) and general[0] != "value", (data.hex(), result, general)


@fixture_settings
@given(message=MESSAGES, limits=st.sampled_from(LIMITS))
def test_decode_message_agrees_on_messages(both_backends: Backends, message: Message, limits: Limits) -> None:
    data = general_encoding(message)
    check_decode_message(both_backends, data, limits)
    if limits is DEFAULT_LIMITS:
        assert same_value(paths(both_backends).decode_message(Message, data, limits, MESSAGE_PLAN), message)


@fixture_settings
@given(data=st.data(), limits=st.sampled_from(LIMITS))
def test_decode_message_agrees_on_mutated_messages(
    both_backends: Backends, data: Any, limits: Limits
) -> None:
    encoded = general_encoding(data.draw(MESSAGES))
    check_decode_message(both_backends, data.draw(mutations(encoded)), limits)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "00 53 70 45",
        "00 80 0000000000000070 45",  # a full-width descriptor: the general walk's
        "00 a3 11 616d71703a6865616465723a6c697374 45",  # symbolic
        "00 53 73 45 00 53 70 45",  # out of order
        "00 53 75 a0 01 61 00 53 75 a0 01 62 00 53 78 c1 01 00",
        "00 53 77 40 00 53 77 40",  # a second amqp-value
        "00 53 78 c1 01 00 00 53 75 a0 00",  # after the footer
        "00 53 70 c0 07 06 40 40 40 40 40 40",  # a header of six fields
        "00 53 70 a1 00",  # a header that is not a list
        "00 53 77 00 53 70 c0 01 00",  # an amqp-value holding a (typed elsewhere) header
        "00 53 73 c0 03 01 00 53 24 45",  # a described field: made typed
        "00 53 74 c1 05 02 a1 01 6b",  # cut inside a map
        "00 53 75 b0 00000003 61",
        "00 53",
    ],
)
@pytest.mark.parametrize("limits", [*LIMITS, Limits(max_depth=1)], ids=["default", "tight", "depth1"])
def test_decode_message_corners(both_backends: Backends, data: str, limits: Limits) -> None:
    check_decode_message(both_backends, h(data), limits)
    check_scan_message(both_backends, h(data), limits)


def test_decode_message_reads_any_buffer(both_backends: Backends) -> None:
    data = Message(header=Header(durable=True), body=b"x").encode()
    for wrap in (bytes, bytearray, memoryview):
        found = paths(both_backends).decode_message(Message, wrap(data), DEFAULT_LIMITS, MESSAGE_PLAN)
        assert same_value(found, Message.decode(data))
        agree(both_backends, lambda w=wrap: Message.decode(w(data)))


def sections(message: Message) -> tuple[Any, ...]:
    return outcome(lambda: [getattr(message, attr) for attr in message_module._ATTRS])


def check_scan_message(backends: Backends, data: bytes, limits: Limits) -> None:
    """A lazy message the hot path returns is the general scan's (its spans, every
    section as read); it never raises; and a lazy ``Message.decode`` gives the same
    outcome, section for section, on both backends."""
    result = outcome(lambda: paths(backends).scan_message(Message, data, limits, MESSAGE_PLAN))
    assert result[0] == "value", result
    both = []
    for _, backend in backends:
        with use_backend(backend):
            lazy = outcome(lambda: Message.decode(data, lazy=True, limits=limits))
            both.append(sections(lazy[1]) if lazy[0] == "value" else lazy)
    assert same_outcome(*both), both
    if result[1] is None:
        return
    general = on_pure(lambda: message_module._scan(Message, data, limits))
    assert general[0] == "value", (data.hex(), general)
    compiled = result[1]
    assert compiled._raw is data and compiled._spans == general[1]._spans and compiled._limits is limits
    with use_backend(PURE):
        assert same_outcome(sections(compiled), sections(general[1]))


@fixture_settings
@given(message=MESSAGES, limits=st.sampled_from(LIMITS))
def test_scan_message_agrees_on_messages(both_backends: Backends, message: Message, limits: Limits) -> None:
    check_scan_message(both_backends, general_encoding(message), limits)


@fixture_settings
@given(data=st.data(), limits=st.sampled_from(LIMITS))
def test_scan_message_agrees_on_mutated_messages(both_backends: Backends, data: Any, limits: Limits) -> None:
    encoded = general_encoding(data.draw(MESSAGES))
    check_scan_message(both_backends, data.draw(mutations(encoded)), limits)


@fixture_settings
@given(message=MESSAGES, limits=st.sampled_from(LIMITS))
def test_encode_message_agrees(both_backends: Backends, message: Message, limits: Limits) -> None:
    check_encode_message(both_backends, message, limits)


def check_encode_message(backends: Backends, message: Message, limits: Limits) -> tuple[Any, ...]:
    """Bytes the hot path returns are the sections encoded one by one; an error, one the
    layer raises too; and ``Message.encode`` gives the same outcome on both backends."""
    result = outcome(lambda: paths(backends).encode_message(message, limits, MESSAGE_PLAN))
    general = agree(backends, lambda: message.encode(limits=limits))
    if result[0] == "value" and result[1] is not None:
        assert result[1] == general_encoding(message) and general == result
    elif result[0] != "value":
        assert issubclass(result[0], EncodeError) and general[0] != "value", (result, general)
    return result


@pytest.mark.parametrize(
    "message",
    [
        Message(body=bytes(message_module._INLINE_DATA + 1)),  # a long data body: None
        Message(body=AMQPValue(bytes(message_module._INLINE_DATA + 1))),
        Message(application_properties={"k": int.__new__(UInt, -1)}),
        Message(message_annotations={"k": [[[[[1]]]]]}),
        Message(body=AMQPSequence([int.__new__(UInt, 2**40)])),
        Message(header=forced(Header(), priority=int.__new__(UByte, 256))),
        Message(properties=Properties(to=object())),
        Message(),
    ],
    ids=[
        "long-data",
        "long-binary-value",
        "bad-uint",
        "deep",
        "bad-sequence",
        "bad-header",
        "unsupported",
        "empty",
    ],
)
@pytest.mark.parametrize("limits", LIMITS, ids=["default", "tight"])
def test_encode_message_corners(both_backends: Backends, message: Message, limits: Limits) -> None:
    check_encode_message(both_backends, message, limits)


def test_encode_message_keeps_subclasses_hooks(both_backends: Backends) -> None:
    class Annotations(MessageAnnotations):
        __slots__ = ()

        def __amqp__(self) -> Described:
            return Described(ULong(0x72), {Symbol("replaced"): True})

    message = Message(message_annotations={"a": 1}, application_properties=ApplicationProperties({"b": 2}))
    object.__setattr__(message, "message_annotations", Annotations({"a": 1}))
    result = check_encode_message(both_backends, message, DEFAULT_LIMITS)
    assert result[1] == general_encoding(message)


# --------------------------------------------------------------------------- frames


def general_frame(data: bytes, pos: int, limits: Limits, max_frame_size: int) -> tuple[Any, ...]:
    """What ``FrameReader`` reads at ``pos`` on the pure backend (no hot path)."""
    reader = FrameReader(limits=limits, expect_header=False)
    reader._phase = frames_module._AMQP
    reader._max_frame_size = max_frame_size
    reader.feed(data)
    reader._pos = pos
    return on_pure(reader.next_event)


def check_decode_frame(
    backends: Backends, data: bytes, pos: int = 0, limits: Limits = DEFAULT_LIMITS, max_frame_size: int = 4096
) -> tuple[Any, ...]:
    """A frame the hot path returns (from a bytearray, as the reader holds it) is the one
    ``FrameReader`` reads by itself; an error, one it raises too."""
    buf = bytearray(data)
    result = outcome(lambda: paths(backends).decode_frame(buf, pos, 100, max_frame_size, limits, FRAME_PLAN))
    general = general_frame(data, pos, limits, max_frame_size)
    if result[0] == "value" and result[1] is not None:
        frame, end = result[1]
        assert general[0] == "value" and same_value(
            dataclasses.replace(general[1], offset=general[1].offset + 100), frame
        )
        assert end == pos + int.from_bytes(data[pos : pos + 4], "big")
    elif result[0] != "value":
        assert issubclass(result[0], DecodeError) and general[0] != "value", (data.hex(), result, general)
    return result


FRAME_BODIES = st.none() | composites(PERFORMATIVES)


@fixture_settings
@given(
    performative=FRAME_BODIES,
    channel=st.integers(0, 0xFFFF),
    payload=st.binary(max_size=20),
    prefix=st.binary(max_size=3),
    limits=st.sampled_from(LIMITS),
)
def test_decode_frame_agrees_on_frames(
    both_backends: Backends, performative: Any, channel: int, payload: bytes, prefix: bytes, limits: Limits
) -> None:
    frame = encode_frame(performative, channel, payload if performative is not None else b"")
    result = check_decode_frame(both_backends, prefix + frame + b"\x00\x00", len(prefix), limits)
    if limits is DEFAULT_LIMITS:
        assert result[0] == "value" and result[1] is not None  # the hot path reads every such frame


@fixture_settings
@given(data=st.data(), performative=FRAME_BODIES, limits=st.sampled_from(LIMITS))
def test_decode_frame_agrees_on_mutated_frames(
    both_backends: Backends, data: Any, performative: Any, limits: Limits
) -> None:
    frame = encode_frame(performative, 1, b"payload" if performative is not None else b"")
    check_decode_frame(
        both_backends, data.draw(mutations(frame)), 0, limits, data.draw(st.sampled_from([512, 4096]))
    )


@pytest.mark.parametrize(
    "data",
    [
        "0000000c 03 00 0001 cafebabe",  # extended header, empty body
        "00000010 03 00 0001 cafebabe 00 53 17 45",  # extended header, end
        "00000008 02 00 0000",  # heartbeat
        "00000008 02 01 0000",  # a SASL frame: the general path's
        "0000000c 02 00 0000 00 53 41 45",  # a SASL body in an AMQP frame
        "0000000c 02 00 0000 00 53 28 45",  # a source: not a performative
        "0000000e 02 00 0000 00 53 99 c0 01 00 ff",  # unknown descriptor, payload after it
        "0000000c 02 00 0000 a1 01 61 40",  # not described
        "0000000c 02 00 0000 00 53 14 45",  # a transfer without its mandatory handle
        "0000000e 02 00 0000 00 53 14 a1 01 61",  # a transfer that is not a list
        "0000000e 02 00 0000 00 53 18 c0 01 00",  # a close as a list8 of no fields
        "00000010 02 00 0000 00 53 18 d0 00000000",  # a list32 cut short
        "00000014 02 00 0000 00 53 18 d0 00000004 00000000",  # a close as a list32
        "00000013 02 00 0000 00 80 0000000000000018 45",  # a full-width ulong descriptor
        "0000001b 02 00 0000 00 a3 0f 616d71703a636c6f73653a6c697374 45",  # a symbolic descriptor
        "0000000d 02 00 0000 00 53 14 c0 03",  # cut inside the performative
        "00000007 02 00 0000",  # SIZE < 8
        "00000010 05 00 0000 00000000 00000000",  # DOFF past SIZE
        "00000010 02 00 00",  # not all in yet
        "414d5150 00 01 00 00",  # a protocol header
        "00001001 02 00 0000",  # over max_frame_size
    ],
)
@pytest.mark.parametrize("limits", [*LIMITS, Limits(max_depth=1)], ids=["default", "tight", "depth1"])
def test_decode_frame_corners(both_backends: Backends, data: str, limits: Limits) -> None:
    check_decode_frame(both_backends, h(data), 0, limits)


@pytest.mark.parametrize("pos", [-1, 3])
def test_decode_frame_offset_outside_the_buffer(compiled: CompiledPaths, pos: int) -> None:
    with pytest.raises(ValueError, match=f"offset {pos} is outside the 2-byte input"):
        compiled.decode_frame(bytearray(2), pos, 0, 512, DEFAULT_LIMITS, FRAME_PLAN)


def test_frame_reader_on_both_backends(both_backends: Backends) -> None:
    """A stream read with either backend's hot path gives the same events."""
    stream = b"".join(
        [
            encode_frame(Attach(name="a", handle=0, role=False), 1),
            encode_frame(
                Flow(next_incoming_id=1, incoming_window=2, next_outgoing_id=3, outgoing_window=4), 1
            ),
            encode_frame(Transfer(handle=0, delivery_id=1, delivery_tag=b"t"), 1, b"payload"),
            encode_frame(Disposition(role=True, first=1), 1),
            encode_frame(None, 2),
        ]
    )
    events = []
    for _, backend in both_backends:
        with use_backend(backend):
            reader = FrameReader(expect_header=False)
            reader.feed(stream)
            events.append(list(reader))
    assert len(events[0]) == 5 and same_value(events[0], events[1])


def test_sasl_frames_take_the_general_path(compiled: CompiledPaths) -> None:
    frame = encode_frame(SaslInit(mechanism=Symbol("PLAIN")))
    assert compiled.decode_frame(bytearray(frame), 0, 0, 512, DEFAULT_LIMITS, FRAME_PLAN) is None


# --------------------------------------------------------------------------- frames: writing

WRITE_PLAN = frames_writer._WRITE_PLAN
SASL_BODIES = [cls for cls in COMPOSITE_CLASSES if issubclass(cls, SaslBody)]
WRITTEN_BODIES = (
    st.none()
    | composites(PERFORMATIVES + SASL_BODIES)
    | st.builds(lambda: forced(Transfer(handle=0), state=object()))  # refused by the encoder
    | st.just(Described(ULong(0x99), []))
)
_RAW = st.binary(max_size=40)
PAYLOADS = st.one_of(
    _RAW,
    _RAW.map(bytearray),
    _RAW.map(memoryview),
    _RAW.map(lambda raw: memoryview(raw)[::2]),  # not contiguous: refused
    _RAW.map(lambda raw: memoryview(raw[: len(raw) // 2 * 2]).cast("H")),
    st.sampled_from(["text", None, 5]),
)
CHANNELS = st.integers(-1, 0x10000) | st.sampled_from([True, 1.0, "1", 2**70])
FRAME_SIZES = st.none() | st.integers(0, 600) | st.sampled_from([4096, 2**32, 2**40, -1, 1.5, "512"])


class _SubTransfer(Transfer):
    __slots__ = ()


@fixture_settings
@given(performative=WRITTEN_BODIES, channel=CHANNELS, payload=PAYLOADS, max_frame_size=FRAME_SIZES)
def test_encode_frame_agrees(
    both_backends: Backends, performative: Any, channel: Any, payload: Any, max_frame_size: Any
) -> None:
    """``encode_frame`` gives the same bytes or error on both backends, whether the
    compiled hot path writes the frame or declines to."""
    agree(both_backends, lambda: encode_frame(performative, channel, payload, max_frame_size=max_frame_size))


@fixture_settings
@given(
    transfer=composites([Transfer]) | st.builds(_SubTransfer, handle=st.integers(0, 3)),
    channel=CHANNELS,
    payload=PAYLOADS | st.binary(min_size=100, max_size=3000),
    max_frame_size=st.sampled_from([0, 30, 64, 512, 1024, 4096, 2**32, -1, None]),
)
def test_encode_transfer_agrees(
    both_backends: Backends, transfer: Any, channel: Any, payload: Any, max_frame_size: Any
) -> None:
    """``encode_transfer`` (whose one-frame deliveries the hot path writes) gives the
    same frames or error on both backends."""
    agree(
        both_backends,
        lambda: encode_transfer(transfer, payload, channel=channel, max_frame_size=max_frame_size),
    )


@fixture_settings
@given(performative=composites(PERFORMATIVES), channel=st.integers(0, 0xFFFF), payload=_RAW)
def test_encode_frame_hot_path_writes_the_usual_form(
    compiled: CompiledPaths, performative: Any, channel: int, payload: bytes
) -> None:
    """The hot path itself writes every frame of a registered performative whose fields
    encode, the bytes the reference writes; for one whose fields do not, it raises the
    value encoder's error itself (the writer adds the field path)."""
    expected = on_pure(lambda: encode_frame(performative, channel, payload))
    found = outcome(
        lambda: compiled.encode_frame(performative, channel, payload, 2**32 - 1, DEFAULT_LIMITS, WRITE_PLAN)
    )
    if expected[0] == "value":
        assert found == expected
    else:
        assert found[0] is expected[0] and found[-1] == expected[-1], (found, expected)


@pytest.mark.parametrize(
    ("performative", "channel", "payload", "limit"),
    [
        (None, 0, b"", 512),  # a heartbeat: the reference's
        (Described(ULong(0x14), [UInt(0)]), 0, b"", 512),  # a Described body
        (_SubTransfer(handle=0), 0, b"", 512),  # a subclass
        (Transfer(handle=0), 65536, b"", 512),
        (Transfer(handle=0), True, b"", 512),
        (Transfer(handle=0), 0, memoryview(b"abcd")[::2], 512),
        (Transfer(handle=0), 0, "text", 512),
        (Transfer(handle=0), 0, b"x" * 500, 512),  # over the limit
        (SaslInit(mechanism=Symbol("PLAIN")), 0, b"x", 512),  # a SASL body has no payload
        (Open(container_id="c"), 0, b"", 12),  # over the limit once encoded
    ],
)
def test_encode_frame_hot_path_declines(
    both_backends: Backends, performative: Any, channel: Any, payload: Any, limit: int
) -> None:
    assert (
        paths(both_backends).encode_frame(performative, channel, payload, limit, DEFAULT_LIMITS, WRITE_PLAN)
        is None
    )
    agree(both_backends, lambda: encode_frame(performative, channel, payload, max_frame_size=limit))


@pytest.mark.parametrize("write", [encode_frame, lambda body: encode_transfer(body, b"", max_frame_size=512)])
def test_encode_frame_hot_path_raises_the_encoders_errors(both_backends: Backends, write: Any) -> None:
    """A field the encoder refuses: the hot path raises (it does not decline and run the
    hooks again), and the error is the reference's, field path included."""
    calls: list[int] = []

    class Refused:
        def __amqp__(self) -> object:
            calls.append(1)
            return object()

    transfer = forced(Transfer(handle=0), state=Refused())
    found = agree(both_backends, lambda: write(transfer))
    assert found[0] is UnsupportedTypeError and found[4] == "transfer.state"
    assert len(calls) == 2  # once a backend


class _Boom:
    def __amqp__(self) -> object:
        raise KeyError("boom")


class _PosingMeta(type):
    """A metaclass whose classes compare equal to ``Flow``: no registered class."""

    def __hash__(cls) -> int:
        return hash(Flow)

    def __eq__(cls, other: object) -> bool:
        return other is Flow or other is cls


class _PosesAsFlow(metaclass=_PosingMeta):
    def __amqp__(self) -> object:
        return Described(ULong(0x13), [])


def _released_by_a_hook(payload: memoryview) -> bytes:
    class Releases:
        def __amqp__(self) -> str:
            payload.release()
            return "x"

    return encode_frame(
        Attach(name="l", handle=0, role=False, properties={Symbol("k"): Releases()}), 1, payload
    )


@pytest.mark.parametrize(
    "write",
    [
        lambda: encode_frame(
            Open(container_id="c", properties={Symbol("k"): _Boom()}), 0, memoryview(b"abcdef")[::2]
        ),
        lambda: encode_frame(Open(container_id="c", properties={Symbol("k"): _Boom()}), 0, b""),
        lambda: encode_frame(_PosesAsFlow()),  # type: ignore[arg-type]
        lambda: _released_by_a_hook(memoryview(b"abcd").cast("H")),
        lambda: _released_by_a_hook(memoryview(b"abcd")),
    ],
    ids=["hook-raises-strided-payload", "hook-raises", "posing-class", "cast-view-released", "view-released"],
)
def test_encode_frame_odd_bodies_agree(both_backends: Backends, write: Callable[[], bytes]) -> None:
    """Bodies whose hooks raise or release the payload, and a class posing as a registered
    one: the same outcome on both backends (the payload's own check first, as the
    reference makes it)."""
    agree(both_backends, write)


def test_encode_frame_reads_the_payload_after_the_hooks(both_backends: Backends) -> None:
    """A hook the performative's encoding runs may change a bytearray payload; both
    writers read the payload after encoding the performative (and the compiled one holds
    no pointer into it meanwhile)."""

    def write() -> bytes:
        payload = bytearray(b"0123456789")

        class Shrinks:
            def __amqp__(self) -> str:
                del payload[4:]
                payload.extend(b"!" * 4096)  # moves the buffer
                return "x"

        attach = Attach(name="l", handle=0, role=False, properties={Symbol("k"): Shrinks()})
        return encode_frame(attach, 1, payload)

    found = agree(both_backends, write)
    assert found[0] == "value" and found[1].endswith(b"0123" + b"!" * 4096)


def test_encode_frame_hot_path_reads_flat_byte_buffers(compiled: CompiledPaths) -> None:
    """A bytearray or a flat memoryview of bytes is read by the hot path; a view of another
    shape or format, or a released one, goes to the reference (which casts it first)."""
    frame = encode_frame(Transfer(handle=0), 1, b"\x01\x02\x03\x04")
    for payload in (bytearray(b"\x01\x02\x03\x04"), memoryview(b"\x00\x01\x02\x03\x04")[1:]):
        assert compiled.encode_frame(Transfer(handle=0), 1, payload, 512, DEFAULT_LIMITS, WRITE_PLAN) == frame
    released = memoryview(b"\x01")
    released.release()
    for payload in (
        memoryview(b"\x01\x02\x03\x04").cast("H"),
        memoryview(b"\x01\x02").cast("B", (1, 2)),
        released,
    ):
        assert compiled.encode_frame(Transfer(handle=0), 1, payload, 512, DEFAULT_LIMITS, WRITE_PLAN) is None
    assert encode_frame(Transfer(handle=0), 1, memoryview(b"\x01\x02\x03\x04").cast("H")) == frame


# --------------------------------------------------------------------------- which backend runs them


def test_the_layers_follow_the_switch(both_backends: Backends) -> None:
    """``use_backend`` alone decides what the layers run: a counting value codec sees
    every value the message layer decodes on it, and none once the block ends."""
    calls: list[int] = []
    pure = both_backends[0][1]

    def counting(data: Any, offset: int, limits: Limits, budget: list[int] | None = None) -> tuple[Any, int]:
        calls.append(offset)
        return pure.decode_prefix(data, offset, limits, budget)

    data = Message(header=Header(durable=True), body=AMQPValue("x")).encode()
    with use_backend(dataclasses.replace(pure, decode_prefix=counting)):
        assert Message.decode(data) == Message.decode(data)
    assert len(calls) == 4
    Message.decode(data)
    assert len(calls) == 4
