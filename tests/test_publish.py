"""Unattended runs: atomic publishing, one build at a time, and a log that traces every input."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from perflib import config
from perflib.formats import formats

pytestmark = pytest.mark.e2e


def snapshot(reports: Path) -> dict[str, str]:
    """Checksums of every published file, reached through the report folders' links."""
    return {str(p.relative_to(reports)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(reports.glob("cfe/*/*")) if p.is_file()}


def cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "perflib.cli", *args], stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env=os.environ.copy())


def test_killing_a_build_halfway_leaves_the_last_good_reports(project):
    reports = project / "reports"
    before = snapshot(reports)
    # per year: 4 reports, each as its notebook and every format, 5 CSVs, the log
    assert len(before) == 2 * (4 * (1 + len(formats())) + 5 + 1)
    proc = cli("build", "--force", "--jobs", "2")
    seen = []
    for line in proc.stderr:  # wait until notebooks are really running, then kill everything
        seen.append(line)
        if "executed" in line:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert any("executed" in s for s in seen)
    assert snapshot(reports) == before
    for folder in (reports / "cfe").glob("[0-9]*"):  # year folders, not the marker
        assert folder.is_symlink() and folder.resolve().is_dir()
    # the next build clears what the killed one left and publishes normally
    res = subprocess.run([sys.executable, "-m", "perflib.cli", "build", "--year", "2019/20"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    live = {p.resolve() for folder in ("cfe", "council") for p in (reports / folder).glob("[0-9]*")}
    assert {p for p in (reports / ".versions").iterdir() if p.name != ".perflib-reports"} == live


def test_a_second_build_at_once_is_refused_clearly(project):
    reports = project / "reports"
    before = snapshot(reports)
    with FileLock(str(reports / ".perflib-build.lock")):
        res = subprocess.run([sys.executable, "-m", "perflib.cli", "build", "--force"],
                             capture_output=True, text=True, timeout=120)
    assert res.returncode == 4
    assert "another build is writing" in res.stderr
    assert snapshot(reports) == before


def test_build_log_traces_the_inputs(built):
    log = json.loads((built / "cfe/2020-21/build-log.json").read_text())
    assert log["year"] == "2020/21" and log["perflib"]
    entry = log["notebooks"]["annual_report"]
    for name in ("data/cfe/observations.csv", "data/cfe/2020-21/commentary.md",
                 "notebooks/annual_report.ipynb"):
        expected = hashlib.sha256((config.PROJECT_ROOT / name).read_bytes()).hexdigest()
        assert entry["inputs"][name] == expected
    assert "data/cfe/2020-21/commentary.md" not in log["notebooks"]["complaints"]["inputs"]
    assert set(entry["files"]) >= {"annual_report.pdf", "annual_report.html", "measures.csv"}
    assert entry["parameters"]["year"] == "2020/21"
    assert time.strptime(entry["built"], "%Y-%m-%dT%H:%M:%S")


def test_a_printer_whose_browser_crashed_prints_again() -> None:
    """A watch keeps one printer for hours: a crashed Chromium fails one PDF, not every one after."""
    import io

    import psutil
    from pypdf import PdfReader

    from perflib.formats.pdf import Printer

    html = '<html lang="en-GB"><head><title>T</title></head><body><h1>Report {}</h1></body></html>'
    with Printer() as printer:
        printer.pdf(html.format(1), "T")
        browsers = [p for p in psutil.Process().children(recursive=True) if "chrom" in p.name()]
        assert browsers
        for p in browsers:
            p.kill()
        psutil.wait_procs(browsers, timeout=10)
        from playwright.sync_api import Error

        with pytest.raises(Error):  # the page it was printing into is gone
            printer.pdf(html.format(2), "T")
        text = PdfReader(io.BytesIO(printer.pdf(html.format(3), "T"))).pages[0].extract_text()
    assert "Report 3" in text


def test_a_build_stopped_part_way_keeps_what_it_published_whole_and_indexed(project):
    """Each report folder is published as soon as its reports are back, not at the end."""
    reports = project / "reports"
    before = snapshot(reports)
    proc = cli("build", "--force", "--jobs", "1")
    published = []
    for line in proc.stderr:  # the portfolio's first year is out: stop the build there
        if line.startswith("  published"):
            published.append(line.split()[1:])
            if published[-1][0] == "cfe":
                break
    # the corporate reports, the longest notebooks, run and are published first
    assert published == [["council", "2019/20"], ["council", "2020/21"], ["cfe", "2019/20"]]
    os.killpg(proc.pid, signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, rest
    assert "each report folder published before it is complete" in rest
    assert "Traceback" not in rest, rest  # the build's message, not its helpers' stacks
    after = snapshot(reports)
    assert set(after) == set(before)  # every report there, whole
    new = [f for f in after if after[f] != before[f]]
    assert {f.split("/")[1] for f in new} == {"2019-20"}, "only the published year changed"
    assert "cfe/2019-20/build-log.json" in new and "cfe/2019-20/annual_report.pdf" in new
    log = json.loads((reports / "cfe/2019-20/build-log.json").read_text())
    for entry in log["notebooks"].values():  # what the log lists is there
        for name in entry["files"]:
            assert (reports / "cfe/2019-20" / name).is_file(), name
    index = (reports / "index.html").read_text(encoding="utf-8")  # written as the build stopped
    assert f'<time datetime="{log["notebooks"]["annual_report"]["built"]}">' in index
    assert "2019-20/annual_report.pdf" in index and "2020-21/annual_report.pdf" in index
    live = {p.resolve() for folder in ("cfe", "council") for p in (reports / folder).glob("[0-9]*")}
    assert {p for p in (reports / ".versions").iterdir() if p.name != ".perflib-reports"} == live
