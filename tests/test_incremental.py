"""Incremental builds: nothing rebuilt when nothing changed, exactly the readers of an edit otherwise."""

from __future__ import annotations

import sys

import pytest

from perflib import config
from perflib.run.build import build
from perflib.run.logs import stale

pytestmark = pytest.mark.e2e
CFE = {f"cfe {y} {n}" for y in ("2019/20", "2020/21")
       for n in ("annual_report", "complaints", "digital_inclusion", "museum_visits")}
# the corporate report reads every portfolio's data (its data-quality section reports the
# problems of each portfolio's commentary and facts too), so any edit of them rebuilds it
CORPORATE = {"council 2019/20 corporate_report", "council 2020/21 corporate_report"}
ALL = CFE | CORPORATE


def test_unchanged_rebuild_rebuilds_nothing(project):
    assert stale(config.REPORTS_DIR, force=False) == 0  # so no kernel is started ahead
    summary = build(jobs=1)
    assert summary.built == [] and set(summary.skipped) == ALL


def test_commentary_edit_rebuilds_only_its_report(project):
    path = project / "data/cfe/2020-21/commentary.md"
    path.write_text(path.read_text() + "\nOne more sentence for the test.\n")
    assert stale(config.REPORTS_DIR, force=False) == 2  # two kernels started ahead
    summary = build(jobs=1)
    rebuilt = {"cfe 2020/21 annual_report", "council 2020/21 corporate_report"}
    assert set(summary.built) == rebuilt
    assert set(summary.skipped) == ALL - rebuilt
    html = (project / "reports/cfe/2020-21/annual_report.html").read_text()
    assert "One more sentence for the test." in html


def test_facts_edit_rebuilds_only_the_deep_dives(project):
    path = project / "data/cfe/facts.csv"
    path.write_text(path.read_text().replace(",2875,", ",2876,"))
    assert stale(config.REPORTS_DIR, force=False) == 8
    summary = build(jobs=2)
    assert set(summary.built) == {f"cfe {y} {n}" for y in ("2019/20", "2020/21")
                                  for n in ("complaints", "digital_inclusion", "museum_visits")
                                  } | CORPORATE


def test_force_rebuilds_everything(project):
    assert stale(config.REPORTS_DIR, force=True) == sys.maxsize
    assert set(build(portfolio="cfe", year="2019/20", force=True, jobs=2).built) == {
        x for x in CFE if "2019/20" in x}
