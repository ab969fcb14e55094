"""A year's commentary.md: one Markdown section per measure, under a ``## measure_id`` heading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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
