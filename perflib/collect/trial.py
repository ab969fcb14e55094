"""A trial of an edit: the portfolio read with the changed files in place, before any is written.

An import (of returns, or of comparators) changes files whose rows are checked against each other:
a year against its quarters, a cumulative count against the quarter before, commentary against
its figures. Rather than check the new rows apart, with rules of their own, the portfolio is
copied to a scratch folder inside the project, the changed bytes put in place, and the copy read
through the same loaders as ``perflib check``; what it finds that the data as it stands does not
is what the edit would break. The scratch folder is removed whatever happens.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from perflib import config
from perflib.data.portfolio import Portfolio, read_portfolio
from perflib.data.report import read_report
from perflib.errors import Problem


def _problems(portfolio: str, data_dir: Path, year: str | None) -> list[Problem]:
    if year is None:
        return read_portfolio(portfolio, data_dir)[1]
    return read_report(portfolio, year, data_dir)[1]


def _key(q: Problem) -> tuple[object, ...]:
    """A problem as the two readings are compared: an edit may move the lines below it."""
    return (q.file, q.column, q.message, q.fix)


def new_problems(p: Portfolio, changes: dict[Path, bytes], year: str | None = None
                 ) -> list[Problem]:
    """What reading ``p`` (and ``year``'s report) would find with ``changes`` written, and not now.

    Errors only, each naming the real file (a to-do is not an edit's fault). ``changes`` maps
    files inside the portfolio's folder to their new bytes.
    """
    data_dir = p.path.parent
    before = Counter(_key(q) for q in _problems(p.id, data_dir, year) if not q.todo)
    scratch = Path(tempfile.mkdtemp(prefix=".perflib-trial-", dir=config.PROJECT_ROOT))
    try:
        copy = scratch / p.id
        shutil.copytree(p.path, copy)
        for path, data in changes.items():
            target = copy / path.relative_to(p.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        after = _problems(p.id, scratch, year)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    out = []
    for q in after:
        if q.todo:
            continue
        if q.file is not None and Path(q.file).is_relative_to(copy):
            q = dataclasses.replace(q, file=p.path / Path(q.file).relative_to(copy))
        if before[_key(q)]:
            before[_key(q)] -= 1  # there already, wherever its line is now
            continue
        out.append(q)
    return out


__all__ = ["new_problems"]
