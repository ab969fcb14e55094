"""Kernels for unattended builds that listen on no TCP port.

Jupyter kernels talk to their client over five ZeroMQ channels, on TCP ports by default; here they
use IPC (Unix sockets in a private temporary folder), and the kernel is started through
:mod:`perflib.run.launch`, which turns off the loopback TCP pipe ipykernel would also open.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager
from traitlets import default

from perflib.run.launch import LAUNCHER

_DIR: Path | None = None
#: Kernels start on several threads at once: without it, two could each make a folder, and the
#: one not kept would be left in the temp folder when the build ends.
_LOCK = threading.Lock()


def _socket_dir() -> Path:
    """One private folder per process for kernel sockets, removed when the process exits."""
    global _DIR
    with _LOCK:
        if _DIR is None:
            _DIR = Path(tempfile.mkdtemp(prefix="perflib-kernels-"))
            atexit.register(_at_exit, _DIR)
        return _DIR


def _at_exit(folder: Path) -> None:
    """Remove the socket folder, unless the warm kernels' own shutdown will, after them.

    Exit handlers run last registered first, so this one would otherwise pull the sockets from
    under a kernel still starting (which would print its failure to bind as the build exits):
    :func:`perflib.run.kernels.shutdown_all` stops every kernel, then calls :func:`cleanup`.
    """
    kernels = sys.modules.get("perflib.run.kernels")
    if kernels is not None and getattr(kernels, "_registered", False) and folder == _DIR:
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
    """Kernels reached over Unix sockets in a private temp folder, with no TCP listener."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        return str(_socket_dir() / f"kernel-{uuid.uuid4().hex[:12]}")

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        """Launch the kernel forked from the fork server (:mod:`perflib.run.forked`)."""
        if self.provisioner is None:
            from perflib.run.forked import ForkedProvisioner

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id,
                                                 kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts a kernel before asking it to shut down; an idle kernel then
        # logs "KeyboardInterrupt caught in kernel" on a run that succeeded. ipykernel answers a
        # shutdown request on its control channel even when busy, so no interrupt is needed.
        if not self.shutting_down:
            await super()._async_interrupt_kernel()

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """Start the kernel through :mod:`perflib.run.launch` instead of ``ipykernel_launcher``."""
        cmd = super().format_kernel_cmd(extra_arguments)
        return [LAUNCHER if part == "ipykernel_launcher" else part for part in cmd]
