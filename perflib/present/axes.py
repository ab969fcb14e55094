"""Axes a committee can read, and value labels nothing prints over.

The Government Analysis Function's chart guidance: a bar's length is its value, so a bar chart's
axis starts at zero (and ends near the longest bar, not at 100% for values of 5 to 8%); a line
chart of values close together may start above zero, and then says so on the chart. Value labels
sit where no mark, line or other label is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

#: What a chart says, on the chart and in its text alternative, when its axis starts above zero.
NOT_FROM_ZERO = "The vertical axis does not start at zero."
#: Height of a value label, in points (8 pt text with a little air).
LABEL_PT = 11.0


def _nice(step: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) at least ``step``."""
    if step <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(step))
    return next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= step - 1e-12)


def line_range(values: Iterable[float], percent: bool = False) -> tuple[float, float]:
    """The axis range of a line chart: fitted to the values, from zero when zero is near.

    Values close together, far from zero, get an axis that shows their differences; otherwise
    the axis starts at zero. A percentage axis never runs below 0 or above 100.

    >>> line_range([28.9, 33.9, 31.1, 29.8], percent=True)
    (26.0, 38.0)
    >>> line_range([5, 40, 80], percent=True)
    (0.0, 100.0)
    >>> line_range([2, 9, 14])
    (0.0, 20.0)
    """
    vs = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not vs:
        return (0.0, 100.0) if percent else (0.0, 1.0)
    lo, hi = min(vs), max(vs)
    span = hi - lo or max(abs(hi) * 0.1, 1.0)
    step = _nice(span / 4)
    bottom = math.floor((lo - 0.5 * span) / step) * step
    top = math.ceil((hi + 0.5 * span) / step) * step
    if bottom <= 0.25 * hi or lo <= 0:  # zero is near: a line from zero reads best
        bottom = min(0.0, math.floor(lo / step) * step)
    if percent:
        bottom, top = max(bottom, 0.0), min(top, 100.0)
        if top - bottom > 60:  # most of the scale: show all of it
            bottom, top = 0.0, 100.0
    return float(bottom), float(top)


def bar_limit(values: Iterable[float], room: float = 0.15) -> float:
    """Where a bar chart's value axis ends: past the longest bar, with room for its label.

    >>> round(bar_limit([5.2, 7.9, 6.1]), 3)
    9.085
    """
    vs = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    top = max(vs, default=0.0)
    return top * (1 + room) if top > 0 else 1.0


def say_not_from_zero(ax: Any, bottom: float) -> bool:
    """Write on the chart, over its top left corner, that the axis starts above zero.

    Above the plot, where the title would be (the title is the figure's caption), nothing else
    is drawn: tick labels and the axis label are below. True when the axis starts above zero.
    """
    if bottom <= 0:
        return False
    ax.annotate(NOT_FROM_ZERO, (0, 1), xycoords="axes fraction", xytext=(0, 6),
                textcoords="offset points", ha="left", va="bottom", fontsize=8, style="italic",
                annotation_clip=False)
    return True


def points_per_unit(ax: Any) -> float:
    """Points of the y axis per data unit, as the axes is drawn now (after its limits are set)."""
    fig = ax.figure
    height = ax.get_position().height * fig.get_figheight() * 72
    lo, hi = ax.get_ylim()
    return height / (hi - lo) if hi > lo else 1.0


def anchor_above(value: float, obstacles: Sequence[float], gap: float) -> float:
    """Where a label above ``value`` goes: above every mark closer above it than ``gap``.

    >>> anchor_above(30, [31, 50], 2)
    31
    >>> anchor_above(30, [31, 32.5, 50], 2)
    32.5
    """
    at = value
    for o in sorted(o for o in obstacles if o >= value):
        if o - at < gap:
            at = o
    return at


def anchor_below(value: float, obstacles: Sequence[float], gap: float) -> float:
    """Where a label below ``value`` goes: below every mark closer below it than ``gap``.

    >>> anchor_below(30, [29, 10], 2)
    29
    """
    at = value
    for o in sorted((o for o in obstacles if o <= value), reverse=True):
        if at - o < gap:
            at = o
    return at


__all__ = ["NOT_FROM_ZERO", "anchor_above", "anchor_below", "bar_limit", "line_range",
           "points_per_unit", "say_not_from_zero"]
