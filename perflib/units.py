"""What a measure's unit decides, in one table: every place that once asked ``unit == ...`` asks here.

A unit decides a measure's range (below 0? above 100? whole?), how its figure is printed, how a
year follows from its quarters and months, how its year-to-date target runs, its chart axis, its
data return's cell check and what the commentary checker reads as its figure (a per cent or a
number, to half its last printed digit, in the scale the text writes it: :attr:`Style.half`,
:attr:`Style.factor`). :data:`UNITS`
holds one :class:`Unit` per name; a measure's own settings (decimals, ``suffix``, ``per``,
``scale``, ``may_be_negative``, ``year_from_parts``: optional columns of measures.csv) make its
:class:`Style`, and :func:`show` prints every figure of it, in every format.

How a year follows from its quarters (or months), unless ``year_from_parts`` says otherwise:

=================  ====================================================  ===================
unit               the year is                                           year-to-date target
=================  ====================================================  ===================
count, millions,   the sum of its parts                                  pro rata
money
cumulative count   its last part (each is the total so far)              pro rata
percentage         sum of numerators over sum of denominators where      the annual target
                   every part gives them, else the mean of the parts
rate               as a percentage, times ``per``                        the annual target
number             cannot be said (``none``): a council writes ``sum``   pro rata with
                   (days per FTE), ``mean`` (a score) or ``last``        ``sum``, else the
                                                                         annual target
=================  ====================================================  ===================

>>> show(Style("number", 0, suffix="days"), -28)
'−28 days'
>>> show(Style("rate", 0, per=100000), 401)
'401 per 100,000'
>>> show(Style("money", 0, scale="k"), 125), show(Style("money", 1, scale="m"), 1.2)
('£125k', '£1.2m')
>>> show(Style("money", 0), -125000)
'−£125,000'
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass
from typing import Any, Literal, cast, get_args

import pandas as pd

from perflib.formatting import MINUS

#: A measure's unit (measures.csv's ``unit``): what it decides is :data:`UNITS`' to say.
UnitName = Literal["percentage", "count", "cumulative count", "millions", "number", "rate", "money"]
#: How a year follows from its quarters or months (measures.csv's ``year_from_parts``).
YearRule = Literal["sum", "mean", "last", "none"]
#: What a ``money`` figure is written in: pounds, thousands (``k``) or millions (``m``).
Scale = Literal["", "k", "m"]
NAMES: tuple[UnitName, ...] = get_args(UnitName)
YEAR_RULES: tuple[YearRule, ...] = get_args(YearRule)
SCALES: tuple[Scale, ...] = get_args(Scale)[1:]
#: What a money scale multiplies a written figure by (the checker reads '£125k' as 125,000).
FACTOR = {"": 1.0, "k": 1e3, "m": 1e6}


@dataclass(frozen=True)
class Unit:
    """What one unit decides, whatever the measure."""

    #: "" for the plain unit an unknown or missing one prints as
    name: UnitName | Literal[""]
    #: how a figure is written around its digits: {n} the digits, {scale}, {per}, {suffix}
    template: str
    _: KW_ONLY  # what it decides is named wherever a unit is made
    #: digits grouped in thousands (1,234); a percentage and millions print as they always have
    grouped: bool = True
    #: figures are whole numbers (a count written with decimals is accepted, with advice)
    whole: bool = False
    #: figures are per cent: a chart's axis shows %, a message writes 93.5%
    percent: bool = False
    #: figures within 0 to 100 unless the measure's ``may_exceed_100`` is yes
    capped: bool = False
    #: may go below zero where the measure's ``may_be_negative`` is yes
    signed: bool = False
    #: the value is numerator / denominator times this base (``per``: the measure's own)
    base: float | Literal["per"] | None = None
    #: each part of a year is the total so far: its own figure is its increase
    running: bool = False
    #: how a year follows from its parts when ``year_from_parts`` is empty
    year: YearRule = "sum"
    #: the ``year_from_parts`` a measure of this unit may give
    years: tuple[YearRule, ...] = ("sum", "mean", "last", "none")
    #: the SPC chart's vertical axis (a number's suffix or a rate's base says more, when given)
    axis: str = "Value"
    #: what a data return's Unit column says of it
    about: str = ""
    #: what the commentary checker reads as its figure: a per cent, money or a plain number
    said: Literal["percent", "money", "number"] = "number"
    #: a figure written with a word after it ("2.7 days", "28 homes") may be its figure
    worded: bool = True
    #: a bare decimal ("was 2.7") or an average ("an average of 2.7") may be its figure
    decimal: bool = False
    #: a bare count in a note ("1,107 incidents") may be its figure: always, never (beside a
    #: rate it is the events counted, not the rate; beside money, a count of something, as
    #: money is written with its £) or only near its figures' size (a number)
    counted: Literal["yes", "no", "near"] = "yes"


UNITS: dict[str, Unit] = {u.name: u for u in (
    Unit("percentage", "{n}%", grouped=False, percent=True, capped=True, signed=True, base=100.0,
         year="mean", years=("mean", "last", "none"), axis="Percentage",
         about="a percentage, written 93.5 (between 0 and 100 unless the measure may pass 100)",
         said="percent", worded=False),
    Unit("count", "{n}", whole=True, axis="Number", about="a count: a whole number"),
    Unit("cumulative count", "{n}", whole=True, running=True, year="last",
         years=("last", "none"), axis="Number in the period",
         about="a cumulative count: the total so far this year, a whole number"),
    Unit("millions", "{n}m", grouped=False, axis="Millions",
         about="millions, written 0.46 for 0.46m", worded=False),
    Unit("number", "{n}{suffix}", signed=True, year="none", axis="Value",
         about="a number, with the decimals the report prints (2.7)", decimal=True,
         counted="near"),
    Unit("rate", "{n} per {per}", signed=True, base="per", year="mean",
         years=("mean", "last", "none"), axis="Rate",
         about="a rate: the figure per its base, written 401 for 401 per 100,000", decimal=True,
         counted="no"),
    Unit("money", "£{n}{scale}", signed=True, axis="£",
         about="money in pounds, written as published (125 for £125k)", said="money",
         worded=False, counted="no"),
)}


_PLAIN = Unit("", "{n}", years=YEAR_RULES, worded=False)


def get(name: Any) -> Unit:
    """A unit's behaviours; an unknown or missing unit (a cell already refused) prints plainly."""
    return UNITS.get(str(name), _PLAIN)


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


@dataclass(frozen=True)
class Style:
    """One measure's unit and how it prints: what measures.csv says of it, read once."""

    #: "" where the register's cell was refused (it then prints plainly)
    unit: UnitName | Literal[""] = "count"
    decimals: int = 0
    #: a number's words after it: 'days', 'out of 10'
    suffix: str = ""
    #: a rate's base: 100000 for 'per 100,000'
    per: float | None = None
    #: a money figure's scale as published: '' pounds, 'k' thousands, 'm' millions
    scale: Scale = ""
    may_be_negative: bool = False
    may_exceed_100: bool = False
    #: how its year follows from its parts; empty: the unit's own rule
    year_from_parts: YearRule | Literal[""] = ""

    @property
    def kind(self) -> Unit:
        """The unit's behaviours."""
        return get(self.unit)

    @property
    def year_rule(self) -> YearRule:
        """How its year follows from its quarters and months (``none``: it cannot be said)."""
        return self.year_from_parts or self.kind.year

    @property
    def base(self) -> float | None:
        """What numerator / denominator is multiplied by to give the value, if it is a fraction."""
        b = self.kind.base
        return self.per if b == "per" else b

    @property
    def whole(self) -> bool:
        """Its figures must be whole numbers (a count printed with decimals need not be)."""
        return self.kind.whole and self.decimals == 0

    @property
    def negative_ok(self) -> bool:
        """Its figures and target may be below zero."""
        return self.kind.signed and self.may_be_negative

    @property
    def capped(self) -> bool:
        """Its figures are kept within 0 to 100."""
        return self.kind.capped and not self.may_exceed_100

    @property
    def pro_rata(self) -> bool:
        """Its year-to-date target is the annual target pro rata: its parts add up to the year."""
        return self.kind.running or self.year_rule == "sum"

    @property
    def grows(self) -> bool:
        """Its year to date only grows, so no part of a year may pass the whole year."""
        return self.pro_rata and not self.negative_ok

    @property
    def factor(self) -> float:
        """What a figure is multiplied by to read as the text writes it (0.46 millions: 460,000)."""
        return 1e6 if self.unit == "millions" else FACTOR.get(self.scale, 1.0)

    @property
    def half(self) -> float:
        """How far the true figure may be from the one held: half its last printed digit."""
        return 0.0 if self.whole else 0.5 * 10.0 ** -self.decimals

    @property
    def axis(self) -> str:
        """The SPC chart's vertical axis label."""
        if self.unit == "number" and self.suffix:
            return self.suffix[:1].upper() + self.suffix[1:]
        if self.unit == "rate" and self.per:
            return f"Per {self.per:,.0f}"
        if self.unit == "money":
            return {"k": "£ thousands", "m": "£ millions"}.get(self.scale, "£")
        return self.kind.axis

    @property
    def mark(self) -> str:
        """What a message writes after a bare figure: '%', ' per 100,000' or nothing."""
        if self.kind.percent:
            return "%"
        return f" per {self.per:,.0f}" if self.unit == "rate" and self.per else ""

    @property
    def label(self) -> str:
        """The unit as a data return names it: 'rate per 100,000', 'money (£k)', 'number (days)'."""
        if self.unit == "rate" and self.per:
            return f"rate per {self.per:,.0f}"
        if self.unit == "money":
            return f"money (£{self.scale})"
        if self.unit == "number" and self.suffix:
            return f"number ({self.suffix})"
        return self.unit

    def advice(self) -> str | None:
        """What to change in the register, when the unit held is not the unit the figures are."""
        if self.kind.whole and self.decimals > 0:
            return (f"a {self.unit} is a whole number, but this one is printed with "
                    f"{self.decimals} decimal{'s' if self.decimals != 1 else ''}")
        return None


def _text(x: Any) -> str:
    return "" if _missing(x) else str(x).strip()


def _flag(x: Any) -> bool:
    return x is True or (isinstance(x, str) and x.lower() == "yes")


def style(m: Any, decimals: Any = None) -> Style:
    """A measure's :class:`Style` from its register row (a Series, a dict or an itertuples row).

    ``decimals`` replaces the row's own (a target printed with ``target_decimals``).
    """
    def at(key: str) -> Any:
        return m.get(key) if hasattr(m, "get") else getattr(m, key, None)

    d = at("decimals") if decimals is None or _missing(decimals) else decimals
    per = at("per")
    # the register's reader emptied any unit, scale or rule that is not one of these
    return Style(unit=cast(UnitName, _text(at("unit"))), decimals=0 if _missing(d) else int(d),
                 suffix=_text(at("suffix")), per=None if _missing(per) else float(per),
                 scale=cast(Scale, _text(at("scale"))), may_be_negative=_flag(at("may_be_negative")),
                 may_exceed_100=_flag(at("may_exceed_100")),
                 year_from_parts=cast(YearRule, _text(at("year_from_parts"))))


def as_style(x: Style | UnitName) -> Style:
    """A style, from a unit name alone where that is all there is (a deep dive's facts)."""
    return x if isinstance(x, Style) else Style(unit=x)


def _known(x: Any) -> bool:
    return not _missing(x)


def show(s: Style, v: float | None, numerator: float | None = None,
         denominator: float | None = None, decimals: int | None = None) -> str:
    """A figure as every format prints it; '' when there is none.

    A figure below zero starts with a true minus sign (U+2212), which screen readers read as
    "minus" where a hyphen is read as a dash or not at all; a percentage or rate with both its
    numerator and denominator says them after it.

    >>> show(Style("percentage", 1), 90.8, 1014, 1117)
    '90.8% (1,014 of 1,117)'
    >>> show(Style("number", 1, suffix="out of 10"), 7.94), show(Style("count"), 156557)
    ('7.9 out of 10', '156,557')
    >>> show(Style("number", 1), -0.04)  # rounds to nothing: no sign
    '0.0'
    """
    if not _known(v):
        return ""
    assert v is not None
    d = s.decimals if decimals is None else int(decimals)
    kind = s.kind
    digits = f"{abs(v):,.{d}f}" if kind.grouped else f"{abs(v):.{d}f}"
    text = kind.template.format(n=digits, scale=s.scale,
                                per=f"{s.per:,.0f}" if s.per else "",
                                suffix=f" {s.suffix}" if s.suffix else "")
    if round(v, d) < 0:
        text = MINUS + text
    if kind.base is not None and _known(numerator) and _known(denominator):
        text += f" ({int(numerator):,} of {int(denominator):,})"  # type: ignore[arg-type]
    return text


def derived(s: Style, v: float) -> str:
    """A figure worked out from a measure's (an SPC mean or limit), in the measure's unit.

    A percentage to one decimal place, anything else to one where it has a fraction.

    >>> derived(Style("percentage", 0), 50), derived(Style("count"), 12.25), derived(Style("count"), 12.0)
    ('50.0%', '12.2', '12')
    >>> derived(Style("rate", 0, per=1000), -3.0)
    '−3 per 1,000'
    """
    d = 1 if s.kind.percent or v % 1 else 0
    return show(Style(s.unit, d, s.suffix, s.per, s.scale), v)


__all__ = ["FACTOR", "NAMES", "SCALES", "UNITS", "YEAR_RULES", "Scale", "Style", "Unit",
           "UnitName", "YearRule", "as_style", "derived", "get", "show", "style"]
