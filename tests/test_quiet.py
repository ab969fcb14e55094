"""Quiet success, short failure: a perflib error in a notebook is its message, not a traceback.

In JupyterLab (IPython), under papermill's command line and in an export; and a run that worked
prints no kernel noise. Real IPython and real kernels throughout.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from perflib.errors import DataError, ParameterError, Problem
from perflib.run.engine import excepthook

BAD_YEAR = re.compile(r"^ParameterError: year 2031/32 is not held for portfolio 'cfe' "
                      r"\(held: \d{4}/\d{2}(, \d{4}/\d{2})*\)$")
CELL = "from perflib.notebook import load\nreport = load('cfe', '2031/32')"


@pytest.fixture
def shell():
    """A real IPython shell, as a kernel has, printing what a cell's error shows."""
    from IPython.core.interactiveshell import InteractiveShell

    sh = InteractiveShell.instance()
    yield sh
    InteractiveShell.clear_instance()


def run_cell(shell, capsys, code: str) -> list[str]:
    """What the cell's error shows, line by line, without colours."""
    result = shell.run_cell(code)
    assert result.error_in_exec is not None
    out = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    return out.rstrip("\n").split("\n")


def test_a_bad_parameter_in_a_cell_shows_its_one_line(shell, capsys, monkeypatch):
    monkeypatch.delenv("PERFLIB_DEBUG", raising=False)
    lines = run_cell(shell, capsys, CELL)
    assert len(lines) == 1 and BAD_YEAR.match(lines[0]), lines


def test_a_data_error_in_a_cell_shows_its_problems_and_nothing_else(shell, capsys, monkeypatch):
    monkeypatch.delenv("PERFLIB_DEBUG", raising=False)
    shell.user_ns["error"] = DataError([Problem("data/cfe/observations.csv", 7, "value",
                                                "'ninety' is not a number", "write a number")])
    assert run_cell(shell, capsys, "raise error") == [
        "DataError: 1 problem in the data:",
        "  - data/cfe/observations.csv, row 7, column 'value': 'ninety' is not a number. "
        "Fix: write a number"]


def test_perflib_debug_brings_the_full_traceback_back(shell, capsys, monkeypatch):
    monkeypatch.setenv("PERFLIB_DEBUG", "1")
    out = "\n".join(run_cell(shell, capsys, CELL))
    assert "Traceback" in out and "perflib/data/report.py" in out and "raise ParameterError" in out
    assert "year 2031/32 is not held" in out


def test_other_errors_keep_their_traceback(shell, capsys, monkeypatch):
    monkeypatch.delenv("PERFLIB_DEBUG", raising=False)
    out = "\n".join(run_cell(shell, capsys, "def f():\n    return 1 / 0\nf()"))
    assert "ZeroDivisionError" in out and "return 1 / 0" in out


def papermill_error(ename: str, evalue: str, traceback: list[str]):
    from papermill.exceptions import PapermillExecutionError

    return PapermillExecutionError(2, 3, CELL, ename, evalue, traceback)


def test_papermill_prints_a_cell_failing_with_a_perflib_error_as_one_line():
    evalue = "year 2031/32 is not held for portfolio 'cfe' (held: 2019/20, 2020/21)"
    exc = papermill_error("ParameterError", evalue, [f"ParameterError: {evalue}"])
    assert excepthook.cell_failure(exc) == f"cell [3] failed: ParameterError: {evalue}"


def test_papermill_keeps_the_traceback_of_anything_else():
    frames = ["\x1b[31m---------\x1b[0m", "\x1b[31mDataError\x1b[0m Traceback (most recent call last)"]
    assert excepthook.cell_failure(papermill_error("DataError", "pandas' own", frames)) is None
    assert excepthook.cell_failure(papermill_error("KeyError", "'x'", ["KeyError: 'x'"])) is None
    assert excepthook.cell_failure(ParameterError("not from a cell")) is None


def test_the_hook_is_installed_once_and_passes_other_exceptions_on(monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: seen.append(args[1]))
    excepthook.install()
    excepthook.install()
    hook = sys.excepthook
    assert hook.perflib
    error = KeyError("x")
    hook(KeyError, error, None)
    assert seen == [error]


# ipykernel puts back its saved SIGINT handler after each message: the mark goes there
INTERRUPTED = """
import pathlib
get_ipython().kernel.saved_sigint_handler = (
    lambda *a: pathlib.Path({mark!r}).write_text("interrupted"))
"""


@pytest.mark.parametrize("manager", ["perflib", "jupyter_client"])
def test_a_finished_kernel_is_shut_down_without_an_interrupt(tmp_path, manager):
    """jupyter_client interrupts a kernel before shutting it down, and an idle ipykernel logs
    "KeyboardInterrupt caught in kernel" for it; perflib's kernels are shut down without one."""
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync

    from perflib.run.engine.ipc import IPCKernelManager

    mark = tmp_path / "interrupted"
    km = IPCKernelManager() if manager == "perflib" else AsyncKernelManager()
    run_sync(km.start_kernel)(stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=60)
        reply = run_sync(kc.execute_interactive)(INTERRUPTED.format(mark=str(mark)), timeout=60)
        assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        run_sync(km.shutdown_kernel)()
    time.sleep(0.2)
    assert mark.exists() == (manager == "jupyter_client")


def test_an_export_refused_inside_a_server_raises_and_exits_only_nbconvert(monkeypatch):
    """Under jupyter nbconvert a refusal is its message and exit 1; in any other application
    (JupyterLab's server, which shares traitlets' instance slot with NbConvertApp) it raises, so
    the server answers with the message instead of stopping the thread that exports."""
    import nbformat
    from jupyter_core.application import JupyterApp
    from nbconvert.nbconvertapp import NbConvertApp

    from perflib.exporters import ReportHTMLExporter
    from perflib.formats.page import ExportError

    monkeypatch.delenv("PERFLIB_DEBUG", raising=False)

    class Server(JupyterApp):
        pass

    # not a perflib report, so refused before anything runs
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    for app, raised, says in ((Server, ExportError, "not a perflib report"),
                              (NbConvertApp, SystemExit, "1")):
        app.instance()
        try:
            with pytest.raises(raised, match=says):
                ReportHTMLExporter().from_notebook_node(other)
        finally:
            app.clear_instance()
