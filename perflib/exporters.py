"""nbconvert exporters for committee reports: ``jupyter nbconvert --to perflib_pdf`` and JupyterLab.

Registered under the ``nbconvert.exporters`` entry point, one per output format in
:data:`perflib.formats.FORMATS` (a test keeps pyproject.toml in step), so the command line and
JupyterLab's export menu offer every format the build writes. nbconvert's own ``webpdf`` cannot
be pointed at a system Chromium; these can (see :mod:`perflib.formats.pdf`). A report notebook
that has not been run (as committed) is run first with its own parameters (:func:`ready`), so an
export is never a blank page; any other notebook is refused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from typing import Any, NoReturn

import nbformat
from traitlets import default

from perflib import config
from perflib.errors import ContentError, debugging
from perflib.formats import FORMATS, Rendered
from perflib.formats.html import ExportError, PageExporter


class ReportHTMLExporter(PageExporter):
    """A report as one self-contained HTML page, run first if the notebook has not been."""

    export_from_notebook = "Committee report (HTML)"

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


class _FormatExporter(ReportHTMLExporter):
    """A report in one of the registry's formats (:data:`perflib.formats.FORMATS`), from its page."""

    format_name = ""

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return FORMATS[self.format_name].extension

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
        fmt = FORMATS[self.format_name]
        resources["output_extension"] = fmt.extension
        return fmt.make(rendered(html, resources)), resources


def rendered(html: str, resources: dict) -> Rendered:
    """What every format is made from, out of the HTML exporter's page and resources."""
    return Rendered(html, resources["perflib_blocks"], resources["perflib_title"],
                    resources["perflib_author"])


def _exporter(name: str, label: str) -> type[_FormatExporter]:
    fmt = FORMATS[name]
    return type(f"Report{name.capitalize()}Exporter", (_FormatExporter,), {
        "__doc__": f"A report as {fmt.label} (nbconvert's ``--to {fmt.exporter}``).",
        "__module__": __name__, "format_name": name, "export_from_notebook": label,
        "output_mimetype": fmt.mimetype})


ReportPDFExporter = _exporter("pdf", "Committee report (PDF)")
ReportWordExporter = _exporter("docx", "Committee report (Word)")
ReportMarkdownExporter = _exporter("md", "Committee report (Markdown)")


_IMPORTS_PERFLIB = re.compile(r"^\s*(from|import)\s+perflib\b", re.M)


def ready(nb: nbformat.NotebookNode, resources: dict | None = None) -> nbformat.NotebookNode:
    """The notebook, run first if it has not been, so an export is never blank.

    A perflib report has a cell tagged ``parameters`` and imports perflib. One whose code cells
    have not all run (the committed notebooks have no outputs) is run with papermill, with its own
    parameters and through :class:`perflib.run.ipc.IPCKernelManager` as the build runs
    it. Anything else, a notebook that shows an error (the analyst ran it and a cell failed: it
    is not run again, since its outputs stop there), a failed run, or a run that shows nothing,
    stops with an :class:`ExportError`.
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
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from perflib.run import ipc as kernel

    def job() -> nbformat.NotebookNode:
        try:
            out: nbformat.NotebookNode = papermill.execute_notebook(  # papermill has no hints
                nbformat.from_dict(nb), None, parameters={}, kernel_name="python3",
                progress_bar=False, log_output=False, cwd=str(config.NOTEBOOKS_DIR),
                kernel_manager_class=kernel.IPCKernelManager)
            return out
        finally:
            kernel.cleanup()

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
