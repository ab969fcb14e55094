"""Build reports: check the data, run the stale notebooks, print, and publish each report whole.

The steps, each in a module of its own: the plan (:mod:`perflib.run.plan`: what is stale, from the
build logs), the pool the notebooks run on (:mod:`perflib.run.pool`: warm kernels on threads, or
a Dask cluster), printing through one browser while they run (here), and publishing each report
folder in one rename (:mod:`perflib.run.versions`). A failed notebook keeps its report's last good
version and its executed copy under ``reports/.failed``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from contextlib import ExitStack
from pathlib import Path

# jsonschema builds rfc3987_syntax's grammar at import (about 1 s per process) for IRI format
# checks that notebook schemas never use; without the module jsonschema simply skips them.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from perflib import config  # noqa: E402
from perflib.data.council import FILE as COUNCIL_FILE  # noqa: E402
from perflib.data.council import FOLDER, CorporateYear  # noqa: E402
from perflib.data.portfolio import (  # noqa: E402
    check_year,
    portfolio_folder,
    portfolios,
    year_folder,
)
from perflib.data.report import Report  # noqa: E402
from perflib.errors import BrowserNotFound, DataError, NotebookError, ParameterError  # noqa: E402
from perflib.formats import FORMATS, Rendered  # noqa: E402
from perflib.reports import corporate  # noqa: E402
from perflib.reports.checks import check_council, councils_named, load_all  # noqa: E402
from perflib.run import plan as planning  # noqa: E402
from perflib.run import versions  # noqa: E402
from perflib.run.frontpage import write_index  # noqa: E402
from perflib.run.plan import Plan  # noqa: E402
from perflib.run.pool import Pool, Resident, pool_for  # noqa: E402
from perflib.run.tasks import Outcome, Summary, Task  # noqa: E402


def say(msg: str) -> None:
    """A line of the build's log, on stderr."""
    print(msg, file=sys.stderr, flush=True)


def build(portfolio: str | None = None, year: str | None = None, out: Path | str | None = None,
          jobs: int | None = None, force: bool = False,
          data_dir: Path | str | None = None, scheduler: str | None = None,
          resident: Resident | None = None) -> Summary:
    """Build the reports asked for; see the module docstring for how they are published.

    ``resident`` is for a process that builds again and again (:mod:`perflib.run.watch`).
    """
    data = config.data_path(data_dir)  # checked before papermill ever injects it
    out = versions.check(out, data)
    if year is not None:
        check_year(year)
    if portfolio is not None:
        portfolio_folder(portfolio, data)
    # parameters checked, and every folder the build could replace is perflib's, before the
    # first write (even the lock)
    versions.prepare(out, [portfolio] if portfolio else [*portfolios(data), FOLDER],
                     year_folder(year) if year else None)
    code = resident.code if resident else planning.code_hash()  # once: the logs and tasks use it
    jobs = resident.jobs if resident else jobs or os.cpu_count() or 1
    with ExitStack() as stack:
        stack.enter_context(versions.locked(out))
        if scheduler is None and resident is None:
            from perflib.run import kernels

            # Kernels start and warm up while the data is read and checked, as many as the
            # build logs say will be needed (none when nothing changed).
            ahead = min(jobs, planning.stale(out, force, portfolio, year, code))
            stack.enter_context(kernels.session(ahead))
        reports = _load(portfolio, year, data)
        # the council's corporate report, from every portfolio: not when one is asked for alone
        council = {} if portfolio is not None else _council(data, reports)
        return _build(reports, out, data, force, code, pool_for(jobs, scheduler, resident),
                      resident, council)


def _load(portfolio: str | None, year: str | None, data: Path) -> list[Report]:
    """Every report year asked for, checked; all data problems of all of them in one error."""
    if portfolio is None and not portfolios(data):
        raise ParameterError(f"no portfolios under {data}: each needs a portfolio.yaml")
    reports = load_all(data, portfolio, year)
    from perflib.data.quality import describe

    for r in reports:
        if r.todos:
            say(f"  draft       {r.portfolio.id} {r.year}: {len(r.todos)} to-dos still open "
                "(`perflib check` lists them)")
        if any(x.severity == "error" for x in r.findings):
            for line in describe(r):  # a draft's contradictions are printed; a final's failed
                say(line)
    return reports


def _council(data: Path, reports: list[Report]) -> dict[str, CorporateYear]:
    """The corporate report's own files for every year, checked with council.yaml (or an error)."""
    own, problems = check_council(data, reports)
    if any(not q.todo for q in problems):
        raise DataError(problems)
    names = councils_named(reports)
    if not own and len(names) > 1:
        say(f"  not made    council: the portfolios name {len(names)} councils "
            f"({'; '.join(names)}), so there is no corporate report; give the council in "
            f"{data / COUNCIL_FILE} to make one")
    for year, c in own.items():
        if c.meta.get("status") != "final":
            say(f"  draft       council {year}: the corporate report's cover is "
                f"{'still to be set' if not c.files else 'a draft'}")
    return own


def _build(reports: list[Report], out: Path, data: Path, force: bool, code: str, pool: Pool,
           resident: Resident | None = None,
           council: dict[str, CorporateYear] | None = None) -> Summary:
    summary = Summary()
    council = council or {}
    # every folder this build could write in or replace is perflib's, or nothing is written
    versions.refuse_foreign_targets(out, [(r.portfolio.id, r.folder) for r in reports]
                                    + [(FOLDER, year_folder(y)) for y in council])
    staged = versions.staging(out)
    plans: list[Plan] = []
    for r in reports:
        version = versions.new_version(staged, r.portfolio.id, r.folder)
        plans.append(planning.plan(r, out / r.portfolio.id / r.folder, version, data, code,
                                   force, summary))
    if council:
        name = corporate.council_of(data)[0]
        yaml = data / COUNCIL_FILE
        for year, own in council.items():
            version = versions.new_version(staged, FOLDER, year_folder(year))
            files = [*([yaml] if yaml.is_file() else []), *own.files]
            plans.append(planning.plan_council(
                year, [r for r in reports if r.year == year], name,
                own.meta.get("status", "draft"), files, out / FOLDER / year_folder(year),
                version, data, code, force, summary))
    for p in plans:
        for entry in p.reused.values():
            versions.reuse(p.folder, p.version, entry["files"])
    for label in summary.skipped:
        say(f"  up to date  {label}")
    for label in summary.waiting:
        say(f"  waiting     {label}")
    tasks = [t for p in plans for t in p.tasks]
    outcomes, pdfs, printer_error = run_and_print(tasks, pool, resident)

    failures: list[NotebookError] = []
    for p in plans:
        published_any = False
        for task in p.tasks:
            o = outcomes[task.key]
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
                continue
            _write(p, task, o, pdfs.get(task.key))
            summary.built.append(task.label)
            published_any = True
        if published_any or not p.folder.exists():
            (p.version / planning.LOG_NAME).write_text(json.dumps(p.log, indent=2),
                                                       encoding="utf-8")
            versions.publish(p.folder, p.version, out)
        else:
            versions.remove_version(p.version, staged)
    write_index(out)
    waits = f", waiting {len(summary.waiting)}" if summary.waiting else ""
    say(f"built {len(summary.built)}, up to date {len(summary.skipped)}, "
        f"failed {len(summary.failed)}{waits} -> {out}")
    if failures:
        for f in failures:
            say(f"FAILED {f}")
        raise failures[0] if len(failures) == 1 else NotebookError(
            f"{len(failures)} notebooks", None, "; ".join(str(f) for f in failures))
    if printer_error:
        raise printer_error
    return summary


def _write(p: Plan, task: Task, o: Outcome, pdf: bytes | None) -> None:
    """Write one successful run's documents and data files into the version; log what it made."""
    documents = {**o.documents, **({"pdf": pdf} if pdf is not None else {})}
    files = [f"{task.output}.ipynb", f"{task.output}.html"]
    for name, fmt in FORMATS.items():
        if name in documents:
            (p.version / f"{task.output}{fmt.extension}").write_bytes(documents[name])
            files.append(f"{task.output}{fmt.extension}")
    for name, text in o.files.items():
        (p.version / name).write_text(text, encoding="utf-8")
        files.append(name)
    entry = p.log["notebooks"][task.output]
    entry["title"] = o.title
    entry["files"] = files
    entry["built"] = dt.datetime.now().isoformat(timespec="seconds")
    entry["seconds"] = round(o.seconds, 2)
    if pdf is None:
        entry["inputs_hash"] = ""  # no PDF yet: rebuild next time


def run_and_print(tasks: list[Task], pool: Pool, resident: Resident | None = None
                  ) -> tuple[dict[tuple, Outcome], dict[tuple, bytes], BrowserNotFound | None]:
    """Run every task on ``pool`` and print each PDF through one browser while the rest run."""
    outcomes: dict[tuple, Outcome] = {}
    pdfs: dict[tuple, bytes] = {}
    if not tasks:
        return outcomes, pdfs, None
    from perflib.formats.pdf import Printer
    from perflib.run.progress import Progress

    printer = resident.printer if resident else None
    error = None
    progress = Progress(len(tasks))
    for t in tasks:
        progress.write(f"  running     {t.label}")
    pdf = FORMATS["pdf"]
    try:
        for o in pool.outcomes(tasks):
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
            outcomes[t.key] = o
            line = f"  {'failed' if o.error else 'executed':<11} {t.label} ({o.seconds:.1f} s)"
            if o.error or error:
                progress.done(line, not o.error)
                continue
            progress.write(line)
            try:
                pdfs[t.key] = pdf.make(Rendered(o.html, [], o.title, o.author), printer=printer)
            except Exception as exc:  # a page that will not print fails its report, not the build
                o.error = f"printing the PDF failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
                progress.done(f"  failed      {t.label} (printing)", False)
                continue
            progress.done(f"  printed     {t.label}", True)
    finally:
        progress.close()
        if printer is not None and resident is None:
            printer.__exit__(None, None, None)
    return outcomes, pdfs, error


__all__ = ["build", "run_and_print", "say"]
