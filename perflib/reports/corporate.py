"""The council's own report to Cabinet: headline measures, exceptions, budget, data quality.

Every portfolio's headline measures with the exceptions among them, the budget position and the
data quality, for the year and for each quarter the portfolios hold. A report kind like the
others (registered, one notebook, thin), but of the council, not of one portfolio: the build
runs it once per year any portfolio holds (``corporate_report``) and once per quarter a
portfolio has figures for (``corporate_q1`` ...), into ``reports/council/<YYYY-YY>/``. Its
figures are worked out in :mod:`corporate_figures`; this module says how they are printed.
"""

from __future__ import annotations

import pandas as pd

from perflib import formatting as fmt
from perflib import units
from perflib.data import claims, periods
from perflib.data import quarters as q
from perflib.data.council import FOLDER
from perflib.data.year import Report
from perflib.present import ratings, sections
from perflib.present.blocks import (
    Block,
    Cover,
    Heading,
    Inline,
    Markdown,
    Paragraph,
    Section,
    Table,
    link,
    spans,
    strong,
)
from perflib.present.display import Blocks, Published
from perflib.reports import ReportKind
from perflib.reports.corporate_figures import (
    RATINGS,
    TRENDS,
    Corporate,
    Entry,
    budget,
    council_of,
    counts,
    findings,
    load,
    no_finance,
    waiting_for,
)
from perflib.reports.quarterly_settings import declared_quarters


def held_quarters(reports: list[Report]) -> list[str]:
    """The quarters some portfolio year publishes a report for and has figures of."""
    out = set()
    for r in reports:
        if "quarterly" in r.portfolio.reports:
            out |= {x for x in declared_quarters(r.portfolio)
                    if q.has_data(r.portfolio, r.year, int(x[1]))}
    return sorted(out)


def runs(reports: list[Report]) -> list[tuple[str, dict[str, str]]]:
    """A year's corporate report (from its portfolios' years), then one per quarter they hold."""
    return [("corporate_report", {"quarter": ""}),
            *((f"corporate_{x.lower()}", {"quarter": x}) for x in held_quarters(reports))]


#: The cover's line that says why a corporate report is a draft, where its portfolios keep it one.
STATUS = "Status"

KIND = ReportKind(
    name="corporate",
    title="Corporate Performance Report",
    notebook="corporate_report",
    csv="corporate.csv",
    scope="council",
)


def title(c: Corporate) -> str:
    """'Corporate Performance Report 2021/22', or 'Mid-year Corporate Performance Report ...'."""
    if c.quarter:
        return f"{periods.quarter_name(c.quarter)} {KIND.title} {c.year}"
    return f"{KIND.title} {c.year}"


def cover(c: Corporate) -> Blocks:
    """The cover: the council, the report's own date, version, approver and status.

    It is a draft while its own cover, or any portfolio's report it is made from, is one; then
    a line names the portfolios it waits for.
    """
    m = c.meta
    date = m.get("date_label") or (fmt.long_date(m["date"]) if m.get("date") else "To be set")
    details = [("Date", date), ("Version", m.get("version") or "To be set"),
               ("Approved by", m.get("approved_by") or "Not yet approved"),
               ("Period covered", _span(c))]
    if c.held_back:  # a draft because of the portfolios' reports: the cover says whose
        details.append((STATUS, f"Draft {waiting_for(c.label, c.held_back)}"))
    note = ("Every portfolio's headline measures, as each portfolio's own report rates them, "
            "with the exceptions among them and the council's budget position.")
    return Blocks([Cover(c.council, "Council-wide", title(c), details, note, c.draft)])


def _span(c: Corporate) -> str:
    start = int(c.year[:4])
    if not c.quarter:
        return f"April {start} to March {start + 1}"
    last = 3 * int(c.quarter[1])
    end = start + (last > 9)
    return f"April {start} to {periods.MONTH_NAMES[last - 1]} {end}"


def _missing(c: Corporate) -> list[Block]:
    gone = [e for e in c.entries if e.missing]
    if not gone:
        return []
    return [Paragraph(spans(strong("Not in this report:"),
                            " " + "; ".join(f"{e.name} {e.missing}" for e in gone) + "."),
                      cls="missing")]


def summary(c: Corporate) -> Blocks:
    """Section 1: headline measures by rating and by trend, per portfolio and for the council."""
    n = counts(c)
    text = None if c.quarter else c.own.commentary.get("summary")  # the year's, as above
    blocks: list[Block] = [Markdown(text.text)] if text else []
    blocks += _missing(c)
    if n.empty:
        return Blocks([Section("summary", "1. Summary", blocks)])
    body = n.iloc[:-1]
    rows: list[list[Inline]] = [[x["portfolio"], *(fmt.count(x[k]) for k in
                                                 ("measures", *RATINGS, "Not rated"))]
                                for _, x in body.iterrows()]
    total = n.iloc[-1]
    foot: list[list[Inline]] = [["Council total", *(fmt.count(total[k]) for k in
                                                   ("measures", *RATINGS, "Not rated"))]]
    blocks.append(Table(f"Headline measures by rating, {c.label}",
                        ["Portfolio", "Headline measures", *RATINGS, "Not rated"], rows,
                        foot=foot, numeric=(1, 2, 3, 4, 5)))
    trend_rows: list[list[Inline]] = [[x["portfolio"], *(fmt.count(x[k]) for k in
                                                       (*TRENDS, "No trend"))]
                                      for _, x in body.iterrows()]
    blocks.append(Table(f"Headline measures by direction of travel, {c.label}",
                        ["Portfolio", *TRENDS, "No trend"], trend_rows,
                        foot=[["Council total", *(fmt.count(total[k]) for k in
                                                 (*TRENDS, "No trend"))]],
                        numeric=(1, 2, 3, 4)))
    said = "; ".join(f"{x['portfolio']}: " + ", ".join(f"{int(x[k])} {k}" for k in
                                                      (*RATINGS, "Not rated"))
                     for _, x in body.iterrows())
    blocks.append(ratings.chart(body, [*RATINGS, "Not rated"],
                                f"Headline measures by rating and portfolio, {c.label}",
                                f"Stacked bar chart of headline measures by rating for each "
                                f"portfolio, {c.label}. {said}."))
    return Blocks([Section("summary", "1. Summary", blocks)])


def _reasons(words: list[str]) -> str:
    return "; ".join(words)


def exceptions(c: Corporate) -> Blocks:
    """Section 2: the exceptions, each with its reason, then the improvements."""
    heads: list[Inline] = ["Portfolio", "PI code", "Measure", "Status", "Trend", "Why"]
    rows: list[list[Inline]] = []
    better: list[list[Inline]] = []
    for e in c.present:
        for _, m in e.measures.iterrows():
            cells: list[Inline] = [e.name, m["pi_code"], m["short_name"],
                                   sections.rating_cell(m), sections.trend_cell(m)]
            if m["exceptions"]:
                rows.append([*cells, _reasons(m["exceptions"])])
            if m["improvements"]:
                better.append([*cells, _reasons(m["improvements"])])
    out: list[Block] = [Paragraph(
        "An exception is a headline measure rated Red, getting worse for a second period "
        "running, or showing statistical process control special cause of concern or an "
        "assurance of fail; an improvement shows special cause improving or moved from Red to "
        "Green.")]
    out.append(Table(f"Exceptions, {c.label}", heads, rows) if rows
               else Paragraph(f"No headline measure is an exception in {c.label}."))
    out.append(Table(f"Improvements, {c.label}", heads, better) if better
               else Paragraph(f"No headline measure shows an improvement of that kind in "
                              f"{c.label}."))
    return Blocks([Section("exceptions", "2. Exceptions and improvements", out)])


def _figure(e: Entry, m: pd.Series) -> Inline:
    if e.quarter is not None:
        return units.show(units.style(m), m["value"], m["numerator"],
                          m["denominator"]) or "Not available"
    assert e.report is not None
    obs = e.report.observations
    row = obs[(obs["measure_id"] == m["measure_id"]) & (obs["period"] == m["period"])]
    return sections.figure_cell(row.iloc[0] if len(row) else None, units.style(m))


def measures(c: Corporate) -> Blocks:
    """Section 3: every headline measure of every portfolio, as its own report prints it."""
    out: list[Block] = []
    what = "year to date" if c.quarter else c.year
    for e in c.present:
        out.append(Heading(e.name, 3, f"p-{e.pid}"))
        out.append(Paragraph(spans("From ", link(f"the {e.name} report", e.href), ".")))
        if e.measures.empty:
            out.append(Paragraph(f"{e.name} has no headline measure in {c.label}."))
        else:
            rows: list[list[Inline]] = []
            for _, m in e.measures.iterrows():
                anchor = "" if c.quarter else f"#m-{m['measure_id']}"
                rows.append([link(str(m["pi_code"]), e.href + anchor), strong(m["short_name"]),
                             _figure(e, m), sections.target_text(m), sections.rating_cell(m),
                             sections.trend_cell(m)])
            out.append(Table(f"{e.name}: headline measures, {c.label}",
                             ["PI code", "Measure", f"Figure ({what})", "Target", "Status",
                              "Trend"], rows))
        if e.year_end:
            out.append(Paragraph("Reported at year end: " + "; ".join(e.year_end) + "."))
        for _, m in e.measures.iterrows():
            text = c.own.commentary.get(f"{e.pid}.{m['measure_id']}")
            # the commentary is the year's: the annual report prints it, with each placeholder
            # the portfolio's own figure
            if text and e.report is not None and not c.quarter:
                said = claims.render(text.text, e.report.figures[m["measure_id"]],
                                     missing="[figure to be added]" if c.draft else None)
                out += [Heading(f"{m['pi_code']}: {m['short_name']}", 4), Markdown(said)]
    return Blocks([Section("measures", "3. Headline measures by portfolio", out)])


def _money(v: float | None) -> str:
    return "Not given" if v is None or pd.isna(v) else fmt.money(float(v))


def finance(c: Corporate) -> Blocks:
    """Section 4: each portfolio's budget position and the council's, all computed."""
    b = budget(c)
    outturn = "Forecast outturn £000" if c.quarter else "Outturn £000"
    heads: list[Inline] = ["Portfolio", "Cash limit £000", outturn, "(Surplus)/deficit £000",
                           "(Surplus)/deficit %"]
    if not c.quarter:
        heads.append("Reserves balance £000")

    def row(x: pd.Series) -> list[Inline]:
        cells: list[Inline] = [x["portfolio"], _money(x["cash_limit"]), _money(x["outturn"]),
                               _money(x["variance"]),
                               fmt.money_pct(x["variance_pct"]) if x["variance_pct"] is not None
                               else "Not given"]
        if not c.quarter:
            cells.append(_money(x["reserves"]))
        return cells

    blocks: list[Block] = []
    if not b.empty:
        blocks.append(Table(f"Budget position, {c.label}, £000", heads,
                            [row(x) for _, x in b.iloc[:-1].iterrows()],
                            foot=[row(b.iloc[-1])], numeric=tuple(range(1, len(heads)))))
    kpi_only = [e.name for e in no_finance(c)]
    if kpi_only:
        names = " and ".join([", ".join(kpi_only[:-1]), kpi_only[-1]] if len(kpi_only) > 1
                             else kpi_only)
        blocks.append(Paragraph(
            f"{names} report{'s' if len(kpi_only) == 1 else ''} no finance (performance "
            f"measures only), so {'it is' if len(kpi_only) == 1 else 'they are'} not in the "
            "budget position.", cls="no-finance"))
    blocks += _missing(c)
    if not blocks:  # the section says so, rather than print its heading over nothing
        blocks.append(Paragraph(f"No portfolio in this report gives a budget position for "
                                f"{c.label}."))
    return Blocks([Section("finance", "4. Budget position", blocks)])


def data_quality(c: Corporate) -> Blocks:
    """Section 5: how many data-quality findings each portfolio's report carries, linked."""
    f = findings(c)
    rows: list[list[Inline]] = [[link(x.portfolio, x.href), fmt.count(x.error),
                                 fmt.count(x.warning), fmt.count(x.note)]
                                for x in f.itertuples()]
    return Blocks([Section("data-quality", "5. Data quality", [
        Paragraph("Each portfolio's report lists where its commentary or its published figures "
                  "disagree with its data; these are how many each carries."),
        Table(f"Data-quality findings, {c.year}", ["Portfolio", "Errors", "Warnings", "Notes"],
              rows, numeric=(1, 2, 3))])])


CSV_COLUMNS = ["year", "quarter", "portfolio", "pi_code", "measure_id", "short_name", "period",
               "value", "target", "rating", "trend", "exceptions", "improvements"]


def data_files(c: Corporate) -> Published:
    """The headline measures the report prints, with their exceptions, as ``corporate.csv``."""
    rows = []
    for e in c.present:
        for _, m in e.measures.iterrows():
            rows.append({"year": c.year, "quarter": c.quarter or None, "portfolio": e.pid,
                         "pi_code": m["pi_code"], "measure_id": m["measure_id"],
                         "short_name": m["short_name"],
                         "period": m.get("quarter") if c.quarter else m["period"],
                         "value": fmt.plain(m["value"], m["decimals"]),
                         "target": fmt.plain(m["target"], m["target_decimals"]
                                             if not pd.isna(m.get("target_decimals"))
                                             else m["decimals"]),
                         "rating": m["rating"] or None, "trend": m["trend"] or None,
                         "exceptions": "; ".join(m["exceptions"]) or None,
                         "improvements": "; ".join(m["improvements"]) or None})
    name = f"corporate_{c.quarter.lower()}.csv" if c.quarter else KIND.csv
    return Published({name: pd.DataFrame(rows, columns=CSV_COLUMNS)})


__all__ = ["FOLDER", "KIND", "STATUS", "council_of", "cover", "data_files", "data_quality",
           "exceptions", "finance", "held_quarters", "load", "measures", "runs", "summary", "title"]
