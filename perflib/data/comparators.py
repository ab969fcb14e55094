"""Comparator figures: national averages and the council's nearest neighbours, read and checked.

A portfolio's ``comparators/`` folder (see data/README.md) holds three files:

- ``values.csv``: one figure per area, metric and period, with its source;
- ``neighbours.csv``: the council itself and the areas it compares itself with (e.g. CIPFA's
  nearest neighbours), as the analyst supplies them;
- ``metrics.csv``: which measure is compared on which metric, and which area is its national
  comparator.

Every check runs over whole columns (a 1,000,000-row values file is read and checked in a few
seconds); the rows a check picks are then worded one by one as every other file's problems are.
A comparator never changes a rating: it is printed beside it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from perflib.data import files, specs
from perflib.data.schema import CheckedTable, raise_if
from perflib.data.specs import ABOVE_100_FIX
from perflib.errors import Problem

#: ONS GSS codes: a letter (E England, W Wales, S Scotland, N Northern Ireland, K a union of
#: countries such as England and Wales) and eight digits, e.g. E08000007 Stockport.
AREA_CODE_RE = re.compile(r"^[EWSNK]\d{8}$")
ROLES = specs.AREA_ROLES
FOLDER = "comparators"
FILES = ("values.csv", "neighbours.csv", "metrics.csv")

@dataclass
class Comparators:
    """A portfolio's comparator files, checked."""

    values: CheckedTable
    neighbours: CheckedTable
    metrics: CheckedTable

    @property
    def files(self) -> list[Path]:
        """The files read, for the build log and incremental builds."""
        return [self.values.path, self.neighbours.path, self.metrics.path]

    @property
    def council(self) -> str | None:
        """The council's own area code (the neighbours file's council row)."""
        n = self.neighbours.frame
        codes = n.loc[n["role"] == "council", "area_code"]
        return codes.iloc[0] if len(codes) else None


def folder(portfolio_path: Path) -> Path:
    """Where a portfolio keeps its comparator files."""
    return Path(portfolio_path) / FOLDER


def read_comparators(portfolio_path: Path, measure_ids: set[str] | None,
                     problems: list[Problem], capped: set[str] | None = None,
                     negative: set[str] | None = None) -> Comparators | None:
    """Read and check a portfolio's comparators folder; ``None`` when it has none.

    ``measure_ids`` are the register's ids (``None`` skips that check); ``capped`` those whose
    figures are percentages within 0 to 100, so that a metric compared with one is kept there too;
    ``negative`` those whose figures may go below zero, so that a metric compared with one may.
    Once the folder is there, each of its three files must be.
    """
    if not folder(portfolio_path).is_dir():
        return None
    values, neighbours, metrics = (files.get(f"{FOLDER}/{name}").read(portfolio_path, problems,
                                                                       required=True)
                                   for name in FILES)
    if values is not None:
        check_values(values, problems)
    if neighbours is not None:
        check_neighbours(neighbours, problems)
    if metrics is not None:
        check_metrics(metrics, values, measure_ids, problems)
    if values is not None:
        check_signs(values, metrics, negative or set(), problems)
    if metrics is not None and values is not None and capped:
        check_percentages(values, metrics, capped, problems)
    if values is None or neighbours is None or metrics is None:
        return None
    return Comparators(values, neighbours, metrics)


def load_comparators(portfolio_path: Path, measure_ids: set[str] | None = None
                     ) -> Comparators | None:
    """:func:`read_comparators` for a portfolio folder, raising :class:`DataError` on problems."""
    problems: list[Problem] = []
    c = read_comparators(portfolio_path, measure_ids, problems)
    raise_if(problems)
    return c


def _emit(t: CheckedTable, mask: Any, column: str, message: Any, fix: str,
          problems: list[Problem]) -> None:
    """A problem for each row ``mask`` picks; ``message`` is text or a function of the row."""
    pick = np.asarray(mask, dtype=bool)
    if not pick.any():
        return
    lines = np.asarray(t.lines)[pick].tolist()
    for line, row in zip(lines, t.frame[pick].itertuples(), strict=True):
        problems.append(Problem(t.path, line, column,
                                message(row) if callable(message) else message, fix))


def _bad_codes(t: CheckedTable, column: str, problems: list[Problem]) -> None:
    codes = t.frame[column]
    given = codes.notna()
    shape = re.compile(AREA_CODE_RE.pattern.strip("^$"))
    good = [c for c in pd.unique(codes[given]) if shape.fullmatch(c)]  # a few hundred, not a row each
    _emit(t, given & ~codes.isin(good),
          column, lambda r: f"'{getattr(r, column)}' is not an ONS area code",
          "write the nine-character GSS code, e.g. E08000007 for Stockport or E92000001 for "
          "England", problems)


def check_values(t: CheckedTable, problems: list[Problem]) -> None:
    """Area codes well formed, and each code named one way throughout the file."""
    _bad_codes(t, "area_code", problems)
    f = t.frame
    named = f[f["area_code"].notna() & f["area_name"].notna()]
    first = named.groupby("area_code", sort=False)["area_name"].transform("first")
    clash = (named["area_name"] != first).reindex(f.index, fill_value=False)
    _emit(t, clash, "area_name",
          lambda r: f"'{r.area_name}' differs from '{first[r.Index]}', the name given to "
                    f"{r.area_code} earlier in the file",
          "name each area code the same way on every row", problems)


def check_neighbours(t: CheckedTable, problems: list[Problem]) -> None:
    """Area codes well formed and exactly one council row."""
    _bad_codes(t, "area_code", problems)
    council = t.frame["role"] == "council"
    if council.sum() == 0 and len(t.frame):
        problems.append(Problem(t.path, None, "role", "no row has role council",
                                "add the council's own row with role council", ))
    _emit(t, council & council.cumsum().gt(1), "role", "is a second council row",
          "keep one row with role council (the council itself); mark the others neighbour",
          problems)


def check_metrics(t: CheckedTable, values: CheckedTable | None, measure_ids: set[str] | None,
                  problems: list[Problem]) -> None:
    """Each mapped measure exists, its national code is well formed and has figures."""
    f = t.frame
    _bad_codes(t, "national_code", problems)
    # both or neither: a national figure is printed by its label (a metric compared with its
    # neighbours alone leaves both empty)
    _emit(t, f["national_code"].notna() & f["national_label"].isna(), "national_label",
          "is empty, but national_code names the national area",
          "write how the report names the national figure, e.g. England average", problems)
    _emit(t, f["national_label"].notna() & f["national_code"].isna(), "national_code",
          "is empty, but national_label names a national figure",
          "write the national area's GSS code, e.g. E92000001 for England, or leave both empty "
          "to compare with the neighbours alone", problems)
    if measure_ids is not None:
        _emit(t, f["measure_id"].notna() & ~f["measure_id"].isin(measure_ids), "measure_id",
              lambda r: f"'{r.measure_id}' is not a measure_id in measures.csv",
              "use a measure_id as measures.csv writes it", problems)
    if values is not None:
        v = values.frame
        held = pd.MultiIndex.from_arrays([v["metric"], v["area_code"]])
        given = f["metric"].notna() & f["national_code"].notna()
        wanted = pd.MultiIndex.from_arrays([f["metric"], f["national_code"]])
        _emit(t, given & ~wanted.isin(held), "national_code",
              lambda r: f"values.csv has no {r.metric} figure for {r.national_code}",
              "add the national figures to values.csv, or correct the code or metric", problems)


def check_signs(values: CheckedTable, metrics: CheckedTable | None, negative: set[str],
                problems: list[Problem]) -> None:
    """No figure below zero, but of a metric compared with a measure that may go below zero."""
    m = metrics.frame if metrics is not None else None
    signed = set() if m is None else set(m.loc[m["measure_id"].isin(negative), "metric"])
    v = values.frame
    _emit(values, v["value"].lt(0) & ~v["metric"].isin(list(signed)), "value",
          lambda r: f"{r.value:g} is below 0", specs.negative_fix(None), problems)


def check_percentages(values: CheckedTable, metrics: CheckedTable, capped: set[str],
                      problems: list[Problem]) -> None:
    """A metric compared with a percentage measure is a percentage: none of its values above 100."""
    m = metrics.frame
    pct = m[m["measure_id"].isin(capped) & m["metric"].notna()]
    measure_of = dict(zip(pct["metric"], pct["measure_id"], strict=True))
    v = values.frame
    _emit(values, v["metric"].isin(list(measure_of)) & (v["value"] > 100), "value",
          lambda r: (f"{r.value:g} is above 100%, but {r.metric} is compared with "
                     f"{measure_of[r.metric]}, a percentage"),
          ABOVE_100_FIX, problems)


# --- comparisons ----------------------------------------------------------------------------


def rank_among(values: pd.Series, area: str, polarity: str) -> tuple[int, int, int] | None:
    """The ``area``'s rank, the number ranked and its quartile among ``values``.

    Rank 1 is best and ties share the better rank; quartile 1 is the best quarter. ``values`` is
    indexed by area code; areas without a figure are left out.

    ``None`` when the area has no figure, when no other area has one, or when a higher value is
    neither better nor worse (polarity Not applicable).

    >>> rank_among(pd.Series({"A": 80.0, "B": 70.0, "C": 80.0, "D": 60.0}), "C", "High")
    (1, 4, 1)
    >>> rank_among(pd.Series({"A": 80.0, "B": 70.0, "C": 80.0, "D": 60.0}), "B", "Low")
    (2, 4, 2)
    """
    if polarity not in ("High", "Low"):
        return None
    v = values.dropna()
    if area not in v.index or len(v) < 2:
        return None
    ranks = v.rank(ascending=polarity == "Low", method="min")
    rank, n = int(ranks[area]), len(v)
    return rank, n, math.ceil(4 * rank / n)


def ordinal(n: int) -> str:
    """1 -> '1st', 12 -> '12th', 22 -> '22nd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


COLUMNS = ["measure_id", "metric", "comparator_value", "comparator_label", "comparator_source",
           "comparator_period", "rank", "ranked", "quartile", "tied", "neighbours",
           "neighbours_with_data", "neighbours_source"]


def comparisons(c: Comparators | None, measures: pd.DataFrame, year: str) -> pd.DataFrame:
    """One row per measure of ``measures`` (a report year's rated register) that has a comparator.

    The national figure is the one for the report year, or the latest before it (its label says
    which year); empty when metrics.csv names no national area. Rank and quartile are among the
    council and those of its neighbours with a figure for the same metric and period as the
    council's; empty when no neighbour has one. A measure with neither has no row.
    """
    if c is None or measures.empty:
        return pd.DataFrame(columns=COLUMNS)
    v = c.values.frame
    v = v[v["period"] <= year]
    mapping = c.metrics.frame.dropna(subset=["measure_id", "metric"]).set_index("measure_id")
    nb = c.neighbours.frame
    neighbour_codes = list(nb.loc[nb["role"] == "neighbour", "area_code"])
    rows = []
    for m in measures[measures["measure_id"].isin(mapping.index)].itertuples():
        spec = mapping.loc[m.measure_id]
        metric = v[v["metric"] == spec.metric]
        row: dict[str, Any] = dict.fromkeys(COLUMNS)
        row.update({"measure_id": m.measure_id, "metric": spec.metric, "tied": False,
                    "neighbours": len(neighbour_codes), "neighbours_with_data": 0})
        national = metric[metric["area_code"] == spec.national_code].sort_values("period")
        if not pd.isna(spec.national_code) and not national.empty:
            nat = national.iloc[-1]
            row.update({"comparator_value": nat["value"],
                        "comparator_label": f"{spec.national_label} {nat['period']}",
                        "comparator_source": nat["source"], "comparator_period": nat["period"]})
        _rank(row, metric[(metric["period"] == year) & metric["area_code"].isin(neighbour_codes)],
              c.council, m)
        if row["comparator_value"] is not None or row["rank"] is not None:
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _rank(row: dict[str, Any], same: pd.DataFrame, council: str | None, m: Any) -> None:
    """The council's rank among the neighbours' figures ``same`` (the report year's), into ``row``."""
    if not council or same.empty or pd.isna(m.value):
        return
    figures = pd.concat([same.set_index("area_code")["value"],
                         pd.Series({council: float(m.value)})])
    figures = figures[~figures.index.duplicated(keep="last")]
    ranked = rank_among(figures, council, m.polarity)
    row["neighbours_with_data"] = int(same["value"].notna().sum())
    row["neighbours_source"] = "; ".join(dict.fromkeys(same["source"].dropna()))
    if ranked:
        row["rank"], row["ranked"], row["quartile"] = ranked
        row["tied"] = bool((figures == figures[council]).sum() > 1)


def neighbour_figures(c: Comparators, metric: str, year: str, council_value: float
                      ) -> pd.DataFrame:
    """The council's and its neighbours' figures for one metric and year, best first by value."""
    nb = c.neighbours.frame
    v = c.values.frame
    v = v[(v["metric"] == metric) & (v["period"] == year)].set_index("area_code")["value"]
    out = nb[["area_code", "area_name", "role"]].copy()
    out["value"] = out["area_code"].map(v)
    out.loc[out["role"] == "council", "value"] = council_value
    return out.dropna(subset=["value"]).reset_index(drop=True)
