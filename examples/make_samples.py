"""Write the sample files in this folder with amqpcodec's own encoder.

``values.bin`` holds a few AMQP 1.0 values one after another: the application
properties of the reference message W1, an annotation map keyed by symbols, an
array of described values and a timestamp.  Run from the repository root:
``python examples/make_samples.py``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import amqpcodec
from amqpcodec.types import Array, Described, Float, Int, Symbol, Timestamp, UInt, ULong

HERE = Path(__file__).resolve().parent

VALUES = [
    {
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
    {
        Symbol("x-opt-partition-key"): "orders",
        Symbol("x-opt-sequence-number"): 42,
        Symbol("x-opt-enqueued-time"): Timestamp(1700000000123),
        Symbol("x-opt-offset"): ULong(2**63 + 5),
    },
    Array("uint", [1, 255, 65536], descriptor=Symbol("com.example:ports")),
    Described(0x7265707B, [Symbol("reading"), Float(21.5), uuid.UUID(int=0x1234)]),
    UInt(7),
]


def main() -> None:
    data = b"".join(amqpcodec.encode(value) for value in VALUES)
    (HERE / "values.bin").write_bytes(data)
    print(f"wrote {len(data)} bytes to {HERE / 'values.bin'}")


if __name__ == "__main__":
    main()
