"""The council's front page, ``index.html``: what every build left behind, gathered.

Everything on it comes from the build logs (``<portfolio>/<YYYY-YY>/build-log.json``: each
report's notebooks, files, when each was built and its status as its cover gives it) and, for
the ratings, each annual report's ``measures.csv`` and each corporate report's
``corporate.csv``. The checksums of the data each report read stay in the logs: they are for
whoever runs the builds, not for the councillors the page is for. This module gathers them
(:func:`listings`); :mod:`perflib.run.frontpage` writes the page. Links are relative, so the folder
can be copied to a shared drive or served as it is; only files that exist are linked.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

from perflib.formats import formats
from perflib.run.logs import LOG_NAME, read_log

if TYPE_CHECKING:  # the front page is written without pandas, which data/ imports
    from perflib.data.specs import ReportStatus
    from perflib.reports import Scope

INDEX_NAME = "index.html"
_YEAR = re.compile(r"^\d{4}-\d{2}$")
RATINGS = ("Green", "Amber", "Red")
NOT_RATED = "not rated"


@dataclass
class Entry:
    """One report (one notebook's outputs) of one portfolio and year."""

    name: str
    title: str
    links: list[tuple[str, str, int]]  # (href, label, bytes)
    built: str
    #: "draft" or "final", as the report's cover says
    status: ReportStatus
    ratings: dict[str, int] | None = None
    #: who approved a final report, as its cover names them
    approved_by: str = ""
    #: why a draft is one, where its cover says (a corporate report its portfolios hold back)
    why: str = ""


@dataclass
class Year:
    """One portfolio's reports for one year."""

    folder: str
    label: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class PortfolioListing:
    """One portfolio (or the council's corporate reports) as the front page lists it: its years.

    Read from the build logs under the reports folder, not from data/ (that is
    :class:`perflib.data.portfolio.Portfolio`); newest year first.
    """

    folder: str
    name: str
    years: list[Year] = field(default_factory=list)
    #: the council its logs name
    council: str = ""
    #: "council" for the corporate reports (reports/council/), else "portfolio"
    scope: Scope = "portfolio"

    def ratings(self, year: Year) -> dict[str, int] | None:
        """The year's measures by rating: its annual (or corporate) report's, if counted."""
        return next((e.ratings for e in year.entries if e.ratings is not None), None)


def count_ratings(path: Path) -> dict[str, int]:
    """Green, Amber, Red and not rated in a measures.csv (column ``rating``, else ``status``)."""
    counts = dict.fromkeys((*RATINGS, NOT_RATED), 0)
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        column = "rating" if "rating" in (reader.fieldnames or []) else "status"
        for row in reader:
            value = (row.get(column) or "").strip().capitalize()
            counts[value if value in RATINGS else NOT_RATED] += 1
    return counts


def listings(out: Path) -> list[PortfolioListing]:
    """Every portfolio, year and report found under ``out``, from the build logs."""
    portfolios: dict[str, PortfolioListing] = {}
    for log_path in sorted(out.glob(f"*/*/{LOG_NAME}")):
        year_dir = log_path.parent
        pdir = year_dir.parent
        if pdir.name.startswith(".") or not _YEAR.match(year_dir.name):
            continue
        log = read_log(year_dir)
        notebooks = log.get("notebooks")
        if not isinstance(notebooks, dict) or not notebooks:
            continue
        name = str(log.get("portfolio_name") or log.get("portfolio") or pdir.name)
        p = portfolios.setdefault(pdir.name, PortfolioListing(
            pdir.name, name, council=str(log.get("council") or ""),
            scope="council" if log.get("scope") == "council" else "portfolio"))
        label = str(log.get("year") or year_dir.name.replace("-", "/"))
        year = Year(year_dir.name, label)
        for nb_name, entry in notebooks.items():
            if not isinstance(entry, dict):
                continue
            year.entries.append(_entry(out, year_dir, nb_name, entry, log))
        if year.entries:
            p.years.append(year)
    for p in portfolios.values():
        p.years.sort(key=lambda y: y.folder, reverse=True)
    return sorted(portfolios.values(), key=lambda p: p.name.lower())


def _entry(out: Path, folder: Path, name: str, entry: dict, log: dict) -> Entry:
    files = [f for f in entry.get("files", []) if isinstance(f, str)]
    links = []
    for fmt in formats().values():  # every format the report was built in, in registry order
        path = folder / f"{name}{fmt.extension}"
        if path.is_file():
            links.append((_href(out, path), fmt.label, path.stat().st_size))
    ratings = None
    for f in files:
        path = folder / f
        if f.endswith(".csv") and path.is_file():
            links.append((_href(out, path), f"CSV data ({f})", path.stat().st_size))
            if f in ("measures.csv", "corporate.csv"):
                ratings = count_ratings(path)
    # the report's own cover's status (a quarter's is its own); a log from before perflib
    # recorded it gives the year's
    status = str(entry.get("status") or log.get("status") or "final").strip().lower()
    return Entry(name=name,
                 title=str(entry.get("title") or name.replace("_", " ").capitalize()),
                 links=links, built=str(entry.get("built") or ""),
                 status=cast("ReportStatus", status),  # a build writes only these
                 ratings=ratings, approved_by=str(entry.get("approved_by") or ""),
                 why=str(entry.get("why") or ""))


def _href(out: Path, path: Path) -> str:
    """A relative link from index.html to ``path``, through the report folder (not .versions)."""
    return quote(path.relative_to(out).as_posix())
