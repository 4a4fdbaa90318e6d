"""Sphinx helpers for the amqpcodec documentation.

- ``cli-example``: a shell session (``$ command`` lines, each followed by the output
  it prints) shown as a console block and, hidden from the page, run by the doctest
  builder from the repository root: the output must match (``...`` stands for any
  text) and the command must exit with ``:returncode:`` (0 unless given).
- A constant a package re-exports (``.. autodata:: amqpcodec.frames.NEED_DATA``) is
  documented with the ``#:`` comment of the submodule that defines it.
- A class's bases show public classes only: a private base (``_MapSection``, the
  composite machinery's ``Composite``) gives way to its own public bases, and
  ``object`` is left out (and with it an empty "Bases:" line).
- References to public names that are documented under another module than the one
  a docstring names them by (``amqpcodec.Message`` for ``amqpcodec.message.Message``,
  ``EncodeError`` in a module that imports it) resolve to the one documented object
  whose dotted name ends the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import PycodeError
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

#: The commands of a ``cli-example`` run here, so paths such as ``examples/session.bin``
#: mean the repository's files.
REPOSITORY = Path(__file__).resolve().parents[2]


def run_cli(command: str, returncode: int = 0) -> None:
    """Run ``command`` with bash in the repository root and print what it writes
    (stdout, then stderr); say so when its exit status is not ``returncode``.

    The interpreter's own ``bin`` directory comes first on ``PATH``, so ``amqpcodec``
    is the installed command of the environment the build runs in.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["NO_COLOR"] = "1"  # the tool writes no colour to a pipe anyway; be sure
    env["COLUMNS"] = "80"  # argparse wraps help text to the terminal's width
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    sys.stdout.write(result.stdout + result.stderr)
    if result.returncode != returncode:
        print(f"[exit status {result.returncode}, expected {returncode}]")


class CliExample(SphinxDirective):
    """A console session whose commands the doctest builder runs (module docstring)."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"returncode": directives.nonnegative_int}

    def run(self) -> list[nodes.Node]:
        lines = list(self.content)
        if not lines or not lines[0].startswith("$ "):
            raise self.error("cli-example: the first line must be a command ('$ ...')")
        shown = "\n".join(lines)
        block = nodes.literal_block(shown, shown, language="console")
        self.set_source_info(block)
        result: list[nodes.Node] = [block]

        returncode = self.options.get("returncode", 0)
        sessions: list[tuple[str, list[str]]] = []
        for line in lines:
            if line.startswith("$ "):
                sessions.append((line[2:], []))
            else:
                sessions[-1][1].append(line if line.strip() else "<BLANKLINE>")
        test_lines = []
        for command, output in sessions:
            test_lines.append(f">>> run_cli({command!r}, {returncode})")
            test_lines.extend(output)
        test = "\n".join(test_lines)
        # A comment node with ``testnodetype`` is what ``.. doctest:: :hide:`` makes:
        # the doctest builder runs it, the other builders write nothing.
        hidden = nodes.comment(test, test, testnodetype="doctest", groups=["default"])
        hidden["options"] = {}
        self.set_source_info(hidden)
        result.append(hidden)
        return result


def _resolve_elsewhere(
    app: Sphinx, env: Any, node: nodes.Element, contnode: nodes.Element
) -> nodes.Element | None:
    """A Python reference no module-relative lookup found: the one documented object
    whose dotted name ends with the longest tail of the target that matches only one."""
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip("~.")
    domain = env.get_domain("py")
    objects = domain.objects
    parts = target.split(".")
    for start in range(len(parts)):
        tail = ".".join(parts[start:])
        found = [name for name in objects if name == tail or name.endswith("." + tail)]
        if len(found) == 1:
            entry = objects[found[0]]
            return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, found[0])
        if len(found) > 1:
            return None
    return None


def _doc_comment(module_name: str, name: str) -> list[str]:
    """The ``#:`` comment above ``name`` in module ``module_name``, if any."""
    try:
        analyzer = ModuleAnalyzer.for_module(module_name)
    except PycodeError:
        return []
    return list(analyzer.find_attr_docs().get(("", name), []))


def _reexported_comment(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """A re-exported constant takes the ``#:`` comment of the module that defines it;
    without one anywhere, it shows no text rather than the docstring of its type."""
    if what != "data":
        return
    package, _, attr = name.rpartition(".")
    if _doc_comment(package, attr):
        return  # autodoc found it where the name is documented
    for module_name, module in sorted(sys.modules.items()):
        if module_name.startswith(package + ".") and vars(module).get(attr, lines) is obj:
            comment = _doc_comment(module_name, attr)
            if comment:
                lines[:] = comment
                return
    lines[:] = []


def _is_private(cls: type) -> bool:
    """A class named with a leading underscore, or defined in a private module."""
    return any(part.startswith("_") for part in f"{cls.__module__}.{cls.__qualname__}".split("."))


def _public_bases(bases: list[type]) -> list[type]:
    result: list[type] = []
    for base in bases:
        for public in _public_bases(list(base.__bases__)) if _is_private(base) else [base]:
            if public is not object and public not in result:
                result.append(public)
    return result


def _shown_bases(app: Sphinx, name: str, obj: Any, options: Any, bases: list[type]) -> None:
    """Public bases only (module docstring)."""
    bases[:] = _public_bases(list(bases))


def _drop_empty_bases(app: Sphinx, doctree: nodes.document) -> None:
    """Remove the "Bases:" line autodoc writes for a class left with no base to show."""
    for paragraph in list(doctree.findall(nodes.paragraph)):
        if paragraph.astext().strip() == "Bases:":
            paragraph.parent.remove(paragraph)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("cli-example", CliExample)
    app.connect("missing-reference", _resolve_elsewhere)
    app.connect("autodoc-process-bases", _shown_bases)
    app.connect("doctree-read", _drop_empty_bases)
    app.connect("autodoc-process-docstring", _reexported_comment)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
