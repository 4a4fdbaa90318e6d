# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# Composites (Part 1 §1.4), the first of the hot paths of the layers above
# (``_seam.CompiledPaths``), each doing what its layer's own Python code does for the
# usual form, which is the reference it is tested against: the per-class plans,
# to_typed and build_composite, and a described list decoded straight into a
# composite's slots.  Encoding one is in encode_composite.pxi.


cdef class _CompositePlan:
    """A composite class's ``_PLAN`` (``_composite._decode_step``), read once."""

    cdef object cls
    cdef str name  # cls.SPEC.name
    cdef Py_ssize_t count
    cdef tuple slots  # member descriptors (setter.__self__), or the setters themselves
    cdef tuple mandatory
    cdef tuple wire_types
    cdef tuple members
    cdef tuple paths
    cdef Py_ssize_t offsets[MAX_SLOTS]


cdef dict _COMPOSITE_PLANS = {}


cdef _CompositePlan composite_plan(object cls):
    cdef object found = _COMPOSITE_PLANS.get(cls)
    if found is not None:
        return <_CompositePlan>found
    if not isinstance(cls, type):
        raise TypeError(f"a composite class is a class, not {type(cls).__name__}")
    steps = cls.__dict__.get("_PLAN")
    if steps is None:
        cls._prepare()
        steps = cls._PLAN
    cdef _CompositePlan plan = _CompositePlan()
    plan.cls = cls
    plan.name = cls.SPEC.name
    plan.count = len(steps)
    plan.slots = tuple([slot_of(step.setter) for step in steps])
    plan.mandatory = tuple([bool(step.mandatory) for step in steps])
    plan.wire_types = tuple([step.wire_type for step in steps])
    plan.members = tuple([step.members for step in steps])
    plan.paths = tuple([step.path for step in steps])
    fill_offsets(plan.offsets, plan.slots, cls)
    _COMPOSITE_PLANS[cls] = plan
    return plan


cdef object slot_of(object setter):
    """The member descriptor behind ``descriptor.__set__``, else the setter itself."""
    slot = getattr(setter, "__self__", None)
    return slot if type(slot) is _MEMBER else setter


cdef inline int set_slot(object slot, object obj, object value) except -1:
    if type(slot) is _MEMBER:
        return amqp_descr_set(slot, obj, value)
    slot(obj, value)
    return 0


cdef inline int put(object slot, Py_ssize_t offset, object obj, object value) except -1:
    """Set a slot of ``obj``: at ``offset`` when known (``amqp_slot_offset``), else
    through its descriptor or setter."""
    if offset >= 0:
        amqp_slot_put(obj, offset, value)
        return 0
    return set_slot(slot, obj, value)


cdef int fill_offsets(Py_ssize_t* offsets, tuple slots, object cls) except -1:
    """``offsets[i]``: where ``slots[i]`` lives in instances of ``cls`` (or -1)."""
    cdef Py_ssize_t i, n = PyTuple_GET_SIZE(slots)
    for i in range(MAX_SLOTS):
        offsets[i] = -1
    if n > MAX_SLOTS:
        return 0
    for i in range(n):
        offsets[i] = amqp_slot_offset(<object>PyTuple_GET_ITEM(slots, i), cls)
    return 0


cdef object absent(object path):
    """The error for the mandatory field at ``path`` absent (made out of line: see ``fail_decode``)."""
    return DecodeError(_text.mandatory_absent(path), field=path)


cdef object c_to_typed(object value, object registry):
    """``_composite._to_typed``."""
    cdef PyObject* found
    cdef object cls
    if type(value) is not T_DESCRIBED:
        return value
    descriptor = amqp_descr_get(_D_DESCRIPTOR, value) if _FAST_WRAPPERS else value.descriptor
    if type(registry) is dict:
        try:
            found = PyDict_GetItemWithError(registry, descriptor)
        except TypeError:  # an unhashable descriptor names no class
            return value
        if found == NULL:
            return value
        cls = <object>found
    else:
        try:
            cls = registry.get(descriptor)
        except TypeError:
            return value
        if cls is None:
            return value
    body = amqp_descr_get(_D_VALUE, value) if _FAST_WRAPPERS else value.value
    if type(body) is not list:
        raise DecodeError(_text.not_described_list(cls.SPEC.name, body))
    return c_build_composite(cls, <list>body, registry)


cdef object c_build_composite(object cls, list values, object registry):
    """``_composite._build_composite``."""
    cdef _CompositePlan plan = composite_plan(cls)
    cdef Py_ssize_t count = PyList_GET_SIZE(values)
    cdef Py_ssize_t index
    cdef object value, kind
    if count > plan.count:
        raise DecodeError(_text.too_many_fields(plan.name, count, plan.count), field=plan.name)
    cdef object obj = amqp_alloc(cls)
    for index in range(plan.count):
        value = <object>PyList_GET_ITEM(values, index) if index < count else None
        if value is None:
            if <object>PyTuple_GET_ITEM(plan.mandatory, index):
                path = <object>PyTuple_GET_ITEM(plan.paths, index)
                raise absent(path)
        else:
            kind = type(value)
            if kind is <object>PyTuple_GET_ITEM(plan.wire_types, index):
                value = (<dict>PyTuple_GET_ITEM(plan.members, index)).get(value, value)
            elif kind is T_DESCRIBED:
                value = c_to_typed(value, registry)
        put(<object>PyTuple_GET_ITEM(plan.slots, index), plan.offsets[index], obj, value)
    return obj


cdef object dec_fields(
    Reader* r, unsigned int code, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl,
    _CompositePlan plan, object registry,
):
    """A list (constructor ``code`` just read) decoded straight into a new composite:
    what ``c_build_composite(cls, dec_list(...))`` gives, without the list.  Errors come
    in the same order: the list's own first, then the first field's (field order)."""
    cdef Py_ssize_t off = pp[0]
    cdef Py_ssize_t pos, stop, i
    cdef uint64_t count
    cdef unsigned int element
    cdef object value, kind, pending = None
    if code == C_LIST0:
        check_depth(r, depth, off, C_LIST0)
        count, pos, stop = 0, off, off
    else:
        check_depth(r, depth, off, code)
        read_header(r, code, off, end, encl, &count, &pos, &stop)
        if <int64_t>count > stop - pos or <int64_t>count > max_items(r):
            fail_count(r, count, stop - pos, off, code)
        if count > <uint64_t>plan.count:  # too many fields: the general path says so
            return c_build_composite(plan.cls, dec_list(r, code, pp, end, depth, encl), registry)
    cdef object obj = amqp_alloc(plan.cls)
    depth += 1
    for i in range(plan.count):
        if i < <Py_ssize_t>count:
            if pos >= stop:
                fail_missing(M_LIST_ELEMENT, pos, stop, code)
            element = r.data[pos]
            pos += 1
            value = dec_body(r, element, &pos, stop, depth, code)
        else:
            value = None
        if value is None:
            if pending is None and <object>PyTuple_GET_ITEM(plan.mandatory, i):
                path = <object>PyTuple_GET_ITEM(plan.paths, i)
                pending = absent(path)
        else:
            kind = type(value)
            if kind is <object>PyTuple_GET_ITEM(plan.wire_types, i):
                value = (<dict>PyTuple_GET_ITEM(plan.members, i)).get(value, value)
            elif kind is T_DESCRIBED and pending is None:
                try:
                    value = c_to_typed(value, registry)
                except DecodeError as error:
                    pending = error
        put(<object>PyTuple_GET_ITEM(plan.slots, i), plan.offsets[i], obj, value)
    if pos != stop:
        fail_filled(pos, stop, off, code)
    if pending is not None:
        raise pending
    pp[0] = stop
    return obj


cdef object dec_typed(Reader* r, Py_ssize_t* pp, Py_ssize_t end, int depth, int encl, object registry):
    """A described value (``0x00`` just read) made typed: ``c_to_typed(dec_described(...))``,
    its list decoded straight into the composite when the descriptor names one."""
    cdef Py_ssize_t off = pp[0]
    cdef unsigned int code
    cdef PyObject* found = NULL
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
    if (code == C_LIST0 or code == C_LIST8 or code == C_LIST32) and type(registry) is dict:
        try:
            found = PyDict_GetItemWithError(registry, descriptor)
        except TypeError:
            found = NULL
        if found != NULL:
            value = dec_fields(r, code, &off, end, depth, encl, composite_plan(<object>found), registry)
            pp[0] = off
            return value
    value = dec_body(r, code, &off, end, depth, encl)
    pp[0] = off
    return c_to_typed(new_described(descriptor, value), registry)


def to_typed(value, registry):
    """``value`` as its composite class when it is a ``Described`` whose descriptor is a
    key of ``registry`` (composite classes by numeric and symbolic descriptor), else
    ``value`` unchanged.  A known descriptor on anything but a list is a ``DecodeError``.
    """
    return c_to_typed(value, registry)


def build_composite(cls, values, registry):
    """A ``cls`` composite from a described list's decoded items, as sent (Part 1 §1.4);
    see ``_composite._build_composite``."""
    return c_build_composite(cls, values if type(values) is list else list(values), registry)
