"""``perflib new-year``: next year's report scaffolded from the latest one, with a to-do list.

What carries forward is copied (the register, the figures that become the new report's history,
the priorities, the rules, the risk-rating key); what belongs to the new year is left blank, so
``perflib check`` lists it as a to-do and nothing stale can be printed by accident.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from perflib.collect import edits
from perflib.config import year_folder
from perflib.data import commentary as commentary_file
from perflib.data import files, periods
from perflib.data.claims import draft_sentence
from perflib.data.door import read_to_edit
from perflib.data.folders import check_year
from perflib.data.portfolio import Portfolio, load_portfolio
from perflib.data.report import read_report
from perflib.data.yamlfile import read_yaml
from perflib.data.year import Report
from perflib.errors import DataError, ParameterError, Problem


def _next(year: str) -> str:
    start = int(year[:4]) + 1
    return f"{start}/{(start + 1) % 100:02d}"


def _register_rows(raw: bytes, latest: str, year: str) -> tuple[list[list[str]], list[str]]:
    """The latest year's register rows as written, for ``year``, numerical targets blank.

    Returns the rows and their measure_ids in file order.
    """
    header, rows = edits.records(raw)
    at = {name: header.index(name) for name in ("year", "measure_id", "target_type", "target")}
    out = []
    for r in rows:
        if r[at["year"]].strip() != latest:
            continue
        row = list(r)
        row[at["year"]] = year
        if row[at["target_type"]].strip().lower() == "numerical":
            row[at["target"]] = ""  # every year's target is set afresh
        out.append(row)
    return out, [r[at["measure_id"]].strip() for r in out]


def _history_rows(raw: bytes, latest: str, year: str, ids: list[str]) -> list[list[str]]:
    """The new report's history: the latest report's years less the oldest, and a blank new one.

    Quarters and months stay under the report that published them.
    """
    header, rows = edits.records(raw)
    at = {name: header.index(name) for name in ("report", "measure_id", "period")}
    by_id: dict[str, list[list[str]]] = {}
    for r in rows:
        period = r[at["period"]].strip()
        if r[at["report"]].strip() == latest and not periods.year_problem(period):
            by_id.setdefault(r[at["measure_id"]].strip(), []).append(r)
    out = []
    for mid in ids:
        mine = sorted(by_id.get(mid, []), key=lambda r: r[at["period"]].strip())
        for r in mine[1:] if len(mine) > 1 else mine:
            row = list(r)
            row[at["report"]] = year
            out.append(row)
        blank = [""] * len(header)
        blank[at["report"]], blank[at["measure_id"]], blank[at["period"]] = year, mid, year
        out.append(blank)
    return out


def new_year(portfolio: str, year: str, data_dir: Path) -> str:
    """Scaffold ``year`` for ``portfolio`` from its latest year; return what is left to fill in.

    Every change is computed before any file is written, then all are written or none
    (:mod:`perflib.collect.edits`): a refusal leaves the portfolio as it was, so a rerun works.
    """
    check_year(year)
    p = load_portfolio(portfolio, data_dir)
    if not p.years:
        raise ParameterError(f"portfolio '{portfolio}' holds no year to start from")
    latest = max(p.years)
    folder = p.path / year_folder(year)
    if year in p.years or folder.exists() or folder.is_symlink():
        raise ParameterError(f"{year} already exists for '{portfolio}' ({folder}); new-year never "
                             "overwrites a year: edit its files, or delete the folder first")
    if year != _next(latest):
        raise ParameterError(f"the year after {latest} is {_next(latest)}, not {year}")

    change = edits.Edits(folder=folder)
    yml = p.path / "portfolio.yaml"
    change.files[yml] = edits.add_year(yml, read_to_edit(yml), year)  # may refuse: nothing written yet
    raw = read_to_edit(p.measures.path)
    rows, ids = _register_rows(raw, latest, year)
    change.files[p.measures.path] = edits.append_rows(raw, rows)
    raw = read_to_edit(p.observations.path)
    change.files[p.observations.path] = edits.append_rows(raw, _history_rows(raw, latest, year, ids))

    found: list[Problem] = []  # read within the bounds every YAML file is read within
    doc = read_yaml(p.path / year_folder(latest) / "report.yaml", found)
    if doc is None:
        raise DataError(found)
    previous = doc.data
    # the drafted first sentence takes its shape from last year's figures and its numbers, through
    # placeholders, from this year's once they are filled in
    shape = _loaded(p, latest).figures
    # optional commentary gets its headings only: a drafted sentence would be a to-do each
    drafted = p.options.commentary_required
    change.new = {
        "report.yaml": _report_yaml(year, previous, p.options.has_finance).encode("utf-8"),
        "commentary.md": "".join(
            f"## {mid}\n{draft_sentence(shape[mid]) if drafted and mid in shape else ''}\n\n"
            for mid in ids).encode("utf-8"),
        # the year's required tables start empty, each with its header (the registry's); a
        # KPI-only portfolio (finance: none) has no reserves or savings
        **{f.name: f.header().encode("utf-8") for f in files.level(files.YEAR) if f.columns
           and f.required and (p.options.has_finance or f.name not in FINANCE_FILES)},
    }
    change.write()

    _, todos = read_report(load_portfolio(portfolio, data_dir), year)
    return _summary(portfolio, year, latest, folder, todos)


def _loaded(p: Portfolio, year: str) -> Report:
    """A year to draft from: read whole, or the error with every problem it has."""
    report, problems = read_report(p, year)
    if report is None or any(not q.todo for q in problems) or (problems and not report.draft):
        raise DataError(problems)
    return report


def draft(portfolio: str, year: str, data_dir: Path, measures: list[str] | None = None) -> str:
    """Write the drafted factual first sentence where a measure's commentary is empty.

    Every measure with an empty heading, or only ``measures`` where they are named. Under
    portfolio.yaml's ``commentary: optional`` only measures named are drafted: a sentence drafted
    for every measure would be a to-do on each, where the portfolio writes notes on a few (a
    named measure with no heading yet gets one, at the file's end, and a file that is not there
    yet is made). The rest of the file is kept byte for byte (its line endings too), and a file
    with nothing to draft is not written at all.
    """
    check_year(year)
    report, problems = read_report(load_portfolio(portfolio, data_dir), year)
    if report is None or any(not q.todo for q in problems):
        raise DataError([q for q in problems if not q.todo] or problems)
    figures = report.figures
    unknown = [m for m in measures or [] if m not in figures]
    if unknown:
        raise ParameterError(f"{', '.join(unknown)}: not a measure of {portfolio} {year} (its "
                             f"measures: {', '.join(figures)})")
    path = report.commentary_path
    if not measures and not report.portfolio.options.commentary_required:
        return (f"{portfolio}'s commentary is optional (portfolio.yaml's commentary: optional), "
                "so nothing is drafted unless asked: name the measures to draft, e.g. perflib "
                f"draft {portfolio} {year} {next(iter(figures), 'MEASURE_ID')}")
    wanted = set(measures or figures)
    raw = read_to_edit(path) if path.exists() or path.is_symlink() else b""
    text, bom = edits.text_of(raw)
    end = edits.eol(raw)
    lines = text.splitlines(keepends=True)
    out, written, headed = [], [], set()
    for n, line in enumerate(lines):
        out.append(line)
        m = commentary_file.HEADING.match(line.rstrip("\r\n"))
        if not m or m.group(1) not in figures:
            continue
        headed.add(m.group(1))
        body = []
        for x in lines[n + 1:]:
            if commentary_file.HEADING.match(x.rstrip("\r\n")):
                break
            body.append(x)
        if m.group(1) in wanted and not "".join(body).strip():
            if line == line.rstrip("\r\n"):  # the heading is the file's last line
                out[-1] = line + end
            out.append(draft_sentence(figures[m.group(1)]) + end)
            written.append(m.group(1))
    for mid in (m for m in measures or [] if m not in headed):
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += end
        out.append(f"{end if out else ''}## {mid}{end}{draft_sentence(figures[mid])}{end}")
        written.append(mid)
    if not written:
        return f"Every measure in {path} already has commentary: nothing written."
    edits.Edits(files={path: edits.encode("".join(out), bom)}).write()
    return (f"Drafted a first sentence for {len(written)} measures in {path} "
            f"({', '.join(written)}). Each ends with the draft marker: complete it and delete the "
            "marker before the report is final.")


#: The year's files that hold finance, which a KPI-only portfolio (finance: none) has none of.
FINANCE_FILES = ("reserves.csv", "savings.csv")


def _report_yaml(year: str, previous: dict, with_finance: bool = True) -> str:
    """A report.yaml with what carries over kept and what belongs to the year left blank.

    Without ``with_finance`` (portfolio.yaml's finance: none) it has no finance block.
    """
    keep = {k: previous[k] for k in ("cabinet_member", "show_categories", "rules")
            if k in previous}
    priorities = [{"number": pr.get("number"), "title": pr.get("title"), "intro": None,
                   **({"tables": pr["tables"]} if pr.get("tables") else {})}
                  for pr in previous.get("priorities") or []]
    fin = previous.get("finance") or {}
    finance = {"cash_limit": {"previously_reported": None, "change": None},
               "cash_limit_labels": fin.get("cash_limit_labels"),
               "budget_change_note": None, "net_expenditure": None, "appropriations": None,
               "outturn_note": None,
               "reserves_movement_label": f"Appropriations {year}",
               "stated": {}, "risk_ratings": fin.get("risk_ratings")}
    doc = {"status": "draft", "date": None, "version": "0.1", "approved_by": None,
           **keep, "agreement": None, "summary": None, "priorities": priorities,
           "finance": {k: v for k, v in finance.items() if v is not None or k in (
               "budget_change_note", "outturn_note", "net_expenditure", "appropriations")}}
    if not with_finance:
        del doc["finance"]
    head = (f"# {year}: scaffolded by `perflib new-year`. Fill in every blank (`perflib check`\n"
            "# lists them), build drafts with `perflib build`, then set status: final and\n"
            "# approved_by once the report is approved.\n")
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def _summary(portfolio: str, year: str, latest: str, folder: Path, todos: list[Problem]) -> str:
    by_file: dict[Path, int] = {}
    for t in todos:
        by_file[t.file] = by_file.get(t.file, 0) + 1
    lines = [f"Scaffolded {portfolio} {year} from {latest} in {folder}.",
             f"{len(todos)} things to fill in before the report is complete:"]
    lines += [f"  {n:>3}  {f}" for f, n in by_file.items()]
    lines += ["Next: fill them in, run `perflib check` (it lists each one), build drafts with "
              f"`perflib build --portfolio {portfolio} --year {year}`, and set status: final "
              "with approved_by when the report is approved."]
    return "\n".join(lines)
