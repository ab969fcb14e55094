"""A portfolio: its register, its published figures, its overrides and the reports it declares.

Everything shared by the report years of one portfolio is read and checked here, once; a check that
needs a year's own files lives in :mod:`perflib.data.report`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from perflib import config
from perflib.config import year_folder
from perflib.data import files, periods, quarter_checks, ranges, ratings, specs, wording
from perflib.data.comparators import Comparators, read_comparators
from perflib.data.council import Settings, spc_options
from perflib.data.council import settings_of as council_settings
from perflib.data.declarations import DEFAULT_REPORTS, NotebookReport, read_declarations
from perflib.data.folders import portfolio_folder
from perflib.data.options import ReportOptions
from perflib.data.options import read as read_options
from perflib.data.schema import CheckedTable, emit, in_file_order, period_problem, raise_if
from perflib.data.yamlfile import Yaml, read_yaml
from perflib.errors import Problem
from perflib.spc import Options


@dataclass(kw_only=True)
class Portfolio:
    """The files shared by every report year of one portfolio, checked."""

    id: str
    path: Path
    council: str
    name: str
    years: list[str]
    measures: CheckedTable
    observations: CheckedTable
    overrides: CheckedTable
    facts: CheckedTable | None = None
    events: CheckedTable | None = None
    #: report kind -> {role: measure_id}, as portfolio.yaml declares them
    reports: dict[str, dict[str, str]] = field(default_factory=lambda: dict(DEFAULT_REPORTS))
    #: what was wrong in these files (only :func:`read_portfolio` returns a portfolio with any)
    problems: list[Problem] = field(default_factory=list)
    #: (report year, measure_id) of figures missing from a report's history (its trend is wrong)
    gaps: set[tuple[str, str]] = field(default_factory=set)
    #: portfolio.yaml as read, with the line of every key (for messages about it)
    yaml: Yaml | None = None
    #: national and nearest-neighbour figures (comparators/), when the portfolio has them
    comparators: Comparators | None = None
    #: year-to-date target profiles (targets.csv), when the portfolio has them
    targets: CheckedTable | None = None
    #: the words its reports use for their frame (headline key, council's short name)
    words: wording.Wording = field(default_factory=wording.Wording)
    #: the council's settings it starts from (council.yaml), for what its own files leave out
    settings: Settings = field(default_factory=Settings)
    #: the special-cause rules its SPC charts use (portfolio.yaml's spc, else council.yaml's)
    spc: Options = field(default_factory=Options)
    #: whose ratings its reports print, and whether they carry finance and commentary
    options: ReportOptions = field(default_factory=ReportOptions)
    #: the report kinds it declares as notebooks of its own (each also in ``reports``)
    notebooks: dict[str, NotebookReport] = field(default_factory=dict)

    def data_file(self, name: str, year: str | None = None) -> Path | None:
        """A registered data file of this portfolio (of ``year``, for a year's), if it is there."""
        f = files.get(name)
        folder = self.path / year_folder(year) if f.level == files.YEAR and year else self.path
        path = f.path(folder)
        return path if path.is_file() else None

    def broken(self, year: str) -> set[str] | None:
        """Measures whose register row or figures for ``year`` have an error; None for all.

        What is worked out from such a figure (a rating, an override, the commentary's claims)
        would be wrong, so it waits until the figure reads rather than adding false problems.
        """
        out = {mid for y, mid in self.gaps if y == year}
        for t, col in ((self.measures, "year"), (self.observations, "report")):
            rows = {line: i for i, line in enumerate(t.lines)}
            at = {rows[q.row] for q in self.problems
                  if not q.todo and q.file == t.path and q.row in rows}
            # with the cells that did not read, which a large bad file names only the first of
            picked = t.frame.iloc[np.union1d(t.bad.all_rows(), sorted(at)).astype(int)]
            ids, years = picked["measure_id"], picked[col]
            if not ids.map(lambda x: isinstance(x, str)).all():
                return None  # a figure of an unknown measure: any of them
            out |= set(ids[(years == year) | ~years.map(lambda x: isinstance(x, str))])
        return out


def nan(x: Any) -> bool:
    """True for an empty cell (None or NaN)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def load_portfolio(portfolio: str, data_dir: Path | str | None = None) -> Portfolio:
    """Read and check the register, observations, overrides and report declarations."""
    p, problems = read_portfolio(portfolio, data_dir)
    raise_if(problems)
    assert p is not None
    return p


def read_portfolio(portfolio: str, data_dir: Path | str | None = None
                   ) -> tuple[Portfolio | None, list[Problem]]:
    """The portfolio as far as it reads, and every problem in it, so its years can be checked too.

    None when a file every year needs (portfolio.yaml, measures, observations, overrides) cannot
    be read at all; a file with bad cells still gives a portfolio, its problems on it.
    """
    data_dir = Path(data_dir or config.DATA_DIR)
    path = portfolio_folder(portfolio, data_dir)
    problems: list[Problem] = []
    doc = read_yaml(files.get("portfolio.yaml").path(path), problems)
    council = name = None
    years: list[str] = []
    if doc:
        from perflib.data.yamlfile import require

        council = require(doc, problems, ("council",), str, "give the council's name")
        name = require(doc, problems, ("portfolio",), str, "give the portfolio's name")
        years = require(doc, problems, ("years",), list, "list report years like \"2020/21\"") or []
        for i, y in enumerate(years):
            bad = periods.year_problem(str(y))
            if bad:
                problems.append(Problem(doc.path, doc.line("years", i), f"years[{i}]", bad,
                                        "quote the year and write it like \"2020/21\""))
    # what council.yaml says every portfolio does, unless portfolio.yaml says otherwise
    settings = council_settings(data_dir, problems)
    words = (wording.read(doc, council, problems, settings.headline_label,
                          settings.headline_meaning) if doc else wording.Wording())
    spc = spc_options(doc, problems, settings.spc)
    options = read_options(doc, problems)
    measures, observations, facts, events = (
        files.get(name).read(path, problems) for name in
        ("measures.csv", "observations.csv", "facts.csv", "museum_events.csv"))
    overrides = _overrides(path, options, problems)
    comparators = None
    if measures is not None:  # each comparator figure is checked against the measure it sits by
        m = measures.frame
        comparators = read_comparators(path, set(m["measure_id"]), problems,
                                       specs.capped_ids(m),
                                       set(m.loc[specs.negative_ok(m), "measure_id"]))
    if facts is not None:
        _check_facts(facts, problems)
    if measures is not None:
        _check_measures(measures, years, words.shared_codes, problems)
    gaps: set[tuple[str, str]] = set()
    if measures is not None and observations is not None:
        _check_observations(observations, measures, problems)
        gaps = _check_history(observations, measures, years, problems)
    if measures is not None and overrides is not None:
        _check_known(overrides, measures, "year", problems)
    ratings.check(options, measures, observations, overrides, problems)
    targets = quarter_checks.check(path, years, measures, observations, overrides, problems)
    reports, notebooks = (read_declarations(doc, measures, problems) if doc
                          else (dict(DEFAULT_REPORTS), {}))
    if doc is None or measures is None or observations is None or overrides is None:
        return None, problems
    good = [str(y) for y in years if not periods.year_problem(str(y))]
    # a council or portfolio name left blank is on the to-do list; a draft prints it blank
    return Portfolio(id=portfolio, path=path, council=council or "", name=name or "", years=good,
                     measures=measures, observations=observations, overrides=overrides,
                     facts=facts, events=events, reports=reports, problems=list(problems),
                     gaps=gaps, yaml=doc, comparators=comparators, targets=targets, words=words,
                     settings=settings, spc=spc, options=options, notebooks=notebooks), problems


def _overrides(path: Path, options: ReportOptions, problems: list[Problem]) -> CheckedTable | None:
    """overrides.csv; under ``ratings: published`` it may be left out (an empty table then)."""
    f = files.get("overrides.csv")
    if not options.published or f.path(path).exists() or f.path(path).is_symlink():
        return f.read(path, problems)
    frame = pd.DataFrame({c.name: pd.Series(dtype=object) for c in f.columns})
    return CheckedTable(f.path(path), frame)


def _check_facts(facts: CheckedTable, problems: list[Problem]) -> None:
    f = facts.frame
    for i in f.index[specs.unit_is(f, "capped") & (f["value"] > 100)]:
        problems.append(Problem(facts.path, facts.line(i), "value",
                                f"{f.at[i, 'value']:g} is above 100%",
                                "write the percentage between 0 and 100, without %"))
    for i in f.index[specs.unit_is(f, "whole") & f["value"].notna()
                     & (f["value"] != f["value"].round())]:
        problems.append(Problem(facts.path, facts.line(i), "value",
                                f"{f.at[i, 'value']:g} is not a whole number, but its unit is "
                                "count", "write the count as a whole number"))


def _check_measures(t: CheckedTable, years: list[str], shared: frozenset[str],
                    problems: list[Problem]) -> None:
    f = t.frame
    found: list[tuple[int, int, Problem]] = []
    if years:
        emit(t, f["year"].notna() & ~f["year"].isin(years), "year",
             lambda r: f"{r.year} is not in portfolio.yaml",
             "add the year to portfolio.yaml's years or correct it", found, 0)
    coded = f["year"].notna() & f["pi_code"].notna() & ~f["pi_code"].isin(shared)
    lines = pd.Series(t.lines, index=f.index)
    first = lines[coded].groupby([f.loc[coded, "year"], f.loc[coded, "pi_code"]],
                                 sort=False).transform("first")
    again = coded & f.loc[coded].duplicated(["year", "pi_code"]).reindex(f.index, fill_value=False)
    emit(t, again, "pi_code",
         lambda r: f"{r.pi_code} is already used in {r.year} on row {first[r.Index]}",
         "give each measure its own PI code within a report year (a label that marks a "
         "framework and may repeat goes under shared_codes in portfolio.yaml)", found, 1)
    # a numerical target still blank is a to-do of its year (perflib.data.report)
    emit(t, f["target_type"].isin(("direction", "comparator")) & f["target_label"].isna(),
         "target_label", lambda r: f"is empty but target_type is {r.target_type}",
         "write what the report prints, e.g. Aim to maximise", found, 2)
    emit(t, specs.capped(f) & (f["target"] > 100), "target",
         lambda r: f"{r.target:g} is above 100%", specs.ABOVE_100_FIX, found, 3)
    emit(t, f["may_exceed_100"].eq(True) & f["unit"].notna() & ~specs.unit_is(f, "capped"),
         "may_exceed_100", lambda r: f"is yes but the measure's unit is {r.unit}",
         "clear it: only a percentage is kept within 0 to 100", found, 4)
    ranges.check_register(t, found)
    in_file_order(found, problems)


def _known_mask(f: pd.DataFrame, measures: CheckedTable, year_col: str) -> tuple[Any, Any]:
    """Rows naming a (year, measure_id) not in the register, and which of those ids exist at all."""
    m = measures.frame
    known = pd.MultiIndex.from_arrays([m["year"], m["measure_id"]])
    given = f[year_col].notna() & f["measure_id"].notna()
    pairs = pd.MultiIndex.from_arrays([f[year_col], f["measure_id"]])
    unknown = given & ~pairs.isin(known)
    return unknown, f["measure_id"].isin(set(m["measure_id"]))


def _check_known(t: CheckedTable, measures: CheckedTable, year_col: str, problems: list[Problem],
                 found: list[tuple[int, int, Problem]] | None = None) -> None:
    out: list[tuple[int, int, Problem]] = [] if found is None else found
    unknown, elsewhere = _known_mask(t.frame, measures, year_col)

    def message(r: pd.Series) -> str:
        hint = ("it is in the register for other years only" if elsewhere[r.Index]
                else "no such measure_id in measures.csv")
        return f"unknown measure '{r.measure_id}' for {getattr(r, year_col)} ({hint})"

    emit(t, unknown, "measure_id", message,
         lambda r: f"add it to measures.csv for {getattr(r, year_col)} or correct the id", out, 0)
    if found is None:
        in_file_order(out, problems)


def _check_observations(t: CheckedTable, measures: CheckedTable, problems: list[Problem]) -> None:
    """Every figure against its kind, its fraction and its measure, over whole columns at once."""
    f = t.frame
    found: list[tuple[int, int, Problem]] = []
    _check_known(t, measures, "report", problems, found)
    reg = ranges.register_of(f, measures)
    ranges.refuse_negative(t, reg, found)  # first: a figure refused is empty for what follows
    bad = pd.DataFrame(False, index=f.index, columns=["figure_kind", "value"])
    for j, col in enumerate(bad.columns):
        rows = t.bad.rows(col)
        if len(rows):
            bad.iloc[rows, j] = True
    value, kind = f["value"], f["figure_kind"]
    has_value = value.notna()
    # a blank figure with no kind is a to-do of its report year (perflib.data.report)
    emit(t, kind.isna() & has_value & ~bad["figure_kind"], "figure_kind",
         "is empty but a value is given", f"write one of {', '.join(specs.VALUE_KINDS)}",
         found, 1)
    emit(t, kind.isin(specs.VALUE_KINDS) & ~has_value & ~bad["value"], "value",
         lambda r: f"is empty but figure_kind is {r.figure_kind}",
         "write the value, or set figure_kind to not available", found, 2)
    emit(t, kind.isin(specs.EMPTY_KINDS) & has_value, "value",
         lambda r: f"has {r.value:g} but figure_kind is {r.figure_kind}",
         "clear the value, or set figure_kind to actual", found, 3)
    emit(t, (kind == "latest available") & f["period_label"].isna(), "period_label",
         "is empty but figure_kind is latest available",
         "write the period the figure relates to, e.g. 2016", found, 4)
    emit(t, f["period"].notna() & f["report"].notna()
         & (f["period"].fillna("").str[:7] > f["report"].fillna("")), "period",
         lambda r: f"{r.period} is after the report year {r.report}",
         "a report can only publish figures up to its own year", found, 5)
    num, den = f["numerator"], f["denominator"]
    emit(t, num.isna() & den.notna(), "numerator",
         "is empty while the other half of the fraction is given",
         "give both numerator and denominator, or neither", found, 6)
    emit(t, num.notna() & den.isna(), "denominator",
         "is empty while the other half of the fraction is given",
         "give both numerator and denominator, or neither", found, 6)
    rate = reg["unit"] == "rate"  # a rate's events may outnumber its base (visits per head)
    emit(t, (num > den) & ~rate, "numerator",
         lambda r: f"{int(r.numerator):,} is more than the denominator {int(r.denominator):,}",
         "check the two are not swapped", found, 7)
    emit(t, ((num <= den) | rate) & (den == 0), "denominator", "is zero",
         lambda r: f"a {'rate' if rate[r.Index] else 'percentage'} needs a denominator above "
                  "zero", found, 7)
    ranges.check_figures(t, reg, found)
    in_file_order(found, problems)


def _check_history(obs: CheckedTable, measures: CheckedTable, years: list[str],
                   problems: list[Problem]) -> set[tuple[str, str]]:
    """A report year must carry the previous year's figure of a measure the previous report had.

    Without it the trend silently reads "No trend"; new-year copies it, a hand-made year may not.
    Returns the (year, measure_id) missing one.
    """
    gaps = set()
    o = obs.frame
    held = sorted(y for y in years if not period_problem(str(y)))
    for prev, year in zip(held, held[1:], strict=False):
        had = set(o.loc[(o["report"] == prev) & (o["period"] == prev) & o["value"].notna(),
                    "measure_id"])
        now = o[o["report"] == year]
        in_register = set(measures.frame.loc[measures.frame["year"] == year, "measure_id"])
        carried = set(now.loc[now["period"] == prev, "measure_id"])
        for mid in sorted((had & in_register) - carried):
            gaps.add((year, mid))
            problems.append(Problem(obs.path, None, "period",
                                    f"the {year} report holds no {prev} figure for {mid}, which "
                                    f"the {prev} report published, so its trend cannot be said",
                                    f"add a row: report {year}, measure_id {mid}, period {prev} "
                                    f"(the figure as the {year} report states it, or figure_kind "
                                    "not available)"))
    return gaps


def frame(t: CheckedTable | None) -> pd.DataFrame | None:
    """A table's rows, or None when the file is absent."""
    return t.frame if t is not None else None
