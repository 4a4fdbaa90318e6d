"""What the message tests share: the W1 reference payload and the section names."""

from __future__ import annotations

from pathlib import Path

from amqpcodec.message import SECTION_ATTRIBUTES

#: W1: one 539-byte message exactly as python-qpid-proton 0.40 encodes it (a copy of the
#: shared benchmark payload; its content is listed in tests/test_message_golden.py).
W1 = bytes.fromhex((Path(__file__).parents[1] / "data" / "w1_proton.hex").read_text().strip())

#: Message attributes in the spec's section order (§3.2).
ATTRS = SECTION_ATTRIBUTES
