# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# Lists, maps, described values and arrays.  A compound reserves its short header,
# encodes its elements and then fills in size and count, widening the header in place
# when the content exceeds 255 bytes.


cdef inline Py_ssize_t open_compound(Writer* w, unsigned int code8) except -1:
    """Reserve the short header (constructor, size, count); return where it starts."""
    cdef Py_ssize_t start = w.len
    cdef unsigned char* at = w_room(w, 3)
    at[0] = <unsigned char>code8
    at[1] = 0
    at[2] = 0
    return start


cdef int finish_compound(Writer* w, Py_ssize_t start, Py_ssize_t count, unsigned int code32, Encoder* e) except -1:
    """Fill in the short header reserved at ``start``, or widen it to the 32-bit form.

    ``size`` counts the count field and the elements (§1.2, compound and array encodings).
    First, the output so far must be within ``max_message_size`` (``_pure.encoder._finish_compound``).
    """
    check_output(e, w.len + w.shift)
    cdef Py_ssize_t content = w.len - start - 3
    if content + 1 <= 0xFF and count <= 0xFF:
        w.buf[start + 1] = <unsigned char>(content + 1)
        w.buf[start + 2] = <unsigned char>count
        return 0
    if <uint64_t>(content + 4) > 0xFFFFFFFF:
        return fail_encode(MSG_COMPOUND_TOO_LARGE)
    w_room(w, 6)
    memmove(w.buf + start + 9, w.buf + start + 3, content)
    w.buf[start] = <unsigned char>code32
    amqp_wr32(w.buf + start + 1, <uint32_t>(content + 4))
    amqp_wr32(w.buf + start + 5, <uint32_t>count)
    return 0


cdef int enc_list(Writer* w, object value, int depth, Encoder* e) except -1:
    """list0 / list8 / list32 (§1.6.22), from a list, tuple or other sequence."""
    cdef Py_ssize_t count, start, index = 0
    cdef object t = type(value)
    cdef object item
    e_check_depth(e, depth)
    if t is list:
        count = PyList_GET_SIZE(value)
    elif t is tuple:
        count = PyTuple_GET_SIZE(value)
    else:
        count = len(value)
    if count == 0:
        return w_byte(w, C_LIST0)
    if count > e_max_items(e):
        fail_encode(_text.too_many_items("list", count, (<object>e.limits).max_container_items))
    start = open_compound(w, C_LIST8)
    depth += 1
    try:
        if t is list:
            # The size is read each step, as a list iterator does.
            while index < PyList_GET_SIZE(value):
                item = <object>PyList_GET_ITEM(value, index)
                enc_value(w, item, depth, e)
                index += 1
        elif t is tuple:
            while index < count:
                enc_value(w, <object>PyTuple_GET_ITEM(value, index), depth, e)
                index += 1
        else:
            for index, item in enumerate(value):
                enc_value(w, item, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(f"[{index}]") from None
    return finish_compound(w, start, count, C_LIST32, e)


cdef int enc_map(Writer* w, object value, int depth, Encoder* e) except -1:
    """map8 / map32 (§1.6.23), from a dict or other mapping."""
    cdef Py_ssize_t pairs, start, position = 0
    cdef PyObject* key_ptr
    cdef PyObject* item_ptr
    cdef object key = None
    cdef object item
    cdef bint exact = type(value) is dict
    e_check_depth(e, depth)
    pairs = PyDict_GET_SIZE(value) if exact else len(value)
    if not e.pairs_loaded:
        e.max_pairs = clamp((<object>e.limits).max_map_entries)
        e.pairs_loaded = True
    if pairs > e.max_pairs:
        fail_encode(_text.too_many_entries("map", pairs, (<object>e.limits).max_map_entries))
    start = open_compound(w, C_MAP8)
    depth += 1
    try:
        if exact:
            while PyDict_Next(value, &position, &key_ptr, &item_ptr):
                key = <object>key_ptr
                item = <object>item_ptr
                enc_value(w, key, depth, e)
                enc_value(w, item, depth, e)
                if PyDict_GET_SIZE(value) != pairs:
                    raise RuntimeError("dictionary changed size during iteration")
        else:
            for key, item in value.items():
                enc_value(w, key, depth, e)
                enc_value(w, item, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(f"[{key!r}]") from None
    return finish_compound(w, start, 2 * pairs, C_MAP32, e)


cdef int enc_described(Writer* w, object value, int depth, Encoder* e) except -1:
    """A described value (§1.2)."""
    e_check_depth(e, depth)
    w_byte(w, C_DESCRIBED)
    depth += 1
    descriptor = value.descriptor
    try:
        enc_value(w, descriptor, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(".descriptor") from None
    item = value.value
    try:
        enc_value(w, item, depth, e)
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(".value") from None
    return 0


cdef int enc_array(Writer* w, object value, int depth, Encoder* e) except -1:
    """array8 / array32 (§1.6.24)."""
    e_check_depth(e, depth)
    cdef Py_ssize_t start = open_compound(w, C_ARRAY8)
    array_content(w, value, depth + 1, e)
    return finish_compound(w, start, len(value.items), C_ARRAY32, e)


cdef int array_content(Writer* w, object value, int depth, Encoder* e) except -1:
    """Descriptor (if any), element constructor and elements of an array (no header)."""
    cdef object items = value.items
    cdef Py_ssize_t n = len(items)
    cdef Py_ssize_t index = 0
    cdef unsigned int narrow, wide, code
    cdef int category
    cdef list chunks
    if n > e_max_items(e):
        raise EncodeError(_text.too_many_items("array", n, (<object>e.limits).max_container_items))
    descriptor = value.descriptor
    if descriptor is not None:
        w_byte(w, C_DESCRIBED)
        try:
            enc_value(w, descriptor, depth, e)
        except _ENCODE_FAULTS as error:
            raise encode_error(error)._at(".descriptor") from None
    element_type = value.element_type
    narrow, wide, category = _ELEMENT_INFO[element_type]
    if type(items) is not tuple:
        items = tuple(items)
    if category == 2:
        return compound_elements(w, narrow, wide, <tuple>items, depth, e)  # names its own [index]
    cdef int64_t total = w.len + w.shift
    try:
        if category == 1:
            chunks = []
            for index in range(n):
                chunk = variable_element(narrow, (<tuple>items)[index], e.surrogates)
                chunks.append(chunk)
                total += len(chunk)
                check_output(e, total)
            write_chunks(w, narrow, wide, chunks)
        else:
            code = narrow
            if narrow != wide and (e.wide_arrays or not narrow_fits(narrow, <tuple>items)):
                code = wide
            w_byte(w, code)
            for index in range(n):
                fixed_element(w, code, (<tuple>items)[index])
    except _ENCODE_FAULTS as error:
        raise encode_error(error)._at(f"[{index}]") from None
    return 0


cdef bint narrow_fits(unsigned int narrow, tuple items) except -1:
    """Whether every element fits the narrow constructor (``_pure.encoder._narrow_fits``)."""
    cdef bint unsigned_ = narrow == C_SMALLUINT or narrow == C_SMALLULONG
    cdef long long x
    cdef int overflow
    for item in items:
        if PyLong_Check(item):
            overflow = 0
            x = PyLong_AsLongLongAndOverflow(item, &overflow)
            if unsigned_:
                if overflow > 0 or (overflow == 0 and x > 0xFF):
                    return False
            elif overflow != 0 or not -128 <= x <= 127:
                return False
        elif unsigned_:
            if not item <= 0xFF:
                return False
        elif not -128 <= item <= 127:
            return False
    return True


cdef object variable_element(unsigned int narrow, object item, bint surrogates):
    """One binary, string or symbol element's bytes (an ASCII str stands for its own)."""
    if narrow == C_VBIN8:
        return item if type(item) is bytes else bytes(item)
    if PyUnicode_Check(item) and PyUnicode_IS_ASCII(item):
        return item
    if narrow == C_SYM8:
        return str.encode(item, "ascii")
    return utf8_bytes(item, False, surrogates)


cdef int write_chunks(Writer* w, unsigned int narrow, unsigned int wide, list chunks) except -1:
    cdef bint small = True
    cdef Py_ssize_t size
    for chunk in chunks:
        if len(chunk) > 0xFF:
            small = False
            break
    w_byte(w, narrow if small else wide)
    for chunk in chunks:
        size = len(chunk)
        if small:
            w_byte(w, <unsigned int>size)
        elif <uint64_t>size <= 0xFFFFFFFF:
            amqp_wr32(w_room(w, 4), <uint32_t>size)
        else:
            w_buffer(w, _u32.pack(size))
        if PyUnicode_Check(chunk):
            w_data(w, PyUnicode_DATA(chunk), size)
        else:
            w_buffer(w, chunk)
    return 0


cdef int fixed_element(Writer* w, unsigned int code, object item) except -1:
    """One element's bytes, without a constructor (``_pure.encoder._FIXED_ELEMENT``)."""
    cdef long long x
    cdef int overflow = 0
    cdef unsigned long long u
    if code == C_NULL:
        return 0
    if code == C_BOOLEAN:
        return w_byte(w, 1 if item else 0)
    if code == C_DOUBLE:
        if PyFloat_Check(item):
            amqp_wr64(w_room(w, 8), amqp_double_to_bits(PyFloat_AS_DOUBLE(item)))
            return 0
        return w_buffer(w, _f64.pack(item))
    if code == C_FLOAT:
        amqp_wr32(w_room(w, 4), float32_bits(item))
        return 0
    if code == C_CHAR:
        return w_buffer(w, _u32.pack(char_point(item)))
    if code == C_UUID:
        return w_buffer(w, item.bytes)
    if code == C_DECIMAL32:
        return w_buffer(w, decimal_to_bid(item, 32))
    if code == C_DECIMAL64:
        return w_buffer(w, decimal_to_bid(item, 64))
    if code == C_DECIMAL128:
        return w_buffer(w, decimal_to_bid(item, 128))
    if PyLong_Check(item):
        x = PyLong_AsLongLongAndOverflow(item, &overflow)
        if overflow == 0:
            if code == C_UBYTE or code == C_SMALLUINT or code == C_SMALLULONG:
                if 0 <= x <= 0xFF:
                    return w_byte(w, <unsigned int>x)
            elif code == C_BYTE or code == C_SMALLINT or code == C_SMALLLONG:
                if -128 <= x <= 127:
                    return w_byte(w, <unsigned int>(x & 0xFF))
            elif code == C_USHORT:
                if 0 <= x <= 0xFFFF:
                    amqp_wr16(w_room(w, 2), <uint16_t>x)
                    return 0
            elif code == C_SHORT:
                if -0x8000 <= x <= 0x7FFF:
                    amqp_wr16(w_room(w, 2), <uint16_t>x)
                    return 0
            elif code == C_UINT:
                if 0 <= x <= 0xFFFFFFFF:
                    amqp_wr32(w_room(w, 4), <uint32_t>x)
                    return 0
            elif code == C_INT:
                if -0x80000000 <= x <= 0x7FFFFFFF:
                    amqp_wr32(w_room(w, 4), <uint32_t>x)
                    return 0
            elif code == C_ULONG:
                if x >= 0:
                    amqp_wr64(w_room(w, 8), <uint64_t>x)
                    return 0
            else:  # C_LONG, C_TIMESTAMP
                amqp_wr64(w_room(w, 8), <uint64_t>x)
                return 0
        elif overflow > 0 and code == C_ULONG:
            u = PyLong_AsUnsignedLongLong_raw(item)
            if u != <unsigned long long>-1 or PyErr_Occurred() == NULL:
                amqp_wr64(w_room(w, 8), u)
                return 0
            PyErr_Clear()
    return w_buffer(w, _FIXED_FORMAT[code].pack(item))  # what _pure writes, or its error


cdef int compound_elements(
    Writer* w, unsigned int narrow, unsigned int wide, tuple items, int depth, Encoder* e
) except -1:
    """Array elements that are lists, maps or arrays: each encoded whole, then the
    shared constructor chosen by the largest, and the per-element headers rewritten."""
    cdef Py_ssize_t n = PyTuple_GET_SIZE(items)
    cdef Py_ssize_t index, at, body, stop
    cdef uint64_t count
    cdef bint small = True
    cdef Writer scratch
    cdef Py_ssize_t* starts = <Py_ssize_t*>PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    if starts == NULL:
        raise MemoryError()
    w_init(&scratch, NULL, 0)
    # Scratch bytes are checked as the least they come to in ``w``, as _pure does it:
    # one constructor, then each element with a 2-byte header instead of its own.
    scratch.shift = w.len + w.shift
    try:
        for index in range(n):
            starts[index] = scratch.len
            try:
                if narrow == C_LIST8:
                    enc_list(&scratch, items[index], depth, e)
                elif narrow == C_MAP8:
                    enc_map(&scratch, items[index], depth, e)
                else:
                    enc_array(&scratch, items[index], depth, e)
                scratch.shift -= header_extra(scratch.buf[starts[index]])
                check_output(e, <int64_t>scratch.len + scratch.shift + 1)
            except _ENCODE_FAULTS as error:
                raise encode_error(error)._at(f"[{index}]") from None
        starts[n] = scratch.len
        for index in range(n):
            split_compound(&scratch, starts[index], starts[index + 1], &count, &body)
            if starts[index + 1] - body + 1 > 0xFF or count > 0xFF:
                small = False
                break
        w_byte(w, narrow if small else wide)
        for index in range(n):
            stop = starts[index + 1]
            split_compound(&scratch, starts[index], stop, &count, &body)
            if small:
                w_code8(w, <unsigned int>(stop - body + 1), <unsigned int>count)
            else:
                at = w.len
                w_room(w, 8)
                amqp_wr32(w.buf + at, <uint32_t>(stop - body + 4))
                amqp_wr32(w.buf + at + 4, <uint32_t>count)
            w_data(w, scratch.buf + body, stop - body)
    finally:
        PyMem_Free(starts)
        w_free(&scratch)
    return 0


cdef inline Py_ssize_t header_extra(unsigned char code) noexcept:
    """``_pure.encoder._HEADER_EXTRA``: a compound's own header less an array element's 2 bytes."""
    if code == C_LIST0:
        return -1
    if code == C_LIST8 or code == C_MAP8 or code == C_ARRAY8:
        return 1
    return 7


cdef inline void split_compound(
    Writer* scratch, Py_ssize_t start, Py_ssize_t stop, uint64_t* count, Py_ssize_t* body
) noexcept:
    """Count and first element of one canonically encoded list, map or array."""
    cdef unsigned char code = scratch.buf[start]
    if code == C_LIST0:
        count[0] = 0
        body[0] = stop
    elif code == C_LIST8 or code == C_MAP8 or code == C_ARRAY8:
        count[0] = scratch.buf[start + 2]
        body[0] = start + 3
    else:
        count[0] = amqp_rd32(scratch.buf + start + 5)
        body[0] = start + 9
