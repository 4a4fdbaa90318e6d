# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The decoder's state (Reader), its depth, size and count checks and the errors they
# raise (a truncation is an IncompleteError at top level, a DecodeError naming the
# enclosing compound, ``encl``, inside one), and compound headers.


cdef struct Reader:
    const unsigned char* data
    Py_ssize_t origin  # where decoding started (the offset of the "stack" error)
    PyObject* limits  # borrowed; its fields are read on first use, as _pure reads them
    int max_depth
    bint depth_loaded
    bint depth_hard  # max_depth is clamped to _HARD_DEPTH
    int64_t max_items
    bint items_loaded
    int64_t max_pairs
    bint pairs_loaded
    # Zero-width array elements this call may still decode (_pure.decoder._Bounds.zero_width):
    # in ``budget`` (a caller's one-item list, borrowed) when given, else here.
    PyObject* budget
    int64_t zero_width
    bint zero_width_loaded


cdef inline int reader_init(Reader* r, const unsigned char* data, Py_ssize_t origin, object limits) except -1:
    r.data = data
    r.origin = origin
    r.limits = <PyObject*>limits
    r.budget = NULL
    r.zero_width_loaded = False
    cdef KnownLimits* known = known_limits(limits)
    if known != NULL:
        r.max_depth, r.depth_hard, r.max_items, r.max_pairs = known.depth, known.hard, known.items, known.pairs
        r.depth_loaded = r.items_loaded = r.pairs_loaded = True
    else:
        r.depth_loaded = r.depth_hard = r.items_loaded = r.pairs_loaded = False
    return 0


cdef int fail_truncated(str what, Py_ssize_t off, uint64_t need, Py_ssize_t end, int encl) except -1:
    message = f"{what} needs {need} bytes, {max(end - off, 0)} remain"
    if encl < 0:
        raise IncompleteError(message, offset=off)
    raise DecodeError(f"{message}, past the end of the enclosing {_NAMES[encl]}", offset=off, constructor=encl)


cdef int fail_depth(Reader* r, Py_ssize_t off, unsigned int code) except -1:
    if r.depth_hard:
        raise LimitExceededError(
            "nesting exhausted the Python stack before max_depth", offset=r.origin, limit="max_depth"
        )
    raise LimitExceededError(
        f"nesting deeper than max_depth={(<object>r.limits).max_depth}",
        offset=off,
        limit="max_depth",
        constructor=code,
    )


cdef inline int check_depth(Reader* r, int depth, Py_ssize_t off, unsigned int code) except -1:
    if not r.depth_loaded:
        load_depth(<object>r.limits, &r.max_depth, &r.depth_hard)
        r.depth_loaded = True
    if depth >= r.max_depth:
        return fail_depth(r, off, code)
    return 0


cdef inline int need(Py_ssize_t off, Py_ssize_t width, Py_ssize_t end, unsigned int code, int encl) except -1:
    if end - off < width:
        return fail_truncated(_WHAT[code], off, width, end, encl)
    return 0


cdef inline int64_t max_items(Reader* r) except? -1:
    if not r.items_loaded:
        r.max_items = clamp((<object>r.limits).max_container_items)
        r.items_loaded = True
    return r.max_items


cdef int fail_count(uint64_t count, int64_t room, int64_t limit, Py_ssize_t off, unsigned int code) except -1:
    name = _NAMES[code]
    if <int64_t>count > room:
        raise DecodeError(f"{name} claims {count} elements in {room} bytes", offset=off, constructor=code)
    raise LimitExceededError(
        f"{name} has {count} elements, over max_container_items={limit}",
        offset=off,
        limit="max_container_items",
        constructor=code,
    )


cdef int fail_map_count(Reader* r, uint64_t count, int64_t room, Py_ssize_t off, unsigned int code) except -1:
    name = _NAMES[code]
    if count & 1:
        raise DecodeError(f"{name} has an odd count {count}", offset=off, constructor=code)
    if <int64_t>count > room:
        raise DecodeError(f"{name} claims {count} elements in {room} bytes", offset=off, constructor=code)
    raise LimitExceededError(
        f"{name} has {count >> 1} entries, over max_map_entries={(<object>r.limits).max_map_entries}",
        offset=off,
        limit="max_map_entries",
        constructor=code,
    )


cdef int fail_filled(Py_ssize_t pos, Py_ssize_t stop, Py_ssize_t off, unsigned int code) except -1:
    raise DecodeError(
        f"{_NAMES[code]} elements end at offset {pos}, its size says {stop}", offset=off, constructor=code
    )


cdef inline int read_header(
    Reader* r, unsigned int code, Py_ssize_t off, Py_ssize_t end, int encl,
    uint64_t* count, Py_ssize_t* body, Py_ssize_t* stop,
) except -1:
    """Size and count of a compound or array (§1.2): sets count, body start and stop.

    The size and count fields must both be present before either is judged.
    """
    cdef Py_ssize_t width = _WIDTH[code]
    cdef const unsigned char* p = r.data + off
    cdef uint64_t size
    if end - off < 2 * width:
        return fail_truncated(_NAMES[code], off, 2 * width, end, encl)
    if width == 1:
        size = p[0]
        count[0] = p[1]
    else:
        size = amqp_rd32(p)
        count[0] = amqp_rd32(p + 4)
    if size > <uint64_t>(end - off - width):
        return fail_truncated(_NAMES[code], off, width + size, end, encl)
    if size < <uint64_t>width:
        raise DecodeError(f"{_NAMES[code]} size {size} cannot hold its count", offset=off, constructor=code)
    body[0] = off + 2 * width
    stop[0] = off + width + <Py_ssize_t>size
    return 0
