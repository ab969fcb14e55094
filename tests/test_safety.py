"""Nothing from data/ can run in a reader's browser or the PDF printer; parameters are checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from perflib.errors import ParameterError
from perflib.notebook import data_path, load
from perflib.present.html import markdown

INJECTIONS = {
    "script": "<script>alert('x')</script>",
    "handler": '<img src="x" onerror="alert(\'x\')">',
    "handler on allowed tag": '<a href="https://example.org" onclick="alert(\'x\')">more</a>',
    "javascript link": "[click](javascript:alert('x'))",
    "javascript href": '<a href="javascript:alert(\'x\')">click</a>',
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "style": "<style>body{display:none}</style>",
    "svg": '<svg onload="alert(1)"><circle r="5"/></svg>',
    "data url": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "local file": "[the working file](../../../../etc/passwd)",
    "local file as html": '<a href="file:///etc/passwd">the file</a>',
}


@pytest.mark.parametrize("payload", list(INJECTIONS.values()), ids=list(INJECTIONS))
def test_markdown_is_sanitised(payload):
    html = markdown(f"Figures improved. {payload}")
    assert_inert(html)
    assert "Figures improved." in html


def assert_inert(html: str) -> None:
    """No element that runs code, no handler attribute, no script URL in a link or source."""
    import re

    lowered = html.lower()
    for bad in ("<script", "<iframe", "<style", "<svg", "<object", "<embed"):
        assert bad not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered), "event handler attribute"
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):""", lowered)
    assert "etc/passwd" not in lowered, "a link to a file on the machine"


def assert_inert_markdown(md: str) -> None:
    """No markup a website would run: no tag but a super- or subscript, no link but to the web."""
    import re

    links = re.findall(r"(?<!\\)\]\(<?([^)>]*)>?\)", md)  # an escaped \] starts no link
    assert not re.search(r"<(?!/?su[bp]>)", re.sub(r"\]\(<[^>]*>\)", "", md)), "raw HTML"
    for target in links:
        assert target.startswith(("https:", "http:", "mailto:", "#")) or re.fullmatch(
            r"(\.\./[\w-]+/)?[\w-]+\.html(#[\w-]+)?", target), target  # or a report beside it


@pytest.mark.parametrize("payload", list(INJECTIONS.values()), ids=list(INJECTIONS))
def test_markdown_output_is_inert(payload):
    from perflib.formats.markdown import block
    from perflib.present.blocks import Markdown, Paragraph

    for one in (Markdown(f"Figures improved. {payload}"), Paragraph(f"Figures improved. {payload}")):
        md = block(one)
        assert_inert_markdown(md)
        assert md.startswith("Figures improved.")


def test_safe_markdown_survives():
    html = markdown("**Bold** and [a link](https://www.stockport.gov.uk).")
    assert "<strong>Bold</strong>" in html and 'href="https://www.stockport.gov.uk"' in html


@pytest.mark.e2e
def test_injected_data_never_runs_in_the_report(project):
    from playwright.sync_api import sync_playwright

    from perflib.formats.pdf import ARGS, find_chromium
    from perflib.run.build import build

    path = project / "data/cfe/2020-21/commentary.md"
    # braces doubled: in commentary a single brace starts a placeholder
    injected = "\n\n".join(INJECTIONS.values()).replace("{", "{{").replace("}", "}}")
    path.write_text(path.read_text() + "\n" + injected + "\n")
    yml = project / "data/cfe/2020-21/report.yaml"
    yml.write_text(yml.read_text().replace(
        "summary: |\n", "summary: |\n  <script>alert('summary')</script>\n", 1))
    assert "cfe 2020/21 annual_report" in build(portfolio="cfe", year="2020/21", jobs=2).built
    out = project / "reports/cfe/2020-21"
    html = (out / "annual_report.html").read_text(encoding="utf-8")
    assert_inert(html.split("<main", 1)[1])
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto((out / "annual_report.html").as_uri(), wait_until="load")
        assert page.evaluate("document.scripts.length") == 0
        browser.close()
    assert dialogs == []
    text = " ".join(p.extract_text() for p in PdfReader(out / "annual_report.pdf").pages)
    assert "alert('summary')" not in text and "Portfolio summary" in text
    # the Markdown a website publishes, and the Word file, as inert as the page
    md = (out / "annual_report.md").read_text(encoding="utf-8")
    assert_inert_markdown(md)
    assert "the working file" in md and "etc/passwd" not in md
    from docx import Document

    doc = Document(str(out / "annual_report.docx"))
    targets = [r.target_ref for r in doc.part.rels.values() if r.is_external]
    assert targets and all(t.startswith(("https:", "http:", "mailto:")) for t in targets), targets


@pytest.mark.parametrize("year", ["2020-21", "21/22", "2020/2021", "2020/21\nimport os"])
def test_notebook_rejects_bad_year(year):
    with pytest.raises(ParameterError, match="YYYY/YY|consecutive"):
        load("cfe", year)


@pytest.mark.parametrize("portfolio", ["../cfe", "cfe/..", "CFE", "nope", "cfe; rm -rf /"])
def test_notebook_rejects_unknown_portfolio(portfolio):
    with pytest.raises(ParameterError, match="portfolio"):
        load(portfolio, "2020/21")


@pytest.mark.parametrize("where", ["/etc", "/tmp", "../.."])
def test_data_dir_must_be_inside_the_project(where):
    with pytest.raises(ParameterError, match="outside the project"):
        data_path(where)


def test_build_rejects_bad_parameters_before_running(data_copy):
    from perflib.run.build import build

    out = data_copy.parent / "reports"
    with pytest.raises(ParameterError, match="YYYY/YY"):
        build(year="2020-21", out=out)
    with pytest.raises(ParameterError, match="portfolio 'nope' is not in"):
        build(portfolio="nope", out=out)
    with pytest.raises(ParameterError, match="outside the project"):
        build(data_dir="/etc", out=out)
    assert not out.exists()


def _listening_tcp_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if Path(table).exists():
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # LISTEN
                    inodes.add(fields[9])
    return inodes


def _unix_inodes() -> set[str]:
    """Inodes of Unix domain sockets (the 7th column of /proc/net/unix)."""
    lines = Path("/proc/net/unix").read_text().splitlines()[1:]
    return {line.split()[6] for line in lines if len(line.split()) > 6}


def _socket_inodes(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(target[8:-1])
    return out


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_warm_kernels_listen_on_no_tcp_port():
    import asyncio

    from perflib.run.engine.forked import ForkedKernelManager

    async def run() -> tuple[str, set[str]]:
        km = ForkedKernelManager(kernel_name="python3")
        await km.start_kernel()
        try:
            client = km.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            pid = km.provisioner.process.pid
            mine = _socket_inodes(pid)
            listening = mine & _listening_tcp_inodes()
            unix = mine & _unix_inodes()
            client.stop_channels()
            return km.transport, listening, unix
        finally:
            await km.shutdown_kernel(now=True)

    transport, listening, unix = asyncio.run(run())
    assert transport == "ipc"
    assert listening == set()
    assert unix, "the kernel talks over Unix domain sockets"


# --- safe by construction: what perflib writes and reads --------------------------------------

#: What a spreadsheet would run, as a hostile measure name, source or commentary begins.
FORMULAS = ('=HYPERLINK("http://x","LG Inform")', "@SUM(A1)", "+1", "-cmd")


def _runs(cell: object) -> bool:
    """Whether a spreadsheet would take a cell as a formula (a negative number is a number)."""
    import re

    from perflib.data.spreadsheet import FORMULA_START

    return (isinstance(cell, str) and cell.startswith(FORMULA_START)
            and not re.fullmatch(r"-\d+(\.\d+)?", cell))


@pytest.mark.parametrize("cell,written", [
    (FORMULAS[0], "'" + FORMULAS[0]), ("@SUM(A1)", "'@SUM(A1)"), ("+1", "'+1"), ("-cmd", "'-cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-28", "-28"), ("-0.5", "-0.5"), (-28, -28),
    ("Visits", "Visits"), ("", ""), (None, None)])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell, written):
    from perflib.data.spreadsheet import neutralise, restore

    assert neutralise(cell) == written
    if isinstance(cell, str):
        assert restore(neutralise(cell)) == cell  # perflib reads back what it meant


def test_a_published_data_file_carries_no_formula_and_keeps_its_numbers():
    import csv
    import io

    import pandas as pd

    from perflib.present.blocks import DATA_MIME
    from perflib.present.display import Published

    frame = pd.DataFrame({"short_name": [*FORMULAS, "Visits"], "change": [-28.0, -28.5, 3, 0, 1],
                          "as_text": ["-28", "-2.5", "12", "-", "- 5"]})
    text = Published({"measures.csv": frame})._repr_mimebundle_()[DATA_MIME]["files"]
    rows = list(csv.reader(io.StringIO(text["measures.csv"])))
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS] + ["Visits"]
    assert [r[1] for r in rows[1:]] == ["-28.0", "-28.5", "3.0", "0.0", "1.0"]  # numbers stay
    assert [r[2] for r in rows[1:]] == ["-28", "-2.5", "12", "'-", "'- 5"]
    assert not any(_runs(c) for r in rows for c in r)


def _assert_no_formula_in(reports: Path, books: list[Path]) -> int:
    """Open every published CSV (csv module) and workbook (openpyxl); return the cells seen."""
    import csv

    from openpyxl import load_workbook

    seen = 0
    for path in sorted(reports.rglob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            for line, row in enumerate(csv.reader(f), start=1):
                seen += len(row)
                assert not [c for c in row if _runs(c)], f"{path}, row {line}: {row}"
    for book in books:
        wb = load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    seen += 1
                    assert c.data_type != "f" and not _runs(c.value), \
                        f"{book}, sheet {ws.title}, cell {c.coordinate}: {c.value!r}"
    return seen


@pytest.mark.e2e
def test_no_published_csv_or_workbook_carries_a_formula(tmp_path, monkeypatch):
    import csv

    import pandas as pd

    from perflib import config
    from perflib.collect import intake
    from perflib.collect.returns import write_returns
    from perflib.run.build import build
    from tests.conftest import scratch_project

    root = scratch_project(tmp_path / "project", monkeypatch)
    data = root / "data/cfe"
    m = pd.read_csv(data / "measures.csv", dtype=str, keep_default_na=False)
    for mid, formula in zip(("foi_on_time", "museum_visits", "calls_answered", "digiknow_groups"),
                            FORMULAS, strict=True):
        m.loc[m["measure_id"] == mid, "short_name"] = f"{formula} {mid}"
    m.to_csv(data / "measures.csv", index=False)
    v = pd.read_csv(data / "comparators/values.csv", dtype=str, keep_default_na=False)
    v["source"] = FORMULAS[0]
    v.to_csv(data / "comparators/values.csv", index=False)
    commentary = data / "2020-21/commentary.md"
    commentary.write_text(commentary.read_text().replace(
        "## foi_on_time\n", "## foi_on_time\n-cmd\n\n+1\n\n@SUM(A1)\n\n", 1))
    build(jobs=2)
    with (root / "reports/cfe/2020-21/measures.csv").open(newline="") as f:
        rows = {r["measure_id"]: r for r in csv.DictReader(f)}
    assert rows["foi_on_time"]["short_name"] == f"'{FORMULAS[0]} foi_on_time"
    assert rows["calls_answered"]["short_name"] == "'+1 calls_answered"
    assert rows["births_on_time"]["comparator_source"] == "'" + FORMULAS[0]
    write_returns("cfe", "2020/21", root / "data")
    books = sorted(config.RETURNS_DIR.rglob("*.xlsx"))
    assert books and _assert_no_formula_in(root / "reports", books) > 1000
    assert "Measure" in [c.value for c in load_first_row(books[0])]
    # the return reads back as written: its quoted cells are its own, not edits
    assert [intake.filled_in(b) for b in books] == [None] * len(books)


def load_first_row(book: Path) -> tuple:
    from openpyxl import load_workbook

    return tuple(load_workbook(book)["Figures"][1])


COUNCIL_BOMB = """council: Fictional Borough Council (an anchor bomb)
portfolios: [cfe]
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


@pytest.mark.parametrize("text,line,words", [
    (COUNCIL_BOMB, 8, "holds more than 100,000 values once its aliases (*name) are expanded"),
    ("council: X\nportfolios: &p [cfe, *p]\n", 2, "holds an alias (*name) inside the value it "
     "names"),
    ("council: X\nportfolios: " + "[" * 100 + "]" * 100 + "\n", 2, "nests more than 64 levels"),
    ("council: X\nnote: " + "x" * 2**20 + "\n", None, "larger than a YAML settings file can be"),
], ids=["billion laughs", "itself", "too deep", "too large"])
def test_a_yaml_file_beyond_its_bounds_is_refused_at_once(data_copy, capsys, text, line, words):
    import time

    from perflib.cli import main

    (data_copy / "council.yaml").write_text(text)
    start = time.perf_counter()
    assert main(["check"]) == 2
    assert time.perf_counter() - start < 20  # minutes and gigabytes before bounds were kept
    err = capsys.readouterr().err
    where = f", row {line}" if line else ""
    said = next(ln for ln in err.splitlines() if "council.yaml" in ln)
    assert said.startswith(f"  - {data_copy / 'council.yaml'}{where}: "), said
    assert words in said and "Fix: " in said


def test_council_yaml_may_not_list_a_portfolio_twice(data_copy, capsys):
    from perflib.cli import main

    (data_copy / "council.yaml").write_text(
        "council: Stockport Metropolitan Borough Council\nportfolios:\n  - cfe\n  - cfe\n")
    assert main(["check"]) == 2
    assert (f"  - {data_copy / 'council.yaml'}, row 4, column 'portfolios[1]': 'cfe' is listed "
            "twice (first as portfolios[0], line 3). Fix: list each portfolio once, where "
            "Cabinet sees it") in capsys.readouterr().err.splitlines()


@pytest.mark.e2e
def test_a_build_leaves_nothing_in_the_temp_folder(tmp_path, monkeypatch):
    """A build (two kernels starting at once, one replaced after a failing notebook) and a
    build with nothing to do leave no entry in their temp folder (tempfile.gettempdir())."""
    import shutil
    import subprocess
    import sys
    import tempfile

    import nbformat

    from tests.conftest import scratch_project

    root = scratch_project(tmp_path / "project", monkeypatch)
    book = root / "notebooks/complaints.ipynb"
    nb = nbformat.read(book, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('a fictional failure')"))
    nbformat.write(nb, book)
    # a temp folder of the build's own, short enough for the kernels' Unix socket paths
    temp = Path(tempfile.mkdtemp(prefix="pt-", dir="/tmp" if Path("/tmp").is_dir() else None))
    env = {**os.environ, "PERFLIB_ROOT": str(root), "TMPDIR": str(temp)}
    try:
        for args in (["--jobs", "2"], ["--portfolio", "cfe", "--year", "2020/21"]):
            res = subprocess.run([sys.executable, "-m", "perflib.cli", "build", *args], env=env,
                                 capture_output=True, text=True, timeout=900)
            assert res.returncode == 1, res.stderr  # the failing notebook, and only it
            assert "a fictional failure" in res.stderr and "ahead of need failed" not in res.stderr
            assert sorted(p.name for p in temp.iterdir()) == []
    finally:
        shutil.rmtree(temp, ignore_errors=True)
