"""papermill's command line, when a cell fails with one of perflib's errors: that error's line alone.

``papermill notebooks/annual_report.ipynb out.ipynb -p year 2031/32`` lets the
``PapermillExecutionError`` of the failed cell go uncaught, so Python prints twenty lines of
papermill's and click's frames above the cell's one clear line. papermill loads every
``papermill.engine`` entry point as it is imported, perflib's warm engine among them, and that
module calls :func:`install`: for that exception alone, when the cell failed with a perflib error
(which a kernel shows without a traceback, see :mod:`perflib.errors`), Python's hook for uncaught
exceptions prints ``papermill: cell [3] failed: ParameterError: ...`` instead. Any other exception,
and every one under ``PERFLIB_DEBUG=1``, goes to the hook that was there before. The exit status is
still 1, Python's for an uncaught exception, and papermill has written the executed notebook.
"""

from __future__ import annotations

import re
import sys
from types import TracebackType

from perflib import errors

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _names(cls: type[BaseException]) -> set[str]:
    names = {cls.__name__}
    for subclass in cls.__subclasses__():
        names |= _names(subclass)
    return names


def cell_failure(exc: BaseException) -> str | None:
    """The line for a papermill cell failure caused by a perflib error; ``None`` for anything else.

    A perflib error is known by its name and by its traceback being its own message (a pandas
    ``DataError`` has the name, but a traceback of frames).
    """
    try:
        from papermill.exceptions import PapermillExecutionError
    except ImportError:
        return None
    if not isinstance(exc, PapermillExecutionError) or exc.ename not in _names(errors.PerflibError):
        return None
    first = _ANSI.sub("", (exc.traceback or [""])[0])
    if not first.startswith(f"{exc.ename}: "):
        return None
    return f"cell [{exc.exec_count}] failed: {exc.ename}: {exc.evalue}"


def install() -> None:
    """Print a perflib error from a notebook cell as its line, if it reaches Python uncaught."""
    if getattr(sys.excepthook, "perflib", False):
        return
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        line = None if errors.debugging() else cell_failure(exc)
        if line is None:
            previous(kind, exc, tb)
        else:
            print(f"papermill: {line}", file=sys.stderr)

    hook.perflib = True  # type: ignore[attr-defined]
    sys.excepthook = hook
