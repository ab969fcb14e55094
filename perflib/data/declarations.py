"""The reports a portfolio.yaml declares: kinds perflib knows, and notebooks of the portfolio's own.

Under ``reports:`` each entry names a report kind. A kind perflib knows (registered under the
``perflib.reports`` entry points) maps the measures it needs by role::

    complaints:
      roles: {stage1_upheld: complaints_s1_upheld, ...}

A kind may also be a notebook alone, which an analyst writes in JupyterLab (``perflib
new-report`` starts one) and the build runs, indexes and exports like any other::

    repairs: {notebook: notebooks/repairs.ipynb, title: "Repairs: deep dive"}

Its notebook is named relative to the project and must lie in the project's ``notebooks/``
folder, so no file from elsewhere is run by a build. Which kinds exist is the report kinds' to
say, after loading (:func:`perflib.reports.checks.declaration_problems`); here each entry is read,
each mapped measure must be one the register holds, and each notebook must be where it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perflib import config
from perflib.data.schema import SLUG_RE, CheckedTable
from perflib.data.yamlfile import Yaml
from perflib.errors import Problem

#: The reports a portfolio gets when its portfolio.yaml declares none.
DEFAULT_REPORTS: dict[str, dict[str, str]] = {"annual": {}}


@dataclass(frozen=True)
class NotebookReport:
    """A report kind portfolio.yaml declares as a notebook of the portfolio's own."""

    name: str
    #: what the reader calls it, e.g. "Repairs: deep dive"
    title: str
    #: the notebook, under the project's notebooks/ folder
    notebook: Path


def read_declarations(doc: Yaml, measures: CheckedTable | None, problems: list[Problem]
                      ) -> tuple[dict[str, dict[str, str]], dict[str, NotebookReport]]:
    """Each declared kind's roles mapped to the register's measures, and the notebooks declared.

    Every kind, notebook or not, is in the first mapping (with its roles, often none).
    """
    declared = doc.data.get("reports")
    if declared is None:
        return dict(DEFAULT_REPORTS), {}
    if not isinstance(declared, dict):
        problems.append(Problem(doc.path, doc.line("reports"), "reports",
                                "must map each report kind to its settings",
                                "write e.g. 'reports:' then '  annual: {}' on the next line"))
        return {}, {}
    ids = set(measures.frame["measure_id"]) if measures is not None else set()
    out: dict[str, dict[str, str]] = {}
    notebooks: dict[str, NotebookReport] = {}
    for name, settings in declared.items():
        settings = settings if isinstance(settings, dict) else {}
        roles = settings.get("roles") or {}
        if not isinstance(roles, dict):
            roles = {}
        for role, measure in roles.items():
            if measures is not None and measure not in ids:
                problems.append(Problem(doc.path, doc.line("reports", name, "roles", role),
                                        f"reports.{name}.roles.{role}",
                                        f"maps to '{measure}', which is not a measure_id in "
                                        "measures.csv",
                                        "give the measure_id of the measure that plays this "
                                        "role, as measures.csv writes it"))
        out[str(name)] = {str(k): str(v) for k, v in roles.items()}
        if "notebook" in settings:
            own = _notebook_report(doc, str(name), settings, problems)
            if own is not None:
                notebooks[own.name] = own
    return out, notebooks


def _notebook_report(doc: Yaml, name: str, settings: dict[str, Any],
                     problems: list[Problem]) -> NotebookReport | None:
    """The notebook report ``name`` declares, or ``None`` with the problems that stop it."""
    found: list[Problem] = []
    where = f"reports.{name}"
    if not SLUG_RE.match(name):
        found.append(Problem(doc.path, doc.line("reports", name), where,
                             f"'{name}' is not a report name perflib can use in file names",
                             "name it in lower-case letters, digits and underscores, starting "
                             "with a letter, e.g. repairs"))
    title = settings.get("title")
    if not isinstance(title, str) or not title.strip():
        found.append(Problem(doc.path, doc.line("reports", name, "title"), f"{where}.title",
                             "is missing" if title is None else f"'{title}' is not a title",
                             f'give the title its reader sees, e.g. title: "{_title(name)}"'))
    path, why = _notebook_path(settings["notebook"])
    if why:
        found.append(Problem(doc.path, doc.line("reports", name, "notebook"),
                             f"{where}.notebook", why, notebook_fix(name)))
    problems += found
    if found or path is None or not isinstance(title, str):
        return None
    return NotebookReport(name, title.strip(), path)


def _notebook_path(given: Any) -> tuple[Path | None, str]:
    """The notebook a declaration names, inside the project's notebooks/; else why it is not."""
    if not isinstance(given, str) or not given.strip():
        return None, f"'{given}' is not a notebook's path"
    if Path(given).is_absolute():
        return None, f"{given} is not named from the project (it is an absolute path)"
    path = config.PROJECT_ROOT / given
    inside = config.NOTEBOOKS_DIR.resolve()
    if not path.resolve().is_relative_to(inside) or path.resolve() == inside:
        return None, f"{given} is not in the project's notebooks/ folder"
    if path.suffix != ".ipynb":
        return None, f"{given} is not a notebook (a .ipynb file)"
    return path, ""


def notebook_fix(name: str) -> str:
    """How to declare report ``name``'s notebook so that a build will run it."""
    return ("put the notebook in the project's notebooks/ folder and name it from the project, "
            f"e.g. notebook: notebooks/{name}.ipynb (perflib new-report writes a starting one)")


def missing_notebooks(doc: Yaml, notebooks: dict[str, NotebookReport]) -> list[Problem]:
    """The declared notebooks that are not there, for a build (which runs them) to refuse.

    Not a problem of reading the portfolio: a notebook that loads it (another report's, or one
    on a cluster's worker, which holds only the notebook it runs) need not find them.
    """
    return [Problem(doc.path, doc.line("reports", n.name, "notebook"),
                    f"reports.{n.name}.notebook",
                    f"{config.relative(n.notebook)} does not exist", notebook_fix(n.name))
            for n in notebooks.values() if not n.notebook.is_file()]


def _title(name: str) -> str:
    """A title for a report named ``name``, until its author gives a better one."""
    return f"{name.replace('_', ' ').capitalize()}: deep dive"


__all__ = ["DEFAULT_REPORTS", "NotebookReport", "missing_notebooks", "notebook_fix",
           "read_declarations", "with_notebook_report"]


def with_notebook_report(text: str, name: str, notebook: str, title: str,
                         newline: str = "\n") -> str:
    """portfolio.yaml's ``text`` with the line that declares notebook report ``name`` added.

    Added as the last entry under ``reports:``, in that block's own style, leaving every other
    line (and comment) as it was; a file with no ``reports:`` gets one, keeping the annual report
    it got by default. ``newline`` is the file's line ending. Raises ValueError for a
    ``reports:`` that is not a mapping.
    """
    import yaml

    line = f"{name}: {{notebook: {notebook}, title: {_quoted(title)}}}"
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    node = next((v for k, v in getattr(root, "value", []) if k.value == "reports"), None)
    if node is None:
        end = text if text.endswith(("\n", "\r")) or not text else text + newline
        return f"{end}reports:{newline}  annual: {{}}{newline}  {line}{newline}"
    if not isinstance(node, yaml.MappingNode):
        raise ValueError("its reports: is not a mapping of report kinds")
    if node.flow_style:  # reports: {annual: {}}: the entry goes before the closing brace
        at = node.end_mark.index - 1
        return f"{text[:at]}{', ' if node.value else ''}{line}{text[at:]}"
    first = node.value[0][0]
    indent = " " * first.start_mark.column
    lines = text.splitlines(keepends=True)
    after = node.value[-1][1].end_mark  # the last entry's end: its line, or the start of the next
    at = after.line + (1 if after.column else 0)
    while at - 1 > node.value[-1][0].start_mark.line and (
            not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#")):
        at -= 1  # before the blank lines and comments that lead into the next key
    if at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    lines.insert(at, f"{indent}{line}{newline}")
    return "".join(lines)


def _quoted(text: str) -> str:
    """``text`` as a double-quoted YAML string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
