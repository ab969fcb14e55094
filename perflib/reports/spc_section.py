"""Statistical process control for any report: XmR charts where a measure has enough points.

A measure gets a chart only where its unbroken series (months where it has them, else quarters,
else years) has at least :data:`perflib.spc.minimum_points` points; the report says once, in one
sentence, how many measures have fewer. Variation and assurance are given in words beside each
chart, so nothing depends on seeing the chart or its colours.
"""

from __future__ import annotations

import math

import pandas as pd

from perflib import units
from perflib.data import periods, quarters
from perflib.data.year import Report
from perflib.present.blocks import Block, Definitions, Group, Paragraph, Span
from perflib.present.spc_chart import (
    assurance_icon,
    assurance_key,
    spc_summary_words,
    variation_icon,
    xmr_chart,
)
from perflib.spc import Improvement, Result, analyse, enough_points, minimum_points

IMPROVEMENT: dict[str, Improvement] = {"High": "increase", "Low": "decrease"}
HOW_TO_READ = (
    "Each chart plots a measure's figure for every period, its average (solid line) and its process "
    "limits (dashed lines), between which the figure varies by chance alone; a target is dotted. "
    "Variation says whether the latest figure is common cause (the usual ups and downs) or special "
    "cause (a signal of real change, improving or concerning). Assurance says whether, as things "
    "stand, the target will be met every time, missed every time, or hit or missed at random.")


def targets_of(r: Report) -> pd.DataFrame | None:
    """The portfolio's year-to-date target profile (targets.csv, read and checked at load)."""
    t = r.portfolio.targets
    return t.frame if t is not None else None


def too_few_sentence(short: int, charted: int) -> str:
    """The one sentence a report says about measures without a chart.

    >>> too_few_sentence(3, 0).split("; ")[1]
    'no measure in this report has that many yet.'
    >>> too_few_sentence(2, 1).split("; ")[1]
    '2 measures in this report have fewer, so they have none.'
    """
    head = f"Statistical process control charts need at least {minimum_points} points; "
    if charted == 0:
        return head + "no measure in this report has that many yet."
    if short == 1:
        return head + "1 measure in this report has fewer, so it has none."
    return head + f"{short} measures in this report have fewer, so they have none."


def chart(m: pd.Series, result: Result) -> tuple[Group, dict]:
    """One measure's XmR chart with its variation and assurance in words, and the rules used."""
    index = result.frame.index
    title = f"{m['pi_code']}: {m['short_name']}"
    style = units.style(m)
    fig = xmr_chart(result, title, style.axis, percent=style.kind.percent, style=style)
    variation = result.variation
    v_icon = Span("icon", variation_icon(variation, result.improvement, result.side))
    a_icon = Span("icon", assurance_icon(result.assurance))
    # the chart's title is its figure's caption: no heading repeats it, nor the image itself
    group = Group([fig,
                   Definitions([("Variation", [v_icon, Span("", f" {variation.capitalize()} at "
                                                            f"the latest point "
                                                            f"({periods.words(index[-1])})")]),
                                ("Assurance", [a_icon, Span("", f" {assurance_key(result)}")])],
                               cls="spc-key"),
                   Paragraph(spc_summary_words(result)),
                   Paragraph(result.options.describe(), cls="note")],
                  cls="spc", id=f"spc-{m['measure_id']}")
    row = {"measure_id": m["measure_id"], "points": len(index), "first": index[0],
           "latest": index[-1], "variation": variation, "assurance": result.assurance or ""}
    return group, row


def result_of(r: Report, m: pd.Series, quarter: int = 4,
              targets: pd.DataFrame | None = None, every: pd.DataFrame | None = None
              ) -> Result | None:
    """One measure's SPC result to the end of ``quarter``, or ``None`` with too few points.

    ``every`` is the year's figures of every measure (:func:`perflib.data.quarters.figures`),
    where the caller has them: a report of many measures works them out once, not once each.
    """
    mine = (quarters.figures(r.portfolio, r.year, [m["measure_id"]]) if every is None
            else every[every["measure_id"] == m["measure_id"]].reset_index(drop=True))
    fig = quarters.through(mine, r.year, quarter)
    series = quarters.spc_series(fig, units.style(m))
    if not enough_points(len(series)):
        return None
    last = periods.parse(str(series.index[-1]))
    target = quarters.period_target(m, targets, quarters.kind_of(fig), last.quarter if last else 4)
    return analyse(series, IMPROVEMENT.get(m["polarity"], "neither"),
                   None if math.isnan(target) else target, r.portfolio.spc)


def blocks(r: Report, quarter: int = 4, targets: pd.DataFrame | None = None) -> list[Block]:
    """The SPC part of a report: one sentence on measures with too few points, then the charts.

    ``quarter`` is the last quarter of ``r.year`` the report covers (4 for the annual report).
    """
    charts: list[Block] = []
    short = 0
    every = quarters.figures(r.portfolio, r.year)
    for _, m in r.measures.iterrows():
        result = result_of(r, m, quarter, targets, every)
        if result is None:
            short += 1
            continue
        charts.append(chart(m, result)[0])
    out: list[Block] = []
    if short:
        out.append(Paragraph(too_few_sentence(short, len(charts))))
    if charts:
        out.append(Paragraph(HOW_TO_READ))
    return out + charts
