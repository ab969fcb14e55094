"""KPI-only reports: portfolio.yaml's ``finance: none`` and ``commentary: optional``.

Such a report is final without finance, reserves, savings, a cabinet member or commentary for
every measure; it prints no empty section, contents entry or line for them, and its to-do list
does not ask for them. Everything else stays as strict as before, and a portfolio without the
settings is as strict as ever. The fictional Millbrook KPI scorecard
(tests/fixtures/fictional/kpi_published) has notes on MK01, MK05 and MK11 only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perflib.collect.scaffold import new_year
from perflib.present.blocks import Section, contents
from perflib.present.html import render
from perflib.reports import annual, corporate, quarterly
from perflib.reports import corporate_figures as cf
from perflib.reports.checks import check_report, load_report
from tests.conftest import edit

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"
ASHDOWN = FIXTURES / "ashdown"
KPI = "kpi_published"
YEAR = "2023/24"



def report_yaml(data: Path) -> Path:
    return data / KPI / "2023-24" / "report.yaml"


def every_section(r) -> list:
    return [*annual.cover(r), *annual.overview(r), *annual.priorities(r), *annual.finance(r),
            *annual.appendix(r), *annual.revisions(r), *annual.data_quality(r)]


def test_a_kpi_only_report_is_final_with_nothing_to_do():
    r, problems = check_report(KPI, YEAR, FIXTURES)
    assert problems == []
    assert r is not None and not r.draft and r.meta["status"] == "final"
    assert (r.cash, r.finance, r.meta["cabinet_member"]) == (None, {}, None)
    assert r.reserves.empty and r.savings.empty
    assert sorted(r.commentary) == ["calls_answered", "homelessness_prevented", "missed_bins"]


def test_it_prints_no_finance_section_contents_entry_or_cabinet_member_line():
    r = load_report(KPI, YEAR, FIXTURES)
    assert list(annual.finance(r)) == []
    html = render(every_section(r))
    for words in ("Financial resources", "Revenue budget", "Earmarked reserves", "savings",
                  "Cabinet Member", 'class="signature"', "To be added", "still to be added"):
        assert words not in html, words
    sections = [b.title for b in every_section(r) if isinstance(b, Section)]
    assert sections == ["Corporate KPIs (fictional) portfolio overview",
                        "1. Delivering our priorities", "Data quality"]
    assert "finance" not in [i for _, i, _ in contents(every_section(r))]
    assert annual.cover(r)[0].title == "Portfolio Performance Annual Report 2023/24"


def test_a_measure_without_commentary_prints_no_empty_commentary():
    r = load_report(KPI, YEAR, FIXTURES)
    html = render(annual.priorities(r))
    assert html.count('class="commentary"') == 3  # MK01, MK05 and MK11 only
    assert "improved to 82.0% after two advisers joined the team" in html
    assert not [t for t in r.todos if "commentary" in t.message]


def test_a_cabinet_member_given_is_printed(kpi):
    edit(report_yaml(kpi), "agreement:", "cabinet_member: Cllr Example Person\nagreement:")
    r = load_report(KPI, YEAR, kpi)
    assert "Cllr Example Person, Cabinet Member for Corporate KPIs (fictional)" in render(
        annual.overview(r))
    assert list(annual.finance(r)) == []


@pytest.mark.parametrize(("old", "new", "column", "file"), [
    ("rules:", "finance:\n  net_expenditure: 10\nrules:", "finance", "report.yaml"),
    ("rules:", "finance_quarters:\n  Q2: {cash_limit: 10, forecast_outturn: 11}\nrules:",
     "finance_quarters", "report.yaml"),
])
def test_finance_given_under_finance_none_is_refused(kpi, old, new, column, file):
    edit(report_yaml(kpi), old, new)
    _, problems = check_report(KPI, YEAR, kpi)
    hit = [p for p in problems if p.column == column]
    assert [(p.file.name, p.message) for p in hit] == [
        (file, "portfolio.yaml says finance: none, so the report prints no finance")]
    assert hit[0].row is not None and "take finance: none out of portfolio.yaml" in hit[0].fix


@pytest.mark.parametrize("name", ["reserves.csv", "savings.csv"])
def test_a_reserves_or_savings_file_under_finance_none_is_refused(kpi, name):
    (kpi / KPI / "2023-24" / name).write_text("whatever\n")
    _, problems = check_report(KPI, YEAR, kpi)
    assert [(p.file.name, p.message, p.fix) for p in problems if p.file.name == name] == [
        (name, "portfolio.yaml says finance: none, so the report prints no reserves or savings",
         "delete the file, or take finance: none out of portfolio.yaml")]


def test_without_the_settings_a_final_report_is_as_strict_as_before(kpi):
    edit(kpi / KPI / "portfolio.yaml", "finance: none\ncommentary: optional\n", "")
    _, problems = check_report(KPI, YEAR, kpi)
    said = {(p.file.name, p.column, p.message) for p in problems}
    for expected in [
        ("report.yaml", "cabinet_member", "is missing"),
        ("report.yaml", "finance.net_expenditure", "is missing"),
        ("report.yaml", "finance.risk_ratings", "is missing"),
        ("reserves.csv", None, "the file is missing"),
        ("savings.csv", None, "the file is missing"),
        ("commentary.md", "foi_on_time", "MK03 has a 2023/24 figure but no commentary yet"),
    ]:
        assert expected in said, expected
    assert len([p for p in problems if "no commentary yet" in p.message]) == 9


def test_optional_commentary_may_leave_out_commentary_md_but_not_checks_of_what_is_written(kpi):
    commentary = kpi / KPI / "2023-24" / "commentary.md"
    edit(commentary, "rose to {actual}", "fell to {actual}")  # the figure rose
    _, problems = check_report(KPI, YEAR, kpi)
    assert [p.column for p in problems if not p.todo] == ["missed_bins"]
    commentary.unlink()
    r, problems = check_report(KPI, YEAR, kpi)
    assert problems == [] and r is not None and r.commentary == {}


def test_an_empty_commentary_heading_prints_nothing(kpi):
    edit(kpi / KPI / "2023-24" / "commentary.md", "## calls_answered\nCalls answered within 60 "
         "seconds improved to {actual} after two advisers joined the team.\n",
         "## calls_answered\n\n")
    r = load_report(KPI, YEAR, kpi)
    assert render(annual.priorities(r)).count('class="commentary"') == 2
    assert r.findings and not [x for x in r.findings if "no commentary" in x.finding]


def test_the_quarterly_report_has_no_budget_section_and_numbers_the_rest():
    q = quarterly.load(load_report(KPI, YEAR, FIXTURES), "Q2")
    assert list(quarterly.finance(q)) == [] and q.finance is None
    assert [b.title for b in quarterly.spc(q)] == ["2. Statistical process control"]
    assert "Budget monitoring" not in render([*quarterly.performance(q), *quarterly.spc(q)])


@pytest.fixture
def ashdown_kpi(tmp_path, monkeypatch):
    """Ashdown (fictional) with Streets a KPI-only portfolio: its finance taken out."""
    from tests.conftest import scratch_project

    root = scratch_project(tmp_path / "project", monkeypatch, seed=False)
    shutil.copytree(ASHDOWN, root / "data")
    streets = root / "data" / "streets"
    edit(streets / "portfolio.yaml", "reports:", "finance: none\nreports:")
    year = streets / "2021-22"
    text = (year / "report.yaml").read_text()
    text = text[:text.index("finance:")] + text[text.index("quarters:"):text.index(
        "finance_quarters:")]
    (year / "report.yaml").write_text(text.replace("cabinet_member: Cllr Example Person\n", ""))
    (year / "reserves.csv").unlink()
    (year / "savings.csv").unlink()
    return root / "data"


def test_the_corporate_budget_leaves_out_a_portfolio_without_finance_and_says_so(ashdown_kpi):
    c = cf.load("2021/22", "", ashdown_kpi)
    assert [e.pid for e in c.present] == ["leisure", "streets"]
    b = cf.budget(c).set_index("portfolio")
    assert list(b.index) == ["Leisure (fictional)", "Council total"]  # no row of zeros
    assert b.loc["Council total", ["cash_limit", "outturn", "variance", "reserves"]].tolist() == [
        2100, 2080, -20, 70]  # Leisure's alone
    html = render(corporate.finance(c))
    assert ("Streets (fictional) reports no finance (performance measures only), so it is not "
            "in the budget position.") in html
    assert "Streets (fictional)</th>" not in html


def test_a_quarter_with_only_kpi_portfolios_prints_the_sentence_alone(ashdown_kpi):
    q = cf.load("2021/22", "Q2", ashdown_kpi)
    assert cf.budget(q).empty
    blocks = list(corporate.finance(q))[0].blocks
    assert "<table" not in render(blocks)
    assert "Streets (fictional) reports no finance" in render(blocks)


def test_new_year_scaffolds_no_finance_and_no_drafted_commentary(kpi):
    said = new_year(KPI, "2024/25", kpi)
    folder = kpi / KPI / "2024-25"
    assert sorted(p.name for p in folder.iterdir()) == ["commentary.md", "report.yaml"]
    text = (folder / "report.yaml").read_text()
    assert "finance" not in text and "cabinet_member" not in text
    assert (folder / "commentary.md").read_text().startswith("## calls_answered\n\n\n## ")
    _, todos = check_report(KPI, "2024/25", kpi)
    asked = " ".join(f"{t.file.name} {t.column} {t.message}" for t in todos)
    for word in ("finance", "reserves", "savings", "cabinet", "commentary"):
        assert word not in asked, word
    assert "the 2024/25 target for MK01 is not set yet" in asked and "summary" in asked
    assert "things to fill in" in said
