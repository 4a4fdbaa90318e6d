"""Type stub of the compiled backend: the value codec of :mod:`amqpcodec._pure` (same
signatures, checked by a test), the hot paths of ``_seam.CompiledPaths`` and the AMQP
0-9-1 field-table codec of ``_seam.TableCodec091``."""

from collections.abc import Iterator, Mapping
from typing import Any

from ._seam import (
    AssemblerPlan091,
    FramePlan,
    FramePlan091,
    FrameWritePlan,
    HeaderPlan091,
    MessagePlan,
    MethodPlans091,
    ReaderPlan091,
)
from .amqp091._tables import TableRead
from .limits import Limits

__all__ = [
    "encode",
    "decode_prefix",
    "to_typed",
    "build_composite",
    "decode_message",
    "scan_message",
    "encode_message",
    "decode_frame",
    "encode_frame",
    "read_table",
    "write_table",
    "read_method091",
    "read_content_header091",
    "next_frame091",
    "method_payload091",
    "encode_method091",
    "content_header_payload091",
    "encode_content_header091",
    "encode_message091",
    "init_method091",
    "new_properties091",
    "frames091",
    "feed091",
    "GENERATED_CODES",
]

#: The constructor codes compiled in, by ``_spec.Code`` member name (tests check them).
GENERATED_CODES: dict[str, int]

def encode(value: Any, limits: Limits, wide_arrays: bool = False, unicode_errors: str = "strict") -> bytes:
    """The canonical AMQP encoding of ``value`` (see README, "Canonical encoding");
    the options as in ``_pure.encoder.encode``."""

def decode_prefix(
    data: Any, offset: int, limits: Limits, budget: list[int] | None = None, unicode_errors: str = "strict"
) -> tuple[Any, int]:
    """Decode the one value starting at ``offset``; return it and the offset after it
    (``budget``: zero-width array elements left, shared between calls;
    ``unicode_errors``: see ``_pure``)."""

def to_typed(value: Any, registry: Mapping[Any, Any]) -> Any:
    """``value`` as its composite class when its descriptor is in ``registry``, else unchanged."""

def build_composite(cls: Any, values: list[Any], registry: Mapping[Any, Any]) -> Any:
    """A ``cls`` composite from a described list's decoded items, as sent (Part 1 §1.4)."""

def decode_message(cls: Any, buf: Any, limits: Limits, plan: MessagePlan) -> Any:
    """A ``cls`` message decoded from all of ``buf``, or ``None`` when not in the usual form."""

def scan_message(cls: Any, raw: bytes, limits: Limits, plan: MessagePlan) -> Any:
    """A lazy ``cls`` message scanned from ``raw``, or ``None`` when not in the usual form."""

def encode_message(message: Any, limits: Limits, plan: MessagePlan) -> bytes | None:
    """A message's canonical bytes, or ``None`` when a section holds a long binary."""

def decode_frame(
    buf: Any, pos: int, base: int, max_frame_size: int, limits: Limits, plan: FramePlan
) -> tuple[Any, int] | None:
    """The AMQP frame at ``pos`` and the offset after it, or ``None`` unless complete and well formed."""

def encode_frame(
    performative: Any, channel: int, payload: Any, limit: int, limits: Limits, plan: FrameWritePlan
) -> bytes | None:
    """The AMQP frame holding ``performative`` and ``payload`` on ``channel``, at most
    ``limit`` bytes, else ``None`` (``frames.writer.encode_frame`` is the reference)."""

def read_table(data: bytes | bytearray | memoryview, offset: int, end: int, limits: Limits) -> TableRead:
    """Decode the AMQP 0-9-1 field table whose 4-byte size is at ``data[offset]`` (it must
    end by ``end``): the twin of ``amqp091._tables.read_table``."""

def write_table(out: bytearray, table: Mapping[str, Any], limits: Limits, path: str) -> None:
    """Append the AMQP 0-9-1 field table ``table``, its 4-byte size first, to ``out``
    (errors name ``path``): the twin of ``amqp091._tables.write_table``."""

def read_method091(data: Any, start: int, end: int, limits: Limits, plan: MethodPlans091) -> Any:
    """The AMQP 0-9-1 method whose payload is ``data[start:end]``, else ``None``."""

def read_content_header091(data: Any, start: int, end: int, limits: Limits, plan: HeaderPlan091) -> Any:
    """The ``ContentHeader`` whose payload is ``data[start:end]``, else ``None``."""

def next_frame091(
    buf: Any, pos: int, base: int, body_limit: int, limits: Limits, plan: FramePlan091
) -> tuple[Any, int] | None:
    """The complete, well-formed 0-9-1 frame at ``pos`` as its event and the offset after it, else ``None``."""

def method_payload091(method: Any, plan: MethodPlans091) -> bytes | None:
    """A method frame's payload, else ``None``."""

def encode_method091(method: Any, channel: int, plan: FramePlan091) -> bytes | None:
    """A method frame, else ``None``."""

def content_header_payload091(
    properties: Any, body_size: int, class_id: int, weight: int, plan: HeaderPlan091
) -> bytes | None:
    """A content-header payload, else ``None``."""

def encode_content_header091(
    properties: Any, body_size: int, class_id: int, weight: int, channel: int, plan: FramePlan091
) -> bytes | None:
    """A content-header frame, else ``None``."""

def encode_message091(
    method: Any, properties: Any, body: Any, channel: int, frame_max: int, plan: FramePlan091
) -> list[bytes] | None:
    """A content's frames (method, header, bodies at most ``frame_max`` bytes each), else ``None``."""

def init_method091(method: Any, values: tuple[Any, ...], plan: MethodPlans091) -> bool:
    """Set ``method``'s argument slots to ``values`` when each is taken as it is, else ``False``."""

def new_properties091(cls: type, values: tuple[Any, ...], plan: HeaderPlan091) -> Any:
    """A ``cls`` of ``values`` (flag order) when each is ``None`` or taken as it is, else ``None``."""

def frames091(reader: Any, plan: ReaderPlan091) -> Iterator[Any]:
    """An iterator over ``reader``'s events now complete (``FrameReader.__iter__``)."""

def feed091(assembler: Any, event: Any, plan: AssemblerPlan091) -> Any:
    """``ContentAssembler.feed(event)`` for the usual sequence, else ``_seam.DECLINED``."""
