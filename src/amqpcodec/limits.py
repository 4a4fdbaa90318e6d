"""Resource limits, one frozen object passed to every decoder and encoder.

Both backends read the same :class:`Limits` and check each bound *before* allocating
what the input claims.  A breach raises :class:`~amqpcodec.errors.LimitExceededError`
when decoding and :class:`~amqpcodec.errors.EncodeError` when encoding; invalid
limits themselves raise ``ValueError``.
"""

from __future__ import annotations

import dataclasses

__all__ = ["Limits", "DEFAULT_LIMITS", "MAX_DEPTH_CEILING", "MAX_KEYS_PER_HASH"]

#: The largest ``max_depth`` accepted.  Both backends recurse once per nesting level;
#: this keeps the pure one far from Python's default recursion limit (1000), so the
#: depth error comes from ``Limits`` in both, never from the interpreter.
MAX_DEPTH_CEILING = 500

#: The most keys of one decoded map (Part 1 §1.6.23) that may share one Python hash.
#: The key that makes one more is refused with ``LimitExceededError`` at its
#: constructor (``limit="max_map_entries"``: ``.limit`` names a ``Limits`` field, and
#: this refines that one).  Only keys whose hash a peer can aim are counted: every key
#: but ``str``, ``Symbol`` and ``bytes``, which CPython hashes with SipHash under a
#: per-process key.  ``int`` (every AMQP integer type, timestamps), ``uuid.UUID`` and
#: ``Decimal`` hash modulo ``sys.hash_info.modulus`` (2**61-1 on 64-bit builds), and
#: floats and ``Described`` keys follow from their parts, so N keys sharing one hash
#: are cheap to craft and make dict insertion cost N**2/2 key comparisons, each as deep
#: as the key.  16 is above the 13 distinct integers of [-2**63, 2**64) (all long and
#: ulong values) that share a hash, hash 0: ``k*(2**61-1)`` for k = -4..8; so no map
#: of integer keys is ever refused, and any map costs at most 15 comparisons per key.
#: A constant, not a ``Limits`` field: it guards the decoder, no peer needs it tuned.
MAX_KEYS_PER_HASH = 16


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Bounds on what a decoder accepts (and an encoder produces).

    - ``max_frame_size``: largest frame a :class:`~amqpcodec.frames.FrameReader`
      accepts, in bytes (the frame SIZE field, header included).
    - ``max_depth``: most compound values (list, map, array, described) nested
      inside each other; ``max_depth`` levels decode, one more raises.  When
      encoding, also the most ``__amqp__`` hooks applied in a row (a hook whose
      result is hooked again), so a hook returning new hooked values forever is an
      ``EncodeError`` at the hooked value's path.
    - ``max_container_items``: most elements in one list or array.  Arrays of
      zero-width elements (constructors 0x40-0x45, described or not, Part 1 §1.6.24)
      cost no input bytes per element, so for them it is also a budget shared by
      one decode: a ``decode``/``decode_prefix`` call, a ``Message.decode`` (all its
      sections), one lazy section access (all its body sections), one frame.  The
      array that would take the total past it raises ``LimitExceededError`` at the
      array's offset, as one array over the limit does.
    - ``max_map_entries``: most key/value pairs in one map.  Keys whose hash a peer
      can choose may share one hash at most :data:`MAX_KEYS_PER_HASH` times in a
      map, so inserting them costs linear time (README "Security").
    - ``max_message_size``: most bytes of one message or assembled delivery, and of
      all the partial deliveries a ``TransferAssembler`` holds together (their
      payload plus ``frames.PARTIAL_DELIVERY_OVERHEAD`` apiece, plus what their
      ``state`` and delivery-tag octets past 32 hold); and, as a separate budget,
      the refused deliveries it remembers to drop (at most ``max(1, max_message_size
      // frames.DROPPED_DELIVERY_OVERHEAD)`` at once), so an assembler holds about
      twice ``max_message_size`` at most.  It
      also bounds encoded output: ``encode``, ``Message.encode`` (and
      ``encode_frame``, with the default limits) raise ``EncodeError`` (its message
      naming ``max_message_size``, ``.path`` the value being written) once their
      output passes it, so a value that shares structure (one list reached a
      billion times) fails fast instead of exhausting memory.  Both backends check
      at the same points, never per byte: at the end of each list, map and array,
      after each ``__amqp__`` hook and each array element of a variable-width or
      compound type, before a string, symbol or binary of over 255 bytes is copied,
      and at the end.  So the output passes the bound by at most one compound's
      elements that hold no compound themselves (numbers, strings of up to 255
      bytes, described values of these).  Each check counts the least the output
      can still come to, so a value that fits is never refused:
      ``Limits(max_message_size=len(encode(v)))`` encodes ``v``.
    - ``max_buffered_bytes``: most bytes a frame reader buffers.
    """

    max_frame_size: int = 4 * 1024 * 1024
    max_depth: int = 100
    max_container_items: int = 1024 * 1024
    max_map_entries: int = 2048
    max_message_size: int = 256 * 1024 * 1024
    max_buffered_bytes: int = 8 * 1024 * 1024

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if type(value) is not int or value < 0:
                raise ValueError(f"Limits.{field.name} must be a non-negative int, not {value!r}")
        if not 1 <= self.max_depth <= MAX_DEPTH_CEILING:
            raise ValueError(f"Limits.max_depth must be between 1 and {MAX_DEPTH_CEILING}")
        if self.max_frame_size < 512:
            # Part 2 §2.7.1: every peer must accept frames of 512 bytes.
            raise ValueError("Limits.max_frame_size must be at least 512")


DEFAULT_LIMITS = Limits()
