"""The plain engine: papermill's standard one, a fresh ipykernel for every notebook.

Slower than the warm engine (each notebook pays for a kernel's start and its imports), but it is
papermill's own nbclient engine with the kernel jupyter_client starts as it starts any kernel
(``ipykernel_launcher``), patched nowhere: what JupyterLab and ``papermill`` run. So it is what a
build falls back to where warm kernels cannot start (:mod:`perflib.run.engine`), and what the
e2e tests hold the warm engine's outputs against. Its kernels talk over Unix sockets
(:mod:`.ipc`); ipykernel's own loopback pipe for subprocess output is left as ipykernel makes it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from traitlets import Unicode

from perflib.run.engine.ipc import IPCKernelManager

_lock = threading.Lock()
_running: set[PlainKernelManager] = set()


class PlainKernelManager(IPCKernelManager):
    """A kernel started afresh for one notebook, given the ``PERFLIB_ROOT`` its build asks for."""

    perflib_root = Unicode(None, allow_none=True, help="the kernel's PERFLIB_ROOT").tag(config=True)

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.perflib_root:
            kw["env"] = {**(kw.get("env") or os.environ), "PERFLIB_ROOT": self.perflib_root}
        with _lock:
            _running.add(self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        with _lock:
            _running.discard(self)
        await super()._async_cleanup_resources(restart)


def execute(source: Any, out: str | Path | None, parameters: dict[str, Any], cwd: str | Path,
            root: str | None = None) -> Any:
    """Run ``source`` on a kernel of its own with papermill's standard engine; the run notebook."""
    import papermill
    from traitlets.config import Config

    return papermill.execute_notebook(
        source, None if out is None else str(out), parameters=parameters, kernel_name="python3",
        engine_name="nbclient", kernel_manager_class=PlainKernelManager,
        config=Config({"PlainKernelManager": {"perflib_root": root}}), progress_bar=False,
        log_output=False, cwd=str(cwd), request_save_on_cell_execute=False)


def kill_all() -> None:
    """End the process of every kernel running a notebook now; those notebooks fail."""
    with _lock:
        managers = list(_running)
    for km in managers:
        process = getattr(km.provisioner, "process", None)
        try:
            if process is not None and process.poll() is None:
                process.kill()
        except Exception:
            pass
