"""Comparators from the national data services: fictional exports in both layouts, merged.

Every export and portfolio here is fictional (tests/fixtures/fictional/lginform, fernvale, parks).
"""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from perflib.collect.lginform import import_comparators
from perflib.errors import DataError
from tests.test_build import run_cli
from tests.test_scaffold import snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"
EXPORTS = FIXTURES / "lginform"
METRIC = "escalated_fictional"


@pytest.fixture
def data(data_copy: Path) -> Path:
    for name in ("fernvale", "parks"):
        shutil.copytree(FIXTURES / name, data_copy / name)
    return data_copy


def values(data: Path, portfolio: str = "fernvale") -> str:
    return (data / portfolio / "comparators/values.csv").read_text()


def test_an_lg_inform_export_is_merged_without_duplicates(data):
    held = values(data)
    said = import_comparators("fernvale", EXPORTS / "escalated-lginform.csv", METRIC, data,
                              source="LG Inform (fictional export)")
    assert said.splitlines()[0] == ("escalated-lginform.csv (LG Inform layout), "
                                    "escalated_fictional: 5 figures added, 0 replaced, 5 already "
                                    "held; 2 cells without a figure left out.")
    text = values(data)
    assert text.startswith(held)  # every row held is kept as it was, and none twice
    assert text[len(held):] == (
        "E92000001,England,escalated_fictional,2020/21,6.9,LG Inform (fictional export)\n"
        "E07990100,Fernvale (fictional),escalated_fictional,2020/21,8.2,LG Inform (fictional export)\n"
        "E07990100,Fernvale (fictional),escalated_fictional,2021/22,7.4,LG Inform (fictional export)\n"
        "E07990101,Alderford (fictional),escalated_fictional,2020/21,8.1,LG Inform (fictional export)\n"
        "E07990103,Coldwater (fictional),escalated_fictional,2020/21,5.5,LG Inform (fictional export)\n")
    before = snapshot(data)
    again = import_comparators("fernvale", EXPORTS / "escalated-lginform.csv", METRIC, data)
    assert "0 figures added, 0 replaced, 10 already held" in again and "Nothing to change" in again
    assert snapshot(data) == before


def test_a_long_export_takes_names_from_the_figures_held(data):
    said = import_comparators("fernvale", EXPORTS / "escalated-long.csv", METRIC, data)
    assert "(long layout)" in said and "3 figures added" in said
    assert values(data).endswith(
        "E92000001,England,escalated_fictional,2019/20,7.2,escalated-long.csv\n"
        "E07990101,Alderford (fictional),escalated_fictional,2019/20,8.4,escalated-long.csv\n"
        "E07990103,Coldwater (fictional),escalated_fictional,2019/20,6.0,escalated-long.csv\n")


def test_a_figure_that_differs_from_one_held_is_shown_and_needs_replace(data):
    before = snapshot(data)
    path = EXPORTS / "escalated-revised.csv"
    with pytest.raises(DataError) as err:
        import_comparators("fernvale", path, METRIC, data, source="revised (fictional)")
    held = data / "fernvale/comparators/values.csv"
    assert str(err.value).splitlines()[1] == (
        f"  - {path}, row 2, column 'value': E07990104 escalated_fictional 2021/22 is 7.4 here, "
        f"but {held} holds 7.1 (row 6, source: A fictional benchmarking club). Fix: run again "
        "with --replace to take this export's figures, or leave the export out")
    assert snapshot(data) == before
    said = import_comparators("fernvale", path, METRIC, data, source="revised (fictional)",
                              replace=True)
    assert "0 figures added, 1 replaced, 1 already held" in said
    assert values(data).splitlines()[5] == \
        "E07990104,Dunmere (fictional),escalated_fictional,2021/22,7.4,revised (fictional)"


def test_every_bad_line_is_named_and_nothing_written(data):
    before = snapshot(data)
    path = EXPORTS / "escalated-broken.csv"
    with pytest.raises(DataError) as err:
        import_comparators("fernvale", path, METRIC, data)
    assert str(err.value).splitlines()[1:] == [
        f"  - {path}, row 2, column 'area code': 'E0799010' is not an ONS area code. Fix: write "
        "the nine-character GSS code, e.g. E08000007 for Stockport or E92000001 for England",
        f"  - {path}, row 3, column 'value': 'lots' is not a number. Fix: write a number of at "
        "least 0, digits only (no commas, % or £)",
        f"  - {path}, row 4, column 'value': 150 is above 100%, but the metric is compared with "
        "fv_escalated, a percentage. Fix: write the percentage between 0 and 100, without %; if "
        "this measure may pass 100, write yes in its may_exceed_100 column in measures.csv",
        f"  - {path}, row 6, column 'value': repeats row 5 (E07990103, 2018/19). Fix: delete the "
        "duplicate or correct its key"]
    assert snapshot(data) == before


def test_a_portfolio_without_comparators_gets_the_folder_whole(data):
    with pytest.raises(DataError) as err:
        import_comparators("parks", EXPORTS / "escalated-lginform.csv", METRIC, data)
    assert str(err.value).splitlines()[1] == (
        f"  - {data / 'parks/comparators'}: the portfolio has no comparators folder yet, so no "
        "metrics.csv names 'escalated_fictional'. Fix: run again with --measure MEASURE_ID (the "
        "measure this metric is compared with) to start the folder with the metric named in its "
        "metrics.csv")
    assert not (data / "parks/comparators").exists()
    said = import_comparators("parks", EXPORTS / "escalated-lginform.csv", METRIC, data,
                              source="LG Inform (fictional export)",
                              measure="pitch_bookings_on_time")
    folder = data / "parks/comparators"
    assert sorted(p.name for p in folder.iterdir()) == ["metrics.csv", "neighbours.csv",
                                                        "values.csv"]
    assert (folder / "neighbours.csv").read_text() == "area_code,area_name,role,source\n"
    assert (folder / "metrics.csv").read_text() == (
        "measure_id,metric,national_code,national_label\n"
        "pitch_bookings_on_time,escalated_fictional,,\n")
    assert said.splitlines()[-2:] == [
        "Added escalated_fictional to comparators/metrics.csv, compared with "
        "pitch_bookings_on_time (no national figure: name its area in national_code and "
        "national_label to print one).",
        f"Wrote {folder / 'values.csv'} and {folder / 'metrics.csv'}."]
    assert values(data, "parks").count("\n") == 11  # the header and ten figures
    from perflib.data.portfolio import read_portfolio

    assert read_portfolio("parks", data)[1] == []


def test_the_command_exits_2_naming_the_line(data):
    root = data.parent
    res = run_cli("import-comparators", "fernvale", str(EXPORTS / "escalated-revised.csv"),
                  "--metric", METRIC, root=root)
    assert res.returncode == 2 and "row 2, column 'value': E07990104" in res.stderr
    res = run_cli("import-comparators", "fernvale", str(EXPORTS / "escalated-revised.csv"),
                  "--metric", METRIC, "--replace", "--source", "fictional", root=root)
    assert res.returncode == 0, res.stderr
    assert "1 replaced" in res.stdout


@pytest.mark.e2e
def test_an_oflog_export_imported_in_one_command_ranks_the_council_without_a_national_figure(
        tmp_path, monkeypatch):
    """Fernvale's copy takes a measure from the Office-for-Local-Government-shaped fixture (seven
    measures, no national row) with one command, then is built: every format says its rank."""
    from docx import Document

    from tests.conftest import scratch_project
    from tests.test_foreign import text_of_pdf

    root = scratch_project(tmp_path / "project", monkeypatch, {"fernvale": FIXTURES / "fernvale"},
                           seed=False)
    res = run_cli("import-comparators", "fernvale", str(EXPORTS / "oflog-fictional.csv"),
                  "--metric", "complaints_on_time_fictional", "--where", "Code=FIC3",
                  "--measure", "fv_s1_on_time", "--source",
                  "Office for Local Government (fictional export)", root=root)
    assert res.returncode == 0, res.stderr
    assert "14 figures added" in res.stdout
    res = run_cli("build", "--portfolio", "fernvale", root=root)
    assert res.returncode == 0, res.stderr
    out = root / "reports/fernvale/2021-22"
    said = ("Comparator: Fernvale 89.8%, ranked 2nd of 4 among the council and its nearest "
            "neighbours in 2021/22 (quartile 2 of 4, 1 = best); 1 of its 4 nearest neighbours "
            "have no 2021/22 figure. Source: Office for Local Government (fictional export).")
    html = unescape((out / "annual_report.html").read_text(encoding="utf-8"))
    plain_html = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert said in plain_html
    assert said in text_of_pdf(out / "annual_report.pdf")
    doc = Document(str(out / "annual_report.docx"))
    assert said in [p.text for p in doc.paragraphs]
    md = (out / "annual_report.md").read_text(encoding="utf-8")
    assert said.replace("Comparator:", "**Comparator:**") in " ".join(md.split())
    # the chart of the four with figures, named in its alt text, with no national line
    assert ("best first: Alderford (fictional) 91.4%, Fernvale (fictional) (this council) 89.8%, "
            "Coldwater (fictional) 88.5%, Brackenby (fictional) 86.0%. The council's bar is "
            "hatched and marked with a diamond.") in html
    # the measure with a national figure still prints it, and its rank as before
    assert "England average 2021/22: 6.6%; Fernvale 6.4%" in plain_html


def test_a_figure_far_from_its_last_is_warned_of_and_a_formula_source_is_written_as_text(
        data, tmp_path):
    from perflib.data.portfolio import load_portfolio

    export = tmp_path / "escalated-next.csv"  # fictional: Alderford's 7.9 falls tenfold
    export.write_text("Area code,Period,Value\nE07990101,2022/23,0.79\nE07990102,2022/23,5.9\n")
    formula = '=HYPERLINK("http://x","LG Inform")'
    said = import_comparators("fernvale", export, METRIC, data, source=formula)
    assert "2 figures added" in said
    assert said.splitlines()[-2:] == [
        "1 figure far from its last (a warning, not an error: check it; it may be right):",
        "  E07990101 2022/23: escalated_fictional: 0.79% for 2022/23 is 10 times lower than 7.9% "
        "for 2021/22 [line 2]"]
    assert values(data).endswith(  # as CSV quotes it: "'=HYPERLINK(""http://x"",...)"
        "E07990102,Brackenby (fictional),escalated_fictional,2022/23,5.9,\"'"
        + formula.replace('"', '""') + '"\n')
    v = load_portfolio("fernvale", data).comparators.values.frame
    assert set(v.loc[v["period"] == "2022/23", "source"]) == {formula}  # read back as meant
