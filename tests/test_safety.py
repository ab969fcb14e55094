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
def test_build_kernels_listen_on_no_tcp_port():
    import asyncio

    from perflib.run.ipc import IPCKernelManager

    async def run() -> tuple[str, set[str]]:
        km = IPCKernelManager(kernel_name="python3")
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
