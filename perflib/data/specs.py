"""The vocabulary of the data files and the columns each file must have."""

from __future__ import annotations

from typing import Literal, get_args

import pandas as pd

from perflib import rules, units
from perflib.data.schema import Column

#: A measure's category: a Contextual measure is never rated.
Category = Literal["Council", "Partnership", "Contextual"]
#: Whether a higher figure is better (High), a lower one (Low), or neither.
Polarity = Literal["High", "Low", "Not applicable"]
#: What a measure is judged against: only a numerical target is rated by the rule.
TargetType = Literal["numerical", "comparator", "direction", "none"]
#: Kinds of figure that carry a value; the first is the ordinary one, the others print in italics.
ValueKind = Literal["actual", "provisional", "forecast", "latest available"]
#: Kinds of figure that carry none, printed as words.
EmptyKind = Literal["not available", "not collected", "not applicable"]
#: An observation's ``figure_kind``.
FigureKind = Literal[ValueKind, EmptyKind]
#: A report year is a draft (builds with its to-do list, marked DRAFT) or final.
ReportStatus = Literal["draft", "final"]

CATEGORIES: tuple[Category, ...] = get_args(Category)
POLARITIES: tuple[Polarity, ...] = get_args(Polarity)
#: What a measure's unit decides is in :mod:`perflib.units`.
UNITS = units.NAMES
TARGET_TYPES: tuple[TargetType, ...] = get_args(TargetType)
VALUE_KINDS: tuple[ValueKind, ...] = get_args(ValueKind)
EMPTY_KINDS: tuple[EmptyKind, ...] = get_args(EmptyKind)
FIGURE_KINDS: tuple[FigureKind, ...] = VALUE_KINDS + EMPTY_KINDS
ITALIC_KINDS: tuple[ValueKind, ...] = VALUE_KINDS[1:]
RATINGS: tuple[rules.Rating, ...] = get_args(rules.Rating)
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
#: Extra tables a priority may print under its introduction (``tables:`` in report.yaml).
PRIORITY_TABLES = ("responses",)
REPORT_STATUSES: tuple[ReportStatus, ...] = get_args(ReportStatus)

MEASURES = (
    Column("year", "period"),
    Column("measure_id", "slug"),
    Column("pi_code"),
    Column("short_name"),
    Column("priority", "int", minimum=1),
    Column("order", "int", minimum=1),
    Column("category", "choice", choices=CATEGORIES),
    Column("polarity", "choice", choices=POLARITIES),
    Column("unit", "choice", choices=UNITS),
    Column("decimals", "int", minimum=0, maximum=3),
    Column("headline", "yesno"),
    Column("target_type", "choice", choices=TARGET_TYPES),
    # below 0 only where the unit and may_be_negative allow it (checked with the unit)
    Column("target", "number", required=False),
    Column("target_label", required=False),
    Column("target_decimals", "int", required=False, minimum=0, maximum=3),
    # a percentage that may pass 100 (a rate of change, occupancy over capacity): optional
    Column("may_exceed_100", "yesno", required=False, optional=True),
    # who sends the measure's figures (perflib returns writes one workbook per owner): optional
    Column("owner", required=False, optional=True),
    # what the measure counts, printed in its data return for the service: optional
    Column("definition", required=False, optional=True),
    # a number's words after it ('days', 'out of 10'): optional, for a number only
    Column("suffix", required=False, optional=True),
    # a rate's base ('per 100,000' is 100000): required for a rate, refused for other units
    Column("per", "int", required=False, minimum=1, optional=True),
    # what a money figure is written in, as published: empty pounds, k thousands, m millions
    Column("scale", "choice", required=False, choices=units.SCALES, optional=True),
    # yes for a number, rate, money or percentage that may go below zero (a backlog, a
    # variance, a percentage change): optional
    Column("may_be_negative", "yesno", required=False, optional=True),
    # how a year follows from its quarters and months (empty: the unit's own rule): optional
    Column("year_from_parts", "choice", required=False, choices=units.YEAR_RULES,
           optional=True),
    # the measure's own Amber threshold, over the year's: a share of the target, or a band in
    # its own unit (one or the other): optional
    Column("amber_tolerance", "number", required=False, optional=True, minimum=0),
    Column("amber_band", "number", required=False, optional=True, minimum=0),
)
OBSERVATIONS = (
    Column("report", "period"),
    Column("measure_id", "slug"),
    Column("period", "period"),
    # below 0 only where the measure's unit and may_be_negative allow it (checked with the unit)
    Column("value", "number", required=False, no_figure="leave value empty and set "
           "figure_kind to not available (or not collected, or not applicable)"),
    Column("numerator", "int", required=False, minimum=0),
    Column("denominator", "int", required=False, minimum=0),
    # empty only on a scaffolded year's new figure, which is then on the to-do list
    Column("figure_kind", "choice", required=False, choices=FIGURE_KINDS),
    Column("period_label", required=False),
    Column("discrepancy", required=False),
    # the council's own rating of the figure, printed under portfolio.yaml's ratings: published
    Column("published_rating", "choice", required=False, choices=RATINGS, optional=True),
)
OVERRIDES = (
    Column("year", "period"),
    Column("measure_id", "slug"),
    Column("published_rating", "choice", choices=RATINGS),
    Column("reason"),
)
RESERVES = (
    Column("category"),
    Column("narration"),
    Column("use"),
    Column("approved", "number"),
    Column("movement", "number"),
)
SAVINGS = (
    Column("proposal"),
    Column("risk_rating", "choice", choices=RATINGS),
    Column("value", "number", minimum=0),
    Column("achieved", "number", minimum=0),
    Column("note", required=False),
)
ENGAGEMENT = (
    Column("quarter", "choice", choices=QUARTERS),
    Column("programme"),
    Column("purpose"),
    Column("count", "int", required=False, minimum=0),
)
FACTS = (
    Column("report", "period"),
    Column("topic", "slug"),
    Column("metric", "slug"),
    Column("period", "period"),
    Column("value", "number", minimum=0),
    Column("unit", "choice", choices=("count", "percentage")),
    Column("note", required=False),
)
#: How precisely a report dated an event: a day, a month, or part of a month ("early August").
DATE_PRECISIONS = ("day", "month", "early", "mid", "late")
EVENTS = (
    Column("report", "period"),
    Column("date", "date"),
    Column("precision", "choice", choices=DATE_PRECISIONS),
    Column("event"),
)
RESPONSES = (
    Column("quarter", "choice", choices=QUARTERS),
    Column("programme"),
    Column("responses", "int", minimum=0),
)


#: How to mend a percentage above 100.
ABOVE_100_FIX = ("write the percentage between 0 and 100, without %; if this measure may pass "
                 "100, write yes in its may_exceed_100 column in measures.csv")


def _column(register: pd.DataFrame, name: str) -> pd.Series:
    """A register column, or an empty one for a frame made without that optional column."""
    return register[name] if name in register else pd.Series(None, index=register.index,
                                                             dtype=object)


def unit_is(register: pd.DataFrame, behaviour: str) -> pd.Series:
    """Register rows whose unit has ``behaviour`` (a flag of :class:`perflib.units.Unit`)."""
    flags = {name: bool(getattr(u, behaviour)) for name, u in units.UNITS.items()}
    return register["unit"].map(flags).fillna(False).astype(bool)


def capped(register: pd.DataFrame) -> pd.Series:
    """Register rows whose figures are percentages kept within 0 to 100 (the usual case).

    A measure whose ``may_exceed_100`` is yes (optional column) may pass 100.
    """
    return unit_is(register, "capped") & ~_column(register, "may_exceed_100").eq(True)


def negative_ok(register: pd.DataFrame) -> pd.Series:
    """Register rows whose figures and target may go below zero.

    A number, rate, money or percentage measure whose ``may_be_negative`` is yes.
    """
    return unit_is(register, "signed") & _column(register, "may_be_negative").eq(True)


def whole(register: pd.DataFrame) -> pd.Series:
    """Register rows whose figures must be whole: counts printed without decimals.

    A count printed with decimals (a rate written as a count) is accepted, with advice.
    """
    return unit_is(register, "whole") & register["decimals"].fillna(0).eq(0)


def negative_fix(register_row: pd.Series | None) -> str:
    """How to mend a figure below zero, by what its measure's unit allows."""
    plain = "write a number of at least 0, digits only (no commas, % or £)"
    if register_row is None:
        return plain
    if units.get(register_row["unit"]).signed:
        return (f"{plain}; if the figure may go below zero (a backlog, a variance), write yes in "
                "the measure's may_be_negative column in measures.csv")
    return (f"{plain}; if the figure may go below zero, the measure is a number: set its unit "
            "to number and may_be_negative to yes in measures.csv")


def capped_ids(register: pd.DataFrame) -> set[str]:
    """measure_ids that are capped percentages in any year of the register."""
    return set(register.loc[capped(register), "measure_id"].dropna())
#: Year-to-date target profiles for quarterly reports (targets.csv).
TARGETS = (
    Column("year", "period"),
    Column("measure_id", "slug"),
    Column("quarter", "choice", choices=QUARTERS),
    # below 0 only where the measure's unit and may_be_negative allow it
    Column("target", "number"),
)
#: What a comparator area is to the council: the council itself or one of its neighbours.
AREA_ROLES = ("council", "neighbour")
#: comparators/values.csv: one figure per area, metric and period, with its source.
VALUES = (
    Column("area_code"),
    Column("area_name"),
    Column("metric", "slug"),
    Column("period", "period"),
    # below 0 only for a metric compared with a measure that may go below zero
    Column("value", "number"),
    Column("source"),
)
#: comparators/neighbours.csv: the council and the areas it compares itself with.
NEIGHBOURS = (
    Column("area_code"),
    Column("area_name"),
    Column("role", "choice", choices=AREA_ROLES),
    Column("source"),
)
#: comparators/metrics.csv: which measure is compared on which metric, against which area.
METRICS = (
    Column("measure_id", "slug"),
    Column("metric", "slug"),
    Column("national_code", required=False),  # empty: no national figure, neighbours only
    Column("national_label", required=False),
)
