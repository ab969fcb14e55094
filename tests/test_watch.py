"""``perflib watch``: a real watch process, real edits, real rebuilds in Chromium."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from perflib.run.watch import READY

pytestmark = pytest.mark.e2e


class Watch:
    """A ``perflib watch`` process and the lines it writes to stderr."""

    def __init__(self, root: Path) -> None:
        env = {**os.environ, "PERFLIB_ROOT": str(root)}
        self.proc = subprocess.Popen([sys.executable, "-m", "perflib.cli", "watch", "--jobs", "1"],
                                     cwd=root, env=env, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def until(self, pattern: str, timeout: float = 120) -> list[str]:
        """The lines written up to and including the first one matching ``pattern``."""
        got, end = [], time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.proc.poll() is None, f"watch exited: {self.seen[-5:]}"
                continue
            got.append(line)
            self.seen.append(line)
            if re.search(pattern, line):
                return got
        raise AssertionError(f"no line like {pattern!r} in {timeout} s; last: {self.seen[-5:]}")


def kernel_processes(pid: int) -> list[psutil.Process]:
    """The kernels under process ``pid``: started afresh, or forked from its fork server."""
    found = []
    for p in psutil.Process(pid).children(recursive=True):
        parent = p.parent()
        if "perflib.run.engine.launch" in " ".join(p.cmdline()) or (
                parent is not None and "perflib.run.engine.forked" in " ".join(parent.cmdline())):
            found.append(p)
    return found


def test_watch_rebuilds_what_an_edit_changes_and_survives_bad_data(project: Path) -> None:
    report = project / "reports/cfe/2020-21"
    commentary = project / "data/cfe/2020-21/commentary.md"
    measures = project / "data/cfe/measures.csv"
    w = Watch(project)
    try:
        first = w.until(re.escape(READY))
        assert any(line.startswith("built 0, up to date 10, failed 0") for line in first), first
        # the kernel is forked once the fork server has imported pandas and the rest
        deadline = time.monotonic() + 60
        while not (kernels := kernel_processes(w.proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(kernels) == 1  # --jobs 1: one warm kernel, kept between builds

        # An edit to the commentary rebuilds the annual report (and the corporate report, whose
        # data-quality section counts the commentary's findings) only, on the same warm kernel.
        pdf_before = (report / "annual_report.pdf").read_bytes()
        with commentary.open("a", encoding="utf-8") as f:
            f.write("\nAn edit made while the watch ran.\n")
        lines = w.until(r"^built ")
        assert lines[-1].startswith("built 2, up to date 8, failed 0"), lines
        # the edited report first, then the corporate report made from it, then the front page
        assert [x for x in lines if x.startswith(("  running", "  published"))] == [
            "  running     cfe 2020/21 annual_report (edited)",
            "  running     council 2020/21 corporate_report (depends on cfe)",
            "  published   cfe 2020/21 (edited)",
            "  published   council 2020/21 (depends on cfe)",
            "  published   the front page, index.html (depends on cfe)"], lines
        assert "An edit made while the watch ran." in (report / "annual_report.html").read_text()
        assert (report / "annual_report.pdf").read_bytes() != pdf_before
        w.until(re.escape(READY))
        assert all(k.is_running() for k in kernels)

        # Bad data: the error names the file, nothing is published, and the watch goes on.
        good = measures.read_text(encoding="utf-8")
        measures.write_text(good.replace(",High,", ",Higher,", 1), encoding="utf-8")
        w.until(r"^perflib: \d+ problems? in the data")
        error = "\n".join(w.until(re.escape(READY)))
        assert "measures.csv" in error and "polarity" in error and "Higher" in error, error
        assert "An edit made while the watch ran." in (report / "annual_report.html").read_text()
        measures.write_text(good, encoding="utf-8")
        lines = w.until(r"^built ")
        assert lines[-1].startswith("built 0, up to date 10"), lines
        w.until(re.escape(READY))
    finally:
        w.proc.send_signal(signal.SIGTERM)
        code = w.proc.wait(timeout=60)
    assert code == 0
    assert not any(k.is_running() for k in kernels)  # no kernel outlives the watch
