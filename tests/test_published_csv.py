"""Clean data files: the CSVs published beside each report, byte for byte as the build writes them.

Paths relative to the project (never the building machine's folders), counts as whole numbers and
every figure to the decimals the report prints it with. The text checked is what each kind's
kernel hands the build (its :data:`DATA_MIME` bundle), which the build writes unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perflib import config
from perflib.present.blocks import DATA_MIME, Table, plain, walk
from perflib.reports import annual, complaints, digital_inclusion, museum_visits, quarterly
from perflib.reports.checks import load_report

FICTIONAL = Path(__file__).parent / "fixtures" / "fictional"


def published(thing: object) -> dict[str, str]:
    """The CSV files a report's publish cell hands the build: name -> text."""
    return thing._repr_mimebundle_()[DATA_MIME]["files"]


def lines(text: str) -> list[str]:
    return text.splitlines()


def test_data_quality_csv_names_files_as_the_project_does(data_copy):
    text = published(annual.data_files(load_report("cfe", "2020/21", data_copy)))["data-quality.csv"]
    root = str(data_copy.parent)
    assert root not in text and "/tmp" not in text
    assert ("2020/21,CFE1.2,complaints_s1_upheld,data/cfe/facts.csv,2,warning,Stage 1 complaints "
            "received in 2018/19 restated without a note,116 in this report,\"161 in the 2019/20 "
            "report, 116 in the 2020/21 report\",declare the change and its reason in the "
            "discrepancy column") in lines(text)
    files = {line.split(",")[3] for line in lines(text)[1:]}
    assert files == {"data/cfe/facts.csv", "data/cfe/observations.csv",
                     "data/cfe/2020-21/commentary.md"}
    assert all((data_copy.parent / f).is_file() for f in files), "each named as the project does"


def test_measures_csv_prints_counts_whole_and_figures_to_their_decimals():
    text = published(annual.data_files(load_report("cfe", "2020/21")))["measures.csv"]
    got = lines(text)
    assert ("2020/21,CFE3.1,museum_visits,Number of visits to Stockport museums,Partnership,High,"
            "count,2020/21,3484,,,actual,numerical,10000,Red,Red,,Getting worse,2019/20,156557,,,"
            ) in got
    assert ("2020/21,CFE2.1,digital_inclusion_people,Number of individuals supported to get online "
            "or improve their digital confidence and skills (cumulative),Partnership,High,"
            "cumulative count,2020/21,9387,,,actual,numerical,10000,Red,Red,,Getting better,"
            "2019/20,8425,,,") in got
    births = next(line for line in got if ",births_on_time," in line)
    # 74.2% of 2,562 of 3,452, a target printed as 98% (target_decimals 0), the national 54.6%
    assert ",74.2,2562,3452,actual,numerical,98,Red,Amber," in births
    assert births.endswith(",2019/20,98.0,54.6,National average 2020/21,\"Stockport CFE Portfolio "
                           "Performance and Resources Annual Report 2020/21, commentary on CFE1.9 "
                           "(\"\"the national average\"\")\"")
    cultural = next(line for line in got if ",cultural_engagements," in line)
    assert ",millions,2018/19,0.46,,,actual,none,,,,,Getting better,2017/18,0.21,,," in cultural


def test_deep_dive_csvs_print_counts_whole():
    r = load_report("cfe", "2020/21")
    c = published(complaints.data_files(complaints.compute(r)))["complaints.csv"]
    assert lines(c)[:3] == ["stage,measure,period,percent,number,out_of,target,report,figure_kind",
                            "Stage 1,on time,2017/18,90,,,,2019/20,actual",
                            "Stage 1,on time,2018/19,91.4,106,116,,2020/21,actual"]
    assert "Stage 2,upheld,2020/21,31.1,19,61,31,2020/21,actual" in lines(c)
    d = published(digital_inclusion.data_files(digital_inclusion.compute(r)))["digital_inclusion.csv"]
    assert "2020/21,digital_inclusion_people,2020/21,9387,actual,10000,measure,," in lines(d)
    assert ("2020/21,lending_purpose_education,2020/21,41,,,fact,percentage,Share of loaned "
            "devices used for education") in lines(d)
    m = published(museum_visits.data_files(museum_visits.compute(r)))["museum_visits.csv"]
    assert lines(m)[:2] == ["period,value,target,report,series,derived",
                            "2017/18,131379,,2019/20,visits per year,"]
    assert "2020/21 Q2,1837,,2020/21,visits by quarter,False" in lines(m)


@pytest.fixture
def fictional(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project holding the fictional housing and quarterly portfolios."""
    root = tmp_path / "project"
    shutil.copytree(FICTIONAL / "housing", root / "data" / "housing")
    shutil.copytree(FICTIONAL / "quarterly" / "riverside", root / "data" / "riverside")
    monkeypatch.setattr(config, "PROJECT_ROOT", root)
    monkeypatch.setattr(config, "DATA_DIR", root / "data")
    return root / "data"


def test_the_complaints_deep_dive_prints_percentages_as_the_annual_report_does(fictional):
    """30.0% in the annual report is 30.0% in the deep dive and its CSV, not 30%."""
    r = load_report("housing", "2021/22")
    (hs2,) = [row for b in walk(annual.priorities(r)) if isinstance(b, Table)
              for row in b.rows if plain(row[0]) == "HS2"]
    assert [plain(c) for c in hs2[2:5]] == ["20.0% (4 of 20)", "30.0% (6 of 20)", "25.0%"]
    d = complaints.compute(r)
    (upheld, _) = [b for b in walk(complaints.summary(d)) if isinstance(b, Table)]
    assert upheld.rows[1] == ["Stage 1 2021/22", "100", "28", "28.0%", "30.0%", "2021/22"]
    assert upheld.rows[3] == ["Stage 2 2021/22", "20", "6", "30.0%", "25.0%", "2021/22"]
    text = published(complaints.data_files(d))["complaints.csv"]
    assert "Stage 2,upheld,2021/22,30.0,6,20,25.0,2021/22,actual" in lines(text)


def test_the_complaints_deep_dive_prints_percentages_as_the_reports_did():
    d = complaints.compute(load_report("cfe", "2020/21"))
    (summary,) = complaints.summary(d)
    upheld = next(b for b in walk([summary]) if isinstance(b, Table))
    rows = {plain(row[0]): [plain(c) for c in row[3:5]] for row in upheld.rows}
    assert rows["Stage 1 2020/21"] == ["28.9%", "33%"]  # the 2020/21 register: 1 and 0 places
    assert rows["Stage 1 2019/20"] == ["33.9%", "34%"]  # restated by the 2020/21 report
    assert rows["Stage 1 2017/18"] == ["36%", "Not available"]  # as the 2019/20 report printed it


def test_quarterly_csv_prints_figures_as_the_report_does(fictional):
    q = quarterly.load(load_report("riverside", "2021/22"), "Q2")
    got = lines(published(quarterly.data_files(q))["quarterly_q2.csv"])
    assert ("2021/22,2021/22 Q2,NS1.2,visits,Visits to libraries (fictional),count,20067,,,actual,"
            "20000,40000,Green,10492,2021/22 Q1,9575,Getting better,2020/21 Q2,10679,"
            "Getting worse") in got
    assert ("2021/22,2021/22 Q2,NS1.1,calls_answered,Calls answered within 60 seconds (fictional),"
            "percentage,86.7,5232,6034,actual,90.0,90.0,Amber,87.3,2021/22 Q1,86.1,Getting better,"
            "2020/21 Q2,89.4,Getting worse") in got
