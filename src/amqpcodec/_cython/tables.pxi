# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# Tables and shared objects: per-constructor facts built from _spec.py at import (no
# constructor code is written down here), the value classes as C globals, the shared
# wrappers of small values, the struct formats of the cold paths, what turns a
# low-level fault into an EncodeError, and the fixed texts of _errortext.


cdef enum:
    MAX_SLOTS = 64  # slots a plan keeps offsets for (composites have at most 14 fields)

cdef list _NAMES = [None] * 256  # encoding name per code, for messages
cdef list _WHAT = [None] * 256  # what a truncated fixed value is called (as _pure says)
cdef list _TYPE_NAMES = [None] * 256  # AMQP type name per code (Array.element_type)
cdef unsigned char _KNOWN[256]
cdef unsigned char _ZERO_WIDTH[256]
cdef Py_ssize_t _WIDTH[256]

_INTEGER_TYPES = frozenset(("ubyte", "ushort", "uint", "ulong", "byte", "short", "int", "long"))
for _code in range(256):
    _KNOWN[_code] = 0
    _ZERO_WIDTH[_code] = 0
    _WIDTH[_code] = 0
for _code, _encoding in ENCODING_BY_CODE.items():
    _KNOWN[_code] = 1
    _ZERO_WIDTH[_code] = _code in ZERO_WIDTH_CODES
    _WIDTH[_code] = _encoding.width
    _NAMES[_code] = _encoding.name
    _TYPE_NAMES[_code] = _encoding.type_name
    _WHAT[_code] = _encoding.name if _encoding.type_name in _INTEGER_TYPES else _encoding.type_name
del _code, _encoding

# Array element types: (narrow code, wide code, kind); kind 0 fixed, 1 variable, 2 compound.
cdef dict _ELEMENT_INFO = {}
for _name, (_narrow, _wide) in ARRAY_ELEMENT_CODES.items():
    _ELEMENT_INFO[_name] = (
        int(_narrow),
        int(_wide),
        2 if _name in ("list", "map", "array") else 1 if _name in ("binary", "string", "symbol") else 0,
    )
del _name, _narrow, _wide

# Nesting allowed before C gives up the way Python would (RecursionError).  Reached only
# with a ``limits`` that is not a real Limits (whose max_depth <= MAX_DEPTH_CEILING).
cdef int _HARD_DEPTH = 2 * MAX_DEPTH_CEILING

# The value classes as C globals, so a type test is one pointer comparison.
cdef object T_UBYTE = UByte
cdef object T_USHORT = UShort
cdef object T_UINT = UInt
cdef object T_ULONG = ULong
cdef object T_BYTE = Byte
cdef object T_SHORT = Short
cdef object T_INT = Int
cdef object T_LONG = Long
cdef object T_FLOAT = Float
cdef object T_CHAR = Char
cdef object T_SYMBOL = Symbol
cdef object T_TIMESTAMP = Timestamp
cdef object T_DECIMAL32 = Decimal32
cdef object T_DECIMAL64 = Decimal64
cdef object T_DECIMAL128 = Decimal128
cdef object T_DECIMAL = _Decimal
cdef object T_DESCRIBED = Described
cdef object T_ARRAY = Array
cdef object T_NONE = type(None)
cdef object T_DATETIME = _dt.datetime
cdef object T_UUID = _uuid.UUID

# Wrapper instances of small values are immutable and slot-less, so decodes share
# them (the pure backend builds a fresh, equal object each time).
cdef tuple _UBYTES = tuple([int.__new__(UByte, i) for i in range(256)])
cdef tuple _USHORTS = tuple([int.__new__(UShort, i) for i in range(256)])
cdef tuple _UINTS = tuple([int.__new__(UInt, i) for i in range(256)])
cdef tuple _ULONGS = tuple([int.__new__(ULong, i) for i in range(256)])
cdef tuple _BYTES = tuple([int.__new__(Byte, i) for i in range(-128, 128)])
cdef tuple _SHORTS = tuple([int.__new__(Short, i) for i in range(-128, 128)])
cdef tuple _INTS = tuple([int.__new__(Int, i) for i in range(-128, 128)])

# What a truncation names when the one byte of a constructor is missing and it is not an
# encoding (``fail_missing``), by number: the decoders' loops pass a C integer, with no
# reference counting on their error branches.
cdef enum Missing:
    M_LIST_ELEMENT
    M_MAP_KEY
    M_MAP_VALUE
    M_ARRAY_CONSTRUCTOR
    M_ARRAY_DESCRIPTOR
    M_DESCRIPTOR
    M_DESCRIBED_VALUE

cdef tuple _MISSING = (
    _text.LIST_ELEMENT,
    _text.MAP_KEY,
    _text.MAP_VALUE,
    _text.ARRAY_CONSTRUCTOR,
    _text.ARRAY_DESCRIPTOR,
    _text.DESCRIPTOR,
    _text.DESCRIBED_VALUE,
)

# The fixed messages of ``_errortext`` as C globals, for the raise sites.
cdef str MSG_NO_BYTES = _text.NO_BYTES
cdef str MSG_NON_CONTIGUOUS_INPUT = _text.NON_CONTIGUOUS_INPUT
cdef str MSG_STACK_EXHAUSTED = _text.STACK_EXHAUSTED
cdef str MSG_SYMBOL_NOT_ASCII = _text.SYMBOL_NOT_ASCII
cdef str MSG_MULTIPLY_DESCRIBED = _text.MULTIPLY_DESCRIBED
cdef str MSG_NON_CONTIGUOUS_MEMORYVIEW = _text.NON_CONTIGUOUS_MEMORYVIEW
cdef str MSG_COMPOUND_TOO_LARGE = _text.COMPOUND_TOO_LARGE

cdef dict _DECIMAL_CLASS = {
    C_DECIMAL32: (Decimal32, 32),
    C_DECIMAL64: (Decimal64, 64),
    C_DECIMAL128: (Decimal128, 128),
}

# Described, Array and UUID are built by setting their slots directly, as
# types._new_described/_new_array and _pure.decoder._d_uuid do (checked, else those are called).
cdef object _MEMBER = _pytypes.MemberDescriptorType
cdef object _D_DESCRIPTOR = Described.__dict__.get("descriptor")
cdef object _D_VALUE = Described.__dict__.get("value")
cdef object _A_TYPE = Array.__dict__.get("element_type")
cdef object _A_ITEMS = Array.__dict__.get("items")
cdef object _A_DESCRIPTOR = Array.__dict__.get("descriptor")
cdef bint _FAST_WRAPPERS = all(
    [type(d) is _MEMBER for d in (_D_DESCRIPTOR, _D_VALUE, _A_TYPE, _A_ITEMS, _A_DESCRIPTOR)]
)
cdef object _U_INT = T_UUID.__dict__.get("int")
cdef object _U_SAFE = T_UUID.__dict__.get("is_safe")
cdef object _SAFE_UNKNOWN = _uuid.SafeUUID.unknown
cdef bint _FAST_UUID = type(_U_INT) is _MEMBER and type(_U_SAFE) is _MEMBER

_u8 = _struct.Struct(">B")
_u16 = _struct.Struct(">H")
_u32 = _struct.Struct(">I")
_u64 = _struct.Struct(">Q")
_i8 = _struct.Struct(">b")
_i16 = _struct.Struct(">h")
_i32 = _struct.Struct(">i")
_i64 = _struct.Struct(">q")
_f64 = _struct.Struct(">d")

# Per element constructor: the struct format _pure packs an element with (cold path).
cdef dict _FIXED_FORMAT = {
    C_UBYTE: _u8,
    C_USHORT: _u16,
    C_SMALLUINT: _u8,
    C_UINT: _u32,
    C_SMALLULONG: _u8,
    C_ULONG: _u64,
    C_BYTE: _i8,
    C_SHORT: _i16,
    C_SMALLINT: _i8,
    C_INT: _i32,
    C_SMALLLONG: _i8,
    C_LONG: _i64,
    C_TIMESTAMP: _i64,
    C_DOUBLE: _f64,
}


# What a value that bypassed its wrapper's constructor (``int.__new__(UInt, -1)``) makes
# the low-level writers raise; turned into EncodeError where it happens, as in _pure.
cdef tuple _ENCODE_FAULTS = (EncodeError, _struct.error, OverflowError, ValueError, TypeError)


cdef object encode_error(object error):
    if isinstance(error, EncodeError):
        return error
    return EncodeError(_text.out_of_range(error))


class _StackExhausted(Exception):
    """Nesting beyond ``_HARD_DEPTH``; becomes the error ``_pure`` raises on ``RecursionError``."""
