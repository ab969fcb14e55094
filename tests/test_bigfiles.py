"""Large files: a valid one loads, and many problems of one kind give a screenful (never timed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from perflib.data import comparators as data
from perflib.data import specs
from perflib.data.csvfile import read_csv
from perflib.errors import CAP, DataError, Problem, count

ROWS = 100_000


def fictional_values(path: Path, rows: int, bad_every: int = 0) -> None:
    """A fictional national comparator file: invented areas, metrics and figures.

    Each column's few distinct cells are made once and picked per row by pyarrow (numpy's string
    functions took seven seconds over a million rows; this takes half of one).
    """
    i = np.arange(rows)
    k = np.arange(400).astype(str)
    first = np.arange(1900, 1901 + (rows - 1) // 20_000)

    def pick(cells: np.ndarray, which: np.ndarray) -> pa.Array:
        return pa.array(cells).take(pa.array(which))

    codes = pick(np.char.add("E0899", np.char.zfill(k, 4)), i % 400)
    names = pick(np.char.add('"Fictional Area ', np.char.add(k, ', City of"')), i % 400)
    metrics = pick(np.char.add("fictional_metric_", np.arange(50).astype(str)), i // 400 % 50)
    periods = pick(np.char.add(np.char.add(first.astype(str), "/"),
                               np.char.zfill(((first + 1) % 100).astype(str), 2)), i // 20_000)
    values = pc.cast(pa.array(np.round(np.random.default_rng(0).uniform(0, 100, rows), 1)),
                     pa.string())
    values = pc.if_else(pc.match_substring(values, "."), values,  # 64.0, as Python prints it
                        pc.binary_join_element_wise(values, "0", "."))
    if bad_every:
        values = pc.if_else(pa.array(i % bad_every == 0), "n/a", values)
    body = pc.binary_join_element_wise(codes, names, metrics, periods, values,
                                       "fictional source\n", ",")
    path.write_text("area_code,area_name,metric,period,value,source\n" + "".join(body.to_pylist()),
                    encoding="utf-8")


@pytest.fixture
def project(tmp_path, monkeypatch):
    from perflib import config

    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    return tmp_path


def test_valid_large_file_loads_with_no_problems(project):
    path = project / "values.csv"
    fictional_values(path, ROWS)
    problems: list[Problem] = []
    t = read_csv(path, specs.VALUES, problems, key=("area_code", "metric", "period"))
    data.check_values(t, problems)
    assert problems == []
    assert len(t.frame) == ROWS and t.lines[-1] == ROWS + 1
    assert t.frame["area_name"].iloc[3] == "Fictional Area 3, City of"
    assert t.frame["value"].dtype == float


def test_many_errors_of_one_kind_give_a_screenful(project):
    path = project / "values.csv"
    fictional_values(path, ROWS, bad_every=2)
    problems: list[Problem] = []
    read_csv(path, specs.VALUES, problems, key=("area_code", "metric", "period"))
    assert len(problems) == CAP and count(problems) == ROWS // 2  # the rest counted, not worded
    first = problems[0]
    assert (first.row, first.column) == (2, "value") and "'n/a' is not a number" in first.message
    text = str(DataError(problems))
    lines = text.splitlines()
    assert len(lines) == 1 + CAP + 1, "the count, ten problems, then how many more"
    assert lines[0] == f"{ROWS // 2:,} problems in the data:"
    assert [f"row {2 + 2 * k}," in lines[1 + k] for k in range(CAP)] == [True] * CAP
    assert lines[-1].endswith(f"and {ROWS // 2 - CAP:,} more rows like this in column 'value'")


def test_many_duplicate_rows_are_capped(project):
    path = project / "values.csv"
    fictional_values(path, 1_000)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text.split("\n", 1)[1], encoding="utf-8")
    problems: list[Problem] = []
    read_csv(path, specs.VALUES, problems, key=("area_code", "metric", "period"))
    assert len(problems) == CAP and count(problems) == 1_000
    assert problems[0].row == 1_002 and "repeats row 2" in problems[0].message
    out = str(DataError(problems)).splitlines()
    assert len(out) == 12 and "and 990 more rows like this" in out[-1]


def test_many_rows_with_a_stray_comma(project):
    path = project / "values.csv"
    fictional_values(path, 5_000)
    text = path.read_text(encoding="utf-8").replace(",fictional source", ",fictional, source")
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    assert read_csv(path, specs.VALUES, problems) is not None
    assert count(problems) == 5_000 and problems[0].row == 2
    assert "has 7 cells but the header has 6" in problems[0].message
    assert len(str(DataError(problems)).splitlines()) == 12


# --- the fast reader's edge cases, checked by their messages and lines ------------------------

HEADER = "area_code,area_name,metric,period,value,source\n"
VALUES = specs.VALUES


def _read(project, text: str, newline: str = "\n", bom: bool = False):
    path = project / "values.csv"
    data = (HEADER + text).replace("\n", newline).encode("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    problems: list[Problem] = []
    t = read_csv(path, VALUES, problems,
                 key=("area_code", "metric", "period"))
    return t, [(p.row, p.column, p.message) for p in problems]



@pytest.mark.parametrize("rows", [
    100_000,  # seven megabytes: pyarrow reads it in blocks, so the count crosses their seams
    pytest.param(1_000_000, marks=pytest.mark.e2e, id="a million"),  # the size the reader is for
])
def test_a_row_with_too_many_cells_among_many_is_named_by_its_line(project, rows):
    path = project / "values.csv"
    fictional_values(path, rows)
    lines = path.read_text(encoding="utf-8").split("\n")
    bad = rows * 7 // 10  # index in lines: line bad + 1 of the file
    lines[bad] = lines[bad].replace(",fictional source", ",fictional, source")
    path.write_text("\n".join(lines), encoding="utf-8")
    problems: list[Problem] = []
    t = read_csv(path, VALUES, problems, key=("area_code", "metric", "period"))
    assert [(p.row, p.column, p.message) for p in problems] == [
        (bad + 1, None, "has 7 cells but the header has 6")]
    assert len(t.frame) == rows - 1 and t.lines[bad - 2:bad - 1] == [bad]
    assert t.lines[bad - 1] == bad + 2


def test_quoted_cells_keep_their_commas_and_quotes(project):
    t, problems = _read(project, 'E08000007,"Stockport, Metropolitan ""Borough""",m,2020/21,'
                                 '"1.5",src\n')
    assert problems == []
    assert t.frame["area_name"].tolist() == ['Stockport, Metropolitan "Borough"']
    assert t.frame["value"].tolist() == [1.5]


def test_byte_order_mark_and_crlf_line_ends(project):
    for bom in (False, True):
        t, problems = _read(project, "E08000007,Stockport,m,2020/21,1,src\n"
                                     "E08000008,Tameside,m,2020/21,x,src\n", "\r\n", bom)
        assert problems == [(3, "value", "'x' is not a number")]
        assert t.frame["source"].tolist() == ["src", "src"] and t.lines == [2, 3]


def test_blank_lines_are_skipped_and_later_lines_keep_their_numbers(project):
    t, problems = _read(project, "\nE08000007,Stockport,m,2020/21,1,src\n\n\n,,,,,\n   \n,,\n"
                                 "E08000008,Tameside,m,2020/21,2,src,extra\n"
                                 "E08000009,Trafford,m,2020/21,,src\n\n")
    assert problems == [(9, None, "has 7 cells but the header has 6"),
                        (10, "value", "is empty")]
    assert t.lines == [3, 10]


def test_surrounding_spaces_are_stripped(project):
    t, problems = _read(project, " E08000007 ,  Stockport\t, m ,2020/21 , 1.5 ,src  \n"
                                 "E08000008,\u00a0Tameside\u00a0,m,2020/21,2,src\n")
    assert problems == []
    assert t.frame["area_code"].tolist() == ["E08000007", "E08000008"]
    assert t.frame["area_name"].tolist() == ["Stockport", "Tameside"]
    assert t.frame["value"].tolist() == [1.5, 2.0]
    assert t.frame["area_name"].dtype == object and t.frame["value"].dtype == float


def test_a_cell_running_over_two_lines_keeps_file_lines_right(project):
    t, problems = _read(project, 'E08000007,"Stock\nport",m,2020/21,1,src\n'
                                 "E08000008,Tameside,m,2020/21,x,src\n"
                                 "E08000009,Trafford,m,2020/21,1\n")
    assert problems == [(4, "value", "'x' is not a number"),
                        (5, None, "has 5 cells but the header has 6")]
    assert t.frame["area_name"].tolist() == ["Stock\nport", "Tameside"]


def test_empty_text_is_none_and_bad_numbers_nan(project):
    t, problems = _read(project, "E08000007,,m,2020/21,n/a,src\n")
    assert problems == [(2, "area_name", "is empty"), (2, "value", "'n/a' is not a number")]
    assert t.frame["area_name"].tolist() == [None]
    assert np.isnan(t.frame["value"].iloc[0])


HEADER = "area_code,area_name,metric,period,value,source\n"
ROW = "E08990001,Fictional Area,fictional_metric,2020/21,50.0,fictional source\n"
LONG = "x" * 10_000_000


@pytest.mark.parametrize(("body", "line", "column", "size"), [
    (f'E08990001,"{LONG}",fictional_metric,2020/21,50.0,s\n', 3, "area_name", None),
    (f'E08990001,"{LONG[:120_000]}",fictional_metric,2020/21,50.0,s\n', 3, "area_name",
     "holds 120,000 characters"),
    (f'E08990001,Fictional Area,fictional_metric,2020/21,50.0,"{LONG}\n', 3, "source", None),
    (f'E08990001,"{LONG[:120_000]}\nmore",fictional_metric,2020/21,50.0,s\n', 3, "area_name",
     "holds 120,005 characters"),
])
def test_a_cell_past_the_bound_is_refused_naming_line_and_column(project, body, line, column,
                                                                 size):
    path = project / "values.csv"
    path.write_text(HEADER + ROW + body + ROW, encoding="utf-8")
    problems: list[Problem] = []
    assert read_csv(path, specs.VALUES, problems) is None
    assert [str(p) for p in problems] == [
        f"{path}, row {line}, column '{column}': a cell may hold 100,000 characters, but this one "
        f"{size or 'is longer than that'}. Fix: close the quote left open at the start of the "
        "cell (the rest of the file then runs into it), or shorten the cell"]


def test_a_data_file_with_a_ten_million_character_cell_exits_2(data_copy):
    from tests.test_build import run_cli

    obs = data_copy / "cfe/observations.csv"
    lines = obs.read_text(encoding="utf-8").splitlines(keepends=True)
    assert ",actual," in lines[2]
    lines[2] = lines[2].replace(",actual,", f',"{LONG}",', 1)
    obs.write_text("".join(lines), encoding="utf-8")
    res = run_cli("check", "--data", str(data_copy), root=data_copy.parent)
    assert res.returncode == 2
    assert f"{obs}, row 3, column 'figure_kind': a cell may hold 100,000 characters" in res.stderr


def _peak(run) -> tuple[float, int]:
    """Seconds ``run`` takes, and the most memory Python held while it ran (tracemalloc)."""
    import time
    import tracemalloc

    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        run()
        return seconds, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_file_of_bad_rows_costs_no_more_than_a_good_one(project):
    """Each row a different bad period: counted past the cap, never worded (flat memory)."""
    rows = 100_000
    good, bad = project / "good.csv", project / "values.csv"
    fictional_values(good, rows)
    lines = good.read_text(encoding="utf-8").split("\n")
    body = [",".join([*ln.split(",")[:4], f"{i:09d}", *ln.split(",")[5:]])
            for i, ln in enumerate(lines[1:-1])]  # the period (after a quoted name) 9 digits
    bad.write_text("\n".join([lines[0], *body, ""]), encoding="utf-8")
    found: list[Problem] = []

    def read(path: Path) -> None:
        found.clear()
        read_csv(path, specs.VALUES, found, key=("area_code", "metric", "period"))
        found.append(Problem(path, None, None, str(DataError(found)), ""))  # worded, as shown

    good_s, good_peak = _peak(lambda: read(good))
    bad_s, bad_peak = _peak(lambda: read(bad))
    text = found[-1].message.splitlines()
    assert text[0] == f"{rows:,} problems in the data:"
    assert text[1].endswith("row 2, column 'period': '000000000' is not a period in the form "
                            "YYYY/YY. Fix: write the period like 2020/21")
    assert text[-1] == f"  - {bad}: and {rows - CAP:,} more rows like this in column 'period'"
    assert len(text) == 1 + CAP + 1
    assert bad_peak < 1.25 * good_peak, (bad_peak, good_peak)  # no message object per row
    assert bad_s < 3 * good_s + 2, (bad_s, good_s)
