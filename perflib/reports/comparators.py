"""Comparators beside a measure: the national figure, the rank among nearest neighbours, a chart.

A comparator sits under the measure's table and never changes its rating. The rank and quartile
are said only when neighbours' figures exist; the chart is drawn only then too.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from perflib import units
from perflib.data import comparators as data
from perflib.present import axes, charts
from perflib.present.blocks import Block, Figure, Group, Paragraph, spans, strong

#: The files a report with comparators reads, relative to the portfolio folder.
FILES = tuple(f"{data.FOLDER}/{name}" for name in data.FILES)


def comparisons(report: Any) -> pd.DataFrame:
    """The report year's comparisons, one row per measure that has a comparator."""
    return report.comparisons


def _value(v: float, style: units.Style) -> str:
    """A comparator figure printed as the measure's own are."""
    return units.show(style, v)


def blocks(report: Any, m: pd.Series) -> list[Block]:
    """What is printed under a measure's table: nothing when it has no comparator.

    The national figure when there is one, and the rank among the nearest neighbours whenever
    their figures exist (with the neighbours' source when no national figure names one).
    """
    comp = comparisons(report)
    row = comp[comp["measure_id"] == m["measure_id"]]
    if row.empty:
        return []
    c = row.iloc[0]
    style = units.style(m)
    out: list[Block] = []
    national = not pd.isna(c["comparator_value"])
    if national:
        text = spans(strong("Comparator:"),
                     f" {c['comparator_label']}: {_value(c['comparator_value'], style)}")
        if not pd.isna(m["value"]) and c["comparator_period"] == report.year:
            text += spans(f"; {report.portfolio.words.council_short} "
                          f"{_value(m['value'], style)}")
        text += spans(f". Source: {c['comparator_source']}.")
        out.append(Paragraph(text, cls="comparator"))
    if not pd.isna(c["rank"]):
        rank, n = int(c["rank"]), int(c["ranked"])
        missing = int(c["neighbours"]) - int(c["neighbours_with_data"])
        gap = (f"; {missing} of its {int(c['neighbours'])} nearest neighbours have no {report.year} "
               "figure" if missing else "")
        said = (f"ranked {ordinal_text(rank, n, c)} of {n} among the council and its nearest "
                f"neighbours in {report.year} (quartile {int(c['quartile'])} of 4, 1 = best){gap}.")
        if national:
            out.append(Paragraph(said[:1].upper() + said[1:], cls="comparator"))
        else:  # the rank is the comparator: the council's figure and the source are said with it
            out.append(Paragraph(spans(
                strong("Comparator:"), f" {report.portfolio.words.council_short} "
                f"{_value(m['value'], style)}, {said} Source: {c['neighbours_source']}."),
                cls="comparator"))
        out.append(chart(report, m, c))
    return [Group(out, cls="comparators")] if out else []


def ordinal_text(rank: int, n: int, c: pd.Series) -> str:
    """'3rd', or 'joint 3rd' when another area has the same figure."""
    return ("joint " if c["tied"] else "") + data.ordinal(rank)


def chart(report: Any, m: pd.Series, c: pd.Series) -> Figure:
    """Neighbours' figures as horizontal bars, best at the top.

    The council's bar is hatched, labelled and marked with a diamond and the national figure
    (when there is one) is a dashed line, so nothing rests on colour. The bars start at zero and
    the axis ends just past the longest bar (or the national line); the values stand in a column
    of their own beside the bars and the national line is named above them, so no line or mark
    prints over a label.
    """
    cmp = report.portfolio.comparators
    figs = data.neighbour_figures(cmp, c["metric"], report.year, float(m["value"]))
    figs = figs.sort_values("value", ascending=m["polarity"] == "Low").reset_index(drop=True)
    council = figs["role"] == "council"
    labels = [f"{name} (this council)" if is_c else name
              for name, is_c in zip(figs["area_name"], council, strict=True)]
    style = units.style(m)
    title = f"{m['pi_code']} compared with nearest neighbours, {report.year}"
    ordered = ", ".join(f"{a} {_value(v, style)}" for a, v in
                        zip(labels, figs["value"], strict=True))
    line = (f"; a dashed line marks the {c['comparator_label']} of "
            f"{_value(c['comparator_value'], style)}" if not pd.isna(c["comparator_value"])
            else "")
    alt = (f"Horizontal bar chart of {m['short_name']} in {report.year} for the council and "
           f"{len(figs) - 1} nearest neighbours, best first: {ordered}. The council's bar is "
           f"hatched and marked with a diamond{line}.")
    table = pd.DataFrame({"Area": labels, "Area code": figs["area_code"],
                          m["short_name"]: figs["value"]})
    shown = table.assign(**{m["short_name"]: [_value(v, style) for v in figs["value"]]})
    return charts.figure(title, alt, table, charts._png(draw(figs, labels, m, c)), shown=shown)


def draw(figs: pd.DataFrame, labels: list[str], m: pd.Series, c: pd.Series) -> Any:
    """The comparator chart itself (see :func:`chart`)."""
    council = figs["role"] == "council"
    style = units.style(m)
    charts.theme()
    fig, ax = charts.subplots(figsize=(7, 1.2 + 0.32 * len(figs)))
    y = list(range(len(figs)))[::-1]
    national = None if pd.isna(c["comparator_value"]) else float(c["comparator_value"])
    for yi, v, is_c in zip(y, figs["value"], council, strict=True):
        ax.barh(yi, v, color=charts.PALETTE[1] if is_c else charts.PALETTE[0],
                edgecolor="#000000", linewidth=0.8, hatch="//" if is_c else "")
        if is_c:
            ax.plot([v], [yi], marker="D", color="#000000", markersize=7, linestyle="none")
        # the value in a column right of the plot: no bar, line or diamond can reach it
        ax.annotate(_value(v, style), (1.0, yi), xycoords=("axes fraction", "data"),
                    xytext=(6, 0), textcoords="offset points", va="center", ha="left",
                    fontsize=8, fontweight="bold" if is_c else "normal", annotation_clip=False)
    marks = [*figs["value"], *([national] if national is not None else [])]
    limit = axes.bar_limit(marks, room=0.08)
    # figures below zero (a variance) draw their bars left of zero, as far as the lowest goes
    low = -axes.bar_limit([-min(marks)], room=0.08) if min(marks) < 0 else 0.0
    ax.set_xlim(low, limit)
    ax.set_ylim(-0.6, len(figs) - 0.4)
    if national is not None:  # a metric compared with the neighbours alone has no line
        ax.axvline(national, color="#000000", linestyle="--", linewidth=1.2)
        where = (national - low) / (limit - low)
        ax.annotate(f"{c['comparator_label']}: {_value(national, style)}", (national, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(0, 4), textcoords="offset points",
                    ha="right" if where > 0.7 else "left" if where < 0.3 else "center",
                    va="bottom", fontsize=8, annotation_clip=False)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    for tick, is_c in zip(ax.get_yticklabels(), council, strict=True):
        if is_c:
            tick.set_fontweight("bold")
    ax.set_xlabel("Per cent" if style.kind.percent else m["short_name"])
    return fig
