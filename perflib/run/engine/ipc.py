"""Kernels reached over Unix sockets in a private folder, not over TCP ports.

Jupyter kernels talk to their client over five ZeroMQ channels, on TCP ports by default; a
build's kernels use IPC instead (Unix sockets in a private temporary folder, removed at exit).
Both engines start their kernels through :class:`IPCKernelManager`: the plain engine as
jupyter_client starts any kernel, the warm engine forked (:mod:`perflib.run.engine.forked`).
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
import threading
import uuid
from pathlib import Path

from jupyter_client import AsyncKernelManager
from traitlets import default

_DIR: Path | None = None
#: Kernels start on several threads at once: without it, two could each make a folder, and the
#: one not kept would be left in the temp folder when the build ends.
_LOCK = threading.Lock()


#: A Unix socket's path is at most 107 bytes on Linux; a kernel's are its folder, then
#: ``/kernel-`` with 12 hex digits, ``-`` and a port of up to 5 digits.
SOCKET_PATH_MAX = 107
_SOCKET_NAME = len("/kernel-") + 12 + len("-") + 5
_PREFIX = "perflib-kernels-"


def _base() -> str | None:
    """Where the socket folder goes: the temp folder, unless its path is too long for sockets.

    A long ``TMPDIR`` (a deep scratch folder, a CI runner's workspace) would leave no room for
    the socket's name, and every kernel would fail to bind; ``/tmp`` is used then, the folder
    being private (0700) wherever it is.
    """
    fits = SOCKET_PATH_MAX - _SOCKET_NAME - len(_PREFIX) - 9  # "/" + mkdtemp's 8 characters
    if len(tempfile.gettempdir().encode()) <= fits:
        return None
    for base in ("/tmp", "/dev/shm"):
        if Path(base).is_dir() and len(base) <= fits:
            return base
    return None


def _socket_dir() -> Path:
    """One private folder per process for kernel sockets, removed when the process exits."""
    global _DIR
    with _LOCK:
        if _DIR is None:
            _DIR = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=_base()))
            atexit.register(_at_exit, _DIR)
        return _DIR


def _at_exit(folder: Path) -> None:
    """Remove the socket folder, unless the warm kernels' own shutdown will, after them.

    Exit handlers run last registered first, so this one would otherwise pull the sockets from
    under a kernel still starting (which would print its failure to bind as the build exits):
    :func:`perflib.run.engine.warm.shutdown_all` stops every kernel, then calls :func:`cleanup`.
    """
    warm = sys.modules.get("perflib.run.engine.warm")
    if warm is not None and getattr(warm, "_registered", False) and folder == _DIR:
        return
    _remove(folder)


def cleanup() -> None:
    """Remove this process's socket folder now (spawned workers exit without running atexit)."""
    global _DIR
    with _LOCK:
        folder, _DIR = _DIR, None
    if folder is not None:
        _remove(folder)


def _remove(folder: Path) -> None:
    """Remove a socket folder, even if a kernel ending as it goes binds a socket in it meanwhile."""
    for _ in range(3):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return


class IPCKernelManager(AsyncKernelManager):
    """Kernels reached over Unix sockets in a private temp folder."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        return str(_socket_dir() / f"kernel-{uuid.uuid4().hex[:12]}")

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts a kernel before asking it to shut down; an idle kernel then
        # logs "KeyboardInterrupt caught in kernel" on a run that succeeded. ipykernel answers a
        # shutdown request on its control channel even when busy, so no interrupt is needed.
        if not self.shutting_down:
            await super()._async_interrupt_kernel()
