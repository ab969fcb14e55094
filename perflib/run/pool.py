"""Where a build's notebooks run: threads on this machine, or a Dask cluster, behind one interface.

A :class:`Pool` takes the build's tasks and yields their outcomes as they finish; once the work
is handed out it yields ``None`` once, so the caller can start its browser meanwhile. Locally
each of ``jobs`` threads drives one warm kernel (a process of its own, :mod:`perflib.run.kernels`)
for all the notebooks it runs, so notebooks run in parallel while the build pays no worker
start-up or imports, and nothing is forked after Playwright has started. On a cluster
(:mod:`perflib.run.cluster`) each Dask worker does the same.
"""

from __future__ import annotations

import concurrent.futures
import queue
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from perflib.run.tasks import Outcome, Task

if TYPE_CHECKING:
    from perflib.formats.pdf import Printer


class Pool(Protocol):
    """Runs tasks; yields ``None`` once the work is handed out, then each outcome as it comes."""

    def outcomes(self, tasks: list[Task]) -> Iterator[Outcome | None]:
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
    printer: Printer | None = None  # started by the first build that prints


class Threads:
    """This machine: ``jobs`` threads, each driving a warm kernel of its own.

    Given a resident's executor, its threads (and their warm kernels) outlive the build;
    otherwise the threads and kernels are the build's and end with it.
    """

    def __init__(self, jobs: int, executor: concurrent.futures.ThreadPoolExecutor | None = None):
        self.jobs, self.executor = jobs, executor

    def outcomes(self, tasks: list[Task]) -> Iterator[Outcome | None]:
        """Run ``tasks`` on the threads; yield each outcome once its page is there."""
        from perflib.run import kernels

        if self.executor is not None:
            yield from self._run(self.executor, tasks)
            return
        try:
            with concurrent.futures.ThreadPoolExecutor(min(self.jobs, len(tasks))) as executor:
                yield from self._run(executor, tasks)
        finally:
            kernels.shutdown_all()

    @staticmethod
    def _run(executor: concurrent.futures.Executor, tasks: list[Task]
             ) -> Iterator[Outcome | None]:
        # An outcome is yielded once its page is there; its thread goes on to make the other
        # documents, and all of them are done before the last outcome is yielded.
        from nbformat.validator import get_validator

        from perflib.run import execute

        get_validator()  # compiled once here (0.2 s), not by every thread racing to read a notebook
        ready: queue.Queue[Outcome] = queue.Queue()
        futures = [executor.submit(execute.locally, t, ready.put) for t in tasks]
        try:
            yield None  # the kernels are starting: a good moment to start the browser
            for _ in tasks:
                while True:
                    try:
                        yield ready.get(timeout=0.5)
                        break
                    except queue.Empty:
                        for f in futures:
                            if f.done():
                                f.result()  # raises what a task raised before it was ready
            for f in futures:
                f.result()
        finally:  # on any way out, no task of this build is left running into the next
            for f in futures:
                f.cancel()
            concurrent.futures.wait(futures)


def pool_for(jobs: int, scheduler: str | None = None, resident: Resident | None = None) -> Pool:
    """The pool a build runs on: the cluster at ``scheduler``, a resident's threads, or new ones."""
    if scheduler:
        from perflib.run.cluster import Cluster

        return Cluster(scheduler)
    return Threads(jobs, resident.pool if resident is not None else None)


__all__ = ["Pool", "Resident", "Threads", "pool_for"]
