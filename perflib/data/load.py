"""Load a portfolio's data, check it, and put one report year's figures together.

All checks of one load are collected and raised together as a :class:`~perflib.errors.DataError`,
so an analyst fixing a spreadsheet sees every problem in one run.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from perflib import config, rules
from perflib.errors import DataError, ParameterError, Problem
from perflib.finance import CashLimit, reserves_with_balance
from perflib.data.schema import SLUG_RE as SLUG
from perflib.data.schema import (
    Column,
    Table,
    Yaml,
    period_problem,
    raise_if,
    read_csv,
    read_yaml,
    require,
)

CATEGORIES = ("Council", "Partnership", "Contextual")
POLARITIES = ("High", "Low", "Not applicable")
UNITS = ("percentage", "count", "cumulative count", "millions")
TARGET_TYPES = ("numerical", "comparator", "direction", "none")
VALUE_STATUSES = ("actual", "provisional", "forecast", "latest available")
EMPTY_STATUSES = ("not available", "not collected", "not applicable")
RAG = (rules.RED, rules.AMBER, rules.GREEN)
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
#: Extra tables a priority may print under its introduction (``tables:`` in report.yaml).
PRIORITY_TABLES = ("responses",)
#: Labels printed in the PI code column that mark a framework, not one measure; they may repeat.
SHARED_CODES = frozenset({"GMS"})

MEASURE_COLUMNS = (
    Column("year", "period"),
    Column("measure_id", "slug"),
    Column("pi_code"),
    Column("short_name"),
    Column("priority", "int", minimum=1),
    Column("order", "int", minimum=1),
    Column("category", "choice", choices=CATEGORIES),
    Column("polarity", "choice", choices=POLARITIES),
    Column("unit", "choice", choices=UNITS),
    Column("decimals", "int", minimum=0, maximum=3),
    Column("headline", "yesno"),
    Column("target_type", "choice", choices=TARGET_TYPES),
    Column("target", "number", required=False, minimum=0),
    Column("target_label", required=False),
    Column("target_decimals", "int", required=False, minimum=0, maximum=3),
)
OBSERVATION_COLUMNS = (
    Column("report", "period"),
    Column("measure_id", "slug"),
    Column("period", "period"),
    Column("value", "number", required=False, minimum=0),
    Column("numerator", "int", required=False, minimum=0),
    Column("denominator", "int", required=False, minimum=0),
    Column("status", "choice", choices=VALUE_STATUSES + EMPTY_STATUSES),
    Column("period_label", required=False),
    Column("discrepancy", required=False),
)
OVERRIDE_COLUMNS = (
    Column("year", "period"),
    Column("measure_id", "slug"),
    Column("published_status", "choice", choices=RAG),
    Column("reason"),
)
RESERVE_COLUMNS = (
    Column("category"),
    Column("narration"),
    Column("use"),
    Column("approved", "number"),
    Column("movement", "number"),
)
SAVINGS_COLUMNS = (
    Column("proposal"),
    Column("risk_rating", "choice", choices=RAG),
    Column("value", "number", minimum=0),
    Column("achieved", "number", minimum=0),
    Column("note", required=False),
)
ENGAGEMENT_COLUMNS = (
    Column("quarter", "choice", choices=QUARTERS),
    Column("programme"),
    Column("purpose"),
    Column("count", "int", required=False, minimum=0),
)
FACT_COLUMNS = (
    Column("report", "period"),
    Column("topic", "slug"),
    Column("metric", "slug"),
    Column("period", "period"),
    Column("value", "number", minimum=0),
    Column("unit", "choice", choices=("count", "percentage")),
    Column("note", required=False),
)
EVENT_COLUMNS = (
    Column("report", "period"),
    Column("date", "date"),
    Column("approximate", "yesno"),
    Column("event"),
)
RESPONSES_COLUMNS = (
    Column("quarter", "choice", choices=QUARTERS),
    Column("programme"),
    Column("responses", "int", minimum=0),
)


def year_folder(year: str) -> str:
    """Folder name for a report year: '2020/21' -> '2020-21'."""
    return year.replace("/", "-")


def check_year(year: str) -> str:
    """Return ``year`` if it is a ``YYYY/YY`` period, else raise :class:`ParameterError`."""
    problem = period_problem(str(year))
    if problem:
        raise ParameterError(f"year {problem}; give it like 2020/21")
    return year


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

    @property
    def files(self) -> list[Path]:
        """Data files every report of this portfolio reads."""
        return [self.path / "portfolio.yaml", self.measures.path, self.observations.path,
                self.overrides.path]


def portfolios(data_dir: Path | None = None) -> list[str]:
    """Portfolio ids held under ``data_dir`` (folders with a portfolio.yaml)."""
    data_dir = Path(data_dir or config.DATA_DIR)
    return sorted(p.parent.name for p in data_dir.glob("*/portfolio.yaml"))


def load_portfolio(portfolio: str, data_dir: Path | str | None = None) -> Portfolio:
    """Read and check the register, observations and overrides of a portfolio."""
    data_dir = Path(data_dir or config.DATA_DIR)
    if not SLUG.match(str(portfolio)):
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
        council = require(doc, problems, ("council",), str, "give the council's name")
        name = require(doc, problems, ("portfolio",), str, "give the portfolio's name")
        years = require(doc, problems, ("years",), list, "list report years like \"2020/21\"") or []
        for i, y in enumerate(years):
            bad = period_problem(str(y))
            if bad:
                problems.append(Problem(doc.path, doc.line("years", i), f"years[{i}]", bad,
                                        "quote the year and write it like \"2020/21\""))
    measures = read_csv(path / "measures.csv", MEASURE_COLUMNS, problems, key=("year", "measure_id"))
    observations = read_csv(path / "observations.csv", OBSERVATION_COLUMNS, problems,
                            key=("report", "measure_id", "period"))
    overrides = read_csv(path / "overrides.csv", OVERRIDE_COLUMNS, problems,
                         key=("year", "measure_id"))
    facts = read_csv(path / "facts.csv", FACT_COLUMNS, problems,
                     key=("report", "topic", "metric", "period"), optional_file=True)
    events = read_csv(path / "museum_events.csv", EVENT_COLUMNS, problems,
                      key=("report", "date", "event"), optional_file=True)
    if facts is not None:
        for i, row in facts.frame.iterrows():
            if row.unit == "percentage" and not _nan(row.value) and row.value > 100:
                problems.append(Problem(facts.path, facts.line(i), "value",
                                        f"{row.value:g} is above 100%",
                                        "write the percentage between 0 and 100, without %"))
    if measures is not None:
        _check_measures(measures, years, problems)
    if measures is not None and observations is not None:
        _check_observations(observations, measures, problems)
    if measures is not None and overrides is not None:
        _check_known(overrides, measures, "year", problems)
    raise_if(problems)
    return Portfolio(portfolio, path, council, name, [str(y) for y in years], measures,
                     observations, overrides, facts, events)


def _check_measures(t: Table, years: list[str], problems: list[Problem]) -> None:
    seen_codes: dict[tuple, int] = {}
    for i, row in t.frame.iterrows():
        line = t.line(i)
        if row.year and years and row.year not in years:
            problems.append(Problem(t.path, line, "year", f"{row.year} is not in portfolio.yaml",
                                    "add the year to portfolio.yaml's years or correct it"))
        if row.year and row.pi_code and row.pi_code not in SHARED_CODES:
            key = (row.year, row.pi_code)
            if key in seen_codes:
                problems.append(Problem(t.path, line, "pi_code",
                                        f"{row.pi_code} is already used in {row.year} on row "
                                        f"{seen_codes[key]}",
                                        "give each measure its own PI code within a report year"))
            seen_codes.setdefault(key, line)
        target = row.target
        if row.target_type == "numerical" and _nan(target):
            problems.append(Problem(t.path, line, "target",
                                    "is empty but target_type is numerical",
                                    "write the target, or set target_type to direction or none"))
        if row.target_type in ("direction", "comparator") and not row.target_label:
            problems.append(Problem(t.path, line, "target_label",
                                    f"is empty but target_type is {row.target_type}",
                                    "write what the report prints, e.g. Aim to maximise"))
        if row.unit == "percentage" and not _nan(target) and target > 100:
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
        has_value = not _nan(row.value)
        if row.status in VALUE_STATUSES and not has_value and (i, "value") not in t.bad:
            problems.append(Problem(t.path, line, "value", f"is empty but status is {row.status}",
                                    "write the value, or set status to not available"))
        if row.status in EMPTY_STATUSES and has_value:
            problems.append(Problem(t.path, line, "value",
                                    f"has {row.value:g} but status is {row.status}",
                                    "clear the value, or set status to actual"))
        if row.status == "latest available" and not row.period_label:
            problems.append(Problem(t.path, line, "period_label",
                                    "is empty but status is latest available",
                                    "write the period the figure relates to, e.g. 2016"))
        if row.period and row.report and row.period > row.report:
            problems.append(Problem(t.path, line, "period",
                                    f"{row.period} is after the report year {row.report}",
                                    "a report can only publish figures up to its own year"))
        num = None if _nan(row.numerator) else int(row.numerator)
        den = None if _nan(row.denominator) else int(row.denominator)
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
                and not row.discrepancy and not _nan(d)):
            d = int(d)
            exact = 100.0 * num / den
            if abs(exact - row.value) > 0.5 * 10 ** -d + 1e-9:
                problems.append(Problem(
                    t.path, line, "value",
                    f"{row.value:g}% does not match {num:,} of {den:,} ({exact:.{d + 1}f}%)",
                    "correct the figures, or if the report printed it so, explain it in "
                    "the discrepancy column"))


def _nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _commentary(path: Path, ids: set[str], problems: list[Problem]) -> dict[str, str]:
    if not path.exists():
        problems.append(Problem(path, None, None, "the file is missing",
                                "create it with a '## measure_id' heading per measure"))
        return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(path, None, None, "the file is not valid UTF-8", "save it as UTF-8"))
        return {}
    out: dict[str, str] = {}
    current: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"^##\s+(\S+)\s*$", line)
        if m:
            current = m.group(1)
            if current not in ids:
                problems.append(Problem(path, n, None,
                                        f"heading '{current}' is not a measure_id of this year",
                                        "use a measure_id from measures.csv for this year"))
            elif current in out:
                problems.append(Problem(path, n, None, f"'{current}' has a second heading",
                                        "merge the two sections"))
            out.setdefault(current, "")
        elif current is not None:
            out[current] += line + "\n"
    return {k: v.strip() for k, v in out.items()}


@dataclass
class Report:
    """Everything one year's report prints, checked and computed."""

    portfolio: Portfolio
    year: str
    meta: dict[str, Any]
    measures: pd.DataFrame
    observations: pd.DataFrame
    commentary: dict[str, str]
    cash: CashLimit
    finance: dict[str, Any]
    reserves: pd.DataFrame
    savings: pd.DataFrame
    engagement: pd.DataFrame | None
    responses: pd.DataFrame | None
    files: list[Path] = field(default_factory=list)

    @property
    def folder(self) -> str:
        """This year as a folder name, e.g. '2020-21'."""
        return year_folder(self.year)


def load_report(portfolio: str | Portfolio, year: str,
                data_dir: Path | str | None = None) -> Report:
    """Load, check and compute one report year of one portfolio.

    Pass a loaded :class:`Portfolio` to build several years without reading its files again.
    """
    check_year(year)
    p = portfolio if isinstance(portfolio, Portfolio) else load_portfolio(portfolio, data_dir)
    if year not in p.years:
        raise ParameterError(f"year {year} is not held for portfolio '{p.id}' "
                             f"(held: {', '.join(p.years)})")
    folder = p.path / year_folder(year)
    problems: list[Problem] = []
    doc = read_yaml(folder / "report.yaml", problems)
    meta, finance, cash = _report_meta(doc, problems) if doc else ({}, {}, None)
    reserves = read_csv(folder / "reserves.csv", RESERVE_COLUMNS, problems)
    savings = read_csv(folder / "savings.csv", SAVINGS_COLUMNS, problems)
    engagement = read_csv(folder / "engagement.csv", ENGAGEMENT_COLUMNS, problems,
                          optional_file=True)
    responses = read_csv(folder / "responses.csv", RESPONSES_COLUMNS, problems,
                         optional_file=True)
    register = p.measures.frame[p.measures.frame["year"] == year]
    commentary = _commentary(commentary_path(folder), set(register["measure_id"]), problems)
    raise_if(problems)

    priorities = {pr["number"] for pr in meta["priorities"]}
    for i, row in p.measures.frame.iterrows():
        if row.year == year and row.priority not in priorities:
            problems.append(Problem(p.measures.path, p.measures.line(i), "priority",
                                    f"priority {row.priority} is not in {year_folder(year)}/report.yaml",
                                    "use a priority number listed in that year's report.yaml"))
    obs = p.observations.frame[p.observations.frame["report"] == year].copy()
    measures = _rate(register, obs, meta["rules"])
    _apply_overrides(measures, p.overrides, year, problems)
    reserves_f = reserves_with_balance(reserves.frame)
    _check_stated(doc, cash, reserves_f, savings.frame, problems)
    raise_if(problems)

    files = [*p.files, doc.path, commentary_path(folder), reserves.path, savings.path]
    files += [t.path for t in (engagement, responses) if t is not None]
    return Report(p, year, meta, measures, obs, commentary, cash, finance, reserves_f,
                  savings.frame, engagement.frame if engagement else None,
                  responses.frame if responses else None, files)


def commentary_path(folder: Path) -> Path:
    """Where a year's commentary lives."""
    return folder / "commentary.md"


def _report_meta(doc: Yaml, problems: list[Problem]) -> tuple[dict, dict, CashLimit | None]:
    def get(keys: tuple, kind: Any, fix: str) -> Any:
        return require(doc, problems, keys, kind, fix)

    meta: dict[str, Any] = {}
    d = get(("date",), dt.date, "write the cover date as YYYY-MM-DD")
    meta["date"] = d
    meta["date_label"] = doc.data.get("date_label")
    meta["version"] = str(get(("version",), (str, int, float), "quote the version, e.g. \"1.0\""))
    meta["approved_by"] = get(("approved_by",), str, "give the approver's initials")
    meta["cabinet_member"] = get(("cabinet_member",), str, "give the cabinet member's name")
    meta["agreement"] = get(("agreement",), str, "say which portfolio agreement applies")
    meta["summary"] = get(("summary",), str, "write a short overview in Markdown")
    meta["show_categories"] = bool(doc.data.get("show_categories", True))
    meta["capital_note"] = doc.data.get("capital_note") or ""
    pri = get(("priorities",), list, "list the priorities with number, title and intro") or []
    meta["priorities"] = []
    for i, item in enumerate(pri):
        number = get(("priorities", i, "number"), int, "number the priority 1, 2, 3 ...")
        title = get(("priorities", i, "title"), str, "give the priority's title")
        item = item if isinstance(item, dict) else {}
        tables = item.get("tables") or []
        for t in tables if isinstance(tables, list) else [tables]:
            if t not in PRIORITY_TABLES:
                problems.append(Problem(doc.path, doc.line("priorities", i, "tables"),
                                        f"priorities[{i}].tables", f"'{t}' is not a table perflib knows",
                                        f"use one of {', '.join(PRIORITY_TABLES)}"))
        meta["priorities"].append({"number": number, "title": title,
                                   "intro": item.get("intro") or "", "tables": tables})
    tol = get(("rules", "amber_tolerance"), (int, float), "write a share such as 0.05")
    thr = get(("rules", "stable_threshold"), (int, float), "write a share such as 0.01")
    meta["rules"] = {"amber_tolerance": tol, "stable_threshold": thr}
    for key, value in (("amber_tolerance", tol), ("stable_threshold", thr)):
        if isinstance(value, (int, float)) and not 0 <= value < 1:
            problems.append(Problem(doc.path, doc.line("rules", key), f"rules.{key}",
                                    f"{value} is not a share between 0 and 1",
                                    "write it as a fraction: 0.05 for 5%"))
    fin = doc.data.get("finance") or {}
    money = (int, float)
    prev = get(("finance", "cash_limit", "previously_reported"), money, "write £000 as a number")
    chg = get(("finance", "cash_limit", "change"), money, "write £000 as a number (0 if none)")
    net = get(("finance", "net_expenditure"), money, "write £000 as a number")
    app = get(("finance", "appropriations"), money, "write £000, negative for a draw-down")
    get(("finance", "risk_ratings"), dict, "give Green, Amber and Red definitions")
    cash = None
    if None not in (prev, chg, net, app):
        cash = CashLimit(prev, chg, net, app)
    return meta, fin, cash


#: Totals a report.yaml may state, and how perflib computes each.
STATED = {
    "cash_limit": lambda c, r, s: c.current,
    "outturn": lambda c, r, s: c.outturn,
    "surplus_deficit": lambda c, r, s: c.surplus_deficit,
    "reserves_approved": lambda c, r, s: r["approved"].sum(),
    "reserves_movement": lambda c, r, s: r["movement"].sum(),
    "reserves_balance": lambda c, r, s: r["balance"].sum(),
    "savings_value": lambda c, r, s: s["value"].sum(),
    "savings_achieved": lambda c, r, s: s["achieved"].sum(),
}


def _check_stated(doc: Yaml, cash: CashLimit, reserves: pd.DataFrame, savings: pd.DataFrame,
                  problems: list[Problem]) -> None:
    stated = (doc.data.get("finance") or {}).get("stated") or {}
    for key, value in stated.items():
        where = ("finance", "stated", key)
        if key not in STATED:
            problems.append(Problem(doc.path, doc.line(*where), ".".join(where),
                                    "is not a total perflib knows",
                                    f"use one of {', '.join(STATED)}"))
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(Problem(doc.path, doc.line(*where), ".".join(where),
                                    f"'{value}' is not a number", "write £000 as a number"))
            continue
        computed = float(STATED[key](cash, reserves, savings))
        if abs(computed - value) > 0.5:
            problems.append(Problem(doc.path, doc.line(*where), ".".join(where),
                                    f"states {value:g} but the figures add up to {computed:g}",
                                    "correct the figures it is made of, or the stated total"))


def _rate(register: pd.DataFrame, obs: pd.DataFrame, rule: dict) -> pd.DataFrame:
    """One row per measure: latest and previous figures, the rule's rating and the trend."""
    obs = obs.sort_values(["measure_id", "period"])
    last = obs.groupby("measure_id").tail(1).set_index("measure_id")
    prev = obs.groupby("measure_id").nth(-2).set_index("measure_id")
    m = register.sort_values(["priority", "order"]).reset_index(drop=True).copy()
    ids = m["measure_id"]
    m["period"] = ids.map(last["period"])
    m["actual"] = pd.to_numeric(ids.map(last["value"]), errors="coerce")
    m["numerator"] = ids.map(last["numerator"])
    m["denominator"] = ids.map(last["denominator"])
    m["data_status"] = ids.map(last["status"])
    m["previous_period"] = ids.map(prev["period"])
    m["previous"] = pd.to_numeric(ids.map(prev["value"]), errors="coerce")
    m["target"] = pd.to_numeric(m["target"], errors="coerce")
    rateable = (m["category"] != "Contextual") & (m["target_type"] == "numerical")
    m["rule_status"] = rules.rag(m["actual"], m["target"], m["polarity"], rateable,
                                 rule["amber_tolerance"])
    m["trend"] = rules.trend(m["actual"], m["previous"], m["polarity"], rule["stable_threshold"])
    m["status"] = m["rule_status"]
    m["override_reason"] = ""
    return m


def _apply_overrides(m: pd.DataFrame, overrides: Table, year: str, problems: list[Problem]) -> None:
    for i, row in overrides.frame.iterrows():
        if row.year != year:
            continue
        hit = m.index[m["measure_id"] == row.measure_id]
        if len(hit) == 0:
            continue
        j = hit[0]
        rule = m.at[j, "rule_status"]
        where = (overrides.path, overrides.line(i))
        if not rule:
            problems.append(Problem(*where, "published_status",
                                    f"{row.measure_id} gets no rating by the rule, so it cannot be "
                                    "overridden", "delete the row"))
        elif rule == row.published_status:
            problems.append(Problem(*where, "published_status",
                                    f"{row.published_status} is what the rule gives already",
                                    "delete the row: an override must differ from the rule"))
        else:
            m.at[j, "status"] = row.published_status
            m.at[j, "override_reason"] = row.reason or ""


MEASURES_CSV_COLUMNS = [
    "year", "pi_code", "measure_id", "short_name", "category", "polarity", "unit", "period",
    "actual", "numerator", "denominator", "data_status", "target_type", "target", "rule_status",
    "status", "override_reason", "trend", "previous_period", "previous",
]


def measures_csv(report: Report) -> pd.DataFrame:
    """The measures table a build publishes beside each annual report."""
    out = report.measures[MEASURES_CSV_COLUMNS].copy()
    for col in ("numerator", "denominator"):
        out[col] = out[col].astype("Int64")
    return out.replace({np.nan: None})


def load_all(data_dir: Path | str | None = None) -> list[Report]:
    """Load every report of every portfolio, gathering all data problems into one error."""
    problems: list[Problem] = []
    out: list[Report] = []
    for pid in portfolios(Path(data_dir or config.DATA_DIR)):
        try:
            p = load_portfolio(pid, data_dir)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        for year in p.years:
            try:
                out.append(load_report(p, year))
            except DataError as exc:
                problems.extend(q for q in exc.problems if q not in problems)
    raise_if(problems)
    return out
