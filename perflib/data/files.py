"""Every data file a portfolio may hold, in one registry: where it lives, its columns, its key.

Loading (:mod:`perflib.data.portfolio`, :mod:`perflib.data.report`), the year ``perflib
new-year`` scaffolds, the build's record of what each report read and data/README.md's layout
all come from :data:`FILES`, so a new data file is one line here (its columns in
:mod:`perflib.data.specs`), the code that checks its figures, and the report kinds that read it
naming it in their ``files`` (a test keeps data/README.md in step).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from perflib.data import specs
from perflib.data.csvfile import read_csv
from perflib.data.schema import CheckedTable, Column
from perflib.errors import Problem

PORTFOLIO, YEAR = "portfolio", "year"


@dataclass(frozen=True)
class DataFile:
    """One data file: its name within its folder, what it holds, and how it is read."""

    #: path under the portfolio folder (level portfolio) or a year folder (level year)
    name: str
    level: str
    #: what it holds, in a line (data/README.md's layout)
    about: str
    #: a CSV's columns (in specs.py); none for YAML and Markdown
    columns: tuple[Column, ...] = ()
    #: the columns no two rows may share
    key: tuple[str, ...] = ()
    required: bool = True
    #: read by every report (the register and figures, report.yaml); the kinds name the rest
    every_report: bool = False

    def path(self, folder: Path) -> Path:
        """The file in ``folder`` (a portfolio's folder, or a year's)."""
        return folder / self.name

    def read(self, folder: Path, problems: list[Problem], required: bool | None = None
             ) -> CheckedTable | None:
        """The CSV read and checked against its columns (``None`` when missing or unreadable).

        ``required`` overrides the registry's word, for a file that must be there once another
        is (each comparator file, when the portfolio has a comparators folder).
        """
        if not self.columns:
            raise TypeError(f"{self.name} is not a CSV file")
        need = self.required if required is None else required
        return read_csv(self.path(folder), self.columns, problems, key=self.key,
                        optional_file=not need)

    def header(self) -> str:
        """A CSV's header line, as a new empty file starts."""
        return ",".join(c.name for c in self.columns if not c.optional) + "\n"


FILES: tuple[DataFile, ...] = (
    DataFile("portfolio.yaml", PORTFOLIO, "council and portfolio names, the report years held, "
             "the reports it gets and the words they use", every_report=True),
    DataFile("measures.csv", PORTFOLIO, "the measure register: one row per measure per report "
             "year", specs.MEASURES, ("year", "measure_id"), every_report=True),
    DataFile("observations.csv", PORTFOLIO, "every published figure: one row per measure, report "
             "and period", specs.OBSERVATIONS, ("report", "measure_id", "period"),
             every_report=True),
    DataFile("overrides.csv", PORTFOLIO, "published ratings that differ from the rule, with the "
             "reason (not needed under `ratings: published`)", specs.OVERRIDES,
             ("year", "measure_id"), every_report=True),
    DataFile("targets.csv", PORTFOLIO, "year-to-date target profiles for quarterly reports",
             specs.TARGETS, ("year", "measure_id", "quarter"), required=False),
    DataFile("facts.csv", PORTFOLIO, "other figures the reports state, for the deep dives",
             specs.FACTS, ("report", "topic", "metric", "period"), required=False),
    DataFile("museum_events.csv", PORTFOLIO, "closures and reopenings of museum sites",
             specs.EVENTS, ("report", "date", "event"), required=False),
    DataFile("comparators/values.csv", PORTFOLIO, "national and neighbours' figures, with their "
             "source", specs.VALUES, ("area_code", "metric", "period"), required=False),
    DataFile("comparators/neighbours.csv", PORTFOLIO, "the council and the areas it compares "
             "itself with", specs.NEIGHBOURS, ("area_code",), required=False),
    DataFile("comparators/metrics.csv", PORTFOLIO, "which measure is compared on which metric",
             specs.METRICS, ("measure_id",), required=False),
    DataFile("report.yaml", YEAR, "cover, overview, priorities, rule thresholds, finance "
             "statements", every_report=True),
    DataFile("commentary.md", YEAR, "commentary per measure, written by the service (may be "
             "left out under `commentary: optional`)"),
    DataFile("reserves.csv", YEAR, "earmarked reserves (none under `finance: none`)",
             specs.RESERVES),
    DataFile("savings.csv", YEAR, "savings programme (none under `finance: none`)",
             specs.SAVINGS),
    DataFile("engagement.csv", YEAR, "Appendix 1: engagement activity", specs.ENGAGEMENT,
             required=False),
    DataFile("responses.csv", YEAR, "consultation responses table", specs.RESPONSES,
             required=False),
)
BY_NAME: dict[str, DataFile] = {f.name: f for f in FILES}


def get(name: str) -> DataFile:
    """The data file registered under ``name`` (a KeyError names a file the registry lacks)."""
    return BY_NAME[name]


def level(which: str) -> list[DataFile]:
    """The files of one level, portfolio or year, in registry order."""
    return [f for f in FILES if f.level == which]


def every_report() -> list[str]:
    """The files every report reads, whatever its kind."""
    return [f.name for f in FILES if f.every_report]


def table(readers: Mapping[str, Sequence[str]]) -> str:
    """The registry as data/README.md's table: each file, what it holds, who reads it.

    ``readers`` maps a file's name to the report kinds that read it.
    """
    rows = ["| file | holds | needed | read by |", "| --- | --- | --- | --- |"]
    for f in FILES:
        where = f"`<YYYY-YY>/{f.name}`" if f.level == YEAR else f"`{f.name}`"
        who = "every report" if f.every_report else ", ".join(readers.get(f.name, ())) or "none"
        rows.append(f"| {where} | {f.about} | {'yes' if f.required else 'optional'} | {who} |")
    return "\n".join(rows) + "\n"


__all__ = ["FILES", "PORTFOLIO", "YEAR", "DataFile", "every_report", "get", "level", "table"]
