"""The annual report's sections, in the order of the published reports, as HTML fragments.

Each function takes a loaded :class:`~perflib.data.load.Report` and returns a :class:`Fragment` that a
notebook cell displays; nothing here computes a figure that :mod:`perflib.data.load` or
:mod:`perflib.finance` has not already computed.
"""

from __future__ import annotations

import math

import pandas as pd

from perflib.present import formatting as fmt
from perflib import rules
from perflib.present.html import Fragment, badge, esc, markdown, table
from perflib.data.load import EMPTY_STATUSES, Report

ITALIC_STATUSES = ("provisional", "forecast", "latest available")


def cover(r: Report, subtitle: str | None = None, note: str = "") -> Fragment:
    """Cover page: council, portfolio, title (the report's or ``subtitle``), date, version, approver."""
    m = r.meta
    date = m.get("date_label") or fmt.long_date(m["date"])
    heading = subtitle or f"Portfolio Performance and Resources Annual Report {r.year}"
    return Fragment(
        f'<header class="cover"><p class="council">{esc(r.portfolio.council)}</p>'
        f'<h1><span class="portfolio">{esc(r.portfolio.name)}</span> {esc(heading)}</h1>'
        f'<dl class="cover-meta"><dt>Date</dt><dd>{esc(date)}</dd>'
        f"<dt>Version</dt><dd>{esc(m['version'])}</dd>"
        f"<dt>Approved by</dt><dd>{esc(m['approved_by'])}</dd></dl>"
        f"{f'<p>{esc(note)}</p>' if note else ''}</header>"
    )


def overview(r: Report) -> Fragment:
    """Portfolio overview: summary, revenue budget outturn and use of reserves."""
    c = r.cash
    budget = table(
        "Revenue budget (outturn), £000",
        ["", "£000"],
        [["Cash limit", fmt.money(c.current)],
         ["Outturn", fmt.money(c.outturn)],
         ["(Surplus)/Deficit", fmt.money(c.surplus_deficit)],
         ["(Surplus)/Deficit as % of the cash limit", fmt.money_pct(c.surplus_deficit_pct)]],
        numeric=(1,), cls="finance")
    approved = r.reserves["approved"].sum()
    moved = r.reserves["movement"].sum()
    use = "drawn down" if moved <= 0 else "added to reserves"
    reserves = (f"<p>Earmarked reserves approved for the portfolio total {fmt.money_m(approved)}; "
                f"{fmt.money_m(moved)} was {use} in the outturn above.</p>")
    return Fragment(
        f'<section aria-labelledby="overview"><h2 id="overview">{esc(r.portfolio.name)} '
        f"portfolio overview</h2><h3>Portfolio summary</h3>{markdown(r.meta['summary'])}"
        f'<p class="signature">{esc(r.meta["cabinet_member"])}, Cabinet Member for '
        f"{esc(r.portfolio.name)}</p><h3>Revenue budget (outturn)</h3>{budget}"
        f"<h3>Reserves</h3>{reserves}"
        + (f"<h3>Capital programme</h3>{markdown(r.meta['capital_note'])}"
           if r.meta["capital_note"] else "") + "</section>"
    )


def key() -> str:
    """Key to the symbols, words and type styles used in the measure tables."""
    rows = [
        [badge(rules.RED), "Performing significantly (more than 5%) worse than target"],
        [badge(rules.AMBER), "Performing slightly (up to 5%) worse than target"],
        [badge(rules.GREEN), "On track, or performing better than target"],
        [badge(rules.WORSE), "Worse than the previous period"],
        [badge(rules.STABLE), "Changed by less than 1% from the previous period"],
        [badge(rules.BETTER), "Better than the previous period"],
        ["<strong>Bold name</strong>", "Greater Manchester Strategy or headline measure"],
        ["<em>Italic figure</em>", "Provisional, forecast or latest available figure"],
    ]
    return table("Key to symbols used in the measure tables", ["Symbol", "Meaning"], rows,
                 cls="key")


def _cell(obs: pd.Series, unit: str, decimals: int) -> str:
    if obs is None:
        return "Not available"
    if obs["status"] in EMPTY_STATUSES:
        return esc(obs["status"].capitalize())
    text = esc(fmt.value(unit, obs["value"], decimals, obs["numerator"], obs["denominator"]))
    if obs["status"] == "latest available":
        text += f" ({esc(obs['period_label'])})"
    if obs["status"] in ITALIC_STATUSES:
        text = f"<em>{text}</em> <span class=\"note\">({esc(obs['status'])})</span>"
    return text


def target_text(m: pd.Series) -> str:
    """A measure's target as the report prints it (its own decimals, or a label)."""
    if m["target_type"] == "numerical" and not math.isnan(m["target"]):
        places = m["decimals"] if pd.isna(m.get("target_decimals")) else m["target_decimals"]
        return fmt.value(m["unit"], m["target"], int(places))
    return m["target_label"] or "No target"


def _status(m: pd.Series) -> str:
    if m["status"]:
        return badge(m["status"])
    if m["data_status"] in EMPTY_STATUSES or (isinstance(m["actual"], float)
                                              and math.isnan(m["actual"])):
        return "Not rated: no figure"
    if m["category"] == "Contextual":
        return "Not rated: contextual"
    return "Not rated: no numerical target"


def measure(r: Report, m: pd.Series) -> str:
    """One measure: its table (periods, target, rating, trend) and its commentary and notes."""
    obs = r.observations[r.observations["measure_id"] == m["measure_id"]].sort_values("period")
    periods = list(obs["period"])
    name = esc(m["short_name"])
    if m["headline"]:
        name = f"<strong>{name}</strong>"
    heads = ["PI code", "Good performance", *[f"{esc(p)} actual" for p in periods],
             f"{esc(r.year)} target", "Status", "Trend"]
    cells = [esc(m["pi_code"]), esc(m["polarity"])]
    cells += [_cell(row, m["unit"], int(m["decimals"])) for _, row in obs.iterrows()]
    cells += [esc(target_text(m)), _status(m), badge(m["trend"]) if m["trend"] else "No trend"]
    out = [f'<div class="measure" id="m-{esc(m["measure_id"])}">',
           table(f"{esc(m['pi_code'])}: {name}", heads, [cells], cls="measure-table")]
    if m["override_reason"]:
        out.append(f'<p class="override"><strong>Rating overridden:</strong> the rule gives '
                   f"{esc(m['rule_status'])}; published as {esc(m['status'])}. "
                   f"<strong>Reason:</strong> {esc(m['override_reason'])}</p>")
    for _, row in obs[obs["discrepancy"].fillna("") != ""].iterrows():
        out.append(f'<p class="dq-note"><strong>Data-quality note ({esc(row["period"])}):</strong> '
                   f"{esc(row['discrepancy'])}</p>")
    out.append(f'<div class="commentary">{markdown(r.commentary.get(m["measure_id"], ""))}</div>')
    out.append("</div>")
    return "".join(out)


CATEGORY_HEADINGS = {"Council": "Council measures", "Partnership": "Partnership measures",
                     "Contextual": "Contextual measures"}


def priorities(r: Report) -> Fragment:
    """Section 1: the key, then each priority with its measures grouped by category."""
    out = ['<section aria-labelledby="priorities"><h2 id="priorities">1. Delivering our '
           "priorities</h2>", f"<p>{esc(r.meta['agreement'])}</p>",
           "<h3>Key to symbols used in tables</h3>", key()]
    for p in r.meta["priorities"]:
        n = p["number"]
        out.append(f'<h3 id="priority-{n}">Priority {n}: {esc(p["title"])}</h3>')
        out.append(markdown(p["intro"]))
        if "responses" in p["tables"] and r.responses is not None:
            out.append(responses(r))
        ms = r.measures[r.measures["priority"] == n]
        out.append("<h4>Measuring performance and reporting progress</h4>")
        if r.meta["show_categories"]:
            for cat, heading in CATEGORY_HEADINGS.items():
                group = ms[ms["category"] == cat]
                if len(group):
                    out.append(f"<h5>{heading}</h5>")
                    out.extend(measure(r, m) for _, m in group.iterrows())
        else:
            out.extend(measure(r, m) for _, m in ms.iterrows())
    out.append("</section>")
    return Fragment("".join(out))


def responses(r: Report) -> str:
    """Consultation responses by quarter, where the year's data has them."""
    t = r.responses
    rows = [[esc(q.quarter), esc(q.programme), fmt.count(q.responses)] for q in t.itertuples()]
    return table(f"Responses to neighbourhood consultations, {esc(r.year)}",
                 ["Quarter", "Programme", "Number of responses"], rows, numeric=(2,),
                 foot=[["Total", "", fmt.count(t["responses"].sum())]])


def finance(r: Report) -> Fragment:
    """Section 2: cash limit and outturn, earmarked reserves, savings programme."""
    c, f = r.cash, r.finance
    labels = {"previously_reported": "Previously reported", "change": "Change",
              "current": "Current", **(f.get("cash_limit_labels") or {})}
    cash = table("Revenue cash limit, £000",
                 ["", *(f"{esc(labels[k])} £000" for k in ("previously_reported", "change",
                                                          "current"))],
                 [["Cash limit", fmt.money(c.previously_reported), fmt.money(c.change),
                   fmt.money(c.current)]], numeric=(1, 2, 3), cls="finance")
    outturn = table("Outturn position, £000",
                    ["Net cash limit £000", "Net expenditure £000", "Appropriations £000",
                     "Outturn £000", "(Surplus)/Deficit £000", "(Surplus)/Deficit % of cash limit"],
                    [[fmt.money(c.current), fmt.money(c.net_expenditure),
                      fmt.money(c.appropriations), fmt.money(c.outturn),
                      fmt.money(c.surplus_deficit), fmt.money_pct(c.surplus_deficit_pct)]],
                    row_header=False, numeric=range(6), cls="finance")
    res = r.reserves
    movement = esc(f.get("reserves_movement_label") or "Movement")
    reserves = table(
        f"Earmarked reserves, {esc(r.year)}, £000",
        ["Reserve category", "Reserve narration", "To be used for", "Approved £000",
         f"{movement} £000", "Balance £000"],
        [[esc(x.category), esc(x.narration), esc(x.use), fmt.money(x.approved),
          fmt.money(x.movement), fmt.money(x.balance)] for x in res.itertuples()],
        foot=[["Total", "", "", fmt.money(res["approved"].sum()),
               fmt.money(res["movement"].sum()), fmt.money(res["balance"].sum())]],
        numeric=(3, 4, 5), cls="finance")
    sv = r.savings
    savings = table(
        f"Portfolio savings programme, {esc(r.year)}, £000",
        ["Proposal", "Risk rating", "Value £000", "Achieved or identified £000",
         "Additional information"],
        [[esc(x.proposal), badge(x.risk_rating), fmt.money(x.value), fmt.money(x.achieved),
          esc(x.note or "")] for x in sv.itertuples()],
        foot=[["Total", "", fmt.money(sv["value"].sum()), fmt.money(sv["achieved"].sum()), ""]],
        numeric=(2, 3), cls="finance")
    ratings = "".join(f"<dt>{badge(k)}</dt><dd>{esc(v)}</dd>"
                      for k, v in (f.get("risk_ratings") or {}).items())
    return Fragment(
        '<section aria-labelledby="finance"><h2 id="finance">2. Financial resources and '
        'monitoring</h2><h3>2.1 Revenue: cash limit</h3>'
        f"{cash}<h4>Budget changes</h4>{markdown(f.get('budget_change_note'))}"
        f"<h4>Outturn position</h4>{outturn}{markdown(f.get('outturn_note'))}"
        f"<h3>2.2 Earmarked reserves</h3>{reserves}"
        f"<h3>2.3 Portfolio savings programme</h3>{savings}{markdown(f.get('savings_note'))}"
        f'<h4>Risk rating</h4><dl class="risk-key">{ratings}</dl></section>'
    )


def appendix(r: Report) -> Fragment:
    """Appendix 1: engagement and consultation activity, or a plain note that there is none."""
    head = (f'<section aria-labelledby="appendix"><h2 id="appendix">Appendix 1: Consultation and '
            f"engagement activity {esc(r.year)}</h2>")
    e = r.engagement
    if e is None or e.empty:
        return Fragment(head + f"<p>No engagement activity was recorded for {esc(r.year)}.</p>"
                        "</section>")
    rows = [[esc(x.quarter), esc(x.programme), esc(x.purpose),
             "Not stated" if pd.isna(x.count) else fmt.count(x.count)] for x in e.itertuples()]
    stated = e["count"].dropna()
    foot = [["Total", "", f"{len(e)} activities listed"
             + (f", {len(e) - len(stated)} without a count" if len(stated) < len(e) else ""),
             fmt.count(stated.sum())]]
    return Fragment(head + table(f"Consultation and engagement activity, {esc(r.year)}",
                                 ["Quarter", "Programme", "Purpose", "Count"], rows, foot=foot,
                                 numeric=(3,)) + "</section>")
