"""Composites holding what their constructors would refuse, as a peer may send them."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["forced"]

_C = TypeVar("_C")


def forced(composite: _C, **fields: Any) -> _C:
    """A copy of ``composite`` with ``fields`` stored as given (no conversion or check),
    as decoding keeps what a peer sent: for testing what the encoder does with it."""
    copy = dataclasses.replace(composite)  # type: ignore[type-var]
    for name, value in fields.items():
        object.__setattr__(copy, name, value)
    return copy
