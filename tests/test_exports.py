"""Exports as the services write them: which column is which, which rows, which periods.

Every export here is fictional: the two fixtures under tests/fixtures/fictional/lginform (a long
table of a council and its neighbours mixing two indicators, and one in the Office for Local
Government's layout with seven measures) and small files written by the tests, all for the
fictional Fernvale portfolio (tests/fixtures/fictional/fernvale).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perflib.collect import exports
from perflib.collect.lginform import import_comparators
from perflib.errors import DataError, ParameterError
from tests.test_build import run_cli
from tests.test_scaffold import snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"
EXPORTS = FIXTURES / "lginform"
METRIC = "escalated_fictional"
MIXED = EXPORTS / "mixed-long-fictional.csv"
OFLOG = EXPORTS / "oflog-fictional.csv"
HEAD = "indicator,area code,area name,period,value"


@pytest.fixture
def data(data_copy: Path) -> Path:
    shutil.copytree(FIXTURES / "fernvale", data_copy / "fernvale")
    return data_copy


def values(data: Path) -> str:
    return (data / "fernvale/comparators/values.csv").read_text()


def test_a_mixed_long_export_imports_with_one_where(data):
    held = values(data)
    said = import_comparators("fernvale", MIXED, METRIC, data, where=["indicator=ESC1"])
    assert said.splitlines() == [
        "mixed-long-fictional.csv (long layout), escalated_fictional: 5 figures added, 0 "
        "replaced, 4 already held; 1 cell without a figure left out.",
        "Read 'area code' as the area code, 'area name' as the area name, 'period' as the period, "
        "'value' as the value.",
        "Took the rows where 'indicator' is ESC1: 10 of 20.",
        "Ignored columns: indicator name, area type.",
        "  added E07990100 2020/21: 8.2",
        "  added E07990101 2020/21: 8.1",
        "  added E07990103 2020/21: 5.5",
        "  added E07990104 2020/21: 7.0",
        "  added E07990100 2021/22: 6.4",
        f"Wrote {data / 'fernvale/comparators/values.csv'}."]
    assert values(data) == held + "".join(
        f"{code},{name} (fictional),escalated_fictional,{year},{v},mixed-long-fictional.csv\n"
        for code, name, year, v in [("E07990100", "Fernvale", "2020/21", "8.2"),
                                    ("E07990101", "Alderford", "2020/21", "8.1"),
                                    ("E07990103", "Coldwater", "2020/21", "5.5"),
                                    ("E07990104", "Dunmere", "2020/21", "7.0"),
                                    ("E07990100", "Fernvale", "2021/22", "6.4")])


def test_without_where_the_mixed_export_names_where_as_the_fix(data):
    before = snapshot(data)
    with pytest.raises(DataError) as err:
        import_comparators("fernvale", MIXED, METRIC, data)
    lines = str(err.value).splitlines()
    assert lines[0] == "11 problems in the data:"
    assert lines[1:3] == [
        f"  - {MIXED}, row 12, column 'indicator': the file mixes 2 indicators in this column "
        "(ESC1, VOL2). Fix: pick this metric's rows with --where \"indicator=ESC1\"",
        f"  - {MIXED}, row 12, column 'period': '2020' is a calendar year, but a comparator "
        "figure is for a financial year (2020/21). Fix: the file mixes indicators: pick one "
        "counted by financial year with --where \"indicator=ESC1\""]
    assert lines[-1].startswith(f"  - {MIXED}, row 21, column 'period': '2021' is a calendar")
    assert snapshot(data) == before


def test_the_office_for_local_government_layout_is_read_by_its_own_names(data):
    said = import_comparators("fernvale", OFLOG, "complaints_on_time_fictional", data,
                              where=["Code=FIC3"], measure="fv_s1_on_time",
                              source="Office for Local Government (fictional export)")
    lines = said.splitlines()
    assert lines[:4] == [
        "oflog-fictional.csv (Office for Local Government layout), complaints_on_time_fictional: "
        "14 figures added, 0 replaced, 0 already held; 1 cell without a figure left out; 9 "
        "figures for areas not compared (not the council, a neighbour or the national area in "
        "comparators/) left out.",
        "Read 'Local authority code' as the area code, 'Local authority name' as the area name, "
        "'Financial year' as the period, 'Value' as the value.",
        "Took the rows where 'Code' is FIC3: 24 of 168.",
        "Ignored columns: Grouping, Entity_Name, Region, Measure, MEDIAN, MADs_from_median, "
        "rank_order."]
    assert "  added E07990101 2021/22: 91.4" in lines
    text = values(data)
    assert "E07990101,Alderford (fictional),complaints_on_time_fictional,2021/22,91.4," \
           "Office for Local Government (fictional export)\n" in text
    assert "E07990105" not in text, "an area that is not a neighbour is left out"
    assert (data / "fernvale/comparators/metrics.csv").read_text().endswith(
        "fv_s1_on_time,complaints_on_time_fictional,,\n")


def test_the_command_takes_where_column_and_measure(data):
    res = run_cli("import-comparators", "fernvale", str(OFLOG), "--metric",
                  "complaints_on_time_fictional", "--where", "Code=FIC3", "--measure",
                  "fv_s1_on_time", root=data.parent)
    assert res.returncode == 0, res.stderr
    assert "Took the rows where 'Code' is FIC3: 24 of 168." in res.stdout
    res = run_cli("import-comparators", "fernvale", str(MIXED), "--metric", METRIC, "--column",
                  "period=period", "--column", "value=value", "--where", "indicator=ESC1",
                  root=data.parent)
    assert res.returncode == 0, res.stderr
    assert "5 figures added" in res.stdout


@pytest.mark.parametrize(("given", "expected"), [
    ("2016/17", ("2016/17", None)),
    ("2016-17", ("2016/17", None)),
    ("2016/2017", ("2016/17", None)),
    ("2016 - 17", ("2016/17", None)),
    ("2021-22 Q1", ("2021/22 Q1", None)),
    ("2019", (None, "'2019' is a calendar year, but a comparator figure is for a financial year "
                    "(2019/20)")),
    ("2016-18", (None, "'2016/18' does not span two consecutive years")),
    ("2016/2018", (None, "'2016/2018' is not a period in the form YYYY/YY")),
    ("FY16", (None, "'FY16' is not a period in the form YYYY/YY")),
])
def test_periods_as_the_services_write_them(given, expected):
    assert exports.financial_year(given) == expected


FINGERTIPS = ("Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,"
              "Sex,Age,Time period,Value,Count,Denominator,Value note\n")


def fingertips_row(code: str, name: str, sex: str, period: str, value: str) -> str:
    return (f"90999,A fictional indicator,E10999999,Fernshire (fictional),{code},{name},"
            f"District,{sex},All ages,{period},{value},,,\n")


def test_a_fingertips_shaped_export_picks_persons_with_where(data, tmp_path):
    path = tmp_path / "fingertips-fictional.csv"
    path.write_text(FINGERTIPS + "".join(
        fingertips_row(c, n, sex, "2019/20", v) for c, n, v in
        [("E07990101", "Alderford", "8.0"), ("E07990103", "Coldwater", "6.1")]
        for sex in ("Persons", "Female")), encoding="utf-8")
    with pytest.raises(DataError) as err:
        import_comparators("fernvale", path, METRIC, data)
    assert str(err.value).splitlines()[1] == (
        f"  - {path}, row 3, column 'Value': repeats row 2 (E07990101, 2019/20). Fix: the two "
        "rows differ in 'Sex' (Persons, Female): keep the rows of one with --where "
        "\"Sex=Persons\"")
    said = import_comparators("fernvale", path, METRIC, data, where=["Sex=Persons"])
    assert said.splitlines()[1:4] == [
        "Read 'Area Code' as the area code, 'Area Name' as the area name, 'Time period' as the "
        "period, 'Value' as the value.",
        "Took the rows where 'Sex' is Persons: 2 of 4.",
        "Ignored columns: Indicator ID, Indicator Name, Parent Code, Parent Name, Area Type, Age, "
        "Count, Denominator, Value note."]


def test_any_other_layout_is_read_with_column(data, tmp_path):
    path = tmp_path / "other-fictional.csv"
    path.write_text("Geog,Label,When,Figure,Note\nE07990101,Alderford,2019-20,8.3,fictional\n",
                    encoding="utf-8")
    said = import_comparators("fernvale", path, METRIC, data, columns=[
        "area=Geog", "area_name=Label", "period=When", "value=Figure"])
    assert said.splitlines()[1:3] == [
        "Read 'Geog' as the area code, 'Label' as the area name, 'When' as the period, 'Figure' "
        "as the value.",
        "Ignored columns: Note."]
    assert values(data).endswith(
        "E07990101,Alderford (fictional),escalated_fictional,2019/20,8.3,other-fictional.csv\n")


def test_a_bare_code_column_is_the_area_only_when_it_holds_area_codes(data, tmp_path):
    path = tmp_path / "codes-fictional.csv"
    path.write_text("Code,Name,Period,Value\nE07990103,Coldwater,2019/20,6.2\n", encoding="utf-8")
    said = import_comparators("fernvale", path, METRIC, data)
    assert "Read 'Code' as the area code, 'Name' as the area name" in said
    # the Office for Local Government's columns renamed by hand: its Code is the measure's
    path.write_text("period,Local authority code,Code,value\n2018-19,E07990103,FIC3,6.3\n",
                    encoding="utf-8")
    said = import_comparators("fernvale", path, METRIC, data)
    assert said.splitlines()[1:3] == [
        "Read 'Local authority code' as the area code, 'period' as the period, 'value' as the "
        "value.", "Ignored columns: Code."]


#: Refusals: (what the file holds, the command's options, the first problem, word for word).
REFUSED = [
    ("mixed, calendar", f"{HEAD}\nESC1,E07990101,A,2019,5.0\n", {},
     "row 2, column 'period': '2019' is a calendar year, but a comparator figure is for a "
     "financial year (2019/20). Fix: download the figures by financial year (like 2019/20), as "
     "every comparator is compared with the report year"),
    ("where: no column", f"{HEAD}\nESC1,E07990101,A,2019/20,5.0\n", {"where": ["indicatr=ESC1"]},
     "row 1, column 'indicatr': the file has no such column for --where. Fix: is 'indicator' "
     "meant? name a column as the header writes it: indicator, area code, area name, period, "
     "value"),
    ("where: no row", f"{HEAD}\nESC1,E07990101,A,2019/20,5.0\nVOL2,E07990101,A,2019/20,3\n",
     {"where": ["indicator=ESC9"]},
     "column 'indicator': no row has indicator ESC9. Fix: pick one of the values the column "
     "holds: ESC1, VOL2"),
    ("column: no header", f"{HEAD}\nESC1,E07990101,A,2019/20,5.0\n",
     {"columns": ["value=Figure"]},
     "row 1, column 'Figure': the file has no such column. Fix: name a column as the header "
     "writes it: indicator, area code, area name, period, value"),
    ("Oflog's Code is no area", "Financial year,Code,Value\n2019-20,FIC3,5.0\n", {},
     "row 1: no column of the header is the area code. Fix: name them with --column, e.g. "
     "--column area=\"Area Code\" --column period=\"Time period\" --column value=Value (perflib "
     "reads LG Inform's layout, the Office for Local Government's and a long table of area "
     "code, period and value by their own names)"),
    ("a note below the table", f"{HEAD}\nESC1,E07990101,A,2019/20,5.0\nSource: fictional\n", {},
     "row 3: has 1 cells but the header has 5. Fix: delete the line if it is a note below the "
     "table, or quote any cell that holds a comma"),
    ("a cell past the bound", f'{HEAD}\nESC1,E07990101,"{"x" * 10_000_000},2019/20,5.0\n', {},
     "row 2, column 'area name': a cell may hold 100,000 characters, but this one is longer "
     "than that. Fix: close the quote left open at the start of the cell (the rest of the file "
     "then runs into it), or shorten the cell"),
]


@pytest.mark.parametrize(("text", "options", "first"), [r[1:] for r in REFUSED],
                         ids=[r[0] for r in REFUSED])
def test_a_refused_export_names_row_column_and_fix_and_writes_nothing(data, tmp_path, text,
                                                                     options, first):
    path = tmp_path / "refused-fictional.csv"
    path.write_text(text, encoding="utf-8")
    before = snapshot(data)
    with pytest.raises(DataError) as err:
        import_comparators("fernvale", path, METRIC, data, **options)
    assert str(err.value).splitlines()[1] == f"  - {path}, {first}"
    assert snapshot(data) == before


def test_a_metric_metrics_csv_does_not_name_says_how_to_add_it(data):
    with pytest.raises(DataError) as err:
        import_comparators("fernvale", MIXED, "volunteer_hours_fictional", data,
                           where=["indicator=ESC1"])
    assert str(err.value).splitlines()[1] == (
        f"  - {data / 'fernvale/comparators/metrics.csv'}, column 'metric': no row names the "
        "metric 'volunteer_hours_fictional'. Fix: add a row for it (measure_id,metric,"
        "national_code,national_label, e.g. fv_calls,volunteer_hours_fictional,E92000001,England "
        "average; leave the last two empty when no national figure is compared), or run again "
        "with --measure MEASURE_ID to add it")


@pytest.mark.parametrize(("options", "words"), [
    ({"where": ["indicator"]}, "--where 'indicator' is not of the form --where COLUMN=VALUE, "
                               "e.g. --where Code=ASC1"),
    ({"columns": ["place=Area"]}, "--column 'place=Area': 'place' is not a role; use area, "
                                  "area_name, period, value"),
])
def test_a_malformed_option_is_refused(data, options, words):
    with pytest.raises(ParameterError) as err:
        import_comparators("fernvale", MIXED, METRIC, data, **options)
    assert str(err.value) == words


def test_a_ten_million_character_cell_exits_2_naming_the_file_and_line(data, tmp_path):
    path = tmp_path / "huge-fictional.csv"
    path.write_text(f'area code,period,value\nE07990101,2019/20,"{"9" * 10_000_000}"\n',
                    encoding="utf-8")
    res = run_cli("import-comparators", "fernvale", str(path), "--metric", METRIC,
                  root=data.parent)
    assert res.returncode == 2
    assert f"{path}, row 2, column 'value': a cell may hold 100,000 characters" in res.stderr


# ------------------------------------------------------------------------- figures below zero

BACKLOG = "planning_backlog_fictional"


@pytest.fixture
def brackenfield(data_copy: Path) -> Path:
    shutil.copytree(FIXTURES / "brackenfield", data_copy / "brackenfield")
    return data_copy


def test_a_metric_compared_with_a_measure_that_may_go_below_zero_takes_figures_below_it(
        brackenfield, tmp_path):
    """Brackenfield's planning backlog may go below zero (days ahead of the timetable): so may
    its neighbours' figures, as a benchmarking club publishes them."""
    path = tmp_path / "backlog-fictional.csv"
    path.write_text("area code,area name,period,value\n"
                    "E07990201,Ashcombe (fictional),2022/23,-7\n"
                    "E07990202,Corley Vale (fictional),2022/23,3\n")
    said = import_comparators("brackenfield", path, BACKLOG, brackenfield)
    assert "  added E07990201 2022/23: -7" in said.splitlines()
    assert f"E07990201,Ashcombe (fictional),{BACKLOG},2022/23,-7,backlog-fictional.csv" in (
        brackenfield / "brackenfield/comparators/values.csv").read_text()


def test_a_figure_below_zero_is_refused_where_the_measure_may_not_go_below_it(brackenfield,
                                                                              tmp_path):
    path = tmp_path / "bins-fictional.csv"
    path.write_text("area code,area name,period,value\nE07990201,Ashcombe (fictional),2022/23,-7\n")
    before = snapshot(brackenfield)
    with pytest.raises(DataError) as err:
        import_comparators("brackenfield", path, "missed_bins_fictional", brackenfield)
    assert str(err.value).splitlines()[1:] == [
        f"  - {path}, row 2, column 'value': -7 is below 0. Fix: write a number of at least 0, "
        "digits only (no commas, % or £); if the measure the metric is compared with may go "
        "below zero (a backlog, a variance), write yes in its may_be_negative column in "
        "measures.csv"]
    assert snapshot(brackenfield) == before
