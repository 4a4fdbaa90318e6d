"""The :class:`Message` (OASIS AMQP 1.0 Part 3 §3.2): its seven section slots, lazy
sections, and the entry points ``Message.decode`` and ``Message.encode``.

Strategy: a :class:`Message` keeps its sections in real slots, so reading one costs
what an attribute does; a value set on one is normalised by the section's converter
(``sections._CONVERTERS``).  In a lazy message, exactly the sections still to decode
(those with a span) have their slot unset: the first read lands in ``__getattr__``,
which decodes it (``decode._decode_span``).  A section that was not reassigned
re-encodes from its original bytes, so an unchanged lazy message encodes to the very
bytes object it holds.

The message layer's walks (:mod:`.decode`, :mod:`.encode`) are the reference
implementation, and the only one the pure backend runs.  With the compiled backend,
the usual message (``00 53 xx`` descriptors, sections in order, small data bodies)
takes its hot path: the compiled ``decode_message``, ``scan_message`` (lazy) and
``encode_message`` do the whole walk, given :data:`_PLAN` (a ``_seam.MessagePlan``:
the section classes, slot setters and tables, built at the end of this module).  They
return ``None`` for anything else, and on any error the layer's walk runs again to
report it with the section named; so every rule and message lives in the layer once.
The backend is read at call time (``_backend.current()``).

Decisions where the contract is silent:

- ``Message.decode(b"")`` is an empty message (every section ``None``); a payload of
  only a header or properties decodes with ``body=None`` (§3.2 asks for a body, real
  peers send none).  ``Message().encode()`` is ``b""``.
- A lazy message's raw bytes are used only for sections not reassigned since the
  decode, so ``Message.decode(p, lazy=True).encode() == p`` for every valid ``p``,
  while an eager decode re-encodes canonically.  ``==`` compares sections with
  ``==`` (forcing lazy sections); use ``same_value`` for losslessness.
- A lazy section that fails to decode raises on every access (nothing is cached);
  the first access of a lazy section is not thread-safe.
- ``to_dict()`` of a message: ``{"header": ..., ..., "body": ..., "footer": ...}``
  with absent sections omitted; header and properties in the composite JSON form; the
  other sections as ``{"type": <spec name>, "descriptor": ..., "value": ...}``; the
  body a list of sections (data, amqp-sequence) or one section (amqp-value).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from .. import _jsonform
from .._backend import current
from .._buffers import flat_view
from .._composite import REGISTRY, Composite
from .._seam import PLAIN_ENCODING, MessagePlan, check_unicode_errors, encode_options
from .._spec import Category
from ..errors import DecodeError, EncodeError
from ..limits import DEFAULT_LIMITS, Limits
from .decode import _SKIP, _check_size, _decode_sections, _decode_span, _scan_sections, _Span
from .encode import _encode_section, _too_long
from .sections import (
    _ATTRS,
    _BODY,
    _CONVERTERS,
    _DESCRIPTOR_OF_KIND,
    _KIND_BY_CODE,
    _KIND_NAMES,
    _SECTION_CLASSES,
    _SLOT_OF_KIND,
    _VALUE_CODES,
    AMQP_SEQUENCE,
    DATA,
    ApplicationProperties,
    Body,
    DeliveryAnnotations,
    Footer,
    Header,
    MessageAnnotations,
    Properties,
    _MapSection,
    _set_map,
)

__all__ = ["Message"]

# --------------------------------------------------------------------------- the message

_T = TypeVar("_T")


class _Pending:
    """Marks a lazy section not decoded yet (in pickles); pickles as the module singleton."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<pending>"

    def __reduce__(self) -> str:
        return "_PENDING"


_PENDING: Any = _Pending()


class _Slot(Generic[_T]):
    """How type checkers see a :class:`Message` attribute: read as ``_T``, set from any
    value (normalised by ``Message.__setattr__``).  At run time each is a real slot."""

    __slots__ = ()

    @overload
    def __get__(self, obj: None, owner: Any) -> _Slot[_T]: ...
    @overload
    def __get__(self, obj: Message, owner: Any) -> _T: ...
    def __get__(self, obj: Message | None, owner: Any) -> Any:
        raise NotImplementedError  # pragma: no cover (never instantiated)

    def __set__(self, obj: Message, value: Any) -> None:
        raise NotImplementedError  # pragma: no cover


#: Message slots: the seven sections (in ``_ATTRS`` order), then the lazy state.
#: ``_unicode_errors`` is set only on a lazy message decoded with a ``unicode_errors``
#: other than ``"strict"`` (read with ``getattr``, default ``"strict"``), so the compiled
#: paths, which fill the slots before it, never touch it.
_MESSAGE_SLOTS = (*_ATTRS, "_limits", "_raw", "_spans", "_unicode_errors")
_INDEX = {attr: index for index, attr in enumerate(_ATTRS)}


class Message:
    """An AMQP message (§3.2): up to seven sections, each optional.

    Attributes may be reassigned (values are normalised as in the constructor);
    sections themselves are immutable.  ``body`` is ``None``, an :class:`AMQPValue`, or
    a tuple of :class:`Data` or of :class:`AMQPSequence` sections; the constructor also
    takes ``bytes`` (one data section), a single section, a list of sections, or any
    other value (an amqp-value).
    """

    __slots__ = _MESSAGE_SLOTS
    _raw: bytes | None
    _spans: list[_Span | None] | None
    _limits: Limits

    if TYPE_CHECKING:
        header: _Slot[Header | None] = _Slot()
        delivery_annotations: _Slot[DeliveryAnnotations | None] = _Slot()
        message_annotations: _Slot[MessageAnnotations | None] = _Slot()
        properties: _Slot[Properties | None] = _Slot()
        application_properties: _Slot[ApplicationProperties | None] = _Slot()
        body: _Slot[Body] = _Slot()
        footer: _Slot[Footer | None] = _Slot()

    def __init__(
        self,
        header: Header | None = None,
        delivery_annotations: Mapping[Any, Any] | None = None,
        message_annotations: Mapping[Any, Any] | None = None,
        properties: Properties | None = None,
        application_properties: Mapping[Any, Any] | None = None,
        body: Any = None,
        footer: Mapping[Any, Any] | None = None,
    ) -> None:
        given = (
            header,
            delivery_annotations,
            message_annotations,
            properties,
            application_properties,
            body,
            footer,
        )
        for set_slot, convert, value in zip(_SECTION_SETTERS, _CONVERTERS, given):
            set_slot(self, convert(value))
        _set_limits(self, DEFAULT_LIMITS)
        _set_raw(self, None)
        _set_spans(self, None)

    def __setattr__(self, name: str, value: Any) -> None:
        index = _INDEX.get(name)
        if index is None:
            object.__setattr__(self, name, value)
            return
        _SECTION_SETTERS[index](self, _CONVERTERS[index](value))
        spans = self._spans
        if spans is not None:
            spans[index] = None
            if not any(spans):  # nothing left to decode or keep: let the bytes go
                _set_raw(self, None)
                _set_spans(self, None)

    def __delattr__(self, name: str) -> None:
        if name in _INDEX:
            raise AttributeError(f"cannot delete {name!r}; set it to None")
        object.__delattr__(self, name)

    if not TYPE_CHECKING:  # (type checkers would take every attribute for a section)

        def __getattr__(self, name: str) -> Any:
            """Called only for an unset slot: a lazy message's section read for the first time."""
            index = _INDEX.get(name)
            if index is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            return self._load(index)

    # --- decoding -------------------------------------------------------------------

    @classmethod
    def decode(
        cls, data: Any, *, lazy: bool = False, limits: Limits = DEFAULT_LIMITS, unicode_errors: str = "strict"
    ) -> Message:
        """Decode one message from ``data`` (any contiguous bytes-like object), §3.2.

        Raises :class:`~amqpcodec.errors.IncompleteError` when the input ends inside a
        section, :class:`~amqpcodec.errors.DecodeError` (naming the section, with the
        offset) for sections out of order, repeated, of mixed body kinds, not sections
        at all or after the footer, and :class:`~amqpcodec.errors.LimitExceededError`
        for a payload over ``limits.max_message_size``.  With ``lazy=True`` only the
        section structure is checked now; each section is decoded on first access.

        ``unicode_errors="surrogateescape"`` decodes a string that is not UTF-8 (as some
        peers send, Part 1 §1.6.20 notwithstanding) to a str holding U+DC80..U+DCFF for
        its bad bytes instead of raising; ``encode`` with the same option writes them
        back unchanged.  A lazy message keeps the option for its sections' first reads.
        Any other value than ``"strict"`` or ``"surrogateescape"`` is a ``ValueError``.
        """
        if unicode_errors != "strict":
            return _decode_tolerant(cls, data, lazy, limits, check_unicode_errors(unicode_errors))
        if lazy:
            if type(data) is bytes:
                raw = data
            else:
                view = memoryview(data)
                _check_size(view.nbytes, limits)  # before copying
                raw = bytes(view)
            _check_size(len(raw), limits)
            compiled = current().compiled
            if compiled is not None:
                lazy_message: Message | None = compiled.scan_message(cls, raw, limits, _PLAN)
                if lazy_message is not None:
                    return lazy_message
            return _scan(cls, raw, limits)
        buf = data if type(data) is bytes else flat_view(data)
        if len(buf) > limits.max_message_size:
            _check_size(len(buf), limits)
        compiled = current().compiled
        if compiled is not None:
            try:
                message: Message | None = compiled.decode_message(cls, buf, limits, _PLAN)
            except DecodeError:
                message = None  # the walk below reports it in full
            if message is not None:
                return message
        return _decode_eager(cls, buf, limits)

    def _load(self, index: int) -> Any:
        """Decode lazy slot ``index`` from the raw bytes, or ``None`` for a section the
        message does not have (not thread-safe: first access)."""
        spans = self._spans
        span = None if spans is None else spans[index]
        value = None if span is None else _decode_lazy(self, span, index)
        _SECTION_SETTERS[index](self, value)
        return value

    # --- encoding -------------------------------------------------------------------

    def encode(
        self, *, limits: Limits = DEFAULT_LIMITS, wide_arrays: bool = False, unicode_errors: str = "strict"
    ) -> bytes:
        """The message's bytes: each section in §3.2 order, canonically encoded, except
        lazy sections not reassigned since decoding, which keep their original bytes.

        ``wide_arrays=True`` writes the elements of uint, ulong, int and long arrays with
        their 4- or 8-byte constructors, never the one-byte 0x52-0x55 (for peers such as
        RabbitMQ 3.10 that cannot read those in an array); ``unicode_errors=
        "surrogateescape"`` writes strings decoded with that option back to their bytes.
        Raises :class:`~amqpcodec.errors.EncodeError` with a path such as
        ``application_properties['k']`` or ``properties.to``.
        """
        spans = self._spans
        compiled = current().compiled
        options = PLAIN_ENCODING
        if wide_arrays or unicode_errors != "strict":
            options = encode_options(wide_arrays, unicode_errors)
        if spans is None and compiled is not None and options is PLAIN_ENCODING:
            try:
                data: bytes | None = compiled.encode_message(self, limits, _PLAN)
            except EncodeError:
                data = None  # the walk below reports it with the section's path
            if data is not None:
                if len(data) > limits.max_message_size:
                    _too_long(len(data), limits)
                return data
        parts: list[Any] = []
        raw = self._raw
        kept = size = 0
        for index in range(7):
            span = spans[index] if spans is not None else None
            if span is not None:
                parts.append(memoryview(raw)[span[0] : span[1]])  # type: ignore[arg-type]
                kept += span[1] - span[0]
                size += span[1] - span[0]
                continue
            value = getattr(self, _ATTRS[index])
            if value is None:
                continue
            if index == _BODY:
                if type(value) is tuple:
                    for position, section in enumerate(value):
                        size = _encode_section(parts, section, limits, f"body[{position}]", size, options)
                else:
                    size = _encode_section(parts, value, limits, "body", size, options)
            else:
                size = _encode_section(parts, value, limits, _ATTRS[index], size, options)
        if size > limits.max_message_size:
            _too_long(size, limits)
        if raw is not None and kept == size == len(raw):
            return raw  # a lazy message with every section as decoded: its own bytes, uncopied
        return parts[0] if len(parts) == 1 and type(parts[0]) is bytes else b"".join(parts)

    # --- conveniences ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (docs: messages, "The JSON form"): sections by attribute name, absent ones omitted."""
        result: dict[str, Any] = {}
        for index, attr in enumerate(_ATTRS):
            value = getattr(self, attr)
            if value is None:
                continue
            if isinstance(value, Composite):
                try:
                    result[attr] = _jsonform.composite_to_json(value)
                except EncodeError as error:
                    raise error._at(attr) from None
            elif type(value) is tuple:
                sections = []
                for position, section in enumerate(value):
                    try:
                        sections.append(section.to_dict())
                    except EncodeError as error:
                        raise error._at(f"body[{position}]") from None
                result[attr] = sections
            elif index == _BODY:
                try:
                    result[attr] = value.to_dict()
                except EncodeError as error:
                    raise error._at("body") from None
            else:
                result[attr] = value.to_dict()
        return result

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return all(getattr(self, attr) == getattr(other, attr) for attr in _ATTRS)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        for attr in _ATTRS:
            try:
                value = getattr(self, attr)
            except DecodeError as error:
                parts.append(f"{attr}=<undecodable: {error}>")
                continue
            if value is not None:
                parts.append(f"{attr}={value!r}")
        return f"Message({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        spans = None if self._spans is None else list(self._spans)
        limits = None if self._limits is DEFAULT_LIMITS else self._limits
        unicode_errors = getattr(self, "_unicode_errors", "strict")
        if unicode_errors != "strict":
            return (_restore, (type(self), self._sections(), self._raw, spans, limits, unicode_errors))
        return (_restore, (type(self), self._sections(), self._raw, spans, limits))

    def _sections(self) -> list[Any]:
        """The seven sections as they are held, ``_PENDING`` for lazy ones not decoded."""
        sections = []
        spans = self._spans
        for index, get_slot in enumerate(_SECTION_GETTERS):
            try:
                sections.append(get_slot(self, None))
            except AttributeError:
                sections.append(_PENDING if spans is not None and spans[index] is not None else None)
        return sections


_SLOT_DESCRIPTORS = [Message.__dict__[name] for name in _MESSAGE_SLOTS]
_SECTION_SETTERS: tuple[Callable[[Message, Any], None], ...] = tuple(d.__set__ for d in _SLOT_DESCRIPTORS[:7])
_SECTION_GETTERS: tuple[Callable[[Message, Any], Any], ...] = tuple(d.__get__ for d in _SLOT_DESCRIPTORS[:7])
_set_limits, _set_raw, _set_spans = (d.__set__ for d in _SLOT_DESCRIPTORS[7:10])
_set_unicode_errors = _SLOT_DESCRIPTORS[10].__set__


def _new_message(cls: type[Message], values: Any, raw: bytes | None, spans: Any, limits: Limits) -> Message:
    """A message holding ``values`` as they are (decoded, or restored); ``_PENDING``
    slots stay unset until read (``__getattr__`` decodes them from the spans)."""
    message = object.__new__(cls)
    for set_slot, value in zip(_SECTION_SETTERS, values):
        if value is not _PENDING:
            set_slot(message, value)
    _set_limits(message, limits)
    _set_raw(message, raw)
    _set_spans(message, spans)
    return message


def _restore(
    cls: type[Message],
    values: list[Any],
    raw: bytes | None,
    spans: list[_Span | None] | None,
    limits: Limits | None,
    unicode_errors: str = "strict",
) -> Message:
    message = _new_message(
        cls, values, raw, None if spans is None else list(spans), DEFAULT_LIMITS if limits is None else limits
    )
    if unicode_errors != "strict":
        _set_unicode_errors(message, unicode_errors)
    return message


def _decode_lazy(message: Message, span: _Span, index: int) -> Any:
    """A lazy section's first read: strictly, and only when that fails, again with the
    message's ``unicode_errors`` if it has one (its slot is set only then; reading an
    unset slot costs an ``AttributeError``, so it is not read on the usual path)."""
    raw, limits = message._raw, message._limits
    try:
        return _decode_span(raw, span, limits, index)
    except DecodeError:
        unicode_errors = getattr(message, "_unicode_errors", "strict")
        if unicode_errors == "strict":
            raise
    return _decode_span(raw, span, limits, index, unicode_errors)


def _decode_tolerant(
    cls: type[Message], data: Any, lazy: bool, limits: Limits, unicode_errors: str
) -> Message:
    """``Message.decode`` with a ``unicode_errors`` other than ``"strict"``: always the
    message layer's own walks (the compiled paths decode strings strictly), with the
    value backend's ``decode_prefix`` given the option."""
    if lazy:
        view = memoryview(data)
        _check_size(view.nbytes, limits)
        raw = data if type(data) is bytes else bytes(view)
        message = _scan(cls, raw, limits)
        _set_unicode_errors(message, unicode_errors)
        return message
    buf = data if type(data) is bytes else flat_view(data)
    _check_size(len(buf), limits)
    return _new_message(cls, _decode_sections(buf, limits, unicode_errors), None, None, limits)


def _decode_eager(cls: type[Message], buf: Any, limits: Limits) -> Message:
    """``Message.decode``'s own eager path (the compiled ``decode_message``'s reference)."""
    return _new_message(cls, _decode_sections(buf, limits), None, None, limits)


def _scan(cls: type[Message], raw: bytes, limits: Limits) -> Message:
    """A lazy message: section order, descriptors and sizes checked, nothing decoded
    (``Message.decode``'s own lazy path, the compiled ``scan_message``'s reference)."""
    spans = _scan_sections(raw, limits)
    return _new_message(cls, [None if span is None else _PENDING for span in spans], raw, spans, limits)


# --------------------------------------------------------------------------- the hot path's plan


def _hot_plan() -> MessagePlan:
    """What the compiled ``decode_message``/``scan_message``/``encode_message`` need of
    the message layer: the section rules (``sections``' tables, ``decode._SKIP``) as
    byte tables, the section classes and their slots, and the message's slots
    (``_seam.MessagePlan`` says what each field holds)."""
    kinds = bytearray(b"\xff" * 256)
    for code, kind in _KIND_BY_CODE.items():
        if code <= 0xFF:
            kinds[code] = kind
    allowed = bytearray(len(_KIND_NAMES) << 8)
    for kind, (codes, _) in enumerate(_VALUE_CODES):
        for code in range(256) if codes is None else codes:
            allowed[kind << 8 | code] = 1
    repeatable = bytes(kind in (DATA, AMQP_SEQUENCE) for kind in range(len(_KIND_NAMES)))
    slot_names = ["_map" if issubclass(cls, _MapSection) else "value" for cls in _SECTION_CLASSES]
    composite = [issubclass(cls, Composite) for cls in _SECTION_CLASSES]
    setters = tuple(
        None if whole else cls.__dict__[name].__set__ if name in cls.__dict__ else _set_map
        for cls, name, whole in zip(_SECTION_CLASSES, slot_names, composite)
    )
    getters = tuple(
        None if whole else operator.attrgetter(name) for name, whole in zip(slot_names, composite)
    )
    widths = bytes(
        0xFF if e is None or e[1] > 0x7F else e[1] if e[0] is Category.FIXED else 0x80 | e[1]
        for e in map(_SKIP.get, range(256))
    )
    return MessagePlan(
        kinds=bytes(kinds),
        allowed=bytes(allowed),
        slots=bytes(_SLOT_OF_KIND),
        repeatable=repeatable,
        body_slot=_BODY,
        classes=_SECTION_CLASSES,
        setters=setters,
        getters=getters,
        descriptors=_DESCRIPTOR_OF_KIND,
        message_setters=(*_SECTION_SETTERS, _set_raw, _set_spans, _set_limits),
        sections_of=operator.attrgetter(*_ATTRS),
        registry=REGISTRY,
        inline_limit=_INLINE_DATA,
        widths=widths,
    )


#: Data sections larger than this are joined by ``Message.encode`` itself (copied once).
_INLINE_DATA = 8192
_PLAN = _hot_plan()
