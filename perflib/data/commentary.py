"""A year's commentary.md: one Markdown section per measure, under a ``## measure_id`` heading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from perflib.data import edits
from perflib.data.door import read_bytes
from perflib.errors import Problem

HEADING = re.compile(r"^##\s+(\S+)\s*$")


@dataclass(frozen=True)
class Commentary:
    """One measure's commentary and the file line its text starts on (for messages)."""

    text: str
    line: int


def path_of(folder: Path) -> Path:
    """Where a year's commentary lives."""
    return folder / "commentary.md"


def parse(path: Path, ids: set[str], problems: list[Problem]) -> dict[str, Commentary]:
    """Each measure's commentary; headings that are not this year's measures are problems."""
    raw = read_bytes(path, problems, "create it with a '## measure_id' heading per measure")
    if raw is None:
        return {}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(path, None, None, "the file is not valid UTF-8", "save it as UTF-8"))
        return {}
    lines: dict[str, list[str]] = {}
    starts: dict[str, int] = {}
    current: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        m = HEADING.match(line)
        if m:
            current = m.group(1)
            if current not in ids:
                problems.append(Problem(path, n, None,
                                        f"heading '{current}' is not a measure_id of this year",
                                        "use a measure_id from measures.csv for this year"))
            elif current in lines:
                problems.append(Problem(path, n, None, f"'{current}' has a second heading",
                                        "merge the two sections"))
            lines.setdefault(current, [])
            starts.setdefault(current, n + 1)
        elif current is not None:
            lines[current].append(line)
    out = {}
    for k, v in lines.items():
        body = "\n".join(v)
        lead = len(body) - len(body.lstrip("\n"))
        out[k] = Commentary(body.strip(), starts[k] + body[:lead].count("\n"))
    return out


def with_sections(raw: bytes, texts: dict[str, str]) -> bytes:
    """commentary.md with each measure's section in ``texts`` given that text.

    The heading stays as written and every other line is kept byte for byte; the new text is
    written in the file's own line ending, with a blank line before the next heading. A measure
    the file has no heading for gets one at its end.
    """
    text, bom = edits.text_of(raw)
    end = edits.eol(raw)
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    current: str | None = None
    done: set[str] = set()

    def body(mid: str) -> list[str]:
        return [line + end for line in texts[mid].split("\n")] + [end]

    for line in lines:
        m = HEADING.match(line.rstrip("\r\n"))
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
    return edits.encode("".join(out), bom)
