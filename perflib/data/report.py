"""One report year of one portfolio: its files read and checked, its figures rated, in one object.

Every data check a build could fail on runs here, at load time, so ``perflib check`` finds it
before any notebook runs. A year marked ``status: draft`` loads with its to-do list instead of
failing on it; a ``final`` year must be complete and approved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from perflib import config, rules
from perflib.config import year_folder
from perflib.data import claims, files, periods, quality, ratings, specs
from perflib.data import commentary as commentary_file
from perflib.data.folders import check_year, portfolios
from perflib.data.options import ReportOptions
from perflib.data.portfolio import Portfolio, frame, read_portfolio
from perflib.data.report_meta import check_stated, read_meta
from perflib.data.schema import CheckedTable
from perflib.data.yamlfile import Yaml, read_yaml
from perflib.data.year import Report
from perflib.errors import ParameterError, Problem, merge
from perflib.finance import CashLimit, reserves_with_balance

#: How to fill in a figure left blank (a scaffolded year's, or a data return's).
FIGURE_FIX = "write the value and its figure_kind (actual, provisional ...), or figure_kind 'not available'"

#: Reads one portfolio: its id and data folder in; the Portfolio (or None) and its problems out.
PortfolioReader = Callable[[str, Path | str | None], tuple[Portfolio | None, list[Problem]]]


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
                               "yet", FIGURE_FIX, todo=True))
    held = set(o.frame.loc[o.frame["report"] == year, "measure_id"])
    for i in m.frame.index[(m.frame["year"] == year) & ~m.frame["measure_id"].isin(held)]:
        mid = m.frame.at[i, "measure_id"]
        if isinstance(mid, str):  # a register row with no figure at all under this report
            out.append(Problem(o.path, None, "measure_id",
                               f"the {year} report holds no figure for {mid}",
                               f"add a row: report {year}, measure_id {mid}, period {year} with "
                               "its value and figure_kind; or the latest period it has a figure "
                               "for (figure_kind latest available, with its period_label); or "
                               "figure_kind not available", todo=True))
    return out


def skipped(file: Path, what: str, because: str, verb: str = "checked") -> Problem:
    """One line for a stage that could not run, so a fixed error never uncovers a second round."""
    return Problem(file, None, None, f"{what} not {verb}, because {because} (see above)",
                   "fix that, then run perflib check again")


def read_report(portfolio: str | Portfolio, year: str, data_dir: Path | str | None = None
                ) -> tuple[Report | None, list[Problem]]:
    """Every data check that can run on what loaded, each problem once; the Report when built.

    A stage whose input failed says so in one line instead of running on broken figures. The
    report kinds' own checks are not run here (the data layer knows no report kind): the public
    loaders, :func:`perflib.reports.checks.load_report` and its siblings, add them.
    """
    check_year(year)
    p: Portfolio | None
    if isinstance(portfolio, Portfolio):
        p, problems = portfolio, list(portfolio.problems)
    else:
        p, problems = read_portfolio(portfolio, data_dir)
        if p is None:
            root = Path(data_dir or config.DATA_DIR) / portfolio
            return None, problems + [skipped(root / "portfolio.yaml", f"the {year} report was",
                                              "the portfolio's files could not be read")]
    if year not in p.years:
        raise ParameterError(f"year {year} is not held for portfolio '{p.id}' "
                             f"(held: {', '.join(p.years)})")
    folder = p.path / year_folder(year)
    problems += _portfolio_todos(p, year)
    doc = read_yaml(files.get("report.yaml").path(folder), problems)
    meta, finance, cash = (read_meta(doc, problems, p.settings.rules, p.options) if doc
                           else ({}, {}, None))
    reserves, savings = (_finance_file(p, folder, name, problems)
                         for name in ("reserves.csv", "savings.csv"))
    engagement, responses = (files.get(name).read(folder, problems)
                             for name in ("engagement.csv", "responses.csv"))
    register = p.measures.frame[p.measures.frame["year"] == year]
    commentary = _commentary(p, folder, set(register["measure_id"]), problems)
    if doc is None or not meta or not all(isinstance(meta["rules"][k], (int, float))
                           for k in ("amber_tolerance", "stable_threshold")):
        return None, problems + [skipped(folder, "ratings, trends, finance totals and "
                                          "commentary were", "report.yaml or its rules could "
                                          "not be read")]

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
    measures = rate(register, obs, meta["rules"], p.options)
    broken = p.broken(year)
    if not p.options.published:
        ratings.apply_overrides(measures, p.overrides, year, problems, broken)
    unread = not commentary and any(q.file == commentary_file.path_of(folder) and not q.todo
                                    for q in problems)
    # under commentary: optional a measure may go without (a KPI scorecard's notes are sparse)
    for m in measures.itertuples() if not unread and p.options.commentary_required else ():
        if not pd.isna(m.value) and not commentary.get(m.measure_id, None):
            problems.append(Problem(commentary_file.path_of(folder), None, m.measure_id,
                                    f"{m.pi_code} has a {year} figure but no commentary yet",
                                    f"write a few sentences under '## {m.measure_id}'", todo=True))
    empty = pd.DataFrame(columns=[c.name for c in specs.RESERVES])
    reserves_f = reserves_with_balance(reserves.frame if reserves is not None else empty)
    savings_f = savings.frame if savings is not None else pd.DataFrame(
        columns=[c.name for c in specs.SAVINGS])
    _stated(doc, cash, reserves, savings, reserves_f, savings_f, problems)
    if meta.get("status") == "final" and not meta.get("approved_by"):
        problems.append(Problem(doc.path, doc.line("approved_by"), "approved_by",
                                "a final report needs the approver's initials",
                                "write approved_by, or set status: draft until it is approved"))

    report = Report(portfolio=p, year=year, meta=meta, measures=measures, observations=obs,
                    commentary=commentary, cash=cash, finance=finance, reserves=reserves_f,
                    savings=savings_f, engagement=frame(engagement),
                    responses=frame(responses), yaml=doc,
                    sound=broken == set() and all(q.todo for q in p.problems))
    if not unread:  # an unread commentary.md's own error says so
        problems += _commentary_problems(report, broken)
    return report, problems


def _finance_file(p: Portfolio, folder: Path, name: str, problems: list[Problem]
                  ) -> CheckedTable | None:
    """reserves.csv or savings.csv; under ``finance: none`` there must be none to leave unprinted."""
    f = files.get(name)
    if p.options.has_finance:
        return f.read(folder, problems)
    path = f.path(folder)
    if path.exists() or path.is_symlink():
        problems.append(Problem(path, None, None, "portfolio.yaml says finance: none, so the "
                                "report prints no reserves or savings",
                                "delete the file, or take finance: none out of portfolio.yaml"))
    return None


def _commentary(p: Portfolio, folder: Path, ids: set[str], problems: list[Problem]
                ) -> dict[str, commentary_file.Commentary]:
    """The year's commentary; under ``commentary: optional`` commentary.md may be left out."""
    path = commentary_file.path_of(folder)
    if not p.options.commentary_required and not (path.exists() or path.is_symlink()):
        return {}
    return commentary_file.parse(path, ids, problems)


def _stated(doc: Yaml, cash: CashLimit | None, reserves: CheckedTable | None, savings: CheckedTable | None,
            reserves_f: pd.DataFrame, savings_f: pd.DataFrame, problems: list[Problem]) -> None:
    """The totals report.yaml states, except those made of figures that did not read."""
    stated = (doc.data.get("finance") or {}).get("stated") or {}
    if not stated:
        return
    if cash is None:
        problems.append(skipped(doc.path, "the stated finance totals were",
                                 "a cash limit or outturn figure is missing or wrong"))
        return
    skip = [key for key, t in (("reserves", reserves), ("savings", savings))
            if t is None or t.bad]
    for key in skip:
        problems.append(skipped(doc.path, f"the stated {key} totals were",
                                 f"{key}.csv has errors"))
    check_stated(doc, cash, reserves_f, savings_f, problems, skip=tuple(skip))


def _commentary_problems(r: Report, broken: set[str] | None) -> list[Problem]:
    """Stray braces, unknown placeholders and (in a final report) contradicted commentary.

    The commentary of a measure whose figures have errors is not judged against them.
    """
    out, braces = [], set()
    for mid, c in r.commentary.items():
        for p in claims.placeholder_problems(c.text, c.line):
            out.append(Problem(r.commentary_path, p.line, None, p.message, p.fix))
            braces.add(mid)
        if claims.DRAFT_MARKER in c.text:
            out.append(Problem(r.commentary_path, c.line, None,
                               f"the commentary for {mid} is still the drafted sentence",
                               f"complete it and delete '{claims.DRAFT_MARKER}'", todo=True))
    unjudged = set(r.measures["measure_id"]) if broken is None else broken
    r.findings = quality.findings(r, skip=unjudged)
    r.advice = quality.unit_advice(r) + quality.comparator_advice(r)
    if unjudged:
        what = "the commentary was" if broken is None else \
            f"the commentary of {', '.join(sorted(unjudged))} was"
        out.append(skipped(r.commentary_path, what, "figures it is read against have errors"))
    return out + quality.contradictions(r, r.findings, skip=braces)


def rate(register: pd.DataFrame, obs: pd.DataFrame, rule: dict,
         options: ReportOptions | None = None) -> pd.DataFrame:
    """One row per measure: this year's and the previous figure, its ratings and the trend.

    ``rule_rating`` is the rule's; ``rating``, the one every report prints, is decided by
    :func:`perflib.data.ratings.decide` from the portfolio's ``ratings:`` setting.
    """
    obs = obs.sort_values(["measure_id", "period"])
    last = obs.groupby("measure_id").tail(1).set_index("measure_id")
    prev = obs.groupby("measure_id").nth(-2).set_index("measure_id")
    m = register.sort_values(["priority", "order"]).reset_index(drop=True)
    now, before = last.reindex(m["measure_id"]), prev.reindex(m["measure_id"])
    cols = {c: m[c] for c in m.columns}  # the frame is made once, not a column at a time
    cols.update(
        period=now["period"].to_numpy(),
        value=pd.to_numeric(now["value"], errors="coerce").to_numpy(),
        numerator=now["numerator"].to_numpy(), denominator=now["denominator"].to_numpy(),
        figure_kind=now["figure_kind"].to_numpy(), previous_period=before["period"].to_numpy(),
        previous=pd.to_numeric(before["value"], errors="coerce").to_numpy(),
        target=pd.to_numeric(m["target"], errors="coerce").to_numpy())
    m = pd.DataFrame(cols)
    m = pd.concat([m, pd.DataFrame({
        "rule_rating": rules.rate(m, rule["amber_tolerance"]),
        "trend": rules.trend(m["value"], m["previous"], m["polarity"], rule["stable_threshold"]),
        "override_reason": ""}, index=m.index)], axis=1)
    ratings.decide(m, options or ReportOptions(), now["published_rating"].to_numpy()
                   if "published_rating" in now else None)
    return m


def years(data_dir: Path | str | None, problems: list[Problem], portfolio: str | None = None,
          year: str | None = None, read: PortfolioReader = read_portfolio
          ) -> Iterator[tuple[Portfolio, str]]:
    """Every (portfolio, year) asked for; a portfolio that does not load adds its problems instead.

    A year asked for that a portfolio does not hold is a :class:`ParameterError` from
    :func:`load_report`, as for one report. ``read`` reads one portfolio (a build passes one that
    reuses the check it already made).
    """
    root = Path(data_dir or config.DATA_DIR)
    for pid in [portfolio] if portfolio else portfolios(root):
        p, found = read(pid, data_dir)
        merge(problems, found)
        if p is None:
            problems.append(skipped(root / pid / "portfolio.yaml", f"the report years of {pid} "
                                     "were", "the portfolio's files could not be read"))
            continue
        for y in [year] if year else p.years:
            yield p, y


__all__ = ["FIGURE_FIX", "rate", "read_report", "skipped", "years"]
