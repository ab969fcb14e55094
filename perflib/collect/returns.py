"""``perflib returns``: the Excel workbooks the services fill in with a period's figures.

Each quarter (or year) the performance team sends every service a return: its measures, the
figures last reported and the target, with room for the new figure and its commentary. perflib
writes one per owner (measures.csv's optional ``owner``; one for the portfolio where none is
given), under ``returns/<portfolio>/<period>/``, and ``perflib import`` reads them back through
the same checks as the CSV files (:mod:`perflib.collect.intake`). The workbook itself is laid out
in :mod:`perflib.collect.returnbook`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from perflib import config, units
from perflib.collect import edits, intake, returnbook
from perflib.collect import returnform as form
from perflib.collect.returnform import Line
from perflib.data import periods
from perflib.data.portfolio import Portfolio, load_portfolio, nan
from perflib.errors import ParameterError

POLARITY_WORDS = {"High": "Higher is better", "Low": "Lower is better",
                  "Not applicable": "Neither is better: contextual"}


@dataclass
class ReturnPlan:
    """The returns of one portfolio and period: their rows, by workbook."""

    portfolio: Portfolio
    period: periods.Period
    books: dict[str, list[Line]] = field(default_factory=dict)
    owners: dict[str, str | None] = field(default_factory=dict)

    @property
    def report(self) -> str:
        """The report year the period's figures are published under."""
        return self.period.year


def check_period(text: str) -> periods.Period:
    """The period a return is asked for, or a ParameterError saying how to write one."""
    p = form.return_period(text)
    if p is None:
        raise ParameterError(f"'{text}' is not a period a return can be for: give a year like "
                             "2021/22 or a quarter like \"2021/22 Q1\" (in quotes, for the space)")
    return p


def _latest(p: Portfolio, report: str) -> pd.DataFrame:
    """Each measure's and period's figure from the latest report up to ``report`` that has it."""
    o = p.observations.frame
    o = o[o["report"] <= report].sort_values("report", kind="stable")
    return o.groupby(["measure_id", "period"], sort=False).tail(1).set_index(
        ["measure_id", "period"])


def _earlier(period: periods.Period) -> list[str]:
    """The periods a row shows for context: the one before, and the same one a year earlier."""
    if period.kind == "year":
        before = periods.previous_year(period.year)
        return [before, periods.previous_year(before)]
    per = periods.PER_YEAR[period.kind]
    ago = periods.previous_year(period.year)
    n = period.number
    last = periods.Period(period.year, period.kind, n - 1) if n > 1 else \
        periods.Period(ago, period.kind, per)
    return list(dict.fromkeys([last.label, periods.Period(ago, period.kind, n).label]))


def _figure(row: pd.Series | None, style: units.Style) -> str:
    """A held figure as the report prints it, with its kind when it is not an actual."""
    if row is None:
        return "none held"
    if nan(row["value"]):
        return str(row["figure_kind"]) if not nan(row["figure_kind"]) else "none held"
    text = units.show(style, row["value"], row["numerator"], row["denominator"])
    kind = row["figure_kind"]
    return text if nan(kind) or kind == "actual" else f"{text} ({kind})"


def _target(m: pd.Series) -> str:
    if m["target_type"] == "numerical":
        if nan(m["target"]):
            return "No target"
        return units.show(units.style(m, m["target_decimals"]), m["target"])
    if m["target_type"] in ("direction", "comparator") and not nan(m["target_label"]):
        return str(m["target_label"])
    return "No target"


def _about(m: pd.Series, style: units.Style) -> str:
    """Which way is good, the unit and the definition, in one cell: a row fits one page width."""
    parts = [POLARITY_WORDS.get(m["polarity"], str(m["polarity"])),
             style.label[:1].upper() + style.label[1:]]
    if not nan(m["definition"]) and str(m["definition"]).strip():
        parts.append(str(m["definition"]).strip().rstrip("."))
    return ". ".join(parts) + "."


def _rows_of(p: Portfolio, mid: str, period: periods.Period) -> list[str]:
    """The periods a measure needs figures for in a return for ``period`` (none: it has none).

    A year return asks every measure for the year. A quarter's asks the measures whose figures
    come in by quarter (its months, for one whose figures come in by month), judged by the
    periods observations.csv holds for it.
    """
    if period.kind == "year":
        return [period.label]
    held = p.observations.frame.loc[p.observations.frame["measure_id"] == mid, "period"]
    kinds = {q.kind for q in (periods.parse(x) for x in held.dropna()) if q is not None}
    if "month" in kinds:
        return [periods.Period(period.year, "month", n).label for n in periods.months(period.number)]
    return [period.label] if "quarter" in kinds else []


def plan(p: Portfolio, period: periods.Period) -> ReturnPlan:
    """What each return of ``period`` holds: its measures, in the register's order, by owner."""
    report = period.year
    if report not in p.years:
        raise ParameterError(f"{report} is not a report year of '{p.id}' (held: "
                             f"{', '.join(p.years) or 'none'}); scaffold it first with "
                             f"perflib new-year {p.id} {report}")
    reg = p.measures.frame
    reg = reg[reg["year"] == report].sort_values(["priority", "order"], kind="stable")
    latest = _latest(p, report)
    out = ReturnPlan(p, period)
    for _, m in reg.iterrows():
        mid = str(m["measure_id"])
        owner = None if nan(m["owner"]) or not str(m["owner"]).strip() else str(m["owner"]).strip()
        name = form.workbook_name(p.id, period.label, owner)
        if name in out.owners and out.owners[name] != owner:
            raise ParameterError(f"the owners '{out.owners[name]}' and '{owner}' in "
                                 f"{p.measures.path} would share the return {name}: write each "
                                 "owner's name the same way on every row, or tell them apart")
        for i, label in enumerate(_rows_of(p, mid, period)):
            out.owners[name] = owner
            out.books.setdefault(name, []).append(_line(m, label, latest, owner, i == 0))
    if not out.books:
        raise ParameterError(f"no measure of '{p.id}' has figures by quarter or month in "
                             f"{p.observations.path}, so a return for {period.label} would be "
                             f"empty; the year's return (perflib returns {p.id} {report}) asks "
                             "for every measure")
    return out


def _line(m: pd.Series, label: str, latest: pd.DataFrame, owner: str | None,
          first: bool) -> Line:
    mid, style = str(m["measure_id"]), units.style(m)
    period = periods.parse(label)
    assert period is not None
    shown: list[str] = []
    for before in _earlier(period):
        row = latest.loc[(mid, before)] if (mid, before) in latest.index else None
        if row is not None or shown:
            shown.append(f"{before}: {_figure(row, style)}")
    own = latest.loc[(mid, label)] if (mid, label) in latest.index else None
    held: dict[str, Any] = {"figure_kind": "actual"}
    if own is not None and not (nan(own["value"]) and nan(own["figure_kind"])):
        held = {"value": _number(own["value"], style), "numerator": _number(own["numerator"]),
                "denominator": _number(own["denominator"]), "figure_kind": own["figure_kind"],
                "period_label": own["period_label"], "discrepancy": own["discrepancy"]}
    inputs = [h for h in form.INPUTS if style.base or h not in form.FRACTION]
    # A measure's commentary is one text for the year's report, so only the year's return asks
    # for it, on the measure's first row: a quarter's text would overwrite the year's.
    asks = first and period.kind == "year"
    # The commentary cell starts empty (an empty cell keeps the text held): the text held is
    # often the drafted sentence, whose {placeholders} are no words for a service to edit.
    if not asks:
        inputs.remove("commentary")
    context = {"measure_id": mid, "period": label,
               "Measure": f"{m['pi_code']}: {m['short_name']}", "About": _about(m, style),
               "Target": _target(m),
               "Last figures": "; ".join(shown) or "none held",
               **({} if asks else {"commentary": "asked for in the year's return"
                                   if period.kind != "year" else "on this measure's first row"})}
    return Line(mid, label, context, {k: v for k, v in held.items() if not nan(v)},
                tuple(inputs), style, owner)


def _number(v: Any, style: units.Style | None = None) -> Any:
    """A held figure as a spreadsheet cell takes it: a whole number as an int."""
    if nan(v):
        return None
    whole = style is None or style.kind.whole
    return int(v) if float(v).is_integer() and whole else float(v)


def write_returns(portfolio: str, period_text: str, data_dir: Path,
                  now: dt.datetime | None = None) -> str:
    """Write every return of ``portfolio`` for the period; say what was written and what next.

    All are written or none. A return already there is written afresh only while nothing in it
    has been filled in; one that has been is refused by name, as is a file in a return's place
    that perflib did not write, and the folder is left as it was.
    """
    period = check_period(period_text)
    p = load_portfolio(portfolio, data_dir)
    todo = plan(p, period)
    root = Path(config.RETURNS_DIR)
    folder = root / p.id / form.folder_name(period.label)
    project = config.PROJECT_ROOT.resolve()
    if not (folder.resolve().is_relative_to(project) and root.resolve().is_relative_to(project)):
        raise ParameterError(f"{folder} lies outside the project ({project}); returns are "
                             "written under the project's returns/ folder")
    stamp = (now or dt.datetime.now()).replace(microsecond=0).isoformat()
    books = {name: returnbook.make(_meta(p, period, todo.owners[name], stamp), lines)
             for name, lines in todo.books.items()}
    again = []
    for name in books:
        path = folder / name
        if path.exists() or path.is_symlink():
            reason = intake.filled_in(path)
            if reason:
                raise ParameterError(f"{path} {reason}; nothing was written. Import it with "
                                     f"perflib import {path}, or move it out of {folder} to "
                                     "write a fresh return")
            again.append(name)
    if folder.exists():
        edits.Edits(files={folder / name: data for name, data in books.items()}).write()
    else:
        folder.parent.mkdir(parents=True, exist_ok=True)
        edits.Edits(folder=folder, new=books).write()
    return _summary(todo, folder, again)


def _meta(p: Portfolio, period: periods.Period, owner: str | None, stamp: str) -> dict[str, str]:
    return {"format": form.FORMAT, "portfolio": p.id, "council": p.council,
            "portfolio_name": p.name, "period": period.label, "report": period.year,
            "owner": owner or "", "written": stamp}


def _summary(todo: ReturnPlan, folder: Path, again: list[str]) -> str:
    p = todo.portfolio
    lines = [f"Wrote {len(todo.books)} return{'s' if len(todo.books) != 1 else ''} for "
             f"{p.id} {todo.period.label} in {folder}:"]
    for name, rows in todo.books.items():
        who = todo.owners[name] or "the whole portfolio"
        note = " (written afresh: it had not been filled in)" if name in again else ""
        lines.append(f"  {name}: {len(rows)} figure{'s' if len(rows) != 1 else ''}, for "
                     f"{who}{note}")
    lines.append("Send each to its owner; when they come back, run perflib import FILE.xlsx ... "
                 "to see what they change, then again with --apply to write it.")
    return "\n".join(lines)


__all__ = ["ReturnPlan", "check_period", "plan", "write_returns"]
