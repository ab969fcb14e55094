"""What a notebook calls first: checked parameters in, a loaded report out."""

from __future__ import annotations

from pathlib import Path

from perflib.config import DATA_RULE, data_path  # noqa: F401 (the notebook API)
from perflib.data.report import Report, check_year
from perflib.errors import ParameterError
from perflib.reports.checks import load_report


def load(portfolio: str, year: str, data_dir: str | Path | None = None,
         kind: str | None = None) -> Report:
    """Check the notebook's parameters and load its report year.

    With ``kind``, also refuse a portfolio that does not declare that report (a notebook run by
    hand must not print an empty shell for a portfolio that lacks the data).
    """
    check_year(year)
    report = load_report(portfolio, year, data_path(data_dir))
    if kind is not None and kind not in report.portfolio.reports:
        declared = ", ".join(report.portfolio.reports) or "none"
        raise ParameterError(f"portfolio '{portfolio}' does not declare the {kind} report "
                             f"(it declares: {declared}); add it under reports: in its "
                             "portfolio.yaml with its roles mapped")
    return report
