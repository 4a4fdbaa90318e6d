"""Assembling AMQP 0-9-1 content: a content method, its header frame and its body frames
joined into one :class:`Message` (0-9-1 §2.3.5.2, §4.2.6).

Strategy: :class:`ContentAssembler` keeps one state per channel that is not idle, in a
dict: a :class:`_Pending` content (the method, then the header's properties and body
size, then the body chunks), or the marker :data:`_DROPPING` after a fault or a
``discard``, when that channel's body frames are dropped silently until its next method.
A content method is one whose class says it carries content (``HAS_CONTENT``: publish,
return, deliver, get-ok); the spec's sequence (§4.2.6: method, header, bodies on one
channel, other channels free to interleave) is checked frame by frame and the chunks
are joined once, when the last body byte arrives.  The bytes all partial contents hold
are counted together against ``limits.max_message_size``.

Decisions where the contract is silent:

- A sequence fault is a ``DecodeError`` with ``reply_code`` 505 (UNEXPECTED_FRAME),
  ``channel``, ``frame_type`` and ``frame_offset`` of the frame at fault, ``offset`` its
  first byte, and ``class_id``/``method_id`` of the content method it broke (or of the
  method that arrived mid-content).  A method mid-content is processed first (it opens
  its own content, or leaves the channel idle), then the fault about the dropped content
  is raised: nothing the method starts is lost.
- ``body_size`` over ``max_message_size`` at the header, and a body frame that would take
  all partial contents together past it, are ``LimitExceededError`` (``limit=
  "max_message_size"``, ``reply_code`` 501 FRAME_ERROR, as RabbitMQ answers a too-large
  message) that drop the content; its channel's body frames are then dropped silently.
- ``feed`` takes the events a :class:`~amqpcodec.amqp091.FrameReader` yields; protocol
  headers and heartbeats return ``None``, anything else is a ``TypeError``.

With the compiled backend, ``feed`` first hands the event to the compiled ``feed091``
(through :data:`_ASSEMBLER_PLAN`: this module's classes and the slots the state lives
in), which takes the usual sequence and changes the same state as the code here does
(the same dict, ``_Pending`` objects and held count, so equality, copying and pickling
see one kind of state).  Anything else (a sequence fault, a limit reached, an event
with values of unusual types) it returns as ``DECLINED``, having changed nothing, and
the Python code here, the reference, takes the event.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, Final

from .._backend import current
from .._seam import DECLINED, AssemblerPlan091
from ..errors import DecodeError, LimitExceededError
from ..frames.records import ProtocolHeader, _hex, _new_object, _Record
from ..limits import DEFAULT_LIMITS, Limits
from ._plans import slot_setters
from .constants import FRAME_BODY, FRAME_HEADER, FRAME_METHOD, ReplyCode
from .frames import BodyFrame, Event, HeaderFrame, HeartbeatFrame, MethodFrame, _mark
from .methods import Method
from .properties import BasicProperties
from .reader import FRAME_PLAN

__all__ = ["ContentAssembler", "Message"]


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Message(_Record):
    """One whole content (§2.3.5.2): the method that carried it on ``channel``
    (basic.publish, return, deliver or get-ok), its properties and its body."""

    channel: int
    method: Method
    properties: BasicProperties
    body: bytes

    def __repr__(self) -> str:
        return (
            f"Message(channel={self.channel}, method={self.method!r}, properties={self.properties!r}, "
            f"body={_hex(self.body)})"
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"channel", "method": {...}, "properties": {...}, "body": <hex>}``."""
        return {
            "channel": self.channel,
            "method": self.method.to_dict(),
            "properties": self.properties.to_dict(),
            "body": self.body.hex(),
        }


# Slot setters for the assembler's own use (a frozen dataclass's __init__ costs twice as much).
_MESSAGE_SLOTS: Final = slot_setters(Message)


def _new_message(channel: int, method: Method, properties: BasicProperties, body: bytes) -> Message:
    """``Message(channel, method, properties, body)`` without the frozen dataclass's ``__init__``."""
    message: Message = _new_object(Message)
    set_channel, set_method, set_properties, set_body = _MESSAGE_SLOTS
    set_channel(message, channel)
    set_method(message, method)
    set_properties(message, properties)
    set_body(message, body)
    return message


class _Pending:
    """A content whose last frame has not come yet: its method, then what its header said,
    then the body chunks received (``properties`` is None until the header)."""

    __slots__ = ("body_size", "chunks", "method", "properties", "received")

    def __init__(self, method: Method) -> None:
        self.method = method
        self.properties: BasicProperties | None = None
        self.body_size = 0
        self.chunks: list[bytes] = []
        self.received = 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Pending) and all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__
        )

    def __repr__(self) -> str:
        return f"<pending {self.method.NAME}: {self.received} of {self.body_size} bytes>"


class _Dropping:
    """The state of a channel whose body frames are dropped until its next method."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<dropping>"

    def __reduce__(self) -> str:
        return "_DROPPING"


_DROPPING: Final = _Dropping()

_State = _Pending | _Dropping


def _unexpected(
    message: str, event: MethodFrame | HeaderFrame | BodyFrame, frame_type: int, about: Method | None
) -> DecodeError:
    """A sequence fault (§4.2.6) for the frame ``event``, with reply code 505."""
    error = DecodeError(
        f"{message} on channel {event.channel} (frame at offset {event.offset}; §4.2.6)", offset=event.offset
    )
    if about is not None:
        error.class_id = about.CLASS_ID
        error.method_id = about.METHOD_ID
    return _mark(
        error,
        frame_offset=event.offset,
        reply_code=ReplyCode.UNEXPECTED_FRAME,
        channel=event.channel,
        frame_type=frame_type,
    )


def _too_large(
    message: str, event: HeaderFrame | BodyFrame, frame_type: int, about: Method
) -> LimitExceededError:
    error = LimitExceededError(
        f"{message} on channel {event.channel}", offset=event.offset, limit="max_message_size"
    )
    error.class_id = about.CLASS_ID
    error.method_id = about.METHOD_ID
    _mark(
        error,
        frame_offset=event.offset,
        reply_code=ReplyCode.FRAME_ERROR,
        channel=event.channel,
        frame_type=frame_type,
    )
    return error


class ContentAssembler:
    """Joins each channel's content method, header frame and body frames into a
    :class:`Message` (§4.2.6).  One per direction of a connection; copyable and picklable."""

    __slots__ = ("_held", "_states", "limits")

    def __init__(self, *, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._states: dict[int, _State] = {}
        #: Body bytes all partial contents hold together.
        self._held = 0

    def __repr__(self) -> str:
        return f"<ContentAssembler channels={self._states!r} held={self._held}>"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ContentAssembler)
            and self.limits == other.limits
            and self._states == other._states
            and self._held == other._held
        )

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict[str, Any]:
        return {"limits": self.limits, "states": self._states, "held": self._held}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.limits = state["limits"]
        self._states = state["states"]
        self._held = state["held"]

    def __copy__(self) -> ContentAssembler:
        """An independent assembler in the same state (as ``copy.deepcopy`` makes): a
        shallow copy would share the partial contents with this one."""
        return copy.deepcopy(self)

    @property
    def pending_channels(self) -> frozenset[int]:
        """The channels with a content begun and not yet complete."""
        return frozenset(channel for channel, state in self._states.items() if type(state) is _Pending)

    def discard(self, channel: int) -> None:
        """Drop ``channel``'s partial content, if any; its body frames are then dropped
        silently until its next method (for a channel being closed)."""
        self._drop(channel)

    def _drop(self, channel: int) -> _Pending | None:
        """Forget ``channel``'s partial content (returned) and drop its bodies from now on."""
        state = self._states.get(channel)
        self._states[channel] = _DROPPING
        if type(state) is _Pending:
            self._held -= state.received
            return state
        return None

    def feed(self, event: Event) -> Message | None:
        """Take one reader event; the :class:`Message` it completes, else ``None``.

        With the compiled backend, ``feed091`` (through :data:`_ASSEMBLER_PLAN`) takes
        the usual sequence first, changing this assembler's state as the code below
        does; for anything else it returns ``DECLINED`` having changed nothing, and
        the code below, the reference, takes the event."""
        compiled = current().compiled
        if compiled is not None:
            message: Message | None = compiled.feed091(self, event, _ASSEMBLER_PLAN)
            if message is not DECLINED:
                return message
        if type(event) is BodyFrame:
            return self._body(event)
        if type(event) is MethodFrame:
            self._method(event)
            return None
        if type(event) is HeaderFrame:
            return self._header(event)
        if isinstance(event, (HeartbeatFrame, ProtocolHeader)):
            return None
        raise TypeError(f"ContentAssembler.feed takes a FrameReader event, not {type(event).__name__}")

    def _method(self, event: MethodFrame) -> None:
        channel, method = event.channel, event.method
        broken = self._states.get(channel)
        if type(broken) is _Pending:
            self._held -= broken.received
        if method.HAS_CONTENT:
            self._states[channel] = _Pending(method)
        else:
            self._states.pop(channel, None)
        if type(broken) is _Pending:
            stage = (
                "its header"
                if broken.properties is None
                else f"{broken.body_size - broken.received} body bytes"
            )
            raise _unexpected(
                f"{method.NAME} arrived while {broken.method.NAME}'s content awaited {stage}; that content is dropped",
                event,
                FRAME_METHOD,
                method,
            )

    def _header(self, event: HeaderFrame) -> Message | None:
        channel = event.channel
        pending = self._states.get(channel)
        if type(pending) is not _Pending or pending.properties is not None:
            about = pending.method if type(pending) is _Pending else None
            self._drop(channel)
            what = (
                "a second content header"
                if about is not None
                else "a content header with no content method before it"
            )
            raise _unexpected(what, event, FRAME_HEADER, about)
        method = pending.method
        if event.class_id != method.CLASS_ID or event.weight != 0:
            self._drop(channel)
            fault = (
                f"a content header of class {event.class_id} after {method.NAME}"
                if event.class_id != method.CLASS_ID
                else f"a content header with weight {event.weight} (§4.2.6.1: it must be 0)"
            )
            raise _unexpected(fault, event, FRAME_HEADER, method)
        if event.body_size > self.limits.max_message_size:
            self._drop(channel)
            raise _too_large(
                f"a content of {event.body_size} bytes exceeds max_message_size={self.limits.max_message_size}",
                event,
                FRAME_HEADER,
                method,
            )
        if not event.body_size:
            del self._states[channel]
            return _new_message(channel, method, event.properties, b"")
        pending.properties = event.properties
        pending.body_size = event.body_size
        return None

    def _body(self, event: BodyFrame) -> Message | None:
        channel = event.channel
        pending = self._states.get(channel)
        if type(pending) is not _Pending or pending.properties is None:
            if pending is _DROPPING:
                return None
            about = pending.method if type(pending) is _Pending else None
            self._drop(channel)
            what = (
                "a content body before its header"
                if about is not None
                else "a content body with no content method"
            )
            raise _unexpected(what, event, FRAME_BODY, about)
        size = len(event.payload)
        received = pending.received + size
        if received > pending.body_size:
            self._drop(channel)
            raise _unexpected(
                f"{received - pending.body_size} body bytes past the header's body size {pending.body_size}",
                event,
                FRAME_BODY,
                pending.method,
            )
        if received == pending.body_size:
            self._held -= pending.received
            del self._states[channel]
            chunks = pending.chunks
            body = event.payload if not chunks else b"".join((*chunks, event.payload))
            return _new_message(channel, pending.method, pending.properties, body)
        if self._held + size > self.limits.max_message_size:
            self._drop(channel)
            raise _too_large(
                f"partial contents holding {self._held + size} bytes exceed max_message_size={self.limits.max_message_size}",
                event,
                FRAME_BODY,
                pending.method,
            )
        pending.chunks.append(event.payload)
        pending.received = received
        self._held += size
        return None


#: What the compiled ``feed091`` is handed: where the assembler and a pending content
#: keep their state, the dropping marker, how a message is built, the events.
_ASSEMBLER_PLAN: Final = AssemblerPlan091(
    assembler_slots=tuple(ContentAssembler.__dict__[name].__set__ for name in ("limits", "_states", "_held")),
    pending_class=_Pending,
    pending_slots=tuple(
        _Pending.__dict__[name].__set__
        for name in ("method", "properties", "body_size", "chunks", "received")
    ),
    dropping=_DROPPING,
    message_class=Message,
    message_slots=_MESSAGE_SLOTS,
    quiet=(HeartbeatFrame, ProtocolHeader),
    frames=FRAME_PLAN,
)
