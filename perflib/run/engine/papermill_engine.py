"""Papermill's engine ``perflib_warm`` (an entry point): a notebook run on this thread's warm kernel.

``papermill --engine perflib_warm`` and the build's warm engine (:func:`.warm.execute`) both run
notebooks through it: papermill's own nbclient engine, given the running warm kernel instead of
starting a new one.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from perflib.run.engine import excepthook

logger = logging.getLogger("perflib.warm")

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

    from perflib.run.engine import warm

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
            kernel = warm.current(kernel_name, root)
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
                    warm.discard()

    _ENGINE = _Engine
    return _ENGINE


def register() -> None:
    """Register ``perflib_warm`` with papermill (for when perflib is not installed as a package)."""
    from papermill.engines import papermill_engines

    papermill_engines.register("perflib_warm", WarmEngine)
