"""What the message tests share: the W1 reference payload and the section names."""

from __future__ import annotations

from amqpcodec.message import SECTION_ATTRIBUTES
from tests.helpers.paths import DATA

#: W1: one 539-byte message exactly as python-qpid-proton 0.40 encodes it (a copy of the
#: shared benchmark payload; its content is listed in tests/messages/test_golden.py).
W1 = bytes.fromhex((DATA / "w1_proton.hex").read_text().strip())

#: Message attributes in the spec's section order (§3.2).
ATTRS = SECTION_ATTRIBUTES
