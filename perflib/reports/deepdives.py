"""Deep dives for scrutiny: complaints, digital inclusion and museum visits.

Each deep dive shows every year the data holds up to its report year, using each period's figure
from the latest report that published it, and lists restated figures beside the originals. Where a
year has thin data the section says plainly what is not available instead of drawing an empty chart.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from perflib.present import charts, sections
from perflib.present import formatting as fmt
from perflib.errors import DataError, Problem
from perflib.present.html import Fragment, badge, esc, table
from perflib.data.load import EMPTY_STATUSES, Report

COMPLAINTS = {  # measure_id: (stage, what)
    "complaints_s1_upheld": ("Stage 1", "upheld"),
    "complaints_s2_upheld": ("Stage 2", "upheld"),
    "complaints_s1_on_time": ("Stage 1", "on time"),
    "complaints_s2_on_time": ("Stage 2", "on time"),
}
TITLES = {
    "complaints": "Complaints",
    "digital_inclusion": "Digital inclusion",
    "museum_visits": "Museum visits",
}


def cover(r: Report, topic: str) -> Fragment:
    """Cover for a deep dive: the annual report's cover details with the deep dive's title."""
    return sections.cover(r, f"{TITLES[topic]}: deep dive {r.year}",
                          note=f"A companion to the {r.year} Portfolio Performance and Resources "
                               "Annual Report, with every year the data holds.")


def history(r: Report, ids: list[str]) -> pd.DataFrame:
    """Every published figure for ``ids`` in reports up to this one, with each period's target."""
    p = r.portfolio
    obs = p.observations.frame
    obs = obs[(obs["report"] <= r.year) & obs["measure_id"].isin(ids)].copy()
    reg = p.measures.frame[["year", "measure_id", "target", "pi_code", "short_name"]]
    targets = {(x.year, x.measure_id): x.target for x in reg.itertuples()}
    obs["target"] = [targets.get((x.period, x.measure_id), float("nan"))
                     for x in obs.itertuples()]
    return obs.sort_values(["measure_id", "period", "report"]).reset_index(drop=True)


def latest(h: pd.DataFrame) -> pd.DataFrame:
    """For each measure and period, the figure from the latest report that published it."""
    return h.groupby(["measure_id", "period"], sort=True).tail(1).reset_index(drop=True)


def restated(h: pd.DataFrame) -> pd.DataFrame:
    """Figures that a later report published differently from an earlier one."""
    with_value = h[h["value"].notna()]
    groups = with_value.groupby(["measure_id", "period"])
    keys = [k for k, g in groups if g["value"].nunique() > 1
            or g["denominator"].nunique(dropna=True) > 1]
    return with_value.set_index(["measure_id", "period"]).loc[keys].reset_index() if keys else \
        with_value.iloc[0:0]


def facts(r: Report, topic: str) -> pd.DataFrame:
    """Facts for a topic from reports up to this one (empty where none were published)."""
    t = r.portfolio.facts
    if t is None:
        return pd.DataFrame(columns=["report", "topic", "metric", "period", "value", "unit", "note"])
    f = t.frame
    return f[(f["topic"] == topic) & (f["report"] <= r.year)].reset_index(drop=True)


def _fact(f: pd.DataFrame, metric: str, period: str | None = None) -> float | None:
    rows = f[f["metric"] == metric]
    if period is not None:
        rows = rows[rows["period"] == period]
    return None if rows.empty else float(rows.sort_values("report")["value"].iloc[-1])


def _section(id_: str, title: str, body: str) -> str:
    return f'<section aria-labelledby="{id_}"><h2 id="{id_}">{esc(title)}</h2>{body}</section>'


def _ratings(r: Report, ids: list[str]) -> str:
    m = r.measures[r.measures["measure_id"].isin(ids)]
    if m.empty:
        return f"<p>None of these measures is in the {esc(r.year)} report.</p>"
    rows = []
    for _, x in m.iterrows():
        rows.append([esc(x.pi_code), esc(x.short_name),
                     esc(fmt.value(x.unit, x.actual, int(x.decimals), x.numerator, x.denominator))
                     or "Not available",
                     esc(sections.target_text(x)),
                     badge(x.rule_status) if x.rule_status else "Not rated",
                     badge(x.status) if x.status else "Not rated",
                     badge(x.trend) if x.trend else "No trend"])
    return table(f"Ratings and trends in the {esc(r.year)} report", [
        "PI code", "Measure", f"{esc(r.year)} actual", "Target", "Rule's rating",
        "Published rating", "Trend"], rows)


def _pct(v: float) -> str:
    return "Not available" if pd.isna(v) else f"{v:g}%"


# ---------------------------------------------------------------------------------- complaints

def complaints_data(r: Report) -> pd.DataFrame:
    """Complaints by stage and year, each period from the latest report that published it."""
    h = latest(history(r, list(COMPLAINTS)))
    f = facts(r, "complaints")
    rows = []
    for (stage, what), ids in _by_stage().items():
        for x in h[h["measure_id"] == ids].itertuples():
            received = x.denominator
            if pd.isna(received) and what == "upheld":
                n = stage[-1]
                received = _fact(f, f"stage{n}_received", x.period)
            rows.append({"stage": stage, "measure": what, "period": x.period,
                         "percent": x.value, "number": x.numerator, "out_of": received,
                         "target": x.target, "report": x.report,
                         "status": x.status})
    out = pd.DataFrame(rows)
    return out.sort_values(["measure", "stage", "period"]).reset_index(drop=True)


def _by_stage() -> dict[tuple[str, str], str]:
    return {v: k for k, v in COMPLAINTS.items()}


def complaints_summary(r: Report) -> Fragment:
    """Received, upheld and on time by stage and year, against target."""
    d = complaints_data(r)
    if d.empty:
        return Fragment(_section("summary", "Complaints by stage and year",
                                 "<p>No complaints figures are held for this year.</p>"))
    parts = []
    for what in ("upheld", "on time"):
        x = d[d["measure"] == what]
        rows = [[esc(f"{s.stage} {s.period}"),
                 "Not stated" if pd.isna(s.out_of) else fmt.count(s.out_of),
                 "Not stated" if pd.isna(s.number) else fmt.count(s.number),
                 _pct(s.percent), _pct(s.target), esc(s.report)] for s in x.itertuples()]
        label = "received" if what == "upheld" else "due a response"
        parts.append(table(f"Complaints {esc(what)}, by stage and year", [
            "Stage and year", f"Complaints {label}", f"Number {esc(what)}",
            f"% {esc(what)}", "Target", "Published in report"], rows, numeric=(1, 2, 3, 4)))
    note = ("<p>Lower is better for the share upheld; higher is better for the share answered on "
            "time (within 20 working days). Each year's figure is taken from the latest report "
            "that published it.</p>")
    return Fragment(_section("summary", "Complaints by stage and year", note + "".join(parts)))


def complaints_charts(r: Report) -> Fragment:
    """Upheld % and on-time % by stage and year, each against its target."""
    d = complaints_data(r)
    out = []
    for what, ylabel in (("upheld", "Complaints upheld (%)"),
                         ("on time", "Responded to on time (%)")):
        x = d[d["measure"] == what][["stage", "period", "percent", "target"]]
        x = x.rename(columns={"stage": "Stage", "period": "Year", "percent": "Percent",
                              "target": "Target"})
        if x["Percent"].notna().sum() == 0:
            out.append(f"<p>No figures for complaints {esc(what)} are available.</p>")
            continue
        desc = "; ".join(f"{s.Stage} {s.Year}: {_pct(s.Percent)} (target {_pct(s.Target)})"
                         for s in x.itertuples())
        chart = charts.lines_against_target(
            x, "Year", "Percent", "Stage", "Target",
            f"Complaints {what} by stage and year against target", ylabel,
            alt=f"Line chart of the percentage of complaints {what} by stage and year, with "
                f"targets. {desc}.",
            caption="Stage 1 is a solid line with circles, Stage 2 a dashed line with squares; "
                    "targets are short bars on a dotted line.")
        out.append(chart.html())
    return Fragment(_section("charts", "Upheld and on time, against target", "".join(out)))


def complaints_ratings(r: Report) -> Fragment:
    """This year's ratings and trends for the complaints measures, from the rules."""
    return Fragment(_section("ratings", "Ratings and trends", _ratings(r, list(COMPLAINTS))))


def complaints_restated(r: Report) -> Fragment:
    """Where a later report restated an earlier year, both figures and their reports."""
    h = restated(history(r, list(COMPLAINTS)))
    if h.empty:
        body = (f"<p>No complaints figure up to {esc(r.year)} has been restated by a later "
                "report.</p>")
    else:
        rows = [[esc(f"{COMPLAINTS[x.measure_id][0]} {COMPLAINTS[x.measure_id][1]}, "
                     f"{x.period}"), esc(x.report), _pct(x.value),
                 "Not stated" if pd.isna(x.numerator) else
                 f"{fmt.count(x.numerator)} of {fmt.count(x.denominator)}"]
                for x in h.itertuples()]
        body = ("<p>Later reports can correct earlier years' figures. Both are shown; the "
                "deep dive's charts use the latest.</p>"
                + table("Restated complaints figures", ["Measure and year", "Published in report",
                                                        "Percent", "Number"], rows))
    return Fragment(_section("restated", "Restated figures", body))


def complaints_ombudsman(r: Report) -> Fragment:
    """The Local Government and Social Care Ombudsman's upheld decisions, where published."""
    f = facts(r, "complaints")
    o = f[f["metric"].isin(["ombudsman_upheld", "ombudsman_public_reports"])]
    if o.empty:
        body = (f"<p>No Ombudsman decisions were published in the reports up to "
                f"{esc(r.year)}.</p>")
    else:
        names = {"ombudsman_upheld": "Complaints upheld by the Ombudsman",
                 "ombudsman_public_reports": "Public reports issued against the council"}
        rows = [[esc(names[x.metric]), esc(x.period), fmt.count(x.value), esc(x.report),
                 esc(x.note or "")] for x in o.sort_values(["metric", "period"]).itertuples()]
        body = table("Local Government and Social Care Ombudsman decisions",
                     ["Decision", "Year", "Number", "Published in report", "Note"], rows,
                     numeric=(2,))
    return Fragment(_section("ombudsman", "Ombudsman decisions", body))


# --------------------------------------------------------------------------- digital inclusion

def digital_data(r: Report) -> pd.DataFrame:
    """Every digital inclusion figure up to this year: measures and facts in one long table."""
    ids = ["digital_inclusion_people", "digiknow_groups", "digital_champions", "digital_skills"]
    h = history(r, ids)[["report", "measure_id", "period", "value", "status", "target"]]
    h = h.rename(columns={"measure_id": "metric"})
    f = facts(r, "digital_inclusion")[["report", "metric", "period", "value", "unit", "note"]]
    return pd.concat([h.assign(source="measure"), f.assign(source="fact")], ignore_index=True)


def digital_people(r: Report) -> Fragment:
    """People helped to get online (cumulative) against the target as it changed."""
    h = latest(history(r, ["digital_inclusion_people"]))
    h = h[h["value"].notna()]
    if h.empty:
        return Fragment(_section("people", "People helped to get online",
                                 "<p>Not available for this year.</p>"))
    d = pd.DataFrame({"Year": h["period"], "People helped (cumulative)": h["value"],
                      "Target": h["target"], "Published in report": h["report"]})
    desc = "; ".join(f"{x.Year}: {x[2]:,.0f}" + (f" against a target of {x.Target:,.0f}"
                                                 if pd.notna(x.Target) else "")
                     for x in d.itertuples())
    chart = charts.bars_against_target(
        d, "Year", "People helped (cumulative)", "Target",
        "People helped to get online since 2018/19 (cumulative)", "People (cumulative number)",
        alt=f"Bar chart of the cumulative number of people helped to get online. {desc}.",
        caption="Black bars mark the target for the year; the target rose as the programme grew.")
    targets = d["Target"].dropna().unique()
    note = ""
    if len(targets) > 1:
        note = ("<p>The target changed over the years: "
                + ", then ".join(fmt.count(t) for t in targets) + ".</p>")
    return Fragment(_section("people", "People helped to get online", note + chart.html()))


def digital_network(r: Report) -> Fragment:
    """DigiKnow groups and digital champions, with any change in how they are counted."""
    h = history(r, ["digiknow_groups", "digital_champions"])
    names = {"digiknow_groups": "Groups in the DigiKnow network",
             "digital_champions": "Digital champions"}
    rows = [[esc(names[x.measure_id]), esc(x.period), esc(x.report),
             esc(x.status.capitalize()) if x.status in EMPTY_STATUSES else fmt.count(x.value)]
            for x in h.itertuples()]
    body = table("DigiKnow network and digital champions, as each report published them",
                 ["Measure", "Year", "Published in report", "Number"], rows, numeric=(3,))
    f = facts(r, "digital_inclusion")
    old, new = _fact(f, "digiknow_groups_old_basis"), _fact(f, "digiknow_new_groups_2020_21")
    if old is not None:
        body += (f"<p><strong>The basis changed in 2020/21.</strong> The {fmt.count(old)} groups "
                 "reported earlier counted each council library separately; the council and all "
                 "its libraries now count as one group, so figures before and after the change "
                 "are not comparable"
                 + (f". On the new basis {fmt.count(new)} further groups joined in 2020/21"
                    if new is not None else "") + ".</p>")
    champions = _fact(f, "digital_champions_active")
    if champions is not None:
        body += (f"<p>The 2019/20 report said {fmt.count(champions)} digital champions were "
                 "helping people by phone or screen sharing during the first lockdown; the 2020/21 "
                 "report's count for that year is higher and the two are not reconciled.</p>")
    return Fragment(_section("network", "The DigiKnow network", body))


LENDING = {"lending_purpose_education": "Education",
           "lending_purpose_mental_health_isolation": "Mental health, isolation and wellbeing",
           "lending_purpose_looking_for_work": "Looking for work"}
DEVICES = {"dfe_laptops_social_care": "Children with social care support",
           "dfe_laptops_care_leavers": "Care leavers",
           "dfe_laptops_year10": "Year 10 pupils learning at home",
           "dfe_laptops_lending_library": "Digital Lending Library (from DfE)"}
SUPPORT = {"helpline_calls": "Calls to the DigiKnow helpline",
           "remote_group_sessions": "Remote group training sessions",
           "remote_one_to_one_sessions": "Remote one-to-one support sessions",
           "lending_library_loans": "Devices or data packages loaned",
           "satisfaction_positive_impact": "Users saying the support had a positive impact (%)",
           "satisfaction_more_confident": "Users more confident with technology (%)"}


def digital_devices(r: Report) -> Fragment:
    """The lending library and device distribution: what was loaned and what it supported."""
    f = facts(r, "digital_inclusion")
    f = f[f["period"] == r.year]
    out = []
    lend = f[f["metric"].isin(LENDING)]
    if lend.empty:
        out.append(f"<p>The Digital Lending Library was not running in {esc(r.year)}: no loans "
                   "or purposes are available.</p>")
    else:
        d = pd.DataFrame({"Purpose": [LENDING[m] for m in lend["metric"]],
                          "Share of devices loaned (%)": lend["value"].to_numpy()})
        desc = "; ".join(f"{x[1]}: {x[2]:g}%" for x in d.itertuples())
        out.append(charts.horizontal_bars(
            d, "Purpose", "Share of devices loaned (%)",
            f"What devices from the Digital Lending Library supported, {r.year}",
            "Share of devices loaned (%)", alt=f"Bar chart of what loaned devices supported. "
            f"{desc}.", fmt="{:g}%").html())
    dev = f[f["metric"].isin(DEVICES)]
    if dev.empty:
        out.append(f"<p>No device distribution figures are available for {esc(r.year)}.</p>")
    else:
        d = pd.DataFrame({"Recipients": [DEVICES[m] for m in dev["metric"]],
                          "Devices": dev["value"].to_numpy()})
        desc = "; ".join(f"{x[1]}: {x[2]:,.0f}" for x in d.itertuples())
        out.append(charts.horizontal_bars(
            d, "Recipients", "Devices", f"Department for Education laptops distributed, {r.year}",
            "Devices (number)", alt=f"Bar chart of laptops distributed by recipient. {desc}.")
            .html())
    return Fragment(_section("devices", "Devices and data", "".join(out)))


def digital_support(r: Report) -> Fragment:
    """Helpline calls, remote sessions, loans and satisfaction."""
    f = facts(r, "digital_inclusion")
    f = f[(f["period"] == r.year) & f["metric"].isin(SUPPORT)]
    if f.empty:
        body = (f"<p>Helpline, remote session and satisfaction figures are not available for "
                f"{esc(r.year)}.</p>")
    else:
        rows = [[esc(SUPPORT[x.metric]), _pct(x.value) if x.unit == "percentage"
                 else fmt.count(x.value), esc(x.note or "")] for x in f.itertuples()]
        body = table(f"Support delivered, {esc(r.year)}", ["Measure", "Figure", "Note"], rows,
                     numeric=(1,))
    return Fragment(_section("support", "Support and satisfaction", body))


def digital_ratings(r: Report) -> Fragment:
    """This year's ratings and trends for the digital inclusion measures."""
    ids = ["digital_inclusion_people", "digiknow_groups", "digital_champions", "digital_skills"]
    return Fragment(_section("ratings", "Ratings and trends", _ratings(r, ids)))


# ------------------------------------------------------------------------------ museum visits

QUARTER_STARTS = {"Q1": (4, 1), "Q2": (7, 1), "Q3": (10, 1), "Q4": (1, 1)}


def museum_years(r: Report) -> pd.DataFrame:
    """Visits per year against target, every year the data holds up to this one."""
    h = latest(history(r, ["museum_visits"]))
    h = h[h["value"].notna()]
    return pd.DataFrame({"Year": h["period"].to_numpy(), "Visits": h["value"].to_numpy(),
                         "Target": h["target"].to_numpy(),
                         "Published in report": h["report"].to_numpy()})


def museum_quarters(r: Report) -> pd.DataFrame | None:
    """This year's visits by quarter; a single unstated quarter is derived from the year's total.

    Returns ``None`` when the data holds no quarterly figures for the year.
    """
    f = facts(r, "museums")
    f = f[(f["period"] == r.year) & f["metric"].str.match(r"^visits_q[1-4]$")]
    if f.empty:
        return None
    start_year = int(r.year[:4])
    known = {m[-2:].upper(): v for m, v in zip(f["metric"], f["value"], strict=True)}
    missing = [q for q in QUARTER_STARTS if q not in known]
    total = museum_years(r).set_index("Year")["Visits"].get(r.year)
    derived = None
    if len(missing) == 1 and total is not None:
        derived = missing[0]
        known[derived] = total - sum(known.values())
        if known[derived] < 0:
            t = r.portfolio.facts
            raise DataError([Problem(t.path, None, "value",
                                     f"the {r.year} quarters add up to more than the year's "
                                     f"{total:,.0f} visits", "correct the quarterly figures")])
    rows = []
    for q, (month, day) in QUARTER_STARTS.items():
        if q not in known:
            continue
        year = start_year + (1 if q == "Q4" else 0)
        start = dt.date(year, month, day)
        end = (pd.Timestamp(start) + pd.DateOffset(months=3)).date()
        rows.append({"quarter": q, "start": start, "end": end, "visits": known[q],
                     "derived": q == derived})
    return pd.DataFrame(rows)


def museum_events(r: Report) -> pd.DataFrame:
    """Closures and reopenings of museum sites that touch this report year."""
    t = r.portfolio.events
    if t is None:
        return pd.DataFrame(columns=["report", "date", "approximate", "event"])
    start_year = int(r.year[:4])
    lo, hi = dt.date(start_year, 3, 1), dt.date(start_year + 1, 6, 30)
    e = t.frame[(t.frame["report"] <= r.year)]
    e = e[[lo <= d <= hi for d in e["date"]]]
    return e.sort_values("date").reset_index(drop=True)


def museum_annual(r: Report) -> Fragment:
    """Visits per year against target."""
    d = museum_years(r)
    if d.empty:
        return Fragment(_section("annual", "Visits per year", "<p>Not available.</p>"))
    desc = "; ".join(f"{x.Year}: {x.Visits:,.0f}" + (f" (target {x.Target:,.0f})"
                                                     if pd.notna(x.Target) else "")
                     for x in d.itertuples())
    chart = charts.bars_against_target(
        d, "Year", "Visits", "Target", "Visits to Stockport museums per year against target",
        "Visits (number)", alt=f"Bar chart of museum visits per year with targets. {desc}.",
        caption="Black bars mark the target where one was set.")
    return Fragment(_section("annual", "Visits per year", chart.html()))


def museum_quarterly(r: Report) -> Fragment:
    """This year's visits by quarter with closures and reopenings drawn on the chart."""
    q = museum_quarters(r)
    e = museum_events(r)
    events = ""
    if not e.empty:
        rows = [[str(n), esc(fmt.long_date(x.date)) + (" (approximately)" if x.approximate
                                                        else ""), esc(x.event)]
                for n, x in enumerate(e.itertuples(), start=1)]
        events = table("Closures and reopenings of museum sites", ["Line", "Date", "Event"], rows)
    if q is None:
        body = (f"<p>Quarterly visit figures are not available for {esc(r.year)}: the report for "
                "that year published only the annual total.</p>" + events)
        return Fragment(_section("quarterly", f"Visits by quarter, {r.year}", body))
    desc = "; ".join(f"{x.quarter}: {x.visits:,.0f}" + (" (derived)" if x.derived else "")
                     for x in q.itertuples())
    derived = q[q["derived"]]
    note = ""
    if not derived.empty:
        note = (f"<p>{esc(derived['quarter'].iloc[0])} was not published; it is derived as the "
                "year's total less the other quarters, and hatched on the chart.</p>")
    ev = "; ".join(f"{n}: {x.event} ({fmt.long_date(x.date)})"
                   for n, x in enumerate(e.itertuples(), start=1))
    chart = charts.quarters_with_events(
        q, e, f"Museum visits by quarter, {r.year}, with closures and reopenings",
        alt=f"Bar chart of museum visits by quarter. {desc}. Numbered vertical lines mark "
            f"events: {ev}.",
        caption="Numbered dashed lines mark the events in the table below.")
    return Fragment(_section("quarterly", f"Visits by quarter, {r.year}",
                             note + chart.html() + events))


def museum_engagements(r: Report) -> Fragment:
    """Cultural engagements: the contextual measure, as published."""
    h = history(r, ["cultural_engagements"])
    rows = [[esc(x.period), esc(x.report),
             esc(x.status.capitalize()) if x.status in EMPTY_STATUSES
             else fmt.millions(x.value)] for x in h.itertuples()]
    body = ("<p>A contextual measure: engagements by Stockport residents with cultural "
            "organisations funded through AGMA. It is not rated against a target.</p>"
            + table("Cultural engagements by Stockport residents", [
                "Year", "Published in report", "Engagements (millions)"], rows, numeric=(2,)))
    return Fragment(_section("engagements", "Cultural engagements", body))


def museum_data(r: Report) -> pd.DataFrame:
    """Every museum figure the deep dive shows, as one table for the CSV beside it."""
    y = museum_years(r).rename(columns={"Year": "period", "Visits": "value", "Target": "target",
                                        "Published in report": "report"})
    y["series"] = "visits per year"
    q = museum_quarters(r)
    parts = [y]
    if q is not None:
        parts.append(pd.DataFrame({"series": "visits by quarter",
                                   "period": r.year + " " + q["quarter"], "value": q["visits"],
                                   "derived": q["derived"], "report": r.year}))
    return pd.concat(parts, ignore_index=True)
