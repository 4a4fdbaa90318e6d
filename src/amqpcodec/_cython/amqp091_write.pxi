# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The AMQP 0-9-1 method, content-header and message encoders (0-9-1 §4.2.3-4.2.6): hot
# paths of amqp091.payloads (method_payload, content_header_payload) and amqp091.writer
# (encode_method, encode_content_header, encode_message), the references.  They read the
# same plans as the decoders (amqp091_payloads.pxi, amqp091_frames.pxi).  A value these
# loops do not take as it is (a type other than the one a checked method or property
# holds, a number out of its range, a table the table encoder refuses, a channel or
# frame_max out of range, a frame over frame_max) gives ``None``, and the reference
# encodes the same arguments to give the bytes or the error in full.  Tables are written
# with DEFAULT_LIMITS, as the references write them, their output bound counted from the
# start of the payload (or the properties) as the references count it.


cdef enum:
    W91_BUFFER = 2048  # on the C stack: most methods and headers fit


cdef int w91_uint(Writer* w, object value, unsigned int width) except -1:
    """An unsigned big-endian integer of ``width`` bytes: 1, or 0 when not taken."""
    cdef unsigned long long x
    cdef unsigned char* p
    if type(value) is not int:
        return 0
    x = PyLong_AsUnsignedLongLong_raw(value)
    if x == <unsigned long long>-1 and PyErr_Occurred() != NULL:
        PyErr_Clear()  # negative, or past 64 bits
        return 0
    if width < 8 and x >> (8 * width):
        return 0
    p = w_room(w, width)
    if width == 1:
        p[0] = <unsigned char>x
    elif width == 2:
        amqp_wr16(p, <uint16_t>x)
    elif width == 4:
        amqp_wr32(p, <uint32_t>x)
    else:
        amqp_wr64(p, <uint64_t>x)
    return 1


cdef int w91_short(Writer* w, object value, bint lenient) except -1:
    """A short string (§4.2.5.3): a ``str`` (or, ``lenient``, ``bytes``) of at most 255
    bytes: 1, or 0 when not taken."""
    cdef PyObject* raw
    cdef Py_ssize_t n
    cdef unsigned char* p
    if type(value) is str:
        if PyUnicode_IS_ASCII(value):
            n = PyUnicode_GET_LENGTH(value)
            if n > 0xFF:
                return 0
            p = w_room(w, 1 + n)
            p[0] = <unsigned char>n
            memcpy(p + 1, PyUnicode_DATA(value), n)
            return 1
        raw = PyUnicode_AsUTF8String_raw(value)
        if raw == NULL:
            PyErr_Clear()  # lone surrogates: the reference reports them
            return 0
        value = steal(raw)
    elif type(value) is not bytes or not lenient:
        return 0
    n = PyBytes_GET_SIZE(value)
    if n > 0xFF:
        return 0
    w_byte(w, <unsigned int>n)
    w_data(w, PyBytes_AS_STRING(value), n)
    return 1


cdef int w91_table(Write91* e, object value) except -1:
    """A field table (§4.2.5.5) by the compiled table encoder: 1, or 0 when not taken."""
    if type(value) is not dict:
        return 0
    try:
        t91_write_fields(e, value, 1)
    except EncodeError:
        return 0
    return 1


cdef int w91_value(Write91* e, unsigned int kind, unsigned int width, object value, object stamp) except -1:
    """One argument or property other than a bit: 1, or 0 when not taken."""
    cdef Py_ssize_t n
    if kind == A91_INTEGER:
        return w91_uint(&e.w, value, width)
    if kind == A91_SHORTSTR or kind == A91_PROPERTY_SHORTSTR:
        return w91_short(&e.w, value, kind == A91_PROPERTY_SHORTSTR)
    if kind == A91_TABLE:
        return w91_table(e, value)
    if kind == A91_TIMESTAMP:
        if type(value) is not int and (stamp is None or type(value) is not stamp):
            return 0
        return w91_uint(&e.w, int(value), 8)
    if kind == A91_LONGSTR and type(value) is bytes:
        n = PyBytes_GET_SIZE(value)
        if <uint64_t>n > 0xFFFFFFFF:
            return 0
        amqp_wr32(w_room(&e.w, 4), <uint32_t>n)
        w_data(&e.w, PyBytes_AS_STRING(value), n)
        return 1
    return 0


cdef int m91_write(Write91* e, _Method91 m, object method) except -1:
    """``method``'s payload (§4.2.4, bits packed as §4.2.5.2 says): 1, or 0 when not taken."""
    cdef Py_ssize_t i, at = 0
    cdef unsigned int kind
    cdef unsigned int octet = 0
    cdef unsigned int bits = 0  # bits put in the octet at ``at`` (0: none open)
    cdef PyObject* found
    cdef object value
    cdef unsigned char* p = w_room(&e.w, 4)
    amqp_wr16(p, <uint16_t>m.class_id)
    amqp_wr16(p + 2, <uint16_t>m.method_id)
    for i in range(m.count):
        if m.offsets[i] < 0:
            return 0
        found = amqp_slot_peek(method, m.offsets[i])
        if found == NULL:
            return 0
        value = <object>found
        kind = m.kinds[i]
        if kind == A91_BIT:
            if value is not True and value is not False:
                return 0
            if bits == 0 or bits == 8:
                at = e.w.len
                w_byte(&e.w, 0)
                octet = 0
                bits = 0
            if value is True:
                octet |= 1 << bits
                e.w.buf[at] = <unsigned char>octet
            bits += 1
            continue
        bits = 0
        if not w91_value(e, kind, m.widths[i], value, None):
            return 0
    return 1


cdef int h91_write(Write91* e, _Header91 h, object properties, object body_size, object class_id, object weight) except -1:
    """A content-header payload (§4.2.6.1): 1, or 0 when not taken."""
    cdef Py_ssize_t i, start = e.w.len
    cdef unsigned int flags = 0
    cdef object value
    if type(class_id) is not int or type(weight) is not int:
        return 0
    if not w91_uint(&e.w, class_id, 2) or not w91_uint(&e.w, weight, 2) or not w91_uint(&e.w, body_size, 8):
        return 0
    w_room(&e.w, 2)
    if properties is not None:
        if type(properties) is not h.properties_class or PyTuple_GET_SIZE(properties) != h.count:
            return 0
        e.w.shift = -e.w.len  # the references count a table's bound from the first property
        for i in range(h.count):
            value = <object>PyTuple_GET_ITEM(properties, i)
            if value is None:
                continue
            flags |= h.masks[i]
            if not w91_value(e, h.kinds[i], h.widths[i], value, h.timestamp_class):
                return 0
    amqp_wr16(e.w.buf + start + 12, <uint16_t>flags)
    return 1


cdef inline bint w91_channel(object channel) noexcept:
    return type(channel) is int and 0 <= channel <= 0xFFFF


cdef int w91_open_frame(Write91* e) except -1:
    """Room for a frame header (§4.2.3); a table's bound counts from the payload."""
    w_room(&e.w, 7)
    e.w.shift = -7
    return 0


cdef object w91_close_frame(Write91* e, unsigned int frame_type, unsigned int channel, unsigned int frame_end):
    """The frame ``e`` holds, its header filled in and its frame-end octet added; None
    when the payload does not fit a frame."""
    cdef Py_ssize_t size = e.w.len - 7
    if <uint64_t>size > 0xFFFFFFFF:
        return None
    e.w.buf[0] = <unsigned char>frame_type
    amqp_wr16(e.w.buf + 1, <uint16_t>channel)
    amqp_wr32(e.w.buf + 3, <uint32_t>size)
    w_byte(&e.w, frame_end)
    return PyBytes_FromStringAndSize(<const char*>e.w.buf, e.w.len)


cdef int w91_init(Write91* e, unsigned char* initial) except -1:
    t91_ready()
    limits91_init(&e.lim, DEFAULT_LIMITS)
    w_init(&e.w, initial, W91_BUFFER)
    e.w.shift = 0
    return 0


def method_payload091(method, plan):
    """``method``'s payload (0-9-1 §4.2.4), else ``None``: a hot path of
    ``amqp091.payloads.method_payload`` (the reference)."""
    cdef _Methods91 plans = m91_plans(plan)
    cdef unsigned char initial[W91_BUFFER]
    cdef Write91 e
    found = plans.by_type.get(type(method))
    if found is None:
        return None
    w91_init(&e, initial)
    try:
        if not m91_write(&e, <_Method91>found, method):
            return None
        return PyBytes_FromStringAndSize(<const char*>e.w.buf, e.w.len)
    finally:
        w_free(&e.w)


cdef object m91_frame(_Frames91 f, _Methods91 plans, object method, unsigned int channel):
    """A method frame, or None."""
    cdef unsigned char initial[W91_BUFFER]
    cdef Write91 e
    found = plans.by_type.get(type(method))
    if found is None:
        return None
    w91_init(&e, initial)
    try:
        w91_open_frame(&e)
        if not m91_write(&e, <_Method91>found, method):
            return None
        return w91_close_frame(&e, f.method_type, channel, f.frame_end)
    finally:
        w_free(&e.w)


def encode_method091(method, channel, plan):
    """A method frame (§4.2.3, §4.2.4), else ``None``: a hot path of
    ``amqp091.writer.encode_method`` (the reference)."""
    cdef _Frames91 f = f91_plan(plan)
    if not w91_channel(channel):
        return None
    return m91_frame(f, m91_plans(f.methods_source), method, channel)


def content_header_payload091(properties, body_size, class_id, weight, plan):
    """A content-header payload (§4.2.6.1), else ``None``: a hot path of
    ``amqp091.payloads.content_header_payload`` (the reference)."""
    cdef _Header91 h = h91_plan(plan)
    cdef unsigned char initial[W91_BUFFER]
    cdef Write91 e
    w91_init(&e, initial)
    try:
        if not h91_write(&e, h, properties, body_size, class_id, weight):
            return None
        return PyBytes_FromStringAndSize(<const char*>e.w.buf, e.w.len)
    finally:
        w_free(&e.w)


cdef object h91_frame(_Frames91 f, object properties, object body_size, object class_id, object weight, unsigned int channel):
    """A content-header frame, or None."""
    cdef _Header91 h = h91_plan(f.header_source)
    cdef unsigned char initial[W91_BUFFER]
    cdef Write91 e
    w91_init(&e, initial)
    try:
        w91_open_frame(&e)
        if not h91_write(&e, h, properties, body_size, class_id, weight):
            return None
        return w91_close_frame(&e, f.header_type, channel, f.frame_end)
    finally:
        w_free(&e.w)


def encode_content_header091(properties, body_size, class_id, weight, channel, plan):
    """A content-header frame (§4.2.3, §4.2.6.1), else ``None``: a hot path of
    ``amqp091.writer.encode_content_header`` (the reference)."""
    cdef _Frames91 f = f91_plan(plan)
    if not w91_channel(channel):
        return None
    return h91_frame(f, properties, body_size, class_id, weight, channel)


cdef list w91_bodies(_Frames91 f, object body, unsigned int channel, uint64_t frame_max):
    """The body frames of ``body`` (bytes or bytearray), at most ``frame_max`` bytes each
    (0: one frame); an empty body has none.  None when a frame's payload does not fit."""
    cdef const unsigned char* data
    cdef Py_ssize_t size, at = 0, n, step
    cdef unsigned char* p
    cdef list frames = []
    if type(body) is bytes:
        data, size = <const unsigned char*>PyBytes_AS_STRING(body), PyBytes_GET_SIZE(body)
    else:
        data, size = <const unsigned char*>PyByteArray_AS_STRING(body), PyByteArray_GET_SIZE(body)
    step = <Py_ssize_t>(frame_max - 8) if frame_max else (size if size else 1)
    if <uint64_t>step > 0xFFFFFFFF:
        return None
    while at < size:
        n = step if size - at > step else size - at
        frame = PyBytes_FromStringAndSize(NULL, n + 8)
        p = <unsigned char*>PyBytes_AS_STRING(frame)
        p[0] = <unsigned char>f.body_type
        amqp_wr16(p + 1, <uint16_t>channel)
        amqp_wr32(p + 3, <uint32_t>n)
        memcpy(p + 7, data + at, n)
        p[7 + n] = <unsigned char>f.frame_end
        frames.append(frame)
        at += n
    return frames


def encode_message091(method, properties, body, channel, frame_max, plan):
    """A content's frames (§4.2.6): the method, the content header, then the body in
    frames of at most ``frame_max`` bytes, else ``None``: a hot path of
    ``amqp091.writer.encode_message`` (the reference)."""
    cdef _Frames91 f = f91_plan(plan)
    cdef _Methods91 plans = m91_plans(f.methods_source)
    cdef uint64_t most
    cdef Py_ssize_t size
    found = plans.by_type.get(type(method))
    if found is None or not (<_Method91>found).has_content or not w91_channel(channel):
        return None
    if type(frame_max) is not int or not 0 <= frame_max <= 0xFFFFFFFF or 0 < frame_max <= 8:
        return None
    if type(body) is not bytes and type(body) is not bytearray:
        return None
    most = frame_max
    method_frame = m91_frame(f, plans, method, channel)
    if method_frame is None or (most and <uint64_t>PyBytes_GET_SIZE(method_frame) > most):
        return None
    size = len(body)
    header_frame = h91_frame(f, properties, size, (<_Method91>found).class_id, 0, channel)
    if header_frame is None or (most and <uint64_t>PyBytes_GET_SIZE(header_frame) > most):
        return None
    bodies = w91_bodies(f, body, channel, most)  # last: no Python code runs while it reads
    if bodies is None:
        return None
    return [method_frame, header_frame, *bodies]
