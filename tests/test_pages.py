"""Pages as a committee expects: the council's words, no heading over nothing, figures alike.

The fast tests read the blocks a report makes; the e2e tests build the seed's and every fictional
fixture's reports for real (papermill, Chromium) and read each PDF page by page
(:mod:`tests.pagecheck`): no page ends on a heading or a caption, no page carries the tool's
name, "CL" or a period code, and the small council's corporate report fits on fewer pages than
it has sections.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from perflib.data import periods
from perflib.present.blocks import Figure, Heading, Table, plain, walk
from perflib.reports import annual, complaints
from perflib.reports.checks import load_report
from perflib.spc import rule_words, xmr
from tests.pagecheck import empty_headings, orphan_problems, pages, wording_problems

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"


@pytest.mark.parametrize("label,words", [
    ("2022/23 M01", "April 2022"), ("2022/23 M09", "December 2022"), ("2022/23 M10",
                                                                      "January 2023"),
    ("2022/23 M12", "March 2023"), ("2022/23 Q1", "Quarter 1 2022/23"), ("Q3", "Quarter 3"),
    ("2022/23", "2022/23"), ("not a period", "not a period")])
def test_a_period_is_printed_in_words(label, words):
    assert periods.words(label) == words


def test_every_spc_rule_is_said_in_words():
    below = xmr([10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11, 9, 8, 9, 8, 9, 8, 9], "increase")
    above = xmr([8, 12, 9, 11, 8, 12, 10, 9, 11, 8, 11, 12, 11, 12, 11, 12, 11, 12, 11], "increase")
    rising = xmr([10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11, 1, 2, 3, 4, 5, 6, 7], "increase")
    said = {r: rule_words(r) for f in (below, above, rising) for r in f["rule"]}
    assert said["7 Points Below CL"] == "7 points in a row below the average"
    assert said["7 Points Above CL"] == "7 points in a row above the average"
    assert rule_words("7 Point Trend (Increasing)") == "7 points in a row each rising"
    assert rule_words("6 Point Trend (Decreasing)") == "6 points in a row each falling"
    assert rule_words("Above UCL") == "above the upper process limit"
    assert rule_words("Below LCL") == "below the lower process limit"
    assert rule_words("2 in 3 Below CL") == "2 of 3 points near the lower process limit"
    assert not [w for w in said.values() if "CL" in w.split() or "Points" in w]


@pytest.fixture
def project(data_copy: Path) -> Path:
    """The seed and the fictional Fernvale (with every deep dive) in a scratch project."""
    shutil.copytree(FIXTURES / "fernvale", data_copy / "fernvale")
    return data_copy


def ombudsman_table(portfolio: str, year: str) -> Table:
    blocks = list(walk(complaints.ombudsman(complaints.compute(load_report(portfolio, year)))))
    (table,) = [b for b in blocks if isinstance(b, Table)]
    return table


def test_the_ombudsman_is_the_portfolios_own(project):
    default = ombudsman_table("fernvale", "2021/22")
    assert plain(default.caption) == "Local Government and Social Care Ombudsman decisions"
    yaml = project / "fernvale" / "portfolio.yaml"
    yaml.write_text(yaml.read_text() + "ombudsman: Housing Ombudsman\n")
    table = ombudsman_table("fernvale", "2021/22")
    assert plain(table.caption) == "Housing Ombudsman decisions"
    assert "Complaints upheld by the Housing Ombudsman" in {plain(row[0]) for row in table.rows}
    assert "Local Government" not in " ".join(plain(c) for row in table.rows for c in row)


def test_a_heading_is_never_printed_over_nothing(project):
    path = project / "cfe" / "2020-21" / "report.yaml"
    r = load_report("cfe", "2020/21")
    headings = [plain(b.text) for b in walk(annual.finance(r)) if isinstance(b, Heading)]
    assert "Budget changes" in headings  # the seed gives its note
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith("budget_change_note"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    path.write_text("".join(lines[:start] + lines[end:]))
    r = load_report("cfe", "2020/21")
    headings = [plain(b.text) for b in walk(annual.finance(r)) if isinstance(b, Heading)]
    assert "Budget changes" not in headings and "Outturn position" in headings


def test_the_report_speaks_for_the_council_not_the_tool(project):
    for year in ("2019/20", "2020/21"):
        text = " ".join(plain(b.text) for b in walk(annual.data_quality(load_report("cfe", year)))
                        if hasattr(b, "text") and not isinstance(b, Heading))
        assert "perflib" not in text
        assert text.startswith("Each figure and claim in this report")


def test_a_chart_labels_each_figure_as_its_table_prints_it(project):
    d = complaints.compute(load_report("fernvale", "2021/22"))
    summary = [b for b in walk(complaints.summary(d)) if isinstance(b, Table)]
    printed = {(plain(row[0]), plain(row[3])) for t in summary for row in t.rows}
    charts = [b for b in walk(complaints.trends(d)) if isinstance(b, Figure)]
    assert charts
    plotted = {(f"{plain(row[0])} {plain(row[1])}", plain(row[2]))
               for f in charts for row in f.data.rows}
    assert plotted <= printed  # "Stage 1 2019/20", "38%" in both; never 38.0% beside 38%
    assert any(not figure.endswith(".0%") for _, figure in plotted)


# --- the built reports, page by page --------------------------------------------------------


@pytest.fixture(scope="module")
def built_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every report of the seed and the fictional fixtures, and of the small council, built."""
    from perflib.run.build import build
    from tests.conftest import scratch_project

    out = []
    seed = tmp_path_factory.mktemp("pages") / "project"
    with pytest.MonkeyPatch.context() as mp:
        scratch_project(seed, mp, {"parks": FIXTURES / "parks", "housing": FIXTURES / "housing",
                                   "fernvale": FIXTURES / "fernvale",
                                   "riverside": FIXTURES / "quarterly" / "riverside"})
        assert build(jobs=2).failed == []
    out.append(seed / "reports")
    small = tmp_path_factory.mktemp("ashdown") / "project"
    with pytest.MonkeyPatch.context() as mp:
        scratch_project(small, mp, seed=False)
        shutil.copytree(FIXTURES / "ashdown", small / "data")
        (small / "data" / "README.md").unlink()
        assert build(jobs=2).failed == []
    out.append(small / "reports")
    return out


def pdfs(roots: list[Path]) -> list[Path]:
    return sorted(p for root in roots for p in root.glob("*/*/*.pdf") if p.parent.parent.name
                  != ".versions")


@pytest.mark.e2e
def test_no_page_ends_on_a_heading_or_a_caption(built_pages):
    found = pdfs(built_pages)
    assert len(found) >= 25  # every kind of report, the fixtures' and the small council's
    assert [p for pdf in found for p in orphan_problems(pdf, pdf.with_suffix(".html"))] == []
    assert [p for pdf in found for p in empty_headings(pdf.with_suffix(".html"))] == []


@pytest.mark.e2e
def test_every_page_is_in_the_councils_words(built_pages):
    assert [p for pdf in pdfs(built_pages) for p in wording_problems(pdf)] == []


@pytest.mark.e2e
def test_a_small_councils_corporate_report_shares_its_pages(built_pages):
    pdf = built_pages[1] / "council" / "2021-22" / "corporate_report.pdf"
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    sections = html.count("<section")
    assert sections == 5
    assert len(pages(pdf)) < sections  # cover and all: fewer pages than sections


@pytest.mark.e2e
def test_a_cover_title_is_in_one_type_size(built_pages):
    pdf = built_pages[1] / "council" / "2021-22" / "corporate_report.pdf"
    sizes: dict[str, set[float]] = {}

    def seen(text, cm, tm, font, size):
        for word in text.split():
            sizes.setdefault(word, set()).add(round(size * tm[0], 1))

    PdfReader(pdf).pages[0].extract_text(visitor_text=seen)
    title = ["Council-wide", "Corporate", "Performance", "Report"]
    # the title's words are printed large once each (and small in the running header)
    large = {w: {s for s in sizes[w] if s > 14} for w in title}
    assert all(large.values()) and len(set().union(*large.values())) == 1, large
