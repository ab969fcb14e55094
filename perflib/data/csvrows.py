"""CSV records read row by row with a bound on a cell, each with the file line it starts on.

No cell of a data file or an export is ever near :data:`FIELD_LIMIT` characters: a longer one is
a quote left open (the rest of the file ran into one cell) or a file made to exhaust memory.
Python's csv module stops at 131,072 characters with an error that names neither the file nor
the line, and pyarrow has no bound at all; every CSV perflib reads is bounded here instead, and a
cell past the bound is refused as a problem naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from perflib.errors import DataError, Problem

#: The most characters a cell of a CSV file may hold (a name, a figure, a source, a note).
FIELD_LIMIT = 100_000


def too_long(path: Path, line: int, column: str | None, length: int | None = None) -> Problem:
    """The problem of a cell past :data:`FIELD_LIMIT`, worded the same wherever it is found."""
    size = f"holds {length:,} characters" if length is not None else "is longer than that"
    return Problem(path, line, column,
                   f"a cell may hold {FIELD_LIMIT:,} characters, but this one {size}",
                   "close the quote left open at the start of the cell (the rest of the file "
                   "then runs into it), or shorten the cell")


def may_hold_long_cell(size: int) -> bool:
    """Whether text of ``size`` characters (or bytes) could hold a cell past the bound at all."""
    return size > FIELD_LIMIT


def rows(text: str, path: Path, header: Sequence[str] | None = None, first_line: int = 1
         ) -> Iterator[tuple[int, list[str]]]:
    """Each record of CSV ``text`` with the line it starts on (``first_line`` for the first).

    Raises :class:`DataError` at the first cell longer than :data:`FIELD_LIMIT`; ``header``
    names the columns for that message (by default the text's first record, its header).
    Blank records are yielded too: the caller decides.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    start = first_line
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" not in str(exc):
                raise
            where = _long_cell(text, start - first_line)
            name = header[where] if header is not None and where is not None and \
                where < len(header) else None
            raise DataError([too_long(path, start, name)]) from None
        for j, cell in enumerate(record):
            if len(cell) > FIELD_LIMIT:
                name = header[j] if header is not None and j < len(header) else None
                raise DataError([too_long(path, start, name, len(cell))])
        yield start, record
        if header is None:
            header = record
        start = first_line + reader.line_num


def _long_cell(text: str, skip: int) -> int | None:
    """Which cell of the record starting ``skip`` lines into ``text`` runs past the bound.

    A quote-aware walk over that record alone, as far as the bound, for the message only: the
    csv module's own error does not say which cell it was reading.
    """
    at = 0
    for _ in range(skip):
        at = text.find("\n", at) + 1
        if at == 0:
            return None
    cell, length, quoted = 0, 0, False
    for ch in text[at:at + 2 * FIELD_LIMIT + 2]:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == ",":
            cell, length = cell + 1, 0
            continue
        elif not quoted and ch in "\r\n":
            return None
        length += 1
        if length > FIELD_LIMIT:
            return cell
    return None


__all__ = ["FIELD_LIMIT", "may_hold_long_cell", "rows", "too_long"]
