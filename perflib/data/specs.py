"""The vocabulary of the data files and the columns each file must have."""

from __future__ import annotations

import pandas as pd

from perflib import rules
from perflib.data.schema import Column

CATEGORIES = ("Council", "Partnership", "Contextual")
POLARITIES = ("High", "Low", "Not applicable")
UNITS = ("percentage", "count", "cumulative count", "millions")
TARGET_TYPES = ("numerical", "comparator", "direction", "none")
#: Kinds of figure that carry a value; the first is the ordinary one, the others print in italics.
VALUE_KINDS = ("actual", "provisional", "forecast", "latest available")
#: Kinds of figure that carry none, printed as words.
EMPTY_KINDS = ("not available", "not collected", "not applicable")
FIGURE_KINDS = VALUE_KINDS + EMPTY_KINDS
ITALIC_KINDS = ("provisional", "forecast", "latest available")
RATINGS = (rules.RED, rules.AMBER, rules.GREEN)
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
#: Extra tables a priority may print under its introduction (``tables:`` in report.yaml).
PRIORITY_TABLES = ("responses",)
#: A report year is a draft (builds with its to-do list, marked DRAFT) or final.
REPORT_STATUSES = ("draft", "final")

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
    Column("target", "number", required=False, minimum=0),
    Column("target_label", required=False),
    Column("target_decimals", "int", required=False, minimum=0, maximum=3),
    # a percentage that may pass 100 (a rate of change, occupancy over capacity): optional
    Column("may_exceed_100", "yesno", required=False, optional=True),
    # who sends the measure's figures (perflib returns writes one workbook per owner): optional
    Column("owner", required=False, optional=True),
    # what the measure counts, printed in its data return for the service: optional
    Column("definition", required=False, optional=True),
    # the measure's own Amber threshold, over the year's: a share of the target, or a band in
    # its own unit (one or the other): optional
    Column("amber_tolerance", "number", required=False, optional=True, minimum=0),
    Column("amber_band", "number", required=False, optional=True, minimum=0),
)
#: Units whose figures are whole numbers.
WHOLE_UNITS = ("count", "cumulative count")
OBSERVATIONS = (
    Column("report", "period"),
    Column("measure_id", "slug"),
    Column("period", "period"),
    Column("value", "number", required=False, minimum=0),
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


def capped(register: pd.DataFrame) -> pd.Series:
    """Register rows whose figures are percentages kept within 0 to 100 (the usual case).

    A measure whose ``may_exceed_100`` is yes (optional column) may pass 100.
    """
    return (register["unit"] == "percentage") & ~register["may_exceed_100"].eq(True)


def capped_ids(register: pd.DataFrame) -> set[str]:
    """measure_ids that are capped percentages in any year of the register."""
    return set(register.loc[capped(register), "measure_id"].dropna())
#: Year-to-date target profiles for quarterly reports (targets.csv).
TARGETS = (
    Column("year", "period"),
    Column("measure_id", "slug"),
    Column("quarter", "choice", choices=QUARTERS),
    Column("target", "number", minimum=0),
)
#: What a comparator area is to the council: the council itself or one of its neighbours.
AREA_ROLES = ("council", "neighbour")
#: comparators/values.csv: one figure per area, metric and period, with its source.
VALUES = (
    Column("area_code"),
    Column("area_name"),
    Column("metric", "slug"),
    Column("period", "period"),
    Column("value", "number", minimum=0),
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
