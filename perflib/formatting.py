"""Values printed the way the council's reports print them.

A measure's figure is printed by :func:`perflib.units.show`, as its unit decides; this module
prints the rest: finance tables (negatives in brackets, as finance reports write them), counts in
deep dives, chart tables, dates and the cells of published CSVs.

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

#: The minus sign (U+2212) every printed figure below zero starts with: screen readers read it
#: as "minus", where a hyphen before a number is read as a dash or not at all.
MINUS = "\u2212"


def _known(x: float | None) -> TypeGuard[float]:
    """Whether there is a figure: neither None nor NaN (pandas' missing value)."""
    return x is not None and not (isinstance(x, float) and math.isnan(x))


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


def number(v: float) -> str:
    """A figure of a chart's data table: one decimal where it has a fraction, a true minus sign.

    >>> number(-3.25), number(1200.0)
    ('−3.2', '1,200')
    """
    text = f"{abs(v):,.1f}" if v % 1 else f"{abs(v):,.0f}"
    return MINUS + text if text.strip("0.,") and v < 0 else text


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
