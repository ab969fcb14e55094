"""JupyterLab as an analyst meets it: the README's steps, in a real JupyterLab in a real Chromium.

The fast tests check what JupyterLab is given (styles scoped to the report's outputs, what an
interactive run says it would publish); the end-to-end test starts ``jupyter lab`` on a scratch
copy of the project, opens the annual report, runs it, compares its look with the exported HTML in
the light and dark themes, walks every menu path the README names, exports through the menu, and
checks that a bad year gives one line in the notebook and a readable page from the export; and
an analyst's note and chart, typed into the complaints notebook, run and exported from the menu,
are in its PDF (the chart a tagged Figure with its alt text) and its Word file (a described
picture).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request

import nbformat
import pytest
import tinycss2

from perflib import config
from perflib.exporters import ReportHTMLExporter
from perflib.formats import formats
from perflib.present import html
from perflib.present.blocks import Paragraph, badge, spans
from perflib.present.display import Blocks, Published
from tests.conftest import copy_seed

#: The docs' JupyterLab how-to, whose steps this test follows (README links to it)
README = config.PROJECT_ROOT / "docs" / "how-to" / "jupyterlab.md"


def jupyterlab_section() -> str:
    return README.read_text(encoding="utf-8")


def menu_paths() -> list[list[str]]:
    """Every menu path the README's JupyterLab steps name, as **Menu > Item > Item**."""
    return [[part.strip() for part in m.split(">")]
            for m in re.findall(r"\*\*([^*\n]+?>[^*\n]+?)\*\*", jupyterlab_section())]


def export_labels() -> list[str]:
    """The export menu's entries, as the README lists them under the export step."""
    section = jupyterlab_section()
    tail = section[section.index("**File > Save and Export Notebook As**"):]
    return re.findall(r"^\s+- \*\*([^*]+)\*\*", tail.split("\n\n")[0], re.M)


def exporter_names() -> list[str]:
    py = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(py["project"]["entry-points"]["nbconvert.exporters"])


# --- fast: what JupyterLab is given -----------------------------------------------------------

def test_readme_names_the_exporters_as_jupyterlab_labels_them_and_nbconvert_takes_them():
    """JupyterLab 4 labels an exporter by its name, first letter upper-cased; jupyter_server
    routes only word characters; the README's labels and --to names are those names."""
    names = exporter_names()
    assert sorted(export_labels()) == sorted(n[0].upper() + n[1:] for n in names)
    assert all(re.fullmatch(r"\w+", n) for n in names)
    text = README.read_text(encoding="utf-8")
    assert set(re.findall(r"--to (\S+)", text)) <= set(names)
    listed = re.findall(r"--to (\w+) notebooks/\w+\.ipynb` \(or ((?:`\w+`(?:, )?)+)\)", text)
    assert len(listed) == 1
    assert sorted([listed[0][0], *re.findall(r"`(\w+)`", listed[0][1])]) == sorted(names)


def css_selectors(css: str) -> list[str]:
    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        assert rule.type == "qualified-rule", f"an at-rule reaches the whole page: {rule}"
        out.extend(s.strip() for s in tinycss2.serialize(rule.prelude).split(","))
    return out


def test_every_style_a_notebook_output_carries_is_scoped_to_the_report():
    """The styles reach JupyterLab's page from inside each output: none may restyle JupyterLab."""
    selectors = css_selectors(html.NOTEBOOK_CSS)
    # both sheets read: the report's own rules and JupyterLab's taken back (row hover)
    assert {".perflib .cover", ".perflib caption", ".perflib .badge", ".perflib .rag-red",
            ".perflib .draft-banner", ".perflib figcaption", ".perflib tbody tr:hover"} <= set(
        selectors)
    outside = [s for s in selectors
               if not re.match(r"\.perflib(?![\w-])", s) and s != "body.perflib-report"]
    assert outside == []
    out = Blocks([Paragraph(spans("Status ", badge("Green")))])._repr_mimebundle_()["text/html"]
    assert out.startswith('<style class="perflib-style">') and html.NOTEBOOK_CSS in out
    assert out.endswith('<div class="perflib"><p>Status <span class="badge rag-green">'
                        '<span aria-hidden="true">✔</span> Green</span></p></div>')


def test_the_exported_page_carries_the_styles_once_and_not_in_each_output():
    outputs = [nbformat.v4.new_output("display_data", Blocks([Paragraph(text)])._repr_mimebundle_())
               for text in ("First", "Second")]
    outputs.append(nbformat.v4.new_output("display_data", {  # made before outputs were wrapped
        "text/html": "<p>Third</p>", **{k: v for k, v in Blocks([Paragraph("Third")])
                                        ._repr_mimebundle_().items() if k != "text/html"}}))
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('year = "2020/21"', metadata={"tags": ["parameters"]},
                                  execution_count=1),
        nbformat.v4.new_code_cell("import perflib", execution_count=2, outputs=outputs)])
    page, _ = ReportHTMLExporter().from_notebook_node(nb)
    assert 'class="perflib-style"' not in page
    assert page.count(html.REPORT_CSS) == 1
    # every output's blocks, in order, in the page's one report wrapper (report.css's scope)
    assert '<main id="content"><div class="perflib"><p>First</p><p>Second</p><p>Third</p></div>' \
           '</main>' in page


def test_an_interactive_run_says_what_a_build_would_publish():
    import pandas as pd

    shown = Published({"measures.csv": pd.DataFrame({"a": range(15)})})._repr_mimebundle_()
    assert shown["text/plain"] == ("perflib build would publish measures.csv beside the report: "
                                   "15 rows\n(running the notebook publishes nothing)")


# --- end to end: JupyterLab in Chromium --------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """``jupyter lab`` serving a scratch copy of the project, with its own config and runtime."""
    root = tmp_path_factory.mktemp("project")
    copy_seed(root / "data")
    shutil.copytree(config.NOTEBOOKS_DIR, root / "notebooks")
    home = tmp_path_factory.mktemp("jupyter")
    env = {**os.environ, "PERFLIB_ROOT": str(root)}
    env.pop("PERFLIB_DEBUG", None)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                 "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
        env[name] = str(home / name.lower())
    port, token = free_port(), "perflib-test"
    log = open(home / "server.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert server.poll() is None, (home / "server.log").read_text()
                time.sleep(0.1)
        yield base, token, root
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        log.close()


#: What the test compares between JupyterLab and the exported page, element by element.
LOOKS = ("color", "background-color", "text-align", "font-weight", "font-size", "border-top",
         "font-family")
ELEMENTS = {  # what to compare: one of each kind the report prints
    "badge": ".badge.rag-green",
    "trend": "[class*=trend-]",
    "row header": "table.measure-table tbody th",
    "cell": "table.measure-table tbody td",
    "column header": "table.measure-table thead th",
    "caption": "table.measure-table caption",
    "section heading": "section h2",
    "paragraph": "section p",
    "cover title": ".cover h1",
}
JS_LOOK = """([scope, selectors, props]) => Object.fromEntries(Object.entries(selectors).map(
  ([name, sel]) => { const el = document.querySelector(scope + ' ' + sel);
    if (!el) return [name, null]; const cs = getComputedStyle(el);
    return [name, Object.fromEntries(props.map(p => [p, cs.getPropertyValue(p)]))]; }))"""


def look(page, scope: str) -> dict:
    return page.evaluate(JS_LOOK, [scope, ELEMENTS, list(LOOKS)])


def idle(page) -> None:
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)


#: The code cells' prompts, as JupyterLab shows them ("[3]:", "[*]:", "[ ]:").
PROMPTS = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent.trim())"""

#: Run All has finished when the prompts have changed since it was chosen (each run numbers its
#: cells afresh), no cell waits ("[*]") and the last ran, or a cell failed and says why in words.
RAN_ALL = """(before) => { const prompts = (""" + PROMPTS + """)();
  const failed = [...document.querySelectorAll("[data-mime-type='application/vnd.jupyter.stderr']")]
    .some(e => e.textContent.trim() !== '');
  return prompts.length > 0 && JSON.stringify(prompts) !== JSON.stringify(before)
    && !prompts.includes('[*]:') && (/^\\[\\d+\\]:$/.test(prompts.at(-1)) || failed); }"""


def run_all(page) -> None:
    """Run > Run All Cells, as the README says, and wait until every cell has run or one failed."""
    before = page.evaluate(PROMPTS)
    choose(page, ["Run", "Run All Cells"])
    page.wait_for_function(RAN_ALL, arg=before, timeout=60_000)


def menu_item(page, name: str):
    """The entry labelled ``name`` in the innermost open menu."""
    return page.locator(".lm-Menu:visible .lm-Menu-itemLabel").filter(
        has_text=re.compile(f"^{re.escape(name)}$")).last


def open_menu(page, path: list[str]):
    """Open each menu of ``path`` but the last item, and wait for that item; return it."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(path[0])}$")).click()
    for name in path[1:-1]:
        menu_item(page, name).hover()
    item = menu_item(page, path[-1])
    item.wait_for(timeout=10_000)
    return item


def choose(page, path: list[str]) -> None:
    open_menu(page, path).click()


def exported(context, page, path: list[str], seconds: float = 60):
    """Choose an export entry: its download, or the error page its new tab shows.

    JupyterLab opens the export in a new tab; Chromium reports a download from it on the opener.
    """
    downloads: list = []
    tabs: list = []

    def on_download(download) -> None:
        downloads.append(download)

    def on_tab(tab) -> None:
        tabs.append(tab)

    page.on("download", on_download)
    context.on("page", on_tab)
    try:
        choose(page, path)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            page.wait_for_timeout(200)
            if downloads:
                return downloads[0], None
            for tab in tabs:
                if not tab.is_closed() and "/nbconvert/" in tab.url and tab.locator("pre").count():
                    return None, tab
        raise AssertionError(f"nothing came of {' > '.join(path)} in {seconds} s")
    finally:
        page.remove_listener("download", on_download)
        context.remove_listener("page", on_tab)


def set_year(page, year: str) -> None:
    editor = page.locator(".jp-CodeCell .cm-content").first
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(f'portfolio: str = "cfe"\nyear: str = "{year}"\ndata_dir: str = ""')
    page.keyboard.press("Escape")


@pytest.mark.e2e
def test_jupyterlab_as_the_readme_says(lab, tmp_path):
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from perflib.formats.pdf import ARGS, find_chromium

    base, token, root = lab
    paths = menu_paths()
    labels = export_labels()
    assert ["Run", "Run All Cells"] in paths
    assert len(labels) == len(formats())  # one entry per output format (perflib.formats)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                      accept_downloads=True)
        page = context.new_page()
        # Step 1: the notebook opens and its kernel starts by itself
        page.goto(f"{base}/lab/tree/notebooks/annual_report.ipynb?token={token}")
        idle(page)
        # Step 2: Run > Run All Cells shows the report, and what a build would publish
        run_all(page)
        outputs = page.locator(".jp-OutputArea-output")
        assert re.search(r"perflib build would publish measures\.csv beside the report: \d+ rows",
                         " ".join(outputs.all_text_contents()))  # cells off screen too
        in_lab = {"light": look(page, ".jp-OutputArea-output .perflib")}
        # Every menu path the README names is in JupyterLab's menus, with those labels
        for path in paths:
            item = open_menu(page, path)
            assert item.count() == 1, f"no {' > '.join(path)} in JupyterLab's menus"
            page.keyboard.press("Escape")
            page.keyboard.press("Escape")
        export = ["File", "Save and Export Notebook As"]
        assert export in paths
        open_menu(page, [*export, labels[0]])
        shown = page.locator(".lm-Menu:visible").last.locator(".lm-Menu-itemLabel").all_inner_texts()
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        assert shown[:len(labels)] == sorted(labels), shown  # first in the menu, as the README says
        # Step 4: export through the menu; the HTML page looks as the notebook does
        html_download, _ = exported(context, page, [*export, next(x for x in labels
                                                                  if x.endswith("HTML"))])
        assert html_download.suggested_filename == "annual_report.html"
        page_html = tmp_path / "annual_report.html"
        html_download.save_as(page_html)
        text = page_html.read_text(encoding="utf-8")
        assert "<title>Citizen Focus and Engagement Portfolio Performance and Resources Annual " \
               "Report 2020/21</title>" in text and 'class="perflib-style"' not in text
        pdf_download, _ = exported(context, page, [*export, next(x for x in labels
                                                                 if x.endswith("PDF"))])
        assert pdf_download.suggested_filename == "annual_report.pdf"
        pdf_download.save_as(tmp_path / "annual_report.pdf")
        pdf_text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "annual_report.pdf").pages)
        assert "Page 1 of" in pdf_text and "Annual Report 2020/21" in pdf_text
        # ...in the dark theme too
        choose(page, ["Settings", "Theme", "JupyterLab Dark"])
        page.locator("body[data-jp-theme-light='false']").wait_for(state="attached", timeout=30_000)
        page.wait_for_timeout(500)
        in_lab["dark"] = look(page, ".jp-OutputArea-output .perflib")
        report = context.new_page()
        report.goto(page_html.as_uri())
        on_paper = look(report, ".perflib")
        report.close()
        assert all(on_paper.values()), on_paper
        for theme, seen in in_lab.items():
            for name, styles in on_paper.items():
                assert seen[name] == styles, (theme, name, seen[name], styles)
        # Step 3: a year that is not held stops at its cell with one line
        set_year(page, "2031/32")
        run_all(page)
        error = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                             ).filter(has_text=re.compile(r"\S"))
        lines = error.first.inner_text().strip().split("\n")
        assert len(lines) == 1 and re.fullmatch(
            r"ParameterError: year 2031/32 is not held for portfolio 'cfe' \(held: [^)]+\)",
            lines[0]), lines
        # ...and its export is a page that says which cell failed and why, on the page
        nothing, tab = exported(context, page, [*export, next(x for x in labels
                                                              if x.endswith("HTML"))])
        assert nothing is None
        prompt = page.locator(".jp-CodeCell", has=error.first).locator(".jp-InputPrompt")
        message = tab.locator("pre").inner_text()
        assert message.startswith(f"nbconvert failed: annual_report.ipynb was not exported: cell "
                                  f"{prompt.inner_text().rstrip(':')} shows an error.\n"
                                  "ParameterError: year 2031/32 is not held")
        assert "not been run" not in message
        assert tab.evaluate("(() => { const p = document.querySelector('pre');"
                            " return p.scrollWidth <= p.clientWidth; })()"), "a line runs off"
        browser.close()


#: What the analyst types into JupyterLab: a note, and a chart of the seed's own figures
NOTE = "## Analyst note\n\nStage 1 complaints fell as offices closed."


def type_cell_below(page, cell, kind: str, source: str):
    """Select ``cell``, insert a cell below it (B), make it ``kind`` (M or Y) and type ``source``.

    Typed key by key into JupyterLab's editor, as an analyst types; returns the new cell.
    """
    cell.locator(".jp-InputPrompt").click()  # selects the cell, in command mode
    count = page.locator(".jp-Notebook .jp-Cell").count()
    page.keyboard.press("b")
    page.wait_for_function(f"document.querySelectorAll('.jp-Notebook .jp-Cell').length > {count}")
    page.keyboard.press(kind)
    page.keyboard.press("Enter")  # edit mode
    new = page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
    new.locator(".cm-content").wait_for()
    page.keyboard.type(source)
    page.keyboard.press("Escape")
    return new


def pdf_figures(path) -> list[str]:
    """The alt text of every Figure in the PDF's structure tree (what a screen reader is given)."""
    import pikepdf

    out, seen = [], set()
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary) or (
                    node.is_indirect and node.objgen in seen):
                continue
            if node.is_indirect:
                seen.add(node.objgen)
            if node.get("/S") == "/Figure":
                out.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            stack.extend(reversed(list(kids)) if isinstance(kids, pikepdf.Array) else [kids])
    return out


@pytest.mark.e2e
def test_an_analysts_note_and_chart_typed_in_jupyterlab_reach_the_pdf_and_word(lab, tmp_path):
    """The notebook is the report: cells typed in JupyterLab, run, then exported from its menu."""
    import pikepdf
    from docx import Document
    from playwright.sync_api import sync_playwright

    from perflib.formats.pdf import ARGS, find_chromium
    from tests.test_analyst_cells import CHART, DESCRIBED, DOCPR, pdf_text, word_text

    base, token, root = lab
    labels = export_labels()
    export = ["File", "Save and Export Notebook As"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                      accept_downloads=True)
        page = context.new_page()
        # a workspace of its own: only this notebook open
        page.goto(f"{base}/lab/workspaces/analyst/tree/notebooks/complaints.ipynb?token={token}")
        idle(page)
        summary = page.locator(".jp-Notebook .jp-CodeCell", has_text="complaints.summary(d)")
        note = type_cell_below(page, summary, "m", NOTE)
        type_cell_below(page, note, "y", CHART)
        run_all(page)
        chart = page.locator(".jp-Notebook .jp-CodeCell", has_text="#| fig-alt:")
        assert chart.locator(".jp-OutputArea-output img").count() == 1  # a fresh ipykernel's figure
        assert "Stage 1 complaints fell as offices closed." in page.locator(
            ".jp-MarkdownCell .jp-RenderedMarkdown").all_inner_texts()[-1]
        got = {}
        for label, ext in (("PDF", ".pdf"), ("Word", ".docx")):
            download, error = exported(context, page, [*export, next(
                x for x in labels if x.endswith(label))], seconds=120)
            assert download is not None, error and error.locator("pre").inner_text()
            assert download.suggested_filename == f"complaints{ext}"
            got[ext] = tmp_path / f"complaints{ext}"
            download.save_as(got[ext])
        browser.close()
    # the notebook was saved as typed, before it was exported
    saved = [c.source for c in nbformat.read(root / "notebooks/complaints.ipynb", 4).cells]
    at = next(i for i, source in enumerate(saved) if source == "complaints.summary(d)")
    assert saved[at + 1:at + 3] == [NOTE, CHART]
    # the PDF: the note's words, and the chart as a tagged Figure with its alt text
    assert "Analyst note Stage 1 complaints fell as offices closed." in pdf_text(got[".pdf"])
    assert pdf_figures(got[".pdf"])[0] == DESCRIBED  # the report's first chart is the analyst's
    with pikepdf.open(got[".pdf"]) as pdf, pdf.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"  # every chart described: it claims PDF/UA-1
    # the Word file: the note's words, and the picture with its alt text (docPr descr)
    assert "Analyst note Stage 1 complaints fell as offices closed." in word_text(got[".docx"])
    pictures = [d.get("descr") for d in Document(str(got[".docx"])).element.body.iter(DOCPR)]
    assert pictures[0] == DESCRIBED


@pytest.mark.e2e
def test_the_readmes_make_lab_starts_jupyterlab_as_root_or_not(tmp_path):
    """JupyterLab refuses root without --allow-root; ``make lab`` adds it then, and only then."""
    readme = jupyterlab_section()
    assert "1. **Open.** `make lab` opens JupyterLab" in readme
    port, token = free_port(), "perflib-make-lab"
    env = {**os.environ, "BROWSER": "true"}  # nothing to open here
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                 "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
        env[name] = str(tmp_path / name.lower())
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "lab",
             f"LAB_ARGS=--no-browser --ip=127.0.0.1 --port={port} "
             f"--IdentityProvider.token={token}"],
            cwd=config.PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}",
                                           timeout=2)
                    break
                except OSError:
                    assert make.poll() is None, log.read_text()
                    time.sleep(0.1)
            else:
                raise AssertionError(log.read_text())
        finally:
            os.killpg(make.pid, 15)  # make, the shell and JupyterLab: this test's own group
            make.wait(timeout=30)
    if os.geteuid() == 0:  # and without it, as the README's plain command warns
        res = subprocess.run([sys.executable, "-m", "jupyter", "lab", "--no-browser",
                              f"--port={free_port()}"], env=env, capture_output=True, text=True,
                             timeout=120)
        assert res.returncode == 1
        assert "Running as root is not recommended. Use --allow-root to bypass." in res.stderr
