"""A report year of one portfolio, as loading leaves it: checked, rated, ready to print.

Loading (:mod:`perflib.data.report`) makes it; the data-quality findings
(:mod:`perflib.data.quality`), the report kinds and the notebooks read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from perflib.config import year_folder
from perflib.data import claims
from perflib.data import commentary as commentary_file
from perflib.data.comparators import comparisons
from perflib.data.portfolio import Portfolio
from perflib.data.yamlfile import Yaml
from perflib.errors import Problem
from perflib.finance import CashLimit


@dataclass(kw_only=True)
class Report:
    """Everything one year's report prints, checked and computed."""

    portfolio: Portfolio
    year: str
    meta: dict[str, Any]
    measures: pd.DataFrame
    observations: pd.DataFrame
    commentary: dict[str, commentary_file.Commentary]
    cash: CashLimit | None
    finance: dict[str, Any]
    reserves: pd.DataFrame
    savings: pd.DataFrame
    engagement: pd.DataFrame | None
    responses: pd.DataFrame | None
    #: what is still to fill in (a draft builds with these; a final year has none)
    todos: list[Problem] = field(default_factory=list)
    #: where the commentary or the published figures disagree (perflib.data.quality)
    findings: list[Any] = field(default_factory=list)
    #: advice to the analyst on the register (a count printed with decimals): printed by
    #: ``perflib check`` and the build, never published (perflib.data.quality.unit_advice)
    advice: list[Any] = field(default_factory=list)
    #: report.yaml as read, with the line of every key (for messages about it)
    yaml: Yaml | None = None
    #: whether the portfolio's files and this year's figures read without error, so checks
    #: worked out from them (the report kinds' own) can run
    sound: bool = True

    @property
    def folder(self) -> str:
        """This year as a folder name, e.g. '2020-21'."""
        return year_folder(self.year)

    @property
    def draft(self) -> bool:
        """Whether this year is a draft (marked DRAFT on every page)."""
        return self.meta.get("status") == "draft"

    @property
    def rules(self) -> dict[str, float]:
        """This year's rating thresholds."""
        return self.meta["rules"]

    @property
    def commentary_path(self) -> Path:
        """This year's commentary.md."""
        return commentary_file.path_of(self.portfolio.path / self.folder)

    @cached_property
    def comparisons(self) -> pd.DataFrame:
        """This year's comparisons, one row per measure that has a comparator."""
        return comparisons(self.portfolio.comparators, self.measures, self.year)

    @cached_property
    def figures(self) -> dict[str, Any]:
        """Each measure's figures as its commentary may cite them (:class:`claims.Figures`)."""
        return claims.figures_from_report(self)

    def text(self, measure_id: str) -> str:
        """A measure's commentary with its placeholders filled from the measure's own figures."""
        c = self.commentary.get(measure_id)
        if not c or not c.text:
            return ""
        return claims.render(c.text, self.figures[measure_id],
                             missing="[figure to be added]" if self.draft else None)
