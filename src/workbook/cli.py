"""The ``workbook`` command.

``workbook assess`` runs the assessment for one area and period (``monitor``,
``targets`` and ``explore <chapter>`` the other reports);
``workbook batch`` runs many (a schedule, or every configured area) in
parallel and prints a summary table; ``workbook areas`` lists the configured
areas; ``workbook new-area NAME`` writes an area config for any partnership
in England and Wales from the ONS lookups; ``workbook template`` writes a blank
spreadsheet for an area's analyst inputs (targets, priorities, appendices).
Input errors are printed as one line naming the parameter, file or
key and what was expected, with exit status 2 (a traceback only with
``--debug``); a failed run exits 1, as does a batch in which any run failed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from workbook.config.area import config_path_for, list_areas
from workbook.config.files import read_yaml
from workbook.config.generate import write_area_config
from workbook.config.input_template import choose_template_path, write_input_template
from workbook.config.parameters import check_period
from workbook.config.schedule import all_configured_runs, london_borough_runs, read_schedule
from workbook.core.errors import ConfigError, RunError, WorkbookError
from workbook.core.paths import REPO_ROOT
from workbook.core.version import __version__
from workbook.run.assess import run_assessment
from workbook.run.batch import run_batch
from workbook.run.products import EXPLORE_CHAPTERS, explore_product
from workbook.run.quiet import quieten_libraries

DEFAULT_AREA = "lambeth"


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of workers, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 worker, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbook", description="Community Safety Partnership strategic assessment workbook")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    sub = parser.add_subparsers(dest="command", required=True)
    assess = sub.add_parser("assess", help="run the assessment and publish its HTML report")
    monitor = sub.add_parser("monitor", help="run the monthly or quarterly performance report for the board")
    monitor.add_argument("--since", default=None, metavar="YYYY-MM",
                         help="month of the last report (default: the month before; three back for quarterly)")
    targets = sub.add_parser("targets", help="run the target-setting report: trajectories and their chances")
    explore = sub.add_parser("explore", help="run one explore notebook as a report: " + ", ".join(EXPLORE_CHAPTERS))
    explore.add_argument("chapter", help=f"which notebook in notebooks/explore/: {', '.join(EXPLORE_CHAPTERS)}")
    explore.add_argument("--categories", nargs="+", action="extend", default=None, metavar="GROUP",
                         help='trends, forecasts: the offence groups to show, e.g. Robbery "Theft from the person" '
                              "(default: the area's main ones)")
    explore.add_argument("--by-district", action="store_true",
                         help="comparison: each offence group by district as well")
    for run in (assess, monitor, targets, explore):
        run.add_argument("--area", default=DEFAULT_AREA, help=f"area slug or config path (default: {DEFAULT_AREA})")
        run.add_argument("--period", default=None, help="report month YYYY-MM (default: latest in the data)")
        run.add_argument("--data", action="append", default=None, metavar="PATH",
                         help="police data file or folder to use instead of the area's; give it again for more "
                              "sources (joined into one series, the newer winning where they overlap)")
        run.add_argument("--output", default=None, help="folder to write <area>/<period>/ into (default: reports/)")
        run.add_argument("--force", action="store_true", help="run even if the report is up to date")
        run.add_argument("--timeout", type=_positive, default=None, metavar="SECONDS",
                         help="stop the run if it takes longer than this")
    batch = sub.add_parser("batch", help="run many areas and periods in parallel, with a summary table")
    batch.add_argument("schedule", nargs="?", default=None,
                       help="YAML schedule of runs (default: every configured area at its latest period)")
    batch.add_argument("--london-boroughs", action="store_true",
                       help="run all 32 London boroughs from the Met's file instead of a schedule")
    batch.add_argument("--period", default=None, help="period for every run without one (default: latest in the data)")
    batch.add_argument("--output", default=None, help="folder to write <area>/<period>/ into (default: reports/)")
    batch.add_argument("--workers", type=_workers, default=None, help="parallel worker processes (default: cores)")
    batch.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="hand the runs to a running Dask scheduler, e.g. tcp://host:8786")
    batch.add_argument("--timeout", type=_positive, default=3600.0, metavar="SECONDS",
                       help="stop any run that takes longer than this (default: 3600)")
    batch.add_argument("--force", action="store_true", help="re-run areas whose reports are up to date")
    batch.add_argument("--no-progress", action="store_true", help="no progress bar")
    sub.add_parser("areas", help="list the configured areas")
    new_area = sub.add_parser("new-area", help="write an area config for any partnership in England and Wales",
                              description="Write config/areas/<slug>.yml for a Community Safety Partnership (or a "
                                          "district) from the ONS lookups: its districts, force, data and population, "
                                          "with empty analyst sections to fill in.")
    new_area.add_argument("name", help='a CSP or district name or code, e.g. "Central Bedfordshire" or E06000056')
    new_area.add_argument("--config-dir", default=None, metavar="FOLDER",
                          help="write the config here instead of config/areas/")
    new_area.add_argument("--force", action="store_true", help="overwrite an existing config")
    template = sub.add_parser("template", help="write a blank spreadsheet for an area's analyst inputs",
                              description="Write an .xlsx workbook with one sheet per analyst section (targets, "
                                          "priorities inputs, measures of success, action plan, spending): "
                                          "headers, a note on each column and one example row.")
    template.add_argument("--area", default=DEFAULT_AREA, help=f"area slug or config path (default: {DEFAULT_AREA})")
    template.add_argument("--output", default=None, metavar="PATH",
                          help="the .xlsx to write (default: config/inputs/<area>.xlsx)")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def _template(args: argparse.Namespace) -> int:
    config = config_path_for(args.area)
    if not config.exists():
        raise ConfigError(f"no configuration for area {args.area!r}; configured areas: {', '.join(list_areas())}",
                          path=config)
    raw = read_yaml(config, what="config")
    name = raw.get("name") if isinstance(raw, dict) else None
    written = write_input_template(Path(args.output) if args.output else choose_template_path(config.stem),
                                   area_name=name if isinstance(name, str) else None, force=args.force)
    shown = written.resolve()
    shown = shown.relative_to(REPO_ROOT) if shown.is_relative_to(REPO_ROOT) else shown
    logging.getLogger(__name__).info(
        "fill it in, then add `inputs: {workbook: %s}` to %s and delete the YAML sections it replaces",
        shown.as_posix(), config)
    print(written)
    return 0


def _batch(args: argparse.Namespace) -> int:
    if args.schedule and args.london_boroughs:
        raise WorkbookError("give a schedule or --london-boroughs, not both")
    if args.period:
        check_period(args.period)
    if args.schedule:
        runs = [r if r.period else replace(r, period=args.period) for r in read_schedule(args.schedule)]
    elif args.london_boroughs:
        runs = london_borough_runs(period=args.period)
    else:
        runs = all_configured_runs(period=args.period)
    result = run_batch(
        runs,
        output_root=args.output,
        workers=args.workers,
        scheduler=args.scheduler,
        force=args.force,
        run_timeout=args.timeout,
        progress=False if args.no_progress else None,
    )
    print(result.summary_text())
    for failed in result.failed:
        print(f"workbook: error: {failed.area} {failed.period}: {failed.error}", file=sys.stderr)
    return 0 if result.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    quieten_libraries()
    try:
        if args.command == "areas":
            for slug in list_areas():
                print(slug)
            return 0
        if args.command == "batch":
            return _batch(args)
        if args.command == "template":
            return _template(args)
        if args.command == "new-area":
            print(write_area_config(args.name, folder=args.config_dir, force=args.force))
            return 0

        if args.command == "explore":
            product, options = explore_product(args.chapter).name, explore_options(args)
        else:
            product = {"monitor": "monitoring", "targets": "targets"}.get(args.command, "assessment")
            options = {}
        result = run_assessment(args.area, period=args.period, data_path=args.data, output_root=args.output,
                                force=args.force, run_timeout=args.timeout, product=product,
                                since=getattr(args, "since", None), options=options)
        print(result.html_path)
        return 0
    except WorkbookError as exc:
        if args.debug:
            raise
        print(f"workbook: error: {one_line(exc)}", file=sys.stderr)
        return 1 if isinstance(exc, RunError) else 2
    except KeyboardInterrupt:
        print("workbook: interrupted; no report was left half-written", file=sys.stderr)
        return 130


def explore_options(args: argparse.Namespace) -> dict[str, Any]:
    """The explore notebook's own parameters given on the command line (the runner checks the
    notebook declares them: ``--by-district`` for trends is an error naming ``by_district``).

    Examples
    --------
    >>> explore_options(build_parser().parse_args(["explore", "trends", "--categories", "Robbery", "Drugs"]))
    {'categories': ['Robbery', 'Drugs']}
    >>> explore_options(build_parser().parse_args(["explore", "comparison", "--by-district"]))
    {'by_district': True}
    """
    return ({"categories": list(args.categories)} if args.categories else {}) | (
        {"by_district": True} if args.by_district else {})


def one_line(exc: BaseException) -> str:
    """An error message on one line (a YAML or CSV parser's message can span several).

    Examples
    --------
    >>> one_line(ValueError("bad\\n  value"))
    'bad value'
    """
    return " ".join(str(exc).split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
