"""Peer errors: frames in which a peer says something went wrong, told apart from faults
in the bytes.

Strategy: a decode fault (an ``error`` event) means the bytes could not be read; a peer
error is a frame that reads perfectly and carries a peer's complaint.  The decoders ask
:func:`peer_error_10` and :func:`peer_error_091` about every frame they yield and attach
the answer, a :class:`PeerError`, to the frame's event; the renderers mark such frames,
the summary counts them apart (``M peer errors``), ``--errors-only`` shows them beside
the decode faults and ``--fail-on-peer-error`` lets them set the exit status.

What counts as a peer error:

- AMQP 1.0: a ``sasl-outcome`` whose code is not ``ok`` (Part 5 §5.3.3.6); a ``close``,
  ``end`` or ``detach`` carrying an ``error`` (Part 2 §2.7.7-§2.7.9, §2.8.14); a
  ``disposition`` or ``transfer`` whose delivery state is ``rejected`` (Part 3 §3.4.3)
  or ``modified`` with ``undeliverable-here`` set (§3.4.5: the peer will not take it).
- AMQP 0-9-1: a ``connection.close`` or ``channel.close`` with a reply code other than
  200 reply-success (0-9-1 §1.4.2.9, §1.5.2.6); ``basic.return`` (§1.8.3.10: the broker
  could not route or deliver a published message); ``basic.nack`` from the server's side
  only (RabbitMQ's confirms extension: the broker did not take a publish), since a
  consumer's nack is normal flow.  The direction is known per stream.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..amqp091 import BasicNack, BasicReturn, ChannelClose, ConnectionClose, ReplyCode
from ..amqp091.methods import Method
from ..definitions import ErrorCondition, Modified, Rejected, SaslCode
from ..performatives import Close, Detach, Disposition, End, SaslOutcome, Transfer
from .text_values import not_utf8

__all__ = ["PeerError", "peer_error_10", "peer_error_091", "reply_code_name", "S2C"]

#: The server's side of a connection (``inputs.S2C``): where a ``basic.nack`` is a peer error.
S2C = "s2c"
#: 0-9-1 §1.4.2.9: the reply code of a normal close.
_SUCCESS = ReplyCode.REPLY_SUCCESS


@dataclasses.dataclass(frozen=True, slots=True)
class PeerError:
    """What a peer complained of in one frame (module docstring).

    ``kind``: the performative, outcome or method that carries it (``close``,
    ``rejected``, ``sasl-outcome``, ``channel.close``, ``basic.nack`` ...);
    ``condition``: an AMQP 1.0 error condition (``amqp:not-found``), a SASL code's name
    (``auth``) or a modified outcome's ``undeliverable-here``, or the spec name of a 0-9-1
    reply code (``not-found``); ``description``: the peer's text (1.0 ``description``,
    0-9-1 ``reply-text``), if any; ``reply_code``: 0-9-1's reply code, if any.
    """

    kind: str
    condition: str | None
    description: str | None
    reply_code: int | None = None

    def text(self) -> str:
        """The short form of a frame line's mark: ``channel.close 404 not-found``."""
        code = None if self.reply_code is None else str(self.reply_code)
        return " ".join(part for part in (self.kind, code, self.condition) if part)

    def to_json(self) -> dict[str, Any]:
        """The ``peer_error`` member of a frame's JSON object: every key always present."""
        description = self.description
        if description is not None and not_utf8(description):
            description = description.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return {
            "kind": self.kind,
            "condition": self.condition,
            "description": description,
            "reply_code": self.reply_code,
        }


def _condition(error: Any) -> PeerError | None:
    """The error of a close, end, detach or rejected outcome (Part 2 §2.8.14), if any."""
    if not isinstance(error, ErrorCondition):
        return None
    description = None if error.description is None else str(error.description)
    return PeerError("", str.__str__(str(error.condition)), description)


def _outcome(state: Any) -> PeerError | None:
    """A delivery state that refuses the delivery (Part 3 §3.4.3, §3.4.5)."""
    if type(state) is Rejected:
        found = _condition(state.error)
        if found is None:
            return PeerError("rejected", None, None)
        return dataclasses.replace(found, kind="rejected")
    if type(state) is Modified and state.undeliverable_here:
        return PeerError("modified", "undeliverable-here", None)
    return None


def peer_error_10(performative: Any) -> PeerError | None:
    """The peer error an AMQP 1.0 frame body carries (module docstring), or None."""
    kind = type(performative)
    if kind is SaslOutcome:
        code = performative.code
        if not isinstance(code, int) or int(code) == int(SaslCode.OK):
            return None
        try:
            name = SaslCode(int(code)).name.lower().replace("_", "-")
        except ValueError:
            name = str(int(code))
        return PeerError("sasl-outcome", name, None)
    if kind in (Close, End, Detach):
        found = _condition(performative.error)
        return None if found is None else dataclasses.replace(found, kind=str(performative.SPEC.name))
    if kind in (Disposition, Transfer):
        return _outcome(performative.state)
    return None


def reply_code_name(code: int) -> str | None:
    """The spec name of a 0-9-1 reply code (``not-found``), None for a code the spec lacks."""
    try:
        return ReplyCode(code).name.lower().replace("_", "-")
    except ValueError:
        return None


def peer_error_091(method: Method, direction: str) -> PeerError | None:
    """The peer error an AMQP 0-9-1 method carries, sent in ``direction`` (module
    docstring), or None."""
    kind = type(method)
    if kind in (ConnectionClose, ChannelClose, BasicReturn):
        code = int(method.reply_code)  # type: ignore[attr-defined]
        if code == _SUCCESS and kind is not BasicReturn:
            return None
        text = str(method.reply_text)  # type: ignore[attr-defined]
        return PeerError(method.NAME, reply_code_name(code), text or None, code)
    if kind is BasicNack and direction == S2C:
        return PeerError(method.NAME, None, None)
    return None
