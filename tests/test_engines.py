"""Both engines, and papermill on a fresh kernel, give a notebook the same outputs.

An analyst's own cells (a chart shown with ``plt.show()``, a figure left open, ``display()``, a
rich repr, a printed line and a DataFrame) must become the same outputs on perflib's warm kernels
as on a fresh ipykernel: real kernels, real papermill throughout. And a build whose warm kernels
cannot start runs on the plain engine, saying so once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from perflib import config
from perflib.run import engine
from perflib.run.engine import forked, warm
from tests.conftest import notebook, scratch_project

pytestmark = pytest.mark.e2e

PARAMS = {"portfolio": "cfe", "year": "2020/21"}

#: An analyst's own cells, added to a copy of the complaints deep dive before its last cell.
ANALYST_CELLS = [
    ("markdown", "## Analyst note\n\nStage 1 complaints fell again this year."),
    ("code", "import matplotlib.pyplot as plt\nimport pandas as pd\n\n"
             "received = pd.DataFrame({'year': ['2019/20', '2020/21'], 'complaints': [412, 389]})\n"
             "received.plot.bar(x='year', y='complaints', title='Complaints received')\n"
             "plt.show()"),
    ("code", "print('Figures from the complaints register.')\n"
             "pd.DataFrame({'stage': ['Stage 1', 'Stage 2'], 'upheld': [37, 6]})"),
]

#: Every way a cell shows something, as a fresh ipykernel shows it.
SHOWING = [
    "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()",
    "plt.figure()\nplt.plot([2, 1])",  # left open at the end of the cell
    "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})\ndisplay(df)\nprint('shown')",
    "class Rich:\n    def _repr_html_(self): return '<b>rich</b>'\n"
    "    def _repr_markdown_(self): return '**rich**'\nRich()",
    # after perflib's own charts, which once switched every kernel to Agg
    "from perflib.present import charts\ncharts.theme()\nplt.plot([3, 1])\nplt.show()",
]


def shapes(nb: nbformat.NotebookNode) -> list[list[tuple[str, ...]]]:
    """Each cell's outputs as (output type, mime types or stream name), in order."""
    return [[(o.output_type, *(sorted(o.get("data", {})) or [o.get("name", "")]))
             for o in c.get("outputs", [])] for c in nb.cells]


def analyst_notebook(path: Path) -> Path:
    """A copy of notebooks/complaints.ipynb with an analyst's cells added before its last."""
    nb = nbformat.read(config.NOTEBOOKS_DIR / "complaints.ipynb", as_version=4)
    made = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    nb.cells[-1:-1] = [made[kind](source) for kind, source in ANALYST_CELLS]
    nbformat.write(nb, path)
    return path


def fresh_papermill(src: Path, out: Path, cwd: Path, **params: str) -> nbformat.NotebookNode:
    """``papermill`` as a scheduler runs it: its command line, its engine, a fresh kernel."""
    args = [a for k, v in params.items() for a in ("-p", k, v)]
    subprocess.run([sys.executable, "-m", "papermill", str(src), str(out), *args, "--cwd",
                    str(cwd), "--no-progress-bar"], check=True, capture_output=True)
    return nbformat.read(out, as_version=4)


@pytest.fixture
def fresh_thread_kernel():
    warm.discard()
    yield
    warm.discard()


@pytest.mark.skipif(not forked.available(), reason="warm kernels are forked on Linux")
def test_every_way_a_cell_shows_something_is_the_same_on_every_engine(tmp_path,
                                                                     fresh_thread_kernel):
    src = notebook(tmp_path / "showing.ipynb", SHOWING)
    on = {name: engine.execute(src, tmp_path / f"{name}.ipynb", {}, tmp_path, engine=name)
          for name in engine.ENGINES}
    fresh = fresh_papermill(src, tmp_path / "papermill.ipynb", tmp_path)
    png = ("display_data", "image/png", "text/plain")
    assert shapes(fresh) == [
        [png],
        [("execute_result", "text/plain"), png],
        [("display_data", "text/html", "text/plain"), ("stream", "stdout")],
        [("execute_result", "text/html", "text/markdown", "text/plain")],
        [png],
    ]
    assert shapes(on["warm"]) == shapes(on["plain"]) == shapes(fresh)


@pytest.mark.skipif(not forked.available(), reason="warm kernels are forked on Linux")
def test_a_notebook_that_changes_the_backend_leaves_the_next_one_its_charts(tmp_path,
                                                                           fresh_thread_kernel):
    """One warm kernel runs both: the second notebook's figures show as on a fresh kernel."""
    changes = notebook(tmp_path / "changes.ipynb", [
        "from matplotlib_inline.config import InlineBackend\n"
        "InlineBackend.instance().figure_formats = {'svg'}",
        "%matplotlib agg",
        "import matplotlib.pyplot as plt\nplt.ioff()\nplt.plot([1])"])
    src = notebook(tmp_path / "showing.ipynb", SHOWING[:2])
    first = engine.execute(src, tmp_path / "a.ipynb", {}, tmp_path, engine="warm")
    kernel = warm.current()
    engine.execute(changes, tmp_path / "b.ipynb", {}, tmp_path, engine="warm")
    again = engine.execute(src, tmp_path / "c.ipynb", {}, tmp_path, engine="warm")
    assert warm.current() is kernel  # the same kernel ran all three
    assert shapes(again) == shapes(first)
    assert ("display_data", "image/png", "text/plain") in shapes(again)[1]


@pytest.mark.skipif(not forked.available(), reason="warm kernels are forked on Linux")
def test_an_analyst_notebook_has_the_same_outputs_on_both_engines_and_papermill(
        tmp_path, fresh_thread_kernel):
    src = analyst_notebook(tmp_path / "complaints.ipynb")
    cwd = config.NOTEBOOKS_DIR
    on = {name: engine.execute(src, tmp_path / f"{name}.ipynb", PARAMS, cwd, engine=name)
          for name in engine.ENGINES}
    fresh = fresh_papermill(src, tmp_path / "papermill.ipynb", cwd, **PARAMS)
    assert shapes(on["warm"]) == shapes(on["plain"]) == shapes(fresh)
    chart, printed = len(fresh.cells) - 3, len(fresh.cells) - 2
    for nb in (*on.values(), fresh):
        assert nb.cells[chart - 1].source.startswith("## Analyst note")
        assert ("display_data", "image/png", "text/plain") in shapes(nb)[chart]
        assert shapes(nb)[printed] == [("stream", "stdout"), (
            "execute_result", "application/vnd.perflib.table+json", "text/html", "text/plain")]
        assert nb.cells[printed].outputs[0].text == "Figures from the complaints register.\n"
        assert "Stage 2" in nb.cells[printed].outputs[1].data["text/html"]
    # perflib's own blocks (the complaints charts among them) are the same on every engine
    blocks = [[o for o in c.get("outputs", []) if "application/vnd.perflib.blocks+json"
               in o.get("data", {})] for c in fresh.cells]
    assert any(blocks)
    for nb in on.values():
        assert [[o for o in c.get("outputs", []) if "application/vnd.perflib.blocks+json"
                 in o.get("data", {})] for c in nb.cells] == blocks


def test_warm_gives_way_to_plain_where_kernels_cannot_be_forked(monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(engine, "_broken", None)
    monkeypatch.setattr(engine, "_chosen", "warm")
    monkeypatch.setattr(engine, "_notice", said.append)
    monkeypatch.setattr(forked, "available", lambda: False)
    assert engine.use("plain") == "plain"
    assert said == []
    assert engine.use("warm") == "plain"
    assert engine.use("warm") == "plain"
    assert said == ["  plain       the warm kernels cannot start (this system cannot fork kernels "
                    "(it lacks fork or pidfd_open)), so every notebook runs on a fresh kernel of "
                    "its own (papermill's standard engine; --engine plain)"]


def broken_fork_server(folder: Path) -> dict[str, str]:
    """An environment in which the fork server cannot start, as after a bad upgrade.

    The fork server imports debugpy (ipykernel's debugger) before it forks; here that import
    fails. A kernel started afresh does without it, as ipykernel does when debugpy is missing.
    """
    folder.mkdir()
    (folder / "debugpy.py").write_text("raise ImportError('debugpy broken for this test')\n")
    return {**os.environ, "PYTHONPATH": str(folder)}


def test_a_build_whose_fork_server_cannot_start_runs_plain_and_says_so_once(tmp_path,
                                                                           monkeypatch):
    root = scratch_project(tmp_path / "project", monkeypatch)
    spec = root / "data/cfe/portfolio.yaml"
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    doc["reports"] = {"annual": {}}  # one notebook is enough
    spec.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    env = {**broken_fork_server(tmp_path / "broken"), "PERFLIB_ROOT": str(root)}
    res = subprocess.run([sys.executable, "-m", "perflib.cli", "build", "--portfolio", "cfe",
                          "--year", "2019/20", "--jobs", "2"], capture_output=True, text=True,
                         env=env, cwd=root)
    assert res.returncode == 0, res.stderr
    fell_back = [line for line in res.stderr.splitlines() if "warm kernels cannot start" in line]
    assert len(fell_back) == 1, res.stderr
    assert fell_back[0].startswith("  plain       the warm kernels cannot start (")
    assert "--engine plain" in fell_back[0]
    page = (root / "reports/cfe/2019-20/annual_report.html").read_text(encoding="utf-8")
    assert "Annual Report 2019/20</title>" in page


def test_kernels_start_where_the_temp_folder_is_too_long_for_a_socket(tmp_path) -> None:
    """A deep ``TMPDIR`` leaves no room in a Unix socket's 107 bytes: the kernels still start.

    On both engines' kernel manager: a notebook through papermill on the warm kernels, and a
    kernel started as the plain engine starts one.
    """

    deep = tmp_path / ("scratch-" + "x" * 40) / ("y" * 60)
    deep.mkdir(parents=True)
    assert len(str(deep)) > 107 - 40
    env = {**os.environ, "TMPDIR": str(deep)}
    src = notebook(tmp_path / "tiny.ipynb", ["print(6 * 7)"])
    out = tmp_path / "tiny-out.ipynb"
    warm_run = subprocess.run([sys.executable, "-m", "papermill", "--engine", "perflib_warm",
                               str(src), str(out)], env=env, capture_output=True, text=True,
                              timeout=180)
    assert warm_run.returncode == 0, warm_run.stderr[-2000:]
    assert nbformat.read(out, as_version=4).cells[0].outputs[0]["text"] == "42\n"
    plain = ("import asyncio\nfrom perflib.run.engine.ipc import IPCKernelManager\n"
             "async def main():\n"
             "    km = IPCKernelManager(kernel_name='python3')\n"
             "    await km.start_kernel()\n"
             "    kc = km.client(); kc.start_channels()\n"
             "    await kc.wait_for_ready(timeout=60)\n"
             "    await kc.execute_interactive('print(6 * 7)', timeout=60)\n"
             "    kc.stop_channels(); await km.shutdown_kernel(now=True)\n"
             "asyncio.run(main())\n")
    plain_run = subprocess.run([sys.executable, "-c", plain], env=env, capture_output=True,
                               text=True, timeout=180)
    assert plain_run.returncode == 0 and plain_run.stdout.strip() == "42", plain_run.stderr[-2000:]
    assert not any(deep.iterdir())  # the sockets' folder was elsewhere, and is gone
