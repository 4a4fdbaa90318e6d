# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The C declarations: CPython calls that Cython's own cpython declarations lack (and
# raw forms of some, whose NULL or -1 result the code handles itself), FLT_MAX, and the
# helpers of _amqpcodec.h.


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

cdef extern from "_amqpcodec.h":
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
