"""ONS geography lookups: LSOA to ward and district, district to partnership
and police force area, district codes, LSOA centroids.

Records are placed by LSOA code through the ONS "LSOA (2021) to Electoral Ward
(2024) to LAD (2024)" lookup, never by the LSOA name's prefix: police.uk writes
"Bristol 001A" where ONS names the district "Bristol, City of", and a few
LSOAs carry another district's prefix.  The name is read only for codes the
lookup does not hold (2011 LSOAs in files before 2021).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from workbook.core.errors import DataError, ValueInputError
from workbook.core.paths import DATA_DIR
from workbook.data.canonical import NO_LOCATION, _line_index, _require_columns
from workbook.data.reading import _read_csv

logger = logging.getLogger(__name__)

LOOKUP_PATH = DATA_DIR / "lookups" / "lad17_csp17_pfa17_lookup.csv"
LSOA_LOOKUP_PATH = DATA_DIR / "lookups" / "lsoa21_ward24_lad24_lookup.csv"
DISTRICT_LOOKUP_PATH = DATA_DIR / "lookups" / "lad24_csp24_pfa24_lookup.csv"
LSOA_LOOKUP_COLUMNS = ("LSOA21CD", "LSOA21NM", "WD24CD", "WD24NM", "LAD24CD", "LAD24NM")
DISTRICT_LOOKUP_COLUMNS = ("LAD24CD", "LAD24NM", "CSP24CD", "CSP24NM", "PFA24CD", "PFA24NM")

NO_LOCATION_CODE = "NO_LOCATION"
OUTSIDE_FORCE_CODE = "OUTSIDE_FORCE"
OUTSIDE_FORCE_NAME = "Outside the force area"
"""A force's records that police.uk placed in another force's districts (snapped over
the boundary): they say nothing about those districts, so they are not assigned to them."""

# police.uk names forces by a slug of the force area's name ("2023-10-bedfordshire-street.csv");
# these two force areas are named differently by ONS.
_FORCE_ID_EXCEPTIONS = {"London, City of": "city-of-london", "Metropolitan Police": "metropolitan"}

# police.uk street-level columns that locate a record
_RAW_COLUMNS = {
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Longitude": "longitude",
    "Latitude": "latitude",
}


# --------------------------------------------------------------------------- helpers


@lru_cache(maxsize=1)
def _district_codes() -> dict[str, str]:
    """District name (case-folded) -> ONS LAD code, from the ONS lookups (2024 names win)."""
    out: dict[str, str] = {}
    if LOOKUP_PATH.exists():
        lk = pd.read_csv(LOOKUP_PATH, dtype=str)
        out.update(zip(lk["LAD17NM"].str.strip().str.casefold(), lk["LAD17CD"].str.strip()))
    if DISTRICT_LOOKUP_PATH.exists():
        lk = _read_lookup(DISTRICT_LOOKUP_PATH, DISTRICT_LOOKUP_COLUMNS)
        out.update(zip(lk["LAD24NM"].str.casefold(), lk["LAD24CD"]))
    return out


def _read_lookup(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """An ONS lookup as stripped strings, its columns checked."""
    if not path.exists():
        raise DataError("ONS lookup not found; expected it in data/lookups/ (see its PROVENANCE.md)", path=path)
    lk = _line_index(_read_csv(path))
    _require_columns(lk, columns, path=path)
    lk = lk[list(columns)].apply(lambda c: c.str.strip())
    blank = (lk == "").any(axis=1)
    if blank.any():
        line = int(blank.idxmax())
        col = next(c for c in columns if lk.loc[line, c] == "")
        raise DataError("blank cell; expected a code or name in every cell", path=path, row=line, column=col)
    return lk


@lru_cache(maxsize=1)
def _lsoa_table() -> pd.DataFrame:
    lk = _read_lookup(LSOA_LOOKUP_PATH, LSOA_LOOKUP_COLUMNS)
    dup = lk["LSOA21CD"].duplicated()
    if dup.any():
        raise DataError("LSOA code repeats an earlier row; expected each LSOA once (a best-fit lookup)",
                        path=LSOA_LOOKUP_PATH, row=int(dup.idxmax()), column="LSOA21CD")
    return lk.set_index("LSOA21CD")


@lru_cache(maxsize=1)
def _district_table() -> pd.DataFrame:
    return _read_lookup(DISTRICT_LOOKUP_PATH, DISTRICT_LOOKUP_COLUMNS).reset_index(drop=True)


def load_lsoa_lookup() -> pd.DataFrame:
    """The ONS LSOA (2021) to ward (2024) to district (2024) best-fit lookup.

    Returns
    -------
    pandas.DataFrame
        ``LSOA21CD, LSOA21NM, WD24CD, WD24NM, LAD24CD, LAD24NM``, one row per
        LSOA in England and Wales (a new copy each call).

    Examples
    --------
    >>> lk = load_lsoa_lookup()
    >>> len(lk), lk["LAD24CD"].nunique()
    (35672, 318)
    """
    return _lsoa_table().reset_index()


def load_district_lookup() -> pd.DataFrame:
    """The ONS district (LAD 2024) to Community Safety Partnership to police force area lookup.

    A district may appear more than once where the lookup still splits it
    between older partnerships (Buckinghamshire, for one, in four rows).

    Examples
    --------
    >>> lk = load_district_lookup()
    >>> lk.loc[lk["LAD24NM"] == "Central Bedfordshire", ["CSP24CD", "PFA24NM"]].values.tolist()
    [['E22000353', 'Bedfordshire']]
    """
    return _district_table().copy()


def police_uk_force_id(force_area: str) -> str:
    """The name police.uk gives a force in its file names, from the force area's ONS name.

    Examples
    --------
    >>> police_uk_force_id("Devon & Cornwall"), police_uk_force_id("London, City of")
    ('devon-and-cornwall', 'city-of-london')
    """
    name = str(force_area).strip()
    if name in _FORCE_ID_EXCEPTIONS:
        return _FORCE_ID_EXCEPTIONS[name]
    return re.sub(r"[^a-z0-9]+", "-", name.casefold().replace("&", "and")).strip("-")


def find_force_districts(force_id: str) -> frozenset[str] | None:
    """The district codes of the force whose police.uk name is ``force_id``, or None if unknown.

    Examples
    --------
    >>> sorted(find_force_districts("bedfordshire"))
    ['E06000032', 'E06000055', 'E06000056']
    >>> find_force_districts("btp") is None
    True
    """
    lk = _district_table()
    ids = lk["PFA24NM"].map(police_uk_force_id)
    codes = frozenset(lk.loc[ids == str(force_id).strip().casefold(), "LAD24CD"])
    return codes or None


def assign_districts(
    lsoa_code: pd.Series, lsoa_name: pd.Series | None = None, *, force_districts: frozenset[str] | None = None
) -> pd.DataFrame:
    """The district (2024) of each record, by its LSOA code.

    Parameters
    ----------
    lsoa_code, lsoa_name
        The records' LSOA codes and (optionally) names.  A code the 2021
        lookup does not hold (a 2011 LSOA, before 2021) falls back to the
        name's district part; a record with neither has no location.
    force_districts
        The districts of the force whose download this is
        (:func:`find_force_districts`).  Records it placed in another force's
        districts become :data:`OUTSIDE_FORCE_CODE`, not those districts.

    Returns
    -------
    pandas.DataFrame
        ``area_code, area_name`` on ``lsoa_code``'s index.

    Examples
    --------
    A name prefix that disagrees with the code goes by the code (E01027857 is
    named "Scarborough 004F" and lies in North Yorkshire); police.uk's short
    name of Bristol is found through its code:

    >>> codes = pd.Series(["E01027857", "E01014485", "", "E01015792"])
    >>> names = pd.Series(["Scarborough 004F", "Bristol 058A", "", "Luton 021D"])
    >>> assign_districts(codes, names).values.tolist()
    [['E06000065', 'North Yorkshire'], ['E06000023', 'Bristol, City of'], ['NO_LOCATION', 'No location'], ['E06000032', 'Luton']]
    >>> assign_districts(codes, names, force_districts=find_force_districts("bedfordshire"))["area_code"].tolist()
    ['OUTSIDE_FORCE', 'OUTSIDE_FORCE', 'NO_LOCATION', 'E06000032']
    """
    codes = lsoa_code.astype("string").str.strip().fillna("")
    names = (
        pd.Series("", index=codes.index, dtype="string")
        if lsoa_name is None
        else lsoa_name.astype("string").str.strip().fillna("")
    )
    lk = _lsoa_table()
    area_code = codes.map(lk["LAD24CD"]).astype("string")
    area_name = codes.map(lk["LAD24NM"]).astype("string")
    unknown = area_code.isna()
    if unknown.any():
        # not a 2021 LSOA code: the district part of the name, as police.uk writes it
        from_name = district_from_lsoa_name(names[unknown].where(names[unknown] != "", codes[unknown]))
        area_name[unknown] = from_name
        area_code[unknown] = from_name.map(lambda d: NO_LOCATION_CODE if d == NO_LOCATION else lookup_district_code(d))
    if force_districts:
        outside = ~area_code.isin(force_districts) & (area_code != NO_LOCATION_CODE) & area_code.str.match(r"^[EW]0\d{7}$")
        area_code[outside] = OUTSIDE_FORCE_CODE
        area_name[outside] = OUTSIDE_FORCE_NAME
    return pd.DataFrame({"area_code": area_code.astype(str), "area_name": area_name.astype(str)}, index=codes.index)


def assign_wards(lsoa_code: pd.Series) -> pd.DataFrame:
    """The ward (2024) and district (2024) of each LSOA code; missing where the lookup lacks the code.

    Examples
    --------
    >>> w = assign_wards(pd.Series(["E01017439", "nowhere"]))
    >>> w.iloc[0].tolist()
    ['E05014421', 'Shefford', 'E06000056', 'Central Bedfordshire']
    >>> bool(w.iloc[1].isna().all())
    True
    """
    codes = lsoa_code.astype("string").str.strip()
    lk = _lsoa_table()
    return pd.DataFrame(
        {
            "ward_code": codes.map(lk["WD24CD"]).astype("string"),
            "ward_name": codes.map(lk["WD24NM"]).astype("string"),
            "district_code": codes.map(lk["LAD24CD"]).astype("string"),
            "district_name": codes.map(lk["LAD24NM"]).astype("string"),
        },
        index=lsoa_code.index,
    )


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


# --------------------------------------------------------------------------- coordinates


def lsoa_centroids(raw_street_rows: pd.DataFrame) -> pd.DataFrame:
    """Average position of the recorded crimes in each neighbourhood.

    This is the centre of police.uk's anonymised crime locations (each record
    is snapped to a nearby map point), *not* the official LSOA centroid; it
    is good enough to place neighbourhoods relative to each other.

    Parameters
    ----------
    raw_street_rows
        Rows of data.police.uk street-level files with ``Longitude``,
        ``Latitude``, ``LSOA code`` and ``LSOA name`` (or the same in
        snake case).  Rows without coordinates or LSOA are left out.

    Returns
    -------
    pandas.DataFrame
        ``lsoa_code, lsoa_name, longitude, latitude, n_records``, by code.

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> raw = pd.read_csv(DATA_DIR / "police_uk/city_of_london/raw/2019-06-city-of-london-street.csv")
    >>> c = lsoa_centroids(raw)
    >>> int(c["n_records"].sum()) == int(raw["Longitude"].notna().sum())
    True
    """
    df = raw_street_rows.rename(columns=_RAW_COLUMNS)
    missing = [c for c in ("lsoa_code", "longitude", "latitude") if c not in df.columns]
    if missing:
        raise ValueInputError(
            f"street rows lack column(s) {missing}; expected data.police.uk's "
            "'Longitude', 'Latitude', 'LSOA code' and 'LSOA name'"
        )
    if "lsoa_name" not in df.columns:
        df = df.assign(lsoa_name=pd.NA)
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    bad = (lon.abs() > 180) | (lat.abs() > 90)
    if bad.any():
        i = bad.idxmax()
        raise ValueInputError(
            f"row {i}: longitude {lon[i]} / latitude {lat[i]} is not a position on earth; "
            "expected degrees (longitude -180 to 180, latitude -90 to 90)"
        )
    pts = pd.DataFrame(
        {"lsoa_code": df["lsoa_code"], "lsoa_name": df["lsoa_name"], "longitude": lon, "latitude": lat}
    )
    dropped = pts[["lsoa_code", "longitude", "latitude"]].isna().any(axis=1)
    if dropped.any():
        logger.info("%d street rows without coordinates or LSOA left out of centroids", int(dropped.sum()))
    pts = pts[~dropped]
    out = (
        pts.groupby("lsoa_code")
        .agg(
            lsoa_name=("lsoa_name", "first"),
            longitude=("longitude", "mean"),
            latitude=("latitude", "mean"),
            n_records=("longitude", "size"),
        )
        .reset_index()
    )
    out["lsoa_code"] = out["lsoa_code"].astype("string")
    out["lsoa_name"] = out["lsoa_name"].astype("string")
    out["n_records"] = out["n_records"].astype("int64")
    return out
