"""The one place that picks the backend (STYLE.md habit 2).

``AMQPCODEC_PUREPYTHON=1`` (any non-empty value other than ``0``) or a non-CPython
interpreter selects the pure-Python backend; otherwise the compiled ``_speedups``
module is used, falling back to pure Python only when it cannot be imported (it was
not built).  ``IMPLEMENTATION`` says which one is live.
"""

from __future__ import annotations

import os
import platform
from types import ModuleType

__all__ = ["backend", "IMPLEMENTATION", "pure_requested"]


def pure_requested() -> bool:
    """Whether the environment asks for the pure-Python backend."""
    flag = os.environ.get("AMQPCODEC_PUREPYTHON", "")
    return (flag not in ("", "0")) or platform.python_implementation() != "CPython"


def _select() -> tuple[ModuleType, str]:
    if not pure_requested():
        try:
            from . import _speedups  # type: ignore[attr-defined, unused-ignore]
        except ImportError:
            pass
        else:
            return _speedups, "cython"
    from . import _pure

    return _pure, "python"


backend, IMPLEMENTATION = _select()
