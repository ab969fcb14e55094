"""Whose rating a report prints: the rule's, an override's or the council's own, decided here.

Every report kind (annual, quarterly, corporate, the deep dives, the front page through
measures.csv) prints the ``rating`` column this module sets, beside ``rule_rating``, perflib's
own rating by :func:`perflib.rules.rate`. portfolio.yaml's ``ratings:`` says which it is:

- ``rule`` (the default): the rule's rating, unless overrides.csv records a published rating
  that differs, with its reason (:func:`apply_overrides`);
- ``published``: the council's own rating of the figure, observations.csv's
  ``published_rating``, for any measure, even one the rule does not rate. The rule's is still
  worked out beside it, and where the two differ the year's data quality says so
  (:func:`notes`); it is not an error, and needs no reason. A figure the rule rates but the
  council did not is printed with the rule's rating, and that is a data-quality note too, so
  a rating left out by mistake is seen.

The rule's Amber threshold is the measure's own (measures.csv's ``amber_tolerance``, a share of
the target, or ``amber_band``, a band in its own unit), else the year's (report.yaml's
``rules``), else the council's (council.yaml's).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from perflib import formatting as fmt
from perflib import units
from perflib.data.claims.figures import NOTE, Finding
from perflib.data.options import ReportOptions
from perflib.data.schema import CheckedTable
from perflib.errors import Problem


def decide(m: pd.DataFrame, options: ReportOptions, published: Any = None) -> None:
    """Set ``published_rating`` and ``rating``, the one every report prints, beside ``rule_rating``.

    ``published`` holds each row's published rating (None or NaN where there is none).
    """
    given = pd.Series([None] * len(m) if published is None else list(published), index=m.index,
                      dtype=object)
    given = given.where(given.notna(), "")
    m["published_rating"] = given
    rule = m["rule_rating"]
    m["rating"] = given.where(given != "", rule) if options.published else rule


def quarter_published(fig: pd.DataFrame, year: str, quarter: int, ids: pd.Series) -> np.ndarray:
    """Each measure's published rating for a quarter: its quarter's row, else the quarter's last month.

    ``fig`` is :func:`perflib.data.quarters.figures` (periods parsed).
    """
    if "published_rating" not in fig or fig["published_rating"].isna().all():
        return np.full(len(ids), None, dtype=object)
    mine = fig[(fig["p_year"] == year) & fig["published_rating"].notna()]
    quarter_rows = mine[(mine["p_kind"] == "quarter") & (mine["p_number"] == quarter)]
    month_rows = mine[(mine["p_kind"] == "month") & (mine["p_number"] == 3 * quarter)]
    by_quarter = dict(zip(quarter_rows["measure_id"], quarter_rows["published_rating"],
                          strict=True))
    by_month = dict(zip(month_rows["measure_id"], month_rows["published_rating"], strict=True))
    return np.array([by_quarter.get(i, by_month.get(i)) for i in ids], dtype=object)


def apply_overrides(m: pd.DataFrame, overrides: CheckedTable, year: str, problems: list[Problem],
                    broken: set[str] | None = None) -> None:
    """Under ``ratings: rule``, the published ratings overrides.csv records, each with its reason.

    An override of a measure whose figures are wrong is not judged.
    """
    for i, row in overrides.frame.iterrows():
        if row.year != year or broken is None or row.measure_id in broken:
            continue
        hit = m.index[m["measure_id"] == row.measure_id]
        if len(hit) == 0:
            continue
        j = hit[0]
        rule = m.at[j, "rule_rating"]
        where = (overrides.path, overrides.line(i))
        if not rule:
            problems.append(Problem(*where, "published_rating",
                                    f"{row.measure_id} gets no rating by the rule, so it cannot be "
                                    "overridden", "delete the row (to print the council's own "
                                    "ratings, write ratings: published in portfolio.yaml)"))
        elif rule == row.published_rating:
            problems.append(Problem(*where, "published_rating",
                                    f"{row.published_rating} is what the rule gives already",
                                    "delete the row: an override must differ from the rule"))
        else:
            m.at[j, "rating"] = row.published_rating
            m.at[j, "override_reason"] = row.reason or ""


# ---------------------------------------------------------------------------------- checks

def check(options: ReportOptions, measures: CheckedTable | None, observations: CheckedTable | None,
          overrides: CheckedTable | None, problems: list[Problem]) -> None:
    """Each measure's own threshold, and each rating in the file its ``ratings:`` setting reads."""
    if measures is not None:
        _check_thresholds(measures, problems)
    if observations is not None and not options.published:
        o = observations.frame
        for i in o.index[o["published_rating"].notna()]:
            problems.append(Problem(
                observations.path, observations.line(i), "published_rating",
                f"is {o.at[i, 'published_rating']}, but portfolio.yaml says ratings: rule (the "
                "default), so the rule rates every figure",
                "write ratings: published in portfolio.yaml to print the council's own ratings; "
                "or clear the cell, and record a published rating that differs from the rule in "
                "overrides.csv with its reason"))
    if overrides is not None and options.published:
        for i in overrides.frame.index:
            problems.append(Problem(
                overrides.path, overrides.line(i), "published_rating",
                "overrides.csv is read under ratings: rule, but portfolio.yaml says ratings: "
                "published", "write the rating in observations.csv's published_rating column, on "
                "the figure's row, and delete this row (no reason is needed)"))


def _check_thresholds(t: CheckedTable, problems: list[Problem]) -> None:
    f = t.frame
    for i in f.index[f["amber_tolerance"].notna() & f["amber_band"].notna()]:
        problems.append(Problem(
            t.path, t.line(i), "amber_band",
            f"both amber_tolerance ({f.at[i, 'amber_tolerance']:g}) and amber_band "
            f"({f.at[i, 'amber_band']:g}) are given for {f.at[i, 'measure_id']}",
            "keep one: amber_tolerance is a share of the target (0.1 for 10%), amber_band a "
            "band in the measure's own unit (2.5 for 2.5 points)"))
    for i in f.index[f["amber_tolerance"] >= 1]:
        problems.append(Problem(t.path, t.line(i), "amber_tolerance",
                                f"{f.at[i, 'amber_tolerance']:g} is not a share below 1",
                                "write it as a fraction of the target: 0.1 for 10%"))


# ---------------------------------------------------------------------------------- words

def own_threshold(m: pd.Series) -> str:
    """A measure's own Amber threshold in words ('2.5 points', '10%'), or '' when it has none."""
    band, share = m.get("amber_band"), m.get("amber_tolerance")
    if band is not None and not pd.isna(band):
        places = int(m["decimals"]) if not pd.isna(m.get("decimals")) else 0
        if units.get(m["unit"]).percent:
            return f"{fmt.plain(band, None)} percentage point{'' if band == 1 else 's'}"
        return units.show(units.style(m, places), float(band)) or fmt.plain(band, None) or ""
    if share is not None and not pd.isna(share):
        return f"{100 * float(share):g}%"
    return ""


def _threshold(m: pd.Series, tolerance: float) -> str:
    own = own_threshold(m)
    if own:
        return f"its own Amber band, up to {own} worse than target"
    return f"Amber up to {100 * tolerance:g}% worse than target"


def _figure(m: pd.Series, ytd: bool) -> str:
    style = units.style(m)
    value = units.show(style, m["value"], m["numerator"], m["denominator"]) or "no figure"
    places = m["decimals"] if pd.isna(m.get("target_decimals")) else m["target_decimals"]
    target = units.show(style, m["target"], decimals=int(places)) or "none set"
    if ytd:
        return f"year to date {value} against a target to date of {target}"
    return f"{value} against a target of {target}"


# ---------------------------------------------------------------------------------- notes

def notes(m: pd.DataFrame, observations: CheckedTable, year: str, tolerance: float, period: str = "",
          skip: set[str] | None = None) -> list[Finding]:
    """Under ``ratings: published``, where the printed rating is not the rule's, one note each.

    ``m`` is a year's measures (or a quarter's, ``period`` its label, e.g. '2021/22 Q2'): where
    the council's rating differs from the rule's, and where the council gave none and the rule's
    is printed. A measure the rule does not rate has no rule's view to differ from. ``skip``
    names measures whose figures have errors.
    """
    out = []
    for _, x in m.iterrows():
        rule, given = x["rule_rating"], x["published_rating"]
        if not rule or rule == given or x["measure_id"] in (skip or set()):
            continue
        when = period or str(x["period"])
        file, line = _where(observations, year, x["measure_id"], when)
        says = f"{_figure(x, bool(period))}; the rule gives {rule} ({_threshold(x, tolerance)})"
        if given:
            out.append(Finding(file=file, line=line, measure_id=x["measure_id"],
                               pi_code=x["pi_code"], severity=NOTE,
                               finding=f"the council rates {when} {given}; the rule gives {rule}",
                               words="", data_says=says,
                               fix="nothing to do: the report prints the council's rating (if it "
                               "is a slip, correct published_rating in observations.csv)"))
        else:
            out.append(Finding(file=file, line=line, measure_id=x["measure_id"],
                               pi_code=x["pi_code"], severity=NOTE,
                               finding=f"no published rating for {when}: the rule's {rule} is "
                               "printed", words="", data_says=says,
                               fix="write the council's rating in observations.csv's "
                               "published_rating, or leave the rule's"))
    return out


def _where(obs: CheckedTable, year: str, measure_id: str, period: str) -> tuple[str, int | None]:
    """The observations.csv row of a figure (a quarter's, else the quarter's last month)."""
    o = obs.frame
    labels = [period]
    if " Q" in period:
        labels.append(f"{period[:7]} M{3 * int(period[-1]):02d}")
    for label in labels:
        hit = o.index[(o["report"] == year) & (o["measure_id"] == measure_id)
                      & (o["period"] == label)]
        if len(hit):
            return str(obs.path), obs.line(hit[0])
    return str(obs.path), None


__all__ = ["apply_overrides", "check", "decide", "notes", "own_threshold", "quarter_published"]
