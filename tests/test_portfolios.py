"""Every portfolio, every year: fictional portfolios and a scaffolded year, built end to end.

All data here is fictional (tests/fixtures/fictional); it is copied into a scratch project.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from perflib.formats import formats
from tests.a11y import report_folder_problems
from tests.test_build import pdf_text, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project holding the seed portfolio and the two fictional ones."""
    from tests.conftest import scratch_project

    return scratch_project(tmp_path / "project", monkeypatch,
                           {name: FIXTURES / name for name in ("parks", "housing")})


@pytest.mark.e2e
def test_check_names_every_portfolio_and_year(scratch):
    res = run_cli("check", root=scratch)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "data OK: cfe 2019/20, 2020/21; housing 2021/22; parks 2021/22"


def test_a_report_kind_not_declared_is_refused_by_its_notebook(scratch):
    from perflib.errors import ParameterError
    from perflib.notebook import load

    with pytest.raises(ParameterError, match="does not declare the complaints report"):
        load("parks", "2021/22", kind="complaints")


@pytest.mark.e2e
def test_new_year_scaffolds_a_to_do_list_and_never_overwrites(scratch):
    res = run_cli("new-year", "cfe", "2021/22", root=scratch)
    assert res.returncode == 0, res.stderr
    assert "things to fill in" in res.stdout and "perflib check" in res.stdout
    data = scratch / "data" / "cfe"
    assert '"2021/22"' in (data / "portfolio.yaml").read_text()
    commentary = (data / "2021-22" / "commentary.md").read_text()
    # a heading per measure, each with a drafted factual sentence in placeholders, no stale text
    assert commentary.count("## ") == 15 and "90.8" not in commentary
    assert "## foi_on_time\nIn {year} the figure was {actual} ({numerator} of {denominator})" \
        in commentary and "[Draft: service to complete.]" in commentary
    assert (data / "2021-22" / "reserves.csv").read_text().strip() == \
        "category,narration,use,approved,movement"
    obs = pd.read_csv(data / "observations.csv")
    new = obs[obs["report"] == "2021/22"]
    foi = new[new["measure_id"] == "foi_on_time"].set_index("period")
    assert foi.loc["2020/21", "value"] == 90.8  # last year's figure carried as history
    assert pd.isna(foi.loc["2021/22", "value"])  # this year's is to fill in
    check = run_cli("check", root=scratch)
    assert check.returncode == 2
    todo = check.stderr
    assert "still to fill in (to-do list, by file)" in todo
    for words in ("the 2021/22 target for CFE1.1 is not set yet",
                  "the 2021/22 figure for foi_on_time is not filled in yet",
                  "finance.net_expenditure", "the 2021/22 reserves are not filled in yet",
                  "summary"):
        assert words in todo, words
    assert "problems in the data" not in todo  # a to-do list, not a wall of errors
    again = run_cli("new-year", "cfe", "2021/22", root=scratch)
    assert again.returncode == 2 and "never overwrites" in again.stderr


def _fill_in(root: Path) -> None:
    """Write the fictional 2021/22 figures, targets, text and finance over the scaffold."""
    data = root / "data" / "cfe"
    fig = pd.read_csv(FIXTURES / "cfe-2021-22" / "figures.csv").set_index("measure_id")
    m = pd.read_csv(data / "measures.csv", dtype=str, keep_default_na=False)
    now = m["year"] == "2021/22"
    for i in m.index[now & (m["target_type"] == "numerical")]:
        m.at[i, "target"] = str(fig.at[m.at[i, "measure_id"], "target"])
    m.to_csv(data / "measures.csv", index=False)
    o = pd.read_csv(data / "observations.csv", dtype=str, keep_default_na=False)
    for i in o.index[(o["report"] == "2021/22") & (o["period"] == "2021/22")]:
        f = fig.loc[o.at[i, "measure_id"]]
        o.at[i, "value"] = f"{f['value']:g}"
        for col in ("numerator", "denominator"):
            o.at[i, col] = "" if pd.isna(f[col]) else str(int(f[col]))
        o.at[i, "figure_kind"] = "actual"
    o.to_csv(data / "observations.csv", index=False)
    year = data / "2021-22"
    for name in ("report.yaml", "reserves.csv", "savings.csv"):
        shutil.copy(FIXTURES / "cfe-2021-22" / name, year / name)
    (year / "commentary.md").write_text("".join(
        f"## {mid}\nA fictional commentary for testing.\n\n" for mid in fig.index))


@pytest.mark.e2e
def test_a_scaffolded_year_builds_as_draft_then_final(scratch):
    assert run_cli("new-year", "cfe", "2021/22", root=scratch).returncode == 0
    _fill_in(scratch)
    assert run_cli("check", root=scratch).returncode == 0
    res = run_cli("build", "--portfolio", "cfe", "--year", "2021/22", root=scratch)
    assert res.returncode == 0, res.stderr
    out = scratch / "reports" / "cfe" / "2021-22"
    html = (out / "annual_report.html").read_text()
    assert "<title>DRAFT: " in html and 'class="draft-banner"' in html
    text = pdf_text(out / "annual_report.pdf")
    from pypdf import PdfReader

    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out / "annual_report.pdf").pages]
    header = "DRAFT: Citizen Focus and Engagement Portfolio Performance and Resources Annual Report"
    n = len(pages)
    assert [p.endswith(f"{header} 2021/22 Page {i} of {n}") for i, p in enumerate(pages, 1)] \
        == [True] * n  # on every page's header
    assert "93.5% (1,045 of 1,118)" in text
    assert json.loads((out / "build-log.json").read_text())["status"] == "draft"
    # final needs approval
    report = scratch / "data" / "cfe" / "2021-22" / "report.yaml"
    report.write_text(report.read_text().replace("status: draft", "status: final"))
    bad = run_cli("check", root=scratch)
    assert bad.returncode == 2 and "approved_by" in bad.stderr
    report.write_text(report.read_text().replace("approved_by:\n", "approved_by: XY\n"))
    res = run_cli("build", "--portfolio", "cfe", "--year", "2021/22", "--force", root=scratch)
    assert res.returncode == 0, res.stderr
    html = (out / "annual_report.html").read_text()
    assert "DRAFT" not in html
    assert report_folder_problems(out) == []  # PDF/UA-1 and reflow, for a year made by new-year


@pytest.mark.e2e
def test_second_portfolio_gets_only_the_reports_it_declares(scratch):
    res = run_cli("build", "--portfolio", "parks", root=scratch)
    assert res.returncode == 0, res.stderr
    out = scratch / "reports" / "parks" / "2021-22"
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "annual_report.ipynb", *(f"annual_report{f.extension}" for f in formats().values()),
        "build-log.json", "data-quality.csv", "measures.csv"])
    text = pdf_text(out / "annual_report.pdf")
    assert "Appendix 1" not in text  # no engagement data: no empty appendix
    assert "more than 10%" in text and "less than 2%" in text  # the key from this year's rules
    m = pd.read_csv(out / "measures.csv").set_index("pi_code")
    assert m.loc["PL1.1", "rating"] == "Green" and m.loc["PL2.1", "rating"] == "Green"
    assert report_folder_problems(out) == []  # another council's annual report: PDF/UA-1, reflow


@pytest.mark.e2e
def test_a_deep_dive_runs_on_another_portfolios_own_ids(scratch):
    res = run_cli("build", "--portfolio", "housing", root=scratch)
    assert res.returncode == 0, res.stderr
    out = scratch / "reports" / "housing" / "2021-22"
    d = pd.read_csv(out / "complaints.csv")
    got = d.set_index(["stage", "measure", "period"])["percent"]
    assert got[("Stage 2", "upheld", "2021/22")] == 30.0
    assert not (out / "museum_visits.html").exists()
    html = (out / "complaints.html").read_text()
    assert "Housing Services (fictional)" in html and "Ombudsman" not in html
    assert report_folder_problems(out) == []  # the complaints deep dive on another portfolio


def test_last_years_commentary_copied_forward_fails_a_final_year(scratch):
    """Done-when of the commentary issue: every measure whose figures changed gets an error."""
    from perflib.collect.scaffold import new_year
    from perflib.data.portfolio import load_portfolio
    from perflib.reports.checks import check_report

    new_year("cfe", "2021/22", scratch / "data")
    _fill_in(scratch)
    data = scratch / "data" / "cfe"
    shutil.copy(data / "2020-21" / "commentary.md", data / "2021-22" / "commentary.md")
    report, problems = check_report(load_portfolio("cfe", scratch / "data"), "2021/22")
    assert report is not None  # a draft loads, its contradictions printed
    errors = {x.measure_id for x in report.findings if x.severity == "error"}
    changed = set(pd.read_csv(FIXTURES / "cfe-2021-22" / "figures.csv")["measure_id"])
    assert errors == changed
    foi = [x for x in report.findings if x.measure_id == "foi_on_time" and x.severity == "error"]
    assert {x.words for x in foi} >= {"1,014 of 1,117", "90.8%"}
    assert all(x.file.endswith("commentary.md") and x.line and x.fix for x in foi)
    report_yaml = data / "2021-22" / "report.yaml"
    report_yaml.write_text(report_yaml.read_text().replace("status: draft", "status: final")
                           .replace("approved_by:\n", "approved_by: XY\n"))
    res = run_cli("check", root=scratch)
    assert res.returncode == 2 and "'1,014 of 1,117'" in res.stderr


def test_check_and_build_share_one_rule_for_the_data_folder(tmp_path):
    for command in ("check", "build"):
        res = run_cli(command, "--data", str(tmp_path))
        assert res.returncode == 2, res.stderr
        assert "outside the project" in res.stderr
    assert "inside the project" in run_cli("check", "--help").stdout.replace("\n", " ")
