"""Counting the source lines a call runs (``sys.settrace``): how tests prove an
operation costs O(what it touches), not O(everything held)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["lines_run"]


def lines_run(path: str, action: Callable[[], Any]) -> int:
    """How many lines of the source file ``path`` run during ``action`` (sys.settrace)."""
    count = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename == path else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        action()
    finally:
        sys.settrace(previous)
    return count
