"""Exceptions perflib raises; the CLI turns each into one clear message and an exit code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class PerflibError(Exception):
    """Base class for every error perflib raises on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row, or file) of the data."""

    file: Path
    row: int | None
    column: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = [str(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}. Fix: {self.fix}"


class DataError(PerflibError):
    """The data under ``data/`` is malformed; carries every problem found, not only the first."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the data:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class ParameterError(PerflibError):
    """A notebook or build parameter is not acceptable."""

    exit_code = 2


class NotebookError(PerflibError):
    """A notebook failed while it ran; names the notebook and the cell."""

    exit_code = 1

    def __init__(self, notebook: str, cell: int | None, reason: str, kept: Path | None = None):
        self.notebook, self.cell, self.reason, self.kept = notebook, cell, reason, kept
        super().__init__(str(self))

    def __str__(self) -> str:
        cell = f", cell {self.cell}" if self.cell is not None else ""
        kept = f" (executed copy kept at {self.kept})" if self.kept else ""
        return f"{self.notebook}{cell} failed: {self.reason}{kept}"


class BrowserNotFound(PerflibError):
    """No Chromium or Chrome to print PDFs with."""

    exit_code = 3


class BuildLocked(PerflibError):
    """Another build holds the reports lock."""

    exit_code = 4
