"""Marking a page's furniture as artifacts: read as plain bytes where it can be, by pikepdf where not.

The e2e test prints real reports in real Chromium and checks, page by page, that the plain
reading names the operators pikepdf names, and that the marked stream, read back by pikepdf, is
the stream pikepdf's own marking writes.
"""

from __future__ import annotations

import io

import pikepdf
import pytest

from perflib.formats import pdf_content as pc
from perflib.formats.pdf_ua import operator_names, unmarked

PAGE = (b"q 1 0 0 1 0 0 cm 1 1 1 rg 0 0 595 842 re f Q\n"
        b"/P <</MCID 0 >>BDC BT /F1 12 Tf 72 720 Td <0036> Tj ET EMC\n"
        b"BT /F1 8 Tf 72 30 Td [(Page) -250 (1)] TJ ET\n"
        b"/Span<</ActualText (fi) >> BDC BT <13B2> Tj ET EMC\n")


def stream_page(content: bytes) -> tuple[pikepdf.Pdf, pikepdf.Page]:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(content)
    return pdf, page


def ops_of(stream: pikepdf.Object | pikepdf.Page) -> list[tuple[list[str], str]]:
    return [(["img"] if isinstance(op, pikepdf.ContentStreamInlineImage)
             else [str(x) for x in op[0]], str(op[1]))
            for op in pikepdf.parse_content_stream(stream)]


def test_the_background_and_footer_become_artifacts_and_the_body_stays():
    marked, names = pc.mark_stream(PAGE)
    pdf, page = stream_page(marked)
    assert operator_names(list(pikepdf.parse_content_stream(page))) == names
    assert unmarked(names) == 0  # nothing painted outside marked content
    text = marked.decode()
    assert text.startswith("/Artifact BMC\nq 1 0 0 1 0 0 cm")
    assert "/Artifact BMC\nBT /F1 8 Tf" in text
    assert text.count("/Artifact BMC") == 2  # the body's text and its ligature are content


def test_the_plain_reading_and_pikepdfs_mark_the_same():
    pdf, page = stream_page(PAGE)
    slow, slow_names = pc.mark_artifacts(list(pikepdf.parse_content_stream(page)))
    fast, fast_names = pc.mark_stream(PAGE)
    assert fast_names == slow_names
    assert ops_of(pdf.make_stream(fast)) == ops_of(
        pdf.make_stream(pikepdf.unparse_content_stream(slow)))


@pytest.mark.parametrize("content", [
    b"BT (a (nested) string) Tj ET\n",  # parentheses inside a string
    b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q\n",  # an inline image
    b"% a comment\nq 0 0 1 1 re f Q\n",
    b"q 0 0 1 1 re f Q 1 2\n",  # operands with no operator
])
def test_a_stream_that_is_not_plain_is_marked_by_pikepdf(content):
    assert pc.mark_stream(content) is None
    pdf, page = stream_page(content)
    names = pc.mark_page(pdf, page)
    assert unmarked(names) == 0
    assert [n for _, n in ops_of(page)] == names


@pytest.mark.e2e
def test_chromiums_pages_read_plainly_as_pikepdf_reads_them(built):
    from perflib.formats.pdf import Printer

    pages = 0
    with Printer() as printer:
        for html in sorted(built.glob("*/*/*.html"))[:4]:
            raw = printer.print_page(html.read_text(encoding="utf-8"), "Fictional title")
            with pikepdf.open(io.BytesIO(raw)) as pdf:
                for page in pdf.pages:
                    data = page.obj.Contents.read_bytes()
                    found = pc.plain_operators(data)
                    assert found is not None, f"{html.name}: Chromium wrote a stream not plain"
                    assert found[0] == [n for _, n in ops_of(page)]
                    fast, fast_names = pc.mark_stream(data)
                    slow, slow_names = pc.mark_artifacts(list(pikepdf.parse_content_stream(page)))
                    assert fast_names == slow_names
                    assert ops_of(pdf.make_stream(fast)) == ops_of(
                        pdf.make_stream(pikepdf.unparse_content_stream(slow)))
                    pages += 1
    assert pages > 4
