"""``perflib new-report``, then ``perflib build``: an analyst's own deep dive, in every format.

A scratch project, the real command line, papermill, Chromium and python-docx throughout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from docx import Document
from pypdf import PdfReader

from tests.conftest import scratch_project

pytestmark = pytest.mark.e2e

TITLE = "Repairs: deep dive 2020/21"
ALT = ("Bar chart of how many of the portfolio's measures are rated Green, Amber and Red this "
       "year, and how many are not rated; the table above gives each count.")


def perflib(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "perflib.cli", *args], capture_output=True,
                          text=True, env={**os.environ, "PERFLIB_ROOT": str(root)}, cwd=root)


@pytest.fixture
def built(tmp_path, monkeypatch) -> Path:
    """A scratch project whose cfe portfolio gets the annual report and a new-report deep dive."""
    root = scratch_project(tmp_path / "project", monkeypatch)
    spec = root / "data/cfe/portfolio.yaml"
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    doc["reports"] = {"annual": {}}  # the seed's other deep dives: not needed here
    spec.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    made = perflib(root, "new-report", "cfe", "repairs")
    assert made.returncode == 0, made.stderr
    res = perflib(root, "build", "--portfolio", "cfe", "--year", "2020/21", "--jobs", "2")
    assert res.returncode == 0, res.stderr
    assert re.search(r"executed +cfe 2020/21 repairs", res.stderr)
    return root / "reports"


def test_a_new_report_is_built_in_every_format_and_on_the_front_page(built):
    folder = built / "cfe/2020-21"
    assert {p.name for p in folder.glob("repairs.*")} == {
        "repairs.ipynb", "repairs.html", "repairs.pdf", "repairs.docx", "repairs.md",
        "repairs.csv"}
    # the figures it publishes are the seed's: 6 measures Green, 4 Amber, 3 Red, 2 not rated
    assert (folder / "repairs.csv").read_text(encoding="utf-8") == (
        "Rating,Measures\nGreen,6\nAmber,4\nRed,3\nNot rated,2\n")
    html = (folder / "repairs.html").read_text(encoding="utf-8")
    assert f"<title>Citizen Focus and Engagement {TITLE}</title>" in html
    assert "About this report" in html and "Not rated" in html  # Markdown and DataFrame cells
    assert "Citizen Focus and Engagement portfolio overview" in html  # the perflib section
    pdf = " ".join(page.extract_text() for page in PdfReader(folder / "repairs.pdf").pages)
    assert TITLE in pdf and "About this report" in pdf and "Revenue budget (outturn)" in pdf
    docx = Document(str(folder / "repairs.docx"))
    word = "\n".join(p.text for p in docx.paragraphs)
    assert TITLE in word and "About this report" in word and "Revenue budget (outturn)" in word
    assert ["Not rated", "2"] in [[c.text for c in r.cells] for t in docx.tables for r in t.rows]
    assert ALT in docx.element.xml  # the chart's description, as Word's alt text
    md = (folder / "repairs.md").read_text(encoding="utf-8")
    assert f"# Citizen Focus and Engagement {TITLE}" in md and "Revenue budget (outturn)" in md
    assert "## About this report" in md and "| Not rated | 2 |" in md
    assert f"*Chart: Measures by rating.* {ALT}" in md
    nb = nbformat.read(folder / "repairs.ipynb", as_version=4)
    chart = next(c for c in nb.cells if c.source.startswith("#| fig-alt:"))
    assert [o.output_type for o in chart.outputs] == ["display_data"]
    assert "image/png" in chart.outputs[0].data
    index = (built / "index.html").read_text(encoding="utf-8")
    row = re.search(rf'<th scope="row"[^>]*>Citizen Focus and Engagement {re.escape(TITLE)}</th>'
                    r"<td[^>]*><ul>(.*?)</ul>", index)
    assert row, "the new report is listed on the front page"
    for ext in ("html", "pdf", "docx", "md", "csv"):
        assert f'href="cfe/2020-21/repairs.{ext}"' in row.group(1)
