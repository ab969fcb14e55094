"""Output formats, found through a registry: adding one is one module and one entry point.

A report's content is one list of blocks, every cell's output in order
(:func:`perflib.present.cells.content`), rendered once as a self-contained HTML page
(:class:`Rendered`); every other format is made from the same blocks, or from the page, or by
printing the page in a browser. Formats are registered under the ``perflib.formats`` entry-point
group, perflib's own included (:data:`BUILTIN`), as report kinds are under ``perflib.reports``;
the runner, the index and the nbconvert exporters (:mod:`perflib.exporters`, one made per
format) all read :func:`formats`. A council's own format is a module of its own package::

    # mycouncil/easyread.py
    from perflib.formats import Format

    FORMAT = Format("easyread", ".txt", "Easy read", "text/plain", "blocks",
                    "mycouncil.easyread:make")

    def make(rendered):  # -> bytes, from rendered.blocks (or rendered.html)
        ...

and that package's pyproject.toml registers it, with the exporter perflib makes for it (named
by :attr:`Format.exporter`), so that JupyterLab's export menu and ``jupyter nbconvert --to``
offer it too (nbconvert finds exporters through its own entry points alone)::

    [project.entry-points."perflib.formats"]
    easyread = "mycouncil.easyread:FORMAT"

    [project.entry-points."nbconvert.exporters"]
    Committee_report_Easy_read = "perflib.exporters:Committee_report_Easy_read"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from perflib.errors import PluginError
from perflib.present.blocks import Block

GROUP = "perflib.formats"


@dataclass(frozen=True)
class Rendered:
    """A report as every format starts from it: its HTML page and the blocks it was made from."""

    html: str
    blocks: list[Block]
    title: str
    author: str


#: What a format is made from: "html" (the page itself), "page" (made from the page's HTML),
#: "blocks" (from the blocks), or "browser" (printed from the page by the browser the runner
#: holds open: the PDF's way, and perflib's alone).
MADE_FROM = ("html", "page", "blocks", "browser")


@dataclass(frozen=True)
class Format:
    """One output format of a report."""

    #: short name: the entry point's, the key of a build's documents, the build log's word
    name: str
    #: the file's extension: a report ``annual_report`` is written as ``annual_report.txt``
    extension: str
    #: what a reader calls it (the index's link text)
    label: str
    mimetype: str
    #: one of :data:`MADE_FROM`
    made_from: str
    #: ``module:function`` that makes it: ``function(rendered, **options) -> bytes``, imported
    #: only when a report is made (a build that lists formats loads no Word library)
    maker: str = ""
    #: the word naming it in its exporter's name where its label would not do (HTML, not Web page)
    word: str = ""

    @property
    def exporter(self) -> str:
        """The nbconvert exporter's name, which is also JupyterLab's menu label.

        JupyterLab 4 labels an export by its nbconvert name (first letter upper-cased) and
        jupyter_server routes only names of letters, digits and underscores, so the name is the
        label: ``jupyter nbconvert --to Committee_report_PDF``.
        """
        return "Committee_report_" + re.sub(r"\W+", "_", self.word or self.label).strip("_")

    @property
    def menu_label(self) -> str:
        """What the classic notebook's download menu calls it (nbconvert's export_from_notebook)."""
        return f"Committee report ({self.word or self.label})"

    def make(self, rendered: Rendered, **options: Any) -> bytes:
        """This format of ``rendered`` (``options`` go to the maker: a browser's printer)."""
        if self.made_from == "html":
            return rendered.html.encode("utf-8")
        module, _, function = self.maker.partition(":")
        make: Callable[..., bytes] = getattr(import_module(module), function)
        return make(rendered, **options)


#: The formats perflib ships, in the index's order, used when the package's metadata is not
#: installed (a bare checkout); pyproject.toml registers the same under ``perflib.formats``.
BUILTIN = {
    "html": "perflib.formats.builtin:HTML",
    "pdf": "perflib.formats.builtin:PDF",
    "docx": "perflib.formats.builtin:WORD",
    "md": "perflib.formats.builtin:MARKDOWN",
}
_FORMATS: dict[str, Format] | None = None


def formats() -> dict[str, Format]:
    """Every registered format by name: perflib's own first, then others' by name.

    A format another package registers that cannot be loaded or clashes with one already
    registered stops here with a :class:`~perflib.errors.PluginError` naming its entry point and
    package, rather than in the middle of a build.
    """
    global _FORMATS
    if _FORMATS is None:
        found = _entry_points()
        out: dict[str, Format] = {}
        for name, target in BUILTIN.items():
            found.pop(name, None)
            out[name] = _checked(name, _load(target), "perflib", out, own=True)
        for name, ep in sorted(found.items()):
            out[name] = _checked(name, _loaded(ep), _origin(ep), out)
        _FORMATS = out
    return _FORMATS


def made_alongside() -> list[Format]:
    """Formats a build thread makes itself once the page is there (not the page, not printed)."""
    return [f for f in formats().values() if f.made_from in ("page", "blocks")]


def _entry_points() -> dict[str, EntryPoint]:
    """The group's entry points by name; two packages claiming one name is an error."""
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUP):
        if ep.value != BUILTIN.get(ep.name, ep.value):
            raise PluginError(f"{_origin(ep)} registers a format named '{ep.name}', which is "
                              "perflib's own. Fix: give that format another name")
        if ep.name in found and found[ep.name].value != ep.value:
            raise PluginError(f"{_origin(found[ep.name])} and {_origin(ep)} both register a "
                              f"format named '{ep.name}'. Fix: uninstall one, or rename its format")
        found[ep.name] = ep
    return found


def _origin(ep: EntryPoint) -> str:
    """An entry point as a message names it: its package and its line."""
    dist = getattr(ep, "dist", None)
    package = f"package '{dist.name}'" if dist is not None else "a package"
    return f"{package} (entry point {GROUP}: {ep.name} = {ep.value})"


def _load(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)


def _loaded(ep: EntryPoint) -> Any:
    try:
        return ep.load()
    except Exception as exc:
        raise PluginError(f"{_origin(ep)} cannot be loaded: {type(exc).__name__}: {exc}. Fix: "
                          "reinstall that package, or uninstall it") from exc


def _checked(name: str, fmt: object, origin: str, before: dict[str, Format],
             own: bool = False) -> Format:
    """``fmt`` if it is a format perflib can build beside those ``before`` it; else why not."""
    if not isinstance(fmt, Format):
        raise _refused(origin, name, f"names a {type(fmt).__name__}, not a perflib.formats.Format")
    clash = next((f for f in before.values()
                  if fmt.extension == f.extension or fmt.exporter == f.exporter), None)
    if fmt.name != name:
        raise _refused(origin, name, f"names a Format called '{fmt.name}'")
    if fmt.made_from not in MADE_FROM or (not own and fmt.made_from not in ("page", "blocks")):
        raise _refused(origin, name, f"is made from '{fmt.made_from}', where a format from "
                                     "another package is made from 'blocks' or 'page'")
    if not re.fullmatch(r"\.\w[\w.-]*", fmt.extension) or fmt.extension == ".ipynb":
        raise _refused(origin, name, f"has the extension '{fmt.extension}', which a report's "
                                     "file cannot take")
    if clash is not None:
        taken = (f"the extension '{fmt.extension}'" if fmt.extension == clash.extension
                 else f"the exporter name '{fmt.exporter}' (from its label)")
        raise _refused(origin, name, f"has {taken}, as the format '{clash.name}' has")
    return fmt


def _refused(origin: str, name: str, problem: str) -> PluginError:
    return PluginError(f"{origin} {problem}. Fix: its entry point must name a "
                       f"perflib.formats.Format('{name}', ...) of an extension and label of its "
                       "own, made from 'blocks' or 'page'")


__all__ = ["BUILTIN", "GROUP", "MADE_FROM", "Format", "Rendered", "formats", "made_alongside"]
