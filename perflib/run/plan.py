"""What a build must run: every report's inputs and their checksums, against its last build log.

Each report folder keeps a ``build-log.json``: for every notebook run, its kind, title, status
(as its cover gives it: draft or final, a final's approver), files, the data files it read with
their SHA-256 checksums (and a short checksum of them all), and the hash of those inputs with its
parameters. The log's own ``status`` is the year's annual (or corporate) report's. A notebook
runs again only when that hash changes (or ``--force``); otherwise its published files are
carried into the new version untouched. The index reads the same logs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perflib import __version__, config
from perflib.data import files
from perflib.data.year import Report
from perflib.reports import ReportKind, corporate, declared
from perflib.run.logs import data_checksum, file_sha256, read_log, sha256
from perflib.run.tasks import Summary, Task


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
    summary.waiting += [f"{r.portfolio.id} {r.year} {why}" for kind in declared(r.portfolio)
                        if kind.waiting for why in kind.waiting(r)]
    for kind in declared(r.portfolio):
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
        for kind in declared(r.portfolio):
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
                                       "data_checksum": data_checksum(deps),
                                       "parameters": task.parameters}
    p.tasks.append(task)


__all__ = ["Plan", "inputs", "inputs_hash", "inputs_of", "plan", "plan_council"]
