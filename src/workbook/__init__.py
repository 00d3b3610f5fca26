"""csp-workbook: the analytical workbook for a Community Safety Partnership's
strategic assessment."""

import os

# The model fits are tiny; multithreaded BLAS made them about three times
# slower on a 2-core machine (measured by benchmarks/forecast_accuracy.py).
# Only a default: a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from workbook.errors import ConfigError, DataError, PeriodError, RunError, ValueInputError, WorkbookError

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DataError",
    "PeriodError",
    "RunError",
    "ValueInputError",
    "WorkbookError",
    "__version__",
]
