"""Read the tables and images of a built HTML report (the standard library's parser suffices)."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser


class Tables(HTMLParser):
    """Collect every table (caption, rows of cell text) and every <img> attribute set."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.images: list[dict] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": "", "rows": [], "attrs": a})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            if self.tables:
                self.tables[-1].setdefault("cells", []).append((tag, a))
        elif tag == "img":
            self.images.append(a)

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)


def parse(html: str) -> Tables:
    t = Tables()
    t.feed(html)
    return t


def table(html: str, caption_start: str) -> list[list[str]]:
    """Rows (header first) of the first table whose caption starts with ``caption_start``."""
    for t in parse(html).tables:
        if t["caption"].startswith(caption_start):
            return t["rows"]
    raise AssertionError(f"no table captioned {caption_start!r}")


def html_headings(html: str) -> list[tuple[int, str]]:
    """(level, words) of every heading a reader's tools list: not the skip link's or the nav's."""
    import lxml.html

    body_el = lxml.html.document_fromstring(html).body
    for xpath in ("//a[contains(@class, 'skip-link')]", "//nav", "//style", "//script",
                  "//*[@aria-hidden='true']", "//*[local-name()='svg']"):
        for el in body_el.xpath(xpath):
            el.drop_tree()
    body = lxml.html.tostring(body_el, encoding="unicode", method="html")
    return [(int(level), " ".join(re.sub(r"<[^>]+>", " ", text).split()).replace("&#x27;", "'")
             .replace("&amp;", "&"))
            for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", body, re.S)]


def chart_table(html: str, title_start: str) -> list[list[str]]:
    """Rows of the data table under the first chart whose title starts with ``title_start``.

    The table's caption does not repeat the title; its accessible name refers to it.
    """
    m = re.search(r'<figcaption><span id="([^"]+)">' + re.escape(escape(title_start, quote=False)),
                  html)
    if m:
        for t in parse(html).tables:
            if m.group(1) in t["attrs"].get("aria-labelledby", "").split():
                return t["rows"]
    raise AssertionError(f"no chart titled {title_start!r} with a data table")
