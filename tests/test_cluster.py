"""The Dask engine: a real 2-worker LocalCluster builds the same reports as a local build, and a
worker killed mid-build ends in complete reports or a clean failure."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from perflib.errors import PerflibError
from perflib.present import blocks

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as c:
        yield c


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def outline(notebook: Path) -> str:
    """An executed notebook's title, headings, tables and charts, as its blocks give them."""
    return blocks.outline(blocks.from_notebook(json.loads(notebook.read_text(encoding="utf-8"))))


def snapshot(reports: Path) -> dict[str, str]:
    return {str(p.relative_to(reports)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(reports.glob("cfe/*/*")) if p.is_file()}


def test_cluster_build_equals_local_build(cluster, built, tmp_path, monkeypatch):
    from perflib.run.build import build
    from tests.conftest import scratch_project

    out = scratch_project(tmp_path / "project", monkeypatch) / "reports"
    summary = build(out=out, scheduler=cluster.scheduler_address)
    assert len(summary.built) == 10 and not summary.failed  # 8 of cfe's, 2 corporate
    for year in ("2019-20", "2020-21"):
        # the corporate report reads every portfolio and council/ on a worker with no data
        here, there = built / "council" / year, out / "council" / year
        assert pdf_text(there / "corporate_report.pdf") == pdf_text(here / "corporate_report.pdf")
        assert outline(there / "corporate_report.ipynb") == outline(here / "corporate_report.ipynb")
        here, there = built / "cfe" / year, out / "cfe" / year
        for csv in ("measures.csv", "complaints.csv", "digital_inclusion.csv", "museum_visits.csv"):
            assert (there / csv).read_bytes() == (here / csv).read_bytes(), csv
        for nb in ("annual_report", "complaints", "digital_inclusion", "museum_visits"):
            assert pdf_text(there / f"{nb}.pdf") == pdf_text(here / f"{nb}.pdf"), nb
            assert outline(there / f"{nb}.ipynb") == outline(here / f"{nb}.ipynb"), nb


def test_killing_a_worker_mid_build_leaves_complete_reports(cluster, project):
    from distributed import Client

    from perflib.run.build import build

    reports = project / "reports"
    before = snapshot(reports)
    killed = []

    def kill_a_busy_worker():
        with Client(cluster.scheduler_address, set_as_default=False) as c:
            deadline = time.time() + 120
            while time.time() < deadline and not killed:
                busy = [w for w, keys in c.processing().items()
                        if any(str(k).startswith("perflib-") for k in keys)]
                if busy:
                    time.sleep(1.0)  # let the notebook get going
                    pid = c.run(os.getpid, workers=[busy[0]])[busy[0]]
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                time.sleep(0.1)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    error = None
    try:
        summary = build(force=True, scheduler=cluster.scheduler_address)
    except PerflibError as exc:  # a clean failure is acceptable; half a report is not
        error, summary = exc, None
    killer.join()
    assert killed, "no worker was killed"
    after = snapshot(reports)
    assert set(after) == set(before)  # every report complete: same files, none missing
    for folder in (reports / "cfe").glob("[0-9]*"):  # year folders, not the marker
        assert folder.is_symlink() and folder.resolve().is_dir()
    if error is None:
        assert len(summary.built) == 10 and not summary.failed  # 8 of cfe's, 2 corporate
    else:  # what failed kept its last good outputs
        assert error.exit_code == 1


def test_a_worker_without_a_browser_has_the_client_print_for_it(built, tmp_path, monkeypatch,
                                                                capfd):
    """The workers cannot start Chromium; the client prints their reports, and says so once each."""
    from distributed import LocalCluster

    from perflib.run.build import build
    from tests.conftest import scratch_project

    out = scratch_project(tmp_path / "project", monkeypatch) / "reports"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      env={"PERFLIB_CHROMIUM": "/nonexistent/chromium"}) as blind:
        summary = build(out=out, year="2020/21", scheduler=blind.scheduler_address)
    assert len(summary.built) == 5 and not summary.failed  # cfe's 4 and the corporate report
    err = capfd.readouterr().err
    # the worker says so in its log as it starts, the client once as it prints for it
    assert "no browser on this worker, so the client prints its PDFs" in err
    said = [line for line in err.splitlines() if line.startswith("  no browser")]
    assert len(said) == 1, said
    assert said[0].startswith("  no browser  on tcp://127.0.0.1:")
    assert "so this machine prints its PDFs: PERFLIB_CHROMIUM is set to /nonexistent/chromium" \
        in said[0]
    for nb in ("annual_report", "complaints", "digital_inclusion", "museum_visits"):
        assert pdf_text(out / "cfe/2020-21" / f"{nb}.pdf") == pdf_text(
            built / "cfe/2020-21" / f"{nb}.pdf"), nb
    assert pdf_text(out / "council/2020-21/corporate_report.pdf") == pdf_text(
        built / "council/2020-21/corporate_report.pdf")


def test_a_portfolio_whose_check_fails_on_a_worker_is_refused_and_the_others_published(
        cluster, tmp_path, monkeypatch, capfd):
    """The check runs on a worker; the client says what a local check says, and exits 2."""
    import shutil

    from perflib.errors import DataError
    from perflib.reports.checks import load_all
    from perflib.run.build import build
    from tests.conftest import scratch_project

    root = scratch_project(tmp_path / "project", monkeypatch, seed=False)
    shutil.copytree(Path(__file__).parent / "fixtures/fictional/ashdown", root / "data")
    measures = root / "data/streets/measures.csv"
    measures.write_text(measures.read_text(encoding="utf-8").replace(",High,", ",Higher,", 1),
                        encoding="utf-8")
    with pytest.raises(DataError) as here:  # what a check on this machine says
        load_all(root / "data")
    capfd.readouterr()
    with pytest.raises(DataError) as there:
        build(scheduler=cluster.scheduler_address)
    assert there.value.exit_code == 2
    assert str(there.value) == str(here.value)  # every file, row, column and fix, as here
    assert f"{measures}, row " in str(there.value) and "'Higher'" in str(there.value)
    err = capfd.readouterr().err
    assert ("  refused     streets: its data has problems (below), so none of its reports is run "
            "or published") in err
    assert ("  refused     council: the corporate reports read streets, whose data has "
            "problems") in err
    reports = root / "reports"
    assert not (reports / "streets").exists() and not (reports / "council").exists()
    for folder in ("leisure/2020-21", "leisure/2021-22", "care/2020-21"):
        assert (reports / folder / "annual_report.pdf").is_file(), folder
        assert (reports / folder).is_symlink()  # published whole
    assert "built 3, up to date 0, failed 0" in err


def test_a_report_of_the_portfolios_own_builds_on_the_cluster(cluster, tmp_path, monkeypatch):
    """Its notebook is declared by its path under notebooks/, which a worker must have too."""
    import yaml

    from perflib.reports.starter import new_report
    from perflib.run.build import build
    from tests.conftest import scratch_project

    root = scratch_project(tmp_path / "project", monkeypatch)
    spec = root / "data/cfe/portfolio.yaml"
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    doc["reports"] = {"annual": {}}
    spec.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    new_report("cfe", "repairs", root / "data")
    summary = build("cfe", "2020/21", root / "reports", scheduler=cluster.scheduler_address)
    assert sorted(summary.built) == ["cfe 2020/21 annual_report", "cfe 2020/21 repairs"]
    folder = root / "reports/cfe/2020-21"
    assert (folder / "repairs.csv").read_text(encoding="utf-8") == (
        "Rating,Measures\nGreen,6\nAmber,4\nRed,3\nNot rated,2\n")
    assert "Citizen Focus and Engagement Repairs: deep dive 2020/21" in pdf_text(
        folder / "repairs.pdf")
