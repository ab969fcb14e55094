"""A page's drawing operators, and its page furniture marked as artifacts for PDF/UA.

Chromium tags the page body but leaves its header, footer and page background unmarked; PDF/UA
readers need those marked as artifacts so they are not read out as content on every page
(:func:`artifact_units` says which operators; :func:`mark_artifacts` wraps them).

Reading every operand of every operator into Python objects (pikepdf's
``parse_content_stream``) and writing them all out again cost a build more than printing the
page. The operators Chromium writes are plain (numbers, names, strings, arrays, property
dictionaries), so :func:`mark_stream` reads them with one regular expression, keeps the bytes as
they are and inserts the marks between them. A stream holding anything else (a string with
parentheses inside, an inline image, a comment) is read and written by pikepdf, as before.
"""

from __future__ import annotations

import re
from typing import Any

# Operators that put marks on the page; a unit containing one of them is content, or an artifact.
_PAINT = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "BI",
          "INLINE IMAGE"}
_PATH = {"m", "l", "c", "v", "y", "h", "re"}
_PATH_END = {"f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "n"}
_WS = rb"[ \t\r\n\f\x00]"
_OPERAND = rb"""(?:
    [+-]?(?:\d+\.?\d*|\.\d+)           # a number
  | /[^ \t\r\n\f\x00/\[\]()<>{}%]*     # a name
  | <<|>>|\[|\]                        # dictionaries and arrays
  | <[0-9A-Fa-f \t\r\n\f]*>            # a hex string
  | \((?:[^()\\]|\\.)*\)               # a literal string with no parentheses inside
  | (?:true|false|null)(?![A-Za-z*'"])
)"""
#: One operator of a plain content stream with the operands before it: the operands start at
#: group 1, the operator is group 2. Matched back to back, they cover the whole stream.
_OPERATOR = re.compile(rb"%s*((?:%s%s*)*)([A-Za-z*'\"][A-Za-z0-9*'\"]*)" % (_WS, _OPERAND, _WS),
                       re.VERBOSE)
_TAIL = re.compile(_WS + rb"*")
#: Operators whose operands are not plain tokens: read by pikepdf instead.
_NOT_PLAIN = {"BI", "ID", "EI"}


def _ends(names: list[str]) -> list[int]:
    """For each operator, the index of the last operator of the graphics unit it starts.

    A ``q`` or ``BT`` unit runs to its matching ``Q`` or ``ET`` (or the stream's end), a path to
    the operator that paints or ends it; any other operator is a unit of its own. One pass each
    way, so a page of many thousand operators costs no more than reading it.
    """
    n = len(names)
    ends = list(range(n))
    stacks: dict[str, list[int]] = {"q": [], "BT": []}
    for i, name in enumerate(names):
        if name in stacks:
            stacks[name].append(i)
        elif name in ("Q", "ET"):
            stack = stacks["q" if name == "Q" else "BT"]
            if stack:
                ends[stack.pop()] = i
    for stack in stacks.values():
        for i in stack:
            ends[i] = n - 1
    next_end = None
    for i in range(n - 1, -1, -1):
        if names[i] in _PATH_END:
            next_end = i
        if names[i] in _PATH and next_end is not None:
            ends[i] = next_end
    return ends


def _counts(flags: list[bool]) -> list[int]:
    """Running totals: ``c[j + 1] - c[i]`` is how many of ``flags[i:j + 1]`` are true."""
    out = [0]
    for f in flags:
        out.append(out[-1] + f)
    return out


def artifact_units(names: list[str], inline: list[bool] | None = None) -> list[tuple[int, int]]:
    """The first and last operator of every painted unit that lies outside marked content."""
    inline = inline or [False] * len(names)
    ends = _ends(names)
    marked = _counts([name in ("BDC", "BMC", "EMC") for name in names])
    painted = _counts([name in _PAINT or im for name, im in zip(names, inline, strict=True)])
    units: list[tuple[int, int]] = []
    depth, i = 0, 0
    while i < len(names):
        name = names[i]
        if depth == 0 and (name in ("q", "BT", "Do", "sh") or name in _PATH or inline[i]):
            j = ends[i]
            if name == "q" and marked[j + 1] > marked[i]:
                i += 1  # marked content inside: look at what the q holds instead
                continue
            if painted[j + 1] > painted[i]:
                units.append((i, j))
            i = j + 1
            continue
        depth += name in ("BDC", "BMC")
        depth -= name == "EMC"
        i += 1
    return units


def _marked_names(names: list[str], units: list[tuple[int, int]]) -> list[str]:
    """``names`` with the BMC and EMC each unit gains around it."""
    out: list[str] = []
    at = 0
    for i, j in units:
        out += [*names[at:i], "BMC", *names[i:j + 1], "EMC"]
        at = j + 1
    return out + names[at:]


def plain_operators(data: bytes) -> tuple[list[str], list[int], list[int]] | None:
    """Each operator's name, where its operands start and where it ends; None if not plain."""
    matches = list(_OPERATOR.finditer(data))
    at = 0
    for m in matches:  # back to back, or something between them was not plain
        if m.start() != at:
            return None
        at = m.end()
    if _TAIL.match(data, at).end() != len(data):  # type: ignore[union-attr]
        return None  # operands with no operator, or a comment: read by pikepdf
    names = [m.group(2).decode("latin-1") for m in matches]
    if _NOT_PLAIN.intersection(names):
        return None
    return names, [m.start(1) for m in matches], [m.end() for m in matches]


def mark_stream(data: bytes) -> tuple[bytes, list[str]] | None:
    """The stream with its artifacts marked, and its operator names; None if it is not plain."""
    found = plain_operators(data)
    if found is None:
        return None
    names, starts, ends = found
    units = artifact_units(names)
    parts: list[bytes] = []
    at = 0
    for i, j in units:
        parts += [data[at:starts[i]], b"/Artifact BMC\n", data[starts[i]:ends[j]], b"\nEMC\n"]
        at = ends[j]
    parts.append(data[at:])
    return b"".join(parts), _marked_names(names, units)


def mark_artifacts(ops: list) -> tuple[list, list[str]]:
    """Wrap pikepdf operators: every painted unit outside marked content in ``/Artifact BMC``.

    Returns the operators and their names (what the PDF/UA check reads: naming each operator
    again cost as much as marking them).
    """
    import pikepdf

    names = [str(op[1]) for op in ops]
    inline = [isinstance(op, pikepdf.ContentStreamInlineImage) for op in ops]
    units = artifact_units(names, inline)
    out: list[Any] = []
    at = 0
    for i, j in units:
        out += [*ops[at:i], ([pikepdf.Name.Artifact], pikepdf.Operator("BMC")), *ops[i:j + 1],
                ([], pikepdf.Operator("EMC"))]
        at = j + 1
    out += ops[at:]
    return out, _marked_names(names, units)


def mark_page(pdf: Any, page: Any) -> list[str]:
    """Mark ``page``'s artifacts in place; its operator names, as the PDF/UA check reads them."""
    import pikepdf

    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else (
        [contents] if contents is not None else [])
    data = b"\n".join(s.read_bytes() for s in streams)
    fast = mark_stream(data)
    if fast is not None:
        marked, names = fast
        page.Contents = pdf.make_stream(marked)
        return names
    ops, names = mark_artifacts(list(pikepdf.parse_content_stream(page)))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
    return names


__all__ = ["artifact_units", "mark_artifacts", "mark_page", "mark_stream", "plain_operators"]
