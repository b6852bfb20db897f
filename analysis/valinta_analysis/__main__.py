"""Command line: python3 -m valinta_analysis {report,plots,summary} RESULTS.h5 [-o OUT]."""

from __future__ import annotations

import argparse
import os
import sys

from . import plots, report
from .results import load, summary


def _default_output(results: str, suffix: str) -> str:
    stem = os.path.splitext(os.path.basename(results))[0]
    return stem + suffix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m valinta_analysis",
        description="Figures and reports from a Valinta results file (HDF5).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("report", help="write a self-contained HTML report")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("-o", "--output", metavar="FILE.html",
                   help="where to write the report (default: RESULTS-report.html here)")
    p.add_argument("--dpi", type=int, default=plots.DPI, help="figure resolution (default %(default)s)")

    p = commands.add_parser("plots", help="write every figure as PNG into a directory")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="directory for the PNG files (default: RESULTS-plots here)")
    p.add_argument("--dpi", type=int, default=plots.DPI, help="figure resolution (default %(default)s)")

    p = commands.add_parser("summary", help="print the headline figures")
    p.add_argument("results", metavar="RESULTS.h5")

    args = parser.parse_args(argv)
    if not os.path.isfile(args.results):
        print(f"valinta_analysis: no such file: {args.results}", file=sys.stderr)
        return 2
    try:
        ds = load(args.results)
    except (OSError, ValueError) as error:
        print(f"valinta_analysis: cannot read {args.results} as a results file: {error}",
              file=sys.stderr)
        return 2

    if args.command == "report":
        output = args.output or _default_output(args.results, "-report.html")
        report.write_report(ds, output, dpi=args.dpi)
        print(f"report: {output}")
    elif args.command == "plots":
        output = args.output or _default_output(args.results, "-plots")
        skipped: dict[str, str] = {}
        written = plots.save_all(ds, output, dpi=args.dpi, skipped=skipped)
        for path in written.values():
            print(path)
        for name, reason in skipped.items():
            print(f"left out {name}: {reason}", file=sys.stderr)
        print(f"{len(written)} figures in {output}")
    else:
        for label, shown in report.ordered_headlines(summary(ds)):
            print(f"{label}: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
