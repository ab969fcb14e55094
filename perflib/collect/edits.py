"""Edits to data files that are all or nothing, and that keep what they do not change.

``perflib new-year`` and ``perflib draft`` change files an analyst also edits by hand (in Excel,
on Windows, in GitHub's editor). Every change is computed first, as the whole new bytes of each
file; nothing is written until every change is known to be possible. Each file is then written to
a temporary file beside it and renamed into place, so a reader (or a crash) sees the old file or
the new one, never half of one. A CSV is appended to, never re-serialised: its line endings
(CRLF stays CRLF), byte order mark and number formatting (``30.0`` stays ``30.0``) are the
analyst's, and the rows added copy the cells of the rows they come from as written, except that
a cell a spreadsheet would run as a formula is written with a quote in front
(:mod:`perflib.data.spreadsheet`), which perflib's readers take off again.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from perflib.data import commentary, spreadsheet
from perflib.errors import ParameterError


def eol(raw: bytes) -> str:
    """The line ending a file uses: CRLF, LF, or a lone CR (old Mac files); LF for a new file."""
    if b"\r\n" in raw:
        return "\r\n"
    if b"\r" in raw and b"\n" not in raw:
        return "\r"
    return "\n"


def text_of(raw: bytes) -> tuple[str, bool]:
    """A UTF-8 file's text and whether it starts with a byte order mark (kept when written)."""
    bom = raw.startswith(codecs.BOM_UTF8)
    return raw.decode("utf-8-sig"), bom


def encode(text: str, bom: bool) -> bytes:
    """Text as the file's bytes, with its byte order mark when it had one."""
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


def records(raw: bytes) -> tuple[list[str], list[list[str]]]:
    """A CSV file's header (stripped) and its non-blank records, cells exactly as written."""
    text, _ = text_of(raw)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [h.strip() for h in rows[0]] if rows else []
    return header, [r for r in rows[1:] if "".join(r).strip()]


def numbered(raw: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV file's header (stripped) and its non-blank records, each with its first line.

    Lines are the file's (header = 1), so a record can be rewritten in place; cells are exactly
    as written.
    """
    text, _ = text_of(raw)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    out: list[tuple[int, list[str]]] = []
    start = 1
    for record in reader:
        if not header and start == 1:
            header = [h.strip() for h in record]
        elif "".join(record).strip():
            out.append((start, record))
        start = reader.line_num + 1
    return header, out


def lines_of(raw: bytes) -> int:
    """How many lines a file has, so the next line written to its end is this plus one."""
    text, _ = text_of(raw)
    return len(list(io.StringIO(text, newline="")))


def append_rows(raw: bytes, rows: list[list[str]]) -> bytes:
    """``raw`` with ``rows`` added at its end, in the file's own line ending.

    The bytes already there are kept exactly; a last line without a line ending gets one first.
    """
    end = eol(raw)
    buf = io.StringIO()
    csv.writer(buf, lineterminator=end).writerows(spreadsheet.row(r) for r in rows)
    head = raw if not raw or raw.endswith((b"\n", b"\r")) else raw + end.encode()
    return head + buf.getvalue().encode("utf-8")


def replace_rows(raw: bytes, rows: dict[int, list[str]]) -> bytes:
    """``raw`` with the records starting on the given file lines (header = 1) rewritten.

    Every other byte is kept exactly, and a rewritten record ends as it ended (CRLF, LF, or
    nothing on a last line), so a correction changes only the rows it corrects.
    """
    text, bom = text_of(raw)
    lines = list(io.StringIO(text, newline=""))  # physical lines, each with its own ending
    reader = csv.reader(iter(lines))
    out: list[str] = []
    start = 0
    for _record in reader:
        stop = reader.line_num
        if start + 1 in rows:
            ending = lines[stop - 1][len(lines[stop - 1].rstrip("\r\n")):]
            buf = io.StringIO()
            csv.writer(buf, lineterminator=ending).writerow(spreadsheet.row(rows[start + 1]))
            out.append(buf.getvalue())
        else:
            out.extend(lines[start:stop])
        start = stop
    out.extend(lines[start:])
    return encode("".join(out), bom)


def add_year(path: Path, raw: bytes, year: str) -> bytes:
    """portfolio.yaml with ``year`` added to its ``years`` list, the rest of the file as it was.

    Block lists (``- "2020/21"`` per line) and flow lists (``years: ["2019/20", "2020/21"]``)
    alike: the new item is written in the style, quoting and indentation of the last one. Raises
    :class:`ParameterError` (before anything is written) for a list it cannot extend safely.
    """
    text, bom = text_of(raw)
    refuse = (f"{path}: cannot add {year} to its years list safely; add "
              f'"{year}" to the list by hand, then run new-year again')
    root = yaml.compose(text)
    items = None
    if isinstance(root, yaml.MappingNode):
        items = next((v for k, v in root.value if k.value == "years"), None)
    if not isinstance(items, yaml.SequenceNode) or not items.value:
        raise ParameterError(refuse)
    last = items.value[-1]
    quote = last.style if last.style in ("'", '"') else '"'
    item = f"{quote}{year}{quote}"
    start, end = last.start_mark.index, last.end_mark.index
    if items.flow_style:
        new = text[:end] + ", " + item + text[end:]
    else:
        line_start = text.rfind("\n", 0, start) + 1
        prefix = text[line_start:start]
        if prefix.strip() != "-":
            raise ParameterError(refuse)
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if text[line_end - 1:line_end] == "\r":
            line_end -= 1  # a CRLF file: the new line goes before the line ending, as its own
        new = text[:line_end] + eol(raw) + prefix + item + text[line_end:]
    before, after = yaml.safe_load(text), yaml.safe_load(new)
    if after.get("years") != [*before["years"], year] or \
            {k: v for k, v in after.items() if k != "years"} != \
            {k: v for k, v in before.items() if k != "years"}:
        raise ParameterError(refuse)
    return encode(new, bom)


def with_sections(raw: bytes, texts: dict[str, str]) -> bytes:
    """commentary.md with each measure's section in ``texts`` given that text.

    The heading stays as written and every other line is kept byte for byte; the new text is
    written in the file's own line ending, with a blank line before the next heading. A measure
    the file has no heading for gets one at its end.
    """
    text, bom = text_of(raw)
    end = eol(raw)
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    current: str | None = None
    done: set[str] = set()

    def body(mid: str) -> list[str]:
        return [line + end for line in texts[mid].split("\n")] + [end]

    for line in lines:
        m = commentary.HEADING.match(line.rstrip("\r\n"))
        if m:
            current = m.group(1) if m.group(1) in texts and m.group(1) not in done else None
            if not line.endswith(("\n", "\r")):
                line += end  # the heading was the file's last line
            out.append(line)
            if current is not None:
                out.extend(body(current))
                done.add(current)
        elif current is None:
            out.append(line)
    missing = [mid for mid in texts if mid not in done]
    if missing and out and not out[-1].endswith(("\n", "\r")):
        out[-1] += end
    for mid in missing:
        if out and out[-1].strip():
            out.append(end)
        out.append(f"## {mid}{end}")
        out.extend(body(mid))
    return encode("".join(out), bom)


@dataclass
class Edits:
    """Every change an edit makes, applied all together or not at all.

    ``files`` are files' new bytes (an existing file keeps its permissions; one that is not there
    yet is created); ``folder`` is a folder to create holding ``new`` (file name -> bytes).
    """

    files: dict[Path, bytes] = field(default_factory=dict)
    folder: Path | None = None
    new: dict[str, bytes] = field(default_factory=dict)

    def write(self) -> list[Path]:
        """Write every change; return the files written. Nothing is changed if any write fails.

        Every file's temporary copy is written first; only then are they renamed into place, the
        new folder first, so the renames are the only step left when all the writing is done.
        """
        temps: list[tuple[Path, Path]] = []
        made: Path | None = None
        try:
            if self.folder is not None and self.folder.exists():
                raise ParameterError(f"{self.folder} already exists; nothing was written")
            for path, data in self.files.items():
                target = path.resolve()  # a link inside the project stays a link
                tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                tmp.write_bytes(data)
                if target.exists():
                    shutil.copymode(target, tmp)
                temps.append((tmp, target))
            if self.folder is not None:
                made = self.folder.with_name(f".{self.folder.name}.{os.getpid()}.new")
                made.mkdir()
                for name, data in self.new.items():
                    (made / name).write_bytes(data)
                if self.folder.exists():
                    raise ParameterError(f"{self.folder} appeared while new-year ran; nothing "
                                         "was written")
                made.rename(self.folder)
                made = None
        except BaseException:
            for tmp, _ in temps:
                tmp.unlink(missing_ok=True)
            if made is not None:
                shutil.rmtree(made, ignore_errors=True)
            raise
        for tmp, path in temps:
            os.replace(tmp, path)
        written = list(self.files)
        if self.folder is not None:
            written += [self.folder / name for name in self.new]
        return written
