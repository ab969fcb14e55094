"""nbconvert exporters for committee reports: self-contained HTML, a Chromium-printed PDF, Word.

Registered under the ``nbconvert.exporters`` entry point (pyproject.toml) as
``Committee_report_HTML``, ``Committee_report_PDF`` and ``Committee_report_Word``, so
``jupyter nbconvert --to Committee_report_PDF`` and JupyterLab's File > Save and Export Notebook
As menu offer them. JupyterLab 4 labels that menu's entries with the exporter's name, first letter
upper-cased (it ignores ``export_from_notebook``), and jupyter_server only routes names of letters,
digits and underscores, so the name is the label: ``Committee_report_PDF``.

nbconvert's own ``webpdf`` cannot be pointed at a system Chromium; this one can (see
:mod:`perflib.publish.pdf`). A report notebook whose cells have not all run (as committed) is run
first with its own parameters (:func:`ready`), so an export is never a blank page; a notebook that
shows an error, and any notebook that is not a perflib report, is refused with what failed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import textwrap
from html import escape
from typing import Any, NoReturn

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from nbconvert.utils.exceptions import ConversionException
from traitlets import default

from perflib import config
from perflib.errors import debugging
from perflib.present import blocks
from perflib.present.html import REPORT_CSS, for_page
from perflib.publish import pdf

#: The exported page's styles: the page around the report, then the report's own look.
CSS = (config.TEMPLATES_DIR / "perflib" / "page.css").read_text(encoding="utf-8") + REPORT_CSS


class ReportHTMLExporter(HTMLExporter):
    """A report as one self-contained HTML page: no code, no prompts, no network requests."""

    export_from_notebook = "Committee report (HTML)"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "perflib"

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self) -> list[str]:
        return [str(config.TEMPLATES_DIR)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={"remove-cell"}, enabled=True), enabled=True)

    def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict | None = None,
                           **kw: Any) -> tuple[str, dict]:
        """Render, then set the language, the page title and the table of contents.

        Title and contents come from the blocks the notebook's outputs carry, not from its HTML.
        """
        try:
            nb = _for_the_page(ready(nb, resources))
        except ExportError as exc:
            self._refuse(exc)
        content = blocks.from_notebook(nb)
        resources = dict(resources or {})
        resources["perflib_css"] = CSS
        resources["perflib_title"] = blocks.title_of(content) or "Report"
        cover = next((b for b in blocks.walk(content) if isinstance(b, blocks.Cover)), None)
        resources["perflib_author"] = cover.council if cover else "perflib"
        page, resources = super().from_notebook_node(nb, resources, **kw)
        return finish(page, resources["perflib_title"], blocks.contents(content)), resources

    def _refuse(self, exc: ExportError) -> NoReturn:
        """Fail the export: under ``jupyter nbconvert``, with the message alone and exit 1.

        nbconvert would log a ConversionException with its traceback, which buries the one line
        that says what failed. Elsewhere (JupyterLab's server, a build) the error is raised.
        """
        from nbconvert.nbconvertapp import NbConvertApp
        from traitlets.config import Application

        # Application, not NbConvertApp: traitlets shares one instance slot up the class tree,
        # so inside jupyter_server NbConvertApp.initialized() is true of the ServerApp.
        app = Application.instance() if Application.initialized() else None
        if isinstance(app, NbConvertApp) and not debugging():
            self.log.error("%s", exc.message)
            raise SystemExit(1)
        raise exc


def _for_the_page(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The outputs as paper shows them: without stderr, and without each output's own styles.

    Warnings printed to stderr stay in the executed notebook, not in the paper; the page carries
    the report's styles once, in its head, instead of once per output.
    """
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            for o in cell.outputs:
                data = o.get("data", {})
                if blocks.MIME in data and "text/html" in data:
                    data["text/html"] = for_page(data["text/html"])
    return nb


_COVER_END = re.compile(r'<header class="cover".*?</header>', re.S)


def finish(html: str, title: str, toc: list[tuple[int, str, str]]) -> str:
    """British English, the report's title, and its table of contents.

    The contents follow the cover, so the page's title (its h1) comes before them, as a
    screen-reader user expects on arriving; a report with no cover has them in the template's
    slot at the top of the page.
    """
    html = re.sub(r'<html lang="[^"]*">', '<html lang="en-GB">', html, count=1)
    html = re.sub(r"<title>.*?</title>", f"<title>{escape(title)}</title>", html, count=1,
                  flags=re.S)
    sub = ' class="sub"'
    items = [f'<li{sub if level == 3 else ""}><a href="#{escape(anchor)}">{escape(text)}</a></li>'
             for level, anchor, text in toc]
    nav = (f'<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p>'
           f"<ol>{''.join(items)}</ol></nav>") if items else ""
    cover = _COVER_END.search(html)
    if cover and nav:
        html = html[:cover.end()] + nav + html[cover.end():]
        nav = ""
    return html.replace("<!-- perflib:toc -->", nav, 1)


class _MadeFromHTML(ReportHTMLExporter):
    """A format made from the rendered HTML report: :meth:`convert` says how."""

    extension = ""

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return self.extension

    @default("template_extension")
    def _template_extension_default(self) -> str:
        return ".html.j2"

    def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict | None = None,
                           **kw: Any) -> tuple[bytes, dict]:
        """Render the HTML report, then convert it."""
        html, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = self.extension
        return self.convert(html, resources), resources

    def convert(self, html: str, resources: dict) -> bytes:
        raise NotImplementedError


class ReportPDFExporter(_MadeFromHTML):
    """A report as an A4 committee PDF printed by Chromium: tagged, bookmarked, 'Page X of Y'."""

    export_from_notebook = "Committee report (PDF)"
    output_mimetype = "application/pdf"
    extension = ".pdf"

    def convert(self, html: str, resources: dict) -> bytes:
        """Print it, with the report's title as every page's header."""
        return self.pdf_from_html(html, resources["perflib_title"])

    @staticmethod
    def pdf_from_html(html: str, title: str, printer: pdf.Printer | None = None) -> bytes:
        """Print a rendered report: through ``printer`` when a build shares one browser.

        The title is the page header of every page (so a draft says DRAFT on each).
        """
        return printer.pdf(html, title) if printer else pdf.print_html(html, title)


class ReportWordExporter(_MadeFromHTML):
    """A report as a Word draft for officers, from the same HTML (see :mod:`perflib.publish.docx`)."""

    export_from_notebook = "Committee report (Word)"
    output_mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extension = ".docx"

    def convert(self, html: str, resources: dict) -> bytes:
        """Turn it into .docx, titled and authored for Word's accessibility checker."""
        from perflib.publish.docx import docx_from_html

        return docx_from_html(html, title=resources["perflib_title"],
                              author=resources["perflib_author"])


class ExportError(ConversionException):
    """A notebook that cannot become a report: what failed and, when a cell did, its error.

    JupyterLab's server shows it in a ``<pre>`` on its error page, so it prints as short lines.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return "\n".join(textwrap.fill(line, 100, subsequent_indent="  ", break_on_hyphens=False)
                         for line in self.message.split("\n"))


_IMPORTS_PERFLIB = re.compile(r"^\s*(from|import)\s+perflib\b", re.M)


def ready(nb: nbformat.NotebookNode, resources: dict | None = None) -> nbformat.NotebookNode:
    """The notebook, run first if it has not been, so an export is never blank.

    A perflib report has a cell tagged ``parameters`` and imports perflib. One whose code cells
    have not all run (the committed notebooks have no outputs) is run with papermill, with its own
    parameters and through :class:`perflib.publish.kernel.IPCKernelManager` as the build runs
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
    if not blocks.from_notebook(nb):
        raise ExportError(f"{name} ran but showed nothing, so there is no report to export; "
                          "run it in JupyterLab to see why")
    return nb


def _run(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Run a report notebook with papermill and its own parameters, as the build does."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from perflib.publish import kernel

    def job() -> nbformat.NotebookNode:
        try:
            return papermill.execute_notebook(
                nbformat.from_dict(nb), None, parameters={}, kernel_name="python3",
                progress_bar=False, log_output=False, cwd=str(config.NOTEBOOKS_DIR),
                kernel_manager_class=kernel.IPCKernelManager)
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
