"""Loaders: each source format in, one canonical tidy table out.

The canonical crime table
-------------------------
One row per month × area × neighbourhood × source category:

================  ==============================================================
column            meaning
================  ==============================================================
month             datetime64[ns], the first day of the month
area_code         ONS code of the district/borough where known, else the name
area_name         district/borough name (``"No location"`` where police.uk
                  gives no LSOA)
lsoa_code         neighbourhood (LSOA) code, ``<NA>`` where the source has none
lsoa_name         neighbourhood (LSOA) name, ``<NA>`` where the source has none
category          the common level: data.police.uk's 14 crime types
subcategory       finer harmonised category (= category where there is none)
source_category   the category as the source published it
count             int64, >= 0
================  ==============================================================

Population denominators
-----------------------
``area_code, area_name, year, persons, households`` (households ``<NA>``
where unknown); year is the mid-year estimate's year.

Loaders
-------
* :func:`load_police_uk_street`: data.police.uk street-level files as users
  download them (a folder of ``YYYY-MM/YYYY-MM-<force>-street.csv``, the
  archive zip, or one file), aggregated to month × LSOA × crime type.
* :func:`load_mps_borough`: the Metropolitan Police's wide
  ``MPS Borough Level Crime`` file.
* :func:`load_tidy`: a plain tidy CSV for anything else.
* :func:`load_source`: picks one of the above from what the path holds.

Every loader checks its input and raises :class:`~workbook.errors.DataError`
naming the file, the line or column, and what was expected.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.categories import POLICE_UK_CATEGORIES, harmonise_categories
from workbook.errors import DataError
from workbook.paths import DATA_DIR

logger = logging.getLogger(__name__)

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
POPULATION_COLUMNS: tuple[str, ...] = ("area_code", "area_name", "year", "persons", "households")
NO_LOCATION = "No location"
LOOKUP_PATH = DATA_DIR / "lookups" / "lad17_csp17_pfa17_lookup.csv"

POLICE_UK_REQUIRED = ("Month", "LSOA code", "LSOA name", "Crime type")
MPS_NAME_COLUMNS = ("BoroughName", "LookUp_BoroughName", "Borough")
_MONTH_COL = re.compile(r"^\d{6}$")
_STREET_FILE = re.compile(r"(\d{4}-\d{2})-.+-street\.csv$", re.IGNORECASE)


# --------------------------------------------------------------------------- helpers


@lru_cache(maxsize=1)
def _district_codes() -> dict[str, str]:
    """District name (case-folded) -> ONS LAD code, from the ONS lookup."""
    if not LOOKUP_PATH.exists():
        return {}
    lk = pd.read_csv(LOOKUP_PATH, dtype=str)
    return dict(zip(lk["LAD17NM"].str.strip().str.casefold(), lk["LAD17CD"].str.strip()))


def lookup_district_code(name: str) -> str:
    """ONS code for a district or borough name, or the name itself if unknown.

    Examples
    --------
    >>> lookup_district_code("Lambeth")
    'E09000022'
    >>> lookup_district_code("Somewhere New")
    'Somewhere New'
    """
    return _district_codes().get(str(name).strip().casefold(), str(name).strip())


def district_from_lsoa_name(lsoa_name: pd.Series) -> pd.Series:
    """The district part of police.uk LSOA names ("Camden 024C" -> "Camden").

    Examples
    --------
    >>> district_from_lsoa_name(pd.Series(["Camden 024C", "City of London 001F", None])).tolist()
    ['Camden', 'City of London', 'No location']
    """
    s = lsoa_name.astype("string").str.strip()
    district = s.str.replace(r"\s+\S+$", "", regex=True)
    return district.fillna(NO_LOCATION).replace("", NO_LOCATION).astype(str)


def _first_short_record(text: str, n_columns: int) -> tuple[int, int] | None:
    r"""The line and field count of the first record with fewer fields than the
    header, if any (pandas pads such rows with blanks without a word).

    Examples
    --------
    >>> _first_short_record("a,b,c\n1,,3\n4,5\n", 3)
    (3, 2)
    >>> _first_short_record('a,b\n"x\ny",2\n', 2) is None
    True
    """
    reader = csv.reader(io.StringIO(text, newline=""))  # a bare \r ends a line, as for pandas
    try:
        next(reader, None)
        for row in reader:
            if row and len(row) < n_columns:
                return reader.line_num, len(row)
    except csv.Error:  # pandas read it; a quirk the csv module refuses is not a short row
        return None
    return None


def _read_csv(path: Path, *, source_name: str | None = None, **kwargs) -> pd.DataFrame:
    """``pd.read_csv`` with every failure turned into a DataError naming the file."""
    name = source_name or str(path)
    try:
        if isinstance(path, (str, Path)):
            raw = Path(path).read_bytes()
        else:  # an open binary stream (zip member)
            raw = path.read()
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path=name) from exc
    if not raw.strip():
        raise DataError("file is empty; expected a header row and data rows", path=name)
    if raw[:2] in (b"PK",) or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataError("file is a spreadsheet or archive, not CSV text; save it as CSV (UTF-8)", path=name)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError("file is UTF-16 encoded; expected UTF-8 CSV (re-save as 'CSV UTF-8')", path=name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            "file is not valid UTF-8 text (perhaps Latin-1/Windows-1252); expected UTF-8 CSV",
            path=name,
            row=line,
        ) from exc
    if "\x00" in text:
        raise DataError("file contains NUL bytes; expected plain CSV text", path=name)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, **kwargs)
    except pd.errors.EmptyDataError as exc:
        raise DataError("file is empty; expected a header row and data rows", path=name) from exc
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        msg = str(exc)
        m = re.search(r"line (\d+)", msg)
        raise DataError(
            f"malformed CSV ({msg.splitlines()[0][:120]}); expected comma-separated rows with the same number of fields",
            path=name,
            row=int(m.group(1)) if m else None,
        ) from exc
    if df.empty:
        raise DataError("file has a header but no data rows", path=name)
    short = _first_short_record(text, len(df.columns))
    if short is not None:
        line, fields = short
        raise DataError(
            f"row has {fields} field{'s' if fields != 1 else ''} but the header has {len(df.columns)} "
            "(a row cut short, or the file is truncated); expected every row to have a value, or an empty "
            "value between commas, for each column",
            path=name,
            row=line,
        )
    df.columns = [str(c).strip() for c in df.columns]
    if len(df.columns) == 1 and any(sep in df.columns[0] for sep in (";", "\t", "|")):
        raise DataError(
            f"file does not look comma-separated (header {df.columns[0][:60]!r}); expected commas between columns",
            path=name,
            row=1,
        )
    return df


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


# --------------------------------------------------------------------------- police.uk


def _street_members(path: Path) -> list[tuple[str, object]]:
    """(display name, opener) for each street CSV in a folder, zip or file."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.csv") if _STREET_FILE.search(p.name))
        if not files:
            raise DataError("folder holds no data.police.uk street files (YYYY-MM-<force>-street.csv)", path=path)
        return [(str(f), f) for f in files]
    if zipfile.is_zipfile(path):
        zf = zipfile.ZipFile(path)
        names = sorted(n for n in zf.namelist() if _STREET_FILE.search(n))
        if not names:
            raise DataError("archive holds no data.police.uk street files (YYYY-MM-<force>-street.csv)", path=path)
        return [(f"{path}:{n}", (zf, n)) for n in names]
    return [(str(path), path)]


def load_police_uk_street(path: str | Path) -> pd.DataFrame:
    """Load data.police.uk street-level crime as users download it.

    Parameters
    ----------
    path
        A folder of ``YYYY-MM/YYYY-MM-<force>-street.csv`` files (searched
        recursively), the archive zip police.uk hands out, or one such file.
        Outcome and stop-and-search files in the same folder are ignored.

    Returns
    -------
    pandas.DataFrame
        The canonical crime table, one row per month × LSOA × crime type.
        The district is read from the LSOA name; records with no location
        form their own ``"No location"`` area so totals stay complete.

    Examples
    --------
    >>> df = load_police_uk_street(DATA_DIR / "police_uk/city_of_london/raw")
    >>> int(df["count"].sum()), df["month"].dt.strftime("%Y-%m").unique().tolist()
    (922, ['2019-06'])
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file or folder", path=path)
    frames = []
    seen: dict[tuple[str, str], str] = {}
    for name, member in _street_members(path):
        if isinstance(member, tuple):
            zf, inner = member
            with zf.open(inner) as fh:
                raw = _read_csv(fh, source_name=name)
        else:
            raw = _read_csv(member, source_name=name)
        raw = _line_index(raw)
        _require_columns(raw, POLICE_UK_REQUIRED, path=name)
        # police.uk itself publishes repeated Crime IDs and even identical
        # rows (27 and 41 in City of London's June 2019 file), and the
        # published aggregates count every row; so rows are never
        # de-duplicated.  What is an error is the same force-month twice.
        force = raw["Falls within"].str.strip() if "Falls within" in raw else pd.Series("", index=raw.index)
        for key in set(zip(raw["Month"].str.strip(), force)):
            if key in seen:
                raise DataError(
                    f"month {key[0]} of {key[1] or 'this force'} is also in {seen[key]}; "
                    "expected each force-month in one file only",
                    path=name,
                    column="Month",
                )
            seen[key] = name
        types = raw["Crime type"].str.strip()
        if (types == "").any():
            line = (types == "").idxmax()
            raise DataError("blank crime type; expected one of the 14 police.uk crime types", path=name, row=int(line), column="Crime type")
        cats = harmonise_categories(types, source="police_uk", path=name)
        lsoa_name = raw["LSOA name"].str.strip()
        district = district_from_lsoa_name(lsoa_name)
        frames.append(
            pd.DataFrame(
                {
                    "month": _parse_months(raw["Month"], path=name, column="Month"),
                    "area_code": district.map(lambda d: "NO_LOCATION" if d == NO_LOCATION else lookup_district_code(d)),
                    "area_name": district,
                    "lsoa_code": raw["LSOA code"].str.strip(),
                    "lsoa_name": lsoa_name,
                    **{c: cats[c] for c in cats.columns},
                    "count": 1,
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    out = finalise_canonical(df, path=path)
    logger.info("police.uk street: %s records, %s months from %s", f"{out['count'].sum():,}", out["month"].nunique(), path)
    return out


# --------------------------------------------------------------------------- MPS


def load_mps_borough(path: str | Path) -> pd.DataFrame:
    """Load the Metropolitan Police's ``MPS Borough Level Crime`` file.

    The published layout is wide: ``MajorText, MinorText, BoroughName``
    (``LookUp_BoroughName`` in newer files) then one column per month named
    ``YYYYMM``.  Borough names are given their ONS codes; rows that are not
    boroughs (the airports, "Unknown") keep their name as the code.

    Examples
    --------
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


# --------------------------------------------------------------------------- dispatch


def detect_format(path: str | Path) -> str:
    """Say which loader reads ``path``: ``"police_uk"``, ``"mps_borough"`` or ``"tidy"``.

    Examples
    --------
    >>> detect_format(DATA_DIR / "mps/MPS_Borough_Level_Crime_Historical.csv")
    'mps_borough'
    >>> detect_format(DATA_DIR / "police_uk/city_of_london/raw")
    'police_uk'
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file or folder", path=path)
    if path.is_dir() or zipfile.is_zipfile(path) or _STREET_FILE.search(path.name):
        return "police_uk"
    with open(path, "rb") as fh:
        head = fh.readline(4096).decode("utf-8-sig", errors="replace")
    cols = [c.strip().strip('"') for c in head.split(",")]
    if "MajorText" in cols:
        return "mps_borough"
    if "Crime type" in cols and "LSOA code" in cols:
        return "police_uk"
    return "tidy"


LOADERS = {"police_uk": load_police_uk_street, "mps_borough": load_mps_borough, "tidy": load_tidy}


def load_source(path: str | Path, *, format: str = "auto") -> pd.DataFrame:
    """Load any supported crime file or folder into the canonical table.

    Parameters
    ----------
    path
        A file or folder (see the module docstring for formats).
    format
        ``"auto"`` (default) to detect, or one of ``"police_uk"``,
        ``"mps_borough"``, ``"tidy"``.

    Examples
    --------
    >>> list(load_source(DATA_DIR / "police_uk/city_of_london/raw").columns) == list(CANONICAL_COLUMNS)
    True
    """
    fmt = detect_format(path) if format == "auto" else format
    if fmt not in LOADERS:
        raise DataError(f"unknown data format {fmt!r}; expected one of {', '.join(LOADERS)} or 'auto'", path=path)
    return LOADERS[fmt](path)


# --------------------------------------------------------------------------- population


def load_population(path: str | Path, *, households_path: str | Path | None = None) -> pd.DataFrame:
    """Load population denominators (mid-year estimates) into the canonical form.

    Reads either the ONS components-of-change layout (``lad23_code, lad23_name,
    year, component, value``, using ``component == "population"``), the
    plain layout (``<lad>_code, <lad>_name, year, population``), or the
    canonical one (``area_code, area_name, year, persons[, households]``).
    ``households_path`` adds households from a Census file
    (``la_code, households``) for the Census year (2011).

    Examples
    --------
    >>> pop = load_population(DATA_DIR / "population/london_borough_population_components_mid2011_mid2024.csv")
    >>> int(pop.query("area_code == 'E09000022' and year == 2023")["persons"].iloc[0]) > 300_000
    True
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file", path=path)
    raw = _line_index(_read_csv(path))
    cols = {c.lower(): c for c in raw.columns}
    code_col = next((cols[c] for c in cols if c.endswith("_code") and c != "region_code"), None)
    name_col = next((cols[c] for c in cols if c.endswith("_name") and c != "region_name"), None)
    if code_col is None:
        raise DataError("missing an area code column (e.g. 'area_code' or 'lad23_code')", path=path, column="area_code")
    _require_columns(raw, [cols.get("year", "year")], path=path)
    year_col = cols["year"]
    if "component" in cols:
        raw = raw[raw[cols["component"]].str.strip() == "population"]
        if raw.empty:
            raise DataError("no rows with component 'population'", path=path, column="component")
        value_col = cols.get("value", "value")
        _require_columns(raw, [value_col], path=path)
    else:
        value_col = cols.get("persons") or cols.get("population")
        if value_col is None:
            raise DataError("missing column 'persons' (or 'population')", path=path, column="persons")
    years = pd.to_numeric(raw[year_col], errors="coerce")
    bad_years = years.isna() | ~years.between(1900, 2100) | (years != years.round())
    if bad_years.any():
        line = bad_years.idxmax()
        raise DataError(f"year {raw.loc[line, year_col]!r} is not a year; expected a whole year such as 2023", path=path, row=int(line), column=year_col)
    persons = _parse_counts(raw[value_col], path=path, column=value_col)
    if (persons == 0).any():
        line = (persons == 0).idxmax()
        raise DataError("population is 0; expected a positive number of residents", path=path, row=int(line), column=value_col)
    out = pd.DataFrame(
        {
            "area_code": raw[code_col].str.strip(),
            "area_name": raw[name_col].str.strip() if name_col else raw[code_col].str.strip(),
            "year": years.astype("int64"),
            "persons": persons,
            "households": pd.array([pd.NA] * len(raw), dtype="Int64"),
        }
    )
    if "households" in cols:
        hh = raw[cols["households"]].str.strip()
        given = hh != ""
        out["households"] = pd.array([pd.NA] * len(raw), dtype="Int64")
        if given.any():
            out.loc[given.to_numpy(), "households"] = _parse_counts(hh[given], path=path, column=cols["households"]).to_numpy()
    if households_path is not None:
        out = _add_census_households(out, Path(households_path))
    dup = out.duplicated(subset=["area_code", "year"])
    if dup.any():
        line = dup.idxmax()
        raise DataError("area and year repeat an earlier row; expected one population per area and year", path=path, row=int(line))
    return out.sort_values(["area_code", "year"]).reset_index(drop=True)


CENSUS_YEAR = 2011


def _add_census_households(pop: pd.DataFrame, path: Path) -> pd.DataFrame:
    raw = _line_index(_read_csv(path))
    _require_columns(raw, ("la_code", "households"), path=path)
    hh = pd.Series(_parse_counts(raw["households"], path=path, column="households").to_numpy(), index=raw["la_code"].str.strip())
    out = pop.copy()
    is_census = out["year"] == CENSUS_YEAR
    out.loc[is_census, "households"] = out.loc[is_census, "area_code"].map(hh).astype("Int64")
    return out


def load_census_areas(path: str | Path) -> pd.DataFrame:
    """Census 2011 households and land area by local authority.

    Returns ``area_code, households, area_hectares``.

    Examples
    --------
    >>> ca = load_census_areas(DATA_DIR / "population/la_census2011_population_households.csv")
    >>> int(ca.set_index("area_code").loc["E09000022", "households"])
    130017
    """
    path = Path(path)
    raw = _line_index(_read_csv(path))
    _require_columns(raw, ("la_code", "households", "area_hectares"), path=path)
    return pd.DataFrame(
        {
            "area_code": raw["la_code"].str.strip().to_numpy(),
            "households": _parse_counts(raw["households"], path=path, column="households").to_numpy(),
            "area_hectares": _parse_counts(raw["area_hectares"], path=path, column="area_hectares").to_numpy(),
        }
    )
