"""Claims judged: each claim the reader found held against that period's figure for the measure.

* a **figure** must be the figure of the period the sentence gives it (or a change, gap or target
  worked out from the figures, or a recorded fact). Another period's figure presented as this
  period's, or two periods' figures swapped, is an error naming both periods and both figures; a
  figure that is no period's figure is a warning (correct it, or record it in facts.csv), and so
  is one given as the value that equals only a change, a gap or the target (a coincidence: the
  text or the data is wrong). Whether a figure can be the measure's at all is its unit's to say
  (:func:`_of_measure`: money, rates, days, parts);
* **words of direction** (rose, fell, improved) must agree with the trend; improvement or worsening
  words beside a Stable trend, and "stable" beside a change over the threshold, are warnings;
* **words of attainment** (met, exceeded, below target, just short of, rated Green) must agree
  with the rating;
* **"no figure"** or **"not collected"** said of a period must not sit beside a figure for it;
* the text must not present another year as the report year (last year's text copied forward).

Severity: ``error`` where the text and the data cannot both be right; ``warning`` where a person
should look.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from perflib import rules, units
from perflib.data import periods as period_labels
from perflib.data.claims import words as w
from perflib.data.claims.figures import ERROR, WARNING, Figures, Severity
from perflib.data.claims.known import FACT, Known, matches, value_kind
from perflib.data.claims.known import known as known
from perflib.data.claims.parts import Clause, Quantity, Sentence, When, Word

#: find(severity, finding, words, data_says, fix): record one finding on the current line
Find = Callable[[Severity, str, str, str, str], None]


def resolve(when: When, f: Figures) -> str | None:
    """The period label a claim is about, or None when the text gives no period the data can hold."""
    if when.kind == "default":
        return f.current
    if when.kind == "this":
        return f.report_year
    if when.kind in ("last", "back"):
        year = f.report_year
        for _ in range(when.quarter if when.kind == "back" else 1):
            year = period_labels.previous_year(year) if year else ""
        return year or None
    if when.kind == "year":
        return when.year
    if when.kind == "latest":
        years = [p for p, x in f.periods.items() if x.value is not None
                 and period_labels.YEAR_RE.match(p)]
        return max(years) if years else f.year
    if when.kind == "quarter":
        return period_labels.quarter_label(when.year or f.report_year, when.quarter)
    return None  # "the previous quarter" with no quarter to count back from


def _latest(periods: set[str]) -> str:
    return sorted(periods)[-1]


# ---------------------------------------------------------------- figures

_EARLIER = "an earlier period"


@dataclass(frozen=True)
class _Stale:
    """A figure of period ``actual`` that the sentence gives as period ``said``'s."""

    words: str
    said: str
    actual: str


def judge_figures(sentence: Sentence, f: Figures, figures: list[Known], find: Find) -> None:
    """Each figure against the figure of its period; a pair given the wrong way round is one error."""
    stale: list[_Stale] = []
    for clause in sentence.clauses:
        if clause.elsewhere:
            continue
        groups: dict[int, list[Quantity]] = {}
        for q in clause.quantities:
            if _of_measure(q, f):
                groups.setdefault(q.group, []).append(q)
        for group in groups.values():
            verdict = _judge_group(group, clause, f, figures, find)
            if verdict:
                stale.append(verdict)
    while stale:
        a = stale.pop(0)
        twin = next((b for b in stale if b.said == a.actual and b.actual == a.said), None)
        if twin is not None:
            stale.remove(twin)
            find(ERROR, f"the {a.said} and {a.actual} figures are the wrong way round: the text "
                 f"gives {a.words} for {a.said} and {twin.words} for {a.actual}",
                 f"{a.words} … {twin.words}",
                 f"{a.said}: {f.printed(a.said)}; {a.actual}: {f.printed(a.actual)}",
                 "swap the two figures, or correct the years")
        elif a.said == _EARLIER:
            find(ERROR, f"the figure is {a.actual}'s ({f.printed(a.actual)}), but the sentence "
                 "presents it as an earlier period's, the point the change started from",
                 a.words, f.summary(), f"give the earlier figure, or say it is for {a.actual}")
        else:
            find(ERROR, f"the figure is {a.actual}'s ({f.printed(a.actual)}), but the sentence "
                 f"presents it as {a.said}'s ({f.printed(a.said)})", a.words, f.summary(),
                 f"use the {a.said} figure or say it is for {a.actual}")


def _of_measure(q: Quantity, f: Figures) -> bool:
    """Whether a figure can be the measure's at all, by how it is written and the measure's unit.

    Money is the measure's only when the measure is money (and the sum is near the size of its
    figures: "a £14.2m net budget" beside a £125k variance, "£78 each" beside £1.2m of income,
    are context) or the text writes it as a pair ("£52.1m of £54.3m"), then held against the
    numerator and denominator; a percentage *of*
    something only for a percentage (beside a count it is a part of it); a figure with a
    rate's base only for a rate with that base. Which of the rest can be its figure (a number
    written in days, an average or a bare decimal, a count of something) is its unit's to say
    (:class:`perflib.units.Unit`'s ``worded``, ``decimal`` and ``counted``).
    """
    unit = units.get(f.unit)
    if q.kind == "money":
        return unit.said == "money" and _near(q.value / f.magnitude, f) or q.tied
    if q.share and not unit.percent:
        return False  # "gym 35% of visits": a part of the figure, not a change in it
    if q.base is not None:
        return unit.base == "per" and (f.per is None or math.isclose(q.base, f.per))
    if q.unit in ("bare", "average"):
        return unit.decimal
    if q.unit:
        return unit.worded
    if q.standalone and unit.counted == "no":
        return False
    if q.standalone and unit.counted == "near":
        return _near(q.value, f)
    return True


def _near(v: float, f: Figures) -> bool:
    """Whether a figure is within ten times the size of the measure's largest (held as held)."""
    held = [abs(x.value) for x in f.periods.values() if x.value] + [abs(f.target or 0)]
    return max(held) / 10 <= abs(v) <= max(held) * 10


def _pair_owners(group: list[Quantity], f: Figures) -> set[str]:
    """The periods whose numerator and denominator the two figures of an "X of Y" are.

    Money may be held in pounds, thousands or millions, so a pair of money is tried at each.
    """
    scales = (1.0, 1e3, 1e6) if group[0].kind == "money" else (1.0,)
    out = set()
    for p, x in f.periods.items():
        if x.numerator is None or x.denominator is None:
            continue
        for s in scales:
            if all(abs(q.value - v * s) <= q.half + 1e-9 * max(1.0, abs(q.value))
                   for q, v in zip(group, (x.numerator, x.denominator), strict=True)):
                out.add(p)
    return out


def _judge_group(group: list[Quantity], clause: Clause, f: Figures, figures: list[Known],
                 find: Find) -> _Stale | None:
    """One figure (or the two of an "X of Y"): fine, not the measure's, or another period's."""
    first = group[0]
    earlier = first.when.kind == "earlier"
    said = f.previous_year if earlier else resolve(first.when, f)
    if not earlier and not f.held(said):
        return None  # a period the data does not hold: nothing to check it against
    if len(group) == 2:  # "X of Y" against each period's numerator and denominator
        owners = _pair_owners(group, f)
        if owners:
            return _verdict(first.words, said, owners, earlier, f)
        fractions = any(x.numerator is not None and x.denominator is not None
                        for x in f.periods.values())
        unit = units.get(f.unit)
        if first.kind == "money" and unit.said != "money" or (not fractions and not unit.whole):
            return None  # the data holds no fraction to hold the pair against
    hits = [matches(q, figures, f) for q in group]
    if any(not h for h in hits):
        if first.standalone and units.get(f.unit).percent:
            return None  # a count of some activity beside a rate; the data holds only its fraction
        flipped = replace(first, sense={"behind": "ahead", "ahead": "behind"}.get(first.sense, ""))
        if len(group) == 1 and f.may_be_negative and flipped.sense and \
                matches(flipped, figures, f):
            side = "behind or below" if first.sense == "ahead" else "ahead or above"
            find(WARNING, f"the text gives the figure's size but the wrong side: the data says "
                 f"{side}", first.words, f.summary(), "correct the side, or correct the figure")
            return None
        find(WARNING, "the figure is not one of the measure's figures", first.words, f.summary(),
             "correct it, or record it in facts.csv if it is right")
        return None
    if len(group) == 1 and not earlier and _presented_as_value(first, clause, f) \
            and _coincidence(first, said, hits[0], f, find):
        return None
    for h in hits:
        if not any(k.period is None or k.period == said for k in h):
            return _verdict(first.words, said, {k.period for k in h if k.period}, earlier, f)
    return None


def _presented_as_value(q: Quantity, clause: Clause, f: Figures) -> bool:
    """Whether the text gives a figure as the measure's value.

    It is in the value's own kind, with no word that makes it a change, a gap or a target
    ("by", "down", "short of", "target") in its clause.
    """
    return q.kind == value_kind(f) and not clause.related


def _coincidence(q: Quantity, said: str | None, hits: list[Known], f: Figures,
                 find: Find) -> bool:
    """A figure given as the value that is not the period's value but equals another reading.

    Equal to a change, a gap or the target, it passed before only by coincidence, and the
    checker cannot tell whether the text or the data is wrong: a warning naming every reading.
    (Equal only to another period's figure, it is stale text: an error, found by the caller.)
    """
    if said is None or any(k.period == said or k.what == FACT for k in hits):
        return False
    if not any(k.period is None for k in hits):
        return False
    readings = [k.what for k in hits if k.period is None] + [
        f"the {k.period} figure ({f.printed(k.period)})" for k in hits if k.period]
    find(WARNING, f"the text gives '{q.words}' as the {said} figure, which is "
         f"{f.printed(said)}; that is {' or '.join(dict.fromkeys(readings))}, so it agrees with "
         "the data only by coincidence: either the text or the data is wrong", q.words, f.summary(),
         "correct the figure, or say what it is (the change, the gap or the target)")
    return True


def _verdict(words: str, said: str | None, owners: set[str], earlier: bool,
             f: Figures) -> _Stale | None:
    if said in owners:
        return None
    if earlier:  # "up from X": any period but the one the change runs to
        if owners - {f.year}:
            return None
        return _Stale(words, f.previous_year or _EARLIER, f.year)  # by default, last year's
    if said is None:  # never: a figure said of no period the report holds is not judged
        return None
    if f.figure(said).value is None and any(o.startswith(f"{said} ") for o in owners):
        return None  # a year not yet complete: its latest quarter's figure is the year so far
    return _Stale(words, said, _latest(owners))


# ---------------------------------------------------------------- words

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


def _about_now(clause: Clause, word: Word, f: Figures) -> bool:
    """Whether a word speaks of the measure's current period (words about another are not judged)."""
    if clause.elsewhere or word.when.kind == "quarter":
        return False
    for m in clause.mentions:
        if m.role != "span" and not f.held(resolve(m, f)):
            return False  # about a period the data does not hold
    return resolve(word.when, f) in (f.year, f.report_year)


def judge_words(clause: Clause, f: Figures, find: Find) -> None:
    """Direction, steadiness and attainment words against the trend and the rating.

    Under a measure named as a change ("Reduction in vehicle crime") a direction word is judged
    only in a clause that names that change ("the reduction fell"): "a rise in vehicle crime"
    is of the thing it changes, which moves the other way.
    """
    up, better = _movement(f)
    change = w.CHANGE.search(f.short_name)
    of_change = change is None or re.search(rf"\b{change.group(1)}", clause.text, re.I)
    for word in clause.words:
        if word.kind == "absent":
            if not any(m.role == "span" for m in clause.mentions):  # not "before 2020/21"
                _judge_absent(word, f, find)
        elif not _about_now(clause, word, f):
            continue
        elif word.kind in ("up", "down", "better", "worse", "stable"):
            if of_change and not (units.get(f.unit).percent and clause.volume):
                _judge_direction(word, f, up, better, find)
        else:
            _judge_attainment(word, f, find)


def _judge_absent(word: Word, f: Figures, find: Find) -> None:
    period = resolve(word.when, f)
    if period and f.figure(period).value is not None:
        find(ERROR, f"the text says there is no figure for {period}, but the data has "
             f"{f.printed(period)}", word.words, f.summary(),
             "delete the sentence, or correct the figure")


def _judge_direction(word: Word, f: Figures, up: bool | None, better: bool | None,
                     find: Find) -> None:
    if word.lead_count and units.get(f.unit).percent:
        return  # "up from 161 ...": a count of something else, not this rate
    compared = resolve(word.compared, f) if word.compared else None
    other = f.figure(compared) if compared else None
    if compared and other is not None and compared not in (f.year, f.previous_year) \
            and other.value is not None and f.value is not None:
        up = None if f.value == other.value else f.value > other.value
        better = None if up is None or f.polarity not in ("High", "Low") else \
            up == (f.polarity == "High")
        against, trend = compared, "the value"
    else:
        against, trend = f.previous_year, f.trend or "the value"
    data = (f"{trend}: {f.fmt(f.value)} in {f.year} against {f.fmt(f.figure(against).value)} "
            f"in {against}")
    if word.kind == "stable":
        if against == f.previous_year and f.trend in (rules.BETTER, rules.WORSE):
            find(WARNING, f"the text calls the measure stable, but it changed by more than "
                 f"{f.stable_threshold:.0%} ({f.trend})", word.words, data,
                 "say how it changed, or correct the figures")
        return
    said = {"up": up, "down": None if up is None else not up,
            "better": better, "worse": None if better is None else not better}[word.kind]
    if said is False:
        moved = {"up": "went up", "down": "went down", "better": "got better",
                 "worse": "got worse"}[word.kind]
        find(ERROR, f"the text says the measure {moved}, but it did not", word.words, data,
             "reword to match the trend, or correct the figures")
    elif word.kind in ("better", "worse") and against == f.previous_year \
            and f.trend == rules.STABLE:
        find(WARNING, f"the text says the measure got {word.kind}, but its trend is Stable (a "
             f"change under {f.stable_threshold:.0%})", word.words, data,
             "say it was broadly unchanged, or correct the figures")


def _judge_attainment(word: Word, f: Figures, find: Find) -> None:
    rule, rating = f.rule_rating, f.rating
    if not rule and not rating:
        return
    data = f"{f.fmt(f.value)} against a target of {f.fmt(f.target, f.target_decimals)}: " \
           f"{rule or 'no rating'} by the rule" + (f", published {rating}" if rating != rule else "")
    high = f.polarity == "High"
    kind = {"above": "met" if high else "miss", "below": "miss" if high else "met"}.get(
        word.kind, word.kind)
    if kind == "rated":
        if rating and word.colour != rating:
            find(ERROR, f"the text says the measure is rated {word.colour}, but it is rated {rating}",
                 word.words, data, "match the rating in the table, or correct the council's "
                 "rating (observations.csv's published_rating)" if f.own_ratings else
                 "match the rating in the table, or record an override")
    elif kind == "met" and rules.GREEN not in (rule, rating) and (rule or rating):
        find(ERROR, f"the text says the target was met, but the measure is rated {rating or rule}",
             word.words, data, "say the target was missed, or correct the figures")
    elif kind == "met" and rule == rules.GREEN and rating and rating != rules.GREEN:
        find(WARNING, f"the text says the target was met, but the published rating is {rating}",
             word.words, data, "explain the rating beside the claim")
    elif kind in ("miss", "soft") and rule == rules.GREEN:
        find(ERROR, "the text says the target was missed, but the figure is on or better than "
             "target", word.words, data, "say the target was met, or correct the figures")
    elif kind == "soft" and rules.RED in (rule, rating):
        find(WARNING, "the wording reads softer than the rating: the figure is Red, more than the "
             "Amber tolerance off target", word.words, data, "say plainly that the target was missed")


# ---------------------------------------------------------------- the report year

def _start(year: str) -> int:
    return int(year[:4]) if year[:4].isdigit() else 0


_REVISED = re.compile(r"\b(?:restated|revised|corrected|updated)\b", re.I)


def judge_years(sentence: Sentence, f: Figures, find: Find) -> None:
    """A year named as the one reported on must be the report's (copied-forward text names last).

    A sentence that also names this year is comparing the two, and one saying a year's figure
    was revised or is missing is about that year: neither is text copied forward.
    """
    said = {resolve(m, f) for c in sentence.clauses for m in c.mentions if m.kind != "latest"}
    absent = {resolve(w.when, f) for c in sentence.clauses for w in c.words if w.kind == "absent"}
    if said & {f.year, f.report_year} or _REVISED.search(sentence.text):
        return
    for y in sentence.years:
        if y.year in (f.year, f.report_year) or _start(y.year) > _start(f.report_year) \
                or y.year in absent:
            continue  # this year, or a plan for a later one
        if y.latest and f.value is not None and _start(y.year) < _start(f.year):
            find(ERROR, f"the text gives {y.year} as the latest year, but the latest figure is for "
                 f"{f.year}", y.words, f.summary(), f"update the sentence to {f.year}")
        elif not y.latest and not y.cued:
            find(ERROR, f"the text names {y.year} as the year reported on; this report is for "
                 f"{f.report_year}", sentence.text[:80], f.summary(),
                 "update the text for this year, or make the comparison explicit")
