"""Resource limits, one frozen object passed to every decoder and encoder.

Both backends read the same :class:`Limits` and check each bound *before* allocating
what the input claims.  A breach raises :class:`~amqpcodec.errors.LimitExceededError`
when decoding and :class:`~amqpcodec.errors.EncodeError` when encoding; invalid
limits themselves raise ``ValueError``.
"""

from __future__ import annotations

import dataclasses

__all__ = ["Limits", "DEFAULT_LIMITS", "MAX_DEPTH_CEILING"]

#: The largest ``max_depth`` accepted.  Both backends recurse once per nesting level;
#: this keeps the pure one far from Python's default recursion limit (1000), so the
#: depth error comes from ``Limits`` in both, never from the interpreter.
MAX_DEPTH_CEILING = 500


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Bounds on what a decoder accepts (and an encoder produces).

    - ``max_frame_size``: largest frame a :class:`~amqpcodec.frames.FrameReader`
      accepts, in bytes (the frame SIZE field, header included).
    - ``max_depth``: most compound values (list, map, array, described) nested
      inside each other; ``max_depth`` levels decode, one more raises.
    - ``max_container_items``: most elements in one list or array (for arrays of
      zero-width elements such as ``null``, the only bound on their count).
    - ``max_map_entries``: most key/value pairs in one map.  Kept small by default
      because colliding hashes make dict insertion quadratic (see README "Security").
    - ``max_message_size``: most bytes of one message or assembled delivery.
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
