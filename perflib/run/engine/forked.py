"""Kernels forked from one warm process, so that a build pays for a kernel's imports once.

Importing pandas, matplotlib, seaborn and IPython costs a kernel more than a notebook does. A
process of this module's (:func:`serve`, started once per process that starts kernels) imports
them once, draws one chart (so fonts and renderer are loaded once too), leaves them out of
garbage collection (a kernel that collected them would write to, and so copy, every page it
shares) and forks each kernel from there: a second kernel, or one that replaces a kernel a
failed notebook left, starts with them imported, sharing their memory.

The forked process becomes the kernel jupyter_client asked for: the environment, working folder,
standard output and error, and command line of the request, in a session of its own (the
terminal's Ctrl-C is the build's, not the kernel's), watching the fork server as its parent. The
fork server ends when the process that started it does, and its kernels then end themselves.

Nothing of perflib's is imported before the fork (its paths are read from the environment at
import, and each kernel is given its own), and nothing of the requesting process is imported
after it (multiprocessing's fork server would import the requesting program's main module in every
kernel: a script that builds reports would then build them again in each). Where a process cannot
be forked or waited on (no ``fork``, no ``pidfd_open``: not Linux) a kernel is started afresh, as
jupyter_client starts it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from typing import IO, Any

from jupyter_client.provisioning import LocalProvisioner

from perflib.run.engine.ipc import IPCKernelManager
from perflib.run.engine.launch import LAUNCHER, launch

#: Imported once, in the fork server, for every kernel forked from it.
PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "markdown_it", "nh3",
           "yaml", "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
           "ipykernel.debugger", "debugpy")

_lock = threading.Lock()
#: the fork server's process, the socket to ask it on, and the file its own errors go to
_server: tuple[subprocess.Popen, socket.socket, IO[bytes]] | None = None


def available() -> bool:
    """Whether kernels can be forked here."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")


def start() -> None:
    """Start this process's fork server now, so that its imports overlap the caller's work."""
    if available():
        with _lock:
            _connection()


def _connection() -> socket.socket:
    """This process's fork server (started if it is not running): the socket to ask it on."""
    global _server
    if _server is not None:
        if _server[0].poll() is None:
            return _server[1]
        _stop()  # it ended (killed, say): a new one is started
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    # its own errors (one that keeps it from starting) are kept to say why, not printed over the
    # caller's output; each kernel's output is the caller's own (:func:`fork_kernel`)
    errors = tempfile.TemporaryFile()
    with theirs:
        process = subprocess.Popen(
            [sys.executable, "-c",
             f"from perflib.run.engine.forked import serve; serve({theirs.fileno()})"],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stderr=errors)
    _server = (process, ours, errors)
    return ours


def fork_kernel(args: list[str], env: dict[str, str], cwd: str) -> Forked:
    """A kernel forked from the fork server, given the launcher's ``args``."""
    # this process's own standard output and error, as a kernel started afresh inherits them
    # (not sys.stdout's: inside a notebook that is the kernel's stream to its client)
    stdio = [fd for fd in (1, 2) if _is_open(fd)]
    request = json.dumps({"args": args, "env": env, "cwd": cwd, "stdio": stdio}).encode()
    with _lock:
        for attempt in (1, 2):  # a server lost since it was last asked is started again, once
            conn = _connection()
            try:
                socket.send_fds(conn, [request], stdio)
                reply, fds, _, _ = socket.recv_fds(conn, 1024, 1)
            except OSError:
                reply, fds = b"", []
            if fds or attempt == 2:
                break
            _stop()
        if not fds:
            raise RuntimeError(f"the kernel fork server did not fork a kernel{_last_words()}")
    return Forked(int(reply), fds[0])


def _last_words() -> str:
    """The last line the fork server wrote before it ended (": ImportError: ..."), if it ended."""
    if _server is None:
        return ""
    process, _, errors = _server
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)
    if process.poll() is None:
        return ""
    errors.seek(0)
    lines = [line for line in errors.read().decode(errors="replace").splitlines() if line.strip()]
    return f": {lines[-1].strip()}" if lines else f" (it ended with exit code {process.returncode})"


def _stop() -> None:
    """Forget this process's fork server, ending it if it still runs."""
    global _server
    if _server is not None:
        process, conn, errors = _server
        _server = None
        conn.close()  # a server still running reads the end of its requests, and ends
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)
        errors.close()


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


class Forked:
    """A forked kernel's process, as much of :class:`subprocess.Popen` as jupyter_client uses.

    The kernel is not this process's child, so it is watched through a pidfd (which cannot name
    another process once the kernel has gone). Its exit code is not known here: 0, or minus the
    signal this process ended it with.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int) -> None:
        self.pid, self._fd = pid, pidfd
        self.returncode: int | None = None
        self._signal = 0

    def poll(self) -> int | None:
        """The exit code once the kernel has ended, else None."""
        return self.wait(0) if self._ended(0) else None

    def _ended(self, timeout: float | None) -> bool:
        if self.returncode is not None:
            return True
        return bool(select.select([self._fd], [], [], timeout)[0])

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to end, as :meth:`subprocess.Popen.wait` does."""
        if not self._ended(timeout):
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
        if self.returncode is None:
            self.returncode = -self._signal
            os.close(self._fd)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Signal the kernel, unless it has already gone (as Popen does nothing then)."""
        if self.poll() is not None:
            return
        if signum in (signal.SIGKILL, signal.SIGTERM):
            self._signal = signum
        with contextlib.suppress(ProcessLookupError):  # it ended since the poll
            signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        """End the kernel now."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Ask the kernel to end."""
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching the kernel forked from the fork server."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """Fork the kernel ``cmd`` describes; start it afresh where kernels cannot be forked."""
        if not available() or LAUNCHER not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        process = fork_kernel(cmd[cmd.index(LAUNCHER) + 1:], dict(kwargs.get("env") or os.environ),
                              cwd)
        self.process = process  # type: ignore[assignment]  # as much of a Popen as is used
        self.pid = self.pgid = process.pid  # the kernel leads a session of its own
        self.cwd = cwd
        return self.connection_info


class ForkedKernelManager(IPCKernelManager):
    """A warm engine's kernel: forked from the fork server, started by :mod:`.launch`."""

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id,
                                                 kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """Start the kernel through :mod:`.launch` instead of ``ipykernel_launcher``."""
        cmd = super().format_kernel_cmd(extra_arguments)
        return [LAUNCHER if part == "ipykernel_launcher" else part for part in cmd]


# ---- the fork server -------------------------------------------------------------------------

def serve(fd: int) -> None:
    """The fork server: import :data:`PRELOAD`, then fork a kernel for each request on ``fd``."""
    import gc
    import importlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the build's to handle
    # debugpy (ipykernel's debugger) warns on stderr, as it is imported, that breakpoints in
    # frozen modules may be missed: a kernel's stderr goes to its client, this process's to the
    # build's terminal
    quiet = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    before = {k: os.environ.get(k) for k in quiet}
    os.environ.update(quiet)
    for name in PRELOAD:
        importlib.import_module(name)
    for k, v in before.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    _draw_once()
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels that end are reaped by the system
    conn = socket.socket(fileno=fd)
    while True:
        try:
            request, fds, _, _ = socket.recv_fds(conn, 1 << 20, 2)
        except OSError:
            return
        if not request:  # the process that started this one has gone
            return
        pid = os.fork()
        if pid == 0:
            _become_kernel(conn, json.loads(request), fds)
        for f in fds:
            os.close(f)
        pidfd = os.pidfd_open(pid)
        try:
            socket.send_fds(conn, [str(pid).encode()], [pidfd])
        except OSError:
            return
        finally:
            os.close(pidfd)


def _draw_once() -> None:
    """Draw and save one small chart, as a report does, leaving no state behind.

    matplotlib loads its fonts, renderer and PNG writer on first use: loaded here, they are
    loaded once for every kernel. The chart is drawn through the object API, so pyplot, the
    backend and rcParams are as a kernel that imported matplotlib itself would find them.
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [1, 3, 2], marker="o", linestyle="--", label="series")
    ax.bar([0, 1, 2], [1, 2, 3], hatch="//")
    ax.set_title("Title")
    ax.set_xlabel("Quarter")
    ax.legend()
    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")


def _become_kernel(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """In the forked process: become the kernel asked for, run it, and never return."""
    code = 1
    try:
        conn.close()
        for sig in (signal.SIGCHLD, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL if sig == signal.SIGCHLD else
                          signal.default_int_handler)
        for target, f in zip(request["stdio"], fds, strict=True):
            os.dup2(f, target)
            os.close(f)
        os.setsid()
        os.environ.clear()
        os.environ.update(request["env"])
        parent = str(os.getppid())
        os.environ["JPY_PARENT_PID"] = parent
        os.chdir(request["cwd"])
        # ipykernel read JPY_PARENT_PID as it was imported, in the fork server: it is given again
        # here, so that the kernel ends itself when the fork server goes
        sys.argv = [LAUNCHER, *request["args"], f"--IPKernelApp.parent_handle={parent}"]
        launch()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


__all__ = ["Forked", "ForkedKernelManager", "ForkedProvisioner", "available", "fork_kernel",
           "start"]
