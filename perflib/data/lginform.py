"""``perflib import-comparators``: national and neighbours' figures from a downloaded export.

LG Inform (the Local Government Association's data service) exports a metric as one row per
area, ``area``, ``area label`` and optionally ``area long label``, then one column per period
(``2019/20``); the Office for Local Government's data explorer and most other services give a
long table instead, one row per area and period (``area code``, ``period``, ``value``, optionally
``area name``). Either is read, every area code and figure checked with the words the comparator
files' own checks use, and the rows merged into ``comparators/values.csv`` keyed by area, metric
and period: a figure already held is left as it is, and one that differs is shown and taken only
with ``replace``. The new file is tried through the portfolio's checks first
(:mod:`perflib.data.trial`), then written in one step, keeping every row it does not change.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from perflib.data import comparators, edits, files, periods, specs, trial
from perflib.data.door import read_bytes, read_to_edit
from perflib.data.portfolio import Portfolio, read_portfolio
from perflib.data.schema import SLUG_RE, Column
from perflib.errors import DataError, ParameterError, Problem

#: What an export writes where it has no figure (suppressed, not available, not applicable).
NO_FIGURE = {"", "-", "..", ":", "n/a", "na", "x", "[x]", "[c]", "[z]", "*", "#", "~"}
#: The long layout's column names, each as the services spell it (compared in lower case).
LONG = {"code": ("area code", "area", "code", "gss code", "ons code"),
        "name": ("area name", "area label", "name"),
        "period": ("period", "year", "time period"),
        "value": ("value",)}
WIDE_AREA = ("area", "area label", "area long label")
VALUE = Column("value", "number", minimum=0)
#: How many added figures the summary lists before counting the rest.
SHOWN = 20


@dataclass
class Figure:
    """One figure of the export: where it is in the file, and what it says."""

    line: int
    column: str
    code: str
    name: str
    period: str
    value: float
    text: str


def _plain(name: str) -> str:
    return " ".join(name.replace("_", " ").lower().split())


def read_export(path: Path, capped_by: str | None, problems: list[Problem]
                ) -> tuple[list[Figure], str, int]:
    """The export's figures, its layout ('LG Inform' or 'long') and how many cells had none.

    ``capped_by`` is the percentage measure the metric is compared with, if any: its figures
    must then lie within 0 to 100.
    """
    raw = read_bytes(path, problems, "give the path of the downloaded export (.csv)",
                     inside=False)
    if raw is None:
        return [], "", 0
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(path, None, None, "is not UTF-8 text",
                                "download the export as CSV again, or save it as 'CSV UTF-8'"))
        return [], "", 0
    rows = [r for r in csv.reader(io.StringIO(text, newline=""))]
    header = [_plain(h) for h in rows[0]] if rows else []
    long = {k: next((header.index(n) for n in names if n in header), None)
            for k, names in LONG.items()}
    out: list[Figure] = []
    empty = 0
    if "area" in header and "area label" in header and long["period"] is None:
        layout = "LG Inform"
        cols = []
        for j, h in enumerate(header):
            if h in WIDE_AREA:
                continue
            bad = periods.problem(rows[0][j].strip())
            if bad:
                problems.append(Problem(path, 1, rows[0][j], bad, "name each period column by "
                                        "the year it is for, like 2020/21, as LG Inform writes "
                                        "financial years"))
            else:
                cols.append(j)
        at_code, at_name = header.index("area"), header.index("area label")
        cells = [(n, r, r[at_code], r[at_name], rows[0][j].strip(), r[j], rows[0][j])
                 for n, r in enumerate(rows[1:], start=2) if any(x.strip() for x in r)
                 for j in cols if j < len(r)]
    elif (c := long["code"]) is not None and (q := long["period"]) is not None and \
            (v := long["value"]) is not None:
        layout = "long"
        name_at = long["name"]
        cells = [(n, r, r[c], r[name_at] if name_at is not None else "", r[q].strip(), r[v],
                  rows[0][v]) for n, r in enumerate(rows[1:], start=2) if len(r) == len(header)]
    else:
        problems.append(Problem(path, 1, None, "the header names neither layout perflib reads",
                                "give LG Inform's columns (area, area label, then one column "
                                "per period such as 2019/20) or a long table's (area code, "
                                "period, value)"))
        return [], "", 0
    seen: dict[tuple[str, str], int] = {}
    for line, _, code, name, period, cell, column in cells:
        code, cell = code.strip(), cell.strip()
        if cell.lower() in NO_FIGURE:
            empty += 1
            continue
        if not comparators.AREA_CODE_RE.match(code):
            problems.append(Problem(path, line, rows[0][long["code"] or 0] if layout == "long"
                                    else "area", f"'{code}' is not an ONS area code",
                                    "write the nine-character GSS code, e.g. E08000007 for "
                                    "Stockport or E92000001 for England"))
            continue
        bad = periods.problem(period)
        if bad:
            problems.append(Problem(path, line, "period", bad, "write the period like 2020/21"))
            continue
        value, wrong, fix = VALUE.parse(cell)
        if wrong:
            problems.append(Problem(path, line, column, wrong, fix or ""))
            continue
        if capped_by and value > 100:
            problems.append(Problem(path, line, column, f"{value:g} is above 100%, but the "
                                    f"metric is compared with {capped_by}, a percentage",
                                    specs.ABOVE_100_FIX))
            continue
        if (code, period) in seen:
            problems.append(Problem(path, line, column, f"repeats row {seen[code, period]} "
                                    f"({code}, {period})", "delete the duplicate or correct its "
                                    "key"))
            continue
        seen[code, period] = line
        out.append(Figure(line, column, code, name.strip(), period, float(value), cell))
    return out, layout, empty


def _capped_by(p: Portfolio, metric: str) -> str | None:
    """The percentage measure (kept within 0 to 100) a metric is compared with, if any."""
    if p.comparators is None:
        return None
    m = p.comparators.metrics.frame
    ids = set(m.loc[m["metric"] == metric, "measure_id"]) & specs.capped_ids(p.measures.frame)
    return min(ids) if ids else None


def import_comparators(portfolio: str, path: Path, metric: str, data_dir: Path,
                       source: str | None = None, replace: bool = False) -> str:
    """Merge an export's figures for ``metric`` into the portfolio's comparators/values.csv.

    Raises :class:`DataError`, with nothing written, naming every line of the export that is
    wrong and every figure that differs from one held (unless ``replace``).
    """
    if not SLUG_RE.match(metric):
        raise ParameterError(f"--metric '{metric}' is not a metric id: use lower-case letters, "
                             "digits and _, as comparators/metrics.csv names it")
    p, problems = read_portfolio(portfolio, data_dir)
    folder = comparators.folder(p.path) if p is not None else None
    if p is None or (folder is not None and folder.is_dir() and p.comparators is None):
        raise DataError(problems)
    found: list[Problem] = []
    figures, layout, empty = read_export(Path(path), _capped_by(p, metric), found)
    if found:
        raise DataError(found)
    source = source or Path(path).name
    values = files.get("comparators/values.csv")
    held_path = values.path(p.path)
    raw = read_to_edit(held_path) if p.comparators is not None else values.header().encode("utf-8")
    header, records = edits.numbered(raw)
    at = {h: i for i, h in enumerate(header)}
    held = {(r[at["area_code"]].strip(), r[at["metric"]].strip(), r[at["period"]].strip()):
            (line, r) for line, r in records}
    names = {r[at["area_code"]].strip(): r[at["area_name"]].strip() for _, r in records}
    if p.comparators is not None:
        nb = p.comparators.neighbours.frame
        names = {**dict(zip(nb["area_code"], nb["area_name"], strict=True)), **names}
    replaced: dict[int, list[str]] = {}
    added: list[tuple[Figure, list[str]]] = []
    same = 0
    for f in figures:
        name = names.get(f.code) or f.name
        if not name:
            found.append(Problem(path, f.line, "area name", f"'{f.code}' has no name in the "
                                 "export, values.csv or neighbours.csv", "add an 'area name' "
                                 "column to the export, or the area to comparators/neighbours.csv"))
            continue
        cells = {"area_code": f.code, "area_name": name, "metric": metric, "period": f.period,
                 "value": f.text, "source": source}
        row = [cells.get(h, "") for h in header]
        key = (f.code, metric, f.period)
        if key not in held:
            added.append((f, row))
            continue
        line, old = held[key]
        try:
            before = float(old[at["value"]])
        except ValueError:
            before = None
        if before == f.value:
            same += 1
        elif replace:
            replaced[line] = row
        else:
            found.append(Problem(path, f.line, f.column, f"{f.code} {metric} {f.period} is "
                                 f"{f.text} here, but {held_path} holds {old[at['value']]} (row "
                                 f"{line}, source: {old[at['source']].strip()})",
                                 "run again with --replace to take this export's figures, or "
                                 "leave the export out"))
    if found:
        raise DataError(found)
    new = edits.append_rows(edits.replace_rows(raw, replaced), [r for _, r in added])
    changes = {held_path: new}
    if p.comparators is None:  # a new folder: the other two files start with their headers
        for name in ("neighbours.csv", "metrics.csv"):
            start = files.get(f"comparators/{name}")
            changes[start.path(p.path)] = start.header().encode("utf-8")
    if replaced or added:
        broken = trial.new_problems(p, changes)
        if broken:
            raise DataError(broken)
        if p.comparators is None:
            edits.Edits(folder=folder, new={k.name: v for k, v in changes.items()}).write()
        else:
            edits.Edits(files={held_path: new}).write()
    return _summary(path, layout, metric, held_path, added, replaced, same, empty)


def _summary(path: Path, layout: str, metric: str, held: Path, added: list[tuple[Figure, list[str]]],
             replaced: dict[int, list[str]], same: int, empty: int) -> str:
    lines = [f"{Path(path).name} ({layout} layout), {metric}: {len(added)} figures added, "
             f"{len(replaced)} replaced, {same} already held; {empty} cells without a figure "
             "left out."]
    for f, _ in added[:SHOWN]:
        lines.append(f"  added {f.code} {f.period}: {f.text}")
    if len(added) > SHOWN:
        lines.append(f"  and {len(added) - SHOWN} more")
    lines.append(f"Wrote {held}." if added or replaced else "Nothing to change.")
    return "\n".join(lines)


__all__ = ["Figure", "import_comparators", "read_export"]
