"""What a sentence is read into: periods, figures, words, clauses (no reading is done here).

:mod:`.read` fills these from text and :mod:`.judge` holds them against the figures; keeping the
shapes apart lets :mod:`.quantities` and :mod:`.subjects` read parts of a sentence without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from perflib.units import UnitName


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


@dataclass(frozen=True, kw_only=True)
class Quantity:
    """A figure the text states: ``value`` on the measure's absolute scale, ± ``half``.

    ``kind`` is ``percent``, ``points``, ``money`` (pounds) or ``number`` (counts, millions,
    averages, rates). ``unit`` says what the figure was written with when that decides whose it
    is: ``days`` or a measure's own suffix, ``average`` ("an average of 2.7"), ``bare`` (a
    decimal after "was", "to" ...), empty for the rest. ``base`` is a rate's base written with it
    ("58 per 100,000": 100000). ``signed`` when the text gives the sign ("minus 28", "−28");
    ``sense`` is ``behind`` or ``ahead`` when words beside it give it ("28 days behind target").
    ``tied`` marks money written as a pair ("£125k of £500k"); ``share`` a percentage of
    something ("35% of visits"), which beside a count or money is a part, not the figure.
    """

    kind: Literal["percent", "points", "money", "number"]
    value: float
    half: float        # half a unit of the printed precision, on the same scale
    words: str
    start: int
    group: int         # the two numbers of one "X of Y" share a group
    standalone: bool   # a count not in "X of Y"
    when: When = DEFAULT
    unit: str = ""
    base: float | None = None
    signed: bool = False
    sense: str = ""
    tied: bool = False
    share: bool = False


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
    """One clause: its periods and claims, and whether it is about this measure at all.

    ``elsewhere`` is set for a clause about another place, time or subject (nothing in it is
    judged); ``related`` when it has words that make a figure a change, a gap or a target
    ("by", "down", "short of", "target"), so a figure in it is not presented as the value.
    """

    text: str
    elsewhere: bool
    volume: bool
    mentions: list[When] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    related: bool = False
    joiner: str = ""


@dataclass
class Sentence:
    """One sentence: its clauses and the years it names as the year something happened in."""

    text: str
    clauses: list[Clause]
    years: list[YearNamed]


@dataclass(frozen=True)
class Measure:
    """What the reader may know of the measure a note is written under: its words, not its figures.

    ``name`` holds the stems of the words of its short_name and measure_id (see
    :func:`perflib.data.claims.subjects.stem`), ``named`` whether it has a short_name at all;
    ``units`` the words a figure of it is written with ("days", "out of 10"); ``unit`` its unit
    (a count beside a percentage or a rate is of something else).
    """

    name: frozenset[str] = frozenset()
    units: tuple[str, ...] = ()
    named: bool = False
    unit: UnitName | Literal[""] = ""


#: A measure the reader knows nothing of: no name to tell subjects apart, no unit words.
NO_MEASURE = Measure()
