"""Drafted text that stays true: what ``new-year`` and ``perflib draft`` write is re-read at every
check, so a drafted sentence left in place can never print something false of the figures.

The 2021/22 figures are fictional (tests/fixtures/fictional/cfe-2021-22), written into a scratch
copy of the project.
"""

from __future__ import annotations

from pathlib import Path

from perflib.collect.scaffold import draft, new_year
from perflib.data import claims
from perflib.data.portfolio import load_portfolio
from perflib.reports.checks import check_report
from tests.conftest import edit
from tests.test_portfolios import _fill_in


def fill_in_figures(root: Path) -> None:
    """The fictional 2021/22 figures, targets and finance over the scaffold; its text as drafted."""
    path = root / "data" / "cfe" / "2021-22" / "commentary.md"
    drafted = path.read_text(encoding="utf-8")
    _fill_in(root)
    path.write_text(drafted, encoding="utf-8")


def test_a_no_figure_sentence_left_beside_a_new_figure_is_an_error(data_copy):
    cfe = data_copy / "cfe"
    edit(cfe / "observations.csv", "2020/21,engagement_initiatives,2020/21,32,,,actual,,",
         "2020/21,engagement_initiatives,2020/21,,,,not collected,,")
    new_year("cfe", "2021/22", data_copy)
    text = (cfe / "2021-22" / "commentary.md").read_text(encoding="utf-8")
    assert f"## engagement_initiatives\nNo figure was collected for {{year}}. " \
           f"{claims.DRAFT_MARKER}\n" in text
    assert "## foi_on_time\nIn {year} the figure was {actual} ({numerator} of {denominator})" in text

    fill_in_figures(data_copy.parent)  # the figure is entered; the drafted sentences are left
    report, problems = check_report(load_portfolio("cfe", data_copy), "2021/22")
    assert report is not None and report.draft
    errors = [x for x in report.findings if x.severity == claims.ERROR]
    assert [(x.measure_id, x.words, x.finding) for x in errors] == [
        ("engagement_initiatives", "No figure",
         "the text says there is no figure for 2021/22, but the data has 28")]
    # every other drafted sentence is true of the new figures, and is a to-do until finished
    assert report.text("foi_on_time").startswith(
        "In 2021/22 the figure was 93.5% (1,045 of 1,118), against a target of 95.0%, up 2.7 "
        "points on 90.8% in 2020/21.")
    drafted = [q for q in problems if q.todo and "still the drafted sentence" in q.message]
    assert len(drafted) == 15

    edit(cfe / "2021-22" / "report.yaml", "status: draft", "status: final")
    _, problems = check_report(load_portfolio("cfe", data_copy), "2021/22")
    stale = [q for q in problems if not q.todo and q.column == "engagement_initiatives"]
    assert any("there is no figure for 2021/22, but the data has 28" in q.message for q in stale)


def test_perflib_draft_writes_sentences_the_checker_finds_true(data_copy):
    cfe = data_copy / "cfe"
    path = cfe / "2020-21" / "commentary.md"
    sections = path.read_text(encoding="utf-8").split("\n\n")
    path.write_text("\n\n".join(s.split("\n", 1)[0] if s.startswith("## ") else s
                                for s in sections), encoding="utf-8")  # headings, no text
    edit(cfe / "2020-21" / "report.yaml", "date:", "status: draft\ndate:")
    draft("cfe", "2020/21", data_copy)
    report, problems = check_report(load_portfolio("cfe", data_copy), "2020/21")
    assert report is not None
    ours = [x for x in report.findings if x.file.endswith("commentary.md")]
    assert ours == []  # fifteen drafted sentences, none contradicting its figures
    assert report.text("museum_visits") == (
        f"In 2020/21 the figure was 3,484, against a target of 10,000, down 97.8% on 156,557 in "
        f"2019/20. {claims.DRAFT_MARKER}")
    assert report.text("cultural_engagements").startswith(
        "In 2018/19 the figure was 0.46m, up 119.0% on 0.21m in 2017/18.")
