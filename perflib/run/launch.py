"""How a build's kernel starts: ``python -m perflib.run.launch``, IPython's kernel with one change.

ipykernel binds a loopback TCP port to collect output from processes a notebook forks; report
notebooks fork nothing, and a build's kernels listen on no TCP port (:mod:`perflib.run.ipc`), so
the kernel is started with that pipe turned off. A kernel forked from the fork server
(:mod:`perflib.run.forked`) becomes a kernel the same way.
"""

from __future__ import annotations

#: The module a kernel's command runs (``python -m perflib.run.launch``): its arguments follow.
LAUNCHER = "perflib.run.launch"


def launch() -> None:
    """Start an IPython kernel whose IOPub thread opens no loopback TCP pipe."""
    from ipykernel import iostream, kernelapp

    original = iostream.IOPubThread.__init__

    def init(self: iostream.IOPubThread, socket: object, pipe: bool = False,
             **kw: object) -> None:
        original(self, socket, pipe=False, **kw)

    iostream.IOPubThread.__init__ = init  # type: ignore[method-assign,assignment]
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    launch()
