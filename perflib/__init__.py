"""perflib: a council portfolio's performance and finance data, turned into committee reports.

The public API is small: load a report year, render its sections, build the reports.
"""

from __future__ import annotations

__version__ = "0.3.0"

from perflib.errors import (  # noqa: E402
    BrowserNotFound,
    BuildLocked,
    DataError,
    NotebookError,
    ParameterError,
    PerflibError,
)

__all__ = [
    "BrowserNotFound",
    "BuildLocked",
    "DataError",
    "NotebookError",
    "ParameterError",
    "PerflibError",
    "Report",
    "__version__",
    "load_all",
    "load_report",
]


def __getattr__(name: str):  # PEP 562: `perflib build` starts without importing pandas first
    if name == "Report":
        from perflib.data.year import Report

        return Report
    if name in ("load_all", "load_report"):
        from perflib.reports import checks

        return getattr(checks, name)
    raise AttributeError(f"module 'perflib' has no attribute {name!r}")
