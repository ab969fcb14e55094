"""The data files a report publishes, made safe to write: plain CSV names, no live formula.

A notebook publishes data files beside its report (``perflib.notebook.publish``, or a kind's
``data_files``); since a report may be a notebook an analyst wrote, what it names and holds is
checked before the build writes it. A file's name must be a plain ``.csv`` file name (it is
written into the report's folder, never elsewhere), and a cell a spreadsheet would take for a
formula (starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and not a number) is
written with a leading apostrophe, so opening the CSV in Excel runs nothing.
"""

from __future__ import annotations

import csv
import io
import re

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.csv$")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def checked(files: dict[str, str]) -> dict[str, str]:
    """``files`` (name -> CSV text) ready to write; a ValueError names one that cannot be."""
    out = {}
    for name, text in files.items():
        if not _NAME.match(name):
            raise ValueError(f"the notebook publishes a data file named {name!r}: give it a plain "
                             "file name ending .csv, like repairs.csv (it is written beside the "
                             "report)")
        out[name] = neutralised(text)
    return out


def neutralised(text: str) -> str:
    """CSV ``text`` with every cell that a spreadsheet would run as a formula made inert.

    Text with no such cell is returned as it is, byte for byte.
    """
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not any(_formula(cell) for row in rows for cell in row):
        return text
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(
        [["'" + cell if _formula(cell) else cell for cell in row] for row in rows])
    return buf.getvalue()


def _formula(cell: str) -> bool:
    """Whether a spreadsheet would take ``cell`` for a formula (a number such as -3.5 it would not)."""
    if not cell.startswith(_FORMULA):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


__all__ = ["checked", "neutralised"]
