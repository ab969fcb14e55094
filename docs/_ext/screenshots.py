"""The docs' pictures, taken from real outputs: run by ``make docs`` before Sphinx.

It builds the first portfolio's latest annual report (the seed's 2020/21, in a fresh clone) into
``docs/_build/reports`` with ``perflib build``, then takes, with Playwright and the Chromium
perflib prints with:

- ``report-page.png``: the PDF's page with the first measure's table (rendered by poppler where
  it is installed, else the table in the HTML page);
- ``front-page.png``: the top of ``index.html``;
- ``jupyterlab.png``: JupyterLab with the annual report's notebook run, served from a scratch
  copy of the project (JupyterLab may save a notebook it has open; the project's stay clean).

The pictures go to ``docs/_static/generated/`` (not committed) with a stamp of what they were made
from, so a second ``make docs`` with nothing changed takes none. Without a browser it says so and
takes none: the pages then say the picture was not made, and the docs still build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from perflib import config

#: The project (``PERFLIB_ROOT`` where set, as for every perflib command)
ROOT = config.PROJECT_ROOT
OUT = ROOT / "docs" / "_static" / "generated"
BUILD = ROOT / "docs" / "_build"
PACKAGE = Path(config.__file__).resolve().parent
PICTURES = ("report-page.png", "front-page.png", "jupyterlab.png")
BIN = Path(sys.executable).parent


def say(text: str) -> None:
    """One line in make's output."""
    print(f"screenshots: {text}", flush=True)


def stamp() -> str:
    """A checksum of everything the pictures show: the data, the notebooks, perflib, this script."""
    h = hashlib.sha256()
    files = [Path(__file__)]
    for folder in (config.DATA_DIR, config.NOTEBOOKS_DIR, PACKAGE):
        files += sorted(p for p in folder.rglob("*") if p.is_file()
                        and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts)
    for p in files:
        h.update(p.as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def build() -> tuple[Path, str]:
    """The first portfolio's latest year, built; its report folder and its name, as 'cfe 2020/21'."""
    from perflib.notebook import first_portfolio, latest

    pid = first_portfolio(config.DATA_DIR, "annual")
    _, year = latest(pid, config.DATA_DIR)
    out = BUILD / "reports"
    res = subprocess.run([str(BIN / "perflib"), "build", "--portfolio", pid, "--year", year,
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"screenshots: perflib build of {pid} {year} failed (exit "
                         f"{res.returncode}):\n{res.stderr[-3000:]}")
    return out / pid / config.year_folder(year), f"{pid} {year}"


def first_table_page(pdf: Path, code: str) -> int:
    """The number of the PDF's first page that prints the measure ``code`` (1 if none does)."""
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(next(line.split()[-1] for line in pages.stdout.splitlines()
                     if line.startswith("Pages:")))
    for n in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        if f"{code}:" in text:
            return n
    return 1


def pdf_page(folder: Path, browser) -> None:
    """A page of the annual report's PDF that shows its first measure's table.

    poppler renders the very file where it is installed; without it, Chromium shows the same
    table in the HTML page.
    """
    import csv

    target = OUT / "report-page.png"
    with open(folder / "measures.csv", encoding="utf-8") as f:
        code = next(csv.DictReader(f))["pi_code"]
    pdf = folder / "annual_report.pdf"
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        n = str(first_table_page(pdf, code))
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", n, "-l", n, "-singlefile", str(pdf),
                        str(target.with_suffix(""))], check=True)
        return
    page = browser.new_page(viewport={"width": 794, "height": 1123})
    page.goto(pdf.with_suffix(".html").as_uri())
    page.locator("table.measure-table").first.scroll_into_view_if_needed()
    page.screenshot(path=str(target))
    page.close()


def front_page(index: Path, browser) -> None:
    """The top of the front page, as a laptop shows it."""
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    page.goto(index.as_uri())
    page.screenshot(path=str(OUT / "front-page.png"))
    page.close()


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyterlab(browser) -> None:
    """JupyterLab on a scratch copy of the project, the annual report's notebook run."""
    root = BUILD / "lab"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(config.DATA_DIR, root / "data")
    shutil.copytree(config.NOTEBOOKS_DIR, root / "notebooks")
    home = root / ".jupyter"
    env = {**os.environ, "PERFLIB_ROOT": str(root)}
    env.pop("PERFLIB_DEBUG", None)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                 "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
        env[name] = str(home / name.lower())
    # no news or update notices in the picture
    settings = home / "jupyterlab_settings_dir" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}', encoding="utf-8")
    port, token = free_port(), "perflib-docs"
    with open(home / "server.log", "w") as log:
        server = subprocess.Popen(
            [str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None:
                        raise SystemExit("screenshots: jupyter lab stopped:\n"
                                         + (home / "server.log").read_text()) from None
                    time.sleep(0.1)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{base}/lab/tree/notebooks/annual_report.ipynb?token={token}")
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu:visible .lm-Menu-itemLabel",
                         has_text="Run All Cells").first.click()
            page.locator(".jp-OutputArea-output .perflib .cover").first.wait_for(timeout=120_000)
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
            # the file browser closed, so the report has the width it has in a browser
            page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
            page.locator(".jp-CodeCell").nth(1).scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(OUT / "jupyterlab.png"))
            page.close()
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)
    shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    """Take the pictures unless they are up to date; 0 when the docs may be built."""
    OUT.mkdir(parents=True, exist_ok=True)
    made_from = stamp()
    kept = OUT / ".stamp"
    if (kept.is_file() and kept.read_text() == made_from
            and all((OUT / p).is_file() for p in PICTURES)):
        say("up to date")
        return 0
    from playwright.sync_api import Error, sync_playwright

    from perflib.errors import BrowserNotFound
    from perflib.formats.pdf import ARGS, find_chromium

    start = time.monotonic()
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        except (BrowserNotFound, Error) as exc:
            say("no browser, so the docs are built without their pictures "
                f"({str(exc).splitlines()[0]}); `make browser` gets one")
            return 0
        try:
            folder, which = build()
            pdf_page(folder, browser)
            front_page(folder.parent.parent / "index.html", browser)
            jupyterlab(browser)
        finally:
            browser.close()
    kept.write_text(made_from)
    say(f"{', '.join(PICTURES)} from {which}'s annual report ({time.monotonic() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
