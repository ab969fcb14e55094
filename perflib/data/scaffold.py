"""``perflib new-year``: next year's report scaffolded from the latest one, with a to-do list.

What carries forward is copied (the register, the figures that become the new report's history,
the priorities, the rules, the risk-rating key); what belongs to the new year is left blank, so
``perflib check`` lists it as a to-do and nothing stale can be printed by accident.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import yaml

from perflib.data import periods, specs
from perflib.data.portfolio import check_year, load_portfolio, year_folder
from perflib.data.report import check_report
from perflib.errors import ParameterError, Problem


def _next(year: str) -> str:
    start = int(year[:4]) + 1
    return f"{start}/{(start + 1) % 100:02d}"


def _csv_text(header: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for row in rows:
        w.writerow({k: _cell(row.get(k)) for k in header})
    return buf.getvalue()


def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _append_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    text = path.read_text(encoding="utf-8-sig")
    if not text.endswith("\n"):
        text += "\n"
    body = _csv_text(header, rows).split("\n", 1)[1]
    path.write_text(text + body, encoding="utf-8")


def new_year(portfolio: str, year: str, data_dir: Path) -> str:
    """Scaffold ``year`` for ``portfolio`` from its latest year; return what is left to fill in."""
    check_year(year)
    p = load_portfolio(portfolio, data_dir)
    if not p.years:
        raise ParameterError(f"portfolio '{portfolio}' holds no year to start from")
    latest = max(p.years)
    folder = p.path / year_folder(year)
    if year in p.years or folder.exists():
        raise ParameterError(f"{year} already exists for '{portfolio}' ({folder}); new-year never "
                             "overwrites a year: edit its files, or delete the folder first")
    if year != _next(latest):
        raise ParameterError(f"the year after {latest} is {_next(latest)}, not {year}")

    m = p.measures.frame
    register = m[m["year"] == latest].copy()
    register["year"] = year
    numerical = register["target_type"] == "numerical"
    register.loc[numerical, "target"] = None  # every year's target is set afresh
    _append_rows(p.measures.path, [c.name for c in specs.MEASURES], register.to_dict("records"))

    # the new report's history: the latest report's periods, less the oldest, plus a blank new one
    o = p.observations.frame
    last = o[(o["report"] == latest) & periods.is_year(o["period"])]  # quarters stay where they are
    rows = []
    for mid in register["measure_id"]:
        mine = last[last["measure_id"] == mid].sort_values("period")
        carried = mine.iloc[1:] if len(mine) > 1 else mine
        for r in carried.to_dict("records"):
            rows.append({**r, "report": year})
        rows.append({"report": year, "measure_id": mid, "period": year})
    _append_rows(p.observations.path, [c.name for c in specs.OBSERVATIONS], rows)

    folder.mkdir()
    previous = yaml.safe_load((p.path / year_folder(latest) / "report.yaml").read_text("utf-8"))
    (folder / "report.yaml").write_text(_report_yaml(year, previous), encoding="utf-8")
    from perflib.data.claims import draft_sentence
    from perflib.data.report import load_report

    # the drafted first sentence takes its shape from last year's figures and its numbers, through
    # placeholders, from this year's once they are filled in
    shape = load_report(p, latest).figures
    (folder / "commentary.md").write_text("".join(
        f"## {mid}\n{draft_sentence(shape[mid]) if mid in shape else ''}\n\n"
        for mid in register["measure_id"]), encoding="utf-8")
    (folder / "reserves.csv").write_text(",".join(c.name for c in specs.RESERVES) + "\n")
    (folder / "savings.csv").write_text(",".join(c.name for c in specs.SAVINGS) + "\n")
    _add_year(p.path / "portfolio.yaml", year)

    _, todos = check_report(load_portfolio(portfolio, data_dir), year)
    return _summary(portfolio, year, latest, folder, todos)


def draft(portfolio: str, year: str, data_dir: Path) -> str:
    """Write the drafted factual first sentence wherever a measure's commentary is empty."""
    from perflib.data import commentary as commentary_file
    from perflib.data.claims import draft_sentence
    from perflib.errors import DataError

    check_year(year)
    report, problems = check_report(load_portfolio(portfolio, data_dir), year)
    if report is None:
        raise DataError([q for q in problems if not q.todo] or problems)
    figures = report.figures
    path = report.commentary_path
    lines = path.read_text(encoding="utf-8").splitlines()
    out, written = [], []
    for n, line in enumerate(lines):
        out.append(line)
        m = commentary_file.HEADING.match(line)
        if not m or m.group(1) not in figures:
            continue
        rest = lines[n + 1:]
        body = []
        for x in rest:
            if commentary_file.HEADING.match(x):
                break
            body.append(x)
        if not "".join(body).strip():
            out.append(draft_sentence(figures[m.group(1)]))
            written.append(m.group(1))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    if not written:
        return f"Every measure in {path} already has commentary: nothing written."
    return (f"Drafted a first sentence for {len(written)} measures in {path} "
            f"({', '.join(written)}). Each ends with the draft marker: complete it and delete the "
            "marker before the report is final.")


def _report_yaml(year: str, previous: dict) -> str:
    """A report.yaml with what carries over kept and what belongs to the year left blank."""
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
    head = (f"# {year}: scaffolded by `perflib new-year`. Fill in every blank (`perflib check`\n"
            "# lists them), build drafts with `perflib build`, then set status: final and\n"
            "# approved_by once the report is approved.\n")
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def _add_year(path: Path, year: str) -> None:
    """Add the year to portfolio.yaml's list, keeping the file's comments and layout."""
    text = path.read_text(encoding="utf-8")
    items = list(re.finditer(r'^(\s*-\s*)"?\d{4}/\d{2}"?\s*$', text, flags=re.M))
    if not items:
        raise ParameterError(f"{path}: cannot find the years list to add {year} to; add it by hand")
    last = items[-1]
    line = f'{last.group(1)}"{year}"'
    path.write_text(text[:last.end()] + "\n" + line + text[last.end():], encoding="utf-8")


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
