"""Every codec's way of doing the same message work, and the checks that it did.

Each codec gets the payload in its own types, built once from our typed message
(outside any timing): Proton's ``int32``/``symbol``/``timestamp``, Azure ``_pyamqp``'s
``{TYPE, VALUE}`` dicts, RbFly's ``Symbol`` and aware ``datetime``, msgpack's plain
structure (:func:`payloads.msgpack_form`).  A *decoder* is a zero-argument callable
that decodes the payload and reads every field (header, properties, each map section,
the body), returning them in one layout for all codecs::

    (header fields | None, properties fields | None, delivery-annotations,
     message-annotations, application-properties, body, footer[, owner])

(Proton's decoder adds its ``Message`` as ``owner``: its binaries are views into it.)

:func:`message_content` turns that into the plain content of :func:`payloads.content`
(codec quirks undone: Proton's seconds, Azure's bytes for strings), so
:func:`check_decoded` can prove the codec read what was sent.  An *encoder* returns
the codec's bytes; :func:`check_encoded` decodes them with our decoder and compares.

Codecs that cannot do a payload's work have no adapter for it; :data:`CANNOT` says why
(the report prints it).
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import importlib.metadata
import uuid
from collections.abc import Callable
from types import ModuleType
from typing import Any

import amqpcodec
from amqpcodec import (
    DEFAULT_LIMITS,
    Byte,
    Float,
    Int,
    Limits,
    Long,
    Short,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UShort,
)
from amqpcodec._backend import Backend, BackendName, get_backend, use_backend
from amqpcodec.message import AMQPValue, Message
from amqpcodec.testing import same_value

from .payloads import content, msgpack_form, plain

__all__ = [
    "OURS",
    "PEERS",
    "CANNOT",
    "codec_versions",
    "backend_module",
    "use_backend",
    "message_decoder",
    "read_ours",
    "read_proton",
    "read_azure",
    "read_rbfly",
    "message_encoder",
    "message_content",
    "check_decoded",
    "check_encoded",
    "msgpack_content",
    "proton_value",
    "rbfly_value",
    "azure_value",
]

#: Our two backends, by label; a label's module is :func:`backend_module`.
OURS: dict[str, BackendName] = {"amqpcodec-cython": "cython", "amqpcodec-python": "python"}
#: Peers by label: (module imported to run it, distribution name for its version).
PEERS = {
    "proton": ("proton", "python-qpid-proton"),
    "azure-pyamqp": ("azure.servicebus._pyamqp", "azure-servicebus"),
    "rbfly": ("rbfly.amqp._message", "rbfly"),
    "msgpack": ("msgpack", "msgpack"),
    "pamqp": ("pamqp.encode", "pamqp"),
    "pika": ("pika.data", "pika"),
}

_RBFLY_ENCODER = "its encoder writes only application-properties and the body"
_PROTON_NODES = (
    "silently truncates: its Data holds at most 65,535 nodes, so the 30,000-entry map "
    "decodes to 21,140 entries, without an error"
)
_NO_FRAMES = "no frame layer (it decodes RabbitMQ Streams messages only)"
#: group -> codec -> why that codec is not timed there.
CANNOT: dict[str, dict[str, str]] = {
    "W1-encode": {"rbfly": _RBFLY_ENCODER},
    "annotated-encode": {"rbfly": _RBFLY_ENCODER},
    "W1-transfer-decode": {"rbfly": _NO_FRAMES},
    "W1-transfer-encode": {"rbfly": _NO_FRAMES},
    "frames-transfers-decode": {"rbfly": _NO_FRAMES},
    "frames-transfers-encode": {"rbfly": _NO_FRAMES},
    "frames-control-decode": {"rbfly": _NO_FRAMES},
    "frames-control-encode": {"rbfly": _NO_FRAMES},
    "map100-decode": {"pika": "its field-table codec has no float or double"},
    "map100-encode": {"pika": "its field-table codec has no float or double"},
    "scale-map-decode-30000": {"proton": _PROTON_NODES},
    "scale-map-decode-100000": {
        "proton": _PROTON_NODES,
        "azure-pyamqp": "refuses compounds of more than 65,536 elements (_MAX_COMPOUND_COUNT)",
    },
}


def codec_versions() -> dict[str, str]:
    """Installed version of amqpcodec and of every peer (``"not installed"`` when absent):
    the 1.0 adapters' peers, then the 0-9-1 peers that have no adapter here (installed
    ones only, their label beside the distribution's name)."""
    from .amqp091 import VERSIONS as AMQP091_PEERS  # not at import: the 1.0 benchmarks need none

    versions = {"amqpcodec": amqpcodec.__version__}
    for label, (_, dist) in PEERS.items():
        try:
            versions[label] = f"{dist} {importlib.metadata.version(dist)}"
        except importlib.metadata.PackageNotFoundError:
            versions[label] = f"{dist} not installed"
    for label, dist in AMQP091_PEERS.items():
        if label not in versions:
            with contextlib.suppress(importlib.metadata.PackageNotFoundError):
                versions[label] = f"{dist} {importlib.metadata.version(dist)} ({label})"
    return versions


def backend_module(label: str) -> Backend:
    """Our backend called ``label`` (a key of :data:`OURS`); run code on it with
    :func:`use_backend`, the library's one backend switch."""
    return get_backend(OURS[label])


# --------------------------------------------------------------------------- reading a decoded message


def read_ours(m: Message) -> tuple[Any, ...]:
    h, p, b = m.header, m.properties, m.body
    return (
        None if h is None else (h.durable, h.priority, h.ttl, h.first_acquirer, h.delivery_count),
        None
        if p is None
        else (
            p.message_id,
            p.user_id,
            p.to,
            p.subject,
            p.reply_to,
            p.correlation_id,
            p.content_type,
            p.content_encoding,
            p.absolute_expiry_time,
            p.creation_time,
            p.group_id,
            p.group_sequence,
            p.reply_to_group_id,
        ),
        m.delivery_annotations,
        m.message_annotations,
        m.application_properties,
        None if b is None else b.value if isinstance(b, AMQPValue) else [section.value for section in b],
        m.footer,
    )


def read_proton(m: Any) -> tuple[Any, ...]:
    return (
        (m.durable, m.priority, m.ttl, m.first_acquirer, m.delivery_count),
        (
            m.id,
            m.user_id,
            m.address,
            m.subject,
            m.reply_to,
            m.correlation_id,
            m.content_type,
            m.content_encoding,
            m.expiry_time,
            m.creation_time,
            m.group_id,
            m.group_sequence,
            m.reply_to_group_id,
        ),
        m.instructions,
        m.annotations,
        m.properties,
        m.body,
        None,
        # Proton's binaries are views into the message's own memory, valid while it
        # lives (a known Proton behaviour): it is kept, not copied, which favours Proton.
        m,
    )


def read_azure(m: Any) -> tuple[Any, ...]:
    return (
        None if m.header is None else tuple(m.header),
        None if m.properties is None else tuple(m.properties),
        m.delivery_annotations,
        m.message_annotations,
        m.application_properties,
        m.data if m.value is None else m.value,
        m.footer,
    )


def read_rbfly(m: Any) -> tuple[Any, ...]:
    h, p = m.header, m.properties
    return (
        (h.durable, h.priority, h.ttl, h.first_acquirer, h.delivery_count),
        (
            p.message_id,
            p.user_id,
            p.to,
            p.subject,
            p.reply_to,
            p.correlation_id,
            p.content_type,
            p.content_encoding,
            p.absolute_expiry_time,
            p.creation_time,
            p.group_id,
            p.group_sequence,
            p.reply_to_group_id,
        ),
        m.delivery_annotations,
        m.annotations,
        m.app_properties,
        m.body,
        m.footer,
    )


def _module(label: str) -> ModuleType:
    """The peer's module; raises ``ImportError`` when it is not installed."""
    return importlib.import_module(PEERS[label][0])


def message_decoder(
    codec: str, data: bytes, *, lazy: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Callable[[], Any]:
    """A callable that decodes ``data`` (one message) with ``codec`` and reads every field.

    ``lazy`` (ours only): ``"all"`` decodes lazily and reads every field; a section
    attribute name (``"properties"``) reads only that section.  ``limits``: ours, raised
    for the scaling payloads.  The caller runs ours inside :func:`use_backend`.
    """
    if codec in OURS:
        decode = Message.decode
        if lazy is None:
            return lambda: read_ours(decode(data, limits=limits))
        if lazy == "all":
            return lambda: read_ours(decode(data, lazy=True, limits=limits))
        return lambda: getattr(decode(data, lazy=True, limits=limits), lazy)
    if codec == "proton":
        proton = _module(codec)

        def decode_proton() -> tuple[Any, ...]:
            m = proton.Message()
            m.decode(data)
            return read_proton(m)

        return decode_proton
    if codec == "azure-pyamqp":
        decode_payload = importlib.import_module("azure.servicebus._pyamqp._decode").decode_payload
        return lambda: read_azure(decode_payload(memoryview(data)))
    if codec == "rbfly":
        decode_amqp = _module(codec).decode_amqp
        return lambda: read_rbfly(decode_amqp(data))
    raise ValueError(f"no message decoder for {codec}")


# --------------------------------------------------------------------------- plain content of a read


_HEADER_FIELDS = ("durable", "priority", "ttl", "first_acquirer", "delivery_count")
_PROPERTIES_FIELDS = (
    "message_id",
    "user_id",
    "to",
    "subject",
    "reply_to",
    "correlation_id",
    "content_type",
    "content_encoding",
    "absolute_expiry_time",
    "creation_time",
    "group_id",
    "group_sequence",
    "reply_to_group_id",
)
#: Proton's header and properties hold seconds (float) where AMQP holds milliseconds.
_PROTON_SECONDS = frozenset(("ttl", "absolute_expiry_time", "creation_time"))
_SECTIONS = ("delivery_annotations", "message_annotations", "application_properties")
_MESSAGE_ATTRS = ("header", *_SECTIONS[:2], "properties", _SECTIONS[2], "body", "footer")


def _guided(actual: Any, expected: Any) -> Any:
    """Azure ``_pyamqp`` decodes strings, symbols and map keys to ``bytes`` (its users' reports):
    read UTF-8 bytes as a string where a string was sent, recursively."""
    if isinstance(expected, str) and isinstance(actual, (bytes, memoryview)):
        return bytes(actual).decode("utf-8")
    if isinstance(expected, dict) and isinstance(actual, dict):
        keyed = {k.decode("utf-8") if isinstance(k, bytes) else k: v for k, v in actual.items()}
        return {k: _guided(v, expected.get(k)) for k, v in keyed.items()}
    if isinstance(expected, list) and isinstance(actual, list) and len(actual) == len(expected):
        return [_guided(a, e) for a, e in zip(actual, expected)]
    return actual


def message_content(codec: str, read: tuple[Any, ...], expected: dict[str, Any]) -> dict[str, Any]:
    """The plain content (:func:`payloads.content`) of a decoder's ``read``: the sections
    ``expected`` has, and of header and properties the fields it has (Proton and RbFly
    cannot tell an absent section or field from its default)."""
    header, properties, *maps, body, footer = read[:7]
    found: dict[str, Any] = {}
    for name, names, values in (
        ("header", _HEADER_FIELDS, header),
        ("properties", _PROPERTIES_FIELDS, properties),
    ):
        if name in expected and values is not None:
            fields = dict(zip(names, values))
            found[name] = {}
            for field in expected[name]:
                value = fields[field]
                if codec == "proton" and field in _PROTON_SECONDS:
                    value = round(value * 1000)
                found[name][field] = plain(value)
    for name, section in (*zip(_SECTIONS, maps), ("footer", footer)):
        if name in expected and section is not None:
            found[name] = plain(dict(section.items()))
    if "body" in expected:
        if isinstance(body, list) and body and isinstance(body[0], (bytes, bytearray, memoryview)):
            body = b"".join(body)
        found["body"] = plain(body)
    if codec == "azure-pyamqp":
        found = _guided(found, expected)
    return found


def _first_difference(actual: Any, expected: Any, path: str = "") -> str:
    if isinstance(actual, dict) and isinstance(expected, dict):
        if len(actual) != len(expected):
            return f"{path or 'content'} has {len(actual)} entries, not {len(expected)}"
        for key, value in expected.items():
            if key not in actual or actual[key] != value:
                return _first_difference(actual.get(key), value, f"{path}[{key!r}]")
    return f"{path}: {repr(actual)[:200]} != {repr(expected)[:200]}"


def check_decoded(codec: str, read: Any, message: Message) -> None:
    """Fail unless ``read`` (a decoder's result) holds exactly ``message``'s content."""
    expected = content(message)
    actual = message_content(codec, read, expected)
    assert actual == expected, f"{codec} decoded different content: {_first_difference(actual, expected)}"


def check_encoded(codec: str, data: Any, message: Message) -> bool:
    """Fail unless our decoder reads ``message``'s content from ``codec``'s bytes.

    Returns whether it also has every AMQP type ours has (``same_value``); where it
    does not (a peer writes a small long as an int, say), the report marks the row.
    """
    decoded = Message.decode(bytes(data))
    expected = content(message)
    assert content(decoded) == expected, f"{codec} encoded different content"
    reference = Message.decode(message.encode())
    return all(
        same_value(getattr(decoded, name), getattr(reference, name))
        for name in _MESSAGE_ATTRS
        if getattr(reference, name) is not None
    )


# --------------------------------------------------------------------------- building a peer's input


def proton_value(value: Any) -> Any:
    """Our typed value in Proton's types (``int32``, ``symbol``, ``timestamp``, ...)."""
    proton = _module("proton")
    cls = type(value)
    simple = {
        Int: proton.int32,
        UInt: proton.uint,
        ULong: proton.ulong,
        Byte: proton.byte,
        UByte: proton.ubyte,
        Short: proton.short,
        UShort: proton.ushort,
        Symbol: proton.symbol,
        Timestamp: proton.timestamp,
        Float: proton.float32,
        Long: int,
    }
    if cls in simple:
        return simple[cls](value)
    if cls is dict:
        return {proton_value(k): proton_value(v) for k, v in value.items()}
    if cls is list:
        return [proton_value(v) for v in value]
    return value


def azure_value(value: Any) -> Any:
    """Our typed value as Azure ``_pyamqp`` encodes it: a ``{TYPE, VALUE}`` dict where
    its default would change the type (a plain ``int`` would become a 32-bit int)."""
    types = importlib.import_module("azure.servicebus._pyamqp.types")
    t = types.AMQPTypes
    tagged = {
        Int: t.int,
        UInt: t.uint,
        ULong: t.ulong,
        Byte: t.byte,
        UByte: t.ubyte,
        Short: t.short,
        UShort: t.ushort,
        Symbol: t.symbol,
        Timestamp: t.timestamp,
        Float: t.float,
        Long: t.long,
        int: t.long,
    }
    cls = type(value)
    if cls in tagged:
        inner = str.__str__(value) if cls is Symbol else float(value) if cls is Float else int(value)
        return {types.TYPE: tagged[cls], types.VALUE: inner}
    if cls is dict:
        return {k: azure_value(v) for k, v in value.items()}
    if cls is list:
        return [azure_value(v) for v in value]
    return value


def rbfly_value(value: Any) -> Any:
    """Our typed value in RbFly's types: its ``Symbol``, an aware ``datetime``, plain ints."""
    if isinstance(value, Symbol):
        return importlib.import_module("rbfly.types").Symbol(str.__str__(value))
    if isinstance(value, Timestamp):
        return datetime.datetime.fromtimestamp(int(value) / 1000, datetime.timezone.utc)
    if isinstance(value, bool) or type(value) in (str, bytes, float, uuid.UUID) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dict):
        return {rbfly_value(k): rbfly_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rbfly_value(v) for v in value]
    return value


def _proton_message(message: Message) -> Any:
    proton = _module("proton")
    m = proton.Message()
    h, p = message.header, message.properties
    if h is not None:
        for field in _HEADER_FIELDS:
            value = getattr(h, field)
            if value is not None:
                setattr(m, field, value / 1000 if field == "ttl" else proton_value(value))
    if p is not None:
        names = {"message_id": "id", "to": "address", "absolute_expiry_time": "expiry_time"}
        for field in _PROPERTIES_FIELDS:
            value = getattr(p, field)
            if value is not None:
                value = int(value) / 1000 if field in _PROTON_SECONDS else proton_value(value)
                setattr(m, names.get(field, field), value)
    if message.delivery_annotations is not None:
        m.instructions = {proton.symbol(k): proton_value(v) for k, v in message.delivery_annotations.items()}
    if message.message_annotations is not None:
        m.annotations = {proton.symbol(k): proton_value(v) for k, v in message.message_annotations.items()}
    if message.application_properties is not None:
        m.properties = {k: proton_value(v) for k, v in message.application_properties.items()}
    body = message.body
    if isinstance(body, tuple):
        (section,) = body
        m.body, m.inferred = section.value, True
    elif body is not None:
        m.body = proton_value(body.value)
    return m


def _azure_message(message: Message) -> Any:
    azure = importlib.import_module("azure.servicebus._pyamqp.message")
    h, p, body = message.header, message.properties, message.body

    def fields(section: Any, names: tuple[str, ...]) -> dict[str, Any]:
        found = {name: getattr(section, name) for name in names if getattr(section, name) is not None}
        return {
            k: str.__str__(v)
            if isinstance(v, str)
            else int(v)
            if type(v) is not bool and isinstance(v, int)
            else v
            for k, v in found.items()
        }

    def mapping(section: Any) -> dict[Any, Any] | None:
        return None if section is None else {str.__str__(k): azure_value(v) for k, v in section.items()}

    return azure.Message(
        header=None if h is None else azure.Header(**fields(h, _HEADER_FIELDS)),
        delivery_annotations=mapping(message.delivery_annotations),
        message_annotations=mapping(message.message_annotations),
        properties=None if p is None else azure.Properties(**fields(p, _PROPERTIES_FIELDS)),
        application_properties=mapping(message.application_properties),
        data=[section.value for section in body] if isinstance(body, tuple) else None,
        value=azure_value(body.value) if isinstance(body, AMQPValue) else None,
    )


def message_encoder(codec: str, message: Message) -> Callable[[], Any]:
    """A callable that encodes ``message``'s content with ``codec`` (its input prebuilt).

    RbFly writes into a caller's buffer (its intended use: one buffer reused), so its
    result is a view of that buffer.  Raises ``ValueError`` when the codec cannot
    hold the message (see :data:`CANNOT`).
    """
    if codec in OURS:
        return message.encode
    if codec == "proton":
        return _proton_message(message).encode  # type: ignore[no-any-return]
    if codec == "azure-pyamqp":
        encode_payload = importlib.import_module("azure.servicebus._pyamqp._encode").encode_payload
        azure_message = _azure_message(message)
        return lambda: encode_payload(bytearray(), azure_message)
    if codec == "rbfly":
        if any(
            getattr(message, name) is not None for name in ("header", "properties", "message_annotations")
        ):
            raise ValueError(f"rbfly: {_RBFLY_ENCODER}")
        rbfly = _module(codec)
        body = message.body
        value = body[0].value if isinstance(body, tuple) else rbfly_value(body.value)  # type: ignore[union-attr]
        app = message.application_properties
        ctx = rbfly.MessageCtx(
            value, None, None, None, None, None if app is None else rbfly_value(dict(app)), None
        )
        buffer = bytearray(len(message.encode()) * 2 + 1024)
        view = memoryview(buffer)
        encode_amqp = rbfly.encode_amqp
        return lambda: view[: encode_amqp(buffer, ctx)]
    raise ValueError(f"no message encoder for {codec}")


def msgpack_content(message: Message) -> dict[str, Any]:
    """The message's plain content as msgpack holds it (the msgpack reference): header
    and properties as lists without trailing nulls, as AMQP writes them, each map
    section a dict, the body as bytes or a value."""
    found: dict[str, Any] = {}
    for name, names in (("header", _HEADER_FIELDS), ("properties", _PROPERTIES_FIELDS)):
        section = getattr(message, name)
        if section is not None:
            values = [plain(getattr(section, field)) for field in names]
            while values and values[-1] is None:
                values.pop()
            found[name] = values
    for name, value in content(message).items():
        if name not in ("header", "properties"):
            found[name] = value
    return msgpack_form(found)  # type: ignore[no-any-return]
