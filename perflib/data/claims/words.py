"""The words the reader looks for: direction, attainment, steadiness, absence, other subjects.

Each pattern is a judgement about council prose, kept here so that the reader (:mod:`.read`)
stays about structure: which figure and which period a word belongs to.
"""

from __future__ import annotations

import functools
import re

_COMP_THAN = r"\s+than\s+(?:in\b|last\b|the previous\b|a year\b|at\b|\d{4}/\d{2}|the year before)"

#: (sense, pattern): what a clause says happened to the measure.
DIRECTION: list[tuple[str, re.Pattern]] = [
    ("up", re.compile(r"\b(?:rose|risen|rise|rises|rising|increased|increases|grew|grown|"
                      r"climbed|went up|gone up)\b")),
    ("up", re.compile(r"\bincrease\s+(?:on|from|of)\b")),
    ("up", re.compile(r"\bup\s+(?=from\b|on\b|by\b|\d)")),
    ("up", re.compile(rf"\b(?:higher|more|greater){_COMP_THAN}")),
    ("down", re.compile(r"\b(?:fell|fallen|falls|falling|dropped|drops|decreased|decreases|"
                        r"declined|declines|went down|gone down)\b(?!\s+short)")),
    ("down", re.compile(r"\b(?:fall|drop|decrease|decline|reduction)\s+(?:on|from|of)\b")),
    ("down", re.compile(r"\bdown\s+(?=from\b|on\b|by\b|\d)")),
    ("down", re.compile(rf"\b(?:lower|fewer|less){_COMP_THAN}")),
    ("up", re.compile(r"^\W*(?:The|This)\s+(?:rise|increase|growth)\b")),
    ("down", re.compile(r"^\W*(?:The|This)\s+(?:fall|drop|decline|decrease|reduction)\b")),
    ("better", re.compile(r"\b(?:improved|improvement|improving|improves)\b")),
    ("worse", re.compile(r"\b(?:worsened|worsening|deteriorated|deterioration|worse than)\b")),
]
#: A measure named as a change in something ("Reduction in vehicle crime", "% change in ...").
#: Its subject moves the other way to it, so "a rise in vehicle crime" is not the measure rising:
#: a direction word is the measure's only in a clause that names the change itself.
CHANGE = re.compile(r"\b(reduction|decrease|increase|change|growth)s?\b", re.I)
#: Words that say the measure did not move (a warning beside a change over the threshold).
STABLE = re.compile(r"\b(?:(?:broadly|relatively|fairly|largely|roughly)\s+)?"
                    r"(?:stable|steady|unchanged|flat|stabilised|stabilized|"
                    r"(?:stayed|remained)\s+the\s+same)\b", re.I)
NEGATED = re.compile(r"\b(?:not|no|never|nor|n't|neither)\b[^,;]{0,20}$")
#: A direction word governed by these is a plan or a possibility, not a claim.
MODAL = re.compile(r"\b(?:to|will|would|should|may)\s+$")

_TARGET = r"(?:the\s+|its\s+|our\s+|this\s+|their\s+)?(?:\S+\s+)?target"
SOFT = re.compile(rf"\b(?:just|slightly|narrowly|marginally|fractionally|only just|a little)\s+"
                  rf"(?:short\s+of|shy\s+of|below|under|missed|off|behind)\s+{_TARGET}"
                  r"|\b(?:almost|nearly|close\s+to)\s+(?:met|meeting|achieved|reaching|reached|"
                  rf"hitting)?\s*{_TARGET}", re.I)
MET = re.compile(rf"\b(?:met|meets|meeting|exceeded|exceeds|exceeding|achieved|achieving|reached|"
                 rf"hit|hitting|beat|beaten|surpassed)\s+{_TARGET}|\bon\s+target\b"
                 r"|\btarget\s+(?:was\s+|has\s+been\s+)?(?:met|achieved|exceeded|reached)\b", re.I)
MISS = re.compile(rf"\b(?:missed|missing|short\s+of|shy\s+of|behind|off)\s+{_TARGET}"
                  rf"|\b(?:not|never)\s+(?:meet|met|achieve|achieved|reach|reached)\s+{_TARGET}",
                  re.I)
ABOVE = re.compile(rf"\b(?:above|over|higher than)\s+{_TARGET}", re.I)
BELOW = re.compile(rf"\b(?:below|under|lower than)\s+{_TARGET}", re.I)
RATED = re.compile(r"\brated\s+(?:as\s+)?(Red|Amber|Green)\b", re.I)

#: Words that say the measure has no figure for a period ("No figure is available for 2021/22").
ABSENT = re.compile(
    r"\bno\s+(?:new\s+|current\s+|up-to-date\s+|published\s+)?(?:figure|data)\b"
    r"(?!\s+(?:on|about)\b|\s+for\s+(?!\d{4}/\d{2}|this\b|the\s+year\b|last\b))"
    r"|\b(?:figures?|data|it|this|the\s+measure)\s+(?:is|was|were|are|has|have|had)\s+"
    r"(?:not|never)\s+(?:yet\s+)?(?:been\s+)?(?:available|collected|published|measured)\b"
    r"|\b(?:figure|data)\s+(?:is|was|are|were)\s+unavailable\b", re.I)

#: A clause with any of these is about another subject or time, so nothing in it is checked.
#: A portfolio adds the names of the areas its commentary compares with (portfolio.yaml's
#: ``comparison_areas``), so no council's region is written here.
ELSEWHERE_WORDS = (
    r"national(?:ly)?|AVERAGE|England|UK|regional|benchmark|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"month|months|monthly|quarterly|year to date|week|weekly|"
    r"would|could|might|expected|expect|forecast|projected|aim|aims|will|intended|hope[sd]?|next|"
    r"plan(?:s|ned)?")


#: "average" is another area's figure ("the national average", "the average for England"), except
#: as the measure's own figure: "an average of 2.7 days", "on average".
_AVERAGE = r"(?<!an\s)(?<!on\s)average(?!\s+of\s+[−-]?\d)"


@functools.lru_cache(maxsize=64)
def elsewhere(areas: tuple[str, ...] = ()) -> re.Pattern:
    """The words that put a clause about another subject, place or time."""
    extra = "".join(f"|{re.escape(a)}" for a in areas)
    return re.compile(rf"\b(?:{ELSEWHERE_WORDS.replace('AVERAGE', _AVERAGE)}{extra})\b")


#: A calendar year (2014) rather than a financial year (2014/15): the data holds only the latter.
CALENDAR_YEAR = re.compile(r"(?<![\d/-])(?:19|20)\d{2}(?![\d/]|-\d{2}(?!\d))")
#: Words that make a figure beside them a change, a gap, a comparison or a target rather than the
#: value itself: a figure in a clause without them is *presented as the value* (see judge).
RELATION = re.compile(
    r"\b(?:by|up|down|rise[sn]?|rising|rose|falls?|fallen|falling|fell|increase[ds]?|decrease[ds]?|"
    r"drop(?:s|ped)?|declin\w*|grow(?:s|n|th|ing)?|grew|climb\w*|change[ds]?|gap|short|more|fewer|less|"
    r"higher|lower|above|below|over|under|behind|ahead|target\w*|tgt|budget\w*|allocation|"
    r"improve\w*|reduc\w*|"
    r"difference|against|compared|comparison|than|versus|vs|points?|on\s+last|from|swing)\b", re.I)
#: For a percentage, these name a count (calls received, the number of ...), not the rate.
VOLUME = re.compile(r"\b(?:number of|numbers|received|volume|demand)\b", re.I)
#: Before a year, these make it a comparison ("up from ... in 2019/20"), not the year reported on.
CUE = re.compile(r"\b(?:than|from|compar(?:e|es|ed|ing|ison)|since|on|against|versus|vs|below|above|up|"
                 r"down|rose|fell|last|previous|earlier|before|after|started|began|restated|latest)\b",
                 re.I)
#: Between a clause's start and a period, these make the period the one compared with.
COMPARED = re.compile(r"\b(?:than|from|compar(?:e|es|ed|ing|ison)|against|versus|vs|since|on|up|down|"
                      r"rose|fell|increased|decreased|improvement|improved|worsened|restated)\b",
                      re.I)
