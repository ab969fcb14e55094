"""The output-format registry: every format has its entry points, its exporter, its maker.

Parametrised over the registry (perflib.formats.formats()), so a new format that forgets an entry
point, its maker or its place in a build fails here by name. A format from another package:
test_format_plugin.py.
"""

from __future__ import annotations

import tomllib
from importlib import import_module
from importlib.metadata import entry_points

import pytest
from nbconvert.exporters import get_exporter

from perflib import config, exporters
from perflib.formats import BUILTIN, GROUP, Rendered, formats, made_alongside
from perflib.present import blocks as b

FORMAT_NAMES = list(formats())


def declared(group: str) -> dict[str, str]:
    py = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())
    return py["project"]["entry-points"][group]


def test_pyproject_registers_perflibs_formats_as_any_package_would_and_in_step_with_builtin():
    assert declared(GROUP) == BUILTIN
    assert list(BUILTIN) == ["html", "pdf", "docx", "md"]  # the index's order


def test_pyproject_registers_one_exporter_per_format_made_by_perflib_exporters():
    assert declared("nbconvert.exporters") == {
        f.exporter: f"perflib.exporters:{f.exporter}" for f in formats().values()}


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_each_format_has_an_nbconvert_exporter_that_makes_it(name):
    fmt = formats()[name]
    exporter = exporters.exporter(name)
    assert getattr(exporters, fmt.exporter) is exporter
    assert exporter().file_extension == fmt.extension
    assert getattr(exporter, "perflib_format", fmt) is fmt
    assert exporter.export_from_notebook == fmt.menu_label
    assert get_exporter(fmt.exporter) is exporter


def test_the_installed_entry_points_are_pyprojects():
    """An editable install made before a change to pyproject.toml lacks it until `make venv`."""
    installed = {ep.name: ep.value for ep in entry_points(group=GROUP)}
    assert installed == declared(GROUP), "reinstall perflib: make venv"


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_each_maker_is_there(name):
    fmt = formats()[name]
    if fmt.made_from == "html":
        return
    module, _, function = fmt.maker.partition(":")
    assert callable(getattr(import_module(module), function))
    assert fmt.extension.startswith(".") and fmt.label and "/" in fmt.mimetype


def test_the_page_is_the_html_format():
    page = Rendered("<html><body><h1>Título</h1></body></html>", [], "T", "A")
    assert formats()["html"].make(page) == page.html.encode("utf-8")


def test_formats_made_beside_the_page_are_neither_the_page_nor_printed():
    assert [f.name for f in made_alongside()] == ["docx", "md"]


def test_the_exporters_names_are_jupyterlabs_labels():
    assert [f.exporter for f in formats().values()] == [
        "Committee_report_HTML", "Committee_report_PDF", "Committee_report_Word",
        "Committee_report_Markdown"]
    assert exporters.ReportHTMLExporter.export_from_notebook == "Committee report (HTML)"


# --- one fragment per block type, in Markdown (the HTML and Word fragments: test_blocks.py) ----

MD = [
    (b.Heading("Priority 1: Better access", 3), "### Priority 1: Better access"),
    (b.Paragraph(b.spans("Rated ", b.badge("Green"), ".")), "Rated ✔ Green."),
    (b.Note(b.spans(b.strong("Rating overridden:"), " see reason")),
     "**Rating overridden:** see reason"),
    (b.Markdown("Text with **bold**\n"), "Text with **bold**"),
    (b.Definitions([("Date", "7 June 2021")]), "- **Date:** 7 June 2021"),
    (b.Table("FOI on time", ["PI code", "2020/21 actual"], [["CFE1.3", "82.9% (734 of 885)"]],
             numeric=(1,)),
     "**FOI on time**\n\n| PI code | 2020/21 actual |\n| --- | ---: |\n| CFE1.3 | 82.9% (734 of 885) |"),
    # a headline measure's caption: its name bold, the rest plain, never bold inside bold
    (b.Table(b.spans("CFE3.3 (GMS): ", b.strong("Engagements")), ["Year"], [["2020/21"]]),
     "CFE3.3 (GMS): **Engagements**\n\n| Year |\n| --- |\n| 2020/21 |"),
    (b.Group([b.Heading("A", 4), b.Paragraph("x | y")]), "#### A\n\nx \\| y"),
    (b.Section("spc", "3. Charts", [b.Paragraph("None yet.")]), "## 3. Charts\n\nNone yet."),
    (b.Figure("Visits", "Bars of visits per year.", b"\x89PNG", ""),
     "*Chart: Visits.* Bars of visits per year."),
    (b.Figure("", "", b"\x89PNG", ""), "*Chart.* Description missing"),
    (b.Code("visits.head()", "python"), "```python\nvisits.head()\n```"),
    (b.Code("a ``` fence\n<b>"), "````text\na ``` fence\n<b>\n````"),
    (b.Table("Visits (fictional)", ["Year", "Visits"], [["2021/22", "1200"]], row_header=False,
             numeric=(1,), cls="frame"),
     "**Visits (fictional)**\n\n| Year | Visits |\n| --- | ---: |\n| 2021/22 | 1200 |"),
]


@pytest.mark.parametrize("block,markdown", MD, ids=[f"{type(x).__name__}-{i}"
                                                    for i, (x, _) in enumerate(MD)])
def test_markdown_fragment_per_block_type(block, markdown):
    from perflib.formats.markdown import block as render

    assert render(block) == markdown


def test_markdown_gives_a_chart_as_its_alt_text_and_its_figures():
    from perflib.formats.markdown import block as render

    fig = b.Figure("Visits by year", "Bar chart: visits fell from 200 to 50.", b"\x89PNG", "",
                   b.Table("The figures plotted above", ["Year", "Visits"], [["2020/21", "50"]]))
    assert render(fig) == ("*Chart: Visits by year.* Bar chart: visits fell from 200 to 50.\n\n"
                           "**The figures plotted above**\n\n| Year | Visits |\n| --- | --- |\n"
                           "| 2020/21 | 50 |")


# --- what data/ and a notebook's cells write never becomes markup in the Markdown ------------

HOSTILE = [
    (b.Paragraph("A <script>alert('x')</script> measure"),
     "A &lt;script&gt;alert('x')&lt;/script&gt; measure"),
    (b.Paragraph('<img src=x onerror="alert(1)">'), '&lt;img src=x onerror="alert(1)"&gt;'),
    (b.Paragraph("[click](javascript:alert(1))"), "\\[click\\](javascript:alert(1))"),
    (b.Paragraph("- not a list"), "\\- not a list"),
    (b.Heading("# x <b>", 3), "### # x &lt;b&gt;"),
    (b.Table("T", ["A|B"], [["<i>x</i>"]]), "**T**\n\n| A\\|B |\n| --- |\n| &lt;i&gt;x&lt;/i&gt; |"),
    (b.Markdown("Fine <script>alert(1)</script><img src=x onerror=alert(1)> and "
                "<a href=\"javascript:alert(1)\">a link</a>, [up](../../../../etc/passwd), "
                "[mail](mailto:team@example.org)."),
     "Fine and a link, up, [mail](<mailto:team@example.org>)."),
    (b.Markdown("**Bold**, *em*, `code`\n\n- one\n- two\n\n> quoted\n\n#### Sub"),
     "**Bold**, *em*, `code`\n\n- one\n- two\n\n> quoted\n\n#### Sub"),
]


@pytest.mark.parametrize("block,markdown", HOSTILE, ids=[f"hostile-{i}" for i in range(len(HOSTILE))])
def test_markdown_escapes_text_and_sanitises_markdown_as_the_page_does(block, markdown):
    from perflib.formats.markdown import block as render

    assert render(block) == markdown
