"""nbconvert exporters for committee reports: ``jupyter nbconvert --to Committee_report_PDF``.

One exporter per output format of the registry (:func:`perflib.formats.formats`), made from its
:class:`~perflib.formats.Format` and named as JupyterLab's export menu shows it
(:attr:`Format.exporter`). nbconvert finds exporters through its ``nbconvert.exporters`` entry
points alone, so each format's package registers its exporter there as an attribute of this
module (``Committee_report_PDF = "perflib.exporters:Committee_report_PDF"``, as perflib's own
pyproject.toml does): the attribute is made here, on first use, from the format of that name
(:func:`__getattr__`), and a format from another package needs no change to perflib. nbconvert's
own ``webpdf`` cannot be pointed at a system Chromium; these can (see :mod:`perflib.formats.pdf`).
A report notebook that has not been run (as committed) is run first with its own parameters
(:func:`ready`), so an export is never a blank page; any other notebook is refused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from typing import Any, ClassVar, NoReturn

import nbformat
from traitlets import default

from perflib import config
from perflib.errors import ContentError, PluginError, debugging
from perflib.formats import Format, Rendered, builtin, formats
from perflib.formats.page import ExportError, PageExporter


class ReportHTMLExporter(PageExporter):
    """A report as one self-contained HTML page, run first if the notebook has not been."""

    export_from_notebook = builtin.HTML.menu_label

    # nbconvert's Exporter types its output as a NotebookNode, yet its own template exporters
    # return str (and ignore the same error); ours do as they do
    def from_notebook_node(  # type: ignore[override]
            self, nb: nbformat.NotebookNode, resources: dict | None = None,
            **kw: Any) -> tuple[str, dict]:
        """Run the notebook if it has not been, then render its page."""
        try:
            return super().from_notebook_node(ready(nb, resources), resources, **kw)
        except (ExportError, ContentError) as exc:
            self._refuse(exc)

    def _refuse(self, exc: ExportError | ContentError) -> NoReturn:
        """Fail the export: under ``jupyter nbconvert``, with the message alone and its exit code.

        nbconvert would log a ConversionException with its traceback, which buries the one line
        that says what failed. Elsewhere (JupyterLab's server, a build) the error is raised.
        """
        from nbconvert.nbconvertapp import NbConvertApp
        from traitlets.config import Application

        # Application, not NbConvertApp: traitlets shares one instance slot up the class tree,
        # so inside jupyter_server NbConvertApp.initialized() is true of the ServerApp.
        app = Application.instance() if Application.initialized() else None
        if isinstance(app, NbConvertApp) and not debugging():
            self.log.error("%s", getattr(exc, "message", exc))
            raise SystemExit(exc.exit_code)
        raise exc


class FormatExporter(ReportHTMLExporter):
    """A report in one of the registry's formats, from its page; made per format by :func:`exporter`."""

    #: the format it makes (nbconvert's own exporters' ``format`` is a file extension's word)
    perflib_format: ClassVar[Format]

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return self.perflib_format.extension

    @default("template_extension")
    def _template_extension_default(self) -> str:
        return ".html.j2"

    # a binary format's exporter returns bytes where the page's returns str, as nbconvert's own
    # webpdf exporter does over its HTML exporter (nbconvert's writers take either)
    def from_notebook_node(  # type: ignore[override]
            self, nb: nbformat.NotebookNode, resources: dict | None = None,
            **kw: Any) -> tuple[bytes, dict]:
        """Render the HTML report, then make the format from it (or from its blocks)."""
        html, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = self.perflib_format.extension
        return self.perflib_format.make(rendered(html, resources)), resources


def rendered(html: str, resources: dict) -> Rendered:
    """What every format is made from, out of the HTML exporter's page and resources."""
    return Rendered(html, resources["perflib_blocks"], resources["perflib_title"],
                    resources["perflib_author"])


def _made(fmt: Format) -> type[ReportHTMLExporter]:
    """The exporter class of ``fmt``: the page's own for the page, else one of its own."""
    if fmt.made_from == "html":
        return ReportHTMLExporter
    return type(f"Report{fmt.name.capitalize()}Exporter", (FormatExporter,), {
        "__doc__": f"A report as {fmt.label} (nbconvert's ``--to {fmt.exporter}``).",
        "__module__": __name__, "perflib_format": fmt, "export_from_notebook": fmt.menu_label,
        "output_mimetype": fmt.mimetype})


ReportPDFExporter = _made(builtin.PDF)
ReportWordExporter = _made(builtin.WORD)
ReportMarkdownExporter = _made(builtin.MARKDOWN)
#: exporter classes made so far, by format name: perflib's own made above, with no registry read
_MADE: dict[str, type[ReportHTMLExporter]] = {
    "html": ReportHTMLExporter, "pdf": ReportPDFExporter, "docx": ReportWordExporter,
    "md": ReportMarkdownExporter}


def exporter(name: str) -> type[ReportHTMLExporter]:
    """The nbconvert exporter of the registered format ``name``, made once."""
    if name not in _MADE:
        _MADE[name] = _made(formats()[name])
    return _MADE[name]


def __getattr__(attr: str) -> type[ReportHTMLExporter]:
    """``perflib.exporters.Committee_report_<Word>``: the exporter of the format of that name.

    What a format's ``nbconvert.exporters`` entry point names. perflib's own are found without
    reading the registry, so another package's broken format never hides them; a format that
    cannot be loaded is a ValueError, which nbconvert's listing (JupyterLab's export menu) skips.
    """
    own = {f.exporter: f.name for f in builtin.ALL}
    if attr in own:
        return exporter(own[attr])
    if attr.startswith("Committee_report_"):
        try:
            names = {f.exporter: f.name for f in formats().values()}
        except PluginError as exc:
            raise ValueError(str(exc)) from exc
        if attr in names:
            return exporter(names[attr])
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")


_IMPORTS_PERFLIB = re.compile(r"^\s*(from|import)\s+perflib\b", re.M)


def ready(nb: nbformat.NotebookNode, resources: dict | None = None) -> nbformat.NotebookNode:
    """The notebook, run first if it has not been, so an export is never blank.

    A perflib report has a cell tagged ``parameters`` and imports perflib. One whose code cells
    have not all run (the committed notebooks have no outputs) is run with papermill, with its own
    parameters, on a fresh kernel (:mod:`perflib.run.engine`'s plain engine). Anything else, a
    notebook that shows an error (the analyst ran it and a cell failed: it is not run again,
    since its outputs stop there), a failed run, or a run that shows nothing, stops with an
    :class:`ExportError`.
    """
    meta = (resources or {}).get("metadata") or {}
    name = f"{meta['name']}.ipynb" if meta.get("name") else "the notebook"
    code = [c for c in nb.cells if c.get("cell_type") == "code"]
    if not any("parameters" in c.get("metadata", {}).get("tags", []) for c in code):
        raise ExportError(f"{name} is not a perflib report: it has no cell tagged 'parameters'. "
                          "The perflib exporters convert perflib's report notebooks (notebooks/); "
                          "use --to html or --to webpdf for other notebooks")
    if not any(_IMPORTS_PERFLIB.search(c.get("source", "")) for c in code):
        raise ExportError(f"{name} is not a perflib report: it never imports perflib. The perflib "
                          "exporters convert perflib's report notebooks (notebooks/); use --to html "
                          "or --to webpdf for other notebooks")
    failed = next(((c, o) for c in code for o in c.get("outputs", [])
                   if o.get("output_type") == "error"), None)
    if failed is not None:
        cell, error = failed
        raise ExportError(f"{name} was not exported: cell {_prompt(cell)} shows an error.\n"
                          f"{_error_line(error.get('ename'), error.get('evalue'))}\n"
                          "Put right what it says, run all cells again, then export.")
    if any(c.get("execution_count") is None and c.get("source", "").strip() for c in code):
        nb = _run(nb, name)
    return nb


def _run(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Run a report notebook with papermill and its own parameters, as the build does."""
    from papermill.exceptions import PapermillExecutionError

    from perflib.run import engine

    def job() -> nbformat.NotebookNode:
        try:
            out: nbformat.NotebookNode = engine.execute(  # papermill has no hints
                nbformat.from_dict(nb), None, {}, config.NOTEBOOKS_DIR, engine="plain")
            return out
        finally:
            engine.shutdown_all()

    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return job()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # inside Jupyter's event loop
            return pool.submit(job).result()
    except PapermillExecutionError as exc:
        raise ExportError(f"{name} was not exported: not all its cells had run, so it was run "
                          f"from the top with its own parameters, and cell [{exc.exec_count}] "
                          f"failed.\n{_error_line(exc.ename, exc.evalue)}") from None


def _prompt(cell: dict) -> str:
    """A cell as JupyterLab's prompt shows it: ``[3]``."""
    count = cell.get("execution_count")
    return f"[{count}]" if count is not None else "[ ]"


def _error_line(ename: str | None, evalue: str | None) -> str:
    return f"{ename or 'Error'}: {evalue or ''}".strip()
