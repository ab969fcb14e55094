"""Build reports: check the data, run the stale notebooks, print, and publish each report whole.

The steps, each in a module of its own: the plan (:mod:`perflib.run.plan`: what is stale, from the
build logs), the pool the notebooks run on (:mod:`perflib.run.pool`: threads, each driving a
kernel of the build's engine, :mod:`perflib.run.engine`; or a Dask cluster), each task coming
back as a finished report (printed by the browser beside its kernel, :mod:`perflib.run.printing`),
and publishing each report folder in one rename (:mod:`perflib.run.versions`) as soon as all its
reports are back. The index is written at the end, and also when a build stops part-way, listing
every folder published by then. A failed notebook keeps its report's last good version and its
executed copy under ``reports/.failed``.
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
from perflib.data.year import Report  # noqa: E402
from perflib.errors import BrowserNotFound, DataError, NotebookError, ParameterError  # noqa: E402
from perflib.formats import Rendered, formats  # noqa: E402
from perflib.reports import corporate  # noqa: E402
from perflib.reports import corporate_figures as figures  # noqa: E402
from perflib.reports.checks import check_council, councils_named, load_all  # noqa: E402
from perflib.run import engine as engines  # noqa: E402
from perflib.run import execute, logs, versions  # noqa: E402
from perflib.run import plan as planning  # noqa: E402
from perflib.run.frontpage import write_index  # noqa: E402
from perflib.run.plan import Plan  # noqa: E402
from perflib.run.pool import Pool, Resident, pool_for  # noqa: E402
from perflib.run.printing import PrintService  # noqa: E402
from perflib.run.tasks import Outcome, Summary, Task  # noqa: E402


def say(msg: str) -> None:
    """A line of the build's log, on stderr."""
    print(msg, file=sys.stderr, flush=True)


def build(portfolio: str | None = None, year: str | None = None, out: Path | str | None = None,
          jobs: int | None = None, force: bool = False,
          data_dir: Path | str | None = None, scheduler: str | None = None,
          resident: Resident | None = None, engine: str = "warm") -> Summary:
    """Build the reports asked for; see the module docstring for how they are published.

    ``resident`` is for a process that builds again and again (:mod:`perflib.run.watch`), which
    chose its engine as it started; ``engine`` is where this machine runs the notebooks
    (:data:`perflib.run.engine.ENGINES`).
    """
    if scheduler is None and resident is None:
        engines.use(engine, say)
    data = config.data_path(data_dir)  # checked before papermill ever injects it
    out = versions.check(out, data)
    if year is not None:
        check_year(year)
    if portfolio is not None:
        portfolio_folder(portfolio, data)
    formats()  # another package's format that will not load stops the build here, not midway
    # parameters checked, and every folder the build could replace is perflib's, before the
    # first write (even the lock)
    versions.prepare(out, [portfolio] if portfolio else [*portfolios(data), FOLDER],
                     year_folder(year) if year else None)
    code = resident.code if resident else logs.code_hash()  # once: the logs and tasks use it
    jobs = resident.jobs if resident else jobs or os.cpu_count() or 1
    with ExitStack() as stack:
        stack.enter_context(versions.locked(out))
        if scheduler is None and resident is None:
            # Kernels start and warm up while the data is read and checked, as many as the
            # build logs say will be needed (none when nothing changed).
            ahead = min(jobs, logs.stale(out, force, portfolio, year, code))
            stack.enter_context(engines.session(ahead))
        reports = _load(portfolio, year, data)
        # the council's corporate report, from every portfolio: not when one is asked for alone
        council = {} if portfolio is not None else _council(data, reports)
        _withdraw(out, data, reports, council, portfolio, year)
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
    """The corporate report's own files for every year, checked with council.yaml (or an error).

    Each corporate report that will be a draft is named with why: its own cover, or the
    portfolios' reports it waits for (as its cover will say).
    """
    own, problems = check_council(data, reports)
    if any(not q.todo for q in problems):
        raise DataError(problems)
    names = councils_named(reports)
    if not own and len(names) > 1:
        say(f"  not made    council: the portfolios name {len(names)} councils "
            f"({'; '.join(names)}), so there is no corporate report; give the council in "
            f"{data / COUNCIL_FILE} to make one")
    if own:
        order = corporate.council_of(data, {r.portfolio.id: r.portfolio for r in reports})[2]
        reports = sorted(reports, key=lambda r: order.index(r.portfolio.id)
                         if r.portfolio.id in order else len(order))
    for year, c in own.items():
        mine = [r for r in reports if r.year == year]
        for output, extra in corporate.runs(mine):
            why = _draft_because(c, extra["quarter"], mine)
            if why:
                say(f"  draft       council {year} {output}: {why}")
    return own


def _draft_because(c: CorporateYear, quarter: str, reports: list[Report]) -> str:
    """Why a corporate report will be a draft ('' when it will be final)."""
    given = (quarter in c.quarters if quarter
             else any(f.name == "report.yaml" for f in c.files))
    meta = c.quarters.get(quarter, {}) if quarter else c.meta
    why = ([] if meta.get("status") == "final" else
           ["its cover is a draft" if given else "its cover is still to be set"])
    held = figures.held_back(reports, quarter)
    if held:
        label = f"{c.year} {quarter}" if quarter else c.year
        why.append(f"held back {figures.waiting_for(label, held)}")
    return "; ".join(why)


def _withdraw(out: Path, data: Path, reports: list[Report], council: dict[str, CorporateYear],
              portfolio: str | None, year: str | None) -> None:
    """Withdraw what is published but no longer held: one line each, naming where it is kept.

    Only report folders within the build's scope (``--portfolio``, ``--year``) are looked at;
    a portfolio out of scope that data/ no longer holds is named, and left for a full build.
    """
    held = {(r.portfolio.id, r.folder) for r in reports}
    held |= {(FOLDER, year_folder(y)) for y in council}
    ids = set(portfolios(data))
    later: set[str] = set()
    for pid, folder in versions.published(out):
        if (pid, folder) in held:
            continue
        if portfolio not in (None, pid) or year not in (None, folder.replace("-", "/")):
            if pid not in ids and pid != FOLDER:
                later.add(pid)
            continue
        label = folder.replace("-", "/")
        why = (("no portfolio holds it any more" if council else "there is no corporate report")
               if pid == FOLDER
               else f"data/ holds no portfolio '{pid}' any more" if pid not in ids
               else f"{pid}'s portfolio.yaml no longer lists {label}")
        kept = versions.withdraw(out, pid, folder)
        where = f"; kept in {config.relative(kept)} until the reports are cleaned" if kept else ""
        say(f"  withdrawn   {pid} {label}: {why}{where}")
    for pid in sorted(later):
        say(f"  still published {pid}: data/ holds no portfolio '{pid}' any more; a build of "
            "every portfolio and year withdraws its reports")


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
    digests: dict[Path, str] = {}  # each data file read and hashed once per build
    for r in reports:
        version = versions.new_version(staged, r.portfolio.id, r.folder)
        plans.append(planning.plan(r, out / r.portfolio.id / r.folder, version, data, code,
                                   force, summary, digests))
    name = None  # the council the front page is of: from its logs, unless this build knows
    if council:
        name = corporate.council_of(data, {r.portfolio.id: r.portfolio for r in reports})[0]
        yaml = data / COUNCIL_FILE
        for year, own in council.items():
            version = versions.new_version(staged, FOLDER, year_folder(year))
            files = [*([yaml] if yaml.is_file() else []), *own.files]
            mine = [r for r in reports if r.year == year]
            status = "draft" if _draft_because(own, "", mine) else "final"
            plans.append(planning.plan_council(
                year, mine, name, status, files, out / FOLDER / year_folder(year),
                version, data, code, force, summary, digests))
    for p in plans:
        for entry in p.reused.values():
            versions.reuse(p.folder, p.version, entry["files"])
    for label in summary.skipped:
        say(f"  up to date  {label}")
    for label in summary.waiting:
        say(f"  waiting     {label}")
    failures: list[NotebookError] = []
    printer = resident.printer if resident and resident.printer else PrintService()
    try:
        for p in plans:
            if not p.tasks:  # nothing to run: its reused outputs are the report
                _finish(p, out, staged)
        printer_error = _run(plans, out, staged, pool, printer, summary, failures)
    finally:
        if printer is not (resident.printer if resident else None):
            printer.close()
        for p in plans:  # what did not finish stays unpublished, and its version goes
            if not p.done:
                versions.remove_version(p.version, staged)
        write_index(out, name)  # every report published so far, even if the build stops here
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


def _run(plans: list[Plan], out: Path, staged: Path, pool: Pool, printer: PrintService,
         summary: Summary, failures: list[NotebookError]) -> BrowserNotFound | None:
    """Run every plan's tasks; publish each report folder as soon as its last task is back.

    Each outcome's files are written into its version at once and then dropped, so the build
    holds only the reports in flight, however many it builds.
    """
    # the corporate reports, which read every portfolio, first: the longest notebooks go first
    # so that none is left to run alone at the end while the other kernels wait
    tasks = sorted((t for p in plans for t in p.tasks), key=lambda t: t.scope != "council")
    if not tasks:
        return None
    from perflib.run.progress import Progress

    owner = {t.key: p for p in plans for t in p.tasks}
    left = {id(p): len(p.tasks) for p in plans}
    told: set[str] = set()
    if pool.prints_here:
        printer.start()  # the browser starts while the kernels do
    with Progress(len(tasks)) as progress:
        for t in tasks:
            progress.write(f"  running     {t.label}")
        for o in pool.outcomes(tasks, printer):
            t, p = o.task, owner[o.task.key]
            if not o.error and "pdf" not in o.documents and not pool.prints_here:
                if o.worker not in told:  # said once per worker
                    told.add(o.worker)
                    progress.write(f"  no browser  on {o.worker or 'a worker'}, so this machine "
                                   f"prints its PDFs: {o.unprinted}")
                _print_here(o, printer)
            ok = not o.error
            progress.done(f"  {'executed' if ok else 'failed':<11} {t.label} ({o.seconds:.1f} s)",
                          ok)
            _record(p, o, out, summary, failures)
            left[id(p)] -= 1
            if left[id(p)] == 0:
                _finish(p, out, staged)
                progress.write(f"  published   {p.label}")
    return printer.error


def _print_here(o: Outcome, printer: PrintService) -> None:
    """Print a report whose worker had no browser, through this machine's."""
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


def _finish(p: Plan, out: Path, staged: Path) -> None:
    """Publish a report folder whose runs are all back (with its build log), or drop it."""
    p.done = True
    if p.published_any or not p.folder.exists():
        (p.version / logs.LOG_NAME).write_text(json.dumps(p.log, indent=2),
                                                   encoding="utf-8")
        versions.publish(p.folder, p.version, out)
    else:
        versions.remove_version(p.version, staged)


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


__all__ = ["build", "say"]
