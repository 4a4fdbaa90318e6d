"""Definitions of Parts 2 and 3: restricted-type enums, ``error``, delivery states,
source and target terminuses and lifetime policies.

Field lists come from the one spec table (``_spec.COMPOSITES``); see ``_composite`` for
how constructors convert, how absent fields differ from defaults, and how decoding
keeps what the peer sent.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._composite import Composite, composite, register_enum
from .types import Array, Symbol, UByte, UInt

__all__ = [
    "Role",
    "SenderSettleMode",
    "ReceiverSettleMode",
    "TerminusDurability",
    "TerminusExpiryPolicy",
    "DistributionMode",
    "SaslCode",
    "ErrorCondition",
    "Received",
    "Accepted",
    "Rejected",
    "Released",
    "Modified",
    "Source",
    "Target",
    "DeleteOnClose",
    "DeleteOnNoLinks",
    "DeleteOnNoMessages",
    "DeleteOnNoLinksOrMessages",
]

Symbols = str | Sequence[str] | Array | None
Fields = Mapping[Any, Any] | None


# --- restricted types (§2.8, §3.5, §5.3.3.6) -------------------------------------------


@register_enum("role")
class Role(enum.Enum):
    """§2.8.1 ``role``: encoded as a boolean, sender false, receiver true."""

    SENDER = False
    RECEIVER = True

    def __amqp__(self) -> bool:
        return bool(self.value)


@register_enum("sender-settle-mode")
class SenderSettleMode(UByte, enum.Enum):
    """§2.8.2 ``sender-settle-mode`` (ubyte)."""

    UNSETTLED = 0
    SETTLED = 1
    MIXED = 2


@register_enum("receiver-settle-mode")
class ReceiverSettleMode(UByte, enum.Enum):
    """§2.8.3 ``receiver-settle-mode`` (ubyte)."""

    FIRST = 0
    SECOND = 1


@register_enum("terminus-durability")
class TerminusDurability(UInt, enum.Enum):
    """§3.5.5 ``terminus-durability`` (uint)."""

    NONE = 0
    CONFIGURATION = 1
    UNSETTLED_STATE = 2


@register_enum("terminus-expiry-policy")
class TerminusExpiryPolicy(Symbol, enum.Enum):
    """§3.5.6 ``terminus-expiry-policy`` (symbol)."""

    LINK_DETACH = "link-detach"
    SESSION_END = "session-end"
    CONNECTION_CLOSE = "connection-close"
    NEVER = "never"


@register_enum("std-dist-mode")
class DistributionMode(Symbol, enum.Enum):
    """§3.5.7 ``std-dist-mode`` (symbol)."""

    MOVE = "move"
    COPY = "copy"


@register_enum("sasl-code")
class SaslCode(UByte, enum.Enum):
    """Part 5 §5.3.3.6 ``sasl-code`` (ubyte)."""

    OK = 0
    AUTH = 1
    SYS = 2
    SYS_PERM = 3
    SYS_TEMP = 4


# --- error (§2.8.14) ---------------------------------------------------------------------


@composite("error")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class ErrorCondition(Composite):
    """§2.8.14 ``error``: a condition symbol, description and info map."""

    condition: str
    description: str | None = None
    info: Fields = None


# --- delivery states (§3.4) --------------------------------------------------------------


@composite("received")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Received(Composite):
    """§3.4.1 ``received``: where a partially received delivery can resume."""

    section_number: int
    section_offset: int


@composite("accepted")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Accepted(Composite):
    """§3.4.2 ``accepted`` outcome."""


@composite("rejected")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Rejected(Composite):
    """§3.4.3 ``rejected`` outcome."""

    error: ErrorCondition | None = None


@composite("released")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Released(Composite):
    """§3.4.4 ``released`` outcome."""


@composite("modified")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Modified(Composite):
    """§3.4.5 ``modified`` outcome."""

    delivery_failed: bool | None = None
    undeliverable_here: bool | None = None
    message_annotations: Fields = None


# --- terminuses (§3.5) -------------------------------------------------------------------


@composite("source")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Source(Composite):
    """§3.5.3 ``source`` terminus."""

    address: Any = None
    durable: TerminusDurability | int | None = None
    expiry_policy: TerminusExpiryPolicy | str | None = None
    timeout: int | None = None
    dynamic: bool | None = None
    dynamic_node_properties: Fields = None
    distribution_mode: DistributionMode | str | None = None
    filter: Fields = None
    default_outcome: Any = None
    outcomes: Symbols = None
    capabilities: Symbols = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_durable(self) -> TerminusDurability | int: ...

        @property
        def effective_expiry_policy(self) -> TerminusExpiryPolicy | str: ...

        @property
        def effective_timeout(self) -> int: ...

        @property
        def effective_dynamic(self) -> bool: ...


@composite("target")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Target(Composite):
    """§3.5.4 ``target`` terminus."""

    address: Any = None
    durable: TerminusDurability | int | None = None
    expiry_policy: TerminusExpiryPolicy | str | None = None
    timeout: int | None = None
    dynamic: bool | None = None
    dynamic_node_properties: Fields = None
    capabilities: Symbols = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_durable(self) -> TerminusDurability | int: ...

        @property
        def effective_expiry_policy(self) -> TerminusExpiryPolicy | str: ...

        @property
        def effective_timeout(self) -> int: ...

        @property
        def effective_dynamic(self) -> bool: ...


# --- lifetime policies (§3.5.10-13) -------------------------------------------------------


@composite("delete-on-close")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class DeleteOnClose(Composite):
    """§3.5.10 ``delete-on-close`` lifetime policy."""


@composite("delete-on-no-links")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class DeleteOnNoLinks(Composite):
    """§3.5.11 ``delete-on-no-links`` lifetime policy."""


@composite("delete-on-no-messages")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class DeleteOnNoMessages(Composite):
    """§3.5.12 ``delete-on-no-messages`` lifetime policy."""


@composite("delete-on-no-links-or-messages")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class DeleteOnNoLinksOrMessages(Composite):
    """§3.5.13 ``delete-on-no-links-or-messages`` lifetime policy."""


# Every composite class registers its descriptors as its module loads, and decoders make
# typed what the registry knows (``_composite.REGISTRY``): whichever composite module
# loads first loads the others, so the registry is whole whenever it is read, as when
# the package loaded everything at once.  (Last here: they import from this module.)
from . import performatives as _performatives  # noqa: E402, F401
from . import transactions as _transactions  # noqa: E402, F401
from .message import sections as _sections  # noqa: E402, F401
