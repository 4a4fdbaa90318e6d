"""amqpcodec: the AMQP 1.0 wire format for Python, lossless, with a compiled core.

``encode``/``decode`` turn Python values into AMQP 1.0 bytes (Part 1, Types) and back;
see README.md for the value mapping and ``amqpcodec.types`` for the wrapper types.
"""

from typing import Any as _Any

from . import definitions as _definitions
from . import frames as _frames
from . import message as _message
from . import performatives as _performatives
from . import transactions as _transactions
from ._backend import IMPLEMENTATION
from ._backend import current as _current
from ._composite import field_path as _field_path
from ._composite import to_typed
from .definitions import *  # noqa: F403
from .errors import (
    AMQPCodecError,
    DecodeError,
    EncodeError,
    FramingError,
    IncompleteError,
    LimitExceededError,
    TrailingBytesError,
    UnsupportedProtocolError,
    UnsupportedTypeError,
)
from .frames import *  # noqa: F403
from .limits import DEFAULT_LIMITS, Limits
from .message import *  # noqa: F403
from .performatives import *  # noqa: F403
from .transactions import *  # noqa: F403
from .types import (
    Array,
    Byte,
    Char,
    Decimal32,
    Decimal64,
    Decimal128,
    Described,
    Float,
    Int,
    Long,
    Short,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UShort,
    as_tuple,
)

__version__ = "0.1.0"

__all__ = [
    "IMPLEMENTATION",
    "__version__",
    "encode",
    "decode",
    "decode_prefix",
    "Limits",
    "DEFAULT_LIMITS",
    "AMQPCodecError",
    "DecodeError",
    "IncompleteError",
    "TrailingBytesError",
    "LimitExceededError",
    "FramingError",
    "UnsupportedProtocolError",
    "EncodeError",
    "UnsupportedTypeError",
    "UByte",
    "UShort",
    "UInt",
    "ULong",
    "Byte",
    "Short",
    "Int",
    "Long",
    "Float",
    "Decimal32",
    "Decimal64",
    "Decimal128",
    "Char",
    "Timestamp",
    "Symbol",
    "Described",
    "Array",
    "as_tuple",
    "to_typed",
    *_definitions.__all__,
    *_performatives.__all__,
    *_transactions.__all__,
    *_frames.__all__,
    *_message.__all__,
]


def encode(value: _Any, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The canonical AMQP 1.0 encoding of ``value`` (Part 1 §1.6; README "Canonical encoding").

    Raises :class:`EncodeError` (with ``.path``) for a value that breaks a type's
    rules and :class:`UnsupportedTypeError` for a Python type with no AMQP encoding.
    """
    try:
        return _current().encode(value, limits)
    except EncodeError as error:
        error.path = _field_path(value, error.path)
        raise


def decode_prefix(data: _Any, offset: int = 0, *, limits: Limits = DEFAULT_LIMITS) -> tuple[_Any, int]:
    """Decode one value starting at ``offset``; return it and the offset just after it.

    ``data`` is any contiguous bytes-like object.  Raises :class:`IncompleteError`
    when the input ends inside the value, :class:`DecodeError` for invalid bytes and
    :class:`LimitExceededError` when ``limits`` are breached; every error has ``.offset``.
    """
    return _current().decode_prefix(data, offset, limits)


def decode(data: _Any, *, limits: Limits = DEFAULT_LIMITS) -> _Any:
    """Decode exactly one value; bytes after it raise :class:`TrailingBytesError`."""
    value, end = _current().decode_prefix(data, 0, limits)
    total = memoryview(data).nbytes if type(data) is not bytes else len(data)
    if end != total:
        raise TrailingBytesError(f"{total - end} bytes after the value", value=value, offset=end)
    return value
