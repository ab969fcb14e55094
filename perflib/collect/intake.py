"""``perflib import``: filled-in data returns read back, checked, and written into the data.

A return is read cell by cell against the record it keeps of itself (:mod:`perflib.data
.returnform`): a locked cell edited, a measure_id changed, a row or sheet added or taken away is
refused before any figure is looked at. Its figures then go through the checks the CSV files go
through, with the same words: they are put in place in a trial copy of the portfolio
(:mod:`perflib.collect.trial`) and whatever reading it finds that the data as it stands does not is
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
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from perflib.collect import returnform as form
from perflib.data import spreadsheet
from perflib.data.door import read_bytes
from perflib.errors import Problem

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


#: The most rows a return holds (one per measure and period): far more than a portfolio asks for.
MAX_ROWS = 20_000
#: Rows and columns past the ones perflib wrote that are read, to name what was typed there; a
#: sheet used further than this is refused whole, without reading it.
MARGIN_ROWS, MARGIN_COLUMNS = 500, 50
#: The most a return may unpack to. One of 20,000 rows with commentary is a few megabytes; a
#: workbook that unpacks to more (a "zip bomb") is refused before it is read.
MAX_UNPACKED = 200 * 2**20
#: How an encrypted workbook begins: an OLE2 compound file, holding the encrypted package.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
PASSWORD_FIX = ("open it in Excel, remove the password (File > Info > Protect Workbook > "
                "Encrypt with Password, then clear the password and press OK), save it and import "
                "it again")


def _opened(path: Path, raw: bytes, problems: list[Problem]) -> tuple[Any, Any] | None:
    """The workbook read twice, streamed (its formulas, and the values Excel saved for them)."""
    if raw.startswith(OLE2):
        if ENCRYPTED in raw:
            problems.append(Problem(path, None, None, "is protected with a password (encrypted), "
                                    "so perflib cannot read it", PASSWORD_FIX))
        else:
            problems.append(Problem(path, None, None, "is an Excel 97-2003 workbook (.xls), not "
                                    "the .xlsx workbook perflib wrote", "open it in Excel and "
                                    "save it as an Excel Workbook (.xlsx), then import that"))
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
        if unpacked > MAX_UNPACKED:
            problems.append(Problem(path, None, None, f"unpacks to {unpacked / 2**20:,.0f} MB, "
                                    "far more than a return holds", "fill in a fresh return "
                                    "(perflib returns writes one): this workbook holds more than "
                                    "its figures"))
            return None
        return (load_workbook(io.BytesIO(raw), read_only=True),
                load_workbook(io.BytesIO(raw), read_only=True, data_only=True))
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        problems.append(Problem(path, None, None, f"is not an Excel workbook perflib can read "
                                f"({type(exc).__name__})", NOT_A_RETURN))
        return None


def _grid(ws: Any, rows: int, columns: int) -> list[tuple[Any, ...]]:
    """The cells of a sheet's first ``rows`` rows and ``columns`` columns, and no others.

    A sheet is streamed (read-only): a cell far beyond them is never looked at, so a sheet with
    one cell at XFD1048576 costs no more than its used rows.
    """
    return [tuple(r) for r in ws.iter_rows(min_row=1, max_row=max(rows, 1), min_col=1,
                                           max_col=columns)]


def _beyond(ws: Any, rows: int, columns: int) -> str | None:
    """The far corner of a sheet its dimensions say is used beyond ``rows`` and ``columns``."""
    far_row, far_col = ws.max_row or 0, ws.max_column or 0
    if far_row > rows or far_col > columns:
        return f"{get_column_letter(max(far_col, 1))}{max(far_row, 1)}"
    return None


def _too_big(path: Path, sheet: str, corner: str, rows: int, columns: int) -> Problem:
    return Problem(path, None, None, f"its sheet '{sheet}' is used as far as cell {corner}, far "
                   f"beyond the {columns} columns and {rows} rows a return holds",
                   f"delete every row below row {rows} and every column right of column "
                   f"{get_column_letter(columns)} of sheet '{sheet}' (select them, then Delete), "
                   "save, and import again; or fill in a fresh return", sheet=sheet,
                   cell=corner)


def _added_sheets(path: Path, wb: Any, problems: list[Problem]) -> None:
    """A sheet added to the return is refused by its name when it holds anything."""
    for name in wb.sheetnames:
        if name in (form.INSTRUCTIONS, form.FIGURES, form.RECORD, form.WRITTEN):
            continue
        ws = wb[name]
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            first, corner, what = None, None, "is a chart"
        else:
            first = next((c for r in _grid(ws, MARGIN_ROWS, MARGIN_COLUMNS) for c in r
                          if c.value not in (None, "")), None)
            corner = _beyond(ws, MARGIN_ROWS, MARGIN_COLUMNS)
            if first is None and corner is None:
                continue  # an empty sheet holds nothing to lose
            what = (f"holds {_short(first.value)!r} in cell {first.coordinate}"
                    if first is not None else f"is used as far as cell {corner}")
        problems.append(Problem(path, None, None, f"has a sheet '{name}' added to it, which "
                                f"{what}; perflib reads figures only from the sheet "
                                f"'{form.FIGURES}'", "move its figures into the rows of the "
                                f"sheet '{form.FIGURES}' they belong to, then delete the sheet "
                                f"'{name}'", sheet=name,
                                cell=first.coordinate if first is not None else corner))


def read_return(path: Path, problems: list[Problem]) -> Return | None:
    """A return read and held against its record; what is wrong with it added to ``problems``.

    ``None`` when it cannot be read as a return at all (not a workbook, not one perflib wrote,
    sheets missing, far larger than a return). A return with problems in its cells is returned
    with them, so its figures are checked too and every problem is said in one run.
    """
    path = Path(path)
    raw = read_bytes(path, problems, "give the path of a filled-in return", text=False,
                     inside=False)
    if raw is None:
        return None
    books = _opened(path, raw, problems)
    if books is None:
        return None
    formulas, values = books
    for name in (form.RECORD, form.WRITTEN, form.FIGURES):
        if name not in values.sheetnames:
            hidden = name != form.FIGURES
            problems.append(Problem(path, None, None, f"has no {'hidden ' if hidden else ''}sheet "
                                    f"named '{name}', so it is not a return as perflib wrote it",
                                    NOT_A_RETURN if hidden else "put back the sheet Figures as it "
                                    "was (rename it back), or fill in a fresh return"))
            return None
    width = len(form.HEADERS)
    for name, rows, columns in ((form.RECORD, 2 * len(form.META), 2),
                                (form.WRITTEN, MAX_ROWS + 1, width + 1)):
        corner = _beyond(values[name], rows, columns)
        if corner is not None:
            problems.append(_too_big(path, name, corner, rows, columns))
            return None
    meta = {str(k): spreadsheet.restore(text(v)) for k, v, *_ in
            (tuple(c.value for c in r) for r in _grid(values[form.RECORD], 2 * len(form.META),
                                                      2)[1:]) if k is not None}
    if meta.get("format") != form.FORMAT or not all(k in meta for k in form.META):
        problems.append(Problem(path, None, None, "its record says it is not a return perflib "
                                "can read (format " f"'{meta.get('format', '')}')", NOT_A_RETURN))
        return None
    mirror = [tuple(c.value for c in r) for r in _grid(values[form.WRITTEN], MAX_ROWS + 1,
                                                        width + 1)]
    while mirror and all(v is None for v in mirror[-1]):
        mirror.pop()
    rows, far = len(mirror), (len(mirror) + MARGIN_ROWS, width + MARGIN_COLUMNS)
    corner = _beyond(values[form.FIGURES], *far)
    if corner is not None:
        problems.append(_too_big(path, form.FIGURES, corner, rows, width))
        return None
    _added_sheets(path, values, problems)
    ret = Return(path, meta)
    grid = _grid(values[form.FIGURES], *far)
    shown = _grid(formulas[form.FIGURES], rows, width)
    for r, written in enumerate(mirror, start=1):
        open_ = tuple(str(written[width] or "").split()) if r > 1 else ()
        cells, was = {}, {}
        for j, h in enumerate(form.HEADERS):
            c = grid[r - 1][j] if r <= len(grid) else None
            got = c.value if c is not None else None
            formula = shown[r - 1][j].value if r <= len(shown) else None
            if h in open_:
                if isinstance(formula, str) and formula.startswith("=") and got is None:
                    problems.append(ret_problem(ret, r, h, f"holds the formula {formula}, whose "
                                                "value was not saved", "type the figure itself"))
                if isinstance(got, (int, float)) and "%" in str(getattr(c, "number_format", "")):
                    problems.append(ret_problem(ret, r, h, f"is formatted as a percentage, so "
                                                f"it holds {text(got)}, not {text(got * 100)}",
                                                "write the percentage as a plain number, such as "
                                                "93.5, in a cell not formatted as %"))
                cells[h] = spreadsheet.restore(text(got, h))
                was[h] = spreadsheet.restore(text(written[j], h))
            elif not _same(got, written[j]):
                problems.append(_locked(ret, r, h, written[j], got))
        if r > 1:
            ret.rows.append(Row(r, str(written[0]), str(written[1]), open_, cells, was))
    _outside(ret, grid, rows, width, problems)
    return ret


def _outside(ret: Return, grid: list[tuple[Any, ...]], rows: int, width: int,
             problems: list[Problem]) -> None:
    """Name each cell typed outside the rows and columns perflib wrote: its column by its header."""
    header = grid[0] if grid else ()
    for row in grid:
        for c in row:
            if c.value in (None, "") or (c.row <= rows and c.column <= width):
                continue
            if c.column > width:
                top = header[c.column - 1].value if c.column <= len(header) else None
                named = f" ('{_short(top)}')" if top not in (None, "") and c.row > 1 else ""
                where = f"in column {c.column_letter}{named}, added to the sheet"
            else:
                where = f"in row {c.row}, below the rows perflib wrote"
            problems.append(Problem(ret.path, c.row, None, f"holds {_short(c.value)!r} {where}",
                                    "delete it: a return holds only the rows and columns it was "
                                    "written with (a new measure goes into measures.csv, then a "
                                    "fresh return)", sheet=form.FIGURES, cell=c.coordinate))


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


def read_all(paths: list[Path], problems: list[Problem]) -> list[Return]:
    """Every return given (each once) that reads as one; what is wrong with any added to ``problems``.

    A return with problems in its cells is among them, so that its figures are checked too.
    """
    out, seen = [], set()
    for path in paths:
        key = Path(path).resolve()
        if key in seen:
            continue
        seen.add(key)
        ret = read_return(Path(path), problems)
        if ret is not None:
            out.append(ret)
    return out


__all__ = ["Return", "Row", "filled_in", "problem_in", "read_all", "read_return", "text"]
