# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The compound decoders: lists, maps (keys per hash bounded by MAX_KEYS_PER_HASH),
# arrays (zero-width elements taken from the call's budget) and described values,
# each recursing through dec_body (decode.pxi).


cdef object dec_list(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """list8 / list32 (§1.6.22)."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t pos, stop, i
    cdef uint64_t count
    cdef unsigned int element
    cdef object value
    check_depth(r, depth, off, code)
    read_header(r, code, off, end, encl, &count, &pos, &stop)
    if <int64_t>count > stop - pos or <int64_t>count > max_items(r):
        fail_count(r, count, stop - pos, off, code)
    cdef list items = PyList_New(<Py_ssize_t>count)
    depth += 1
    for i in range(<Py_ssize_t>count):
        if pos >= stop:
            fail_missing(M_LIST_ELEMENT, pos, stop, code)
        element = r.data[pos]
        pos += 1
        value = dec_body(r, element, &pos, stop, depth, code)
        Py_INCREF(value)
        PyList_SET_ITEM(items, i, value)
    if pos != stop:
        fail_filled(pos, stop, off, code)
    pp[0] = stop
    return items


cdef int map_insert_failed() except -1:
    """After ``PyDict_SetItem`` failed: 1 for an unhashable key, else re-raise."""
    if PyErr_ExceptionMatches(TypeError):
        PyErr_Clear()
        return 1
    return -1


cdef object dec_map(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """map8 / map32 (§1.6.23).  As in ``_pure``, every entry is decoded before a
    duplicate or unhashable key is reported (the first one, at its constructor)."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t pos, stop, i, key_at, size, bad_at = -1
    cdef uint64_t count
    cdef unsigned int element
    cdef bint unhashable = False
    cdef bint bad_unhashable = False
    cdef object key, value, bad_key = None
    cdef object key_type
    cdef amqp_hash_slot* hashes = NULL  # keys per hash, of keys a peer can aim (count_hash)
    cdef size_t mask = 0
    cdef Py_hash_t hashed = 0
    cdef int hash_known
    check_depth(r, depth, off, code)
    read_header(r, code, off, end, encl, &count, &pos, &stop)
    if count & 1 or <int64_t>count > stop - pos:
        fail_map_count(r, count, stop - pos, off, code)
    if not r.pairs_loaded:
        r.max_pairs = clamp((<object>r.limits).max_map_entries)
        r.pairs_loaded = True
    if <int64_t>(count >> 1) > r.max_pairs:
        fail_map_count(r, count, stop - pos, off, code)
    cdef dict result = amqp_dict_presized(<Py_ssize_t>(count >> 1))  # count checked against the limit above
    depth += 1
    try:
        for i in range(<Py_ssize_t>(count >> 1)):
            if pos >= stop:
                fail_missing(M_MAP_KEY, pos, stop, code)
            key_at = pos
            element = r.data[pos]
            pos += 1
            key = dec_body(r, element, &pos, stop, depth, code)
            key_type = type(key)
            hash_known = 0
            if key_type is not str and key_type is not T_SYMBOL and key_type is not bytes:
                if hashes == NULL:
                    hashes = new_hash_table(<Py_ssize_t>(count >> 1), &mask)
                hash_known = count_hash(hashes, mask, key, key_at, code, &hashed)
            if pos >= stop:
                fail_missing(M_MAP_VALUE, pos, stop, code)
            element = r.data[pos]
            pos += 1
            value = dec_body(r, element, &pos, stop, depth, code)
            if unhashable:
                continue
            size = PyDict_GET_SIZE(result)
            if (amqp_dict_set_hashed(result, key, value, hashed) if hash_known else PyDict_SetItem_raw(result, key, value)) < 0:
                map_insert_failed()
                unhashable = True
                if bad_at < 0:
                    bad_at = key_at
                    bad_key = key
                    bad_unhashable = True
            elif PyDict_GET_SIZE(result) == size and bad_at < 0:
                bad_at = key_at
                bad_key = key
    finally:
        PyMem_Free(hashes)
    if pos != stop:
        fail_filled(pos, stop, off, code)
    if bad_at >= 0:
        fail_map_key(bad_key, bad_unhashable, bad_at, code)
    pp[0] = stop
    return result


cdef amqp_hash_slot* new_hash_table(Py_ssize_t pairs, size_t* mask) except NULL:
    """A zeroed table with room for ``pairs`` hashes at most half full (freed by ``dec_map``)."""
    cdef size_t size = 8
    while size < <size_t>(2 * pairs):
        size <<= 1
    cdef amqp_hash_slot* table = <amqp_hash_slot*>PyMem_Calloc(size, sizeof(amqp_hash_slot))
    if table == NULL:
        raise MemoryError()
    mask[0] = size - 1
    return table


cdef int count_hash(
    amqp_hash_slot* table, size_t mask, object key, Py_ssize_t key_at, unsigned int code, Py_hash_t* hashed
) except -1:
    """As ``_pure``'s map loop counts: refuse the key that makes more than
    ``MAX_KEYS_PER_HASH`` keys of one map share a hash (hash flooding); 1 with its hash
    in ``hashed``, or 0 for an unhashable key, left to the dict to report."""
    cdef Py_ssize_t seen
    try:
        hashed[0] = hash(key)
    except TypeError:
        return 0
    seen = amqp_hash_count(table, mask, hashed[0])
    if seen > MAX_KEYS_PER_HASH:
        fail_limit(_text.hash_flood(_NAMES[code], seen), key_at, "max_map_entries", code)
    return 1


cdef int fail_map_key(object key, bint unhashable, Py_ssize_t key_at, unsigned int code) except -1:
    if unhashable:
        return fail_decode(_text.unhashable_key(key), key_at, code)
    return fail_decode(_text.duplicate_key(key), key_at, code)


cdef object dec_array(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """array8 / array32 (§1.6.24), optionally of described elements."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t pos, stop, i
    cdef uint64_t count
    cdef unsigned int element
    cdef int64_t room
    cdef object value
    cdef object descriptor = None
    check_depth(r, depth, off, code)
    read_header(r, code, off, end, encl, &count, &pos, &stop)
    depth += 1
    if pos >= stop:
        fail_missing(M_ARRAY_CONSTRUCTOR, pos, stop, code)
    element = r.data[pos]
    if element == C_DESCRIBED:
        if pos + 1 >= stop:
            fail_missing(M_ARRAY_DESCRIPTOR, pos + 1, stop, code)
        element = r.data[pos + 1]
        pos += 2
        descriptor = dec_body(r, element, &pos, stop, depth, code)
        if pos >= stop:
            fail_missing(M_ARRAY_CONSTRUCTOR, pos, stop, code)
        element = r.data[pos]
        if element == C_DESCRIBED:
            raise DecodeError(MSG_MULTIPLY_DESCRIBED, offset=pos, constructor=code)
    if not _KNOWN[element]:
        raise DecodeError(_text.unknown_element_constructor(element), offset=pos, constructor=element)
    pos += 1
    # Zero-width elements cost no bytes, so only the limit bounds their count: each
    # array's, and all of this call's together (take_zero_width).
    room = INT64_MAX if _ZERO_WIDTH[element] else stop - pos
    if <int64_t>count > room or <int64_t>count > max_items(r):
        fail_count(r, count, room, off, code)
    if _ZERO_WIDTH[element]:
        take_zero_width(r, <int64_t>count, off, code)
    cdef tuple items = PyTuple_New(<Py_ssize_t>count)
    for i in range(<Py_ssize_t>count):
        value = dec_body(r, element, &pos, stop, depth, code)
        Py_INCREF(value)
        PyTuple_SET_ITEM(items, i, value)
    if pos != stop:
        fail_filled(pos, stop, off, code)
    pp[0] = stop
    return new_array(_TYPE_NAMES[element], items, descriptor)


cdef int take_zero_width(Reader* r, int64_t count, Py_ssize_t off, unsigned int code) except -1:
    """``_pure.decoder._take_zero_width``: take ``count`` zero-width elements from the budget."""
    cdef int64_t left
    if r.budget != NULL:
        left = clamp((<list>r.budget)[0])
    else:
        if not r.zero_width_loaded:
            r.zero_width = max_items(r)
            r.zero_width_loaded = True
        left = r.zero_width
    if count > left:
        shown = (<list>r.budget)[0] if r.budget != NULL else left  # as given, not clamped
        message = _text.zero_width_exhausted(_NAMES[code], count, shown, (<object>r.limits).max_container_items)
        fail_limit(message, off, "max_container_items", code)
    if r.budget != NULL:
        (<list>r.budget)[0] = left - count
    else:
        r.zero_width = left - count
    return 0


cdef object dec_described(Reader* r, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """A described value (§1.2): descriptor, then value."""
    cdef Py_ssize_t off = pp[0]
    cdef unsigned int code
    cdef object descriptor, value
    check_depth(r, depth, off, C_DESCRIBED)
    depth += 1
    if off >= end:
        fail_missing(M_DESCRIPTOR, off, end, encl)
    code = r.data[off]
    off += 1
    descriptor = dec_body(r, code, &off, end, depth, encl)
    if off >= end:
        fail_missing(M_DESCRIBED_VALUE, off, end, encl)
    code = r.data[off]
    off += 1
    value = dec_body(r, code, &off, end, depth, encl)
    pp[0] = off
    return new_described(descriptor, value)
