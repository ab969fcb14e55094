"""Word tables at the page's full width, each column wide enough for its longest word.

Pandoc writes a table with ``tblW auto`` and equal grid columns, which Word and LibreOffice then
lay out as they please: tables fill part of the page and break words ("perform / ance",
"2020/2 / 1"). Here every table gets a fixed layout across the text width, with column widths
from its own text: each column at least as wide as its longest word (so no word breaks), and
the rest of the width shared out by how much text each column holds. Table text is 9.5 pt, as
in the HTML and PDF.
"""

from __future__ import annotations

from typing import Any

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


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _text(tc: Any) -> str:
    return "".join(t.text or "" for t in tc.iter(_w("t")))


def _span(tc: Any) -> int:
    pr = tc.find(_w("tcPr"))
    span = pr.find(_w("gridSpan")) if pr is not None else None
    return int(span.get(_w("val"))) if span is not None else 1


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
        word = max((len(w) for text in col for w in text.split()), default=1)
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


def fit(table: Any, total: int) -> None:
    """Give one ``w:tbl`` a fixed layout at ``total`` twips, columns fitted to its text."""
    from docx.oxml import OxmlElement

    rows = [[tc for tc in tr.findall(_w("tc"))] for tr in table.findall(_w("tr"))]
    cells: list[list[str]] = []
    for row in rows:
        texts: list[str] = []
        for tc in row:  # a merged cell's text counts for its first column only
            texts += [_text(tc)] + [""] * (_span(tc) - 1)
        cells.append(texts)
    cols = widths(cells, total)
    if not cols:
        return
    pr = table.find(_w("tblPr"))
    for tag in ("tblW", "tblLayout"):
        old = pr.find(_w(tag))
        if old is not None:
            pr.remove(old)
    tbl_w = OxmlElement("w:tblW")
    tbl_w.set(_w("type"), "dxa")
    tbl_w.set(_w("w"), str(total))
    layout = OxmlElement("w:tblLayout")
    layout.set(_w("type"), "fixed")
    # Word refuses elements out of the schema's order: tblW after the style and before jc and
    # the borders, tblLayout before the cell margins, the look and the caption
    _insert_before(pr, tbl_w, ("jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
                               "tblLayout", "tblCellMar", "tblLook", "tblCaption",
                               "tblDescription"))
    _insert_before(pr, layout, ("tblCellMar", "tblLook", "tblCaption", "tblDescription"))
    grid = table.find(_w("tblGrid"))
    for col in list(grid):
        grid.remove(col)
    for width in cols:
        col = OxmlElement("w:gridCol")
        col.set(_w("w"), str(width))
        grid.append(col)
    for row in rows:
        j = 0
        for tc in row:
            span = _span(tc)
            tc_pr = tc.find(_w("tcPr"))
            if tc_pr is None:
                tc_pr = OxmlElement("w:tcPr")
                tc.insert(0, tc_pr)
            old = tc_pr.find(_w("tcW"))
            if old is not None:
                tc_pr.remove(old)
            tc_w = OxmlElement("w:tcW")
            tc_w.set(_w("type"), "dxa")
            tc_w.set(_w("w"), str(sum(cols[j:j + span])))
            first = tc_pr.find(_w("cnfStyle"))
            tc_pr.insert(0 if first is None else 1, tc_w)
            j += span
    _text_size(table)


def _text_size(table: Any) -> None:
    """Every run in the table at 9.5 pt (runs pandoc sized stay as they are)."""
    from docx.oxml import OxmlElement

    for run in table.iter(_w("r")):
        rpr = run.find(_w("rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            run.insert(0, rpr)
        if rpr.find(_w("sz")) is not None:
            continue
        for tag in ("sz", "szCs"):
            el = OxmlElement(f"w:{tag}")
            el.set(_w("val"), str(TEXT_HALF_POINTS))
            _insert_before(rpr, el, _AFTER_SIZE)


#: Run properties the schema puts after the size, so the size goes in before them.
_AFTER_SIZE = ("highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
               "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def _insert_before(parent: Any, el: Any, later: tuple[str, ...]) -> None:
    """Insert ``el`` before the first child named in ``later``, else at the end."""
    names = {_w(t) for t in later}
    for i, child in enumerate(parent):
        if child.tag in names:
            parent.insert(i, el)
            return
    parent.append(el)
