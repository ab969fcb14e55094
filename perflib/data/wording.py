"""A portfolio's own words: what its reports say about their frame, read from portfolio.yaml.

Nothing a report prints about the council, its frameworks or its headline measures is written in
perflib's code: a council's reports must read as its own, never as the seed's. Every setting is
optional and has a neutral default::

    council_short: Example          # how a sentence names the council ("Example 51.5%")
    headline:                       # the key's line for measures flagged headline in measures.csv
      label: Bold name
      meaning: A headline measure of the council's corporate plan
    shared_codes: [LAA]             # PI code labels that mark a framework and may repeat in a year
"""

from __future__ import annotations

from dataclasses import dataclass

from perflib.data.schema import Yaml
from perflib.errors import Problem

#: What the key says of a headline measure when portfolio.yaml does not say.
HEADLINE_LABEL = "Bold name"
HEADLINE_MEANING = "Headline measure"


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


def _text(doc: Yaml, problems: list[Problem], keys: tuple[str, ...], default: str,
          fix: str) -> str:
    value = doc.data
    for k in keys:
        value = value.get(k) if isinstance(value, dict) else None
    if value is None:
        return default
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(doc.path, doc.line(*keys), ".".join(keys),
                                f"'{value}' is not a line of text", fix))
        return default
    return value.strip()


def read(doc: Yaml, council: str | None, problems: list[Problem]) -> Wording:
    """The portfolio's own words from portfolio.yaml, each setting checked where it is given."""
    headline = doc.data.get("headline")
    if headline is not None and not isinstance(headline, dict):
        problems.append(Problem(doc.path, doc.line("headline"), "headline",
                                "must give the key's label and meaning",
                                "write 'headline:' then '  label: Bold name' and "
                                "'  meaning: <what a bold measure is>'"))
        headline = None
    short = _text(doc, problems, ("council_short",), council or "",
                  "write how a sentence names the council, e.g. 'Example'")
    label = meaning = None
    if headline is not None:
        label = _text(doc, problems, ("headline", "label"), HEADLINE_LABEL,
                      "write the bold sample the key prints, e.g. 'Bold name'")
        meaning = _text(doc, problems, ("headline", "meaning"), HEADLINE_MEANING,
                        "write what a bold measure name means, e.g. 'Headline measure'")
    codes = doc.data.get("shared_codes") or []
    if not isinstance(codes, list) or not all(isinstance(c, str) and c.strip() for c in codes):
        problems.append(Problem(doc.path, doc.line("shared_codes"), "shared_codes",
                                "must list PI code labels",
                                "write e.g. 'shared_codes: [LAA]', or leave it out"))
        codes = []
    return Wording(short, label or HEADLINE_LABEL, meaning or HEADLINE_MEANING,
                   frozenset(c.strip() for c in codes))
