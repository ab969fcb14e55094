"""Warm kernels: start a kernel and import the heavy libraries once per thread, not per notebook.

Starting a kernel and importing pandas, matplotlib, seaborn and perflib in it costs more than
running a report notebook. A :class:`WarmKernel` is started once per thread, does those imports
as it starts (so one started ahead of need, by :func:`prestart`, is ready when a notebook is),
and every notebook the thread runs is executed on it through the papermill engine
``perflib_warm`` (:class:`WarmEngine`), which is papermill's own nbclient engine given the
running kernel instead of a new one.

Before each notebook the kernel is put back to the state a fresh kernel would be in after the same
imports: the user namespace, ``In``/``Out`` history and execution counter are reset (so execution
counts start at 1 as in a fresh kernel), every matplotlib figure is closed, rcParams and pandas
options go back to the values snapshotted after warm-up, environment variables are restored and
the working directory is set. A kernel that died, or that ran a notebook which failed, is
replaced by a fresh one, and a kernel is recycled after :data:`MAX_NOTEBOOKS` notebooks in case a
notebook changed state the reset does not cover (a monkeypatched module, say).
"""

from __future__ import annotations

import atexit
import concurrent.futures
import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from perflib.errors import KernelError
from perflib.run import excepthook

#: Imported in every warm kernel before its first notebook.
WARM_IMPORTS = ("pandas", "numpy", "matplotlib", "matplotlib.pyplot", "seaborn",
                "perflib.notebook", "perflib.present.charts", "perflib.present.sections",
                "perflib.present.html")
#: What a kernel runs as it starts (and again, to no effect but a check, once a client connects).
WARM_UP = "__import__('perflib.run.kernels', fromlist=['_']).kernel_warm_up()"
#: How a warm kernel is started: it warms itself up, and keeps no IPython history database (each
#: notebook's cells would otherwise be written to ~/.ipython, and each reset start a session there).
KERNEL_ARGS = [f"--IPKernelApp.exec_lines={WARM_UP}", "--HistoryManager.enabled=False"]
#: Notebooks a kernel runs before it is replaced by a fresh one.
MAX_NOTEBOOKS = 200

logger = logging.getLogger("perflib.warm")
_local = threading.local()
_all: set[WarmKernel] = set()
#: kernels started ahead of need: (kernel name, PERFLIB_ROOT, future of the kernel)
_spares: list[tuple[str, str | None, concurrent.futures.Future]] = []
_lock = threading.Lock()


class WarmKernel:
    """A running kernel with the heavy imports done, reused for one notebook after another."""

    def __init__(self, kernel_name: str = "python3", root: str | None = None,
                 attach: bool = True) -> None:
        from jupyter_core.utils import run_sync

        from perflib.run.ipc import IPCKernelManager

        self.kernel_name, self.root, self.notebooks = kernel_name, root, 0
        env = dict(os.environ)
        if root is not None:
            env["PERFLIB_ROOT"] = root
        self.km = IPCKernelManager(kernel_name=kernel_name)
        self.kc: Any = None  # a jupyter_client AsyncKernelClient once attached
        # The kernel warms itself up as it starts (IPython's exec_lines), before any client has
        # connected: a kernel started ahead of need is ready by the time a notebook needs it.
        try:
            run_sync(self.km.start_kernel)(env=env, extra_arguments=KERNEL_ARGS)
        except BaseException:
            self.shutdown()  # a kernel that failed to start: its process and zmq contexts too
            raise
        with _lock:
            _all.add(self)
        if attach:
            self.attach()

    def attach(self) -> None:
        """Connect this thread's client and wait until the kernel has warmed up."""
        try:
            from jupyter_core.utils import run_sync

            self.kc = self.km.client()
            self.kc.start_channels()
            run_sync(self.kc.wait_for_ready)(timeout=60)
            self.run(WARM_UP)  # nothing to do if it warmed up as it started; raises if it failed
        except BaseException:
            self.shutdown()
            raise

    def run(self, code: str, timeout: float = 60) -> None:
        """Run ``code`` silently in the kernel (no history, no output); raise if it fails."""
        from jupyter_core.utils import run_sync

        reply = run_sync(self.kc.execute_interactive)(
            code, silent=True, store_history=False, timeout=timeout, output_hook=lambda msg: None)
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")

    def alive(self) -> bool:
        """Whether the kernel process is still running."""
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def reset(self, cwd: str) -> None:
        """Put the kernel back to its warmed-up state, working in ``cwd``.

        The same client serves every notebook (connecting a new one costs 0.2 s): replies and
        output a previous notebook left unread are skipped, since both nbclient and :meth:`run`
        read only the messages that answer their own request.
        """
        self.run("__import__('perflib.run.kernels', fromlist=['_']).kernel_reset("
                 f"{cwd!r})")

    def shutdown(self) -> None:
        """Stop the kernel now and forget it."""
        with _lock:
            _all.discard(self)
        self.kill()
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:
            pass
        try:
            self.km.cleanup_connection_file()
        except Exception:
            pass
        # their zmq contexts now, not waiting on a message the ended kernel will never take: left
        # to the garbage collector, destroy() waits for ever on whichever thread collects them
        for owner in (self.kc, self.km):
            made = getattr(owner, "context", None) if getattr(owner, "_created_context", 0) else None
            if made is not None and not made.closed:
                with suppress(Exception):
                    made.destroy(linger=0)

    def kill(self) -> None:
        """End the kernel's process (safe from any thread: its client is left alone)."""
        process = getattr(self.km.provisioner, "process", None)
        try:
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        except Exception:
            pass


def current(kernel_name: str = "python3", root: str | None = None) -> WarmKernel:
    """This thread's warm kernel: a started spare if there is one, else a new one."""
    k: WarmKernel | None = getattr(_local, "kernel", None)
    if k is not None and (k.kernel_name != kernel_name or k.root != root
                          or k.notebooks >= MAX_NOTEBOOKS or not k.alive()):
        discard()
        k = None
    if k is None:
        _register_exit()
        k = _spare(kernel_name, root)
        if k is None:
            k = WarmKernel(kernel_name, root)
        _local.kernel = k
    return k


def prestart(n: int = 1, kernel_name: str = "python3", root: str | None = None) -> None:
    """Start ``n`` kernels now, in the background, for the next threads that need one.

    A build calls this before it reads its data, so that a kernel's start and imports overlap
    with the build's own; a spare no thread takes is shut down with the others.
    """
    _register_exit()
    for _ in range(n):
        future: concurrent.futures.Future[WarmKernel] = concurrent.futures.Future()

        def start(future: concurrent.futures.Future = future) -> None:
            try:
                future.set_result(WarmKernel(kernel_name, root, attach=False))
            except BaseException as exc:
                future.set_exception(exc)

        with _lock:
            _spares.append((kernel_name, root, future))
        threading.Thread(target=start, name="perflib-kernel-start", daemon=True).start()


def head_start(out: str | None, force: bool, portfolio: str | None, year: str | None) -> None:
    """Start the process kernels are forked from, before the build's own imports.

    ``perflib build`` calls this first, so that the fork server's imports (pandas, matplotlib,
    seaborn, IPython: :mod:`perflib.run.forked`) and the build's (pandas, to check the data)
    overlap; the kernels themselves are forked once the build's arguments are checked
    (:func:`session`). A build the logs say has nothing to run (:func:`perflib.run.logs.stale`)
    starts nothing. Never raises: the build itself says what is wrong with its arguments.
    """
    from pathlib import Path

    from perflib import config
    from perflib.run import forked, logs

    try:
        folder = Path(out).resolve() if out else config.REPORTS_DIR
        if logs.stale(folder, force, portfolio, year):
            forked.start()
    except Exception:  # a folder that cannot be read, say: the build reports it
        return


@contextmanager
def session(ahead: int = 0) -> Iterator[None]:
    """The kernels of one build: ``ahead`` started now, every one this process started ended after.

    A build enters this before it reads its data, so the kernels' start-up overlaps with it.
    """
    prestart(ahead)
    try:
        yield
    finally:
        shutdown_all()


def _spare(kernel_name: str, root: str | None) -> WarmKernel | None:
    """A kernel :func:`prestart` started, attached to this thread; ``None`` if there is none."""
    with _lock:
        found = next((s for s in _spares if s[:2] == (kernel_name, root)), None)
        if found is None:
            return None
        _spares.remove(found)
    try:
        k = found[2].result(timeout=60)
    except concurrent.futures.TimeoutError:  # still starting: left for shutdown_all to end
        with _lock:
            _spares.append(found)
        return None
    except Exception as exc:  # a spare that failed: the caller starts one of its own
        logger.warning("a kernel started ahead of need failed: %s", exc)
        return None
    try:
        k.attach()
    except Exception as exc:
        logger.warning("a kernel started ahead of need failed: %s", exc)
        return None
    return k  # type: ignore[no-any-return]


def discard() -> None:
    """Shut down this thread's warm kernel; the next notebook gets a fresh one."""
    k = getattr(_local, "kernel", None)
    _local.kernel = None
    if k is not None:
        k.shutdown()


def kill_all() -> None:
    """End every kernel's process now, from any thread; a notebook running on one fails.

    Their clients belong to the threads that use them: :func:`shutdown_all` closes those once
    the threads are done.
    """
    with _lock:
        kernels = list(_all)
    for k in kernels:
        k.kill()


def shutdown_all() -> None:
    """Shut down every warm kernel this process started (at exit, or when a pool winds down)."""
    with _lock:
        spares = [future for _, _, future in _spares]
        _spares.clear()
    for future in spares:  # wait for any still starting, so that none outlives the build
        try:
            future.result(timeout=60)
        except Exception:
            pass
    with _lock:
        kernels = list(_all)
    for k in kernels:
        k.shutdown()
    _local.kernel = None
    kernel = sys.modules.get("perflib.run.ipc")  # not imported: no kernel was started
    if kernel is not None:
        kernel.cleanup()  # this process's socket folder


_registered = False


def _register_exit() -> None:
    """Stop the kernels when the process ends.

    Registered with atexit, and with multiprocessing's own exit hook (spawned pool workers leave
    through ``os._exit``, which skips atexit). A kernel whose parent
    is killed outright stops by itself: ipykernel polls its parent process.
    """
    global _registered
    if _registered:
        return
    _registered = True
    atexit.register(shutdown_all)
    from multiprocessing import util

    util.Finalize(None, shutdown_all, exitpriority=100)


# papermill imports this module (its engine's entry point) as papermill is itself imported: so
# papermill's command line prints a cell's perflib error as that error's line, not a traceback.
excepthook.install()


class _Deferred(type):
    def __getattr__(cls, name: str) -> Any:
        return getattr(_engine(), name)


class WarmEngine(metaclass=_Deferred):
    """Papermill engine ``perflib_warm`` (entry point): run notebooks on this process's warm kernel.

    Papermill loads engine entry points while it is itself being imported, so this module must
    not import papermill at the top: the engine proper, a subclass of papermill's nbclient
    engine, is built on first use and every attribute is looked up on it. It takes the nbclient
    engine's options, plus ``perflib_root`` (the ``PERFLIB_ROOT`` the kernel is started with;
    default: this process's).
    """


_ENGINE: Any = None


def _engine() -> Any:
    global _ENGINE
    if _ENGINE is not None:
        return _ENGINE
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.utils import merge_kwargs, remove_args

    class _Engine(NBClientEngine):
        """Papermill engine ``perflib_warm``: run the notebook on this process's warm kernel.

        Takes the same options as papermill's ``nbclient`` engine, plus ``perflib_root`` (the
        ``PERFLIB_ROOT`` the kernel is started with; default: this process's environment).
        """

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None,
                                     start_timeout: int = 60,
                                     execution_timeout: float | None = None,
                                     **kwargs: Any) -> Any:
            """Execute ``nb_man``'s notebook on the warm kernel, replacing it if the notebook fails."""
            root = kwargs.pop("perflib_root", None)
            kwargs = remove_args(["input_path", "kernel_manager_class", "km", "kc"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
            )
            kernel = current(kernel_name, root)
            ok = False
            try:
                kernel.reset(os.getcwd())  # papermill has changed into the notebook's cwd
                kernel.notebooks += 1
                client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
                client.kc = kernel.kc  # not a constructor option
                nb = client.execute(cleanup_kc=False)
                ok = not nb.metadata.get("papermill", {}).get("exception")
                return nb
            finally:
                if not ok:  # a failed notebook may have left anything behind: start afresh next time
                    discard()

    _ENGINE = _Engine
    return _ENGINE


def register() -> None:
    """Register ``perflib_warm`` with papermill (for when perflib is not installed as a package)."""
    from papermill.engines import papermill_engines

    papermill_engines.register("perflib_warm", WarmEngine)


# ---- run inside the kernel ------------------------------------------------------------------

_baseline: dict | None = None


def kernel_warm_up() -> None:
    """In the kernel: do the heavy imports, then snapshot the state each notebook starts from."""
    import gc
    import importlib

    global _baseline
    if _baseline is not None:
        return

    for name in WARM_IMPORTS:
        importlib.import_module(name)
    from perflib.present import charts
    from perflib.reports import kinds

    kinds()  # every registered report kind's module
    charts.lib()
    import matplotlib
    import pandas as pd

    _baseline = {
        "rc": dict(matplotlib.rcParams),
        "pandas": {k: pd.get_option(k) for k in pd._config.config._registered_options
                   if k not in pd._config.config._deprecated_options},
        "environ": dict(os.environ),
    }
    # Everything imported so far lives as long as the kernel: leave it out of garbage collection,
    # which IPython runs at every reset and which would otherwise walk all of pandas each time.
    gc.collect()
    gc.freeze()


def kernel_reset(cwd: str) -> None:
    """In the kernel: forget the previous notebook, as if the kernel had just warmed up."""
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt
    import pandas as pd
    from IPython import get_ipython

    assert _baseline is not None, "kernel_warm_up() first"
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dict.update(matplotlib.rcParams, _baseline["rc"])
        for k, v in _baseline["pandas"].items():
            if pd.get_option(k) != v:
                pd.set_option(k, v)
    os.environ.clear()
    os.environ.update(_baseline["environ"])
    os.chdir(cwd)
    # clears the namespace, In/Out and the display hook's cache; execution count back to 1
    get_ipython().reset(new_session=True)
