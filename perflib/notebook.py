"""What a notebook calls first: checked parameters in, a loaded report out."""

from __future__ import annotations

from pathlib import Path

from perflib import config
from perflib.errors import ParameterError
from perflib.data.load import Report, check_year, load_report


def data_path(data_dir: str | Path | None) -> Path:
    """The data folder a notebook was given, which must lie inside the project."""
    path = Path(data_dir).resolve() if data_dir else config.DATA_DIR
    root = config.PROJECT_ROOT.resolve()
    if not path.is_relative_to(root):
        raise ParameterError(f"data_dir {data_dir} is outside the project ({root}); "
                             "put the data under the project's data/ folder")
    return path


def load(portfolio: str, year: str, data_dir: str | Path | None = None) -> Report:
    """Check the notebook's parameters and load its report year."""
    check_year(year)
    return load_report(portfolio, year, data_path(data_dir))
