"""The warm engine: a kernel started, and the heavy libraries imported, once per thread.

Starting a kernel and importing pandas, matplotlib, seaborn and perflib in it costs more than
running a report notebook. A :class:`WarmKernel` is forked from the fork server
(:mod:`.forked`), does those imports as it starts (:func:`.inkernel.warm_up`; so one started
ahead of need, by :func:`prestart`, is ready when a notebook is), and every notebook the thread
runs is executed on it through the papermill engine ``perflib_warm`` (:mod:`.papermill_engine`).

Before each notebook the kernel is put back to the state a fresh kernel would be in after the same
imports (:func:`.inkernel.reset`). A kernel that died, or that ran a notebook which failed, is
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
from perflib.run.engine.inkernel import RESET, WARM_UP

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

        from perflib.run.engine.forked import ForkedKernelManager

        self.kernel_name, self.root, self.notebooks = kernel_name, root, 0
        env = dict(os.environ)
        if root is not None:
            env["PERFLIB_ROOT"] = root
        self.km = ForkedKernelManager(kernel_name=kernel_name)
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
        self.run(RESET.format(cwd=cwd))

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


def head_start() -> None:
    """Start the process kernels are forked from, so that its imports overlap the caller's.

    ``perflib build`` calls this first, so that the fork server's imports (pandas, matplotlib,
    seaborn, IPython: :mod:`.forked`) and the build's (pandas, to check the data) overlap; the
    kernels themselves are forked once the build's arguments are checked (:func:`session`).
    """
    from perflib.run.engine import forked

    forked.start()


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
        logger.debug("a kernel started ahead of need failed: %s", exc)
        return None
    try:
        k.attach()
    except Exception as exc:
        logger.debug("a kernel started ahead of need failed: %s", exc)
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
    kernel = sys.modules.get("perflib.run.engine.ipc")  # not imported: no kernel was started
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
