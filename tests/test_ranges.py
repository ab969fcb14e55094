"""Ranges everywhere a unit says so: register, observations, quarters, targets.csv, comparators.

Percentages within 0 to 100 unless the register says a measure may pass 100 (the optional
``may_exceed_100`` column), counts whole and never negative, and no part of a year of a count
above the year, whether or not the other parts are in yet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perflib.data.specs import ABOVE_100_FIX
from perflib.errors import DataError
from perflib.reports.checks import load_all
from tests.test_validation import edit

OBS, M = "cfe/observations.csv", "cfe/measures.csv"
VALUES = "cfe/comparators/values.csv"
BIRTHS = "K04000001,England and Wales,births_registered_on_time,2020/21,54.6,"


def problems_in(data: Path, file: str) -> list[str]:
    """Every problem of one file, as the CLI prints it."""
    with pytest.raises(DataError) as info:
        load_all(data)
    return [str(p) for p in info.value.problems if p.file == data / file]


def line_of(path: Path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


def add_rows(path: Path, *rows: str) -> list[int]:
    """Append rows to a CSV; return their line numbers."""
    before = path.read_text()
    path.write_text(before + "".join(f"{r}\n" for r in rows))
    n = before.count("\n")
    return [n + 1 + i for i in range(len(rows))]


def allow_above_100(data: Path, measure: str) -> None:
    """Add the optional may_exceed_100 column to measures.csv, yes for ``measure``."""
    path = data / M
    lines = path.read_text().splitlines()
    out = [lines[0] + ",may_exceed_100"]
    out += [f"{line},{'yes' if line.split(',')[1] == measure else ''}" for line in lines[1:]]
    path.write_text("\n".join(out) + "\n")


def test_a_negative_comparator_is_refused(data_copy):
    edit(data_copy / VALUES, BIRTHS, BIRTHS.replace("54.6", "-54.6"))
    assert problems_in(data_copy, VALUES) == [
        f"{data_copy / VALUES}, row 2, column 'value': -54.6 is below 0. Fix: write a number of at "
        "least 0, digits only (no commas, % or £)"]


def test_a_comparator_of_a_percentage_measure_stays_within_100(data_copy):
    edit(data_copy / VALUES, BIRTHS, BIRTHS.replace("54.6", "546"))
    assert problems_in(data_copy, VALUES) == [
        f"{data_copy / VALUES}, row 2, column 'value': 546 is above 100%, but "
        f"births_registered_on_time is compared with births_on_time, a percentage. Fix: "
        f"{ABOVE_100_FIX}"]


def test_a_measure_that_may_pass_100_says_so_in_the_register(data_copy):
    edit(data_copy / VALUES, BIRTHS, BIRTHS.replace("54.6", "546"))
    edit(data_copy / OBS, "2020/21,births_on_time,2020/21,74.2,2562,3452",
         "2020/21,births_on_time,2020/21,174.2,,")
    allow_above_100(data_copy, "births_on_time")
    assert [r.year for r in load_all(data_copy)] == ["2019/20", "2020/21"]


def test_may_exceed_100_is_for_percentages_only(data_copy):
    allow_above_100(data_copy, "museum_visits")
    path = data_copy / M
    rows = [n + 1 for n, line in enumerate(path.read_text().splitlines())
            if ",museum_visits," in line]
    assert problems_in(data_copy, M) == [
        f"{path}, row {n}, column 'may_exceed_100': is yes but the measure's unit is count. Fix: "
        "clear it: only a percentage is kept within 0 to 100" for n in rows]


def test_a_percentage_target_above_100_is_refused(data_copy):
    path = data_copy / M
    edit(path, ",Council,High,percentage,1,no,numerical,95.0,", ",Council,High,percentage,1,no,"
         "numerical,150,")
    (line,) = [n + 1 for n, x in enumerate(path.read_text().splitlines()) if ",150," in x]
    assert problems_in(data_copy, M) == [
        f"{path}, row {line}, column 'target': 150 is above 100%. Fix: {ABOVE_100_FIX}"]


def test_a_profiled_percentage_target_above_100_is_refused(data_copy):
    path = data_copy / "cfe/targets.csv"
    path.write_text("year,measure_id,quarter,target\n2020/21,foi_on_time,Q2,150\n"
                    "2020/21,foi_on_time,Q3,95\n")
    assert problems_in(data_copy, "cfe/targets.csv") == [
        f"{path}, row 2, column 'target': 150 is above 100%, but foi_on_time is a percentage. "
        f"Fix: {ABOVE_100_FIX}"]


def test_a_count_is_a_whole_number(data_copy):
    path = data_copy / OBS
    edit(path, "2020/21,museum_visits,2020/21,3484,", "2020/21,museum_visits,2020/21,3484.5,")
    line = line_of(path, "2020/21,museum_visits,2020/21,3484.5,,,actual,,")
    assert problems_in(data_copy, OBS) == [
        f"{path}, row {line}, column 'value': 3484.5 is not a whole number, but museum_visits is "
        "a count. Fix: write the count as a whole number, or correct the measure's unit in "
        "measures.csv"]


PART_FIX = ("correct the {p} figure or the 2020/21 figure; if the published report printed them "
            "so, explain it in the year's discrepancy column")


@pytest.mark.parametrize(("rows", "bad", "what", "measure", "year", "unit"), [
    (["2020/21 Q1,5000"], 0, "its 2020/21 Q1 figure (5,000)", "museum_visits", "3,484", "count"),
    (["2020/21 Q1,2000", "2020/21 Q2,2000"], 1, "its year to date at 2020/21 Q2 (4,000)",
     "museum_visits", "3,484", "count"),
    (["2020/21 M01,1000", "2020/21 M02,3000", "2020/21 M03,10"], 1,
     "its year to date at 2020/21 M02 (4,000)", "museum_visits", "3,484", "count"),
    (["2020/21 Q1,4000", "2020/21 Q2,9500"], 1, "its 2020/21 Q2 figure (9,500)",
     "digital_inclusion_people", "9,387", "cumulative count"),
], ids=["one quarter", "year to date", "months", "cumulative"])
def test_a_part_of_a_count_above_its_year_is_an_error_with_quarters_missing(
        data_copy, rows, bad, what, measure, year, unit):
    path = data_copy / OBS
    lines = add_rows(path, *(f"2020/21,{measure},{r},,,actual,," for r in rows))
    period = rows[bad].split(",")[0]
    assert problems_in(data_copy, OBS) == [
        f"{path}, row {lines[bad]}, column 'value': {what} is above the 2020/21 figure for "
        f"{measure} ({year}), but a part of a year of a {unit} cannot exceed the whole year. "
        f"Fix: {PART_FIX.format(p=period)}"]


def test_parts_of_a_year_in_progress_within_it_pass(data_copy):
    add_rows(data_copy / OBS, "2020/21,museum_visits,2020/21 Q1,1000,,,actual,,",
             "2020/21,museum_visits,2020/21 Q2,2484,,,actual,,",
             "2020/21,digital_inclusion_people,2020/21 Q1,4000,,,actual,,")
    assert [r.year for r in load_all(data_copy)] == ["2019/20", "2020/21"]


def test_an_optional_column_may_be_left_out_and_a_missing_one_names_only_the_required(data_copy):
    path = data_copy / M
    text = path.read_text()
    edit(path, "short_name,", "")  # the header only: the rows then have a cell too many
    fix = ("the header must contain year,measure_id,pi_code,short_name,priority,order,category,"
           "polarity,unit,decimals,headline,target_type,target,target_label,target_decimals")
    assert problems_in(data_copy, M) == [
        f"{path}, row 1, column 'short_name': the column is missing. Fix: {fix}"]
    path.write_text(text)
    allow_above_100(data_copy, "births_on_time")  # present: read like any other column
    reports = load_all(data_copy)
    births = reports[1].measures.set_index("measure_id").loc["births_on_time"]
    assert births["may_exceed_100"] is True
