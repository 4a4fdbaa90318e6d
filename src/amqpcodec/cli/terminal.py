"""What the CLI draws for a terminal: colour, and the progress bar of a capture.

Strategy: :class:`Style` wraps a piece of text in the ANSI SGR codes (ECMA-48) of its
role (offset, direction, name ...), or leaves it as it is when colour is off; the
application decides (``--color``, ``--no-color``, ``NO_COLOR``, whether stdout is a
terminal).  :class:`Progress` draws one line on stderr, redrawn in place with ``\\r``
and erased with ``ESC [ K``, at most every ``interval`` seconds, so that reading a
large capture costs no time drawing it.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from typing import ClassVar, TextIO

__all__ = ["Style", "Progress"]


class Style:
    """ANSI SGR colouring (ECMA-48 §8.3.117), or none."""

    CODES: ClassVar[dict[str, str]] = {
        "offset": "2",
        "c2s": "36",
        "s2c": "35",
        "name": "1",
        "header": "1;34",
        "message": "1;32",
        "section": "32",
        "error": "1;31",
        "peer": "1;35",
        "resync": "33",
        "gap": "33",
        "connection": "1;34",
        "time": "2",
        "note": "33",
        "summary": "1",
    }

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, role: str, text: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{self.CODES[role]}m{text}\x1b[0m"


class Progress:
    """A progress bar on one terminal line (stderr): the share of ``total`` bytes read,
    and the rate; drawn at the first update, then at most every ``interval`` seconds,
    erased by ``clear()``."""

    def __init__(
        self,
        stream: TextIO,
        total: int | None,
        *,
        clock: Callable[[], float] = _time.monotonic,
        interval: float = 0.2,
        width: int = 30,
    ) -> None:
        self.stream = stream
        self.total = total if total else None
        self.clock = clock
        self.interval = interval
        self.width = width
        self.started = clock()
        self._drawn: float | None = None
        self.visible = False

    def update(self, done: int) -> None:
        """``done`` bytes are read: redraw if ``interval`` has passed since the last time."""
        now = self.clock()
        if self._drawn is not None and now - self._drawn < self.interval:
            return
        self._drawn = now
        elapsed = now - self.started
        rate = f"  {done / elapsed / 2**20:.1f} MiB/s" if elapsed > 0 else ""
        if self.total is None:
            text = f"{done / 2**20:.1f} MiB{rate}"
        else:
            share = min(done / self.total, 1.0)
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            text = f"[{bar}] {share * 100:3.0f}%  {done / 2**20:.1f} of {self.total / 2**20:.1f} MiB{rate}"
        self.stream.write(f"\r{text}\x1b[K")
        self.stream.flush()
        self.visible = True

    def clear(self) -> None:
        """Erase the bar (before other output to the terminal, and at the end)."""
        if self.visible:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.visible = False
