# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The AMQP 0-9-1 constructor checks' hot path (0-9-1 §4.2.5): a method's arguments
# (init_method091) and the basic properties (new_properties091), checked against the
# same plans the payload codecs read (_seam.MethodPlans091, HeaderPlan091).  A value is
# taken only when the reference check (amqp091._validate) would store it unchanged: an
# exact int in its width's range, True or False, an exact ASCII str of at most 255
# characters (a property's exact bytes of at most 255 too), exact bytes for a longstr,
# an exact dict for a table (copied, as the reference copies it), the plan's timestamp
# class itself.  Anything else gives ``False``/``None`` before any slot is set, and the
# reference then checks the same arguments, so errors, messages and paths are its own.
# (amqp091_tuple_alloc is amqp091_payloads.pxi's.)


cdef object c91_take(unsigned int kind, unsigned int width, object value, object stamp):
    """``value`` as the reference stores it for an argument of ``kind``, or ``_P91_FAULT``
    when it is not one of the exact forms taken here."""
    cdef unsigned long long number
    if kind == A91_SHORTSTR or kind == A91_PROPERTY_SHORTSTR:
        if type(value) is str:
            if PyUnicode_IS_ASCII(value) and PyUnicode_GET_LENGTH(value) <= 255:
                return value
            return _P91_FAULT
        if kind == A91_PROPERTY_SHORTSTR and type(value) is bytes and PyBytes_GET_SIZE(value) <= 255:
            return value
        return _P91_FAULT
    if kind == A91_INTEGER:
        if type(value) is not int:
            return _P91_FAULT
        number = PyLong_AsUnsignedLongLong_raw(value)
        if number == <unsigned long long>-1 and PyErr_Occurred() != NULL:
            PyErr_Clear()  # negative or over 64 bits: the reference says which
            return _P91_FAULT
        if width < 8 and number >> (8 * width):
            return _P91_FAULT
        return value
    if kind == A91_BIT:
        return value if value is True or value is False else _P91_FAULT
    if kind == A91_TABLE:
        return dict(<dict>value) if type(value) is dict else _P91_FAULT
    if kind == A91_LONGSTR:
        if type(value) is bytes and <uint64_t>PyBytes_GET_SIZE(value) <= 0xFFFFFFFF:
            return value
        return _P91_FAULT
    if kind == A91_TIMESTAMP:
        return value if stamp is not None and type(value) is stamp else _P91_FAULT
    return _P91_FAULT


def init_method091(method, tuple values, plan):
    """Set ``method``'s argument slots to ``values`` (in ``FIELDS`` order) when every one is
    taken as it is (see above): ``True``; else ``False`` with nothing set.  A hot path of
    ``amqp091._method.Method._init`` (the reference)."""
    cdef _Methods91 plans = m91_plans(plan)
    cdef _Method91 m
    cdef Py_ssize_t i
    found = plans.by_type.get(type(method))
    if found is None:
        return False
    m = <_Method91>found
    if PyTuple_GET_SIZE(values) != m.count:
        return False
    checked = PyList_New(0)
    for i in range(m.count):
        value = c91_take(m.kinds[i], m.widths[i], <object>PyTuple_GET_ITEM(values, i), None)
        if value is _P91_FAULT:
            return False
        checked.append(value)
    for i in range(m.count):
        put(<object>PyTuple_GET_ITEM(m.slots, i), m.offsets[i], method, <object>PyList_GET_ITEM(checked, i))
    return True


def new_properties091(cls, tuple values, plan):
    """A ``cls`` (the plan's properties class) of ``values`` in flag order when every one
    is ``None`` or taken as it is (see above), else ``None``.  A hot path of
    ``amqp091.properties.BasicProperties.__new__`` (the reference)."""
    cdef _Header91 h = h91_plan(plan)
    cdef Py_ssize_t i
    if cls is not h.properties_class or PyTuple_GET_SIZE(values) != h.count:
        return None
    obj = amqp091_tuple_alloc(cls, h.count)
    for i in range(h.count):
        value = <object>PyTuple_GET_ITEM(values, i)
        if value is not None:
            value = c91_take(h.kinds[i], h.widths[i], value, h.timestamp_class)
            if value is _P91_FAULT:
                return None  # the partly filled instance is freed: tuple items may be NULL
        Py_INCREF(value)
        PyTuple_SET_ITEM(obj, i, value)
    return obj
