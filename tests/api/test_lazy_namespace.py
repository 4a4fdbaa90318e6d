"""The lazily loaded top level (PEP 562): a bare ``import amqpcodec`` loads nothing else,
and every public name still resolves to the object its module defines.

The package's table of names (``amqpcodec._EXPORTS``) is held equal here to the
modules' own ``__all__``, so the two lists cannot drift.  No timing is asserted
(``benchmarks/import_time.py`` measures it); the checks that need a fresh interpreter
run one.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import types

import pytest

import amqpcodec
from tests.helpers.paths import ROOT

#: Modules whose whole ``__all__`` the top level re-exports.
_WHOLE = ("definitions", "performatives", "transactions", "frames", "message", "errors", "_codec")


def _child(code: str) -> str:
    """Run ``code`` in a fresh interpreter on this checkout; its stdout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_public_name_resolves_to_its_modules_object() -> None:
    exports: dict[str, tuple[str, ...]] = amqpcodec._EXPORTS  # type: ignore[attr-defined]
    for module_name, names in exports.items():
        module = importlib.import_module(f"amqpcodec.{module_name}")
        for name in names:
            assert getattr(amqpcodec, name) is getattr(module, name), name


def test_the_table_matches_the_modules_all() -> None:
    exports: dict[str, tuple[str, ...]] = amqpcodec._EXPORTS  # type: ignore[attr-defined]
    for module_name, names in exports.items():
        module_all = importlib.import_module(f"amqpcodec.{module_name}").__all__
        assert len(set(names)) == len(names), module_name
        if module_name in _WHOLE:
            assert set(names) == set(module_all), module_name
        else:
            assert set(names) <= set(module_all), module_name
    everything = [name for names in exports.values() for name in names]
    assert sorted(amqpcodec.__all__) == sorted(["__version__", *everything])
    assert len(set(amqpcodec.__all__)) == len(amqpcodec.__all__)


def test_dir_lists_every_public_name() -> None:
    assert set(amqpcodec.__all__) <= set(dir(amqpcodec))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        amqpcodec.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    if "amqpcodec.cli" not in sys.modules:  # other tests may have imported it (an attribute then)
        assert not hasattr(amqpcodec, "cli")  # a submodule the package never loaded itself


def test_the_submodules_an_eager_package_offered_are_attributes() -> None:
    for name in ("types", "errors", "limits", "definitions", "performatives", "message", "frames"):
        assert isinstance(getattr(amqpcodec, name), types.ModuleType)
        assert getattr(amqpcodec, name) is sys.modules[f"amqpcodec.{name}"]


def test_a_bare_import_loads_nothing_else() -> None:
    """Neither another module of the package nor a standard module (typing, dataclasses,
    re, uuid, decimal, datetime, ...) that the bare interpreter had not loaded."""
    loaded = _child(
        "import sys; before = set(sys.modules); import amqpcodec; print(sorted(set(sys.modules) - before))"
    )
    assert loaded.strip() == "['amqpcodec']"


def test_star_import_and_first_use_in_a_fresh_interpreter() -> None:
    out = _child(
        "from amqpcodec import *\n"
        "import amqpcodec\n"
        "missing = [n for n in amqpcodec.__all__ if n not in globals() and n != '__version__']\n"
        "print(missing, decode(encode([UInt(1), Symbol('a')])), IMPLEMENTATION == amqpcodec._backend.IMPLEMENTATION)\n"
    )
    assert out.split() == ["[]", "[UInt(1),", "Symbol('a')]", "True"]


_COMPOSITE_MODULES = ("definitions", "performatives", "transactions", "message.sections")

_REGISTERED = (
    "import importlib, sys\n"
    "import amqpcodec.{first}\n"
    "from amqpcodec._composite import REGISTRY, Composite\n"
    "from amqpcodec._spec import COMPOSITES\n"
    "mods = [importlib.import_module('amqpcodec.' + m) for m in {modules!r}]\n"
    "classes = {{v for m in mods for v in vars(m).values()\n"
    "           if isinstance(v, type) and issubclass(v, Composite) and 'SPEC' in v.__dict__}}\n"
    "print({{c.SPEC.name for c in classes}} == set(COMPOSITES), set(REGISTRY.values()) == classes)\n"
)


@pytest.mark.parametrize("first", ["definitions", "performatives", "transactions", "frames", "message"])
def test_whichever_composite_module_loads_first_the_registry_is_whole(first: str) -> None:
    """Decoders make typed what ``REGISTRY`` knows, so it must hold every composite class
    however the package is entered (a coordinator target read by a FrameReader alone,
    a described header given to ``to_typed``)."""
    every_spec_entry, whole = _child(_REGISTERED.format(first=first, modules=_COMPOSITE_MODULES)).split()
    assert (every_spec_entry, whole) == ("True", "True")


def test_to_typed_first_knows_every_class() -> None:
    out = _child(
        "from amqpcodec import to_typed, decode\n"
        "print(type(to_typed(decode(bytes.fromhex('00537045')))).__name__)\n"  # header: empty list
    )
    assert out.strip() == "Header"
