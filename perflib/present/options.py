"""Cell options, written as Quarto writes them: ``#| key: value`` lines at the top of a code cell.

An analyst who knows Quarto (or Jupyter Book) already knows these; perflib reads them in this one
place and nowhere else::

    #| fig-alt: Bar chart of complaints by month, highest in March at 41.
    #| fig-cap: Complaints received each month
    df.plot.bar(x="month", y="complaints")

The options perflib acts on: ``fig-alt`` and ``fig-cap`` (a string for every figure the cell
draws, or a list with one per figure, in order, as Quarto broadcasts them), ``tbl-cap`` (the same,
for the DataFrames it shows), ``include: false`` (run, show nothing), ``echo: true`` (show the
code: a report hides it by default) and ``output: false`` (show no output). Other Quarto options
(``label``, ``warning`` ...) are accepted and ignored; one perflib does not know but that is close
to one it does (``fig_alt``) is refused, since its figure would otherwise go undescribed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml

#: An option line: ``#|`` then the YAML it holds.
_LINE = re.compile(r"^\s*#\|\s?(.*)$")
#: What each option perflib acts on may be: a string, a list of strings, or true/false.
_TEXTS = {"fig-alt", "fig-cap", "tbl-cap"}
_SWITCHES = {"include": True, "echo": False, "output": True}
KNOWN = _TEXTS | set(_SWITCHES)
#: Quarto's other cell options, accepted and ignored (so a near miss among them is not refused).
QUARTO = {"label", "eval", "warning", "error", "fig-align", "fig-width", "fig-height",
          "fig-subcap", "fig-scap", "fig-link", "fig-env", "fig-pos", "fig-column", "tbl-subcap",
          "tbl-colwidths", "tbl-column", "layout", "layout-ncol", "layout-nrow", "layout-align",
          "layout-valign", "column", "classes", "code-fold", "code-summary", "code-overflow",
          "code-line-numbers", "lst-label", "lst-cap", "panel", "tags", "id", "message"}
#: Options are a few lines; more than this is something else (and YAML can be made to explode).
LIMIT = 20_000


class OptionError(ValueError):
    """A cell's options cannot be read, or name an option wrongly; the message says the fix."""


@dataclass(frozen=True)
class CellOptions:
    """What a code cell's options ask of the report."""

    fig_alt: str | list[str] | None = None
    fig_cap: str | list[str] | None = None
    tbl_cap: str | list[str] | None = None
    include: bool = True
    echo: bool = False
    output: bool = True

    def alt(self, n: int) -> str:
        """The alt text of the cell's ``n``-th figure (from 0), or ``""`` if it has none."""
        return _nth(self.fig_alt, n)

    def figure_caption(self, n: int) -> str:
        """The caption of the cell's ``n``-th figure, or ``""``."""
        return _nth(self.fig_cap, n)

    def table_caption(self, n: int) -> str:
        """The caption of the cell's ``n``-th table, or ``""``."""
        return _nth(self.tbl_cap, n)


def _nth(value: str | list[str] | None, n: int) -> str:
    """Quarto's broadcast: a string is every output's; a list gives each its own, in order."""
    if value is None:
        return ""
    if isinstance(value, list):
        return value[n].strip() if n < len(value) else ""
    return value.strip()


def split(source: str) -> tuple[list[str], str]:
    """A cell's option lines (their YAML) and the code after them.

    Options are the ``#|`` lines the cell starts with (blank lines before them allowed), as
    Quarto reads them; a ``#|`` line further down is code.
    """
    lines = source.splitlines()
    found: list[str] = []
    i = 0
    while i < len(lines) and not lines[i].strip() and not found:
        i += 1
    while i < len(lines) and (m := _LINE.match(lines[i])):
        found.append(m.group(1))
        i += 1
    return found, "\n".join(lines[i:]).strip("\n")


def parse(source: str) -> tuple[CellOptions, str]:
    r"""The options a cell's source starts with, and the code without them.

    >>> opts, code = parse("#| fig-alt: Bars of visits by year\n#| echo: true\nplot()")
    >>> opts.alt(0), opts.echo, code
    ('Bars of visits by year', True, 'plot()')
    """
    lines, code = split(source)
    if not lines:
        return CellOptions(), code
    text = "\n".join(lines)
    if len(text) > LIMIT:
        raise OptionError(f"its #| option lines hold {len(text):,} characters, more than options "
                          f"need ({LIMIT:,}); keep long text in a Markdown cell")
    data = _load(text)
    values: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        if key in _TEXTS:
            values[key.replace("-", "_")] = _text(key, value)
        elif key in _SWITCHES:
            if not isinstance(value, bool):
                raise OptionError(f"'#| {key}: {value}' must be true or false, as in "
                                  f"'#| {key}: {str(not _SWITCHES[key]).lower()}'")
            values[key] = value
        elif key not in QUARTO:
            near = difflib.get_close_matches(key.replace("_", "-").lower(), sorted(KNOWN), 1, 0.8)
            if near:
                raise OptionError(f"'#| {key}:' is not an option; write '#| {near[0]}:'")
    return CellOptions(**values), code


def _load(text: str) -> dict:
    """The options' YAML, with no aliases (a few lines of them can fill the memory)."""
    try:
        if any(isinstance(e, yaml.AliasEvent) for e in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise OptionError("its #| option lines use a YAML alias (*name); write each value out")
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (option line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise OptionError(f"its #| option lines are not readable YAML{where}: {problem}; "
                          "quote a value that holds a colon, as in '#| fig-alt: \"Visits: up\"'"
                          ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise OptionError("its #| option lines must each be 'key: value', as in "
                          "'#| fig-alt: Bar chart of ...'")
    return data


def _text(key: str, value: Any) -> str | list[str]:
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v) for v in value]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise OptionError(f"'#| {key}:' must be text, or a list of texts (one per output, as "
                      f"'#| {key}:' then '#|   - ...' lines)")


__all__ = ["CellOptions", "OptionError", "parse", "split"]
