"""The shared body of the ``fuzz/run_<harness>.py`` atheris entry points.

Run a campaign from the repository root, e.g.::

    python fuzz/run_value.py fuzz/corpus/value -max_total_time=600

Any libFuzzer flag works (``-jobs``, ``-max_len``, ``-merge=1 NEW OLD`` ...).  With
``FUZZ_FINDINGS=DIR`` set, a contract breach does not stop the campaign: its input and
message go to DIR (at most five inputs per distinct message).  For
coverage of the compiled backend, build it with ``clang -fsanitize=address,fuzzer-no-link``
in a scratch copy and preload atheris's ``asan_with_fuzzer.so`` (fuzz/README.md).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Callable


def _keeping_findings(check: Callable[[bytes], None], directory: str) -> Callable[[bytes], None]:
    from fuzz.targets import ContractBreach

    seen: dict[str, int] = {}
    os.makedirs(directory, exist_ok=True)

    def run(data: bytes) -> None:
        try:
            check(data)
        except ContractBreach as breach:
            text = str(breach)
            kind = re.sub(r"\d+|'[^']*'|\b[0-9a-f]{8,}\b", "#", text.splitlines()[0])[:200]
            seen[kind] = seen.get(kind, 0) + 1
            if seen[kind] <= 5:
                name = os.path.join(directory, "breach-" + hashlib.sha1(data).hexdigest())
                with open(name, "wb") as out:
                    out.write(data)
                with open(name + ".txt", "w", encoding="utf-8") as out:
                    out.write(text + "\n")

    return run


def main(harness: str) -> None:
    import atheris

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with atheris.instrument_imports(include=["amqpcodec", "fuzz"]):
        from fuzz.harnesses import HARNESSES

    check = HARNESSES[harness]
    findings = os.environ.get("FUZZ_FINDINGS")
    atheris.Setup(sys.argv, check if not findings else _keeping_findings(check, findings))
    atheris.Fuzz()
