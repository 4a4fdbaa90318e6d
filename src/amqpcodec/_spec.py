"""The one table of AMQP 1.0 wire facts: constructor codes and descriptors.

Every other module, and the Cython backend (whose ``_constants.pxi`` is generated
from this file at build time by ``setup.py``), reads codes from here; no code is
typed twice.  Section numbers refer to the OASIS AMQP 1.0 specification.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

__all__ = [
    "Code",
    "Category",
    "Encoding",
    "ENCODINGS",
    "ENCODING_BY_CODE",
    "TYPE_NAMES",
    "ARRAY_ELEMENT_CODES",
    "ZERO_WIDTH_CODES",
    "DescriptorEntry",
    "DESCRIPTORS",
    "DESCRIPTOR_BY_CODE",
    "DESCRIPTOR_BY_SYMBOL",
]


class Code(enum.IntEnum):
    """Constructor codes, Part 1 §1.6 (primitive type definitions)."""

    DESCRIBED = 0x00  # §1.2: 0x00 descriptor value
    NULL = 0x40
    BOOLEAN = 0x56
    TRUE = 0x41
    FALSE = 0x42
    UBYTE = 0x50
    USHORT = 0x60
    UINT = 0x70
    SMALLUINT = 0x52
    UINT0 = 0x43
    ULONG = 0x80
    SMALLULONG = 0x53
    ULONG0 = 0x44
    BYTE = 0x51
    SHORT = 0x61
    INT = 0x71
    SMALLINT = 0x54
    LONG = 0x81
    SMALLLONG = 0x55
    FLOAT = 0x72
    DOUBLE = 0x82
    DECIMAL32 = 0x74
    DECIMAL64 = 0x84
    DECIMAL128 = 0x94
    CHAR = 0x73
    TIMESTAMP = 0x83
    UUID = 0x98
    VBIN8 = 0xA0
    VBIN32 = 0xB0
    STR8 = 0xA1
    STR32 = 0xB1
    SYM8 = 0xA3
    SYM32 = 0xB3
    LIST0 = 0x45
    LIST8 = 0xC0
    LIST32 = 0xD0
    MAP8 = 0xC1
    MAP32 = 0xD1
    ARRAY8 = 0xE0
    ARRAY32 = 0xF0


class Category(enum.IntEnum):
    """Encoding categories, Part 1 §1.2 (fixed, variable, compound, array)."""

    FIXED = 0
    VARIABLE = 1
    COMPOUND = 2
    ARRAY = 3


class Encoding(NamedTuple):
    """One row of §1.6: a constructor code, its encoding name and its AMQP type.

    ``width`` is the number of value bytes for a fixed encoding, and the width of
    the size (and count) fields for variable, compound and array encodings.
    """

    code: Code
    name: str
    type_name: str
    category: Category
    width: int


_F, _V, _C, _A = Category.FIXED, Category.VARIABLE, Category.COMPOUND, Category.ARRAY

ENCODINGS: tuple[Encoding, ...] = (
    Encoding(Code.NULL, "null", "null", _F, 0),
    Encoding(Code.BOOLEAN, "boolean", "boolean", _F, 1),
    Encoding(Code.TRUE, "boolean.true", "boolean", _F, 0),
    Encoding(Code.FALSE, "boolean.false", "boolean", _F, 0),
    Encoding(Code.UBYTE, "ubyte", "ubyte", _F, 1),
    Encoding(Code.USHORT, "ushort", "ushort", _F, 2),
    Encoding(Code.UINT, "uint", "uint", _F, 4),
    Encoding(Code.SMALLUINT, "smalluint", "uint", _F, 1),
    Encoding(Code.UINT0, "uint0", "uint", _F, 0),
    Encoding(Code.ULONG, "ulong", "ulong", _F, 8),
    Encoding(Code.SMALLULONG, "smallulong", "ulong", _F, 1),
    Encoding(Code.ULONG0, "ulong0", "ulong", _F, 0),
    Encoding(Code.BYTE, "byte", "byte", _F, 1),
    Encoding(Code.SHORT, "short", "short", _F, 2),
    Encoding(Code.INT, "int", "int", _F, 4),
    Encoding(Code.SMALLINT, "smallint", "int", _F, 1),
    Encoding(Code.LONG, "long", "long", _F, 8),
    Encoding(Code.SMALLLONG, "smalllong", "long", _F, 1),
    Encoding(Code.FLOAT, "ieee-754", "float", _F, 4),
    Encoding(Code.DOUBLE, "ieee-754", "double", _F, 8),
    Encoding(Code.DECIMAL32, "ieee-754", "decimal32", _F, 4),
    Encoding(Code.DECIMAL64, "ieee-754", "decimal64", _F, 8),
    Encoding(Code.DECIMAL128, "ieee-754", "decimal128", _F, 16),
    Encoding(Code.CHAR, "utf32", "char", _F, 4),
    Encoding(Code.TIMESTAMP, "ms64", "timestamp", _F, 8),
    Encoding(Code.UUID, "uuid", "uuid", _F, 16),
    Encoding(Code.VBIN8, "vbin8", "binary", _V, 1),
    Encoding(Code.VBIN32, "vbin32", "binary", _V, 4),
    Encoding(Code.STR8, "str8-utf8", "string", _V, 1),
    Encoding(Code.STR32, "str32-utf8", "string", _V, 4),
    Encoding(Code.SYM8, "sym8", "symbol", _V, 1),
    Encoding(Code.SYM32, "sym32", "symbol", _V, 4),
    Encoding(Code.LIST0, "list0", "list", _F, 0),
    Encoding(Code.LIST8, "list8", "list", _C, 1),
    Encoding(Code.LIST32, "list32", "list", _C, 4),
    Encoding(Code.MAP8, "map8", "map", _C, 1),
    Encoding(Code.MAP32, "map32", "map", _C, 4),
    Encoding(Code.ARRAY8, "array8", "array", _A, 1),
    Encoding(Code.ARRAY32, "array32", "array", _A, 4),
)

ENCODING_BY_CODE: dict[int, Encoding] = {e.code: e for e in ENCODINGS}

#: Every AMQP primitive type name, in §1.6 order (the names ``Array.element_type`` takes).
TYPE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(e.type_name for e in ENCODINGS))

#: Constructors that occupy no bytes per value; an array of them costs nothing per
#: element on the wire, so its count is bounded by ``Limits``, not by the input size.
ZERO_WIDTH_CODES: frozenset[int] = frozenset(
    e.code for e in ENCODINGS if e.category is Category.FIXED and e.width == 0
)

#: The constructors our encoder uses for array elements, per element type:
#: (narrow, wide).  The narrow one is used when every element fits it (§1.2:
#: arrays share one constructor, so the widest element decides).  Never a
#: zero-width constructor; booleans always as 0x56.
ARRAY_ELEMENT_CODES: dict[str, tuple[Code, Code]] = {
    "null": (Code.NULL, Code.NULL),
    "boolean": (Code.BOOLEAN, Code.BOOLEAN),
    "ubyte": (Code.UBYTE, Code.UBYTE),
    "ushort": (Code.USHORT, Code.USHORT),
    "uint": (Code.SMALLUINT, Code.UINT),
    "ulong": (Code.SMALLULONG, Code.ULONG),
    "byte": (Code.BYTE, Code.BYTE),
    "short": (Code.SHORT, Code.SHORT),
    "int": (Code.SMALLINT, Code.INT),
    "long": (Code.SMALLLONG, Code.LONG),
    "float": (Code.FLOAT, Code.FLOAT),
    "double": (Code.DOUBLE, Code.DOUBLE),
    "decimal32": (Code.DECIMAL32, Code.DECIMAL32),
    "decimal64": (Code.DECIMAL64, Code.DECIMAL64),
    "decimal128": (Code.DECIMAL128, Code.DECIMAL128),
    "char": (Code.CHAR, Code.CHAR),
    "timestamp": (Code.TIMESTAMP, Code.TIMESTAMP),
    "uuid": (Code.UUID, Code.UUID),
    "binary": (Code.VBIN8, Code.VBIN32),
    "string": (Code.STR8, Code.STR32),
    "symbol": (Code.SYM8, Code.SYM32),
    "list": (Code.LIST8, Code.LIST32),
    "map": (Code.MAP8, Code.MAP32),
    "array": (Code.ARRAY8, Code.ARRAY32),
}


class DescriptorEntry(NamedTuple):
    """A descriptor of the spec: numeric code (domain 0x00000000) and symbolic form."""

    code: int
    name: str
    symbol: str


def _entries(first: int, names: str, suffix: str = "list") -> list[DescriptorEntry]:
    return [DescriptorEntry(first + i, name, f"amqp:{name}:{suffix}") for i, name in enumerate(names.split())]


DESCRIPTORS: tuple[DescriptorEntry, ...] = (
    # Part 2 §2.7: performatives
    *_entries(0x10, "open begin attach flow transfer disposition detach end close"),
    # Part 2 §2.8.14: error
    *_entries(0x1D, "error"),
    # Part 3 §3.4: delivery states
    *_entries(0x23, "received accepted rejected released modified"),
    # Part 3 §3.5: source, target, lifetime policies
    *_entries(0x28, "source target"),
    *_entries(
        0x2B,
        "delete-on-close delete-on-no-links delete-on-no-messages delete-on-no-links-or-messages",
    ),
    # Part 4 §4.5: transactions
    *_entries(0x30, "coordinator declare discharge declared transactional-state"),
    # Part 5 §5.3.3: SASL frame bodies
    *_entries(0x40, "sasl-mechanisms sasl-init sasl-challenge sasl-response sasl-outcome"),
    # Part 3 §3.2: message sections
    *_entries(0x70, "header"),
    *_entries(0x71, "delivery-annotations message-annotations", "map"),
    *_entries(0x73, "properties"),
    *_entries(0x74, "application-properties", "map"),
    *_entries(0x75, "data", "binary"),
    *_entries(0x76, "amqp-sequence"),
    *_entries(0x77, "amqp-value", "*"),
    *_entries(0x78, "footer", "map"),
)

DESCRIPTOR_BY_CODE: dict[int, DescriptorEntry] = {d.code: d for d in DESCRIPTORS}
DESCRIPTOR_BY_SYMBOL: dict[str, DescriptorEntry] = {d.symbol: d for d in DESCRIPTORS}


# --------------------------------------------------------------------------- composites


class Field(NamedTuple):
    """One field of a composite type, as the spec's field table gives it.

    ``type`` is the spec's type name (a primitive, a restricted type such as
    ``milliseconds`` or ``role``, a composite such as ``error``, or ``*``);
    ``requires`` lists the archetype a ``*`` field requires (``delivery-state``,
    ``source``, ...), for documentation; ``default`` is the spec default as text.
    """

    name: str
    type: str
    mandatory: bool
    multiple: bool
    default: str | None
    requires: str | None


class CompositeSpec(NamedTuple):
    """One composite type: its name, descriptor code and symbol, fields, the spec section
    defining it, and the archetypes it provides (``delivery-state``, ``outcome``,
    ``source``, ``target``, ``lifetime-policy``): what a ``*`` field that requires one
    of them may hold (Part 1 §1.4)."""

    name: str
    code: int
    symbol: str
    fields: tuple[Field, ...]
    section: str
    provides: frozenset[str] = frozenset()


#: Restricted types (Part 1 §1.3) and the primitive each is carried as on the wire.
RESTRICTED: dict[str, str] = {
    "role": "boolean",
    "sender-settle-mode": "ubyte",
    "receiver-settle-mode": "ubyte",
    "handle": "uint",
    "seconds": "uint",
    "milliseconds": "uint",
    "delivery-tag": "binary",
    "delivery-number": "uint",
    "transfer-number": "uint",
    "sequence-no": "uint",
    "message-format": "uint",
    "ietf-language-tag": "symbol",
    "fields": "map",
    "terminus-durability": "uint",
    "terminus-expiry-policy": "symbol",
    "node-properties": "map",
    "filter-set": "map",
    "std-dist-mode": "symbol",
    "sasl-code": "ubyte",
    "txn-capability": "symbol",
    "annotations": "map",
    "message-id-ulong": "ulong",
    "message-id-uuid": "uuid",
    "message-id-binary": "binary",
    "message-id-string": "string",
    "address-string": "string",
}

# The field tables of Parts 2-5, one composite a block: "name code section", then
# "provides=..." where the type provides archetypes; then one line a field: name, type,
# then flags (mandatory, multiple, default=..., requires=...).
_COMPOSITE_TABLE = """
open 0x10 2.7.1
    container-id string mandatory
    hostname string
    max-frame-size uint default=4294967295
    channel-max ushort default=65535
    idle-time-out milliseconds
    outgoing-locales ietf-language-tag multiple
    incoming-locales ietf-language-tag multiple
    offered-capabilities symbol multiple
    desired-capabilities symbol multiple
    properties fields
begin 0x11 2.7.2
    remote-channel ushort
    next-outgoing-id transfer-number mandatory
    incoming-window uint mandatory
    outgoing-window uint mandatory
    handle-max handle default=4294967295
    offered-capabilities symbol multiple
    desired-capabilities symbol multiple
    properties fields
attach 0x12 2.7.3
    name string mandatory
    handle handle mandatory
    role role mandatory
    snd-settle-mode sender-settle-mode default=mixed
    rcv-settle-mode receiver-settle-mode default=first
    source * requires=source
    target * requires=target
    unsettled map
    incomplete-unsettled boolean default=false
    initial-delivery-count sequence-no
    max-message-size ulong
    offered-capabilities symbol multiple
    desired-capabilities symbol multiple
    properties fields
flow 0x13 2.7.4
    next-incoming-id transfer-number
    incoming-window uint mandatory
    next-outgoing-id transfer-number mandatory
    outgoing-window uint mandatory
    handle handle
    delivery-count sequence-no
    link-credit uint
    available uint
    drain boolean default=false
    echo boolean default=false
    properties fields
transfer 0x14 2.7.5
    handle handle mandatory
    delivery-id delivery-number
    delivery-tag delivery-tag
    message-format message-format
    settled boolean
    more boolean default=false
    rcv-settle-mode receiver-settle-mode
    state * requires=delivery-state
    resume boolean default=false
    aborted boolean default=false
    batchable boolean default=false
disposition 0x15 2.7.6
    role role mandatory
    first delivery-number mandatory
    last delivery-number
    settled boolean default=false
    state * requires=delivery-state
    batchable boolean default=false
detach 0x16 2.7.7
    handle handle mandatory
    closed boolean default=false
    error error
end 0x17 2.7.8
    error error
close 0x18 2.7.9
    error error
error 0x1d 2.8.14
    condition symbol mandatory
    description string
    info fields
received 0x23 3.4.1 provides=delivery-state
    section-number uint mandatory
    section-offset ulong mandatory
accepted 0x24 3.4.2 provides=delivery-state,outcome
rejected 0x25 3.4.3 provides=delivery-state,outcome
    error error
released 0x26 3.4.4 provides=delivery-state,outcome
modified 0x27 3.4.5 provides=delivery-state,outcome
    delivery-failed boolean
    undeliverable-here boolean
    message-annotations fields
source 0x28 3.5.3 provides=source
    address * requires=address
    durable terminus-durability default=none
    expiry-policy terminus-expiry-policy default=session-end
    timeout seconds default=0
    dynamic boolean default=false
    dynamic-node-properties node-properties
    distribution-mode symbol requires=distribution-mode
    filter filter-set
    default-outcome * requires=outcome
    outcomes symbol multiple
    capabilities symbol multiple
target 0x29 3.5.4 provides=target
    address * requires=address
    durable terminus-durability default=none
    expiry-policy terminus-expiry-policy default=session-end
    timeout seconds default=0
    dynamic boolean default=false
    dynamic-node-properties node-properties
    capabilities symbol multiple
delete-on-close 0x2b 3.5.10 provides=lifetime-policy
delete-on-no-links 0x2c 3.5.11 provides=lifetime-policy
delete-on-no-messages 0x2d 3.5.12 provides=lifetime-policy
delete-on-no-links-or-messages 0x2e 3.5.13 provides=lifetime-policy
coordinator 0x30 4.5.1 provides=target
    capabilities txn-capability multiple
declare 0x31 4.5.2
    global-id * requires=global-tx-id
discharge 0x32 4.5.3
    txn-id * mandatory requires=txn-id
    fail boolean
declared 0x33 4.5.4 provides=delivery-state,outcome
    txn-id * mandatory requires=txn-id
transactional-state 0x34 4.5.5 provides=delivery-state
    txn-id * mandatory requires=txn-id
    outcome * requires=outcome
sasl-mechanisms 0x40 5.3.3.1
    sasl-server-mechanisms symbol mandatory multiple
sasl-init 0x41 5.3.3.2
    mechanism symbol mandatory
    initial-response binary
    hostname string
sasl-challenge 0x42 5.3.3.3
    challenge binary mandatory
sasl-response 0x43 5.3.3.4
    response binary mandatory
sasl-outcome 0x44 5.3.3.5
    code sasl-code mandatory
    additional-data binary
header 0x70 3.2.1
    durable boolean default=false
    priority ubyte default=4
    ttl milliseconds
    first-acquirer boolean default=false
    delivery-count uint default=0
properties 0x73 3.2.4
    message-id * requires=message-id
    user-id binary
    to * requires=address
    subject string
    reply-to * requires=address
    correlation-id * requires=message-id
    content-type symbol
    content-encoding symbol
    absolute-expiry-time timestamp
    creation-time timestamp
    group-id string
    group-sequence sequence-no
    reply-to-group-id string
"""


def _parse_composites(text: str) -> dict[str, CompositeSpec]:
    composites: dict[str, CompositeSpec] = {}
    current: tuple[str, int, str, frozenset[str]] | None = None
    fields: list[Field] = []

    def close() -> None:
        if current is not None:
            name, code, section, provides = current
            entry = DESCRIPTOR_BY_CODE[code]
            assert entry.name == name, (name, entry)
            composites[name] = CompositeSpec(name, code, entry.symbol, tuple(fields), section, provides)

    for line in text.strip().splitlines():
        if not line.startswith(" "):
            close()
            name, code, section, *rest = line.split()
            provides = frozenset(rest[0].removeprefix("provides=").split(",")) if rest else frozenset()
            current, fields = (name, int(code, 16), section, provides), []
            continue
        words = line.split()
        flags = {w.split("=")[0]: (w.split("=", 1)[1] if "=" in w else "") for w in words[2:]}
        fields.append(
            Field(
                name=words[0],
                type=words[1],
                mandatory="mandatory" in flags,
                multiple="multiple" in flags,
                default=flags.get("default"),
                requires=flags.get("requires"),
            )
        )
    close()
    return composites


#: Every composite type with a list encoding in Parts 2-5, by spec name.
COMPOSITES: dict[str, CompositeSpec] = _parse_composites(_COMPOSITE_TABLE)
