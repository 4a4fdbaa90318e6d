"""Frames and protocol headers, sans-IO (OASIS AMQP 1.0 Part 2 §2.2-2.3, Part 5 §5.2-5.3).

Strategy: reading, writing and assembling are separate modules around one set of
records, and nothing in this package does I/O:

- :mod:`.records`: the events (:class:`ProtocolHeader`, :class:`Frame`,
  :data:`NEED_DATA`) and the frame header's layout and constants (§2.3.1), shared by
  the other modules;
- :mod:`.reader`: :class:`FrameReader`, bytes in, events out: the connection phases,
  the header checks as soon as a header is in, and the body decoded with the value
  backend (the compiled ``decode_frame`` hot path first, when there is one);
- :mod:`.writer`: :func:`encode_frame` and :func:`encode_transfer`, a delivery split
  to fit ``max_frame_size``;
- :mod:`.assembler`: :class:`TransferAssembler`, transfer frames joined into
  :class:`Delivery` and :class:`AbortedDelivery` events within a memory budget;
- :mod:`.resync`: the scan for the next plausible frame in damaged bytes
  (:func:`find_frame_boundary`), for a whole capture or a stream that may still grow.

Each module's docstring states its strategy and the decisions it takes where the
contract is silent.  This package re-exports the public names (``__all__``).
"""

from __future__ import annotations

# Besides ``__all__``, ``Event`` and ``NeedData`` stay importable from here.
from .assembler import (
    DROPPED_DELIVERY_OVERHEAD,
    PARTIAL_DELIVERY_OVERHEAD,
    AbortedDelivery,
    Delivery,
    TransferAssembler,
)
from .reader import FrameReader
from .records import AMQP_HEADER, NEED_DATA, SASL_HEADER, TLS_HEADER, Frame, ProtocolHeader
from .records import Event as Event
from .records import NeedData as NeedData
from .resync import find_frame_boundary
from .writer import encode_frame, encode_transfer

__all__ = [
    "FrameReader",
    "Frame",
    "ProtocolHeader",
    "AMQP_HEADER",
    "SASL_HEADER",
    "TLS_HEADER",
    "NEED_DATA",
    "encode_frame",
    "encode_transfer",
    "TransferAssembler",
    "PARTIAL_DELIVERY_OVERHEAD",
    "DROPPED_DELIVERY_OVERHEAD",
    "Delivery",
    "AbortedDelivery",
    "find_frame_boundary",
]
