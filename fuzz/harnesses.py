"""Every fuzz harness by name, and which corpora each replays.

The AMQP 1.0 harnesses (:mod:`fuzz.targets`) and the AMQP 0-9-1 ones
(:mod:`fuzz.targets_amqp091`, named ``amqp091_*``) read different protocols, so each
family replays and mutates its own corpora: ``fuzz/corpus/amqp091_*`` for the 0-9-1
harnesses, the other directories for the 1.0 ones.
"""

from __future__ import annotations

from collections.abc import Callable

from . import targets, targets_amqp091

__all__ = ["AMQP091_PREFIX", "HARNESSES", "family"]

#: The name prefix of the 0-9-1 harnesses and of their corpus directories.
AMQP091_PREFIX = "amqp091_"

HARNESSES: dict[str, Callable[[bytes], None]] = {**targets.HARNESSES, **targets_amqp091.HARNESSES}


def family(name: str) -> str:
    """The protocol a harness or corpus directory belongs to: ``"0-9-1"`` or ``"1.0"``."""
    return "0-9-1" if name.startswith(AMQP091_PREFIX) else "1.0"
