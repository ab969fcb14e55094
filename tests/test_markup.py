"""Fragments of report markup that accessibility rests on, without a notebook or a browser."""

from __future__ import annotations

import pikepdf
import pytest

from perflib.formats.page import finish_page
from perflib.formats.pdf_ua import link_texts, operator_names, unmarked
from perflib.present.blocks import Cover, Figure, Span, Table
from perflib.present.html import block, inline, table

PNG = b"\x89PNG fictional"


def fictional_figure(caption: str = "") -> Figure:
    data = Table("Figures plotted in the chart: Visits (fictional)", ["Year", "Visits"],
                 [["2021/22", "1,200"]], cls="chart-data")
    return Figure("Visits (fictional)", "Bar chart of fictional visits: 1,200 in 2021/22", PNG,
                  caption, data)


def test_a_table_scrolls_in_a_labelled_focusable_region():
    html = table(Table("Savings (fictional)", ["Saving", "£000"], [["Libraries", "40"]]))
    assert html.startswith('<div class="table-scroll" role="region" aria-label="Savings '
                           '(fictional)" tabindex="0"><table><caption>Savings (fictional)</caption>')
    assert html.endswith("</table></div>")


def test_a_charts_title_is_said_once_and_names_its_data_table():
    html = block(fictional_figure("Trial limits only."))
    assert html.count("Visits (fictional)") == 1
    fid = html.split('<span id="', 1)[1].split("-title", 1)[0]
    assert f'<figcaption><span id="{fid}-title">Visits (fictional)</span>. Trial limits only.' \
           '</figcaption></figure>' in html
    assert (f'<div class="table-scroll" role="region" aria-labelledby="{fid}-title {fid}-data" '
            f'tabindex="0"><table class="chart-data" aria-labelledby="{fid}-title {fid}-data">'
            f'<caption id="{fid}-data">The figures plotted above</caption>') in html
    assert 'alt="Bar chart of fictional visits: 1,200 in 2021/22"' in html
    assert block(fictional_figure("Trial limits only.")) == html  # the same every time


def test_two_charts_on_a_page_have_their_own_ids():
    other = fictional_figure()
    other.image = b"\x89PNG another"
    a, b = block(fictional_figure()), block(other)
    assert a.split('id="', 1)[1][:18] != b.split('id="', 1)[1][:18]


def test_an_icon_beside_its_words_is_decoration():
    svg = '<svg role="img" aria-label="Common cause variation"><circle r="1"/></svg>'
    html = inline([Span("icon", svg), Span("", " Common cause")])
    assert html == f'<span class="icon" aria-hidden="true">{svg}</span> Common cause'
    with pytest.raises(ValueError, match="SVG drawn by perflib"):
        inline([Span("icon", "<img src=x>")])


def test_the_title_comes_before_the_contents():
    cover = block(Cover("Fictional District Council", "Parks", "Annual Report 2021/22",
                        [("Date", "1 May 2022")]))
    page = ('<html lang="en"><head><title>x</title></head><body><!-- perflib:toc --><main>'
            f"{cover}<section><h2 id='s1'>One</h2></section></main></body></html>")
    html = finish_page(page, "Parks Annual Report 2021/22", [(2, "s1", "One")])
    assert "<!-- perflib:toc -->" not in html
    assert html.index("<h1>") < html.index('<nav class="toc"') < html.index("<h2")
    assert html.index("</header>") < html.index('<nav class="toc"')
    # a page with no cover keeps its contents at the top
    bare = finish_page(page.replace(cover, ""), "T", [(2, "s1", "One")])
    assert bare.index('<nav class="toc"') < bare.index("<main>")


def test_link_texts_are_the_words_of_each_first_link():
    html = ('<p><a href="https://example.org/a">The <em>fictional</em>\n guide</a> '
            '<a href="https://example.org/a">again</a> <a href="#s2">Section two</a> '
            '<a href="#empty"></a></p>')
    assert link_texts(html) == {"https://example.org/a": "The fictional guide",
                                "#s2": "Section two"}
    assert link_texts("") == {}


def test_unmarked_counts_only_paint_outside_marked_content():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(
        b"/P <</MCID 0>> BDC BT (a) Tj ET EMC /Artifact BMC 0 0 1 1 re f EMC "
        b"BT (loose) Tj ET 0 0 2 2 re f")
    assert unmarked(operator_names(pikepdf.parse_content_stream(pdf.pages[0]))) == 2
