"""Run a build on a Dask cluster: ``perflib build --scheduler tcp://HOST:8786``.

Why Dask: ``dask.distributed`` gives, from one ``pip install``, a scheduler and workers started
with one command each (``dask scheduler``, ``dask worker ADDRESS``), futures that complete in any
order (the build prints as notebooks finish), dependencies between tasks, retries, and
rescheduling of the tasks of a worker that died. Nothing here needs a dataframe or an array: it
is a task farm, and the client stays in charge of everything that touches the reports folder.

Division of labour:

- the **client** (the machine running ``perflib build``) holds the lock, sends the work,
  receives the files and publishes each report folder atomically as soon as all its reports are
  back, exactly as a local build does. It reads no figure and imports no data library: what it
  plans from, the workers' checks tell it (:mod:`perflib.run.outline`);
- each **worker** checks a portfolio's data (and the council's): one task each, in the same
  graph as the notebooks and upstream of them, made from the data bytes the tasks carry. And it
  runs notebooks on its warm kernel, prints each report's PDF through the browser it keeps open
  beside it, makes the Word and Markdown files while it prints, and sends back the finished
  files (:mod:`perflib.run.worker`).

A portfolio whose check fails has none of its reports run or published: the client prints its
problems (file, row, column, fix) as a local build would, goes on with the other portfolios, and
exits 2. The corporate reports wait for every portfolio's check, so they never read data that
failed one. A worker without a browser says so in its log as it starts and sends its reports
back unprinted; the client then prints them through a browser of its own, started only if one is
needed, and says once which worker it prints for.

A task whose worker dies is rerun elsewhere by Dask; one that raises is retried :data:`RETRIES`
times; one that still fails becomes a failed outcome, and the build then publishes nothing for
that notebook, as a local build would.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from perflib import config
from perflib.data.folders import portfolios, year_folder
from perflib.errors import ClusterError, DataError, ParameterError, PerflibError, Problem, merge
from perflib.run import versions
from perflib.run.logs import LOG_NAME
from perflib.run.outline import Checked
from perflib.run.plan import COUNCIL, Plan
from perflib.run.progress import Progress
from perflib.run.publish import Publisher, print_here
from perflib.run.tasks import Outcome, Summary, Task
from perflib.run.worker import PLUGIN, Bundle, Printing, check_remote, run_remote

#: Retries of a task that raised on a worker (a notebook that fails is not retried: it would fail
#: again). A task whose worker died is rerun by the scheduler, up to its allowed-failures (3).
RETRIES = 2
#: Seconds to wait for the scheduler when connecting.
CONNECT_TIMEOUT = 30


def build(address: str, portfolio: str | None, year: str | None, out: Path, data: Path,
          force: bool, code: str) -> Summary:
    """Check and build on the cluster at ``address``, publishing here; raises as a build does.

    Every problem of every check that failed is raised together (exit 2), once the other
    portfolios' reports are published.
    """
    from distributed import Client

    ids = [portfolio] if portfolio else portfolios(data)
    if not ids:
        raise ParameterError(f"no portfolios under {data}: each needs a portfolio.yaml")
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        client.register_plugin(Printing(), name=PLUGIN)
        run = _Build(client, out, data, force, code, year)
        return run.build(ids, council=portfolio is None, portfolio=portfolio)
    finally:
        client.close()


class _Build:
    """One build on the cluster: its checks, then what each allows.

    Each portfolio's notebooks go as its check passes; the corporate reports, once every
    portfolio's check has.
    """

    def __init__(self, client: Any, out: Path, data: Path, force: bool, code: str,
                 year: str | None) -> None:
        self.client, self.out, self.data, self.force, self.code = client, out, data, force, code
        self.year = year
        # everything runs (no build log yet, or --force): the longest notebooks first; else the
        # edited reports first and the corporate reports, made from them, after
        self.cold = force or not any(out.glob(f"*/*/{LOG_NAME}"))
        self.summary = Summary()
        self.staged = versions.staging(out)
        self.publisher = Publisher(out, self.staged, self.summary)
        self.progress = Progress(0)
        self.publisher.progress = self.progress
        self.digests: dict[Path, str] = {}  # each data file hashed once, from its bundle
        self.bundles: dict[str | None, Any] = {}
        self.notebooks: dict[str, bytes] = {}
        self.futures: dict[Any, Task | str] = {}  # a notebook's task, or a check's scope
        self.checks: dict[str, Checked] = {}  # every check back, by scope
        self.council: tuple[Checked, Any] | None = None  # back, waiting for the portfolios'
        self.expected: set[str] = set()
        self.edited: set[str] = set()
        self.told: set[str] = set()
        self.said = 0  # up to date and waiting lines said so far

    def build(self, ids: list[str], council: bool, portfolio: str | None) -> Summary:
        """Send every check, then what each allows; publish every report as it comes back."""
        from distributed import as_completed

        from perflib.run.frontpage import write_index
        from perflib.run.printing import PrintService
        from perflib.run.steps import finish, withdraw

        printer = PrintService()  # started only for a worker that has no browser
        name = None
        try:
            present = {config.relative(p) for p in config.NOTEBOOKS_DIR.rglob("*.ipynb")}
            for scope in [*ids, *([COUNCIL] if council else [])]:
                self.expected.add(scope)
                self._check(scope, present)
            pending = as_completed(list(self.futures), loop=self.client.loop)
            for fut in pending:
                what = self.futures.pop(fut)
                if isinstance(what, str):
                    for more in self._checked(what, fut):
                        pending.add(more)
                else:
                    self._outcome(fut, what, printer)
            passed = [c for c in self.checks.values() if not c.failed]
            name = next((c.council_name for c in passed if c.scope == COUNCIL), None)
            withdraw(self.out, self.data, {(c.scope, f) for c in passed for f in c.held},
                     any(c.council for c in passed), portfolio, self.year,
                     keep=frozenset(c.scope for c in self.checks.values() if c.failed))
        finally:
            for fut in self.futures:
                if not fut.done():
                    fut.cancel()
            self.progress.close()
            printer.close()
            self.publisher.drop_unfinished()  # what did not finish stays unpublished
            write_index(self.out, name)
        problems: list[Problem] = []
        for c in sorted(self.checks.values(), key=lambda c: (c.scope == COUNCIL, c.scope)):
            merge(problems, c.problems)
        try:
            summary = finish(self.summary, self.out, self.publisher.failures, printer.error)
        except PerflibError:
            if problems:  # the notebooks' failures are said above; the data's are the exit 2
                raise DataError(problems) from None
            raise
        if problems:
            raise DataError(problems)
        return summary

    def _bundle(self, portfolio: str | None) -> Any:
        """A portfolio's bundle (``None``: the whole data folder), on every worker, once."""
        if portfolio not in self.bundles:
            b = Bundle.of(self.data, portfolio)
            for name, raw in b.files.items():  # hashed here, once: the plans take these
                self.digests.setdefault(self.data / name, hashlib.sha256(raw).hexdigest())
            # on every worker, so losing one worker loses no input
            self.bundles[portfolio] = self.client.scatter(b, broadcast=True, hash=False)
        return self.bundles[portfolio]

    def _check(self, scope: str, present: set[str]) -> None:
        """Send a portfolio's check (or the council's) ahead of every notebook."""
        bundle = self._bundle(None if scope == COUNCIL else scope)
        fut = self.client.submit(check_remote, scope, self.year, present, bundle,
                                 key=f"perflib-check-{scope}-{uuid.uuid4().hex[:8]}",
                                 retries=RETRIES, pure=False, priority=100)
        self.futures[fut] = scope

    def _checked(self, scope: str, fut: Any) -> list[Any]:
        """A check came back: say what it found, and send what it allows."""
        try:
            found, there = fut.result()
        except Exception as exc:  # its worker died too often, or the check itself broke
            raise ClusterError(f"the data check of {scope} failed on the cluster: "
                               f"{type(exc).__name__}: {exc}") from None
        found = found.rooted(Path(there), self.data)
        self.checks[scope] = found
        for line in found.lines:
            self.progress.write(line)
        sent = []
        if scope == COUNCIL:
            self.council = (found, fut)
        elif found.problems:
            self.progress.write(f"  refused     {scope}: its data has problems (below), so "
                                "none of its reports is run or published")
        else:
            sent = self._send(self._plans(found), fut)
        return sent + self._council_if_ready()

    def _council_if_ready(self) -> list[Any]:
        """The corporate reports, once every portfolio's check is back and passed."""
        if self.council is None or set(self.checks) != self.expected:
            return []
        found, fut = self.council
        self.council = None
        failed = sorted(s for s, c in self.checks.items() if s != COUNCIL and c.failed)
        if failed:  # they read every portfolio: none is made from data that failed its check
            found.blocked, found.problems, found.council = True, [], []
            self.progress.write(f"  refused     council: the corporate reports read "
                                f"{', '.join(failed)}, whose data has problems")
            return []
        if found.failed:
            why = ("its own files have problems (below)" if found.problems else
                   "the portfolios' data did not load where it was checked")
            self.progress.write(f"  refused     council: {why}")
            return []
        return self._send(self._plans(found), fut)

    def _plans(self, c: Checked) -> list[Plan]:
        """The report folders a passed check asks for, each against its last build log."""
        from perflib.run.steps import plans_of

        versions.refuse_foreign_targets(
            self.out, [(y.portfolio, y.folder) for y in c.years]
            + [(COUNCIL, year_folder(y.year)) for y in c.council])
        plans = plans_of(c, self.out, self.staged, self.data, self.code, self.force,
                         self.summary, self.digests)
        for label in self.summary.skipped[self.said:]:
            self.progress.write(f"  up to date  {label}")
        self.said = len(self.summary.skipped)
        for y in c.years:
            for why in y.waiting:
                self.progress.write(f"  waiting     {y.portfolio} {y.year} {why}")
        if not self.cold:  # after an edit: which is which
            for p in plans:
                if p.tasks and c.scope != COUNCIL:
                    p.role = "edited"
                    self.edited.add(c.scope)
                elif p.tasks:
                    p.role = (f"depends on {', '.join(sorted(self.edited))}" if self.edited
                              else "edited")
        return plans

    def _send(self, plans: list[Plan], check: Any) -> list[Any]:
        """Each plan's stale notebooks, downstream of their check: the futures to wait for."""
        self.publisher.add(plans)
        sent = []
        for p in plans:
            for t in p.tasks:
                if t.notebook not in self.notebooks:
                    self.notebooks[t.notebook] = Path(t.notebook).read_bytes()
                council = t.scope == COUNCIL
                # the corporate reports first when everything runs: the longest notebooks
                fut = self.client.submit(
                    run_remote, t, self.notebooks[t.notebook],
                    self._bundle(None if council else t.portfolio), check,
                    key=(f"perflib-{t.portfolio}-{t.year.replace('/', '-')}-{t.output}-"
                         f"{uuid.uuid4().hex[:8]}"),
                    retries=RETRIES, pure=False, priority=10 if council and self.cold else 0)
                self.futures[fut] = t
                sent.append(fut)
                self.progress.more(1)
                self.progress.write(f"  running     {t.label}{f' ({p.role})' if p.role else ''}")
        return sent

    def _outcome(self, fut: Any, t: Task, printer: Any) -> None:
        """A report came back: write it into its version (its folder published when complete).

        The executed notebook and HTML are written into the task's ``workdir`` (its version),
        as a local run leaves them, and the cluster forgets the result once they are.
        """
        try:
            o, executed = fut.result()
        except Exception as exc:  # the worker died too often, or the task kept raising
            o, executed = Outcome(t, error=f"on the cluster: {type(exc).__name__}: {exc}"), b""
        finally:
            fut.release()  # the worker may forget the result: it is here now
        workdir = Path(t.workdir)
        if executed:
            (workdir / f"{t.output}.ipynb").write_bytes(executed)
        page = o.documents.pop("html", None)
        if page is not None and not o.error:
            (workdir / f"{t.output}.html").write_bytes(page)
        o.task = t
        if not o.error and "pdf" not in o.documents:
            if o.worker not in self.told:  # said once per worker
                self.told.add(o.worker)
                self.progress.write(f"  no browser  on {o.worker or 'a worker'}, so this machine "
                                    f"prints its PDFs: {o.unprinted}")
            print_here(o, printer)
        self.progress.done(f"  {'executed' if not o.error else 'failed':<11} {t.label} "
                           f"({o.seconds:.1f} s)", not o.error)
        self.publisher.record(o)


__all__ = ["CONNECT_TIMEOUT", "RETRIES", "build"]
