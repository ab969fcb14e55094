"""Making Data Count SPC: rules, limits, assurance and charts, checked against NHSRplotthedots.

Most rule tests use a fixed baseline so the limits are known exactly: twelve points alternating
9, 11 give mean 10 and every moving range 2, so (fixing limits on those 12 points) later points
are judged against

    lower = 10 - 2.66 * 2 = 4.68          upper = 10 + 2.66 * 2 = 15.32
    near_lower = 10 - (2 * 2.66 / 3) * 2 = 6.4533...   near_upper = 13.5466...

and cannot move them. The baseline alternates sides and directions, so it triggers no rule.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from perflib.present.spc_chart import (
    assurance_icon,
    assurance_key,
    spc_summary_words,
    variation_icon,
    xmr_chart,
)
from perflib.spc import (
    Result,
    analyse,
    assurance,
    enough_points,
    latest_variation,
    minimum_points,
    xmr,
)

FIXTURES = Path(__file__).parent / "fixtures" / "spc"
BASE = [9, 11] * 6  # indexes 0-11, the last (11) above the mean
UPPER, LOWER = 10 + 2.66 * 2.0, 10 - 2.66 * 2.0
NEAR_UPPER = 10 + (2 * 2.66 / 3) * 2.0


def fixture(name: str) -> pd.Series:
    frame = pd.read_csv(FIXTURES / name, parse_dates=["month"])
    return frame.set_index("month")["value"]


def flagged(tail: list[float], column: str, improvement: str = "increase", **kw) -> list[int]:
    """Indexes of points (counting the 12 baseline points) for which ``column`` is True."""
    f = xmr(BASE + tail, improvement, baseline=12, **kw)
    return list(np.flatnonzero(f[column].to_numpy()))


# --- limits ------------------------------------------------------------------------------------

def test_baseline_limits_by_hand():
    f = xmr(BASE + [10.5] * 3, "increase", baseline=12)
    # mean (9 + 11) * 6 / 12 = 10; moving ranges all |11 - 9| = 2; 2.66 * 2 = 5.32
    assert f["mean"].iloc[-1] == pytest.approx(10)
    assert f["mean_moving_range"].iloc[-1] == pytest.approx(2)
    assert f["lower"].iloc[-1] == pytest.approx(4.68)
    assert f["upper"].iloc[-1] == pytest.approx(15.32)
    assert f["near_upper"].iloc[-1] == pytest.approx(10 + 2 * 2.66 / 3 * 2)
    assert f["near_lower"].iloc[-1] == pytest.approx(10 - 2 * 2.66 / 3 * 2)
    # later points have moving ranges but do not count towards the limits
    assert f["moving_range_used"].tolist() == [False] + [True] * 11 + [False] * 3


@pytest.mark.parametrize(("screen", "lower", "upper"), [
    # NHSRplotthedots vignettes/deviations.Rmd, "Treatment of outlying points" (18 points).
    # mean = (1+2+1+2+10 + 7*1 + 6*2) / 18 = 35 / 18 = 1.9444
    # moving ranges 1, 1, 8, 9 and thirteen 1s: mean 32 / 17 = 1.88235
    # screened (default): 8 and 9 are >= 3.267 * 1.88235 = 6.1496, so the mean range is 1 and
    #   limits are 1.9444 -/+ 2.66 = -0.7156, 4.6044
    (True, 35 / 18 - 2.66, 35 / 18 + 2.66),
    # not screened (the Excel tool): 1.9444 -/+ 2.66 * 32 / 17 = -3.0626, 6.9515
    (False, 35 / 18 - 2.66 * 32 / 17, 35 / 18 + 2.66 * 32 / 17),
])
def test_outlier_screening_by_hand(screen, lower, upper):
    f = xmr(fixture("fictional_monthly_outlier.csv"), "increase", screen_outliers=screen)
    assert f["lower"].iloc[0] == pytest.approx(lower)
    assert f["upper"].iloc[0] == pytest.approx(upper)
    assert f["rule"].tolist()[4] == "Above UCL"
    assert f["special_cause"].sum() == 1


def test_screening_threshold_is_inclusive():
    # moving ranges 1, 1, 1, 3: mean 1.5, and 3.267 * 1.5 = 4.9 > 3, so nothing is screened;
    # NHSRplotthedots keeps a range only if it is strictly below 3.267 times the mean range
    f = xmr([0, 1, 0, 1, 4], "neither")
    assert f["moving_range_used"].sum() == 4
    g = xmr([0, 0, 0, 0, 0, 0, 0, 0, 0, 10], "neither")  # ranges 0 x8 and 10; mean 10/9
    assert g["moving_range_used"].sum() == 8  # 10 >= 3.267 * 1.11 is screened
    assert g["mean_moving_range"].iloc[0] == 0


def test_rebase_recalculates_limits_and_breaks_rules():
    s = pd.Series(BASE + [20, 22] * 6)
    f = xmr(s, "increase", rebase=[12])
    assert f["period_group"].tolist() == [0] * 12 + [1] * 12
    assert f["mean"].iloc[0] == pytest.approx(10)
    assert f["mean"].iloc[-1] == pytest.approx(21)
    assert not f["special_cause"].any()
    # without the rebase the second half is a long shift above one mean
    assert xmr(s, "increase")["shift"].all()


def test_baseline_fixes_limits_on_first_points_only():
    f = xmr(BASE + [30, 40, 50], "increase", baseline=12)
    assert f["upper"].iloc[-1] == pytest.approx(15.32)
    assert f["outside_limits"].tolist()[-3:] == [True, True, True]


# --- rules -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tail", "kw", "expected"), [
    ([9] + [10.5] * 6, {}, []),  # six above the mean: not a shift
    ([9] + [10.5] * 7, {}, list(range(13, 20))),  # seven: all seven flagged
    ([11] + [9.5] * 7, {}, list(range(13, 20))),  # seven below
    ([9] + [10.5] * 3 + [10] + [10.5] * 3, {}, []),  # a point on the mean breaks the run
    ([9] + [10.5] * 7 + [10] + [10.5] * 7, {}, list(range(13, 20)) + list(range(21, 28))),
    ([9] + [10.5] * 7, {"shift": 8}, []),  # rule length is a setting
    ([9] + [10.5] * 8, {"shift": 8}, list(range(13, 21))),
])
def test_shift(tail, kw, expected):
    assert flagged(tail, "shift", **kw) == expected


@pytest.mark.parametrize(("tail", "kw", "expected"), [
    # from 11 (the last baseline point) the first tail value is a fall, then rises
    ([9.25 + 0.2 * i for i in range(6)], {}, []),  # six rising points: not a trend
    ([9.25 + 0.2 * i for i in range(7)], {}, list(range(12, 19))),  # seven: all seven
    ([9.25, 9.45, 9.65, 9.65, 9.85, 10.05, 10.25, 10.45], {}, []),  # an equal value breaks it
    ([9] + [10.75 - 0.2 * i for i in range(7)], {}, list(range(13, 20))),  # seven falling
    ([9.25 + 0.2 * i for i in range(6)], {"trend": 6}, list(range(12, 18))),
])
def test_trend(tail, kw, expected):
    assert flagged(tail, "trend", **kw) == expected


@pytest.mark.parametrize(("series", "expected"), [
    # NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R, ptd_seven_point_trend():
    # c(1:3, 3:6) has no trend; 1:7 ends one at the 7th; c(2, 1:7, 3) and c(2, 7:1, 3) end one
    # at the 8th, and ptd_part_of_seven_trend() marks it and the six before it
    ([1, 2, 3, 3, 4, 5, 6], [False] * 7),
    (list(range(1, 8)), [True] * 7),
    ([2, *range(1, 8), 3], [False] + [True] * 7 + [False]),
    ([2, *range(7, 0, -1), 3], [False] + [True] * 7 + [False]),
])
def test_trend_matches_nhsrplotthedots(series, expected):
    assert xmr(series, "increase")["trend"].tolist() == expected


def test_trend_direction_labels():
    up = xmr(BASE + [9.25 + 0.2 * i for i in range(7)], "increase", baseline=12)
    assert set(up["rule"].iloc[12:]) == {"7 Point Trend (Increasing)"}
    down = xmr(BASE + [9] + [10.75 - 0.2 * i for i in range(7)], "increase", baseline=12)
    assert set(down["rule"].iloc[13:]) == {"7 Point Trend (Decreasing)"}
    assert set(down["variation"].iloc[13:]) == {"special cause concerning"}


@pytest.mark.parametrize(("tail", "expected"), [
    ([9, 14, 11, 14, 9], [13, 15]),  # two near in three, all above the mean: the near two
    ([10.5, 14, 14, 10.5], [13, 14]),  # adjacent
    ([9, 14, 11, 6, 9], []),  # near on opposite sides
    ([9, 14, 9.5, 14, 9], []),  # middle point below the mean: NHSRplotthedots needs all three
    ([9, 14, 9, 9, 14, 9], []),  # two near but four apart
    ([10.5, 14, 16, 10.5], []),  # one near and one outside: the outside one is not "near"
    ([10.5, NEAR_UPPER, NEAR_UPPER, 10.5], []),  # exactly on the near threshold is not near
    ([10.5, np.nextafter(NEAR_UPPER, 99), np.nextafter(NEAR_UPPER, 99), 10.5], [13, 14]),
])
def test_two_of_three(tail, expected):
    assert flagged(tail, "two_of_three") == expected


def test_two_of_three_opposite_sides_nhsrplotthedots():
    # NHSRplotthedots tests/testthat/test-ptd_spc_standard.R, "it only reports special cause
    # for 2 of 3 points close to limits when they are on the same side of the mean"
    f = xmr(fixture("fictional_monthly_two_in_three_opposite.csv"), "increase")
    assert f["variation"].tail(2).tolist() == ["common cause", "common cause"]


@pytest.mark.parametrize(("value", "rule"), [
    (UPPER, "Common Cause"),  # exactly on the upper limit is inside
    (np.nextafter(UPPER, 99), "Above UCL"),
    (LOWER, "Common Cause"),
    (np.nextafter(LOWER, -99), "Below LCL"),
])
def test_outside_limits_boundary(value, rule):
    f = xmr(BASE + [9, value, 9], "increase", baseline=12)
    assert f["rule"].iloc[13] == rule
    assert f["special_cause"].sum() == (rule != "Common Cause")


def test_rule_precedence_outside_before_trend():
    f = xmr(BASE + [9.25 + 0.2 * i for i in range(6)] + [16], "increase", baseline=12)
    assert f["rule"].iloc[-1] == "Above UCL"
    assert f["trend"].iloc[-1] and f["outside_limits"].iloc[-1]
    assert f["rule"].iloc[-2] == "7 Point Trend (Increasing)"


# --- NHSRplotthedots results -------------------------------------------------------------------

def test_matches_nhsrplotthedots_snapshot():
    # tests/testthat/_snaps/ptd_spc_standard.md and _snaps/ptd_spc.md ("it outputs expected
    # content"): set.seed(123); rnorm(20) gives mean 0.142, lpl -3.01, upl 3.29, 20 common cause
    f = xmr(fixture("fictional_monthly_nhsr_rnorm20.csv"), "increase")
    assert f["mean"].iloc[0] == pytest.approx(0.142, abs=5e-4)
    assert f["lower"].iloc[0] == pytest.approx(-3.01, abs=5e-3)
    assert f["upper"].iloc[0] == pytest.approx(3.29, abs=5e-3)
    assert not f["special_cause"].any()
    assert latest_variation(f) == "common cause"


def test_matches_nhsrplotthedots_groups():
    # _snaps/ptd_spc.md, the same data split into two facets of ten: 0.0746, -2.60, 2.75 and
    # 0.209, -3.28, 3.70; a rebase splits the limits the same way
    s = fixture("fictional_monthly_nhsr_rnorm20.csv")
    f = xmr(s, "increase", rebase=[s.index[10]])
    first, last = f.iloc[0], f.iloc[-1]
    assert (first["mean"], first["lower"], first["upper"]) == pytest.approx((0.0746, -2.60, 2.75),
                                                                            abs=5e-3)
    assert (last["mean"], last["lower"], last["upper"]) == pytest.approx((0.209, -3.28, 3.70),
                                                                         abs=5e-3)
    assert f["short_group"].all()  # ten points each: NHSRplotthedots' short group warning


def test_screening_changes_limits_like_nhsrplotthedots():
    # tests/testthat/test-ptd_spc_standard.R "it returns expected values": y[15] <- 10 changes
    # the limits, and not screening gives wider limits than screening
    s = fixture("fictional_monthly_nhsr_rnorm20.csv").copy()
    r1 = xmr(s, "increase")
    s.iloc[14] = 10
    r2, r3 = xmr(s, "increase"), xmr(s, "increase", screen_outliers=False)
    assert len({r1["lower"].iloc[0], r2["lower"].iloc[0], r3["lower"].iloc[0]}) == 3
    assert (r3["upper"] - r3["lower"]).iloc[0] > (r2["upper"] - r2["lower"]).iloc[0]
    # and setting fix_after_n_points = 12 changes them too
    assert xmr(s, "increase", baseline=12)["lower"].iloc[0] != r2["lower"].iloc[0]


@pytest.mark.parametrize(("improvement", "expected"), [
    # tests/testthat/test-ptd_calculate_assurance_type.R: lpl, mean, upl rows (1, 2, 3),
    # (5, 6, 7), (1, 4, 5) with target 4
    ("increase", ["fail", "pass", "hit or miss"]),
    ("decrease", ["pass", "fail", "hit or miss"]),
    ("neither", [None, None, None]),
])
def test_assurance_matches_nhsrplotthedots(improvement, expected):
    rows = [(1, 2, 3), (5, 6, 7), (1, 4, 5)]
    got = []
    for lower, mean, upper in rows:
        frame = pd.DataFrame({"lower": [lower], "mean": [mean], "upper": [upper]})
        frame.attrs["improvement"] = improvement
        got.append(assurance(frame, 4))
    assert got == expected


# --- assurance and variation -------------------------------------------------------------------

@pytest.mark.parametrize(("improvement", "target", "expected"), [
    ("increase", 4, "pass"),  # below the lower limit 4.68: every month beats it
    ("increase", 16, "fail"),
    ("increase", 12, "hit or miss"),
    ("increase", UPPER, "hit or miss"),  # on a limit counts as within
    ("decrease", 4, "fail"),
    ("decrease", 16, "pass"),
    ("decrease", 12, "hit or miss"),
    ("neither", 16, None),
    ("increase", None, None),
    ("increase", float("nan"), None),
])
def test_assurance(improvement, target, expected):
    f = xmr(BASE, improvement)
    assert assurance(f, target) == expected


def test_assurance_uses_latest_period():
    f = xmr(BASE + [20, 22] * 6, "increase", rebase=[12])
    # the first period (4.68 to 15.32) would say hit or miss; the latest (21 -/+ 2.66 * 2 =
    # 15.68 to 26.32) is wholly above 12
    assert assurance(f, 12) == "pass"
    assert assurance(f, 20) == "hit or miss"


@pytest.mark.parametrize(("improvement", "tail", "variation", "side"), [
    ("increase", [9] + [10.5] * 7, "special cause improving", "high"),
    ("decrease", [9] + [10.5] * 7, "special cause concerning", "high"),
    ("increase", [9] + [9.5] * 7, "special cause concerning", "low"),
    ("decrease", [9] + [9.5] * 7, "special cause improving", "low"),
    ("neither", [9] + [10.5] * 7, "special cause neither", "high"),
    ("neither", [9] + [9.5] * 7, "special cause neither", "low"),
])
def test_variation_by_direction(improvement, tail, variation, side):
    f = xmr(BASE + tail, improvement, baseline=12)
    assert f["variation"].iloc[-1] == variation
    assert f["side"].iloc[-1] == side
    assert f["variation"].iloc[0] == "common cause"
    assert pd.isna(f["side"].iloc[0])


def test_enough_points():
    assert minimum_points == 12
    assert [enough_points(n) for n in (0, 11, 12, 30)] == [False, False, True, True]


@pytest.mark.parametrize(("args", "kw", "message"), [
    (([1, 2, 3], "up"), {}, "improvement"),
    (([1.0, float("nan"), 3.0], "increase"), {}, "missing"),
    ((list(range(20)), "increase"), {"baseline": 6}, "at least 12"),
    ((list(range(20)), "increase"), {"rebase": [99]}, "not in the series"),
])
def test_invalid_input(args, kw, message):
    with pytest.raises(ValueError, match=message):
        xmr(*args, **kw)


# --- chart, icons and words --------------------------------------------------------------------

def months_series() -> pd.Series:
    values = BASE + [9] + [10.5] * 7
    return pd.Series(values, index=pd.date_range("2022-01-01", periods=len(values), freq="MS"))


def months_frame(improvement: str = "increase") -> pd.DataFrame:
    return xmr(months_series(), improvement, baseline=12)


def months_result(improvement: str = "increase", target: float | None = None) -> Result:
    return analyse(months_series(), improvement, target, baseline=12)


def test_chart():
    chart = xmr_chart(months_result(target=16), "Fictional visits", "Visits (number)")
    assert chart.image.startswith(b"\x89PNG\r\n\x1a\n")
    assert chart.data.headers == ["Period", "Value", "Average", "Lower limit", "Upper limit",
                                  "Special cause"]
    assert chart.data.rows[0][0] == "January 2022"  # a month by its name
    # the rule in words, never NHSRplotthedots' label ("7 Points Above CL")
    assert chart.data.rows[-1][-1] == "Special cause improving (7 points in a row above the average)"
    assert chart.data.rows[0][-1] == "Common cause"
    assert "Special cause improving variation" in chart.alt
    assert "7 points show special cause variation" in chart.alt
    assert "missed every time" in chart.alt
    assert "process limits 4.7 to 15.3" in chart.alt
    assert chart.caption == ""
    assert "average 10" in chart.alt
    from perflib.present.html import block

    assert "<figure" in block(chart)


def test_chart_percent_and_short_series():
    r = analyse([50, 52, 51, 49, 50, 53], "decrease")
    chart = xmr_chart(r, "Fictional rate", "Rate (%)", percent=True)
    assert "53.0%" in chart.alt and "fewer than the 12 needed" in chart.alt
    assert "trial limits" in chart.caption


@pytest.mark.parametrize(("variation", "improvement", "side", "label", "letter"), [
    ("common cause", "increase", None, "Common cause variation", ">C<"),
    ("special cause improving", "increase", None, "Special cause improving variation: high values",
     ">H<"),
    ("special cause improving", "decrease", None, "Special cause improving variation: low values",
     ">L<"),
    ("special cause concerning", "increase", None,
     "Special cause concerning variation: low values", ">L<"),
    ("special cause neither", "neither", "high", "Special cause neither variation: high values",
     ">H<"),
])
def test_variation_icon(variation, improvement, side, label, letter):
    svg = variation_icon(variation, improvement, side)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert f'aria-label="{label}"' in svg
    assert letter in svg


@pytest.mark.parametrize(("result", "letter", "words"), [
    ("pass", ">P<", "consistently pass"),
    ("fail", ">F<", "consistently fail"),
    ("hit or miss", ">?<", "hit or miss the target"),
    (None, ">–<", "no target"),
])
def test_assurance_icon(result, letter, words):
    svg = assurance_icon(result)
    assert 'role="img"' in svg and 'aria-label="Target assurance' in svg
    assert letter in svg and words in svg


@pytest.mark.parametrize(("improvement", "target", "expected"), [
    ("increase", 12, "Common cause variation; the target lies within the process limits, so it "
                     "will be hit or missed at random."),
    ("increase", None, "Common cause variation; there is no target."),
    ("neither", 12, "Common cause variation; there is no target assurance because neither "
                    "direction counts as better."),
])
def test_summary_words(improvement, target, expected):
    assert spc_summary_words(analyse(BASE, improvement, target)) == expected


def test_summary_words_signal_and_too_few_points():
    words = spc_summary_words(months_result("neither"))
    assert words.startswith("Special cause variation (high values; neither direction")
    assert "fewer than the 12" in spc_summary_words(analyse([1, 2, 3], "increase", 2))


def test_one_result_for_the_chart_its_key_and_its_words():
    r = months_result(target=16)
    assert (r.variation, r.assurance, r.side) == ("special cause improving", "fail", "high")
    assert assurance_key(r).startswith("Fail: the target lies beyond the process limits")
    assert assurance_key(analyse(BASE, "increase")) == "None: there is no target"
    assert assurance_key(analyse(BASE, "neither", 12)) == (
        "None: neither direction counts as better")


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_very_short_series(n):
    f = xmr(list(range(n)), "increase")
    assert len(f) == n
    assert not f["special_cause"].any()
    assert f["short_group"].all()
