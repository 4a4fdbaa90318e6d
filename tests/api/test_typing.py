"""Static typing as a user meets it.

``tests/typing/check_public_types.py`` is checked by ``mypy --strict`` (here when mypy is
installed, and always in CI's lint step).  The ``effective_<field>`` properties that
``@composite`` sets at run time are declared for type checkers in each class's
``if TYPE_CHECKING:`` block; here the two lists are held equal, class by class.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import subprocess
import sys
import textwrap

import pytest

from amqpcodec._composite import REGISTRY
from tests.helpers.paths import TESTS


def declared_effective(cls: type) -> set[str]:
    """The ``effective_*`` properties declared in ``cls``'s source for type checkers."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("effective_")
    }


@pytest.mark.parametrize(
    "cls", sorted(set(REGISTRY.values()), key=lambda cls: cls.SPEC.code), ids=lambda cls: cls.__name__
)
def test_effective_properties_are_declared_for_type_checkers(cls: type) -> None:
    at_run_time = {name for name in dir(cls) if name.startswith("effective_")}
    assert declared_effective(cls) == at_run_time


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None, reason="mypy is not installed (CI's lint step runs it)"
)
def test_a_users_script_is_type_checked() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10", str(TESTS / "typing")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
