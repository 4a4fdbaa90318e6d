# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The AMQP 0-9-1 frame reader's hot path (0-9-1 §4.2.3): next_frame091 takes one
# complete, well-formed frame from the reader's buffer and builds its event (method,
# content header, body, heartbeat) in one call, through _seam.FramePlan091 (built by
# amqp091.reader).  Anything else (a frame not all in, a header over the limits, an
# unknown type, a bad frame-end octet, a payload fault) gives ``None``: FrameReader's
# Python path, the reference, then reads the same bytes and reports in full.


cdef class _Frames91:
    """A ``_seam.FramePlan091``, read once."""

    cdef object source
    cdef unsigned int method_type, header_type, body_type, heartbeat_type, frame_end
    cdef object method_frame, header_frame, body_frame, heartbeat_frame
    cdef tuple method_slots, header_slots, body_slots, heartbeat_slots
    cdef Py_ssize_t method_offsets[MAX_SLOTS]
    cdef Py_ssize_t header_offsets[MAX_SLOTS]
    cdef Py_ssize_t body_offsets[MAX_SLOTS]
    cdef Py_ssize_t heartbeat_offsets[MAX_SLOTS]
    cdef object methods_source
    cdef object header_source


cdef _Frames91 _frames91 = None


cdef tuple f91_slots(object setters, Py_ssize_t count, object cls):
    slots = tuple([slot_of(setter) for setter in setters])
    if len(slots) != count or not isinstance(cls, type):
        raise ValueError("malformed AMQP 0-9-1 frame plan")
    return slots


cdef _Frames91 f91_plan(object source):
    """The compiled form of ``source`` (a ``FramePlan091``), cached by identity."""
    global _frames91
    if _frames91 is not None and _frames91.source is source:
        return _frames91
    cdef _Frames91 f = _Frames91()
    f.source = source
    f.method_type, f.header_type = source.method_type, source.header_type
    f.body_type, f.heartbeat_type, f.frame_end = source.body_type, source.heartbeat_type, source.frame_end
    f.method_frame, f.header_frame = source.method_frame, source.header_frame
    f.body_frame, f.heartbeat_frame = source.body_frame, source.heartbeat_frame
    f.method_slots = f91_slots(source.method_frame_slots, 3, f.method_frame)
    f.header_slots = f91_slots(source.header_frame_slots, 6, f.header_frame)
    f.body_slots = f91_slots(source.body_frame_slots, 3, f.body_frame)
    f.heartbeat_slots = f91_slots(source.heartbeat_frame_slots, 1, f.heartbeat_frame)
    fill_offsets(f.method_offsets, f.method_slots, f.method_frame)
    fill_offsets(f.header_offsets, f.header_slots, f.header_frame)
    fill_offsets(f.body_offsets, f.body_slots, f.body_frame)
    fill_offsets(f.heartbeat_offsets, f.heartbeat_slots, f.heartbeat_frame)
    f.methods_source, f.header_source = source.methods, source.header
    _frames91 = f
    return f


cdef inline int f91_put(tuple slots, Py_ssize_t* offsets, Py_ssize_t i, object obj, object value) except -1:
    return put(<object>PyTuple_GET_ITEM(slots, i), offsets[i], obj, value)


cdef object f91_event(
    Read91* r, _Frames91 f, unsigned int frame_type, unsigned int channel,
    Py_ssize_t start, Py_ssize_t stop, object offset,
):
    """The event of the frame whose payload is ``data[start:stop]``, or None."""
    cdef const unsigned char* d = r.data
    cdef object payload, event
    if frame_type == f.method_type:
        payload = m91_read(r, m91_plans(f.methods_source), start, stop)
        if payload is None:
            return None
        event = amqp_alloc(f.method_frame)
        f91_put(f.method_slots, f.method_offsets, 0, event, offset)
        f91_put(f.method_slots, f.method_offsets, 1, event, channel)
        f91_put(f.method_slots, f.method_offsets, 2, event, payload)
        return event
    if frame_type == f.body_type:
        event = amqp_alloc(f.body_frame)
        f91_put(f.body_slots, f.body_offsets, 0, event, offset)
        f91_put(f.body_slots, f.body_offsets, 1, event, channel)
        f91_put(f.body_slots, f.body_offsets, 2, event, PyBytes_FromStringAndSize(<const char*>d + start, stop - start))
        return event
    if frame_type == f.header_type:
        return f91_header(r, f, channel, start, stop, offset)
    if frame_type == f.heartbeat_type and channel == 0 and stop == start:
        event = amqp_alloc(f.heartbeat_frame)
        f91_put(f.heartbeat_slots, f.heartbeat_offsets, 0, event, offset)
        return event
    return None


cdef object f91_header(Read91* r, _Frames91 f, unsigned int channel, Py_ssize_t start, Py_ssize_t stop, object offset):
    """A content-header frame's event (§4.2.6.1), or None."""
    cdef const unsigned char* d = r.data
    cdef _Header91 h = h91_plan(f.header_source)
    cdef unsigned int flags
    if stop - start < 14:
        return None
    flags = amqp_rd16(d + start + 12)
    if flags & h.reserved:
        return None
    properties = h91_properties(r, h, flags, start + 14, stop)
    if properties is None:
        return None
    event = amqp_alloc(f.header_frame)
    f91_put(f.header_slots, f.header_offsets, 0, event, offset)
    f91_put(f.header_slots, f.header_offsets, 1, event, channel)
    f91_put(f.header_slots, f.header_offsets, 2, event, amqp_rd16(d + start))
    f91_put(f.header_slots, f.header_offsets, 3, event, amqp_rd16(d + start + 2))
    f91_put(f.header_slots, f.header_offsets, 4, event, PyLong_FromUnsignedLongLong(amqp_rd64(d + start + 4)))
    f91_put(f.header_slots, f.header_offsets, 5, event, properties)
    return event


def next_frame091(buf, Py_ssize_t pos, Py_ssize_t base, Py_ssize_t body_limit, limits, plan):
    """The complete, well-formed AMQP 0-9-1 frame (§4.2.3) at ``pos`` in ``buf`` as its
    event (at stream offset ``base + pos``) and the offset after it, else ``None``: a hot
    path of ``amqp091.FrameReader.next_event`` (the reference)."""
    cdef _Frames91 f = f91_plan(plan)
    cdef Read91 r
    cdef Py_buffer view
    cdef bint have_view = False
    cdef const unsigned char* head
    cdef Py_ssize_t end, stop
    cdef uint64_t size
    cdef unsigned int frame_type
    t91_ready()
    limits91_init(&r.lim, limits)
    r.base = 0
    get_input(buf, &view, &have_view, &r.data, &end)
    try:
        if pos < 0 or end - pos < 7:
            return None
        head = r.data + pos
        frame_type = head[0]
        size = amqp_rd32(head + 3)
        # §4.2.3: type, channel, size; the payload and the frame-end octet must be in.
        if size >= <uint64_t>(end - pos - 7):
            return None
        if <int64_t>size > body_limit and (
            frame_type == f.body_type or <int64_t>size > <int64_t>(limits.max_frame_size - 8)
        ):
            return None
        stop = pos + 7 + <Py_ssize_t>size
        if r.data[stop] != f.frame_end:
            return None
        event = f91_event(&r, f, frame_type, amqp_rd16(head + 1), pos + 7, stop, base + pos)
        if event is None:
            return None
        return event, stop + 1
    except DecodeError:
        return None
    finally:
        if have_view:
            PyBuffer_Release(&view)
