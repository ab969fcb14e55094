"""One plugin door: an output format from another package, added with no change to perflib.

The package is made here, in a scratch folder: one module (its ``FORMAT`` and ``make``) and a
dist-info whose entry_points.txt declares what README says a format's package declares. It is
put on the path (importlib.metadata reads a dist-info there as it reads an installed package's),
so the project's venv is left as it was. The fast tests read the registry, nbconvert and the
index in this process; the end-to-end test builds a fictional portfolio with ``perflib build`` and
exports its notebook with ``jupyter nbconvert``, both in processes of their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from perflib import exporters
from perflib import formats as registry
from perflib.errors import PluginError
from perflib.formats import Format, builtin, formats, made_alongside
from perflib.present.blocks import Cover, Heading, Paragraph, Table
from perflib.present.display import Blocks

MODULE = "perflib_plaintext"
#: the format's module, as its package would ship it
SOURCE = '''
"""Reports as plain text (a fictional council's format, for perflib's tests)."""

from perflib.formats import Format, Rendered
from perflib.present.blocks import outline

FORMAT = Format("txt", ".txt", "Plain text", "text/plain", "blocks", "perflib_plaintext:make")


def make(rendered: Rendered) -> bytes:
    """The report's title, then its outline: headings, sentences, tables and charts in words."""
    return f"{rendered.title}\\n\\n{outline(rendered.blocks)}\\n".encode("utf-8")
'''
#: what its package declares (pyproject.toml's [project.entry-points] as installed)
ENTRY_POINTS = """
[perflib.formats]
txt = perflib_plaintext:FORMAT

[nbconvert.exporters]
Committee_report_Plain_text = perflib.exporters:Committee_report_Plain_text
"""
EXPORTER = "Committee_report_Plain_text"


def package(site: Path, source: str = SOURCE, entry_points: str = ENTRY_POINTS,
            name: str = "perflib-plaintext") -> Path:
    """A package in ``site`` as pip would leave it: its module and its dist-info."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{MODULE}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points), encoding="utf-8")
    return site


def on_path(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``site`` importable and its metadata read; the registry read again, and again after."""
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, MODULE, raising=False)
    monkeypatch.setattr(registry, "_FORMATS", None)
    monkeypatch.setattr(exporters, "_MADE", dict(exporters._MADE))


@pytest.fixture
def plaintext(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = package(tmp_path / "site")
    on_path(site, monkeypatch)
    return site


def test_a_format_from_another_package_joins_the_registry_after_perflibs_own(plaintext):
    assert list(formats()) == ["html", "pdf", "docx", "md", "txt"]
    txt = formats()["txt"]
    assert (txt.extension, txt.label, txt.exporter) == (".txt", "Plain text", EXPORTER)
    assert [f.name for f in made_alongside()] == ["docx", "md", "txt"]


def test_nbconvert_offers_it_and_makes_it_from_a_report_notebook(plaintext):
    from nbconvert.exporters import get_export_names, get_exporter

    assert EXPORTER in get_export_names()  # what JupyterLab's export menu lists
    cls = get_exporter(EXPORTER)
    assert cls is exporters.exporter("txt") and cls.export_from_notebook == \
        "Committee report (Plain text)"
    shown = Blocks([Cover("Fictional District Council", "Parks (fictional)", "Annual Report",
                          [("Date", "1 May 2022")]),
                    Heading("Visits", 3), Paragraph("Visits rose by 12%."),
                    Table("Visits by year", ["Year", "Visits"], [["2021/22", "1,200"]])])
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('year = "2021/22"', metadata={"tags": ["parameters"]},
                                  execution_count=1),
        nbformat.v4.new_code_cell("import perflib", execution_count=2, outputs=[
            nbformat.v4.new_output("display_data", shown._repr_mimebundle_())])])
    out, resources = cls().from_notebook_node(nb)
    assert resources["output_extension"] == ".txt"
    assert out.decode("utf-8") == (
        "Parks (fictional) Annual Report\n\nParks (fictional) Annual Report\n  Visits\n"
        "  Visits rose by 12%.\n  [table] Visits by year (1 rows)\n")


def test_the_index_links_it_in_registry_order(plaintext, tmp_path):
    from perflib.run.frontpage import write_index

    folder = tmp_path / "reports" / "pf" / "2021-22"
    folder.mkdir(parents=True)
    for ext in (".html", ".pdf", ".txt"):
        (folder / f"annual_report{ext}").write_text("x", encoding="utf-8")
    (folder / "build-log.json").write_text(json.dumps({
        "portfolio": "pf", "year": "2021/22", "notebooks": {"annual_report": {
            "title": "Pf Annual Report", "files": ["annual_report.html", "annual_report.pdf",
                                                   "annual_report.txt"]}}}), encoding="utf-8")
    html = write_index(tmp_path / "reports").read_text(encoding="utf-8")
    assert '<a href="pf/2021-22/annual_report.txt">Plain text<span class="vh"> of Pf Annual ' \
           'Report</span></a> (1 KB)' in html
    assert html.index("annual_report.pdf") < html.index("annual_report.txt")


def test_installing_a_format_rebuilds_every_report_in_it(tmp_path, monkeypatch):
    from perflib.run.logs import code_hash

    before = code_hash()
    on_path(package(tmp_path / "site"), monkeypatch)
    assert code_hash() != before  # the build logs' inputs change: every report is stale


FIX = (". Fix: its entry point must name a perflib.formats.Format('txt', ...) of an extension "
       "and label of its own, made from 'blocks' or 'page'")
BROKEN = {
    "extension": (SOURCE.replace('".txt", "Plain text"', '".pdf", "Plain text"'),
                  f"has the extension '.pdf', as the format 'pdf' has{FIX}"),
    "label": (SOURCE.replace('"Plain text"', '"Word"'),
              "has the exporter name 'Committee_report_Word' (from its label), as the format "
              f"'docx' has{FIX}"),
    "browser": (SOURCE.replace('"blocks", "perflib_plaintext:make"',
                               '"browser", "perflib_plaintext:make"'),
                "is made from 'browser', where a format from another package is made from "
                f"'blocks' or 'page'{FIX}"),
    "name": (SOURCE.replace('Format("txt"', 'Format("text"'), f"names a Format called 'text'{FIX}"),
    "type": (SOURCE.replace("FORMAT = Format(", "FORMAT = max("),  # the largest of its strings
             f"names a str, not a perflib.formats.Format{FIX}"),
    "import": (SOURCE.replace("from perflib.formats import", "from perflib.no_such import"),
               "cannot be loaded: ModuleNotFoundError: No module named 'perflib.no_such'. Fix: "
               "reinstall that package, or uninstall it"),
}


@pytest.mark.parametrize("source,problem", BROKEN.values(), ids=BROKEN)
def test_a_format_that_cannot_be_built_is_refused_naming_its_package_and_the_fix(
        tmp_path, monkeypatch, source, problem):
    on_path(package(tmp_path / "site", source), monkeypatch)
    with pytest.raises(PluginError) as err:
        formats()
    assert str(err.value) == ("package 'perflib-plaintext' (entry point perflib.formats: txt = "
                              f"perflib_plaintext:FORMAT) {problem}")
    assert err.value.exit_code == 2


def test_perflibs_own_exporters_stand_beside_a_broken_format(tmp_path, monkeypatch):
    """JupyterLab's export menu lists perflib's formats whatever another package's does."""
    from nbconvert.exporters import get_export_names

    on_path(package(tmp_path / "site", SOURCE.replace(".txt", ".pdf")), monkeypatch)
    names = get_export_names()
    assert EXPORTER not in names  # nbconvert skips the exporter of a format that cannot load
    assert {f.exporter for f in builtin.ALL} <= set(names)


def test_a_second_package_may_not_take_a_name_already_taken(tmp_path, monkeypatch):
    on_path(package(tmp_path / "site"), monkeypatch)
    package(tmp_path / "other", entry_points="[perflib.formats]\ntxt = other:FORMAT\n",
            name="other-text")
    monkeypatch.syspath_prepend(str(tmp_path / "other"))
    with pytest.raises(PluginError, match=r"package '(other-text|perflib-plaintext)' .* and "
                       r"package '(other-text|perflib-plaintext)' .* both register a format "
                       r"named 'txt'. Fix: uninstall one, or rename its format"):
        formats()


def test_a_format_may_not_replace_perflibs_own(tmp_path, monkeypatch):
    on_path(package(tmp_path / "site", entry_points="[perflib.formats]\npdf = perflib_plaintext:FORMAT\n"),
            monkeypatch)
    with pytest.raises(PluginError, match=r"^package 'perflib-plaintext' \(entry point "
                       r"perflib.formats: pdf = perflib_plaintext:FORMAT\) registers a format "
                       r"named 'pdf', which is perflib's own. Fix: give that format another name$"):
        formats()


def test_formats_are_perflibs_own_where_no_package_metadata_is_installed(monkeypatch):
    """A bare checkout (perflib on the path, not installed) still has its four formats."""
    monkeypatch.setattr(registry, "entry_points", lambda group: [])
    monkeypatch.setattr(registry, "_FORMATS", None)
    assert [(f.name, f.exporter) for f in formats().values()] == [
        ("html", "Committee_report_HTML"), ("pdf", "Committee_report_PDF"),
        ("docx", "Committee_report_Word"), ("md", "Committee_report_Markdown")]
    assert all(isinstance(f, Format) for f in formats().values())


# --- end to end: perflib build and jupyter nbconvert, each in a process of its own ------------

@pytest.mark.e2e
def test_perflib_builds_indexes_and_nbconvert_exports_a_format_from_another_package(
        tmp_path, monkeypatch):
    from tests.conftest import scratch_project
    from tests.test_portfolios import FIXTURES

    root = scratch_project(tmp_path / "project", monkeypatch, {"parks": FIXTURES / "parks"},
                           seed=False)
    site = package(tmp_path / "site")
    env = {**os.environ, "PERFLIB_ROOT": str(root),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    res = subprocess.run([sys.executable, "-m", "perflib.cli", "build", "--portfolio", "parks"],
                         capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    out = root / "reports" / "parks" / "2021-22"
    title = "Parks and Leisure (fictional) Portfolio Performance and Resources Annual Report 2021/22"
    text = (out / "annual_report.txt").read_text(encoding="utf-8")
    assert text.startswith(f"{title}\n\n{title}\nParks and Leisure (fictional) portfolio overview\n")
    assert "\n  Priority 1: Parks people use\n" in text
    assert "\n  [table] PL1.1: Visits to parks (fictional) (1 rows)\n" in text
    log = json.loads((out / "build-log.json").read_text(encoding="utf-8"))
    assert "annual_report.txt" in log["notebooks"]["annual_report"]["files"]
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="parks/2021-22/annual_report.txt">Plain text<span class="vh"> of {title}' \
           '</span></a>' in index
    # jupyter nbconvert --to the format's exporter: the same text from the built notebook
    res = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", EXPORTER,
                          str(out / "annual_report.ipynb"), "--output-dir", str(tmp_path / "nb")],
                         capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "nb" / "annual_report.txt").read_text(encoding="utf-8") == text
