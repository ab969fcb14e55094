"""Every built report, checked as a disabled reader would meet it: axe-core, headings, PDF tags,
an independent PDF/UA-1 validator, and reflow on a 320 px phone screen."""

from __future__ import annotations

import re

import pandas as pd
import pikepdf
import pytest
from pypdf import PdfReader

from perflib.formats.pdf import ARGS, Printer, find_chromium
from tests.a11y import pdfua_findings, print_overflow, reflow_problems
from tests.htmltables import html_headings, parse

pytestmark = pytest.mark.e2e
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
NAMES = ["annual_report", "complaints", "digital_inclusion", "museum_visits"]
YEARS = ["2019-20", "2020-21"]
REPORTS = [(y, n) for y in YEARS for n in NAMES]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        yield b
        b.close()


@pytest.mark.parametrize(("year", "name"), REPORTS)
def test_axe_finds_no_violations_and_no_request_leaves_the_machine(built, browser, year, name):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((built / "cfe" / year / f"{name}.html").resolve().as_uri(), wait_until="load")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG},
                                      "resultTypes": ["violations"]})
    page.close()
    violations = [(v["id"], v["nodes"][0]["html"][:120]) for v in result.response["violations"]]
    assert violations == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []


def headings(html: str) -> list[int]:
    return [int(h) for h in re.findall(r"<h([1-6])[\s>]", html)]


@pytest.mark.parametrize(("year", "name"), REPORTS)
def test_html_structure(built, year, name):
    html = (built / "cfe" / year / f"{name}.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert "Citizen Focus and Engagement" in title and f"{name}" not in title
    levels = headings(html)
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading jumps from h{before} to h{after}"
    doc = parse(html)
    assert doc.tables
    for t in doc.tables:
        assert t["caption"], "every table has a caption"
        for tag, attrs in t["cells"]:
            if tag == "th":
                assert attrs.get("scope") in ("col", "row")
    assert 'class="skip-link" href="#content"' in html and 'id="content"' in html
    assert '<nav class="toc" aria-label="Contents">' in html
    # the title first, then the contents: a screen reader arrives at what the page is
    assert html.index("<h1") < html.index('<nav class="toc"') < html.index("<h2")
    # a chart's title is printed once, in its caption; its table is named by reference to it
    charts = re.findall(r'<figure class="chart">.*?</table>', html)
    data = [t for t in doc.tables if t["attrs"].get("class") == "chart-data"]
    assert len(charts) == len(data)
    for chart, t in zip(charts, data, strict=True):
        fid, title = re.search(r'<figcaption><span id="([^"]+)-title">([^<]+)</span>', chart).groups()
        assert re.sub(r' alt="[^"]*"', "", chart).count(title) == 1, title
        assert t["attrs"]["aria-labelledby"] == f"{fid}-title {fid}-data"
        assert t["caption"] == "The figures plotted above"


@pytest.mark.parametrize("year", YEARS)
def test_ratings_are_words_and_shapes_not_colour_alone(built, year):
    html = (built / "cfe" / year / "annual_report.html").read_text(encoding="utf-8")
    badges = re.findall(r'<span class="badge ([a-z-]+)"><span aria-hidden="true">(.)</span> '
                        r"([A-Za-z ]+)</span>", html)
    assert badges
    shapes = {"rag-red": ("✖", "Red"), "rag-amber": ("▲", "Amber"), "rag-green": ("✔", "Green"),
              "trend-better": ("↑", "Getting better"), "trend-stable": ("→", "Stable"),
              "trend-worse": ("↓", "Getting worse")}
    for cls, symbol, word in badges:
        assert shapes[cls] == (symbol, word)


def struct_alts(pdf: pikepdf.Pdf) -> list[str]:
    alts, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node.Alt))
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
    return alts


def bookmarks(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """(depth, title without spaces) of every bookmark in the PDF's outline, in order."""
    out: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            out.append((depth, "".join(item.title.split())))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 1)
    return out


def loose_marks(page: pikepdf.Page) -> tuple[int, int]:
    """(painting operators outside any marked content, artifact sequences) on a page."""
    depth = loose = artifacts = 0
    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        if name in ("BDC", "BMC"):
            depth += 1
            artifacts += bool(operands) and str(operands[0]) == "/Artifact"
        elif name == "EMC":
            depth -= 1
        elif depth == 0 and name in ("Tj", "TJ", "Do", "f", "S"):
            loose += 1
    return loose, artifacts


@pytest.mark.parametrize(("year", "name"), REPORTS)
def test_pdf_is_tagged_titled_bookmarked(built, year, name):
    path = built / "cfe" / year / f"{name}.pdf"
    html = (built / "cfe" / year / f"{name}.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html).group(1).replace("&#x27;", "'")
    with pikepdf.open(path) as pdf:
        assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo.Title) == title
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == title and "en-GB" in xmp["dc:language"]
        # every heading a bookmark, nested as the headings are (Chromium drops the spaces
        # where a heading's line broke)
        assert bookmarks(pdf) == [(level, "".join(words.split()))
                                  for level, words in html_headings(html)]
        alts = struct_alts(pdf)
        for img in parse(html).images:
            assert img["alt"] in alts, "every chart's alt text reaches the PDF"
        for page in pdf.pages:
            w, h = float(page.MediaBox[2]), float(page.MediaBox[3])
            assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5
            loose, artifacts = loose_marks(page)
            assert loose == 0 and artifacts >= 2, "headers and footers are artifacts"
    reader = PdfReader(path)
    n = len(reader.pages)
    for i, page in enumerate(reader.pages, start=1):
        assert f"Page {i} of {n}" in page.extract_text()


@pytest.mark.parametrize("year", YEARS)
def test_pdf_text_in_reading_order(built, year):
    folder = built / "cfe" / year
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(folder / "annual_report.pdf").pages)
    m = pd.read_csv(folder / "measures.csv", keep_default_na=False)
    at = text.index("Priority 1")
    for row in m.itertuples():  # codes appear in the register's order, each with its rating
        at = text.index(f"{row.pi_code}:", at)
        block = text[at:text.index("target", at) + 400]
        if row.rating:
            assert row.rating in block, row.pi_code
        if row.trend:
            assert row.trend in block, row.pi_code


@pytest.mark.parametrize(("year", "name"), REPORTS)
def test_pdf_passes_an_independent_pdfua_validator(built, year, name):
    """pdfua (the machine-checkable subset of PDF/UA-1 and WCAG 2.1) finds nothing at all."""
    assert pdfua_findings(built / "cfe" / year / f"{name}.pdf") == []


def test_every_page_reflows_on_a_phone_and_prints_its_tables_whole(built, browser):
    pages = sorted(built.glob("cfe/[0-9]*/*.html")) + [built / "index.html"]
    assert len(pages) == len(REPORTS) + 1
    assert reflow_problems(browser, pages) == []
    assert print_overflow(browser, pages) == []


def _printed(html_body: str) -> pikepdf.Pdf:
    """A page printed as a build prints it (on a thread: this module's browser holds this one)."""
    import concurrent.futures
    import io

    html = ('<html lang="en-GB"><head><title>T</title></head><body><main>'
            f"{html_body}</main></body></html>")

    def job() -> bytes:
        with Printer() as printer:
            return printer.pdf(html, "A fictional report")

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pikepdf.open(io.BytesIO(pool.submit(job).result()))


#: A 1x1 grey PNG, base64: a chart's image where only its tags matter
PIXEL_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UBGAAAAABJRU5Erk"
             "Jggg==")


def test_a_pdf_that_fails_a_check_does_not_claim_pdfua(caplog):
    pdf = _printed(f'<h1>Title</h1><h3>Skips a level</h3><img src="data:image/png;base64,{PIXEL_PNG}" '
                   'width="200" height="100">')
    with pdf, pdf.open_metadata() as xmp:
        assert "pdfuaid:part" not in xmp
    (record,) = [r for r in caplog.records if r.name == "perflib.pdf"]
    assert record.getMessage().startswith("A fictional report: not claimed as PDF/UA-1, because ")
    assert "heading levels skip from H1 to H3" in record.getMessage()
    assert "1 figure(s) without alternative text" in record.getMessage()


@pytest.mark.parametrize("alt", ["Description missing",
                                 "No description has been provided for this image"])
def test_a_pdf_whose_chart_has_a_placeholder_for_its_alt_text_does_not_claim_pdfua(caplog, alt):
    """A draft's undescribed chart, or nbconvert's words for one: alt text that says nothing."""
    pdf = _printed(f'<h1>Title</h1><figure><img alt="{alt}" src="data:image/png;base64,{PIXEL_PNG}" '
                   'width="200" height="100"></figure>')
    with pdf, pdf.open_metadata() as xmp:
        assert "pdfuaid:part" not in xmp
    (record,) = [r for r in caplog.records if r.name == "perflib.pdf"]
    assert record.getMessage() == ("A fictional report: not claimed as PDF/UA-1, because 1 "
                                   "figure(s) whose alternative text is a placeholder, not a "
                                   "description")


def test_figure_wrappers_and_links_are_mended_and_claimed():
    pdf = _printed(f'<h1>Title</h1><p>Read <a href="https://example.org/x">the fictional guide</a>.'
                   f'</p><figure><img alt="A line chart of fictional visits" '
                   f'src="data:image/png;base64,{PIXEL_PNG}" width="200" height="100">'
                   "<figcaption>Visits (fictional)</figcaption></figure>")
    with pdf:
        roles = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    roles.append((str(node.S), str(node.get("/Alt", ""))))
                kids = node.get("/K")
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        assert [r for r in roles if r[0] == "/Figure"] == [
            ("/Figure", "A line chart of fictional visits")]
        assert ("/Caption", "") in roles and ("/Div", "") in roles
        (link,) = [a for a in pdf.pages[0].Annots if a.Subtype == "/Link"]
        assert str(link.Contents) == "the fictional guide" and pdf.pages[0].Tabs == "/S"
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
