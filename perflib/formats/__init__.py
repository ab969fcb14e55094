"""Output formats, in one registry: what each is called, its extension, and how it is made.

A report's content is one list of blocks, every cell's output in order
(:func:`perflib.present.cells.content`), rendered once as a self-contained HTML page
(:class:`Rendered`); every other format is made from the same blocks, or by printing the page in
a browser. The nbconvert exporters (:mod:`perflib.exporters`, one per
format, named as JupyterLab's export menu shows them), the runner, the index and the tests all
read :data:`FORMATS`, so a new format is one module with a
``make(rendered)`` function, one line below and its nbconvert entry point in pyproject.toml (a
test keeps the two in step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from perflib.present.blocks import Block


@dataclass(frozen=True)
class Rendered:
    """A report as every format starts from it: its HTML page and the blocks it was made from."""

    html: str
    blocks: list[Block]
    title: str
    author: str


@dataclass(frozen=True)
class Format:
    """One output format of a report."""

    #: short name, used for the nbconvert exporter (``perflib_<name>``) and in the build log
    name: str
    extension: str
    #: what a reader calls it (the index's link text)
    label: str
    mimetype: str
    #: "html" (the page itself), "page" (made from the page), "blocks" (from the blocks), or
    #: "browser" (printed from the page by a browser, which the runner holds open)
    made_from: str
    #: ``module:function`` that makes it: ``function(rendered, **options) -> bytes``
    maker: str = ""

    @property
    def exporter(self) -> str:
        """The nbconvert exporter's name, which is also JupyterLab's menu label.

        JupyterLab 4 labels an export by its nbconvert name (first letter upper-cased) and
        jupyter_server routes only names of letters, digits and underscores, so the name is the
        label: ``jupyter nbconvert --to Committee_report_PDF``.
        """
        return f"Committee_report_{EXPORT_WORDS.get(self.name, self.label)}"

    def make(self, rendered: Rendered, **options: Any) -> bytes:
        """This format of ``rendered`` (``options`` go to the maker: a browser's printer)."""
        if self.made_from == "html":
            return rendered.html.encode("utf-8")
        module, _, function = self.maker.partition(":")
        make: Callable[..., bytes] = getattr(import_module(module), function)
        return make(rendered, **options)


#: How an exporter's name words a format where its label would not do (HTML is a web page).
EXPORT_WORDS = {"html": "HTML"}

FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("html", ".html", "Web page", "text/html", "html"),
    Format("pdf", ".pdf", "PDF", "application/pdf", "browser", "perflib.formats.pdf:make"),
    Format("docx", ".docx", "Word",
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "blocks",
           "perflib.formats.word:make"),
    Format("md", ".md", "Markdown", "text/markdown", "blocks", "perflib.formats.markdown:make"),
)}


def made_alongside() -> list[Format]:
    """Formats a build thread makes itself once the page is there (not the page, not printed)."""
    return [f for f in FORMATS.values() if f.made_from in ("page", "blocks")]


__all__ = ["FORMATS", "Format", "Rendered", "made_alongside"]
