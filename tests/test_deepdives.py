"""Deep dives, built for real for both years: figures against the seeds, charts with alt text."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from tests.htmltables import chart_table, parse, table

pytestmark = pytest.mark.e2e
YEARS = ["2019/20", "2020/21"]
DEEP_DIVES = {"complaints": "complaints.csv", "digital_inclusion": "digital_inclusion.csv",
              "museum_visits": "museum_visits.csv"}
#: Each deep dive's CSV header (a year with no quarters has no derived quarter to mark), and the
#: title its pages carry.
HEADERS = {"complaints": "stage,measure,period,percent,number,out_of,target,report,figure_kind",
           "digital_inclusion": "report,metric,period,value,figure_kind,target,source,unit,note",
           "museum_visits": "period,value,target,report,series,derived",
           ("museum_visits", "2019/20"): "period,value,target,report,series"}
TITLES = {"complaints": "Complaints", "digital_inclusion": "Digital inclusion",
          "museum_visits": "Museum visits"}


def folder(built: Path, year: str) -> Path:
    return built / "cfe" / year.replace("/", "-")


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", list(DEEP_DIVES))
def test_built(built, year, name):
    f = folder(built, year)
    html = (f / f"{name}.html").read_text(encoding="utf-8")
    title = f"Citizen Focus and Engagement {TITLES[name]}: deep dive {year}"
    assert f"<title>{title}</title>" in html
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(f / f"{name}.pdf").pages]
    n = len(pages)
    assert [p.endswith(f"{title} Page {i} of {n}") for i, p in enumerate(pages, 1)] == [True] * n
    text = (f / DEEP_DIVES[name]).read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADERS.get((name, year), HEADERS[name])
    assert year in set(pd.read_csv(f / DEEP_DIVES[name])["report"]), "this year's figures in it"


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", list(DEEP_DIVES))
def test_every_chart_has_real_alt_text(built, year, name):
    html = (folder(built, year) / f"{name}.html").read_text(encoding="utf-8")
    doc = parse(html)
    for img in doc.images:
        alt = img.get("alt", "")
        # what kind of chart, of what, then its figures (a year or quarter and its value)
        assert re.match(r"(Bar|Line) chart of [a-z][^.]+\. \S[^:]*: [\d,.]+", alt), alt
        assert "No description has been provided" not in alt
    assert "No description has been provided" not in html
    figures = html.count("<figure")
    assert figures == len(doc.images)
    assert html.count("<caption id=\"chart-") == figures  # each with its plotted figures


def test_complaints_figures_match_the_seeds(built):
    d = pd.read_csv(folder(built, "2020/21") / "complaints.csv")
    got = {(r.stage, r.measure, r.period): (r.percent, r.number, r.out_of, r.report)
           for r in d.itertuples()}
    assert got[("Stage 1", "upheld", "2020/21")][:3] == (28.9, 26, 90)
    assert got[("Stage 2", "on time", "2020/21")][:3] == (82.4, 56, 68)
    # 2019/20 Stage 1 upheld: the 2020/21 report restated 37% of 179 as 33.9% (41 of 121)
    assert got[("Stage 1", "upheld", "2019/20")] == (33.9, 41, 121, "2020/21")
    old = pd.read_csv(folder(built, "2019/20") / "complaints.csv")
    row = old[(old["stage"] == "Stage 1") & (old["measure"] == "upheld")
              & (old["period"] == "2019/20")].iloc[0]
    assert (row.percent, row.out_of, row.report) == (37, 179, "2019/20")
    html = (folder(built, "2020/21") / "complaints.html").read_text(encoding="utf-8")
    rows = table(html, "Revised complaints figures")
    assert ["Stage 1 upheld, 2019/20", "37% (61 of 179)", "2019/20", "33.9% (41 of 121)",
            "2020/21"] in rows
    # a figure re-typed unchanged by a later report is not a revision
    for r in rows[1:]:
        assert r[1] != r[3], r
    assert "Ombudsman" in html and table(html, "Local Government and Social Care Ombudsman")


def test_complaints_chart_table_matches_chart_data(built):
    f = folder(built, "2020/21")
    d = pd.read_csv(f / "complaints.csv", dtype=str)
    html = (f / "complaints.html").read_text(encoding="utf-8")
    for what in ("upheld", "on time"):
        rows = chart_table(html, f"Complaints {what}")
        assert rows[0] == ["Stage", "Year", "Percent", "Target"]
        x = d[d["measure"] == what]
        # as the CSV and the tables print each figure, to its report's decimals (32.0%, 38%)
        expected = [[r.stage, r.period, f"{r.percent}%"] for r in x.itertuples()]
        assert [r[:3] for r in rows[1:]] == expected


def test_museum_quarters(built):
    f = folder(built, "2020/21")
    d = pd.read_csv(f / "museum_visits.csv")
    q = d[d["series"] == "visits by quarter"].set_index("period")
    assert q["value"].to_dict() == {"2020/21 Q1": 0, "2020/21 Q2": 1837, "2020/21 Q3": 1647,
                                    "2020/21 Q4": 0}
    assert q["derived"].astype(str).to_dict()["2020/21 Q3"] == "True"
    assert q["value"].sum() == 3484
    years = d[d["series"] == "visits per year"].set_index("period")["value"].to_dict()
    assert years == {"2017/18": 131379, "2018/19": 138413, "2019/20": 156557, "2020/21": 3484}
    html = (f / "museum_visits.html").read_text(encoding="utf-8")
    rows = chart_table(html, "Museum visits by quarter")
    assert rows[1:] == [["Quarter 1", "0", "No"], ["Quarter 2", "1,837", "No"],
                        ["Quarter 3", "1,647", "Yes"], ["Quarter 4", "0", "No"]]
    events = table(html, "Closures and reopenings of museum sites")
    assert [r[:2] for r in events] == [["Line", "Date"], ["1", "18 March 2020"],
                                       ["2", "early August 2020"], ["3", "late October 2020"],
                                       ["4", "early November 2020"]]
    assert "derived" in html


def test_thin_year_prints_only_what_it_has(built):
    html = (folder(built, "2019/20") / "museum_visits.html").read_text(encoding="utf-8")
    assert html.count("<figure") == 1  # the annual chart only: no empty quarterly chart
    assert "Visits by quarter" not in html and table(html, "Closures and reopenings")
    di = (folder(built, "2019/20") / "digital_inclusion.html").read_text(encoding="utf-8")
    assert "not running" not in di and "Devices and data" not in di  # absent facts: silent
    old = (folder(built, "2019/20") / "complaints.html").read_text(encoding="utf-8")
    assert "Revised" not in old  # nothing before the first report can have been revised


def test_network_lists_each_year_once(built):
    html = (folder(built, "2020/21") / "digital_inclusion.html").read_text(encoding="utf-8")
    rows = table(html, "Network and digital champions by year")[1:]
    keys = [(r[0], r[1]) for r in rows]
    assert len(keys) == len(set(keys))
    assert [(r[1], r[3]) for r in rows if r[0] == "Groups in the network"] == [
        ("2017/18", "Not applicable"), ("2018/19", "17"), ("2019/20", "19"), ("2020/21", "40")]


def test_digital_inclusion_figures(built):
    f = folder(built, "2020/21")
    d = pd.read_csv(f / "digital_inclusion.csv")
    facts = d[d["source"] == "fact"].set_index("metric")["value"]
    assert facts["lending_library_loans"] == 307
    assert (facts["lending_purpose_education"], facts["lending_purpose_mental_health_isolation"],
            facts["lending_purpose_looking_for_work"]) == (41, 40, 19)
    assert (facts["dfe_laptops_social_care"], facts["dfe_laptops_care_leavers"],
            facts["dfe_laptops_year10"]) == (429, 63, 272)
    assert facts["helpline_calls"] == 2875
    html = (f / "digital_inclusion.html").read_text(encoding="utf-8")
    assert "The counting basis changed in 2020/21" in html
    rows = chart_table(html, "People helped")
    assert rows[1:] == [["2018/19", "2,332", "Not available", "2020/21"],
                        ["2019/20", "8,425", "5,000", "2020/21"],
                        ["2020/21", "9,387", "10,000", "2020/21"]]


def _cells(html: str) -> set[str]:
    """Every table cell of a report, as printed."""
    return {c for t in parse(html).tables for r in t["rows"] for c in r}


def _printed(v: float) -> set[str]:
    """The ways a report prints a number: 1,837 / 90.8 / 90.8% / 0.46m."""
    return {f"{v:,.0f}", f"{v:,.1f}", f"{v:g}", f"{v:g}%", f"{v:.1f}%", f"{v:.0f}%", f"{v:.2f}m"}


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", list(DEEP_DIVES))
def test_every_published_figure_was_printed(built, year, name):
    """The CSV beside a deep dive holds the figures its tables printed, not a recomputation."""
    f = folder(built, year)
    cells = _cells((f / f"{name}.html").read_text(encoding="utf-8"))
    text = " ".join(cells)
    d = pd.read_csv(f / DEEP_DIVES[name])
    column = "percent" if name == "complaints" else "value"
    for v in d[column].dropna():
        assert _printed(v) & cells or any(p in text for p in _printed(v)), (name, v)


@pytest.mark.parametrize("year", YEARS)
def test_complaints_csv_rows_are_the_summary_rows(built, year):
    f = folder(built, year)
    html = (f / "complaints.html").read_text(encoding="utf-8")
    d = pd.read_csv(f / "complaints.csv")
    for what in ("upheld", "on time"):
        rows = table(html, f"Complaints {what}, by stage and year")[1:]
        x = d[d["measure"] == what]
        assert [r[0] for r in rows] == [f"{s.stage} {s.period}" for s in x.itertuples()]
        assert [r[3] for r in rows] == [f"{s.percent:g}%" for s in x.itertuples()]
        assert [r[5] for r in rows] == list(x["report"])


def test_quarters_that_add_up_to_more_than_the_year_are_named(data_copy):
    """A derived quarter below zero means the stated ones exceed the year: named, with the fix."""
    from perflib.reports.checks import check_all

    facts = data_copy / "cfe" / "facts.csv"
    facts.write_text(facts.read_text().replace(
        "2020/21,museums,visits_q2,2020/21,1837,", "2020/21,museums,visits_q2,2020/21,999999,"))
    problems = [p for p in check_all(data_copy)[1] if "quarters of museum visits" in p.message]
    assert [(p.file, p.column) for p in problems] == [(facts, "value")]
    assert problems[0].message.startswith("the 2020/21 quarters of museum visits add up to more "
                                          "than the year's ")
    assert "visits_q1..visits_q4" in problems[0].fix
