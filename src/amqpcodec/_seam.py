"""The named contracts between the layers and the backends.

Strategy: the message, frame and composite layers (``message``, ``frames``,
``_composite``) own every class and every rule, written once in Python.  The compiled
backend runs the hottest of those rules without a Python frame per field; to do so it
is handed a *plan*: the classes, slot setters and lookup tables it needs, built by the
layer from its own tables.  Each plan is one of the named tuples below, built once at
import (the compiled side reads each field by name and caches what it derives, keyed
by the plan's identity), so a plan field is never addressed by position.

Three protocols type the seam itself (``mypy --strict`` checks every call across it):

- :class:`ValueCodec`: the value encoder and decoder (Part 1 §1.6), the one pair that
  exists twice, ``_pure`` and ``_speedups``, with identical results and errors;
- :class:`TableCodec091`: the AMQP 0-9-1 field-table codec (0-9-1 §4.2.5.5), which
  exists twice the same way: ``amqp091._tables`` (the reference) and ``_speedups``;
- :class:`CompiledPaths`: the compiled module's hot paths for the layers (the AMQP
  0-9-1 method, content-header and frame paths among them, with their plans
  :class:`MethodPlans091`, :class:`HeaderPlan091` and :class:`FramePlan091`, and the
  reader's iterator and the content assembler's step, with :class:`ReaderPlan091` and
  :class:`AssemblerPlan091`).  They have no
  pure twin: with the pure backend the layers run their own Python code, which is the
  reference the compiled paths are tested against.  Each returns ``None`` (or raises a
  value-codec error) for anything outside the usual form, and the layer's own code then
  runs again to give the result or the error in full (``feed091``, whose results
  include ``None``, returns :data:`DECLINED` instead).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from . import _errortext as _text

if TYPE_CHECKING:
    from .amqp091._tables import TableRead
    from .limits import Limits

__all__ = [
    "AMQP091_ONLY",
    "UNICODE_ERRORS",
    "CompositeStep",
    "MessagePlan",
    "FramePlan",
    "FrameWritePlan",
    "ValueCodec",
    "TableCodec091",
    "CompiledPaths",
    "KIND091_INTEGER",
    "KIND091_BIT",
    "KIND091_SHORTSTR",
    "KIND091_LONGSTR",
    "KIND091_TABLE",
    "KIND091_TIMESTAMP",
    "KIND091_PROPERTY_SHORTSTR",
    "MethodPlan091",
    "MethodPlans091",
    "HeaderPlan091",
    "FramePlan091",
    "ReaderPlan091",
    "AssemblerPlan091",
    "DECLINED",
    "EncodeOptions",
    "PLAIN_ENCODING",
    "check_unicode_errors",
    "encode_options",
]

#: The class attribute that marks a value class of the AMQP 0-9-1 subpackage (its
#: ``Timestamp``, seconds as an ``int``, and its field-table ``FieldValue``) as having
#: no AMQP 1.0 encoding: set to ``True``, both value encoders raise
#: ``UnsupportedTypeError`` for it instead of encoding it as its base class (an int as
#: a long).  Read only for a class not met before (the encoders' slow path), so the
#: 1.0 modules never import the 0-9-1 ones.
AMQP091_ONLY = "_AMQP091_ONLY"

#: What the ``unicode_errors`` option of the encoders and decoders accepts (Python's
#: error handler names).  ``"strict"``: a str8/str32 that is not UTF-8 is a
#: ``DecodeError`` (Part 1 §1.6.20 says a string is UTF-8) and a str with lone
#: surrogates an ``EncodeError``.  ``"surrogateescape"``: each byte of a string that is
#: not UTF-8 decodes to U+DC80..U+DCFF and encodes back to that byte (PEP 383), so
#: bytes a peer wrote as a string come back unchanged.  Symbols (ASCII, §1.6.21) are
#: always strict.
UNICODE_ERRORS = ("strict", "surrogateescape")


class EncodeOptions(NamedTuple):
    """The per-call options of the encoders above the value codec (``Message.encode``,
    the frame writers), handed down to ``ValueCodec.encode`` as its last two arguments."""

    #: Integer array elements never with the one-byte constructors 0x52-0x55 (smalluint,
    #: smallulong, smallint, smalllong): always uint 0x70, ulong 0x80, int 0x71, long
    #: 0x81.  (Arrays never use the zero-width uint0/ulong0 either way.)  Canonical
    #: encoding picks the narrow ones; RabbitMQ 3.10's parser refuses them in an array.
    wide_arrays: bool = False
    #: One of :data:`UNICODE_ERRORS`.
    unicode_errors: str = "strict"


#: The defaults: callers compare with ``is`` to keep their usual (compiled) path.
PLAIN_ENCODING = EncodeOptions()


def encode_options(wide_arrays: bool, unicode_errors: str) -> EncodeOptions:
    """The options of one call, checked: :data:`PLAIN_ENCODING` itself for the defaults."""
    if not wide_arrays and unicode_errors == "strict":
        return PLAIN_ENCODING
    return EncodeOptions(bool(wide_arrays), check_unicode_errors(unicode_errors))


def check_unicode_errors(value: object) -> str:
    """``value`` when it is one of :data:`UNICODE_ERRORS`, else ``ValueError``."""
    if value == "strict" or value == "surrogateescape":
        return value
    raise ValueError(_text.bad_unicode_errors(value))


class CompositeStep(NamedTuple):
    """How one field of a composite class is filled from a decoded described list
    (Part 1 §1.4); a composite's plan is a tuple of these, in field order."""

    #: The slot's setter (``member_descriptor.__set__``; the compiled side sets the slot
    #: through ``setter.__self__``).
    setter: Callable[[Any, Any], None]
    #: The spec marks the field mandatory: absent (null) is a ``DecodeError``.
    mandatory: bool
    #: For a restricted type with an enum: the Python class its wire value decodes to
    #: (``bool``, ``UByte``, ``UInt``, ``Symbol``); else ``None``.
    wire_type: type | None
    #: The enum members by wire value (empty when ``wire_type`` is ``None``).
    members: Mapping[Any, Any]
    #: ``composite-name.field_name``, for errors.
    path: str


class MessagePlan(NamedTuple):
    """What the compiled ``decode_message``/``scan_message``/``encode_message`` need of
    the message layer (Part 3 §3.2), all derived from ``message``'s section tables."""

    #: 256 bytes: the section kind of each ``00 53 xx`` descriptor code (``0xFF``: none).
    kinds: bytes
    #: ``allowed[kind << 8 | code]`` is 1 when constructor ``code`` may carry that kind.
    allowed: bytes
    #: Per kind, the message slot it fills (0-6; the body kinds share one).
    slots: bytes
    #: Per kind, 1 where the kind may repeat (data, amqp-sequence).
    repeatable: bytes
    #: The index of the body slot.
    body_slot: int
    #: Per kind, the section class.
    classes: tuple[type, ...]
    #: Per kind, the setter of the one slot a map or body section keeps its value in
    #: (``None`` for a composite section: header, properties).
    setters: tuple[Callable[[Any, Any], None] | None, ...]
    #: Per kind, how to read that one slot back (``None`` for a composite).
    getters: tuple[Callable[[Any], Any] | None, ...]
    #: Per kind, the numeric descriptor.
    descriptors: tuple[int, ...]
    #: The message's slot setters: seven sections, then ``_raw``, ``_spans``, ``_limits``.
    message_setters: tuple[Callable[[Any, Any], None], ...]
    #: Reads the seven sections of a message at once.
    sections_of: Callable[[Any], tuple[Any, ...]]
    #: Composite classes by numeric and symbolic descriptor.
    registry: Mapping[Any, Any]
    #: Data sections larger than this are left to the message layer to join.
    inline_limit: int
    #: 256 bytes, per constructor code: ``0x80 | n`` for a variable or compound value
    #: with an ``n``-byte size, ``n`` for a fixed-width one, ``0xFF`` for neither.
    widths: bytes


class FramePlan(NamedTuple):
    """What the compiled ``decode_frame`` needs of the frame layer (Part 2 §2.3)."""

    #: The setters of ``Frame``'s six slots, in field order.
    frame_slots: tuple[Callable[[Any, Any], None], ...]
    frame_class: type
    #: The base class every AMQP performative must be an instance of.
    body_class: type
    registry: Mapping[Any, Any]
    #: The frame type of AMQP frames (0x00).
    amqp_type: int
    #: The smallest valid data offset (2 words).
    min_doff: int
    #: The frame header's ``struct`` (``>IBBH``).
    header: struct.Struct


class FrameWritePlan(NamedTuple):
    """What the compiled ``encode_frame`` needs of the frame layer (Part 2 §2.3.1)."""

    #: The frame type of each performative and SASL body class, exactly (a subclass is
    #: not in it: the reference writes it).
    frame_types: Mapping[type, int]
    #: The frame type whose body carries no payload (SASL, Part 5 §5.3.1).
    sasl_type: int
    #: The data offset written (2 words: no extended header).
    doff: int
    #: The frame header's ``struct`` (``>IBBH``).
    header: struct.Struct
    #: ``_composite.field_path``: an encoding error's path in field names, as the
    #: writer gives it (``transfer.state.txn_id``).
    field_path: Callable[[Any, str], str]


# How the compiled AMQP 0-9-1 codec reads and writes one method argument or content
# property (0-9-1 §4.2.5): the ``kinds`` of MethodPlan091 and HeaderPlan091 hold these
# (the compiled side imports them by name; the plans map each spec type to one).
#: An unsigned big-endian integer of the plan's width (octet, short, long, longlong;
#: a method's timestamp argument too, read as a plain ``int``), §4.2.5.1.
KIND091_INTEGER = 1
#: One bit, packed least-significant first with its neighbours, §4.2.5.2.
KIND091_BIT = 2
#: A short string that must be UTF-8 (a method argument), §4.2.5.3.
KIND091_SHORTSTR = 3
#: A long string, kept as ``bytes``, §4.2.5.3.
KIND091_LONGSTR = 4
#: A field table (the live backend's table codec), §4.2.5.5.
KIND091_TABLE = 5
#: A property timestamp: 64-bit seconds as the plan's ``timestamp_class``, §4.2.5.4.
KIND091_TIMESTAMP = 6
#: A property short string: text when UTF-8, else its ``bytes`` (RabbitMQ passes them).
KIND091_PROPERTY_SHORTSTR = 7


class MethodPlan091(NamedTuple):
    """What the compiled 0-9-1 method codec needs of one method class (§4.2.4)."""

    cls: type
    class_id: int
    method_id: int
    #: The class carries content (``HAS_CONTENT``): ``encode_message091`` takes it.
    has_content: bool
    #: Per argument, in wire order: one of the ``KIND091_*`` numbers.
    kinds: tuple[int, ...]
    #: Per argument: its width in bytes for ``KIND091_INTEGER``, else 0.
    widths: tuple[int, ...]
    #: Per argument: the setter of its slot (``member_descriptor.__set__``); the
    #: compiled side reads and writes the slot through ``setter.__self__``.
    slots: tuple[Callable[[Any, Any], None], ...]


class MethodPlans091(NamedTuple):
    """Every method class's :class:`MethodPlan091`, by ``class_id << 16 | method_id``."""

    methods: Mapping[int, MethodPlan091]


class HeaderPlan091(NamedTuple):
    """What the compiled content-header codec needs (§4.2.6.1): the basic class's
    properties, read and written in flag order, and the classes it builds."""

    #: ``ContentHeader``, a named tuple of (class_id, weight, body_size, properties).
    header_class: type
    #: ``BasicProperties``, a tuple subclass of one value per property (``None``: absent).
    properties_class: type
    #: The instance with no property present (shared).
    empty: Any
    #: Per property, in flag order: its bit in the flag word.
    masks: tuple[int, ...]
    #: Per property: one of the ``KIND091_*`` numbers.
    kinds: tuple[int, ...]
    #: Per property: its width in bytes for ``KIND091_INTEGER``, else 0.
    widths: tuple[int, ...]
    #: The flag bits no property uses (set: a fault).
    reserved: int
    #: What a property timestamp decodes to.
    timestamp_class: type


class FramePlan091(NamedTuple):
    """What the compiled 0-9-1 frame paths need of the frame layer (§4.2.3)."""

    method_type: int
    header_type: int
    body_type: int
    heartbeat_type: int
    #: The frame-end octet.
    frame_end: int
    #: The events and the setters of their slots, in field order.
    method_frame: type
    method_frame_slots: tuple[Callable[[Any, Any], None], ...]
    header_frame: type
    header_frame_slots: tuple[Callable[[Any, Any], None], ...]
    body_frame: type
    body_frame_slots: tuple[Callable[[Any, Any], None], ...]
    heartbeat_frame: type
    heartbeat_frame_slots: tuple[Callable[[Any, Any], None], ...]
    methods: MethodPlans091
    header: HeaderPlan091


class ReaderPlan091(NamedTuple):
    """What the compiled 0-9-1 reader iterator (``frames091``) needs of ``amqp091.reader``
    (§4.2.3): where a ``FrameReader`` keeps its state, and the values of its phase."""

    #: The reader class (its ``next_event`` is the reference; a subclass that overrides
    #: it is iterated through it).
    reader_class: type
    #: The setters of the reader's slots, in this order: ``_buf``, ``_pos``, ``_base``,
    #: ``_body_limit``, ``limits``, ``_fatal``, ``_phase`` (the compiled side reads and
    #: writes each slot through ``setter.__self__``; some are the base class's).
    reader_slots: tuple[Callable[[Any, Any], None], ...]
    #: ``_phase`` once the opening is past (frames only).
    frames_phase: str
    #: ``_phase`` of a reader made with ``expect_header=False`` before its first byte.
    start_phase: str
    #: What ``next_event()`` returns when no event is complete.
    need_data: Any
    frames: FramePlan091


class AssemblerPlan091(NamedTuple):
    """What the compiled 0-9-1 content assembler (``feed091``) needs of
    ``amqp091.assembler`` (§4.2.6): its state's classes and slots, and the events."""

    #: The setters of ``ContentAssembler``'s slots, in this order: ``limits``,
    #: ``_states``, ``_held``.
    assembler_slots: tuple[Callable[[Any, Any], None], ...]
    #: The state of a content begun on a channel.
    pending_class: type
    #: The setters of its slots, in this order: ``method``, ``properties``,
    #: ``body_size``, ``chunks``, ``received``.
    pending_slots: tuple[Callable[[Any, Any], None], ...]
    #: The state of a channel whose body frames are dropped (one shared marker).
    dropping: Any
    message_class: type
    #: The setters of the message's slots, in field order (channel, method, properties, body).
    message_slots: tuple[Callable[[Any, Any], None], ...]
    #: The event classes that are taken and complete nothing (heartbeat, protocol header).
    quiet: tuple[type, ...]
    #: The events' classes and slots, and the method plans (whether a method class
    #: carries content, and the class id its content header must carry).
    frames: FramePlan091


class _Declined:
    """The type of :data:`DECLINED`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "DECLINED"


#: What a compiled path whose results include ``None`` (``feed091``) returns for an
#: input it does not take exactly as it is: the layer's reference then runs.
DECLINED: Any = _Declined()


class ValueCodec(Protocol):
    """The value encoder and decoder: ``amqpcodec._pure`` and ``amqpcodec._speedups``."""

    def encode(
        self, value: Any, limits: Limits, wide_arrays: bool = False, unicode_errors: str = "strict"
    ) -> bytes:
        """The canonical encoding of ``value`` (Part 1 §1.6); ``wide_arrays``: integer
        array elements never with the one-byte constructors 0x52-0x55;
        ``unicode_errors``: one of :data:`UNICODE_ERRORS`."""

    def decode_prefix(
        self,
        data: Any,
        offset: int,
        limits: Limits,
        budget: list[int] | None = None,
        unicode_errors: str = "strict",
    ) -> tuple[Any, int]:
        """The one value at ``offset`` and the offset after it; ``budget``: zero-width
        array elements left, shared between the calls of one decode (``Limits``);
        ``unicode_errors``: one of :data:`UNICODE_ERRORS`."""


class TableCodec091(Protocol):
    """The AMQP 0-9-1 field-table codec (§4.2.5.5; RabbitMQ errata §3, "Field types"):
    ``amqpcodec.amqp091._tables`` and ``amqpcodec._speedups``, with the same bytes,
    values and errors (class, ``.offset``, ``.limit``, ``.path`` and message).  The
    layers reach the live one through ``_backend.current().table091``."""

    def read_table(
        self, data: bytes | bytearray | memoryview, offset: int, end: int, limits: Limits
    ) -> TableRead:
        """The table whose 4-byte size is at ``data[offset]`` (it must end by ``end``) and
        the offset past it; ``IncompleteError`` only when ``end`` comes before its end."""

    def write_table(self, out: bytearray, table: Mapping[str, Any], limits: Limits, path: str) -> None:
        """Append ``table``, its 4-byte size first, to ``out``; errors name ``path``."""


class CompiledPaths(Protocol):
    """The compiled module's hot paths for the layers (``amqpcodec._speedups``)."""

    def to_typed(self, value: Any, registry: Mapping[Any, Any]) -> Any:
        """``_composite.to_typed``."""

    def build_composite(self, cls: Any, values: list[Any], registry: Mapping[Any, Any]) -> Any:
        """``_composite.build_composite``."""

    def decode_message(self, cls: Any, buf: Any, limits: Limits, plan: MessagePlan) -> Any:
        """A message in the usual form decoded from all of ``buf``, else ``None``."""

    def scan_message(self, cls: Any, raw: bytes, limits: Limits, plan: MessagePlan) -> Any:
        """A lazy message in the usual form scanned from ``raw``, else ``None``."""

    def encode_message(self, message: Any, limits: Limits, plan: MessagePlan) -> bytes | None:
        """A message's canonical bytes, or ``None`` when it is not in the usual form."""

    def decode_frame(
        self, buf: Any, pos: int, base: int, max_frame_size: int, limits: Limits, plan: FramePlan
    ) -> tuple[Any, int] | None:
        """The complete, well-formed AMQP frame at ``pos`` and the offset after it, else ``None``."""

    def encode_frame(
        self, performative: Any, channel: int, payload: Any, limit: int, limits: Limits, plan: FrameWritePlan
    ) -> bytes | None:
        """The AMQP frame holding ``performative`` and ``payload`` on ``channel``, at most
        ``limit`` bytes, else ``None``."""

    def read_method091(self, data: Any, start: int, end: int, limits: Limits, plan: MethodPlans091) -> Any:
        """The method whose payload is ``data[start:end]`` (0-9-1 §4.2.4), else ``None``."""

    def read_content_header091(
        self, data: Any, start: int, end: int, limits: Limits, plan: HeaderPlan091
    ) -> Any:
        """The ``ContentHeader`` whose payload is ``data[start:end]`` (§4.2.6.1), else ``None``."""

    def next_frame091(
        self, buf: Any, pos: int, base: int, body_limit: int, limits: Limits, plan: FramePlan091
    ) -> tuple[Any, int] | None:
        """The complete, well-formed 0-9-1 frame at ``pos`` as its event (offset ``base +
        pos``) and the offset after it, else ``None``."""

    def frames091(self, reader: Any, plan: ReaderPlan091) -> Iterator[Any]:
        """An iterator over ``reader``'s events now complete (``FrameReader.__iter__``):
        each frame it takes as ``next_frame091`` does, anything else by ``reader.next_event()``."""

    def feed091(self, assembler: Any, event: Any, plan: AssemblerPlan091) -> Any:
        """``ContentAssembler.feed(event)`` for the usual sequence (§4.2.6): the message
        completed, or ``None``; :data:`DECLINED` (and nothing changed) for anything else."""

    def method_payload091(self, method: Any, plan: MethodPlans091) -> bytes | None:
        """A method frame's payload (§4.2.4), else ``None``."""

    def encode_method091(self, method: Any, channel: int, plan: FramePlan091) -> bytes | None:
        """A method frame (§4.2.3, §4.2.4), else ``None``."""

    def content_header_payload091(
        self, properties: Any, body_size: int, class_id: int, weight: int, plan: HeaderPlan091
    ) -> bytes | None:
        """A content-header payload (§4.2.6.1), else ``None``."""

    def encode_content_header091(
        self, properties: Any, body_size: int, class_id: int, weight: int, channel: int, plan: FramePlan091
    ) -> bytes | None:
        """A content-header frame (§4.2.3, §4.2.6.1), else ``None``."""

    def encode_message091(
        self, method: Any, properties: Any, body: Any, channel: int, frame_max: int, plan: FramePlan091
    ) -> list[bytes] | None:
        """A content's frames (§4.2.6): method, header, body split at ``frame_max - 8``, else ``None``."""

    def init_method091(self, method: Any, values: tuple[Any, ...], plan: MethodPlans091) -> bool:
        """Set ``method``'s argument slots to ``values`` (``FIELDS`` order) when each is
        one the reference check stores unchanged (§4.2.5), else ``False`` with none set."""

    def new_properties091(self, cls: type, values: tuple[Any, ...], plan: HeaderPlan091) -> Any:
        """A ``cls`` of ``values`` (flag order, §4.2.6.1) when each is ``None`` or one the
        reference check stores unchanged, else ``None``."""
