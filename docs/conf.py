"""Sphinx configuration of the amqpcodec documentation.

Build (from the repository root, with the ``docs`` extra installed):

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python -m sphinx -W --keep-going -b doctest docs docs/_build/doctest

The pages are MyST Markdown; the API reference is autodoc over the installed package,
so the docs describe the build that is installed (compiled or pure-Python backend).
"""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import amqpcodec

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "amqpcodec"
author = "amqpcodec developers"
copyright = "amqpcodec developers"
version = release = amqpcodec.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "amqpdocs",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_ext"]

# --- MyST -----------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# --- every reference must resolve --------------------------------------------------------
nitpicky = True
# The standard library and hypothesis have no inventory here (the build is offline), so
# their names in signatures stay plain text; references to private names (a leading
# underscore in any part: ``_spec.COMPOSITES``, ``_backend.use_backend``) are design notes
# for contributors, not API, and stay plain text too.
_EXTERNAL = sorted({*sys.stdlib_module_names, "hypothesis", "typing_extensions"})
nitpick_ignore_regex = [
    (r"py:.*", r"({})(\..*)?".format("|".join(_EXTERNAL))),
    (r"py:.*", r"(.*\.)?_[A-Za-z0-9_]*(\..*)?"),
]

# --- autodoc ----------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_default_options = {"show-inheritance": True}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
add_module_names = False
python_maximum_signature_line_length = 88

# --- doctest: the examples on every page run, with exact exception messages ---------------
doctest_default_flags = doctest.ELLIPSIS | doctest.DONT_ACCEPT_TRUE_FOR_1
# Examples run in the repository's root, so ``examples/session.bin`` and
# ``tests/data/...`` name the repository's files wherever the build is started.
doctest_global_setup = "import os; from amqpdocs import REPOSITORY, run_cli; os.chdir(REPOSITORY)"
doctest_test_doctest_blocks = ""

# --- HTML -------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"amqpcodec {release}"
html_show_sourcelink = False
