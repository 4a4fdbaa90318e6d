"""What a user's type checker sees: run through ``mypy --strict`` (CI's lint step, and
``tests/api/test_typing.py`` when mypy is installed), never imported by pytest.

``assert_type`` lines must hold exactly; each ``# type: ignore[code]`` marks a line
mypy must reject with that code (``--strict`` warns about an ignore that is not needed,
so a wrong use that mypy stopped catching fails the check).
"""

from __future__ import annotations

import datetime as dt

from typing_extensions import assert_type

from amqpcodec import (
    Attach,
    Open,
    Role,
    SenderSettleMode,
    Source,
    Timestamp,
    Transfer,
    UByte,
    UInt,
    ULong,
)
from amqpcodec.message import Header
from amqpcodec.types import Decimal64

# Wrappers are their own types, not Any.
assert_type(UInt(3), UInt)
assert_type(ULong(2**40), ULong)
assert_type(UByte(7) + 1, int)
assert_type(Decimal64("1.5"), Decimal64)
text: str = UInt(3)  # type: ignore[assignment]
number: int = UInt(3)  # a UInt is an int

# Timestamps convert to aware datetimes.
assert_type(Timestamp(0).to_datetime(), dt.datetime)
assert_type(Timestamp.from_datetime(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)), Timestamp)

# replace() keeps the class.
transfer = Transfer(handle=1, delivery_id=2, delivery_tag=b"t")
assert_type(transfer.replace(more=True), Transfer)
assert_type(Open(container_id="c").replace(channel_max=3), Open)
wrong: Open = transfer.replace(more=True)  # type: ignore[assignment]

# The spec defaults of absent fields are typed.
assert_type(Open(container_id="c").effective_max_frame_size, int)
assert_type(transfer.effective_more, bool)
assert_type(Attach(name="a", handle=0, role=Role.SENDER).effective_snd_settle_mode, SenderSettleMode | int)
assert_type(Source(address="q").effective_timeout, int)
assert_type(Header().effective_priority, int)
missing = Open(container_id="c").effective_no_such_field  # type: ignore[attr-defined]
