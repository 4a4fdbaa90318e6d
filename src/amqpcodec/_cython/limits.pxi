# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# Limits as C integers: the last two exact Limits seen are read ahead (KnownLimits);
# the decoder's Reader and the encoder's Encoder both start from them.


cdef int64_t clamp(object value) except? -1:
    """A limit as a C integer; every limit beyond a 32-bit count acts alike."""
    if value > 0x4000000000000000:
        return 0x4000000000000000
    if value < -0x4000000000000000:
        return -0x4000000000000000
    return value


cdef int load_depth(object limits, int* max_depth, bint* hard) except -1:
    cdef object value = limits.max_depth
    if value > _HARD_DEPTH:
        max_depth[0] = _HARD_DEPTH
        hard[0] = True
    else:
        max_depth[0] = <int>clamp(value) if value > 0 else 0
    return 0


# The last two exact ``Limits`` seen, read once (a lazy message's sections are read
# with the caller's limits less one level of depth, so two are in use at a time).
# Their fields are always ints (a frozen dataclass, checked when built), so reading
# them ahead of use cannot differ from reading them on first use, which is what any
# other ``limits`` object gets.
cdef struct KnownLimits:
    PyObject* limits  # a reference held in _known_refs
    int depth
    bint hard
    int64_t items
    int64_t pairs
    int64_t output  # max_message_size


cdef object T_LIMITS = Limits
cdef list _known_refs = [None, None]
cdef KnownLimits _known[2]
_known[0].limits = NULL
_known[1].limits = NULL


cdef KnownLimits* known_limits(object limits) except? NULL:
    """The ``Limits`` read into ``_known`` (reading it now if it is one), else NULL."""
    cdef KnownLimits fresh
    if <PyObject*>limits == _known[0].limits:
        return &_known[0]
    if <PyObject*>limits == _known[1].limits:
        return &_known[1]
    if type(limits) is not T_LIMITS:
        return NULL
    fresh.hard = False
    load_depth(limits, &fresh.depth, &fresh.hard)
    fresh.items = clamp(limits.max_container_items)
    fresh.pairs = clamp(limits.max_map_entries)
    fresh.output = clamp(limits.max_message_size)
    fresh.limits = <PyObject*>limits
    _known[1] = _known[0]
    _known_refs[1] = _known_refs[0]
    _known[0] = fresh
    _known_refs[0] = limits
    return &_known[0]
