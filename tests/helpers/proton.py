"""Comparing values as python-qpid-proton holds them (the interop tests' peer).

Proton is imported by the tests that use it, never here, so this module loads without it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["same_proton"]


def same_proton(a: Any, b: Any) -> bool:
    """Exact-type equality of Proton values at every depth: its binaries may be
    ``memoryview`` (compared as bytes) and its annotation maps ``dict`` subclasses
    (compared as dicts, in order); ``Described`` and ``Array`` by their parts."""
    if isinstance(a, memoryview):
        a = bytes(a)
    if isinstance(b, memoryview):
        b = bytes(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return len(a) == len(b) and all(
            same_proton(ka, kb) and same_proton(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same_proton, a, b))
    if type(a).__name__ == "Described":
        return same_proton(a.descriptor, b.descriptor) and same_proton(a.value, b.value)
    if type(a).__name__ == "Array":
        return (
            a.type == b.type
            and a.descriptor == b.descriptor
            and same_proton(list(a.elements), list(b.elements))
        )
    return bool(a == b)
