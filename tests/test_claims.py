"""The commentary checker's specification: sentences, the figures beside them, and the verdicts.

Each row is one sentence of commentary, the measure it is written under and what ``perflib check``
must say of it: nothing, or the severity and the words it quotes back. The fictional measures are
invented for the table; the seed rows are the published reports' own sentences with the seed's
real figures, which must stay as clean as they are here.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from perflib import config
from perflib.data import claims as c
from perflib.data import commentary
from perflib.data.claims import ERROR, WARNING, Figures, PeriodFigure

QUARTERS = {"2021/22 Q1": PeriodFigure(90.0, 45, 50, "actual"),
            "2021/22 Q2": PeriodFigure(91.5, 183, 200, "actual"),
            "2021/22 Q3": PeriodFigure(93.0, 279, 300, "actual"),
            "2021/22 Q4": PeriodFigure(93.6, 418, 450, "actual")}


def repairs(**kw) -> Figures:
    """Fictional: repairs made on time in 2021/22, 92.5% after 96.1% (High, Getting worse, Amber)."""
    base = dict(year="2021/22", previous_year="2020/21", measure_id="repairs", pi_code="HS1.1",
                short_name="Repairs made on time", unit="percentage", decimals=1, polarity="High", value=92.5, previous=96.1,
                numerator=925, denominator=1000, previous_numerator=961,
                previous_denominator=1000, target=95.0, target_decimals=0,
                trend="Getting worse", rule_rating="Amber", rating="Amber", kind="actual",
                earlier={"2019/20": 94.0}, periods=QUARTERS)
    return Figures(**{**base, **kw})


def lettings(**kw) -> Figures:
    """Fictional: homes let, 1,240 after 1,180 and 1,100 (High, Getting better, Green)."""
    base = dict(year="2021/22", previous_year="2020/21", measure_id="lettings", pi_code="HS2.1",
                short_name="Homes let", unit="count", decimals=0, polarity="High", value=1240, previous=1180,
                target=1200, trend="Getting better", rule_rating="Green", rating="Green",
                kind="actual", earlier={"2019/20": 1100})
    return Figures(**{**base, **kw})


def fictional(measure_id: str, short_name: str, unit: str, value: float | None,
               previous: float | None, target: float | None, polarity: str = "High",
               decimals: int = 1, trend: str = "", rating: str = "", **kw) -> Figures:
    """Fictional: a district council's measure in 2021/22, as its KPI report holds it."""
    return Figures(year="2021/22", previous_year="2020/21", measure_id=measure_id,
                   pi_code=measure_id.upper()[:6], short_name=short_name, unit=unit,
                   decimals=decimals, polarity=polarity, value=value, previous=previous,
                   target=target, target_decimals=decimals, trend=trend, rule_rating=rating,
                   rating=rating, kind="actual", **kw)


FICTIONAL = {
    "repairs": repairs(),
    "repairs, Stable up": repairs(value=96.5, numerator=965, trend="Stable", rule_rating="Green",
                                  rating="Green"),
    "repairs, Stable down": repairs(value=95.8, numerator=958, trend="Stable",
                                    rule_rating="Green", rating="Green"),
    "repairs, no figure": repairs(value=None, numerator=None, denominator=None,
                                  kind="not available", trend="", rule_rating="", rating="",
                                  periods={}),
    "lettings": lettings(),
    # percentages named by their subject, so a note's other subjects can be told apart
    "tpo": fictional("tpo", "TPO applications determined within 8 weeks", "percentage", 100.0,
                     96.0, 90.0, trend="Getting better", rating="Green"),
    "conservation": fictional("conservation", "Conservation area applications determined in time",
                              "percentage", 98.2, 97.5, 90.0, trend="Stable", rating="Green"),
    "minor": fictional("minor", "Minor planning applications determined within 8 weeks",
                       "percentage", 85.0, 81.0, 80.0, trend="Getting better", rating="Green",
                       numerator=170, denominator=200),
    "appeals": fictional("appeals", "Planning appeals allowed", "percentage", 0.0, 50.0, 30.0,
                         polarity="Low", trend="Getting better", rating="Green"),
    "capital": fictional("capital", "Capital programme spent to date", "percentage", 25.0, 20.0,
                         40.0, trend="Getting better", rating="Red"),
    "ctax": fictional("ctax", "Council tax collected", "percentage", 96.1, 95.0, 96.5,
                      trend="Getting better", rating="Amber", numerator=52100, denominator=54200,
                      previous_numerator=50350, previous_denominator=53000),
    # numbers: days, scores and a backlog that goes below zero
    "sickness": fictional("sickness", "Working days lost to sickness absence per FTE", "number",
                          2.7, 3.1, 2.5, polarity="Low", trend="Getting better", rating="Amber",
                          suffix="days"),
    "satisfaction": fictional("satisfaction", "Resident satisfaction with parks", "number", 7.9,
                              7.6, 7.5, trend="Getting better", rating="Green",
                              suffix="out of 10"),
    "backlog": fictional("backlog", "Enforcement backlog against target", "number", -28.0, -12.0,
                         0.0, decimals=0, trend="Getting worse", rating="Red", suffix="days",
                         may_be_negative=True),
    # rates with their base
    "bins": fictional("bins", "Missed bins per 100,000 collections", "rate", 401.0, 455.0, 400.0,
                      polarity="Low", decimals=0, trend="Getting better", rating="Amber",
                      per=100000),
    "dtoc": fictional("dtoc", "Delayed transfers of care per 100,000 population", "rate", 9.2,
                      9.9, 10.0, polarity="Low", trend="Getting better", rating="Green",
                      per=100000),
    # money, held in thousands, one of them a variance that goes below zero
    "dhp": fictional("dhp", "Discretionary housing payments made", "money", 125.0, 118.0, 150.0,
                     decimals=0, trend="Getting better", rating="Red", scale="k"),
    "variance": fictional("variance", "Forecast budget variance", "money", -25.0, 10.0, None,
                          decimals=0, scale="k", may_be_negative=True),
    # a percentage change that goes below zero (a "reduction" that became a rise)
    "reduction": fictional("reduction", "Reduction in vehicle crime", "percentage", -9.0, 4.0,
                           5.0, decimals=0, trend="Getting worse", rating="Red",
                           may_be_negative=True),
    # mid-year: the report year has no figure of its own yet, only its first two quarters
    "grants": Figures(year="2020/21", previous_year="2019/20", measure_id="grants",
                      pi_code="HG1", short_name="Housing grant budget spent",
                      unit="percentage", decimals=0, polarity="High", value=57.0,
                      previous=61.0, target=50.0, report_year="2021/22", kind="actual",
                      periods={"2021/22 Q1": PeriodFigure(5.0, kind="actual"),
                               "2021/22 Q2": PeriodFigure(25.0, kind="actual")}),
}


@cache
def seed_figures(year: str) -> dict[str, Figures]:
    from perflib.reports.checks import load_report

    return load_report("cfe", year).figures


def figures(key: str) -> Figures:
    """A fictional measure by name, or 'cfe YEAR measure_id' for the seed's own figures."""
    if key.startswith("cfe "):
        _, year, mid = key.split()
        return seed_figures(year)[mid]
    return FICTIONAL[key]


OK: set[tuple[str, str]] = set()

SPEC = [
    # ---- true: each figure is the figure of the period the sentence gives it
    ("repairs", "In 2021/22, 92.5% of repairs were made on time, compared with 96.1% in 2020/21.",
     OK),
    ("repairs", "925 of 1,000 repairs (92.5%) were made on time.", OK),
    ("repairs", "This year 92.5% of repairs were made on time, down from 96.1% last year.", OK),
    ("repairs", "Last year 96.1% were made on time.", OK),
    ("repairs", "The 2019/20 figure was 94.0%.", OK),
    ("repairs", "At Quarter 3, 93.0% were on time.", OK),
    ("repairs", "At Quarter 3 93.0% were on time, up from 91.5% in the previous quarter.", OK),
    ("repairs", "2021/22 Q1 was the weakest quarter, at 90.0%.", OK),
    ("repairs", "That is 3.6 points down on 2020/21.", OK),
    ("repairs", "It was 2.5 points short of the 95% target.", OK),
    ("repairs", "The rate fell.", OK),
    ("repairs", "It was just short of the 95% target.", OK),
    ("lettings", "Lettings rose from 1,180 to 1,240.", OK),
    ("lettings", "There were 1,240 lettings, up from 1,180 in 2020/21.", OK),
    ("lettings", "1,240 homes were let, exceeding the target of 1,200.", OK),
    ("repairs, no figure", "No figure is available for 2021/22.", OK),
    ("repairs, no figure", "No new figure is available.", OK),
    ("repairs", "The rate fell from 96.1% in 2020/21 to 92.5% in 2021/22.", OK),
    ("repairs", "The lowest since 2019/20, when 94.0% were on time.", OK),
    ("repairs", "Two years ago the figure was 94.0%; it is now 92.5%.", OK),
    ("repairs", "In 2020/21 the rate was 96.1%; in 2021/22 it fell to 92.5%.", OK),
    ("repairs", "The figure for 2020/21 has been restated as 96.1%.", OK),
    ("lettings", "The figure was not collected before 2019/20.", OK),
    # ---- not checked: another subject, part of the year, a plan, a period the data lacks
    ("repairs", "The national average was 85.0%.", OK),
    ("repairs", "The figure to the end of February was 94.2%.", OK),
    ("repairs", "The rate is expected to reach 97% next year.", OK),
    ("repairs", "That compares with 80.0% in 2016/17.", OK),
    # ---- stale: another period's figure presented as this one's
    ("repairs", "This year 96.1% of repairs were made on time.", {(ERROR, "96.1%")}),
    ("repairs", "961 of 1,000 repairs (96.1%) were made on time.",
     {(ERROR, "961 of 1,000"), (ERROR, "96.1%")}),
    ("repairs", "The 2019/20 figure was 96.1%.", {(ERROR, "96.1%")}),
    ("repairs", "At Quarter 3, 91.5% were on time.", {(ERROR, "91.5%")}),
    ("repairs", "92.5% were on time, below the 95% target and the 92.5% in 2020/21.",
     {(ERROR, "92.5%")}),
    ("lettings", "There were 1,180 lettings.", {(ERROR, "1,180")}),
    ("lettings", "Lettings rose from 1,100 to 1,180.", {(ERROR, "1,180")}),
    ("repairs", "The rate is now 96.1%.", {(ERROR, "96.1%")}),
    ("repairs", "Two years ago the figure was 96.1%.", {(ERROR, "96.1%")}),
    ("repairs", "The lowest since 2019/20, when 96.1% were on time.", {(ERROR, "96.1%")}),
    ("repairs", "In 2020/21, 961 of 1,000 repairs were made on time.",  # last year's text, kept
     {(ERROR, "In 2020/21, 961 of 1,000 repairs were made on time.")}),
    # ---- swapped: two periods' figures the wrong way round are one error naming both
    ("repairs", "In 2021/22, 96.1% of repairs were made on time, compared with 92.5% in 2020/21.",
     {(ERROR, "96.1% … 92.5%")}),
    ("repairs", "This year 96.1% were on time, an improvement on last year.",
     {(ERROR, "96.1%"), (ERROR, "improvement")}),
    ("lettings", "Lettings fell from 1,240 to 1,180.", {(ERROR, "1,240 … 1,180"), (ERROR, "fell")}),
    ("repairs", "The rate was 96.1%, up from 92.5%.", {(ERROR, "96.1% … 92.5%"), (ERROR, "up")}),
    ("repairs", "The rate rose from 92.5% in 2020/21 to 96.1% in 2021/22.",
     {(ERROR, "92.5% … 96.1%"), (ERROR, "rose")}),
    # ---- no period's figure at all: a warning, as the data cannot confirm it
    ("repairs", "927 of 1,000 repairs were on time.", {(WARNING, "927 of 1,000")}),
    ("repairs", "At Quarter 2 the figure was 88.0%.", {(WARNING, "88.0%")}),
    ("lettings", "There were 1,300 lettings.", {(WARNING, "1,300")}),
    # ---- softer words: movement beside Stable, "stable" beside a change over the threshold
    ("repairs, Stable up", "A small improvement on 2020/21.", {(WARNING, "improvement")}),
    ("repairs, Stable down", "Performance deteriorated slightly.", {(WARNING, "deteriorated")}),
    ("repairs, Stable up", "The rate was stable.", OK),
    ("repairs", "The rate was relatively stable.", {(WARNING, "relatively stable")}),
    ("lettings", "Lettings were broadly unchanged.", {(WARNING, "broadly unchanged")}),
    ("repairs, Stable down", "The rate rose slightly.", {(ERROR, "rose")}),
    # ---- direction and attainment against the trend and the rating
    ("repairs", "The rate rose.", {(ERROR, "rose")}),
    ("repairs", "The service met the target.", {(ERROR, "met the target")}),
    ("repairs", "It was rated Green.", {(ERROR, "rated Green")}),
    ("lettings", "Lettings were below the 1,200 target.", {(ERROR, "below the 1,200 target")}),
    # ---- "no figure" and "not collected" beside a figure
    ("repairs", "No figure is available for 2021/22.", {(ERROR, "No figure")}),
    ("repairs", "No figure was collected for 2021/22.", {(ERROR, "No figure")}),
    ("repairs", "No new figure is available.", {(ERROR, "No new figure")}),
    ("lettings", "The figure was not collected last year.", {(ERROR, "figure was not collected")}),
    # ---- placeholders, filled from the figures before the sentence is read
    ("repairs", "{numerator} of {denominator} repairs ({actual}) were on time.", OK),
    ("repairs", "In {year} the figure was {actual}, {change} on {previous} in {previous_year}.", OK),
    ("repairs", "A set of {{braces}} is printed as it stands.", OK),
    ("repairs", "No figure is available for {year}.", {(ERROR, "No figure")}),
    ("repairs", "The figure was {actual", {(ERROR, "{actual")}),
    ("repairs", "{actaul} were on time.", {(ERROR, "{actaul}")}),
    ("repairs", "A lone } brace.", {(ERROR, "}")}),
    # ---- officers' notes: a date or reference stamp opening a note is not a figure
    ("repairs", "141001 Based on 12 inspections, 92.5% of repairs were made on time.", OK),
    ("repairs", "14/10/2021 92.5% of repairs made on time.", OK),
    ("repairs", "JE100914- 92.5% on time, below target.", OK),
    ("repairs", "14.10.21 JE - performance 92.5%, below target.", OK),
    ("repairs", "[14/10/21 JE] 92.5% on time.", OK),
    ("repairs", "Q3 2021/22: 93.0% of repairs were made on time.", OK),
    ("repairs", "1 October 2021 - 92.5% of repairs were made on time.", OK),
    ("repairs", "Oct-21: 92.5% on time.", OK),
    ("repairs", "Figures checked on 14/10/2021 show 92.5% on time.", OK),
    ("lettings", "Lettings to 31.3.22 were 1,240.", OK),
    ("repairs", "141001 This year 96.1% of repairs were made on time.", {(ERROR, "96.1%")}),
    ("repairs", "JE100914- 88.0% of repairs were made on time.", {(WARNING, "88.0%")}),
    ("repairs", "Q2 2021/22: 93.0% on time.", {(ERROR, "93.0%")}),
    # ---- a rate: its base is not a figure, the rate itself is checked
    ("bins", "Missed bins fell to 401 per 100,000 collections.", OK),
    ("bins", "401 per 100,000, down from 455 per 100,000 in 2020/21.", OK),
    ("bins", "Missed bins are counted per 100,000 collections.", OK),
    ("dtoc", "Delayed transfers were 9.2 per 100,000 population.", OK),
    ("dtoc", "The rate per 100,000 population was 9.2.", OK),
    ("repairs", "Complaints about repairs were 3 per 1,000 homes.", OK),
    ("bins", "The rate rose to 58 per 100,000.", {(WARNING, "58 per 100,000"), (ERROR, "rose")}),
    ("bins", "There were 455 missed bins per 100,000 collections this year.",
     {(ERROR, "455 missed bins per 100,000")}),
    ("dtoc", "The rate per 100,000 population was 9.6.", {(WARNING, "9.6")}),
    # ---- money: the measure's figure only for a money measure or a pair tied to its fraction
    ("capital", "£125k spent out of a £500k budget (25%).", OK),
    ("repairs", "Repairs cost £1.2m this year, within the £1.3m budget.", OK),
    ("lettings", "Lettings brought in £1.4m of rent.", OK),
    ("ctax", "£52.1m of £54.2m due was collected (96.1%).", OK),
    ("dhp", "£125k was paid in discretionary housing payments.", OK),
    ("dhp", "Payments totalled £125,000 against a £150k target.", OK),
    ("variance", "The forecast is an overspend of £25k.", OK),
    ("variance", "Forecast variance −£25k.", OK),
    ("capital", "£125k spent out of a £500k budget (30%).", {(WARNING, "30%")}),
    ("ctax", "£50.4m of £53.0m due was collected (95.0%).",
     {(ERROR, "£50.4m of £53.0m"), (ERROR, "95.0%")}),
    ("dhp", "Payments totalled £118k.", {(ERROR, "£118k")}),
    ("dhp", "Payments totalled £140k.", {(WARNING, "£140k")}),
    ("variance", "The forecast is an underspend of £25k.", {(WARNING, "£25k")}),
    ("variance", "Forecast −£25k on a £14.2m net budget.", OK),  # the budget is context
    ("dhp", "£125k paid to 1,450 households (£86 each on average).", OK),
    ("dhp", "Payments totalled £1,400k.", {(WARNING, "£1,400k")}),  # near enough to be judged
    # ---- another subject in the same sentence binds its own figure
    ("tpo", "100% TPO applications & 98.2% Conservation applications were determined in time.",
     OK),
    ("conservation", "100% TPO applications & 98.2% Conservation applications were determined "
     "in time.", OK),
    ("minor", "92% of major applications and 85.0% of minor applications were decided in time.",
     OK),
    ("repairs", "92.5% of repairs were made on time, while 71.0% of gas services were completed "
     "in time.", OK),
    ("repairs", "92.5% of repairs were made on time, compared with 88.0% of void works.", OK),
    ("repairs", "92.5% on time and 4.0% abandoned.", OK),
    ("repairs", "Voids 88.0% & repairs 92.5%.", OK),
    ("lettings", "1,240 homes were let and 1,310 bids were refused.", OK),
    ("sickness", "Sickness absence was 2.7 days per FTE, while agency spend rose to £40k.", OK),
    ("tpo", "96.0% TPO applications & 98.2% Conservation applications were determined in time.",
     {(ERROR, "96.0%")}),
    ("minor", "92% of major applications and 81.0% of minor applications were decided in time.",
     {(ERROR, "81.0%")}),
    ("repairs", "Voids 88.0% & repairs 96.1%.", {(ERROR, "96.1%")}),
    ("repairs", "92.5% of repairs were made on time, compared with 94.0% in 2020/21.",
     {(ERROR, "94.0%")}),
    # ---- a figure given as the value that equals only a change, a gap or the target
    ("appeals", "100% of appeals were allowed.", {(WARNING, "100%")}),
    ("appeals", "Appeals allowed: 50.0%.", {(ERROR, "50.0%")}),  # last year's, no coincidence
    ("repairs", "The figure was 95%.", {(WARNING, "95%")}),
    ("lettings", "There were 60 lettings.", {(WARNING, "There were 60")}),
    ("appeals", "Appeals allowed fell by 100%.", OK),
    ("appeals", "0.0% of appeals were allowed, down from 50.0%.", OK),
    ("lettings", "There were 60 more lettings than in 2020/21.", OK),
    ("repairs", "The figure was 95% last year.", {(WARNING, "95%")}),
    # ---- days, scores and figures below zero, in the measure's own unit
    ("sickness", "An average of 2.7 days were lost per FTE.", OK),
    ("sickness", "Sickness absence fell from 3.1 to 2.7 days per FTE.", OK),
    ("sickness", "Long-term absence accounts for 1.9 days of the 2.7 days lost per FTE.", OK),
    ("sickness", "Return-to-work interviews are held within 3 working days.", OK),
    ("satisfaction", "Residents scored parks 7.9 out of 10.", OK),
    ("satisfaction", "Satisfaction rose to 7.9 out of 10 from 7.6.", OK),
    ("backlog", "The backlog is 28 days behind target.", OK),
    ("backlog", "Enforcement cases are minus 28 days against target.", OK),
    ("backlog", "The position is −28 days.", OK),
    ("backlog", "The position is -28 days.", OK),
    ("backlog", "The backlog is 28 days.", OK),
    ("sickness", "An average of 3.1 days were lost per FTE.", {(ERROR, "3.1 days")}),
    ("sickness", "Provisional: avg 3.1 days vs tgt 2.5 days.", {(ERROR, "3.1 days")}),
    ("backlog", "−28 days: below zero is ahead of it (was −20 days last year).",
     {(WARNING, "−20 days")}),
    ("sickness", "Sickness absence was 2.9 days per FTE.", {(WARNING, "2.9 days")}),
    ("satisfaction", "Satisfaction was 7.6 out of 10.", {(ERROR, "7.6 out of 10")}),
    ("backlog", "The backlog is 12 days behind target.", {(ERROR, "12 days")}),
    ("backlog", "The position is 28 days ahead of target.", {(WARNING, "28 days")}),
    ("backlog", "The position is +28 days.", {(WARNING, "+28 days")}),
    # ---- abbreviations and brackets as officers write them
    ("repairs", "CS 14/04/22 - 92.5% on time.", OK),
    ("repairs", "92.5% on time (96.1% last year).", OK),
    ("repairs", "92.5% on time (2020/21: 96.1%).", OK),
    ("repairs", "92.5% on time (96.1% in 20/21).", OK),
    ("repairs", "In 2020-21 the rate was 96.1%.",  # 2020-21 is 2020/21: last year's text, kept
     {(ERROR, "In 2020-21 the rate was 96.1%.")}),
    ("repairs", "92.5% vs tgt 95%.", OK),
    ("repairs", "93.0% in Q3, up from 91.5% in Q2.", OK),
    ("repairs", "The rate improved to 93.0% at Q3.", OK),  # when it reached 93.0%, no comparison
    ("repairs", "The rate improved to 91.5% at Q3.", {(ERROR, "91.5%")}),
    ("repairs", "92.5% on time (2020/21: 92.5%).", {(ERROR, "92.5%")}),
    ("repairs", "Target met at 92.5%.", {(ERROR, "Target met")}),
    ("bins", "401 missed per 100k collections, nearly on target (400).", OK),
    ("sickness", "Short-term absence 1.1 days, long-term 1.6 days.", OK),
    ("lettings", "1,240 lettings: general needs 62% & sheltered 38% of lets.", OK),
    ("dhp", "Spend £125k of £150k allocation (83%).", OK),
    ("dhp", "£125k paid (budget £150k).", OK),
    # ---- notes with no figure in them
    ("repairs", "The contractor has recruited two more operatives.", OK),
    ("repairs", "Performance remains good.", OK),
    ("repairs", "See appendix B.", OK),
    ("lettings", "Data to follow.", OK),
    ("sickness", "Stress-related absence remains the main cause; OH referrals continue.", OK),
    # ---- a direction word said of the noun after it is another subject's
    ("repairs", "Actions agreed include increased inspections and improved scheduling.", OK),
    ("repairs", "Reduced overtime and increased agency cover.", OK),
    ("repairs", "The team improved repairs performance on 2020/21.", {(ERROR, "improved")}),
    ("repairs", "The rate improved slightly.", {(ERROR, "improved")}),
    ("ctax", "Improved collection rates followed the new reminder letters.", OK),
    # ---- a percentage below zero: a reduction that became a rise
    ("reduction", "The reduction was −9% against a target of 5%.", OK),
    ("reduction", "Vehicle crime reduction minus 9%, down from 4% last year.", OK),
    ("reduction", "A 9% rise in vehicle crime this year.", OK),
    ("reduction", "The reduction was 4%.", {(ERROR, "4%")}),
    ("reduction", "The reduction was −4%.", {(WARNING, "−4%")}),  # no period's figure
    # ---- mid-year: a note with no period is the latest quarter's, the year so far
    ("grants", "141022 - To date this financial year £125k spent out of a £500k budget (25%).",
     OK),
    ("grants", "25% of the budget spent so far.", OK),
    ("grants", "Spend this year is 25%.", OK),
    ("grants", "57% spent in 2020/21.", OK),
    ("grants", "57% of the budget spent so far.", {(ERROR, "57%")}),
    # ---- the seed reports' own sentences, with the seed's figures
    ("cfe 2020/21 foi_on_time", "1,014 of 1,117 requests (90.8%) were answered on time, below "
     "the 95% target and the 93.1% achieved in 2019/20.", OK),
    ("cfe 2020/21 complaints_s1_upheld", "26 of 90 Stage 1 complaints (28.9%) were upheld, "
     "meeting the target and down from 33.9% in 2019/20.", OK),
    ("cfe 2020/21 calls_answered", "167,313 of 187,288 calls (89.3%) were answered, up from "
     "80.7% in 2019/20, while the number of calls fell by 21.6%.", OK),
    ("cfe 2020/21 digital_champions", "There were 32 digital champions at year end, down from 35 "
     "and below the target of 38; numbers dipped during the pandemic but are now steadier.", OK),
    ("cfe 2020/21 digiknow_groups", "On the new basis membership rose from 19 to 40, meeting the "
     "target, and seven more groups have joined since March.", OK),
    ("cfe 2020/21 engagement_initiatives", "32 engagement and co-production initiatives were "
     "recorded in 2020/21, the first year this has been collected.", OK),
    ("cfe 2020/21 museum_visits", "There were 3,484 visits against a target of 10,000.", OK),
    ("cfe 2020/21 cultural_engagements", "The latest figure, for 2018/19, is 460,000 engagements "
     "(0.46m), 117.8% more than in 2017/18, compared with a 40.5% rise across Greater "
     "Manchester.", OK),
    ("cfe 2020/21 complaints_s2_upheld", "This is 0.1 percentage points above the 31% target, "
     "less than one complaint: one fewer upheld would have given 29.5%, which is why it was "
     "rated Green.", OK),
    ("cfe 2020/21 digital_inclusion_people", "9,387 people have been helped since the Digital "
     "Inclusion Alliance started in 2018/19, just short of the 10,000 target.",
     {(WARNING, "just short of the 10,000 target")}),
    ("cfe 2020/21 complaints_s1_on_time", "This is a small improvement on 2019/20, on fewer "
     "complaints.", {(WARNING, "improvement")}),
    ("cfe 2019/20 foi_on_time", "1,288 of 1,384 requests (93%) were answered within 20 working "
     "days, up from 1,312 of 1,505 (87%) in 2018/19.", OK),
    ("cfe 2019/20 digital_skills", "No new figure is available; the latest, for 2016, is 78.0%.",
     OK),
    ("cfe 2019/20 digiknow_groups", "35 organisations had joined by year end, the same as at "
     "Quarter 3 and short of the target of 45.", OK),
    ("cfe 2019/20 museum_visits", "There were 156,557 visits, well above the 100,000 target, "
     "although the museums closed on 18 March 2020 because of lockdown.", OK),
    ("cfe 2019/20 cultural_engagements", "The latest figure, for 2017/18, is 211,223 engagements "
     "(0.21m), 1.1% fewer than in 2016/17, while engagements across Greater Manchester rose by "
     "7.3%.", OK),
    ("cfe 2019/20 complaints_s2_on_time", "75 of the 102 Stage 2 complaints (74%) were answered "
     "within 20 working days, slightly fewer than in 2018/19 and just under the 75% target.", OK),
]


def areas(key: str) -> tuple[str, ...]:
    """The areas a portfolio's commentary compares with: the seed's from its portfolio.yaml."""
    if not key.startswith("cfe "):
        return ()
    from perflib.data.portfolio import load_portfolio

    return load_portfolio("cfe").words.comparison_areas


def verdicts(key: str, sentence: str, status: str = "draft") -> set[tuple[str, str]]:
    found = c.check(sentence, figures(key), "c.md", 1, status, areas(key))
    return {(x.severity, x.words) for x in found}


@pytest.mark.parametrize(("key", "sentence", "expected"), SPEC,
                         ids=[f"{k}: {s[:50]}" for k, s, _ in SPEC])
def test_specification(key, sentence, expected):
    assert verdicts(key, sentence) == expected


def test_the_table_specifies_each_verdict_and_holds_the_seeds_own_sentences():
    said = {(k.startswith("cfe "), severity) for k, _, expected in SPEC
            for severity in ({s for s, _ in expected} or {"nothing"})}
    assert said == {(False, ERROR), (False, WARNING), (False, "nothing"), (True, WARNING),
                    (True, "nothing")}
    assert {k.split()[1] for k, _, _ in SPEC if k.startswith("cfe ")} == {"2019/20", "2020/21"}


@pytest.mark.parametrize(("key", "sentence"), [(k, s) for k, s, _ in SPEC if k.startswith("cfe ")])
def test_seed_rows_are_the_seed_reports_own_words(key, sentence):
    _, year, mid = key.split()
    text = (config.DATA_DIR / "cfe" / year.replace("/", "-") / "commentary.md").read_text("utf-8")
    section = text.split(f"## {mid}\n", 1)[1].split("\n## ", 1)[0]
    assert sentence in section


# ---------------------------------------------------------------- what each error says

def one(key: str, sentence: str) -> c.Finding:
    (x,) = c.check(sentence, figures(key))
    return x


def test_a_stale_figure_names_both_periods_and_both_figures():
    x = one("repairs", "This year 96.1% of repairs were made on time.")
    assert x.finding == ("the figure is 2020/21's (96.1% (961 of 1,000)), but the sentence "
                         "presents it as 2021/22's (92.5% (925 of 1,000))")
    assert x.fix == "use the 2021/22 figure or say it is for 2020/21"


def test_a_swap_is_one_error_naming_both_periods_and_both_figures():
    x = one("repairs", "In 2021/22, 96.1% of repairs were made on time, compared with 92.5% in "
                       "2020/21.")
    assert x.severity == ERROR
    assert x.finding == ("the 2021/22 and 2020/21 figures are the wrong way round: the text gives "
                         "96.1% for 2021/22 and 92.5% for 2020/21")
    assert x.data_says == "2021/22: 92.5% (925 of 1,000); 2020/21: 96.1% (961 of 1,000)"


def test_a_quarter_figure_given_for_another_quarter_names_both():
    x = one("repairs", "At Quarter 3, 91.5% were on time.")
    assert "2021/22 Q2's (91.5% (183 of 200))" in x.finding
    assert "2021/22 Q3's (93.0% (279 of 300))" in x.finding


def test_no_figure_beside_a_figure_says_what_the_data_has():
    x = one("repairs", "No figure is available for {year}.")
    assert x.finding == ("the text says there is no figure for 2021/22, but the data has "
                         "92.5% (925 of 1,000)")


def test_a_wrong_rating_names_the_file_the_rating_comes_from():
    """Under ratings: rule a rating that differs from the rule is an override; under ratings:
    published the printed rating is the council's own, and no override exists."""
    assert one("repairs", "It was rated Green.").fix == \
        "match the rating in the table, or record an override"
    own = c.check("It was rated Green.", repairs(own_ratings=True))
    assert [(x.severity, x.fix) for x in own] == [
        (ERROR, "match the rating in the table, or correct the council's rating "
                "(observations.csv's published_rating)")]


def test_a_change_below_zero_is_said_in_the_measures_own_unit():
    """A variance from £10k to −£25k is down £35k: in per cent (−350%) it would mean nothing."""
    assert c.render("{change} on {previous_year}", FICTIONAL["variance"]) == "down £35k on 2020/21"
    assert c.render("{change}", FICTIONAL["backlog"]) == "down 16 days"
    assert c.render("{change}", FICTIONAL["sickness"]) == "down 12.9%"  # never below zero
    assert c.check("The variance moved {change} on {previous_year}.", FICTIONAL["variance"]) == []


def test_softer_words_say_the_threshold():
    x = one("repairs, Stable up", "A small improvement on 2020/21.")
    assert x.finding == "the text says the measure got better, but its trend is Stable (a change " \
                        "under 1%)"
    y = one("repairs", "The rate was relatively stable.")
    assert y.finding == "the text calls the measure stable, but it changed by more than 1% " \
                        "(Getting worse)"


def test_an_unclosed_brace_names_its_line():
    got = c.check("Fine.\nThe figure was {actual this year.", repairs(), "c.md", 7)
    assert [(x.line, x.finding) for x in got] == [
        (8, "'{actual' opens a placeholder that is never closed")]
    with pytest.raises(ValueError, match="literal brace"):
        c.render("{actual", repairs())


# ---------------------------------------------------------------- half-made figures

@pytest.mark.parametrize("f", [
    Figures(year="2021/22", previous_year="", measure_id="new", value=None),  # no figure at all
    Figures(year="2021/22", previous_year="", measure_id="new", value=45.0),  # no previous one
    Figures(year="2018/19", previous_year="2017/18", measure_id="lagged", unit="millions",
            decimals=2, value=0.46, previous=0.21, report_year="2021/22"),  # only older ones
    Figures(year=float("nan"), previous_year=float("nan"), measure_id="blank",  # empty cells
            report_year="2021/22"),
])
def test_every_shape_of_figures_is_read_without_a_crash(f):
    text = ("In 2020/21 the figure was 45.0%, up from 40.0% in 2019/20. The latest, for 2018/19, "
            "is 0.46m. No figure is available for 2021/22. It rose and met the target.")
    got = c.check(text, f)
    assert all(x.severity in (ERROR, WARNING) and x.finding for x in got)
    assert c.draft_sentence(f).endswith(c.DRAFT_MARKER)


def test_a_drafted_sentence_is_true_of_any_figures_it_is_rendered_with():
    drafted = c.draft_sentence(repairs(value=None, kind="not available"))
    assert drafted == f"No figure is available for {{year}}. {c.DRAFT_MARKER}"
    assert c.check(drafted, repairs(value=None, numerator=None, denominator=None)) == []
    stale = c.check(drafted, repairs())  # the figure was entered and the sentence left
    assert [(x.severity, x.words) for x in stale] == [(ERROR, "No figure")]
    collected = c.draft_sentence(repairs(value=None, kind="not collected"))
    assert collected.startswith("No figure was collected for {year}.")
    assert [x.words for x in c.check(collected, repairs())] == ["No figure"]



# ---------------------------------------------------------------- officers' notes, all at once

NOTES = Path(__file__).parent / "fixtures" / "fictional" / "notes"


def _number(x: str) -> float | None:
    return float(x) if x else None


def notes_figures() -> dict[str, Figures]:
    """The fictional KPI set's figures, as the report would hold them, by measure_id."""
    with open(NOTES / "figures.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(NOTES / "measures.csv", encoding="utf-8") as fh:
        measures = list(csv.DictReader(fh))
    out = {}
    for m in measures:
        held = {r["period"]: PeriodFigure(_number(r["value"]), _number(r["numerator"]),
                                          _number(r["denominator"]), "actual")
                for r in rows if r["measure_id"] == m["measure_id"]}
        now, before = held["2021/22"], held["2020/21"]
        out[m["measure_id"]] = Figures(
            year="2021/22", previous_year="2020/21", measure_id=m["measure_id"],
            pi_code=m["pi_code"], short_name=m["short_name"], unit=m["unit"],
            decimals=int(m["decimals"]), polarity=m["polarity"], value=now.value,
            previous=before.value, numerator=now.numerator, denominator=now.denominator,
            previous_numerator=before.numerator, previous_denominator=before.denominator,
            target=_number(m["target"]), target_decimals=int(m["decimals"]), trend=m["trend"],
            rule_rating=m["rating"], rating=m["rating"], kind="actual", periods=held,
            per=_number(m["per"]), suffix=m["suffix"], scale=m["scale"],
            may_be_negative=m["may_be_negative"] == "yes")
    return out


def notes_findings() -> list[c.Finding]:
    figures_ = notes_figures()
    found = []
    for name in ("notes.md", "notes-second.md"):
        problems: list = []
        notes = commentary.parse(NOTES / name, set(figures_), problems)
        assert not problems and set(notes) == set(figures_)
        found += c.check_commentary(notes, figures_, name)
    return found


def test_officers_notes_draw_exactly_the_expected_findings_and_no_false_alarm():
    with open(NOTES / "expected.csv", encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    found = notes_findings()
    assert sorted((Path(x.file).name, x.measure_id, x.line, x.severity, x.words) for x in found) \
        == sorted((e["file"], e["measure_id"], int(e["line"]), e["severity"], e["words"])
                  for e in expected)
    false = [e for e in expected if e["verdict"] != "right"]
    notes = sum(len(commentary.parse(NOTES / n, set(notes_figures()), []))
                for n in ("notes.md", "notes-second.md"))
    assert (notes, len(found), len(false)) == (90, 8, 0)
    # the docs state what this measures, in the same figures
    page = (Path(__file__).parent.parent / "docs" / "explanation" / "checker.md").read_text("utf-8")
    assert "90 in all" in page and "The checker makes 8 findings, none false" in page


def test_a_coincidence_names_both_readings():
    x = one("appeals", "100% of appeals were allowed.")
    assert x.severity == WARNING
    assert x.finding == ("the text gives '100%' as the 2021/22 figure, which is 0.0%; that is the "
                         "fall of 100.0% on 2020/21 or the gap of 100.0% to the target, so it "
                         "agrees with the data only by coincidence: either the text or the data "
                         "is wrong")
    assert x.data_says == "2021/22: 0.0%; 2020/21: 50.0%; target 30.0%"


def test_figures_below_zero_and_in_their_own_units_are_printed_as_written():
    x = one("backlog", "The backlog is 12 days behind target.")
    assert x.finding == ("the figure is 2020/21's (−12 days), but the sentence presents it as "
                         "2021/22's (−28 days)")
    y = one("backlog", "The position is 28 days ahead of target.")
    assert y.finding == "the text gives the figure's size but the wrong side: the data says " \
                        "behind or below"
    assert one("dhp", "Payments totalled £118k.").data_says == \
        "2021/22: £125k; 2020/21: £118k; target £150k"
    assert one("dtoc", "The rate per 100,000 population was 9.6.").data_says == \
        "2021/22: 9.2 per 100,000; 2020/21: 9.9 per 100,000; target 10.0 per 100,000"


def test_a_stamp_is_removed_and_a_date_is_no_figure():
    from perflib.data.claims import stamps

    assert [stamps.strip(s) for s in ("141001 Based on 12 decisions", "14/10/2014 Good",
                                      "JE100914- Good", "CS 14/04/22 - Good", "Oct-14: Good",
                                      "1 October 2014 - Good", "[14/10/14 JE] Good",
                                      "Q2 2014/15: Good", "125000 visitors")] == [
        "Based on 12 decisions", "Good", "Good", "Good", "Good", "Good", "Good",
        "Q2 2014/15: Good", "125000 visitors"]
    assert [m.group(0) for m in stamps.DATE.finditer(
        "by 14/10/2014, on 1 October 2014, at Oct-14 and 31.3.15, not 5-10 or 2019/20")] == [
        "14/10/2014", "1 October 2014", "Oct-14", "31.3.15"]
