"""Measures counted by rating, drawn for a report: a stacked bar per portfolio, never colour alone.

A figure block (a PNG drawn with matplotlib in the kernel, each part hatched and labelled with
its count, the counts as its table). The index page draws the same counts as inline SVG
(:mod:`perflib.present.svgbar`), without matplotlib or pandas.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from perflib.present import charts
from perflib.present.blocks import Figure
from perflib.present.svgbar import STYLE


def chart(counts: pd.DataFrame, parts: Sequence[str], title: str, alt: str) -> Figure:
    """Horizontal stacked bars, one per row of ``counts`` (its ``portfolio`` column), by part."""
    m = charts.theme()
    rows = counts.reset_index(drop=True)
    fig, ax = charts.subplots(figsize=(7, 0.9 + 0.5 * len(rows)))
    y = list(range(len(rows)))[::-1]
    left = [0.0] * len(rows)
    for part in parts:
        colour, hatch = STYLE.get(part, ("#7f7f7f", ""))
        values = rows[part].astype(float).tolist()
        ax.barh(y, values, left=left, color=colour, hatch=hatch, edgecolor="#000000",
                linewidth=0.8, label=part)
        for yi, start, v in zip(y, left, values, strict=True):
            if v:
                ax.annotate(f"{v:,.0f}", (start + v / 2, yi), ha="center", va="center",
                            fontsize=8, bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                                              "ec": "none"})
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(y)
    ax.set_yticklabels(rows["portfolio"].tolist(), fontsize=8)
    ax.set_xlim(0, max(left + [1.0]) * 1.05)  # a bar chart starts at zero
    ax.xaxis.set_major_locator(m.ticker.MaxNLocator(integer=True))  # counts are whole
    ax.set_xlabel("Headline measures (number)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    data = rows[["portfolio", *parts]].rename(columns={"portfolio": "Portfolio"})
    return charts.figure(title, alt, data, charts._png(fig))


__all__ = ["chart"]
