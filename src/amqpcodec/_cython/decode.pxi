# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# Binary, strings and symbols (short ASCII text through the cache of _amqpcodec.h),
# the scalars, the constructor dispatch dec_body, the input buffer checks and the
# entry point decode_prefix.


cdef int fail_text(const unsigned char* p, Py_ssize_t size, Py_ssize_t off, unsigned int code) except -1:
    """After a failed UTF-8 / ASCII decode: the DecodeError ``_pure`` raises (else re-raise)."""
    if not PyErr_ExceptionMatches(UnicodeDecodeError):
        return -1
    PyErr_Clear()
    if code == C_SYM8 or code == C_SYM32:
        return fail_decode(MSG_SYMBOL_NOT_ASCII, off, code)
    try:
        PyBytes_FromStringAndSize(<const char*>p, size).decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(_text.invalid_utf8(error), offset=off, constructor=code) from None
    raise AssertionError("UTF-8 decoding failed once and succeeded twice")


cdef object escaped_text(const char* p, Py_ssize_t size):
    """A string that is not UTF-8, with ``unicode_errors="surrogateescape"``: each bad byte
    as U+DC80..U+DCFF (``_pure.decoder._not_utf8``); never cached."""
    return PyBytes_FromStringAndSize(p, size).decode("utf-8", "surrogateescape")


cdef object dec_variable(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int encl):
    """vbin, str and sym in the 8- and 32-bit size forms (§1.6.19, §1.6.20, §1.6.21)."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t width = _WIDTH[code]
    cdef uint64_t size
    cdef Py_ssize_t start
    cdef const char* p
    cdef PyObject* text
    if end - off < width:
        fail_truncated(_NAMES[code], off, width, end, encl)
    size = r.data[off] if width == 1 else amqp_rd32(r.data + off)
    start = off + width
    if size > <uint64_t>(end - start):
        fail_truncated(_NAMES[code], off, width + size, end, encl)
    pp[0] = start + <Py_ssize_t>size
    p = <const char*>(r.data + start)
    if code == C_VBIN8 or code == C_VBIN32:
        return PyBytes_FromStringAndSize(p, <Py_ssize_t>size)
    cdef int which = code == C_SYM8 or code == C_SYM32
    cdef bint cacheable = size <= AMQP_CACHE_MAX_SIZE
    cdef uint32_t slot = 0
    cdef object result
    if cacheable:
        slot = amqp_cache_slot(r.data + start, <Py_ssize_t>size)
        text = amqp_cache_get(which, slot, r.data + start, <Py_ssize_t>size)
        if text != NULL:
            return steal(text)
    if which:
        text = PyUnicode_DecodeASCII_raw(p, <Py_ssize_t>size, NULL)
        if text == NULL:
            fail_text(r.data + start, <Py_ssize_t>size, off, code)
        result = amqp_subtype_new(str, T_SYMBOL, steal(text))
    else:
        text = PyUnicode_DecodeUTF8_raw(p, <Py_ssize_t>size, NULL)
        if text == NULL:
            if not r.surrogates or not PyErr_ExceptionMatches(UnicodeDecodeError):
                fail_text(r.data + start, <Py_ssize_t>size, off, code)
            PyErr_Clear()
            return escaped_text(p, <Py_ssize_t>size)
        result = steal(text)
    if cacheable and PyUnicode_IS_ASCII(result):
        amqp_cache_put(which, slot, result)
    return result


cdef object dec_float(uint32_t bits):
    if bits & 0x7F800000 == 0x7F800000 and bits & 0x007FFFFF:
        return amqp_subtype_new(float, T_FLOAT, float32_bits_to_double(bits))  # NaN: keep its payload
    return amqp_subtype_new(float, T_FLOAT, PyFloat_FromDouble(amqp_float_bits_to_double(bits)))


cdef object dec_char(uint32_t point, Py_ssize_t off):
    if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
        fail_decode(_text.char_not_scalar(point), off, C_CHAR)
    return amqp_subtype_new(str, T_CHAR, chr(point))


cdef object dec_decimal(unsigned int code, const unsigned char* p):
    cls, width = _DECIMAL_CLASS[code]
    return cls(bid_to_decimal(PyBytes_FromStringAndSize(<const char*>p, width // 8), width))


cdef object fail_unknown(Py_ssize_t off, unsigned int code):
    fail_decode(_text.unknown_constructor(code), off - 1, code)


# One switch on purpose, although long: every decoded value passes through it once.
# Split into helpers (integers, other fixed-width values), the compiler inlined them
# back but kept a second dispatch per value: 2-3 % slower decoding a map or a message,
# about 10 % a list of integers.
cdef object dec_body(Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl):
    """The value whose constructor ``code`` was just read (§1.6).  ``pp`` points at its
    first byte after the constructor and is moved past it; ``end`` bounds the value."""
    cdef Py_ssize_t off = pp[0]
    cdef const unsigned char* p = r.data + off
    cdef uint32_t u32
    cdef uint64_t u64
    cdef int32_t i32
    cdef int16_t i16
    cdef uint16_t u16
    if code == C_SMALLULONG:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _ULONGS[p[0]]
    elif code == C_SMALLUINT:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _UINTS[p[0]]
    elif code == C_STR8 or code == C_STR32 or code == C_SYM8 or code == C_SYM32:
        return dec_variable(r, code, pp, end, encl)
    elif code == C_VBIN8 or code == C_VBIN32:
        return dec_variable(r, code, pp, end, encl)
    elif code == C_LIST8 or code == C_LIST32:
        return dec_list(r, code, pp, end, depth, encl)
    elif code == C_MAP8 or code == C_MAP32:
        return dec_map(r, code, pp, end, depth, encl)
    elif code == C_DESCRIBED:
        return dec_described(r, pp, end, depth, encl)
    elif code == C_NULL:
        return None
    elif code == C_TRUE:
        return True
    elif code == C_FALSE:
        return False
    elif code == C_BOOLEAN:
        if off >= end:
            fail_truncated("boolean", off, 1, end, encl)
        if p[0] > 1:
            fail_decode(_text.bad_boolean(p[0]), off, C_BOOLEAN)
        pp[0] = off + 1
        return p[0] == 1
    elif code == C_UINT0:
        return _UINTS[0]
    elif code == C_ULONG0:
        return _ULONGS[0]
    elif code == C_LIST0:
        check_depth(r, depth, off, C_LIST0)
        return []
    elif code == C_UBYTE:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _UBYTES[p[0]]
    elif code == C_USHORT:
        need(off, 2, end, code, encl)
        pp[0] = off + 2
        u16 = amqp_rd16(p)
        if u16 <= 0xFF:
            return _USHORTS[u16]
        return new_int(T_USHORT, PyLong_FromLong(u16))
    elif code == C_UINT:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        u32 = amqp_rd32(p)
        if u32 <= 0xFF:
            return _UINTS[u32]
        return new_int(T_UINT, PyLong_FromUnsignedLongLong(u32))
    elif code == C_ULONG:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        u64 = amqp_rd64(p)
        if u64 <= 0xFF:
            return _ULONGS[u64]
        return new_int(T_ULONG, PyLong_FromUnsignedLongLong(u64))
    elif code == C_BYTE:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _BYTES[<int8_t>p[0] + 128]
    elif code == C_SHORT:
        need(off, 2, end, code, encl)
        pp[0] = off + 2
        i16 = <int16_t>amqp_rd16(p)
        if -128 <= i16 <= 127:
            return _SHORTS[i16 + 128]
        return new_int(T_SHORT, PyLong_FromLong(i16))
    elif code == C_INT:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        i32 = <int32_t>amqp_rd32(p)
        if -128 <= i32 <= 127:
            return _INTS[i32 + 128]
        return new_int(T_INT, PyLong_FromLong(i32))
    elif code == C_SMALLINT:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return _INTS[<int8_t>p[0] + 128]
    elif code == C_LONG:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        return PyLong_FromLongLong(<int64_t>amqp_rd64(p))
    elif code == C_SMALLLONG:
        need(off, 1, end, code, encl)
        pp[0] = off + 1
        return PyLong_FromLong(<int8_t>p[0])
    elif code == C_FLOAT:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        return dec_float(amqp_rd32(p))
    elif code == C_DOUBLE:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        return PyFloat_FromDouble(amqp_bits_to_double(amqp_rd64(p)))
    elif code == C_DECIMAL32:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        return dec_decimal(code, p)
    elif code == C_DECIMAL64:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        return dec_decimal(code, p)
    elif code == C_DECIMAL128:
        need(off, 16, end, code, encl)
        pp[0] = off + 16
        return dec_decimal(code, p)
    elif code == C_CHAR:
        need(off, 4, end, code, encl)
        pp[0] = off + 4
        return dec_char(amqp_rd32(p), off)
    elif code == C_TIMESTAMP:
        need(off, 8, end, code, encl)
        pp[0] = off + 8
        return new_int(T_TIMESTAMP, PyLong_FromLongLong(<int64_t>amqp_rd64(p)))
    elif code == C_UUID:
        need(off, 16, end, code, encl)
        pp[0] = off + 16
        return new_uuid(p)
    elif code == C_ARRAY8 or code == C_ARRAY32:
        return dec_array(r, code, pp, end, depth, encl)
    else:
        return fail_unknown(off, code)


cdef bint memoryview_c_contiguous(Py_buffer* view):
    """``memoryview(data).c_contiguous``, from the buffer a memoryview would hold."""
    if view.ndim == 0 or view.shape == NULL:
        return True
    if view.ndim == 1:
        return view.strides == NULL or view.shape[0] == 1 or view.strides[0] == view.itemsize
    return PyBuffer_IsContiguous(view, b"C")


cdef int check_view(Py_buffer* view) except -1:
    """What ``_buffers.flat_view`` rejects: non-contiguous data, and (from
    ``memoryview.cast``) a multi-dimensional view with an empty dimension."""
    cdef Py_ssize_t i
    if not memoryview_c_contiguous(view):
        raise ValueError(MSG_NON_CONTIGUOUS_INPUT)
    if view.ndim > 1 and view.shape != NULL:
        for i in range(view.ndim):
            if view.shape[i] == 0:
                raise TypeError("memoryview: cannot cast view with zeros in shape or strides")
    return 0


cdef int fail_offset(object offset, Py_ssize_t end) except -1:
    raise ValueError(_text.offset_outside(offset, end))


cdef int get_input(object data, Py_buffer* view, bint* have_view, const unsigned char** ptr, Py_ssize_t* end) except -1:
    """The bytes of ``data``: a ``bytes`` object's storage, or an exported buffer
    (released by the caller when ``have_view``), as ``decode_prefix`` reads them."""
    if type(data) is bytes:
        ptr[0] = <const unsigned char*>PyBytes_AS_STRING(data)
        end[0] = PyBytes_GET_SIZE(data)
        return 0
    if not PyObject_CheckBuffer(data):
        raise TypeError(_text.not_bytes_like(data))
    try:
        PyObject_GetBuffer(data, view, PyBUF_FULL_RO)
    except TypeError:
        raise TypeError(_text.not_bytes_like(data)) from None
    have_view[0] = True
    ptr[0] = <const unsigned char*>view.buf
    end[0] = view.len
    return check_view(view)


def decode_prefix(data, offset, limits, list budget=None, unicode_errors="strict"):
    """Decode the one value starting at ``offset``; return it and the offset after it.

    An ``offset`` outside ``0 .. len(data)`` is a caller's mistake (``ValueError``), and
    a ``data`` that is not a contiguous bytes-like object a ``TypeError``; every fault
    *in the bytes* is an :class:`~amqpcodec.errors.AMQPCodecError`.  ``budget``: a
    one-item list of the zero-width array elements this call may still decode, shared
    with other calls and updated in place; by default the call has its own, of
    ``limits.max_container_items`` (``Limits`` docstring).  ``unicode_errors``: one of
    ``_seam.UNICODE_ERRORS`` (``ValueError`` for any other).
    """
    cdef bint surrogates = unicode_errors != "strict" and check_unicode_errors(unicode_errors) != "strict"
    cdef Py_buffer view
    cdef bint have_view = False
    cdef const unsigned char* ptr
    cdef Py_ssize_t end, start, pos
    cdef Reader r
    if type(data) is bytes:
        ptr = <const unsigned char*>PyBytes_AS_STRING(data)
        end = PyBytes_GET_SIZE(data)
    else:
        # The buffer stays exported until we return, so a bytearray cannot be resized
        # under us (not even by a finalizer that a garbage collection runs).
        if not PyObject_CheckBuffer(data):
            raise TypeError(_text.not_bytes_like(data))
        try:
            PyObject_GetBuffer(data, &view, PyBUF_FULL_RO)
        except TypeError:
            raise TypeError(_text.not_bytes_like(data)) from None
        have_view = True
        ptr = <const unsigned char*>view.buf
        end = view.len
    try:
        if have_view:
            check_view(&view)
        if offset < 0 or offset > end:
            fail_offset(offset, end)
        start = offset
        if start >= end:
            raise IncompleteError(MSG_NO_BYTES, offset=offset)
        reader_init(&r, ptr, start, limits)
        r.surrogates = surrogates
        if budget is not None:
            r.budget = <PyObject*>budget
        pos = start + 1
        value = dec_body(&r, ptr[start], &pos, end, 0, -1)
        return value, pos
    finally:
        if have_view:
            PyBuffer_Release(&view)
