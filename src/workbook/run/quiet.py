"""Quietening third-party loggers and warnings for unattended runs."""

from __future__ import annotations

import logging
import sys

NOISY_LOGGERS = ("papermill", "traitlets", "nbconvert", "matplotlib", "asyncio", "distributed", "tornado")


def quieten_libraries() -> None:
    """Keep library chatter out of the run's log, and skip a slow import.

    jsonschema (under nbformat) imports ``rfc3987_syntax``, if installed,
    only to check "iri" formats that notebooks never use; building its
    grammar costs about 2 s in every process that runs a report.

    Examples
    --------
    >>> quieten_libraries()
    >>> logging.getLogger("papermill").level == logging.WARNING
    True
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
