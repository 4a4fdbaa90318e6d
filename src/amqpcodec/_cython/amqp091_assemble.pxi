# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The AMQP 0-9-1 content assembler's hot path (0-9-1 §4.2.6): feed091 takes one reader
# event for a ContentAssembler when it continues the usual sequence (a content method
# on a channel with no content begun, its header, its body frames; a method that
# carries no content; heartbeats and protocol headers; a body frame on a channel being
# dropped) and changes the assembler's own state (its dict of channel states, the
# _Pending objects, the held count) exactly as amqp091.assembler does, through
# _seam.AssemblerPlan091.  Anything else (a sequence fault, a limit reached, a value of
# a type the reference would still take) gives DECLINED with nothing changed, and the
# reference then takes the event and reports in full.


# ContentAssembler's slots and _Pending's, in AssemblerPlan091's orders.
cdef enum:
    A91S_LIMITS, A91S_STATES, A91S_HELD, A91S_COUNT
cdef enum:
    A91P_METHOD, A91P_PROPERTIES, A91P_BODY_SIZE, A91P_CHUNKS, A91P_RECEIVED, A91P_COUNT


cdef class _Assembler91:
    """A ``_seam.AssemblerPlan091``, read once."""

    cdef object source
    cdef bint usable  # every slot a plain one (else every event is declined)
    cdef Py_ssize_t assembler[A91S_COUNT]
    cdef Py_ssize_t pending[A91P_COUNT]
    cdef Py_ssize_t message[4]
    cdef object owner  # ContentAssembler (a subclass may override its steps: declined)
    cdef object pending_class, dropping, message_class
    cdef dict methods  # each method class's _Method91 (HAS_CONTENT, CLASS_ID)
    cdef tuple quiet
    cdef _Frames91 frames


cdef _Assembler91 _assembler91 = None


cdef bint a91_offsets(Py_ssize_t* offsets, object setters, Py_ssize_t count, object cls) except -1:
    """Fill ``offsets`` with where each setter's slot lives in ``cls``: True when all are plain."""
    cdef tuple slots = tuple([slot_of(setter) for setter in setters])
    cdef Py_ssize_t i
    if len(slots) != count or not isinstance(cls, type):
        raise ValueError("malformed AMQP 0-9-1 assembler plan")
    for i in range(count):
        offsets[i] = amqp_slot_offset(slots[i], cls)
        if offsets[i] < 0:
            return False
    return True


cdef bint a91_plain(Py_ssize_t* offsets, Py_ssize_t count) noexcept:
    """Whether the first ``count`` of an event's slots are all plain ones."""
    cdef Py_ssize_t i
    for i in range(count):
        if offsets[i] < 0:
            return False
    return True


cdef _Assembler91 a91_plan(object source):
    """The compiled form of ``source`` (an ``AssemblerPlan091``), cached by identity."""
    global _assembler91
    if _assembler91 is not None and _assembler91.source is source:
        return _assembler91
    cdef _Assembler91 a = _Assembler91()
    a.source = source
    a.pending_class, a.dropping, a.message_class = source.pending_class, source.dropping, source.message_class
    a.quiet = tuple(source.quiet)
    a.frames = f91_plan(source.frames)
    a.methods = m91_plans(a.frames.methods_source).by_type
    a.owner = getattr(slot_of(source.assembler_slots[0]), "__objclass__", None)
    a.usable = (
        a91_offsets(a.assembler, source.assembler_slots, A91S_COUNT, a.owner)
        & a91_offsets(a.pending, source.pending_slots, A91P_COUNT, a.pending_class)
        & a91_offsets(a.message, source.message_slots, 4, a.message_class)
        & a91_plain(a.frames.method_offsets, 3)
        & a91_plain(a.frames.header_offsets, 6)
        & a91_plain(a.frames.body_offsets, 3)
    )
    _assembler91 = a
    return a


cdef inline object a91_get(object obj, Py_ssize_t offset):
    """A slot's value (None when unset: never one the paths below take)."""
    cdef PyObject* value = amqp_slot_peek(obj, offset)
    return None if value == NULL else <object>value


cdef inline object a91_event(object event, Py_ssize_t* offsets, int index):
    """An event's slot ``index``."""
    return a91_get(event, offsets[index])


cdef inline bint a91_int(object value, int64_t* out) noexcept:
    """``value`` as a C integer when it is an ``int`` from 0 to 2**63 - 1, else False."""
    cdef int overflow = 0
    cdef long long x
    if type(value) is not int:
        return False
    x = PyLong_AsLongLongAndOverflow(value, &overflow)
    if overflow or x < 0:
        return False
    out[0] = x
    return True


cdef object a91_message(_Assembler91 a, object channel, object method, object properties, object body):
    """``Message(channel, method, properties, body)``, its slots set in place."""
    cdef object message = amqp_alloc(a.message_class)
    amqp_slot_put(message, a.message[0], channel)
    amqp_slot_put(message, a.message[1], method)
    amqp_slot_put(message, a.message[2], properties)
    amqp_slot_put(message, a.message[3], body)
    return message


cdef object a91_method(_Assembler91 a, dict states, object event):
    """A method frame (§4.2.6): a content method opens its channel's content, another
    leaves the channel idle; one arriving mid-content (a fault) is declined."""
    cdef _Frames91 f = a.frames
    channel = a91_event(event, f.method_offsets, 1)
    method = a91_event(event, f.method_offsets, 2)
    cdef PyObject* plan = PyDict_GetItemWithError(a.methods, type(method))
    cdef PyObject* found = PyDict_GetItemWithError(states, channel)
    if plan == NULL or (found != NULL and type(<object>found) is a.pending_class):
        return DECLINED
    if not (<_Method91>plan).has_content:
        if found != NULL:
            del states[channel]
        return None
    pending = amqp_alloc(a.pending_class)
    amqp_slot_put(pending, a.pending[A91P_METHOD], method)
    amqp_slot_put(pending, a.pending[A91P_PROPERTIES], None)
    amqp_slot_put(pending, a.pending[A91P_BODY_SIZE], 0)
    amqp_slot_put(pending, a.pending[A91P_CHUNKS], [])
    amqp_slot_put(pending, a.pending[A91P_RECEIVED], 0)
    states[channel] = pending
    return None


cdef object a91_header(_Assembler91 a, dict states, object event, int64_t max_size):
    """A content header (§4.2.6.1) right after its content method, of its class, weight 0,
    its body size within ``max_size``; anything else is declined."""
    cdef _Frames91 f = a.frames
    cdef int64_t body_size, class_id, weight
    cdef PyObject* plan
    channel = a91_event(event, f.header_offsets, 1)
    cdef PyObject* found = PyDict_GetItemWithError(states, channel)
    if found == NULL or type(<object>found) is not a.pending_class:
        return DECLINED
    pending = <object>found
    if a91_get(pending, a.pending[A91P_PROPERTIES]) is not None:
        return DECLINED
    method = a91_get(pending, a.pending[A91P_METHOD])
    plan = PyDict_GetItemWithError(a.methods, type(method))
    size = a91_event(event, f.header_offsets, 4)
    if (
        plan == NULL
        or not a91_int(a91_event(event, f.header_offsets, 2), &class_id)
        or class_id != (<_Method91>plan).class_id
        or not a91_int(a91_event(event, f.header_offsets, 3), &weight)
        or weight != 0
        or not a91_int(size, &body_size)
        or body_size > max_size
    ):
        return DECLINED
    properties = a91_event(event, f.header_offsets, 5)
    if body_size == 0:
        del states[channel]
        return a91_message(a, channel, method, properties, b"")
    amqp_slot_put(pending, a.pending[A91P_PROPERTIES], properties)
    amqp_slot_put(pending, a.pending[A91P_BODY_SIZE], size)
    return None


cdef object a91_body(_Assembler91 a, object assembler, dict states, object event, int64_t max_size):
    """A body frame (§4.2.6.2) within its content's body size: the message when it is the
    last, else held; one on a channel being dropped is taken and dropped.  Anything
    else (a fault, the partial contents past ``max_size``) is declined."""
    cdef _Frames91 f = a.frames
    cdef int64_t body_size, received, held, size
    channel = a91_event(event, f.body_offsets, 1)
    payload = a91_event(event, f.body_offsets, 2)
    cdef PyObject* found = PyDict_GetItemWithError(states, channel)
    if found != NULL and <object>found is a.dropping:
        return None
    if found == NULL or type(<object>found) is not a.pending_class or type(payload) is not bytes:
        return DECLINED
    pending = <object>found
    properties = a91_get(pending, a.pending[A91P_PROPERTIES])
    chunks = a91_get(pending, a.pending[A91P_CHUNKS])
    if (
        properties is None
        or type(chunks) is not list
        or not a91_int(a91_get(pending, a.pending[A91P_BODY_SIZE]), &body_size)
        or not a91_int(a91_get(pending, a.pending[A91P_RECEIVED]), &received)
        or not a91_int(a91_get(assembler, a.assembler[A91S_HELD]), &held)
    ):
        return DECLINED
    size = PyBytes_GET_SIZE(payload)
    if received + size > body_size:
        return DECLINED
    if received + size == body_size:
        amqp_slot_put(assembler, a.assembler[A91S_HELD], held - received)
        del states[channel]
        if PyList_GET_SIZE(chunks):
            payload = b"".join(chunks + [payload])
        return a91_message(a, channel, a91_get(pending, a.pending[A91P_METHOD]), properties, payload)
    if held + size > max_size:
        return DECLINED
    (<list>chunks).append(payload)
    amqp_slot_put(pending, a.pending[A91P_RECEIVED], received + size)
    amqp_slot_put(assembler, a.assembler[A91S_HELD], held + size)
    return None


def feed091(assembler, event, plan):
    """``amqp091.ContentAssembler.feed(event)`` (the reference) for the usual sequence
    (§4.2.6): the message completed or ``None``; else ``DECLINED``, nothing changed."""
    cdef _Assembler91 a = a91_plan(plan)
    cdef _Frames91 f = a.frames
    cdef KnownLimits* known
    cdef type kind = type(event)
    if not a.usable or type(assembler) is not a.owner:
        return DECLINED
    states = a91_get(assembler, a.assembler[A91S_STATES])
    if type(states) is not dict:
        return DECLINED
    if kind is f.method_frame:
        return a91_method(a, <dict>states, event)
    if kind is f.header_frame or kind is f.body_frame:
        known = known_limits(a91_get(assembler, a.assembler[A91S_LIMITS]))
        if known == NULL:
            return DECLINED
        if kind is f.body_frame:
            return a91_body(a, assembler, <dict>states, event, known.output)
        return a91_header(a, <dict>states, event, known.output)
    if kind in a.quiet:
        return None
    return DECLINED
