# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# A composite (Part 1 §1.4) encoded straight from its slots, with no Described or list
# built: a hot path of the layers above (composite.pxi decodes them).


cdef bint encodes_as_composite(object cls) except -1:
    """``_pure.encoder._encodes_as_composite``: the class defining ``__amqp__`` sets ``_AMQP_COMPOSITE``."""
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
    list built; the same errors and paths as ``_pure.encoder._e_composite``."""
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
        fail_encode(_text.too_many_items("list", count, (<object>e.limits).max_container_items))
    start = open_compound(w, C_LIST8)
    depth += 1
    try:
        while index < count:
            enc_value(w, read_field(reader, value, index), depth, e)
            index += 1
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(f"[{index}]") from None
    return finish_compound(w, start, count, C_LIST32, e)
