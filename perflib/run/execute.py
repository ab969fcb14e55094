"""Run one notebook on the build's engine and make every file of its report: one build task.

Shared by the local build (one thread per kernel) and the cluster (Dask workers); the caller says
where the notebook is, which folder it runs in and, on a worker with its own scratch project,
which ``PERFLIB_ROOT`` the kernel gets. Once the page is there, its PDF is handed to the
process's browser (:class:`~perflib.run.printing.PrintService`) and the other formats (Word,
Markdown) are made on this thread while it prints, so a task comes back with its report finished.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from perflib import config
from perflib.errors import BrowserNotFound
from perflib.formats import Rendered, made_alongside
from perflib.run import published
from perflib.run.tasks import Outcome, Task

if TYPE_CHECKING:
    from perflib.formats.page import PageExporter
    from perflib.present.blocks import Block
    from perflib.run.printing import PrintService

_local = threading.local()


def _exporter() -> PageExporter:
    """This thread's page exporter, its template compiled (once: it costs more than a render)."""
    from perflib.formats.page import PageExporter

    exporter: PageExporter | None = getattr(_local, "exporter", None)
    if exporter is None:
        exporter = _local.exporter = PageExporter()
        exporter.template  # noqa: B018 (compiled now, while the kernel may still be starting)
    return exporter


def warm() -> None:
    """Make this thread ready to run its first notebook at once (a watch, before any save).

    What a thread otherwise pays on its first notebook: papermill and its engine imported, the
    notebook validator and this thread's page template compiled.
    """
    from nbformat.validator import get_validator

    from perflib.run.engine import papermill_engine

    papermill_engine.register()
    get_validator()
    _exporter()


def locally(task: Task, printer: PrintService | None = None) -> concurrent.futures.Future[Outcome]:
    """Run a task on this thread's kernel and make its report's files; the report, once printed.

    On the warm engine the kernel is started, and pandas, matplotlib, seaborn and perflib imported
    in it, once per thread (see :mod:`perflib.run.engine`), then reset between notebooks. This
    returns once the notebook has run and the documents other than the PDF are made, so the
    thread's kernel runs the next notebook while this one prints.
    """
    outcome, rendered = run(task, Path(task.notebook), config.NOTEBOOKS_DIR)
    return finishing(outcome, rendered, printer)


def run(task: Task, source: Path, cwd: Path, root: str | None = None
        ) -> tuple[Outcome, Rendered | None]:
    """Execute ``source`` for ``task``, writing ``<output>.ipynb`` and ``.html`` to its workdir.

    The outcome carries the title and the data files the report published; the documents made
    beside the page come from :func:`documents`, given what was rendered.
    """
    from papermill.exceptions import PapermillExecutionError

    from perflib.present import blocks
    from perflib.run import engine

    start = time.perf_counter()
    exporter = _exporter()
    out = Path(task.workdir) / f"{task.output}.ipynb"
    try:
        nb = engine.execute(str(source), out, task.parameters, cwd, root)
    except PapermillExecutionError as exc:
        return Outcome(task, error=f"{exc.ename}: {exc.evalue}".strip(), cell=exc.exec_count,
                       seconds=time.perf_counter() - start), None
    except Exception as exc:  # kernel died, notebook unreadable: still one clear line
        return Outcome(task, error=f"{type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - start), None
    try:
        html, resources = exporter.from_notebook_node(nb)
    except Exception as exc:  # ran, but will not render (shows nothing, say): fails its report
        return Outcome(task, error=f"rendering the report failed: {type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - start), None
    try:
        files = published.checked(blocks.data_files(nb))
    except ValueError as exc:  # a name that would write outside the report's folder, say
        return Outcome(task, error=str(exc), seconds=time.perf_counter() - start), None
    (Path(task.workdir) / f"{task.output}.html").write_text(html, encoding="utf-8")
    rendered = Rendered(html, resources["perflib_blocks"], resources["perflib_title"],
                        resources["perflib_author"])
    outcome = Outcome(task, html=html, title=rendered.title, author=rendered.author,
                      cover=cover_status(rendered.blocks), files=files,
                      seconds=time.perf_counter() - start)
    return outcome, rendered


def cover_status(content: list[Block]) -> dict[str, str]:
    """The report's status as its cover prints it, for the build log and the front page.

    The cover is what marks every format (the DRAFT banner, each PDF page's header, the Word
    heading), so the log takes its status from there rather than working it out again. A
    final cover names its approver; a draft's ``why`` is its cover's Status line, where it has
    one (a corporate report held back by its portfolios). Empty for a report with no cover.
    """
    from perflib.present.blocks import Cover, walk
    from perflib.reports.corporate import STATUS

    cover = next((b for b in walk(content) if isinstance(b, Cover)), None)
    if cover is None:
        return {}
    details = dict(cover.details)
    if not cover.draft:
        return {"status": "final", "approved_by": details.get("Approved by", "")}
    why = details.get(STATUS, "")
    return {"status": "draft", **({"why": why} if why else {})}


def documents(outcome: Outcome, rendered: Rendered | None,
              printer: PrintService | None = None) -> Outcome:
    """Add the documents made from the page, the PDF among them: the finished report."""
    return finishing(outcome, rendered, printer).result()


def finishing(outcome: Outcome, rendered: Rendered | None,
              printer: PrintService | None = None) -> concurrent.futures.Future[Outcome]:
    """Make the documents other than the PDF now, while ``printer`` prints it; done when printed.

    A report whose document fails, fails. Without a browser the outcome says why in
    ``unprinted`` and carries no PDF, for the client to print or the build to report.
    """
    done: concurrent.futures.Future[Outcome] = concurrent.futures.Future()
    if outcome.error or rendered is None:
        done.set_result(outcome)
        return done
    printing = printer.submit(rendered, outcome.task.tier) if printer is not None else None
    for fmt in made_alongside():
        try:
            outcome.documents[fmt.name] = fmt.make(rendered)
        except Exception as exc:
            outcome.error = f"writing the {fmt.label} file failed: {type(exc).__name__}: {exc}"
            break
    if printing is None:
        outcome.unprinted = "no browser was given to this task"
        done.set_result(outcome)
        return done

    def printed(f: concurrent.futures.Future[bytes]) -> None:
        try:
            outcome.documents["pdf"] = f.result()
        except BrowserNotFound as exc:
            outcome.unprinted = str(exc)
        except Exception as exc:  # a page that will not print fails its report, not the build
            outcome.error = outcome.error or f"printing the PDF failed: {failure(exc)}"
        done.set_result(outcome)

    printing.add_done_callback(printed)
    return done


def failure(exc: BaseException) -> str:
    """An exception in one line (Playwright's run to a call log of many)."""
    return f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}"


__all__ = ["cover_status", "documents", "failure", "finishing", "locally", "run", "warm"]
