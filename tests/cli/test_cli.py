"""``amqpcodec decode`` through its real entry point: ``python -m amqpcodec`` in a subprocess.

Every expected output is written out below in full and compared exactly (never
regenerated from the code under test).  The inputs are built with the encoder
(``encode_frame``, ``encode_transfer``, ``Message.encode``) or are the sample files of
``examples/``; the hex dumps are literal output of ``xxd`` and ``hexdump -C``, and text
laid out as Wireshark lays out "Copy as Hex Dump" and the hex view of "Follow TCP
Stream" (written from its source's format strings, not produced by Wireshark itself).
Commands run in the folder holding their inputs, so file names print as given.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

import amqpcodec
from amqpcodec import (
    Attach,
    Begin,
    Close,
    ErrorCondition,
    Open,
    Rejected,
    Role,
    SaslCode,
    SaslInit,
    SaslMechanisms,
    SaslOutcome,
    Target,
    Transfer,
    encode_frame,
    encode_transfer,
)
from amqpcodec.cli.inputs import InputError, parse_hex
from amqpcodec.frames import ProtocolHeader
from amqpcodec.message import AMQPSequence, Header, Message, Properties
from amqpcodec.types import Array, Byte, Char, Decimal64, Described, Float, Short, Symbol, Timestamp

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AMQP_HEADER = bytes(ProtocolHeader(0, 0))
SASL_HEADER = bytes(ProtocolHeader(0, 3))


# --------------------------------------------------------------------------- running


@dataclasses.dataclass(frozen=True)
class Run:
    stdout: str
    stderr: str
    status: int


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "TERM")}
    src = str(Path(amqpcodec.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(part for part in (src, env.get("PYTHONPATH")) if part)
    env.update(extra)
    return env


def decode(*args: str, cwd: Path, stdin: bytes | None = None, **env: str) -> Run:
    """``python -m amqpcodec decode ARGS`` (stdout is a pipe, so no colour by default)."""
    proc = subprocess.run(
        [sys.executable, "-m", "amqpcodec", "decode", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=cwd,
        env=_env(**env),
        timeout=60,
    )
    return Run(proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"), proc.returncode)


# --------------------------------------------------------------------------- inputs


def small_c2s() -> bytes:
    """A client's side: header, open, begin, attach, one settled transfer, close."""
    message = Message(properties=Properties(message_id=1, to="q"), body="hi")
    transfer = Transfer(handle=0, delivery_id=0, delivery_tag=b"\x00", message_format=0, settled=True)
    return b"".join(
        [
            AMQP_HEADER,
            encode_frame(Open(container_id="c1")),
            encode_frame(Begin(next_outgoing_id=0, incoming_window=10, outgoing_window=10)),
            encode_frame(Attach(name="l1", handle=0, role=Role.SENDER, target=Target(address="q"))),
            *encode_transfer(transfer, message.encode(), max_frame_size=512),
            encode_frame(Close()),
        ]
    )


def small_s2c() -> bytes:
    """The server's side: header, open, begin, close."""
    return b"".join(
        [
            AMQP_HEADER,
            encode_frame(Open(container_id="b")),
            encode_frame(Begin(remote_channel=0, next_outgoing_id=0, incoming_window=10, outgoing_window=10)),
            encode_frame(Close()),
        ]
    )


def rich() -> bytes:
    """Fields left out of frame lines, a heartbeat, and a message using every section
    and many value types, with binaries longer than the truncation limits."""
    message = Message(
        header=Header(durable=False, delivery_count=3),
        delivery_annotations={"x-trace": Array("uint", [1, 2])},
        message_annotations={
            "x-opt-enqueued-time": Timestamp(1700000000123),
            "x-opt-ref": Described(Symbol("com.example:ref"), uuid.UUID(int=7)),
        },
        properties=Properties(user_id=b"u", absolute_expiry_time=Timestamp(253402300800005)),
        application_properties={
            "price": Decimal64("1.50"),
            "grade": Char("A"),
            "ratio": Float(0.5),
            "none": None,
            "bytes": b"\x01\x02",
        },
        body=[AMQPSequence([bytes(range(40)), {"k": [Byte(-1), Short(2)]}, "tab\there \x1b[31m"])],
        footer={"x-sig": bytes(range(40))},
    )
    error = ErrorCondition(condition="amqp:internal-error", description="boom")
    transfer = Transfer(
        handle=7,
        delivery_id=9,
        delivery_tag=bytes(range(20)),
        message_format=0,
        settled=True,
        state=Rejected(error=error),
    )
    return b"".join(
        [
            AMQP_HEADER,
            encode_frame(
                Open(
                    container_id="rich",
                    offered_capabilities=["ANONYMOUS-RELAY"],
                    properties={"product": "test"},
                )
            ),
            encode_frame(None),
            *encode_transfer(transfer, message.encode(), channel=3, max_frame_size=4096),
        ]
    )


def sasl_s2c() -> bytes:
    return b"".join(
        [
            SASL_HEADER,
            encode_frame(SaslMechanisms(sasl_server_mechanisms=["PLAIN", "ANONYMOUS"])),
            encode_frame(SaslOutcome(code=SaslCode.AUTH, additional_data=b"denied")),
        ]
    )


def sasl_c2s() -> bytes:
    init = SaslInit(mechanism="PLAIN", initial_response=b"\x00user\x00secret", hostname="broker.example")
    return SASL_HEADER + encode_frame(init) + AMQP_HEADER


def deliveries() -> bytes:
    """A delivery of another message format (not decoded) and an aborted one."""
    return b"".join(
        [
            AMQP_HEADER,
            encode_frame(
                Transfer(handle=0, delivery_id=0, delivery_tag=b"b", message_format=0x80013700),
                payload=b"opaque batch",
            ),
            encode_frame(Transfer(handle=0, delivery_id=1, delivery_tag=b"a", more=True), payload=b"part"),
            encode_frame(Transfer(handle=0, aborted=True)),
        ]
    )


def flipped(data: bytes, at: int, value: int) -> bytes:
    out = bytearray(data)
    out[at] = value
    return bytes(out)


SMALL = small_c2s()
#: The open frame at 8 (18 bytes), begin at 26 (20), attach at 46 (32), transfer at 78 (40), close at 118 (12).
OPEN_AT, BEGIN_AT, ATTACH_AT, TRANSFER_AT, CLOSE_AT = 8, 26, 46, 78, 118

INPUTS: dict[str, bytes] = {
    "small.bin": SMALL,
    "small-s2c.bin": small_s2c(),
    "rich.bin": rich(),
    "sasl-c2s.bin": sasl_c2s(),
    "sasl-s2c.bin": sasl_s2c(),
    "deliveries.bin": deliveries(),
    # from the second of the three frames of the sample's split delivery (offset 1209)
    "continued.bin": (EXAMPLES / "session.bin").read_bytes()[1209:],
    # mid-stream: from inside the open frame; from the begin frame on
    "mid.bin": SMALL[OPEN_AT + 5 :],
    "boundary.bin": SMALL[BEGIN_AT:],
    # a flipped byte: the attach's list constructor (0xc0 at +11) made 0xff
    "flip-body.bin": flipped(SMALL, ATTACH_AT + 11, 0xFF),
    # the begin's descriptor (0x11 at +10) made 0xee: not a performative
    "flip-descriptor.bin": flipped(SMALL, BEGIN_AT + 10, 0xEE),
    # the begin's SIZE (20) made 52: it swallows the attach as "payload"
    "flip-size.bin": flipped(SMALL, BEGIN_AT + 3, 52),
    # seven bytes of garbage between the begin and the attach
    "garbage.bin": SMALL[:ATTACH_AT] + b"\xde\xad\xbe\xef\x01\x02\x03" + SMALL[ATTACH_AT:],
    # the stream ends inside the close frame
    "truncated.bin": SMALL[:-5],
    "tls.bin": bytes(ProtocolHeader(0, 2)) + bytes.fromhex("160301007a0100007603035a"),
    "amqps.bin": bytes.fromhex("160301007a0100007603035a"),
    "amqp091.bin": b"AMQP\x00\x00\x09\x01",
    "amqp091-server.bin": bytes.fromhex("010000000001a4000a000a0009"),
    "amqp010.bin": b"AMQP\x01\x01\x00\x0a",
}

# `xxd small.bin`
XXD = """\
00000000: 414d 5150 0001 0000 0000 0012 0200 0000  AMQP............
00000010: 0053 10c0 0501 a102 6331 0000 0014 0200  .S......c1......
00000020: 0000 0053 11c0 0704 4043 520a 520a 0000  ...S....@CR.R...
00000030: 0020 0200 0000 0053 12c0 1307 a102 6c31  . .....S......l1
00000040: 4342 4040 4000 5329 c004 01a1 0171 0000  CB@@@.S).....q..
00000050: 0028 0200 0000 0053 14c0 0805 4343 a001  .(.....S....CC..
00000060: 0043 4100 5373 c007 0353 0140 a101 7100  .CA.Ss...S.@..q.
00000070: 5377 a102 6869 0000 000c 0200 0000 0053  Sw..hi.........S
00000080: 1845                                     .E
"""

# `hexdump -C small.bin`
HEXDUMP_C = """\
00000000  41 4d 51 50 00 01 00 00  00 00 00 12 02 00 00 00  |AMQP............|
00000010  00 53 10 c0 05 01 a1 02  63 31 00 00 00 14 02 00  |.S......c1......|
00000020  00 00 00 53 11 c0 07 04  40 43 52 0a 52 0a 00 00  |...S....@CR.R...|
00000030  00 20 02 00 00 00 00 53  12 c0 13 07 a1 02 6c 31  |. .....S......l1|
00000040  43 42 40 40 40 00 53 29  c0 04 01 a1 01 71 00 00  |CB@@@.S).....q..|
00000050  00 28 02 00 00 00 00 53  14 c0 08 05 43 43 a0 01  |.(.....S....CC..|
00000060  00 43 41 00 53 73 c0 07  03 53 01 40 a1 01 71 00  |.CA.Ss...S.@..q.|
00000070  53 77 a1 02 68 69 00 00  00 0c 02 00 00 00 00 53  |Sw..hi.........S|
00000080  18 45                                             |.E|
00000082
"""

# Wireshark, packet bytes, "Copy > ...as Hex Dump" (offset, two spaces, bytes, three spaces, ASCII)
WIRESHARK = """\
0000  41 4d 51 50 00 01 00 00 00 00 00 12 02 00 00 00   AMQP............
0010  00 53 10 c0 05 01 a1 02 63 31 00 00 00 14 02 00   .S......c1......
0020  00 00 00 53 11 c0 07 04 40 43 52 0a 52 0a 00 00   ...S....@CR.R...
0030  00 20 02 00 00 00 00 53 12 c0 13 07 a1 02 6c 31   . .....S......l1
0040  43 42 40 40 40 00 53 29 c0 04 01 a1 01 71 00 00   CB@@@.S).....q..
0050  00 28 02 00 00 00 00 53 14 c0 08 05 43 43 a0 01   .(.....S....CC..
0060  00 43 41 00 53 73 c0 07 03 53 01 40 a1 01 71 00   .CA.Ss...S.@..q.
0070  53 77 a1 02 68 69 00 00 00 0c 02 00 00 00 00 53   Sw..hi.........S
0080  18 45                                             .E
"""

# Wireshark, "Follow TCP Stream", hex dump view, both directions: the server's lines are
# indented, each direction counts its own offsets, segments start new lines.
FOLLOW = """\
00000000  41 4d 51 50 00 01 00 00                            AMQP....
    00000000  41 4d 51 50 00 01 00 00  00 00 00 11 02 00 00 00   AMQP.... ........
    00000010  00 53 10 c0 04 01 a1 01  62                        .S...... b
00000008  00 00 00 12 02 00 00 00  00 53 10 c0 05 01 a1 02   ........ .S......
00000018  63 31 00 00 00 14 02 00  00 00 00 53 11 c0 07 04   c1...... ...S....
00000028  40 43 52 0a 52 0a 00 00  00 20 02 00 00 00 00 53   @CR.R... . .....S
00000038  12 c0 13 07 a1 02 6c 31  43 42 40 40 40 00 53 29   ......l1 CB@@@.S)
00000048  c0 04 01 a1 01 71 00 00  00 28 02 00 00 00 00 53   .....q.. .(.....S
00000058  14 c0 08 05 43 43 a0 01  00 43 41 00 53 73 c0 07   ....CC.. .CA.Ss..
00000068  03 53 01 40 a1 01 71 00  53 77 a1 02 68 69         .S.@..q. Sw..hi
    00000019  00 00 00 16 02 00 00 00  00 53 11 c0 09 04 60 00   ........ .S....`.
    00000029  00 43 52 0a 52 0a 00 00  00 0c 02 00 00 00 00 53   .CR.R... .......S
    00000039  18 45                                              .E
00000076  00 00 00 0c 02 00 00 00  00 53 18 45               ........ .S.E
"""

# `xxd -s 0x14 small.bin`: a dump that starts inside the open frame, at offset 20
XXD_FROM_20 = """\
00000014: 0501 a102 6331 0000 0014 0200 0000 0053  ....c1.........S
00000024: 11c0 0704 4043 520a 520a 0000 0020 0200  ....@CR.R.... ..
00000034: 0000 0053 12c0 1307 a102 6c31 4342 4040  ...S......l1CB@@
00000044: 4000 5329 c004 01a1 0171 0000 0028 0200  @.S).....q...(..
00000054: 0000 0053 14c0 0805 4343 a001 0043 4100  ...S....CC...CA.
00000064: 5373 c007 0353 0140 a101 7100 5377 a102  Ss...S.@..q.Sw..
00000074: 6869 0000 000c 0200 0000 0053 1845       hi.........S.E
"""

HEX_INPUTS = {
    "small.xxd": XXD,
    "small.hd": HEXDUMP_C,
    "small.wireshark": WIRESHARK,
    "small.follow": FOLLOW,
    "from20.xxd": XXD_FROM_20,
    "bad.hex": "00000000: 414d 5150\n00000010: 0000\n",
    "words.hex": "0000000 4d41 5051 0100 0000\n0000008\n",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding every input above, as files."""
    path = tmp_path_factory.mktemp("cli")
    for name, data in INPUTS.items():
        (path / name).write_bytes(data)
    for name, text in HEX_INPUTS.items():
        (path / name).write_text(text, encoding="ascii")
    return path


def test_the_dumps_hold_the_small_stream() -> None:
    """The literal dumps above are of ``small_c2s()``; the follow dump holds both sides."""
    for text in (XXD, HEXDUMP_C, WIRESHARK):
        assert parse_hex(text).data == {"": SMALL}
    assert parse_hex(XXD).kind == "xxd dump"
    assert parse_hex(HEXDUMP_C).kind == "hexdump -C dump"
    follow = parse_hex(FOLLOW)
    assert follow.data == {"c2s": SMALL, "s2c": INPUTS["small-s2c.bin"]}
    assert [(chunk.direction, chunk.start, chunk.end) for chunk in follow.chunks] == [
        ("c2s", 0, 8),
        ("s2c", 0, 25),
        ("c2s", 8, 118),
        ("s2c", 25, 59),
        ("c2s", 118, 130),
    ]
    assert parse_hex(XXD_FROM_20).bases == {"": 20}
    assert parse_hex(XXD_FROM_20).data[""] == SMALL[20:]


# --------------------------------------------------------------------------- expected
# (the expected outputs are defined at the end of this module)


def check(run: Run, stdout: str, status: int = 0, stderr: str = "") -> None:
    assert run.stdout == stdout
    assert run.stderr == stderr
    assert run.status == status


# --------------------------------------------------------------------------- the samples


@pytest.fixture(scope="module")
def session_text() -> Run:
    return decode("examples/session.bin", cwd=ROOT)


def test_session_sample(session_text: Run) -> None:
    """The README's command: SASL, open ... close, three messages, one split over frames."""
    check(session_text, SESSION)


def test_session_hex_sample(session_text: Run) -> None:
    """``examples/session.hex`` is an xxd dump of ``session.bin``: the same output."""
    run = decode("examples/session.hex", cwd=ROOT)
    _, _, rest = SESSION.partition("\n")
    check(run, "c2s: examples/session.hex (xxd dump, 1910 bytes)\n" + rest)


def test_session_server_side() -> None:
    """``--s2c`` labels a single input as the server's: sasl-mechanisms, sasl-outcome ..."""
    check(decode("--s2c", "examples/session-s2c.bin", cwd=ROOT), SESSION_S2C)


def test_samples_match_their_generator() -> None:
    """The sample files are what ``examples/make_samples.py`` writes."""
    samples = _samples()
    c2s, s2c = samples.client_to_server(), samples.server_to_client()
    assert (EXAMPLES / "session.bin").read_bytes() == c2s
    assert (EXAMPLES / "session-c2s.bin").read_bytes() == c2s
    assert (EXAMPLES / "session-s2c.bin").read_bytes() == s2c
    assert (EXAMPLES / "session.hex").read_text(encoding="ascii") == samples.xxd(c2s)
    assert (EXAMPLES / "values.bin").read_bytes() == b"".join(amqpcodec.encode(v) for v in samples.VALUES)


def test_session_json_matches_the_codec() -> None:
    """``--json`` on the sample: the event sequence, and each message is ``Message.to_dict()``."""
    run = decode("--json", "examples/session-c2s.bin", "examples/session-s2c.bin", cwd=ROOT)
    assert run.status == 0 and run.stderr == ""
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert [
        (e["direction"], e["event"], e.get("performative", e.get("protocol"))) for e in events
    ] == SESSION_EVENTS
    messages = [e for e in events if e["event"] == "message"]
    samples = _samples()
    payloads = [m.encode() for m in (*samples.MESSAGES, samples.REPLY)]
    assert [m["message"] for m in messages] == [Message.decode(p).to_dict() for p in payloads]
    assert [(m["delivery_id"], m["frames"], m["size"]) for m in messages] == [
        (0, 1, len(payloads[0])),
        (1, 1, len(payloads[1])),
        (2, 3, len(payloads[2])),
        (0, 1, len(payloads[3])),
    ]


def _samples() -> Any:
    """``examples/make_samples.py`` as a module."""
    spec = importlib.util.spec_from_file_location("make_samples", EXAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- input kinds


def test_raw_text(folder: Path) -> None:
    check(decode("small.bin", cwd=folder), SMALL_TEXT)


def test_raw_json(folder: Path) -> None:
    run = decode("--json", "small.bin", cwd=folder)
    check(run, SMALL_JSON)
    assert all(json.loads(line)["connection"] == 1 for line in run.stdout.splitlines())


@pytest.mark.parametrize(
    ("name", "kind"),
    [("small.xxd", "xxd dump"), ("small.hd", "hexdump -C dump"), ("small.wireshark", "hex dump")],
)
def test_hex_dumps(folder: Path, name: str, kind: str) -> None:
    """xxd, hexdump -C and Wireshark dumps decode like the raw bytes they show."""
    _, _, rest = SMALL_TEXT.partition("\n")
    check(decode(name, cwd=folder), f"c2s: {name} ({kind}, 130 bytes)\n" + rest)


@pytest.mark.parametrize("name", ["small.xxd", "small.hd", "small.wireshark", "-"])
def test_hex_dump_json(folder: Path, name: str) -> None:
    check(decode("--json", name, cwd=folder, stdin=SMALL.hex().encode()), SMALL_JSON)


def test_plain_hex_on_stdin(folder: Path) -> None:
    """``echo 0000...| amqpcodec decode --hex -``: a frame without a header, mid-connection."""
    frame = encode_frame(Open(container_id="c1")).hex() + "\n"
    check(decode("--hex", "-", cwd=folder, stdin=frame.encode()), STDIN_OPEN)
    check(decode("-", cwd=folder, stdin=frame.encode()), STDIN_OPEN)


def test_plain_hex_wrapped_and_spaced(folder: Path) -> None:
    """``xxd -p`` lines, or bytes separated by spaces: plain hex all the same."""
    text = SMALL.hex()
    wrapped = "\n".join(text[at : at + 60] for at in range(0, len(text), 60)) + "\n"
    spaced = " ".join(text[at : at + 2] for at in range(0, len(text), 2))
    _, _, rest = SMALL_TEXT.partition("\n")
    for data in (wrapped, spaced):
        check(decode("-", cwd=folder, stdin=data.encode()), "c2s: <stdin> (plain hex, 130 bytes)\n" + rest)


def test_raw_forced(folder: Path) -> None:
    """``--raw`` reads hex text as the bytes it is: no AMQP there, an error."""
    check(decode("--raw", "small.xxd", cwd=folder), RAW_FORCED, status=1)


def test_two_files(folder: Path) -> None:
    """Two inputs: client then server, one direction after the other."""
    check(decode("small.bin", "small-s2c.bin", cwd=folder), TWO_FILES)
    check(decode("--s2c", "small-s2c.bin", "--c2s", "small.bin", cwd=folder), TWO_FILES)
    check(decode("--s2c", "small-s2c.bin", "small.bin", cwd=folder), TWO_FILES)


def test_wireshark_follow_stream(folder: Path) -> None:
    """Both directions in one dump, interleaved as captured."""
    check(decode("small.follow", cwd=folder), FOLLOW_TEXT)


def test_wireshark_follow_stream_json(folder: Path) -> None:
    check(decode("--json", "small.follow", cwd=folder), FOLLOW_JSON)


def test_dump_from_a_later_offset(folder: Path) -> None:
    """``xxd -s 0x14``: offsets stay those of the capture; the stream starts mid-frame."""
    check(decode("from20.xxd", cwd=folder), FROM_20)


# --------------------------------------------------------------------------- detection and resync


def test_sasl_handshake(folder: Path) -> None:
    check(decode("sasl-c2s.bin", "sasl-s2c.bin", cwd=folder), SASL_TEXT)


def test_mid_stream_inside_a_frame(folder: Path) -> None:
    check(decode("mid.bin", cwd=folder), MID_STREAM)


def test_mid_stream_on_a_frame_boundary(folder: Path) -> None:
    check(decode("boundary.bin", cwd=folder), ON_BOUNDARY)


def test_delivery_started_before_the_capture(folder: Path) -> None:
    """Its frames are shown with a note; no assembler error, no message."""
    check(decode("continued.bin", cwd=folder), CONTINUED)


def test_other_message_format_and_abort(folder: Path) -> None:
    check(decode("deliveries.bin", cwd=folder), DELIVERIES)


def test_flipped_byte_in_a_frame_body(folder: Path) -> None:
    """The frame is reported and skipped (its SIZE still holds); decoding goes on."""
    check(decode("flip-body.bin", cwd=folder), FLIP_BODY, status=1)


def test_flipped_descriptor(folder: Path) -> None:
    check(decode("flip-descriptor.bin", cwd=folder), FLIP_DESCRIPTOR, status=1)


def test_flipped_size(folder: Path) -> None:
    """A SIZE made larger swallows the next frame as payload: reported, then resynced."""
    check(decode("flip-size.bin", cwd=folder), FLIP_SIZE, status=1)


def test_garbage_between_frames(folder: Path) -> None:
    check(decode("garbage.bin", cwd=folder), GARBAGE, status=1)


def test_garbage_between_frames_json(folder: Path) -> None:
    check(decode("--json", "garbage.bin", cwd=folder), GARBAGE_JSON, status=1)


def test_truncated_stream(folder: Path) -> None:
    check(decode("truncated.bin", cwd=folder), TRUNCATED, status=1)


def test_tls(folder: Path) -> None:
    """The AMQP TLS header (Part 5 §5.2.1), and a bare TLS record (amqps): not decoded, not errors."""
    check(decode("tls.bin", cwd=folder), TLS)
    check(decode("amqps.bin", cwd=folder), AMQPS)


def test_amqp_0_9_1(folder: Path) -> None:
    """A 0-9-1 client header and a 0-9-1 server's first frame are named, not decoded."""
    check(decode("amqp091.bin", "amqp091-server.bin", cwd=folder), AMQP_091)


def test_amqp_0_10_json(folder: Path) -> None:
    check(decode("--json", "amqp010.bin", cwd=folder), AMQP_010_JSON)


# --------------------------------------------------------------------------- rendering


def test_rich_message(folder: Path) -> None:
    """Every section and many types named the spec's way; binaries cut at 32 bytes
    (16 in frame lines); a terminal escape in a string is escaped."""
    check(decode("rich.bin", cwd=folder), RICH)


def test_full_and_verbose(folder: Path) -> None:
    check(decode("--full", "-v", "rich.bin", cwd=folder), RICH_FULL_VERBOSE)


def test_rich_json(folder: Path) -> None:
    run = decode("--json", "rich.bin", cwd=folder)
    check(run, RICH_JSON)
    message = json.loads(run.stdout.splitlines()[4])
    payload = rich()[-337:]  # the last frame's payload: 337 bytes
    assert message["message"] == Message.decode(payload).to_dict()


# --------------------------------------------------------------------------- filters


def test_filter_channel() -> None:
    check(decode("--channel", "0", "examples/session.bin", cwd=ROOT), CHANNEL_0)


def test_filter_performative() -> None:
    run = decode("--performative", "attach,detach", "--performative", "end", "examples/session.bin", cwd=ROOT)
    check(run, PERFORMATIVES)


def test_filter_messages_only() -> None:
    check(decode("--messages-only", "--channel", "1", "examples/session.bin", cwd=ROOT), MESSAGES_ONLY)


def test_filters_keep_errors(folder: Path) -> None:
    check(decode("--messages-only", "garbage.bin", cwd=folder), GARBAGE_MESSAGES_ONLY, status=1)


# --------------------------------------------------------------------------- colour


def test_colour_forced(folder: Path) -> None:
    check(decode("--color", "small.bin", cwd=folder), SMALL_COLOUR)


def test_colour_off(folder: Path) -> None:
    """Piped output has none; NO_COLOR wins over --color; --no-color."""
    check(decode("--color", "small.bin", cwd=folder, NO_COLOR="1"), SMALL_TEXT)
    check(decode("--no-color", "small.bin", cwd=folder), SMALL_TEXT)
    check(decode("--json", "--color", "small.bin", cwd=folder), SMALL_JSON)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal(folder: Path) -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "amqpcodec", "decode", "small.bin"],
            stdout=terminal,
            stderr=subprocess.PIPE,
            cwd=folder,
            env=_env(TERM="xterm"),
            timeout=60,
        )
        os.close(terminal)
        terminal = -1
        output = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO once the terminal side is closed (Linux)
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    assert proc.returncode == 0
    assert output.decode().replace("\r\n", "\n") == SMALL_COLOUR


# --------------------------------------------------------------------------- values, errors


def test_values_mode() -> None:
    """``--values`` prints what the first ``amqpcodec decode`` printed, byte for byte."""
    check(decode("--values", "examples/values.bin", cwd=ROOT), VALUES)


def test_values_detected() -> None:
    """No header and no frame, but whole AMQP values: shown as with --values, noted on stderr."""
    note = "amqpcodec: examples/values.bin holds no AMQP frames but a sequence of AMQP values: shown as with --values\n"
    check(decode("examples/values.bin", cwd=ROOT), VALUES, stderr=note)


def test_values_mode_hex(folder: Path) -> None:
    data = amqpcodec.encode([Symbol("a"), 2**40]).hex()
    check(
        decode("--values", "-", cwd=folder, stdin=data.encode()),
        "@0: list (2 items)\n    symbol 'a'\n    long 1099511627776\n1 values, 15 bytes, 0 errors\n",
    )


def test_nothing_decodable(folder: Path) -> None:
    check(
        decode("-", cwd=folder, stdin=b"\xff" * 40),
        "c2s: <stdin> (raw, 40 bytes)\n"
        "   0  c2s       error       DecodeError: no AMQP protocol header and no frame in 40 bytes\n"
        "summary: 0 headers, 0 frames, 0 messages, 1 error\n",
        status=1,
    )


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["missing.bin"], "amqpcodec: error: missing.bin: No such file or directory\n"),
        (
            ["bad.hex"],
            "amqpcodec: error: bad.hex: line 1: the next offset (0x10) says 16 bytes, but the line holds 4\n",
        ),
        (
            ["words.hex"],
            "amqpcodec: error: words.hex: this looks like `hexdump` output (16-bit words in host byte order); "
            "use `hexdump -C`\n",
        ),
        (
            ["small.bin", "small.bin", "small.bin"],
            "amqpcodec: error: at most two inputs: one per direction of a connection\n",
        ),
        ([], "amqpcodec: error: no input given (a FILE, or '-' for stdin)\n"),
        (
            ["--c2s", "small.follow"],
            "amqpcodec: error: small.follow: this dump holds both directions; give it alone, without --c2s/--s2c\n",
        ),
        (
            ["--values", "--json", "small.bin"],
            "amqpcodec: error: --values takes one FILE and none of --c2s, --s2c, --json or the filters\n",
        ),
    ],
)
def test_input_errors(folder: Path, args: list[str], stderr: str) -> None:
    check(decode(*args, cwd=folder), "", status=2, stderr=stderr)


def test_usage_errors(folder: Path) -> None:
    run = decode("--performative", "opne", "small.bin", cwd=folder)
    assert run.status == 2 and run.stdout == ""
    assert run.stderr.endswith(
        "amqpcodec decode: error: argument --performative: unknown performative 'opne'; one of: sasl-mechanisms, "
        "sasl-init, sasl-challenge, sasl-response, sasl-outcome, open, begin, attach, flow, transfer, disposition, "
        "detach, end, close, heartbeat, described\n"
    )
    run = decode("--channel", "70000", "small.bin", cwd=folder)
    assert run.status == 2 and run.stderr.endswith("argument --channel: a channel is 0 to 65535, not 70000\n")
    proc = subprocess.run([sys.executable, "-m", "amqpcodec"], capture_output=True, env=_env(), timeout=60)
    assert proc.returncode == 2 and b"required" in proc.stderr


def test_output_closed_early(folder: Path) -> None:
    """``amqpcodec decode ... | head -1``: no traceback, exit status 2 (an output error)."""
    data = AMQP_HEADER + encode_frame(None) * 5000
    proc = subprocess.Popen(
        [sys.executable, "-m", "amqpcodec", "decode", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=folder,
        env=_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(data)
    proc.stdin.close()
    assert proc.stdout.readline() == b"c2s: <stdin> (raw, 40008 bytes)\n"
    proc.stdout.close()
    assert proc.wait(timeout=60) == 2
    assert proc.stderr.read() == b""
    proc.stderr.close()


# --------------------------------------------------------------------------- hex parsing, in process


def test_parse_hex_details() -> None:
    """hexdump's ``*`` repeats a line; offsets must continue; odd digits and prose are refused."""
    star = "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n00000030  41 42 |AB|\n00000032\n"
    assert parse_hex(star).data == {"": bytes(48) + b"AB"}
    # `xxd -c 8`: the ASCII column after the middle gap looks like hex; the next offset tells
    ascii_like_hex = "00000000: 6162 6364 6566 6162  abcdefab\n00000008: 61                   a\n"
    assert parse_hex(ascii_like_hex).data == {"": b"abcdefaba"}
    assert parse_hex("# a comment\n00 01\n02\n").data == {"": b"\x00\x01\x02"}
    for text, message in [
        (
            "00000000: 4142\n00000010: 4344\n",
            "line 1: the next offset (0x10) says 16 bytes, but the line holds 2",
        ),
        (
            "0000  41 42   ..\n0001  43      .\n",
            "line 1: the next offset (0x1) says 1 byte, but the line holds 2",
        ),
        ("0010  41 42   ..\n0000  43      .\n", "line 2: offset 0x0 does not follow offset 0x10"),
        ("abc", "an odd number of hex digits (3)"),
        ("hello world", "line 1 is neither plain hex nor a hex dump line: 'hello world'"),
        ("\n\n", "no hex digits found"),
    ]:
        with pytest.raises(InputError) as raised:
            parse_hex(text)
        assert str(raised.value) == message


# --------------------------------------------------------------------------- expected outputs
# Written out in full; the colour codes are ANSI SGR (ESC [ ... m).

SESSION = r"""c2s: examples/session.bin (raw, 1910 bytes)
   0  c2s       header      SASL 1.0.0
   8  c2s    0  sasl-init   mechanism=PLAIN initial-response=<0061707000736563726574> hostname="broker.example"
  58  c2s       header      AMQP 1.0.0
  66  c2s    0  open        container-id="shop-client" hostname="broker.example" max-frame-size=512 idle-time-out=30000
 120  c2s    1  begin       next-outgoing-id=0 incoming-window=100 outgoing-window=100
 140  c2s    1  attach      name="orders-sender" handle=0 role=sender snd-settle-mode=unsettled source="shop-client" target="orders" initial-delivery-count=0
 210  c2s    1  attach      name="replies-receiver" handle=1 role=receiver source="replies" target="shop-client"
 281  c2s    1  flow        next-incoming-id=0 incoming-window=100 next-outgoing-id=0 outgoing-window=100 handle=1 delivery-count=0 link-credit=10
 306  c2s    1  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 (payload 164 bytes)
 306  c2s    1  message     delivery-id=0 handle=0 delivery-tag=<00> (164 bytes)
                  properties
                    message-id: string "order-1001"
                    to: string "orders"
                    subject: string "order.created"
                    content-type: symbol "application/json"
                    creation-time: timestamp 2024-03-01T12:30:15.250Z
                  application-properties (3 entries)
                    string "tenant": string "acme"
                    string "retries": int 0
                    string "express": boolean true
                  data (45 bytes)
                    binary 7b226f72646572223a20313030312c2022736b75223a2022412d3130222c2022... (45 bytes)
                    utf-8 "{\"order\": 1001, \"sku\": \"A-10\", \"quantity\": 2}"
 490  c2s    1  transfer    handle=0 delivery-id=1 delivery-tag=<01> message-format=0 (payload 186 bytes)
 490  c2s    1  message     delivery-id=1 handle=0 delivery-tag=<01> (186 bytes)
                  header
                    durable: boolean true
                    priority: ubyte 7
                    ttl: uint 60000
                  message-annotations (2 entries)
                    symbol "x-opt-partition-key": string "acme"
                    symbol "x-opt-sequence-number": long 42
                  properties
                    message-id: uuid 00000000-0000-0000-0000-000000001234
                    to: string "orders"
                    group-id: string "acme"
                    group-sequence: uint 1
                  amqp-value
                    map (3 entries)
                      string "status": string "shipped"
                      string "tracking": list (2 items)
                        string "DE123"
                        string "DE124"
                      string "weight": double 2.5
 697  c2s    1  transfer    handle=0 delivery-id=2 delivery-tag=<02> message-format=0 more=true (payload 489 bytes)
1209  c2s    1  transfer    handle=0 more=true (payload 492 bytes)
1721  c2s    1  transfer    handle=0 (payload 95 bytes)
 697  c2s    1  message     delivery-id=2 handle=0 delivery-tag=<02> (1076 bytes in 3 frames)
                  properties
                    message-id: ulong 1003
                    to: string "orders"
                    content-type: symbol "text/csv"
                  data (1031 bytes)
                    binary 736b752c7175616e746974792c70726963650a412d30302c312c302e39390a41... (1031 bytes)
                    utf-8 "sku,quantity,price\nA-00,1,0.99\nA-01,2,3.99\nA-02,3,6.99\nA-03,4,9."... (1031 characters)
1831  c2s    1  disposition role=receiver first=0 settled=true state=accepted
1853  c2s    1  detach      handle=0 closed=true
1869  c2s    1  detach      handle=1 closed=true
1886  c2s    1  end
1898  c2s    0  close
summary: 2 headers, 16 frames (sasl-init 1, open 1, begin 1, attach 2, flow 1, transfer 5, disposition 1, detach 2, end 1, close 1), 3 messages, 0 errors
"""


SESSION_S2C = """\
s2c: examples/session-s2c.bin (raw, 390 bytes)
   0  s2c       header      SASL 1.0.0
   8  s2c    0  sasl-mechanisms sasl-server-mechanisms=[PLAIN, ANONYMOUS]
  42  s2c    0  sasl-outcome code=ok
  58  s2c       header      AMQP 1.0.0
  66  s2c    0  open        container-id="broker" max-frame-size=512 channel-max=255
  97  s2c    1  begin       remote-channel=1 next-outgoing-id=0 incoming-window=100 outgoing-window=100
 119  s2c    1  attach      name="orders-sender" handle=0 role=receiver target="orders"
 167  s2c    1  attach      name="replies-receiver" handle=1 role=sender source="replies" initial-delivery-count=0
 223  s2c    1  flow        next-incoming-id=0 incoming-window=100 next-outgoing-id=0 outgoing-window=100 handle=0 delivery-count=0 link-credit=50
 247  s2c    1  transfer    handle=1 delivery-id=0 delivery-tag=<7231> message-format=0 settled=false (payload 40 bytes)
 247  s2c    1  message     delivery-id=0 handle=1 delivery-tag=<7231> (40 bytes)
                  properties
                    message-id: string "r-1"
                    correlation-id: string "order-1001"
                  amqp-value
                    string "received"
 310  s2c    1  disposition role=receiver first=0 last=2 settled=true state=accepted
 333  s2c    1  detach      handle=0 closed=true
 349  s2c    1  detach      handle=1 closed=true
 366  s2c    1  end
 378  s2c    0  close
summary: 2 headers, 13 frames (sasl-mechanisms 1, sasl-outcome 1, open 1, begin 1, attach 2, flow 1, transfer 1, disposition 1, detach 2, end 1, close 1), 1 message, 0 errors
"""


SMALL_TEXT = """\
c2s: small.bin (raw, 130 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  open        container-id="c1"
  26  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10
  46  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  78  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  78  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
 118  c2s    0  close
summary: 1 header, 5 frames (open 1, begin 1, attach 1, transfer 1, close 1), 1 message, 0 errors
"""


SMALL_JSON = (
    '{"event": "header", "connection": 1, "direction": "c2s", "offset": 0, "protocol": "AMQP", "version": "1.0.0", "supported": true}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 8, "channel": 0, "performative": "open", "fields": {"container_id": {"type": "string", "value": "c1"}}, "frame_type": "amqp", "size": 18, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 26, "channel": 0, "performative": "begin", "fields": {"next_outgoing_id": {"type": "uint", "value": 0}, "incoming_window": {"type": "uint", "value": 10}, "outgoing_window": {"type": "uint", "value": 10}}, "frame_type": "amqp", "size": 20, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 46, "channel": 0, "performative": "attach", "fields": {"name": {"type": "string", "value": "l1"}, "handle": {"type": "uint", "value": 0}, "role": {"type": "boolean", "value": false}, "target": {"type": "target", "descriptor": {"type": "ulong", "value": "41"}, "fields": {"address": {"type": "string", "value": "q"}}}}, "frame_type": "amqp", "size": 32, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 78, "channel": 0, "performative": "transfer", "fields": {"handle": {"type": "uint", "value": 0}, "delivery_id": {"type": "uint", "value": 0}, "delivery_tag": {"type": "binary", "value": "00"}, "message_format": {"type": "uint", "value": 0}, "settled": {"type": "boolean", "value": true}}, "frame_type": "amqp", "size": 40, "payload_size": 19}\n'
    '{"event": "message", "connection": 1, "direction": "c2s", "offset": 78, "channel": 0, "handle": 0, "delivery_id": 0, "delivery_tag": "00", "message_format": 0, "settled": true, "frames": 1, "size": 19, "message": {"properties": {"type": "properties", "descriptor": {"type": "ulong", "value": "115"}, "fields": {"message_id": {"type": "ulong", "value": "1"}, "to": {"type": "string", "value": "q"}}}, "body": {"type": "amqp-value", "descriptor": {"type": "ulong", "value": "119"}, "value": {"type": "string", "value": "hi"}}}}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 118, "channel": 0, "performative": "close", "fields": {}, "frame_type": "amqp", "size": 12, "payload_size": 0}\n'
)


STDIN_OPEN = """\
c2s: <stdin> (plain hex, 18 bytes)
   0  c2s       resync      frame at offset 0 (no protocol header: the stream starts mid-connection)
   0  c2s    0  open        container-id="c1"
summary: 0 headers, 1 frame (open 1), 0 messages, 1 resync, 0 errors
"""


RAW_FORCED = """\
c2s: small.xxd (raw, 598 bytes)
   0  c2s       error       DecodeError: no AMQP protocol header and no frame in 598 bytes
summary: 0 headers, 0 frames, 0 messages, 1 error
"""


TWO_FILES = """\
c2s: small.bin (raw, 130 bytes)
s2c: small-s2c.bin (raw, 59 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  open        container-id="c1"
  26  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10
  46  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  78  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  78  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
 118  c2s    0  close
   0  s2c       header      AMQP 1.0.0
   8  s2c    0  open        container-id="b"
  25  s2c    0  begin       remote-channel=0 next-outgoing-id=0 incoming-window=10 outgoing-window=10
  47  s2c    0  close
summary: 2 headers, 8 frames (open 2, begin 2, attach 1, transfer 1, close 2), 1 message, 0 errors
"""


FOLLOW_TEXT = """\
c2s: small.follow (Wireshark follow-stream dump, 130 bytes)
s2c: small.follow (Wireshark follow-stream dump, 59 bytes)
   0  c2s       header      AMQP 1.0.0
   0  s2c       header      AMQP 1.0.0
   8  s2c    0  open        container-id="b"
   8  c2s    0  open        container-id="c1"
  26  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10
  46  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  78  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  78  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
  25  s2c    0  begin       remote-channel=0 next-outgoing-id=0 incoming-window=10 outgoing-window=10
  47  s2c    0  close
 118  c2s    0  close
summary: 2 headers, 8 frames (open 2, begin 2, attach 1, transfer 1, close 2), 1 message, 0 errors
"""


FOLLOW_JSON = (
    '{"event": "header", "connection": 1, "direction": "c2s", "offset": 0, "protocol": "AMQP", "version": "1.0.0", "supported": true}\n'
    '{"event": "header", "connection": 1, "direction": "s2c", "offset": 0, "protocol": "AMQP", "version": "1.0.0", "supported": true}\n'
    '{"event": "frame", "connection": 1, "direction": "s2c", "offset": 8, "channel": 0, "performative": "open", "fields": {"container_id": {"type": "string", "value": "b"}}, "frame_type": "amqp", "size": 17, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 8, "channel": 0, "performative": "open", "fields": {"container_id": {"type": "string", "value": "c1"}}, "frame_type": "amqp", "size": 18, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 26, "channel": 0, "performative": "begin", "fields": {"next_outgoing_id": {"type": "uint", "value": 0}, "incoming_window": {"type": "uint", "value": 10}, "outgoing_window": {"type": "uint", "value": 10}}, "frame_type": "amqp", "size": 20, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 46, "channel": 0, "performative": "attach", "fields": {"name": {"type": "string", "value": "l1"}, "handle": {"type": "uint", "value": 0}, "role": {"type": "boolean", "value": false}, "target": {"type": "target", "descriptor": {"type": "ulong", "value": "41"}, "fields": {"address": {"type": "string", "value": "q"}}}}, "frame_type": "amqp", "size": 32, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 78, "channel": 0, "performative": "transfer", "fields": {"handle": {"type": "uint", "value": 0}, "delivery_id": {"type": "uint", "value": 0}, "delivery_tag": {"type": "binary", "value": "00"}, "message_format": {"type": "uint", "value": 0}, "settled": {"type": "boolean", "value": true}}, "frame_type": "amqp", "size": 40, "payload_size": 19}\n'
    '{"event": "message", "connection": 1, "direction": "c2s", "offset": 78, "channel": 0, "handle": 0, "delivery_id": 0, "delivery_tag": "00", "message_format": 0, "settled": true, "frames": 1, "size": 19, "message": {"properties": {"type": "properties", "descriptor": {"type": "ulong", "value": "115"}, "fields": {"message_id": {"type": "ulong", "value": "1"}, "to": {"type": "string", "value": "q"}}}, "body": {"type": "amqp-value", "descriptor": {"type": "ulong", "value": "119"}, "value": {"type": "string", "value": "hi"}}}}\n'
    '{"event": "frame", "connection": 1, "direction": "s2c", "offset": 25, "channel": 0, "performative": "begin", "fields": {"remote_channel": {"type": "ushort", "value": 0}, "next_outgoing_id": {"type": "uint", "value": 0}, "incoming_window": {"type": "uint", "value": 10}, "outgoing_window": {"type": "uint", "value": 10}}, "frame_type": "amqp", "size": 22, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "s2c", "offset": 47, "channel": 0, "performative": "close", "fields": {}, "frame_type": "amqp", "size": 12, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 118, "channel": 0, "performative": "close", "fields": {}, "frame_type": "amqp", "size": 12, "payload_size": 0}\n'
)


FROM_20 = """\
c2s: from20.xxd (xxd dump, 110 bytes, from offset 20)
  20  c2s       resync      skipped 6 bytes, next frame at offset 26 (no protocol header: the stream starts mid-connection)
  26  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10
  46  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  78  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  78  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
 118  c2s    0  close
summary: 0 headers, 4 frames (begin 1, attach 1, transfer 1, close 1), 1 message, 1 resync, 0 errors
"""


SASL_TEXT = """\
c2s: sasl-c2s.bin (raw, 67 bytes)
s2c: sasl-s2c.bin (raw, 66 bytes)
   0  c2s       header      SASL 1.0.0
   8  c2s    0  sasl-init   mechanism=PLAIN initial-response=<007573657200736563726574> hostname="broker.example"
  59  c2s       header      AMQP 1.0.0
   0  s2c       header      SASL 1.0.0
   8  s2c    0  sasl-mechanisms sasl-server-mechanisms=[PLAIN, ANONYMOUS]
  42  s2c    0  sasl-outcome code=auth additional-data=<64656e696564>
summary: 3 headers, 3 frames (sasl-mechanisms 1, sasl-init 1, sasl-outcome 1), 0 messages, 0 errors
"""


MID_STREAM = """\
c2s: mid.bin (raw, 117 bytes)
   0  c2s       resync      skipped 13 bytes, next frame at offset 13 (no protocol header: the stream starts mid-connection)
  13  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10
  33  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  65  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  65  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
 105  c2s    0  close
summary: 0 headers, 4 frames (begin 1, attach 1, transfer 1, close 1), 1 message, 1 resync, 0 errors
"""


ON_BOUNDARY = """\
c2s: boundary.bin (raw, 104 bytes)
   0  c2s       resync      frame at offset 0 (no protocol header: the stream starts mid-connection)
   0  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10
  20  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  52  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  52  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
  92  c2s    0  close
summary: 0 headers, 4 frames (begin 1, attach 1, transfer 1, close 1), 1 message, 1 resync, 0 errors
"""


FLIP_BODY = """\
c2s: flip-body.bin (raw, 130 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  open        container-id="c1"
  26  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10
  57  c2s       error       DecodeError: unknown constructor 0xff (frame at offset 46)
  78  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  78  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
 118  c2s    0  close
summary: 1 header, 4 frames (open 1, begin 1, transfer 1, close 1), 1 message, 1 error
"""


FLIP_DESCRIPTOR = """\
c2s: flip-descriptor.bin (raw, 130 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  open        container-id="c1"
  26  c2s    0  described   descriptor=0xee value=[null, 0, 10, 10]
  34  c2s       error       DecodeError: the frame body is a described value with descriptor 0xee, not a performative (§2.7) (frame at offset 26)
  46  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  78  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  78  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
 118  c2s    0  close
summary: 1 header, 5 frames (open 1, attach 1, transfer 1, close 1, described 1), 1 message, 1 error
"""


FLIP_SIZE = """\
c2s: flip-size.bin (raw, 130 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  open        container-id="c1"
  26  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10 (payload 32 bytes)
  46  c2s       error       DecodeError: 32 bytes after the begin performative, which defines no payload (§2.3.2; only transfer does): the frame's SIZE is probably corrupt (frame at offset 26)
  46  c2s       resync      frame at offset 46 (after the frame at offset 26)
  46  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  78  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  78  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
 118  c2s    0  close
summary: 1 header, 5 frames (open 1, begin 1, attach 1, transfer 1, close 1), 1 message, 1 resync, 1 error
"""


GARBAGE = """\
c2s: garbage.bin (raw, 137 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  open        container-id="c1"
  26  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10
  46  c2s       error       FramingError: frame DOFF 1 is less than 2
  47  c2s       resync      skipped 6 bytes, next frame at offset 53 (after the error at offset 46)
  53  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  85  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  85  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
 125  c2s    0  close
summary: 1 header, 5 frames (open 1, begin 1, attach 1, transfer 1, close 1), 1 message, 1 resync, 1 error
"""


GARBAGE_JSON = (
    '{"event": "header", "connection": 1, "direction": "c2s", "offset": 0, "protocol": "AMQP", "version": "1.0.0", "supported": true}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 8, "channel": 0, "performative": "open", "fields": {"container_id": {"type": "string", "value": "c1"}}, "frame_type": "amqp", "size": 18, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 26, "channel": 0, "performative": "begin", "fields": {"next_outgoing_id": {"type": "uint", "value": 0}, "incoming_window": {"type": "uint", "value": 10}, "outgoing_window": {"type": "uint", "value": 10}}, "frame_type": "amqp", "size": 20, "payload_size": 0}\n'
    '{"event": "error", "connection": 1, "direction": "c2s", "offset": 46, "error": "FramingError", "condition": "amqp:connection:framing-error", "message": "frame DOFF 1 is less than 2", "frame_offset": 46}\n'
    '{"event": "resync", "connection": 1, "direction": "c2s", "offset": 47, "to": 53, "skipped": 6, "reason": "after the error at offset 46"}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 53, "channel": 0, "performative": "attach", "fields": {"name": {"type": "string", "value": "l1"}, "handle": {"type": "uint", "value": 0}, "role": {"type": "boolean", "value": false}, "target": {"type": "target", "descriptor": {"type": "ulong", "value": "41"}, "fields": {"address": {"type": "string", "value": "q"}}}}, "frame_type": "amqp", "size": 32, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 85, "channel": 0, "performative": "transfer", "fields": {"handle": {"type": "uint", "value": 0}, "delivery_id": {"type": "uint", "value": 0}, "delivery_tag": {"type": "binary", "value": "00"}, "message_format": {"type": "uint", "value": 0}, "settled": {"type": "boolean", "value": true}}, "frame_type": "amqp", "size": 40, "payload_size": 19}\n'
    '{"event": "message", "connection": 1, "direction": "c2s", "offset": 85, "channel": 0, "handle": 0, "delivery_id": 0, "delivery_tag": "00", "message_format": 0, "settled": true, "frames": 1, "size": 19, "message": {"properties": {"type": "properties", "descriptor": {"type": "ulong", "value": "115"}, "fields": {"message_id": {"type": "ulong", "value": "1"}, "to": {"type": "string", "value": "q"}}}, "body": {"type": "amqp-value", "descriptor": {"type": "ulong", "value": "119"}, "value": {"type": "string", "value": "hi"}}}}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 125, "channel": 0, "performative": "close", "fields": {}, "frame_type": "amqp", "size": 12, "payload_size": 0}\n'
)


TRUNCATED = """\
c2s: truncated.bin (raw, 125 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  open        container-id="c1"
  26  c2s    0  begin       next-outgoing-id=0 incoming-window=10 outgoing-window=10
  46  c2s    0  attach      name="l1" handle=0 role=sender target="q"
  78  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
  78  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
 118  c2s       error       IncompleteError: the stream ended inside a frame: 7 of 12 bytes
summary: 1 header, 4 frames (open 1, begin 1, attach 1, transfer 1), 1 message, 1 error
"""


TLS = """\
c2s: tls.bin (raw, 20 bytes)
   0  c2s       header      TLS 1.0.0: encrypted from here on, 12 bytes not decoded
summary: 1 header, 0 frames, 0 messages, 0 errors
"""


AMQPS = """\
c2s: amqps.bin (raw, 12 bytes)
   0  c2s       header      TLS: a TLS record with no AMQP TLS header before it (amqps), encrypted, 12 bytes not decoded
summary: 1 header, 0 frames, 0 messages, 0 errors
"""


AMQP_091 = """\
c2s: amqp091.bin (raw, 8 bytes)
s2c: amqp091-server.bin (raw, 13 bytes)
   0  c2s       header      AMQP 0-9-1: not AMQP 1.0
   0  s2c       header      AMQP 0-9-1: a connection.start frame (the server side of AMQP 0-9-1), not AMQP 1.0, 13 bytes not decoded
summary: 2 headers, 0 frames, 0 messages, 0 errors
"""


AMQP_010_JSON = '{"event": "header", "connection": 1, "direction": "c2s", "offset": 0, "protocol": "AMQP 0-10", "supported": false, "skipped": 0, "note": "not AMQP 1.0"}\n'


RICH = r"""c2s: rich.bin (raw, 501 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  open        container-id="rich"
  73  c2s    0  heartbeat
  81  c2s    3  transfer    handle=7 delivery-id=9 delivery-tag=<000102030405060708090a0b0c0d0e0f... (20 bytes)> message-format=0 settled=true state=rejected(error=amqp:internal-error "boom") (payload 337 bytes)
  81  c2s    3  message     delivery-id=9 handle=7 delivery-tag=<000102030405060708090a0b0c0d0e0f... (20 bytes)> settled state=rejected(error=amqp:internal-error "boom") (337 bytes)
                  header
                    durable: boolean false
                    delivery-count: uint 3
                  delivery-annotations (1 entry)
                    symbol "x-trace": array of uint (2 items)
                      uint 1
                      uint 2
                  message-annotations (2 entries)
                    symbol "x-opt-enqueued-time": timestamp 2023-11-14T22:13:20.123Z
                    symbol "x-opt-ref": described by symbol "com.example:ref"
                      uuid 00000000-0000-0000-0000-000000000007
                  properties
                    user-id: binary 75
                    absolute-expiry-time: timestamp 253402300800005 (ms since the Unix epoch, outside years 1-9999)
                  application-properties (5 entries)
                    string "price": decimal64 1.50
                    string "grade": char "A"
                    string "ratio": float 0.5
                    string "none": null
                    string "bytes": binary 0102
                  amqp-sequence (3 items)
                    binary 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f... (40 bytes)
                    map (1 entry)
                      string "k": list (2 items)
                        byte -1
                        short 2
                    string "tab\there \u001b[31m"
                  footer (1 entry)
                    symbol "x-sig": binary 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f... (40 bytes)
summary: 1 header, 3 frames (open 1, transfer 1, heartbeat 1), 1 message, 0 errors
"""


RICH_FULL_VERBOSE = r"""c2s: rich.bin (raw, 501 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  open        container-id="rich" offered-capabilities=[ANONYMOUS-RELAY] properties={product: "test"}
  73  c2s    0  heartbeat
  81  c2s    3  transfer    handle=7 delivery-id=9 delivery-tag=<000102030405060708090a0b0c0d0e0f10111213> message-format=0 settled=true state=rejected(error=amqp:internal-error "boom") (payload 337 bytes)
  81  c2s    3  message     delivery-id=9 handle=7 delivery-tag=<000102030405060708090a0b0c0d0e0f10111213> settled state=rejected(error=amqp:internal-error "boom") (337 bytes)
                  header
                    durable: boolean false
                    delivery-count: uint 3
                  delivery-annotations (1 entry)
                    symbol "x-trace": array of uint (2 items)
                      uint 1
                      uint 2
                  message-annotations (2 entries)
                    symbol "x-opt-enqueued-time": timestamp 2023-11-14T22:13:20.123Z
                    symbol "x-opt-ref": described by symbol "com.example:ref"
                      uuid 00000000-0000-0000-0000-000000000007
                  properties
                    user-id: binary 75
                    absolute-expiry-time: timestamp 253402300800005 (ms since the Unix epoch, outside years 1-9999)
                  application-properties (5 entries)
                    string "price": decimal64 1.50
                    string "grade": char "A"
                    string "ratio": float 0.5
                    string "none": null
                    string "bytes": binary 0102
                  amqp-sequence (3 items)
                    binary (40 bytes)
                      000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
                      2021222324252627
                    map (1 entry)
                      string "k": list (2 items)
                        byte -1
                        short 2
                    string "tab\there \u001b[31m"
                  footer (1 entry)
                    symbol "x-sig": binary (40 bytes)
                      000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
                      2021222324252627
summary: 1 header, 3 frames (open 1, transfer 1, heartbeat 1), 1 message, 0 errors
"""


RICH_JSON = (
    '{"event": "header", "connection": 1, "direction": "c2s", "offset": 0, "protocol": "AMQP", "version": "1.0.0", "supported": true}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 8, "channel": 0, "performative": "open", "fields": {"container_id": {"type": "string", "value": "rich"}, "offered_capabilities": {"type": "array", "element_type": "symbol", "value": [{"type": "symbol", "value": "ANONYMOUS-RELAY"}]}, "properties": {"type": "map", "value": [[{"type": "symbol", "value": "product"}, {"type": "string", "value": "test"}]]}}, "frame_type": "amqp", "size": 65, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 73, "channel": 0, "performative": null, "fields": {}, "frame_type": "amqp", "size": 8, "payload_size": 0}\n'
    '{"event": "frame", "connection": 1, "direction": "c2s", "offset": 81, "channel": 3, "performative": "transfer", "fields": {"handle": {"type": "uint", "value": 7}, "delivery_id": {"type": "uint", "value": 9}, "delivery_tag": {"type": "binary", "value": "000102030405060708090a0b0c0d0e0f10111213"}, "message_format": {"type": "uint", "value": 0}, "settled": {"type": "boolean", "value": true}, "state": {"type": "rejected", "descriptor": {"type": "ulong", "value": "37"}, "fields": {"error": {"type": "error", "descriptor": {"type": "ulong", "value": "29"}, "fields": {"condition": {"type": "symbol", "value": "amqp:internal-error"}, "description": {"type": "string", "value": "boom"}}}}}}, "frame_type": "amqp", "size": 420, "payload_size": 337}\n'
    '{"event": "message", "connection": 1, "direction": "c2s", "offset": 81, "channel": 3, "handle": 7, "delivery_id": 9, "delivery_tag": "000102030405060708090a0b0c0d0e0f10111213", "message_format": 0, "settled": true, "state": {"type": "rejected", "descriptor": {"type": "ulong", "value": "37"}, "fields": {"error": {"type": "error", "descriptor": {"type": "ulong", "value": "29"}, "fields": {"condition": {"type": "symbol", "value": "amqp:internal-error"}, "description": {"type": "string", "value": "boom"}}}}}, "frames": 1, "size": 337, "message": {"header": {"type": "header", "descriptor": {"type": "ulong", "value": "112"}, "fields": {"durable": {"type": "boolean", "value": false}, "delivery_count": {"type": "uint", "value": 3}}}, "delivery_annotations": {"type": "delivery-annotations", "descriptor": {"type": "ulong", "value": "113"}, "value": {"type": "map", "value": [[{"type": "symbol", "value": "x-trace"}, {"type": "array", "element_type": "uint", "value": [{"type": "uint", "value": 1}, {"type": "uint", "value": 2}]}]]}}, "message_annotations": {"type": "message-annotations", "descriptor": {"type": "ulong", "value": "114"}, "value": {"type": "map", "value": [[{"type": "symbol", "value": "x-opt-enqueued-time"}, {"type": "timestamp", "value": "1700000000123", "iso": "2023-11-14T22:13:20.123Z"}], [{"type": "symbol", "value": "x-opt-ref"}, {"type": "described", "descriptor": {"type": "symbol", "value": "com.example:ref"}, "value": {"type": "uuid", "value": "00000000-0000-0000-0000-000000000007"}}]]}}, "properties": {"type": "properties", "descriptor": {"type": "ulong", "value": "115"}, "fields": {"user_id": {"type": "binary", "value": "75"}, "absolute_expiry_time": {"type": "timestamp", "value": "253402300800005"}}}, "application_properties": {"type": "application-properties", "descriptor": {"type": "ulong", "value": "116"}, "value": {"type": "map", "value": [[{"type": "string", "value": "price"}, {"type": "decimal64", "value": "1.50"}], [{"type": "string", "value": "grade"}, {"type": "char", "value": "A"}], [{"type": "string", "value": "ratio"}, {"type": "float", "value": 0.5}], [{"type": "string", "value": "none"}, {"type": "null", "value": null}], [{"type": "string", "value": "bytes"}, {"type": "binary", "value": "0102"}]]}}, "body": [{"type": "amqp-sequence", "descriptor": {"type": "ulong", "value": "118"}, "value": {"type": "list", "value": [{"type": "binary", "value": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627"}, {"type": "map", "value": [[{"type": "string", "value": "k"}, {"type": "list", "value": [{"type": "byte", "value": -1}, {"type": "short", "value": 2}]}]]}, {"type": "string", "value": "tab\\there \\u001b[31m"}]}}], "footer": {"type": "footer", "descriptor": {"type": "ulong", "value": "120"}, "value": {"type": "map", "value": [[{"type": "symbol", "value": "x-sig"}, {"type": "binary", "value": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627"}]]}}}}\n'
)


CHANNEL_0 = """\
c2s: examples/session.bin (raw, 1910 bytes)
   8  c2s    0  sasl-init   mechanism=PLAIN initial-response=<0061707000736563726574> hostname="broker.example"
  66  c2s    0  open        container-id="shop-client" hostname="broker.example" max-frame-size=512 idle-time-out=30000
1898  c2s    0  close
summary: 2 headers, 16 frames (sasl-init 1, open 1, begin 1, attach 2, flow 1, transfer 5, disposition 1, detach 2, end 1, close 1), 3 messages, 0 errors
"""


PERFORMATIVES = """\
c2s: examples/session.bin (raw, 1910 bytes)
 140  c2s    1  attach      name="orders-sender" handle=0 role=sender snd-settle-mode=unsettled source="shop-client" target="orders" initial-delivery-count=0
 210  c2s    1  attach      name="replies-receiver" handle=1 role=receiver source="replies" target="shop-client"
1853  c2s    1  detach      handle=0 closed=true
1869  c2s    1  detach      handle=1 closed=true
1886  c2s    1  end
summary: 2 headers, 16 frames (sasl-init 1, open 1, begin 1, attach 2, flow 1, transfer 5, disposition 1, detach 2, end 1, close 1), 3 messages, 0 errors
"""


MESSAGES_ONLY = r"""c2s: examples/session.bin (raw, 1910 bytes)
 306  c2s    1  message     delivery-id=0 handle=0 delivery-tag=<00> (164 bytes)
                  properties
                    message-id: string "order-1001"
                    to: string "orders"
                    subject: string "order.created"
                    content-type: symbol "application/json"
                    creation-time: timestamp 2024-03-01T12:30:15.250Z
                  application-properties (3 entries)
                    string "tenant": string "acme"
                    string "retries": int 0
                    string "express": boolean true
                  data (45 bytes)
                    binary 7b226f72646572223a20313030312c2022736b75223a2022412d3130222c2022... (45 bytes)
                    utf-8 "{\"order\": 1001, \"sku\": \"A-10\", \"quantity\": 2}"
 490  c2s    1  message     delivery-id=1 handle=0 delivery-tag=<01> (186 bytes)
                  header
                    durable: boolean true
                    priority: ubyte 7
                    ttl: uint 60000
                  message-annotations (2 entries)
                    symbol "x-opt-partition-key": string "acme"
                    symbol "x-opt-sequence-number": long 42
                  properties
                    message-id: uuid 00000000-0000-0000-0000-000000001234
                    to: string "orders"
                    group-id: string "acme"
                    group-sequence: uint 1
                  amqp-value
                    map (3 entries)
                      string "status": string "shipped"
                      string "tracking": list (2 items)
                        string "DE123"
                        string "DE124"
                      string "weight": double 2.5
 697  c2s    1  message     delivery-id=2 handle=0 delivery-tag=<02> (1076 bytes in 3 frames)
                  properties
                    message-id: ulong 1003
                    to: string "orders"
                    content-type: symbol "text/csv"
                  data (1031 bytes)
                    binary 736b752c7175616e746974792c70726963650a412d30302c312c302e39390a41... (1031 bytes)
                    utf-8 "sku,quantity,price\nA-00,1,0.99\nA-01,2,3.99\nA-02,3,6.99\nA-03,4,9."... (1031 characters)
summary: 2 headers, 16 frames (sasl-init 1, open 1, begin 1, attach 2, flow 1, transfer 5, disposition 1, detach 2, end 1, close 1), 3 messages, 0 errors
"""


GARBAGE_MESSAGES_ONLY = """\
c2s: garbage.bin (raw, 137 bytes)
  46  c2s       error       FramingError: frame DOFF 1 is less than 2
  47  c2s       resync      skipped 6 bytes, next frame at offset 53 (after the error at offset 46)
  85  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  properties
                    message-id: ulong 1
                    to: string "q"
                  amqp-value
                    string "hi"
summary: 1 header, 5 frames (open 1, begin 1, attach 1, transfer 1, close 1), 1 message, 1 resync, 1 error
"""


SMALL_COLOUR = """\
c2s: small.bin (raw, 130 bytes)
{E}2m   0{E}0m  {E}36mc2s{E}0m       {E}1;34mheader{E}0m      AMQP 1.0.0
{E}2m   8{E}0m  {E}36mc2s{E}0m    0  {E}1mopen{E}0m        container-id="c1"
{E}2m  26{E}0m  {E}36mc2s{E}0m    0  {E}1mbegin{E}0m       next-outgoing-id=0 incoming-window=10 outgoing-window=10
{E}2m  46{E}0m  {E}36mc2s{E}0m    0  {E}1mattach{E}0m      name="l1" handle=0 role=sender target="q"
{E}2m  78{E}0m  {E}36mc2s{E}0m    0  {E}1mtransfer{E}0m    handle=0 delivery-id=0 delivery-tag=<00> message-format=0 settled=true (payload 19 bytes)
{E}2m  78{E}0m  {E}36mc2s{E}0m    0  {E}1;32mmessage{E}0m     delivery-id=0 handle=0 delivery-tag=<00> settled (19 bytes)
                  {E}32mproperties{E}0m
                    message-id: ulong 1
                    to: string "q"
                  {E}32mamqp-value{E}0m
                    string "hi"
{E}2m 118{E}0m  {E}36mc2s{E}0m    0  {E}1mclose{E}0m
{E}1msummary: 1 header, 5 frames (open 1, begin 1, attach 1, transfer 1, close 1), 1 message, 0 errors{E}0m
""".format(E="\x1b[")


VALUES = """\
@0: map (10 entries)
    string 'tenant': string 'acme'
    string 'region': string 'eu-west-1'
    string 'source': string 'web'
    string 'trace_id': string '4bf92f3577b34da6'
    string 'retries': int 3
    string 'size': int 1024
    string 'offset': long 1099511627776
    string 'express': boolean True
    string 'gift': boolean False
    string 'weight': double 2.5
@150: map (4 entries)
    symbol 'x-opt-partition-key': string 'orders'
    symbol 'x-opt-sequence-number': long 42
    symbol 'x-opt-enqueued-time': timestamp 1700000000123 (2023-11-14T22:13:20.123000+00:00)
    symbol 'x-opt-offset': ulong 9223372036854775813
@260: array of uint described by Symbol('com.example:ports') (3 items)
    uint 1
    uint 255
    uint 65536
@296: described ulong 1919250555
    list (3 items)
      symbol 'reading'
      float 21.5
      uuid 00000000-0000-0000-0000-000000001234
@340: uint 7
5 values, 342 bytes, 0 errors
"""


SESSION_EVENTS = [
    ("c2s", "header", "SASL"),
    ("c2s", "frame", "sasl-init"),
    ("c2s", "header", "AMQP"),
    ("c2s", "frame", "open"),
    ("c2s", "frame", "begin"),
    ("c2s", "frame", "attach"),
    ("c2s", "frame", "attach"),
    ("c2s", "frame", "flow"),
    ("c2s", "frame", "transfer"),
    ("c2s", "message", None),
    ("c2s", "frame", "transfer"),
    ("c2s", "message", None),
    ("c2s", "frame", "transfer"),
    ("c2s", "frame", "transfer"),
    ("c2s", "frame", "transfer"),
    ("c2s", "message", None),
    ("c2s", "frame", "disposition"),
    ("c2s", "frame", "detach"),
    ("c2s", "frame", "detach"),
    ("c2s", "frame", "end"),
    ("c2s", "frame", "close"),
    ("s2c", "header", "SASL"),
    ("s2c", "frame", "sasl-mechanisms"),
    ("s2c", "frame", "sasl-outcome"),
    ("s2c", "header", "AMQP"),
    ("s2c", "frame", "open"),
    ("s2c", "frame", "begin"),
    ("s2c", "frame", "attach"),
    ("s2c", "frame", "attach"),
    ("s2c", "frame", "flow"),
    ("s2c", "frame", "transfer"),
    ("s2c", "message", None),
    ("s2c", "frame", "disposition"),
    ("s2c", "frame", "detach"),
    ("s2c", "frame", "detach"),
    ("s2c", "frame", "end"),
    ("s2c", "frame", "close"),
]


CONTINUED = """\
c2s: continued.bin (raw, 701 bytes)
   0  c2s       resync      frame at offset 0 (no protocol header: the stream starts mid-connection)
   0  c2s    1  transfer    handle=0 more=true (payload 492 bytes) [continues a delivery whose first frame was not read]
 512  c2s    1  transfer    handle=0 (payload 95 bytes) [continues a delivery whose first frame was not read]
 622  c2s    1  disposition role=receiver first=0 settled=true state=accepted
 644  c2s    1  detach      handle=0 closed=true
 660  c2s    1  detach      handle=1 closed=true
 677  c2s    1  end
 689  c2s    0  close
summary: 0 headers, 7 frames (transfer 2, disposition 1, detach 2, end 1, close 1), 0 messages, 1 resync, 0 errors
"""


DELIVERIES = """\
c2s: deliveries.bin (raw, 95 bytes)
   0  c2s       header      AMQP 1.0.0
   8  c2s    0  transfer    handle=0 delivery-id=0 delivery-tag=<62> message-format=2147563264 (payload 12 bytes)
   8  c2s    0  message     delivery-id=0 handle=0 delivery-tag=<62> (12 bytes) message-format=0x80013700: not an AMQP message, not decoded
  44  c2s    0  transfer    handle=0 delivery-id=1 delivery-tag=<61> more=true (payload 4 bytes)
  71  c2s    0  transfer    handle=0 aborted=true
summary: 1 header, 3 frames (transfer 3), 1 message, 0 errors
"""
