"""Units as councils count: printing, ranges and years from quarters, one table per unit.

The portfolio is fictional (tests/fixtures/fictional/brackenfield): a district council's KPI set
with every unit perflib knows, figures below zero among them, copied into a scratch project.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from perflib import config, units
from perflib.collect import returnform as form
from perflib.collect.importing import import_returns
from perflib.collect.returns import write_returns
from perflib.data import quarters
from perflib.data.portfolio import load_portfolio, read_portfolio
from perflib.data.quarters import aggregate, parsed, ytd_target
from perflib.errors import DataError
from perflib.formatting import MINUS
from perflib.present.blocks import plain
from perflib.present.spc_chart import xmr_chart
from perflib.reports import quarterly
from perflib.reports.checks import check_report
from perflib.spc import analyse
from perflib.units import Style
from tests.conftest import scratch_project

FIXTURE = Path(__file__).parent / "fixtures" / "fictional" / "brackenfield"
NAN = float("nan")


# ------------------------------------------------------------------------------------ printing

PRINTED = [
    # the four units perflib always had, printed as they always were
    (Style("percentage", 1), 90.8, 1014, 1117, "90.8% (1,014 of 1,117)"),
    (Style("percentage", 0), 37.0, None, None, "37%"),
    (Style("count"), 156557, None, None, "156,557"),
    (Style("cumulative count"), 9387, None, None, "9,387"),
    (Style("millions", 2), 0.46, None, None, "0.46m"),
    (Style("percentage", 1), NAN, None, None, ""),
    (Style("count", 1), 9.2, None, None, "9.2"),  # a count printed with decimals, as it was
    # number: its decimals and its suffix
    (Style("number", 1, suffix="days"), 2.7, None, None, "2.7 days"),
    (Style("number", 1, suffix="out of 10"), 7.94, None, None, "7.9 out of 10"),
    (Style("number", 0, suffix="days"), -28, None, None, f"{MINUS}28 days"),
    (Style("number", 2), -1234.5, None, None, f"{MINUS}1,234.50"),
    (Style("number", 1), -0.04, None, None, "0.0"),  # rounds to nothing: no sign
    (Style("number", 0), 0, None, None, "0"),
    # rate: per its base, with its fraction where given
    (Style("rate", 0, per=100000), 401, None, None, "401 per 100,000"),
    (Style("rate", 0, per=100000), 401, 1203, 300000, "401 per 100,000 (1,203 of 300,000)"),
    (Style("rate", 1, per=1000), -3.25, None, None, f"{MINUS}3.2 per 1,000"),
    # money: pounds, or its scale as published
    (Style("money", 0), 125000, None, None, "£125,000"),
    (Style("money", 2), 14.5, None, None, "£14.50"),
    (Style("money", 0, scale="k"), 125, None, None, "£125k"),
    (Style("money", 1, scale="m"), 1.2, None, None, "£1.2m"),
    (Style("money", 0, scale="k"), -125, None, None, f"{MINUS}£125k"),
    (Style("money", 0), -125000, None, None, f"{MINUS}£125,000"),
    # nothing is nothing in any scale: a zero target or variance prints in the measure's scale,
    # as its other figures do, and a figure that rounds to zero never carries a minus
    (Style("money", 0, scale="k"), 0, None, None, "£0k"),
    (Style("money", 0, scale="k"), -0.4, None, None, "£0k"),
    (Style("money", 1, scale="m"), -0.04, None, None, "£0.0m"),
    (Style("money", 0), -0.2, None, None, "£0"),
]


@pytest.mark.parametrize(("style", "value", "num", "den", "expected"), PRINTED,
                         ids=[f"{p[0].unit}-{p[1]}-{p[4]}" for p in PRINTED])
def test_every_unit_prints_one_way(style, value, num, den, expected):
    assert units.show(style, value, num, den) == expected


@pytest.mark.parametrize(("style", "value", "expected"), [
    (Style("percentage", 0), 50, "50.0%"),
    (Style("count"), 12.25, "12.2"),
    (Style("count"), 12.0, "12"),
    (Style("number", 0, suffix="days"), -3.46, f"{MINUS}3.5 days"),
    (Style("rate", 0, per=100000), 380, "380 per 100,000"),
    (Style("money", 0, scale="k"), 95.5, "£95.5k"),
    (Style("money", 0, scale="k"), -0.04, "£0.0k"),
])
def test_a_worked_out_figure_prints_in_its_measures_unit(style, value, expected):
    assert units.derived(style, value) == expected  # an SPC mean or limit, in the alt text


def test_a_measure_row_gives_its_style():
    row = pd.Series({"unit": "rate", "decimals": 1.0, "suffix": NAN, "per": 100000.0,
                     "scale": None, "may_be_negative": True, "may_exceed_100": NAN,
                     "year_from_parts": NAN, "target_decimals": 0.0})
    s = units.style(row)
    assert (s.unit, s.decimals, s.per, s.negative_ok, s.year_rule, s.axis, s.label) == (
        "rate", 1, 100000.0, True, "mean", "Per 100,000", "rate per 100,000")
    assert units.style(row, row["target_decimals"]).decimals == 0


@pytest.mark.parametrize(("style", "axis", "label"), [
    (Style("percentage"), "Percentage", "percentage"),
    (Style("count"), "Number", "count"),
    (Style("cumulative count"), "Number in the period", "cumulative count"),
    (Style("millions"), "Millions", "millions"),
    (Style("number", suffix="days"), "Days", "number (days)"),
    (Style("number"), "Value", "number"),
    (Style("rate", per=1000), "Per 1,000", "rate per 1,000"),
    (Style("money", scale="k"), "£ thousands", "money (£k)"),
    (Style("money"), "£", "money (£)"),
])
def test_each_unit_names_its_chart_axis_and_its_return_column(style, axis, label):
    assert (style.axis, style.label) == (axis, label)


# ----------------------------------------------------------------------------- years from parts

def parts(*values: float, nums: tuple = (), dens: tuple = ()) -> pd.DataFrame:
    n = len(values)
    return parsed(pd.DataFrame({
        "period": [f"2023/24 Q{i + 1}" for i in range(n)], "value": values,
        "numerator": list(nums) or [NAN] * n, "denominator": list(dens) or [NAN] * n}))


YEARS = [
    ("count sums", Style("count"), parts(10, 20, 30, 40), (100, NAN, NAN)),
    ("millions sum", Style("millions", 2), parts(0.1, 0.2, 0.3, 0.4), (1.0, NAN, NAN)),
    ("money sums", Style("money", 0, scale="k"), parts(-50, 20, -30, 10), (-50, NAN, NAN)),
    ("cumulative is its last", Style("cumulative count"), parts(5, 9, 14, 20), (20, NAN, NAN)),
    ("percentage from its fractions", Style("percentage", 1),
     parts(50, 60, nums=(5, 12), dens=(10, 20)), (17 / 30 * 100, 17, 30)),
    ("percentage without them averages", Style("percentage", 1), parts(50, 60), (55, NAN, NAN)),
    ("rate from its fractions", Style("rate", 0, per=100000),
     parts(400, 500, nums=(4, 6), dens=(1000, 1000)), (500, 10, 2000)),
    ("rate without them averages", Style("rate", 0, per=1000), parts(3, 5), (4, NAN, NAN)),
    ("number cannot be said", Style("number", 1), parts(1.9, 1.8), (NAN, NAN, NAN)),
    ("one part is its own", Style("number", 1), parts(1.9), (1.9, NAN, NAN)),
    ("number told to add up", Style("number", 1, year_from_parts="sum"),
     parts(1.9, 1.8, 2.3, 2.2), (8.2, NAN, NAN)),
    ("number told to average", Style("number", 1, year_from_parts="mean"),
     parts(7.7, 8.1, 7.8, 8.0), (7.9, NAN, NAN)),
    ("number told its last", Style("number", 0, year_from_parts="last"),
     parts(9, -4, -15, -28), (-28, NAN, NAN)),
    ("a stock count told its last", Style("count", year_from_parts="last"), parts(80, 95),
     (95, NAN, NAN)),
]


@pytest.mark.parametrize(("style", "rows", "expected"), [y[1:] for y in YEARS],
                         ids=[y[0] for y in YEARS])
def test_a_year_follows_from_its_quarters_by_unit(style, rows, expected):
    got = aggregate(rows, style)
    assert all(math.isclose(g, e) or (math.isnan(g) and math.isnan(e))
               for g, e in zip(got, expected, strict=True)), got


@pytest.mark.parametrize(("unit", "extra", "q2_target"), [
    ("count", {}, 60.0),                      # pro rata: additive
    ("money", {}, 60.0),
    ("cumulative count", {}, 60.0),
    ("number", {"year_from_parts": "sum"}, 60.0),  # days per FTE add up
    ("number", {}, 120.0),                    # the annual target as it stands
    ("rate", {"per": 1000.0}, 120.0),
    ("percentage", {}, 120.0),
])
def test_a_year_to_date_target_is_pro_rata_only_where_quarters_add_up(unit, extra, q2_target):
    m = pd.Series({"year": "2023/24", "measure_id": "x", "target_type": "numerical",
                   "target": 120.0, "unit": unit, "decimals": 0, **extra})
    assert ytd_target(m, None, 2) == q2_target


# ----------------------------------------------------------------------------------- the data

@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project whose data/ holds the fictional Brackenfield portfolio, to break."""
    root = scratch_project(tmp_path / "project", monkeypatch, {"brackenfield": FIXTURE}, seed=False)
    return root / "data"


def edit(path: Path, key: tuple[str, str], **values: str) -> int:
    """Set cells of the row of ``path`` whose measure_id and period (or year) are ``key``;
    return its file line."""
    f = pd.read_csv(path, dtype=str, keep_default_na=False)
    when = "period" if "period" in f else "year"
    hit = (f["measure_id"] == key[0]) & (f[when] == key[1])
    assert hit.sum() == 1, key
    for col, v in values.items():
        f.loc[hit, col] = v
    f.to_csv(path, index=False)
    return int(f.index[hit][0]) + 2


def problems_of(data: Path) -> list[str]:
    return [str(p) for p in read_portfolio("brackenfield", data)[1]]


NEGATIVE = ("write a number of at least 0, digits only (no commas, % or £)")
SIGNED_FIX = (f"{NEGATIVE}; if the figure may go below zero (a backlog, a variance), write yes in "
              "the measure's may_be_negative column in measures.csv")
UNSIGNED_FIX = (f"{NEGATIVE}; if the figure may go below zero, the measure is a number: set its "
                "unit to number and may_be_negative to yes in measures.csv")

OBSERVED = [
    ("a count below zero", ("affordable_homes", "2023/24"), {"value": "-5"},
     "column 'value': -5 is below 0, but affordable_homes is a count. Fix: " + UNSIGNED_FIX),
    ("a percentage below zero", ("council_tax_collected", "2023/24"), {"value": "-1"},
     "column 'value': -1 is below 0, but council_tax_collected is a percentage that may not go "
     "below zero. Fix: " + SIGNED_FIX),
    ("a number that may not go below zero", ("sickness_days", "2022/23"), {"value": "-1.5"},
     "column 'value': -1.5 is below 0, but sickness_days is a number that may not go below "
     "zero. Fix: " + SIGNED_FIX),
    ("a rate off its fraction", ("missed_bins", "2023/24"), {"value": "410"},
     "column 'value': 410 per 100,000 does not match 1,203 of 300,000 (401.0 per 100,000). Fix: "
     "correct the figures, or if the report printed it so, explain it in the discrepancy "
     "column"),
    ("a fraction on a number", ("sickness_days", "2023/24"),
     {"numerator": "8", "denominator": "10"},
     "column 'numerator': is given but the measure's unit is number. Fix: clear numerator and "
     "denominator, or change the unit"),
    ("a count not whole", ("affordable_homes", "2023/24"), {"value": "131.5"},
     "column 'value': 131.5 is not a whole number, but affordable_homes is a count. Fix: write "
     "the count as a whole number, or correct the measure's unit in measures.csv"),
]


@pytest.mark.parametrize(("key", "cells", "words"), [c[1:] for c in OBSERVED],
                         ids=[c[0] for c in OBSERVED])
def test_a_figure_out_of_its_units_range_is_refused_by_name(data, key, cells, words):
    path = data / "brackenfield" / "observations.csv"
    line = edit(path, key, **cells)
    assert problems_of(data) == [f"{path}, row {line}, {words}"]


def test_figures_below_zero_pass_where_the_unit_and_register_allow(data):
    edit(data / "brackenfield" / "observations.csv", ("budget_variance", "2022/23"), value="-3")
    assert problems_of(data) == []  # money may go below zero, as the register says it may


def test_a_percentage_change_may_go_below_zero_where_the_register_says_so(data):
    """A "% reduction in offences" that became a rise (-9%) is held as published."""
    edit(data / "brackenfield" / "measures.csv", ("fly_tipping_cleared", "2023/24"),
         may_be_negative="yes")
    edit(data / "brackenfield" / "observations.csv", ("fly_tipping_cleared", "2022/23"),
         value="-9", numerator="", denominator="")
    assert problems_of(data) == []
    s = units.style(load_portfolio("brackenfield", data).measures.frame.set_index(
        "measure_id").loc["fly_tipping_cleared"])
    assert (s.negative_ok, s.capped, units.show(s, -9.0)) == (True, True, f"{MINUS}9.0%")


REGISTER = [
    ("may_be_negative on a count", {"may_be_negative": "yes"}, "affordable_homes",
     "column 'may_be_negative': is yes but the measure's unit is count, which is never below "
     "zero. Fix: clear it; if the figure may go below zero (a backlog, a net change), set the "
     "unit to number (money for pounds, rate for a figure per a base)"),
    ("a rate without its base", {"per": ""}, "missed_bins",
     "column 'per': is empty but the unit is rate. Fix: write what the rate is per, as a whole "
     "number: 100000 for a rate per 100,000"),
    ("a base on a count", {"per": "1000"}, "affordable_homes",
     "column 'per': is 1,000 but the measure's unit is count. Fix: clear it: only a rate has a "
     "base; or set the unit to rate"),
    ("a scale on a number", {"scale": "k"}, "sickness_days",
     "column 'scale': is k but the measure's unit is number. Fix: clear it: only money is "
     "written in thousands (k) or millions (m); a figure in millions of something else has the "
     "unit millions"),
    ("a suffix on a count", {"suffix": "homes"}, "affordable_homes",
     "column 'suffix': is 'homes' but the measure's unit is count. Fix: clear it: only a number "
     "prints words after it (a rate prints its per, money its £); or set the unit to number"),
    ("a percentage that adds up", {"year_from_parts": "sum"}, "council_tax_collected",
     "column 'year_from_parts': is sum, but a percentage's year cannot be the sum of its parts. "
     "Fix: write one of mean, last, none, or leave it empty (a percentage's year is the mean of "
     "its parts (a percentage or rate from its numerators and denominators where given))"),
    ("a count's target below zero", {"target": "-10"}, "affordable_homes",
     "column 'target': -10 is below 0, but affordable_homes is a count. Fix: " + UNSIGNED_FIX),
    ("a number's target below zero", {"target": "-1"}, "sickness_days",
     "column 'target': -1 is below 0, but sickness_days is a number that may not go below zero. "
     "Fix: " + SIGNED_FIX),
]


@pytest.mark.parametrize(("cells", "measure", "words"), [c[1:] for c in REGISTER],
                         ids=[c[0] for c in REGISTER])
def test_a_register_row_out_of_its_unit_is_refused_by_name(data, cells, measure, words):
    path = data / "brackenfield" / "measures.csv"
    line = edit(path, (measure, "2023/24"), **cells)
    assert problems_of(data) == [f"{path}, row {line}, {words}"]


def test_a_count_written_with_decimals_builds_with_advice(data, capsys):
    """A rate written as a count (9.2 delayed transfers per 100,000) built before: it still does.

    The advice is the analyst's (perflib check prints it), never the councillors': it is not a
    data-quality finding, so no report or data-quality.csv carries it.
    """
    from perflib.cli import main

    measures = data / "brackenfield" / "measures.csv"
    line = edit(measures, ("affordable_homes", "2023/24"), decimals="1")
    edit(data / "brackenfield" / "observations.csv", ("affordable_homes", "2023/24"), value="9.2")
    report, problems = check_report("brackenfield", "2023/24", data)
    assert report is not None and all(p.todo for p in problems)
    assert [x.finding for x in report.findings if x.measure_id == "affordable_homes"] == [
        "the council rates 2023/24 Green; the rule gives Red"]  # a rating note, no advice
    (advice,) = report.advice
    assert (advice.file, advice.line, advice.severity, advice.finding, advice.fix) == (
        str(measures), line, "advice", "a count is a whole number, but this one is printed "
        "with 1 decimal", "set its unit to rate (with per, e.g. 100000 for a rate per 100,000) "
        "or to number in measures.csv")
    assert report.measures.set_index("measure_id").at["affordable_homes", "value"] == 9.2
    main(["check"])
    said = capsys.readouterr().err.splitlines()
    at = said.index("brackenfield 2023/24: advice on the register, for you (not published)")
    assert said[at + 1] == (
        f"  - advice: {measures}, row {line}: BDC06: a count is a whole number, but this one is "
        "printed with 1 decimal; the data says unit count, decimals 1. Fix: set its unit to rate "
        "(with per, e.g. 100000 for a rate per 100,000) or to number in measures.csv")


QUARTERS = [
    ("days per FTE add up", ("sickness_days", "2023/24 Q4"), "2.3",
     "the 2023/24 figure for sickness_days (report 2023/24) is 8.2, but its quarters add up to "
     "8.3"),
    ("a score averages", ("park_satisfaction", "2023/24 Q4"), "8.4",
     "the 2023/24 figure for park_satisfaction (report 2023/24) is 7.9, but its quarters "
     "average 8.00"),
    ("a backlog is its last", ("planning_backlog", "2023/24 Q4"), "-30",
     "the 2023/24 figure for planning_backlog (report 2023/24) is -28, but its last quarter "
     "stands at -30"),
]


@pytest.mark.parametrize(("key", "value", "words"), [q[1:] for q in QUARTERS],
                         ids=[q[0] for q in QUARTERS])
def test_a_year_against_its_quarters_as_its_register_says(data, key, value, words):
    path = data / "brackenfield" / "observations.csv"
    edit(path, key, value=value)
    line = edit(path, (key[0], "2023/24"))
    assert problems_of(data) == [
        f"{path}, row {line}, column 'value': {words}. Fix: correct the year's figure or its "
        "quarters; if the published report printed them so, keep them and explain it in this "
        "row's discrepancy column"]


def test_a_number_whose_year_cannot_be_said_is_not_checked_against_its_quarters(data):
    measures = data / "brackenfield" / "measures.csv"
    edit(measures, ("park_satisfaction", "2023/24"), year_from_parts="")  # none, the default
    edit(data / "brackenfield" / "observations.csv", ("park_satisfaction", "2023/24 Q4"),
         value="9.9")
    assert problems_of(data) == []


def test_comparators_below_zero_only_for_a_measure_that_may_go_below_zero(data):
    path = data / "brackenfield" / "comparators" / "values.csv"
    text = path.read_text()
    path.write_text(text.replace("missed_bins_fictional,2023/24,512,", "missed_bins_fictional,"
                                 "2023/24,-512,"))
    line = path.read_text().splitlines().index(
        "E07990201,Ashcombe (fictional),missed_bins_fictional,2023/24,-512,A fictional "
        "benchmarking club") + 1
    assert problems_of(data) == [f"{path}, row {line}, column 'value': -512 is below 0. Fix: "
                                 f"{NEGATIVE}"]  # the planning backlog's -28 and -12 pass


def test_a_profiled_target_below_zero_only_where_the_measure_may(data):
    path = data / "brackenfield" / "targets.csv"
    path.write_text("year,measure_id,quarter,target\n2023/24,budget_variance,Q2,-40\n"
                    "2023/24,affordable_homes,Q2,-5\n")
    assert problems_of(data) == [
        f"{path}, row 3, column 'target': -5 is below 0, but affordable_homes is a count. Fix: "
        + UNSIGNED_FIX]


# ------------------------------------------------------------- a quarter, SPC and the checker

def test_a_quarterly_row_of_every_unit_follows_its_year_rule(data):
    p = load_portfolio("brackenfield", data)
    reg = p.measures.frame[p.measures.frame["year"] == "2023/24"]
    m = quarters.quarter_measures(p, reg, "2023/24", 2, {"amber_tolerance": 0.1,
                                                         "stable_threshold": 0.01})
    m = m.set_index("measure_id", drop=False)
    # year to date, its target, the rating, this quarter's own figure, the trend on Q1
    got = {mid: [plain(c) for c in quarterly.measure_row(None, m.loc[mid])][2:7]  # type: ignore[arg-type]
           for mid in ("sickness_days", "park_satisfaction", "planning_backlog", "missed_bins")}
    assert got == {
        "sickness_days": ["3.7 days", "4.2 days", "Green", "1.8 days", "Getting better"],  # sum
        "park_satisfaction": ["7.9 out of 10", "7.5 out of 10", "Green", "8.1 out of 10",
                              "Getting better"],  # mean, the annual target as it stands
        "planning_backlog": [f"{MINUS}4 days", "0 days", "Green", f"{MINUS}4 days",
                             "Getting better"],  # last: the backlog at the quarter's end
        "missed_bins": ["Not available", "380 per 100,000", "Not rated: no figure",
                        "Not available", "No trend"],  # yearly figures only
    }


def test_an_spc_chart_says_its_figures_in_the_measures_unit():
    r = analyse([-12, -9, -14, -10, -11, -13, -8, -12, -10, -9, -11, -12], "decrease", 0)
    chart = xmr_chart(r, "Fictional backlog", "Days", style=Style("number", 0, suffix="days"))
    assert f"Latest value {MINUS}12 days, average {MINUS}10.9 days" in chart.alt
    assert "target 0 days" in chart.alt
    assert chart.data.rows[0][1] == f"{MINUS}12"  # the table a screen reader reads: a minus


def test_the_checker_reads_every_units_figure_as_printed(data):
    """The officers' notes give figures of every unit, through placeholders and in their own
    words (a rate per 100k, money at its scale, days, a score, a backlog below zero): the
    checker says nothing of them, a rate's base included (the findings are the rating notes)."""
    report, _ = check_report("brackenfield", "2023/24", data)
    assert report is not None
    assert [x for x in report.findings if x.severity != "note"] == []
    text = report.text("budget_variance")
    assert f"{MINUS}£125k" in text


# ------------------------------------------------------------------------------------- returns

def test_a_return_checks_each_cell_as_its_unit_allows(data):
    write_returns("brackenfield", "2023/24", data)
    book = config.RETURNS_DIR / "brackenfield" / "2023-24" / "brackenfield_2023-24.xlsx"
    ws = load_workbook(book)[form.FIGURES]
    col = {h: form.letter(h) for h in ("measure_id", "About", "value", "numerator")}
    row = {ws[f"{col['measure_id']}{r}"].value: r for r in range(form.FIRST_ROW, ws.max_row + 1)}
    rule = {str(c): (v.type, v.operator, v.formula1) for v in ws.data_validations.dataValidation
            for c in v.sqref.ranges}

    def check(mid: str) -> tuple:
        return rule[f"{col['value']}{row[mid]}"]

    assert check("council_tax_collected") == ("decimal", "between", "0")
    assert check("affordable_homes") == ("whole", "greaterThanOrEqual", "0")
    assert check("sickness_days") == ("decimal", "greaterThanOrEqual", "0")
    assert check("planning_backlog") == ("decimal", "between", "-1E+15")
    assert check("budget_variance") == ("decimal", "between", "-1E+15")
    # the unit is the second sentence of About the measure, after which way is good
    units_col = {mid: ws[f"{col['About']}{r}"].value.split(". ")[1].rstrip(".")
                 for mid, r in row.items()}
    assert (units_col["missed_bins"], units_col["budget_variance"], units_col["sickness_days"],
            units_col["affordable_homes"]) == ("Rate per 100,000", "Money (£k)", "Number (days)",
                                               "Count")
    assert f"{col['numerator']}{row['missed_bins']}" in rule  # a rate's fraction is open
    assert f"{col['numerator']}{row['sickness_days']}" not in rule
    held = {mid: ws[f"{col['value']}{r}"].value for mid, r in row.items()}
    assert (held["planning_backlog"], held["budget_variance"], held["sickness_days"]) == (
        -28, -125, 8.2)


def fill_return(data: Path, **cells: dict[str, object]) -> Path:
    write_returns("brackenfield", "2023/24", data)
    book = config.RETURNS_DIR / "brackenfield" / "2023-24" / "brackenfield_2023-24.xlsx"
    wb = load_workbook(book)
    ws = wb[form.FIGURES]
    at = {h: i + 1 for i, h in enumerate(form.HEADERS)}
    for r in range(form.FIRST_ROW, ws.max_row + 1):
        for header, value in cells.get(ws.cell(r, at["measure_id"]).value, {}).items():
            ws.cell(r, at[header]).value = value
    wb.save(book)
    return book


def test_a_return_takes_a_figure_below_zero_where_the_measure_may(data):
    book = fill_return(data, planning_backlog={"value": -31, "discrepancy": "Restated fictionally"})
    said = import_returns([book], data, apply=True)
    assert f"{MINUS}28 days" in said and f"{MINUS}31 days" in said
    assert "2023/24,planning_backlog,2023/24,-31,,,actual,,Restated fictionally" in (
        data / "brackenfield" / "observations.csv").read_text()


def test_a_return_refuses_a_count_below_zero_by_its_cell(data):
    book = fill_return(data, affordable_homes={"value": -5, "discrepancy": "Fictional"})
    with pytest.raises(DataError) as err:
        import_returns([book], data, apply=True)
    assert "-5 is below 0, but affordable_homes is a count" in str(err.value)
    assert f"{book}, sheet 'Figures', cell {form.letter('value')}" in str(err.value)
