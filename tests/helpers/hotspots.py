"""Small LSOA-level crime tables for the hotspot and period tests."""

from __future__ import annotations

import pandas as pd

from workbook.core.periods import Window

APRIL_2020 = Window(pd.Timestamp("2020-04-01"), pd.Timestamp("2020-04-01"))


def _frame(rows: list[tuple[str, str | None, int]]) -> pd.DataFrame:
    """(month, lsoa_code, count) rows as a small canonical-like table."""
    df = pd.DataFrame(rows, columns=["month", "lsoa_code", "count"])
    df["month"] = pd.to_datetime(df["month"])
    df["lsoa_code"] = df["lsoa_code"].astype("string")
    df["lsoa_name"] = ("Name " + df["lsoa_code"]).astype("string")
    df["count"] = df["count"].astype("int64")
    return df
