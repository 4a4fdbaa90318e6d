# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The AMQP 0-9-1 field-table encoder (§4.2.5.5, RabbitMQ errata §3): the twin of
# amqpcodec.amqp091._tables.write_table, with the same bytes and the same errors (class,
# message, path).  It writes to a Writer (writer.pxi) and appends the whole table to the
# caller's bytearray once it is complete (the pure codec appends as it goes, so after an
# error the caller's bytearray may hold a part of the table there and nothing here).
# The output bound counts the bytes the caller's bytearray held before (``shift``), as
# the pure codec's ``len(out)`` does; limits are checked at the same points.


cdef enum:
    T91_BUFFER = 4096  # on the C stack: most tables fit


cdef struct Write91:
    Writer w
    Limits91 lim


cdef int t91_write_pure(Write91* e, unsigned int code, object value) except -1:
    """A scalar written by the pure codec's own writer of its letter (the rare cases)."""
    scratch = bytearray()
    try:
        _writers91[_LETTER91[code]](scratch, _LETTER91[code], value)
    except _struct.error as error:  # what the pure codec's loops make of one
        raise _pure91._inline_error(None, value, error) from None
    return w_buffer(&e.w, scratch)


cdef int t91_close(Write91* e, Py_ssize_t start, bint in_array) except -1:
    """Write the size of the table or array whose size field is at ``start``."""
    cdef Py_ssize_t size = e.w.len - start - 4
    cdef int64_t total
    if <uint64_t>size > 0xFFFFFFFF:
        return fail_encode(_text91.compound_too_large(in_array))
    amqp_wr32(e.w.buf + start, <uint32_t>size)
    total = e.w.len + e.w.shift
    if total > e.lim.output:
        return fail_encode(_text91.too_large(total, (<object>e.lim.limits).max_message_size))
    return 0


cdef int t91_write_key(Write91* e, object key) except -1:
    """A key (a short string, §4.2.5.3); anything but ASCII ``str`` as the pure codec takes it."""
    cdef Py_ssize_t n
    cdef unsigned char* at
    if type(key) is str and PyUnicode_IS_ASCII(key):
        n = PyUnicode_GET_LENGTH(key)
        if n <= 0xFF:
            at = w_room(&e.w, 1 + n)
            at[0] = <unsigned char>n
            memcpy(at + 1, PyUnicode_DATA(key), n)
            return 0
    raw = _pure91._key_bytes(key)
    w_byte(&e.w, <unsigned int>len(raw))
    return w_buffer(&e.w, raw)


cdef int t91_write_sized(Write91* e, unsigned int code, const void* data, Py_ssize_t n) except -1:
    cdef unsigned char* at = w_room(&e.w, 5 + n)
    at[0] = <unsigned char>code
    amqp_wr32(at + 1, <uint32_t>n)
    if n > 0:
        memcpy(at + 5, data, n)
    return 0


cdef int t91_write_text(Write91* e, unsigned int code, object value) except -1:
    """A long string or byte array: a 4-byte size, then the bytes (UTF-8 for a ``str``)."""
    cdef PyObject* raw
    if type(value) is str:
        if PyUnicode_IS_ASCII(value) and PyUnicode_GET_LENGTH(value) <= 0xFFFFFFFF:
            return t91_write_sized(e, code, PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value))
        raw = PyUnicode_AsUTF8String_raw(value)
        if raw != NULL:
            data = steal(raw)
            if PyBytes_GET_SIZE(data) <= 0xFFFFFFFF:
                return t91_write_sized(e, code, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))
        elif not PyErr_ExceptionMatches(UnicodeEncodeError):
            return -1  # the pending error (MemoryError)
        else:
            PyErr_Clear()
    elif type(value) is bytes and PyBytes_GET_SIZE(value) <= 0xFFFFFFFF:
        return t91_write_sized(e, code, PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value))
    return t91_write_pure(e, code, value)


cdef int t91_write_integer(Write91* e, unsigned int code, object value, bint plain) except -1:
    """An integer letter within its range; ``plain``: a plain ``int`` written as ``l``."""
    cdef int overflow = 0
    cdef long long x
    cdef unsigned int width = _W91[code]
    cdef unsigned char* at
    if PyLong_Check(value):
        x = PyLong_AsLongLongAndOverflow(value, &overflow)
        if overflow == 0 and _MIN91[code] <= x <= _MAX91[code]:
            at = w_room(&e.w, 1 + width)
            at[0] = <unsigned char>code
            if width == 1:
                at[1] = <unsigned char>x
            elif width == 2:
                amqp_wr16(at + 1, <uint16_t>x)
            elif width == 4:
                amqp_wr32(at + 1, <uint32_t>x)
            else:
                amqp_wr64(at + 1, <uint64_t>x)
            return 0
        if plain:
            return fail_encode(_text91.int_out_of_range(value))
    return t91_write_pure(e, code, value)


cdef int t91_write_number(Write91* e, unsigned int kind, unsigned int code, object value) except -1:
    """Booleans, floats and timestamps; out of the usual, as the pure codec writes them."""
    cdef double d
    cdef unsigned long long u
    cdef unsigned char* at
    if kind == K91_BOOLEAN:
        if value is True or value is False:
            return w_code8(&e.w, code, value is True)
        if PyLong_Check(value) and 0 <= value <= 0xFF:
            return w_code8(&e.w, code, <unsigned int>value)
    elif kind == K91_FLOAT64:
        if PyFloat_Check(value):
            return w_code64(&e.w, code, amqp_double_to_bits(PyFloat_AS_DOUBLE(value)))
    elif kind == K91_FLOAT32:
        if PyFloat_Check(value):
            d = PyFloat_AS_DOUBLE(value)
            if d == d and (fabs(d) <= FLT_MAX or isinf(d)):  # NaN and overflow: below
                return w_code32(&e.w, code, amqp_double_to_float_bits(d))
    elif kind == K91_TIMESTAMP:
        if PyLong_Check(value):
            u = PyLong_AsUnsignedLongLong_raw(value)
            if u != <unsigned long long>-1 or PyErr_Occurred() == NULL:
                return w_code64(&e.w, code, u)
            PyErr_Clear()
    elif kind == K91_VOID:
        return w_byte(&e.w, code)
    return t91_write_pure(e, code, value)


cdef int t91_write_letter(Write91* e, unsigned int code, object value, int64_t depth) except -1:
    """``value`` written with letter ``code`` (in a table or array ``depth`` levels deep)."""
    cdef unsigned int kind = _K91[code]
    if kind == K91_LONG_STRING or kind == K91_BYTES:
        return t91_write_text(e, code, value)
    if kind == K91_INTEGER:
        return t91_write_integer(e, code, value, False)
    if kind == K91_TABLE:
        w_byte(&e.w, code)
        return t91_write_fields(e, value, depth + 1)
    if kind == K91_ARRAY:
        w_byte(&e.w, code)
        return t91_write_items(e, value, depth + 1)
    return t91_write_number(e, kind, code, value)


cdef int t91_write_value(Write91* e, object value, int64_t depth) except -1:
    """One value, its letter first: the plain types by identity, then as ``_letter_of`` finds it."""
    cdef object kind = type(value)
    cdef PyObject* found
    if kind is str:
        return t91_write_text(e, _L91_STR, value)
    if kind is int:
        return t91_write_integer(e, _L91_INT, value, True)
    if kind is dict:
        w_byte(&e.w, _L91_DICT)
        return t91_write_fields(e, value, depth + 1)
    if kind is list or kind is tuple:
        w_byte(&e.w, _L91_LIST if kind is list else _L91_TUPLE)
        return t91_write_items(e, value, depth + 1)
    found = PyDict_GetItemWithError(_ENCODED91, kind)
    if found == NULL and PyErr_Occurred() != NULL:
        return -1
    if found != NULL:
        return t91_write_letter(e, <unsigned int><object>found, value, depth)
    if kind is _FieldValue91:
        return t91_write_letter(e, ord(value.letter), value.value, depth)
    letter, value = _pure91._letter_of(value)  # a datetime, a Mapping, else its error
    return t91_write_letter(e, ord(letter), value, depth)


cdef int t91_write_fields(Write91* e, object table, int64_t depth) except -1:
    """A table (its size, then its entries) nested ``depth`` levels deep."""
    cdef Py_ssize_t count, start, i = 0
    cdef PyObject* k
    cdef PyObject* v
    cdef object key = None
    cdef object value
    if depth > e.lim.depth:
        return fail_encode(_text91.too_deep_to_encode((<object>e.lim.limits).max_depth))
    count = len(table)
    if count > e.lim.pairs:
        return fail_encode(_text91.too_many_entries_to_encode(count, (<object>e.lim.limits).max_map_entries))
    start = e.w.len
    w_room(&e.w, 4)
    try:
        if type(table) is dict:
            while PyDict_Next(table, &i, &k, &v):
                key = <object>k
                value = <object>v
                t91_write_key(e, key)
                t91_write_value(e, value, depth)
        else:
            for key, value in table.items():
                t91_write_key(e, key)
                t91_write_value(e, value, depth)
    except EncodeError as error:
        raise error._at(f"[{key!r}]") from None
    return t91_close(e, start, False)


cdef int t91_write_items(Write91* e, object items, int64_t depth) except -1:
    """An array (its size, then its values) nested ``depth`` levels deep."""
    cdef Py_ssize_t count, start, index = 0
    if depth > e.lim.depth:
        return fail_encode(_text91.too_deep_to_encode((<object>e.lim.limits).max_depth))
    count = len(items)
    if count > e.lim.items:
        return fail_encode(
            _text91.too_many_items_to_encode(count, (<object>e.lim.limits).max_container_items)
        )
    start = e.w.len
    w_room(&e.w, 4)
    try:
        if type(items) is list:
            while index < PyList_GET_SIZE(items):
                t91_write_value(e, <object>PyList_GET_ITEM(items, index), depth)
                index += 1
        elif type(items) is tuple:
            while index < PyTuple_GET_SIZE(items):
                t91_write_value(e, <object>PyTuple_GET_ITEM(items, index), depth)
                index += 1
        else:
            for value in items:
                t91_write_value(e, value, depth)
                index += 1
    except EncodeError as error:
        raise error._at(f"[{index}]") from None
    return t91_close(e, start, True)


cdef int t91_flush(Writer* w, object out) except -1:
    """Append what ``w`` holds to ``out``."""
    cdef Py_ssize_t n
    if type(out) is bytearray:
        n = PyByteArray_GET_SIZE(out)
        PyByteArray_Resize(out, n + w.len)
        if w.len:
            memcpy(PyByteArray_AS_STRING(out) + n, w.buf, w.len)
    else:
        out += PyBytes_FromStringAndSize(<const char*>w.buf, w.len)
    return 0


def write_table(out, table, limits, path):
    """Append the AMQP 0-9-1 field table ``table`` (§4.2.5.5, its 4-byte size first) to
    ``out``; errors name ``path``.  The twin of ``amqp091._tables.write_table``."""
    cdef unsigned char initial[T91_BUFFER]
    cdef Write91 e
    t91_ready()
    limits91_init(&e.lim, limits)
    w_init(&e.w, initial, T91_BUFFER)
    try:
        e.w.shift = len(out)
        if type(table) is not dict and not isinstance(table, _Mapping):
            raise UnsupportedTypeError(_text91.not_a_table(table))
        t91_write_fields(&e, table, 1)
        t91_flush(&e.w, out)
    except EncodeError as error:
        raise error._at(path) from None
    finally:
        w_free(&e.w)
