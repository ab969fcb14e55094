"""What a build runs and what comes back: one task per notebook run, its outcome, the summary."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perflib.reports import Scope


@dataclass(kw_only=True)
class Task:
    """One notebook run for one portfolio and year, writing the files named ``output.*``."""

    portfolio: str
    year: str
    #: what its files are called: ``annual_report`` writes annual_report.ipynb, .html, .pdf ...
    output: str
    #: the notebook file it runs
    notebook: str
    data_dir: str
    #: where the executed notebook is written (the report's new version folder)
    workdir: str
    #: the report kind's name
    kind: str = ""
    #: parameters beyond portfolio, year and data_dir (a quarterly report's quarter)
    extra: dict[str, str] = field(default_factory=dict)
    inputs_hash: str = ""
    #: "portfolio", or "council" for the corporate report (its notebook takes no portfolio)
    scope: Scope = "portfolio"
    #: 1 for a report made from others this build runs after an edit (the corporate report):
    #: it starts once they have run, and its page prints after theirs; else 0
    tier: int = 0

    @property
    def label(self) -> str:
        """How progress messages name the task."""
        return f"{self.portfolio} {self.year} {self.output}"

    @property
    def key(self) -> tuple[str, str, str]:
        """What tells one task of a build from another."""
        return (self.portfolio, self.year, self.output)

    @property
    def parameters(self) -> dict[str, str]:
        """The notebook's parameters, as papermill injects them."""
        if self.scope == "council":
            return {"year": self.year, "data_dir": self.data_dir, **self.extra}
        return {"portfolio": self.portfolio, "year": self.year, "data_dir": self.data_dir,
                **self.extra}


@dataclass
class Outcome:
    """What came of a task: its page and the documents made from it, or why it failed."""

    task: Task
    _: KW_ONLY  # what came of it, by name
    html: str = ""
    #: the document title, from the report's blocks (every PDF page's header)
    title: str = ""
    #: who the documents name as author (the council)
    author: str = ""
    #: the report's status as its cover gives it (the one every output shows): ``status``
    #: (draft or final), a final's ``approved_by``, and for a draft the cover's ``why``, if any
    cover: dict[str, str] = field(default_factory=dict)
    #: data files the report published from its kernel: name -> CSV text
    files: dict[str, str] = field(default_factory=dict)
    #: documents made from the page (perflib.formats), the PDF among them once printed:
    #: format name -> bytes
    documents: dict[str, bytes] = field(default_factory=dict)
    #: why the PDF was not printed where the task ran (no browser there), for the client to
    #: print it; empty when it was printed, or when the task failed
    unprinted: str = ""
    #: where the task ran: a Dask worker's address, or empty for this machine
    worker: str = ""
    error: str = ""  # empty when the task succeeded
    cell: int | None = None  # execution count of the failing cell, where there is one
    seconds: float = 0.0


@dataclass
class Summary:
    """What a build did, for the CLI's last line and for tests."""

    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    #: declared reports that cannot be made yet, each with why (a quarter with no figures)
    waiting: list[str] = field(default_factory=list)


__all__ = ["Outcome", "Summary", "Task"]
