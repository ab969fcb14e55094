"""A downloaded export read as the services write it: which column is which, which rows to take.

Three layouts are read by their own header names, without a map:

- LG Inform's: one row per area (``area``, ``area label``), then one column per period;
- the Office for Local Government's data explorer: ``Financial year``, ``Local authority code``,
  ``Local authority name``, ``Measure`` and ``Code`` (the measure's code, not the area's),
  ``Value``, several measures in one file;
- any long table: ``area code``, ``period``, ``value``, optionally ``area name`` (LG Inform's
  long downloads, Fingertips' ``Area Code`` and ``Time period``).

Any other layout is read with ``--column ROLE=HEADER``. ``--where COLUMN=VALUE`` keeps the rows of
one indicator from a file that mixes several; only the rows it keeps are read and checked. A
period is read as ``2016/17``, ``2016-17`` or ``2016/2017``; a calendar year (``2019``) is
refused, since every comparator figure is for a financial year. Each column is read as one role
or listed as ignored, so the analyst sees what was taken from where.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from perflib.data import comparators, periods
from perflib.data.csvrows import rows
from perflib.errors import ParameterError, Problem

ROLES = ("area", "area_name", "period", "value")
#: What each role is called in a message.
ROLE_WORDS = {"area": "the area code", "area_name": "the area name", "period": "the period",
              "value": "the value"}
#: Each role's header as the services spell it, in lower case, most specific first. A bare
#: ``code`` is the area's only when its cells are area codes: the Office for Local Government
#: writes the measure's code there.
ALIASES = {"area": ("area code", "local authority code", "la code", "authority code",
                    "gss code", "ons code", "geography code", "area", "code"),
           "area_name": ("area name", "local authority name", "la name", "authority name",
                         "area label", "geography name", "name"),
           "period": ("period", "financial year", "time period", "year"),
           "value": ("value",)}
#: Columns that say which indicator a row counts, codes before names (a code is shorter to type
#: after --where): two values in one of them and the file mixes indicators.
INDICATOR = ("code", "indicator id", "indicator code", "measure code", "metric id",
             "metric code", "metric type id", "indicator", "indicator name", "measure",
             "measure name", "metric", "metric name", "metric type")
#: A header that names a period (LG Inform's one column per year).
PERIOD_HEADER = re.compile(r"^\d{4}(?:\s*[-/–]\s*\d{2,4})?(?: (?:Q[1-4]|M\d{2}))?$")
_FINANCIAL = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})((?: (?:Q[1-4]|M\d{2}))?)$")
CALENDAR_YEAR = re.compile(r"^\d{4}$")
#: How many of a column's values a message lists.
SHOWN = 7


@dataclass
class Cell:
    """One figure of the export before it is checked: where it is and what it says."""

    line: int
    column: str
    code: str
    name: str
    period: str
    text: str
    indicator: str = ""
    row: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Export:
    """What was read from an export, and how."""

    layout: str
    header: list[str]
    roles: dict[str, int]
    cells: list[Cell] = field(default_factory=list)
    #: the columns read as nothing (their positions)
    ignored: list[int] = field(default_factory=list)
    where: list[tuple[str, set[str]]] = field(default_factory=list)
    rows: int = 0
    picked: int = 0
    #: the column that says which indicator a row counts, and the values it holds in the rows
    #: kept (first line of each), when there is one
    indicator: str | None = None
    indicators: dict[str, int] = field(default_factory=dict)
    #: the indicators whose rows are for financial years
    financial: list[str] = field(default_factory=list)

    def said(self) -> list[str]:
        """What was read as what, the rows picked and the columns ignored, one line each."""
        parts = [f"'{self.header[j]}' as {ROLE_WORDS[r]}" for r, j in self.roles.items()]
        if self.layout == "LG Inform":
            parts.append("each year's column as that year's value")
        lines = ["Read " + ", ".join(parts) + "."]
        if self.where:
            picks = " and ".join(f"'{c}' is {' or '.join(sorted(v))}" for c, v in self.where)
            lines.append(f"Took the rows where {picks}: {self.picked} of {self.rows}.")
        names = [self.header[j] or f"(column {j + 1}, unnamed)" for j in self.ignored]
        lines.append("Ignored columns: " + (", ".join(names) or "none") + ".")
        return lines

    def differ(self, a: list[str], b: list[str]) -> tuple[str, str, str] | None:
        """The first ignored column two rows differ in, with their two values, if any."""
        j = next((j for j in self.ignored if a[j].strip() != b[j].strip()), None)
        return None if j is None else (self.header[j], a[j].strip(), b[j].strip())


def plain(name: str) -> str:
    """A header as it is compared: lower case, ``_`` as a space, spaces single."""
    return " ".join(name.replace("_", " ").lower().split())


def pairs(given: list[str] | None, flag: str) -> list[tuple[str, str]]:
    """``COLUMN=VALUE`` arguments split at their first ``=``; a ParameterError for one without."""
    out = []
    for g in given or []:
        key, eq, value = g.partition("=")
        if not eq or not key.strip():
            raise ParameterError(f"{flag} '{g}' is not of the form {flag} "
                                 f"{'ROLE=HEADER' if flag == '--column' else 'COLUMN=VALUE'}, "
                                 f"e.g. {flag} {EXAMPLES[flag]}")
        out.append((key.strip(), value.strip()))
    return out


EXAMPLES = {"--column": '"period=Time period"', "--where": "Code=ASC1"}


def financial_year(text: str) -> tuple[str | None, str | None]:
    """A period as values.csv writes it (``2016/17``), or what is wrong with it.

    >>> financial_year("2016-17"), financial_year("2016/2017")
    (('2016/17', None), ('2016/17', None))
    >>> financial_year("2019")[1]
    "'2019' is a calendar year, but a comparator figure is for a financial year (2019/20)"
    """
    t = text.strip()
    m = _FINANCIAL.match(t)
    if m:
        first, second, sub = m.groups()
        if len(second) == 4 and int(second) == int(first) + 1:
            second = second[2:]
        t = f"{first}/{second}{sub}"
    if CALENDAR_YEAR.match(t):
        return None, (f"'{t}' is a calendar year, but a comparator figure is for a financial "
                      f"year ({t}/{(int(t) + 1) % 100:02d})")
    bad = periods.problem(t)
    return (None, bad) if bad else (t, None)


def read(path: Path, text: str, where: list[tuple[str, str]], columns: list[tuple[str, str]],
         problems: list[Problem]) -> Export | None:
    """The export's cells, each with its area, period and figure as written; ``None`` if unread.

    Problems of the header, the map (``columns``) and the filter (``where``) go to ``problems``.
    """
    records = [(n, r) for n, r in rows(text, path) if "".join(r).strip()]
    if not records:
        problems.append(Problem(path, None, None, "the file is empty",
                                "download the export again"))
        return None
    header = [h.strip() for h in records[0][1]]
    names = [plain(h) for h in header]
    roles = _roles(path, header, names, records[1:], columns, problems)
    picks = _picks(path, header, names, where, problems)
    if roles is None or picks is None:
        return None
    shape = _layout(path, header, names, roles, problems)
    if shape is None:
        return None
    layout, wide = shape
    used = set(roles.values()) | set(wide) | {j for j, _ in picks}
    ex = Export(layout=layout, header=header, roles=roles, where=[(header[j], v) for j, v in picks],
                ignored=[j for j in range(len(header)) if j not in used])
    ind = next((j for n in INDICATOR for j, h in enumerate(names)
                if h == n and j not in roles.values() and j not in dict(picks)), None)
    ex.indicator = header[ind] if ind is not None else None
    matched = _cells(ex, records[1:], picks, wide, ind, path, problems)
    for j, values in picks:
        if not matched[j]:
            problems.append(Problem(path, None, header[j], f"no row has {header[j]} "
                                    f"{' or '.join(sorted(values))}", _held(header, j, records)))
    if picks and ex.picked == 0 and all(matched.values()):
        problems.append(Problem(path, None, header[picks[-1][0]], "no row is picked by every "
                                "--where at once", "drop one --where, or pick values that occur "
                                "together"))
    return ex


def _layout(path: Path, header: list[str], names: list[str], roles: dict[str, int],
            problems: list[Problem]) -> tuple[str, list[int]] | None:
    """The layout's name and, for LG Inform's, its period columns; ``None`` for neither."""
    wide = [j for j, h in enumerate(header) if j not in roles.values() and PERIOD_HEADER.match(h)]
    if "period" not in roles and "value" not in roles and "area" in roles and wide:
        for j in wide:
            bad = financial_year(header[j])[1]
            if bad:
                problems.append(Problem(path, 1, header[j], bad, "name each period column by the "
                                        "financial year it is for, like 2020/21, as LG Inform "
                                        "writes financial years"))
        return "LG Inform", wide
    if all(r in roles for r in ("area", "period", "value")):
        oflog = {"financial year", "local authority code"} <= set(names)
        return ("Office for Local Government" if oflog else "long"), []
    missing = [ROLE_WORDS[r] for r in ("area", "period", "value") if r not in roles]
    problems.append(Problem(path, 1, None, f"no column of the header is {' or '.join(missing)}",
                            "name them with --column, e.g. --column area=\"Area Code\" "
                            "--column period=\"Time period\" --column value=Value (perflib "
                            "reads LG Inform's layout, the Office for Local Government's "
                            "and a long table of area code, period and value by their own "
                            "names)"))
    return None


def _cells(ex: Export, body: list[tuple[int, list[str]]], picks: list[tuple[int, set[str]]],
           wide: list[int], ind: int | None, path: Path, problems: list[Problem]
           ) -> dict[int, int]:
    """The cells of the rows ``picks`` keeps, into ``ex``; how many rows each pick matched."""
    header, roles = ex.header, ex.roles
    financial: set[str] = set()
    matched = dict.fromkeys((j for j, _ in picks), 0)
    for line, r in body:
        ex.rows += 1
        if len(r) != len(header):
            problems.append(Problem(path, line, None, f"has {len(r)} cells but the header has "
                                    f"{len(header)}", "delete the line if it is a note below the "
                                    "table, or quote any cell that holds a comma"))
            continue
        hits = [r[j].strip() in v for j, v in picks]
        for (j, _), hit in zip(picks, hits, strict=True):
            matched[j] += hit
        if not all(hits):
            continue
        ex.picked += 1
        kind = r[ind].strip() if ind is not None else ""
        ex.indicators.setdefault(kind, line)
        for j in wide or [roles["value"]]:
            period = (header[j] if wide else r[roles["period"]]).strip()
            ex.cells.append(Cell(line, header[j], r[roles["area"]].strip(),
                                 r[roles["area_name"]].strip() if "area_name" in roles else "",
                                 period, r[j].strip(), kind, r))
            if kind not in financial and financial_year(period)[0] is not None:
                financial.add(kind)
    ex.financial = [k for k in ex.indicators if k in financial]
    return matched


def _held(header: list[str], j: int, records: list[tuple[int, list[str]]]) -> str:
    seen = list(dict.fromkeys(r[j].strip() for _, r in records[1:] if j < len(r)))
    shown = ", ".join(seen[:SHOWN]) + (f" and {len(seen) - SHOWN} more" if len(seen) > SHOWN
                                       else "")
    return f"pick one of the values the column holds: {shown or 'none'}"


def _roles(path: Path, header: list[str], names: list[str],
           body: list[tuple[int, list[str]]], columns: list[tuple[str, str]],
           problems: list[Problem]) -> dict[str, int] | None:
    """Which column is each role: the map's first, then each role's usual names."""
    roles: dict[str, int] = {}
    ok = True
    for role, head in columns:
        if role not in ROLES:
            raise ParameterError(f"--column '{role}={head}': '{role}' is not a role; use "
                                 f"{', '.join(ROLES)}")
        j = _find(head, names)
        if j is None:
            problems.append(Problem(path, 1, head, "the file has no such column", _close(
                head, header)))
            ok = False
        elif j in roles.values():
            problems.append(Problem(path, 1, head, "is mapped to two roles with --column",
                                    "map each column to one role"))
            ok = False
        else:
            roles[role] = j
    for role in ROLES:
        if role in roles:
            continue
        for alias in ALIASES[role]:
            j = _find(alias, names)
            if j is None or j in roles.values():
                continue
            if alias == "code" and not _area_codes(body, j):
                continue
            roles[role] = j
            break
    return roles if ok else None


def _area_codes(body: list[tuple[int, list[str]]], j: int) -> bool:
    """Whether most of a column's filled cells are ONS area codes."""
    cells = [r[j].strip() for _, r in body[:200] if j < len(r) and r[j].strip()]
    codes = sum(bool(comparators.AREA_CODE_RE.match(c)) for c in cells)
    return bool(cells) and codes * 2 > len(cells)


def _picks(path: Path, header: list[str], names: list[str], where: list[tuple[str, str]],
           problems: list[Problem]) -> list[tuple[int, set[str]]] | None:
    """``--where``'s columns and the values each may hold (one of them, if given twice)."""
    picks: dict[int, set[str]] = {}
    ok = True
    for head, value in where:
        j = _find(head, names)
        if j is None:
            problems.append(Problem(path, 1, head, "the file has no such column for --where",
                                    _close(head, header)))
            ok = False
            continue
        picks.setdefault(j, set()).add(value)
    return list(picks.items()) if ok else None


def _find(head: str, names: list[str]) -> int | None:
    p = plain(head)
    return names.index(p) if p in names else None


def _close(head: str, header: list[str]) -> str:
    near = difflib.get_close_matches(head, header, n=1)
    hint = f"is '{near[0]}' meant? " if near else ""
    return f"{hint}name a column as the header writes it: {', '.join(header)}"


def mixed(ex: Export, path: Path) -> Problem | None:
    """The file mixes indicators in the rows kept: a problem naming --where, else ``None``."""
    if ex.indicator is None or len(ex.indicators) < 2:
        return None
    values = list(ex.indicators)
    line = ex.indicators[values[1]]
    shown = ", ".join(values[:SHOWN]) + (f" and {len(values) - SHOWN} more"
                                         if len(values) > SHOWN else "")
    return Problem(path, line, ex.indicator, f"the file mixes {len(values)} indicators in this "
                   f"column ({shown})", f"pick this metric's rows with --where "
                   f"\"{ex.indicator}={(ex.financial or values)[0]}\"")


def calendar_fix(ex: Export) -> str:
    """How to mend a calendar year: --where in a file of several indicators, else the download."""
    if ex.indicator is not None and len(ex.indicators) > 1 and ex.financial:
        return (f"the file mixes indicators: pick one counted by financial year with --where "
                f"\"{ex.indicator}={ex.financial[0]}\"")
    return ("download the figures by financial year (like 2019/20), as every comparator is "
            "compared with the report year")


__all__ = ["ALIASES", "Cell", "Export", "INDICATOR", "ROLES", "calendar_fix", "financial_year",
           "mixed", "pairs", "plain", "read"]
