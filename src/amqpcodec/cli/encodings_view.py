"""``--encodings`` shown: each AMQP 1.0 value beside the encoding it was written with.

Strategy: a decoded value and its :class:`~amqpcodec.cli.encodings.Traced` tree have the
same shape, so each view walks the two side by side.  In text, the trees of
:mod:`amqpcodec.cli.text_values` gain a mark after each value's first line, the
encoding's spec name and code (Part 1 §1.6): ``uint 0 [smalluint 0x52]``, ``map (2
entries) [map8 0xc1]``; a described value (§1.2) shows ``described 0x00`` and its
descriptor's encoding, and a composite (a performative, a section such as
``properties``), whose fields' list has no line of its own, that list's encoding too.
A composite shows every field its list holds, nulls included (what the bytes say),
not only those that are set.  In JSON, each typed value (``{"type": ...}``) gains an
``"encoding"`` member after ``"type"``: the encoding's name, ``described`` for a described
value, and for a composite the encoding of its fields' list (its descriptor object has
its own).  Where a value and its trace disagree in shape (which the decoder's own
reading of the same bytes rules out), the value is shown without marks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._composite import Composite
from .._spec import Code
from ..message import AMQPSequence, AMQPValue, Data, Message
from ..types import Array, Described
from .encodings import Traced
from .text_values import _binary_lines, _indent, _inline, _labelled, _utf8_preview, plural, tree

__all__ = ["traced_tree", "traced_message_lines", "traced_json", "traced_message_json", "message_sections"]


def _mark(traced: Traced) -> str:
    return f"[{traced.label}]"


def _described_mark(traced: Traced, body: bool) -> str:
    """``[described 0x00, descriptor smallulong 0x53]``, with the value's encoding when
    ``body`` (a composite's list, a section's value, which have no line of their own)."""
    parts = [traced.label]
    if traced.descriptor is not None:
        parts.append(f"descriptor {traced.descriptor.label}")
    if body and traced.items:
        parts.append(traced.items[0].label)
    return "[" + ", ".join(parts) + "]"


def _is(traced: Traced, type_name: str) -> bool:
    return traced.code != Code.DESCRIBED and traced.type_name == type_name


# --------------------------------------------------------------------------- text


def traced_tree(value: Any, traced: Traced, full: bool) -> list[str]:
    """:func:`~amqpcodec.cli.text_values.tree` with each value's encoding marked."""
    if isinstance(value, Composite) and traced.code == Code.DESCRIBED and traced.items:
        head = f"{value.SPEC.name} {_described_mark(traced, body=True)}"
        return [head, *_indent(_traced_fields(value, traced.items[0], full))]
    if isinstance(value, Described) and traced.code == Code.DESCRIBED and traced.items:
        head = f"described by {_inline(value.descriptor, full)} {_described_mark(traced, body=False)}"
        return [head, *_indent(traced_tree(value.value, traced.items[0], full))]
    if isinstance(value, Array) and _is(traced, "array") and len(traced.items) == len(value.items):
        described = "" if value.descriptor is None else f" described by {_inline(value.descriptor, full)}"
        head = f"array of {value.element_type}{described} ({plural(len(value), 'item')}) {_mark(traced)}"
        return [head, *_indent(_items(value.items, traced.items, full))]
    if isinstance(value, list) and _is(traced, "list") and len(traced.items) == len(value):
        return [
            f"list ({plural(len(value), 'item')}) {_mark(traced)}",
            *_indent(_items(value, traced.items, full)),
        ]
    if isinstance(value, Mapping) and _is(traced, "map") and len(traced.items) == 2 * len(value):
        head = f"map ({plural(len(value), 'entry')}) {_mark(traced)}"
        return [head, *_indent(_traced_entries(value, traced.items, full))]
    lines = tree(value, full)
    return [f"{lines[0]} {_mark(traced)}", *lines[1:]]


def _items(values: Any, traces: tuple[Traced, ...], full: bool) -> list[str]:
    lines: list[str] = []
    for item, traced in zip(values, traces):
        lines += traced_tree(item, traced, full)
    return lines


def _traced_entries(mapping: Mapping[Any, Any], traces: tuple[Traced, ...], full: bool) -> list[str]:
    lines: list[str] = []
    for index, (key, item) in enumerate(mapping.items()):
        key_lines = traced_tree(key, traces[2 * index], full)
        item_lines = traced_tree(item, traces[2 * index + 1], full)
        if len(key_lines) == 1:
            lines += _labelled(key_lines[0], item_lines)
        else:
            lines += ["key:", *_indent(key_lines), *_labelled("value", item_lines)]
    return lines


def _traced_fields(value: Composite, body: Traced, full: bool) -> list[str]:
    """Every field the composite's list holds (Part 1 §1.4: trailing nulls may be left
    out), by its spec name, nulls included."""
    lines: list[str] = []
    for field, name, traced in zip(value.FIELDS, value._NAMES, body.items):
        lines += _labelled(field.name, traced_tree(getattr(value, name), traced, full))
    return lines


def message_sections(message: Message) -> list[tuple[str, Any]]:
    """The sections of ``message`` in wire order (Part 3 §3.2), as ``(name, section)``."""
    found: list[tuple[str, Any]] = [
        (name, section)
        for name, section in (
            ("header", message.header),
            ("delivery-annotations", message.delivery_annotations),
            ("message-annotations", message.message_annotations),
            ("properties", message.properties),
            ("application-properties", message.application_properties),
        )
        if section is not None
    ]
    body = message.body
    for part in body if isinstance(body, tuple) else () if body is None else (body,):
        found.append(("body", part))
    if message.footer is not None:
        found.append(("footer", message.footer))
    return found


def traced_message_lines(message: Message, traces: tuple[Traced, ...], full: bool) -> list[str] | None:
    """Each section of ``message`` and its values, marked with their encodings (None when
    the sections and the traces do not pair up)."""
    sections = message_sections(message)
    if len(sections) != len(traces) or any(
        traced.code != Code.DESCRIBED or not traced.items for traced in traces
    ):
        return None
    lines: list[str] = []
    for (name, section), traced in zip(sections, traces):
        lines += _section_lines(name, section, traced, full)
    return lines


def _section_lines(name: str, section: Any, traced: Traced, full: bool) -> list[str]:
    mark = _described_mark(traced, body=True)
    value = traced.items[0]
    if isinstance(section, Composite):
        return [f"{name} {mark}", *_indent(_traced_fields(section, value, full))]
    if isinstance(section, Data):
        data = section.value
        lines = _binary_lines(data, full)
        preview = _utf8_preview(data, full)
        if preview is not None:
            lines.append(f"utf-8 {preview}")
        return [f"data ({plural(len(data), 'byte')}) {mark}", *_indent(lines)]
    if isinstance(section, AMQPSequence):
        items = section.value
        head = f"amqp-sequence ({plural(len(items), 'item')}) {mark}"
        if not _is(value, "list") or len(value.items) != len(items):
            return [head, *_indent([line for item in items for line in tree(item, full)])]
        return [head, *_indent(_items(items, value.items, full))]
    if isinstance(section, AMQPValue):
        return [f"amqp-value {mark}", *_indent(traced_tree(section.value, value, full))]
    entries = traced_tree(section, value, full)  # a map section: "map (n entries) [...]"
    return [f"{name} ({plural(len(section), 'entry')}) {mark}", *entries[1:]]


# --------------------------------------------------------------------------- JSON


def _with_encoding(form: dict[str, Any], encoding: str) -> dict[str, Any]:
    """``form`` with ``"encoding"`` right after ``"type"``."""
    result = {"type": form["type"], "encoding": encoding}
    result.update(form)
    return result


def traced_json(value: Any, form: dict[str, Any], traced: Traced) -> dict[str, Any]:
    """The JSON form ``form`` of ``value`` with an ``"encoding"`` member in each typed value
    (module docstring)."""
    if not isinstance(form, dict) or "type" not in form:
        return form
    if traced.code == Code.DESCRIBED and traced.items:
        return _described_json(value, form, traced)
    if isinstance(value, Array) and _is(traced, "array") and len(traced.items) == len(value.items):
        form = dict(
            form, value=[traced_json(i, f, t) for i, f, t in zip(value.items, form["value"], traced.items)]
        )
    elif isinstance(value, (list, tuple)) and _is(traced, "list") and len(traced.items) == len(value):
        form = dict(form, value=[traced_json(i, f, t) for i, f, t in zip(value, form["value"], traced.items)])
    elif isinstance(value, Mapping) and _is(traced, "map") and len(traced.items) == 2 * len(value):
        pairs = []
        for index, ((key, item), (key_form, item_form)) in enumerate(zip(value.items(), form["value"])):
            keys, items = traced.items[2 * index], traced.items[2 * index + 1]
            pairs.append([traced_json(key, key_form, keys), traced_json(item, item_form, items)])
        form = dict(form, value=pairs)
    elif not _scalar(value):
        return form  # a container the trace does not match
    return _with_encoding(form, traced.name)


def _scalar(value: Any) -> bool:
    """Whether ``value`` holds no other values (its trace has no items to pair)."""
    return not isinstance(value, (list, tuple, Mapping, Array, Described, Composite))


def _described_json(value: Any, form: dict[str, Any], traced: Traced) -> dict[str, Any]:
    """A described value's (``"described"``) or a composite's (its list's encoding) form."""
    result = dict(form)
    descriptor = traced.descriptor
    shown = form.get("descriptor")
    if descriptor is not None and isinstance(shown, dict) and descriptor.type_name == shown.get("type"):
        result["descriptor"] = traced_json(None, form["descriptor"], descriptor)
    inner = traced.items[0]
    if isinstance(value, Composite) and "fields" in form:
        fields = dict(form["fields"])
        for name, item in zip(value._NAMES, inner.items):
            if name in fields:
                fields[name] = traced_json(getattr(value, name), fields[name], item)
        result["fields"] = fields
        return _with_encoding(result, inner.name)
    if "value" in form:
        inner_value = value if isinstance(value, Mapping) else getattr(value, "value", None)
        result["value"] = traced_json(inner_value, form["value"], inner)
    return _with_encoding(result, traced.name)


def traced_message_json(message: Message, form: dict[str, Any], traces: tuple[Traced, ...]) -> dict[str, Any]:
    """``Message.to_dict()``'s form ``form`` with each section's encodings (unchanged when
    the sections and the traces do not pair up)."""
    sections = message_sections(message)
    if len(sections) != len(traces):
        return form
    pending = list(zip(sections, traces))
    pending.reverse()
    result: dict[str, Any] = {}
    for key, part in form.items():
        forms = part if isinstance(part, list) else [part]
        done = []
        for section_form in forms:
            (_, section), traced = pending.pop()
            done.append(traced_json(section, section_form, traced))
        result[key] = done if isinstance(part, list) else done[0]
    return result
