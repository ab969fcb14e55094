"""A count of measures by rating as a one-line stacked bar of inline SVG: for the index page.

The build writes the index without matplotlib or pandas, so this draws with nothing but text.
The bar's words are in its ``aria-label``, its figures in the table beside it, and its parts
differ by pattern as well as colour.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

#: Each rating's fill and hatch, so the parts differ in greyscale and without colour vision.
STYLE = {"Green": ("#1d7a3a", ""), "Amber": ("#e3a21a", "//"), "Red": ("#b32d2e", "xx"),
         "Not rated": ("#bfbfbf", "..")}
#: The marks each hatch draws in a 4 x 4 tile: lines one way, a cross, or a dot.
MARKS = {"//": "M0,4 L4,0", "xx": "M0,0 L4,4 M0,4 L4,0", "..": "M1.5,2 L2.5,2"}


def svg_bar(counts: Mapping[str, int], label: str, width: int = 160, height: int = 14) -> str:
    """A one-line stacked bar of ``counts`` as inline SVG, named by ``label`` for screen readers.

    Each part is a rectangle of its share of the width, its count said in the label; parts
    differ by pattern as well as colour.
    """
    total = sum(counts.values())
    parts, x = [], 0.0
    for name, n in counts.items():
        if not n or not total:
            continue
        w = width * n / total
        colour, hatch = STYLE.get(name, ("#7f7f7f", ""))
        fill = f"url(#p-{_slug(name)})" if hatch else colour
        parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{fill}" '
                     'stroke="#000" stroke-width="0.5"/>')
        x += w
    patterns = "".join(
        f'<pattern id="p-{_slug(name)}" width="4" height="4" patternUnits="userSpaceOnUse">'
        f'<rect width="4" height="4" fill="{colour}"/><path d="{MARKS[hatch]}" stroke="#000" '
        'stroke-width="0.6"/></pattern>' for name, (colour, hatch) in STYLE.items() if hatch)
    return (f'<svg class="rating-bar" role="img" aria-label="{escape(label)}" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
            f"<defs>{patterns}</defs>{''.join(parts)}</svg>")


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


__all__ = ["STYLE", "svg_bar"]
