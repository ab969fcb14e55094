"""What a councillor turning the printed pages would stumble on, checked page by page.

- :func:`empty_headings`: a heading with nothing under it, read from a report's HTML.
- :func:`orphan_problems`: a page whose last words are a heading, a table's caption or a
  chart's title, with what it names on the next page. The headings and captions are read from
  the HTML the PDF was printed from; each page's text from poppler's ``pdftotext -layout``, its
  running footer ("... Page 3 of 17") left off.
- :func:`wording_problems`: words that are the tool's, not the council's: "perflib", "CL" for
  the centre line, period codes ("2022/23 M01", "Q1 ") where a reader expects "April 2022" or
  "Quarter 1".
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

#: The running footer Chromium prints on every page.
FOOTER = re.compile(r"Page \d+ of \d+\s*$")
#: Words no report of the council's prints: the tool's name, SPC's jargon, period codes.
JARGON = {
    "the tool's name": re.compile(r"perflib", re.I),
    "CL for the centre line": re.compile(r"\b[UL]?CL\b"),
    "a month code": re.compile(r"\bM(0[1-9]|1[0-2])\b"),
    # "Q1 figure", "2021/22 Q1": a code where words belong (a council's own label, such as
    # "Previously Reported (Q3)" in its finance table, is its to word)
    "a quarter code": re.compile(r"\bQ[1-4](?= |$)"),
}


class _Labels(HTMLParser):
    """The text of every heading, table caption and figure caption of a page."""

    TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.TAGS:
            if not self._depth:
                self._open = []
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.TAGS and self._depth:
            self._depth -= 1
            if not self._depth:
                self.found.append(" ".join("".join(self._open).split()))

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._open.append(data)


class _Empty(HTMLParser):
    """Headings with nothing under them: the next thing after one is a heading of its level or
    above, or the end of its section."""

    CONTENT = {"img", "table", "svg", "figure", "ul", "ol", "dl", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._level = 0  # the level of the heading read last, while nothing has followed it
        self._text: list[str] = []
        self._in: int | None = None

    def _heading(self, tag: str) -> int | None:
        return int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() else None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        level = self._heading(tag)
        if level is not None:
            if self._level and level <= self._level:
                self.found.append(" ".join("".join(self._text).split()))
            self._level, self._in, self._text = 0, level, []
        elif tag in self.CONTENT:
            self._level = 0

    def handle_endtag(self, tag: str) -> None:
        if self._heading(tag) is not None and self._in is not None:
            self._level, self._in = self._in, None
        elif tag in ("section", "main", "body") and self._level:
            self.found.append(" ".join("".join(self._text).split()))
            self._level = 0

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._text.append(data)
        elif data.strip():
            self._level = 0


def empty_headings(html: Path) -> list[str]:
    """The headings of a report with nothing under them before the next heading or its end."""
    p = _Empty()
    p.feed(html.read_text(encoding="utf-8"))
    return [f"{html.name}: '{t}' heads nothing" for t in p.found]


def labels(html: Path) -> list[str]:
    """The headings and captions of a report, as its reader sees them (whitespace folded)."""
    p = _Labels()
    p.feed(html.read_text(encoding="utf-8"))
    return [t for t in p.found if t]


def pages(pdf: Path) -> list[list[str]]:
    """Each page's lines of text, blank lines and the running footer left off."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    out = []
    for page in text.split("\f"):
        lines = [" ".join(ln.split()) for ln in page.splitlines() if ln.strip()]
        if lines and FOOTER.search(lines[-1]):
            lines.pop()
        out.append(lines)
    while out and not out[-1]:
        out.pop()
    return out


def orphan_problems(pdf: Path, html: Path) -> list[str]:
    """Pages (all but the last) that end on a heading or caption, apart from what it names."""
    names = labels(html)
    found = []
    text = pages(pdf)
    for n, lines in enumerate(text[:-1], start=1):
        tail = " ".join(lines[-3:])  # a label may wrap over lines
        for name in names:
            if tail.endswith(name):
                found.append(f"{pdf.name} page {n} ends with '{name}'")
                break
    return found


def wording_problems(pdf: Path) -> list[str]:
    """Each page's words that are the tool's, not the council's."""
    found = []
    for n, lines in enumerate(pages(pdf), start=1):
        for line in lines:
            for what, pattern in JARGON.items():
                m = pattern.search(line)
                if m:
                    found.append(f"{pdf.name} page {n}: {what} ({m.group(0)!r}) in {line!r}")
    return found


__all__ = ["empty_headings", "labels", "orphan_problems", "pages", "wording_problems"]
