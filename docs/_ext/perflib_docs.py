"""Sphinx directives that write reference pages from perflib's own registries.

Each directive builds Markdown from the code (the data-file registry and its column specs, the
report kinds and their roles) and has MyST parse it in place, so a file, column or role added to
the code appears in the docs without anyone editing a page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where docs/_ext/screenshots.py (run by ``make docs``) leaves its pictures (a test points
#: PERFLIB_DOCS_PICTURES at an empty folder, as on a machine with no browser)
GENERATED = Path(os.environ.get("PERFLIB_DOCS_PICTURES")
                 or Path(__file__).resolve().parent.parent / "_static" / "generated")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _column_row(c, meaning: str) -> str:
    what = c.describe()
    if c.kind in ("int", "number") and (c.minimum is not None or c.maximum is not None):
        lo = "" if c.minimum is None else f"from {c.minimum:g}"
        hi = "" if c.maximum is None else f"to {c.maximum:g}"
        what += " " + " ".join(p for p in (lo, hi) if p)
    filled = "every row" if c.required else "may be empty"
    header = "optional column" if c.optional else "must be in the header"
    return f"| `{c.name}` | {_cell(meaning)} | {_cell(what)} | {filled} | {header} |"


def column_meanings(text: str, names: list[str]) -> dict[str, dict[str, str]]:
    """What each column means, in data/README.md's words: file -> column -> meaning.

    The registry knows a column's type and range; what it is for is written for people, in the
    column tables of data/README.md (a table headed ``| column |`` under a heading, or after a
    line starting with the file's name in backticks).
    """
    def named(line: str) -> str | None:
        return next((n for n in names if f"{n.rsplit('/', 1)[-1]}" in line), None)

    out: dict[str, dict[str, str]] = {}
    current: str | None = None
    table: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("#"):
            current, table = named(line), None
        elif line.startswith("`") and named(line.split(":", 1)[0]):
            current, table = named(line.split(":", 1)[0]), None
        elif line.startswith("| column |"):
            table = [c.strip() for c in line.strip("|").split("|")]
        elif table is not None and line.startswith("|") and current:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0].startswith("`") and len(cells) == len(table):
                for name in re.findall(r"`([^`]+)`", cells[0]):
                    out.setdefault(current, {})[name] = cells[-1]
        elif not line.startswith("|"):
            table = None
    return out


def data_files_markdown() -> str:
    """Every registered data file: the registry's table, then each CSV's columns."""
    from perflib.data import files
    from perflib.reports import readers

    readers_of = readers()
    from perflib.config import DATA_DIR

    meanings = column_meanings((DATA_DIR / "README.md").read_text(encoding="utf-8"),
                               [f.name for f in files.FILES])
    lines = ["## Every file", "", files.table(readers_of), ""]
    for f in files.FILES:
        where = "each report year's folder" if f.level == files.YEAR else "the portfolio's folder"
        lines += [f"## `{f.name}`", "", f"{f.about[:1].upper()}{f.about[1:]}. In {where}; "
                  f"{'needed' if f.required else 'optional'}.", ""]
        if f.columns:
            if f.key:
                lines += [f"No two rows share {', '.join(f'`{k}`' for k in f.key)}.", ""]
            lines += ["| column | meaning | holds | cells | header |",
                      "| --- | --- | --- | --- | --- |"]
            lines += [_column_row(c, meanings.get(f.name, {}).get(c.name, ""))
                      for c in f.columns]
            lines.append("")
    return "\n".join(lines)


def report_kinds_markdown() -> str:
    """Every registered report kind: its notebook, what it publishes, its roles and facts."""
    from perflib.reports import kinds

    lines: list[str] = []
    for name, k in kinds().items():
        lines += [f"## `{name}`: {k.title}", "",
                  f"Notebook `{k.notebook_path.name}`; publishes `{k.csv}`"
                  + (f"; also reads {', '.join(f'`{f}`' for f in k.files)}." if k.files else "."),
                  ""]
        roles = [(r, w, "yes") for r, w in k.roles.items()]
        roles += [(r, w, "no") for r, w in k.optional_roles.items()]
        if roles:
            lines += ["| role | required | the measure |", "| --- | --- | --- |"]
            lines += [f"| `{r}` | {req} | {_cell(w)} |" for r, w, req in roles]
            lines.append("")
        if k.facts:
            lines += [f"Facts (topic `{k.facts_topic}`):", "", "| metric | meaning |",
                      "| --- | --- |"]
            lines += [f"| `{m}` | {_cell(w)} |" for m, w in k.facts.items()]
            lines.append("")
    return "\n".join(lines)


def _sources(text: str) -> list[tuple[re.Pattern[str], str]]:
    """The rows of data/SOURCES.md's *Sources* table: each file pattern it names, with its source.

    A cell's backticked names are the files (``<year>`` standing for any report year's folder).
    """
    section = text.split("## Sources", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("file", "---"):
            continue
        for name in re.findall(r"`([^`]+)`", cells[0]):
            pattern = re.escape(name).replace(re.escape("<year>"), r"\d{4}-\d{2}")
            rows.append((re.compile(rf"(?:.*/)?{pattern}"), cells[1]))
    return rows


def data_log_markdown() -> str:
    """Every file under each portfolio folder of data/, with its rows and its source.

    A file that data/SOURCES.md gives no source for is a warning, so ``make docs`` (warnings are
    errors) fails until its source is written down.
    """
    import hashlib

    from perflib.config import DATA_DIR

    sources = _sources((DATA_DIR / "SOURCES.md").read_text(encoding="utf-8"))
    lines = ["| file | rows | SHA-256 (first 12) | source |", "| --- | ---: | --- | --- |"]
    for portfolio in sorted(p for p in DATA_DIR.iterdir() if p.is_dir()):
        for path in sorted(f for f in portfolio.rglob("*") if f.is_file()):
            rel = path.relative_to(portfolio).as_posix()
            found = [src for pattern, src in sources if pattern.fullmatch(rel)]
            if not found:
                logger.warning(f"data log: data/SOURCES.md gives no source for "
                               f"data/{portfolio.name}/{rel}; add it to the Sources table")
            body = path.read_bytes()
            rows = (body.count(b"\n") - 1) if path.suffix == ".csv" else ""
            lines.append(f"| `{portfolio.name}/{rel}` | {rows} | "
                         f"`{hashlib.sha256(body).hexdigest()[:12]}` | "
                         f"{_cell(' '.join(found[:1]))} |")
    return "\n".join(lines) + "\n"


def findings_markdown() -> str:
    """Every data-quality finding in the project's data, by portfolio and report year.

    The same findings ``perflib check`` prints and each report's data-quality.csv holds, worked
    out afresh as the docs are built, so the page lists what the data holds now.
    """
    from perflib import config
    from perflib.reports.checks import check_all

    _, problems, reports = check_all(config.DATA_DIR)
    if problems:
        logger.warning(f"known inconsistencies: data/ has {len(problems)} problems; run perflib check")
    lines: list[str] = []
    for r in reports:
        if not r.findings:
            continue
        lines += [f"### {r.portfolio.id} {r.year}", "",
                  "| kind | where | measure | finding | the data says |",
                  "| --- | --- | --- | --- | --- |"]
        for x in r.findings:
            where = f"`{config.relative(x.file)}`" + (f", row {x.line}" if x.line else "")
            said = f"{x.finding}: '{x.words}'" if x.words else x.finding
            lines.append(f"| {x.severity} | {where} | {x.pi_code or x.measure_id} | "
                         f"{_cell(said)} | {_cell(x.data_says)} |")
        lines.append("")
    return "\n".join(lines) or "The data holds no known inconsistency.\n"


class _Generated(Directive):
    """A directive whose body is Markdown made by a function of perflib's."""

    make = staticmethod(lambda: "")

    def run(self) -> list[nodes.Node]:
        holder = nodes.Element()
        holder.document = self.state.document
        text = self.make()
        self.state.nested_parse(StringList(text.splitlines(), source=self.name), 0, holder,
                                match_titles=True)
        return holder.children


class DataFiles(_Generated):
    """``perflib-data-files``: the registry's table, then each CSV's columns."""

    make = staticmethod(data_files_markdown)


class ReportKinds(_Generated):
    """``perflib-report-kinds``: each kind with its roles and facts."""

    make = staticmethod(report_kinds_markdown)


class DataLog(_Generated):
    """``perflib-data-log``: every file in data/'s portfolios, with its rows and its source."""

    make = staticmethod(data_log_markdown)


class Findings(_Generated):
    """``perflib-findings``: every data-quality finding in data/, as perflib check finds them."""

    make = staticmethod(findings_markdown)


class Screenshot(Directive):
    """``perflib-screenshot NAME``: a picture ``make docs`` took of a real output, if it could.

    The pictures come from a real build (docs/_ext/screenshots.py) and are not committed; where
    the build of the docs had no browser, the page says that the picture was not made, rather
    than warning (a machine without Chromium still builds the docs).
    """

    required_arguments = 1
    has_content = True
    option_spec = {"alt": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        """The picture with its caption, or a line saying it was not made."""
        name = self.arguments[0]
        # the page is read again once the picture exists (or changes)
        self.state.document.settings.env.note_dependency(str(GENERATED / name))
        if (GENERATED / name).is_file():
            caption = "\n".join(self.content)
            text = (f"```{{figure}} /_static/generated/{name}\n:alt: {self.options['alt']}\n"
                    f":class: screenshot\n\n{caption}\n```")
        else:
            text = (f"*(A picture belongs here: {' '.join(self.content).rstrip('.')}. "
                    "`make docs` takes it from a real build where a browser is available; this "
                    "build of the docs had none.)*")
        holder = nodes.Element()
        holder.document = self.state.document
        self.state.nested_parse(StringList(text.splitlines(), source=name), 0, holder)
        return holder.children


def setup(app) -> dict:
    """Register the directives with Sphinx."""
    app.add_directive("perflib-data-files", DataFiles)
    app.add_directive("perflib-report-kinds", ReportKinds)
    app.add_directive("perflib-data-log", DataLog)
    app.add_directive("perflib-screenshot", Screenshot)
    app.add_directive("perflib-findings", Findings)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
