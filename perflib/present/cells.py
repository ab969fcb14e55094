"""A report notebook's content: every cell's output, in order, as the blocks every format prints.

The notebook is the report. Whatever its cells show becomes blocks (:mod:`perflib.present.blocks`),
and the page, the PDF, the Word file and the Markdown are each a rendering of that one list:

- perflib's own outputs carry their blocks (:data:`~perflib.present.blocks.MIME`);
- a Markdown cell is a :class:`~perflib.present.blocks.Markdown` block, sanitised as the data's
  commentary is, its headings under the cover's title;
- a figure (any ``image/png`` or ``image/svg+xml`` output: matplotlib, seaborn) is a
  :class:`~perflib.present.blocks.Figure`, its alt text and caption from the cell's
  ``#| fig-alt:`` and ``#| fig-cap:`` (:mod:`perflib.present.options`);
- a DataFrame or Styler is a :class:`~perflib.present.blocks.Table` (:mod:`perflib.present.frames`);
- printed text, and a value's plain-text form, is a :class:`~perflib.present.blocks.Code` block.

Not shown: the parameters cell, a cell tagged ``remove-cell`` (the notebooks' opening Markdown
cell, which says what the notebook does, is tagged so), a cell with ``#| include: false``, what
was written to stderr (warnings), and a value's ``<...>`` form (``<Figure size 640x480>``),
which names an object rather than shows it. Code is shown only where a cell asks
(``#| echo: true``).

A chart without a description cannot be published in a final report: :func:`content` refuses
it (:class:`~perflib.errors.ContentError`, naming the notebook, the cell and the fix); a draft
prints it with a visible "Description missing" note. A report is final when its cover says so;
a notebook without a cover (run outside a report) is a draft.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from perflib.errors import ContentError
from perflib.present import frames, options
from perflib.present.blocks import (
    DATA_MIME,
    MIME,
    Block,
    Code,
    Cover,
    Figure,
    Markdown,
    Note,
    described,
    from_json,
    spans,
    strong,
    walk,
)

#: Cells a report never shows.
SKIP_TAGS = {"parameters", "injected-parameters", "remove-cell"}
#: The level of an analyst's headings: under the cover's title (level 1), as sections are.
TOP = 2
_IMAGES = ("image/png", "image/svg+xml")
_WIDGET = "application/vnd.jupyter.widget-view+json"
_OBJECT = re.compile(r"^\[?<[^<>]*>\]?$")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FIX_ALT = ("add a first line '#| fig-alt: <what the chart shows, with its main figures>' to the "
           "cell (for a cell that draws several charts, one alt text each: '#| fig-alt:' then "
           "'#|   - ...' lines)")


def content(nb: Any, name: str = "the notebook") -> list[Block]:
    """The report's blocks, from every cell of an executed notebook, in order.

    Raises :class:`~perflib.errors.ContentError` for a cell whose options cannot be read, and,
    in a final report, for a chart without a description; ``name`` names the notebook in it.
    """
    out: list[Block] = []
    problems: list[tuple[str, str, str]] = []
    missing: list[tuple[Figure, str]] = []
    for cell in nb.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & SKIP_TAGS:
            continue
        text = _joined(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            if text.strip():
                out.append(Markdown(text, TOP))
            continue
        if cell.get("cell_type") != "code":
            continue
        prompt = _prompt(cell)
        try:
            opts, code = options.parse(text)
        except options.OptionError as exc:
            message, _, fix = str(exc).partition("; ")
            problems.append((prompt, f"its options: {message}", fix or "correct the option"))
            continue
        if not opts.include:
            continue
        if opts.echo and code.strip() and "remove-input" not in tags:
            out.append(Code(code, "python"))
        if opts.output and "remove-output" not in tags:
            for block in _outputs(cell.get("outputs", []), opts):
                out.append(block)
                if isinstance(block, Figure) and not block.alt:
                    missing.append((block, prompt))
    final = any(isinstance(b, Cover) and not b.draft for b in walk(out))
    if missing and final:
        counts: dict[str, int] = {}
        for _, prompt in missing:
            counts[prompt] = counts.get(prompt, 0) + 1
        problems += [(prompt, f"shows {'a chart' if n == 1 else f'{n} charts'} with no "
                      "description (alt text), and a final report publishes no chart without one",
                      FIX_ALT) for prompt, n in counts.items()]
    if problems:
        raise ContentError(name, problems)
    return _marked(out, missing)


def _marked(out: list[Block], missing: list[tuple[Figure, str]]) -> list[Block]:
    """A draft's undescribed charts, each followed by a note that says so and how to fix it."""
    if not missing:
        return out
    cells = {id(f): prompt for f, prompt in missing}
    marked: list[Block] = []
    for b in out:
        marked.append(b)
        if id(b) in cells:
            marked.append(Note(spans(strong("Description missing:"),
                                     " this chart has no text alternative yet, so a reader who "
                                     "cannot see it is told nothing. Add '#| fig-alt: ...' to "
                                     f"cell {cells[id(b)]} before the report is final."),
                               "missing-alt"))
    return marked


def _outputs(outputs: list, opts: options.CellOptions) -> list[Block]:
    """One code cell's outputs as blocks; printed text that runs on is one block."""
    out: list[Block] = []
    printed: list[str] = []
    counts = {"figure": 0, "table": 0}

    def flush() -> None:
        text = _printed("".join(printed))
        printed.clear()
        if text.strip():
            out.append(Code(text))

    for o in outputs:
        kind = o.get("output_type")
        if kind == "stream":
            if o.get("name") == "stdout":
                printed.append(_joined(o.get("text", "")))
            continue
        flush()
        if kind in ("display_data", "execute_result"):
            out.extend(_display(o, opts, counts))
    flush()
    return out


def _display(o: dict, opts: options.CellOptions, counts: dict[str, int]) -> list[Block]:
    """One rich output: perflib's blocks, a figure, a table, Markdown or plain text."""
    data = o.get("data", {})
    if MIME in data:
        payload = data[MIME]
        return from_json(json.loads(payload) if isinstance(payload, str) else payload)
    if DATA_MIME in data or _WIDGET in data:
        return []  # the data files the build publishes; a widget, which needs a live kernel
    mime = next((m for m in _IMAGES if m in data), None)
    if mime is not None:
        n = counts["figure"]
        counts["figure"] += 1
        meta = o.get("metadata", {}).get(mime, {})
        alt = opts.alt(n) or (meta.get("alt", "") if isinstance(meta, dict) else "")
        raw = _joined(data[mime])
        image = raw.encode("utf-8") if mime == "image/svg+xml" else base64.b64decode(raw)
        return [Figure(opts.figure_caption(n), alt.strip() if described(alt) else "", image, "",
                       None, mime)]
    html = _joined(data.get("text/html", ""))
    if frames.TABLE_MIME in data or (html and frames.is_frame_html(html)):
        n = counts["table"]
        counts["table"] += 1
        return _table(data, html, opts.table_caption(n))
    if "text/markdown" in data:
        return [Markdown(_joined(data["text/markdown"]), TOP)]
    if html.strip():
        return [Markdown(html, TOP)]  # sanitised as any Markdown is: what is safe survives
    text = _joined(data.get("text/plain", "")).strip("\n")
    if text.strip() and not _OBJECT.match(text.strip()):
        return [Code(_printed(text))]
    return []


def _table(data: dict, html: str, caption: str) -> list[Block]:
    payload = data.get(frames.TABLE_MIME)
    if isinstance(payload, str):
        payload = json.loads(payload)
    if payload:
        table = frames.from_payload(payload, caption)
        shown, total = len(table.rows), int(payload.get("total", len(table.rows)))
        if total > shown:
            return [table, Note(f"The first {shown:,} of {total:,} rows.", "note")]
        return [table]
    read = frames.from_html(html, caption)
    return [read] if read is not None else [Markdown(html, TOP)]


def _printed(text: str) -> str:
    """Printed text as a terminal leaves it: colours dropped, a rewritten line as last shown."""
    lines = [line.rsplit("\r", 1)[-1] for line in _ANSI.sub("", text).split("\n")]
    return "\n".join(lines).rstrip()


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _prompt(cell: dict) -> str:
    """A cell as JupyterLab's prompt shows it: ``[3]``."""
    count = cell.get("execution_count")
    return f"[{count}]" if count is not None else "[ ]"


__all__ = ["SKIP_TAGS", "content"]
