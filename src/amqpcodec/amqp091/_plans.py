"""The plans the compiled AMQP 0-9-1 hot paths are handed (``_seam``'s MethodPlan091,
HeaderPlan091, FramePlan091), built from the layer's own tables: each method class's
``FIELDS`` (the spec table's argument types, AMQP 0-9-1 §4.2.4-4.2.5) and
``_spec.BASIC_PROPERTIES`` (the properties' types and flag bits, §4.2.6.1).

Nothing here is a new fact: a spec type becomes one of ``_seam``'s ``KIND091_*`` numbers
and an integer's width comes from ``_specmodel.INTEGER_FORMATS``.  ``payloads`` builds
the method and header plans once, ``reader`` the frame plan.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .._seam import (
    KIND091_BIT,
    KIND091_INTEGER,
    KIND091_LONGSTR,
    KIND091_PROPERTY_SHORTSTR,
    KIND091_SHORTSTR,
    KIND091_TABLE,
    KIND091_TIMESTAMP,
    FramePlan091,
    HeaderPlan091,
    MethodPlan091,
    MethodPlans091,
)
from ._method import Method
from ._specmodel import INTEGER_FORMATS, PropertySpec

__all__ = ["method_plans", "header_plan", "frame_plan", "slot_setters"]

#: A method argument's spec type -> its kind (a timestamp argument reads as a plain int,
#: as the pure codec's integer runs read it).
_ARGUMENT_KINDS: Mapping[str, int] = {
    **{name: KIND091_INTEGER for name in INTEGER_FORMATS},
    "bit": KIND091_BIT,
    "shortstr": KIND091_SHORTSTR,
    "longstr": KIND091_LONGSTR,
    "table": KIND091_TABLE,
}
#: A property's spec type -> its kind.
_PROPERTY_KINDS: Mapping[str, int] = {
    **_ARGUMENT_KINDS,
    "timestamp": KIND091_TIMESTAMP,
    "shortstr": KIND091_PROPERTY_SHORTSTR,
}


def _width(kind: str) -> int:
    letter = INTEGER_FORMATS.get(kind)
    return struct.calcsize(">" + letter) if letter is not None else 0


def _method_plan(cls: type[Method]) -> MethodPlan091:
    return MethodPlan091(
        cls=cls,
        class_id=cls.CLASS_ID,
        method_id=cls.METHOD_ID,
        has_content=cls.HAS_CONTENT,
        kinds=tuple(_ARGUMENT_KINDS[field.type] for field in cls.FIELDS),
        widths=tuple(_width(field.type) for field in cls.FIELDS),
        slots=tuple(cls.__dict__[field.name].__set__ for field in cls.FIELDS),
    )


def method_plans(classes: Iterable[type[Method]]) -> MethodPlans091:
    """The plans of ``classes`` by ``class_id << 16 | method_id``."""
    return MethodPlans091({(cls.CLASS_ID << 16) | cls.METHOD_ID: _method_plan(cls) for cls in classes})


def header_plan(
    header_class: type,
    properties_class: type,
    properties: tuple[PropertySpec, ...],
    reserved: int,
    timestamp_class: type,
) -> HeaderPlan091:
    """The content-header plan of ``properties`` (in flag order; bit 15 first)."""
    return HeaderPlan091(
        header_class=header_class,
        properties_class=properties_class,
        # Built as the compiled decoder builds one (the class's constructor checks its
        # values with this very plan).
        empty=tuple.__new__(properties_class, (None,) * len(properties)),
        masks=tuple(1 << prop.flag_bit for prop in properties),
        kinds=tuple(_PROPERTY_KINDS[prop.type] for prop in properties),
        widths=tuple(0 if prop.type == "timestamp" else _width(prop.type) for prop in properties),
        reserved=reserved,
        timestamp_class=timestamp_class,
    )


def slot_setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The setters of a slotted dataclass's fields, in field order."""
    return tuple(cls.__dict__[field.name].__set__ for field in dataclasses.fields(cls))


def frame_plan(
    types: tuple[int, int, int, int],
    frame_end: int,
    events: tuple[type, type, type, type],
    methods: MethodPlans091,
    header: HeaderPlan091,
) -> FramePlan091:
    """The frame plan: ``types`` and ``events`` in the order method, header, body, heartbeat."""
    method_frame, header_frame, body_frame, heartbeat_frame = events
    return FramePlan091(
        *types,
        frame_end=frame_end,
        method_frame=method_frame,
        method_frame_slots=slot_setters(method_frame),
        header_frame=header_frame,
        header_frame_slots=slot_setters(header_frame),
        body_frame=body_frame,
        body_frame_slots=slot_setters(body_frame),
        heartbeat_frame=heartbeat_frame,
        heartbeat_frame_slots=slot_setters(heartbeat_frame),
        methods=methods,
        header=header,
    )
