# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# Frames (Part 2 §2.3), a hot path of the layers above: the frame plan and
# decode_frame.


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
            fail_offset(pos, end)
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
