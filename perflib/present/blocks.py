"""Format-neutral report content: sections return blocks, renderers turn them into HTML or Word.

A block says *what* is printed (a heading, a table with its caption and header row, a figure with
its alt text and the figures it plots), never *how*; :mod:`perflib.present.html` renders blocks as
accessible HTML, and the same blocks travel inside the executed notebook as JSON (mime type
:data:`MIME`) so the build reads a report's title, contents and data from them instead of
scraping HTML. Inline text is a plain string or a list of :class:`Span` (bold, italic, a rating
badge, a note), so a rating is always a word, whatever the output.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from perflib.rules import Rating, Trend

#: The mime type under which a notebook output carries its blocks.
MIME = "application/vnd.perflib.blocks+json"
#: The mime type of a data file a report publishes from its kernel (the CSV beside it).
DATA_MIME = "application/vnd.perflib.data+json"


@dataclass(frozen=True)
class Span:
    """A run of inline text with one style: plain, strong, em, note, badge, icon or link.

    A badge is a rating word; an icon is an SVG perflib drew, with its words in its aria-label
    (outputs that cannot show SVG drop it, the words beside it stay); a link's ``href`` is a
    relative address perflib made (another report beside this one), never one from data/.
    """

    style: str
    text: str
    href: str = ""


Inline = Union[str, list[Span]]  # noqa: UP007 (a runtime alias)


def strong(text: str) -> list[Span]:
    """Bold text."""
    return [Span("strong", text)]


def em(text: str) -> list[Span]:
    """Italic text."""
    return [Span("em", text)]


def badge(label: Rating | Trend) -> list[Span]:
    """A rating or trend, printed as a symbol and its word."""
    return [Span("badge", label)]


def link(text: str, href: str) -> list[Span]:
    """Words that lead to another report perflib built (``href`` relative to this one)."""
    return [Span("link", text, href)]


def spans(*parts: str | list[Span]) -> list[Span]:
    """Join plain strings and span lists into one inline run."""
    out: list[Span] = []
    for p in parts:
        out.extend([Span("", p)] if isinstance(p, str) else p)
    return out


#: A table label of at most this many characters ("Quarter 3") is printed whole, never broken at
#: its space, by every format.
SHORT = 10


def plain(text: Inline) -> str:
    """Inline content as plain text (what a screen reader or a table of contents says)."""
    return text if isinstance(text, str) else "".join(s.text for s in text if s.style != "icon")


@dataclass
class Heading:
    """A heading inside a section (levels 3-5); sections carry their own level-2 heading."""

    text: Inline
    level: int = 3
    id: str | None = None


@dataclass
class Markdown:
    """Markdown written by the service in data/, or in a notebook's Markdown cell.

    Sanitised when rendered, whoever wrote it. ``top`` is the highest heading level it may use:
    a heading above it is printed at ``top`` (commentary sits under a measure's heading; an
    analyst's cell under the cover's title).
    """

    text: str
    top: int = 4


@dataclass
class Paragraph:
    """A sentence or two perflib writes from the data."""

    text: Inline
    cls: str = ""


@dataclass
class Note:
    """A notice the reader must not miss: a draft banner, a data-quality note, an override."""

    text: Inline
    kind: str = "note"


@dataclass
class Table:
    """A table with a caption, a header row and, by default, a header cell starting each row."""

    caption: Inline
    headers: list[Inline]
    rows: list[list[Inline]]
    foot: list[list[Inline]] = field(default_factory=list)
    row_header: bool = True
    numeric: tuple[int, ...] = ()
    cls: str = ""


@dataclass
class Figure:
    """A chart: its image, a text alternative, a caption and the figures it plots as a table.

    perflib's own charts carry the table of what they plot; an analyst's chart (a notebook's
    image output) has only its image, and its title and alt text from the cell's options. An
    empty ``alt`` is a chart nobody has described yet (:data:`MISSING`).
    """

    title: str
    alt: str
    image: bytes
    caption: str
    data: Table | None = None
    #: the image's type: ``image/png`` or ``image/svg+xml``
    mime: str = "image/png"


#: What a draft prints for a chart with no alt text (a final report refuses such a chart).
MISSING = "Description missing"
#: nbconvert's words for an image with no alt text: never a description.
PLACEHOLDERS = (MISSING, "No description has been provided for this image")


def described(alt: str) -> bool:
    """Whether ``alt`` is a real description, not empty and not a placeholder."""
    return bool(alt.strip()) and alt.strip().rstrip(".").lower() not in {
        p.lower() for p in PLACEHOLDERS}


@dataclass
class Code:
    """Code a cell shows (``#| echo: true``), or text it printed: lines kept as written."""

    text: str
    #: the code's language (``python``); empty for printed output
    language: str = ""


@dataclass
class Definitions:
    """Terms and their meanings (the risk-rating key, the cover's date and version)."""

    items: list[tuple[Inline, Inline]]
    cls: str = ""


@dataclass
class Group:
    """Blocks that belong together (one measure: its table, notes and commentary)."""

    blocks: list[Block]
    cls: str = ""
    id: str | None = None


@dataclass
class Section:
    """A numbered part of a report with its level-2 heading; the table of contents lists these."""

    id: str
    title: Inline
    blocks: list[Block]


@dataclass
class Cover:
    """The cover: council, portfolio, title, and its date, version and approver."""

    council: str
    portfolio: str
    title: str
    details: list[tuple[str, str]]
    note: str = ""
    draft: bool = False

    @property
    def document_title(self) -> str:
        """The title a browser tab, a PDF's metadata and every page header carry."""
        return f"{'DRAFT: ' if self.draft else ''}{self.portfolio} {self.title}"


Block = Union[Heading, Markdown, Paragraph, Note, Table, Figure, Code,  # noqa: UP007
              Definitions, Group, Section, Cover]
_TYPES = {t.__name__: t for t in (Heading, Markdown, Paragraph, Note, Table, Figure, Code,
                                  Definitions, Group, Section, Cover)}


def outline(blocks: Iterable[Block]) -> str:
    """What a cell shows as plain text (a console, a log): its title, headings, tables and charts."""
    lines = []
    for b in walk(blocks):
        if isinstance(b, Cover):
            lines.append(b.document_title)
        elif isinstance(b, Section):
            lines.append(plain(b.title))
        elif isinstance(b, Heading):
            lines.append(f"{'  ' * (b.level - 2)}{plain(b.text)}")
        elif isinstance(b, Table):
            lines.append(f"  [table] {plain(b.caption)} ({len(b.rows)} rows)")
        elif isinstance(b, Figure):
            lines.append(f"  [chart] {b.title + ': ' if b.title else ''}{b.alt or MISSING}")
        elif isinstance(b, Code):
            lines.append("\n".join(f"  {line}" for line in b.text.splitlines()))
        elif isinstance(b, (Paragraph, Note)):
            lines.append(f"  {plain(b.text)}")
    return "\n".join(lines)


def walk(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block, depth first, including those inside groups and sections."""
    for b in blocks:
        yield b
        if isinstance(b, (Group, Section)):
            yield from walk(b.blocks)


def contents(blocks: Iterable[Block]) -> list[tuple[int, str, str]]:
    """(level, id, text) of every section and anchored level-3 heading, for a table of contents."""
    out = []
    for b in walk(blocks):
        if isinstance(b, Section):
            out.append((2, b.id, plain(b.title)))
        elif isinstance(b, Heading) and b.level == 3 and b.id:
            out.append((3, b.id, plain(b.text)))
    return out


# ------------------------------------------------------------------------------------- JSON

def _encode(value: Any) -> Any:
    if isinstance(value, Span):
        return [value.style, value.text, value.href] if value.href else [value.style, value.text]
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {"type": type(value).__name__,
                **{f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    return value


def to_json(blocks: Sequence[Block]) -> list[dict]:
    """Blocks as JSON-ready dicts (the notebook output that carries them)."""
    return [_encode(b) for b in blocks]


def _inline(value: Any) -> Inline:
    return value if isinstance(value, str) else [Span(*s) for s in value]


def _decode(d: dict) -> Block:
    kind = _TYPES[d["type"]]
    args = {k: v for k, v in d.items() if k != "type"}
    for key in ("text", "title", "caption") if kind is not Cover else ():
        if key in args and kind is not Figure:
            args[key] = _inline(args[key])
    if kind is Table:
        args["headers"] = [_inline(h) for h in args["headers"]]
        args["rows"] = [[_inline(c) for c in row] for row in args["rows"]]
        args["foot"] = [[_inline(c) for c in row] for row in args["foot"]]
        args["numeric"] = tuple(args["numeric"])
    elif kind is Figure:
        image = args.pop("image", None) or args.pop("png")  # "png" before analysts' charts
        args["image"] = base64.b64decode(image["base64"])
        args["data"] = _decode(args["data"]) if args.get("data") else None
    elif kind is Definitions:
        args["items"] = [(_inline(t), _inline(v)) for t, v in args["items"]]
    elif kind is Cover:
        args["details"] = [tuple(x) for x in args["details"]]
    elif kind in (Group, Section):
        args["blocks"] = [_decode(b) for b in args["blocks"]]
    return kind(**args)


def from_json(data: Iterable[dict]) -> list[Block]:
    """Blocks back from their JSON (as a notebook output holds them)."""
    return [_decode(d) for d in data]


def from_notebook(nb: Any) -> list[Block]:
    """Every block a notebook's outputs carry, in order (empty for a notebook not yet run)."""
    out: list[Block] = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = o.get("data", {})
            if MIME in data:
                payload = data[MIME]
                out.extend(from_json(json.loads(payload) if isinstance(payload, str) else payload))
    return out


def data_files(nb: Any) -> dict[str, str]:
    """The data files (name -> text) a notebook published from its kernel."""
    out: dict[str, str] = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            payload = o.get("data", {}).get(DATA_MIME)
            if payload:
                payload = json.loads(payload) if isinstance(payload, str) else payload
                out.update(payload["files"])
    return out


def title_of(blocks: Iterable[Block]) -> str:
    """A report's document title, from its cover."""
    for b in walk(blocks):
        if isinstance(b, Cover):
            return b.document_title
    return ""
