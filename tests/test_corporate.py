"""The council's corporate report, checked against figures worked out by hand.

The fictional Ashdown District Council (tests/fixtures/fictional/ashdown) has three portfolios:
Leisure (2020/21 and 2021/22), Streets (2021/22, with Q1 and Q2 figures) and Care (2020/21).
With the council's rules (Amber up to 5% of the target off it, Stable under 1% change):

2020/21 (Streets missing)
  Leisure  LE1 pool visits 9,800 v 10,000: 200 short, within 500: Amber; up from 9,000
           LE2 class satisfaction 85.0% v 90.0%: 5.0 short, beyond 4.5: Red; down from 88.0%
           LE3 bookings online 50.0% v 60.0%: Red; up from 45.0%
  Care     CA1 assessments on time 80.0% v 90.0%: Red; down from 91.0%, which was down
           from 92.0%: getting worse for a second period running
  Budget   Leisure 2,000 cash limit, outturn 2,050 - 20 = 2,030, deficit 30, reserves 100 - 20
           Care 5,000 + 100 = 5,100, outturn 5,200 - 50 = 5,150, deficit 50, reserves 300 - 100
           Council 7,100, 7,180, 80 (1.1%), reserves 280
2021/22 (Care missing)
  Leisure  LE1 10,200: Green, up; LE2 82.0%: Red, down again from 85.0%: worse twice;
           LE3 65.0%: Green, up, and Red the year before: Red to Green
  Streets  ST1 400 v 400 Green, up from 380; ST2 98.0% Green, 97.5% before (+0.5%): Stable;
           ST3 96.0% v 95.0% Green, up from 94.0%
  Budget   Leisure 2,050 + 50 = 2,100, outturn 2,080, surplus 20; reserves 80 - 10 = 70
           Streets 3,000, outturn 2,980, surplus 20; reserves 200 - 50 = 150
           Council 5,100, 5,060, surplus 40 (0.8%), reserves 220
2021/22 Q1 and Q2 (Streets alone; Leisure publishes no quarterly reports, Care holds no 2021/22)
  Q1 ST1 90 v a pro-rata 100: Red; ST2 97.0% v 98.0%: Amber; ST3 has no quarterly figures:
     reported at year end. Budget: 3,000 cash limit, forecast 3,100, deficit 100
  Q2 ST1 90 + 95 = 185 v 200: Red, the quarter up on Q1 (95 v 90); ST2 (970 + 990) of 2,000 =
     98.0%: Green. Budget: 3,000, forecast 2,950, surplus 50
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perflib import rules
from perflib.data.council import read_council
from perflib.data.portfolio import load_portfolio
from perflib.reports import corporate_figures as cf
from perflib.reports.checks import check_all, check_council, councils_named, load_all
from perflib.spc import Options, analyse

ASHDOWN = Path(__file__).parent / "fixtures" / "fictional" / "ashdown"


@pytest.fixture
def ashdown(tmp_path, monkeypatch):
    """A scratch project whose data/ is the fictional Ashdown District Council."""
    from tests.conftest import scratch_project

    root = scratch_project(tmp_path / "project", monkeypatch, seed=False)
    shutil.copytree(ASHDOWN, root / "data")
    (root / "data" / "README.md").unlink()
    return root / "data"


def by_id(c: cf.Corporate) -> dict[str, dict]:
    return {m["measure_id"]: dict(m) for e in c.present for _, m in e.measures.iterrows()}


def test_2020_21_exceptions_and_the_missing_portfolio(ashdown):
    c = cf.load("2020/21", "", ashdown)
    assert [e.pid for e in c.entries] == ["leisure", "streets", "care"]  # Cabinet's order
    assert [(e.pid, e.missing) for e in c.entries if e.missing] == [
        ("streets", "holds no 2020/21 report (it holds 2021/22)")]
    m = by_id(c)
    assert {k: (v["rating"], v["trend"]) for k, v in m.items()} == {
        "pool_visits": (rules.AMBER, rules.BETTER), "class_satisfaction": (rules.RED, rules.WORSE),
        "online_bookings": (rules.RED, rules.BETTER),
        "assessments_on_time": (rules.RED, rules.WORSE)}
    assert m["assessments_on_time"]["exceptions"] == [cf.RED, cf.WORSE_AGAIN]
    assert m["class_satisfaction"]["exceptions"] == [cf.RED]  # 2019/20 was its first year here
    assert all(not v["improvements"] for v in m.values())


def test_2020_21_totals(ashdown):
    c = cf.load("2020/21", "", ashdown)
    n = cf.counts(c).set_index("portfolio")
    assert n.loc["Council total", ["measures", "Green", "Amber", "Red", "Not rated"]].tolist() == [
        4, 0, 1, 3, 0]
    assert n.loc["Council total", list(cf.TRENDS)].tolist() == [2, 0, 2]
    b = cf.budget(c).set_index("portfolio")
    assert b.loc["Leisure (fictional)", ["cash_limit", "outturn", "variance", "reserves"]
                 ].tolist() == [2000, 2030, 30, 80]
    assert b.loc["Care (fictional)", ["cash_limit", "outturn", "variance", "reserves"]
                 ].tolist() == [5100, 5150, 50, 200]
    total = b.loc["Council total"]
    assert total[["cash_limit", "outturn", "variance", "reserves"]].tolist() == [7100, 7180, 80, 280]
    assert round(total["variance_pct"], 2) == 1.13


def test_2021_22_worse_twice_and_red_to_green(ashdown):
    c = cf.load("2021/22", "", ashdown)
    assert [(e.pid, e.missing) for e in c.entries if e.missing] == [
        ("care", "holds no 2021/22 report (it holds 2020/21)")]
    m = by_id(c)
    assert m["class_satisfaction"]["exceptions"] == [cf.RED, cf.WORSE_AGAIN]
    assert m["online_bookings"]["improvements"] == [cf.RED_TO_GREEN]
    assert m["bins_on_time"]["trend"] == rules.STABLE
    assert [k for k, v in m.items() if v["exceptions"]] == ["class_satisfaction"]
    n = cf.counts(c).set_index("portfolio")
    assert n.loc["Council total", ["measures", "Green", "Amber", "Red"]].tolist() == [6, 5, 0, 1]
    assert n.loc["Council total", list(cf.TRENDS)].tolist() == [4, 1, 1]
    total = cf.budget(c).set_index("portfolio").loc["Council total"]
    assert total[["cash_limit", "outturn", "variance", "reserves"]].tolist() == [5100, 5060, -40,
                                                                                 220]
    assert round(total["variance_pct"], 2) == -0.78
    assert c.meta["status"] == "final" and c.meta["approved_by"] == "AB"


def test_quarters_take_the_quarterly_portfolio_alone(ashdown):
    q1, q2 = cf.load("2021/22", "Q1", ashdown), cf.load("2021/22", "Q2", ashdown)
    assert [(e.pid, e.missing) for e in q1.entries if e.missing] == [
        ("leisure", "publishes no quarterly reports"),
        ("care", "holds no 2021/22 report (it holds 2020/21)")]
    streets = q1.present[0]
    assert streets.year_end == ["Street lights working (fictional)"]
    assert {k: (v["value"], v["target"], v["rating"]) for k, v in by_id(q1).items()} == {
        "potholes_fixed": (90, 100, rules.RED), "bins_on_time": (97.0, 98.0, rules.AMBER)}
    assert {k: (v["value"], v["rating"], v["trend"]) for k, v in by_id(q2).items()} == {
        "potholes_fixed": (185, rules.RED, rules.BETTER),
        "bins_on_time": (98.0, rules.GREEN, rules.BETTER)}
    assert by_id(q2)["potholes_fixed"]["exceptions"] == [cf.RED]
    b1 = cf.budget(q1).set_index("portfolio").loc["Council total"]
    b2 = cf.budget(q2).set_index("portfolio").loc["Council total"]
    assert b1[["cash_limit", "outturn", "variance"]].tolist() == [3000, 3100, 100]
    assert b2[["cash_limit", "outturn", "variance"]].tolist() == [3000, 2950, -50]
    assert b2["reserves"] is None  # not reported at a quarter
    assert (q1.meta["status"], q2.meta["status"]) == ("final", "draft")


def test_a_quarter_of_a_portfolio_without_headline_measures_is_an_empty_table(ashdown):
    """A KPI set converted with no measure marked headline: its quarterly figures are there, so
    its second quarter's corporate report is made, with none of its measures in it (it crashed
    working out a quarter before for no measures at all)."""
    path = ashdown / "streets" / "measures.csv"
    path.write_text(path.read_text().replace(",yes,", ",no,"))
    q2 = cf.load("2021/22", "Q2", ashdown)
    assert q2.present[0].pid == "streets" and q2.present[0].measures.empty
    assert by_id(q2) == {}


def test_spc_signals_are_exceptions_and_improvements():
    base = [10.0, 12.0] * 6
    # above the upper limit (16.32) where lower is better, and a target below the lower limit
    concern = analyse(base + [16.9], "decrease", 4, baseline=12)
    assert concern.variation == "special cause concerning" and concern.assurance == "fail"
    assert cf._exceptions("", "", "", concern) == [cf.CONCERN, cf.FAIL]
    improving = analyse(base + [16.9], "increase", None, baseline=12)
    assert cf._improvements("", "", improving) == [cf.IMPROVING]


def test_the_council_and_its_settings_reach_every_portfolio(ashdown):
    c = read_council(ashdown, [], ["care", "leisure", "streets"])
    assert (c.name, c.area_code, c.portfolios) == (
        "Ashdown District Council (fictional)", "E07999001", ["leisure", "streets", "care"])
    p = load_portfolio("leisure", ashdown)
    assert p.spc == Options(shift=6, trend=7, beyond_limits=False)
    assert p.words.headline_meaning == "A measure of the fictional council plan"
    (r,) = [x for x in load_all(ashdown, "leisure", "2021/22")]
    assert r.rules["amber_tolerance"] == 0.05 and r.rules["stable_threshold"] == 0.01


def test_a_portfolio_overrides_the_council(ashdown):
    yml = ashdown / "leisure" / "portfolio.yaml"
    yml.write_text(yml.read_text() + "spc: {shift: 8}\nheadline: {meaning: Leisure's own}\n")
    rep = ashdown / "leisure" / "2021-22" / "report.yaml"
    rep.write_text(rep.read_text() + "rules: {amber_tolerance: 0.1, stable_threshold: 0.02}\n")
    p = load_portfolio("leisure", ashdown)
    assert (p.spc.shift, p.words.headline_meaning) == (8, "Leisure's own")
    (r,) = load_all(ashdown, "leisure", "2021/22")
    assert r.rules["amber_tolerance"] == 0.1


@pytest.mark.parametrize(("edit", "column", "words"), [
    (("area_code: E07999001", "area_code: Ashdown"), "area_code", "is not an ONS area code"),
    (("portfolios: [leisure, streets, care]", "portfolios: [leisure, streets, care, parks]"),
     "portfolios[3]", "'parks' is not a portfolio"),
    (("portfolios: [leisure, streets, care]", "portfolios: [leisure, streets]"), "portfolios",
     "the portfolio 'care'"),
    (("spc: {shift: 6}", "spc: {shift: six}"), "spc.shift", "is not a whole number of points"),
])
def test_council_yaml_mistakes_name_the_key_and_the_fix(ashdown, edit, column, words):
    path = ashdown / "council.yaml"
    path.write_text(path.read_text().replace(*edit))
    _, problems, _ = check_all(ashdown)
    mine = [p for p in problems if p.file == path and p.column == column]
    assert mine and words in mine[0].message and mine[0].fix


def test_portfolios_naming_two_councils_get_no_corporate_report(ashdown):
    """Without council.yaml they are not one council: no corporate report, no error."""
    (ashdown / "council.yaml").unlink()
    shutil.rmtree(ashdown / "council")
    for rep in ashdown.glob("*/20*/report.yaml"):  # the rules council.yaml gave them
        rep.write_text(rep.read_text() + "rules: {amber_tolerance: 0.05, stable_threshold: 0.01}\n")
    yml = ashdown / "care" / "portfolio.yaml"
    yml.write_text(yml.read_text().replace("Ashdown District Council", "Elsewhere Council"))
    reports = load_all(ashdown)
    assert councils_named(reports) == ["Ashdown District Council (fictional)",
                                       "Elsewhere Council (fictional)"]
    assert check_council(ashdown, reports) == ({}, [])
    assert check_all(ashdown)[1] == []


def test_the_corporate_commentary_is_checked_against_the_portfolios_figures(ashdown):
    path = ashdown / "council" / "2021-22" / "commentary.md"
    path.write_text(path.read_text() + "\n## leisure.pool_visits\nPool visits fell to 9,800.\n")
    _, problems = check_council(ashdown, load_all(ashdown))
    mine = [q for q in problems if q.file == path]
    assert {q.column for q in mine} == {"leisure.pool_visits"} and mine[0].row == 8
    assert [q.message for q in mine] == [  # last year's figure as this year's, and it rose
        "LE1: the figure is 2020/21's (9,800), but the sentence presents it as 2021/22's "
        "(10,200): '9,800' (the data says 2021/22: 10,200; 2020/21: 9,800; target 10,000)",
        "LE1: the text says the measure went down, but it did not: 'fell' (the data says "
        "Getting better: 10,200 in 2021/22 against 9,800 in 2020/21)"]


def test_without_a_council_yaml_the_corporate_cover_is_nothing_to_do(data_copy):
    own, problems = check_council(data_copy, load_all(data_copy))
    assert sorted(own) == ["2019/20", "2020/21"] and problems == []
    assert own["2020/21"].meta["status"] == "draft"


def _cover(c: cf.Corporate) -> dict[str, str]:
    from perflib.reports import corporate

    block = corporate.cover(c)[0]
    return {"draft": block.draft, **dict(block.details)}


def test_a_corporate_report_is_final_only_when_every_portfolio_report_it_takes_is(ashdown):
    year, q1 = cf.load("2021/22", "", ashdown), cf.load("2021/22", "Q1", ashdown)
    assert (year.draft, year.held_back, q1.draft, q1.held_back) == (False, [], False, [])
    assert "Status" not in _cover(year)
    from perflib.reports import corporate
    from perflib.run.execute import cover_status  # what the build log and front page take

    assert cover_status(corporate.cover(year)) == {"status": "final", "approved_by": "AB"}
    # Leisure's 2021/22 report back to draft, and Streets' Q1: each keeps its corporate one a draft
    for name, old, new in (("leisure", "status: final", "status: draft"),
                           ("streets", "approved_by: XY, status: final}",
                            "approved_by: XY, status: draft}")):
        path = ashdown / name / "2021-22" / "report.yaml"
        path.write_text(path.read_text().replace(old, new, 1))
    year, q1 = cf.load("2021/22", "", ashdown), cf.load("2021/22", "Q1", ashdown)
    assert year.meta["status"] == "final" and year.draft  # its own cover alone is not enough
    assert year.held_back == ["Leisure (fictional)"] and q1.held_back == ["Streets (fictional)"]
    assert _cover(year) == {"draft": True, "Date": "12 July 2022", "Version": "1.0",
                            "Approved by": "AB", "Period covered": "April 2021 to March 2022",
                            "Status": "Draft until the 2021/22 report of Leisure (fictional) is "
                                      "final"}
    assert _cover(q1)["Status"] == ("Draft until the Quarter 1 2021/22 report of Streets (fictional) "
                                    "is final")
    assert cover_status(corporate.cover(q1)) == {
        "status": "draft", "why": "Draft until the Quarter 1 2021/22 report of Streets (fictional) is final"}
    # the build says the same, before it runs them, from the same report.yaml files
    reports = load_all(ashdown)
    assert cf.held_back([r for r in reports if r.year == "2021/22"], "") == ["Leisure (fictional)"]
    assert cf.waiting_for("2021/22", ["A", "B", "C"]) == ("until the 2021/22 reports of A, B and C "
                                                          "are final")


def test_the_build_names_each_draft_corporate_report_and_why(ashdown, capsys):
    from perflib.run.checking import here

    path = ashdown / "leisure" / "2021-22" / "report.yaml"
    path.write_text(path.read_text().replace("status: final", "status: draft", 1))
    said: list[str] = []
    here(None, None, ashdown, said.append)
    assert [x for x in said if x.startswith("  draft       council")] == [
        "  draft       council 2020/21 corporate_report: its cover is still to be set",
        "  draft       council 2021/22 corporate_report: held back until the 2021/22 report of "
        "Leisure (fictional) is final",
        "  draft       council 2021/22 corporate_q2: its cover is a draft"]
