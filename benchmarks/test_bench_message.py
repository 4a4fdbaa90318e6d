"""Message speed against the other AMQP 1.0 codecs for Python (Proton, Azure's _pyamqp, RbFly), three payloads:

- ``W1``: 539 bytes as Proton writes them (tests/data/w1_proton.hex; content in
  tests/messages/test_golden.py): header, properties, ten application properties, a
  256-byte data body;
- ``annotated``: 20 message annotations with symbol keys and a 64-byte data body;
- ``data-1MiB``: one data section of 1 MiB.

Groups ``<payload>-decode`` and ``<payload>-encode``.  A decode reads every field
(``adapters.message_decoder``); ours also decodes lazily, reading every field
(``lazy: all``) or one section (``lazy: <section>``), reported as separate rows.
Each codec is first checked to accept or produce the same content
(``adapters.check_decoded`` / ``check_encoded``), and skipped when not installed or
when it cannot do the work (``adapters.CANNOT``).  msgpack runs on the same content as
plain Python (header and properties as lists): a reference for speed, not AMQP.

Run: ``python -m pytest benchmarks/test_bench_message.py --benchmark-group-by=group``.
CI runs it with ``--benchmark-disable`` as a smoke test; timings are never asserted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from amqpcodec.message import Message

from .adapters import check_decoded, check_encoded, message_decoder, message_encoder, msgpack_content
from .payloads import ANNOTATED, DATA_1MIB, W1, annotated_message, data_1mib_message, w1_message

#: payload name -> (bytes every decoder reads, our typed message of the same content)
MESSAGES: dict[str, tuple[bytes, Callable[[], Message]]] = {
    "W1": (W1, w1_message),
    "annotated": (ANNOTATED, annotated_message),
    "data-1MiB": (DATA_1MIB, data_1mib_message),
}
#: The one section a lazy reader looks at, per payload (where it is not the whole message).
LAZY_SECTION = {"W1": "properties", "annotated": "message_annotations"}
DECODE_PEERS = ("proton", "azure-pyamqp", "rbfly")
ENCODE_PEERS = ("proton", "azure-pyamqp", "rbfly")

# --------------------------------------------------------------------------- decode


@pytest.mark.parametrize("payload", list(MESSAGES))
@pytest.mark.parametrize("mode", ["eager", "lazy: all"])
def test_decode_amqpcodec(timed: Any, ours: str, payload: str, mode: str) -> None:
    data, message = MESSAGES[payload]
    lazy = None if mode == "eager" else "all"
    variant = None if mode == "eager" else mode
    timed(
        f"{payload}-decode",
        ours,
        message_decoder(ours, data, lazy=lazy),
        lambda read: check_decoded(ours, read, message()),
        variant=variant,
    )


@pytest.mark.parametrize("payload", list(LAZY_SECTION))
def test_decode_lazy_one_section_amqpcodec(timed: Any, ours: str, payload: str) -> None:
    data, message = MESSAGES[payload]
    section = LAZY_SECTION[payload]

    def check(found: Any) -> None:
        assert found == getattr(message(), section)

    timed(
        f"{payload}-decode",
        ours,
        message_decoder(ours, data, lazy=section),
        check,
        variant=f"lazy: {section}",
    )


@pytest.mark.parametrize("payload", list(MESSAGES))
@pytest.mark.parametrize("codec", DECODE_PEERS)
def test_decode_peer(timed: Any, peer: Any, codec: str, payload: str) -> None:
    peer(codec)
    data, message = MESSAGES[payload]
    timed(
        f"{payload}-decode",
        codec,
        message_decoder(codec, data),
        lambda read: check_decoded(codec, read, message()),
    )


@pytest.mark.parametrize("payload", list(MESSAGES))
def test_decode_msgpack(timed: Any, peer: Any, payload: str) -> None:
    msgpack = peer("msgpack")
    expected = msgpack_content(MESSAGES[payload][1]())
    data = msgpack.packb(expected)

    def check(found: Any) -> None:
        assert found == expected

    timed(f"{payload}-decode", "msgpack", lambda: msgpack.unpackb(data), check)


# --------------------------------------------------------------------------- encode


@pytest.mark.parametrize("payload", list(MESSAGES))
def test_encode_amqpcodec(timed: Any, ours: str, payload: str) -> None:
    message = MESSAGES[payload][1]()
    timed(
        f"{payload}-encode",
        ours,
        message_encoder(ours, message),
        lambda data: {"same_types": check_encoded(ours, data, message)},
    )


@pytest.mark.parametrize("payload", list(MESSAGES))
@pytest.mark.parametrize("codec", ENCODE_PEERS)
def test_encode_peer(timed: Any, peer: Any, codec: str, payload: str) -> None:
    peer(codec)
    message = MESSAGES[payload][1]()
    group = f"{payload}-encode"
    timed(
        group,
        codec,
        _encoder(group, codec, message),
        lambda data: {"same_types": check_encoded(codec, data, message)},
    )


def _encoder(group: str, codec: str, message: Message) -> Callable[[], Any]:
    """The codec's encoder, or a stub when ``timed`` will skip the codec for ``group``."""
    try:
        return message_encoder(codec, message)
    except ValueError:
        return lambda: None


@pytest.mark.parametrize("payload", list(MESSAGES))
def test_encode_msgpack(timed: Any, peer: Any, payload: str) -> None:
    msgpack = peer("msgpack")
    content = msgpack_content(MESSAGES[payload][1]())

    def check(data: bytes) -> None:
        assert msgpack.unpackb(data) == content

    timed(f"{payload}-encode", "msgpack", lambda: msgpack.packb(content), check)


def test_w1_is_proton_bytes() -> None:
    """Payload 1 is the file's bytes, and its content is W1's (the README's list)."""
    assert len(W1) == 539
    assert Message.decode(W1) == w1_message()
    assert len(w1_message().encode()) == 533  # our canonical form: map8, not Proton's map32
