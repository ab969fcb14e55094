"""One browser per process, on a thread of its own, printing the PDFs of every thread.

Playwright's sync API belongs to the thread that started it, while a build's notebooks run on
many threads (the local pool's, or a Dask worker's). A :class:`PrintService` owns one
:class:`~perflib.formats.pdf.Printer` on a thread of its own, so any thread can hand it a page
and go on making the report's other files while it prints: a build thread writes the Word and
Markdown files while its PDF prints, and gets back a finished report. The browser starts on the
first page (or at once, with :meth:`PrintService.start`, to overlap its start-up with the
kernels'); a browser that cannot be had fails every page with the same
:class:`~perflib.errors.BrowserNotFound`, which the build reports once.
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
from types import TracebackType

from perflib.errors import BrowserNotFound
from perflib.formats import FORMATS, Rendered

_STOP = None


class PrintService:
    """A browser printing reports handed to it from any thread; a context manager.

    >>> with PrintService() as service:  # nothing starts until a page or start() asks
    ...     service.started
    False
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Rendered, concurrent.futures.Future[bytes]] | None] = (
            queue.Queue())
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._up = threading.Event()  # set once the browser has started, or failed to
        #: why the browser could not be had, once it was tried
        self.error: BrowserNotFound | None = None

    @property
    def started(self) -> bool:
        """Whether the browser's thread was started (the browser may still be starting)."""
        return self._thread is not None

    def start(self) -> PrintService:
        """Start the browser now, in the background; a second call does nothing."""
        with self._lock:
            if self._thread is None:
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

    def submit(self, rendered: Rendered) -> concurrent.futures.Future[bytes]:
        """The report's PDF, printed as soon as the browser is free."""
        future: concurrent.futures.Future[bytes] = concurrent.futures.Future()
        self.start()
        self._jobs.put((rendered, future))
        return future

    def pdf(self, rendered: Rendered) -> bytes:
        """Print ``rendered`` and wait for it."""
        return self.submit(rendered).result()

    def _serve(self) -> None:
        from perflib.formats.pdf import Printer

        pdf = FORMATS["pdf"]
        try:
            printer = Printer().__enter__()
        except BrowserNotFound as exc:
            self.error = exc
            printer = None
        finally:
            self._up.set()
        try:
            while (job := self._jobs.get()) is not _STOP:
                rendered, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                if printer is None:
                    future.set_exception(self.error or BrowserNotFound("no browser"))
                    continue
                try:
                    future.set_result(pdf.make(rendered, printer=printer))
                except BaseException as exc:  # the page's failure, handed to whoever asked
                    future.set_exception(exc)
        finally:
            if printer is not None:
                printer.__exit__(None, None, None)

    def close(self) -> None:
        """Print what was handed in, then close the browser; safe to call twice."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(_STOP)
            thread.join()

    def __enter__(self) -> PrintService:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


__all__ = ["PrintService"]
