"""Loading the Metropolitan Police borough-level crime series."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.core.categories import harmonise_categories
from workbook.core.errors import DataError
from workbook.data.canonical import MAX_COUNT, _line_index, finalise_canonical
from workbook.data.lookups import lookup_district_code
from workbook.data.police_uk import _MONTH_COL
from workbook.data.reading import _read_csv

logger = logging.getLogger(__name__)

# The Met's "MPS Borough Level Crime" files in the layouts they have been
# published in: (major category, minor category, borough) columns, then one
# column per month named YYYYMM.  The newer "most recent 24 months" files
# switched from the first to the second.
MPS_LAYOUTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("MajorText", "MinorText", ("BoroughName", "LookUp_BoroughName", "Borough")),
    ("Group", "SubGroup", ("BOCU",)),
)
# Offences the Met could not place in a borough: in no partnership's figures.
UNKNOWN_BOROUGH = "Unknown"


# --------------------------------------------------------------------------- MPS


def find_mps_columns(columns: Sequence[str], *, path: str | Path | None = None) -> tuple[str, str, str]:
    """The major category, minor category and borough columns of a Met borough file.

    Parameters
    ----------
    columns
        The file's header.
    path
        The file, for error messages.

    Returns
    -------
    tuple of str
        ``(major, minor, borough)`` column names, for whichever layout the
        header is in (see :data:`MPS_LAYOUTS`).

    Examples
    --------
    >>> find_mps_columns(["MajorText", "MinorText", "BoroughName", "202311"])
    ('MajorText', 'MinorText', 'BoroughName')
    >>> find_mps_columns(["Group", "SubGroup", "BOCU", "202606"])
    ('Group', 'SubGroup', 'BOCU')
    >>> find_mps_columns(["Group", "BOCU", "202606"], path="x.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbook.core.errors.DataError: x.csv, column 'SubGroup': missing column 'SubGroup'; expected Group, SubGroup, ...
    """
    cols = [str(c) for c in columns]
    # The layout whose major (else minor) category column is there; the historical one if neither.
    layout = next((lay for lay in MPS_LAYOUTS if lay[0] in cols), None) or next(
        (lay for lay in MPS_LAYOUTS if lay[1] in cols), MPS_LAYOUTS[0]
    )
    major, minor, names = layout
    expected = f"expected {major}, {minor}, {names[0]} then month columns named YYYYMM"
    if not any(lay[0] in cols or lay[1] in cols for lay in MPS_LAYOUTS):
        expected += "".join(f" (or {m}, {n}, {b[0]})" for m, n, b in MPS_LAYOUTS[1:])
    found = ", ".join(repr(c) for c in cols[:6])
    for col in (major, minor):
        if col not in cols:
            raise DataError(f"missing column {col!r}; {expected}; found {found}", path=path, column=col)
    name = next((c for c in names if c in cols), None)
    if name is None:
        alternatives = "".join(f" or {c!r}" for c in names[1:])
        raise DataError(f"missing column {names[0]!r}{alternatives}; {expected}; found {found}", path=path, column=names[0])
    return major, minor, name


def load_mps_borough(path: str | Path, *, category_map: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Load the Metropolitan Police's ``MPS Borough Level Crime`` file.

    Reads both layouts the Met has published, the historical file's and the
    "most recent 24 months" file's: ``MajorText, MinorText, BoroughName``
    (``LookUp_BoroughName`` in some files) or ``Group, SubGroup, BOCU``, then
    one column per month named ``YYYYMM``.  Borough names are given their ONS
    codes; the airports row, which is no borough, keeps its name as its code.
    Offences in borough ``Unknown`` are dropped (the log says how many): they
    belong to no partnership.  Fraud recorded by Action Fraud (``NFIB``) is
    kept as its own category, outside "All crime"
    (:data:`workbook.core.categories.NOT_IN_ALL_CRIME`).

    Parameters
    ----------
    path
        The CSV file as downloaded.
    category_map
        The area config's ``category_map`` section: published minor
        categories the package's map does not know, each mapped to a
        harmonised subcategory or category (see
        :func:`workbook.core.categories.resolve_category_map`).

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> df = load_mps_borough(DATA_DIR / "mps/MPS_Borough_Level_Crime_Historical.csv")
    >>> df["month"].min().strftime("%Y-%m"), df["month"].max().strftime("%Y-%m")
    ('2010-04', '2023-11')
    >>> sorted(df.loc[df["area_name"] == "Lambeth", "area_code"].unique())
    ['E09000022']
    >>> "Unknown" in set(df["area_name"])
    False
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file", path=path)
    raw = _line_index(_read_csv(path))
    major_col, minor_col, name_col = find_mps_columns(raw.columns, path=path)
    month_cols = [c for c in raw.columns if _MONTH_COL.match(c)]
    others = [c for c in raw.columns if c not in month_cols and c not in (major_col, minor_col, name_col)]
    if others:
        raise DataError(
            f"unexpected column {others[0]!r}; expected {major_col}, {minor_col}, {name_col} and month columns named YYYYMM",
            path=path,
            column=others[0],
        )
    if not month_cols:
        raise DataError("no month columns; expected columns named YYYYMM (e.g. 202311)", path=path)
    for c in month_cols:
        if not 1 <= int(c[4:]) <= 12:
            raise DataError(f"month column {c!r} is not a real month; expected YYYYMM", path=path, column=c)
    cats = harmonise_categories(raw[minor_col], source="mps", path=path, extra_map=category_map)
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
    dup = raw.duplicated(subset=[major_col, minor_col, name_col])
    if dup.any():
        line = dup.idxmax()
        raise DataError(
            f"row for {names[line]!r} / {raw.loc[line, minor_col]!r} appears twice; expected one row per borough and category",
            path=path,
            row=int(line),
        )
    unknown = df["area_name"].str.casefold() == UNKNOWN_BOROUGH.casefold()
    if unknown.any():
        logger.info(
            "MPS borough file: %s offences in borough %r left out (no borough) from %s",
            f"{int(df.loc[unknown, 'count'].sum()):,}",
            UNKNOWN_BOROUGH,
            path,
        )
        df = df[~unknown]
    if df.empty:
        raise DataError(f"every row is in borough {UNKNOWN_BOROUGH!r}; expected rows for London boroughs", path=path)
    out = finalise_canonical(df, path=path)
    logger.info("MPS borough file: %s offences, %s months from %s", f"{out['count'].sum():,}", out["month"].nunique(), path)
    return out
