"""What the deep dives share: every year's figures up to a report, revisions, facts, ratings.

Each deep dive shows every year the data holds up to its report year, using each period's figure
from the latest report that published it, and lists revised figures beside the originals.
"""

from __future__ import annotations

import pandas as pd

from perflib import formatting as fmt
from perflib import units
from perflib.data import periods
from perflib.data.year import Report
from perflib.present import sections
from perflib.present.blocks import Block, Inline, Paragraph, Section, Table, badge
from perflib.present.display import Blocks
from perflib.reports import ReportKind

FACT_COLUMNS = ["report", "topic", "metric", "period", "value", "unit", "note"]


def roles(r: Report, kind: ReportKind) -> dict[str, str]:
    """Role -> measure_id as the portfolio maps them (checked at load time)."""
    return r.portfolio.reports.get(kind.name, {})


def cover(r: Report, kind: ReportKind) -> Blocks:
    """Cover for a deep dive: the annual report's cover details with the deep dive's title."""
    return Blocks([sections.cover(
        r, f"{kind.title} {r.year}",
        note=f"A companion to the {r.year} {sections.annual_title(r)}, "
             "with every year the data holds.")])


def history(r: Report, ids: list[str]) -> pd.DataFrame:
    """Every published figure for ``ids`` in reports up to this one, with each period's target.

    Each figure carries the decimals its own report printed it with (``decimals``; 2019/20
    printed whole percentages) and its target the decimals of the target's year
    (``target_decimals``), so a deep dive prints each as the annual reports did.
    """
    p = r.portfolio
    obs = p.observations.frame
    obs = obs[(obs["report"] <= r.year) & obs["measure_id"].isin(ids)
              & periods.is_year(obs["period"])].copy()
    reg = p.measures.frame
    printed = reg[["year", "measure_id", "decimals"]].rename(columns={"year": "report"})
    targets = reg[["year", "measure_id", "target"]].rename(columns={"year": "period"})
    targets["target_decimals"] = reg["target_decimals"].fillna(reg["decimals"])
    obs = obs.merge(printed, on=["report", "measure_id"], how="left")
    obs = obs.merge(targets, on=["period", "measure_id"], how="left")
    return obs.sort_values(["measure_id", "period", "report"]).reset_index(drop=True)


def published(r: Report, measure_id: str, period: str) -> float | None:
    """One period's figure from the latest report up to this one that published it, or None.

    What :func:`latest` of :func:`history` gives for one figure, without building either.
    """
    obs = r.portfolio.observations.frame
    rows = obs[(obs["measure_id"] == measure_id) & (obs["period"] == period)
               & (obs["report"] <= r.year)]
    if rows.empty:
        return None
    value = rows["value"].iloc[rows["report"].to_numpy().argmax()]
    return None if pd.isna(value) else float(value)


def latest(h: pd.DataFrame) -> pd.DataFrame:
    """For each measure and period, the figure from the latest report that published it."""
    return h.groupby(["measure_id", "period"], sort=True).tail(1).reset_index(drop=True)


def revisions(h: pd.DataFrame) -> pd.DataFrame:
    """Figures a later report published differently from the report before it.

    A figure re-typed unchanged under a later report is not a revision; one whose value,
    numerator or denominator differs is, with both versions and the reports they came from.
    """
    cols = ["value", "numerator", "denominator"]
    h = h[h["value"].notna()].sort_values(["measure_id", "period", "report"])
    before = h.groupby(["measure_id", "period"])[["report", *cols, "decimals"]].shift(1)
    changed = before["report"].notna() & (h[cols].fillna(-1) != before[cols].fillna(-1)).any(axis=1)
    named = {"report": "new_report", **{c: f"new_{c}" for c in [*cols, "decimals"]}}
    out = h.loc[changed, ["measure_id", "period", "report", *cols, "decimals"]].rename(
        columns=named)
    old = before.loc[changed].rename(columns={"report": "old_report",
                                              **{c: f"old_{c}" for c in [*cols, "decimals"]}})
    return pd.concat([out, old], axis=1).reset_index(drop=True)


def facts(r: Report, topic: str) -> pd.DataFrame:
    """Facts for a topic from reports up to this one (empty where none were published)."""
    t = r.portfolio.facts
    if t is None:
        return pd.DataFrame(columns=FACT_COLUMNS)
    f = t.frame
    return f[(f["topic"] == topic) & (f["report"] <= r.year)]  # index kept: it gives the line


def fact(f: pd.DataFrame, metric: str, period: str | None = None) -> float | None:
    """The latest report's figure for one fact, or None."""
    rows = f[f["metric"] == metric]
    if period is not None:
        rows = rows[rows["period"] == period]
    return None if rows.empty else float(rows.sort_values("report")["value"].iloc[-1])


def pct(v: float, decimals: float | None = None) -> str:
    """A percentage to the decimals its report printed, or 'Not available'.

    The deep dives print each figure as the report that published it did: 32.0% stays 32.0%.
    """
    if pd.isna(v):
        return "Not available"
    return f"{fmt.plain(v, decimals)}%"


def section(id_: str, title: str, blocks: list[Block]) -> Blocks:
    """A deep dive's section."""
    return Blocks([Section(id_, title, blocks)])


def ratings(r: Report, ids: list[str]) -> Blocks:
    """This year's ratings and trends for a deep dive's measures, from the rules."""
    m = r.measures[r.measures["measure_id"].isin(ids)]
    if m.empty:
        body: list[Block] = [Paragraph(f"None of these measures is in the {r.year} report.")]
    else:
        rows: list[list[Inline]] = []
        for _, x in m.iterrows():
            rows.append([x.pi_code, x.short_name,
                         units.show(units.style(x), x.value, x.numerator, x.denominator)
                         or "Not available",
                         sections.target_text(x),
                         badge(x.rule_rating) if x.rule_rating else "Not rated",
                         badge(x.rating) if x.rating else "Not rated",
                         sections.trend_cell(x)])
        body = [Table(f"Ratings and trends in the {r.year} report", [
            "PI code", "Measure", f"{r.year} actual", "Target", "Rule's rating",
            "Published rating", "Trend"], rows)]
    return section("ratings", "Ratings and trends", body)
