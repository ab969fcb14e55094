"""A report's page: one self-contained HTML document, rendered from an executed report notebook.

Every format starts from the notebook's content, one list of blocks made from every cell's output
(:func:`perflib.present.cells.content`): the page renders it (the template
``templates/perflib/index.html.j2`` gives the page around it), the PDF is the page printed, the
Word file and the Markdown are the same blocks written out. The page's title and table of contents
come from the blocks too, never from scraping its HTML.
"""

from __future__ import annotations

import re
import textwrap
from html import escape
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.utils.exceptions import ConversionException
from traitlets import default

from perflib import config
from perflib.errors import PerflibError
from perflib.present import blocks, cells
from perflib.present.html import REPORT_CSS, render

#: The exported page's styles: the page around the report, then the report's own look.
CSS = (config.TEMPLATES_DIR / "perflib" / "page.css").read_text(encoding="utf-8") + REPORT_CSS


class PageExporter(HTMLExporter):
    """A report as one self-contained HTML page: no code unless a cell asks, no network requests."""

    # The template has no conf.json listing mimetypes: it renders the page every format starts
    # from, and nbconvert refuses a template to an exporter whose mimetype it does not list, so a
    # list would be one more place a new format had to be named.
    @default("template_name")
    def _template_name_default(self) -> str:
        return "perflib"

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self) -> list[str]:
        return [str(config.TEMPLATES_DIR)]

    # nbconvert's Exporter types its output as a NotebookNode, yet its own template exporters
    # return str (and ignore the same error); ours do as they do
    def from_notebook_node(  # type: ignore[override]
            self, nb: nbformat.NotebookNode, resources: dict | None = None,
            **kw: Any) -> tuple[str, dict]:
        """The page of the notebook's content, titled, with its table of contents.

        No preprocessor runs and no cell is rendered by nbconvert: the content is every cell's
        output as blocks, and the template only places it in the page.
        """
        name = notebook_name(nb, resources)  # before nbconvert names it "Notebook"
        resources = self._init_resources(resources)
        content = cells.content(nb, name)
        if not content:
            raise ExportError(f"{name} ran but showed nothing, so there is no report to export; "
                              "run it in JupyterLab to see why")
        resources["perflib_css"] = CSS
        resources["perflib_title"] = blocks.title_of(content) or "Report"
        cover = next((b for b in blocks.walk(content) if isinstance(b, blocks.Cover)), None)
        resources["perflib_author"] = cover.council if cover else "perflib"
        resources["perflib_blocks"] = content  # decoded once: every other format reads them
        resources["perflib_body"] = render(content)
        page = self.template.render(nb=nb, resources=resources)
        return finish_page(page, resources["perflib_title"], blocks.contents(content)), resources


def notebook_name(nb: nbformat.NotebookNode, resources: dict | None = None) -> str:
    """The notebook as a message names it: ``notebooks/complaints.ipynb``.

    From papermill's record of the notebook it ran (the build's case), else from what nbconvert
    or JupyterLab was given, relative to the project where it lies inside it.
    """
    meta = (resources or {}).get("metadata") or {}
    source = ((nb.get("metadata") or {}).get("papermill") or {}).get("input_path")
    if not isinstance(source, str) or not source:  # papermill was given a notebook, not a file
        source = str(Path(meta.get("path") or "") / f"{meta['name']}.ipynb") if meta.get(
            "name") else ""
    if not source:
        return "the notebook"
    path = Path(source)
    try:
        return str(path.resolve().relative_to(config.PROJECT_ROOT.resolve()))
    except ValueError:
        return path.name


_COVER_END = re.compile(r'<header class="cover".*?</header>', re.S)


def finish_page(html: str, title: str, toc: list[tuple[int, str, str]]) -> str:
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


class ExportError(PerflibError, ConversionException):
    """A notebook that cannot become a report: what failed and, when a cell did, its error.

    JupyterLab's server shows it in a ``<pre>`` on its error page, so it prints as short lines.
    """

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return "\n".join(textwrap.fill(line, 100, subsequent_indent="  ", break_on_hyphens=False)
                         for line in self.message.split("\n"))


