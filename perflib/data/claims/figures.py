"""What a commentary is checked against: one measure's figures for one report, period by period.

A sentence can quote any period the report holds (this year, last year, an earlier year, a
quarter), so the checker needs every period's figure, not only the two the table prints; the
judge then asks whether a quoted number is the figure *of the period the sentence gives it*.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Final, Literal, cast

import pandas as pd

from perflib import units
from perflib.data import periods as period_labels
from perflib.data.specs import FigureKind, Polarity
from perflib.rules import Rating, Trend

#: How much a finding matters: an error stops a final report; a warning and a note are published
#: beside it (a note is a known inconsistency, kept as published); advice is the analyst's alone.
Severity = Literal["error", "warning", "note", "advice"]
ERROR: Final = "error"
WARNING: Final = "warning"
NOTE: Final = "note"
ADVICE: Final = "advice"
@dataclass(frozen=True)
class PeriodFigure:
    """What the data holds for one period: the figure, its fraction and its figure_kind."""

    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    kind: FigureKind | Literal[""] = ""


@dataclass(kw_only=True)
class Figures:
    """One measure's figures for one report year, as the table prints them, and every period's.

    ``year`` is the period the current value is for (usually the report year; a measure published
    with a lag, such as cultural engagements, is a year or two behind). ``report_year`` is the year
    of the report itself and defaults to ``year``. ``periods`` holds every period the report holds
    for the measure (years, quarters, months); the flat fields (``value``, ``previous`` ...) are
    the table's two periods and always win over it, and ``earlier`` is a shorthand for earlier
    years' values alone.
    """

    year: str
    previous_year: str
    measure_id: str
    pi_code: str = ""
    unit: units.UnitName | Literal[""] = "percentage"
    decimals: int = 1
    polarity: Polarity | Literal[""] = "High"
    value: float | None = None
    previous: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    previous_numerator: float | None = None
    previous_denominator: float | None = None
    target: float | None = None
    target_decimals: int | None = None
    trend: Trend | Literal[""] = ""
    rule_rating: Rating | Literal[""] = ""
    rating: Rating | Literal[""] = ""
    earlier: dict[str, float] = field(default_factory=dict)
    facts: list[float] = field(default_factory=list)
    report_year: str = ""
    #: the current figure's figure_kind (actual, not available, not collected ...)
    kind: FigureKind | Literal[""] = ""
    #: the relative change under which the trend is Stable (report.yaml's rules)
    stable_threshold: float = 0.01
    periods: dict[str, PeriodFigure] = field(default_factory=dict)
    #: the measure's name in the table: its words tell the measure's subject from another one
    short_name: str = ""
    #: a rate's base (100000 for "401 per 100,000"); None for any other unit
    per: float | None = None
    #: what a number's figure is printed with ("days", "out of 10")
    suffix: str = ""
    #: the scale a money figure is held in: "" (pounds), "k" or "m"
    scale: units.Scale = ""
    #: whether the figure may go below zero (a backlog "28 days behind", a variance)
    may_be_negative: bool = False
    #: whether the printed rating is the council's own (portfolio.yaml's ratings: published)
    own_ratings: bool = False

    def __post_init__(self) -> None:
        self.year, self.previous_year = _str(self.year), _str(self.previous_year)
        self.report_year = _str(self.report_year) or self.year
        held = dict(self.periods)  # never the dict of the Figures this one was replaced from
        for p, v in self.earlier.items():
            held.setdefault(p, PeriodFigure(v))
        if self.previous_year and (self.previous is not None or self.previous_year not in held):
            held[self.previous_year] = dataclasses.replace(
                held.get(self.previous_year, PeriodFigure()), value=self.previous,
                numerator=self.previous_numerator, denominator=self.previous_denominator)
        if self.year:
            held[self.year] = dataclasses.replace(
                held.get(self.year, PeriodFigure()), value=self.value, numerator=self.numerator,
                denominator=self.denominator, kind=self.kind or held.get(self.year,
                                                                         PeriodFigure()).kind)
        self.periods = held

    def held(self, period: str | None) -> bool:
        """Whether the report knows the period (it may still hold no figure for it)."""
        return bool(period) and (period in self.periods or period == self.report_year)

    @property
    def current(self) -> str:
        """The period a sentence that names none is about.

        The table's period, except mid-year: when the report year holds no figure of its own yet
        but quarters (or months) of it do, a note written now is about the latest of them (the
        year's figure so far), not the last year-end figure the table falls back on.
        """
        if self.figure(self.report_year).value is not None:
            return self.year
        parts = [(p.quarter, p.kind, label) for label, x in self.periods.items() if x.value is not None
                 and (p := period_labels.parse(label)) is not None and p.kind != "year"
                 and p.year == self.report_year]
        return max(parts)[2] if parts else self.year

    def figure(self, period: str) -> PeriodFigure:
        """The period's figure; an empty one for a period the report holds no row for."""
        return self.periods.get(period, PeriodFigure())

    @property
    def shape(self) -> units.Style:
        """How the measure's figures print, as the report's tables print them (perflib.units)."""
        return units.Style(self.unit, self.decimals, self.suffix, self.per, self.scale,
                           self.may_be_negative)

    @property
    def magnitude(self) -> float:
        """What a held figure is multiplied by to give the amount the text writes (£125k: 1000)."""
        return self.shape.factor

    def printed(self, period: str) -> str:
        """A period's figure as the table prints it, or 'no figure'."""
        p = self.figure(period)
        if p.value is None:
            return f"no figure ({p.kind})" if p.kind else "no figure"
        return units.show(self.shape, p.value, p.numerator, p.denominator)

    def fmt(self, v: float | None, decimals: int | None = None) -> str:
        """One value as the table prints it."""
        return units.show(self.shape, v, decimals=decimals)

    def summary(self) -> str:
        """What the data says, for a finding: this year's and last year's figures, the target."""
        parts = []
        if self.value is not None:
            parts.append(f"{self.year}: {self.printed(self.year)}")
        if self.previous is not None:
            parts.append(f"{self.previous_year}: {self.printed(self.previous_year)}")
        if self.target is not None:
            parts.append(f"target {self.fmt(self.target, self.target_decimals)}")
        if self.value is None:
            parts += [f"{p}: {self.printed(p)}" for p in sorted(self.periods)
                      if self.periods[p].value is not None]
        return "; ".join(parts) or f"no figures for {self.year}"


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing wrong with a measure's commentary, said so that an author can fix it."""

    file: str
    line: int | None
    measure_id: str
    pi_code: str
    severity: Severity
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
    """Text, or '' for a missing value (an empty cell is a float NaN)."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return ""
    return str(x)


def _kind(x: Any) -> FigureKind | Literal[""]:
    """A checked figure_kind cell (the reader emptied any other value)."""
    return cast(FigureKind, _str(x))


def _period_figures(rows: pd.DataFrame) -> dict[str, dict[str, PeriodFigure]]:
    """Each measure's figures by period, in the rows' order: one pass over the columns.

    (Filtering the frame measure by measure cost more than every check of the commentary.)
    """
    out: dict[str, dict[str, PeriodFigure]] = {}
    columns = (rows[c] for c in ("measure_id", "period", "value", "numerator", "denominator",
                                 "figure_kind"))
    for measure, period, value, num, den, kind in zip(*columns, strict=True):
        out.setdefault(measure, {})[str(period)] = PeriodFigure(_num(value), _num(num),
                                                                _num(den), _kind(kind))
    return out


def _sub_periods(report: Any) -> pd.DataFrame:
    """Quarters and months up to the report, each from the latest report that published it."""
    o = report.portfolio.observations.frame
    sub = o[~period_labels.is_year(o["period"]) & (o["report"] <= report.year)]
    return sub.sort_values("report").drop_duplicates(["measure_id", "period"], keep="last")


def figures_from_report(report: Any) -> dict[str, Figures]:
    """Figures for every measure of a loaded :class:`perflib.data.year.Report`, by measure_id.

    facts.csv is keyed by topic, not measure, so every fact of the report year is offered to every
    measure: a looser match that cannot raise a false finding, though it may let a wrong figure
    pass when it happens to equal another fact. A measure the report holds no figure for at all
    is dated the report year, so its text is still read.
    """
    obs = report.observations
    sub = _sub_periods(report)
    facts = report.portfolio.facts.frame if report.portfolio.facts is not None else None
    stated = []
    if facts is not None:
        stated = [float(v) for v in facts.loc[facts["report"] == report.year, "value"]]
    threshold = _num((report.meta.get("rules") or {}).get("stable_threshold"))
    out: dict[str, Figures] = {}
    sub_figures, figures = _period_figures(sub), _period_figures(obs)
    for m in report.measures.itertuples():
        held = {**sub_figures.get(m.measure_id, {}), **figures.get(m.measure_id, {})}
        previous = held.get(_str(m.previous_period), PeriodFigure())
        out[m.measure_id] = Figures(
            year=_str(m.period) or report.year, previous_year=_str(m.previous_period),
            measure_id=m.measure_id, pi_code=_str(m.pi_code), unit=cast(units.UnitName, _str(m.unit)),
            decimals=int(_num(m.decimals) or 0), polarity=cast(Polarity, _str(m.polarity)),
            value=_num(m.value),
            previous=_num(m.previous), numerator=_num(m.numerator), denominator=_num(m.denominator),
            previous_numerator=previous.numerator, previous_denominator=previous.denominator,
            target=_num(m.target),
            target_decimals=None if _num(m.target_decimals) is None else int(m.target_decimals),
            trend=cast(Trend, _str(m.trend)), rule_rating=cast(Rating, _str(m.rule_rating)),
            rating=cast(Rating, _str(m.rating)), facts=stated, report_year=report.year,
            kind=_kind(m.figure_kind),
            stable_threshold=0.01 if threshold is None else threshold, periods=held,
            short_name=_str(getattr(m, "short_name", "")), per=_num(getattr(m, "per", None)),
            suffix=_str(getattr(m, "suffix", "")),
            scale=cast(units.Scale, _str(getattr(m, "scale", ""))),
            may_be_negative=_yes(getattr(m, "may_be_negative", False)),
            own_ratings=report.portfolio.options.published)
    return out


def _yes(x: Any) -> bool:
    """A yes/no cell as a flag: 'yes', True and 1 say yes; empty, 'no' and NaN say no."""
    return x is True or _str(x).strip().lower() in ("yes", "true", "1", "1.0")
