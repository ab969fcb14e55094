"""Where a build's notebooks run: threads on this machine, or a Dask cluster, behind one interface.

A :class:`Pool` takes the build's tasks and yields their outcomes as they finish, each a finished
report: its page, its PDF and every other format. Locally each of ``jobs`` threads drives one
warm kernel (a process of its own, :mod:`perflib.run.engine`) for all the notebooks it runs, and
hands its PDFs to the build's one browser (:mod:`perflib.run.printing`), so notebooks run in
parallel while the build pays no worker start-up or imports. On a cluster
(:mod:`perflib.run.cluster`) each Dask worker does the same with a kernel and a browser of its own.
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from perflib.run.tasks import Outcome, Task

if TYPE_CHECKING:
    from perflib.run.printing import PrintService


class Pool(Protocol):
    """Runs tasks and yields each outcome as it comes; ``printer`` is this machine's browser."""

    #: whether this machine's browser prints the tasks' PDFs (else it only prints for a worker
    #: that has none, and starts only if one has none)
    prints_here: bool

    def outcomes(self, tasks: list[Task], printer: PrintService) -> Iterator[Outcome]:
        """Run ``tasks``; a caller that stops early leaves none of them running."""
        ...


@dataclass
class Resident:
    """What a long-running process (``perflib watch``) keeps from one build to the next.

    Its threads keep their warm kernels, and its browser stays open, so a rebuild pays for
    running and printing the notebooks that changed and nothing else.
    """

    pool: concurrent.futures.ThreadPoolExecutor
    jobs: int
    #: the hash of perflib's code the kernels were started with, recorded in every build log
    code: str
    printer: PrintService | None = None  # started with the watch, kept open


class Threads:
    """This machine: ``jobs`` threads, each driving a warm kernel of its own.

    Given a resident's executor, its threads (and their warm kernels) outlive the build;
    otherwise the threads and kernels are the build's and end with it.
    """

    prints_here = True

    def __init__(self, jobs: int, executor: concurrent.futures.ThreadPoolExecutor | None = None):
        self.jobs, self.executor = jobs, executor

    def outcomes(self, tasks: list[Task], printer: PrintService) -> Iterator[Outcome]:
        """Run ``tasks`` on the threads; yield each outcome once its report is made."""
        from perflib.run import engine

        if self.executor is not None:
            yield from self._run(self.executor, tasks, printer)
            return
        # a thread (and its kernel) for each task that can run at once: the corporate reports
        # after an edit run once the edited reports are done, on the same kernels
        at_once = max(sum(t.tier == 0 for t in tasks), sum(t.tier != 0 for t in tasks))
        try:
            with concurrent.futures.ThreadPoolExecutor(min(self.jobs, at_once)) as executor:
                yield from self._run(executor, tasks, printer)
        finally:
            engine.shutdown_all()

    @staticmethod
    def _run(executor: concurrent.futures.Executor, tasks: list[Task], printer: PrintService
             ) -> Iterator[Outcome]:
        from nbformat.validator import get_validator

        from perflib.run import execute

        get_validator()  # compiled once here (0.2 s), not by every thread racing to read a notebook
        # a thread's task is back once its notebook has run; its report, once printed. The
        # reports made from others (tier 1) start once those are printed: the edited report has
        # the machine to itself, and the corporate report, which waits for it anyway, follows
        later = [t for t in tasks if t.tier != 0]
        first = [t for t in tasks if t.tier == 0] or later
        if first is later:
            later = []
        results: queue.Queue[concurrent.futures.Future[Outcome]] = queue.Queue()
        futures: list[concurrent.futures.Future] = []
        lock = threading.Lock()

        def submit(batch: list[Task]) -> list[concurrent.futures.Future[Outcome]]:
            made = [executor.submit(execute.locally, t, printer) for t in batch]
            futures.extend(made)
            reports = [_printed(f) for f in made]
            for r in reports:
                r.add_done_callback(results.put)
            return reports

        def then(_: object) -> None:
            with lock:
                if later and all(f.done() for f in started):
                    go = later[:]
                    later.clear()
                    with suppress(RuntimeError):  # the pool shut down: the build is ending
                        submit(go)

        with lock:
            started = submit(first)
        for f in started:
            f.add_done_callback(then)
        try:
            for _ in tasks:
                yield results.get().result()  # raises what a task raised
        finally:  # on any way out, no task of this build is left running into the next
            with lock:
                later.clear()
            for f in futures:
                f.cancel()
            concurrent.futures.wait(futures)


def _printed(ran: concurrent.futures.Future[concurrent.futures.Future[Outcome]]
             ) -> concurrent.futures.Future[Outcome]:
    """The outcome of a task whose thread gave back its report still printing, once printed."""
    done: concurrent.futures.Future[Outcome] = concurrent.futures.Future()

    def hand_on(f: concurrent.futures.Future[Outcome]) -> None:
        try:
            done.set_result(f.result())
        except BaseException as exc:
            done.set_exception(exc)

    def then(f: concurrent.futures.Future[concurrent.futures.Future[Outcome]]) -> None:
        if f.cancelled():
            done.cancel()
            return
        try:
            printing = f.result()
        except BaseException as exc:
            done.set_exception(exc)
            return
        printing.add_done_callback(hand_on)

    ran.add_done_callback(then)
    return done


def pool_for(jobs: int, resident: Resident | None = None) -> Pool:
    """The threads a local build runs on: a resident's, or new ones."""
    return Threads(jobs, resident.pool if resident is not None else None)


__all__ = ["Pool", "Resident", "Threads", "pool_for"]
