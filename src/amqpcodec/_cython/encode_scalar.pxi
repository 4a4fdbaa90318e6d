# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The scalar encoders (integers, floats, chars) and the variable-width ones (binary,
# strings, symbols).


cdef int enc_long(Writer* w, object value, Kind kind) except -1:
    """A plain int (or ``Long``): smalllong, long, else (plain int only) ulong (§1.6.7, §1.6.11)."""
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    cdef unsigned long long u
    if overflow == 0:
        if -128 <= x <= 127:
            return w_code8(w, C_SMALLLONG, <unsigned int>(x & 0xFF))
        return w_code64(w, C_LONG, <uint64_t>x)
    if kind == K_LONG:
        return fail_encode(_text.too_wide_for_long(value))
    if overflow > 0:
        u = PyLong_AsUnsignedLongLong_raw(value)
        if u != <unsigned long long>-1 or PyErr_Occurred() == NULL:
            return w_code64(w, C_ULONG, u)
        PyErr_Clear()
    return fail_encode(_text.too_wide_for_any_integer(value))


cdef int enc_unsigned(Writer* w, object value, unsigned int zero, unsigned int small, unsigned int wide) except -1:
    """uint0 / smalluint / uint, or ulong0 / smallulong / ulong (§1.6.6, §1.6.7)."""
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    cdef unsigned long long u
    if overflow == 0 and 0 <= x <= 0xFF:
        if x == 0:
            return w_byte(w, zero)
        return w_code8(w, small, <unsigned int>x)
    if overflow == 0 and x > 0xFF:
        if wide == C_ULONG:
            return w_code64(w, wide, <uint64_t>x)
        if x <= 0xFFFFFFFF:
            return w_code32(w, wide, <uint32_t>x)
    elif overflow > 0 and wide == C_ULONG:
        u = PyLong_AsUnsignedLongLong_raw(value)
        if u != <unsigned long long>-1 or PyErr_Occurred() == NULL:
            return w_code64(w, wide, u)
        PyErr_Clear()
    # Outside the type's range (a wrapper built with int.__new__): fail as _pure does.
    if value <= 0xFF:
        bytearray().append(value)
    return w_code_bytes(w, wide, (_u32 if wide == C_UINT else _u64).pack(value))


cdef int enc_fixed_int(Writer* w, object value, unsigned int code, long long low, long long high) except -1:
    """ubyte, ushort, short and timestamp: one constructor each (§1.6.4-5, §1.6.9, §1.6.20)."""
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    if overflow == 0 and low <= x <= high:
        if code == C_UBYTE:
            return w_code8(w, code, <unsigned int>x)
        if code == C_TIMESTAMP:
            return w_code64(w, code, <uint64_t>x)
        return w_code16(w, code, <uint16_t>x)
    # Outside the type's range: fail as _pure does (bytearray.append or struct.pack).
    if code == C_UBYTE:
        bytearray().append(value)
    return w_code_bytes(w, code, _FIXED_FORMAT[code].pack(value))


cdef int enc_byte(Writer* w, object value) except -1:
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    if overflow == 0 and -128 <= x <= 127:
        return w_code8(w, C_BYTE, <unsigned int>(x & 0xFF))
    return fail_encode(_text.byte_out_of_range(value))


cdef int enc_int32(Writer* w, object value) except -1:
    """smallint or int (§1.6.10)."""
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(value, &overflow)
    if overflow == 0 and -128 <= x <= 127:
        return w_code8(w, C_SMALLINT, <unsigned int>(x & 0xFF))
    if overflow == 0 and -0x80000000 <= x <= 0x7FFFFFFF:
        return w_code32(w, C_INT, <uint32_t>x)
    return w_code_bytes(w, C_INT, _i32.pack(value))


cdef uint32_t float32_bits(object value) except? 0xFFFFFFFF:
    """``double_to_float32_bits(value)``; NaNs and values beyond float32 go through it."""
    cdef double d
    if PyFloat_Check(value):
        d = PyFloat_AS_DOUBLE(value)
        if d == d and (fabs(d) <= FLT_MAX or isinf(d)):
            return amqp_double_to_float_bits(d)
    return double_to_float32_bits(value)


cdef int enc_float(Writer* w, object value) except -1:
    """float (§1.6.12)."""
    cdef uint32_t bits
    try:
        bits = float32_bits(value)
    except OverflowError:
        raise EncodeError(_text.beyond_float32(value)) from None
    return w_code32(w, C_FLOAT, bits)


cdef uint32_t char_point(object value) except? 0xFFFFFFFF:
    """``ord(value)`` of a ``Char`` (UTF-32, §1.6.16): a Unicode scalar value, never a surrogate."""
    cdef uint32_t point
    if PyUnicode_Check(value) and PyUnicode_GET_LENGTH(value) == 1:
        point = PyUnicode_READ_CHAR(value, 0)
    else:
        point = _builtins.ord(value)  # the builtin (Cython's inlined ord words its error differently)
    if 0xD800 <= point <= 0xDFFF:
        fail_encode(_text.surrogate_char(point))
    return point


cdef int write_variable(
    Writer* w, unsigned int code8, unsigned int code32, const void* data, Py_ssize_t size, Encoder* e
) except -1:
    """Constructor, size and bytes of a variable-width value (§1.2); over 255 bytes, the
    output bound is checked before the copy (``_pure.encoder._write_variable``)."""
    if size <= 0xFF:
        w_code8(w, code8, <unsigned int>size)
    elif <uint64_t>size <= 0xFFFFFFFF:
        check_output(e, <int64_t>w.len + w.shift + 5 + size)
        w_code32(w, code32, <uint32_t>size)
    else:
        return fail_encode(_text.too_long_for_size32(size))
    return w_data(w, data, size)


cdef int write_variable_buffer(
    Writer* w, unsigned int code8, unsigned int code32, object data, Py_ssize_t size, Encoder* e
) except -1:
    if size <= 0xFF:
        w_code8(w, code8, <unsigned int>size)
    elif <uint64_t>size <= 0xFFFFFFFF:
        check_output(e, <int64_t>w.len + w.shift + 5 + size)
        w_code32(w, code32, <uint32_t>size)
    else:
        return fail_encode(_text.too_long_for_size32(size))
    return w_buffer(w, data)


cdef object utf8_bytes(object value, bint bound, bint surrogates):
    """UTF-8 of a str: ``value.encode`` (``bound``) or ``str.encode``, as _pure calls it;
    with ``surrogates`` (``unicode_errors="surrogateescape"``) a str that fails is
    encoded again with that handler (``_pure.encoder._escaped_utf8``)."""
    try:
        return value.encode("utf-8") if bound else str.encode(value, "utf-8")
    except UnicodeEncodeError as error:
        failed = error
    if surrogates:
        try:
            return str.encode(value, "utf-8", "surrogateescape")
        except UnicodeEncodeError as again:
            failed = again
    raise EncodeError(_text.lone_surrogate(failed)) from None


cdef int enc_string(Writer* w, object value, Encoder* e) except -1:
    """str8-utf8 / str32-utf8 (§1.6.20)."""
    cdef PyObject* raw
    cdef object data
    if type(value) is not str:
        data = utf8_bytes(value, True, e.surrogates)
        return write_variable_buffer(w, C_STR8, C_STR32, data, len(data), e)
    if PyUnicode_IS_ASCII(value):
        return write_variable(w, C_STR8, C_STR32, PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value), e)
    raw = PyUnicode_AsUTF8String_raw(value)
    if raw == NULL:
        if not PyErr_ExceptionMatches(UnicodeEncodeError):
            return -1
        PyErr_Clear()
        data = utf8_bytes(value, True, e.surrogates)
        return write_variable_buffer(w, C_STR8, C_STR32, data, len(data), e)
    data = steal(raw)
    return write_variable(w, C_STR8, C_STR32, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data), e)


cdef int enc_symbol(Writer* w, object value, Encoder* e) except -1:
    """sym8 / sym32 (§1.6.21)."""
    if PyUnicode_IS_ASCII(value):
        return write_variable(w, C_SYM8, C_SYM32, PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value), e)
    data = str.encode(value, "ascii")  # raises UnicodeEncodeError, as in _pure
    return write_variable_buffer(w, C_SYM8, C_SYM32, data, len(data), e)


cdef int enc_binary(Writer* w, object value, Encoder* e) except -1:
    """vbin8 / vbin32 (§1.6.19)."""
    cdef object t = type(value)
    if t is bytes:
        return write_variable(w, C_VBIN8, C_VBIN32, PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value), e)
    if t is bytearray:
        return write_variable_buffer(w, C_VBIN8, C_VBIN32, value, PyByteArray_GET_SIZE(value), e)
    if t is memoryview:
        if not value.c_contiguous:
            return fail_encode(MSG_NON_CONTIGUOUS_MEMORYVIEW)
        return write_variable_buffer(w, C_VBIN8, C_VBIN32, value, value.nbytes, e)
    return write_variable_buffer(w, C_VBIN8, C_VBIN32, value, len(value), e)
