"""The project's own exception types.

Every error a user can cause (a bad file, a bad config, a period outside the
data) is raised as a :class:`WorkbookError` subclass whose message names the
file, the row or column or key, and what was expected.  The CLI prints these
as one line; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError


class WorkbookError(Exception):
    """Base class for every error the workbook raises on purpose."""


def _located(message: str, *where: str | None) -> str:
    """``message`` after the places given (file, line, column...), those that are known.

    Examples
    --------
    >>> _located("bad", "a.csv", None, "column 'x'")
    "a.csv, column 'x': bad"
    """
    prefix = ", ".join(w for w in where if w is not None)
    return f"{prefix}: {message}" if prefix else message


class DataError(WorkbookError):
    """An input data file is missing, malformed or inconsistent.

    Parameters
    ----------
    message
        What was wrong and what was expected.
    path
        The file concerned, if any.
    row
        1-based line number in the file (header is line 1), if known.
    column
        The column concerned, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = None if path is None else Path(path)
        self.row = row
        self.column = column
        super().__init__(_located(message, None if path is None else str(path),
                                  None if row is None else f"line {row}",
                                  None if column is None else f"column {column!r}"))


class ConfigError(WorkbookError):
    """An area configuration (or other YAML setting) is invalid.

    Parameters
    ----------
    message
        What was wrong and what was expected.
    path
        The config file, if any.
    key
        Dotted path of the offending key, e.g. ``targets.0.baseline``.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, key: str | None = None) -> None:
        self.path = None if path is None else Path(path)
        self.key = key
        super().__init__(_located(message, None if path is None else str(path),
                                  None if key is None else f"key {key!r}"))


class SpreadsheetError(ConfigError):
    """A spreadsheet or CSV file of analyst inputs (named in a config's
    ``inputs:``) is missing, or a sheet, header or cell in it is not as expected.

    Parameters
    ----------
    message
        What was wrong and what was expected.
    path
        The file.
    sheet
        The sheet's name (``None`` for a CSV file).
    row
        The row number as the spreadsheet shows it (the header is row 1).
    column
        The column's letter (``"C"``), if known.
    header
        The column's header (``"due"``), if known.

    Examples
    --------
    >>> str(SpreadsheetError("'soon' is not a date", path="in.xlsx", sheet="action_plan", row=4, column="C",
    ...                      header="due"))
    "in.xlsx, sheet 'action_plan', row 4, column C (due): 'soon' is not a date"
    >>> str(SpreadsheetError("required column 'owner' is missing", path="a.csv", row=1, header="owner"))
    "a.csv, row 1, column 'owner': required column 'owner' is missing"
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        header: str | None = None,
    ) -> None:
        self.path = None if path is None else Path(path)
        self.key = None
        self.sheet = sheet
        self.row = row
        self.column = column
        self.header = header
        if column is not None:
            col = f"column {column}" + (f" ({header})" if header else "")
        else:
            col = None if header is None else f"column {header!r}"
        WorkbookError.__init__(self, _located(message, None if path is None else str(path),
                                              None if sheet is None else f"sheet {sheet!r}",
                                              None if row is None else f"row {row}", col))


class ValueInputError(WorkbookError, ValueError):
    """A value passed to an analysis function is outside what it accepts
    (a negative count, a zero population, a proportion above 1)."""


class PeriodError(WorkbookError, ValueError):
    """A requested period or month is not in the data or is malformed."""


class RunError(WorkbookError):
    """Executing or exporting a report failed."""


def _model_names() -> set[str]:
    seen: set[type] = set()
    stack: list[type] = [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return {cls.__name__ for cls in seen}


def _format_loc(loc: tuple[Any, ...]) -> str:
    # pydantic names the member of a union it tried ("DataSource", "list[DataSource]"): left out, so
    # the key reads as the user wrote it ("data.fromat")
    models = _model_names()
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and (p in models or "[" in p)))


def validation_to_config_error(exc: ValidationError, *, path: str | Path | None, prefix: str = "") -> ConfigError:
    """The first pydantic error as a ConfigError naming its dotted key."""
    err = exc.errors()[0]
    key = _format_loc(err["loc"])
    if prefix:
        key = f"{prefix}.{key}" if key else prefix
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key; check the spelling against the documented keys"
    elif err["type"] == "missing":
        msg = "required key is missing"
    return ConfigError(msg, path=path, key=key or None)


class ParameterError(WorkbookError):
    """A notebook parameter is unknown, of the wrong type or has a bad value.

    Parameters
    ----------
    message
        What was wrong and what was expected.
    name
        The parameter concerned.
    """

    def __init__(self, message: str, *, name: str | None = None) -> None:
        self.name = name
        super().__init__(f"parameter {name!r}: {message}" if name else message)


# --------------------------------------------------------------------------- kernel


class KernelStartError(RunError):
    """The notebook's kernel did not start (after retries)."""


class RunTimeoutError(RunError):
    """A run reached its time limit and its kernel was stopped."""


INPUT_ERRORS: dict[str, type[WorkbookError]] = {
    cls.__name__: cls
    for cls in (DataError, ConfigError, SpreadsheetError, ValueInputError, PeriodError, ParameterError)
}
"""Input errors by name: one raised inside a notebook's kernel is reported by the runner as itself."""
