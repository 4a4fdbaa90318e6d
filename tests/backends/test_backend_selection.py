"""Which backend ``import amqpcodec`` picks (one place picks it, and says which), checked in fresh interpreters.

Without ``AMQPCODEC_PUREPYTHON`` a CPython install must run the compiled backend: a
missing or broken ``_speedups`` fails here rather than silently running the slow one
(multidict's ``test_circular_imports`` idea).  The one exception is a pure run, where
this process itself has ``AMQPCODEC_PUREPYTHON`` set: an install built that way has no
extension, so the check is skipped there when the extension is absent (it still runs,
with the variable removed from the child's environment, when the extension exists).
"""

from __future__ import annotations

import importlib.util
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

import amqpcodec

_PACKAGE_ROOT = str(Path(amqpcodec.__file__).resolve().parent.parent)

_REPORT = """
import importlib, amqpcodec, amqpcodec._backend as b
live = b.current()
module = importlib.import_module({"python": "amqpcodec._pure", "cython": "amqpcodec._speedups"}[live.name])
print(amqpcodec.IMPLEMENTATION)
print(module.__name__)
print(live.name == amqpcodec.IMPLEMENTATION and live.encode is module.encode and (live.compiled is module) == (live.name == "cython"))
print(getattr(module, "__file__", ""))
"""


def _flag_set(value: str | None) -> bool:
    return value not in (None, "", "0")


def _run(flag: str | None, tmp_path: Path) -> list[str]:
    """The child's report when importing amqpcodec with AMQPCODEC_PUREPYTHON = ``flag``."""
    env = {k: v for k, v in os.environ.items() if k != "AMQPCODEC_PUREPYTHON"}
    if flag is not None:
        env["AMQPCODEC_PUREPYTHON"] = flag
    env["PYTHONPATH"] = os.pathsep.join([_PACKAGE_ROOT, *filter(None, [env.get("PYTHONPATH")])])
    result = subprocess.run(
        [sys.executable, "-c", _REPORT], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _compiled_expected() -> bool:
    """Whether a default import must give the compiled backend (else: skip, or python)."""
    if platform.python_implementation() != "CPython":
        return False
    built = importlib.util.find_spec("amqpcodec._speedups") is not None
    if not built and _flag_set(os.environ.get("AMQPCODEC_PUREPYTHON")):
        pytest.skip("pure run (AMQPCODEC_PUREPYTHON is set) of an install without the extension")
    return True


@pytest.mark.parametrize("flag", [None, "", "0"])
def test_default_import_is_the_compiled_backend(tmp_path: Path, flag: str | None) -> None:
    compiled = _compiled_expected()
    implementation, module, wired, path = _run(flag, tmp_path)
    if not compiled:
        assert (implementation, module) == ("python", "amqpcodec._pure")
        return
    assert implementation == "cython", "the compiled backend is not built or failed to import"
    assert module == "amqpcodec._speedups"
    assert wired == "True"
    assert Path(path).suffix in (".so", ".pyd"), path


@pytest.mark.parametrize("flag", ["1", "yes"])
def test_purepython_flag_selects_the_pure_backend(tmp_path: Path, flag: str) -> None:
    implementation, module, wired, path = _run(flag, tmp_path)
    assert (implementation, module, wired) == ("python", "amqpcodec._pure", "True")
    assert Path(path).parent.name == "_pure"


def test_this_process_runs_the_backend_its_environment_asks_for() -> None:
    """The suite itself runs the backend the environment selects (README's two runs)."""
    from amqpcodec import _backend

    if _flag_set(os.environ.get("AMQPCODEC_PUREPYTHON")) or platform.python_implementation() != "CPython":
        assert amqpcodec.IMPLEMENTATION == "python"
        assert _backend.current().compiled is None
    else:
        assert amqpcodec.IMPLEMENTATION == "cython"
        assert _backend.current().compiled is not None
    assert amqpcodec.IMPLEMENTATION == _backend.IMPLEMENTATION == _backend.current().name


def _stub_parameters() -> dict[str, list[tuple[str, str | None]]]:
    """Each function of ``_speedups.pyi``: its parameters, with their defaults as source."""
    import ast

    tree = ast.parse((Path(amqpcodec.__file__).parent / "_speedups.pyi").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            args = node.args.args
            defaults = [None] * (len(args) - len(node.args.defaults)) + [
                ast.unparse(d) for d in node.args.defaults
            ]
            found[node.name] = [(arg.arg, default) for arg, default in zip(args, defaults, strict=True)]
    return found


def _runtime_parameters(function: object) -> list[tuple[str, str | None]]:
    import inspect

    return [
        (name, None if p.default is inspect.Parameter.empty else repr(p.default))
        for name, p in inspect.signature(function).parameters.items()  # type: ignore[arg-type]
    ]


def test_the_compiled_stub_matches_the_pure_codec() -> None:
    """The value codec exists twice: the stub's ``encode``/``decode_prefix`` take exactly
    the pure functions' parameters (``mypy.stubtest`` in CI checks the stub against the
    compiled module itself), and the stub names every hot path of ``_seam.CompiledPaths``."""
    from amqpcodec import _pure, _seam

    stub = _stub_parameters()
    for name in _pure.__all__:
        assert stub[name] == _runtime_parameters(getattr(_pure, name)), name
    paths = {name for name in vars(_seam.CompiledPaths) if not name.startswith("_")}
    assert paths <= set(stub), paths - set(stub)
