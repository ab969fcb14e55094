"""PDF/UA-1 for the PDFs Chromium prints: mend what it leaves out, then check before claiming it.

Chromium tags a printed page from its accessibility tree, which gets most of PDF/UA-1 (ISO
14289-1) right: headings, tables whose header cells carry ``/Scope``, images as ``/Figure`` with
their alt text, links tied to their annotations. What it leaves, :func:`mend` adds:

- an HTML ``<figure>`` becomes a ``/Figure`` holding the image's own ``/Figure`` and the
  ``/Caption``, with no alternative text of its own, so a screen reader meets an unlabelled
  figure; such a wrapper is retagged ``/Div``, a grouping element, leaving one Figure per image;
- link annotations carry no ``/Contents`` description (§7.18.5); they get their link's words.

A figure whose alternative text is a placeholder (a draft's chart nobody has described yet,
"Description missing", or nbconvert's "No description has been provided for this image") has
alt text a validator accepts and a reader learns nothing from: :func:`problems` counts it, so
such a file is never claimed PDF/UA-1.

:func:`problems` then checks what PDF/UA-1 asks that can be decided from the file, and the file
claims PDF/UA-1 in its XMP (``pdfuaid:part``) only when it finds none: a claim a document
management system or an accessibility audit can rely on. Decorative page marks (headers,
footers, the shapes of badges and icons whose words are printed beside them) are made artifacts
by :func:`perflib.formats.pdf_content.mark_page`, whose output :func:`problems` also checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import pikepdf

from perflib.present.blocks import described

if TYPE_CHECKING:
    from pikepdf.models.metadata import PdfMetadata

#: The painting operators that must lie inside marked content (tagged, or an artifact).
_PAINTS = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh"}
#: Annotations that need no description of their own (PDF/UA-1 §7.18.1).
_UNDESCRIBED = {"/Popup", "/Widget", "/PrinterMark", "/TrapNet"}
_HEADINGS = {f"/H{n}": n for n in range(1, 7)}


def link_texts(html: str) -> dict[str, str]:
    """Each link target in a rendered report and the words of its first link, for ``mend``.

    Links lead where their words say, so the words are the description a PDF link needs.
    """
    import lxml.html

    if not html.strip():
        return {}
    out: dict[str, str] = {}
    for a in lxml.html.document_fromstring(html).iter("a"):
        href, words = a.get("href"), " ".join(a.text_content().split())
        if href and words:
            out.setdefault(href, words)
    return out


def elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element, in document (reading) order."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
            continue
        if node.is_indirect:
            if node.objgen in seen:  # a malformed tree that loops must not hang a build
                continue
            seen.add(node.objgen)
        if "/S" in node:
            yield node
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(reversed(list(kids)))
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)


def _kids(node: pikepdf.Dictionary) -> list:
    kids = node.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]


def _is_content(kid: object) -> bool:
    """A marked-content id, or a reference to marked content or an annotation."""
    if isinstance(kid, pikepdf.Dictionary):
        return kid.get("/Type") in ("/MCR", "/OBJR")
    return isinstance(kid, int)  # pikepdf hands PDF integers over as Python ints


def _marks_content(node: pikepdf.Dictionary, depth: int = 0) -> bool:
    return depth < 50 and any(_is_content(k) or (isinstance(k, pikepdf.Dictionary)
                                                 and _marks_content(k, depth + 1))
                              for k in _kids(node))


def _described(node: pikepdf.Dictionary) -> bool:
    return any(str(node.get(key, "")).strip() for key in ("/Alt", "/ActualText"))


def _placeholder(node: pikepdf.Dictionary) -> bool:
    """Whether the alternative text describes nothing (a placeholder, perflib's or nbconvert's)."""
    return any(str(node.get(key, "")).strip() and not described(str(node.get(key, "")))
               for key in ("/Alt", "/ActualText"))


def _attributes(node: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    a = node.get("/A")
    items = list(a) if isinstance(a, pikepdf.Array) else [a]
    return [d for d in items if isinstance(d, pikepdf.Dictionary)]


def _annotations(pdf: pikepdf.Pdf) -> Iterator[tuple[int, pikepdf.Page, pikepdf.Dictionary]]:
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            if isinstance(annot, pikepdf.Dictionary):
                yield number, page, annot


def _link_target(annot: pikepdf.Dictionary) -> tuple[str, str]:
    """(the href a link came from, words for it when the report's HTML has none)."""
    action = annot.get("/A")
    if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
        uri = str(action.URI)
        return uri, f"Link to {uri}"
    dest = annot.get("/Dest")
    if isinstance(dest, pikepdf.Name | pikepdf.String):
        name = str(dest).lstrip("/")
        return f"#{name}", f"Link to {name} in this document"
    return "", "Link within this document"


def mend(pdf: pikepdf.Pdf, links: Mapping[str, str] | None = None) -> None:
    """Retag unlabelled figure wrappers as groups and describe every link annotation.

    ``links`` maps each href of the printed HTML to its link's words (:func:`link_texts`).
    """
    for node in elements(pdf):
        if node.get("/S") == "/Figure" and not _described(node):
            kids = _kids(node)
            if kids and not any(_is_content(k) for k in kids):
                node.S = pikepdf.Name.Div  # a group around the image's own Figure and caption
    for _, page, annot in _annotations(pdf):
        if annot.get("/Subtype") == "/Link" and not str(annot.get("/Contents", "")).strip():
            href, fallback = _link_target(annot)
            annot.Contents = pikepdf.String((links or {}).get(href) or fallback)
        page.obj.Tabs = pikepdf.Name.S  # tab through annotations in structure order (§7.18.3)


def operator_names(ops: list) -> list[str]:
    """Each operator's name in a parsed content stream (an inline image's is 'INLINE IMAGE')."""
    return [str(instruction[1]) for instruction in ops]  # indexing: unpacking copies operands


def unmarked(names: list[str]) -> int:
    """How many painting operators of a page's content lie outside any marked content.

    ``names`` are the page's operators by name (:func:`operator_names`).
    """
    depth = loose = 0
    for name in names:
        if name in ("BDC", "BMC"):
            depth += 1
        elif name == "EMC":
            depth -= 1
        elif depth <= 0 and (name in _PAINTS or name == "INLINE IMAGE"):
            loose += 1
    return loose


def problems(pdf: pikepdf.Pdf, contents: list[list[str]] | None = None) -> list[str]:
    """What keeps the file from PDF/UA-1, as far as the file itself can tell; empty if nothing.

    ``contents`` is each page's operator names (:func:`operator_names`) when the caller holds
    them already.
    """
    found: list[str] = []
    mark = pdf.Root.get("/MarkInfo")
    if not (isinstance(mark, pikepdf.Dictionary) and bool(mark.get("/Marked", False))):
        found.append("the catalog's /MarkInfo does not say the file is tagged")
    elif bool(mark.get("/Suspects", False)):
        found.append("/MarkInfo says the tags are suspect")
    if "/StructTreeRoot" not in pdf.Root:
        found.append("there is no structure tree")
    if not str(pdf.Root.get("/Lang", "")).strip():
        found.append("no document language (/Lang)")
    if not str(pdf.docinfo.get("/Title", "")).strip():
        found.append("no document title")
    prefs = pdf.Root.get("/ViewerPreferences")
    if not (isinstance(prefs, pikepdf.Dictionary) and bool(prefs.get("/DisplayDocTitle", False))):
        found.append("the viewer is not asked to show the title (DisplayDocTitle)")
    found += _structure_problems(pdf)
    for number, page, annot in _annotations(pdf):
        subtype = str(annot.get("/Subtype", ""))
        if subtype in _UNDESCRIBED:
            continue
        if not str(annot.get("/Contents", "")).strip():
            found.append(f"page {number}: a {subtype.lstrip('/')} annotation has no description")
        if "/StructParent" not in annot:
            found.append(f"page {number}: a {subtype.lstrip('/')} annotation is not tagged")
        if page.obj.get("/Tabs") != "/S":
            found.append(f"page {number}: has annotations but no /Tabs /S")
    for number, page in enumerate(pdf.pages, start=1):
        names = (contents[number - 1] if contents
                 else operator_names(pikepdf.parse_content_stream(page)))
        if loose := unmarked(names):
            found.append(f"page {number}: {loose} marks neither tagged nor an artifact")
        found += [f"page {number}: font {name} is not embedded" for name in _bare_fonts(page)]
    return found


def _structure_problems(pdf: pikepdf.Pdf) -> list[str]:
    found: list[str] = []
    level = 0
    figures = tables = placeholders = 0
    for node in elements(pdf):
        role = str(node.get("/S"))
        if role == "/Figure" and not _described(node):
            figures += 1
        elif role == "/Figure" and _placeholder(node):
            placeholders += 1
        elif role == "/TH" and not any("/Scope" in a or "/Headers" in a
                                      for a in _attributes(node)):
            tables += 1
        elif role == "/H":
            found.append("an unnumbered /H heading among numbered ones")
        elif role in _HEADINGS:
            n = _HEADINGS[role]
            if n > level + 1:
                found.append(f"heading levels skip from H{level} to H{n}" if level
                             else f"the first heading is H{n}, not H1")
            if not _marks_content(node):
                found.append(f"an empty {role.lstrip('/')} heading")
            level = n
    if figures:
        found.append(f"{figures} figure(s) without alternative text")
    if placeholders:
        found.append(f"{placeholders} figure(s) whose alternative text is a placeholder, "
                     "not a description")
    if tables:
        found.append(f"{tables} table header cell(s) without /Scope or /Headers")
    return found


def _bare_fonts(page: pikepdf.Page) -> list[str]:
    """Names of the page's fonts whose programs are not embedded (Type 3 fonts are drawn)."""
    fonts: pikepdf.Object | dict[str, pikepdf.Object] = page.resources.get("/Font", {})
    bare = []
    for name, font in fonts.items():
        if font.get("/Subtype") == "/Type3":
            continue
        parts = list(font.get("/DescendantFonts", [])) or [font]
        for part in parts:
            desc = part.get("/FontDescriptor")
            if not (isinstance(desc, pikepdf.Dictionary)
                    and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))):
                bare.append(str(name))
    return bare


def claim(meta: PdfMetadata) -> None:
    """Declare PDF/UA-1 in the XMP metadata (the PDF/UA identification schema, part 1)."""
    meta["pdfuaid:part"] = "1"
