"""``perflib new-report PORTFOLIO NAME``: a deep dive of the portfolio's own, started from JupyterLab.

A report kind can be a notebook alone (:mod:`perflib.data.declarations`). This writes a starting
notebook, ``notebooks/NAME.ipynb``, and the line of portfolio.yaml that declares it, both or
neither: the notebook has its parameters cell, the load call, and one example of each kind of
cell a report is made of (Markdown, a chart and a table with their cell options, a perflib
section), all drawn from the portfolio's data and without outputs, as notebooks are committed. It
never overwrites a notebook, and never declares a report twice.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import yaml

from perflib import config
from perflib.collect import edits
from perflib.data import declarations
from perflib.data.door import read_to_edit
from perflib.data.folders import portfolio_folder
from perflib.data.schema import SLUG_RE
from perflib.data.yamlfile import read_yaml
from perflib.errors import DataError, ParameterError, Problem
from perflib.reports import kinds


def new_report(portfolio: str, name: str, data_dir: Path, title: str | None = None) -> str:
    """Write ``notebooks/<name>.ipynb`` and declare it in ``portfolio``'s portfolio.yaml.

    Returns what was done and what to do next; raises :class:`ParameterError` (exit 2) before
    writing anything for a name that cannot be used or is taken.
    """
    if not SLUG_RE.match(name):
        raise ParameterError(f"'{name}' cannot name a report: its notebook and files are named "
                             "after it; use lower-case letters, digits and underscores, starting "
                             "with a letter, e.g. repairs")
    if name in kinds():
        raise ParameterError(f"'{name}' is a report kind perflib ships; give your report a name "
                             f"of its own, e.g. {name}_local")
    yml = portfolio_folder(portfolio, data_dir) / "portfolio.yaml"
    problems: list[Problem] = []
    doc = read_yaml(yml, problems)
    if doc is None:
        raise DataError(problems)
    if name in (doc.data.get("reports") or {}):
        line = doc.line("reports", name)
        raise ParameterError(f"{yml}{f', line {line}' if line else ''} already declares the "
                             f"report '{name}'; choose another name, or remove that entry first")
    notebook = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    relative = f"{notebook.parent.name}/{notebook.name}"
    if notebook.exists() or notebook.is_symlink():
        raise ParameterError(f"{notebook} already exists, and new-report never overwrites a "
                             f"notebook; choose another name, or declare that notebook yourself "
                             f"under reports: in {yml} as {name}: {{notebook: {relative}, "
                             f'title: "..."}}')
    title = title or f"{name.replace('_', ' ').capitalize()}: deep dive"
    raw = read_to_edit(yml)  # read again, to be edited: its bytes as the analyst saved them
    text, bom = edits.text_of(raw)
    refuse = (f"{yml}: cannot add the report to its reports: safely; add this line under "
              f"reports: by hand, then run new-report again: {name}: {{notebook: {relative}, "
              f'title: "{title}"}}')
    try:
        new = declarations.with_notebook_report(text, name, relative, title, edits.eol(raw))
        before, after = yaml.safe_load(text), yaml.safe_load(new)
    except (ValueError, yaml.YAMLError):
        raise ParameterError(refuse) from None
    reports = before.get("reports") or dict(declarations.DEFAULT_REPORTS)
    if (after.get("reports") != {**reports, name: {"notebook": relative, "title": title}}
            or {k: v for k, v in after.items() if k != "reports"}
            != {k: v for k, v in before.items() if k != "reports"}):
        raise ParameterError(refuse)
    nb = starting_notebook(name, title, portfolio)
    nbformat.validate(nb)
    content = nbformat.writes(nb).rstrip("\n") + "\n"
    notebook.parent.mkdir(parents=True, exist_ok=True)
    edits.Edits(files={notebook: content.encode("utf-8"),
                       yml: edits.encode(new, bom)}).write()
    return (f"wrote {notebook} and declared it in {yml} as the report '{name}' (\"{title}\").\n"
            f"Open it in JupyterLab (.venv/bin/jupyter lab {relative}), make it your own, and "
            f"build it with perflib build --portfolio {portfolio}.")


def starting_notebook(name: str, title: str, portfolio: str) -> nbformat.NotebookNode:
    """The notebook ``new-report`` writes: every kind of cell a report has, once, no outputs."""
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell(
            f"# {title}\n\nA report of this portfolio's own, declared in its portfolio.yaml under "
            f"`reports: {name}`. `perflib build` runs this notebook for each of the portfolio's "
            "years and publishes what it shows, in every format, on the front page. Cells "
            "tagged `remove-cell` (like this one) are not printed; code is never shown.",
            metadata={"tags": ["remove-cell"]}),
        v4.new_code_cell(
            f'portfolio: str = "{portfolio}"  # portfolio folder under data/\n'
            'year: str = ""  # report year, written YYYY/YY; empty: the portfolio\'s latest\n'
            'data_dir: str = ""  # folder holding the portfolios; empty means the project\'s data/',
            metadata={"tags": ["parameters"]}),
        v4.new_code_cell(
            "from perflib.notebook import cover, load, publish\n"
            "from perflib.reports import annual\n\n"
            "report = load(portfolio, year, data_dir)\n"
            f'cover(report, "{name}")'),
        v4.new_markdown_cell(
            "## About this report\n\nWrite here what this report looks at and why. A Markdown "
            "cell is printed as it is written; every figure comes from the code cells, which "
            "read it from the portfolio's data."),
        v4.new_code_cell(
            "#| tbl-cap: Measures by rating\n"
            'ratings = (report.measures["rating"].fillna("").replace("", "Not rated")\n'
            '           .value_counts().reindex(["Green", "Amber", "Red", "Not rated"], '
            "fill_value=0)\n"
            '           .rename_axis("Rating").reset_index(name="Measures"))\n'
            "ratings"),
        v4.new_code_cell(
            "#| fig-alt: Bar chart of how many of the portfolio's measures are rated Green, "
            "Amber and Red this year, and how many are not rated; the table above gives each "
            "count.\n"
            "#| fig-cap: Measures by rating\n"
            "import matplotlib.pyplot as plt\n\n"
            'ax = ratings.plot.bar(x="Rating", y="Measures", legend=False, rot=0)\n'
            'ax.set_ylabel("Measures")\n'
            "ax.bar_label(ax.containers[0])\n"
            "plt.show()"),
        v4.new_code_cell("annual.overview(report)"),
        v4.new_code_cell(f'publish({{"{name}.csv": ratings}})',
                         metadata={"tags": ["remove-cell"]}),
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"{name[:20]}-{i}"
    nb = v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                  "name": "python3"},
                   "language_info": {"name": "python"}}
    return nb


__all__ = ["new_report", "starting_notebook"]
