"""Values printed the way the council's reports print them.

>>> percentage(90.8, 1, 1014, 1117)
'90.8% (1,014 of 1,117)'
>>> count(156557)
'156,557'
>>> millions(0.46, 2)
'0.46m'
>>> money(-44)
'(44)'
>>> money(5642)
'5,642'
>>> money_pct(9.27)
'9.3%'
>>> money_m(32)
'£0.032m'
>>> plain(27600.0, 0), plain(32.0, 1), plain(41.0), plain(float("nan"), 1)
('27600', '32.0', '41', None)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any, TypeGuard

import pandas as pd


def _known(x: float | None) -> TypeGuard[float]:
    """Whether there is a figure: neither None nor NaN (pandas' missing value)."""
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def percentage(value: float, decimals: int, numerator: float | None = None,
               denominator: float | None = None) -> str:
    """A percentage, with 'n of d' after it when both are known."""
    text = f"{value:.{decimals}f}%"
    if _known(numerator) and _known(denominator):
        text += f" ({int(numerator):,} of {int(denominator):,})"
    return text


def count(value: float) -> str:
    """A whole count with thousands separators."""
    return f"{value:,.0f}"


def millions(value: float, decimals: int = 2) -> str:
    """A figure already in millions, as '0.46m'."""
    return f"{value:.{decimals}f}m"


def money(value: float) -> str:
    """£000 with a thousands separator and negatives in brackets."""
    rounded = round(value)
    return f"({abs(rounded):,})" if rounded < 0 else f"{rounded:,}"


def money_pct(value: float) -> str:
    """A percentage of a budget, negatives in brackets."""
    if not _known(value):
        return ""
    return f"({abs(value):.1f}%)" if round(value, 1) < 0 else f"{value:.1f}%"


def money_m(value_000: float) -> str:
    """£000 as £m to three places, as the overview prints reserve use ('£0.032m')."""
    return f"£{abs(value_000) / 1000:.3f}m"


def value(unit: str, v: float | None, decimals: int, numerator: float | None = None,
          denominator: float | None = None) -> str:
    """Format a measure's value by its unit; '' when there is none."""
    if not _known(v):
        return ""
    if unit == "percentage":
        return percentage(v, decimals, numerator, denominator)
    if unit == "millions":
        return millions(v, decimals)
    return f"{v:,.{decimals}f}"


def plain(v: float | None, decimals: float | None = None) -> str | None:
    """A figure as a published data file carries it, or ``None`` when there is none.

    To the decimals the report prints (``None``: as short as it goes), with no separator or
    unit, so a CSV read in Excel shows what the report showed: a count 27600, not 27600.0.
    """
    if v is None or pd.isna(v):
        return None
    if decimals is None or pd.isna(decimals):
        return format(float(v), ".15g")
    return f"{float(v):.{int(decimals)}f}"


def plain_all(values: pd.Series, decimals: Iterable[Any] | float | None = None) -> pd.Series:
    """:func:`plain` for a column, with one number of decimals or one per value.

    The column stays text (object), so an empty cell is ``None`` rather than NaN.
    """
    if decimals is None or isinstance(decimals, (int, float)):
        decimals = [decimals] * len(values)
    return pd.Series([plain(v, d) for v, d in zip(values, decimals, strict=True)],
                     index=values.index, dtype=object)


def long_date(d: date, precision: str = "day") -> str:
    """A date at the precision it was published: '7 June 2021', 'August 2020', 'early August 2020'.

    >>> long_date(date(2020, 8, 1), "early")
    'early August 2020'
    """
    if precision == "day":
        return f"{d.day} {d:%B %Y}"
    if precision == "month":
        return f"{d:%B %Y}"
    return f"{precision} {d:%B %Y}"


#: Where on the month a date known only to part of a month is drawn on a chart.
PART_OF_MONTH = {"early": 5, "mid": 15, "late": 25, "month": 15}
