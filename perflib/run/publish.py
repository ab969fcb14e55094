"""Each finished report written into its folder's new version, and each folder published whole.

A build's outcomes come back in any order, from this machine's threads or a cluster's workers.
Each is written into its report folder's version at once and dropped, so the build holds only the
reports in flight; a folder is published (:func:`perflib.run.versions.publish`, one rename) as
soon as the last of its runs is back. A run that failed keeps its report's last good outputs.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from perflib.errors import BrowserNotFound, NotebookError
from perflib.formats import Rendered, formats
from perflib.run import logs, versions
from perflib.run.plan import Plan
from perflib.run.progress import Progress
from perflib.run.tasks import Outcome, Summary, Task


class Publisher:
    """The build's side of its reports folder: what is written, and when each folder goes live."""

    def __init__(self, out: Path, staged: Path, summary: Summary) -> None:
        self.out, self.staged, self.summary = out, staged, summary
        self.failures: list[NotebookError] = []
        self.plans: list[Plan] = []
        self._owner: dict[tuple[str, str, str], Plan] = {}
        self._left: dict[int, int] = {}
        self.progress: Progress | None = None

    def add(self, plans: list[Plan]) -> None:
        """Take these report folders, with what they reuse; publish those with nothing to run.

        What is reused goes into each version now; a folder with nothing to run is published
        at once, its reused outputs being the report.
        """
        for p in plans:
            self.plans.append(p)
            for entry in p.reused.values():
                versions.reuse(p.folder, p.version, entry["files"])
            self._left[id(p)] = len(p.tasks)
            self._owner.update((t.key, p) for t in p.tasks)
        for p in plans:
            if not p.tasks:
                self.finish(p)

    def plan_of(self, task: Task) -> Plan:
        """The report folder a task writes into."""
        return self._owner[task.key]

    def record(self, o: Outcome) -> None:
        """Write one outcome into its report's version; publish the folder if it was the last."""
        p = self._owner[o.task.key]
        _record(p, o, self.out, self.summary, self.failures)
        self._left[id(p)] -= 1
        if self._left[id(p)] == 0:
            self.finish(p)
            if self.progress is not None:
                role = f" ({p.role})" if p.role else ""
                self.progress.write(f"  published   {p.label}{role}")

    def finish(self, p: Plan) -> None:
        """Publish a report folder whose runs are all back (with its build log), or drop it."""
        p.done = True
        if p.published_any or not p.folder.exists():
            (p.version / logs.LOG_NAME).write_text(json.dumps(p.log, indent=2), encoding="utf-8")
            versions.publish(p.folder, p.version, self.out)
        else:
            versions.remove_version(p.version, self.staged)

    def drop_unfinished(self) -> None:
        """What did not finish stays unpublished, and its version goes."""
        for p in self.plans:
            if not p.done:
                versions.remove_version(p.version, self.staged)


def print_here(o: Outcome, printer: object) -> None:
    """Print a report whose worker had no browser, through this machine's."""
    from perflib.run import execute
    from perflib.run.printing import PrintService

    assert isinstance(printer, PrintService)
    if printer.error is not None:
        return
    try:
        o.documents["pdf"] = printer.pdf(Rendered(o.html, [], o.title, o.author))
    except BrowserNotFound:
        pass  # said once, at the end, as a local build without a browser says it
    except Exception as exc:  # a page that will not print fails its report, not the build
        o.error = f"printing the PDF failed: {execute.failure(exc)}"


def _record(p: Plan, o: Outcome, out: Path, summary: Summary,
            failures: list[NotebookError]) -> None:
    """Write one outcome into its report's version, or keep the last good outputs if it failed."""
    task = o.task
    if o.error:
        failures.append(NotebookError(
            f"notebooks/{Path(task.notebook).name} ({task.portfolio} {task.year})", o.cell,
            o.error, versions.keep_failed(out, task)))
        summary.failed.append(task.label)
        # keep the last good outputs of a notebook that failed this time
        before = p.previous.get("notebooks", {}).get(task.output)
        if before:
            versions.reuse(p.folder, p.version, before["files"])
            p.log["notebooks"][task.output] = before
        else:
            p.log["notebooks"].pop(task.output, None)
        return
    _write(p, task, o)
    summary.built.append(task.label)
    p.published_any = True


def _write(p: Plan, task: Task, o: Outcome) -> None:
    """Write one successful run's documents and data files into the version; log what it made."""
    files = [f"{task.output}.ipynb", f"{task.output}.html"]
    for name, fmt in formats().items():
        if name in o.documents:
            (p.version / f"{task.output}{fmt.extension}").write_bytes(o.documents[name])
            files.append(f"{task.output}{fmt.extension}")
    for name, text in o.files.items():
        (p.version / name).write_text(text, encoding="utf-8")
        files.append(name)
    entry = p.log["notebooks"][task.output]
    entry["title"] = o.title
    entry.update(o.cover)  # its status as its cover says it, for the front page
    entry["files"] = files
    entry["built"] = dt.datetime.now().isoformat(timespec="seconds")
    entry["seconds"] = round(o.seconds, 2)
    if "pdf" not in o.documents:
        entry["inputs_hash"] = ""  # no PDF yet: rebuild next time
    o.documents, o.html = {}, ""  # written: the build holds only the reports in flight


__all__ = ["Publisher", "print_here"]
