"""Report years checked once for the bytes they were read from: in a process, and in its kernels.

A build checks every report year before it runs a notebook; each notebook then loads its year
again in its kernel (it must: a notebook run by hand is checked too), a warm kernel runs notebook
after notebook on the same year, and ``perflib watch`` checks every year again on every save.
Checking a year costs 0.1-0.3 s; reading its files to see whether they changed, a millisecond.
So a checked portfolio, and a checked report year, are kept by a fingerprint of everything their
check reads (:func:`fingerprint`): in this process, and, where a build names a folder of its own
in ``PERFLIB_CHECKED`` (:func:`sharing`), on disk for the kernels it starts, which then take the
build's check instead of making it again. A changed byte, or a file added, removed or turned
into a link, is another fingerprint, so nothing is ever served from a check of other data; what
the fingerprint cannot vouch for (a folder that is a link, a FIFO) is checked every time.

Each is kept pickled, so every caller gets objects of its own to change.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import stat
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from perflib import config

#: The environment variable naming the folder a build shares its checks through with its kernels.
SHARED = "PERFLIB_CHECKED"
#: Checks kept in a process (the most recently used); a large portfolio's are not kept at all.
KEEP = 64
LARGEST = 16 * 2**20
_YEAR_DIR = re.compile(r"^\d{4}-\d{2}$")
_COUNCIL_FILE = "council.yaml"  # perflib.data.council.FILE: read by every portfolio's check

_lock = threading.Lock()
_kept: OrderedDict[bytes, bytes] = OrderedDict()

T = TypeVar("T")


class _Unsure(Exception):
    """Something the check may read that a fingerprint cannot vouch for."""


def _entry(h: Any, path: Path, name: str) -> None:
    """Add one file to the fingerprint ``h``: its name, and what the data door makes of it.

    Its bytes, or why the door refuses it (a link out of the project, a FIFO): the check reads
    it through the same door, so it sees exactly this.
    """
    from perflib.data.door import read_bytes

    problems: list[Any] = []
    raw = read_bytes(path, problems, text=False)
    h.update(f"{name}\0{raw is None}\0{'|'.join(map(str, problems))}\0".encode())
    if raw is not None:
        h.update(hashlib.blake2b(raw, digest_size=20).digest())


def _walk(h: Any, folder: Path, prefix: str, year: str | None) -> None:
    """Every file under ``folder``; of the year folders (2020-21) only ``year``'s."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        h.update(f"{prefix}\0no folder\0".encode())
        return
    for e in entries:
        name = f"{prefix}/{e.name}"
        if e.is_dir(follow_symlinks=False):
            if prefix == "" and _YEAR_DIR.match(e.name) and e.name != year:
                continue  # another year's folder: this check never reads it
            h.update(f"{name}\0dir\0".encode())
            _walk(h, Path(e.path), name, year)
        elif e.is_symlink() and Path(e.path).is_dir():
            raise _Unsure(e.path)  # a folder that is a link: its files could change unseen
        else:
            _entry(h, Path(e.path), name)


def fingerprint(folder: Path, year: str | None = None) -> bytes | None:
    """What a portfolio's check reads (with ``year``, that year's check), as one digest.

    The portfolio's files outside its year folders (and, with ``year``, that year's folder),
    data/'s council.yaml, and the project's folders (a link is judged against the project).
    ``None`` when it cannot be vouched for: the check must then be made.
    """
    h = hashlib.blake2b(digest_size=24)
    roots = (config.PROJECT_ROOT.resolve(), config.NOTEBOOKS_DIR, folder.resolve(), folder, year)
    h.update(repr(roots).encode())
    try:
        _entry(h, folder.parent / _COUNCIL_FILE, _COUNCIL_FILE)
        _walk(h, folder, "", config.year_folder(year) if year else None)
    except (_Unsure, OSError):  # a folder that is a link, or one that cannot be listed
        return None
    return h.digest()


def _shared() -> Path | None:
    folder = os.environ.get(SHARED)
    # only a folder of this user's that no one else may write in: its pickles are trusted
    return Path(folder) if folder and _private(Path(folder)) else None


def _get(key: bytes) -> bytes | None:
    with _lock:
        blob = _kept.get(key)
        if blob is not None:
            _kept.move_to_end(key)
            return blob
    folder = _shared()
    if folder is None:
        return None
    from perflib.data.door import read_bytes

    blob = read_bytes(folder / f"{key.hex()}.pickle", [], text=False, inside=False)
    if blob is None:
        return None
    _keep(key, blob)
    return blob


def _keep(key: bytes, blob: bytes) -> None:
    if len(blob) > LARGEST:
        return
    with _lock:
        _kept[key] = blob
        while len(_kept) > KEEP:
            _kept.popitem(last=False)


def _put(key: bytes, blob: bytes) -> None:
    _keep(key, blob)
    folder = _shared()
    if folder is None or len(blob) > LARGEST:
        return
    target = folder / f"{key.hex()}.pickle"
    if target.exists():
        return
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, target)  # whole or not at all: a kernel never reads half a pickle
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def once(key: bytes | None, make: Callable[[], T]) -> T:
    """``make()``, or a copy of what it gave for the same ``key`` before (``None``: no key)."""
    if key is None:
        return make()
    blob = _get(key)
    if blob is not None:
        try:
            value: T = pickle.loads(blob)  # noqa: S301 (written by this user's perflib alone)
            return value
        except Exception:  # noqa: S110 (a pickle a library upgrade cannot read: check again)
            pass
    value = make()
    _put(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def portfolio_key(folder: Path) -> bytes | None:
    """The key of a portfolio's own check (its files outside the year folders)."""
    found = fingerprint(folder)
    return None if found is None else b"portfolio\0" + found


def year_key(folder: Path, year: str) -> bytes | None:
    """The key of a report year's check (its portfolio's files and the year's folder)."""
    found = fingerprint(folder, year)
    return None if found is None else b"year\0" + found


#: Where a build keeps its checks from one build to the next (``off``: nowhere, each build its own).
CACHE = "PERFLIB_CACHE"
#: The checks a cache folder keeps (the most recently made), and the code versions it keeps them for.
KEEP_FILES, KEEP_VERSIONS = 512, 3


def _private(folder: Path) -> bool:
    """Whether ``folder`` is a folder of this user's that no one else may write in."""
    try:
        st = os.stat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def _kept_folder(code: str) -> Path | None:
    """This user's folder of checks made by this code (on these libraries), or ``None``.

    A change to perflib's code, Python, pandas or numpy is another folder; the oldest folders
    and checks are removed as new ones are made.
    """
    from importlib.metadata import version

    given = os.environ.get(CACHE)
    if given == "off":
        return None
    root = Path(given) if given else Path(os.environ.get("XDG_CACHE_HOME") or
                                          Path.home() / ".cache") / "perflib" / "checked"
    stamp = repr((code, sys.version, version("pandas"), version("numpy")))
    folder = root / hashlib.blake2b(stamp.encode(), digest_size=10).hexdigest()
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)  # its parents as they come
        folder.mkdir(mode=0o700, exist_ok=True)
        os.utime(folder)
        if not (_private(root) and _private(folder)):
            return None
        versions = sorted((f for f in root.iterdir() if f.is_dir()), key=lambda f: f.stat().st_mtime)
        for old in versions[:-KEEP_VERSIONS]:
            shutil.rmtree(old, ignore_errors=True)
        found = sorted(folder.glob("*.pickle"), key=lambda f: f.stat().st_mtime)
        for old in found[:-KEEP_FILES]:
            old.unlink(missing_ok=True)
    except OSError:  # no home, a read-only one: each build keeps its checks to itself
        return None
    return folder


@contextmanager
def sharing(code: str | None = None) -> Iterator[Path]:
    """A folder of this user's, named in ``PERFLIB_CHECKED`` while it lasts.

    Entered before a build's kernels start (they take the environment as they start), so they
    find there every year the build checked. With the ``code`` it runs (perflib's code hash),
    the folder is kept for the next build of that code, which then checks only what changed
    (``PERFLIB_CACHE`` names another place, or ``off``); otherwise it is the build's alone. A
    folder named already (a watch's, or the build's caller's) is kept, and left to its owner.
    """
    given = _shared()
    if given is not None:
        yield given
        return
    kept = _kept_folder(code) if code else None
    folder = kept or Path(tempfile.mkdtemp(prefix="perflib-checked-"))  # 0700: this user's
    before = os.environ.get(SHARED)
    os.environ[SHARED] = str(folder)
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop(SHARED, None)
        else:
            os.environ[SHARED] = before
        if kept is None:
            shutil.rmtree(folder, ignore_errors=True)


def forget() -> None:
    """Drop every check kept in this process (a test that changes perflib's rules, say)."""
    with _lock:
        _kept.clear()


__all__ = ["CACHE", "SHARED", "fingerprint", "forget", "once", "portfolio_key", "sharing", "year_key"]
