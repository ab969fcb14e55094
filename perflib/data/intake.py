"""``perflib import``: filled-in data returns read back, checked, and written into the data.

A return is read cell by cell against the record it keeps of itself (:mod:`perflib.data
.returnform`): a locked cell edited, a measure_id changed, a row or sheet added or taken away is
refused before any figure is looked at. Its figures then go through the checks the CSV files go
through, with the same words: they are put in place in a trial copy of the portfolio
(:mod:`perflib.data.trial`) and whatever reading it finds that the data as it stands does not is
named by the workbook, sheet and cell it came from. Only then, and only with ``--apply``, are
observations.csv and commentary.md written, all or nothing, keeping every row they do not change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from perflib.data import returnform as form
from perflib.data.door import read_bytes
from perflib.errors import DataError, Problem

NOT_A_RETURN = ("import the workbook perflib returns wrote, saved as an Excel workbook (.xlsx); "
                "perflib returns writes a fresh one")


@dataclass
class Row:
    """One row of a filled-in return: what it is for, and its input cells as a CSV holds them."""

    line: int
    measure_id: str
    period: str
    inputs: tuple[str, ...]
    #: input header -> the cell's text ("" when empty)
    cells: dict[str, str]
    #: input header -> the cell's text as perflib wrote it
    written: dict[str, str]


@dataclass
class Return:
    """A filled-in return as read: what it was made for and its rows."""

    path: Path
    meta: dict[str, str]
    rows: list[Row] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        """The input cells that differ from what perflib wrote (B7, ...)."""
        return [form.cell(h, r.line) for r in self.rows for h in r.inputs
                if r.cells[h] != r.written[h]]


def text(value: Any, header: str = "value") -> str:
    """A cell's value as a CSV cell holds it: a number as it reads, a date as YYYY-MM-DD.

    >>> text(93.5), text(1045), text(30.0), text(None), text("  n/a ")
    ('93.5', '1045', '30', '', 'n/a')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(value, ".15g") if math.isfinite(value) else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    s = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return s if header == "commentary" else " ".join(s.split())


def _same(a: Any, b: Any) -> bool:
    """Whether two cells hold the same thing (an int and its float alike, '' and None alike)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return text(a, "commentary") == text(b, "commentary")


def _short(value: Any) -> str:
    s = text(value) or "(empty)"
    return s if len(s) <= 60 else s[:57] + "..."


def read_return(path: Path, problems: list[Problem]) -> Return | None:
    """A return read and held against its record; what is wrong with it added to ``problems``.

    ``None`` when it cannot be read as a return at all (not a workbook, not one perflib wrote,
    sheets missing). A return whose locked cells were edited is returned with those problems.
    """
    path = Path(path)
    raw = read_bytes(path, problems, "give the path of a filled-in return", text=False,
                     inside=False)
    if raw is None:
        return None
    try:
        formulas = load_workbook(io.BytesIO(raw))
        values = load_workbook(io.BytesIO(raw), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        problems.append(Problem(path, None, None, f"is not an Excel workbook perflib can read "
                                f"({type(exc).__name__})", NOT_A_RETURN))
        return None
    for name in (form.RECORD, form.WRITTEN, form.FIGURES):
        if name not in values.sheetnames:
            hidden = name != form.FIGURES
            problems.append(Problem(path, None, None, f"has no {'hidden ' if hidden else ''}sheet "
                                    f"named '{name}', so it is not a return as perflib wrote it",
                                    NOT_A_RETURN if hidden else "put back the sheet Figures as it "
                                    "was (rename it back), or fill in a fresh return"))
            return None
    meta = {str(k): text(v) for k, v in values[form.RECORD].iter_rows(min_row=2,
                                                                       values_only=True)}
    if meta.get("format") != form.FORMAT or not all(k in meta for k in form.META):
        problems.append(Problem(path, None, None, "its record says it is not a return perflib "
                                "can read (format " f"'{meta.get('format', '')}')", NOT_A_RETURN))
        return None
    ret = Return(path, meta)
    mirror = list(values[form.WRITTEN].iter_rows(values_only=True))
    sheet, shown = values[form.FIGURES], formulas[form.FIGURES]
    width = len(form.HEADERS)
    for r, written in enumerate(mirror, start=1):
        open_ = tuple(str(written[width] or "").split()) if r > 1 else ()
        cells, was = {}, {}
        for j, h in enumerate(form.HEADERS):
            c = sheet.cell(row=r, column=j + 1)
            got = c.value
            formula = shown.cell(row=r, column=j + 1).value
            if h in open_:
                if isinstance(formula, str) and formula.startswith("=") and got is None:
                    problems.append(ret_problem(ret, r, h, f"holds the formula {formula}, whose "
                                                "value was not saved", "type the figure itself"))
                if isinstance(got, (int, float)) and "%" in str(c.number_format):
                    problems.append(ret_problem(ret, r, h, f"is formatted as a percentage, so "
                                                f"it holds {text(got)}, not {text(got * 100)}",
                                                "write the percentage as a plain number, such as "
                                                "93.5, in a cell not formatted as %"))
                cells[h], was[h] = text(got, h), text(written[j], h)
            elif not _same(got, written[j]):
                problems.append(_locked(ret, r, h, written[j], got))
        if r > 1:
            ret.rows.append(Row(r, str(written[0]), str(written[1]), open_, cells, was))
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        for c in row:
            outside = c.row > len(mirror) or c.column > width
            if outside and c.value not in (None, ""):
                problems.append(Problem(path, c.row, None, f"holds {_short(c.value)!r}, outside "
                                        "the rows and columns perflib wrote",
                                        "delete it: a return holds only the rows it was written "
                                        "with (a new measure goes into measures.csv, then a "
                                        "fresh return)", sheet=form.FIGURES, cell=c.coordinate))
    return ret


def ret_problem(ret: Return, line: int, header: str, message: str, fix: str) -> Problem:
    """A problem in one cell of a return's figures sheet, by its line."""
    return Problem(ret.path, line, header, message, fix, sheet=form.FIGURES,
                   cell=form.cell(header, line))


def _locked(ret: Return, line: int, header: str, was: Any, now: Any) -> Problem:
    if header == "measure_id" and line > 1:
        return ret_problem(ret, line, header, f"was changed from {_short(was)} to "
                           f"{_short(now)}, but the row is {_short(was)}'s figure",
                           f"put back {_short(was)}: a return cannot change which measure a row "
                           "is for (a new measure goes into measures.csv, then a fresh return)")
    return ret_problem(ret, line, header, f"was changed from {_short(was)!r} to {_short(now)!r}, "
                       "but it is locked: perflib filled it in and reads it back unchanged",
                       f"put back {_short(was)!r}; a correction to it is for the performance "
                       "team, in measures.csv")


def filled_in(path: Path) -> str | None:
    """Why a workbook in a return's place must not be written over, or ``None`` when it may be.

    It may be when it is a return perflib wrote that nobody has filled in yet.
    """
    problems: list[Problem] = []
    ret = read_return(path, problems)
    if ret is None or problems:
        first = problems[0] if problems else None
        return ("is not a return perflib can write over" +
                (f" ({first.where() + ': ' if first and first.where() else ''}"
                 f"{first.message})" if first else ""))
    changed = ret.changed
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        return f"has been filled in (cell {changed[0]}{more} of sheet {form.FIGURES})"
    return None


def problem_in(ret: Return, row: Row, header: str, q: Problem) -> Problem:
    """A problem the trial found in a row that came from ``ret``, moved to the row's cell."""
    where = header if header in form.HEADERS else "measure_id"
    return dataclasses.replace(q, file=ret.path, row=row.line, column=where, sheet=form.FIGURES,
                               cell=form.cell(where, row.line))


def read_all(paths: list[Path]) -> list[Return]:
    """Every return given (each once), or a DataError naming what is wrong with any of them."""
    problems: list[Problem] = []
    out, seen = [], set()
    for path in paths:
        key = Path(path).resolve()
        if key in seen:
            continue
        seen.add(key)
        ret = read_return(Path(path), problems)
        if ret is not None:
            out.append(ret)
    if problems:
        raise DataError(problems)
    return out


__all__ = ["Return", "Row", "filled_in", "problem_in", "read_all", "read_return", "text"]
