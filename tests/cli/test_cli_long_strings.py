"""``amqpcodec decode`` on long strings, and the summary's counts.

A string is cut at ``TEXT_PREVIEW`` characters unless ``--full``, wherever it is shown:
an AMQP 1.0 amqp-value string (Part 3 §3.2.8), an application property, a frame field,
an AMQP 0-9-1 longstr argument (0-9-1 §4.2.5.3), a headers table's ``S`` value
(§4.2.5.5) and a body's UTF-8 preview; a 300,000-character body is never one 300 KB
line.  Escaping works on whole strings (:func:`~amqpcodec.cli.text_values.quote`), and
must say exactly what the character-by-character rule says (checked here against a
reference written from that rule).  The summary always names both counts, ``N errors,
M peer errors``, and the JSON output ends with a ``summary`` object holding the same.
The inputs are written by our encoders: what is tested is the command's output.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from amqpcodec import Attach, Open, Role, Transfer, encode_frame, encode_transfer
from amqpcodec.amqp091 import BasicProperties, BasicPublish, ConnectionStartOk
from amqpcodec.amqp091.constants import PROTOCOL_HEADER
from amqpcodec.amqp091.writer import encode_message, encode_method
from amqpcodec.cli import build_parser, run
from amqpcodec.cli.text_values import NOT_UTF8, TEXT_PREVIEW, quote, string_text
from amqpcodec.frames import ProtocolHeader
from amqpcodec.message import AMQPValue, Data, Message, Properties

LONG = 300_000
#: A longest line a cut-short output may have (prefix, names, the cut text escaped).
MAX_LINE = 400


def _decode(path: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = run(build_parser().parse_args(["decode", *args, str(path)]), out)
    return status, out.getvalue()


def _amqp10(text: str) -> bytes:
    """A client's stream: header, open, attach (a long name), a transfer whose message
    holds ``text`` as an amqp-value and as an application property, one with a data body."""
    frames = [bytes(ProtocolHeader(0, 0)), encode_frame(Open(container_id="c", max_frame_size=1 << 20))]
    frames.append(encode_frame(Attach(name="n" * 100, handle=0, role=Role.SENDER), channel=0))
    messages = [
        Message(application_properties={"long": text}, body=AMQPValue(text)),
        Message(properties=Properties(subject="s"), body=Data(text.encode())),
    ]
    for number, message in enumerate(messages):
        transfer = Transfer(handle=0, delivery_id=number, delivery_tag=bytes([number]))
        frames += encode_transfer(transfer, message.encode(), max_frame_size=1 << 20)
    return b"".join(frames)


def _amqp091(text: str) -> bytes:
    """A client's stream: header, start-ok with a long printable response (longstr), a
    publish whose headers hold ``text`` (``S``) and whose body is ``text``."""
    response = ("x" * 200).encode()
    frames = [PROTOCOL_HEADER, encode_method(ConnectionStartOk(client_properties={}, response=response))]
    properties = BasicProperties(headers={"long": text}, message_id="m" * 100)
    frames += encode_message(
        BasicPublish(exchange="e", routing_key="r"), properties, text.encode(), channel=1, frame_max=1 << 20
    )
    return b"".join(frames)


def test_long_strings_are_cut(tmp_path: Path) -> None:
    text = "é" + "a\tb" * (LONG // 3)
    path = tmp_path / "long.bin"
    for data in (_amqp10(text), _amqp091(text)):
        path.write_bytes(data)
        status, output = _decode(path)
        assert status == 0
        assert max(map(len, output.splitlines())) < MAX_LINE
        assert f"... ({len(text)} characters)" in output
        assert quote(text[:TEXT_PREVIEW]) in output
        status, full = _decode(path, "--full")
        assert status == 0 and quote(text) in full


def test_frame_line_strings_are_cut(tmp_path: Path) -> None:
    path = tmp_path / "long.bin"
    path.write_bytes(_amqp10("short"))
    output = _decode(path)[1]
    assert f'name="{"n" * TEXT_PREVIEW}"... (100 characters)' in output
    assert f'name="{"n" * 100}"' in _decode(path, "--full")[1]
    path.write_bytes(_amqp091("short"))
    output = _decode(path)[1]
    assert f'response="{"x" * TEXT_PREVIEW}"... (200 characters)' in output
    assert f'message-id="{"m" * TEXT_PREVIEW}"... (100 characters)' in output


def test_cut_string_not_utf8_keeps_its_flag() -> None:
    """The flag judges the whole string: a bad byte after the cut is still named."""
    text = "a" * 100 + "\udce9"
    assert string_text(text, TEXT_PREVIEW) == f'"{"a" * TEXT_PREVIEW}"... (101 characters) {NOT_UTF8}'
    assert string_text(text) == f'"{"a" * 100}\\xe9" {NOT_UTF8}'


def _reference_quote(text: str) -> str:
    """The escaping rule, one character at a time (the docs' "Strings that are not UTF-8")."""
    named = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    out = []
    for char in text:
        if char in named:
            out.append(named[char])
        elif char.isprintable():
            out.append(char)
        elif "\udc80" <= char <= "\udcff":
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


_TRICKY = st.sampled_from(
    ['"', "\\", "\n", "\r", "\t", "\x00", "\x7f", "\x85", "\u200b", "\udce9", "\ud800", "é"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.characters(), _TRICKY), max_size=40).map("".join))
def test_quote_matches_the_rule(text: str) -> None:
    assert quote(text) == _reference_quote(text)


# --------------------------------------------------------------------------- summary


def test_summary_counts_peer_errors_always(tmp_path: Path) -> None:
    path = tmp_path / "clean.bin"
    path.write_bytes(_amqp10("short"))
    status, output = _decode(path)
    last = output.splitlines()[-1]
    assert status == 0 and last.endswith(", 2 messages, 0 errors, 0 peer errors")
    status, output = _decode(path, "--json")
    summary = json.loads(output.splitlines()[-1])
    assert summary == {
        "event": "summary",
        "headers": 1,
        "frames": 4,
        "frames_by_name": {"open": 1, "attach": 1, "transfer": 2},
        "messages": 2,
        "resyncs": 0,
        "gaps": 0,
        "errors": 0,
        "peer_errors": 0,
    }
