"""What the data says of a portfolio's quarterly reports: which quarters, each one's cover, its budget.

portfolio.yaml declares the quarters (``reports: {quarterly: {quarters: [Q1, Q2, Q3]}}``); the
year's report.yaml gives each quarter's report its own cover and, optionally, its budget
monitoring position::

    quarters:
      Q1: {date: 2021-09-06, version: "1.0", approved_by: XY, status: final}
      Q2: {date: 2021-12-06, version: "0.3", status: draft}
    finance_quarters:
      Q1: {cash_limit: 2400, forecast_outturn: 2460, note: Markdown text}

A quarterly report is published months before the year's annual report, so it never borrows the
annual report's date, version or approver.
"""

from __future__ import annotations

from typing import Any

from perflib.config import year_folder
from perflib.data import periods
from perflib.data.portfolio import Portfolio
from perflib.data.report_meta import read_cover
from perflib.data.yamlfile import Yaml, read_yaml
from perflib.errors import Problem

#: Quarters reported on when portfolio.yaml says ``quarterly: {}`` (Q4 is the annual report).
DEFAULT_QUARTERS = ("Q1", "Q2", "Q3")
FINANCE_KEYS = ("cash_limit", "forecast_outturn")
COVER_EXAMPLE = "'  Q1: {date: 2021-09-06, version: \"1.0\", approved_by: XY, status: final}'"


def declared_quarters(p: Portfolio, problems: list[Problem] | None = None) -> list[str]:
    """The quarters portfolio.yaml declares under ``reports.quarterly.quarters``."""
    problems = problems if problems is not None else []
    doc = read_yaml(p.path / "portfolio.yaml", problems)
    if doc is None:  # its problem is listed; until it reads, the default quarters
        return sorted(DEFAULT_QUARTERS)
    settings = (doc.data.get("reports") or {}).get("quarterly") or {}
    qs = settings.get("quarters", list(DEFAULT_QUARTERS)) if isinstance(settings, dict) else []
    out = []
    for i, q in enumerate(qs if isinstance(qs, list) else [qs]):
        if str(q).upper() not in periods.QUARTERS:
            problems.append(Problem(doc.path, doc.line("reports", "quarterly", "quarters", i),
                                    f"reports.quarterly.quarters[{i}]",
                                    f"'{q}' is not a quarter", "use Q1, Q2, Q3 or Q4"))
            continue
        out.append(str(q).upper())
    return sorted(set(out))


def _report_yaml(p: Portfolio, year: str, problems: list[Problem]) -> Yaml | None:
    return read_yaml(p.path / year_folder(year) / "report.yaml", problems)


def _by_quarter(doc: Yaml, key: str, example: str,
                problems: list[Problem]) -> dict[str, dict]:
    """report.yaml's ``key``: a mapping of quarters to mappings, each quarter checked."""
    block = doc.data.get(key)
    if block is None:
        return {}
    if not isinstance(block, dict):
        problems.append(Problem(doc.path, doc.line(key), key, "must map quarters to their details",
                                f"write '{key}:' then {example}"))
        return {}
    out = {}
    for q, item in block.items():
        if str(q) not in periods.QUARTERS:
            problems.append(Problem(doc.path, doc.line(key, q), f"{key}.{q}",
                                    f"'{q}' is not a quarter", "use Q1, Q2, Q3 or Q4"))
            continue
        out[str(q)] = item if isinstance(item, dict) else {}
    return out


def finance_quarters(r: Any, problems: list[Problem] | None = None) -> dict[str, dict]:
    """report.yaml's optional ``finance_quarters``: each quarter's budget monitoring position.

    None under ``finance: none`` (report.yaml giving one is then an error of its own).
    """
    problems = problems if problems is not None else []
    if not r.portfolio.options.has_finance:
        return {}
    doc = _report_yaml(r.portfolio, r.year, problems)
    out: dict[str, dict] = {}
    if doc is None:  # its problem is listed
        return out
    example = "'  Q1: {cash_limit: 1250, forecast_outturn: 1262}'"
    for q, item in _by_quarter(doc, "finance_quarters", example, problems).items():
        ok = True
        for key in FINANCE_KEYS:
            v = item.get(key)
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                problems.append(Problem(doc.path, doc.line("finance_quarters", q, key),
                                        f"finance_quarters.{q}.{key}",
                                        "is missing" if v is None else f"'{v}' is not a number",
                                        "write £000 as a number"))
                ok = False
        if ok:
            out[q] = {"cash_limit": float(item["cash_limit"]),
                      "forecast_outturn": float(item["forecast_outturn"]),
                      "note": str(item.get("note") or "")}
    return out


def covers(r: Any, problems: list[Problem] | None = None) -> dict[str, dict]:
    """report.yaml's ``quarters``: each quarter's report's date, version, approver and status.

    A quarter's entry is checked as the annual report's cover is: a date is a date, a status is
    draft or final (final by default), and a final report names its approver. A missing date or
    version is a to-do, printed on the cover as still to be set.
    """
    problems = problems if problems is not None else []
    doc = _report_yaml(r.portfolio, r.year, problems)
    if doc is None:  # its problem is listed
        return {}
    return {q: read_cover(doc, ("quarters", q), periods.quarter_label(r.year, q), item, problems)
            for q, item in _by_quarter(doc, "quarters", COVER_EXAMPLE, problems).items()}


def missing_covers(r: Any, quarters: list[str], problems: list[Problem]) -> None:
    """A to-do for each quarter to be reported that report.yaml gives no cover for."""
    given = covers(r, problems)
    doc = _report_yaml(r.portfolio, r.year, [])
    for q in quarters:
        if q not in given:
            problems.append(Problem(
                doc.path if doc else r.portfolio.path / year_folder(r.year) / "report.yaml",
                doc.line("quarters") if doc else None, f"quarters.{q}",
                f"the {periods.quarter_label(r.year, q)} report has no date, version, approver "
                "or status yet", f"add it under 'quarters:' in report.yaml, e.g. {COVER_EXAMPLE}",
                todo=True))
