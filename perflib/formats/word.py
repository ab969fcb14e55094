"""Word drafts of committee reports, written straight from the report's blocks with python-docx.

Officers edit reports in Word, so every report also comes out as ``.docx``, from the same blocks
as the page: a block says what is printed (a heading, a captioned table with its header row, a
chart with its alt text and its figures), so each becomes Word's own structure directly, styled
by the committed reference document (``templates/perflib/reference.docx``):

- the cover's title is Heading 1, sections Heading 2, headings inside them Heading 3 to 5 (and
  the commentary's own Markdown headings their level), so the navigation pane lists them;
- a table is captioned (a Table Caption paragraph and the table's own ``tblCaption``), its first
  row a header row repeated on every page, no row split across pages, fitted to the page's width
  (:mod:`perflib.formats.docx_tables`);
- a chart is a picture with its alt text, then its caption and the figures it plots (an
  analyst's chart, from a notebook's image output, has no table of figures);
- code a cell shows, and text it printed, is in the Source Code style, a line a paragraph;
- ratings and trends are their words (the page's symbols are decoration), and the title, author
  and language go into the document's properties (:func:`perflib.formats.docx.settle`).

Writing the blocks costs a few milliseconds a report, where converting the page with pandoc in a
subprocess cost about a tenth of a second, and the result no longer depends on how pandoc reads
HTML.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml import parse_xml
from docx.shared import Emu, Twips

from perflib.formats import Rendered, docx, docx_tables, word_svg
from perflib.formats.word_text import Writer
from perflib.present import blocks as b
from perflib.present.html import PLOTTED

#: The text's width on the page, in twips: A4 less its margins.
TEXT_WIDTH = docx.A4[0] - 2 * docx.MARGIN


def make(rendered: Rendered) -> bytes:
    """The report's blocks as a Word document, titled and authored for Word's checker."""
    return document(rendered.blocks, title=rendered.title, author=rendered.author)


def document(content: list[b.Block], *, title: str, author: str, lang: str = "en-GB") -> bytes:
    """A Word document of ``content``, ready for Word's accessibility checker.

    Parameters
    ----------
    content
        The report's blocks, as its notebook published them.
    title, author, lang
        Written to the document properties; ``lang`` also to the styles.
    """
    if not title.strip():
        raise ValueError("a Word report needs a title (Word's accessibility checker asks for one)")
    doc = Document(str(docx.REFERENCE))
    _Blocks(Writer(doc)).render(content)
    docx.settle(doc, title=title, author=author, lang=lang)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class _Blocks:
    """Each block as Word paragraphs and tables, appended to the writer's document."""

    def __init__(self, w: Writer) -> None:
        self.w = w

    def render(self, items: list[b.Block]) -> None:
        for x in items:
            self.block(x)

    def block(self, x: b.Block) -> None:
        w = self.w
        if isinstance(x, b.Cover):
            if x.draft:
                w.paragraph([b.Span("strong", "DRAFT"),
                             b.Span("", ": not yet approved for publication.")])
            w.paragraph(x.council)
            w.heading(f"{'DRAFT: ' if x.draft else ''}{x.portfolio} {x.title}", 1)
            self.definitions([(k, v) for k, v in x.details])
            if x.note:
                w.paragraph(x.note)
        elif isinstance(x, b.Section):
            w.heading(x.title, 2)
            self.render(x.blocks)
        elif isinstance(x, b.Heading):
            w.heading(x.text, x.level)
        elif isinstance(x, b.Markdown):
            w.markdown(x.text, x.top)
        elif isinstance(x, (b.Paragraph, b.Note)):
            w.paragraph(x.text)
        elif isinstance(x, b.Table):
            self.table(x)
        elif isinstance(x, b.Figure):
            self.figure(x)
        elif isinstance(x, b.Code):
            w.code(x.text)
        elif isinstance(x, b.Definitions):
            self.definitions(x.items)
        elif isinstance(x, b.Group):
            self.render(x.blocks)
        else:
            raise TypeError(f"not a block: {x!r}")

    def definitions(self, items: list[tuple[b.Inline, b.Inline]]) -> None:
        for term, meaning in items:
            self.w.paragraph(term, "Definition Term")
            self.w.paragraph(meaning, "Definition")

    def table(self, t: b.Table, caption: b.Inline | None = None) -> None:
        """A captioned table: header row repeated on each page, rows kept whole, page-wide."""
        caption = t.caption if caption is None else caption
        self.w.paragraph(caption, "Table Caption")
        rows = [[_runs(v) for v in row] for row in [t.headers, *t.rows, *t.foot]]
        xml = docx_tables.table_xml(rows, b.plain(caption), TEXT_WIDTH,
                                    paragraph_style=self.w.style_id("Compact"), right=t.numeric)
        body = self.w.doc.element.body
        end = body.find(docx.qn("sectPr"))  # the last child of a document's body
        table = parse_xml(xml)
        if end is not None:
            end.addprevious(table)
        else:
            body.append(table)
        self.w.after_block()

    def figure(self, f: b.Figure) -> None:
        """The chart as a picture with its alt text, its caption, then the figures it plots."""
        p = self.w.add("Captioned Figure")
        if f.mime == "image/svg+xml":
            picture = word_svg.add(p.add_run(), f.image)
        else:
            picture = p.add_run().add_picture(io.BytesIO(f.image))
        if picture.width > Twips(TEXT_WIDTH):  # no wider than the text, as the PDF prints it
            picture.height = Emu(int(picture.height * Twips(TEXT_WIDTH) / picture.width))
            picture.width = Twips(TEXT_WIDTH)
        _describe(picture, f.alt or b.MISSING)
        note = f" {f.caption}" if f.caption else ""
        if f.title:
            self.w.paragraph(f"{f.title}.{note}", "Image Caption")
        elif f.caption:
            self.w.paragraph(f.caption, "Image Caption")
        if f.data is not None:
            self.table(f.data, caption=PLOTTED)
        self.w.after_block()


def _runs(text: b.Inline) -> list[docx_tables.Run]:
    """A cell's text as runs, as :meth:`Writer.runs` writes them: an icon left out."""
    spans = [b.Span("", text)] if isinstance(text, str) else text
    return [(s.text, s.style == "strong", s.style == "em") for s in spans
            if s.style != "icon" and s.text]


def _describe(picture: Any, alt: str) -> None:
    """Give the picture its alt text, where Word and screen readers look for it."""
    inline = picture._inline
    inline.docPr.set("descr", alt)
    for pr in inline.iter(docx.qn("cNvPr", docx.PIC)):
        pr.set("descr", alt)


__all__ = ["TEXT_WIDTH", "document", "make"]
