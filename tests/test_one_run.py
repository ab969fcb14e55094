"""``perflib check`` in one run: every problem of every stage, and no crash on half-made years.

All the changed data is in scratch copies of the project; the figures written into them are
fictional (tests/fixtures/fictional/cfe-2021-22).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from perflib.reports.checks import check_all, load_report
from tests.conftest import edit
from tests.test_build import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"
OBS = "cfe/observations.csv"



def messages(data: Path) -> list[str]:
    _, problems, _ = check_all(data)
    return [str(p) for p in problems]


def test_every_problem_of_every_stage_in_one_run(data_copy):
    """Six field errors, an override equal to the rule and a stated total that does not add up."""
    d = data_copy / "cfe"
    y = d / "2020-21"
    edit(d / "observations.csv", "2020/21,museum_visits,2020/21,3484,",
         "2020/21,museum_visits,2020/21,lots,")                                    # 1
    edit(d / "observations.csv", "2020/21,digital_champions,2019/20,",
         "2020/21,digital_champions,2019-20,")                                     # 2
    edit(y / "report.yaml", "date: 2021-06-07", "date: June 2021")                 # 3
    edit(y / "engagement.csv", "Stakeholder workshops on the vision and values,1",
         "Stakeholder workshops on the vision and values,1.5")                    # 4
    edit(y / "responses.csv", "Marple Leisure and Community Hub,385",
         "Marple Leisure and Community Hub,many")                                  # 5
    edit(y / "savings.csv", "Green", "Gren")                                       # 6
    with (d / "overrides.csv").open("a", encoding="utf-8") as f:
        f.write('2020/21,calls_answered,Green,"Published as Green."\n')           # the rule's own
    edit(y / "report.yaml", "outturn: 5282", "outturn: 5999")                      # does not add up
    got = messages(data_copy)
    for words in ("'lots' is not a number", "'2019-20' is not a period", "'June 2021' has the wrong type",
                  "'1.5' is not a whole number", "'many' is not a number", "'Gren' is not one of",
                  "Green is what the rule gives already", "states 5999 but the figures add up to 5282"):
        assert sum(words in m for m in got) == 1, (words, [m for m in got if words in m])
    # what could not be judged on broken figures says so in one line each, never a false error
    assert sum("the stated savings totals were not checked, because savings.csv has errors" in m
               for m in got) == 1
    assert sum("the commentary of digital_champions, museum_visits was not checked" in m
               for m in got) == 1
    for year in ("2019/20", "2020/21"):  # what each year's report kinds check of their own
        assert sum(f"the checks the museum_visits reports make of their own {year} data "
                   "were not run, because the portfolio's files have errors" in m
                   for m in got) == 1
    assert not any("3,484" in m for m in got)  # museum_visits' text is not read against 'lots'


def test_a_year_without_report_yaml_says_what_it_could_not_check(data_copy):
    (data_copy / "cfe" / "2020-21" / "report.yaml").unlink()
    got = messages(data_copy)
    assert any("report.yaml" in m and "missing" in m for m in got)
    assert any(m.startswith(str(data_copy / "cfe" / "2020-21") + ": ratings, trends, finance "
                            "totals and commentary were not checked") for m in got)


# ---------------------------------------------------------------- half-made years

def test_a_register_measure_with_no_figure_for_the_report_is_a_to_do(data_copy):
    path = data_copy / OBS
    rows = path.read_text().splitlines(keepends=True)
    path.write_text("".join(r for r in rows if not r.startswith("2020/21,cultural_engagements,")))
    _, problems, _ = check_all(data_copy)
    (p,) = [p for p in problems if "cultural_engagements" in p.message]
    assert p.todo and p.file == path and p.column == "measure_id"
    assert p.message == "the 2020/21 report holds no figure for cultural_engagements"
    assert "figure_kind not available" in p.fix
    edit(data_copy / "cfe" / "2020-21" / "report.yaml", "date:", "status: draft\ndate:")
    r = load_report("cfe", "2020/21", data_copy)  # a draft builds with it on its to-do list
    f = r.figures["cultural_engagements"]
    assert (f.year, f.value, f.previous_year) == ("2020/21", None, "")


def test_a_measure_with_no_previous_figure_loads_without_a_trend(data_copy):
    path = data_copy / OBS
    rows = path.read_text().splitlines(keepends=True)
    path.write_text("".join(r for r in rows
                            if not r.startswith(("2020/21,engagement_initiatives,2018/19",
                                                 "2020/21,engagement_initiatives,2019/20"))))
    r = load_report("cfe", "2020/21", data_copy)
    f = r.figures["engagement_initiatives"]
    assert (f.value, f.previous, f.previous_year, f.trend) == (32.0, None, "", "")
    assert not [x for x in r.findings if x.measure_id == "engagement_initiatives"]


def test_a_measure_whose_only_figures_are_older_than_the_report_is_read_as_lagged(data_copy):
    path = data_copy / OBS
    rows = path.read_text().splitlines(keepends=True)
    path.write_text("".join(r for r in rows if not r.startswith("2020/21,cultural_engagements,2018")))
    edit(data_copy / "cfe" / "2020-21" / "commentary.md", "The latest figure, for 2018/19, is "
         "460,000 engagements (0.46m), 117.8% more than in 2017/18",
         "The latest figure, for 2017/18, is 0.21m")
    r = load_report("cfe", "2020/21", data_copy)
    f = r.figures["cultural_engagements"]
    assert (f.year, f.value, f.report_year) == ("2017/18", 0.21, "2020/21")
    assert not [x for x in r.findings if x.measure_id == "cultural_engagements"]


# ---------------------------------------------------------------- a year copied forward by hand

def copy_forward_by_hand(root: Path) -> Path:
    """2021/22 made the way an analyst might without ``new-year``: 2020/21's register rows, its
    last two years of figures and its whole folder copied, the new figures and targets typed in,
    and one lagged measure (cultural engagements) left with no figure at all."""
    d = root / "data" / "cfe"
    fig = pd.read_csv(FIXTURES / "cfe-2021-22" / "figures.csv", dtype=str,
                      keep_default_na=False).set_index("measure_id")
    m = pd.read_csv(d / "measures.csv", dtype=str, keep_default_na=False)
    new = m[m["year"] == "2020/21"].assign(year="2021/22")
    numerical = new["target_type"] == "numerical"
    new.loc[numerical, "target"] = new.loc[numerical, "measure_id"].map(fig["target"])
    pd.concat([m, new]).to_csv(d / "measures.csv", index=False)
    o = pd.read_csv(d / "observations.csv", dtype=str, keep_default_na=False)
    carried = o[(o["report"] == "2020/21") & o["period"].isin(["2019/20", "2020/21"])
                & (o["measure_id"] != "cultural_engagements")].assign(report="2021/22")
    typed = pd.DataFrame([{"report": "2021/22", "measure_id": mid, "period": "2021/22",
                           "value": row["value"], "numerator": row["numerator"],
                           "denominator": row["denominator"], "figure_kind": "actual"}
                          for mid, row in fig.iterrows() if mid != "cultural_engagements"])
    pd.concat([o, carried, typed]).fillna("").to_csv(d / "observations.csv", index=False)
    shutil.copytree(d / "2020-21", d / "2021-22")
    edit(d / "portfolio.yaml", '  - "2020/21"\n', '  - "2020/21"\n  - "2021/22"\n')
    return d


#: Measures whose copied text opens with the 2020/21 figure as if it were this year's.
QUOTES_LAST_YEAR = {
    "foi_on_time": "1,014 of 1,117", "complaints_s1_upheld": "26 of 90",
    "complaints_s2_upheld": "19 of 61", "complaints_s1_on_time": "80 of 90",
    "complaints_s2_on_time": "56 of 68", "calls_answered": "167,313 of 187,288",
    "digital_contacts": "2,260,047 of 2,506,774", "births_on_time": "2,562 of 3,452",
    "deaths_on_time": "1,798 of 2,205", "digital_inclusion_people": "9,387",
    "digiknow_groups": "40", "digital_champions": "There were 32", "museum_visits": "3,484",
}


def test_a_year_copied_forward_by_hand_gets_an_error_for_every_stale_measure(tmp_path, monkeypatch):
    from tests.conftest import scratch_project

    root = scratch_project(tmp_path / "project", monkeypatch)
    d = copy_forward_by_hand(root)
    res = run_cli("check", root=root)
    assert res.returncode == 2, res.stderr
    assert "unexpected" not in res.stderr and "Traceback" not in res.stderr
    _, problems, _ = check_all(root / "data")
    text = d / "2021-22" / "commentary.md"
    errors = [p for p in problems if p.file == text and not p.todo]
    for mid, words in QUOTES_LAST_YEAR.items():
        mine = [p for p in errors if p.column == mid and f"'{words}'" in p.message]
        assert mine, (mid, [str(p) for p in errors if p.column == mid])
        assert "is 2020/21's" in mine[0].message and "presents it as 2021/22's" in mine[0].message
        assert mine[0].row and f"## {mid}" in text.read_text().splitlines()[mine[0].row - 2]
    assert any(p.column == "engagement_initiatives" and "names 2020/21 as the year reported on"
               in p.message for p in errors)
    (lagged,) = [p for p in problems if "cultural_engagements" in p.message]
    assert lagged.todo and "holds no figure" in lagged.message
    # the seed years are untouched by the copy: no problem names them
    assert not [p for p in problems if "2019-20" in str(p.file) or "2020-21" in str(p.file)]


@pytest.mark.parametrize("year", ["2019/20", "2020/21"])
def test_the_seed_years_check_with_no_error(year):
    r = load_report("cfe", year)
    assert not [x for x in r.findings if x.severity == "error"]


def test_figures_carry_every_period_the_report_holds_quarters_too(tmp_path, monkeypatch):
    from perflib.data import claims
    from tests.conftest import scratch_project

    root = scratch_project(tmp_path / "project", monkeypatch, seed=False, portfolios={
        "riverside": FIXTURES / "quarterly" / "riverside"})
    f = load_report("riverside", "2021/22", root / "data").figures["calls_answered"]
    assert f.periods["2021/22 Q2"] == claims.PeriodFigure(87.3, 2663, 3051, "actual")
    assert f.periods["2019/20"] == claims.PeriodFigure(87.4, 11042, 12632, "actual")
    assert claims.check("At Quarter 2, 87.3% of calls were answered.", f) == []
    (x,) = claims.check("At Quarter 2, 86.1% of calls were answered.", f)
    assert x.finding.startswith("the figure is 2021/22 Q1's (86.1% (2,569 of 2,983)), but the "
                                "sentence presents it as 2021/22 Q2's (87.3% (2,663 of 3,051))")
    assert claims.check("In Quarter 3 of 2019/20, 89.4% were answered.", f) == []


def test_an_unclosed_brace_in_commentary_is_a_data_error_naming_its_line(data_copy):
    path = data_copy / "cfe" / "2020-21" / "commentary.md"
    edit(path, "1,014 of 1,117 requests (90.8%)", "{numerator of 1,117 requests (90.8%)")
    _, problems, _ = check_all(data_copy)
    (p,) = [p for p in problems if p.file == path]
    assert (p.row, p.todo) == (2, False)
    assert p.message == "'{numerator' opens a placeholder that is never closed"
    assert "{{ for a literal brace" in p.fix
