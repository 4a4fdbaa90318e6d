"""``amqpcodec decode`` on strings that are not UTF-8: shown, marked, and no error.

Part 1 §1.6.20 says a string (str8-utf8, str32-utf8) is UTF-8, but some peers write
bytes as strings (uamqp, the C library under Azure's Python SDKs, sends a Python
``bytes`` annotation value as a str8).  The CLI decodes with
``unicode_errors="surrogateescape"``, so such a frame or message is shown instead of
failing: in text each bad byte is ``\\xNN`` and the string is flagged ``(not UTF-8)``;
in JSON the string has ``"utf8": false`` and ``"hex"``, its exact bytes.  The frames
and messages here are written byte by byte from the spec (§2.3.1 frames, §2.7.3 attach,
§3.2 sections, §1.6 encodings), not by our encoder, so that the bad strings are really
on the wire; expected outputs are snapshots (``tests/helpers/cli.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amqpcodec import Open, Transfer, decode_prefix, encode_frame, encode_transfer
from amqpcodec._jsonform import value_to_json
from amqpcodec.cli.text_values import NOT_UTF8, quote, string_text
from amqpcodec.errors import DecodeError
from amqpcodec.message import Message
from tests.helpers.cli import AMQP_HEADER, check_snapshot, decode

# --------------------------------------------------------------------------- wire bytes

#: The bytes of the strings that are not UTF-8: a Latin-1 "é" (0xe9 starts a three-byte
#: sequence that never comes), bytes a peer meant as binary (0x80 and 0x81 are
#: continuation bytes with no lead), and a lead byte 0xfe (never valid in UTF-8).
ORIGIN = b"caf\xe9"
PARTITION = b"\x80\x81key"
KEY = b"k\xfe"
LINK_NAME = b"link-\xff"


def str8(data: bytes) -> bytes:
    """A str8-utf8 (§1.6.20, constructor 0xa1), whatever ``data`` holds."""
    return b"\xa1" + bytes([len(data)]) + data


def sym8(text: str) -> bytes:
    """A sym8 (§1.6.21, constructor 0xa3)."""
    return b"\xa3" + bytes([len(text)]) + text.encode("ascii")


def map8(*items: bytes) -> bytes:
    """A map8 (§1.6.23, 0xc1: size, count of keys and values, then them)."""
    content = bytes([len(items)]) + b"".join(items)
    return b"\xc1" + bytes([len(content)]) + content


def list8(*items: bytes) -> bytes:
    """A list8 (§1.6.22, 0xc0: size, count, then the items)."""
    content = bytes([len(items)]) + b"".join(items)
    return b"\xc0" + bytes([len(content)]) + content


def section(code: int, value: bytes) -> bytes:
    """A message section (§3.2): the descriptor as a smallulong (0x00 0x53 code), then the value."""
    return b"\x00\x53" + bytes([code]) + value


#: message-annotations (§3.2.3, 0x72) with a bad x-opt-origin beside a good subject,
#: application-properties (§3.2.5, 0x74) with a key that is not UTF-8, a data body (0x75).
PAYLOAD = (
    section(0x72, map8(sym8("x-opt-origin"), str8(ORIGIN), sym8("x-opt-partition-key"), str8(PARTITION)))
    + section(0x74, map8(str8(KEY), str8(b"v"), str8(b"ok"), str8("ünï".encode())))
    + section(0x75, b"\xa0\x02hi")
)


def attach_frame() -> bytes:
    """An AMQP frame (§2.3.2: SIZE, DOFF 2, TYPE 0, channel 0) holding an attach
    (§2.7.3, descriptor 0x12) whose name is not UTF-8, handle 0 (uint0), role sender (false)."""
    body = b"\x00\x53\x12" + list8(str8(LINK_NAME), b"\x43", b"\x42")
    return (8 + len(body)).to_bytes(4, "big") + b"\x02\x00\x00\x00" + body


def stream() -> bytes:
    """A client's side: header, open, the attach above, one transfer carrying ``PAYLOAD``."""
    transfer = Transfer(handle=0, delivery_id=0, delivery_tag=b"\x00", message_format=0, settled=True)
    return b"".join(
        [
            AMQP_HEADER,
            encode_frame(Open(container_id="uamqp-client")),
            attach_frame(),
            *encode_transfer(transfer, PAYLOAD, max_frame_size=512),
        ]
    )


#: ``--values``: a bad str8 and a good one, one after the other.
VALUES = str8(ORIGIN) + str8(b"ok")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-strings")
    (path / "uamqp.bin").write_bytes(stream())
    (path / "values.bin").write_bytes(VALUES)
    return path


# --------------------------------------------------------------------------- the inputs


def test_the_inputs_are_not_utf8() -> None:
    """Read strictly, the payload and the attach fail: the CLI's tolerance is what shows them."""
    with pytest.raises(DecodeError, match="not valid UTF-8"):
        Message.decode(PAYLOAD)
    with pytest.raises(DecodeError, match="not valid UTF-8"):
        decode_prefix(attach_frame(), 8)
    for data in (ORIGIN, PARTITION, KEY, LINK_NAME):
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


# --------------------------------------------------------------------------- the command


def test_text(folder: Path) -> None:
    """Each bad byte as ``\\xNN`` and ``(not UTF-8)`` after the string, in a frame line
    (the attach's name) and in a message's tree (a value and a map key); exit status 0."""
    run = decode("uamqp.bin", cwd=folder)
    check_snapshot(run, "test_cli_strings/text.txt")
    assert 'string "caf\\xe9" (not UTF-8)' in run.stdout
    assert 'name="link-\\xff" (not UTF-8)' in run.stdout
    assert run.stdout.endswith("1 message, 0 errors, 0 peer errors\n")


def test_json(folder: Path) -> None:
    """``"utf8": false`` and ``"hex"`` (the exact bytes) on the bad strings, ``"value"``
    valid Unicode; the message object is ``Message.to_dict()`` of the tolerant decode."""
    run = decode("--json", "uamqp.bin", cwd=folder)
    check_snapshot(run, "test_cli_strings/json.jsonl")
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert [event["event"] for event in events] == ["header", "frame", "frame", "frame", "message", "summary"]
    name = events[2]["fields"]["name"]
    assert name == {"type": "string", "value": "link-\ufffd", "utf8": False, "hex": LINK_NAME.hex()}
    message = events[4]["message"]
    assert message == Message.decode(PAYLOAD, unicode_errors="surrogateescape").to_dict()
    annotations = message["message_annotations"]["value"]["value"]
    assert [bytes.fromhex(value["hex"]) for _, value in annotations] == [ORIGIN, PARTITION]
    assert all(value["utf8"] is False for _, value in annotations)
    properties = message["application_properties"]["value"]["value"]
    assert properties[0][0] == {"type": "string", "value": "k\ufffd", "utf8": False, "hex": KEY.hex()}
    assert properties[1] == [{"type": "string", "value": "ok"}, {"type": "string", "value": "ünï"}]


def test_json_is_lossless(folder: Path) -> None:
    """The ``hex`` of each marked string, written back as a str8, rebuilds the payload."""
    run = decode("--json", "uamqp.bin", cwd=folder)
    message = json.loads(run.stdout.splitlines()[-2])["message"]
    origin, partition = message["message_annotations"]["value"]["value"]
    rebuilt = section(
        0x72,
        map8(
            sym8(origin[0]["value"]),
            str8(bytes.fromhex(origin[1]["hex"])),
            sym8(partition[0]["value"]),
            str8(bytes.fromhex(partition[1]["hex"])),
        ),
    )
    assert PAYLOAD.startswith(rebuilt)


def test_values(folder: Path) -> None:
    """``--values`` reads strings the same way and marks them the same way."""
    check_snapshot(decode("--values", "values.bin", cwd=folder), "test_cli_strings/values.txt")


# --------------------------------------------------------------------------- the marker


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("caf\udce9", '"caf\\xe9" (not UTF-8)'),
        ("\udc80\udcff", '"\\x80\\xff" (not UTF-8)'),
        # real characters are never shown as \xNN: a non-printable one is \uNNNN
        ("caf\u00e9\u0085", '"café\\u0085"'),
        ("a\\xe9", '"a\\\\xe9"'),
        ("tab\there", '"tab\\there"'),
    ],
)
def test_string_text(text: str, shown: str) -> None:
    assert string_text(text) == shown
    assert string_text(text).endswith(NOT_UTF8) == shown.endswith("(not UTF-8)")
    assert string_text(text).startswith(quote(text))


@pytest.mark.parametrize(
    ("value", "form"),
    [
        ("caf\udce9", {"type": "string", "value": "caf\ufffd", "utf8": False, "hex": "636166e9"}),
        (
            "\udc80\udc81key",
            {"type": "string", "value": "\ufffd\ufffdkey", "utf8": False, "hex": "80816b6579"},
        ),
        ("ünï", {"type": "string", "value": "ünï"}),
        # escaped bytes that spell UTF-8 (built so; decoding never gives them): the text
        ("\udcc3\udca9", {"type": "string", "value": "é"}),
        # a surrogate outside U+DC80..U+DCFF has no encoding at all: the form is unchanged
        ("x\ud800", {"type": "string", "value": "x\ud800"}),
    ],
)
def test_json_form_of_strings(value: str, form: dict[str, object]) -> None:
    assert value_to_json(value) == form
    if form.get("utf8") is False:
        assert bytes.fromhex(str(form["hex"])) == value.encode("utf-8", "surrogateescape")
        assert json.dumps(form, ensure_ascii=False).encode("utf-8")  # valid Unicode throughout
