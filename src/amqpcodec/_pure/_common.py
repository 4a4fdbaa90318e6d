"""What the pure value codec's decoder and encoder share: the struct formats of Part 1 §1.6
and the fast constructors of the wrapper types."""

from __future__ import annotations

import struct

__all__: list[str] = []


_u8 = struct.Struct(">B")
_u16 = struct.Struct(">H")
_u32 = struct.Struct(">I")
_u64 = struct.Struct(">Q")
_i8 = struct.Struct(">b")
_i16 = struct.Struct(">h")
_i32 = struct.Struct(">i")
_i64 = struct.Struct(">q")
_f64 = struct.Struct(">d")
_hdr32 = struct.Struct(">BII")  # constructor, size, count of a 32-bit compound

_new_int = int.__new__
_new_float = float.__new__
_new_str = str.__new__
