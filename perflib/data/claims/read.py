"""Claims found: each sentence of commentary read as what it says of which period.

A claim is a quantity (a percentage, a count, money, "X of Y", points) or a word (rose, met the
target, stable, no figure) together with the period it is said of: a year or quarter named near
it ("in 2019/20", "at Quarter 3"), "this year", "last year", "the previous quarter", a period the
sentence opened with ("In 2021/22, ..."), or, when the text names none, the report's own period.
Nothing here knows the figures: :mod:`.judge` holds each claim against them.

Which numbers are claims about the measure
------------------------------------------
Plain prose is full of numbers that are not measurements: years, dates, "Stage 2", "20 working
days", ordinals, and small counts of things the data does not hold ("three sites"). Checking them
would bury real findings in noise, so only these are claims: percentages and percentage points;
``X of Y``; numbers with thousands separators; millions and money; a bare number tied to the
target ("target of 45"), opening a sentence ("35 organisations ..."), after "There were", or in
a change "rose from 19 to 40".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from perflib.data.claims import words as w
from perflib.data.periods import previous_year


@dataclass(frozen=True)
class When:
    """A period as the text names it; :func:`perflib.data.claims.judge.resolve` dates it.

    ``kind`` is ``year`` (``year`` given), ``quarter`` (``quarter``, with ``year`` when given),
    ``this`` (this year, now), ``last`` (last year), ``back`` ("two years ago": ``quarter``
    holds the count), ``latest`` (the latest year with a figure),
    ``previous quarter``, ``default`` (named nowhere:
    the report's period) or ``earlier`` (the starting point of a change, "up from 35").
    ``role`` is ``subject``, ``comparison`` ("than in 2019/20") or ``span`` ("since 2018/19").
    """

    kind: str
    year: str = ""
    quarter: int = 0
    words: str = ""
    start: int = -1
    end: int = -1
    role: str = "subject"


DEFAULT = When("default")
EARLIER = When("earlier")


@dataclass(frozen=True)
class Quantity:
    """A figure the text states: ``value`` on the measure's absolute scale, ± ``half``."""

    kind: str          # percent, points, number (counts, money and millions on one scale)
    value: float
    half: float        # half a unit of the printed precision, on the same scale
    words: str
    start: int
    group: int         # the two numbers of one "X of Y" share a group
    standalone: bool   # a count not in "X of Y"
    when: When = DEFAULT


@dataclass(frozen=True)
class Word:
    """A word claim: what the text says happened, was attained or is missing.

    ``kind`` is a direction (up, down, better, worse), ``stable``, ``absent``, an attainment
    (met, miss, soft, above, below) or ``rated`` (``colour`` the rating).
    """

    kind: str
    words: str
    start: int
    when: When = DEFAULT
    compared: When | None = None
    lead_count: bool = False  # "up from 161": a bare count follows the word
    colour: str = ""


@dataclass(frozen=True)
class YearNamed:
    """A year the sentence says something happened "in", "during" or "for"."""

    year: str
    words: str
    cued: bool    # a comparison word comes before it ("up from ... in 2019/20")
    latest: bool  # it is given as the latest year ("The latest figure, for 2017/18")


@dataclass
class Clause:
    """One clause: its periods and claims, and whether it is about this measure at all."""

    text: str
    elsewhere: bool
    volume: bool
    mentions: list[When] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)


@dataclass
class Sentence:
    """One sentence: its clauses and the years it names as the year something happened in."""

    text: str
    clauses: list[Clause]
    years: list[YearNamed]


# ---------------------------------------------------------------- periods

_FY = r"\d{4}/\d{2}"
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4}
_NUMBER = {"two": 2, "three": 3, "four": 4, "five": 5}
_MENTIONS: list[tuple[str, re.Pattern]] = [
    ("quarter", re.compile(rf"\b(?:Quarter|quarter|Q)\s?(?P<q>[1-4])\s+(?:of\s+)?(?P<y>{_FY})\b")),
    ("quarter", re.compile(rf"\b(?P<y>{_FY})\s+Q(?P<q>[1-4])\b")),
    ("previous quarter", re.compile(r"\b(?:the\s+)?(?:previous|last|prior|preceding)\s+quarter\b"
                                    r"|\bthe\s+quarter\s+before\b", re.I)),
    ("quarter", re.compile(r"\b(?:Quarter|quarter)\s+(?P<q>[1-4])\b|\bQ(?P<q2>[1-4])\b"
                           r"|\b(?P<o>first|second|third|fourth|final)\s+quarter\b"
                           r"|\b(?P<mid>[Mm]id-year)\b")),
    ("year", re.compile(rf"\b(?P<y>{_FY})\b")),
    ("latest", re.compile(r"\blatest\b", re.I)),
    ("this", re.compile(r"\bthis\s+(?:financial\s+)?year\b|\b(?:at|by)\s+(?:the\s+)?year[- ]end\b"
                        r"|\b(?:now|currently|at\s+present)\b", re.I)),
    ("back", re.compile(r"\b(?P<n>two|three|four|five|[2-9])\s+years?\s+(?:ago|earlier|before)\b",
                        re.I)),
    ("last", re.compile(r"\b(?:last|previous|preceding|prior)\s+(?:financial\s+)?year\b"
                        r"|\ba\s+year\s+(?:earlier|before|ago)\b|\bthe\s+year\s+before\b", re.I)),
]
_SPAN = re.compile(r"\b(?:since|from|until|till|before|after|by|between|started\s+in|began\s+in|"
                   r"starting\s+in)\s+(?:the\s+)?(?:start\s+of\s+)?$", re.I)


def _matches(patterns: list[tuple[str, re.Pattern]], clause: str) -> Iterator[tuple[str, re.Match]]:
    """Each pattern's matches, the earlier pattern winning where two cover the same words."""
    taken: list[tuple[int, int]] = []
    for kind, pat in patterns:
        for m in pat.finditer(clause):
            s, e = m.span()
            if not any(s < b and a < e for a, b in taken):
                taken.append((s, e))
                yield kind, m


def _mentions(clause: str) -> list[When]:
    found = []
    for kind, m in _matches(_MENTIONS, clause):
        s, e = m.span()
        g = {k: v for k, v in m.groupdict().items() if v}
        q = int(g.get("q") or g.get("q2") or 0) or _ORDINAL.get(g.get("o", "").lower(), 0)
        if g.get("mid"):
            q = 2  # the mid-year report is Quarter 2's
        if kind == "back":  # "two years ago": the count back, kept where a quarter would be
            q = int(_NUMBER.get(g["n"].lower(), g["n"]))
        found.append((s, e, kind, g.get("y", ""), q, m.group(0)))
    out, last_end = [], 0
    for s, e, kind, year, q, text in sorted(found):
        before = clause[:s]
        gap = re.sub(r"\bon\s+(?:time|target)\b", "", clause[last_end:s])
        role = ("span" if _SPAN.search(before) else
                "comparison" if w.COMPARED.search(gap) else "subject")
        out.append(When(kind, year, q, text, s, e, role))
        last_end = e
    return out


# ---------------------------------------------------------------- quantities

_INT = r"\d{1,3}(?:,\d{3})+|\d+"
_NUM = r"\d[\d,]*(?:\.\d+)?"
_TOKENS = [  # (kind, pattern); earlier patterns win over overlapping later ones
    ("fraction", re.compile(rf"(?<![\w.,/£])({_INT})\s+(?:out\s+)?of\s+(?:the\s+)?({_INT})"
                            r"(?![\w/%]|[.,]\d)")),
    ("money", re.compile(r"£\s?(\d[\d,]*(?:\.\d+)?)\s*(k|m|bn|million|billion)?\b")),
    ("millions", re.compile(r"(?<![\w.,£])(\d+(?:\.\d+)?)\s?(m|million)\b")),
    ("points", re.compile(r"(?<![\w.,/])(\d+(?:\.\d+)?)\s+(?:percentage\s+)?points?\b")),
    ("percent", re.compile(r"(?<![\w.,/])(\d+(?:\.\d+)?)\s*(?:%|per\s?cent\b)")),
    ("count", re.compile(r"(?<![\w.,/£])(\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?![\d/])")),
    ("change", re.compile(r"\b(?:rose|risen|fell|fallen|increased|decreased|grew|grown|dropped|"
                          rf"declined|climbed|went\s+up|went\s+down|up|down)\s+(?:\w+\s+)?from\s+"
                          rf"({_NUM})\s+to\s+({_NUM})\b(?!\s*%|[.,]\d)")),
    ("count", re.compile(r"\btarget\s+of\s+(\d+(?:\.\d+)?)\b(?![.,]?\d|\s*%)")),
    ("count", re.compile(r"(?<![\w.,/£])(\d+)\s+target\b")),
    ("count", re.compile(r"^\W*(\d+)\s+(?=[A-Za-z])")),
    ("count", re.compile(r"\b[Tt]here\s+(?:were|are|was|is)\s+(\d+)\b(?![.,]\d)")),
]
_DIGIT = re.compile(r"\d")
_SCALE = {"k": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_FROM = re.compile(r"\b(?:from|compared\s+(?:with|to))\s+(?:the\s+|a\s+)?(?:about\s+|around\s+)?$",
                   re.I)


def _decimals(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def _parse(s: str, scale: float = 1.0) -> tuple[float, float]:
    s = s.replace(",", "")
    return float(s) * scale, 0.5 * 10 ** -_decimals(s) * scale


def _quantities(clause: str) -> list[tuple[Quantity, int, str]]:
    """Figures the clause states, each with its end and role (``from`` or ``""``)."""
    out: list[tuple[Quantity, int, str]] = []
    if not _DIGIT.search(clause):
        return out  # every figure's pattern holds a digit: most clauses are answered here
    group = 0
    for kind, m in _matches(_TOKENS, clause):
        s, e = m.span()
        group += 1
        text = m.group(0).strip()
        role = "from" if _FROM.search(clause[:s]) else ""
        if kind == "fraction":
            for g in (1, 2):
                v, h = _parse(m.group(g))
                out.append((Quantity("number", v, h, text, s, group, False), e, role))
        elif kind == "change":  # "rose from 19 to 40": two figures, the first the earlier
            for g, r in ((1, "from"), (2, "")):
                v, h = _parse(m.group(g))
                out.append((Quantity("number", v, h, m.group(g), m.start(g), group, True),
                            m.end(g), r))
                group += 1
        elif kind in ("money", "millions"):
            scale = _SCALE.get((m.group(2) or "").lower(), 1.0) if kind == "money" else 1e6
            v, h = _parse(m.group(1), scale)
            out.append((Quantity("number", v, h, text, s, group, False), e, role))
        else:
            v, h = _parse(m.group(1))
            out.append((Quantity({"points": "points", "percent": "percent"}.get(kind, "number"),
                                 v, h, text, s, group, kind == "count"), e, role))
    return sorted(out, key=lambda t: t[0].start)


def _shielded(clause: str, a: int, b: int, starts: list[tuple[int, int]], group: int) -> bool:
    """Whether another figure stands between positions a and b (one in brackets does not)."""
    brackets = [m.span() for m in re.finditer(r"\([^)]*\)", clause)]
    return any(a <= s < b and g != group and not any(x <= s < y for x, y in brackets)
               for s, g in starts)


#: Between a figure and the period it is of: "89.3% in 2020/21", "3,484 (a record) for 2020/21".
_ATTACHED = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:\w+\s+)?(?:in|for|during|at|by|of)\s+(?:the\s+)?"
                       r"(?:end\s+of\s+)?(?:year\s+)?$", re.I)


def _bind(clause: str, start: int, end: int, group: int, role: str, mentions: list[When],
          starts: list[tuple[int, int]], context: When) -> When:
    """The period a figure is said of: a period next to it, else the sentence's, else the report's.

    The starting point of a change ("up from 35") is an earlier period's unless one is named.
    """
    usable = [m for m in mentions if m.role != "span"]
    after = [m for m in usable if m.start >= end and not _shielded(clause, end, m.start, starts,
                                                                   group)]
    if after and _ATTACHED.match(clause[end:after[0].start]):
        return after[0]  # "89.3% in 2020/21"
    if role == "from":
        return after[0] if after else EARLIER
    before = [m for m in usable if m.end <= start and not _shielded(clause, m.end, start, starts,
                                                                    group)]
    if before:
        return before[-1]
    return after[0] if after else context


# ---------------------------------------------------------------- words

def _word_claims(clause: str, subject: When, compared: When | None) -> list[Word]:
    out = []
    for sense, pat in w.DIRECTION:
        for m in pat.finditer(clause):
            before = clause[:m.start()]
            if w.NEGATED.search(before) or w.MODAL.search(before):
                continue
            lead = re.match(r"\s*(?:from|on|by|to)?\s*(?:the\s+)?(?!\d{4}/\d{2})(\d[\d.,]*\s*%?)",
                            clause[m.end():])
            out.append(Word(sense, m.group(0), m.start(), subject, compared,
                            lead_count=bool(lead and "%" not in lead.group(1))))
    for m in w.STABLE.finditer(clause):
        if not w.NEGATED.search(clause[:m.start()]):
            out.append(Word("stable", m.group(0), m.start(), subject, compared))
    out += _attainment(clause, subject)
    for m in w.RATED.finditer(clause):
        out.append(Word("rated", m.group(0), m.start(), subject, colour=m.group(1).capitalize()))
    return out


def _attainment(clause: str, subject: When) -> list[Word]:
    found = [("soft", m) for m in w.SOFT.finditer(clause)]
    soft_spans = [m.span() for _, m in found]

    def free(m: re.Match) -> bool:
        return not any(m.start() < b and a < m.end() for a, b in soft_spans) and \
            not w.NEGATED.search(clause[:m.start()])

    found += [("met", m) for m in w.MET.finditer(clause) if free(m)]
    found += [("miss", m) for m in w.MISS.finditer(clause)
              if free(m) or re.match(r"(?i)(not|never)", m.group(0))]
    found += [("above", m) for m in w.ABOVE.finditer(clause) if free(m)]
    found += [("below", m) for m in w.BELOW.finditer(clause) if free(m)]
    return [Word(kind, m.group(0), m.start(), subject) for kind, m in found]


# ---------------------------------------------------------------- sentences

#: A clause that speaks of the period the clause before it named.
_WHEN = re.compile(r"^\W*(?:when|where|at\s+which\s+point)\b", re.I)
_SPLIT = re.compile(r",\s+|;\s*|:\s+|\s+[–—-]\s+|\s+(?=(?:but|while|whereas|although|though|"
                    r"despite|compared)\b)")


def sentences(line: str) -> list[str]:
    """A line of commentary cut into sentences."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(£])", line) if s.strip()]


def _clauses(sentence: str) -> list[str]:
    return [p for p in _SPLIT.split(sentence) if p.strip()]


def read_sentence(sentence: str, areas: tuple[str, ...] = ()) -> Sentence:
    """Every claim in one sentence, each bound to the period it is said of."""
    context = DEFAULT
    quarter: When | None = None
    out = []
    previous: list[When] = []
    for text in _clauses(sentence):
        mentions, quarter = _dated(_mentions(text), context, quarter)
        here = context
        if previous and _WHEN.match(text):
            context = replace(previous[-1], role="subject")  # "since 2018/19, when 87.2% ..."
        previous = mentions or previous
        found = _quantities(text)
        starts = [(q.start, q.group) for q, _, _ in found]
        quantities = [Quantity(q.kind, q.value, q.half, q.words, q.start, q.group, q.standalone,
                               _bind(text, q.start, end, q.group, role, mentions, starts, context))
                      for q, end, role in found]
        subjects = [m for m in mentions if m.role == "subject"]
        subject = subjects[0] if subjects else context
        compared = next((m for m in mentions if m.role == "comparison"), None)
        elsewhere = bool(w.elsewhere(areas).search(text) or w.CALENDAR_YEAR.search(text))
        clause = Clause(text, elsewhere, bool(w.VOLUME.search(text)), mentions, quantities,
                        _word_claims(text, subject, compared))
        for m in w.ABSENT.finditer(text):
            clause.words.append(Word("absent", m.group(0), m.start(),
                                     _bind(text, m.start(), m.end(), -1, "", mentions, starts,
                                           context)))
        out.append(clause)
        context = here
        if subjects and not quantities:
            context = subjects[-1]  # "In 2021/22, 96.1% ...": a period set once runs on
    return Sentence(sentence, out, _years_named(sentence))


def _dated(mentions: list[When], context: When,
           quarter: When | None) -> tuple[list[When], When | None]:
    """Each period dated as far as the text allows, and the last quarter named.

    A quarter takes the clause's year, else the sentence's; "the previous quarter" is counted
    back from the last quarter named.
    """
    years = [m.year for m in mentions if m.kind == "year"]
    year = years[0] if years else context.year if context.kind == "year" else ""
    out = []
    for m in mentions:
        if m.kind == "quarter" and not m.year and year:
            m = replace(m, year=year)
        elif m.kind == "previous quarter" and quarter is not None and quarter.year:
            back = (quarter.year, quarter.quarter - 1) if quarter.quarter > 1 else \
                (previous_year(quarter.year), 4)
            m = replace(m, kind="quarter", year=back[0], quarter=back[1])
        if m.kind == "quarter":
            quarter = m
        out.append(m)
    return out, quarter


def _years_named(sentence: str) -> list[YearNamed]:
    out = []
    for m in re.finditer(rf"\b(?:in|during|for)\s+({_FY})\b", sentence, re.I):
        before = sentence[:m.start()]
        latest = re.search(r"\blatest\b", before, re.I)
        if latest and w.CUE.search(before[latest.end():]):
            latest = None  # "latest ..., 117.8% more than in 2017/18": a comparison
        out.append(YearNamed(m.group(1), m.group(0), bool(w.CUE.search(before)), bool(latest)))
    return out
