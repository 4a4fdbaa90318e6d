"""Reading any bytes-like input the same way everywhere (the value codec and the layers),
and taking the payloads the frame writers of both protocols join into frames.

Decoders walk a flat view of unsigned bytes with an integer offset and never slice the
remainder; ``bytes`` is read as it is, anything else through one ``memoryview``.
"""

from __future__ import annotations

from typing import Any

from . import _errortext as _text
from .errors import EncodeError, UnsupportedTypeError

__all__ = ["flat_view", "payload_bytes"]


def flat_view(data: Any) -> memoryview:
    """A flat unsigned-byte view of any contiguous buffer; ``TypeError`` for an object
    that is not bytes-like, ``ValueError`` for a non-contiguous buffer."""
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(_text.not_bytes_like(data)) from None
    if not view.c_contiguous:
        raise ValueError(_text.NON_CONTIGUOUS_INPUT)
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def payload_bytes(payload: Any, what: str) -> bytes | bytearray | memoryview:
    """``payload`` as the frame writers join it: ``bytes`` and ``bytearray`` as they are, a
    ``memoryview`` as a flat unsigned-byte view (so its length counts bytes).

    ``UnsupportedTypeError`` for anything else (``what`` names the payload in the
    message, e.g. ``"a content body"``), ``EncodeError`` for a non-contiguous
    ``memoryview``, whose bytes no frame can hold without a copy the caller did not ask
    for; both at path ``payload``.
    """
    if type(payload) is bytes:
        return payload
    if isinstance(payload, memoryview):
        if not payload.c_contiguous:
            raise EncodeError(_text.NON_CONTIGUOUS_MEMORYVIEW, path="payload")
        return payload.cast("B") if payload.format != "B" or payload.ndim != 1 else payload
    if isinstance(payload, (bytes, bytearray)):
        return payload
    raise UnsupportedTypeError(f"{what} is bytes, not {type(payload).__name__}", path="payload")
