"""Sphinx directives that write reference pages from perflib's own registries.

Each directive builds Markdown from the code (the data-file registry and its column specs, the
report kinds and their roles) and has MyST parse it in place, so a file, column or role added to
the code appears in the docs without anyone editing a page.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _column_row(c) -> str:
    what = c.describe()
    if c.kind in ("int", "number") and (c.minimum is not None or c.maximum is not None):
        lo = "" if c.minimum is None else f"from {c.minimum:g}"
        hi = "" if c.maximum is None else f"to {c.maximum:g}"
        what += " " + " ".join(p for p in (lo, hi) if p)
    filled = "every row" if c.required else "may be empty"
    header = "optional column" if c.optional else "must be in the header"
    return f"| `{c.name}` | {_cell(what)} | {filled} | {header} |"


def data_files_markdown() -> str:
    """Every registered data file: the registry's table, then each CSV's columns."""
    from perflib.data import files
    from perflib.reports import readers

    readers_of = readers()
    lines = ["## Every file", "", files.table(readers_of), ""]
    for f in files.FILES:
        where = "each report year's folder" if f.level == files.YEAR else "the portfolio's folder"
        lines += [f"## `{f.name}`", "", f"{f.about[:1].upper()}{f.about[1:]}. In {where}; "
                  f"{'needed' if f.required else 'optional'}.", ""]
        if f.columns:
            if f.key:
                lines += [f"No two rows share {', '.join(f'`{k}`' for k in f.key)}.", ""]
            lines += ["| column | holds | cells | header |", "| --- | --- | --- | --- |"]
            lines += [_column_row(c) for c in f.columns]
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


def setup(app) -> dict:
    """Register the directives with Sphinx."""
    app.add_directive("perflib-data-files", DataFiles)
    app.add_directive("perflib-report-kinds", ReportKinds)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
