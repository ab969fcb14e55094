"""Checks a disabled reader's tools would make, shared by every test that builds reports.

- :func:`pdfua_findings`: the independent ``pdfua`` validator (the machine-checkable subset of
  PDF/UA-1 and WCAG 2.1, built on pikepdf; not perflib's own checks) over one PDF, plus a
  heading check of this file's own for the one rule pdfua 0.1.3 cannot evaluate on Chromium's
  heading structure.
- :func:`reflow_problems`: every page in real Chromium 320 CSS px wide (WCAG 2.2 SC 1.4.10).
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

#: Rules pdfua skips on every Chromium PDF, and why: its EmptyHeadingRule asks a pikepdf Array
#: for ``is_integer``, which pikepdf answers with ValueError, so the rule is skipped whenever a
#: heading's /K is an array. :func:`heading_problems` checks the same thing instead.
KNOWN_SKIPS = {"UA-14-001": "cannot get key '/is_integer' on object of type array"}


def heading_problems(path: Path) -> list[str]:
    """Headings that are empty, or that skip a level, in the PDF's structure tree."""
    found, level = [], 0
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary):
                continue
            role = str(node.get("/S", ""))
            if len(role) == 3 and role.startswith("/H") and role[2].isdigit():
                n = int(role[2])
                if n > level + 1:
                    found.append(f"H{n} after H{level}")
                if not _marks_content(node):
                    found.append(f"empty {role}")
                level = n
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(reversed(list(kids)))
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
    return found


def _marks_content(node) -> bool:
    kids = node.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return any(isinstance(k, int) or (isinstance(k, pikepdf.Dictionary) and (
        k.get("/Type") == "/MCR" or _marks_content(k))) for k in kids)


def pdfua_findings(path: Path) -> list[str]:
    """Every finding of the pdfua validator (errors, warnings and notes alike), as lines.

    A rule it could not evaluate counts as a finding too, unless it is a known skip (whose
    check :func:`heading_problems` makes); so does a file that does not claim PDF/UA-1.
    """
    import pdfua

    report = pdfua.validate(str(path))
    out = [f"{f.rule_id} {f.severity.name} at {f.location.describe()}: {f.message}"
           for f in report.findings]
    for o in report.skipped:
        if KNOWN_SKIPS.get(o.rule_id, "\0") not in (o.skipped_reason or ""):
            out.append(f"{o.rule_id} not evaluated: {o.skipped_reason}")
    out += [f"UA-14-001 (checked here) {p}" for p in heading_problems(path)]
    with pikepdf.open(path) as pdf, pdf.open_metadata() as xmp:
        if xmp.get("pdfuaid:part") != "1":
            out.append("XMP does not claim PDF/UA-1 (pdfuaid:part)")
    return out


#: What a page must show at 320 px: its width, any table outside a labelled scroll region, and
#: the gap between the cover and what follows it.
_MEASURE = """() => {
  const regions = [...document.querySelectorAll('table')].map(t => t.closest('[role=region]'));
  const cover = document.querySelector('header.cover');
  return {
    width: document.documentElement.scrollWidth,
    loose: regions.filter(r => !r || r.tabIndex !== 0 ||
                          !(r.getAttribute('aria-label') || r.getAttribute('aria-labelledby')))
                  .length,
    gap: cover ? cover.getBoundingClientRect().bottom
                 - cover.lastElementChild.getBoundingClientRect().bottom : 0,
  };
}"""


def reflow_problems(browser, pages: list[Path], width: int = 320) -> list[str]:
    """What in ``pages`` fails Reflow at ``width`` CSS px, in Chromium; empty if nothing.

    A page must not scroll sideways; every table sits in a labelled region that takes focus
    and scrolls by itself. On a desktop screen too, the cover keeps no print spacing (a
    page-high gap after its last line).
    """
    found = []
    for size in ({"width": width, "height": 640}, {"width": 1280, "height": 800}):
        page = browser.new_page(viewport=size)
        try:
            for path in pages:
                page.goto(path.resolve().as_uri(), wait_until="load")
                m = page.evaluate(_MEASURE)
                if m["width"] > size["width"]:
                    found.append(f"{path.name} is {m['width']} px wide at {size['width']} px")
                if m["loose"]:
                    found.append(f"{path.name}: {m['loose']} table(s) outside a labelled, "
                                 "focusable scroll region")
                if m["gap"] > 48:
                    found.append(f"{path.name}: {m['gap']:.0f} px of blank cover on a "
                                 f"{size['width']} px screen")
        finally:
            page.close()
    return found


def print_overflow(browser, pages: list[Path]) -> list[str]:
    """Tables that would not print whole: a scroll region that clips or scrolls when printed."""
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 px an inch
    page.emulate_media(media="print")
    found = []
    try:
        for path in pages:
            page.goto(path.resolve().as_uri(), wait_until="load")
            clipped = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
                .filter(r => getComputedStyle(r).overflowX !== 'visible').length""")
            if clipped:
                found.append(f"{path.name}: {clipped} region(s) would scroll or clip on paper")
    finally:
        page.close()
    return found


def report_folder_problems(folder: Path) -> list[str]:
    """Every PDF of a built report folder through pdfua; its pages and the index at 320 px.

    For the tests that build fictional portfolios, so each build they make anyway is checked.
    """
    from playwright.sync_api import sync_playwright

    from perflib.formats.pdf import ARGS, find_chromium

    pdfs = sorted(folder.glob("*.pdf"))
    assert pdfs, f"no PDF in {folder}"
    found = [f"{p.name}: {f}" for p in pdfs for f in pdfua_findings(p)]
    pages = sorted(folder.glob("*.html")) + [folder.parent.parent / "index.html"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=ARGS)
        try:
            found += reflow_problems(browser, pages) + print_overflow(browser, pages)
        finally:
            browser.close()
    return found
