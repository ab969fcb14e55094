"""What a portfolio's reports carry and whose ratings they print, from portfolio.yaml.

Three optional settings, each with today's behaviour as its default, so a portfolio.yaml written
before them reads as it did::

    ratings: published     # print the council's own ratings (observations.csv's
                           # published_rating); default rule, with overrides.csv
    finance: none          # a KPI-only report: no finance section, cash limit, reserves,
                           # savings or cabinet member; default full
    commentary: optional   # a measure may go without commentary; default required

Everything else a final report needs stays required whatever these say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from perflib.data.yamlfile import Yaml
from perflib.errors import Problem

RatingSource = Literal["rule", "published"]
FinanceScope = Literal["full", "none"]
CommentaryNeed = Literal["required", "optional"]

#: Each setting's values, the default first, and what each means (for messages and the docs).
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "ratings": (("rule", "perflib's rule rates each figure; overrides.csv records published "
                         "ratings that differ, with the reason"),
                ("published", "each figure's rating is the council's own, from observations.csv's "
                              "published_rating")),
    "finance": (("full", "the report's finance section, as report.yaml gives it"),
                ("none", "a KPI-only report: no finance, reserves, savings or cabinet member")),
    "commentary": (("required", "every measure with a figure needs commentary before the report "
                                "is final"),
                   ("optional", "a measure may have no commentary, even in a final report")),
}


@dataclass(frozen=True)
class ReportOptions:
    """Whose ratings a portfolio's reports print, and whether they carry finance and commentary."""

    ratings: RatingSource = "rule"
    finance: FinanceScope = "full"
    commentary: CommentaryNeed = "required"

    @property
    def published(self) -> bool:
        """Whether reports print the council's published ratings rather than the rule's."""
        return self.ratings == "published"

    @property
    def has_finance(self) -> bool:
        """Whether reports carry finance (cash limit, outturn, reserves, savings, cabinet member)."""
        return self.finance == "full"

    @property
    def commentary_required(self) -> bool:
        """Whether a final report needs commentary for every measure with a figure."""
        return self.commentary == "required"


def read(doc: Yaml | None, problems: list[Problem]) -> ReportOptions:
    """The three settings from portfolio.yaml, each checked where it is given."""
    if doc is None:
        return ReportOptions()
    values: dict[str, str] = {}
    for key, choices in CHOICES.items():
        given = doc.data.get(key)
        if given is None:
            continue
        names = [name for name, _ in choices]
        if not isinstance(given, str) or given.strip().lower() not in names:
            said = "yes" if given is True else "no" if given is False else given
            problems.append(Problem(
                doc.path, doc.line(key), key, f"'{said}' is not one of {', '.join(names)}",
                f"write {key}: {names[1]} ({choices[1][1]}), or leave it out for {names[0]} "
                f"({choices[0][1]})"))
            continue
        values[key] = given.strip().lower()
    return ReportOptions(**values)  # type: ignore[arg-type]


__all__ = ["CHOICES", "ReportOptions", "read"]
