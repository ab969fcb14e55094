"""Notebooks are committed without outputs: the check the tests and the pre-commit hook share.

Run as ``python -m tests.clean_notebooks FILE.ipynb ...`` (the pre-commit hook does), it names
every notebook that carries an output or an execution count and exits 1; the build writes
executed copies into reports/, never into notebooks/.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def problems(path: Path) -> list[str]:
    """What is left in a notebook that should not be committed, a line each."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for n, cell in enumerate(nb["cells"], 1):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            out.append(f"{path}: cell {n} has outputs; run nbstripout {path}")
        if cell.get("execution_count") is not None:
            out.append(f"{path}: cell {n} has an execution count; run nbstripout {path}")
    return out


def main(paths: list[str]) -> int:
    """Print every problem of every notebook given; 1 if there is any."""
    found = [line for p in paths for line in problems(Path(p))]
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
