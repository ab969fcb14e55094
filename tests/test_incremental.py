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


def test_the_edited_report_is_published_first_then_what_depends_on_it(project, capfd):
    """The corporate report, which reads the edited portfolio, runs once its report is out."""
    path = project / "data/cfe/2020-21/commentary.md"
    path.write_text(path.read_text() + "\nA sentence written for the order of publication.\n")
    capfd.readouterr()
    build(jobs=2)
    said = capfd.readouterr().err.splitlines()
    assert [x for x in said if x.startswith(("  running", "  executed", "  published"))] == [
        "  running     cfe 2020/21 annual_report (edited)",
        "  running     council 2020/21 corporate_report (depends on cfe)",
        *[x for x in said if x.startswith("  executed    cfe 2020/21 annual_report (")],
        "  published   cfe 2020/21 (edited)",
        *[x for x in said if x.startswith("  executed    council 2020/21 corporate_report (")],
        "  published   council 2020/21 (depends on cfe)",
        "  published   the front page, index.html (depends on cfe)"]
    corporate = (project / "reports/council/2020-21/build-log.json").read_text()
    annual = (project / "reports/cfe/2020-21/build-log.json").read_text()
    assert "data/cfe/2020-21/commentary.md" in corporate  # it read the edit too
    assert annual != corporate


def test_facts_edit_rebuilds_only_the_deep_dives(project):
    path = project / "data/cfe/facts.csv"
    path.write_text(path.read_text().replace(",2875,", ",2876,"))
    assert stale(config.REPORTS_DIR, force=False) == 8
    summary = build(jobs=2)
    assert set(summary.built) == {f"cfe {y} {n}" for y in ("2019/20", "2020/21")
                                  for n in ("complaints", "digital_inclusion", "museum_visits")
                                  } | CORPORATE


def test_force_rebuilds_everything(project, capfd):
    assert stale(config.REPORTS_DIR, force=True) == sys.maxsize
    assert set(build(portfolio="cfe", year="2019/20", force=True, jobs=2).built) == {
        x for x in CFE if "2019/20" in x}
    # everything runs: no report is the edited one, or waits for one
    assert "(edited)" not in capfd.readouterr().err


def test_a_portfolio_removed_from_data_is_withdrawn_and_kept(tmp_path, monkeypatch):
    """Two fictional portfolios built; one's folder moved out of data/; the next build."""
    import os
    import shutil
    from pathlib import Path

    from tests.conftest import scratch_project
    from tests.test_build import run_cli

    fictional = Path(__file__).parent / "fixtures" / "fictional"
    root = scratch_project(tmp_path / "project", monkeypatch, {
        "parks": fictional / "parks", "housing": fictional / "housing"}, seed=False)
    out = root / "reports"
    res = run_cli("build", "--jobs", "2", root=root)
    assert res.returncode == 0, res.stderr
    assert (out / "housing" / "2021-22" / "complaints.pdf").is_file()
    assert "Housing Services (fictional)" in (out / "index.html").read_text(encoding="utf-8")
    shutil.move(root / "data" / "housing", tmp_path / "housing")
    res = run_cli("build", "--jobs", "2", root=root)
    assert res.returncode == 0, res.stderr
    shelf = out / ".versions" / "withdrawn"
    [kept] = [p for p in shelf.iterdir() if p.is_dir()]
    assert [line for line in res.stderr.splitlines() if "withdrawn" in line] == [
        "  withdrawn   housing 2021/22: data/ holds no portfolio 'housing' any more; kept in "
        f"reports/.versions/withdrawn/{kept.name} until the reports are cleaned"]
    assert (kept / "complaints.pdf").is_file() and (kept / "annual_report.html").is_file()
    # nothing of it is published: no folder, no file reached from the reports folder, no link
    assert not (out / "housing").exists()
    published = [os.path.join(here, f) for here, dirs, files in os.walk(out, followlinks=True)
                 if ".versions" not in Path(here).relative_to(out).parts for f in files]
    assert not [f for f in published if "housing" in f]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Housing" not in index and "housing/" not in index
    assert "<h1>Fictional District Council: performance reports</h1>" in index
    assert "2 reports in 1 portfolio and the council-wide corporate reports" in index
    # the corporate report, which read both, is made again from the one portfolio held
    corporate = (out / "council" / "2021-22" / "corporate_report.html").read_text()
    assert "Parks and Leisure (fictional)" in corporate and "Housing" not in corporate
