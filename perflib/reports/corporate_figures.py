"""The council's corporate report, worked out: headline measures, exceptions, budget, quality.

Every portfolio's headline measures are given as its own report rates them. Nothing is typed
here: each figure, rating and trend is read from the portfolio's checked
:class:`~perflib.data.year.Report` (or its quarter's
:class:`~perflib.reports.quarterly.QuarterReport`); the budget totals are sums of the
portfolios' computed positions. A portfolio that does not hold the year (or the quarter) is
named with why, never left out in silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from perflib import config, rules
from perflib.config import year_folder
from perflib.data import periods, quarters
from perflib.data.council import CorporateYear, read_corporate, read_council
from perflib.data.folders import check_year, portfolios
from perflib.data.portfolio import Portfolio
from perflib.data.year import Report
from perflib.errors import ParameterError
from perflib.present import frames
from perflib.reports import quarterly, quarterly_settings, spc_section
from perflib.reports.checks import load_report, portfolio
from perflib.reports.quarterly_settings import declared_quarters
from perflib.rules import Rating, Trend

#: What an exception is, in the words the report gives for each.
RED, WORSE_AGAIN, CONCERN, FAIL = ("Red", "Getting worse for a second period running",
                                   "SPC: special cause of concern", "SPC: assurance fail")
IMPROVING, RED_TO_GREEN = "SPC: special cause improving", "Red to Green"


@dataclass
class Entry:
    """One portfolio in one corporate report: its headline measures, or why it is missing."""

    pid: str
    name: str
    report: Report | None = None
    quarter: quarterly.QuarterReport | None = None
    #: why the portfolio is not in this report ("" when it is)
    missing: str = ""
    #: its headline measures as its own report rates them, with each one's exceptions
    measures: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: headline measures it reports only at year end (a quarterly report has no figure for them)
    year_end: list[str] = field(default_factory=list)
    #: the portfolio's report this one links to, relative to the corporate report's folder
    href: str = ""


@dataclass
class Corporate:
    """One corporate report: a year (``quarter`` empty) or a quarter of it."""

    council: str
    area_code: str
    year: str
    quarter: str
    own: CorporateYear
    entries: list[Entry]

    @property
    def label(self) -> str:
        """The period it covers as the report prints it: '2021/22', or 'Quarter 2 2021/22'."""
        return periods.words(periods.quarter_label(self.year, self.quarter)) if self.quarter \
            else self.year

    @property
    def meta(self) -> dict[str, Any]:
        """Its cover's date, version, approver and status (a quarter's own)."""
        if self.quarter:
            return self.own.quarters.get(self.quarter, {"status": "draft"})
        return self.own.meta

    @property
    def draft(self) -> bool:
        """Whether it is a draft (marked DRAFT on every page): its cover, or a portfolio's, says so.

        A report to Cabinet built on a portfolio report not yet approved is not approved either.
        """
        return self.meta.get("status") != "final" or bool(self.held_back)

    @property
    def held_back(self) -> list[str]:
        """The portfolios whose own report for the period is still a draft, in Cabinet's order."""
        return [e.name for e in self.present
                if e.report is not None and not is_final(e.report, self.quarter,
                                                         e.quarter.details if e.quarter else None)]

    @property
    def present(self) -> list[Entry]:
        """The portfolios in this report, in Cabinet's order."""
        return [e for e in self.entries if not e.missing]


def takes_part(r: Report, quarter: str) -> bool:
    """Whether a portfolio year is in the corporate report for ``quarter`` ("" for the year)."""
    if not quarter:
        return True
    return ("quarterly" in r.portfolio.reports and quarter in declared_quarters(r.portfolio)
            and quarterly.has_figures(r, quarter))


def is_final(r: Report, quarter: str, cover: dict[str, Any] | None = None) -> bool:
    """Whether the portfolio's own report for the year (or ``quarter``) is final, as its cover is.

    The same source its cover reads: report.yaml's status, or the quarter's under ``quarters``
    (``cover``, when already read); a quarter with no cover given is a draft.
    """
    if not quarter:
        return not r.draft
    meta = cover if cover is not None else quarterly_settings.covers(r).get(quarter, {})
    return meta.get("status") == "final"


def held_back(reports: list[Report], quarter: str) -> list[str]:
    """The portfolios (by name) whose own report keeps the corporate one for ``quarter`` a draft.

    ``reports`` are the year's portfolio years, in Cabinet's order: the build names them before
    it runs the notebook, and the cover (:attr:`Corporate.held_back`) names the same.
    """
    return [r.portfolio.name for r in reports
            if takes_part(r, quarter) and not is_final(r, quarter)]


def waiting_for(label: str, names: list[str]) -> str:
    """Why a corporate report is a draft, in a sentence's words: whose reports it waits for."""
    many = len(names) > 1
    who = ", ".join(names[:-1]) + f" and {names[-1]}" if many else names[0]
    return f"until the {label} report{'s' if many else ''} of {who} {'are' if many else 'is'} final"


def council_of(data: Path, loaded: dict[str, Portfolio] | None = None
               ) -> tuple[str, str, list[str]]:
    """The council's name, ONS code and portfolios in order: council.yaml's, else its portfolios'.

    Without council.yaml the portfolios (in id order) are a council of their own, named as
    their portfolio.yaml files name it (``loaded``, those already read, are not read again).
    """
    held = portfolios(data)
    c = read_council(data, [], held)
    if c is not None:
        return c.name, c.area_code, c.portfolios
    given = loaded or {}
    have = {pid: given[pid] if pid in given else portfolio(pid, data) for pid in held}
    names = list(dict.fromkeys(have[pid].council for pid in held))
    return " and ".join(names), "", held


def load(year: str = "", quarter: str = "", data_dir: str | Path | None = None) -> Corporate:
    """Check the notebook's parameters and work out the corporate report for them.

    An empty ``year`` is the latest any portfolio holds (a build always names it).
    """
    frames.register()  # a DataFrame an analyst shows below becomes a report table
    if year:
        check_year(year)
    q = str(quarter or "").strip().upper()
    if q and q not in periods.QUARTERS:
        raise ParameterError(f"quarter '{quarter}' is not a quarter; give Q1, Q2, Q3 or Q4, or "
                             "leave it empty for the annual report")
    data = config.data_path(data_dir)
    # each read once (and, in a build's kernel, taken from the build's check of it)
    loaded = {pid: portfolio(pid, data) for pid in portfolios(data)}
    if not year:
        held = [y for p in loaded.values() for y in p.years]
        if not held:
            raise ParameterError(f"no portfolio under {data} holds a report year yet, so there "
                                 "is no corporate report to make")
        year = max(held)
    name, code, pids = council_of(data, loaded)
    entries = [_entry(loaded[pid], year, q) for pid in pids]
    headings = {f"{e.pid}.{mid}" for e in entries for mid in e.measures.get("measure_id", [])}
    own = read_corporate(data, year, headings, [])
    if not any(not e.missing for e in entries):
        raise ParameterError(f"no portfolio holds {periods.quarter_label(year, q) if q else year}"
                             ", so there is no corporate report to make")
    return Corporate(name, code, year, q, own, entries)


def _entry(p: Portfolio, year: str, q: str) -> Entry:
    entry = Entry(p.id, p.name)
    if year not in p.years:
        entry.missing = f"holds no {year} report (it holds {', '.join(p.years) or 'none'})"
        return entry
    r = load_report(p.id, year, p.path.parent)
    entry.report = r
    folder = f"../../{p.id}/{year_folder(year)}"
    if not q:
        entry.href = f"{folder}/annual_report.html"
        entry.measures = _annual(r)
        return entry
    label = periods.words(periods.quarter_label(year, q))
    if "quarterly" not in p.reports:
        entry.missing = "publishes no quarterly reports"
    elif q not in declared_quarters(p):
        entry.missing = f"publishes no {periods.quarter_name(q)} report"
    elif not quarterly.has_figures(r, q):
        entry.missing = f"has no {label} figures yet"
    if entry.missing:
        return entry
    qr = quarterly.load(r, q)
    entry.quarter = qr
    entry.href = f"{folder}/quarterly_{q.lower()}.html"
    heads = qr.measures[qr.measures["headline"] == True]  # noqa: E712 (a column of bools)
    entry.year_end = list(heads.loc[~heads["has_quarters"].astype(bool), "short_name"])
    entry.measures = _quarter(qr, heads[heads["has_quarters"].astype(bool)])
    return entry


def _annual(r: Report) -> pd.DataFrame:
    """The year's headline measures with the exceptions and improvements each shows."""
    m = r.measures[r.measures["headline"] == True].copy()  # noqa: E712 (a column of bools)
    # last year's ratings say only whether a Green measure was Red: read it only if one is
    earlier = _previous_ratings(r) if (m["rating"] == rules.GREEN).any() else {}
    threshold = r.rules["stable_threshold"]
    found: list[list[str]] = []
    better: list[list[str]] = []
    targets, every = spc_section.targets_of(r), quarters.figures(r.portfolio, r.year)
    for _, x in m.iterrows():
        obs = r.observations[r.observations["measure_id"] == x["measure_id"]].sort_values("period")
        values = pd.to_numeric(obs["value"], errors="coerce").dropna().tolist()
        before: Trend | Literal[""] = (
            rules.trend([values[-2]], [values[-3]], [x["polarity"]], threshold)[0]
            if len(values) >= 3 else "")
        result = spc_section.result_of(r, x, 4, targets, every)
        found.append(_exceptions(x["rating"], x["trend"], before, result))
        better.append(_improvements(earlier.get(x["measure_id"], ""), x["rating"], result))
    m["exceptions"] = found
    m["improvements"] = better
    return m.reset_index(drop=True)


def _previous_ratings(r: Report) -> dict[str, Rating | Literal[""]]:
    """Each measure's published rating in the portfolio's previous year, where it holds one."""
    last = periods.previous_year(r.year)
    if last not in r.portfolio.years:
        return {}
    before = load_report(r.portfolio.id, last, r.portfolio.path.parent)  # checked once
    return dict(zip(before.measures["measure_id"], before.measures["rating"], strict=True))


def _quarter(qr: quarterly.QuarterReport, heads: pd.DataFrame) -> pd.DataFrame:
    """A quarter's headline measures (those with quarterly figures) and their exceptions."""
    m = heads.copy()
    m["trend"] = m["trend_quarter"]
    r = qr.report
    earlier = _quarter_before(qr, m)
    found, better = [], []
    every = quarters.figures(r.portfolio, r.year)
    for _, x in m.iterrows():
        before_trend, before_rating = earlier.get(x["measure_id"], ("", ""))
        result = spc_section.result_of(r, x, qr.number, qr.targets, every)
        found.append(_exceptions(x["rating"], x["trend"], before_trend, result))
        better.append(_improvements(before_rating, x["rating"], result))
    m["exceptions"] = found
    m["improvements"] = better
    return m.reset_index(drop=True)


def _quarter_before(qr: quarterly.QuarterReport, m: pd.DataFrame
                    ) -> dict[str, tuple[Trend | Literal[""], Rating | Literal[""]]]:
    """Each measure's trend and year-to-date rating at the quarter before (none before Q1)."""
    if qr.number == 1:
        return {}
    r = qr.report
    register = r.portfolio.measures.frame
    register = register[(register["year"] == r.year)
                        & register["measure_id"].isin(m["measure_id"])]
    before = quarters.quarter_measures(r.portfolio, register, r.year, qr.number - 1, r.rules,
                                       qr.targets)
    return {x.measure_id: (x.trend_quarter, x.rating) for x in before.itertuples()}


def _exceptions(rating: Rating | Literal[""], trend: Trend | Literal[""], before: Trend | Literal[""],
                result: Any) -> list[str]:
    out = []
    if rating == rules.RED:
        out.append(RED)
    if trend == rules.WORSE and before == rules.WORSE:
        out.append(WORSE_AGAIN)
    if result is not None and result.variation == "special cause concerning":
        out.append(CONCERN)
    if result is not None and result.assurance == "fail":
        out.append(FAIL)
    return out


def _improvements(before: Rating | Literal[""], rating: Rating | Literal[""], result: Any
                  ) -> list[str]:
    out = []
    if result is not None and result.variation == "special cause improving":
        out.append(IMPROVING)
    if before == rules.RED and rating == rules.GREEN:
        out.append(RED_TO_GREEN)
    return out


# ---- the council's totals ---------------------------------------------------------------------

RATINGS = (rules.GREEN, rules.AMBER, rules.RED)
TRENDS = (rules.BETTER, rules.STABLE, rules.WORSE)


def counts(c: Corporate) -> pd.DataFrame:
    """Headline measures by rating and by trend, per portfolio in this report, then the council."""
    rows = []
    for e in c.present:
        m = e.measures
        ratings = m["rating"].fillna("") if len(m) else pd.Series(dtype=object)
        trends = m["trend"].fillna("") if len(m) else pd.Series(dtype=object)
        row: dict[str, Any] = {"portfolio": e.name, "measures": len(m)}
        row.update({k: int((ratings == k).sum()) for k in RATINGS})
        row["Not rated"] = int((~ratings.isin(RATINGS)).sum())
        row.update({k: int((trends == k).sum()) for k in TRENDS})
        row["No trend"] = int((~trends.isin(TRENDS)).sum())
        rows.append(row)
    frame = pd.DataFrame(rows)
    if not frame.empty:
        total = {"portfolio": "Council total", **frame.drop(columns="portfolio").sum().to_dict()}
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return frame


def no_finance(c: Corporate) -> list[Entry]:
    """The portfolios in this report that report no finance (``finance: none``)."""
    return [e for e in c.present
            if e.report is not None and not e.report.portfolio.options.has_finance]


def budget(c: Corporate) -> pd.DataFrame:
    """Each portfolio's cash limit, outturn (or forecast), variance and reserves; the council's.

    A portfolio that reports no finance is left out (not counted as zeros): :func:`no_finance`.
    """
    rows = []
    left_out = {e.pid for e in no_finance(c)}
    for e in c.present:
        if e.pid in left_out:
            continue
        r = e.report
        assert r is not None
        if c.quarter:
            f = e.quarter.finance if e.quarter is not None else None
            limit = f["cash_limit"] if f else None
            outturn = f["forecast_outturn"] if f else None
            reserves = None
        else:
            limit = r.cash.current if r.cash else None
            outturn = r.cash.outturn if r.cash else None
            reserves = float(r.reserves["balance"].sum()) if not r.reserves.empty else None
        variance = None if limit is None or outturn is None else outturn - limit
        rows.append({"portfolio": e.name, "cash_limit": limit, "outturn": outturn,
                     "variance": variance, "reserves": reserves})
    frame = pd.DataFrame(rows, columns=["portfolio", "cash_limit", "outturn", "variance",
                                        "reserves"])
    if not frame.empty:
        total: dict[str, Any] = {"portfolio": "Council total"}
        for col in ("cash_limit", "outturn", "variance", "reserves"):
            given = frame[col].dropna()
            total[col] = float(given.sum()) if len(given) else None
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame["variance_pct"] = [100 * v / lim if v is not None and lim else None
                             for v, lim in zip(frame["variance"], frame["cash_limit"],
                                               strict=True)]
    return frame


def findings(c: Corporate) -> pd.DataFrame:
    """How many data-quality findings each portfolio's year carries, by severity."""
    rows = []
    for e in c.present:
        assert e.report is not None
        sev = pd.Series([x.severity for x in e.report.findings], dtype=object)
        rows.append({"portfolio": e.name, "error": int((sev == "error").sum()),
                     "warning": int((sev == "warning").sum()),
                     "note": int((sev == "note").sum()),
                     "href": f"../../{e.pid}/{year_folder(c.year)}/annual_report.html#data-quality"})
    return pd.DataFrame(rows, columns=["portfolio", "error", "warning", "note", "href"])


__all__ = ["Corporate", "Entry", "budget", "council_of", "counts", "findings", "held_back",
           "is_final", "load", "no_finance", "takes_part", "waiting_for"]
