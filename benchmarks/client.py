"""Run ``perflib`` as the benchmark's client, recording its own CPU seconds and peak memory.

``python benchmarks/client.py OUT.json build ...`` runs ``perflib build ...`` in this process and,
as it exits, writes to OUT.json the CPU seconds (user + system) and the peak resident memory of
this process alone: the client, without the kernels, browsers or workers it drove.
"""

from __future__ import annotations

import atexit
import json
import resource
import sys


def _record(path: str) -> None:
    me = resource.getrusage(resource.RUSAGE_SELF)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"cpu": me.ru_utime + me.ru_stime, "peak_mb": me.ru_maxrss / 1024}, f)


if __name__ == "__main__":
    atexit.register(_record, sys.argv[1])
    from perflib.cli import main

    sys.exit(main(sys.argv[2:]))
