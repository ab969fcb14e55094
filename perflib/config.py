"""Every path perflib uses, defined once relative to the project root."""

from __future__ import annotations

import os
from pathlib import Path

#: The project checkout: the folder holding ``perflib/``, ``data/`` and ``notebooks/``.
PROJECT_ROOT = Path(os.environ.get("PERFLIB_ROOT", Path(__file__).resolve().parent.parent))
DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

