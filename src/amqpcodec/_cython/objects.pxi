# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The objects the decoder builds by setting their slots (Described, Array, UUID:
# checked at import against amqpcodec.types, else built the way those build
# themselves), and integer wrappers.


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
