"""The project's own files: notebooks committed clean, dependency lists in step."""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from perflib import config
from tests import clean_notebooks


def _name(spec: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", spec.strip())
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_name(s) for s in py["dependencies"] + py["optional-dependencies"]["test"])
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    conda = dict(_name(d) for d in deps if isinstance(d, str) and not d.startswith(("python", "pip")))
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip[-1] == "-e ."  # ends by installing perflib itself
    conda.update(_name(d) for d in pip[:-1])
    assert conda == wanted


def test_notebooks_are_committed_without_outputs():
    paths = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
    assert paths and [p for path in paths for p in clean_notebooks.problems(path)] == []


def test_the_pre_commit_check_names_a_notebook_with_outputs(tmp_path, capsys):
    nb = json.loads((config.NOTEBOOKS_DIR / "annual_report.ipynb").read_text(encoding="utf-8"))
    code = next(i for i, c in enumerate(nb["cells"], 1) if c["cell_type"] == "code")
    nb["cells"][code - 1].update(execution_count=1, outputs=[
        {"output_type": "stream", "name": "stdout", "text": "hello\n"}])
    path = tmp_path / "ran.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert clean_notebooks.main([str(path)]) == 1
    assert capsys.readouterr().err == (f"{path}: cell {code} has outputs; run nbstripout {path}\n"
                                       f"{path}: cell {code} has an execution count; run "
                                       f"nbstripout {path}\n")
    assert clean_notebooks.main([str(config.NOTEBOOKS_DIR / "annual_report.ipynb")]) == 0


def test_parameters_cells_are_typed_and_commented():
    for path in config.NOTEBOOKS_DIR.glob("*.ipynb"):
        nb = json.loads(path.read_text())
        params = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        assert len(params) == 1, path.name
        lines = [ln for ln in "".join(params[0]["source"]).splitlines() if ln.strip()]
        names = set()
        for line in lines:
            m = re.match(r'^(\w+): (str|int|float|bool) = .+  # .+$', line)
            assert m, f"{path.name}: {line!r} needs a type and a comment"
            names.add(m.group(1))
        # a portfolio's report takes its portfolio; the council's corporate report, every one
        wanted = {"year", "data_dir"} | ({"quarter"} if path.stem == "corporate_report"
                                         else {"portfolio"})
        assert wanted <= names, path.name


def test_data_readme_documents_every_report_kinds_roles_and_facts():
    from perflib.reports import kinds

    readme = (config.PROJECT_ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for kind in kinds().values():
        assert f"### `{kind.name}`" in readme, kind.name
        for name in [*kind.roles, *kind.optional_roles, *kind.facts]:
            assert f"| `{name}` |" in readme, (kind.name, name)


def test_readme_is_a_landing_page_whose_links_and_commands_exist():
    """README is short and points into the docs; every file, make target and command it names is real."""
    from perflib.cli import parser

    root = config.PROJECT_ROOT
    text = (root / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)|src=\"([^\"]+)\"", text)
    targets = [a or b for a, b in links if not (a or b).startswith("http")]
    assert targets and all((root / t).exists() for t in targets), targets
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"`make ([a-z-]+)`", text)) | set(re.findall(r"^make ([a-z-]+)$", text, re.M)):
        assert re.search(rf"^{target}:", makefile, re.M), target
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for command in re.findall(r"`(?:\.venv/bin/)?perflib ([a-z-]+)", text):
        assert command in commands, command
