"""How a warm kernel starts: ``python -m perflib.run.engine.launch``, IPython's kernel, two changes.

ipykernel binds a loopback TCP port to collect output from processes a notebook forks; report
notebooks fork nothing, and a warm kernel listens on no TCP port (:mod:`.ipc`), so the kernel is
started with that pipe turned off.

A kernel forked from the fork server (:mod:`.forked`) becomes a kernel the same way, with
matplotlib already imported: it read its backend (``MPLBACKEND``) from the environment as it was
imported, before ipykernel set it to Jupyter's inline backend. Without that backend, a chart an
analyst's cell draws (``plt.show()``, or a figure left open at the end of a cell) would never
become an output, as it does on a kernel started afresh; so once ipykernel has chosen the backend,
matplotlib is given it, as its import would have read it.
"""

from __future__ import annotations

import os
import sys

#: The module a kernel's command runs (``python -m perflib.run.engine.launch``): its arguments
#: follow.
LAUNCHER = "perflib.run.engine.launch"


def launch() -> None:
    """Start an IPython kernel: no loopback TCP pipe, matplotlib on the backend ipykernel chose."""
    from ipykernel import iostream, kernelapp

    original = iostream.IOPubThread.__init__

    def init(self: iostream.IOPubThread, socket: object, pipe: bool = False,
             **kw: object) -> None:
        original(self, socket, pipe=False, **kw)

    iostream.IOPubThread.__init__ = init  # type: ignore[method-assign,assignment]
    choose = kernelapp.IPKernelApp.init_gui_pylab

    def init_gui_pylab(self: kernelapp.IPKernelApp) -> None:
        choose(self)
        backend_from_environment()

    kernelapp.IPKernelApp.init_gui_pylab = init_gui_pylab  # type: ignore[method-assign]
    kernelapp.launch_new_instance()


def backend_from_environment() -> None:
    """Give an already imported matplotlib the backend ``MPLBACKEND`` names, as its import does."""
    matplotlib = sys.modules.get("matplotlib")
    backend = os.environ.get("MPLBACKEND")
    if matplotlib is not None and backend:
        matplotlib.rcParams["backend"] = backend


if __name__ == "__main__":
    launch()
