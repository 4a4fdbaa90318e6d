# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# Messages (Part 3 §3.2), a hot path of the layers above: the message plan (also read
# by encode_message.pxi), decode_message and scan_message.


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
