"""A DataFrame an analyst shows becomes a report table: captioned, headed, numbers to the right.

pandas shows a DataFrame as a ``border="1"`` HTML table with a header cell per index label and no
caption; a report prints it as perflib's :class:`~perflib.present.blocks.Table` instead, in every
format alike. The table comes from one of two places:

- in a kernel where perflib is imported, :func:`register` adds an IPython formatter that carries
  every DataFrame and Series shown as :data:`TABLE_MIME` (its column names, index names, each
  value as text and which columns hold numbers) beside pandas' own HTML;
- otherwise (a Styler, a notebook run before perflib was imported) the data is read back from the
  output's HTML table (:func:`from_html`).

Either way the index is printed only when it is named (``df.rename_axis("Region")``, or what
``groupby`` leaves): pandas' 0, 1, 2 ... mean nothing to a reader.
"""

from __future__ import annotations

import math
import re
from typing import Any

from perflib.present.blocks import Inline, Table

#: The mime type under which a kernel carries a DataFrame's table beside its HTML.
TABLE_MIME = "application/vnd.perflib.table+json"
#: Rows a report prints of one DataFrame; a longer one is cut there, and says so.
MAX_ROWS = 1000
_NUMBER = re.compile(r"^[-+−]?[£$€]?\(?[\d,]*\.?\d+\)?(?:e[-+]?\d+)?%?$", re.I)


def payload(obj: Any) -> dict | None:
    """A DataFrame or Series as :data:`TABLE_MIME` carries it; None for anything else.

    Never raises: IPython would print a formatter's error under the analyst's cell.
    """
    try:
        return _payload(obj)
    except Exception:  # an unusual frame falls back to its HTML
        return None


def _payload(obj: Any) -> dict | None:
    import pandas as pd

    if isinstance(obj, pd.Series):
        obj = obj.to_frame(name=obj.name if obj.name is not None else "Value")
    if not isinstance(obj, pd.DataFrame):
        return None
    frame = obj.iloc[:MAX_ROWS]
    names = [n for n in frame.index.names]
    keep = [i for i, n in enumerate(names) if n is not None]
    columns = [_label(c) for c in frame.columns]
    cells: list[list[str]] = [[] for _ in range(len(frame))]
    numeric: list[bool] = []
    for i in keep:
        texts, _ = _texts(frame.index.get_level_values(i))
        for row, text in zip(cells, texts, strict=True):
            row.append(text)
        numeric.append(False)  # an index names its rows, however it is written
    for j in range(frame.shape[1]):
        texts, is_number = _texts(frame.iloc[:, j])
        for row, text in zip(cells, texts, strict=True):
            row.append(text)
        numeric.append(is_number)
    return {"index": [str(names[i]) for i in keep], "columns": columns, "rows": cells,
            "numeric": numeric, "total": len(obj)}


def _label(c: Any) -> str:
    return " ".join(str(x) for x in c if str(x)) if isinstance(c, tuple) else str(c)


def _texts(values: Any) -> tuple[list[str], bool]:
    """A column's values as pandas shows them, and whether it holds numbers.

    Floats get the fewest decimals (up to pandas' display precision) that show every value of
    the column, the same for each, as pandas prints them; a missing value is an empty cell.
    """
    import pandas as pd
    from pandas.api import types

    if types.is_bool_dtype(values) or not types.is_numeric_dtype(values):
        return [_text(v) for v in values], False
    if types.is_integer_dtype(values):
        return [_text(v) for v in values], True
    precision = int(pd.get_option("display.precision"))
    places = 0
    for v in values:
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            text = f"{float(v):.{precision}f}".rstrip("0")
            places = max(places, len(text.split(".")[1]) if "." in text else 0)
    return [("" if v is None or math.isnan(float(v)) else f"{float(v):.{places}f}")
            for v in values], True


def _text(v: Any) -> str:
    import pandas as pd
    from pandas.api.types import is_scalar

    if v is None or (is_scalar(v) and pd.isna(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat(sep=" ")
    return str(v)


def from_payload(data: dict, caption: str) -> Table:
    """The report table of a :data:`TABLE_MIME` payload, with ``caption`` (or one made)."""
    headers: list[Inline] = [*data["index"], *data["columns"]]
    rows: list[list[Inline]] = [list(r) for r in data["rows"]]
    numeric = tuple(i for i, flag in enumerate(data["numeric"]) if flag)
    return Table(caption or made_caption(data["columns"]), headers, rows,
                 row_header=bool(data["index"]), numeric=numeric, cls="frame")


def made_caption(columns: list[str]) -> str:
    """A table's caption when the cell gave none: what its columns are.

    >>> made_caption(["Month", "Received", "Upheld"])
    'Table of month, received and upheld'
    """
    names = [c for c in columns if c.strip()] or ["values"]
    words = [n if n[:2].isupper() else n[:1].lower() + n[1:] for n in names]
    joined = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    return f"Table of {joined}"


def is_frame_html(html: str) -> bool:
    """Whether a text/html output is a pandas table (a DataFrame's or a Styler's)."""
    head = html[:2000]
    return "<table" in head and ('class="dataframe"' in head or re.search(
        r'<table id="T_[\w-]*"', head) is not None)


def from_html(html: str, caption: str) -> Table | None:
    """The report table of a DataFrame's or Styler's HTML; None if there is no table in it.

    Header rows give each column its name (a MultiIndex's levels joined); the header cells that
    start the body's rows are the index, kept only when a header names it; a Styler's caption is
    the caption when the cell gives none.
    """
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:
        return None
    table = next(root.iter("table"), None)
    if table is None:
        return None
    head = _grid(table.xpath("./thead/tr"))
    body = _grid(table.xpath("./tbody/tr") or [r for r in table.xpath("./tr")
                                                if r.xpath("./td")])
    if not body:
        return None
    first = table.xpath("./tbody/tr[1]") or table.xpath("./tr[td][1]")
    n_index = sum(1 for _ in _leading_th(first[0])) if first else 0
    width = max(len(r) for r in body)
    headers = [" ".join(dict.fromkeys(t for r in head if j < len(r) and (t := r[j][0])))
               for j in range(width)]
    for j in range(min(n_index, width)):
        headers[j] = _index_name(head, j, n_index)
    keep = [j for j in range(width) if j >= n_index or headers[j]]
    rows = [[r[j][0] if j < len(r) else "" for j in keep] for r in body]
    names = [headers[j] for j in keep]
    index = sum(1 for j in keep if j < n_index)
    numeric = tuple(k for k in range(index, len(keep))
                    if any(row[k] for row in rows)
                    and all(not row[k] or _NUMBER.match(row[k].replace(" ", "")) for row in rows))
    own = table.find("caption")
    title = caption or (" ".join(own.text_content().split()) if own is not None else "")
    return Table(title or made_caption(names[index:]), list(names), [list(r) for r in rows],
                 row_header=index > 0, numeric=numeric, cls="frame")


def _index_name(head: list[list[tuple[str, bool]]], j: int, n_index: int) -> str:
    """The name of the index level in column ``j``, or ``""`` if it has none.

    A Styler marks it (``index_name``); pandas gives the index names a header row of their own,
    below the column names, empty over the columns. A lone header row's first cell is the
    columns' own name, not the index's.
    """
    for row in head:
        if j < len(row) and row[j][1]:
            return row[j][0]
    last = head[-1] if len(head) > 1 else []
    if j < len(last) and not any(text for text, _ in last[n_index:]):
        return last[j][0]
    return ""


def _leading_th(tr: Any) -> Any:
    for cell in tr:
        if cell.tag != "th":
            return
        yield cell


def _grid(trs: list) -> list[list[tuple[str, bool]]]:
    """Rows of (text, whether a Styler marks it an index's name), spans repeated.

    A cell spanning rows or columns is repeated over each, so every row is as long as the table.
    """
    grid: list[list[tuple[str, bool]]] = []
    pending: dict[tuple[int, int], tuple[str, bool]] = {}
    for i, tr in enumerate(trs):
        row: list[tuple[str, bool]] = []
        for cell in tr:
            if cell.tag not in ("th", "td"):
                continue
            while (i, len(row)) in pending:
                row.append(pending.pop((i, len(row))))
            classes = (cell.get("class") or "").split()
            text = "" if "blank" in classes else " ".join(cell.text_content().split())
            entry = (text, "index_name" in classes)
            span, down = _int(cell.get("colspan")), _int(cell.get("rowspan"))
            for _ in range(span):
                for k in range(1, down):
                    pending[(i + k, len(row))] = entry
                row.append(entry)
        while (i, len(row)) in pending:
            row.append(pending.pop((i, len(row))))
        grid.append(row)
    return grid


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def register() -> None:
    """Carry every DataFrame and Series a cell shows as :data:`TABLE_MIME` too (in IPython only).

    Called when a notebook imports perflib and again when it loads its report, since a warm
    kernel may have been reset in between; registering twice changes nothing.
    """
    try:
        from IPython import get_ipython
        from IPython.core.formatters import BaseFormatter
        from traitlets import ObjectName
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    if TABLE_MIME in formatters:
        formatters[TABLE_MIME].enabled = True
        return

    class TableFormatter(BaseFormatter):
        """DataFrames and Series as perflib's table payload."""

        format_type = TABLE_MIME
        print_method = ObjectName("_repr_perflib_table_")
        _return_type = (dict,)

    import pandas as pd

    formatter = TableFormatter(parent=shell.display_formatter)
    for kind in (pd.DataFrame, pd.Series):
        formatter.for_type(kind, payload)
    formatters[TABLE_MIME] = formatter


__all__ = ["MAX_ROWS", "TABLE_MIME", "from_html", "from_payload", "is_frame_html", "payload",
           "register"]
