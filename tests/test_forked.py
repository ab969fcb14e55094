"""Kernels forked from one warm process: the same kernels, the imports paid once.

Real kernels through jupyter_client and papermill, real processes killed outright.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from perflib import config
from perflib.run.engine import forked, warm
from tests.test_warm import outputs, run

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not forked.available(), reason="kernels are forked on Linux")]


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def fresh_thread_kernel():
    warm.discard()
    yield
    warm.discard()


def test_kernels_are_forked_from_one_warm_process(fresh_thread_kernel):
    first = warm.WarmKernel()
    second = warm.WarmKernel()
    try:
        a, b = first.km.provisioner.process, second.km.provisioner.process
        assert isinstance(a, forked.Forked) and isinstance(b, forked.Forked)
        server = parent_of(a.pid)
        assert server == parent_of(b.pid) != os.getpid()
        # the fork server imported pandas and the rest before forking: the kernels share them
        for k in (first, second):
            k.run("import sys; assert 'pandas' in sys.modules and 'seaborn' in sys.modules")
        assert a.poll() is None
    finally:
        first.shutdown()
        second.shutdown()
    assert a.wait(10) == -signal.SIGKILL and not alive(a.pid)


def test_a_report_on_a_forked_kernel_matches_one_started_afresh(tmp_path, monkeypatch,
                                                                fresh_thread_kernel):
    params = {"portfolio": "cfe", "year": "2019/20"}
    for name in ("annual_report", "museum_visits"):
        src = config.NOTEBOOKS_DIR / f"{name}.ipynb"
        on_fork = run(src, tmp_path / f"w-{name}.ipynb", "perflib_warm", **params)
        assert isinstance(warm.current().km.provisioner.process, forked.Forked)
        with monkeypatch.context() as m:
            m.setattr(forked, "available", lambda: False)
            afresh = run(src, tmp_path / f"f-{name}.ipynb", None, **params)
        assert outputs(on_fork) == outputs(afresh), name
        assert any(o for _, o in outputs(afresh)), name


def script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_script_that_starts_kernels_is_not_run_again_in_them(tmp_path):
    """multiprocessing's fork server would import the program's main module in every kernel: a
    script with no main guard would then run itself again there."""
    ran = tmp_path / "ran.txt"
    path = script(tmp_path, f"""
        with open({str(ran)!r}, "a") as f:
            f.write("ran\\n")
        from perflib.run.engine import warm
        k = warm.WarmKernel()
        k.run("x = 1")
        warm.shutdown_all()
        print("done")
    """)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "done" in done.stdout
    assert ran.read_text() == "ran\n"


def test_kernels_end_when_the_process_that_started_them_is_killed(tmp_path):
    path = script(tmp_path, """
        import os, sys, time
        from pathlib import Path
        from perflib.run.engine import warm
        k = warm.WarmKernel()
        pid = k.km.provisioner.process.pid
        server = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        print(pid, server, flush=True)
        time.sleep(120)
    """)
    owner = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        kernel, server = map(int, owner.stdout.readline().split())
        assert alive(kernel) and alive(server)
    finally:
        owner.kill()
        owner.wait()
    deadline = time.monotonic() + 20
    while (alive(kernel) or alive(server)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(server), "the fork server outlived the process that started it"
    assert not alive(kernel), "a kernel outlived the process that started it"


def test_a_lost_fork_server_is_started_again(fresh_thread_kernel):
    first = warm.WarmKernel()
    server = parent_of(first.km.provisioner.process.pid)
    first.shutdown()
    os.kill(server, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    again = warm.WarmKernel()
    try:
        assert parent_of(again.km.provisioner.process.pid) not in (server, os.getpid())
        again.run("x = 1")
        again.km.provisioner.process.kill()
        again.km.provisioner.process.wait(10)
        again.km.provisioner.process.kill()  # ended already: nothing to signal, no error
    finally:
        again.shutdown()


def test_a_kernel_is_forked_from_a_notebook_whose_output_is_no_file(monkeypatch,
                                                                    fresh_thread_kernel):
    """Inside a notebook sys.stdout is the kernel's stream to its client, with no file behind it:
    a kernel started there gets the process's own output, as one started afresh does."""
    import io

    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    k = warm.WarmKernel()
    try:
        assert isinstance(k.km.provisioner.process, forked.Forked)
        k.run("x = 1")
    finally:
        k.shutdown()


def test_without_fork_a_kernel_is_started_afresh(monkeypatch, fresh_thread_kernel):
    monkeypatch.setattr(forked, "available", lambda: False)
    k = warm.WarmKernel()
    try:
        assert isinstance(k.km.provisioner.process, subprocess.Popen)
        assert parent_of(k.km.provisioner.process.pid) == os.getpid()
        k.run("import pandas")
    finally:
        k.shutdown()
