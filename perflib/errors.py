"""Exceptions perflib raises; the CLI turns each into one clear message and an exit code.

In a notebook (JupyterLab, papermill, nbconvert) each shows as its message alone, without the
frames through perflib's internals above it; ``PERFLIB_DEBUG=1`` brings the full traceback back.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from pathlib import Path

#: The environment variable that asks for full tracebacks, in the CLI and in notebooks alike.
DEBUG = "PERFLIB_DEBUG"


def debugging() -> bool:
    """Whether ``PERFLIB_DEBUG`` asks for full tracebacks (any value but empty or 0)."""
    return os.environ.get(DEBUG, "") not in ("", "0")


class PerflibError(Exception):
    """Base class for every error perflib raises on purpose."""

    exit_code = 1

    @property
    def _render_traceback_(self) -> Callable[[], list[str]]:
        """IPython's hook for an exception's own traceback: the message is all an analyst needs.

        The message names the file, row, column and fix; forty lines of perflib's frames above it
        would bury it. Absent (so IPython prints its usual traceback) when debugging.
        """
        if debugging():
            raise AttributeError("_render_traceback_")
        return lambda: f"{type(self).__name__}: {self}".split("\n")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row, or file) of the data."""

    file: Path
    row: int | None
    column: str | None
    message: str
    fix: str
    _: KW_ONLY  # where, what and the fix are always given; the rest by name
    #: Something a scaffolded year still needs filled in, rather than something written wrong.
    todo: bool = False
    #: In a workbook (a data return): the sheet and the cell as a spreadsheet names it (B7).
    sheet: str | None = None
    cell: str | None = None
    #: How many more problems of its kind (its file, column and fix) follow it without being
    #: worded: past :data:`CAP` of a kind, a large bad file's rows are counted, not made messages.
    also: int = 0

    def __str__(self) -> str:
        where = self.where()
        return f"{self.file}{', ' + where if where else ''}: {self.message}. Fix: {self.fix}"

    def where(self) -> str:
        """Row and column (a workbook's sheet and cell), as a message names them."""
        if self.cell is not None:
            column = f" ({self.column})" if self.column else ""
            return f"sheet '{self.sheet}', cell {self.cell}{column}"
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


class DataError(PerflibError):
    """The data under ``data/`` is malformed; carries every problem found, not only the first."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        self._text: str | None = None  # worded once, when first asked for: a big file has many
        super().__init__(f"{count(self.problems):,} problems in the data")

    @property
    def todos(self) -> list[Problem]:
        """What is still to be filled in."""
        return [p for p in self.problems if p.todo]

    @property
    def errors(self) -> list[Problem]:
        """What is written wrong."""
        return [p for p in self.problems if not p.todo]

    def __str__(self) -> str:
        if self._text is None:
            self._text = self._word()
        return self._text

    def _word(self) -> str:
        lines = []
        errors, todos = self.errors, self.todos
        if errors:
            n = count(errors)
            lines.append(f"{n:,} problem{'s' if n != 1 else ''} in the data:")
            lines.extend(_capped(errors))
        if todos:
            lines.append(f"{len(todos):,} thing{'s' if len(todos) != 1 else ''} still to fill in "
                         "(to-do list, by file):")
            by_file: dict[Path, list[Problem]] = {}
            for p in todos:
                by_file.setdefault(p.file, []).append(p)
            for file, items in by_file.items():
                lines.append(f"  {file}")
                lines.extend(f"    [ ] {p.where() + ': ' if p.where() else ''}{p.message}. "
                             f"{p.fix[:1].upper()}{p.fix[1:]}" for p in items)
        return "\n".join(lines)


#: Problems of one kind listed before the rest are summed up, so a bad large file gives a screenful.
CAP = 10
_DIGITS = re.compile(r"\d+")


def count(problems: list[Problem]) -> int:
    """How many problems there are, those counted past the cap (:attr:`Problem.also`) too."""
    return sum(1 + p.also for p in problems)


def kind(file: Path | None, column: str | None, fix: str) -> tuple[Path | None, str | None, str]:
    """What makes problems alike, to be summed up past :data:`CAP`: their file, column and fix.

    Figures in a fix are left out of it ('write it without commas: 1234'), so a million cells
    each with its own figure are still one kind.
    """
    return file, column, _DIGITS.sub("#", fix)


def merge(problems: list[Problem], more: list[Problem]) -> None:
    """Add ``more`` to ``problems`` without repeating one already there (in linear time)."""
    seen = set(problems)
    for q in more:
        if q not in seen:
            seen.add(q)
            problems.append(q)


def _capped(problems: list[Problem]) -> list[str]:
    """The first :data:`CAP` lines of each kind of problem, then how many more there are like them.

    Only the lines shown are worded, so a million problems of one kind cost a count, not a million
    messages.
    """
    out: list[str] = []
    seen: dict[tuple[Path | None, str | None, str], list[int]] = {}  # kind -> [listed, all]
    for p in problems:
        tally = seen.setdefault(kind(p.file, p.column, p.fix), [0, 0])
        tally[1] += 1 + p.also
        if tally[0] < CAP:
            tally[0] += 1
            out.append(f"  - {p}")
    for (file, column, _), (listed, n) in seen.items():
        if n > listed:
            where = f" in column '{column}'" if column else ""
            out.append(f"  - {file}: and {n - listed:,} more rows like this{where}")
    return out


class ParameterError(PerflibError):
    """A notebook or build parameter is not acceptable."""

    exit_code = 2


class ContentError(PerflibError):
    """A report notebook's cells cannot be published as they are; names the notebook and each cell.

    A final report's chart with no alt text, an option misspelt: each with its fix.
    """

    exit_code = 2

    def __init__(self, notebook: str, problems: list[tuple[str, str, str]]):
        #: (the cell as its prompt shows it, what is wrong, the fix)
        self.notebook, self.problems = notebook, list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.notebook}, cell {cell}: {message}. Fix: {fix}"
                         for cell, message, fix in self.problems)


#: Errors that say the input is wrong, not the code: a notebook failing with one exits 2 too.
_INPUT_ERRORS = re.compile(r"\b(DataError|ParameterError|ContentError): ")


class NotebookError(PerflibError):
    """A notebook failed while it ran; names the notebook and the cell.

    Exits 2, as bad input does, when what failed it was the data, a parameter or the notebook's
    own content (its reason names a :class:`DataError`, :class:`ParameterError` or
    :class:`ContentError`); otherwise 1.
    """

    def __init__(self, notebook: str, cell: int | None, reason: str, kept: Path | None = None):
        self.notebook, self.cell, self.reason, self.kept = notebook, cell, reason, kept
        self.exit_code = 2 if _INPUT_ERRORS.search(reason) else 1
        super().__init__(str(self))

    def __str__(self) -> str:
        cell = f", cell {self.cell}" if self.cell is not None else ""
        kept = f" (executed copy kept at {self.kept})" if self.kept else ""
        return f"{self.notebook}{cell} failed: {self.reason}{kept}"


class PluginError(PerflibError):
    """An output format another package registers cannot be used; names its entry point and fix."""

    exit_code = 2


class BrowserNotFound(PerflibError):
    """No Chromium or Chrome to print PDFs with."""

    exit_code = 3


class BuildLocked(PerflibError):
    """Another build holds the reports lock."""

    exit_code = 4


class ClusterError(PerflibError):
    """The Dask cluster could not be reached or lost every worker."""

    exit_code = 1


class KernelError(PerflibError):
    """A warm kernel could not be started or reset."""

    exit_code = 1
