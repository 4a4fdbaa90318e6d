"""Running one AMQP 0-9-1 call on the pure and the compiled backend side by side.

An outcome here is a value, or an error by its class, message and every attribute the
0-9-1 contract gives it (``offset``, ``limit``, ``path``, ``field``, ``reply_code``,
``class_id``, ``method_id``, ``channel``, ``frame_type``, ``frame_offset``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amqpcodec._backend import Backend, available_backends, use_backend
from amqpcodec.errors import AMQPCodecError
from amqpcodec.testing import same_value

__all__ = ["BACKENDS", "both", "outcome091", "same091"]

#: The importable backends: the pure one, then the compiled one when it is built.
BACKENDS: list[Backend] = available_backends()

_ATTRIBUTES = (
    "offset",
    "limit",
    "path",
    "field",
    "reply_code",
    "class_id",
    "method_id",
    "channel",
    "frame_type",
    "frame_offset",
)


def outcome091(call: Callable[[], Any]) -> tuple[Any, ...]:
    """What ``call()`` did: ``("value", v)`` or the error's class, attributes and message."""
    try:
        return ("value", call())
    except AMQPCodecError as error:
        return (
            type(error),
            *(getattr(error, name, None) for name in _ATTRIBUTES),
            error.args[0] if error.args else "",
        )
    except Exception as error:  # not the contract's, but still the same on both
        return (type(error), str(error))


def same091(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    if a[0] == "value" and b[0] == "value":  # repr tells a bool from an int, str from bytes
        return same_value(a[1], b[1]) and repr(a[1]) == repr(b[1])
    return a == b


def both(call: Callable[[], Any]) -> tuple[Any, ...]:
    """``call()`` on the pure and the compiled backend: the same outcome asserted, the
    pure one returned."""
    pure, compiled = BACKENDS
    with use_backend(pure):
        expected = outcome091(call)
    with use_backend(compiled):
        found = outcome091(call)
    assert same091(expected, found), (expected, found)
    return expected
