"""The corporate reports and the front page, built for real from the fictional Ashdown council.

One build of every report of the three fictional portfolios and the council (papermill, the
exporters, Chromium), then what a clerk, a screen-reader user and an officer would meet.
"""

from __future__ import annotations

import json
import shutil
import unicodedata

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.a11y import report_folder_problems
from tests.test_build import pdf_text
from tests.test_corporate import ASHDOWN

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ashdown_built(tmp_path_factory):
    """Ashdown's reports, built once."""
    from perflib.run.build import build
    from tests.conftest import scratch_project

    root = tmp_path_factory.mktemp("ashdown") / "project"
    with pytest.MonkeyPatch.context() as mp:
        scratch_project(root, mp, seed=False)
        shutil.copytree(ASHDOWN, root / "data")
        (root / "data" / "README.md").unlink()
        summary = build(jobs=2)
    return root / "reports", summary


def test_every_period_the_portfolios_hold_gets_its_corporate_report(ashdown_built):
    reports, summary = ashdown_built
    assert summary.failed == []
    assert sorted(s for s in summary.built if s.startswith("council")) == [
        "council 2020/21 corporate_report", "council 2021/22 corporate_q1",
        "council 2021/22 corporate_q2", "council 2021/22 corporate_report"]
    assert summary.waiting == ["streets 2021/22 quarterly_q3: no 2021/22 Q3 figures in "
                               "observations.csv yet"]
    folder = reports / "council" / "2021-22"
    assert (folder / "corporate_q1.csv").read_text().splitlines() == [
        "year,quarter,portfolio,pi_code,measure_id,short_name,period,value,target,rating,trend,"
        "exceptions,improvements",
        "2021/22,Q1,streets,ST1,potholes_fixed,Potholes fixed (fictional),2021/22 Q1,90,100,Red,,"
        "Red,",
        "2021/22,Q1,streets,ST2,bins_on_time,Bins collected on time (fictional),2021/22 Q1,97.0,"
        "98.0,Amber,,,"]


def test_the_pdf_says_who_is_missing_the_exceptions_and_the_totals(ashdown_built):
    reports, _ = ashdown_built
    # NFKC: pypdf gives the 'fi' of 'fictional' as its ligature
    text = unicodedata.normalize("NFKC", pdf_text(reports / "council" / "2021-22" /
                                                  "corporate_report.pdf"))
    assert "ASHDOWN DISTRICT COUNCIL (FICTIONAL)" in text  # the cover prints it in capitals
    assert "Not in this report: Care (fictional) holds no 2021/22 report (it holds 2020/21)." in text
    assert "Red; Getting worse for a second period running" in text
    assert "Red to Green" in text
    assert "Council total 5,100 5,060 (40) (0.8%) 220" in text
    assert "400 potholes were fixed, against a target of 400." in text  # its own commentary
    draft = pdf_text(reports / "council" / "2020-21" / "corporate_report.pdf")
    assert "DRAFT" in draft and "To be set" in draft  # no cover given for 2020/21


def test_corporate_reports_are_accessible_as_every_report_is(ashdown_built):
    reports, _ = ashdown_built
    assert report_folder_problems(reports / "council" / "2021-22") == []  # PDF/UA, 320 px


def test_axe_finds_nothing_on_the_corporate_report_and_the_front_page(ashdown_built):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from perflib.formats.pdf import ARGS, find_chromium
    from tests.test_accessibility import WCAG

    reports, _ = ashdown_built
    pages = [reports / "council" / "2021-22" / "corporate_report.html",
             reports / "council" / "2021-22" / "corporate_q2.html", reports / "index.html"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        try:
            for path in pages:
                assert "<script" not in path.read_text(encoding="utf-8")  # works without it
                page = browser.new_page()
                page.goto(path.resolve().as_uri(), wait_until="load")
                result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG},
                                                  "resultTypes": ["violations"]})
                page.close()
                assert [v["id"] for v in result.response["violations"]] == [], path.name
        finally:
            browser.close()


def test_the_word_file_has_heading_styles_header_rows_and_alt_text(ashdown_built):
    reports, _ = ashdown_built
    doc = Document(reports / "council" / "2021-22" / "corporate_report.docx")
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Heading 2", "Heading 3"} <= styles
    assert doc.tables and all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
                              for t in doc.tables)
    descr = [el.get("descr") for el in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert descr and all(d.startswith("Stacked bar chart of headline measures") for d in descr)
    assert doc.core_properties.title == "Council-wide Corporate Performance Report 2021/22"
    assert doc.core_properties.author == "Ashdown District Council (fictional)"


def test_the_front_page_leads_with_the_latest_corporate_report(ashdown_built):
    reports, _ = ashdown_built
    html = (reports / "index.html").read_text(encoding="utf-8")
    assert "<h1>Ashdown District Council (fictional): performance reports</h1>" in html
    assert html.index("Corporate reports") < html.index("Leisure (fictional)")
    assert "<h3>Latest: 2021/22</h3>" in html
    assert 'aria-label="Headline measures by rating, 2021/22: 5 Green, 0 Amber, 1 Red, 0 Not ' \
           'rated"' in html
    # Leisure's measures by rating, year by year, and how each count moved
    assert "Leisure (fictional): measures by rating, year by year" in html
    assert "Green +2, Amber −1, Red −1" in html
    assert 'href="council/2021-22/corporate_q1.pdf"' in html
    # each report's status is its own cover's, in the build log and on the front page alike
    from tests.htmltables import parse

    table = next(t for t in parse(html).tables if t["caption"] == "Council-wide reports for "
                 "2021/22")
    assert [r[3] for r in table["rows"][1:]] == ["Final, approved by AB", "Final, approved by AB",
                                                 "Draft"]
    log = json.loads((reports / "council" / "2021-22" / "build-log.json").read_text())
    assert {k: e["status"] for k, e in log["notebooks"].items()} == {
        "corporate_report": "final", "corporate_q1": "final", "corporate_q2": "draft"}
    assert "checksum" not in html.lower()
