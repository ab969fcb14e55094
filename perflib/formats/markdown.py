"""A report as Markdown (GitHub-flavoured tables), made from its blocks.

For a council website's content system or a plain-text review of what changed between two
builds: every heading, table and sentence of the report, with each chart given as its text
alternative and the figures it plots, so nothing in it depends on seeing an image.

Nothing from data/ or a notebook's cells reaches it as markup a website would run: text is
escaped (``<script>`` prints as words), and Markdown written in data/ or a Markdown cell is
sanitised exactly as the page sanitises it, then written back as Markdown
(:mod:`perflib.formats.markdown_text`), so a link leads only where the page's would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from perflib.formats import Rendered
from perflib.formats.markdown_text import escape as _escape
from perflib.formats.markdown_text import from_html, lead
from perflib.present import blocks as b
from perflib.present.html import SYMBOLS, markdown


def make(rendered: Rendered) -> bytes:
    """The report's blocks as one Markdown document."""
    return (render(rendered.blocks).strip() + "\n").encode("utf-8")


def inline(text: b.Inline) -> str:
    """Inline content as Markdown: bold, italic, ratings as symbol and word; icons dropped."""
    if isinstance(text, str):
        return _escape(text)
    out = []
    for s in text:
        if s.style == "strong":
            out.append(f"**{_escape(s.text)}**")
        elif s.style == "em":
            out.append(f"*{_escape(s.text)}*")
        elif s.style == "badge":
            symbol = SYMBOLS.get(s.text, ("", ""))[0]
            out.append(f"{symbol} {_escape(s.text)}".strip())
        elif s.style == "link":
            out.append(f"[{_escape(s.text)}]({s.href})")
        elif s.style != "icon":  # an icon's words are printed beside it
            out.append(_escape(s.text))
    return "".join(out)


def table(t: b.Table) -> str:
    """A table with its caption as a bold line above it."""
    def row(cells: list[b.Inline]) -> str:
        return "| " + " | ".join(inline(c).replace("\n", " ") for c in cells) + " |"

    align = ["---:" if i in t.numeric else "---" for i in range(len(t.headers))]
    # a caption of plain words is bold; one with its own styles (a headline measure's name in
    # bold) keeps them as the page shows them, since bold inside bold is no Markdown at all
    caption = f"**{inline(t.caption)}**" if isinstance(t.caption, str) else inline(t.caption)
    lines = [caption, "", row(t.headers), "| " + " | ".join(align) + " |"]
    lines += [row(r) for r in [*t.rows, *t.foot]]
    return "\n".join(lines)


def render(items: Iterable[b.Block]) -> str:
    """Blocks as Markdown paragraphs separated by blank lines."""
    return "\n\n".join(part for part in (block(x) for x in items) if part)


def block(x: b.Block) -> str:
    """One block as Markdown."""
    if isinstance(x, b.Cover):
        details = "\n".join(f"- **{k}:** {_escape(v)}" for k, v in x.details)
        mark = "DRAFT: " if x.draft else ""
        note = f"\n\n{_escape(x.note)}" if x.note else ""
        return (f"{_escape(x.council)}\n\n# {mark}{_escape(x.portfolio)} {_escape(x.title)}\n\n"
                f"{details}{note}")
    if isinstance(x, b.Section):
        return f"## {inline(x.title)}\n\n{render(x.blocks)}"
    if isinstance(x, b.Heading):
        return f"{'#' * x.level} {inline(x.text)}"
    if isinstance(x, b.Markdown):
        return from_html(markdown(x.text, x.top))
    if isinstance(x, (b.Paragraph, b.Note)):
        return lead(inline(x.text))
    if isinstance(x, b.Table):
        return table(x)
    if isinstance(x, b.Figure):
        caption = f" {x.caption}" if x.caption else ""
        title = f": {x.title}." if x.title else "."
        data = f"\n\n{table(x.data)}" if x.data is not None else ""
        return f"*Chart{_escape(title + caption)}* {_escape(x.alt or b.MISSING)}{data}"
    if isinstance(x, b.Code):
        fence = "`" * max([3, *(len(m) + 1 for m in re.findall(r"`+", x.text))])
        return f"{fence}{x.language or 'text'}\n{x.text}\n{fence}"
    if isinstance(x, b.Definitions):
        return "\n".join(f"- **{inline(t)}:** {inline(v)}" for t, v in x.items)
    if isinstance(x, b.Group):
        return render(x.blocks)
    raise TypeError(f"not a block: {x!r}")
