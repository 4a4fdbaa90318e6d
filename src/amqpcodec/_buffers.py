"""Reading any bytes-like input the same way everywhere (the value codec and the layers).

Decoders walk a flat view of unsigned bytes with an integer offset and never slice the
remainder; ``bytes`` is read as it is, anything else through one ``memoryview``.
"""

from __future__ import annotations

from typing import Any

from . import _errortext as _text

__all__ = ["flat_view"]


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
