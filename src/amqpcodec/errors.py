"""The exception hierarchy of amqpcodec.

Every error raised by the codec is an :class:`AMQPCodecError`.  Decode errors carry
``offset`` (the byte offset into the input where the fault was found), encode errors
carry ``path`` (where in the value the offending part sits, e.g. ``[2]['key']``), and
both carry ``condition``, the AMQP error condition symbol (Part 2 §2.8.15) where the
spec names one.  All attributes live in the instance ``__dict__``, so errors pickle.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AMQPCodecError",
    "DecodeError",
    "IncompleteError",
    "TrailingBytesError",
    "LimitExceededError",
    "FramingError",
    "UnsupportedProtocolError",
    "EncodeError",
    "UnsupportedTypeError",
]

DECODE_ERROR = "amqp:decode-error"
FRAMING_ERROR = "amqp:connection:framing-error"
FRAME_SIZE_TOO_SMALL = "amqp:frame-size-too-small"
RESOURCE_LIMIT_EXCEEDED = "amqp:resource-limit-exceeded"


class AMQPCodecError(Exception):
    """Base class of every error amqpcodec raises."""

    condition: str | None = None
    #: AMQP 0-9-1 only (``amqpcodec.amqp091``), set on the instance where known, so a
    #: session can answer with channel.close or connection.close: the reply code to
    #: answer with (an ``amqp091.ReplyCode``: 501 frame error for framing faults and
    #: undecodable payloads, 505 unexpected frame for sequence faults), the channel,
    #: the frame type, and the class and method ids of the method concerned.
    reply_code: int | None = None
    channel: int | None = None
    frame_type: int | None = None
    class_id: int | None = None
    method_id: int | None = None

    def __init__(self, message: str, *, condition: str | None = None) -> None:
        super().__init__(message)
        if condition is not None:
            self.condition = condition

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild without calling __init__ (subclasses take keyword-only arguments).
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[AMQPCodecError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class DecodeError(AMQPCodecError, ValueError):
    """Bytes that are not valid AMQP (``amqp:decode-error``).

    ``offset`` is the absolute offset in the input of the fault; ``constructor`` the
    constructor code being decoded when it was found, if any.
    """

    condition: str | None = DECODE_ERROR
    #: For faults inside a frame: the stream offset of that frame's first byte.
    frame_offset: int | None = None

    def __init__(
        self,
        message: str,
        *,
        offset: int | None = None,
        constructor: int | None = None,
        field: str | None = None,
        condition: str | None = None,
    ) -> None:
        super().__init__(message, condition=condition)
        self.offset = offset
        self.constructor = constructor
        self.field = field

    def __str__(self) -> str:
        text = str(self.args[0]) if self.args else ""
        if self.offset is not None:
            text = f"{text} (at offset {self.offset})"
        return text


class IncompleteError(DecodeError):
    """The input ended before the value, frame or message did: more bytes are needed.

    Never raised for corrupt input; a size that points past the end of an enclosing
    compound is a plain :class:`DecodeError`.
    """


class TrailingBytesError(DecodeError):
    """Bytes remain after the one value :func:`amqpcodec.decode` expects.

    ``value`` holds what was decoded; ``offset`` is where the trailing bytes start.
    """

    def __init__(self, message: str, *, value: Any, offset: int) -> None:
        super().__init__(message, offset=offset)
        self.value = value


class LimitExceededError(DecodeError):
    """The input asks for more than the :class:`~amqpcodec.limits.Limits` in force allow."""

    condition: str | None = RESOURCE_LIMIT_EXCEEDED

    def __init__(
        self,
        message: str,
        *,
        offset: int | None = None,
        limit: str | None = None,
        constructor: int | None = None,
        condition: str | None = None,
    ) -> None:
        super().__init__(message, offset=offset, constructor=constructor, condition=condition)
        self.limit = limit


class FramingError(DecodeError):
    """A malformed frame header (``amqp:connection:framing-error``); fatal for a reader."""

    condition: str | None = FRAMING_ERROR


class UnsupportedProtocolError(DecodeError):
    """A protocol header (or TLS record) that is not an AMQP 1.0 one; fatal for a reader."""

    condition: str | None = FRAMING_ERROR


class EncodeError(AMQPCodecError, ValueError):
    """A value that cannot be encoded as asked: out of range, or breaking a type's rules.

    ``path`` names where in the value the fault is (``""`` for the value itself, then
    ``[index]`` and ``[key]`` steps, or a field path such as ``header.priority``).
    """

    def __init__(self, message: str, *, path: str = "", condition: str | None = None) -> None:
        super().__init__(message, condition=condition)
        self.path = path

    def __str__(self) -> str:
        text = str(self.args[0]) if self.args else ""
        if self.path:
            text = f"{text} (at {self.path})"
        return text

    def _at(self, step: str) -> EncodeError:
        """Prefix ``step`` to the path; used while the error unwinds out of containers."""
        self.path = step + self.path
        return self


class UnsupportedTypeError(EncodeError, TypeError):
    """A Python object of a type with no AMQP encoding."""
