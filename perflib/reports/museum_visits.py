"""Museum visits deep dive: visits per year against target, the year by quarter, closures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from perflib import formatting as fmt
from perflib.data import periods
from perflib.data.specs import EMPTY_KINDS
from perflib.data.year import Report
from perflib.errors import Problem
from perflib.present import charts
from perflib.present.blocks import Block, Inline, Paragraph, Table
from perflib.present.display import Blocks, Published
from perflib.reports import ReportKind, deepdive

QUARTER_STARTS = {"Q1": (4, 1), "Q2": (7, 1), "Q3": (10, 1), "Q4": (1, 1)}


def check(r: Report) -> list[Problem]:
    """Quarterly visits must not add up to more than the year's (found by ``perflib check``)."""
    t = r.portfolio.facts  # where the quarters come from
    if t is None:
        return []
    known = _stated_quarters(r)
    if not known:
        return []
    # only the one figure the check needs: it runs on every build, the deep dive's tables do not
    total = deepdive.published(r, deepdive.roles(r, KIND)["visits"], r.year)
    derived = _derived(known, total)
    if derived is None or known[derived] >= 0:
        return []
    return [Problem(t.path, None, "value",
                    f"the {r.year} quarters of museum visits add up to more than the year's "
                    f"{total:,.0f}",
                    "correct the quarterly figures (facts.csv, metrics visits_q1..visits_q4)")]


KIND = ReportKind(
    name="museum_visits",
    title="Museum visits: deep dive",
    notebook="museum_visits",
    csv="museum_visits.csv",
    roles={"visits": "number of visits to the council's museums in a year"},
    optional_roles={"cultural_engagements": "engagements with funded cultural organisations "
                                            "(contextual, in millions)"},
    facts_topic="museums",
    facts={f"visits_q{n}": f"visits in quarter {n} of the year (a single missing quarter is "
                           "derived from the year's total)" for n in range(1, 5)},
    files=("facts.csv", "museum_events.csv"),
    check=check,
)


@dataclass
class Museums:
    """The deep dive's figures, computed once."""

    report: Report
    years: pd.DataFrame
    quarters: pd.DataFrame | None
    events: pd.DataFrame
    engagements: pd.DataFrame
    ids: dict[str, str]


def compute(r: Report) -> Museums:
    """Visits by year, this year's quarters, the events that touch it, and engagements."""
    ids = deepdive.roles(r, KIND)
    years = _years(r, ids)
    eng = (deepdive.latest(deepdive.history(r, [ids["cultural_engagements"]]))
           if "cultural_engagements" in ids else pd.DataFrame())
    return Museums(r, years, _quarters(r, years), _events(r), eng, ids)


def _years(r: Report, ids: dict[str, str]) -> pd.DataFrame:
    """Visits, target and the report that published them, for every year up to this one."""
    h = deepdive.latest(deepdive.history(r, [ids["visits"]]))
    h = h[h["value"].notna()]
    return pd.DataFrame({"Year": h["period"].to_numpy(), "Visits": h["value"].to_numpy(),
                         "Target": h["target"].to_numpy(),
                         "Published in report": h["report"].to_numpy()})


def _stated_quarters(r: Report) -> dict[str, float]:
    """This year's visits of each quarter facts.csv states ('Q1' ... 'Q4')."""
    f = deepdive.facts(r, KIND.facts_topic)
    f = f[(f["period"] == r.year) & f["metric"].str.match(r"^visits_q[1-4]$")]
    return {m[-2:].upper(): v for m, v in zip(f["metric"], f["value"], strict=True)}


def _derived(known: dict[str, float], total: float | None) -> str | None:
    """Add the one unstated quarter to ``known`` from the year's total; return which it was."""
    missing = [q for q in QUARTER_STARTS if q not in known]
    if len(missing) != 1 or total is None:
        return None
    known[missing[0]] = total - sum(known.values())
    return missing[0]


def _quarters(r: Report, years: pd.DataFrame) -> pd.DataFrame | None:
    """This year's visits by quarter; a single unstated quarter is derived from the year's total."""
    known = _stated_quarters(r)
    if not known:
        return None
    start_year = int(r.year[:4])
    derived = _derived(known, years.set_index("Year")["Visits"].get(r.year))
    rows = []
    for q, (month, day) in QUARTER_STARTS.items():
        if q not in known:
            continue
        start = dt.date(start_year + (1 if q == "Q4" else 0), month, day)
        end = (pd.Timestamp(start) + pd.DateOffset(months=3)).date()
        rows.append({"quarter": q, "start": start, "end": end, "visits": known[q],
                     "derived": q == derived})
    return pd.DataFrame(rows)


def _events(r: Report) -> pd.DataFrame:
    """Closures and reopenings that touch this report year, each once however often stated."""
    t = r.portfolio.events
    if t is None:
        return pd.DataFrame(columns=["report", "date", "precision", "event"])
    start_year = int(r.year[:4])
    lo, hi = dt.date(start_year, 3, 1), dt.date(start_year + 1, 6, 30)
    e = t.frame[(t.frame["report"] <= r.year)]
    e = e[[lo <= d <= hi for d in e["date"]]].sort_values(["date", "report"])
    return e.drop_duplicates(["date", "event"]).reset_index(drop=True)


def cover(d: Museums) -> Blocks:
    """The cover."""
    return deepdive.cover(d.report, KIND)


def annual(d: Museums) -> Blocks:
    """Visits per year against target."""
    y = d.years
    if y.empty:
        return Blocks()
    desc = "; ".join(f"{x.Year}: {x.Visits:,.0f}" + (f" (target {x.Target:,.0f})"
                                                     if pd.notna(x.Target) else "")
                     for x in y.itertuples())
    return deepdive.section("annual", "Visits per year", [charts.bars_against_target(
        y, "Year", "Visits", "Target", "Museum visits per year against target",
        "Visits (number)", alt=f"Bar chart of museum visits per year with targets. {desc}.",
        caption="Black bars mark the target where one was set.")])


def quarterly(d: Museums) -> Blocks:
    """This year's visits by quarter with closures and reopenings drawn on the chart."""
    q, e, year = d.quarters, d.events, d.report.year
    blocks: list[Block] = []
    if q is None and e.empty:
        return Blocks()
    if q is not None:
        q = q.assign(quarter=q["quarter"].map(periods.words))  # "Quarter 1", never "Q1"
        derived = q[q["derived"]]
        if not derived.empty:
            blocks.append(Paragraph(
                f"{derived['quarter'].iloc[0]} was not published; it is derived as the year's "
                "total less the other quarters, and hatched on the chart."))
        desc = "; ".join(f"{x.quarter}: {x.visits:,.0f}" + (" (derived)" if x.derived else "")
                         for x in q.itertuples())
        ev = "; ".join(f"{n}: {x.event} ({fmt.long_date(x.date, x.precision)})"
                       for n, x in enumerate(e.itertuples(), start=1))
        blocks.append(charts.quarters_with_events(
            q, e, f"Museum visits by quarter, {year}, with closures and reopenings",
            alt=f"Bar chart of museum visits by quarter. {desc}."
                + (f" Numbered vertical lines mark events: {ev}." if ev else ""),
            caption="Numbered dashed lines mark the events in the table below." if ev else ""))
    if not e.empty:
        rows: list[list[Inline]] = [[str(n), fmt.long_date(x.date, x.precision), x.event]
                                    for n, x in enumerate(e.itertuples(), start=1)]
        blocks.append(Table("Closures and reopenings of museum sites", ["Line", "Date", "Event"],
                            rows))
    title = f"Visits by quarter, {year}" if q is not None else f"Closures and reopenings, {year}"
    return deepdive.section("quarterly", title, blocks)


def engagements(d: Museums) -> Blocks:
    """Cultural engagements: the contextual measure, as published."""
    h = d.engagements
    if h.empty:
        return Blocks()
    rows: list[list[Inline]] = [
        [x.period, x.report, x.figure_kind.capitalize() if x.figure_kind in EMPTY_KINDS
         else fmt.millions(x.value)] for x in h.itertuples()]
    return deepdive.section("engagements", "Cultural engagements", [
        Paragraph("A contextual measure: engagements by residents with funded cultural "
                  "organisations. It is not rated against a target."),
        Table("Cultural engagements by residents", ["Year", "Published in report",
                                                    "Engagements (millions)"], rows,
              numeric=(2,))])


def data(d: Museums) -> pd.DataFrame:
    """Every museum figure the deep dive shows, as one table."""
    y = d.years.rename(columns={"Year": "period", "Visits": "value", "Target": "target",
                                "Published in report": "report"}).astype(object)
    for col in ("value", "target"):  # visits are counted: whole numbers, as the report prints
        y[col] = fmt.plain_all(y[col], 0)
    y["series"] = "visits per year"
    parts = [y]
    if d.quarters is not None:
        q = d.quarters
        parts.append(pd.DataFrame({"series": "visits by quarter",
                                   "period": d.report.year + " " + q["quarter"],
                                   "value": fmt.plain_all(q["visits"], 0),
                                   "derived": q["derived"], "report": d.report.year}))
    out = pd.concat(parts, ignore_index=True)
    return out.astype(object).where(out.notna(), None)


def data_files(d: Museums) -> Published:
    """The CSV beside the report."""
    return Published({KIND.csv: data(d)})
