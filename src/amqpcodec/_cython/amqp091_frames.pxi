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


cdef object f91_next(
    Read91* r, _Frames91 f, Py_ssize_t pos, Py_ssize_t end, Py_ssize_t base, int64_t body_limit,
    object limits, Py_ssize_t* after,
):
    """The event of the complete, well-formed frame at ``data[pos:end]`` (``after[0]``: the
    offset past it), or None (§4.2.3: type, channel, size; then the payload and the
    frame-end octet must be in)."""
    cdef const unsigned char* head
    cdef uint64_t size
    cdef unsigned int frame_type
    cdef Py_ssize_t stop
    if pos < 0 or end - pos < 7:
        return None
    head = r.data + pos
    frame_type = head[0]
    size = amqp_rd32(head + 3)
    if size >= <uint64_t>(end - pos - 7):
        return None
    if <int64_t>size > body_limit and (
        frame_type == f.body_type or <int64_t>size > <int64_t>(limits.max_frame_size - 8)
    ):
        return None
    stop = pos + 7 + <Py_ssize_t>size
    if r.data[stop] != f.frame_end:
        return None
    after[0] = stop + 1
    return f91_event(r, f, frame_type, amqp_rd16(head + 1), pos + 7, stop, base + pos)


def next_frame091(buf, Py_ssize_t pos, Py_ssize_t base, Py_ssize_t body_limit, limits, plan):
    """The complete, well-formed AMQP 0-9-1 frame (§4.2.3) at ``pos`` in ``buf`` as its
    event (at stream offset ``base + pos``) and the offset after it, else ``None``: a hot
    path of ``amqp091.FrameReader.next_event`` (the reference)."""
    cdef _Frames91 f = f91_plan(plan)
    cdef Read91 r
    cdef Py_buffer view
    cdef bint have_view = False
    cdef Py_ssize_t end, after = 0
    t91_ready()
    limits91_init(&r.lim, limits)
    r.base = 0
    get_input(buf, &view, &have_view, &r.data, &end)
    try:
        event = f91_next(&r, f, pos, end, base, body_limit, limits, &after)
        if event is None:
            return None
        return event, after
    except DecodeError:
        return None
    finally:
        if have_view:
            PyBuffer_Release(&view)


cdef extern from "Python.h":
    const Py_ssize_t PY_SSIZE_T_MAX


# The reader's slots, in ReaderPlan091's order.
cdef enum:
    R91_BUF, R91_POS, R91_BASE, R91_BODY_LIMIT, R91_LIMITS, R91_FATAL, R91_PHASE, R91_SLOTS


cdef class _Reader91:
    """A ``_seam.ReaderPlan091``, read once."""

    cdef object source
    cdef Py_ssize_t offsets[R91_SLOTS]  # all >= 0, else ``usable`` is False
    cdef bint usable
    cdef object frames_phase, start_phase, need_data
    cdef object owner, next_event  # the reader class and its own next_event
    cdef _Frames91 frames


cdef _Reader91 _reader91 = None


cdef _Reader91 r91_plan(object source):
    """The compiled form of ``source`` (a ``ReaderPlan091``), cached by identity."""
    global _reader91
    if _reader91 is not None and _reader91.source is source:
        return _reader91
    cdef _Reader91 p = _Reader91()
    cdef tuple slots = tuple([slot_of(setter) for setter in source.reader_slots])
    cdef Py_ssize_t i
    if len(slots) != R91_SLOTS:
        raise ValueError("malformed AMQP 0-9-1 reader plan")
    p.source = source
    p.usable = True
    for i in range(R91_SLOTS):
        p.offsets[i] = -1 if type(slots[i]) is not _MEMBER else amqp_slot_offset(slots[i], source.reader_class)
        p.usable = p.usable and p.offsets[i] >= 0
    p.frames_phase, p.start_phase, p.need_data = source.frames_phase, source.start_phase, source.need_data
    p.frames = f91_plan(source.frames)
    p.owner = source.reader_class
    p.next_event = getattr(p.owner, "next_event", None)
    p.usable = p.usable and p.next_event is not None
    _reader91 = p
    return p


cdef class _FrameIter91:
    """``FrameReader.__iter__`` with the compiled backend: each frame ``f91_next`` takes
    is read straight from the reader's slots; anything else (the opening, a frame not
    all in, a fault) is the reader's own ``next_event()``.  Stops at the first
    ``NEED_DATA`` or error, for good, as the reference's generator does."""

    cdef object reader
    cdef _Reader91 plan
    cdef bint direct  # frames are read here (else each event is ``reader.next_event()``)
    cdef bint done

    def __iter__(self):
        return self

    def __next__(self):
        if self.done:
            raise StopIteration
        try:
            event = r91_fast(self.reader, self.plan) if self.direct else None
            if event is None:
                event = self.reader.next_event()
        except BaseException:
            self.done = True  # as a generator is finished by what it raises
            raise
        if event is self.plan.need_data:
            self.done = True
            raise StopIteration
        return event


cdef inline object r91_slot(object reader, _Reader91 p, int index):
    """The reader's slot ``index`` (borrowed into a new reference), or None when unset."""
    cdef PyObject* value = amqp_slot_peek(reader, p.offsets[index])
    return None if value == NULL else <object>value


cdef inline bint r91_index(object value, Py_ssize_t* out) noexcept:
    """``value`` as a C index when it is an int that fits, else False."""
    cdef int overflow = 0
    cdef long long x
    if type(value) is not int:
        return False
    x = PyLong_AsLongLongAndOverflow(value, &overflow)
    if overflow or x < 0 or x > PY_SSIZE_T_MAX:
        return False
    out[0] = <Py_ssize_t>x
    return True


cdef inline bint f91_is_type(_Frames91 f, unsigned int octet) noexcept:
    return octet == f.method_type or octet == f.header_type or octet == f.body_type or octet == f.heartbeat_type


cdef object r91_fast(object reader, _Reader91 p):
    """The reader's next event when it is a frame ``f91_next`` takes (the reader's
    position moved past it), ``NEED_DATA`` when the reference would return it for
    want of a frame header, else None with nothing changed."""
    cdef Read91 r
    cdef Py_ssize_t pos, base, body_limit, end, after = 0
    cdef object phase = r91_slot(reader, p, R91_PHASE)
    buf = r91_slot(reader, p, R91_BUF)
    if r91_slot(reader, p, R91_FATAL) is not None or type(buf) is not bytearray:
        return None
    if not (
        r91_index(r91_slot(reader, p, R91_POS), &pos)
        and r91_index(r91_slot(reader, p, R91_BASE), &base)
        and r91_index(r91_slot(reader, p, R91_BODY_LIMIT), &body_limit)
    ):
        return None
    end = PyByteArray_GET_SIZE(buf)
    if end - pos < 7:
        # Past the opening, fewer bytes than a frame header is the reference's NEED_DATA.
        return p.need_data if phase is p.frames_phase else None
    if phase is not p.frames_phase:
        # The reference's opening with expect_header=False: a frame type first starts the frames.
        if phase is not p.start_phase or not f91_is_type(p.frames, <unsigned char>PyByteArray_AS_STRING(buf)[pos]):
            return None
        amqp_slot_put(reader, p.offsets[R91_PHASE], p.frames_phase)
    limits = r91_slot(reader, p, R91_LIMITS)
    t91_ready()
    limits91_init(&r.lim, limits)
    r.base = 0
    r.data = <const unsigned char*>PyByteArray_AS_STRING(buf)
    try:
        event = f91_next(&r, p.frames, pos, end, base, body_limit, limits, &after)
    except DecodeError:
        return None
    if event is not None:
        amqp_slot_put(reader, p.offsets[R91_POS], after)
    return event


def frames091(reader, plan):
    """An iterator over ``reader``'s events now complete: ``amqp091.FrameReader.__iter__``
    (the reference is its generator over ``next_event()``)."""
    cdef _FrameIter91 it = _FrameIter91.__new__(_FrameIter91)
    it.reader = reader
    it.plan = r91_plan(plan)
    # A subclass that overrides next_event is iterated through it, as the reference is.
    it.direct = it.plan.usable and (
        type(reader) is it.plan.owner or getattr(type(reader), "next_event", None) is it.plan.next_event
    )
    return it
