"""Print HTML reports to committee PDFs through Chromium.

One :class:`Printer` holds one browser for as many PDFs as a build makes: starting Chromium costs
far more than printing a page. Chromium writes tagged PDFs with an outline (bookmarks) from the
headings, which is what a screen-reader user of a committee paper needs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from perflib.errors import BrowserNotFound
from perflib.formats import Rendered

if TYPE_CHECKING:  # imported when a Printer starts: a build with no PDFs never loads Playwright
    from playwright.sync_api import Browser, Page, Playwright

logger = logging.getLogger("perflib.pdf")

#: Where a browser may be, in the order tried after $PERFLIB_CHROMIUM.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: Flags for a headless browser on a machine with no network. Chromium's sandbox is switched off
#: only where it cannot run: as root (as CI does), never for an ordinary user.
ARGS = [*(["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
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
            raise BrowserNotFound(f"PERFLIB_CHROMIUM is set to {env}, which does not exist; "
                                  f"{INSTALL_HINT}")
        return env
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Printer:
    """A started browser that prints HTML strings to PDF bytes; use as a context manager.

    Every report is printed in the same tab: opening a tab costs Chromium more than printing a
    report into it. A report replaces the whole document of the one before, and reports run no
    script, so nothing carries over from one to the next.
    """

    def __init__(self) -> None:
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._page: Page | None = None

    def __enter__(self) -> Printer:
        from playwright.sync_api import sync_playwright

        self._pw = pw = sync_playwright().start()
        try:
            self._launch(pw)
        except BrowserNotFound:
            pw.stop()
            raise
        return self

    def _launch(self, pw: Playwright) -> None:
        from playwright.sync_api import Error

        path = find_chromium()
        try:
            self._browser = browser = pw.chromium.launch(executable_path=path, args=ARGS)
        except Error as exc:
            where = path or "Playwright's own Chromium"
            raise BrowserNotFound(f"could not start {where}: {str(exc).splitlines()[0]}; "
                                  f"{INSTALL_HINT}") from None
        self._page = self._new_page(browser)

    @staticmethod
    def _new_page(browser: Browser) -> Page:
        page = browser.new_page(java_script_enabled=False)
        # Reports are self-contained; anything that tries the network is refused, not awaited.
        page.route("**/*", lambda route: route.abort()
                   if not route.request.url.startswith(("data:", "about:")) else
                   route.continue_())
        page.emulate_media(media="print")
        return page

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # an interrupted build's Ctrl-C reaches Playwright's driver too: a browser already gone
        # is closed, and saying so would only bury the build's own message
        for close in (self._browser.close if self._browser is not None else None,
                      self._pw.stop if self._pw is not None else None):
            if close is not None:
                with contextlib.suppress(Exception):
                    close()

    def pdf(self, html: str, header: str = "") -> bytes:
        """Print one HTML page: A4, tagged, bookmarked, 'Page X of Y', metadata and artifacts."""
        return finish(self.print_page(html, header), html, header)

    def print_page(self, html: str, header: str) -> bytes:
        """The page as Chromium prints it, before :func:`finish` makes it PDF/UA."""
        if self._pw is None or self._browser is None or self._page is None:
            raise RuntimeError("a Printer prints only inside its `with` block")
        pw, browser, page = self._pw, self._browser, self._page
        try:
            page.set_content(html, wait_until="load")
            return page.pdf(
                format="A4", print_background=True, display_header_footer=True,
                header_template=HEADER.format(header=_escape(header)), footer_template=FOOTER,
                margin={"top": "18mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                tagged=True, outline=True,
            )
        except Exception:
            # a report that would not print must not leave the next one a broken tab, nor a
            # browser that crashed a dead printer (a watch keeps its printer for hours)
            try:
                page.close()
            except Exception:
                pass
            if browser.is_connected():
                self._page = self._new_page(browser)
            else:
                self._launch(pw)
            raise


def finish(raw: bytes, html: str, header: str) -> bytes:
    """Chromium's PDF of ``html`` made PDF/UA-1 (:func:`make_accessible`), its links described."""
    from perflib.formats.pdf_ua import link_texts

    return make_accessible(raw, title=header, links=link_texts(html))


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def make(rendered: Rendered, printer: Printer | None = None) -> bytes:
    """The report printed: through ``printer`` when a build shares one browser, else its own.

    The title is the page header of every page (so a draft says DRAFT on each).
    """
    if printer is not None:
        return printer.pdf(rendered.html, rendered.title)
    return print_html(rendered.html, rendered.title)


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


def make_accessible(data: bytes, title: str, lang: str = "en-GB",
           links: Mapping[str, str] | None = None) -> bytes:
    """Make Chromium's tagged PDF a PDF/UA-1 file, and claim so only if the checks pass.

    Title and language go into the Info dictionary and XMP, page furniture is marked as
    artifacts, figure wrappers and links are mended (:mod:`perflib.formats.pdf_ua`). A file the
    checks find wanting is still written, unclaimed, and the build log says why.

    Parameters
    ----------
    links
        Each href of the printed HTML and its link's words, to describe the link annotations.
    """
    import io

    import pikepdf

    from perflib.formats import pdf_ua
    from perflib.formats.pdf_content import mark_page

    with pikepdf.open(io.BytesIO(data)) as pdf:
        contents = [mark_page(pdf, page) for page in pdf.pages]
        pdf.Root.Lang = pikepdf.String(lang)
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        pdf.docinfo["/Title"] = pikepdf.String(title)
        pdf_ua.mend(pdf, links)
        problems = pdf_ua.problems(pdf, contents)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:language"] = [lang]
            meta["pdf:Producer"] = str(pdf.docinfo.get("/Producer", "Chromium"))
            if not problems:
                pdf_ua.claim(meta)
        if problems:
            logger.warning("%s: not claimed as PDF/UA-1, because %s", title or "a PDF",
                           "; ".join(problems))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
