"""ONS geography lookups: LSOA to district, district codes, LSOA centroids."""

from __future__ import annotations

import logging
from functools import lru_cache

import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.core.paths import DATA_DIR
from workbook.data.canonical import NO_LOCATION

logger = logging.getLogger(__name__)

LOOKUP_PATH = DATA_DIR / "lookups" / "lad17_csp17_pfa17_lookup.csv"

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
