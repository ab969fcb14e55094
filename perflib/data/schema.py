"""Column specifications and the CSV/YAML readers that check data files against them.

Every check records a :class:`~perflib.errors.Problem` instead of raising, so an analyst sees all
that is wrong with a file at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from perflib.data import periods
from perflib.errors import DataError, Problem

PERIOD_RE = re.compile(r"^(\d{4})/(\d{2})$")
THOUSANDS_RE = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def period_problem(text: str) -> str | None:
    """Say what is wrong with a period label, or ``None`` for ``YYYY/YY`` (or a quarter or month).

    >>> period_problem("2020/21") is None
    True
    >>> period_problem("2020-21")
    "'2020-21' is not a period in the form YYYY/YY"
    """
    return periods.problem(text)  # a year, a quarter (2020/21 Q1) or a month (2020/21 M01)


@dataclass(frozen=True)
class Column:
    """One column of a data file: its type, whether it may be empty, and how to fix a bad value."""

    name: str
    kind: str = "text"  # text | slug | period | int | number | choice | yesno | date
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def parse(self, raw: str) -> tuple[Any, str | None, str | None]:
        """Return ``(value, problem, fix)``; value is ``None`` for an empty cell."""
        text = raw.strip()
        if text == "":
            if self.required:
                return None, "is empty", f"fill in a value ({self.describe()})"
            return None, None, None
        value: Any = text
        if self.kind == "slug" and not SLUG_RE.match(text):
            return None, f"'{text}' is not a valid id", "use lower-case letters, digits and _"
        if self.kind == "period":
            problem = period_problem(text)
            if problem:
                return None, problem, "write the period like 2020/21"
        if self.kind in ("int", "number"):
            try:
                value = float(text)
            except ValueError:
                if THOUSANDS_RE.match(text):
                    plain = text.replace(",", "")
                    return None, (f"'{text}' looks like a number with a thousands separator"), (
                        f"write it without commas: {plain}")
                return None, f"'{text}' is not a number", self.describe_fix()
            if not math.isfinite(value):
                return None, f"'{text}' is not a finite number", self.describe_fix()
            if self.kind == "int":
                if value != int(value):
                    return None, f"'{text}' is not a whole number", "write a whole number"
                value = int(value)
            if self.minimum is not None and value < self.minimum:
                return None, f"{text} is below {self.minimum:g}", self.describe_fix()
            if self.maximum is not None and value > self.maximum:
                return None, f"{text} is above {self.maximum:g}", self.describe_fix()
        if self.kind == "date":
            try:
                value = dt.date.fromisoformat(text)
            except ValueError:
                return None, f"'{text}' is not a date", "write the date as YYYY-MM-DD"
        if self.kind == "choice":
            match = {c.lower(): c for c in self.choices}.get(text.lower())
            if match is None:
                return None, f"'{text}' is not one of {', '.join(self.choices)}", (
                    f"use one of {', '.join(self.choices)}"
                )
            value = match
        if self.kind == "yesno":
            if text.lower() not in ("yes", "no"):
                return None, f"'{text}' is not yes or no", "write yes or no"
            value = text.lower() == "yes"
        return value, None, None

    def describe(self) -> str:
        """Name the kind of value the column expects, for messages."""
        return {
            "slug": "an id like foi_on_time",
            "period": "a period like 2020/21",
            "int": "a whole number",
            "number": "a number",
            "choice": "one of " + ", ".join(self.choices),
            "yesno": "yes or no",
            "date": "a date like 2021-05-17",
        }.get(self.kind, "text")

    def describe_fix(self) -> str:
        """Explain how to write an acceptable number for this column."""
        rng = ""
        if self.minimum is not None and self.maximum is not None:
            rng = f" between {self.minimum:g} and {self.maximum:g}"
        elif self.minimum is not None:
            rng = f" of at least {self.minimum:g}"
        kind = "a whole number" if self.kind == "int" else "a number"
        return f"write {kind}{rng}, digits only (no commas, % or £)"


@dataclass
class Table:
    """A checked CSV file: typed rows plus the file line each row came from."""

    path: Path
    frame: pd.DataFrame
    lines: list[int] = field(default_factory=list)
    #: (row index, column) of cells that failed to parse, so later checks don't report them twice
    bad: set[tuple[int, str]] = field(default_factory=set)

    def line(self, index: int) -> int:
        """Return the file line of the row at ``index`` (header is line 1)."""
        return self.lines[index]


def read_csv(
    path: Path,
    columns: Iterable[Column],
    problems: list[Problem],
    key: tuple[str, ...] = (),
    optional_file: bool = False,
) -> Table | None:
    """Read and check a CSV file against ``columns``; add what is wrong to ``problems``.

    Returns ``None`` when the file is too broken to read further (missing, empty, not UTF-8,
    or missing columns); otherwise a :class:`Table` whose bad cells are ``None``.
    """
    columns = list(columns)
    names = [c.name for c in columns]
    if not path.exists() and not path.is_symlink():
        if not optional_file:
            problems.append(Problem(path, None, None, "the file is missing",
                                    f"create it with the header {','.join(names)}"))
        return None
    raw = read_bytes(path, problems)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, line, None,
                                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                "save the file as 'CSV UTF-8 (comma delimited)'"))
        return None
    if not text.strip():
        problems.append(Problem(path, None, None, "the file is empty",
                                f"start it with the header line {','.join(names)}"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    if len(header) == 1 and header[0].count(";") >= 1 and len(names) > 1:
        problems.append(Problem(path, 1, None,
                                "the file is separated by semicolons, not commas",
                                "in Excel use File > Save As > 'CSV UTF-8 (comma delimited)' "
                                "(a semicolon list separator comes from the computer's region "
                                "settings)"))
        return None
    ok = True
    for name in names:
        if name not in header:
            close = difflib.get_close_matches(name, header, n=1)
            hint = f" (is '{close[0]}' a misspelling?)" if close else ""
            problems.append(Problem(path, 1, name, f"the column is missing{hint}",
                                    f"the header must contain {','.join(names)}"))
            ok = False
    for name in header:
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            fix = f"rename it to '{close[0]}'" if close else "remove the column"
            problems.append(Problem(path, 1, name or "(blank)", "the column is not expected", fix))
            ok = False
    if not ok:
        return None
    found: list[tuple[int, int, Problem]] = []  # (line, order in the row, problem)
    raw, lines = _records(text, len(header), path, found)
    raw.columns = header
    frame = pd.DataFrame(index=raw.index)
    bad: set[tuple[int, str]] = set()
    for order, col in enumerate(columns):
        values, failed = _parse_column(col, raw[col.name], lines, path, order, found)
        frame[col.name] = values
        bad.update((int(i), col.name) for i in failed)
    if key and len(frame):
        _duplicates(frame, lines, key, path, len(columns), found)
    found.sort(key=lambda f: (f[0], f[1]))
    problems.extend(p for _, _, p in found)
    return Table(path, frame, lines.tolist(), bad)


def _records(text: str, width: int, path: Path,
             found: list[tuple[int, int, Problem]]) -> tuple[pd.DataFrame, np.ndarray]:
    """The data rows of a CSV file as strings, and the file line of each (header = 1).

    Blank rows are skipped and a row with the wrong number of cells is reported and left out,
    as Excel users produce both. The file is split into lines and measured with numpy, and the
    rows are parsed by pandas' C reader; a file with a quoted cell running over several lines
    (rare in these files) is read row by row with the csv module instead.
    """
    text = text.replace("\r\n", "\n")
    _, _, body = text.partition("\n")
    if "\r" in body:
        return _records_slow(text, width, path, found)
    if body.endswith("\n"):
        body = body[:-1]
    if not body:
        return pd.DataFrame(columns=range(width), dtype=object), np.zeros(0, dtype=int)
    b = np.frombuffer(body.encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(b == 10)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(b)]))
    length = stops - starts

    def per_line(mask: np.ndarray) -> np.ndarray:
        counts = np.add.reduceat(mask.astype(np.int32), np.minimum(starts, len(b) - 1))
        counts[length == 0] = 0
        return counts

    quotes = per_line(b == 34)
    if (quotes % 2).any():  # a quoted cell may run onto the next line
        return _records_slow(text, width, path, found)
    cells = per_line(b == 44) + 1
    blankish = per_line((b == 32) | (b == 44) | (b == 9))
    blank = blankish == length
    split = body.split("\n")
    for i in np.flatnonzero(quotes):  # commas inside quotes: count this line's cells properly
        record = next(csv.reader([split[i]]))
        cells[i] = len(record)
        blank[i] = not any(c.strip() for c in record)
    wrong = ~blank & (cells != width)
    for i in np.flatnonzero(wrong):
        record = next(csv.reader([split[i]]))
        found.append((int(i) + 2, -1, Problem(
            path, int(i) + 2, None, f"has {len(record)} cells but the header has {width}",
            _cells_fix(record))))
    keep = ~blank & ~wrong
    if not keep.all():
        body = "\n".join(split[i] for i in np.flatnonzero(keep))
    lines = np.flatnonzero(keep) + 2
    if not len(lines):
        return pd.DataFrame(columns=range(width), dtype=object), lines
    raw = pd.read_csv(io.StringIO(body), header=None, names=range(width), dtype=str,
                      keep_default_na=False, na_filter=False, skip_blank_lines=False,
                      engine="c")
    return raw, lines


def _records_slow(text: str, width: int, path: Path,
                  found: list[tuple[int, int, Problem]]) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`_records` for a file whose cells may hold line breaks: the csv module, row by row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    rows: list[list[str]] = []
    lines: list[int] = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != width:
            found.append((line, -1, Problem(path, line, None,
                                            f"has {len(record)} cells but the header has {width}",
                                            _cells_fix(record))))
            continue
        rows.append(record)
        lines.append(line)
    return pd.DataFrame(rows, columns=range(width), dtype=object), np.array(lines, dtype=int)


_NUMBER = r"-?\d+(?:\.\d+)?"
_SHAPES = {"slug": SLUG_RE.pattern.strip("^$"), "period": r"\d{4}/\d{2}", "int": _NUMBER,
           "number": _NUMBER, "date": r"\d{4}-\d{2}-\d{2}"}


def _parse_column(col: Column, cells: pd.Series, lines: np.ndarray, path: Path, order: int,
                  found: list[tuple[int, int, Problem]]) -> tuple[pd.Series, np.ndarray]:
    """Parse a whole column at once; return its values and the positions of bad cells.

    Cells of the ordinary shape are parsed by pandas over the whole column; the rest (empty,
    unusual or wrong) go one by one through :meth:`Column.parse`, so a message is word for word
    what that method says and an unusual but acceptable value ('1e3', 'YES') is still accepted.
    """
    text = cells.astype(object).str.strip()
    empty = (text == "").to_numpy()
    values = pd.Series(None, index=cells.index, dtype=object)
    if col.kind in _SHAPES:
        ok = text.str.fullmatch(_SHAPES[col.kind]).to_numpy(dtype=bool, copy=True)
    else:
        ok = ~empty
    if col.kind == "period" and ok.any():
        t = text[ok]
        first = t.str[:4].astype(int)
        ok[ok] = ((first + 1) % 100 == t.str[5:7].astype(int)).to_numpy()
    if col.kind in ("int", "number"):
        nums = pd.to_numeric(text.where(ok), errors="coerce").astype(float)
        if col.minimum is not None:
            ok &= ~(nums < col.minimum).to_numpy()
        if col.maximum is not None:
            ok &= ~(nums > col.maximum).to_numpy()
        if col.kind == "int":
            ok &= (nums == nums.round()).to_numpy()
        values = nums.where(ok)
    elif col.kind == "date":
        dates = pd.to_datetime(text.where(ok), format="%Y-%m-%d", errors="coerce")
        ok &= dates.notna().to_numpy()
        values = pd.Series(np.where(ok, dates.dt.date.astype(object), None), index=cells.index,
                           dtype=object)
    elif col.kind == "choice":
        canon = text.str.lower().map({c.lower(): c for c in col.choices})
        ok &= canon.notna().to_numpy()
        values = canon.where(ok, None).astype(object)
    elif col.kind == "yesno":
        lower = text.str.lower()
        ok &= lower.isin(("yes", "no")).to_numpy()
        values = pd.Series(np.where(ok, (lower == "yes").to_numpy(), None), index=cells.index,
                           dtype=object)
    else:
        values = text.where(ok, None).astype(object)
    failed: list[int] = []
    rest = np.flatnonzero(~ok & ~(empty & (not col.required)))
    if len(rest):
        out = values.to_numpy(dtype=object if values.dtype == object else float, copy=True)
        parsed = {}
        for i in rest:
            raw = text.iat[i]
            if raw not in parsed:
                parsed[raw] = col.parse(raw)
            value, problem, fix = parsed[raw]
            if problem:
                found.append((int(lines[i]), order, Problem(path, int(lines[i]), col.name,
                                                            problem, fix or "")))
                failed.append(int(i))
            elif value is not None:
                out[i] = value
        values = pd.Series(out, index=cells.index)
    if col.kind in ("int", "number"):
        values = pd.to_numeric(values, errors="coerce").astype(float)
    else:
        values = values.astype(object).where(values.notna(), None)
    return values, np.array(failed, dtype=int)


def _duplicates(frame: pd.DataFrame, lines: np.ndarray, key: tuple[str, ...], path: Path,
                order: int, found: list[tuple[int, int, Problem]]) -> None:
    """Report every row whose key repeats an earlier row's (rows with an empty key part aside)."""
    keys = frame[list(key)]
    whole = keys.notna().all(axis=1).to_numpy()
    if not whole.any():
        return
    k = keys[whole]
    repeat = k.duplicated(keep="first").to_numpy()
    if not repeat.any():
        return
    first = pd.Series(lines[whole]).groupby([k[c].to_numpy() for c in key],
                                            sort=False).transform("first").to_numpy()
    idx = np.flatnonzero(whole)
    for j in np.flatnonzero(repeat):
        row = k.iloc[j]
        line = int(lines[idx[j]])
        found.append((line, order, Problem(
            path, line, ",".join(key),
            f"repeats row {int(first[j])} ({', '.join(_key_text(v) for v in row)})",
            "delete the duplicate or correct its key")))


def _key_text(v: Any) -> str:
    """A key part as the row-by-row reader printed it (an int column read as float prints 3)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _cells_fix(record: list[str]) -> str:
    """How to mend a row with too many cells: a split thousands separator, or an unquoted comma."""
    for a, b in zip(record, record[1:], strict=False):
        if re.fullmatch(r"\s*\d{1,3}", a) and re.fullmatch(r"\d{3}(\.\d+)?\s*", b):
            return (f"'{a.strip()},{b.strip()}' looks like a number with a thousands separator: "
                    f"write it without the comma ({a.strip()}{b.strip()})")
    return "quote any cell that contains a comma, e.g. \"a, b\""


def read_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    """A data file's bytes, refusing a link that leads outside the data folder's project.

    A data file is printed into a public report; a symbolic link to /etc/passwd must not be.
    """
    from perflib import config

    target = path.resolve()
    roots = [config.PROJECT_ROOT.resolve()]
    if not any(target.is_relative_to(r) for r in roots):
        problems.append(Problem(path, None, None,
                                f"is a link to {target}, outside the project",
                                "replace the link with a copy of the file inside the project"))
        return None
    if not target.exists():
        problems.append(Problem(path, None, None, f"is a link to {target}, which does not exist",
                                "replace the link with the file itself"))
        return None
    return target.read_bytes()


@dataclass
class Yaml:
    """A YAML file's data plus the line of every key, so messages can point at it."""

    path: Path
    data: dict
    key_lines: dict[tuple, int]

    def line(self, *keys: Any) -> int | None:
        """Return the line of a nested key (or of its nearest parent)."""
        for n in range(len(keys), 0, -1):
            if keys[:n] in self.key_lines:
                return self.key_lines[keys[:n]]
        return None


def _key_lines(node: yaml.Node, prefix: tuple, out: dict[tuple, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = prefix + (k.value,)
            out[key] = k.start_mark.line + 1
            _key_lines(v, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out[prefix + (i,)] = v.start_mark.line + 1
            _key_lines(v, prefix + (i,), out)


def read_yaml(path: Path, problems: list[Problem], optional_file: bool = False) -> Yaml | None:
    """Read a YAML mapping, recording the line of every key for later messages."""
    if not path.exists() and not path.is_symlink():
        if not optional_file:
            problems.append(Problem(path, None, None, "the file is missing",
                                    "create it as data/README.md describes"))
        return None
    raw = read_bytes(path, problems)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8-sig")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        problems.append(Problem(path, None, None, "the file is not valid UTF-8",
                                "save it as UTF-8"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(path, mark.line + 1 if mark else None, None,
                                f"is not valid YAML ({getattr(exc, 'problem', exc)})",
                                "check indentation and quote text containing ': '"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path, None, None, "must be a mapping of keys to values",
                                "start each top-level line with 'key: value'"))
        return None
    lines: dict[tuple, int] = {}
    _key_lines(node, (), lines)
    return Yaml(path, data, lines)


def require(doc: Yaml, problems: list[Problem], keys: tuple, kind: type | tuple[type, ...],
            fix: str) -> Any:
    """Fetch a nested key from a YAML document, recording a problem when it is absent or mistyped."""
    value: Any = doc.data
    for k in keys:
        if isinstance(value, dict) and k in value:
            value = value[k]
        elif isinstance(value, list) and isinstance(k, int) and k < len(value):
            value = value[k]
        else:
            problems.append(Problem(doc.path, doc.line(*keys), ".".join(map(str, keys)),
                                    "is missing", fix))
            return None
    if value is None or value == "":
        problems.append(Problem(doc.path, doc.line(*keys), ".".join(map(str, keys)),
                                "is still blank", fix, todo=True))
        return None
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        value = "bool"
    if not isinstance(value, kind):
        problems.append(Problem(doc.path, doc.line(*keys), ".".join(map(str, keys)),
                                f"'{value}' has the wrong type", fix))
        return None
    return value


def raise_if(problems: list[Problem]) -> None:
    """Raise a :class:`DataError` carrying every problem, if there are any."""
    if problems:
        raise DataError(problems)
