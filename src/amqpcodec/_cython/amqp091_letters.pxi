# Part of _speedups.pyx, which includes it (the order there matters: see its docstring).
#
# The AMQP 0-9-1 field-table letters (§4.2.5.5, RabbitMQ errata §3) as C tables, read
# from the one letter table, amqpcodec.amqp091._letters, the first time the compiled
# table codec runs (``t91_load``): importing amqpcodec never loads the 0-9-1 package.
# Nothing here names a letter: each octet's kind, width, range and decoded class come
# from that table's rows, and the letters the plain Python types are written with from
# its ENCODED_FROM column.  The rare encoder paths (decimals, NaN floats, values out of
# their letter's range, bytes-likes other than bytes, datetimes, other Mappings,
# refused types, keys that are not plain ASCII str) call the pure codec's own functions
# (amqpcodec.amqp091._tables), so their bytes and errors cannot differ from it.


# The kinds of _letters.Kind as C numbers (matched to that enum by member name at load).
cdef enum Kind91:
    K91_NONE = 0  # not a letter
    K91_BOOLEAN
    K91_INTEGER
    K91_FLOAT32
    K91_FLOAT64
    K91_DECIMAL
    K91_LONG_STRING
    K91_BYTES
    K91_ARRAY
    K91_TIMESTAMP
    K91_TABLE
    K91_VOID

cdef dict _KIND91_BY_NAME = {
    "BOOLEAN": K91_BOOLEAN,
    "INTEGER": K91_INTEGER,
    "FLOAT32": K91_FLOAT32,
    "FLOAT64": K91_FLOAT64,
    "DECIMAL": K91_DECIMAL,
    "LONG_STRING": K91_LONG_STRING,
    "BYTES": K91_BYTES,
    "ARRAY": K91_ARRAY,
    "TIMESTAMP": K91_TIMESTAMP,
    "TABLE": K91_TABLE,
    "VOID": K91_VOID,
}

cdef bint _t91_ready = False
cdef unsigned char _K91[256]  # kind per octet (K91_NONE: no such letter)
cdef unsigned char _W91[256]  # bytes of the fixed part after the letter
cdef bint _SIGNED91[256]  # integer letters: read signed
cdef bint _FV91[256]  # decodes to a FieldValue of its letter (spec-only letters)
cdef int64_t _MIN91[256]  # integer letters (not T): the range a value takes
cdef int64_t _MAX91[256]
cdef list _LETTER91 = [None] * 256  # the letter as a one-character str
cdef list _CLASS91 = [None] * 256  # the class a value decodes to (None: a plain int)
cdef list _SMALL91 = [None] * 256  # int wrappers: the decoded values -128 .. 255, shared
cdef dict _ENCODED91 = {}  # exact Python type -> the letter octet it is written with
# The letters of the plain Python types (ENCODED_FROM), for the encoder's fast tests.
cdef unsigned int _L91_STR, _L91_INT, _L91_BOOL, _L91_FLOAT, _L91_BYTES, _L91_DICT, _L91_LIST, _L91_TUPLE
cdef unsigned int _L91_NONE
# What the codec needs of the 0-9-1 package.
cdef object _TableRead91 = None
cdef object _FieldValue91 = None
cdef object _new_fv91 = None
cdef object _text91 = None  # amqp091._tables_text
cdef object _pure91 = None  # amqp091._tables, the reference
cdef object _writers91 = None  # its writer of each scalar letter


cdef int t91_load() except -1:
    """Fill the tables above from ``_letters`` (once)."""
    global _t91_ready, _TableRead91, _FieldValue91, _new_fv91, _text91, _pure91, _writers91
    global _L91_STR, _L91_INT, _L91_BOOL, _L91_FLOAT, _L91_BYTES, _L91_DICT, _L91_LIST, _L91_TUPLE, _L91_NONE
    from amqpcodec.amqp091 import _letters, _tables, _tables_text, values

    cdef int code
    for code in range(256):
        _K91[code] = K91_NONE
        _W91[code] = 0
        _SIGNED91[code] = _FV91[code] = False
        _MIN91[code] = _MAX91[code] = 0
    for spec in _letters.LETTERS:
        code = ord(spec.letter)
        _K91[code] = _KIND91_BY_NAME[spec.kind.name]
        _W91[code] = spec.width
        _LETTER91[code] = spec.letter
        _FV91[code] = spec.decodes_to is values.FieldValue
        _CLASS91[code] = None if spec.decodes_to is int else spec.decodes_to
        if _K91[code] == K91_INTEGER:
            _SIGNED91[code] = spec.minimum < 0
            _MIN91[code], _MAX91[code] = spec.minimum, spec.maximum
            if not _FV91[code] and spec.decodes_to is not int:
                _SMALL91[code] = tuple([
                    int.__new__(spec.decodes_to, i) if spec.minimum <= i <= spec.maximum else None
                    for i in range(-128, 256)
                ])
    for kind, letter in _letters.ENCODED_FROM.items():
        _ENCODED91[kind] = ord(letter)
    _L91_STR, _L91_INT, _L91_BOOL = _ENCODED91[str], _ENCODED91[int], _ENCODED91[bool]
    _L91_FLOAT, _L91_BYTES, _L91_DICT = _ENCODED91[float], _ENCODED91[bytes], _ENCODED91[dict]
    _L91_LIST, _L91_TUPLE, _L91_NONE = _ENCODED91[list], _ENCODED91[tuple], _ENCODED91[type(None)]
    _TableRead91 = _tables.TableRead
    _FieldValue91 = values.FieldValue
    _new_fv91 = values._new_field_value
    _text91 = _tables_text
    _pure91 = _tables
    _writers91 = _tables._WRITERS
    _t91_ready = True
    return 0


cdef inline int t91_ready() except -1:
    if not _t91_ready:
        return t91_load()
    return 0


cdef struct Limits91:
    PyObject* limits  # borrowed; the error texts read its fields again
    int64_t depth
    int64_t items
    int64_t pairs
    int64_t output


cdef int limits91_init(Limits91* lim, object limits) except -1:
    """The limits of one call (a real ``Limits`` is read once and cached: ``known_limits``)."""
    cdef KnownLimits* known = known_limits(limits)
    lim.limits = <PyObject*>limits
    if known != NULL:
        lim.depth, lim.items, lim.pairs, lim.output = known.depth, known.items, known.pairs, known.output
        return 0
    # Any other object: its fields as the pure codec would read them (nesting held to
    # _HARD_DEPTH so the C stack is never at risk).
    lim.depth = clamp(limits.max_depth)
    if lim.depth > _HARD_DEPTH:
        lim.depth = _HARD_DEPTH
    lim.items = clamp(limits.max_container_items)
    lim.pairs = clamp(limits.max_map_entries)
    lim.output = clamp(limits.max_message_size)
    return 0
