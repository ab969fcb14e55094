"""A portfolio's own words: what its reports say about their frame, read from portfolio.yaml.

Nothing a report prints about the council, its frameworks or its headline measures is written in
perflib's code: a council's reports must read as its own, never as the seed's. Every setting is
optional and has a neutral default::

    council_short: Example          # how a sentence names the council ("Example 51.5%")
    headline:                       # the key's line for measures flagged headline in measures.csv
      label: Bold name
      meaning: A headline measure of the council's corporate plan
    shared_codes: [LAA]             # PI code labels that mark a framework and may repeat in a year
    comparison_areas: [Example County]  # areas the commentary compares with: not the measure's
    ombudsman: Housing Ombudsman    # who rules on complaints the council could not resolve
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from perflib.data.yamlfile import Yaml
from perflib.errors import Problem

#: What the key says of a headline measure when portfolio.yaml does not say.
HEADLINE_LABEL = "Bold name"
HEADLINE_MEANING = "Headline measure"
#: Who a complaint goes to after the council's own stages, unless portfolio.yaml names another
#: (a council's housing tenants go to the Housing Ombudsman).
OMBUDSMAN = "Local Government and Social Care Ombudsman"


@dataclass(frozen=True)
class Wording:
    """The words a portfolio's reports use for their frame, with neutral defaults."""

    #: the council's name as a sentence uses it beside a figure; the full name by default
    council_short: str = ""
    #: the key's line for headline measures: the bold sample text and what bold means
    headline_label: str = HEADLINE_LABEL
    headline_meaning: str = HEADLINE_MEANING
    #: PI code labels that mark a framework rather than one measure, so may repeat within a year
    shared_codes: frozenset[str] = frozenset()
    #: names of areas the commentary compares the council with (its region): a clause naming
    #: one is not checked against the measure's own figures
    comparison_areas: tuple[str, ...] = ()
    #: the body a complaints deep dive names for decisions beyond the council's own stages
    ombudsman: str = OMBUDSMAN


def _text(doc: Yaml, problems: list[Problem], keys: tuple[str, ...], default: str,
          fix: str) -> str:
    value: Any = doc.data
    for k in keys:
        value = value.get(k) if isinstance(value, dict) else None
    if value is None:
        return default
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(doc.path, doc.line(*keys), ".".join(keys),
                                f"'{value}' is not a line of text", fix))
        return default
    return value.strip()


def read(doc: Yaml, council: str | None, problems: list[Problem],
         label: str | None = None, meaning: str | None = None) -> Wording:
    """The portfolio's own words from portfolio.yaml, each setting checked where it is given.

    ``label`` and ``meaning`` are the council's headline words (council.yaml), which a
    portfolio.yaml's own ``headline`` overrides.
    """
    headline = doc.data.get("headline")
    if headline is not None and not isinstance(headline, dict):
        problems.append(Problem(doc.path, doc.line("headline"), "headline",
                                "must give the key's label and meaning",
                                "write 'headline:' then '  label: Bold name' and "
                                "'  meaning: <what a bold measure is>'"))
        headline = None
    short = _text(doc, problems, ("council_short",), council or "",
                  "write how a sentence names the council, e.g. 'Example'")
    if headline is not None:
        label = _text(doc, problems, ("headline", "label"), label or HEADLINE_LABEL,
                      "write the bold sample the key prints, e.g. 'Bold name'")
        meaning = _text(doc, problems, ("headline", "meaning"), meaning or HEADLINE_MEANING,
                        "write what a bold measure name means, e.g. 'Headline measure'")
    codes = _names(doc, problems, "shared_codes", "PI code labels", "[LAA]")
    areas = _names(doc, problems, "comparison_areas", "names of areas", "[Example County]")
    ombudsman = _text(doc, problems, ("ombudsman",), OMBUDSMAN, "write the body's name, e.g. "
                      "'Housing Ombudsman', or leave it out for the " + OMBUDSMAN)
    return Wording(short, label or HEADLINE_LABEL, meaning or HEADLINE_MEANING,
                   frozenset(codes), tuple(areas), ombudsman)


def _names(doc: Yaml, problems: list[Problem], key: str, what: str, example: str) -> list[str]:
    names = doc.data.get(key) or []
    if not isinstance(names, list) or not all(isinstance(c, str) and c.strip() for c in names):
        problems.append(Problem(doc.path, doc.line(key), key, f"must list {what}",
                                f"write e.g. '{key}: {example}', or leave it out"))
        return []
    return [c.strip() for c in names]
