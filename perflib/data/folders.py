"""Where the data is: the portfolios a data folder holds, and a portfolio or year asked for.

Nothing here reads a data file or imports a data library, so a process that only sends work and
publishes (a cluster's client) can check a build's arguments without them;
:mod:`perflib.data.portfolio` gives the same names.
"""

from __future__ import annotations

import re
from pathlib import Path

from perflib import config
from perflib.config import year_folder
from perflib.data import periods
from perflib.errors import ParameterError

#: A portfolio id: what :data:`perflib.data.schema.SLUG_RE` accepts (a test keeps them equal).
PORTFOLIO_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def check_year(year: str) -> str:
    """Return ``year`` if it is a ``YYYY/YY`` period, else raise :class:`ParameterError`."""
    problem = periods.year_problem(str(year))
    if problem:
        raise ParameterError(f"year {problem}; give it like 2020/21")
    return year


def portfolios(data_dir: Path | None = None) -> list[str]:
    """Portfolio ids held under ``data_dir`` (folders with a portfolio.yaml)."""
    data_dir = Path(data_dir or config.DATA_DIR)
    return sorted(p.parent.name for p in data_dir.glob("*/portfolio.yaml"))


def portfolio_folder(portfolio: str, data_dir: Path) -> Path:
    """The portfolio's folder, or a ParameterError naming the portfolios there are.

    ``council`` is no portfolio's id: data/council/ holds the corporate report's own files, and
    reports/council/ the corporate reports.
    """
    if portfolio == "council":
        raise ParameterError("'council' is the corporate report's folder, not a portfolio id: "
                             "rename the portfolio's folder")
    if not PORTFOLIO_ID.match(str(portfolio)):
        raise ParameterError(f"portfolio '{portfolio}' is not a portfolio id: use the name of a "
                             f"folder under {data_dir}, e.g. cfe")
    path = data_dir / portfolio
    if not (path / "portfolio.yaml").exists():
        held = ", ".join(portfolios(data_dir)) or "none"
        raise ParameterError(f"portfolio '{portfolio}' is not in {data_dir} (held: {held})")
    return path


__all__ = ["PORTFOLIO_ID", "check_year", "portfolio_folder", "portfolios", "year_folder"]
