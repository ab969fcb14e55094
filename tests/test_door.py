"""Every data file comes in by one door: a regular file inside the project, read without waiting.

Folders, named pipes, devices, sockets and links out of the project are data problems naming the
file and the fix, never a hang or a crash; control characters in a text file name their line.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from perflib.data.door import read_bytes
from perflib.errors import DataError
from perflib.reports.checks import load_all

COMMENTARY = "cfe/2020-21/commentary.md"
REPLACE = "replace it with a plain file named commentary.md (data/README.md describes each file)"


def problems(data: Path) -> list:
    with pytest.raises(DataError) as info:
        load_all(data)
    return info.value.problems


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "notes.md").write_text("## foi_on_time\nIn a folder.\n")


def _device(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("creating a device needs privileges this machine does not give")


def _socket(path: Path) -> None:
    # bound by its name from inside its folder: a socket address holds 107 bytes, fewer than a
    # scratch path may have (pytest-xdist's are longer still), so the test never skips for that
    s = socket.socket(socket.AF_UNIX)
    here = os.getcwd()
    try:
        os.chdir(path.parent)
        s.bind(path.name)
    finally:
        os.chdir(here)
        s.close()


KINDS = {"folder": (_folder, "a folder"), "fifo": (_fifo, "a named pipe (FIFO)"),
         "device": (_device, "a character device"), "socket": (_socket, "a socket")}


@pytest.mark.parametrize("kind", list(KINDS))
def test_anything_but_a_regular_file_is_refused_by_name(data_copy, kind):
    make, words = KINDS[kind]
    path = data_copy / COMMENTARY
    path.unlink()
    make(path)
    found = [p for p in problems(data_copy) if p.file == path]
    assert [str(p) for p in found] == [f"{path}: is {words}, not a regular file. Fix: {REPLACE}"]


def test_a_fifo_does_not_hang_check(tmp_path):
    """`perflib check` on a FIFO in place of commentary.md answers at once (it used to wait)."""
    from tests.conftest import copy_seed

    root = tmp_path / "project"
    copy_seed(root / "data")
    path = root / "data" / COMMENTARY
    path.unlink()
    os.mkfifo(path)
    res = subprocess.run([sys.executable, "-m", "perflib.cli", "check"], capture_output=True,
                         text=True, timeout=120, env={**os.environ, "PERFLIB_ROOT": str(root)})
    assert res.returncode == 2, res.stderr
    assert f"  - {path}: is a named pipe (FIFO), not a regular file. Fix: {REPLACE}\n" in res.stderr
    assert "unexpected" not in res.stderr


def test_a_link_to_a_fifo_inside_the_project_is_refused_too(data_copy):
    pipe = data_copy / "pipe"
    os.mkfifo(pipe)
    path = data_copy / COMMENTARY
    path.unlink()
    path.symlink_to(pipe)
    (p,) = [p for p in problems(data_copy) if p.file == path]
    assert p.message == "is a named pipe (FIFO), not a regular file"


def test_a_dangling_link_is_named(data_copy):
    path = data_copy / COMMENTARY
    path.unlink()
    path.symlink_to(data_copy / "gone.md")
    (p,) = [p for p in problems(data_copy) if p.file == path]
    assert p.message == f"is a link to {data_copy / 'gone.md'}, which does not exist"


CONTROL_FIX = ("delete it (such characters are invisible in most editors and come from pasting "
               "out of other programs); save the file as plain UTF-8")


@pytest.mark.parametrize(("file", "old", "char", "name"), [
    (COMMENTARY, "were answered on time, below", "\x00", "NUL (byte 0x00)"),
    (COMMENTARY, "were answered on time, below", "\x1b", "ESC (byte 0x1b)"),
    ("cfe/2020-21/report.yaml", "version:", "\x0c", "FF (byte 0x0c)"),
    ("cfe/observations.csv", "2020/21,museum_visits,2020/21,3484", "\x07", "BEL (byte 0x07)"),
    ("cfe/comparators/values.csv", "K04000001,England and Wales,births", "\x00", "NUL (byte 0x00)"),
], ids=["NUL in commentary", "escape in commentary", "form feed in YAML", "bell in a CSV",
        "NUL in comparators"])
def test_a_control_character_is_a_data_error_naming_its_line(data_copy, file, old, char, name):
    path = data_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, old[:5] + char + old[5:], 1), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    found = [p for p in problems(data_copy) if p.file == path]
    assert [str(p) for p in found] == [
        f"{path}, row {line}: holds a control character, {name}, which a text data file must "
        f"not. Fix: {CONTROL_FIX}"]


def test_every_line_with_a_control_character_is_named_once(tmp_path, monkeypatch):
    from perflib import config

    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    path = tmp_path / "notes.md"
    path.write_bytes(b"fine\n\x00\x00 two on line 2\nfine\r\nthen \x1f on 4\n")
    found: list = []
    assert read_bytes(path, found) is None
    assert [(p.row, p.message.split(",")[1].strip()) for p in found] == [(2, "NUL (byte 0x00)"),
                                                                        (4, "US (byte 0x1f)")]


def test_tabs_and_windows_line_endings_are_text(data_copy):
    path = data_copy / COMMENTARY
    text = path.read_text(encoding="utf-8").replace("were answered", "were\tanswered", 1)
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert [r.year for r in load_all(data_copy)] == ["2019/20", "2020/21"]


def test_a_utf16_file_is_named_with_how_to_save_it(data_copy):
    path = data_copy / "cfe/2020-21/savings.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    found = [p for p in problems(data_copy) if p.file == path]
    assert [str(p) for p in found] == [
        f"{path}: is saved as UTF-16, not UTF-8. Fix: save it as UTF-8 (in Excel: File > Save "
        "As > 'CSV UTF-8 (comma delimited)')"]


def test_a_cluster_bundle_ships_no_link_out_of_the_project(data_copy, tmp_path):
    from perflib.run.worker import Bundle

    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n")
    (data_copy / "cfe" / "notes.txt").symlink_to(secret)
    bundle = Bundle.read(data_copy, _task("cfe"))
    assert "cfe/notes.txt" not in bundle.files
    assert bundle.files["cfe/measures.csv"] == (data_copy / "cfe/measures.csv").read_bytes()


def _task(portfolio: str, scope: str = "portfolio"):
    from perflib.run.tasks import Task

    return Task(portfolio=portfolio, year="2020/21", output="report", notebook="report.ipynb",
                data_dir="", workdir="", scope=scope)


def test_a_cluster_bundle_holds_what_its_task_reads(data_copy):
    """A portfolio's task takes council.yaml too (its rules reach the portfolio); the corporate
    report's takes the whole data folder."""
    import shutil

    from perflib.run.worker import Bundle

    data = data_copy
    shutil.copytree(Path(__file__).parent / "fixtures/fictional/ashdown", data,
                    dirs_exist_ok=True)
    mine = Bundle.read(data, _task("leisure"))
    assert "council.yaml" in mine.files and "leisure/measures.csv" in mine.files
    assert not any(n.startswith(("streets/", "council/")) for n in mine.files)
    every = Bundle.read(data, _task("council", "council"))
    assert {n.split("/")[0] for n in every.files} >= {"council.yaml", "council", "leisure",
                                                      "streets", "care", "cfe"}
    assert Bundle.key(_task("x", "council")) == Bundle.key(_task("y", "council"))
    (data / "council.yaml").write_text((data / "council.yaml").read_text() + "\n")
    assert Bundle.read(data, _task("leisure")).digest != mine.digest


READS = re.compile(r"\.(read_text|read_bytes|open)\(|\bopen\(|\bos\.open\(|np\.fromfile|"
                   r"pd\.read_")


def test_data_and_report_kinds_read_files_through_the_door_alone():
    """No module of perflib/data or perflib/reports reads a file itself: the door does."""
    import perflib

    package = Path(perflib.__file__).parent
    readers = {p.name: [line.strip() for line in p.read_text().splitlines() if READS.search(line)]
               for p in sorted([*package.glob("data/*.py"), *package.glob("reports/*.py")])}
    assert {name: lines for name, lines in readers.items() if lines and name != "door.py"} == {}
    assert readers["door.py"] == ["fd = os.open(target, flags)"]
