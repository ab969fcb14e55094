"""An index of every report under a reports folder: ``index.html``, one page, no scripts.

Everything on it comes from what a build leaves behind: each ``<portfolio>/<YYYY-YY>/build-log.json``
(its notebooks, their files, when each was built and the checksums of the data it read) and, for the
ratings, each annual report's ``measures.csv``. Links are relative, so the folder can be copied to
a shared drive or served as it is; only files that exist are linked. Ratings are counted as words
and numbers, never colour alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import quote

from perflib.formats import FORMATS
from perflib.present.html import scroll_region
from perflib.run.plan import LOG_NAME, read_log

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
    checksum: str
    status: str
    ratings: dict[str, int] | None = None


@dataclass
class Year:
    """One portfolio's reports for one year."""

    folder: str
    label: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Portfolio:
    """One portfolio and its years, newest first."""

    folder: str
    name: str
    years: list[Year] = field(default_factory=list)


def data_checksum(inputs: dict) -> str:
    """A short SHA-256 over a log entry's inputs: equal when a report read the same data."""
    blob = json.dumps(inputs or {}, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


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


def collect(out: Path) -> list[Portfolio]:
    """Every portfolio, year and report found under ``out``, from the build logs."""
    portfolios: dict[str, Portfolio] = {}
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
        p = portfolios.setdefault(pdir.name, Portfolio(pdir.name, name))
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
    for fmt in FORMATS.values():  # every format the report was built in, in registry order
        path = folder / f"{name}{fmt.extension}"
        if path.is_file():
            links.append((_href(out, path), fmt.label, path.stat().st_size))
    ratings = None
    for f in files:
        path = folder / f
        if f.endswith(".csv") and path.is_file():
            links.append((_href(out, path), f"CSV data ({f})", path.stat().st_size))
            if f == "measures.csv":
                ratings = count_ratings(path)
    status = str(entry.get("status") or log.get("status") or "final").strip().lower()
    return Entry(name=name,
                 title=str(entry.get("title") or name.replace("_", " ").capitalize()),
                 links=links, built=str(entry.get("built") or ""),
                 checksum=data_checksum(entry.get("inputs") or {}), status=status,
                 ratings=ratings)


def _href(out: Path, path: Path) -> str:
    """A relative link from index.html to ``path``, through the report folder (not .versions)."""
    return quote(path.relative_to(out).as_posix())


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} KB"


def _when(stamp: str) -> str:
    try:
        t = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return escape(stamp) or "Not recorded"
    return f'<time datetime="{escape(stamp)}">{t:%-d %B %Y, %H:%M}</time>'


CSS = """
body { font-family: Arial, Helvetica, sans-serif; color: #1f2937; background: #fff; margin: 0;
       line-height: 1.45; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
h1 { font-size: 1.8rem; margin: 1.5rem 0 0.5rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid #1f2937; }
h3 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1rem; font-size: 0.95rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #6b7280; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #e5e7eb; }
ul { margin: 0; padding-left: 1.1rem; }
a { color: #1d4ed8; }
a:focus { outline: 3px solid #f59e0b; outline-offset: 1px; }
code { font-family: "Courier New", monospace; }
.status-draft { font-weight: bold; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
      white-space: nowrap; }
ul.ratings { list-style: none; padding: 0; }
ul.ratings li { white-space: nowrap; }
.rating { display: inline-block; min-width: 5.5rem; padding-left: 0.4rem;
          border-left: 0.6rem solid #9ca3af; }
.rating-green { border-left-color: #166534; }
.rating-amber { border-left-color: #b45309; }
.rating-red { border-left-color: #991b1b; }
footer { margin-top: 2rem; font-size: 0.9rem; color: #374151; }
/* a wide table scrolls inside its own region on a phone, never the whole page (WCAG 1.4.10) */
.table-scroll { margin: 0 0 1rem; }
.table-scroll table { margin: 0; }
@media screen {
  .table-scroll { overflow-x: auto; }
  .table-scroll:focus { outline: 3px solid #f59e0b; outline-offset: 1px; }
  .table-scroll caption { max-width: calc(100vw - 2rem); position: sticky; left: 0; }
}
@media (max-width: 36rem) { header, main, footer { padding: 0 0.5rem; } }
"""


def render(portfolios: list[Portfolio], generated: dt.datetime | None = None) -> str:
    """The index page as HTML."""
    generated = generated or dt.datetime.now().replace(microsecond=0)
    n = sum(len(y.entries) for p in portfolios for y in p.years)
    parts = [
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Performance reports: index of every report</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<header>\n"
        "<h1>Performance reports</h1>\n"
        f"<p>{n} report{'s' if n != 1 else ''} in {len(portfolios)} "
        f"portfolio{'s' if len(portfolios) != 1 else ''}, newest year first. Each report is "
        "linked as a web page, a PDF for committee, a Word draft and the data behind it as CSV, "
        "where they were built. The data checksum changes whenever the data a report read "
        "changes.</p>\n</header>\n<main>\n"
    ]
    if not portfolios:
        parts.append("<p>No reports have been built yet.</p>\n")
    for p in portfolios:
        parts.append(f'<section aria-labelledby="p-{escape(p.folder)}">\n'
                     f'<h2 id="p-{escape(p.folder)}">{escape(p.name)}</h2>\n')
        for y in p.years:
            parts.append(_year_table(p, y))
        parts.append("</section>\n")
    parts.append(f"</main>\n<footer>\n<p>Index written {_when(generated.isoformat())} by perflib."
                 "</p>\n</footer>\n</body>\n</html>\n")
    return "".join(parts)


def _year_table(p: Portfolio, y: Year) -> str:
    rows = []
    for e in y.entries:
        links = "".join(
            f'<li><a href="{href}">{escape(label)}<span class="vh"> of {escape(e.title)}</span>'
            f"</a> ({_size(size)})</li>" for href, label, size in e.links) or "<li>None</li>"
        status = ("<span class=\"status-draft\">Draft</span>" if e.status == "draft"
                  else escape(e.status.capitalize()))
        rows.append(
            f'<tr><th scope="row">{escape(e.title)}</th><td><ul>{links}</ul></td>'
            f"<td>{_when(e.built) if e.built else 'Not recorded'}</td>"
            f"<td><code>{escape(e.checksum)}</code></td><td>{status}</td>"
            f"<td>{_ratings(e.ratings)}</td></tr>")
    caption = f"{p.name} reports for {y.label}"
    return (f"<h3>{escape(y.label)}</h3>\n" + scroll_region(
            f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr><th scope=\"col\">Report</th>"
            "<th scope=\"col\">Files</th><th scope=\"col\">Built</th>"
            "<th scope=\"col\">Data checksum (SHA-256, first 12)</th><th scope=\"col\">Status</th>"
            "<th scope=\"col\">Measures by rating</th></tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table>", label=caption) + "\n")


def _ratings(counts: dict[str, int] | None) -> str:
    if counts is None:
        return "Not applicable"
    items = [f'<li><span class="rating rating-{k.lower()}">{k}</span> {counts[k]}</li>'
             for k in RATINGS]
    items.append(f'<li><span class="rating">Not rated</span> {counts[NOT_RATED]}</li>')
    joined = "\n".join(items)  # one item a line, so copied text reads "Green 6 Amber 4"
    return f'<ul class="ratings">{joined}</ul>'


def write_index(out: Path) -> Path:
    """Write ``out/index.html`` listing every report under ``out``; returns its path.

    Written to a temporary file and renamed into place, so a reader never sees half a page.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    html = render(collect(out))
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html", dir=out)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out / INDEX_NAME)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out / INDEX_NAME
