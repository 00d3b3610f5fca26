"""The canonical crime table every loader returns: its columns, month and count parsing, and the final checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.core.errors import DataError

CANONICAL_COLUMNS: tuple[str, ...] = (
    "month",
    "area_code",
    "area_name",
    "lsoa_code",
    "lsoa_name",
    "category",
    "subcategory",
    "source_category",
    "count",
)
NO_LOCATION = "No location"


def _require_columns(df: pd.DataFrame, required: Iterable[str], *, path: str | Path) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)}; "
            f"found {', '.join(repr(c) for c in df.columns[:12])}",
            path=path,
            column=missing[0],
        )


def _parse_months(values: pd.Series, *, path: str | Path, column: str) -> pd.Series:
    """Parse YYYY-MM (or YYYY-MM-DD) strings to month-start timestamps.

    Index of ``values`` must be the file line numbers.
    """
    s = values.astype(str).str.strip()
    parsed = pd.to_datetime(s, format="%Y-%m", errors="coerce")
    need = parsed.isna()
    if need.any():
        parsed.loc[need] = pd.to_datetime(s[need], format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        line = bad.idxmax()
        raise DataError(
            f"cannot read month {s[line]!r}; expected YYYY-MM (e.g. 2023-11)", path=path, row=int(line), column=column
        )
    return parsed.dt.to_period("M").dt.to_timestamp()


# No count or population in a district's data comes near this; a larger
# value is a corrupt cell (and would overflow a 64-bit count when summed).
MAX_COUNT = 1_000_000_000


def _parse_counts(values: pd.Series, *, path: str | Path, column: str) -> pd.Series:
    """Parse counts: whole numbers >= 0.  Index must be the file line numbers."""
    s = values.astype(str).str.strip().str.replace(",", "", regex=False)
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna()
    if bad.any():
        line = bad.idxmax()
        raise DataError(
            f"count {values[line]!r} is not a number; expected a whole number >= 0",
            path=path,
            row=int(line),
            column=column,
        )
    neg = num < 0
    if neg.any():
        line = neg.idxmax()
        raise DataError(
            f"count {values[line]!r} is negative; expected a whole number >= 0", path=path, row=int(line), column=column
        )
    frac = (num != num.round()) | ~np.isfinite(num)
    if frac.any():
        line = frac.idxmax()
        raise DataError(
            f"count {values[line]!r} is not a whole number; expected a whole number >= 0",
            path=path,
            row=int(line),
            column=column,
        )
    huge = num > MAX_COUNT
    if huge.any():
        line = huge.idxmax()
        raise DataError(
            f"count {values[line]!r} is implausibly large; expected a whole number up to {MAX_COUNT:,}",
            path=path,
            row=int(line),
            column=column,
        )
    return num.astype("int64")


def _check_months(df: pd.DataFrame, *, path: str | Path) -> None:
    """Months must be consecutive and not in the future."""
    months = pd.DatetimeIndex(df["month"].unique()).sort_values()
    this_month = pd.Timestamp(date.today()).to_period("M").to_timestamp()
    if len(months) and months[-1] > this_month:
        raise DataError(
            f"month {months[-1]:%Y-%m} is in the future; expected months up to {this_month:%Y-%m}",
            path=path,
            column="month",
        )
    full = pd.date_range(months[0], months[-1], freq="MS")
    gaps = full.difference(months)
    if len(gaps):
        raise DataError(
            f"no data for {', '.join(f'{g:%Y-%m}' for g in gaps[:6])}{' …' if len(gaps) > 6 else ''}; "
            "expected consecutive months (a month with no crime at all should still be in the file)",
            path=path,
            column="month",
        )


def finalise_canonical(df: pd.DataFrame, *, path: str | Path) -> pd.DataFrame:
    """Aggregate duplicates of the key, order columns and rows, set dtypes,
    and check months are consecutive and not in the future."""
    key = [c for c in CANONICAL_COLUMNS if c != "count"]
    out = df.copy()
    for col in ("lsoa_code", "lsoa_name"):
        if col not in out:
            out[col] = pd.NA
        out[col] = out[col].astype("string").replace("", pd.NA)
    out = (
        out.groupby(key, dropna=False, sort=True, observed=True)["count"]
        .sum()
        .reset_index()[list(CANONICAL_COLUMNS)]
    )
    for col in ("area_code", "area_name", "category", "subcategory", "source_category"):
        out[col] = out[col].astype(str)
    out["count"] = out["count"].astype("int64")
    _check_months(out, path=path)
    return out.reset_index(drop=True)


def _line_index(df: pd.DataFrame) -> pd.DataFrame:
    """Index rows by their line number in the file (header is line 1)."""
    out = df.copy()
    out.index = pd.RangeIndex(2, len(df) + 2)
    return out
