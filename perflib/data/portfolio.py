"""A portfolio: its register, its published figures, its overrides and the reports it declares.

Everything shared by the report years of one portfolio is read and checked here, once; a check that
needs a year's own files lives in :mod:`perflib.data.report`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from perflib import config
from perflib.data import periods, quarters, specs
from perflib.data.schema import SLUG_RE, Table, Yaml, period_problem, raise_if, read_csv, read_yaml
from perflib.errors import ParameterError, Problem

#: The reports a portfolio gets when its portfolio.yaml declares none.
DEFAULT_REPORTS: dict[str, dict[str, str]] = {"annual": {}}


@dataclass
class Portfolio:
    """The files shared by every report year of one portfolio, checked."""

    id: str
    path: Path
    council: str
    name: str
    years: list[str]
    measures: Table
    observations: Table
    overrides: Table
    facts: Table | None = None
    events: Table | None = None
    #: report kind -> {role: measure_id}, as portfolio.yaml declares them
    reports: dict[str, dict[str, str]] = field(default_factory=lambda: dict(DEFAULT_REPORTS))

    @property
    def files(self) -> list[Path]:
        """Data files every report of this portfolio reads."""
        return [self.path / "portfolio.yaml", self.measures.path, self.observations.path,
                self.overrides.path]

    def optional(self, name: str) -> Path | None:
        """A portfolio-level optional data file (facts.csv, museum_events.csv) if it is there."""
        if name not in ("facts.csv", "museum_events.csv"):  # e.g. targets.csv, read by its kind
            return self.path / name if (self.path / name).exists() else None
        table = {"facts.csv": self.facts, "museum_events.csv": self.events}[name]
        return table.path if table is not None else None


def year_folder(year: str) -> str:
    """Folder name for a report year: '2020/21' -> '2020-21'."""
    return year.replace("/", "-")


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


def nan(x: Any) -> bool:
    """True for an empty cell (None or NaN)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def load_portfolio(portfolio: str, data_dir: Path | str | None = None) -> Portfolio:
    """Read and check the register, observations, overrides and report declarations."""
    data_dir = Path(data_dir or config.DATA_DIR)
    if not SLUG_RE.match(str(portfolio)):
        raise ParameterError(f"portfolio '{portfolio}' is not a portfolio id: use the name of a "
                             f"folder under {data_dir}, e.g. cfe")
    path = data_dir / portfolio
    if not (path / "portfolio.yaml").exists():
        held = ", ".join(portfolios(data_dir)) or "none"
        raise ParameterError(f"portfolio '{portfolio}' is not in {data_dir} (held: {held})")
    problems: list[Problem] = []
    doc = read_yaml(path / "portfolio.yaml", problems)
    council = name = None
    years: list[str] = []
    if doc:
        from perflib.data.schema import require

        council = require(doc, problems, ("council",), str, "give the council's name")
        name = require(doc, problems, ("portfolio",), str, "give the portfolio's name")
        years = require(doc, problems, ("years",), list, "list report years like \"2020/21\"") or []
        for i, y in enumerate(years):
            bad = periods.year_problem(str(y))
            if bad:
                problems.append(Problem(doc.path, doc.line("years", i), f"years[{i}]", bad,
                                        "quote the year and write it like \"2020/21\""))
    measures = read_csv(path / "measures.csv", specs.MEASURES, problems, key=("year", "measure_id"))
    observations = read_csv(path / "observations.csv", specs.OBSERVATIONS, problems,
                            key=("report", "measure_id", "period"))
    overrides = read_csv(path / "overrides.csv", specs.OVERRIDES, problems,
                         key=("year", "measure_id"))
    facts = read_csv(path / "facts.csv", specs.FACTS, problems,
                     key=("report", "topic", "metric", "period"), optional_file=True)
    events = read_csv(path / "museum_events.csv", specs.EVENTS, problems,
                      key=("report", "date", "event"), optional_file=True)
    if facts is not None:
        _check_facts(facts, problems)
    if measures is not None:
        _check_measures(measures, years, problems)
    if measures is not None and observations is not None:
        _check_observations(observations, measures, problems)
        _check_history(observations, measures, years, problems)
    if measures is not None and overrides is not None:
        _check_known(overrides, measures, "year", problems)
    quarters.check_portfolio(path, years, measures, observations, overrides, problems)
    reports = _declared_reports(doc, measures, problems) if doc else dict(DEFAULT_REPORTS)
    raise_if(problems)
    return Portfolio(portfolio, path, council, name, [str(y) for y in years], measures,
                     observations, overrides, facts, events, reports)


def _declared_reports(doc: Yaml, measures: Table | None,
                      problems: list[Problem]) -> dict[str, dict[str, str]]:
    """The reports portfolio.yaml declares, each deep dive's roles mapped to known measures."""
    from perflib.reports import kinds

    declared = doc.data.get("reports")
    if declared is None:
        return dict(DEFAULT_REPORTS)
    if not isinstance(declared, dict):
        problems.append(Problem(doc.path, doc.line("reports"), "reports",
                                "must map each report kind to its settings",
                                "write e.g. 'reports:' then '  annual: {}' on the next line"))
        return {}
    known = kinds()
    ids = set(measures.frame["measure_id"]) if measures is not None else set()
    out: dict[str, dict[str, str]] = {}
    for name, settings in declared.items():
        where = ("reports", name)
        if name not in known:
            problems.append(Problem(doc.path, doc.line(*where), f"reports.{name}",
                                    f"'{name}' is not a report kind perflib knows",
                                    f"use one of {', '.join(sorted(known))}"))
            continue
        kind = known[name]
        settings = settings or {}
        roles = settings.get("roles") or {} if isinstance(settings, dict) else {}
        if not isinstance(roles, dict):
            roles = {}
        for role, measure in roles.items():
            if role not in kind.roles and role not in kind.optional_roles:
                allowed = ", ".join([*kind.roles, *kind.optional_roles]) or "none"
                problems.append(Problem(doc.path, doc.line(*where, "roles", role),
                                        f"reports.{name}.roles.{role}",
                                        f"'{role}' is not a role of the {kind.title}",
                                        f"use one of its roles: {allowed}"))
            elif measures is not None and measure not in ids:
                problems.append(Problem(doc.path, doc.line(*where, "roles", role),
                                        f"reports.{name}.roles.{role}",
                                        f"maps to '{measure}', which is not a measure_id in "
                                        "measures.csv",
                                        "give the measure_id of the measure that plays this "
                                        "role, as measures.csv writes it"))
        for role, meaning in kind.roles.items():
            if role not in roles:
                problems.append(Problem(doc.path, doc.line(*where), f"reports.{name}.roles.{role}",
                                        f"the {kind.title} needs the role '{role}' ({meaning}) "
                                        "but it is not mapped",
                                        f"add '{role}: <measure_id>' under reports.{name}.roles, "
                                        f"or remove {name} from reports"))
        out[name] = {str(k): str(v) for k, v in roles.items()}
    return out


def _check_facts(facts: Table, problems: list[Problem]) -> None:
    f = facts.frame
    for i in f.index[(f["unit"] == "percentage") & (f["value"] > 100)]:
        problems.append(Problem(facts.path, facts.line(i), "value",
                                f"{f.at[i, 'value']:g} is above 100%",
                                "write the percentage between 0 and 100, without %"))


def _check_measures(t: Table, years: list[str], problems: list[Problem]) -> None:
    seen_codes: dict[tuple, int] = {}
    for i, row in t.frame.iterrows():
        line = t.line(i)
        if row.year and years and row.year not in years:
            problems.append(Problem(t.path, line, "year", f"{row.year} is not in portfolio.yaml",
                                    "add the year to portfolio.yaml's years or correct it"))
        if row.year and row.pi_code and row.pi_code not in specs.SHARED_CODES:
            key = (row.year, row.pi_code)
            if key in seen_codes:
                problems.append(Problem(t.path, line, "pi_code",
                                        f"{row.pi_code} is already used in {row.year} on row "
                                        f"{seen_codes[key]}",
                                        "give each measure its own PI code within a report year"))
            seen_codes.setdefault(key, line)
        target = row.target
        # a numerical target still blank is a to-do of its year (perflib.data.report)
        if row.target_type in ("direction", "comparator") and not row.target_label:
            problems.append(Problem(t.path, line, "target_label",
                                    f"is empty but target_type is {row.target_type}",
                                    "write what the report prints, e.g. Aim to maximise"))
        if row.unit == "percentage" and not nan(target) and target > 100:
            problems.append(Problem(t.path, line, "target", f"{target:g} is above 100%",
                                    "write a percentage between 0 and 100"))


def _check_known(t: Table, measures: Table, year_col: str, problems: list[Problem]) -> None:
    known = set(zip(measures.frame["year"], measures.frame["measure_id"], strict=True))
    ids = set(measures.frame["measure_id"])
    for i, row in t.frame.iterrows():
        if row[year_col] is None or row.measure_id is None:
            continue
        if (row[year_col], row.measure_id) not in known:
            hint = ("it is in the register for other years only" if row.measure_id in ids
                    else "no such measure_id in measures.csv")
            problems.append(Problem(t.path, t.line(i), "measure_id",
                                    f"unknown measure '{row.measure_id}' for {row[year_col]} ({hint})",
                                    f"add it to measures.csv for {row[year_col]} or correct the id"))


def _check_observations(t: Table, measures: Table, problems: list[Problem]) -> None:
    _check_known(t, measures, "report", problems)
    units = {(r.year, r.measure_id): r.unit for r in measures.frame.itertuples()}
    decimals = {(r.year, r.measure_id): r.decimals for r in measures.frame.itertuples()}
    for i, row in t.frame.iterrows():
        line = t.line(i)
        has_value = not nan(row.value)
        kind = row.figure_kind
        # a blank figure with no kind is a to-do of its report year (perflib.data.report)
        if kind is None and has_value and (i, "figure_kind") not in t.bad:
            problems.append(Problem(t.path, line, "figure_kind", "is empty but a value is given",
                                    f"write one of {', '.join(specs.VALUE_KINDS)}"))
        if kind in specs.VALUE_KINDS and not has_value and (i, "value") not in t.bad:
            problems.append(Problem(t.path, line, "value", f"is empty but figure_kind is {kind}",
                                    "write the value, or set figure_kind to not available"))
        if kind in specs.EMPTY_KINDS and has_value:
            problems.append(Problem(t.path, line, "value",
                                    f"has {row.value:g} but figure_kind is {kind}",
                                    "clear the value, or set figure_kind to actual"))
        if kind == "latest available" and not row.period_label:
            problems.append(Problem(t.path, line, "period_label",
                                    "is empty but figure_kind is latest available",
                                    "write the period the figure relates to, e.g. 2016"))
        if isinstance(row.period, str) and isinstance(row.report, str) and row.period[:7] > row.report:
            problems.append(Problem(t.path, line, "period",
                                    f"{row.period} is after the report year {row.report}",
                                    "a report can only publish figures up to its own year"))
        num = None if nan(row.numerator) else int(row.numerator)
        den = None if nan(row.denominator) else int(row.denominator)
        if (num is None) != (den is None):
            problems.append(Problem(t.path, line, "numerator" if num is None else "denominator",
                                    "is empty while the other half of the fraction is given",
                                    "give both numerator and denominator, or neither"))
        if num is not None and den is not None:
            if num > den:
                problems.append(Problem(t.path, line, "numerator",
                                        f"{num:,} is more than the denominator {den:,}",
                                        "check the two are not swapped"))
            elif den == 0:
                problems.append(Problem(t.path, line, "denominator", "is zero",
                                        "a percentage needs a denominator above zero"))
        unit = units.get((row.report, row.measure_id))
        if unit == "percentage" and has_value and row.value > 100:
            problems.append(Problem(t.path, line, "value", f"{row.value:g} is above 100%",
                                    "write the percentage between 0 and 100, without %"))
        if unit is not None and unit != "percentage" and num is not None:
            problems.append(Problem(t.path, line, "numerator",
                                    f"is given but the measure's unit is {unit}",
                                    "clear numerator and denominator, or change the unit"))
        d = decimals.get((row.report, row.measure_id))
        if (unit == "percentage" and has_value and num is not None and den and num <= den
                and not row.discrepancy and not nan(d)):
            d = int(d)
            exact = 100.0 * num / den
            if abs(exact - row.value) > 0.5 * 10 ** -d + 1e-9:
                problems.append(Problem(
                    t.path, line, "value",
                    f"{row.value:g}% does not match {num:,} of {den:,} ({exact:.{d + 1}f}%)",
                    "correct the figures, or if the report printed it so, explain it in "
                    "the discrepancy column"))


def _check_history(obs: Table, measures: Table, years: list[str], problems: list[Problem]) -> None:
    """A report year must carry the previous year's figure of a measure the previous report had.

    Without it the trend silently reads "No trend"; new-year copies it, a hand-made year may not.
    """
    o = obs.frame
    held = sorted(y for y in years if not period_problem(str(y)))
    for prev, year in zip(held, held[1:], strict=False):
        had = set(o.loc[(o["report"] == prev) & (o["period"] == prev) & o["value"].notna(),
                    "measure_id"])
        now = o[o["report"] == year]
        in_register = set(measures.frame.loc[measures.frame["year"] == year, "measure_id"])
        carried = set(now.loc[now["period"] == prev, "measure_id"])
        for mid in sorted((had & in_register) - carried):
            problems.append(Problem(obs.path, None, "period",
                                    f"the {year} report holds no {prev} figure for {mid}, which "
                                    f"the {prev} report published, so its trend cannot be said",
                                    f"add a row: report {year}, measure_id {mid}, period {prev} "
                                    f"(the figure as the {year} report states it, or figure_kind "
                                    "not available)"))


def frame(t: Table | None) -> pd.DataFrame | None:
    """A table's rows, or None when the file is absent."""
    return t.frame if t is not None else None
