"""Checks made once for the bytes they read: never served for other bytes, and shared with the
kernels a build starts (perflib.reports.checked); a cluster's client reads no data at all."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from perflib import config
from perflib.errors import DataError
from perflib.reports import checked, checks
from perflib.reports.checks import load_report

CHILD = """
import sys
from perflib.reports import checks
def refuse(*args, **kwargs):
    raise AssertionError("checked again")
checks.read_report = checks.read_portfolio = refuse
print(checks.load_report("cfe", "2020/21").portfolio.name)
"""


def test_a_year_is_checked_once_for_its_bytes_and_each_caller_gets_its_own(data_copy,
                                                                            monkeypatch):
    first = load_report("cfe", "2020/21")
    monkeypatch.setattr(checks, "read_report", _refuse)
    monkeypatch.setattr(checks, "read_portfolio", _refuse)
    second = load_report("cfe", "2020/21")  # the same bytes: the check made above, not again
    assert second is not first and second.portfolio is not first.portfolio
    assert second.measures.equals(first.measures) and second.findings == first.findings
    second.measures.loc[:, "value"] = -1.0  # a notebook changing its report changes no other's
    assert load_report("cfe", "2020/21").measures["value"].equals(first.measures["value"])


def test_a_changed_byte_is_checked_again(data_copy):
    load_report("cfe", "2020/21")
    path = data_copy / "cfe/2020-21/commentary.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAn unclosed {brace.\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_report("cfe", "2020/21")
    assert any(p.file == path and "{" in p.message for p in exc.value.problems), exc.value
    load_report("cfe", "2019/20")  # another year's folder is not what 2019/20's check read


def test_a_file_turned_into_a_link_out_of_the_project_is_checked_again(data_copy, tmp_path):
    load_report("cfe", "2020/21")
    overrides = data_copy / "cfe/overrides.csv"
    outside = tmp_path / "overrides.csv"
    outside.write_bytes(overrides.read_bytes())  # the same bytes, read through a link
    overrides.unlink()
    overrides.symlink_to(outside)
    with pytest.raises(DataError) as exc:
        load_report("cfe", "2020/21")
    assert [str(p) for p in exc.value.problems if p.file == overrides] == [
        f"{overrides}: is a link to {outside}, outside the project. Fix: replace the link with a "
        "copy of the file inside the project"]


def test_a_builds_checks_reach_the_kernels_it_starts(data_copy, monkeypatch):
    """A process started with the build's folder named takes the build's check, not its own;
    a folder others may write in is not trusted."""
    # the project's folders, as a kernel started with PERFLIB_ROOT finds them
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", config.PROJECT_ROOT / "notebooks")
    env = {**os.environ, "PERFLIB_ROOT": str(config.PROJECT_ROOT)}
    with checked.sharing() as folder:
        load_report("cfe", "2020/21")
        env[checked.SHARED] = str(folder)
        took = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                              text=True, check=False)
        assert took.stdout.strip() == "Citizen Focus and Engagement", took.stderr
        folder.chmod(0o777)
        refused = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                                 text=True, check=False)
        assert refused.returncode != 0 and "AssertionError: checked again" in refused.stderr
        folder.chmod(0o700)
    assert not folder.exists()  # a build's own folder (PERFLIB_CACHE is not given one here)


def test_the_next_build_of_the_same_code_finds_its_checks_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(checked.CACHE, str(tmp_path / "cache"))
    monkeypatch.delenv(checked.SHARED, raising=False)
    with checked.sharing("code 1") as one:
        (one / "a.pickle").write_bytes(b"kept")
    with checked.sharing("code 1") as again:
        assert again == one and (again / "a.pickle").read_bytes() == b"kept"
        assert os.environ[checked.SHARED] == str(again)
        assert oct((tmp_path / "cache").stat().st_mode & 0o777) == "0o700"
        assert oct(again.stat().st_mode & 0o777) == "0o700"
    assert checked.SHARED not in os.environ
    for n in range(2, 2 + checked.KEEP_VERSIONS):  # another code is another folder
        with checked.sharing(f"code {n}") as other:
            assert other != one
            os.utime(other, (n * 1e6, n * 1e6))  # each newer than the one before
    os.utime(one, (1, 1))
    with checked.sharing("code 9"):
        pass
    assert not one.exists()  # the oldest went
    monkeypatch.setenv(checked.CACHE, "off")
    with checked.sharing("code 1") as own:
        assert not own.is_relative_to(tmp_path)
    assert not own.exists()


def test_a_cluster_client_imports_no_data_library():
    """It sends work and publishes: the checks and figures are the workers'."""
    code = ("import sys; import perflib.cli, perflib.run.build, perflib.run.cluster, "
            "perflib.run.publish, perflib.run.frontpage, distributed; "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'perflib.data.portfolio', "
            "'perflib.reports.checks') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_a_portfolio_id_is_the_same_rule_for_the_client_and_the_data():
    from perflib.data.folders import PORTFOLIO_ID
    from perflib.data.schema import SLUG_RE

    assert PORTFOLIO_ID.pattern == SLUG_RE.pattern


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("checked again")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    checked.forget()  # each test starts with no check kept in this process
