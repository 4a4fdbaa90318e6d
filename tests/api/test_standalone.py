"""The repository stands alone: nothing in it points to a file outside it (the notes the
project was started from, a machine's paths).  Checked over every text file of the
source tree, the tests, the docs, the benchmarks and their results, the fuzz harnesses,
the examples, CI and the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

#: What a reference to a file outside the repository looks like (spelled in pieces, so
#: that this file does not match itself).
OUTSIDE = (
    "../" + "shared",
    "/work" + "/",
    "API" + ".md",
    "API" + "-091.md",
    "STYLE" + ".md",
    "PEERS" + ".md",
)
TREES = ("src", "tests", "docs", "benchmarks", "fuzz", "examples", ".ci")
SKIPPED_PARTS = {"_build", "__pycache__", "corpus"}
TEXT_SUFFIXES = {
    ".py",
    ".pyx",
    ".pxi",
    ".pyi",
    ".h",
    ".md",
    ".txt",
    ".toml",
    ".json",
    ".cfg",
    ".in",
    ".hex",
    "",
}


def text_files() -> list[Path]:
    found = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / "setup.py", ROOT / "MANIFEST.in"]
    for tree in TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            parts = set(path.parts)
            built = SKIPPED_PARTS & parts or any(part.endswith(".egg-info") for part in parts)
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not built:
                found.append(path)
    return found


def test_nothing_points_outside_the_repository() -> None:
    if not (ROOT / "src").is_dir():
        pytest.skip("not run from a source tree")
    found = []
    for path in text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            found.extend(
                f"{path.relative_to(ROOT)}:{number}: {needle}" for needle in OUTSIDE if needle in line
            )
    assert found == []
