"""Data quality of one report year: what its text claims against its figures, and its revisions.

Findings come from four places: the commentary checker (:mod:`perflib.data.claims`), the known
inconsistencies recorded in observations.csv's ``discrepancy`` column, the register's advice on a
unit its figures do not fit (:meth:`perflib.units.Style.advice`), the published ratings the rule
disagrees with (:mod:`perflib.data.ratings`, under ``ratings: published``), and each declared
report kind's own checks. Every report year publishes them as data-quality.csv and the annual
report lists them, so a reader sees where the published text and numbers disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from perflib import config, units
from perflib.data import claims, periods, quarters, ratings
from perflib.data.claims import Finding
from perflib.data.claims.figures import ADVICE, NOTE
from perflib.errors import Problem

if TYPE_CHECKING:
    from perflib.data.year import Report

COLUMNS = ["year", "pi_code", "measure_id", "file", "line", "severity", "finding", "data_says",
           "words", "fix"]


def findings(r: Report, skip: set[str] | None = None) -> list[Finding]:
    """Every data-quality finding of a report year's data, errors first.

    ``skip`` names measures whose figures have errors: their commentary is not judged against
    them. The report kinds add their own findings after loading (:mod:`perflib.reports.checks`).
    """
    figures = {k: v for k, v in r.figures.items() if k not in (skip or set())}
    if not r.portfolio.options.commentary_required:  # a measure without commentary is fine
        figures = {k: v for k, v in figures.items()
                   if k in r.commentary and r.commentary[k].text.strip()}
    out = claims.check_commentary(r.commentary, figures, str(r.commentary_path),
                                  r.meta.get("status", "final"), r.portfolio.words.comparison_areas)
    return ordered(out + discrepancy_notes(r) + rating_notes(r, skip))


def ordered(found: list[Finding]) -> list[Finding]:
    """Findings as they are listed: errors first, then warnings, then notes; by PI code and line."""
    order = {claims.ERROR: 0, claims.WARNING: 1, NOTE: 2}
    return sorted(found, key=lambda x: (order.get(x.severity, 3), x.pi_code, x.line or 0))


def contradictions(r: Report, found: list[Finding], skip: set[str] | None = None) -> list[Problem]:
    """In a final report, each error finding as a problem: text and data cannot both be right.

    A draft prints them instead; ``skip`` names measures already refused for another reason.
    """
    if r.meta.get("status") != "final":
        return []
    return [Problem(r.commentary_path, x.line, x.measure_id,
                    f"{x.pi_code}: {x.finding}: '{x.words}' (the data says {x.data_says})", x.fix)
            for x in found if x.severity == claims.ERROR and x.measure_id not in (skip or set())]


def discrepancy_notes(r: Report) -> list[Finding]:
    """Inconsistencies in the published figures themselves, recorded in observations.csv."""
    o = r.portfolio.observations
    codes = dict(zip(r.measures["measure_id"], r.measures["pi_code"], strict=True))
    rows = o.frame.index[(o.frame["report"] == r.year) & o.frame["discrepancy"].notna()
                         & (o.frame["discrepancy"].fillna("") != "")]
    return [Finding(file=str(o.path), line=o.line(i), measure_id=o.frame.at[i, "measure_id"],
                    pi_code=codes.get(o.frame.at[i, "measure_id"], ""), severity=NOTE,
                    finding=f"the published {o.frame.at[i, 'period']} figure is inconsistent",
                    words="", data_says=o.frame.at[i, "discrepancy"],
                    fix="kept as published, with this note")
            for i in rows]


def unit_advice(r: Report) -> list[Finding]:
    """Measures whose unit their figures do not fit: a count printed with decimals.

    Such a measure is a rate or a number. It builds as it is (it always did); the advice says
    what to change, to the analyst only (see the module's docstring).
    """
    t = r.portfolio.measures
    f = t.frame
    out = []
    for i in f.index[f["year"] == r.year]:
        row = f.loc[i]
        advice = units.style(row).advice()
        if advice:
            out.append(Finding(file=str(t.path), line=t.line(i), measure_id=row["measure_id"],
                               pi_code=str(row["pi_code"]), severity=ADVICE, finding=advice,
                               words="",
                               data_says=f"unit {row['unit']}, decimals {int(row['decimals'])}",
                               fix="set its unit to rate (with per, e.g. 100000 for a rate per "
                               "100,000) or to number in measures.csv"))
    return out


def comparator_advice(r: Report) -> list[Finding]:
    """Comparators no report can print, as advice to the analyst.

    A metric with no national figure compared with a measure that has no polarity to rank the
    neighbours by (``Not applicable``): its figures are held but never shown.
    """
    c = r.portfolio.comparators
    if c is None:
        return []
    m = r.measures.set_index("measure_id")
    out = []
    for i, row in c.metrics.frame.iterrows():
        mid = row["measure_id"]
        if mid in m.index and pd.isna(row["national_code"]) \
                and m.at[mid, "polarity"] not in ("High", "Low"):
            out.append(Finding(file=str(c.metrics.path), line=c.metrics.line(i), measure_id=mid,
                               pi_code=str(m.at[mid, "pi_code"]), severity=ADVICE,
                               finding=f"{row['metric']} is compared with {mid}, which has no "
                               "national figure and no polarity to rank the neighbours by, so no "
                               "report prints it", words="",
                               data_says=f"polarity {m.at[mid, 'polarity']}",
                               fix="give the metric a national_code and national_label, or the "
                               "measure a polarity (High or Low) in measures.csv"))
    return out


def rating_notes(r: Report, skip: set[str] | None = None) -> list[Finding]:
    """Under ``ratings: published``, each printed rating that is not the rule's, year and quarters.

    A quarter is looked at when the council rated some figure of it: a quarter nobody rated is
    the rule's throughout, and saying so of every measure would bury the notes that matter.
    """
    if not r.portfolio.options.published:
        return []
    obs, tol = r.portfolio.observations, r.rules["amber_tolerance"]
    found = ratings.notes(r.measures, obs, r.year, tol, skip=skip)
    if skip and set(r.measures["measure_id"]) <= skip:
        return found  # no figure of the year is sound enough to rate
    o = obs.frame
    rated = quarters.parsed(o[(o["report"] == r.year) & o["published_rating"].notna()
                              & ~periods.is_year(o["period"])])
    register = r.portfolio.measures.frame
    register = register[register["year"] == r.year].sort_values(["priority", "order"])
    targets = r.portfolio.targets.frame if r.portfolio.targets is not None else None
    for q in sorted(set(rated["p_quarter"].astype(int)) - {0}):
        m = quarters.quarter_measures(r.portfolio, register, r.year, q, r.rules, targets)
        found += ratings.notes(m, obs, r.year, tol, periods.quarter_label(r.year, q), skip)
    return found


def counts(findings: list[Finding]) -> str:
    """How many findings of each severity, in words: '1 error, 6 warnings'."""
    n: dict[str, int] = {}
    for x in findings:
        n[x.severity] = n.get(x.severity, 0) + 1
    return ", ".join(f"{k} {s}{'s' if k != 1 else ''}" for s, k in n.items())


def describe(r: Report) -> list[str]:
    """A report year's findings, then its advice, as lines for the terminal (check, build)."""
    lines = []
    if r.findings:
        lines.append(f"{r.portfolio.id} {r.year} ({r.meta['status']}): {counts(r.findings)} "
                     "(data-quality.csv)")
        lines += [_line(x) for x in r.findings]
    if r.advice:
        lines.append(f"{r.portfolio.id} {r.year}: advice on the register, for you (not "
                     "published)")
        lines += [_line(x) for x in r.advice]
    return lines


def _line(x: Finding) -> str:
    where = f"{x.file}{f', row {x.line}' if x.line else ''}"
    words = f": {x.words!r}" if x.words else ""
    return (f"  - {x.severity}: {where}: {x.pi_code or x.measure_id}: {x.finding}{words}"
            f"; the data says {x.data_says.rstrip('.')}. Fix: {x.fix}")


def frame(r: Report) -> pd.DataFrame:
    """The findings as the data-quality.csv published beside the report.

    Files are named as the project names them (``data/cfe/commentary.md``), never by the
    building machine's folders.
    """
    rows = [{"year": r.year, "pi_code": x.pi_code, "measure_id": x.measure_id,
             "file": config.relative(x.file) if x.file else x.file,
             "line": x.line, "severity": x.severity, "finding": x.finding,
             "data_says": x.data_says, "words": x.words, "fix": x.fix} for x in r.findings]
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["line"] = out["line"].astype("Int64")
    return out


def revisions(r: Report) -> pd.DataFrame:
    """Figures for earlier periods that differ from what the previous report published.

    Computed from the observation vintages (the ``report`` column), never typed: the Statistics
    Authority's practice of declaring every revision.
    """
    cols = ["measure_id", "period", "value", "numerator", "denominator"]
    o = r.portfolio.observations.frame
    earlier = [y for y in r.portfolio.years if y < r.year]
    empty = pd.DataFrame(columns=["measure_id", "pi_code", "short_name", "period", "old_report", "old_value",
                                  "old_numerator", "old_denominator", "new_report", "new_value",
                                  "new_numerator", "new_denominator", "unit", "decimals",
                                  "old_decimals"])
    if not earlier:
        return empty
    before_year = max(earlier)
    now = o.loc[(o["report"] == r.year) & (o["period"] < r.year), cols]
    before = o.loc[(o["report"] == before_year), cols]
    both = now.merge(before, on=["measure_id", "period"], suffixes=("_new", "_old"))
    both = both[both["value_new"].notna() & both["value_old"].notna()]
    nums = ["value", "numerator", "denominator"]
    changed = pd.concat([both[f"{c}_new"].fillna(-1) != both[f"{c}_old"].fillna(-1)
                         for c in nums], axis=1).any(axis=1)
    both = both[changed]
    if both.empty:
        return empty
    m = r.measures.set_index("measure_id")
    reg = r.portfolio.measures.frame
    then = reg[reg["year"] == before_year].set_index("measure_id")["decimals"]
    return pd.DataFrame({
        "measure_id": both["measure_id"].to_numpy(),
        "pi_code": both["measure_id"].map(m["pi_code"]).to_numpy(),
        "short_name": both["measure_id"].map(m["short_name"]).to_numpy(),
        "period": both["period"].to_numpy(),
        "old_report": before_year,
        **{f"old_{c}": both[f"{c}_old"].to_numpy() for c in nums},
        "new_report": r.year,
        **{f"new_{c}": both[f"{c}_new"].to_numpy() for c in nums},
        "unit": both["measure_id"].map(m["unit"]).to_numpy(),
        "decimals": both["measure_id"].map(m["decimals"]).to_numpy(),
        # the first figure as its own report printed it (2019/20 printed whole percentages)
        "old_decimals": both["measure_id"].map(then).fillna(
            both["measure_id"].map(m["decimals"])).to_numpy(),
    })
