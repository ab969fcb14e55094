"""Text in a Word document: paragraphs, headings, inline styles, and the commentary's Markdown.

The commentary is Markdown written by the service, as is a notebook's Markdown cell; the page
prints it sanitised (:func:`perflib.present.html.markdown`), and Word is given the same sanitised
HTML, read element by element: its few allowed tags (paragraphs, h2 to h6, lists, quotes, bold,
italic, code, links, line breaks, super- and subscripts) each have a Word equivalent, so the Word
file says exactly what the page says.
"""

from __future__ import annotations

import re
from typing import Any

from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run

from perflib.present import blocks as b
from perflib.present.html import markdown

#: Paragraph styles of running text: the first after a heading has no space above it.
BODY, FIRST = "Body Text", "First Paragraph"
#: What each sanitised inline tag does to the runs inside it.
_INLINE = {"strong": ("bold", True), "b": ("bold", True), "em": ("italic", True),
           "i": ("italic", True), "code": ("code", True), "sup": ("vert", "superscript"),
           "sub": ("vert", "subscript")}
_HEADINGS = {f"h{n}": n for n in range(2, 7)}


class Writer:
    """Appends text to one python-docx ``Document``, in the reference document's styles."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self._first = True  # the next running paragraph follows a heading
        self._bullets: str | None = None
        self._ids: dict[str, str] = {}

    def style_id(self, style: str) -> str:
        """A style's id, from its name (python-docx would look it up at every use)."""
        if style not in self._ids:
            self._ids[style] = self.doc.styles[style].style_id
        return self._ids[style]

    def styled(self, paragraph: Any, style: str) -> Any:
        """Give ``paragraph`` a style by its id."""
        paragraph._p.get_or_add_pPr().style = self.style_id(style)
        return paragraph

    def add(self, style: str) -> Any:
        """A new paragraph of ``style`` at the end of the document."""
        return self.styled(self.doc.add_paragraph(), style)

    # ---- blocks of text ---------------------------------------------------------------------

    def heading(self, text: b.Inline, level: int) -> Any:
        """A heading in Word's own Heading style, so the navigation pane lists it."""
        p = self.add(f"Heading {level}")
        self.runs(p, text)
        self._first = True
        return p

    def paragraph(self, text: b.Inline, style: str | None = None) -> Any:
        """A paragraph of running text, or of ``style`` (a caption, a definition)."""
        p = self.add(style or (FIRST if self._first else BODY))
        self.runs(p, text)
        if style is None:
            self._first = False
        return p

    def after_block(self) -> None:
        """Running text after a table or a chart is not a first paragraph."""
        self._first = False

    def runs(self, p: Any, text: b.Inline) -> None:
        """Inline content as runs: bold, italic; a rating as its word; an icon left out."""
        for span in [b.Span("", text)] if isinstance(text, str) else text:
            if span.style == "icon" or not span.text:  # its words are printed beside it
                continue
            run = p.add_run(span.text)
            if span.style == "strong":
                run.bold = True
            elif span.style == "em":
                run.italic = True

    def code(self, text: str) -> None:
        """Code or printed text: each line a paragraph of the Source Code style, spaces kept."""
        for line in text.split("\n"):
            p = self.add("Source Code")
            if line:
                run = p.add_run(line)
                run.style = "Verbatim Char"
        self._first = False

    # ---- the commentary's Markdown ----------------------------------------------------------

    def markdown(self, text: str, top: int = 4) -> None:
        """Markdown as the page prints it: sanitised, then each element in Word's terms."""
        import lxml.html

        html = markdown(text, top)
        if not html.strip():
            return
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        loose: list[Any] = []  # text and inline elements outside any paragraph
        if (root.text or "").strip():
            loose.append(root.text)
        for el in root:
            if el.tag in ("p", "blockquote", "ul", "ol", *_HEADINGS):
                self._loose(loose)
                self._block(el)
            else:
                loose.append(el)
            if (el.tail or "").strip():
                loose.append(el.tail)
        self._loose(loose)

    def _loose(self, parts: list[Any]) -> None:
        if not parts:
            return
        p = self.paragraph("")
        for part in parts:
            if isinstance(part, str):
                self._text(p, p._p, part, {})
            else:
                self._inline(p, p._p, part, {}, tail=False)
        parts.clear()
        _trim(p)

    def _block(self, el: Any, style: str | None = None, level: int = 0) -> None:
        if el.tag in _HEADINGS:
            p = self.heading("", _HEADINGS[el.tag])
            self._children(p, p._p, el, {})
            _trim(p)
        elif el.tag == "p":
            p = self.paragraph("", style)
            self._children(p, p._p, el, {})
            _trim(p)
        elif el.tag == "blockquote":
            for child in el:
                self._block(child, "Block Text", level)
        elif el.tag in ("ul", "ol"):
            num = self._numbering(ordered=el.tag == "ol")
            for li in el.iter("li"):
                if li.getparent() is not el:
                    continue
                p = self.add("Compact")
                pr = p._p.get_or_add_pPr()
                num_pr = OxmlElement("w:numPr")
                for tag, value in (("w:ilvl", str(level)), ("w:numId", num)):
                    x = OxmlElement(tag)
                    x.set(qn("w:val"), value)
                    num_pr.append(x)
                pr.append(num_pr)
                self._text(p, p._p, li.text or "", {})
                for child in li:
                    if child.tag in ("ul", "ol"):
                        self._block(child, level=level + 1)
                    elif child.tag == "p":
                        self._children(p, p._p, child, {})
                        self._text(p, p._p, child.tail or "", {})
                    else:
                        self._inline(p, p._p, child, {})
                _trim(p)
            self._first = False

    def _children(self, p: Any, parent: Any, el: Any, fmt: dict[str, Any]) -> None:
        self._text(p, parent, el.text or "", fmt)
        for child in el:
            self._inline(p, parent, child, fmt)

    def _inline(self, p: Any, parent: Any, el: Any, fmt: dict[str, Any], tail: bool = True
                ) -> None:
        if el.tag == "br":
            self._run(p, parent, "", fmt).add_break(WD_BREAK.LINE)
        elif el.tag == "a" and el.get("href"):
            link = OxmlElement("w:hyperlink")
            rid = p.part.relate_to(el.get("href"), RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            link.set(qn("r:id"), rid)
            parent.append(link)
            self._children(p, link, el, {**fmt, "link": True})
        else:
            key, value = _INLINE.get(el.tag, ("", None))
            self._children(p, parent, el, {**fmt, key: value} if key else fmt)
        if tail:
            self._text(p, parent, el.tail or "", fmt)

    def _text(self, p: Any, parent: Any, text: str, fmt: dict[str, Any]) -> None:
        # white space as a browser shows it: each run of it one space, none to start a paragraph
        text = re.sub(r"\s+", " ", text)
        if not p.runs and parent is p._p:
            text = text.lstrip()
        if text:
            self._run(p, parent, text, fmt)

    @staticmethod
    def _run(p: Any, parent: Any, text: str, fmt: dict[str, Any]) -> Run:
        r = OxmlElement("w:r")
        parent.append(r)
        run = Run(r, p)
        if text:
            run.text = text
        run.bold = fmt.get("bold") or None
        run.italic = fmt.get("italic") or None
        if fmt.get("code"):
            run.style = "Verbatim Char"
        elif fmt.get("link"):
            run.style = "Hyperlink"
        if fmt.get("vert"):
            setattr(run.font, fmt["vert"], True)
        return run

    def _numbering(self, ordered: bool) -> str:
        """A list's numbering: bullets shared by every list, each numbered list from 1."""
        if not ordered and self._bullets is not None:
            return self._bullets
        numbering = self.doc.part.numbering_part.element
        ids = [int(x.get(qn("w:abstractNumId"))) for x in numbering.findall(qn("w:abstractNum"))]
        abstract_id = str(max(ids, default=0) + 1)
        abstract = OxmlElement("w:abstractNum")
        abstract.set(qn("w:abstractNumId"), abstract_id)
        for level in range(3):
            lvl = OxmlElement("w:lvl")
            lvl.set(qn("w:ilvl"), str(level))
            for tag, value in (("w:start", "1"), ("w:numFmt", "decimal" if ordered else "bullet"),
                               ("w:lvlText", f"%{level + 1}." if ordered else "•"),
                               ("w:lvlJc", "left")):
                x = OxmlElement(tag)
                x.set(qn("w:val"), value)
                lvl.append(x)
            pr = OxmlElement("w:pPr")
            ind = OxmlElement("w:ind")
            ind.set(qn("w:left"), str(480 * (level + 1)))
            ind.set(qn("w:hanging"), "360")
            pr.append(ind)
            lvl.append(pr)
            abstract.append(lvl)
        nums = numbering.findall(qn("w:num"))
        # the schema puts every abstractNum before the first num
        if nums:
            nums[0].addprevious(abstract)
        else:
            numbering.append(abstract)
        num_ids = [int(x.get(qn("w:numId"))) for x in nums]
        num_id = str(max(num_ids, default=0) + 1)
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), num_id)
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), abstract_id)
        num.append(ref)
        numbering.append(num)
        if not ordered:
            self._bullets = num_id
        return num_id



def _trim(p: Any) -> None:
    """No white space to end a paragraph, as a browser shows none (a removed tag can leave it)."""
    texts = list(p._p.iter(qn("w:t")))
    if texts and texts[-1].text:
        texts[-1].text = texts[-1].text.rstrip()


__all__ = ["BODY", "FIRST", "Writer"]
