"""A build's data checks, made in this process, and what they tell the build (its outline).

Locally a build checks everything here before it runs anything (:func:`here`): the checks are
fastest where the data is, and a data error stops the build before a notebook starts. On a
cluster the same checks are tasks on the workers (:func:`portfolio_check`, :func:`council_check`,
run by :mod:`perflib.run.worker`), so the client never imports a data library or reads a figure.
Either way the build plans from the outline the checks give (:mod:`perflib.run.outline`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perflib import config
from perflib.data import files
from perflib.data.council import FILE as COUNCIL_FILE
from perflib.data.council import CorporateYear
from perflib.data.folders import portfolios
from perflib.data.year import Report
from perflib.errors import DataError, ParameterError, Problem
from perflib.reports import ReportKind, corporate, declared
from perflib.reports import corporate_figures as figures
from perflib.reports.checks import check_council, councils_named, load_all
from perflib.run.outline import Checked, CouncilYear, Run, Year


def inputs(kind: ReportKind, r: Report) -> list[Path]:
    """The data files a report of this kind reads: what every report reads, and its own.

    A deep dive does not read the commentary, so a commentary edit does not rebuild it.
    """
    names = [*files.every_report(), *kind.files]
    found = (r.portfolio.data_file(name, r.year) for name in dict.fromkeys(names))
    return [f for f in found if f is not None]


def _named(path: Path, data: Path) -> str:
    return path.relative_to(data).as_posix()


def _project(path: Path) -> str:
    """A notebook named from the project where it lies in it (the worker's is not the client's)."""
    return config.relative(path)


def year_of(r: Report, data: Path) -> Year:
    """What a build needs of one checked report year: its runs, each with what it reads."""
    runs: list[Run] = []
    kinds = declared(r.portfolio)
    for kind in kinds:
        reads = tuple(_named(f, data) for f in inputs(kind, r))
        notebook = _project(kind.notebook_path)
        for output, extra in kind.notebooks(r):  # a quarterly kind runs once per quarter
            runs.append(Run(kind.name, output, dict(extra), notebook, reads, (notebook,)))
    waiting = [why for kind in kinds if kind.waiting for why in kind.waiting(r)]
    return Year(r.portfolio.id, r.portfolio.name, r.portfolio.council, r.year,
                r.meta["status"], runs, waiting)


def lines_of(reports: list[Report]) -> list[str]:
    """What a build prints of its checked years: each draft's to-dos, each year's findings."""
    from perflib.data.quality import describe

    out: list[str] = []
    for r in reports:
        if r.todos:
            out.append(f"  draft       {r.portfolio.id} {r.year}: {len(r.todos)} to-dos still "
                       "open (`perflib check` lists them)")
        if any(x.severity == "error" for x in r.findings):
            out += describe(r)  # a draft's contradictions are printed; a final's failed
    return out


def council_of(data: Path, reports: list[Report]) -> tuple[list[CouncilYear], str | None,
                                                            list[str], list[Problem]]:
    """The corporate reports for every year ``reports`` hold: runs, status, what they read.

    Also returns the council's name (``None`` without a corporate report), the lines the build
    prints of them (each draft with why; no corporate report, with why) and every problem of
    the council's own files.
    """
    own, problems = check_council(data, reports)
    lines: list[str] = []
    names = councils_named(reports)
    if not own and len(names) > 1:
        lines.append(f"  not made    council: the portfolios name {len(names)} councils "
                     f"({'; '.join(names)}), so there is no corporate report; give the council "
                     f"in {data / COUNCIL_FILE} to make one")
    if any(not q.todo for q in problems) or not own:
        return [], None, lines, problems
    name, _, order = corporate.council_of(data, {r.portfolio.id: r.portfolio for r in reports})
    reports = sorted(reports, key=lambda r: order.index(r.portfolio.id)
                     if r.portfolio.id in order else len(order))
    kind = corporate.KIND
    out = []
    for year, c in own.items():
        mine = [r for r in reports if r.year == year]
        whys = [(output, _draft_because(c, extra["quarter"], mine))
                for output, extra in corporate.runs(mine)]
        lines += [f"  draft       council {year} {output}: {why}" for output, why in whys if why]
        # its own files, and what the portfolios' own reports read (notebooks too)
        mine_files = [*([data / COUNCIL_FILE] if (data / COUNCIL_FILE).is_file() else []),
                      *c.files]
        reads = {_named(f, data) for f in mine_files}
        reads |= {_named(f, data) for r in mine for k in declared(r.portfolio)
                  for f in inputs(k, r)}
        notebook = _project(kind.notebook_path)
        notebooks = (notebook, *sorted({_project(k.notebook_path) for r in mine
                                        for k in declared(r.portfolio)} - {notebook}))
        runs = [Run(kind.name, output, dict(extra), notebook, tuple(sorted(reads)), notebooks)
                for output, extra in corporate.runs(mine)]
        out.append(CouncilYear(year, "draft" if _draft_because(c, "", mine) else "final", runs))
    return out, name, lines, problems


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


def here(portfolio: str | None, year: str | None, data: Path, say: Callable[[str], None]
         ) -> tuple[list[Checked], Checked | None]:
    """Every check of a local build, in this process: all the data's problems in one error.

    Returns each portfolio's outline and the council's (``None`` when one portfolio is built
    alone); raises :class:`DataError` with every problem of every portfolio, or of the council's
    own files, before anything runs.
    """
    if portfolio is None and not portfolios(data):
        raise ParameterError(f"no portfolios under {data}: each needs a portfolio.yaml")
    reports = load_all(data, portfolio, year)
    for line in lines_of(reports):
        say(line)
    checks: dict[str, Checked] = {}
    for r in reports:
        c = checks.setdefault(r.portfolio.id, Checked(r.portfolio.id))
        c.years.append(year_of(r, data))
        c.held.append(r.folder)
    if portfolio is not None:
        return list(checks.values()), None
    years, name, lines, problems = council_of(data, reports)
    if any(not q.todo for q in problems):
        raise DataError(problems)
    for line in lines:
        say(line)
    council = Checked(corporate.FOLDER, council=years, council_name=name,
                      held=[y.year.replace("/", "-") for y in years])
    return list(checks.values()), council


def portfolio_check(data: Path, pid: str, year: str | None, notebooks: set[str]) -> Checked:
    """One portfolio's check, as a cluster's worker makes it: never raises for the data.

    ``notebooks`` are the notebooks the client holds (named from its project): a notebook the
    portfolio declares is looked for there, since the worker holds only those it is sent.
    """
    found = Checked(pid)
    try:
        reports = load_all(data, pid, year, notebooks=notebooks)
    except DataError as exc:
        found.problems = exc.problems
        return found
    found.lines = lines_of(reports)
    found.years = [year_of(r, data) for r in reports]
    found.held = [r.folder for r in reports]
    return found


def council_check(data: Path, year: str | None, notebooks: set[str]) -> Checked:
    """The council's check, as a cluster's worker makes it: blocked while a portfolio fails."""
    try:
        reports = load_all(data, None, year, notebooks=notebooks)
    except DataError:  # each portfolio's own check says what; the council waits for them
        return Checked(corporate.FOLDER, blocked=True)
    years, name, lines, problems = council_of(data, reports)
    if any(not q.todo for q in problems):
        return Checked(corporate.FOLDER, problems=problems)
    return Checked(corporate.FOLDER, lines=lines, council=years, council_name=name,
                   held=[y.year.replace("/", "-") for y in years])


__all__ = ["council_check", "council_of", "here", "inputs", "lines_of", "portfolio_check",
           "year_of"]
