"""``perflib import``: what filled-in returns change in the data, checked, then written.

Each row of a return is a figure of its measure for its period under the report year the period
belongs to: a new figure where observations.csv holds none (or the blank row ``perflib new-year``
left), a revision where it holds a different one, which needs its reason in ``discrepancy``, and
nothing at all where it holds the same. Commentary replaces the measure's section of the year's
commentary.md, and an empty cell keeps what is there. Every change is worked out first and
checked in a trial copy of the portfolio (:mod:`perflib.collect.trial`); nothing is written unless
every return is clean, and then only with ``apply``, in one step (:mod:`perflib.collect.edits`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from perflib import units
from perflib.collect import edits, intake, trial
from perflib.collect import returnform as form
from perflib.config import year_folder
from perflib.data import commentary as commentary_file
from perflib.data import plausible, spreadsheet
from perflib.data.door import read_to_edit
from perflib.data.portfolio import Portfolio, read_portfolio
from perflib.data.report import FIGURE_FIX, skipped
from perflib.errors import DataError, ParameterError, Problem

#: The inputs of a return that are observations.csv's columns.
FIGURE = ("value", "numerator", "denominator", "figure_kind")
NOTES = ("period_label", "discrepancy")
SKIPPED_FIX = skipped(Path(), "", "").fix


@dataclass
class Change:
    """One figure or commentary a return changes."""

    ret: intake.Return
    row: intake.Row
    #: new (no figure held), revised (a different one held), note (its notes only), commentary
    kind: str
    said: str


def _num(s: str) -> float | None:
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _parses(cells: dict[str, str]) -> bool:
    return all(cells.get(h, "") == "" or _num(cells[h]) is not None for h in FIGURE[:3])


def _figure(cells: dict[str, str]) -> tuple[object, ...]:
    return (*(_num(cells.get(h, "")) for h in FIGURE[:3]), cells.get("figure_kind", "").lower())


def _shown(cells: dict[str, str], style: units.Style) -> str:
    """A figure as the report prints it, and its kind: '93.5% (1,045 of 1,118), actual'."""
    value, num, den = (_num(cells.get(h, "")) for h in FIGURE[:3])
    kind = cells.get("figure_kind", "") or "no figure_kind"
    if value is None:
        return cells.get("value") or kind
    return f"{units.show(style, value, num, den)}, {kind}"


class Intake:
    """The returns of one portfolio and period, held against its data."""

    def __init__(self, p: Portfolio, report: str, returns: list[intake.Return]):
        self.p, self.report, self.returns = p, report, returns
        self.problems: list[Problem] = []
        self.changes: list[Change] = []
        self.unchanged = 0
        o = p.observations
        self.obs_raw = read_to_edit(o.path)
        self.header, records = edits.numbered(self.obs_raw)
        self.records = dict(records)
        f = o.frame
        mine = f.index[f["report"] == report]
        self.held = {(f.at[i, "measure_id"], f.at[i, "period"]): o.line(i) for i in mine}
        self.register = p.measures.frame[p.measures.frame["year"] == report].set_index(
            "measure_id")
        self.commentary_path = commentary_file.path_of(p.path / year_folder(report))
        self.texts = commentary_file.parse(self.commentary_path, set(self.register.index), [])
        self.rows: dict[int, list[str]] = {}  # observations.csv line -> its new cells
        self.added: list[tuple[intake.Return, intake.Row, list[str]]] = []
        self.from_line: dict[int, tuple[intake.Return, intake.Row]] = {}
        self.new_texts: dict[str, tuple[intake.Return, intake.Row, str]] = {}

    def held_cells(self, line: int) -> dict[str, str]:
        """A held row's cells as written (a quote perflib put before a formula's ``=`` taken off)."""
        return {h: spreadsheet.restore(c)
                for h, c in zip(self.header, self.records[line], strict=False)}

    def take(self, ret: intake.Return, row: intake.Row) -> None:
        """Work out what one row changes, or what is wrong with it."""
        mid, cells = row.measure_id, row.cells
        if mid not in self.register.index:
            self.problems.append(intake.ret_problem(
                ret, row.line, "measure_id", f"{mid} is not in the {self.report} register "
                f"({self.p.measures.path})", f"add it back to measures.csv for {self.report}, "
                "or write the return again"))
            return
        m = self.register.loc[mid]
        style = units.style(m)
        if cells.get("value", "") == "" and cells.get("figure_kind", "") == "":
            self.problems.append(intake.ret_problem(
                ret, row.line, "value", f"the {row.period} figure for {mid} is not filled in",
                FIGURE_FIX))
        if "commentary" in row.inputs:
            self.take_commentary(ret, row)
        line = self.held.get((mid, row.period))
        held = self.held_cells(line) if line is not None else {}
        blank = all(held.get(h, "").strip() == "" for h in ("value", "figure_kind"))
        new = {h: cells.get(h, "") for h in (*FIGURE, *NOTES)}
        for h in NOTES:  # an empty note keeps the one held
            new[h] = new[h] or held.get(h, "").strip()
        if not blank:
            same = _parses(new) and _figure(new) == _figure(held)
            if same and all(new[h] == " ".join(held.get(h, "").split()) for h in NOTES):
                self.unchanged += 1
                return
            for h in FIGURE:  # a figure equal to the one held keeps the way it is written
                if _num(new[h]) is not None and _num(new[h]) == _num(held.get(h, "")):
                    new[h] = held[h]
            if new["figure_kind"].lower() == held.get("figure_kind", "").strip().lower():
                new["figure_kind"] = held["figure_kind"]
            if not same and _parses(new):
                old = _shown(held, style)
                reason = cells.get("discrepancy", "")
                if not reason or reason == " ".join(held.get("discrepancy", "").split()):
                    self.problems.append(intake.ret_problem(
                        ret, row.line, "discrepancy", f"{mid}'s {row.period} figure is already "
                        f"published as {old}; the return changes it to "
                        f"{_shown(new, style)} without saying why",
                        f"declare the change and its reason in the discrepancy column "
                        f"(cell {form.cell('discrepancy', row.line)}), or put back {old}"))
                said = f"{old} -> {_shown(new, style)}; reason: {reason}"
                self.changes.append(Change(ret, row, "revised", said))
            else:
                said = "; ".join(f"{h}: {new[h] or '(empty)'}" for h in NOTES)
                self.changes.append(Change(ret, row, "new" if not same else "note", said))
        else:
            self.changes.append(Change(ret, row, "new", _shown(new, style)))
        cells_out = [{"report": self.report, "measure_id": mid, "period": row.period,
                      **new}.get(h, "") for h in self.header]
        if line is not None:
            self.rows[line] = cells_out
            self.from_line[line] = (ret, row)
        else:
            self.added.append((ret, row, cells_out))

    def take_commentary(self, ret: intake.Return, row: intake.Row) -> None:
        """A measure's commentary: replaced when the cell holds a text other than the one held."""
        text = row.cells.get("commentary", "")
        held = self.texts[row.measure_id].text if row.measure_id in self.texts else ""
        if not text or text == held.replace("\r\n", "\n"):
            return
        for line in text.split("\n"):
            if commentary_file.HEADING.match(line):
                self.problems.append(intake.ret_problem(
                    ret, row.line, "commentary", f"holds the line {line!r}, which "
                    "commentary.md would read as the heading of another measure's commentary",
                    "start the line with something other than ## (or remove it)"))
                return
        self.new_texts[row.measure_id] = (ret, row, text)
        words = len(text.split())
        was = f"replaces {len(held.split())} words" if held else "none held before"
        self.changes.append(Change(ret, row, "commentary", f"{words} words ({was})"))

    def files(self) -> dict[Path, bytes]:
        """Every file the changes touch, with its new bytes (the others are left out)."""
        out: dict[Path, bytes] = {}
        if self.rows or self.added:
            raw = edits.replace_rows(self.obs_raw, self.rows)
            first = edits.lines_of(raw) + 1
            for i, (ret, row, _) in enumerate(self.added):
                self.from_line[first + i] = (ret, row)
            out[self.p.observations.path] = edits.append_rows(raw, [c for *_, c in self.added])
        if self.new_texts:
            raw = read_to_edit(self.commentary_path)
            out[self.commentary_path] = edits.with_sections(
                raw, {mid: t for mid, (_, _, t) in self.new_texts.items()})
        return out

    def placed(self, q: Problem, changed: dict[Path, bytes]) -> Problem:
        """A problem the trial found, named by the return's cell when one of its rows caused it."""
        if q.file == self.p.observations.path and q.row in self.from_line:
            ret, row = self.from_line[q.row]
            return intake.problem_in(ret, row, q.column or "measure_id", q)
        if q.file == self.commentary_path and q.row is not None and self.commentary_path in changed:
            lines = changed[self.commentary_path].decode("utf-8-sig").splitlines()
            for n in range(min(q.row, len(lines)), 0, -1):
                m = commentary_file.HEADING.match(lines[n - 1])
                if m:
                    if m.group(1) in self.new_texts:
                        ret, row, _ = self.new_texts[m.group(1)]
                        return intake.problem_in(ret, row, "commentary", q)
                    break
        return q


def _made_for(returns: list[intake.Return], portfolio: str | None, period: str | None,
              problems: list[Problem]) -> tuple[str, str, list[intake.Return]]:
    """The portfolio and period the returns are for, and those made for them.

    One made for another is left out, with its problem added to ``problems``.
    """
    if period is not None:
        parsed = form.return_period(period)
        if parsed is None:
            raise ParameterError(f"--period '{period}' is not a period a return can be for: "
                                 "give a year like 2021/22 or a quarter like \"2021/22 Q1\"")
        period = parsed.label
    made = {(r.meta["portfolio"], r.meta["period"]) for r in returns}
    if portfolio is None and period is None and len(made) > 1:
        each = "; ".join(f"{r.path.name}: {r.meta['portfolio']} {r.meta['period']}"
                         for r in returns)
        raise ParameterError(f"these returns were made for different portfolios or periods "
                             f"({each}): import each period's returns on their own, or say "
                             "which is meant with --portfolio and --period")
    want_p = portfolio or returns[0].meta["portfolio"]
    want_q = period or returns[0].meta["period"]
    out = []
    for r in returns:
        if r.meta["portfolio"] != want_p:
            problems.append(Problem(r.path, 1, None, f"was made for the portfolio "
                                    f"'{r.meta['portfolio']}' ({r.meta['portfolio_name']}), not "
                                    f"'{want_p}'", f"import it with {r.meta['portfolio']}'s "
                                    f"returns, or send the owner {want_p}'s return",
                                    sheet=form.INSTRUCTIONS, cell="A1"))
        elif r.meta["period"] != want_q:
            problems.append(Problem(r.path, 2, "period", f"the return was made for "
                                    f"{r.meta['period']}, not {want_q}",
                                    f"import it with the {r.meta['period']} returns, or send the "
                                    f"owner the return for {want_q} (perflib returns {want_p} "
                                    f"\"{want_q}\")", sheet=form.FIGURES,
                                    cell=form.cell("period", 2)))
        else:
            out.append(r)
    return want_p, want_q, out


def import_returns(paths: list[Path], data_dir: Path, apply: bool = False,
                   portfolio: str | None = None, period: str | None = None) -> str:
    """Check filled-in returns against the data; say what they change, and write it with ``apply``.

    Raises :class:`DataError` naming each workbook, sheet, cell and fix, with nothing written,
    when any return has a problem: every problem of every return, in one run.
    """
    problems: list[Problem] = []
    returns = intake.read_all(paths, problems)
    if not returns:
        if problems:
            raise DataError(problems)
        raise ParameterError("no return given: name the filled-in workbooks (.xlsx) to import")
    pid, label, returns = _made_for(returns, portfolio, period, problems)
    if not returns:
        raise DataError(problems)
    p, found = read_portfolio(pid, data_dir)
    if p is None:
        raise DataError(problems + found)
    report = label[:7]
    for r in list(returns):
        if r.meta["council"] != p.council:
            problems.append(Problem(r.path, 2, None, f"was made for {r.meta['council']}, but "
                                    f"{p.path} is {p.council}'s", "import it into the project "
                                    "it was made for", sheet=form.INSTRUCTIONS, cell="A2"))
            returns.remove(r)
        elif report not in p.years:
            problems.append(Problem(r.path, 2, "period", f"is for {label}, but {p.id} holds no "
                                    f"{report} report year", f"scaffold it with perflib new-year "
                                    f"{p.id} {report}, then import again", sheet=form.FIGURES,
                                    cell=form.cell("period", 2)))
            returns.remove(r)
    if not returns:
        raise DataError(problems)
    job = Intake(p, report, returns)
    seen: dict[tuple[str, str], tuple[intake.Return, intake.Row]] = {}
    for r in returns:
        for row in r.rows:
            key = (row.measure_id, row.period)
            if key in seen:
                other, at = seen[key]
                job.problems.append(intake.ret_problem(
                    r, row.line, "measure_id", f"{row.measure_id}'s {row.period} figure is also "
                    f"in {other.path.name}, cell {form.cell('measure_id', at.line)}",
                    "import one return for each measure and period"))
                continue
            seen[key] = (r, row)
            job.take(r, row)
    changed = job.files()
    if changed:
        found = trial.new_problems(p, changed, report)
        # a stage the trial skipped because of a figure above is said of that figure already
        job.problems += [job.placed(q, changed) for q in found
                         if not (q.fix == SKIPPED_FIX
                                 and (problems or job.problems or len(found) > 1))]
    named = {(q.file, q.sheet, q.cell) for q in problems if q.cell is not None}
    # a cell already named as it was read (a formula, a cell formatted as %) is named once
    problems += [q for q in job.problems if (q.file, q.sheet, q.cell) not in named]
    if problems:
        raise DataError(problems)
    return _summary(job, changed, apply)


def _summary(job: Intake, changed: dict[Path, bytes], apply: bool) -> str:
    n = len(job.returns)
    lines = [f"{n} return{'s' if n != 1 else ''} for {job.p.id} {job.returns[0].meta['period']} "
             f"read and checked: {sum(len(r.rows) for r in job.returns)} figures."]
    titles = {"new": "New figures", "revised": "Revised figures (already published), each "
              "with its reason", "note": "Notes changed", "commentary": "Commentary"}
    for kind, title in titles.items():
        mine = [c for c in job.changes if c.kind == kind]
        if mine:
            lines.append(f"{title}:")
            lines += [f"  {c.row.measure_id} {c.row.period}: {c.said} [{c.ret.path.name}, "
                      f"{form.cell('commentary' if kind == 'commentary' else 'value', c.row.line)}]"
                      for c in mine]
    figures = [(c.row.measure_id, c.row.period, v) for c in job.changes
               if c.kind in ("new", "revised") and (v := _num(c.row.cells.get("value", "")))
               is not None]
    lines += plausible.lines(  # a figure far from its last is said, and taken
        plausible.jumps(figures, plausible.held_figures(job.p),
                        plausible.units(job.p, job.report), plausible.factor(job.p)),
        {(c.row.measure_id, c.row.period): f"{c.ret.path.name}, {form.cell('value', c.row.line)}"
         for c in job.changes})
    if job.unchanged:
        lines.append(f"Unchanged: {job.unchanged} figure{'s' if job.unchanged != 1 else ''} "
                     "already held as the returns give them.")
    if not changed:
        lines.append("Nothing to change: the data already holds everything these returns say.")
    elif apply:
        edits.Edits(files=changed).write()
        lines.append("Wrote " + ", ".join(str(f) for f in changed) + ". Next: perflib check.")
    else:
        lines.append("Nothing written (a trial): run again with --apply to write "
                     + ", ".join(str(f) for f in changed) + ".")
    return "\n".join(lines)


__all__ = ["Change", "Intake", "import_returns"]
