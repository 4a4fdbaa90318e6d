"""Facts about the environment the suite runs in."""

from __future__ import annotations

import os

__all__ = ["UNDER_ASAN"]

#: Running under AddressSanitizer, as README "Development" runs it: ``LD_PRELOAD`` naming
#: libasan, or ``ASAN_OPTIONS`` set.  ASan maps terabytes of shadow memory at start, so a
#: child process (which inherits ``LD_PRELOAD``) cannot start under an ``RLIMIT_AS`` cap.
UNDER_ASAN = "asan" in os.environ.get("LD_PRELOAD", "").lower() or "ASAN_OPTIONS" in os.environ
