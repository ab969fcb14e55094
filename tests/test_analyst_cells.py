"""An analyst's own cells, through ``perflib build``, in every format alike.

A copy of notebooks/complaints.ipynb gets what an analyst adds in JupyterLab: a Markdown note
(with a script and a link out of the machine in it), a chart with ``#| fig-alt:`` and
``#| fig-cap:``, a chart without, and a cell that prints a line and shows a DataFrame with
``#| tbl-cap:`` and ``#| echo: true``. Every figure comes from data/ (the seed's observations).
Built as a draft, the four formats carry the same content; built as final, the build refuses the
chart without a description; with every chart described, the PDF passes an independent PDF/UA
validator and Word has the alt text.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import lxml.html
import nbformat
import pikepdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from tests.a11y import pdfua_findings
from tests.conftest import scratch_project
from tests.test_build import run_cli

pytestmark = pytest.mark.e2e
FOLDER = "reports/cfe/2020-21"
DESCRIBED = "Bar chart of Stage 1 complaints received each year, fewest in 2020/21."
SECOND = "Line chart of the share of Stage 2 complaints upheld, rising each year."
DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
PLACEHOLDER = "No description has been provided"

NOTE = ("## Analyst note\n\nStage 1 complaints fell as offices closed. <script>alert(1)</script>"
        "[Local file](../../../../etc/passwd), [the council](https://www.stockport.gov.uk).")
CHART = ("#| fig-alt: " + DESCRIBED + "\n#| fig-cap: Stage 1 complaints received\n"
         "import matplotlib.pyplot as plt\n"
         "s1 = report.observations.query(\"measure_id == 'complaints_s1_upheld'\")\n"
         "plt.figure(figsize=(6, 3))\nplt.bar(s1['period'], s1['denominator'])\nplt.show()")
UNDESCRIBED = ("s2 = report.observations.query(\"measure_id == 'complaints_s2_upheld'\")\n"
               "plt.figure(figsize=(6, 3))\nplt.plot(s2['period'], s2['value'])\nplt.show()")
TABLE = ("#| tbl-cap: Stage 1 complaints upheld, by year\n#| echo: true\n"
         "print('Stage 1 complaints, from observations.csv')\n"
         "s1[['period', 'numerator', 'denominator', 'value']].rename(columns={\n"
         "    'period': 'Year', 'numerator': 'Upheld', 'denominator': 'Received',\n"
         "    'value': 'Upheld %'})")


def analyst_notebook(path: Path, second: str = UNDESCRIBED) -> None:
    """Add the analyst's cells after the complaints notebook's summary."""
    nb = nbformat.read(path, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "complaints.summary" in c.source) + 1
    nb.cells[at:at] = [nbformat.v4.new_markdown_cell(NOTE), nbformat.v4.new_code_cell(CHART),
                       nbformat.v4.new_code_cell(second), nbformat.v4.new_code_cell(TABLE)]
    nbformat.write(nb, path)


def set_status(root: Path, status: str | None) -> None:
    yml = root / "data/cfe/2020-21/report.yaml"
    text = re.sub(r"^status: \w+\n", "", yml.read_text(encoding="utf-8"), flags=re.M)
    yml.write_text((f"status: {status}\n" if status else "") + text, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A scratch project with the analyst's cells in its complaints notebook, 2020/21 a draft."""
    root = tmp_path_factory.mktemp("analyst") / "project"
    with pytest.MonkeyPatch.context() as mp:
        scratch_project(root, mp)
    analyst_notebook(root / "notebooks/complaints.ipynb")
    set_status(root, "draft")
    res = run_cli("build", "--portfolio", "cfe", "--year", "2020/21", root=root)
    assert res.returncode == 0, res.stderr
    return root


# --------------------------------------------------------------------- the text of each format

def words(text: str) -> str:
    return " ".join(text.split())


def html_text(path: Path) -> str:
    main = lxml.html.parse(str(path)).getroot().find(".//main")
    for nav in main.iter("nav"):
        nav.getparent().remove(nav)
    for el in main.iter(*BLOCKS):  # a block's words end where it does, as a reader hears them
        el.tail = " " + (el.tail or "")
        el.insert(0, lxml.html.Element("span"))
        el[0].tail, el.text = (el.text or ""), " "
    return words(main.text_content())


BLOCKS = ("p", "td", "th", "caption", "li", "pre", "dt", "dd", "figcaption", "h1", "h2", "h3",
          "h4", "h5", "tr")


def word_text(path: Path) -> str:
    """Paragraphs and tables in body order, as the page has them."""
    doc = Document(str(path))
    parts = []
    for el in doc.element.body:
        if el.tag == qn("w:p"):
            parts.append("".join(t.text or "" for t in el.iter(qn("w:t"))))
        elif el.tag == qn("w:tbl"):
            parts += ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in el.iter(qn("w:tc"))]
    return words(" ".join(parts))


def markdown_text(path: Path) -> str:
    """The Markdown's words without its markup: emphasis, table rules, fences, escapes."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^\| (?:-{3}:?\s\|\s?)+$", "", text, flags=re.M)  # table rules
    text = re.sub(r"^```\w*$", "", text, flags=re.M)
    # a chart is its caption (the page prints its alt text in no words of its own)
    text = re.sub(r"\*Chart(?:: ([^*]*))?\.\* [^\n]*",
                  lambda m: f"{m.group(1)}." if m.group(1) else "", text)
    text = re.sub(r"\[([^\]]*)\]\(<[^>]*>\)", r"\1", text)  # a link's words
    text = text.replace("\\|", "\0").replace("|", " ").replace("\0", "|")  # table rules go
    text = text.replace("\\", "").replace("**", "").replace("&lt;", "<")
    return words(re.sub(r"^#+ |^- ", "", text, flags=re.M))


def pdf_text(path: Path) -> str:
    """The pages' words without their headers and footers, ligatures (ﬁ) as letters."""
    text = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in PdfReader(path).pages))
    text = re.sub(r"(DRAFT: )?Citizen Focus and Engagement Complaints: deep dive 2020/21|"
                  r"Page \d+ of \d+", " ", text)
    return words(text)


def section(text: str) -> str:
    """The analyst's part of a report: from their note to the report's next section."""
    start = text.index("Analyst note")
    return text[start:text.index("Upheld and on time, against target", start)]


ANALYST = [
    "Analyst note", "Stage 1 complaints fell as offices closed. Local file, the council.",
    "Stage 1 complaints received.",
    "Description missing: this chart has no text alternative yet, so a reader who cannot see it "
    "is told nothing. Add '#| fig-alt: ...' to cell [6] before the report is final.",
    "print('Stage 1 complaints, from observations.csv')", "Stage 1 complaints, from "
    "observations.csv", "Stage 1 complaints upheld, by year", "Year Upheld Received Upheld %",
    "2018/19 33 116 28.4", "2019/20 41 121 33.9", "2020/21 26 90 28.9",
]


def in_order(text: str, pieces: list[str]) -> list[str]:
    """The pieces ``text`` lacks, looking for each after the one before."""
    missing, at = [], 0
    for piece in pieces:
        found = text.find(piece, at)
        if found < 0:
            missing.append(piece)
        else:
            at = found + len(piece)
    return missing


def test_the_four_formats_carry_the_analysts_cells_alike(project):
    out = project / FOLDER
    texts = {"html": section(html_text(out / "complaints.html")),
             "docx": section(word_text(out / "complaints.docx")),
             "md": section(markdown_text(out / "complaints.md")),
             "pdf": section(pdf_text(out / "complaints.pdf"))}
    for name, text in texts.items():
        assert in_order(text, ANALYST) == [], (name, text)
    # the page, the Word file and the Markdown say the same, word for word
    assert texts["docx"] == texts["html"]
    assert texts["md"] == texts["html"]
    assert words(texts["pdf"].replace(" ", "")) == words(texts["html"].replace(" ", ""))


def test_no_output_carries_nbconverts_placeholder_or_anything_that_would_run(project):
    out = project / FOLDER
    for name in ("complaints.html", "complaints.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert PLACEHOLDER not in text and "<script>alert" not in text
        assert "etc/passwd" not in text
    docx = (out / "complaints.docx").read_bytes()
    assert b"etc/passwd" not in docx
    assert PLACEHOLDER not in pdf_text(out / "complaints.pdf")
    # nbconvert's own exporters, through perflib's, on the executed notebook
    from perflib.exporters import ReportHTMLExporter

    page, _ = ReportHTMLExporter().from_notebook_node(
        nbformat.read(out / "complaints.ipynb", as_version=4))
    assert PLACEHOLDER not in page and 'alt="Description missing"' in page


def test_a_draft_marks_the_chart_without_a_description_and_claims_no_pdfua(project):
    out = project / FOLDER
    html = (out / "complaints.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img src="data:image/png;base64,[^"]*" alt="([^"]*)"', html)
    assert alts[:2] == [DESCRIBED, "Description missing"]
    assert '<p class="missing-alt"><strong>Description missing:</strong>' in html
    doc = Document(str(out / "complaints.docx"))
    assert [d.get("descr") for d in doc.element.body.iter(DOCPR)][:2] == [DESCRIBED,
                                                                          "Description missing"]
    with pikepdf.open(out / "complaints.pdf") as pdf, pdf.open_metadata() as xmp:
        assert "pdfuaid:part" not in xmp
        figures = [str(n.get("/Alt", "")) for n in _elements(pdf) if n.get("/S") == "/Figure"]
    assert figures[:2] == [DESCRIBED, "Description missing"]
    assert f"*Chart: Stage 1 complaints received.* {DESCRIBED}" in (
        out / "complaints.md").read_text(encoding="utf-8")


def _elements(pdf):
    from perflib.formats.pdf_ua import elements

    return list(elements(pdf))


def test_the_dataframe_is_a_captioned_table_with_a_header_row_in_word_and_the_page(project):
    out = project / FOLDER
    html = (out / "complaints.html").read_text(encoding="utf-8")
    assert ('<table class="frame"><caption>Stage 1 complaints upheld, by year</caption><thead><tr>'
            '<th scope="col">Year</th><th scope="col">Upheld</th><th scope="col">Received</th>'
            '<th scope="col">Upheld %</th></tr></thead><tbody><tr><td>2018/19</td>'
            '<td class="num">33</td><td class="num">116</td><td class="num">28.4</td></tr>') in html
    doc = Document(str(out / "complaints.docx"))
    (table,) = [t for t in doc.tables if t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val"))
                == "Stage 1 complaints upheld, by year"]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["Year", "Upheld", "Received", "Upheld %"], ["2018/19", "33", "116", "28.4"],
        ["2019/20", "41", "121", "33.9"], ["2020/21", "26", "90", "28.9"]]
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None


def test_a_final_report_refuses_the_chart_without_a_description(project):
    before = (project / FOLDER / "complaints.html").read_bytes()
    set_status(project, None)
    try:
        res = run_cli("build", "--portfolio", "cfe", "--year", "2020/21", root=project)
    finally:
        set_status(project, "draft")
    assert res.returncode == 2, res.stderr
    last = res.stderr.strip().splitlines()[-1]
    assert ("notebooks/complaints.ipynb, cell [6]: shows a chart with no description (alt text), "
            "and a final report publishes no chart without one. Fix: add a first line "
            "'#| fig-alt: <what the chart shows, with its main figures>' to the cell") in last
    assert (project / FOLDER / "complaints.html").read_bytes() == before  # the draft stays


def test_a_final_report_with_every_chart_described_is_pdfua_and_word_has_its_alt_text(
        project, tmp_path):
    nb = project / "notebooks/complaints.ipynb"
    kept = nb.read_bytes()
    nb.write_bytes(_fresh(project))
    analyst_notebook(nb, f"#| fig-alt: {SECOND}\n{UNDESCRIBED}")
    set_status(project, None)
    try:
        res = run_cli("build", "--portfolio", "cfe", "--year", "2020/21", root=project)
        assert res.returncode == 0, res.stderr
        out = project / FOLDER
        pdf = out / "complaints.pdf"
        assert pdfua_findings(pdf) == []
        with pikepdf.open(pdf) as doc:
            figures = [str(n.get("/Alt", "")) for n in _elements(doc) if n.get("/S") == "/Figure"]
        assert figures[:2] == [DESCRIBED, SECOND]
        word = Document(io.BytesIO((out / "complaints.docx").read_bytes()))
        assert [d.get("descr") for d in word.element.body.iter(DOCPR)][:2] == [DESCRIBED, SECOND]
        assert "Description missing" not in (out / "complaints.md").read_text(encoding="utf-8")
    finally:
        nb.write_bytes(kept)
        set_status(project, "draft")


def _fresh(root: Path) -> bytes:
    from perflib import config

    return (config.NOTEBOOKS_DIR / "complaints.ipynb").read_bytes()
