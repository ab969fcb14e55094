"""index.html of every report, and the build's progress output."""

from __future__ import annotations

import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

from perflib.formats.pdf import ARGS, find_chromium
from perflib.run.frontpage import write_index
from perflib.run.index import count_ratings
from perflib.run.logs import data_checksum
from perflib.run.progress import Progress
from tests.htmltables import parse

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
NAMES = ["annual_report", "complaints", "digital_inclusion", "museum_visits"]
YEARS = ["2019-20", "2020-21"]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.srcs.append(a["src"])


def links(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def indexed(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built reports, with one Word draft removed, and its index."""
    out = tmp_path_factory.mktemp("indexed") / "reports"
    shutil.copytree(built, out, symlinks=True, ignore=shutil.ignore_patterns("*.lock"))
    # The copy's report folders point into the copy's own .versions.
    folder = out / "cfe" / "2020-21"
    assert folder.resolve().is_relative_to(out.resolve())
    (folder / "complaints.docx").unlink()  # a file that is not there is not linked
    write_index(out)
    return out


@pytest.mark.e2e
def test_index_lists_all_eight_reports_with_links_that_resolve(indexed):
    html = (indexed / "index.html").read_text(encoding="utf-8")
    doc = parse(html)
    reports = [t for t in doc.tables if t["caption"].startswith("Citizen Focus and Engagement "
                                                                  "reports for")]
    assert len([r for t in reports for r in t["rows"][1:]]) == 8
    corporate = [t for t in doc.tables if t["caption"].startswith("Council-wide reports for")]
    assert [len(t["rows"]) - 1 for t in corporate] == [1, 1]  # 2020/21, then 2019/20
    hrefs = links(html).hrefs
    for href in hrefs:
        assert not re.match(r"^[a-z]+:|^/", href), "relative links only"
        assert (indexed / unquote(href)).is_file(), href
    for year in YEARS:
        for name in NAMES:
            for ext in (".html", ".pdf"):
                assert f"cfe/{year}/{name}{ext}" in hrefs
        assert f"cfe/{year}/measures.csv" in hrefs
    assert "cfe/2020-21/annual_report.docx" in hrefs  # Word drafts linked where they exist
    assert "cfe/2020-21/complaints.docx" not in hrefs  # and only there
    assert len([h for h in hrefs if h.startswith("cfe/") and h.endswith(".docx")]) == 7
    for year in YEARS:
        assert f"council/{year}/corporate_report.pdf" in hrefs
    assert not [h for h in hrefs if ".versions" in h]


@pytest.mark.e2e
def test_index_has_build_time_status_and_ratings_and_the_log_the_checksums(indexed):
    html = (indexed / "index.html").read_text(encoding="utf-8")
    cfe = html[html.index('id="p-cfe"'):]
    assert cfe.index("<h3>2020/21</h3>") < cfe.index("<h3>2019/20</h3>"), "newest year first"
    assert "checksum" not in html.lower() and "<code>" not in html  # for the builds' logs only
    approvers = {"2019-20": "KB", "2020-21": "DS"}  # as each year's report.yaml names them
    for year in YEARS:
        log = json.loads((indexed / "cfe" / year / "build-log.json").read_text())
        for entry in log["notebooks"].values():
            assert entry["data_checksum"] == data_checksum(entry["inputs"])
            assert len(entry["data_checksum"]) == 12
            assert f'datetime="{entry["built"]}"' in html
            assert (entry["status"], entry["approved_by"]) == ("final", approvers[year])
        m = pd.read_csv(indexed / "cfe" / year / "measures.csv", keep_default_na=False)
        counts = m["rating"].replace("", "not rated").value_counts().to_dict()
        rows = parse(html).tables
        table = next(t for t in rows if t["caption"] == "Citizen Focus and Engagement reports "
                     f"for {year.replace('-', '/')}")
        annual = next(r for r in table["rows"] if r[0].endswith(f"Annual Report {year[:5]}{year[5:]}"
                                                               .replace("-", "/")))
        expected = (f"Green {counts.get('Green', 0)} Amber {counts.get('Amber', 0)} "
                    f"Red {counts.get('Red', 0)} Not rated {counts.get('not rated', 0)}")
        assert annual[-1] == expected
        assert annual[-2] == f"Final, approved by {approvers[year]}"


@pytest.mark.e2e
def test_index_is_self_contained_and_well_formed(indexed):
    html = (indexed / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html
    assert re.search(r"<title>[^<]{10,}</title>", html)
    assert html.count("<h1") == 1
    assert "<script" not in html and not links(html).srcs and "<link" not in html
    # no address beyond the page (an inline SVG's namespace names one, but is never fetched)
    assert not re.search(r"https?://", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    for t in parse(html).tables:
        assert t["caption"]
        assert all(a.get("scope") in ("col", "row") for tag, a in t["cells"] if tag == "th")


@pytest.mark.e2e
def test_index_has_no_axe_violations_and_makes_no_requests(indexed):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((indexed / "index.html").resolve().as_uri(), wait_until="load")
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG},
                                          "resultTypes": ["violations"]})
        browser.close()
    violations = [(v["id"], v["nodes"][0]["html"][:120]) for v in result.response["violations"]]
    assert violations == []
    assert [u for u in requests if not u.startswith("file:")] == []


@pytest.mark.e2e
def test_on_a_phone_every_table_shows_its_status_and_ratings_without_scrolling(indexed):
    """At 320 px each row stacks into labelled lines; at 1280 px it is a table as before."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    measure = """() => {
      const cells = [...document.querySelectorAll(
        'td[data-label="Status"], td[data-label="Measures by rating"], td[data-label="Green"]')];
      return {
        width: document.documentElement.scrollWidth,
        scrolling: [...document.querySelectorAll('.table-scroll')]
                   .filter(r => r.scrollWidth > r.clientWidth).length,
        cells: cells.length,
        off: cells.filter(c => c.getBoundingClientRect().right > innerWidth + 0.5).length,
        display: getComputedStyle(document.querySelector('table')).display,
        label: getComputedStyle(document.querySelector('td[data-label="Status"]'), '::before')
               .content,
      };
    }"""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        seen = {}
        for width in (320, 1280):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto((indexed / "index.html").resolve().as_uri(), wait_until="load")
            seen[width] = page.evaluate(measure)
            result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG},
                                              "resultTypes": ["violations"]})
            assert [v["id"] for v in result.response["violations"]] == [], width
            nodes = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
            roles = [n.get("role", {}).get("value") for n in nodes["nodes"] if not n.get("ignored")]
            seen[width]["roles"] = {r: roles.count(r) for r in ("table", "row", "cell",
                                                                 "columnheader", "rowheader")}
            page.close()
        browser.close()
    phone, desk = seen[320], seen[1280]
    assert phone["width"] == 320 and phone["scrolling"] == 0
    assert phone["cells"] > 20 and phone["off"] == 0
    assert phone["display"] == "block" and phone["label"].startswith('"Status: "')
    assert desk["display"] == "table" and desk["label"] == "none" and desk["off"] == 0
    assert phone["roles"] == desk["roles"] and phone["roles"]["cell"] > 20  # still a table


# --- without a build: a made-up reports folder ---------------------------------------------------

def fake_report(out: Path, year: str, log_extra: dict | None = None, csv: str | None = None) -> Path:
    folder = out / "pf" / year
    folder.mkdir(parents=True)
    (folder / "annual_report.html").write_text("<title>Pf Annual Report</title>", encoding="utf-8")
    files = ["annual_report.html", "annual_report.pdf", "measures.csv"]  # the PDF is missing
    if csv is not None:
        (folder / "measures.csv").write_text(csv, encoding="utf-8")
    log = {"portfolio": "pf", "year": year.replace("-", "/"), "notebooks": {"annual_report": {
        "files": files, "built": "2024-05-01T10:20:30", "inputs": {"data/x.csv": "ab"}}}}
    log.update(log_extra or {})
    (folder / "build-log.json").write_text(json.dumps(log), encoding="utf-8")
    return folder


def test_index_of_a_made_up_folder(tmp_path):
    fake_report(tmp_path, "2021-22", {"status": "draft", "portfolio_name": "Parks & Places"},
                "pi_code,rating,status\nA,Green,Red\nB,amber,Red\nC,,Green\n")
    fake_report(tmp_path, "2022-23")
    (tmp_path / ".versions" / "x" / "2020-21").mkdir(parents=True)  # ignored: hidden
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert "Parks &amp; Places" in html
    assert "pf/2021-22/annual_report.pdf" not in html, "missing files are not linked"
    assert html.index("<h3>2022/23</h3>") < html.index("<h3>2021/22</h3>")
    assert '<span class="status-draft">Draft</span>' in html and "Final" in html
    table = next(t for t in parse(html).tables if t["caption"].endswith("2021/22"))
    assert table["rows"][0] == ["Report", "Files", "Built", "Status", "Measures by rating"]
    assert table["rows"][1][-1] == "Green 1 Amber 1 Red 0 Not rated 1"  # 'rating' over 'status'
    assert "checksum" not in html.lower() and data_checksum({"data/x.csv": "ab"}) not in html
    assert "1 Pf Annual Report" not in html and "2 reports in 1 portfolio" in html


def test_each_report_shows_its_own_covers_status_not_its_years(tmp_path):
    """A quarter approved while the year's annual report is a draft is final: its cover says so."""
    folder = fake_report(tmp_path, "2021-22", {"status": "draft"})
    log = json.loads((folder / "build-log.json").read_text())
    log["notebooks"]["annual_report"].update(status="draft")
    log["notebooks"]["quarterly_q1"] = {"title": "Pf Q1 Performance Monitoring Report",
                                        "status": "final", "approved_by": "QA", "files": []}
    log["notebooks"]["corporate_q2"] = {
        "title": "Council-wide Mid-year report", "status": "draft", "files": [],
        "why": "Draft until the 2021/22 Q2 reports of Parks and Streets are final"}
    (folder / "build-log.json").write_text(json.dumps(log), encoding="utf-8")
    table = next(t for t in parse(write_index(tmp_path).read_text(encoding="utf-8")).tables
                 if t["caption"].endswith("2021/22"))
    assert {r[0]: r[3] for r in table["rows"][1:]} == {
        "Annual report": "Draft",
        "Pf Q1 Performance Monitoring Report": "Final, approved by QA",
        "Council-wide Mid-year report": "Draft until the 2021/22 Q2 reports of Parks and "
                                        "Streets are final"}


def test_the_title_is_the_councils_and_never_says_its_words_twice(tmp_path):
    from perflib.run.frontpage import title
    from perflib.run.index import PortfolioListing

    one = [PortfolioListing("pf", "Parks", council="Ashdown District Council")]
    two = [*one, PortfolioListing("hs", "Housing", council="Fernvale Borough Council")]
    corporate = PortfolioListing("council", "Council-wide", council="Ashdown District Council",
                                 scope="council")
    assert title(one) == "Ashdown District Council: performance reports"
    assert title(two) == "Performance reports"  # two councils and no corporate report
    assert title([*two, corporate]) == "Ashdown District Council: performance reports"
    assert title(two, council="Borough of Example") == "Borough of Example: performance reports"
    assert title([]) == "Performance reports"
    fake_report(tmp_path, "2021-22")  # a log that names no council
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert "<h1>Performance reports</h1>" in html and "<title>Performance reports</title>" in html
    html = write_index(tmp_path, "Ashdown District Council").read_text(encoding="utf-8")
    assert "<h1>Ashdown District Council: performance reports</h1>" in html


def test_every_table_stacks_on_a_phone_and_stays_a_table(tmp_path):
    fake_report(tmp_path, "2021-22", csv="pi_code,rating\nA,Green\n")
    fake_report(tmp_path, "2022-23", csv="pi_code,rating\nA,Red\n")
    html = write_index(tmp_path).read_text(encoding="utf-8")
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert len(tables) == 3  # the years' measures by rating, and each year's reports
    for t in tables:
        assert t.startswith('<table class="stack" role="table">')
        cells = re.findall(r"<td[^>]*>", t)
        assert cells and all('role="cell" data-label="' in c for c in cells)
        assert '<th scope="row" role="rowheader">' in t and 'role="columnheader"' in t
    assert '<td role="cell" data-label="Status">Final</td>' in html
    assert "@media screen and (max-width: 40rem)" in html


def test_count_ratings_falls_back_to_status(tmp_path):
    path = tmp_path / "measures.csv"
    path.write_text("pi_code,status\nA,Green\nB,Red\nC,\nD,Red\n", encoding="utf-8")
    assert count_ratings(path) == {"Green": 1, "Amber": 0, "Red": 2, "not rated": 1}


def test_index_of_an_empty_folder(tmp_path):
    html = write_index(tmp_path / "reports").read_text(encoding="utf-8")
    assert "No reports have been built yet." in html and html.count("<h1") == 1


# --- progress --------------------------------------------------------------------------------

def test_progress_prints_plain_lines_when_not_a_tty():
    log = io.StringIO()
    p = Progress(3, stream=log)
    p.done("  executed    cfe 2020/21 complaints (3.1 s)", ok=True)
    p.done("  failed      cfe 2020/21 museum_visits (1.0 s)", ok=False)
    p.write("  printed     cfe 2020/21 complaints")
    p.close()
    p.close()
    assert log.getvalue().splitlines() == ["  executed    cfe 2020/21 complaints (3.1 s)",
                                           "  failed      cfe 2020/21 museum_visits (1.0 s)",
                                           "  printed     cfe 2020/21 complaints"]
    assert (p.ok, p.failed) == (1, 1)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_a_bar_on_a_tty(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    term = FakeTerminal()
    with Progress(2, stream=term) as p:
        p.done("  executed    a", ok=True)
        p.done("  failed      b", ok=False)
    out = term.getvalue()
    assert "2/2 notebooks, done 1, failed 1" in out and "left]" in out
    assert "  failed      b" in out and "  executed    a" not in out  # only failures above the bar
