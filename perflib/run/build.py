"""Build reports: check the data, run the stale notebooks, print, and publish each report whole.

The steps, each in a module of its own: the data checks (:mod:`perflib.run.checking`, in this
process; on a cluster, tasks on its workers), the plan (:mod:`perflib.run.plan`: what is stale,
from the build logs), the pool the notebooks run on (:mod:`perflib.run.pool`: threads, each
driving a kernel of the build's engine, :mod:`perflib.run.engine`; or a Dask cluster,
:mod:`perflib.run.cluster`), each task coming back as a finished report (printed by the browser
beside its kernel, :mod:`perflib.run.printing`), and publishing each report folder in one rename
as soon as all its reports are back (:mod:`perflib.run.publish`). The index is written at the
end, and also when a build stops part-way, listing every folder published by then. A failed
notebook keeps its report's last good version and its executed copy under ``reports/.failed``.

After an edit (some reports up to date, some not) the edited reports run and are published
first, then the reports made from them (the corporate report), then the front page; the progress
lines say which is which. When everything runs (a cold build, ``--force``) the longest notebooks
(the corporate reports) start first, so none is left to run alone at the end.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

# jsonschema builds rfc3987_syntax's grammar at import (about 1 s per process) for IRI format
# checks that notebook schemas never use; without the module jsonschema simply skips them.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from perflib import config  # noqa: E402
from perflib.data.folders import check_year, portfolio_folder, portfolios, year_folder  # noqa: E402
from perflib.errors import BrowserNotFound  # noqa: E402
from perflib.formats import formats  # noqa: E402
from perflib.run import engine as engines  # noqa: E402
from perflib.run import logs, versions  # noqa: E402
from perflib.run.frontpage import write_index  # noqa: E402
from perflib.run.outline import Checked  # noqa: E402
from perflib.run.plan import COUNCIL  # noqa: E402
from perflib.run.pool import Pool, Resident, pool_for  # noqa: E402
from perflib.run.publish import Publisher, print_here  # noqa: E402
from perflib.run.steps import finish, held, order, plans_of, say, withdraw  # noqa: E402
from perflib.run.tasks import Summary, Task  # noqa: E402

if TYPE_CHECKING:
    from perflib.run.printing import PrintService


#: A build of no more notebooks than this makes its PDFs PDF/UA beside the browser.
FEW = 4


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
    versions.prepare(out, [portfolio] if portfolio else [*portfolios(data), COUNCIL],
                     year_folder(year) if year else None)
    code = resident.code if resident else logs.code_hash()  # once: the logs and tasks use it
    jobs = resident.jobs if resident else jobs or os.cpu_count() or 1
    with ExitStack() as stack:
        stack.enter_context(versions.locked(out))
        if scheduler is not None:  # the checks too are the workers': this process only sends
            from perflib.run import cluster

            return cluster.build(scheduler, portfolio, year, out, data, force, code)
        from perflib.reports import checked
        from perflib.run.printing import PrintService

        # the build's checks, shared with its kernels, which then need not check again
        stack.enter_context(checked.sharing(code))
        printer = resident.printer if resident and resident.printer else None
        if resident is None:
            # Kernels start and warm up while the data is read and checked, as many as the
            # build logs say will be kept busy (none when nothing changed); so does the browser.
            stale = logs.stale_by_scope(out, force, portfolio, year, code)
            ahead = logs.kernels_for(stale, jobs)
            stack.enter_context(engines.session(ahead))
            # a few pages are made PDF/UA beside the browser: a process for it costs more
            printer = stack.enter_context(PrintService(finisher=sum(stale) > FEW))
            if ahead:
                printer.start()
        elif printer is None:
            printer = stack.enter_context(PrintService())
        from perflib.run import checking

        checks, council = checking.here(portfolio, year, data, say)
        withdraw(out, data, held(checks, council), council is not None and bool(council.council),
                 portfolio, year)
        return _build(checks, council, out, data, force, code, pool_for(jobs, resident),
                      printer)


def _build(checks: list[Checked], council: Checked | None, out: Path, data: Path, force: bool,
           code: str, pool: Pool, printer: PrintService) -> Summary:
    summary = Summary()
    every = [*checks, *([council] if council else [])]
    # every folder this build could write in or replace is perflib's, or nothing is written
    versions.refuse_foreign_targets(out, [(c.scope, y.folder) for c in checks for y in c.years]
                                    + [(COUNCIL, year_folder(y.year))
                                       for y in (council.council if council else [])])
    staged = versions.staging(out)
    digests: dict[Path, str] = {}  # each data file read and hashed once per build
    plans = [p for c in every for p in plans_of(c, out, staged, data, code, force, summary,
                                                  digests)]
    # the council the front page is of: from its logs, unless this build knows
    name = council.council_name if council else None
    tasks = order(plans, summary)
    for label in summary.skipped:
        say(f"  up to date  {label}")
    for label in summary.waiting:
        say(f"  waiting     {label}")
    publisher = Publisher(out, staged, summary)
    try:
        publisher.add(plans)
        printer_error = _run(publisher, tasks, pool, printer)
    finally:
        publisher.drop_unfinished()  # what did not finish stays unpublished
        write_index(out, name)  # every report published so far, even if the build stops here
    dependents = [p.role for p in plans if p.role.startswith("depends on")]
    if dependents:
        say(f"  published   the front page, index.html ({dependents[0]})")
    return finish(summary, out, publisher.failures, printer_error)


def _run(publisher: Publisher, tasks: list[Task], pool: Pool, printer: PrintService
         ) -> BrowserNotFound | None:
    """Run the tasks, in order; publish each report folder as soon as its last task is back."""
    if not tasks:
        return None
    from perflib.run.progress import Progress

    told: set[str] = set()
    if pool.prints_here:
        printer.start()  # the browser starts while the kernels do
    with Progress(len(tasks)) as progress:
        publisher.progress = progress
        for t in tasks:
            role = publisher.plan_of(t).role
            progress.write(f"  running     {t.label}{f' ({role})' if role else ''}")
        for o in pool.outcomes(tasks, printer):
            if not o.error and "pdf" not in o.documents and not pool.prints_here:
                if o.worker not in told:  # said once per worker
                    told.add(o.worker)
                    progress.write(f"  no browser  on {o.worker or 'a worker'}, so this machine "
                                   f"prints its PDFs: {o.unprinted}")
                print_here(o, printer)
            progress.done(f"  {'executed' if not o.error else 'failed':<11} {o.task.label} "
                          f"({o.seconds:.1f} s)", not o.error)
            publisher.record(o)
    return printer.error


__all__ = ["build", "say"]
