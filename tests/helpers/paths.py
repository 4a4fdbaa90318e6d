"""Where the suite's files are: the repository, its examples and the test data."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DATA", "EXAMPLES", "ROOT", "TESTS"]

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
DATA = TESTS / "data"
EXAMPLES = ROOT / "examples"
