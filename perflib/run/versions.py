"""The reports folder: where it may lie, what in it perflib may replace, and how it publishes.

A report folder ``<out>/<portfolio>/<YYYY-YY>`` is a symbolic link to a complete version under
``<out>/.versions``. A build writes a new version beside the old one and swaps the link in one
``rename``, so a crash or a kill at any moment leaves either the old reports or the new ones,
never a mixture. A failed notebook leaves its executed copy under ``<out>/.failed``. Only one
build writes to a reports folder at a time (:func:`locked`).

A build swaps whole report folders into place and removes the versions they replace, so pointed
at the wrong folder it would destroy what is there (``--out data`` once deleted a year's data).
Two rules make that impossible:

- **Where.** The reports folder (``--out``) lies inside the project, and neither is, contains
  nor lies inside the data folder, ``notebooks/`` or ``perflib/``.
- **Whose.** perflib writes a marker file (:data:`MARKER`) into every folder of the reports
  tree it makes: the reports folder, each portfolio's folder, ``.versions`` and ``.failed``.
  It replaces or removes only inside a marked folder, and there only what it makes: a report
  folder that is its link into ``.versions``, the versions themselves (named by
  :func:`new_version`), failed notebooks' copies, ``index.html`` and the lock. An existing folder
  without the marker (unless empty) is refused by name, before anything is written, and left
  untouched; so is a plain folder or a foreign link where a report folder would go.

A report folder of a portfolio or year data/ no longer holds is withdrawn (:func:`withdraw`):
its link leaves the published tree and its version moves to ``.versions/withdrawn``, where it
stays until the reports folder is cleaned.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

import perflib
from perflib import config
from perflib.config import year_folder
from perflib.errors import BuildLocked, ParameterError
from perflib.run.tasks import Task

#: The file that marks a folder of the reports tree as perflib's own.
MARKER = ".perflib-reports"
MARKER_TEXT = ("This folder was made by perflib build, which may replace or remove what it made "
               "here. Keep nothing else in it.\n")
VERSIONS, FAILED = ".versions", ".failed"
#: Under ``.versions``: the versions of report folders withdrawn (data/ no longer holds them),
#: kept until the reports folder is cleaned, so a withdrawal can be undone by hand.
WITHDRAWN = "withdrawn"
LOCK = ".perflib-build.lock"
#: How a version is named: the portfolio, the year folder, when, and mkdtemp's random part.
_VERSION = re.compile(r"^[a-z][a-z0-9_]*-\d{4}-\d{2}-\d{8}-\d{6}-[A-Za-z0-9_]+$")
#: How a report folder is named: its year (2020-21).
_YEAR = re.compile(r"^\d{4}-\d{2}$")


def check(out: Path | str | None, data: Path) -> Path:
    """The reports folder asked for, resolved, once it is where reports may go.

    Nothing is written; a folder in the wrong place is a :class:`ParameterError` (exit 2).
    """
    path = Path(out).resolve() if out else config.REPORTS_DIR.resolve()
    name = out or config.REPORTS_DIR
    root = config.PROJECT_ROOT.resolve()
    if not path.is_relative_to(root):
        raise ParameterError(f"reports folder '{name}' is outside the project ({root}): "
                             f"{config.OUT_RULE}; give a folder such as reports/")
    guarded = {"the data folder": data.resolve(),
               "the project's data folder": config.DATA_DIR.resolve(),
               "notebooks/": config.NOTEBOOKS_DIR.resolve(),
               "perflib/": Path(perflib.__file__).resolve().parent}
    for what, folder in guarded.items():
        why = ("is" if path == folder else "contains" if folder.is_relative_to(path)
               else "lies inside" if path.is_relative_to(folder) else None)
        if why:
            raise ParameterError(f"reports folder '{name}' {why} {what} ({folder}): "
                                 f"{config.OUT_RULE}; give a folder such as reports/")
    return path


def ours(folder: Path) -> bool:
    """Whether ``folder`` is a folder (not a link) that perflib made and marked."""
    return (folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file()
            and not (folder / MARKER).is_symlink())


def refuse_unless_ours(folder: Path) -> None:
    """Refuse a folder perflib may not write in: one that is there and neither marked nor empty."""
    if not folder.exists() and not folder.is_symlink():
        return
    if folder.is_symlink() or not folder.is_dir():
        raise ParameterError(f"{folder} is not a folder perflib made (it is "
                             f"{'a link' if folder.is_symlink() else 'a file'}), so perflib will "
                             "not write there; move it away or give --out another folder")
    if not ours(folder) and any(folder.iterdir()):
        raise ParameterError(
            f"{folder} is a folder perflib did not make (it has no {MARKER} marker), so perflib "
            "will not write into it or remove anything from it; give --out a new or empty "
            "folder, or move its contents away (if an earlier perflib made it, delete it: "
            "reports are rebuilt from data/ at any time)")


def claim(folder: Path) -> Path:
    """Make ``folder`` (or take it, when empty) and mark it as perflib's; refuse a foreign one."""
    refuse_unless_ours(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not ours(folder):
        (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return folder


def prepare(out: Path, portfolios: list[str], year: str | None) -> Path:
    """Refuse a reports folder a build may not write in, else make (or take) and mark it.

    Runs before the build writes anything, even its lock (see :func:`refuse`).
    """
    refuse(out, portfolios, year)
    return claim(out)


def refuse(out: Path, portfolios: list[str], year: str | None) -> None:
    """Refuse ``out`` unless it and its report folders already there are perflib's.

    The report folders looked at are those of ``portfolios``: ``year``'s (a year folder like
    2020-21), or all of them. Writes nothing, so a watch can ask before it starts.
    """
    refuse_unless_ours(out)
    found = []
    for pid in portfolios:
        folder = out / pid
        if year is not None:
            found.append((pid, year))
        elif folder.is_dir() and not folder.is_symlink():
            found += [(pid, c.name) for c in sorted(folder.iterdir()) if _YEAR.match(c.name)]
        else:
            refuse_unless_ours(folder)
    refuse_foreign_targets(out, found)


def refuse_foreign_targets(out: Path, folders: list[tuple[str, str]]) -> None:
    """Before a build writes anything: every folder it would write in or replace is its own.

    ``folders`` are (portfolio id, year folder) pairs. A report folder must be absent or a link
    into ``out/.versions``; a plain folder there (someone's files) is refused with the rest.
    """
    for sub in (VERSIONS, FAILED, f"{VERSIONS}/{WITHDRAWN}"):
        refuse_unless_ours(out / sub)
    for pid, year in folders:
        refuse_unless_ours(out / pid)
        refuse_unless_ours(out / FAILED / pid)
        refuse_unless_ours(out / FAILED / pid / year)
        target = out / pid / year
        if (target.exists() or target.is_symlink()) and not is_report_link(target, out):
            raise ParameterError(
                f"{target} is not a report folder perflib published (a link into "
                f"{out / VERSIONS}), so perflib will not replace it; move it away or give --out "
                "another folder")


def is_report_link(target: Path, out: Path) -> bool:
    """Whether ``target`` is a link perflib made: to a version directly under ``out/.versions``."""
    if not target.is_symlink():
        return False
    pointed = Path(os.path.normpath(target.parent / os.readlink(target)))
    return pointed.parent == out / VERSIONS and bool(_VERSION.match(pointed.name))


def new_version(staging: Path, portfolio: str, folder: str) -> Path:
    """A new, empty version folder under ``staging``, named so perflib knows it for its own."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    version = Path(tempfile.mkdtemp(prefix=f"{portfolio}-{folder}-{stamp}-", dir=staging))
    version.chmod(0o755)
    return version


def _is_version(path: Path, staging: Path) -> bool:
    return (path.parent == staging and ours(staging) and bool(_VERSION.match(path.name))
            and path.is_dir() and not path.is_symlink())


def remove_version(version: Path, staging: Path) -> None:
    """Remove a version perflib made; anything else is left alone."""
    if _is_version(version, staging):
        shutil.rmtree(version, ignore_errors=True)


def drop_stale_versions(out: Path, staging: Path) -> None:
    """Remove versions no report folder points at: what a killed build left half written."""
    live = {link.resolve() for link in out.glob("*/*") if link.is_symlink()}
    for version in staging.iterdir():
        if version.resolve() not in live:
            remove_version(version, staging)


def publish(folder: Path, version: Path, out: Path) -> None:
    """Point ``folder`` at ``version`` in one atomic rename, then drop the version it replaced.

    ``folder`` was checked by :func:`refuse_foreign_targets`: absent, or a link perflib made.
    """
    claim(folder.parent)
    if (folder.exists() or folder.is_symlink()) and not is_report_link(folder, out):
        raise ParameterError(f"{folder} is not a report folder perflib published; left as it is")
    old = folder.resolve() if folder.is_symlink() else None
    link = folder.with_name(f".{folder.name}.{os.getpid()}.link")
    if link.is_symlink():
        link.unlink()
    link.symlink_to(os.path.relpath(version, folder.parent))
    os.replace(link, folder)
    if old is not None and old != version.resolve():
        remove_version(old, out / VERSIONS)


def published(out: Path) -> list[tuple[str, str]]:
    """(portfolio id, year folder) of every report folder perflib published under ``out``.

    Only report links in folders perflib marked count: anything else there is not perflib's.
    """
    found: list[tuple[str, str]] = []
    if not ours(out):
        return found
    for folder in sorted(out.iterdir()):
        if folder.name.startswith(".") or not ours(folder):
            continue
        found += [(folder.name, link.name) for link in sorted(folder.iterdir())
                  if _YEAR.match(link.name) and is_report_link(link, out)]
    return found


def withdraw(out: Path, portfolio: str, folder: str) -> Path | None:
    """Take a report folder out of the published tree; returns where its version is kept.

    The version moves to ``.versions/withdrawn`` (which the build's tidying never removes) before
    the link goes, so a build killed in between leaves a dangling link that the next build
    withdraws again, never a lost version. A portfolio folder left with only its marker goes too.
    """
    link = out / portfolio / folder
    if not ours(out / portfolio) or not is_report_link(link, out):
        return None
    version = Path(os.path.normpath(link.parent / os.readlink(link)))
    kept = None
    if _is_version(version, out / VERSIONS):
        kept = claim(out / VERSIONS / WITHDRAWN) / version.name
        os.rename(version, kept)
    link.unlink()
    parent = out / portfolio
    if sorted(os.listdir(parent)) == [MARKER]:
        (parent / MARKER).unlink()
        parent.rmdir()
    return kept


def failed_folder(out: Path, portfolio: str, folder: str) -> Path:
    """Where a failed notebook's executed copy is kept: ``out/.failed/<portfolio>/<year>``."""
    for path in (out / FAILED, out / FAILED / portfolio, out / FAILED / portfolio / folder):
        claim(path)
    return out / FAILED / portfolio / folder


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
    """The marked folder versions are written in, rid of what a killed build left half written."""
    folder = claim(out / VERSIONS)
    drop_stale_versions(out, folder)
    return folder


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
    dest = failed_folder(out, task.portfolio, year_folder(task.year))
    src = Path(task.workdir) / f"{task.output}.ipynb"
    target = dest / f"{task.output}.ipynb"
    target.unlink(missing_ok=True)  # never point at an earlier failure's copy
    if not src.exists():  # the kernel died, or the notebook never started
        return None
    shutil.copy2(src, target)
    src.unlink()
    return target
