# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# A message's sections encoded (Part 3 §3.2), a hot path of the layers above:
# encode_message (message.pxi has the plan).


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
        raise EncodeError(MSG_STACK_EXHAUSTED) from None
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
