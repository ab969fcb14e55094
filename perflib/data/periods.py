"""Periods: a financial year (``2021/22``), a quarter of it (``2021/22 Q1``) or a month (``2021/22 M01``).

Financial years run April to March: ``Q1`` is April to June and ``M01`` is April, ``M12`` March.
Report years (the ``report`` and ``year`` columns, portfolio.yaml's ``years``) are always whole
years; only an observation's ``period`` may be a quarter or a month.

Labels sort as plain strings in time order within a kind: ``2021/22 Q1`` < ``2021/22 Q2`` and
``2021/22 M01`` < ``2021/22 M12``, and every label of a year sorts after the years before it.
This module imports nothing from the rest of perflib, so :mod:`perflib.data.schema` can use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only its Series' own methods are used: a client that plans imports no pandas
    import pandas as pd

YEAR_RE = re.compile(r"^(\d{4})/(\d{2})$")
SUB_RE = re.compile(r"^(\d{4})/(\d{2}) (?:Q([1-4])|M(0[1-9]|1[0-2]))$")
#: A calendar month written ``2021-04``: refused with a hint to write ``2021/22 M01``.
CALENDAR_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
#: How many sub-periods make a year.
PER_YEAR = {"quarter": 4, "month": 12}
MONTH_NAMES = ("April", "May", "June", "July", "August", "September", "October", "November",
               "December", "January", "February", "March")


@dataclass(frozen=True)
class Period:
    """A parsed period label: its year, its kind (year, quarter, month) and its number in the year."""

    year: str
    kind: str
    number: int = 0

    @property
    def label(self) -> str:
        """The label as the data writes it."""
        if self.kind == "quarter":
            return f"{self.year} Q{self.number}"
        if self.kind == "month":
            return f"{self.year} M{self.number:02d}"
        return self.year

    @property
    def quarter(self) -> int:
        """The quarter a quarter or month falls in (4 for a whole year)."""
        if self.kind == "month":
            return (self.number - 1) // 3 + 1
        return self.number if self.kind == "quarter" else 4

    @property
    def ordinal(self) -> int:
        """A running count of periods of this kind, so consecutive periods differ by one.

        >>> parse("2022/23 Q1").ordinal - parse("2021/22 Q4").ordinal
        1
        """
        start = int(self.year[:4])
        if self.kind == "year":
            return start
        return start * PER_YEAR[self.kind] + self.number - 1


def parse(text: str) -> Period | None:
    """A period label parsed, or ``None`` when it is not one.

    >>> parse("2021/22 Q2")
    Period(year='2021/22', kind='quarter', number=2)
    >>> parse("2021/22 M12").quarter
    4
    """
    text = str(text).strip()
    m = YEAR_RE.match(text)
    if m:
        return Period(text, "year") if _consecutive(m.group(1), m.group(2)) else None
    m = SUB_RE.match(text)
    if not m or not _consecutive(m.group(1), m.group(2)):
        return None
    year = f"{m.group(1)}/{m.group(2)}"
    if m.group(3):
        return Period(year, "quarter", int(m.group(3)))
    return Period(year, "month", int(m.group(4)))


def _consecutive(first: str, second: str) -> bool:
    return (int(first) + 1) % 100 == int(second)


def problem(text: str) -> str | None:
    """Say what is wrong with a period label (year, quarter or month), or ``None`` when valid.

    >>> problem("2021/22 Q3") is None, problem("2021/22 M01") is None
    (True, True)
    >>> problem("2021/22 Q5")
    "'2021/22 Q5' is not a year (2021/22), quarter (2021/22 Q1) or month (2021/22 M01)"
    """
    text = str(text)
    if parse(text) is not None:
        return None
    m = YEAR_RE.match(text)
    if m:
        return f"'{text}' does not span two consecutive years"
    m = CALENDAR_MONTH_RE.match(text)
    if m:
        month = int(m.group(2))
        start = int(m.group(1)) - (month < 4)
        label = Period(f"{start}/{(start + 1) % 100:02d}", "month", (month - 4) % 12 + 1).label
        return (f"'{text}' is a calendar month: months are written by financial year, so "
                f"{MONTH_NAMES[(month - 4) % 12]} {m.group(1)} is '{label}'")
    if re.match(r"^\d{4}/\d{2} ", text):
        return f"'{text}' is not a year (2021/22), quarter (2021/22 Q1) or month (2021/22 M01)"
    return f"'{text}' is not a period in the form YYYY/YY"


def year_problem(text: str) -> str | None:
    """Say what is wrong with a *report year*, which must be a whole year like 2021/22.

    >>> year_problem("2021/22 Q1")
    "'2021/22 Q1' is a quarter, but a report year is a whole year like 2021/22"
    """
    p = parse(str(text))
    if p is None:
        return problem(str(text))
    if p.kind != "year":
        return f"'{text}' is a {p.kind}, but a report year is a whole year like {p.year}"
    return None


def is_year(labels: pd.Series) -> pd.Series:
    """Which labels are whole years (vectorised; anything else, even a bad label, is not)."""
    return labels.astype("string").str.fullmatch(YEAR_RE.pattern).fillna(False).astype(bool)


def year_of(labels: pd.Series) -> pd.Series:
    """The year each label belongs to: '2021/22 Q1' -> '2021/22'."""
    return labels.astype(str).str.slice(0, 7)


def quarter_label(year: str, quarter: str | int) -> str:
    """'2021/22', 'Q2' -> '2021/22 Q2'."""
    q = quarter if isinstance(quarter, int) else int(str(quarter).upper().lstrip("Q"))
    return f"{year} Q{q}"


def quarter_name(quarter: str) -> str:
    """How a report names its quarter: Q2 is the mid-year report.

    >>> quarter_name("Q2"), quarter_name("Q3")
    ('Mid-year', 'Quarter 3')
    """
    return "Mid-year" if quarter == "Q2" else f"Quarter {quarter[1]}"


def words(label: object) -> str:
    """A period as a report prints it: a month by its name, a quarter by its number in words.

    Committee members read "April 2021", not the data's "2021/22 M01"; a quarter of the year in
    hand ("Q3", as responses.csv and facts.csv write it) is "Quarter 3". Anything that is not a
    period label is printed as it is.

    >>> words("2021/22 M01"), words("2021/22 M12"), words("2021/22 Q1"), words("2021/22")
    ('April 2021', 'March 2022', 'Quarter 1 2021/22', '2021/22')
    >>> words("Q3")
    'Quarter 3'
    """
    if str(label) in QUARTERS:
        return f"Quarter {str(label)[1]}"
    p = parse(str(label))
    if p is None:
        return str(label)
    if p.kind == "month":
        start = int(p.year[:4])
        return f"{MONTH_NAMES[p.number - 1]} {start + (p.number > 9)}"
    if p.kind == "quarter":
        return f"Quarter {p.number} {p.year}"
    return p.year


def months(quarter: int) -> range:
    """The month numbers of a quarter: 2 -> 4, 5, 6 (July to September)."""
    return range(3 * quarter - 2, 3 * quarter + 1)


def previous_year(year: str) -> str:
    """'2021/22' -> '2020/21'."""
    start = int(year[:4]) - 1
    return f"{start}/{(start + 1) % 100:02d}"


__all__ = ["PER_YEAR", "QUARTERS", "Period", "is_year", "months", "parse", "previous_year",
           "problem", "quarter_label", "quarter_name", "words", "year_of", "year_problem"]
