"""csp-workbook: the analytical workbook for a Community Safety Partnership's
strategic assessment."""

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
