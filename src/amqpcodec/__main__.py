"""``amqpcodec`` / ``python -m amqpcodec``: show what captured AMQP 1.0 bytes hold.

``amqpcodec decode FILE`` decodes a connection (raw bytes or a hex dump, one file per
direction) or every AMQP connection of a pcap or pcapng capture; ``amqpcodec decode
--values FILE`` a plain sequence of AMQP values.  The
command lives in :mod:`amqpcodec.cli`; this module only parses the arguments and runs it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .cli import build_parser, run

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point (``amqpcodec = "amqpcodec.__main__:main"``); the exit status."""
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
