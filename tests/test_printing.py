"""The process's one browser, on a thread of its own, prints pages handed in from any thread."""

from __future__ import annotations

import concurrent.futures
import io

import pytest
from pypdf import PdfReader

from perflib.errors import BrowserNotFound
from perflib.formats import Rendered
from perflib.run.printing import PrintService

PAGE = '<html lang="en-GB"><head><title>{0}</title></head><body><h1>{0}</h1></body></html>'


def page(title: str) -> Rendered:
    return Rendered(PAGE.format(title), [], title, "Fictional Council")


@pytest.mark.e2e
def test_pages_from_many_threads_each_get_their_own_pdf():
    with PrintService() as service:
        with concurrent.futures.ThreadPoolExecutor(4) as threads:
            pdfs = list(threads.map(lambda i: service.pdf(page(f"Fictional report {i}")),
                                    range(8)))
        assert service.available()
    for i, pdf in enumerate(pdfs):
        reader = PdfReader(io.BytesIO(pdf))
        assert f"Fictional report {i}" in reader.pages[0].extract_text()
        assert reader.metadata.title == f"Fictional report {i}"


def test_without_a_browser_every_page_says_why(monkeypatch):
    monkeypatch.setenv("PERFLIB_CHROMIUM", "/nonexistent/chromium")
    with PrintService() as service:
        assert not service.available(timeout=60)
        with pytest.raises(BrowserNotFound, match="PERFLIB_CHROMIUM is set to /nonexistent"):
            service.pdf(page("Fictional report"))
        assert "apt-get install -y chromium" in str(service.error)
