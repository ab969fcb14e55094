"""Text in a Markdown report: escaped so it stays text, and sanitised HTML written as Markdown.

A website's content system renders the Markdown file as HTML, so whatever perflib writes into it
must not become markup there. Plain text (a measure's name, a cover's details, a table's cells)
is escaped: Markdown's own characters with a backslash, ``<``, ``>`` and ``&`` as entities, so
``<script>`` from data/ is shown, never run. Markdown written in data/ or in a notebook's
Markdown cell is first sanitised as the page sanitises it (:func:`perflib.present.html.markdown`:
no script, handler or local link survives), then its few allowed elements are written back as
Markdown by :func:`from_html`.
"""

from __future__ import annotations

import re
from typing import Any

#: Characters Markdown would read as markup, escaped with a backslash.
_MARKUP = re.compile(r"([\\`*_\[\]|])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: What starts a line as a block of its own (a heading, a list, a quote, a rule).
_LEADING = re.compile(r"^(#|>|[-+=](?=\s|$)|\d+[.)](?=\s|$))")
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


def escape(text: str) -> str:
    r"""Plain text as Markdown that shows it as written, markup and all.

    >>> escape("x | y *and* <script>alert('x')</script>")
    "x \\| y \\*and\\* &lt;script&gt;alert('x')&lt;/script&gt;"
    """
    text = _MARKUP.sub(r"\\\1", text)
    return re.sub(r"[&<>]", lambda m: _ENTITIES[m.group(0)], text)


def lead(text: str) -> str:
    r"""A paragraph's Markdown, its first characters escaped where they would start a block.

    >>> lead("- 3 more")
    '\\- 3 more'
    """
    return _LEADING.sub(r"\\\1", text, count=1)


def from_html(html: str) -> str:
    r"""Sanitised HTML as Markdown: paragraphs, headings, lists, quotes, emphasis, code, links.

    The HTML is what :func:`perflib.present.html.markdown` lets through, so these few elements
    (and line breaks, super- and subscripts) are all there is to write.

    >>> from_html('<h2>Note</h2><p>See <a href="https://example.org">the <em>guide</em></a>.</p>')
    '## Note\n\nSee [the *guide*](<https://example.org>).'
    """
    import lxml.html

    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return "\n\n".join(_blocks(root)).strip()


def _blocks(el: Any) -> list[str]:
    """An element's children as Markdown blocks; inline content outside a block is a paragraph."""
    out: list[str] = []
    loose = [escape(_space(el.text or ""))]

    def flush() -> None:
        text = "".join(loose).strip()
        loose.clear()
        if text:
            out.append(lead(text))

    for child in el:
        if child.tag in ("p", "ul", "ol", "blockquote", *_HEADINGS):
            flush()
            if md := _block(child):
                out.append(md)
        else:
            loose.append(_inline(child))
        loose.append(escape(_space(child.tail or "")))
    flush()
    return out


def _block(el: Any, depth: int = 0) -> str:
    if el.tag in _HEADINGS:
        return f"{'#' * _HEADINGS[el.tag]} {_content(el).strip()}"
    if el.tag == "p":
        return lead(_content(el).strip())
    if el.tag == "blockquote":
        return "\n".join(f"> {line}".rstrip() for line in "\n\n".join(_blocks(el)).split("\n"))
    items = []
    for n, li in enumerate((c for c in el if c.tag == "li"), start=1):
        marker = f"{n}. " if el.tag == "ol" else "- "
        text, nested = escape(_space(li.text or "")), []
        for child in li:
            if child.tag in ("ul", "ol"):
                nested.append(_block(child, depth + 1))
            else:
                text += _content(child) if child.tag == "p" else _inline(child)
            text += escape(_space(child.tail or ""))
        pad = " " * len(marker)
        items.append(marker + text.strip() + "".join(
            "\n" + "\n".join(pad + line for line in block.split("\n")) for block in nested))
    return "\n".join(items)


def _content(el: Any) -> str:
    """An element's inline content as Markdown."""
    return escape(_space(el.text or "")) + "".join(
        _inline(child) + escape(_space(child.tail or "")) for child in el)


def _inline(el: Any) -> str:
    inner = _content(el)
    if el.tag == "br":
        return "\\\n"
    if el.tag in ("strong", "b"):
        return f"**{inner}**" if inner.strip() else inner
    if el.tag in ("em", "i"):
        return f"*{inner}*" if inner.strip() else inner
    if el.tag == "code":
        text = el.text_content()
        fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{pad}{text}{pad}{fence}"
    if el.tag == "a" and el.get("href"):
        href = el.get("href").replace("<", "%3C").replace(">", "%3E")
        return f"[{inner}](<{href}>)"
    if el.tag in ("sup", "sub"):
        return f"<{el.tag}>{inner}</{el.tag}>"
    return inner  # span, abbr, a link the sanitiser left without a target: their words


def _space(text: str) -> str:
    """White space as a browser shows it: each run of it one space."""
    return re.sub(r"\s+", " ", text)


__all__ = ["escape", "from_html", "lead"]
