"""Run one notebook on a warm kernel and render it to HTML: the work of one build task.

Shared by the local build (one thread per kernel) and the cluster engine (Dask workers); the
caller says where the notebook is, which folder it runs in and, on a worker with its own scratch
project, which ``PERFLIB_ROOT`` the kernel gets.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from perflib.run.build import Outcome, Task, _params

_local = threading.local()


def _exporter():
    """This thread's HTML exporter, its template compiled (once: it costs more than a render)."""
    from perflib.formats.exporter import ReportHTMLExporter

    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        exporter = _local.exporter = ReportHTMLExporter()
        exporter.template  # noqa: B018 (compiled now, while the kernel may still be starting)
    return exporter


def run(task: Task, source: Path, cwd: Path, root: str | None = None,
        with_word: bool = True) -> Outcome:
    """Execute ``source`` for ``task`` (writing ``<notebook>.ipynb`` and ``.html`` to its workdir).

    The outcome carries the title, the data files and, ``with_word``, the Word document the
    report published; without, :func:`word` makes it later (the local build prints the PDF
    meanwhile).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from perflib.present import blocks
    from perflib.run import kernels as warm

    warm.register()
    start = time.perf_counter()
    exporter = _exporter()
    out = Path(task.workdir) / f"{task.notebook}.ipynb"
    try:
        nb = papermill.execute_notebook(
            str(source), str(out), parameters=_params(task), kernel_name="python3",
            engine_name="perflib_warm", perflib_root=root, progress_bar=False,
            log_output=False, cwd=str(cwd),
            # papermill otherwise rewrites the whole notebook at every cell's start and end: the
            # build's biggest cost after the kernel. It is written once, when it has run.
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        return Outcome(task, error=f"{exc.ename}: {exc.evalue}".strip(), cell=exc.exec_count,
                       seconds=time.perf_counter() - start)
    except Exception as exc:  # kernel died, notebook unreadable: still one clear line
        return Outcome(task, error=f"{type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - start)
    try:
        html, resources = exporter.from_notebook_node(nb)
    except Exception as exc:  # ran, but will not render (shows nothing, say): fails its report
        return Outcome(task, error=f"rendering the report failed: {type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - start)
    (Path(task.workdir) / f"{task.notebook}.html").write_text(html, encoding="utf-8")
    outcome = Outcome(task, html=html, title=resources["perflib_title"],
                      author=resources["perflib_author"], files=blocks.data_files(nb),
                      seconds=time.perf_counter() - start)
    return word(outcome) if with_word else outcome


def word(outcome: Outcome) -> Outcome:
    """Add the Word document to a successful outcome; a report whose Word file fails, fails."""
    from perflib.formats.docx import docx_from_html

    try:
        outcome.docx = docx_from_html(outcome.html, title=outcome.title, author=outcome.author)
    except Exception as exc:
        outcome.error = f"writing the Word file failed: {type(exc).__name__}: {exc}"
    return outcome
