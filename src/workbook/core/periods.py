"""Reporting periods: financial years (April to March), year to date, the
same period last year, rolling 12 months and quarters.

Months are ``pandas.Timestamp`` values on the first of the month.  A window
is inclusive at both ends.  Asking for a month outside the data is an error
(:class:`~workbook.core.errors.PeriodError`), never an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from workbook.core.errors import PeriodError

FY_START_MONTH = 4  # April
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")


def parse_month(value: str | pd.Timestamp) -> pd.Timestamp:
    """Parse ``"YYYY-MM"`` (or a timestamp) to the first day of that month.

    Examples
    --------
    >>> parse_month("2023-11")
    Timestamp('2023-11-01 00:00:00')
    >>> parse_month("2023-13")
    Traceback (most recent call last):
    ...
    workbook.core.errors.PeriodError: period '2023-13' is not a month; expected YYYY-MM, e.g. 2023-11
    """
    if isinstance(value, pd.Timestamp):
        return value.to_period("M").to_timestamp()
    m = _MONTH.match(str(value))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PeriodError(f"period {value!r} is not a month; expected YYYY-MM, e.g. 2023-11")
    return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1)


def financial_year_start(month: pd.Timestamp) -> pd.Timestamp:
    """The April that starts the financial year containing ``month``.

    Examples
    --------
    >>> financial_year_start(pd.Timestamp("2024-02-01")).strftime("%Y-%m")
    '2023-04'
    >>> financial_year_start(pd.Timestamp("2023-04-01")).strftime("%Y-%m")
    '2023-04'
    """
    year = month.year if month.month >= FY_START_MONTH else month.year - 1
    return pd.Timestamp(year, FY_START_MONTH, 1)


def financial_year_label(month: pd.Timestamp) -> str:
    """``"2023/24"`` for any month from April 2023 to March 2024.

    Examples
    --------
    >>> financial_year_label(pd.Timestamp("2024-03-01"))
    '2023/24'
    >>> financial_year_label(pd.Timestamp("1999-04-01"))
    '1999/00'
    """
    start = financial_year_start(month).year
    return f"{start}/{(start + 1) % 100:02d}"


def parse_financial_year(label: str) -> Window:
    """The window for a financial year label such as ``"2022/23"``.

    Examples
    --------
    >>> parse_financial_year("2022/23").label
    'April 2022 to March 2023'
    >>> parse_financial_year("2022-23")
    Traceback (most recent call last):
    ...
    workbook.core.errors.PeriodError: financial year '2022-23' is malformed; expected e.g. 2022/23
    """
    m = re.match(r"^\s*(\d{4})/(\d{2})\s*$", str(label))
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise PeriodError(f"financial year {label!r} is malformed; expected e.g. 2022/23")
    start = pd.Timestamp(int(m.group(1)), FY_START_MONTH, 1)
    return Window(start, start + pd.DateOffset(months=11))


@dataclass(frozen=True)
class Window:
    """An inclusive run of whole months."""

    start: pd.Timestamp
    end: pd.Timestamp

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"window ends ({self.end:%Y-%m}) before it starts ({self.start:%Y-%m})")

    @property
    def months(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="MS")

    @property
    def n_months(self) -> int:
        return len(self.months)

    @property
    def label(self) -> str:
        """e.g. ``"April to November 2023"`` or ``"April 2023 to January 2024"``."""
        if self.start == self.end:
            return f"{self.start:%B %Y}"
        if self.start.year == self.end.year:
            return f"{self.start:%B} to {self.end:%B %Y}"
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    @property
    def month_span(self) -> str:
        """The months without the year: ``"April to November"``."""
        return f"{self.start:%B} to {self.end:%B}" if self.start != self.end else f"{self.start:%B}"

    def shift_years(self, years: int) -> Window:
        off = pd.DateOffset(years=years)
        return Window(self.start + off, self.end + off)

    def contains(self, month: pd.Timestamp) -> bool:
        return self.start <= month <= self.end


def year_to_date(month: pd.Timestamp) -> Window:
    """Financial year to date: April to ``month``.

    Examples
    --------
    >>> year_to_date(pd.Timestamp("2023-11-01")).label
    'April to November 2023'
    >>> year_to_date(pd.Timestamp("2024-01-01")).n_months
    10
    """
    return Window(financial_year_start(month), month)


def rolling_12_months(month: pd.Timestamp) -> Window:
    """The 12 months ending with ``month``.

    Examples
    --------
    >>> rolling_12_months(pd.Timestamp("2023-11-01")).label
    'December 2022 to November 2023'
    """
    return Window(month - pd.DateOffset(months=11), month)


def financial_quarter(month: pd.Timestamp) -> Window:
    """The financial quarter containing ``month`` (Q1 is April to June).

    Examples
    --------
    >>> financial_quarter(pd.Timestamp("2024-02-01")).label
    'January to March 2024'
    """
    offset = (month.month - FY_START_MONTH) % 3
    start = month - pd.DateOffset(months=offset)
    return Window(start, start + pd.DateOffset(months=2))


@dataclass(frozen=True)
class ComparisonPeriods:
    """The assessment period and the same months a year earlier."""

    current: Window
    previous: Window

    @property
    def financial_year(self) -> str:
        return financial_year_label(self.current.end)


def ytd_comparison(month: pd.Timestamp) -> ComparisonPeriods:
    """Year to date against the same months a year earlier, as plans report.

    Examples
    --------
    >>> p = ytd_comparison(parse_month("2023-11"))
    >>> p.current.label, p.previous.label, p.financial_year
    ('April to November 2023', 'April to November 2022', '2023/24')
    """
    current = year_to_date(month)
    return ComparisonPeriods(current=current, previous=current.shift_years(-1))


def check_window_in_data(window: Window, months: Iterable[pd.Timestamp], *, what: str = "period") -> None:
    """Raise PeriodError unless every month of ``window`` is in ``months``.

    Examples
    --------
    >>> ms = pd.date_range("2022-04-01", "2023-11-01", freq="MS")
    >>> check_window_in_data(year_to_date(pd.Timestamp("2023-11-01")), ms)
    >>> check_window_in_data(year_to_date(pd.Timestamp("2023-12-01")), ms)
    Traceback (most recent call last):
    ...
    workbook.core.errors.PeriodError: period April to December 2023 needs 2023-12, but the data run from 2022-04 to 2023-11
    """
    have = pd.DatetimeIndex(list(months))
    if have.empty:
        raise PeriodError(f"{what} {window.label}: the data hold no months")
    missing = window.months.difference(have)
    if len(missing):
        raise PeriodError(
            f"{what} {window.label} needs {missing[0]:%Y-%m}, but the data run from "
            f"{have.min():%Y-%m} to {have.max():%Y-%m}"
        )
