"""A council's KPI scorecard built final, end to end: its own ratings, no finance, sparse notes.

The fictional Millbrook District Council (tests/fixtures/fictional/kpi_published) says
``ratings: published``, ``finance: none`` and ``commentary: optional``, gives two measures their
own Amber band and one its own tolerance, and writes notes on three of its twelve measures. Built
for real (papermill, Chromium) as a final report with its Q2 quarterly report and the corporate
reports, every rating printed in HTML, PDF, Word and Markdown must be the council's, the rule's
disagreements must be in Data quality, and no finance section, cabinet member line or empty
heading may be printed anywhere.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.a11y import report_folder_problems
from tests.htmltables import parse
from tests.test_build import pdf_text as raw_pdf_text
from tests.test_build import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"
KPI = "kpi_published"
SYMBOL = {"Red": "✖", "Amber": "▲", "Green": "✔"}
#: Where the rule disagrees with the council in 2023/24 (the council's rating is printed).
DISAGREE = {"MK01": ("Amber", "Red"), "MK05": ("Red", "Amber"), "MK10": ("Green", "Amber")}
NOTES = ["the council rates 2023/24 Amber; the rule gives Red",
         "the council rates 2023/24 Q2 Amber; the rule gives Red",
         "the council rates 2023/24 Red; the rule gives Amber",
         "the council rates 2023/24 Green; the rule gives Amber"]
#: Words of a finance section or a cabinet member line, none of which a KPI-only report prints.
ABSENT = ["Financial resources", "Revenue budget", "Cash limit", "Earmarked reserves",
          "savings programme", "Cabinet Member", "Budget monitoring", "and Resources",
          "still to be added", "To be added"]


def pdf_text(path: Path) -> str:
    """A PDF's text with the typeface's ligatures (ﬁ, ﬀ) read as their letters."""
    return unicodedata.normalize("NFKC", raw_pdf_text(path))


def published() -> dict[str, str]:
    """PI code -> the council's rating of its 2023/24 figure, as the fixture holds it."""
    m = pd.read_csv(FIXTURES / KPI / "measures.csv").set_index("measure_id")["pi_code"]
    o = pd.read_csv(FIXTURES / KPI / "observations.csv")
    year = o[(o["period"] == "2023/24") & o["published_rating"].notna()]
    return {m[r.measure_id]: r.published_rating for r in year.itertuples()}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import scratch_project

    root = tmp_path_factory.mktemp("kpi") / "project"
    with pytest.MonkeyPatch.context() as mp:
        scratch_project(root, mp, {KPI: FIXTURES / KPI}, seed=False)
        res = run_cli("build", root=root)
    assert res.returncode == 0, res.stderr
    return root / "reports"


@pytest.fixture(scope="module")
def out(reports: Path) -> Path:
    return reports / KPI / "2023-24"


def markdown_rows(text: str) -> dict[str, list[str]]:
    """Each measure table row of a Markdown report (a table with a Status column), by PI code."""
    rows, status = {}, False
    for line in text.splitlines():
        if not line.startswith("|"):
            status = False
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        status = status or "Status" in cells
        if status and re.match(r"MK\d\d\b", cells[0]):
            rows[cells[0][:4]] = cells
    return rows


def word_rows(path: Path) -> dict[str, list[str]]:
    """Each measure table row of a Word report, by PI code: its cells."""
    rows = {}
    for t in Document(path).tables:
        if "Status" not in [c.text.strip() for c in t.rows[0].cells]:
            continue
        for row in t.rows[1:]:
            cells = [c.text.strip() for c in row.cells]
            if re.match(r"MK\d\d\b", cells[0]):
                rows[cells[0][:4]] = cells
    return rows


def html_rows(html: str) -> dict[str, list[str]]:
    """Each measure table row of an HTML report (a table with a Status column), by PI code."""
    rows = {}
    for t in parse(html).tables:
        if not t["rows"] or "Status" not in t["rows"][0]:
            continue
        for row in t["rows"][1:]:
            if row and re.match(r"MK\d\d\b", row[0]):
                rows[row[0][:4]] = row
    return rows


def empty_headings(tokens: list[tuple[int, str]]) -> list[str]:
    """Headings followed by a heading of their own level or higher: a section with nothing in it.

    ``tokens`` are (heading level, or 0 for content, words) in document order.
    """
    found = []
    for (level, words), (after, _) in zip(tokens, [*tokens[1:], (1, "")], strict=True):
        if level and after and after <= level:
            found.append(words)
    return found


def html_tokens(html: str) -> list[tuple[int, str]]:
    body = lxml.html.document_fromstring(html).body
    for xpath in ("//nav", "//style", "//script", "//a[contains(@class, 'skip-link')]"):
        for el in body.xpath(xpath):
            el.drop_tree()
    out = []
    for el in body.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "table", "img", "li", "dd"):
        words = " ".join(el.text_content().split())
        if el.tag[0] == "h":
            out.append((int(el.tag[1]), words))
        elif words or el.tag in ("table", "img"):
            out.append((0, words))
    return out


def word_tokens(path: Path) -> list[tuple[int, str]]:
    out = []
    for child in Document(path).element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            out.append((0, "table"))
        elif child.tag == qn("w:p"):
            style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            name = style.get(qn("w:val")) if style is not None else ""
            words = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            m = re.fullmatch(r"Heading(\d)", name or "")
            if m:
                out.append((int(m.group(1)), words))
            elif words or child.find(f".//{qn('w:drawing')}") is not None:
                out.append((0, words))
    return out


def markdown_tokens(text: str) -> list[tuple[int, str]]:
    out = []
    for line in text.splitlines():
        m = re.match(r"^(#{1,6}) (.*)", line)
        if m:
            out.append((len(m.group(1)), m.group(2)))
        elif line.strip():
            out.append((0, line))
    return out


@pytest.mark.e2e
def test_the_scorecard_builds_final_with_every_report(out, reports):
    log = json.loads((out / "build-log.json").read_text())
    assert log["status"] == "final"
    names = {p.name for p in out.iterdir()}
    for name in ("annual_report.pdf", "annual_report.docx", "annual_report.md",
                 "quarterly_q2.pdf", "measures.csv", "data-quality.csv"):
        assert name in names, name
    assert (reports / "council" / "2023-24" / "corporate_report.pdf").exists()


@pytest.mark.e2e
def test_every_printed_rating_is_the_councils_in_every_format(out):
    want = published()
    assert len(want) == 11 and want["MK11"] == "Green"  # MK11: the rule does not rate it
    html = html_rows((out / "annual_report.html").read_text())
    md = markdown_rows((out / "annual_report.md").read_text())
    word = word_rows(out / "annual_report.docx")
    text = pdf_text(out / "annual_report.pdf")
    for code, rating in want.items():
        badge = f"{SYMBOL[rating]} {rating}"
        assert html[code][-2] == badge, (code, html[code])
        assert md[code][-2] == badge, (code, md[code])
        assert word[code][-2].endswith(rating) and word[code][-2].split()[-1] == rating, code
        row = re.search(rf"{code} (?:High|Low) .*?(✖ Red|▲ Amber|✔ Green|Not rated: \w+)", text)
        assert row is not None and row.group(1) == badge, (code, row and row.group(0))
    assert html["MK08"][-2] == md["MK08"][-2] == "Not rated: contextual"
    m = pd.read_csv(out / "measures.csv").set_index("pi_code")
    assert m["rating"].dropna().to_dict() == want
    assert {k: (v.rating, v.rule_rating) for k, v in m.iterrows()
            if v.rating != v.rule_rating and not pd.isna(v.rule_rating)} == DISAGREE


@pytest.mark.e2e
def test_the_quarterly_report_prints_the_councils_quarter_rating(out):
    html = html_rows((out / "quarterly_q2.html").read_text())
    md = markdown_rows((out / "quarterly_q2.md").read_text())
    word = word_rows(out / "quarterly_q2.docx")
    # MK01's year to date, 80.8% against 85.0%, is Red by its own band; the council says Amber
    for rows in (html, md):
        assert rows["MK01"][4] == "▲ Amber" and rows["MK05"][4] == "▲ Amber"
    assert word["MK01"][4].split()[-1] == "Amber"
    q = pd.read_csv(out / "quarterly_q2.csv").set_index("pi_code")
    assert q["rating"].to_dict() == {"MK01": "Amber", "MK02": "Amber", "MK05": "Amber"}
    assert "2. Statistical process control" in pdf_text(out / "quarterly_q2.pdf")


@pytest.mark.e2e
def test_the_rules_disagreements_are_in_data_quality_in_every_format(out):
    with (out / "data-quality.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["pi_code"], r["severity"], r["finding"]) for r in rows] == [
        ("MK01", "note", NOTES[0]), ("MK01", "note", NOTES[1]), ("MK05", "note", NOTES[2]),
        ("MK10", "note", NOTES[3])]
    assert rows[2]["file"] == f"data/{KPI}/observations.csv" and rows[2]["line"] == "19"
    texts = {"html": " ".join(lxml.html.fromstring((out / "annual_report.html").read_text())
                              .text_content().split()),
             "pdf": pdf_text(out / "annual_report.pdf"),
             "md": " ".join((out / "annual_report.md").read_text().split()),
             "docx": " ".join(t for _, t in word_tokens(out / "annual_report.docx"))
             + " " + " ".join(c.text for t in Document(out / "annual_report.docx").tables
                              for r in t.rows for c in r.cells)}
    for fmt, text in texts.items():
        section = text[text.rindex("Data quality"):]
        for note in NOTES:
            assert note in section, (fmt, note)
        assert "notes where the council's published ratings differ from the rule's" in section


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["annual_report", "quarterly_q2"])
def test_no_finance_section_cabinet_member_or_empty_heading_in_any_format(out, name):
    html = (out / f"{name}.html").read_text()
    page = " ".join(lxml.html.fromstring(html).text_content().split())
    md = (out / f"{name}.md").read_text()
    doc = Document(out / f"{name}.docx")
    word = " ".join([p.text for p in doc.paragraphs]
                    + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    pdf = pdf_text(out / f"{name}.pdf")
    for fmt, text in (("html", page), ("md", md), ("docx", word), ("pdf", pdf)):
        for words in ABSENT:
            assert words not in text, (fmt, words)
    assert 'id="finance"' not in html and 'class="signature"' not in html
    assert empty_headings(html_tokens(html)) == []
    assert empty_headings(word_tokens(out / f"{name}.docx")) == []
    assert empty_headings(markdown_tokens(md)) == []
    if name == "annual_report":
        assert html.count('class="commentary"') == 3  # notes on three measures only
        assert re.search(r'class="commentary">\s*</div>', html) is None


@pytest.mark.e2e
def test_the_corporate_budget_says_the_scorecard_reports_no_finance(reports):
    folder = reports / "council" / "2023-24"
    sentence = ("Corporate KPIs (fictional) reports no finance (performance measures only), so "
                "it is not in the budget position.")
    for name in ("corporate_report", "corporate_q2"):
        text = pdf_text(folder / f"{name}.pdf")
        assert sentence in text, name
        assert "Budget position, 2023/24" not in text  # no table of zeros
    c = pd.read_csv(folder / "corporate.csv").set_index("pi_code")
    assert c["rating"].to_dict() == {"MK01": "Amber", "MK05": "Red", "MK10": "Green",
                                     "MK11": "Green"}


@pytest.mark.e2e
def test_the_scorecard_is_accessible(out):
    assert report_folder_problems(out) == []  # PDF/UA-1 of every PDF, reflow at 320 px
