"""Shared fixtures: a scratch copy of data/ to break, and one real build of every report."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from perflib import config

# pytest rewrites each test module's asserts as it imports it and keeps the result in
# __pycache__, unless Python may write no bytecode (PYTHONDONTWRITEBYTECODE): then every run,
# and each pytest-xdist worker, rewrites them all again (two seconds). It may while the tests
# are collected; the setting is put back before the first test runs (pytest_collection_finish).
_DONT_WRITE_BYTECODE = sys.dont_write_bytecode
sys.dont_write_bytecode = False


def pytest_collection_finish(session: pytest.Session) -> None:
    sys.dont_write_bytecode = _DONT_WRITE_BYTECODE


# The checks a build keeps from one build to the next (perflib.reports.checked): this session's
# own (each xdist worker's), so no test finds a check another session's code made, and removed
# when the session ends.
_CHECKS_CACHE = tempfile.mkdtemp(prefix="perflib-test-checks-")
os.environ["PERFLIB_CACHE"] = _CHECKS_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CHECKS_CACHE, ignore_errors=True)


#: The portfolio whose published figures the tests check. A council adds its own portfolios to
#: data/ beside it; the tests copy the seed alone, so they pass whatever else data/ holds.
SEED = "cfe"


def copy_seed(dest: Path) -> Path:
    """``dest`` as a data folder holding the seed portfolio and data/'s own files, nothing else."""
    dest.mkdir(parents=True)
    for p in config.DATA_DIR.iterdir():
        if p.is_file():
            shutil.copy2(p, dest / p.name)
    shutil.copytree(config.DATA_DIR / SEED, dest / SEED)
    return dest


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's data/ that a test may break, inside a scratch project.

    Data must lie inside its project (a link out of it is refused), so the copy gets one.
    """
    root = tmp_path / "project"
    dest = copy_seed(root / "data")
    monkeypatch.setattr(config, "PROJECT_ROOT", root)
    monkeypatch.setattr(config, "DATA_DIR", dest)
    monkeypatch.setattr(config, "RETURNS_DIR", root / "returns")
    return dest


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every report built once, for real: papermill, nbconvert and Chromium.

    Built in a scratch project of its own, since a build writes only inside its project; the
    reports folder returned is for reading (a test that builds again copies it, see ``project``).
    """
    from perflib.run.build import build

    root = tmp_path_factory.mktemp("built") / "project"
    with pytest.MonkeyPatch.context() as mp:
        scratch_project(root, mp)
        build(jobs=2)
    return root / "reports"


def scratch_project(root: Path, monkeypatch: pytest.MonkeyPatch,
                    portfolios: dict[str, Path] | None = None, seed: bool = True) -> Path:
    """A scratch project at ``root``: the notebooks, the seed data (unless ``seed`` is false)
    and ``portfolios`` (name -> a fictional portfolio folder), with perflib pointed at it."""
    if seed:
        copy_seed(root / "data")
    shutil.copytree(config.NOTEBOOKS_DIR, root / "notebooks")
    for name, source in (portfolios or {}).items():
        shutil.copytree(source, root / "data" / name)
    monkeypatch.setenv("PERFLIB_ROOT", str(root))  # for spawned workers and subprocesses
    for name, value in (("PROJECT_ROOT", root), ("DATA_DIR", root / "data"),
                        ("NOTEBOOKS_DIR", root / "notebooks"), ("REPORTS_DIR", root / "reports"),
                        ("RETURNS_DIR", root / "returns")):
        monkeypatch.setattr(config, name, value)
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built: Path) -> Path:
    """A scratch copy of the project (data, notebooks, and the reports already built from them).

    perflib only accepts data inside its project, so a test that edits data builds here.
    """
    root = scratch_project(tmp_path / "project", monkeypatch)
    shutil.copytree(built, root / "reports", symlinks=True)
    return root


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` in a scratch copy's file, as an analyst would by hand; it must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def kpi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project whose data/ holds the fictional KPI portfolio alone (to edit)."""
    kpi_published = "kpi_published"
    fixture = Path(__file__).parent / "fixtures" / "fictional" / kpi_published
    root = scratch_project(tmp_path / "project", monkeypatch, {kpi_published: fixture}, seed=False)
    return root / "data"


def notebook(path: Path, cells: list[str]) -> Path:
    """A notebook of these code cells on the standard Python 3 kernel, written to ``path``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path
