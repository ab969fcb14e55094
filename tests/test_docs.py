"""The documentation site: its tutorials run as written, and it builds with no warning.

A tutorial marks what a test can run (MyST ``{code-block}`` options, shown to the reader as they
are):

- ``:class: tutorial`` on a ``console`` block: each ``$ `` line is a command, run in order in a
  scratch project from its folder; every line shown under a command must be in what it printed
  (``...`` stands for what is left out). ``exit-N`` in the class: the block's last command exits N
  (every other exits 0);
- ``:class: tutorial-file`` with ``:caption: PATH``: a file the reader writes, written as shown;
- ``:class: tutorial-outputs``: the first word of each line is a file that must exist by then.

The fast tests read the marks and check the new council's files with ``perflib check``; the
end-to-end tests run each tutorial whole (real builds) and ``sphinx-build -W``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from perflib import config
from tests.conftest import scratch_project

DOCS = config.PROJECT_ROOT / "docs"
TUTORIALS = ["first-report", "next-year", "new-council"]
#: The programs a tutorial may run: nothing else is run from a page
PROGRAMS = {".venv/bin/perflib", "rm", "mkdir", "sed"}

BLOCK = re.compile(r"^```\{code-block\}[ \t]*(\w*)[ \t]*\n((?::[\w-]+:[^\n]*\n)*)\n?(.*?)^```[ \t]*$",
                   re.M | re.S)


@dataclass
class Command:
    line: str
    shown: list[str] = field(default_factory=list)
    exit: int = 0


@dataclass
class Step:
    kind: str  # run, file or outputs
    commands: list[Command] = field(default_factory=list)
    path: str = ""
    text: str = ""


def steps(name: str) -> list[Step]:
    """The marked blocks of a tutorial, in order."""
    out = []
    for m in BLOCK.finditer((DOCS / "tutorials" / f"{name}.md").read_text(encoding="utf-8")):
        options = dict(re.findall(r"^:([\w-]+):[ \t]*(.*)$", m.group(2), re.M))
        classes = options.get("class", "").split()
        if "tutorial" in classes:
            step = Step("run")
            for line in m.group(3).splitlines():
                if line.startswith("$ "):
                    step.commands.append(Command(line[2:]))
                elif line.strip():
                    step.commands[-1].shown.append(line.strip())
            code = [int(c[5:]) for c in classes if re.fullmatch(r"exit-\d+", c)]
            step.commands[-1].exit = code[0] if code else 0
            out.append(step)
        elif "tutorial-file" in classes:
            out.append(Step("file", path=options["caption"], text=m.group(3)))
        elif "tutorial-outputs" in classes:
            out.append(Step("outputs", text=m.group(3)))
    return out


def extension():
    """docs/_ext/perflib_docs.py, the Sphinx extension that makes pages from the code."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("perflib_docs", DOCS / "_ext" / "perflib_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shows(output: str, line: str) -> bool:
    """Whether some line of ``output`` holds ``line``'s parts in order (``...`` is anything)."""
    pattern = ".*".join(re.escape(part) for part in line.split("..."))
    return any(re.search(pattern, out) for out in output.splitlines())


def run_tutorial(name: str, root: Path) -> None:
    """Every step of a tutorial, in the scratch project ``root``."""
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    env = {**os.environ, "PERFLIB_ROOT": str(root)}
    env.pop("PERFLIB_DEBUG", None)
    for step in steps(name):
        if step.kind == "file":
            path = root / step.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step.text, encoding="utf-8")
        elif step.kind == "outputs":
            for line in step.text.splitlines():
                made = root / line.split()[0]
                assert made.is_file() and made.stat().st_size > 0, f"{name}: no {line.split()[0]}"
        else:
            for c in step.commands:
                res = subprocess.run(c.line, shell=True, cwd=root, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
                assert res.returncode == c.exit, f"{name}: $ {c.line} exited {res.returncode}:\n{res.stdout}"
                missing = [s for s in c.shown if not shows(res.stdout, s)]
                assert not missing, f"{name}: $ {c.line} did not print {missing}:\n{res.stdout}"


# --- fast: what the tutorials mark ------------------------------------------------------------

@pytest.mark.parametrize("name", TUTORIALS)
def test_each_tutorial_marks_commands_a_test_can_run(name):
    marked = steps(name)
    commands = [c for s in marked if s.kind == "run" for c in s.commands]
    assert commands, f"{name} marks no command"
    assert {shlex.split(c.line)[0] for c in commands} <= PROGRAMS
    assert any(s.kind == "outputs" for s in marked), f"{name} names no output"
    for s in marked:
        for line in s.text.splitlines() if s.kind == "outputs" else [s.path] if s.path else []:
            path = line.split()[0]
            assert not Path(path).is_absolute() and ".." not in Path(path).parts, path


def test_the_new_council_is_written_whole_by_its_tutorial():
    files = {s.path for s in steps("new-council") if s.kind == "file"}
    assert files == {f"data/culture/{f}" for f in (
        "portfolio.yaml", "measures.csv", "observations.csv", "overrides.csv",
        "2022-23/report.yaml", "2022-23/commentary.md", "2022-23/reserves.csv",
        "2022-23/savings.csv")}


def test_the_new_councils_files_pass_perflib_check(tmp_path, monkeypatch, capsys):
    """The files as the tutorial shows them, checked in this process: ``data OK`` and exit 0."""
    from perflib import cli

    root = scratch_project(tmp_path / "project", monkeypatch, seed=False)
    for s in steps("new-council"):
        if s.kind == "file":
            (root / s.path).parent.mkdir(parents=True, exist_ok=True)
            (root / s.path).write_text(s.text, encoding="utf-8")
    assert cli.main(["check"]) == 0
    assert capsys.readouterr().out == "data OK: culture 2022/23\n"


def test_every_data_file_has_its_source_in_the_data_log(data_copy):
    """docs' data log finds a source in SOURCES.md for every file of the seed (copied alone: a
    portfolio a council adds is ``make docs``' to check, which fails on a file with no source)."""
    perflib_docs = extension()
    sources = perflib_docs._sources((config.DATA_DIR / "SOURCES.md").read_text(encoding="utf-8"))
    files = [f.relative_to(p).as_posix() for p in config.DATA_DIR.iterdir() if p.is_dir()
             for f in p.rglob("*") if f.is_file()]
    assert "measures.csv" in files and "2020-21/engagement.csv" in files
    assert [f for f in files if not any(pat.fullmatch(f) for pat, _ in sources)] == []


def test_the_data_files_reference_gives_each_column_its_meaning_from_data_readme():
    """A file whose columns data/README.md tables has every column there (the reference shows it)."""
    from perflib.data import files

    perflib_docs = extension()
    text = (config.DATA_DIR / "README.md").read_text(encoding="utf-8")
    meanings = perflib_docs.column_meanings(text, [f.name for f in files.FILES])
    assert meanings["observations.csv"]["discrepancy"] == (
        "a known inconsistency in the published figure, with a short note")
    assert {f: [c.name for c in files.get(f).columns if c.name not in m]
            for f, m in meanings.items()} == {f: [] for f in meanings}
    assert "| `discrepancy` | a known inconsistency in the published figure, with a short note | " \
           "text | may be empty | must be in the header |" in perflib_docs.data_files_markdown()


# --- end to end: each tutorial whole, and the site ----------------------------------------------

@pytest.mark.e2e
@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_runs_as_written(name, tmp_path, monkeypatch):
    root = scratch_project(tmp_path / "project", monkeypatch)
    run_tutorial(name, root)
    if name == "new-council":  # the report says what the tutorial says it says
        text = (root / "reports/culture/2022-23/annual_report.md").read_text(encoding="utf-8")
        assert text.startswith("Thornleigh Borough Council (fictional)\n")
        assert "| CL1 | High | 98,450 | 201,300 | 243,900 | 250,000 | ▲ Amber | ↑ Getting better |" \
            in text
        assert "| CL2 | High | 86.2% (1,034 of 1,200) | 88.0% (1,100 of 1,250) | 85.0% | ✔ Green " \
               "| ↑ Getting better |" in text
        assert "Libraries had 243,900 visits in 2022/23, up 21.2% on 2021/22, against a target " \
               "of 250,000." in text
    if name == "next-year":
        assert "DRAFT" in (root / "reports/cfe/2021-22/annual_report.md").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_the_site_builds_with_no_warning(tmp_path):
    """``make docs``' sphinx-build, warnings as errors, and the pages made from the code.

    Built without the pictures, as on a machine with no browser: each page says its picture was
    not made, and that is no warning.
    """
    (tmp_path / "no-pictures").mkdir()
    res = subprocess.run([str(Path(sys.prefix) / "bin" / "sphinx-build"), "-q", "-W", "--keep-going",
                          "-b", "html", "-d", str(tmp_path / "doctrees"), str(DOCS),
                          str(tmp_path / "html")], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "PERFLIB_DOCS_PICTURES": str(tmp_path / "no-pictures")})
    assert res.returncode == 0 and res.stderr == "", res.stderr
    html = tmp_path / "html"
    index = (html / "index.html").read_text(encoding="utf-8")
    assert "<em>(A picture belongs here: A page of the seed’s 2020/21 annual report as its " \
           "committee PDF prints it. <code" in index and "this build of the docs had none.)</em>" \
           in index
    for page in TUTORIALS:
        assert (html / "tutorials" / f"{page}.html").is_file()
    assert "--scheduler" in (html / "reference" / "cli.html").read_text(encoding="utf-8")
    files = (html / "reference" / "data-files.html").read_text(encoding="utf-8")
    assert "observations.csv" in files and "figure_kind" in files
    log = (html / "explanation" / "data-log.html").read_text(encoding="utf-8")
    assert "cfe/2020-21/engagement.csv" in log and "Appendix 1 of the 2020/21 report" in log


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.mark.e2e
def test_make_docs_takes_its_pictures_from_a_real_build(tmp_path, monkeypatch):
    """docs/_ext/screenshots.py in a scratch project: the seed's report built, three pictures."""
    root = scratch_project(tmp_path / "project", monkeypatch)
    env = {**os.environ, "PERFLIB_ROOT": str(root)}

    def take() -> str:
        res = subprocess.run([sys.executable, str(DOCS / "_ext" / "screenshots.py")], env=env,
                             capture_output=True, text=True, timeout=900)
        assert res.returncode == 0, res.stdout + res.stderr
        return res.stdout

    assert take().startswith("screenshots: report-page.png, front-page.png, jupyterlab.png from "
                             "cfe 2020/21's annual report (")
    assert (root / "docs/_build/reports/cfe/2020-21/annual_report.pdf").is_file()
    pictures = root / "docs/_static/generated"
    assert png_size(pictures / "report-page.png") == (663, 937)  # an A4 page at 80 dpi
    assert png_size(pictures / "front-page.png") == (1100, 760)
    assert png_size(pictures / "jupyterlab.png") == (1280, 800)
    assert not (root / "docs/_build/lab").exists()  # JupyterLab's scratch copy is gone
    assert take() == "screenshots: up to date\n"


def test_the_performance_page_shows_a_whole_make_bench_run() -> None:
    """The page's table is what ``make bench`` printed, every row of it, not a stale or edited one."""
    import ast

    page = (DOCS / "explanation/performance.md").read_text(encoding="utf-8")
    table = page.split("## The latest table", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    lines = table.splitlines()
    assert lines[0].startswith("perflib benchmark: ") and "load average" in lines[0], lines[0]
    assert lines[-1].startswith("finished: load average"), lines[-1]
    bench = ast.parse((config.PROJECT_ROOT / "benchmarks/bench.py").read_text(encoding="utf-8"))
    labels = [call.args[0].value for call in ast.walk(bench) if isinstance(call, ast.Call)
              and getattr(call.func, "id", None) == "row" and isinstance(call.args[0], ast.Constant)]
    assert len(labels) >= 10
    for label in labels:
        assert any(line.strip().startswith(label) for line in lines), label
    # the thousand reports of scaling-out are worked out from this run's figures
    busy = re.search(r"workers one client keeps busy on the cluster\s+(\d+) workers", table)
    assert busy, "make bench printed no client figure"
    scaling = (DOCS / "explanation/scaling-out.md").read_text(encoding="utf-8")
    assert f"keeps about {busy[1]} workers busy" in " ".join(scaling.split())
