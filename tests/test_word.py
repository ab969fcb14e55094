"""Word drafts: every built report as .docx, checked as Word's accessibility checker would; and the
perflib exporters never producing a blank report from a notebook that has not been run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from html import unescape
from pathlib import Path

import nbformat
import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from perflib import config
from perflib.exporters import ready
from perflib.formats.docx import REFERENCE
from perflib.formats.page import ExportError
from perflib.formats.word import document
from perflib.present.blocks import Paragraph
from perflib.present.display import Blocks
from tests.htmltables import html_headings, parse
from tests.test_build import FIGURES, FINANCE

NAMES = ["annual_report", "complaints", "digital_inclusion", "museum_visits"]
YEARS = ["2019-20", "2020-21"]
REPORTS = [(y, n) for y in YEARS for n in NAMES]
A4_TWIPS = (11906, 16838)
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
SYMBOLS = "✖▲✔↑→↓"
NUMBER = re.compile(r"\(?\d[\d,]*(?:\.\d+)?%?\)?")


@pytest.fixture(scope="session")
def word(built: Path) -> Path:
    """Every report's .docx, as the build wrote it beside the HTML and PDF."""
    return built / "cfe"


def title_of(html: str) -> str:
    m = re.search(r"<title>(.*?)</title>", html, re.S)
    return unescape(m.group(1)) if m else ""


def docx_text(doc) -> str:
    """Paragraphs, then every table cell, as one whitespace-normalised string."""
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return " ".join(" ".join(parts).split())


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


@pytest.mark.e2e
@pytest.mark.parametrize(("year", "name"), REPORTS)
def test_word_structure_is_what_the_checker_wants(built, word, year, name):
    html = (built / "cfe" / year / f"{name}.html").read_text(encoding="utf-8")
    doc = Document(word / year / f"{name}.docx")

    # Headings: real Heading n styles, in the HTML's order and levels; one Heading 1.
    heads = [(int(p.style.name.split()[-1]), " ".join(p.text.split())) for p in doc.paragraphs
             if p.style.name.startswith("Heading ")]
    assert heads == html_headings(html)
    styles = {p.style.name for p in doc.paragraphs}
    assert [lvl for lvl, _ in heads].count(1) == 1
    assert {"Heading 1", "Heading 2"} <= styles
    if "<h3" in html:
        assert "Heading 3" in styles
    assert "Title" not in styles  # the title is in the properties, not printed twice

    # Tables: as many as the HTML, captions kept, a header row marked to repeat across pages.
    tables = parse(html).tables
    assert len(doc.tables) == len(tables)
    for t, h in zip(doc.tables, tables, strict=True):
        first = t.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        caption = t._tbl.tblPr.find(qn("w:tblCaption"))
        assert caption is not None and caption.get(qn("w:val")) == h["caption"]
        assert [[c.text for c in r.cells] for r in t.rows] == [
            [" ".join(c.translate({ord(x): None for x in SYMBOLS}).split()) for c in row]
            for row in h["rows"]], h["caption"]

    # Images: every chart with its alt text, in order.
    alts = [img["alt"] for img in parse(html).images]
    descrs = [pr.get("descr") for pr in doc.element.body.iter(WP_DOCPR)]
    assert descrs == alts
    if name != "annual_report":
        assert alts, "deep dives have charts"

    # Properties: title, author, language; styles in en-GB; A4 pages.
    props = doc.core_properties
    assert props.title == title_of(html) and props.title
    assert props.author == "Stockport Metropolitan Borough Council"
    assert props.language == "en-GB"
    langs = [el.get(qn("w:val")) for el in doc.styles.element.iter(qn("w:lang"))]
    assert langs and set(langs) == {"en-GB"}
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}") is not None
    for s in doc.sections:
        assert (s.page_width.twips, s.page_height.twips) == A4_TWIPS

    # Nothing decorative or navigational from the web page; ratings and trends as words.
    text = docx_text(doc)
    assert "Skip to the report" not in text and "Contents" not in text
    assert not set(SYMBOLS) & set(text)
    if name == "annual_report":
        assert re.search(r"\b(Green|Amber|Red)\b", text) and "Getting" in text


@pytest.mark.e2e
@pytest.mark.parametrize(("year", "name"), REPORTS)
def test_word_carries_the_same_figures_as_the_pdf(built, word, year, name):
    doc_text = docx_text(Document(word / year / f"{name}.docx"))
    pdf = re.sub(r"Page \d+ of \d+", " ", pdf_text(built / "cfe" / year / f"{name}.pdf"))
    assert set(NUMBER.findall(doc_text)) == set(NUMBER.findall(pdf))
    if name == "annual_report":
        for figure in FIGURES[year.replace("-", "/")] + FINANCE[year.replace("-", "/")]:
            assert figure in pdf and figure in doc_text, figure


@pytest.mark.e2e
def test_ratings_and_trends_are_the_published_words(built, word):
    import pandas as pd

    for year in YEARS:
        m = pd.read_csv(built / "cfe" / year / "measures.csv", keep_default_na=False)
        doc = Document(word / year / "annual_report.docx")
        rows = {t.rows[1].cells[0].text: [c.text for c in t.rows[1].cells] for t in doc.tables
                if t.rows[0].cells[0].text == "PI code" and t.rows[0].cells[-2].text == "Status"
                and len(t.rows) > 1}
        for r in m.itertuples():
            cells = rows.get(r.pi_code, [])
            if r.rating:
                assert r.rating in cells, r.pi_code
            if r.trend:
                assert r.trend in cells, r.pi_code
        assert rows


def test_reference_document_is_a4_arial_en_gb():
    doc = Document(REFERENCE)
    s = doc.sections[0]
    assert (s.page_width.twips, s.page_height.twips) == A4_TWIPS
    assert doc.styles["Heading 1"].font.name == "Arial"
    assert {el.get(qn("w:val")) for el in doc.styles.element.iter(qn("w:lang"))} == {"en-GB"}
    assert not doc.paragraphs or not any(p.text for p in doc.paragraphs)


def test_docx_needs_a_title():
    with pytest.raises(ValueError, match="title"):
        document([Paragraph("x")], title=" ", author="a")


# --- the exporters: never a blank report -------------------------------------------------------

def exporter_name(name: str) -> str:
    """The entry point name when this environment has it installed, else the class's dotted path.

    An editable install made before the exporters took their JupyterLab names lacks them until
    it is reinstalled (make venv); nbconvert takes the dotted path just the same.
    """
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group="nbconvert.exporters")}
    want = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())[
        "project"]["entry-points"]["nbconvert.exporters"][name]
    return name if eps.get(name) == want else want.replace(":", ".")


def nbconvert(to: str, src: Path, out: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(config.PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", exporter_name(to),
                           str(src), "--output-dir", str(out)], capture_output=True, text=True,
                          env=env, cwd=config.PROJECT_ROOT)


def committed(name: str) -> Path:
    path = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "as committed"
    return path


@pytest.mark.e2e
def test_committed_notebook_exports_to_a_full_html_report(built, tmp_path):
    res = nbconvert("Committee_report_HTML", committed("annual_report"), tmp_path)
    assert res.returncode == 0, res.stderr
    html = (tmp_path / "annual_report.html").read_text(encoding="utf-8")
    expected = (built / "cfe" / "2020-21" / "annual_report.html").read_text(encoding="utf-8")
    assert html_headings(html) == html_headings(expected)
    assert [(t["caption"], t["rows"]) for t in parse(html).tables] == [
        (t["caption"], t["rows"]) for t in parse(expected).tables]
    for figure in FIGURES["2020/21"]:
        assert figure in html.replace("&#x27;", "'"), figure


@pytest.mark.e2e
def test_committed_notebook_exports_to_a_full_pdf(built, tmp_path):
    """jupyter nbconvert --to Committee_report_PDF notebooks/annual_report.ipynb: quietly."""
    res = nbconvert("Committee_report_PDF", committed("annual_report"), tmp_path)
    assert res.returncode == 0, res.stderr
    # no kernel noise ("[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel"): nbconvert's two lines
    assert [line.split(" ", 2)[1] for line in res.stderr.splitlines()] == ["Converting", "Writing"]
    # run with its own parameters (2020/21), it prints what the build printed for that year
    text = pdf_text(tmp_path / "annual_report.pdf")
    assert text == pdf_text(built / "cfe" / "2020-21" / "annual_report.pdf")
    assert all(figure in text for figure in FIGURES["2020/21"] + FINANCE["2020/21"])


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["annual_report", "museum_visits"])
def test_committed_notebook_exports_to_a_full_word_report(built, tmp_path, name):
    res = nbconvert("Committee_report_Word", committed(name), tmp_path)
    assert res.returncode == 0, res.stderr
    doc = Document(tmp_path / f"{name}.docx")
    expected = (built / "cfe" / "2020-21" / f"{name}.html").read_text(encoding="utf-8")
    heads = [(int(p.style.name.split()[-1]), " ".join(p.text.split())) for p in doc.paragraphs
             if p.style.name.startswith("Heading ")]
    assert heads == html_headings(expected)
    assert [pr.get("descr") for pr in doc.element.body.iter(WP_DOCPR)] == [
        i["alt"] for i in parse(expected).images]
    assert doc.core_properties.title == title_of(expected)


@pytest.mark.e2e
@pytest.mark.parametrize("to", ["Committee_report_HTML", "Committee_report_PDF", "Committee_report_Word"])
def test_an_unrelated_notebook_is_refused_with_a_clear_message(tmp_path, to):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Shopping"), nbformat.v4.new_code_cell("1 + 1")]
    src = tmp_path / "shopping.ipynb"
    nbformat.write(nb, src)
    res = nbconvert(to, src, tmp_path / "out")
    assert res.returncode != 0
    assert "shopping.ipynb is not a perflib report" in res.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.e2e
def test_a_report_that_fails_to_run_is_not_exported(tmp_path):
    nb = nbformat.read(committed("museum_visits"), as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace('year: str = ""', 'year: str = "2031/32"')
            assert "2031/32" in cell.source
    src = tmp_path / "museum_visits.ipynb"
    nbformat.write(nb, src)
    res = nbconvert("Committee_report_Word", src, tmp_path / "out")
    assert res.returncode == 1
    lines = res.stderr.splitlines()
    converting = next(i for i, line in enumerate(lines) if "Converting notebook" in line)
    assert lines[converting + 1:] == [
        "[NbConvertApp] ERROR | museum_visits.ipynb was not exported: not all its cells had run, "
        "so it was run from the top with its own parameters, and cell [2] failed.", lines[-1]]
    assert re.fullmatch(r"ParameterError: year 2031/32 is not held for portfolio 'cfe' "
                        r"\(held: [^)]+\)", lines[-1]), "its one clear line, and no traceback"
    assert not (tmp_path / "out" / "museum_visits.docx").exists()


def test_ready_refuses_notebooks_that_are_not_reports():
    plain = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ExportError, match="no cell tagged 'parameters'"):
        ready(plain, {"metadata": {"name": "plain"}})
    tagged = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
    with pytest.raises(ExportError, match="never imports perflib"):
        ready(tagged)


def test_ready_passes_a_run_notebook_through_untouched():
    cells = [nbformat.v4.new_code_cell('year: str = "2020/21"  # year',
                                       metadata={"tags": ["parameters"]}, execution_count=1),
             nbformat.v4.new_code_cell("from perflib.reports import annual", execution_count=2,
                                       outputs=[nbformat.v4.new_output(
                                           "display_data", Blocks([Paragraph("Report")])
                                           ._repr_mimebundle_())]),
             nbformat.v4.new_code_cell("", execution_count=None)]
    nb = nbformat.v4.new_notebook(cells=cells)
    assert ready(nb) is nb


def test_a_run_notebook_that_shows_nothing_is_refused():
    from perflib.exporters import ReportHTMLExporter

    cells = [nbformat.v4.new_code_cell("year = 1", metadata={"tags": ["parameters"]},
                                       execution_count=1),
             nbformat.v4.new_code_cell("import perflib", execution_count=2)]
    nb = nbformat.v4.new_notebook(cells=cells)
    assert ready(nb) is nb  # a report that has run is not run again
    with pytest.raises(ExportError, match="showed nothing"):
        ReportHTMLExporter().from_notebook_node(nb)


def stopped_at_a_bad_year(evalue: str) -> nbformat.NotebookNode:
    """A notebook as JupyterLab saves it after Run All stopped at the cell that loads the year."""
    error = nbformat.v4.new_output("error", ename="ParameterError", evalue=evalue,
                                   traceback=[f"ParameterError: {evalue}"])
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('year = "2031/32"', metadata={"tags": ["parameters"]},
                                  execution_count=1),
        nbformat.v4.new_code_cell("from perflib.notebook import load\nreport = load('cfe', year)",
                                  execution_count=2, outputs=[error]),
        nbformat.v4.new_code_cell("annual.cover(report)", execution_count=None)])


def test_a_notebook_that_shows_an_error_is_refused_naming_its_cell_and_error():
    """It was run: the export says which cell shows which error, and runs nothing again."""
    evalue = "year 2031/32 is not held for portfolio 'cfe' (held: 2019/20, 2020/21)"
    with pytest.raises(ExportError) as info:
        ready(stopped_at_a_bad_year(evalue), {"metadata": {"name": "annual_report"}})
    assert info.value.message.split("\n") == [
        "annual_report.ipynb was not exported: cell [2] shows an error.",
        f"ParameterError: {evalue}",
        "Put right what it says, run all cells again, then export."]
    assert "not been run" not in str(info.value)


def test_an_export_error_prints_in_short_lines_for_the_servers_error_page():
    """jupyter_server puts the message in a <pre>: a long line would run off the page."""
    evalue = ("1 problem in the data:\n  - data/cfe/observations.csv, row 7, column 'value': "
              "'ninety' is not a number, so the measure cannot be rated. Fix: write the figure "
              "as a number, such as 90.8")
    with pytest.raises(ExportError) as info:
        ready(stopped_at_a_bad_year(evalue), {"metadata": {"name": "annual_report"}})
    lines = str(info.value).split("\n")
    assert max(map(len, lines)) <= 100 and len(lines) > len(info.value.message.split("\n"))
    assert " ".join(" ".join(lines).split()) == " ".join(info.value.message.split())
