"""Quarterly and monthly figures: years from their parts, year-to-date figures and targets, trends.

An observation's ``period`` may be a quarter (``2021/22 Q2``) or a month (``2021/22 M05``) of a
year (:mod:`perflib.data.periods`). How a year's figure follows from its quarters or months is
the measure's unit's to say, or its ``year_from_parts`` (:mod:`perflib.units` has the table):

* ``sum`` (counts, millions, money): the quarters (months) add up to the year;
* ``mean`` (percentages, rates): from the numerators and denominators where every quarter gives
  them (the sum of numerators over the sum of denominators, times 100 or the rate's ``per``),
  else the mean of the quarters;
* ``last``: the last quarter is the year's figure; a ``cumulative count``'s every quarter is the
  total so far this year, so it only grows within the year and a quarter's own figure is its
  increase;
* ``none`` (a ``number`` unless it says): the year cannot be said from its parts.

A year figure that disagrees with its complete set of quarters is an error, unless the year's row
explains it in ``discrepancy`` (the annual report then prints a data-quality note): the checks
are :mod:`perflib.data.quarter_checks`'.

Targets stay annual (measures.csv); the optional ``targets.csv`` gives a year-to-date profile:
the target for the year to the end of each quarter. Without one, the year-to-date target of a
measure whose quarters add up is the annual target pro rata (a quarter of it per quarter), and
any other's is the annual target.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from perflib import rules, units
from perflib.data import periods, ratings, specs
from perflib.units import Style, UnitName

TARGETS = specs.TARGETS
#: The kinds of figure a year-to-date figure takes from its parts, most cautious first.
_CAUTIOUS = ("forecast", "provisional", "latest available")


def _nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def parsed(frame: pd.DataFrame) -> pd.DataFrame:
    """Observations with their period parsed: ``p_year``, ``p_kind``, ``p_number``, ``p_quarter``."""
    # parse each distinct label once (a large file repeats a few hundred of them)
    labels = frame["period"]
    table = {v: periods.parse(v) for v in labels.dropna().unique() if isinstance(v, str)}
    fields = {"p_year": ("year", None), "p_kind": ("kind", None), "p_number": ("number", 0),
              "p_quarter": ("quarter", 0), "p_ordinal": ("ordinal", 0)}
    out = frame.copy()
    for column, (attr, empty) in fields.items():
        lookup = {v: (getattr(p, attr) if p else empty) for v, p in table.items()}
        mapped = labels.map(lookup)
        if mapped.empty:  # no rows (no measure asked for): each column keeps its kind, so a
            mapped = mapped.astype(object if empty is None else "int64")  # year compares
        out[column] = mapped if empty is None else mapped.fillna(empty)
    return out


def aggregate(rows: pd.DataFrame, unit: Style | UnitName) -> tuple[float, float, float]:
    """(value, numerator, denominator) of a run of consecutive quarters or months, by its style.

    A year that cannot be said from its parts (``none``) is NaN, though one part is its own.
    """
    s = units.as_style(unit)
    rows = rows.sort_values("p_number")
    if rows.empty or rows["value"].isna().any():
        return math.nan, math.nan, math.nan
    fraction = rows["numerator"].notna().all() and rows["denominator"].notna().all()
    if s.year_rule == "last" or (s.year_rule == "none" and len(rows) == 1):
        last = rows.iloc[-1]
        return (float(last["value"]), *((float(last["numerator"]), float(last["denominator"]))
                                        if fraction and s.base else (math.nan, math.nan)))
    if s.year_rule == "none":
        return math.nan, math.nan, math.nan
    if s.year_rule == "mean":
        if s.base and fraction:
            num, den = float(rows["numerator"].sum()), float(rows["denominator"].sum())
            return (s.base * num / den if den else math.nan), num, den
        return float(rows["value"].mean()), math.nan, math.nan
    return float(rows["value"].sum()), math.nan, math.nan


def figures(portfolio: Any, year: str, ids: list[str] | None = None) -> pd.DataFrame:
    """Every figure up to report ``year``, each period's from the latest report that published it.

    Quarters, months and years alike, with their periods parsed (:func:`parsed`).
    """
    o = portfolio.observations.frame
    o = o[o["report"] <= year]
    if ids is not None:
        o = o[o["measure_id"].isin(ids)]
    o = o.sort_values(["measure_id", "period", "report"])
    o = o.groupby(["measure_id", "period"], sort=True).tail(1).reset_index(drop=True)
    return parsed(o)


def through(fig: pd.DataFrame, year: str, quarter: int) -> pd.DataFrame:
    """Figures for periods up to the end of ``quarter`` of ``year`` (whole years only before it)."""
    earlier = fig["p_year"] < year
    this = (fig["p_year"] == year) & (fig["p_kind"] != "year") & (fig["p_quarter"] <= quarter)
    if quarter == 4:
        this |= (fig["p_year"] == year)
    return fig[earlier | this]


def kind_of(rows: pd.DataFrame) -> str:
    """The finest sub-year kind a measure's figures have ('month', 'quarter'), or 'year'."""
    kinds = set(rows["p_kind"].dropna())
    return "month" if "month" in kinds else "quarter" if "quarter" in kinds else "year"


def _parts(rows: pd.DataFrame, year: str, first: int, last: int) -> pd.DataFrame | None:
    """The quarters (or months) of ``year`` from quarter ``first`` to ``last``, if all are there."""
    kind = kind_of(rows)
    if kind == "year":
        return None
    mine = rows[(rows["p_year"] == year) & (rows["p_kind"] == kind)]
    want = (list(range(first, last + 1)) if kind == "quarter"
            else [m for q in range(first, last + 1) for m in periods.months(q)])
    mine = mine[mine["p_number"].isin(want)]
    if sorted(mine.loc[mine["value"].notna(), "p_number"]) != want:
        return None
    return mine


def figure_kind(parts: pd.DataFrame | None) -> str:
    """The kind of a figure made of parts: the most cautious of theirs."""
    if parts is None:
        return "not available"
    kinds = set(parts["figure_kind"].dropna())
    return next((k for k in _CAUTIOUS if k in kinds), "actual")


def year_to_date(rows: pd.DataFrame, unit: Style | UnitName, year: str, quarter: int
                 ) -> dict[str, Any]:
    """The year-to-date figure at the end of ``quarter``: value, numerator, denominator, kind."""
    parts = _parts(rows, year, 1, quarter)
    value, num, den = aggregate(parts, unit) if parts is not None else (math.nan,) * 3
    return {"value": value, "numerator": num, "denominator": den, "figure_kind": figure_kind(parts)}


def own(rows: pd.DataFrame, unit: Style | UnitName, year: str, quarter: int) -> float:
    """A quarter's own figure (a cumulative count's increase over the quarter before)."""
    if quarter < 1:
        return own(rows, unit, periods.previous_year(year), 4)
    parts = _parts(rows, year, quarter, quarter)
    if parts is None:
        return math.nan
    if units.as_style(unit).kind.running:
        end = aggregate(parts, unit)[0]
        if quarter == 1:
            return end
        before = _parts(rows, year, quarter - 1, quarter - 1)
        return end - aggregate(before, unit)[0] if before is not None else math.nan
    return aggregate(parts, unit)[0]


def ytd_target(m: pd.Series, targets: pd.DataFrame | None, quarter: int) -> float:
    """The year-to-date target at the end of ``quarter``: the profile's, else by unit."""
    if m["target_type"] != "numerical":
        return math.nan
    if targets is not None and not targets.empty:
        hit = targets[(targets["year"] == m["year"]) & (targets["measure_id"] == m["measure_id"])
                      & (targets["quarter"] == f"Q{quarter}")]
        if len(hit):
            return float(hit["target"].iloc[0])
    target = float(m["target"]) if not _nan(m["target"]) else math.nan
    return target * quarter / 4 if units.style(m).pro_rata else target


def period_target(m: pd.Series, targets: pd.DataFrame | None, kind: str, quarter: int) -> float:
    """The target for one period's own figure (a quarter's or a month's), for an SPC chart."""
    if not units.style(m).pro_rata:
        return ytd_target(m, targets, quarter)
    if kind == "year":
        return ytd_target(m, targets, 4)
    share = ytd_target(m, targets, quarter) - (ytd_target(m, targets, quarter - 1)
                                               if quarter > 1 else 0.0)
    return share / 3 if kind == "month" else share


def quarter_measures(portfolio: Any, register: pd.DataFrame, year: str, quarter: int,
                     rule: dict, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per measure for a quarter: year to date against the profiled target, and trends.

    ``trend_quarter`` compares the quarter's own figure with the quarter before's (Q1 with the
    previous year's Q4); ``trend_year`` with the same quarter last year; both by
    :func:`perflib.rules.trend` with the year's stable threshold.
    """
    fig = through(figures(portfolio, year, list(register["measure_id"])), year, quarter)
    m = register.reset_index(drop=True).copy()
    out: dict[str, list] = {k: [] for k in (
        "value", "numerator", "denominator", "figure_kind", "ytd_target", "quarter_value",
        "previous_value", "last_year_value", "has_quarters")}
    last = periods.previous_year(year)
    for _, x in m.iterrows():
        rows = fig[fig["measure_id"] == x["measure_id"]]
        s = units.style(x)
        ytd = year_to_date(rows, s, year, quarter)
        for k in ("value", "numerator", "denominator", "figure_kind"):
            out[k].append(ytd[k])
        out["ytd_target"].append(ytd_target(x, targets, quarter))
        out["quarter_value"].append(own(rows, s, year, quarter))
        prev_year, prev_q = (year, quarter - 1) if quarter > 1 else (last, 4)
        out["previous_value"].append(own(rows, s, prev_year, prev_q))
        out["last_year_value"].append(own(rows, s, last, quarter))
        out["has_quarters"].append(kind_of(rows) != "year")
    for k, v in out.items():
        m[k] = v
    m["annual_target"] = m["target"]
    m["target"] = m["ytd_target"]
    m["quarter"] = periods.quarter_label(year, quarter)
    m["previous_quarter"] = (periods.quarter_label(year, quarter - 1) if quarter > 1
                             else periods.quarter_label(last, 4))
    m["last_year_quarter"] = periods.quarter_label(last, quarter)
    m["rule_rating"] = rules.rate(m, rule["amber_tolerance"])  # what is printed: ratings.decide
    ratings.decide(m, portfolio.options, ratings.quarter_published(fig, year, quarter, m["measure_id"]))
    m["trend_quarter"] = rules.trend(m["quarter_value"], m["previous_value"], m["polarity"],
                                     rule["stable_threshold"])
    m["trend_year"] = rules.trend(m["quarter_value"], m["last_year_value"], m["polarity"],
                                  rule["stable_threshold"])
    return m


def has_data(portfolio: Any, year: str, quarter: int) -> bool:
    """Whether any measure has a figure for ``quarter`` of ``year`` (or its months)."""
    fig = figures(portfolio, year)
    this = fig[(fig["p_year"] == year) & fig["p_kind"].isin(("quarter", "month"))
               & (fig["p_quarter"] == quarter) & fig["value"].notna()]
    return not this.empty


def spc_series(rows: pd.DataFrame, unit: Style | UnitName) -> pd.Series:
    """A measure's own figure per period at its finest kind, the unbroken run ending at the last.

    Months where it has months, else quarters, else years; a cumulative count's increases.
    SPC needs an unbroken series, so a gap ends the history the chart uses.
    """
    kind = kind_of(rows)
    mine = rows[rows["p_kind"] == kind].sort_values("p_ordinal")
    values = mine.set_index("period")["value"].astype(float)
    if units.as_style(unit).kind.running and kind != "year":
        same_year = mine["p_year"].eq(mine["p_year"].shift(1)).to_numpy()
        values = values - np.where(same_year, values.shift(1), 0.0)
    ordinal = mine.set_index("period")["p_ordinal"]
    values = values.dropna()
    if values.empty:
        return values
    ordinal = ordinal.loc[values.index]
    breaks = np.flatnonzero(np.diff(ordinal.to_numpy()) != 1)
    start = breaks[-1] + 1 if len(breaks) else 0
    return values.iloc[start:]


__all__ = ["TARGETS", "aggregate", "figures", "has_data", "own", "parsed", "period_target",
           "quarter_measures", "spc_series", "through", "year_to_date", "ytd_target"]
