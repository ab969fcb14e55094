"""Charts in one theme: seaborn, colour-blind-safe, readable in greyscale, each with a text alternative.

Every chart is returned as a :class:`~perflib.present.blocks.Figure` block: the PNG, a title, alt
text that states what the chart shows, and the exact figures it plots as a table. matplotlib and
seaborn are imported when the first chart is drawn, so reading a report kind's declaration (as the
build does) costs nothing. Series differ by marker, line style or hatch as
well as colour, and values are labelled on the chart, so nothing depends on seeing colour.
"""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pandas as pd

from perflib.formatting import PART_OF_MONTH, number
from perflib.present import axes
from perflib.present.blocks import Figure, Inline, Table

#: Okabe-Ito colours, chosen so neighbours also differ in lightness (greyscale printing).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P"]
DASHES = ["-", "--", "-.", ":", "-", "--"]
HATCHES = ["", "//", "..", "xx", "\\\\", "++"]
TARGET_STYLE = {"color": "#333333", "linestyle": ":", "marker": "_", "markersize": 18,
                "linewidth": 1.5}


_LIB: Any = None


def lib() -> Any:
    """Matplotlib's pyplot, dates, ticker and seaborn, imported once on first use.

    The backend is left as it is: in a notebook it is the kernel's inline backend, which shows
    the analyst's own charts (switching to Agg, as perflib once did, hid every chart drawn after
    perflib's first). perflib's charts never need one (:func:`subplots`).
    """
    global _LIB
    if _LIB is None:
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
        import matplotlib.ticker as ticker
        import seaborn as sns

        _LIB = SimpleNamespace(plt=plt, mdates=mdates, ticker=ticker, sns=sns,
                               thousands=ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return _LIB


def theme() -> Any:
    """Apply perflib's chart theme (called by every chart, so notebooks need not)."""
    m = lib()
    m.sns.set_theme(context="paper", style="whitegrid", palette=PALETTE, font="DejaVu Sans",
                  rc={"figure.dpi": 110, "savefig.dpi": 150, "axes.titlesize": 12,
                      "axes.labelsize": 10, "axes.edgecolor": "#333333",
                      "grid.color": "#d9d9d9", "legend.frameon": False})
    return m


def figure(title: str, alt: str, data: pd.DataFrame, png: bytes, caption: str = "",
           shown: pd.DataFrame | None = None) -> Figure:
    """A chart block: the image, its alt text and caption, and the figures it plots as a table.

    ``shown``, where given, is ``data`` as the report's own tables print it (text, each figure
    to its measure's decimals), so the chart's table says what the tables beside it say.
    """
    table = data if shown is None else shown
    rows: list[list[Inline]] = [[_cell(v) for v in row] for row in table.itertuples(index=False)]
    return Figure(title, alt, png, caption,
                  Table(f"Figures plotted in the chart: {title}", [str(c) for c in data.columns],
                        rows, cls="chart-data"))


def _cell(v: object) -> str:
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "Yes" if v else "No"
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "Not available"
    if isinstance(v, (float, int)):
        return number(v)  # a figure below zero with a true minus sign, read aloud as "minus"
    return str(v)


#: zlib's effort on a chart's PNG: PIL's default (6) takes about twice as long as 3 for a file
#: a tenth smaller, which the browser decodes and the PDF compresses again anyway.
PNG_COMPRESSION = 3


def subplots(figsize: tuple[float, float]) -> tuple[Any, Any]:
    """A figure and its axes that pyplot does not know of, in the theme's rcParams.

    A notebook's inline backend shows every figure pyplot holds at the end of a cell, and
    closing ours is not enough where a cell fails first; a figure made outside pyplot is never
    shown, needs no backend, and is freed with its last reference.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=figsize)
    FigureCanvasAgg(fig)  # drawn and measured as pyplot's figures are, with no backend chosen
    return fig, fig.subplots()


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight",
                pil_kwargs={"compress_level": PNG_COMPRESSION})
    return buf.getvalue()


def lines_against_target(data: pd.DataFrame, x: str, y: str, series: str, target: str,
                         title: str, ylabel: str, alt: str, caption: str = "",
                         percent: bool = True, shown: pd.DataFrame | None = None) -> Figure:
    """One line per series over ``x``, each with its target as a dotted line of dashes.

    The axis is fitted to the values and targets (:func:`perflib.present.axes.line_range`);
    when it starts above zero the chart and its text alternative say so. ``shown`` is ``data``
    as the report's tables print it: each point is labelled with its ``y`` from there, so a
    label says 38% where the table does, never 38.0%.
    """
    fig, bottom = draw_lines(data, x, y, series, target, ylabel, percent,
                             None if shown is None else shown[y])
    if bottom > 0:
        alt = f"{alt} {axes.NOT_FROM_ZERO}"
    return figure(title, alt, data, _png(fig), caption, shown)


def draw_lines(data: pd.DataFrame, x: str, y: str, series: str, target: str, ylabel: str,
               percent: bool = True, labels: pd.Series | None = None) -> tuple[Any, float]:
    """The line chart itself, and where its axis starts; value labels clear of every mark.

    At each position the highest series is labelled above its point and the others below,
    each past any point or target closer to it than a label's height. ``labels`` (by the
    index of ``data``) are the words of each point's label, where the caller printed them.
    """
    m = theme()
    fig, ax = subplots(figsize=(7, 3.6))
    names = list(dict.fromkeys(data[series]))
    k = len(names)
    m.sns.lineplot(data=data, x=x, y=y, hue=series, style=series, markers=MARKERS[:k],
                   dashes=[(1, 0), (4, 2), (6, 2, 1, 2), (1, 2)][:k], palette=PALETTE[:k],
                   linewidth=2, markersize=7, ax=ax, sort=False)
    order = list(dict.fromkeys(data[x]))
    pos = data[x].map(order.index)
    for i, name in enumerate(names):
        d = data[data[series] == name]
        if d[target].notna().any():
            ax.plot(pos[d.index], d[target], **{**TARGET_STYLE, "color": PALETTE[i]},
                    label=f"{name}: target")
    bottom, top = axes.line_range([*data[y], *data[target]], percent)
    ax.set_ylim(bottom, top)
    ax.set_xlabel("Year")
    ax.set_ylabel(ylabel)
    gap = axes.LABEL_PT / axes.points_per_unit(ax)
    for p in sorted(set(pos)):
        here = data[pos == p]
        marks = [float(v) for v in [*here[y], *here[target]] if pd.notna(v)]
        ranked = sorted((v, names.index(n), k) for v, n, k in
                        zip(here[y], here[series], here.index, strict=True) if pd.notna(v))
        for j, (v, i, k) in enumerate(reversed(ranked)):
            others = [o for o in marks if o != v] + [v]
            above = j == 0
            at = axes.anchor_above(v, others, gap) if above else axes.anchor_below(v, others, gap)
            text = labels[k] if labels is not None else f"{v:.1f}%" if percent else f"{v:,.0f}"
            ax.annotate(text, (p, at),
                        textcoords="offset points", xytext=(0, 5 if above else -5),
                        ha="center", va="bottom" if above else "top", fontsize=8,
                        color=PALETTE[i], zorder=6,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"})
    axes.say_not_from_zero(ax, bottom)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig, bottom


def bars_against_target(data: pd.DataFrame, x: str, y: str, target: str | None, title: str,
                        ylabel: str, alt: str, caption: str = "", xlabel: str = "Year",
                        fmt: str = "{:,.0f}") -> Figure:
    """Bars from zero with value labels and, where there is one, a target marker per bar."""
    return figure(title, alt, data, _png(draw_bars(data, x, y, target, ylabel, xlabel, fmt)),
                  caption)


def draw_bars(data: pd.DataFrame, x: str, y: str, target: str | None, ylabel: str,
              xlabel: str = "Year", fmt: str = "{:,.0f}") -> Any:
    """The bar chart itself: a label sits above its bar, or above a target marker close over it."""
    m = theme()
    fig, ax = subplots(figsize=(7, 3.6))
    m.sns.barplot(data=data, x=x, y=y, color=PALETTE[0], edgecolor="#000000", linewidth=0.8,
                  ax=ax, errorbar=None)
    targets = data[target] if target else pd.Series([None] * len(data), index=data.index)
    ax.set_ylim(0, axes.bar_limit([*data[y], *targets], room=0.2))
    gap = axes.LABEL_PT / axes.points_per_unit(ax)
    for p, (v, t) in enumerate(zip(data[y], targets, strict=True)):
        label = fmt.format(v) if pd.notna(v) else "n/a"
        base = 0.0 if pd.isna(v) else float(v)
        at = axes.anchor_above(base, [float(t)] if pd.notna(t) else [], gap)
        ax.annotate(label, (p, at), textcoords="offset points", xytext=(0, 4), ha="center",
                    va="bottom", fontsize=8, zorder=6)
    if target and data[target].notna().any():
        ax.plot(range(len(data)), data[target], linestyle="none", marker="_", markersize=30,
                markeredgewidth=2.5, color="#000000", label="Target")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(m.thousands)
    return fig


def horizontal_bars(data: pd.DataFrame, label: str, value: str, title: str, xlabel: str,
                    alt: str, caption: str = "", fmt: str = "{:,.0f}") -> Figure:
    """Horizontal bars, one per category, each with its own hatch and labelled with its value."""
    m = theme()
    fig, ax = subplots(figsize=(7, 0.9 + 0.45 * len(data)))
    m.sns.barplot(data=data, y=label, x=value, hue=label, palette=PALETTE[:len(data)],
                legend=False, edgecolor="#000000", linewidth=0.8, ax=ax, errorbar=None)
    for i, bar in enumerate(ax.patches[:len(data)]):
        bar.set_hatch(HATCHES[i % len(HATCHES)])
        ax.annotate(fmt.format(data[value].iloc[i]),
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    textcoords="offset points", xytext=(4, 0), va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(label)
    ax.set_xlim(0, axes.bar_limit(data[value], room=0.2))
    return figure(title, alt, data, _png(fig), caption)


def quarters_with_events(quarters: pd.DataFrame, events: pd.DataFrame, title: str, alt: str,
                         caption: str = "") -> Figure:
    """Visits by quarter on a date axis, derived quarters hatched, closures and reopenings drawn.

    ``quarters`` has columns quarter, start, end, visits, derived; ``events`` has date, event.
    """
    m = theme()
    fig, ax = subplots(figsize=(7.5, 3.8))
    for q in quarters.itertuples():
        width = (q.end - q.start).days * 0.9
        bar = ax.bar(m.mdates.date2num(q.start) + (q.end - q.start).days / 2, q.visits, width=width,
                     color="#9ecae1" if q.derived else PALETTE[0], edgecolor="#000000",
                     hatch=HATCHES[1] if q.derived else "")
        label = f"{q.visits:,.0f}" + (" (derived)" if q.derived else "")
        ax.annotate(f"{q.quarter}: {label}", (bar[0].get_x() + bar[0].get_width() / 2, q.visits),
                    textcoords="offset points", xytext=(0, 3), ha="center", fontsize=8,
                    zorder=5, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})
    top = max(quarters["visits"].max(), 1) * 1.45
    for n, e in enumerate(events.itertuples(), start=1):
        day = PART_OF_MONTH.get(getattr(e, "precision", "day"), e.date.day)
        x = m.mdates.date2num(pd.Timestamp(e.date).replace(day=day))
        ax.axvline(x, color="#000000", linestyle=DASHES[1 + n % 3], linewidth=1)
        ax.annotate(str(n), (x, top * 0.93), ha="center", fontsize=9, fontweight="bold",
                    bbox={"boxstyle": "circle", "fc": "white", "ec": "#000000"})
    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(m.thousands)
    ax.xaxis.set_major_locator(m.mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(m.mdates.DateFormatter("%b %Y"))
    ax.set_xlabel("Quarter (numbered lines: events listed in the table below)")
    ax.set_ylabel("Visits (number)")
    data = quarters.drop(columns=["start", "end"]).rename(
        columns={"quarter": "Quarter", "visits": "Visits", "derived": "Derived"})
    return figure(title, alt, data, _png(fig), caption)
