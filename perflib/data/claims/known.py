"""Every figure a claim may be: each period's, and what follows from the table's two.

A figure in a sentence is matched on the measure's absolute scale (£125k is 125,000 whether the
measure holds 125 in thousands or 125000 in pounds) and within the rounding both the text and
the data allow. Each known figure says what it is (``what``), so a finding can name the reading
under which the text agrees with the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from perflib import units
from perflib.data.claims.figures import Figures
from perflib.data.claims.parts import Quantity

#: What a recorded fact is called: true of any measure, so never a coincidence.
FACT = "a recorded fact"


@dataclass(frozen=True)
class Known:
    """A figure a claim may be, as an interval on the measure's absolute scale.

    ``period`` is None for a target, a change, a gap or a fact: true whatever the period.
    ``size`` marks a change or gap, always written as a size (a fall of 5, not of −5), and
    ``below`` whether it is a fall or a shortfall.
    """

    kind: str
    lo: float
    hi: float
    period: str | None
    what: str
    size: bool = False
    below: bool = False


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


def value_kind(f: Figures) -> str:
    """The kind of quantity the measure's own figure is written as."""
    return units.get(f.unit).said


def known(f: Figures) -> list[Known]:
    """Every figure a claim may be: each period's, and what follows from the table's two."""
    pct = units.get(f.unit).percent
    scale = f.magnitude
    h = f.shape.half * scale  # rounded figures may lie half a digit off; whole counts are exact
    vkind = value_kind(f)
    out: list[Known] = []

    def add(kind: str, v: float | None, half: float, period: str | None, what: str) -> None:
        if v is not None:
            out.append(Known(kind, v - half, v + half, period, what))

    def derived(kind: str, a, ha, b, hb, op: str, what: str, plain: bool = False) -> None:
        if a is not None and b is not None:
            iv = _interval(a, ha, b, hb, op)
            if iv:
                d = a - b if op == "diff" else 100.0 * (a / b - 1) if b else 0.0
                amount = f"{abs(d):.1f}%" if kind == "percent" else \
                    f"{abs(d):.1f} points" if kind == "points" else \
                    f"{abs(d):,.0f}" if plain else f.fmt(abs(d) / scale)
                way = "rise" if d > 0 else "fall" if d < 0 else "change"
                out.append(Known(kind, iv[0], iv[1], None, what.format(amount=amount, way=way),
                                 size=True, below=d < 0))

    for period, p in f.periods.items():
        add(vkind, None if p.value is None else p.value * scale, h, period, f"the {period} value")
        add("number", p.numerator, 0.0, period, f"the {period} numerator")
        add("number", p.denominator, 0.0, period, f"the {period} denominator")
        if pct and p.numerator is not None and p.denominator:
            add("percent", 100.0 * p.numerator / p.denominator, 0.0, period, f"{period} n/d")
    v = None if f.value is None else f.value * scale
    prev = None if f.previous is None else f.previous * scale
    t = None if f.target is None else f.target * scale
    add(vkind, t, 0.0, None, f"the target ({f.fmt(f.target, f.target_decimals)})")
    diff_kind = "points" if pct else vkind
    last = f.previous_year
    derived(diff_kind, v, h, prev, h, "diff", f"the {{way}} of {{amount}} on {last}")
    derived(diff_kind, v, h, t, 0.0, "diff", "the gap of {amount} to the target")
    derived("percent", v, h, prev, h, "ratio", f"the {{way}} of {{amount}} on {last}")
    derived("percent", v, h, t, 0.0, "ratio", "the gap of {amount} to the target")
    if not pct and v is not None and t:  # "£125k of £150k (83%)": the share of the target
        add("percent", 100.0 * v / t, 100.0 * h / abs(t), None, "the share of the target reached")
    for name, now, before in (("numerator", f.numerator, f.previous_numerator),
                              ("denominator", f.denominator, f.previous_denominator)):
        derived("number", now, 0, before, 0, "diff", f"the change in the {name} ({{amount}})",
                plain=True)
        derived("percent", now, 0, before, 0, "ratio", f"the change in the {name} ({{amount}})")
    for x in f.facts:
        add("percent", x, 0.0, None, FACT)
        add("number", x, 0.0, None, FACT)
    return out


def readings(q: Quantity, f: Figures) -> list[float]:
    """The values a figure may stand for, by the sign the text gives it.

    A measure that may go below zero is often written by its size: "minus 28" and "−28" are
    −28; "28 days behind" is −28 and "28 days ahead" is 28; a bare "28 days" may be either.
    """
    if q.signed or not f.may_be_negative:
        return [q.value]
    if q.sense == "behind":
        return [-abs(q.value)]
    if q.sense == "ahead":
        return [abs(q.value)]
    return [q.value, -q.value]


def matches(q: Quantity, figures: Iterable[Known], f: Figures) -> list[Known]:
    """The known figures a quantity may be (a change or gap is matched by its size).

    For a measure that may go below zero the side matters too: "28 days ahead of target" is not
    a shortfall of 28 days.
    """
    eps = 1e-9 * max(1.0, abs(q.value))
    values = readings(q, f)
    out = []
    for k in figures:
        if k.kind != q.kind:
            continue
        if k.size and f.may_be_negative and q.sense and (q.sense == "behind") != k.below:
            continue
        for v in ([abs(q.value)] if k.size else values):
            if v + q.half + eps >= k.lo and v - q.half - eps <= k.hi:
                out.append(k)
                break
    return out
