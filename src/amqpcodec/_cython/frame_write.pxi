# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# One AMQP frame written (Part 2 §2.3.1), a hot path of frames.writer.encode_frame (the
# reference): the 8-byte header (DOFF 2), the performative encoded as ``encode`` does
# (raising its errors, their paths in field names as the writer gives them), then the
# payload, in one bytes object.  Anything outside the usual form gives ``None`` and the
# reference runs on the same arguments to give the bytes or the error in full: before
# encoding, a body whose class is not exactly one of the plan's, a channel out of range,
# a payload other than bytes, bytearray or a flat memoryview of bytes, a SASL body with a
# payload; after it (so ``__amqp__`` hooks run again), a frame over the limit or a
# payload a hook released.


cdef class _FrameWritePlan:
    """``frames.writer._WRITE_PLAN`` (a ``_seam.FrameWritePlan``), read once."""

    cdef object source
    cdef dict frame_types
    cdef unsigned int doff
    cdef unsigned int sasl_type
    cdef object field_path


cdef _FrameWritePlan _frame_write_plan = None


cdef _FrameWritePlan frame_write_plan(object source):
    global _frame_write_plan
    if _frame_write_plan is not None and _frame_write_plan.source is source:
        return _frame_write_plan
    cdef _FrameWritePlan plan = _FrameWritePlan()
    plan.source = source
    plan.frame_types = dict(source.frame_types)
    plan.doff, plan.sasl_type, plan.field_path = source.doff, source.sasl_type, source.field_path
    if source.header.format != ">IBBH":  # what encode_frame writes (§2.3.1)
        raise ValueError(
            f"malformed frame write plan: a frame header {source.header.format!r} is not written here"
        )
    for frame_type in plan.frame_types.values():
        if type(frame_type) is not int or not 0 <= frame_type <= 0xFF:
            raise ValueError("malformed frame write plan: a frame type is an octet")
    _frame_write_plan = plan
    return plan


cdef enum:
    FRAME_HEADER_SIZE = 8  # what the plan's ``>IBBH`` header takes


def encode_frame(performative, channel, payload, int64_t limit, limits, plan):
    """The frame (Part 2 §2.3.1) holding ``performative`` and ``payload`` on ``channel``,
    at most ``limit`` bytes (at most 4 GiB - 1), or ``None`` outside the usual form (see
    above)."""
    cdef _FrameWritePlan p = frame_write_plan(plan)
    cdef object cls = type(performative)
    cdef PyObject* found = PyDict_GetItemWithError(p.frame_types, cls) if type(cls) is type else NULL
    cdef unsigned int frame_type
    cdef Py_ssize_t size
    if found == NULL or type(channel) is not int or not 0 <= channel <= 0xFFFF:
        return None
    frame_type = <object>found
    if type(payload) is bytes or type(payload) is bytearray:
        size = len(payload)
    elif type(payload) is memoryview:
        # Only a flat view of bytes: the reference reads any other through a cast it makes
        # before encoding, which a hook cannot release.
        view = <object>payload
        try:
            if not view.c_contiguous or view.ndim != 1 or view.format != "B":
                return None
        except ValueError:  # released
            return None
        size = view.nbytes
    else:
        return None
    if size and frame_type == p.sasl_type:  # a SASL body has no payload
        return None
    return write_frame(performative, frame_type, <unsigned int>channel, payload, limit, limits, p)


cdef object write_frame(
    object performative, unsigned int frame_type, unsigned int channel, object payload, int64_t limit,
    object limits, _FrameWritePlan p,
):
    """The performative encoded after a header's room, then the payload read (after the
    encoding, as the reference reads it: a hook the encoding runs may change a
    bytearray, and no pointer into it is held meanwhile) and copied once into the frame."""
    cdef unsigned char initial[SMALL_BUFFER]
    cdef Writer w
    cdef Encoder e
    cdef Py_buffer view
    cdef bint viewed = False
    cdef const unsigned char* data
    cdef Py_ssize_t size
    cdef unsigned char* out
    cdef int64_t total
    cdef object frame, refused
    if limit > 0xFFFFFFFF:
        limit = 0xFFFFFFFF  # what a frame's size field holds
    w_init(&w, initial, SMALL_BUFFER)
    encoder_init(&e, limits)
    try:
        try:
            w_room(&w, FRAME_HEADER_SIZE)
            w.shift = -FRAME_HEADER_SIZE  # the output bound counts from the performative
            enc_value(&w, performative, 0, &e)
            check_output(&e, w.len + w.shift)
        except (_StackExhausted, RecursionError):  # as ``encode`` raises them
            refused = EncodeError(MSG_STACK_EXHAUSTED)
            refused.path = p.field_path(performative, refused.path)
            raise refused from None
        except _ENCODE_FAULTS as error:
            refused = encode_error(error)
            refused.path = p.field_path(performative, refused.path)
            raise refused from None
        if type(payload) is bytes:
            data, size = <const unsigned char*>PyBytes_AS_STRING(payload), PyBytes_GET_SIZE(payload)
        else:
            try:
                PyObject_GetBuffer(payload, &view, PyBUF_SIMPLE)
            except (BufferError, ValueError):  # a hook released it
                return None
            viewed = True
            data, size = <const unsigned char*>view.buf, view.len
        total = <int64_t>w.len + size
        if total > limit or (size and frame_type == p.sasl_type):  # a hook grew the payload
            return None
        out = w.buf
        amqp_wr32(out, <uint32_t>total)
        out[4] = <unsigned char>p.doff
        out[5] = <unsigned char>frame_type
        amqp_wr16(out + 6, <uint16_t>channel)
        frame = PyBytes_FromStringAndSize(NULL, total)
        memcpy(PyBytes_AS_STRING(frame), out, w.len)
        if size:
            memcpy(PyBytes_AS_STRING(frame) + w.len, data, size)
        return frame
    finally:
        if viewed:
            PyBuffer_Release(&view)
        w_free(&w)
