"""Public field-table codec: ``encode_table`` and ``decode_table`` (AMQP 0-9-1 §4.2.5.5).

A field table on the wire is its 4-byte size, then entries of a short-string key, a
type letter and a value.  Both functions handle that whole encoding, size included, and
follow the mapping of :mod:`amqpcodec.amqp091._letters` (RabbitMQ's reading of every
letter, RabbitMQ errata §3): ``decode_table(encode_table(t))`` gives back the same
types, and ``encode_table(decode_table(b)) == b`` for every ``b`` that decodes.

Decisions: ``decode_table`` takes any bytes-like object and decodes exactly one table:
input that ends before the table does is an :class:`~amqpcodec.errors.IncompleteError`,
bytes after it a :class:`~amqpcodec.errors.TrailingBytesError` (its ``.value`` is the
table, its ``.offset`` where the extra bytes start).  ``encode_field_value`` and
``decode_field_value`` are not public: a lone field value appears nowhere in the
protocol outside a table or array.  Both run on the live backend's table codec
(``amqpcodec._backend.current().table091``: the compiled twin, or the pure reference in
:mod:`amqpcodec.amqp091._tables`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._backend import current
from ..errors import DecodeError, TrailingBytesError, UnsupportedTypeError
from ..limits import DEFAULT_LIMITS, Limits

__all__ = ["encode_table", "decode_table"]


def encode_table(mapping: Mapping[str, Any], *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The field-table encoding of ``mapping``: its 4-byte size, then its entries in order.

    Raises :class:`~amqpcodec.errors.UnsupportedTypeError` for a value (or key) of a type
    with no field type, :class:`~amqpcodec.errors.EncodeError` for one out of range;
    both name where in ``mapping`` it is (``.path``, e.g. ``['x-retry'][2]``).
    """
    out = bytearray()
    current().table091.write_table(out, mapping, limits, "")
    return bytes(out)


def decode_table(data: bytes | bytearray | memoryview, *, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Decode the one field table that ``data`` holds (its 4-byte size first).

    Keys keep their wire order.  Raises :class:`~amqpcodec.errors.IncompleteError` when
    ``data`` ends early, :class:`~amqpcodec.errors.TrailingBytesError` when bytes follow
    the table, another :class:`~amqpcodec.errors.DecodeError` (``.offset`` set) when the
    bytes are not a field table.
    """
    if type(data) is not bytes:
        try:
            data = memoryview(data).cast("B").tobytes()
        except TypeError:
            raise UnsupportedTypeError(
                f"cannot decode from {type(data).__name__}: a bytes-like object is required"
            ) from None
        except ValueError as error:  # a non-contiguous buffer
            raise DecodeError(f"cannot decode from a non-contiguous buffer: {error}") from None
    value, end = current().table091.read_table(data, 0, len(data), limits)
    if end != len(data):
        raise TrailingBytesError(f"{len(data) - end} bytes after the field table", value=value, offset=end)
    return value
