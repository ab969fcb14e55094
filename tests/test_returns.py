"""Data returns: written as Excel forms, filled in by a script through openpyxl, imported back.

The 2021/22 figures are fictional (tests/fixtures/fictional/cfe-2021-22), filled into a year that
``perflib new-year`` scaffolds in a scratch copy of the seed; the quarterly portfolio is fictional
too (tests/fixtures/fictional/quarterly/riverside).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from perflib import config
from perflib.collect import returnform as form
from perflib.collect.importing import import_returns
from perflib.collect.returns import write_returns
from perflib.collect.scaffold import new_year
from perflib.errors import DataError, ParameterError
from tests.conftest import copy_seed
from tests.test_scaffold import snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"
FIGURES = pd.read_csv(FIXTURES / "cfe-2021-22" / "figures.csv").set_index("measure_id")
COMMENTARY = "A fictional commentary for testing."


def scaffold(data: Path) -> None:
    """cfe 2021/22 scaffolded, with its targets, cover, finance and tables from the fixtures."""
    new_year("cfe", "2021/22", data)
    m = pd.read_csv(data / "cfe/measures.csv", dtype=str, keep_default_na=False)
    now = (m["year"] == "2021/22") & (m["target_type"] == "numerical")
    m.loc[now, "target"] = [f"{FIGURES.at[i, 'target']:g}" for i in m.loc[now, "measure_id"]]
    m.to_csv(data / "cfe/measures.csv", index=False)
    for name in ("report.yaml", "reserves.csv", "savings.csv"):
        shutil.copy(FIXTURES / "cfe-2021-22" / name, data / "cfe/2021-22" / name)


def fill(path: Path, **changes: dict[str, object]) -> None:
    """Fill a return in as a service would, with the fictional figures; ``changes`` then sets
    cells by measure_id: ``fill(p, foi_on_time={"value": "ninety"})``."""
    wb = load_workbook(path)
    ws = wb[form.FIGURES]
    col = {h: i + 1 for i, h in enumerate(form.HEADERS)}
    for r in range(form.FIRST_ROW, ws.max_row + 1):
        mid = ws.cell(r, col["measure_id"]).value
        f = FIGURES.loc[mid]
        ws.cell(r, col["value"]).value = float(f["value"])
        if not pd.isna(f["numerator"]):
            ws.cell(r, col["numerator"]).value = int(f["numerator"])
            ws.cell(r, col["denominator"]).value = int(f["denominator"])
        ws.cell(r, col["commentary"]).value = COMMENTARY
        for header, value in changes.get(mid, {}).items():
            ws.cell(r, col[header]).value = value
    wb.save(path)


def put(path: Path, cell: str, value: object, sheet: str = form.FIGURES) -> None:
    wb = load_workbook(path)
    wb[sheet][cell].value = value
    wb.save(path)


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose cfe 2021/22 is scaffolded and its return written, made once for the
    module (scaffolding is most of a test's time): each test works on a copy of it."""
    root = tmp_path_factory.mktemp("scaffolded") / "project"
    with pytest.MonkeyPatch.context() as mp:
        data = copy_seed(root / "data")
        for name, value in (("PROJECT_ROOT", root), ("DATA_DIR", data),
                            ("RETURNS_DIR", root / "returns")):
            mp.setattr(config, name, value)
        scaffold(data)
        write_returns("cfe", "2021/22", data)
    return root


@pytest.fixture
def data(data_copy: Path, scaffolded: Path) -> Path:
    """The seed with cfe 2021/22 scaffolded, as :func:`scaffold` leaves it; no return written."""
    shutil.rmtree(data_copy)
    shutil.copytree(scaffolded / "data", data_copy)
    return data_copy


@pytest.fixture
def book(data: Path, scaffolded: Path) -> Path:
    """The year's one return, as ``write_returns`` writes it."""
    shutil.copytree(scaffolded / "returns", config.RETURNS_DIR)
    return config.RETURNS_DIR / "cfe" / "2021-22" / "cfe_2021-22.xlsx"


def test_a_return_is_an_accessible_form(book):
    wb = load_workbook(book)
    assert wb.sheetnames == ["Instructions", "Figures", "perflib", "perflib_written"]
    assert [wb[s].sheet_state for s in wb.sheetnames] == ["visible", "visible", "veryHidden",
                                                          "veryHidden"]
    assert wb.properties.title == "Data return: Citizen Focus and Engagement, 2021/22 " \
                                  "(the whole portfolio)"
    ws = wb["Figures"]
    assert [c.value for c in ws[1]] == [  # headers in words
        "Measure ID", "Period", "Measure", "About the measure", "Target for the year",
        "Last figures", "Figure", "Numerator", "Denominator", "Kind of figure",
        "Period it relates to", "Reason for a change", "Commentary"]
    assert ws.tables["FiguresOfTheReturn"].ref == "A1:M16"  # the header row marked as one
    assert not ws.merged_cells.ranges and not wb["Instructions"].merged_cells.ranges
    assert ws.protection.sheet and wb.security.lockStructure
    foi = {h: c for h, c in zip(form.HEADERS, ws[2], strict=True)}
    assert foi["measure_id"].value == "foi_on_time" and foi["period"].value == "2021/22"
    assert foi["Measure"].value == ("CFE1.1: Freedom of Information (FOI) requests responded to "
                                    "on time (% and number)")
    assert foi["Target"].value == "95.0%"
    assert foi["About"].value == "Higher is better. Percentage."
    assert foi["Last figures"].value == ("2020/21: 90.8% (1,014 of 1,117); "
                                         "2019/20: 93.1% (1,288 of 1,384)")
    assert foi["figure_kind"].value == "actual" and foi["value"].value is None
    # no placeholder in any cell: the drafted commentary held is kept by leaving the cell empty
    assert foi["commentary"].value is None
    assert not any("{" in str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert [h for h, c in foi.items() if not c.protection.locked] == list(form.INPUTS)
    # the cells to fill in are shaded and boxed, the locked ones grey
    assert foi["value"].fill.fgColor.rgb == "00FFF2CC" and foi["value"].border.left.style
    assert foi["Measure"].fill.fgColor.rgb == "00EDEDED"
    engagement = {h: c for h, c in zip(form.HEADERS, ws[11], strict=True)}
    assert engagement["measure_id"].value == "engagement_initiatives"
    assert engagement["Target"].value == "No target"
    # on paper: landscape A4, one page wide, the header row on every page
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    visits = {h: c for h, c in zip(form.HEADERS, ws[15], strict=True)}
    assert visits["measure_id"].value == "museum_visits"
    assert visits["numerator"].protection.locked  # a count has no fraction to give
    rules = {str(dv.sqref): (dv.type, dv.operator, dv.formula1, dv.formula2)
             for dv in ws.data_validations.dataValidation}
    percentages = next(k for k, v in rules.items() if v[0] == "decimal" and v[3] == "100")
    assert "G2" in percentages.split() and "G15" not in percentages.split()
    kinds = next(v for v in rules.values() if v[0] == "list")
    assert kinds[2] == ('"actual,provisional,forecast,latest available,not available,'
                        'not collected,not applicable"')
    steps = [r[0] for r in wb["Instructions"].iter_rows(values_only=True) if r[0]]
    assert "What to do" in steps and "The columns of the Figures sheet" in steps


def test_a_filled_return_is_shown_then_applied_then_changes_nothing(data, book):
    fill(book)
    before = snapshot(data)
    shown = import_returns([book], data)
    assert "  foi_on_time 2021/22: 93.5% (1,045 of 1,118), actual [cfe_2021-22.xlsx, G2]" in shown
    assert "  museum_visits 2021/22: 60,000, actual [cfe_2021-22.xlsx, G15]" in shown
    assert "Nothing written (a trial): run again with --apply" in shown
    assert snapshot(data) == before
    done = import_returns([book], data, apply=True)
    assert "Wrote " in done
    obs = (data / "cfe/observations.csv").read_text()
    assert "2021/22,foi_on_time,2021/22,93.5,1045,1118,actual,,\n" in obs
    assert "2021/22,museum_visits,2021/22,60000,,,actual,,\n" in obs
    assert obs.startswith((config.DATA_DIR / "cfe/observations.csv").read_text()[:2000])
    text = (data / "cfe/2021-22/commentary.md").read_text()
    assert text.count(COMMENTARY) == 15 and "[Draft" not in text
    after = snapshot(data)
    again = import_returns([book], data, apply=True)
    assert "Nothing to change" in again and "Unchanged: 15 figures" in again
    assert snapshot(data) == after
    from perflib.reports.checks import check_all

    _, problems, _ = check_all(data)
    assert [str(p) for p in problems] == []  # perflib check passes


REFUSALS = {
    "text in a number cell": ({"foi_on_time": {"value": "ninety"}}, "G2", "value",
                              "'ninety' is not a number. Fix: write a number, digits only (no "
                              "commas, % or £)"),
    "a percentage of 150": ({"calls_answered": {"value": 150, "numerator": None,
                                                "denominator": None}}, "G7", "value",
                            "150 is above 100%. Fix: write the percentage between 0 and 100, "
                            "without %"),
    "a missing figure": ({"museum_visits": {"value": None}}, "G15", "value",
                         "is empty but figure_kind is actual. Fix: write the value, or set "
                         "figure_kind to not available"),
    "a missing figure and kind": ({"museum_visits": {"value": None, "figure_kind": None}},
                                  "G15", "value", "the 2021/22 figure for museum_visits is not "
                                  "filled in. Fix: write the value and its figure_kind"),
    "a figure kind not on the list": ({"foi_on_time": {"figure_kind": "estimate"}}, "J2",
                                      "figure_kind", "'estimate' is not one of actual, "
                                      "provisional, forecast, latest available"),
    "latest available without its period": ({"foi_on_time": {"figure_kind": "latest available"}},
                                            "K2", "period_label", "is empty but figure_kind is "
                                            "latest available"),
    "a changed measure_id": ({"foi_on_time": {"measure_id": "foi_in_time"}}, "A2",
                             "measure_id", "was changed from foi_on_time to foi_in_time, but "
                             "the row is foi_on_time's figure. Fix: put back foi_on_time"),
    "a locked cell edited": ({"foi_on_time": {"Target": "90.0%"}}, "E2",
                             "Target", "was changed from '95.0%' to '90.0%', but "
                             "it is locked: perflib filled it in and reads it back unchanged"),
    "a fraction that does not agree": ({"foi_on_time": {"numerator": 1000}}, "G2", "value",
                                       "93.5% does not match 1,000 of 1,118 (89.45%)"),
    "a heading in commentary": ({"foi_on_time": {"commentary": "Good.\n## digital_contacts"}},
                                "M2", "commentary", "holds the line '## digital_contacts'"),
    "an unknown placeholder": ({"foi_on_time": {"commentary": "We met {actul}."}}, "M2",
                               "commentary", "{actul}"),
}


@pytest.mark.parametrize("changes,cell,column,words", REFUSALS.values(), ids=list(REFUSALS))
def test_each_refusal_names_workbook_sheet_cell_and_fix_and_writes_nothing(
        data, book, changes, cell, column, words):
    fill(book, **changes)
    before = snapshot(data)
    with pytest.raises(DataError) as err:
        import_returns([book], data, apply=True)
    assert snapshot(data) == before  # byte for byte: nothing written
    assert f"{book}, sheet 'Figures', cell {cell} ({column}): " in str(err.value)
    line = next(ln for ln in str(err.value).splitlines() if f"cell {cell} " in ln)
    assert words in line, line


def test_a_revised_figure_needs_its_reason(data, book):
    fill(book)
    import_returns([book], data, apply=True)
    put(book, "G15", 61000)
    before = snapshot(data)
    with pytest.raises(DataError) as err:
        import_returns([book], data, apply=True)
    assert str(err.value).splitlines()[1] == (
        f"  - {book}, sheet 'Figures', cell L15 (discrepancy): museum_visits's 2021/22 figure is "
        "already published as 60,000, actual; the return changes it to 61,000, actual without "
        "saying why. Fix: declare the change and its reason in the discrepancy column (cell "
        "L15), or put back 60,000, actual")
    assert snapshot(data) == before
    put(book, "L15", "late counts from one site")
    shown = import_returns([book], data, apply=True)
    assert ("  museum_visits 2021/22: 60,000, actual -> 61,000, actual; reason: late counts from "
            "one site") in shown
    assert "2021/22,museum_visits,2021/22,61000,,,actual,,late counts from one site\n" in \
        (data / "cfe/observations.csv").read_text()


def test_a_return_for_another_period_or_portfolio_is_refused(data, book):
    fill(book)
    before = snapshot(data)
    with pytest.raises(DataError, match=r"sheet 'Figures', cell B2 \(period\): the return was "
                                        r"made for 2021/22, not 2021/22 Q1"):
        import_returns([book], data, apply=True, period="2021/22 Q1")
    with pytest.raises(DataError, match=r"sheet 'Instructions', cell A1: was made for the "
                                        r"portfolio 'cfe' \(Citizen Focus and Engagement\), "
                                        r"not 'parks'"):
        import_returns([book], data, apply=True, portfolio="parks")
    put(book, "B4", "Another Council (fictional)", sheet="perflib")  # another council's cfe
    with pytest.raises(DataError, match=r"cell A2: was made for Another Council \(fictional\), "
                                        r"but .* is Stockport Metropolitan Borough Council's"):
        import_returns([book], data, apply=True)
    assert snapshot(data) == before


def test_a_percentage_typed_with_a_percent_sign_is_refused(data, book):
    fill(book)
    wb = load_workbook(book)
    wb["Figures"]["G2"].value, wb["Figures"]["G2"].number_format = 0.935, "0.0%"
    wb.save(book)
    with pytest.raises(DataError, match=r"cell G2 \(value\): is formatted as a percentage, so "
                                        r"it holds 0.935, not 93.5"):
        import_returns([book], data)


def test_a_filled_return_is_never_written_over(data, book):
    again = write_returns("cfe", "2021/22", data)
    assert "cfe_2021-22.xlsx: 15 figures, for the whole portfolio (written afresh: it had not " \
           "been filled in)" in again
    put(book, "G2", 93.5)
    held = book.read_bytes()
    with pytest.raises(ParameterError, match=r"cfe_2021-22.xlsx has been filled in \(cell G2 of "
                                             r"sheet Figures\); nothing was written"):
        write_returns("cfe", "2021/22", data)
    assert book.read_bytes() == held
    book.write_bytes(b"not a workbook")
    with pytest.raises(ParameterError, match="is not a return perflib can write over"):
        write_returns("cfe", "2021/22", data)
    assert book.read_bytes() == b"not a workbook"


def test_one_workbook_per_owner(data):
    path = data / "cfe/measures.csv"
    m = pd.read_csv(path, dtype=str, keep_default_na=False)
    m["owner"] = ""
    m.loc[(m["year"] == "2021/22") & m["measure_id"].str.startswith("complaints"),
          "owner"] = "Customer Services"
    m.to_csv(path, index=False)
    said = write_returns("cfe", "2021/22", data)
    folder = config.RETURNS_DIR / "cfe" / "2021-22"
    assert sorted(p.name for p in folder.iterdir()) == ["cfe_2021-22.xlsx",
                                                         "cfe_2021-22_customer-services.xlsx"]
    assert "cfe_2021-22_customer-services.xlsx: 4 figures, for Customer Services" in said
    assert "cfe_2021-22.xlsx: 11 figures, for the whole portfolio" in said
    ws = load_workbook(folder / "cfe_2021-22_customer-services.xlsx")["Figures"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [
        "complaints_s1_upheld", "complaints_s2_upheld", "complaints_s1_on_time",
        "complaints_s2_on_time"]


def test_a_period_without_its_year_or_figures_is_refused(data):
    with pytest.raises(ParameterError, match="2022/23 is not a report year of 'cfe'"):
        write_returns("cfe", "2022/23", data)
    with pytest.raises(ParameterError, match="is not a period a return can be for"):
        write_returns("cfe", "2021/22 M01", data)
    with pytest.raises(ParameterError, match="no measure of 'cfe' has figures by quarter"):
        write_returns("cfe", "2021/22 Q1", data)
    assert not config.RETURNS_DIR.exists()


def test_a_quarters_return_asks_for_its_quarter_or_its_months(data_copy):
    shutil.copytree(FIXTURES / "quarterly/riverside", data_copy / "riverside")
    path = data_copy / "riverside/observations.csv"
    full = path.read_bytes()
    q4 = ("2021/22 Q4", "2021/22 M10", "2021/22 M11", "2021/22 M12")
    lines = full.decode().splitlines(keepends=True)
    path.write_text("".join(ln for ln in lines if not any(f",{p}," in ln for p in q4)))
    write_returns("riverside", "2021/22 Q4", data_copy)
    book = config.RETURNS_DIR / "riverside/2021-22-Q4/riverside_2021-22-Q4.xlsx"
    ws = load_workbook(book)["Figures"]
    rows = [r[:2] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert rows == [("calls_answered", "2021/22 Q4"), ("visits", "2021/22 Q4"),
                    ("missed_bins", "2021/22 M10"), ("missed_bins", "2021/22 M11"),
                    ("missed_bins", "2021/22 M12"), ("volunteers", "2021/22 Q4")]
    assert ws["F2"].value == "2021/22 Q3: 87.2% (2,693 of 3,090); 2020/21 Q4: 90.7% (2,833 of 3,125)"
    # the year's commentary is asked for in the year's return only: a quarter's would overwrite it
    assert all(ws[f"M{r}"].protection.locked for r in range(2, 8))
    assert ws["M2"].value == "asked for in the year's return"
    commentary = data_copy / "riverside/2021-22/commentary.md"
    before = commentary.read_bytes() if commentary.exists() else None
    held = {tuple(ln.split(",")[1:3]): ln.split(",")[3:6]
            for ln in lines if any(f",{p}," in ln for p in q4)}
    wb = load_workbook(book)
    ws = wb["Figures"]
    for r in range(2, 8):
        value, num, den = held[(ws[f"A{r}"].value, ws[f"B{r}"].value)]
        ws[f"G{r}"].value = float(value)
        if num:
            ws[f"H{r}"].value, ws[f"I{r}"].value = int(num), int(den)
    wb.save(book)
    shown = import_returns([book], data_copy, apply=True)
    assert "  calls_answered 2021/22 Q4: 89.9% (2,934 of 3,262), actual" in shown
    assert "  missed_bins 2021/22 M12: " in shown
    got = pd.read_csv(path).set_index(["measure_id", "period"])
    want = pd.read_csv(pd.io.common.BytesIO(full)).set_index(["measure_id", "period"])
    assert got.sort_index().equals(want.sort_index())  # the quarter is back as it was
    assert (commentary.read_bytes() if commentary.exists() else None) == before


def test_replace_rows_keeps_every_other_byte():
    from perflib.collect.edits import replace_rows

    raw = b'a,b\r\n1,2\r\n"x\r\ny",3\r\n4,5'
    assert replace_rows(raw, {3: ["z", "z"], 5: ["7", "7"]}) == b'a,b\r\n1,2\r\nz,z\r\n7,7'
    assert replace_rows(raw, {}) == raw


def test_commentary_sections_are_replaced_in_place():
    from perflib.collect.edits import with_sections

    raw = b"## a\r\nold a\r\n\r\n## b\r\nold b\r\n"
    assert with_sections(raw, {"a": "new a\nmore", "c": "c's"}) == (
        b"## a\r\nnew a\r\nmore\r\n\r\n## b\r\nold b\r\n\r\n## c\r\nc's\r\n\r\n")


@pytest.mark.e2e
def test_a_year_collected_by_return_builds_with_its_figures(tmp_path, monkeypatch):
    from tests.conftest import scratch_project
    from tests.test_build import pdf_text, run_cli

    root = scratch_project(tmp_path / "project", monkeypatch)
    scaffold(root / "data")
    res = run_cli("returns", "cfe", "2021/22", root=root)
    assert res.returncode == 0, res.stderr
    book = root / "returns/cfe/2021-22/cfe_2021-22.xlsx"
    fill(book)
    res = run_cli("import", str(book), "--apply", root=root)
    assert res.returncode == 0, res.stderr
    assert "  foi_on_time 2021/22: 93.5% (1,045 of 1,118), actual" in res.stdout
    assert run_cli("check", root=root).returncode == 0
    res = run_cli("build", "--portfolio", "cfe", "--year", "2021/22", root=root)
    assert res.returncode == 0, res.stderr
    text = pdf_text(root / "reports/cfe/2021-22/annual_report.pdf")
    assert "93.5% (1,045 of 1,118)" in text and "88.0% (176,000 of 200,000)" in text
    assert "commentary for testing." in text  # the return's commentary ("fi" is a ligature)


def test_a_measure_in_two_returns_is_refused(data, book):
    fill(book)
    twin = book.with_name("copy.xlsx")
    shutil.copy(book, twin)
    with pytest.raises(DataError, match=r"copy.xlsx, sheet 'Figures', cell A2 \(measure_id\): "
                                        r"foi_on_time's 2021/22 figure is also in "
                                        r"cfe_2021-22.xlsx, cell A2"):
        import_returns([book, twin], data)
    assert "15 figures" in import_returns([book, book], data)  # one file named twice is one


def test_the_commands_exit_2_naming_the_cell(data, book):
    from tests.test_build import run_cli

    root = data.parent
    fill(book, foi_on_time={"value": "ninety"})
    before = snapshot(data)
    res = run_cli("import", str(book), "--apply", root=root)
    assert res.returncode == 2
    assert f"{book}, sheet 'Figures', cell G2 (value): 'ninety' is not a number" in res.stderr
    assert snapshot(data) == before
    res = run_cli("returns", "cfe", "2021/22", root=root)
    assert res.returncode == 2 and "has been filled in (cell G2" in res.stderr
    assert {"returns", "import", "import-comparators"} <= set(
        run_cli("--help").stdout.replace(",", " ").replace("{", " ").replace("}", " ").split())


@pytest.mark.e2e
def test_a_return_prints_landscape_each_row_whole_beside_its_name(data, book, tmp_path):
    """Printed from LibreOffice as an officer would: every measure's name, figure and
    commentary on one line of one landscape page, the column headings on each page."""
    import subprocess

    from pypdf import PdfReader

    fill(book)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "cfe_2021-22.pdf"
    for page in PdfReader(pdf).pages:
        assert page.mediabox.width > page.mediabox.height  # landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    heads = "Measure ID Period Measure About the measure Target for Last figures Figure"
    # every page holding rows of the Figures sheet is headed by its header row
    figures = [p for p in pages if " ".join(p.split()).startswith(heads)]
    assert figures and len(figures) == len([p for p in pages if "CFE1.1:" in p or "CFE3" in p])
    ws = load_workbook(book)["Figures"]
    for r in range(form.FIRST_ROW, ws.max_row + 1):
        code = ws.cell(r, form.HEADERS.index("Measure") + 1).value.split(":")[0] + ":"
        value = FIGURES.loc[ws.cell(r, 1).value, "value"]
        line = next(ln for p in figures for ln in p.splitlines() if f" {code} " in ln)
        # the row's name, its figure and its commentary on one line: across one page
        assert f"{value:g}" in line.split() and "A fictional commentary" in line, line


def test_a_return_with_six_problems_shows_all_six_in_one_run(data, book):
    fill(book, foi_on_time={"value": "=90+3.5", "numerator": None, "denominator": None},
         complaints_s1_upheld={"value": None, "figure_kind": None, "numerator": None,
                               "denominator": None},
         complaints_s2_upheld={"value": "n/a", "numerator": None, "denominator": None},
         complaints_s1_on_time={"value": "N/A", "numerator": None, "denominator": None},
         digital_inclusion_people={"value": "1,234"})
    wb = load_workbook(book)
    wb["Figures"]["N1"].value, wb["Figures"]["N9"].value = "notes", 17  # a column added
    wb.create_sheet("Extra figures")["B3"].value = 42  # and a sheet (the structure unlocked)
    wb.save(book)
    before = snapshot(data)
    with pytest.raises(DataError) as err:
        import_returns([book], data, apply=True)
    assert snapshot(data) == before
    text = str(err.value)
    at = f"{book}, sheet 'Figures', cell"
    for words in (
            f"{at} G2 (value): holds the formula =90+3.5, whose value was not saved. Fix: type "
            "the figure itself",
            f"{at} G3 (value): the 2021/22 figure for complaints_s1_upheld is not filled in",
            f"{at} G4 (value): 'n/a' is not a number. Fix: leave value empty and set figure_kind "
            "to not available (or not collected, or not applicable)",
            f"{at} G5 (value): 'N/A' is not a number. Fix: leave value empty and set "
            "figure_kind to not available",
            f"{at} G12 (value): '1,234' looks like a number with a thousands separator. Fix: "
            "write it without commas: 1234",
            f"{at} N9: holds '17' in column N ('notes'), added to the sheet",
            f"{book}, sheet 'Extra figures', cell B3: has a sheet 'Extra figures' added to it, "
            "which holds '42' in cell B3; perflib reads figures only from the sheet 'Figures'"):
        assert words in text, words
    assert text.count("cell G2 ") == 1  # the formula's cell is named once, not again as blank
    assert text.splitlines()[0] == "8 problems in the data:"  # N1's header is the eighth


def test_a_return_used_to_its_last_cell_is_refused_at_once(data, book):
    import time

    fill(book)
    put(book, "XFD1048576", 1)
    start = time.perf_counter()
    with pytest.raises(DataError) as err:
        import_returns([book], data)
    assert time.perf_counter() - start < 30  # it walked 17 billion cells before
    assert str(err.value).splitlines()[1] == (
        f"  - {book}, sheet 'Figures', cell XFD1048576: its sheet 'Figures' is used as far as "
        "cell XFD1048576, far beyond the 13 columns and 16 rows a return holds. Fix: delete "
        "every row below row 16 and every column right of column M of sheet 'Figures' (select "
        "them, then Delete), save, and import again; or fill in a fresh return")


def test_an_encrypted_workbook_is_named_as_such(data):
    from tests.test_build import run_cli

    book = FIXTURES / "encrypted-return.xlsx"  # a fictional workbook, password 'fictional'
    res = run_cli("import", str(book), root=data.parent)
    assert res.returncode == 2
    assert (f"{book}: is protected with a password (encrypted), so perflib cannot read it. Fix: "
            "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt "
            "with Password, then clear the password and press OK), save it and import it again"
            ) in res.stderr


def test_figures_far_from_their_last_are_warned_of_and_taken(data, book, capsys):
    fill(book, digital_inclusion_people={"value": 94},  # 9,387 in 2020/21: a hundredfold fall
         foi_on_time={"value": 0.9, "numerator": None, "denominator": None},  # 90.8 last
         complaints_s1_on_time={"value": 15, "numerator": None, "denominator": None})  # 88.9
    shown = import_returns([book], data, apply=True)
    assert ("4 figures far from their last (a warning, not an error: check each; it may be "
            "right):") in shown
    for line in (
            "  foi_on_time 2021/22: 0.9% for 2021/22 looks like a fraction: the 2020/21 figure "
            "was 90.8% (a percentage is written as 90.8, not 0.908) [cfe_2021-22.xlsx, G2]",
            "  complaints_s1_on_time 2021/22: 15.0% for 2021/22 is 5.9 times lower than 88.9% "
            "for 2020/21 [cfe_2021-22.xlsx, G5]",
            "  digital_inclusion_people 2021/22: 94 for 2021/22 is 100 times lower than 9,387 "
            "for 2020/21 [cfe_2021-22.xlsx, G12]",
            "  museum_visits 2021/22: 60,000 for 2021/22 is 17 times higher than 3,484 for "
            "2020/21 [cfe_2021-22.xlsx, G15]"):
        assert line in shown.splitlines(), line
    assert "Wrote " in shown  # a warning: the figures are taken
    assert "2021/22,digital_inclusion_people,2021/22,94,,,actual,,\n" in \
        (data / "cfe/observations.csv").read_text()
    from perflib.cli import main

    capsys.readouterr()
    assert main(["check"]) == 0  # perflib check says so too, of a draft year's figures
    err = capsys.readouterr().err.splitlines()
    assert (f"  - warning: {data / 'cfe/observations.csv'}: digital_inclusion_people: 94 for "
            "2021/22 is 100 times lower than 9,387 for 2020/21. Fix: check the figure; if it is "
            "right, nothing needs doing (this is a warning, not an error)") in err
    at = err.index("cfe 2021/22 (draft): 4 figures far from their last, a warning each")
    assert all("for 2021/22" in line for line in err[at + 1:at + 5]), err
