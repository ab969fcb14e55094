"""Blocks rendered as accessible HTML: captioned tables with scoped headers, safe Markdown, badges.

pandas' ``to_html`` and Styler emit header cells without ``scope`` and no caption by default, so
report tables are rendered here, where accessibility is decided once for every report kind.

A report's look (``templates/perflib/report.css``) is scoped to the ``perflib`` wrapper every
output is rendered in, so it is the same on the exported page and in JupyterLab, where each output
carries it (:func:`notebook`) because JupyterLab loads no stylesheet of perflib's.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from html import escape

import nh3
from markdown_it import MarkdownIt

from perflib import config, rules
from perflib.present.blocks import (
    MISSING,
    SHORT,
    Block,
    Code,
    Cover,
    Definitions,
    Figure,
    Group,
    Heading,
    Inline,
    Markdown,
    Note,
    Paragraph,
    Section,
    Table,
    plain,
)

_md = MarkdownIt("commonmark", {"html": True, "typographer": False})

#: Tags and attributes that may survive from data/ into a report; no scripts, styles or handlers.
_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "blockquote",
         "span", "sup", "sub", "abbr"}
_ATTRS = {"a": {"href", "title"}, "abbr": {"title"}}
#: Where a link written in data/ or a Markdown cell may lead: the web and e-mail, nothing on the
#: machine that built the report (``../../etc/passwd``) nor in a reader's browser (``javascript:``).
LINK_SCHEMES = ("http:", "https:", "mailto:")


def _safe_link(tag: str, attr: str, value: str) -> str | None:
    if attr == "href" and not value.strip().lower().startswith(LINK_SCHEMES):
        return None  # the words stay, the link goes
    return value


def markdown(text: str | None, top: int = 4) -> str:
    r"""Render Markdown from data/ to HTML, sanitised so no script, handler or local link survives.

    A heading above level ``top`` is printed at ``top``, so a cell's ``# Note`` never competes
    with the report's title. Links may lead only to http(s) and mailto addresses.

    >>> markdown('Hi <script>alert(1)</script><a href="javascript:x()">link</a>')
    '<p>Hi link</p>\n'
    >>> markdown('# Note\n\n[see](../../etc/passwd)', top=2)
    '<h2>Note</h2>\n<p>see</p>\n'
    """
    if not text:
        return ""
    tokens = _md.parse(text)
    for t in tokens:
        if t.type in ("heading_open", "heading_close") and int(t.tag[1]) < top:
            t.tag = f"h{top}"
    raw = _md.renderer.render(tokens, _md.options, {})
    html = nh3.clean(raw, tags=_TAGS | {f"h{n}" for n in range(top, 7)}, attributes=_ATTRS,
                     url_schemes={"http", "https", "mailto"}, attribute_filter=_safe_link)
    return _DEAD_LINK.sub(r"\1", html)  # a link that may lead nowhere is its words alone


#: A link the sanitiser took the target from (nh3 writes its attributes in this order).
_DEAD_LINK = re.compile(r'<a(?: title="[^"]*")? rel="noopener noreferrer"(?: title="[^"]*")?>'
                        r"(.*?)</a>", re.S)


def esc(text: object) -> str:
    """Escape any value for HTML text."""
    return escape("" if text is None else str(text))


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


def inline(text: Inline) -> str:
    """Inline content as HTML."""
    if isinstance(text, str):
        return esc(text)
    out = []
    for s in text:
        if s.style == "strong":
            out.append(f"<strong>{esc(s.text)}</strong>")
        elif s.style == "em":
            out.append(f"<em>{esc(s.text)}</em>")
        elif s.style == "note":
            out.append(f'<span class="note">{esc(s.text)}</span>')
        elif s.style == "badge":
            out.append(badge(s.text))
        elif s.style == "link":
            out.append(f'<a href="{esc(s.href)}">{esc(s.text)}</a>')
        elif s.style == "icon":  # an SVG perflib drew (spc_chart), never text from data/
            if not s.text.startswith("<svg") or "<script" in s.text.lower():
                raise ValueError("an icon span must be an SVG drawn by perflib")
            # its words are printed beside it, so it is decoration: hidden from screen readers
            # (who would hear the words twice) and an artifact in the PDF, not an extra figure
            out.append(f'<span class="icon" aria-hidden="true">{s.text}</span>')
        else:
            out.append(esc(s.text))
    return "".join(out)


def table(t: Table, caption: str | None = None, labelledby: str = "") -> str:
    """A table: caption, ``th scope=col`` headers, first cell of a row as ``th scope=row``.

    The table sits in a labelled region that scrolls sideways on its own, so a wide table never
    makes a phone scroll the whole page (WCAG 1.4.10, Reflow); the region takes keyboard focus
    so it can be scrolled without a mouse. ``caption`` (HTML) replaces the table's own caption;
    ``labelledby`` names the elements whose words make its accessible name instead.
    """
    # a column of short labels with a space in them ("Quarter 3", "✔ Green") is never broken
    # inside one, where a narrow column would print "Quarter" over "3"
    texts = [[plain(v) for v in r] for r in t.rows]
    short = {i for i in range(len(t.headers))
             if all(len(r[i]) <= SHORT for r in texts if i < len(r))
             and any(" " in r[i].strip() for r in texts if i < len(r))}

    def cell(i: int, value: Inline, tag: str = "td") -> str:
        scope = ' scope="row"' if tag == "th" else ""
        classes = " ".join(c for c, on in (("num", i in t.numeric), ("short", i in short)) if on)
        klass = f' class="{classes}"' if classes else ""
        return f"<{tag}{scope}{klass}>{inline(value)}</{tag}>"

    head = "".join(f'<th scope="col">{inline(h)}</th>' for h in t.headers)
    body = "".join("<tr>" + "".join(cell(i, v, "th" if (i == 0 and t.row_header) else "td")
                                    for i, v in enumerate(r)) + "</tr>" for r in t.rows)
    tfoot = ""
    if t.foot:
        tfoot = "<tfoot>" + "".join(
            "<tr>" + "".join(cell(i, v, "th" if i == 0 else "td") for i, v in enumerate(r))
            + "</tr>" for r in t.foot) + "</tfoot>"
    klass = f' class="{t.cls}"' if t.cls else ""
    name = f' aria-labelledby="{esc(labelledby)}"' if labelledby else ""
    caption = f"<caption>{inline(t.caption)}</caption>" if caption is None else caption
    html = (f"<table{klass}{name}>{caption}<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody>{tfoot}</table>")
    return scroll_region(html, labelledby=labelledby, label="" if labelledby else plain(t.caption))


def scroll_region(html: str, label: str = "", labelledby: str = "") -> str:
    """``html`` (a table) in a region that scrolls sideways by itself on a narrow screen.

    Print and Word ignore it: the stylesheet scrolls it on screens only, and pandoc reads a div
    as nothing but its contents.
    """
    name = (f'aria-labelledby="{esc(labelledby)}"' if labelledby
            else f'aria-label="{esc(label or "Table")}"')
    return f'<div class="table-scroll" role="region" {name} tabindex="0">{html}</div>'


#: The data table's caption under a chart: the chart's title is said once, in its figcaption.
PLOTTED = "The figures plotted above"


def _figure(f: Figure) -> str:
    """A chart, its caption (the title, said once) and the figures it plots as a table.

    The table's accessible name joins the chart's title to its caption by reference, so a
    screen reader listing tables hears which chart each belongs to, and the page prints the
    title only once. Ids come from the chart itself, so a report renders the same every time.
    A chart with no description yet says so, in its alt text and in words beside it.
    """
    src = base64.b64encode(f.image).decode("ascii")
    mime = "image/svg+xml" if f.mime == "image/svg+xml" else "image/png"
    note = f" {esc(f.caption)}" if f.caption else ""
    fid = "chart-" + hashlib.sha1(f"{f.title}\0{f.alt}".encode() + f.image).hexdigest()[:12]
    img = f'<img src="data:{mime};base64,{src}" alt="{esc(f.alt or MISSING)}">'
    if f.title and f.data is not None:  # the table below is named by the title's id
        caption = f'<figcaption><span id="{fid}-title">{esc(f.title)}</span>.{note}</figcaption>'
    elif f.title:
        caption = f"<figcaption>{esc(f.title)}.{note}</figcaption>"
    else:
        caption = f"<figcaption>{esc(f.caption)}</figcaption>" if f.caption else ""
    data = "" if f.data is None else table(
        f.data, caption=f'<caption id="{fid}-data">{PLOTTED}</caption>',
        labelledby=f"{fid}-title {fid}-data" if f.title else f"{fid}-data")
    return f'<figure class="chart">{img}{caption}</figure>{data}'


def code(c: Code) -> str:
    """Code a cell shows, or what it printed, in a block that keeps its lines."""
    if c.language:
        return (f'<pre class="source"><code class="language-{esc(c.language)}">{esc(c.text)}'
                "</code></pre>")
    return f'<pre class="output"><samp>{esc(c.text)}</samp></pre>'


def _cover(c: Cover) -> str:
    details = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in c.details)
    draft = ('<p class="draft-banner" role="note"><strong>DRAFT</strong>: not yet approved for '
             "publication.</p>" if c.draft else "")
    note = f"<p>{esc(c.note)}</p>" if c.note else ""
    mark = "DRAFT: " if c.draft else ""  # first, as every page's header and the title say it
    return (f'<header class="cover">{draft}<p class="council">{esc(c.council)}</p>'
            f'<h1>{mark}<span class="portfolio">{esc(c.portfolio)}</span> {esc(c.title)}</h1>'
            f'<dl class="cover-meta">{details}</dl>{note}</header>')


def render(blocks: Iterable[Block]) -> str:
    """Blocks as one HTML fragment."""
    return "".join(block(b) for b in blocks)


def _css(name: str) -> str:
    return (config.TEMPLATES_DIR / "perflib" / name).read_text(encoding="utf-8")


def _minified(css: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"/\*.*?\*/", "", css, flags=re.S)).strip()


#: How a report looks, on the exported page and in JupyterLab alike (every rule scoped).
REPORT_CSS = _css("report.css")
#: Each output's own styles in a notebook: the report's, then JupyterLab's own styles for rendered
#: HTML taken back (``notebook.css``); minified, since every output of an executed notebook has them.
NOTEBOOK_CSS = _minified(REPORT_CSS + _css("notebook.css"))
_STYLE = '<style class="perflib-style">'
_WRAPPER = '<div class="perflib">'


def notebook(blocks: Iterable[Block]) -> str:
    """Blocks as a notebook output shows them: in the report's wrapper, with the report's styles.

    Every output carries them, so a cell run or cleared on its own still looks like the report.
    """
    return f"{_STYLE}{NOTEBOOK_CSS}</style>{_WRAPPER}{render(blocks)}</div>"


def for_page(fragment: str) -> str:
    """A notebook output's HTML as the exported page prints it: the page has the styles, once.

    An output made before outputs were wrapped is wrapped here, so report.css still reaches it.
    """
    if fragment.startswith(_STYLE):
        fragment = fragment[fragment.index("</style>") + len("</style>"):]
    return fragment if fragment.startswith(_WRAPPER) else f"{_WRAPPER}{fragment}</div>"


def block(b: Block) -> str:
    """One block as HTML."""
    if isinstance(b, Section):
        return (f'<section aria-labelledby="{esc(b.id)}"><h2 id="{esc(b.id)}">{inline(b.title)}'
                f"</h2>{render(b.blocks)}</section>")
    if isinstance(b, Heading):
        anchor = f' id="{esc(b.id)}"' if b.id else ""
        return f"<h{b.level}{anchor}>{inline(b.text)}</h{b.level}>"
    if isinstance(b, Markdown):
        return markdown(b.text, b.top)
    if isinstance(b, Paragraph):
        klass = f' class="{b.cls}"' if b.cls else ""
        return f"<p{klass}>{inline(b.text)}</p>"
    if isinstance(b, Note):
        return f'<p class="{esc(b.kind)}">{inline(b.text)}</p>'
    if isinstance(b, Table):
        return table(b)
    if isinstance(b, Figure):
        return _figure(b)
    if isinstance(b, Code):
        return code(b)
    if isinstance(b, Definitions):
        klass = f' class="{b.cls}"' if b.cls else ""
        items = "".join(f"<dt>{inline(t)}</dt><dd>{inline(v)}</dd>" for t, v in b.items)
        return f"<dl{klass}>{items}</dl>"
    if isinstance(b, Group):
        anchor = f' id="{esc(b.id)}"' if b.id else ""
        klass = f' class="{b.cls}"' if b.cls else ""
        return f"<div{klass}{anchor}>{render(b.blocks)}</div>"
    if isinstance(b, Cover):
        return _cover(b)
    raise TypeError(f"not a block: {b!r}")
