"""Warm kernels: reused across notebooks, yet each notebook sees what a fresh kernel would show."""

from __future__ import annotations

import copy
import threading
from pathlib import Path

import nbformat
import papermill
import pytest

from perflib import config
from perflib.run.engine import papermill_engine, plain, warm
from tests.conftest import notebook

pytestmark = pytest.mark.e2e

POLLUTE = [
    "import os, matplotlib, pandas as pd, matplotlib.pyplot as plt",
    "leftover = 42\nmatplotlib.rcParams['lines.linewidth'] = 9\nplt.figure()\n"
    "pd.set_option('display.max_rows', 3)\nos.environ['PERFLIB_POLLUTED'] = '1'\nos.chdir('/')",
]
PROBE = [
    "import os, matplotlib, pandas as pd, matplotlib.pyplot as plt",
    "print('leftover' in globals(), matplotlib.rcParams['lines.linewidth'], len(plt.get_fignums()),"
    " pd.get_option('display.max_rows'), os.environ.get('PERFLIB_POLLUTED'), os.getcwd())",
    "print(os.getpid())",
]


def run(src: Path, out: Path, engine: str | None, **params) -> nbformat.NotebookNode:
    papermill_engine.register()
    kw = {"engine_name": engine} if engine else {"kernel_manager_class": plain.PlainKernelManager}
    return papermill.execute_notebook(str(src), str(out), parameters=params, kernel_name="python3",
                                      progress_bar=False, cwd=str(src.parent), **kw)


def stdout(nb, i: int) -> str:
    return "".join(o.get("text", "") for o in nb.cells[i].outputs if o.output_type == "stream")


def outputs(nb) -> list:
    """Every code cell's outputs and execution count, without timing metadata."""
    cells = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        outs = copy.deepcopy(c.outputs)
        for o in outs:
            o.pop("metadata", None)
        cells.append((c.execution_count, outs))
    return cells


@pytest.fixture
def fresh_thread_kernel():
    """Each test gets its own warm kernel, shut down at the end."""
    warm.discard()
    yield
    warm.discard()


def test_a_notebook_leaves_nothing_for_the_next(tmp_path, fresh_thread_kernel):
    pollute = notebook(tmp_path / "pollute.ipynb", POLLUTE)
    probe = notebook(tmp_path / "probe.ipynb", PROBE)
    clean = run(probe, tmp_path / "clean.ipynb", None)
    run(pollute, tmp_path / "p.ipynb", "perflib_warm")
    first = warm.current()
    after = run(probe, tmp_path / "after.ipynb", "perflib_warm")
    assert warm.current() is first  # the same kernel ran both notebooks
    assert stdout(after, 1) == stdout(clean, 1)  # no global, rcParams, figure, option, env, cwd
    assert stdout(after, 1).startswith("False 1.5 0 60 None")
    assert [c.execution_count for c in after.cells] == [c.execution_count for c in clean.cells]
    # a second notebook on the same kernel: same process as the previous one
    again = run(probe, tmp_path / "again.ipynb", "perflib_warm")
    assert stdout(again, 2) == stdout(after, 2)


def test_a_failed_notebook_gets_a_fresh_kernel_next(tmp_path, fresh_thread_kernel):
    probe = notebook(tmp_path / "probe.ipynb", PROBE)
    failing = notebook(tmp_path / "fail.ipynb", ["broken = 1", "1 / 0"])
    before = run(probe, tmp_path / "a.ipynb", "perflib_warm")
    with pytest.raises(papermill.PapermillExecutionError):
        run(failing, tmp_path / "b.ipynb", "perflib_warm")
    after = run(probe, tmp_path / "c.ipynb", "perflib_warm")
    assert stdout(after, 2) != stdout(before, 2)  # another kernel process
    assert stdout(after, 1) == stdout(before, 1)


def test_a_dead_kernel_is_replaced(tmp_path, fresh_thread_kernel):
    probe = notebook(tmp_path / "probe.ipynb", PROBE)
    run(probe, tmp_path / "a.ipynb", "perflib_warm")
    process = warm.current().km.provisioner.process
    process.kill()
    process.wait()  # (asked of current() again, the kernel might already be its replacement)
    assert "False" in stdout(run(probe, tmp_path / "b.ipynb", "perflib_warm"), 1)


def test_report_notebooks_match_a_fresh_kernel(tmp_path, fresh_thread_kernel):
    """Every report notebook, run one after another on one warm kernel (after a notebook that
    pollutes it), gives the same cell outputs as on a fresh kernel of its own."""
    run(notebook(tmp_path / "pollute.ipynb", POLLUTE), tmp_path / "p.ipynb", "perflib_warm")
    names = ["annual_report", "complaints", "digital_inclusion", "museum_visits"]
    params = {"portfolio": "cfe", "year": "2020/21"}
    warm_nbs = {n: run(config.NOTEBOOKS_DIR / f"{n}.ipynb", tmp_path / f"w-{n}.ipynb",
                       "perflib_warm", **params) for n in names}
    for n in names:
        fresh = run(config.NOTEBOOKS_DIR / f"{n}.ipynb", tmp_path / f"f-{n}.ipynb", None, **params)
        assert outputs(warm_nbs[n]) == outputs(fresh), n
        assert any(o for _, o in outputs(fresh)), n  # the comparison compared something


def test_warm_kernels_are_per_thread(fresh_thread_kernel):
    here = warm.current()
    there = []
    t = threading.Thread(target=lambda: there.append(warm.current()) or warm.discard())
    t.start()
    t.join()
    assert there and there[0] is not here
