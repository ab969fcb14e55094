"""A kernel manager that talks to kernels over IPC sockets rather than open TCP ports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from jupyter_client import AsyncKernelManager
from traitlets import default


class IPCKernelManager(AsyncKernelManager):
    """Kernels for unattended builds: Unix sockets in a private temp folder, no TCP listener."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        return str(Path(tempfile.mkdtemp(prefix="perflib-kernel-")) / "kernel")
