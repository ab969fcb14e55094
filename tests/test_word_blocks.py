"""Word from blocks, one block type at a time: what each becomes in the document's own terms."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from perflib.formats.word import TEXT_WIDTH, document
from perflib.present.blocks import (
    Cover,
    Definitions,
    Figure,
    Group,
    Heading,
    Markdown,
    Note,
    Paragraph,
    Section,
    Table,
    badge,
    spans,
    strong,
)
from perflib.present.html import PLOTTED


def png(width: int, height: int, dpi: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def word(*blocks) -> Document:
    return Document(io.BytesIO(document(list(blocks), title="Fictional report",
                                        author="Fictional Council")))


def paragraphs(doc) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs]


def test_a_cover_is_the_council_the_title_as_heading_1_and_its_details():
    doc = word(Cover("Fictional Council", "Fictional Portfolio", "Annual Report 2031/32",
                     [("Date", "1 April 2032"), ("Version", "0.1")], note="A note.", draft=True))
    assert paragraphs(doc) == [
        ("First Paragraph", "DRAFT: not yet approved for publication."),
        ("Body Text", "Fictional Council"),
        ("Heading 1", "DRAFT: Fictional Portfolio Annual Report 2031/32"),
        ("Definition Term", "Date"), ("Definition", "1 April 2032"),
        ("Definition Term", "Version"), ("Definition", "0.1"),
        ("First Paragraph", "A note.")]
    assert [r.text for r in doc.paragraphs[0].runs if r.bold] == ["DRAFT"]


def test_sections_headings_paragraphs_and_notes_keep_their_levels_and_words():
    doc = word(Section("s1", "1. Fictional section", [
        Heading("A heading", 3), Paragraph(spans("Rated ", badge("Amber"), ", ", strong("bold"))),
        Group([Heading("Deeper", 4), Note("Rating overridden (fictional).")]),
        Paragraph([*spans("Trend "), *badge("Getting worse")])]))
    assert paragraphs(doc) == [
        ("Heading 2", "1. Fictional section"), ("Heading 3", "A heading"),
        ("First Paragraph", "Rated Amber, bold"), ("Heading 4", "Deeper"),
        ("First Paragraph", "Rating overridden (fictional)."),
        ("Body Text", "Trend Getting worse")]  # a rating is its word, never its symbol
    assert [r.text for r in doc.paragraphs[2].runs if r.bold] == ["bold"]


def test_commentary_markdown_becomes_headings_lists_links_and_emphasis():
    doc = word(Markdown("#### Fictional subheading\n\nThe **rate** rose, *see* "
                        "[the source](https://example.org/fictional).\n\n"
                        "- first point\n- second point\n\n1. one\n2. two\n\n> Quoted words.\n\n"
                        "<script>alert(1)</script>Line one<br>line two"))
    assert paragraphs(doc) == [
        ("Heading 4", "Fictional subheading"),
        ("First Paragraph", "The rate rose, see the source."),
        ("Compact", "first point"), ("Compact", "second point"),
        ("Compact", "one"), ("Compact", "two"),
        ("Block Text", "Quoted words."),
        ("Body Text", "Line one\nline two")]  # as on the page: the script is gone
    p = doc.paragraphs[1]
    assert [r.text for r in p.runs if r.bold] == ["rate"]
    assert [r.text for r in p.runs if r.italic] == ["see"]
    links = p._p.findall(qn("w:hyperlink"))
    assert len(links) == 1 and "".join(t.text for t in links[0].iter(qn("w:t"))) == "the source"
    assert doc.part.rels[links[0].get(qn("r:id"))].target_ref == "https://example.org/fictional"
    numbering = doc.part.numbering_part.element
    formats = {}
    for n in (2, 4):
        num_id = doc.paragraphs[n]._p.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
        num = next(x for x in numbering.findall(qn("w:num")) if x.get(qn("w:numId")) == num_id)
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = next(x for x in numbering.findall(qn("w:abstractNum"))
                        if x.get(qn("w:abstractNumId")) == abstract_id)
        formats[n] = abstract.find(qn("w:lvl")).find(qn("w:numFmt")).get(qn("w:val"))
    assert formats == {2: "bullet", 4: "decimal"}


def test_a_table_is_captioned_with_a_repeating_header_row_and_its_footer():
    doc = word(Table(spans("FX1: ", strong("Fictional measure")), ["Year", "Value"],
                     [["2030/31", "12"], ["2031/32", "15"]], foot=[["Total", "27"]]))
    assert paragraphs(doc) == [("Table Caption", "FX1: Fictional measure")]
    (t,) = doc.tables
    assert [[c.text for c in r.cells] for r in t.rows] == [
        ["Year", "Value"], ["2030/31", "12"], ["2031/32", "15"], ["Total", "27"]]
    pr = t._tbl.tblPr
    assert pr.find(qn("w:tblStyle")).get(qn("w:val")) == "Table"
    assert pr.find(qn("w:tblCaption")).get(qn("w:val")) == "FX1: Fictional measure"
    assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in t.rows[1:])


@pytest.mark.parametrize(("size", "wide"), [((2000, 800), True), ((300, 200), False)])
def test_a_chart_is_a_picture_with_alt_text_its_caption_and_its_figures(size, wide):
    data = Table("unused", ["Year", "Visits"], [["2031/32", "1,234"]])
    doc = word(Figure("Fictional visits", "Bar chart of fictional visits: 2031/32: 1,234.",
                      png(*size), "Bars are fictional.", data))
    assert paragraphs(doc) == [("Captioned Figure", ""),
                               ("Image Caption", "Fictional visits. Bars are fictional."),
                               ("Table Caption", PLOTTED)]
    (shape,) = doc.inline_shapes
    assert shape._inline.docPr.get("descr") == "Bar chart of fictional visits: 2031/32: 1,234."
    if wide:  # no wider than the text, its shape kept
        assert shape.width.twips == TEXT_WIDTH
        assert abs(shape.height / shape.width - 800 / 2000) < 0.001
    else:
        assert shape.width.inches == pytest.approx(3.0)
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows] == [
        ["Year", "Visits"], ["2031/32", "1,234"]]


def test_definitions_are_terms_and_their_meanings():
    doc = word(Definitions([(strong("Bold name"), "A headline measure (fictional)")]))
    assert paragraphs(doc) == [("Definition Term", "Bold name"),
                               ("Definition", "A headline measure (fictional)")]
