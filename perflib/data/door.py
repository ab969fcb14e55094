"""The one door every data file comes in by: a regular file inside the project, read without waiting.

A data file is printed into a public report, so what the door lets in matters: a symbolic link to
``/etc/passwd`` must not be printed, a named pipe (FIFO) put in place of ``commentary.md`` must not
hang ``perflib check`` for ever, and a folder, a device or a socket must be a clear data problem
rather than an ``IsADirectoryError``. Text files (every data file is CSV, YAML or Markdown) must
not hold control characters either: a NUL byte is invisible in most editors and would reach the
report as it is.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

import numpy as np

from perflib.errors import DataError, Problem

#: C0 control characters other than tab, line feed and carriage return.
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NAMES = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN "
          "ETB CAN EM SUB ESC FS GS RS US").split()
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def read_bytes(path: Path, problems: list[Problem], missing_fix: str | None = None,
               text: bool = True, inside: bool = True) -> bytes | None:
    """A data file's bytes, or ``None`` with the reason added to ``problems``.

    Only a regular file inside the project is read (a link is followed only while it stays
    inside); anything else is refused without being opened for long, so nothing can block.
    A file that is not there is a problem when ``missing_fix`` says how to create it, and quietly
    ``None`` otherwise (an optional file). With ``text`` (every data file) a file saved as UTF-16
    or holding control characters is refused too, naming each line that holds one. Without
    ``inside`` a file outside the project is read too (a data return, saved wherever its email
    put it: it is read as a workbook and its figures checked, never printed as it is).
    """
    from perflib import config

    if not path.exists() and not path.is_symlink():
        if missing_fix is not None:
            problems.append(Problem(path, None, None, "the file is missing", missing_fix))
        return None
    target = path.resolve()
    root = config.PROJECT_ROOT.resolve()
    if inside and not target.is_relative_to(root):
        problems.append(Problem(path, None, None,
                                f"is a link to {target}, outside the project",
                                "replace the link with a copy of the file inside the project"))
        return None
    try:
        raw = _read_regular(target)
    except FileNotFoundError:
        problems.append(Problem(path, None, None, f"is a link to {target}, which does not exist",
                                "replace the link with the file itself"))
        return None
    except _NotRegular as exc:
        problems.append(Problem(path, None, None, f"is {exc}, not a regular file",
                                f"replace it with a plain file named {path.name} (data/README.md "
                                "describes each file)"))
        return None
    except OSError as exc:
        problems.append(Problem(path, None, None,
                                f"cannot be read ({exc.strerror or type(exc).__name__})",
                                "make the file readable by the user who runs perflib"))
        return None
    found = text_problems(path, raw) if text else []
    if found:
        problems.extend(found)
        return None
    return raw


def read_to_edit(path: Path) -> bytes:
    """A data file's bytes, to be edited and written back, or the door's reasons as a DataError.

    The commands that change data files (new-year, draft, the imports) must read what they
    change through the door too, and stop before writing anything when it refuses.
    """
    problems: list[Problem] = []
    raw = read_bytes(path, problems, "create it as data/README.md describes")
    if raw is None:
        raise DataError(problems)
    return raw


class _NotRegular(OSError):
    """What a path is instead of a regular file: 'a folder', 'a named pipe (FIFO)' ..."""


def _kind(mode: int) -> str:
    return next((word for test, word in _KINDS if test(mode)), "not a regular file")


def _read_regular(target: Path) -> bytes:
    """Read a regular file; refuse anything else before waiting on it.

    The type is looked at twice: before opening (a FIFO opened for reading waits for a writer,
    unless opened without blocking) and on the opened file, so a file swapped for something else
    in between is still refused.
    """
    mode = os.stat(target).st_mode
    if not stat.S_ISREG(mode):
        raise _NotRegular(_kind(mode))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(target, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(_kind(mode))
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read()
    finally:
        os.close(fd)


def text_problems(path: Path, raw: bytes) -> list[Problem]:
    """What makes ``raw`` unfit as a text data file: UTF-16, or control characters, by line."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return [Problem(path, None, None, "is saved as UTF-16, not UTF-8",
                        "save it as UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (comma "
                        "delimited)')")]
    if CONTROL.search(raw) is None:  # the usual case: one pass in C, nothing else
        return []
    b = np.frombuffer(raw, dtype=np.uint8)
    bad = np.zeros(256, dtype=bool)
    bad[[c for c in range(32) if c not in (9, 10, 13)]] = True
    at = np.flatnonzero(bad[b])
    lines = np.searchsorted(np.flatnonzero(b == 10), at) + 1
    first = np.flatnonzero(np.diff(lines, prepend=0))  # the first control character of each line
    out = []
    for line, pos in zip(lines[first].tolist(), at[first].tolist(), strict=True):
        code = raw[pos]
        out.append(Problem(path, line, None,
                           f"holds a control character, {_NAMES[code]} (byte 0x{code:02x}), which a text "
                           "data file must not",
                           "delete it (such characters are invisible in most editors and come "
                           "from pasting out of other programs); save the file as plain UTF-8"))
    return out
