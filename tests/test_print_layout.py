"""How a report falls onto A4 pages: rows never split, no page spent on a sentence.

Fictional blocks go through the real exporter and the report stylesheet into Chromium; the
printed PDF's pages are read back one by one.
"""

from __future__ import annotations

import re
import unicodedata

import nbformat
import pytest
from pypdf import PdfReader

from perflib.present.blocks import MIME, Cover, Paragraph, Section, Table, to_json
from perflib.present.display import Blocks
from perflib.present.html import render

pytestmark = pytest.mark.e2e
FILLER = ("a fictional sentence long enough to wrap over several lines of a narrow table "
          "column, so that a row is tall and could fall across a page break")


def notebook(cells: list[Blocks]) -> nbformat.NotebookNode:
    """An executed report notebook, a cell's output for each of ``cells``, as a kernel leaves it."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('portfolio: str = "fictional"  # fictional', execution_count=1)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params]
    for n, blocks in enumerate(cells, start=2):
        cell = nbformat.v4.new_code_cell("import perflib  # a fictional report", execution_count=n)
        cell.outputs = [nbformat.v4.new_output("display_data", data={
            "text/html": render(blocks), MIME: to_json(blocks), "text/plain": "report"})]
        nb.cells.append(cell)
    return nb


def pages(cells: list[Blocks], tmp_path) -> list[str]:
    from perflib.exporters import ReportPDFExporter

    pdf, _ = ReportPDFExporter().from_notebook_node(notebook(cells))
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


def cover() -> Cover:
    return Cover("Fictional Council", "Fictional Portfolio", "Layout test",
                 [("Date", "1 April 2022")])


def test_no_table_row_is_split_across_pages(tmp_path):
    rows = [[f"R{n:02d}", f"start{n:02d} {FILLER} end{n:02d}", f"start{n:02d} {FILLER} end{n:02d}"]
            for n in range(1, 41)]
    text = pages([Blocks([cover()]), Blocks([Section("s", "1. A long table", [
        Table("Forty tall fictional rows", ["Row", "Words", "More words"], rows)])])], tmp_path)
    page_of = {}
    for n in range(1, 41):
        where = {i for i, t in enumerate(text) for w in (f"start{n:02d}", f"end{n:02d}") if w in t}
        assert len(where) == 1, f"row {n} is split across pages {sorted(where)}"
        page_of[n] = where.pop()
    assert page_of[1] < page_of[40], "the rows run over pages, or none could have been split"
    assert list(page_of.values()) == sorted(page_of.values())


def test_short_sections_share_a_page_and_a_long_one_runs_on(tmp_path):
    """Only the cover has a page to itself: sections follow one another as they fill pages."""
    table = Table("A fictional table", ["Item", "Value"], [["A", "1"], ["B", "2"]])
    rows = [[f"R{n:02d}", f"start{n:02d} {FILLER} end{n:02d}"] for n in range(1, 41)]
    titles = ["1. A section with a table", "2. A section of one sentence",
              "3. The section after it", "4. A long section", "5. A section after that"]
    text = pages([Blocks([cover()]),
                  Blocks([Section("one", titles[0], [table])]),
                  Blocks([Section("two", titles[1], [
                      Paragraph("No fictional figure is available for this section.")])]),
                  Blocks([Section("three", titles[2], [table])]),
                  Blocks([Section("four", titles[3], [Table("Forty tall fictional rows",
                                                            ["Row", "Words"], rows)])]),
                  Blocks([Section("five", titles[4], [table])])], tmp_path)
    one, two, three, four, five = ([i for i, t in enumerate(text) if title in t][0]
                                   for title in titles)
    assert one == 1, "the cover has its page to itself"
    assert two == one and three == one and four == one, "short sections share a page"
    assert "start01" in text[one], "a long section starts where the one before it ends"
    assert five == len(text) - 1 and five > four, "and the next follows where it ends"
    for page in text[1:]:  # no page ends on a heading or a caption, apart from what it names
        body = re.sub(r"( ?Fictional Portfolio Layout test)* Page \d+ of \d+$", "",
                      unicodedata.normalize("NFKC", page))
        assert body != page and not body.endswith(
            tuple(titles) + ("Forty tall fictional rows", "A fictional table")), body[-80:]
