"""The JSON form of field-table values (AMQP 0-9-1 §4.2.5.5), for ``to_dict()`` and the CLI.

Every value becomes ``{"type": <letter>, "value": ...}`` built from JSON types only, so
``json.dumps`` needs no ``default=``.  The letter is the one the value is written with
(the same choice the encoder makes, read from the letter table), so a plain ``int``
shows as ``l``, a ``float`` as ``d``, a ``tuple`` as ``A``, an aware ``datetime`` as ``T``:

- ``t``: a JSON boolean (an odd octet kept by ``FieldValue('t', n)``: that number);
  ``b B U s u I i``: a JSON number; ``l L``: a decimal string (JSON numbers lose
  precision past 2**53); ``T``: the seconds as a decimal string, plus ``"iso"``
  (RFC 3339, UTC) when within ``datetime``'s range;
- ``f d``: a JSON number, or ``"NaN"``, ``"Infinity"``, ``"-Infinity"``; ``D``: the
  decimal's string (``"1.00"``);
- ``S``: the string; ``x``: lowercase hex; an ``S`` whose bytes are not UTF-8
  (``FieldValue('S', bytes)``): as the AMQP 1.0 JSON form shows such strings,
  ``"value"`` with U+FFFD for each bad sequence, ``"utf8": false`` and ``"hex"``, the
  exact bytes;
- ``V``: ``null``; ``A``: a list of typed values; ``F``: ``[[key, typed], ...]`` in order.

A value with no field type raises :class:`~amqpcodec.errors.UnsupportedTypeError` whose
``.path`` names it.  One Python frame per nesting level.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..errors import EncodeError
from ._letters import LETTER_SPECS, Kind
from ._tables import _letter_of
from .values import Timestamp

__all__ = ["not_utf8_json", "table_to_json", "value_to_json"]

JSON = dict[str, Any]


def table_to_json(table: Mapping[str, Any]) -> list[list[Any]]:
    """The JSON form of a field table: ``[[key, typed value], ...]`` in order."""
    entries: list[list[Any]] = _typed(table, "F")["value"]
    return entries


def value_to_json(value: Any) -> JSON:
    """The JSON form of one field value (module docstring)."""
    letter, inner = _letter_of(value)
    return _typed(inner, letter)


def _number(value: float) -> float | str:
    if math.isfinite(value):
        return float(value)
    if value != value:
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _timestamp(value: int) -> JSON:
    result: JSON = {"type": "T", "value": str(int(value))}
    try:
        moment = Timestamp.to_datetime(Timestamp(value))
    except OverflowError:
        return result
    result["iso"] = moment.isoformat().replace("+00:00", "Z")
    return result


def _scalar(value: Any, letter: str) -> JSON:
    kind = LETTER_SPECS[letter].kind
    if kind is Kind.BOOLEAN:
        return {"type": letter, "value": value if type(value) is bool else int(value)}
    if kind is Kind.INTEGER:
        number = int(value)
        return {"type": letter, "value": str(number) if LETTER_SPECS[letter].width == 8 else number}
    if kind is Kind.FLOAT32 or kind is Kind.FLOAT64:
        return {"type": letter, "value": _number(value)}
    if kind is Kind.DECIMAL:
        return {"type": letter, "value": str(value)}
    if kind is Kind.TIMESTAMP:
        return _timestamp(value)
    if kind is Kind.VOID:
        return {"type": letter, "value": None}
    if isinstance(value, str):
        return {"type": letter, "value": value}
    if kind is Kind.BYTES:
        return {"type": letter, "value": bytes(value).hex()}
    return {"type": letter, **not_utf8_json(bytes(value))}


def not_utf8_json(raw: bytes) -> JSON:
    """Bytes that should be UTF-8 text and are not, as the AMQP 1.0 JSON form shows them:
    ``"value"`` decoded with U+FFFD for each bad sequence (any JSON reader can show it),
    ``"utf8": false``, and ``"hex"``, the exact bytes, so the form stays lossless."""
    return {"value": raw.decode("utf-8", "replace"), "utf8": False, "hex": raw.hex()}


def _typed(value: Any, letter: str) -> JSON:
    """``value`` (to be written with ``letter``) as JSON; tables and arrays walked here."""
    if letter == "F":
        entries: list[list[Any]] = []
        for key, item in value.items():
            try:
                item_letter, inner = _letter_of(item)
                entries.append([key, _typed(inner, item_letter)])
            except EncodeError as error:
                raise error._at(f"[{key!r}]") from None
        return {"type": "F", "value": entries}
    if letter == "A":
        items: list[Any] = []
        for index, item in enumerate(value):
            try:
                item_letter, inner = _letter_of(item)
                items.append(_typed(inner, item_letter))
            except EncodeError as error:
                raise error._at(f"[{index}]") from None
        return {"type": "A", "value": items}
    return _scalar(value, letter)
