"""The nine performatives (Part 2 §2.7) and the five SASL frame bodies (Part 5 §5.3.3).

Field lists come from the one spec table (``_spec.COMPOSITES``); see ``_composite`` for
the conversion, default and decoding rules.  ``FRAME_TYPE`` says which frame type
carries each class: 0x00 (AMQP) for performatives, 0x01 for SASL bodies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ._composite import Composite, composite
from .definitions import ErrorCondition, ReceiverSettleMode, Role, SaslCode, SenderSettleMode
from .types import Array

__all__ = [
    "Performative",
    "SaslBody",
    "Open",
    "Begin",
    "Attach",
    "Flow",
    "Transfer",
    "Disposition",
    "Detach",
    "End",
    "Close",
    "SaslMechanisms",
    "SaslInit",
    "SaslChallenge",
    "SaslResponse",
    "SaslOutcome",
]

Symbols = str | Sequence[str] | Array | None
Fields = Mapping[Any, Any] | None


class Performative(Composite):
    """Base of the AMQP frame bodies (§2.7), carried in frames of type 0x00."""

    __slots__ = ()
    FRAME_TYPE: ClassVar[int] = 0x00


class SaslBody(Composite):
    """Base of the SASL frame bodies (Part 5 §5.3.3), carried in frames of type 0x01."""

    __slots__ = ()
    FRAME_TYPE: ClassVar[int] = 0x01


@composite("open")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Open(Performative):
    """§2.7.1 ``open``: negotiate connection parameters."""

    container_id: str
    hostname: str | None = None
    max_frame_size: int | None = None
    channel_max: int | None = None
    idle_time_out: int | None = None
    outgoing_locales: Symbols = None
    incoming_locales: Symbols = None
    offered_capabilities: Symbols = None
    desired_capabilities: Symbols = None
    properties: Fields = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_max_frame_size(self) -> int: ...

        @property
        def effective_channel_max(self) -> int: ...


@composite("begin")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Begin(Performative):
    """§2.7.2 ``begin``: begin a session on a channel."""

    remote_channel: int | None = None
    next_outgoing_id: int
    incoming_window: int
    outgoing_window: int
    handle_max: int | None = None
    offered_capabilities: Symbols = None
    desired_capabilities: Symbols = None
    properties: Fields = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_handle_max(self) -> int: ...


@composite("attach")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Attach(Performative):
    """§2.7.3 ``attach``: attach a link to a session."""

    name: str
    handle: int
    role: Role | bool
    snd_settle_mode: SenderSettleMode | int | None = None
    rcv_settle_mode: ReceiverSettleMode | int | None = None
    source: Any = None
    target: Any = None
    unsettled: Mapping[Any, Any] | None = None
    incomplete_unsettled: bool | None = None
    initial_delivery_count: int | None = None
    max_message_size: int | None = None
    offered_capabilities: Symbols = None
    desired_capabilities: Symbols = None
    properties: Fields = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_snd_settle_mode(self) -> SenderSettleMode | int: ...

        @property
        def effective_rcv_settle_mode(self) -> ReceiverSettleMode | int: ...

        @property
        def effective_incomplete_unsettled(self) -> bool: ...


@composite("flow")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Flow(Performative):
    """§2.7.4 ``flow``: update link and session flow state."""

    next_incoming_id: int | None = None
    incoming_window: int
    next_outgoing_id: int
    outgoing_window: int
    handle: int | None = None
    delivery_count: int | None = None
    link_credit: int | None = None
    available: int | None = None
    drain: bool | None = None
    echo: bool | None = None
    properties: Fields = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_drain(self) -> bool: ...

        @property
        def effective_echo(self) -> bool: ...


@composite("transfer")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Transfer(Performative):
    """§2.7.5 ``transfer``: a message (or part of one) over a link."""

    handle: int
    delivery_id: int | None = None
    delivery_tag: bytes | None = None
    message_format: int | None = None
    settled: bool | None = None
    more: bool | None = None
    rcv_settle_mode: ReceiverSettleMode | int | None = None
    state: Any = None
    resume: bool | None = None
    aborted: bool | None = None
    batchable: bool | None = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_more(self) -> bool: ...

        @property
        def effective_resume(self) -> bool: ...

        @property
        def effective_aborted(self) -> bool: ...

        @property
        def effective_batchable(self) -> bool: ...


@composite("disposition")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Disposition(Performative):
    """§2.7.6 ``disposition``: update the state of a range of deliveries."""

    role: Role | bool
    first: int
    last: int | None = None
    settled: bool | None = None
    state: Any = None
    batchable: bool | None = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_settled(self) -> bool: ...

        @property
        def effective_batchable(self) -> bool: ...


@composite("detach")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Detach(Performative):
    """§2.7.7 ``detach``: detach a link from its session."""

    handle: int
    closed: bool | None = None
    error: ErrorCondition | None = None

    if TYPE_CHECKING:  # set by @composite for each field with a spec default

        @property
        def effective_closed(self) -> bool: ...


@composite("end")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class End(Performative):
    """§2.7.8 ``end``: end a session."""

    error: ErrorCondition | None = None


@composite("close")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Close(Performative):
    """§2.7.9 ``close``: close the connection."""

    error: ErrorCondition | None = None


@composite("sasl-mechanisms")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class SaslMechanisms(SaslBody):
    """Part 5 §5.3.3.1 ``sasl-mechanisms``: the mechanisms the server offers."""

    sasl_server_mechanisms: str | Sequence[str] | Array


@composite("sasl-init")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class SaslInit(SaslBody):
    """Part 5 §5.3.3.2 ``sasl-init``: the client's chosen mechanism and initial response."""

    mechanism: str
    initial_response: bytes | None = None
    hostname: str | None = None


@composite("sasl-challenge")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class SaslChallenge(SaslBody):
    """Part 5 §5.3.3.3 ``sasl-challenge``."""

    challenge: bytes


@composite("sasl-response")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class SaslResponse(SaslBody):
    """Part 5 §5.3.3.4 ``sasl-response``."""

    response: bytes


@composite("sasl-outcome")
@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class SaslOutcome(SaslBody):
    """Part 5 §5.3.3.5 ``sasl-outcome``: the result of the SASL exchange."""

    code: SaslCode | int
    additional_data: bytes | None = None
