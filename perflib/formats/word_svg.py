"""An SVG chart in a Word file, as Word 2016 and later hold one: the SVG, with a picture beside it.

A notebook may draw its charts as SVG (``%config InlineBackend.figure_formats = ['svg']``).
python-docx places raster pictures only, and Word keeps an SVG as an extension of a raster
picture's ``a:blip`` (``asvg:svgBlip``) that older readers fall back from. Nothing here can turn
SVG into pixels without a browser or a C library, so the fallback is a blank picture of the same
size; Word 2016 and later, LibreOffice 7 and later show the SVG itself.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Emu

#: Where Word looks for the SVG of a picture (the extension's registered URI).
SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
#: EMUs per unit an SVG may give its size in (a bare number is CSS pixels, 96 to the inch).
_EMU = {"": 9525, "px": 9525, "pt": 12700, "pc": 152400, "in": 914400, "cm": 360000,
        "mm": 36000}
_LENGTH = re.compile(r"^\s*([\d.]+)\s*(px|pt|pc|in|cm|mm)?\s*$")
#: An SVG with no size it can tell is printed 6 by 4.5 inches, as matplotlib's default figure.
DEFAULT = (Emu(6 * 914400), Emu(int(4.5 * 914400)))


def size(svg: bytes) -> tuple[Emu, Emu]:
    """The SVG's width and height, from its root element's attributes or its viewBox.

    >>> size(b'<svg xmlns="http://www.w3.org/2000/svg" width="460.8pt" height="345.6pt">')
    (5852160, 4389120)
    """
    head = svg[:4000].decode("utf-8", "replace")
    root = re.search(r"<svg\b[^>]*>", head, re.S)
    attrs = dict(re.findall(r'([\w:-]+)\s*=\s*"([^"]*)"', root.group(0))) if root else {}
    width, height = _emu(attrs.get("width")), _emu(attrs.get("height"))
    if width and height:
        return Emu(width), Emu(height)
    box = [float(v) for v in re.split(r"[\s,]+", attrs.get("viewBox", "").strip()) if v]
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        return Emu(int(box[2] * _EMU["px"])), Emu(int(box[3] * _EMU["px"]))
    return DEFAULT


def _emu(value: str | None) -> int:
    m = _LENGTH.match(value or "")
    return int(float(m.group(1)) * _EMU[m.group(2) or ""]) if m else 0


def _blank_png() -> bytes:
    """A one-pixel white PNG: the picture a reader that cannot show SVG shows in its place."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


_BLANK = _blank_png()


def add(run: Any, svg: bytes) -> Any:
    """Place ``svg`` in ``run`` as a picture (python-docx's ``InlineShape``) at its own size."""
    width, height = size(svg)
    picture = run.add_picture(io.BytesIO(_BLANK), width=width, height=height)
    part = run.part
    package = part.package
    names = {str(p.partname) for p in package.iter_parts()}
    n = 1
    while f"/word/media/chart{n}.svg" in names:
        n += 1
    image = Part(PackURI(f"/word/media/chart{n}.svg"), "image/svg+xml", svg, package)
    rid = part.relate_to(image, RELATIONSHIP_TYPE.IMAGE)
    blip = next(picture._inline.iter(f"{{{A_NS}}}blip"))
    blip.append(parse_xml(
        f'<a:extLst xmlns:a="{A_NS}"><a:ext uri="{SVG_EXT}">'
        f'<asvg:svgBlip xmlns:asvg="{SVG_NS}" xmlns:r="{R_NS}" r:embed="{rid}"/>'
        "</a:ext></a:extLst>"))
    return picture


__all__ = ["add", "size"]
