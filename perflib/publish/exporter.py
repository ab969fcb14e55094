"""nbconvert exporters for committee reports: self-contained HTML and a Chromium-printed PDF.

Registered under the ``nbconvert.exporters`` entry point as ``perflib_html`` and ``perflib_pdf``,
so ``jupyter nbconvert --to perflib_pdf`` and JupyterLab's export menu offer them. nbconvert's own
``webpdf`` cannot be pointed at a system Chromium; this one can (see :mod:`perflib.publish.pdf`).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import default

from perflib import config
from perflib.present import blocks
from perflib.publish import pdf

CSS = (config.TEMPLATES_DIR / "perflib" / "report.css").read_text(encoding="utf-8")


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
        nb = _without_stderr(nb)
        content = blocks.from_notebook(nb)
        resources = dict(resources or {})
        resources["perflib_css"] = CSS
        resources["perflib_title"] = blocks.title_of(content) or "Report"
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return finish(html, resources["perflib_title"], blocks.contents(content)), resources


def _without_stderr(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop warnings printed to stderr: they stay in the executed notebook, not in the paper."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return nb


def finish(html: str, title: str, toc: list[tuple[int, str, str]]) -> str:
    """British English, the report's title, and its table of contents in the template's slot."""
    html = re.sub(r'<html lang="[^"]*">', '<html lang="en-GB">', html, count=1)
    html = re.sub(r"<title>.*?</title>", f"<title>{escape(title)}</title>", html, count=1,
                  flags=re.S)
    sub = ' class="sub"'
    items = [f'<li{sub if level == 3 else ""}><a href="#{escape(anchor)}">{escape(text)}</a></li>'
             for level, anchor, text in toc]
    nav = (f'<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p>'
           f"<ol>{''.join(items)}</ol></nav>") if items else ""
    return html.replace("<!-- perflib:toc -->", nav, 1)


class ReportPDFExporter(ReportHTMLExporter):
    """A report as an A4 committee PDF printed by Chromium: tagged, bookmarked, 'Page X of Y'."""

    export_from_notebook = "Committee report (PDF)"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    @default("template_extension")
    def _template_extension_default(self) -> str:
        return ".html.j2"

    def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict | None = None,
                           **kw: Any) -> tuple[bytes, dict]:
        """Render the HTML report, then print it."""
        html, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return self.pdf_from_html(html, resources["perflib_title"]), resources

    @staticmethod
    def pdf_from_html(html: str, title: str, printer: pdf.Printer | None = None) -> bytes:
        """Print a rendered report: through ``printer`` when a build shares one browser.

        The title is the page header of every page (so a draft says DRAFT on each).
        """
        return printer.pdf(html, title) if printer else pdf.print_html(html, title)
