"""One browser per process, on a thread of its own, printing the PDFs of every thread.

Playwright's sync API belongs to the thread that started it, while a build's notebooks run on
many threads (the local pool's, or a Dask worker's). A :class:`PrintService` owns one
:class:`~perflib.formats.pdf.Printer` on a thread of its own, so any thread can hand it a page
and go on making the report's other files while it prints: a build thread writes the Word and
Markdown files while its PDF prints, and gets back a finished report. The browser starts on the
first page (or at once, with :meth:`PrintService.start`, to overlap its start-up with the
kernels'); a browser that cannot be had fails every page with the same
:class:`~perflib.errors.BrowserNotFound`, which the build reports once.

Making Chromium's PDF a PDF/UA file (:func:`perflib.formats.pdf.finish`: reading every drawing
operator of every page, marking the artifacts, writing the file again) costs more CPU than the
printing, and in one Python process it competes with the build's own threads for the
interpreter. So it runs in a process of its own, started (by ``spawn``, never a fork of a process
that holds a browser) as the service starts, while the browser prints the next page. Where a
process may not start one (a Dask worker is a daemon process), where the build prints only a few
pages (after an edit: that process's start-up would cost more than it saves, on the machine the
edited report waits for), or where the process is lost, the service's own thread finishes each
page as before.

Pages print in the order they are handed in, except that a page handed in with a lower priority
goes first: an edited report's before the corporate report made from it.
"""

from __future__ import annotations

import concurrent.futures
import functools
import itertools
import multiprocessing
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from perflib.errors import BrowserNotFound
from perflib.formats import Rendered

_STOP = None


class PrintService:
    """A browser printing reports handed to it from any thread; a context manager.

    >>> with PrintService() as service:  # nothing starts until a page or start() asks
    ...     service.started
    False
    """

    def __init__(self, finisher: bool = True) -> None:
        # pages by priority, then in the order handed in (the stop comes after every page)
        self._jobs: queue.PriorityQueue[
            tuple[int, int, tuple[Rendered, concurrent.futures.Future[bytes]] | None]] = (
            queue.PriorityQueue())
        self._handed = itertools.count()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._up = threading.Event()  # set once the browser has started, or failed to
        #: why the browser could not be had, once it was tried
        self.error: BrowserNotFound | None = None
        self._finisher: concurrent.futures.ProcessPoolExecutor | None = None
        #: whether pages are made PDF/UA in a process of their own (for a build of a few pages
        #: its start-up costs more than it saves)
        self.finisher = finisher

    @property
    def started(self) -> bool:
        """Whether the browser's thread was started (the browser may still be starting)."""
        return self._thread is not None

    def start(self) -> PrintService:
        """Start the browser now, in the background; a second call does nothing."""
        with self._lock:
            if self._thread is None:
                self._finisher = _finisher() if self.finisher else None
                self._thread = threading.Thread(target=self._serve, name="perflib-printer",
                                                daemon=True)
                self._thread.start()
        return self

    def available(self, timeout: float | None = None) -> bool:
        """Whether the browser is there to print: started (now, if it was not), and not failed.

        Waits up to ``timeout`` seconds for it to start; still starting then counts as there.
        """
        self.start()
        self._up.wait(timeout)
        return self.error is None

    def submit(self, rendered: Rendered, priority: int = 0) -> concurrent.futures.Future[bytes]:
        """The report's PDF, printed as soon as the browser is free.

        Pages of a lower ``priority`` print first (an edited report's before the corporate
        report made from it); pages of the same priority, in the order handed in.
        """
        future: concurrent.futures.Future[bytes] = concurrent.futures.Future()
        self.start()
        self._jobs.put((priority, next(self._handed), (rendered, future)))
        return future

    def pdf(self, rendered: Rendered) -> bytes:
        """Print ``rendered`` and wait for it."""
        return self.submit(rendered).result()

    def _serve(self) -> None:
        from perflib.formats.pdf import Printer

        try:
            printer = Printer().__enter__()
        except BrowserNotFound as exc:
            self.error = exc
            printer = None
        finally:
            self._up.set()
        try:
            while (job := self._jobs.get()[2]) is not _STOP:
                rendered, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                if printer is None:
                    future.set_exception(self.error or BrowserNotFound("no browser"))
                    continue
                try:
                    raw = printer.print_page(rendered.html, rendered.title)
                except BaseException as exc:  # the page's failure, handed to whoever asked
                    future.set_exception(exc)
                    continue
                self._finish(raw, rendered, future)
        finally:
            if printer is not None:
                printer.__exit__(None, None, None)

    def _finish(self, raw: bytes, rendered: Rendered, future: concurrent.futures.Future[bytes]
                ) -> None:
        """Make the printed page PDF/UA, in the finishing process if there is one."""
        from perflib.formats.pdf import finish

        job = functools.partial(finish, raw, rendered.html, rendered.title)
        if self._finisher is not None:
            try:
                done = self._finisher.submit(job)
            except (BrokenProcessPool, RuntimeError):
                self._finisher = None  # lost: this thread finishes the pages from now on
            else:
                def hand_on(f: concurrent.futures.Future[bytes]) -> None:
                    try:
                        future.set_result(f.result())
                    except BrokenProcessPool:  # the process died with the page: finish it here
                        _settle(future, job)
                    except BaseException as exc:
                        future.set_exception(exc)

                done.add_done_callback(hand_on)
                return
        _settle(future, job)

    def close(self) -> None:
        """Print what was handed in, then close the browser; safe to call twice."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put((sys.maxsize, next(self._handed), _STOP))
            thread.join()
        finisher, self._finisher = self._finisher, None
        if finisher is not None:
            finisher.shutdown(wait=True)  # every page handed in is finished before this returns

    def __enter__(self) -> PrintService:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _settle(future: concurrent.futures.Future[bytes], make: Callable[[], bytes]) -> None:
    try:
        future.set_result(make())
    except BaseException as exc:  # the page's failure, handed to whoever asked
        future.set_exception(exc)


def _finisher() -> concurrent.futures.ProcessPoolExecutor | None:
    """A process to finish PDFs in, warming up its imports now; None where none may start."""
    if multiprocessing.current_process().daemon:
        return None  # a daemon process (a Dask worker) may not have children
    try:
        pool = concurrent.futures.ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_interrupts)
        pool.submit(_warm_up)
    except (OSError, RuntimeError):
        return None
    return pool


def _ignore_interrupts() -> None:
    """A Ctrl-C is the build's to handle: it closes this process when it has finished its pages."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm_up() -> None:
    import perflib.formats.pdf  # noqa: F401  (pikepdf and the PDF/UA checks, before a page)
    import perflib.formats.pdf_ua  # noqa: F401


__all__ = ["PrintService"]
