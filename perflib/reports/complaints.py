"""Complaints deep dive: Stage 1 and 2 complaints across years, the ombudsman, revised figures.

The ombudsman is the one portfolio.yaml names (``ombudsman: Housing Ombudsman``), the Local
Government and Social Care Ombudsman where it names none.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from perflib import formatting as fmt
from perflib.data.claims import Finding
from perflib.data.year import Report
from perflib.present import charts
from perflib.present.blocks import Block, Inline, Paragraph, Table
from perflib.present.display import Blocks, Published
from perflib.reports import ReportKind, deepdive

KIND = ReportKind(
    name="complaints",
    title="Complaints: deep dive",
    notebook="complaints",
    csv="complaints.csv",
    roles={"stage1_upheld": "percentage of Stage 1 complaints upheld",
           "stage2_upheld": "percentage of Stage 2 complaints upheld",
           "stage1_on_time": "percentage of Stage 1 complaints answered on time",
           "stage2_on_time": "percentage of Stage 2 complaints answered on time"},
    facts_topic="complaints",
    facts={"stage1_received": "Stage 1 complaints received in a year (the base where a report "
                              "gives no numerator and denominator)",
           "stage2_received": "Stage 2 complaints received in a year",
           "ombudsman_upheld": "complaints the ombudsman upheld (portfolio.yaml's `ombudsman`; "
                               "the Local Government and Social Care Ombudsman by default)",
           "ombudsman_public_reports": "public reports the ombudsman issued against the council"},
    files=("facts.csv",),
    findings=lambda r: findings(r),
)
#: role -> (stage, what)
ROLES = {"stage1_upheld": ("Stage 1", "upheld"), "stage2_upheld": ("Stage 2", "upheld"),
         "stage1_on_time": ("Stage 1", "on time"), "stage2_on_time": ("Stage 2", "on time")}


def findings(r: Report) -> list[Finding]:
    """Counts of one thing that disagree, for the year's data-quality findings.

    Two bases for a stage's complaints within one report, and a year's complaints received
    restated by a later report with no note. The rows are walked as plain values: a portfolio's
    files are small, and this runs for every report year on every build.
    """
    ids = deepdive.roles(r, KIND)
    obs = r.portfolio.observations
    o = obs.frame
    rows = list(zip(o.index.tolist(), o["report"].tolist(), o["measure_id"].tolist(),
                    o["period"].tolist(), o["denominator"].tolist(), strict=True))
    # a base the earlier report printed with its fraction is a revision (declared elsewhere)
    printed = {(rep, mid, per) for _, rep, mid, per, d in rows if pd.notna(d)}
    this = [(i, mid, per, d) for i, rep, mid, per, d in rows if rep == r.year]
    facts = r.portfolio.facts
    stated = [] if facts is None else [
        x for x in zip(facts.frame.index.tolist(), facts.frame["report"].tolist(),
                       facts.frame["topic"].tolist(), facts.frame["metric"].tolist(),
                       facts.frame["period"].tolist(), facts.frame["value"].tolist(),
                       strict=True)
        if x[2] == KIND.facts_topic and x[1] < r.year]
    code = dict(zip(r.measures["measure_id"], r.measures["pi_code"], strict=True))
    out: list[Finding] = []
    for n in ("1", "2"):
        mid = ids[f"stage{n}_upheld"]
        up = {per: (i, d) for i, m, per, d in this if m == mid}  # in the file's order
        ok = {per: d for _, m, per, d in this if m == ids[f"stage{n}_on_time"]}
        for period, (i, a) in up.items():
            b = ok.get(period, float("nan"))
            if pd.notna(a) and pd.notna(b) and a != b:
                out.append(Finding(
                    file=str(obs.path), line=obs.line(i), measure_id=mid,
                    pi_code=code.get(mid, ""), severity="warning",
                    finding=f"the {r.year} report gives two counts of Stage {n} complaints for "
                    f"{period}", words=f"{fmt.count(a)} and {fmt.count(b)}",
                    data_says=f"{fmt.count(a)} as the base for upheld and {fmt.count(b)} for on "
                    "time",
                    fix="say why the two bases differ (for example complaints still open), or "
                    "correct one"))
        if facts is None:  # no facts.csv: nothing stated earlier to restate
            continue
        for i, report, _, metric, period, value in stated:
            if metric != f"stage{n}_received" or (report, mid, period) in printed:
                continue
            base = up[period][1] if period in up else None
            if base is not None and pd.notna(base) and base != value:
                out.append(Finding(
                    file=str(facts.path), line=facts.line(i), measure_id=mid,
                    pi_code=code.get(mid, ""), severity="warning",
                    finding=f"Stage {n} complaints received in {period} restated without a note",
                    words=f"{fmt.count(value)} in the {report} report, {fmt.count(base)} "
                    f"in the {r.year} report", data_says=f"{fmt.count(base)} in this report",
                    fix="declare the change and its reason in the discrepancy column"))
    return out


#: complaints.csv: one row per stage, measure and year.
CSV_COLUMNS = ["stage", "measure", "period", "percent", "number", "out_of", "target", "report",
               "figure_kind"]


@dataclass
class Complaints:
    """The deep dive's figures, computed once: its tables, charts and CSV all read these."""

    report: Report
    by_year: pd.DataFrame
    revisions: pd.DataFrame
    ombudsman: pd.DataFrame
    ids: dict[str, str]


def compute(r: Report) -> Complaints:
    """Complaints by stage and year, each period from the latest report that published it."""
    ids = deepdive.roles(r, KIND)
    h = deepdive.history(r, list(ids.values()))
    f = deepdive.facts(r, KIND.facts_topic)
    rows = []
    for role, (stage, what) in ROLES.items():
        for x in deepdive.latest(h[h["measure_id"] == ids[role]]).itertuples():
            received = x.denominator
            if pd.isna(received) and what == "upheld":
                received = deepdive.fact(f, f"stage{stage[-1]}_received", x.period)
            rows.append({"stage": stage, "measure": what, "period": x.period,
                         "percent": x.value, "number": x.numerator, "out_of": received,
                         "target": x.target, "report": x.report, "figure_kind": x.figure_kind,
                         "decimals": x.decimals, "target_decimals": x.target_decimals})
    by_year = pd.DataFrame(rows, columns=[*CSV_COLUMNS, "decimals", "target_decimals"])
    by_year = by_year.sort_values(["measure", "stage", "period"]).reset_index(drop=True)
    o = f[f["metric"].isin(["ombudsman_upheld", "ombudsman_public_reports"])]
    return Complaints(r, by_year, deepdive.revisions(h), o.sort_values(["metric", "period"]), ids)


def cover(d: Complaints) -> Blocks:
    """The cover."""
    return deepdive.cover(d.report, KIND)


def _count(v: float) -> str:
    return "Not stated" if pd.isna(v) else fmt.count(v)


def summary(d: Complaints) -> Blocks:
    """Received, upheld and on time by stage and year, against target."""
    if d.by_year.empty:
        return Blocks()
    blocks: list[Block] = [Paragraph(
        "Lower is better for the share upheld; higher is better for the share answered on time. "
        "Each year's figure is taken from the latest report that published it.")]
    for what in ("upheld", "on time"):
        x = d.by_year[d.by_year["measure"] == what]
        rows: list[list[Inline]] = [[f"{s.stage} {s.period}", _count(s.out_of), _count(s.number),
                                     deepdive.pct(s.percent, s.decimals),
                                     deepdive.pct(s.target, s.target_decimals), s.report]
                                    for s in x.itertuples()]
        label = "received" if what == "upheld" else "due a response"
        blocks.append(Table(f"Complaints {what}, by stage and year", [
            "Stage and year", f"Complaints {label}", f"Number {what}", f"% {what}", "Target",
            "Published in report"], rows, numeric=(1, 2, 3, 4)))
    return deepdive.section("summary", "Complaints by stage and year", blocks)


def trends(d: Complaints) -> Blocks:
    """Upheld % and on-time % by stage and year, each against its target."""
    out: list[Block] = []
    for what, ylabel in (("upheld", "Complaints upheld (%)"),
                         ("on time", "Responded to on time (%)")):
        x = d.by_year[d.by_year["measure"] == what]
        if x["percent"].notna().sum() == 0:
            continue
        desc = "; ".join(f"{s.stage} {s.period}: {deepdive.pct(s.percent, s.decimals)} (target "
                         f"{deepdive.pct(s.target, s.target_decimals)})" for s in x.itertuples())
        # the chart's labels and table print each figure as the tables above do (38%, not 38.0%)
        shown = pd.DataFrame({
            "Stage": x["stage"], "Year": x["period"],
            "Percent": [deepdive.pct(s.percent, s.decimals) for s in x.itertuples()],
            "Target": [deepdive.pct(s.target, s.target_decimals) for s in x.itertuples()]},
            index=x.index)
        x = x[["stage", "period", "percent", "target"]].rename(columns={
            "stage": "Stage", "period": "Year", "percent": "Percent", "target": "Target"})
        out.append(charts.lines_against_target(
            x, "Year", "Percent", "Stage", "Target",
            f"Complaints {what} by stage and year against target", ylabel,
            alt=f"Line chart of the percentage of complaints {what} by stage and year, with "
                f"targets. {desc}.",
            caption="Stage 1 is a solid line with circles, Stage 2 a dashed line with squares; "
                    "targets are short bars on a dotted line.", shown=shown))
    return deepdive.section("charts", "Upheld and on time, against target", out) if out else Blocks()


def ratings(d: Complaints) -> Blocks:
    """This year's ratings and trends for the complaints measures."""
    return deepdive.ratings(d.report, list(d.ids.values()))


def revised(d: Complaints) -> Blocks:
    """Where a later report revised an earlier year's figure: both figures and their reports."""
    if d.revisions.empty:
        return Blocks()
    role_of = {v: k for k, v in d.ids.items()}

    def figure(v: float, n: float, den: float, decimals: float) -> str:
        return deepdive.pct(v, decimals) + ("" if pd.isna(n) else
                                           f" ({fmt.count(n)} of {fmt.count(den)})")

    rows: list[list[Inline]] = [[
        f"{' '.join(ROLES[role_of[x.measure_id]])}, {x.period}",
        figure(x.old_value, x.old_numerator, x.old_denominator, x.old_decimals), x.old_report,
        figure(x.new_value, x.new_numerator, x.new_denominator, x.new_decimals), x.new_report]
        for x in d.revisions.itertuples()]
    return deepdive.section("restated", "Revised figures", [
        Paragraph("Later reports revised these figures for earlier years. Both are shown; the "
                  "tables and charts above use the latest."),
        Table("Revised complaints figures", ["Measure and year", "First published",
                                             "In report", "Revised to", "In report"], rows)])


def ombudsman(d: Complaints) -> Blocks:
    """The decisions of the ombudsman portfolio.yaml names, where published."""
    if d.ombudsman.empty:
        return Blocks()
    body = d.report.portfolio.words.ombudsman
    names = {"ombudsman_upheld": f"Complaints upheld by the {body}",
             "ombudsman_public_reports": "Public reports issued against the council"}
    rows: list[list[Inline]] = [[names[x.metric], x.period, fmt.count(x.value), x.report,
                                 x.note or ""] for x in d.ombudsman.itertuples()]
    return deepdive.section("ombudsman", "Ombudsman decisions", [Table(
        f"{body} decisions",
        ["Decision", "Year", "Number", "Published in report", "Note"], rows, numeric=(2,))])


def data_files(d: Complaints) -> Published:
    """The figures the tables and charts printed, as the CSV beside the report."""
    return Published({KIND.csv: data(d)})


def data(d: Complaints) -> pd.DataFrame:
    """complaints.csv: each figure to the decimals the tables print it, counts whole."""
    out = d.by_year[CSV_COLUMNS].astype(object)
    out["percent"] = fmt.plain_all(d.by_year["percent"], d.by_year["decimals"])
    out["target"] = fmt.plain_all(d.by_year["target"], d.by_year["target_decimals"])
    for col in ("number", "out_of"):
        out[col] = fmt.plain_all(d.by_year[col], 0)
    return out.where(out.notna(), None)
