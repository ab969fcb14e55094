"""CSV data files read and checked against their columns, fast enough for a million rows.

pyarrow parses the file and each column's distinct values are checked once; only the cells that
are wrong are worded one by one, so a bad large file costs a count, not a million messages.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from perflib.data.capped import Tally, by_kind, cells_fix, duplicates
from perflib.data.csvrows import FIELD_LIMIT, may_hold_long_cell, rows, too_long
from perflib.data.door import read_bytes
from perflib.data.schema import SLUG_RE, Cells, CheckedTable, Column
from perflib.errors import DataError, Problem, kind


def read_csv(
    path: Path,
    columns: Iterable[Column],
    problems: list[Problem],
    key: tuple[str, ...] = (),
    optional_file: bool = False,
) -> CheckedTable | None:
    """Read and check a CSV file against ``columns``; add what is wrong to ``problems``.

    Returns ``None`` when the file is too broken to read further (missing, empty, not UTF-8,
    or missing columns); otherwise a :class:`CheckedTable` whose bad cells are ``None``.
    """
    columns = tuple(columns)
    needed = [c.name for c in columns if not c.optional]
    raw = read_bytes(path, problems,
                     None if optional_file else f"create it with the header {','.join(needed)}")
    if raw is None:
        return None
    memo = (str(path), columns, tuple(key), hashlib.blake2b(raw, digest_size=16).digest())
    with _LOCK:
        hit = _PARSED.get(memo)
        if hit is not None:
            _PARSED.move_to_end(memo)
    if hit is not None:  # the same bytes read again (the next notebook, the next watch build)
        problems.extend(hit[1])
        return _copy(hit[0])
    before = len(problems)
    table = _parse(path, raw, columns, needed, problems, key)
    if table is None or len(table.frame) <= _SMALL:  # a large file is not kept in memory
        with _LOCK:
            _PARSED[memo] = (_copy(table), problems[before:])
            while len(_PARSED) > _KEEP:
                _PARSED.popitem(last=False)
    return table


#: Files parsed in this process, by path, columns and content: a warm kernel runs notebook after
#: notebook on the same portfolio, and ``perflib watch`` checks every file again on each edit.
#: Keyed by the bytes themselves, so a changed file is always parsed again.
_PARSED: OrderedDict[tuple, tuple[CheckedTable | None, list[Problem]]] = OrderedDict()
_KEEP = 512
_LOCK = threading.Lock()


def _copy(t: CheckedTable | None) -> CheckedTable | None:
    """A table its reader may change without changing the one kept."""
    return None if t is None else CheckedTable(t.path, t.frame.copy(), list(t.lines), t.bad.copy())


def _parse(path: Path, raw: bytes, columns: tuple[Column, ...], needed: list[str],
           problems: list[Problem], key: tuple[str, ...]) -> CheckedTable | None:
    """:func:`read_csv` on the file's bytes, once the door has let them in."""
    names = [c.name for c in columns]
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
                                f"start it with the header line {','.join(needed)}"))
        return None
    try:
        header = [h.strip() for h in next(rows(text, path))[1]]
    except DataError as exc:  # a cell past the bound in the header itself
        problems.extend(exc.problems)
        return None
    if len(header) == 1 and header[0].count(";") >= 1 and len(names) > 1:
        problems.append(Problem(path, 1, None,
                                "the file is separated by semicolons, not commas",
                                "in Excel use File > Save As > 'CSV UTF-8 (comma delimited)' "
                                "(a semicolon list separator comes from the computer's region "
                                "settings)"))
        return None
    ok = True
    for name in needed:
        if name not in header:
            close = difflib.get_close_matches(name, header, n=1)
            hint = f" (is '{close[0]}' a misspelling?)" if close else ""
            problems.append(Problem(path, 1, name, f"the column is missing{hint}",
                                    f"the header must contain {','.join(needed)}"))
            ok = False
    for name in header:
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            fix = f"rename it to '{close[0]}'" if close else "remove the column"
            problems.append(Problem(path, 1, name or "(blank)", "the column is not expected", fix))
            ok = False
    if not ok:
        return None
    found = Tally(path)
    try:
        cells, lines = _records(_body(raw), len(header), path, found, header)
    except DataError as exc:  # a cell past the bound: the file is not read further
        problems.extend(exc.problems)
        return None
    # each column as its distinct values (stripped) and, per row, which of them it holds
    distinct: dict[str, tuple[pa.Array, np.ndarray]] = {}
    for name in (n for n in names if n in header):
        enc = pc.dictionary_encode(cells[header.index(name)])
        distinct[name] = (_strip(enc.dictionary), enc.indices.to_numpy(zero_copy_only=False))
    if len(lines):  # a row of empty cells only (',,,') is a blank row: skipped
        blank = np.ones(len(lines), dtype=bool)
        for d, codes in distinct.values():
            blank &= pc.equal(d, "").to_numpy(zero_copy_only=False)[codes]
        if blank.any():
            lines = lines[~blank]
            distinct = {n: (d, codes[~blank]) for n, (d, codes) in distinct.items()}
    index = pd.RangeIndex(len(lines))
    data: dict[str, pd.Series] = {}  # the frame is made once: a column at a time costs more
    bad = Cells()
    for order, col in enumerate(columns):
        if col.name not in distinct:  # an optional column left out: every cell is empty
            number = col.kind in ("int", "number")
            data[col.name] = pd.Series(np.nan if number else None, index=index,
                                       dtype=float if number else object)
            continue
        values, failed = _parse_column(col, *distinct[col.name], lines, path, order, found)
        data[col.name] = values
        bad.add(col.name, failed)
    frame = pd.DataFrame(data, index=index)
    if key and len(frame):
        duplicates(frame, lines, key, found, len(columns), _SMALL)
    problems.extend(found.problems())
    return CheckedTable(path, frame, lines.tolist(), bad)


def _body(raw: bytes) -> bytes:
    """A file's bytes after its header line, without a byte order mark and with LF line ends."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")
    return raw.partition(b"\n")[2]


def _records(body: bytes, width: int, path: Path, found: Tally,
             header: list[str]) -> tuple[list[pa.Array], np.ndarray]:
    """The data rows of a CSV file as one array of strings per column, and the file line of each.

    Blank lines are skipped and a row with the wrong number of cells is reported and left out,
    as Excel users produce both. pyarrow's CSV reader parses the whole file and hands back the
    rows with the wrong number of cells; when every row it kept or refused is one line of the
    file (the usual case) the file lines follow from counting. A file with a quoted cell
    running over several lines, or with old Mac line ends, is read row by row with the csv
    module instead. A cell longer than :data:`~perflib.data.csvrows.FIELD_LIMIT` raises
    :class:`DataError` naming its line and column.
    """
    if body.endswith(b"\n"):
        body = body[:-1]
    if not body:
        return _empty(width), np.zeros(0, dtype=int)
    if b"\r" in body:
        return _records_slow(body, header, path, found)
    refused: list[tuple[int | None, str]] = []

    def invalid(row: pcsv.InvalidRow) -> str:
        refused.append((row.number, row.text))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            io.BytesIO(body),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False))
    except (pa.ArrowInvalid, ValueError):
        return _records_slow(body, header, path, found)
    n_lines = body.count(b"\n") + 1
    if body.startswith(b"\n") or b"\n\n" in body:  # empty lines, which pyarrow skips
        b = np.frombuffer(body, dtype=np.uint8)
        ends = np.flatnonzero(b == 10)
        starts = np.concatenate(([0], ends + 1))
        stops = np.concatenate((ends, [len(b)]))
        filled = np.flatnonzero(stops > starts)
    else:
        starts = None
        filled = np.arange(n_lines)
    if table.num_rows + len(refused) != len(filled):  # a quoted cell runs over several lines
        return _records_slow(body, header, path, found)
    lines = filled + 2
    long = may_hold_long_cell(len(body))
    if long and any(len(text) > FIELD_LIMIT for _, text in refused):
        return _records_slow(body, header, path, found)  # it names the line of the long cell
    if refused:
        if any(number is None for number, _ in refused):
            return _records_slow(body, header, path, found)
        records = np.array([number for number, _ in refused], dtype=int) - 1
        if records.min() < 0 or records.max() >= len(filled):
            return _records_slow(body, header, path, found)
        if starts is None:
            starts = np.concatenate(([0], np.flatnonzero(np.frombuffer(body, np.uint8) == 10) + 1))
        at = starts[filled[records]].tolist()
        texts = [text for _, text in refused]
        # pyarrow numbers the rows it read, blank lines aside: make sure each is the line we think
        if not all(body.startswith(t.encode("utf-8"), a) for t, a in zip(texts, at, strict=True)):
            return _records_slow(body, header, path, found)
        for record, line in zip(csv.reader(texts), lines[records].tolist(), strict=True):
            if not "".join(record).strip():  # blank: every cell is empty or spaces
                continue
            found.add(line, -1, None, f"has {len(record)} cells but the header has {width}",
                      cells_fix(record))
        keep = np.ones(len(filled), dtype=bool)
        keep[records] = False
        lines = lines[keep]
    if long:
        _bound(table, lines, header, path)
    return [table.column(i).combine_chunks() for i in range(width)], lines


def _empty(width: int) -> list[pa.Array]:
    return [pa.array([], type=pa.string()) for _ in range(width)]


def _bound(table: pa.Table, lines: np.ndarray, header: list[str], path: Path) -> None:
    """Raise :class:`DataError` at the first cell past the bound (``lines``: each row's line)."""
    over = []
    for i, name in enumerate(header):
        length = pc.utf8_length(table.column(i).combine_chunks())
        if (pc.max(length).as_py() or 0) > FIELD_LIMIT:
            at = int(np.argmax(pc.greater(length, FIELD_LIMIT).to_numpy(zero_copy_only=False)))
            over.append((int(lines[at]), i, name, int(length[at].as_py())))
    if over:
        line, _, name, size = min(over)
        raise DataError([too_long(path, line, name, size)])


def _records_slow(body: bytes, header: list[str], path: Path,
                  found: Tally) -> tuple[list[pa.Array], np.ndarray]:
    """:func:`_records` for a file whose cells may hold line breaks: the csv module, row by row."""
    width = len(header)
    columns: list[list[str]] = [[] for _ in range(width)]
    lines: list[int] = []
    for line, record in rows(body.decode("utf-8"), path, header, first_line=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != width:
            found.add(line, -1, None, f"has {len(record)} cells but the header has {width}",
                      cells_fix(record))
            continue
        for cells, cell in zip(columns, record, strict=True):
            cells.append(cell)
        lines.append(line)
    return ([pa.array(c, type=pa.string()) for c in columns] if lines else _empty(width),
            np.array(lines, dtype=int))


def _strip(values: pa.Array) -> pa.Array:
    """Strings with surrounding whitespace removed exactly as :meth:`str.strip` removes it.

    Only the characters that begin or end some string are looked at, so a column with no
    surrounding spaces (the usual case) costs two short passes.
    """
    while len(values):
        ends = pc.unique(pa.concat_arrays([pc.utf8_slice_codeunits(values, 0, 1),
                                           pc.utf8_slice_codeunits(values, -1, 2**31 - 1)]))
        space = "".join(c for c in ends.to_pylist() if c.isspace())
        if not space:
            break
        values = pc.utf8_trim(values, characters=space)
    return values


_NUMBER = r"-?\d+(?:\.\d+)?"
_SHAPES = {"slug": SLUG_RE.pattern.strip("^$"), "period": r"\d{4}/\d{2}", "int": _NUMBER,
           "number": _NUMBER, "date": r"\d{4}-\d{2}-\d{2}"}


def _parse_column(col: Column, distinct: pa.Array, codes: np.ndarray, lines: np.ndarray,
                  path: Path, order: int, found: Tally
                  ) -> tuple[pd.Series, np.ndarray]:
    """Parse a whole column at once; return its values and the positions of bad cells.

    ``distinct`` are the column's distinct (stripped) cells and ``codes`` says which one each row
    holds. The cells of the ordinary shape are parsed by pyarrow over the distinct values; the
    rest (empty, unusual or wrong) go one by one through :meth:`Column.parse`, so a message is
    word for word what that method says and an unusual but acceptable value ('1e3', 'YES') is
    still accepted.
    """
    n = len(distinct)
    if col.kind == "text":  # the quote perflib writes before what a spreadsheet would run
        distinct = pc.replace_substring_regex(distinct, pattern=r"^'([=+\-@\t\r])",
                                              replacement=r"\1")
    empty = pc.equal(distinct, "").to_numpy(zero_copy_only=False)
    if col.kind in _SHAPES:  # RE2 with ASCII digits: stricter than re, never more lenient
        ok = pc.match_substring_regex(distinct, f"^(?:{_SHAPES[col.kind]})$").to_numpy(
            zero_copy_only=False).copy()
    else:
        ok = ~empty
    if col.kind in ("choice", "yesno"):  # non-ASCII letters are left to str.lower()
        ok &= pc.string_is_ascii(distinct).to_numpy(zero_copy_only=False)
    number = col.kind in ("int", "number")
    values: np.ndarray = np.full(n, np.nan) if number else np.full(n, None, dtype=object)
    if col.kind == "period" and ok.any():
        t = distinct.filter(pa.array(ok))
        first = pc.cast(pc.utf8_slice_codeunits(t, 0, 4), pa.int64()).to_numpy()
        second = pc.cast(pc.utf8_slice_codeunits(t, 5, 7), pa.int64()).to_numpy()
        ok[ok] = (first + 1) % 100 == second
    if number:
        if ok.any():
            nums = np.full(n, np.nan)
            nums[ok] = pc.cast(distinct.filter(pa.array(ok)), pa.float64()).to_numpy()
            with np.errstate(invalid="ignore"):
                if col.minimum is not None:
                    ok &= ~(nums < col.minimum)
                if col.maximum is not None:
                    ok &= ~(nums > col.maximum)
                if col.kind == "int":
                    ok &= nums == np.round(nums)
            values = np.where(ok, nums, np.nan)
    elif col.kind == "date":
        if ok.any():
            text = distinct.filter(pa.array(ok))
            stamps = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
            days = pc.cast(stamps, pa.date32())
            # strptime may roll 2021-02-30 on to March: a real date prints as it was written
            good = pc.fill_null(pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), text),
                                False).to_numpy(zero_copy_only=False)
            picked = np.flatnonzero(ok)
            ok[picked[~good]] = False
            values[picked[good]] = days.filter(pa.array(good)).to_pylist()
    elif col.kind == "choice":
        canon = {c.lower(): c for c in col.choices}
        lower = pc.utf8_lower(distinct)
        at = pc.fill_null(pc.index_in(lower, pa.array(list(canon))), -1).to_numpy(
            zero_copy_only=False)
        ok &= at >= 0
        values[ok] = np.array(list(canon.values()), dtype=object)[at[ok]]
    elif col.kind == "yesno":
        lower = pc.utf8_lower(distinct).to_numpy(zero_copy_only=False)
        ok &= (lower == "yes") | (lower == "no")
        values[ok] = [bool(x) for x in (lower[ok] == "yes")]
    elif ok.any():
        values[ok] = distinct.filter(pa.array(ok)).to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~ok & ~(empty & (not col.required)))
    # each wrong value's kind of problem (its fix, numbered): the values are worded again below
    # only for the rows shown, so a million bad rows cost a count, not a million messages
    fix_of = np.full(n, -1, dtype=np.int64)
    kinds: dict[tuple, int] = {}  # kind of problem -> its number
    numbered: dict[str, int] = {}  # fix -> its kind's number (most values share a few fixes)
    fix_text: list[str] = []  # a fix of each kind

    def kind_of(fix: str) -> int:
        if fix not in numbered:
            numbered[fix] = kinds.setdefault(kind(path, col.name, fix), len(kinds))
            if numbered[fix] == len(fix_text):
                fix_text.append(fix)
        return numbered[fix]

    if col.kind in _NEVER and len(rest):  # wrong for sure, with one fix: parsed once, not each
        maybe = pc.match_substring_regex(distinct, _NEVER[col.kind]).to_numpy(
            zero_copy_only=False) if _NEVER[col.kind] else np.zeros(n, dtype=bool)
        sure = rest[~empty[rest] & ~maybe[rest]]
        if len(sure):
            fix_of[sure] = kind_of(col.parse(distinct[int(sure[0])].as_py())[2] or "")
            rest = rest[fix_of[rest] < 0]
    for start in range(0, len(rest), _CHUNK):  # a chunk at a time, so memory stays flat
        part = rest[start:start + _CHUNK]
        for i, raw in zip(part.tolist(), distinct.take(pa.array(part)).to_pylist(), strict=True):
            value, problem, fix = col.parse(raw)
            if problem:
                fix_of[i] = kind_of(fix or "")
            elif value is not None:
                values[i] = value
    failed = np.zeros(0, dtype=int)
    if kinds:
        failed = np.flatnonzero(fix_of[codes] >= 0)
        for group in by_kind(fix_of[codes[failed]]):
            rows = failed[group]
            first = fix_text[fix_of[codes[rows[0]]]]
            shown = rows[:found.room(col.name, first)]
            for at in shown.tolist():
                _, problem, fix = col.parse(distinct[int(codes[at])].as_py())
                found.add(int(lines[at]), order, col.name, problem or "", fix or "")
            found.more(col.name, first, len(rows) - len(shown))
    out = values[codes]
    if number:
        return pd.Series(out.astype(float), dtype=float), failed
    return pd.Series(out, dtype=object), failed


#: Kinds whose every wrong value takes one fix, and the values of them that may yet be right (a
#: quarter, a month) and so are parsed one by one; any other value not of the ordinary shape is
#: wrong for sure (None: every one).
_NEVER = {"period": r"^\d{4}/\d{2}(?: (?:Q\d|M\d\d))?$", "slug": None}
_SMALL = 50_000  # rows
_CHUNK = 65_536  # distinct values worded at a time
