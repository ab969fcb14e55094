"""Report kinds, found through a registry: a notebook plus a module, registered; or a notebook alone.

A report kind says which notebook renders it, which measures it needs by *role* (mapped to a
portfolio's own measure_ids in portfolio.yaml), which optional data files and facts it reads, and
which CSV it publishes. Kinds are registered under the ``perflib.reports`` entry-point group, as
papermill registers engines, so a council can ship its own kind in a package of its own::

    [project.entry-points."perflib.reports"]
    housing_repairs = "mycouncil.repairs:KIND"

The build reads only these declarations; a kind's code runs in the notebook's kernel.

A portfolio may also declare, in its portfolio.yaml, a kind that is a notebook alone
(:mod:`perflib.data.declarations`): an analyst's deep dive, made in JupyterLab with no code of its
own. :func:`declared` gives it as a :class:`ReportKind` like any other, so the build runs,
indexes, exports and checks it the same way; it publishes what its notebook shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal

from perflib import config

GROUP = "perflib.reports"
#: Whose report a kind makes: one portfolio's year, or the whole council's (the corporate report).
Scope = Literal["portfolio", "council"]


@dataclass(frozen=True, kw_only=True)
class ReportKind:
    """What a report kind needs and makes."""

    #: id used in portfolio.yaml and in output file names
    name: str
    #: what the reader calls it, e.g. "Complaints deep dive"
    title: str
    #: the notebook that renders it: a name under the project's notebooks/, or a path
    notebook: str
    #: the data file it publishes beside the report, computed in the kernel
    csv: str
    #: role -> what the measure must be; every role must be mapped in portfolio.yaml
    roles: dict[str, str] = field(default_factory=dict)
    #: roles that may be left out; the report then says nothing of them
    optional_roles: dict[str, str] = field(default_factory=dict)
    #: topic in facts.csv and the metrics it reads, each with its meaning (all optional)
    facts_topic: str = ""
    facts: dict[str, str] = field(default_factory=dict)
    #: the data files it reads beyond what every report reads (perflib.data.files names them,
    #: e.g. commentary.md, facts.csv): a change to one rebuilds it
    files: tuple[str, ...] = ()
    #: data checks of its own, run at load time for a portfolio that declares it:
    #: ``check(report) -> list[Problem]``
    check: Callable[[Any], list[Any]] | None = None
    #: data-quality findings of its own for the year's data-quality.csv:
    #: ``findings(report) -> list[Finding]``
    findings: Callable[[Any], list[Any]] | None = None
    #: whose report it is: one portfolio's year ("portfolio"), or the whole council's ("council",
    #: the corporate report, built once per year into reports/council/)
    scope: Scope = "portfolio"
    #: the notebooks it makes for one report year, as (output name, extra notebook parameters):
    #: ``runs(report) -> list[tuple[str, dict[str, str]]]``; by default one, named after its notebook
    runs: Callable[[Any], list[tuple[str, dict[str, str]]]] | None = None
    #: the notebooks it declares for a report year that cannot be made yet, each with why, so
    #: the build names them rather than skipping them in silence: ``waiting(report) -> [str]``
    waiting: Callable[[Any], list[str]] | None = None

    @property
    def notebook_path(self) -> Path:
        """The notebook file."""
        p = Path(self.notebook)
        return p if p.is_absolute() else config.NOTEBOOKS_DIR / f"{self.notebook}.ipynb"

    def notebooks(self, report: Any) -> list[tuple[str, dict[str, str]]]:
        """(output name, extra parameters) of every notebook run this kind makes for a report year."""
        return self.runs(report) if self.runs else [(self.notebook_path.stem, {})]


#: The kinds perflib ships, used when the package's metadata is not installed (a bare checkout).
BUILTIN = {
    "annual": "perflib.reports.annual:KIND",
    "complaints": "perflib.reports.complaints:KIND",
    "digital_inclusion": "perflib.reports.digital_inclusion:KIND",
    "museum_visits": "perflib.reports.museum_visits:KIND",
    "quarterly": "perflib.reports.quarterly:KIND",
    "corporate": "perflib.reports.corporate:KIND",
}
_KINDS: dict[str, ReportKind] | None = None


def _load(target: str) -> ReportKind:
    from importlib import import_module

    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)


def kinds() -> dict[str, ReportKind]:
    """Every registered report kind by name, the annual report first."""
    global _KINDS
    if _KINDS is None:
        found = {ep.name: ep for ep in entry_points(group=GROUP)}
        out = {name: (found.pop(name).load() if name in found else _load(target))
               for name, target in BUILTIN.items()}
        out.update({name: ep.load() for name, ep in sorted(found.items())})
        _KINDS = out
    return _KINDS


def readers() -> dict[str, list[str]]:
    """Each data file's readers: the kinds that name it in their files."""
    out: dict[str, list[str]] = {}
    for name, kind in kinds().items():
        for f in kind.files:
            out.setdefault(f, []).append(name)
    return out


def declared(p: Any) -> list[ReportKind]:
    """The kinds portfolio ``p`` declares: the registered ones in registry order, then its own."""
    own = [notebook_kind(n) for n in p.notebooks.values()]
    return [k for name, k in kinds().items() if name in p.reports and name not in p.notebooks
            and k.scope == "portfolio"] + own


def notebook_kind(declaration: Any) -> ReportKind:
    """The kind a portfolio declares as a notebook of its own (a ``NotebookReport``).

    It has the roles portfolio.yaml maps for it, no more; and since its notebook may read any of
    the portfolio's files, a change to any of them rebuilds it.
    """
    from perflib.data.files import FILES

    return ReportKind(name=declaration.name, title=declaration.title,
                      notebook=str(declaration.notebook), csv="",
                      files=tuple(f.name for f in FILES if not f.every_report))


def kind_of(report: Any, name: str) -> ReportKind:
    """Report kind ``name`` as ``report``'s portfolio has it: its own notebook's, or a registered one.

    For a notebook to print its kind's title: raises a KeyError naming the kinds declared.
    """
    for kind in declared(report.portfolio):
        if kind.name == name:
            return kind
    raise KeyError(f"portfolio '{report.portfolio.id}' declares no report '{name}' (it declares: "
                   f"{', '.join(report.portfolio.reports) or 'none'}); add it under reports: in "
                   "its portfolio.yaml")


def council_kinds() -> list[ReportKind]:
    """The kinds of the council as a whole (the corporate report), built for every council."""
    return [k for k in kinds().values() if k.scope == "council"]
