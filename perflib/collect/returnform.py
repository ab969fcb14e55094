"""The layout of a data return: the sheets, columns and record that writing and reading share.

A return is an Excel workbook a service fills in (``perflib returns`` writes it, ``perflib
import`` reads it back). Both sides take its shape from here, so a column added to the form is
added once: its header, whether the service fills it in, and what the instructions say of it.

The workbook keeps a record of itself on two sheets the service does not see: what it was made
for (portfolio, council, period, owner) and every cell of the figures sheet as it was written,
with the cells of each row that are the service's to fill in. Reading compares the figures sheet
with that record, so an edited locked cell is named even when the sheet's protection (which any
spreadsheet lets a user lift) was taken off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from perflib import units
from perflib.data import periods

INSTRUCTIONS = "Instructions"
FIGURES = "Figures"
#: What the return was made for, as key and value rows (a hidden sheet).
RECORD = "perflib"
#: The figures sheet as written, cell for cell, and each row's input cells (a hidden sheet).
WRITTEN = "perflib_written"
#: The record's first row says what wrote it; a workbook without it is not a return.
#: Format 2 reordered the columns and named them in words; a format 1 return is refused whole.
FORMAT = "perflib data return, format 2"
META = ("format", "portfolio", "council", "portfolio_name", "period", "report", "owner",
        "written")


@dataclass(frozen=True)
class FormColumn:
    """One column of the figures sheet."""

    #: the column's name in the record and the import (observations.csv's, for an input)
    header: str
    #: what the sheet's header row calls it, in words
    title: str
    #: the service fills it in (else perflib fills it in for context, and it is locked)
    input: bool
    width: int
    #: what the instructions sheet says the column holds
    about: str


# Sized so that the whole row, name to commentary, prints across one landscape A4 page at a
# readable scale: the measure_id and period stay first, as the record reads them there.
COLUMNS: tuple[FormColumn, ...] = (
    FormColumn("measure_id", "Measure ID", False, 13, "the measure the row is for, as the "
               "performance team's files name it"),
    FormColumn("period", "Period", False, 10, "the year (2021/22), quarter (2021/22 Q1) or month "
               "(2021/22 M01: April) the figure is for"),
    FormColumn("Measure", "Measure", False, 24, "the measure's PI code and name as the report "
               "prints them"),
    FormColumn("About", "About the measure", False, 20, "whether a higher or a lower figure is "
               "better, how the figure is written ("
               + "; ".join(u.about for u in units.UNITS.values())
               + "), and what the measure counts where the register says"),
    FormColumn("Target", "Target for the year", False, 11, "the year's target as the report "
               "prints it, what the measure aims for, or No target"),
    FormColumn("Last figures", "Last figures", False, 20, "the figures held for the period "
               "before and the same period a year earlier"),
    FormColumn("value", "Figure", True, 10, "the figure: a number without commas, % or £ (a "
               "percentage as 93.5, between 0 and 100; millions as 0.46; money as the unit says, "
               "125 for £125k), with a minus sign (-28) only where the measure may go below "
               "zero; leave it empty only when the kind of figure is not available, not "
               "collected or not applicable"),
    FormColumn("numerator", "Numerator", True, 11, "for a percentage or a rate: the whole number "
               "meeting the measure, or the events counted (optional, with the denominator)"),
    FormColumn("denominator", "Denominator", True, 12, "for a percentage or a rate: the whole "
               "number it is out of"),
    FormColumn("figure_kind", "Kind of figure", True, 12, "choose from the list: actual, "
               "provisional, forecast, latest available, not available, not collected or not "
               "applicable"),
    FormColumn("period_label", "Period it relates to", True, 11, "for latest available only: "
               "the period the figure really relates to, such as 2016"),
    FormColumn("discrepancy", "Reason for a change", True, 16, "why a figure already held is "
               "changed, or a known inconsistency in it; needed when you change a figure the "
               "performance team already holds"),
    FormColumn("commentary", "Commentary", True, 30, "your commentary on the measure for the "
               "year's report, asked for in the year's return only; it replaces the commentary "
               "held, and an empty cell keeps it"),
)
HEADERS = tuple(c.header for c in COLUMNS)
#: The header row as the sheet prints it.
TITLES = tuple(c.title for c in COLUMNS)
INPUTS = tuple(c.header for c in COLUMNS if c.input)
#: The inputs a row of a measure that is not a percentage or a rate has no use for.
FRACTION = ("numerator", "denominator")
#: Where the figures start: row 1 is the header.
FIRST_ROW = 2


def letter(header: str) -> str:
    """The column letter of a figures sheet column: 'value' -> 'G'."""
    return get_column_letter(HEADERS.index(header) + 1)


def cell(header: str, row: int) -> str:
    """A figures sheet cell as a spreadsheet names it: ('value', 7) -> 'G7'."""
    return f"{letter(header)}{row}"


def folder_name(period: str) -> str:
    """The folder of a period's returns: '2021/22' -> '2021-22', '2021/22 Q1' -> '2021-22-Q1'."""
    return period.replace("/", "-").replace(" ", "-")


def slug(owner: str) -> str:
    """An owner's name as part of a file name: 'Customer Services' -> 'customer-services'."""
    return re.sub(r"[^a-z0-9]+", "-", owner.lower()).strip("-") or "owner"


def workbook_name(portfolio: str, period: str, owner: str | None) -> str:
    """The return's file name, which says whose it is when it comes back by email."""
    tail = f"_{slug(owner)}" if owner else ""
    return f"{portfolio}_{folder_name(period)}{tail}.xlsx"


def return_period(text: str) -> periods.Period | None:
    """A period a return may be for: a year or a quarter (a month is part of a quarter's)."""
    p = periods.parse(text)
    return p if p is not None and p.kind in ("year", "quarter") else None


@dataclass
class Line:
    """One row of a return: a measure's figure for one period, with its context."""

    measure_id: str
    period: str
    #: the context columns' text, by header
    context: dict[str, Any]
    #: what the input cells start with (the figure and commentary already held), by header
    held: dict[str, Any]
    #: the input columns open on this row
    inputs: tuple[str, ...]
    #: the measure's unit and its range (a percentage kept within 0 to 100, a whole count ...)
    style: units.Style
    owner: str | None = None

    @property
    def unit(self) -> str:
        """The measure's unit."""
        return self.style.unit


__all__ = ["COLUMNS", "FIGURES", "FIRST_ROW", "FORMAT", "FRACTION", "HEADERS", "INPUTS",
           "INSTRUCTIONS", "META", "RECORD", "TITLES", "WRITTEN", "FormColumn", "Line", "cell",
           "folder_name", "letter", "return_period", "slug", "workbook_name"]
