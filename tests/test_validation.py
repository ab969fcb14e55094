"""Bad input: each malformed file gives one message naming file, row, column, problem and fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perflib.errors import DataError, ParameterError
from perflib.reports.checks import load_all, load_report
from tests.conftest import edit


def problems(data: Path) -> list:
    with pytest.raises(DataError) as info:
        load_all(data)
    return info.value.problems


M, OBS = "cfe/measures.csv", "cfe/observations.csv"
OV, R20 = "cfe/overrides.csv", "cfe/2020-21"

# (id, file, old text, new text, expected row, expected column, words in the message)
CASES = [
    ("misspelled column", M, "short_name,", "shortname,", 1, "short_name", "misspelling"),
    ("unexpected column", OBS, "discrepancy\n", "discrepancy,extra\n", 1, "extra", "not expected"),
    ("bad polarity", M, ",Council,High,percentage,1,no,numerical,95.0,", ",Council,Hgh,percentage,1,no,numerical,95.0,",
     None, "polarity", "not one of"),
    ("wrong type value", OBS, "2020/21,foi_on_time,2020/21,90.8,", "2020/21,foi_on_time,2020/21,ninety,",
     None, "value", "not a number"),
    ("percent sign in value", OBS, "2020/21,foi_on_time,2020/21,90.8,", "2020/21,foi_on_time,2020/21,90.8%,",
     None, "value", "not a number"),
    ("period in wrong form", OBS, "2020/21,foi_on_time,2020/21,", "2020/21,foi_on_time,2020-21,",
     None, "period", "YYYY/YY"),
    ("period not consecutive", OBS, "2020/21,foi_on_time,2020/21,", "2020/21,foi_on_time,2020/22,",
     None, "period", "consecutive"),
    ("unknown measure id", OBS, "2020/21,foi_on_time,2020/21,", "2020/21,foi_ontime,2020/21,",
     None, "measure_id", "unknown measure"),
    ("measure not registered that year", OBS, "2020/21,museum_visits,2020/21,", "2020/21,digital_skills,2020/21,",
     None, "measure_id", "other years only"),
    ("duplicate row", OBS, "2020/21,museum_visits,2020/21,3484,,,actual,,\n",
     "2020/21,museum_visits,2020/21,3484,,,actual,,\n2020/21,museum_visits,2020/21,3484,,,actual,,\n",
     None, "report,measure_id,period", "repeats row"),
    ("PI code twice in a year", M, "2020/21,complaints_s1_upheld,CFE1.2,", "2020/21,complaints_s1_upheld,CFE1.1,",
     None, "pi_code", "already used"),
    ("numerator above denominator", OBS, "90.8,1014,1117", "90.8,1117,1014", None, "numerator",
     "more than the denominator"),
    ("negative count", OBS, "2020/21,museum_visits,2020/21,3484,", "2020/21,museum_visits,2020/21,-3484,",
     None, "value", "below 0"),
    ("percentage above 100", OBS, "90.8,1014,1117", "190.8,1014,1117", None, "value", "above 100"),
    ("stated percentage mismatch", OBS, "90.8,1014,1117", "91.8,1014,1117", None, "value",
     "does not match 1,014 of 1,117"),
    ("zero denominator", OBS, "2020/21,foi_on_time,2020/21,90.8,1014,1117", "2020/21,foi_on_time,2020/21,0,0,0",
     None, "denominator", "zero"),
    ("half a fraction", OBS, "90.8,1014,1117", "90.8,1014,", None, "denominator", "other half"),
    ("value with not-available status", OBS, "2020/21,museum_visits,2020/21,3484,,,actual",
     "2020/21,museum_visits,2020/21,3484,,,not available", None, "value", "figure_kind is not available"),
    ("missing value for actual", OBS, "2020/21,museum_visits,2020/21,3484,,,actual",
     "2020/21,museum_visits,2020/21,,,,actual", None, "value", "is empty"),
    ("latest available without its period", OBS, "78.0,,,latest available,2016,", "78.0,,,latest available,,",
     None, "period_label", "latest available"),
    ("figure after the report year", OBS, "2019/20,museum_visits,2019/20,156557", "2019/20,museum_visits,2020/21,156557",
     None, "period", "after the report year"),
    ("target missing for numerical", M, "numerical,95.0,", "numerical,,", None, "target",
     "is not set yet"),
    ("direction target without label", M, "direction,,Aim to maximise", "direction,,", None,
     "target_label", "direction"),
    ("headline not yes/no", M, "1,no,numerical,95.0", "1,maybe,numerical,95.0", None, "headline",
     "yes or no"),
    ("fractional decimals", M, "percentage,1,no,numerical,95.0", "percentage,1.5,no,numerical,95.0",
     None, "decimals", "whole number"),
    ("override without reason", OV, ",Green,\"Missed", ",Green,\"\"\n#\"", None, "reason", "empty"),
    ("override equal to the rule", OV, "complaints_s2_upheld,Green", "complaints_s2_upheld,Amber",
     None, "published_rating", "already"),
    ("override of an unrated measure", OV, "2020/21,births_on_time,Amber",
     "2020/21,engagement_initiatives,Amber", None, "published_rating", "no rating"),
    ("bad RAG word", OV, "complaints_s2_upheld,Green", "complaints_s2_upheld,Blue", None,
     "published_rating", "not one of"),
    ("finance total does not add up", f"{R20}/report.yaml", "reserves_balance: 211",
     "reserves_balance: 212", None, "finance.stated.reserves_balance", "add up to 211"),
    ("outturn total does not add up", f"{R20}/report.yaml", "outturn: 5282", "outturn: 5283", None,
     "finance.stated.outturn", "add up to 5282"),
    ("unknown stated total", f"{R20}/report.yaml", "outturn: 5282", "outturns: 5282", None,
     "finance.stated.outturns", "not a total"),
    ("money not a number", f"{R20}/report.yaml", "net_expenditure: 5322", "net_expenditure: 5,322k",
     None, "finance.net_expenditure", "wrong type"),
    ("engagement count not whole", f"{R20}/engagement.csv", ",1\n", ",1.5\n", None, "count",
     "whole number"),
    ("engagement quarter wrong", f"{R20}/engagement.csv", "Q3,", "Quarter 3,", None, "quarter",
     "not one of"),
    ("savings rating wrong", f"{R20}/savings.csv", ",Amber,", ",Orange,", None, "risk_rating",
     "not one of"),
    ("reserve approved not a number", f"{R20}/reserves.csv", ",80,0", ",eighty,0", None, "approved",
     "not a number"),
    ("unquoted comma", f"{R20}/savings.csv", "Achieved.\n", "Achieved, fully.\n", None, None,
     "cells but the header"),
    ("commentary for an unknown measure", f"{R20}/commentary.md", "## foi_on_time", "## foi_in_time",
     None, None, "not a measure_id"),
    ("priority not in report.yaml", M, "2020/21,museum_visits,CFE3.1,Number of visits to Stockport museums,3,",
     "2020/21,museum_visits,CFE3.1,Number of visits to Stockport museums,7,", None, "priority",
     "not in"),
    ("rule threshold not a share", f"{R20}/report.yaml", "amber_tolerance: 0.05", "amber_tolerance: 5",
     None, "rules.amber_tolerance", "share"),
    ("period typo on a not-available row", OBS, "2019/20,digital_inclusion_people,2017/18,,,,not applicable",
     "2019/20,digital_inclusion_people,2017-18,,,,not applicable", None, "period", "YYYY/YY"),
    ("unquoted thousands separator", OBS, "2020/21,museum_visits,2020/21,3484,", "2020/21,museum_visits,2020/21,3,484,",
     None, None, "cells but the header"),
    ("quoted thousands separator", OBS, "2020/21,museum_visits,2020/21,3484,", '2020/21,museum_visits,2020/21,"3,484",',
     None, "value", "thousands separator"),
    ("deep dive role not mapped", "cfe/portfolio.yaml", "      stage2_on_time: complaints_s2_on_time\n", "",
     None, "reports.complaints.roles.stage2_on_time", "not mapped"),
    ("deep dive role maps to an unknown measure", "cfe/portfolio.yaml", "stage1_upheld: complaints_s1_upheld",
     "stage1_upheld: complaints_stage1", None, "reports.complaints.roles.stage1_upheld", "not a measure_id"),
    ("unknown role", "cfe/portfolio.yaml", "stage1_upheld: complaints_s1_upheld",
     "stage1_upheld: complaints_s1_upheld\n      stage3_upheld: complaints_s1_upheld", None,
     "reports.complaints.roles.stage3_upheld", "not a role"),
    ("unknown report kind", "cfe/portfolio.yaml", "  museum_visits:\n", "  museums:\n", None,
     "reports.museums", "not a report kind"),
    ("year missing from portfolio", "cfe/portfolio.yaml", '  - "2020/21"\n', '  - "2020-21"\n', None,
     "years[1]", "YYYY/YY"),
]


@pytest.mark.parametrize(("file", "old", "new", "row", "column", "words"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(data_copy, file, old, new, row, column, words):
    path = data_copy / file
    edit(path, old, new)
    found = problems(data_copy)
    mine = [p for p in found if p.file == path and words in p.message]
    assert mine, f"no problem mentioning {words!r} for {file}; got: {[str(p) for p in found]}"
    p = mine[0]
    assert p.column == column
    if row is not None:
        assert p.row == row
    else:
        assert p.row is not None and p.row >= 1
        if file.endswith(".csv"):
            line = path.read_text(encoding="utf-8").splitlines()[p.row - 1]
            assert any(part.strip()[:20] in line for part in new.strip().splitlines()), line
    assert p.fix, "every problem says how to fix it"
    text = str(p)
    assert str(path) in text and (column is None or f"'{column}'" in text) and "Fix:" in text


def test_row_numbers_are_file_lines(data_copy):
    path = data_copy / OBS
    edit(path, "2020/21,museum_visits,2020/21,3484,", "2020/21,museum_visits,2020/21,lots,")
    (p,) = [p for p in problems(data_copy) if p.file == path]
    line = path.read_text().splitlines().index("2020/21,museum_visits,2020/21,lots,,,actual,,") + 1
    assert (p.row, p.column) == (line, "value")


def test_every_problem_in_a_file_is_reported_at_once(data_copy):
    path = data_copy / OBS
    edit(path, "2020/21,museum_visits,2020/21,3484,", "2020/21,museum_visits,2020/21,lots,")
    edit(path, "90.8,1014,1117", "90.8,1117,1014")
    edit(path, "2020/21,digital_champions,2019/20,", "2020/21,digital_champions,2019-20,")
    assert len([p for p in problems(data_copy) if p.file == path]) == 3


def test_empty_file(data_copy):
    (data_copy / OBS).write_text("")
    (p,) = [p for p in problems(data_copy) if p.file == data_copy / OBS]
    assert "empty" in p.message and "header" in p.fix


def test_non_utf8_file(data_copy):
    path = data_copy / f"{R20}/savings.csv"
    path.write_bytes(path.read_bytes().replace(b"Achieved.", b"Achiev\xe9d.", 1))
    (p,) = [p for p in problems(data_copy) if p.file == path]
    assert "UTF-8" in p.message and p.row == 2 and "CSV UTF-8" in p.fix


def test_missing_file(data_copy):
    (data_copy / f"{R20}/savings.csv").unlink()
    assert any("missing" in p.message for p in problems(data_copy))


def test_invalid_yaml_names_the_line(data_copy):
    path = data_copy / f"{R20}/report.yaml"
    edit(path, "version: \"1.0\"", "version: [1.0")
    (p,) = [p for p in problems(data_copy) if p.file == path]
    assert "YAML" in p.message and p.row is not None


def test_known_discrepancy_is_a_note_not_an_error():
    r = load_report("cfe", "2019/20")
    noted = r.observations[r.observations["discrepancy"].fillna("") != ""]
    assert set(noted["measure_id"]) >= {"complaints_s1_upheld", "foi_on_time"}


@pytest.mark.parametrize("year", ["2020-21", "20/21", "2020/22", "", "2020/21; rm -rf /"])
def test_bad_year_parameter(year):
    with pytest.raises(ParameterError, match="YYYY/YY|consecutive"):
        load_report("cfe", year)


def test_unknown_portfolio(data_copy):
    """The message lists the portfolios there are: in a scratch copy, the seed and one more."""
    shutil.copytree(Path(__file__).parent / "fixtures/fictional/parks", data_copy / "parks")
    with pytest.raises(ParameterError) as info:
        load_report("nope", "2020/21")
    assert str(info.value) == f"portfolio 'nope' is not in {data_copy} (held: cfe, parks)"


def test_year_not_held():
    with pytest.raises(ParameterError, match="not held"):
        load_report("cfe", "2018/19")


def test_unquoted_thousands_separator_says_how_to_write_it(data_copy):
    edit(data_copy / OBS, "2020/21,museum_visits,2020/21,3484,", "2020/21,museum_visits,2020/21,3,484,")
    (p,) = [p for p in problems(data_copy) if p.file == data_copy / OBS]
    assert "thousands separator" in p.fix and "3484" in p.fix


def test_semicolon_file_says_how_to_save_it(data_copy):
    path = data_copy / OBS
    path.write_text(path.read_text().replace(",", ";"))
    (p,) = [p for p in problems(data_copy) if p.file == path]
    assert "semicolons" in p.message and "CSV UTF-8 (comma delimited)" in p.fix


def test_link_out_of_the_project_is_refused(data_copy, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("## foi_on_time\nroot:x:0:0\n")
    path = data_copy / f"{R20}/commentary.md"
    path.unlink()
    path.symlink_to(secret)
    (p,) = [p for p in problems(data_copy) if p.file == path]
    assert "outside the project" in p.message and str(secret) in p.message


def test_link_inside_the_project_is_read(data_copy):
    path = data_copy / f"{R20}/commentary.md"
    shared = data_copy / "shared-commentary.md"
    path.rename(shared)
    path.symlink_to(shared)
    assert len(load_all(data_copy)) == 2


def test_missing_previous_figure_is_named(data_copy):
    path = data_copy / OBS
    text = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in text if not line.startswith("2020/21,foi_on_time,2019/20,")))
    (p,) = [p for p in problems(data_copy) if p.file == path]
    assert "no 2019/20 figure for foi_on_time" in p.message and "add a row" in p.fix
