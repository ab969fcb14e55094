"""One report year of one portfolio: its files read and checked, its figures rated, in one object.

Every data check a build could fail on runs here, at load time, so ``perflib check`` finds it
before any notebook runs. A year marked ``status: draft`` loads with its to-do list instead of
failing on it; a ``final`` year must be complete and approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from perflib import config, rules
from perflib.data import commentary as commentary_file
from perflib.data import periods, specs
from perflib.data.portfolio import (
    Portfolio,
    check_year,
    frame,
    load_portfolio,
    nan,
    portfolios,
    year_folder,
)
from perflib.data.schema import Table, Yaml, raise_if, read_csv, read_yaml, require
from perflib.errors import DataError, ParameterError, Problem, merge
from perflib.finance import CashLimit, reserves_with_balance


@dataclass
class Report:
    """Everything one year's report prints, checked and computed."""

    portfolio: Portfolio
    year: str
    meta: dict[str, Any]
    measures: pd.DataFrame
    observations: pd.DataFrame
    commentary: dict[str, commentary_file.Commentary]
    cash: CashLimit | None
    finance: dict[str, Any]
    reserves: pd.DataFrame
    savings: pd.DataFrame
    engagement: pd.DataFrame | None
    responses: pd.DataFrame | None
    files: list[Path] = field(default_factory=list)
    #: what is still to fill in (a draft builds with these; a final year has none)
    todos: list[Problem] = field(default_factory=list)
    #: where the commentary or the published figures disagree (perflib.data.quality)
    findings: list[Any] = field(default_factory=list)

    @property
    def folder(self) -> str:
        """This year as a folder name, e.g. '2020-21'."""
        return year_folder(self.year)

    @property
    def draft(self) -> bool:
        """Whether this year is a draft (marked DRAFT on every page)."""
        return self.meta.get("status") == "draft"

    @property
    def rules(self) -> dict[str, float]:
        """This year's rating thresholds."""
        return self.meta["rules"]

    @property
    def commentary_path(self) -> Path:
        """This year's commentary.md."""
        return commentary_file.path_of(self.portfolio.path / self.folder)

    @cached_property
    def figures(self) -> dict[str, Any]:
        """Each measure's figures as its commentary may cite them (:class:`claims.Figures`)."""
        from perflib.data import claims

        return claims.figures_from_report(self)

    def text(self, measure_id: str) -> str:
        """A measure's commentary with its placeholders filled from the measure's own figures."""
        from perflib.data import claims

        c = self.commentary.get(measure_id)
        if not c or not c.text:
            return ""
        return claims.render(c.text, self.figures[measure_id],
                             missing="[figure to be added]" if self.draft else None)


def load_report(portfolio: str | Portfolio, year: str,
                data_dir: Path | str | None = None) -> Report:
    """Load, check and compute one report year of one portfolio.

    Pass a loaded :class:`Portfolio` to build several years without reading its files again.
    Raises :class:`DataError` on any problem, and on to-dos unless the year is a draft.
    """
    report, problems = _load(portfolio, year, data_dir)
    errors = [p for p in problems if not p.todo]
    if errors or (problems and (report is None or not report.draft)):
        raise DataError(problems)
    assert report is not None
    report.todos = problems
    return report


def check_report(portfolio: str | Portfolio, year: str,
                 data_dir: Path | str | None = None) -> tuple[Report | None, list[Problem]]:
    """One report year (when it loads) and every problem and to-do of it, draft or not."""
    try:
        return _load(portfolio, year, data_dir)
    except DataError as exc:
        return None, exc.problems


def _portfolio_todos(p: Portfolio, year: str) -> list[Problem]:
    """To-dos in the portfolio's shared files that belong to this year."""
    out = []
    m, o = p.measures, p.observations
    for i in m.frame.index[(m.frame["year"] == year) & (m.frame["target_type"] == "numerical")
                           & m.frame["target"].isna()]:
        if (i, "target") not in m.bad:
            out.append(Problem(m.path, m.line(i), "target",
                               f"the {year} target for {m.frame.at[i, 'pi_code']} is not set yet",
                               "write the target, or set target_type to direction or none",
                               todo=True))
    for i in o.frame.index[(o.frame["report"] == year) & o.frame["figure_kind"].isna()
                           & o.frame["value"].isna()]:
        if (i, "figure_kind") not in o.bad:
            row = o.frame.loc[i]
            out.append(Problem(o.path, o.line(i), "value",
                               f"the {row.period} figure for {row.measure_id} is not filled in "
                               "yet", "write the value and its figure_kind (actual, provisional "
                               "...), or figure_kind 'not available'", todo=True))
    return out


def _load(portfolio: str | Portfolio, year: str,
          data_dir: Path | str | None) -> tuple[Report | None, list[Problem]]:
    check_year(year)
    p = portfolio if isinstance(portfolio, Portfolio) else load_portfolio(portfolio, data_dir)
    if year not in p.years:
        raise ParameterError(f"year {year} is not held for portfolio '{p.id}' "
                             f"(held: {', '.join(p.years)})")
    folder = p.path / year_folder(year)
    problems: list[Problem] = _portfolio_todos(p, year)
    doc = read_yaml(folder / "report.yaml", problems)
    meta, finance, cash = _report_meta(doc, problems) if doc else ({}, {}, None)
    reserves = read_csv(folder / "reserves.csv", specs.RESERVES, problems)
    savings = read_csv(folder / "savings.csv", specs.SAVINGS, problems)
    engagement = read_csv(folder / "engagement.csv", specs.ENGAGEMENT, problems,
                          optional_file=True)
    responses = read_csv(folder / "responses.csv", specs.RESPONSES, problems,
                         optional_file=True)
    register = p.measures.frame[p.measures.frame["year"] == year]
    commentary = commentary_file.parse(commentary_file.path_of(folder),
                                       set(register["measure_id"]), problems)
    if [q for q in problems if not q.todo] or not meta:
        return None, problems

    for t, key in ((reserves, "reserves"), (savings, "savings")):
        if t is not None and t.frame.empty and not finance.get(f"{key}_note"):
            problems.append(Problem(t.path, None, None, f"the {year} {key} are not filled in yet",
                                    f"add the year's rows, or say why there are none in "
                                    f"report.yaml under finance.{key}_note", todo=True))
    priorities = {pr["number"] for pr in meta["priorities"]}
    for i, row in p.measures.frame.iterrows():
        if row.year == year and row.priority not in priorities:
            problems.append(Problem(p.measures.path, p.measures.line(i), "priority",
                                    f"priority {row.priority} is not in {year_folder(year)}/report.yaml",
                                    "use a priority number listed in that year's report.yaml"))
    o = p.observations.frame  # the annual report reads whole years; quarters are for quarterlies
    obs = o[(o["report"] == year) & periods.is_year(o["period"])].copy()
    measures = rate(register, obs, meta["rules"])
    _apply_overrides(measures, p.overrides, year, problems)
    for m in measures.itertuples():
        if not pd.isna(m.value) and not commentary.get(m.measure_id, None):
            problems.append(Problem(commentary_file.path_of(folder), None, m.measure_id,
                                    f"{m.pi_code} has a {year} figure but no commentary yet",
                                    f"write a few sentences under '## {m.measure_id}'", todo=True))
    reserves_f = reserves_with_balance(reserves.frame)
    if cash is not None:
        _check_stated(doc, cash, reserves_f, savings.frame, problems)
    if meta.get("status") == "final" and not meta.get("approved_by"):
        problems.append(Problem(doc.path, doc.line("approved_by"), "approved_by",
                                "a final report needs the approver's initials",
                                "write approved_by, or set status: draft until it is approved"))
    if [q for q in problems if not q.todo]:
        return None, problems

    files = [*p.files, doc.path, commentary_file.path_of(folder), reserves.path, savings.path]
    files += [t.path for t in (engagement, responses) if t is not None]
    report = Report(p, year, meta, measures, obs, commentary, cash, finance, reserves_f,
                    savings.frame, frame(engagement), frame(responses), files)
    from perflib.reports import kinds

    for name in p.reports:
        kind = kinds()[name]
        if kind.check is not None:
            problems.extend(kind.check(report))
    problems += _commentary_problems(report)
    if [q for q in problems if not q.todo]:
        return None, problems
    return report, problems


def _commentary_problems(r: Report) -> list[Problem]:
    """Unknown placeholders, and (in a final report) commentary its figures contradict."""
    from perflib.data import claims, quality

    out = []
    for c in r.commentary.values():
        for p in claims.placeholder_problems(c.text, c.line):
            out.append(Problem(r.commentary_path, p.line, None, p.message, p.fix))
    if out:
        return out
    for mid, c in r.commentary.items():
        if claims.DRAFT_MARKER in c.text:
            out.append(Problem(r.commentary_path, c.line, None,
                               f"the commentary for {mid} is still the drafted sentence",
                               f"complete it and delete '{claims.DRAFT_MARKER}'", todo=True))
    r.findings = quality.findings(r)
    if r.meta.get("status") == "final":
        for x in r.findings:
            if x.severity == claims.ERROR:
                out.append(Problem(r.commentary_path, x.line, x.measure_id,
                                   f"{x.pi_code}: {x.finding}: '{x.words}' (the data says "
                                   f"{x.data_says})", x.fix))
    return out


def _report_meta(doc: Yaml, problems: list[Problem]) -> tuple[dict, dict, CashLimit | None]:
    def get(keys: tuple, kind: Any, fix: str) -> Any:
        return require(doc, problems, keys, kind, fix)

    meta: dict[str, Any] = {}
    status = doc.data.get("status", "final")
    if status not in specs.REPORT_STATUSES:
        problems.append(Problem(doc.path, doc.line("status"), "status",
                                f"'{status}' is not draft or final",
                                "write status: draft while the report is prepared, final when "
                                "it is approved"))
    meta["status"] = status
    meta["date"] = get(("date",), dt.date, "write the cover date as YYYY-MM-DD")
    meta["date_label"] = doc.data.get("date_label")
    meta["version"] = str(get(("version",), (str, int, float), "quote the version, e.g. \"1.0\"")
                          or "")
    meta["approved_by"] = get(("approved_by",), str, "give the approver's initials") \
        if status == "final" or doc.data.get("approved_by") else None
    meta["cabinet_member"] = get(("cabinet_member",), str, "give the cabinet member's name")
    meta["agreement"] = get(("agreement",), str, "say which portfolio agreement applies")
    meta["summary"] = get(("summary",), str, "write a short overview in Markdown")
    meta["show_categories"] = bool(doc.data.get("show_categories", True))
    meta["capital_note"] = doc.data.get("capital_note") or ""
    meta["empty_sections"] = doc.data.get("empty_sections") or {}
    pri = get(("priorities",), list, "list the priorities with number, title and intro") or []
    meta["priorities"] = []
    for i, item in enumerate(pri):
        number = get(("priorities", i, "number"), int, "number the priority 1, 2, 3 ...")
        title = get(("priorities", i, "title"), str, "give the priority's title")
        item = item if isinstance(item, dict) else {}
        tables = item.get("tables") or []
        for t in tables if isinstance(tables, list) else [tables]:
            if t not in specs.PRIORITY_TABLES:
                problems.append(Problem(doc.path, doc.line("priorities", i, "tables"),
                                        f"priorities[{i}].tables", f"'{t}' is not a table perflib knows",
                                        f"use one of {', '.join(specs.PRIORITY_TABLES)}"))
        meta["priorities"].append({"number": number, "title": title,
                                   "intro": item.get("intro") or "", "tables": tables})
    tol = get(("rules", "amber_tolerance"), (int, float), "write a share such as 0.05")
    thr = get(("rules", "stable_threshold"), (int, float), "write a share such as 0.01")
    stated = (doc.data.get("rules") or {}).get("stated", ["amber_tolerance", "stable_threshold"])
    if not isinstance(stated, list) or not set(stated) <= {"amber_tolerance", "stable_threshold"}:
        problems.append(Problem(doc.path, doc.line("rules", "stated"), "rules.stated",
                                f"'{stated}' is not a list of the thresholds the report states",
                                "list any of amber_tolerance, stable_threshold, e.g. "
                                "[stable_threshold]"))
        stated = []
    meta["rules"] = {"amber_tolerance": tol, "stable_threshold": thr, "stated": stated}
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
STATED: dict[str, Callable[[CashLimit, pd.DataFrame, pd.DataFrame], float]] = {
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
        if value is None:
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


def rate(register: pd.DataFrame, obs: pd.DataFrame, rule: dict) -> pd.DataFrame:
    """One row per measure: this year's and the previous figure, the rule's rating and the trend."""
    obs = obs.sort_values(["measure_id", "period"])
    last = obs.groupby("measure_id").tail(1).set_index("measure_id")
    prev = obs.groupby("measure_id").nth(-2).set_index("measure_id")
    m = register.sort_values(["priority", "order"]).reset_index(drop=True).copy()
    ids = m["measure_id"]
    m["period"] = ids.map(last["period"])
    m["value"] = pd.to_numeric(ids.map(last["value"]), errors="coerce")
    m["numerator"] = ids.map(last["numerator"])
    m["denominator"] = ids.map(last["denominator"])
    m["figure_kind"] = ids.map(last["figure_kind"])
    m["previous_period"] = ids.map(prev["period"])
    m["previous"] = pd.to_numeric(ids.map(prev["value"]), errors="coerce")
    m["target"] = pd.to_numeric(m["target"], errors="coerce")
    rateable = (m["category"] != "Contextual") & (m["target_type"] == "numerical")
    m["rule_rating"] = rules.rag(m["value"], m["target"], m["polarity"], rateable,
                                 rule["amber_tolerance"])
    m["trend"] = rules.trend(m["value"], m["previous"], m["polarity"], rule["stable_threshold"])
    m["rating"] = m["rule_rating"]
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
        rule = m.at[j, "rule_rating"]
        where = (overrides.path, overrides.line(i))
        if not rule:
            problems.append(Problem(*where, "published_rating",
                                    f"{row.measure_id} gets no rating by the rule, so it cannot be "
                                    "overridden", "delete the row"))
        elif rule == row.published_rating:
            problems.append(Problem(*where, "published_rating",
                                    f"{row.published_rating} is what the rule gives already",
                                    "delete the row: an override must differ from the rule"))
        else:
            m.at[j, "rating"] = row.published_rating
            m.at[j, "override_reason"] = row.reason or ""


def load_all(data_dir: Path | str | None = None) -> list[Report]:
    """Load every report of every portfolio, gathering all data problems into one error.

    A draft year loads with its to-dos (as a build would); anything else wrong is raised.
    """
    problems: list[Problem] = []
    out: list[Report] = []
    for p, year in _years(data_dir, problems):
        try:
            out.append(load_report(p, year))
        except DataError as exc:
            merge(problems, exc.problems)
    raise_if(problems)
    return out


def _years(data_dir: Path | str | None, problems: list[Problem]) -> Iterator[tuple[Portfolio, str]]:
    """Every (portfolio, year) held; a portfolio that does not load adds its problems instead."""
    for pid in portfolios(Path(data_dir or config.DATA_DIR)):
        try:
            p = load_portfolio(pid, data_dir)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        for year in p.years:
            yield p, year


def check_all(data_dir: Path | str | None = None
              ) -> tuple[list[tuple[str, str]], list[Problem], list[Report]]:
    """What ``perflib check`` reports: years held, problems and to-dos, and the loaded years.

    Drafts are included; each loaded year carries its data-quality findings.
    """
    problems: list[Problem] = []
    held: list[tuple[str, str]] = []
    loaded: list[Report] = []
    for p, year in _years(data_dir, problems):
        held.append((p.id, year))
        report, found = check_report(p, year)
        merge(problems, found)
        if report is not None:
            loaded.append(report)
    return held, problems, loaded


__all__ = ["Report", "check_all", "check_report", "check_year", "load_all", "load_report",
           "nan", "rate", "year_folder"]
