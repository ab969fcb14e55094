"""A data return as an Excel workbook: an accessible form, written with openpyxl.

What makes a spreadsheet usable with a screen reader and a keyboard (GOV.UK's and Microsoft's
guidance alike): named sheets, instructions on a sheet of their own, one table per sheet with a
header row marked as one, no merged cells, no blank rows or columns inside the table, text that
wraps instead of hiding, and meaning never by colour alone (the input cells are bordered as well
as shaded, their columns are named in the instructions, and the locked ones refuse an edit by
saying so). Excel's data validation stops a wrong figure as it is typed; the import checks every
cell again, since a pasted value passes it.

On paper it prints landscape, one page wide, the header row on every page, so a measure's name
and the cells to fill in for it are always on one sheet of paper.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from perflib.collect import returnform as form
from perflib.data import specs, spreadsheet

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
#: The cells a service fills in: pale yellow, as Excel's own Input style, and boxed.
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_THIN, _BOX = Side(style="thin", color="7F7F7F"), Side(style="medium", color="404040")
LINED = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
BOXED = Border(left=_BOX, right=_BOX, top=_BOX, bottom=_BOX)
OPEN = Protection(locked=False)
TOP = Alignment(vertical="top", wrap_text=True)


def make(meta: dict[str, str], lines: Sequence[form.Line]) -> bytes:
    """The workbook of one return, as the bytes of an .xlsx file."""
    wb = Workbook()
    ins = wb.active
    assert ins is not None
    ins.title = form.INSTRUCTIONS
    fig = wb.create_sheet(form.FIGURES)
    _instructions(ins, meta, len(lines))
    written = _figures(fig, lines)
    record = wb.create_sheet(form.RECORD)
    record.append(["key", "value"])
    for key in form.META:
        record.append(spreadsheet.row([key, meta[key]]))
    mirror = wb.create_sheet(form.WRITTEN)
    for row in written:
        mirror.append(row)
    for sheet in (record, mirror):
        sheet.sheet_state = "veryHidden"
        sheet.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)  # sheets stay named, none unhidden
    wb.active = 0
    who = meta["owner"] or "the whole portfolio"
    wb.properties.title = f"Data return: {meta['portfolio_name']}, {meta['period']} ({who})"
    wb.properties.subject = f"{meta['council']}: figures for {meta['period']}"
    wb.properties.creator = "perflib"
    wb.properties.language = "en-GB"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _instructions(ws: Worksheet, meta: dict[str, str], rows: int) -> None:
    """What the return is for and what to do: each step's number in A, its words in B."""
    who = meta["owner"] or "the whole portfolio"
    inputs = ", ".join(c.title for c in form.COLUMNS if c.input)
    steps = [
        f"Open the Figures sheet. Each row is one measure's figure for one period. The columns "
        f"{inputs} are yours to fill in: their cells are shaded yellow and boxed. The others are "
        "locked: they say which measure and period the row is for, its target and the figures "
        "last reported.",
        "Write each Figure as a number, without commas, % or £: a percentage as 93.5, between 0 "
        "and 100 unless the measure may pass 100. For a percentage, give the Numerator and "
        "Denominator too where you have them.",
        "Kind of figure says what kind of figure it is: choose it from the cell's list. actual "
        "is the usual one; provisional or forecast for a figure that may change; latest "
        "available, with the period it relates to in Period it relates to; not available, not "
        "collected or not applicable with the Figure left empty.",
        "A row that already shows a figure is one the performance team holds. If you change it, "
        "say why in Reason for a change: a changed figure without a reason is not accepted.",
        "Commentary is the text the report prints for the measure, asked for in the year's "
        "return. What you write replaces the commentary held; leave the cell empty to keep it. "
        "{actual}, {target} and {previous} in it print the figures as the report does.",
        "Do not add, delete, move or rename rows, columns or sheets. Save the workbook as an "
        "Excel workbook (.xlsx) and send it back to the performance team, who will tell you of "
        "any cell that cannot be accepted and how to put it right.",
        "To fill it in on paper, print the Figures sheet: it prints landscape, one page wide, "
        "with the column headings on every page.",
    ]
    # A1 and A2 are named by the import when a return comes back for another portfolio or
    # council; unwrapped, they run on across the empty cells beside them, as the headings do.
    ws["A1"] = spreadsheet.neutralise(f"Data return: {meta['portfolio_name']}, {meta['period']}")
    ws["A2"] = spreadsheet.neutralise(f"{meta['council']}. For: {who}. {rows} figure"
                                      f"{'s' if rows != 1 else ''} to give. Written on "
                                      f"{meta['written'][:10]}.")
    ws["A1"].font = Font(name="Calibri", bold=True, size=14)
    ws.append(["What to do"])
    ws.cell(ws.max_row, 1).font = Font(name="Calibri", bold=True)
    for n, step in enumerate(steps, start=1):
        ws.append([f"{n}.", step])
        for c in ws[ws.max_row]:
            c.alignment = TOP
    ws.append(["The columns of the Figures sheet"])
    ws.cell(ws.max_row, 1).font = Font(name="Calibri", bold=True)
    first = ws.max_row + 1
    ws.append(["Column", "What it holds", "Filled in by"])
    for col in form.COLUMNS:
        ws.append([col.title, col.about, "you" if col.input else "the performance team"])
    last = ws.max_row
    for row in ws.iter_rows(min_row=first, max_row=last):
        for c in row:
            c.alignment = TOP
    for c in ws[first]:
        c.font, c.fill = Font(name="Calibri", bold=True), HEADER_FILL
    ws.add_table(Table(displayName="ColumnsOfTheReturn", ref=f"A{first}:C{last}",
                       tableStyleInfo=TableStyleInfo(name="TableStyleLight1",
                                                     showRowStripes=False)))
    for name, width in (("A", 22), ("B", 90), ("C", 22)):
        ws.column_dimensions[name].width = width
    _fit_rows(ws)
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False
    _page(ws)


def _page(ws: Worksheet) -> None:
    """Printed landscape on A4, one page wide and as many long as it takes, pages numbered."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&A: page &P of &N"


def _figures(ws: Worksheet, lines: Sequence[form.Line]) -> list[list[Any]]:
    """Fill the figures sheet; return every cell as written, with each row's open inputs."""
    ws.append(list(form.TITLES))
    written: list[list[Any]] = [[*form.TITLES, "inputs"]]
    for c in ws[1]:
        c.font, c.fill, c.alignment, c.border = (Font(name="Calibri", bold=True), HEADER_FILL,
                                                 TOP, LINED)
    for line in lines:
        # as text a spreadsheet will not run, here and in the record read back against it
        values = spreadsheet.row(line.held.get(h) if h in line.inputs else line.context.get(h)
                                 for h in form.HEADERS)
        ws.append(values)
        written.append([*values, " ".join(line.inputs)])
        r = ws.max_row
        for h, c in zip(form.HEADERS, ws[r], strict=True):
            c.alignment = TOP
            if h in line.inputs:
                c.protection, c.fill, c.border = OPEN, INPUT_FILL, BOXED
            else:
                c.fill, c.border = LOCKED_FILL, LINED
    _validate(ws, lines)
    last = max(ws.max_row, 2)
    ws.add_table(Table(displayName="FiguresOfTheReturn",
                       ref=f"A1:{form.letter(form.HEADERS[-1])}{last}",
                       tableStyleInfo=TableStyleInfo(name="TableStyleLight1",
                                                     showRowStripes=False)))
    for col in form.COLUMNS:
        ws.column_dimensions[form.letter(col.header)].width = col.width
    _fit_rows(ws)
    ws.freeze_panes = "D2"  # the measure's id, period and name stay in view beside the figures
    ws.print_title_rows = "1:1"  # the header row on every printed page
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widen, to read
    _page(ws)
    return written


def _fit_rows(ws: Worksheet) -> None:
    """Give each row the height its wrapped text needs (a line of its own, unwrapped).

    A spreadsheet sizes a row to its text when the text is typed, not when a file is opened
    (LibreOffice and Excel alike), so a form written by a program would show one line of each.
    """
    widths = {k: v.width for k, v in ws.column_dimensions.items() if v.width}
    for row in ws.iter_rows():
        lines = 1
        for c in row:
            if c.value is None or not c.alignment.wrap_text:
                continue
            # wrapped a word at a time, a little narrower than the column: a cell's margins
            # and a wider font (LibreOffice's stand-in for Calibri) take a character or two
            width = max(int(widths.get(c.column_letter, 10)) - 1, 1)
            need = sum(len(textwrap.wrap(part, width)) or 1 for part in str(c.value).split("\n"))
            lines = max(lines, need)
        size = max((c.font.size or 11) for c in row)
        ws.row_dimensions[row[0].row].height = lines * size * 1.35 + 2


def _rule(kind: str, title: str, error: str, prompt: str, **limits: Any) -> DataValidation:
    return DataValidation(type=kind, allow_blank=True, showErrorMessage=True,
                          showInputMessage=True, errorTitle=title, error=error,
                          promptTitle=title, prompt=prompt, **limits)


def _validate(ws: Worksheet, lines: Sequence[form.Line]) -> None:
    """Excel's own checks on the input cells, worded as the import words its refusals."""
    pct = _rule("decimal", "Percentage", "Write the percentage between 0 and 100, without %.",
                "A percentage between 0 and 100, without % (93.5).", operator="between",
                formula1="0", formula2="100")
    number = _rule("decimal", "Number", "Write a number of at least 0, digits only (no commas, "
                   "% or £).", "A number, digits only (no commas, % or £).",
                   operator="greaterThanOrEqual", formula1="0")
    whole = _rule("whole", "Whole number", "Write a whole number of at least 0, digits only.",
                  "A whole number, digits only (no commas).", operator="greaterThanOrEqual",
                  formula1="0")
    # a figure that may go below zero: any number (Excel's decimal rule needs bounds)
    signed = _rule("decimal", "Number", "Write a number, digits only (no commas, % or £), with "
                   "a minus sign before a figure below zero (-28).", "A number, digits only "
                   "(no commas, % or £); a minus sign before a figure below zero (-28).",
                   operator="between", formula1="-1E+15", formula2="1E+15")
    kinds = _rule("list", "Kind of figure", "Choose one of " + ", ".join(specs.FIGURE_KINDS) + ".",
                  "Choose the kind of figure from the list.",
                  formula1='"' + ",".join(specs.FIGURE_KINDS) + '"')
    for r, line in enumerate(lines, start=form.FIRST_ROW):
        value = form.cell("value", r)
        s = line.style
        (signed if s.negative_ok else pct if s.capped else whole if s.whole else number).add(value)
        if "numerator" in line.inputs:
            whole.add(form.cell("numerator", r))
            whole.add(form.cell("denominator", r))
        kinds.add(form.cell("figure_kind", r))
    for rule in (pct, number, whole, signed, kinds):
        if rule.sqref:
            ws.add_data_validation(rule)


__all__ = ["make"]
