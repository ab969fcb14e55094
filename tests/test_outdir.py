"""An output folder that can hold only reports.

``--out`` must lie inside the project and must neither be, contain nor lie inside the data folder,
notebooks/ or perflib/; and perflib replaces or removes only what it made, in folders it marked.
Every refusal is exit 2 (a ParameterError) before anything is written: each test checks the bytes
of everything around are unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from perflib import config
from perflib.errors import ParameterError
from perflib.run import versions as outdir
from perflib.run.build import build
from tests.conftest import scratch_project

RULE = config.OUT_RULE


def snapshot(top: Path) -> dict[str, object]:
    """Everything under ``top``: each file's bytes, each link's target, each folder."""
    out: dict[str, object] = {}
    for here, dirs, files in os.walk(top):
        for name in dirs + files:
            p = Path(here) / name
            key = str(p.relative_to(top))
            if p.is_symlink():
                out[key] = ("link", os.readlink(p))
            elif p.is_dir():
                out[key] = "folder"
            else:
                out[key] = p.read_bytes()
    return out


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project (data and notebooks), with a folder of someone's files beside it."""
    root = scratch_project(tmp_path / "project", monkeypatch)
    (tmp_path / "elsewhere" / "cfe" / "2020-21").mkdir(parents=True)
    (tmp_path / "elsewhere" / "index.html").write_text("someone else's page\n")
    (tmp_path / "elsewhere" / "cfe" / "2020-21" / "notes.txt").write_text("not a report\n")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(("out", "why"), [
    ("data", "is the data folder ({root}/data)"),
    ("data/cfe", "lies inside the data folder ({root}/data)"),
    ("data/cfe/2020-21", "lies inside the data folder ({root}/data)"),
    (".", "contains the data folder ({root}/data)"),
    ("notebooks", "is notebooks/ ({root}/notebooks)"),
    ("notebooks/reports", "lies inside notebooks/ ({root}/notebooks)"),
    ("../elsewhere", "is outside the project ({root})"),
    ("../..", "is outside the project ({root})"),
])
def test_an_out_folder_in_the_wrong_place_is_refused_and_nothing_changes(root, out, why):
    before = snapshot(root.parent)
    with pytest.raises(ParameterError) as info:
        build(portfolio="cfe", year="2020/21", out=out, jobs=1)
    assert str(info.value) == (f"reports folder '{out}' {why.format(root=root)}: {RULE}; give a "
                               "folder such as reports/")
    assert snapshot(root.parent) == before


def test_a_link_out_of_the_project_is_outside_it(root):
    (root / "out").symlink_to(root.parent / "elsewhere")
    before = snapshot(root.parent)
    with pytest.raises(ParameterError, match="reports folder 'out' is outside the project"):
        build(out="out", jobs=1)
    assert snapshot(root.parent) == before


def test_a_data_folder_given_with_data_is_guarded_too(root):
    before = snapshot(root.parent)
    with pytest.raises(ParameterError, match=r"reports folder 'data/cfe/2020-21' is the data "
                                             r"folder \(.*/data/cfe/2020-21\)"):
        build(out="data/cfe/2020-21", data_dir="data/cfe/2020-21", jobs=1)
    assert snapshot(root.parent) == before


def test_the_package_folder_is_guarded():
    """``--out perflib`` in the real project: refused before a byte is written."""
    import perflib

    package = Path(perflib.__file__).resolve().parent
    before = snapshot(package)
    with pytest.raises(ParameterError, match=r"reports folder '.*perflib' is perflib/ \("):
        build(out=package, jobs=1)
    with pytest.raises(ParameterError, match=r"lies inside perflib/"):
        build(out=package / "templates", jobs=1)
    assert snapshot(package) == before


FOREIGN = ("is a folder perflib did not make (it has no .perflib-reports marker), so perflib will "
           "not write into it or remove anything from it; give --out a new or empty folder, or "
           "move its contents away (if an earlier perflib made it, delete it: reports are rebuilt "
           "from data/ at any time)")


def test_a_folder_perflib_did_not_make_is_refused(root):
    docs = root / "docs"
    docs.mkdir()
    (docs / "index.html").write_text("the team's own page\n")
    before = snapshot(root.parent)
    with pytest.raises(ParameterError) as info:
        build(out="docs", jobs=1)
    assert str(info.value) == f"{root / 'docs'} {FOREIGN}"
    assert snapshot(root.parent) == before


def test_a_portfolio_folder_perflib_did_not_make_is_refused(root):
    out = outdir.claim(root / "reports")
    (out / "cfe").mkdir()
    (out / "cfe" / "plan.txt").write_text("someone's plan\n")
    before = snapshot(root.parent)
    with pytest.raises(ParameterError) as info:
        build(portfolio="cfe", year="2020/21", jobs=1)
    assert str(info.value) == f"{out / 'cfe'} {FOREIGN}"
    assert snapshot(root.parent) == before


@pytest.mark.parametrize("kind", ["plain folder", "link into the data", "link elsewhere"])
def test_a_report_folder_perflib_did_not_publish_is_never_replaced(root, kind):
    """The issue's case: a build once deleted a plain cfe/2020-21 folder, or a link's target."""
    out = outdir.claim(root / "reports")
    outdir.claim(out / "cfe")
    target = out / "cfe" / "2020-21"
    if kind == "plain folder":
        target.mkdir()
        (target / "notes.txt").write_text("not a report\n")
    elif kind == "link into the data":
        target.symlink_to(root / "data" / "cfe" / "2020-21")
    else:
        target.symlink_to(root.parent / "elsewhere" / "cfe" / "2020-21")
    before = snapshot(root.parent)
    with pytest.raises(ParameterError) as info:
        build(portfolio="cfe", year="2020/21", jobs=1)
    assert str(info.value) == (
        f"{target} is not a report folder perflib published (a link into {out / '.versions'}), "
        "so perflib will not replace it; move it away or give --out another folder")
    assert snapshot(root.parent) == before


def test_an_empty_folder_is_taken_and_marked(root):
    (root / "out").mkdir()
    assert outdir.claim(root / "out") == root / "out"
    assert (root / "out" / ".perflib-reports").read_text() == outdir.MARKER_TEXT
    assert outdir.ours(root / "out")


def test_the_projects_reports_folder_is_marked_in_git():
    assert (config.PROJECT_ROOT / "reports" / ".perflib-reports").read_text() == \
        outdir.MARKER_TEXT


def test_only_perflibs_versions_are_ever_removed(root):
    out = outdir.claim(root / "reports")
    staging = outdir.claim(out / ".versions")
    old = outdir.new_version(staging, "cfe", "2020-21")
    (old / "annual_report.html").write_text("old\n")
    keep = staging / "keep-me"
    keep.mkdir()
    (keep / "notes.txt").write_text("someone's\n")
    stray = outdir.new_version(staging, "cfe", "2019-20")  # a killed build's: no link to it
    folder = out / "cfe" / "2020-21"
    outdir.publish(folder, old, out)
    new = outdir.new_version(staging, "cfe", "2020-21")
    (new / "annual_report.html").write_text("new\n")
    outdir.publish(folder, new, out)
    assert (folder / "annual_report.html").read_text() == "new\n"
    assert not old.exists() and stray.exists()
    outdir.drop_stale_versions(out, staging)
    assert not stray.exists()
    assert (keep / "notes.txt").read_text() == "someone's\n"  # not a name perflib gives


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "perflib.cli", *args], capture_output=True,
                          text=True, timeout=180, cwd=root,
                          env={**os.environ, "PERFLIB_ROOT": str(root)})


@pytest.mark.parametrize("command", ["build", "watch"])
def test_out_data_exits_2_from_build_and_watch_and_the_data_stays(root, command):
    """The issue's ``perflib build --portfolio cfe --year 2020/21 --out data``."""
    before = snapshot(root.parent)
    res = run_cli(root, command, "--portfolio", "cfe", "--year", "2020/21", "--out", "data")
    assert res.returncode == 2, res.stderr
    assert res.stderr == (f"perflib: reports folder 'data' is the data folder ({root}/data): "
                          f"{RULE}; give a folder such as reports/\n")
    assert snapshot(root.parent) == before


@pytest.mark.parametrize("command", ["build", "watch"])
def test_someones_folder_where_a_report_goes_exits_2_from_build_and_watch(root, command):
    out = outdir.claim(root / "reports")
    target = outdir.claim(out / "cfe") / "2020-21"
    target.mkdir()
    (target / "index.html").write_text("someone's page\n")
    before = snapshot(root.parent)
    res = run_cli(root, command, "--portfolio", "cfe", "--year", "2020/21")
    assert res.returncode == 2, res.stderr
    assert res.stderr == (
        f"perflib: {target} is not a report folder perflib published (a link into "
        f"{out / '.versions'}), so perflib will not replace it; move it away or give --out "
        "another folder\n")
    assert snapshot(root.parent) == before


def test_a_withdrawn_report_folder_leaves_the_tree_and_its_version_is_kept(root):
    out = outdir.claim(root / "reports")
    staging = outdir.claim(out / ".versions")
    versions = {}
    for pid, year in (("gone", "2021-22"), ("kept", "2021-22"), ("mixed", "2021-22")):
        versions[pid] = outdir.new_version(staging, pid, year)
        (versions[pid] / "annual_report.html").write_text(f"{pid}\n")
        outdir.publish(out / pid / year, versions[pid], out)
    (out / "mixed" / "notes.txt").write_text("someone's\n")  # not perflib's: stays, as its folder
    theirs = out / "theirs"  # a folder perflib did not mark: never looked in
    theirs.mkdir()
    (theirs / "2021-22").symlink_to(os.path.relpath(versions["kept"], theirs))
    assert outdir.published(out) == [("gone", "2021-22"), ("kept", "2021-22"),
                                     ("mixed", "2021-22")]
    kept = outdir.withdraw(out, "gone", "2021-22")
    assert kept == out / ".versions" / "withdrawn" / versions["gone"].name
    assert (kept / "annual_report.html").read_text() == "gone\n"
    assert not (out / "gone").exists()  # only its marker was left: the folder goes too
    assert outdir.withdraw(out, "mixed", "2021-22") is not None
    assert sorted(os.listdir(out / "mixed")) == [".perflib-reports", "notes.txt"]
    assert outdir.withdraw(out, "theirs", "2021-22") is None  # not in a folder perflib marked
    assert (theirs / "2021-22").is_symlink()
    assert outdir.published(out) == [("kept", "2021-22")]
    outdir.drop_stale_versions(out, staging)  # what the next build tidies leaves them be
    assert kept.is_dir() and versions["kept"].is_dir()
    assert outdir.ours(out / ".versions" / "withdrawn")


def _published(out: Path, *folders: tuple[str, str]) -> None:
    staging = outdir.claim(out / ".versions")
    for pid, year in folders:
        outdir.publish(out / pid / year, outdir.new_version(staging, pid, year), out)


@pytest.mark.parametrize(("scope", "withdrawn", "said"), [
    ({}, ["cfe 2018/19", "council 2018/19", "gone 2019/20", "gone 2020/21"], []),
    ({"portfolio": "cfe"}, ["cfe 2018/19"], ["gone"]),
    ({"year": "2020/21"}, ["gone 2020/21"], ["gone"]),
])
def test_a_build_withdraws_what_data_no_longer_holds_within_its_scope(root, capsys, scope,
                                                                      withdrawn, said):
    from perflib.run.checking import here
    from perflib.run.steps import held, withdraw

    out = outdir.claim(root / "reports")
    _published(out, ("cfe", "2018-19"), ("cfe", "2019-20"), ("cfe", "2020-21"), ("gone", "2019-20"),
               ("gone", "2020-21"), ("council", "2018-19"), ("council", "2020-21"))
    data = root / "data"
    checks, council = here(scope.get("portfolio"), scope.get("year"), data, lambda line: None)
    capsys.readouterr()
    withdraw(out, data, held(checks, council), bool(council and council.council),
             scope.get("portfolio"), scope.get("year"))
    lines = capsys.readouterr().err.splitlines()
    assert [" ".join(x.split()[1:3]).rstrip(":") for x in lines
            if x.startswith("  withdrawn")] == withdrawn
    shelf = out / ".versions" / "withdrawn"
    names = sorted(p.name for p in shelf.iterdir() if p.is_dir()) if withdrawn else []
    assert [n.rsplit("-", 3)[0] for n in names] == sorted(w.replace(" ", "-").replace("/", "-")
                                                          for w in withdrawn)
    assert [x.split()[2].rstrip(":") for x in lines if x.startswith("  still published")] == said
    held = {("cfe", "2019-20"), ("cfe", "2020-21"), ("council", "2020-21")}
    if "year" in scope:  # out of a year's build's scope
        held.add(("cfe", "2018-19"))
    left = set(outdir.published(out))
    assert held <= left and not left & {tuple(w.replace("/", "-").split()) for w in withdrawn}
    if not scope:
        assert lines == [
            f"  withdrawn   cfe 2018/19: cfe's portfolio.yaml no longer lists 2018/19; kept in "
            f"reports/.versions/withdrawn/{names[0]} until the reports are cleaned",
            f"  withdrawn   council 2018/19: no portfolio holds it any more; kept in "
            f"reports/.versions/withdrawn/{names[1]} until the reports are cleaned",
            f"  withdrawn   gone 2019/20: data/ holds no portfolio 'gone' any more; kept in "
            f"reports/.versions/withdrawn/{names[2]} until the reports are cleaned",
            f"  withdrawn   gone 2020/21: data/ holds no portfolio 'gone' any more; kept in "
            f"reports/.versions/withdrawn/{names[3]} until the reports are cleaned"]
        assert not (out / "gone").exists()
    if "portfolio" in scope:
        assert lines[1:] == ["  still published gone: data/ holds no portfolio 'gone' any more; a "
                         "build of every portfolio and year withdraws its reports"]
