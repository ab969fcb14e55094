"""The steps a build takes whichever pool runs its notebooks (threads here, or a Dask cluster).

Withdraw what the data no longer holds, plan each report folder against its last build log,
order the tasks (after an edit, the edited reports first), and say how the build ended. Both
:mod:`perflib.run.build` and :mod:`perflib.run.cluster` take them from here, so neither imports
the other's internals.
"""

from __future__ import annotations

import sys
from pathlib import Path

from perflib import config
from perflib.data.folders import portfolios, year_folder
from perflib.errors import BrowserNotFound, NotebookError
from perflib.run import plan as planning
from perflib.run import versions
from perflib.run.outline import Checked
from perflib.run.plan import COUNCIL, Plan
from perflib.run.tasks import Summary, Task


def say(msg: str) -> None:
    """A line of the build's log, on stderr."""
    print(msg, file=sys.stderr, flush=True)


def held(checks: list[Checked], council: Checked | None) -> set[tuple[str, str]]:
    """(portfolio id, year folder) of every report folder the checked data holds."""
    found = {(c.scope, folder) for c in checks for folder in c.held}
    return found | {(COUNCIL, folder) for folder in (council.held if council else [])}


def withdraw(out: Path, data: Path, held: set[tuple[str, str]], corporate: bool,
             portfolio: str | None, year: str | None, keep: frozenset[str] = frozenset()
             ) -> None:
    """Withdraw what is published but no longer held: one line each, naming where it is kept.

    Only report folders within the build's scope (``--portfolio``, ``--year``) are looked at;
    a portfolio out of scope that data/ no longer holds is named, and left for a full build.
    ``corporate`` says whether there is a corporate report; the portfolios in ``keep`` (those
    whose check failed, so whose years are not known) are left as they are.
    """
    ids = set(portfolios(data))
    later: set[str] = set()
    for pid, folder in versions.published(out):
        if (pid, folder) in held or pid in keep:
            continue
        if portfolio not in (None, pid) or year not in (None, folder.replace("-", "/")):
            if pid not in ids and pid != COUNCIL:
                later.add(pid)
            continue
        label = folder.replace("-", "/")
        why = (("no portfolio holds it any more" if corporate else "there is no corporate report")
               if pid == COUNCIL
               else f"data/ holds no portfolio '{pid}' any more" if pid not in ids
               else f"{pid}'s portfolio.yaml no longer lists {label}")
        kept = versions.withdraw(out, pid, folder)
        where = f"; kept in {config.relative(kept)} until the reports are cleaned" if kept else ""
        say(f"  withdrawn   {pid} {label}: {why}{where}")
    for pid in sorted(later):
        say(f"  still published {pid}: data/ holds no portfolio '{pid}' any more; a build of "
            "every portfolio and year withdraws its reports")


def plans_of(checked: Checked, out: Path, staged: Path, data: Path, code: str, force: bool,
             summary: Summary, digests: dict[Path, str]) -> list[Plan]:
    """The report folders one check's outline asks for, each against its last build log."""
    found = [planning.plan(y, out / y.portfolio / y.folder,
                           versions.new_version(staged, y.portfolio, y.folder), data, code, force,
                           summary, digests) for y in checked.years]
    for c in checked.council:
        folder = year_folder(c.year)
        found.append(planning.plan_council(
            c, checked.council_name or "", out / COUNCIL / folder,
            versions.new_version(staged, COUNCIL, folder), data, code, force, summary, digests))
    return found


def order(plans: list[Plan], summary: Summary) -> list[Task]:
    """Every task to run, in the order they start; each plan's role said, after an edit.

    After an edit (some reports up to date) the edited reports come first and the reports made
    from them after (``tier`` 1: their pages print after the edited ones'). When everything runs,
    the corporate reports (the longest notebooks) start first.
    """
    mine = [p for p in plans if p.tasks and p.log.get("scope") != "council"]
    theirs = [p for p in plans if p.tasks and p.log.get("scope") == "council"]
    if not summary.skipped:
        return [t for p in theirs + mine for t in p.tasks]
    edited = sorted({p.log["portfolio"] for p in mine})
    for p in mine:
        p.role = "edited"
    for p in theirs:  # made from the edited portfolios' data (or, alone, edited itself)
        p.role = f"depends on {', '.join(edited)}" if edited else "edited"
        for t in p.tasks:
            t.tier = 1 if edited else 0
    return [t for p in mine + theirs for t in p.tasks]


def finish(summary: Summary, out: Path, failures: list[NotebookError],
           printer_error: BrowserNotFound | None = None) -> Summary:
    """The build's last line, and its failures raised (every one named)."""
    waits = f", waiting {len(summary.waiting)}" if summary.waiting else ""
    say(f"built {len(summary.built)}, up to date {len(summary.skipped)}, "
        f"failed {len(summary.failed)}{waits} -> {out}")
    if failures:
        for f in failures:
            say(f"FAILED {f}")
        raise failures[0] if len(failures) == 1 else NotebookError(
            f"{len(failures)} notebooks", None, "; ".join(str(f) for f in failures))
    if printer_error:
        raise printer_error
    return summary


__all__ = ["finish", "held", "order", "plans_of", "say", "withdraw"]
