"""Print HTML reports to committee PDFs through Chromium.

One :class:`Printer` holds one browser for as many PDFs as a build makes: starting Chromium costs
far more than printing a page. Chromium writes tagged PDFs with an outline (bookmarks) from the
headings, which is what a screen-reader user of a committee paper needs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
from pathlib import Path
from types import TracebackType

from perflib.errors import BrowserNotFound

#: Where a browser may be, in the order tried after $PERFLIB_CHROMIUM.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: Flags for a headless browser on a machine with no network and, in CI, running as root.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic"]
INSTALL_HINT = ("install one with `sudo apt-get install -y chromium` (Debian) or "
                "`.venv/bin/playwright install chromium`, or set PERFLIB_CHROMIUM to its path")

FOOTER = ('<div style="font-family: sans-serif; font-size: 8pt; width: 100%; margin: 0 12mm; '
          'display: flex; justify-content: space-between; color: #333;">'
          '<span class="title"></span>'
          '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
          "</div>")
HEADER = ('<div style="font-family: sans-serif; font-size: 8pt; width: 100%; margin: 0 12mm; '
          'color: #333;">{header}</div>')


def find_chromium() -> str | None:
    """Path of a system Chromium or Chrome, or ``None`` to fall back to Playwright's own."""
    env = os.environ.get("PERFLIB_CHROMIUM")
    if env:
        if not Path(env).exists():
            raise BrowserNotFound(f"PERFLIB_CHROMIUM is set to {env}, which does not exist")
        return env
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Printer:
    """A started browser that prints HTML strings to PDF bytes; use as a context manager."""

    def __init__(self) -> None:
        self._pw = None
        self._browser = None

    def __enter__(self) -> Printer:
        from playwright.sync_api import Error, sync_playwright

        self._pw = sync_playwright().start()
        path = find_chromium()
        try:
            self._browser = self._pw.chromium.launch(executable_path=path, args=ARGS)
        except Error as exc:
            self._pw.stop()
            where = path or "Playwright's own Chromium"
            raise BrowserNotFound(f"could not start {where}: {str(exc).splitlines()[0]}; "
                                  f"{INSTALL_HINT}") from None
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._pw is not None:
            self._pw.stop()

    def pdf(self, html: str, header: str = "") -> bytes:
        """Print one HTML page: A4, backgrounds, tagged, bookmarks, 'Page X of Y' footer."""
        page = self._browser.new_page()
        try:
            # Reports are self-contained; anything that tries the network is refused, not awaited.
            page.route("**/*", lambda route: route.abort()
                       if not route.request.url.startswith(("data:", "about:")) else
                       route.continue_())
            page.set_content(html, wait_until="load")
            page.emulate_media(media="print")
            return page.pdf(
                format="A4", print_background=True, display_header_footer=True,
                header_template=HEADER.format(header=_escape(header)), footer_template=FOOTER,
                margin={"top": "18mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                tagged=True, outline=True,
            )
        finally:
            page.close()


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def print_html(html: str, header: str = "") -> bytes:
    """Print one page with a browser of its own (nbconvert and JupyterLab's export menu).

    Playwright's sync API refuses to run inside a running event loop (as in a Jupyter server), so
    printing then happens on a thread of its own.
    """
    def job() -> bytes:
        with Printer() as printer:
            return printer.pdf(html, header)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return job()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(job).result()
