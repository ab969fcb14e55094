"""The notebooks' defaults are the project's own: another council's analyst can Run All.

A notebook committed with empty parameters runs on the first portfolio (Cabinet's order in
council.yaml, else by id) that declares its report, and that portfolio's latest year; a build
still names both. Every portfolio here is fictional (tests/fixtures/fictional).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from perflib.errors import ParameterError
from tests.conftest import scratch_project
from tests.test_corporate import ASHDOWN

FICTIONAL = Path(__file__).parent / "fixtures" / "fictional"


@pytest.fixture
def district(tmp_path, monkeypatch) -> Path:
    """A scratch project of the fictional district council's two portfolios, and no seed."""
    return scratch_project(tmp_path / "project", monkeypatch, {
        "parks": FICTIONAL / "parks", "housing": FICTIONAL / "housing"}, seed=False)


def test_empty_parameters_take_the_first_portfolio_that_declares_the_report(district):
    from perflib.notebook import load

    r = load("", "", "", kind="annual")
    assert (r.portfolio.id, r.year) == ("housing", "2021/22")  # the first by id
    r = load(kind="complaints")
    assert (r.portfolio.id, r.year) == ("housing", "2021/22")
    r = load("parks", "")
    assert (r.portfolio.id, r.year) == ("parks", "2021/22")
    with pytest.raises(ParameterError) as e:
        load(kind="museum_visits")
    assert str(e.value) == (f"no portfolio under {district / 'data'} declares the museum_visits "
                            "report, so there is no default to take: give the portfolio in the "
                            "notebook's parameters cell (held: housing, parks)")


def test_council_yaml_orders_the_portfolios_and_quarters_default_to_the_latest(tmp_path,
                                                                               monkeypatch):
    from perflib.notebook import load
    from perflib.reports import corporate_figures, quarterly

    root = scratch_project(tmp_path / "project", monkeypatch, seed=False)
    shutil.copytree(ASHDOWN, root / "data")
    r = load(kind="annual")
    assert (r.portfolio.id, r.year) == ("leisure", "2021/22")  # Cabinet's first, not by id
    q = quarterly.load(load(kind="quarterly"))
    assert (q.report.portfolio.id, q.quarter) == ("streets", "Q2")  # Q3 has no figures yet
    assert corporate_figures.load().year == "2021/22"  # the latest any portfolio holds


@pytest.mark.e2e
@pytest.mark.parametrize(("notebook", "says"), [
    ("annual_report", "Communities and Culture (fictional) Portfolio Performance and Resources "
                      "Annual Report 2021/22"),
    ("quarterly_report", "Communities and Culture (fictional) Mid-year Performance Monitoring "
                         "Report 2021/22"),
    # no council.yaml and no cover of its own: a draft, as the build would make it
    ("corporate_report", "DRAFT: Council-wide Corporate Performance Report 2021/22"),
])
def test_papermill_with_no_parameters_runs_on_another_councils_data(tmp_path, monkeypatch,
                                                                    notebook, says):
    """A scratch project that holds only a fictional council's portfolio, and no seed."""
    root = scratch_project(tmp_path / "project", monkeypatch,
                           {"fernvale": FICTIONAL / "fernvale"}, seed=False)
    out = tmp_path / "out.ipynb"
    res = subprocess.run([sys.executable, "-m", "papermill", f"notebooks/{notebook}.ipynb",
                          str(out), "--no-progress-bar"], cwd=root, capture_output=True,
                         text=True, timeout=300, env={**os.environ, "PERFLIB_ROOT": str(root)})
    assert res.returncode == 0, res.stderr
    nb = nbformat.read(out, as_version=4)
    shown = [o.get("data", {}).get("text/plain", "") for c in nb.cells
             for o in c.get("outputs", [])]
    assert shown[0].splitlines()[0] == says  # the cover's title, as the report prints it
    assert "Fernvale Borough Council (fictional)" in "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
