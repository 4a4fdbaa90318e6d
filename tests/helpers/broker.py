"""What the live-broker tests share: where the broker is, how an unreachable one is reported,
the example clients (which are not package modules) and fresh resource names."""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from types import ModuleType
from typing import NoReturn

import pytest

from tests.helpers.paths import EXAMPLES

__all__ = ["BROKER_MARKS", "BROKER_VARIABLE", "broker_address", "fail_or_skip", "load_example", "unique_name"]

#: ``host:port`` of the live broker; ``.ci/broker-tests`` starts RabbitMQ and sets it.
BROKER_VARIABLE = "AMQPCODEC_BROKER"

#: Every live-broker test module's ``pytestmark``: an interop test, skipped unless a
#: broker is named.
BROKER_MARKS = [
    pytest.mark.interop,
    pytest.mark.skipif(
        not os.environ.get(BROKER_VARIABLE),
        reason=f"no live broker: set {BROKER_VARIABLE}=host:port (.ci/broker-tests starts RabbitMQ and sets it)",
    ),
]


def broker_address() -> tuple[str, int]:
    """``(host, port)`` from :data:`BROKER_VARIABLE` (a malformed value is a failure or skip)."""
    where = os.environ.get(BROKER_VARIABLE, "")
    host, _, port = where.rpartition(":")
    if not host or not port.isdigit():
        fail_or_skip(f"{BROKER_VARIABLE}={where!r} is not host:port")
    return host, int(port)


def fail_or_skip(reason: str) -> NoReturn:
    """A broker that cannot be used: a failure under CI, a skip on a developer machine."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def load_example(filename: str) -> ModuleType:
    """``examples/<filename>`` imported as a module (loaded once per process)."""
    name = "amqpcodec_example_" + filename.removesuffix(".py")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def unique_name(kind: str) -> str:
    """A fresh queue or exchange name, so tests never share broker state."""
    return f"amqpcodec-091-{kind}-{uuid.uuid4().hex[:12]}"
