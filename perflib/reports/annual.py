"""The Portfolio Performance and Resources Annual Report, in the order of the published reports."""

from __future__ import annotations

from typing import Any

import pandas as pd

from perflib import formatting as fmt
from perflib import units
from perflib.data import periods
from perflib.data.year import Report
from perflib.present import sections
from perflib.present.blocks import (
    Block,
    Definitions,
    Group,
    Heading,
    Inline,
    Markdown,
    Note,
    Paragraph,
    Section,
    Span,
    Table,
    badge,
    spans,
    strong,
)
from perflib.present.display import Blocks, Published
from perflib.reports import ReportKind, comparators

KIND = ReportKind(
    name="annual",
    title="Portfolio Performance and Resources Annual Report",
    notebook="annual_report",
    csv="measures.csv",
    files=("commentary.md", "reserves.csv", "savings.csv", "engagement.csv", "responses.csv",
           *comparators.FILES, "targets.csv"),
)


def cover(r: Report) -> Blocks:
    """The cover page."""
    return Blocks([sections.cover(r)])


def overview(r: Report) -> Blocks:
    """Portfolio overview: summary, revenue budget outturn and use of reserves.

    A KPI-only portfolio (``finance: none``) prints its summary alone, with its cabinet member
    only where report.yaml names one.
    """
    c = r.cash
    member = r.meta.get("cabinet_member")
    blocks: list[Block] = [*_headed("Portfolio summary", r.meta.get("summary"), 3)]
    if member or r.portfolio.options.has_finance:
        blocks.append(Paragraph(f"{member or ''}, Cabinet Member for {r.portfolio.name}",
                                cls="signature"))
    if not r.portfolio.options.has_finance:
        if r.meta["capital_note"]:
            blocks += [Heading("Capital programme"), Markdown(r.meta["capital_note"])]
        return Blocks([Section("overview", f"{r.portfolio.name} portfolio overview", blocks)])
    blocks.append(Heading("Revenue budget (outturn)"))
    if c is None:
        blocks.append(Note("The outturn figures are still to be added.", kind="todo"))
    else:
        blocks.append(Table(
            "Revenue budget (outturn), £000", ["", "£000"],
            [["Cash limit", fmt.money(c.current)], ["Outturn", fmt.money(c.outturn)],
             ["(Surplus)/Deficit", fmt.money(c.surplus_deficit)],
             ["(Surplus)/Deficit as % of the cash limit", fmt.money_pct(c.surplus_deficit_pct)]],
            numeric=(1,), cls="finance"))
    if not r.reserves.empty:
        approved = r.reserves["approved"].sum()
        moved = r.reserves["movement"].sum()
        use = "drawn down" if moved <= 0 else "added to reserves"
        blocks += [Heading("Reserves"),
                   Paragraph(f"Earmarked reserves approved for the portfolio total "
                             f"{fmt.money_m(approved)}; {fmt.money_m(moved)} was {use} in the "
                             "outturn above.")]
    if r.meta["capital_note"]:
        blocks += [Heading("Capital programme"), Markdown(r.meta["capital_note"])]
    return Blocks([Section("overview", f"{r.portfolio.name} portfolio overview", blocks)])


def measure(r: Report, m: pd.Series) -> Group:
    """One measure: its table (periods, target, rating, trend), its notes and its commentary."""
    obs = r.observations[r.observations["measure_id"] == m["measure_id"]].sort_values("period")
    name: Inline = strong(m["short_name"]) if m["headline"] else m["short_name"]
    heads: list[Inline] = ["PI code", "Good performance",
                           *[f"{p} actual" for p in obs["period"]], f"{r.year} target", "Status",
                           "Trend"]
    cells: list[Inline] = [m["pi_code"], m["polarity"]]
    style = units.style(m)
    cells += [sections.figure_cell(row, style) for _, row in obs.iterrows()]
    cells += [sections.target_text(m), sections.rating_cell(m), sections.trend_cell(m)]
    blocks: list[Block] = [Table(spans(f"{m['pi_code']}: ", name), heads, [cells],
                                 cls="measure-table")]
    blocks += comparators.blocks(r, m)  # beside the rating, never changing it
    if m["override_reason"]:
        blocks.append(Note(spans(strong("Rating overridden:"),
                                 f" the rule gives {m['rule_rating']}; published as {m['rating']}. ",
                                 strong("Reason:"), f" {m['override_reason']}"), kind="override"))
    for _, row in obs[obs["discrepancy"].fillna("") != ""].iterrows():
        blocks.append(Note(spans(strong(f"Data-quality note ({row['period']}):"),
                                 f" {row['discrepancy']}"), kind="dq-note"))
    text = r.text(m["measure_id"])
    if text or r.portfolio.options.commentary_required:  # optional commentary: nothing, not a gap
        blocks.append(Group([Markdown(text)], cls="commentary"))
    return Group(blocks, cls="measure", id=f"m-{m['measure_id']}")


CATEGORY_HEADINGS = {"Council": "Council measures", "Partnership": "Partnership measures",
                     "Contextual": "Contextual measures"}


def priorities(r: Report) -> Blocks:
    """Section 1: the key, then each priority with its measures grouped by category."""
    out: list[Block] = [*([Paragraph(r.meta["agreement"])] if r.meta.get("agreement") else []),
                        *sections.rating_source(r.portfolio, "the Data quality section"),
                        sections.key(r.rules, sections.headline_key(r.portfolio, r.measures)),
                        *sections.own_thresholds(r.measures)]
    for p in r.meta["priorities"]:
        n = p["number"]
        body: list[Block] = [Markdown(p["intro"])] if (p["intro"] or "").strip() else []
        if "responses" in p["tables"] and r.responses is not None and not r.responses.empty:
            body.append(responses(r))
        ms = r.measures[r.measures["priority"] == n]
        if not ms.empty:
            body.append(Heading("Measuring performance and reporting progress", 4))
        if r.meta["show_categories"]:
            for cat, heading in CATEGORY_HEADINGS.items():
                group = ms[ms["category"] == cat]
                if len(group):
                    body.append(Heading(heading, 5))
                    body.extend(measure(r, m) for _, m in group.iterrows())
        else:
            body.extend(measure(r, m) for _, m in ms.iterrows())
        if body:  # a priority with no words, table or measure this year prints no heading
            out += [Heading(f"Priority {n}: {p['title']}", 3, f"priority-{n}"), *body]
    return Blocks([Section("priorities", "1. Delivering our priorities", out)])


def responses(r: Report) -> Table:
    """Consultation responses by quarter, where the year's data has them."""
    t = r.responses
    if t is None:
        raise ValueError(f"the {r.year} report has no responses.csv to print")
    rows: list[list[Inline]] = [[periods.words(q.quarter), q.programme, fmt.count(q.responses)]
                                for q in t.itertuples()]
    return Table(f"Responses to consultations, {r.year}",
                 ["Quarter", "Programme", "Number of responses"], rows, numeric=(2,),
                 foot=[["Total", "", fmt.count(t["responses"].sum())]])


def _headed(title: str, text: str | None, level: int = 4) -> list[Block]:
    """A heading and its text, or nothing at all: a heading is never printed with nothing under it."""
    return [Heading(title, level), Markdown(text)] if text and text.strip() else []


def finance(r: Report) -> Blocks:
    """Section 2: cash limit and outturn, earmarked reserves, savings programme.

    A KPI-only portfolio (``finance: none``) has none: no section, no contents entry.
    """
    if not r.portfolio.options.has_finance:
        return Blocks()
    c, f = r.cash, r.finance
    blocks: list[Block] = [Heading("2.1 Revenue: cash limit")]
    if c is None:
        blocks.append(Note("The cash limit and outturn are still to be added.", kind="todo"))
    else:
        labels = {"previously_reported": "Previously reported", "change": "Change",
                  "current": "Current", **(f.get("cash_limit_labels") or {})}
        blocks += [
            Table("Revenue cash limit, £000",
                  ["", *(f"{labels[k]} £000" for k in ("previously_reported", "change", "current"))],
                  [["Cash limit", fmt.money(c.previously_reported), fmt.money(c.change),
                    fmt.money(c.current)]], numeric=(1, 2, 3), cls="finance"),
            *_headed("Budget changes", f.get("budget_change_note")),
            Heading("Outturn position", 4),
            Table("Outturn position, £000",
                  ["Net cash limit £000", "Net expenditure £000", "Appropriations £000",
                   "Outturn £000", "(Surplus)/Deficit £000", "(Surplus)/Deficit % of cash limit"],
                  [[fmt.money(c.current), fmt.money(c.net_expenditure),
                    fmt.money(c.appropriations), fmt.money(c.outturn),
                    fmt.money(c.surplus_deficit), fmt.money_pct(c.surplus_deficit_pct)]],
                  row_header=False, numeric=tuple(range(6)), cls="finance"),
            Markdown(f.get("outturn_note") or "")]
    res = r.reserves
    blocks.append(Heading("2.2 Earmarked reserves"))
    if res.empty:
        blocks.append(Markdown(f.get("reserves_note") or "The reserves are still to be added."))
    else:
        movement = f.get("reserves_movement_label") or "Movement"
        blocks.append(Table(
            f"Earmarked reserves, {r.year}, £000",
            ["Reserve category", "Reserve narration", "To be used for", "Approved £000",
             f"{movement} £000", "Balance £000"],
            [[x.category, x.narration, x.use, fmt.money(x.approved), fmt.money(x.movement),
              fmt.money(x.balance)] for x in res.itertuples()],
            foot=[["Total", "", "", fmt.money(res["approved"].sum()),
                   fmt.money(res["movement"].sum()), fmt.money(res["balance"].sum())]],
            numeric=(3, 4, 5), cls="finance"))
    sv = r.savings
    blocks.append(Heading("2.3 Portfolio savings programme"))
    if sv.empty:
        blocks.append(Markdown(f.get("savings_note") or "The savings programme is still to be "
                               "added."))
    else:
        blocks += [Table(
            f"Portfolio savings programme, {r.year}, £000",
            ["Proposal", "Risk rating", "Value £000", "Achieved or identified £000",
             "Additional information"],
            [[x.proposal, badge(x.risk_rating), fmt.money(x.value), fmt.money(x.achieved),
              x.note or ""] for x in sv.itertuples()],
            foot=[["Total", "", fmt.money(sv["value"].sum()), fmt.money(sv["achieved"].sum()), ""]],
            numeric=(2, 3), cls="finance"), Markdown(f.get("savings_note") or "")]
        ratings: list[tuple[Inline, Inline]] = [
            (badge(k), v) for k, v in (f.get("risk_ratings") or {}).items()]
        if ratings:
            blocks += [Heading("Risk rating", 4), Definitions(ratings, cls="risk-key")]
    return Blocks([Section("finance", "2. Financial resources and monitoring", blocks)])


def appendix(r: Report) -> Blocks:
    """Appendix 1: engagement activity; left out, heading and all, when there is none to show.

    A report that is empty on purpose says why in report.yaml (``empty_sections: {appendix: ...}``).
    """
    title = f"Appendix 1: Consultation and engagement activity {r.year}"
    e = r.engagement
    if e is None or e.empty:
        why = r.meta["empty_sections"].get("appendix")
        return Blocks([Section("appendix", title, [Markdown(why)])] if why else [])
    rows: list[list[Inline]] = [[periods.words(x.quarter), x.programme, x.purpose,
                                 "Not stated" if pd.isna(x.count) else fmt.count(x.count)]
                                for x in e.itertuples()]
    stated = e["count"].dropna()
    foot: list[list[Inline]] = [[
        "Total", "", f"{len(e)} activities listed"
        + (f", {len(e) - len(stated)} without a count" if len(stated) < len(e) else ""),
        fmt.count(stated.sum())]]
    return Blocks([Section("appendix", title, [Table(
        f"Consultation and engagement activity, {r.year}", ["Quarter", "Programme", "Purpose",
                                                            "Count"], rows, foot=foot,
        numeric=(3,))])])


def revisions(r: Report) -> Blocks:
    """Figures for earlier years that differ from what the previous report published."""
    from perflib.data import quality

    earlier = [y for y in r.portfolio.years if y < r.year]
    if not earlier:
        return Blocks()  # the first report held: nothing can have been revised
    d = quality.revisions(r)
    title = "Revisions since the last report"
    if d.empty:
        return Blocks([Section("revisions", title, [Paragraph(
            f"No figure for an earlier year differs from the {max(earlier)} report.")])])

    styles = r.measures.set_index("measure_id")

    def figure(x: Any, side: str) -> str:  # x: a row of the revisions frame
        places = x.old_decimals if side == "old" else x.decimals
        return units.show(units.style(styles.loc[x.measure_id], places),
                          getattr(x, f"{side}_value"), getattr(x, f"{side}_numerator"),
                          getattr(x, f"{side}_denominator"))

    rows: list[list[Inline]] = [[x.pi_code, x.short_name, x.period, figure(x, "old"),
                                 x.old_report, figure(x, "new"), x.new_report]
                                for x in d.itertuples()]
    return Blocks([Section("revisions", title, [
        Paragraph(f"This report revises {len(d)} figure{'s' if len(d) != 1 else ''} for earlier "
                  f"years that the {max(earlier)} report published. The measure tables print the "
                  "revised figures."),
        Table(f"Figures revised since the {max(earlier)} report",
              ["PI code", "Measure", "Year", "First published", "In report", "Now",
               "In report"], rows)])])


def data_quality(r: Report) -> Blocks:
    """Where the text or the published figures disagree with the data, or one figure with another."""
    from perflib.data import quality

    title = "Data quality"
    if not r.findings:
        return Blocks([Section("data-quality", title, [Paragraph(
            "Each figure and claim in this report was checked against the data: no disagreement "
            "between its commentary and its figures was found, and no known inconsistency in "
            "the figures it prints.")])])
    said = quality.counts(r.findings)
    rows: list[list[Inline]] = [[x.pi_code or x.measure_id, x.severity.capitalize(), x.finding,
                                 x.words or "", x.data_says] for x in r.findings]
    ratings = (", with notes where the council's published ratings differ from the rule's"
               if r.portfolio.options.published else "")
    return Blocks([Section("data-quality", title, [
        Paragraph(f"Each figure and claim in this report's commentary was checked against the "
                  f"data, and known inconsistencies in the published figures are recorded"
                  f"{ratings}: {said}. Each is "
                  "listed with what the data says; data-quality.csv beside this report has the "
                  "file and line of each."),
        Table(f"Data-quality findings, {r.year}",
              ["PI code", "Severity", "Finding", "Words", "The data says"], rows)])])


def spc(r: Report) -> Blocks:
    """Statistical process control: XmR charts for measures with enough points, else one sentence."""
    from perflib.reports import spc_section

    return Blocks([Section("spc", "Statistical process control",
                           spc_section.blocks(r, 4, spc_section.targets_of(r)))])


MEASURES_CSV_COLUMNS = [
    "year", "pi_code", "measure_id", "short_name", "category", "polarity", "unit", "period",
    "value", "numerator", "denominator", "figure_kind", "target_type", "target", "rule_rating",
    "rating", "override_reason", "trend", "previous_period", "previous",
]
#: Comparator columns appended to measures.csv (empty for a measure without a comparator).
COMPARATOR_COLUMNS = ["comparator_value", "comparator_label", "comparator_source"]


def measures_csv(r: Report) -> pd.DataFrame:
    """The measures table published beside the report: the figures its measure tables print."""
    m = r.measures
    out = m[MEASURES_CSV_COLUMNS].copy()
    comp = comparators.comparisons(r).set_index("measure_id")
    for col in COMPARATOR_COLUMNS:
        out[col] = out["measure_id"].map(comp[col]) if len(comp) else None
    for col in ("numerator", "denominator"):
        out[col] = out[col].astype("Int64")
    out = out.astype(object).where(out.notna(), None)
    # figures to the decimals the tables print them (a count 27600, not 27600.0)
    for col in ("value", "previous", "comparator_value"):
        out[col] = fmt.plain_all(out[col], m["decimals"])
    out["target"] = fmt.plain_all(out["target"], m["target_decimals"].fillna(m["decimals"]))
    return out


def data_files(r: Report) -> Published:
    """The data behind the report, computed in the kernel from the figures it printed."""
    from perflib.data import quality

    return Published({KIND.csv: measures_csv(r), "data-quality.csv": quality.frame(r)})


__all__ = ["KIND", "Span", "appendix", "cover", "data_quality", "finance", "measures_csv",
           "overview", "priorities", "data_files", "revisions", "spc"]
