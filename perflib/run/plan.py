"""What a build must run: every report's inputs and their checksums, against its last build log.

Each report folder keeps a ``build-log.json``: for every notebook run, its kind, title, files,
the data files it read with their SHA-256 checksums, and the hash of those inputs with its
parameters. A notebook runs again only when that hash changes (or ``--force``); otherwise its
published files are carried into the new version untouched. The index reads the same logs.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perflib import __version__, config
from perflib.data import files
from perflib.data.door import read_bytes
from perflib.data.portfolio import year_folder
from perflib.data.report import Report
from perflib.reports import ReportKind, corporate, declared
from perflib.run.tasks import Summary, Task

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
    """Hash of perflib's own source and templates: a change to the code rebuilds everything."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent.parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".j2", ".css", ".json"):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def inputs(kind: ReportKind, r: Report) -> list[Path]:
    """The data files a report of this kind reads: what every report reads, and its own.

    A deep dive does not read the commentary, so a commentary edit does not rebuild it.
    """
    names = [*files.every_report(), *kind.files]
    found = (r.portfolio.data_file(name, r.year) for name in dict.fromkeys(names))
    return [f for f in found if f is not None]


def inputs_of(kind: ReportKind, report: Report, code: str,
              digests: dict[Path, str] | None = None) -> dict[str, str]:
    """Everything a report depends on, with checksums, for the log and for incremental builds.

    ``digests`` keeps each file's checksum for the rest of the build: every kind and year of a
    portfolio reads its portfolio-wide files, which are then read and hashed once.
    """
    digests = {} if digests is None else digests
    files = {}
    for path in inputs(kind, report):
        if path not in digests:
            digests[path] = sha256(path)
        files[config.relative(path)] = digests[path]
    if kind.notebook_path not in digests:
        digests[kind.notebook_path] = file_sha256(kind.notebook_path)
    files[config.relative(kind.notebook_path)] = digests[kind.notebook_path]
    files["perflib"] = code
    return dict(sorted(files.items()))


def inputs_hash(deps: dict[str, str], params: dict[str, str]) -> str:
    """One hash of a run's inputs and parameters (the data folder left out: it may move)."""
    blob = json.dumps({"inputs": deps, "params": {**params, "data_dir": ""}}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


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
    pattern = f"{portfolio or '*'}/{year_folder(year) if year else '*'}/{LOG_NAME}"
    logs = [log for log in out.glob(pattern) if not log.parts[-3].startswith(".")]
    if force or not logs:
        return sys.maxsize
    code, digests, count = code or code_hash(), {}, 0
    for log in logs:
        for entry in read_log(log.parent).get("notebooks", {}).values():
            for name, digest in entry.get("inputs", {}).items():
                if name == "perflib":
                    now = code
                else:
                    path = config.PROJECT_ROOT / name
                    if name not in digests:
                        digests[name] = file_sha256(path)
                    now = digests[name]
                if now != digest:
                    count += 1
                    break
    return count


@dataclass
class Plan:
    """One report year's part of a build: the runs it needs and the log it will publish."""

    #: the report year it is of (None for the council's corporate report)
    report: Report | None
    #: the published report folder, ``<out>/<portfolio>/<YYYY-YY>``
    folder: Path
    #: the version being written, swapped in for ``folder`` when it is complete
    version: Path
    previous: dict[str, Any]
    log: dict[str, Any]
    tasks: list[Task] = field(default_factory=list)
    #: outputs reused unchanged from the previous version: output name -> its log entry
    reused: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: whether a run of this build wrote into the version (else an existing folder stays)
    published_any: bool = False
    #: whether the folder was published or dropped (a build that stops drops the rest)
    done: bool = False

    @property
    def label(self) -> str:
        """How progress messages name it: 'cfe 2020/21', or 'council 2020/21'."""
        return f"{self.log.get('portfolio', '')} {self.log.get('year', '')}"


def plan(r: Report, folder: Path, version: Path, data: Path, code: str, force: bool,
         summary: Summary, digests: dict[Path, str] | None = None) -> Plan:
    """Which of a report year's notebook runs are stale, given its folder's last build log.

    ``digests`` is the build's record of each data file's checksum (see :func:`inputs_of`).
    """
    previous = read_log(folder)
    log: dict[str, Any] = {"perflib": __version__, "portfolio": r.portfolio.id,
                           "portfolio_name": r.portfolio.name, "council": r.portfolio.council,
                           "year": r.year, "status": r.meta["status"], "notebooks": {}}
    p = Plan(r, folder, version, previous, log)
    summary.waiting += [f"{r.portfolio.id} {r.year} {why}" for kind in declared(r.portfolio.reports)
                        if kind.waiting for why in kind.waiting(r)]
    for kind in declared(r.portfolio.reports):
        for output, extra in kind.notebooks(r):  # a quarterly kind runs once per quarter
            task = Task(r.portfolio.id, r.year, output, str(kind.notebook_path), str(data),
                        str(version), kind=kind.name, extra=extra)
            _stale_or_reused(p, task, inputs_of(kind, r, code, digests), force, summary)
    return p


def plan_council(year: str, reports: list[Report], council: str, status: str,
                 own_files: list[Path], folder: Path, version: Path, data: Path, code: str,
                 force: bool, summary: Summary, digests: dict[Path, str] | None = None
                 ) -> Plan:
    """The corporate report's runs for ``year``: stale when any portfolio's data for it changed.

    ``reports`` are the portfolio years it is made from; ``own_files`` council.yaml and its own
    report.yaml and commentary.md, where they are; ``digests`` as for :func:`inputs_of`.
    """
    previous = read_log(folder)
    log: dict[str, Any] = {"perflib": __version__, "portfolio": corporate.FOLDER,
                           "portfolio_name": "Council-wide", "council": council, "year": year,
                           "status": status, "scope": "council", "notebooks": {}}
    p = Plan(None, folder, version, previous, log)
    read = {config.relative(f): sha256(f) for f in own_files}
    for r in reports:  # what the portfolios' own reports read, the corporate report reads too
        for kind in declared(r.portfolio.reports):
            read.update(inputs_of(kind, r, code, digests))
    kind = corporate.KIND
    read[config.relative(kind.notebook_path)] = file_sha256(kind.notebook_path)
    read["perflib"] = code
    deps = dict(sorted(read.items()))
    for output, extra in corporate.runs(reports):
        task = Task(corporate.FOLDER, year, output, str(kind.notebook_path), str(data),
                    str(version), kind=kind.name, extra=extra, scope="council")
        _stale_or_reused(p, task, deps, force, summary)
    return p


def _stale_or_reused(p: Plan, task: Task, deps: dict[str, str], force: bool,
                     summary: Summary) -> None:
    """Plan ``task`` to run, unless its inputs are what its last build read (then reuse it)."""
    task.inputs_hash = inputs_hash(deps, task.parameters)
    before = p.previous.get("notebooks", {}).get(task.output, {})
    if (not force and before.get("inputs_hash") == task.inputs_hash
            and all((p.folder / f).exists() for f in before.get("files", []))):
        summary.skipped.append(task.label)
        p.log["notebooks"][task.output] = before
        p.reused[task.output] = before
        return
    p.log["notebooks"][task.output] = {"kind": task.kind, "title": "",
                                       "inputs_hash": task.inputs_hash, "inputs": deps,
                                       "parameters": task.parameters}
    p.tasks.append(task)


__all__ = ["LOG_NAME", "Plan", "code_hash", "file_sha256", "inputs", "inputs_hash", "inputs_of",
           "plan", "plan_council", "read_log", "sha256", "stale"]
