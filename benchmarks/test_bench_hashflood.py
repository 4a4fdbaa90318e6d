"""Hash flooding: decoding maps whose keys share one hash (README "Security", Limits).

Python hashes ``int``, ``uuid.UUID`` (by its integer) and ``Decimal`` modulo
``sys.hash_info.modulus`` (2**61-1 on 64-bit builds), so keys with the same hash are
cheap to craft, and inserting N of them into a dict costs N**2/2 key comparisons.  The
decoders therefore refuse a map once more than ``limits.MAX_KEYS_PER_HASH`` (16) of
its keys share one hash (``LimitExceededError`` at that key).  Each group times one key
kind, in maps of 256 to 8192 entries, on both backends (``Limits(max_map_entries=N)``):

- ``ulong``: ``k*(2**61-1) + j`` for k = 0..7: below 2**64 at most nine integers share a
  hash (k = 0..8), so a map of ulong keys costs a few comparisons per key: decoded.
- ``uuid``: uuids whose integers are ``12345 + k*(2**61-1)``: every key collides.
- ``decimal128``: decimals ``12345 + k*(2**61-1)`` (exponent 0): every key collides.
- ``described-uuid``: ``Described(ulong 0, uuid)`` keys over those uuids: a Python-level
  ``__eq__`` per comparison on top of uuid's.
- ``deep-described-uuid``: the uuids inside null-described values nested ``max_depth - 2``
  deep (the deepest a map's key may be): every comparison walks the whole key.  Sizes
  128 to 512 only.
- ``uuid-random``: random uuids, the baseline.

Each map is checked before it is timed: the colliding ones are refused at their 17th
key, the others decode whole.  Nothing is asserted on the timings.  Run: ``python -m
pytest benchmarks/test_bench_hashflood.py --benchmark-group-by=group
--benchmark-columns=min,median,max`` (seconds; with ``--benchmark-disable``, CI's smoke
run, maps over 1024 entries are skipped).

Measured (2-core VM, CPython 3.11.7, compiled backend, median ms per map).  Refused
maps cost the same at every size: the decoder stops at the 17th key.  The pure backend
refuses in about the same time (deep-described-uuid: 1.5 ms, as it stops before
building the dict, where the compiled one has inserted and compared 16 keys); maps it
decodes take 4-5 times as long as here.

=====================  ============  ============  ============  ============  ============  ============
entries                     128           256          1024          2048          4096          8192
=====================  ============  ============  ============  ============  ============  ============
ulong                                    0.03          0.13          0.26          0.53          1.20
uuid-random                              0.04          0.16          0.32          0.82          1.65
uuid                                 refused 0.01  refused 0.01  refused 0.01  refused 0.01  refused 0.01
decimal128                           refused 0.07  refused 0.07  refused 0.08  refused 0.08  refused 0.08
described-uuid                       refused 0.02  refused 0.02  refused 0.02  refused 0.02  refused 0.02
deep-described-uuid    refused 2.6   refused 2.6   (refused 2.6 at 512 entries)
=====================  ============  ============  ============  ============  ============  ============

Before the fix (same machine, every map decoded whole):

=====================  =====  =====  =====  =====  =====  ======
entries                  128    256   1024   2048   4096    8192
=====================  =====  =====  =====  =====  =====  ======
ulong                          0.03   0.12   0.24   0.49    1.19
uuid-random                    0.03   0.15   0.33   0.67    1.48
uuid                           1.48   23.2   97.8    360    1418
decimal128                     1.57   12.4   40.5    147     571
described-uuid                 3.45   54.2    219    833    3323
deep-described-uuid      153    574  (2276 at 512 entries)
=====================  =====  =====  =====  =====  =====  ======
"""

from __future__ import annotations

import random
import struct
import sys
from collections.abc import Callable
from typing import Any

import pytest

from amqpcodec import DEFAULT_LIMITS, LimitExceededError, Limits
from amqpcodec._backend import Backend
from amqpcodec.limits import MAX_KEYS_PER_HASH
from amqpcodec.testing import value_backends

MODULUS = sys.hash_info.modulus
SIZES = (256, 512, 1024, 2048, 4096, 8192)
DEEP_SIZES = (128, 256, 512)
_HEADER = struct.Struct(">BII")


BACKENDS = value_backends()


def _ulong(k: int) -> bytes:
    return b"\x80" + ((k % 8) * MODULUS + k // 8).to_bytes(8, "big")


def _uuid(k: int) -> bytes:
    return b"\x98" + (12345 + k * MODULUS).to_bytes(16, "big")


def _decimal128(k: int) -> bytes:
    """BID decimal128 (§1.6.9): coefficient 12345 + k*modulus, biased exponent 6176 (10**0)."""
    return b"\x94" + ((6176 << 113) | (12345 + k * MODULUS)).to_bytes(16, "big")


def _described_uuid(k: int) -> bytes:
    return b"\x00\x44" + _uuid(k)


def _deep_described_uuid(k: int) -> bytes:
    return b"\x00\x40" * (DEFAULT_LIMITS.max_depth - 2) + _uuid(k)


_RANDOM = random.Random(61)
_RANDOM_UUIDS = [_RANDOM.getrandbits(128).to_bytes(16, "big") for _ in range(max(SIZES))]


def _uuid_random(k: int) -> bytes:
    return b"\x98" + _RANDOM_UUIDS[k]


KEYS: dict[str, tuple[Callable[[int], bytes], tuple[int, ...], bool]] = {
    "ulong": (_ulong, SIZES, False),
    "uuid": (_uuid, SIZES, True),
    "decimal128": (_decimal128, SIZES, True),
    "described-uuid": (_described_uuid, SIZES, True),
    "deep-described-uuid": (_deep_described_uuid, DEEP_SIZES, True),
    "uuid-random": (_uuid_random, SIZES, False),
}
CASES = [(kind, entries) for kind, (_, sizes, _) in KEYS.items() for entries in sizes]


def colliding_map(kind: str, entries: int) -> bytes:
    """A map32 (§1.6.23) of ``entries`` keys of ``kind``, each mapped to null."""
    key = KEYS[kind][0]
    body = b"".join(key(k) + b"\x40" for k in range(entries))
    return _HEADER.pack(0xD1, len(body) + 4, 2 * entries) + body


def decode_or_refuse(backend: Backend, data: bytes, limits: Limits) -> Any:
    """The decoded map, or the ``LimitExceededError`` that refuses it."""
    try:
        return backend.decode_prefix(data, 0, limits)
    except LimitExceededError as error:
        return error


@pytest.mark.parametrize("backend", [module for _, module in BACKENDS], ids=[name for name, _ in BACKENDS])
@pytest.mark.parametrize(("kind", "entries"), CASES, ids=[f"{kind}-{entries}" for kind, entries in CASES])
def test_decode_map_of_colliding_keys(benchmark: Any, backend: Backend, kind: str, entries: int) -> None:
    if benchmark.disabled and entries > (128 if kind.startswith("deep") else 1024):
        pytest.skip("untimed smoke run: the large maps only when timed")
    key, _, colliding = KEYS[kind]
    data = colliding_map(kind, entries)
    limits = Limits(max_map_entries=entries)
    if colliding:  # every key shares one hash: refused at the first key over MAX_KEYS_PER_HASH
        first, second = (backend.decode_prefix(key(k), 0, limits)[0] for k in (0, 1))
        assert hash(first) == hash(second) and first != second
        refused = decode_or_refuse(backend, data, limits)
        assert isinstance(refused, LimitExceededError) and refused.limit == "max_map_entries"
        assert refused.offset == _HEADER.size + MAX_KEYS_PER_HASH * (len(key(0)) + 1)
    else:
        decoded, end = backend.decode_prefix(data, 0, limits)
        assert end == len(data) and len(decoded) == entries
        assert len({hash(key) for key in decoded}) >= entries // 8
    benchmark.group = f"hashflood-{kind}"
    benchmark.extra_info.update(kind=kind, entries=entries, bytes=len(data), backend=backend.name)
    rounds = 5 if entries <= 1024 else 3
    benchmark.pedantic(
        decode_or_refuse, args=(backend, data, limits), rounds=rounds, iterations=1, warmup_rounds=0
    )
