"""Rebuild reports as their data changes: ``perflib watch``.

An analyst editing commentary wants the report beside the editor refreshed in a second or two,
not after a fresh build's start-up. ``perflib watch`` builds once, then keeps what every build
otherwise starts again: a warm kernel for each job and one open browser. On each change under the
data and notebooks folders (reported by the operating system, through ``watchfiles``) it runs the
same incremental build as ``perflib build``: only the reports whose inputs changed are run again,
each is published atomically, and the build lock is taken for each build as usual. A data error
is printed and the previous reports stay as they were; the next save is tried again.

A change to perflib's own code restarts the watch, so a kernel never runs code older than the
code the build log records.
"""

from __future__ import annotations

import concurrent.futures
import os
import queue
import signal
import sys
import threading
from pathlib import Path

from perflib import config
from perflib.data.folders import check_year, portfolios, year_folder
from perflib.errors import BuildLocked, PerflibError
from perflib.run import versions
from perflib.run.build import build, say
from perflib.run.logs import code_hash
from perflib.run.pool import Resident

READY = "watching for changes (Ctrl-C to stop)"
#: Seconds between tries while another build holds the lock.
LOCKED_RETRY = 5
#: What :func:`watch` returns when perflib's code changed under it.
RESTART = 75


def _warm(pool: concurrent.futures.ThreadPoolExecutor, jobs: int) -> None:
    """Start a warm kernel on every thread of ``pool`` (in the background)."""
    from perflib.run import engine, execute

    barrier = threading.Barrier(jobs)  # holds each thread until all have one: one kernel each

    def start() -> None:
        try:
            engine.ready()
            execute.warm()  # papermill, the validator and the page template: not on the first save
        finally:
            try:
                barrier.wait(timeout=120)
            except threading.BrokenBarrierError:
                pass

    for _ in range(jobs):
        pool.submit(start)


def watch(portfolio: str | None = None, year: str | None = None, out: Path | str | None = None,
          jobs: int | None = None, data_dir: Path | str | None = None,
          stop: threading.Event | None = None, engine: str = "warm") -> int:
    """Build, then build again after every change, until ``stop`` is set or Ctrl-C.

    Returns 0, or :data:`RESTART` when perflib's code changed and the watch should be started
    afresh. ``engine`` is where the notebooks run (:data:`perflib.run.engine.ENGINES`).
    """
    from perflib.reports import checked
    from perflib.run import engine as engines
    from perflib.run.printing import PrintService

    stop = stop or threading.Event()
    engines.use(engine, say)
    jobs = jobs or os.cpu_count() or 1
    data = config.data_path(data_dir)
    # a reports folder a build would refuse is refused now, before anything starts (exit 2)
    versions.refuse(versions.check(out, data), [portfolio] if portfolio else portfolios(data),
                    year_folder(check_year(year)) if year else None)
    code = Path(__file__).resolve().parent.parent
    paths = [data, config.NOTEBOOKS_DIR, code]
    changes = _Changes([p for p in paths if p.exists()], stop)
    changes.ready.wait(timeout=60)  # saves from here on are seen, even during the first build
    # hashed once the watcher is up and before the kernels import perflib: a later edit to the
    # code is a change the watch sees, and restarts for
    pool = concurrent.futures.ThreadPoolExecutor(jobs, thread_name_prefix="perflib-watch")
    printer = PrintService().start()
    resident = Resident(pool, jobs, code_hash(), printer)
    # each build's checks, shared with the kernels (named to them as they start, so now)
    sharing = checked.sharing(resident.code)
    sharing.__enter__()
    try:
        _warm(pool, jobs)
        if not printer.available(timeout=120):
            say(f"perflib: {printer.error}; building HTML and Word only")
        _once(portfolio, year, out, data, resident, stop)
        while (changed := changes.wait()) is not None:
            # perflib's own code hashed again only when a file under it changed (not on each save)
            if any(Path(p).is_relative_to(code) for p in changed) and code_hash() != resident.code:
                say("perflib's code changed: starting the watch afresh")
                return RESTART
            _once(portfolio, year, out, data, resident, stop)
        if changes.error is not None:
            raise changes.error
        return 0
    except KeyboardInterrupt:  # Ctrl-C is how a watch ends
        return 0
    finally:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)  # no queued notebook starts now
        engines.kill_all()  # a notebook still running ends now (its kernel is gone)
        pool.shutdown(wait=True)
        engines.shutdown_all()  # clients closed once no thread uses them; kernels started since
        printer.close()
        sharing.__exit__(None, None, None)


def _once(portfolio: str | None, year: str | None, out: Path | str | None, data: Path,
          resident: Resident, stop: threading.Event) -> None:
    """One build; whatever goes wrong is printed and the watch goes on."""
    while not stop.is_set():
        try:
            build(portfolio, year, out, data_dir=data, resident=resident)
        except BuildLocked as exc:  # a scheduled build, say: wait for it, then build this change
            say(f"perflib: {exc}; trying again in {LOCKED_RETRY} s")
            stop.wait(LOCKED_RETRY)
            continue
        except PerflibError as exc:
            say(f"perflib: {exc}")
        except Exception as exc:  # a bug: said in one line, and the next save is tried again
            say(f"perflib: unexpected {type(exc).__name__}: {exc} (each report folder published "
                "before it is complete, the others are unchanged)")
        break
    say(READY)


class _Changes:
    """Saves under ``paths``, collected by a thread from before the first build on."""

    def __init__(self, paths: list[Path], stop: threading.Event) -> None:
        self.stop = stop
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.batches: queue.Queue[set] = queue.Queue()
        threading.Thread(target=self._run, args=(paths,), name="perflib-watch-files",
                         daemon=True).start()

    def _run(self, paths: list[Path]) -> None:
        import watchfiles

        try:
            # An empty batch every rust_timeout says the watcher is up (and lets it see ``stop``).
            for batch in watchfiles.watch(*paths, stop_event=self.stop, step=50,
                                          rust_timeout=200, yield_on_timeout=True,
                                          raise_interrupt=False):
                self.ready.set()
                if batch:
                    self.batches.put(batch)
        except Exception as exc:  # a folder removed, the system's watch limit: the watch ends
            self.error = exc
            self.stop.set()
        self.ready.set()

    def wait(self) -> set[str] | None:
        """Block until something changed (then the paths of every batch so far) or stop (None)."""
        while not self.stop.is_set():
            try:
                batch = self.batches.get(timeout=0.5)
            except queue.Empty:
                continue
            paths = {path for _, path in batch}
            while not self.batches.empty():  # saves made during the last build: one rebuild
                paths |= {path for _, path in self.batches.get_nowait()}
            return paths
        return None


def main(argv: list[str] | None, **kw: object) -> int:
    """Run :func:`watch` for the CLI: SIGTERM stops it cleanly; a code change starts it again.

    ``argv`` is the command's arguments when not the process's own (``perflib.cli.main(argv)``).
    """
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    code = watch(stop=stop, **kw)  # type: ignore[arg-type]
    if code == RESTART:  # the same command, in a fresh interpreter that imports the new code
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, sys.orig_argv if argv is None
                 else [sys.executable, "-m", "perflib.cli", *argv])
    return code
