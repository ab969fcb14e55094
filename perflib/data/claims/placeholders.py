"""Placeholders: commentary that prints the table's own figures, so text and table agree.

``{actual}`` and the rest are filled from the measure's figures when the report is built, so a
sentence written with them stays true however the figures change. ``{{`` and ``}}`` print a
literal brace. Any other brace, an unclosed ``{actual`` or a lone ``}``, is a data error naming
the line: printed as it stands it would put a broken sentence in front of a committee.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from perflib import formatting, units
from perflib.data.claims.figures import Figures

#: Names :func:`render` knows; ``value`` is an alias of ``actual``.
PLACEHOLDERS = ("actual", "value", "numerator", "denominator", "target", "previous", "change",
                "year", "previous_year", "trend", "rating")
KNOWN = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
#: ``{{``/``}}``, a ``{name}``, or a brace that is neither (group 2)
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\s]*)\}|([{}])")
#: What an unclosed placeholder's message quotes: the brace and up to 20 characters after it.
_OPENED = re.compile(r"\{[^{}\s]{0,20}")


class PlaceholderProblem(NamedTuple):
    """One brace that is not a placeholder perflib can fill, and where it is."""

    line: int
    words: str
    message: str
    fix: str


def placeholder_problems(text: str, first_line: int = 1) -> list[PlaceholderProblem]:
    """Every unknown placeholder and stray brace, by line, so loading can name the line to fix."""
    out = []
    for n, line in enumerate(text.splitlines(), start=first_line):
        for m in _TOKEN.finditer(line):
            if m.group(0) in ("{{", "}}"):
                continue
            if m.group(2) == "{":
                opened = _OPENED.match(line, m.start())  # always matches: the brace is there
                words = opened.group(0) if opened else "{"
                out.append(PlaceholderProblem(
                    n, words, f"'{words}' opens a placeholder that is never closed",
                    "close it with } (e.g. {actual}), or write {{ for a literal brace"))
            elif m.group(2) == "}":
                out.append(PlaceholderProblem(
                    n, "}", "'}' closes no placeholder", "write }} for a literal brace"))
            elif m.group(1) not in PLACEHOLDERS:
                out.append(PlaceholderProblem(
                    n, m.group(0), f"'{m.group(0)}' is not a placeholder perflib knows",
                    f"use one of {KNOWN}, or write {{{{ and }}}} for a literal brace"))
    return out


def change_words(f: Figures) -> str:
    """The change on last year in signed words: 'up 2.7 points', 'down 5.0%', 'down £35k'.

    Points for percentages (a change of a rate in per cent is ambiguous); per cent for counts;
    the measure's own unit for one that may go below zero, or that was at or below zero, where
    a change in per cent has no meaning (a variance from £10k to −£25k is down £35k).
    """
    if f.value is None or f.previous is None:
        raise ValueError("no previous value to compare with")
    if units.get(f.unit).percent:
        diff = round(f.value - f.previous, f.decimals)
        text = f"{abs(diff):.{f.decimals}f} points"
    elif f.shape.negative_ok or f.previous < 0:
        diff = round(f.value - f.previous, f.decimals)
        text = f.fmt(abs(diff))
    else:
        if f.previous == 0:
            raise ValueError("the previous value is zero, so a change in per cent has no meaning")
        diff = round(100.0 * (f.value - f.previous) / f.previous, 1)
        text = f"{abs(diff):.1f}%"
    if diff == 0:
        return "unchanged"
    return ("up " if diff > 0 else "down ") + text


def _value(name: str, f: Figures) -> str:
    def need(v: Any, what: str) -> Any:
        if v is None or v == "":
            raise ValueError(f"{{{name}}} has no figure: the data has no {what}")
        return v

    if name in ("actual", "value"):
        return f.fmt(need(f.value, "current value"))
    if name in ("numerator", "denominator"):
        return formatting.count(need(getattr(f, name), name))
    if name == "target":
        return f.fmt(need(f.target, "target"), f.target_decimals)
    if name == "previous":
        return f.fmt(need(f.previous, "previous value"))
    if name == "change":
        return change_words(f)
    if name == "year":
        return f.year
    if name == "previous_year":
        return need(f.previous_year, "previous year")
    if name == "trend":
        return need(f.trend, "trend")
    if name == "rating":
        return need(f.rating, "rating")
    raise ValueError(f"{{{name}}} is not a placeholder perflib knows")


def render(text: str, figures: Figures, missing: str | None = None) -> str:
    """Replace placeholders with the figures, printed exactly as the table prints them.

    Raises ValueError for an unknown placeholder, a stray brace or a placeholder whose figure is
    missing, rather than printing a gap in a published report; a draft passes ``missing`` to
    print in place of a missing figure.
    """
    def sub(m: re.Match) -> str:
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        if m.group(2):
            raise ValueError(f"a '{m.group(2)}' that is not part of a placeholder: write "
                             f"{m.group(2) * 2} for a literal brace")
        try:
            return _value(m.group(1), figures)
        except ValueError:
            if missing is None or m.group(1) not in PLACEHOLDERS:
                raise
            return missing

    return _TOKEN.sub(sub, text)
