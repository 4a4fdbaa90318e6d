"""The value codec's public functions (``amqpcodec.encode``, ``decode``, ``decode_prefix``).

They live here rather than in the package's ``__init__`` so that a bare ``import
amqpcodec`` loads nothing (the package resolves its names on first use, PEP 562); this
module loads the backend (``_backend``) and the limits, and the composite machinery
only when an encode error needs a path in field names.
"""

from __future__ import annotations

from typing import Any

from ._backend import current
from .errors import EncodeError, TrailingBytesError
from .limits import DEFAULT_LIMITS, Limits

__all__ = ["encode", "decode", "decode_prefix"]


def encode(
    value: Any, *, limits: Limits = DEFAULT_LIMITS, wide_arrays: bool = False, unicode_errors: str = "strict"
) -> bytes:
    """The canonical AMQP 1.0 encoding of ``value`` (Part 1 §1.6; README "Canonical encoding").

    ``wide_arrays=True`` writes uint, ulong, int and long array elements with their 4- or
    8-byte constructors, never the one-byte 0x52-0x55 (which RabbitMQ 3.10 cannot read
    in an array); ``unicode_errors="surrogateescape"`` writes a string decoded with that
    option back to its original bytes.  Raises :class:`~amqpcodec.errors.EncodeError`
    (with ``.path``) for a value that breaks a type's rules,
    :class:`~amqpcodec.errors.UnsupportedTypeError` for a Python type with no AMQP
    encoding, and ``ValueError`` for a ``unicode_errors`` other than those two.
    """
    try:
        return current().encode(value, limits, wide_arrays, unicode_errors)
    except EncodeError as error:
        from ._composite import field_path  # only a composite's error path needs it

        error.path = field_path(value, error.path)
        raise


def decode_prefix(
    data: Any, offset: int = 0, *, limits: Limits = DEFAULT_LIMITS, unicode_errors: str = "strict"
) -> tuple[Any, int]:
    """Decode one value starting at ``offset``; return it and the offset just after it.

    ``data`` is any contiguous bytes-like object.  Raises
    :class:`~amqpcodec.errors.IncompleteError` when the input ends inside the value,
    :class:`~amqpcodec.errors.DecodeError` for invalid bytes and
    :class:`~amqpcodec.errors.LimitExceededError` when ``limits`` are breached; every
    error has ``.offset``.  ``unicode_errors="surrogateescape"`` decodes a string that is
    not UTF-8 to a str holding U+DC80..U+DCFF for its bad bytes instead of raising
    (symbols, ASCII, stay strict); any other value than ``"strict"`` is a ``ValueError``.
    """
    return current().decode_prefix(data, offset, limits, None, unicode_errors)


def decode(data: Any, *, limits: Limits = DEFAULT_LIMITS, unicode_errors: str = "strict") -> Any:
    """Decode exactly one value; bytes after it raise
    :class:`~amqpcodec.errors.TrailingBytesError` (``unicode_errors``: as in ``decode_prefix``)."""
    value, end = current().decode_prefix(data, 0, limits, None, unicode_errors)
    total = memoryview(data).nbytes if type(data) is not bytes else len(data)
    if end != total:
        raise TrailingBytesError(f"{total - end} bytes after the value", value=value, offset=end)
    return value
