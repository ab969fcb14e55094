"""The council's front page: the latest corporate report first, then every portfolio's years.

One page, no scripts, written by every build (:func:`write_index`) from what the builds left
behind (:mod:`perflib.run.index`). A councillor reads at a glance how the council is doing: the
newest corporate report and its headline measures by rating, then per portfolio and year the
measures by rating as a small chart with its table and how the counts moved since the year
before, and the links to every report in every format. Ratings are words and numbers, the
charts inline SVG with their words in their labels, never colour alone.

On a phone (narrower than 40rem) each table's rows stack: every cell on a line of its own,
labelled with its column's heading (``data-label``), so the measure, its figures, the status and
the rating are all on screen without scrolling sideways. The table stays a table to a screen
reader: explicit ARIA roles keep the rows, cells and headers that ``display: block`` would
otherwise take away in some browsers, and the labels are hidden from it (the headers say them).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from html import escape
from pathlib import Path

from perflib.present.html import scroll_region
from perflib.present.svgbar import svg_bar
from perflib.run.index import INDEX_NAME, NOT_RATED, RATINGS, Entry, PortfolioListing, Year, listings

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
td.num { text-align: right; font-variant-numeric: tabular-nums; }
ul { margin: 0; padding-left: 1.1rem; }
a { color: #1d4ed8; }
a:focus { outline: 3px solid #f59e0b; outline-offset: 1px; }
code { font-family: "Courier New", monospace; }
.status-draft { font-weight: bold; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
      white-space: nowrap; }
.latest { border: 2px solid #1f2937; padding: 0.5rem 1rem 1rem; margin: 1rem 0; }
svg.rating-bar { vertical-align: middle; }
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
/* a phone: each row a block of labelled lines, so nothing is off-screen (WCAG 1.4.10) */
@media screen and (max-width: 40rem) {
  table.stack, table.stack caption, table.stack tbody, table.stack tr, table.stack th,
  table.stack td { display: block; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
                      clip: rect(0 0 0 0); white-space: nowrap; }
  table.stack caption { max-width: none; position: static; }
  table.stack tr { border: 1px solid #6b7280; margin: 0 0 0.75rem; }
  table.stack th, table.stack td { border: 0; border-top: 1px solid #d1d5db; }
  table.stack tr > :first-child { border-top: 0; background: #e5e7eb; }
  table.stack td.num { display: inline-block; text-align: left; border: 0; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight: bold; }
  table.stack td[data-label]::before { content: attr(data-label) ": " / ""; }
  table.stack ul.ratings { display: inline; padding: 0; }
  table.stack ul.ratings li { display: inline; margin-right: 0.5rem; }
}
"""
PARTS = (*RATINGS, "Not rated")
MOVED = "Since the year before"


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} KB"


def _when(stamp: str) -> str:
    try:
        t = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return escape(stamp) or "Not recorded"
    return f'<time datetime="{escape(stamp)}">{t:%-d %B %Y, %H:%M}</time>'


def _parts(counts: dict[str, int]) -> dict[str, int]:
    return {k: counts.get(k, 0) for k in RATINGS} | {"Not rated": counts.get(NOT_RATED, 0)}


def _said(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in _parts(counts).items())


def title(portfolios: list[PortfolioListing], council: str | None = None) -> str:
    """The page's title: the council's, as the build (council.yaml) or the reports name it.

    The corporate reports name the council whose reports these are; without them, the
    portfolios' one council. Portfolios of several councils get a title of no council.
    """
    corporate = [p.council for p in portfolios if p.scope == "council" and p.council]
    names = sorted({p.council for p in portfolios if p.council})
    who = council or (corporate[0] if corporate else names[0] if len(names) == 1 else "")
    return f"{who}: performance reports" if who else "Performance reports"


def render(portfolios: list[PortfolioListing], generated: dt.datetime | None = None,
           council: str | None = None) -> str:
    """The front page as HTML; ``council`` is its title's council, where the build knows it."""
    generated = generated or dt.datetime.now().replace(microsecond=0)
    corporate = [p for p in portfolios if p.scope == "council"]
    others = [p for p in portfolios if p.scope != "council"]
    heading = escape(title(portfolios, council))
    n = sum(len(y.entries) for p in portfolios for y in p.years)
    parts = [
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{heading}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<header>\n"
        f"<h1>{heading}</h1>\n"
        f"<p>{n} report{'s' if n != 1 else ''} in {len(others)} "
        f"portfolio{'s' if len(others) != 1 else ''}"
        f"{' and the council-wide corporate reports' if corporate else ''}, newest year first. "
        "Each report is linked as a web page, a PDF for committee, a Word draft and the data "
        "behind it as CSV, where they were built.</p>\n</header>\n<main>\n"]
    if not portfolios:
        parts.append("<p>No reports have been built yet.</p>\n")
    for p in corporate:
        parts.append(_corporate(p))
    for p in others:
        parts.append(f'<section aria-labelledby="p-{escape(p.folder)}">\n'
                     f'<h2 id="p-{escape(p.folder)}">{escape(p.name)}</h2>\n')
        parts.append(_overview(p))
        for y in p.years:
            parts.append(_year_table(p, y))
        parts.append("</section>\n")
    parts.append(f"</main>\n<footer>\n<p>Index written {_when(generated.isoformat())} by perflib."
                 "</p>\n</footer>\n</body>\n</html>\n")
    return "".join(parts)


def _corporate(p: PortfolioListing) -> str:
    """The newest corporate report first, with its headline measures by rating; then the rest."""
    latest = p.years[0]
    counts = p.ratings(latest)
    out = [f'<section aria-labelledby="p-{escape(p.folder)}">\n'
           f'<h2 id="p-{escape(p.folder)}">Corporate reports</h2>\n'
           f'<div class="latest">\n<h3>Latest: {escape(latest.label)}</h3>\n']
    if counts is not None:
        label = f"Headline measures by rating, {latest.label}: {_said(counts)}"
        out.append(f"<p>{svg_bar(_parts(counts), label)} {escape(_said(counts))} "
                   "(headline measures of every portfolio, as each one's report rates them).</p>\n")
    out.append(_year_table(p, latest, heading=False) + "</div>\n")
    for y in p.years[1:]:
        out.append(_year_table(p, y))
    out.append("</section>\n")
    return "".join(out)


def _overview(p: PortfolioListing) -> str:
    """Per year, the annual report's measures by rating, and how each count moved since."""
    # oldest first, for the change from one year to the next
    counted = [(y, c) for y in reversed(p.years) if (c := p.ratings(y)) is not None]
    if not counted:
        return ""
    rows, before = [], None
    for y, c in counted:
        now = _parts(c)
        label = f"{p.name}, {y.label}: {_said(c)}"
        cells = "".join(_td(str(now[k]), k, "num") for k in PARTS)
        rows.append(f'<tr role="row"><th scope="row" role="rowheader">{escape(y.label)}</th>'
                    f"{_td(svg_bar(now, label), 'Chart')}{cells}"
                    f"{_td(_moved(before, now), MOVED)}</tr>")
        before = now
    return _table(f"{p.name}: measures by rating, year by year",
                  ["Year", "Chart", *PARTS, MOVED], list(reversed(rows)))


def _table(caption: str, heads: list[str], rows: list[str]) -> str:
    """A table that stacks on a phone, in its labelled region, its roles said outright."""
    head = "".join(f'<th scope="col" role="columnheader">{escape(h)}</th>' for h in heads)
    return scroll_region(
        f'<table class="stack" role="table">\n<caption>{escape(caption)}</caption>\n'
        f'<thead role="rowgroup"><tr role="row">{head}</tr></thead>\n<tbody role="rowgroup">\n'
        + "\n".join(rows) + "\n</tbody>\n</table>", label=caption) + "\n"


def _td(html: str, label: str, cls: str = "") -> str:
    """A cell, labelled with its column's heading for the stacked rows of a phone."""
    css = f' class="{cls}"' if cls else ""
    return f'<td role="cell" data-label="{escape(label)}"{css}>{html}</td>'


def _moved(before: dict[str, int] | None, now: dict[str, int]) -> str:
    if before is None:
        return "First year listed"
    moves = [f"{k} {'+' if now[k] > before[k] else '−'}{abs(now[k] - before[k])}"
             for k in PARTS if now[k] != before[k]]
    return escape(", ".join(moves)) if moves else "No change"


def _year_table(p: PortfolioListing, y: Year, heading: bool = True) -> str:
    return ((f"<h3>{escape(y.label)}</h3>\n" if heading else "")
            + _table(f"{p.name} reports for {y.label}",
                     ["Report", "Files", "Built", "Status", "Measures by rating"],
                     [_row(e) for e in y.entries]))


def _row(e: Entry) -> str:
    links = "".join(
        f'<li><a href="{href}">{escape(label)}<span class="vh"> of {escape(e.title)}</span>'
        f"</a> ({_size(size)})</li>" for href, label, size in e.links) or "<li>None</li>"
    return (f'<tr role="row"><th scope="row" role="rowheader">{escape(e.title)}</th>'
            f"{_td(f'<ul>{links}</ul>', 'Files')}"
            f"{_td(_when(e.built) if e.built else 'Not recorded', 'Built')}"
            f"{_td(status(e), 'Status')}{_td(_ratings(e.ratings), 'Measures by rating')}</tr>")


def status(e: Entry) -> str:
    """A report's status as its cover gives it: 'Final, approved by XY', or Draft and why."""
    if e.status == "draft":  # the cover's Status line, where it has one, says it whole
        rest = e.why[len("Draft"):] if e.why.startswith("Draft") else ""
        return f'<span class="status-draft">Draft</span>{escape(rest)}'
    approved = f", approved by {escape(e.approved_by)}" if e.approved_by else ""
    return f"{escape(e.status.capitalize())}{approved}"


def _ratings(counts: dict[str, int] | None) -> str:
    if counts is None:
        return "Not applicable"
    items = [f"<li>{k} {n}</li>" for k, n in _parts(counts).items()]
    joined = "\n".join(items)  # one item a line, so copied text reads "Green 6 Amber 4"
    return f'<ul class="ratings">{joined}</ul>'


def write_index(out: Path, council: str | None = None) -> Path:
    """Write ``out/index.html`` listing every report under ``out``; returns its path.

    ``council`` names the council the page is of (council.yaml's, from the build); without it
    the reports' logs say. Written to a temporary file and renamed into place, so a reader
    never sees half a page.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    html = render(listings(out), council=council)
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


__all__ = ["render", "status", "title", "write_index"]
