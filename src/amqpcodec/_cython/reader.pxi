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
    # unicode_errors="surrogateescape" (_pure.decoder._Bounds.surrogates): read only
    # once a string failed to decode as UTF-8.
    bint surrogates


cdef inline int reader_init(Reader* r, const unsigned char* data, Py_ssize_t origin, object limits) except -1:
    r.data = data
    r.origin = origin
    r.limits = <PyObject*>limits
    r.budget = NULL
    r.zero_width_loaded = False
    r.surrogates = False
    cdef KnownLimits* known = known_limits(limits)
    if known != NULL:
        r.max_depth, r.depth_hard, r.max_items, r.max_pairs = known.depth, known.hard, known.items, known.pairs
        r.depth_loaded = r.items_loaded = r.pairs_loaded = True
    else:
        r.depth_loaded = r.depth_hard = r.items_loaded = r.pairs_loaded = False
    return 0


# The raise sites on the per-value paths (dec_body and what the C compiler folds into
# it, lists, maps, headers) call these rather than raise in place.  Each Python call in
# a function is a copy of Cython's inline call code and an error takes two (its message
# from ``_errortext``, then the error), so those functions keep one; these, called from
# many places, stay out of line.  Cold code (the other ``fail_*``, arrays) raises in place.
cdef int fail_decode(object message, Py_ssize_t off, unsigned int code) except -1:
    raise DecodeError(message, offset=off, constructor=code)


cdef int fail_limit(object message, Py_ssize_t off, str limit, unsigned int code) except -1:
    raise LimitExceededError(message, offset=off, limit=limit, constructor=code)


cdef int fail_truncated(str what, Py_ssize_t off, uint64_t need, Py_ssize_t end, int encl) except -1:
    message = _text.truncated(what, need, max(end - off, 0))
    if encl < 0:
        raise IncompleteError(message, offset=off)
    raise DecodeError(_text.past_enclosing(message, _NAMES[encl]), offset=off, constructor=encl)


cdef int fail_missing(Missing what, Py_ssize_t off, Py_ssize_t end, int encl) except -1:
    """``fail_truncated`` for the one byte of a constructor, the byte ``what`` starts with."""
    return fail_truncated(<str>_MISSING[what], off, 1, end, encl)


cdef int fail_depth(Reader* r, Py_ssize_t off, unsigned int code) except -1:
    if r.depth_hard:
        raise LimitExceededError(MSG_STACK_EXHAUSTED, offset=r.origin, limit="max_depth")
    raise LimitExceededError(
        _text.too_deep((<object>r.limits).max_depth),
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


cdef int fail_count(Reader* r, uint64_t count, int64_t room, Py_ssize_t off, unsigned int code) except -1:
    name = _NAMES[code]
    if <int64_t>count > room:
        raise DecodeError(_text.count_exceeds_room(name, count, room), offset=off, constructor=code)
    raise LimitExceededError(
        _text.too_many_elements(name, count, (<object>r.limits).max_container_items),
        offset=off,
        limit="max_container_items",
        constructor=code,
    )


cdef int fail_map_count(Reader* r, uint64_t count, int64_t room, Py_ssize_t off, unsigned int code) except -1:
    name = _NAMES[code]
    if count & 1:
        raise DecodeError(_text.odd_map_count(name, count), offset=off, constructor=code)
    if <int64_t>count > room:
        raise DecodeError(_text.count_exceeds_room(name, count, room), offset=off, constructor=code)
    raise LimitExceededError(
        _text.too_many_entries(name, count >> 1, (<object>r.limits).max_map_entries),
        offset=off,
        limit="max_map_entries",
        constructor=code,
    )


cdef int fail_filled(Py_ssize_t pos, Py_ssize_t stop, Py_ssize_t off, unsigned int code) except -1:
    raise DecodeError(_text.elements_misfit_size(_NAMES[code], pos, stop), offset=off, constructor=code)


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
        return fail_decode(_text.size_without_count(_NAMES[code], size), off, code)
    body[0] = off + 2 * width
    stop[0] = off + width + <Py_ssize_t>size
    return 0
