"""The council's front page: the latest corporate report first, then every portfolio's years.

One page, no scripts, written by every build (:func:`write_index`) from what the builds left
behind (:mod:`perflib.run.index`). A councillor reads at a glance how the council is doing: the
newest corporate report and its headline measures by rating, then per portfolio and year the
measures by rating as a small chart with its table and how the counts moved since the year
before, and the links to every report in every format. Ratings are words and numbers, the
charts inline SVG with their words in their labels, never colour alone.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from html import escape
from pathlib import Path

from perflib.present.html import scroll_region
from perflib.present.svgbar import svg_bar
from perflib.run.index import INDEX_NAME, NOT_RATED, RATINGS, Entry, Portfolio, Year, collect

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
"""
PARTS = (*RATINGS, "Not rated")


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


def render(portfolios: list[Portfolio], generated: dt.datetime | None = None) -> str:
    """The front page as HTML."""
    generated = generated or dt.datetime.now().replace(microsecond=0)
    council = [p for p in portfolios if p.scope == "council"]
    others = [p for p in portfolios if p.scope != "council"]
    names = sorted({p.council for p in portfolios if p.council})
    who = names[0] if len(names) == 1 else "Performance reports"
    n = sum(len(y.entries) for p in portfolios for y in p.years)
    parts = [
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(who)}: performance reports</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<header>\n"
        f"<h1>{escape(who)}: performance reports</h1>\n"
        f"<p>{n} report{'s' if n != 1 else ''} in {len(others)} "
        f"portfolio{'s' if len(others) != 1 else ''}"
        f"{' and the council-wide corporate reports' if council else ''}, newest year first. "
        "Each report is linked as a web page, a PDF for committee, a Word draft and the data "
        "behind it as CSV, where they were built. The data checksum changes whenever the data a "
        "report read changes.</p>\n</header>\n<main>\n"]
    if not portfolios:
        parts.append("<p>No reports have been built yet.</p>\n")
    for p in council:
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


def _corporate(p: Portfolio) -> str:
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


def _overview(p: Portfolio) -> str:
    """Per year, the annual report's measures by rating, and how each count moved since."""
    # oldest first, for the change from one year to the next
    counted = [(y, c) for y in reversed(p.years) if (c := p.ratings(y)) is not None]
    if not counted:
        return ""
    rows, before = [], None
    for y, c in counted:
        now = _parts(c)
        label = f"{p.name}, {y.label}: {_said(c)}"
        cells = "".join(f'<td class="num">{now[k]}</td>' for k in PARTS)
        rows.append(f'<tr><th scope="row">{escape(y.label)}</th>'
                    f"<td>{svg_bar(now, label)}</td>{cells}<td>{_moved(before, now)}</td></tr>")
        before = now
    caption = f"{p.name}: measures by rating, year by year"
    head = "".join(f'<th scope="col">{k}</th>' for k in PARTS)
    return scroll_region(
        f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr><th scope=\"col\">Year</th>"
        f"<th scope=\"col\">Chart</th>{head}<th scope=\"col\">Since the year before</th></tr>"
        "</thead>\n<tbody>\n" + "\n".join(reversed(rows)) + "\n</tbody>\n</table>",
        label=caption) + "\n"


def _moved(before: dict[str, int] | None, now: dict[str, int]) -> str:
    if before is None:
        return "First year listed"
    moves = [f"{k} {'+' if now[k] > before[k] else '−'}{abs(now[k] - before[k])}"
             for k in PARTS if now[k] != before[k]]
    return escape(", ".join(moves)) if moves else "No change"


def _year_table(p: Portfolio, y: Year, heading: bool = True) -> str:
    rows = [_row(e) for e in y.entries]
    caption = f"{p.name} reports for {y.label}"
    return ((f"<h3>{escape(y.label)}</h3>\n" if heading else "") + scroll_region(
            f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr><th scope=\"col\">Report</th>"
            "<th scope=\"col\">Files</th><th scope=\"col\">Built</th>"
            "<th scope=\"col\">Data checksum (SHA-256, first 12)</th><th scope=\"col\">Status</th>"
            "<th scope=\"col\">Measures by rating</th></tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table>", label=caption) + "\n")


def _row(e: Entry) -> str:
    links = "".join(
        f'<li><a href="{href}">{escape(label)}<span class="vh"> of {escape(e.title)}</span>'
        f"</a> ({_size(size)})</li>" for href, label, size in e.links) or "<li>None</li>"
    status = ("<span class=\"status-draft\">Draft</span>" if e.status == "draft"
              else escape(e.status.capitalize()))
    return (f'<tr><th scope="row">{escape(e.title)}</th><td><ul>{links}</ul></td>'
            f"<td>{_when(e.built) if e.built else 'Not recorded'}</td>"
            f"<td><code>{escape(e.checksum)}</code></td><td>{status}</td>"
            f"<td>{_ratings(e.ratings)}</td></tr>")


def _ratings(counts: dict[str, int] | None) -> str:
    if counts is None:
        return "Not applicable"
    items = [f"<li>{k} {n}</li>" for k, n in _parts(counts).items()]
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


__all__ = ["render", "write_index"]
