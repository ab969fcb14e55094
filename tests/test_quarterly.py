"""Quarters and months in the data, quarterly reports, and SPC charts in the reports.

All data here is fictional (tests/fixtures/fictional/quarterly), copied into a scratch project.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from perflib.data import periods
from perflib.data.report import rate
from perflib.errors import DataError, ParameterError
from perflib.present.blocks import Figure, Paragraph, Table, plain, walk
from perflib.present.html import render
from perflib.reports import annual, quarterly
from perflib.reports.checks import load_report
from tests.conftest import scratch_project

FIXTURE = Path(__file__).parent / "fixtures" / "fictional" / "quarterly" / "riverside"
TOO_FEW = ("Statistical process control charts need at least 12 points; no measure in this "
           "report has that many yet.")


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project whose data/ holds the fictional quarterly portfolio, to break."""
    root = scratch_project(tmp_path / "project", monkeypatch, {"riverside": FIXTURE}, seed=False)
    return root / "data"


def edit_obs(data: Path, period: str, measure: str, **values: str) -> None:
    path = data / "riverside" / "observations.csv"
    o = pd.read_csv(path, dtype=str, keep_default_na=False)
    hit = (o["period"] == period) & (o["measure_id"] == measure)
    assert hit.sum() == 1
    for col, v in values.items():
        o.loc[hit, col] = v
    o.to_csv(path, index=False)


def line_of(data: Path, period: str, measure: str) -> int:
    o = pd.read_csv(data / "riverside" / "observations.csv", dtype=str)
    return int(o.index[(o["period"] == period) & (o["measure_id"] == measure)][0]) + 2


def problems(data: Path) -> list:
    with pytest.raises(DataError) as exc:
        load_report("riverside", "2021/22")
    return exc.value.problems


# ------------------------------------------------------------------------------------ periods

def test_periods_are_years_quarters_or_months():
    assert periods.problem("2021/22") is None
    assert periods.problem("2021/22 Q4") is None
    assert periods.problem("2021/22 M12") is None
    assert "not a year (2021/22), quarter (2021/22 Q1) or month" in periods.problem("2021/22 Q5")
    assert "does not span two consecutive years" in periods.problem("2021/23")
    hint = periods.problem("2022-01")
    assert "calendar month" in hint and "'2021/22 M10'" in hint and "January" in hint
    assert periods.parse("2021/22 M05").quarter == 2
    assert sorted(["2021/22 Q2", "2020/21 Q4", "2021/22 Q1"]) == [
        "2020/21 Q4", "2021/22 Q1", "2021/22 Q2"]


def test_report_years_stay_whole_years(data):
    path = data / "riverside" / "measures.csv"
    path.write_text(path.read_text().replace("2021/22,visits", "2021/22 Q1,visits"))
    found = [p for p in problems(data) if "a report year is a whole year" in p.message]
    assert found and found[0].row == 3 and "a report year is a whole year" in found[0].message
    assert "only an observation's period may be a quarter" in found[0].fix


def test_the_annual_report_reads_only_whole_years(data):
    r = load_report("riverside", "2021/22")
    assert periods.is_year(r.observations["period"]).all()
    o = r.portfolio.observations.frame
    years_only = o[(o["report"] == "2021/22") & periods.is_year(o["period"])]
    register = r.portfolio.measures.frame
    alone = rate(register[register["year"] == "2021/22"], years_only, r.rules)
    pd.testing.assert_frame_equal(alone.drop(columns=["override_reason"]),
                                  r.measures.drop(columns=["override_reason"]))
    assert r.measures.set_index("measure_id").at["visits", "period"] == "2021/22"


# --------------------------------------------------------------------------------- validation

def test_quarters_that_do_not_add_up_to_the_year(data):
    edit_obs(data, "2020/21 Q2", "visits", value="99999")
    (p,) = [p for p in problems(data) if "add up" in p.message]
    assert p.file.name == "observations.csv" and p.column == "value"
    assert p.row == line_of(data, "2020/21", "visits")  # the year's row
    assert "the 2020/21 figure for visits" in p.message and "its quarters add up to" in p.message
    assert "discrepancy column" in p.fix


def test_a_discrepancy_note_explains_a_year_that_disagrees(data):
    edit_obs(data, "2020/21", "visits", value="40000",
             discrepancy="The published year total included a late correction.")
    r = load_report("riverside", "2021/22")  # loads: the note explains it
    notes = [b for b in walk(annual.priorities(r)) if getattr(b, "kind", "") == "dq-note"]
    assert any("late correction" in str(n.text) for n in notes)


def test_percentages_recompute_from_numerators(data):
    edit_obs(data, "2021/22", "calls_answered", numerator="9999")
    found = [p for p in problems(data) if "numerators and denominators add up" in p.message]
    assert found and found[0].row == line_of(data, "2021/22", "calls_answered")


def test_months_add_up_too(data):
    edit_obs(data, "2021/22 M07", "missed_bins", value="1")
    found = [p for p in problems(data) if "its months add up to" in p.message]
    assert found and "missed_bins" in found[0].message


def test_a_cumulative_count_that_shrinks(data):
    edit_obs(data, "2021/22 Q3", "volunteers", value="100")
    found = [p for p in problems(data) if "only grows" in p.message]
    assert found[0].row == line_of(data, "2021/22 Q3", "volunteers")
    assert "2021/22 Q3 figure (100) is less than 2021/22 Q2's" in found[0].message
    assert "set its unit to count" in found[0].fix


def test_a_quarter_beyond_the_report_year(data):
    path = data / "riverside" / "observations.csv"
    with path.open("a") as f:
        f.write("2021/22,visits,2022/23 Q1,9000,,,actual,,\n")
    found = [p for p in problems(data) if p.column == "period"]
    assert found and "2022/23 Q1 is after the report year 2021/22" in found[0].message


def test_a_quarterly_report_needs_a_declared_quarter_with_data(data):
    r = load_report("riverside", "2021/22")
    with pytest.raises(ParameterError, match="declares quarterly reports for Q1, Q2, Q3, not Q4"):
        quarterly.load(r, "Q4")
    with pytest.raises(ParameterError, match="not a quarter"):
        quarterly.load(r, "Q5")


def test_a_profile_that_does_not_end_at_the_annual_target(data):
    path = data / "riverside" / "targets.csv"
    path.write_text(path.read_text().replace("Q4,40000", "Q4,41000"))
    found = [p for p in problems(data) if p.file.name == "targets.csv"]
    assert found and "not the annual target 40,000" in found[0].message


def test_finance_quarters_must_be_numbers(data):
    path = data / "riverside" / "2021-22" / "report.yaml"
    path.write_text(path.read_text().replace("forecast_outturn: 2490", "forecast_outturn: lots"))
    found = [p for p in problems(data) if p.column == "finance_quarters.Q2.forecast_outturn"]
    assert found and "'lots' is not a number" in found[0].message


# ----------------------------------------------------------------- covers and what is listed

def report_yaml(data: Path) -> Path:
    return data / "riverside" / "2021-22" / "report.yaml"


def test_each_quarter_has_its_own_cover(data):
    r = load_report("riverside", "2021/22")
    (q1,) = quarterly.cover(quarterly.load(r, "Q1"))
    assert q1.details == [("Date", "6 September 2021"), ("Version", "1.0"), ("Approved by", "QA"),
                          ("Period covered", "April to June 2021 (the year to date)")]
    assert not q1.draft
    (q3,) = quarterly.cover(quarterly.load(r, "Q3"))
    assert ("Date", "7 March 2022") in q3.details and ("Approved by", "Not yet approved") \
        in q3.details and q3.draft  # its own draft status, though the year is final
    assert q3.document_title.startswith("DRAFT: ")
    assert "1 June 2022" not in str(q1.details)  # never the annual report's date


def test_a_quarter_without_cover_details_is_a_to_do_and_a_draft(data):
    path = report_yaml(data)
    path.write_text(path.read_text().replace('  Q2: {date: 2021-12-06, version: "1.1", '
                                             'approved_by: QB, status: final}\n', ""))
    found = problems(data)  # the year is final: its to-dos fail it
    (p,) = [p for p in found if p.column == "quarters.Q2"]
    assert p.todo and p.file.name == "report.yaml" and p.row == 30  # the quarters: line
    assert "the 2021/22 Q2 report has no date, version, approver or status yet" in p.message
    assert "quarters:" in p.fix and "Q1: {date:" in p.fix
    path.write_text(path.read_text().replace("status: final\ndate:", "status: draft\ndate:"))
    r = load_report("riverside", "2021/22")
    (cover,) = quarterly.cover(quarterly.load(r, "Q2"))
    assert cover.draft and cover.details[:3] == [
        ("Date", "To be set"), ("Version", "To be set"), ("Approved by", "Not yet approved")]


def test_a_final_quarter_needs_its_approver(data):
    path = report_yaml(data)
    path.write_text(path.read_text().replace("approved_by: QB, ", ""))
    (p,) = [p for p in problems(data) if p.column == "quarters.Q2.approved_by"]
    assert not p.todo and "a final 2021/22 Q2 report needs the approver's initials" in p.message


def test_a_quarter_cover_date_must_be_a_date(data):
    path = report_yaml(data)
    path.write_text(path.read_text().replace("date: 2021-12-06", "date: soon"))
    (p,) = [p for p in problems(data) if p.column == "quarters.Q2.date"]
    assert "'soon' is not a date" in p.message and p.row == 32


def add_annual_only_measure(data: Path) -> None:
    folder = data / "riverside"
    with (folder / "measures.csv").open("a") as f:
        f.write("2021/22,satisfaction,NS2.3,Residents satisfied with their area (fictional),2,3,"
                "Council,High,percentage,1,no,numerical,80,,\n")
    with (folder / "observations.csv").open("a") as f:
        f.write("2021/22,satisfaction,2021/22,81.0,,,actual,,\n")
    with (folder / "2021-22" / "commentary.md").open("a") as f:
        f.write("\n## satisfaction\nA fictional survey.\n")


def test_annual_only_measures_are_listed_apart_as_reported_at_year_end(data):
    add_annual_only_measure(data)
    q = quarterly.load(load_report("riverside", "2021/22"), "Q1")
    blocks = list(walk(quarterly.performance(q)))
    tables = [b for b in blocks if isinstance(b, Table)]
    measure_tables = [t for t in tables if t.cls == "quarter-table"]
    names = [plain(row[0]) for t in measure_tables for row in t.rows]
    assert names == ["NS1.1 Calls answered within 60 seconds (fictional)",
                     "NS1.2 Visits to libraries (fictional)", "NS2.1 Missed bin collections "
                     "(fictional)", "NS2.2 Volunteers recruited this year (fictional)"]
    (apart,) = [t for t in tables if t.cls == "year-end"]
    assert plain(apart.caption) == "Measures reported at year end"
    assert [[plain(c) for c in row] for row in apart.rows] == [
        ["NS2.3 Residents satisfied with their area (fictional)", "2", "High"]]
    assert "reported at year end, in the 2021/22 annual report" in render(quarterly.performance(q))
    csv = quarterly.data_files(q).files["quarterly_q1.csv"]
    assert "satisfaction" not in set(csv["measure_id"])


def test_a_declared_quarter_with_no_figures_is_named(data):
    o = data / "riverside" / "observations.csv"
    later = {"2021/22 Q3", "2021/22 Q4", *(f"2021/22 M{m:02d}" for m in range(7, 13))}
    o.write_text("".join(ln for ln in o.read_text().splitlines(keepends=True)
                         if ln.split(",")[2] not in later))
    r = load_report("riverside", "2021/22")
    assert [name for name, _ in quarterly.runs(r)] == ["quarterly_q1", "quarterly_q2"]
    assert quarterly.waiting(r) == [
        "quarterly_q3: no 2021/22 Q3 figures in observations.csv yet"]


# ------------------------------------------------------------------ year to date and trends

def test_year_to_date_against_the_profile(data):
    r = load_report("riverside", "2021/22")
    o = r.portfolio.observations.frame.set_index(["measure_id", "period"])["value"]
    m = quarterly.load(r, "Q2").measures.set_index("measure_id")
    visits = o[("visits", "2021/22 Q1")] + o[("visits", "2021/22 Q2")]
    assert m.at["visits", "value"] == visits and m.at["visits", "target"] == 20000  # profiled
    assert m.at["visits", "rating"] == ("Green" if visits >= 20000 else m.at["visits", "rating"])
    assert m.at["missed_bins", "target"] == 600  # pro rata: half of 1,200
    assert m.at["calls_answered", "target"] == 90  # a percentage keeps its annual target
    assert m.at["volunteers", "value"] == o[("volunteers", "2021/22 Q2")]  # cumulative: latest
    assert m.at["volunteers", "quarter_value"] == (o[("volunteers", "2021/22 Q2")]
                                                   - o[("volunteers", "2021/22 Q1")])


def test_rating_follows_the_rule_against_the_year_to_date_target(data):
    edit_obs(data, "2021/22 Q1", "visits", value="8000")
    edit_obs(data, "2021/22", "visits", discrepancy="Fictional: quarters edited by a test.")
    m = quarterly.load(load_report("riverside", "2021/22"), "Q1").measures.set_index("measure_id")
    assert m.at["visits", "target"] == 9000 and m.at["visits", "rating"] == "Red"  # 11% short


def test_trends_against_the_previous_quarter_and_last_year(data):
    r = load_report("riverside", "2021/22")
    o = r.portfolio.observations.frame.set_index(["measure_id", "period"])["value"]
    m = quarterly.load(r, "Q1").measures.set_index("measure_id")
    assert m.at["visits", "previous_quarter"] == "2020/21 Q4"
    assert m.at["visits", "previous_value"] == o[("visits", "2020/21 Q4")]
    assert m.at["visits", "last_year_value"] == o[("visits", "2020/21 Q1")]
    now, before = o[("visits", "2021/22 Q1")], o[("visits", "2020/21 Q4")]
    assert m.at["visits", "trend_quarter"] == ("Getting better" if now > before * 1.01 else
                                               m.at["visits", "trend_quarter"])
    bins = m.loc["missed_bins"]  # months make the quarter; Low is good
    months = sum(o[("missed_bins", f"2021/22 M0{i}")] for i in (1, 2, 3))
    assert bins["quarter_value"] == months
    expected = ("Stable" if abs(months - bins["last_year_value"]) < 0.01 * bins["last_year_value"]
                else "Getting better" if months < bins["last_year_value"] else "Getting worse")
    assert bins["trend_year"] == expected


# ------------------------------------------------------------------------------------- SPC

def test_the_seed_annual_report_says_it_has_too_few_points():
    r = load_report("cfe", "2020/21")
    (section,) = annual.spc(r)
    assert [b.text for b in section.blocks] == [TOO_FEW]


def test_charts_only_for_measures_with_enough_points(data):
    q = quarterly.load(load_report("riverside", "2021/22"), "Q1")
    blocks = list(walk(quarterly.spc(q)))
    figures = [b for b in blocks if isinstance(b, Figure)]
    assert [f.title.split(":")[0] for f in figures] == ["NS1.1", "NS1.2", "NS2.1"]
    # every point since the series began, up to the quarter reported on (monthly: to its end)
    assert [(f.data.rows[0][0], f.data.rows[-1][0], len(f.data.rows)) for f in figures] == [
        ("Quarter 1 2018/19", "Quarter 1 2021/22", 13),
        ("Quarter 1 2018/19", "Quarter 1 2021/22", 13), ("April 2020", "June 2021", 15)]
    assert [f.alt.startswith(f"XmR chart of {f.title}: {len(f.data.rows)} points from "
                             f"{f.data.rows[0][0]} to {f.data.rows[-1][0]}") for f in figures] \
        == [True] * 3
    # each chart's title once: its figure's, with no heading over it and none drawn in the image
    assert not [b for b in blocks if type(b).__name__ == "Heading"]
    sentences = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert sentences[0] == ("Statistical process control charts need at least 12 points; 1 "
                            "measure in this report has fewer, so it has none.")
    bins = next(f for f in figures if f.title.startswith("NS2.1"))
    assert bins.data.rows[-1][0] == "June 2021" and len(bins.data.rows) == 15
    words = [b for b in blocks if type(b).__name__ == "Definitions"]
    assert all(plain_items(d)[0][0] == "Variation" and plain_items(d)[1][0] == "Assurance"
               for d in words)
    # each result as an icon too: an SVG with role img and its words as its label
    from perflib.present.html import render

    html = render(words)
    assert html.count('role="img"') == 2 * len(words)
    assert 'aria-label="Target assurance:' in html and "variation" in html


def plain_items(d) -> list[tuple[str, str]]:
    from perflib.present.blocks import plain

    return [(plain(a), plain(b)) for a, b in d.items]


# ------------------------------------------------------------------------------ end to end

@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project holding only the fictional quarterly portfolio and the notebooks."""
    from tests.conftest import scratch_project

    return scratch_project(tmp_path / "project", monkeypatch, {"riverside": FIXTURE}, seed=False)


@pytest.mark.e2e
def test_one_data_set_builds_q1_mid_year_q3_and_annual_reports(scratch):
    from tests.test_build import pdf_text, run_cli

    res = run_cli("build", "--portfolio", "riverside", root=scratch)
    assert res.returncode == 0, res.stderr
    out = scratch / "reports" / "riverside" / "2021-22"
    names = sorted(p.name for p in out.iterdir())
    for stem in ("annual_report", "quarterly_q1", "quarterly_q2", "quarterly_q3"):
        for ext in (".html", ".ipynb", ".pdf", ".docx"):
            assert stem + ext in names, (stem, ext, names)
    assert "quarterly_q4.html" not in names
    assert {"measures.csv", "quarterly_q1.csv", "quarterly_q2.csv", "quarterly_q3.csv"} <= set(names)
    mid = (out / "quarterly_q2.html").read_text()
    assert "Mid-year Performance Monitoring Report 2021/22" in mid
    assert "XmR chart of NS1.1" in mid and "Variation" in mid and "Assurance" in mid
    assert "1 measure in this report has fewer, so it has none." in mid
    assert "Forecast outturn" in mid
    q3 = (out / "quarterly_q3.html").read_text()
    assert "No budget monitoring position is given for Quarter 3 2021/22." in q3
    q2 = pd.read_csv(out / "quarterly_q2.csv").set_index("measure_id")
    assert q2.at["visits", "target"] == 20000
    annual_html = (out / "annual_report.html").read_text()
    assert "Statistical process control" in annual_html and "XmR chart of NS2.1" in annual_html
    assert "2021/22 Q1 actual" not in annual_html  # the annual tables print whole years
    assert "Quarter 1 Performance Monitoring Report" in pdf_text(out / "quarterly_q1.pdf")
    # the SPC icons and charts keep the reports accessible: axe-core finds nothing
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from perflib.formats.pdf import ARGS, find_chromium

    assert mid.count('role="img"') >= 2
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        for stem in ("annual_report", "quarterly_q2"):
            page = browser.new_page()
            page.goto((out / f"{stem}.html").resolve().as_uri(), wait_until="load")
            tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
            result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags},
                                              "resultTypes": ["violations"]})
            assert [v["id"] for v in result.response["violations"]] == [], stem
            page.close()
        browser.close()
    # every quarterly and annual PDF passes the PDF/UA-1 validator; every page reflows at 320 px
    from tests.a11y import report_folder_problems

    assert report_folder_problems(out) == []


@pytest.mark.e2e
def test_each_report_says_its_own_covers_status_everywhere(scratch):
    """The year's annual report a draft, its Q1 and Q2 final and approved, its Q3 a draft.

    The front page once gave every report the year's status, so it called quarterly reports
    Draft whose covers were final and approved.
    """
    import unicodedata

    from docx import Document
    from pypdf import PdfReader

    from tests.htmltables import parse
    from tests.test_build import run_cli

    path = scratch / "data" / "riverside" / "2021-22" / "report.yaml"
    path.write_text(path.read_text().replace("status: final", "status: draft", 1))
    res = run_cli("build", "--portfolio", "riverside", "--jobs", "2", root=scratch)
    assert res.returncode == 0, res.stderr
    out = scratch / "reports" / "riverside" / "2021-22"
    log = json.loads((out / "build-log.json").read_text())
    covers = {"annual_report": ("draft", None), "quarterly_q1": ("final", "QA"),
              "quarterly_q2": ("final", "QB"), "quarterly_q3": ("draft", None)}
    assert {k: (e["status"], e.get("approved_by")) for k, e in log["notebooks"].items()} == covers
    index = (scratch / "reports" / "index.html").read_text(encoding="utf-8")
    table = next(t for t in parse(index).tables if t["caption"].endswith("reports for 2021/22"))
    assert [r[3] for r in table["rows"][1:]] == ["Draft", "Final, approved by QA",
                                                 "Final, approved by QB", "Draft"]
    for name, (status, _) in covers.items():
        draft = status == "draft"
        html = (out / f"{name}.html").read_text(encoding="utf-8")
        assert ('class="draft-banner"' in html) is draft, name
        pages = [unicodedata.normalize("NFKC", p.extract_text())  # pypdf gives 'fi' as a ligature
                 for p in PdfReader(out / f"{name}.pdf").pages]
        assert [("DRAFT: Neighbourhood Services (fictional)" in p) for p in pages] == \
            [draft] * len(pages), name  # every page's header, or none
        doc = Document(out / f"{name}.docx")
        assert doc.core_properties.title.startswith("DRAFT: ") is draft, name
        assert (doc.paragraphs[0].text == "DRAFT: not yet approved for publication.") is draft
