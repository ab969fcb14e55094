"""Every path perflib uses, defined once relative to the project root."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

#: The project checkout: the folder holding ``perflib/``, ``data/`` and ``notebooks/``.
PROJECT_ROOT = Path(os.environ.get("PERFLIB_ROOT", Path(__file__).resolve().parent.parent))
DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
#: The data returns ``perflib returns`` writes for the services to fill in (not committed).
RETURNS_DIR = PROJECT_ROOT / "returns"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def year_folder(year: str) -> str:
    """Folder name for a report year, in data/ and reports/ alike: '2020/21' -> '2020-21'."""
    return year.replace("/", "-")


DATA_RULE = ("the data folder must lie inside the project (the folder holding perflib/ and "
             "notebooks/), so that no file outside it can be printed into a report")


OUT_RULE = ("the reports folder must lie inside the project and must neither be, contain nor lie "
            "inside the data folder, notebooks/ or perflib/; perflib replaces or removes only "
            "what it made there, in folders it marks as its own")


def data_path(data_dir: str | Path | None) -> Path:
    """The data folder asked for, which must lie inside the project (for check and build alike)."""
    from perflib.errors import ParameterError

    path = Path(data_dir).resolve() if data_dir else DATA_DIR
    root = PROJECT_ROOT.resolve()
    if not path.is_relative_to(root):
        raise ParameterError(f"data folder {data_dir} is outside the project ({root}): "
                             f"{DATA_RULE}; put the data under the project's data/ folder")
    return path


def relative(path: str | Path) -> str:
    """A path as the project names it (``data/cfe/measures.csv``), for files perflib publishes.

    A published file must not carry the folders of the machine that built it; a path outside
    the project is left whole.
    """
    p = Path(path)
    if p.is_relative_to(PROJECT_ROOT):  # the usual case, with no call to the file system
        return p.relative_to(PROJECT_ROOT).as_posix()
    root = _resolved(PROJECT_ROOT)
    if p.is_relative_to(root):
        return p.relative_to(root).as_posix()
    resolved = p.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(p)


@lru_cache(maxsize=8)
def _resolved(root: Path) -> Path:
    """The project's folder with its links resolved: a build names hundreds of files."""
    return root.resolve()
