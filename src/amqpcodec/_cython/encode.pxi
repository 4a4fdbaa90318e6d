# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The value encoder's dispatch: a value's Kind by exact type, else as
# _pure.encoder._encoder_for finds it (cached per class); enc_value; __amqp__ hook chains; and
# the entry point encode.


# How a Python type encodes: one kind per encoder of _pure.encoder._ENCODERS, plus the
# __amqp__ hook.
cdef enum Kind:
    K_UNKNOWN
    K_NULL
    K_BOOL
    K_INT
    K_LONG
    K_UBYTE
    K_USHORT
    K_UINT
    K_ULONG
    K_BYTE
    K_SHORT
    K_INT32
    K_FLOAT
    K_DOUBLE
    K_DECIMAL32
    K_DECIMAL64
    K_DECIMAL128
    K_DECIMAL
    K_CHAR
    K_TIMESTAMP
    K_DATETIME
    K_UUID
    K_BINARY
    K_STRING
    K_SYMBOL
    K_LIST
    K_MAP
    K_DESCRIBED
    K_ARRAY
    K_HOOK
    K_COMPOSITE

#: The types with an encoder of their own, as in ``_pure.encoder._ENCODERS`` (a test compares them).
_ENCODED_TYPES = (
    T_NONE, bool, int, Long, UByte, UShort, UInt, ULong, Byte, Short, Int, Float, float,
    Decimal32, Decimal64, Decimal128, _Decimal, Char, Timestamp, T_DATETIME, T_UUID,
    bytes, bytearray, memoryview, str, Symbol, list, tuple, dict, Described, Array,
)

# Kinds found through the MRO, __amqp__ or Mapping, per class (as _pure caches them).
cdef dict _KIND_CACHE = {}


cdef Kind kind_of_type(object t) noexcept:
    if t is str:
        return K_STRING
    if t is int:
        return K_INT
    if t is T_SYMBOL:
        return K_SYMBOL
    if t is dict:
        return K_MAP
    if t is list or t is tuple:
        return K_LIST
    if t is T_NONE:
        return K_NULL
    if t is bool:
        return K_BOOL
    if t is T_UINT:
        return K_UINT
    if t is T_ULONG:
        return K_ULONG
    if t is T_DESCRIBED:
        return K_DESCRIBED
    if t is float:
        return K_DOUBLE
    if t is bytes or t is bytearray or t is memoryview:
        return K_BINARY
    if t is T_UBYTE:
        return K_UBYTE
    if t is T_USHORT:
        return K_USHORT
    if t is T_TIMESTAMP:
        return K_TIMESTAMP
    if t is T_ARRAY:
        return K_ARRAY
    if t is T_INT:
        return K_INT32
    if t is T_LONG:
        return K_LONG
    if t is T_BYTE:
        return K_BYTE
    if t is T_SHORT:
        return K_SHORT
    if t is T_FLOAT:
        return K_FLOAT
    if t is T_CHAR:
        return K_CHAR
    if t is T_UUID:
        return K_UUID
    if t is T_DATETIME:
        return K_DATETIME
    if t is T_DECIMAL32:
        return K_DECIMAL32
    if t is T_DECIMAL64:
        return K_DECIMAL64
    if t is T_DECIMAL128:
        return K_DECIMAL128
    if t is T_DECIMAL:
        return K_DECIMAL
    return K_UNKNOWN


cdef int kind_by_lookup(object value) except -1:
    """``_pure.encoder._encoder_for``: refused when marked 0-9-1-only, else the nearest
    base with an encoder, else ``__amqp__``, else ``Mapping``; cached per class."""
    cdef object cls = type(value)
    cdef object cached = _KIND_CACHE.get(cls)
    cdef int kind
    if cached is not None:
        return cached
    if getattr(cls, AMQP091_ONLY, False):
        raise UnsupportedTypeError(_text.amqp091_only(cls))
    for base in cls.__mro__[1:]:
        kind = kind_of_type(base)
        if kind != K_UNKNOWN:
            break
    else:
        if hasattr(cls, "__amqp__"):
            kind = K_COMPOSITE if encodes_as_composite(cls) else K_HOOK
        elif isinstance(value, _Mapping):
            kind = K_MAP
        else:
            raise UnsupportedTypeError(_text.no_encoding(cls))
    _KIND_CACHE[cls] = kind
    return kind


cdef int enc_value(Writer* w, object value, int depth, Encoder* e) except -1:
    cdef Kind kind = kind_of_type(type(value))
    if kind == K_UNKNOWN:
        kind = <Kind>kind_by_lookup(value)
    if kind == K_STRING:
        return enc_string(w, value, e)
    elif kind == K_INT or kind == K_LONG:
        return enc_long(w, value, kind)
    elif kind == K_SYMBOL:
        return enc_symbol(w, value, e)
    elif kind == K_MAP:
        return enc_map(w, value, depth, e)
    elif kind == K_LIST:
        return enc_list(w, value, depth, e)
    elif kind == K_NULL:
        return w_byte(w, C_NULL)
    elif kind == K_BOOL:
        return w_byte(w, C_TRUE if value else C_FALSE)
    elif kind == K_UINT:
        return enc_unsigned(w, value, C_UINT0, C_SMALLUINT, C_UINT)
    elif kind == K_ULONG:
        return enc_unsigned(w, value, C_ULONG0, C_SMALLULONG, C_ULONG)
    elif kind == K_DESCRIBED:
        return enc_described(w, value, depth, e)
    elif kind == K_DOUBLE:
        return w_code64(w, C_DOUBLE, amqp_double_to_bits(PyFloat_AS_DOUBLE(value)))
    elif kind == K_BINARY:
        return enc_binary(w, value, e)
    elif kind == K_ARRAY:
        return enc_array(w, value, depth, e)
    elif kind == K_COMPOSITE:
        return enc_composite(w, value, depth, e)
    elif kind == K_HOOK:
        return enc_hook(w, value, depth, e)
    elif kind == K_UBYTE:
        return enc_fixed_int(w, value, C_UBYTE, 0, 0xFF)
    elif kind == K_USHORT:
        return enc_fixed_int(w, value, C_USHORT, 0, 0xFFFF)
    elif kind == K_BYTE:
        return enc_byte(w, value)
    elif kind == K_SHORT:
        return enc_fixed_int(w, value, C_SHORT, -0x8000, 0x7FFF)
    elif kind == K_INT32:
        return enc_int32(w, value)
    elif kind == K_TIMESTAMP:
        return enc_fixed_int(w, value, C_TIMESTAMP, INT64_MIN, INT64_MAX)
    elif kind == K_FLOAT:
        return enc_float(w, value)
    elif kind == K_CHAR:
        return w_code32(w, C_CHAR, char_point(value))
    elif kind == K_UUID:
        return w_code_bytes(w, C_UUID, value.bytes)
    elif kind == K_DATETIME:
        return enc_fixed_int(
            w, T_TIMESTAMP.from_datetime(value), C_TIMESTAMP, INT64_MIN, INT64_MAX
        )
    elif kind == K_DECIMAL32:
        return w_code_bytes(w, C_DECIMAL32, decimal_to_bid(value, 32))
    elif kind == K_DECIMAL64:
        return w_code_bytes(w, C_DECIMAL64, decimal_to_bid(value, 64))
    else:  # K_DECIMAL128, K_DECIMAL: a plain Decimal is a decimal128
        return w_code_bytes(w, C_DECIMAL128, decimal_to_bid(value, 128))


cdef int enc_hook(Writer* w, object value, int depth, Encoder* e) except -1:
    """A value encoded as what its ``__amqp__()`` returns (``Role``, message sections):
    ``_pure.encoder._unhook``, at most ``max_depth`` hooks in a row, then the output bound.  A
    hook adds no nesting level, as there (where it adds no Python frame either)."""
    cdef object converted = value.__amqp__()
    cdef Kind kind = kind_of_type(type(converted))
    cdef int hooks = 1
    if kind == K_UNKNOWN:
        kind = <Kind>kind_by_lookup(converted)
    while kind == K_HOOK:
        if not e.depth_loaded:
            load_depth(<object>e.limits, &e.max_depth, &e.depth_hard)
            e.depth_loaded = True
        if hooks >= e.max_depth:
            raise EncodeError(_text.too_many_hooks((<object>e.limits).max_depth))
        converted = converted.__amqp__()
        kind = kind_of_type(type(converted))
        if kind == K_UNKNOWN:
            kind = <Kind>kind_by_lookup(converted)
        hooks += 1
    enc_value(w, converted, depth, e)
    return check_output(e, w.len + w.shift)


def encode(value, limits, wide_arrays=False, unicode_errors="strict"):
    """The canonical AMQP encoding of ``value`` (see README, "Canonical encoding").

    Nesting costs no Python frame here, but ``__amqp__`` hooks (and a ``Mapping``'s
    ``items``) are Python calls: one made with the interpreter's stack spent (a hook
    recursing, a caller nearly at the recursion limit) raises ``RecursionError``, which
    becomes the ``EncodeError`` ``_pure.encoder.encode`` raises for it, at the top (path ``''``)
    as there.  ``wide_arrays`` and ``unicode_errors``: as in ``_pure.encoder.encode``."""
    cdef unsigned char initial[SMALL_BUFFER]
    cdef Writer w
    cdef Encoder e
    cdef bint surrogates = unicode_errors != "strict" and check_unicode_errors(unicode_errors) != "strict"
    w_init(&w, initial, SMALL_BUFFER)
    encoder_init(&e, limits)
    e.wide_arrays = wide_arrays
    e.surrogates = surrogates
    try:
        enc_value(&w, value, 0, &e)
        check_output(&e, w.len + w.shift)
        return PyBytes_FromStringAndSize(<const char*>w.buf, w.len)
    except (_StackExhausted, RecursionError):  # RecursionError: from a hook (see ``encode``)
        raise EncodeError(MSG_STACK_EXHAUSTED) from None
    except _ENCODE_FAULTS as error:
        raise encode_error(error) from None
    finally:
        w_free(&w)
