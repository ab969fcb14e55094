"""What makes a Word file pass Word's accessibility checker, and the reference document's styles.

Word files are written from a report's blocks (:mod:`perflib.formats.word`) into the committed
reference document (``templates/perflib/reference.docx``, made by :func:`make_reference`), which
gives every style its look: Arial throughout, dark bold headings, ruled tables, A4 pages with
2 cm margins and a "Page X of Y" footer. :func:`settle` then sets what the checker asks for:
title, author and language (en-GB) in the document properties and styles, A4 pages, and alt
text on every picture (tables come with their header rows: :mod:`perflib.formats.docx_tables`).

The reference document starts from pandoc's default one (whose style names Word and LibreOffice
both know), so regenerating it needs pandoc: ``python -m perflib.formats.docx``, with the
``pypandoc-binary`` wheel installed. Building reports does not run pandoc.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from perflib import config

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


def settle(doc: Any, *, title: str, author: str, lang: str = "en-GB") -> None:
    """What Word's accessibility checker looks for, set on a python-docx ``Document``.

    Title, author and language in the properties, the language in every style, A4 pages, and
    alt text on every picture (a picture without is refused). Tables are written with their
    header rows and widths (:func:`perflib.formats.docx_tables.table_xml`).
    """
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.language = lang
    props.created = props.modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _set_lang(doc.styles.element, lang)
    for section in doc.sections:
        _a4(section)
    for i, pr in enumerate(doc.element.body.iter(f"{{{_WP}}}docPr"), start=1):
        pr.set("id", str(i))  # unique drawing ids, or Word offers to repair the file
        if not pr.get("descr"):
            raise ValueError("an image in the report has no alt text")
        pr.set("name", f"Chart {i}")


_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def qn(tag: str, namespace: str = W) -> str:
    """A tag's qualified name: WordprocessingML's, or ``namespace``'s."""
    return f"{{{namespace}}}{tag}"


def _set_lang(styles: Any, lang: str) -> None:
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


def _a4(section: Any) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Twips

    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(A4[0]), Twips(A4[1])
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Twips(MARGIN))


def _pandoc() -> str:
    """The pandoc executable from the pypandoc-binary wheel (for :func:`make_reference` only)."""
    import pypandoc

    return str(pypandoc.get_pandoc_path())


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
    _code_style(styles)
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


def _code_style(styles: Any) -> None:
    """A "Source Code" paragraph style (pandoc's name) for code a cell shows and text it printed.

    Monospace, its lines close together.
    """
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    style = styles.add_style("Source Code", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.font.name = "Consolas"
    style.font.size = Pt(9)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _rule_tables(styles: Any) -> None:
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
