"""The build logs, and what they say a build will run: read before the build's own imports.

Each report folder keeps a ``build-log.json`` (:mod:`perflib.run.plan` writes it). Reading the
logs, hashing the files they name and hashing perflib's own code need no data library, so a build
learns from them how many kernels it will need, and starts them, before it imports pandas to
check the data (:func:`stale`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from perflib import __version__, config
from perflib.data.door import read_bytes

LOG_NAME = "build-log.json"


def sha256(path: Path) -> str:
    """A data file's SHA-256, read through the data door; '' for a file the door refuses.

    Such a file was refused, with its reason, when the data was loaded; here it must only not
    block (a FIFO) or crash (a folder) the build.
    """
    raw = read_bytes(path, [], text=False)
    return hashlib.sha256(raw).hexdigest() if raw is not None else ""


def file_sha256(path: Path) -> str:
    """A file's SHA-256 wherever it is: a report kind's notebook may be in an installed package."""
    if path.is_relative_to(config.PROJECT_ROOT):
        return sha256(path)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    except OSError:
        return ""


def code_hash() -> str:
    """Hash of perflib's own source and templates, and of the output formats installed.

    A change to the code rebuilds everything; so does a format installed, removed or upgraded
    (its package's entry point and version), so every report is then written in it.
    """
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent.parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".j2", ".css", ".json"):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    for ep in sorted(entry_points(group="perflib.formats"), key=lambda ep: ep.name):
        dist = getattr(ep, "dist", None)
        h.update(f"{ep.name}={ep.value}@{dist.version if dist is not None else ''}".encode())
    return h.hexdigest()


def data_checksum(inputs: dict[str, str]) -> str:
    """A short SHA-256 over a report's inputs: equal when a report read the same data and code.

    Kept in the build log beside the inputs, for whoever runs the builds to compare two reports.
    """
    blob = json.dumps(inputs or {}, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def read_log(folder: Path) -> dict[str, Any]:
    """A report folder's build log, or an empty one."""
    try:
        log = json.loads((folder / LOG_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return log if isinstance(log, dict) else {}


def stale(out: Path, force: bool, portfolio: str | None = None, year: str | None = None,
          code: str | None = None) -> int:
    """Roughly how many notebooks a build will run, from the build logs alone (a guess, cheap).

    Every input a log records is hashed again; a notebook with any input changed counts, and
    with no logs (or ``force``) everything does.
    """
    return sum(stale_by_scope(out, force, portfolio, year, code))


def kernels_for(stale: tuple[int, int], jobs: int) -> int:
    """How many kernels a build will keep busy, given :func:`stale_by_scope`: those to start ahead.

    After an edit the corporate reports run once the edited portfolios' reports are done, so
    the kernels of the larger of the two runs are enough; otherwise, one for each notebook.
    """
    mine, theirs = stale
    if sys.maxsize in (mine, theirs):
        return jobs
    return min(jobs, max(mine, theirs) if mine and theirs else mine + theirs)


def stale_by_scope(out: Path, force: bool, portfolio: str | None = None,
                   year: str | None = None, code: str | None = None) -> tuple[int, int]:
    """:func:`stale`, as (the portfolios' notebooks, the council's corporate reports)."""
    pattern = f"{portfolio or '*'}/{config.year_folder(year) if year else '*'}/{LOG_NAME}"
    logs = [log for log in out.glob(pattern) if not log.parts[-3].startswith(".")]
    if force or not logs:
        return sys.maxsize, 0
    code, digests, counts = code or code_hash(), {}, [0, 0]
    for log in logs:
        found = read_log(log.parent)
        scope = 1 if found.get("scope") == "council" else 0
        for entry in found.get("notebooks", {}).values():
            for name, digest in entry.get("inputs", {}).items():
                if name == "perflib":
                    now = code
                else:
                    path = config.PROJECT_ROOT / name
                    if name not in digests:
                        digests[name] = file_sha256(path)
                    now = digests[name]
                if now != digest:
                    counts[scope] += 1
                    break
    return counts[0], counts[1]


def anything_to_run(out: str | None, force: bool, portfolio: str | None, year: str | None) -> bool:
    """Whether a build with these arguments will run a notebook, by the logs (:func:`stale`).

    Asked before the build has checked its arguments, to start its kernels' fork server or not:
    never raises (a folder that cannot be read, say: the build itself reports it).
    """
    try:
        return bool(stale(Path(out).resolve() if out else config.REPORTS_DIR, force, portfolio,
                          year))
    except Exception:
        return False


__all__ = ["LOG_NAME", "anything_to_run", "code_hash", "data_checksum", "file_sha256",
           "kernels_for", "read_log", "sha256", "stale", "stale_by_scope"]
