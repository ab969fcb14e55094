"""Where notebooks run: the engine behind the runner, warm or plain, through these names alone.

- **warm** (the default): a kernel per thread, forked from a process that has imported pandas,
  matplotlib and perflib once (:mod:`.warm`, :mod:`.forked`), reset between notebooks. Fast, but
  it reaches into ipykernel and needs Linux's ``fork`` and ``pidfd_open``.
- **plain**: papermill's standard engine, a fresh ipykernel for every notebook (:mod:`.plain`).

Both give a notebook the same outputs. ``perflib build --engine plain`` asks for the plain one;
the warm one gives way to it, for the rest of the process, wherever it cannot start (no fork, or
a fork server or kernel that fails to start: an ipykernel upgrade that breaks it, say), saying so
once through the ``notice`` given to :func:`use`. Nothing here imports a kernel library until a
kernel is needed, so ``perflib build`` can start the fork server before its own imports.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from perflib.errors import ParameterError

#: The engines ``--engine`` takes, the default first.
ENGINES = ("warm", "plain")

_lock = threading.Lock()
_chosen = "warm"
#: why the warm engine cannot start in this process (it is then never tried again here)
_broken: str | None = None
_notice: Callable[[str], None] = logging.getLogger("perflib.engine").warning


def use(name: str = "warm", notice: Callable[[str], None] | None = None) -> str:
    """Run this process's notebooks on engine ``name``; the engine that will run them.

    ``notice`` says, once, that the warm engine gave way to the plain one, and why (a build
    passes its log; by default a logging warning).
    """
    global _chosen, _notice
    if name not in ENGINES:
        raise ParameterError(f"--engine {name} is not an engine: use {' or '.join(ENGINES)}")
    if notice is not None:
        _notice = notice
    _chosen = name if _broken is None else "plain"
    if _chosen == "warm":
        from perflib.run.engine import forked

        if not forked.available():
            _fall_back("this system cannot fork kernels (it lacks fork or pidfd_open)")
    return _chosen


def _fall_back(why: str) -> None:
    """Run every notebook from now on on the plain engine, saying why the first time."""
    global _chosen, _broken
    with _lock:
        first = _broken is None
        _broken = _broken or why
        _chosen = "plain"
    if first:
        _notice(f"  plain       the warm kernels cannot start ({why}), so every notebook runs on "
                "a fresh kernel of its own (papermill's standard engine; --engine plain)")


def head_start() -> None:
    """Start what the warm kernels are forked from now, so its imports overlap the caller's."""
    if _chosen == "warm":
        from perflib.run.engine import warm

        try:
            warm.head_start()
        except Exception as exc:  # the fork server's process would not start
            _fall_back(f"{type(exc).__name__}: {exc}")


@contextmanager
def session(ahead: int = 0) -> Iterator[None]:
    """The kernels of one build: ``ahead`` started now, every one this process started ended after.

    A build enters this before it reads its data, so the kernels' start-up overlaps with it.
    """
    if _chosen == "warm":
        from perflib.run.engine import warm

        with warm.session(ahead):
            yield
    else:
        try:
            yield
        finally:
            shutdown_all()


def prestart(n: int, root: str | None = None) -> None:
    """Start ``n`` warm kernels in the background for the next threads that need one."""
    if _chosen == "warm":
        from perflib.run.engine import warm

        warm.prestart(n, root=root)


def ready(root: str | None = None) -> None:
    """Start this thread's warm kernel now, if it has none, for the notebooks it will run."""
    if _chosen == "warm":
        from perflib.run.engine import warm

        try:
            warm.current(root=root)
        except Exception as exc:
            _fall_back(f"{type(exc).__name__}: {exc}")


def execute(source: Any, out: str | Path | None, parameters: dict[str, Any], cwd: str | Path,
            root: str | None = None, engine: str | None = None) -> Any:
    """Run notebook ``source`` (a path or a notebook) in ``cwd`` with papermill; the run notebook.

    On this process's engine, or ``engine``; ``root`` is the ``PERFLIB_ROOT`` its kernel gets.
    Written to ``out`` unless that is None. A cell that fails raises papermill's
    ``PapermillExecutionError``, as papermill does.
    """
    if (engine or _chosen) == "warm" and _broken is None:
        ready(root)
    if (engine or _chosen) == "warm" and _broken is None:
        import papermill

        from perflib.run.engine import papermill_engine

        papermill_engine.register()
        return papermill.execute_notebook(
            source, None if out is None else str(out), parameters=parameters,
            kernel_name="python3", engine_name="perflib_warm", perflib_root=root,
            progress_bar=False, log_output=False, cwd=str(cwd),
            # papermill otherwise rewrites the whole notebook at every cell's start and end: the
            # build's biggest cost after the kernel. It is written once, when it has run.
            request_save_on_cell_execute=False)
    from perflib.run.engine import plain

    return plain.execute(source, out, parameters, cwd, root)


def kill_all() -> None:
    """End every kernel's process now, from any thread; a notebook running on one fails."""
    import sys

    for name in ("perflib.run.engine.warm", "perflib.run.engine.plain"):
        module = sys.modules.get(name)  # not imported: it started no kernel
        if module is not None:
            module.kill_all()


def shutdown_all() -> None:
    """Shut down every kernel this process started (at exit, or when a pool winds down)."""
    import sys

    warm = sys.modules.get("perflib.run.engine.warm")
    if warm is not None:
        warm.shutdown_all()
    ipc = sys.modules.get("perflib.run.engine.ipc")
    if ipc is not None:
        ipc.cleanup()  # this process's socket folder


__all__ = ["ENGINES", "execute", "head_start", "kill_all", "prestart", "ready", "session",
           "shutdown_all", "use"]
