"""``amqpcodec decode`` and peer errors: frames in which a peer complains, counted and
shown apart from the faults of the bytes, ``--errors-only`` and ``--fail-on-peer-error``.

The inputs are built here with the encoders (AMQP 1.0 ``encode_frame``; AMQP 0-9-1
``encode_method``, ``encode_message``): a 1.0 connection whose server refuses a
delivery, modifies another as undeliverable, detaches a link, ends a session and closes
the connection with errors (beside outcomes that are no complaint: accepted, released,
modified without undeliverable-here, an error-free close), and a 0-9-1 connection in
which the client nacks a delivery (normal flow) and the broker nacks a publish, returns
one (312 no-route), closes a channel (404) and the connection (320).  Expected outputs
are snapshots under ``tests/data/cli/test_cli_peer_errors/`` (``tests/helpers/cli.py``
says how to refresh them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amqpcodec import (
    Begin,
    Close,
    Detach,
    Disposition,
    End,
    ErrorCondition,
    Open,
    Role,
    SaslCode,
    SaslOutcome,
    Transfer,
    amqp091,
    encode_frame,
)
from amqpcodec.cli.events import Frame091Event, FrameEvent
from amqpcodec.cli.peer_errors import PeerError, peer_error_091, peer_error_10
from amqpcodec.definitions import Accepted, Modified, Rejected, Released
from tests.helpers.cli import AMQP_HEADER, check_snapshot, decode

# --------------------------------------------------------------------------- AMQP 1.0

NOT_FOUND = ErrorCondition(condition="amqp:not-found", description="no node 'orders'")


def _server_10() -> bytes:
    """A 1.0 server's side: every kind of complaint, and outcomes that are none."""
    return b"".join(
        [
            AMQP_HEADER,
            encode_frame(Open(container_id="broker")),
            encode_frame(Begin(remote_channel=0, next_outgoing_id=0, incoming_window=9, outgoing_window=9)),
            encode_frame(Disposition(role=Role.RECEIVER, first=0, settled=True, state=Accepted())),
            encode_frame(Disposition(role=Role.RECEIVER, first=1, settled=True, state=Released())),
            encode_frame(
                Disposition(
                    role=Role.RECEIVER,
                    first=2,
                    last=3,
                    settled=True,
                    state=Rejected(
                        error=ErrorCondition(condition="amqp:decode-error", description="bad body")
                    ),
                )
            ),
            encode_frame(Disposition(role=Role.RECEIVER, first=4, state=Rejected())),
            encode_frame(Disposition(role=Role.RECEIVER, first=5, state=Modified(delivery_failed=True))),
            encode_frame(Disposition(role=Role.RECEIVER, first=6, state=Modified(undeliverable_here=True))),
            encode_frame(Detach(handle=0, closed=True, error=NOT_FOUND)),
            encode_frame(Detach(handle=1, closed=True)),
            encode_frame(End(error=ErrorCondition(condition="amqp:session:window-violation"))),
            encode_frame(Close(error=ErrorCondition(condition="amqp:connection:forced"))),
        ]
    )


def _client_10() -> bytes:
    """A 1.0 client's side: a transfer settled as rejected (a complaint in a transfer's
    state), then an error-free close."""
    transfer = Transfer(
        handle=0,
        delivery_id=0,
        delivery_tag=b"t",
        message_format=0,
        settled=True,
        state=Rejected(error=ErrorCondition(condition="amqp:precondition-failed")),
    )
    return b"".join(
        [
            AMQP_HEADER,
            encode_frame(Open(container_id="client")),
            encode_frame(Begin(next_outgoing_id=0, incoming_window=9, outgoing_window=9)),
            encode_frame(transfer, payload=b"\x00\x53\x77\xa1\x02hi"),
            encode_frame(Close()),
        ]
    )


# --------------------------------------------------------------------------- AMQP 0-9-1


def _client_091() -> bytes:
    """A 0-9-1 client: publishes, and nacks a delivery (a consumer's nack is normal flow);
    closes the connection with 200."""
    publish = amqp091.encode_message(
        amqp091.BasicPublish(exchange="shop", routing_key="nowhere", mandatory=True),
        None,
        b"lost",
        channel=1,
        frame_max=0,
    )
    return b"".join(
        [
            amqp091.PROTOCOL_HEADER,
            amqp091.encode_method(amqp091.ChannelOpen(), channel=1),
            *publish,
            amqp091.encode_method(amqp091.BasicNack(delivery_tag=3, requeue=False), channel=1),
            amqp091.encode_method(amqp091.ChannelCloseOk(), channel=2),
            amqp091.encode_method(
                amqp091.ConnectionClose(reply_code=200, reply_text="bye", class_id=0, method_id=0)
            ),
        ]
    )


def _server_091() -> bytes:
    """A 0-9-1 broker: a nack of a publish, a return (312 no-route), a channel closed
    with 404, the connection closed with 320."""
    returned = amqp091.encode_message(
        amqp091.BasicReturn(reply_code=312, reply_text="NO_ROUTE", exchange="shop", routing_key="nowhere"),
        None,
        b"lost",
        channel=1,
        frame_max=0,
    )
    return b"".join(
        [
            amqp091.encode_method(amqp091.ChannelOpenOk(), channel=1),
            amqp091.encode_method(amqp091.BasicAck(delivery_tag=1), channel=1),
            amqp091.encode_method(amqp091.BasicNack(delivery_tag=2), channel=1),
            *returned,
            amqp091.encode_method(
                amqp091.ChannelClose(
                    reply_code=404, reply_text="NOT_FOUND - no queue 'q'", class_id=50, method_id=10
                ),
                channel=2,
            ),
            amqp091.encode_method(
                amqp091.ConnectionClose(
                    reply_code=320, reply_text="CONNECTION_FORCED - shutdown", class_id=0, method_id=0
                )
            ),
        ]
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("peer")
    inputs = {
        "c2s.bin": _client_10(),
        "s2c.bin": _server_10(),
        "c2s-091.bin": _client_091(),
        "s2c-091.bin": _server_091(),
        "broken.bin": _client_10()[:-5],  # the close frame cut short: a decode fault
    }
    for name, data in inputs.items():
        (path / name).write_bytes(data)
    return path


# --------------------------------------------------------------------------- snapshots


def test_amqp10(folder: Path) -> None:
    """Rejected and modified-undeliverable outcomes, detach, end and close with errors:
    marked and counted; accepted, released, modified without undeliverable-here and an
    error-free detach or close are not.  The exit status stays 0."""
    check_snapshot(decode("c2s.bin", "s2c.bin", cwd=folder), "test_cli_peer_errors/amqp10.txt")


def test_amqp10_json(folder: Path) -> None:
    run = decode("--json", "c2s.bin", "s2c.bin", cwd=folder)
    check_snapshot(run, "test_cli_peer_errors/amqp10_json.jsonl")
    marked = [json.loads(line) for line in run.stdout.splitlines() if '"peer_error": {' in line]
    assert [event["peer_error"]["kind"] for event in marked] == [
        "rejected",
        "rejected",
        "rejected",
        "modified",
        "detach",
        "end",
        "close",
    ]
    assert marked[1]["peer_error"] == {
        "kind": "rejected",
        "condition": "amqp:decode-error",
        "description": "bad body",
        "reply_code": None,
    }


def test_amqp091(folder: Path) -> None:
    """The broker's nack and return, a channel.close 404 and a connection.close 320
    are peer errors; the client's nack and its close with 200 are not."""
    check_snapshot(decode("c2s-091.bin", "s2c-091.bin", cwd=folder), "test_cli_peer_errors/amqp091.txt")


def test_amqp091_json(folder: Path) -> None:
    run = decode("--json", "c2s-091.bin", "s2c-091.bin", cwd=folder)
    check_snapshot(run, "test_cli_peer_errors/amqp091_json.jsonl")
    marked = [json.loads(line) for line in run.stdout.splitlines() if '"peer_error": {' in line]
    assert [(event["direction"], event["method"]) for event in marked] == [
        ("s2c", "basic.nack"),
        ("s2c", "basic.return"),
        ("s2c", "channel.close"),
        ("s2c", "connection.close"),
    ]
    assert marked[2]["peer_error"] == {
        "kind": "channel.close",
        "condition": "not-found",
        "description": "NOT_FOUND - no queue 'q'",
        "reply_code": 404,
    }


def test_errors_only(folder: Path) -> None:
    """``--errors-only``: the decode faults and the frames that carry peer errors, no
    headers, resyncs or other frames; the summary still counts everything."""
    run = decode("--errors-only", "broken.bin", "s2c.bin", cwd=folder)
    check_snapshot(run, "test_cli_peer_errors/errors_only.txt", status=1)
    run = decode("--errors-only", "--json", "c2s-091.bin", "s2c-091.bin", cwd=folder)
    check_snapshot(run, "test_cli_peer_errors/errors_only_json.jsonl")


def test_errors_only_and_channel(folder: Path) -> None:
    """Filters narrow ``--errors-only``: only channel 2's peer error is left."""
    run = decode("--errors-only", "--channel", "2", "c2s-091.bin", "s2c-091.bin", cwd=folder)
    lines = run.stdout.splitlines()
    assert [line.split()[3] for line in lines[2:-1]] == ["channel.close"]
    assert lines[-1].endswith(", 0 errors, 4 peer errors")


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["c2s.bin", "s2c.bin"], 0),
        (["--fail-on-peer-error", "c2s.bin", "s2c.bin"], 3),
        (["--fail-on-peer-error", "--json", "c2s-091.bin", "s2c-091.bin"], 3),
        (["--fail-on-peer-error", "c2s-091.bin"], 0),  # the client's nack and close: no complaint
        (["--fail-on-peer-error", "broken.bin", "s2c.bin"], 1),  # a decode fault outranks them
        (["broken.bin"], 1),
    ],
)
def test_exit_status(folder: Path, args: list[str], status: int) -> None:
    """0 clean; 3 when peer errors were seen with ``--fail-on-peer-error``; 1 for a
    decode fault, whatever the peers said."""
    assert decode(*args, cwd=folder).status == status


def test_colour(folder: Path) -> None:
    """On a terminal (``--color``) a peer error's name and mark are bold magenta, a
    decode error bold red: the two are told apart."""
    run = decode("--color", "broken.bin", "s2c.bin", cwd=folder)
    assert "\x1b[1;35mclose\x1b[0m" in run.stdout
    assert "\x1b[1;35m[peer error: close amqp:connection:forced]\x1b[0m" in run.stdout
    assert "\x1b[1;31mIncompleteError" in run.stdout
    assert "\x1b[1;35m" not in "".join(line for line in run.stdout.splitlines() if "error  " in line)


def test_values_refuses_the_options(folder: Path) -> None:
    run = decode("--values", "--fail-on-peer-error", "c2s.bin", cwd=folder)
    assert run.status == 2 and "--fail-on-peer-error" in run.stderr
    run = decode("--errors-only", "--messages-only", "c2s.bin", cwd=folder)
    assert run.status == 2 and "not allowed with" in run.stderr


# --------------------------------------------------------------------------- in-process


def test_peer_error_10() -> None:
    assert peer_error_10(SaslOutcome(code=SaslCode.OK)) is None
    assert peer_error_10(SaslOutcome(code=SaslCode.SYS_TEMP)) == PeerError("sasl-outcome", "sys-temp", None)
    assert peer_error_10(Close()) is None
    assert peer_error_10(Detach(handle=0, error=NOT_FOUND)) == PeerError(
        "detach", "amqp:not-found", "no node 'orders'"
    )
    assert peer_error_10(Transfer(handle=0, state=Modified(undeliverable_here=False))) is None
    assert peer_error_10(Open(container_id="x")) is None
    assert peer_error_10(None) is None


@pytest.mark.parametrize("direction", ["c2s", "s2c"])
def test_peer_error_091(direction: str) -> None:
    """The direction matters only for basic.nack: the broker's is a complaint."""
    nack = peer_error_091(amqp091.BasicNack(delivery_tag=1), direction)
    assert nack == (PeerError("basic.nack", None, None) if direction == "s2c" else None)
    close = amqp091.ChannelClose(reply_code=406, reply_text="", class_id=0, method_id=0)
    assert peer_error_091(close, direction) == PeerError("channel.close", "precondition-failed", None, 406)
    ok = amqp091.ConnectionClose(reply_code=200, reply_text="ok", class_id=0, method_id=0)
    assert peer_error_091(ok, direction) is None
    odd = amqp091.ConnectionClose(reply_code=999, reply_text="?", class_id=0, method_id=0)
    assert peer_error_091(odd, direction) == PeerError("connection.close", None, "?", 999)
    assert peer_error_091(amqp091.BasicAck(delivery_tag=1), direction) is None


def test_peer_error_text_and_json() -> None:
    error = PeerError("close", "amqp:internal-error", "caf\udce9")
    assert error.text() == "close amqp:internal-error"
    assert error.to_json()["description"] == "caf\ufffd"
    assert PeerError("channel.close", "not-found", None, 404).text() == "channel.close 404 not-found"
    assert FrameEvent.__dataclass_fields__["peer_error"].default is None
    assert Frame091Event.__dataclass_fields__["peer_error"].default is None
