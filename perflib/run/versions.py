"""Report folders published whole: versions written aside, swapped in with one rename.

A report folder ``<out>/<portfolio>/<YYYY-YY>`` is a symbolic link to a complete version under
``<out>/.versions``. A build writes a new version beside the old one and swaps the link in one
``rename``, so a crash or a kill at any moment leaves either the old reports or the new ones,
never a mixture. A failed notebook leaves its executed copy under ``<out>/.failed``. Only one
build writes to a reports folder at a time (:func:`locked`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from perflib.data.portfolio import year_folder
from perflib.errors import BuildLocked
from perflib.run.tasks import Task

VERSIONS = ".versions"
FAILED = ".failed"
LOCK = ".perflib-build.lock"


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the reports folder's build lock, or raise :class:`BuildLocked` at once."""
    lock = FileLock(str(out / LOCK))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildLocked(f"another build is writing to {out} (lock {lock.lock_file}); wait for "
                          "it to finish, or delete the lock file if no build is running") from None
    try:
        yield
    finally:
        lock.release()


def staging(out: Path) -> Path:
    """The folder versions are written in, rid of what a killed build left half written."""
    folder = out / VERSIONS
    folder.mkdir(exist_ok=True)
    live = {link.resolve() for link in out.glob("*/*") if link.is_symlink()}
    for version in folder.iterdir():
        if version.resolve() not in live:
            shutil.rmtree(version, ignore_errors=True)
    return folder


def new_version(staged: Path, portfolio: str, year: str) -> Path:
    """An empty version folder for one report year, named so a reader can tell whose it is."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    version = Path(tempfile.mkdtemp(prefix=f"{portfolio}-{year_folder(year)}-{stamp}-",
                                    dir=staged))
    version.chmod(0o755)
    return version


def publish(folder: Path, version: Path) -> None:
    """Point ``folder`` at ``version`` in one atomic rename, then drop the version it replaced."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    old = folder.resolve() if folder.is_symlink() else None
    if folder.exists() and not folder.is_symlink():
        # A plain folder from elsewhere: move it aside (its contents were copied into version).
        shutil.rmtree(folder)
    link = folder.with_name(f".{folder.name}.{os.getpid()}.link")
    if link.is_symlink():
        link.unlink()
    link.symlink_to(os.path.relpath(version, folder.parent))
    os.replace(link, folder)
    if old is not None and old != version.resolve() and old.exists():
        shutil.rmtree(old, ignore_errors=True)


def discard(version: Path) -> None:
    """Drop a version that is not published."""
    shutil.rmtree(version, ignore_errors=True)


def reuse(folder: Path, version: Path, files: list[str]) -> None:
    """Bring a notebook's published outputs into the new version (hard links where possible)."""
    for f in files:
        if not (folder / f).exists():
            continue
        try:
            os.link(folder / f, version / f)
        except OSError:  # another filesystem, or links not allowed
            shutil.copy2(folder / f, version / f)


def keep_failed(out: Path, task: Task) -> Path | None:
    """Move the failed notebook's executed copy under ``.failed``; ``None`` if it left none."""
    dest = out / FAILED / task.portfolio / year_folder(task.year)
    dest.mkdir(parents=True, exist_ok=True)
    src = Path(task.workdir) / f"{task.output}.ipynb"
    target = dest / f"{task.output}.ipynb"
    target.unlink(missing_ok=True)  # never point at an earlier failure's copy
    if not src.exists():  # the kernel died, or the notebook never started
        return None
    shutil.copy2(src, target)
    src.unlink()
    return target


__all__ = ["discard", "keep_failed", "locked", "new_version", "publish", "reuse", "staging"]
