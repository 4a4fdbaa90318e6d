# cython: language_level=3
"""The compiled backend: the hot value encoder and decoder (Part 1 §1.2, §1.6).

Strategy: the twin of ``_pure.py``, function for function, with the same results
and the same errors (class, ``.offset``, ``.constructor``, ``.limit``, ``.path`` and
message); ``tests/test_differential.py`` holds the two together.

Decoding reads a ``const unsigned char*`` (a ``bytes`` object's storage, or a buffer
exported by anything else and held until the call returns) with an offset.  Each
fixed-width read is an inline bounds check whose failure branch calls a separate
error function.  ``dec_body`` is the constructor dispatch, a C ``switch`` on the
``Code`` enum generated from ``_spec.py``.  Instead of catching ``IncompleteError``
the way ``_pure`` does, every decoder gets ``encl``: the code of the innermost list,
map or array whose declared size bounds it (``-1`` at top level).  A truncation then
raises ``IncompleteError`` when the input really ended and a plain ``DecodeError``
naming the enclosing compound when its size was wrong, exactly as ``_pure`` reports.
The ``Reader`` also carries the call's budget of zero-width array elements and maps
count their keys' hashes (``MAX_KEYS_PER_HASH``), as ``_pure`` does.

Encoding appends to a ``Writer`` (an inline buffer that moves to ``PyMem`` memory when
it grows).  Compounds reserve the short header, encode their elements and then fill
in size and count, widening the header in place when the content exceeds 255 bytes.
The output is held to ``max_message_size`` at the points ``_pure`` checks it
(``fail_too_large``), so both stop at the same value; ``__amqp__`` hook chains are
unrolled in a loop bounded by ``max_depth``, as there.
A value's encoder is found by exact type (identity checks, the common ones first),
then as ``_pure._encoder_for`` does: the MRO, an ``__amqp__`` method, ``Mapping``;
the answer is cached per class, as there.

Both directions recurse in C once per nesting level; ``Limits.max_depth`` is at most
500, so the C stack is never at risk.  Rare values (decimals, NaN floats, aware
datetimes, wrappers built around out-of-range numbers) go through the same Python
functions and ``struct`` formats ``_pure`` uses, so they cannot differ.

The hot paths of the layers above (``_pure``'s docstring) are here too:
``to_typed``/``build_composite`` fill a composite's slots through the member
descriptors of its ``_PLAN`` (a per-class plan cached in ``_COMPOSITE_PLANS``);
``decode_message``/``scan_message``/``encode_message`` and ``decode_frame`` read
their plans (cached by identity) the same way.  A composite whose ``__amqp__`` is the composite one is
encoded straight from its slots (``enc_composite``), as ``_pure._e_composite`` does.
"""

from cpython.buffer cimport (
    PyBUF_FULL_RO,
    PyBUF_SIMPLE,
    PyBuffer_IsContiguous,
    PyBuffer_Release,
    PyObject_CheckBuffer,
    PyObject_GetBuffer,
)
from cpython.bytearray cimport PyByteArray_GET_SIZE
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.dict cimport PyDict_GetItemWithError, PyDict_Next
from cpython.exc cimport PyErr_Clear, PyErr_ExceptionMatches
from cpython.float cimport PyFloat_AS_DOUBLE, PyFloat_FromDouble
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE, PyList_New, PyList_SET_ITEM
from cpython.long cimport (
    PyLong_AsLongLongAndOverflow,
    PyLong_FromLong,
    PyLong_FromLongLong,
    PyLong_FromUnsignedLongLong,
)
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF, Py_INCREF
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE, PyTuple_New, PyTuple_SET_ITEM
from libc.math cimport fabs, isinf
from libc.stdint cimport INT64_MAX, INT64_MIN, int8_t, int16_t, int32_t, int64_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcpy, memmove

include "_constants.pxi"

import builtins as _builtins
import datetime as _dt
import struct as _struct
import types as _pytypes
import uuid as _uuid
from collections.abc import Mapping as _Mapping
from decimal import Decimal as _Decimal

from amqpcodec._decimal import bid_to_decimal, decimal_to_bid
from amqpcodec._spec import ARRAY_ELEMENT_CODES, ENCODING_BY_CODE, ZERO_WIDTH_CODES
from amqpcodec.errors import (
    DecodeError,
    EncodeError,
    IncompleteError,
    LimitExceededError,
    UnsupportedTypeError,
)
from amqpcodec.limits import MAX_DEPTH_CEILING, MAX_KEYS_PER_HASH, Limits
from amqpcodec.types import (
    Array,
    Byte,
    Char,
    Decimal32,
    Decimal64,
    Decimal128,
    Described,
    Float,
    Int,
    Long,
    Short,
    Symbol,
    Timestamp,
    UByte,
    UInt,
    ULong,
    UShort,
    _new_array,
    _new_described,
    double_to_float32_bits,
    float32_bits_to_double,
)

__all__ = [
    "encode",
    "decode_prefix",
    "to_typed",
    "build_composite",
    "decode_message",
    "scan_message",
    "encode_message",
    "decode_frame",
    "GENERATED_CODES",
]

cdef extern from "Python.h":
    bint PyLong_Check(object)
    bint PyFloat_Check(object)
    bint PyUnicode_Check(object)
    bint PyUnicode_IS_ASCII(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    Py_UCS4 PyUnicode_READ_CHAR(object, Py_ssize_t)
    Py_ssize_t PyDict_GET_SIZE(object)
    # Raw forms: a NULL (or -1) result is handled here, not by Cython's automatic raise.
    PyObject* PyUnicode_DecodeUTF8_raw "PyUnicode_DecodeUTF8"(const char*, Py_ssize_t, const char*)
    PyObject* PyUnicode_DecodeASCII_raw "PyUnicode_DecodeASCII"(const char*, Py_ssize_t, const char*)
    PyObject* PyUnicode_AsUTF8String_raw "PyUnicode_AsUTF8String"(object)
    int PyDict_SetItem_raw "PyDict_SetItem"(object, object, object)
    unsigned long long PyLong_AsUnsignedLongLong_raw "PyLong_AsUnsignedLongLong"(object)
    PyObject* PyErr_Occurred()
    void* PyMem_Calloc(size_t, size_t)

cdef extern from "float.h":
    const float FLT_MAX

cdef extern from *:
    """
    #include <structmember.h>
    static CYTHON_INLINE uint32_t amqp_rd32(const unsigned char *p) {
        return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
    }
    static CYTHON_INLINE uint16_t amqp_rd16(const unsigned char *p) {
        return (uint16_t)(((unsigned)p[0] << 8) | (unsigned)p[1]);
    }
    static CYTHON_INLINE uint64_t amqp_rd64(const unsigned char *p) {
        return ((uint64_t)amqp_rd32(p) << 32) | (uint64_t)amqp_rd32(p + 4);
    }
    static CYTHON_INLINE void amqp_wr16(unsigned char *p, uint16_t v) {
        p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v;
    }
    static CYTHON_INLINE void amqp_wr32(unsigned char *p, uint32_t v) {
        p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
        p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
    }
    static CYTHON_INLINE void amqp_wr64(unsigned char *p, uint64_t v) {
        amqp_wr32(p, (uint32_t)(v >> 32)); amqp_wr32(p + 4, (uint32_t)v);
    }
    static CYTHON_INLINE double amqp_bits_to_double(uint64_t bits) {
        double d; memcpy(&d, &bits, 8); return d;
    }
    static CYTHON_INLINE uint64_t amqp_double_to_bits(double d) {
        uint64_t bits; memcpy(&bits, &d, 8); return bits;
    }
    static CYTHON_INLINE double amqp_float_bits_to_double(uint32_t bits) {
        float f; memcpy(&f, &bits, 4); return (double)f;
    }
    /* Only called with |d| <= FLT_MAX or an infinity, where the conversion is defined. */
    static CYTHON_INLINE uint32_t amqp_double_to_float_bits(double d) {
        float f = (float)d; uint32_t bits; memcpy(&bits, &f, 4); return bits;
    }
    /* base.__new__(type, value) for a builtin base (int, float, str) and a subclass of
       it: what ``int.__new__(UInt, x)`` does, without the Python-level call. */
    static PyObject *amqp_subtype_new(PyObject *base, PyObject *type, PyObject *value) {
        PyObject *args = PyTuple_Pack(1, value);
        PyObject *result;
        if (args == NULL) return NULL;
        result = ((PyTypeObject *)base)->tp_new((PyTypeObject *)type, args, NULL);
        Py_DECREF(args);
        return result;
    }
    /* ``object.__new__(type)``: the instance before its slots are set. */
    static PyObject *amqp_alloc(PyObject *type) {
        return ((PyTypeObject *)type)->tp_alloc((PyTypeObject *)type, 0);
    }
    /* Set a __slots__ member through its descriptor (``Described.value.__set__``). */
    static int amqp_descr_set(PyObject *descr, PyObject *obj, PyObject *value) {
        return Py_TYPE(descr)->tp_descr_set(descr, obj, value);
    }
    /* Read one through it (``descr.__get__(obj)``): a new reference, or NULL with the
       AttributeError of an unset slot. */
    static PyObject *amqp_descr_get(PyObject *descr, PyObject *obj) {
        return Py_TYPE(descr)->tp_descr_get(descr, obj, (PyObject *)Py_TYPE(obj));
    }
    /* Where a member descriptor keeps its value in instances of ``cls``: its offset when
       it is a plain, writable object slot of ``cls`` or one of its bases, else -1.  The
       hot paths then read and write that word themselves (what member_get/member_set
       do, less their checks); anything else goes through the descriptor. */
    static Py_ssize_t amqp_slot_offset(PyObject *descr, PyObject *cls) {
        PyMemberDef *member;
        if (Py_TYPE(descr) != &PyMemberDescr_Type || !PyType_Check(cls)) return -1;
        if (!PyType_IsSubtype((PyTypeObject *)cls, ((PyDescrObject *)descr)->d_type)) return -1;
        member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type != T_OBJECT_EX || (member->flags & READONLY)) return -1;
        return member->offset;
    }
    /* A dict with room for ``n`` entries (CPython's own presizing, as Cython uses it). */
    #if CYTHON_COMPILING_IN_CPYTHON
    #define amqp_dict_presized(n) ((n) <= 5 ? PyDict_New() : _PyDict_NewPresized(n))
    #else
    #define amqp_dict_presized(n) PyDict_New()
    #endif
    /* The value in the slot at ``offset`` (borrowed; NULL when unset). */
    static CYTHON_INLINE PyObject *amqp_slot_peek(PyObject *obj, Py_ssize_t offset) {
        return *(PyObject **)((char *)obj + offset);
    }
    static CYTHON_INLINE void amqp_slot_put(PyObject *obj, Py_ssize_t offset, PyObject *value) {
        PyObject **slot = (PyObject **)((char *)obj + offset);
        PyObject *old = *slot;
        Py_INCREF(value);
        *slot = value;
        Py_XDECREF(old);
    }

    /* A direct-mapped cache of short decoded strings and symbols (map keys, descriptor
       and annotation symbols repeat from message to message): a hit costs a hash and a
       memcmp instead of one or two allocations.  Only ASCII text is kept, so its
       PyUnicode_DATA is its wire bytes.  Entries are immutable; sharing them is safe. */
    #define AMQP_CACHE_SLOTS 1024
    #define AMQP_CACHE_MAX_SIZE 64
    static PyObject *amqp_cache[2][AMQP_CACHE_SLOTS];

    static CYTHON_INLINE uint32_t amqp_cache_slot(const unsigned char *p, Py_ssize_t n) {
        /* Eight bytes per multiply (the keys hashed here are at most 64 bytes); the
           tail is read with whole loads that overlap what came before, never byte by
           byte into memory (which stalls the load that follows). */
        const unsigned char *end = p + n;
        uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, word;
        uint32_t a, b;
        if (n >= 8) {
            while (end - p > 8) {
                memcpy(&word, p, 8);
                h = (h ^ word) * 0xFF51AFD7ED558CCDull;
                h ^= h >> 31;
                p += 8;
            }
            memcpy(&word, end - 8, 8);
        } else if (n >= 4) {
            memcpy(&a, p, 4);
            memcpy(&b, end - 4, 4);
            word = ((uint64_t)a << 32) | b;
        } else if (n > 0) {
            word = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
        } else {
            word = 0;
        }
        h = (h ^ word) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 33;
        return (uint32_t)(h ^ (h >> 17)) & (AMQP_CACHE_SLOTS - 1);
    }
    /* A new reference to the cached text equal to p[:n], or NULL (no exception). */
    static CYTHON_INLINE PyObject *amqp_cache_get(int which, uint32_t slot, const unsigned char *p, Py_ssize_t n) {
        PyObject *s = amqp_cache[which][slot];
        if (s != NULL && PyUnicode_GET_LENGTH(s) == n && memcmp(PyUnicode_DATA(s), p, (size_t)n) == 0) {
            Py_INCREF(s);
            return s;
        }
        return NULL;
    }
    static CYTHON_INLINE void amqp_cache_put(int which, uint32_t slot, PyObject *s) {
        PyObject *old = amqp_cache[which][slot];
        Py_INCREF(s);
        amqp_cache[which][slot] = s;
        Py_XDECREF(old);
    }

    /* Keys per hash while a map is decoded (MAX_KEYS_PER_HASH): an open-addressing table
       of mask + 1 slots, at most half full, probed the way CPython's dict probes
       (perturbed by the high bits), so hashes a peer crafts cannot make it quadratic. */
    typedef struct { Py_hash_t hash; Py_ssize_t count; } amqp_hash_slot;
    static CYTHON_INLINE Py_ssize_t amqp_hash_count(amqp_hash_slot *table, size_t mask, Py_hash_t h) {
        size_t perturb = (size_t)h;
        size_t i = (size_t)h & mask;
        for (;;) {
            amqp_hash_slot *slot = &table[i];
            if (slot->count == 0) { slot->hash = h; slot->count = 1; return 1; }
            if (slot->hash == h) return ++slot->count;
            perturb >>= 5;
            i = (i * 5 + perturb + 1) & mask;
        }
    }
    /* PyDict_SetItem with the key's hash already computed (the private API is gone
       from 3.13's headers: there the key is hashed again). */
    #if PY_VERSION_HEX < 0x030D0000
    #define amqp_dict_set_hashed(d, k, v, h) _PyDict_SetItem_KnownHash((d), (k), (v), (h))
    #else
    #define amqp_dict_set_hashed(d, k, v, h) PyDict_SetItem((d), (k), (v))
    #endif
    """
    uint16_t amqp_rd16(const unsigned char*) nogil
    uint32_t amqp_rd32(const unsigned char*) nogil
    uint64_t amqp_rd64(const unsigned char*) nogil
    void amqp_wr16(unsigned char*, uint16_t) nogil
    void amqp_wr32(unsigned char*, uint32_t) nogil
    void amqp_wr64(unsigned char*, uint64_t) nogil
    double amqp_bits_to_double(uint64_t) nogil
    uint64_t amqp_double_to_bits(double) nogil
    double amqp_float_bits_to_double(uint32_t) nogil
    uint32_t amqp_double_to_float_bits(double) nogil
    object amqp_subtype_new(object base, object type, object value)
    object amqp_alloc(object type)
    int amqp_descr_set(object descr, object obj, object value) except -1
    object amqp_descr_get(object descr, object obj)
    dict amqp_dict_presized(Py_ssize_t n)
    Py_ssize_t amqp_slot_offset(object descr, object cls) except? -2
    PyObject* amqp_slot_peek(object obj, Py_ssize_t offset)
    void amqp_slot_put(object obj, Py_ssize_t offset, object value)
    enum: AMQP_CACHE_MAX_SIZE
    uint32_t amqp_cache_slot(const unsigned char*, Py_ssize_t) nogil
    PyObject* amqp_cache_get(int, uint32_t, const unsigned char*, Py_ssize_t)
    void amqp_cache_put(int, uint32_t, object)
    ctypedef struct amqp_hash_slot:
        Py_hash_t hash
        Py_ssize_t count
    Py_ssize_t amqp_hash_count(amqp_hash_slot*, size_t, Py_hash_t) nogil
    int amqp_dict_set_hashed(object, object, object, Py_hash_t)


# --------------------------------------------------------------------------- tables
# Built from _spec.py at import; no constructor code is written down here.

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

cdef dict _DECIMAL_CLASS = {
    C_DECIMAL32: (Decimal32, 32),
    C_DECIMAL64: (Decimal64, 64),
    C_DECIMAL128: (Decimal128, 128),
}

# Described, Array and UUID are built by setting their slots directly, as
# types._new_described/_new_array and _pure._d_uuid do (checked, else those are called).
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
    return EncodeError(f"value out of range for its AMQP type: {error}")


class _StackExhausted(Exception):
    """Nesting beyond ``_HARD_DEPTH``; becomes the error ``_pure`` raises on ``RecursionError``."""


# --------------------------------------------------------------------------- objects


cdef inline object steal(PyObject* p):
    cdef object result = <object>p
    Py_DECREF(result)
    return result


cdef inline object new_int(object cls, object number):
    return amqp_subtype_new(int, cls, number)


cdef object new_described(object descriptor, object value):
    if not _FAST_WRAPPERS:
        return _new_described(descriptor, value)
    cdef object obj = amqp_alloc(T_DESCRIBED)
    amqp_descr_set(_D_DESCRIPTOR, obj, descriptor)
    amqp_descr_set(_D_VALUE, obj, value)
    return obj


cdef object new_array(object element_type, tuple items, object descriptor):
    if not _FAST_WRAPPERS:
        return _new_array(element_type, items, descriptor)
    cdef object obj = amqp_alloc(T_ARRAY)
    amqp_descr_set(_A_TYPE, obj, element_type)
    amqp_descr_set(_A_ITEMS, obj, items)
    amqp_descr_set(_A_DESCRIPTOR, obj, descriptor)
    return obj


cdef object new_uuid(const unsigned char* p):
    cdef object number = (PyLong_FromUnsignedLongLong(amqp_rd64(p)) << 64) | PyLong_FromUnsignedLongLong(
        amqp_rd64(p + 8)
    )
    if not _FAST_UUID:
        return T_UUID(int=number)
    cdef object obj = amqp_alloc(T_UUID)
    amqp_descr_set(_U_INT, obj, number)
    amqp_descr_set(_U_SAFE, obj, _SAFE_UNKNOWN)
    return obj


# --------------------------------------------------------------------------- decoding


cdef struct Reader:
    const unsigned char* data
    Py_ssize_t origin  # where decoding started (the offset of the "stack" error)
    PyObject* limits  # borrowed; its fields are read on first use, as _pure reads them
    int max_depth
    bint depth_loaded
    bint depth_hard  # max_depth is clamped to _HARD_DEPTH
    int64_t max_items
    bint items_loaded
    int64_t max_pairs
    bint pairs_loaded
    # Zero-width array elements this call may still decode (_pure._Bounds.zero_width):
    # in ``budget`` (a caller's one-item list, borrowed) when given, else here.
    PyObject* budget
    int64_t zero_width
    bint zero_width_loaded


cdef int64_t clamp(object value) except? -1:
    """A limit as a C integer; every limit beyond a 32-bit count acts alike."""
    if value > 0x4000000000000000:
        return 0x4000000000000000
    if value < -0x4000000000000000:
        return -0x4000000000000000
    return value


cdef int load_depth(object limits, int* max_depth, bint* hard) except -1:
    cdef object value = limits.max_depth
    if value > _HARD_DEPTH:
        max_depth[0] = _HARD_DEPTH
        hard[0] = True
    else:
        max_depth[0] = <int>clamp(value) if value > 0 else 0
    return 0


# The last two exact ``Limits`` seen, read once (a lazy message's sections are read
# with the caller's limits less one level of depth, so two are in use at a time).
# Their fields are always ints (a frozen dataclass, checked when built), so reading
# them ahead of use cannot differ from reading them on first use, which is what any
# other ``limits`` object gets.
cdef struct KnownLimits:
    PyObject* limits  # a reference held in _known_refs
    int depth
    bint hard
    int64_t items
    int64_t pairs
    int64_t output  # max_message_size


cdef object T_LIMITS = Limits
cdef list _known_refs = [None, None]
cdef KnownLimits _known[2]
_known[0].limits = NULL
_known[1].limits = NULL


cdef KnownLimits* known_limits(object limits) except? NULL:
    """The ``Limits`` read into ``_known`` (reading it now if it is one), else NULL."""
    cdef KnownLimits fresh
    if <PyObject*>limits == _known[0].limits:
        return &_known[0]
    if <PyObject*>limits == _known[1].limits:
        return &_known[1]
    if type(limits) is not T_LIMITS:
        return NULL
    fresh.hard = False
    load_depth(limits, &fresh.depth, &fresh.hard)
    fresh.items = clamp(limits.max_container_items)
    fresh.pairs = clamp(limits.max_map_entries)
    fresh.output = clamp(limits.max_message_size)
    fresh.limits = <PyObject*>limits
    _known[1] = _known[0]
    _known_refs[1] = _known_refs[0]
    _known[0] = fresh
    _known_refs[0] = limits
    return &_known[0]


cdef inline int reader_init(Reader* r, const unsigned char* data, Py_ssize_t origin, object limits) except -1:
    r.data = data
    r.origin = origin
    r.limits = <PyObject*>limits
    r.budget = NULL
    r.zero_width_loaded = False
    cdef KnownLimits* known = known_limits(limits)
    if known != NULL:
        r.max_depth, r.depth_hard, r.max_items, r.max_pairs = known.depth, known.hard, known.items, known.pairs
        r.depth_loaded = r.items_loaded = r.pairs_loaded = True
    else:
        r.depth_loaded = r.depth_hard = r.items_loaded = r.pairs_loaded = False
    return 0


cdef int fail_truncated(str what, Py_ssize_t off, uint64_t need, Py_ssize_t end, int encl) except -1:
    message = f"{what} needs {need} bytes, {max(end - off, 0)} remain"
    if encl < 0:
        raise IncompleteError(message, offset=off)
    raise DecodeError(f"{message}, past the end of the enclosing {_NAMES[encl]}", offset=off, constructor=encl)


cdef int fail_depth(Reader* r, Py_ssize_t off, unsigned int code) except -1:
    if r.depth_hard:
        raise LimitExceededError(
            "nesting exhausted the Python stack before max_depth", offset=r.origin, limit="max_depth"
        )
    raise LimitExceededError(
        f"nesting deeper than max_depth={(<object>r.limits).max_depth}",
        offset=off,
        limit="max_depth",
        constructor=code,
    )


cdef inline int check_depth(Reader* r, int depth, Py_ssize_t off, unsigned int code) except -1:
    if not r.depth_loaded:
        load_depth(<object>r.limits, &r.max_depth, &r.depth_hard)
        r.depth_loaded = True
    if depth >= r.max_depth:
        return fail_depth(r, off, code)
    return 0


cdef inline int need(Py_ssize_t off, Py_ssize_t width, Py_ssize_t end, unsigned int code, int encl) except -1:
    if end - off < width:
        return fail_truncated(_WHAT[code], off, width, end, encl)
    return 0


cdef inline int64_t max_items(Reader* r) except? -1:
    if not r.items_loaded:
        r.max_items = clamp((<object>r.limits).max_container_items)
        r.items_loaded = True
    return r.max_items


cdef int fail_count(uint64_t count, int64_t room, int64_t limit, Py_ssize_t off, unsigned int code) except -1:
    name = _NAMES[code]
    if <int64_t>count > room:
        raise DecodeError(f"{name} claims {count} elements in {room} bytes", offset=off, constructor=code)
    raise LimitExceededError(
        f"{name} has {count} elements, over max_container_items={limit}",
        offset=off,
        limit="max_container_items",
        constructor=code,
    )


cdef int fail_map_count(Reader* r, uint64_t count, int64_t room, Py_ssize_t off, unsigned int code) except -1:
    name = _NAMES[code]
    if count & 1:
        raise DecodeError(f"{name} has an odd count {count}", offset=off, constructor=code)
    if <int64_t>count > room:
        raise DecodeError(f"{name} claims {count} elements in {room} bytes", offset=off, constructor=code)
    raise LimitExceededError(
        f"{name} has {count >> 1} entries, over max_map_entries={(<object>r.limits).max_map_entries}",
        offset=off,
        limit="max_map_entries",
        constructor=code,
    )


cdef int fail_filled(Py_ssize_t pos, Py_ssize_t stop, Py_ssize_t off, unsigned int code) except -1:
    raise DecodeError(
        f"{_NAMES[code]} elements end at offset {pos}, its size says {stop}", offset=off, constructor=code
    )


cdef inline int read_header(
    Reader* r, unsigned int code, Py_ssize_t off, Py_ssize_t end, int encl,
    uint64_t* count, Py_ssize_t* body, Py_ssize_t* stop,
) except -1:
    """Size and count of a compound or array (§1.2): sets count, body start and stop.

    The size and count fields must both be present before either is judged.
    """
    cdef Py_ssize_t width = _WIDTH[code]
    cdef const unsigned char* p = r.data + off
    cdef uint64_t size
    if end - off < 2 * width:
        return fail_truncated(_NAMES[code], off, 2 * width, end, encl)
    if width == 1:
        size = p[0]
        count[0] = p[1]
    else:
        size = amqp_rd32(p)
        count[0] = amqp_rd32(p + 4)
    if size > <uint64_t>(end - off - width):
        return fail_truncated(_NAMES[code], off, width + size, end, encl)
    if size < <uint64_t>width:
        raise DecodeError(f"{_NAMES[code]} size {size} cannot hold its count", offset=off, constructor=code)
    body[0] = off + 2 * width
    stop[0] = off + width + <Py_ssize_t>size
    return 0


cdef object dec_list(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """list8 / list32 (§1.6.22)."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t pos, stop, i
    cdef uint64_t count
    cdef unsigned int element
    cdef object value
    check_depth(r, depth, off, code)
    read_header(r, code, off, end, encl, &count, &pos, &stop)
    if <int64_t>count > stop - pos or <int64_t>count > max_items(r):
        fail_count(count, stop - pos, r.max_items, off, code)
    cdef list items = PyList_New(<Py_ssize_t>count)
    depth += 1
    for i in range(<Py_ssize_t>count):
        if pos >= stop:
            fail_truncated("list element", pos, 1, stop, code)
        element = r.data[pos]
        pos += 1
        value = dec_body(r, element, &pos, stop, depth, code)
        Py_INCREF(value)
        PyList_SET_ITEM(items, i, value)
    if pos != stop:
        fail_filled(pos, stop, off, code)
    pp[0] = stop
    return items


cdef int map_insert_failed() except -1:
    """After ``PyDict_SetItem`` failed: 1 for an unhashable key, else re-raise."""
    if PyErr_ExceptionMatches(TypeError):
        PyErr_Clear()
        return 1
    return -1


cdef object dec_map(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """map8 / map32 (§1.6.23).  As in ``_pure``, every entry is decoded before a
    duplicate or unhashable key is reported (the first one, at its constructor)."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t pos, stop, i, key_at, size, bad_at = -1
    cdef uint64_t count
    cdef unsigned int element
    cdef bint unhashable = False
    cdef bint bad_unhashable = False
    cdef object key, value, bad_key = None
    cdef object key_type
    cdef amqp_hash_slot* hashes = NULL  # keys per hash, of keys a peer can aim (count_hash)
    cdef size_t mask = 0
    cdef Py_hash_t hashed = 0
    cdef int hash_known
    check_depth(r, depth, off, code)
    read_header(r, code, off, end, encl, &count, &pos, &stop)
    if count & 1 or <int64_t>count > stop - pos:
        fail_map_count(r, count, stop - pos, off, code)
    if not r.pairs_loaded:
        r.max_pairs = clamp((<object>r.limits).max_map_entries)
        r.pairs_loaded = True
    if <int64_t>(count >> 1) > r.max_pairs:
        fail_map_count(r, count, stop - pos, off, code)
    cdef dict result = amqp_dict_presized(<Py_ssize_t>(count >> 1))  # count checked against the limit above
    depth += 1
    try:
        for i in range(<Py_ssize_t>(count >> 1)):
            if pos >= stop:
                fail_truncated("map key", pos, 1, stop, code)
            key_at = pos
            element = r.data[pos]
            pos += 1
            key = dec_body(r, element, &pos, stop, depth, code)
            key_type = type(key)
            hash_known = 0
            if key_type is not str and key_type is not T_SYMBOL and key_type is not bytes:
                if hashes == NULL:
                    hashes = new_hash_table(<Py_ssize_t>(count >> 1), &mask)
                hash_known = count_hash(hashes, mask, key, key_at, code, &hashed)
            if pos >= stop:
                fail_truncated("map value", pos, 1, stop, code)
            element = r.data[pos]
            pos += 1
            value = dec_body(r, element, &pos, stop, depth, code)
            if unhashable:
                continue
            size = PyDict_GET_SIZE(result)
            if (amqp_dict_set_hashed(result, key, value, hashed) if hash_known else PyDict_SetItem_raw(result, key, value)) < 0:
                map_insert_failed()
                unhashable = True
                if bad_at < 0:
                    bad_at = key_at
                    bad_key = key
                    bad_unhashable = True
            elif PyDict_GET_SIZE(result) == size and bad_at < 0:
                bad_at = key_at
                bad_key = key
    finally:
        PyMem_Free(hashes)
    if pos != stop:
        fail_filled(pos, stop, off, code)
    if bad_at >= 0:
        fail_map_key(bad_key, bad_unhashable, bad_at, code)
    pp[0] = stop
    return result


cdef amqp_hash_slot* new_hash_table(Py_ssize_t pairs, size_t* mask) except NULL:
    """A zeroed table with room for ``pairs`` hashes at most half full (freed by ``dec_map``)."""
    cdef size_t size = 8
    while size < <size_t>(2 * pairs):
        size <<= 1
    cdef amqp_hash_slot* table = <amqp_hash_slot*>PyMem_Calloc(size, sizeof(amqp_hash_slot))
    if table == NULL:
        raise MemoryError()
    mask[0] = size - 1
    return table


cdef int count_hash(
    amqp_hash_slot* table, size_t mask, object key, Py_ssize_t key_at, unsigned int code, Py_hash_t* hashed
) except -1:
    """As ``_pure``'s map loop counts: refuse the key that makes more than
    ``MAX_KEYS_PER_HASH`` keys of one map share a hash (hash flooding); 1 with its hash
    in ``hashed``, or 0 for an unhashable key, left to the dict to report."""
    cdef Py_ssize_t seen
    try:
        hashed[0] = hash(key)
    except TypeError:
        return 0
    seen = amqp_hash_count(table, mask, hashed[0])
    if seen > MAX_KEYS_PER_HASH:
        raise LimitExceededError(
            f"{_NAMES[code]} has {seen} keys sharing one hash, over MAX_KEYS_PER_HASH={MAX_KEYS_PER_HASH}",
            offset=key_at,
            limit="max_map_entries",
            constructor=code,
        )
    return 1


cdef int fail_map_key(object key, bint unhashable, Py_ssize_t key_at, unsigned int code) except -1:
    if unhashable:
        raise DecodeError(
            f"map key of type {type(key).__name__} is unhashable in Python", offset=key_at, constructor=code
        )
    raise DecodeError(f"duplicate map key {key!r}", offset=key_at, constructor=code)


cdef object dec_array(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """array8 / array32 (§1.6.24), optionally of described elements."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t pos, stop, i
    cdef uint64_t count
    cdef unsigned int element
    cdef int64_t room
    cdef object value
    cdef object descriptor = None
    check_depth(r, depth, off, code)
    read_header(r, code, off, end, encl, &count, &pos, &stop)
    depth += 1
    if pos >= stop:
        fail_truncated("array element constructor", pos, 1, stop, code)
    element = r.data[pos]
    if element == C_DESCRIBED:
        if pos + 1 >= stop:
            fail_truncated("array descriptor", pos + 1, 1, stop, code)
        element = r.data[pos + 1]
        pos += 2
        descriptor = dec_body(r, element, &pos, stop, depth, code)
        if pos >= stop:
            fail_truncated("array element constructor", pos, 1, stop, code)
        element = r.data[pos]
        if element == C_DESCRIBED:
            raise DecodeError(
                "arrays of multiply-described elements are not supported", offset=pos, constructor=code
            )
    if not _KNOWN[element]:
        raise DecodeError(f"unknown array element constructor 0x{element:02x}", offset=pos, constructor=element)
    pos += 1
    # Zero-width elements cost no bytes, so only the limit bounds their count: each
    # array's, and all of this call's together (take_zero_width).
    room = INT64_MAX if _ZERO_WIDTH[element] else stop - pos
    if <int64_t>count > room or <int64_t>count > max_items(r):
        fail_count(count, room, r.max_items, off, code)
    if _ZERO_WIDTH[element]:
        take_zero_width(r, <int64_t>count, off, code)
    cdef tuple items = PyTuple_New(<Py_ssize_t>count)
    for i in range(<Py_ssize_t>count):
        value = dec_body(r, element, &pos, stop, depth, code)
        Py_INCREF(value)
        PyTuple_SET_ITEM(items, i, value)
    if pos != stop:
        fail_filled(pos, stop, off, code)
    pp[0] = stop
    return new_array(_TYPE_NAMES[element], items, descriptor)


cdef int take_zero_width(Reader* r, int64_t count, Py_ssize_t off, unsigned int code) except -1:
    """``_pure._take_zero_width``: take ``count`` zero-width elements from the budget."""
    cdef int64_t left
    if r.budget != NULL:
        left = clamp((<list>r.budget)[0])
    else:
        if not r.zero_width_loaded:
            r.zero_width = max_items(r)
            r.zero_width_loaded = True
        left = r.zero_width
    if count > left:
        raise LimitExceededError(
            f"{_NAMES[code]} has {count} zero-width elements, but only {left} of "
            f"max_container_items={(<object>r.limits).max_container_items} are left in this decode",
            offset=off,
            limit="max_container_items",
            constructor=code,
        )
    if r.budget != NULL:
        (<list>r.budget)[0] = left - count
    else:
        r.zero_width = left - count
    return 0


cdef object dec_described(Reader* r, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """A described value (§1.2): descriptor, then value."""
    cdef Py_ssize_t off = pp[0]
    cdef unsigned int code
    cdef object descriptor, value
    check_depth(r, depth, off, C_DESCRIBED)
    depth += 1
    if off >= end:
        fail_truncated("descriptor", off, 1, end, encl)
    code = r.data[off]
    off += 1
    descriptor = dec_body(r, code, &off, end, depth, encl)
    if off >= end:
        fail_truncated("described value", off, 1, end, encl)
    code = r.data[off]
    off += 1
    value = dec_body(r, code, &off, end, depth, encl)
    pp[0] = off
    return new_described(descriptor, value)


cdef int fail_text(const unsigned char* p, Py_ssize_t size, Py_ssize_t off, unsigned int code) except -1:
    """After a failed UTF-8 / ASCII decode: the DecodeError ``_pure`` raises (else re-raise)."""
    if not PyErr_ExceptionMatches(UnicodeDecodeError):
        return -1
    PyErr_Clear()
    if code == C_SYM8 or code == C_SYM32:
        raise DecodeError("symbol is not ASCII", offset=off, constructor=code)
    try:
        PyBytes_FromStringAndSize(<const char*>p, size).decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(f"string is not valid UTF-8: {error.reason}", offset=off, constructor=code) from None
    raise AssertionError("UTF-8 decoding failed once and succeeded twice")


cdef object dec_variable(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int encl):
    """vbin, str and sym in the 8- and 32-bit size forms (§1.6.19, §1.6.20, §1.6.21)."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t width = _WIDTH[code]
    cdef uint64_t size
    cdef Py_ssize_t start
    cdef const char* p
    cdef PyObject* text
    if end - off < width:
        fail_truncated(_NAMES[code], off, width, end, encl)
    size = r.data[off] if width == 1 else amqp_rd32(r.data + off)
    start = off + width
    if size > <uint64_t>(end - start):
        fail_truncated(_NAMES[code], off, width + size, end, encl)
    pp[0] = start + <Py_ssize_t>size
    p = <const char*>(r.data + start)
    if code == C_VBIN8 or code == C_VBIN32:
        return PyBytes_FromStringAndSize(p, <Py_ssize_t>size)
    cdef int which = code == C_SYM8 or code == C_SYM32
    cdef bint cacheable = size <= AMQP_CACHE_MAX_SIZE
    cdef uint32_t slot = 0
    cdef object result
    if cacheable:
        slot = amqp_cache_slot(r.data + start, <Py_ssize_t>size)
        text = amqp_cache_get(which, slot, r.data + start, <Py_ssize_t>size)
        if text != NULL:
            return steal(text)
    if which:
        text = PyUnicode_DecodeASCII_raw(p, <Py_ssize_t>size, NULL)
        if text == NULL:
            fail_text(r.data + start, <Py_ssize_t>size, off, code)
        result = amqp_subtype_new(str, T_SYMBOL, steal(text))
    else:
        text = PyUnicode_DecodeUTF8_raw(p, <Py_ssize_t>size, NULL)
        if text == NULL:
            fail_text(r.data + start, <Py_ssize_t>size, off, code)
        result = steal(text)
    if cacheable and PyUnicode_IS_ASCII(result):
        amqp_cache_put(which, slot, result)
    return result


cdef object dec_float(uint32_t bits):
    if bits & 0x7F800000 == 0x7F800000 and bits & 0x007FFFFF:
        return amqp_subtype_new(float, T_FLOAT, float32_bits_to_double(bits))  # NaN: keep its payload
    return amqp_subtype_new(float, T_FLOAT, PyFloat_FromDouble(amqp_float_bits_to_double(bits)))


cdef object dec_char(uint32_t point, Py_ssize_t off):
    if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
        raise DecodeError(f"char U+{point:X} is not a Unicode scalar value", offset=off, constructor=C_CHAR)
    return amqp_subtype_new(str, T_CHAR, chr(point))


cdef object dec_decimal(unsigned int code, const unsigned char* p):
    cls, width = _DECIMAL_CLASS[code]
    return cls(bid_to_decimal(PyBytes_FromStringAndSize(<const char*>p, width // 8), width))


cdef object fail_unknown(Py_ssize_t off, unsigned int code):
    raise DecodeError(f"unknown constructor 0x{code:02x}", offset=off - 1, constructor=code)


cdef object dec_body(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """The value whose constructor ``code`` was just read (§1.6).  ``pp`` points at its
    first byte after the constructor and is moved past it; ``end`` bounds the value."""
    cdef Py_ssize_t off = pp[0]
    cdef const unsigned char* p = r.data + off
    cdef uint32_t u32
    cdef uint64_t u64
    cdef int32_t i32
    cdef int16_t i16
    cdef uint16_t u16
    if code == C_SMALLULONG:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _ULONGS[p[0]]
    elif code == C_SMALLUINT:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _UINTS[p[0]]
    elif code == C_STR8 or code == C_STR32 or code == C_SYM8 or code == C_SYM32:
        return dec_variable(r, code, pp, end, encl)
    elif code == C_VBIN8 or code == C_VBIN32:
        return dec_variable(r, code, pp, end, encl)
    elif code == C_LIST8 or code == C_LIST32:
        return dec_list(r, code, pp, end, depth, encl)
    elif code == C_MAP8 or code == C_MAP32:
        return dec_map(r, code, pp, end, depth, encl)
    elif code == C_DESCRIBED:
        return dec_described(r, pp, end, depth, encl)
    elif code == C_NULL:
        return None
    elif code == C_TRUE:
        return True
    elif code == C_FALSE:
        return False
    elif code == C_BOOLEAN:
        if off >= end:
            fail_truncated("boolean", off, 1, end, encl)
        if p[0] > 1:
            raise DecodeError(
                f"boolean byte must be 0x00 or 0x01, not 0x{p[0]:02x}", offset=off, constructor=C_BOOLEAN
            )
        pp[0] = off + 1
        return p[0] == 1
    elif code == C_UINT0:
        return _UINTS[0]
    elif code == C_ULONG0:
        return _ULONGS[0]
    elif code == C_LIST0:
        check_depth(r, depth, off, C_LIST0)
        return []
    elif code == C_UBYTE:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _UBYTES[p[0]]
    elif code == C_USHORT:
        need(off, 2, end, code, encl)
        pp[0] = off + 2
        u16 = amqp_rd16(p)
        if u16 <= 0xFF:
            return _USHORTS[u16]
        return new_int(T_USHORT, PyLong_FromLong(u16))
    elif code == C_UINT:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        u32 = amqp_rd32(p)
        if u32 <= 0xFF:
            return _UINTS[u32]
        return new_int(T_UINT, PyLong_FromUnsignedLongLong(u32))
    elif code == C_ULONG:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        u64 = amqp_rd64(p)
        if u64 <= 0xFF:
            return _ULONGS[u64]
        return new_int(T_ULONG, PyLong_FromUnsignedLongLong(u64))
    elif code == C_BYTE:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _BYTES[<int8_t>p[0] + 128]
    elif code == C_SHORT:
        need(off, 2, end, code, encl)
        pp[0] = off + 2
        i16 = <int16_t>amqp_rd16(p)
        if -128 <= i16 <= 127:
            return _SHORTS[i16 + 128]
        return new_int(T_SHORT, PyLong_FromLong(i16))
    elif code == C_INT:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        i32 = <int32_t>amqp_rd32(p)
        if -128 <= i32 <= 127:
            return _INTS[i32 + 128]
        return new_int(T_INT, PyLong_FromLong(i32))
    elif code == C_SMALLINT:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _INTS[<int8_t>p[0] + 128]
    elif code == C_LONG:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        return PyLong_FromLongLong(<int64_t>amqp_rd64(p))
    elif code == C_SMALLLONG:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return PyLong_FromLong(<int8_t>p[0])
    elif code == C_FLOAT:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        return dec_float(amqp_rd32(p))
    elif code == C_DOUBLE:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        return PyFloat_FromDouble(amqp_bits_to_double(amqp_rd64(p)))
    elif code == C_DECIMAL32:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        return dec_decimal(code, p)
    elif code == C_DECIMAL64:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        return dec_decimal(code, p)
    elif code == C_DECIMAL128:
        need(off, 16, end, code, encl)
        pp[0] = off + 16
        return dec_decimal(code, p)
    elif code == C_CHAR:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        return dec_char(amqp_rd32(p), off)
    elif code == C_TIMESTAMP:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        return new_int(T_TIMESTAMP, PyLong_FromLongLong(<int64_t>amqp_rd64(p)))
    elif code == C_UUID:
        need(off, 16, end, code, encl)
        pp[0] = off + 16
        return new_uuid(p)
    elif code == C_ARRAY8 or code == C_ARRAY32:
        return dec_array(r, code, pp, end, depth, encl)
    else:
        return fail_unknown(off, code)


cdef bint memoryview_c_contiguous(Py_buffer* view):
    """``memoryview(data).c_contiguous``, from the buffer a memoryview would hold."""
    if view.ndim == 0 or view.shape == NULL:
        return True
    if view.ndim == 1:
        return view.strides == NULL or view.shape[0] == 1 or view.strides[0] == view.itemsize
    return PyBuffer_IsContiguous(view, b"C")


cdef int check_view(Py_buffer* view) except -1:
    """What ``_pure._as_buffer`` rejects: non-contiguous data, and (from
    ``memoryview.cast``) a multi-dimensional view with an empty dimension."""
    cdef Py_ssize_t i
    if not memoryview_c_contiguous(view):
        raise ValueError("cannot decode from a non-contiguous buffer")
    if view.ndim > 1 and view.shape != NULL:
        for i in range(view.ndim):
            if view.shape[i] == 0:
                raise TypeError("memoryview: cannot cast view with zeros in shape or strides")
    return 0


def decode_prefix(data, offset, limits, list budget=None):
    """Decode the one value starting at ``offset``; return it and the offset after it.

    An ``offset`` outside ``0 .. len(data)`` is a caller's mistake (``ValueError``), and
    a ``data`` that is not a contiguous bytes-like object a ``TypeError``; every fault
    *in the bytes* is an :class:`~amqpcodec.errors.AMQPCodecError`.  ``budget``: a
    one-item list of the zero-width array elements this call may still decode, shared
    with other calls and updated in place; by default the call has its own, of
    ``limits.max_container_items`` (``Limits`` docstring).
    """
    cdef Py_buffer view
    cdef bint have_view = False
    cdef const unsigned char* ptr
    cdef Py_ssize_t end, start, pos
    cdef Reader r
    if type(data) is bytes:
        ptr = <const unsigned char*>PyBytes_AS_STRING(data)
        end = PyBytes_GET_SIZE(data)
    else:
        # The buffer stays exported until we return, so a bytearray cannot be resized
        # under us (not even by a finalizer that a garbage collection runs).
        if not PyObject_CheckBuffer(data):
            raise TypeError(f"cannot decode from {type(data).__name__}: a bytes-like object is required")
        try:
            PyObject_GetBuffer(data, &view, PyBUF_FULL_RO)
        except TypeError:
            raise TypeError(
                f"cannot decode from {type(data).__name__}: a bytes-like object is required"
            ) from None
        have_view = True
        ptr = <const unsigned char*>view.buf
        end = view.len
    try:
        if have_view:
            check_view(&view)
        if offset < 0 or offset > end:
            raise ValueError(f"offset {offset} is outside the {end}-byte input")
        start = offset
        if start >= end:
            raise IncompleteError("no bytes to decode", offset=offset)
        reader_init(&r, ptr, start, limits)
        if budget is not None:
            r.budget = <PyObject*>budget
        pos = start + 1
        value = dec_body(&r, ptr[start], &pos, end, 0, -1)
        return value, pos
    finally:
        if have_view:
            PyBuffer_Release(&view)


# --------------------------------------------------------------------------- composites, messages, frames
# The hot paths of the layers above (``_seam.CompiledPaths``): each does what the layer's
# own Python code does for the usual form, which is the reference they are tested against.


cdef class _CompositePlan:
    """A composite class's ``_PLAN`` (``_composite._decode_step``), read once."""

    cdef object cls
    cdef str name  # cls.SPEC.name
    cdef Py_ssize_t count
    cdef tuple slots  # member descriptors (setter.__self__), or the setters themselves
    cdef tuple mandatory
    cdef tuple wire_types
    cdef tuple members
    cdef tuple paths
    cdef Py_ssize_t offsets[MAX_SLOTS]


cdef dict _COMPOSITE_PLANS = {}


cdef _CompositePlan composite_plan(object cls):
    cdef object found = _COMPOSITE_PLANS.get(cls)
    if found is not None:
        return <_CompositePlan>found
    if not isinstance(cls, type):
        raise TypeError(f"a composite class is a class, not {type(cls).__name__}")
    steps = cls.__dict__.get("_PLAN")
    if steps is None:
        cls._prepare()
        steps = cls._PLAN
    cdef _CompositePlan plan = _CompositePlan()
    plan.cls = cls
    plan.name = cls.SPEC.name
    plan.count = len(steps)
    plan.slots = tuple([slot_of(step.setter) for step in steps])
    plan.mandatory = tuple([bool(step.mandatory) for step in steps])
    plan.wire_types = tuple([step.wire_type for step in steps])
    plan.members = tuple([step.members for step in steps])
    plan.paths = tuple([step.path for step in steps])
    fill_offsets(plan.offsets, plan.slots, cls)
    _COMPOSITE_PLANS[cls] = plan
    return plan


cdef object slot_of(object setter):
    """The member descriptor behind ``descriptor.__set__``, else the setter itself."""
    slot = getattr(setter, "__self__", None)
    return slot if type(slot) is _MEMBER else setter


cdef inline int set_slot(object slot, object obj, object value) except -1:
    if type(slot) is _MEMBER:
        return amqp_descr_set(slot, obj, value)
    slot(obj, value)
    return 0


cdef inline int put(object slot, Py_ssize_t offset, object obj, object value) except -1:
    """Set a slot of ``obj``: at ``offset`` when known (``amqp_slot_offset``), else
    through its descriptor or setter."""
    if offset >= 0:
        amqp_slot_put(obj, offset, value)
        return 0
    return set_slot(slot, obj, value)


cdef int fill_offsets(Py_ssize_t* offsets, tuple slots, object cls) except -1:
    """``offsets[i]``: where ``slots[i]`` lives in instances of ``cls`` (or -1)."""
    cdef Py_ssize_t i, n = PyTuple_GET_SIZE(slots)
    for i in range(MAX_SLOTS):
        offsets[i] = -1
    if n > MAX_SLOTS:
        return 0
    for i in range(n):
        offsets[i] = amqp_slot_offset(<object>PyTuple_GET_ITEM(slots, i), cls)
    return 0


cdef object c_to_typed(object value, object registry):
    """``_composite._to_typed``."""
    cdef PyObject* found
    cdef object cls
    if type(value) is not T_DESCRIBED:
        return value
    descriptor = amqp_descr_get(_D_DESCRIPTOR, value) if _FAST_WRAPPERS else value.descriptor
    if type(registry) is dict:
        try:
            found = PyDict_GetItemWithError(registry, descriptor)
        except TypeError:  # an unhashable descriptor names no class
            return value
        if found == NULL:
            return value
        cls = <object>found
    else:
        try:
            cls = registry.get(descriptor)
        except TypeError:
            return value
        if cls is None:
            return value
    body = amqp_descr_get(_D_VALUE, value) if _FAST_WRAPPERS else value.value
    if type(body) is not list:
        raise DecodeError(f"{cls.SPEC.name} must be a described list, not {type(body).__name__}")
    return c_build_composite(cls, <list>body, registry)


cdef object c_build_composite(object cls, list values, object registry):
    """``_composite._build_composite``."""
    cdef _CompositePlan plan = composite_plan(cls)
    cdef Py_ssize_t count = PyList_GET_SIZE(values)
    cdef Py_ssize_t index
    cdef object value, kind
    if count > plan.count:
        raise DecodeError(f"{plan.name} has {count} fields; the spec defines {plan.count}", field=plan.name)
    cdef object obj = amqp_alloc(cls)
    for index in range(plan.count):
        value = <object>PyList_GET_ITEM(values, index) if index < count else None
        if value is None:
            if <object>PyTuple_GET_ITEM(plan.mandatory, index):
                path = <object>PyTuple_GET_ITEM(plan.paths, index)
                raise DecodeError(f"{path} is mandatory but absent", field=path)
        else:
            kind = type(value)
            if kind is <object>PyTuple_GET_ITEM(plan.wire_types, index):
                value = (<dict>PyTuple_GET_ITEM(plan.members, index)).get(value, value)
            elif kind is T_DESCRIBED:
                value = c_to_typed(value, registry)
        put(<object>PyTuple_GET_ITEM(plan.slots, index), plan.offsets[index], obj, value)
    return obj


cdef object dec_fields(
    Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl,
    _CompositePlan plan, object registry,
):
    """A list (constructor ``code`` just read) decoded straight into a new composite:
    what ``c_build_composite(cls, dec_list(...))`` gives, without the list.  Errors come
    in the same order: the list's own first, then the first field's (field order)."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t pos, stop, i
    cdef uint64_t count
    cdef unsigned int element
    cdef object value, kind, pending = None
    if code == C_LIST0:
        check_depth(r, depth, off, C_LIST0)
        count, pos, stop = 0, off, off
    else:
        check_depth(r, depth, off, code)
        read_header(r, code, off, end, encl, &count, &pos, &stop)
        if <int64_t>count > stop - pos or <int64_t>count > max_items(r):
            fail_count(count, stop - pos, r.max_items, off, code)
        if count > <uint64_t>plan.count:  # too many fields: the general path says so
            return c_build_composite(plan.cls, dec_list(r, code, pp, end, depth, encl), registry)
    cdef object obj = amqp_alloc(plan.cls)
    depth += 1
    for i in range(plan.count):
        if i < <Py_ssize_t>count:
            if pos >= stop:
                fail_truncated("list element", pos, 1, stop, code)
            element = r.data[pos]
            pos += 1
            value = dec_body(r, element, &pos, stop, depth, code)
        else:
            value = None
        if value is None:
            if pending is None and <object>PyTuple_GET_ITEM(plan.mandatory, i):
                path = <object>PyTuple_GET_ITEM(plan.paths, i)
                pending = DecodeError(f"{path} is mandatory but absent", field=path)
        else:
            kind = type(value)
            if kind is <object>PyTuple_GET_ITEM(plan.wire_types, i):
                value = (<dict>PyTuple_GET_ITEM(plan.members, i)).get(value, value)
            elif kind is T_DESCRIBED and pending is None:
                try:
                    value = c_to_typed(value, registry)
                except DecodeError as error:
                    pending = error
        put(<object>PyTuple_GET_ITEM(plan.slots, i), plan.offsets[i], obj, value)
    if pos != stop:
        fail_filled(pos, stop, off, code)
    if pending is not None:
        raise pending
    pp[0] = stop
    return obj


cdef object dec_typed(Reader* r, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl, object registry):
    """A described value (``0x00`` just read) made typed: ``c_to_typed(dec_described(...))``,
    its list decoded straight into the composite when the descriptor names one."""
    cdef Py_ssize_t off = pp[0]
    cdef unsigned int code
    cdef PyObject* found = NULL
    cdef object descriptor, value
    check_depth(r, depth, off, C_DESCRIBED)
    depth += 1
    if off >= end:
        fail_truncated("descriptor", off, 1, end, encl)
    code = r.data[off]
    off += 1
    descriptor = dec_body(r, code, &off, end, depth, encl)
    if off >= end:
        fail_truncated("described value", off, 1, end, encl)
    code = r.data[off]
    off += 1
    if (code == C_LIST0 or code == C_LIST8 or code == C_LIST32) and type(registry) is dict:
        try:
            found = PyDict_GetItemWithError(registry, descriptor)
        except TypeError:
            found = NULL
        if found != NULL:
            value = dec_fields(r, code, &off, end, depth, encl, composite_plan(<object>found), registry)
            pp[0] = off
            return value
    value = dec_body(r, code, &off, end, depth, encl)
    pp[0] = off
    return c_to_typed(new_described(descriptor, value), registry)


def to_typed(value, registry):
    """``value`` as its composite class when it is a ``Described`` whose descriptor is a
    key of ``registry`` (composite classes by numeric and symbolic descriptor), else
    ``value`` unchanged.  A known descriptor on anything but a list is a ``DecodeError``.
    """
    return c_to_typed(value, registry)


def build_composite(cls, values, registry):
    """A ``cls`` composite from a described list's decoded items, as sent (Part 1 §1.4);
    see ``_composite._build_composite``."""
    return c_build_composite(cls, values if type(values) is list else list(values), registry)


cdef class _MessagePlan:
    """``message._PLAN`` (a ``_seam.MessagePlan``), read once."""

    cdef object source  # the plan tuple this was read from
    cdef bytes kinds
    cdef bytes allowed
    cdef bytes slots
    cdef bytes repeatable
    cdef Py_ssize_t body_slot
    cdef tuple classes
    cdef tuple section_slots  # per kind: the one slot of a map or body section, or None
    cdef tuple descriptors
    cdef tuple message_slots  # seven sections, _raw, _spans, _limits
    cdef object registry
    cdef Py_ssize_t inline_limit
    cdef bytes widths
    cdef Py_ssize_t section_offsets[MAX_SLOTS]  # per kind, in instances of its class
    cdef Py_ssize_t message_offsets[MAX_SLOTS]  # in instances of message_owner
    cdef object message_owner  # the class the message slots belong to


cdef _MessagePlan _message_plan = None


cdef _MessagePlan message_plan(object source):
    global _message_plan
    cdef Py_ssize_t index
    if _message_plan is not None and _message_plan.source is source:
        return _message_plan
    cdef _MessagePlan plan = _MessagePlan()
    plan.source = source
    plan.kinds, plan.allowed, plan.slots, plan.repeatable = source.kinds, source.allowed, source.slots, source.repeatable
    plan.body_slot = source.body_slot
    plan.classes = tuple(source.classes)
    if not all([isinstance(cls, type) for cls in plan.classes]):
        raise ValueError("malformed message plan: section classes are classes")
    plan.section_slots = tuple([None if setter is None else slot_of(setter) for setter in source.setters])
    plan.descriptors = tuple(source.descriptors)
    plan.message_slots = tuple([slot_of(setter) for setter in source.message_setters])
    plan.registry = source.registry
    plan.inline_limit = source.inline_limit
    plan.widths = source.widths
    plan.message_owner = (<object>PyTuple_GET_ITEM(plan.message_slots, 0)).__objclass__
    fill_offsets(plan.message_offsets, plan.message_slots, plan.message_owner)
    for index in range(MAX_SLOTS):
        plan.section_offsets[index] = -1
        if index < len(plan.classes) and plan.section_slots[index] is not None:
            plan.section_offsets[index] = amqp_slot_offset(plan.section_slots[index], plan.classes[index])
    if (
        len(plan.widths) != 256
        or len(plan.kinds) != 256
        or len(plan.allowed) != 256 * len(plan.classes)
        or len(plan.slots) != len(plan.classes)
        or len(plan.repeatable) != len(plan.classes)
        or len(plan.message_slots) != 10
        or not all([slot is None or type(slot) is _MEMBER for slot in plan.section_slots + plan.message_slots])
    ):
        raise ValueError("malformed message plan: slots are read and set through their member descriptors")
    _message_plan = plan
    return plan


cdef int get_input(object data, Py_buffer* view, bint* have_view, const unsigned char** ptr, Py_ssize_t* end) except -1:
    """The bytes of ``data``: a ``bytes`` object's storage, or an exported buffer
    (released by the caller when ``have_view``), as ``decode_prefix`` reads them."""
    if type(data) is bytes:
        ptr[0] = <const unsigned char*>PyBytes_AS_STRING(data)
        end[0] = PyBytes_GET_SIZE(data)
        return 0
    if not PyObject_CheckBuffer(data):
        raise TypeError(f"cannot decode from {type(data).__name__}: a bytes-like object is required")
    try:
        PyObject_GetBuffer(data, view, PyBUF_FULL_RO)
    except TypeError:
        raise TypeError(f"cannot decode from {type(data).__name__}: a bytes-like object is required") from None
    have_view[0] = True
    ptr[0] = <const unsigned char*>view.buf
    end[0] = view.len
    return check_view(view)


cdef object new_message(_MessagePlan p, object cls):
    """A new, empty ``cls`` message (``cls`` the plan's message class or a subclass,
    so its slots are where the plan says)."""
    if not (isinstance(cls, type) and issubclass(cls, p.message_owner)):
        raise TypeError(f"{cls!r} is not a message class")
    return amqp_alloc(cls)


cdef inline int put_message(_MessagePlan p, Py_ssize_t index, object message, object value) except -1:
    return put(<object>PyTuple_GET_ITEM(p.message_slots, index), p.message_offsets[index], message, value)


def decode_message(cls, buf, limits, plan):
    """A ``cls`` message (Part 3 §3.2) decoded from all of ``buf``, or ``None`` when it is
    not in the usual form; the message layer's ``_decode_eager`` is the reference."""
    cdef _MessagePlan p = message_plan(plan)
    cdef Py_buffer view
    cdef bint have_view = False
    cdef const unsigned char* data
    cdef Py_ssize_t end, pos = 0, slot, last_slot = -1, index
    cdef int kind, last = -1, body_kind = -1
    cdef unsigned int code
    cdef const unsigned char* kinds = <const unsigned char*>PyBytes_AS_STRING(p.kinds)
    cdef const unsigned char* allowed = <const unsigned char*>PyBytes_AS_STRING(p.allowed)
    cdef const unsigned char* slots = <const unsigned char*>PyBytes_AS_STRING(p.slots)
    cdef const unsigned char* repeatable = <const unsigned char*>PyBytes_AS_STRING(p.repeatable)
    cdef Reader r
    cdef list values = [None, None, None, None, None, None, None]
    cdef list body = None
    cdef object value, section, section_slot, first_body = None
    get_input(buf, &view, &have_view, &data, &end)
    try:
        reader_init(&r, data, 0, limits)
        while pos < end:
            if end - pos < 4 or data[pos] != C_DESCRIBED or data[pos + 1] != C_SMALLULONG:
                return None
            kind = kinds[data[pos + 2]]
            code = data[pos + 3]
            if kind == 0xFF or not allowed[kind << 8 | code]:
                return None
            slot = slots[kind]
            if slot <= last_slot and (kind != last or not repeatable[kind]):
                return None
            r.origin = pos + 3
            pos += 4
            section_slot = <object>PyTuple_GET_ITEM(p.section_slots, kind)
            if section_slot is None and (code == C_LIST0 or code == C_LIST8 or code == C_LIST32):
                section = dec_fields(
                    &r, code, &pos, end, 1, -1, composite_plan(<object>PyTuple_GET_ITEM(p.classes, kind)), p.registry
                )
            else:
                value = dec_body(&r, code, &pos, end, 1, -1)
                if section_slot is None:
                    section = c_build_composite(
                        <object>PyTuple_GET_ITEM(p.classes, kind), value if type(value) is list else list(value), p.registry
                    )
                else:
                    section = amqp_alloc(<object>PyTuple_GET_ITEM(p.classes, kind))
                    put(section_slot, p.section_offsets[kind], section, value)
            if slot == p.body_slot:
                if first_body is None:
                    first_body = section
                else:
                    if body is None:
                        body = [first_body]
                    body.append(section)
                body_kind = kind
            else:
                values[slot] = section
            last, last_slot = kind, slot
        if first_body is not None:
            if not repeatable[body_kind]:
                values[p.body_slot] = first_body
            elif body is None:
                values[p.body_slot] = (first_body,)
            else:
                values[p.body_slot] = tuple(body)
        message = new_message(p, cls)
        for index in range(7):
            put_message(p, index, message, values[index])
        put_message(p, 7, message, None)
        put_message(p, 8, message, None)
        put_message(p, 9, message, limits)
        return message
    finally:
        if have_view:
            PyBuffer_Release(&view)


def scan_message(cls, bytes raw, limits, plan):
    """A lazy ``cls`` message over ``raw``, nothing decoded, or ``None`` when it is not
    in the usual form; the message layer's ``_scan`` is the reference."""
    cdef _MessagePlan p = message_plan(plan)
    cdef const unsigned char* data = <const unsigned char*>PyBytes_AS_STRING(raw)
    cdef Py_ssize_t end = PyBytes_GET_SIZE(raw)
    cdef Py_ssize_t pos = 0, slot, last_slot = -1, at, body_first = -1, body_stop = 0, index
    cdef uint64_t stop
    cdef int kind, last = -1
    cdef unsigned int code, width
    cdef const unsigned char* kinds = <const unsigned char*>PyBytes_AS_STRING(p.kinds)
    cdef const unsigned char* allowed = <const unsigned char*>PyBytes_AS_STRING(p.allowed)
    cdef const unsigned char* slots = <const unsigned char*>PyBytes_AS_STRING(p.slots)
    cdef const unsigned char* repeatable = <const unsigned char*>PyBytes_AS_STRING(p.repeatable)
    cdef const unsigned char* widths = <const unsigned char*>PyBytes_AS_STRING(p.widths)
    cdef list spans = [None, None, None, None, None, None, None]
    cdef list body = None
    while pos < end:
        if end - pos < 4 or data[pos] != C_DESCRIBED or data[pos + 1] != C_SMALLULONG:
            return None
        kind = kinds[data[pos + 2]]
        code = data[pos + 3]
        if kind == 0xFF or not allowed[kind << 8 | code]:
            return None
        slot = slots[kind]
        if slot <= last_slot and (kind != last or not repeatable[kind]):
            return None
        width = widths[code]
        at = pos + 4
        if width == 0xFF:
            return None
        if width & 0x80:
            width &= 0x7F
            if end - at < <Py_ssize_t>width:
                return None
            stop = <uint64_t>(at + width) + (data[at] if width == 1 else amqp_rd32(data + at))
        else:
            stop = at + width
        if stop > <uint64_t>end:
            return None
        entry = (kind, pos, pos + 3)
        if slot == p.body_slot:
            if body is None:
                body = []
                body_first = pos
            body.append(entry)
            body_stop = <Py_ssize_t>stop
        else:
            spans[slot] = (pos, <Py_ssize_t>stop, (entry,))
        pos, last, last_slot = <Py_ssize_t>stop, kind, slot
    if body is not None:
        spans[p.body_slot] = (body_first, body_stop, tuple(body))
    message = new_message(p, cls)
    for index in range(7):
        if spans[index] is None:
            put_message(p, index, message, None)
    put_message(p, 7, message, raw)
    put_message(p, 8, message, spans)
    put_message(p, 9, message, limits)
    return message


cdef class _FramePlan:
    """``frames._FRAME_PLAN`` (a ``_seam.FramePlan``), read once."""

    cdef object source
    cdef tuple frame_slots
    cdef object frame_class
    cdef object body_class
    cdef object registry
    cdef unsigned int amqp_type
    cdef unsigned int min_doff
    cdef Py_ssize_t offsets[MAX_SLOTS]


cdef _FramePlan _frame_plan = None


cdef _FramePlan frame_plan(object source):
    global _frame_plan
    if _frame_plan is not None and _frame_plan.source is source:
        return _frame_plan
    cdef _FramePlan plan = _FramePlan()
    plan.source = source
    plan.frame_slots = tuple([slot_of(setter) for setter in source.frame_slots])
    plan.frame_class, plan.body_class, plan.registry = source.frame_class, source.body_class, source.registry
    plan.amqp_type, plan.min_doff = source.amqp_type, source.min_doff
    if not isinstance(plan.frame_class, type):
        raise ValueError("malformed frame plan: the frame class is a class")
    if source.header.format != ">IBBH":  # what decode_frame reads (§2.3.1)
        raise ValueError(f"malformed frame plan: a frame header {source.header.format!r} is not read here")
    if len(plan.frame_slots) != 6:
        raise ValueError("malformed frame plan")
    fill_offsets(plan.offsets, plan.frame_slots, plan.frame_class)
    _frame_plan = plan
    return plan


def decode_frame(buf, Py_ssize_t pos, base, max_frame_size, limits, plan):
    """The AMQP frame (Part 2 §2.3) at ``pos`` in ``buf`` and the offset after it, or
    ``None`` unless it is complete and well formed; ``FrameReader`` is the reference."""
    cdef _FramePlan p = frame_plan(plan)
    cdef Py_buffer view
    cdef bint have_view = False
    cdef const unsigned char* data
    cdef const unsigned char* head
    cdef Py_ssize_t end, stop, body_at, used
    cdef uint64_t size, limit
    cdef unsigned int doff, frame_type
    cdef Reader r
    cdef object performative = None
    cdef object payload = b""
    cdef object extended = b""
    limit = 0 if max_frame_size < 0 else 0xFFFFFFFF if max_frame_size > 0xFFFFFFFF else <uint64_t>max_frame_size
    get_input(buf, &view, &have_view, &data, &end)
    try:
        if pos < 0 or pos > end:
            raise ValueError(f"offset {pos} is outside the {end}-byte input")
        if end - pos < 8:
            return None
        # §2.3.1: SIZE (uint), DOFF (ubyte), TYPE (ubyte), then the channel (ushort).
        head = data + pos
        size = amqp_rd32(head)
        doff = head[4]
        frame_type = head[5]
        if size > limit or doff < p.min_doff or doff * 4 > size or frame_type != p.amqp_type:
            return None
        if <uint64_t>(end - pos) < size:
            return None
        stop = pos + <Py_ssize_t>size
        body_at = pos + doff * 4
        if doff != p.min_doff:
            extended = PyBytes_FromStringAndSize(<const char*>(head + 8), doff * 4 - 8)
        if body_at < stop:
            if data[body_at] != C_DESCRIBED:
                return None
            reader_init(&r, data, body_at, limits)
            used = body_at + 1
            performative = dec_typed(&r, &used, stop, 0, -1, p.registry)
            if type(performative) is not T_DESCRIBED and not isinstance(performative, p.body_class):
                return None
            if used < stop:
                payload = PyBytes_FromStringAndSize(<const char*>(data + used), stop - used)
        frame = amqp_alloc(p.frame_class)
        put(<object>PyTuple_GET_ITEM(p.frame_slots, 0), p.offsets[0], frame, base + pos)
        put(<object>PyTuple_GET_ITEM(p.frame_slots, 1), p.offsets[1], frame, frame_type)
        put(<object>PyTuple_GET_ITEM(p.frame_slots, 2), p.offsets[2], frame, amqp_rd16(head + 6))
        put(<object>PyTuple_GET_ITEM(p.frame_slots, 3), p.offsets[3], frame, extended)
        put(<object>PyTuple_GET_ITEM(p.frame_slots, 4), p.offsets[4], frame, performative)
        put(<object>PyTuple_GET_ITEM(p.frame_slots, 5), p.offsets[5], frame, payload)
        return frame, stop
    finally:
        if have_view:
            PyBuffer_Release(&view)


# --------------------------------------------------------------------------- encoding


cdef enum:
    SMALL_BUFFER = 512


cdef struct Writer:
    unsigned char* buf  # ``initial`` until the first growth, then PyMem memory
    Py_ssize_t len
    Py_ssize_t cap
    unsigned char* initial
    # What the output bound adds to ``len`` (``_pure._Shifted``): 0, or for scratch
    # space the least its bytes come out further along.
    Py_ssize_t shift


cdef inline void w_init(Writer* w, unsigned char* initial, Py_ssize_t size) noexcept:
    w.buf = initial
    w.initial = initial
    w.len = 0
    w.cap = size
    w.shift = 0


cdef inline void w_free(Writer* w) noexcept:
    if w.buf != w.initial:
        PyMem_Free(w.buf)
    w.buf = w.initial
    w.len = 0


cdef int w_grow(Writer* w, Py_ssize_t extra) except -1:
    cdef Py_ssize_t cap = w.cap if w.cap > 0 else 64
    cdef unsigned char* grown
    while cap - w.len < extra:
        if cap > (<Py_ssize_t>1 << (8 * sizeof(Py_ssize_t) - 3)):
            raise MemoryError()
        cap *= 2
    if w.buf == w.initial:
        grown = <unsigned char*>PyMem_Malloc(cap)
        if grown != NULL and w.len:
            memcpy(grown, w.initial, w.len)
    else:
        grown = <unsigned char*>PyMem_Realloc(w.buf, cap)
    if grown == NULL:
        raise MemoryError()
    w.buf = grown
    w.cap = cap
    return 0


cdef inline unsigned char* w_room(Writer* w, Py_ssize_t n) except NULL:
    """Reserve ``n`` bytes at the end; return where they start."""
    cdef unsigned char* at
    if w.cap - w.len < n:
        w_grow(w, n)
    at = w.buf + w.len
    w.len += n
    return at


cdef inline int w_byte(Writer* w, unsigned int b) except -1:
    w_room(w, 1)[0] = <unsigned char>b
    return 0


cdef inline int w_code8(Writer* w, unsigned int code, unsigned int b) except -1:
    cdef unsigned char* at = w_room(w, 2)
    at[0] = <unsigned char>code
    at[1] = <unsigned char>b
    return 0


cdef inline int w_code16(Writer* w, unsigned int code, uint16_t v) except -1:
    cdef unsigned char* at = w_room(w, 3)
    at[0] = <unsigned char>code
    amqp_wr16(at + 1, v)
    return 0


cdef inline int w_code32(Writer* w, unsigned int code, uint32_t v) except -1:
    cdef unsigned char* at = w_room(w, 5)
    at[0] = <unsigned char>code
    amqp_wr32(at + 1, v)
    return 0


cdef inline int w_code64(Writer* w, unsigned int code, uint64_t v) except -1:
    cdef unsigned char* at = w_room(w, 9)
    at[0] = <unsigned char>code
    amqp_wr64(at + 1, v)
    return 0


cdef inline int w_data(Writer* w, const void* data, Py_ssize_t n) except -1:
    if n > 0:
        memcpy(w_room(w, n), data, n)
    return 0


cdef int w_buffer(Writer* w, object data) except -1:
    """``out += data`` for any bytes-like ``data``."""
    cdef Py_buffer view
    if type(data) is bytes:
        return w_data(w, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        w_data(w, view.buf, view.len)
    finally:
        PyBuffer_Release(&view)
    return 0


cdef int w_code_bytes(Writer* w, unsigned int code, object data) except -1:
    w_byte(w, code)
    return w_buffer(w, data)


cdef struct Encoder:
    PyObject* limits  # borrowed; its fields are read on first use, as _pure reads them
    int max_depth
    bint depth_loaded
    bint depth_hard
    int64_t max_items
    bint items_loaded
    int64_t max_pairs
    bint pairs_loaded
    int64_t max_output  # max_message_size
    bint output_loaded


cdef inline int encoder_init(Encoder* e, object limits) except -1:
    e.limits = <PyObject*>limits
    cdef KnownLimits* known = known_limits(limits)
    if known != NULL:
        e.max_depth, e.depth_hard, e.max_items, e.max_pairs = known.depth, known.hard, known.items, known.pairs
        e.max_output = known.output
        e.depth_loaded = e.items_loaded = e.pairs_loaded = e.output_loaded = True
    else:
        e.depth_loaded = e.depth_hard = e.items_loaded = e.pairs_loaded = e.output_loaded = False
    return 0


cdef int fail_too_large(Encoder* e, int64_t size) except -1:
    """``_pure._too_large``: output past ``max_message_size`` (``size``: the bytes written,
    or about to be, when a check found it)."""
    raise EncodeError(
        f"the encoding needs at least {size} bytes, over max_message_size={(<object>e.limits).max_message_size}"
    )


cdef inline int check_output(Encoder* e, int64_t size) except -1:
    """Raise unless ``size`` bytes of output are within ``max_message_size``."""
    if not e.output_loaded:
        e.max_output = clamp((<object>e.limits).max_message_size)
        e.output_loaded = True
    if size > e.max_output:
        return fail_too_large(e, size)
    return 0


cdef int e_fail_depth(Encoder* e) except -1:
    if e.depth_hard:
        raise _StackExhausted()
    raise EncodeError(
        f"nesting deeper than max_depth={(<object>e.limits).max_depth} (a container holding itself?)"
    )


cdef inline int e_check_depth(Encoder* e, int depth) except -1:
    if not e.depth_loaded:
        load_depth(<object>e.limits, &e.max_depth, &e.depth_hard)
        e.depth_loaded = True
    if depth >= e.max_depth:
        return e_fail_depth(e)
    return 0


cdef inline int64_t e_max_items(Encoder* e) except? -1:
    if not e.items_loaded:
        e.max_items = clamp((<object>e.limits).max_container_items)
        e.items_loaded = True
    return e.max_items


# How a Python type encodes: one kind per encoder of _pure._ENCODERS, plus the
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

#: The types with an encoder of their own, as in ``_pure._ENCODERS`` (a test compares them).
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
    """``_pure._encoder_for``: the nearest base with an encoder, else ``__amqp__``,
    else ``Mapping``; cached per class."""
    cdef object cls = type(value)
    cdef object cached = _KIND_CACHE.get(cls)
    cdef int kind
    if cached is not None:
        return cached
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
            raise UnsupportedTypeError(f"{cls.__name__} has no AMQP encoding")
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
    ``_pure._unhook``, at most ``max_depth`` hooks in a row, then the output bound.  A
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
            raise EncodeError(
                f"more than max_depth={(<object>e.limits).max_depth} __amqp__ hooks in a row "
                "(a hook returning hooked values forever?)"
            )
        converted = converted.__amqp__()
        kind = kind_of_type(type(converted))
        if kind == K_UNKNOWN:
            kind = <Kind>kind_by_lookup(converted)
        hooks += 1
    enc_value(w, converted, depth, e)
    return check_output(e, w.len + w.shift)


cdef bint encodes_as_composite(object cls) except -1:
    """``_pure._encodes_as_composite``: the class defining ``__amqp__`` sets ``_AMQP_COMPOSITE``."""
    for base in cls.__mro__:
        if "__amqp__" in base.__dict__:
            return base.__dict__.get("_AMQP_COMPOSITE") is True
    return False


cdef class _FieldReader:
    """How to read a composite class's fields (``_NAMES``) and its ``DESCRIPTOR``."""

    cdef tuple slots  # per field: its member descriptor, or the name when it is not one
    cdef object descriptor
    cdef Py_ssize_t count
    cdef Py_ssize_t offsets[MAX_SLOTS]


cdef dict _FIELD_READERS = {}


cdef _FieldReader field_reader(object cls):
    cdef object found = _FIELD_READERS.get(cls)
    if found is not None:
        return <_FieldReader>found
    cdef _FieldReader reader = _FieldReader()
    slots = []
    for name in cls._NAMES:
        slot = getattr(cls, name)
        slots.append(slot if type(slot) is _MEMBER else name)
    reader.slots = tuple(slots)
    reader.count = len(reader.slots)
    reader.descriptor = cls.DESCRIPTOR
    fill_offsets(reader.offsets, reader.slots, cls)
    _FIELD_READERS[cls] = reader
    return reader


cdef inline object read_field(_FieldReader reader, object value, Py_ssize_t index):
    cdef PyObject* found
    if index < MAX_SLOTS and reader.offsets[index] >= 0:
        found = amqp_slot_peek(value, reader.offsets[index])
        if found != NULL:
            return <object>found
    cdef object slot = <object>PyTuple_GET_ITEM(reader.slots, index)
    if type(slot) is _MEMBER:
        return amqp_descr_get(slot, value)  # (an unset slot: its AttributeError)
    return getattr(value, slot)


cdef int enc_composite(Writer* w, object value, int depth, Encoder* e) except -1:
    """A composite (Part 1 §1.4) exactly as its ``__amqp__`` describes it (descriptor,
    then the fields as a list without the trailing nulls), with no ``Described`` or
    list built; the same errors and paths as ``_pure._e_composite``."""
    cdef _FieldReader reader = field_reader(type(value))
    cdef Py_ssize_t count = 0, index
    for index in range(reader.count):
        if read_field(reader, value, index) is not None:
            count = index + 1
    e_check_depth(e, depth)
    w_byte(w, C_DESCRIBED)
    depth += 1
    try:
        enc_value(w, reader.descriptor, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(".descriptor") from None
    try:
        enc_fields(w, reader, value, count, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(".value") from None
    return 0


cdef int enc_fields(Writer* w, _FieldReader reader, object value, Py_ssize_t count, int depth, Encoder* e) except -1:
    """The first ``count`` fields as ``enc_list`` writes a list of them."""
    cdef Py_ssize_t start, index = 0
    e_check_depth(e, depth)
    if count == 0:
        return w_byte(w, C_LIST0)
    if count > e_max_items(e):
        raise EncodeError(
            f"list has {count} items, over max_container_items={(<object>e.limits).max_container_items}"
        )
    start = open_compound(w, C_LIST8)
    depth += 1
    try:
        while index < count:
            enc_value(w, read_field(reader, value, index), depth, e)
            index += 1
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(f"[{index}]") from None
    return finish_compound(w, start, count, C_LIST32, e)


cdef int enc_long(Writer* w, object value, Kind kind) except -1:
    """A plain int (or ``Long``): smalllong, long, else (plain int only) ulong (§1.6.7, §1.6.11)."""
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    cdef unsigned long long u
    if overflow == 0:
        if -128 <= x <= 127:
            return w_code8(w, C_SMALLLONG, <unsigned int>(x & 0xFF))
        return w_code64(w, C_LONG, <uint64_t>x)
    if kind == K_LONG:
        raise EncodeError(f"an int of {value.bit_length()} bits does not fit long")
    if overflow > 0:
        u = PyLong_AsUnsignedLongLong_raw(value)
        if u != <unsigned long long>-1 or PyErr_Occurred() == NULL:
            return w_code64(w, C_ULONG, u)
        PyErr_Clear()
    raise EncodeError(f"an int of {value.bit_length()} bits does not fit any AMQP integer type")


cdef int enc_unsigned(Writer* w, object value, unsigned int zero, unsigned int small, unsigned int wide) except -1:
    """uint0 / smalluint / uint, or ulong0 / smallulong / ulong (§1.6.6, §1.6.7)."""
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    cdef unsigned long long u
    if overflow == 0 and 0 <= x <= 0xFF:
        if x == 0:
            return w_byte(w, zero)
        return w_code8(w, small, <unsigned int>x)
    if overflow == 0 and x > 0xFF:
        if wide == C_ULONG:
            return w_code64(w, wide, <uint64_t>x)
        if x <= 0xFFFFFFFF:
            return w_code32(w, wide, <uint32_t>x)
    elif overflow > 0 and wide == C_ULONG:
        u = PyLong_AsUnsignedLongLong_raw(value)
        if u != <unsigned long long>-1 or PyErr_Occurred() == NULL:
            return w_code64(w, wide, u)
        PyErr_Clear()
    # Outside the type's range (a wrapper built with int.__new__): fail as _pure does.
    if value <= 0xFF:
        bytearray().append(value)
    return w_code_bytes(w, wide, (_u32 if wide == C_UINT else _u64).pack(value))


cdef int enc_fixed_int(Writer* w, object value, unsigned int code, long long low, long long high) except -1:
    """ubyte, ushort, short and timestamp: one constructor each (§1.6.4-5, §1.6.9, §1.6.20)."""
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    if overflow == 0 and low <= x <= high:
        if code == C_UBYTE:
            return w_code8(w, code, <unsigned int>x)
        if code == C_TIMESTAMP:
            return w_code64(w, code, <uint64_t>x)
        return w_code16(w, code, <uint16_t>x)
    # Outside the type's range: fail as _pure does (bytearray.append or struct.pack).
    if code == C_UBYTE:
        bytearray().append(value)
    return w_code_bytes(w, code, _FIXED_FORMAT[code].pack(value))


cdef int enc_byte(Writer* w, object value) except -1:
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    if overflow == 0 and -128 <= x <= 127:
        return w_code8(w, C_BYTE, <unsigned int>(x & 0xFF))
    raise EncodeError(f"{int(value)} is out of range for byte")


cdef int enc_int32(Writer* w, object value) except -1:
    """smallint or int (§1.6.10)."""
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    if overflow == 0 and -128 <= x <= 127:
        return w_code8(w, C_SMALLINT, <unsigned int>(x & 0xFF))
    if overflow == 0 and -0x80000000 <= x <= 0x7FFFFFFF:
        return w_code32(w, C_INT, <uint32_t>x)
    return w_code_bytes(w, C_INT, _i32.pack(value))


cdef uint32_t float32_bits(object value) except? 0xFFFFFFFF:
    """``double_to_float32_bits(value)``; NaNs and values beyond float32 go through it."""
    cdef double d
    if PyFloat_Check(value):
        d = PyFloat_AS_DOUBLE(value)
        if d == d and (fabs(d) <= FLT_MAX or isinf(d)):
            return amqp_double_to_float_bits(d)
    return double_to_float32_bits(value)


cdef int enc_float(Writer* w, object value) except -1:
    """float (§1.6.12)."""
    cdef uint32_t bits
    try:
        bits = float32_bits(value)
    except OverflowError:
        raise EncodeError(f"{value!r} is beyond float32's range") from None
    return w_code32(w, C_FLOAT, bits)


cdef uint32_t char_point(object value) except? 0xFFFFFFFF:
    """``ord(value)`` of a ``Char`` (UTF-32, §1.6.16): a Unicode scalar value, never a surrogate."""
    cdef uint32_t point
    if PyUnicode_Check(value) and PyUnicode_GET_LENGTH(value) == 1:
        point = PyUnicode_READ_CHAR(value, 0)
    else:
        point = _builtins.ord(value)  # the builtin (Cython's inlined ord words its error differently)
    if 0xD800 <= point <= 0xDFFF:
        raise EncodeError(f"Char cannot hold the surrogate U+{point:04X}")
    return point


cdef int write_variable(
    Writer* w, unsigned int code8, unsigned int code32, const void* data, Py_ssize_t size, Encoder* e
) except -1:
    """Constructor, size and bytes of a variable-width value (§1.2); over 255 bytes, the
    output bound is checked before the copy (``_pure._write_variable``)."""
    if size <= 0xFF:
        w_code8(w, code8, <unsigned int>size)
    elif <uint64_t>size <= 0xFFFFFFFF:
        check_output(e, <int64_t>w.len + w.shift + 5 + size)
        w_code32(w, code32, <uint32_t>size)
    else:
        raise EncodeError(f"{size} bytes do not fit a 32-bit size")
    return w_data(w, data, size)


cdef int write_variable_buffer(
    Writer* w, unsigned int code8, unsigned int code32, object data, Py_ssize_t size, Encoder* e
) except -1:
    if size <= 0xFF:
        w_code8(w, code8, <unsigned int>size)
    elif <uint64_t>size <= 0xFFFFFFFF:
        check_output(e, <int64_t>w.len + w.shift + 5 + size)
        w_code32(w, code32, <uint32_t>size)
    else:
        raise EncodeError(f"{size} bytes do not fit a 32-bit size")
    return w_buffer(w, data)


cdef object utf8_bytes(object value, bint bound):
    """UTF-8 of a str: ``value.encode`` (``bound``) or ``str.encode``, as _pure calls it."""
    try:
        return value.encode("utf-8") if bound else str.encode(value, "utf-8")
    except UnicodeEncodeError as error:
        raise EncodeError(f"string holds a lone surrogate at index {error.start}") from None


cdef int enc_string(Writer* w, object value, Encoder* e) except -1:
    """str8-utf8 / str32-utf8 (§1.6.20)."""
    cdef PyObject* raw
    cdef object data
    if type(value) is not str:
        data = utf8_bytes(value, True)
        return write_variable_buffer(w, C_STR8, C_STR32, data, len(data), e)
    if PyUnicode_IS_ASCII(value):
        return write_variable(w, C_STR8, C_STR32, PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value), e)
    raw = PyUnicode_AsUTF8String_raw(value)
    if raw == NULL:
        if not PyErr_ExceptionMatches(UnicodeEncodeError):
            return -1
        PyErr_Clear()
        utf8_bytes(value, True)
        raise AssertionError("UTF-8 encoding failed once and succeeded twice")
    data = steal(raw)
    return write_variable(w, C_STR8, C_STR32, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data), e)


cdef int enc_symbol(Writer* w, object value, Encoder* e) except -1:
    """sym8 / sym32 (§1.6.21)."""
    if PyUnicode_IS_ASCII(value):
        return write_variable(w, C_SYM8, C_SYM32, PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value), e)
    data = str.encode(value, "ascii")  # raises UnicodeEncodeError, as in _pure
    return write_variable_buffer(w, C_SYM8, C_SYM32, data, len(data), e)


cdef int enc_binary(Writer* w, object value, Encoder* e) except -1:
    """vbin8 / vbin32 (§1.6.19)."""
    cdef object t = type(value)
    if t is bytes:
        return write_variable(w, C_VBIN8, C_VBIN32, PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value), e)
    if t is bytearray:
        return write_variable_buffer(w, C_VBIN8, C_VBIN32, value, PyByteArray_GET_SIZE(value), e)
    if t is memoryview:
        if not value.c_contiguous:
            raise EncodeError("cannot encode a non-contiguous memoryview")
        return write_variable_buffer(w, C_VBIN8, C_VBIN32, value, value.nbytes, e)
    return write_variable_buffer(w, C_VBIN8, C_VBIN32, value, len(value), e)


cdef inline Py_ssize_t open_compound(Writer* w, unsigned int code8) except -1:
    """Reserve the short header (constructor, size, count); return where it starts."""
    cdef Py_ssize_t start = w.len
    cdef unsigned char* at = w_room(w, 3)
    at[0] = <unsigned char>code8
    at[1] = 0
    at[2] = 0
    return start


cdef int finish_compound(Writer* w, Py_ssize_t start, Py_ssize_t count, unsigned int code32, Encoder* e) except -1:
    """Fill in the short header reserved at ``start``, or widen it to the 32-bit form.

    ``size`` counts the count field and the elements (§1.2, compound and array encodings).
    First, the output so far must be within ``max_message_size`` (``_pure._finish_compound``).
    """
    check_output(e, w.len + w.shift)
    cdef Py_ssize_t content = w.len - start - 3
    if content + 1 <= 0xFF and count <= 0xFF:
        w.buf[start + 1] = <unsigned char>(content + 1)
        w.buf[start + 2] = <unsigned char>count
        return 0
    if <uint64_t>(content + 4) > 0xFFFFFFFF:
        raise EncodeError("compound larger than 4 GiB")
    w_room(w, 6)
    memmove(w.buf + start + 9, w.buf + start + 3, content)
    w.buf[start] = <unsigned char>code32
    amqp_wr32(w.buf + start + 1, <uint32_t>(content + 4))
    amqp_wr32(w.buf + start + 5, <uint32_t>count)
    return 0


cdef int enc_list(Writer* w, object value, int depth, Encoder* e) except -1:
    """list0 / list8 / list32 (§1.6.22), from a list, tuple or other sequence."""
    cdef Py_ssize_t count, start, index = 0
    cdef object t = type(value)
    cdef object item
    e_check_depth(e, depth)
    if t is list:
        count = PyList_GET_SIZE(value)
    elif t is tuple:
        count = PyTuple_GET_SIZE(value)
    else:
        count = len(value)
    if count == 0:
        return w_byte(w, C_LIST0)
    if count > e_max_items(e):
        raise EncodeError(
            f"list has {count} items, over max_container_items={(<object>e.limits).max_container_items}"
        )
    start = open_compound(w, C_LIST8)
    depth += 1
    try:
        if t is list:
            # The size is read each step, as a list iterator does.
            while index < PyList_GET_SIZE(value):
                item = <object>PyList_GET_ITEM(value, index)
                enc_value(w, item, depth, e)
                index += 1
        elif t is tuple:
            while index < count:
                enc_value(w, <object>PyTuple_GET_ITEM(value, index), depth, e)
                index += 1
        else:
            for index, item in enumerate(value):
                enc_value(w, item, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(f"[{index}]") from None
    return finish_compound(w, start, count, C_LIST32, e)


cdef int enc_map(Writer* w, object value, int depth, Encoder* e) except -1:
    """map8 / map32 (§1.6.23), from a dict or other mapping."""
    cdef Py_ssize_t pairs, start, position = 0
    cdef PyObject* key_ptr
    cdef PyObject* item_ptr
    cdef object key = None
    cdef object item
    cdef bint exact = type(value) is dict
    e_check_depth(e, depth)
    pairs = PyDict_GET_SIZE(value) if exact else len(value)
    if not e.pairs_loaded:
        e.max_pairs = clamp((<object>e.limits).max_map_entries)
        e.pairs_loaded = True
    if pairs > e.max_pairs:
        raise EncodeError(f"map has {pairs} entries, over max_map_entries={(<object>e.limits).max_map_entries}")
    start = open_compound(w, C_MAP8)
    depth += 1
    try:
        if exact:
            while PyDict_Next(value, &position, &key_ptr, &item_ptr):
                key = <object>key_ptr
                item = <object>item_ptr
                enc_value(w, key, depth, e)
                enc_value(w, item, depth, e)
                if PyDict_GET_SIZE(value) != pairs:
                    raise RuntimeError("dictionary changed size during iteration")
        else:
            for key, item in value.items():
                enc_value(w, key, depth, e)
                enc_value(w, item, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(f"[{key!r}]") from None
    return finish_compound(w, start, 2 * pairs, C_MAP32, e)


cdef int enc_described(Writer* w, object value, int depth, Encoder* e) except -1:
    """A described value (§1.2)."""
    e_check_depth(e, depth)
    w_byte(w, C_DESCRIBED)
    depth += 1
    descriptor = value.descriptor
    try:
        enc_value(w, descriptor, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(".descriptor") from None
    item = value.value
    try:
        enc_value(w, item, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(".value") from None
    return 0


cdef int enc_array(Writer* w, object value, int depth, Encoder* e) except -1:
    """array8 / array32 (§1.6.24)."""
    e_check_depth(e, depth)
    cdef Py_ssize_t start = open_compound(w, C_ARRAY8)
    array_content(w, value, depth + 1, e)
    return finish_compound(w, start, len(value.items), C_ARRAY32, e)


cdef int array_content(Writer* w, object value, int depth, Encoder* e) except -1:
    """Descriptor (if any), element constructor and elements of an array (no header)."""
    cdef object items = value.items
    cdef Py_ssize_t n = len(items)
    cdef Py_ssize_t index = 0
    cdef unsigned int narrow, wide, code
    cdef int category
    cdef list chunks
    if n > e_max_items(e):
        raise EncodeError(
            f"array has {n} items, over max_container_items={(<object>e.limits).max_container_items}"
        )
    descriptor = value.descriptor
    if descriptor is not None:
        w_byte(w, C_DESCRIBED)
        try:
            enc_value(w, descriptor, depth, e)
        except _ENCODE_FAULTS as error:
            raise encode_error(error)._at(".descriptor") from None
    element_type = value.element_type
    narrow, wide, category = _ELEMENT_INFO[element_type]
    if type(items) is not tuple:
        items = tuple(items)
    if category == 2:
        return compound_elements(w, narrow, wide, <tuple>items, depth, e)  # names its own [index]
    cdef int64_t total = w.len + w.shift
    try:
        if category == 1:
            chunks = []
            for index in range(n):
                chunk = variable_element(narrow, (<tuple>items)[index])
                chunks.append(chunk)
                total += len(chunk)
                check_output(e, total)
            write_chunks(w, narrow, wide, chunks)
        else:
            code = narrow
            if narrow != wide and not narrow_fits(narrow, <tuple>items):
                code = wide
            w_byte(w, code)
            for index in range(n):
                fixed_element(w, code, (<tuple>items)[index])
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(f"[{index}]") from None
    return 0


cdef bint narrow_fits(unsigned int narrow, tuple items) except -1:
    """Whether every element fits the narrow constructor (``_pure._narrow_fits``)."""
    cdef bint unsigned_ = narrow == C_SMALLUINT or narrow == C_SMALLULONG
    cdef long long x
    cdef int overflow
    for item in items:
        if PyLong_Check(item):
            overflow = 0
            x = PyLong_AsLongLongAndOverflow(item, &overflow)
            if unsigned_:
                if overflow > 0 or (overflow == 0 and x > 0xFF):
                    return False
            elif overflow != 0 or not -128 <= x <= 127:
                return False
        elif unsigned_:
            if not item <= 0xFF:
                return False
        elif not -128 <= item <= 127:
            return False
    return True


cdef object variable_element(unsigned int narrow, object item):
    """One binary, string or symbol element's bytes (an ASCII str stands for its own)."""
    if narrow == C_VBIN8:
        return item if type(item) is bytes else bytes(item)
    if PyUnicode_Check(item) and PyUnicode_IS_ASCII(item):
        return item
    if narrow == C_SYM8:
        return str.encode(item, "ascii")
    return utf8_bytes(item, False)


cdef int write_chunks(Writer* w, unsigned int narrow, unsigned int wide, list chunks) except -1:
    cdef bint small = True
    cdef Py_ssize_t size
    for chunk in chunks:
        if len(chunk) > 0xFF:
            small = False
            break
    w_byte(w, narrow if small else wide)
    for chunk in chunks:
        size = len(chunk)
        if small:
            w_byte(w, <unsigned int>size)
        elif <uint64_t>size <= 0xFFFFFFFF:
            amqp_wr32(w_room(w, 4), <uint32_t>size)
        else:
            w_buffer(w, _u32.pack(size))
        if PyUnicode_Check(chunk):
            w_data(w, PyUnicode_DATA(chunk), size)
        else:
            w_buffer(w, chunk)
    return 0


cdef int fixed_element(Writer* w, unsigned int code, object item) except -1:
    """One element's bytes, without a constructor (``_pure._FIXED_ELEMENT``)."""
    cdef long long x
    cdef int overflow = 0
    cdef unsigned long long u
    if code == C_NULL:
        return 0
    if code == C_BOOLEAN:
        return w_byte(w, 1 if item else 0)
    if code == C_DOUBLE:
        if PyFloat_Check(item):
            amqp_wr64(w_room(w, 8), amqp_double_to_bits(PyFloat_AS_DOUBLE(item)))
            return 0
        return w_buffer(w, _f64.pack(item))
    if code == C_FLOAT:
        amqp_wr32(w_room(w, 4), float32_bits(item))
        return 0
    if code == C_CHAR:
        return w_buffer(w, _u32.pack(char_point(item)))
    if code == C_UUID:
        return w_buffer(w, item.bytes)
    if code == C_DECIMAL32:
        return w_buffer(w, decimal_to_bid(item, 32))
    if code == C_DECIMAL64:
        return w_buffer(w, decimal_to_bid(item, 64))
    if code == C_DECIMAL128:
        return w_buffer(w, decimal_to_bid(item, 128))
    if PyLong_Check(item):
        x = PyLong_AsLongLongAndOverflow(item, &overflow)
        if overflow == 0:
            if code == C_UBYTE or code == C_SMALLUINT or code == C_SMALLULONG:
                if 0 <= x <= 0xFF:
                    return w_byte(w, <unsigned int>x)
            elif code == C_BYTE or code == C_SMALLINT or code == C_SMALLLONG:
                if -128 <= x <= 127:
                    return w_byte(w, <unsigned int>(x & 0xFF))
            elif code == C_USHORT:
                if 0 <= x <= 0xFFFF:
                    amqp_wr16(w_room(w, 2), <uint16_t>x)
                    return 0
            elif code == C_SHORT:
                if -0x8000 <= x <= 0x7FFF:
                    amqp_wr16(w_room(w, 2), <uint16_t>x)
                    return 0
            elif code == C_UINT:
                if 0 <= x <= 0xFFFFFFFF:
                    amqp_wr32(w_room(w, 4), <uint32_t>x)
                    return 0
            elif code == C_INT:
                if -0x80000000 <= x <= 0x7FFFFFFF:
                    amqp_wr32(w_room(w, 4), <uint32_t>x)
                    return 0
            elif code == C_ULONG:
                if x >= 0:
                    amqp_wr64(w_room(w, 8), <uint64_t>x)
                    return 0
            else:  # C_LONG, C_TIMESTAMP
                amqp_wr64(w_room(w, 8), <uint64_t>x)
                return 0
        elif overflow > 0 and code == C_ULONG:
            u = PyLong_AsUnsignedLongLong_raw(item)
            if u != <unsigned long long>-1 or PyErr_Occurred() == NULL:
                amqp_wr64(w_room(w, 8), u)
                return 0
            PyErr_Clear()
    return w_buffer(w, _FIXED_FORMAT[code].pack(item))  # what _pure writes, or its error


cdef int compound_elements(
    Writer* w, unsigned int narrow, unsigned int wide, tuple items, int depth, Encoder* e
) except -1:
    """Array elements that are lists, maps or arrays: each encoded whole, then the
    shared constructor chosen by the largest, and the per-element headers rewritten."""
    cdef Py_ssize_t n = PyTuple_GET_SIZE(items)
    cdef Py_ssize_t index, at, body, stop
    cdef uint64_t count
    cdef bint small = True
    cdef Writer scratch
    cdef Py_ssize_t* starts = <Py_ssize_t*>PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    if starts == NULL:
        raise MemoryError()
    w_init(&scratch, NULL, 0)
    # Scratch bytes are checked as the least they come to in ``w``, as _pure does it:
    # one constructor, then each element with a 2-byte header instead of its own.
    scratch.shift = w.len + w.shift
    try:
        for index in range(n):
            starts[index] = scratch.len
            try:
                if narrow == C_LIST8:
                    enc_list(&scratch, items[index], depth, e)
                elif narrow == C_MAP8:
                    enc_map(&scratch, items[index], depth, e)
                else:
                    enc_array(&scratch, items[index], depth, e)
                scratch.shift -= header_extra(scratch.buf[starts[index]])
                check_output(e, <int64_t>scratch.len + scratch.shift + 1)
            except _ENCODE_FAULTS as error:
                raise encode_error(error)._at(f"[{index}]") from None
        starts[n] = scratch.len
        for index in range(n):
            split_compound(&scratch, starts[index], starts[index + 1], &count, &body)
            if starts[index + 1] - body + 1 > 0xFF or count > 0xFF:
                small = False
                break
        w_byte(w, narrow if small else wide)
        for index in range(n):
            stop = starts[index + 1]
            split_compound(&scratch, starts[index], stop, &count, &body)
            if small:
                w_code8(w, <unsigned int>(stop - body + 1), <unsigned int>count)
            else:
                at = w.len
                w_room(w, 8)
                amqp_wr32(w.buf + at, <uint32_t>(stop - body + 4))
                amqp_wr32(w.buf + at + 4, <uint32_t>count)
            w_data(w, scratch.buf + body, stop - body)
    finally:
        PyMem_Free(starts)
        w_free(&scratch)
    return 0


cdef inline Py_ssize_t header_extra(unsigned char code) noexcept:
    """``_pure._HEADER_EXTRA``: a compound's own header less an array element's 2 bytes."""
    if code == C_LIST0:
        return -1
    if code == C_LIST8 or code == C_MAP8 or code == C_ARRAY8:
        return 1
    return 7


cdef inline void split_compound(
    Writer* scratch, Py_ssize_t start, Py_ssize_t stop, uint64_t* count, Py_ssize_t* body
) noexcept:
    """Count and first element of one canonically encoded list, map or array."""
    cdef unsigned char code = scratch.buf[start]
    if code == C_LIST0:
        count[0] = 0
        body[0] = stop
    elif code == C_LIST8 or code == C_MAP8 or code == C_ARRAY8:
        count[0] = scratch.buf[start + 2]
        body[0] = start + 3
    else:
        count[0] = amqp_rd32(scratch.buf + start + 5)
        body[0] = start + 9


def encode(value, limits):
    """The canonical AMQP encoding of ``value`` (see README, "Canonical encoding").

    Nesting costs no Python frame here, but ``__amqp__`` hooks (and a ``Mapping``'s
    ``items``) are Python calls: one made with the interpreter's stack spent (a hook
    recursing, a caller nearly at the recursion limit) raises ``RecursionError``, which
    becomes the ``EncodeError`` ``_pure.encode`` raises for it, at the top (path ``''``)
    as there."""
    cdef unsigned char initial[SMALL_BUFFER]
    cdef Writer w
    cdef Encoder e
    w_init(&w, initial, SMALL_BUFFER)
    encoder_init(&e, limits)
    try:
        enc_value(&w, value, 0, &e)
        check_output(&e, w.len + w.shift)
        return PyBytes_FromStringAndSize(<const char*>w.buf, w.len)
    except (_StackExhausted, RecursionError):  # RecursionError: from a hook (see ``encode``)
        raise EncodeError("nesting exhausted the Python stack before max_depth") from None
    except _ENCODE_FAULTS as error:
        raise encode_error(error) from None
    finally:
        w_free(&w)


def encode_message(message, limits, plan):
    """The canonical bytes of a message's sections (Part 3 §3.2), or ``None`` when a
    section holds a ``bytes`` longer than the plan's inline limit; ``Message.encode``'s
    own walk is the reference."""
    cdef _MessagePlan p = message_plan(plan)
    cdef unsigned char initial[SMALL_BUFFER]
    cdef Writer w
    cdef Encoder e
    cdef Py_ssize_t index, part
    cdef object section
    w_init(&w, initial, SMALL_BUFFER)
    encoder_init(&e, limits)
    cdef bint direct = isinstance(message, p.message_owner)
    cdef PyObject* found
    try:
        for index in range(7):
            found = amqp_slot_peek(message, p.message_offsets[index]) if direct and p.message_offsets[index] >= 0 else NULL
            if found != NULL:
                section = <object>found
            else:
                section = amqp_descr_get(<object>PyTuple_GET_ITEM(p.message_slots, index), message)
            if section is None:
                continue
            if index == p.body_slot and type(section) is tuple:
                for part in range(PyTuple_GET_SIZE(section)):
                    if not enc_section(&w, <object>PyTuple_GET_ITEM(section, part), p, &e):
                        return None
            elif not enc_section(&w, section, p, &e):
                return None
        return PyBytes_FromStringAndSize(<const char*>w.buf, w.len)
    except (_StackExhausted, RecursionError):  # RecursionError: from a hook (see ``encode``)
        raise EncodeError("nesting exhausted the Python stack before max_depth") from None
    except _ENCODE_FAULTS as error:
        raise encode_error(error) from None
    finally:
        w_free(&w)


cdef bint enc_section(Writer* w, object section, _MessagePlan p, Encoder* e) except -1:
    """One section at depth 0: a map or body section of exactly its class as ``00``
    descriptor value, anything else through ``enc_value``; False for a long binary."""
    cdef object cls = type(section)
    cdef Py_ssize_t kind = -1, index
    cdef object slot = None
    cdef PyObject* found
    for index in range(PyTuple_GET_SIZE(p.classes)):
        if <object>PyTuple_GET_ITEM(p.classes, index) is cls:
            kind = index
            slot = <object>PyTuple_GET_ITEM(p.section_slots, index)
            break
    if slot is None:
        enc_value(w, section, 0, e)
        return True
    found = amqp_slot_peek(section, p.section_offsets[kind]) if p.section_offsets[kind] >= 0 else NULL
    value = <object>found if found != NULL else amqp_descr_get(slot, section)
    if type(value) is bytes and PyBytes_GET_SIZE(value) > p.inline_limit:
        return False
    e_check_depth(e, 0)
    w_byte(w, C_DESCRIBED)
    try:
        enc_value(w, <object>PyTuple_GET_ITEM(p.descriptors, kind), 1, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(".descriptor") from None
    try:
        enc_value(w, value, 1, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(".value") from None
    return True
