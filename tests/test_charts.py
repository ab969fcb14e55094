"""Charts a committee can read: axes fitted to the values, labels nothing prints over, one title.

The charts are drawn for real with matplotlib and measured where they are drawn: each value
label's box on the page against every mark, line and other label. Figures are fictional.
"""

from __future__ import annotations

import pandas as pd
import pytest

from perflib.present import axes, charts
from perflib.reports import comparators


def boxes(fig, texts):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in texts]


def overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def value_labels(ax, ends_with: str = "%"):
    return [t for t in ax.texts if t.get_text().endswith(ends_with) and "average" not in
            t.get_text()]


def fictional_neighbours(national: float) -> tuple[pd.DataFrame, list[str], pd.Series, pd.Series]:
    figs = pd.DataFrame({"area_name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
                         "area_code": ["E08990001", "E08990002", "E08990003", "E08990004",
                                       "E08990005"],
                         "role": ["neighbour", "council", "neighbour", "neighbour", "neighbour"],
                         "value": [7.9, 7.1, 6.4, 5.8, 5.2]})
    labels = [f"{n} (this council)" if r == "council" else n
              for n, r in zip(figs["area_name"], figs["role"], strict=True)]
    m = pd.Series({"unit": "percentage", "decimals": 1, "short_name": "A fictional rate",
                   "pi_code": "FX1"})
    c = pd.Series({"comparator_value": national, "comparator_label": "England average 2021/22"})
    return figs, labels, m, c


@pytest.mark.parametrize("national", [7.15, 6.6, 7.9, 5.2])
def test_comparator_bars_from_zero_to_just_past_the_longest(national):
    fig = comparators.draw(*fictional_neighbours(national))
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    assert lo == 0 and 7.9 < hi < 10  # not 0-100% for values of 5 to 8%
    labels = value_labels(ax)
    assert [t.get_text() for t in labels] == ["7.9%", "7.1%", "6.4%", "5.8%", "5.2%"]
    found = boxes(fig, labels)
    line_x = ax.transData.transform((national, 0))[0]
    (diamond,) = [ln for ln in ax.lines if ln.get_marker() == "D"]
    dx, dy = ax.transData.transform(diamond.get_xydata()[0])
    half = diamond.get_markersize() / 2 * fig.dpi / 72
    for box in found:
        assert not box.x0 <= line_x <= box.x1, "the national line runs through a value label"
        assert not (box.x0 - half <= dx <= box.x1 + half and box.y0 - half <= dy <= box.y1 + half)
        for bar in ax.patches:
            assert not overlaps(box, bar.get_window_extent())
    assert not any(overlaps(a, b) for i, a in enumerate(found) for b in found[i + 1:])
    national_label = next(t for t in ax.texts if "England average" in t.get_text())
    (named,) = boxes(fig, [national_label])
    assert not any(overlaps(named, b) for b in found)
    assert ax.get_title() == ""  # the title is the figure's caption


def test_comparator_bars_without_a_national_figure_draw_no_line():
    figs, labels, m, c = fictional_neighbours(7.15)
    c["comparator_value"], c["comparator_label"] = None, None
    ax = comparators.draw(figs, labels, m, c).axes[0]
    assert [ln.get_marker() for ln in ax.lines] == ["D"], "the council's diamond, no dashed line"
    assert 7.9 < ax.get_xlim()[1] < 9
    assert [t.get_text() for t in ax.texts] == ["7.9%", "7.1%", "6.4%", "5.8%", "5.2%"]


def lines_data(stage2: list[float]) -> pd.DataFrame:
    years = ["2018/19", "2019/20", "2020/21", "2021/22"]
    return pd.DataFrame({"Stage": ["Stage 1"] * 4 + ["Stage 2"] * 4, "Year": years * 2,
                         "Percent": [30.1, 33.9, 28.9, 31.0, *stage2],
                         "Target": [33.0, 33.0, 33.0, 33.0, 31.0, 31.0, 31.0, 31.0]})


@pytest.mark.parametrize("stage2", [[29.8, 33.5, 31.1, 30.5], [30.1, 33.9, 28.9, 31.0]])
def test_a_line_chart_of_close_values_is_fitted_says_so_and_keeps_labels_clear(stage2):
    data = lines_data(stage2)
    fig, bottom = charts.draw_lines(data, "Year", "Percent", "Stage", "Target", "Upheld (%)")
    ax = fig.axes[0]
    assert bottom > 0 and ax.get_ylim()[0] == bottom and ax.get_ylim()[1] < 60
    assert axes.NOT_FROM_ZERO in [t.get_text() for t in ax.texts]
    labels = value_labels(ax)
    assert len(labels) == 8
    found = boxes(fig, labels)
    assert not any(overlaps(a, b) for i, a in enumerate(found) for b in found[i + 1:])
    order = list(dict.fromkeys(data["Year"]))
    marks = [ax.transData.transform((order.index(x), v)) for x, v in
             [*zip(data["Year"], data["Percent"], strict=True),
              *zip(data["Year"], data["Target"], strict=True)]]
    for box in found:
        assert not any(box.x0 <= px <= box.x1 and box.y0 <= py <= box.y1 for px, py in marks)
    assert ax.get_title() == ""
    figure = charts.lines_against_target(data, "Year", "Percent", "Stage", "Target",
                                         "Complaints upheld (fictional)", "Upheld (%)",
                                         alt="Line chart of fictional figures.")
    assert figure.alt == f"Line chart of fictional figures. {axes.NOT_FROM_ZERO}"


def test_a_line_chart_of_spread_values_starts_at_zero():
    data = lines_data([5.0, 12.0, 20.0, 9.0])
    fig, bottom = charts.draw_lines(data, "Year", "Percent", "Stage", "Target", "Upheld (%)")
    assert bottom == 0 and fig.axes[0].get_ylim()[0] == 0
    assert axes.NOT_FROM_ZERO not in [t.get_text() for t in fig.axes[0].texts]


def test_a_bar_label_clears_a_target_just_above_its_bar():
    data = pd.DataFrame({"Year": ["2019/20", "2020/21"], "Visits": [9387.0, 4000.0],
                         "Target": [10000.0, 12000.0]})
    fig = charts.draw_bars(data, "Year", "Visits", "Target", "Visits (number)")
    ax = fig.axes[0]
    assert ax.get_ylim()[0] == 0 and ax.get_title() == ""
    labels = [t for t in ax.texts if t.get_text() in ("9,387", "4,000")]
    found = boxes(fig, labels)
    (targets,) = [ln for ln in ax.lines if ln.get_marker() == "_"]
    half = targets.get_markeredgewidth() * fig.dpi / 72
    for box in found:
        for x, y in targets.get_xydata():
            px, py = ax.transData.transform((x, y))
            assert not (box.x0 <= px <= box.x1 and box.y0 - half <= py <= box.y1 + half)
    assert found[1].y0 < ax.transData.transform((1, 12000))[1]  # far below its target: at its bar
