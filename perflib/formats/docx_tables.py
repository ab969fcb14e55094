"""Word tables at the page's full width, each column wide enough for its longest word.

Left to themselves, Word and LibreOffice lay out an automatic table as they please: tables fill
part of the page and break words ("perform / ance", "2020/2 / 1"). Here every table gets a fixed
layout across the text width, with column widths from its own text: each column at least as wide
as its longest word (so no word breaks), and the rest of the width shared out by how much text
each column holds. Table text is 9.5 pt, as in the HTML and PDF.

A report's tables are written whole, as WordprocessingML (:func:`table_xml`): its header row
repeated on every page, no row split across pages, the caption in the table's own properties.
python-docx's table API builds the same thing a cell at a time, at about ten times the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from perflib.present.blocks import SHORT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: Table text size in half-points (9.5 pt), as the HTML and PDF print tables.
TEXT_HALF_POINTS = 19
#: A character's width at 9.5 pt in twentieths of a point, generously (bold capitals are wider
#: than average), so an estimate never leaves a word too little room.
CHAR = 0.6 * 9.5 * 20
#: The table style's cell margins, left plus right (108 twips each).
PADDING = 216
#: A cell holding more than this many characters wraps whatever its width.
LONG = 40


def widths(cells: list[list[str]], total: int) -> list[int]:
    """Column widths in twips that add up to ``total``, from each column's texts.

    >>> widths([["PI code", "Good performance", "2020/21 actual"],
    ...         ["CFE1.1", "High", "90.8% (1,014 of 1,117)"]], 9638)
    [1691, 3402, 4545]
    """
    n = max((len(r) for r in cells), default=0)
    if n == 0:
        return []
    lows, wants = [], []
    for j in range(n):
        col = [r[j] for r in cells if j < len(r)]
        # a short label ("Quarter 3") is as one word: it is not broken at its space
        word = max((len(w) for text in col
                    for w in (text.split() if len(text) > SHORT else [text])), default=1)
        longest = max((len(text) for text in col), default=1)
        lows.append(word * CHAR + PADDING)
        wants.append(max(min(longest, LONG) * CHAR + PADDING, word * CHAR + PADDING))
    if sum(lows) >= total:  # too many columns for the page: shrink all alike
        out = [low * total / sum(lows) for low in lows]
    elif sum(wants) >= total:  # every word fits; the rest goes where the text is
        spare = total - sum(lows)
        need = [want - low for low, want in zip(lows, wants, strict=True)]
        out = [low + spare * d / sum(need) for low, d in zip(lows, need, strict=True)]
    else:  # everything fits on one line: widen in proportion
        out = [want * total / sum(wants) for want in wants]
    rounded = [int(x) for x in out]
    rounded[-1] += total - sum(rounded)
    return rounded


#: One run of a cell's text: the text, and whether it is bold and italic.
Run = tuple[str, bool, bool]


def table_xml(rows: Sequence[Sequence[Sequence[Run]]], caption: str, total: int,
              style: str = "Table", paragraph_style: str = "Compact",
              right: Sequence[int] = ()) -> str:
    """A ``w:tbl`` of ``rows`` (the first its header row), fitted to ``total`` twips.

    Every row is as long as the longest (empty cells fill the rest); ``caption`` goes into
    ``tblCaption``; the table style is named even though it is the default table style, as
    LibreOffice draws no rules otherwise. The cells of the columns in ``right`` (numbers) are
    right-aligned below the header row, as the page prints them.
    """
    width = max((len(r) for r in rows), default=0)
    cols = widths([["".join(text for text, _, _ in cell) for cell in row] for row in rows], total)
    out = [f'<w:tbl xmlns:w="{W}"><w:tblPr><w:tblStyle w:val={quoteattr(style)}/>',
           f'<w:tblW w:type="dxa" w:w="{total}"/><w:tblLayout w:type="fixed"/>',
           '<w:tblLook w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
           'w:noHBand="0" w:noVBand="0" w:val="0020"/>',
           f"<w:tblCaption w:val={quoteattr(caption)}/></w:tblPr><w:tblGrid>",
           *(f'<w:gridCol w:w="{c}"/>' for c in cols), "</w:tblGrid>"]
    size = f'<w:sz w:val="{TEXT_HALF_POINTS}"/><w:szCs w:val="{TEXT_HALF_POINTS}"/>'
    for i, row in enumerate(rows):
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{'<w:tblHeader/>' if i == 0 else ''}</w:trPr>")
        for j in range(width):
            out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{cols[j]}"/></w:tcPr>')
            if j >= len(row):
                out.append("<w:p/></w:tc>")
                continue
            align = '<w:jc w:val="right"/>' if j in right and i > 0 else ""
            out.append(f"<w:p><w:pPr><w:pStyle w:val={quoteattr(paragraph_style)}/>{align}"
                       "</w:pPr>")
            for text, bold, italic in row[j]:
                out.append(f"<w:r><w:rPr>{'<w:b/>' if bold else ''}{'<w:i/>' if italic else ''}"
                           f"{size}</w:rPr>{_run_text(text)}</w:r>")
            out.append("</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _run_text(text: str) -> str:
    """A run's text as Word holds it: tabs and line breaks as elements, spaces kept."""
    parts = []
    for k, line in enumerate(text.split("\n")):
        if k:
            parts.append("<w:br/>")
        for m, piece in enumerate(line.split("\t")):
            if m:
                parts.append("<w:tab/>")
            if piece:
                keep = ' xml:space="preserve"' if piece != piece.strip() else ""
                parts.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return "".join(parts)
