"""Writing frames (OASIS AMQP 1.0 Part 2 §2.3, §2.6.14, §2.7.5; Part 5 §5.3.1).

Strategy: a frame is its 8-byte header (DOFF 2: no extended header), the body's
performative canonically encoded by the live value backend (``_backend.current()``),
then the payload, joined once (``b"".join``: the payload is copied once).  The
frame type comes from the body's class.  :func:`encode_transfer` encodes the three
transfers a split delivery needs (first, middle, last) once each and cuts the payload
to fit ``max_frame_size`` around them.

With the compiled backend, :func:`~amqpcodec.frames.encode_frame` (and
:func:`encode_transfer`, for a delivery that fits one frame) first tries the compiled
``encode_frame`` (handed ``_WRITE_PLAN``: the exact performative and SASL body classes
and their frame types), which writes header, body and payload into one ``bytes`` and
raises the value encoder's errors, their paths in field names as ``_encode_body``
gives them.  It returns ``None`` for anything else (a heartbeat, a ``Described`` body,
a subclass, a payload that is not bytes-like and flat, a SASL body with a payload, a
frame over the limit) and the code below, the reference, runs on the same arguments;
it is not called with non-default encoding options.  When it declines after encoding
(a frame over the limit), the performative's ``__amqp__`` hooks run again, as they do
for each of the bodies :func:`encode_transfer` encodes: hooks are expected to give the
same value each time.

Decisions where the contract is silent:

- A payload is ``bytes``, ``bytearray`` or a contiguous ``memoryview`` (any format: its
  bytes are written); anything else is ``UnsupportedTypeError``, a non-contiguous view
  ``EncodeError`` (both at ``payload``).
- ``max_frame_size`` is ``None`` (no limit but the 4 GiB - 1 a frame's size field
  holds) or an ``int`` of at least 0 (``EncodeError`` at ``max_frame_size``
  otherwise); a limit below a frame's size is an ``EncodeError``.
- ``encode_frame``: SASL bodies carry no payload and a heartbeat none (``EncodeError``);
  SASL frames are written with the channel given (0 by default); an ``EncodeError`` from
  inside a composite gets a field path such as ``transfer.state.txn_id``.
- ``encode_transfer``: when the delivery fits one frame the transfer is written as
  given; otherwise every frame but the last has ``more=True`` and the last keeps the
  caller's ``more`` (so a delivery can be streamed over several calls); continuation
  frames drop delivery-id, delivery-tag and message-format and keep every other field.
  Each frame must carry at least one payload byte, else ``amqp:frame-size-too-small``.
"""

from __future__ import annotations

from typing import Any

from .._backend import current
from .._buffers import payload_bytes
from .._composite import REGISTRY, field_path
from .._seam import PLAIN_ENCODING, EncodeOptions, FrameWritePlan, encode_options
from ..errors import FRAME_SIZE_TOO_SMALL, EncodeError, UnsupportedTypeError
from ..limits import DEFAULT_LIMITS
from ..performatives import Performative, SaslBody, Transfer
from ..types import Described
from .records import (
    _AMQP_FRAME,
    _FRAME_HEADER,
    _FRAME_HEADER_SIZE,
    _MAX_CHANNEL,
    _MAX_SIZE,
    _MIN_DOFF,
    _SASL_FRAME,
)

__all__ = ["encode_frame", "encode_transfer"]

_pack_header = _FRAME_HEADER.pack
_join = b"".join


def _frame_types() -> dict[type, int]:
    """Every registered performative and SASL body class, exactly, and its frame type."""
    return {cls: cls.FRAME_TYPE for cls in REGISTRY.values() if issubclass(cls, (Performative, SaslBody))}


#: What the compiled ``encode_frame`` needs of this module.
_WRITE_PLAN = FrameWritePlan(
    frame_types=_frame_types(),
    sasl_type=_SASL_FRAME,
    doff=_MIN_DOFF,
    header=_FRAME_HEADER,
    field_path=field_path,
)


def _encode_body(performative: Any, options: EncodeOptions = PLAIN_ENCODING) -> tuple[int, bytes]:
    """The frame type and encoded bytes of a frame body's performative (``options``: the
    caller's ``wide_arrays`` and ``unicode_errors``, handed to the value backend)."""
    if isinstance(performative, Performative):
        frame_type = _AMQP_FRAME
    elif isinstance(performative, SaslBody):
        frame_type = _SASL_FRAME
    elif type(performative) is Described:
        frame_type = _AMQP_FRAME
    else:
        raise UnsupportedTypeError(
            f"a frame body is a performative, a SASL body or a Described, not {type(performative).__name__}",
            path="performative",
        )
    try:
        if options is PLAIN_ENCODING:
            return frame_type, current().encode(performative, DEFAULT_LIMITS)
        return frame_type, current().encode(performative, DEFAULT_LIMITS, *options)
    except EncodeError as error:
        error.path = field_path(performative, error.path)
        raise


def _frame(frame_type: int, channel: int, body: bytes, payload: Any, limit: int) -> bytes:
    size = _FRAME_HEADER_SIZE + len(body) + len(payload)
    if size > limit:
        if _FRAME_HEADER_SIZE + len(body) > limit:
            raise EncodeError(
                f"the performative needs a {_FRAME_HEADER_SIZE + len(body)}-byte frame; the maximum frame size is {limit}",
                condition=FRAME_SIZE_TOO_SMALL,
            )
        raise EncodeError(
            f"performative and payload need a {size}-byte frame; the maximum frame size is {limit} "
            "(split transfers with encode_transfer)"
        )
    return _join((_pack_header(size, _MIN_DOFF, frame_type, channel), body, payload))


def _check_channel(channel: int) -> None:
    if type(channel) is not int or not 0 <= channel <= _MAX_CHANNEL:
        raise EncodeError(f"a channel is a ushort (0 to 65535), not {channel!r}", path="channel")


def _limit(max_frame_size: Any) -> int:
    if max_frame_size is None:
        return _MAX_SIZE
    if type(max_frame_size) is not int or max_frame_size < 0:
        raise EncodeError(
            f"max_frame_size is None or an int of at least 0, not {max_frame_size!r}", path="max_frame_size"
        )
    return min(max_frame_size, _MAX_SIZE)


def encode_frame(
    performative: Performative | SaslBody | Described | None,
    channel: int = 0,
    payload: bytes | bytearray | memoryview = b"",
    *,
    max_frame_size: int | None = None,
    wide_arrays: bool = False,
    unicode_errors: str = "strict",
) -> bytes:
    """One frame (§2.3.1): header (DOFF 2), the performative's canonical encoding, payload.

    The frame type comes from the body's class (``SaslBody`` → 0x01, else 0x00);
    ``None`` makes an empty (heartbeat) frame.  A performative that cannot fit
    ``max_frame_size`` raises ``EncodeError`` with condition ``amqp:frame-size-too-small``;
    performative plus payload over it is an ``EncodeError`` too.  ``wide_arrays`` and
    ``unicode_errors``: for the performative, as in ``Message.encode``.
    """
    options = PLAIN_ENCODING
    if wide_arrays or unicode_errors != "strict":
        options = encode_options(wide_arrays, unicode_errors)
    limit = _limit(max_frame_size)
    compiled = current().compiled
    if compiled is not None and options is PLAIN_ENCODING:
        found = compiled.encode_frame(performative, channel, payload, limit, DEFAULT_LIMITS, _WRITE_PLAN)
        if found is not None:
            return found
    _check_channel(channel)
    data = payload_bytes(payload, "a payload")
    if performative is None:
        if len(data):
            raise EncodeError("an empty (heartbeat) frame carries no payload", path="payload")
        return _frame(_AMQP_FRAME, channel, b"", b"", limit)
    frame_type, body = _encode_body(performative, options)
    if frame_type == _SASL_FRAME and len(data):
        raise EncodeError("a SASL frame holds exactly one SASL body and no payload", path="payload")
    return _frame(frame_type, channel, body, data, limit)


def encode_transfer(
    transfer: Transfer,
    payload: bytes | bytearray | memoryview,
    *,
    channel: int = 0,
    max_frame_size: int,
    wide_arrays: bool = False,
    unicode_errors: str = "strict",
) -> list[bytes]:
    """A delivery's transfer frames (§2.6.14, §2.7.5), split to fit ``max_frame_size``.

    ``more=True`` on every frame but the last; delivery-id, delivery-tag and
    message-format only on the first.  ``wide_arrays`` and ``unicode_errors``: for the
    transfer performative, as in ``Message.encode`` (the payload is bytes already: encode
    the message with the same options).
    """
    options = PLAIN_ENCODING
    if wide_arrays or unicode_errors != "strict":
        options = encode_options(wide_arrays, unicode_errors)
    if not isinstance(transfer, Transfer):
        raise UnsupportedTypeError(
            f"encode_transfer needs a Transfer, not {type(transfer).__name__}", path="transfer"
        )
    limit = _limit(max_frame_size)
    compiled = current().compiled
    if compiled is not None and options is PLAIN_ENCODING:
        found = compiled.encode_frame(transfer, channel, payload, limit, DEFAULT_LIMITS, _WRITE_PLAN)
        if found is not None:  # the delivery fits one frame
            return [found]
    _check_channel(channel)
    data = payload_bytes(payload, "a payload")
    _, single = _encode_body(transfer, options)
    if _FRAME_HEADER_SIZE + len(single) + len(data) <= limit:
        return [_frame(_AMQP_FRAME, channel, single, data, limit)]
    continuation = transfer.replace(delivery_id=None, delivery_tag=None, message_format=None)
    bodies = [
        _encode_body(transfer.replace(more=True), options)[1],
        _encode_body(continuation.replace(more=True), options)[1],
        _encode_body(continuation, options)[1],
    ]
    first, middle, last = (limit - _FRAME_HEADER_SIZE - len(body) for body in bodies)
    if min(first, middle, last) < 1:
        raise EncodeError(
            f"a transfer frame of at most {limit} bytes has no room for payload",
            condition=FRAME_SIZE_TOO_SMALL,
        )
    frames = [_frame(_AMQP_FRAME, channel, bodies[0], data[:first], limit)]
    at, total = first, len(data)
    while total - at > last:
        frames.append(_frame(_AMQP_FRAME, channel, bodies[1], data[at : at + middle], limit))
        at += middle
    frames.append(_frame(_AMQP_FRAME, channel, bodies[2], data[at:], limit))
    return frames
