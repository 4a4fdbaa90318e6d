"""Encoding is hostile input too (README "Security"; docs: limits-and-security):
whatever an application hands ``encode``, ``Message.encode`` or ``encode_frame``, the
result is bytes or an :class:`~amqpcodec.errors.EncodeError` whose ``.path`` names the
offending part, never a hang, a ``RecursionError`` or another exception.

Covered here, beyond ``test_hostile_input.py`` (value-level paths, surrogates in plain
strings, wrappers refusing values, a list, dict or described value holding itself) and
``test_message.py`` (constructor field errors, annotation and application-properties
keys): containers holding themselves through every kind of container and through
message sections and composite fields; nesting far past ``max_depth``, and at
``MAX_DEPTH_CEILING`` from a caller whose stack is already deep; Python types with no
AMQP encoding as keys, elements and field values; lone surrogates and non-ASCII
symbols in keys, descriptors and fields; keys that break a section's rules (Part 3
§3.2.5 application-properties: string; §3.2.10 annotations: symbol or ulong); the
``max_message_size`` output bound (values that share structure, every check point,
both backends at every bound); ``__amqp__`` hook chains bounded by ``max_depth``; and
hooks inside nesting up to ``MAX_DEPTH_CEILING`` (no depth, no Python frame, both
backends alike, also in message sections and from a deep caller).
"""

from __future__ import annotations

import array
import datetime as dt
import enum
import fractions
import re
import sys
import tracemalloc
import types
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import amqpcodec.message.model as message_module
from amqpcodec import (
    DEFAULT_LIMITS,
    AMQPSequence,
    AMQPValue,
    ApplicationProperties,
    Array,
    Attach,
    Char,
    Described,
    EncodeError,
    Header,
    LimitExceededError,
    Limits,
    Message,
    MessageAnnotations,
    Open,
    Properties,
    Role,
    Symbol,
    Transfer,
    UByte,
    UInt,
    ULong,
    UnsupportedTypeError,
)
from amqpcodec import strategies as ast
from amqpcodec._backend import Backend, use_backend
from amqpcodec.frames import encode_frame
from amqpcodec.limits import MAX_DEPTH_CEILING
from tests.helpers.composites import forced

DEPTH = DEFAULT_LIMITS.max_depth


def _loop() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


def _encode_error(call: Callable[[], Any]) -> EncodeError:
    with pytest.raises(EncodeError) as caught:
        call()
    return caught.value


# --------------------------------------------------------------------------- containers holding themselves


def _tuple_through_list() -> Any:
    inner: list[Any] = []
    outer = (inner,)
    inner.append(outer)
    return outer


def _two_lists() -> Any:
    first: list[Any] = []
    first.append([first])
    return first


def _mapping_proxy() -> Any:
    backing: dict[str, Any] = {}
    proxy = types.MappingProxyType(backing)
    backing["k"] = proxy
    return proxy


def _descriptor_loop() -> Any:
    inner: list[Any] = []
    described = Described(inner, None)
    inner.append(described)
    return described


def _array_element_loop() -> Any:
    inner: list[Any] = []
    value = [Array("map", [{"k": inner}])]
    inner.append(value)
    return value


SELF_CONTAINING = {
    "tuple through a list": (_tuple_through_list, r"(\[0\])+"),
    "two lists": (_two_lists, r"(\[0\])+"),
    "mapping proxy": (_mapping_proxy, r"(\['k'\])+"),
    "described descriptor": (_descriptor_loop, r"(\.descriptor\[0\])+(\.descriptor)?"),
    "map in an array": (_array_element_loop, r"(\[0\]\[0\]\['k'\]\[0\])+(\[0\](\[0\])?)?"),
}


@pytest.mark.parametrize("name", SELF_CONTAINING)
@pytest.mark.parametrize(
    "limits", [DEFAULT_LIMITS, Limits(max_depth=MAX_DEPTH_CEILING)], ids=["default", "ceiling"]
)
def test_containers_holding_themselves(any_backend: Backend, name: str, limits: Limits) -> None:
    make, path = SELF_CONTAINING[name]
    error = _encode_error(lambda: any_backend.encode(make(), limits))
    assert not isinstance(error, UnsupportedTypeError)
    assert re.fullmatch(path, error.path), error.path
    assert f"max_depth={limits.max_depth}" in str(error)


@pytest.mark.parametrize("name", SELF_CONTAINING)
def test_self_containing_values_agree(both_backends: list[tuple[str, Backend]], name: str) -> None:
    make = SELF_CONTAINING[name][0]
    (_, pure), (_, compiled) = both_backends
    first = _encode_error(lambda: pure.encode(make(), DEFAULT_LIMITS))
    second = _encode_error(lambda: compiled.encode(make(), DEFAULT_LIMITS))
    assert (type(first), first.path, str(first)) == (type(second), second.path, str(second))


THROUGH_LAYERS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "amqp-value body": (lambda loop: Message(body=AMQPValue(loop)).encode(), r"body\.value(\[0\])+"),
    "amqp-sequence body": (
        lambda loop: Message(body=AMQPSequence(loop)).encode(),
        r"body\[0\]\.value(\[0\])+",
    ),
    "second amqp-sequence": (
        lambda loop: Message(body=[AMQPSequence([1]), AMQPSequence([loop])]).encode(),
        r"body\[1\]\.value(\[0\])+",
    ),
    "message-annotations value": (
        lambda loop: Message(message_annotations={"x": loop}).encode(),
        r"message_annotations\[Symbol\('x'\)\](\[0\])+",
    ),
    "delivery-annotations value": (
        lambda loop: Message(delivery_annotations={"x": loop}).encode(),
        r"delivery_annotations\[Symbol\('x'\)\](\[0\])+",
    ),
    "footer value": (lambda loop: Message(footer={"x": loop}).encode(), r"footer\[Symbol\('x'\)\](\[0\])+"),
    "properties.reply-to": (
        lambda loop: Message(properties=Properties(reply_to=loop)).encode(),
        r"properties\.reply_to(\[0\])+",
    ),
    "transfer.state": (
        lambda loop: encode_frame(forced(Transfer(handle=0), state=loop)),
        r"transfer\.state(\[0\])+",
    ),
    "open.properties": (
        lambda loop: encode_frame(Open(container_id="c", properties={"k": loop})),
        r"open\.properties\[Symbol\('k'\)\](\[0\])+",
    ),
    "attach.properties": (
        lambda loop: encode_frame(Attach(name="l", handle=0, role=Role.SENDER, properties={"k": loop})),
        r"attach\.properties\[Symbol\('k'\)\](\[0\])+",
    ),
}


@pytest.mark.parametrize("name", THROUGH_LAYERS)
def test_self_containing_values_in_messages_and_frames(name: str) -> None:
    encode, path = THROUGH_LAYERS[name]
    error = _encode_error(lambda: encode(_loop()))
    assert re.fullmatch(path, error.path), error.path


# --------------------------------------------------------------------------- nesting


def _nested(kind: str, levels: int) -> Any:
    value: Any = None
    for _ in range(levels):
        if kind == "list":
            value = [value]
        elif kind == "tuple":
            value = (value,)
        elif kind == "map":
            value = {"k": value}
        elif kind == "described":
            value = Described(1, value)
        else:
            value = Array("list", [[value]])
    return value


@pytest.mark.parametrize("kind", ["list", "tuple", "map", "described", "array"])
def test_nesting_100000_levels_is_an_encode_error(any_backend: Backend, kind: str) -> None:
    value = _nested(kind, 100_000)
    error = _encode_error(lambda: any_backend.encode(value, DEFAULT_LIMITS))
    assert f"max_depth={DEPTH}" in str(error)
    assert len(error.path) < 40 * DEPTH


def _at_stack_depth(frames: int, call: Callable[[], Any]) -> Any:
    """``call()`` from ``frames`` Python frames deeper than here."""
    if frames <= 0:
        return call()
    return _at_stack_depth(frames - 1, call)


@pytest.mark.parametrize("spare", [60, 250, 700], ids=lambda spare: f"{spare}-frames-left")
def test_ceiling_depth_from_a_deep_caller_is_never_a_recursion_error(
    any_backend: Backend, spare: int
) -> None:
    """MAX_DEPTH_CEILING nested lists, encoded and decoded from a caller that has used all
    but ``spare`` frames of the recursion limit: bytes, a value, or a codec error."""
    limits = Limits(max_depth=MAX_DEPTH_CEILING)
    value = _nested("list", MAX_DEPTH_CEILING - 1)
    data = any_backend.encode(value, limits)
    used = sys.getrecursionlimit() - spare - len(_stack())
    for call in (
        lambda: any_backend.encode(value, limits),
        lambda: any_backend.decode_prefix(data, 0, limits),
    ):
        try:
            _at_stack_depth(used, call)
        except EncodeError:
            pass
        except LimitExceededError as error:
            assert error.limit == "max_depth"


def _stack() -> list[Any]:
    frame = sys._getframe()
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back  # type: ignore[assignment]
    return frames


# --------------------------------------------------------------------------- types with no encoding


class _Colour(enum.Enum):
    RED = "red"


UNSUPPORTED = [
    dt.date(2024, 1, 1),
    dt.time(1),
    dt.timedelta(seconds=1),
    fractions.Fraction(1, 3),
    range(3),
    array.array("b", [1]),
    _Colour.RED,
    Ellipsis,
    len,
]


@pytest.mark.parametrize("value", UNSUPPORTED, ids=lambda value: type(value).__name__)
def test_unsupported_types_anywhere(any_backend: Backend, value: Any) -> None:
    for container, path in [
        (value, ""),
        ({value: 1} if _hashable(value) else {"k": value}, f"[{value!r}]" if _hashable(value) else "['k']"),
        (Described(value, None), ".descriptor"),
        (Described(1, [None, value]), ".value[1]"),
        (Array("list", [[], [value]]), "[1][0]"),
        (Array("map", [{"k": value}]), "[0]['k']"),
    ]:
        error = _encode_error(lambda container=container: any_backend.encode(container, DEFAULT_LIMITS))
        assert isinstance(error, UnsupportedTypeError) and isinstance(error, TypeError)
        assert error.path == path


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def test_a_generator_is_not_a_list(any_backend: Backend) -> None:
    items = (n for n in range(3))
    error = _encode_error(lambda: any_backend.encode([items], DEFAULT_LIMITS))
    assert isinstance(error, UnsupportedTypeError) and error.path == "[0]"
    assert next(items) == 0  # not consumed


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (
            lambda: Message(application_properties={"k": dt.date(2024, 1, 1)}).encode(),
            "application_properties['k']",
        ),
        (lambda: Message(body=AMQPValue({"k": [fractions.Fraction(1, 2)]})).encode(), "body.value['k'][0]"),
        (lambda: Message(footer={"f": range(1)}).encode(), "footer[Symbol('f')]"),
        (lambda: encode_frame(forced(Transfer(handle=0), state=dt.timedelta(0))), "transfer.state"),
        (
            lambda: encode_frame(Open(container_id="c", properties={"k": _Colour.RED})),
            "open.properties[Symbol('k')]",
        ),
    ],
)
def test_unsupported_types_in_messages_and_frames(call: Callable[[], Any], path: str) -> None:
    error = _encode_error(call)
    assert isinstance(error, UnsupportedTypeError) and error.path == path


# --------------------------------------------------------------------------- out of range, surrogates, symbols


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({2**64: None}, "[18446744073709551616]"),
        ({-(2**63) - 1: None}, "[-9223372036854775809]"),
        (Described(Symbol("d"), 2**64), ".value"),
        (Described(1, {"k": [2**70]}), ".value['k'][0]"),
        ({"\ud800": 1}, "['\\ud800']"),
        ({"k": {"\udfff": 1}}, "['k']['\\udfff']"),
        (Described(1, "\udbff"), ".value"),
        (Array("map", [{"ok": 1}, {"\ud800": 1}]), "[1]['\\ud800']"),
        ({str.__new__(Symbol, "é"): 1}, "[Symbol('é')]"),
        (Described(str.__new__(Symbol, "naïve"), None), ".descriptor"),
        ([int.__new__(UByte, 256)], "[0]"),
        ({"k": Described(1, int.__new__(ULong, -1))}, "['k'].value"),
    ],
    ids=lambda value: repr(value)[:30],
)
def test_values_that_cannot_be_encoded_name_their_path(any_backend: Backend, value: Any, path: str) -> None:
    error = _encode_error(lambda: any_backend.encode(value, DEFAULT_LIMITS))
    assert not isinstance(error, UnsupportedTypeError)
    assert error.path == path


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: encode_frame(Open(container_id="\ud800")), "open.container_id"),
        (lambda: encode_frame(Open(container_id="c", hostname="h\udc00")), "open.hostname"),
        (lambda: Message(properties=Properties(subject="\ud800")).encode(), "properties.subject"),
        (lambda: Message(properties=Properties(message_id="\ud800")).encode(), "properties.message_id"),
        (lambda: Message(application_properties={"\ud800": 1}).encode(), "application_properties['\\ud800']"),
        (lambda: Message(application_properties={"k": "\ud800"}).encode(), "application_properties['k']"),
        (lambda: Message(body=AMQPSequence(["ok", "\ud800"])).encode(), "body[0].value[1]"),
        (lambda: Message(body=AMQPValue(["ok", "\ud800"])).encode(), "body.value[1]"),
        (
            lambda: Message(message_annotations={"k": int.__new__(UInt, -1)}).encode(),
            "message_annotations[Symbol('k')]",
        ),
        (lambda: Message(header=Header(priority=int.__new__(UByte, 300))).encode(), "header.priority"),
        (
            lambda: Message(message_annotations={str.__new__(Symbol, "é"): 1}).encode(),
            "message_annotations[Symbol('é')]",
        ),
        (
            lambda: Message(message_annotations={int.__new__(ULong, -1): 1}).encode(),
            "message_annotations[ULong(-1)]",
        ),
    ],
)
def test_messages_and_frames_name_the_field(call: Callable[[], Any], path: str) -> None:
    assert _encode_error(call).path == path


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (lambda: Open(container_id="c", offered_capabilities=["ü"]), "open.offered_capabilities"),
        (lambda: Open(container_id="c", desired_capabilities="ß"), "open.desired_capabilities"),
        (lambda: Properties(content_encoding="\ud800"), "properties.content_encoding"),
        (lambda: Described("é", None), ""),
        (lambda: Array("symbol", ["ok", "\ud800"]), "[1]"),
        (lambda: MessageAnnotations({"\ud800": 1}), "message_annotations['\\ud800']"),
    ],
)
def test_non_ascii_symbols_are_refused_when_built(make: Callable[[], Any], path: str) -> None:
    error = _encode_error(make)
    assert error.path == path
    assert "ASCII" in str(error) or "surrogate" in str(error)


# --------------------------------------------------------------------------- section key rules


@pytest.mark.parametrize(
    "key",
    [UInt(3), Char("c"), uuid.UUID(int=1), Decimal(1), Described(1, 2), (1,), 2**64, 1.5, b"k", None],
    ids=repr,
)
def test_annotation_keys_are_symbols_or_ulongs(key: Any) -> None:
    """§3.2.10: annotations keys are symbol or ulong (str and non-negative int convert)."""
    for build in (
        lambda: MessageAnnotations({key: 1}),
        lambda: Message(delivery_annotations={key: 1}),
        lambda: Message(footer={key: 1}),
    ):
        error = _encode_error(build)
        assert error.path.endswith(f"[{key!r}]")


@pytest.mark.parametrize(
    "key", [None, uuid.UUID(int=1), Described(1, 2), (1,), 1, ULong(2), b"k", Char("c")], ids=repr
)
def test_application_properties_keys_are_strings(key: Any) -> None:
    """§3.2.5: application-properties keys are strings (a Symbol key becomes str)."""
    error = _encode_error(lambda: ApplicationProperties({key: 1}))
    assert error.path == f"application_properties[{key!r}]"


def test_reassigned_sections_are_checked() -> None:
    message = Message()
    with pytest.raises(EncodeError) as caught:
        message.application_properties = {1: "x"}  # type: ignore[assignment]
    assert caught.value.path == "application_properties[1]"
    with pytest.raises(EncodeError) as caught:
        message.message_annotations = {1.5: "x"}  # type: ignore[assignment]
    assert caught.value.path == "message_annotations[1.5]"
    assert message.encode() == b""


@pytest.mark.parametrize(
    "value",
    [
        Described(Symbol("d"), Described(Symbol("e"), [1])),
        Described(Symbol("d"), {"k": 1}),
        Described(Symbol("d"), Array("uint", [1])),
    ],
    ids=repr,
)
def test_application_properties_values_are_simple_at_any_depth(value: Any) -> None:
    """§3.2.5: simple types only, also inside described values."""
    assert _encode_error(lambda: ApplicationProperties({"k": value})).path == "application_properties['k']"


def test_decoded_sections_keep_what_a_peer_sent() -> None:
    """Keys that break the rules when built are kept when decoded, and re-encode unchanged."""
    payload = bytes.fromhex("00 53 72 c1 05 02 a1 01 6b 41" + "00 53 74 c1 04 02 52 07 41")
    message = Message.decode(payload)
    assert message.encode() == payload
    assert message.application_properties is not None and list(message.application_properties) == [UInt(7)]


# --------------------------------------------------------------------------- bounds on the output


class _Counted:
    """A leaf that counts its encodings (``__amqp__`` hook) and stops a runaway encoder."""

    calls = 0
    budget = 1 << 18

    def __amqp__(self) -> None:
        type(self).calls += 1
        if type(self).calls > self.budget:
            raise RuntimeError(f"encoded over {self.budget} leaves")


def _shared(levels: int) -> Any:
    """A value whose ``2**levels`` leaves are one object reached through shared lists."""
    value: Any = [_Counted()]
    for _ in range(levels):
        value = [value, value]
    return value


@pytest.fixture
def counted() -> Iterator[type[_Counted]]:
    _Counted.calls = 0
    yield _Counted
    _Counted.calls = 0


def test_shared_structure_encodes_in_full(any_backend: Backend, counted: type[_Counted]) -> None:
    data = any_backend.encode(_shared(8), DEFAULT_LIMITS)
    assert counted.calls == 256 and data.count(b"\x40") == 256


def test_message_encode_stops_at_max_message_size(counted: type[_Counted]) -> None:
    """A body sharing structure (2**40 leaves in 41 lists) is an EncodeError once the
    output passes max_message_size, after about as many leaves as fit (the hot path's
    attempt, then the message layer's, which names the section)."""
    message = Message(body=AMQPValue(_shared(40)))
    limits = Limits(max_message_size=1 << 16)
    error = _encode_error(lambda: message.encode(limits=limits))
    assert "max_message_size=65536" in str(error)
    assert re.fullmatch(r"body\.value(\[[01]\])+", error.path), error.path
    assert counted.calls <= 2 * limits.max_message_size


class _Again:
    """An ``__amqp__`` hook that returns a new hooked object, forever."""

    def __amqp__(self) -> Any:
        return _Again()


def test_endless_hooks_are_encode_errors(any_backend: Backend) -> None:
    error = _encode_error(lambda: any_backend.encode([_Again()], DEFAULT_LIMITS))
    assert not isinstance(error, UnsupportedTypeError)


def test_endless_hooks_name_their_path(any_backend: Backend) -> None:
    """A hook chain is bounded by max_depth hooks in a row; the error names the hooked value."""
    error = _encode_error(lambda: any_backend.encode({"k": [1, _Again()]}, DEFAULT_LIMITS))
    assert error.path == "['k'][1]"
    assert f"max_depth={DEPTH}" in str(error)


class _Chain:
    """A hook whose ``__amqp__`` returns a chain one shorter, and the last one ``"end"``."""

    def __init__(self, length: int) -> None:
        self.length = length

    def __amqp__(self) -> Any:
        return _Chain(self.length - 1) if self.length > 1 else "end"


def test_hook_chains_at_max_depth_and_one_more(any_backend: Backend) -> None:
    limits = Limits(max_depth=5)
    assert any_backend.encode([_Chain(5)], limits) == any_backend.encode(["end"], limits)
    error = _encode_error(lambda: any_backend.encode([_Chain(6)], limits))
    assert (error.path, error.args[0]) == (
        "[0]",
        "more than max_depth=5 __amqp__ hooks in a row (a hook returning hooked values forever?)",
    )


def test_hook_chains_do_not_count_as_nesting(any_backend: Backend) -> None:
    """A hooked value is encoded at its own depth: hooks add no nesting level."""
    limits = Limits(max_depth=3)
    assert any_backend.encode([[_Chain(3)]], limits) == any_backend.encode([["end"]], limits)


# The output bound is checked at fixed points (Limits docstring), the same in both
# backends, so for every max_message_size both stop at the same value with the same error.
def _output_cases() -> dict[str, Any]:
    shared_text = "t" * 40
    return {
        "scalars": [1, 2**40, -1, UInt(7), 1.5, None, True, Char("c"), uuid.UUID(int=5)],
        "strings": ["a" * 30, Symbol("s" * 20), b"b" * 25, "é" * 10],
        "long string": ["x" * 300, "y"],
        "long binary": [b"x" * 300],
        "map": {"k": [1, 2, {"n": b"v" * 40}], Symbol("s"): None},
        "described": Described(Symbol("d"), [Described(1, "x" * 50), 3]),
        "array of ints": Array("long", list(range(-5, 60, 3))),
        "array of strings": Array("string", [shared_text] * 6),
        "array of lists": Array("list", [[1, "ab"], [], [shared_text, [2]]]),
        "array of arrays": Array("array", [Array("uint", [1, 2]), Array("symbol", ["a", "bb"])]),
        "hooks": [Role.SENDER, _Chain(3), [_Chain(2)]],
        "composite": Open(container_id="c" * 30, hostname="h", properties={"k": "v" * 20}),
        "deep": _nested("list", 30),
    }


OUTPUT_CASES = _output_cases()


@pytest.mark.parametrize("name", OUTPUT_CASES)
def test_output_bound_at_n_and_n_minus_1(any_backend: Backend, name: str) -> None:
    value = OUTPUT_CASES[name]
    data = any_backend.encode(value, DEFAULT_LIMITS)
    assert any_backend.encode(value, Limits(max_message_size=len(data))) == data
    error = _encode_error(lambda: any_backend.encode(value, Limits(max_message_size=len(data) - 1)))
    assert f"over max_message_size={len(data) - 1}" in str(error)


@pytest.mark.parametrize("name", OUTPUT_CASES)
def test_backends_stop_at_the_same_value_for_every_bound(
    both_backends: list[tuple[str, Backend]], name: str
) -> None:
    (_, pure), (_, compiled) = both_backends
    value = OUTPUT_CASES[name]
    size = len(pure.encode(value, DEFAULT_LIMITS))
    for bound in range(size + 1):
        limits = Limits(max_message_size=bound)
        outcomes = []
        for backend in (pure, compiled):
            try:
                outcomes.append(("bytes", backend.encode(value, limits)))
            except EncodeError as error:
                outcomes.append((type(error).__name__, error.path, error.args[0]))
        assert outcomes[0] == outcomes[1], (bound, outcomes)


def test_output_bound_paths_golden(any_backend: Backend) -> None:
    """Where each check point stops (``Limits`` docstring), for max_message_size=100."""
    limits = Limits(max_message_size=100)
    cases = [
        (["x" * 300], "[0]", 308),  # a long string: before its copy (3 + 5 + 300)
        ([["a" * 60], ["b" * 60]], "[1]", 133),  # at the end of the list that passed it
        (Array("string", ["a" * 60, "b" * 60]), "[1]", 123),  # per element: 3 + 60 + 60
        # In scratch space, as the least it comes to: 3 + 1 + 64 + 64 at [1]'s own end.
        (Array("list", [["a" * 60], ["b" * 60]]), "[1]", 132),
        (Array("list", [["a" * 60], [], [], ["b" * 40]]), "[3]", 116),  # 3 + 1 + 64 + 2 + 2 + 44
        (Described(1, "a" * 120), "", 125),  # at the end: 1 + 2 + 2 + 120
        ([_Chain(2), "a" * 120], "", 130),  # a list's own scalars: at its end (3 + 5 + 122)
        ([_Hooked(["a" * 120])], "[0]", 128),  # after a hook
    ]
    for value, path, size in cases:
        error = _encode_error(lambda value=value: any_backend.encode(value, limits))
        assert (error.path, error.args[0]) == (
            path,
            f"the encoding needs at least {size} bytes, over max_message_size=100",
        ), value


def test_a_long_binary_is_refused_before_it_is_copied(any_backend: Backend) -> None:
    payload = bytes(1 << 20)
    tracemalloc.start()
    try:
        error = _encode_error(lambda: any_backend.encode([payload], Limits(max_message_size=1 << 10)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.path == "[0]" and peak < 1 << 16


@pytest.mark.parametrize(
    "make",
    [
        lambda leaf: (leaf, leaf),
        lambda leaf: {"a": leaf, "b": leaf},
        lambda leaf: Described(leaf, leaf),
        lambda leaf: Array("list", [[leaf], [leaf]]),
        lambda leaf: Array("map", [{"k": leaf}, {"k": leaf}]),
        lambda leaf: [_Hooked(leaf), _Hooked(leaf)],
        lambda leaf: Open(container_id="c", properties={"a": leaf, "b": leaf}),
    ],
    ids=["tuple", "dict", "described", "array of lists", "array of maps", "hook", "composite"],
)
def test_shared_structure_stops_through_every_container(
    both_backends: list[tuple[str, Backend]], counted: type[_Counted], make: Callable[[Any], Any]
) -> None:
    """2**30 leaves or more behind each kind of container: both backends stop at once, alike."""
    value: Any = [_Counted()]
    for _ in range(30):
        value = make(value)
    limits = Limits(max_message_size=1 << 14)
    errors = [
        _encode_error(lambda backend=backend: backend.encode(value, limits)) for _, backend in both_backends
    ]
    assert (errors[0].path, errors[0].args[0]) == (errors[1].path, errors[1].args[0])
    assert "max_message_size=16384" in str(errors[0])
    assert counted.calls <= 2 * limits.max_message_size


class _Hooked:
    """A hook returning what it holds."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __amqp__(self) -> Any:
        return self.value


def test_a_many_section_body_stops_at_the_section_that_passes_the_bound() -> None:
    """Each section is within the bound, their sum is not: the message layer's running
    total names the first section past it (108 bytes each here)."""
    message = Message(body=tuple(AMQPSequence([b"x" * 100]) for _ in range(100)))
    error = _encode_error(lambda: message.encode(limits=Limits(max_message_size=1000)))
    assert (error.path, error.args[0]) == (
        "body[9]",
        "the message takes at least 1080 bytes, over max_message_size=1000",
    )
    assert len(message.encode(limits=Limits(max_message_size=10800))) == 10800


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=100)
@given(value=ast.values())
def test_any_value_encodes_within_its_own_size_and_not_one_byte_less(
    both_backends: list[tuple[str, Backend]], value: Any
) -> None:
    """Every check counts the least the output can come to, in both backends alike."""
    (_, pure), (_, compiled) = both_backends
    data = pure.encode(value, DEFAULT_LIMITS)
    for backend in (pure, compiled):
        assert backend.encode(value, Limits(max_message_size=len(data))) == data
    errors = (
        [
            _encode_error(
                lambda backend=backend: backend.encode(value, Limits(max_message_size=len(data) - 1))
            )
            for backend in (pure, compiled)
        ]
        if data
        else []
    )
    assert len({(error.path, error.args[0]) for error in errors}) <= 1


# --------------------------------------------------------------------------- hooks inside deep nesting
# A hook adds no nesting level, and in the pure backend no Python frame either (its
# result is encoded in the frame of the compound holding the hooked value), so
# MAX_DEPTH_CEILING levels of hooked compounds give both backends the same bytes, and
# one level more the same depth error from ``Limits``, never "nesting exhausted".


def _hooks(value: Any, count: int) -> Any:
    """``value`` behind ``count`` hooks in a row (``_Hooked``)."""
    for _ in range(count):
        value = _Hooked(value)
    return value


class _KeyList(list[Any]):
    """A list usable as a map key (hashed by identity), for the hook-free twin of a hooked key."""

    __hash__ = object.__hash__  # type: ignore[assignment]


#: Per shape: the compound levels one step adds, and the step: ``value`` wrapped one step
#: deeper with ``hooks`` hooks in a row on the way (0: the hook-free twin).
HOOKED_NESTING: dict[str, tuple[int, Callable[[Any, int], Any]]] = {
    "list": (1, lambda value, hooks: _hooks([value], hooks)),
    "tuple": (1, lambda value, hooks: _hooks((value,), hooks)),
    "map value": (1, lambda value, hooks: _hooks({"k": value}, hooks)),
    "map key": (2, lambda value, hooks: {_hooks(_KeyList([value]), hooks): None}),
    "described value": (1, lambda value, hooks: _hooks(Described(Symbol("d"), value), hooks)),
    "hook returning a described list": (2, lambda value, hooks: _hooks(Described(1, [value]), hooks)),
    "described descriptor": (2, lambda value, hooks: Described(_hooks([value], hooks), None)),
    "array of lists": (2, lambda value, hooks: _hooks(Array("list", [[value]]), hooks)),
    "array descriptor": (2, lambda value, hooks: Array("null", [None], descriptor=_hooks([value], hooks))),
    "composite field": (
        4,
        lambda value, hooks: Open(container_id="c", properties={Symbol("k"): _hooks([value], hooks)}),
    ),
}


def _hooked_nesting(shape: str, depth: int, hooks: int, leaf: Any = None) -> Any:
    """``depth`` compound levels of ``shape`` around ``leaf`` (``depth`` a multiple of its step)."""
    per, step = HOOKED_NESTING[shape]
    value = leaf
    for _ in range(depth // per):
        value = step(value, hooks)
    return value


def _outcome(call: Callable[[], bytes | None]) -> tuple[Any, ...]:
    """``("bytes", ...)`` or the codec error's class, path and message."""
    try:
        return ("bytes", call())
    except EncodeError as error:
        return (type(error).__name__, error.path, error.args[0])


def _agreed(both_backends: list[tuple[str, Backend]], encode: Callable[[Backend], Any]) -> tuple[Any, ...]:
    """The one outcome both backends give for ``encode(backend)``, from a caller 200 frames deep."""
    outcomes = [
        _at_stack_depth(200, lambda b=backend: _outcome(lambda: encode(b))) for _, backend in both_backends
    ]
    assert outcomes[0] == outcomes[1], outcomes
    return outcomes[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("hooks", [1, 3], ids=["1-hook", "3-hooks"])
@pytest.mark.parametrize("max_depth", [12, MAX_DEPTH_CEILING])
@pytest.mark.parametrize("shape", HOOKED_NESTING)
def test_hooked_nesting_at_max_depth_and_one_more_agrees(
    both_backends: list[tuple[str, Backend]], shape: str, max_depth: int, hooks: int
) -> None:
    """``max_depth`` levels through hooks: the bytes of the hook-free twin, in both backends
    alike; one level more (a hooked list at the bottom): both raise the depth error of
    ``Limits`` at the same path; ``max_depth`` hooks in a row at the bottom still encode,
    one more is the hook-chain error at the same path."""
    limits = Limits(max_depth=max_depth)
    pure = both_backends[0][1]
    twin = pure.encode(_hooked_nesting(shape, max_depth, 0), limits)

    value = _hooked_nesting(shape, max_depth, hooks)
    assert _agreed(both_backends, lambda backend: backend.encode(value, limits)) == ("bytes", twin)

    deeper = _hooked_nesting(shape, max_depth, hooks, leaf=_hooks([None], hooks))
    kind, path, message = _agreed(both_backends, lambda backend: backend.encode(deeper, limits))
    assert kind == "EncodeError"
    assert message == f"nesting deeper than max_depth={max_depth} (a container holding itself?)"

    chained = _hooked_nesting(shape, max_depth, hooks, leaf=_hooks(None, max_depth))
    assert _agreed(both_backends, lambda backend: backend.encode(chained, limits)) == ("bytes", twin)
    endless = _hooked_nesting(shape, max_depth, hooks, leaf=_hooks(None, max_depth + 1))
    kind, endless_path, message = _agreed(both_backends, lambda backend: backend.encode(endless, limits))
    assert (kind, message) == (
        "EncodeError",
        f"more than max_depth={max_depth} __amqp__ hooks in a row (a hook returning hooked values forever?)",
    )
    assert _anonymous(endless_path) == _anonymous(path)  # the leaf's place, where ``deeper`` put its list


def _on(backend: Backend, call: Callable[[], Any]) -> Any:
    """``call()`` with the layers on ``backend``."""
    with use_backend(backend):
        return call()


def _anonymous(path: str) -> str:
    """``path`` without the object addresses its map keys' reprs hold."""
    return re.sub(r" object at 0x[0-9a-f]+", "", path)


#: Message sections (Part 3 §3.2) around hooked nesting: the section itself is depth 0,
#: so ``levels(max_depth)`` levels of hooked lists fill ``max_depth`` exactly.
HOOKED_SECTIONS: dict[str, tuple[Callable[[int], int], Callable[[Any], Message]]] = {
    "amqp-value": (lambda depth: depth - 1, lambda value: Message(body=AMQPValue(value))),
    "amqp-sequence": (lambda depth: depth - 2, lambda value: Message(body=AMQPSequence([value]))),
    "message-annotations": (
        lambda depth: depth - 2,
        lambda value: Message(
            message_annotations=MessageAnnotations({Symbol("x-k"): value}), body=AMQPValue(1)
        ),
    ),
    "hooked section": (lambda depth: depth - 1, lambda value: Message(body=_HookedValue(value))),
}


class _HookedValue(AMQPValue):
    """An amqp-value section subclass encoded through its own hook (as ``00 53 77`` value)."""

    __slots__ = ()

    def __amqp__(self) -> Any:
        return _Hooked(Described(ULong(0x77), _Hooked(self.value)))


@pytest.mark.parametrize("max_depth", [12, MAX_DEPTH_CEILING])
@pytest.mark.parametrize("section", HOOKED_SECTIONS)
def test_hooked_nesting_in_message_sections_agrees(
    both_backends: list[tuple[str, Backend]], section: str, max_depth: int
) -> None:
    """As above, through ``Message.encode`` on each backend and the compiled hot path
    (``encode_message``)."""
    levels, make = HOOKED_SECTIONS[section]
    limits = Limits(max_depth=max_depth)
    plan = message_module._PLAN
    compiled = both_backends[1][1].compiled
    assert compiled is not None
    fits = make(_hooked_nesting("list", levels(max_depth), 2))
    twin = make(_hooked_nesting("list", levels(max_depth), 0))
    outcome = _agreed(both_backends, lambda backend: _on(backend, lambda: fits.encode(limits=limits)))
    assert outcome == ("bytes", twin.encode(limits=limits))
    assert _at_stack_depth(200, lambda: compiled.encode_message(fits, limits, plan)) == outcome[1]

    deeper = make(_hooked_nesting("list", levels(max_depth) + 1, 2))
    kind, _, message = _agreed(
        both_backends, lambda backend: _on(backend, lambda: deeper.encode(limits=limits))
    )
    assert kind == "EncodeError" and f"nesting deeper than max_depth={max_depth}" in message
    hot = _at_stack_depth(200, lambda: _outcome(lambda: compiled.encode_message(deeper, limits, plan)))
    assert hot[0] == "EncodeError" and f"nesting deeper than max_depth={max_depth}" in hot[2]
    error = _encode_error(lambda: _at_stack_depth(200, lambda: deeper.encode(limits=limits)))
    assert f"nesting deeper than max_depth={max_depth}" in str(error)


class _Probe:
    """A leaf hook noting how deep the Python stack is when it is applied."""

    def __init__(self) -> None:
        self.depths: list[int] = []

    def __amqp__(self) -> None:
        self.depths.append(len(_stack()))


@pytest.mark.parametrize("shape", HOOKED_NESTING)
def test_hooks_cost_no_python_frame(any_backend: Backend, shape: str) -> None:
    """Counted, not timed: the stack at the bottom of 40 levels is as deep with 3 hooks per
    level as with none (pure: one frame per level; compiled: none)."""
    depths = []
    for hooks in (0, 3):
        probe = _Probe()
        any_backend.encode([_hooked_nesting(shape, 40, hooks, leaf=probe)], Limits(max_depth=41))
        depths.append(probe.depths)
    assert depths[0] == depths[1] and len(depths[0]) == 1


class _Recursing:
    """A hook that calls itself until Python's stack runs out."""

    def __amqp__(self) -> Any:
        return self.__amqp__()


def test_a_hook_exhausting_the_stack_is_an_encode_error_in_both(
    both_backends: list[tuple[str, Backend]],
) -> None:
    """The ``RecursionError`` a hook raises becomes one EncodeError, in both backends alike."""
    value = {"k": [1, _Recursing()]}
    plan = message_module._PLAN
    message = Message(body=AMQPValue(value))
    exhausted = ("EncodeError", "", "nesting exhausted the Python stack before max_depth")
    for _, backend in both_backends:
        assert _outcome(lambda backend=backend: backend.encode(value, DEFAULT_LIMITS)) == exhausted
        if backend.compiled is not None:
            assert (
                _outcome(lambda b=backend.compiled: b.encode_message(message, DEFAULT_LIMITS, plan))
                == exhausted
            )
        assert _on(backend, lambda: _encode_error(lambda: message.encode()).path) == "body"
    assert _encode_error(lambda: message.encode()).path == "body"


@pytest.mark.parametrize("spare", [60, 250, 700], ids=lambda spare: f"{spare}-frames-left")
def test_hooked_ceiling_depth_from_a_deep_caller_is_never_a_recursion_error(
    any_backend: Backend, spare: int
) -> None:
    """``test_ceiling_depth_from_a_deep_caller_is_never_a_recursion_error`` through hooks."""
    limits = Limits(max_depth=MAX_DEPTH_CEILING)
    value = _hooked_nesting("list", MAX_DEPTH_CEILING, 2)
    used = sys.getrecursionlimit() - spare - len(_stack())
    try:
        data = _at_stack_depth(used, lambda: any_backend.encode(value, limits))
    except EncodeError as error:
        assert error.args[0] == "nesting exhausted the Python stack before max_depth"
    else:
        assert data == any_backend.encode(_hooked_nesting("list", MAX_DEPTH_CEILING, 0), limits)


def test_a_hooked_base_does_not_outrank_an_encodable_one(both_backends: list[tuple[str, Backend]]) -> None:
    """A class deriving from a hooked class and from ``int`` is an int (its nearest base
    with an encoder) in both backends, also once the hooked class has been encoded."""
    for _, backend in both_backends:
        backend.encode(_Hooked(1), DEFAULT_LIMITS)

    class HookedInt(_Hooked, int):
        pass

    value = HookedInt(5)
    value.value = "from the hook"
    for _, backend in both_backends:
        assert backend.encode([value], DEFAULT_LIMITS) == b"\xc0\x03\x01\x55\x05"
