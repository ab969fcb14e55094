"""Whose figure: the measure's, or another subject's that the note also speaks of.

Officers' notes put several subjects in one sentence: "100% TPO applications & 98.2%
Conservation applications", "2.7 days per FTE, while agency spend fell", "92% of major and 85% of
minor applications". A figure of the other subject judged as the measure's is a false alarm, so
each clause that makes a claim is given a subject by the words it names, with this rule:

1. The first clause of a sentence that makes a claim (a figure, a direction, an attainment) is
   about the measure: the note is written under it.
2. A later clause is about **another subject** when the words that set it apart from the
   clauses before it (words no earlier clause uses) are none of them in the measure's name (its
   short_name and measure_id), or when the word its figure is of (its *label*: the first content
   word after the figure, else before it) is neither in the name nor in an earlier clause:
   "..., and 85% of *minor* applications" under a measure of major ones, "while *agency* spend
   ...", "& 98.2% *Conservation* applications" under a TPO measure. Only content words count:
   function words, periods, units, generic words (figure, rate, performance, target) and words
   of direction or attainment (rose, met) are in :data:`STOP`, so "compared with 96.1% in
   2020/21" and "down from 35" stay with the measure.
3. Two clauses joined as a pair ("X & Y", "X and N% of Y"): the first is about another subject
   too when its label is not in the measure's name and differs from the second's (the measure is
   the second, or neither: "100% TPO applications & 98.2% Conservation applications" under a
   Conservation measure checks only the 98.2%, under a measure of other applications neither).

Words are compared as lower-case stems without a plural s. A clause about another subject is not
judged at all. The rule errs towards silence: a note that names the measure by a synonym the
name does not use ("jobs" for "repairs") in a later clause goes unchecked, never wrongly flagged.
"""

from __future__ import annotations

import re

from perflib.data.claims.parts import Clause, Measure

STOP = frozenset("""
a an the of in on at for to from with by and or but nor as is are was were be been being has have
had do does did not no this that these those it its our their there here which who whom whose what
when where while whereas although though despite compared comparison against versus vs than also
still just only very so such same other another each all both any some more most less least fewer
few much many into out within without about around approximately approx nearly almost over under
above below up down off again further even yet per cent percent percentage point figure rate
level performance result outturn value total overall proportion share measure indicator kpi pi
data position trend target track year quarter month week day period date end start mid ytd since
until ago earlier later previous prior preceding last next first second third fourth final
latest current currently now today annual financial one two three four five six seven eight nine
ten hundred thousand million half rose risen rise rising increase increased increasing grew grown
growth climbed fell fallen fall falling drop dropped decrease decreased decline declined
declining went gone higher lower greater improve improved improvement improving worse worsened
worsening deteriorated deterioration stable steady unchanged flat stayed remain remained
broadly relatively fairly largely roughly met meet meeting exceed exceeded exceeding achieve
achieved achieving reach reached reaching hit hitting beat beaten surpassed miss missed missing
short shy behind ahead slightly narrowly marginally close rated red amber green change changed gap
difference reduction reduced well good strong poor better best worst high low highest lowest
record minus plus population head capita fte pound average averaged score scored out
""".split())
#: Nouns that are units when a measure's name holds them ("Average days to ...": "2.7 days").
UNIT_NOUNS = ("day", "week", "hour", "minute")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def stem(word: str) -> str:
    """A word lower-cased without a plural s, so 'Applications' meets 'application'."""
    w = word.lower().removesuffix("'s").removesuffix("’s")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def stems(text: str) -> frozenset[str]:
    """The content words of a text, as stems (:data:`STOP` words left out)."""
    return frozenset(s for s in (stem(w) for w in _WORD.findall(text))
                     if len(s) > 1 and s not in STOP)


def measure(short_name: str, measure_id: str = "", suffix: str = "") -> Measure:
    """What the reader knows of a measure: the words of its name and the units it is written in."""
    name = frozenset(stem(w) for w in _WORD.findall(f"{short_name} {measure_id.replace('_', ' ')}"))
    units = []
    first = suffix.split()[0] if suffix.split() else ""
    if suffix.lower().startswith("out of"):
        units.append(suffix.lower())
    elif first.isalpha():
        units.append(stem(first))
    units += [u for u in UNIT_NOUNS if u in name and u not in units]
    return Measure(name, tuple(units))


def _label(clause: Clause) -> str:
    """The word a clause's first figure is of: the first content word after it, else before it.

    "85% of *minor* applications", "100% *TPO* applications", "*Voids* 88.0%".
    """
    q = clause.quantities[0]
    after = [stem(w) for w in _WORD.findall(clause.text[q.start + len(q.words):])]
    before = [stem(w) for w in _WORD.findall(clause.text[:q.start])][::-1]
    return next((w for w in after + before if len(w) > 1 and w not in STOP), "")


def mark_others(clauses: list[Clause], name: frozenset[str]) -> None:
    """Set ``elsewhere`` on each clause that is about another subject than the measure."""
    claims = [bool(c.quantities or c.words) and not c.elsewhere for c in clauses]
    if not any(claims):
        return
    lead = claims.index(True)
    words = [stems(c.text) for c in clauses]
    labels = [_label(c) if c.quantities else "" for c in clauses]
    for i in range(lead + 1, len(clauses)):
        if not claims[i]:
            continue
        apart = words[i].difference(*words[:i])
        label = labels[i]
        if apart and not apart & name or label and label not in name.union(*words[:i]):
            clauses[i].elsewhere = True  # rule 2: it names a subject not named before
        partner = i - 1
        if clauses[i].joiner in ("&", "and") and claims[partner] and labels[partner]:
            if labels[partner] not in name and labels[partner] != label:
                clauses[partner].elsewhere = True  # rule 3: the pair's first is another subject
