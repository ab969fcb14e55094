"""Check that a measure's commentary cannot contradict the figures printed beside it.

Commentary is written by services and read next to a table that perflib computes. When the two
disagree a committee cannot tell which to believe, so this module reads each measure's text and
compares what it claims with that measure's :class:`Figures`:

* **figures** quoted in the text must be one of the measure's own figures (see below);
* **words of direction** (rose, fell, improved, up from ...) must agree with the trend;
* **words of attainment** (met, exceeded, below target, just short of ...) must agree with the rating;
* every measure with a figure needs commentary, and the text must not present another year as
  the report year (the usual sign of last year's text copied forward).

Which numbers are claims about the measure
------------------------------------------
Plain prose is full of numbers that are not measurements: years (2020/21), dates (18 March 2020),
"Stage 2", "20 working days", "Quarter 4", "28 days", ordinals, and small counts of things the data
does not hold ("three sites", "eight complaints"). Checking those would bury real findings in noise,
and a false positive teaches authors to ignore the checker. So only these are treated as claims:

* percentages (``93%``, ``93.1 per cent``) and percentage points (``1.1 points``);
* fractions ``X of Y`` / ``X out of the Y``;
* numbers with thousands separators (``156,557``), which in this prose are always measurements;
* millions (``0.46m``) and money (``£5,000``, ``£50k``, ``£0.3m``);
* a bare number tied to the target (``target of 45``, ``the 45 target``), a bare number that opens
  a sentence (``35 organisations ...``) or follows ``There were``.

A claimed figure is compared, with rounding tolerance, against the measure's current and previous
values, numerator and denominator, target, the differences between them (points and per cent,
worked out from the rounded data as an interval so a figure computed from unrounded data still
matches), the earlier periods' values and the facts recorded for it. A figure is **not** checked
when its clause is plainly about something else: a comparator (national, average, Greater
Manchester, England, UK), a part of the year (a month, "monthly", a quarter, "year to date"), a
hypothetical or forecast (would, could, expected, forecast), or a year the data does not hold.

Severity
--------
``error`` where the text and the data cannot both be right (a figure matching only an earlier year
and presented as this year's; "fell" when the measure rose; "met the target" when it is Red).
``warning`` where a person should look: a figure the data cannot confirm (add it to facts.csv or
correct it), wording softer than the rating, a measure with no commentary, a draft marker left in.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from perflib import rules
from perflib.present import formatting

ERROR, WARNING = "error", "warning"
#: Marker that :func:`draft_sentence` leaves for a service to replace.
DRAFT_MARKER = "[Draft: service to complete.]"
#: Names :func:`render` knows; ``value`` is an alias of ``actual``.
PLACEHOLDERS = ("actual", "value", "numerator", "denominator", "target", "previous", "change",
                "year", "previous_year", "trend", "rating")


@dataclass
class Figures:
    """One measure's figures for one report year, as the table prints them.

    ``year`` is the period the current value is for (usually the report year; a measure published
    with a lag, such as cultural engagements, is a year or two behind). ``report_year`` is the year
    of the report itself and defaults to ``year``.
    """

    year: str
    previous_year: str
    measure_id: str
    pi_code: str = ""
    unit: str = "percentage"
    decimals: int = 1
    polarity: str = "High"
    value: float | None = None
    previous: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    previous_numerator: float | None = None
    previous_denominator: float | None = None
    target: float | None = None
    target_decimals: int | None = None
    trend: str = ""
    rule_rating: str = ""
    rating: str = ""
    earlier: dict[str, float] = field(default_factory=dict)
    facts: list[float] = field(default_factory=list)
    report_year: str = ""

    def __post_init__(self) -> None:
        self.report_year = self.report_year or self.year


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a measure's commentary, said so that an author can fix it."""

    file: str
    line: int | None
    measure_id: str
    pi_code: str
    severity: str
    finding: str
    words: str
    data_says: str
    fix: str


def _num(x: Any) -> float | None:
    """A float, or None for missing values (None, NaN, pandas NA)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _str(x: Any) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def figures_from_report(report: Any) -> dict[str, Figures]:
    """Figures for every measure of a loaded :class:`perflib.data.report.Report`, by measure_id.

    facts.csv is keyed by topic, not measure, so every fact of the report year is offered to every
    measure: a looser match that cannot raise a false finding, though it may let a wrong figure
    pass when it happens to equal another fact.
    """
    obs = report.observations
    facts = report.portfolio.facts.frame if report.portfolio.facts is not None else None
    out: dict[str, Figures] = {}
    for m in report.measures.itertuples():
        rows = obs[obs["measure_id"] == m.measure_id].sort_values("period")
        prev = rows[rows["period"] == m.previous_period]
        earlier = {p: float(v) for p, v in zip(rows["period"], rows["value"], strict=True)
                   if p != m.period and _num(v) is not None}
        stated = []
        if facts is not None:
            stated = [float(v) for v in facts.loc[facts["report"] == report.year, "value"]]
        out[m.measure_id] = Figures(
            year=m.period or report.year, previous_year=_str(m.previous_period),
            measure_id=m.measure_id, pi_code=_str(m.pi_code), unit=m.unit,
            decimals=int(m.decimals), polarity=m.polarity, value=_num(m.value),
            previous=_num(m.previous), numerator=_num(m.numerator), denominator=_num(m.denominator),
            previous_numerator=_num(prev["numerator"].iloc[0]) if len(prev) else None,
            previous_denominator=_num(prev["denominator"].iloc[0]) if len(prev) else None,
            target=_num(m.target),
            target_decimals=None if _num(m.target_decimals) is None else int(m.target_decimals),
            trend=_str(m.trend), rule_rating=_str(m.rule_rating), rating=_str(m.rating),
            earlier=earlier, facts=stated, report_year=report.year)
    return out


# ---------------------------------------------------------------- placeholders

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\s]*)\}")


def placeholder_problems(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Unknown placeholders as ``(line, name)``, so loading can name the line to fix.

    ``{{`` and ``}}`` are escaped braces and never a problem.
    """
    out = []
    for n, line in enumerate(text.splitlines(), start=first_line):
        for m in _PLACEHOLDER.finditer(line):
            if m.group(0) not in ("{{", "}}") and m.group(1) not in PLACEHOLDERS:
                out.append((n, m.group(1)))
    return out


def _fmt(f: Figures, v: float | None, decimals: int | None = None) -> str:
    return formatting.value(f.unit, v, f.decimals if decimals is None else decimals)


def change_words(f: Figures) -> str:
    """The change on last year in signed words: 'up 2.7 points', 'down 5.0%', 'unchanged'.

    Points for percentages (a change of a rate in per cent is ambiguous); per cent for counts.
    """
    if f.value is None or f.previous is None:
        raise ValueError("no previous value to compare with")
    if f.unit == "percentage":
        diff = round(f.value - f.previous, f.decimals)
        text = f"{abs(diff):.{f.decimals}f} points"
    else:
        if f.previous == 0:
            raise ValueError("the previous value is zero, so a change in per cent has no meaning")
        diff = round(100.0 * (f.value - f.previous) / f.previous, 1)
        text = f"{abs(diff):.1f}%"
    if diff == 0:
        return "unchanged"
    return ("up " if diff > 0 else "down ") + text


def _placeholder_value(name: str, f: Figures) -> str:
    def need(v: Any, what: str) -> Any:
        if v is None or v == "":
            raise ValueError(f"{{{name}}} has no figure: the data has no {what}")
        return v

    if name in ("actual", "value"):
        return _fmt(f, need(f.value, "current value"))
    if name in ("numerator", "denominator"):
        return formatting.count(need(getattr(f, name), name))
    if name == "target":
        return _fmt(f, need(f.target, "target"), f.target_decimals)
    if name == "previous":
        return _fmt(f, need(f.previous, "previous value"))
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

    Raises ValueError for an unknown placeholder or one whose figure is missing, rather than
    printing a gap in a published report; a draft passes ``missing`` to print in its place.
    """
    def sub(m: re.Match) -> str:
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        try:
            return _placeholder_value(m.group(1), figures)
        except ValueError:
            if missing is None or m.group(1) not in PLACEHOLDERS:
                raise
            return missing

    return _PLACEHOLDER.sub(sub, text)


# ---------------------------------------------------------------- reading figures in prose

_INT = r"\d{1,3}(?:,\d{3})+|\d+"
_YEAR = re.compile(r"\b(\d{4})/(\d{2})\b")
_TOKENS = [  # (kind, pattern); earlier patterns win over overlapping later ones
    ("fraction", re.compile(rf"(?<![\w.,/£])({_INT})\s+(?:out\s+)?of\s+(?:the\s+)?({_INT})"
                            r"(?![\w/%]|[.,]\d)")),
    ("money", re.compile(r"£\s?(\d[\d,]*(?:\.\d+)?)\s*(k|m|bn|million|billion)?\b")),
    ("millions", re.compile(r"(?<![\w.,£])(\d+(?:\.\d+)?)\s?(m|million)\b")),
    ("points", re.compile(r"(?<![\w.,/])(\d+(?:\.\d+)?)\s+(?:percentage\s+)?points?\b")),
    ("percent", re.compile(r"(?<![\w.,/])(\d+(?:\.\d+)?)\s*(?:%|per\s?cent\b)")),
    ("count", re.compile(r"(?<![\w.,/£])(\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?![\d/])")),
    ("count", re.compile(r"\btarget\s+of\s+(\d+(?:\.\d+)?)\b(?![.,]?\d|\s*%)")),
    ("count", re.compile(r"(?<![\w.,/£])(\d+)\s+target\b")),
    ("count", re.compile(r"^\W*(\d+)\s+(?=[A-Za-z])")),
    ("count", re.compile(r"\b[Tt]here\s+(?:were|are|was|is)\s+(\d+)\b(?![.,]\d)")),
]
_SCALE = {"k": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}

#: A clause with any of these is about another subject or period, so its figures and words are
#: not checked against the measure.
#: A portfolio adds the names of the areas its commentary compares with (portfolio.yaml's
#: ``comparison_areas``), so no council's region is written here.
_ELSEWHERE_WORDS = (
    r"national(?:ly)?|average|England|UK|regional|benchmark|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"month|months|monthly|quarter|Quarter|Q[1-4]|year to date|week|weekly|"
    r"would|could|might|expected|expect|forecast|projected|aim|aims|will|intended|hope[sd]?|plan(?:s|ned)?")


@functools.lru_cache(maxsize=64)
def _elsewhere(areas: tuple[str, ...] = ()) -> re.Pattern:
    """The words that put a clause about another subject, place or period."""
    extra = "".join(f"|{re.escape(a)}" for a in areas)
    return re.compile(rf"\b(?:{_ELSEWHERE_WORDS}{extra})\b")
#: For a percentage, these name a count (calls received, the number of ...), not the rate.
_VOLUME = re.compile(r"\b(?:number of|numbers|received|volume|demand)\b", re.I)


@dataclass(frozen=True)
class _Claim:
    kind: str          # percent, points, number (counts, money and millions on one scale)
    value: float       # on the measure's absolute scale
    half: float        # half a unit of the printed precision, on the same scale
    words: str
    start: int
    end: int
    standalone: bool = False  # a count not in "X of Y"


def _decimals(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def _parse(s: str, scale: float = 1.0) -> tuple[float, float]:
    s = s.replace(",", "")
    return float(s) * scale, 0.5 * 10 ** -_decimals(s) * scale


def _claims(clause: str) -> list[_Claim]:
    """Figures the clause claims, widest reading first, never two for one span of text."""
    taken: list[tuple[int, int]] = []
    out: list[_Claim] = []
    for kind, pat in _TOKENS:
        for m in pat.finditer(clause):
            s, e = m.span()
            if any(s < b and a < e for a, b in taken):
                continue
            taken.append((s, e))
            words = m.group(0).strip()
            if kind == "fraction":
                for g in (1, 2):
                    v, h = _parse(m.group(g))
                    out.append(_Claim("number", v, h, words, s, e))
            elif kind == "money":
                v, h = _parse(m.group(1), _SCALE.get((m.group(2) or "").lower(), 1.0))
                out.append(_Claim("number", v, h, words, s, e))
            elif kind == "millions":
                v, h = _parse(m.group(1), 1e6)
                out.append(_Claim("number", v, h, words, s, e))
            else:
                v, h = _parse(m.group(1))
                out.append(_Claim({"points": "points", "percent": "percent"}.get(kind, "number"),
                                  v, h, words, s, e, kind == "count"))
    return sorted(out, key=lambda c: c.start)


# ---------------------------------------------------------------- what the data allows

@dataclass(frozen=True)
class _Known:
    kind: str
    lo: float
    hi: float
    period: str | None   # None: a current figure; else the earlier period it belongs to
    what: str


def _half(unit: str, decimals: int) -> float:
    """How far the true value may be from the stored one: rates are rounded, counts are exact."""
    return 0.0 if unit in ("count", "cumulative count") else 0.5 * 10 ** -decimals


def _interval(a: float, ha: float, b: float, hb: float, op: str) -> tuple[float, float] | None:
    """|a - b| or |a / b - 1| in per cent, over every value the rounded inputs could hide."""
    corners = []
    for x in (a - ha, a + ha):
        for y in (b - hb, b + hb):
            if op == "diff":
                corners.append(x - y)
            elif y != 0:
                corners.append(100.0 * (x / y - 1))
    if not corners:
        return None
    lo, hi = min(corners), max(corners)
    if lo <= 0 <= hi:
        return 0.0, max(abs(lo), abs(hi))
    return min(abs(lo), abs(hi)), max(abs(lo), abs(hi))


def _known(f: Figures) -> list[_Known]:
    pct = f.unit == "percentage"
    scale = 1e6 if f.unit == "millions" else 1.0
    h = _half(f.unit, f.decimals) * scale
    vkind = "percent" if pct else "number"
    out: list[_Known] = []

    def add(kind: str, v: float | None, half: float, period: str | None, what: str) -> None:
        if v is not None:
            out.append(_Known(kind, v - half, v + half, period, what))

    def derived(kind: str, a, ha, b, hb, op: str, what: str) -> None:
        if a is not None and b is not None:
            iv = _interval(a, ha, b, hb, op)
            if iv:
                out.append(_Known(kind, iv[0], iv[1], None, what))

    v = None if f.value is None else f.value * scale
    p = None if f.previous is None else f.previous * scale
    t = None if f.target is None else f.target * scale
    add(vkind, v, h, None, "the value")
    add(vkind, t, 0.0, None, "the target")
    add(vkind, p, h, f.previous_year or "previous", "last year's value")
    for period, ev in f.earlier.items():
        add(vkind, ev * scale, h, period, f"the {period} value")
    add("number", f.numerator, 0.0, None, "the numerator")
    add("number", f.denominator, 0.0, None, "the denominator")
    add("number", f.previous_numerator, 0.0, f.previous_year or "previous", "last year's numerator")
    add("number", f.previous_denominator, 0.0, f.previous_year or "previous", "last year's denominator")
    if pct and f.numerator is not None and f.denominator:
        add("percent", 100.0 * f.numerator / f.denominator, 0.0, None, "numerator over denominator")
    diff_kind = "points" if pct else "number"
    derived(diff_kind, v, h, p, h, "diff", "the change on last year")
    derived(diff_kind, v, h, t, 0.0, "diff", "the gap to target")
    derived("percent", v, h, p, h, "ratio", "the change on last year in per cent")
    derived("percent", v, h, t, 0.0, "ratio", "the gap to target in per cent")
    derived("number", f.numerator, 0, f.previous_numerator, 0, "diff", "the change in numerator")
    derived("number", f.denominator, 0, f.previous_denominator, 0, "diff", "the change in denominator")
    derived("percent", f.numerator, 0, f.previous_numerator, 0, "ratio", "the numerator's change")
    derived("percent", f.denominator, 0, f.previous_denominator, 0, "ratio", "the denominator's change")
    for x in f.facts:
        add("percent", x, 0.0, None, "a recorded fact")
        add("number", x, 0.0, None, "a recorded fact")
    return out


def _matches(c: _Claim, known: Iterable[_Known]) -> list[_Known]:
    eps = 1e-9 * max(1.0, abs(c.value))
    return [k for k in known if k.kind == c.kind
            and c.value + c.half + eps >= k.lo and c.value - c.half - eps <= k.hi]


# ---------------------------------------------------------------- words

def _direction_words() -> list[tuple[str, re.Pattern]]:
    comp_than = r"\s+than\s+(?:in\b|last\b|the previous\b|a year\b|at\b|\d{4}/\d{2}|the year before)"
    return [
        ("up", re.compile(r"\b(?:rose|risen|rise|rises|rising|increased|increases|grew|grown|"
                          r"climbed|went up|gone up)\b")),
        ("up", re.compile(r"\bincrease\s+(?:on|from|of)\b")),
        ("up", re.compile(r"\bup\s+(?=from\b|on\b|by\b|\d)")),
        ("up", re.compile(rf"\b(?:higher|more|greater){comp_than}")),
        ("down", re.compile(r"\b(?:fell|fallen|falls|falling|dropped|drops|decreased|decreases|"
                            r"declined|declines|went down|gone down)\b(?!\s+short)")),
        ("down", re.compile(r"\b(?:fall|drop|decrease|decline|reduction)\s+(?:on|from|of)\b")),
        ("down", re.compile(r"\bdown\s+(?=from\b|on\b|by\b|\d)")),
        ("down", re.compile(rf"\b(?:lower|fewer|less){comp_than}")),
        ("up", re.compile(r"^\W*(?:The|This)\s+(?:rise|increase|growth)\b")),
        ("down", re.compile(r"^\W*(?:The|This)\s+(?:fall|drop|decline|decrease|reduction)\b")),
        ("better", re.compile(r"\b(?:improved|improvement|improving|improves)\b")),
        ("worse", re.compile(r"\b(?:worsened|worsening|deteriorated|deterioration|worse than)\b")),
    ]


_DIRECTION = _direction_words()
_NEGATED = re.compile(r"\b(?:not|no|never|nor|n't|neither)\b[^,;]{0,20}$")
_TARGET = r"(?:the\s+|its\s+|our\s+|this\s+|their\s+)?(?:\S+\s+)?target"
_SOFT = re.compile(rf"\b(?:just|slightly|narrowly|marginally|fractionally|only just|a little)\s+"
                   rf"(?:short\s+of|shy\s+of|below|under|missed|off|behind)\s+{_TARGET}"
                   r"|\b(?:almost|nearly|close\s+to)\s+(?:met|meeting|achieved|reaching|reached|"
                   rf"hitting)?\s*{_TARGET}", re.I)
_MET = re.compile(rf"\b(?:met|meets|meeting|exceeded|exceeds|exceeding|achieved|achieving|reached|"
                  rf"hit|hitting|beat|beaten|surpassed)\s+{_TARGET}|\bon\s+target\b", re.I)
_MISS = re.compile(rf"\b(?:missed|missing|short\s+of|shy\s+of|behind|off)\s+{_TARGET}"
                   rf"|\b(?:not|never)\s+(?:meet|met|achieve|achieved|reach|reached)\s+{_TARGET}", re.I)
_ABOVE = re.compile(rf"\b(?:above|over|higher than)\s+{_TARGET}", re.I)
_BELOW = re.compile(rf"\b(?:below|under|lower than)\s+{_TARGET}", re.I)
_RATED = re.compile(r"\brated\s+(?:as\s+)?(Red|Amber|Green)\b", re.I)
_CUE = re.compile(r"\b(?:than|from|compared|comparison|since|on|against|versus|vs|below|above|up|"
                  r"down|rose|fell|last|previous|earlier|before|after|started|began|restated|latest)\b",
                  re.I)
#: A calendar year (2014) rather than a financial year (2014/15): the data holds only the latter.
_CALENDAR_YEAR = re.compile(r"(?<![\d/])(?:19|20)\d{2}(?![\d/])")
#: A year that starts a running total ("helped since the programme started in 2018/19") dates the
#: span, not the figure: the figure is still this year's cumulative count.
_SINCE_YEAR = re.compile(r"\b(?:since|started in|began in)\b[^.;]*?\b(\d{4}/\d{2})\b")
_LAST_YEAR = re.compile(r"\b(?:last year|previous year|a year earlier|year before|previously)\b", re.I)


def _sentences(line: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(£])", line) if s.strip()]


def _clauses(sentence: str) -> list[str]:
    parts = re.split(r",\s+|;\s*|:\s+|\s+[–—-]\s+|\s+(?=(?:but|while|whereas|although|though|"
                     r"despite|compared)\b)", sentence)
    return [p for p in parts if p.strip()]


def _year_key(y: str) -> int:
    m = _YEAR.search(y or "")
    return int(m.group(1)) if m else 0


# ---------------------------------------------------------------- the checker

def _movement(f: Figures) -> tuple[bool | None, bool | None]:
    """Whether the value went up, and whether that is better, as far as the figures say."""
    up = better = None
    if f.value is not None and f.previous is not None and f.value != f.previous:
        up = f.value > f.previous
    if f.trend in (rules.BETTER, rules.WORSE):
        better = f.trend == rules.BETTER
        if up is None and f.polarity in ("High", "Low"):
            up = better == (f.polarity == "High")
    elif up is not None and f.polarity in ("High", "Low"):
        better = up == (f.polarity == "High")
    return up, better


def check(text: str, figures: Figures, file: str = "", first_line: int = 1,
          status_of_report: str = "draft", areas: tuple[str, ...] = ()) -> list[Finding]:
    """Everything in one measure's commentary that its figures contradict or cannot confirm.

    Parameters
    ----------
    text
        The commentary as written (placeholders are rendered before it is read).
    figures
        The measure's figures for this report.
    file, first_line
        Where the text is, so each finding names the line to edit.
    status_of_report
        ``"draft"`` or ``"final"``: a draft marker left in a final report is an error, in a draft
        only a warning, because drafts are meant to carry them.
    areas
        Names of the areas the portfolio's commentary compares with (a region, say): a clause
        naming one is about that area, not the measure.
    """
    f = figures
    out: list[Finding] = []

    def find(line: int | None, severity: str, finding: str, words: str, data_says: str,
             fix: str) -> None:
        out.append(Finding(file, line, f.measure_id, f.pi_code, severity, finding, words.strip(),
                           data_says, fix))

    if not text.strip():
        if f.value is not None:
            find(first_line, WARNING, "the measure has a figure but no commentary", "",
                 f"{_fmt(f, f.value)} in {f.year}", "write commentary, e.g. start from draft_sentence")
        return out
    for n, name in placeholder_problems(text, first_line):
        find(n, ERROR, f"{{{name}}} is not a placeholder", f"{{{name}}}",
             f"known placeholders: {', '.join(PLACEHOLDERS)}", "correct the name, or write {{ for a brace")
    if out:
        return out
    try:
        text = render(text, f)
    except ValueError as exc:
        if status_of_report == "final":  # in a draft the blank figure is on the to-do list
            find(first_line, ERROR, str(exc), "", "", "remove the placeholder or add the figure")
        return out

    known = _known(f)
    elsewhere = _elsewhere(tuple(areas))
    up, better = _movement(f)
    held = {f.year, f.report_year, f.previous_year, *f.earlier}
    for n, line in enumerate(text.splitlines(), start=first_line):
        if "[Draft" in line and status_of_report == "final":  # a draft lists it as a to-do
            find(n, ERROR, "a draft marker is still in the text", DRAFT_MARKER, "",
                 "complete the sentence and delete the marker")
        for sentence in _sentences(line):
            _check_years(sentence, f, n, find)
            for clause in _clauses(sentence):
                if elsewhere.search(clause):
                    continue
                years = {m.group(0) for m in _YEAR.finditer(clause)}
                if f.unit == "cumulative count":
                    years -= {m.group(1) for m in _SINCE_YEAR.finditer(sentence)}
                if years - held or _CALENDAR_YEAR.search(clause):
                    continue  # about a period the data does not hold
                _check_figures(clause, sentence, f, known, n, find)
                if not (f.unit == "percentage" and _VOLUME.search(clause)):
                    _check_direction(clause, f, up, better, n, find)
                _check_attainment(clause, f, n, find)
    return out


def _check_figures(clause: str, sentence: str, f: Figures, known: list[_Known], n: int, find) -> None:
    said: set[tuple[int, str]] = set()
    for c in _claims(clause):
        if (c.start, "stale") in said:
            continue  # "X of Y" from last year: one finding, not one per number
        hits = _matches(c, known)
        if not hits and c.standalone and f.unit == "percentage":
            continue  # a count of some activity beside a rate; the data holds only its fraction
        if not hits:
            find(n, WARNING, "the figure is not one of the measure's figures", c.words,
                 _data_summary(f), "correct it, or record it in facts.csv if it is right")
            continue
        if any(k.period is None for k in hits):
            continue
        periods = {k.period for k in hits}
        named = any(p in sentence for p in periods) or re.search(r"\blatest\b", sentence, re.I)
        if not named and f.previous_year in periods and _LAST_YEAR.search(sentence):
            named = True
        if not named:
            which = sorted(periods)[-1]
            said.add((c.start, "stale"))
            find(n, ERROR, f"the figure is {which}'s, but the sentence presents it as {f.year}'s",
                 c.words, _data_summary(f), f"use the {f.year} figure or say it is for {which}")


def _data_summary(f: Figures) -> str:
    parts = []
    if f.value is not None:
        v = formatting.value(f.unit, f.value, f.decimals, f.numerator, f.denominator)
        parts.append(f"{f.year}: {v}")
    if f.previous is not None:
        v = formatting.value(f.unit, f.previous, f.decimals, f.previous_numerator, f.previous_denominator)
        parts.append(f"{f.previous_year}: {v}")
    if f.target is not None:
        parts.append(f"target {_fmt(f, f.target, f.target_decimals)}")
    if f.value is None:
        parts += [f"{p}: {_fmt(f, v)}" for p, v in sorted(f.earlier.items())]
    return "; ".join(parts) or f"no figures for {f.year}"


def _check_direction(clause: str, f: Figures, up: bool | None, better: bool | None, n: int,
                     find) -> None:
    for sense, pat in _DIRECTION:
        for m in pat.finditer(clause):
            before = clause[:m.start()]
            if _NEGATED.search(before) or re.search(r"\b(?:to|will|would|should|may)\s+$", before):
                continue
            after = clause[m.end():]
            lead = re.match(r"\s*(?:from|on|by|to)?\s*(?:the\s+)?(\d[\d.,]*\s*%?)", after)
            if lead and f.unit == "percentage" and "%" not in lead.group(1):
                continue  # "up from 161 ...": a count of something else, not this rate
            said = {"up": up, "down": None if up is None else not up,
                    "better": better, "worse": None if better is None else not better}[sense]
            if said is False:
                data = (f"{f.trend or 'the value'}: {_fmt(f, f.value)} in {f.year} against "
                        f"{_fmt(f, f.previous)} in {f.previous_year}")
                find(n, ERROR, f"the text says the measure went {sense}, but it did not",
                     m.group(0), data, "reword to match the trend, or correct the figures")


def _check_attainment(clause: str, f: Figures, n: int, find) -> None:
    rule, rating = f.rule_rating, f.rating
    if not rule and not rating:
        return
    data = f"{_fmt(f, f.value)} against a target of {_fmt(f, f.target, f.target_decimals)}: " \
           f"{rule or 'no rating'} by the rule" + (f", published {rating}" if rating != rule else "")
    high = f.polarity == "High"
    claims = []
    for m in _SOFT.finditer(clause):
        claims.append(("soft", m))
    soft_spans = [m.span() for _, m in claims]

    def free(m: re.Match) -> bool:
        return not any(m.start() < b and a < m.end() for a, b in soft_spans) and \
            not _NEGATED.search(clause[:m.start()])

    for m in _MET.finditer(clause):
        if free(m):
            claims.append(("met", m))
    for m in _MISS.finditer(clause):
        if free(m) or re.match(r"(?i)(not|never)", m.group(0)):
            claims.append(("miss", m))
    for m in _ABOVE.finditer(clause):
        if free(m):
            claims.append(("met" if high else "miss", m))
    for m in _BELOW.finditer(clause):
        if free(m):
            claims.append(("miss" if high else "met", m))
    for kind, m in claims:
        words = m.group(0)
        if kind == "met" and rules.GREEN not in (rule, rating) and (rule or rating):
            find(n, ERROR, "the text says the target was met, but the measure is rated "
                 f"{rating or rule}", words, data, "say the target was missed, or correct the figures")
        elif kind == "met" and rule == rules.GREEN and rating and rating != rules.GREEN:
            find(n, WARNING, f"the text says the target was met, but the published rating is {rating}",
                 words, data, "explain the rating beside the claim")
        elif kind in ("miss", "soft") and rule == rules.GREEN:
            find(n, ERROR, "the text says the target was missed, but the figure is on or better "
                 "than target", words, data, "say the target was met, or correct the figures")
        elif kind == "soft" and rules.RED in (rule, rating):
            find(n, WARNING, "the wording reads softer than the rating: the figure is Red, more than "
                 "the Amber tolerance off target", words, data, "say plainly that the target was missed")
    for m in _RATED.finditer(clause):
        said = m.group(1).capitalize()
        if rating and said != rating:
            find(n, ERROR, f"the text says the measure is rated {said}, but it is rated {rating}",
                 m.group(0), data, "match the rating in the table, or record an override")


def _check_years(sentence: str, f: Figures, n: int, find) -> None:
    current = _year_key(f.year)
    for m in re.finditer(r"\b(?:in|during|for)\s+(\d{4}/\d{2})\b", sentence, re.I):
        y = m.group(1)
        if y in (f.year, f.report_year) or _year_key(y) > _year_key(f.report_year):
            continue  # this year, or a plan for a later one
        before = sentence[:m.start()]
        latest = re.search(r"\blatest\b", before, re.I)
        if latest and _CUE.search(before[latest.end():]):
            latest = None  # "latest ..., 117.8% more than in 2017/18": a comparison
        if latest and f.value is not None and _year_key(y) < current:
            find(n, ERROR, f"the text gives {y} as the latest year, but the latest figure is for {f.year}",
                 m.group(0), _data_summary(f), f"update the sentence to {f.year}")
        elif not latest and not _CUE.search(before):
            find(n, ERROR, f"the text names {y} as the year reported on; this report is for "
                 f"{f.report_year}", sentence[:80], _data_summary(f),
                 "update the text for this year, or make the comparison explicit")


def check_all(commentary: Mapping[str, Any], figures: Mapping[str, Figures],
              file: str = "", status_of_report: str = "draft",
              areas: tuple[str, ...] = ()) -> list[Finding]:
    """Check every measure's commentary, including measures that have none.

    ``commentary`` maps measure_id to its text and first line, as
    :func:`perflib.data.commentary.parse` reads them (anything with ``text`` and ``line``).
    """
    out: list[Finding] = []
    for mid, f in figures.items():
        c = commentary.get(mid)
        out += check(c.text if c else "", f, file, c.line if c else None, status_of_report,
                     areas)
    return out


def draft_sentence(figures: Figures) -> str:
    """One plain factual sentence, in placeholders, for a service to complete.

    It states only what the figures say (the figure, the target, last year) and never a cause
    or a judgement: those are the service's to write.
    """
    f = figures
    if f.value is None:
        return f"No figure is available for {{year}}. {DRAFT_MARKER}"
    if f.unit == "percentage" and f.numerator is not None and f.denominator is not None:
        text = "In {year} the figure was {actual} ({numerator} of {denominator})"
    else:
        text = "In {year} the figure was {actual}"
    if f.target is not None:
        text += ", against a target of {target}"
    if f.previous is not None and f.previous_year:
        text += ", {change} on {previous} in {previous_year}"
    return f"{text}. {DRAFT_MARKER}"
