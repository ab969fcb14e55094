"""Build reports: run notebooks, convert them, print PDFs, and publish atomically.

A report folder ``reports/<portfolio>/<YYYY-YY>`` is a symbolic link to a complete version under
``reports/.versions``. A build writes a new version beside the old one and swaps the link in one
``rename``, so a crash or a kill at any moment leaves either the old reports or the new ones, never a
mixture. A failed notebook leaves its executed copy under ``reports/.failed`` for inspection.
Where the reports folder may lie, and what in it a build may replace or remove, is
:mod:`perflib.build.outdir`'s to say.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import json
import os
import queue
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

# jsonschema builds rfc3987_syntax's grammar at import (about 1 s per process) for IRI format
# checks that notebook schemas never use; without the module jsonschema simply skips them.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from perflib import __version__, config  # noqa: E402
from perflib.build import outdir  # noqa: E402
from perflib.data.door import read_bytes  # noqa: E402
from perflib.data.portfolio import (  # noqa: E402
    check_portfolio,
    check_year,
    portfolios,
    read_portfolio,
    year_folder,
)
from perflib.data.report import Report, load_report  # noqa: E402
from perflib.errors import (  # noqa: E402
    BrowserNotFound,
    BuildLocked,
    DataError,
    NotebookError,
    ParameterError,
    merge,
)
from perflib.reports import ReportKind, declared  # noqa: E402

if TYPE_CHECKING:
    from perflib.publish.pdf import Printer

LOG_NAME = "build-log.json"


def inputs(kind: ReportKind, r: Report) -> list[Path]:
    """The data files a report of this kind reads, for the log and for incremental builds.

    A deep dive does not read the commentary, so a commentary edit does not rebuild it.
    """
    p = r.portfolio
    if kind.whole_year:
        files = list(r.files)
    else:
        files = [*p.files, p.path / r.folder / "report.yaml"]
    files += [f for f in (p.optional(name) for name in kind.files) if f is not None]
    return list(dict.fromkeys(files))


@dataclass
class Task:
    """One notebook for one portfolio and year."""

    portfolio: str
    year: str
    notebook: str
    data_dir: str
    workdir: str
    inputs_hash: str = ""
    #: the report kind's name (output files are named after its notebook)
    kind: str = ""
    notebook_path: str = ""
    #: parameters beyond portfolio, year and data_dir (a quarterly report's quarter)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How progress messages name the task."""
        return f"{self.portfolio} {self.year} {self.notebook}"


@dataclass
class Outcome:
    """What came of a task: its rendered HTML, or why it failed."""

    task: Task
    html: str = ""
    #: the document title, from the report's blocks (every PDF page's header)
    title: str = ""
    #: who the documents name as author (the council)
    author: str = ""
    #: data files the report published from its kernel: name -> CSV text
    files: dict[str, str] = field(default_factory=dict)
    #: the report as a Word document
    docx: bytes = b""
    error: str = ""  # empty when the task succeeded
    cell: int | None = None  # execution count of the failing cell, where there is one
    seconds: float = 0.0


@dataclass
class Summary:
    """What a build did, for the CLI's last line and for tests."""

    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    #: declared reports that cannot be made yet, each with why (a quarter with no figures)
    waiting: list[str] = field(default_factory=list)


@dataclass
class Resident:
    """What a long-running process (``perflib watch``) keeps from one build to the next.

    Its threads keep their warm kernels, and its browser stays open, so a rebuild pays for
    running and printing the notebooks that changed and nothing else.
    """

    pool: concurrent.futures.ThreadPoolExecutor
    jobs: int
    #: the hash of perflib's code the kernels were started with, recorded in every build log
    code: str
    printer: Printer | None = None  # started by the first build that prints


def _sha256(path: Path) -> str:
    """A data file's SHA-256, read through the data door; '' for a file the door refuses.

    Such a file was refused, with its reason, when the data was loaded; here it must only not
    block (a FIFO) or crash (a folder) the build.
    """
    raw = read_bytes(path, [], text=False)
    return hashlib.sha256(raw).hexdigest() if raw is not None else ""


def _file_sha256(path: Path) -> str:
    """A file's SHA-256 wherever it is: a report kind's notebook may be in an installed package."""
    if path.is_relative_to(config.PROJECT_ROOT):
        return _sha256(path)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    except OSError:
        return ""


def _code_hash() -> str:
    """Hash of perflib's own source and templates: a change to the code rebuilds everything."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent.parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".j2", ".css", ".json"):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def inputs_of(kind: ReportKind, report: Report, code: str) -> dict[str, str]:
    """Everything a report depends on, with checksums, for the log and for incremental builds."""
    files = {config.relative(p): _sha256(p) for p in inputs(kind, report)}
    files[config.relative(kind.notebook_path)] = _file_sha256(kind.notebook_path)
    files["perflib"] = code
    return dict(sorted(files.items()))


def _hash_inputs(inputs: dict[str, str], params: dict) -> str:
    blob = json.dumps({"inputs": inputs, "params": params}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _params(task: Task) -> dict[str, str]:
    return {"portfolio": task.portfolio, "year": task.year, "data_dir": task.data_dir,
            **task.extra}


def execute(task: Task, ready: Callable[[Outcome], None] | None = None) -> Outcome:
    """Run one notebook on this thread's warm kernel, render it to HTML, then to Word.

    The kernel is started, and pandas, matplotlib, seaborn and perflib imported in it, once per
    thread (see :mod:`perflib.publish.warm`), then reset between notebooks. ``ready`` is given
    the outcome as soon as its HTML is there, so its PDF can be printed while Word is written.
    """
    from perflib.build import warmrun

    source = Path(task.notebook_path) if task.notebook_path else \
        config.NOTEBOOKS_DIR / f"{task.notebook}.ipynb"
    outcome = warmrun.run(task, source, config.NOTEBOOKS_DIR, with_word=False)
    if ready is not None:
        ready(outcome)
    return outcome if outcome.error else warmrun.word(outcome)


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _read_log(folder: Path) -> dict:
    try:
        return json.loads((folder / LOG_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def build(portfolio: str | None = None, year: str | None = None, out: Path | str | None = None,
          jobs: int | None = None, force: bool = False,
          data_dir: Path | str | None = None, scheduler: str | None = None,
          resident: Resident | None = None) -> Summary:
    """Build the reports asked for; see the module docstring for how they are published.

    ``resident`` is for a process that builds again and again (:mod:`perflib.build.watch`).
    """
    from perflib.config import data_path

    data = data_path(data_dir)  # checked before papermill ever injects it
    out = outdir.check(out, data)
    if year is not None:
        check_year(year)
    if portfolio is not None:
        check_portfolio(portfolio, data)
    # parameters checked, and every folder the build could replace is perflib's, before the
    # first write (even the lock)
    outdir.prepare(out, [portfolio] if portfolio else portfolios(data),
                   year_folder(year) if year else None)
    lock = FileLock(str(out / ".perflib-build.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildLocked(f"another build is writing to {out} (lock {lock.lock_file}); wait for "
                          "it to finish, or delete the lock file if no build is running") from None
    local = scheduler is None and resident is None
    code = resident.code if resident else _code_hash()  # read once: the logs and the tasks use it
    try:
        if local:
            from perflib.publish import warm

            # Kernels start and warm up while the data is read and checked, as many as the
            # build logs say will be needed (none when nothing changed).
            warm.prestart(min(jobs or os.cpu_count() or 1,
                              _stale(out, force, portfolio, year, code)))
        reports = _load(portfolio, year, data)
        jobs = resident.jobs if resident else jobs or os.cpu_count() or 1
        return _build(reports, out, data, jobs, force, code, scheduler, resident)
    finally:
        if local:
            warm.shutdown_all()  # the spare, if nothing needed building
        lock.release()


def _stale(out: Path, force: bool, portfolio: str | None = None, year: str | None = None,
           code: str | None = None) -> int:
    """Roughly how many notebooks a build will run, from the build logs alone (a guess, cheap).

    Every input a log records is hashed again; a notebook with any input changed counts, and
    with no logs (or ``force``) everything does.
    """
    pattern = f"{portfolio or '*'}/{year_folder(year) if year else '*'}/{LOG_NAME}"
    logs = [log for log in out.glob(pattern) if not log.parts[-3].startswith(".")]
    if force or not logs:
        return sys.maxsize
    code, digests, stale = code or _code_hash(), {}, 0
    for log in logs:
        for entry in _read_log(log.parent).get("notebooks", {}).values():
            for name, digest in entry.get("inputs", {}).items():
                if name == "perflib":
                    now = code
                else:
                    path = config.PROJECT_ROOT / name
                    if name not in digests:
                        digests[name] = _file_sha256(path)
                    now = digests[name]
                if now != digest:
                    stale += 1
                    break
    return stale


def _load(portfolio: str | None, year: str | None, data: Path) -> list[Report]:
    """Every report year asked for, checked; all data problems of all of them in one error."""
    pids = [portfolio] if portfolio else portfolios(data)
    if not pids:
        raise ParameterError(f"no portfolios under {data}: each needs a portfolio.yaml")
    reports, problems = [], []
    for pid in pids:
        p, found = read_portfolio(pid, data)  # a portfolio with errors still has its years checked
        if p is None:
            problems += found
            continue
        for y in [year] if year else p.years:
            try:
                reports.append(load_report(p, y))
            except DataError as exc:
                merge(problems, exc.problems)
    if problems:
        raise DataError(problems)
    from perflib.data.quality import describe

    for r in reports:
        if r.todos:
            _say(f"  draft       {r.portfolio.id} {r.year}: {len(r.todos)} to-dos still open "
                 "(`perflib check` lists them)")
        if any(x.severity == "error" for x in r.findings):
            for line in describe(r):  # a draft's contradictions are printed; a final's failed
                _say(line)
    return reports


def _build(reports: list[Report], out: Path, data: Path, jobs: int, force: bool, code: str,
           scheduler: str | None = None, resident: Resident | None = None) -> Summary:
    summary = Summary()
    # every folder this build could write in or replace is perflib's, or nothing is written
    outdir.refuse_foreign_targets(out, [(r.portfolio.id, r.folder) for r in reports])
    staging = outdir.claim(out / outdir.VERSIONS)
    outdir.drop_stale_versions(out, staging)
    plans: list[tuple[Report, Path, Path, list[Task], dict, dict]] = []
    for r in reports:
        folder = out / r.portfolio.id / r.folder
        previous = _read_log(folder)
        version = outdir.new_version(staging, r.portfolio.id, r.folder)
        tasks, log = [], {"perflib": __version__, "portfolio": r.portfolio.id,
                          "portfolio_name": r.portfolio.name, "council": r.portfolio.council,
                          "year": r.year, "status": r.meta["status"], "notebooks": {}}
        runs = [(kind, name, extra) for kind in declared(r.portfolio.reports)
                for name, extra in kind.notebooks(r)]  # a quarterly kind runs once per quarter
        summary.waiting += [f"{r.portfolio.id} {r.year} {why}"
                            for kind in declared(r.portfolio.reports) if kind.waiting
                            for why in kind.waiting(r)]
        for kind, name, extra in runs:
            deps = inputs_of(kind, r, code)
            task = Task(r.portfolio.id, r.year, name, str(data), str(version),
                        kind=kind.name, notebook_path=str(kind.notebook_path), extra=extra)
            task.inputs_hash = _hash_inputs(deps, {**_params(task), "data_dir": ""})
            name = task.notebook
            before = previous.get("notebooks", {}).get(name, {})
            if (not force and before.get("inputs_hash") == task.inputs_hash
                    and all((folder / f).exists() for f in before.get("files", []))):
                summary.skipped.append(task.label)
                log["notebooks"][name] = before
                _reuse(folder, version, before["files"])
                continue
            log["notebooks"][name] = {"kind": kind.name, "title": "",
                                      "inputs_hash": task.inputs_hash, "inputs": deps,
                                      "parameters": {**_params(task), "data_dir": str(data)}}
            tasks.append(task)
        plans.append((r, folder, version, tasks, log, previous))

    todo = [t for _, _, _, tasks, _, _ in plans for t in tasks]
    for label in summary.skipped:
        _say(f"  up to date  {label}")
    for label in summary.waiting:
        _say(f"  waiting     {label}")
    by_task, pdf_bytes, printer_error = _run_and_print(todo, jobs, scheduler, resident)

    failures: list[NotebookError] = []
    for _, folder, version, tasks, log, previous in plans:
        published_any = False
        for task in tasks:
            o = by_task[(task.portfolio, task.year, task.notebook)]
            entry = log["notebooks"][task.notebook]
            if o.error:
                failures.append(NotebookError(
                    f"notebooks/{task.notebook}.ipynb ({task.portfolio} {task.year})", o.cell,
                    o.error, _keep_failed(out, task)))
                summary.failed.append(task.label)
                # keep the last good outputs of a notebook that failed this time
                before = previous.get("notebooks", {}).get(task.notebook)
                if before:
                    _reuse(folder, version, before["files"])
                    log["notebooks"][task.notebook] = before
                else:
                    log["notebooks"].pop(task.notebook, None)
                continue
            files = [f"{task.notebook}.ipynb", f"{task.notebook}.html", f"{task.notebook}.docx"]
            key = (task.portfolio, task.year, task.notebook)
            if key in pdf_bytes:
                (version / f"{task.notebook}.pdf").write_bytes(pdf_bytes[key])
                files.append(f"{task.notebook}.pdf")
            (version / f"{task.notebook}.docx").write_bytes(o.docx)
            for name, text in o.files.items():
                (version / name).write_text(text, encoding="utf-8")
                files.append(name)
            entry["title"] = o.title
            entry["files"] = files
            entry["built"] = dt.datetime.now().isoformat(timespec="seconds")
            entry["seconds"] = round(o.seconds, 2)
            if key not in pdf_bytes:
                entry["inputs_hash"] = ""  # no PDF yet: rebuild next time
            summary.built.append(task.label)
            published_any = True
        if published_any or not folder.exists():
            (version / LOG_NAME).write_text(json.dumps(log, indent=2), encoding="utf-8")
            outdir.publish(folder, version, out)
        else:
            outdir.remove_version(version, staging)
    from perflib.build.index import write_index

    write_index(out)
    waits = f", waiting {len(summary.waiting)}" if summary.waiting else ""
    _say(f"built {len(summary.built)}, up to date {len(summary.skipped)}, "
         f"failed {len(summary.failed)}{waits} -> {out}")
    if failures:
        for f in failures:
            _say(f"FAILED {f}")
        raise failures[0] if len(failures) == 1 else NotebookError(
            f"{len(failures)} notebooks", None, "; ".join(str(f) for f in failures))
    if printer_error:
        raise printer_error
    return summary


def _reuse(folder: Path, version: Path, files: list[str]) -> None:
    """Bring a notebook's published outputs into the new version (hard links where possible)."""
    for f in files:
        if not (folder / f).exists():
            continue
        try:
            os.link(folder / f, version / f)
        except OSError:  # another filesystem, or links not allowed
            shutil.copy2(folder / f, version / f)


def _keep_failed(out: Path, task: Task) -> Path | None:
    """Move the failed notebook's executed copy under ``.failed``; ``None`` if it left none."""
    dest = outdir.failed_folder(out, task.portfolio, year_folder(task.year))
    src = Path(task.workdir) / f"{task.notebook}.ipynb"
    target = dest / f"{task.notebook}.ipynb"
    target.unlink(missing_ok=True)  # never point at an earlier failure's copy
    if not src.exists():  # the kernel died, or the notebook never started
        return None
    shutil.copy2(src, target)
    src.unlink()
    return target


def _outcomes(tasks: list[Task], jobs: int, scheduler: str | None = None,
              say: Callable[[str], None] = _say, resident: Resident | None = None
              ) -> Iterator[Outcome | None]:
    """Yield outcomes as tasks finish, ``jobs`` at a time.

    Each of ``jobs`` threads drives one warm kernel (a process of its own) for all the notebooks
    it runs, so notebooks run in parallel and nothing is forked after Playwright has started.
    With ``scheduler`` (a Dask scheduler's address) the tasks run on that cluster instead; see
    :mod:`perflib.build.cluster`. Once the work is handed out it yields ``None``, so the caller
    can start its browsers meanwhile.
    """
    for t in tasks:
        say(f"  running     {t.label}")
    if scheduler:
        from perflib.build import cluster

        yield from cluster.outcomes(tasks, scheduler)
        return
    from perflib.publish import warm

    # Threads, not processes: each thread drives a warm kernel of its own (a process), so the
    # notebooks still run in parallel while the build pays no worker start-up or imports. Even
    # one notebook runs on a thread, so that the browser starts while it runs.
    def run(pool: concurrent.futures.Executor) -> Iterator[Outcome | None]:
        # An outcome is yielded once its HTML is there; its thread goes on to write the Word
        # document, and all of them are done before the last outcome is yielded.
        from nbformat.validator import get_validator

        get_validator()  # compiled once here (0.2 s), not by every thread racing to read a notebook
        ready: queue.Queue[Outcome] = queue.Queue()
        futures = [pool.submit(execute, t, ready.put) for t in tasks]
        try:
            yield None  # the kernels are starting: a good moment to start the browser
            for _ in tasks:
                while True:
                    try:
                        yield ready.get(timeout=0.5)
                        break
                    except queue.Empty:
                        for f in futures:
                            if f.done():
                                f.result()  # raises what a task raised before it was ready
            for f in futures:
                f.result()
        finally:  # on any way out, no task of this build is left running into the next
            for f in futures:
                f.cancel()
            concurrent.futures.wait(futures)

    if resident is not None:  # its threads' kernels are warm, and stay so for the next build
        yield from run(resident.pool)
        return
    try:
        with concurrent.futures.ThreadPoolExecutor(min(jobs, len(tasks))) as pool:
            yield from run(pool)
    finally:
        warm.shutdown_all()


def _run_and_print(tasks: list[Task], jobs: int, scheduler: str | None = None,
                   resident: Resident | None = None
                   ) -> tuple[dict[tuple, Outcome], dict[tuple, bytes], BrowserNotFound | None]:
    """Run every task and print each PDF through one browser while the others still run."""
    by_task: dict[tuple, Outcome] = {}
    pdfs: dict[tuple, bytes] = {}
    if not tasks:
        return by_task, pdfs, None
    from perflib.build.progress import Progress
    from perflib.publish.exporter import ReportPDFExporter
    from perflib.publish.pdf import Printer

    printer = resident.printer if resident else None
    error = None
    progress = Progress(len(tasks))
    try:
        for o in _outcomes(tasks, jobs, scheduler, progress.write, resident):
            if printer is None and error is None:  # start the browser while the kernels start
                try:
                    printer = Printer().__enter__()
                    if resident is not None:
                        resident.printer = printer  # kept open for the next build
                except BrowserNotFound as exc:
                    error = exc
            if o is None:
                continue
            t = o.task
            key = (t.portfolio, t.year, t.notebook)
            by_task[key] = o
            line = f"  {'failed' if o.error else 'executed':<11} {t.label} ({o.seconds:.1f} s)"
            if o.error or error:
                progress.done(line, not o.error)
                continue
            progress.write(line)
            try:
                pdfs[key] = ReportPDFExporter.pdf_from_html(o.html, o.title, printer)
            except Exception as exc:  # a page that will not print fails its report, not the build
                o.error = f"printing the PDF failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
                progress.done(f"  failed      {t.label} (printing)", False)
                continue
            progress.done(f"  printed     {t.label}", True)
    finally:
        progress.close()
        if printer is not None and resident is None:
            printer.__exit__(None, None, None)
    return by_task, pdfs, error
