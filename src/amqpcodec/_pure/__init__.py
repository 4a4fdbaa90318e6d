"""The pure-Python backend: the hot value encoder and decoder (Part 1 §1.2, §1.6).

Strategy: decoding walks the input (``bytes``, or a ``memoryview`` of anything else)
with an integer offset and never slices the remainder.  A 256-entry table maps each
constructor byte to a handler ``(buf, off, end, depth, limits) -> (value, off)``;
``off`` is the first byte after the constructor and ``end`` the bound the value must
stay within.  Compound handlers call the table directly, so each nesting level costs
one Python frame, and ``Limits.max_depth`` (at most 500) bounds recursion in this
backend exactly as in the compiled one.  The ``limits`` a handler gets is a
:class:`_Bounds`, made once per decode call: the ``Limits`` fields it reads, and the
call's budget of zero-width array elements (``Limits`` docstring).

Maps count the hashes of their keys as they are decoded, except ``str``, ``Symbol``
and ``bytes`` keys (SipHash, keyed per process); a map with more than
``limits.MAX_KEYS_PER_HASH`` keys sharing one hash is refused at the first key over
it, before any dict is built, so hash flooding costs linear time.

Running past ``end`` at the top level means the input is cut short
(:class:`IncompleteError`); inside a list, map or array it means the compound's
declared size is wrong, so compound handlers turn :class:`IncompleteError` raised
by their elements into a plain :class:`DecodeError`.

Error offsets: a fault in a value's bytes is reported at the first byte after its
constructor (for an array element, at the element's first byte); an unknown or
missing constructor, and a duplicate or unhashable map key, at the constructor.

Encoding appends to one ``bytearray``.  Compounds write the short header
(list8/map8/array8) first and widen it in place if the content turns out too large,
so canonical (smallest) encodings cost no second pass.  The output is held to
``Limits.max_message_size`` at a few cheap points (``_too_large``: after each
compound, each ``__amqp__`` hook and each variable-width or compound array element,
before each string or binary of over 255 bytes, and at the end), never per byte;
chains of hooks are unrolled in a loop and bounded by ``max_depth``.  As in decoding,
each nesting level costs one Python frame and no more: a compound applies the hooks of
its elements (and descriptor) in its own frame (``_unhook``), so hooks add neither
nesting depth nor frames, and ``MAX_DEPTH_CEILING`` levels through hooks encode as in
the compiled backend instead of exhausting the Python stack first.

This module is the value codec only.  The layers above (``_composite``, ``message``,
``frames``) are written once, in Python, and run as they are on this backend; the
compiled backend adds hot paths for them (``_seam.CompiledPaths``) with no twin here.

The compiled twin, ``_speedups.pyx``, mirrors every function here with the same
results and errors; ``tests/backends/test_value_codecs.py`` and
``tests/backends/test_hot_paths.py`` hold them to it.
"""

from __future__ import annotations

from .decoder import decode_prefix
from .encoder import encode

__all__ = ["encode", "decode_prefix"]
