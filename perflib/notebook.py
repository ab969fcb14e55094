"""What a notebook calls first: checked parameters in, a loaded report out; its cover and files.

A parameter left empty is the project's own: the first portfolio (in council.yaml's order, else
by id) that declares the notebook's report, and that portfolio's latest year. So a notebook
committed with empty defaults runs on any council's data, and a build, which always injects
both, is not affected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perflib.config import DATA_RULE, data_path  # noqa: F401 (the notebook API)
from perflib.data.council import read_council
from perflib.data.folders import check_year, portfolios
from perflib.data.portfolio import Portfolio, read_portfolio
from perflib.data.year import Report
from perflib.errors import DataError, ParameterError
from perflib.present import frames
from perflib.reports.checks import load_report

frames.register()  # a DataFrame an analyst shows becomes a report table (in IPython only)


def load(portfolio: str = "", year: str = "", data_dir: str | Path | None = None,
         kind: str | None = None) -> Report:
    """Check the notebook's parameters and load its report year (empty ones: the project's).

    With ``kind``, also refuse a portfolio that does not declare that report (a notebook run by
    hand must not print an empty shell for a portfolio that lacks the data).
    """
    frames.register()  # again: a warm kernel may have been reset since perflib was imported
    data = data_path(data_dir)
    p: str | Portfolio = portfolio or first_portfolio(data, kind)
    if not year:
        p, year = latest(str(p), data)
    check_year(year)
    report = load_report(p, year, data)
    if kind is not None and kind not in report.portfolio.reports:
        declared = ", ".join(report.portfolio.reports) or "none"
        raise ParameterError(f"portfolio '{report.portfolio.id}' does not declare the {kind} "
                             f"report (it declares: {declared}); add it under reports: in its "
                             "portfolio.yaml with its roles mapped")
    return report


def first_portfolio(data: Path, kind: str | None = None) -> str:
    """The first portfolio that declares ``kind``: Cabinet's order (council.yaml), else by id."""
    held = portfolios(data)
    council = read_council(data, [], held)
    order = [*council.portfolios, *(x for x in held if x not in council.portfolios)] \
        if council is not None else held
    for pid in order:
        p, _ = read_portfolio(pid, data)
        if p is not None and (kind is None or kind in p.reports):
            return pid
    what = f" declares the {kind} report" if kind else ""
    raise ParameterError(f"no portfolio under {data}{what}, so there is no default to take: "
                         "give the portfolio in the notebook's parameters cell (held: "
                         f"{', '.join(held) or 'none'})")


def latest(portfolio: str, data: Path) -> tuple[Portfolio, str]:
    """The portfolio, read, and its latest year: the year a notebook defaults to."""
    p, problems = read_portfolio(portfolio, data)
    if p is None:
        raise DataError(problems)
    if not p.years:
        raise ParameterError(f"portfolio '{portfolio}' holds no report year yet: add one under "
                             "years: in its portfolio.yaml (perflib new-year scaffolds it)")
    return p, max(p.years)


def cover(report: Report, kind: str) -> Any:
    """The cover of ``report``'s ``kind`` report: its title as declared, and the year.

    For a report that is a notebook of the portfolio's own (``perflib new-report``): its title
    is the one portfolio.yaml gives it, and titles its pages and the front page's link.
    """
    from perflib.present import sections
    from perflib.present.display import Blocks
    from perflib.reports import kind_of

    try:
        title = kind_of(report, kind).title
    except KeyError as exc:
        raise ParameterError(exc.args[0]) from None
    return Blocks([sections.cover(report, f"{title} {report.year}")])


def publish(files: dict[str, Any]) -> Any:
    """Data files (name -> DataFrame) ``perflib build`` publishes beside the report as CSV."""
    from perflib.present.display import Published

    return Published(files)
