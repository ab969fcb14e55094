"""The council as a whole: its name, its portfolios in Cabinet's order, and its shared settings.

``data/council.yaml`` is optional; without it the council is the council its portfolios name
(one portfolio is a council of one), every setting has today's default, and every report reads
as before. With it::

    council: Example Borough Council
    area_code: E07000001            # its ONS code
    portfolios: [leisure, streets]  # the ids, in the order Cabinet sees them
    headline: {label: Bold name, meaning: A measure of the council plan}
    rules: {amber_tolerance: 0.05, stable_threshold: 0.01}  # when a report.yaml gives none
    spc: {shift: 7, trend: 7, beyond_limits: false}         # Making Data Count's options

A portfolio's own portfolio.yaml (``headline``, ``spc``) and report.yaml (``rules``) override
these. The corporate report's own front matter lives in ``data/council/<YYYY-YY>/report.yaml``
(date, version, approver, status, and a ``quarters:`` mapping for the quarterly ones), its
commentary in ``data/council/<YYYY-YY>/commentary.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perflib import config
from perflib.data import commentary as commentary_file
from perflib.data.report_meta import read_cover
from perflib.data.yamlfile import Yaml, read_yaml
from perflib.errors import Problem
from perflib.spc import Options

FILE = "council.yaml"
#: The folder of the corporate report's own files under data/, and of its reports.
FOLDER = "council"
#: ONS GSS codes: a letter and eight digits (E08000007).
AREA_CODE_RE = re.compile(r"^[EWSNK]\d{8}$")
RULE_KEYS = ("amber_tolerance", "stable_threshold")


@dataclass(frozen=True)
class Settings:
    """What council.yaml says every portfolio does unless its own files say otherwise."""

    headline_label: str | None = None
    headline_meaning: str | None = None
    #: the rating thresholds a report.yaml without ``rules`` takes
    rules: dict[str, float] = field(default_factory=dict)
    spc: Options = Options()


@dataclass
class Council:
    """The council: its name and code, its portfolios in order, its settings."""

    name: str
    area_code: str
    #: portfolio ids in the order Cabinet sees them
    portfolios: list[str]
    settings: Settings
    #: council.yaml as read, when there is one
    yaml: Yaml | None = None

    @property
    def declared(self) -> bool:
        """Whether data/ holds a council.yaml (else the council is inferred from its portfolios)."""
        return self.yaml is not None


def spc_options(doc: Yaml | None, problems: list[Problem], default: Options | None = None
                ) -> Options:
    """The ``spc:`` options of a council.yaml or portfolio.yaml, over ``default``."""
    default = default or Options()
    block = doc.data.get("spc") if doc is not None else None
    if block is None:
        return default
    assert doc is not None  # a block was read from it
    if not isinstance(block, dict):
        problems.append(Problem(doc.path, doc.line("spc"), "spc", "must map the SPC options "
                                "to their values", "write e.g. 'spc: {shift: 6, trend: 7, "
                                "beyond_limits: true}'"))
        return default
    values: dict[str, Any] = {}
    for key, value in block.items():
        where = ("spc", key)
        if key in ("shift", "trend"):
            least = 2 if key == "shift" else 3
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                problems.append(Problem(doc.path, doc.line(*where), f"spc.{key}",
                                        f"'{value}' is not a whole number of points of at least "
                                        f"{least}", "write 6 or 7, as Making Data Count tools do"))
                continue
        elif key == "beyond_limits":
            if not isinstance(value, bool):
                problems.append(Problem(doc.path, doc.line(*where), "spc.beyond_limits",
                                        f"'{value}' is not true or false",
                                        "write true to count points beyond a limit towards "
                                        "'2 of 3 near a limit' (Making Data Count since 2023), "
                                        "false not to (NHSRplotthedots)"))
                continue
        else:
            problems.append(Problem(doc.path, doc.line(*where), f"spc.{key}",
                                    f"'{key}' is not an SPC option perflib knows",
                                    "use shift, trend or beyond_limits"))
            continue
        values[key] = value
    return Options(**{**default.__dict__, **values})


def _rules(doc: Yaml, problems: list[Problem]) -> dict[str, float]:
    block = doc.data.get("rules")
    if block is None:
        return {}
    out: dict[str, float] = {}
    for key in RULE_KEYS:
        value = block.get(key) if isinstance(block, dict) else None
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            problems.append(Problem(doc.path, doc.line("rules", key), f"rules.{key}",
                                    f"'{value}' is not a share between 0 and 1",
                                    "write it as a fraction: 0.05 for 5%"))
            continue
        out[key] = float(value)
    return out


def _text(doc: Yaml, key: str, problems: list[Problem], fix: str) -> str | None:
    value = doc.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(doc.path, doc.line(key), key, f"'{value}' is not a line of text",
                                fix))
        return None
    return value.strip()


def read_council(data_dir: Path | str | None, problems: list[Problem],
                 portfolios: list[str] | None = None) -> Council | None:
    """council.yaml read and checked, or ``None`` when data/ holds none (a council of one).

    ``portfolios`` are the portfolio ids data/ holds, each of which council.yaml must list.
    """
    root = Path(data_dir or config.DATA_DIR)
    if not (root / FILE).exists() and not (root / FILE).is_symlink():
        return None
    doc = read_yaml(root / FILE, problems)
    if doc is None:
        return None
    name = _text(doc, "council", problems, "give the council's name as the cover prints it")
    if name is None and "council" not in doc.data:
        problems.append(Problem(doc.path, None, "council", "is missing",
                                "give the council's name as the cover prints it"))
    code = doc.data.get("area_code")
    if code is not None and not (isinstance(code, str) and AREA_CODE_RE.match(code)):
        problems.append(Problem(doc.path, doc.line("area_code"), "area_code",
                                f"'{code}' is not an ONS area code",
                                "write the nine-character GSS code, e.g. E07000001"))
        code = None
    ids = doc.data.get("portfolios")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids or [None]):
        problems.append(Problem(doc.path, doc.line("portfolios"), "portfolios",
                                "must list the portfolio ids in the order Cabinet sees them",
                                "write e.g. 'portfolios: [leisure, streets]'"))
        ids = []
    held = set(portfolios or [])
    first: dict[str, int] = {}
    for i, pid in enumerate(ids):
        if pid in first:  # listed twice, its budget would count twice in the council's totals
            problems.append(Problem(doc.path, doc.line("portfolios", i), f"portfolios[{i}]",
                                    f"'{pid}' is listed twice (first as portfolios[{first[pid]}], "
                                    f"line {doc.line('portfolios', first[pid])})",
                                    "list each portfolio once, where Cabinet sees it"))
            continue
        first[pid] = i
        if portfolios is not None and pid not in held:
            problems.append(Problem(doc.path, doc.line("portfolios", i), f"portfolios[{i}]",
                                    f"'{pid}' is not a portfolio under {root}",
                                    f"use one of {', '.join(sorted(held)) or 'none'}, or add "
                                    "its folder"))
    for pid in sorted(held - set(ids)):
        problems.append(Problem(doc.path, doc.line("portfolios"), "portfolios",
                                f"the portfolio '{pid}' under {root} is not listed",
                                "add it where Cabinet sees it, so the corporate report shows it"))
    headline = doc.data.get("headline")
    label = meaning = None
    if isinstance(headline, dict):
        label, meaning = headline.get("label"), headline.get("meaning")
    elif headline is not None:
        problems.append(Problem(doc.path, doc.line("headline"), "headline",
                                "must give the key's label and meaning",
                                "write 'headline:' then '  label: Bold name' and "
                                "'  meaning: <what a bold measure is>'"))
    settings = Settings(label if isinstance(label, str) else None,
                        meaning if isinstance(meaning, str) else None,
                        _rules(doc, problems), spc_options(doc, problems))
    return Council(name or "", code or "", [i for i in first if i in held or portfolios is None],
                   settings, doc)


def settings_of(data_dir: Path | str | None, problems: list[Problem]) -> Settings:
    """The council-wide settings a portfolio starts from (defaults without council.yaml)."""
    c = read_council(data_dir, problems)
    return c.settings if c is not None else Settings()


__all__ = ["FILE", "FOLDER", "Council", "Settings", "read_council", "settings_of", "spc_options"]


@dataclass
class CorporateYear:
    """The corporate report's own files for one year: its cover details and its commentary."""

    year: str
    #: the annual report's cover (date, version, approved_by, status)
    meta: dict[str, Any]
    #: each quarterly report's cover, by quarter (Q1 ...)
    quarters: dict[str, dict[str, Any]]
    #: heading ("summary", or "<portfolio>.<measure_id>") -> its commentary
    commentary: dict[str, Any]
    commentary_path: Path
    #: the files read (for the build log and incremental builds)
    files: list[Path] = field(default_factory=list)


def year_path(data_dir: Path | str | None, year: str) -> Path:
    """``data/council/<YYYY-YY>``: where the corporate report's own files for a year are."""
    return Path(data_dir or config.DATA_DIR) / FOLDER / year.replace("/", "-")


def read_corporate(data_dir: Path | str | None, year: str, headings: set[str],
                   problems: list[Problem]) -> CorporateYear:
    """The corporate report's front matter and commentary for ``year``.

    Without ``data/council/<YYYY-YY>/report.yaml`` the report is a draft whose cover is still to
    be set: a to-do once data/ holds a council.yaml (a council that has said who it is), and
    nothing to do for portfolios that are a council of their own. Its commentary's headings
    must be ``summary`` or one of ``headings``.
    """
    folder = year_path(data_dir, year)
    path = folder / "report.yaml"
    files: list[Path] = []
    meta: dict[str, Any] = {"status": "draft", "date": None, "version": "",
                            "approved_by": None}
    quarters: dict[str, dict[str, Any]] = {}
    if path.exists() or path.is_symlink():
        doc = read_yaml(path, problems)
        if doc is not None:
            files.append(path)
            meta = read_cover(doc, (), f"{year} corporate", doc.data, problems)
            block = doc.data.get("quarters") or {}
            if not isinstance(block, dict):
                problems.append(Problem(path, doc.line("quarters"), "quarters",
                                        "must map quarters to their cover details",
                                        "write e.g. 'quarters:' then '  Q1: {date: 2021-09-06, "
                                        "version: \"1.0\", approved_by: XY, status: final}'"))
                block = {}
            for q, item in block.items():
                if str(q) not in ("Q1", "Q2", "Q3", "Q4") or not isinstance(item, dict):
                    problems.append(Problem(path, doc.line("quarters", q), f"quarters.{q}",
                                            f"'{q}' is not a quarter with its cover details",
                                            "use Q1, Q2, Q3 or Q4, each with date, version, "
                                            "approved_by and status"))
                    continue
                quarters[str(q)] = read_cover(doc, ("quarters", q), f"{year} {q} corporate",
                                              item, problems)
    elif (Path(data_dir or config.DATA_DIR) / FILE).exists():
        problems.append(Problem(path, None, None, f"the {year} corporate report has no date, "
                                "version, approver or status yet",
                                "create it with date, version, approved_by and status (and "
                                "quarters: for the quarterly reports)", todo=True))
    cpath = commentary_file.path_of(folder)
    commentary: dict[str, Any] = {}
    if cpath.exists() or cpath.is_symlink():
        files.append(cpath)
        commentary = commentary_file.parse(cpath, {"summary", *headings}, problems)
    return CorporateYear(year, meta, quarters, commentary, cpath, files)
