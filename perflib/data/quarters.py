"""Quarterly and monthly figures: their checks, year-to-date figures, profiled targets and trends.

An observation's ``period`` may be a quarter (``2021/22 Q2``) or a month (``2021/22 M05``) of a
year (:mod:`perflib.data.periods`). How a year's figure follows from its quarters or months is
decided by the measure's unit:

* ``count`` and ``millions``: the quarters (months) add up to the year;
* ``percentage``: from the numerators and denominators where every quarter gives them (the
  year is the sum of numerators over the sum of denominators), else the mean of the quarters;
* ``cumulative count``: each quarter is the total so far this year, so it only grows within the
  year and the last quarter is the year's figure; a quarter's own figure is its increase.

A year figure that disagrees with its complete set of quarters is an error, unless the year's row
explains it in ``discrepancy`` (the annual report then prints a data-quality note).

Targets stay annual (measures.csv); the optional ``targets.csv`` gives a year-to-date profile:
the target for the year to the end of each quarter. Without one, a percentage's year-to-date target
is the annual target and a count's is the annual target pro rata (a quarter of it per quarter).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from perflib import rules
from perflib.data import files, periods, ratings, specs
from perflib.data.schema import Table
from perflib.errors import Problem

TARGETS = specs.TARGETS
#: Units whose quarters add up to the year (and whose targets are profiled pro rata).
ADDITIVE = ("count", "millions")
PRO_RATA = ("count", "millions", "cumulative count")
#: The kinds of figure a year-to-date figure takes from its parts, most cautious first.
_CAUTIOUS = ("forecast", "provisional", "latest available")


def _nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


# ----------------------------------------------------------------------------------- checks

def check(path: Path, years: list[str], measures: Table | None, observations: Table | None,
          overrides: Table | None, problems: list[Problem]) -> Table | None:
    """The checks quarters and months need; the portfolio's targets.csv, read once, if it has one.

    Run by :func:`perflib.data.portfolio.read_portfolio`.
    """
    _check_report_years([(measures, "year"), (observations, "report"), (overrides, "year")],
                        problems)
    targets = read_targets(path, problems)
    if measures is None:
        return targets
    if observations is not None:
        _check_sub_periods(observations, measures, problems)
    if targets is not None:
        _check_targets(targets, measures, problems)
    return targets


def _check_report_years(tables: list[tuple[Table | None, str]], problems: list[Problem]) -> None:
    """Report years stay whole years: only an observation's period may be a quarter or month."""
    for t, col in tables:
        if t is None:
            continue
        column = t.frame[col]
        # a million rows hold a handful of distinct years: judge each once
        verdict = {v: periods.year_problem(v) for v in column.dropna().unique() if isinstance(v, str)}
        wrong = {v: bad for v, bad in verdict.items() if bad}
        if not wrong:
            continue
        for i, value in column[column.isin(list(wrong))].items():
            problems.append(Problem(t.path, t.line(i), col, wrong[value],
                                    f"write the whole report year ({value[:7]}); only an "
                                    "observation's period may be a quarter or a month"))


def _units(measures: Table) -> dict[tuple[str, str], tuple[str, int]]:
    f = measures.frame
    return {(y, m): (u, 0 if _nan(d) else int(d))
            for y, m, u, d in zip(f["year"], f["measure_id"], f["unit"], f["decimals"], strict=True)}


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
        out[column] = labels.map(lookup)
        if empty is not None:
            out[column] = out[column].fillna(empty)
    return out


def aggregate(rows: pd.DataFrame, unit: str) -> tuple[float, float, float]:
    """(value, numerator, denominator) of a run of consecutive quarters or months, by unit."""
    rows = rows.sort_values("p_number")
    if rows.empty or rows["value"].isna().any():
        return math.nan, math.nan, math.nan
    if unit == "cumulative count":
        return float(rows["value"].iloc[-1]), math.nan, math.nan
    if unit == "percentage":
        if rows["numerator"].notna().all() and rows["denominator"].notna().all():
            num, den = float(rows["numerator"].sum()), float(rows["denominator"].sum())
            return (100.0 * num / den if den else math.nan), num, den
        return float(rows["value"].mean()), math.nan, math.nan
    return float(rows["value"].sum()), math.nan, math.nan


def _disagreement(year_row: pd.Series, parts: pd.DataFrame, unit: str, d: int) -> str | None:
    """How a year's figure disagrees with its complete quarters (months), or None if it agrees."""
    word = "quarters" if parts["p_kind"].iloc[0] == "quarter" else "months"
    tol = 0.5 * 10 ** -d + 1e-9
    value, num, den = aggregate(parts, unit)
    yv = float(year_row["value"])
    if unit == "percentage" and not _nan(num):
        if not _nan(year_row["numerator"]) and not _nan(year_row["denominator"]):
            if (int(year_row["numerator"]), int(year_row["denominator"])) != (int(num), int(den)):
                return (f"{int(year_row['numerator']):,} of {int(year_row['denominator']):,}, but "
                        f"its {word}' numerators and denominators add up to {int(num):,} of "
                        f"{int(den):,}")
            return None
        if abs(value - yv) > tol:
            return (f"{yv:g}%, but its {word}' numerators and denominators give "
                    f"{value:.{d + 1}f}% ({int(num):,} of {int(den):,})")
        return None
    if abs(value - yv) <= tol:
        return None
    if unit == "percentage":
        return f"{yv:g}%, but its {word} average {value:.{d + 1}f}%"
    if unit == "cumulative count":
        return f"{yv:,g}, but its last {word[:-1]} stands at {value:,g} (a cumulative count)"
    return f"{yv:,g}, but its {word} add up to {value:,g}"


def _check_sub_periods(obs: Table, measures: Table, problems: list[Problem]) -> None:
    """Quarters and months agree with their year, and cumulative counts only grow within one."""
    labels = pd.Series(obs.frame["period"].dropna().unique(), dtype=object)
    if not labels.str.contains(" ", regex=False).any():
        return  # whole years only: nothing to add up
    o = parsed(obs.frame)
    sub = o[o["p_kind"].isin(("quarter", "month"))]
    if sub.empty:
        return
    units = _units(measures)
    years = o[o["p_kind"] == "year"].set_index(["report", "measure_id", "period"])
    for (report, mid, year, kind), g in sub.groupby(["report", "measure_id", "p_year", "p_kind"]):
        if (report, mid) not in units:
            continue  # an unknown measure is reported by the register checks
        unit, d = units[(report, mid)]
        g = g.sort_values("p_number")
        valued = g[g["value"].notna()]
        if unit == "cumulative count":
            before = valued["value"].shift(1)
            for i in valued.index[valued["value"] < before - 1e-9]:
                was = valued.loc[valued.index[valued.index.get_loc(i) - 1]]
                problems.append(Problem(
                    obs.path, obs.line(i), "value",
                    f"{mid} is a cumulative count, but its {o.at[i, 'period']} figure "
                    f"({o.at[i, 'value']:,g}) is less than {was['period']}'s ({was['value']:,g}); "
                    "a cumulative count only grows within a year",
                    "correct the figure; if the measure is not a running total, set its unit to "
                    "count in measures.csv"))
        n = periods.PER_YEAR[kind]
        key = (report, mid, year)
        if key not in years.index or _nan(years.at[key, "value"]):
            continue
        year_row = years.loc[key]
        if sorted(valued["p_number"]) != list(range(1, n + 1)):
            # a year in progress: nothing to add up yet, but no part of a count exceeds its year
            if unit in (*ADDITIVE, "cumulative count") and not year_row["discrepancy"]:
                _above_year(obs, valued, unit, mid, year, float(year_row["value"]), d, problems)
            continue
        why = _disagreement(year_row, valued, unit, d)
        if why and not year_row["discrepancy"]:
            line = obs.line(int(o.index[(o["report"] == report) & (o["measure_id"] == mid)
                                        & (o["period"] == year)][0]))
            problems.append(Problem(
                obs.path, line, "value",
                f"the {year} figure for {mid} (report {report}) is {why}",
                f"correct the year's figure or its {kind}s; if the published report printed them "
                "so, keep them and explain it in this row's discrepancy column"))


def _above_year(obs: Table, parts: pd.DataFrame, unit: str, mid: str, year: str, total: float,
                d: int, problems: list[Problem]) -> None:
    """The first quarter or month at which a count's year to date passes its year's figure.

    Counts are never negative, so a single part, or the parts so far, above the year's figure
    cannot be right whether or not the other parts are in yet.
    """
    so_far = parts["value"] if unit == "cumulative count" else parts["value"].cumsum()
    over = so_far.index[so_far > total + 0.5 * 10 ** -d + 1e-9]
    if not len(over):
        return
    i = over[0]
    period, value = parts.at[i, "period"], float(parts.at[i, "value"])
    if unit == "cumulative count" or i == parts.index[0]:
        what = f"its {period} figure ({value:,g})"
    else:
        what = f"its year to date at {period} ({float(so_far[i]):,g})"
    problems.append(Problem(
        obs.path, obs.line(i), "value",
        f"{what} is above the {year} figure for {mid} ({total:,g}), but a part of a year of a "
        f"{unit} cannot exceed the whole year",
        f"correct the {period} figure or the {year} figure; if the published report printed "
        "them so, explain it in the year's discrepancy column"))


def read_targets(path: Path, problems: list[Problem]) -> Table | None:
    """The optional targets.csv: year-to-date targets by quarter."""
    return files.get("targets.csv").read(path, problems)


def _check_targets(t: Table, measures: Table, problems: list[Problem]) -> None:
    reg = measures.frame.set_index(["year", "measure_id"])
    capped = specs.capped(reg)
    f = t.frame
    for i, row in f.iterrows():
        if row.year is None or row.measure_id is None:
            continue
        bad = periods.year_problem(row.year)
        if bad:
            problems.append(Problem(t.path, t.line(i), "year", bad,
                                    "write the report year, e.g. 2021/22"))
            continue
        if (row.year, row.measure_id) not in reg.index:
            problems.append(Problem(t.path, t.line(i), "measure_id",
                                    f"unknown measure '{row.measure_id}' for {row.year}",
                                    f"add it to measures.csv for {row.year} or correct the id"))
            continue
        m = reg.loc[(row.year, row.measure_id)]
        if capped.get((row.year, row.measure_id), False) and row.target > 100:
            problems.append(Problem(t.path, t.line(i), "target",
                                    f"{row.target:g} is above 100%, but {row.measure_id} is a "
                                    "percentage", specs.ABOVE_100_FIX))
        if m["target_type"] != "numerical":
            problems.append(Problem(t.path, t.line(i), "measure_id",
                                    f"{row.measure_id} has target_type {m['target_type']} in "
                                    f"{row.year}, so it has no numerical target to profile",
                                    "delete the row, or set target_type numerical in measures.csv"))
        elif (m["unit"] in PRO_RATA and row.quarter == "Q4" and not _nan(m["target"])
              and not _nan(row.target) and abs(row.target - m["target"]) > 1e-9):
            problems.append(Problem(t.path, t.line(i), "target",
                                    f"the Q4 year-to-date target {row.target:,g} is not the annual "
                                    f"target {m['target']:,g} in measures.csv",
                                    "make the profile end at the annual target"))
    prof = f.dropna(subset=["target"]).sort_values(["year", "measure_id", "quarter"])
    for (year, mid), g in prof.groupby(["year", "measure_id"]):
        unit = reg["unit"].get((year, mid))
        if unit in PRO_RATA:
            for i in g.index[g["target"] < g["target"].shift(1) - 1e-9]:
                problems.append(Problem(t.path, t.line(i), "target",
                                        f"the {f.at[i, 'quarter']} year-to-date target for {mid} "
                                        "is lower than the quarter before's, but year-to-date "
                                        f"{unit}s only grow", "give the target for the year so far"))


# ------------------------------------------------------------------------------ computation

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


def year_to_date(rows: pd.DataFrame, unit: str, year: str, quarter: int) -> dict[str, Any]:
    """The year-to-date figure at the end of ``quarter``: value, numerator, denominator, kind."""
    parts = _parts(rows, year, 1, quarter)
    value, num, den = aggregate(parts, unit) if parts is not None else (math.nan,) * 3
    return {"value": value, "numerator": num, "denominator": den, "figure_kind": figure_kind(parts)}


def own(rows: pd.DataFrame, unit: str, year: str, quarter: int) -> float:
    """A quarter's own figure (a cumulative count's increase over the quarter before)."""
    if quarter < 1:
        return own(rows, unit, periods.previous_year(year), 4)
    parts = _parts(rows, year, quarter, quarter)
    if parts is None:
        return math.nan
    if unit == "cumulative count":
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
    return target * quarter / 4 if m["unit"] in PRO_RATA else target


def period_target(m: pd.Series, targets: pd.DataFrame | None, kind: str, quarter: int) -> float:
    """The target for one period's own figure (a quarter's or a month's), for an SPC chart."""
    if m["unit"] not in PRO_RATA:
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
        ytd = year_to_date(rows, x["unit"], year, quarter)
        for k in ("value", "numerator", "denominator", "figure_kind"):
            out[k].append(ytd[k])
        out["ytd_target"].append(ytd_target(x, targets, quarter))
        out["quarter_value"].append(own(rows, x["unit"], year, quarter))
        prev_year, prev_q = (year, quarter - 1) if quarter > 1 else (last, 4)
        out["previous_value"].append(own(rows, x["unit"], prev_year, prev_q))
        out["last_year_value"].append(own(rows, x["unit"], last, quarter))
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


def spc_series(rows: pd.DataFrame, unit: str) -> pd.Series:
    """A measure's own figure per period at its finest kind, the unbroken run ending at the last.

    Months where it has months, else quarters, else years; a cumulative count's increases.
    SPC needs an unbroken series, so a gap ends the history the chart uses.
    """
    kind = kind_of(rows)
    mine = rows[rows["p_kind"] == kind].sort_values("p_ordinal")
    values = mine.set_index("period")["value"].astype(float)
    if unit == "cumulative count" and kind != "year":
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


__all__ = ["TARGETS", "aggregate", "check", "figures", "has_data", "own", "parsed",
           "quarter_measures", "read_targets", "spc_series", "through", "year_to_date",
           "ytd_target"]
