"""YAML data files (portfolio.yaml, report.yaml) read with the line of every key, for messages.

Every YAML file is read within bounds: its size, how deep it nests, and how many values it holds
once its aliases (``*name``) are expanded. A few lines of anchors and aliases can stand for a
billion values (the "billion laughs"), which anything that walks them would take minutes and
gigabytes to; such a file is refused, naming it, before anything walks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from perflib.data.door import read_bytes
from perflib.errors import Problem


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


#: The largest YAML file read: a settings file is a few kilobytes.
MAX_BYTES = 2**20
#: The most values a YAML document may hold, its aliases expanded (a portfolio.yaml holds ~200).
MAX_VALUES = 100_000
#: The deepest a YAML document may nest (a portfolio.yaml nests 4 deep).
MAX_DEPTH = 64
ALIAS_FIX = "write the values out in full instead of with anchors and aliases (&name, *name)"
DEPTH_FIX = "write it as data/README.md shows: settings nest a few levels at most"


class Unbounded(yaml.YAMLError):
    """A YAML document beyond the bounds a data file keeps within (its aliases expanded)."""

    def __init__(self, problem: str, fix: str, line: int | None = None):
        super().__init__(problem)
        self.problem, self.fix, self.line = problem, fix, line


def _bounded(node: yaml.Node) -> None:
    """Raise :class:`Unbounded` for a document too large, too deep, or holding itself.

    Past :data:`MAX_VALUES` values (its aliases expanded) or :data:`MAX_DEPTH` levels. Each node
    is sized once, so the check costs the nodes as written, not as expanded.
    """
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(n: yaml.Node, depth: int) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        line = n.start_mark.line + 1
        if key in open_:
            raise Unbounded("holds an alias (*name) inside the value it names, so it never ends",
                            ALIAS_FIX, line)
        if depth > MAX_DEPTH:
            raise Unbounded(f"nests more than {MAX_DEPTH} levels deep", DEPTH_FIX, line)
        open_.add(key)
        total = 1
        if isinstance(n, yaml.MappingNode):
            children = [c for pair in n.value for c in pair]
        elif isinstance(n, yaml.SequenceNode):
            children = list(n.value)
        else:
            children = []
        for c in children:
            total += size(c, depth + 1)
            if total > MAX_VALUES:
                raise Unbounded(f"holds more than {MAX_VALUES:,} values once its aliases (*name) "
                                "are expanded (a \"billion laughs\")", ALIAS_FIX, line)
        open_.discard(key)
        sizes[key] = total
        return total

    size(node, 0)


#: LibYAML's parser where PyYAML was built with it: the same documents, twenty times faster.
_FAST = getattr(yaml, "CSafeLoader", None)


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for key lines) and its data, parsed once.

    A file LibYAML refuses is parsed again by PyYAML's own parser, so the message names the
    problem in PyYAML's words, as it always did.
    """
    for loader_class in (_FAST, yaml.SafeLoader) if _FAST else (yaml.SafeLoader,):
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _bounded(node)  # before anything walks its aliases
            return node, loader.construct_document(node) if node is not None else None
        except Unbounded:
            raise
        except RecursionError:
            raise Unbounded(f"nests more than {MAX_DEPTH} levels deep", DEPTH_FIX) from None
        except yaml.YAMLError:
            if loader_class is yaml.SafeLoader:
                raise
        finally:
            loader.dispose()
    raise AssertionError("unreachable")  # pragma: no cover


def read_yaml(path: Path, problems: list[Problem], optional_file: bool = False) -> Yaml | None:
    """Read a YAML mapping, recording the line of every key for later messages."""
    raw = read_bytes(path, problems,
                     None if optional_file else "create it as data/README.md describes")
    if raw is None:
        return None
    if len(raw) > MAX_BYTES:
        problems.append(Problem(path, None, None, f"is {len(raw) / 2**20:,.1f} MB, larger than a "
                                f"YAML settings file can be ({MAX_BYTES // 2**20} MB)",
                                "keep only the settings data/README.md describes in it; figures "
                                "belong in the CSV files"))
        return None
    try:
        text = raw.decode("utf-8-sig")
        node, data = _parse(text)
    except UnicodeDecodeError:
        problems.append(Problem(path, None, None, "the file is not valid UTF-8",
                                "save it as UTF-8"))
        return None
    except Unbounded as exc:
        problems.append(Problem(path, exc.line, None, f"{exc.problem}, so it is not read",
                                exc.fix))
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
