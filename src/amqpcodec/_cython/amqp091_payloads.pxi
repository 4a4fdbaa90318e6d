# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The AMQP 0-9-1 method and content-header payload decoders (0-9-1 §4.2.4, §4.2.6.1): a
# hot path of amqp091.payloads (read_method, read_content_header), the reference.  The
# plans (_seam.MethodPlans091, HeaderPlan091) are built by amqp091._plans from the
# method classes' FIELDS and the spec table's properties; here they are read once into C
# arrays (cached by the plan's identity).  Nothing here names a method, an id or a spec
# type: each argument's kind is one of _seam's KIND091_* numbers, mapped to the enum
# below by name at load.  A payload these loops do not read to its end as they are (any
# fault: a short payload, set spare bits, a shortstr that is not UTF-8, a table fault)
# gives ``None``, and the reference reads it again to report it in full.


cdef enum Arg91:
    A91_NONE = 0
    A91_INTEGER
    A91_BIT
    A91_SHORTSTR
    A91_LONGSTR
    A91_TABLE
    A91_TIMESTAMP
    A91_PROPERTY_SHORTSTR

cdef dict _ARG91_OF = {
    KIND091_INTEGER: A91_INTEGER,
    KIND091_BIT: A91_BIT,
    KIND091_SHORTSTR: A91_SHORTSTR,
    KIND091_LONGSTR: A91_LONGSTR,
    KIND091_TABLE: A91_TABLE,
    KIND091_TIMESTAMP: A91_TIMESTAMP,
    KIND091_PROPERTY_SHORTSTR: A91_PROPERTY_SHORTSTR,
}


cdef int p91_kinds(unsigned char* kinds, unsigned char* widths, object plan_kinds, object plan_widths) except -1:
    """A plan's ``kinds`` and ``widths`` as C octets (checked: what the loops below read)."""
    cdef Py_ssize_t i, n = len(plan_kinds)
    if n > MAX_SLOTS or len(plan_widths) != n:
        raise ValueError("malformed AMQP 0-9-1 plan: too many fields, or widths that do not match")
    for i in range(n):
        kinds[i] = _ARG91_OF[plan_kinds[i]]
        widths[i] = plan_widths[i]
        if kinds[i] == A91_INTEGER and widths[i] not in (1, 2, 4, 8):
            raise ValueError(f"malformed AMQP 0-9-1 plan: an integer of {widths[i]} bytes")
    return 0


cdef class _Method91:
    """One ``_seam.MethodPlan091``, read once."""

    cdef object cls
    cdef unsigned int class_id
    cdef unsigned int method_id
    cdef bint has_content
    cdef Py_ssize_t count
    cdef tuple slots  # member descriptors (setter.__self__), or the setters themselves
    cdef unsigned char kinds[MAX_SLOTS]
    cdef unsigned char widths[MAX_SLOTS]
    cdef Py_ssize_t offsets[MAX_SLOTS]


cdef class _Methods91:
    """A ``_seam.MethodPlans091``, read once: each method's plan by ids and by class."""

    cdef object source
    cdef list by_class  # by class id (< 256): None, or a list by method id (< 256)
    cdef dict by_type


cdef _Methods91 _methods91 = None


cdef _Method91 m91_plan_of(object source):
    cdef _Method91 m = _Method91()
    m.cls = source.cls
    m.class_id, m.method_id, m.has_content = source.class_id, source.method_id, source.has_content
    m.slots = tuple([slot_of(setter) for setter in source.slots])
    m.count = len(m.slots)
    if not isinstance(m.cls, type) or len(source.kinds) != m.count:
        raise ValueError("malformed AMQP 0-9-1 method plan")
    p91_kinds(m.kinds, m.widths, source.kinds, source.widths)
    fill_offsets(m.offsets, m.slots, m.cls)
    return m


cdef _Methods91 m91_plans(object source):
    """The compiled form of ``source`` (a ``MethodPlans091``), cached by identity."""
    global _methods91
    if _methods91 is not None and _methods91.source is source:
        return _methods91
    cdef _Methods91 plans = _Methods91()
    cdef _Method91 m
    plans.source = source
    plans.by_class = [None] * 256
    plans.by_type = {}
    for entry in source.methods.values():
        m = m91_plan_of(entry)
        plans.by_type[m.cls] = m
        if m.class_id < 256 and m.method_id < 256:  # others are left to the reference
            if plans.by_class[m.class_id] is None:
                plans.by_class[m.class_id] = [None] * 256
            plans.by_class[m.class_id][m.method_id] = m
    _methods91 = plans
    return plans


cdef class _Header91:
    """A ``_seam.HeaderPlan091``, read once."""

    cdef object source
    cdef object header_class
    cdef object properties_class
    cdef object empty
    cdef object timestamp_class
    cdef Py_ssize_t count
    cdef unsigned int reserved
    cdef unsigned int masks[16]
    cdef unsigned char kinds[16]
    cdef unsigned char widths[16]


cdef _Header91 _header91 = None


cdef _Header91 h91_plan(object source):
    """The compiled form of ``source`` (a ``HeaderPlan091``), cached by identity."""
    global _header91
    if _header91 is not None and _header91.source is source:
        return _header91
    cdef _Header91 h = _Header91()
    cdef Py_ssize_t i
    h.source = source
    h.header_class, h.properties_class = source.header_class, source.properties_class
    h.empty, h.timestamp_class, h.reserved = source.empty, source.timestamp_class, source.reserved
    h.count = len(source.kinds)
    if h.count > 16 or len(source.masks) != h.count:
        raise ValueError("malformed AMQP 0-9-1 header plan: one flag word holds the properties")
    if not isinstance(h.properties_class, type) or not issubclass(h.properties_class, tuple):
        raise ValueError("malformed AMQP 0-9-1 header plan: the properties are a tuple subclass")
    if not isinstance(h.header_class, type) or not issubclass(h.header_class, tuple):
        raise ValueError("malformed AMQP 0-9-1 header plan: the header is a tuple subclass")
    for i in range(h.count):
        h.masks[i] = source.masks[i]
    cdef unsigned char widths[MAX_SLOTS]
    cdef unsigned char kinds[MAX_SLOTS]
    p91_kinds(kinds, widths, source.kinds, source.widths)
    for i in range(h.count):
        h.kinds[i], h.widths[i] = kinds[i], widths[i]
    _header91 = h
    return h


cdef inline uint64_t p91_uint(const unsigned char* p, unsigned int width) noexcept:
    if width == 1:
        return p[0]
    if width == 2:
        return amqp_rd16(p)
    if width == 4:
        return amqp_rd32(p)
    return amqp_rd64(p)


cdef object p91_text(const unsigned char* p, Py_ssize_t n, bint lenient):
    """A short string: UTF-8 text (short ASCII ones shared through the string cache);
    not UTF-8: its bytes when ``lenient``, else NULL with no exception set."""
    cdef uint32_t slot = 0
    cdef PyObject* text
    cdef object found
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
        if lenient:
            return PyBytes_FromStringAndSize(<const char*>p, n)
        return None
    found = steal(text)
    if n <= AMQP_CACHE_MAX_SIZE and PyUnicode_IS_ASCII(found):
        amqp_cache_put(0, slot, found)
    return found


# The value of one argument or property at pos[0] (advanced past it), or _P91_FAULT when
# it does not fit before ``end`` or is not taken as it is.
cdef object _P91_FAULT = object()


cdef object p91_value(
    Read91* r, unsigned int kind, unsigned int width, Py_ssize_t* pos, Py_ssize_t end, object stamp
):
    cdef const unsigned char* d = r.data
    cdef Py_ssize_t at = pos[0]
    cdef Py_ssize_t n
    cdef uint64_t size
    cdef object value
    if kind == A91_INTEGER:
        if end - at < width:
            return _P91_FAULT
        pos[0] = at + width
        if width == 8:
            return PyLong_FromUnsignedLongLong(amqp_rd64(d + at))
        return PyLong_FromLongLong(<long long>p91_uint(d + at, width))
    if kind == A91_SHORTSTR or kind == A91_PROPERTY_SHORTSTR:
        if at >= end:
            return _P91_FAULT
        n = d[at]
        if end - at - 1 < n:
            return _P91_FAULT
        value = p91_text(d + at + 1, n, kind == A91_PROPERTY_SHORTSTR)
        if value is None:
            return _P91_FAULT
        pos[0] = at + 1 + n
        return value
    if kind == A91_TIMESTAMP:
        if end - at < 8 or stamp is None:
            return _P91_FAULT
        pos[0] = at + 8
        return amqp_subtype_new(int, stamp, PyLong_FromUnsignedLongLong(amqp_rd64(d + at)))
    if end - at < 4:
        return _P91_FAULT
    size = amqp_rd32(d + at)
    if size > <uint64_t>(end - at - 4):
        return _P91_FAULT
    pos[0] = at + 4 + <Py_ssize_t>size
    if kind == A91_LONGSTR:
        return PyBytes_FromStringAndSize(<const char*>d + at + 4, <Py_ssize_t>size)
    if kind == A91_TABLE:
        return t91_fields(r, at + 4, at + 4 + <Py_ssize_t>size, 1)  # a fault raises
    return _P91_FAULT


cdef object m91_arguments(Read91* r, _Method91 m, Py_ssize_t pos, Py_ssize_t end):
    """``m``'s class built from the arguments at ``data[pos:end]``, or None (§4.2.4, §4.2.5.2)."""
    cdef const unsigned char* d = r.data
    cdef Py_ssize_t i
    cdef unsigned int kind
    cdef unsigned int octet = 0
    cdef unsigned int bits = 0  # bits taken from ``octet`` (0: no octet open)
    cdef object value
    cdef object obj = amqp_alloc(m.cls)
    for i in range(m.count):
        kind = m.kinds[i]
        if kind == A91_BIT:
            if bits == 0 or bits == 8:
                if pos >= end:
                    return None
                octet = d[pos]
                pos += 1
                bits = 0
            value = True if (octet >> bits) & 1 else False
            bits += 1
        else:
            if bits:
                if octet >> bits:  # spare bits set
                    return None
                bits = 0
            value = p91_value(r, kind, m.widths[i], &pos, end, None)
            if value is _P91_FAULT:
                return None
        put(<object>PyTuple_GET_ITEM(m.slots, i), m.offsets[i], obj, value)
    if (bits and octet >> bits) or pos != end:
        return None
    return obj


cdef object m91_read(Read91* r, _Methods91 plans, Py_ssize_t pos, Py_ssize_t end):
    """The method whose payload is ``data[pos:end]``, or None."""
    cdef unsigned int class_id, method_id
    cdef object methods
    if end - pos < 4:
        return None
    class_id = amqp_rd16(r.data + pos)
    method_id = amqp_rd16(r.data + pos + 2)
    if class_id >= 256 or method_id >= 256:
        return None
    methods = plans.by_class[class_id]
    if methods is None:
        return None
    entry = (<list>methods)[method_id]
    if entry is None:
        return None
    return m91_arguments(r, <_Method91>entry, pos + 4, end)


cdef extern from *:
    """
    /* A tuple subclass instance of ``n`` items, all NULL (set each before use). */
    static PyObject *amqp091_tuple_alloc(PyObject *type, Py_ssize_t n) {
        return ((PyTypeObject *)type)->tp_alloc((PyTypeObject *)type, n);
    }
    """
    object amqp091_tuple_alloc(object type, Py_ssize_t n)


cdef object h91_properties(Read91* r, _Header91 h, unsigned int flags, Py_ssize_t pos, Py_ssize_t end):
    """The properties ``flags`` marks present, read from ``data[pos:end]``, or None."""
    cdef Py_ssize_t i
    cdef object value
    if not flags:
        return h.empty if pos == end else None
    obj = amqp091_tuple_alloc(h.properties_class, h.count)  # filled in order: items may be NULL till then
    for i in range(h.count):
        if flags & h.masks[i]:
            value = p91_value(r, h.kinds[i], h.widths[i], &pos, end, h.timestamp_class)
            if value is _P91_FAULT:
                return None
        else:
            value = None
        Py_INCREF(value)
        PyTuple_SET_ITEM(obj, i, value)
    if pos != end:
        return None
    return obj


cdef int p91_open(object data, Py_ssize_t start, Py_ssize_t end, Py_buffer* view, bint* have_view, Read91* r) except -1:
    """Point ``r`` at the bytes of ``data``: 1 when ``start .. end`` lies in them, else 0."""
    cdef Py_ssize_t size
    have_view[0] = False
    if type(data) is bytes:
        r.data = <const unsigned char*>PyBytes_AS_STRING(data)
        size = PyBytes_GET_SIZE(data)
    elif PyObject_CheckBuffer(data):
        PyObject_GetBuffer(data, view, PyBUF_FULL_RO)
        have_view[0] = True
        if not PyBuffer_IsContiguous(view, b"C") or view.itemsize != 1:
            return 0
        r.data = <const unsigned char*>view.buf
        size = view.len
    else:
        return 0
    r.base = 0
    return 0 <= start <= end <= size


def read_method091(data, Py_ssize_t start, Py_ssize_t end, limits, plan):
    """The method whose payload is ``data[start:end]`` (0-9-1 §4.2.4), else ``None``: a
    hot path of ``amqp091.payloads.read_method`` (the reference)."""
    cdef _Methods91 plans = m91_plans(plan)
    cdef Read91 r
    cdef Py_buffer view
    cdef bint have_view
    t91_ready()
    limits91_init(&r.lim, limits)
    try:
        if not p91_open(data, start, end, &view, &have_view, &r):
            return None
        return m91_read(&r, plans, start, end)
    except DecodeError:
        return None
    finally:
        if have_view:
            PyBuffer_Release(&view)


cdef object h91_read(Read91* r, _Header91 h, Py_ssize_t pos, Py_ssize_t end):
    """The ``ContentHeader`` whose payload is ``data[pos:end]``, or None (§4.2.6.1)."""
    cdef const unsigned char* d = r.data
    cdef unsigned int flags
    if end - pos < 14:
        return None
    flags = amqp_rd16(d + pos + 12)
    if flags & h.reserved:
        return None
    properties = h91_properties(r, h, flags, pos + 14, end)
    if properties is None:
        return None
    return amqp_subtype_new(tuple, h.header_class, (
        PyLong_FromLong(amqp_rd16(d + pos)),
        PyLong_FromLong(amqp_rd16(d + pos + 2)),
        PyLong_FromUnsignedLongLong(amqp_rd64(d + pos + 4)),
        properties,
    ))


def read_content_header091(data, Py_ssize_t start, Py_ssize_t end, limits, plan):
    """The ``ContentHeader`` whose payload is ``data[start:end]`` (§4.2.6.1), else
    ``None``: a hot path of ``amqp091.payloads.read_content_header`` (the reference)."""
    cdef _Header91 h = h91_plan(plan)
    cdef Read91 r
    cdef Py_buffer view
    cdef bint have_view
    t91_ready()
    limits91_init(&r.lim, limits)
    try:
        if not p91_open(data, start, end, &view, &have_view, &r):
            return None
        return h91_read(&r, h, start, end)
    except DecodeError:
        return None
    finally:
        if have_view:
            PyBuffer_Release(&view)
