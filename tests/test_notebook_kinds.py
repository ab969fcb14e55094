"""A report kind that is a notebook alone: declared in portfolio.yaml, started by ``new-report``.

Real files in a scratch project; no notebook is run here (test_new_report.py builds one).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
import yaml

from perflib import cli, config
from perflib.data.declarations import NotebookReport
from perflib.data.portfolio import load_portfolio, read_portfolio
from perflib.errors import DataError
from perflib.reports import declared, kind_of
from perflib.reports.checks import declaration_problems, load_all, load_report
from perflib.reports.starter import starting_notebook
from perflib.run.published import checked
from tests.conftest import scratch_project

LINE = '  repairs: {notebook: notebooks/repairs.ipynb, title: "Repairs: deep dive"}\n'


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return scratch_project(tmp_path / "project", monkeypatch)


def declare(root: Path, line: str = LINE, notebook: str | None = "repairs") -> Path:
    """Add ``line`` under reports: in cfe's portfolio.yaml (its last line), and the notebook."""
    if notebook:
        nbformat.write(starting_notebook(notebook, "Repairs: deep dive", "cfe"),
                       root / "notebooks" / f"{notebook}.ipynb")
    yml = root / "data/cfe/portfolio.yaml"
    text = yml.read_text(encoding="utf-8")
    assert text.rstrip("\n").splitlines()[-1].startswith("      "), "reports: is the last key"
    yml.write_text(text + line, encoding="utf-8")
    return yml


def line_of(yml: Path, text: str) -> int:
    return next(i for i, line in enumerate(yml.read_text().splitlines(), 1) if text in line)


def problems_of(root: Path) -> list[str]:
    p, problems = read_portfolio("cfe", root / "data")
    if p is not None:
        problems += declaration_problems(p)
    return [str(q) for q in problems]


def test_a_declared_notebook_is_a_report_kind_like_the_others(root):
    declare(root)
    p = load_portfolio("cfe", root / "data")
    assert p.notebooks == {"repairs": NotebookReport("repairs", "Repairs: deep dive",
                                                     root / "notebooks/repairs.ipynb")}
    assert p.reports["repairs"] == {}  # no roles unless declared
    kinds = declared(p)
    assert [k.name for k in kinds] == ["annual", "complaints", "digital_inclusion",
                                       "museum_visits", "repairs"]
    own = kinds[-1]
    assert (own.title, own.notebook_path, own.csv) == ("Repairs: deep dive",
                                                      root / "notebooks/repairs.ipynb", "")
    assert own.notebooks(None) == [("repairs", {})]
    assert "facts.csv" in own.files and "commentary.md" in own.files  # it may read any of them
    assert declaration_problems(p) == []


def test_a_notebook_report_maps_the_roles_it_declares(root):
    declare(root, '  repairs:\n    notebook: notebooks/repairs.ipynb\n    title: "Repairs"\n'
                  '    roles: {on_time: foi_on_time, made_up: no_such_measure}\n')
    assert problems_of(root) == [
        f"{root}/data/cfe/portfolio.yaml, row {line_of(root / 'data/cfe/portfolio.yaml', 'roles: {on_time')}"
        ", column 'reports.repairs.roles.made_up': maps to 'no_such_measure', which is not a "
        "measure_id in measures.csv. Fix: give the measure_id of the measure that plays this "
        "role, as measures.csv writes it"]


@pytest.mark.parametrize(("given", "message"), [
    ("../data/cfe/repairs.ipynb", "../data/cfe/repairs.ipynb is not in the project's notebooks/ "
                                  "folder"),
    ("notebooks/../../elsewhere.ipynb", "notebooks/../../elsewhere.ipynb is not in the project's "
                                        "notebooks/ folder"),
    ("/tmp/repairs.ipynb", "/tmp/repairs.ipynb is not named from the project (it is an absolute "
                           "path)"),
    ("notebooks/repairs.py", "notebooks/repairs.py is not a notebook (a .ipynb file)"),
    ("notebooks/outside.ipynb", "notebooks/outside.ipynb is not in the project's notebooks/ "
                                "folder"),  # a link that leads out of notebooks/
])
def test_a_notebook_outside_notebooks_is_refused_naming_the_line(root, given, message):
    outside = root.parent / "outside.ipynb"
    outside.write_text("{}")
    os.symlink(outside, root / "notebooks/outside.ipynb")
    yml = declare(root, f'  repairs: {{notebook: {given}, title: "Repairs"}}\n')
    line = line_of(yml, "repairs:")
    assert problems_of(root) == [
        f"{yml}, row {line}, column 'reports.repairs.notebook': {message}. Fix: put the notebook "
        "in the project's notebooks/ folder and name it from the project, e.g. notebook: "
        "notebooks/repairs.ipynb (perflib new-report writes a starting one)"]
    with pytest.raises(DataError, match=f"portfolio.yaml, row {line}, column "
                                        "'reports.repairs.notebook'"):
        load_portfolio("cfe", root / "data")


def test_a_declared_notebook_that_is_not_there_stops_check_and_build_only(root, capsys):
    """A notebook that loads the portfolio (another report's, or one on a cluster's worker,
    which holds only the notebook it runs) need not find it: check and build refuse it."""
    yml = declare(root, '  repairs: {notebook: notebooks/missing.ipynb, title: "Repairs"}\n')
    assert problems_of(root) == []
    assert load_report("cfe", "2020/21", root / "data").portfolio.notebooks["repairs"]
    message = (f"{yml}, row {line_of(yml, 'repairs:')}, column 'reports.repairs.notebook': "
               "notebooks/missing.ipynb does not exist. Fix: put the notebook in the project's "
               "notebooks/ folder and name it from the project, e.g. notebook: "
               "notebooks/repairs.ipynb (perflib new-report writes a starting one)")
    with pytest.raises(DataError) as exc:
        load_all(root / "data", "cfe", "2020/21")
    assert [str(q) for q in exc.value.problems] == [message]
    assert cli.main(["check"]) == 2
    assert message in capsys.readouterr().err


def test_a_notebook_report_needs_a_title_and_a_name_of_its_own(root):
    yml = declare(root, "  repairs: {notebook: notebooks/repairs.ipynb}\n"
                        '  complaints_2: {notebook: notebooks/complaints.ipynb, title: "Again"}\n'
                        '  corporate: {notebook: notebooks/repairs.ipynb, title: "Ours"}\n')
    found = problems_of(root)
    assert found[0] == (f"{yml}, row {line_of(yml, '  repairs:')}, column "
                        "'reports.repairs.title': is missing. Fix: give the title its reader "
                        'sees, e.g. title: "Repairs: deep dive"')
    assert (f"{yml}, row {line_of(yml, '  corporate: {')}, column 'reports.corporate': "
            "'corporate' is a report kind perflib knows already, so its notebook cannot be "
            "another. Fix: give your notebook's report a name of its own, e.g. "
            "corporate_local") in found
    assert (f"{yml}, row {line_of(yml, 'complaints_2')}, column 'reports.complaints_2': its "
            "notebook writes complaints.html, .pdf ... as the complaints report does. Fix: give "
            "each report a notebook of its own name") in found
    assert len(found) == 3


def test_new_report_writes_a_starting_notebook_and_its_line(root, capsys):
    yml = root / "data/cfe/portfolio.yaml"
    before = yml.read_text(encoding="utf-8")
    assert cli.main(["new-report", "cfe", "repairs"]) == 0
    assert "wrote" in capsys.readouterr().out
    assert yml.read_text(encoding="utf-8") == before + LINE
    nb = nbformat.read(root / "notebooks/repairs.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    sources = [c.source for c in nb.cells]
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["markdown", "code", "code", "markdown", "code", "code", "code", "code"]
    assert nb.cells[0].metadata.tags == ["remove-cell"]
    assert sources[0].startswith("# Repairs: deep dive\n")
    assert nb.cells[1].metadata.tags == ["parameters"]
    assert sources[1].splitlines() == [
        'portfolio: str = "cfe"  # portfolio folder under data/',
        'year: str = ""  # report year, written YYYY/YY; empty: the portfolio\'s latest',
        'data_dir: str = ""  # folder holding the portfolios; empty means the project\'s data/']
    assert "report = load(portfolio, year, data_dir)\n" in sources[2]
    assert sources[2].endswith('cover(report, "repairs")')
    assert sources[3].startswith("## About this report")
    assert sources[4].startswith("#| tbl-cap: Measures by rating\n")
    assert sources[5].startswith("#| fig-alt: Bar chart of how many of the portfolio's measures ")
    assert "\n#| fig-cap: Measures by rating\n" in sources[5]
    assert sources[5].endswith("plt.show()")
    assert sources[6] == "annual.overview(report)"
    assert sources[7] == 'publish({"repairs.csv": ratings})'
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")
    report = load_report("cfe", "2020/21", config.DATA_DIR)
    assert kind_of(report, "repairs").title == "Repairs: deep dive"


def test_new_report_takes_a_title(root, capsys):
    assert cli.main(["new-report", "cfe", "fleet_costs", "--title", 'Fleet "costs" review']) == 0
    doc = yaml.safe_load((root / "data/cfe/portfolio.yaml").read_text(encoding="utf-8"))
    assert doc["reports"]["fleet_costs"] == {"notebook": "notebooks/fleet_costs.ipynb",
                                             "title": 'Fleet "costs" review'}
    assert load_portfolio("cfe", root / "data").notebooks["fleet_costs"].title == \
        'Fleet "costs" review'


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for folder in ("data", "notebooks") for p in sorted((root / folder).rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize(("args", "first", "fix"), [
    (["cfe", "annual_report"], "notebooks/annual_report.ipynb already exists, and new-report never "
                               "overwrites a notebook", "choose another name, or declare that "
                               "notebook yourself under reports:"),
    (["cfe", "complaints"], "'complaints' is a report kind perflib ships",
     "give your report a name of its own, e.g. complaints_local"),
    (["cfe", "Repairs"], "'Repairs' cannot name a report", "use lower-case letters, digits and "
                                                          "underscores"),
    (["nowhere", "repairs"], "portfolio 'nowhere' is not in", "(held: cfe)"),
])
def test_new_report_refuses_and_writes_nothing(root, capsys, args, first, fix):
    before = snapshot(root)
    assert cli.main(["new-report", *args]) == 2
    err = capsys.readouterr().err
    assert first in err and fix in err
    assert snapshot(root) == before


def test_new_report_never_declares_a_report_twice(root, capsys):
    assert cli.main(["new-report", "cfe", "repairs"]) == 0
    (root / "notebooks/repairs.ipynb").unlink()  # the line stays: the name is still taken
    before = snapshot(root)
    assert cli.main(["new-report", "cfe", "repairs"]) == 2
    yml = root / "data/cfe/portfolio.yaml"
    assert (f"perflib: {yml}, line {line_of(yml, 'repairs:')} already declares the report "
            "'repairs'; choose another name, or remove that entry first") in capsys.readouterr().err
    assert snapshot(root) == before


def test_new_report_adds_reports_to_a_portfolio_that_had_none(root, capsys):
    yml = root / "data/cfe/portfolio.yaml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text[:text.index("reports:")].replace("\n", "\r\n"), encoding="utf-8")
    assert cli.main(["new-report", "cfe", "repairs"]) == 0
    raw = yml.read_bytes()
    assert raw.endswith(b"reports:\r\n  annual: {}\r\n" + LINE.encode().replace(b"\n", b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # its line endings stay Windows'
    assert list(load_portfolio("cfe", root / "data").reports) == ["annual", "repairs"]


def test_published_csv_names_are_plain_file_names():
    assert checked({"repairs.csv": "a,b\n1,-5\n"}) == {"repairs.csv": "a,b\n1,-5\n"}
    for bad in ("../repairs.csv", "sub/repairs.csv", ".hidden.csv", "repairs.html", ""):
        with pytest.raises(ValueError, match="give it a plain file name ending .csv"):
            checked({bad: "a\n1\n"})
