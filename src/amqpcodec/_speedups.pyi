"""Type stub of the compiled backend; the same signatures as :mod:`amqpcodec._pure`."""

from typing import Any

from .limits import Limits

#: The constructor codes compiled in, by ``_spec.Code`` member name (tests/test_constants.py).
GENERATED_CODES: dict[str, int]

def encode(value: Any, limits: Limits) -> bytes:
    """The canonical AMQP encoding of ``value`` (see README, "Canonical encoding")."""

def decode_prefix(data: Any, offset: int, limits: Limits) -> tuple[Any, int]:
    """Decode the one value starting at ``offset``; return it and the offset after it."""
