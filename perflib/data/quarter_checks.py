"""The checks quarters and months need: a year against its parts, and year-to-date targets.

How a year follows from its quarters or months is :mod:`perflib.data.quarters`' (and its unit's,
:mod:`perflib.units`); here every report year's parts are checked against their year once the
register is read (:func:`check`, run by :func:`perflib.data.portfolio.read_portfolio`), and the
optional targets.csv against the register.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from perflib import units
from perflib.data import files, periods, specs
from perflib.data.quarters import _nan, aggregate, parsed
from perflib.data.schema import CheckedTable
from perflib.errors import Problem
from perflib.units import Style


def check(path: Path, years: list[str], measures: CheckedTable | None, observations: CheckedTable | None,
          overrides: CheckedTable | None, problems: list[Problem]) -> CheckedTable | None:
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


def _check_report_years(tables: list[tuple[CheckedTable | None, str]], problems: list[Problem]) -> None:
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


def _styles(measures: CheckedTable) -> dict[tuple[str, str], Style]:
    f = measures.frame
    return {(row["year"], row["measure_id"]): units.style(row) for _, row in f.iterrows()}


def _disagreement(year_row: pd.Series, parts: pd.DataFrame, s: Style) -> str | None:
    """How a year's figure disagrees with its complete quarters (months), or None if it agrees."""
    word = "quarters" if parts["p_kind"].iloc[0] == "quarter" else "months"
    d = s.decimals
    tol = 0.5 * 10 ** -d + 1e-9
    value, num, den = aggregate(parts, s)
    yv = float(year_row["value"])
    if _nan(value):
        return None  # the year cannot be said from its parts
    mark = s.mark
    if s.base and not _nan(num):
        if not _nan(year_row["numerator"]) and not _nan(year_row["denominator"]):
            if (int(year_row["numerator"]), int(year_row["denominator"])) != (int(num), int(den)):
                return (f"{int(year_row['numerator']):,} of {int(year_row['denominator']):,}, but "
                        f"its {word}' numerators and denominators add up to {int(num):,} of "
                        f"{int(den):,}")
            return None
        if abs(value - yv) > tol:
            return (f"{yv:g}{mark}, but its {word}' numerators and denominators give "
                    f"{value:.{d + 1}f}{mark} ({int(num):,} of {int(den):,})")
        return None
    if abs(value - yv) <= tol:
        return None
    if s.year_rule == "mean":
        return f"{yv:,g}{mark}, but its {word} average {value:,.{d + 1}f}{mark}"
    if s.year_rule == "last":
        running = " (a cumulative count)" if s.kind.running else ""
        return f"{yv:,g}, but its last {word[:-1]} stands at {value:,g}{running}"
    return f"{yv:,g}, but its {word} add up to {value:,g}"


def _check_sub_periods(obs: CheckedTable, measures: CheckedTable, problems: list[Problem]) -> None:
    """Quarters and months agree with their year, and cumulative counts only grow within one."""
    labels = pd.Series(obs.frame["period"].dropna().unique(), dtype=object)
    if not labels.str.contains(" ", regex=False).any():
        return  # whole years only: nothing to add up
    o = parsed(obs.frame)
    sub = o[o["p_kind"].isin(("quarter", "month"))]
    if sub.empty:
        return
    styles = _styles(measures)
    years = o[o["p_kind"] == "year"].set_index(["report", "measure_id", "period"])
    for (report, mid, year, kind), g in sub.groupby(["report", "measure_id", "p_year", "p_kind"]):
        if (report, mid) not in styles:
            continue  # an unknown measure is reported by the register checks
        s = styles[(report, mid)]
        g = g.sort_values("p_number")
        valued = g[g["value"].notna()]
        if s.kind.running:
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
            if s.grows and not year_row["discrepancy"]:
                _above_year(obs, valued, s, mid, year, float(year_row["value"]), problems)
            continue
        why = _disagreement(year_row, valued, s)
        if why and not year_row["discrepancy"]:
            line = obs.line(int(o.index[(o["report"] == report) & (o["measure_id"] == mid)
                                        & (o["period"] == year)][0]))
            problems.append(Problem(
                obs.path, line, "value",
                f"the {year} figure for {mid} (report {report}) is {why}",
                f"correct the year's figure or its {kind}s; if the published report printed them "
                "so, keep them and explain it in this row's discrepancy column"))


def _above_year(obs: CheckedTable, parts: pd.DataFrame, s: Style, mid: str, year: str, total: float,
                problems: list[Problem]) -> None:
    """The first quarter or month at which a count's year to date passes its year's figure.

    Parts that add up and are never negative cannot, singly or so far, pass the year's figure,
    whether or not the other parts are in yet.
    """
    running = s.kind.running
    so_far = parts["value"] if running else parts["value"].cumsum()
    over = so_far.index[so_far > total + 0.5 * 10 ** -s.decimals + 1e-9]
    if not len(over):
        return
    i = over[0]
    period, value = parts.at[i, "period"], float(parts.at[i, "value"])
    if running or i == parts.index[0]:
        what = f"its {period} figure ({value:,g})"
    else:
        what = f"its year to date at {period} ({float(so_far[i]):,g})"
    problems.append(Problem(
        obs.path, obs.line(i), "value",
        f"{what} is above the {year} figure for {mid} ({total:,g}), but a part of a year of a "
        f"{s.unit} cannot exceed the whole year",
        f"correct the {period} figure or the {year} figure; if the published report printed "
        "them so, explain it in the year's discrepancy column"))


def read_targets(path: Path, problems: list[Problem]) -> CheckedTable | None:
    """The optional targets.csv: year-to-date targets by quarter."""
    return files.get("targets.csv").read(path, problems)


def _check_targets(t: CheckedTable, measures: CheckedTable, problems: list[Problem]) -> None:
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
        style = units.style(m)
        if not _nan(row.target) and row.target < 0 and not style.negative_ok:
            problems.append(Problem(t.path, t.line(i), "target",
                                    f"{row.target:g} is below 0, but {row.measure_id} is a "
                                    f"{style.unit}", specs.negative_fix(m)))
        if capped.get((row.year, row.measure_id), False) and row.target > 100:
            problems.append(Problem(t.path, t.line(i), "target",
                                    f"{row.target:g} is above 100%, but {row.measure_id} is a "
                                    "percentage", specs.ABOVE_100_FIX))
        if m["target_type"] != "numerical":
            problems.append(Problem(t.path, t.line(i), "measure_id",
                                    f"{row.measure_id} has target_type {m['target_type']} in "
                                    f"{row.year}, so it has no numerical target to profile",
                                    "delete the row, or set target_type numerical in measures.csv"))
        elif (style.pro_rata and row.quarter == "Q4" and not _nan(m["target"])
              and not _nan(row.target) and abs(row.target - m["target"]) > 1e-9):
            problems.append(Problem(t.path, t.line(i), "target",
                                    f"the Q4 year-to-date target {row.target:,g} is not the annual "
                                    f"target {m['target']:,g} in measures.csv",
                                    "make the profile end at the annual target"))
    prof = f.dropna(subset=["target"]).sort_values(["year", "measure_id", "quarter"])
    for (year, mid), g in prof.groupby(["year", "measure_id"]):
        if (year, mid) not in reg.index:
            continue
        style = units.style(reg.loc[(year, mid)])
        if style.grows:
            for i in g.index[g["target"] < g["target"].shift(1) - 1e-9]:
                problems.append(Problem(t.path, t.line(i), "target",
                                        f"the {f.at[i, 'quarter']} year-to-date target for {mid} "
                                        "is lower than the quarter before's, but year-to-date "
                                        f"{style.unit}s only grow",
                                        "give the target for the year so far"))


__all__ = ["check", "read_targets"]
