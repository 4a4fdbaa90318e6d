"""The package's namespace as users meet it: what ``import amqpcodec`` offers is its
``__all__`` and its public submodules, nothing picked up on the way (a helper, a typing
name, the backend); every module of the package declares ``__all__``."""

from __future__ import annotations

import ast
import types

import amqpcodec
from tests.helpers.paths import ROOT

PACKAGE = ROOT / "src" / "amqpcodec"


def test_the_top_level_offers_its_all_and_submodules_only() -> None:
    public = {name for name in dir(amqpcodec) if not name.startswith("_")}
    leaked = {
        name
        for name in public - set(amqpcodec.__all__)
        if not isinstance(getattr(amqpcodec, name), types.ModuleType)
    }
    assert leaked == set()
    assert all(hasattr(amqpcodec, name) for name in amqpcodec.__all__)


def test_every_module_declares_all() -> None:
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            target.id
            for node in tree.body
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        if "__all__" not in names:
            missing.append(str(path.relative_to(PACKAGE)))
    assert missing == []
