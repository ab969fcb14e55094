"""Claims found: each sentence of commentary read as what it says of which period.

A claim is a quantity (a percentage, a count, money, "X of Y", points) or a word (rose, met the
target, stable, no figure) together with the period it is said of: a year or quarter named near
it ("in 2019/20", "at Quarter 3"), "this year", "last year", "the previous quarter", a period the
sentence opened with ("In 2021/22, ..."), or, when the text names none, the report's own period.
Nothing here knows the figures: :mod:`.judge` holds each claim against them. A stamp opening a
sentence is removed first (:mod:`.stamps`); which numbers are figures is :mod:`.quantities`'
to say, and whose subject a clause is :mod:`.subjects`'.
"""

from __future__ import annotations

import re
from dataclasses import replace

from perflib.data.claims import stamps, subjects
from perflib.data.claims import words as w
from perflib.data.claims.parts import (
    DEFAULT,
    EARLIER,
    NO_MEASURE,
    Clause,
    Measure,
    Sentence,
    When,
    Word,
    YearNamed,
)
from perflib.data.claims.quantities import _matches, quantities
from perflib.data.periods import previous_year

__all__ = ["read_sentence", "sentences"]


# ---------------------------------------------------------------- periods

_FY = r"\d{4}/\d{2}"
#: A financial year as officers also write it: 2020/21, 2020-21, 2020/2021, 20/21.
_ANY_FY = r"\d{4}/\d{2}(?!\d)|\d{4}[/-]\d{4}|\d{4}-\d{2}(?![\d-])|(?<![\d/])\d{2}/\d{2}(?![\d/])"


def _financial_year(text: str) -> str:
    """'2020/21' from any way of writing it, or '' when the two years do not follow on."""
    a, b = re.split(r"[/-]", text)
    start = int(a) if len(a) == 4 else 2000 + int(a)
    return f"{start}/{int(b) % 100:02d}" if (start + 1) % 100 == int(b) % 100 else ""
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
    ("year", re.compile(rf"\b(?P<y>{_ANY_FY})\b")),
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


_NOT_COMPARED = re.compile(r"\bon\s+(?:time|target)\b|\b(?:rose|risen|fell|fallen|increased|"
                           r"decreased|improved|worsened|dropped|climbed|grew)\s+to\b", re.I)


def _mentions(clause: str) -> list[When]:
    found = []
    for kind, m in _matches(_MENTIONS, clause):
        s, e = m.span()
        g = {k: v for k, v in m.groupdict().items() if v}
        if kind == "year":
            g["y"] = _financial_year(g["y"])
            if not g["y"]:
                continue  # "14/10": a date, not a year
        q = int(g.get("q") or g.get("q2") or 0) or _ORDINAL.get(g.get("o", "").lower(), 0)
        if g.get("mid"):
            q = 2  # the mid-year report is Quarter 2's
        if kind == "back":  # "two years ago": the count back, kept where a quarter would be
            q = int(_NUMBER.get(g["n"].lower(), g["n"]))
        found.append((s, e, kind, g.get("y", ""), q, m.group(0)))
    out, last_end = [], 0
    for s, e, kind, year, q, text in sorted(found):
        before = clause[:s]
        # "on time" is no comparison, nor is a change "to" a figure: "rose to 8.1 at Q2" says
        # when it reached 8.1, where "rose from 35 in 2019/20" compares
        gap = _NOT_COMPARED.sub("", clause[last_end:s])
        role = ("span" if _SPAN.search(before) else
                "comparison" if w.COMPARED.search(gap) else "subject")
        out.append(When(kind, year, q, text, s, e, role))
        last_end = e
    return out


# ---------------------------------------------------------------- binding

def _shielded(clause: str, a: int, b: int, starts: list[tuple[int, int]], group: int) -> bool:
    """Whether another figure stands between positions a and b (one in brackets does not)."""
    brackets = [m.span() for m in re.finditer(r"\([^)]*\)", clause)]
    return any(a <= s < b and g != group and not any(x <= s < y for x, y in brackets)
               for s, g in starts)


#: Between a figure and the period it is of: "89.3% in 2020/21", "3,484 (a record) for 2020/21",
#: or nothing at all: "(95% last year)".
_ATTACHED = re.compile(r"^\s*$|^\s*(?:\([^)]*\)\s*)?(?:\w+\s+)?(?:in|for|during|at|by|of)\s+"
                       r"(?:the\s+)?(?:end\s+of\s+)?(?:year\s+)?$", re.I)
_BRACKETS = re.compile(r"\([^()]*\)")


def _outside(clause: str, start: int, mentions: list[When]) -> list[When]:
    """The periods a figure may take: not one in brackets the figure is not in.

    "93% of streets (95% last year)": the period in brackets is the bracketed figure's.
    """
    spans = [m.span() for m in _BRACKETS.finditer(clause)]
    mine = [(a, b) for a, b in spans if a <= start < b]
    return [m for m in mentions if not any(a <= m.start < b for a, b in spans)
            or any(a <= m.start < b for a, b in mine)]


def _bind(clause: str, start: int, end: int, group: int, role: str, mentions: list[When],
          starts: list[tuple[int, int]], context: When) -> When:
    """The period a figure is said of: a period next to it, else the sentence's, else the report's.

    The starting point of a change ("up from 35") is an earlier period's unless one is named.
    """
    usable = [m for m in _outside(clause, start, mentions) if m.role != "span"]
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

def _word_claims(clause: str, subject: When, compared: When | None,
                 measure: Measure = NO_MEASURE) -> list[Word]:
    out = []
    for sense, pat in w.DIRECTION:
        for m in pat.finditer(clause):
            before = clause[:m.start()]
            if w.NEGATED.search(before) or w.MODAL.search(before) \
                    or subjects.said_of_next(clause[m.end():], measure):
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
#: Where a sentence is cut into clauses; the separator is kept as the next clause's ``joiner``.
_SPLIT = re.compile(r"(,\s+|;\s*|:\s+|\s+[–—-]\s+|\s+&\s+"
                    r"|\s+and\s+(?=(?:(?:the|a|only|just|over|around|about|nearly|almost)\s+)?"
                    r"[−-]?£?\d)"
                    r"|\s+(?=(?:but|while|whereas|although|though|despite|compared)\b))")
_BETWEEN = re.compile(r"\bbetween\s+\S+$", re.I)
#: A clause that opens with a change says how the figure before it changed, of its period.
_CHANGE_LED = re.compile(r"^\W*(?:up|down|rising|falling|an?\s+(?:increase|decrease|rise|fall|"
                         r"drop|improvement|reduction))\b", re.I)


def sentences(line: str) -> list[str]:
    """A line of commentary cut into sentences."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(£])", line) if s.strip()]


def _clauses(sentence: str) -> list[tuple[str, str]]:
    """Each clause with the words that joined it to the one before ("&", "and", "," ...)."""
    out: list[tuple[str, str]] = []
    parts = _SPLIT.split(sentence)
    text, joiner = parts[0], ""
    for sep, nxt in zip(parts[1::2], parts[2::2], strict=True):
        if sep.strip() == "and" and _BETWEEN.search(text) or text.count("(") > text.count(")"):
            text += sep + nxt  # "between 5 and 10", "(2020/21: 93.2%)": one clause
            continue
        out.append((text, joiner))
        text, joiner = nxt, sep.strip()
    out.append((text, joiner))
    return [(t, j) for t, j in out if t.strip()]


def read_sentence(sentence: str, areas: tuple[str, ...] = (),
                  measure: Measure = NO_MEASURE) -> Sentence:
    """Every claim in one sentence, each bound to the period it is said of.

    ``measure`` gives the words of the measure the note is written under, so a figure in its own
    unit ("2.7 days") is found and a clause about another subject is set aside.
    """
    sentence = stamps.strip(sentence)
    context = DEFAULT
    quarter: When | None = None
    out = []
    previous: list[When] = []
    said_of: When | None = None
    for text, joiner in _clauses(sentence):
        mentions, quarter = _dated(_mentions(text), context, quarter)
        here = context
        if previous and _WHEN.match(text):
            context = replace(previous[-1], role="subject")  # "since 2018/19, when 87.2% ..."
        previous = mentions or previous
        found = quantities(text, measure)
        starts = [(q.start, q.group) for q, _, _ in found]
        stated = [replace(q, when=_bind(text, q.start, end, q.group, role, mentions, starts,
                                        context)) for q, end, role in found]
        subjects_ = [m for m in mentions if m.role == "subject"]
        subject = subjects_[0] if subjects_ else context
        if not subjects_ and said_of and _CHANGE_LED.match(text):
            subject = said_of  # "81.0% in Q4, up from 79.3% in Q3": the change is Q4's
        compared = next((m for m in mentions if m.role == "comparison"), None)
        elsewhere = _elsewhere(text, areas, measure)
        clause = Clause(text, elsewhere, bool(w.VOLUME.search(text)), mentions, stated,
                        _word_claims(text, subject, compared, measure),
                        bool(w.RELATION.search(text)),
                        joiner)
        for m in w.ABSENT.finditer(text):
            clause.words.append(Word("absent", m.group(0), m.start(),
                                     _bind(text, m.start(), m.end(), -1, "", mentions, starts,
                                           context)))
        out.append(clause)
        said_of = subjects_[-1] if subjects_ else None
        context = here
        if subjects_ and not stated:
            context = subjects_[-1]  # "In 2021/22, 96.1% ...": a period set once runs on
    subjects.mark_others(out, measure)
    return Sentence(sentence, out, _years_named(sentence))


def _elsewhere(text: str, areas: tuple[str, ...], measure: Measure) -> bool:
    """Whether a clause is about another place or time.

    A word of the measure's own name does not make it so: "forecast" under "Forecast budget
    variance", "average" under "Average days to ...".
    """
    return w.CALENDAR_YEAR.search(text) is not None or any(
        subjects.stem(m.group(0)) not in measure.name for m in w.elsewhere(areas).finditer(text))


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
    for m in re.finditer(rf"\b(?:in|during|for)\s+({_ANY_FY})\b", sentence, re.I):
        if not _financial_year(m.group(1)):
            continue
        before = sentence[:m.start()]
        latest = re.search(r"\blatest\b", before, re.I)
        if latest and w.CUE.search(before[latest.end():]):
            latest = None  # "latest ..., 117.8% more than in 2017/18": a comparison
        bracketed = before.count("(") > before.count(")")  # "6.3% (9.1% in 2020/21)": compared
        out.append(YearNamed(_financial_year(m.group(1)), m.group(0),
                             bool(w.CUE.search(before)) or bracketed,
                             bool(latest)))
    return out
