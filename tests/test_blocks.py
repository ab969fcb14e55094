"""One small fragment per block type, in HTML and in Word, its output pinned (great-tables' habit).

A whole report says little when it changes; a fragment says which block changed and how. The HTML
is :func:`perflib.present.html.block` of one block; the Word is that block through
:func:`perflib.formats.word.document`, read back as its body in order: each paragraph's style
and text (bold as ``**``, a chart as ``[image: its alt text]``) and each table's caption, rows and
column widths. All names and figures are fictional. The Markdown fragments are in test_formats.py.
"""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import matplotlib.image
import numpy as np
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run

from perflib import config
from perflib.formats.docx import A4, MARGIN
from perflib.formats.word import document
from perflib.present import blocks as b
from perflib.present.html import block

TEXT_WIDTH = A4[0] - 2 * MARGIN  # 9638 twips: every table runs the page's full width
DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def png() -> bytes:
    """A real (tiny) PNG, which pandoc must be able to read to place it."""
    out = io.BytesIO()
    matplotlib.image.imsave(out, np.ones((3, 4, 3)), format="png")
    return out.getvalue()


FOI = b.Table("FOI on time (fictional)", ["PI code", "2021/22 actual", "Status"],
              [["FX1.3", "82.9% (734 of 885)", b.badge("Red")]], numeric=(1,))
SAVINGS = b.Table("Savings (fictional)", ["Proposal", "Value £000"], [["Fewer letters", "10"]],
                  foot=[["Total", "10"]], row_header=False, cls="finance")
PLOTTED = b.Table("The figures plotted above", ["Year", "Visits"], [["2021/22", "50"]],
                  cls="chart-data")
FIGURE = b.Figure("Visits by year", "Bar chart of visits per year. 2021/22: 50.", b"\x89PNG",
                  "Fictional figures.", PLOTTED)
COVER = b.Cover("Fictional Council", "Fictional Portfolio", "Annual Report 2021/22",
                [("Date", "7 June 2022"), ("Version", "1.0")], note="For Cabinet.", draft=True)
# an analyst's own cells: a chart from a notebook's image output, a DataFrame, code and print-out
ANALYST_CHART = b.Figure("Visits", "Bars of visits per year, fewest in 2021/22.", b"\x89PNG", "")
UNDESCRIBED = b.Figure("", "", b"\x89PNG", "")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="36pt" height="18pt"><rect width="9"/></svg>'
SVG_CHART = b.Figure("", "A fictional drawing", SVG, "Drawn for a test.", None, "image/svg+xml")
FRAME = b.Table("Visits (fictional)", ["Year", "Visits"], [["2021/22", "1200"]],
                row_header=False, numeric=(1,), cls="frame")
ECHO = b.Code("visits = load()\nvisits.head()", "python")
PRINTED = b.Code("3 years < 4\n  indented")
CELL = b.Markdown("# Analyst note\n\nSee [here](../../../../etc/passwd) and "
                  "[the guide](https://example.org/guide).", top=2)

# ------------------------------------------------------------------------------------- HTML

HTML = [
    (b.Heading("Priority 1: Better access", 3, "priority-1"),
     '<h3 id="priority-1">Priority 1: Better access</h3>'),
    (b.Heading("Council measures", 5), "<h5>Council measures</h5>"),
    (b.Markdown("Text with **bold** and <script>alert(1)</script>\n"),
     "<p>Text with <strong>bold</strong> and </p>\n"),
    (b.Paragraph(b.spans("Rated ", b.badge("Green"), ".")),
     '<p>Rated <span class="badge rag-green"><span aria-hidden="true">✔</span> Green</span>.</p>'),
    (b.Paragraph("Plain & simple", cls="lead"), '<p class="lead">Plain &amp; simple</p>'),
    (b.Note(b.spans(b.strong("Rating overridden:"), " see reason"), "override"),
     '<p class="override"><strong>Rating overridden:</strong> see reason</p>'),
    (FOI,
     '<div class="table-scroll" role="region" aria-label="FOI on time (fictional)" tabindex="0">'
     "<table><caption>FOI on time (fictional)</caption>"
     '<thead><tr><th scope="col">PI code</th><th scope="col">2021/22 actual</th>'
     '<th scope="col">Status</th></tr></thead>'
     '<tbody><tr><th scope="row">FX1.3</th><td class="num">82.9% (734 of 885)</td>'
     '<td><span class="badge rag-red"><span aria-hidden="true">✖</span> Red</span></td></tr>'
     "</tbody></table></div>"),
    (SAVINGS,
     '<div class="table-scroll" role="region" aria-label="Savings (fictional)" tabindex="0">'
     '<table class="finance"><caption>Savings (fictional)</caption>'
     '<thead><tr><th scope="col">Proposal</th><th scope="col">Value £000</th></tr></thead>'
     "<tbody><tr><td>Fewer letters</td><td>10</td></tr></tbody>"
     '<tfoot><tr><th scope="row">Total</th><td>10</td></tr></tfoot></table></div>'),
    (FIGURE,
     '<figure class="chart"><img src="data:image/png;base64,iVBORw==" '
     'alt="Bar chart of visits per year. 2021/22: 50.">'
     '<figcaption><span id="chart-8fb4c426a5c3-title">Visits by year</span>. Fictional figures.'
     "</figcaption></figure>"
     '<div class="table-scroll" role="region" '
     'aria-labelledby="chart-8fb4c426a5c3-title chart-8fb4c426a5c3-data" tabindex="0">'
     '<table class="chart-data" aria-labelledby="chart-8fb4c426a5c3-title '
     'chart-8fb4c426a5c3-data"><caption id="chart-8fb4c426a5c3-data">The figures plotted above'
     '</caption><thead><tr><th scope="col">Year</th><th scope="col">Visits</th></tr></thead>'
     '<tbody><tr><th scope="row">2021/22</th><td>50</td></tr></tbody></table></div>'),
    (b.Definitions([(b.badge("Amber"), "Some risk"), ("Date", "7 June 2022")], cls="risk-key"),
     '<dl class="risk-key"><dt><span class="badge rag-amber"><span aria-hidden="true">▲</span> '
     "Amber</span></dt><dd>Some risk</dd><dt>Date</dt><dd>7 June 2022</dd></dl>"),
    (b.Group([b.Heading("Visits", 4), b.Paragraph("x < y")], cls="measure", id="visits"),
     '<div class="measure" id="visits"><h4>Visits</h4><p>x &lt; y</p></div>'),
    (b.Section("spc", "3. Charts", [b.Paragraph("None yet.")]),
     '<section aria-labelledby="spc"><h2 id="spc">3. Charts</h2><p>None yet.</p></section>'),
    (COVER,
     '<header class="cover"><p class="draft-banner" role="note"><strong>DRAFT</strong>: not yet '
     'approved for publication.</p><p class="council">Fictional Council</p>'
     '<h1>DRAFT: <span class="portfolio">Fictional Portfolio</span> Annual Report 2021/22</h1>'
     '<dl class="cover-meta"><dt>Date</dt><dd>7 June 2022</dd><dt>Version</dt><dd>1.0</dd></dl>'
     "<p>For Cabinet.</p></header>"),
    (b.Cover("Fictional Council", "Fictional Portfolio", "Annual Report 2021/22",
             [("Date", "7 June 2022")]),
     '<header class="cover"><p class="council">Fictional Council</p>'
     '<h1><span class="portfolio">Fictional Portfolio</span> Annual Report 2021/22</h1>'
     '<dl class="cover-meta"><dt>Date</dt><dd>7 June 2022</dd></dl></header>'),
    (ANALYST_CHART,
     '<figure class="chart"><img src="data:image/png;base64,iVBORw==" '
     'alt="Bars of visits per year, fewest in 2021/22."><figcaption>Visits.</figcaption></figure>'),
    (UNDESCRIBED,
     '<figure class="chart"><img src="data:image/png;base64,iVBORw==" alt="Description missing">'
     "</figure>"),
    (SVG_CHART,
     '<figure class="chart"><img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My'
     '5vcmcvMjAwMC9zdmciIHdpZHRoPSIzNnB0IiBoZWlnaHQ9IjE4cHQiPjxyZWN0IHdpZHRoPSI5Ii8+PC9zdmc+" '
     'alt="A fictional drawing"><figcaption>Drawn for a test.</figcaption></figure>'),
    (FRAME,
     '<div class="table-scroll" role="region" aria-label="Visits (fictional)" tabindex="0">'
     '<table class="frame"><caption>Visits (fictional)</caption><thead><tr><th scope="col">Year'
     '</th><th scope="col">Visits</th></tr></thead><tbody><tr><td>2021/22</td>'
     '<td class="num">1200</td></tr></tbody></table></div>'),
    (ECHO, '<pre class="source"><code class="language-python">visits = load()\nvisits.head()'
           "</code></pre>"),
    (PRINTED, '<pre class="output"><samp>3 years &lt; 4\n  indented</samp></pre>'),
    # a cell's headings sit under the cover's title; a link leads only to the web or e-mail
    (CELL, '<h2>Analyst note</h2>\n<p>See here and <a href="https://example.org/guide" '
           'rel="noopener noreferrer">the guide</a>.</p>\n'),
]


def ids(cases: list) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for x, *_ in cases:
        name = type(x).__name__
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return out


@pytest.mark.parametrize(("one", "html"), HTML, ids=ids(HTML))
def test_html_fragment_per_block_type(one, html):
    assert block(one) == html


def test_every_block_type_has_an_html_and_a_word_fragment():
    kinds = {t.__name__ for t in (b.Heading, b.Markdown, b.Paragraph, b.Note, b.Table, b.Figure,
                                  b.Code, b.Definitions, b.Group, b.Section, b.Cover)}
    assert {type(x).__name__ for x, _ in HTML} == kinds
    assert {type(x).__name__ for x, _ in WORD} == kinds


def test_a_block_that_is_not_one_is_refused_by_name():
    with pytest.raises(TypeError, match="not a block: 'a string'"):
        block("a string")


# ------------------------------------------------------------------------------------- Word

def word(one: b.Block) -> Document:
    """One block as Word, through the one writer every report uses."""
    return Document(io.BytesIO(document([one], title="Fragment", author="Fictional Council")))


def text(p: WordParagraph, el: Any) -> str:
    """A paragraph's words, bold runs between ``**``, each image as ``[image: its alt text]``,
    each link as ``[words](where it leads)``."""
    out = "".join((f"**{r.text}**" if r.bold else r.text) if isinstance(r, Run)
                  else f"[{r.text}]({r.address})" for r in p.iter_inner_content())
    return out + "".join(f"[image: {d.get('descr')}]" for d in el.iter(DOCPR))


def body(doc: Document) -> list[tuple]:
    """The document in order: (style, text) per paragraph, (caption, rows, widths) per table."""
    out: list[tuple] = []
    for el in doc.element.body:
        if el.tag == qn("w:p"):
            p = WordParagraph(el, doc)
            out.append((p.style.name, text(p, el)))
        elif el.tag == qn("w:tbl"):
            t = WordTable(el, doc)
            caption = el.tblPr.find(qn("w:tblCaption"))
            widths = [int(c.get(qn("w:w"))) for c in el.tblGrid.findall(qn("w:gridCol"))]
            out.append((caption.get(qn("w:val")) if caption is not None else None,
                        [[c.text for c in row.cells] for row in t.rows], widths))
    return out


WORD = [
    (b.Heading("Priority 1: Better access", 3, "priority-1"),
     [("Heading 3", "Priority 1: Better access")]),
    (b.Markdown("Text with **bold** and <script>alert(1)</script>\n"),
     [("First Paragraph", "Text with **bold** and")]),
    # the badge's symbol is hidden from screen readers, so Word has the word alone
    (b.Paragraph(b.spans("Rated ", b.badge("Green"), ".")), [("First Paragraph", "Rated Green.")]),
    (b.Note(b.spans(b.strong("Rating overridden:"), " see reason"), "override"),
     [("First Paragraph", "**Rating overridden:** see reason")]),
    (FOI, [("Table Caption", "FOI on time (fictional)"),
           ("FOI on time (fictional)",
            [["PI code", "2021/22 actual", "Status"], ["FX1.3", "82.9% (734 of 885)", "Red"]],
            [2336, 5226, 2076])]),
    (SAVINGS, [("Table Caption", "Savings (fictional)"),
               ("Savings (fictional)",
                [["Proposal", "Value £000"], ["Fewer letters", "10"], ["Total", "10"]],
                [5358, 4280])]),
    (dataclasses.replace(FIGURE, image=png()), [("Captioned Figure", "[image: Bar chart of visits per year. 2021/22: 50.]"),
              ("Image Caption", "Visits by year. Fictional figures."),
              ("Table Caption", "The figures plotted above"),
              ("The figures plotted above", [["Year", "Visits"], ["2021/22", "50"]],
               [5106, 4532])]),
    (b.Definitions([(b.badge("Amber"), "Some risk"), ("Date", "7 June 2022")], cls="risk-key"),
     [("Definition Term", "Amber"), ("Definition", "Some risk"),
      ("Definition Term", "Date"), ("Definition", "7 June 2022")]),
    (b.Group([b.Heading("Visits", 4), b.Paragraph("x < y")], cls="measure", id="visits"),
     [("Heading 4", "Visits"), ("First Paragraph", "x < y")]),
    (b.Section("spc", "3. Charts", [b.Paragraph("None yet.")]),
     [("Heading 2", "3. Charts"), ("First Paragraph", "None yet.")]),
    (COVER, [("First Paragraph", "**DRAFT**: not yet approved for publication."),
             ("Body Text", "Fictional Council"),
             ("Heading 1", "DRAFT: Fictional Portfolio Annual Report 2021/22"),
             ("Definition Term", "Date"), ("Definition", "7 June 2022"),
             ("Definition Term", "Version"), ("Definition", "1.0"),
             ("First Paragraph", "For Cabinet.")]),
    (dataclasses.replace(ANALYST_CHART, image=png()),
     [("Captioned Figure", "[image: Bars of visits per year, fewest in 2021/22.]"),
      ("Image Caption", "Visits.")]),
    (dataclasses.replace(UNDESCRIBED, image=png()),
     [("Captioned Figure", "[image: Description missing]")]),
    (SVG_CHART, [("Captioned Figure", "[image: A fictional drawing]"),
                 ("Image Caption", "Drawn for a test.")]),
    (FRAME, [("Table Caption", "Visits (fictional)"),
             ("Visits (fictional)", [["Year", "Visits"], ["2021/22", "1200"]], [5106, 4532])]),
    (ECHO, [("Source Code", "visits = load()"), ("Source Code", "visits.head()")]),
    (PRINTED, [("Source Code", "3 years < 4"), ("Source Code", "  indented")]),
    (CELL, [("Heading 2", "Analyst note"),
            ("First Paragraph", "See here and [the guide](https://example.org/guide).")]),
]


@pytest.mark.parametrize(("one", "expected"), WORD, ids=ids(WORD))
def test_word_fragment_per_block_type(one, expected):
    doc = word(one)
    assert body(doc) == expected
    # what Word's accessibility checker asks of every table: a header row that repeats on each
    # page, rows that do not split, the page's full width in fixed columns
    for tbl in doc.element.body.iter(qn("w:tbl")):
        rows = [tr.find(qn("w:trPr")) for tr in tbl.iter(qn("w:tr"))]
        assert [tr.find(qn("w:tblHeader")) is not None for tr in rows] == \
            [True] + [False] * (len(rows) - 1)
        assert all(tr.find(qn("w:cantSplit")) is not None for tr in rows)
        pr = tbl.find(qn("w:tblPr"))
        assert pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        assert int(pr.find(qn("w:tblW")).get(qn("w:w"))) == TEXT_WIDTH


def test_a_dataframes_numbers_are_right_aligned_in_word_below_its_header_row():
    tbl = next(word(FRAME).element.body.iter(qn("w:tbl")))
    aligns = [[(p.find(f"{qn('w:pPr')}/{qn('w:jc')}") is not None) for p in tr.iter(qn("w:p"))]
              for tr in tbl.iter(qn("w:tr"))]
    assert aligns == [[False, False], [False, True]]


def test_an_svg_chart_is_word_s_svg_picture_at_its_own_size():
    doc = word(SVG_CHART)
    (blip,) = doc.element.body.iter(qn("a:blip"))
    (svg,) = blip.iter("{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip")
    part = doc.part.related_parts[svg.get(qn("r:embed"))]
    assert (part.content_type, part.blob) == ("image/svg+xml", SVG)
    (shape,) = doc.inline_shapes
    assert (shape.width.pt, shape.height.pt) == (36, 18)


def test_a_word_fragment_has_the_title_author_and_language_the_checker_asks_for():
    props = word(b.Heading("Priority 1", 3)).core_properties
    assert (props.title, props.author, props.language) == ("Fragment", "Fictional Council",
                                                           "en-GB")


def test_a_column_of_short_labels_is_never_broken_inside_one() -> None:
    """A narrow column printed "Quarter 3" as "Quarter" over "3": such a column keeps each whole."""
    from perflib.present.blocks import Table
    from perflib.present.html import table

    t = Table("Responses to consultations (fictional)", ["Quarter", "Programme", "Responses"],
              [["Quarter 3", "Fictional Park Improvements, phase one", "385"],
               ["Quarter 4", "Fictional Road Traffic Calming", "827"]], numeric=(2,))
    page = table(t)
    assert page.count('<th scope="row" class="short">Quarter ') == 2
    assert '<td class="short">' not in page  # a long programme name still wraps; no space in 385
    assert "td.short, .perflib th.short { white-space: nowrap; }" in (
        config.PROJECT_ROOT / "perflib/templates/perflib/report.css").read_text(encoding="utf-8")
    # ...and Word gives the column room for the whole label, however long the others
    from perflib.formats.docx_tables import CHAR, PADDING, widths

    long = "Fictionalcommunityinfrastructurefund and more words besides"
    first, _, _ = widths([["Quarter", "Programme", "Responses"]] + [
        [r[0], long[2:], long[2:]] for r in t.rows], 9638)  # a 34-letter word each, and more
    assert first >= len("Quarter 3") * CHAR + PADDING
