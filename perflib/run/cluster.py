"""Run a build's notebooks on a Dask cluster: ``perflib build --scheduler tcp://HOST:8786``.

Why Dask: ``dask.distributed`` gives, from one ``pip install``, a scheduler and workers started
with one command each (``dask scheduler``, ``dask worker ADDRESS``), futures that complete in any
order (the build prints as notebooks finish), retries, and rescheduling of the tasks of a worker
that died. Nothing here needs a dataframe or an array: it is a task farm, and the client stays in
charge of everything that touches the reports folder.

Division of labour:

- the **client** (the machine running ``perflib build``) holds the lock, checks the data, plans
  the tasks, prints every PDF through its one browser while the workers run, and publishes each
  report folder atomically, exactly as a local build;
- each **worker** runs notebooks on its warm kernel and renders them to HTML, and sends back the
  executed notebook and the HTML.

PDFs stay on the client: printing costs a fraction of a second per report on a browser that is
already running, the client overlaps it with the workers' notebooks, and workers then need no
Chromium. For builds so large that one browser cannot keep up (see the README), printing would
move to the workers.

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
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from perflib.data.council import FILE as COUNCIL_FILE
from perflib.data.door import read_bytes
from perflib.errors import ClusterError
from perflib.run.tasks import Outcome, Task

#: Retries of a task that raised on a worker (a notebook that fails is not retried: it would fail
#: again). A task whose worker died is rerun by the scheduler, up to its allowed-failures (3).
RETRIES = 2
#: Seconds to wait for the scheduler when connecting.
CONNECT_TIMEOUT = 30


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


def run_remote(task: Task, notebook: bytes, bundle: Bundle) -> tuple[Outcome, bytes]:
    """On a worker: run ``task`` from the inputs it carries; return its outcome and notebook."""
    from perflib.run import execute

    root = scratch_root()
    data = _unpack(bundle, root)
    source = root / "notebooks" / f"{hashlib.sha256(notebook).hexdigest()[:20]}.ipynb"
    if not source.exists():
        source.write_bytes(notebook)
    workdir = Path(tempfile.mkdtemp(dir=root / "runs"))
    try:
        here = replace(task, data_dir=str(data), workdir=str(workdir))
        outcome, rendered = execute.run(here, source, root / "notebooks", root=str(root))
        outcome = execute.documents(outcome, rendered)
        executed = workdir / f"{task.output}.ipynb"
        content = executed.read_bytes() if executed.exists() else b""
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    outcome.task = task
    return outcome, content


def shutdown_kernels() -> None:
    """On a worker: stop its warm kernels (run by the client when a build ends, if asked)."""
    from perflib.run import kernels

    kernels.shutdown_all()


# ---- on the client --------------------------------------------------------------------------

class Cluster:
    """The Dask cluster whose scheduler is at ``address``, as a build's pool."""

    def __init__(self, address: str, retries: int = RETRIES) -> None:
        self.address, self.retries = address, retries

    def outcomes(self, tasks: list[Task]) -> Iterator[Outcome | None]:
        """Run ``tasks`` on the cluster; ``None`` once they are submitted, then each outcome."""
        return outcomes(tasks, self.address, self.retries)


def outcomes(tasks: list[Task], address: str, retries: int = RETRIES
             ) -> Iterator[Outcome | None]:
    """Run ``tasks`` on the cluster at ``address``; yield outcomes as they finish.

    The executed notebook and HTML are written into each task's ``workdir`` on this machine, as
    a local run would leave them. Unfinished tasks are cancelled if the caller stops early.
    """
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    futures = {}
    try:
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
        yield None  # submitted: the client may start its browser while the workers run
        for fut in as_completed(list(futures), loop=client.loop):
            t = futures[fut]
            try:
                outcome, executed = fut.result()
            except Exception as exc:  # the worker died too often, or the task kept raising
                yield Outcome(t, error=f"on the cluster: {type(exc).__name__}: {exc}")
                continue
            workdir = Path(t.workdir)
            if executed:
                (workdir / f"{t.output}.ipynb").write_bytes(executed)
            if not outcome.error:
                (workdir / f"{t.output}.html").write_text(outcome.html, encoding="utf-8")
            outcome.task = t
            yield outcome
    finally:
        for fut in futures:
            if not fut.done():
                fut.cancel()
        client.close()
