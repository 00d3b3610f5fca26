"""Loading a tidy CSV (one row per month, area and category)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbook.core.categories import harmonise_categories
from workbook.core.errors import DataError
from workbook.data.canonical import (
    NO_LOCATION,
    _line_index,
    _parse_counts,
    _parse_months,
    _require_columns,
    finalise_canonical,
)
from workbook.data.lookups import district_from_lsoa_name, lookup_district_code
from workbook.data.reading import _read_csv

# --------------------------------------------------------------------------- tidy CSV


def load_tidy(path: str | Path) -> pd.DataFrame:
    """Load a plain tidy CSV, one row per month × area × category.

    Required columns: ``month`` (YYYY-MM), ``count``, and the category as
    either ``category`` (one of the 14 data.police.uk crime types; a
    ``subcategory`` column may add a finer one) or ``crime_type`` (police.uk's
    name for the same).  The area is given by ``area_code``/``area_name``, or
    read from ``lsoa_name`` as police.uk does; ``lsoa_code``/``lsoa_name`` are
    optional.  Each key may appear once.

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> df = load_tidy(DATA_DIR / "police_uk/city_of_london/col_month_lsoa_crime_type.csv")
    >>> int(df["count"].sum())
    31824
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file", path=path)
    raw = _line_index(_read_csv(path))
    raw.columns = [c.strip().lower() for c in raw.columns]
    dupes = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if dupes:
        raise DataError(
            f"column {dupes[0]!r} appears more than once (names are read without case); expected each column once",
            path=path,
            row=1,
            column=dupes[0],
        )
    cat_col = "category" if "category" in raw.columns else "crime_type" if "crime_type" in raw.columns else None
    _require_columns(raw, ("month", "count"), path=path)
    if cat_col is None:
        raise DataError(
            "missing column 'category' (or 'crime_type'); expected one of the 14 police.uk crime types per row",
            path=path,
            column="category",
        )
    has_area = "area_code" in raw.columns or "area_name" in raw.columns
    if not has_area and "lsoa_name" not in raw.columns:
        raise DataError(
            "missing column 'area_code' or 'area_name' (or 'lsoa_name' to read the district from)",
            path=path,
            column="area_code",
        )
    cats = harmonise_categories(raw[cat_col], source="police_uk", path=path)
    if "subcategory" in raw.columns:
        sub = raw["subcategory"].str.strip()
        cats["subcategory"] = sub.where(sub != "", cats["category"])
        cats["source_category"] = cats["subcategory"]
    lsoa_code = raw.get("lsoa_code", pd.Series(pd.NA, index=raw.index))
    lsoa_name = raw.get("lsoa_name", pd.Series(pd.NA, index=raw.index))
    if has_area:
        area_name = raw.get("area_name", raw.get("area_code")).str.strip()
        area_code = raw.get("area_code", area_name.map(lookup_district_code)).str.strip()
        if (area_code == "").any():
            line = (area_code == "").idxmax()
            raise DataError("blank area; expected an area code or name", path=path, row=int(line), column="area_code")
    else:
        area_name = district_from_lsoa_name(lsoa_name)
        area_code = area_name.map(lambda d: "NO_LOCATION" if d == NO_LOCATION else lookup_district_code(d))
    df = pd.DataFrame(
        {
            "month": _parse_months(raw["month"], path=path, column="month"),
            "area_code": area_code,
            "area_name": area_name,
            "lsoa_code": lsoa_code,
            "lsoa_name": lsoa_name,
            **{c: cats[c] for c in cats.columns},
            "count": _parse_counts(raw["count"], path=path, column="count"),
        }
    )
    key = ["month", "area_code", "lsoa_code", "source_category"]
    dup = df.assign(lsoa_code=df["lsoa_code"].fillna("")).duplicated(subset=key)
    if dup.any():
        line = dup.idxmax()
        raise DataError(
            "row repeats an earlier row's month, area, LSOA and category; expected each combination once",
            path=path,
            row=int(line),
        )
    return finalise_canonical(df, path=path)
