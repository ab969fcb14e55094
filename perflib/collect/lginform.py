"""``perflib import-comparators``: national and neighbours' figures from a downloaded export.

The export is read by :mod:`perflib.collect.exports` (LG Inform's layout, the Office for Local
Government's, a long table, or any layout with ``--column``; one indicator of several with
``--where``), every area code, period and figure checked with the words the comparator files'
own checks use, and the rows merged into ``comparators/values.csv`` keyed by area, metric and
period: a figure already held is left as it is, and one that differs is shown and taken only
with ``replace``. The metric must be one ``comparators/metrics.csv`` names (``measure`` adds it).
Once neighbours.csv lists the council's neighbours, only the areas compared (the council, its
neighbours and the metric's national area) are taken: an export of every council holds hundreds
the reports never print. The new file is tried through the portfolio's checks first
(:mod:`perflib.collect.trial`), then written in one step, keeping every row it does not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from perflib.collect import edits, exports, trial
from perflib.data import comparators, files, plausible, specs
from perflib.data.door import read_bytes, read_to_edit
from perflib.data.portfolio import Portfolio, read_portfolio
from perflib.data.schema import SLUG_RE, Column
from perflib.errors import DataError, ParameterError, Problem

#: What an export writes where it has no figure (suppressed, not available, not applicable).
NO_FIGURE = {"", "-", "..", ":", "n/a", "na", "x", "[x]", "[c]", "[z]", "*", "#", "~"}
VALUE = Column("value", "number", minimum=0)
#: A figure of a metric compared with a measure that may go below zero (a backlog, a variance).
SIGNED_VALUE = Column("value", "number")
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


@dataclass
class Read:
    """An export's checked figures, how it was read, and how many cells had no figure."""

    figures: list[Figure] = field(default_factory=list)
    export: exports.Export | None = None
    empty: int = 0

    @property
    def layout(self) -> str:
        """'LG Inform', 'Office for Local Government' or 'long'."""
        return self.export.layout if self.export is not None else ""


def read_export(path: Path, capped_by: str | None, problems: list[Problem],
                where: list[str] | None = None, columns: list[str] | None = None,
                signed: bool = False) -> Read:
    """The export's figures, checked; what is wrong goes to ``problems``.

    ``capped_by`` is the percentage measure the metric is compared with, if any: its figures
    must then lie within 0 to 100. ``signed`` when it is compared with a measure whose figures
    may go below zero (``may_be_negative``): its figures may too. ``where`` (``COLUMN=VALUE``)
    and ``columns`` (``ROLE=HEADER``) are the command's ``--where`` and ``--column``.
    """
    picks, roles = exports.pairs(where, "--where"), exports.pairs(columns, "--column")
    out = Read()
    raw = read_bytes(path, problems, "give the path of the downloaded export (.csv)",
                     inside=False)
    if raw is None:
        return out
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(path, None, None, "is not UTF-8 text",
                                "download the export as CSV again, or save it as 'CSV UTF-8'"))
        return out
    try:
        ex = exports.read(path, text, picks, roles, problems)
    except DataError as exc:  # a cell past the bound
        problems.extend(exc.problems)
        return out
    if ex is None:
        return out
    out.export = ex
    mixed = exports.mixed(ex, path)
    if mixed is not None:
        problems.append(mixed)
    area = ex.header[ex.roles["area"]]
    seen: dict[tuple[str, str], exports.Cell] = {}
    for c in ex.cells:
        if c.text.lower() in NO_FIGURE:
            out.empty += 1
            continue
        if mixed is not None and not exports.CALENDAR_YEAR.match(c.period.strip()):
            continue  # the other indicators' figures are checked once --where picks one
        if not comparators.AREA_CODE_RE.match(c.code):
            problems.append(Problem(path, c.line, area, f"'{c.code}' is not an ONS area code",
                                    "write the nine-character GSS code, e.g. E08000007 for "
                                    "Stockport or E92000001 for England"))
            continue
        period, bad = exports.financial_year(c.period)
        if bad or period is None:
            calendar = exports.CALENDAR_YEAR.match(c.period.strip())
            if ex.layout != "LG Inform":  # LG Inform's periods are its header's, named there
                problems.append(Problem(path, c.line, ex.header[ex.roles["period"]], bad or "",
                                        exports.calendar_fix(ex) if calendar else
                                        "write the period like 2020/21"))
            continue
        value, wrong, fix = (SIGNED_VALUE if signed else VALUE).parse(c.text)
        if wrong and value is None and " is below 0" in wrong:
            fix = (f"{fix}; if the measure the metric is compared with may go below zero (a "
                   "backlog, a variance), write yes in its may_be_negative column in measures.csv")
        if wrong:
            problems.append(Problem(path, c.line, c.column, wrong, fix or ""))
            continue
        if capped_by and value > 100:
            problems.append(Problem(path, c.line, c.column, f"{value:g} is above 100%, but the "
                                    f"metric is compared with {capped_by}, a percentage",
                                    specs.ABOVE_100_FIX))
            continue
        first = seen.get((c.code, period))
        if first is not None:
            problems.append(_repeat(path, ex, c, first, period))
            continue
        seen[c.code, period] = c
        out.figures.append(Figure(c.line, c.column, c.code, c.name, period, float(value),
                                  c.text))
    return out


def _repeat(path: Path, ex: exports.Export, c: exports.Cell, first: exports.Cell,
            period: str) -> Problem:
    """A second figure for an area and period: the column the two rows differ in, if any."""
    fix = "delete the duplicate or correct its key"
    differ = ex.differ(first.row, c.row) if c.row and first.row else None
    if differ:
        column, a, b = differ
        fix = (f"the two rows differ in '{column}' ({a}, {b}): keep the rows of one with "
               f"--where \"{column}={a}\"")
    return Problem(path, c.line, c.column, f"repeats row {first.line} ({c.code}, {period})", fix)


def _capped_by(p: Portfolio, metric: str, measure: str | None) -> str | None:
    """The percentage measure (kept within 0 to 100) a metric is compared with, if any."""
    ids = set(_measures_of(p, metric)) | ({measure} if measure else set())
    ids &= specs.capped_ids(p.measures.frame)
    return min(ids) if ids else None


def _signed(p: Portfolio, metric: str, measure: str | None) -> bool:
    """Whether a metric is compared with a measure whose figures may go below zero."""
    ids = set(_measures_of(p, metric)) | ({measure} if measure else set())
    m = p.measures.frame
    return bool(ids & set(m.loc[specs.negative_ok(m), "measure_id"]))


def _measures_of(p: Portfolio, metric: str) -> list[str]:
    """The measures metrics.csv compares on ``metric``."""
    if p.comparators is None:
        return []
    m = p.comparators.metrics.frame
    return sorted(set(m.loc[m["metric"] == metric, "measure_id"].dropna()))


def _compared(p: Portfolio, metric: str) -> set[str] | None:
    """The areas a report compares on ``metric``: ``None`` (every area) before any neighbour."""
    if p.comparators is None:
        return None
    nb = p.comparators.neighbours.frame
    if not (nb["role"] == "neighbour").any():
        return None
    m = p.comparators.metrics.frame
    return set(nb["area_code"].dropna()) | set(
        m.loc[m["metric"] == metric, "national_code"].dropna())


def _metric_named(p: Portfolio, metric: str, measure: str | None, folder: Path
                  ) -> tuple[str | None, list[Problem]]:
    """The measure to add ``metric`` for in metrics.csv (``None``: it is there), or why not."""
    named = _measures_of(p, metric)
    path = files.get("comparators/metrics.csv").path(p.path)
    if named:
        if measure is not None and measure not in named:
            return None, [Problem(path, None, "measure_id", f"compares {metric} with "
                                  f"{', '.join(named)}, not {measure}", "leave --measure out, or "
                                  "correct the metric's row in metrics.csv")]
        return None, []
    if measure is None:
        example = p.measures.frame["measure_id"].iloc[0] if len(p.measures.frame) else "an_id"
        if p.comparators is None:
            return None, [Problem(folder, None, None, "the portfolio has no comparators folder "
                                  f"yet, so no metrics.csv names '{metric}'", "run again with "
                                  "--measure "
                                  "MEASURE_ID (the measure this metric is compared with) to start "
                                  "the folder with the metric named in its metrics.csv")]
        return None, [Problem(path, None, "metric", f"no row names the metric '{metric}'",
                              f"add a row for it (measure_id,metric,national_code,national_label"
                              f", e.g. {example},{metric},E92000001,England average; leave the "
                              "last two empty when no national figure is compared), or run again "
                              "with --measure MEASURE_ID to add it")]
    if measure not in set(p.measures.frame["measure_id"]):
        register = files.get("measures.csv").path(p.path)
        return None, [Problem(register, None, "measure_id", f"names no measure '{measure}' "
                              "(given with --measure)", "give --measure a measure_id as "
                              "measures.csv writes it")]
    return measure, []


def import_comparators(portfolio: str, path: Path, metric: str, data_dir: Path,
                       source: str | None = None, replace: bool = False,
                       where: list[str] | None = None, columns: list[str] | None = None,
                       measure: str | None = None) -> str:
    """Merge an export's figures for ``metric`` into the portfolio's comparators/values.csv.

    ``where`` and ``columns`` are ``--where COLUMN=VALUE`` and ``--column ROLE=HEADER``;
    ``measure`` adds the metric to metrics.csv (compared with that measure, without a national
    figure) when it is not there. Raises :class:`DataError`, with nothing written, naming every
    line of the export that is wrong and every figure that differs from one held (unless
    ``replace``).
    """
    if not SLUG_RE.match(metric):
        raise ParameterError(f"--metric '{metric}' is not a metric id: use lower-case letters, "
                             "digits and _, as comparators/metrics.csv names it")
    p, problems = read_portfolio(portfolio, data_dir)
    folder = comparators.folder(p.path) if p is not None else None
    if p is None or folder is None or (folder.is_dir() and p.comparators is None):
        raise DataError(problems)
    adding, found = _metric_named(p, metric, measure, folder)
    got = read_export(Path(path), _capped_by(p, metric, adding), found, where, columns,
                      _signed(p, metric, adding))
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
    compared = _compared(p, metric)
    tally = Tally(empty=got.empty)
    for f in got.figures:
        if compared is not None and f.code not in compared:
            tally.others += 1
            continue
        name = names.get(f.code) or f.name
        if not name:
            found.append(Problem(path, f.line, "area name", f"'{f.code}' has no name in the "
                                 "export, values.csv or neighbours.csv", "add an 'area name' "
                                 "column to the export (or map one with --column area_name="
                                 "HEADER), or the area to comparators/neighbours.csv"))
            continue
        cells = {"area_code": f.code, "area_name": name, "metric": metric, "period": f.period,
                 "value": f.text, "source": source}
        row = [cells.get(h, "") for h in header]
        key = (f.code, metric, f.period)
        if key not in held:
            tally.added.append((f, row))
            continue
        line, old = held[key]
        try:
            before = float(old[at["value"]])
        except ValueError:
            before = None
        if before == f.value:
            tally.same += 1
        elif replace:
            tally.replaced[line] = row
        else:
            found.append(Problem(path, f.line, f.column, f"{f.code} {metric} {f.period} is "
                                 f"{f.text} here, but {held_path} holds {old[at['value']]} (row "
                                 f"{line}, source: {old[at['source']].strip()})",
                                 "run again with --replace to take this export's figures, or "
                                 "leave the export out"))
    if found:
        raise DataError(found)
    new = edits.append_rows(edits.replace_rows(raw, tally.replaced),
                            [r for _, r in tally.added])
    changes = {held_path: new}
    if p.comparators is None:  # a new folder: neighbours.csv starts with its header alone
        start = files.get("comparators/neighbours.csv")
        changes[start.path(p.path)] = start.header().encode("utf-8")
    if adding is not None:
        changes.update(_add_metric(p, metric, adding))
    if tally.replaced or tally.added or adding is not None:
        broken = trial.new_problems(p, changes)
        if broken:
            raise DataError(broken)
        if p.comparators is None:
            edits.Edits(folder=folder, new={k.name: v for k, v in changes.items()}).write()
        else:
            edits.Edits(files=changes).write()
    return _summary(path, got, metric, held_path, tally, adding) + plausible.export_warnings(
        p, metric, [f for f in got.figures if compared is None or f.code in compared],
        _capped_by(p, metric, adding) is not None)


def _add_metric(p: Portfolio, metric: str, measure: str) -> dict[Path, bytes]:
    """metrics.csv with a row comparing ``measure`` on ``metric``, without a national figure."""
    spec = files.get("comparators/metrics.csv")
    path = spec.path(p.path)
    raw = read_to_edit(path) if p.comparators is not None else spec.header().encode("utf-8")
    header, _ = edits.numbered(raw)
    cells = {"measure_id": measure, "metric": metric}
    return {path: edits.append_rows(raw, [[cells.get(h, "") for h in header]])}


@dataclass
class Tally:
    """What a merge does with the export's figures."""

    added: list[tuple[Figure, list[str]]] = field(default_factory=list)
    replaced: dict[int, list[str]] = field(default_factory=dict)
    same: int = 0
    empty: int = 0
    #: figures for areas the reports do not compare, left out
    others: int = 0


def _summary(path: Path, got: Read, metric: str, held: Path, t: Tally,
             adding: str | None) -> str:
    first = (f"{Path(path).name} ({got.layout} layout), {metric}: {_n(len(t.added), 'figure')} "
             f"added, {len(t.replaced)} replaced, {t.same} already held; "
             f"{_n(t.empty, 'cell')} without a figure left out")
    if t.others:
        first += (f"; {_n(t.others, 'figure')} for areas not compared (not the council, a "
                  "neighbour or the national area in comparators/) left out")
    lines = [first + ".", *(got.export.said() if got.export is not None else [])]
    for f, _ in t.added[:SHOWN]:
        lines.append(f"  added {f.code} {f.period}: {f.text}")
    if len(t.added) > SHOWN:
        lines.append(f"  and {len(t.added) - SHOWN} more")
    if adding is not None:
        lines.append(f"Added {metric} to comparators/metrics.csv, compared with {adding} (no "
                     "national figure: name its area in national_code and national_label to "
                     "print one).")
    wrote = [str(held)] if t.added or t.replaced else []
    if adding is not None:
        wrote.append(str(held.with_name("metrics.csv")))
    lines.append(f"Wrote {' and '.join(wrote)}." if wrote else "Nothing to change.")
    return "\n".join(lines)


def _n(count: int, noun: str) -> str:
    """'1 figure', '2 figures'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


__all__ = ["Figure", "Read", "import_comparators", "read_export"]
