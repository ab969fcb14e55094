"""Build reports: run notebooks, convert them, print PDFs, and publish atomically.

A report folder ``reports/<portfolio>/<YYYY-YY>`` is a symbolic link to a complete version under
``reports/.versions``. A build writes a new version beside the old one and swaps the link in one
``rename``, so a crash or a kill at any moment leaves either the old reports or the new ones, never a
mixture. A failed notebook leaves its executed copy under ``reports/.failed`` for inspection.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

# jsonschema builds rfc3987_syntax's grammar at import (about 1 s per process) for IRI format
# checks that notebook schemas never use; without the module jsonschema simply skips them.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from perflib import __version__, config  # noqa: E402
from perflib.errors import BrowserNotFound, BuildLocked, NotebookError, ParameterError  # noqa: E402
from perflib.data.load import (  # noqa: E402
    Report,
    check_year,
    load_portfolio,
    load_report,
    measures_csv,
    portfolios,
    year_folder,
)

LOG_NAME = "build-log.json"


@dataclass(frozen=True)
class Notebook:
    """A notebook the build runs for every report year, and the data it publishes beside it."""

    name: str
    data: Callable[[Report], dict[str, pd.DataFrame]]
    inputs: Callable[[Report], list[Path]] = lambda r: list(r.files)


def _annual_data(r: Report) -> dict[str, pd.DataFrame]:
    return {"measures.csv": measures_csv(r)}


def _deep_dive_inputs(r: Report) -> list[Path]:
    """List what a deep dive reads: not the commentary, so a commentary edit does not rebuild it."""
    p = r.portfolio
    extra = [t.path for t in (p.facts, p.events) if t is not None]
    return [*p.files, p.path / r.folder / "report.yaml", *extra]


def _deep_dive_data(name: str, csv: str) -> Callable[[Report], dict[str, pd.DataFrame]]:
    def data(r: Report) -> dict[str, pd.DataFrame]:
        # imported when a deep dive is published, not on every build: charts pull in matplotlib
        from perflib.reports import deepdives

        return {csv: getattr(deepdives, name)(r)}

    return data


def notebooks() -> list[Notebook]:
    """Every notebook the build runs, in order."""
    return [
        Notebook("annual_report", _annual_data),
        Notebook("complaints", _deep_dive_data("complaints_data", "complaints.csv"),
                 _deep_dive_inputs),
        Notebook("digital_inclusion", _deep_dive_data("digital_data", "digital_inclusion.csv"),
                 _deep_dive_inputs),
        Notebook("museum_visits", _deep_dive_data("museum_data", "museum_visits.csv"),
                 _deep_dive_inputs),
    ]


@dataclass
class Task:
    """One notebook for one portfolio and year."""

    portfolio: str
    year: str
    notebook: str
    data_dir: str
    workdir: str
    inputs_hash: str = ""

    @property
    def label(self) -> str:
        """How progress messages name the task."""
        return f"{self.portfolio} {self.year} {self.notebook}"


@dataclass
class Outcome:
    """What came of a task: its rendered HTML, or why it failed."""

    task: Task
    html: str = ""
    error: str = ""  # empty when the task succeeded
    cell: int | None = None  # execution count of the failing cell, where there is one
    seconds: float = 0.0


@dataclass
class Summary:
    """What a build did, for the CLI's last line and for tests."""

    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _code_hash() -> str:
    """Hash of perflib's own source and templates: a change to the code rebuilds everything."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent.parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".j2", ".css", ".json"):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def inputs_of(nb: Notebook, report: Report, code: str) -> dict[str, str]:
    """Everything a report depends on, with checksums, for the log and for incremental builds."""
    files = {str(p.relative_to(config.PROJECT_ROOT) if p.is_relative_to(config.PROJECT_ROOT)
                 else p): _sha256(p) for p in nb.inputs(report)}
    nb_path = config.NOTEBOOKS_DIR / f"{nb.name}.ipynb"
    files[f"notebooks/{nb.name}.ipynb"] = _sha256(nb_path)
    files["perflib"] = code
    return dict(sorted(files.items()))


def _hash_inputs(inputs: dict[str, str], params: dict) -> str:
    blob = json.dumps({"inputs": inputs, "params": params}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _params(task: Task) -> dict[str, str]:
    return {"portfolio": task.portfolio, "year": task.year, "data_dir": task.data_dir}


def execute(task: Task) -> Outcome:
    """Run one notebook on this process's warm kernel and render it to HTML, all in this process.

    The kernel is started, and pandas, matplotlib, seaborn and perflib imported in it, once per
    process (see :mod:`perflib.publish.warm`), then reset between notebooks.
    """
    from perflib.build import warmrun

    return warmrun.run(task, config.NOTEBOOKS_DIR / f"{task.notebook}.ipynb",
                       config.NOTEBOOKS_DIR)


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _read_log(folder: Path) -> dict:
    try:
        return json.loads((folder / LOG_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _publish(folder: Path, version: Path) -> None:
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


def build(portfolio: str | None = None, year: str | None = None, out: Path | str | None = None,
          jobs: int | None = None, force: bool = False,
          data_dir: Path | str | None = None, scheduler: str | None = None) -> Summary:
    """Build the reports asked for; see the module docstring for how they are published."""
    from perflib.notebook import data_path

    out = Path(out or config.REPORTS_DIR).resolve()
    data = data_path(data_dir)  # checked before papermill ever injects it
    reports = _load(portfolio, year, data)
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / ".perflib-build.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildLocked(f"another build is writing to {out} (lock {lock.lock_file}); wait for "
                          "it to finish, or delete the lock file if no build is running") from None
    try:
        return _build(reports, out, data, jobs or os.cpu_count() or 1, force, scheduler)
    finally:
        lock.release()


def _load(portfolio: str | None, year: str | None, data: Path) -> list[Report]:
    if year is not None:
        check_year(year)
    pids = [portfolio] if portfolio else portfolios(data)
    if not pids:
        raise ParameterError(f"no portfolios under {data}: each needs a portfolio.yaml")
    reports = []
    for pid in pids:
        p = load_portfolio(pid, data)
        reports += [load_report(p, y) for y in ([year] if year else p.years)]
    return reports


def _build(reports: list[Report], out: Path, data: Path, jobs: int, force: bool,
           scheduler: str | None = None) -> Summary:
    summary = Summary()
    code = _code_hash()
    staging = out / ".versions"
    staging.mkdir(exist_ok=True)
    _drop_stale_versions(out, staging)
    by_name = {nb.name: nb for nb in notebooks()}
    plans: list[tuple[Report, Path, Path, list[Task], dict, dict]] = []
    for r in reports:
        folder = out / r.portfolio.id / r.folder
        previous = _read_log(folder)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        version = Path(tempfile.mkdtemp(prefix=f"{r.portfolio.id}-{r.folder}-{stamp}-",
                                        dir=staging))
        version.chmod(0o755)
        tasks, log = [], {"perflib": __version__, "portfolio": r.portfolio.id, "year": r.year,
                          "notebooks": {}}
        for nb in by_name.values():
            inputs = inputs_of(nb, r, code)
            task = Task(r.portfolio.id, r.year, nb.name, str(data), str(version))
            task.inputs_hash = _hash_inputs(inputs, {**_params(task), "data_dir": ""})
            before = previous.get("notebooks", {}).get(nb.name, {})
            if (not force and before.get("inputs_hash") == task.inputs_hash
                    and all((folder / f).exists() for f in before.get("files", []))):
                summary.skipped.append(task.label)
                log["notebooks"][nb.name] = before
                _reuse(folder, version, before["files"])
                continue
            log["notebooks"][nb.name] = {"inputs_hash": task.inputs_hash, "inputs": inputs,
                                         "parameters": {**_params(task), "data_dir": str(data)}}
            tasks.append(task)
        plans.append((r, folder, version, tasks, log, previous))

    todo = [t for _, _, _, tasks, _, _ in plans for t in tasks]
    for label in summary.skipped:
        _say(f"  up to date  {label}")
    by_task, pdf_bytes, printer_error = _run_and_print(todo, jobs, scheduler)

    failures: list[NotebookError] = []
    for r, folder, version, tasks, log, previous in plans:
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
            files = [f"{task.notebook}.ipynb", f"{task.notebook}.html"]
            key = (task.portfolio, task.year, task.notebook)
            if key in pdf_bytes:
                (version / f"{task.notebook}.pdf").write_bytes(pdf_bytes[key])
                files.append(f"{task.notebook}.pdf")
            for name, frame in by_name[task.notebook].data(r).items():
                frame.to_csv(version / name, index=False)
                files.append(name)
            entry["files"] = files
            entry["built"] = dt.datetime.now().isoformat(timespec="seconds")
            entry["seconds"] = round(o.seconds, 2)
            if key not in pdf_bytes:
                entry["inputs_hash"] = ""  # no PDF yet: rebuild next time
            summary.built.append(task.label)
            published_any = True
        if published_any or not folder.exists():
            (version / LOG_NAME).write_text(json.dumps(log, indent=2), encoding="utf-8")
            _publish(folder, version)
        else:
            shutil.rmtree(version, ignore_errors=True)
    _say(f"built {len(summary.built)}, up to date {len(summary.skipped)}, "
         f"failed {len(summary.failed)} -> {out}")
    if failures:
        for f in failures:
            _say(f"FAILED {f}")
        raise failures[0] if len(failures) == 1 else NotebookError(
            f"{len(failures)} notebooks", None, "; ".join(str(f) for f in failures))
    if printer_error:
        raise printer_error
    return summary


def _drop_stale_versions(out: Path, staging: Path) -> None:
    """Remove versions no report folder points at: what a killed build left half written."""
    live = {link.resolve() for link in out.glob("*/*") if link.is_symlink()}
    for version in staging.iterdir():
        if version.resolve() not in live:
            shutil.rmtree(version, ignore_errors=True)


def _reuse(folder: Path, version: Path, files: list[str]) -> None:
    """Bring a notebook's published outputs into the new version (hard links where possible)."""
    for f in files:
        if not (folder / f).exists():
            continue
        try:
            os.link(folder / f, version / f)
        except OSError:  # another filesystem, or links not allowed
            shutil.copy2(folder / f, version / f)


def _keep_failed(out: Path, task: Task) -> Path:
    dest = out / ".failed" / task.portfolio / year_folder(task.year)
    dest.mkdir(parents=True, exist_ok=True)
    src = Path(task.workdir) / f"{task.notebook}.ipynb"
    target = dest / f"{task.notebook}.ipynb"
    if src.exists():
        shutil.copy2(src, target)
        src.unlink()
    return target


def _outcomes(tasks: list[Task], jobs: int, scheduler: str | None = None):
    """Yield outcomes as tasks finish, ``jobs`` at a time in spawned workers.

    Workers are spawned, not forked: a process forked after Playwright has started can hang. Each
    keeps one warm kernel for all the notebooks it runs. With ``scheduler`` (a Dask scheduler's
    address) the tasks run on that cluster instead; see :mod:`perflib.build.cluster`.
    """
    for t in tasks:
        _say(f"  running     {t.label}")
    if scheduler:
        from perflib.build import cluster

        yield from cluster.outcomes(tasks, scheduler)
        return
    if jobs <= 1 or len(tasks) == 1:
        from perflib.publish import warm

        try:
            for t in tasks:
                yield execute(t)
        finally:
            warm.shutdown_all()
        return
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=ctx) as pool:
        futures = [pool.submit(execute, t) for t in tasks]
        for f in concurrent.futures.as_completed(futures):
            yield f.result()


def _run_and_print(tasks: list[Task], jobs: int, scheduler: str | None = None
                   ) -> tuple[dict[tuple, Outcome], dict[tuple, bytes], BrowserNotFound | None]:
    """Run every task and print each PDF through one browser while the others still run."""
    by_task: dict[tuple, Outcome] = {}
    pdfs: dict[tuple, bytes] = {}
    if not tasks:
        return by_task, pdfs, None
    from perflib.publish.exporter import ReportPDFExporter
    from perflib.publish.pdf import Printer

    printer, error = None, None
    try:
        for o in _outcomes(tasks, jobs, scheduler):
            t = o.task
            key = (t.portfolio, t.year, t.notebook)
            by_task[key] = o
            state = "failed" if o.error else "executed"
            _say(f"  {state:<11} {t.label} ({o.seconds:.1f} s)")
            if o.error or error:
                continue
            if printer is None:
                try:
                    printer = Printer().__enter__()
                except BrowserNotFound as exc:
                    error = exc
                    continue
            try:
                pdfs[key] = ReportPDFExporter.pdf_from_html(o.html, printer)
            except Exception as exc:  # a page that will not print fails its report, not the build
                o.error = f"printing the PDF failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
                _say(f"  failed      {t.label} (printing)")
                continue
            _say(f"  printed     {t.label}")
    finally:
        if printer is not None:
            printer.__exit__(None, None, None)
    return by_task, pdfs, error
