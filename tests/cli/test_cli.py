"""``amqpcodec decode`` through its real entry point: ``python -m amqpcodec`` in a subprocess.

Every expected output is compared exactly with a file written out in full under
``tests/data/cli/test_cli/`` (a snapshot, named after its test: see
``tests/helpers/cli.py`` for how to refresh them after a deliberate change; a normal
run never regenerates them from the code under test).  The inputs are built with the
encoder (``encode_frame``, ``encode_transfer``, ``Message.encode``: the builders are in
``tests/helpers/cli.py``) or are the sample files of ``examples/``; the hex dumps are
literal output of ``xxd`` and ``hexdump -C``, and text laid out as Wireshark lays out
"Copy as Hex Dump" and the hex view of "Follow TCP Stream" (written from its source's
format strings, not produced by Wireshark itself).  Commands run in the folder holding
their inputs, so file names print as given.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import amqpcodec
from amqpcodec import Open, encode_frame
from amqpcodec.cli.inputs import InputError, parse_hex
from amqpcodec.message import Message
from amqpcodec.types import Symbol
from tests.helpers.cli import (
    AMQP_HEADER,
    EXAMPLES,
    INPUTS,
    ROOT,
    SMALL,
    Run,
    check,
    check_snapshot,
    cli_env,
    decode,
    read_snapshot,
    rich,
)

# --------------------------------------------------------------------------- hex dumps

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


# --------------------------------------------------------------------------- the samples


@pytest.fixture(scope="module")
def session_text() -> Run:
    return decode("examples/session.bin", cwd=ROOT)


def test_session_sample(session_text: Run) -> None:
    """The README's command: SASL, open ... close, three messages, one split over frames."""
    check_snapshot(session_text, "test_cli/session_sample.txt")


def test_session_hex_sample(session_text: Run) -> None:
    """``examples/session.hex`` is an xxd dump of ``session.bin``: the same output."""
    run = decode("examples/session.hex", cwd=ROOT)
    _, _, rest = read_snapshot("test_cli/session_sample.txt").partition("\n")
    check(run, "c2s: examples/session.hex (xxd dump, 1910 bytes)\n" + rest)


def test_session_server_side() -> None:
    """``--s2c`` labels a single input as the server's: sasl-mechanisms, sasl-outcome ..."""
    check_snapshot(decode("--s2c", "examples/session-s2c.bin", cwd=ROOT), "test_cli/session_server_side.txt")


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
    *events, summary = [json.loads(line) for line in run.stdout.splitlines()]
    assert [
        (e["direction"], e["event"], e.get("performative", e.get("protocol"))) for e in events
    ] == SESSION_EVENTS
    assert summary["event"] == "summary" and (summary["messages"], summary["peer_errors"]) == (4, 0)
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
    check_snapshot(decode("small.bin", cwd=folder), "test_cli/raw_text.txt")


def test_raw_json(folder: Path) -> None:
    run = decode("--json", "small.bin", cwd=folder)
    check_snapshot(run, "test_cli/raw_json.jsonl")
    *events, summary = run.stdout.splitlines()
    assert all(json.loads(line)["connection"] == 1 for line in events)
    assert json.loads(summary)["event"] == "summary"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("small.xxd", "xxd dump"), ("small.hd", "hexdump -C dump"), ("small.wireshark", "hex dump")],
)
def test_hex_dumps(folder: Path, name: str, kind: str) -> None:
    """xxd, hexdump -C and Wireshark dumps decode like the raw bytes they show."""
    _, _, rest = read_snapshot("test_cli/raw_text.txt").partition("\n")
    check(decode(name, cwd=folder), f"c2s: {name} ({kind}, 130 bytes)\n" + rest)


@pytest.mark.parametrize("name", ["small.xxd", "small.hd", "small.wireshark", "-"])
def test_hex_dump_json(folder: Path, name: str) -> None:
    check(
        decode("--json", name, cwd=folder, stdin=SMALL.hex().encode()),
        read_snapshot("test_cli/raw_json.jsonl"),
    )


def test_plain_hex_on_stdin(folder: Path) -> None:
    """``echo 0000...| amqpcodec decode --hex -``: a frame without a header, mid-connection."""
    frame = encode_frame(Open(container_id="c1")).hex() + "\n"
    check_snapshot(decode("--hex", "-", cwd=folder, stdin=frame.encode()), "test_cli/plain_hex_on_stdin.txt")
    check(decode("-", cwd=folder, stdin=frame.encode()), read_snapshot("test_cli/plain_hex_on_stdin.txt"))


def test_plain_hex_wrapped_and_spaced(folder: Path) -> None:
    """``xxd -p`` lines, or bytes separated by spaces: plain hex all the same."""
    text = SMALL.hex()
    wrapped = "\n".join(text[at : at + 60] for at in range(0, len(text), 60)) + "\n"
    spaced = " ".join(text[at : at + 2] for at in range(0, len(text), 2))
    _, _, rest = read_snapshot("test_cli/raw_text.txt").partition("\n")
    for data in (wrapped, spaced):
        check(decode("-", cwd=folder, stdin=data.encode()), "c2s: <stdin> (plain hex, 130 bytes)\n" + rest)


def test_raw_forced(folder: Path) -> None:
    """``--raw`` reads hex text as the bytes it is: no AMQP there, an error."""
    check_snapshot(decode("--raw", "small.xxd", cwd=folder), "test_cli/raw_forced.txt", status=1)


def test_two_files(folder: Path) -> None:
    """Two inputs: client then server, one direction after the other."""
    check_snapshot(decode("small.bin", "small-s2c.bin", cwd=folder), "test_cli/two_files.txt")
    expected = read_snapshot("test_cli/two_files.txt")
    check(decode("--s2c", "small-s2c.bin", "--c2s", "small.bin", cwd=folder), expected)
    check(decode("--s2c", "small-s2c.bin", "small.bin", cwd=folder), expected)


def test_wireshark_follow_stream(folder: Path) -> None:
    """Both directions in one dump, interleaved as captured."""
    check_snapshot(decode("small.follow", cwd=folder), "test_cli/wireshark_follow_stream.txt")


def test_wireshark_follow_stream_json(folder: Path) -> None:
    check_snapshot(
        decode("--json", "small.follow", cwd=folder), "test_cli/wireshark_follow_stream_json.jsonl"
    )


def test_dump_from_a_later_offset(folder: Path) -> None:
    """``xxd -s 0x14``: offsets stay those of the capture; the stream starts mid-frame."""
    check_snapshot(decode("from20.xxd", cwd=folder), "test_cli/dump_from_a_later_offset.txt")


# --------------------------------------------------------------------------- detection and resync


def test_sasl_handshake(folder: Path) -> None:
    check_snapshot(decode("sasl-c2s.bin", "sasl-s2c.bin", cwd=folder), "test_cli/sasl_handshake.txt")


def test_mid_stream_inside_a_frame(folder: Path) -> None:
    check_snapshot(decode("mid.bin", cwd=folder), "test_cli/mid_stream_inside_a_frame.txt")


def test_mid_stream_on_a_frame_boundary(folder: Path) -> None:
    check_snapshot(decode("boundary.bin", cwd=folder), "test_cli/mid_stream_on_a_frame_boundary.txt")


def test_delivery_started_before_the_capture(folder: Path) -> None:
    """Its frames are shown with a note; no assembler error, no message."""
    check_snapshot(decode("continued.bin", cwd=folder), "test_cli/delivery_started_before_the_capture.txt")


def test_other_message_format_and_abort(folder: Path) -> None:
    check_snapshot(decode("deliveries.bin", cwd=folder), "test_cli/other_message_format_and_abort.txt")


def test_flipped_byte_in_a_frame_body(folder: Path) -> None:
    """The frame is reported and skipped (its SIZE still holds); decoding goes on."""
    check_snapshot(decode("flip-body.bin", cwd=folder), "test_cli/flipped_byte_in_a_frame_body.txt", status=1)


def test_flipped_descriptor(folder: Path) -> None:
    check_snapshot(decode("flip-descriptor.bin", cwd=folder), "test_cli/flipped_descriptor.txt", status=1)


def test_flipped_size(folder: Path) -> None:
    """A SIZE made larger swallows the next frame as payload: reported, then resynced."""
    check_snapshot(decode("flip-size.bin", cwd=folder), "test_cli/flipped_size.txt", status=1)


def test_garbage_between_frames(folder: Path) -> None:
    check_snapshot(decode("garbage.bin", cwd=folder), "test_cli/garbage_between_frames.txt", status=1)


def test_garbage_between_frames_json(folder: Path) -> None:
    check_snapshot(
        decode("--json", "garbage.bin", cwd=folder), "test_cli/garbage_between_frames_json.jsonl", status=1
    )


def test_truncated_stream(folder: Path) -> None:
    check_snapshot(decode("truncated.bin", cwd=folder), "test_cli/truncated_stream.txt", status=1)


def test_tls(folder: Path) -> None:
    """The AMQP TLS header (Part 5 §5.2.1), and a bare TLS record (amqps): not decoded, not errors."""
    check_snapshot(decode("tls.bin", cwd=folder), "test_cli/tls.txt")
    check_snapshot(decode("amqps.bin", cwd=folder), "test_cli/tls-amqps.txt")


def test_amqp_0_9_1(folder: Path) -> None:
    """A 0-9-1 client header, and a 0-9-1 server's first frame cut short (the first 13
    bytes of connection.start): decoded as 0-9-1, the cut frame an error (the full
    0-9-1 decoding is in ``test_cli_amqp091.py``)."""
    check_snapshot(
        decode("amqp091.bin", "amqp091-server.bin", cwd=folder), "test_cli/amqp_0_9_1.txt", status=1
    )


def test_amqp_0_10_json(folder: Path) -> None:
    check_snapshot(decode("--json", "amqp010.bin", cwd=folder), "test_cli/amqp_0_10_json.jsonl")


# --------------------------------------------------------------------------- rendering


def test_rich_message(folder: Path) -> None:
    """Every section and many types named the spec's way; binaries cut at 32 bytes
    (16 in frame lines); a terminal escape in a string is escaped."""
    check_snapshot(decode("rich.bin", cwd=folder), "test_cli/rich_message.txt")


def test_full_and_verbose(folder: Path) -> None:
    check_snapshot(decode("--full", "-v", "rich.bin", cwd=folder), "test_cli/full_and_verbose.txt")


def test_rich_json(folder: Path) -> None:
    run = decode("--json", "rich.bin", cwd=folder)
    check_snapshot(run, "test_cli/rich_json.jsonl")
    message = json.loads(run.stdout.splitlines()[4])
    payload = rich()[-337:]  # the last frame's payload: 337 bytes
    assert message["message"] == Message.decode(payload).to_dict()


# --------------------------------------------------------------------------- filters


def test_filter_channel() -> None:
    check_snapshot(decode("--channel", "0", "examples/session.bin", cwd=ROOT), "test_cli/filter_channel.txt")


def test_filter_performative() -> None:
    run = decode("--performative", "attach,detach", "--performative", "end", "examples/session.bin", cwd=ROOT)
    check_snapshot(run, "test_cli/filter_performative.txt")


def test_filter_messages_only() -> None:
    run = decode("--messages-only", "--channel", "1", "examples/session.bin", cwd=ROOT)
    check_snapshot(run, "test_cli/filter_messages_only.txt")


def test_filters_keep_errors(folder: Path) -> None:
    check_snapshot(
        decode("--messages-only", "garbage.bin", cwd=folder), "test_cli/filters_keep_errors.txt", status=1
    )


# --------------------------------------------------------------------------- colour


def test_colour_forced(folder: Path) -> None:
    check_snapshot(decode("--color", "small.bin", cwd=folder), "test_cli/colour_forced.txt")


def test_colour_off(folder: Path) -> None:
    """Piped output has none; NO_COLOR wins over --color; --no-color."""
    text, json_lines = read_snapshot("test_cli/raw_text.txt"), read_snapshot("test_cli/raw_json.jsonl")
    check(decode("--color", "small.bin", cwd=folder, NO_COLOR="1"), text)
    check(decode("--no-color", "small.bin", cwd=folder), text)
    check(decode("--json", "--color", "small.bin", cwd=folder), json_lines)


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
            env=cli_env(TERM="xterm"),
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
    assert output.decode().replace("\r\n", "\n") == read_snapshot("test_cli/colour_forced.txt")


# --------------------------------------------------------------------------- values, errors


def test_values_mode() -> None:
    """``--values`` prints what the first ``amqpcodec decode`` printed, byte for byte."""
    check_snapshot(decode("--values", "examples/values.bin", cwd=ROOT), "test_cli/values_mode.txt")


def test_values_detected() -> None:
    """No header and no frame, but whole AMQP values: shown as with --values, noted on stderr."""
    note = "amqpcodec: examples/values.bin holds no AMQP frames but a sequence of AMQP values: shown as with --values\n"
    check(decode("examples/values.bin", cwd=ROOT), read_snapshot("test_cli/values_mode.txt"), stderr=note)


def test_values_mode_hex(folder: Path) -> None:
    data = amqpcodec.encode([Symbol("a"), 2**40]).hex()
    check_snapshot(decode("--values", "-", cwd=folder, stdin=data.encode()), "test_cli/values_mode_hex.txt")


def test_nothing_decodable(folder: Path) -> None:
    check_snapshot(decode("-", cwd=folder, stdin=b"\xff" * 40), "test_cli/nothing_decodable.txt", status=1)


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
            "amqpcodec: error: --values takes one FILE and none of --c2s, --s2c, --json, --fail-on-peer-error "
            "or the filters\n",
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
        "detach, end, close, heartbeat, described, or an AMQP 0-9-1 frame: a method (basic.publish ...), "
        "content-header, content-body\n"
    )
    run = decode("--channel", "70000", "small.bin", cwd=folder)
    assert run.status == 2 and run.stderr.endswith("argument --channel: a channel is 0 to 65535, not 70000\n")
    proc = subprocess.run([sys.executable, "-m", "amqpcodec"], capture_output=True, env=cli_env(), timeout=60)
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
        env=cli_env(),
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


# --------------------------------------------------------------------------- expected events

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
