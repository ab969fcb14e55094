"""A district council's KPI set as it publishes it, from its files to every format.

The fictional Brackenfield District Council (tests/fixtures/fictional/brackenfield) holds a
measure of every unit, figures below zero, its own rating of every rated figure (three of them
judgements the rule disagrees with, one of a measure the rule cannot rate), per-measure Amber
thresholds, no finance and officers' notes on eight of its thirteen measures: stamped,
abbreviated, with rates, money context and other subjects mixed in. It must build final, its
notes must draw nothing from the checker (which must still catch a wrong figure in them), and
every format must print every rating as the council published it, every figure in its unit,
and the rule's disagreements in Data quality.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
from docx import Document

from perflib import units
from perflib.formatting import MINUS
from perflib.reports.checks import check_report
from tests.conftest import scratch_project

FIXTURE = Path(__file__).parent / "fixtures" / "fictional" / "brackenfield"
CODE = re.compile(r"BDC\d\d\b")
SYMBOL = {"Red": "✖", "Amber": "▲", "Green": "✔"}
#: The council's judgements the rule disagrees with: PI code -> (printed, the rule's).
DISAGREE = {"BDC01": ("Red", "Amber"), "BDC04": ("Amber", "Green"), "BDC08": ("Amber", "Green")}
NOTES = ["the council rates 2023/24 Red; the rule gives Amber",
         "the council rates 2023/24 Amber; the rule gives Green",
         "the council rates 2023/24 Amber; the rule gives Green"]


def published() -> dict[str, str]:
    """PI code -> the council's rating of its 2023/24 figure, as the fixture holds it."""
    m = pd.read_csv(FIXTURE / "measures.csv").set_index("measure_id")["pi_code"]
    o = pd.read_csv(FIXTURE / "observations.csv")
    year = o[(o["period"] == "2023/24") & o["published_rating"].notna()]
    return {m[r.measure_id]: r.published_rating for r in year.itertuples()}


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project whose data/ holds the fictional Brackenfield portfolio, to break."""
    root = scratch_project(tmp_path / "project", monkeypatch, {"brackenfield": FIXTURE}, seed=False)
    return root / "data"


# ----------------------------------------------------------------------------- the portfolio

def test_the_kpi_set_holds_what_a_district_council_publishes():
    m = pd.read_csv(FIXTURE / "measures.csv")
    o = pd.read_csv(FIXTURE / "observations.csv")
    assert set(m["unit"]) == set(units.NAMES)  # every unit
    assert (o["value"] < 0).sum() >= 2 and set(m.loc[m["may_be_negative"] == "yes", "unit"]) == {
        "number", "money"}
    assert m["amber_tolerance"].notna().sum() == 1 and m["amber_band"].notna().sum() == 2
    text = (FIXTURE / "portfolio.yaml").read_text()
    for setting in ("ratings: published", "finance: none", "commentary: optional"):
        assert setting in text
    assert not (FIXTURE / "overrides.csv").exists()
    assert sorted(p.name for p in (FIXTURE / "2023-24").iterdir()) == ["commentary.md",
                                                                      "report.yaml"]
    notes = (FIXTURE / "2023-24" / "commentary.md").read_text()
    assert notes.count("## ") == 8 and "240412 JE - " in notes and "CS 12/04/24 - " in notes


def test_it_checks_final_with_the_rules_disagreements_as_notes_and_nothing_else(data):
    report, problems = check_report("brackenfield", "2023/24", data)
    assert report is not None and problems == [] and report.meta["status"] == "final"
    assert [(x.pi_code, x.severity, x.finding) for x in report.findings] == [
        ("BDC01", "note", NOTES[0]), ("BDC04", "note", NOTES[1]), ("BDC08", "note", NOTES[2])]
    assert report.advice == []
    rated = report.measures.set_index("pi_code")
    assert rated["rating"].to_dict() == {**published(), "BDC13": ""}  # BDC13: contextual
    assert rated.at["BDC12", "rule_rating"] == ""  # a direction target: the rule cannot rate it


@pytest.mark.parametrize(("measure", "was", "now", "words"), [
    # last year's rate given as this year's
    ("missed_bins", "fell to {actual}, from {previous}", "fell to 452 per 100,000, from 401",
     "452 per 100,000"),
    # a quarter's figure that is another quarter's
    ("park_satisfaction", "rose to 8.1 at Q2", "rose to 7.7 at Q2", "7.7"),
    # money: last year's variance as this year's, beside the budget it is context to
    ("budget_variance", "the year at {actual}", "the year at £85k", "£85k"),
    # a quarter's backlog given as last year's
    ("planning_backlog", "(was {previous}", "(was 9 days", "9 days"),
])
def test_the_checker_still_speaks_when_a_note_is_wrong(data, measure, was, now, words):
    """Silence on the notes is not blindness: a wrong figure in them is an error."""
    path = data / "brackenfield" / "2023-24" / "commentary.md"
    text = path.read_text()
    assert was in text, was
    path.write_text(text.replace(was, now))
    _, problems = check_report("brackenfield", "2023/24", data)
    assert [(p.column, f"'{words}'" in p.message) for p in problems] == [(measure, True)]


# ------------------------------------------------------------------------------ every format

class _Text(HTMLParser):
    """The words of an HTML page a reader (or a screen reader) meets: no markup, no styles."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("style", "script")
        self.words += [v for k, v in attrs if k in ("alt", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.words.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.words).split())


def word_text(path: Path) -> str:
    doc = Document(str(path))
    return " ".join([p.text for p in doc.paragraphs]
                    + [c.text for t in doc.tables for row in t.rows for c in row.cells])


#: Printed in every format, tables and text alike (a figure, its unit, its sign).
EVERYWHERE = [f"{MINUS}28 days", "401 per 100,000 (1,203 of 300,000)", f"{MINUS}£125k", "£85k",
              "7.9 out of 10", "£1.2m", "£14.50", "8.2 days", "91.2% (1,094 of 1,200)",
              "380 per 100,000", "1.84m", "412"]
#: Printed in running text (notes and comparators), which every format keeps in order.
SENTENCES = [f"Decisions ran {MINUS}28 days against the statutory timetable",
             f"ended the year at {MINUS}£125k: an underspend",
             "fell to 401 per 100,000, from 452 per 100,000 in 2022/23",
             "Residents scored their parks 7.9 out of 10, against a target of 7.5 out of 10",
             "Sickness absence came to 8.2 days per employee over the year, against 8.5 days",
             f"England average 2023/24: 6 days; Brackenfield {MINUS}28 days",
             "Garden waste subscriptions brought in £1.2m",
             "240412 JE - Missed collections fell"]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import scratch_project
    from tests.test_build import run_cli

    root = tmp_path_factory.mktemp("district") / "project"
    with pytest.MonkeyPatch.context() as mp:
        scratch_project(root, mp, {"brackenfield": FIXTURE}, seed=False)
        res = run_cli("build", "--portfolio", "brackenfield", root=root)
    assert res.returncode == 0, res.stderr
    return root / "reports" / "brackenfield" / "2023-24"


@pytest.fixture(scope="module")
def texts(out: Path) -> dict[str, str]:
    from tests.test_build import pdf_text

    return {"html": html_text(out / "annual_report.html"),
            "markdown": " ".join((out / "annual_report.md").read_text(encoding="utf-8").split()),
            "word": word_text(out / "annual_report.docx"),
            "pdf": unicodedata.normalize("NFKC", pdf_text(out / "annual_report.pdf"))}


def _status(cells: list[str]) -> str:
    """The Status cell of a measure row: the badge's word, or 'Not rated: ...'."""
    return next(c for c in cells if re.search(r"(?:Red|Amber|Green)$|^Not rated", c))


def printed_ratings(out: Path) -> dict[str, dict[str, str]]:
    """Each format's printed status by PI code, from the measure tables (the first row a code
    has: the Data quality table, later, names codes too)."""
    from tests.test_build import pdf_text

    found: dict[str, dict[str, str]] = {"html": {}, "markdown": {}, "word": {}, "pdf": {}}
    page = lxml.html.fromstring((out / "annual_report.html").read_text())
    for tr in page.iter("tr"):
        cells = [" ".join(c.text_content().split()) for c in tr.iter("td", "th")]
        if cells and CODE.fullmatch(cells[0]):
            found["html"].setdefault(cells[0], _status(cells))
    for line in (out / "annual_report.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and CODE.fullmatch(cells[0]):
            found["markdown"].setdefault(cells[0], _status(cells))
    for t in Document(out / "annual_report.docx").tables:
        for row in t.rows:
            cells = [c.text.strip() for c in row.cells]
            if cells and CODE.fullmatch(cells[0]):
                found["word"].setdefault(cells[0], " ".join(_status(cells).split()))
    pdf = unicodedata.normalize("NFKC", pdf_text(out / "annual_report.pdf"))
    for m in re.finditer(rf"({CODE.pattern}) (?:High|Low|Not applicable) .*?"
                         r"(✖ Red|▲ Amber|✔ Green|Not rated: \w+)", pdf):
        found["pdf"].setdefault(m.group(1), m.group(2))
    return found


@pytest.mark.e2e
def test_the_kpi_set_builds_final_without_finance(out, texts):
    import json

    assert json.loads((out / "build-log.json").read_text())["status"] == "final"
    for fmt, text in texts.items():
        for words in ("Cash limit", "Earmarked reserves", "Cabinet Member", "and Resources"):
            assert words not in text, (fmt, words)


@pytest.mark.e2e
def test_every_rating_is_printed_as_the_council_published_it_in_every_format(out):
    want = published()
    assert len(want) == 12 and want["BDC12"] == "Green"  # BDC12: the rule cannot rate it
    for fmt, got in printed_ratings(out).items():
        # Word draws the badge's shape as a picture beside its word
        assert {k: v for k, v in got.items() if k in want} == {
            k: v if fmt == "word" else f"{SYMBOL[v]} {v}" for k, v in want.items()}, fmt
        assert got["BDC13"] == "Not rated: contextual", fmt
    m = pd.read_csv(out / "measures.csv").set_index("pi_code")
    assert m["rating"].dropna().to_dict() == want
    assert {k: (v.rating, v.rule_rating) for k, v in m.iterrows()
            if v.rating != v.rule_rating and not pd.isna(v.rule_rating)} == DISAGREE


@pytest.mark.e2e
def test_the_rules_disagreements_and_nothing_else_are_in_data_quality(out, texts):
    q = pd.read_csv(out / "data-quality.csv")
    assert q[["pi_code", "severity", "finding"]].values.tolist() == [
        ["BDC01", "note", NOTES[0]], ["BDC04", "note", NOTES[1]], ["BDC08", "note", NOTES[2]]]
    for fmt, text in texts.items():
        section = text[text.rindex("Data quality"):]
        for note in NOTES:
            assert note in section, (fmt, note)


@pytest.mark.e2e
def test_every_unit_prints_the_same_in_every_format(out, texts):
    from tests.a11y import report_folder_problems

    for name, text in texts.items():
        for words in SENTENCES + ([] if name == "pdf" else EVERYWHERE):
            assert words in text, (name, words)
    for words in ("−28 days", "−£125k", "£1.2m", "7.9 out of 10", "£14.50", "1.84m"):
        assert words in texts["pdf"], words  # a cell's words, however the table wraps them
    # no hyphen reads as a minus before any figure a reader meets, alt text included
    assert re.findall(r"(?<![\w/-])-\d", texts["html"]) == []
    # the published figures stay machine numbers a spreadsheet reads as numbers
    m = pd.read_csv(out / "measures.csv").set_index("measure_id")
    assert (m.at["planning_backlog", "value"], m.at["budget_variance", "value"],
            m.at["garden_waste_income", "value"], m.at["missed_bins", "value"]) == (-28, -125, 1.2,
                                                                                    401)
    assert m.at["missed_bins", "rule_rating"] == "Amber"  # 401 against 380: its own 10%
    assert ",-28," in (out / "measures.csv").read_text()
    assert report_folder_problems(out) == []  # PDF/UA-1 and reflow with minus signs and £


def test_a_comparator_no_report_can_print_is_advice_to_the_analyst(data, capsys):
    """Neighbours' figures for a measure with no polarity and no national figure are held but
    can be neither ranked nor compared: perflib check says so, and nothing is published."""
    from perflib.cli import main

    metrics = data / "brackenfield" / "comparators" / "metrics.csv"
    metrics.write_text(metrics.read_text() + "leisure_spend_per_head,leisure_fictional,,\n")
    report, problems = check_report("brackenfield", "2023/24", data)
    assert report is not None and problems == []
    assert [(x.severity, x.pi_code, x.finding, x.fix) for x in report.advice] == [(
        "advice", "BDC13", "leisure_fictional is compared with leisure_spend_per_head, which has "
        "no national figure and no polarity to rank the neighbours by, so no report prints it",
        "give the metric a national_code and national_label, or the measure a polarity (High or "
        "Low) in measures.csv")]
    assert all(x.severity == "note" for x in report.findings)
    assert main(["check"]) == 0
    assert f"  - advice: {metrics}, row 4: BDC13: leisure_fictional" in capsys.readouterr().err
