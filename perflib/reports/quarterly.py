"""Quarterly performance monitoring reports (Q1, mid-year, Q3), from the annual report's data.

A portfolio declares them in portfolio.yaml::

    reports:
      annual: {}
      quarterly: {quarters: [Q1, Q2, Q3]}

The build runs ``notebooks/quarterly_report.ipynb`` once for each declared quarter of a report
year that has figures, naming its outputs ``quarterly_q1.*`` and so on. Each report rates the
year-to-date figure against the (profiled) target, gives the trend against the quarter before and
the same quarter last year, the budget monitoring position where report.yaml gives one under
``finance_quarters``, and SPC charts for measures with enough points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from perflib import formatting as fmt
from perflib import units
from perflib.data import periods, quarters
from perflib.data.year import Report
from perflib.errors import ParameterError, Problem
from perflib.present import sections
from perflib.present.blocks import (
    Block,
    Heading,
    Inline,
    Markdown,
    Paragraph,
    Section,
    Span,
    Table,
    badge,
    strong,
)
from perflib.present.display import Blocks, Published
from perflib.reports import ReportKind, spc_section
from perflib.reports import quarterly_settings as settings
from perflib.reports.quarterly_settings import declared_quarters, finance_quarters
from perflib.rules import Trend


def check(r: Report) -> list[Problem]:
    """Load-time checks: the declaration, each quarter's cover and budget position in report.yaml.

    A quarter that has figures, and so will be built, needs its own cover details: a to-do
    until report.yaml gives them.
    """
    problems: list[Problem] = []
    declared = settings.declared_quarters(r.portfolio, problems)
    settings.finance_quarters(r, problems)
    settings.missing_covers(r, [q for q in declared if has_figures(r, q)], problems)
    return problems


def has_figures(r: Report, quarter: str) -> bool:
    """Whether any measure has a figure for ``quarter`` of the report year (or its months)."""
    return quarters.has_data(r.portfolio, r.year, int(quarter[1]))


def runs(r: Report) -> list[tuple[str, dict[str, str]]]:
    """One notebook run per declared quarter that has figures: (``quarterly_q1``, {quarter: Q1})."""
    return [(f"quarterly_{q.lower()}", {"quarter": q})
            for q in settings.declared_quarters(r.portfolio) if has_figures(r, q)]


def waiting(r: Report) -> list[str]:
    """Declared quarters with no figures yet, each with why its report is not made."""
    return [f"quarterly_{q.lower()}: no {periods.quarter_label(r.year, q)} figures in "
            "observations.csv yet" for q in settings.declared_quarters(r.portfolio)
            if not has_figures(r, q)]


KIND = ReportKind(
    name="quarterly",
    title="Quarterly Performance Monitoring Report",
    notebook="quarterly_report",
    csv="quarterly_q1.csv",  # one per quarter: quarterly_q1.csv, quarterly_q2.csv ...
    files=("targets.csv",),
    check=check,
    runs=runs,
    waiting=waiting,
)


@dataclass
class QuarterReport:
    """One quarter's report: the year's checked data, and its quarter's figures computed."""

    report: Report
    quarter: str
    measures: pd.DataFrame
    targets: pd.DataFrame | None
    finance: dict[str, Any] | None
    #: the quarter's own cover details from report.yaml (empty while still to be given)
    details: dict[str, Any]

    @property
    def number(self) -> int:
        """The quarter as a number, 1 to 4."""
        return int(self.quarter[1])

    @property
    def label(self) -> str:
        """The quarter as the report prints it: 'Quarter 2 2021/22' (never the data's code)."""
        return periods.words(periods.quarter_label(self.report.year, self.quarter))

    @property
    def name(self) -> str:
        """E.g. 'Mid-year'."""
        return periods.quarter_name(self.quarter)

    @property
    def span(self) -> str:
        """The months the year to date covers, e.g. 'April to September 2021'."""
        start = int(self.report.year[:4])
        last = 3 * self.number
        end_year = start + (last > 9)
        first = "April" if end_year == start else f"April {start}"
        return f"{first} to {periods.MONTH_NAMES[last - 1]} {end_year}"


def load(r: Report, quarter: str = "") -> QuarterReport:
    """Check the notebook's ``quarter`` and compute its figures.

    An empty ``quarter`` is the latest declared quarter with figures, so the notebook's default
    runs on any portfolio that has one (a build always names it).
    """
    q = str(quarter).strip().upper() or latest_quarter(r)
    if q not in periods.QUARTERS:
        raise ParameterError(f"quarter '{quarter}' is not a quarter; give Q1, Q2, Q3 or Q4")
    declared = declared_quarters(r.portfolio)
    if q not in declared:
        raise ParameterError(f"portfolio '{r.portfolio.id}' declares quarterly reports for "
                             f"{', '.join(declared) or 'no quarter'}, not {q}; add it under "
                             "reports.quarterly.quarters in portfolio.yaml")
    if not has_figures(r, q):
        raise ParameterError(f"there are no {periods.quarter_label(r.year, q)} figures in "
                             "observations.csv yet, so there is no report to make")
    targets = spc_section.targets_of(r)
    register = r.portfolio.measures.frame
    register = register[register["year"] == r.year].sort_values(["priority", "order"])
    m = quarters.quarter_measures(r.portfolio, register, r.year, int(q[1]), r.rules, targets)
    return QuarterReport(r, q, m, targets, finance_quarters(r).get(q),
                         settings.covers(r).get(q, {}))


def latest_quarter(r: Report) -> str:
    """The latest quarter the portfolio declares that has figures in the report year."""
    held = [q for q in declared_quarters(r.portfolio) if has_figures(r, q)]
    if not held:
        raise ParameterError(f"portfolio '{r.portfolio.id}' has no quarter with figures in "
                             f"{r.year} yet, so there is no quarterly report to make; give "
                             "another year in the parameters cell")
    return held[-1]


def cover(q: QuarterReport) -> Blocks:
    """The cover: the quarter's own date, version, approver and status, and the months it covers."""
    return Blocks([sections.cover(
        q.report, f"{q.name} Performance Monitoring Report {q.report.year}",
        note=f"Performance for the year to date, {q.span}, against the year's targets.",
        meta=q.details, covers=f"{q.span} (the year to date)")])


def _value(style: units.Style, v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "Not available"
    return units.show(style, v)


def _trend(label: Trend | Literal[""]) -> Inline:
    return badge(label) if label else "No trend"


def _name(m: pd.Series) -> Inline:
    """PI code and name in one cell, the name bold for a headline measure."""
    return [Span("", f"{m['pi_code']} "),
            *(strong(m["short_name"]) if m["headline"] else [Span("", m["short_name"])])]


def measure_row(q: QuarterReport, m: pd.Series) -> list[Inline]:
    """One measure's row: year to date, target, rating, this quarter and its two trends."""
    style = units.style(m)
    ytd = pd.Series({"figure_kind": m["figure_kind"], "value": m["value"],
                     "numerator": m["numerator"], "denominator": m["denominator"],
                     "period_label": ""})
    return [_name(m), m["polarity"],
            sections.figure_cell(ytd, style) if not pd.isna(m["value"]) else "Not available",
            sections.target_text(m), sections.rating_cell(m),
            _value(style, m["quarter_value"]),
            _trend(m["trend_quarter"]), _trend(m["trend_year"])]


def quarterly_measures(q: QuarterReport) -> pd.DataFrame:
    """The measures with quarterly or monthly figures: the ones a quarterly report can follow."""
    return q.measures[q.measures["has_quarters"]]


def year_end(q: QuarterReport) -> list[Block]:
    """Measures with only yearly figures, listed once, apart: their figures come at year end."""
    ms = q.measures[~q.measures["has_quarters"]]
    if ms.empty:
        return []
    rows: list[list[Inline]] = [[_name(m), str(int(m["priority"])), m["polarity"]]
                                for _, m in ms.iterrows()]
    return [Heading("Measures reported at year end", 3, "year-end"),
            Paragraph(f"These measures have no quarterly or monthly figures, so they are "
                      f"reported at year end, in the {q.report.year} annual report."),
            Table("Measures reported at year end", ["Measure", "Priority", "Good performance"],
                  rows, cls="year-end")]


def performance(q: QuarterReport) -> Blocks:
    """Section 1: the key, then each priority's quarterly measures, then those reported yearly."""
    r = q.report
    ms = quarterly_measures(q)
    prev = periods.words(q.measures["previous_quarter"].iloc[0]) if len(q.measures) else ""
    last = periods.words(q.measures["last_year_quarter"].iloc[0]) if len(q.measures) else ""
    out: list[Block] = [
        Paragraph(f"Each measure's figure for the year to date ({q.span}) is rated against its "
                  "target for the year to date: the annual target, or for counts the share of it "
                  "profiled to the end of the quarter. The trends compare the quarter's own "
                  f"figure with {prev} and with the same quarter last year, {last}."),
        *sections.rating_source(r.portfolio, f"the Data quality section of the {r.year} annual "
                                "report"),
        sections.key(r.rules, sections.headline_key(r.portfolio, ms)),
        *sections.own_thresholds(ms)]
    heads: list[Inline] = ["Measure", "Good performance", "Year to date",
                           "Target to date", "Status", f"Quarter {q.number} figure",
                           f"Trend from {prev}", f"Trend from {last}"]
    for p in r.meta["priorities"]:
        mine = ms[ms["priority"] == p["number"]]
        if mine.empty:
            continue
        out += [Heading(f"Priority {p['number']}: {p['title']}", 3, f"priority-{p['number']}"),
                Table(f"Performance to the end of {q.label}", heads,
                      [measure_row(q, m) for _, m in mine.iterrows()], numeric=(2, 3, 5),
                      cls="quarter-table")]
    out += year_end(q)
    return Blocks([Section("performance", f"1. Performance to the end of quarter {q.number}",
                           out)])


def finance(q: QuarterReport) -> Blocks:
    """Section 2: the budget monitoring position, where report.yaml gives one for the quarter.

    A KPI-only portfolio (``finance: none``) has no such section.
    """
    if not q.report.portfolio.options.has_finance:
        return Blocks()
    title = "2. Budget monitoring"
    f = q.finance
    if not f:
        return Blocks([Section("finance", title, [Paragraph(
            f"No budget monitoring position is given for {q.label}.")])])
    deficit = f["forecast_outturn"] - f["cash_limit"]
    pct = 100 * deficit / f["cash_limit"] if f["cash_limit"] else math.nan
    blocks: list[Block] = [Table(
        f"Budget monitoring position at {q.label}, £000",
        ["Cash limit £000", "Forecast outturn £000", "Forecast (surplus)/deficit £000",
         "Forecast (surplus)/deficit % of cash limit"],
        [[fmt.money(f["cash_limit"]), fmt.money(f["forecast_outturn"]), fmt.money(deficit),
          fmt.money_pct(pct)]], row_header=False, numeric=(0, 1, 2, 3), cls="finance")]
    if f["note"]:
        blocks.append(Markdown(f["note"]))
    return Blocks([Section("finance", title, blocks)])


def spc(q: QuarterReport) -> Blocks:
    """Section 3 (2 without a budget section): SPC charts for measures with enough points."""
    number = 3 if q.report.portfolio.options.has_finance else 2
    return Blocks([Section("spc", f"{number}. Statistical process control",
                           spc_section.blocks(q.report, q.number, q.targets))])


CSV_COLUMNS = ["year", "quarter", "pi_code", "measure_id", "short_name", "unit", "value",
               "numerator", "denominator", "figure_kind", "target", "annual_target", "rating",
               "quarter_value", "previous_quarter", "previous_value", "trend_quarter",
               "last_year_quarter", "last_year_value", "trend_year"]


def data_files(q: QuarterReport) -> Published:
    """The figures the report's measure tables print, as ``quarterly_q<n>.csv`` beside it."""
    m = quarterly_measures(q)
    out = m[CSV_COLUMNS].copy()
    for col in ("numerator", "denominator"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    out = out.astype(object).where(out.notna(), None)
    # figures to the decimals the report prints them (a count 2500, not 2500.0)
    for col in ("value", "quarter_value", "previous_value", "last_year_value"):
        out[col] = fmt.plain_all(out[col], m["decimals"])
    for col in ("target", "annual_target"):
        out[col] = fmt.plain_all(out[col], m["target_decimals"].fillna(m["decimals"]))
    name = f"quarterly_{q.quarter.lower()}.csv"
    return Published({name: out})


__all__ = ["KIND", "QuarterReport", "cover", "declared_quarters", "finance", "finance_quarters",
           "load", "performance", "data_files", "spc"]
