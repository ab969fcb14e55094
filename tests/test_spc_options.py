"""The special-cause rules a council can state, each on a fictional series worked out by hand.

Every series starts with the same twelve fictional points, 10 and 12 in turn: with the limits
fixed on them (baseline 12) the mean is 11, every moving range 2, so the process limits are
11 +/- 2.66 x 2 = 5.68 to 16.32 and "near a limit" begins two-thirds of the way out, beyond
14.547 (or below 7.453).
"""

from __future__ import annotations

import pytest

from perflib.spc import Options, analyse

BASE = [10.0, 12.0] * 6


def rules(tail: list[float], options: Options) -> list[str]:
    """The rule each point after the twelve baseline points is flagged by."""
    r = analyse(BASE + tail, "increase", None, options, baseline=12)
    assert (r.frame["mean"].iloc[-1], r.frame["upper"].iloc[-1]) == (11.0, pytest.approx(16.32))
    return r.frame["rule"].tolist()[12:]


def test_a_shift_of_six_flags_six_points_above_the_mean_a_shift_of_seven_does_not():
    # the last baseline point (12) is above the mean: a 10 below it first, then six above
    six_above = [10.0] + [11.5] * 6
    assert rules(six_above, Options(shift=6)) == ["Common Cause"] + ["6 Points Above CL"] * 6
    assert rules(six_above, Options(shift=7)) == ["Common Cause"] * 7


def test_a_trend_of_six_flags_six_rising_points_a_trend_of_seven_does_not():
    # 12 (the last baseline point) falls to 9, then five rises: six points each rising
    rising = [9.0, 9.5, 10.0, 10.5, 11.0, 11.5]
    assert rules(rising, Options(trend=6)) == ["6 Point Trend (Increasing)"] * 6
    assert rules(rising, Options(trend=7)) == ["Common Cause"] * 6


def test_a_point_beyond_a_limit_counts_towards_two_of_three_only_when_the_council_says():
    # 15 is near the upper limit, 17 beyond it, 12 above the mean but not near: all one side
    tail = [15.0, 17.0, 12.0]
    assert rules(tail, Options(beyond_limits=False)) == ["Common Cause", "Above UCL",
                                                        "Common Cause"]
    assert rules(tail, Options(beyond_limits=True)) == ["2 in 3 Above CL", "Above UCL",
                                                       "Common Cause"]


def test_the_rules_a_chart_used_are_said_in_words():
    assert Options(shift=6, trend=6, beyond_limits=True).describe() == (
        "Rules used: a shift of 6 points on one side of the average, a trend of 6 points each "
        "rising or each falling, and 2 of 3 points near a limit (points beyond a limit "
        "counted).")
