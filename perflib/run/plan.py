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
from perflib.run.logs import data_checksum, file_sha256, read_log, sha256
from perflib.run.outline import CouncilYear, Run, Year
from perflib.run.tasks import Summary, Task

#: The corporate reports' folder, under data/ (their own files) and the reports folder.
COUNCIL = "council"


def notebook_path(name: str) -> Path:
    """A run's notebook on this machine: named from the project, or a whole path."""
    path = Path(name)
    return path if path.is_absolute() else config.PROJECT_ROOT / path


def inputs_of(run: Run, data: Path, code: str, digests: dict[Path, str] | None = None
              ) -> dict[str, str]:
    """Everything a run depends on, with checksums, for the log and for incremental builds.

    ``digests`` keeps each file's checksum for the rest of the build: every kind and year of a
    portfolio reads its portfolio-wide files, which are then read and hashed once.
    """
    digests = {} if digests is None else digests
    found = {}
    for name in run.inputs:
        path = data / name
        if path not in digests:
            digests[path] = sha256(path)
        found[config.relative(path)] = digests[path]
    for name in run.notebooks:
        path = notebook_path(name)
        if path not in digests:
            digests[path] = file_sha256(path)
        found[config.relative(path)] = digests[path]
    found["perflib"] = code
    return dict(sorted(found.items()))


def inputs_hash(deps: dict[str, str], params: dict[str, str]) -> str:
    """One hash of a run's inputs and parameters (the data folder left out: it may move)."""
    blob = json.dumps({"inputs": deps, "params": {**params, "data_dir": ""}}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(kw_only=True)
class Plan:
    """One report year's part of a build: the runs it needs and the log it will publish."""

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
    #: which it is in a build after an edit: "edited" (its own files changed) or what it is
    #: made from ("depends on cfe"); empty when everything runs (a cold build, --force)
    role: str = ""

    @property
    def label(self) -> str:
        """How progress messages name it: 'cfe 2020/21', or 'council 2020/21'."""
        return f"{self.log.get('portfolio', '')} {self.log.get('year', '')}"


def plan(y: Year, folder: Path, version: Path, data: Path, code: str, force: bool,
         summary: Summary, digests: dict[Path, str] | None = None) -> Plan:
    """Which of a report year's notebook runs are stale, given its folder's last build log.

    ``digests`` is the build's record of each data file's checksum (see :func:`inputs_of`).
    """
    previous = read_log(folder)
    log: dict[str, Any] = {"perflib": __version__, "portfolio": y.portfolio,
                           "portfolio_name": y.name, "council": y.council,
                           "year": y.year, "status": y.status, "notebooks": {}}
    p = Plan(folder=folder, version=version, previous=previous, log=log)
    summary.waiting += [f"{y.portfolio} {y.year} {why}" for why in y.waiting]
    for run in y.runs:
        task = Task(portfolio=y.portfolio, year=y.year, output=run.output,
                    notebook=str(notebook_path(run.notebook)), data_dir=str(data),
                    workdir=str(version), kind=run.kind, extra=dict(run.extra))
        _stale_or_reused(p, task, inputs_of(run, data, code, digests), force, summary)
    return p


def plan_council(c: CouncilYear, council: str, folder: Path, version: Path, data: Path,
                 code: str, force: bool, summary: Summary,
                 digests: dict[Path, str] | None = None) -> Plan:
    """The corporate report's runs for a year: stale when any portfolio's data for it changed."""
    previous = read_log(folder)
    log: dict[str, Any] = {"perflib": __version__, "portfolio": COUNCIL,
                           "portfolio_name": "Council-wide", "council": council, "year": c.year,
                           "status": c.status, "scope": "council", "notebooks": {}}
    p = Plan(folder=folder, version=version, previous=previous, log=log)
    for run in c.runs:
        task = Task(portfolio=COUNCIL, year=c.year, output=run.output,
                    notebook=str(notebook_path(run.notebook)), data_dir=str(data),
                    workdir=str(version), kind=run.kind, extra=dict(run.extra), scope="council")
        _stale_or_reused(p, task, inputs_of(run, data, code, digests), force, summary)
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


__all__ = ["COUNCIL", "Plan", "inputs_hash", "inputs_of", "notebook_path", "plan",
           "plan_council"]
