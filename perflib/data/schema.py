"""Column specifications: what each column of a data file holds, and how a bad value is fixed.

The readers (:mod:`perflib.data.csvfile`, :mod:`perflib.data.yamlfile`) check files against
these; every check records a :class:`~perflib.errors.Problem` instead of raising, so an analyst
sees all that is wrong with a file at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from perflib.data import periods
from perflib.errors import CAP, DataError, Problem, kind

PERIOD_RE = re.compile(r"^(\d{4})/(\d{2})$")
THOUSANDS_RE = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: What is written in a number's place to say there is no figure: n/a, -, tbc, not known ...
NO_FIGURE_RE = re.compile(r"^(?:n\.?\s*/?\s*a\.?|#n/a|n/?k|nan|null|none|unknown|missing|no data|"
                          r"not (?:available|known|collected|applicable)|tb[acd]|x|\*|\?+|"
                          r"\.\.|[-\u2013\u2014]+)$", re.IGNORECASE)


def period_problem(text: str) -> str | None:
    """Say what is wrong with a period label, or ``None`` for ``YYYY/YY`` (or a quarter or month).

    >>> period_problem("2020/21") is None
    True
    >>> period_problem("2020-21")
    "'2020-21' is not a period in the form YYYY/YY"
    """
    return periods.problem(text)  # a year, a quarter (2020/21 Q1) or a month (2020/21 M01)


@dataclass(frozen=True)
class Column:
    """One column of a data file: its type, whether it may be empty, and how to fix a bad value."""

    name: str
    kind: str = "text"  # text | slug | period | int | number | choice | yesno | date
    #: whether every cell must be filled in (``False``: a cell may be empty)
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    #: whether the header may leave the column out (every cell then reads as empty), so a file
    #: written before the column existed still reads
    optional: bool = False
    #: for a number with a way to say there is none (a figure_kind): how to say it, given as the
    #: fix for a word written in the number's place (n/a, -, tbc)
    no_figure: str | None = None

    def parse(self, raw: str) -> tuple[Any, str | None, str | None]:
        """Return ``(value, problem, fix)``; value is ``None`` for an empty cell."""
        text = raw.strip()
        if text == "":
            if self.required:
                return None, "is empty", f"fill in a value ({self.describe()})"
            return None, None, None
        value: Any = text
        if self.kind == "slug" and not SLUG_RE.match(text):
            return None, f"'{text}' is not a valid id", "use lower-case letters, digits and _"
        if self.kind == "period":
            problem = period_problem(text)
            if problem:
                return None, problem, "write the period like 2020/21"
        if self.kind in ("int", "number"):
            if self.no_figure and NO_FIGURE_RE.match(text):
                return None, f"'{text}' is not a number", self.no_figure
            try:
                value = float(text)
            except ValueError:
                if THOUSANDS_RE.match(text):
                    plain = text.replace(",", "")
                    return None, (f"'{text}' looks like a number with a thousands separator"), (
                        f"write it without commas: {plain}")
                return None, f"'{text}' is not a number", self.describe_fix()
            if not math.isfinite(value):
                return None, f"'{text}' is not a finite number", self.describe_fix()
            if self.kind == "int":
                if value != int(value):
                    return None, f"'{text}' is not a whole number", "write a whole number"
                value = int(value)
            if self.minimum is not None and value < self.minimum:
                return None, f"{text} is below {self.minimum:g}", self.describe_fix()
            if self.maximum is not None and value > self.maximum:
                return None, f"{text} is above {self.maximum:g}", self.describe_fix()
        if self.kind == "date":
            try:
                value = dt.date.fromisoformat(text)
            except ValueError:
                return None, f"'{text}' is not a date", "write the date as YYYY-MM-DD"
        if self.kind == "choice":
            match = {c.lower(): c for c in self.choices}.get(text.lower())
            if match is None:
                return None, f"'{text}' is not one of {', '.join(self.choices)}", (
                    f"use one of {', '.join(self.choices)}"
                )
            value = match
        if self.kind == "yesno":
            if text.lower() not in ("yes", "no"):
                return None, f"'{text}' is not yes or no", "write yes or no"
            value = text.lower() == "yes"
        return value, None, None

    def describe(self) -> str:
        """Name the kind of value the column expects, for messages."""
        return {
            "slug": "an id like foi_on_time",
            "period": "a period like 2020/21",
            "int": "a whole number",
            "number": "a number",
            "choice": "one of " + ", ".join(self.choices),
            "yesno": "yes or no",
            "date": "a date like 2021-05-17",
        }.get(self.kind, "text")

    def describe_fix(self) -> str:
        """Explain how to write an acceptable number for this column."""
        rng = ""
        if self.minimum is not None and self.maximum is not None:
            rng = f" between {self.minimum:g} and {self.maximum:g}"
        elif self.minimum is not None:
            rng = f" of at least {self.minimum:g}"
        kind = "a whole number" if self.kind == "int" else "a number"
        return f"write {kind}{rng}, digits only (no commas, % or £)"


class Cells:
    """Cells of a table that failed to parse, as (row position, column): one array per column.

    A set of a million pairs would cost a hundred megabytes; the positions of a column's bad
    cells, sorted, cost eight bytes each.
    """

    def __init__(self, by_column: dict[str, np.ndarray] | None = None) -> None:
        self._by = dict(by_column or {})

    def add(self, column: str, rows: np.ndarray) -> None:
        """Mark ``rows`` (positions, in increasing order) of ``column`` as bad."""
        if len(rows):
            self._by[column] = np.union1d(self._by.get(column, rows[:0]), rows)

    def rows(self, column: str) -> np.ndarray:
        """The positions of ``column``'s bad cells, in increasing order."""
        return self._by.get(column, np.zeros(0, dtype=int))

    def update(self, cells: Iterable[tuple[int, str]]) -> None:
        """Mark each (row position, column) as bad."""
        by: dict[str, list[int]] = {}
        for i, column in cells:
            by.setdefault(column, []).append(i)
        for column, rows in by.items():
            self.add(column, np.unique(np.asarray(rows, dtype=int)))

    def all_rows(self) -> np.ndarray:
        """The positions of the rows with any bad cell, in increasing order."""
        if not self._by:
            return np.zeros(0, dtype=int)
        return np.unique(np.concatenate(list(self._by.values())))

    def copy(self) -> Cells:
        """A copy its reader may change."""
        return Cells({k: v.copy() for k, v in self._by.items()})

    def __contains__(self, cell: object) -> bool:
        if not isinstance(cell, tuple) or len(cell) != 2:
            return False
        rows = self._by.get(cell[1])
        if rows is None:
            return False
        at = int(np.searchsorted(rows, cell[0]))
        return at < len(rows) and rows[at] == cell[0]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for column, rows in self._by.items():
            for i in rows.tolist():
                yield i, column

    def __len__(self) -> int:
        return sum(len(v) for v in self._by.values())


@dataclass
class CheckedTable:
    """A checked CSV file: typed rows plus the file line each row came from."""

    path: Path
    frame: pd.DataFrame
    lines: list[int] = field(default_factory=list)
    #: (row index, column) of cells that failed to parse, so later checks don't report them twice
    bad: Cells = field(default_factory=Cells)

    def line(self, index: int) -> int:
        """Return the file line of the row at ``index`` (header is line 1)."""
        return self.lines[index]


#: Problems found by a check over whole columns: (file line, order of the check, problem).
Found = list[tuple[int, int, Problem]]


def emit(t: CheckedTable, mask: Any, column: str, message: Any, fix: Any, out: Found,
         order: int) -> None:
    """Add a problem for each row where ``mask`` holds; ``message``/``fix`` are text or row -> text.

    The mask is computed over whole columns; only the rows it picks are visited, to word them,
    and of each kind (:func:`perflib.errors.kind`) only the first :data:`CAP`: the rest are
    counted on the last one worded, so a million bad rows cost a count.
    """
    pick = np.flatnonzero(np.asarray(mask, dtype=bool))
    if not len(pick):
        return
    rows = pick if callable(fix) else pick[:CAP]  # one fix: the rows past the cap need no visit
    listed: dict[tuple, list[int]] = {}  # kind -> [rows of it, where its last worded one is]
    lines = np.asarray(t.lines)[rows]
    for line, row in zip(lines.tolist(), t.frame.iloc[rows].itertuples(), strict=True):
        said = fix(row) if callable(fix) else fix
        tally = listed.setdefault(kind(t.path, column, said), [0, -1])
        tally[0] += 1
        if tally[0] <= CAP:
            tally[1] = len(out)
            out.append((line, order, Problem(t.path, line, column,
                                             message(row) if callable(message) else message,
                                             said)))
    if not callable(fix):
        listed[kind(t.path, column, fix)][0] = len(pick)
    for n, at in listed.values():
        if n > CAP:
            line, o, q = out[at]
            out[at] = (line, o, dataclasses.replace(q, also=n - CAP))


def refuse(t: CheckedTable, mask: Any, column: str, message: Any, fix: Any, out: Found,
           order: int) -> None:
    """:func:`emit`, and empty the cells as the reader empties a cell it cannot read.

    For a range the column alone cannot say (it depends on the measure's unit): the checks
    after it then see no figure there, as they would had the reader refused it.
    """
    emit(t, mask, column, message, fix, out, order)
    pick = np.flatnonzero(np.asarray(mask, dtype=bool))
    if len(pick):
        t.frame.loc[t.frame.index[pick], column] = np.nan
        t.bad.update((int(i), column) for i in pick)


def in_file_order(found: Found, problems: list[Problem]) -> None:
    """Add problems in file order (by row, then by check), as a reader reads the file."""
    found.sort(key=lambda f: (f[0], f[1]))
    problems.extend(p for _, _, p in found)


def raise_if(problems: list[Problem]) -> None:
    """Raise a :class:`DataError` carrying every problem, if there are any."""
    if problems:
        raise DataError(problems)
