"""Pieces every report kind prints the same way: the cover, a measure's figures, ratings, the key.

Nothing here computes a figure that :mod:`perflib.data` has not already computed; each function
turns figures into format-neutral blocks (:mod:`perflib.present.blocks`).
"""

from __future__ import annotations

import math

import pandas as pd

from perflib import formatting as fmt
from perflib import rules, units
from perflib.data.portfolio import Portfolio
from perflib.data.ratings import own_threshold
from perflib.data.specs import EMPTY_KINDS, ITALIC_KINDS
from perflib.data.year import Report
from perflib.present.blocks import Cover, Inline, Paragraph, Span, Table, badge, spans


def cover(r: Report, title: str | None = None, note: str = "", meta: dict | None = None,
          covers: str = "") -> Cover:
    """Cover: council, portfolio, title (the annual report's or ``title``), date, version, approver.

    ``meta`` gives a report of its own (a quarter's) its own date, version, approver and status
    instead of the year's; what it lacks is printed as still to be set, and it is a draft until
    its status says final. ``covers`` names the period the report covers.
    """
    m = r.meta if meta is None else meta
    date = m.get("date_label") or (fmt.long_date(m["date"]) if m.get("date") else "To be set")
    details = [("Date", date), ("Version", m.get("version") or "To be set"),
               ("Approved by", m.get("approved_by") or "Not yet approved")]
    if covers:
        details.append(("Period covered", covers))
    draft = r.draft if meta is None else m.get("status") != "final"
    return Cover(r.portfolio.council, r.portfolio.name, title or f"{annual_title(r)} {r.year}",
                 details, note, draft)


def annual_title(r: Report) -> str:
    """The annual report's title; a KPI-only portfolio's (``finance: none``) has no resources."""
    if r.portfolio.options.has_finance:
        return "Portfolio Performance and Resources Annual Report"
    return "Portfolio Performance Annual Report"


def figure_cell(obs: pd.Series | None, style: units.Style) -> Inline:
    """One published figure as a table prints it: italic with its kind when not an actual."""
    if obs is None:
        return "Not available"
    kind = obs["figure_kind"]
    if kind is None or (isinstance(kind, float) and math.isnan(kind)):
        return "To be added"
    if kind in EMPTY_KINDS:
        return kind.capitalize()
    text = units.show(style, obs["value"], obs["numerator"], obs["denominator"])
    if kind == "latest available":
        text += f" ({obs['period_label']})"
    if kind in ITALIC_KINDS:
        return [Span("em", text), Span("", " "), Span("note", f"({kind})")]
    return text


def target_text(m: pd.Series) -> str:
    """A measure's target as the report prints it (its own decimals, or a label)."""
    if m["target_type"] == "numerical" and not math.isnan(m["target"]):
        places = m["decimals"] if pd.isna(m.get("target_decimals")) else m["target_decimals"]
        return units.show(units.style(m, places), m["target"])
    if m["target_type"] == "numerical":
        return "To be set"
    return m["target_label"] or "No target"


def rating_cell(m: pd.Series) -> Inline:
    """The published rating as a badge, or why there is none, in words."""
    if m["rating"]:
        return badge(m["rating"])
    value = m["value"]
    if m["figure_kind"] in EMPTY_KINDS or (isinstance(value, float) and math.isnan(value)):
        return "Not rated: no figure"
    if m["category"] == "Contextual":
        return "Not rated: contextual"
    if m["target_type"] == "numerical":
        return "Not rated: target to be set"
    return "Not rated: no numerical target"


def rating_source(p: Portfolio, where: str) -> list[Paragraph]:
    """Under ``ratings: published``, one sentence saying whose the printed ratings are.

    ``where`` names the part of the reports that lists where the rule disagrees.
    """
    if not p.options.published:
        return []
    return [Paragraph("Each status is the council's own rating, as published; a measure it did "
                      "not rate shows the rule's rating. The rule in the key below rates every "
                      f"figure too, and {where} lists where the two differ.", cls="rating-source")]


def own_thresholds(measures: pd.DataFrame) -> list[Paragraph]:
    """The measures rated against an Amber band of their own rather than the key's, if any."""
    rated = measures[(measures["category"] != "Contextual")
                     & (measures["target_type"] == "numerical")]
    own = [(x["pi_code"], own_threshold(x)) for _, x in rated.iterrows()]
    own = [(code, band) for code, band in own if band]
    if not own:
        return []
    return [Paragraph("These measures are Amber up to a band of their own rather than the key's: "
                      + "; ".join(f"{code} up to {band} worse than target" for code, band in own)
                      + ".", cls="own-thresholds")]


def trend_cell(m: pd.Series) -> Inline:
    """The direction of travel as a badge, or 'No trend'."""
    return badge(m["trend"]) if m["trend"] else "No trend"


def share(x: float) -> str:
    """A rule's share as a percentage for a sentence: 0.05 -> '5%'."""
    return f"{100 * x:g}%"


def headline_key(p: Portfolio, measures: pd.DataFrame) -> tuple[str, str] | None:
    """The key's line for bold names, in the portfolio's words; None when no measure is bold.

    A line explaining bold where nothing is bold would tell the reader something untrue.
    """
    if not measures["headline"].fillna(False).astype(bool).any():
        return None
    return p.words.headline_label, p.words.headline_meaning


def key(rule: dict, headline: tuple[str, str] | None = None) -> Table:
    """Key to the symbols, words and type styles, its thresholds taken from the year's rules.

    A threshold the year's report did not state (``rules.stated`` in report.yaml) is applied
    but not printed, so the key claims no more than the published report did. ``headline`` is
    the (label, meaning) of bold names (:func:`headline_key`), printed only when given.
    """
    stated = rule.get("stated", ("amber_tolerance", "stable_threshold"))
    tol = share(rule["amber_tolerance"]) if "amber_tolerance" in stated else ""
    thr = share(rule["stable_threshold"])
    red = f"significantly (more than {tol})" if tol else "significantly"
    amber = f"slightly (up to {tol})" if tol else "slightly"
    stable = (f"Changed by less than {thr} from the previous period"
              if "stable_threshold" in stated else "Little changed from the previous period")
    rows: list[list[Inline]] = [
        [badge(rules.RED), f"Performing {red} worse than target"],
        [badge(rules.AMBER), f"Performing {amber} worse than target"],
        [badge(rules.GREEN), "On track, or performing better than target"],
        [badge(rules.WORSE), "Worse than the previous period"],
        [badge(rules.STABLE), stable],
        [badge(rules.BETTER), "Better than the previous period"],
    ]
    if headline is not None:
        rows.append([spans([Span("strong", headline[0])]), headline[1]])
    rows.append([spans([Span("em", "Italic figure")]),
                 "Provisional, forecast or latest available figure"])
    return Table("Key to symbols used in the measure tables", ["Symbol", "Meaning"], rows,
                 cls="key")
