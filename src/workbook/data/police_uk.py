"""Loading police.uk street-level downloads (a folder of monthly CSVs or a zip)."""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

import pandas as pd

from workbook.core.categories import harmonise_categories
from workbook.core.errors import DataError
from workbook.data.canonical import (
    _line_index,
    _parse_months,
    _require_columns,
    finalise_canonical,
)
from workbook.data.lookups import assign_districts, find_force_districts
from workbook.data.reading import _read_csv

logger = logging.getLogger(__name__)

POLICE_UK_REQUIRED = ("Month", "LSOA code", "LSOA name", "Crime type")
_MONTH_COL = re.compile(r"^\d{6}$")
_STREET_FILE = re.compile(r"(\d{4}-\d{2})-.+-street\.csv$", re.IGNORECASE)


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


def _force_districts(name: str) -> frozenset[str] | None:
    """The districts of the force a street file is named after (``YYYY-MM-<force>-street.csv``), if known."""
    m = _STREET_FILE.search(name)
    force = m.group(0)[len(m.group(1)) + 1 : -len("-street.csv")] if m else ""
    return find_force_districts(force) if force else None


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
        The district is the LSOA code's, through the ONS LSOA (2021) to
        district (2024) lookup (:func:`workbook.data.lookups.assign_districts`;
        the name's prefix only for codes the lookup lacks).  Records with no
        location form their own ``"No location"`` area, and those a force's
        file places in another force's districts (police.uk snaps points over
        the boundary) an ``"Outside the force area"`` one, so totals stay
        complete and no neighbouring district is credited with a few records.

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> df = load_police_uk_street(DATA_DIR / "police_uk/city_of_london/raw")
    >>> int(df["count"].sum()), df["month"].dt.strftime("%Y-%m").unique().tolist()
    (922, ['2019-06'])
    >>> sorted(df["area_name"].unique())
    ['City of London', 'No location', 'Outside the force area']
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
        # the district by LSOA code (ONS lookup), not the name's prefix; records this
        # force placed in another force's districts are not those districts' crime
        district = assign_districts(raw["LSOA code"], lsoa_name, force_districts=_force_districts(name))
        frames.append(
            pd.DataFrame(
                {
                    "month": _parse_months(raw["Month"], path=name, column="Month"),
                    "area_code": district["area_code"],
                    "area_name": district["area_name"],
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


TIDY_AGGREGATE_COLUMNS = ("month", "area_code", "area_name", "lsoa_code", "lsoa_name", "crime_type", "count")


def build_street_aggregate(path: str | Path) -> pd.DataFrame:
    """A police.uk download as a compact tidy table: month × LSOA × crime type counts.

    What the repository embeds instead of the raw files (30 months of one
    force are some 33 MB raw, 5 MB so); :func:`workbook.data.tidy.load_tidy`
    reads it back into the same canonical table as the raw download,
    districts included (``area_code``/``area_name`` as assigned here, by LSOA
    code).

    Parameters
    ----------
    path
        Anything :func:`load_police_uk_street` reads.

    Returns
    -------
    pandas.DataFrame
        ``month`` (YYYY-MM), ``area_code, area_name, lsoa_code, lsoa_name``,
        ``crime_type`` (police.uk's, Anti-social behaviour included) and ``count``.

    Examples
    --------
    >>> import tempfile
    >>> from workbook.core.paths import DATA_DIR
    >>> from workbook.data.tidy import load_tidy
    >>> raw = DATA_DIR / "police_uk/city_of_london/raw"
    >>> agg = build_street_aggregate(raw)
    >>> out = Path(tempfile.mkdtemp()) / "agg.csv"
    >>> agg.to_csv(out, index=False)
    >>> load_tidy(out).equals(load_police_uk_street(raw))
    True
    """
    df = load_police_uk_street(path)
    return pd.DataFrame(
        {
            "month": df["month"].dt.strftime("%Y-%m"),
            "area_code": df["area_code"],
            "area_name": df["area_name"],
            "lsoa_code": df["lsoa_code"],
            "lsoa_name": df["lsoa_name"],
            "crime_type": df["source_category"],
            "count": df["count"],
        }
    )
