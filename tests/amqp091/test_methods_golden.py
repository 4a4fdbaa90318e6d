"""Golden method payloads for every AMQP 0-9-1 method (AMQP 0-9-1 §4.2.4), hand-written from
the spec in tests/data/amqp091/methods_golden.txt: each method with every argument set, and
with only its required arguments (the spec table's defaults for the rest)."""

from __future__ import annotations

import pytest

from amqpcodec.amqp091._specmodel import REQUIRED
from amqpcodec.amqp091.methods import METHODS
from amqpcodec.amqp091.payloads import decode_method, method_payload
from tests.helpers.amqp091_methods import GoldenVector, golden_vectors

VECTORS = golden_vectors()
BY_NAME = {cls.NAME: cls for cls in METHODS.values()}


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v.name}-{v.label}")
def test_encode_gives_the_golden_bytes(vector: GoldenVector) -> None:
    assert method_payload(BY_NAME[vector.name](**vector.args)) == vector.payload


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v.name}-{v.label}")
def test_decode_gives_the_method(vector: GoldenVector) -> None:
    decoded = decode_method(vector.payload)
    assert type(decoded) is BY_NAME[vector.name]
    assert decoded == BY_NAME[vector.name](**vector.args)


@pytest.mark.parametrize("cls", list(METHODS.values()), ids=lambda c: c.NAME)
def test_every_method_has_an_all_fields_vector(cls: type) -> None:
    names = [field.name for field in cls.FIELDS]  # type: ignore[attr-defined]
    alls = [v for v in VECTORS if v.name == cls.NAME and v.label == "all"]  # type: ignore[attr-defined]
    assert len(alls) == 1 and list(alls[0].args) == names


@pytest.mark.parametrize(
    "cls",
    [c for c in METHODS.values() if any(f.default is not REQUIRED for f in c.FIELDS)],
    ids=lambda c: c.NAME,
)
def test_every_method_with_defaults_has_a_defaults_vector(cls: type) -> None:
    required = [f.name for f in cls.FIELDS if f.default is REQUIRED]  # type: ignore[attr-defined]
    defaults = [v for v in VECTORS if v.name == cls.NAME and v.label == "defaults"]  # type: ignore[attr-defined]
    assert len(defaults) == 1 and sorted(defaults[0].args) == sorted(required)
