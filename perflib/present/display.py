"""What a notebook cell shows: a report's blocks, and the data files it would publish.

IPython asks an output for its forms through ``_repr_mimebundle_``: the blocks give a short text
outline, their HTML (:mod:`perflib.present.html`, with the report's styles, so JupyterLab shows
the report as the page does) and themselves as JSON, which the build and every format read. The
content model (:mod:`perflib.present.blocks`) knows none of this; this module is where blocks
meet a renderer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from perflib.data import spreadsheet
from perflib.present.blocks import DATA_MIME, MIME, Block, outline, to_json
from perflib.present.html import notebook


class Blocks(list):
    """Blocks a notebook cell shows: rendered as HTML, and carried as JSON for the build and Word."""

    def __init__(self, items: Iterable[Block] = ()) -> None:
        super().__init__(items)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": outline(self), "text/html": notebook(self), MIME: to_json(self)}

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        # IPython prefers its list printer to the bundle's text/plain: without this, every
        # executed notebook carries each chart's PNG once more, as a bytes repr.
        p.text(outline(self))


class Published:
    """Data files a report publishes beside itself (name -> DataFrame), computed in the kernel.

    Carried as :data:`DATA_MIME` for the build to write; shown as what it would publish, since
    running the notebook (in JupyterLab, or with papermill) writes no file: only ``perflib build``
    does. Each text cell is written as a spreadsheet will not run it
    (:func:`perflib.data.spreadsheet.neutralise`).
    """

    def __init__(self, files: dict[str, Any]) -> None:
        self.files = files

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        lines = [f"perflib build would publish {name} beside the report: {len(frame)} rows"
                 for name, frame in self.files.items()]
        lines.append("(running the notebook publishes nothing)")
        return {"text/plain": "\n".join(lines),
                DATA_MIME: {"files": {name: spreadsheet.frame(frame).to_csv(index=False)
                                      for name, frame in self.files.items()}}}
