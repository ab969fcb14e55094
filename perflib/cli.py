"""The ``perflib`` command: check the data, build the reports, scaffold next year, collect figures."""

from __future__ import annotations

import argparse
import sys

from perflib.config import DATA_RULE, OUT_RULE
from perflib.errors import PerflibError, debugging
from perflib.run.engine import ENGINES

DATA_HELP = f"data folder (default: the project's data/); {DATA_RULE}"


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _check(data: str | None) -> int:
    from perflib.config import data_path
    from perflib.data import plausible
    from perflib.data.quality import describe
    from perflib.errors import DataError, merge
    from perflib.reports.checks import check_all

    held, problems, reports = check_all(data_path(data))
    by_portfolio: dict[str, list[str]] = {}
    for pid, year in held:
        by_portfolio.setdefault(pid, []).append(year)
    what = "; ".join(f"{pid} {', '.join(years)}" for pid, years in by_portfolio.items()) or "none"
    for r in reports:
        for line in describe(r):
            print(line, file=sys.stderr)
    found: list = []
    for line in plausible.of_reports(reports, found):  # a draft's figures far from their last
        print(line, file=sys.stderr)
    merge(problems, found)
    if problems:
        raise DataError(problems)
    print(f"data OK: {what}")
    return 0


def _collect(args: argparse.Namespace) -> int:
    """The commands that bring figures in: returns out and back, comparators from exports."""
    from pathlib import Path

    from perflib.config import data_path

    data = data_path(args.data)
    if args.command == "returns":
        from perflib.collect.returns import write_returns

        print(write_returns(args.portfolio, args.period, data))
    elif args.command == "import":
        from perflib.collect.importing import import_returns

        print(import_returns([Path(f) for f in args.files], data, args.apply, args.portfolio,
                             args.period))
    else:
        from perflib.collect.lginform import import_comparators

        print(import_comparators(args.portfolio, Path(args.file), args.metric, data,
                                 args.source, args.replace, args.where, args.column,
                                 args.measure))
    return 0


def parser() -> argparse.ArgumentParser:
    """The command's arguments, in one place: the command line and the docs' reference read it."""
    parser = argparse.ArgumentParser(prog="perflib", description=__doc__.replace("``", ""))
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build reports (all portfolios and years by default)")
    w = sub.add_parser("watch", help="build, then rebuild what changed on every save, keeping "
                                     "kernels and the browser warm (Ctrl-C to stop)")
    for p in (b, w):  # what to build, and where: the same for a build and a watch
        p.add_argument("--portfolio", help="portfolio id, a folder under data/ (default: all)")
        p.add_argument("--year", help="report year like 2020/21 (default: all years held)")
        p.add_argument("--out", help="reports folder (default: the project's reports/); "
                                     f"{OUT_RULE}")
        p.add_argument("--data", help=DATA_HELP)
        p.add_argument("--jobs", type=int, default=None,
                       help="notebooks to run at once (default: the machine's cores)")
        p.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                       help="where the notebooks run: warm (kernels forked warm, reused; the "
                            "default, and plain wherever they cannot start) or plain "
                            "(papermill's standard engine, a fresh kernel per notebook); a "
                            "cluster's workers choose their own")
    b.add_argument("--force", action="store_true", help="rebuild reports that are up to date")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the notebooks on the Dask cluster whose scheduler is at ADDRESS "
                        "(like tcp://10.0.0.5:8786); default: on this machine")
    c = sub.add_parser("check", help="validate every data file; list every problem and to-do")
    c.add_argument("--data", help=DATA_HELP)
    n = sub.add_parser("new-year", help="scaffold the next report year from the latest one")
    n.add_argument("portfolio", help="portfolio id, e.g. cfe")
    n.add_argument("year", help="the new report year, e.g. 2021/22")
    n.add_argument("--data", help=DATA_HELP)
    nr = sub.add_parser("new-report", help="start a report of the portfolio's own: write "
                                           "notebooks/NAME.ipynb and declare it in its "
                                           "portfolio.yaml")
    nr.add_argument("portfolio", help="portfolio id, e.g. cfe")
    nr.add_argument("name", help="the report's name, used for its files, e.g. repairs")
    nr.add_argument("--title", help='what its reader calls it (default: "Name: deep dive")')
    nr.add_argument("--data", help=DATA_HELP)
    d = sub.add_parser("draft", help="draft a factual first sentence where commentary is empty")
    d.add_argument("portfolio", help="portfolio id, e.g. cfe")
    d.add_argument("year", help="report year, e.g. 2021/22")
    d.add_argument("measures", nargs="*", metavar="MEASURE_ID",
                   help="draft only these measures (under commentary: optional, only measures "
                        "named are drafted)")
    d.add_argument("--data", help=DATA_HELP)
    r = sub.add_parser("returns", help="write the Excel data returns the services fill in for a "
                                       "period: one per owner, under returns/")
    r.add_argument("portfolio", help="portfolio id, e.g. cfe")
    r.add_argument("period", help='a year like 2021/22 or a quarter like "2021/22 Q1"')
    r.add_argument("--data", help=DATA_HELP)
    i = sub.add_parser("import", help="check filled-in returns and show what they change; "
                                      "--apply writes it")
    i.add_argument("files", nargs="+", metavar="FILE.xlsx", help="filled-in returns")
    i.add_argument("--apply", action="store_true",
                   help="write the changes into observations.csv and commentary.md")
    i.add_argument("--portfolio", help="refuse a return made for another portfolio")
    i.add_argument("--period", help="refuse a return made for another period")
    i.add_argument("--data", help=DATA_HELP)
    ic = sub.add_parser("import-comparators", help="merge an export (LG Inform's, the Office for "
                                                   "Local Government's, or a long table of area, "
                                                   "period and value) into "
                                                   "comparators/values.csv")
    ic.add_argument("portfolio", help="portfolio id, e.g. cfe")
    ic.add_argument("file", metavar="FILE.csv", help="the downloaded export")
    ic.add_argument("--metric", required=True, help="the metric the figures are, as "
                                                     "comparators/metrics.csv names it, e.g. "
                                                     "births_registered_on_time")
    ic.add_argument("--where", action="append", metavar="COLUMN=VALUE",
                    help="take only the rows whose COLUMN holds VALUE, e.g. Code=ASC1 to pick "
                         "one indicator from a file of several (repeatable)")
    ic.add_argument("--column", action="append", metavar="ROLE=HEADER",
                    help="read the column HEADER as ROLE (area, area_name, period or value), "
                         "for a layout perflib does not know (repeatable)")
    ic.add_argument("--measure", metavar="MEASURE_ID",
                    help="add the metric to comparators/metrics.csv, compared with this measure, "
                         "when it is not there yet")
    ic.add_argument("--source", help="where the figures were published (default: the file's "
                                     "name)")
    ic.add_argument("--replace", action="store_true",
                    help="take the export's figure where it differs from one already held")
    ic.add_argument("--data", help=DATA_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; every perflib error becomes a clear message and an exit code."""
    args = parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args.data)
        if args.command in ("new-year", "draft"):
            from perflib.collect import scaffold
            from perflib.config import data_path

            if args.command == "new-year":
                print(scaffold.new_year(args.portfolio, args.year, data_path(args.data)))
            else:
                print(scaffold.draft(args.portfolio, args.year, data_path(args.data),
                                     args.measures))
            return 0
        if args.command == "new-report":
            from perflib.config import data_path
            from perflib.reports.starter import new_report

            print(new_report(args.portfolio, args.name, data_path(args.data), args.title))
            return 0
        if args.command in ("returns", "import", "import-comparators"):
            return _collect(args)
        if args.command == "watch":
            from perflib.run import watch

            return watch.main(argv, portfolio=args.portfolio, year=args.year, out=args.out,
                              jobs=args.jobs, data_dir=args.data, engine=args.engine)
        if args.scheduler is None:  # kernels get ready while the build imports what it needs
            from perflib.run import engine, logs

            if engine.use(args.engine, _say) == "warm" and logs.anything_to_run(
                    args.out, args.force, args.portfolio, args.year):
                engine.head_start()
        from perflib.run.build import build

        build(args.portfolio, args.year, args.out, args.jobs, args.force, args.data,
              scheduler=args.scheduler, engine=args.engine)
        return 0
    except PerflibError as exc:
        print(f"perflib: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("perflib: interrupted; each report folder published before it is complete and "
              "listed in the index, the others are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or a broken machine: still one line, and nothing published
        if debugging():
            raise
        print(f"perflib: unexpected {type(exc).__name__}: {exc} (each report folder published "
              "before it is complete, the others are unchanged; set PERFLIB_DEBUG=1 for the "
              "traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
