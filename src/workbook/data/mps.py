"""Loading the Metropolitan Police borough-level crime series."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.core.categories import harmonise_categories
from workbook.core.errors import DataError
from workbook.data.canonical import MAX_COUNT, _line_index, _require_columns, finalise_canonical
from workbook.data.lookups import lookup_district_code
from workbook.data.police_uk import _MONTH_COL
from workbook.data.reading import _read_csv

logger = logging.getLogger(__name__)

MPS_NAME_COLUMNS = ("BoroughName", "LookUp_BoroughName", "Borough")


# --------------------------------------------------------------------------- MPS


def load_mps_borough(path: str | Path) -> pd.DataFrame:
    """Load the Metropolitan Police's ``MPS Borough Level Crime`` file.

    The published layout is wide: ``MajorText, MinorText, BoroughName``
    (``LookUp_BoroughName`` in newer files) then one column per month named
    ``YYYYMM``.  Borough names are given their ONS codes; rows that are not
    boroughs (the airports, "Unknown") keep their name as the code.

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> df = load_mps_borough(DATA_DIR / "mps/MPS_Borough_Level_Crime_Historical.csv")
    >>> df["month"].min().strftime("%Y-%m"), df["month"].max().strftime("%Y-%m")
    ('2010-04', '2023-11')
    >>> sorted(df.loc[df["area_name"] == "Lambeth", "area_code"].unique())
    ['E09000022']
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file", path=path)
    raw = _line_index(_read_csv(path))
    name_col = next((c for c in MPS_NAME_COLUMNS if c in raw.columns), None)
    if name_col is None:
        raise DataError(
            f"missing column 'BoroughName' (or 'LookUp_BoroughName'); found {', '.join(repr(c) for c in raw.columns[:6])}",
            path=path,
            column="BoroughName",
        )
    _require_columns(raw, ("MajorText", "MinorText"), path=path)
    month_cols = [c for c in raw.columns if _MONTH_COL.match(c)]
    others = [c for c in raw.columns if c not in month_cols and c not in ("MajorText", "MinorText", name_col)]
    if others:
        raise DataError(
            f"unexpected column {others[0]!r}; expected MajorText, MinorText, {name_col} and month columns named YYYYMM",
            path=path,
            column=others[0],
        )
    if not month_cols:
        raise DataError("no month columns; expected columns named YYYYMM (e.g. 202311)", path=path)
    for c in month_cols:
        if not 1 <= int(c[4:]) <= 12:
            raise DataError(f"month column {c!r} is not a real month; expected YYYYMM", path=path, column=c)
    cats = harmonise_categories(raw["MinorText"], source="mps", path=path)
    names = raw[name_col].str.strip()
    long = raw[month_cols].copy()
    long["_line"] = raw.index
    long = long.melt(id_vars="_line", var_name="_m", value_name="_count")
    long["_count"] = long["_count"].replace("", "0")  # a blank month cell is no recorded crime
    long.index = long["_line"]
    counts = pd.Series(long["_count"].to_numpy(), index=long["_line"].to_numpy())
    # Report bad counts with the file's line and the month's column.
    numeric = pd.to_numeric(counts.str.replace(",", "", regex=False).str.strip(), errors="coerce")
    bad = numeric.isna() | (numeric < 0) | (numeric != numeric.round()) | ~np.isfinite(numeric) | (numeric > MAX_COUNT)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        line, col, val = int(long["_line"].iloc[i]), long["_m"].iloc[i], long["_count"].iloc[i]
        raise DataError(f"count {val!r} is not a whole number from 0 to {MAX_COUNT:,}", path=path, row=line, column=col)
    lines = long["_line"].to_numpy()
    df = pd.DataFrame(
        {
            "month": pd.to_datetime(long["_m"].to_numpy(), format="%Y%m"),
            "area_code": names.map(lookup_district_code).reindex(lines).to_numpy(),
            "area_name": names.reindex(lines).to_numpy(),
            "category": cats["category"].reindex(lines).to_numpy(),
            "subcategory": cats["subcategory"].reindex(lines).to_numpy(),
            "source_category": cats["source_category"].reindex(lines).to_numpy(),
            "count": numeric.to_numpy().astype("int64"),
        }
    )
    dup = raw.duplicated(subset=["MajorText", "MinorText", name_col])
    if dup.any():
        line = dup.idxmax()
        raise DataError(
            f"row for {names[line]!r} / {raw.loc[line, 'MinorText']!r} appears twice; expected one row per borough and category",
            path=path,
            row=int(line),
        )
    out = finalise_canonical(df, path=path)
    logger.info("MPS borough file: %s offences, %s months from %s", f"{out['count'].sum():,}", out["month"].nunique(), path)
    return out
