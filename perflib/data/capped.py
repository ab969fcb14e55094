"""The problems of a large bad file: worded up to the cap, and counted past it.

A file of a million bad rows is refused with a screenful (:data:`perflib.errors.CAP` lines of
each kind, then "and 999,990 more rows like this"), so only those lines are ever made messages:
the rest are counted. Wording every row first and capping the list afterwards cost minutes and
gigabytes for a 58 MB file; counting costs a pass over an array.
"""

from __future__ import annotations

import operator
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from perflib.errors import CAP, Problem, kind


class Tally:
    """Problems of one file as a reader finds them; each kind worded for its first rows only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._kept: list[tuple[int, int, Problem]] = []  # (line, order in the row, problem)
        self._counts: dict[tuple, int] = {}
        self._last: dict[tuple, int] = {}  # kind -> where its last worded problem is in _kept

    def room(self, column: str | None, fix: str) -> int:
        """How many more problems of this kind would still be worded."""
        return max(0, CAP - self._counts.get(kind(self.path, column, fix), 0))

    def add(self, line: int, order: int, column: str | None, message: str, fix: str) -> None:
        """One problem, at ``line`` (and ``order``, its column's place in the row)."""
        k = kind(self.path, column, fix)
        n = self._counts[k] = self._counts.get(k, 0) + 1
        if n <= CAP:
            self._last[k] = len(self._kept)
            self._kept.append((line, order, Problem(self.path, line, column, message, fix)))

    def more(self, column: str | None, fix: str, n: int) -> None:
        """``n`` more problems of a kind, counted without being worded."""
        if n > 0:
            k = kind(self.path, column, fix)
            self._counts[k] = self._counts.get(k, 0) + n

    def problems(self) -> list[Problem]:
        """Every problem worded, by line; the last of each kind says how many more there are."""
        kept = list(self._kept)
        for k, at in self._last.items():
            past = self._counts[k] - CAP
            if past > 0:
                line, order, p = kept[at]
                kept[at] = (line, order, Problem(p.file, p.row, p.column, p.message, p.fix,
                                                 also=past))
        kept.sort(key=operator.itemgetter(0, 1))
        return [p for _, _, p in kept]


def by_kind(kinds: np.ndarray) -> list[np.ndarray]:
    """Positions into ``kinds`` grouped by kind, each group in its original (line) order."""
    if not len(kinds):
        return []
    order = np.argsort(kinds, kind="stable")
    _, starts = np.unique(kinds[order], return_index=True)
    return np.split(order, starts[1:])


def duplicates(frame: pd.DataFrame, lines: np.ndarray, key: tuple[str, ...], found: Tally,
               order: int, small: int) -> None:
    """Report every row whose key repeats an earlier row's (rows with an empty key part aside)."""
    if len(frame) <= small:  # a small file is answered faster than pandas sets up
        if len(set(zip(*(frame[c].tolist() for c in key), strict=True))) == len(frame):
            return
    keys = frame[list(key)]
    whole = keys.notna().all(axis=1).to_numpy()
    if not whole.any():
        return
    k = keys[whole]
    repeat = k.duplicated(keep="first").to_numpy()
    if not repeat.any():
        return
    first = pd.Series(lines[whole]).groupby([k[c].to_numpy() for c in key],
                                            sort=False).transform("first").to_numpy()
    idx = np.flatnonzero(whole)
    column, fix = ",".join(key), "delete the duplicate or correct its key"
    repeats = np.flatnonzero(repeat)
    worded = repeats[:found.room(column, fix)]
    for j in worded.tolist():
        row = k.iloc[j]
        found.add(int(lines[idx[j]]), order, column,
                  f"repeats row {int(first[j])} ({', '.join(_key_text(v) for v in row)})", fix)
    found.more(column, fix, len(repeats) - len(worded))


def _key_text(v: Any) -> str:
    """A key part as the row-by-row reader printed it (an int column read as float prints 3)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


_SPLIT_BEFORE = re.compile(r"\s*\d{1,3}")
_SPLIT_AFTER = re.compile(r"\d{3}(\.\d+)?\s*")


def cells_fix(record: list[str]) -> str:
    """How to mend a row with too many cells: a split thousands separator, or an unquoted comma."""
    for a, b in zip(record, record[1:], strict=False):
        if b[:1].isdigit() and _SPLIT_BEFORE.fullmatch(a) and _SPLIT_AFTER.fullmatch(b):
            return (f"'{a.strip()},{b.strip()}' looks like a number with a thousands separator: "
                    f"write it without the comma ({a.strip()}{b.strip()})")
    return "quote any cell that contains a comma, e.g. \"a, b\""


__all__ = ["Tally", "by_kind", "cells_fix", "duplicates"]
