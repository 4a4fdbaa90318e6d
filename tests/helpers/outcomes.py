"""Outcomes of a call, comparable between backends: a value, or an error by its class and
every field the contract gives it (``offset``, ``constructor``, ``limit``, ``path``,
``field`` and message)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amqpcodec.errors import AMQPCodecError
from amqpcodec.testing import same_value

__all__ = ["outcome", "same_outcome"]


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    """What a call did, in a form two backends can be compared by."""
    try:
        return ("value", call())
    except AMQPCodecError as error:
        return (
            type(error),
            getattr(error, "offset", None),
            getattr(error, "constructor", None),
            getattr(error, "limit", None),
            getattr(error, "path", None),
            getattr(error, "field", None),
            error.args[0] if error.args else "",
        )
    except Exception as error:  # not part of the contract, but still the same in both
        return (type(error), str(error))


def same_outcome(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    if a[0] == "value" and b[0] == "value":
        return same_value(a[1], b[1])
    return a == b
