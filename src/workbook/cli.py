"""The ``workbook`` command.

``workbook assess`` runs the assessment for one area and period;
``workbook areas`` lists the configured areas.  Input errors are printed as
one line naming the file and what was expected, with exit status 2 (a
traceback only with ``--debug``); a failed notebook cell exits 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from workbook import __version__
from workbook.config import list_areas
from workbook.errors import RunError, WorkbookError

DEFAULT_AREA = "lambeth"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbook", description="Community Safety Partnership strategic assessment workbook")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    sub = parser.add_subparsers(dest="command", required=True)
    assess = sub.add_parser("assess", help="run the assessment and publish its HTML report")
    assess.add_argument("--area", default=DEFAULT_AREA, help=f"area slug or config path (default: {DEFAULT_AREA})")
    assess.add_argument("--period", default=None, help="assessment month YYYY-MM (default: latest in the data)")
    assess.add_argument("--data", default=None, help="police data file or folder to use instead of the area's default")
    assess.add_argument("--output", default=None, help="folder to write <area>/<period>/ into (default: reports/)")
    sub.add_parser("areas", help="list the configured areas")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    for noisy in ("papermill", "traitlets", "nbconvert", "matplotlib", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        if args.command == "areas":
            for slug in list_areas():
                print(slug)
            return 0
        from workbook.run import run_assessment

        result = run_assessment(args.area, period=args.period, data_path=args.data, output_root=args.output)
        print(result.html_path)
        return 0
    except WorkbookError as exc:
        if args.debug:
            raise
        print(f"workbook: error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, RunError) else 2
    except KeyboardInterrupt:
        print("workbook: interrupted; no report was changed", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
