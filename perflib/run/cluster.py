"""Run a build's notebooks on a Dask cluster: ``perflib build --scheduler tcp://HOST:8786``.

Why Dask: ``dask.distributed`` gives, from one ``pip install``, a scheduler and workers started
with one command each (``dask scheduler``, ``dask worker ADDRESS``), futures that complete in any
order (the build prints as notebooks finish), retries, and rescheduling of the tasks of a worker
that died. Nothing here needs a dataframe or an array: it is a task farm, and the client stays in
charge of everything that touches the reports folder.

Division of labour:

- the **client** (the machine running ``perflib build``) holds the lock, checks the data, plans
  the tasks, and writes and publishes each report folder atomically as soon as all its reports
  are back, exactly as a local build;
- each **worker** runs notebooks on its warm kernel, prints each report's PDF through the one
  browser it keeps open beside the kernel (:class:`Printing`, a worker plugin: started as the
  worker starts, closed as it closes), makes the Word and Markdown files while it prints, and
  sends back the finished files.

A worker without a browser says so in its log as it starts and sends its reports back unprinted;
the client then prints them through a browser of its own, started only if one is needed, and says
once which worker it prints for. Printing on the workers is what lets a cluster grow: one browser
on the client prints one report at a time, so past a few workers it set the pace, and the client's
cost per report is now writing the files it is sent.

Workers share no disk with the client. Each task carries its inputs: the notebook as bytes, and
the data files it reads as a :class:`Bundle` of bytes (its portfolio's folder and council.yaml;
the whole data folder for the corporate report), scattered to the workers once per portfolio
rather than once per task. A worker writes them into a scratch project of its own (a
temporary folder used as ``PERFLIB_ROOT`` by its kernel), under a folder named by the bundle's
checksum, so changed data never meets a stale copy. A task whose worker dies is rerun elsewhere
by Dask; one that raises is retried :data:`RETRIES` times; one that still fails becomes a failed
outcome, and the build then publishes nothing for that notebook, as a local build would.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from perflib.data.council import FILE as COUNCIL_FILE
from perflib.data.door import read_bytes
from perflib.errors import ClusterError
from perflib.run.printing import PrintService
from perflib.run.tasks import Outcome, Task

#: Retries of a task that raised on a worker (a notebook that fails is not retried: it would fail
#: again). A task whose worker died is rerun by the scheduler, up to its allowed-failures (3).
RETRIES = 2
#: Seconds to wait for the scheduler when connecting.
CONNECT_TIMEOUT = 30
#: The name the worker plugin is registered under.
PLUGIN = "perflib-printing"
logger = logging.getLogger("perflib.cluster")


@dataclass(frozen=True)
class Bundle:
    """The data files a task reads, as bytes: what a worker without the data needs to run it."""

    files: dict[str, bytes]  # path under the data folder -> content
    digest: str

    @classmethod
    def read(cls, data_dir: Path, task: Task) -> Bundle:
        """What a task reads: its portfolio folder and council.yaml, or the whole data folder.

        The corporate report (a council task) reads every portfolio and ``council/``.
        """
        roots = [data_dir] if task.scope == "council" else [data_dir / task.portfolio]
        # council.yaml's rules and SPC settings reach every portfolio's report
        paths = [*([data_dir / COUNCIL_FILE] if task.scope != "council" else []),
                 *(p for root in roots for p in sorted(root.rglob("*")))]
        # through the data door, so a link out of the project is not shipped as a plain file
        # (the build refused it, with its reason, when it loaded the data)
        read = ((p, read_bytes(p, [], text=False)) for p in paths if p.is_file())
        files = {p.relative_to(data_dir).as_posix(): raw for p, raw in read if raw is not None}
        h = hashlib.sha256()
        for name, content in sorted(files.items()):
            h.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        return cls(files, h.hexdigest())

    @staticmethod
    def key(task: Task) -> tuple[str, str, str]:
        """Tasks with the same key read the same files (so share one scattered bundle)."""
        return (task.data_dir, task.scope, task.portfolio if task.scope != "council" else "")


# ---- on the worker --------------------------------------------------------------------------

_scratch: Path | None = None


def scratch_root() -> Path:
    """This worker process's scratch project: ``notebooks/``, ``data/<digest>/``, ``runs/``."""
    global _scratch
    if _scratch is None or not _scratch.exists():
        _scratch = Path(tempfile.mkdtemp(prefix="perflib-worker-"))
        for sub in ("notebooks", "data", "runs"):
            (_scratch / sub).mkdir()
    return _scratch


def _unpack(bundle: Bundle, root: Path) -> Path:
    """Write the bundle under ``root/data/<digest>/`` once; return the data folder."""
    data = root / "data" / bundle.digest[:20]
    if not data.exists():
        tmp = Path(tempfile.mkdtemp(dir=root / "data"))
        for name, content in bundle.files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        try:
            os.rename(tmp, data)
        except OSError:  # another thread got there first
            shutil.rmtree(tmp, ignore_errors=True)
    return data


class Printing(WorkerPlugin):
    """On every worker: one browser open for the worker's life, and its kernels started ahead.

    Registered by the client before it submits a build's tasks (once per worker: a later build
    finds it there), so the browser and the warm kernels start while the data is scattered.
    """

    name = PLUGIN
    idempotent = True  # a second build keeps the browser and kernels the first one started

    def __init__(self) -> None:
        self.printer: PrintService | None = None

    def setup(self, worker: Any) -> None:
        """Start the browser and the kernels in the background; say if no browser can be had."""
        from perflib.run import engine

        self.printer = PrintService().start()
        engine.prestart(worker.state.nthreads, root=str(scratch_root()))

        def say_if_none(printer: PrintService = self.printer) -> None:
            if not printer.available():
                logger.warning("perflib: no browser on this worker, so the client prints its "
                               "PDFs: %s", printer.error)

        threading.Thread(target=say_if_none, daemon=True, name="perflib-printer-check").start()

    def teardown(self, worker: Any) -> None:
        """Close the browser and end the kernels, as the worker closes.

        The kernels' processes are ended at once (their clients belong to the task threads, and
        are closed as the process exits), so a worker closes within its nanny's patience.
        """
        from perflib.run import engine

        global _scratch
        if self.printer is not None:
            self.printer.close()
        engine.kill_all()
        if _scratch is not None:  # the worker's scratch project, left in no temp folder
            shutil.rmtree(_scratch, ignore_errors=True)
            _scratch = None


def _printer() -> PrintService | None:
    """This worker's browser (one that failed to start says why as each page is handed in)."""
    try:
        from distributed import get_worker

        plugin = get_worker().plugins.get(PLUGIN)
    except ValueError:  # not on a worker (a test calling run_remote itself)
        return None
    return getattr(plugin, "printer", None)


def run_remote(task: Task, notebook: bytes, bundle: Bundle) -> tuple[Outcome, bytes]:
    """On a worker: run ``task`` from the inputs it carries; return its report and notebook."""
    from perflib.run import execute

    root = scratch_root()
    data = _unpack(bundle, root)
    source = root / "notebooks" / f"{hashlib.sha256(notebook).hexdigest()[:20]}.ipynb"
    if not source.exists():
        source.write_bytes(notebook)
    workdir = Path(tempfile.mkdtemp(dir=root / "runs"))
    printer = _printer()
    try:
        here = replace(task, data_dir=str(data), workdir=str(workdir))
        outcome, rendered = execute.run(here, source, root / "notebooks", root=str(root))
        outcome = execute.documents(outcome, rendered, printer)
        if "pdf" in outcome.documents:
            outcome.html = ""  # the page travels as its file below; the client prints nothing
        executed = workdir / f"{task.output}.ipynb"
        content = executed.read_bytes() if executed.exists() else b""
        page = workdir / f"{task.output}.html"
        if page.exists():
            outcome.documents["html"] = page.read_bytes()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    outcome.task = task
    with suppress(ValueError):
        from distributed import get_worker

        outcome.worker = get_worker().address
    return outcome, content


# ---- on the client --------------------------------------------------------------------------

class Cluster:
    """The Dask cluster whose scheduler is at ``address``, as a build's pool."""

    prints_here = False  # the workers print; this machine only for a worker without a browser

    def __init__(self, address: str, retries: int = RETRIES) -> None:
        self.address, self.retries = address, retries

    def outcomes(self, tasks: list[Task], printer: PrintService) -> Iterator[Outcome]:
        """Run ``tasks`` on the cluster; yield each report as it comes back."""
        return outcomes(tasks, self.address, self.retries)


def outcomes(tasks: list[Task], address: str, retries: int = RETRIES) -> Iterator[Outcome]:
    """Run ``tasks`` on the cluster at ``address``; yield outcomes as they finish.

    The executed notebook and HTML are written into each task's ``workdir`` on this machine, as
    a local run would leave them, and forgotten by the cluster once they are. Unfinished tasks
    are cancelled if the caller stops early.
    """
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    futures = {}
    try:
        client.register_plugin(Printing(), name=PLUGIN)
        notebooks: dict[str, bytes] = {}
        bundles: dict[tuple[str, str, str], object] = {}
        for t in tasks:
            if t.notebook not in notebooks:
                notebooks[t.notebook] = Path(t.notebook).read_bytes()
            key = Bundle.key(t)
            if key not in bundles:
                bundle = Bundle.read(Path(t.data_dir), t)
                # on every worker, so losing one worker loses no input
                bundles[key] = client.scatter(bundle, broadcast=True, hash=False)
            name = f"perflib-{t.portfolio}-{t.year.replace('/', '-')}-{t.output}-{uuid.uuid4().hex[:8]}"
            fut = client.submit(run_remote, t, notebooks[t.notebook], bundles[key], key=name,
                                retries=retries, pure=False)
            futures[fut] = t
        for fut in as_completed(list(futures), loop=client.loop):
            t = futures.pop(fut)
            try:
                outcome, executed = fut.result()
            except Exception as exc:  # the worker died too often, or the task kept raising
                yield Outcome(t, error=f"on the cluster: {type(exc).__name__}: {exc}")
                continue
            finally:
                fut.release()  # the worker may forget the result: it is here now
            workdir = Path(t.workdir)
            if executed:
                (workdir / f"{t.output}.ipynb").write_bytes(executed)
            page = outcome.documents.pop("html", None)
            if page is not None and not outcome.error:
                (workdir / f"{t.output}.html").write_bytes(page)
            outcome.task = t
            yield outcome
    finally:
        for fut in futures:
            if not fut.done():
                fut.cancel()
        client.close()
