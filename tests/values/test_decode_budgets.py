"""Two decoder bounds on hostile input (README "Security"; ``Limits`` docstring):

- **Keys per hash** (Part 1 §1.6.23 maps): more than ``MAX_KEYS_PER_HASH`` keys of one
  map sharing a Python hash refuse the map at the first key over it
  (``LimitExceededError``, ``limit="max_map_entries"``); ``str``, ``Symbol`` and
  ``bytes`` keys are not counted, and no map of AMQP integers is ever refused.
- **Zero-width budget** (§1.6.24, element constructors 0x40-0x45): all arrays of
  zero-width elements in one decode share ``max_container_items`` elements; the array
  that would pass it raises at its offset, as one oversized array does.

The reproducers of the original findings are in ``test_regressions.py``; here the
bounds are pinned at N and N+1, golden offsets, and both backends side by side (class,
offset, constructor, limit and message).  Work is counted, never timed.
"""

from __future__ import annotations

import struct
import sys
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from amqpcodec import Message
from amqpcodec._backend import Backend
from amqpcodec.errors import AMQPCodecError, DecodeError, LimitExceededError
from amqpcodec.limits import DEFAULT_LIMITS, MAX_KEYS_PER_HASH, Limits
from amqpcodec.testing import same_value
from amqpcodec.types import ULong

Backends = list[tuple[str, Backend]]

MODULUS = sys.hash_info.modulus
_HEADER32 = struct.Struct(">BII")


def map32(entries: list[bytes]) -> bytes:
    body = b"".join(entries)
    return _HEADER32.pack(0xD1, len(body) + 4, 2 * len(entries)) + body


def list32(items: list[bytes]) -> bytes:
    body = b"".join(items)
    return _HEADER32.pack(0xD0, len(body) + 4, len(items)) + body


def uuid_key(k: int, j: int = 12345) -> bytes:
    """A uuid whose integer is ``j + k*modulus``: for one ``j``, every ``k`` shares a hash."""
    return b"\x98" + (j + k * MODULUS).to_bytes(16, "big")


def integer_key(n: int) -> bytes:
    """``n`` as long (0x81) when it fits, else as ulong (0x80)."""
    if n < 2**63:
        return b"\x81" + n.to_bytes(8, "big", signed=True)
    return b"\x80" + n.to_bytes(8, "big")


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("value", call())
    except AMQPCodecError as error:
        return (
            type(error),
            getattr(error, "offset", None),
            getattr(error, "constructor", None),
            getattr(error, "limit", None),
            error.args[0],
        )


def assert_backends_agree(
    backends: Backends, data: bytes, limits: Limits = DEFAULT_LIMITS
) -> tuple[Any, ...]:
    (_, pure), (_, compiled) = backends
    first = outcome(lambda: pure.decode_prefix(data, 0, limits))
    second = outcome(lambda: compiled.decode_prefix(data, 0, limits))
    if first[0] == "value" and second[0] == "value":
        assert same_value(first[1], second[1])
    else:
        assert first == second, (data.hex(), first, second)
    return first


# --------------------------------------------------------------------------- keys per hash


def _integers_with_hash(target: int) -> list[int]:
    """Every integer in [-2**63, 2**64) (what long and ulong hold) whose hash is ``target``:
    ``hash(n)`` is ``|n| mod modulus`` with ``n``'s sign, and -1 becomes -2."""
    residues = {abs(target), 1} if target == -2 else {abs(target)}
    candidates = {sign * (r + k * MODULUS) for sign in (1, -1) for r in residues for k in range(10)}
    return sorted(n for n in candidates if -(2**63) <= n < 2**64 and hash(n) == target)


def test_integers_share_a_hash_at_most_thirteen_times() -> None:
    """The premise of MAX_KEYS_PER_HASH: hash 0 is the most shared (0 and ±k*modulus)."""
    assert MODULUS == 2**61 - 1  # a 64-bit build; the numbers below are for it
    zero = _integers_with_hash(0)
    assert len(zero) == 13 and {hash(n) for n in zero} == {0}
    assert len(_integers_with_hash(-2)) == 10
    assert max(len(_integers_with_hash(h)) for h in (1, 7, 8, 12345, MODULUS - 1, -3, -(MODULUS - 1))) == 9
    assert len(zero) < MAX_KEYS_PER_HASH


@pytest.mark.parametrize("target", [0, -2, 5])
def test_integer_keys_sharing_a_hash_are_never_refused(any_backend: Backend, target: int) -> None:
    keys = _integers_with_hash(target)
    decoded, _ = any_backend.decode_prefix(map32([integer_key(n) + b"\x40" for n in keys]), 0, DEFAULT_LIMITS)
    assert sorted(decoded) == keys
    assert [type(key) for key in decoded] == [ULong if n >= 2**63 else int for n in keys]


def test_keys_per_hash_at_n_and_n_plus_1_golden(any_backend: Backend) -> None:
    """16 uuid keys sharing a hash decode; the 17th is refused at its constructor."""
    entries = [uuid_key(k) + b"\x40" for k in range(MAX_KEYS_PER_HASH + 1)]
    decoded, _ = any_backend.decode_prefix(map32(entries[:-1]), 0, DEFAULT_LIMITS)
    assert len(decoded) == MAX_KEYS_PER_HASH
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(map32(entries), 0, DEFAULT_LIMITS)
    error = caught.value
    assert (error.offset, error.constructor, error.limit, error.args[0]) == (
        9 + 18 * MAX_KEYS_PER_HASH,
        0xD1,
        "max_map_entries",
        "map32 has 17 keys sharing one hash, over MAX_KEYS_PER_HASH=16",
    )


def test_keys_are_counted_per_map(any_backend: Backend) -> None:
    full = map32([uuid_key(k) + b"\x40" for k in range(MAX_KEYS_PER_HASH)])
    decoded, _ = any_backend.decode_prefix(list32([full, full, full]), 0, DEFAULT_LIMITS)
    assert [len(m) for m in decoded] == [MAX_KEYS_PER_HASH] * 3


def test_full_hash_groups_at_max_map_entries_cost_few_comparisons(
    any_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worst map that decodes: max_map_entries keys in groups of MAX_KEYS_PER_HASH
    sharing a hash.  A key is compared only with keys of its own hash (at most 15;
    7.5 on average as they arrive, plus a few the dict makes while it grows)."""
    entries = DEFAULT_LIMITS.max_map_entries
    groups = entries // MAX_KEYS_PER_HASH
    data = map32([uuid_key(k, j) + b"\x40" for j in range(groups) for k in range(MAX_KEYS_PER_HASH)])
    calls = [0]
    original = uuid.UUID.__eq__

    def counting(self: Any, other: Any) -> Any:
        calls[0] += 1
        return original(self, other)

    monkeypatch.setattr(uuid.UUID, "__eq__", counting)
    decoded, _ = any_backend.decode_prefix(data, 0, DEFAULT_LIMITS)
    assert len(decoded) == entries
    assert calls[0] <= (MAX_KEYS_PER_HASH - 1) * entries


_SEVENTEEN = [uuid_key(k) + b"\x40" for k in range(MAX_KEYS_PER_HASH + 1)]
_DUPLICATE = b"\x52\x01\x40"

#: Maps whose keys share hashes, by name; the names in _NOT_REFUSED decode or fail
#: otherwise (SipHash keys, integers, only 16 colliding keys).
MAP_CASES: dict[str, bytes] = {
    "17 uuids": map32(_SEVENTEEN),
    "17 uuids, the last value cut short": map32([*_SEVENTEEN[:-1], uuid_key(99)]),
    "a duplicate key, then 17 uuids": map32([_DUPLICATE, _DUPLICATE, *_SEVENTEEN]),
    "17 uuids, then a duplicate key": map32([*_SEVENTEEN[:-1], _DUPLICATE, _DUPLICATE]),
    "an unhashable key, then 17 uuids": map32([b"\x45\x40", *_SEVENTEEN]),
    "17 equal uint keys": map32([_DUPLICATE] * 17),
    "17 described uuid keys": map32([b"\x00\x53\x01" + entry for entry in _SEVENTEEN]),
    "17 decimal128 keys": map32(
        [b"\x94" + ((6176 << 113) | (12345 + k * MODULUS)).to_bytes(16, "big") + b"\x40" for k in range(17)]
    ),
    "17 doubles": map32([b"\x82" + struct.pack(">d", 2.0 ** (5 + 61 * k)) + b"\x40" for k in range(-8, 9)]),
    "13 integers": map32([integer_key(n) + b"\x40" for n in _integers_with_hash(0)]),
    "17 symbols": map32([b"\xa3\x01" + bytes([0x61 + k]) + b"\x40" for k in range(17)]),
    "17 described symbols": map32([b"\x00\x53\x01\xa3\x01" + bytes([0x61 + k]) + b"\x40" for k in range(17)]),
}


def test_the_double_keys_share_a_hash() -> None:
    """hash(2.0**e) depends on e modulo 61 only (2**61 is 1 modulo 2**61-1)."""
    assert len({hash(2.0 ** (5 + 61 * k)) for k in range(-8, 9)}) == 1


_NOT_REFUSED = {"17 uuids, then a duplicate key", "13 integers", "17 symbols", "17 described symbols"}


@pytest.mark.parametrize("name", MAP_CASES)
def test_backends_agree_on_maps_of_colliding_keys(both_backends: Backends, name: str) -> None:
    found = assert_backends_agree(both_backends, MAP_CASES[name])
    refused = found[0] is LimitExceededError and found[3] == "max_map_entries"
    assert refused == (name not in _NOT_REFUSED), found


# --------------------------------------------------------------------------- zero-width budget


def array8(count: int, constructor: int = 0x40, descriptor: bytes = b"") -> bytes:
    body = descriptor + bytes([constructor])
    return bytes([0xE0, len(body) + 1, count]) + body


def list8(items: list[bytes]) -> bytes:
    body = b"".join(items)
    return bytes([0xC0, len(body) + 1, len(items)]) + body


TEN = Limits(max_container_items=10)


def test_zero_width_budget_at_n_and_n_plus_1_golden(any_backend: Backend) -> None:
    """Arrays of 4, 4 and 2 nulls fill a budget of 10; one more element is refused at
    the third array's offset (after its constructor), naming what was left."""
    decoded, _ = any_backend.decode_prefix(list8([array8(4), array8(4), array8(2)]), 0, TEN)
    assert [len(array.items) for array in decoded] == [4, 4, 2]
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(list8([array8(4), array8(4), array8(3)]), 0, TEN)
    error = caught.value
    assert (error.offset, error.constructor, error.limit, error.args[0]) == (
        3 + 4 + 4 + 1,
        0xE0,
        "max_container_items",
        "array8 has 3 zero-width elements, but only 2 of max_container_items=10 are left in this decode",
    )


@pytest.mark.parametrize("constructor", [0x40, 0x41, 0x42, 0x43, 0x44, 0x45])
def test_every_zero_width_constructor_takes_from_the_budget(any_backend: Backend, constructor: int) -> None:
    described = array8(5, constructor, descriptor=b"\x00\x53\x07")
    any_backend.decode_prefix(list8([array8(5, constructor), described]), 0, TEN)
    with pytest.raises(LimitExceededError):
        any_backend.decode_prefix(list8([array8(6, constructor), described]), 0, TEN)


def test_arrays_with_bytes_per_element_take_nothing(any_backend: Backend) -> None:
    ubytes = bytes([0xE0, 12, 10, 0x50]) + bytes(10)
    decoded, _ = any_backend.decode_prefix(list8([ubytes, ubytes, array8(10), ubytes]), 0, TEN)
    assert [len(array.items) for array in decoded] == [10, 10, 10, 10]


def test_the_budget_spans_maps_descriptors_and_nesting(any_backend: Backend) -> None:
    nested = list8([map32([b"\x52\x01" + array8(3)]), b"\x00" + array8(3) + list8([array8(3)])])
    any_backend.decode_prefix(nested, 0, TEN)
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(list8([nested, array8(2)]), 0, TEN)
    assert caught.value.limit == "max_container_items"


def test_each_call_has_its_own_budget_unless_one_is_shared(any_backend: Backend) -> None:
    data = array8(7)
    for _ in range(3):
        any_backend.decode_prefix(data, 0, TEN)
    budget = [10]
    any_backend.decode_prefix(data, 0, TEN, budget)
    assert budget == [3]
    with pytest.raises(LimitExceededError) as caught:
        any_backend.decode_prefix(data, 0, TEN, budget)
    assert budget == [3] and "only 3 of max_container_items=10" in caught.value.args[0]


def test_a_map_walked_again_for_its_bad_key_is_not_charged_twice(any_backend: Backend) -> None:
    """A duplicate key is found by decoding the map's entries again (``_pure``): its
    zero-width arrays were charged once, so the error is the duplicate, not the budget."""
    data = map32([b"\x52\x01" + array8(6), b"\x52\x01\x40"])
    with pytest.raises(DecodeError) as caught:
        any_backend.decode_prefix(data, 0, TEN)
    assert type(caught.value) is DecodeError and "duplicate map key" in caught.value.args[0]


BUDGET_CASES: dict[str, tuple[bytes, Limits]] = {
    "three arrays": (list8([array8(4), array8(4), array8(3)]), TEN),
    "over one array's limit": (list8([array8(4), array8(11)]), TEN),
    "after a bad map key": (map32([b"\x52\x01" + array8(6), b"\x52\x01" + array8(6)]), TEN),
    "descriptor arrays": (list8([array8(6, descriptor=b"\x00" + array8(5)), array8(1)]), TEN),
    "cut short after the budget": (list8([array8(6), array8(6), b"\x52"]), TEN),
    "default limits": (
        list32([_HEADER32.pack(0xF0, 5, DEFAULT_LIMITS.max_container_items // 2) + b"\x45"] * 3),
        DEFAULT_LIMITS,
    ),
}


@pytest.mark.parametrize("name", BUDGET_CASES)
def test_backends_agree_on_the_zero_width_budget(both_backends: Backends, name: str) -> None:
    data, limits = BUDGET_CASES[name]
    assert_backends_agree(both_backends, data, limits)


# --------------------------------------------------------------------------- messages share one budget


def _sequence_section(count: int, descriptor: bytes = b"\x53\x76") -> bytes:
    """An amqp-sequence section (§3.2.7) holding one array of ``count`` nulls."""
    return b"\x00" + descriptor + list8([array8(count)])


#: The same section with a full-width ulong descriptor: not the usual form, so the
#: message layer's own walk decodes it (not the backends' hot path).
_WIDE = b"\x80" + (0x76).to_bytes(8, "big")


@pytest.mark.parametrize("descriptor", [b"\x53\x76", _WIDE], ids=["hot path", "general path"])
def test_a_message_decode_shares_one_budget(descriptor: bytes) -> None:
    fits = _sequence_section(5, descriptor) * 2
    message = Message.decode(fits, limits=TEN)
    assert isinstance(message.body, tuple) and len(message.body) == 2
    over = _sequence_section(5, descriptor) * 2 + _sequence_section(1, descriptor)
    with pytest.raises(LimitExceededError) as caught:
        Message.decode(over, limits=TEN)
    assert caught.value.limit == "max_container_items"
    assert caught.value.offset == len(fits) + 1 + len(descriptor) + 3 + 1  # the third array, after e0


@pytest.mark.parametrize("descriptor", [b"\x53\x76", _WIDE], ids=["hot path", "general path"])
def test_a_lazy_body_access_shares_one_budget(descriptor: bytes) -> None:
    """Many small sections cannot each claim max_container_items when the body is read."""
    many = _sequence_section(4, descriptor) * 3
    message = Message.decode(many, lazy=True, limits=TEN)
    with pytest.raises(LimitExceededError) as caught:
        message.body  # noqa: B018 (reading the lazy section decodes it)
    assert caught.value.limit == "max_container_items"
    two = Message.decode(_sequence_section(4, descriptor) * 2, lazy=True, limits=TEN)
    assert [len(section.value[0].items) for section in two.body] == [4, 4]


def test_each_lazy_section_access_has_a_budget() -> None:
    """Sections read one by one each get a full budget (they are separate decodes)."""
    header_free = b"\x00\x53\x72" + map32([b"\xa3\x01k" + array8(8)])  # message-annotations
    message = Message.decode(header_free + _sequence_section(8), lazy=True, limits=TEN)
    assert message.message_annotations is not None
    assert message.body is not None
    with pytest.raises(LimitExceededError):
        Message.decode(header_free + _sequence_section(8), limits=TEN)


def test_the_reproducer_as_a_message_stays_bounded() -> None:
    """Many amqp-sequence sections of one zero-width array each: one message, one budget."""
    section = b"\x00\x53\x76" + list32([_HEADER32.pack(0xF0, 5, 1 << 16) + b"\x45"])
    limits = Limits(max_container_items=1 << 17)
    Message.decode(section * 2, limits=limits)
    for lazy in (False, True):
        with pytest.raises(LimitExceededError):
            message = Message.decode(section * 64, lazy=lazy, limits=limits)
            message.body  # noqa: B018
