"""A report's page: one self-contained HTML document, rendered from an executed report notebook.

Every format starts from this page (:class:`perflib.formats.Rendered`): the PDF is the page
printed, the Word file the page converted. The page's title and table of contents come from the
blocks the notebook's outputs carry (:mod:`perflib.present.blocks`), never from scraping its HTML.
"""

from __future__ import annotations

import re
import textwrap
from html import escape
from typing import Any

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from nbconvert.utils.exceptions import ConversionException
from traitlets import default

from perflib import config
from perflib.errors import PerflibError
from perflib.present import blocks
from perflib.present.html import REPORT_CSS, for_page

#: The exported page's styles: the page around the report, then the report's own look.
CSS = (config.TEMPLATES_DIR / "perflib" / "page.css").read_text(encoding="utf-8") + REPORT_CSS


class PageExporter(HTMLExporter):
    """A report as one self-contained HTML page: no code, no prompts, no network requests."""

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

    # nbconvert's Exporter types its output as a NotebookNode, yet its own template exporters
    # return str (and ignore the same error); ours do as they do
    def from_notebook_node(  # type: ignore[override]
            self, nb: nbformat.NotebookNode, resources: dict | None = None,
            **kw: Any) -> tuple[str, dict]:
        """Render, then set the language, the page title and the table of contents.

        Title and contents come from the blocks the notebook's outputs carry, not from its HTML.
        """
        nb = _for_the_page(nb)
        content = blocks.from_notebook(nb)
        if not content:
            name = ((resources or {}).get("metadata") or {}).get("name") or "the notebook"
            raise ExportError(f"{name} ran but showed nothing, so there is no report to export; "
                              "run it in JupyterLab to see why")
        resources = dict(resources or {})
        resources["perflib_css"] = CSS
        resources["perflib_title"] = blocks.title_of(content) or "Report"
        cover = next((b for b in blocks.walk(content) if isinstance(b, blocks.Cover)), None)
        resources["perflib_author"] = cover.council if cover else "perflib"
        resources["perflib_blocks"] = content  # decoded once: every other format reads them
        page, resources = super().from_notebook_node(nb, resources, **kw)
        return finish_page(page, resources["perflib_title"], blocks.contents(content)), resources


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


