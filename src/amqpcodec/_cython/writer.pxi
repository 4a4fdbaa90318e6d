# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The encoder's output buffer (Writer: an inline buffer, then PyMem memory when it
# grows) and its state (Encoder: limits read on first use, the output bound
# max_message_size, nesting depth).


cdef enum:
    SMALL_BUFFER = 512


cdef struct Writer:
    unsigned char* buf  # ``initial`` until the first growth, then PyMem memory
    Py_ssize_t len
    Py_ssize_t cap
    unsigned char* initial
    # What the output bound adds to ``len`` (``_pure.encoder._Shifted``): 0, or for scratch
    # space the least its bytes come out further along.
    Py_ssize_t shift


cdef inline void w_init(Writer* w, unsigned char* initial, Py_ssize_t size) noexcept:
    w.buf = initial
    w.initial = initial
    w.len = 0
    w.cap = size
    w.shift = 0


cdef inline void w_free(Writer* w) noexcept:
    if w.buf != w.initial:
        PyMem_Free(w.buf)
    w.buf = w.initial
    w.len = 0


cdef int w_grow(Writer* w, Py_ssize_t extra) except -1:
    cdef Py_ssize_t cap = w.cap if w.cap > 0 else 64
    cdef unsigned char* grown
    while cap - w.len < extra:
        if cap > (<Py_ssize_t>1 << (8 * sizeof(Py_ssize_t) - 3)):
            raise MemoryError()
        cap *= 2
    if w.buf == w.initial:
        grown = <unsigned char*>PyMem_Malloc(cap)
        if grown != NULL and w.len:
            memcpy(grown, w.initial, w.len)
    else:
        grown = <unsigned char*>PyMem_Realloc(w.buf, cap)
    if grown == NULL:
        raise MemoryError()
    w.buf = grown
    w.cap = cap
    return 0


cdef inline unsigned char* w_room(Writer* w, Py_ssize_t n) except NULL:
    """Reserve ``n`` bytes at the end; return where they start."""
    cdef unsigned char* at
    if w.cap - w.len < n:
        w_grow(w, n)
    at = w.buf + w.len
    w.len += n
    return at


cdef inline int w_byte(Writer* w, unsigned int b) except -1:
    w_room(w, 1)[0] = <unsigned char>b
    return 0


cdef inline int w_code8(Writer* w, unsigned int code, unsigned int b) except -1:
    cdef unsigned char* at = w_room(w, 2)
    at[0] = <unsigned char>code
    at[1] = <unsigned char>b
    return 0


cdef inline int w_code16(Writer* w, unsigned int code, uint16_t v) except -1:
    cdef unsigned char* at = w_room(w, 3)
    at[0] = <unsigned char>code
    amqp_wr16(at + 1, v)
    return 0


cdef inline int w_code32(Writer* w, unsigned int code, uint32_t v) except -1:
    cdef unsigned char* at = w_room(w, 5)
    at[0] = <unsigned char>code
    amqp_wr32(at + 1, v)
    return 0


cdef inline int w_code64(Writer* w, unsigned int code, uint64_t v) except -1:
    cdef unsigned char* at = w_room(w, 9)
    at[0] = <unsigned char>code
    amqp_wr64(at + 1, v)
    return 0


cdef inline int w_data(Writer* w, const void* data, Py_ssize_t n) except -1:
    if n > 0:
        memcpy(w_room(w, n), data, n)
    return 0


cdef int w_buffer(Writer* w, object data) except -1:
    """``out += data`` for any bytes-like ``data``."""
    cdef Py_buffer view
    if type(data) is bytes:
        return w_data(w, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        w_data(w, view.buf, view.len)
    finally:
        PyBuffer_Release(&view)
    return 0


cdef int w_code_bytes(Writer* w, unsigned int code, object data) except -1:
    w_byte(w, code)
    return w_buffer(w, data)


cdef struct Encoder:
    PyObject* limits  # borrowed; its fields are read on first use, as _pure reads them
    int max_depth
    bint depth_loaded
    bint depth_hard
    int64_t max_items
    bint items_loaded
    int64_t max_pairs
    bint pairs_loaded
    int64_t max_output  # max_message_size
    bint output_loaded
    # The call's options (``encode``): _pure.encoder._Options.
    bint wide_arrays
    bint surrogates


cdef inline int encoder_init(Encoder* e, object limits) except -1:
    e.limits = <PyObject*>limits
    e.wide_arrays = e.surrogates = False
    cdef KnownLimits* known = known_limits(limits)
    if known != NULL:
        e.max_depth, e.depth_hard, e.max_items, e.max_pairs = known.depth, known.hard, known.items, known.pairs
        e.max_output = known.output
        e.depth_loaded = e.items_loaded = e.pairs_loaded = e.output_loaded = True
    else:
        e.depth_loaded = e.depth_hard = e.items_loaded = e.pairs_loaded = e.output_loaded = False
    return 0


cdef int fail_encode(object message) except -1:
    """Raise ``EncodeError(message)``: for the raise sites on the encoders' per-value paths,
    as ``fail_decode`` is for the decoders'."""
    raise EncodeError(message)


cdef int fail_too_large(Encoder* e, int64_t size) except -1:
    """``_pure.encoder._too_large``: output past ``max_message_size`` (``size``: the bytes written,
    or about to be, when a check found it)."""
    raise EncodeError(_text.too_large(size, (<object>e.limits).max_message_size))


cdef inline int check_output(Encoder* e, int64_t size) except -1:
    """Raise unless ``size`` bytes of output are within ``max_message_size``."""
    if not e.output_loaded:
        e.max_output = clamp((<object>e.limits).max_message_size)
        e.output_loaded = True
    if size > e.max_output:
        return fail_too_large(e, size)
    return 0


cdef int e_fail_depth(Encoder* e) except -1:
    if e.depth_hard:
        raise _StackExhausted()
    raise EncodeError(_text.too_deep_to_encode((<object>e.limits).max_depth))


cdef inline int e_check_depth(Encoder* e, int depth) except -1:
    if not e.depth_loaded:
        load_depth(<object>e.limits, &e.max_depth, &e.depth_hard)
        e.depth_loaded = True
    if depth >= e.max_depth:
        return e_fail_depth(e)
    return 0


cdef inline int64_t e_max_items(Encoder* e) except? -1:
    if not e.items_loaded:
        e.max_items = clamp((<object>e.limits).max_container_items)
        e.items_loaded = True
    return e.max_items
