"""What a data check tells the build: the problems, and the runs each report year needs.

A build plans from these, never from the checked data itself (:mod:`perflib.run.plan`), so the
process that plans need not be the one that checked: locally the build checks the data itself
(:mod:`perflib.run.checking`); on a cluster each portfolio's check, and the council's, is a task
on a worker, and the client, which imports no data library, plans from what comes back. Every
path in here is named from the data folder (``cfe/measures.csv``) or the project
(``notebooks/annual_report.ipynb``), since the worker's folders are not the client's: the client
names them from its own (:meth:`Checked.rooted`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from perflib.errors import Problem


@dataclass(frozen=True)
class Run:
    """One notebook run a report year needs."""

    kind: str
    #: what its files are called (annual_report, quarterly_q1)
    output: str
    #: parameters beyond portfolio, year and data_dir (a quarterly report's quarter)
    extra: dict[str, str]
    #: its notebook: named from the project where it lies in it, else a whole path
    notebook: str
    #: the data files it reads, named from the data folder
    inputs: tuple[str, ...] = ()
    #: the notebooks a change to which rebuilds it (its own; the corporate report's, every
    #: notebook of the reports it is made from too), named as ``notebook`` is
    notebooks: tuple[str, ...] = ()


@dataclass
class Year:
    """One portfolio's report year, as a build needs it: who, which status, which runs."""

    portfolio: str
    #: the portfolio's name, and its council's, as portfolio.yaml gives them
    name: str
    council: str
    year: str
    #: report.yaml's status (draft or final): the build log's
    status: str
    runs: list[Run] = field(default_factory=list)
    #: runs declared but not yet possible, each with why (a quarter with no figures)
    waiting: list[str] = field(default_factory=list)

    @property
    def folder(self) -> str:
        """This year as a folder name, e.g. '2020-21'."""
        return self.year.replace("/", "-")


@dataclass
class CouncilYear:
    """The council's corporate reports for one year: their runs, status and own files."""

    year: str
    status: str
    runs: list[Run] = field(default_factory=list)


@dataclass
class Checked:
    """What one check found: a portfolio's (``scope`` its id), or the council's (``council``)."""

    scope: str
    #: what fails it: every problem (its to-dos with them) when it has an error; empty when sound
    problems: list[Problem] = field(default_factory=list)
    #: what the build prints of it as it is checked (a draft's to-dos, its data-quality findings)
    lines: list[str] = field(default_factory=list)
    years: list[Year] = field(default_factory=list)
    council: list[CouncilYear] = field(default_factory=list)
    #: the council the front page is of (for the council's check)
    council_name: str | None = None
    #: the report folders the data holds, for withdrawing what it no longer does (2020-21)
    held: list[str] = field(default_factory=list)
    #: the check could not be made because the portfolios it reads failed theirs (the council's)
    blocked: bool = False

    @property
    def failed(self) -> bool:
        """Whether its reports must not be built (refused, with its problems)."""
        return bool(self.problems) or self.blocked

    def rooted(self, there: Path, here: Path) -> Checked:
        """This check as the client names it: files under ``there`` named under ``here``.

        A worker's data folder is a scratch folder of its own: every problem's file, and every
        message and line that names it, is named from the client's data folder instead, so the
        client prints what a check on its own machine would have printed.
        """
        if there == here:
            return self
        a, b = str(there), str(here)

        def move(p: Problem) -> Problem:
            file = Path(p.file)
            if file.is_relative_to(there):
                file = here / file.relative_to(there)
            return replace(p, file=file, message=p.message.replace(a, b), fix=p.fix.replace(a, b))

        return replace(self, problems=[move(p) for p in self.problems],
                       lines=[line.replace(a, b) for line in self.lines])


__all__ = ["Checked", "CouncilYear", "Run", "Year"]
