"""Composite classes get equality and hashing from ``Composite`` (the rules a frozen
dataclass would generate: same class, then the fields as a tuple) instead of one generated
pair per class, which makes building the 36 composite classes on first use cheaper.
No timing is asserted here (``benchmarks/import_time.py`` measures).
"""

from __future__ import annotations

from amqpcodec import Accepted, Modified, Received, Released, Source, Symbol, UInt

# --- composite equality and hashing --------------------------------------------------------


def test_composites_compare_and_hash_by_class_and_fields() -> None:
    assert Accepted() == Accepted() and hash(Accepted()) == hash(Accepted()) == hash(())
    assert Accepted() != Released() and Accepted() != ()
    received = Received(section_number=1, section_offset=2)
    assert received == Received(section_number=UInt(1), section_offset=2)
    assert received != Received(section_number=1, section_offset=3)
    assert hash(received) == hash((UInt(1), 2))
    assert {Source(address="a"), Source(address="a")} == {Source(address="a")}
    assert Modified(delivery_failed=True).__eq__(object()) is NotImplemented
    nan = float("nan")
    annotated = Modified(message_annotations={Symbol("x"): nan})
    assert annotated == annotated  # the same objects: as a tuple comparison finds them
