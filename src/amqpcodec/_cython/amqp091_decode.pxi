# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The AMQP 0-9-1 field-table decoder (§4.2.5.5, RabbitMQ errata §3): the twin of
# amqpcodec.amqp091._tables.read_table, with the same values and the same errors (class,
# offset, limit, message from amqp091._tables_text).  One C call per nesting level; each
# value's fixed part, then its size, is checked against what is left of its table or
# array before anything is read or allocated.


cdef struct Read91:
    const unsigned char* data
    Py_ssize_t base  # what offsets into ``data`` add to index the caller's buffer
    Limits91 lim


cdef int t91_fail(object message, Py_ssize_t off) except -1:
    raise DecodeError(message, offset=off)


cdef inline int t91_pending() except -1:
    """Propagate the exception a raw CPython call left set (a MemoryError)."""
    return -1


cdef int t91_fail_past(Read91* r, Py_ssize_t at, Py_ssize_t need, Py_ssize_t remain, bint in_array) except -1:
    """A value (or its size field) that does not fit in what is left of its table or array."""
    message = _text91.past_compound(_LETTER91[r.data[at]], need, remain, in_array)
    return t91_fail(message, r.base + at)


cdef int t91_fail_size(Read91* r, Py_ssize_t at, uint32_t size, Py_ssize_t remain, bint in_array) except -1:
    message = _text91.size_past_enclosing(_LETTER91[r.data[at]], size, remain, in_array)
    return t91_fail(message, r.base + at)


cdef int t91_fail_key(Read91* r, Py_ssize_t at) except -1:
    """The error of a key that is not UTF-8, from the UnicodeDecodeError Python gives."""
    raw = PyBytes_FromStringAndSize(<const char*>r.data + at + 1, r.data[at])
    try:
        raw.decode()
    except UnicodeDecodeError as error:
        raise DecodeError(_text91.bad_utf8_key(error), offset=r.base + at) from None
    raise AssertionError("a key failed to decode, then decoded")


cdef int t91_fail_depth(Read91* r, Py_ssize_t at) except -1:
    raise LimitExceededError(
        _text91.too_deep((<object>r.lim.limits).max_depth), offset=r.base + at, limit="max_depth"
    )


cdef object t91_key(Read91* r, Py_ssize_t at):
    """The key (a short string, §4.2.5.3) whose length octet is at ``at``."""
    cdef const unsigned char* p = r.data + at + 1
    cdef Py_ssize_t n = r.data[at]
    cdef uint32_t slot = 0
    cdef PyObject* text
    cdef object key
    if n <= AMQP_CACHE_MAX_SIZE:
        slot = amqp_cache_slot(p, n)
        text = amqp_cache_get(0, slot, p, n)
        if text != NULL:
            return steal(text)
    text = PyUnicode_DecodeUTF8_raw(<const char*>p, n, NULL)
    if text == NULL:
        if not PyErr_ExceptionMatches(UnicodeDecodeError):
            t91_pending()
        PyErr_Clear()
        t91_fail_key(r, at)
    key = steal(text)
    if n <= AMQP_CACHE_MAX_SIZE and PyUnicode_IS_ASCII(key):
        amqp_cache_put(0, slot, key)
    return key


cdef object t91_integer(unsigned int code, const unsigned char* p):
    """The value of an integer letter: its wrapper, a plain int, or a FieldValue."""
    cdef int64_t x
    cdef unsigned int width = _W91[code]
    if width == 8:
        x = <int64_t>amqp_rd64(p)
    elif not _SIGNED91[code]:
        x = p[0] if width == 1 else amqp_rd16(p) if width == 2 else amqp_rd32(p)
    elif width == 1:
        x = <int8_t>p[0]
    elif width == 2:
        x = <int16_t>amqp_rd16(p)
    else:
        x = <int32_t>amqp_rd32(p)
    cdef object small = _SMALL91[code]
    if small is not None and -128 <= x <= 255:
        return (<tuple>small)[x + 128]
    if _FV91[code]:
        return _new_fv91(_LETTER91[code], PyLong_FromLongLong(x))
    cls = _CLASS91[code]
    if cls is None:
        return PyLong_FromLongLong(x)
    return amqp_subtype_new(int, cls, PyLong_FromLongLong(x))


cdef object t91_text(unsigned int code, const unsigned char* p, Py_ssize_t n):
    """A long string (``S``): UTF-8 text (short ASCII ones shared through the string
    cache, as keys are: header values repeat), else its bytes as a FieldValue of its letter."""
    cdef uint32_t slot = 0
    cdef PyObject* text
    cdef object found
    if n <= AMQP_CACHE_MAX_SIZE:
        slot = amqp_cache_slot(p, n)
        text = amqp_cache_get(0, slot, p, n)
        if text != NULL:
            return steal(text)
    text = PyUnicode_DecodeUTF8_raw(<const char*>p, n, NULL)
    if text != NULL:
        found = steal(text)
        if n <= AMQP_CACHE_MAX_SIZE and PyUnicode_IS_ASCII(found):
            amqp_cache_put(0, slot, found)
        return found
    if not PyErr_ExceptionMatches(UnicodeDecodeError):
        t91_pending()
    PyErr_Clear()
    return _new_fv91(_LETTER91[code], PyBytes_FromStringAndSize(<const char*>p, n))


cdef object t91_fixed(unsigned int kind, unsigned int code, const unsigned char* p):
    """A value of a fixed-width letter, ``p`` just past the letter."""
    cdef uint32_t bits
    if kind == K91_INTEGER:
        return t91_integer(code, p)
    if kind == K91_BOOLEAN:
        if p[0] <= 1:
            return p[0] == 1
        return _new_fv91(_LETTER91[code], PyLong_FromLong(p[0]))
    if kind == K91_FLOAT64:
        return PyFloat_FromDouble(amqp_bits_to_double(amqp_rd64(p)))
    if kind == K91_FLOAT32:
        bits = amqp_rd32(p)
        if bits & 0x7F800000 == 0x7F800000 and bits & 0x007FFFFF:  # a NaN: keep its payload
            return amqp_subtype_new(float, _CLASS91[code], float32_bits_to_double(bits))
        return amqp_subtype_new(float, _CLASS91[code], PyFloat_FromDouble(amqp_float_bits_to_double(bits)))
    if kind == K91_TIMESTAMP:
        return amqp_subtype_new(int, _CLASS91[code], PyLong_FromUnsignedLongLong(amqp_rd64(p)))
    if kind == K91_DECIMAL:  # the string form is exact whatever the decimal context says
        return _CLASS91[code](f"{<int32_t>amqp_rd32(p + 1)}E-{p[0]}")
    return None  # K91_VOID


cdef object t91_value(Read91* r, Py_ssize_t at, Py_ssize_t stop, int64_t depth, bint in_array, Py_ssize_t* after):
    """The value whose letter is at ``at``, in a table or array ending at ``stop``."""
    cdef unsigned int code = r.data[at]
    cdef unsigned int kind = _K91[code]
    cdef Py_ssize_t pos = at + 1
    cdef Py_ssize_t width = _W91[code]
    cdef Py_ssize_t end
    cdef uint32_t size
    if kind == K91_NONE:
        t91_fail(_text91.unknown_letter(code), r.base + at)
    if stop - pos < width:
        t91_fail_past(r, at, width, stop - pos, in_array)
    if kind != K91_LONG_STRING and kind != K91_BYTES and kind != K91_TABLE and kind != K91_ARRAY:
        after[0] = pos + width
        return t91_fixed(kind, code, r.data + pos)
    size = amqp_rd32(r.data + pos)
    if size > <uint64_t>(stop - pos - 4):
        t91_fail_size(r, at, size, stop - pos - 4, in_array)
    end = pos + 4 + <Py_ssize_t>size
    after[0] = end
    if kind == K91_LONG_STRING:
        return t91_text(code, r.data + pos + 4, size)
    if kind == K91_BYTES:
        return PyBytes_FromStringAndSize(<const char*>r.data + pos + 4, size)
    if depth >= r.lim.depth:
        t91_fail_depth(r, at)
    if kind == K91_TABLE:
        return t91_fields(r, pos + 4, end, depth + 1)
    return t91_items(r, pos + 4, end, depth + 1)


cdef dict t91_fields(Read91* r, Py_ssize_t pos, Py_ssize_t stop, int64_t depth):
    """The entries of a table spanning ``data[pos:stop]`` (nested ``depth`` levels deep)."""
    # Room for one entry per 12 bytes, up to 32, made at once (a dict grown entry by
    # entry is rebuilt at its 6th); the smallest tables get a plain dict.
    cdef dict table = amqp_dict_presized(min((stop - pos) // 12, 32))
    cdef const unsigned char* d = r.data
    # The smallest entry (an empty key and ``V``) takes 2 bytes: count only when the
    # table's size leaves room for more entries than the limit (as the pure codec does).
    cdef bint counting = (stop - pos) // 2 > r.lim.pairs
    cdef Py_ssize_t at, count = 0
    cdef object key
    while pos < stop:
        at = pos
        pos += 1 + d[at]
        if pos >= stop:
            t91_fail(_text91.empty_entry(stop - at), r.base + at)
        key = t91_key(r, at)
        if key in table:
            t91_fail(_text91.duplicate_key(key), r.base + at)
        if counting and count >= r.lim.pairs:
            raise LimitExceededError(
                _text91.too_many_entries((<object>r.lim.limits).max_map_entries),
                offset=r.base + at,
                limit="max_map_entries",
            )
        table[key] = t91_value(r, pos, stop, depth, False, &pos)
        count += 1
    return table


cdef list t91_items(Read91* r, Py_ssize_t pos, Py_ssize_t stop, int64_t depth):
    """The values of an array spanning ``data[pos:stop]`` (nested ``depth`` levels deep)."""
    cdef list items = []
    cdef bint counting = stop - pos > r.lim.items  # the smallest item (``V``) is 1 byte
    cdef Py_ssize_t count = 0
    while pos < stop:
        if counting and count >= r.lim.items:
            raise LimitExceededError(
                _text91.too_many_items((<object>r.lim.limits).max_container_items),
                offset=r.base + pos,
                limit="max_container_items",
            )
        items.append(t91_value(r, pos, stop, depth, True, &pos))
        count += 1
    return items


cdef object t91_read(Read91* r, Py_ssize_t offset, Py_ssize_t end):
    """``read_table`` over ``r.data``: the outermost table's size checked against ``end``."""
    cdef uint32_t size
    cdef Py_ssize_t stop
    if end - offset < 4:
        raise IncompleteError(_text91.truncated_size(max(end - offset, 0)), offset=r.base + offset)
    size = amqp_rd32(r.data + offset)
    if size > <uint64_t>(end - offset - 4):
        raise IncompleteError(_text91.size_past_input(size, end - offset - 4), offset=r.base + offset)
    stop = offset + 4 + <Py_ssize_t>size
    value = t91_fields(r, offset + 4, stop, 1)
    return amqp_subtype_new(tuple, _TableRead91, (value, r.base + stop))


def read_table(data, Py_ssize_t offset, Py_ssize_t end, limits):
    """Decode the AMQP 0-9-1 field table (§4.2.5.5) whose 4-byte size is at ``data[offset]``;
    it must end by ``end``.  The twin of ``amqp091._tables.read_table``: a ``TableRead``."""
    cdef Read91 r
    cdef Py_buffer view
    t91_ready()
    limits91_init(&r.lim, limits)
    r.base = 0
    if offset < 0:
        pass  # read below, as the pure codec slices
    elif type(data) is bytes:
        r.data = <const unsigned char*>PyBytes_AS_STRING(data)
        return t91_read(&r, offset, min(end, PyBytes_GET_SIZE(data)))
    elif PyObject_CheckBuffer(data):
        PyObject_GetBuffer(data, &view, PyBUF_FULL_RO)
        try:
            if PyBuffer_IsContiguous(&view, b"C") and view.itemsize == 1:
                r.data = <const unsigned char*>view.buf
                return t91_read(&r, offset, min(end, view.len))
        finally:
            PyBuffer_Release(&view)
    # Anything else is read as the pure codec reads it: one bytes copy of the span.
    copy = bytes(memoryview(data)[offset:end])
    r.data = <const unsigned char*>PyBytes_AS_STRING(copy)
    r.base = offset
    return t91_read(&r, 0, PyBytes_GET_SIZE(copy))
