"""The package as installed: its licence travels with it, and a release build of the
compiled module carries no debug information (``setup.py`` builds with ``-g0``)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest


def test_the_licence_is_installed_with_the_package() -> None:
    distribution = importlib.metadata.distribution("amqpcodec")
    assert distribution.metadata["License-Expression"] == "Apache-2.0"
    files = [str(path) for path in distribution.files or []]
    if not any(path.endswith("LICENSE") for path in files):  # an editable install lists no files
        pytest.skip("the distribution lists no LICENSE file (an editable install)")


def _elf_section_names(path: Path) -> list[str]:
    """The section names of a 64-bit little-endian ELF file (the compiled module on Linux)."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "a 64-bit little-endian ELF file"
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    names_at = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)[0]
    names = []
    for index in range(shnum):
        name = struct.unpack_from("<I", data, shoff + index * shentsize)[0]
        names.append(data[names_at + name : data.index(b"\0", names_at + name)].decode())
    return names


@pytest.mark.skipif(not sys.platform.startswith("linux") or sys.maxsize < 2**32, reason="reads 64-bit ELF")
def test_the_compiled_module_carries_no_debug_information() -> None:
    spec = importlib.util.find_spec("amqpcodec._speedups")
    if spec is None or spec.origin is None:
        pytest.skip("the compiled backend is not built")
    if os.environ.get("AMQPCODEC_SANITIZE", "") not in ("", "0"):
        pytest.skip("a sanitizer build keeps its debug information on purpose")
    sections = _elf_section_names(Path(spec.origin))
    assert ".text" in sections
    assert [name for name in sections if name.startswith(".debug")] == []


def test_strategies_without_hypothesis_name_the_extra() -> None:
    """``amqpcodec.strategies`` needs hypothesis; without it, the error says which extra
    installs it (hypothesis hidden from a child interpreter's imports)."""
    script = (
        "import sys\n"
        "class Hide:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'hypothesis' or name.startswith('hypothesis.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Hide())\n"
        "try:\n"
        "    import amqpcodec.strategies\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == (
        "amqpcodec.strategies needs hypothesis: install the test extra, pip install 'amqpcodec[test]'"
    ), result.stderr
