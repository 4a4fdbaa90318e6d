"""Encoding a message's sections (OASIS AMQP 1.0 Part 3 §3.2).

Strategy: each section is written canonically through the value backend
(``_backend.current().encode``, read at call time), except a data section, whose
header is built here and whose body is appended as it is, so ``Message.encode`` joins
a body once and copies it once, never more.  The size so far is checked against
``max_message_size`` after every section; the value backend bounds each section's own
encoding by it too (``Limits``).  An error names the section: the value layer's path
inside the described value (``.value[2]...``) becomes the section's attribute and, for
a composite, its field (``properties.to``).

Decisions where the contract is silent:

- ``encode`` raises ``EncodeError`` for a message that would be longer than
  ``limits.max_message_size``, as soon as the sections encoded so far pass it (each
  section's encoding is itself bounded by it, ``Limits``), with the path of the section
  that passed it.
"""

from __future__ import annotations

import struct
from typing import Any

from .._backend import current
from .._composite import Composite
from .._seam import PLAIN_ENCODING, EncodeOptions
from .._spec import Code
from ..errors import EncodeError
from ..limits import Limits
from .sections import _DESCRIPTOR_OF_KIND, DATA, Data, _BodySection

__all__: list[str] = []  # the message layer's own: ``model`` uses them

_u32 = struct.Struct(">I")


def _encode_section(
    parts: list[Any],
    section: Any,
    limits: Limits,
    path: str,
    total: int,
    options: EncodeOptions = PLAIN_ENCODING,
) -> int:
    """Append the canonical bytes of one section to ``parts``, which hold ``total`` bytes;
    return their new total.  Encode errors get a section path, and so does passing
    ``max_message_size`` (each section's own encoding stops there, ``Limits``).
    ``options`` are handed to the value backend when they are not the defaults."""
    if type(section) is Data:
        value = section.value
        size = len(value)
        if size <= 0xFF:
            parts.append(_DATA8 + bytes((size,)))
        elif size <= 0xFFFFFFFF:
            parts.append(_DATA32 + _u32.pack(size))
        else:
            raise EncodeError(f"{size} bytes do not fit a data section", path=path)
        parts.append(value)
        total += len(parts[-2]) + size
    else:
        try:
            if options is PLAIN_ENCODING:
                data = current().encode(section, limits)
            else:
                data = current().encode(section, limits, *options)
        except EncodeError as error:
            raise _section_error(error, section, path) from None
        parts.append(data)
        total += len(data)
    if total > limits.max_message_size:
        _too_long(total, limits, path, "at least ")
    return total


def _section_error(error: EncodeError, section: Any, path: str) -> EncodeError:
    """Rewrite ``.value[2]...`` (the described list or map) as ``properties.to...`` etc."""
    rest = error.path
    if rest.startswith(".value"):
        rest = rest[len(".value") :]
        if isinstance(section, Composite) and rest.startswith("["):
            index, _, after = rest[1:].partition("]")
            if index.isdigit() and int(index) < len(section._NAMES):
                rest = f".{section._NAMES[int(index)]}{after}"
        elif isinstance(section, _BodySection):
            rest = ".value" + rest
    error.path = path + rest
    return error


_DATA8 = bytes((Code.DESCRIBED, Code.SMALLULONG, _DESCRIPTOR_OF_KIND[DATA], Code.VBIN8))
_DATA32 = bytes((Code.DESCRIBED, Code.SMALLULONG, _DESCRIPTOR_OF_KIND[DATA], Code.VBIN32))


def _too_long(size: int, limits: Limits, path: str = "", at_least: str = "") -> None:
    raise EncodeError(
        f"the message takes {at_least}{size} bytes, over max_message_size={limits.max_message_size}",
        path=path,
    )
