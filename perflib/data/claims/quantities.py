"""Figures found in a clause: which numbers are claims, on what scale, with what sign.

Plain prose is full of numbers that are not measurements: years, dates and stamps, "Stage 2",
"20 working days", a rate's base ("per 100,000"), ordinals, and small counts of things the data
does not hold ("three sites"). Checking them would bury real findings in noise, so only these are
claims: percentages and percentage points; ``X of Y``; numbers with thousands separators;
millions and money; a rate with its base ("58 per 100,000"); a number written with the measure's
own unit ("2.7 days", "7.9 out of 10") or as "an average of 2.7"; a decimal after "was", "to"
or "at"; a bare number tied to the target ("target of 45"), opening a sentence ("35
organisations ..."), after "There were", or in a change "rose from 19 to 40". Whether one of
them is a figure *of this measure* (money beside a percentage, a count beside a rate) is the
judge's to decide from the measure's unit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import replace

from perflib.data.claims import stamps
from perflib.data.claims.parts import NO_MEASURE, Measure, Quantity

_INT = r"\d{1,3}(?:,\d{3})+|\d+"
_NUM = r"\d[\d,]*(?:\.\d+)?"
_BASE = r"\d{1,3}(?:,\d{3})+|\d+k?|(?:a\s+|one\s+)?(?:hundred\s+)?thousand|million"
_MONEY = r"£\s?(\d[\d,]*(?:\.\d+)?)\s*(k|m|bn|million|billion)?\b"
_SKIP = "skip"
#: Days, weeks ... written as a standard ("within 20 working days"), not as a figure.
_STANDARD = (rf"\b(?:within|in|under|after|than|up\s+to|inside|over|exceeding)\s+(?:{_INT})\s+"
             r"(?:(?:working|calendar|clear)\s+)?(?:days?|weeks?|hours?|minutes?|months?)\b")
_COMMON = [  # (kind, pattern): earlier patterns win over overlapping later ones
    (_SKIP, stamps.DATE),
    (_SKIP, re.compile(_STANDARD)),
    ("rate", re.compile(rf"(?<![\w.,/£])({_NUM})\s+(?:[A-Za-z][\w-]*\s+){{0,4}}?per\s+({_BASE})\b")),
    (_SKIP, re.compile(rf"\bper\s+(?:{_BASE})\b")),  # a rate's base alone: "the rate per 1,000"
    # a part of the figure: "1.9 days of the 2.7 days lost" (the whole is the figure)
    (_SKIP, re.compile(r"(?<![\w.,/])\d+\.\d+\s+(?:[a-z-]+\s+){0,2}?of\s+(?:the|a|an|all)\s+"
                       r"(?=[−-]?£?\d)")),
    ("change", re.compile(r"\b(?:rose|risen|fell|fallen|increased|decreased|grew|grown|dropped|"
                          rf"declined|climbed|went\s+up|went\s+down|up|down)\s+(?:\w+\s+)?from\s+"
                          rf"({_NUM})\s+to\s+({_NUM})\b(?!\s*%|[.,]\d)")),
]
_LATER = [
    ("fraction", re.compile(rf"(?<![\w.,/£])({_INT})\s+(?:out\s+)?of\s+(?:the\s+)?({_INT})"
                            r"(?![\w/%]|[.,]\d)")),
    ("pair", re.compile(rf"{_MONEY}(?:\s+[a-z]+){{0,2}}?\s+(?:out\s+)?of\s+(?:a|an|the|its|our|"
                        rf"their)?\s*(?:total\s+)?(?:budget\s+of\s+)?{_MONEY}")),
    ("money", re.compile(r"£\s?([−-])?(\d[\d,]*(?:\.\d+)?)\s*(k|m|bn|million|billion)?\b")),
    ("millions", re.compile(r"(?<![\w.,£])(\d+(?:\.\d+)?)\s?(m|million)\b")),
    ("points", re.compile(r"(?<![\w.,/])(\d+(?:\.\d+)?)\s+(?:percentage\s+)?points?\b")),
    ("percent", re.compile(r"(?<![\w.,/])(\d+(?:\.\d+)?)\s*(?:%|per\s?cent\b)")),
    ("average", re.compile(r"\b(?:an\s+average\s+of|on\s+average|averag(?:ed|ing)|"
                           rf"(?:a\s+)?score\s+of|scored)\s+({_NUM})\b(?!\s*%)")),
    ("count", re.compile(r"(?<![\w.,/£])(\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?![\d/])")),
    ("count", re.compile(r"\btarget\s+of\s+(\d+(?:\.\d+)?)\b(?![.,]?\d|\s*%)")),
    ("count", re.compile(r"(?<![\w.,/£])(\d+)\s+target\b")),
    ("lead", re.compile(r"^\W*(\d+)\s+(?=[A-Za-z])")),
    ("lead", re.compile(r"\b[Tt]here\s+(?:were|are|was|is)\s+(\d+)\b(?![.,]\d)")),
    ("bare", re.compile(r"\b(?:was|is|were|are|stood\s+at|remains?\s+at|remained\s+at|at|to|of|"
                        r"reached)\s+(\d+\.\d+)\b(?!\s*(?:%|per\b|points?\b|m\b|million\b))")),
]
_DIGIT = re.compile(r"\d")
_SCALE = {"k": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_WORD_BASE = {"thousand": 1e3, "hundred thousand": 1e5, "million": 1e6}
_FROM = re.compile(r"\b(?:from|compared\s+(?:with|to))\s+(?:the\s+|a\s+)?(?:about\s+|around\s+)?$",
                   re.I)
#: A sign written before a figure: "minus 28", "−28", "-28" (a hyphen after a space or bracket).
_SIGN = re.compile(r"(?:\bminus\s+|(?<![^\s(])[−+-])$", re.I)
#: Words after a figure, or before it, that give its sign: "28 days behind", "a deficit of £25k".
_SENSE = {"behind": (re.compile(r"^\s*(?:behind|below|short|late|overdue|adrift|in\s+deficit|"
                                r"overspent|over\s+budget)\b", re.I),
                     re.compile(r"\b(?:overspend|deficit|shortfall)\s+of\s+$", re.I)),
          "ahead": (re.compile(r"^\s*(?:ahead|above|in\s+surplus|underspent|under\s+budget|"
                               r"in\s+credit)\b", re.I),
                    re.compile(r"\b(?:underspend|surplus)\s+of\s+$", re.I))}


@functools.lru_cache(maxsize=256)
def _tokens(units: tuple[str, ...]) -> list[tuple[str, re.Pattern]]:
    """The patterns for a measure written with ``units`` ("days", "out of 10")."""
    if not units:
        return _COMMON + _LATER
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in u.split())
                            + ("s?" if u[-1].isalpha() else "") for u in units)
    unit = ("unit", re.compile(rf"(?<![\w.,/])({_NUM})\s*(?:(?:working|calendar|clear)\s+)?"
                               rf"(?:{alternatives})(?!\w)", re.I))
    return [*_COMMON, unit, *_LATER]


def _matches(patterns: list[tuple[str, re.Pattern]], clause: str) -> Iterator[tuple[str, re.Match]]:
    """Each pattern's matches, the earlier pattern winning where two cover the same words."""
    taken: list[tuple[int, int]] = []
    for kind, pat in patterns:
        for m in pat.finditer(clause):
            s, e = m.span()
            if not any(s < b and a < e for a, b in taken):
                taken.append((s, e))
                yield kind, m


def _decimals(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def _parse(s: str, scale: float = 1.0) -> tuple[float, float]:
    s = s.replace(",", "")
    return float(s) * scale, 0.5 * 10 ** -_decimals(s) * scale


def _base(s: str) -> float:
    words = re.sub(r"^(?:a|one)\s+", "", s.lower())
    if words.endswith("k"):
        return float(words[:-1]) * 1e3  # "per 100k"
    return _WORD_BASE.get(re.sub(r"\s+", " ", words)) or float(s.replace(",", ""))


def _signed(q: Quantity, clause: str, end: int) -> Quantity:
    """The figure with the sign the text gives it, in symbols or in words beside it."""
    sign = _SIGN.search(clause[:q.start])
    sense = next((k for k, (after, before) in _SENSE.items()
                  if after.search(clause[end:]) or before.search(clause[:q.start])), "")
    if not sign:
        return replace(q, sense=sense)
    value = q.value if sign.group(0) == "+" else -q.value
    return replace(q, value=value, words=sign.group(0) + q.words, start=sign.start(),
                   signed=True, sense=sense)


def quantities(clause: str, measure: Measure = NO_MEASURE) -> list[tuple[Quantity, int, str]]:
    """Figures the clause states, each with its end and role (``from`` or ``""``)."""
    out: list[tuple[Quantity, int, str]] = []
    if not _DIGIT.search(clause):
        return out  # every figure's pattern holds a digit: most clauses are answered here
    group = 0
    for kind, m in _matches(_tokens(measure.units), clause):
        if kind == _SKIP:
            continue
        s, e = m.span()
        group += 1
        text = m.group(0).strip()
        role = "from" if _FROM.search(clause[:s]) else ""
        if kind in ("fraction", "pair"):
            groups = (1, 2) if kind == "fraction" else ((1, 2), (3, 4))
            for g in groups:
                if isinstance(g, tuple):
                    v, h = _parse(m.group(g[0]), _SCALE.get((m.group(g[1]) or "").lower(), 1.0))
                    q = Quantity(kind="money", value=v, half=h, words=text, start=s, group=group,
                                 standalone=False, tied=True)
                else:
                    v, h = _parse(m.group(g))
                    q = Quantity(kind="number", value=v, half=h, words=text, start=s, group=group,
                                 standalone=False)
                out.append((q, e, role))
        elif kind == "change":  # "rose from 19 to 40": two figures, the first the earlier
            for g, r in ((1, "from"), (2, "")):
                v, h = _parse(m.group(g))
                out.append((Quantity(kind="number", value=v, half=h, words=m.group(g),
                                     start=m.start(g), group=group, standalone=True),
                            m.end(g), r))
                group += 1
        else:
            if kind in ("average", "bare"):  # the figure, not the words that lead to it
                text, s = m.group(1), m.start(1)
            q = _signed(_one(kind, m, text, s, group), clause, e)
            if kind == "percent" and re.match(r"\s+of\b", clause[e:]):
                q = replace(q, share=True)
            out.append((q, e, role))
    return sorted(out, key=lambda t: t[0].start)


def _one(kind: str, m: re.Match, text: str, s: int, group: int) -> Quantity:
    """The one figure of a match that holds one."""
    if kind == "money":
        v, h = _parse(m.group(2), _SCALE.get((m.group(3) or "").lower(), 1.0))
        return Quantity(kind="money", value=-v if m.group(1) else v, half=h, words=text, start=s,
                        group=group, standalone=False, signed=bool(m.group(1)))
    if kind == "millions":
        v, h = _parse(m.group(1), 1e6)
        return Quantity(kind="number", value=v, half=h, words=text, start=s, group=group,
                        standalone=False)
    v, h = _parse(m.group(1))
    if kind == "rate":
        return Quantity(kind="number", value=v, half=h, words=text, start=s, group=group,
                        standalone=False, base=_base(m.group(2)))
    if kind in ("unit", "average", "bare"):
        unit = m.group(0)[m.end(1) - m.start():].strip().lower() if kind == "unit" else kind
        return Quantity(kind="number", value=v, half=h, words=text, start=s, group=group,
                        standalone=False, unit=unit)
    return Quantity(kind="points" if kind == "points" else "percent" if kind == "percent"
                    else "number", value=v, half=h, words=text, start=s, group=group,
                    standalone=kind in ("count", "lead"))
