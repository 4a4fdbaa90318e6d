"""The per-call interop options, on both backends: ``wide_arrays`` (integer array elements
never with the one-byte constructors 0x52-0x55, which RabbitMQ 3.10 cannot read in an
array) and ``unicode_errors`` (peers such as uamqp write bytes that are not UTF-8 as str8 or
str32, Part 1 §1.6.20); and the 1.0 encoder's refusal of the 0-9-1 value classes.

The golden bytes are written by hand from Part 1 §1.2 and §1.6.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec import (
    AMQPValue,
    DecodeError,
    EncodeError,
    Frame,
    FrameReader,
    Message,
    Properties,
    UnsupportedTypeError,
    encode_frame,
    encode_transfer,
)
from amqpcodec._backend import Backend, available_backends, use_backend
from amqpcodec._seam import AMQP091_ONLY
from amqpcodec.limits import DEFAULT_LIMITS
from amqpcodec.performatives import Attach, Transfer
from amqpcodec.types import Array, Int, Long, Symbol, UInt, ULong

BACKENDS = available_backends()
SURROGATES = "surrogateescape"


@pytest.fixture(params=BACKENDS, ids=[backend.name for backend in BACKENDS])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    with use_backend(request.param) as chosen:
        yield chosen


def _both(call: Any) -> Any:
    """``call(backend)`` on every backend; they must agree; return the result."""
    results = [call(backend) for backend in BACKENDS]
    assert all(result == results[0] for result in results)
    return results[0]


# --------------------------------------------------------------------------- wide arrays

WIDE = [
    (Array("uint", [1, 2]), "e00a02700000000100000002", "e00402520102"),
    (Array("ulong", [7]), "e00a01800000000000000007", "e003015307"),
    (Array("int", [-1]), "e0060171ffffffff", "e0030154ff"),
    (Array("long", [5]), "e00a01810000000000000005", "e003015505"),
    (Array("uint", []), "e0020070", "e0020052"),
    (Array("uint", [0]), "e006017000000000", "e003015200"),  # never uint0 0x43
    (Array("ubyte", [1]), "e003015001", "e003015001"),  # no narrower form to avoid
]


@pytest.mark.parametrize(
    ("array", "wide", "narrow"), WIDE, ids=[f"{a.element_type}{list(a.items)}" for a, _, _ in WIDE]
)
def test_wide_arrays_golden(backend: Backend, array: Array, wide: str, narrow: str) -> None:
    assert backend.encode(array, DEFAULT_LIMITS, True).hex() == wide
    assert backend.encode(array, DEFAULT_LIMITS).hex() == narrow  # canonical by default
    assert backend.decode_prefix(bytes.fromhex(wide), 0, DEFAULT_LIMITS)[0] == array


def test_wide_arrays_reach_nested_arrays(backend: Backend) -> None:
    # A list holding an array of arrays (§1.6.24: the outer array's elements share 0xE0).
    value = [Array("array", [Array("long", [1])])]
    assert backend.encode(value, DEFAULT_LIMITS, True).hex() == ("c01001e00d01e00a01810000000000000001")


_ints = st.sampled_from(
    [
        ("uint", UInt, st.integers(0, 2**32 - 1)),
        ("ulong", ULong, st.integers(0, 2**64 - 1)),
        ("int", Int, st.integers(-(2**31), 2**31 - 1)),
        ("long", Long, st.integers(-(2**63), 2**63 - 1)),
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_wide_arrays_round_trip_and_backends_agree(data: st.DataObject) -> None:
    element_type, _, values = data.draw(_ints)
    items = data.draw(st.lists(values, max_size=6))
    array = Array(element_type, items)
    wide = _both(lambda backend: backend.encode({"k": array}, DEFAULT_LIMITS, True))
    wide_code = {"uint": 0x70, "ulong": 0x80, "int": 0x71, "long": 0x81}[element_type]
    assert wide.endswith(bytes((wide_code,))) if not items else bytes((wide_code,)) in wide
    for backend in BACKENDS:
        assert backend.decode_prefix(wide, 0, DEFAULT_LIMITS)[0] == {"k": array}
        assert backend.encode(backend.decode_prefix(wide, 0, DEFAULT_LIMITS)[0], DEFAULT_LIMITS, True) == wide


def test_message_and_frames_take_wide_arrays(backend: Backend) -> None:
    message = Message(properties=Properties(message_id="m"), body=AMQPValue(Array("int", [1, 2])))
    wide = message.encode(wide_arrays=True)
    assert wide.endswith(bytes.fromhex("005377e00a02710000000100000002"))
    assert Message.decode(wide) == message
    assert Message.decode(wide, lazy=True).encode(wide_arrays=True) == wide
    attach = Attach(name="l", handle=0, role=False, offered_capabilities=Array("symbol", [Symbol("a")]))
    assert encode_frame(attach, wide_arrays=True) == encode_frame(attach)  # no integer arrays
    transfer = Transfer(handle=0, delivery_id=0, delivery_tag=b"t")
    assert encode_transfer(transfer, wide, max_frame_size=512, wide_arrays=True) == encode_transfer(
        transfer, wide, max_frame_size=512
    )


# --------------------------------------------------------------------------- unicode_errors

#: (wire bytes, what they decode to with surrogateescape, the strict error's offset: the
#: string's size field).
NOT_UTF8 = [
    ("a102fffe", "\udcff\udcfe", 1),  # str8
    ("a10361c328", "a\udcc3(", 1),  # a lead byte without its continuation
    ("c00401a101ff", ["\udcff"], 4),  # in a list
    ("c10702a10161a101ff", {"a": "\udcff"}, 7),  # a map value
    ("c10502a101ff40", {"\udcff": None}, 4),  # a map key
    ("e00401a101ff", Array("string", ["\udcff"]), 4),  # an array element
]


@pytest.mark.parametrize(("wire", "value", "offset"), NOT_UTF8, ids=[w for w, _, _ in NOT_UTF8])
def test_surrogateescape_round_trips_the_bytes(backend: Backend, wire: str, value: Any, offset: int) -> None:
    data = bytes.fromhex(wire)
    decoded, end = backend.decode_prefix(data, 0, DEFAULT_LIMITS, None, SURROGATES)
    assert (decoded, end) == (value, len(data))
    assert backend.encode(decoded, DEFAULT_LIMITS, False, SURROGATES) == data
    with pytest.raises(DecodeError, match="not valid UTF-8") as caught:
        backend.decode_prefix(data, 0, DEFAULT_LIMITS)
    assert caught.value.offset == offset
    with pytest.raises(EncodeError, match="lone surrogate"):
        backend.encode(decoded, DEFAULT_LIMITS)


def test_str32_decodes_with_surrogates(backend: Backend) -> None:
    data = bytes.fromhex("b100000002fffe")
    assert backend.decode_prefix(data, 0, DEFAULT_LIMITS, None, SURROGATES) == ("\udcff\udcfe", 7)
    with pytest.raises(DecodeError) as caught:
        backend.decode_prefix(data, 0, DEFAULT_LIMITS)
    assert caught.value.offset == 1


def test_symbols_stay_strict(backend: Backend) -> None:
    """Symbols are ASCII (§1.6.21): the option does not apply to them."""
    with pytest.raises(DecodeError, match="ASCII"):
        backend.decode_prefix(bytes.fromhex("a301ff"), 0, DEFAULT_LIMITS, None, SURROGATES)


def test_other_surrogates_still_fail_to_encode(backend: Backend) -> None:
    # Only U+DC80..U+DCFF stand for bytes; any other lone surrogate has no UTF-8 form.
    with pytest.raises(EncodeError, match="lone surrogate"):
        backend.encode("\ud800", DEFAULT_LIMITS, False, SURROGATES)


@pytest.mark.parametrize("bad", ["replace", "ignore", "STRICT", None, 1])
def test_unknown_unicode_errors_is_a_value_error(backend: Backend, bad: Any) -> None:
    with pytest.raises(ValueError, match="unicode_errors"):
        backend.decode_prefix(b"\x40", 0, DEFAULT_LIMITS, None, bad)
    with pytest.raises(ValueError, match="unicode_errors"):
        backend.encode(None, DEFAULT_LIMITS, False, bad)
    with pytest.raises(ValueError, match="unicode_errors"):
        Message.decode(b"", unicode_errors=bad)
    with pytest.raises(ValueError, match="unicode_errors"):
        Message().encode(unicode_errors=bad)
    with pytest.raises(ValueError, match="unicode_errors"):
        FrameReader(unicode_errors=bad)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_as_a_string_round_trip(payload: bytes) -> None:
    """Wire bytes in, the same wire bytes out, on both backends."""
    wire = (
        b"\xa1" + bytes((len(payload),))
        if len(payload) <= 0xFF
        else b"\xb1" + len(payload).to_bytes(4, "big")
    )
    wire += payload
    text = _both(lambda backend: backend.decode_prefix(wire, 0, DEFAULT_LIMITS, None, SURROGATES)[0])
    assert _both(lambda backend: backend.encode(text, DEFAULT_LIMITS, False, SURROGATES)) == wire


# A message whose message-annotations hold a str8 that is not UTF-8 (as uamqp writes bytes):
# 00 53 72 (message-annotations), map8 of one pair: sym8 "x-opt-a" -> str8 ff fe.
ANNOTATED = bytes.fromhex("005372c10e02a307782d6f70742d61a102fffe005377a10178")


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_message_with_a_non_utf8_annotation(backend: Backend, lazy: bool) -> None:
    message = Message.decode(ANNOTATED, lazy=lazy, unicode_errors=SURROGATES)
    assert message.message_annotations == {Symbol("x-opt-a"): "\udcff\udcfe"}
    assert message.body == AMQPValue("x")
    assert message.encode(unicode_errors=SURROGATES) == ANNOTATED
    if lazy:  # decoded sections re-encode too, once reassigned
        message.message_annotations = message.message_annotations
    assert message.encode(unicode_errors=SURROGATES) == ANNOTATED
    fresh = Message(message_annotations={"x-opt-a": "\udcff\udcfe"}, body=AMQPValue("x"))
    assert fresh.encode(unicode_errors=SURROGATES) == ANNOTATED


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_message_strict_names_the_fault(backend: Backend, lazy: bool) -> None:
    with pytest.raises(DecodeError, match="not valid UTF-8") as caught:
        Message.decode(ANNOTATED, lazy=lazy).message_annotations  # noqa: B018 (a lazy read)
    assert caught.value.offset == 16  # the str8's size byte
    assert caught.value.field == "message-annotations"


def test_lazy_message_keeps_the_option_through_pickle(backend: Backend) -> None:
    import pickle

    message = pickle.loads(pickle.dumps(Message.decode(ANNOTATED, lazy=True, unicode_errors=SURROGATES)))
    assert message.message_annotations == {Symbol("x-opt-a"): "\udcff\udcfe"}


def test_frame_reader_reads_non_utf8_performative_strings(backend: Backend) -> None:
    attach = Attach(name="\udcffl", handle=0, role=False)
    data = encode_frame(attach, unicode_errors=SURROGATES)
    reader = FrameReader(expect_header=False, unicode_errors=SURROGATES)
    reader.feed(data)
    frame = reader.next_event()
    assert isinstance(frame, Frame) and frame.performative == attach
    strict = FrameReader(expect_header=False)
    strict.feed(data)
    with pytest.raises(DecodeError, match="not valid UTF-8"):
        strict.next_event()


# --------------------------------------------------------------------------- 0-9-1 values


class _Seconds(int):
    """Stands for a 0-9-1 class marked as such (an int subclass: else a 1.0 long)."""

    _AMQP091_ONLY = True


class _Pinned(tuple):  # type: ignore[type-arg]
    """A marked tuple subclass (else a 1.0 list)."""

    _AMQP091_ONLY = True


def test_marker_name_is_the_seams() -> None:
    assert AMQP091_ONLY == "_AMQP091_ONLY"


@pytest.mark.parametrize("value", [_Seconds(5), _Pinned((1,))], ids=["int", "tuple"])
def test_marked_0_9_1_classes_are_refused_with_their_path(backend: Backend, value: Any) -> None:
    for wrapped, path in ((value, ""), ({"k": [1, value]}, "['k'][1]")):
        with pytest.raises(UnsupportedTypeError, match="AMQP 0-9-1") as caught:
            backend.encode(wrapped, DEFAULT_LIMITS)
        assert caught.value.path == path
    with pytest.raises(UnsupportedTypeError) as refused:
        Message(body=AMQPValue([value])).encode()
    assert refused.value.path.startswith("body")


def test_the_0_9_1_value_classes_are_refused(backend: Backend) -> None:
    from amqpcodec.amqp091.values import FieldValue, Timestamp

    with pytest.raises(UnsupportedTypeError, match="AMQP 0-9-1") as caught:
        backend.encode([Timestamp(1)], DEFAULT_LIMITS)
    assert caught.value.path == "[0]"
    with pytest.raises(UnsupportedTypeError) as caught:
        backend.encode({"t": FieldValue("I", 1)}, DEFAULT_LIMITS)
    assert caught.value.path == "['t']"
