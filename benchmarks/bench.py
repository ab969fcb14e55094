"""Benchmark: the naive notebook chain against ``perflib build``, and the rules engine.

Run with ``make bench``. Everything runs on this machine in one go, in a scratch copy of the
project (its data and notebooks), and each figure is the median of several runs:

- naive chain: for every notebook and year, a ``papermill`` command, a ``jupyter nbconvert --to
  perflib_html`` command and a ``jupyter nbconvert --to perflib_pdf`` command (a fresh browser for
  every PDF), one after another;
- ``perflib build`` cold (empty reports folder), with nothing changed, and after one commentary edit;
- scale: the seed portfolio copied under 4 new ids (8 portfolio-years, 32 notebooks) in another
  scratch project, built cold locally and on a 2-worker Dask ``LocalCluster``
  (``perflib build --scheduler``), with wall and CPU seconds per notebook (CPU of the build and
  every process it or the workers started: workers, kernels, browser);
- the RAG and trend rules over 1,000,000 synthetic observations.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = ["annual_report", "complaints", "digital_inclusion", "museum_visits"]
YEARS = ["2019/20", "2020/21"]


def timed(fn: Callable[[], object], runs: int, before: Callable[[], object] | None = None
          ) -> float:
    """Median wall-clock seconds of ``fn`` over ``runs`` runs, ``before`` run untimed each time."""
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds used so far by these processes and all their descendants still running."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            p = psutil.Process(pid)
            procs = [p, *p.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for q in procs:
            try:
                t = q.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
    return total


def children_cpu() -> float:
    """CPU seconds of this process's finished children (and theirs)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def scale(env: dict, copies: int = 4) -> None:
    """Cold builds of ``copies`` copies of the seed portfolio, locally and on a 2-worker cluster."""
    from distributed import LocalCluster

    scratch = Path(tempfile.mkdtemp(prefix="perflib-bench-scale-"))
    for i in range(1, copies + 1):
        shutil.copytree(ROOT / "data/cfe", scratch / f"data/p{i}")
    shutil.copytree(ROOT / "notebooks", scratch / "notebooks")
    env = {**env, "PERFLIB_ROOT": str(scratch)}
    n = copies * len(YEARS) * len(NOTEBOOKS)
    perflib = [str(BIN / "perflib"), "build"]
    reports = scratch / "reports"

    def measure(label: str, cmd: list[str], extra_pids: list[int]) -> None:
        shutil.rmtree(reports, ignore_errors=True)
        cpu0, extra0 = children_cpu(), cpu_seconds(extra_pids)
        start = time.perf_counter()
        run(cmd, env, scratch)
        wall = time.perf_counter() - start
        cpu = children_cpu() - cpu0 + cpu_seconds(extra_pids) - extra0
        print(f"  {label:<44} {wall:7.2f} s  ({wall / n:.2f} s wall, {cpu / n:.2f} s CPU "
              "per notebook)", flush=True)

    measure(f"{n} notebooks, local (perflib build)", perflib, [])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        workers = [w.pid for w in cluster.workers.values() if getattr(w, "pid", None)]
        measure(f"{n} notebooks, 2-worker Dask LocalCluster", perflib + ["--scheduler",
                cluster.scheduler_address], workers)
    shutil.rmtree(scratch, ignore_errors=True)


def run(cmd: list[str], env: dict, cwd: Path) -> None:
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rules engine rows")
    parser.add_argument("--copies", type=int, default=4, help="portfolio copies for the scale rows")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="perflib-bench-"))
    shutil.copytree(ROOT / "data", scratch / "data")
    shutil.copytree(ROOT / "notebooks", scratch / "notebooks")
    env = {**os.environ, "PERFLIB_ROOT": str(scratch)}
    reports = scratch / "reports"
    naive_out = scratch / "naive"
    perflib = [str(BIN / "perflib"), "build"]

    def naive() -> None:
        for year in YEARS:
            out = naive_out / year.replace("/", "-")
            out.mkdir(parents=True, exist_ok=True)
            for nb in NOTEBOOKS:
                executed = out / f"{nb}.ipynb"
                run([str(BIN / "papermill"), f"notebooks/{nb}.ipynb", str(executed), "-p",
                     "portfolio", "cfe", "-p", "year", year], env, scratch)
                for to in ("perflib_html", "perflib_pdf"):
                    run([str(BIN / "jupyter"), "nbconvert", "--to", to, str(executed)], env,
                        scratch)

    def clean() -> None:
        shutil.rmtree(reports, ignore_errors=True)

    commentary = scratch / "data/cfe/2020-21/commentary.md"
    edits = iter(range(10**6))

    def edit() -> None:
        with commentary.open("a", encoding="utf-8") as f:
            f.write(f"\nBenchmark edit {next(edits)}.\n")

    n = len(NOTEBOOKS) * len(YEARS)
    print(f"perflib benchmark: {n} notebooks ({', '.join(NOTEBOOKS)}) x {len(YEARS)} years, "
          f"median of {args.runs} runs, {os.cpu_count()} cores")
    t_naive = timed(naive, args.runs, before=lambda: shutil.rmtree(naive_out, ignore_errors=True))
    print(f"  naive chain (papermill + 2 nbconvert per notebook)  {t_naive:7.2f} s", flush=True)
    t_cold = timed(lambda: run(perflib, env, scratch), args.runs, before=clean)
    print(f"  perflib build, cold                                  {t_cold:7.2f} s", flush=True)
    t_none = timed(lambda: run(perflib, env, scratch), args.runs)
    print(f"  perflib build, nothing changed                       {t_none:7.2f} s", flush=True)
    t_edit = timed(lambda: run(perflib, env, scratch), args.runs, before=edit)
    print(f"  perflib build, one commentary file edited            {t_edit:7.2f} s", flush=True)

    scale(env, args.copies)

    from perflib.rules import rag, trend

    rng = np.random.default_rng(0)
    value, target, prev = (rng.uniform(0, 100, args.rows) for _ in range(3))
    polarity = rng.choice(np.array(["High", "Low", "Not applicable"]), args.rows)
    value[rng.random(args.rows) < 0.05] = np.nan

    def rules() -> None:
        rag(value, target, polarity)
        trend(value, prev, polarity)

    t_rules = timed(rules, max(args.runs, 5))
    print(f"  rules engine, {args.rows:,} observations (RAG + trend)  {t_rules:7.3f} s")
    print(f"  speed-up, naive chain / perflib cold build           {t_naive / t_cold:7.1f} x")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
