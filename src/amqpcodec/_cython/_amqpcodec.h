/* The C helpers of amqpcodec's compiled backend, declared in capi.pxi
   (``cdef extern from "_amqpcodec.h"``) and used by the other include files of
   _speedups.pyx: big-endian reads and writes, float and double bit patterns, object
   allocation and __slots__ access below the descriptor protocol, a cache of short
   decoded strings and symbols, and the per-hash key counter of the map decoder.

   Everything is static (one translation unit includes this, _speedups.c), and the
   small functions static inline. */

#ifndef AMQPCODEC_H_INCLUDED
#define AMQPCODEC_H_INCLUDED

#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t amqp_rd32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline uint16_t amqp_rd16(const unsigned char *p) {
    return (uint16_t)(((unsigned)p[0] << 8) | (unsigned)p[1]);
}
static inline uint64_t amqp_rd64(const unsigned char *p) {
    return ((uint64_t)amqp_rd32(p) << 32) | (uint64_t)amqp_rd32(p + 4);
}
static inline void amqp_wr16(unsigned char *p, uint16_t v) {
    p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v;
}
static inline void amqp_wr32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}
static inline void amqp_wr64(unsigned char *p, uint64_t v) {
    amqp_wr32(p, (uint32_t)(v >> 32)); amqp_wr32(p + 4, (uint32_t)v);
}
static inline double amqp_bits_to_double(uint64_t bits) {
    double d; memcpy(&d, &bits, 8); return d;
}
static inline uint64_t amqp_double_to_bits(double d) {
    uint64_t bits; memcpy(&bits, &d, 8); return bits;
}
static inline double amqp_float_bits_to_double(uint32_t bits) {
    float f; memcpy(&f, &bits, 4); return (double)f;
}
/* Only called with |d| <= FLT_MAX or an infinity, where the conversion is defined. */
static inline uint32_t amqp_double_to_float_bits(double d) {
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
/* A dict with room for ``n`` entries (CPython's own presizing, as Cython uses it;
   included after Cython's prologue, which says whether it compiles for CPython). */
#if defined(CYTHON_COMPILING_IN_CPYTHON) && CYTHON_COMPILING_IN_CPYTHON
#define amqp_dict_presized(n) ((n) <= 5 ? PyDict_New() : _PyDict_NewPresized(n))
#else
#define amqp_dict_presized(n) PyDict_New()
#endif
/* The value in the slot at ``offset`` (borrowed; NULL when unset). */
static inline PyObject *amqp_slot_peek(PyObject *obj, Py_ssize_t offset) {
    return *(PyObject **)((char *)obj + offset);
}
static inline void amqp_slot_put(PyObject *obj, Py_ssize_t offset, PyObject *value) {
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

static inline uint32_t amqp_cache_slot(const unsigned char *p, Py_ssize_t n) {
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
static inline PyObject *amqp_cache_get(int which, uint32_t slot, const unsigned char *p, Py_ssize_t n) {
    PyObject *s = amqp_cache[which][slot];
    if (s != NULL && PyUnicode_GET_LENGTH(s) == n && memcmp(PyUnicode_DATA(s), p, (size_t)n) == 0) {
        Py_INCREF(s);
        return s;
    }
    return NULL;
}
static inline void amqp_cache_put(int which, uint32_t slot, PyObject *s) {
    PyObject *old = amqp_cache[which][slot];
    Py_INCREF(s);
    amqp_cache[which][slot] = s;
    Py_XDECREF(old);
}

/* Keys per hash while a map is decoded (MAX_KEYS_PER_HASH): an open-addressing table
   of mask + 1 slots, at most half full, probed the way CPython's dict probes
   (perturbed by the high bits), so hashes a peer crafts cannot make it quadratic. */
typedef struct { Py_hash_t hash; Py_ssize_t count; } amqp_hash_slot;
static inline Py_ssize_t amqp_hash_count(amqp_hash_slot *table, size_t mask, Py_hash_t h) {
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

#endif /* AMQPCODEC_H_INCLUDED */
