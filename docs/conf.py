"""Sphinx configuration: perflib's documentation site, built by ``make docs`` with warnings as errors.

The reference pages are made from the code (the data-file registry, the command's argument parser,
the notebook API's docstrings), so they cannot drift from it.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import perflib  # noqa: E402

project = "perflib"
author = "perflib's maintainers"
copyright = "perflib's maintainers, MIT licence"  # noqa: A001 (Sphinx's own name)
release = version = perflib.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinxarg.ext",
    "perflib_docs",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_numpy_docstring = True
napoleon_google_docstring = False

html_theme = "furo"
html_title = f"perflib {release}"
html_static_path = [p for p in ["_static"] if (HERE / p).is_dir()]  # pictures, when made
html_show_sourcelink = False
