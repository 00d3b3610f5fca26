"""csp-workbook: the analytical workbook for a Community Safety Partnership's
strategic assessment.

The library is a house of stage packages; imports run one way, from the top
of this list to the bottom, never back up:

- ``cli``: the ``workbook`` command.
- ``run/``: running notebooks (kernel, export, manifest, atomic publish, batch).
- ``present/``: what a reader sees (formats, sentences, alt text, tables, charts, the publisher).
- ``assessment/``: preparing an area's data and analysing it, chapter by chapter.
- ``forecast/`` and ``stats/``: forecasting methods and the statistics (no plotting, no running).
- ``data/`` and ``config/``: loading sources, population and lookups; area configs, targets, schedules.
- ``core/``: paths, errors, periods, categories, polarity, version.

Nothing inside the package imports this root module; ``tests/unit/test_imports.py``
fails on any circle or upward import.
"""

import os

# The model fits are tiny; multithreaded BLAS made them about three times
# slower on a 2-core machine (measured by benchmarks/forecast_accuracy.py).
# Only a default: a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from workbook.core.errors import (  # noqa: E402 - after the BLAS default, before numpy loads
    ConfigError,
    DataError,
    ParameterError,
    PeriodError,
    RunError,
    ValueInputError,
    WorkbookError,
)
from workbook.core.version import __version__  # noqa: E402

__all__ = [
    "ConfigError",
    "DataError",
    "ParameterError",
    "PeriodError",
    "RunError",
    "ValueInputError",
    "WorkbookError",
    "__version__",
]
