"""Golden messages (OASIS AMQP 1.0 Part 3 §3.2) and the W1 reference payload.

Every hex literal below was worked out by hand from the specification (section
layout §3.2, described types §1.2, encodings §1.6), never produced by our encoder.
Each vector is ``G(name, hex, message, canonical)``: ``message`` is the exact expected
content, and ``canonical`` is ``None`` when ``hex`` is what ``encode`` must write,
else the hand-written canonical form.  ``sym()`` spells a sym8 (§1.6.21: 0xa3, one
size byte, ASCII) so the symbolic descriptors stay readable.

W1 (tests/data/w1_proton.hex, the benchmark payload) is a 539-byte message exactly as
Proton 0.40 encodes it; its content is asserted below field by field.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from amqpcodec import (
    Array,
    Byte,
    Char,
    Decimal32,
    Decimal64,
    Decimal128,
    DecodeError,
    Described,
    Float,
    IncompleteError,
    Int,
    Short,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UShort,
    decode_prefix,
)
from amqpcodec._jsonform import value_to_json
from amqpcodec._spec import TYPE_NAMES
from amqpcodec.message import (
    AMQPSequence,
    AMQPValue,
    ApplicationProperties,
    Data,
    DeliveryAnnotations,
    Footer,
    Header,
    Message,
    MessageAnnotations,
    Properties,
)
from amqpcodec.testing import same_value
from tests.helpers.messages import ATTRS, W1


def h(*parts: str) -> bytes:
    return bytes.fromhex("".join(parts).replace(" ", ""))


def sym(text: str) -> str:
    """sym8 (§1.6.21): a3, size, ASCII bytes."""
    return f"a3 {len(text):02x} {text.encode('ascii').hex()}"


class G(NamedTuple):
    name: str
    hex: str
    message: Message
    canonical: str | None = None

    @property
    def data(self) -> bytes:
        return h(self.hex)


U = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")

GOLDEN = [
    # §3.2.8 amqp-value: the smallest message, a null body.
    G("value-null", "00 53 77 40", Message(body=AMQPValue(None))),
    # §3.2.1 header, all five fields: durable true, priority ubyte 7, ttl uint 1000
    # (0x70: > 255), first-acquirer false, delivery-count smalluint 2.  No body.
    G(
        "header-full-no-body",
        "00 53 70 c0 0c 05 41 50 07 70 000003e8 42 52 02",
        Message(
            header=Header(
                durable=True, priority=UByte(7), ttl=UInt(1000), first_acquirer=False, delivery_count=UInt(2)
            )
        ),
    ),
    # §1.4: trailing nulls may be sent; the canonical form drops them.
    G(
        "header-trailing-nulls",
        "00 53 70 c0 04 03 42 40 40",
        Message(header=Header(durable=False)),
        canonical="00 53 70 c0 02 01 42",
    ),
    # §3.2.2 delivery-annotations: a symbol key and a ulong key (§3.2.10); amqp-value true.
    G(
        "delivery-annotations",
        "00 53 71 c1 0d 04 a3 03 782d61 52 01 53 07 a1 01 76  00 53 77 41",
        Message(
            delivery_annotations=DeliveryAnnotations._trusted({Symbol("x-a"): UInt(1), ULong(7): "v"}),
            body=AMQPValue(True),
        ),
    ),
    # §3.2.3 message-annotations holding a broker's enqueued time (a timestamp).
    G(
        "message-annotations-timestamp",
        "00 53 72 c1 1f 02 a3 13 782d6f70742d656e7175657565642d74696d65 83 0000018bcfe5687b",
        Message(
            message_annotations=MessageAnnotations._trusted(
                {Symbol("x-opt-enqueued-time"): Timestamp(1700000000123)}
            )
        ),
    ),
    # §3.2.4 properties, all thirteen fields.
    G(
        "properties-full",
        "00 53 73 c0 4a 0d"
        " 80 0000000000000102"  # message-id ulong 258
        " a0 01 75"  # user-id binary "u"
        " a1 01 71"  # to "q"
        " a1 01 73"  # subject "s"
        " a1 01 72"  # reply-to "r"
        " 98 00112233445566778899aabbccddeeff"  # correlation-id uuid
        " a3 03 742f70"  # content-type symbol "t/p"
        " a3 02 677a"  # content-encoding symbol "gz"
        " 83 0000000000000000"  # absolute-expiry-time 0
        " 83 00000000000003e8"  # creation-time 1000
        " a1 01 67"  # group-id "g"
        " 52 05"  # group-sequence 5
        " a1 01 68",  # reply-to-group-id "h"
        Message(
            properties=Properties(
                message_id=ULong(258),
                user_id=b"u",
                to="q",
                subject="s",
                reply_to="r",
                correlation_id=U,
                content_type=Symbol("t/p"),
                content_encoding=Symbol("gz"),
                absolute_expiry_time=Timestamp(0),
                creation_time=Timestamp(1000),
                group_id="g",
                group_sequence=UInt(5),
                reply_to_group_id="h",
            )
        ),
    ),
    # §3.2.5 application-properties: long 2**31, decimal128 0.5 (BID: exponent 6175 → 0x303e),
    # char U+00E9, null.
    G(
        "application-properties",
        "00 53 74 c1 2d 08"
        " a1 01 6b 81 0000000080000000"
        " a1 01 64 94 303e0000000000000000000000000005"
        " a1 01 63 73 000000e9"
        " a1 01 6e 40",
        Message(
            application_properties={"k": 2**31, "d": Decimal128("0.5"), "c": Char("é"), "n": None},
        ),
    ),
    # §3.2.6 data, three sections (the last vbin32, not canonical).
    G(
        "data-three-sections",
        "00 53 75 a0 03 616263  00 53 75 a0 00  00 53 75 b0 00000001 ff",
        Message(body=(Data(b"abc"), Data(b""), Data(b"\xff"))),
        canonical="00 53 75 a0 03 616263  00 53 75 a0 00  00 53 75 a0 01 ff",
    ),
    # §3.2.7 amqp-sequence, two sections: [uint 5, ""] and [].
    G(
        "amqp-sequence-two-sections",
        "00 53 76 c0 05 02 52 05 a1 00  00 53 76 45",
        Message(body=(AMQPSequence([UInt(5), ""]), AMQPSequence([]))),
    ),
    # §3.2.9 footer after an amqp-value body.
    G(
        "footer",
        "00 53 77 a1 02 6869  00 53 78 c1 0a 02 a3 03 736967 a0 02 0102",
        Message(body=AMQPValue("hi"), footer=Footer._trusted({Symbol("sig"): b"\x01\x02"})),
    ),
    # §1.2: a descriptor may be a full-width ulong (0x80) as well as a smallulong.
    G(
        "full-width-ulong-descriptors",
        "00 80 0000000000000070 45  00 80 0000000000000077 52 2a",
        Message(header=Header(), body=AMQPValue(UInt(42))),
        canonical="00 53 70 45  00 53 77 52 2a",
    ),
    # §1.2, §3.2: every section with its symbolic descriptor.
    G(
        "symbolic-descriptors",
        f"00 {sym('amqp:header:list')} 45"
        f" 00 {sym('amqp:delivery-annotations:map')} c1 01 00"
        f" 00 {sym('amqp:message-annotations:map')} c1 01 00"
        f" 00 {sym('amqp:properties:list')} 45"
        f" 00 {sym('amqp:application-properties:map')} c1 01 00"
        f" 00 {sym('amqp:data:binary')} a0 01 2a"
        f" 00 {sym('amqp:footer:map')} c1 01 00",
        Message(
            header=Header(),
            delivery_annotations={},
            message_annotations={},
            properties=Properties(),
            application_properties={},
            body=Data(b"*"),
            footer={},
        ),
        canonical="00 53 70 45  00 53 71 c1 01 00  00 53 72 c1 01 00  00 53 73 45  00 53 74 c1 01 00"
        "  00 53 75 a0 01 2a  00 53 78 c1 01 00",
    ),
    G(
        "symbolic-amqp-sequence",
        f"00 {sym('amqp:amqp-sequence:list')} c0 02 01 41",
        Message(body=AMQPSequence([True])),
        canonical="00 53 76 c0 02 01 41",
    ),
    G(
        "symbolic-amqp-value",
        f"00 {sym('amqp:amqp-value:*')} 40",
        Message(body=AMQPValue(None)),
        canonical="00 53 77 40",
    ),
    # A sym32 descriptor (§1.6.21) is valid too.
    G(
        "sym32-descriptor",
        "00 b3 00000010 616d71703a6865616465723a6c697374 45",
        Message(header=Header()),
        canonical="00 53 70 45",
    ),
    # What Proton writes for a message with defaults: empty header and properties lists.
    G(
        "empty-header-and-properties",
        "00 53 70 45 00 53 73 45",
        Message(header=Header(), properties=Properties()),
    ),
    # All seven sections in order.
    G(
        "all-sections",
        "00 53 70 c0 02 01 41"
        " 00 53 71 c1 05 02 a3 01 61 40"
        " 00 53 72 c1 04 02 53 01 41"
        " 00 53 73 c0 03 01 a1 00"
        " 00 53 74 c1 05 02 a1 01 6b 42"
        " 00 53 75 a0 00"
        " 00 53 78 c1 04 02 53 02 40",
        Message(
            header=Header(durable=True),
            delivery_annotations={"a": None},
            message_annotations={1: True},
            properties=Properties(message_id=""),
            application_properties={"k": False},
            body=b"",
            footer={2: None},
        ),
    ),
]

# §3.2.8: an amqp-value body holds any value.  (hex of the value, value, canonical hex)
VALUES: list[tuple[str, Any, str | None]] = [
    ("40", None, None),
    ("41", True, None),
    ("42", False, None),
    ("56 01", True, "41"),
    ("50 ff", UByte(255), None),
    ("60 0100", UShort(256), None),
    ("70 00010000", UInt(65536), None),
    ("52 07", UInt(7), None),
    ("43", UInt(0), None),
    ("70 00000007", UInt(7), "52 07"),
    ("80 0000000000000100", ULong(256), None),
    ("53 07", ULong(7), None),
    ("44", ULong(0), None),
    ("51 ff", Byte(-1), None),
    ("61 fffe", Short(-2), None),
    ("71 ffffff7f", Int(-129), None),
    ("54 80", Int(-128), None),
    ("81 0000000100000000", 2**32, None),
    ("55 7f", 127, None),
    ("72 3f800000", Float(1.0), None),
    ("82 3ff0000000000000", 1.0, None),
    ("74 32800001", Decimal32("1"), None),
    ("84 31c0000000000001", Decimal64("1"), None),
    ("94 30400000000000000000000000000001", Decimal128("1"), None),
    ("73 0001f600", Char("\U0001f600"), None),
    ("83 ffffffffffffffff", Timestamp(-1), None),
    ("98 00112233445566778899aabbccddeeff", U, None),
    ("a0 03 010203", b"\x01\x02\x03", None),
    ("b0 00000001 00", b"\x00", "a0 01 00"),
    ("a1 03 616263", "abc", None),
    ("b1 00000002 c3a9", "é", "a1 02 c3a9"),
    ("a3 01 73", Symbol("s"), None),
    ("b3 00000001 73", Symbol("s"), "a3 01 73"),
    ("45", [], None),
    ("c0 03 02 41 42", [True, False], None),
    ("d0 00000006 00000002 41 42", [True, False], "c0 03 02 41 42"),
    ("c1 04 02 a1 00 40", {"": None}, None),
    ("d1 00000007 00000002 a1 00 40", {"": None}, "c1 04 02 a1 00 40"),
    ("e0 05 03 52 07 00 09", Array("uint", [7, 0, 9]), None),
    ("f0 00000008 00000003 52 07 00 09", Array("uint", [7, 0, 9]), "e0 05 03 52 07 00 09"),
    ("00 a3 01 78 a1 01 79", Described(Symbol("x"), "y"), None),
    ("00 53 70 45", Described(ULong(0x70), []), None),
]


@pytest.mark.parametrize("g", GOLDEN, ids=[g.name for g in GOLDEN])
def test_decode(g: G) -> None:
    assert same_value(Message.decode(g.data), g.message)


@pytest.mark.parametrize("g", GOLDEN, ids=[g.name for g in GOLDEN])
def test_decode_lazy(g: G) -> None:
    message = Message.decode(g.data, lazy=True)
    assert message.encode() == g.data
    assert same_value(message, g.message)


@pytest.mark.parametrize("g", GOLDEN, ids=[g.name for g in GOLDEN])
def test_encode_canonical(g: G) -> None:
    expected = h(g.canonical) if g.canonical is not None else g.data
    assert g.message.encode() == expected
    assert Message.decode(g.data).encode() == expected


@pytest.mark.parametrize(("hexdata", "value", "canonical"), VALUES, ids=[v[0] for v in VALUES])
def test_amqp_value_of_every_kind(hexdata: str, value: Any, canonical: str | None) -> None:
    data = h("00 53 77", hexdata)
    message = Message.decode(data)
    assert type(message.body) is AMQPValue
    assert same_value(message.body.value, value)
    assert message.encode() == h("00 53 77", canonical or hexdata)
    assert Message(body=AMQPValue(value)).encode() == h("00 53 77", canonical or hexdata)


def test_every_amqp_type_has_an_amqp_value_vector() -> None:
    covered = {value_to_json(value)["type"] for _, value, _ in VALUES}
    assert set(TYPE_NAMES) <= covered | {"described"}


# --------------------------------------------------------------------------- errors

# (hex, error class, offset, field): §3.2 order and section rules.
ERRORS = [
    ("00 53 73 45 00 53 70 45", DecodeError, 4, "header"),  # header after properties
    ("00 53 70 45 00 53 70 45", DecodeError, 4, "header"),  # repeated header
    ("00 53 72 c1 01 00 00 53 71 c1 01 00", DecodeError, 6, "delivery-annotations"),  # DA after MA
    ("00 53 78 c1 01 00 00 53 71 c1 01 00", DecodeError, 6, "footer"),  # DA after the footer
    ("00 53 78 c1 01 00 ff", DecodeError, 6, "footer"),  # garbage after the footer
    ("00 53 75 a0 00 00 53 77 40", DecodeError, 5, "amqp-value"),  # data, then amqp-value
    ("00 53 75 a0 00 00 53 76 45", DecodeError, 5, "amqp-sequence"),  # data, then amqp-sequence
    ("00 53 76 45 00 53 75 a0 00", DecodeError, 4, "data"),  # amqp-sequence, then data
    ("00 53 77 40 00 53 77 40", DecodeError, 4, "amqp-value"),  # two amqp-values
    ("00 53 77 40 00 53 74 c1 01 00", DecodeError, 4, "application-properties"),  # body first
    ("00 53 75 a0 00 00 53 70 45", DecodeError, 5, "header"),  # header after the body
    ("53 70", DecodeError, 0, None),  # a value that is not a section
    ("00 53 77 40 ff", DecodeError, 4, None),  # unknown constructor where a section starts
    ("00 53 10 45", DecodeError, 0, None),  # open (0x10) is not a section
    ("00 44 40", DecodeError, 0, None),  # descriptor 0
    ("00 80 0000000100000070 45", DecodeError, 0, None),  # another domain's 0x70
    (f"00 {sym('amqp:open:list')} 45", DecodeError, 0, None),
    ("00 a1 01 78 40", DecodeError, 1, None),  # a string is not a section descriptor
    ("00 53 70 40", DecodeError, 3, "header"),  # a header must be a list
    ("00 53 75 a1 00", DecodeError, 3, "data"),  # data must be a binary
    ("00 53 74 c0 01 00", DecodeError, 3, "application-properties"),  # a map section holding a list
    ("00 53 70 c0 07 06 40 40 40 40 40 40", DecodeError, 3, "header"),  # six header fields
    ("00 53 74 c1 03 02 a1 01", DecodeError, 7, "application-properties"),  # past the map's size
    ("00 53", IncompleteError, 2, None),
    ("00 53 77", IncompleteError, 3, None),
    ("00 80 000000", IncompleteError, 2, None),
    ("00 53 75 b0 ffffffff", IncompleteError, None, None),  # a 4 GiB claim: no allocation
]


@pytest.mark.parametrize(("hexdata", "cls", "offset", "field"), ERRORS, ids=[e[0] for e in ERRORS])
@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_decode_error(
    hexdata: str, cls: type[DecodeError], offset: int | None, field: str | None, lazy: bool
) -> None:
    data = h(hexdata)
    with pytest.raises(cls) as info:
        message = Message.decode(data, lazy=lazy)
        for attr in ATTRS:
            getattr(message, attr)
    assert type(info.value) is cls
    if offset is not None:
        assert info.value.offset == offset
    if field is not None:
        assert info.value.field == field


@pytest.mark.parametrize("g", GOLDEN, ids=[g.name for g in GOLDEN])
@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_truncation_raises_incomplete(g: G, lazy: bool) -> None:
    """Every cut inside a section is IncompleteError; a cut between sections is a shorter message."""
    data = g.data
    boundaries = _section_boundaries(data)
    for cut in range(len(data)):
        if cut in boundaries:
            Message.decode(data[:cut], lazy=lazy)
        else:
            with pytest.raises(IncompleteError):
                Message.decode(data[:cut], lazy=lazy)


def _section_boundaries(data: bytes) -> set[int]:
    ends, pos = {0}, 0
    while pos < len(data):
        pos = decode_prefix(data, pos)[1]
        ends.add(pos)
    return ends


# --------------------------------------------------------------------------- W1


def w1_expected() -> Message:
    """W1's content, field by field, as the payload was specified."""
    return Message(
        header=Header(durable=True, ttl=UInt(60000)),
        properties=Properties(
            message_id="msg-0001",
            to="/queues/orders",
            subject="order.created",
            reply_to="/queues/replies",
            correlation_id="corr-42",
            content_type=Symbol("application/json"),
            creation_time=Timestamp(1700000000123),
        ),
        application_properties={
            "tenant": "acme",
            "region": "eu-west-1",
            "source": "web",
            "trace_id": "4bf92f3577b34da6",
            "retries": Int(3),
            "size": Int(1024),
            "offset": 1099511627776,
            "express": True,
            "gift": False,
            "weight": 2.5,
        },
        body=bytes(range(256)),
    )


def test_w1_decodes_exactly() -> None:
    assert len(W1) == 539
    message = Message.decode(W1)
    assert same_value(message, w1_expected())
    header = message.header
    assert header is not None and header.priority is None and header.effective_priority == 4
    assert message.delivery_annotations is None and message.message_annotations is None
    assert message.footer is None


def test_w1_reencodes_to_shorter_canonical_form() -> None:
    canonical = Message.decode(W1).encode()
    # Proton's map32 application-properties (d1, size 0x97, count 0x14) become a map8:
    # size 0x97 - 3 (the wider count) = 0x94.
    assert canonical == W1.replace(h("d1 00000097 00000014"), h("c1 94 14"))
    assert len(canonical) == 533
    assert same_value(Message.decode(canonical), w1_expected())
    assert Message.decode(canonical).encode() == canonical
    assert w1_expected().encode() == canonical


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_w1_truncation_raises_incomplete(lazy: bool) -> None:
    boundaries = _section_boundaries(W1)
    for cut in range(len(W1)):
        if cut not in boundaries:
            with pytest.raises(IncompleteError):
                Message.decode(W1[:cut], lazy=lazy)


def test_w1_lazy_keeps_proton_bytes() -> None:
    message = Message.decode(W1, lazy=True)
    assert message.encode() == W1
    assert same_value(message, w1_expected())
    assert message.encode() == W1


def test_sections_and_values_are_python_types() -> None:
    message = Message.decode(W1)
    properties = message.properties
    assert properties is not None
    assert type(properties.content_type) is Symbol and type(properties.message_id) is str
    assert type(properties.creation_time) is Timestamp
    assert type(message.application_properties) is ApplicationProperties
    assert [type(section) for section in message.body] == [Data]  # type: ignore[union-attr]


def test_equal_to_plain_decimal_is_not_enough() -> None:
    """The golden comparisons are exact: Decimal('0.50') is not the vector's Decimal128('0.5')."""
    other = Message(application_properties={"d": Decimal128(Decimal("0.50"))})
    assert not same_value(
        Message.decode(h("00 53 74 c1 15 02 a1 01 64 94 303e0000000000000000000000000005")), other
    )
