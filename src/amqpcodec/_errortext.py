"""The texts of the value codec's errors, written once for both backends.

The pure backend (``_pure.decoder``, ``_pure.encoder``) and the compiled one
(``_speedups``) must raise the same errors, message text included, for every input;
both build their messages here, so the two cannot drift apart by a word.  Only the
text lives here: the error class, ``offset``, ``constructor``, ``limit`` and ``path``
stay with the code that raises.  The compiled backend calls these functions only when
it raises, never on a value that decodes or encodes.

A fixed text is a constant; a text that names something is a small function named
after what went wrong.  A function given a value, a class or a caught exception reads
what it shows (``repr``, ``type(x).__name__``, ``bit_length()``, ``.reason``,
``.start``) itself, so both backends show the same thing.

What the messages speak about, in the AMQP 1.0 type system (Part 1):

- §1.2: constructors (an unknown one, or none where a value must start), described
  types, and the size and count fields of compound and array encodings (a size that
  cannot hold its count, elements that end before or after the size says, a count the
  size has no room for).
- §1.4: composite types, a described list per class (more fields than the spec
  defines, a mandatory field absent).
- §1.6: the primitive types: boolean (§1.6.2), byte (§1.6.7), long and ulong (§1.6.10,
  §1.6.6), float (§1.6.11), char (§1.6.16), binary (§1.6.19), string (§1.6.20),
  symbol (§1.6.21), list (§1.6.22), map (§1.6.23) and array (§1.6.24).

The limits named in messages (``max_depth``, ``max_container_items``,
``max_map_entries``, ``max_message_size``, ``MAX_KEYS_PER_HASH``) are those of
:mod:`amqpcodec.limits`.
"""

from __future__ import annotations

from .limits import MAX_KEYS_PER_HASH

__all__ = [
    "ARRAY_CONSTRUCTOR",
    "ARRAY_DESCRIPTOR",
    "COMPOUND_TOO_LARGE",
    "DESCRIBED_VALUE",
    "DESCRIPTOR",
    "LIST_ELEMENT",
    "MAP_KEY",
    "MAP_VALUE",
    "MULTIPLY_DESCRIBED",
    "NON_CONTIGUOUS_INPUT",
    "NON_CONTIGUOUS_MEMORYVIEW",
    "NO_BYTES",
    "STACK_EXHAUSTED",
    "SYMBOL_NOT_ASCII",
    "amqp091_only",
    "bad_boolean",
    "bad_unicode_errors",
    "beyond_float32",
    "byte_out_of_range",
    "char_not_scalar",
    "count_exceeds_room",
    "duplicate_key",
    "elements_misfit_size",
    "hash_flood",
    "invalid_utf8",
    "lone_surrogate",
    "mandatory_absent",
    "no_encoding",
    "not_bytes_like",
    "not_described_list",
    "odd_map_count",
    "offset_outside",
    "out_of_range",
    "past_enclosing",
    "size_without_count",
    "surrogate_char",
    "too_deep",
    "too_deep_to_encode",
    "too_large",
    "too_long_for_size32",
    "too_many_elements",
    "too_many_entries",
    "too_many_fields",
    "too_many_hooks",
    "too_many_items",
    "too_wide_for_any_integer",
    "too_wide_for_long",
    "truncated",
    "unhashable_key",
    "unknown_constructor",
    "unknown_element_constructor",
    "zero_width_exhausted",
]


# --------------------------------------------------------------------------- input
# (as ``_buffers.flat_view`` words them, for the compiled backend's own input checks)

#: Decoding at the very end of the input.
NO_BYTES = "no bytes to decode"

#: Input whose buffer is not C-contiguous.
NON_CONTIGUOUS_INPUT = "cannot decode from a non-contiguous buffer"


def not_bytes_like(data: object) -> str:
    """Input that is not a bytes-like object."""
    return f"cannot decode from {type(data).__name__}: a bytes-like object is required"


def offset_outside(offset: int, size: int) -> str:
    """A start ``offset`` outside ``0 .. size`` (a caller's mistake, not the bytes')."""
    return f"offset {offset} is outside the {size}-byte input"


# --------------------------------------------------------------------------- decoding

# What a truncation names when it is not a constructor's own encoding (§1.2): the
# ``what`` of :func:`truncated`.
LIST_ELEMENT = "list element"
MAP_KEY = "map key"
MAP_VALUE = "map value"
ARRAY_CONSTRUCTOR = "array element constructor"
ARRAY_DESCRIPTOR = "array descriptor"
DESCRIPTOR = "descriptor"
DESCRIBED_VALUE = "described value"


def truncated(what: str, need: int, remain: int) -> str:
    """``what`` needs ``need`` bytes where only ``remain`` are left."""
    return f"{what} needs {need} bytes, {remain} remain"


def past_enclosing(message: str, name: str) -> str:
    """A truncation (``message``) inside a compound: its size (``name``, the compound's
    encoding) was wrong, not the input cut short."""
    return f"{message}, past the end of the enclosing {name}"


def unknown_constructor(code: int) -> str:
    """A constructor byte no encoding of §1.6 has."""
    return f"unknown constructor 0x{code:02x}"


def too_deep(max_depth: int) -> str:
    """Decoded nesting past ``max_depth``."""
    return f"nesting deeper than max_depth={max_depth}"


#: Nesting that ran out of the interpreter's stack before ``max_depth`` stopped it.
STACK_EXHAUSTED = "nesting exhausted the Python stack before max_depth"


def bad_boolean(byte: int) -> str:
    """A boolean (0x56) whose byte is neither 0x00 nor 0x01 (§1.6.2)."""
    return f"boolean byte must be 0x00 or 0x01, not 0x{byte:02x}"


def char_not_scalar(point: int) -> str:
    """A char (§1.6.16) that is a surrogate or beyond U+10FFFF."""
    return f"char U+{point:X} is not a Unicode scalar value"


def invalid_utf8(error: UnicodeDecodeError) -> str:
    """A string (§1.6.20) whose bytes are not UTF-8, as decoding them said."""
    return f"string is not valid UTF-8: {error.reason}"


#: A symbol (§1.6.21) with a byte outside ASCII.
SYMBOL_NOT_ASCII = "symbol is not ASCII"


def size_without_count(name: str, size: int) -> str:
    """A compound or array whose ``size`` is less than its count field (§1.2)."""
    return f"{name} size {size} cannot hold its count"


def count_exceeds_room(name: str, count: int, room: int) -> str:
    """More elements than the bytes of the size could hold, at one byte each (§1.2)."""
    return f"{name} claims {count} elements in {room} bytes"


def too_many_elements(name: str, count: int, limit: int) -> str:
    """A decoded list or array of more elements than ``max_container_items``."""
    return f"{name} has {count} elements, over max_container_items={limit}"


def elements_misfit_size(name: str, pos: int, stop: int) -> str:
    """Elements that end at ``pos``, where the size (§1.2) says ``stop``."""
    return f"{name} elements end at offset {pos}, its size says {stop}"


def odd_map_count(name: str, count: int) -> str:
    """A map (§1.6.23) whose count is not a whole number of key-value pairs."""
    return f"{name} has an odd count {count}"


def too_many_entries(name: str, entries: int, limit: int) -> str:
    """A map (decoded or encoded) of more entries than ``max_map_entries``."""
    return f"{name} has {entries} entries, over max_map_entries={limit}"


def hash_flood(name: str, seen: int) -> str:
    """The key that makes ``seen`` keys of one map share a hash."""
    return f"{name} has {seen} keys sharing one hash, over MAX_KEYS_PER_HASH={MAX_KEYS_PER_HASH}"


def unhashable_key(key: object) -> str:
    """A map key Python cannot hash, so no ``dict`` can hold the map (§1.6.23)."""
    return f"map key of type {type(key).__name__} is unhashable in Python"


def duplicate_key(key: object) -> str:
    """A map key sent twice (§1.6.23)."""
    return f"duplicate map key {key!r}"


#: An array (§1.6.24) whose element constructor is described more than once.
MULTIPLY_DESCRIBED = "arrays of multiply-described elements are not supported"


def unknown_element_constructor(code: int) -> str:
    """An array (§1.6.24) whose element constructor no encoding has."""
    return f"unknown array element constructor 0x{code:02x}"


def zero_width_exhausted(name: str, count: int, left: int, limit: int) -> str:
    """An array of ``count`` zero-width elements, more than the ``left`` of the
    decode's budget (``limit``, its ``max_container_items``)."""
    return (
        f"{name} has {count} zero-width elements, but only {left} of "
        f"max_container_items={limit} are left in this decode"
    )


# --------------------------------------------------------------------------- composites
# (as ``_composite`` words them, for the compiled backend's composite hot paths)


def not_described_list(name: str, body: object) -> str:
    """A composite's descriptor (``name``'s) on something other than a list (§1.4)."""
    return f"{name} must be a described list, not {type(body).__name__}"


def too_many_fields(name: str, count: int, defined: int) -> str:
    """A composite sent with more fields than the spec defines for it (§1.4)."""
    return f"{name} has {count} fields; the spec defines {defined}"


def mandatory_absent(path: str) -> str:
    """A mandatory composite field that is null or not sent (§1.4)."""
    return f"{path} is mandatory but absent"


# --------------------------------------------------------------------------- encoding


def too_wide_for_long(value: int) -> str:
    """A ``Long`` beyond long's 64 bits (§1.6.10)."""
    return f"an int of {value.bit_length()} bits does not fit long"


def too_wide_for_any_integer(value: int) -> str:
    """An ``int`` beyond both long and ulong (§1.6.10, §1.6.6)."""
    return f"an int of {value.bit_length()} bits does not fit any AMQP integer type"


def byte_out_of_range(value: int) -> str:
    """A ``Byte`` built around a number outside -128 .. 127 (§1.6.7)."""
    return f"{int(value)} is out of range for byte"


def beyond_float32(value: object) -> str:
    """A finite ``Float`` too large for float32 (§1.6.11)."""
    return f"{value!r} is beyond float32's range"


def surrogate_char(point: int) -> str:
    """A ``Char`` holding a surrogate, which is no Unicode scalar value (§1.6.16)."""
    return f"Char cannot hold the surrogate U+{point:04X}"


def lone_surrogate(error: UnicodeEncodeError) -> str:
    """A ``str`` with a lone surrogate, which UTF-8 cannot carry (§1.6.20)."""
    return f"string holds a lone surrogate at index {error.start}"


def too_long_for_size32(size: int) -> str:
    """Binary, string or symbol data past the 32-bit size field (§1.6.19-21)."""
    return f"{size} bytes do not fit a 32-bit size"


#: A ``memoryview`` whose bytes are not contiguous.
NON_CONTIGUOUS_MEMORYVIEW = "cannot encode a non-contiguous memoryview"


def amqp091_only(cls: type) -> str:
    """A value of an AMQP 0-9-1 type (field-table values, 0-9-1 timestamps in seconds)
    given to the AMQP 1.0 encoder, which would otherwise take it for its base type."""
    return f"{cls.__name__} is an AMQP 0-9-1 type with no AMQP 1.0 encoding"


def bad_unicode_errors(value: object) -> str:
    """An ``unicode_errors`` argument that is not one of the supported handlers."""
    return f"unicode_errors must be 'strict' or 'surrogateescape', not {value!r}"


def no_encoding(cls: type) -> str:
    """A value of a class the encoder has no AMQP type for."""
    return f"{cls.__name__} has no AMQP encoding"


def too_many_hooks(max_depth: int) -> str:
    """``__amqp__`` hooks that keep returning hooked values."""
    return (
        f"more than max_depth={max_depth} __amqp__ hooks in a row (a hook returning hooked values forever?)"
    )


def too_deep_to_encode(max_depth: int) -> str:
    """Encoded nesting past ``max_depth``."""
    return f"{too_deep(max_depth)} (a container holding itself?)"


def too_many_items(compound: str, count: int, limit: int) -> str:
    """A list or array (``compound``) to encode of more items than ``max_container_items``."""
    return f"{compound} has {count} items, over max_container_items={limit}"


#: A compound whose content passes the 32-bit size field (§1.2).
COMPOUND_TOO_LARGE = "compound larger than 4 GiB"


def too_large(size: int, max_message_size: int) -> str:
    """Output of at least ``size`` bytes, past ``max_message_size``."""
    return f"the encoding needs at least {size} bytes, over max_message_size={max_message_size}"


def out_of_range(error: BaseException) -> str:
    """A value built around its wrapper's checks, refused by the writer (``error``)."""
    return f"value out of range for its AMQP type: {error}"
