"""The ``perflib`` command: ``perflib build`` and ``perflib check``."""

from __future__ import annotations

import argparse
import os
import sys

from perflib.errors import PerflibError


def main(argv: list[str] | None = None) -> int:
    """Run the command line; every perflib error becomes a clear message and an exit code."""
    parser = argparse.ArgumentParser(prog="perflib", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build reports (all portfolios and years by default)")
    b.add_argument("--portfolio", help="portfolio id, a folder under data/ (default: all)")
    b.add_argument("--year", help="report year like 2020/21 (default: all years held)")
    b.add_argument("--out", help="reports folder (default: the project's reports/)")
    b.add_argument("--data", help="data folder (default: the project's data/)")
    b.add_argument("--jobs", type=int, default=None,
                   help="notebooks to run at once (default: the machine's cores)")
    b.add_argument("--force", action="store_true", help="rebuild reports that are up to date")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the notebooks on the Dask cluster whose scheduler is at ADDRESS "
                        "(like tcp://10.0.0.5:8786); default: on this machine")
    c = sub.add_parser("check", help="validate every data file and report every problem")
    c.add_argument("--data", help="data folder (default: the project's data/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            from perflib.data.load import load_all

            reports = load_all(args.data)
            print(f"data OK: {len(reports)} report years")
            return 0
        from perflib.build import build

        build(args.portfolio, args.year, args.out, args.jobs, args.force, args.data,
              scheduler=args.scheduler)
        return 0
    except PerflibError as exc:
        print(f"perflib: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("perflib: interrupted; published reports are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or a broken machine: still one line, and nothing published
        if os.environ.get("PERFLIB_DEBUG"):
            raise
        print(f"perflib: unexpected {type(exc).__name__}: {exc} (published reports are unchanged; "
              "set PERFLIB_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
