"""Digital inclusion deep dive: people helped, the network, devices and data, support given."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from perflib import formatting as fmt
from perflib import units
from perflib.data.specs import EMPTY_KINDS
from perflib.data.year import Report
from perflib.present import charts
from perflib.present.blocks import Block, Inline, Paragraph, Table
from perflib.present.display import Blocks, Published
from perflib.reports import ReportKind, deepdive

LENDING = {"lending_purpose_education": "Education",
           "lending_purpose_mental_health_isolation": "Mental health, isolation and wellbeing",
           "lending_purpose_looking_for_work": "Looking for work"}
DEVICES = {"dfe_laptops_social_care": "Children with social care support",
           "dfe_laptops_care_leavers": "Care leavers",
           "dfe_laptops_year10": "Year 10 pupils learning at home",
           "dfe_laptops_lending_library": "The council's device lending library (from DfE)"}
SUPPORT = {"helpline_calls": "Calls to the digital support helpline",
           "remote_group_sessions": "Remote group training sessions",
           "remote_one_to_one_sessions": "Remote one-to-one support sessions",
           "lending_library_loans": "Devices or data packages loaned",
           "satisfaction_positive_impact": "Users saying the support had a positive impact (%)",
           "satisfaction_more_confident": "Users more confident with technology (%)"}
NETWORK = {"network_groups_old_basis": "groups counted on the old basis, before a change of "
                                        "counting basis (its note says how the bases differ)",
           "network_groups_joined": "groups that joined during the year on the new basis",
           "digital_champions_active": "digital champions active when the report was written, "
                                       "where it counts them apart from the measure"}

KIND = ReportKind(
    name="digital_inclusion",
    title="Digital inclusion: deep dive",
    notebook="digital_inclusion",
    csv="digital_inclusion.csv",
    roles={"people_helped": "cumulative number of people helped to get online",
           "network_groups": "number of organisations in the digital inclusion network"},
    optional_roles={"champions": "number of digital champions",
                    "skills": "a measure of residents' digital skills"},
    facts_topic="digital_inclusion",
    facts={**{k: f"share of loaned devices that supported: {v}" for k, v in LENDING.items()},
           **{k: f"laptops distributed to: {v}" for k, v in DEVICES.items()},
           **SUPPORT, **NETWORK},
    files=("facts.csv",),
)
NAMES = {"network_groups": "Groups in the network", "champions": "Digital champions"}


@dataclass
class Digital:
    """The deep dive's figures, computed once."""

    report: Report
    people: pd.DataFrame
    network: pd.DataFrame
    facts: pd.DataFrame
    ids: dict[str, str]


def compute(r: Report) -> Digital:
    """People helped, the network by year, and this year's facts."""
    ids = deepdive.roles(r, KIND)
    people = deepdive.latest(deepdive.history(r, [ids["people_helped"]]))
    people = people[people["value"].notna()]
    net_ids = [ids[k] for k in ("network_groups", "champions") if k in ids]
    network = deepdive.latest(deepdive.history(r, net_ids))
    return Digital(r, people, network, deepdive.facts(r, KIND.facts_topic), ids)


def cover(d: Digital) -> Blocks:
    """The cover."""
    return deepdive.cover(d.report, KIND)


def people(d: Digital) -> Blocks:
    """People helped to get online (cumulative) against the target as it changed."""
    h = d.people
    if h.empty:
        return Blocks()
    data = pd.DataFrame({"Year": h["period"], "People helped (cumulative)": h["value"],
                         "Target": h["target"], "Published in report": h["report"]})
    desc = "; ".join(f"{x.Year}: {x[2]:,.0f}" + (f" against a target of {x.Target:,.0f}"
                                                 if pd.notna(x.Target) else "")
                     for x in data.itertuples())
    targets = data["Target"].dropna().unique()
    blocks: list[Block] = []
    caption = "Black bars mark the target for the year."
    if len(targets) > 1:
        blocks.append(Paragraph("The target changed over the years: "
                                + ", then ".join(fmt.count(t) for t in targets) + "."))
    blocks.append(charts.bars_against_target(
        data, "Year", "People helped (cumulative)", "Target",
        "People helped to get online (cumulative)", "People (cumulative number)",
        alt=f"Bar chart of the cumulative number of people helped to get online. {desc}.",
        caption=caption))
    return deepdive.section("people", "People helped to get online", blocks)


def network(d: Digital) -> Blocks:
    """The network and its champions, each year once, with any change in how they are counted."""
    if d.network.empty:
        return Blocks()
    role_of = {v: k for k, v in d.ids.items()}
    rows: list[list[Inline]] = [
        [NAMES[role_of[x.measure_id]], x.period, x.report,
         x.figure_kind.capitalize() if x.figure_kind in EMPTY_KINDS else fmt.count(x.value)]
        for x in d.network.itertuples()]
    blocks: list[Block] = [Table("Network and digital champions by year, as last published",
                                 ["Measure", "Year", "Published in report", "Number"], rows,
                                 numeric=(3,))]
    f = d.facts
    old = f[f["metric"] == "network_groups_old_basis"]
    if not old.empty:
        basis = old.sort_values("report").iloc[-1]
        new = deepdive.fact(f[f["report"] == basis.report], "network_groups_joined")
        how = str(basis.note).strip().rstrip(".") if isinstance(basis.note, str) else ""
        blocks.append(Paragraph(
            f"The counting basis changed in {basis.report}, so figures before and after the "
            f"change are not comparable: the {fmt.count(basis.value)} groups reported earlier "
            "were counted on the old basis" + (f" ({how[0].lower()}{how[1:]})" if how else "")
            + (f". On the new basis {fmt.count(new)} further groups joined in {basis.report}"
               if new is not None else "") + "."))
    return deepdive.section("network", "The digital inclusion network", blocks)


def devices(d: Digital) -> Blocks:
    """What loaned devices supported, and laptops distributed: shown only where published."""
    f = d.facts[d.facts["period"] == d.report.year]
    year = d.report.year
    out = [chart for chart in (
        _bars(f, LENDING, "Purpose", "Share of devices loaned (%)",
              f"What loaned devices supported, {year}", "what loaned devices supported", "{:g}%"),
        _bars(f, DEVICES, "Recipients", "Devices",
              f"Department for Education laptops distributed, {year}",
              "laptops distributed by recipient", "{:,.0f}"),
    ) if chart is not None]
    return deepdive.section("devices", "Devices and data", out) if out else Blocks()


def _bars(f: pd.DataFrame, names: dict[str, str], label: str, value: str, title: str,
          what: str, number: str) -> Block | None:
    """A bar per published fact among ``names``, or None when none was published."""
    rows = f[f["metric"].isin(names)]
    if rows.empty:
        return None
    data = pd.DataFrame({label: [names[m] for m in rows["metric"]], value: rows["value"].to_numpy()})
    desc = "; ".join(f"{x[1]}: {number.format(x[2])}" for x in data.itertuples())
    return charts.horizontal_bars(data, label, value, title,
                                  value if value.endswith(")") else f"{value} (number)",
                                  alt=f"Bar chart of {what}. {desc}.", fmt=number)


def support(d: Digital) -> Blocks:
    """Helpline calls, remote sessions, loans and satisfaction, where published."""
    f = d.facts[(d.facts["period"] == d.report.year) & d.facts["metric"].isin(SUPPORT)]
    if f.empty:
        return Blocks()
    rows: list[list[Inline]] = [[SUPPORT[x.metric], deepdive.pct(x.value)
                                 if units.get(x.unit).percent else fmt.count(x.value), x.note or ""]
                                for x in f.itertuples()]
    return deepdive.section("support", "Support and satisfaction", [Table(
        f"Support delivered, {d.report.year}", ["Measure", "Figure", "Note"], rows,
        numeric=(1,))])


def ratings(d: Digital) -> Blocks:
    """This year's ratings and trends for the digital inclusion measures."""
    return deepdive.ratings(d.report, list(d.ids.values()))


def data(d: Digital) -> pd.DataFrame:
    """Every figure the deep dive's tables and charts print: measures by year, this year's facts."""
    cols = ["report", "measure_id", "period", "value", "figure_kind", "target"]
    both = pd.concat([d.people, d.network], ignore_index=True)
    h = both[cols].rename(columns={"measure_id": "metric"}).astype(object)
    # each figure to the decimals its report printed it with: counts whole
    h["value"] = fmt.plain_all(both["value"], both["decimals"])
    h["target"] = fmt.plain_all(both["target"], both["target_decimals"])
    f = d.facts[(d.facts["period"] == d.report.year)
                & d.facts["metric"].isin([*LENDING, *DEVICES, *SUPPORT])]
    f = f[["report", "metric", "period", "value", "unit", "note"]].astype(object)
    f["value"] = fmt.plain_all(f["value"], [0 if units.get(u).whole else None for u in f["unit"]])
    out = pd.concat([h.assign(source="measure"), f.assign(source="fact")], ignore_index=True)
    return out.astype(object).where(out.notna(), None)


def data_files(d: Digital) -> Published:
    """The CSV beside the report."""
    return Published({KIND.csv: data(d)})
