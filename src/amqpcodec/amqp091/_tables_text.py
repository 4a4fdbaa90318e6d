"""The texts of the field-table codec's errors, written once for every implementation.

As :mod:`amqpcodec._errortext` does for the 1.0 value codec: the pure table codec
(:mod:`amqpcodec.amqp091._tables`) and any compiled twin build their messages here, so
they say the same thing word for word.  Only text lives here; the error class,
``offset``, ``limit`` and ``path`` stay with the code that raises.

What they speak about: field tables and arrays (AMQP 0-9-1 §4.2.5.5 "Field Tables",
RabbitMQ errata §3 "Field types"), their keys (short strings, §4.2.5.3) and values.
"""

from __future__ import annotations

__all__ = [
    "bad_utf8_key",
    "compound_too_large",
    "duplicate_key",
    "empty_entry",
    "invalid_utf8",
    "key_not_str",
    "key_too_long",
    "naive_datetime",
    "not_a_table",
    "past_compound",
    "size_past_input",
    "size_past_enclosing",
    "too_deep",
    "too_deep_to_encode",
    "too_large",
    "too_many_entries",
    "too_many_items",
    "too_many_entries_to_encode",
    "too_many_items_to_encode",
    "truncated_size",
    "unknown_letter",
    "unsupported_type",
    "int_out_of_range",
    "wrapper_out_of_range",
]


def _where(in_array: bool) -> str:
    return "field array" if in_array else "field table"


# --------------------------------------------------------------------------- decoding


def truncated_size(remain: int) -> str:
    """A table's 4-byte size field that the input ends inside."""
    return f"field table size needs 4 bytes, {remain} remain"


def size_past_input(size: int, remain: int) -> str:
    """A table whose declared size runs past the end of the input."""
    return f"field table of {size} bytes, only {remain} remain after its size"


def size_past_enclosing(letter: str, size: int, remain: int, in_array: bool) -> str:
    """A nested ``S x A F`` value whose size runs past its enclosing table or array."""
    return (
        f"field value {letter!r} declares {size} bytes, {remain} remain in the enclosing {_where(in_array)}"
    )


def past_compound(letter: str, need: int, remain: int, in_array: bool) -> str:
    """A value (or its size field) that does not fit in what is left of its table or array."""
    return f"field value {letter!r} needs {need} bytes, {remain} remain in the enclosing {_where(in_array)}"


def empty_entry(remain: int) -> str:
    """A table entry that ends after its key, with no room for the type letter."""
    return f"field table entry needs a key and a type letter, {remain} bytes remain in the table"


def unknown_letter(code: int) -> str:
    """A type octet no field type has (neither the spec's nor the errata's)."""
    shown = repr(chr(code)) if 0x20 < code < 0x7F else f"0x{code:02x}"
    return f"unknown field type {shown} (known: t b B U s u I i L l f d D S x A T F V)"


def bad_utf8_key(error: UnicodeDecodeError) -> str:
    """A key (a short string) whose bytes are not UTF-8."""
    return f"field table key is not valid UTF-8: {error.reason}"


def duplicate_key(key: str) -> str:
    """The second of two equal keys in one table."""
    return f"duplicate field table key {key!r}"


def too_deep(max_depth: int) -> str:
    """Tables and arrays nested past ``max_depth``."""
    return f"field tables and arrays nested deeper than max_depth={max_depth}"


def too_many_entries(limit: int) -> str:
    """A table of more entries than ``max_map_entries``."""
    return f"field table has more than max_map_entries={limit} entries"


def too_many_items(limit: int) -> str:
    """An array of more items than ``max_container_items``."""
    return f"field array has more than max_container_items={limit} items"


def invalid_utf8(error: UnicodeDecodeError) -> str:
    """Text that is not UTF-8 where only text may be (used by callers of the codec)."""
    return f"string is not valid UTF-8: {error.reason}"


# --------------------------------------------------------------------------- encoding


def not_a_table(value: object) -> str:
    """A field table to encode that is not a mapping."""
    return f"a field table must be a Mapping with str keys, not {type(value).__name__}"


def key_not_str(key: object) -> str:
    """A table key that is not a ``str``."""
    return f"field table key {key!r} is {type(key).__name__}; keys must be str"


def key_too_long(key: str, size: int) -> str:
    """A key longer than a short string holds."""
    return f"field table key {key[:40]!r}... is {size} bytes of UTF-8; a key holds at most 255"


def unsupported_type(value: object) -> str:
    """A value of a type no field type is written from."""
    kind = type(value)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    return (
        f"{name} has no AMQP 0-9-1 field type; use bool, int, float, str, bytes, Decimal, "
        "an aware datetime, None, a list or a Mapping, an amqpcodec.types wrapper "
        "(Byte, UByte, Short, UShort, Int, UInt, Long, Float), amqp091.Timestamp or FieldValue"
    )


def int_out_of_range(value: int) -> str:
    """A plain ``int`` outside the signed 64-bit range of ``l``."""
    shown = value if value.bit_length() <= 128 else f"an int of {value.bit_length()} bits"
    return (
        f"{shown} is out of range for field type 'l' (signed 64-bit), the widest integer "
        "RabbitMQ reads; send it as a str or Decimal instead"
    )


def wrapper_out_of_range(letter: str, error: BaseException) -> str:
    """A wrapper built around its range check, refused by the writer."""
    return f"value out of range for field type {letter!r}: {error}"


def naive_datetime() -> str:
    """A naive ``datetime`` to write as a timestamp."""
    return "a naive datetime has no zone; give it a tzinfo (e.g. timezone.utc)"


def too_deep_to_encode(max_depth: int) -> str:
    """Encoded nesting past ``max_depth``."""
    return f"{too_deep(max_depth)} (a container holding itself?)"


def too_large(size: int, limit: int) -> str:
    """Output past ``max_message_size``."""
    return f"the encoding needs at least {size} bytes, over max_message_size={limit}"


def compound_too_large(in_array: bool) -> str:
    """A table, array, string or byte array past its 32-bit size field."""
    return f"{_where(in_array)} larger than 4 GiB"


def too_many_entries_to_encode(count: int, limit: int) -> str:
    """A mapping to encode of more entries than ``max_map_entries``."""
    return f"field table has {count} entries, over max_map_entries={limit}"


def too_many_items_to_encode(count: int, limit: int) -> str:
    """A list to encode of more items than ``max_container_items``."""
    return f"field array has {count} items, over max_container_items={limit}"
