"""Word tables at full page width, each column wide enough for its longest word.

A fictional measure table goes through the real Word writer (python-docx, from the blocks); the
e2e test opens the Word file in LibreOffice, as an officer would, and reads the words it laid out.
"""

from __future__ import annotations

import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from perflib.formats import docx_tables
from perflib.formats.docx import A4, MARGIN
from perflib.formats.word import document
from perflib.present.blocks import Heading, Table, spans, strong

TEXT_WIDTH = A4[0] - 2 * MARGIN
HEADS = ["PI code", "Good performance", "2018/19 actual", "2019/20 actual", "2020/21 actual",
         "2021/22 target", "Status", "Trend"]
ROW = ["FX1.1", "High", "88.4% (1,204 of 1,362)", "91.2% (1,256 of 1,377)",
       "90.8% (1,014 of 1,117)", "95.0%", "Amber", "Getting worse"]


def report_blocks() -> list:
    return [Heading("Fictional report", 2),
            Table(spans("FX1.1: ", strong("A headline measure (fictional)")), HEADS, [ROW],
                  cls="measure-table"),
            Table("FX1.2: Another measure (fictional)", HEADS, [ROW], cls="measure-table")]


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return document(report_blocks(), title="Fictional report", author="Fictional Council")


def test_tables_span_the_text_width_with_fixed_columns(docx_bytes, tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(docx_bytes)
    doc = Document(str(path))
    assert len(doc.tables) == 2
    for table in doc.tables:
        pr = table._tbl.tblPr
        width = pr.find(qn("w:tblW"))
        assert (width.get(qn("w:type")), int(width.get(qn("w:w")))) == ("dxa", TEXT_WIDTH)
        assert pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        cols = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(cols) == TEXT_WIDTH and len(cols) == 8
        words = [max(len(w) for w in cell.text.split()) for cell in table.rows[0].cells]
        for width, longest in zip(cols, words, strict=True):
            assert width >= longest * docx_tables.CHAR + docx_tables.PADDING
        # the measure's figures get more room than its one-word Status
        assert cols[4] > cols[6]
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        sizes = {r.get(qn("w:val")) for r in table._tbl.iter(qn("w:sz"))}
        assert sizes == {"19"}  # 9.5 pt, as the HTML and PDF print tables


def test_a_table_caption_is_not_bold_but_a_headline_name_is(docx_bytes, tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(docx_bytes)
    doc = Document(str(path))
    assert doc.styles["Table Caption"].font.bold is False
    captions = [p for p in doc.paragraphs if p.style.name == "Table Caption"]
    assert [p.text for p in captions] == ["FX1.1: A headline measure (fictional)",
                                          "FX1.2: Another measure (fictional)"]
    assert [r.text for r in captions[0].runs if r.bold] == ["A headline measure (fictional)"]
    assert not [r for r in captions[1].runs if r.bold]


def test_widths_share_the_page_by_text():
    cols = docx_tables.widths([HEADS, ROW], TEXT_WIDTH)
    assert sum(cols) == TEXT_WIDTH
    assert cols[HEADS.index("Good performance")] >= 11 * docx_tables.CHAR + docx_tables.PADDING
    many = docx_tables.widths([[f"column{i:02d}" for i in range(20)]], 5000)
    assert sum(many) == 5000 and len(set(many[:-1])) == 1  # too many for the page: shrunk alike


@pytest.mark.e2e
def test_libreoffice_lays_the_table_out_without_breaking_words(docx_bytes, tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(docx_bytes)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "t.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    words = [w for line in text.splitlines() for w in line.split()]
    for whole in ("performance", "2020/21", "(1,014", "1,117)", "worse", "target"):
        assert whole in words, (whole, text)
    assert "perform" not in words and "ance" not in words
    # the table runs across the page: its last column starts in the right-hand third
    line = next(ln for ln in text.splitlines() if "Status" in ln)
    assert line.index("Trend") > 0.6 * len(line.rstrip())
