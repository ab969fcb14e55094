"""A year's report.yaml read and checked: cover, priorities, rating rules and finance.

Every key the reports print is required with its type; the finance totals the report states are
worked out again from the figures they are made of and must agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from perflib.data import specs
from perflib.data.options import ReportOptions
from perflib.data.yamlfile import Yaml, require
from perflib.errors import Problem
from perflib.finance import CashLimit


def read_meta(doc: Yaml, problems: list[Problem], default_rules: dict[str, float] | None = None,
              options: ReportOptions | None = None) -> tuple[dict, dict, CashLimit | None]:
    """The year's settings, its finance section and its cash limit (None when a figure is bad).

    Under portfolio.yaml's ``finance: none`` the report carries no finance and needs no cabinet
    member (one given is printed); a ``finance`` or ``finance_quarters`` key is then an error,
    since the report would not print it.
    """
    options = options or ReportOptions()
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
    meta["cabinet_member"] = (get(("cabinet_member",), str, "give the cabinet member's name")
                              if options.has_finance else _optional_text(doc, "cabinet_member",
                                                                         problems))
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
    # a threshold report.yaml leaves out is the council's (council.yaml), where it gives one
    rules = doc.data.get("rules")
    given: dict[str, Any] = rules if isinstance(rules, dict) else {}
    defaults = default_rules or {}
    tol = (defaults["amber_tolerance"] if "amber_tolerance" not in given and "amber_tolerance"
           in defaults else get(("rules", "amber_tolerance"), (int, float),
                                "write a share such as 0.05 (or give the council's in "
                                "council.yaml's rules)"))
    thr = (defaults["stable_threshold"] if "stable_threshold" not in given and "stable_threshold"
           in defaults else get(("rules", "stable_threshold"), (int, float),
                                "write a share such as 0.01 (or give the council's in "
                                "council.yaml's rules)"))
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
    if not options.has_finance:
        for key in ("finance", "finance_quarters"):
            if key in doc.data:
                problems.append(Problem(doc.path, doc.line(key), key, "portfolio.yaml says "
                                        "finance: none, so the report prints no finance",
                                        f"delete {key} from report.yaml, or take finance: none "
                                        "out of portfolio.yaml"))
        return meta, {}, None
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


def _optional_text(doc: Yaml, key: str, problems: list[Problem]) -> str | None:
    """A line of text report.yaml may leave out or blank; anything else given is an error."""
    value = doc.data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        problems.append(Problem(doc.path, doc.line(key), key, f"'{value}' is not a line of text",
                                f"write the {key.replace('_', ' ')} as text, or leave it out"))
        return None
    return value


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


def check_stated(doc: Yaml, cash: CashLimit, reserves: pd.DataFrame, savings: pd.DataFrame,
                 problems: list[Problem], skip: tuple[str, ...] = ()) -> None:
    """Each total report.yaml states against the total worked out from its parts.

    ``skip`` names tables (reserves, savings) whose totals cannot be worked out for now.
    """
    stated = (doc.data.get("finance") or {}).get("stated") or {}
    for key, value in stated.items():
        where = ("finance", "stated", key)
        if key.split("_")[0] in skip:
            continue
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


def read_cover(doc: Yaml, keys: tuple, label: str, item: dict, problems: list[Problem]) -> dict:
    """A report's own cover details (date, version, approver, status) from a mapping in ``doc``.

    ``keys`` say where the mapping is (``("quarters", "Q1")``, or ``()`` for the whole file) and
    ``label`` names the report in messages. A date is a date, a status is draft or final (final
    by default), and a final report names its approver; a missing date or version is a to-do,
    printed on the cover as still to be set.
    """
    def problem(key: str, message: str, fix: str, todo: bool = False) -> None:
        problems.append(Problem(doc.path, doc.line(*keys, key), ".".join(map(str, (*keys, key))),
                                message, fix, todo=todo))

    status = item.get("status", "final")
    if status not in specs.REPORT_STATUSES:
        problem("status", f"'{status}' is not draft or final",
                f"write status: draft while the {label} report is prepared, final when it is "
                "approved")
        status = "draft"
    date = item.get("date")
    if date is None:
        problem("date", f"the {label} report's date is not given yet",
                "write the date on its cover as YYYY-MM-DD", todo=True)
    elif not isinstance(date, dt.date):
        problem("date", f"'{date}' is not a date", "write the date as YYYY-MM-DD")
        date = None
    version = item.get("version")
    if version is None or isinstance(version, bool):
        problem("version", f"the {label} report's version is not given yet",
                "quote the version, e.g. \"1.0\"", todo=True)
        version = None
    approved = item.get("approved_by")
    if status == "final" and not approved:
        problem("approved_by", f"a final {label} report needs the approver's initials",
                "write approved_by, or set status: draft until it is approved")
    return {"status": status, "date": date, "date_label": item.get("date_label"),
            "version": "" if version is None else str(version),
            "approved_by": str(approved) if approved else None}
