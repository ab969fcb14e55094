"""Large files: a valid one loads, and many problems of one kind give a screenful (never timed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from perflib.data import comparators as data
from perflib.data.schema import read_csv
from perflib.errors import CAP, DataError, Problem

ROWS = 100_000


def fictional_values(path: Path, rows: int, bad_every: int = 0) -> None:
    """A fictional national comparator file: invented areas, metrics and figures."""
    i = np.arange(rows)
    codes = np.char.add("E0899", np.char.zfill((i % 400).astype(str), 4))
    names = np.char.add('"Fictional Area ', np.char.add((i % 400).astype(str), ', City of"'))
    metrics = np.char.add("fictional_metric_", (i // 400 % 50).astype(str))
    first = 1900 + i // 20_000
    periods = np.char.add(np.char.add(first.astype(str), "/"),
                          np.char.zfill(((first + 1) % 100).astype(str), 2))
    values = np.round(np.random.default_rng(0).uniform(0, 100, rows), 1).astype(str)
    if bad_every:
        values[::bad_every] = "n/a"
    body = np.char.add(np.char.add(np.char.add(codes, ","), names), ",")
    body = np.char.add(np.char.add(np.char.add(body, metrics), ","), periods)
    body = np.char.add(np.char.add(np.char.add(body, ","), values), ",fictional source")
    path.write_text("area_code,area_name,metric,period,value,source\n" + "\n".join(body) + "\n",
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
    t = read_csv(path, data.VALUES, problems, key=("area_code", "metric", "period"))
    data.check_values(t, problems)
    assert problems == []
    assert len(t.frame) == ROWS and t.lines[-1] == ROWS + 1
    assert t.frame["area_name"].iloc[3] == "Fictional Area 3, City of"
    assert t.frame["value"].dtype == float


def test_many_errors_of_one_kind_give_a_screenful(project):
    path = project / "values.csv"
    fictional_values(path, ROWS, bad_every=2)
    problems: list[Problem] = []
    read_csv(path, data.VALUES, problems, key=("area_code", "metric", "period"))
    assert len(problems) == ROWS // 2
    first = problems[0]
    assert (first.row, first.column) == (2, "value") and "'n/a' is not a number" in first.message
    text = str(DataError(problems))
    lines = text.splitlines()
    assert len(lines) == 1 + CAP + 1, "the count, ten problems, then how many more"
    assert lines[0] == f"{ROWS // 2} problems in the data:"
    assert [f"row {2 + 2 * k}," in lines[1 + k] for k in range(CAP)] == [True] * CAP
    assert lines[-1].endswith(f"and {ROWS // 2 - CAP:,} more like this in column 'value'")


def test_many_duplicate_rows_are_capped(project):
    path = project / "values.csv"
    fictional_values(path, 1_000)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text.split("\n", 1)[1], encoding="utf-8")
    problems: list[Problem] = []
    read_csv(path, data.VALUES, problems, key=("area_code", "metric", "period"))
    assert len(problems) == 1_000
    assert problems[0].row == 1_002 and "repeats row 2" in problems[0].message
    out = str(DataError(problems)).splitlines()
    assert len(out) == 12 and "and 990 more like this" in out[-1]


def test_many_rows_with_a_stray_comma(project):
    path = project / "values.csv"
    fictional_values(path, 5_000)
    text = path.read_text(encoding="utf-8").replace(",fictional source", ",fictional, source")
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    assert read_csv(path, data.VALUES, problems) is not None
    assert len(problems) == 5_000 and problems[0].row == 2
    assert "has 7 cells but the header has 6" in problems[0].message
    assert len(str(DataError(problems)).splitlines()) == 12
