"""Command line: python3 -m valinta_analysis {report,plots,summary,table} RESULTS.h5 [-o OUT], or
the same as ``valinta-analysis ...`` once the package is installed (pyproject.toml).

Every command reads any kind of results file (run, replications, comparison, sweep).

``--threshold KEY=VALUE`` (report, summary, table of a comparison; repeatable) sets how large a
difference of one headline indicator must be to matter, in the units the report shows its
differences in: percentage points for shares, the indicator's units otherwise.
``--boundaries FILE.geojson`` (report, plots) names the municipal boundaries for the maps when
they are not found by themselves (see valinta_analysis.geo).

A file that cannot be read as a results file (missing, not a Valinta results file, damaged) or
that lacks what the command needs ends the command with one line on stderr naming the file and
the problem, and exit code 2; the file is checked before it is read, so this is prompt."""

from __future__ import annotations

import argparse
import os
import sys

from . import plots, report, tables
from .integrity import ResultsFileError
from .results import MissingData, file_kind, load


#: Set to show the traceback of an unexpected error instead of one line.
DEBUG_VARIABLE = "VALINTA_ANALYSIS_DEBUG"


def _default_output(results: str, suffix: str) -> str:
    stem = os.path.splitext(os.path.basename(results))[0]
    return stem + suffix


def _program_name() -> str:
    """The name the command was started by: the installed script's (``valinta-analysis``), or
    ``python3 -m valinta_analysis``."""
    invoked = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if invoked in ("", "-c", "__main__.py") or invoked.endswith(".py"):
        return "python3 -m valinta_analysis"
    return invoked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description="Figures and reports from a Valinta results file (HDF5).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("report", help="write a self-contained HTML report")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("-o", "--output", metavar="FILE.html",
                   help="where to write the report (default: RESULTS-report.html here)")
    p.add_argument("--dpi", type=int, default=plots.DPI, help="figure resolution (default %(default)s)")
    _threshold_option(p)
    _boundaries_option(p)

    p = commands.add_parser("plots", help="write every figure as PNG into a directory")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="directory for the PNG files (default: RESULTS-plots here)")
    p.add_argument("--dpi", type=int, default=plots.DPI, help="figure resolution (default %(default)s)")
    _threshold_option(p)
    _boundaries_option(p)

    p = commands.add_parser("summary", help="print the headline figures (a comparison: the table "
                                             "of differences)")
    p.add_argument("results", metavar="RESULTS.h5")
    _threshold_option(p)

    p = commands.add_parser("table", help="write the summary table as CSV (a sweep: one row per "
                                          "run with its parameters)")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("-o", "--output", metavar="FILE.csv",
                   help="where to write the table (default: print it)")
    _threshold_option(p)

    args = parser.parse_args(argv)
    if not os.path.isfile(args.results):
        print(f"valinta_analysis: no such file: {args.results}", file=sys.stderr)
        return 2
    try:
        args.thresholds = dict(tables.parse_threshold(text) for text in args.threshold)
    except ValueError as error:
        print(f"valinta_analysis: {error}", file=sys.stderr)
        return 2
    boundaries = getattr(args, "boundaries", None)
    if boundaries is not None and not os.path.isfile(boundaries):
        print(f"valinta_analysis: no such file: {boundaries} (--boundaries)", file=sys.stderr)
        return 2
    try:
        ds = load(args.results)
    except ResultsFileError as error:
        print(f"valinta_analysis: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"valinta_analysis: cannot open {args.results}: {error.strerror or error}",
              file=sys.stderr)
        return 2
    try:
        return run_command(args, ds)
    except ResultsFileError as error:
        print(f"valinta_analysis: {error}", file=sys.stderr)
    except MissingData as error:
        # A file that passed the check but lacks a variable the command needs: damaged names,
        # or written by an engine whose layout this package does not know.
        print(f"valinta_analysis: {args.results}: cannot make the {args.command}: "
              f"{error.args[0] if error.args else error}", file=sys.stderr)
    except Exception as error:  # noqa: BLE001 - one clear line instead of a traceback
        # The file passed the check, so this is odd content (values a damaged file can hold) or
        # a fault here; VALINTA_ANALYSIS_DEBUG=1 shows the traceback.
        if os.environ.get(DEBUG_VARIABLE):
            raise
        print(f"valinta_analysis: {args.results}: cannot make the {args.command}: "
              f"{type(error).__name__}: {error} (is the file damaged? {DEBUG_VARIABLE}=1 shows "
              "where it failed)", file=sys.stderr)
    return 2


def _threshold_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threshold", action="append", default=[], metavar="KEY=VALUE",
        help="a comparison: how large a difference of the headline indicator KEY must be to "
             "matter, in percentage points for shares (ever_switched_share=1) and in the "
             "indicator's units otherwise (mean_wait_days=0.5); repeat for more indicators "
             "(default: 0.5 percentage points for shares, 1 %% of the baseline mean otherwise)")


def _boundaries_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--boundaries", metavar="FILE.geojson", default=None,
        help="municipal boundaries for the maps (default: $VALINTA_BOUNDARIES, else "
             "scenarios/data/municipalities_2021.geojson beside the package)")


def _thresholds(args: argparse.Namespace, ds, kind: str) -> dict[str, float] | None:
    """The thresholds of the command line, checked against the file's indicators; None when the
    file is not a comparison (with a note on stderr if some were given)."""
    thresholds = getattr(args, "thresholds", None) or {}
    if not thresholds:
        return None
    if kind != "comparison":
        print(f"valinta_analysis: --threshold applies to comparison files; {args.results} is a "
              f"{kind} file, so it is not used", file=sys.stderr)
        return None
    known = tables.indicators(ds)
    unknown = sorted(set(thresholds) - set(known))
    if unknown:
        raise ThresholdError(f"--threshold: no headline indicator {', '.join(unknown)} in "
                             f"{args.results}; it has {', '.join(known)}")
    return thresholds


class ThresholdError(ValueError):
    """A --threshold that names an indicator the file does not have."""


def run_command(args: argparse.Namespace, ds) -> int:
    """Runs the command in ``args`` on the loaded results ``ds``; returns the exit code."""
    kind = file_kind(ds)
    try:
        thresholds = _thresholds(args, ds, kind)
    except ThresholdError as error:
        print(f"valinta_analysis: {error}", file=sys.stderr)
        return 2
    boundaries = getattr(args, "boundaries", None)
    if args.command == "report":
        output = args.output or _default_output(args.results, "-report.html")
        report.write_report(ds, output, dpi=args.dpi, thresholds=thresholds, boundaries=boundaries)
        print(f"report: {output}")
    elif args.command == "plots":
        output = args.output or _default_output(args.results, "-plots")
        skipped: dict[str, str] = {}
        written = plots.save_all(ds, output, dpi=args.dpi, skipped=skipped, boundaries=boundaries,
                                 thresholds=thresholds)
        for path in written.values():
            print(path)
        for name, reason in skipped.items():
            print(f"left out {name}: {reason}", file=sys.stderr)
        print(f"{len(written)} figures in {output}")
    elif args.command == "table":
        table = (tables.comparison_table(ds, thresholds=thresholds) if kind == "comparison"
                 else tables.summary_table(ds))
        if args.output:
            table.to_csv(args.output, index=False)
            print(f"table: {args.output} ({len(table)} rows)")
        else:
            print(table.to_csv(index=False), end="")
    else:
        print_summary(ds, kind, thresholds)
    return 0


def print_summary(ds, kind: str, thresholds: dict[str, float] | None = None) -> None:
    """The headline figures in words: a run's values, replications' means with intervals, a
    comparison's table of differences, a sweep's runs."""
    if kind == "comparison":
        print(tables.format_comparison(ds, thresholds=thresholds), end="")
    elif kind == "replications":
        table = tables.summary_table(ds)
        print(f"Means over {int(table['replications'].max())} replications, with the 95 % "
              "interval of the mean:")
        for row in table.itertuples():
            print(f"{row.description}: {tables.format_value(row.indicator, row.mean)} "
                  f"({tables.format_value(row.indicator, row.ci_low)} to "
                  f"{tables.format_value(row.indicator, row.ci_high)})")
    elif kind == "sweep":
        table = tables.sweep_table(ds)
        failed = int((~table["ok"]).sum())
        print(f"Sweep ({table.attrs['design']}): {len(table)} runs, {failed} failed; parameters "
              f"{', '.join(table.attrs['parameters'])}.")
        print("Rank correlation of each parameter with each indicator (successful runs):")
        print(tables.sensitivity_table(table).round(2).T.to_string())
    else:
        for label, shown in report.ordered_headlines(tables.headline(ds)):
            print(f"{label}: {shown}")


if __name__ == "__main__":
    sys.exit(main())
