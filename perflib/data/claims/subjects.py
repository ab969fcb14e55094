"""Whose figure: the measure's, or another subject's that the note also speaks of.

Officers' notes put several subjects in one sentence: "100% TPO applications & 98.2%
Conservation applications", "2.7 days per FTE, while agency spend fell", "92% of major and 85% of
minor applications", "1,107 incidents reported, 12% more than last year". A figure of the other
subject judged as the measure's is a false alarm, so each clause that makes a claim is given a
subject by the words it names, with this rule:

1. The first clause of a sentence that makes a claim (a figure, a direction, an attainment) is
   about the measure, the note being written under it, unless the measure has a short_name and
   the word its figure is of, the first content word after it or else the word right before
   it, is not in that name ("Universal Credit notifications (+14%) *added* to workload" under a
   measure of benefit processing days, "HEF returns *online* 62%" under a canvass response).
2. A later clause is about **another subject** when the words that set it apart from the
   clauses before it (words no earlier clause uses) are none of them in the measure's name (its
   short_name and measure_id), or when the word its figure is of (its *label*: the first
   content word after the figure, else before it) is neither in the name nor in an earlier
   clause:
   "..., and 85% of *minor* applications" under a measure of major ones, "while *agency* spend
   ...", "& 98.2% *Conservation* applications" under a TPO measure.
3. Two clauses joined as a pair ("X & Y", "X and N% of Y"): the first is about another subject
   too when its label is not in the measure's name and differs from the second's (the measure is
   the second, or neither: "100% TPO applications & 98.2% Conservation applications" under a
   Conservation measure checks only the 98.2%, under a measure of other applications neither).
4. A clause that names no subject of its own (no words apart, no label: "12% more than last
   year") carries on the subject of the claim before it: another subject's, or, beside a
   percentage or a rate, the count the clause before gave ("1,107 incidents reported").
5. A clause that names a part of the measure's subject, a word not in the name right before
   one that is ("*short-term* absence 3.3 days", "*major* voids", "*garden* waste"), is about
   that part (for a measure with a short_name).

Only content words count: function words, periods, units, generic words (figure, rate,
performance, target) and words of direction or attainment (rose, met) are in :data:`STOP`, so
"compared with 96.1% in 2020/21" and "down from 35" stay with the measure. Words are compared as
stems (:func:`stem`: "inspected" meets "inspections"). A clause about another subject is not
judged at all. The rule errs towards silence: a note that names the measure only by a word its
name does not use ("jobs" for "repairs") goes unchecked, never wrongly flagged.
"""

from __future__ import annotations

import re
from typing import Literal

from perflib import units
from perflib.data.claims.parts import Clause, Measure
from perflib.units import UnitName

_STOP_WORDS = ("""
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
record minus plus population head capita fte pound average averaged score scored out working
calendar small large slight significant big service little far due new budget
allocation recovered slipped dipped stood tgt totalled overspend underspend deficit surplus
shortfall spend spent hh pop avg zero nil
""".split())
#: Nouns that are units when a measure's name holds them ("Average days to ...": "2.7 days").
UNIT_NOUNS = ("day", "week", "hour", "minute")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_BRACKETS = re.compile(r"\([^()]*\)?")
#: What is left of an adverb without its -ly: "comfortab(ly)", "significant(ly)".
_ADVERB = re.compile(r"(?:ab|ib|al|ant|ent|ous|iv|ful|ed)$")
_DOUBLED = re.compile(r"([b-df-hj-np-rtv-z])\1$")


def singular(word: str) -> str:
    """A word lower-cased without a plural s or a possessive."""
    w = word.lower().removesuffix("'s").removesuffix("’s").rstrip("'’")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def stem(word: str) -> str:
    """A crude stem, so that 'Inspections' meets 'inspected' and 'lettings' meets 'let'.

    Enough to compare a note's words with a measure's name; not a linguist's stemmer.
    """
    w = singular(word)
    if len(w) > 5 and w.endswith("ly"):
        w = w[:-2]  # "accurately" meets "accurate"
        if _ADVERB.search(w):
            return ""  # "comfortably", "significantly": how, never what
    for suffix, keep in (("ment", 4), ("ing", 3), ("ion", 3), ("ed", 3)):
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            w = _DOUBLED.sub(r"\1", w[:-len(suffix)])
            break
    return w[:-1] if len(w) > 4 and w.endswith("e") else w


STOP = frozenset(stem(w) for w in _STOP_WORDS)


def content(word: str) -> bool:
    """Whether a stem can name a subject: not a :data:`STOP` word (nor an adverb, stemmed to '')."""
    return len(word) > 1 and word not in STOP


def stems(text: str) -> frozenset[str]:
    """The content words of a text, as stems."""
    return frozenset(s for s in (stem(w) for w in _WORD.findall(text)) if content(s))


def measure(short_name: str, measure_id: str = "", suffix: str = "",
            unit: UnitName | Literal[""] = "") -> Measure:
    """What the reader knows of a measure: the words of its name and the units it is written in."""
    name = frozenset(stem(w) for w in _WORD.findall(f"{short_name} {measure_id.replace('_', ' ')}"))
    singulars = {singular(w) for w in _WORD.findall(short_name)}
    units = []
    first = suffix.split()[0] if suffix.split() else ""
    if suffix.lower().startswith("out of"):
        units.append(suffix.lower())
    elif first.isalpha():
        units.append(singular(first))
    units += [u for u in UNIT_NOUNS if u in singulars and u not in units]
    return Measure(name, tuple(units), bool(short_name.strip()), unit)


def said_of_next(after: str, measure: Measure) -> bool:
    """Whether a direction word is said of the noun right after it, not of the measure.

    "Actions include *increased patrols*", "*improved access* to ...", "*reduced hours*": the
    word qualifies another subject. A word of the measure's name after it ("improved collection
    rates" under council tax collection), an adverb ("rose sharply") or a function word ("fell
    by", "rose in Q2") leaves it the measure's.
    """
    m = re.match(r"\s?([A-Za-z][A-Za-z']*)", after)
    if not m or not measure.named:
        return False
    word = stem(m.group(1))
    return content(word) and word not in measure.name


def _label(clause: Clause, measure: Measure, before: str = "any") -> str:
    """The word a clause's first figure is of: the first content word after it, else before it.

    "85% of *minor* applications", "100% *TPO* applications", "*Voids* 88.0%". The figure is
    the first that could be the measure's by its unit (money beside a percentage is context:
    "£125k spent out of a £500k budget (25%)" is labelled by the 25%). ``before="next"`` takes
    only the word right before the figure ("HEF returns *online* 62%", not "*membership* rose
    from 19").
    """
    money = units.get(measure.unit).said == "money"
    own = [q for q in clause.quantities if money or q.kind != "money"]
    if not own:
        return ""
    q = own[0]
    end = next((x.start for x in clause.quantities if x.start > q.start + len(q.words) - 1),
               len(clause.text))  # up to the next figure: "£1.9m against £2.1m budget"
    after = _BRACKETS.sub(" ", clause.text[q.start + len(q.words):end])  # "(447 of 489)" aside
    words = [stem(w) for w in _WORD.findall(after)]
    preceding = [stem(w) for w in _WORD.findall(clause.text[:q.start])][::-1]
    words += preceding if before == "any" else preceding[:1]
    return next((w for w in words if content(w)), "")


def _volume(clause: Clause, measure: Measure) -> bool:
    """Whether a clause opens with a count of something beside a percentage or a rate."""
    return units.get(measure.unit).base is not None and bool(clause.quantities) and \
        clause.quantities[0].standalone


def mark_others(clauses: list[Clause], measure: Measure) -> None:
    """Set ``elsewhere`` on each clause that is about another subject than the measure."""
    claims = [bool(c.quantities or c.words) and not c.elsewhere for c in clauses]
    if not any(claims):
        return
    name = measure.name
    lead = claims.index(True)
    words = [stems(c.text) for c in clauses]
    labels = [_label(c, measure) for c in clauses]
    first = _label(clauses[lead], measure, before="next")
    other = [False] * len(clauses)
    other[lead] = measure.named and bool(first) and first not in name  # rule 1
    previous = lead
    for i in range(lead + 1, len(clauses)):
        if not claims[i]:
            continue
        apart = words[i].difference(*words[:i])
        label = labels[i]
        if apart and not apart & name or label and label not in name.union(*words[:i]):
            other[i] = True  # rule 2: it names a subject not named before
        elif not apart and not label and (other[previous] or _volume(clauses[previous], measure)):
            other[i] = True  # rule 4: it carries on the subject of the claim before it
        partner = i - 1
        if clauses[i].joiner in ("&", "and") and claims[partner] and labels[partner]:
            if labels[partner] not in name and labels[partner] != label:
                other[partner] = True  # rule 3: the pair's first is another subject
        previous = i
    for i, c in enumerate(clauses):
        if claims[i] and measure.named and _subset(c.text, name):
            other[i] = True  # rule 5: "short-term absence", "major voids"
    for c, o in zip(clauses, other, strict=True):
        c.elsewhere = c.elsewhere or o


def _subset(text: str, name: frozenset[str]) -> bool:
    """Whether the text names a part of the measure's subject.

    That is a word that is not in the name right before one that is: "*short-term* absence"
    under "sickness absence".
    """
    words = [stem(w) for w in re.findall(r"[A-Za-z][A-Za-z']*|\S", text)]
    return any(a not in name and content(a) and a.isalpha() and b in name and content(b)
               for a, b in zip(words, words[1:], strict=False))
