"""Cells a spreadsheet will not run: every CSV and workbook cell perflib writes goes through here.

A spreadsheet takes a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and so
(after it) one that starts with a tab or a carriage return: a measure name or a ``--source``
written ``=HYPERLINK("http://...", "LG Inform")`` would run as the published CSV is opened. As
OWASP advises ("CSV Injection"), such a cell is written with a single quote in front, which a
spreadsheet shows as text; a number (``-28``) is left as it is. In a workbook the cell is a text
cell, never a formula. perflib's own readers take the quote off again (:func:`restore`), so a
data file perflib writes and reads back holds what was meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

#: What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A negative number, which a spreadsheet reads as a number: left as it is.
_NEGATIVE = re.compile(r"-(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def neutralise(value: Any) -> Any:
    """A cell as perflib writes it: text a spreadsheet would run as a formula gets a ``'`` first.

    >>> neutralise("=HYPERLINK(A1)"), neutralise("-28"), neutralise(-28)
    ("'=HYPERLINK(A1)", '-28', -28)
    >>> neutralise("@SUM(A1)"), neutralise("+1"), neutralise("-cmd"), neutralise("Visits")
    ("'@SUM(A1)", "'+1", "'-cmd", 'Visits')
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _NEGATIVE.fullmatch(value):
        return value
    return "'" + value


def restore(text: str) -> str:
    """A cell perflib wrote, as it was meant: the quote :func:`neutralise` added taken off.

    >>> restore("'=1+1"), restore("'quoted'"), restore("-28")
    ('=1+1', "'quoted'", '-28')
    """
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        return text[1:]
    return text


def row(cells: Iterable[Any]) -> list[Any]:
    """A row of cells, each as :func:`neutralise` writes it."""
    return [neutralise(c) for c in cells]


def frame(data: pd.DataFrame) -> pd.DataFrame:
    """A table as it is published: every text cell as :func:`neutralise` writes it.

    Numbers stay numbers; only text columns (of Python objects or strings) are looked at.
    """
    out = data.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            # cell by cell, in the column's own type: map() would make whole numbers floats
            out[name] = pd.Series([neutralise(v) for v in column], index=column.index,
                                  dtype=column.dtype)
    out.columns = [neutralise(c) for c in out.columns]
    return out


__all__ = ["FORMULA_START", "frame", "neutralise", "restore", "row"]
