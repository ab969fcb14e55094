"""Making Data Count statistical process control (XmR charts), computed over whole arrays.

The rules, defaults and edge cases follow the NHSRplotthedots R package (the NHS-R community's
reference implementation of NHS England's "Making Data Count" guidance), so a committee sees
the same signals here as an NHS analyst would from the same figures:

* limits are the mean plus or minus 2.66 times the mean moving range, with moving ranges of
  3.267 times their mean or more screened out first (``screen_outliers``);
* a point is special cause if it is outside a limit, part of a run of ``shift`` points on one
  side of the mean (a point exactly on the mean breaks the run and is never part of one), part
  of ``trend`` points each higher (or each lower) than the one before (an equal value breaks
  it), or one of two out of three points beyond two-thirds of the way to a limit, all three
  on the same side of the mean;
* limits can be recalculated from stated period starts (``rebase``) and fixed on the first
  ``baseline`` points of each period.

This module only computes; :mod:`perflib.spc_chart` draws.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

#: NHSRplotthedots warns that limits from fewer points than this are only trial limits.
minimum_points = 12

#: Process limits sit this many mean moving ranges from the mean (3 sigma for an XmR chart).
LIMIT = 2.66
#: "Near a limit" means beyond two-thirds of the way from the mean to it.
NEAR_LIMIT = 2 * LIMIT / 3
#: Moving ranges this many times their mean or more are screened out (Nelson 1982).
SCREEN = 3.267

Improvement = Literal["increase", "decrease", "neither"]
_DIRECTION = {"increase": 1, "decrease": -1, "neither": 0, "neutral": 0}
VARIATIONS = ("common cause", "special cause improving", "special cause concerning",
              "special cause neither")


def enough_points(n: int) -> bool:
    """Whether ``n`` points are enough for an SPC chart with robust limits.

    Below :data:`minimum_points` NHSRplotthedots calls the limits trial limits; our reports
    then show no SPC chart at all rather than a chart that over-states its certainty.

    >>> enough_points(11), enough_points(12)
    (False, True)
    """
    return n >= minimum_points


def _improvement(improvement: str) -> int:
    try:
        return _DIRECTION[improvement]
    except KeyError:
        raise ValueError(f"improvement must be 'increase', 'decrease' or 'neither', "
                         f"not {improvement!r}") from None


def _run_length(key: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Length of the run of equal ``key`` values (within one group) each element belongs to."""
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=int)
    starts = np.ones(n, dtype=bool)
    starts[1:] = (key[1:] != key[:-1]) | (group[1:] != group[:-1])
    run = np.cumsum(starts)
    return np.bincount(run)[run]


def _groups(index: pd.Index, rebase: Sequence[Hashable] | None) -> np.ndarray:
    """Number each point by the period its limits come from (a new period at each rebase)."""
    if not rebase:
        return np.zeros(len(index), dtype=int)
    missing = [r for r in rebase if r not in index]
    if missing:
        raise ValueError(f"rebase points not in the series: {missing}")
    return np.cumsum(index.isin(list(rebase))).astype(int)


def xmr(values: Sequence[float] | pd.Series, improvement: Improvement, *, shift: int = 7,
        trend: int = 7, beyond_limits: bool = False, screen_outliers: bool = True,
        baseline: int | None = None, rebase: Sequence[Hashable] | None = None) -> pd.DataFrame:
    """XmR (individuals) chart figures and special-cause signals for one series.

    Parameters
    ----------
    values
        The measure, one value per period in time order with no gaps or missing values.
        A Series keeps its index (e.g. the months) on the result.
    improvement
        Which way is better: ``"increase"``, ``"decrease"`` or ``"neither"``. Decides
        whether a signal is improving or concerning, not whether there is one.
    shift, trend
        Run lengths for the shift and trend rules (7, as NHSRplotthedots and Making Data Count;
        some councils and the Making Data Count Excel tool use a shift of 6).
    beyond_limits
        Whether a point beyond a process limit counts towards "2 of 3 near a limit", as Making
        Data Count has since 2023; NHSRplotthedots (the default) counts only points between
        two-thirds of the way to a limit and the limit itself.
    screen_outliers
        Drop moving ranges of 3.267 times their mean or more before setting the limits, so one
        exceptional month does not widen them (NHSRplotthedots' default; the Making Data Count
        Excel tool does not screen, so pass False to match it).
    baseline
        Fix the mean and limits on the first ``baseline`` points of each period (at least
        :data:`minimum_points`, as NHSRplotthedots' ``fix_after_n_points``), so later points
        are judged against a settled process rather than moving the goalposts.
    rebase
        Index labels where the process changed; each starts a new period with its own limits
        and rules never run across a change (NHSRplotthedots' ``rebase``).

    Returns
    -------
    pandas.DataFrame
        One row per point: ``value``, ``period_group``, ``moving_range`` (all of them),
        ``moving_range_used`` (counted in the limits), ``mean_moving_range``, ``mean``,
        ``lower``, ``upper``, ``near_lower``, ``near_upper``, ``relative_to_mean`` (-1, 0, 1),
        one bool column per rule (``outside_limits``, ``shift``, ``trend``,
        ``two_of_three``), ``special_cause``, ``rule`` (the NHSRplotthedots label of the rule
        that classifies the point), ``side`` ("high"/"low" for special cause), ``variation``
        and ``short_group`` (period has fewer than 12 points). ``attrs`` records the
        improvement direction and settings.

    Examples
    --------
    A steady process, then seven months in a row above its mean:

    >>> f = xmr([8, 12, 9, 11, 8, 12, 10, 9, 11, 8, 11, 12, 11, 12, 11, 12, 11], "increase")
    >>> f["special_cause"].tolist()[-8:]
    [False, True, True, True, True, True, True, True]
    >>> f["variation"].iloc[-1], f["rule"].iloc[-1]
    ('special cause improving', '7 Points Above CL')
    """
    direction = _improvement(improvement)
    if shift < 2 or trend < 3:
        raise ValueError("shift must be at least 2 points and trend at least 3")
    if baseline is not None and baseline < minimum_points:
        raise ValueError(f"baseline must be at least {minimum_points} points, as in NHSRplotthedots")
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=float)
    y = series.to_numpy(dtype=float)
    if np.isnan(y).any():
        raise ValueError("values must not have missing points: SPC needs an unbroken series")
    index = series.index
    n = len(y)
    group = _groups(index, rebase)
    g = pd.Series(group)
    pos = g.groupby(group).cumcount().to_numpy()
    same_as_prev = np.r_[False, group[1:] == group[:-1]]

    # limits come from the baseline points of each period only
    fixed = pd.Series(np.where(pos < (baseline or np.inf), y, np.nan))
    mean = fixed.groupby(group).transform("mean").to_numpy()
    mr_fixed = fixed.groupby(group).diff().abs()
    amr = mr_fixed.groupby(group).transform("mean")
    if screen_outliers:
        mr_fixed = mr_fixed.where(mr_fixed < SCREEN * amr)
        amr = mr_fixed.groupby(group).transform("mean")
    amr = amr.to_numpy()
    lower, upper = mean - LIMIT * amr, mean + LIMIT * amr
    near_lower, near_upper = mean - NEAR_LIMIT * amr, mean + NEAR_LIMIT * amr

    outside = (y > upper) | (y < lower)
    rtm = np.sign(y - mean)
    near = ~outside & ((y < near_lower) | (y > near_upper))

    # shift: a maximal run of same-side points (the mean itself breaks runs) of `shift` or more
    on_shift = (rtm != 0) & (_run_length(rtm, group) >= shift)

    # trend: `trend` points need trend - 1 consecutive rises (or falls); d[i] compares i with i-1
    d = np.where(same_as_prev, np.sign(np.r_[0.0, np.diff(y)]), 0.0)
    rising_run = (d != 0) & (_run_length(d, group) >= trend - 1)
    on_trend = rising_run | np.r_[rising_run[1:], False]

    # two of three: a window of three consecutive points in one period, all on the same side of
    # the mean, at least two of them near a limit (and, with beyond_limits, past it); flag them
    if beyond_limits:
        near = (y < near_lower) | (y > near_upper)
    w_near = np.zeros(n, dtype=int)
    w_side = np.zeros(n)
    w_ok = np.zeros(n, dtype=bool)
    if n >= 3:
        w_near[:-2] = near[:-2].astype(int) + near[1:-1] + near[2:]
        w_side[:-2] = rtm[:-2] + rtm[1:-1] + rtm[2:]
        w_ok[:-2] = group[:-2] == group[2:]
    window = w_ok & (w_near >= 2) & (np.abs(w_side) == 3)
    padded = np.r_[False, False, window]
    in_window = window | padded[1:n + 1] | padded[:n]  # a window starting here or 1, 2 before
    on_two = near & in_window

    # the direction of a trend point: the step to the next point if that is in the trend too
    next_d = np.r_[d[1:], 0.0]
    next_in_trend = np.r_[on_trend[1:], False] & np.r_[same_as_prev[1:], False]
    trend_sign = np.where(on_trend & next_in_trend, next_d, d)

    above = np.where(rtm > 0, "Above", "Below")
    rule = np.select(
        [outside, on_trend, on_two, on_shift],
        [np.where(rtm == 1, "Above UCL", "Below LCL"),
         np.char.add(f"{trend} Point Trend (",
                     np.where(trend_sign == 1, "Increasing)", "Decreasing)")),
         np.char.add("2 in 3 ", np.char.add(above, " CL")),
         np.char.add(f"{shift} Points ", np.char.add(above, " CL"))],
        default="Common Cause")
    special = rule != "Common Cause"
    high = np.select([outside | on_two | on_shift, on_trend], [rtm > 0, trend_sign == 1], False)
    # None where common cause; an object array, as numpy's stubs take no bare None here
    side = np.where(special, np.where(high, "high", "low"), np.array(None, dtype=object))
    signed = np.where(high, 1, -1) * direction
    variation = np.select(
        [~special, direction == 0, signed > 0],
        ["common cause", "special cause neither", "special cause improving"],
        default="special cause concerning")

    frame = pd.DataFrame({
        "value": y, "period_group": group,
        "moving_range": np.abs(pd.Series(y).groupby(group).diff().to_numpy()),
        "moving_range_used": mr_fixed.notna().to_numpy(),
        "mean_moving_range": amr, "mean": mean, "lower": lower, "upper": upper,
        "near_lower": near_lower, "near_upper": near_upper, "relative_to_mean": rtm.astype(int),
        "outside_limits": outside, "shift": on_shift, "trend": on_trend, "two_of_three": on_two,
        "special_cause": special, "rule": rule, "side": side, "variation": variation,
        "short_group": g.groupby(group).transform("size").to_numpy() < minimum_points,
    }, index=index)
    frame.attrs.update(improvement="neither" if direction == 0 else improvement, shift=shift,
                       trend=trend, beyond_limits=beyond_limits,
                       screen_outliers=screen_outliers, baseline=baseline)
    return frame


def assurance(frame: pd.DataFrame, target: float | None,
              improvement: Improvement | None = None) -> str | None:
    """Whether the process will meet ``target``: "pass", "fail" or "hit or miss".

    Judged against the latest period's limits, as NHSRplotthedots does: a target beyond the
    limits on the bad side will be failed every time until the process changes; beyond them on
    the good side, met every time; between them (or exactly on one), met or missed at random.
    There is no assurance (None) without a target or when neither direction is better.

    Parameters
    ----------
    frame
        The result of :func:`xmr`; its ``attrs`` give the improvement direction.
    target
        The target value, or None.
    improvement
        Overrides the direction recorded on ``frame``.

    Examples
    --------
    >>> f = xmr([10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9], "increase")
    >>> print(f"{f['lower'].iloc[-1]:.2f} to {f['upper'].iloc[-1]:.2f}")
    6.37 to 13.63
    >>> assurance(f, 5), assurance(f, 20), assurance(f, 12), assurance(f, None)
    ('pass', 'fail', 'hit or miss', None)
    """
    direction = _improvement(improvement or frame.attrs.get("improvement", "neither"))
    if target is None or pd.isna(target) or direction == 0 or frame.empty:
        return None
    last = frame.iloc[-1]
    if target > last["upper"]:
        return "fail" if direction > 0 else "pass"
    if target < last["lower"]:
        return "pass" if direction > 0 else "fail"
    return "hit or miss"


def latest_variation(frame: pd.DataFrame) -> str:
    """The variation at the latest point, which Making Data Count icons and summaries report.

    >>> latest_variation(xmr([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2], "increase"))
    'common cause'
    """
    return str(frame["variation"].iloc[-1])


_RULE_WORDS = (
    (re.compile(r"^Above UCL$"), "above the upper process limit"),
    (re.compile(r"^Below LCL$"), "below the lower process limit"),
    (re.compile(r"^(\d+) Point Trend \(Increasing\)$"), r"\1 points in a row each rising"),
    (re.compile(r"^(\d+) Point Trend \(Decreasing\)$"), r"\1 points in a row each falling"),
    (re.compile(r"^2 in 3 Above CL$"), "2 of 3 points near the upper process limit"),
    (re.compile(r"^2 in 3 Below CL$"), "2 of 3 points near the lower process limit"),
    (re.compile(r"^(\d+) Points Above CL$"), r"\1 points in a row above the average"),
    (re.compile(r"^(\d+) Points Below CL$"), r"\1 points in a row below the average"),
    (re.compile(r"^Common Cause$"), "common cause"),
)


def rule_words(rule: str) -> str:
    """A rule's label (NHSRplotthedots', as :func:`xmr` gives it) as a committee reads it.

    >>> rule_words("7 Points Below CL"), rule_words("Above UCL")
    ('7 points in a row below the average', 'above the upper process limit')
    """
    for pattern, words in _RULE_WORDS:
        if pattern.match(rule):
            return pattern.sub(words, rule)
    return rule


@dataclass(frozen=True)
class Options:
    """The special-cause rules a council states (council.yaml's or portfolio.yaml's ``spc:``).

    Making Data Count tools differ: a shift of 7 (NHSRplotthedots) or 6 (some councils, the MDC
    Excel tool), a trend of 7 or 6, and whether a point beyond a limit counts towards "2 of 3 near
    a limit" (MDC since 2023) or not (NHSRplotthedots). The defaults are NHSRplotthedots'.
    """

    shift: int = 7
    trend: int = 7
    beyond_limits: bool = False

    def describe(self) -> str:
        """The rules in a sentence, printed beneath every chart that used them.

        >>> print(Options().describe())  # doctest: +NORMALIZE_WHITESPACE
        Rules used: a shift of 7 points on one side of the average, a trend of 7 points each
        rising or each falling, and 2 of 3 points near a limit (points beyond a limit not
        counted).
        """
        counted = "counted" if self.beyond_limits else "not counted"
        return (f"Rules used: a shift of {self.shift} points on one side of the average, a trend "
                f"of {self.trend} points each rising or each falling, and 2 of 3 points near a "
                f"limit (points beyond a limit {counted}).")


@dataclass(frozen=True)
class Result:
    """One measure's SPC, worked out once: the chart draws it and the report words it."""

    #: the :func:`xmr` frame: a row per point, with its limits and signals
    frame: pd.DataFrame
    improvement: Improvement
    target: float | None
    #: the variation at the latest point (:func:`latest_variation`)
    variation: str
    #: "pass", "fail", "hit or miss", or None (no target, or neither direction better)
    assurance: str | None
    #: the rules the signals were found with
    options: Options = Options()

    @property
    def side(self) -> str | None:
        """Which side of the mean the latest special-cause point is on ("high", "low")."""
        side = self.frame["side"].iloc[-1] if "side" in self.frame else None
        return side if isinstance(side, str) else None


def analyse(values: Sequence[float] | pd.Series, improvement: Improvement,
            target: float | None = None, options: Options | None = None,
            **settings: Any) -> Result:
    """The XmR frame, the latest variation and the target's assurance of one series, once.

    ``options`` are the council's rules; ``settings`` go to :func:`xmr` as they are
    (``baseline``, ``rebase`` ...).
    """
    options = options or Options()
    frame = xmr(values, improvement, shift=options.shift, trend=options.trend,
                beyond_limits=options.beyond_limits, **settings)
    target = None if target is None or pd.isna(target) else float(target)
    return Result(frame, improvement, target, latest_variation(frame),
                  assurance(frame, target, improvement), options)
