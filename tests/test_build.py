"""End to end: both seed years built through the real notebook, papermill and Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from pypdf import PdfReader

from perflib import config
from tests.conftest import copy_seed

pytestmark = pytest.mark.e2e

MEASURES_COLUMNS = ["year", "pi_code", "measure_id", "short_name", "category", "polarity",
                    "value", "numerator", "denominator", "target", "rule_rating", "rating",
                    "override_reason", "trend", "previous"]

# (PI code, rule's rating, published rating, trend): what the seeds' figures give under the rules.
EXPECTED = {
    "2019/20": [
        ("CFE1.1", "Green", "Green", "Getting better"),
        ("CFE1.2", "Red", "Red", "Getting better"),
        ("CFE1.3", "Green", "Green", "Getting better"),
        ("CFE1.4", "Red", "Red", "Getting worse"),
        ("CFE1.5", "Red", "Red", "Getting worse"),
        ("CFE1.6", "Amber", "Amber", "Getting worse"),
        ("CFE1.7", "Amber", "Amber", "Getting worse"),
        ("CFE2.1", "Amber", "Amber", "Stable"),
        ("CFE2.2", "Amber", "Amber", "Getting worse"),
        ("CFE3.1", "Green", "Green", "Getting better"),
    ],
    "2020/21": [
        ("CFE1.1", "Amber", "Amber", "Getting worse"),
        ("CFE1.2", "Green", "Green", "Getting better"),
        ("CFE1.3", "Amber", "Green", "Getting worse"),
        ("CFE1.4", "Amber", "Amber", "Stable"),
        ("CFE1.5", "Green", "Green", "Getting better"),
        ("CFE1.6", "Green", "Green", "Getting better"),
        ("CFE1.7", "", "", ""),
        ("CFE1.8", "Green", "Green", "Getting better"),
        ("CFE1.9", "Red", "Amber", "Getting worse"),
        ("CFE1.10", "Red", "Amber", "Getting worse"),
        ("CFE2.1", "Red", "Red", "Getting better"),
        ("CFE2.2", "Green", "Green", "Getting better"),
        ("CFE2.3", "Red", "Red", "Getting worse"),
        ("CFE3.1", "Red", "Red", "Getting worse"),
        ("CFE3.3 (GMS)", "", "", "Getting better"),
    ],
}
FINANCE = {
    "2019/20": ["5,350", "292", "5,642", "5,630", "(32)", "5,598", "(44)", "163", "131", "450"],
    "2020/21": ["4,834", "5,322", "(40)", "5,282", "448", "9.3%", "251", "211", "570", "555"],
}
FIGURES = {
    "2019/20": ["8,032", "5,000", "93.0% (1,288 of 1,384)", "37% (61 of 179)", "156,557",
                "80.7% (192,836 of 238,982)", "78.0% (2016)", "0.21m", "Aim to maximise",
                "90.0%", "82.0%", "Financial Landscape"],
    "2020/21": ["90.8% (1,014 of 1,117)", "28.9% (26 of 90)", "31.1% (19 of 61)", "9,387",
                "3,484", "0.46m", "74.2% (2,562 of 3,452)", "Appendix 1",
                # consultation responses under Priority 1, and targets printed as published
                "1,010", "827", "385", "448", "33%", "98%", "95.0%", "no capital programme",
                "CFE3.2"],
}


def folder(built: Path, year: str) -> Path:
    return built / "cfe" / year.replace("/", "-")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


@pytest.mark.parametrize("year", list(EXPECTED))
def test_outputs_are_what_the_log_says(built, year):
    f = folder(built, year)
    log = json.loads((f / "build-log.json").read_text())
    files = {name for entry in log["notebooks"].values() for name in entry["files"]}
    assert files == {p.name for p in f.iterdir()} - {"build-log.json"}
    for name in ("annual_report.ipynb", "annual_report.html", "annual_report.pdf",
                 "annual_report.docx", "measures.csv", "data-quality.csv"):
        assert name in files, name
    nb = nbformat.read(f / "annual_report.ipynb", as_version=4)
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    assert log["notebooks"]["annual_report"]["title"] == \
        f"Citizen Focus and Engagement Portfolio Performance and Resources Annual Report {year}"


@pytest.mark.parametrize("year", list(EXPECTED))
def test_measures_csv(built, year):
    m = pd.read_csv(folder(built, year) / "measures.csv", keep_default_na=False)
    assert set(MEASURES_COLUMNS) <= set(m.columns)
    got = m.set_index("pi_code")
    for code, rule, status, trend in EXPECTED[year]:
        assert (got.at[code, "rule_rating"], got.at[code, "rating"], got.at[code, "trend"]) == (
            rule, status, trend), code
        assert bool(got.at[code, "override_reason"]) == (rule != status), code
    assert set(m["rating"]) <= {"Red", "Amber", "Green", ""}
    assert set(m["trend"]) <= {"Getting better", "Stable", "Getting worse", ""}


def test_codes_reused_across_years_are_different_measures(built):
    a = pd.read_csv(folder(built, "2019/20") / "measures.csv").set_index("pi_code")
    b = pd.read_csv(folder(built, "2020/21") / "measures.csv").set_index("pi_code")
    assert a.at["CFE1.1", "measure_id"] == "digital_inclusion_people"
    assert b.at["CFE1.1", "measure_id"] == "foi_on_time"


@pytest.mark.parametrize("year", list(EXPECTED))
def test_pdf_text(built, year):
    text = pdf_text(folder(built, year) / "annual_report.pdf")
    for code, _, status, trend in EXPECTED[year]:
        assert code in text
        if status:
            assert status in text
        if trend:
            assert trend in text
    for figure in FINANCE[year] + FIGURES[year]:
        assert figure in text, figure
    pages = len(PdfReader(folder(built, year) / "annual_report.pdf").pages)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    order = ["Portfolio summary", "Delivering our priorities", "Key to symbols",
             "Priority 1", "Priority 2", "Priority 3", "2.1 Revenue", "2.2 Earmarked reserves",
             "2.3 Portfolio savings programme", "Risk rating"]
    if year == "2020/21":
        order.append("Appendix 1")
    else:  # 2019/20 published no engagement appendix: no empty heading for it
        assert "Appendix 1" not in text
    at = 0
    for heading in order:  # each section heading comes after the one before it
        at = text.index(heading, at) + 1


def test_overrides_are_explained(built):
    text = pdf_text(folder(built, "2020/21") / "annual_report.pdf")
    assert text.count("Rating overridden") == 3
    assert "the rule gives Amber; published as Green" in text
    assert text.count("the rule gives Red; published as Amber") == 2
    assert text.count("Reason:") == 3


def test_restated_figures_each_report_prints_its_own(built):
    a = pdf_text(folder(built, "2019/20") / "annual_report.pdf")
    b = pdf_text(folder(built, "2020/21") / "annual_report.pdf")
    assert "93.0% (1,288 of 1,384)" in a and "93.1% (1,288 of 1,384)" in b
    assert "33.9% (41 of 121)" in b and "33.9% (41 of 121)" not in a
    assert "Data-quality note" in a


@pytest.mark.parametrize("year", list(EXPECTED))
def test_html_is_self_contained_and_has_no_code(built, year):
    html = (folder(built, year) / "annual_report.html").read_text(encoding="utf-8")
    assert re.search(r"<title>Citizen Focus and Engagement Portfolio Performance and Resources "
                     r"Annual Report \d{4}/\d{2}</title>", html)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "nothing off the machine"
    assert "<script src" not in html
    assert "from perflib" not in html and 'class="highlight' not in html  # no code shown


def test_plain_papermill_from_a_scheduler(tmp_path):
    out = tmp_path / "out.ipynb"
    subprocess.run([sys.executable, "-m", "papermill", "notebooks/annual_report.ipynb", str(out),
                    "-p", "year", "2019/20"], cwd=config.PROJECT_ROOT, check=True,
                   capture_output=True)
    assert "Annual Report 2019/20" in out.read_text(encoding="utf-8")


def test_papermill_with_a_bad_parameter_prints_its_one_line(tmp_path):
    """A scheduler's log ends with what is wrong, not papermill's and click's frames."""
    out = tmp_path / "out.ipynb"
    res = subprocess.run([sys.executable, "-m", "papermill", "notebooks/annual_report.ipynb",
                          str(out), "-p", "year", "2031/32", "--no-progress-bar"],
                         cwd=config.PROJECT_ROOT, capture_output=True, text=True)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and "papermill/" not in res.stderr
    line = res.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"papermill: cell \[3\] failed: ParameterError: year 2031/32 is not held "
                        r"for portfolio 'cfe' \(held: [^)]+\)", line), res.stderr
    errors = [o for c in nbformat.read(out, as_version=4).cells for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert [e.traceback for e in errors] == [[line.split(": ", 1)[1].split(" failed: ", 1)[1]]]


def test_nbconvert_exports_a_built_notebook_as_the_pdf_the_build_printed(built, tmp_path):
    src = folder(built, "2019/20") / "annual_report.ipynb"
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "Committee_report_PDF",
                    str(src), "--output-dir", str(tmp_path)], check=True, capture_output=True)
    assert pdf_text(tmp_path / "annual_report.pdf") == pdf_text(src.with_suffix(".pdf"))


def run_cli(*args: str, root: Path | None = None) -> subprocess.CompletedProcess:
    env = None
    if root is not None:
        import os

        env = {**os.environ, "PERFLIB_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "perflib.cli", *args], capture_output=True,
                          text=True, env=env)


def test_bad_data_exits_2_and_publishes_nothing(project):
    out = project / "reports"
    before = (out / "cfe/2020-21/annual_report.pdf").read_bytes()
    obs = project / "data/cfe/observations.csv"
    obs.write_text(obs.read_text().replace("90.8,1014,1117", "90.8,1117,1014"))
    res = run_cli("build", "--force")
    assert res.returncode == 2
    assert "observations.csv, row" in res.stderr and "column 'numerator'" in res.stderr
    assert (out / "cfe/2020-21/annual_report.pdf").read_bytes() == before


def test_failed_notebook_keeps_earlier_reports(built, tmp_path):
    root = tmp_path / "project"
    copy_seed(root / "data")
    shutil.copytree(config.NOTEBOOKS_DIR, root / "notebooks")
    out = root / "reports"
    shutil.copytree(built, out, symlinks=True)
    before = (out / "cfe/2019-20/annual_report.pdf").read_bytes()
    nb = root / "notebooks/annual_report.ipynb"
    nb.write_text(nb.read_text().replace('"annual.finance(report)"',
                                         '"raise RuntimeError(\\"finance table broke\\")"'))
    res = run_cli("build", "--year", "2019/20", "--jobs", "1", root=root)
    assert res.returncode == 1, res.stderr
    last = res.stderr.strip().splitlines()[-1]
    assert "notebooks/annual_report.ipynb" in last and "cell" in last
    assert "RuntimeError: finance table broke" in last
    assert "KeyboardInterrupt" not in res.stderr and "[IPKernelApp]" not in res.stderr
    assert (out / "cfe/2019-20/annual_report.pdf").read_bytes() == before
    kept = out / ".failed/cfe/2019-20/annual_report.ipynb"
    assert "finance table broke" in kept.read_text()


def test_no_browser_still_builds_html_and_says_how_to_get_one(project, monkeypatch):
    monkeypatch.setenv("PERFLIB_CHROMIUM", "/nonexistent/chromium")
    res = run_cli("build", "--force", "--year", "2019/20")
    assert res.returncode == 3
    assert "apt-get install -y chromium" in res.stderr and "playwright install chromium" in res.stderr
    folder = project / "reports/cfe/2019-20"
    title = "Citizen Focus and Engagement Portfolio Performance and Resources Annual Report 2019/20"
    assert f"<title>{title}</title>" in (folder / "annual_report.html").read_text(encoding="utf-8")
    foi = next(line for line in (folder / "measures.csv").read_text(encoding="utf-8").splitlines()
               if line.startswith("2019/20,CFE1.3,foi_on_time,"))
    assert ",93.0,1288,1384,actual,numerical,90.0,Green,Green," in foi
    assert not (folder / "annual_report.pdf").exists(), "no PDF that disagrees with the new HTML"
    monkeypatch.delenv("PERFLIB_CHROMIUM")
    assert run_cli("build", "--year", "2019/20").returncode == 0  # the PDFs follow next time
    assert pdf_text(folder / "annual_report.pdf").startswith(
        f"STOCKPORT METROPOLITAN BOROUGH COUNCIL {title} Date June 2020")


def test_notebooks_run_top_to_bottom_with_their_defaults(tmp_path):
    """As an analyst opening a notebook in JupyterLab and running all cells: no parameters."""
    import nbformat
    from nbclient import NotebookClient

    for name in ("annual_report", "museum_visits"):
        nb = nbformat.read(config.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(config.NOTEBOOKS_DIR)}}).execute()
        html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells
                       for o in c.get("outputs", []))
        assert "2020/21" in html and "<h1>" in html


@pytest.mark.parametrize("year", list(EXPECTED))
def test_measures_csv_is_what_the_measure_tables_printed(built, year):
    from tests.htmltables import parse

    f = folder(built, year)
    tables = {t["caption"].split(":")[0]: t["rows"]
              for t in parse((f / "annual_report.html").read_text(encoding="utf-8")).tables}
    m = pd.read_csv(f / "measures.csv", keep_default_na=False)
    for x in m.itertuples():
        head, row = tables[x.pi_code]
        assert row[0] == x.pi_code
        assert head[-3] == f"{year} target" and head[-2:] == ["Status", "Trend"]
        if x.rating:
            assert row[-2].endswith(x.rating), (x.pi_code, row)
        assert row[-1].endswith(x.trend) if x.trend else row[-1] == "No trend"
        if x.value != "":
            v = float(x.value)
            printed = {f"{v:g}", f"{v:,.0f}", f"{v:,.1f}", f"{v:.2f}m"}
            assert any(p in cell for p in printed for cell in row), (x.pi_code, row)


@pytest.mark.parametrize("year", list(EXPECTED))
def test_data_quality_csv_is_the_data_quality_section(built, year):
    from tests.htmltables import table

    f = folder(built, year)
    html = (f / "annual_report.html").read_text(encoding="utf-8")
    dq = pd.read_csv(f / "data-quality.csv", keep_default_na=False)
    rows = table(html, f"Data-quality findings, {year}")[1:] if len(dq) else []
    assert [r[2] for r in rows] == list(dq["finding"])
    assert [r[1].lower() for r in rows] == list(dq["severity"])
    assert '<h2 id="data-quality">Data quality</h2>' in html
