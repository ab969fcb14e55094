"""A cluster's worker: what it is sent (:class:`Bundle`), and the two tasks it runs.

Workers share no disk with the client. Each task carries its inputs: the notebook as bytes, and
the data files it reads as a :class:`Bundle` of bytes (its portfolio's folder and council.yaml;
the whole data folder for the corporate report), scattered to the workers once per portfolio
rather than once per task. A worker writes them into a scratch project of its own (a temporary
folder used as ``PERFLIB_ROOT`` by its kernels), under a folder named by the bundle's checksum,
so changed data never meets a stale copy.

The two tasks:

- :func:`check_remote`: a portfolio's data check (or the council's), from its bundle; it gives
  back the problems, and the outline the client plans from (:mod:`perflib.run.outline`);
- :func:`run_remote`: one notebook, on the worker's warm kernel, downstream of its portfolio's
  check; it gives back the finished report, printed through the one browser the worker keeps
  open beside the kernel (:class:`Printing`, a worker plugin).

A worker's check is shared with its kernels (:mod:`perflib.reports.checked`), so a notebook
does not check its year again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from perflib.data.door import read_bytes
from perflib.run.outline import Checked
from perflib.run.printing import PrintService
from perflib.run.tasks import Outcome, Task

#: The name the worker plugin is registered under.
PLUGIN = "perflib-printing"
COUNCIL_FILE = "council.yaml"  # perflib.data.council.FILE, which every portfolio's check reads
logger = logging.getLogger("perflib.cluster")


@dataclass(frozen=True)
class Bundle:
    """The data files a task reads, as bytes: what a worker without the data needs to run it."""

    files: dict[str, bytes]  # path under the data folder -> content
    digest: str

    @classmethod
    def of(cls, data_dir: Path, portfolio: str | None) -> Bundle:
        """A portfolio's folder and council.yaml; or (``None``) the whole data folder.

        The corporate report (and the council's check) reads every portfolio and ``council/``.
        """
        roots = [data_dir] if portfolio is None else [data_dir / portfolio]
        # council.yaml's rules and SPC settings reach every portfolio's report
        paths = [*([data_dir / COUNCIL_FILE] if portfolio is not None else []),
                 *(p for root in roots for p in sorted(root.rglob("*")))]
        # through the data door, so a link out of the project is not shipped as a plain file
        # (the check refuses it, with its reason, where the client reads the data itself)
        read = ((p, read_bytes(p, [], text=False)) for p in paths if p.is_file())
        files = {p.relative_to(data_dir).as_posix(): raw for p, raw in read if raw is not None}
        h = hashlib.sha256()
        for name, content in sorted(files.items()):
            h.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        return cls(files, h.hexdigest())

    @classmethod
    def read(cls, data_dir: Path, task: Task) -> Bundle:
        """What a task reads: its portfolio folder and council.yaml, or the whole data folder."""
        return cls.of(data_dir, None if task.scope == "council" else task.portfolio)

    @staticmethod
    def key(task: Task) -> tuple[str, str, str]:
        """Tasks with the same key read the same files (so share one scattered bundle)."""
        return (task.data_dir, task.scope, task.portfolio if task.scope != "council" else "")


_scratch: Path | None = None
_config_lock = threading.Lock()


def scratch_root() -> Path:
    """This worker process's scratch project: ``notebooks/``, ``data/<digest>/``, ``runs/``."""
    global _scratch
    if _scratch is None or not _scratch.exists():
        _scratch = Path(tempfile.mkdtemp(prefix="perflib-worker-"))
        for sub in ("notebooks", "data", "runs", "checked"):
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


def _as_project(root: Path) -> None:
    """Make this worker process's perflib see ``root`` as its project (for the checks).

    The data is judged where it lies (a link out of the project is refused), so the checks
    must take the scratch project for the project, as the worker's kernels do.
    """
    from perflib import config

    with _config_lock:
        if config.PROJECT_ROOT != root:
            config.PROJECT_ROOT, config.DATA_DIR = root, root / "data"
            config.NOTEBOOKS_DIR = root / "notebooks"
        os.environ["PERFLIB_CHECKED"] = str(root / "checked")


def check_remote(scope: str, year: str | None, notebooks: set[str], bundle: Bundle
                 ) -> tuple[Checked, str]:
    """On a worker: a portfolio's check (``scope`` its id), or the council's (``council``).

    Returns what it found and the data folder it read (which the client names from its own).
    """
    from perflib.run import checking

    root = scratch_root()
    data = _unpack(bundle, root)
    _as_project(root)
    if scope == "council":
        return checking.council_check(data, year, notebooks), str(data)
    return checking.portfolio_check(data, scope, year, notebooks), str(data)


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
        root = scratch_root()
        _as_project(root)  # the kernels take the checks this worker makes, from as they start
        engine.prestart(worker.state.nthreads, root=str(root))

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


def run_remote(task: Task, notebook: bytes, bundle: Bundle, checked: Any = None
               ) -> tuple[Outcome, bytes]:
    """On a worker: run ``task`` from the inputs it carries; return its report and notebook.

    ``checked`` is its portfolio's check, which it runs after (and only when it passed).
    """
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


__all__ = ["PLUGIN", "Bundle", "Printing", "check_remote", "run_remote", "scratch_root"]
