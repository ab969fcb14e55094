"""Small, accessible HTML pieces: tables with captions and scoped headers, safe Markdown, badges.

pandas' ``to_html`` and Styler emit header cells without ``scope`` and no caption by default, so
report tables are built here, where accessibility is decided once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

import nh3
from markdown_it import MarkdownIt

from perflib import rules

_md = MarkdownIt("commonmark", {"html": True, "typographer": False})

#: Tags and attributes that may survive from data/ into a report; no scripts, styles or handlers.
_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "blockquote",
         "h4", "h5", "h6", "span", "sup", "sub", "abbr"}
_ATTRS = {"a": {"href", "title"}, "abbr": {"title"}}


class Fragment(str):
    """A string of HTML that JupyterLab and nbconvert display as HTML, not as text."""

    def _repr_html_(self) -> str:
        return str(self)


def markdown(text: str | None) -> str:
    r"""Render Markdown from data/ to HTML, sanitised so no script or handler can survive.

    >>> markdown('Hi <script>alert(1)</script><a href="javascript:x()">link</a>')
    '<p>Hi <a rel="noopener noreferrer">link</a></p>\n'
    """
    if not text:
        return ""
    raw = _md.render(text)
    return nh3.clean(raw, tags=_TAGS, attributes=_ATTRS, url_schemes={"http", "https", "mailto"})


def esc(text: object) -> str:
    """Escape any value for HTML text."""
    return escape("" if text is None else str(text))


def table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]],
          row_header: bool = True, foot: Sequence[Sequence[str]] = (), cls: str = "",
          numeric: Sequence[int] = ()) -> str:
    """An HTML table: caption, ``th scope=col`` headers, first cell of a row as ``th scope=row``.

    Cells are HTML already (callers escape text with :func:`esc`), so badges can be embedded.
    """
    def cell(i: int, value: str, tag: str = "td") -> str:
        scope = ' scope="row"' if tag == "th" else ""
        num = ' class="num"' if i in numeric else ""
        return f"<{tag}{scope}{num}>{value}</{tag}>"

    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = []
    for r in rows:
        cells = [cell(i, v, "th" if (i == 0 and row_header) else "td") for i, v in enumerate(r)]
        body.append("<tr>" + "".join(cells) + "</tr>")
    tfoot = ""
    if foot:
        tfoot = "<tfoot>" + "".join(
            "<tr>" + "".join(cell(i, v, "th" if i == 0 else "td") for i, v in enumerate(r))
            + "</tr>" for r in foot) + "</tfoot>"
    klass = f' class="{cls}"' if cls else ""
    return (f"<table{klass}><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody>{tfoot}</table>")


#: Shape and word for every rating and trend, so none is carried by colour alone.
SYMBOLS = {
    rules.RED: ("✖", "rag-red"),
    rules.AMBER: ("▲", "rag-amber"),
    rules.GREEN: ("✔", "rag-green"),
    rules.BETTER: ("↑", "trend-better"),
    rules.STABLE: ("→", "trend-stable"),
    rules.WORSE: ("↓", "trend-worse"),
}


def badge(label: str) -> str:
    """A rating or trend as symbol plus word; the symbol is hidden from screen readers."""
    symbol, cls = SYMBOLS[label]
    return (f'<span class="badge {cls}"><span aria-hidden="true">{symbol}</span> '
            f"{esc(label)}</span>")
