"""Report years loaded and checked whole: the data's own checks, then each report kind's.

The data layer (:mod:`perflib.data`) reads and checks a portfolio's files and knows no report
kind; this module adds what only the kinds can say: whether the kinds portfolio.yaml declares
exist and have their roles mapped, each declared kind's checks of its own data, and its
data-quality findings. Everything that loads a report for printing (the notebooks, ``perflib
check``, ``perflib build``) goes through these four functions, so a report is never printed
unchecked:

- :func:`check_report`: one year and every problem of it, draft or not;
- :func:`load_report`: one year, or a :class:`~perflib.errors.DataError` with every problem;
- :func:`check_all` and :func:`load_all`: every portfolio and year (or those asked for).
"""

from __future__ import annotations

from pathlib import Path

from perflib import config
from perflib.data import claims, quality
from perflib.data.council import CorporateYear, read_corporate, read_council
from perflib.data.declarations import missing_notebooks
from perflib.data.folders import check_year, portfolio_folder, portfolios
from perflib.data.portfolio import Portfolio, read_portfolio
from perflib.data.report import read_report, skipped, years
from perflib.data.schema import raise_if
from perflib.data.year import Report
from perflib.errors import DataError, Problem, merge
from perflib.reports import ReportKind, checked, declared, kinds


def declaration_problems(p: Portfolio) -> list[Problem]:
    """The report kinds portfolio.yaml declares: each one perflib knows, its roles its own.

    A kind declared as a notebook of the portfolio's own has the roles it maps; its name must be
    no kind perflib knows, and no two kinds may write files of the same name.
    """
    doc = p.yaml
    if doc is None:
        return []
    known = {name: k for name, k in kinds().items() if k.scope == "portfolio"}
    out: list[Problem] = []
    for name, roles in p.reports.items():
        where = ("reports", name)
        if name in p.notebooks and name in kinds():
            out.append(Problem(doc.path, doc.line(*where), f"reports.{name}",
                               f"'{name}' is a report kind perflib knows already, so its notebook "
                               "cannot be another", f"give your notebook's report a name of its "
                               f"own, e.g. {name}_local"))
            continue
        settings = (doc.data.get("reports") or {}).get(name)
        if name in p.notebooks or (isinstance(settings, dict) and "notebook" in settings):
            continue  # a notebook of its own: read, and its problems said, with portfolio.yaml
        if name not in known:
            out.append(Problem(doc.path, doc.line(*where), f"reports.{name}",
                               f"'{name}' is not a report kind perflib knows",
                               f"use one of {', '.join(sorted(known))}"))
            continue
        kind = known[name]
        for role in roles:
            if role not in kind.roles and role not in kind.optional_roles:
                allowed = ", ".join([*kind.roles, *kind.optional_roles]) or "none"
                out.append(Problem(doc.path, doc.line(*where, "roles", role),
                                   f"reports.{name}.roles.{role}",
                                   f"'{role}' is not a role of the {kind.title}",
                                   f"use one of its roles: {allowed}"))
        for role, meaning in kind.roles.items():
            if role not in roles:
                out.append(Problem(doc.path, doc.line(*where), f"reports.{name}.roles.{role}",
                                   f"the {kind.title} needs the role '{role}' ({meaning}) but it "
                                   "is not mapped",
                                   f"add '{role}: <measure_id>' under reports.{name}.roles, or "
                                   f"remove {name} from reports"))
    return out + _same_outputs(p)


def _same_outputs(p: Portfolio) -> list[Problem]:
    """Two declared kinds whose notebooks would write files of the same name (one over the other)."""
    assert p.yaml is not None
    first: dict[str, str] = {}
    out: list[Problem] = []
    for kind in declared(p):
        if kind.runs is not None:  # several runs, named by the kind's own code
            continue
        stem = kind.notebook_path.stem
        if stem in first:
            out.append(Problem(p.yaml.path, p.yaml.line("reports", kind.name),
                               f"reports.{kind.name}",
                               f"its notebook writes {stem}.html, .pdf ... as the {first[stem]} "
                               "report does", "give each report a notebook of its own name"))
        first.setdefault(stem, kind.name)
    return out


def declared_kinds(p: Portfolio) -> list[ReportKind]:
    """The kinds a portfolio declares that perflib knows (registered, then its own notebooks)."""
    return declared(p)


def kind_problems(report: Report, declared_ok: bool = True) -> list[Problem]:
    """Each declared kind's checks of its own data, and its findings added to the report's.

    While the portfolio's files, its declarations (``declared_ok``) or this year's figures have
    errors, what the kinds work out from them would be wrong, so they wait, and one line says so.
    """
    declared = declared_kinds(report.portfolio)
    if not (report.sound and declared_ok):
        names = ", ".join(k.name for k in declared if k.check)
        if not names:
            return []
        return [skipped(report.portfolio.path / "portfolio.yaml", f"the checks the {names} "
                        f"reports make of their own {report.year} data were",
                        "the portfolio's files have errors", "run")]
    out: list[Problem] = []
    found = []
    for kind in declared:
        if kind.check is not None:
            out += kind.check(report)
        if kind.findings is not None:
            found += kind.findings(report)
    report.findings = quality.ordered([*report.findings, *found])
    return out + quality.contradictions(report, found)


def check_report(portfolio: str | Portfolio, year: str, data_dir: Path | str | None = None
                 ) -> tuple[Report | None, list[Problem]]:
    """One report year (when it has no errors) and every problem and to-do of it, draft or not."""
    report, problems = _checked(portfolio, year, data_dir)
    return (None if any(not q.todo for q in problems) else report), problems


def load_report(portfolio: str | Portfolio, year: str,
                data_dir: Path | str | None = None) -> Report:
    """Load, check and compute one report year of one portfolio.

    Pass a loaded :class:`Portfolio` to build several years without reading its files again.
    Raises :class:`DataError` on any problem, and on to-dos unless the year is a draft.
    """
    report, problems = _checked(portfolio, year, data_dir)
    errors = [p for p in problems if not p.todo]
    if errors or (problems and (report is None or not report.draft)):
        raise DataError(problems)
    assert report is not None
    report.todos = problems
    return report


def _checked(portfolio: str | Portfolio, year: str, data_dir: Path | str | None
             ) -> tuple[Report | None, list[Problem]]:
    """One year checked; for a portfolio named by its id, the check made of its files as they are.

    Such a check is made once (:mod:`perflib.reports.checked`); a :class:`Portfolio` given whole
    is checked every time, since it may have been changed in memory.
    """
    if isinstance(portfolio, Portfolio):
        return _check(portfolio, year, data_dir)
    folder = portfolio_folder(portfolio, Path(data_dir or config.DATA_DIR))
    check_year(year)
    return checked.once(checked.year_key(folder, year),
                        lambda: _check(portfolio, year, data_dir))


def _check(portfolio: str | Portfolio, year: str, data_dir: Path | str | None
           ) -> tuple[Report | None, list[Problem]]:
    if isinstance(portfolio, str):
        p, _ = _portfolio(portfolio, data_dir)
        report, problems = read_report(p if p is not None else portfolio, year, data_dir)
    else:
        report, problems = read_report(portfolio, year, data_dir)
    if report is not None:
        declarations = declaration_problems(report.portfolio)
        merge(problems, declarations)
        merge(problems, kind_problems(report, not declarations))
    return report, problems


def portfolio(pid: str, data_dir: Path | str | None = None) -> Portfolio:
    """A portfolio's shared files read and checked, or a :class:`DataError` with every problem.

    As ``load_portfolio``, but taking the check already made of the files as they are, where
    there is one (a build's, in its kernels).
    """
    p, problems = _portfolio(pid, data_dir)
    raise_if(problems)
    assert p is not None
    return p


def _portfolio(pid: str, data_dir: Path | str | None) -> tuple[Portfolio | None, list[Problem]]:
    """A portfolio's files read and checked, or the check already made of them as they are."""
    folder = portfolio_folder(pid, Path(data_dir or config.DATA_DIR))
    return checked.once(checked.portfolio_key(folder), lambda: read_portfolio(pid, data_dir))


def load_all(data_dir: Path | str | None = None, portfolio: str | None = None,
             year: str | None = None, notebooks: set[str] | None = None) -> list[Report]:
    """Every report (of one portfolio, or one year, if given), all problems in one error.

    A draft year loads with its to-dos (as a build would); anything else wrong is raised.
    A notebook a portfolio declares must be there: on disk, or (on a cluster's worker, which
    holds only the notebooks it is sent) among ``notebooks``, named from the project.
    """
    problems: list[Problem] = []
    out: list[Report] = []
    seen: list[Portfolio] = []
    for p, y in years(data_dir, problems, portfolio, year, read=_portfolio):
        seen.append(p)
        try:
            out.append(load_report(p.id, y, data_dir))
        except DataError as exc:
            merge(problems, exc.problems)
    merge(problems, _missing_notebooks(seen, notebooks))
    raise_if(problems)
    return out


def _missing_notebooks(portfolios: list[Portfolio], present: set[str] | None = None
                       ) -> list[Problem]:
    """The notebooks the portfolios declare as reports of their own that are not there."""
    out: list[Problem] = []
    for p in {p.id: p for p in portfolios}.values():
        if p.yaml is not None:
            mine = p.notebooks if present is None else {
                name: n for name, n in p.notebooks.items()
                if config.relative(n.notebook) not in present}
            out += missing_notebooks(p.yaml, mine)
    return out


def check_all(data_dir: Path | str | None = None
              ) -> tuple[list[tuple[str, str]], list[Problem], list[Report]]:
    """What ``perflib check`` reports: years held, problems and to-dos, and the loaded years.

    Drafts are included; each loaded year carries its data-quality findings.
    """
    problems: list[Problem] = []
    held: list[tuple[str, str]] = []
    loaded: list[Report] = []
    every: list[Report] = []
    seen: list[Portfolio] = []
    for p, year in years(data_dir, problems, read=_portfolio):
        seen.append(p)
        held.append((p.id, year))
        report, found = _checked(p.id, year, data_dir)
        merge(problems, found)
        if report is not None and all(q.todo for q in found):
            every.append(report)
        # a draft's findings are printed even while its year has errors; a final year's errors
        # are among the problems already
        if report is not None and (report.draft or all(q.todo for q in found)):
            loaded.append(report)
    merge(problems, _missing_notebooks(seen))
    merge(problems, check_council(data_dir, every)[1])
    return held, problems, loaded


__all__ = ["check_all", "check_council", "check_report", "councils_named", "declaration_problems",
           "declared_kinds", "kind_problems", "load_all", "load_report", "portfolio"]


def councils_named(reports: list[Report]) -> list[str]:
    """The councils the portfolios' own portfolio.yaml files name.

    Without council.yaml, portfolios that name more than one are not a council: they get no
    corporate report (the build says why), and their own reports are as before.
    """
    return sorted({r.portfolio.council for r in reports})


def check_council(data_dir: Path | str | None, reports: list[Report]
                  ) -> tuple[dict[str, CorporateYear], list[Problem]]:
    """council.yaml and the corporate report's own files, for every year ``reports`` hold.

    The corporate commentary (``## <portfolio>.<measure_id>`` sections) is checked against that
    portfolio's figures like any other commentary; ``## summary`` for its placeholders alone.
    Returns each year's own files, read, and every problem and to-do.
    """
    problems: list[Problem] = []
    held = portfolios(Path(data_dir or config.DATA_DIR))
    council = read_council(data_dir, problems, held)
    out: dict[str, CorporateYear] = {}
    if council is None and len(councils_named(reports)) > 1:
        return out, problems  # no council to report on: each portfolio's reports stand alone
    for year in sorted({r.year for r in reports}):
        mine = [r for r in reports if r.year == year]
        headline = {r.portfolio.id: {m for m, h in zip(r.measures["measure_id"],
                                                       r.measures["headline"], strict=True)
                                     if bool(h)} for r in mine}
        figures = {f"{r.portfolio.id}.{mid}": (r, f) for r in mine
                   for mid, f in r.figures.items() if mid in headline[r.portfolio.id]}
        own = read_corporate(data_dir, year, set(figures), problems)
        out[year] = own
        status = own.meta.get("status", "draft")
        for heading, c in own.commentary.items():
            for p in claims.placeholder_problems(c.text, c.line):
                problems.append(Problem(own.commentary_path, p.line, None, p.message, p.fix))
            if heading not in figures:
                continue
            r, f = figures[heading]
            found = claims.check(c.text, f, str(own.commentary_path), c.line, status,
                                 r.portfolio.words.comparison_areas)
            if status == "final":
                problems += [Problem(own.commentary_path, x.line, heading,
                                     f"{x.pi_code}: {x.finding}: '{x.words}' (the data says "
                                     f"{x.data_says})", x.fix)
                             for x in found if x.severity == claims.ERROR]
    return out, problems
