"""The data files a report publishes, checked before the build writes them: plain CSV names.

A notebook publishes data files beside its report (``perflib.notebook.publish``, or a kind's
``data_files``; each cell written as a spreadsheet will not run it, by
:class:`perflib.present.display.Published`). Since a report may be a notebook an analyst wrote,
the names it gives are checked before the build writes them: each must be a plain ``.csv`` file
name, so that it is written into the report's folder and nowhere else.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.csv$")


def checked(files: dict[str, str]) -> dict[str, str]:
    """``files`` (name -> CSV text) if every name is a plain CSV file name; else a ValueError."""
    for name in files:
        if not _NAME.match(name):
            raise ValueError(f"the notebook publishes a data file named {name!r}: give it a plain "
                             "file name ending .csv, like repairs.csv (it is written beside the "
                             "report)")
    return files


__all__ = ["checked"]
