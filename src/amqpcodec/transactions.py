"""Transactions (Part 4 §4.5): the coordinator target, declare/discharge messages,
the declared outcome and the transactional delivery state.

Field lists come from the one spec table (``_spec.COMPOSITES``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import definitions as _definitions  # noqa: F401 (the enums, and every composite registered)
from ._composite import Composite, composite
from .types import Array

__all__ = ["Coordinator", "Declare", "Discharge", "Declared", "TransactionalState"]


@composite("coordinator")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Coordinator(Composite):
    """§4.5.1 ``coordinator``: the target of a link to a transaction controller."""

    capabilities: str | Sequence[str] | Array | None = None


@composite("declare")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Declare(Composite):
    """§4.5.2 ``declare``: the body of a message asking for a new transaction."""

    global_id: Any = None


@composite("discharge")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Discharge(Composite):
    """§4.5.3 ``discharge``: the body of a message ending a transaction."""

    txn_id: Any
    fail: bool | None = None


@composite("declared")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Declared(Composite):
    """§4.5.4 ``declared`` outcome: the identifier of the new transaction."""

    txn_id: Any


@composite("transactional-state")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class TransactionalState(Composite):
    """§4.5.5 ``transactional-state``: a delivery's state within a transaction."""

    txn_id: Any
    outcome: Any = None
