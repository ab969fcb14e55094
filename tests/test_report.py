"""The loaded report, without a notebook or a browser: ratings, overrides, key and blocks."""

from __future__ import annotations

import json
import re
from importlib import import_module
from pathlib import Path

import pytest

from perflib.present import sections
from perflib.present.blocks import from_json, to_json
from perflib.present.display import Blocks
from perflib.present.html import render
from perflib.reports import annual, kinds
from perflib.reports.checks import load_report

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"


@pytest.fixture(scope="module")
def r2021():
    return load_report("cfe", "2020/21")


def row(r, pi_code):
    return r.measures.set_index("pi_code").loc[pi_code]


@pytest.mark.parametrize(("code", "rule", "rating", "reason"), [
    ("CFE1.3", "Amber", "Green", "0.1 percentage points"),
    ("CFE1.9", "Red", "Amber", "national average of 54.6%"),
    ("CFE1.10", "Red", "Amber", "89%"),
    ("CFE1.1", "Amber", "Amber", ""),
])
def test_overrides_keep_both_ratings_and_the_reason(r2021, code, rule, rating, reason):
    m = row(r2021, code)
    assert (m.rule_rating, m.rating) == (rule, rating)
    assert reason in m.override_reason and bool(m.override_reason) == (rule != rating)


def test_contextual_and_no_target_measures_are_not_rated(r2021):
    contextual = row(r2021, "CFE3.3 (GMS)")
    assert (contextual.category, contextual.rating) == ("Contextual", "")
    assert sections.rating_cell(contextual) == "Not rated: contextual"
    assert contextual.trend == "Getting better"  # a trend is still said
    parks = load_report("parks", "2021/22", FIXTURES)  # fictional: a direction, no number
    hours = parks.measures.set_index("measure_id").loc["volunteer_hours"]
    assert (hours.target_type, hours.value, hours.rating) == ("direction", 2210, "")
    assert sections.rating_cell(hours) == "Not rated: no numerical target"
    assert sections.target_text(hours) == "Aim to maximise"
    assert hours.trend == ""  # the previous year was not collected
    missing = load_report("cfe", "2019/20").measures.set_index("measure_id").loc["digital_skills"]
    assert sections.rating_cell(missing) == "Not rated: no figure"


@pytest.mark.parametrize(("tolerance", "words"), [(0.05, "more than 5%"), (0.1, "more than 10%"),
                                                  (0.025, "more than 2.5%")])
def test_the_key_takes_its_thresholds_from_the_rules(tolerance, words):
    key = render([sections.key({"amber_tolerance": tolerance, "stable_threshold": 0.02})])
    assert words in key and "less than 2%" in key


def test_a_threshold_the_report_did_not_state_is_not_printed():
    r = load_report("cfe", "2019/20")
    key = render([sections.key(r.rules)])
    assert "5%" not in key and "less than 1%" in key


def test_blocks_round_trip_through_json(r2021):
    blocks = Blocks([*annual.cover(r2021), *annual.priorities(r2021), *annual.finance(r2021)])
    assert render(from_json(to_json(blocks))) == render(blocks)


def test_every_registered_kind_names_a_notebook_that_prints_it():
    for kind in kinds().values():
        nb = json.loads(kind.notebook_path.read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        module = re.search(r"^from perflib\.reports import (\w+)$", code, re.M)
        assert module, f"{kind.notebook} imports no report kind"
        assert import_module(f"perflib.reports.{module.group(1)}").KIND is kind, kind.name
        assert kind.csv.endswith(".csv")
