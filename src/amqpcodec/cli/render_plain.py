"""``--plain-json``: the JSON events with their values in plain JSON, for jq.

Strategy: the lossless JSON form (:mod:`amqpcodec._jsonform`, AMQP 1.0 Part 1 §1.6
types; :mod:`amqpcodec.amqp091._tables_json`, 0-9-1 §4.2.5.5 field values with
RabbitMQ's errata) writes every value as ``{"type": ..., "value": ...}``, so that
nothing is lost; :func:`plain` walks an event in that form and writes each value as
plain JSON instead: a map or field table whose keys are all distinct strings as an
object (``{"tenant": "acme"}``; any other map as a list of ``[key, value]`` pairs), an
integer as a number when a double holds it exactly (|n| <= 2**53; else its decimal
string), a timestamp as its ISO 8601 text, a binary as its hex, a composite (a
performative, a section) as its fields, a string that is not UTF-8 as its text with
U+FFFD.  What the type was, and the exact bytes of such a string, are lost: the
lossless form stays the default.  The type names that mean an integer come from the
codec's own integer types and the spec's field-table letters, never listed here.
"""

from __future__ import annotations

from typing import Any

from .. import types as _types
from .._spec import ENCODING_BY_CODE, Code
from ..amqp091._letters import LETTERS, Kind

__all__ = ["plain", "EXACT_INTEGER"]

#: The largest integer a JSON reader that uses doubles (jq, JavaScript) holds exactly.
EXACT_INTEGER = 2**53

#: The JSON form's type names of integers: AMQP 1.0's (the codec's int types) and
#: 0-9-1's field-table letters of integer kind.
_INTEGERS = frozenset(
    str(getattr(cls, "TYPE_NAME", ""))
    for cls in vars(_types).values()
    if isinstance(cls, type)
    and issubclass(cls, int)
    and not issubclass(cls, bool)
    and hasattr(cls, "TYPE_NAME")
) | frozenset(spec.letter for spec in LETTERS if spec.kind is Kind.INTEGER)

#: The JSON form's type names of maps: 1.0's map (§1.6.23), 0-9-1's field table.
_MAPS = frozenset(
    (ENCODING_BY_CODE[Code.MAP8].type_name, *(spec.letter for spec in LETTERS if spec.kind is Kind.TABLE))
)
#: A described value that is not a composite: its descriptor is kept.
_DESCRIBED = "described"
#: Keys of a composite's JSON form that the plain form drops (its fields are kept).
_COMPOSITE_KEYS = frozenset(("type", "descriptor", "fields"))


def plain(value: Any) -> Any:
    """``value`` (an event, or any part of one, in the lossless JSON form) in plain JSON."""
    if isinstance(value, dict):
        kind = value.get("type")
        if isinstance(kind, str) and ("value" in value or "fields" in value):
            return _typed(value, kind)
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        if value and all(_is_entry(item) for item in value):
            return _object(value)  # a field table as 0-9-1's properties and arguments hold it
        return [plain(item) for item in value]
    return value


def _is_entry(item: Any) -> bool:
    """Whether ``item`` is a field table's entry in the JSON form: ``[name, typed value]``."""
    return (
        isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], dict)
    )


def _typed(node: dict[str, Any], kind: str) -> Any:
    if "fields" in node:
        fields = {key: plain(item) for key, item in node["fields"].items()}
        extra = {key: plain(item) for key, item in node.items() if key not in _COMPOSITE_KEYS}
        # a 0-9-1 method keeps its name and ids beside its fields; a 1.0 composite is its fields
        return {"type": kind, **extra, "fields": fields} if extra else fields
    if "iso" in node:
        return node["iso"]
    inner = node["value"]
    if kind in _MAPS and isinstance(inner, list):
        return _object(inner)
    if kind == _DESCRIBED and "descriptor" in node:
        return {"descriptor": plain(node["descriptor"]), "value": plain(inner)}
    if kind in _INTEGERS and isinstance(inner, str):
        return _integer(inner)
    return plain(inner)


def _integer(text: str) -> int | str:
    try:
        number = int(text)
    except ValueError:
        return text
    return number if -EXACT_INTEGER <= number <= EXACT_INTEGER else text


def _object(pairs: list[Any]) -> dict[str, Any] | list[Any]:
    """A map's ``[key, value]`` pairs as an object when every key is a distinct string,
    else as a list of plain pairs."""
    plain_pairs = [(plain(key), plain(item)) for key, item in pairs]
    keys = [key for key, _ in plain_pairs]
    if all(isinstance(key, str) for key in keys) and len(set(keys)) == len(keys):
        return dict(plain_pairs)
    return [list(pair) for pair in plain_pairs]
