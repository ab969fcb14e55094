"""RAG rating and direction of travel, vectorised over whole columns.

The rules are the council's published ones: Green on or better than target; Amber worse than target
by no more than ``tolerance`` (5%) of the target, or by no more than an absolute ``band`` where a
measure gives one; Red beyond that. Trend compares a value with the
previous period's: Stable under ``threshold`` (1%) relative change, else better or worse by polarity.
Both run as NumPy array expressions so a million observations take a fraction of a second.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

#: A RAG rating, the rule's or a council's own ("" in a column where none applies).
Rating = Literal["Red", "Amber", "Green"]
#: A direction of travel ("" in a column where it cannot be said).
Trend = Literal["Getting better", "Stable", "Getting worse"]
RED: Final = "Red"
AMBER: Final = "Amber"
GREEN: Final = "Green"
BETTER: Final = "Getting better"
STABLE: Final = "Stable"
WORSE: Final = "Getting worse"

# Floating point: 0.05 * 90 is 4.500000000000001, so "exactly 5% off" needs a little slack.
_EPS = 1e-9


def _prepare(a: npt.ArrayLike, b: npt.ArrayLike, polarity: npt.ArrayLike
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two float columns, whether higher is better, and where either a value or polarity is missing."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    pol = np.asarray(polarity)
    high = pol == "High"
    missing = ~(high | (pol == "Low")) | np.isnan(x) | np.isnan(y)
    return x, y, high, missing


def rag(
    value: npt.ArrayLike,
    target: npt.ArrayLike,
    polarity: npt.ArrayLike,
    rateable: npt.ArrayLike | bool = True,
    tolerance: npt.ArrayLike | float = 0.05,
    band: npt.ArrayLike | float = np.nan,
) -> np.ndarray:
    """Rate each value against its target; ``""`` where no rating applies.

    No rating is given where ``rateable`` is false (contextual measures, targets that are not
    numerical), where the value or target is missing, or where polarity is neither High nor Low.
    Amber reaches ``tolerance`` times the target, or ``band`` (in the measure's own unit) where
    that is not NaN: some indicators are judged by points, not by a share of their target.

    >>> rag([95, 86, 85], [90, 90, 90], ["High"] * 3).tolist()
    ['Green', 'Amber', 'Red']
    >>> rag([31.1], [31], ["Low"]).tolist()
    ['Amber']
    >>> rag([82.5, 82.4], [85, 85], ["High"] * 2, band=2.5).tolist()
    ['Amber', 'Red']
    """
    v, t, high, missing = _prepare(value, target, polarity)
    shortfall = np.where(high, t - v, v - t)
    given = np.asarray(band, dtype=float)
    allowed = np.where(np.isnan(given), np.asarray(tolerance, dtype=float) * np.abs(t), given)
    slack = _EPS * np.maximum(np.abs(t), 1.0)
    out = np.where(shortfall <= slack, GREEN, np.where(shortfall <= allowed + slack, AMBER, RED))
    ok = ~missing & np.asarray(rateable, dtype=bool)
    return np.where(ok, out, "").astype(object)


def trend(
    current: npt.ArrayLike,
    previous: npt.ArrayLike,
    polarity: npt.ArrayLike,
    threshold: npt.ArrayLike | float = 0.01,
) -> np.ndarray:
    """Direction of travel from ``previous`` to ``current``; ``""`` where it cannot be said.

    >>> trend([101, 100.5, 90], [100, 100, 100], ["High"] * 3).tolist()
    ['Getting better', 'Stable', 'Getting worse']
    >>> trend([28.9], [33.9], ["Low"]).tolist()
    ['Getting better']
    """
    now, before, high, missing = _prepare(current, previous, polarity)
    change = now - before
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(before != 0, np.abs(change) / np.abs(before),
                            np.where(change == 0, 0.0, np.inf))
    stable = relative < np.asarray(threshold, dtype=float) - _EPS
    improved = np.where(high, change > 0, change < 0)
    out = np.where(stable, STABLE, np.where(improved, BETTER, WORSE))
    return np.where(missing, "", out).astype(object)


def rate(m: Any, tolerance: float) -> Any:
    """The rule's rating of every measure in a register frame (annual or year to date alike).

    ``m`` has the columns value, target, polarity, category and target_type; a contextual
    measure, or one without a numerical target, gets no rating. A measure's own threshold (its
    optional ``amber_tolerance`` or ``amber_band`` column) comes before the year's ``tolerance``.
    """
    rateable = (m["category"] != "Contextual") & (m["target_type"] == "numerical")
    own = m.get("amber_tolerance")
    share = tolerance if own is None else np.where(own.isna(), tolerance, own).astype(float)
    band = m.get("amber_band")
    return rag(m["value"], m["target"], m["polarity"], rateable, share,
               np.nan if band is None else band.astype(float))
