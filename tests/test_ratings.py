"""Whose rating a report prints, and each measure's own Amber threshold.

The fictional Millbrook District Council's KPI scorecard (tests/fixtures/fictional/kpi_published)
says ``ratings: published``. With the year's Amber tolerance of 5% and the measures' own bands:

  MK01 82.0% v 85.0%, own band 2.5 points: 3.0 short, Red by the rule; published Amber
       Q2 year to date 2,020 of 2,500 = 80.8%: Red by the rule; published Amber
  MK05 1,250 v 1,200 (Low), own tolerance 10%: 50 over, within 120: Amber; published Red
       Q2 year to date 300 + 320 = 620 v a pro-rata 600: within 60: Amber; published Amber
  MK07 47.5% v 50.0%, own band 2.5 points: exactly on the band, Amber; published Amber
  MK10 68.0% v 70.0%: 2.0 short, within 3.5: Amber; published Green
  MK11 a direction, no numerical target: the rule does not rate it; published Green
  MK08 contextual, no published rating: not rated
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from perflib import rules
from perflib.data import ratings
from perflib.data.options import ReportOptions
from perflib.errors import DataError
from perflib.present import sections
from perflib.present.blocks import Span, plain
from perflib.reports import quarterly
from perflib.reports.checks import check_report, load_report
from tests.conftest import edit

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"
KPI = "kpi_published"
YEAR = "2023/24"



def problems_of(data: Path) -> list[tuple[str, int | None, str | None, str]]:
    _, found = check_report(KPI, YEAR, data)
    return [(p.file.name, p.row, p.column, p.message) for p in found]


def by_code(r) -> pd.DataFrame:
    return r.measures.set_index("pi_code")


# ---------------------------------------------------------------------- the printed rating

def test_published_ratings_are_printed_with_the_rules_beside_them():
    r = load_report(KPI, YEAR, FIXTURES)
    m = by_code(r)
    assert m["rating"].to_dict() == {
        "MK01": "Amber", "MK02": "Amber", "MK03": "Green", "MK04": "Amber", "MK05": "Red",
        "MK06": "Green", "MK07": "Amber", "MK08": "", "MK09": "Green", "MK10": "Green",
        "MK11": "Green", "MK12": "Green"}
    assert m["rating"].to_dict() == {k: v or "" for k, v in m["published_rating"].items()}
    assert {k: v for k, v in m["rule_rating"].items() if v != m.at[k, "rating"]} == {
        "MK01": "Red", "MK05": "Amber", "MK10": "Amber", "MK11": ""}
    assert (m["override_reason"] == "").all()  # no override: the council's rating, as given


def test_a_published_rating_of_a_measure_the_rule_does_not_rate_is_printed():
    m = by_code(load_report(KPI, YEAR, FIXTURES)).loc["MK11"]
    assert (m.target_type, m.rule_rating, m.rating) == ("direction", "", "Green")
    assert sections.rating_cell(m) == [Span("badge", "Green")]


def test_each_disagreement_is_a_data_quality_note_not_an_error():
    r = load_report(KPI, YEAR, FIXTURES)
    found = [(x.severity, x.pi_code, x.finding, x.line) for x in r.findings]
    assert found == [
        ("note", "MK01", "the council rates 2023/24 Amber; the rule gives Red", 3),
        ("note", "MK01", "the council rates 2023/24 Q2 Amber; the rule gives Red", 5),
        ("note", "MK05", "the council rates 2023/24 Red; the rule gives Amber", 19),
        ("note", "MK10", "the council rates 2023/24 Green; the rule gives Amber", 33)]
    says = {x.finding: x.data_says for x in r.findings}
    assert says["the council rates 2023/24 Red; the rule gives Amber"] == (
        "1,250 against a target of 1,200; the rule gives Amber (its own Amber band, up to 10% "
        "worse than target)")
    assert says["the council rates 2023/24 Q2 Amber; the rule gives Red"] == (
        "year to date 80.8% (2,020 of 2,500) against a target to date of 85.0%; the rule gives "
        "Red (its own Amber band, up to 2.5 percentage points worse than target)")


def test_the_quarterly_report_prints_the_quarters_published_rating():
    q = quarterly.load(load_report(KPI, YEAR, FIXTURES), "Q2")
    m = q.measures.set_index("pi_code")
    assert m.loc[["MK01", "MK02", "MK05"], ["rule_rating", "rating"]].to_dict("index") == {
        "MK01": {"rule_rating": "Red", "rating": "Amber"},
        "MK02": {"rule_rating": "Amber", "rating": "Amber"},
        "MK05": {"rule_rating": "Amber", "rating": "Amber"}}


def test_a_figure_without_a_published_rating_prints_the_rules_with_a_note(kpi):
    edit(kpi / KPI / "observations.csv", "2023/24,missed_bins,2023/24,1250,,,actual,,,Red",
         "2023/24,missed_bins,2023/24,1250,,,actual,,,")
    r = load_report(KPI, YEAR, kpi)
    m = by_code(r).loc["MK05"]
    assert (m.published_rating, m.rule_rating, m.rating) == ("", "Amber", "Amber")
    note = next(x for x in r.findings if x.pi_code == "MK05")
    assert (note.severity, note.finding, note.line) == (
        "note", "no published rating for 2023/24: the rule's Amber is printed", 19)
    assert "published_rating" in note.fix


def test_under_the_default_rule_a_published_rating_in_observations_is_refused(kpi):
    edit(kpi / KPI / "portfolio.yaml", "ratings: published\n", "")
    (kpi / KPI / "overrides.csv").write_text("year,measure_id,published_rating,reason\n")
    found = problems_of(kpi)
    assert ("observations.csv", 2, "published_rating",
            "is Red, but portfolio.yaml says ratings: rule (the default), so the rule rates every "
            "figure") in found
    assert len([f for f in found if f[2] == "published_rating"]) == 15  # every rated row


def test_under_the_default_rule_overrides_csv_is_still_needed(kpi):
    edit(kpi / KPI / "portfolio.yaml", "ratings: published\n", "")
    found = problems_of(kpi)
    assert ("overrides.csv", None, None, "the file is missing") in found


def test_under_published_overrides_csv_may_be_absent_and_a_row_in_it_is_refused(kpi):
    assert not (kpi / KPI / "overrides.csv").exists()
    assert problems_of(kpi) == []
    (kpi / KPI / "overrides.csv").write_text("year,measure_id,published_rating,reason\n"
                                             "2023/24,missed_bins,Red,A judgement\n")
    _, found = check_report(KPI, YEAR, kpi)
    assert [(p.row, p.column, p.message, p.fix) for p in found if p.row] == [
        (2, "published_rating", "overrides.csv is read under ratings: rule, but portfolio.yaml "
         "says ratings: published", "write the rating in observations.csv's published_rating "
         "column, on the figure's row, and delete this row (no reason is needed)")]


@pytest.mark.parametrize(("text", "message"), [
    ("ratings: council", "'council' is not one of rule, published"),
    ("ratings: yes", "'yes' is not one of rule, published"),
    ("finance: no", "'no' is not one of full, none"),
    ("commentary: sometimes", "'sometimes' is not one of required, optional"),
])
def test_a_setting_must_be_one_of_its_values(kpi, text, message):
    key = text.split(":")[0]
    edit(kpi / KPI / "portfolio.yaml", f"{key}: ", f"{text}\n# {key}: ")
    _, found = check_report(KPI, YEAR, kpi)
    hit = [p for p in found if p.column == key]
    assert [p.message for p in hit] == [message]
    assert hit[0].row is not None and "or leave it out for" in hit[0].fix


# ---------------------------------------------------------------------- own thresholds

@pytest.mark.parametrize(("value", "target", "polarity", "band", "expected"), [
    # an absolute band: exactly on it is Amber, a hair beyond it Red, both polarities
    (82.5, 85.0, "High", 2.5, rules.AMBER),
    (82.49, 85.0, "High", 2.5, rules.RED),
    (85.0, 85.0, "High", 2.5, rules.GREEN),
    (12.5, 10.0, "Low", 2.5, rules.AMBER),
    (12.51, 10.0, "Low", 2.5, rules.RED),
    (10.0, 10.0, "Low", 2.5, rules.GREEN),
    # a band of 0: anything worse than target is Red
    (84.99, 85.0, "High", 0.0, rules.RED),
    # a count's band, in its own unit
    (1130, 1200, "High", 70, rules.AMBER),
    (1129, 1200, "High", 70, rules.RED),
    (1270, 1200, "Low", 70, rules.AMBER),
    (1271, 1200, "Low", 70, rules.RED),
])
def test_an_amber_band_at_its_boundary(value, target, polarity, band, expected):
    assert rules.rag([value], [target], [polarity], band=band).tolist() == [expected]


@pytest.mark.parametrize(("value", "target", "polarity", "share", "expected"), [
    (1080, 1200, "High", 0.10, rules.AMBER),  # exactly 10% of the target short
    (1079, 1200, "High", 0.10, rules.RED),
    (1320, 1200, "Low", 0.10, rules.AMBER),  # exactly 10% over
    (1321, 1200, "Low", 0.10, rules.RED),
])
def test_a_measures_own_tolerance_at_its_boundary(value, target, polarity, share, expected):
    m = pd.DataFrame({"value": [value], "target": [target], "polarity": [polarity],
                      "category": ["Council"], "target_type": ["numerical"],
                      "amber_tolerance": [share], "amber_band": [float("nan")]})
    assert rules.rate(m, 0.05).tolist() == [expected]  # the year's 5% would say Red or Amber


def test_the_measures_threshold_comes_before_the_years():
    # 1,100 against 1,200 is 8.3% short: Red by the year's 5%, Amber by a measure's 10% or a
    # band of 100; a measure with neither takes the year's
    m = pd.DataFrame({"value": [1100.0] * 3, "target": [1200.0] * 3, "polarity": ["High"] * 3,
                      "category": ["Council"] * 3, "target_type": ["numerical"] * 3,
                      "amber_tolerance": [0.10, None, None], "amber_band": [None, 100.0, None]})
    assert rules.rate(m, 0.05).tolist() == [rules.AMBER, rules.AMBER, rules.RED]
    without = m.drop(columns=["amber_tolerance", "amber_band"])  # a register without them
    assert rules.rate(without, 0.05).tolist() == [rules.RED] * 3


def test_a_year_without_rules_takes_the_councils_then_each_measure_its_own(kpi):
    report = kpi / KPI / "2023-24" / "report.yaml"
    edit(report, "rules:\n  amber_tolerance: 0.05\n  stable_threshold: 0.01\n", "")
    (kpi / "council.yaml").write_text(
        "council: Millbrook District Council (fictional)\narea_code: E07999002\n"
        f"portfolios: [{KPI}]\nrules: {{amber_tolerance: 0.02, stable_threshold: 0.01}}\n")
    m = by_code(load_report(KPI, YEAR, kpi))
    # MK10 68.0 v 70.0 is 2.9% short: Red by the council's 2%, where the year's 5% gave Amber;
    # MK05 keeps its own 10%, MK07 its own band of 2.5 points
    assert m.loc[["MK10", "MK05", "MK07"], "rule_rating"].tolist() == [
        rules.RED, rules.AMBER, rules.AMBER]


def test_both_thresholds_on_one_measure_is_an_error_naming_both(kpi):
    edit(kpi / KPI / "measures.csv", "1200,,,0.1,", "1200,,,0.1,50")
    found = problems_of(kpi)
    assert ("measures.csv", 6, "amber_band",
            "both amber_tolerance (0.1) and amber_band (50) are given for missed_bins") in found
    _, problems = check_report(KPI, YEAR, kpi)
    fix = next(p.fix for p in problems if p.column == "amber_band")
    assert "keep one" in fix and "amber_tolerance is a share" in fix


@pytest.mark.parametrize(("old", "new", "column", "message"), [
    ("1200,,,0.1,", "1200,,,1.5,", "amber_tolerance", "1.5 is not a share below 1"),
    ("1200,,,0.1,", "1200,,,-0.1,", "amber_tolerance", "-0.1 is below 0"),
    ("85,,,,2.5", "85,,,,-2", "amber_band", "-2 is below 0"),
    ("85,,,,2.5", "85,,,,wide", "amber_band", "'wide' is not a number"),
])
def test_a_bad_threshold_names_its_cell(kpi, old, new, column, message):
    edit(kpi / KPI / "measures.csv", old, new)
    assert [f for f in problems_of(kpi) if f[2] == column][0][3] == message


def test_the_key_lists_the_measures_with_their_own_band():
    r = load_report(KPI, YEAR, FIXTURES)
    text = plain(sections.own_thresholds(r.measures)[0].text)
    assert ("These measures are Amber up to a band of their own rather than the key's: MK01 up "
            "to 2.5 percentage points worse than target; MK05 up to 10% worse than target; MK07 "
            "up to 2.5 percentage points worse than target.") == text
    assert sections.own_thresholds(load_report("parks", "2021/22", FIXTURES).measures) == []


def test_decide_is_the_one_place_a_printed_rating_comes_from():
    m = pd.DataFrame({"rule_rating": ["Red", "Amber", "", "Green"]})
    ratings.decide(m, ReportOptions(ratings="published"), ["Amber", None, "Green", float("nan")])
    assert m["rating"].tolist() == ["Amber", "Amber", "Green", "Green"]
    assert m["published_rating"].tolist() == ["Amber", "", "Green", ""]
    ratings.decide(m, ReportOptions(), None)
    assert m["rating"].tolist() == ["Red", "Amber", "", "Green"]


def test_the_seed_still_rates_by_the_rule_with_its_overrides(data_copy):
    r = load_report("cfe", "2020/21", data_copy)
    assert r.portfolio.options == ReportOptions()
    m = by_code(r)
    assert (m.loc["CFE1.9", "rule_rating"], m.loc["CFE1.9", "rating"]) == ("Red", "Amber")
    assert not any("the council rates" in x.finding for x in r.findings)


def test_a_final_published_report_is_refused_only_for_real_errors(kpi):
    edit(kpi / KPI / "observations.csv", "2023/24,missed_bins,2023/24,1250,,,actual,,,Red",
         "2023/24,missed_bins,2023/24,1250,,,actual,,,Purple")
    with pytest.raises(DataError, match="'Purple' is not one of Red, Amber, Green"):
        load_report(KPI, YEAR, kpi)
