"""Plausibility: a figure far from its measure's last one is said, as a warning, never refused.

A return's 15% on time where last year's was 91%, or preventions of 1,234 where they were 441,
may be true; so the imports (``perflib import``, ``perflib import-comparators``) and ``perflib
check`` (for a draft year's figures) say so as a warning naming both figures and both periods,
and go on. A percentage of 0.9 where the last was 90.8 is said to look like a fraction.

A figure is held against the same period a year earlier (last year's, or last year's same
quarter or month, so a year-to-date count is held against the same point of last year), or the
latest year before that with one. How far is too far is a setting, ``plausibility: {factor:
2.5}`` in portfolio.yaml, else council.yaml, else :data:`FACTOR`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from perflib import units as unit_table
from perflib.data import periods
from perflib.errors import Problem

if TYPE_CHECKING:
    from perflib.data.portfolio import Portfolio
    from perflib.data.yamlfile import Yaml
    from perflib.data.year import Report

#: How many times larger or smaller than its last a figure may be before it is questioned: the
#: seed's own largest genuine year-on-year changes are 2.2 times; preventions of 1,234 after
#: 441 (2.8 times) are questioned.
FACTOR = 2.5
#: How far back a figure's last one is looked for, in years.
LOOK_BACK = 5
FIX = "check the figure; if it is right, nothing needs doing (this is a warning, not an error)"
#: How each key's figures are judged and printed: whether they are percentages, and a printer.
Shown = Mapping[str, tuple[bool, Callable[[float], str]]]


@dataclass(frozen=True)
class Jump:
    """A figure far from its last one: who, when, both figures, and the sentence saying so."""

    key: str
    period: str
    value: float
    last_period: str
    last: float
    words: str


def setting(doc: Yaml | None, problems: list[Problem]) -> float | None:
    """The ``plausibility: {factor: ...}`` a portfolio.yaml or council.yaml sets, if any."""
    block = doc.data.get("plausibility") if doc is not None else None
    if block is None:
        return None
    assert doc is not None
    value = block.get("factor") if isinstance(block, dict) else None
    if (not isinstance(block, dict) or set(block) != {"factor"} or isinstance(value, bool)
            or not isinstance(value, (int, float)) or not value > 1):
        problems.append(Problem(doc.path, doc.line("plausibility"), "plausibility",
                                f"'{block}' is not a factor above 1", "write e.g. 'plausibility: "
                                f"{{factor: {FACTOR:g}}}': a figure more than that many times "
                                "its last one, or less than its last one divided by it, is "
                                "questioned"))
        return None
    return float(value)


def factor(p: Portfolio, problems: list[Problem] | None = None) -> float:
    """How far a portfolio's figures may move: its own setting, the council's, or the default."""
    from perflib.data.council import read_council

    found: list[Problem] = []
    own = setting(p.yaml, found)
    council = read_council(p.path.parent, [])
    wide = setting(council.yaml if council is not None else None, found)
    if problems is not None:
        problems += found
    return own or wide or FACTOR


def judge(percentage: bool, value: float, last: float, by: float) -> str | None:
    """How a figure is far from its last one, in words (``None`` when it is not).

    Only figures above zero are held against each other (a ratio says nothing of a figure that
    may go below zero), and a fall to nothing.

    >>> judge(True, 0.9, 90.8, 2.5)
    'fraction'
    >>> judge(True, 15, 91, 2.5), judge(False, 1234, 441, 2.5), judge(False, 600, 700, 2.5)
    ('lower', 'higher', None)
    """
    if pd.isna(value) or pd.isna(last) or last <= 0 or value < 0:
        return None
    if percentage and 0 < value <= 1 < last and last / by <= value * 100 <= last * by:
        return "fraction"
    if value > last * by:
        return "higher"
    if value * by < last:
        return "lower"
    return None


def _words(how: str, value: str, period: str, last: str, last_period: str, ratio: float) -> str:
    if how == "fraction":
        return (f"{value} for {period} looks like a fraction: the {last_period} figure was {last} "
                "(a percentage is written as 90.8, not 0.908)")
    times = f"{ratio:,.1f}" if ratio < 10 else f"{ratio:,.0f}"
    return f"{value} for {period} is {times} times {how} than {last} for {last_period}"


def earlier(period: str, held: Mapping[str, float]) -> tuple[str, float] | None:
    """The figure a period is held against: the same period a year earlier, or before that."""
    p = periods.parse(period)
    if p is None:
        return None
    year = p.year
    for _ in range(LOOK_BACK):
        year = periods.previous_year(year)
        label = periods.Period(year, p.kind, p.number).label
        if label in held and not pd.isna(held[label]):
            return label, held[label]
    return None


def _short(percentage: bool, value: float) -> str:
    """A figure as short as it goes: an export's, whose decimals are the publisher's."""
    return format(value, ",.15g") + ("%" if percentage else "")


def jumps(figures: Iterable[tuple[str, str, float]], held: Mapping[str, Mapping[str, float]],
          shown: Shown, by: float) -> list[Jump]:
    """The figures (key, period, value) far from their last ones.

    ``held`` gives each key's figures by period (the new ones among them or not); ``shown``
    whether each key's are percentages, and how they print.
    """
    out = []
    for key, period, value in figures:
        before = earlier(period, held.get(key, {}))
        if before is None or key not in shown:
            continue
        percentage, show = shown[key]
        how = judge(percentage, value, before[1], by)
        if how is None:
            continue
        ratio = value / before[1] if how == "higher" else before[1] / value if value else 0
        now, then = show(value), show(before[1])
        text = _words(how, now, period, then, before[0], ratio)
        if how == "lower" and not value:
            text = f"{now} for {period} is nothing, where {then} was for {before[0]}"
        out.append(Jump(key, period, value, before[0], before[1], text))
    return out


def held_figures(p: Portfolio) -> dict[str, dict[str, float]]:
    """Each measure's figures by period, as the latest report to state each one states it."""
    o = p.observations.frame
    o = o[o["value"].notna() & o["measure_id"].notna() & o["period"].notna()]
    latest = o.sort_values("report", kind="stable").drop_duplicates(["measure_id", "period"],
                                                                    keep="last")
    out: dict[str, dict[str, float]] = {}
    for mid, period, value in zip(latest["measure_id"], latest["period"], latest["value"],
                                  strict=True):
        out.setdefault(mid, {})[period] = float(value)
    return out


def units(p: Portfolio, year: str | None = None) -> dict[str, tuple[bool, Callable[[float], str]]]:
    """Each measure's figures as :func:`jumps` takes them (``year``'s register, else the latest)."""
    m = p.measures.frame.sort_values("year", kind="stable")
    if year is not None and (m["year"] == year).any():
        m = m[m["year"] == year]
    out: dict[str, tuple[bool, Callable[[float], str]]] = {}
    for _, row in m.drop_duplicates("measure_id", keep="last").iterrows():
        style = unit_table.style(row)
        out[row["measure_id"]] = (style.unit == "percentage", partial(unit_table.show, style))
    return out


def of_reports(reports: Iterable[Report], problems: list[Problem]) -> list[str]:
    """``perflib check``'s warnings, for each draft year's own figures (a final one was checked).

    Each portfolio's setting is checked too; what is wrong with one is added to ``problems``.
    """
    out: list[str] = []
    factors: dict[str, float] = {}
    for r in reports:
        p = r.portfolio
        if p.id not in factors:
            factors[p.id] = factor(p, problems)
        if not r.draft:
            continue
        o = p.observations.frame
        mine = o[(o["report"] == r.year) & o["value"].notna()
                 & (periods.year_of(o["period"].fillna("")) == r.year)]
        found = jumps(zip(mine["measure_id"], mine["period"], mine["value"].astype(float),
                          strict=True), held_figures(p), units(p, r.year), factors[p.id])
        if found:
            n = len(found)
            out.append(f"{p.id} {r.year} (draft): {n} figure{'s' if n != 1 else ''} far from "
                       f"{'its' if n == 1 else 'their'} last, a warning each")
            out += [f"  - warning: {p.observations.path}: {j.key}: {j.words}. Fix: {FIX}"
                    for j in found]
    return out


def lines(found: list[Jump], where: Mapping[tuple[str, str], str] | None = None) -> list[str]:
    """Warnings as an import's summary lists them, each with where its figure came from."""
    if not found:
        return []
    n = len(found)
    out = [f"{n} figure{'s' if n != 1 else ''} far from {'its' if n == 1 else 'their'} last "
           f"(a warning, not an error: check {'it' if n == 1 else 'each'}; it may be right):"]
    for j in found:
        at = (where or {}).get((j.key, j.period))
        out.append(f"  {j.key} {j.period}: {j.words}{f' [{at}]' if at else ''}")
    return out


def export_warnings(p: Portfolio, metric: str, figures: Iterable[Any], percentage: bool) -> str:
    """import-comparators' warnings: each area's figure against its last (held, or in the export).

    ``figures`` are the export's (:class:`perflib.collect.lginform.Figure`); ``percentage`` says
    the metric is compared with a percentage measure. Returned as lines to add to the summary.
    """
    figures = list(figures)
    held: dict[str, dict[str, float]] = {}
    if p.comparators is not None:
        v = p.comparators.values.frame
        v = v[(v["metric"] == metric) & v["value"].notna()]
        for code, period, value in zip(v["area_code"], v["period"], v["value"], strict=True):
            held.setdefault(code, {})[period] = float(value)
    for f in figures:
        held.setdefault(f.code, {})[f.period] = f.value
    shown = {f.code: (percentage, partial(_short, percentage)) for f in figures}
    found = jumps(((f.code, f.period, f.value) for f in figures), held, shown, factor(p))
    where = {(f.code, f.period): f"line {f.line}" for f in figures}
    text = lines([Jump(j.key, j.period, j.value, j.last_period, j.last, f"{metric}: {j.words}")
                  for j in found], where)
    return "".join("\n" + t for t in text)


__all__ = ["FACTOR", "Jump", "earlier", "export_warnings", "factor", "held_figures", "judge",
           "jumps", "lines", "of_reports", "setting", "units"]
