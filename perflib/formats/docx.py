"""Word drafts of committee reports, made from the same HTML as the PDF.

Officers edit reports in Word, so every report also comes out as ``.docx``. There is one source: the
rendered HTML report goes through pandoc (the binary shipped in the ``pypandoc-binary`` wheel, so
nothing is downloaded at run time) with a committed reference document for styles
(``templates/perflib/reference.docx``, made by :func:`make_reference`), and ``python-docx`` then
settles what pandoc leaves to chance, so the draft passes Word's accessibility checker: heading
styles for the navigation pane, header rows that repeat across pages, alt text on every chart,
title, author and language (en-GB) in the document properties and styles, A4 pages.

Pandoc was chosen over writing the document with python-docx alone because it already maps HTML
headings, tables (with captions and header rows), figures (alt text into ``docPr/@descr``), lists
and links to Word's own structures; python-docx alone would mean a second template of the report.

Regenerate the reference document with ``python -m perflib.formats.docx``.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from perflib import config
from perflib.formats import Rendered, docx_tables

if TYPE_CHECKING:  # python-docx is imported when a Word file is made, not with the registry
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.section import Section
    from docx.table import Table

REFERENCE = config.TEMPLATES_DIR / "perflib" / "reference.docx"
#: A4 in twentieths of a point, and the margins the PDF is printed with (about 2 cm).
A4 = (11906, 16838)
MARGIN = 1134
FONT = "Arial"
#: (style name, size in points) for the headings a report uses; all bold, dark, Arial.
HEADINGS = [("Title", 20), ("Heading 1", 18), ("Heading 2", 15), ("Heading 3", 13),
            ("Heading 4", 12), ("Heading 5", 11), ("Heading 6", 11)]
HEADING_COLOUR = "1F2937"  # contrast about 15:1 on white
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REMOVE = (
    "//a[contains(concat(' ', normalize-space(@class), ' '), ' skip-link ')]",
    "//nav", "//style", "//script", "//noscript", "//template", "//link", "//meta",
    "//*[@aria-hidden='true']", "//*[@role='presentation' or @role='none']",
    "//img[@alt='' or not(@alt)]",
    # inline SVG icons (SPC results): Word cannot show them, and their words stand beside them
    "//svg", "//*[local-name()='svg']",
)


def _pandoc() -> str:
    """The pandoc executable from the pypandoc-binary wheel."""
    import pypandoc

    path: str = pypandoc.get_pandoc_path()  # pypandoc has no type hints
    return path


def clean_html(html: str, lang: str = "en-GB") -> str:
    """The report's body without the skip link, the contents nav, styles and decorative marks.

    The HTML ``<title>`` is left out on purpose: pandoc would print it as a Title paragraph above
    the report's own h1; the title goes into the document properties instead.
    """
    import lxml.html

    doc = lxml.html.document_fromstring(html)
    body = doc.body
    for xpath in _REMOVE:
        for el in body.xpath(xpath):
            parent = el.getparent()
            if parent is None:
                continue
            if el.getprevious() is None and not (parent.text or "").strip() and el.tail:
                el.tail = el.tail.lstrip()  # "▲ Amber" becomes "Amber", not " Amber"
            el.drop_tree()
    inner = lxml.html.tostring(body, encoding="unicode", method="html")
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head>'
            f"{inner}</html>")


def make(rendered: Rendered) -> bytes:
    """The report as a Word document, titled and authored for Word's accessibility checker."""
    return docx_from_html(rendered.html, title=rendered.title, author=rendered.author)


def docx_from_html(html: str, *, title: str, author: str, lang: str = "en-GB") -> bytes:
    """A Word document of a rendered report, ready for Word's accessibility checker.

    Parameters
    ----------
    html
        The report as the HTML exporter renders it (self-contained: charts as data URIs).
    title, author, lang
        Written to the document properties; ``lang`` also to the styles.
    """
    import pypandoc

    if not title.strip():
        raise ValueError("a Word report needs a title (Word's accessibility checker asks for one)")
    with tempfile.TemporaryDirectory(prefix="perflib-docx-") as tmp:
        out = Path(tmp) / "report.docx"
        pypandoc.convert_text(
            clean_html(html, lang), "docx", format="html", outputfile=str(out),
            extra_args=["--sandbox", f"--reference-doc={REFERENCE}", "--metadata", f"lang={lang}"],
        )
        data = out.read_bytes()
    return make_accessible(data, title=title, author=author, lang=lang)


def make_accessible(data: bytes, *, title: str, author: str, lang: str = "en-GB") -> bytes:
    """Set what Word's accessibility checker looks for, whatever pandoc did."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.language = lang
    props.created = props.modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _set_lang(doc.styles.element, lang)
    for section in doc.sections:
        _a4(section)
    for table in doc.tables:
        _mark_header(table)
    for table in doc.element.body.iter(_w("tbl")):
        docx_tables.fit(table, A4[0] - 2 * MARGIN)
    for i, pr in enumerate(doc.element.body.iter(f"{{{_WP}}}docPr"), start=1):
        pr.set("id", str(i))  # unique drawing ids, or Word offers to repair the file
        if not pr.get("descr"):
            raise ValueError("an image in the report has no alt text")
        pr.set("name", f"Chart {i}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _set_lang(styles: BaseOxmlElement, lang: str) -> None:
    """Every w:lang in the styles (and the document defaults) becomes ``lang``."""
    from docx.oxml import OxmlElement

    defaults = styles.find(_w("docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(_w("rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(_w("rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    if rpr.find(_w("lang")) is None:
        rpr.append(OxmlElement("w:lang"))
    for el in styles.iter(_w("lang")):
        el.set(_w("val"), lang)


def _a4(section: Section) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Twips

    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(A4[0]), Twips(A4[1])
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Twips(MARGIN))


def _mark_header(table: Table) -> None:
    """The first row is the header row, repeated at the top of every page; rows do not split."""
    from docx.oxml import OxmlElement

    for n, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        if n == 0 and tr_pr.find(_w("tblHeader")) is None:
            tr_pr.append(OxmlElement("w:tblHeader"))
        if tr_pr.find(_w("cantSplit")) is None:
            tr_pr.insert(0, OxmlElement("w:cantSplit"))


def make_reference(path: Path = REFERENCE) -> Path:
    """Write the reference document pandoc takes its styles from, the same way every time.

    Pandoc's default reference with Arial throughout, dark bold headings, en-GB, ruled tables, A4
    pages with 2 cm margins and a "Page X of Y" footer. Zip entries get a fixed date, so running
    this twice gives the same bytes.
    """
    import subprocess

    from docx import Document
    from docx.oxml import OxmlElement
    from docx.shared import Pt, RGBColor

    base = subprocess.run([_pandoc(), "--print-default-data-file", "reference.docx"],
                          check=True, capture_output=True).stdout
    doc = Document(io.BytesIO(base))
    styles = doc.styles
    rpr = styles.element.find(_w("docDefaults")).find(_w("rPrDefault")).find(_w("rPr"))
    fonts = rpr.find(_w("rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(_w(attr), FONT)
    for tag in ("sz", "szCs"):
        rpr.find(_w(tag)).set(_w("val"), "22")  # 11 pt
    _set_lang(styles.element, "en-GB")
    for name, size in HEADINGS:
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor.from_string(HEADING_COLOUR)
        r = style.element.get_or_add_rPr()
        for tag in ("rFonts",):
            el = r.find(_w(tag))
            for attr in list(el.attrib):
                del el.attrib[attr]
            for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                el.set(_w(attr), FONT)
    for name in ("Table Caption", "Image Caption"):
        styles[name].font.italic = False
        # a table caption's weight is normal, so bold marks only a headline measure's name
        styles[name].font.bold = name == "Image Caption"
        styles[name].font.size = Pt(10)
    _rule_tables(styles.element)
    body = doc.element.body
    for child in list(body):
        if child.tag != _w("sectPr"):
            body.remove(child)
    section = doc.sections[0]
    _a4(section)
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    for part in ("Page ", "PAGE", " of ", "NUMPAGES"):
        if part.isupper():
            field = OxmlElement("w:fldSimple")
            field.set(_w("instr"), f" {part} ")
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            p._p.append(field)
        else:
            p.add_run(part)
    props = doc.core_properties
    props.title, props.author, props.language = "", "perflib", "en-GB"
    props.last_modified_by, props.revision = "perflib", 1
    props.created = props.modified = dt.datetime(2024, 1, 1)
    buf = io.BytesIO()
    doc.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_fixed_dates(buf.getvalue()))
    return path


def _rule_tables(styles: BaseOxmlElement) -> None:
    """Give pandoc's "Table" style thin borders and cell padding, so tables read as tables."""
    from docx.oxml import OxmlElement

    for style in styles.iter(_w("style")):
        if style.get(_w("styleId")) != "Table":
            continue
        tbl_pr = style.find(_w("tblPr"))
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            b = OxmlElement(f"w:{edge}")
            b.set(_w("val"), "single")
            b.set(_w("sz"), "4")
            b.set(_w("space"), "0")
            b.set(_w("color"), "7F7F7F")
            borders.append(b)
        tbl_pr.insert(1, borders)
        for side, width in (("top", "40"), ("bottom", "40")):
            mar = tbl_pr.find(_w("tblCellMar")).find(_w(side))
            mar.set(_w("w"), width)


def _fixed_dates(data: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01, for reproducible bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


if __name__ == "__main__":
    print(make_reference())
